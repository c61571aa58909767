/* server/exports.c - test_server: schedule exports and calendar subscriptions. */
#include "fixture.h"

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
