/* test_clinic.c - clinic operations (issue 13), the model's rules:
 * attendance marks and the no-show policy, the expected wait, payer
 * authorizations.  The walks through the library, the HTTP API and the
 * CLI are in tests/test_clinic/ (one executable, fixture.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_clinic/fixture.h"

/* ------------------------------------------------------ model rules */

static model_noshow_policy policy(void)
{
    model_noshow_policy p;
    model_noshow_policy_defaults(&p);
    return p;
}

Test(attendance, streak_skips_late_cancels_and_ends_at_attendance)
{
    model_noshow_policy p = policy();
    model_att_mark m[] = {{10, MODEL_ATT_PRESENT}, {17, MODEL_ATT_NO_SHOW},
                          {24, MODEL_ATT_NO_SHOW}, {31, MODEL_ATT_LATE_CANCEL}};
    model_att_summary a;
    model_attendance_summarise(m, 4, 31, &p, &a);
    cr_assert_eq(a.consecutive_no_shows, 2);
    cr_assert_eq(a.no_shows, 2);
    cr_assert_eq(a.late_cancels, 1);
    cr_assert_eq(a.absences, 3);
    cr_assert(a.review);
    cr_assert_not(a.recommend_drop);
    m[0].status = MODEL_ATT_NO_SHOW; /* 3 no-shows, the late cancel between skipped */
    m[3] = (model_att_mark){31, MODEL_ATT_LATE};
    model_attendance_summarise(m, 4, 31, &p, &a);
    cr_assert_eq(a.consecutive_no_shows, 0, "attending ends the streak");
    cr_assert_not(a.recommend_drop);
    cr_assert(a.review == false);
}

Test(attendance, absences_in_window_recommend_drop)
{
    model_noshow_policy p = policy();
    /* 4 absences in 8 weeks, never 2 in a row */
    model_att_mark m[] = {{0, MODEL_ATT_NO_SHOW},   {7, MODEL_ATT_PRESENT},
                          {14, MODEL_ATT_LATE_CANCEL}, {21, MODEL_ATT_PRESENT},
                          {28, MODEL_ATT_NO_SHOW},  {35, MODEL_ATT_PRESENT},
                          {42, MODEL_ATT_NO_SHOW},  {49, MODEL_ATT_PRESENT}};
    model_att_summary a;
    model_attendance_summarise(m, 8, 49, &p, &a);
    cr_assert_eq(a.absences, 4);
    cr_assert(a.recommend_drop);
    /* a week later the first absence leaves the window */
    model_attendance_summarise(m, 8, 56, &p, &a);
    cr_assert_eq(a.absences, 3);
    cr_assert_not(a.recommend_drop);
    cr_assert_eq(model_attendance_classify_cancel(5, 24), MODEL_ATT_LATE_CANCEL);
    cr_assert_eq(model_attendance_classify_cancel(30, 24), MODEL_ATT_EXCUSED);
}

Test(attendance, policy_settings_read_written_and_validated)
{
    const char *extra = "\"no_show_policy\":{\"review_consecutive_no_shows\":1,"
                        "\"drop_consecutive_no_shows\":2,\"drop_absences\":%d,"
                        "\"absence_window_weeks\":4,\"review_late_cancels\":2},"
                        "\"late_cancel_hours\":12,\"offer_ttl_hours\":72";
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(io_read_all(SAMPLE, IO_MAX_INPUT_BYTES, &text, &len), IO_OK);
    char *at = strstr(text, "\"settings\": {");
    cr_assert_not_null(at);
    at += strlen("\"settings\": {");
    char *both = malloc(len + strlen(extra) + 8), fx[512];
    snprintf(fx, sizeof fx, extra, 0);
    sprintf(both, "%.*s%s,%s", (int)(at - text), text, fx, at);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    cr_assert_eq(io_instance_parse(both, strlen(both), &inst, &d), IO_OK);
    cr_assert_eq(inst->settings.no_show_policy.drop_consecutive_no_shows, 2);
    cr_assert_eq(inst->settings.late_cancel_hours, 12);
    char *out = NULL;
    cr_assert_eq(io_instance_to_json(inst, &out), IO_OK);
    cr_assert_not_null(strstr(out, "\"review_late_cancels\": 2") ? out : strstr(out, "\"review_late_cancels\":2"));
    free(out);
    model_instance_destroy(inst);
    /* an old instance writes no clinic settings */
    cr_assert_eq(io_instance_parse(text, len, &inst, &d), IO_OK);
    cr_assert_eq(io_instance_to_json(inst, &out), IO_OK);
    cr_assert_null(strstr(out, "no_show_policy"));
    cr_assert_eq(inst->settings.no_show_policy.drop_consecutive_no_shows, 3);
    free(out);
    model_instance_destroy(inst);
    /* a negative threshold is an error at its path */
    snprintf(fx, sizeof fx, extra, -1);
    sprintf(both, "%.*s%s,%s", (int)(at - text), text, fx, at);
    model_diag_free(&d);
    model_diag_init(&d);
    cr_assert_eq(io_instance_parse(both, strlen(both), &inst, &d), IO_EINVAL);
    int found = 0;
    for (int i = 0; i < d.n_errors; i++)
        found |= strcmp(d.errors[i].path, "settings.no_show_policy.drop_absences") == 0;
    cr_assert(found);
    model_diag_free(&d);
    free(both);
    free(text);
}

Test(waitlist, wait_estimate_from_position_and_seats)
{
    model_wait w;
    model_wait_estimate(2, 3, 0.5, 0, &w);
    cr_assert_eq(w.weeks, 0, "a seat is open for them");
    model_wait_estimate(5, 1, 0.5, 0, &w);
    cr_assert_float_eq(w.weeks, 8, 1e-9, "4 seats to open at 0.5 a week");
    cr_assert_float_eq(w.weeks_low, 4 / 0.75, 1e-9);
    cr_assert_float_eq(w.weeks_high, 16, 1e-9);
    model_wait_estimate(5, 1, 0.5, 10, &w);
    cr_assert_eq(w.weeks_low, 0, "an optional group opening would seat them");
    model_wait_estimate(5, 1, 0, 0, &w);
    cr_assert_eq(w.weeks, -1, "no seat expected");
}

/* ------------------------------------------------- authorizations */

Test(authorization, covering_needs_cpt_dates_and_units)
{
    model_patient p = {0};
    p.authorizations[0] = auth("90853", 6, "2027-01-01", "2027-03-31");
    p.n_authorizations = 1;
    int d;
    model_date_parse("2027-01-05", &d);
    cr_assert_eq(model_authorization_covering(&p, "90853", d, 4), 0);
    cr_assert_eq(model_authorization_covering(&p, "90849", d, 1), -1, "other CPT");
    cr_assert_eq(model_authorization_covering(&p, "90853", d + 100, 1), -1, "after to");
    /* 6 units at 1 a week: the last covered session 5 weeks on (before to) */
    model_authorization *a = &p.authorizations[0];
    cr_assert_eq(model_authorization_runs_out(a, d, 14, 1), -1);
    cr_assert_eq(model_authorization_runs_out(a, d, 40, 1), d + 35);
    cr_assert_eq(model_authorization_runs_out(a, d + 84, 14, 1), a->to, "the dates end first");
    /* attended sessions use units: what is left decides */
    a->used = 3;
    cr_assert_eq(model_authorization_units_left(a), 3);
    cr_assert_eq(model_authorization_covering(&p, "90853", d, 4), -1, "3 of 6 units used");
    cr_assert_eq(model_authorization_covering(&p, "90853", d, 3), 0);
    a->used = 5;
    cr_assert_eq(model_authorization_runs_out(a, d, 14, 1), d, "the last unit today");
    a->used = 4;
    cr_assert_eq(model_authorization_runs_out(a, d, 14, 1), d + 7, "2 left: next week's is the last");
    a->used = 2;
    cr_assert_eq(model_authorization_runs_out(a, d, 14, 1), -1, "4 left: after the two weeks");
    a->used = 9;
    cr_assert_eq(model_authorization_units_left(a), 0, "never below 0");
    cr_assert_eq(model_authorization_runs_out(a, d, 14, 1), d, "out");
}

/* The tiny program with require_authorization: everyone authorized except
 * p05 (2 units, 4 sessions needed). */
static model_instance *tiny_with_authorizations(void)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    cr_assert_eq(io_instance_read_file(TINY, &inst, &d), IO_OK);
    model_diag_free(&d);
    inst->settings.require_authorization = true;
    inst->settings.min_authorized_sessions = 4;
    for (int i = 0; i < inst->n_patients; i++) {
        model_patient *p = &inst->patients[i];
        p->authorizations[0] =
            auth("90853", strcmp(p->id, "p05") == 0 ? 2 : 20, "2024-12-01", "2025-06-30");
        p->n_authorizations = 1;
    }
    return inst;
}

Test(authorization, plan_places_only_authorized_patients_and_says_why, .timeout = 60)
{
    model_instance *inst = tiny_with_authorizations();
    inst->patients[0].authorizations[0].used = 3;
    /* round trip through JSON keeps them */
    char *text = NULL;
    cr_assert_eq(io_instance_to_json(inst, &text), IO_OK);
    model_diag d;
    model_diag_init(&d);
    model_instance *back = NULL;
    cr_assert_eq(io_instance_parse(text, strlen(text), &back, &d), IO_OK);
    cr_assert_eq(back->patients[4].n_authorizations, 1);
    cr_assert_eq(back->patients[4].authorizations[0].units, 2);
    cr_assert_str_eq(back->patients[4].authorizations[0].cpt, "90853");
    cr_assert_eq(back->patients[0].authorizations[0].used, 3);
    cr_assert_eq(back->patients[4].authorizations[0].used, 0, "absent: nothing used");
    cr_assert_null(strstr(text, "\"used\": 0"), "0 is not written");
    model_instance_destroy(back);
    back = model_instance_clone(inst);
    back->patients[0].authorizations[0].used = -1;
    cr_assert_eq(model_instance_validate(back, &d), MODEL_EINVAL);
    cr_assert_str_eq(d.errors[0].path, "patients[0].authorizations[0].used");
    model_instance_destroy(back);
    model_diag_free(&d);
    model_diag_init(&d);
    /* to before from: an error at its path */
    char *bad = strstr(text, "\"to\": \"2025-06-30\"");
    cr_assert_not_null(bad, "%.400s", strstr(text, "authorizations"));
    memcpy(bad, "\"to\": \"2024-06-30\"", 18);
    cr_assert_eq(io_instance_parse(text, strlen(text), &back, &d), IO_EINVAL);
    cr_assert_str_eq(d.errors[0].path, "patients[0].authorizations[0].to");
    model_diag_free(&d);
    free(text);
    solver_options o;
    solver_options_default(&o);
    model_solution *sol = NULL;
    cr_assert_eq(solver_plan(inst, &o, &sol), SOLVER_OK);
    cr_assert_lt(sol->status, MODEL_STATUS_INFEASIBLE);
    for (int g = 0; g < sol->n_groups; g++)
        cr_assert_eq(model_strlist_find(&sol->groups[g].members, "p05"), -1);
    int found = 0;
    for (int u = 0; u < sol->n_unplaced; u++)
        if (strcmp(sol->unplaced[u].patient, "p05") == 0)
            found = strstr(sol->unplaced[u].reasons.items[0], "authorization") != NULL;
    cr_assert(found, "p05's reason names the authorization");
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}
