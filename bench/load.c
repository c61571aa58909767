/*
 * load.c - HTTP load generator for `cohort serve` (bench/load.sh runs it).
 *
 * N client threads, each on its own keep-alive connection, send a mix of
 * reads (a group, a patient, a patient's status history, the schedule
 * list) and roster event writes (each client puts its own member on an
 * administrative hold and back, so every write is valid and the program
 * stays the same size) for a fixed time; then prints throughput, p50/p99
 * latency of reads and writes, and errors (non-2xx answers or broken
 * connections) as one Markdown table row (or JSON with --json).
 *
 * Standalone: POSIX sockets and threads only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef struct conn {
    int fd;
    char buf[1 << 16];
    size_t len; /* bytes buffered */
} conn;

typedef struct opts {
    const char *host, *token, *program;
    int port, clients;
    double seconds, writes;
    int json;
    int first; /* writers take the members from this index on */
} opts;

typedef struct member {
    char group[128], patient[128];
} member;

typedef struct client {
    const opts *o;
    int index;
    const member *mine; /* NULL: reads only */
    member *all;
    int n_all;
    double *rlat, *wlat;
    size_t nr, nw, capr, capw;
    long errors;
    unsigned seed;
    pthread_t th;
} client;

static char *find2crlf(char *buf, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i++)
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n')
            return buf + i;
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int conn_open(conn *c, const opts *o)
{
    c->len = 0;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->host, &a.sin_addr) != 1) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {120, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    return 0;
}

static void conn_close(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->len = 0;
}

/* One request on a keep-alive connection; returns the status (or -1) and,
 * when body_out is given, a malloc'd copy of the body. */
static int request(conn *c, const opts *o, const char *method, const char *path,
                   const char *body, char **body_out)
{
    if (c->fd < 0 && conn_open(c, o) != 0)
        return -1;
    char head[1024];
    size_t blen = body ? strlen(body) : 0;
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     method, path, o->host, o->token, blen);
    if (send(c->fd, head, (size_t)n, MSG_NOSIGNAL) != n ||
        (blen && send(c->fd, body, blen, MSG_NOSIGNAL) != (ssize_t)blen)) {
        conn_close(c);
        return -1;
    }
    /* headers */
    char *end = NULL;
    while (!(end = find2crlf(c->buf, c->len))) {
        if (c->len == sizeof c->buf) {
            conn_close(c);
            return -1;
        }
        ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            conn_close(c);
            return -1;
        }
        c->len += (size_t)r;
    }
    size_t hlen = (size_t)(end - c->buf) + 4;
    int status = 0;
    if (sscanf(c->buf, "HTTP/1.%*d %d", &status) != 1) {
        conn_close(c);
        return -1;
    }
    long clen = 0;
    int closing = 0;
    for (char *p = c->buf; p < end; p++) {
        if ((p == c->buf || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0)
            clen = strtol(p + 15, NULL, 10);
        if ((p == c->buf || p[-1] == '\n') && strncasecmp(p, "Connection: close", 17) == 0)
            closing = 1;
    }
    /* body: may be larger than the buffer; keep what fits for body_out */
    size_t total = hlen + (size_t)clen, have = c->len;
    char *copy = body_out ? malloc((size_t)clen + 1) : NULL;
    size_t got = 0;
    size_t in_buf = have > hlen ? (have - hlen < (size_t)clen ? have - hlen : (size_t)clen) : 0;
    if (copy)
        memcpy(copy, c->buf + hlen, in_buf);
    got = in_buf;
    while (got < (size_t)clen) {
        char tmp[1 << 16];
        size_t want = (size_t)clen - got < sizeof tmp ? (size_t)clen - got : sizeof tmp;
        ssize_t r = recv(c->fd, tmp, want, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(copy);
            conn_close(c);
            return -1;
        }
        if (copy)
            memcpy(copy + got, tmp, (size_t)r);
        got += (size_t)r;
    }
    /* keep bytes beyond this answer (none with one request in flight) */
    if (have > total) {
        memmove(c->buf, c->buf + total, have - total);
        c->len = have - total;
    } else {
        c->len = 0;
    }
    if (copy) {
        copy[clen] = '\0';
        *body_out = copy;
    }
    if (closing)
        conn_close(c);
    return status;
}

static void push(double **a, size_t *n, size_t *cap, double v)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4096;
        *a = realloc(*a, *cap * sizeof **a);
        if (!*a) {
            fprintf(stderr, "cohort-load: out of memory\n");
            exit(1);
        }
    }
    (*a)[(*n)++] = v;
}

static void *run_client(void *p)
{
    client *cl = p;
    const opts *o = cl->o;
    conn c = {.fd = -1};
    int held = 0;
    double stop = now() + o->seconds;
    char path[512], body[512];
    while (now() < stop) {
        int write = cl->mine && (double)rand_r(&cl->seed) / RAND_MAX < o->writes;
        const member *m = &cl->all[rand_r(&cl->seed) % cl->n_all];
        const char *method = "GET";
        const char *b = NULL;
        if (write) {
            method = "POST";
            snprintf(path, sizeof path, "/v1/programs/%s/events", o->program);
            snprintf(body, sizeof body, "{\"event\":\"%s\",\"group\":\"%s\",\"patient\":\"%s\"}",
                     held ? "returned" : "hold_admin", cl->mine->group, cl->mine->patient);
            b = body;
        } else {
            switch (rand_r(&cl->seed) % 4) {
            case 0: snprintf(path, sizeof path, "/v1/programs/%s/groups/%s", o->program, m->group); break;
            case 1: snprintf(path, sizeof path, "/v1/programs/%s/patients/%s", o->program, m->patient); break;
            case 2: snprintf(path, sizeof path, "/v1/programs/%s/events?patient=%s", o->program, m->patient); break;
            default: snprintf(path, sizeof path, "/v1/programs/%s/schedules", o->program); break;
            }
        }
        double t0 = now();
        int st = request(&c, o, method, path, b, NULL);
        double ms = (now() - t0) * 1000.0;
        if (st < 200 || st > 299)
            cl->errors++;
        if (write) {
            if (st == 201 || st == 400) /* 400: out of step; flip and go on */
                held = !held;
            push(&cl->wlat, &cl->nw, &cl->capw, ms);
        } else {
            push(&cl->rlat, &cl->nr, &cl->capr, ms);
        }
    }
    conn_close(&c);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *a, size_t n, double q)
{
    if (!n)
        return 0;
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return a[i < n ? i : n - 1];
}

/* Active members of the program's groups, from GET .../groups. */
static int load_members(const opts *o, member **out)
{
    conn c = {.fd = -1};
    char path[256], *body = NULL;
    snprintf(path, sizeof path, "/v1/programs/%s/groups", o->program);
    int st = request(&c, o, "GET", path, NULL, &body);
    conn_close(&c);
    if (st != 200 || !body) {
        fprintf(stderr, "cohort-load: GET %s answered %d\n", path, st);
        free(body);
        return -1;
    }
    /* a minimal scan: "id":"G" ... "members":[{"patient":"P","status":"active"... */
    int n = 0, cap = 64;
    member *m = malloc((size_t)cap * sizeof *m);
    char group[128] = "";
    for (char *p = body; m && (p = strchr(p, '"')); p++) {
        char key[32];
        if (sscanf(p, "\"%31[^\"]\":", key) != 1)
            continue;
        char val[128];
        if (strcmp(key, "id") == 0 && sscanf(p, "\"id\":\"%127[^\"]\"", val) == 1) {
            snprintf(group, sizeof group, "%s", val);
        } else if (strcmp(key, "patient") == 0 &&
                   sscanf(p, "\"patient\":\"%127[^\"]\"", val) == 1) {
            /* this member object: active? */
            char *close = strchr(p, '}');
            char *st = strstr(p, "\"status\":\"active\"");
            if (!close || !st || st > close)
                goto next;
            if (n == cap) {
                member *nm = realloc(m, (size_t)cap * 2 * sizeof *m);
                if (!nm)
                    break;
                m = nm;
                cap *= 2;
            }
            snprintf(m[n].group, sizeof m[n].group, "%s", group);
            snprintf(m[n].patient, sizeof m[n].patient, "%s", val);
            n++;
        }
    next:
        p += strlen(key) + 2;
    }
    free(body);
    if (!m || n == 0) {
        fprintf(stderr, "cohort-load: the program has no active members to write events for\n");
        free(m);
        return -1;
    }
    *out = m;
    return n;
}

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: cohort-load --port P --token T --program ID [--clients N] [--seconds S]\n"
            "                   [--writes F] [--host ADDR] [--first K] [--json]\n"
            "Load `cohort serve` with N keep-alive clients for S seconds: reads (group,\n"
            "patient, status history, schedule list) and, a share F of requests, roster\n"
            "event writes (hold_admin / returned on each client's own member).\n"
            "--first K: client i writes for active member K+i (loads run side by side on\n"
            "two API nodes take disjoint members).\n"
            "Defaults: 8 clients, 10 s, writes 0.2, host 127.0.0.1, first 0.\n");
}

int main(int argc, char **argv)
{
    opts o = {"127.0.0.1", NULL, NULL, 0, 8, 10, 0.2, 0, 0};
    static const struct option lo[] = {
        {"host", required_argument, NULL, 'H'}, {"port", required_argument, NULL, 'p'},
        {"token", required_argument, NULL, 't'}, {"program", required_argument, NULL, 'P'},
        {"clients", required_argument, NULL, 'c'}, {"seconds", required_argument, NULL, 's'},
        {"writes", required_argument, NULL, 'w'}, {"json", no_argument, NULL, 'j'},
        {"first", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (ch) {
        case 'H': o.host = optarg; break;
        case 'p': o.port = atoi(optarg); break;
        case 't': o.token = optarg; break;
        case 'P': o.program = optarg; break;
        case 'c': o.clients = atoi(optarg); break;
        case 's': o.seconds = atof(optarg); break;
        case 'w': o.writes = atof(optarg); break;
        case 'j': o.json = 1; break;
        case 'f': o.first = atoi(optarg); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (o.port <= 0 || !o.token || !o.program || o.clients < 1 || o.clients > 1024 ||
        o.seconds <= 0 || o.writes < 0 || o.writes > 1 || o.first < 0) {
        usage(stderr);
        return 2;
    }
    member *all = NULL;
    int n_all = load_members(&o, &all);
    if (n_all < 0)
        return 1;
    client *cl = calloc((size_t)o.clients, sizeof *cl);
    if (!cl)
        return 1;
    double t0 = now();
    for (int i = 0; i < o.clients; i++) {
        cl[i].o = &o;
        cl[i].index = i;
        cl[i].all = all;
        cl[i].n_all = n_all;
        cl[i].mine = o.first + i < n_all ? &all[o.first + i] : NULL; /* one writer per member */
        cl[i].seed = 1000u + (unsigned)i;
        pthread_create(&cl[i].th, NULL, run_client, &cl[i]);
    }
    size_t nr = 0, nw = 0;
    long errors = 0;
    for (int i = 0; i < o.clients; i++) {
        pthread_join(cl[i].th, NULL);
        nr += cl[i].nr;
        nw += cl[i].nw;
        errors += cl[i].errors;
    }
    double elapsed = now() - t0;
    double *r = malloc((nr + 1) * sizeof *r), *w = malloc((nw + 1) * sizeof *w), *a = malloc((nr + nw + 1) * sizeof *a);
    size_t ir = 0, iw = 0;
    for (int i = 0; i < o.clients; i++) {
        memcpy(r + ir, cl[i].rlat, cl[i].nr * sizeof *r);
        memcpy(w + iw, cl[i].wlat, cl[i].nw * sizeof *w);
        ir += cl[i].nr;
        iw += cl[i].nw;
        free(cl[i].rlat);
        free(cl[i].wlat);
    }
    memcpy(a, r, nr * sizeof *a);
    memcpy(a + nr, w, nw * sizeof *a);
    qsort(r, nr, sizeof *r, cmp);
    qsort(w, nw, sizeof *w, cmp);
    qsort(a, nr + nw, sizeof *a, cmp);
    double tput = (double)(nr + nw) / elapsed;
    if (o.json)
        printf("{\"clients\":%d,\"seconds\":%.1f,\"requests\":%zu,\"reads\":%zu,\"writes\":%zu,"
               "\"throughput_rps\":%.1f,\"writes_per_s\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
               "\"read_p50_ms\":%.2f,\"read_p99_ms\":%.2f,\"write_p50_ms\":%.2f,"
               "\"write_p99_ms\":%.2f,\"errors\":%ld}\n",
               o.clients, elapsed, nr + nw, nr, nw, tput, (double)nw / elapsed,
               pct(a, nr + nw, 0.5), pct(a, nr + nw, 0.99), pct(r, nr, 0.5), pct(r, nr, 0.99),
               pct(w, nw, 0.5), pct(w, nw, 0.99), errors);
    else
        printf("| %d | %.0f | %zu (%zu writes) | %.0f | %.1f | %.2f / %.2f | %.1f / %.1f | %ld |\n",
               o.clients, elapsed, nr + nw, nw, tput, (double)nw / elapsed, pct(r, nr, 0.5),
               pct(r, nr, 0.99), pct(w, nw, 0.5), pct(w, nw, 0.99), errors);
    free(r);
    free(w);
    free(a);
    free(cl);
    free(all);
    return 0;
}
