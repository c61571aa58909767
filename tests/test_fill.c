/* test_fill.c - solver/fill.c and `cohort fill`: ranking on a hand-made
 * program (datasets/fixtures/fill), --apply changes nothing else (field by
 * field on every group and session) and passes model_check, composition
 * limits exclude candidates, referrals (a seat, and the expected wait), the
 * below-minimum flag, and event errors with their paths. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "io_private.h"
#include "model.h"
#include "solver.h"

#define FIX COHORT_SOURCE_DIR "/datasets/fixtures/fill/"

static model_instance *g_inst;
static model_solution *g_sol;

static void load(void)
{
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_instance_read_file(FIX "instance.json", &g_inst, &d), IO_OK);
    cr_assert_eq(io_solution_read_file(FIX "solution.json", &g_sol, &d), IO_OK);
    model_diag_free(&d);
}

static void unload(void)
{
    model_instance_destroy(g_inst);
    model_solution_destroy(g_sol);
}

TestSuite(fill, .init = load, .fini = unload);

/* Run fill on events given as JSON text; asserts success. */
static solver_fill_result *run(const char *events, bool apply, int top)
{
    model_diag d;
    model_diag_init(&d);
    solver_fill_event *ev = NULL;
    int n = 0;
    int rc = io_fill_events_parse(events, strlen(events), g_inst, &ev, &n, &d);
    cr_assert_eq(rc, IO_OK, "events: %s: %s", d.n_errors ? d.errors[0].path : "",
                 d.n_errors ? d.errors[0].message : "");
    solver_fill_options o;
    solver_fill_options_default(&o);
    o.apply = apply;
    o.top_n = top;
    solver_fill_result *r = NULL;
    rc = solver_fill_run(g_inst, g_sol, ev, n, &o, &r, &d);
    cr_assert_eq(rc, SOLVER_OK, "fill: %s: %s", d.n_errors ? d.errors[0].path : "",
                 d.n_errors ? d.errors[0].message : "");
    io_fill_events_free(ev, n);
    model_diag_free(&d);
    return r;
}

static const model_sol_group *sgroup(const model_solution *s, const char *id)
{
    for (int g = 0; g < s->n_groups; g++)
        if (strcmp(s->groups[g].id, id) == 0)
            return &s->groups[g];
    cr_assert_fail("no group %s", id);
    return NULL;
}

static bool has(const model_strlist *l, const char *s)
{
    return model_strlist_find(l, s) >= 0;
}

static void assert_check_clean(const solver_fill_result *r)
{
    model_check_report rep;
    cr_assert_eq(model_check(r->instance, r->solution, &rep), MODEL_OK);
    for (int i = 0; i < rep.n_violations; i++)
        cr_log_error("rule %d %s: %s", rep.violations[i].rule, rep.violations[i].entity,
                     rep.violations[i].message);
    for (int i = 0; i < rep.n_mismatches; i++)
        cr_log_error("%s: %s", rep.mismatches[i].field, rep.mismatches[i].message);
    cr_expect_eq(rep.n_violations, 0);
    cr_expect_eq(rep.n_mismatches, 0);
    model_check_report_free(&rep);
}

static void strlist_eq(const model_strlist *a, const model_strlist *b, const char *what)
{
    cr_assert_eq(a->n, b->n, "%s: %d vs %d items", what, a->n, b->n);
    for (int i = 0; i < a->n; i++)
        cr_assert_str_eq(a->items[i], b->items[i], "%s[%d]", what, i);
}

static void str_eq_null(const char *a, const char *b, const char *what)
{
    cr_assert((a == NULL) == (b == NULL), "%s: one side absent", what);
    if (a)
        cr_assert_str_eq(a, b, "%s", what);
}

/* Every group and session field equal, except members/new_members of
 * `changed` which must equal the original minus `gone` plus `added`. */
static void assert_only_roster_changed(const model_solution *a, const model_solution *b,
                                       const char *changed, const char *gone, const char *added)
{
    cr_assert_eq(a->n_groups, b->n_groups);
    for (int g = 0; g < a->n_groups; g++) {
        const model_sol_group *x = &a->groups[g], *y = &b->groups[g];
        cr_assert_str_eq(x->id, y->id);
        cr_assert_str_eq(x->type, y->type);
        cr_assert_eq(x->running, y->running, "%s running", x->id);
        cr_assert_eq(x->day, y->day, "%s day", x->id);
        cr_assert_eq(x->start, y->start, "%s start", x->id);
        cr_assert_eq(x->end, y->end, "%s end", x->id);
        cr_assert_eq(x->week_parity, y->week_parity, "%s week_parity", x->id);
        str_eq_null(x->room, y->room, "room");
        str_eq_null(x->substitute, y->substitute, "substitute");
        strlist_eq(&x->facilitators, &y->facilitators, "facilitators");
        if (strcmp(x->id, changed) != 0) {
            strlist_eq(&x->members, &y->members, "members");
            strlist_eq(&x->new_members, &y->new_members, "new_members");
            continue;
        }
        /* y = x - gone + added, order of the others kept. */
        cr_assert_eq(y->members.n, x->members.n - (gone ? 1 : 0) + (added ? 1 : 0));
        int k = 0;
        for (int i = 0; i < x->members.n; i++) {
            if (gone && strcmp(x->members.items[i], gone) == 0)
                continue;
            cr_assert_str_eq(y->members.items[k], x->members.items[i]);
            k++;
        }
        if (added) {
            cr_assert_str_eq(y->members.items[k], added);
            cr_assert(has(&y->new_members, added));
        }
        if (gone)
            cr_assert(!has(&y->members, gone) && !has(&y->new_members, gone));
        cr_assert_eq(y->new_members.n,
                     x->new_members.n + (added ? 1 : 0) - (gone && has(&x->new_members, gone)));
    }
    cr_assert_eq(a->n_sessions, b->n_sessions);
    for (int i = 0; i < a->n_sessions; i++) {
        const model_sol_session *x = &a->sessions[i], *y = &b->sessions[i];
        cr_assert_str_eq(x->group, y->group);
        cr_assert_eq(x->date, y->date);
        cr_assert_eq(x->start, y->start);
        cr_assert_eq(x->end, y->end);
        cr_assert_eq(x->uncovered, y->uncovered);
        str_eq_null(x->room, y->room, "session room");
        str_eq_null(x->covered_by, y->covered_by, "covered_by");
        strlist_eq(&x->facilitators, &y->facilitators, "session facilitators");
    }
}

Test(fill, ranks_by_objective_value_with_reasons)
{
    solver_fill_result *r =
        run("{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"a3\",\"date\":\"2025-01-08\"}",
            false, 5);
    cr_assert_eq(r->n_seats, 1);
    const solver_fill_seat *s = &r->seats[0];
    cr_assert_str_eq(s->group, "dbt-1");
    /* w2: 100 + 2*18 + 10*3 = 166; w1: 100 + 2*31 = 162; w8: 100 + 2*13 = 126. */
    cr_assert_eq(s->n_eligible, 3);
    cr_assert_eq(s->n_candidates, 3);
    cr_assert_str_eq(s->candidates[0].patient, "w2");
    cr_assert_str_eq(s->candidates[1].patient, "w1");
    cr_assert_str_eq(s->candidates[2].patient, "w8");
    cr_assert_float_eq(s->candidates[0].value, 166.0, 1e-9);
    cr_assert_float_eq(s->candidates[1].value, 162.0, 1e-9);
    cr_assert_float_eq(s->candidates[2].value, 126.0, 1e-9);
    /* Wait at the event date 2025-01-08: w1 added 2024-06-03 -> 219 days. */
    cr_assert_eq(s->candidates[1].wait_days, 219);
    /* Reasons: referral vs diagnosis, the window, the modality. */
    cr_assert_str_eq(s->candidates[0].why.items[0], "type: referred to dbt");
    cr_assert(strstr(s->candidates[2].why.items[0], "diagnosis F60.3") != NULL);
    cr_assert(strstr(s->candidates[0].why.items[1], "mon 17:30-20:00") != NULL);
    cr_assert(strstr(s->candidates[0].why.items[2], "modality") != NULL);
    /* Composition after w2 joins: a1 30, a2 35 high, a4 32, n1 28 new, w2 25 new. */
    cr_assert_eq(s->candidates[0].size_after, 5);
    cr_assert_float_eq(s->candidates[0].new_share_after, 0.4, 1e-9);
    cr_assert_eq(s->candidates[0].high_acuity_after, 1);
    cr_assert_eq(s->candidates[0].age_spread_after, 10);
    /* Not listed: w3 (high acuity), w4 (age spread), w5 (not screened), w6
     * (window), w7 (telehealth), w10 (age 16), rostered patients. */
    cr_assert_eq(s->excluded_high_acuity, 1);
    cr_assert_eq(s->excluded_age_spread, 1);
    cr_assert_eq(s->excluded_new_share, 0);
    cr_assert_null(s->placed);
    /* Without apply the solution keeps the events only. */
    cr_assert(!has(&sgroup(r->solution, "dbt-1")->members, "a3"));
    cr_assert(!has(&sgroup(r->solution, "dbt-1")->members, "w2"));
    cr_assert_eq(r->n_under_min, 0);
    solver_fill_result_destroy(r);
}

Test(fill, top_n_limits_the_list)
{
    solver_fill_result *r = run("[{\"event\":\"dropped\",\"patient\":\"a3\"}]", false, 1);
    cr_assert_eq(r->seats[0].n_candidates, 1);
    cr_assert_eq(r->seats[0].n_eligible, 3);
    cr_assert_str_eq(r->seats[0].group, "dbt-1"); /* found from the patient */
    solver_fill_result_destroy(r);
}

Test(fill, apply_changes_nothing_else_and_passes_check)
{
    char *before = NULL, *before_sol = NULL;
    cr_assert_eq(io_instance_to_json(g_inst, &before), IO_OK);
    cr_assert_eq(io_solution_to_json(g_sol, &before_sol), IO_OK);
    solver_fill_result *r = run("{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"a3\"}",
                                true, 3);
    cr_assert_str_eq(r->seats[0].placed, "w2");
    cr_assert_eq(r->placed, 1);
    assert_only_roster_changed(g_sol, r->solution, "dbt-1", "a3", "w2");
    /* The roster records the departure; nothing else in the instance moved. */
    int g = model_find_group(r->instance, "dbt-1");
    bool found = false;
    for (int m = 0; m < r->instance->groups[g].n_members; m++)
        if (strcmp(r->instance->groups[g].members[m].patient, "a3") == 0) {
            cr_assert_eq(r->instance->groups[g].members[m].status, MODEL_DROPPED);
            found = true;
        }
    cr_assert(found);
    cr_assert_eq(r->instance->n_patients, g_inst->n_patients);
    /* Metrics recomputed: one more placed, one fewer filled seat + one. */
    cr_assert_eq(r->solution->metrics.placed, g_sol->metrics.placed + 1);
    cr_assert_eq(r->solution->metrics.seats_filled, g_sol->metrics.seats_filled);
    assert_check_clean(r);
    /* The inputs are untouched. */
    char *after = NULL, *after_sol = NULL;
    cr_assert_eq(io_instance_to_json(g_inst, &after), IO_OK);
    cr_assert_eq(io_solution_to_json(g_sol, &after_sol), IO_OK);
    cr_assert_str_eq(before, after);
    cr_assert_str_eq(before_sol, after_sol);
    free(before);
    free(after);
    free(before_sol);
    free(after_sol);
    solver_fill_result_destroy(r);
}

Test(fill, two_seats_in_one_group_take_the_two_best)
{
    /* n1 is a new member (placed by the plan, not on the roster yet). */
    solver_fill_result *r = run("[{\"event\":\"dropped\",\"patient\":\"a3\"},"
                                "{\"event\":\"dropped\",\"patient\":\"n1\"}]",
                                true, 5);
    cr_assert_eq(r->n_seats, 2);
    /* Without n1 (28) the youngest is 30: w4 (55, value 100 + 2*44 = 188)
     * now fits the 25-year spread and ranks first. */
    cr_assert_str_eq(r->seats[0].placed, "w4");
    cr_assert_float_eq(r->seats[0].candidates[0].value, 188.0, 1e-9);
    /* The second list assumes w4 took the first seat: w2 (25) would widen
     * the spread to 30 and drops out; w1 is next. */
    cr_assert_str_eq(r->seats[1].candidates[0].patient, "w1");
    cr_assert_str_eq(r->seats[1].placed, "w1");
    cr_assert_geq(r->seats[1].excluded_age_spread, 1);
    const model_sol_group *x = sgroup(r->solution, "dbt-1");
    cr_assert(has(&x->new_members, "w1") && has(&x->new_members, "w4"));
    cr_assert(!has(&x->members, "n1") && !has(&x->new_members, "n1"));
    assert_check_clean(r);
    solver_fill_result_destroy(r);
    /* a1 and a3 leave: continuing a2, a4 and new n1; w2 makes 2 of 4 new
     * (= max_new_share 0.5); nobody may take the second seat. */
    r = run("[{\"event\":\"dropped\",\"patient\":\"a3\"},"
            "{\"event\":\"graduated\",\"patient\":\"a1\"}]",
            true, 5);
    cr_assert_str_eq(r->seats[0].placed, "w2");
    cr_assert_float_eq(r->seats[0].candidates[0].new_share_after, 0.5, 1e-9);
    cr_assert_null(r->seats[1].placed);
    cr_assert_eq(r->seats[1].n_eligible, 0);
    cr_assert_eq(r->seats[1].excluded_new_share, 4); /* w1, w3, w4, w8 */
    assert_check_clean(r);
    solver_fill_result_destroy(r);
}

Test(fill, new_share_limit_excludes_everyone_and_flags_minimum)
{
    /* After three departures dbt-1 keeps a4 (held, continuing) and n1 (new):
     * any new member would make 2 of 3 new > max_new_share 0.5. */
    solver_fill_result *r = run("[{\"event\":\"dropped\",\"patient\":\"a1\"},"
                                "{\"event\":\"dropped\",\"patient\":\"a2\"},"
                                "{\"event\":\"dropped\",\"patient\":\"a3\",\"date\":\"2025-01-07\"}]",
                                true, 5);
    cr_assert_eq(r->n_seats, 3);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(r->seats[i].n_candidates, 0);
        cr_assert_eq(r->seats[i].n_eligible, 0);
        cr_assert_geq(r->seats[i].excluded_new_share, 3);
        cr_assert_null(r->seats[i].placed);
    }
    cr_assert_eq(r->n_under_min, 1);
    const solver_fill_undermin *u = &r->under_min[0];
    cr_assert_str_eq(u->group, "dbt-1");
    cr_assert_eq(u->size, 2);
    cr_assert_eq(u->size_after_fill, 2);
    cr_assert_eq(u->min_size, 3);
    /* a4 and n1 have Monday windows only: dbt-2 meets on Wednesday. */
    cr_assert_eq(u->merge_into.n, 0);
    /* Event 2025-01-07 + 4 weeks is past the horizon: the last session. */
    int last;
    model_date_parse("2025-01-13", &last);
    cr_assert_eq(u->run_until, last);
    cr_assert_eq(u->options.n, 3);
    cr_assert(strstr(u->options.items[0], "fill from the waitlist") != NULL);
    solver_fill_result_destroy(r);
}

Test(fill, age_spread_and_high_acuity_limits_exclude)
{
    /* b3 leaves dbt-2 (ages 45, 50): w8 (38) fits (spread 12). */
    solver_fill_result *r = run("{\"event\":\"graduated\",\"patient\":\"b3\"}", false, 5);
    cr_assert_eq(r->seats[0].n_eligible, 1);
    cr_assert_str_eq(r->seats[0].candidates[0].patient, "w8");
    cr_assert_eq(r->seats[0].candidates[0].age_spread_after, 12);
    solver_fill_result_destroy(r);
    /* In dbt-1, a2 is high acuity (max 1): w3, the longest waiter, never shows. */
    r = run("{\"event\":\"dropped\",\"patient\":\"a1\"}", false, 50);
    for (int i = 0; i < r->seats[0].n_candidates; i++) {
        cr_assert_str_neq(r->seats[0].candidates[i].patient, "w3");
        cr_assert_str_neq(r->seats[0].candidates[i].patient, "w4");
    }
    cr_assert_eq(r->seats[0].excluded_high_acuity, 1);
    cr_assert_eq(r->seats[0].excluded_age_spread, 1);
    solver_fill_result_destroy(r);
    /* When a2 (the high-acuity member) leaves, w3 becomes the best. */
    r = run("{\"event\":\"dropped\",\"patient\":\"a2\"}", false, 5);
    cr_assert_str_eq(r->seats[0].candidates[0].patient, "w3");
    cr_assert_eq(r->seats[0].excluded_high_acuity, 0);
    cr_assert_eq(r->seats[0].candidates[0].high_acuity_after, 1);
    solver_fill_result_destroy(r);
}

Test(fill, below_minimum_lists_merge_and_run_until)
{
    solver_fill_result *r =
        run("{\"event\":\"graduated\",\"group\":\"dbt-2\",\"patient\":\"b3\",\"date\":\"2025-01-06\"}",
            false, 5);
    cr_assert_eq(r->n_under_min, 1);
    const solver_fill_undermin *u = &r->under_min[0];
    cr_assert_str_eq(u->group, "dbt-2");
    cr_assert_eq(u->size, 2);
    cr_assert_eq(u->size_after_fill, 3); /* w8 would take the seat */
    cr_assert_eq(u->merge_into.n, 1);
    cr_assert_str_eq(u->merge_into.items[0], "dbt-1"); /* b1, b2 have Monday windows */
    int last;
    model_date_parse("2025-01-15", &last);
    cr_assert_eq(u->run_until, last);
    cr_assert(strstr(u->options.items[1], "merge into dbt-1") != NULL);
    cr_assert(strstr(u->options.items[2], "run under minimum until 2025-01-15") != NULL);
    solver_fill_result_destroy(r);
}

Test(fill, merge_respects_the_new_member_share)
{
    /* a1 and a2 leave dbt-1 (a3, a4 continuing, n1 new), then dbt-2 drops to
     * b1, b2.  Merged into dbt-1 they would be new there: 3 of 5 members new
     * > max_new_share 0.5, so dbt-1 is no merge option (with a1, a2 still in
     * it, 3 of 7 would be, and it is: below_minimum_lists_merge_and_run_until). */
    solver_fill_result *r =
        run("[{\"event\":\"dropped\",\"patient\":\"a1\"},"
            "{\"event\":\"dropped\",\"patient\":\"a2\"},"
            "{\"event\":\"graduated\",\"group\":\"dbt-2\",\"patient\":\"b3\","
            "\"date\":\"2025-01-06\"}]",
            false, 5);
    const solver_fill_undermin *u = NULL;
    for (int i = 0; i < r->n_under_min; i++)
        if (strcmp(r->under_min[i].group, "dbt-2") == 0)
            u = &r->under_min[i];
    cr_assert_not_null(u);
    cr_assert_eq(u->size, 2);
    cr_assert_eq(u->merge_into.n, 0);
    bool said = false;
    for (int i = 0; i < u->options.n; i++)
        said = said || strstr(u->options.items[i], "composition limits that hold") != NULL;
    cr_assert(said, "the options say why no merge is offered");
    solver_fill_result_destroy(r);
}

Test(fill, referral_gets_a_seat_or_an_estimate)
{
    const char *ev =
        "[{\"event\":\"referral\",\"date\":\"2025-01-06\",\"patient\":{\"id\":\"r1\","
        "\"diagnoses\":[\"F41.1\"],\"group_types\":[\"cbt\"],\"available\":[{\"day\":\"tue\","
        "\"from\":\"09:00\",\"to\":\"12:00\"}],\"age\":44,\"screened\":true,"
        "\"insurance_verified\":true}},"
        "{\"event\":\"referral\",\"patient\":{\"id\":\"r3\",\"diagnoses\":[\"F60.3\"],"
        "\"available\":[{\"day\":\"mon\",\"from\":\"18:00\",\"to\":\"20:00\"}],\"age\":29,"
        "\"screened\":true,\"insurance_verified\":true}}]";
    solver_fill_result *r = run(ev, true, 5);
    cr_assert_eq(r->n_referrals, 2);
    /* r1: cbt-1 is full; 4 active members at 8%/month = 0.32 seats/month;
     * w9 ranks ahead: (1 + 1) / 0.32 months * 30.44 days. */
    const solver_fill_referral *a = &r->referrals[0];
    cr_assert_eq(a->n_groups, 0);
    cr_assert_null(a->placed);
    cr_assert_float_eq(a->expected_wait_days, 2.0 / 0.32 * 30.44, 1e-6);
    cr_assert_geq(a->estimate.n, 3);
    /* r3: dbt-1 has free seats and fits (diagnosis F60.3, Monday 18:00). */
    const solver_fill_referral *b = &r->referrals[1];
    cr_assert_geq(b->n_groups, 1);
    cr_assert_str_eq(b->groups[0].group, "dbt-1");
    cr_assert_str_eq(b->placed, "dbt-1");
    cr_assert_eq(r->placed, 1);
    cr_assert(has(&sgroup(r->solution, "dbt-1")->new_members, "r3"));
    cr_assert_eq(r->instance->n_patients, g_inst->n_patients + 2);
    assert_check_clean(r);
    solver_fill_result_destroy(r);
}

Test(fill, referral_not_ready_is_not_placed)
{
    solver_fill_result *r =
        run("{\"event\":\"referral\",\"patient\":{\"id\":\"r2\",\"diagnoses\":[\"F60.3\"],"
            "\"available\":[{\"day\":\"mon\",\"from\":\"18:00\",\"to\":\"20:00\"}],\"age\":29,"
            "\"screened\":true,\"insurance_verified\":false}}",
            true, 5);
    cr_assert_eq(r->referrals[0].n_groups, 1);
    cr_assert_null(r->referrals[0].placed);
    cr_assert_eq(r->referrals[0].notes.n, 1);
    cr_assert_eq(r->placed, 0);
    solver_fill_result_destroy(r);
}

Test(fill, holds_and_returns_change_status_only)
{
    solver_fill_result *r = run("[{\"event\":\"hold_admin\",\"patient\":\"a1\"},"
                                "{\"event\":\"returned\",\"patient\":\"a4\"}]",
                                true, 5);
    cr_assert_eq(r->n_seats, 0);
    int g = model_find_group(r->instance, "dbt-1");
    for (int m = 0; m < r->instance->groups[g].n_members; m++) {
        const model_member *mb = &r->instance->groups[g].members[m];
        if (strcmp(mb->patient, "a1") == 0)
            cr_assert_eq(mb->status, MODEL_HOLD_ADMIN);
        if (strcmp(mb->patient, "a4") == 0)
            cr_assert_eq(mb->status, MODEL_ACTIVE);
    }
    assert_only_roster_changed(g_sol, r->solution, "dbt-1", NULL, NULL);
    assert_check_clean(r);
    solver_fill_result_destroy(r);
}

static model_diag bad_events(const char *events)
{
    model_diag d;
    model_diag_init(&d);
    solver_fill_event *ev = NULL;
    int n = 0;
    int rc = io_fill_events_parse(events, strlen(events), g_inst, &ev, &n, &d);
    if (rc == IO_OK) {
        solver_fill_result *r = NULL;
        rc = solver_fill_run(g_inst, g_sol, ev, n, NULL, &r, &d);
        cr_assert_eq(rc, SOLVER_EINVAL, "expected invalid events: %s", events);
        cr_assert_null(r);
        io_fill_events_free(ev, n);
    } else {
        cr_assert_eq(rc, IO_EINVAL);
    }
    return d;
}

static bool has_path(const model_diag *d, const char *path)
{
    for (int i = 0; i < d->n_errors; i++)
        if (strcmp(d->errors[i].path, path) == 0)
            return true;
    return false;
}

Test(fill, event_errors_have_paths)
{
    model_diag d = bad_events("[{\"event\":\"dropped\",\"patient\":\"a1\"},"
                              "{\"event\":\"left\",\"patient\":\"a2\",\"colour\":1},"
                              "{\"event\":\"dropped\",\"date\":\"2025-13-01\"},"
                              "{\"event\":\"referral\",\"patient\":{\"id\":\"x\"}}]");
    cr_assert(has_path(&d, "events[1].event"));
    cr_assert(has_path(&d, "events[1].colour"));
    cr_assert(has_path(&d, "events[2].date"));
    cr_assert(has_path(&d, "events[2].patient"));
    cr_assert(has_path(&d, "events[3].patient.available"));
    model_diag_free(&d);
    d = bad_events("[{\"event\":\"dropped\",\"group\":\"dbt-9\",\"patient\":\"a1\"},"
                   "{\"event\":\"dropped\",\"group\":\"dbt-2\",\"patient\":\"a2\"},"
                   "{\"event\":\"dropped\",\"patient\":\"w1\"},"
                   "{\"event\":\"returned\",\"patient\":\"a1\"},"
                   "{\"event\":\"referral\",\"patient\":{\"id\":\"w1\",\"diagnoses\":[],"
                   "\"available\":[],\"screened\":true,\"insurance_verified\":true}}]");
    cr_assert(has_path(&d, "events[0].group"));      /* unknown group */
    cr_assert(has_path(&d, "events[1].group"));      /* not a member there */
    cr_assert(has_path(&d, "events[2].patient"));    /* in no group */
    cr_assert(has_path(&d, "events[3].patient"));    /* not on hold */
    cr_assert(has_path(&d, "events[4].patient"));    /* id exists already */
    model_diag_free(&d);
}

/* The command line: --apply writes a solution that differs only in the
 * roster, --instance-out the instance it checks against. */
Test(fill, cli_apply_and_check)
{
    char dir[] = "/tmp/cohort-fill-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "echo '{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"a3\"}' > %s/ev.json && "
             "'%s' fill %sinstance.json %ssolution.json %s/ev.json --apply -o %s/sol.json "
             "--instance-out %s/inst.json --json --report %s/rep.json",
             dir, COHORT_BINARY, FIX, FIX, dir, dir, dir, dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    snprintf(cmd, sizeof cmd, "'%s' check %s/inst.json %s/sol.json >/dev/null", COHORT_BINARY,
             dir, dir);
    cr_assert_eq(system(cmd), 0, "check of the applied solution failed");
    char path[512];
    snprintf(path, sizeof path, "%s/sol.json", dir);
    model_diag d;
    model_diag_init(&d);
    model_solution *s2 = NULL;
    cr_assert_eq(io_solution_read_file(path, &s2, &d), IO_OK);
    assert_only_roster_changed(g_sol, s2, "dbt-1", "a3", "w2");
    model_solution_destroy(s2);
    snprintf(path, sizeof path, "%s/rep.json", dir);
    json_t *rep = json_load_file(path, 0, NULL);
    cr_assert_not_null(rep);
    json_t *seat = json_array_get(json_object_get(rep, "seats"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(seat, "placed")), "w2");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(rep, "check_after"), "violations")), 0);
    json_t *c0 = json_array_get(json_object_get(seat, "candidates"), 0);
    cr_assert_not_null(json_object_get(c0, "composition_after"));
    json_decref(rep);
    /* Invalid events: exit 2. */
    snprintf(cmd, sizeof cmd,
             "echo '{\"event\":\"dropped\",\"patient\":\"nobody\"}' > %s/bad.json && "
             "'%s' fill %sinstance.json %ssolution.json %s/bad.json 2>/dev/null",
             dir, COHORT_BINARY, FIX, FIX, dir);
    int st = system(cmd);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    model_diag_free(&d);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* The report's tree (what the HTTP API answers) holds exactly the values
 * its text (what `cohort fill --json` writes) reads back as. */
Test(fill, report_tree_equals_its_text)
{
    solver_fill_result *r =
        run("{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"a3\"}", true, 3);
    solver_fill_options o;
    solver_fill_options_default(&o);
    o.apply = true;
    char *text = NULL;
    cr_assert_eq(io_fill_report_json(g_sol, r, &o, NULL, &text), IO_OK);
    json_t *want = json_loads(text, 0, NULL), *got = io_fill_report_tree(g_sol, r, &o, NULL);
    cr_assert_not_null(want);
    cr_assert_not_null(got);
    cr_assert(json_equal(want, got), "tree and text differ");
    char *again = NULL;
    cr_assert_eq(io_fill_report_text(got, &again), IO_OK);
    cr_assert_str_eq(again, text, "the tree writes the same text");
    free(again);
    free(text);
    json_decref(want);
    json_decref(got);
    solver_fill_result_destroy(r);
}
