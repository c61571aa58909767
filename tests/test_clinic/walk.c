/* walk.c - the quarter of the sample program walked through the library
 * and through the HTTP API: attendance every week, no-show flags, the
 * pre-session roster, census, a confirmed drop and the seat offers. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"

/* January by hand (dbt-tue-pm, rate 68.50, 10 planned members): 4
 * Tuesdays held, 5 marks each: week 1 all attend (P0001 corrected to
 * late), weeks 2-3 P0003 no-show, week 4 P0003 late cancel: 17 attended,
 * 2 no-shows, 1 late cancel of 20 marks.  February: 02-02 cancelled by
 * the clinic, 02-09 held (P0003 no-show), 02-16 and 02-23 not yet. */
static void walk_census(drv *v)
{
    json_t *c = census(v, "month", "2027-01");
    json_t *g = entry(c, "groups", "group", "dbt-tue-pm");
    cr_assert_not_null(g);
    cr_assert_eq(GETI(g, "sessions_scheduled"), 4);
    cr_assert_eq(GETI(g, "sessions_held"), 4);
    cr_assert_eq(GETI(g, "sessions_cancelled"), 0);
    cr_assert_eq(GETI(g, "attended_member_sessions"), 17);
    cr_assert_eq(GETI(g, "no_shows"), 2);
    cr_assert_eq(GETI(g, "late_cancels"), 1);
    cr_assert_float_eq(GETF(g, "attendance_rate"), 0.85, 1e-9);
    cr_assert_float_eq(GETF(g, "no_show_rate"), 0.10, 1e-9);
    cr_assert_eq(GETI(json_object_get(g, "billable_units"), "90853"), 17);
    cr_assert_float_eq(GETF(g, "actual_revenue"), 17 * 68.5, 1e-6);
    cr_assert_float_eq(GETF(g, "projected_revenue"), 4 * 10 * 68.5, 1e-6);
    cr_assert_float_eq(GETF(g, "revenue_per_session"), 17 * 68.5 / 4, 1e-6);
    cr_assert_float_eq(GETF(g, "utilisation"), 17.0 / 40, 1e-9, "of 10 seats a session");
    cr_assert_eq(GETI(g, "enrolled"), 7);
    cr_assert_eq(GETI(g, "active"), 5);
    json_t *tot = json_object_get(c, "totals");
    cr_assert_eq(GETI(json_object_get(tot, "billable_units"), "90853"), 17);
    cr_assert_eq(GETI(json_object_get(tot, "billable_units"), "90849"), 0);
    json_t *f = entry(c, "facilitators", "facilitator", "chen");
    cr_assert_not_null(f);
    cr_assert_geq(GETI(f, "sessions_held"), 4);
    cr_assert_gt(GETI(entry(c, "types", "type", "dbt_skills"), "waitlist_depth"), 0);
    json_decref(c);
    c = census(v, "month", "2027-02");
    g = entry(c, "groups", "group", "dbt-tue-pm");
    cr_assert_eq(GETI(g, "sessions_scheduled"), 4);
    cr_assert_eq(GETI(g, "sessions_cancelled"), 1);
    cr_assert_eq(GETI(g, "sessions_held"), 1);
    cr_assert_eq(GETI(g, "attended_member_sessions"), 4);
    json_decref(c);
    c = census(v, "week", "2027-01-11");
    cr_assert_eq(GETI(entry(c, "groups", "group", "dbt-tue-pm"), "attended_member_sessions"), 4);
    json_decref(c);
}

/* "enrolled" counts who was on the roster during the period, from the
 * roster events, not today's roster.  By hand, dbt-tue-pm after the
 * offers walk: the program's roster holds P0001-P0005 and P0006, P0007 on
 * hold (P0008 graduated and P0009 dropped in 2026); P0003 dropped on
 * 02-10, the second candidate placed on 02-12, P0001 graduated on 02-16.
 * Today's roster has 6 seat holders. */
static void walk_census_enrolled(drv *v)
{
    static const struct {
        const char *period, *start;
        int enrolled;
    } want[] = {
        {"month", "2027-01", 7},    /* the program's seat holders */
        {"month", "2027-02", 8},    /* 7, and the placement of 02-12 */
        {"month", "2027-03", 6},    /* P0003 and P0001 left in February */
        {"week", "2027-02-08", 8},  /* P0003 left on the Wednesday, the other came Friday */
        {"week", "2027-02-15", 7},  /* P0001 until the Tuesday */
        {"week", "2027-02-22", 6},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        json_t *c = census(v, want[i].period, want[i].start);
        json_t *g = entry(c, "groups", "group", "dbt-tue-pm");
        cr_assert_not_null(g, "%s %s", want[i].period, want[i].start);
        cr_assert_eq(GETI(g, "enrolled"), want[i].enrolled, "%s %s: %d enrolled",
                     want[i].period, want[i].start, (int)GETI(g, "enrolled"));
        json_decref(c);
    }
    /* active: of those, who attended in the period (January: P0001-P0005) */
    json_t *c = census(v, "month", "2027-01");
    cr_assert_eq(GETI(entry(c, "groups", "group", "dbt-tue-pm"), "active"), 5);
    json_decref(c);
}

/* The flags of patient in a roster, joined with "; " into buf. */
static const char *roster_flags(json_t *r, const char *patient, char *buf, size_t n)
{
    size_t i, k;
    json_t *m, *f;
    buf[0] = '\0';
    json_array_foreach(json_object_get(r, "members"), i, m)
    if (strcmp(json_string_value(json_object_get(m, "patient")), patient) == 0)
        json_array_foreach(json_object_get(m, "flags"), k, f)
        {
            strncat(buf, json_string_value(f), n - strlen(buf) - 1);
            strncat(buf, "; ", n - strlen(buf) - 1);
        }
    return buf;
}

/* The pre-session roster and the authorizations running out: P0002 used 5
 * of 6 units attending. */
static void walk_roster(drv *v)
{
    char buf[1024];
    json_t *r = roster(v, "dbt-tue-pm", "2027-02-16");
    cr_assert_eq(json_array_size(json_object_get(r, "members")), 7, "5 active, 2 on hold");
    roster_flags(r, "P0002", buf, sizeof buf);
    cr_assert_not_null(strstr(buf, "authorization expiring this week"), "%s", buf);
    cr_assert_not_null(strstr(buf, "visit cap within 2 sessions (1 left)"), "%s", buf);
    roster_flags(r, "P0003", buf, sizeof buf);
    cr_assert_not_null(strstr(buf, "flagged for review"), "%s", buf);
    cr_assert_not_null(strstr(buf, "no authorization covers this session"), "%s", buf);
    roster_flags(r, "P0006", buf, sizeof buf);
    cr_assert_not_null(strstr(buf, "on hold (hold_clinical)"), "%s", buf);
    json_t *m0 = json_array_get(json_object_get(r, "members"), 0);
    cr_assert_eq(json_array_size(json_object_get(m0, "last_4_weeks")), 3,
                 "01-19, 01-26, 02-09 (02-02 cancelled by the clinic)");
    json_decref(r);
    json_t *x = expiring(v, "2027-02-16");
    cr_assert_eq(json_array_size(x), 1);
    json_t *e = json_array_get(x, 0);
    cr_assert_str_eq(json_string_value(json_object_get(e, "patient")), "P0002");
    cr_assert_eq(json_integer_value(json_object_get(e, "units_used")), 5);
    cr_assert_str_eq(json_string_value(json_object_get(e, "runs_out")), "2027-02-16",
                     "the last unit goes to the session of 02-16");
    json_decref(x);
    x = expiring(v, "2027-01-12");
    cr_assert_eq(json_array_size(x), 0, "a month earlier nothing runs out within two weeks");
    json_decref(x);
}

/* Attendance every week; P0003 flagged after 2 no-shows, a late cancel not
 * counted as a no-show, recommend drop after the 3rd; bad input refused
 * with nothing written; corrections; the member's history. */
static void walk_attendance(drv *v)
{
    json_t *r = NULL;
    cr_assert_eq(week(v, "2027-01-05", "\"status\":\"present\"", &r), 201);
    cr_assert_eq(json_array_size(json_object_get(r, "recorded")), 5);
    cr_assert_eq(json_integer_value(json_object_get(r, "schedule_version")), 1);
    json_decref(r);
    cr_assert_eq(week(v, "2027-01-12", "\"status\":\"no_show\"", &r), 201);
    cr_assert_not(json_is_true(json_object_get(flag_of(json_object_get(r, "flags"), "P0003"), "review")));
    json_decref(r);
    cr_assert_eq(week(v, "2027-01-19", "\"status\":\"no_show\"", &r), 201);
    json_t *f = flag_of(json_object_get(r, "flags"), "P0003");
    cr_assert(json_is_true(json_object_get(f, "review")), "flagged after 2 no-shows");
    cr_assert_not(json_is_true(json_object_get(f, "recommend_drop")));
    json_decref(r);
    /* a cancellation 5 hours ahead is a late cancel, not a no-show */
    cr_assert_eq(week(v, "2027-01-26", "\"status\":\"cancel\",\"notice_hours\":5", &r), 201);
    f = flag_of(json_object_get(r, "flags"), "P0003");
    cr_assert_eq(json_integer_value(json_object_get(f, "consecutive_no_shows")), 2);
    cr_assert_eq(json_integer_value(json_object_get(f, "late_cancels")), 1);
    cr_assert_eq(json_integer_value(json_object_get(f, "no_shows")), 2);
    cr_assert_not(json_is_true(json_object_get(f, "recommend_drop")));
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r, "recorded"), 2), "status")),
                     "late_cancel");
    json_decref(r);
    /* the clinic cancels a session: counts against nobody */
    cr_assert_eq(record(v, "{\"group\":\"dbt-tue-pm\",\"date\":\"2027-02-02\",\"cancelled\":"
                           "{\"reason\":\"facilitator ill\"}}", &r), 201);
    json_decref(r);
    cr_assert_eq(week(v, "2027-02-09", "\"status\":\"no_show\"", &r), 201);
    f = flag_of(json_object_get(r, "flags"), "P0003");
    cr_assert_eq(json_integer_value(json_object_get(f, "consecutive_no_shows")), 3);
    cr_assert(json_is_true(json_object_get(f, "recommend_drop")), "recommend drop after 3");
    json_decref(r);
    /* who needs a call: P0003 only */
    json_t *fl = flags(v);
    cr_assert_eq(json_array_size(fl), 1);
    cr_assert_not_null(flag_of(fl, "P0003"));
    cr_assert_gt(json_array_size(json_object_get(flag_of(fl, "P0003"), "reasons")), 0);
    json_decref(fl);

    /* bad input: 400 naming the field, nothing written */
    int before = count_attendance(v);
    cr_assert_eq(week(v, "2027-01-06", "\"status\":\"present\"", &r), 400);
    cr_assert_str_eq(err_path(r), "date", "a Wednesday is not a session of a Tuesday group");
    json_decref(r);
    cr_assert_eq(record(v, "{\"group\":\"dbt-tue-pm\",\"date\":\"2027-02-16\",\"marks\":["
                           "{\"patient\":\"P0001\",\"status\":\"present\"},"
                           "{\"patient\":\"P0010\",\"status\":\"present\"}]}", &r), 400);
    cr_assert_str_eq(err_path(r), "marks[1].patient", "P0010 is not a member");
    json_decref(r);
    cr_assert_eq(week(v, "2027-01-05", "\"status\":\"present\"", &r), 400);
    cr_assert_str_eq(err_path(r), "marks[0].patient", "recorded twice");
    json_decref(r);
    cr_assert_eq(record(v, "{\"group\":\"dbt-tue-pm\",\"date\":\"2027-02-02\",\"marks\":["
                           "{\"patient\":\"P0001\",\"status\":\"present\"}]}", &r), 400);
    cr_assert_str_eq(err_path(r), "date", "the clinic cancelled that session");
    json_decref(r);
    if (v->port) { /* over HTTP an unknown member is refused, nested ones too */
        cr_assert_eq(record(v, "{\"group\":\"dbt-tue-pm\",\"date\":\"2027-02-16\",\"marks\":["
                               "{\"patient\":\"P0001\",\"status\":\"present\",\"colour\":1}]}",
                            &r), 400);
        cr_assert_str_eq(err_path(r), "marks[0].colour");
        json_decref(r);
        cr_assert_eq(record(v, "{\"group\":\"dbt-tue-pm\",\"date\":\"2027-02-16\","
                               "\"cancelled\":{\"reason\":\"snow\",\"by\":\"me\"}}",
                            &r), 400);
        cr_assert_str_eq(err_path(r), "cancelled.by");
        json_decref(r);
    }
    cr_assert_eq(count_attendance(v), before);

    /* a correction replaces the mark and says what it was */
    cr_assert_eq(record(v, "{\"group\":\"dbt-tue-pm\",\"date\":\"2027-01-05\",\"correct\":true,"
                           "\"marks\":[{\"patient\":\"P0001\",\"status\":\"late\"}]}", &r), 201);
    json_t *rec = json_array_get(json_object_get(r, "recorded"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(rec, "previous")), "present");
    cr_assert_str_eq(json_string_value(json_object_get(rec, "status")), "late");
    json_decref(r);
    cr_assert_eq(count_attendance(v), before);

    /* the member's history shows the marks */
    json_t *h = history(v, "P0003");
    int marks = 0;
    size_t i;
    json_t *e;
    json_array_foreach(h, i, e)
    marks += strcmp(json_string_value(json_object_get(e, "event")), "attendance") == 0;
    cr_assert_eq(marks, 5);
    json_decref(h);
}

/* After P0003's drop: the seat offered, declined, offered to the next
 * candidate, accepted; one open offer per seat; an expired offer cannot
 * be accepted; an offer nobody answers expires and the next is ranked. */
static void walk_offers(drv *v)
{
    /* the plan placed everyone who fit; new referrals arrive during the quarter */
    for (int k = 0; k < 5; k++)
        referral(v, k, k == 4 ? 2 : 20);
    json_t *r = NULL, *rk = candidates(v, "dbt-tue-pm");
    cr_assert_eq(json_integer_value(json_object_get(rk, "open_seats")), 1);
    /* P0044 has no authorization, R5's runs out (2 units, 4 sessions needed) */
    cr_assert_eq(json_integer_value(json_object_get(rk, "eligible")), 4);
    for (size_t k = 0; k < 4; k++)
        cr_assert(strcmp(cand(rk, k), "P0044") != 0 && strcmp(cand(rk, k), "R5") != 0);
    cr_assert_eq(offer_call(v, "create", 0, "{\"group\":\"dbt-tue-pm\",\"patient\":\"R5\"}", &r),
                 400);
    cr_assert_str_eq(err_path(r), "patient", "authorization blocks the placement");
    json_decref(r);
    cr_assert_str_eq(json_string_value(json_object_get(rk, "vacated_by")), "P0003");
    char first[16], second[16];
    snprintf(first, sizeof first, "%s", cand(rk, 0));
    snprintf(second, sizeof second, "%s", cand(rk, 1));
    json_decref(rk);
    /* no open seat in a full group */
    cr_assert_eq(offer_call(v, "create", 0, "{\"group\":\"anxiety-mon-eve\",\"patient\":\"P0044\"}",
                            &r), 400);
    cr_assert_str_eq(err_path(r), "group");
    json_decref(r);
    long long o1 = offer_with(v, first, "2027-02-10T09:00:00Z");
    /* one open offer per seat; who holds an offer is not ranked for another */
    rk = candidates(v, "dbt-tue-pm");
    cr_assert_str_eq(cand(rk, 0), second);
    json_decref(rk);
    char body[256];
    snprintf(body, sizeof body, "{\"group\":\"dbt-tue-pm\",\"patient\":\"%s\"}", second);
    cr_assert_eq(offer_call(v, "create", 0, body, &r), 400);
    cr_assert_str_eq(err_path(r), "group");
    json_decref(r);
    cr_assert_eq(offer_call(v, "contacts", o1, "{\"channel\":\"phone\",\"outcome\":\"voicemail\","
                                               "\"at\":\"2027-02-10T10:00:00Z\"}", &r), 201);
    cr_assert_eq(json_array_size(r), 1);
    json_decref(r);
    cr_assert_eq(offer_call(v, "decision", o1, "{\"decision\":\"declined\"}", &r), 400);
    cr_assert_str_eq(err_path(r), "reason");
    json_decref(r);
    cr_assert_eq(offer_call(v, "decision", o1, "{\"decision\":\"declined\",\"reason\":\"work "
                                               "schedule\",\"at\":\"2027-02-10T15:00:00Z\"}", &r),
                 200);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "offer"), "status")),
                     "declined");
    json_t *next = json_object_get(r, "next");
    cr_assert_str_eq(cand(next, 0), second, "declining suggests the next candidate");
    json_decref(r);
    long long o2 = offer_with(v, second, "2027-02-11T09:00:00Z");
    cr_assert_eq(offer_call(v, "decision", o2, "{\"decision\":\"accepted\",\"at\":"
                                               "\"2027-02-14T09:00:00Z\"}", &r), 400);
    cr_assert_str_eq(err_path(r), "decision", "an expired offer cannot be accepted");
    json_decref(r);
    cr_assert_eq(offer_call(v, "decision", o2, "{\"decision\":\"accepted\",\"at\":"
                                               "\"2027-02-12T09:00:00Z\"}", &r), 200);
    json_t *rec = json_array_get(json_object_get(r, "recorded"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(rec, "event")), "placed");
    cr_assert_str_eq(json_string_value(json_object_get(rec, "patient")), second);
    json_decref(r);
    rk = candidates(v, "dbt-tue-pm");
    cr_assert_eq(json_integer_value(json_object_get(rk, "open_seats")), 0, "the seat is taken");
    json_decref(rk);
    json_t *h = history(v, second);
    int offered = 0, placed = 0;
    size_t i;
    json_t *e;
    json_array_foreach(h, i, e)
    {
        const char *ev = json_string_value(json_object_get(e, "event"));
        offered += strcmp(ev, "offer") == 0;
        placed += strcmp(ev, "placed") == 0;
    }
    cr_assert_eq(offered, 1);
    cr_assert_eq(placed, 1);
    json_decref(h);
    /* another member leaves: R3's expected wait shrinks */
    json_t *basis = NULL;
    double before = expected_wait(v, "R3", "dbt_skills", &basis);
    cr_assert_gt(before, 0);
    cr_assert_gt(json_array_size(basis), 2, "the estimate says what it rests on");
    json_decref(basis);
    event(v, "{\"event\":\"graduated\",\"group\":\"dbt-tue-pm\",\"patient\":\"P0001\","
             "\"date\":\"2027-02-16\"}");
    double after = expected_wait(v, "R3", "dbt_skills", NULL);
    cr_assert_lt(after, before, "a seat opened: %g -> %g weeks", before, after);
    rk = candidates(v, "dbt-tue-pm");
    cr_assert_eq(json_integer_value(json_object_get(rk, "open_seats")), 1);
    char third[16];
    snprintf(third, sizeof third, "%s", cand(rk, 0));
    cr_assert_str_neq(third, first, "who declined this seat's group is not ranked again");
    json_decref(rk);
    long long o3 = offer_with(v, third, "2027-02-16T09:00:00Z");
    json_t *l = offers(v, "2027-02-18T10:00:00Z");
    json_t *x = json_array_get(json_object_get(l, "expired_now"), 0);
    cr_assert_eq(json_integer_value(json_object_get(x, "offer")), o3);
    cr_assert_gt(json_array_size(json_object_get(json_object_get(x, "next"), "candidates")), 0);
    cr_assert_str_neq(cand(json_object_get(x, "next"), 0), third);
    cr_assert_eq(json_array_size(json_object_get(l, "offers")), 3);
    json_decref(l);
}

Test(clinic_lib, quarter_walk_attendance)
{
    drv v;
    drv_open(&v, 0);
    walk_attendance(&v);
    walk_roster(&v);
    walk_census(&v);
    /* nothing was dropped without a confirmation */
    {
        model_instance *inst0 = NULL;
        model_diag d0;
        model_diag_init(&d0);
        cr_assert_eq(io_store_program_export(v.s, PROG, &inst0, &d0), IO_OK);
        const model_group *g0 = &inst0->groups[model_find_group(inst0, "dbt-tue-pm")];
        for (int k = 0; k < g0->n_members; k++)
            if (strcmp(g0->members[k].patient, "P0003") == 0)
                cr_assert_eq(g0->members[k].status, MODEL_ACTIVE);
        model_instance_destroy(inst0);
        model_diag_free(&d0);
    }
    event(&v, "{\"event\":\"dropped\",\"group\":\"dbt-tue-pm\",\"patient\":\"P0003\","
              "\"date\":\"2027-02-10\"}");
    walk_offers(&v);
    walk_census_enrolled(&v);
    drv_close(&v);
}

Test(clinic_http, quarter_walk_attendance_and_confirmed_drop, .timeout = 120)
{
    drv v;
    drv_open(&v, 1);
    walk_attendance(&v);
    walk_roster(&v);
    walk_census(&v);
    json_t *r = NULL;
    cr_assert_eq(http(&v, "POST", "/v1/programs/" PROG "/attendance/confirm",
                      "{\"group\":\"dbt-tue-pm\",\"patient\":\"P0003\",\"action\":\"maybe\"}", &r),
                 400);
    json_decref(r);
    cr_assert_eq(http(&v, "POST", "/v1/programs/" PROG "/attendance/confirm",
                      "{\"group\":\"dbt-tue-pm\",\"patient\":\"P0003\",\"action\":\"drop\","
                      "\"date\":\"2027-02-10\"}", &r),
                 201);
    cr_assert(json_is_true(json_object_get(json_object_get(r, "flags"), "recommend_drop")));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r, "recorded"), 0), "status")),
                     "dropped");
    json_t *sug = json_object_get(r, "suggestions");
    cr_assert(json_is_object(sug), "the answer ranks the waitlist for the opened seat");
    json_t *seat0 = json_array_get(json_object_get(sug, "seats"), 0);
    cr_assert_eq(json_integer_value(json_object_get(seat0, "eligible")), 0);
    cr_assert_geq(json_integer_value(json_object_get(seat0, "excluded_by_authorization")), 1,
                  "P0044 fits but has no authorization: the fill answer says so");
    char *t = json_dumps(sug, 0);
    cr_assert_not_null(strstr(t, "dbt-tue-pm"));
    free(t);
    json_decref(r);
    json_t *fl = flags(&v);
    cr_assert_eq(json_array_size(fl), 0, "a dropped member needs no call");
    json_decref(fl);
    walk_offers(&v);
    walk_census_enrolled(&v);
    /* P0002's authorization lapses: a person confirms the administrative hold */
    cr_assert_eq(http(&v, "POST", "/v1/programs/" PROG "/attendance/confirm",
                      "{\"group\":\"dbt-tue-pm\",\"patient\":\"P0002\",\"action\":"
                      "\"hold_admin\",\"date\":\"2027-02-24\"}", &r),
                 201);
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r, "recorded"), 0), "status")),
                     "hold_admin");
    json_decref(r);
    drv_close(&v);
}
