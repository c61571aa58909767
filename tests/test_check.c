/* test_check.c - the independent checker (model_check), the metrics and
 * objective terms (model_metrics_compute, model_objective_terms_compute)
 * and `cohort check`.
 *
 * Fixture: datasets/fixtures/check/instance.json (3 types, 4 groups, 3
 * rooms, 4 facilitators, 12 patients, 4 weeks, one closed date, one time
 * off covered by the substitute) and solution_valid.json, a hand-made
 * schedule that keeps every rule.  Each test below breaks exactly one rule
 * of a copy of it and expects the checker to name that rule and no other;
 * tests/test_check/whole.c continues the suite (random scrambles, metrics,
 * the CLI, schedules made by other code).
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
#include "test_check/fixture.h"


model_instance *inst;
model_solution *sol;

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

model_sol_group *grp(const char *id)
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

void set_str(char **field, const char *v)
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

void list_remove(model_strlist *l, const char *item)
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

void print_report(const model_check_report *r)
{
    for (int i = 0; i < r->n_violations; i++)
        cr_log_info("rule %d [%s]: %s", r->violations[i].rule, r->violations[i].entity,
                    r->violations[i].message);
    for (int i = 0; i < r->n_mismatches; i++)
        cr_log_info("mismatch: %s", r->mismatches[i].message);
}

/* Run the checker; assert that rule `rule` is reported (0 = nothing at all)
 * and no other rule.  Returns the number of violations. */
int expect_only(int rule)
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
model_solution *plan_first(const model_instance *in)
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
void expect_clean(const model_instance *in, const model_solution *s, const char *what)
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
model_solution *parse_sol(char *text)
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
