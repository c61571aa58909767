/*
 * http.c - the core of `cohort serve`, the JSON HTTP API (libmicrohttpd,
 * one thread per connection): the published-schedule cache, routing,
 * authorisation, and starting and stopping the server.  Replies are in
 * reply.c, what a request carries (body, paging, ETags) in request.c.
 *
 * Every route is one row of ROUTES[] (routes.c: method, path template,
 * least role, handler, and what the OpenAPI document says about it); the
 * OpenAPI document is generated from that table (openapi.c), so it lists
 * exactly what the server does.  The handlers live in handlers_*.c, one
 * file per resource.  Solves run as jobs in child processes
 * (server_jobs.c).  The request log names the path template, never the ids
 * in the path (patient ids are protected health information), nor any body.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/web.h"
#include "http_private.h"

void sched_release(io_server *srv, sched_entry *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&srv->sched_mu);
    int last = --e->refs == 0;
    pthread_mutex_unlock(&srv->sched_mu);
    if (last) {
        model_solution_destroy(e->sol);
        free(e);
    }
}

/* The published (else latest) schedule of a program, parsed: from the
 * cache, or read and parsed now.  NULL when there is none (or it cannot be
 * read); *version set when one exists.  Release with sched_release. */
sched_entry *sched_acquire(io_server *srv, const char *program, int *version)
{
    char stamp[40];
    int v = 0;
    if (io_store_schedule_current(srv->store, program, &v, stamp) != IO_OK)
        return NULL;
    *version = v;
    pthread_mutex_lock(&srv->sched_mu);
    for (int i = 0; i < SCHED_CACHE; i++) {
        sched_entry *e = srv->sched[i];
        if (e && e->version == v && strcmp(e->program, program) == 0 &&
            strcmp(e->stamp, stamp) == 0) {
            e->refs++;
            pthread_mutex_unlock(&srv->sched_mu);
            return e;
        }
    }
    pthread_mutex_unlock(&srv->sched_mu);
    char *text = NULL;
    if (io_store_schedule_get(srv->store, program, v, &text, NULL) != IO_OK)
        return NULL;
    model_diag d;
    model_diag_init(&d);
    sched_entry *e = calloc(1, sizeof *e);
    if (!e || io_solution_parse(text, strlen(text), &e->sol, &d) != IO_OK) {
        free(e);
        free(text);
        model_diag_free(&d);
        return NULL;
    }
    free(text);
    model_diag_free(&d);
    snprintf(e->program, sizeof e->program, "%s", program);
    snprintf(e->stamp, sizeof e->stamp, "%s", stamp);
    e->version = v;
    e->refs = 2; /* the cache and the caller */
    pthread_mutex_lock(&srv->sched_mu);
    unsigned k = srv->sched_next++ % SCHED_CACHE;
    sched_entry *old = srv->sched[k];
    srv->sched[k] = e;
    int drop = old && --old->refs == 0;
    pthread_mutex_unlock(&srv->sched_mu);
    if (drop) {
        model_solution_destroy(old->sol);
        free(old);
    }
    return e;
}


double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define MAX_SEGS 8

static int split_path(char *buf, char **seg)
{
    int n = 0;
    char *p = buf;
    while (*p == '/')
        p++;
    while (*p) {
        if (n == MAX_SEGS)
            return -1;
        seg[n++] = p;
        char *s = strchr(p, '/');
        if (!s)
            break;
        *s = '\0';
        p = s + 1;
        if (!*p) /* trailing slash */
            break;
    }
    return n;
}

/* Does the template match the segments?  Fills params. */
static int route_match(const route *rt, char **seg, int n, const char **param)
{
    const char *t = rt->path + 1;
    int i = 0, np = 0;
    while (*t) {
        size_t len = strcspn(t, "/");
        if (i >= n)
            return 0;
        if (t[0] == '{') {
            if (np < 4)
                param[np++] = seg[i];
        } else if (strlen(seg[i]) != len || strncmp(seg[i], t, len) != 0) {
            return 0;
        }
        i++;
        t += len;
        if (*t == '/')
            t++;
    }
    return i == n;
}

/* ------------------------------------------------------------- HTTP */

/* Check the bearer token of the request against the route's least role.
 * *ok = 1 with r->actor and r->role set when it may proceed; otherwise
 * *ok = 0 and a 401/403/500 was queued. */
static enum MHD_Result authorise(io_server *srv, struct MHD_Connection *c, req_ctx *r,
                                 const route *rt, int *ok)
{
    *ok = 0;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return send_error_c(c, r, 401, NULL, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                            "Bearer realm=\"cohort\"",
                            "a bearer token is required (Authorization: Bearer TOKEN)");
    /* the token, without the blanks around it (optional white space) */
    const char *t = h + 7;
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strlen(t);
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    char tok[256];
    snprintf(tok, sizeof tok, "%.*s", (int)(n < sizeof tok ? n : 0), t);
    long id = 0;
    int role = IO_ROLE_NONE;
    int rc = io_store_token_auth(srv->store, tok, &id, &role);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error_c(c, r, 401, NULL, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                            "Bearer realm=\"cohort\", error=\"invalid_token\"",
                            "the token is unknown or revoked");
    if (rc != IO_OK)
        return send_error_c(c, r, 500, NULL, NULL, NULL, "cannot check the token");
    if (role < rt->role)
        return send_error_c(c, r, 403, NULL, NULL, NULL,
                            "this needs the %s role; the token has %s", io_role_name(rt->role),
                            io_role_name(role));
    r->actor = id;
    r->role = role;
    *ok = 1;
    return MHD_YES;
}

/* Find the route of method + url; its path parameters point into buf
 * (2048 bytes).  NULL with *status 404 or 405 (allow lists the methods
 * of the path) when there is none. */
static const route *find_route(const char *url, const char *method, char *buf,
                               const char **param, char *allow, size_t allow_cap, int *status)
{
    size_t ul = strlen(url);
    *status = 404;
    allow[0] = '\0';
    if (ul >= 2048)
        return NULL;
    memcpy(buf, url, ul + 1);
    char *seg[MAX_SEGS];
    int n = split_path(buf, seg);
    const route *hit = NULL;
    for (int i = 0; n >= 0 && i < N_ROUTES; i++) {
        const char *p[4] = {NULL, NULL, NULL, NULL};
        if (!route_match(&ROUTES[i], seg, n, p))
            continue;
        *status = 405;
        if (strlen(allow) + strlen(ROUTES[i].method) + 3 < allow_cap) {
            if (allow[0])
                strcat(allow, ", ");
            strcat(allow, ROUTES[i].method);
        }
        if (strcmp(ROUTES[i].method, method) == 0) {
            hit = &ROUTES[i];
            memcpy(param, p, sizeof p);
        }
    }
    return hit;
}

/* Everything decided from the request line and headers alone, before any
 * byte of the body is read: control bytes in headers (400), the route
 * (404/405), the token (401/403), unknown query parameters (400), the
 * declared body size (413) and type (415).  MHD_YES with r->status still 0
 * when the request may go on; otherwise a reply was queued (an unread
 * body is then never read: the connection closes after the reply). */
static enum MHD_Result admit(io_server *srv, struct MHD_Connection *c, req_ctx *r,
                             const char *url, const char *method)
{
    const char *bad = header_bytes_bad(c);
    if (bad)
        return send_error_c(c, r, 400, NULL, NULL, NULL, "header %s holds a NUL or control byte",
                            bad);
    if (strncmp(url, "/v1/", 4) != 0 && strcmp(url, "/v1") != 0) { /* the console (web.c) */
        r->tmpl = "/ (console)";
        return (enum MHD_Result)io_web_respond(c, url, method, &r->status);
    }
    char buf[2048], allow[128];
    const char *param[4];
    int status;
    const route *rt = find_route(url, method, buf, param, allow, sizeof allow, &status);
    if (!rt && status == 405)
        return send_error_c(c, r, 405, NULL, MHD_HTTP_HEADER_ALLOW, allow,
                            "method %s is not allowed here (allowed: %s)", method, allow);
    if (!rt)
        return send_error_c(c, r, 404, NULL, NULL, NULL, "no such resource");
    r->tmpl = rt->path;
    r->rt = rt;
    if (rt->role > IO_ROLE_NONE) {
        int ok;
        enum MHD_Result ret = authorise(srv, c, r, rt, &ok);
        if (!ok)
            return ret;
    }
    if ((bad = unknown_query(c, rt)))
        return send_error_c(c, r, 400, bad, NULL, NULL, "unknown query parameter %s", bad);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_TRANSFER_ENCODING);
    unsigned long long len = cl ? strtoull(cl, NULL, 10) : 0;
    if (len > srv->opt.max_body) {
        r->too_big = 1;
        return send_error_c(c, r, 413, NULL, NULL, NULL,
                            "the request body is larger than %zu bytes", srv->opt.max_body);
    }
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
    if ((len > 0 || te) && !(ct && json_content_type(ct)))
        return send_error_c(c, r, 415, NULL, NULL, NULL,
                            "the body must be JSON (Content-Type: application/json), not %s",
                            ct ? ct : "untyped");
    return MHD_YES;
}

static enum MHD_Result dispatch(io_server *srv, struct MHD_Connection *c, req_ctx *r,
                                const char *url, const char *method)
{
    http_req q = {srv, c, r, {NULL, NULL, NULL, NULL}, r->actor, r->role};
    if (r->too_big)
        return send_error_c(c, r, 413, NULL, NULL, NULL,
                            "the request body is larger than %zu bytes", srv->opt.max_body);
    char buf[2048], allow[128];
    int status;
    const route *rt = find_route(url, method, buf, q.param, allow, sizeof allow, &status);
    assert(rt); /* admit() found it in the same URL */
    return rt->fn(&q);
}

/* Keep n more body bytes of the request (up to the limit). */
static enum MHD_Result take_body(io_server *srv, req_ctx *r, const char *data, size_t n)
{
    r->received += n;
    /* past the limit the rest is read and dropped (the 413 can only be
     * sent once the request is complete); a client that keeps sending
     * far past it loses the connection */
    if (r->too_big && r->received > 4 * srv->opt.max_body + ((size_t)1 << 20))
        return MHD_NO;
    if (r->too_big || r->status)
        return MHD_YES;
    r->body.max = srv->opt.max_body;
    int rc = io_buf_append(&r->body, data, n);
    if (rc == IO_EINVAL) { /* past the limit: keep nothing */
        r->too_big = 1;
        io_buf_free(&r->body);
        return MHD_YES;
    }
    return rc == IO_OK ? MHD_YES : MHD_NO;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    io_server *srv = cls;
    req_ctx *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->t0 = now_s();
        snprintf(r->method, sizeof r->method, "%s", method);
        *con_cls = r;
        enum MHD_Result ret = admit(srv, c, r, url, method);
        if (r->status)
            conn_mark(srv, c, 0); /* answered: what is left is sending */
        return ret;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        return take_body(srv, r, upload_data, n);
    }
    conn_mark(srv, c, 0); /* the request is in: no read deadline while it runs */
    if (r->status)
        return MHD_YES;
    return dispatch(srv, c, r, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    io_server *srv = cls;
    conn_mark(srv, c, 1); /* a kept-alive connection reads the next request */
    req_ctx *r = *con_cls;
    if (!r)
        return;
    if (srv->opt.log) {
        char ts[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        pthread_mutex_lock(&srv->log_mu);
        fprintf(srv->opt.log, "%s %s %s %d %.1fms\n", ts, r->method, r->tmpl ? r->tmpl : "-",
                r->status ? r->status : 0, (now_s() - r->t0) * 1000.0);
        fflush(srv->opt.log);
        pthread_mutex_unlock(&srv->log_mu);
    }
    io_buf_free(&r->body);
    free(r);
    *con_cls = NULL;
}

void io_server_options_default(io_server_options *o)
{
    memset(o, 0, sizeof *o);
    o->bind = "127.0.0.1";
    o->port = 8080;
    o->max_body = (size_t)32 * 1024 * 1024;
    o->max_json_values = 1000000;
    o->max_json_depth = 32;
    o->timeout_s = 30;
    o->request_timeout_s = 60;
    o->max_connections = 256;
    o->max_per_ip = 32;
    o->max_jobs = 2;
    o->max_queued = 32;
    o->log = NULL;
    o->workers = -1;
    o->job_stale_s = 15;
}

static char *msgdup(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *msgdup(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}

/* Why the address cannot be listened on: bind a plain socket to it (no
 * address or port sharing) and name the error ("Address already in use"
 * for a port another process holds). */
static const char *bind_error(const struct sockaddr *sa)
{
    socklen_t len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                              : sizeof(struct sockaddr_in);
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return strerror(errno);
    int rc = bind(fd, sa, len) == 0 ? 0 : errno;
    close(fd);
    if (rc == EADDRINUSE)
        return "the port is in use by another process";
    return rc ? strerror(rc) : "the server could not start on it";
}

int io_server_start(const char *db_path, const io_server_options *o, io_server **out, char **err)
{
    if (err)
        *err = NULL;
    io_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return IO_ENOMEM;
    if (o)
        srv->opt = *o;
    else
        io_server_options_default(&srv->opt);
    if (!srv->opt.bind)
        srv->opt.bind = "127.0.0.1";
    io_server_options def;
    io_server_options_default(&def);
    if (srv->opt.request_timeout_s <= 0)
        srv->opt.request_timeout_s = def.request_timeout_s;
    if (srv->opt.max_json_values <= 0)
        srv->opt.max_json_values = def.max_json_values;
    if (srv->opt.max_json_depth <= 0)
        srv->opt.max_json_depth = def.max_json_depth;
    pthread_mutex_init(&srv->log_mu, NULL);
    pthread_mutex_init(&srv->sched_mu, NULL);
    pthread_mutex_init(&srv->conn_mu, NULL);
    pthread_cond_init(&srv->conn_wake, NULL);
    int rc = io_store_open(db_path, 1, &srv->store, err);
    if (rc != IO_OK)
        goto fail;
    srv->openapi = io_server_openapi_json();
    if (!srv->openapi) {
        rc = IO_ENOMEM;
        goto fail;
    }
    io_jobs_options jo;
    io_jobs_options_default(&jo);
    jo.worker = srv->opt.worker;
    jo.max_running = srv->opt.workers >= 0 ? srv->opt.workers : srv->opt.max_jobs;
    jo.max_queued = srv->opt.max_queued;
    jo.no_fanout = srv->opt.no_fanout;
    if (srv->opt.job_stale_s > 0)
        jo.stale_s = srv->opt.job_stale_s;
    rc = io_jobs_create(srv->store, &jo, &srv->jobs);
    if (rc != IO_OK) {
        if (err)
            *err = msgdup("cannot start the job thread");
        goto fail;
    }
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, srv->opt.bind, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)srv->opt.port);
        sa = (struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, srv->opt.bind, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)srv->opt.port);
        sa = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        if (err)
            *err = msgdup("--bind %s is not a numeric IPv4 or IPv6 address", srv->opt.bind);
        rc = IO_EINVAL;
        goto fail;
    }
    if (srv->opt.port < 0 || srv->opt.port > 65535) {
        if (err)
            *err = msgdup("port %d is out of range", srv->opt.port);
        rc = IO_EINVAL;
        goto fail;
    }
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)srv->opt.port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(srv->opt.timeout_s > 0 ? srv->opt.timeout_s : 30),
        MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(srv->opt.max_connections > 0 ? srv->opt.max_connections : 256),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(srv->opt.max_per_ip > 0 ? srv->opt.max_per_ip : 32),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        if (err)
            *err = msgdup("cannot listen on %s port %d: %s", srv->opt.bind, srv->opt.port,
                          bind_error(sa));
        rc = IO_EIO;
        goto fail;
    }
    if (pthread_create(&srv->watchdog, NULL, conn_watchdog, srv) != 0) {
        if (err)
            *err = msgdup("cannot start the connection watchdog");
        MHD_stop_daemon(srv->daemon);
        rc = IO_ENOMEM;
        goto fail;
    }
    srv->watchdog_on = 1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : srv->opt.port;
    *out = srv;
    return IO_OK;
fail:
    io_jobs_destroy(srv->jobs);
    io_store_close(srv->store);
    free(srv->openapi);
    pthread_mutex_destroy(&srv->log_mu);
    pthread_mutex_destroy(&srv->sched_mu);
    pthread_mutex_destroy(&srv->conn_mu);
    pthread_cond_destroy(&srv->conn_wake);
    free(srv);
    return rc;
}

int io_server_port(const io_server *s)
{
    return s ? s->port : -1;
}

void io_server_stop(io_server *s)
{
    if (!s)
        return;
    /* Jobs first: shutting them down wakes requests waiting on a
     * synchronous solve, so the connection threads can finish. */
    io_jobs_shutdown(s->jobs);
    MHD_stop_daemon(s->daemon);
    if (s->watchdog_on) {
        pthread_mutex_lock(&s->conn_mu);
        s->stopping = 1;
        pthread_cond_signal(&s->conn_wake);
        pthread_mutex_unlock(&s->conn_mu);
        pthread_join(s->watchdog, NULL);
    }
    io_jobs_destroy(s->jobs);
    io_store_close(s->store);
    free(s->openapi);
    for (int i = 0; i < SCHED_CACHE; i++)
        if (s->sched[i]) {
            model_solution_destroy(s->sched[i]->sol);
            free(s->sched[i]);
        }
    pthread_mutex_destroy(&s->log_mu);
    pthread_mutex_destroy(&s->sched_mu);
    pthread_mutex_destroy(&s->conn_mu);
    pthread_cond_destroy(&s->conn_wake);
    free(s);
}
