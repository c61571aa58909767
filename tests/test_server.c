/* test_server.c - the HTTP API: the real server on an ephemeral loopback
 * port (in-process through io_server_*, and the cohort binary for the
 * durability test), spoken to over sockets by a tiny HTTP/1.1 client.
 * This file holds the suite's fixture (tests/server/fixture.h), the meta,
 * security and bad-request tests; the rest are in tests/server/. */
#include "fixture.h"
#include "store_target.h"

#define OPENAPI COHORT_SOURCE_DIR "/docs/openapi.json"
#define MAX_BODY 65536

char dir[256], dbpath[300], logpath[300];
char admin[128], coord[128], viewer[128];
io_server *srv;
static FILE *logf;

int port;

/* A request with extra header lines ("Name: value\r\n"...). */
resp req_h(const char *method, const char *path, const char *token, const char *body,
           const char *extra)
{
    resp r;
    cr_assert_eq(http_to_h(port, method, path, token, body, extra, &r), 0, "%s %s: no answer",
                 method, path);
    return r;
}

resp req(const char *method, const char *path, const char *token, const char *body)
{
    resp r;
    cr_assert_eq(http_to(port, method, path, token, body, &r), 0, "%s %s: no answer", method,
                 path);
    return r;
}

/* ------------------------------------------------------------ fixture */

static void setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    snprintf(dir, sizeof dir, "/tmp/cohort-test-server-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char file[300];
    snprintf(file, sizeof file, "%s/s.db", dir);
    target_setup(dbpath, sizeof dbpath, file);
    snprintf(logpath, sizeof logpath, "%s/requests.log", dir);
    make_tokens(dbpath, admin, coord, viewer);
    logf = fopen(logpath, "w+");
    io_server_options o;
    io_server_options_default(&o);
    o.port = 0;
    o.max_body = MAX_BODY;
    o.timeout_s = 2;
    o.max_jobs = 1;
    o.log = logf;
    o.worker = COHORT_BINARY;
    char *err = NULL;
    cr_assert_eq(io_server_start(dbpath, &o, &srv, &err), IO_OK, "%s", err ? err : "");
    port = io_server_port(srv);
    cr_assert_gt(port, 0);
}

static void teardown(void)
{
    io_server_stop(srv);
    srv = NULL;
    target_teardown();
    if (logf)
        fclose(logf);
    logf = NULL;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
}

TestSuite(server, .init = setup, .fini = teardown, .timeout = 60);

/* Store the tiny program as "t" (admin). */
void post_tiny(void)
{
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/programs?id=t", admin, inst);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    free(inst);
}

/* Poll a job until it is no longer queued or running. */
resp wait_job(const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/jobs/%s", id);
    for (int i = 0; i < 3600; i++) { /* 3 minutes: sanitizer builds on a busy machine */
        resp r = req("GET", path, viewer, NULL);
        cr_assert_eq(r.status, 200, "%s", r.body);
        const char *st = json_string_value(json_object_get(r.json, "status"));
        if (strcmp(st, "queued") != 0 && strcmp(st, "running") != 0)
            return r;
        resp_free(&r);
        usleep(50000);
    }
    cr_assert_fail("job %s did not finish", id);
    resp none = {0};
    return none;
}

/* ----------------------------------------------------------- meta */

Test(server, health_needs_no_token)
{
    resp r = req("GET", "/v1/health", NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "schema_version")),
                 IO_STORE_SCHEMA_VERSION);
    cr_assert(header_has(&r, "Content-Type: application/json"));
    resp_free(&r);
}

Test(server, openapi_is_served_and_equals_the_docs_file)
{
    resp r = req("GET", "/v1/openapi.json", NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "openapi")), "3.0.3");
    json_t *file = json_load_file(OPENAPI, 0, NULL);
    cr_assert_not_null(file, "docs/openapi.json missing or not JSON (cohort serve --openapi "
                             "docs/openapi.json)");
    cr_assert(json_equal(file, r.json),
              "docs/openapi.json differs from the served document; regenerate it");
    json_decref(file);
    resp_free(&r);
}

/* Every documented operation exists (never 404/405), needs the documented
 * role, and undocumented methods on documented paths answer 405. */
Test(server, every_documented_route_answers_as_documented)
{
    resp doc = req("GET", "/v1/openapi.json", NULL, NULL);
    json_t *paths = json_object_get(doc.json, "paths");
    cr_assert_gt(json_object_size(paths), 20);
    const char *tpl;
    json_t *item;
    static const char *const methods[] = {"get", "post", "put", "delete", "patch"};
    int ops = 0;
    json_object_foreach(paths, tpl, item)
    {
        char path[512] = "";
        for (const char *p = tpl; *p;) {
            if (*p == '{') {
                strcat(path, "x1");
                p = strchr(p, '}') + 1;
            } else {
                strncat(path, p, 1);
                p++;
            }
        }
        for (int m = 0; m < 5; m++) {
            char up[8];
            size_t ml = strlen(methods[m]);
            for (size_t k = 0; k <= ml; k++)
                up[k] = (char)(methods[m][k] ? methods[m][k] - 'a' + 'A' : 0);
            json_t *op = json_object_get(item, methods[m]);
            resp r = req(up, path, NULL, op ? "{}" : NULL);
            if (!op) {
                assert_error(&r, 405);
                cr_assert(header_has(&r, "Allow: "), "%s %s", up, path);
            } else {
                ops++;
                const char *role = json_string_value(json_object_get(op, "x-min-role"));
                if (strcmp(role, "none") == 0) /* a calendar feed: x1 is no secret */
                    cr_assert_eq(r.status, strstr(tpl, "{secret}") ? 404 : 200, "%s %s", up,
                                 path);
                else {
                    assert_error(&r, 401);
                    cr_assert(header_has(&r, "WWW-Authenticate: Bearer"));
                    cr_assert(json_object_get(json_object_get(op, "responses"), "401"));
                }
            }
            resp_free(&r);
        }
    }
    cr_assert_geq(ops, 40);
    resp_free(&doc);
}

/* -------------------------------------------------------- security */

Test(server, tokens_and_roles)
{
    post_tiny();
    resp r = req("GET", "/v1/programs", NULL, NULL);
    assert_error(&r, 401);
    resp_free(&r);
    r = req("GET", "/v1/programs", "cht_not_a_token", NULL);
    assert_error(&r, 401);
    cr_assert(header_has(&r, "invalid_token"));
    resp_free(&r);
    r = req("GET", "/v1/programs", viewer, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(json_array_size(items(&r)), 1);
    resp_free(&r);
    /* viewer cannot record events or plan; coordinator cannot manage */
    r = req("POST", "/v1/programs/t/events", viewer,
            "{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"p01\"}");
    assert_error(&r, 403);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/plan", viewer, NULL);
    assert_error(&r, 403);
    resp_free(&r);
    r = req("DELETE", "/v1/programs/t", coord, NULL);
    assert_error(&r, 403);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/rooms", coord, "{\"id\":\"x\",\"capacity\":4}");
    assert_error(&r, 403);
    resp_free(&r);
    r = req("GET", "/v1/tokens", coord, NULL);
    assert_error(&r, 403);
    resp_free(&r);
    r = req("GET", "/v1/audit", viewer, NULL);
    assert_error(&r, 403);
    resp_free(&r);
    /* admin makes a token over HTTP, uses it, revokes it */
    r = req("POST", "/v1/tokens", admin, "{\"role\":\"viewer\",\"name\":\"ehr\"}");
    cr_assert_eq(r.status, 201, "%s", r.body);
    char tok[128], path[64];
    snprintf(tok, sizeof tok, "%s", json_string_value(json_object_get(r.json, "token")));
    snprintf(path, sizeof path, "/v1/tokens/%lld",
             (long long)json_integer_value(json_object_get(r.json, "id")));
    resp_free(&r);
    r = req("GET", "/v1/programs/t", tok, NULL);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    r = req("GET", "/v1/tokens", admin, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(json_array_size(items(&r)), 4);
    cr_assert_null(strstr(r.body, tok));
    resp_free(&r);
    r = req("POST", "/v1/tokens", admin, "{\"role\":\"root\"}");
    assert_error(&r, 400);
    cr_assert_str_eq(error_path(&r),
                     "role");
    resp_free(&r);
    r = req("DELETE", path, admin, NULL);
    cr_assert_eq(r.status, 204);
    resp_free(&r);
    r = req("GET", "/v1/programs/t", tok, NULL);
    assert_error(&r, 401);
    resp_free(&r);
    r = req("DELETE", path, admin, NULL);
    assert_error(&r, 404);
    resp_free(&r);
}

/* ------------------------------------------------------ bad requests */

Test(server, bad_json_unknown_paths_methods_and_large_bodies)
{
    resp r = req("POST", "/v1/validate", viewer, "{\"program\": [1, 2,");
    assert_error(&r, 400);
    cr_assert(strstr(r.body, "line 1"), "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/validate", viewer, NULL);
    assert_error(&r, 400);
    resp_free(&r);
    r = req("GET", "/v1/nothing", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("GET", "/v2/programs", NULL, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/rooms/a/b/c", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("PATCH", "/v1/programs/t", admin, "{}");
    assert_error(&r, 405);
    cr_assert(header_has(&r, "Allow: GET, PUT, DELETE"), "%s", r.headers);
    resp_free(&r);
    r = req("GET", "/v1/programs/nope", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    /* a declared body over the limit is refused before it is sent */
    int fd = connect_to(port);
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST /v1/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n",
                     viewer, MAX_BODY * 4);
    send_all(fd, head, (size_t)n);
    cr_assert_eq(read_resp(fd, &r), 0);
    close(fd);
    assert_error(&r, 413);
    resp_free(&r);
    /* a chunked body that grows past the limit */
    fd = connect_to(port);
    n = snprintf(head, sizeof head,
                 "POST /v1/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n"
                 "Content-Type: application/json\r\n\r\n",
                 viewer);
    send_all(fd, head, (size_t)n);
    char *chunk = malloc(16384 + 16);
    int cl = sprintf(chunk, "4000\r\n");
    memset(chunk + cl, ' ', 16384);
    memcpy(chunk + cl + 16384, "\r\n", 2);
    for (int i = 0; i < 6; i++)
        send_all(fd, chunk, (size_t)cl + 16384 + 2);
    send_all(fd, "0\r\n\r\n", 5);
    free(chunk);
    cr_assert_eq(read_resp(fd, &r), 0);
    close(fd);
    assert_error(&r, 413);
    resp_free(&r);
    /* one that keeps going far past it loses the connection, no answer */
    fd = connect_to(port);
    n = snprintf(head, sizeof head,
                 "POST /v1/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n"
                 "Content-Type: application/json\r\n\r\n",
                 viewer);
    send_all(fd, head, (size_t)n);
    chunk = malloc(16384 + 16);
    cl = sprintf(chunk, "4000\r\n");
    memset(chunk + cl, ' ', 16384);
    memcpy(chunk + cl + 16384, "\r\n", 2);
    int sent_all = 1;
    for (int i = 0; i < 200 && sent_all; i++) /* 3.2 MB */
        sent_all = send_all(fd, chunk, (size_t)cl + 16384 + 2) == 0;
    free(chunk);
    if (sent_all)
        send_all(fd, "0\r\n\r\n", 5);
    cr_assert_neq(read_resp(fd, &r), 0, "expected the connection to be dropped");
    close(fd);
    /* the server is still fine */
    r = req("GET", "/v1/health", NULL, NULL);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
}

Test(server, idle_connections_time_out)
{
    int fd = connect_to(port);
    send_all(fd, "GET /v1/health HTTP/1.1\r\nHost: x\r\n", 34);
    time_t t0 = time(NULL);
    char buf[256];
    ssize_t r = recv(fd, buf, sizeof buf, 0); /* server closes: 0 (or a reset) */
    cr_assert_leq(r, 0);
    cr_assert_leq(time(NULL) - t0, 10);
    close(fd);
}

