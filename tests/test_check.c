/* test_check.c - the independent checker (model_check), the metrics and
 * objective terms (model_metrics_compute, model_objective_terms_compute)
 * and `cohort check`.
 *
 * Fixture: datasets/fixtures/check/instance.json (3 types, 4 groups, 3
 * rooms, 4 facilitators, 12 patients, 4 weeks, one closed date, one time
 * off covered by the substitute) and solution_valid.json, a hand-made
 * schedule that keeps every rule.  Each test below breaks exactly one rule
 * of a copy of it and expects the checker to name that rule and no other.
 *
 * Suite elig compares the checker's own rule-7 fit with the shared
 * predicate (model/eligibility.c) on generated programs and edge cases;
 * suite mutation breaks one rule at a time in valid plans (the fixture, the
 * sample program as planned, tier S witnesses) and expects exactly that
 * rule to be named. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "model.h"
#include "solver.h"
#include "bench.h"

#define FIX COHORT_SOURCE_DIR "/datasets/fixtures/check/"

static model_instance *inst;
static model_solution *sol;

static void load(void)
{
    model_diag d;
    model_diag_init(&d);
    int rc = io_instance_read_file(FIX "instance.json", &inst, &d);
    for (int i = 0; i < d.n_errors; i++)
        cr_log_error("instance: %s: %s", d.errors[i].path, d.errors[i].message);
    cr_assert_eq(rc, IO_OK, "instance fixture must parse");
    rc = io_solution_read_file(FIX "solution_valid.json", &sol, &d);
    for (int i = 0; i < d.n_errors; i++)
        cr_log_error("solution: %s: %s", d.errors[i].path, d.errors[i].message);
    cr_assert_eq(rc, IO_OK, "solution fixture must parse");
    model_diag_free(&d);
}

static void unload(void)
{
    model_solution_destroy(sol);
    model_instance_destroy(inst);
    sol = NULL;
    inst = NULL;
}

TestSuite(check, .init = load, .fini = unload);

/* ------------------------------------------------------------ helpers */

static model_sol_group *grp(const char *id)
{
    for (int i = 0; i < sol->n_groups; i++)
        if (strcmp(sol->groups[i].id, id) == 0)
            return &sol->groups[i];
    cr_assert_fail("no group %s in the fixture solution", id);
    return NULL;
}

static int date_of(const char *s)
{
    int d = -1;
    cr_assert_eq(model_date_parse(s, &d), MODEL_OK);
    return d;
}

static model_sol_session *sess(const char *group, const char *date)
{
    int d = date_of(date);
    for (int i = 0; i < sol->n_sessions; i++)
        if (strcmp(sol->sessions[i].group, group) == 0 && sol->sessions[i].date == d)
            return &sol->sessions[i];
    cr_assert_fail("no session %s@%s in the fixture solution", group, date);
    return NULL;
}

static void set_str(char **field, const char *v)
{
    free(*field);
    *field = model_strdup(v);
}

static void set_list(model_strlist *l, int n, const char *const *items)
{
    model_strlist_free(l);
    for (int i = 0; i < n; i++)
        cr_assert_eq(model_strlist_push(l, items[i]), MODEL_OK);
}

static void list_remove(model_strlist *l, const char *item)
{
    int k = model_strlist_find(l, item);
    cr_assert_geq(k, 0, "%s not in list", item);
    free(l->items[k]);
    memmove(&l->items[k], &l->items[k + 1], (size_t)(l->n - k - 1) * sizeof *l->items);
    l->n--;
}

/* Every session of group: start/end/room/facilitators as the group's. */
static void sync_sessions(const char *group)
{
    model_sol_group *g = grp(group);
    for (int i = 0; i < sol->n_sessions; i++) {
        model_sol_session *s = &sol->sessions[i];
        if (strcmp(s->group, group) != 0)
            continue;
        s->start = g->start;
        s->end = g->end;
        set_str(&s->room, g->room);
        if (!s->covered_by) {
            model_strlist_free(&s->facilitators);
            cr_assert_eq(model_strlist_copy(&s->facilitators, &g->facilitators), MODEL_OK);
        }
    }
}

static void remove_session(const char *group, const char *date)
{
    model_sol_session *s = sess(group, date);
    int k = (int)(s - sol->sessions);
    free(s->group);
    free(s->room);
    model_strlist_free(&s->facilitators);
    free(s->covered_by);
    memmove(&sol->sessions[k], &sol->sessions[k + 1],
            (size_t)(sol->n_sessions - k - 1) * sizeof *sol->sessions);
    sol->n_sessions--;
}

/* Append a copy of session (group, from) dated `date`. */
static void copy_session(const char *group, const char *from, const char *date)
{
    model_sol_session src = *sess(group, from);
    model_sol_session *na = realloc(sol->sessions, (size_t)(sol->n_sessions + 1) * sizeof *na);
    cr_assert_not_null(na);
    sol->sessions = na;
    model_sol_session *s = &sol->sessions[sol->n_sessions++];
    memset(s, 0, sizeof *s);
    s->group = model_strdup(src.group);
    s->date = date_of(date);
    s->start = src.start;
    s->end = src.end;
    s->room = model_strdup(src.room);
    cr_assert_eq(model_strlist_copy(&s->facilitators, &src.facilitators), MODEL_OK);
    s->covered_by = model_strdup(src.covered_by);
    s->uncovered = src.uncovered;
}

static int tmin(const char *hhmm)
{
    int m = -1;
    cr_assert_eq(model_time_parse(hhmm, 0, &m), MODEL_OK);
    return m;
}

static void print_report(const model_check_report *r)
{
    for (int i = 0; i < r->n_violations; i++)
        cr_log_info("rule %d [%s]: %s", r->violations[i].rule, r->violations[i].entity,
                    r->violations[i].message);
    for (int i = 0; i < r->n_mismatches; i++)
        cr_log_info("mismatch: %s", r->mismatches[i].message);
}

/* Run the checker; assert that rule `rule` is reported (0 = nothing at all)
 * and no other rule.  Returns the number of violations. */
static int expect_only(int rule)
{
    model_check_report r;
    cr_assert_eq(model_check(inst, sol, &r), MODEL_OK);
    print_report(&r);
    int hits = 0;
    for (int i = 0; i < r.n_violations; i++) {
        cr_expect_eq(r.violations[i].rule, rule, "unexpected rule %d: %s", r.violations[i].rule,
                     r.violations[i].message);
        cr_expect_not_null(r.violations[i].entity);
        cr_expect(strchr(r.violations[i].entity, ':') != NULL, "entity names its kind: %s",
                  r.violations[i].entity);
        hits += r.violations[i].rule == rule;
    }
    if (rule)
        cr_expect_gt(hits, 0, "rule %d was not reported", rule);
    else
        cr_expect_eq(r.n_violations, 0);
    int n = r.n_violations;
    model_check_report_free(&r);
    return n;
}

/* True when some violation of `rule` mentions every word given. */
static bool reported(int rule, const char *w1, const char *w2)
{
    model_check_report r;
    cr_assert_eq(model_check(inst, sol, &r), MODEL_OK);
    bool found = false;
    for (int i = 0; i < r.n_violations && !found; i++)
        found = r.violations[i].rule == rule && strstr(r.violations[i].message, w1) &&
                (!w2 || strstr(r.violations[i].message, w2));
    model_check_report_free(&r);
    return found;
}

/* A schedule for in from the planner, any valid one (stops at the first:
 * these tests need a plan, not speed); fails the test without one. */
static model_solution *plan_first(const model_instance *in)
{
    solver_options o;
    solver_options_default(&o);
    o.time_limit_s = 30;
    o.mip_gap = 0.5;
    model_solution *s = NULL;
    cr_assert_eq(solver_plan(in, &o, &s), SOLVER_OK);
    cr_assert(s->status == MODEL_STATUS_OPTIMAL || s->status == MODEL_STATUS_FEASIBLE,
              "status %s", model_solution_status_name(s->status));
    return s;
}

/* Expect the checker to find no violation in s. */
static void expect_clean(const model_instance *in, const model_solution *s, const char *what)
{
    model_check_report r;
    cr_assert_eq(model_check(in, s, &r), MODEL_OK);
    print_report(&r);
    cr_expect_eq(r.n_violations, 0, "%s: %d violation(s)", what, r.n_violations);
    model_check_report_free(&r);
}

/* -------------------------------------------------------- valid case */

Test(check, valid_solution_passes)
{
    model_check_report r;
    cr_assert_eq(model_check(inst, sol, &r), MODEL_OK);
    print_report(&r);
    cr_expect_eq(r.n_violations, 0);
    cr_expect_eq(r.n_mismatches, 0);
    cr_expect(r.metrics_reported);
    cr_expect(r.terms_reported);
    model_check_report_free(&r);
}

Test(check, metrics_match_hand_computation)
{
    model_metrics m;
    cr_assert_eq(model_metrics_compute(inst, sol, &m), MODEL_OK);
    cr_expect_eq(m.placed, 5);
    cr_expect_eq(m.waitlist_before, 8); /* p05..p12 */
    cr_expect_eq(m.waitlist_after, 3);
    cr_expect_eq(m.seats, 6 + 5 + 4);
    cr_expect_eq(m.seats_filled, 4 + 2 + 2);
    cr_expect_eq(m.groups_running, 3);
    /* dbt-1: 3 sessions (01-14 closed) x 4; cbt-1: 2 x 2; tele-1: 4 x 2. */
    cr_expect_eq(m.member_sessions, 12 + 4 + 8);
    cr_expect_float_eq(m.projected_revenue, 12 * 50.0 + 4 * 40.0 + 8 * 35.0, 1e-9);
    /* p09 was added 26 days after the horizon start: counts -26 here (the
     * objective's wait term clamps it at 0). */
    cr_expect_float_eq(m.mean_wait_days_placed, (61 + 31 + 91 + 5 - 26) / 5.0, 1e-9);
    cr_expect_eq(m.uncovered_sessions, 0);
    cr_assert_eq(m.n_load, 4);
    const double load[4] = {1.0, 1.0, 1.0, 0.5}; /* ana, ben, cat, dan (biweekly) */
    for (int f = 0; f < 4; f++)
        cr_expect_float_eq(m.load[f], load[f], 1e-12, "%s", m.load_ids[f]);
    cr_assert_eq(m.n_per_type, 3);
    cr_expect_str_eq(m.per_type[0].type, "dbt");
    cr_expect_eq(m.per_type[0].placed, 2);
    cr_expect_eq(m.per_type[1].member_sessions, 4);
    cr_expect_float_eq(m.per_type[2].projected_revenue, 280.0, 1e-9);
    model_metrics_free(&m);

    model_objective_terms t;
    cr_assert_eq(model_objective_terms_compute(inst, sol, NULL, &t), MODEL_OK);
    cr_expect_float_eq(t.placement, 500.0, 1e-9);
    cr_expect_float_eq(t.wait, 2.0 * 188 / 7.0, 1e-9);
    cr_expect_float_eq(t.priority, 10.0 * (2 + 0 + 1 + 3 + 0), 1e-9);
    cr_expect_float_eq(t.empty_seats, -5.0 * (2 + 3 + 2), 1e-9);
    cr_expect_float_eq(t.load_balance, -0.5, 1e-9);
    cr_expect_float_eq(t.changes, 0.0, 1e-12);
    cr_expect_float_eq(model_objective_total(&t), 578.2142857142857, 1e-9);
}

Test(check, changes_against_a_baseline)
{
    model_solution *base = NULL;
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_solution_read_file(FIX "solution_valid.json", &base, &d), IO_OK);
    model_diag_free(&d);
    cr_expect_eq(model_count_changes(inst, sol, base), 0);
    /* Move cbt-1 to room-a and drop continuing member p04: 2 changes. */
    set_str(&grp("cbt-1")->room, "room-a");
    list_remove(&grp("cbt-1")->members, "p04");
    cr_expect_eq(model_count_changes(inst, sol, base), 2);
    model_objective_terms t;
    cr_assert_eq(model_objective_terms_compute(inst, sol, base, &t), MODEL_OK);
    cr_expect_float_eq(t.changes, -20.0 * 2, 1e-9);
    model_solution_destroy(base);
}

/* ------------------------------------------------------ one per rule */

Test(check, rule1_must_run_group_not_running)
{
    grp("cbt-1")->running = false;
    expect_only(1);
    cr_expect(reported(1, "cbt-1", "must run"));
}

Test(check, rule1_group_missing_from_solution)
{
    set_str(&grp("cbt-1")->id, "cbt-9");
    expect_only(1);
    cr_expect(reported(1, "cbt-1", "missing from the solution"));
    cr_expect(reported(1, "cbt-9", "does not offer"));
}

Test(check, rule2_start_not_a_slot)
{
    model_sol_group *g = grp("cbt-1");
    g->start = tmin("13:30");
    g->end = tmin("14:30");
    sync_sessions("cbt-1");
    expect_only(2);
    cr_expect(reported(2, "13:30", "slot_starts"));
}

Test(check, rule2_room_double_booked)
{
    model_sol_group *g = grp("cbt-1");
    g->start = tmin("10:00");
    g->end = tmin("11:00");
    set_str(&g->room, "room-a");
    set_str(&g->substitute, "f-cat"); /* f-ana leads dbt-1 then: keep rule 5 intact */
    sync_sessions("cbt-1");
    expect_only(2);
    cr_expect(reported(2, "room-a", "dbt-1"));
}

Test(check, rule2_end_inconsistent_with_duration)
{
    grp("tele-1")->end = tmin("18:30");
    expect_only(2);
}

Test(check, rule3_cofacilitator_without_credential)
{
    const char *facs[] = {"f-ana", "f-dan"};
    set_list(&grp("dbt-1")->facilitators, 2, facs);
    const char *s1[] = {"f-ana", "f-dan"}, *s2[] = {"f-cat", "f-dan"};
    set_list(&sess("dbt-1", "2025-01-07")->facilitators, 2, s1);
    set_list(&sess("dbt-1", "2025-01-21")->facilitators, 2, s2);
    set_list(&sess("dbt-1", "2025-01-28")->facilitators, 2, s1);
    expect_only(3);
    cr_expect(reported(3, "f-dan", "LCSW"));
}

Test(check, rule4_overlap_within_min_break)
{
    /* f-ben co-leads dbt-1 tue 10:00-11:30 and now leads cbt-1 at 11:30:
     * no gap of min_break_min = 15. */
    model_sol_group *g = grp("cbt-1");
    g->start = tmin("11:30");
    g->end = tmin("12:30");
    const char *facs[] = {"f-ben"};
    set_list(&g->facilitators, 1, facs);
    set_str(&g->substitute, "f-cat");
    sync_sessions("cbt-1");
    expect_only(4);
    cr_expect(reported(4, "f-ben", "min_break_min"));
}

Test(check, rule4_cap_per_day)
{
    inst->facilitators[model_find_facilitator(inst, "f-ben")].max_per_day = 0;
    cr_expect_eq(expect_only(4), 1, "one violation: the template; the dated one is not repeated");
    cr_expect(reported(4, "f-ben", "max_per_day"));
}

Test(check, rule5_substitute_not_credentialed)
{
    set_str(&grp("dbt-1")->substitute, "f-dan");
    expect_only(5);
    cr_expect(reported(5, "f-dan", "DBT"));
}

Test(check, rule5_substitute_busy)
{
    /* f-ben leads dbt-1 on tue 10:00; make him the substitute of cbt-1 at 10:00. */
    model_sol_group *g = grp("cbt-1");
    g->start = tmin("10:00");
    g->end = tmin("11:00");
    set_str(&g->substitute, "f-ben");
    sync_sessions("cbt-1");
    expect_only(5);
    cr_expect(reported(5, "f-ben", "overlapping"));
}

Test(check, rule6_time_off_not_covered)
{
    model_sol_session *s = sess("dbt-1", "2025-01-21");
    const char *facs[] = {"f-ana", "f-ben"};
    set_list(&s->facilitators, 2, facs);
    set_str(&s->covered_by, NULL);
    expect_only(6);
    cr_expect(reported(6, "f-ana", "time off"));
}

Test(check, rule6_coverer_not_credentialed)
{
    model_sol_session *s = sess("dbt-1", "2025-01-21");
    const char *facs[] = {"f-dan", "f-ben"};
    set_list(&s->facilitators, 2, facs);
    set_str(&s->covered_by, "f-dan");
    expect_only(6);
    cr_expect(reported(6, "f-dan", "DBT"));
}

static void add_time_off(const char *fac, const char *from, const char *to)
{
    model_facilitator *f = &inst->facilitators[model_find_facilitator(inst, fac)];
    model_date_range *na = realloc(f->time_off, (size_t)(f->n_time_off + 1) * sizeof *na);
    cr_assert_not_null(na);
    f->time_off = na;
    f->time_off[f->n_time_off].from = date_of(from);
    f->time_off[f->n_time_off].to = date_of(to);
    f->n_time_off++;
}

Test(check, rule6_cofacilitator_cover_needs_cofacilitator_credentials)
{
    /* f-ben (co-facilitator, LCSW) is off on 2025-01-28: f-cat (LCSW) may
     * stand in for him; f-dan (no LCSW) may not. */
    add_time_off("f-ben", "2025-01-28", "2025-01-28");
    model_sol_session *s = sess("dbt-1", "2025-01-28");
    const char *ok[] = {"f-ana", "f-cat"};
    set_list(&s->facilitators, 2, ok);
    set_str(&s->covered_by, "f-cat");
    expect_only(0);
    const char *bad[] = {"f-ana", "f-dan"};
    set_list(&s->facilitators, 2, bad);
    set_str(&s->covered_by, "f-dan");
    expect_only(6);
    cr_expect(reported(6, "f-dan", "LCSW"));
}

Test(check, rule6_biweekly_sessions_in_wrong_weeks)
{
    /* cbt-1 meets in even horizon weeks (week_parity 0): 01-07 and 01-21. */
    sess("cbt-1", "2025-01-07")->date = date_of("2025-01-28");
    expect_only(6);
    cr_expect(reported(6, "cbt-1", "2025-01-28"));
    cr_expect(reported(6, "cbt-1", "2025-01-07"));
}

Test(check, rule6_cover_beyond_daily_cap)
{
    /* f-dan leads cbt-1 on 2025-01-21 and may lead 1 group a day: covering
     * dbt-1 that morning too breaks the cap (and he lacks DBT). */
    inst->facilitators[model_find_facilitator(inst, "f-dan")].max_per_day = 1;
    model_sol_session *s = sess("dbt-1", "2025-01-21");
    const char *facs[] = {"f-dan", "f-ben"};
    set_list(&s->facilitators, 2, facs);
    set_str(&s->covered_by, "f-dan");
    expect_only(6);
    cr_expect(reported(6, "f-dan", "max_per_day"));
}

Test(check, rule6_cover_overlapping_own_group)
{
    /* cbt-1 (f-dan) moves to 11:30; f-dan covering dbt-1 (10:00-11:30) on
     * 2025-01-21 leaves no min_break_min before his own group. */
    model_sol_group *g = grp("cbt-1");
    g->start = tmin("11:30");
    g->end = tmin("12:30");
    set_str(&g->substitute, "f-cat");
    sync_sessions("cbt-1");
    model_sol_session *s = sess("dbt-1", "2025-01-21");
    const char *facs[] = {"f-dan", "f-ben"};
    set_list(&s->facilitators, 2, facs);
    set_str(&s->covered_by, "f-dan");
    expect_only(6);
    cr_expect(reported(6, "f-dan", "while leading cbt-1"));
}

Test(check, rule6_session_missing)
{
    remove_session("tele-1", "2025-01-13");
    expect_only(6);
    cr_expect(reported(6, "tele-1", "2025-01-13"));
}

Test(check, rule6_max_consecutive_cover)
{
    inst->settings.max_consecutive_cover = 0;
    expect_only(6);
    cr_expect(reported(6, "f-cat", "consecutive"));
}

/* dbt-1 on 2025-01-21 (f-ana off) led by f-ben alone, marked uncovered. */
static model_sol_session *uncover_dbt1_0121(void)
{
    model_sol_session *s = sess("dbt-1", "2025-01-21");
    const char *facs[] = {"f-ben"};
    set_list(&s->facilitators, 1, facs);
    set_str(&s->covered_by, NULL);
    s->uncovered = true;
    return s;
}

Test(check, rule6_uncovered_session_is_allowed_but_counted)
{
    /* f-ana is off on 2025-01-21; f-cat (the only other DBT holder) too, so
     * nobody can cover dbt-1 that day. */
    add_time_off("f-cat", "2025-01-21", "2025-01-21");
    uncover_dbt1_0121();
    expect_only(0);
    model_check_report r;
    cr_assert_eq(model_check(inst, sol, &r), MODEL_OK);
    cr_expect_eq(r.metrics.uncovered_sessions, 1);
    cr_expect_eq(r.metrics.member_sessions, 24 - 4);
    cr_expect_gt(r.n_mismatches, 0, "the reported metrics no longer match");
    model_check_report_free(&r);
}

Test(check, rule6_uncovered_though_the_substitute_is_free)
{
    /* SPEC rule 6 allows uncovered only when no one can cover: f-cat, the
     * substitute, is credentialed, available and free on 2025-01-21. */
    uncover_dbt1_0121();
    expect_only(6);
    cr_expect(reported(6, "uncovered", "f-cat"));
}

Test(check, rule6_uncovered_though_another_facilitator_is_free)
{
    /* tele-1 on 2025-01-20: f-cat (its facilitator) and f-dan (its
     * substitute) are off, f-ana (CBT) is off that week and f-ben (CBT) is
     * not available on mondays: nobody can cover, uncovered is right.
     * Give f-ben monday evenings and he could: rule 6. */
    add_time_off("f-cat", "2025-01-20", "2025-01-20");
    add_time_off("f-dan", "2025-01-20", "2025-01-20");
    model_sol_session *s = sess("tele-1", "2025-01-20");
    model_strlist_free(&s->facilitators);
    s->uncovered = true;
    expect_only(0);
    model_facilitator *ben = &inst->facilitators[model_find_facilitator(inst, "f-ben")];
    model_window *na = realloc(ben->available, (size_t)(ben->n_available + 1) * sizeof *na);
    cr_assert_not_null(na);
    ben->available = na;
    ben->available[ben->n_available++] = (model_window){0, tmin("09:00"), tmin("20:00")};
    expect_only(6);
    cr_expect(reported(6, "uncovered", "f-ben"));
}

Test(check, rule5_substitute_needs_no_min_break)
{
    /* Rule 5 asks that the substitute not lead another group at an
     * overlapping time; min_break_min (rule 4) is not part of it.  f-ana
     * leads dbt-1 until 11:30 and substitutes for cbt-1 at 13:00. */
    inst->settings.min_break_min = 120;
    expect_only(0);
}

Test(check, rule10_closed_date_session_is_still_checked)
{
    /* A session on a closed date is reported (rule 10) and its other
     * faults still are: f-dan is not one of dbt-1's facilitators. */
    copy_session("dbt-1", "2025-01-07", "2025-01-14");
    const char *facs[] = {"f-ana", "f-dan"};
    set_list(&sess("dbt-1", "2025-01-14")->facilitators, 2, facs);
    model_check_report r;
    cr_assert_eq(model_check(inst, sol, &r), MODEL_OK);
    print_report(&r);
    bool r10 = false, r6 = false;
    for (int i = 0; i < r.n_violations; i++) {
        r10 |= r.violations[i].rule == 10;
        r6 |= r.violations[i].rule == 6 && strstr(r.violations[i].message, "f-dan") &&
              strstr(r.violations[i].message, "2025-01-14");
    }
    cr_expect(r10, "the closed date is reported");
    cr_expect(r6, "the stand-in nobody needed on 2025-01-14 is reported too");
    model_check_report_free(&r);
}

/* cbt-1 led by f-ana (also primary of dbt-1 tue 10:00-11:30), f-dan its
 * substitute covering 2025-01-21 when f-ana is off: a valid plan. */
static void cbt1_led_by_ana(void)
{
    model_sol_group *g = grp("cbt-1");
    const char *facs[] = {"f-ana"}, *cov[] = {"f-dan"};
    set_list(&g->facilitators, 1, facs);
    set_str(&g->substitute, "f-dan");
    sync_sessions("cbt-1");
    model_sol_session *s = sess("cbt-1", "2025-01-21");
    set_list(&s->facilitators, 1, cov);
    set_str(&s->covered_by, "f-dan");
    expect_only(0);
}

Test(check, rule4_clash_at_a_sessions_own_time)
{
    /* cbt-1's session of 2025-01-07 moved to 11:00-12:00: it differs from
     * the group (rule 2) and f-ana then leads it while leading dbt-1 until
     * 11:30 (rule 4), which only the session's own time shows. */
    cbt1_led_by_ana();
    model_sol_session *s = sess("cbt-1", "2025-01-07");
    s->start = tmin("11:00");
    s->end = tmin("12:00");
    cr_expect(reported(2, "cbt-1", "differ"));
    cr_expect(reported(4, "f-ana", "2025-01-07"));
}

Test(check, rule2_room_clash_at_a_sessions_own_time)
{
    /* cbt-1's session of 2025-01-07 moved into room-a at 10:00, where
     * dbt-1 meets. */
    model_sol_session *s = sess("cbt-1", "2025-01-07");
    s->start = tmin("10:00");
    s->end = tmin("11:00");
    set_str(&s->room, "room-a");
    expect_only(2);
    cr_expect(reported(2, "room-a", "2025-01-07"));
}

Test(check, rule6_cover_at_a_sessions_own_time)
{
    /* f-cat covers dbt-1 on 2025-01-21; that session moved to 19:00-20:30
     * ends after her hours (tue 08:00-20:00): the coverer's availability
     * is judged at the session's own time. */
    model_sol_session *s = sess("dbt-1", "2025-01-21");
    s->start = tmin("19:00");
    s->end = tmin("20:30");
    cr_expect(reported(2, "dbt-1", "differ"));
    cr_expect(reported(6, "f-cat", "19:00"));
}

/* A solution read from JSON text (freed here); the test fails if it does
 * not parse. */
static model_solution *parse_sol(char *text)
{
    cr_assert_not_null(text);
    model_solution *out = NULL;
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_solution_parse(text, strlen(text), &out, &d), IO_OK);
    model_diag_free(&d);
    free(text);
    return out;
}

/* The fixture solution as JSON with cbt-1 (biweekly) given without
 * week_parity and its sessions moved to the dates listed (NULL-ended),
 * read back as another tool's plan would be. */
static model_solution *cbt1_without_parity(const char *const *dates)
{
    json_error_t err;
    json_t *root = json_load_file(FIX "solution_valid.json", 0, &err);
    cr_assert_not_null(root, "%s", err.text);
    json_t *groups = json_object_get(root, "groups"), *sessions = json_object_get(root, "sessions");
    size_t k;
    json_t *e, *tmpl = NULL;
    json_array_foreach(groups, k, e)
        if (strcmp(json_string_value(json_object_get(e, "id")), "cbt-1") == 0)
            json_object_del(e, "week_parity");
    for (k = json_array_size(sessions); k-- > 0;) {
        e = json_array_get(sessions, k);
        if (strcmp(json_string_value(json_object_get(e, "group")), "cbt-1") == 0) {
            if (!tmpl)
                tmpl = json_deep_copy(e);
            json_array_remove(sessions, k);
        }
    }
    cr_assert_not_null(tmpl);
    for (int d = 0; dates[d]; d++) {
        json_t *x = json_deep_copy(tmpl);
        json_object_set_new(x, "date", json_string(dates[d]));
        json_array_append_new(sessions, x);
    }
    json_decref(tmpl);
    model_solution *out = parse_sol(json_dumps(root, 0));
    json_decref(root);
    for (int g = 0; g < out->n_groups; g++)
        cr_expect_eq(out->groups[g].week_parity_absent, strcmp(out->groups[g].id, "cbt-1") == 0);
    return out;
}

Test(check, biweekly_without_week_parity_takes_the_sessions_weeks)
{
    /* Odd horizon weeks: 2025-01-14 is closed, so 2025-01-28 only. */
    static const char *const odd[] = {"2025-01-28", NULL};
    static const char *const even[] = {"2025-01-07", "2025-01-21", NULL};
    static const char *const mixed[] = {"2025-01-07", "2025-01-21", "2025-01-28", NULL};
    const char *const *cases[] = {odd, even, mixed};
    for (int k = 0; k < 3; k++) {
        model_solution_destroy(sol);
        sol = cbt1_without_parity(cases[k]);
        int g = 0;
        while (strcmp(sol->groups[g].id, "cbt-1") != 0)
            g++;
        cr_expect_eq(model_sol_group_parity(inst, sol, g), k == 0, "the weeks its sessions show");
        if (k < 2) {
            expect_only(0);
        } else {
            expect_only(6); /* most are even weeks: 01-28 is off its dates */
            cr_expect(reported(6, "cbt-1", "2025-01-28"));
        }
    }
}

Test(check, changes_read_an_absent_week_parity_as_the_checker_does)
{
    /* A baseline from another tool gives cbt-1 (biweekly, even weeks in
     * the fixture) without week_parity.  Its sessions in odd weeks say odd:
     * one change against the fixture's even weeks (an absent parity once
     * read as 0, no change).  Without sessions the parity is unknown: no
     * change, whichever parity the plan has (once 1 against a plan in odd
     * weeks). */
    static const char *const odd[] = {"2025-01-28", NULL};
    static const char *const none[] = {NULL};
    model_solution *base = cbt1_without_parity(odd);
    cr_expect_eq(model_count_changes(inst, sol, base), 1);
    cr_assert_eq(model_solution_list_changes(inst, sol, base), MODEL_OK);
    cr_assert_eq(sol->n_changes, 1);
    cr_expect_str_eq(sol->changes[0].field, "week_parity");
    model_solution_destroy(base);
    base = cbt1_without_parity(none);
    cr_expect_eq(model_count_changes(inst, sol, base), 0);
    grp("cbt-1")->week_parity = 1;
    cr_expect_eq(model_count_changes(inst, sol, base), 0);
    model_solution_destroy(base);
}

Test(check, solution_cover_finds_the_substitute_then_stops)
{
    /* model_solution_cover on dbt-1@2025-01-21 left uncovered: f-cat (the
     * substitute) stands in for f-ana; with f-cat off too, nobody can. */
    model_sol_session *s = uncover_dbt1_0121();
    cr_assert_eq(model_solution_cover(inst, sol), MODEL_OK);
    s = sess("dbt-1", "2025-01-21");
    cr_expect(!s->uncovered);
    cr_expect_str_eq(s->covered_by, "f-cat");
    cr_expect_geq(model_strlist_find(&s->facilitators, "f-cat"), 0);
    expect_only(0);
    uncover_dbt1_0121();
    add_time_off("f-cat", "2025-01-21", "2025-01-21");
    cr_assert_eq(model_solution_cover(inst, sol), MODEL_OK);
    s = sess("dbt-1", "2025-01-21");
    cr_expect(s->uncovered);
    cr_expect_null(s->covered_by);
    cr_expect_eq(s->facilitators.n, 1);
    expect_only(0);
}

Test(check, rule7_gender_restriction)
{
    model_sol_group *g = grp("tele-1");
    cr_assert_eq(model_strlist_push(&g->members, "p12"), MODEL_OK);
    cr_assert_eq(model_strlist_push(&g->new_members, "p12"), MODEL_OK);
    expect_only(7);
    cr_expect(reported(7, "p12", "gender"));
}

Test(check, rule7_patient_in_two_groups)
{
    /* p07 (referred to cbt) also into cbt-2, opened on wed... simpler: the
     * same patient twice, in dbt-1 as well: type mismatch and double placement. */
    model_sol_group *g = grp("dbt-1");
    list_remove(&g->members, "p06");
    list_remove(&g->new_members, "p06");
    cr_assert_eq(model_strlist_push(&g->members, "p07"), MODEL_OK);
    cr_assert_eq(model_strlist_push(&g->new_members, "p07"), MODEL_OK);
    expect_only(7);
    cr_expect(reported(7, "p07", "both"));
    cr_expect(reported(7, "p07", "not referred to"));
}

Test(check, rule7_not_screened)
{
    model_sol_group *g = grp("cbt-1");
    cr_assert_eq(model_strlist_push(&g->members, "p10"), MODEL_OK);
    cr_assert_eq(model_strlist_push(&g->new_members, "p10"), MODEL_OK);
    expect_only(7);
    cr_expect(reported(7, "p10", "not screened"));
}

Test(check, rule8_below_min_size)
{
    model_sol_group *g = grp("tele-1");
    list_remove(&g->members, "p09");
    list_remove(&g->new_members, "p09");
    expect_only(8);
    cr_expect(reported(8, "tele-1", "min_size"));
}

Test(check, rule8_continuing_member_dropped_and_new_share)
{
    list_remove(&grp("dbt-1")->members, "p02");
    expect_only(8);
    cr_expect(reported(8, "p02", "missing"));
    cr_expect(reported(8, "max_new_share", NULL));
}

Test(check, rule8_high_acuity_exception)
{
    /* Continuing members alone exceed max_high_acuity (limit lowered to 0,
     * p01 is high): allowed while placements add no high-acuity member. */
    int t = model_find_type(inst, "dbt");
    inst->types[t].composition.max_high_acuity = 0;
    expect_only(0);
    /* A high-acuity placement makes it worse: violation. */
    inst->patients[model_find_patient(inst, "p05")].acuity = MODEL_ACUITY_HIGH;
    expect_only(8);
    cr_expect(reported(8, "high-acuity", "continuing"));
}

Test(check, rule8_age_spread)
{
    int t = model_find_type(inst, "dbt");
    inst->types[t].composition.max_age_spread = 10; /* 28..45 = 17 */
    expect_only(8);
    cr_expect(reported(8, "dbt-1", "max_age_spread"));
}

Test(check, rule9_pinned_room)
{
    set_str(&grp("dbt-1")->room, "room-c");
    sync_sessions("dbt-1");
    expect_only(9);
    cr_expect(reported(9, "room-a", "room-c"));
}

Test(check, rule10_session_on_closed_date)
{
    copy_session("dbt-1", "2025-01-07", "2025-01-14");
    expect_only(10);
    cr_expect(reported(10, "2025-01-14", "closed"));
}

Test(check, empty_solution_names_each_must_run_group)
{
    model_solution *empty = NULL;
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_solution_parse("{}", 2, &empty, &d), IO_OK);
    model_diag_free(&d);
    model_check_report r;
    cr_assert_eq(model_check(inst, empty, &r), MODEL_OK);
    print_report(&r);
    cr_expect_eq(r.n_violations, 2); /* dbt-1 and cbt-1; tele-1, cbt-2 are optional */
    for (int i = 0; i < r.n_violations; i++)
        cr_expect_eq(r.violations[i].rule, 1);
    cr_expect_eq(r.n_mismatches, 0, "no metrics reported: nothing to compare");
    cr_expect_not(r.metrics_reported);
    cr_expect_eq(r.metrics.waitlist_before, 8);
    model_check_report_free(&r);
    model_solution_destroy(empty);
}

static unsigned long rng_state;
static int rnd(int n)
{
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (int)((rng_state >> 33) % (unsigned long)n);
}

static const char *rnd_id(void)
{
    static const char *const ids[] = {"f-ana", "f-ben", "f-cat", "f-dan", "p01", "p05", "p07",
                                      "p12",   "room-a", "room-c", "dbt-1", "cbt-2", "zzz", ""};
    return ids[rnd((int)(sizeof ids / sizeof ids[0]))];
}

static void scramble_list(model_strlist *l)
{
    int op = rnd(3);
    if (op == 0 && l->n > 0)
        list_remove(l, l->items[rnd(l->n)]);
    else if (op == 1)
        cr_assert_eq(model_strlist_push(l, rnd_id()), MODEL_OK);
    else if (l->n > 0)
        set_str(&l->items[rnd(l->n)], rnd_id());
}

/* Robustness: random scrambles of the valid solution never crash the
 * checker, and every violation names a rule 1..10 and an entity. */
Test(check, random_mutations_are_reported_safely)
{
    rng_state = 42;
    for (int round = 0; round < 300; round++) {
        model_solution *m = NULL;
        model_diag d;
        model_diag_init(&d);
        cr_assert_eq(io_solution_read_file(FIX "solution_valid.json", &m, &d), IO_OK);
        model_diag_free(&d);
        model_solution *keep = sol;
        sol = m;
        for (int k = 0; k < 1 + rnd(4); k++) {
            model_sol_group *g = &sol->groups[rnd(sol->n_groups)];
            model_sol_session *ss = &sol->sessions[rnd(sol->n_sessions)];
            switch (rnd(12)) {
            case 0: g->day = rnd(9) - 1; break;
            case 1: g->start = rnd(1500) - 10; break;
            case 2: g->running = !g->running; break;
            case 3: set_str(&g->room, rnd(4) ? rnd_id() : NULL); break;
            case 4: scramble_list(&g->facilitators); break;
            case 5: set_str(&g->substitute, rnd(4) ? rnd_id() : NULL); break;
            case 6: scramble_list(&g->members); break;
            case 7: scramble_list(&g->new_members); break;
            case 8: ss->date += rnd(15) - 7; break;
            case 9: scramble_list(&ss->facilitators); break;
            case 10: set_str(&ss->covered_by, rnd(2) ? rnd_id() : NULL); break;
            default: g->week_parity = rnd(4) - 1; ss->uncovered = !ss->uncovered; break;
            }
        }
        model_check_report r;
        cr_assert_eq(model_check(inst, sol, &r), MODEL_OK);
        for (int i = 0; i < r.n_violations; i++) {
            cr_assert(r.violations[i].rule >= 1 && r.violations[i].rule <= 10);
            cr_assert(r.violations[i].message && r.violations[i].message[0]);
            cr_assert(r.violations[i].entity && strchr(r.violations[i].entity, ':'));
        }
        model_check_report_free(&r);
        sol = keep;
        model_solution_destroy(m);
    }
}

/* -------------------------------------------------- metrics checking */

Test(check, misreported_metric_is_flagged)
{
    sol->metrics.placed = 4;
    for (int f = 0; f < sol->metrics.n_load; f++)
        if (strcmp(sol->metrics.load_ids[f], "f-dan") == 0)
            sol->metrics.load[f] = 1.0; /* f-dan leads a biweekly group: 0.5 */
    model_check_report r;
    cr_assert_eq(model_check(inst, sol, &r), MODEL_OK);
    print_report(&r);
    cr_expect_eq(r.n_violations, 0);
    cr_assert_eq(r.n_mismatches, 2);
    cr_expect_str_eq(r.mismatches[0].field, "metrics.placed");
    cr_expect_float_eq(r.mismatches[0].reported, 4.0, 1e-12);
    cr_expect_float_eq(r.mismatches[0].expected, 5.0, 1e-12);
    cr_expect_str_eq(r.mismatches[1].field, "metrics.facilitator_load.f-dan");
    model_check_report_free(&r);
}

Test(check, misreported_objective_term_is_flagged)
{
    sol->terms.wait = 53.7; /* off by more than 1e-6 relative */
    sol->objective = 578.2;
    model_check_report r;
    cr_assert_eq(model_check(inst, sol, &r), MODEL_OK);
    cr_expect_eq(r.n_violations, 0);
    cr_assert_eq(r.n_mismatches, 2);
    cr_expect_str_eq(r.mismatches[0].field, "objective_terms.wait");
    cr_expect_str_eq(r.mismatches[1].field, "objective");
    model_check_report_free(&r);
}

Test(check, tolerance_accepts_rounding)
{
    sol->metrics.projected_revenue = 1040.0 * (1 + 5e-7);
    expect_only(0);
    model_check_report r;
    cr_assert_eq(model_check(inst, sol, &r), MODEL_OK);
    cr_expect_eq(r.n_mismatches, 0);
    model_check_report_free(&r);
}

/* ---------------------------------------------------------------- CLI */

static int run_cli(const char *args, char *out, size_t outsz)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' check %s 2>&1", COHORT_BINARY, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = out ? fread(out, 1, outsz - 1, p) : 0;
    if (out)
        out[n] = '\0';
    else {
        char sink[4096];
        while (fread(sink, 1, sizeof sink, p) > 0) {
        }
    }
    int st = pclose(p);
    cr_assert(WIFEXITED(st));
    return WEXITSTATUS(st);
}

Test(check, cli_exit_codes)
{
    static char out[65536];
    cr_expect_eq(run_cli(FIX "instance.json " FIX "solution_valid.json", out, sizeof out), 0,
                 "%s", out);
    cr_expect(strstr(out, "ok") != NULL, "%s", out);

    /* A mutated solution written to a file: exit 5, the rule named. */
    set_str(&grp("dbt-1")->substitute, "f-dan");
    char *text = NULL;
    cr_assert_eq(io_solution_to_json(sol, &text), IO_OK);
    char path[] = "/tmp/cohort-test-check-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    free(text);
    char args[1024];
    snprintf(args, sizeof args, FIX "instance.json %s", path);
    cr_expect_eq(run_cli(args, out, sizeof out), 5, "%s", out);
    cr_expect(strstr(out, "rule 5: substitute f-dan") != NULL, "%s", out);

    snprintf(args, sizeof args, "--json " FIX "instance.json %s", path);
    cr_expect_eq(run_cli(args, out, sizeof out), 5, "%s", out);
    cr_expect(strstr(out, "\"status\": \"violations\"") != NULL, "%s", out);
    cr_expect(strstr(out, "\"rule\": 5") != NULL, "%s", out);
    cr_expect(strstr(out, "\"metrics\"") != NULL, "%s", out);
    unlink(path);

    /* Invalid input: exit 2 with the file named. */
    cr_expect_eq(run_cli(FIX "instance.json " FIX "does-not-exist.json", out, sizeof out), 2,
                 "%s", out);
    cr_expect(strstr(out, "does-not-exist.json") != NULL, "%s", out);
    cr_expect_eq(run_cli(FIX "solution_valid.json " FIX "solution_valid.json", NULL, 0), 2);
}

/* ------------------------------------- schedules made by other code */

/* No false positives: schedules built by independent code (the
 * first-come-first-served baseline in bench/, the benchmark generator's
 * witness plan) pass the checker, metrics included. */
Test(check, fcfs_baseline_schedules_pass)
{
    static const char *const files[] = {"/datasets/sample.json", "/datasets/fixtures/tiny.json",
                                        "/datasets/fixtures/full.json",
                                        "/datasets/fixtures/check/instance.json"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s%s", COHORT_SOURCE_DIR, files[k]);
        model_instance *in = NULL;
        model_diag d;
        model_diag_init(&d);
        cr_assert_eq(io_instance_read_file(path, &in, &d), IO_OK, "%s", path);
        model_diag_free(&d);
        model_solution *s = NULL;
        cr_assert_eq(solver_baseline_fcfs(in, &s), SOLVER_OK, "%s", path);
        cr_expect_neq(s->status, MODEL_STATUS_INFEASIBLE, "%s", path);
        model_check_report r;
        cr_assert_eq(model_check(in, s, &r), MODEL_OK);
        print_report(&r);
        cr_expect_eq(r.n_violations, 0, "%s: %d violations", path, r.n_violations);
        cr_expect_eq(r.n_mismatches, 0, "%s: %d mismatches", path, r.n_mismatches);
        cr_expect(r.metrics_reported);
        model_check_report_free(&r);
        model_solution_destroy(s);
        model_instance_destroy(in);
    }
}

Test(check, generator_witness_passes_cli)
{
    char dir[] = "/tmp/cohort-test-check-gen-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[2048], args[1024];
    snprintf(cmd, sizeof cmd, "'%s' generate --tier S --seed 3 -o %s/i.json --witness %s/w.json",
             COHORT_BINARY, dir, dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    static char out[65536];
    snprintf(args, sizeof args, "%s/i.json %s/w.json", dir, dir);
    cr_expect_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* ------------------------------------------ eligibility, checked twice */

/* The checker's rule-7 fit (model_check_patient_fit, its own copy) and the
 * shared predicate (model_patient_group_fit) agree on patient p and type t
 * at day/start (day < 0: no window): both fit, or both fail and the
 * checker's first failing part is the one the shared predicate names. */
static void expect_same_fit(const model_instance *in, int p, int t, int day, int start,
                            const char *what)
{
    model_fit shared = day >= 0 ? model_patient_group_fit(in, p, t, day, start)
                                : model_patient_type_fit(in, p, t);
    unsigned bits = model_check_patient_fit(in, p, t, day, start);
    model_fit first = bits ? (model_fit)__builtin_ctz(bits) : MODEL_FIT_OK;
    cr_expect_eq(first, shared, "%s: patient %s, type %s: checker says %s, shared predicate %s",
                 what, in->patients[p].id, in->types[t].id, model_fit_name(first),
                 model_fit_name(shared));
}

/* Every patient x every group of a generated program, at the time the
 * generator's witness gives the group (else without a window, and at the
 * first program day and slot). */
static void cross_check_generated(const char *tier, const char *family, unsigned long long seed)
{
    model_instance *in = NULL;
    model_solution *wit = NULL;
    cr_assert_eq(model_generate_family(tier, family, seed, &in, &wit), MODEL_OK);
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(model_instance_validate(in, &d), MODEL_OK);
    model_diag_free(&d);
    char what[96];
    snprintf(what, sizeof what, "tier %s family %s seed %llu", tier, family, seed);
    int day0 = 0;
    while (day0 < 6 && !(in->program.days_mask & (1 << day0)))
        day0++;
    long fits = 0, pairs = 0;
    for (int g = 0; g < in->n_groups; g++) {
        int t = in->groups[g].type_idx, day = -1, start = -1;
        for (int i = 0; wit && i < wit->n_groups; i++)
            if (strcmp(wit->groups[i].id, in->groups[g].id) == 0 && wit->groups[i].running) {
                day = wit->groups[i].day;
                start = wit->groups[i].start;
            }
        for (int p = 0; p < in->n_patients; p++) {
            expect_same_fit(in, p, t, day, start, what);
            expect_same_fit(in, p, t, -1, -1, what);
            expect_same_fit(in, p, t, day0, in->program.slot_starts[0], what);
            pairs++;
            fits += day >= 0 && model_patient_group_fit(in, p, t, day, start) == MODEL_FIT_OK;
        }
    }
    if (wit) /* infeasible-by-design families have no witness times */
        cr_expect_gt(fits, 0, "%s: some patient fits some group (%ld pairs)", what, pairs);
    cr_expect_lt(fits, pairs, "%s: some patient does not fit some group", what);
    model_solution_destroy(wit);
    model_instance_destroy(in);
}

Test(elig, checker_agrees_with_shared_predicate_on_generated_programs)
{
    for (unsigned long long seed = 1; seed <= 4; seed++)
        cross_check_generated("S", "standard", seed);
    for (unsigned long long seed = 1; seed <= 2; seed++)
        cross_check_generated("M", "standard", seed);
}

/* The same comparison on every structural family of the generator
 * (narrow blocks, scarce credentials, teen groups, ...): their patients
 * and types are built differently, so they reach other corners of rule 7. */
Test(elig, checker_agrees_with_shared_predicate_on_every_family)
{
    const char *names[32];
    int n = model_generate_families(names, NULL, NULL, 32);
    cr_assert_gt(n, 5);
    for (int f = 0; f < n && f < 32; f++) {
        cross_check_generated("S", names[f], 1);
        cross_check_generated("S", names[f], 2);
        cross_check_generated("M", names[f], 1);
    }
}

/* Hand-made edge cases: gender case, telehealth and "either", referral
 * against diagnosis prefix, age limits, unknown values, flags. */
static const char *ELIG_INSTANCE =
    "{\"program\": {\"name\": \"edges\", \"horizon\": {\"start\": \"2025-01-06\", \"weeks\": 2},"
    " \"days\": [\"mon\"], \"slot_starts\": [\"17:00\"]},"
    " \"group_types\": ["
    "  {\"id\": \"women\", \"name\": \"W\", \"cpt\": \"90853\", \"rate\": 1, \"duration_min\": 60,"
    "   \"min_size\": 2, \"max_size\": 8, \"required_credentials\": [], \"cofacilitation\": false,"
    "   \"diagnoses\": [\"F32\"], \"modality\": \"in_person\", \"cadence\": \"weekly\","
    "   \"gender\": \"female\"},"
    "  {\"id\": \"tele\", \"name\": \"T\", \"cpt\": \"90853\", \"rate\": 1, \"duration_min\": 60,"
    "   \"min_size\": 2, \"max_size\": 8, \"required_credentials\": [], \"cofacilitation\": false,"
    "   \"diagnoses\": [\"F41\"], \"modality\": \"telehealth\", \"cadence\": \"weekly\"},"
    "  {\"id\": \"ptsd\", \"name\": \"P\", \"cpt\": \"90853\", \"rate\": 1, \"duration_min\": 60,"
    "   \"min_size\": 2, \"max_size\": 8, \"required_credentials\": [], \"cofacilitation\": false,"
    "   \"diagnoses\": [\"F43.1\"], \"modality\": \"in_person\", \"cadence\": \"weekly\"},"
    "  {\"id\": \"teen\", \"name\": \"A\", \"cpt\": \"90853\", \"rate\": 1, \"duration_min\": 60,"
    "   \"min_size\": 2, \"max_size\": 8, \"required_credentials\": [], \"cofacilitation\": false,"
    "   \"diagnoses\": [\"F9\"], \"modality\": \"in_person\", \"cadence\": \"weekly\","
    "   \"age_min\": 13, \"age_max\": 17}],"
    " \"groups\": [], \"rooms\": [], \"facilitators\": [],"
    " \"patients\": ["
#define ELIG_P(id, extra)                                                                    \
    "{\"id\": \"" id "\", \"available\": [{\"day\": \"mon\", \"from\": \"16:00\", \"to\": \"19:00\"}]," \
    " \"added\": \"2024-12-01\", \"screened\": true, \"insurance_verified\": true" extra "}"
    ELIG_P("w-Female", ", \"diagnoses\": [\"F32.1\"], \"gender\": \"Female\"") ","
    ELIG_P("w-FEMALE", ", \"diagnoses\": [\"F32.1\"], \"gender\": \"FEMALE\"") ","
    ELIG_P("w-male", ", \"diagnoses\": [\"F32.1\"], \"gender\": \"male\"") ","
    ELIG_P("w-nogender", ", \"diagnoses\": [\"F32.1\"]") ","
    ELIG_P("t-either", ", \"diagnoses\": [\"F41.1\"], \"modality\": \"either\"") ","
    ELIG_P("t-tele", ", \"diagnoses\": [\"F41.1\"], \"modality\": \"telehealth\"") ","
    ELIG_P("t-inperson", ", \"diagnoses\": [\"F41.1\"], \"modality\": \"in_person\"") ","
    ELIG_P("d-sub", ", \"diagnoses\": [\"F43.10\"]") ","
    ELIG_P("d-lower", ", \"diagnoses\": [\"f43.1\"]") ","
    ELIG_P("d-parent", ", \"diagnoses\": [\"F43\"]") ","
    ELIG_P("r-referred", ", \"diagnoses\": [\"Z00\"], \"group_types\": [\"ptsd\"]") ","
    ELIG_P("r-overrides", ", \"diagnoses\": [\"F43.1\"], \"group_types\": [\"tele\"]") ","
    ELIG_P("r-empty", ", \"diagnoses\": [\"F43.1\"], \"group_types\": []") ","
    ELIG_P("a-13", ", \"diagnoses\": [\"F90\"], \"age\": 13") ","
    ELIG_P("a-17", ", \"diagnoses\": [\"F90\"], \"age\": 17") ","
    ELIG_P("a-12", ", \"diagnoses\": [\"F90\"], \"age\": 12") ","
    ELIG_P("a-18", ", \"diagnoses\": [\"F90\"], \"age\": 18") ","
    ELIG_P("a-unknown", ", \"diagnoses\": [\"F90\"]") ","
    "{\"id\": \"f-unscreened\", \"added\": \"2024-12-01\", \"diagnoses\": [\"F43.1\"], \"screened\": false,"
    " \"insurance_verified\": true, \"available\": []},"
    "{\"id\": \"f-unverified\", \"added\": \"2024-12-01\", \"diagnoses\": [\"F43.1\"], \"screened\": true,"
    " \"insurance_verified\": false, \"available\": []}"
#undef ELIG_P
    "]}";

Test(elig, edge_cases)
{
    model_instance *in = NULL;
    model_diag d;
    model_diag_init(&d);
    int rc = io_instance_parse(ELIG_INSTANCE, strlen(ELIG_INSTANCE), &in, &d);
    for (int i = 0; i < d.n_errors; i++)
        cr_log_error("%s: %s", d.errors[i].path, d.errors[i].message);
    cr_assert_eq(rc, IO_OK);
    /* validate warns about exactly the patients no type takes (flags aside) */
    static const char *const fit_none[] = {"w-male", "w-nogender", "t-inperson", "d-parent",
                                           "r-empty", "a-12", "a-18", "a-unknown"};
    for (int p = 0; p < in->n_patients; p++) {
        char path[32];
        snprintf(path, sizeof path, "patients[%d]", p);
        bool warned = false, want = false;
        for (int w = 0; w < d.n_warnings; w++)
            warned |= strcmp(d.warnings[w].path, path) == 0 &&
                      strstr(d.warnings[w].message, "fits no group type");
        for (size_t k = 0; k < sizeof fit_none / sizeof *fit_none; k++)
            want |= strcmp(in->patients[p].id, fit_none[k]) == 0;
        cr_expect_eq(warned, want, "validate %s patient %s", warned ? "warns about" : "is silent on",
                     in->patients[p].id);
    }
    model_diag_free(&d);
    static const struct {
        const char *patient, *type;
        model_fit want;
    } cases[] = {
        {"w-Female", "women", MODEL_FIT_OK},          {"w-FEMALE", "women", MODEL_FIT_OK},
        {"w-male", "women", MODEL_FIT_GENDER},        {"w-nogender", "women", MODEL_FIT_GENDER},
        {"t-either", "tele", MODEL_FIT_OK},           {"t-tele", "tele", MODEL_FIT_OK},
        {"t-inperson", "tele", MODEL_FIT_MODALITY},   {"t-tele", "women", MODEL_FIT_TYPE},
        {"d-sub", "ptsd", MODEL_FIT_OK},              {"d-lower", "ptsd", MODEL_FIT_OK},
        {"d-parent", "ptsd", MODEL_FIT_TYPE},         {"r-referred", "ptsd", MODEL_FIT_OK},
        {"r-overrides", "ptsd", MODEL_FIT_TYPE},      {"r-overrides", "tele", MODEL_FIT_OK},
        {"r-empty", "ptsd", MODEL_FIT_TYPE},          {"a-13", "teen", MODEL_FIT_OK},
        {"a-17", "teen", MODEL_FIT_OK},               {"a-12", "teen", MODEL_FIT_AGE},
        {"a-18", "teen", MODEL_FIT_AGE},              {"a-unknown", "teen", MODEL_FIT_AGE},
        {"a-unknown", "ptsd", MODEL_FIT_TYPE},        {"f-unscreened", "ptsd", MODEL_FIT_SCREENING},
        {"f-unverified", "ptsd", MODEL_FIT_INSURANCE},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int p = model_find_patient(in, cases[k].patient), t = model_find_type(in, cases[k].type);
        cr_assert(p >= 0 && t >= 0);
        model_fit got = model_patient_type_fit(in, p, t);
        cr_expect_eq(got, cases[k].want, "%s in %s: %s, expected %s", cases[k].patient,
                     cases[k].type, model_fit_name(got), model_fit_name(cases[k].want));
    }
    /* the window part: 17:00-18:00 fits mon 16:00-19:00; 18:30 does not;
     * unknown age is fine where the type has no age limit */
    int p = model_find_patient(in, "d-sub"), t = model_find_type(in, "ptsd");
    cr_expect_eq(model_patient_group_fit(in, p, t, 0, 17 * 60), MODEL_FIT_OK);
    cr_expect_eq(model_patient_group_fit(in, p, t, 0, 18 * 60 + 30), MODEL_FIT_WINDOW);
    cr_expect_eq(model_patient_group_fit(in, p, t, 1, 17 * 60), MODEL_FIT_WINDOW);
    cr_expect(model_age_fits(&in->types[t], -1));
    /* and the checker's own copy agrees on every pair, with and without a time */
    for (int q = 0; q < in->n_patients; q++)
        for (int u = 0; u < in->n_types; u++) {
            expect_same_fit(in, q, u, -1, -1, "edges");
            expect_same_fit(in, q, u, 0, 17 * 60, "edges");
            expect_same_fit(in, q, u, 0, 18 * 60 + 30, "edges");
        }
    model_instance_destroy(in);
}

Test(elig, planner_places_by_the_same_rules, .timeout = 120)
{
    /* The edge-case program with one must-run "women" group (min_size 2):
     * only w-Female and w-FEMALE fit it, so the plan must place both. */
    const char *empty = "\"groups\": [], \"rooms\": [], \"facilitators\": []";
    const char *full =
        "\"groups\": [{\"id\": \"g-w\", \"type\": \"women\"}],"
        " \"rooms\": [{\"id\": \"r1\", \"capacity\": 8, \"available\":"
        " [{\"day\": \"mon\", \"from\": \"08:00\", \"to\": \"22:00\"}]}],"
        " \"facilitators\": [{\"id\": \"f1\", \"available\": [{\"day\": \"mon\", \"from\": \"08:00\","
        " \"to\": \"22:00\"}]}, {\"id\": \"f2\", \"available\": [{\"day\": \"mon\", \"from\":"
        " \"08:00\", \"to\": \"22:00\"}]}]";
    const char *at = strstr(ELIG_INSTANCE, empty);
    cr_assert_not_null(at);
    size_t head = (size_t)(at - ELIG_INSTANCE);
    char *text = malloc(strlen(ELIG_INSTANCE) + strlen(full) + 1);
    cr_assert_not_null(text);
    memcpy(text, ELIG_INSTANCE, head);
    strcpy(text + head, full);
    strcat(text, at + strlen(empty));
    model_instance *in = NULL;
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_instance_parse(text, strlen(text), &in, &d), IO_OK);
    model_diag_free(&d);
    free(text);
    model_solution *s = plan_first(in);
    cr_assert_eq(s->n_groups, 1);
    const model_strlist *nm = &s->groups[0].new_members;
    cr_expect_eq(nm->n, 2);
    cr_expect_geq(model_strlist_find(nm, "w-Female"), 0);
    cr_expect_geq(model_strlist_find(nm, "w-FEMALE"), 0);
    expect_clean(in, s, "women's group plan");
    model_solution_destroy(s);
    model_instance_destroy(in);
}

/* ------------------------------------------- mutation test of the checker */

/* Valid plans (the fixture, the sample program as planned, the generator's
 * witnesses of tier S); each gets one targeted break per rule, and the
 * checker must name that rule and no other. */

static model_solution *sol_clone(const model_solution *s)
{
    char *text = NULL;
    cr_assert_eq(io_solution_to_json(s, &text), IO_OK);
    return parse_sol(text);
}

static const model_group_type *mtype(const model_instance *in, const model_sol_group *g)
{
    int k = model_find_group(in, g->id);
    cr_assert_geq(k, 0);
    return &in->types[model_find_type(in, in->groups[k].type)];
}

static bool m_off(const model_instance *in, const char *fid, int date)
{
    int f = model_find_facilitator(in, fid);
    return f >= 0 && model_facilitator_off(in, f, date);
}

/* True when every session of g is led by exactly its regular facilitators. */
static bool m_plain_sessions(const model_instance *in, const model_solution *s,
                             const model_sol_group *g)
{
    for (int k = 0; k < s->n_sessions; k++) {
        const model_sol_session *ss = &s->sessions[k];
        if (strcmp(ss->group, g->id) != 0)
            continue;
        if (ss->covered_by || ss->uncovered || ss->facilitators.n != g->facilitators.n)
            return false;
        for (int q = 0; q < g->facilitators.n; q++)
            if (m_off(in, g->facilitators.items[q], ss->date))
                return false;
    }
    return true;
}

static bool m_any_uncovered(const model_solution *s)
{
    for (int k = 0; k < s->n_sessions; k++)
        if (s->sessions[k].uncovered)
            return true;
    return false;
}

static void m_strlist_del(model_strlist *l, int k)
{
    free(l->items[k]);
    memmove(&l->items[k], &l->items[k + 1], (size_t)(l->n - k - 1) * sizeof *l->items);
    l->n--;
}

/* Rule 1: a must-run group does not run. */
static bool mut1(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++) {
        int g = model_find_group(in, s->groups[i].id);
        if (s->groups[i].running && !in->groups[g].optional) {
            s->groups[i].running = false;
            return true;
        }
    }
    return false;
}

/* Rule 2: an in-person group moves into the room of a group meeting at an
 * overlapping time in the same weeks (a room that would otherwise suit it). */
static bool mut2(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++)
        for (int j = 0; j < s->n_groups; j++) {
            model_sol_group *a = &s->groups[i], *b = &s->groups[j];
            if (i == j || !a->running || !b->running || !a->room || !b->room ||
                strcmp(a->room, b->room) == 0 || a->day != b->day || a->start >= b->end ||
                b->start >= a->end)
                continue;
            const model_group_type *ta = mtype(in, a), *tb = mtype(in, b);
            if (ta->cadence == MODEL_BIWEEKLY && tb->cadence == MODEL_BIWEEKLY &&
                a->week_parity != b->week_parity)
                continue;
            const model_room *r = &in->rooms[model_find_room(in, b->room)];
            bool fits = r->capacity >= ta->max_size &&
                        model_windows_fit(r->available, r->n_available, a->day, a->start,
                                          ta->duration_min);
            for (int k = 0; k < ta->room_features.n && fits; k++)
                fits = model_strlist_find(&r->features, ta->room_features.items[k]) >= 0;
            int g = model_find_group(in, a->id);
            if (!fits || in->groups[g].pinned.room)
                continue;
            set_str(&a->room, b->room);
            for (int k = 0; k < s->n_sessions; k++)
                if (strcmp(s->sessions[k].group, a->id) == 0)
                    set_str(&s->sessions[k].room, b->room);
            return true;
        }
    return false;
}

/* Rule 3: a co-facilitated group loses its co-facilitator. */
static bool mut3(model_instance *in, model_solution *s)
{
    if (m_any_uncovered(s))
        return false; /* a freed facilitator might then cover it (rule 6) */
    for (int i = 0; i < s->n_groups; i++) {
        model_sol_group *g = &s->groups[i];
        int ig = model_find_group(in, g->id);
        if (!g->running || g->facilitators.n != 2 || in->groups[ig].pinned.facilitators.n > 0)
            continue;
        bool listed = true; /* on every session: never off, nobody stands in for them */
        for (int k = 0; k < s->n_sessions; k++)
            if (strcmp(s->sessions[k].group, g->id) == 0)
                listed &= model_strlist_find(&s->sessions[k].facilitators,
                                             g->facilitators.items[1]) >= 0;
        if (!listed)
            continue;
        char *co = model_strdup(g->facilitators.items[1]);
        m_strlist_del(&g->facilitators, 1);
        for (int k = 0; k < s->n_sessions; k++)
            if (strcmp(s->sessions[k].group, g->id) == 0)
                m_strlist_del(&s->sessions[k].facilitators,
                              model_strlist_find(&s->sessions[k].facilitators, co));
        free(co);
        return true;
    }
    return false;
}

/* Rule 4: a facilitator's max_per_day drops below their busiest day. */
static bool mut4(model_instance *in, model_solution *s)
{
    for (int f = 0; f < in->n_facilitators; f++) {
        const char *fid = in->facilitators[f].id;
        int per_day[7] = {0}, most = 0;
        bool covers = false;
        for (int i = 0; i < s->n_groups; i++)
            if (s->groups[i].running && model_strlist_find(&s->groups[i].facilitators, fid) >= 0)
                most = ++per_day[s->groups[i].day] > most ? per_day[s->groups[i].day] : most;
        for (int k = 0; k < s->n_sessions && !covers; k++)
            covers = s->sessions[k].covered_by && strcmp(s->sessions[k].covered_by, fid) == 0;
        if (most == 0 || covers)
            continue;
        in->facilitators[f].max_per_day = most - 1;
        return true;
    }
    return false;
}

/* Rule 5: the substitute is the group's own primary facilitator. */
static bool mut5(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++) {
        model_sol_group *g = &s->groups[i];
        int ig = model_find_group(in, g->id);
        if (!g->running || g->facilitators.n == 0 || in->groups[ig].pinned.substitute ||
            !m_plain_sessions(in, s, g))
            continue;
        set_str(&g->substitute, g->facilitators.items[0]);
        return true;
    }
    return false;
}

/* Rule 6: a covered session is marked uncovered instead (its coverer was
 * free to cover it). */
static bool mut6(model_instance *in, model_solution *s)
{
    (void)in;
    for (int k = 0; k < s->n_sessions; k++) {
        model_sol_session *ss = &s->sessions[k];
        if (!ss->covered_by || ss->uncovered)
            continue;
        m_strlist_del(&ss->facilitators, model_strlist_find(&ss->facilitators, ss->covered_by));
        set_str(&ss->covered_by, NULL);
        ss->uncovered = true;
        return true;
    }
    return false;
}

static bool m_placed(const model_solution *s, const char *pid)
{
    for (int i = 0; i < s->n_groups; i++)
        if (model_strlist_find(&s->groups[i].members, pid) >= 0)
            return true;
    return false;
}

/* Rule 7: a new member is swapped for a waitlisted patient who does not fit
 * the group, of the same acuity and an age inside the group's range (so
 * size and composition stay as they were). */
static bool mut7(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++) {
        model_sol_group *g = &s->groups[i];
        if (!g->running || g->new_members.n == 0)
            continue;
        int t = model_find_type(in, mtype(in, g)->id), amin = 1000, amax = -1;
        for (int k = 0; k < g->members.n; k++) {
            int a = in->patients[model_find_patient(in, g->members.items[k])].age;
            amin = a >= 0 && a < amin ? a : amin;
            amax = a > amax ? a : amax;
        }
        const char *qid = g->new_members.items[0];
        const model_patient *q = &in->patients[model_find_patient(in, qid)];
        for (int r = 0; r < in->n_patients; r++) {
            const model_patient *pr = &in->patients[r];
            if (!model_patient_waitlisted(in, r) || m_placed(s, pr->id) ||
                (pr->acuity == MODEL_ACUITY_HIGH) != (q->acuity == MODEL_ACUITY_HIGH) ||
                (pr->age >= 0 && (pr->age < amin || pr->age > amax)) ||
                model_check_patient_fit(in, r, t, g->day, g->start) == 0)
                continue;
            set_str(&g->members.items[model_strlist_find(&g->members, qid)], pr->id);
            set_str(&g->new_members.items[0], pr->id);
            return true;
        }
    }
    return false;
}

/* Rule 8: new members leave until the group is one below min_size. */
static bool mut8(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++) {
        model_sol_group *g = &s->groups[i];
        int min = mtype(in, g)->min_size;
        if (!g->running || g->members.n - g->new_members.n > min - 1)
            continue;
        while (g->members.n > min - 1) {
            const char *pid = g->new_members.items[g->new_members.n - 1];
            m_strlist_del(&g->members, model_strlist_find(&g->members, pid));
            m_strlist_del(&g->new_members, g->new_members.n - 1);
        }
        return true;
    }
    return false;
}

/* Rule 9: the instance pins a running group to another day. */
static bool mut9(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++) {
        if (!s->groups[i].running)
            continue;
        model_pinned *p = &in->groups[model_find_group(in, s->groups[i].id)].pinned;
        p->has_day = true;
        p->day = (s->groups[i].day + 1) % 7;
        return true;
    }
    return false;
}

/* Rule 10: a group gets a session on a closed date it would otherwise meet
 * on, led by its regular facilitators. */
static bool mut10(model_instance *in, model_solution *s)
{
    for (int c = 0; c < in->program.n_closed_dates; c++) {
        int date = in->program.closed_dates[c], w = (date - in->program.horizon_start) / 7;
        if (date < in->program.horizon_start || w >= in->program.horizon_weeks)
            continue;
        for (int i = 0; i < s->n_groups; i++) {
            model_sol_group *g = &s->groups[i];
            if (!g->running || g->day != model_date_weekday(date) ||
                !model_meets_in_week(mtype(in, g)->cadence, g->week_parity, w))
                continue;
            bool off = false;
            for (int q = 0; q < g->facilitators.n; q++)
                off |= m_off(in, g->facilitators.items[q], date);
            if (off)
                continue;
            model_sol_session *na =
                realloc(s->sessions, (size_t)(s->n_sessions + 1) * sizeof *na);
            cr_assert_not_null(na);
            s->sessions = na;
            model_sol_session *x = &s->sessions[s->n_sessions++];
            memset(x, 0, sizeof *x);
            x->group = model_strdup(g->id);
            x->date = date;
            x->start = g->start;
            x->end = g->end;
            x->room = model_strdup(g->room);
            cr_assert_eq(model_strlist_copy(&x->facilitators, &g->facilitators), MODEL_OK);
            return true;
        }
    }
    return false;
}

typedef bool (*mutation)(model_instance *, model_solution *);

/* Apply each rule's break to copies of (in, s); count what applied. */
static void mutate_all(const char *what, const model_instance *in, const model_solution *s,
                       int applied[11])
{
    static const mutation muts[11] = {NULL, mut1, mut2, mut3, mut4, mut5,
                                      mut6, mut7, mut8, mut9, mut10};
    expect_clean(in, s, what);
    model_check_report r;
    for (int rule = 1; rule <= 10; rule++) {
        model_instance *mi = model_instance_clone(in);
        model_solution *ms = sol_clone(s);
        cr_assert(mi && ms);
        if (muts[rule](mi, ms)) {
            applied[rule]++;
            cr_assert_eq(model_check(mi, ms, &r), MODEL_OK);
            int other = 0;
            for (int i = 0; i < r.n_violations; i++)
                if (r.violations[i].rule != rule) {
                    other++;
                    cr_log_error("%s, break of rule %d: also rule %d: %s", what, rule,
                                 r.violations[i].rule, r.violations[i].message);
                }
            cr_expect_gt(r.n_violations, 0, "%s: the break of rule %d is not reported", what, rule);
            cr_expect_eq(other, 0, "%s: the break of rule %d is reported under other rules",
                         what, rule);
            model_check_report_free(&r);
        }
        model_solution_destroy(ms);
        model_instance_destroy(mi);
    }
}

Test(mutation, one_break_per_rule_is_named, .timeout = 120)
{
    int applied[11] = {0};
    model_instance *in = NULL;
    model_solution *s = NULL;
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_instance_read_file(FIX "instance.json", &in, &d), IO_OK);
    cr_assert_eq(io_solution_read_file(FIX "solution_valid.json", &s, &d), IO_OK);
    mutate_all("fixture", in, s, applied);
    model_solution_destroy(s);
    model_instance_destroy(in);

    cr_assert_eq(io_instance_read_file(COHORT_SOURCE_DIR "/datasets/sample.json", &in, &d), IO_OK);
    model_diag_free(&d);
    s = plan_first(in);
    mutate_all("sample", in, s, applied);
    model_solution_destroy(s);
    model_instance_destroy(in);

    for (unsigned long long seed = 1; seed <= 3; seed++) {
        cr_assert_eq(model_generate("S", seed, &in, &s), MODEL_OK);
        model_diag_init(&d);
        cr_assert_eq(model_instance_validate(in, &d), MODEL_OK);
        model_diag_free(&d);
        char what[32];
        snprintf(what, sizeof what, "S seed %llu", seed);
        mutate_all(what, in, s, applied);
        model_solution_destroy(s);
        model_instance_destroy(in);
    }
    for (int rule = 1; rule <= 10; rule++) {
        cr_log_info("rule %d: broken in %d plan(s)", rule, applied[rule]);
        cr_expect_geq(applied[rule], 2, "rule %d was broken in only %d plan(s)", rule,
                      applied[rule]);
    }
}

/* The planner's sessions builder (solver/sessions.c) marks a session
 * uncovered only when nobody could cover it, as the checker judges: a tier
 * S program where every facilitator is away for two weeks. */
Test(mutation, planner_marks_uncovered_only_when_nobody_can_cover, .timeout = 120)
{
    model_instance *in = NULL;
    cr_assert_eq(model_generate("S", 2, &in, NULL), MODEL_OK);
    int W = in->program.horizon_weeks;
    for (int f = 0; f < in->n_facilitators; f++) {
        model_facilitator *fa = &in->facilitators[f];
        model_date_range *na = realloc(fa->time_off, (size_t)(fa->n_time_off + 1) * sizeof *na);
        cr_assert_not_null(na);
        fa->time_off = na;
        int from = in->program.horizon_start + 7 * ((2 * f) % (W - 1));
        fa->time_off[fa->n_time_off++] = (model_date_range){from, from + 13};
    }
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(model_instance_validate(in, &d), MODEL_OK);
    model_diag_free(&d);
    model_solution *s = plan_first(in);
    int covered = 0, uncovered = 0;
    for (int k = 0; k < s->n_sessions; k++) {
        covered += s->sessions[k].covered_by != NULL;
        uncovered += s->sessions[k].uncovered;
    }
    cr_log_info("%d sessions covered, %d uncovered", covered, uncovered);
    cr_expect_gt(covered, 0, "time off is covered");
    expect_clean(in, s, "S seed 2 with time off");
    model_solution_destroy(s);
    model_instance_destroy(in);
}
