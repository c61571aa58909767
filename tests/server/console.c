/* server/console.c - test_server: the web console, whoami, relaxed plans saved as versions. */
#include "fixture.h"

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
