/* server/stateless.c - test_server: the stateless operations: validate, plan, fill, events, what-if, check. */
#include "fixture.h"

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
