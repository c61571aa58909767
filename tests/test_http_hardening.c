/* test_http_hardening.c - the HTTP server under abuse: unauthenticated
 * uploads, slow clients, huge or deep JSON, a taken port, bad header
 * bytes, unknown fields and parameters, worker-process bounds, file modes
 * and ids.  The server runs in this process (io_server_*) on an ephemeral
 * loopback port; the cohort binary where its exit status matters. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http_client.h"
#include "io.h"
#include "io_private.h"

#define TINY COHORT_SOURCE_DIR "/datasets/fixtures/tiny.json"
#define MAX_BODY (8 << 20)
#define PER_IP 4
#define READ_DEADLINE 3

static char dir[256], dbpath[300];
static char admin[128], coord[128], viewer[128];
static io_server *srv;
static int port;
static int read_deadline = READ_DEADLINE; /* of the next start() */

static resp req(const char *method, const char *path, const char *token, const char *body)
{
    resp r;
    cr_assert_eq(http_to(port, method, path, token, body, &r), 0, "%s %s: no answer", method, path);
    return r;
}

/* One raw request (head and body as given) on its own connection. */
static resp raw(const char *text, size_t n)
{
    int fd = connect_to(port);
    cr_assert_geq(fd, 0);
    cr_assert_eq(send_all(fd, text, n), 0);
    resp r;
    cr_assert_eq(read_resp(fd, &r), 0, "no answer");
    close(fd);
    return r;
}

/* Send a raw request and expect the status. */
static void expect_raw(int status, const char *text, size_t n)
{
    resp r = raw(text, n);
    cr_assert_eq(r.status, status, "expected %d, got %d: %s", status, r.status, r.body);
    resp_free(&r);
}

static void start(int max_jobs)
{
    io_server_options o;
    io_server_options_default(&o);
    o.port = 0;
    o.max_body = MAX_BODY;
    o.max_json_values = 100000;
    o.max_json_depth = 32;
    o.timeout_s = 30;
    o.request_timeout_s = read_deadline;
    o.max_per_ip = PER_IP;
    o.max_jobs = max_jobs;
    o.worker = COHORT_BINARY;
    char *err = NULL;
    cr_assert_eq(io_server_start(dbpath, &o, &srv, &err), IO_OK, "%s", err ? err : "");
    port = io_server_port(srv);
    cr_assert_gt(port, 0);
}

static void setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    snprintf(dir, sizeof dir, "/tmp/cohort-test-harden-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/h.db", dir);
    make_tokens(dbpath, admin, coord, viewer);
    start(2);
}

static void teardown(void)
{
    io_server_stop(srv);
    srv = NULL;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
}

TestSuite(hardening, .init = setup, .fini = teardown, .timeout = 120);

/* This process's resident set in kB (the server runs in it). */
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    cr_assert_not_null(f);
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* ------------------------------------------------- 1: auth before body */

Test(hardening, unauthenticated_uploads_are_refused_before_the_body_is_read)
{
    enum { N = 4 };
    int fd[N];
    long before = rss_kb();
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: %d\r\n\r\n",
                     MAX_BODY);
    /* the 401 comes back before a single body byte is sent */
    for (int i = 0; i < N; i++) {
        fd[i] = connect_to(port);
        cr_assert_eq(send_all(fd[i], head, (size_t)n), 0);
        struct timeval tv = {10, 0};
        setsockopt(fd[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[64] = "";
        ssize_t got = recv(fd[i], buf, sizeof buf - 1, 0);
        cr_assert_gt(got, 0, "no answer before the body");
        cr_assert(strncmp(buf, "HTTP/1.1 401", 12) == 0, "%s", buf);
    }
    /* and the body, sent anyway, is not kept: the server closes */
    char *junk = malloc(1 << 20);
    memset(junk, '[', 1 << 20);
    for (int i = 0; i < N; i++) {
        for (int k = 0; k < MAX_BODY >> 20; k++)
            if (send_all(fd[i], junk, 1 << 20) != 0)
                break;
        close(fd[i]);
    }
    free(junk);
    long grown = rss_kb() - before;
    cr_log_info("RSS grew by %ld kB for %d unauthenticated %d-byte uploads", grown, N, MAX_BODY);
    cr_assert_lt(grown, 4096, "the server kept the uploads: RSS grew by %ld kB", grown);
    /* a wrong token is refused as early */
    n = snprintf(head, sizeof head,
                 "POST /v1/validate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n"
                 "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n");
    expect_raw(401, head, (size_t)n);
    /* and a token without the role (viewer on plan) is 403 before the body */
    n = snprintf(head, sizeof head,
                 "POST /v1/plan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                 "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
                 viewer);
    expect_raw(403, head, (size_t)n);
}

/* ------------------------------------- 2: connection limits, deadlines */

Test(hardening, a_slow_client_cannot_lock_out_others)
{
    /* a long read deadline: the slow connections stay for the whole test */
    io_server_stop(srv);
    read_deadline = 60;
    start(2);
    int slow[PER_IP];
    for (int i = 0; i < PER_IP; i++) {
        slow[i] = connect_to(port);
        cr_assert_geq(slow[i], 0);
        send_all(slow[i], "GET /v1/health HTTP/1.1\r\nHo", 27);
    }
    usleep(200000);
    /* one more from the same address is turned away ... */
    int extra = connect_to(port);
    if (extra >= 0) {
        send_all(extra, "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 37);
        char buf[64];
        struct timeval tv = {5, 0};
        setsockopt(extra, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        cr_assert_leq(recv(extra, buf, sizeof buf, 0), 0, "a client past its limit was served");
        close(extra);
    }
    /* ... while another client (127.0.0.2 is another loopback address) is served */
    int other = connect_from("127.0.0.2", port);
    cr_assert_geq(other, 0);
    const char *get = "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    send_all(other, get, strlen(get));
    resp r;
    cr_assert_eq(read_resp(other, &r), 0);
    close(other);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    for (int i = 0; i < PER_IP; i++)
        close(slow[i]);
}

Test(hardening, a_trickling_request_is_closed_at_the_read_deadline)
{
    /* one byte every 300 ms keeps the idle timeout (30 s) from firing;
     * the read deadline still closes it */
    const char *head = "POST /v1/validate HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    int fd = connect_to(port);
    cr_assert_eq(send_all(fd, head, strlen(head)), 0);
    time_t t0 = time(NULL);
    int closed = 0;
    while (!closed && time(NULL) - t0 < 20) {
        usleep(300000);
        if (send(fd, "a", 1, MSG_NOSIGNAL) != 1) {
            closed = 1;
            break;
        }
        char b;
        ssize_t got = recv(fd, &b, 1, MSG_DONTWAIT);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            closed = 1;
    }
    close(fd);
    cr_assert(closed, "a trickling request held its connection for 20 s");
    cr_assert_geq(time(NULL) - t0, READ_DEADLINE - 1, "closed before the deadline");
    /* the same for a body that trickles after complete headers */
    char h2[512];
    int n = snprintf(h2, sizeof h2,
                     "POST /v1/validate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[",
                     viewer);
    fd = connect_to(port);
    send_all(fd, h2, (size_t)n);
    t0 = time(NULL);
    closed = 0;
    while (!closed && time(NULL) - t0 < 20) {
        usleep(300000);
        if (send(fd, "1,", 2, MSG_NOSIGNAL) != 2)
            closed = 1;
        char b;
        ssize_t got = recv(fd, &b, 1, MSG_DONTWAIT);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            closed = 1;
    }
    close(fd);
    cr_assert(closed, "a trickling body held its connection for 20 s");
}

/* ------------------------------------------------ 3: JSON memory bound */

Test(hardening, huge_or_deep_json_is_413_before_a_tree_is_built)
{
    size_t n = 3 * 1000 * 1000; /* 1,000,000 empty objects */
    char *big = malloc(n + 3);
    big[0] = '[';
    for (size_t i = 1; i < n; i += 3)
        memcpy(big + i, "{},", 3);
    big[n - 1] = '{';
    big[n] = '}';
    big[n + 1] = ']';
    big[n + 2] = '\0';
    long before = rss_kb();
    resp r = req("POST", "/v1/validate", viewer, big);
    long grown = rss_kb() - before;
    cr_assert_eq(r.status, 413, "%s", r.body);
    cr_assert(strstr(r.body, "more than 100000 values"), "%s", r.body);
    cr_assert_lt(grown, 64 * 1024, "RSS grew by %ld kB", grown);
    resp_free(&r);
    free(big);
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    char *d = strndup(deep, 200);
    r = req("POST", "/v1/validate", viewer, d);
    free(d);
    cr_assert_eq(r.status, 413, "%s", r.body);
    cr_assert(strstr(r.body, "deeper than 32"), "%s", r.body);
    resp_free(&r);
    /* brackets inside strings do not count */
    char *inst = slurp(TINY);
    json_t *j = json_loads(inst, 0, NULL);
    char s[300];
    memset(s, '[', 299);
    s[299] = '\0';
    json_object_set_new(json_object_get(j, "program"), "name", json_string(s));
    char *text = json_dumps(j, 0);
    r = req("POST", "/v1/validate", viewer, text);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
    free(text);
    json_decref(j);
    free(inst);
}

/* --------------------------------------------------- 4: a taken port */

Test(hardening, a_port_in_use_is_refused)
{
    io_server_options o;
    io_server_options_default(&o);
    o.port = port;
    io_server *second = NULL;
    char *err = NULL;
    char db2[320];
    snprintf(db2, sizeof db2, "%s/second.db", dir);
    cr_assert_neq(io_server_start(db2, &o, &second, &err), IO_OK,
                  "a second server shares the port");
    cr_assert(err && strstr(err, "in use"), "%s", err ? err : "(no message)");
    free(err);
    /* the command: a clear message and a non-zero exit */
    char cmd[800];
    snprintf(cmd, sizeof cmd, "'%s' serve --db '%s' --port %d --quiet 2>'%s/err.txt' >/dev/null",
             COHORT_BINARY, db2, port, dir);
    int st = system(cmd);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0, "cohort serve started on a taken port");
    char path[320];
    snprintf(path, sizeof path, "%s/err.txt", dir);
    char *msg = slurp(path);
    cr_assert(strstr(msg, "in use"), "%s", msg);
    free(msg);
    /* the limits are options, checked */
    const char *bad[] = {"--max-per-ip 0", "--request-timeout 0", "--max-json-depth x",
                         "--max-json-values -1", "--max-connections 70000", NULL};
    for (int i = 0; bad[i]; i++) {
        snprintf(cmd, sizeof cmd, "'%s' serve --db '%s' --port 0 %s 2>/dev/null >/dev/null",
                 COHORT_BINARY, db2, bad[i]);
        st = system(cmd);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2, "%s: status %d", bad[i], st);
    }
}

/* ------------------------------------------------ 9: header bytes */

Test(hardening, nul_or_control_bytes_in_a_header_are_400)
{
    char text[512];
    int n = snprintf(text, sizeof text,
                     "GET /v1/programs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Authorization: Bearer %s",
                     viewer);
    /* the valid token followed by a NUL and more: not cut short and accepted */
    memcpy(text + n, "\0junk\r\n\r\n", 9);
    expect_raw(400, text, (size_t)n + 9);
    n = snprintf(text, sizeof text,
                 "GET /v1/programs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "Authorization: Bearer %s\r\nX-Note: a\x01b\r\n\r\n",
                 viewer);
    expect_raw(400, text, (size_t)n);
    /* ordinary headers pass: cookies (parsed by libmicrohttpd), blanks,
     * tabs, the last header before the blank line, bare LF line ends */
    n = snprintf(text, sizeof text,
                 "GET /v1/programs HTTP/1.1\r\nCookie: a=1; b=2; c=3\r\nHost: x\r\n"
                 "X-Pad:   spaced value \t \r\nConnection: close\r\n"
                 "Authorization: Bearer %s  \r\n\r\n",
                 viewer);
    expect_raw(200, text, (size_t)n);
    n = snprintf(text, sizeof text,
                 "GET /v1/programs HTTP/1.1\nHost: x\nConnection: close\n"
                 "Authorization: Bearer %s\nAccept: */*\n\n",
                 viewer);
    expect_raw(200, text, (size_t)n);
    resp r = req("GET", "/v1/programs", viewer, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
}

/* ------------------------------------------------------ 10: strictness */

Test(hardening, unknown_fields_and_parameters_duplicates_and_types_are_refused)
{
    resp r = req("GET", "/v1/programs?bogus=1", viewer, NULL);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "bogus"), "%s", r.body);
    resp_free(&r);
    r = req("GET", "/v1/audit?limit=5", admin, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
    /* duplicate keys, on every body route */
    const char *dup = "{\"role\":\"viewer\",\"role\":\"admin\"}";
    r = req("POST", "/v1/tokens", admin, dup);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "duplicate"), "%s", r.body);
    resp_free(&r);
    char *inst = slurp(TINY);
    json_t *j = json_loads(inst, 0, NULL);
    /* unknown members of a wrapper body, named by path */
    json_t *w = json_pack("{s:O,s:f,s:i}", "instance", j, "time_limit_s", 5.0, "time_limt", 3);
    char *text = json_dumps(w, 0);
    r = req("POST", "/v1/plan", coord, text);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "time_limt"), "%s", r.body);
    resp_free(&r);
    free(text);
    json_decref(w);
    w = json_pack("{s:s,s:s}", "role", "viewer", "nmae", "x");
    text = json_dumps(w, 0);
    r = req("POST", "/v1/tokens", admin, text);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "nmae"), "%s", r.body);
    resp_free(&r);
    free(text);
    json_decref(w);
    const char *wrapped[] = {"/v1/check", "/v1/fill", "/v1/whatif", "/v1/programs/x/plan", NULL};
    for (int i = 0; wrapped[i]; i++) {
        r = req("POST", wrapped[i], admin, "{\"zzz\": 1}");
        cr_assert_eq(r.status, 400, "%s: %s", wrapped[i], r.body);
        cr_assert(strstr(r.body, "zzz"), "%s: %s", wrapped[i], r.body);
        resp_free(&r);
    }
    /* an unknown member of the instance itself */
    json_object_set_new(j, "extra", json_true());
    text = json_dumps(j, 0);
    r = req("POST", "/v1/validate", viewer, text);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "extra"), "%s", r.body);
    resp_free(&r);
    free(text);
    json_decref(j);
    /* a body that is not JSON: 415 */
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST /v1/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Authorization: Bearer %s\r\nContent-Type: text/plain\r\n"
                     "Content-Length: 2\r\n\r\n{}",
                     viewer);
    expect_raw(415, head, (size_t)n);
    n = snprintf(head, sizeof head,
                 "POST /v1/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "Authorization: Bearer %s\r\nContent-Length: 2\r\n\r\n{}",
                 viewer);
    expect_raw(415, head, (size_t)n);
    r = req("POST", "/v1/validate", viewer, inst);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
    /* an unknown member of an entity, also nested, names its path; a
     * known one passes */
    r = req("POST", "/v1/programs?id=t", admin, inst);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    const char *patient = "{\"id\":\"new1\",\"diagnoses\":[\"F60.3\"],\"available\":[{\"day\":"
                          "\"mon\",\"from\":\"09:00\",\"to\":\"20:00\"%s}],\"added\":"
                          "\"2024-09-02\",\"screened\":true,\"insurance_verified\":true%s}";
    char body[512];
    snprintf(body, sizeof body, patient, "", ",\"nmae\":\"x\"");
    r = req("POST", "/v1/programs/t/patients", admin, body);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "nmae"), "%s", r.body);
    resp_free(&r);
    snprintf(body, sizeof body, patient, ",\"zone\":1", "");
    r = req("PUT", "/v1/programs/t/patients/p01", admin, body);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "available[0].zone"), "%s", r.body);
    resp_free(&r);
    snprintf(body, sizeof body, patient, "", "");
    r = req("POST", "/v1/programs/t/patients", admin, body);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    /* and of a roster event */
    r = req("POST", "/v1/programs/t/events", coord,
            "{\"events\":[{\"event\":\"hold_admin\",\"group\":\"g\",\"patient\":\"p01\","
            "\"resaon\":\"x\"}]}");
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "events[0].resaon"), "%s", r.body);
    resp_free(&r);
    free(inst);
}

/* ------------------------------------------- 5: --jobs bounds processes */

/* How many processes descend from this one (the server's workers and
 * theirs). */
static int descendants(void)
{
    enum { MAXP = 4096 };
    static int pid[MAXP], ppid[MAXP];
    int n = 0;
    DIR *d = opendir("/proc");
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) && n < MAXP) {
        int p = atoi(e->d_name);
        if (p <= 0)
            continue;
        char path[64], buf[512];
        snprintf(path, sizeof path, "/proc/%d/stat", p);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t got = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[got] = '\0';
        const char *close_paren = strrchr(buf, ')');
        int pp = 0;
        if (close_paren && sscanf(close_paren + 2, "%*c %d", &pp) == 1) {
            pid[n] = p;
            ppid[n++] = pp;
        }
    }
    closedir(d);
    int count = 0, self = getpid();
    for (int i = 0; i < n; i++) {
        int p = ppid[i];
        for (int hops = 0; p > 1 && p != self && hops < 64; hops++) {
            int k = 0;
            while (k < n && pid[k] != p)
                k++;
            p = k < n ? ppid[k] : 0;
        }
        count += p == self;
    }
    return count;
}

Test(hardening, jobs_bounds_every_worker_process_whatif_included)
{
    /* Under LeakSanitizer every worker forks a tracer as it exits (its
     * stop-the-world), which this count would take for a third worker:
     * the workers started here skip the exit leak check (the other suites
     * check the worker for leaks). */
    const char *ao = getenv("ASAN_OPTIONS");
    char opts[512];
    snprintf(opts, sizeof opts, "%s%sdetect_leaks=0", ao ? ao : "", ao && *ao ? ":" : "");
    setenv("ASAN_OPTIONS", opts, 1);
    char *inst = slurp(TINY);
    json_t *body = json_pack(
        "{s:o,s:f,s:[{s:s,s:[{s:s,s:s}]},{s:s,s:[{s:s,s:s,s:i,s:i}]},{s:s,s:[{s:s,s:s}]}]}",
        "instance", json_loads(inst, 0, NULL), "time_limit_s", 3.0, "scenarios", "name", "a",
        "changes", "op", "remove_room", "id", "room-b", "name", "b", "changes", "op",
        "add_referrals", "type", "cbt-anx", "count", 3, "seed", 1, "name", "c", "changes", "op",
        "remove_room", "id", "room-b");
    char *text = json_dumps(body, 0);
    char ids[3][64];
    for (int i = 0; i < 3; i++) {
        resp r = req("POST", i < 2 ? "/v1/whatif?async=true" : "/v1/plan?async=true", coord,
                     i < 2 ? text : inst);
        cr_assert_eq(r.status, 202, "%s", r.body);
        snprintf(ids[i], sizeof ids[i], "%s", json_string_value(json_object_get(r.json, "job")));
        resp_free(&r);
    }
    int most = 0, busy = 1;
    for (int t = 0; t < 6000 && busy; t++) { /* 60 s */
        int c = descendants();
        most = c > most ? c : most;
        busy = 0;
        for (int i = 0; i < 3 && !busy; i++) {
            char path[128];
            snprintf(path, sizeof path, "/v1/jobs/%s", ids[i]);
            /* the jobs every 0.1 s, the processes every 10 ms: one poll
             * a connection, under this server's limit of PER_IP each */
            if (t % 10 == 0) {
                resp r = req("GET", path, viewer, NULL);
                const char *st = json_string_value(json_object_get(r.json, "status"));
                busy = strcmp(st, "queued") == 0 || strcmp(st, "running") == 0;
                cr_assert(busy || strcmp(st, "done") == 0, "%s", r.body);
                resp_free(&r);
            } else {
                busy = 1;
            }
        }
        usleep(10000);
    }
    cr_assert_not(busy, "the jobs did not finish");
    cr_log_info("at most %d worker processes with --jobs 2", most);
    cr_assert_geq(most, 1, "no worker process was seen");
    cr_assert_leq(most, 2, "%d worker processes ran with --jobs 2", most);
    free(text);
    json_decref(body);
    free(inst);
}

/* ------------------------------------------------- 6: time-limit range */

Test(hardening, time_limits_are_checked_to_a_sane_range_everywhere)
{
    char *inst = slurp(TINY);
    json_t *j = json_loads(inst, 0, NULL);
    json_t *w = json_pack("{s:O,s:f}", "instance", j, "time_limit_s", 5e7);
    char *text = json_dumps(w, 0);
    resp r = req("POST", "/v1/plan", coord, text);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "time_limit_s"), "%s", r.body);
    resp_free(&r);
    free(text);
    json_decref(w);
    /* in the settings of an instance, stored or not */
    json_object_set_new(json_object_get(j, "settings"), "time_limit_s", json_real(5e7));
    text = json_dumps(j, 0);
    r = req("POST", "/v1/validate", viewer, text);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "settings.time_limit_s"), "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs?id=big", admin, text);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(r.body, "settings.time_limit_s"), "%s", r.body);
    resp_free(&r);
    free(text);
    /* on the command line: exit 2 naming the option */
    char path[320], cmd[1024];
    snprintf(path, sizeof path, "%s/big.json", dir);
    cr_assert_eq(json_dump_file(j, path, 0), 0);
    const char *args[] = {"plan '" TINY "' --time-limit 5e7", "plan '" TINY "' --time-limit 0",
                          "whatif '" TINY "' --time-limit 1e9", NULL};
    for (int i = 0; args[i]; i++) {
        snprintf(cmd, sizeof cmd, "'%s' %s >/dev/null 2>&1", COHORT_BINARY, args[i]);
        int st = system(cmd);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2, "%s: status %d", args[i], st);
    }
    snprintf(cmd, sizeof cmd, "'%s' validate '%s' 2>&1", COHORT_BINARY, path);
    FILE *p = popen(cmd, "r");
    char out[4096] = "";
    size_t got = fread(out, 1, sizeof out - 1, p);
    out[got] = '\0';
    int st = pclose(p);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0, "%s", out);
    cr_assert(strstr(out, "settings.time_limit_s"), "%s", out);
    json_decref(j);
    free(inst);
}

/* ------------------------------------------------ 7: database file mode */

Test(hardening, database_files_are_created_owner_only)
{
    /* setup created the database under the umask the test runs with;
     * make a new one under a permissive umask */
    io_server_stop(srv);
    srv = NULL;
    mode_t old = umask(0);
    snprintf(dbpath, sizeof dbpath, "%s/fresh.db", dir);
    start(1);
    umask(old);
    resp r = req("POST", "/v1/tokens", NULL, "{}"); /* any request: the files exist */
    resp_free(&r);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[340];
        snprintf(p, sizeof p, "%s%s", dbpath, suffix[i]);
        struct stat sb;
        cr_assert_eq(stat(p, &sb), 0, "%s is missing", p);
        cr_assert_eq(sb.st_mode & 0777, 0600, "%s has mode %o", p, (unsigned)(sb.st_mode & 0777));
    }
}

/* ------------------------------------------------------------ 8: ids */

Test(hardening, dot_slash_and_control_ids_are_refused)
{
    char *inst = slurp(TINY);
    const char *bad_program[] = {"/v1/programs?id=.", "/v1/programs?id=..", "/v1/programs?id=a%2Fb",
                                 "/v1/programs?id=a%01b", NULL};
    for (int i = 0; bad_program[i]; i++) {
        resp r = req("POST", bad_program[i], admin, inst);
        cr_assert_eq(r.status, 400, "%s: %s", bad_program[i], r.body);
        cr_assert(strstr(r.body, "\"id\""), "%s", r.body);
        resp_free(&r);
    }
    resp r = req("POST", "/v1/programs?id=t", admin, inst);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    const char *bad_entity[] = {".", "..", "a/b", "a\\u0001b", "a\\u007fb", NULL};
    for (int i = 0; bad_entity[i]; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"id\":\"%s\",\"diagnoses\":[\"F60.3\"],\"available\":[{\"day\":\"mon\","
                 "\"from\":\"09:00\",\"to\":\"20:00\"}],\"added\":\"2024-09-02\","
                 "\"screened\":true,\"insurance_verified\":true}",
                 bad_entity[i]);
        r = req("POST", "/v1/programs/t/patients", admin, body);
        cr_assert_eq(r.status, 400, "%s: %s", bad_entity[i], r.body);
        cr_assert(strstr(r.body, "].id"), "%s", r.body);
        resp_free(&r);
    }
    free(inst);
}
