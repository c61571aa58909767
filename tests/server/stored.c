/* server/stored.c - test_server: events, history and schedules of stored programs; plan jobs (cancel, crash, queueing) and the request log. */
#include "fixture.h"

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

/* Restart the server with a stand-in worker: the shell script text saved
 * as name in the test's folder.  max_queued > 0: one solver slot and that
 * many queued jobs; 0: the defaults. */
static void restart_with_worker(const char *name, const char *script, int max_queued)
{
    io_server_stop(srv);
    static char worker[400];
    snprintf(worker, sizeof worker, "%s/%s", dir, name);
    FILE *f = fopen(worker, "w");
    cr_assert_not_null(f);
    fputs(script, f);
    fclose(f);
    chmod(worker, 0755);
    io_server_options o;
    io_server_options_default(&o);
    o.port = 0;
    o.worker = worker;
    if (max_queued > 0) {
        o.max_jobs = 1;
        o.max_queued = max_queued;
    }
    char *err = NULL;
    cr_assert_eq(io_server_start(dbpath, &o, &srv, &err), IO_OK, "%s", err ? err : "");
    port = io_server_port(srv);
}

/* A solver process that crashes fails its job; the server goes on. */
Test(server, a_crashing_solver_does_not_take_the_server_down)
{
    restart_with_worker("crash.sh", "#!/bin/sh\nkill -SEGV $$\n", 0);
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
    restart_with_worker("slow.sh", "#!/bin/sh\nsleep 30 &\nwait\n", 1);
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
