/* test_server.c - the HTTP API: the real server on an ephemeral loopback
 * port (in-process through io_server_*, and the cohort binary for the
 * durability test), spoken to over sockets by a tiny HTTP/1.1 client. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "http/web.h"
#include "io_private.h"
#include "store_target.h"
#include "http_client.h"

#define TINY COHORT_SOURCE_DIR "/datasets/fixtures/tiny.json"
#define OPENAPI COHORT_SOURCE_DIR "/docs/openapi.json"
#define MAX_BODY 65536

static char dir[256], dbpath[300], logpath[300];
static char admin[128], coord[128], viewer[128];
static io_server *srv;
static FILE *logf;

static int port;

/* A request with extra header lines ("Name: value\r\n"...). */
static resp req_h(const char *method, const char *path, const char *token, const char *body,
                  const char *extra)
{
    resp r;
    cr_assert_eq(http_to_h(port, method, path, token, body, extra, &r), 0, "%s %s: no answer",
                 method, path);
    return r;
}

static resp req(const char *method, const char *path, const char *token, const char *body)
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
static void post_tiny(void)
{
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/programs?id=t", admin, inst);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    free(inst);
}

/* Poll a job until it is no longer queued or running. */
static resp wait_job(const char *id)
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

/* --------------------------------------------------------- stateless */

Test(server, validate_reports_every_error_with_paths)
{
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/validate", viewer, inst);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "valid");
    resp_free(&r);
    /* wrapped, with two errors */
    json_t *j = json_loads(inst, 0, NULL);
    json_object_set_new(json_array_get(json_object_get(j, "rooms"), 1), "capacity",
                        json_string("big"));
    json_object_set_new(json_array_get(json_object_get(j, "patients"), 3), "acuity",
                        json_string("extreme"));
    json_t *w = json_pack("{s:o}", "instance", j);
    char *body = json_dumps(w, 0);
    r = req("POST", "/v1/validate", viewer, body);
    assert_error(&r, 400);
    json_t *errs = json_object_get(r.json, "errors");
    cr_assert_eq(json_array_size(errs), 2, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(errs, 0), "path")),
                     "instance.rooms[1].capacity");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(errs, 1), "path")),
                     "instance.patients[3].acuity");
    resp_free(&r);
    free(body);
    json_decref(w);
    free(inst);
}

Test(server, plan_answers_the_solution_or_a_job)
{
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/plan", viewer, inst);
    assert_error(&r, 403);
    resp_free(&r);
    r = req("POST", "/v1/plan", coord, inst);
    cr_assert_eq(r.status, 200, "%s", r.body);
    const char *st = json_string_value(json_object_get(r.json, "status"));
    cr_assert(strcmp(st, "optimal") == 0 || strcmp(st, "feasible") == 0, "%s", st);
    cr_assert(json_is_array(json_object_get(r.json, "groups")));
    cr_assert(json_is_object(json_object_get(r.json, "metrics")));
    resp_free(&r);
    /* async, with options */
    json_t *w = json_pack("{s:o,s:f}", "instance", json_loads(inst, 0, NULL), "time_limit_s", 3.0);
    char *body = json_dumps(w, 0);
    r = req("POST", "/v1/plan?async=true", coord, body);
    cr_assert_eq(r.status, 202, "%s", r.body);
    cr_assert(header_has(&r, "Location: /v1/jobs/"));
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "job")));
    resp_free(&r);
    r = wait_job(id);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "done", "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "kind")), "plan");
    cr_assert(json_is_object(json_object_get(r.json, "result")));
    resp_free(&r);
    /* bad option */
    json_object_set_new(w, "time_limit_s", json_string("soon"));
    free(body);
    body = json_dumps(w, 0);
    r = req("POST", "/v1/plan", coord, body);
    assert_error(&r, 400);
    cr_assert_str_eq(error_path(&r),
                     "time_limit_s");
    resp_free(&r);
    free(body);
    json_decref(w);
    free(inst);
    r = req("GET", "/v1/jobs/999-nope", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
}

Test(server, fill_ranks_the_waitlist_for_an_opened_seat)
{
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/plan", coord, inst);
    cr_assert_eq(r.status, 200, "%s", r.body);
    /* drop the first member of the first running group with members */
    json_t *g;
    size_t i;
    const char *who = NULL, *grp = NULL;
    json_array_foreach(json_object_get(r.json, "groups"), i, g)
    {
        if (!who && json_is_true(json_object_get(g, "running")) &&
            json_array_size(json_object_get(g, "members")) > 0) {
            who = json_string_value(json_array_get(json_object_get(g, "members"), 0));
            grp = json_string_value(json_object_get(g, "id"));
        }
    }
    cr_assert_not_null(who, "%s", r.body);
    json_t *body = json_pack("{s:o,s:O,s:{s:s,s:s,s:s,s:s}}", "instance", json_loads(inst, 0, NULL),
                             "solution", r.json, "events", "event", "dropped", "group", grp,
                             "patient", who, "date", "2025-01-13");
    resp_free(&r);
    char *text = json_dumps(body, 0);
    r = req("POST", "/v1/fill", viewer, text);
    assert_error(&r, 403);
    resp_free(&r);
    r = req("POST", "/v1/fill", coord, text);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "seats")), 1, "%s", r.body);
    cr_assert(json_is_array(json_object_get(json_array_get(json_object_get(r.json, "seats"), 0),
                                            "candidates")));
    cr_assert_null(json_object_get(r.json, "solution"));
    resp_free(&r);
    /* apply: the answer carries the updated solution */
    json_object_set_new(body, "apply", json_true());
    free(text);
    text = json_dumps(body, 0);
    r = req("POST", "/v1/fill", coord, text);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(json_is_object(json_object_get(r.json, "solution")));
    cr_assert(json_is_object(json_object_get(r.json, "instance")));
    resp_free(&r);
    /* a bad event is named by its path */
    json_object_set_new(body, "events", json_pack("[{s:s,s:s,s:s}]", "event", "dropped", "group",
                                                  "no-such-group", "patient", "p05"));
    free(text);
    text = json_dumps(body, 0);
    r = req("POST", "/v1/fill", coord, text);
    assert_error(&r, 400);
    cr_assert(strstr(r.body, "events[0].group"), "%s", r.body);
    resp_free(&r);
    json_object_del(body, "solution");
    free(text);
    text = json_dumps(body, 0);
    r = req("POST", "/v1/fill", coord, text);
    assert_error(&r, 400);
    cr_assert_str_eq(error_path(&r),
                     "solution");
    resp_free(&r);
    free(text);
    json_decref(body);
    free(inst);
}

Test(server, recorded_events_answer_with_fill_suggestions)
{
    post_tiny();
    /* no schedule yet: recorded, with a note */
    resp r = req("POST", "/v1/programs/t/events", coord,
                 "{\"event\":\"hold_admin\",\"group\":\"dbt-1\",\"patient\":\"p02\"}");
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert(json_is_null(json_object_get(r.json, "suggestions")));
    cr_assert(json_is_string(json_object_get(r.json, "note")));
    resp_free(&r);
    r = req("POST", "/v1/programs/t/plan", coord, "{\"time_limit_s\":3}");
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "job")));
    resp_free(&r);
    r = wait_job(id);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 1, "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/events", coord,
            "{\"events\":[{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"p01\","
            "\"date\":\"2025-01-20\"}]}");
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "schedule_version")), 1, "%s", r.body);
    json_t *sug = json_object_get(r.json, "suggestions");
    cr_assert(json_is_object(sug), "%s", r.body);
    json_t *seats = json_object_get(sug, "seats");
    cr_assert_eq(json_array_size(seats), 1, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(seats, 0), "group")), "dbt-1");
    resp_free(&r);
}

Test(server, whatif_compares_scenarios)
{
    char *inst = slurp(TINY);
    json_t *body = json_pack(
        "{s:o,s:f,s:[{s:s,s:[{s:s,s:s}]},{s:s,s:[{s:s,s:s,s:i,s:i}]}]}", "instance",
        json_loads(inst, 0, NULL), "time_limit_s", 3.0, "scenarios", "name", "lose-room-b",
        "changes", "op", "remove_room", "id", "room-b", "name", "more-anxiety", "changes", "op",
        "add_referrals", "type", "cbt-anx", "count", 3, "seed", 1);
    char *text = json_dumps(body, 0);
    resp r = req("POST", "/v1/whatif", viewer, text);
    assert_error(&r, 403);
    resp_free(&r);
    r = req("POST", "/v1/whatif", coord, text);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(strstr(r.body, "lose-room-b") && strstr(r.body, "more-anxiety"), "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/whatif?async=true", coord, text);
    cr_assert_eq(r.status, 202, "%s", r.body);
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "job")));
    resp_free(&r);
    r = wait_job(id);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "done", "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "kind")), "whatif");
    resp_free(&r);
    /* a bad change is named by its path */
    json_object_set_new(json_array_get(json_object_get(body, "scenarios"), 0), "changes",
                        json_pack("[{s:s}]", "op", "teleport"));
    free(text);
    text = json_dumps(body, 0);
    r = req("POST", "/v1/whatif", coord, text);
    assert_error(&r, 400);
    cr_assert(strstr(r.body, "scenarios[0].changes[0].op"), "%s", r.body);
    resp_free(&r);
    free(text);
    json_decref(body);
    free(inst);
}

Test(server, check_answers_what_cohort_check_prints)
{
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/plan", coord, inst);
    cr_assert_eq(r.status, 200, "%s", r.body);
    /* the plan passes; then move a running group to Sunday, a day the
     * program does not use */
    json_t *sol = json_incref(r.json);
    resp_free(&r);
    json_t *body = json_pack("{s:o,s:O}", "instance", json_loads(inst, 0, NULL), "solution", sol);
    char *text = json_dumps(body, 0);
    r = req("POST", "/v1/check", viewer, text);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok", "%s", r.body);
    resp_free(&r);
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(sol, "groups"), i, g)
    {
        if (json_is_true(json_object_get(g, "running"))) {
            json_object_set_new(g, "day", json_string("sun"));
            break;
        }
    }
    json_object_set(body, "solution", sol);
    free(text);
    text = json_dumps(body, 0);
    r = req("POST", "/v1/check", viewer, text);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "violations");
    cr_assert_gt(json_array_size(json_object_get(r.json, "violations")), 0);
    /* the same report as the command line */
    char sp[400], ip[400], op[400], cmd[1400];
    snprintf(sp, sizeof sp, "%s/sol.json", dir);
    snprintf(ip, sizeof ip, "%s/inst.json", dir);
    snprintf(op, sizeof op, "%s/check.json", dir);
    json_dump_file(sol, sp, 0);
    json_dump_file(json_object_get(body, "instance"), ip, 0);
    snprintf(cmd, sizeof cmd, "%s check %s %s --json -o %s", COHORT_BINARY, ip, sp, op);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 5);
    json_t *cli = json_load_file(op, 0, NULL);
    cr_assert_not_null(cli);
    json_object_del(cli, "instance");
    json_object_del(cli, "solution");
    cr_assert(json_equal(cli, r.json), "HTTP and CLI check reports differ:\n%s", r.body);
    json_decref(cli);
    resp_free(&r);
    json_object_del(body, "solution");
    free(text);
    text = json_dumps(body, 0);
    r = req("POST", "/v1/check", viewer, text);
    assert_error(&r, 400);
    resp_free(&r);
    free(text);
    json_decref(body);
    json_decref(sol);
    free(inst);
}

/* ------------------------------------------------------------ stored */

Test(server, programs_create_get_replace_delete)
{
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/programs", admin, inst);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "id")), "tiny-clinic");
    cr_assert(header_has(&r, "Location: /v1/programs/tiny-clinic"));
    char created_etag[64];
    snprintf(created_etag, sizeof created_etag, "%s", header_value(&r, "ETag"));
    cr_assert_eq(strlen(created_etag), 18, "%s", r.headers);
    resp_free(&r);
    r = req("GET", "/v1/programs/tiny-clinic", viewer, NULL);
    cr_assert_str_eq(header_value(&r, "ETag"), created_etag); /* the same revision */
    resp_free(&r);
    /* a given id; then the same id again */
    char *wrapped = malloc(strlen(inst) + 64);
    sprintf(wrapped, "{\"id\":\"clinic-b\",\"instance\":%s}", inst);
    r = req("POST", "/v1/programs", admin, wrapped);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs", admin, wrapped);
    assert_error(&r, 409);
    resp_free(&r);
    r = req("POST", "/v1/programs?id=bad%20id", admin, inst);
    assert_error(&r, 400);
    resp_free(&r);
    /* GET returns the same instance */
    r = req("GET", "/v1/programs/clinic-b", viewer, NULL);
    cr_assert_eq(r.status, 200);
    model_diag d;
    model_diag_init(&d);
    model_instance *a = NULL, *b = NULL;
    cr_assert_eq(io_instance_parse(inst, strlen(inst), &a, &d), IO_OK);
    cr_assert_eq(io_instance_parse(r.body, strlen(r.body), &b, &d), IO_OK);
    char *ja = NULL, *jb = NULL;
    io_instance_to_json(a, &ja);
    io_instance_to_json(b, &jb);
    cr_assert_str_eq(ja, jb);
    free(ja);
    free(jb);
    model_instance_destroy(a);
    model_instance_destroy(b);
    model_diag_free(&d);
    resp_free(&r);
    r = req("GET", "/v1/programs", viewer, NULL);
    cr_assert_eq(json_array_size(items(&r)), 2);
    resp_free(&r);
    /* replace with a renamed program; invalid replacement refused */
    json_t *j = json_loads(inst, 0, NULL);
    json_object_set_new(json_object_get(j, "program"), "name", json_string("Renamed"));
    char *body = json_dumps(j, 0);
    r = req("PUT", "/v1/programs/clinic-b", admin, body);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
    free(body);
    json_object_set_new(json_object_get(j, "program"), "days", json_string("monday"));
    body = json_dumps(j, 0);
    r = req("PUT", "/v1/programs/clinic-b", admin, body);
    assert_error(&r, 400);
    cr_assert_str_eq(error_path(&r),
                     "program.days");
    resp_free(&r);
    r = req("PUT", "/v1/programs/nope", admin, inst);
    assert_error(&r, 404);
    resp_free(&r);
    free(body);
    json_decref(j);
    r = req("GET", "/v1/programs/clinic-b", viewer, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r.json, "program"), "name")),
                     "Renamed");
    resp_free(&r);
    r = req("DELETE", "/v1/programs/clinic-b", admin, NULL);
    cr_assert_eq(r.status, 204);
    resp_free(&r);
    r = req("GET", "/v1/programs/clinic-b", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("DELETE", "/v1/programs/clinic-b", admin, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    free(wrapped);
    free(inst);
}

Test(server, entity_collections)
{
    post_tiny();
    static const char *const colls[] = {"group_types", "groups", "rooms", "facilitators",
                                        "patients"};
    static const char *const first[] = {"cbt-anx", "cbt-1", "room-a", "ana", "p01"};
    static const size_t sizes[] = {3, 4, 2, 3, 12};
    for (int i = 0; i < 5; i++) {
        char path[128];
        snprintf(path, sizeof path, "/v1/programs/t/%s", colls[i]);
        resp r = req("GET", path, viewer, NULL);
        cr_assert_eq(r.status, 200);
        cr_assert_eq(json_array_size(items(&r)), sizes[i], "%s", colls[i]);
        resp_free(&r);
        snprintf(path, sizeof path, "/v1/programs/t/%s/%s", colls[i], first[i]);
        r = req("GET", path, viewer, NULL);
        cr_assert_eq(r.status, 200);
        cr_assert_str_eq(json_string_value(json_object_get(r.json, "id")), first[i]);
        /* PUT it back unchanged */
        resp p = req("PUT", path, admin, r.body);
        cr_assert_eq(p.status, 200, "%s: %s", path, p.body);
        cr_assert(json_equal(p.json, r.json));
        resp_free(&p);
        resp_free(&r);
        snprintf(path, sizeof path, "/v1/programs/t/%s/none", colls[i]);
        r = req("GET", path, viewer, NULL);
        assert_error(&r, 404);
        resp_free(&r);
    }
    /* paging: page_size and the opaque page_token, in id order */
    {
        char path[256] = "/v1/programs/t/patients?page_size=5";
        json_t *seen = json_array();
        for (int pages = 0; pages < 10; pages++) {
            resp r = req("GET", path, viewer, NULL);
            cr_assert_eq(r.status, 200, "%s", r.body);
            json_t *it = items(&r);
            cr_assert_leq(json_array_size(it), 5);
            size_t k;
            json_t *e;
            json_array_foreach(it, k, e) json_array_append(seen, json_object_get(e, "id"));
            json_t *next = json_object_get(r.json, "next_page_token");
            if (json_is_null(next)) {
                resp_free(&r);
                break;
            }
            cr_assert_eq(json_array_size(it), 5);
            snprintf(path, sizeof path, "/v1/programs/t/patients?page_size=5&page_token=%s",
                     json_string_value(next));
            resp_free(&r);
        }
        cr_assert_eq(json_array_size(seen), 12);
        cr_assert_str_eq(json_string_value(json_array_get(seen, 0)), "p01");
        cr_assert_str_eq(json_string_value(json_array_get(seen, 11)), "p12");
        json_decref(seen);
        resp r = req("GET", "/v1/programs/t/patients?page_size=5", viewer, NULL);
        char tok[600];
        snprintf(tok, sizeof tok, "/v1/programs/t/rooms?page_token=%s",
                 json_string_value(json_object_get(r.json, "next_page_token")));
        resp_free(&r);
        r = req("GET", tok, viewer, NULL); /* another list's token */
        assert_error(&r, 400);
        cr_assert_str_eq(error_path(&r), "page_token");
        resp_free(&r);
        r = req("GET", "/v1/programs/t/patients?page_size=0", viewer, NULL);
        assert_error(&r, 400);
        cr_assert_str_eq(error_path(&r), "page_size");
        resp_free(&r);
        r = req("GET", "/v1/programs/t/patients?page_size=1001", viewer, NULL);
        assert_error(&r, 400);
        resp_free(&r);
        r = req("GET", "/v1/programs/t/patients?page_token=zz", viewer, NULL);
        assert_error(&r, 400);
        resp_free(&r);
    }
    /* create, conflict, invalid, update, delete */
    const char *room = "{\"id\":\"room-c\",\"capacity\":9,\"features\":[\"whiteboard\"],"
                       "\"available\":[{\"day\":\"fri\",\"from\":\"08:00\",\"to\":\"12:00\"}]}";
    resp r = req("POST", "/v1/programs/t/rooms", admin, room);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert(header_has(&r, "Location: /v1/programs/t/rooms/room-c"));
    resp_free(&r);
    r = req("POST", "/v1/programs/t/rooms", admin, room);
    assert_error(&r, 409);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/rooms", admin, "{\"capacity\":3}");
    assert_error(&r, 400);
    cr_assert_str_eq(error_path(&r),
                     "id");
    resp_free(&r);
    r = req("PUT", "/v1/programs/t/rooms/room-c", admin,
            "{\"capacity\":9,\"available\":[{\"day\":\"fri\",\"from\":\"13:00\",\"to\":\"12:00\"}]}");
    assert_error(&r, 400);
    cr_assert(strstr(r.body, "rooms[2].available[0]"), "%s", r.body);
    resp_free(&r);
    r = req("PUT", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":11}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "capacity")), 11);
    resp_free(&r);
    /* concurrency: ETag on GET and writes, If-Match on PUT / PATCH / DELETE */
    r = req("GET", "/v1/programs/t/rooms/room-c", viewer, NULL);
    char etag[64], hdr[128];
    snprintf(etag, sizeof etag, "%s", header_value(&r, "ETag"));
    cr_assert_eq(strlen(etag), 18, "%s", r.headers);
    resp_free(&r);
    r = req("GET", "/v1/programs/t", viewer, NULL);
    cr_assert_str_eq(header_value(&r, "ETag"), etag); /* one revision for the program */
    resp_free(&r);
    snprintf(hdr, sizeof hdr, "If-Match: %s\r\n", etag);
    r = req_h("PUT", "/v1/programs/t/rooms/room-c", admin,
              "{\"capacity\":12,\"features\":[\"whiteboard\"]}", hdr);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_neq(header_value(&r, "ETag"), etag);
    cr_assert_neq(header_value(&r, "ETag")[0], '\0');
    char etag2[64];
    snprintf(etag2, sizeof etag2, "%s", header_value(&r, "ETag"));
    resp_free(&r);
    /* the old tag is stale now: 412, nothing changed */
    r = req_h("PUT", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":13}", hdr);
    assert_error(&r, 412);
    resp_free(&r);
    r = req_h("DELETE", "/v1/programs/t/rooms/room-c", admin, NULL, hdr);
    assert_error(&r, 412);
    resp_free(&r);
    r = req_h("PUT", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":13}",
              "If-Match: W/\"1\"\r\n");
    assert_error(&r, 412);
    resp_free(&r);
    r = req_h("PUT", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":13}",
              "If-Match: nonsense\r\n");
    assert_error(&r, 400);
    resp_free(&r);
    /* JSON Merge Patch: only the named fields change, null removes one */
    r = req_h("PATCH", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":14}", NULL);
    assert_error(&r, 415);
    resp_free(&r);
    snprintf(hdr, sizeof hdr, "If-Match: %s\r\nContent-Type: application/merge-patch+json\r\n",
             etag2);
    r = req_h("PATCH", "/v1/programs/t/rooms/room-c", admin,
              "{\"capacity\":14,\"features\":null}", hdr);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "capacity")), 14);
    cr_assert_eq(json_array_size(json_object_get(r.json, "features")), 0, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "available")), 7, "%s", r.body);
    resp_free(&r);
    r = req_h("PATCH", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":15}", hdr);
    assert_error(&r, 412); /* etag2 is stale after the patch */
    resp_free(&r);
    r = req_h("PATCH", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":-1}",
              "Content-Type: application/merge-patch+json\r\n");
    assert_error(&r, 400);
    resp_free(&r);
    r = req_h("PATCH", "/v1/programs/t/rooms/nope", admin, "{\"capacity\":2}",
              "Content-Type: application/merge-patch+json\r\n");
    assert_error(&r, 404);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/rooms/room-c", viewer, NULL);
    snprintf(hdr, sizeof hdr, "If-Match: %s\r\n", header_value(&r, "ETag"));
    cr_assert_eq(json_integer_value(json_object_get(r.json, "capacity")), 14);
    resp_free(&r);
    r = req_h("DELETE", "/v1/programs/t/rooms/room-c", admin, NULL, hdr);
    cr_assert_eq(r.status, 204);
    resp_free(&r);
    /* referenced elsewhere: refused */
    r = req("DELETE", "/v1/programs/t/patients/p01", admin, NULL);
    assert_error(&r, 400);
    resp_free(&r);
    r = req("GET", "/v1/programs/nope/rooms", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    /* the audit trail has the room's story, newest first */
    r = req("GET", "/v1/audit?program=t&limit=3", admin, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(json_array_size(items(&r)), 3);
    json_t *del = json_array_get(items(&r), 0);
    cr_assert_str_eq(json_string_value(json_object_get(del, "action")), "entity.delete");
    cr_assert_str_eq(json_string_value(json_object_get(del, "entity")), "rooms/room-c");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(del, "before"), "capacity")),
                 14);
    cr_assert(json_is_null(json_object_get(del, "after")));
    cr_assert_eq(json_integer_value(json_object_get(del, "actor")), 1); /* the admin token */
    resp_free(&r);
}

Test(server, events_history_and_schedules)
{
    post_tiny();
    /* plan the stored program: a job that saves version 1 */
    resp r = req("POST", "/v1/programs/t/plan", coord, "{\"time_limit_s\":3}");
    cr_assert_eq(r.status, 202, "%s", r.body);
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "job")));
    resp_free(&r);
    r = wait_job(id);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "done", "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 1, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "program")), "t");
    resp_free(&r);
    r = req("POST", "/v1/programs/t/plan", coord, "{\"time_limit_s\":3,\"baseline\":\"newest\"}");
    cr_assert_eq(r.status, 202, "%s", r.body);
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "job")));
    resp_free(&r);
    r = wait_job(id);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 2, "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/plan", coord, "{\"baseline\":\"published\"}");
    assert_error(&r, 400); /* nothing published yet */
    resp_free(&r);
    r = req("POST", "/v1/programs/nope/plan", coord, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules", viewer, NULL);
    cr_assert_eq(json_array_size(items(&r)), 2);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules/published", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules/1/publish", viewer, NULL);
    assert_error(&r, 403);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules/1/publish", coord, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules/9/publish", coord, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules/published", viewer, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert(header_has(&r, "X-Schedule-Version: 1"));
    cr_assert(json_is_array(json_object_get(r.json, "groups")));
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules/2", viewer, NULL);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules/x", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    /* the keywords work on every route that takes a version: newest is
     * the highest number, published the published one, latest (deprecated)
     * published else newest */
    r = req("GET", "/v1/programs/t/schedules/newest", viewer, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(header_has(&r, "X-Schedule-Version: 2"));
    char setag[64];
    snprintf(setag, sizeof setag, "%s", header_value(&r, "ETag"));
    cr_assert_eq(strlen(setag), 18, "%s", r.headers);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules/2", viewer, NULL);
    cr_assert_str_eq(header_value(&r, "ETag"), setag);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules/1", viewer, NULL);
    cr_assert_str_neq(header_value(&r, "ETag"), setag);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules/latest", viewer, NULL);
    cr_assert(header_has(&r, "X-Schedule-Version: 1"));
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules/01", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules/newest/publish", coord, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "published")), 2, "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules/published/publish", coord, NULL);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "published")), 2, "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules/1/publish", coord, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules/newest/export?format=csv", viewer, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules/soonest/publish", coord, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    /* events */
    r = req("POST", "/v1/programs/t/events", coord,
            "{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"p01\",\"date\":\"2025-01-20\"}");
    cr_assert_eq(r.status, 201, "%s", r.body);
    json_t *rec = json_object_get(r.json, "recorded");
    cr_assert_eq(json_array_size(rec), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rec, 0), "status")),
                     "dropped");
    resp_free(&r);
    r = req("POST", "/v1/programs/t/events", coord,
            "[{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"p01\"}]");
    assert_error(&r, 400);
    cr_assert_str_eq(error_path(&r),
                     "[0].patient");
    resp_free(&r);
    r = req("GET", "/v1/programs/t/events?patient=p01", viewer, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(json_array_size(items(&r)), 2); /* imported, dropped */
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items(&r), 1), "event")),
                     "dropped");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(items(&r), 1), "actor")), 2);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/groups/dbt-1", viewer, NULL);
    cr_assert(strstr(r.body, "\"dropped\""), "%s", r.body);
    resp_free(&r);
}

Test(server, schedules_made_elsewhere_are_checked_and_saved)
{
    post_tiny();
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/plan", coord, inst);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_t *sol = json_incref(r.json);
    char *text = json_dumps(sol, 0);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules", viewer, text);
    assert_error(&r, 403);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules", coord, text);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 1);
    cr_assert(header_has(&r, "Location: /v1/programs/t/schedules/1"));
    resp_free(&r);
    r = req("POST", "/v1/programs/nope/schedules", coord, text);
    assert_error(&r, 404);
    resp_free(&r);
    /* a schedule that breaks a hard rule is refused with the violations */
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(sol, "groups"), i, g)
    {
        if (json_is_true(json_object_get(g, "running"))) {
            json_object_set_new(g, "day", json_string("sun"));
            break;
        }
    }
    free(text);
    text = json_dumps(sol, 0);
    r = req("POST", "/v1/programs/t/schedules", coord, text);
    assert_error(&r, 400);
    cr_assert_gt(json_array_size(json_object_get(r.json, "violations")), 0, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "errors")),
                 json_array_size(json_object_get(r.json, "violations")), "%s", r.body);
    cr_assert_not_null(strstr(error_path(&r), ":"), "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules", coord, "{\"status\":\"optimal\",\"groups\":7}");
    assert_error(&r, 400);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/schedules", viewer, NULL);
    cr_assert_eq(json_array_size(items(&r)), 1);
    resp_free(&r);
    free(text);
    json_decref(sol);
    free(inst);
}

Test(server, cancelling_a_job_kills_its_solver)
{
    char *inst = slurp(TINY);
    /* one solver slot: the second job waits in the queue */
    resp a = req("POST", "/v1/plan?async=1", coord, inst);
    resp b = req("POST", "/v1/plan?async=1", coord, inst);
    cr_assert_eq(a.status, 202);
    cr_assert_eq(b.status, 202);
    char pa[80], pb[80];
    snprintf(pa, sizeof pa, "/v1/jobs/%s", json_string_value(json_object_get(a.json, "job")));
    snprintf(pb, sizeof pb, "/v1/jobs/%s", json_string_value(json_object_get(b.json, "job")));
    resp r = req("DELETE", pb, viewer, NULL);
    assert_error(&r, 403);
    resp_free(&r);
    r = req("DELETE", pb, coord, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    const char *st = json_string_value(json_object_get(r.json, "status"));
    /* it was queued or running, or already done on a fast machine */
    cr_assert(strcmp(st, "cancelled") == 0 || strcmp(st, "done") == 0, "%s", st);
    resp_free(&r);
    r = wait_job(json_string_value(json_object_get(a.json, "job")));
    resp_free(&r);
    for (int i = 0; i < 100; i++) {
        r = req("GET", "/v1/health", NULL, NULL);
        json_int_t running =
            json_integer_value(json_object_get(json_object_get(r.json, "jobs"), "processes"));
        resp_free(&r);
        if (running == 0)
            break;
        usleep(50000);
    }
    r = req("GET", "/v1/health", NULL, NULL);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(r.json, "jobs"), "running")), 0);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(r.json, "jobs"), "processes")),
                 0);
    resp_free(&r);
    r = req("DELETE", "/v1/jobs/nope", coord, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    resp_free(&a);
    resp_free(&b);
    free(inst);
}

Test(server, the_log_names_templates_not_ids)
{
    post_tiny();
    resp r = req("GET", "/v1/programs/t/patients/p07", viewer, NULL);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/patients/p08?x=p09", viewer, NULL);
    resp_free(&r);
    r = req("GET", "/v1/nothing/p10", viewer, NULL);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/events", coord,
            "{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"p02\"}");
    resp_free(&r);
    usleep(100000); /* the log line is written when the connection completes */
    char *log = slurp(logpath);
    cr_assert(strstr(log, "GET /v1/programs/{program}/patients/{id} 200"), "%s", log);
    cr_assert(strstr(log, "POST /v1/programs/{program}/events 201"), "%s", log);
    cr_assert_null(strstr(log, "p07"));
    cr_assert_null(strstr(log, "p08"));
    cr_assert_null(strstr(log, "p09"));
    cr_assert_null(strstr(log, "p10"));
    cr_assert_null(strstr(log, "p02"));
    cr_assert_null(strstr(log, "dbt-1"));
    cr_assert_null(strstr(log, viewer));
    free(log);
}

/* A solver process that crashes fails its job; the server goes on. */
Test(server, a_crashing_solver_does_not_take_the_server_down)
{
    io_server_stop(srv);
    char worker[400];
    snprintf(worker, sizeof worker, "%s/crash.sh", dir);
    FILE *f = fopen(worker, "w");
    cr_assert_not_null(f);
    fputs("#!/bin/sh\nkill -SEGV $$\n", f);
    fclose(f);
    chmod(worker, 0755);
    io_server_options o;
    io_server_options_default(&o);
    o.port = 0;
    o.worker = worker;
    char *err = NULL;
    cr_assert_eq(io_server_start(dbpath, &o, &srv, &err), IO_OK, "%s", err ? err : "");
    port = io_server_port(srv);
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/plan", coord, inst);
    assert_error(&r, 500);
    cr_assert(strstr(r.body, "signal 11"), "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/plan?async=1", coord, inst);
    cr_assert_eq(r.status, 202);
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "job")));
    resp_free(&r);
    r = wait_job(id);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "failed");
    resp_free(&r);
    r = req("GET", "/v1/health", NULL, NULL);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    free(inst);
}

/* With a solver that takes its time: the queue limit answers 503, and
 * DELETE stops a running solve (its process group is killed). */
Test(server, slow_solves_queue_and_can_be_stopped)
{
    io_server_stop(srv);
    char worker[400];
    snprintf(worker, sizeof worker, "%s/slow.sh", dir);
    FILE *f = fopen(worker, "w");
    cr_assert_not_null(f);
    fputs("#!/bin/sh\nsleep 30 &\nwait\n", f);
    fclose(f);
    chmod(worker, 0755);
    io_server_options o;
    io_server_options_default(&o);
    o.port = 0;
    o.worker = worker;
    o.max_jobs = 1;
    o.max_queued = 1;
    char *err = NULL;
    cr_assert_eq(io_server_start(dbpath, &o, &srv, &err), IO_OK, "%s", err ? err : "");
    port = io_server_port(srv);
    char *inst = slurp(TINY);
    resp a = req("POST", "/v1/plan?async=1", coord, inst);
    cr_assert_eq(a.status, 202);
    char pa[80];
    snprintf(pa, sizeof pa, "/v1/jobs/%s", json_string_value(json_object_get(a.json, "job")));
    resp_free(&a);
    /* wait until it runs, then fill the queue */
    resp r;
    for (int i = 0; i < 100; i++) {
        r = req("GET", pa, viewer, NULL);
        int running = strcmp(json_string_value(json_object_get(r.json, "status")), "running") == 0;
        resp_free(&r);
        if (running)
            break;
        usleep(20000);
    }
    resp b = req("POST", "/v1/plan?async=1", coord, inst);
    cr_assert_eq(b.status, 202);
    r = req("POST", "/v1/plan?async=1", coord, inst);
    assert_error(&r, 503);
    cr_assert(header_has(&r, "Retry-After:"));
    resp_free(&r);
    /* stop the running one */
    r = req("DELETE", pa, coord, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "cancelled");
    resp_free(&r);
    /* the queued one starts in its place */
    char pb[80];
    snprintf(pb, sizeof pb, "/v1/jobs/%s", json_string_value(json_object_get(b.json, "job")));
    int started = 0;
    for (int i = 0; i < 200 && !started; i++) {
        r = req("GET", pb, viewer, NULL);
        started = strcmp(json_string_value(json_object_get(r.json, "status")), "running") == 0;
        resp_free(&r);
        if (!started)
            usleep(20000);
    }
    cr_assert(started, "the queued job did not start after the cancel");
    r = req("GET", "/v1/health", NULL, NULL);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(r.json, "jobs"), "running")), 1);
    resp_free(&r);
    resp_free(&b);
    free(inst);
}

/* ------------------------------------------------------- durability */

typedef struct stream {
    int port;
    int next;      /* next patient number */
    int acked[4096];
    int n_acked;
    int stop;
    pthread_mutex_t mu;
} stream;

static void *writer(void *p)
{
    stream *s = p;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        int k = s->next++;
        int stop = s->stop || s->n_acked >= 4000;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        char body[512];
        snprintf(body, sizeof body,
                 "{\"event\":\"referral\",\"date\":\"2025-01-10\",\"patient\":{\"id\":\"w%d\","
                 "\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"09:00\","
                 "\"to\":\"17:00\"}],\"screened\":true,\"insurance_verified\":true}}",
                 k);
        resp r;
        if (http_to(s->port, "POST", "/v1/programs/t/events", coord, body, &r) != 0)
            break; /* the server is gone */
        if (r.status == 201) {
            pthread_mutex_lock(&s->mu);
            s->acked[s->n_acked++] = k;
            pthread_mutex_unlock(&s->mu);
        }
        resp_free(&r);
    }
    return NULL;
}

/* Start the cohort binary on an ephemeral port; returns its pid. */
static pid_t spawn_server(int *port_out)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(COHORT_BINARY, COHORT_BINARY, "serve", "--db", dbpath, "--port", "0", "--quiet",
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[256] = "";
    cr_assert_not_null(fgets(line, sizeof line, f), "the server printed nothing");
    fclose(f);
    const char *colon = strrchr(line, ':');
    cr_assert_not_null(colon, "%s", line);
    *port_out = atoi(colon + 1);
    cr_assert_gt(*port_out, 0, "%s", line);
    return pid;
}

Test(server, acknowledged_writes_survive_sigkill)
{
    /* the in-process server is not used here: release the database */
    io_server_stop(srv);
    srv = NULL;
    int p = 0;
    pid_t pid = spawn_server(&p);
    char *inst = slurp(TINY);
    resp r;
    cr_assert_eq(http_to(p, "POST", "/v1/programs?id=t", admin, inst, &r), 0);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    free(inst);
    stream s;
    memset(&s, 0, sizeof s);
    s.port = p;
    pthread_mutex_init(&s.mu, NULL);
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, writer, &s);
    /* kill it in the middle of the stream */
    for (int i = 0; i < 400; i++) {
        pthread_mutex_lock(&s.mu);
        int n = s.n_acked;
        pthread_mutex_unlock(&s.mu);
        if (n >= 40)
            break;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    cr_assert_geq(s.n_acked, 40, "only %d writes were acknowledged", s.n_acked);
    cr_log_info("%d writes acknowledged before SIGKILL, %d attempted", s.n_acked, s.next);
    /* restart: every acknowledged write is there */
    pid = spawn_server(&p);
    cr_assert_eq(http_to(p, "GET", "/v1/programs/t/patients?page_size=1000", viewer, NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    for (int i = 0; i < s.n_acked; i++) {
        char id[32];
        snprintf(id, sizeof id, "w%d", s.acked[i]);
        int found = 0;
        size_t k;
        json_t *e;
        json_array_foreach(items(&r), k, e) found |= strcmp(json_string_value(json_object_get(e, "id")), id) == 0;
        cr_assert(found, "acknowledged patient %s is missing after SIGKILL", id);
    }
    resp_free(&r);
    /* and the history rows too */
    cr_assert_eq(http_to(p, "GET", "/v1/programs/t/events?page_size=1000", viewer, NULL, &r), 0);
    size_t referrals = 0, k;
    json_t *e;
    json_array_foreach(items(&r), k, e) referrals +=
        strcmp(json_string_value(json_object_get(e, "event")), "referral") == 0;
    cr_assert_geq(referrals, (size_t)s.n_acked);
    resp_free(&r);
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
    pthread_mutex_destroy(&s.mu);
}

/* ---------------------------------------------------------- exports */

/* Store the tiny program and a plan of it as schedule version 1. */
static void post_tiny_schedule(void)
{
    post_tiny();
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/plan", coord, inst);
    cr_assert_eq(r.status, 200, "%s", r.body);
    char *text = json_dumps(r.json, 0);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules", coord, text);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    free(text);
    free(inst);
}

/* GET an export: asserts the status and, for 200, the media type. */
static resp get_export(const char *query, const char *token, int status, const char *ctype)
{
    char path[300];
    snprintf(path, sizeof path, "/v1/programs/t/schedules/%s", query);
    resp r = req("GET", path, token, NULL);
    cr_assert_eq(r.status, status, "%s: %d %s", path, r.status, r.body);
    if (ctype) {
        char h[120];
        snprintf(h, sizeof h, "Content-Type: %s\r", ctype);
        cr_assert(strstr(r.headers, h) || header_has(&r, h), "%s: %s", path, r.headers);
    }
    return r;
}

Test(server, schedule_exports_in_four_formats)
{
    post_tiny_schedule();
    resp r = get_export("1/export?format=ics", viewer, 200, "text/calendar; charset=utf-8");
    cr_assert(strncmp(r.body, "BEGIN:VCALENDAR\r\n", 17) == 0);
    cr_assert(strstr(r.body, "RRULE:FREQ=WEEKLY"));
    resp_free(&r);
    r = get_export("latest/export?format=csv&table=sessions", viewer, 200,
                   "text/csv; charset=utf-8");
    cr_assert(strncmp(r.body, "date,weekday,start,end,group", 28) == 0, "%s", r.body);
    resp_free(&r);
    r = get_export("1/export?format=fhir&utc_offset=-05:00", viewer, 200, "application/fhir+json");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "resourceType")), "Bundle");
    cr_assert_gt(json_array_size(json_object_get(r.json, "entry")), 3);
    resp_free(&r);
    r = get_export("1/export?format=html&pages=facilitator", viewer, 200, "text/html; charset=utf-8");
    cr_assert(strstr(r.body, "<section>"));
    resp_free(&r);
    /* errors name the parameter */
    r = get_export("1/export?format=xml", viewer, 400, NULL);
    cr_assert_str_eq(error_path(&r),
                     "format");
    resp_free(&r);
    r = get_export("1/export?format=ics&for=facilitator:nobody", viewer, 400, NULL);
    cr_assert_str_eq(error_path(&r),
                     "for");
    resp_free(&r);
    r = get_export("1/export?format=csv&table=nope", viewer, 400, NULL);
    resp_free(&r);
    r = get_export("9/export?format=ics", viewer, 404, NULL);
    resp_free(&r);
    r = get_export("published/export?format=ics", viewer, 404, NULL);
    resp_free(&r);
    r = get_export("1/export?format=ics", NULL, 401, NULL);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/schedules/1/publish", coord, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
    r = get_export("published/export?format=ics", viewer, 200, "text/calendar; charset=utf-8");
    resp_free(&r);
}

/* The calendar part of an iCalendar text without its DTSTAMP lines. */
static char *without_stamps(const char *ics)
{
    char *o = strdup(ics), *q = o;
    for (const char *p = ics; *p;) {
        const char *e = strstr(p, "\r\n");
        size_t n = e ? (size_t)(e - p) + 2 : strlen(p);
        if (strncmp(p, "DTSTAMP:", 8) != 0) {
            memcpy(q, p, n);
            q += n;
        }
        p += n;
    }
    *q = '\0';
    return o;
}

Test(server, calendar_subscriptions_by_revocable_secret)
{
    post_tiny_schedule();
    resp r = req("POST", "/v1/programs/t/calendars", viewer, "{\"for\":\"program\"}");
    assert_error(&r, 403);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/calendars", coord, "{\"for\":\"facilitator:nobody\"}");
    assert_error(&r, 400);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/calendars", coord, "{\"version\":\"someday\"}");
    assert_error(&r, 400);
    resp_free(&r);
    r = req("POST", "/v1/programs/nope/calendars", coord, "{}");
    assert_error(&r, 404);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/calendars", coord, "{\"for\":\"program\",\"version\":\"latest\"}");
    cr_assert_eq(r.status, 201, "%s", r.body);
    char url[200];
    snprintf(url, sizeof url, "%s", json_string_value(json_object_get(r.json, "url")));
    long id = (long)json_integer_value(json_object_get(r.json, "id"));
    cr_assert(strncmp(url, "/v1/calendars/", 14) == 0 && strlen(url) == 14 + 43 + 4, "%s", url);
    resp_free(&r);
    /* no token: the secret is the credential; the same calendar as the export */
    r = req("GET", url, NULL, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(header_has(&r, "Content-Type: text/calendar"));
    resp e = get_export("latest/export?format=ics", viewer, 200, NULL);
    char *a = without_stamps(r.body), *b = without_stamps(e.body);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    resp_free(&e);
    resp_free(&r);
    /* listed without the secret */
    r = req("GET", "/v1/programs/t/calendars", viewer, NULL);
    cr_assert_eq(json_array_size(items(&r)), 1);
    cr_assert_null(strstr(r.body, url + 14));
    resp_free(&r);
    /* a wrong secret, then revoke */
    r = req("GET", "/v1/calendars/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", NULL, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    char del[100];
    snprintf(del, sizeof del, "/v1/programs/t/calendars/%ld", id);
    r = req("DELETE", del, viewer, NULL);
    assert_error(&r, 403);
    resp_free(&r);
    r = req("DELETE", del, coord, NULL);
    cr_assert_eq(r.status, 204, "%s", r.body);
    resp_free(&r);
    r = req("GET", url, NULL, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("DELETE", del, coord, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("GET", "/v1/audit?program=t", admin, NULL);
    cr_assert(strstr(r.body, "calendars/"), "creating and revoking are audited");
    resp_free(&r);
}

/* ---------------------------------------------------------- console */

Test(server, console_is_served_at_the_root_with_a_strict_policy)
{
    resp r = req("GET", "/", NULL, NULL);
    cr_assert_eq(r.status, 200, "%s", r.headers);
    cr_assert(header_has(&r, "Content-Type: text/html; charset=utf-8"), "%s", r.headers);
    cr_assert(header_has(&r, "Content-Security-Policy: default-src 'none'; script-src 'self'"),
              "%s", r.headers);
    cr_assert(header_has(&r, "X-Content-Type-Options: nosniff"));
    cr_assert(header_has(&r, "Cache-Control: no-cache"));
    cr_assert(header_has(&r, "ETag: \""));
    cr_assert(strstr(r.body, "<script type=\"module\" src=\"/js/app.js\">"), "%s", r.body);
    cr_assert_null(strstr(r.body, "<script>"), "no inline script (the policy forbids it)");
    resp_free(&r);
    r = req("GET", "/js/app.js?v=1", NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert(header_has(&r, "Content-Type: text/javascript"), "%s", r.headers);
    resp_free(&r);
    r = req("HEAD", "/style.css", NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert(header_has(&r, "Content-Type: text/css"), "%s", r.headers);
    resp_free(&r);
}

Test(server, console_paths_outside_the_asset_table_are_not_found)
{
    static const char *const BAD[] = {"/../CMakeLists.txt", "/js/../index.html",
                                      "//index.html", "/%2e%2e/index.html",
                                      "/index.html/", "/js/", "/io/web/index.html",
                                      "/.%2e/etc/passwd", "/v1x"};
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        resp r = req("GET", BAD[i], NULL, NULL);
        assert_error(&r, 404);
        resp_free(&r);
    }
    resp r = req("POST", "/", viewer, "{}");
    assert_error(&r, 405);
    cr_assert(header_has(&r, "Allow: GET, HEAD"), "%s", r.headers);
    resp_free(&r);
    /* /v1 paths still go to the API */
    r = req("GET", "/v1/whoami", NULL, NULL);
    assert_error(&r, 401);
    resp_free(&r);
}

Test(server, every_console_asset_has_a_content_type)
{
    cr_assert_gt(io_web_n_assets, 3);
    for (size_t i = 0; i < io_web_n_assets; i++) {
        const io_web_asset *a = &io_web_assets[i];
        cr_assert_str_neq(io_web_content_type(a->path), "application/octet-stream", "%s", a->path);
        cr_assert_eq(io_web_find(a->path), a);
    }
    cr_assert_eq(io_web_find("/"), io_web_find("/index.html"));
    cr_assert_null(io_web_find("/nothing.js"));
}

Test(server, whoami_names_the_tokens_role)
{
    const char *tok[] = {viewer, coord, admin};
    const char *role[] = {"viewer", "coordinator", "admin"};
    for (int i = 0; i < 3; i++) {
        resp r = req("GET", "/v1/whoami", tok[i], NULL);
        cr_assert_eq(r.status, 200, "%s", r.body);
        cr_assert_str_eq(json_string_value(json_object_get(r.json, "role")), role[i]);
        cr_assert(json_integer_value(json_object_get(r.json, "token")) > 0);
        resp_free(&r);
    }
}

/* Plan a stored program as a job (3 s) and wait for it: the finished job. */
static resp plan_and_wait(const char *program)
{
    char path[128], id[64];
    snprintf(path, sizeof path, "/v1/programs/%s/plan", program);
    resp r = req("POST", path, coord, "{\"time_limit_s\":3}");
    cr_assert_eq(r.status, 202, "%s", r.body);
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "job")));
    resp_free(&r);
    return wait_job(id);
}

/* A relaxed plan (infeasible, with exceptions[]) is saved as a version that
 * can be read, exported and published; "fail" (diagnosis only) saves none. */
Test(server, relaxed_plan_is_saved_as_a_version)
{
    char *inst = slurp(COHORT_SOURCE_DIR "/datasets/fixtures/relax/one-sud.json");
    resp r = req("POST", "/v1/programs?id=sud", admin, inst);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    r = plan_and_wait("sud");
    json_t *res = json_object_get(r.json, "result");
    cr_assert_str_eq(json_string_value(json_object_get(res, "status")), "infeasible", "%s", r.body);
    cr_assert_gt(json_array_size(json_object_get(res, "exceptions")), 0, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 1, "%s", r.body);
    resp_free(&r);
    r = req("GET", "/v1/programs/sud/schedules/1", viewer, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "infeasible");
    json_t *e0 = json_array_get(json_object_get(r.json, "exceptions"), 0);
    cr_assert_eq(json_integer_value(json_object_get(e0, "rule")), 5, "%s", r.body);
    resp_free(&r);
    r = req("GET", "/v1/programs/sud/schedules/1/export?format=ics", viewer, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(strncmp(r.body, "BEGIN:VCALENDAR", 15) == 0, "%.80s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs/sud/schedules/1/publish", coord, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
    /* with on_infeasible "fail" the answer is the diagnosis alone: no version */
    json_t *j = json_loads(inst, 0, NULL);
    json_object_set_new(json_object_get(j, "settings"), "on_infeasible", json_string("fail"));
    char *text = json_dumps(j, 0);
    r = req("POST", "/v1/programs?id=sudfail", admin, text);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    r = plan_and_wait("sudfail");
    cr_assert(json_is_null(json_object_get(r.json, "version")), "%s", r.body);
    cr_assert(json_is_string(json_object_get(r.json, "note")), "%s", r.body);
    resp_free(&r);
    free(text);
    json_decref(j);
    free(inst);
}
