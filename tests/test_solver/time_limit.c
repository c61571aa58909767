/* time_limit.c - test_solver: time limits are wall-clock promises (issue
 * 14): programs that stalled GLPK, all-optional programs, huge limits and
 * contested must-run groups get a checked schedule within the limit. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "io.h"
#include "model.h"
#include "solver.h"
#include "fixture.h"

/* ------------------------------------------------ time limits (issue 14) */

/* A program of the structure that stalled GLPK (issue 14): tier `tier`,
 * seed 1, turned by bench/transform_blocks.py into patients free in one
 * 4-5 h block a day, shifts for facilitators, half-hourly starts (about a
 * million timetable columns at tier L) and ~90 % optional new groups
 * (all_optional: every group optional). */
static model_instance *blocks_program(const char *tier, int all_optional)
{
    model_instance *gen = NULL;
    cr_assert_eq(model_generate(tier, 1, &gen, NULL), MODEL_OK);
    char *text = NULL;
    cr_assert_eq(io_instance_to_json(gen, &text), IO_OK);
    model_instance_destroy(gen);
    char in[64], out[64];
    snprintf(in, sizeof in, "/tmp/cohort_test_blocks_%d_in.json", (int)getpid());
    snprintf(out, sizeof out, "/tmp/cohort_test_blocks_%d_out.json", (int)getpid());
    FILE *f = fopen(in, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
    char *cmd = fmt("python3 %s/bench/transform_blocks.py %s %s%s", COHORT_SOURCE_DIR, in, out,
                    all_optional ? " --all-optional" : "");
    cr_assert_eq(system(cmd), 0, "%s failed", cmd);
    free(cmd);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    cr_assert_eq(io_instance_read_file(out, &inst, &d), IO_OK);
    model_diag_free(&d);
    remove(in);
    remove(out);
    return inst;
}

/* Plan with limit tl, timing the call on the wall clock. */
static model_solution *plan_timed(const model_instance *inst, double tl, double *wall)
{
    double t = solver_clock();
    model_solution *sol = plan(inst, tl);
    *wall = solver_clock() - t;
    return sol;
}

/* The promise is limit + max(1 s, 5 %) from process start to exit; the
 * call itself must return within it.  One more second of slack because the
 * test machine is shared (2 cores, several builds and test runs at once): a
 * descheduled process can lose that much without the planner being late.
 * Under AddressSanitizer the stages that run once before any deadline check
 * (preparing the problem, the first greedy pass) are about ten times slower
 * (5 s for tier L): there the call may take three times the limit, still far
 * from the minutes a stall takes. */
static double wall_allowed(double tl)
{
    double slack = (0.05 * tl > 1 ? 0.05 * tl : 1) + 1.0;
#if defined(__SANITIZE_ADDRESS__)
    slack += 2 * tl;
#endif
    return tl + slack;
}

Test(time_limit, stalling_program_returns_a_checked_schedule_in_time, .timeout = 120)
{
    /* tier L with half-hourly starts: the whole timetable model has about
     * 1.1 million columns and GLPK cannot solve even its LP in minutes;
     * before the deadline was enforced this program ran far past small
     * limits.  plan() runs model_check on the schedule. */
    model_instance *inst = blocks_program("L", 0);
    double tl = 4, wall = 0;
    model_solution *sol = plan_timed(inst, tl, &wall);
    cr_expect(sol->status == MODEL_STATUS_OPTIMAL || sol->status == MODEL_STATUS_FEASIBLE,
              "status %s", model_solution_status_name(sol->status));
    cr_expect_gt(sol->n_groups, 0);
    cr_expect_leq(wall, wall_allowed(tl), "took %.2f s for a %.0f s limit", wall, tl);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

/* Plan an all-optional program at limit tl: a checked schedule in time. */
static void expect_schedule_in_time(const model_instance *inst, double tl)
{
    for (int g = 0; g < inst->n_groups; g++)
        cr_assert(inst->groups[g].optional);
    double wall = 0;
    model_solution *sol = plan_timed(inst, tl, &wall);
    cr_expect(sol->status == MODEL_STATUS_OPTIMAL || sol->status == MODEL_STATUS_FEASIBLE,
              "limit %.1f: status %s", tl, model_solution_status_name(sol->status));
    cr_expect_leq(wall, wall_allowed(tl), "took %.2f s for %.1f s", wall, tl);
    model_solution_destroy(sol);
}

Test(time_limit, all_optional_program_always_gets_a_schedule, .timeout = 120)
{
    /* running nothing is valid here, so a schedule must come back whatever
     * the limit.  Tier L at 4 s is the case: the exact assignment of
     * the first greedy timetable did not finish in its share, "greedy: no
     * complete schedule" followed, and then a diagnosis model of a million
     * columns ran for minutes.  Tier M at 0.5 s: a limit too short for
     * nearly any solver call. */
    model_instance *inst = blocks_program("L", 1);
    expect_schedule_in_time(inst, 4);
    model_instance_destroy(inst);
    inst = blocks_program("M", 1);
    expect_schedule_in_time(inst, 0.5);
    model_instance_destroy(inst);
}

Test(time_limit, huge_limits_are_clamped_not_errors, .timeout = 60)
{
    /* 5e7 s and more once overflowed GLPK's int milliseconds (a GLPK error
     * and an out-of-range conversion); now clamped to 30 days.  The tiny
     * fixture is solved to optimality long before any limit. */
    model_instance *inst = read_fixture("datasets/fixtures/tiny.json");
    double lims[3] = {5e7, 1e300, INFINITY};
    for (int k = 0; k < 3; k++) {
        model_solution *sol = plan(inst, lims[k]);
        cr_expect_eq(sol->status, MODEL_STATUS_OPTIMAL, "limit %g: status %s", lims[k],
                     model_solution_status_name(sol->status));
        model_solution_destroy(sol);
    }
    model_instance_destroy(inst);
}

Test(time_limit, backend_accepts_any_limit)
{
    /* max x + y, x + y <= 1.5, binaries: optimum 1 whatever the limit */
    double lims[3] = {5e7, 1e15, 1e-9};
    for (int k = 0; k < 3; k++) {
        bk_model *m = bk_new("t", 1);
        cr_assert_not_null(m);
        int c[2] = {bk_col(m, "x", BK_BIN, 0, 1, 1), bk_col(m, "y", BK_BIN, 0, 1, 1)};
        cr_assert(c[0] >= 0 && c[1] >= 0);
        cr_assert(bk_row(m, "r", 2, c, NULL, -BK_INF, 1.5) >= 0);
        bk_params p;
        memset(&p, 0, sizeof p);
        p.time_limit = lims[k];
        bk_result r;
        cr_assert_eq(bk_solve(m, &p, &r), BK_OK, "limit %g", lims[k]);
        if (lims[k] >= 1) {
            cr_expect_eq(r.status, BK_OPTIMAL);
            cr_expect(fabs(r.obj - 1) < 1e-9);
        }
        bk_result_free(&r);
        bk_free(m);
    }
}

Test(time_limit, contested_must_run_groups_get_a_schedule, .timeout = 120)
{
    /* Generated programs whose greedy used to fail every pass, so that no
     * schedule came back even in 10 s (exit 4): in rooms M seed 4 two
     * women's grief groups compete for the few patients free at their
     * times, and whichever was placed first reserved up to its capacity,
     * leaving the other below min_size; in adolescent M seed 1 three DBT
     * holders lead and substitute five DBT groups, and the one placed last
     * found no leader and substitute free.  The greedy now exchanges a
     * placed group for the failing one (the failing one reserving only
     * what min_size needs) and places the displaced group again.  plan()
     * runs model_check on the schedule. */
    const char *fam[2] = {"rooms", "adolescent"};
    const unsigned long long seed[2] = {4, 1};
    for (int k = 0; k < 2; k++) {
        model_instance *inst = NULL;
        cr_assert_eq(model_generate_family("M", fam[k], seed[k], &inst, NULL), MODEL_OK);
        double wall = 0, tl = 2;
        model_solution *sol = plan_timed(inst, tl, &wall);
        cr_expect(sol->status == MODEL_STATUS_OPTIMAL || sol->status == MODEL_STATUS_FEASIBLE,
                  "%s M seed %llu: status %s", fam[k], seed[k],
                  model_solution_status_name(sol->status));
        cr_expect_leq(wall, wall_allowed(tl), "took %.2f s for %.0f s", wall, tl);
        model_solution_destroy(sol);
        model_instance_destroy(inst);
    }
}

/* max 1000 z + 10 (a1 + a2 + a3) + 9 (b1 + b2 + b3) with
 * 7 (a1 + a2 + a3) + 6 (b1 + b2 + b3) <= 21, binaries: the LP takes the
 * b (the better ratio) and 3/7 of an a, 1031.29; rounding it down gives
 * 1027, the optimum is 1030 (the three a).  From the start z = b1 = b2 =
 * b3 = 1 (1027, within 5 % of the bound) with gap 0.05. */
static double solve_knapsack(double polish)
{
    bk_model *m = bk_new("k", 1);
    cr_assert_not_null(m);
    int z = bk_col(m, "z", BK_BIN, 0, 1, 1000);
    int c[6];
    double w[6], start[7];
    memset(start, 0, sizeof start);
    start[z] = 1;
    for (int i = 0; i < 6; i++) {
        c[i] = bk_col(m, i < 3 ? "a" : "b", BK_BIN, 0, 1, i < 3 ? 10 : 9);
        cr_assert(c[i] >= 0 && c[i] <= 6);
        w[i] = i < 3 ? 7 : 6;
        start[c[i]] = i >= 3;
    }
    cr_assert(bk_row(m, "cap", 6, c, w, -BK_INF, 21) >= 0);
    bk_params p;
    memset(&p, 0, sizeof p);
    p.time_limit = 10;
    p.gap = 0.05;
    p.polish = polish;
    p.start = start;
    bk_result r;
    cr_assert_eq(bk_solve(m, &p, &r), BK_OK);
    cr_assert_eq(r.status, BK_OPTIMAL, "polish %g: status %d", polish, r.status);
    double obj = r.obj;
    bk_result_free(&r);
    bk_free(m);
    return obj;
}

Test(time_limit, polish_searches_on_past_the_gap)
{
    /* without polishing the start is within the gap and comes back as it
     * is; polishing finds the optimum (and stops there, long before 10 s) */
    double plain = solve_knapsack(0);
    cr_expect(fabs(plain - 1027) < 1e-6, "no polish: %g", plain);
    double t = bk_now();
    double polished = solve_knapsack(5);
    cr_expect(fabs(polished - 1030) < 1e-6, "polish: %g", polished);
    cr_expect(bk_now() - t < 4, "polishing ran %.2fs on a proven optimum", bk_now() - t);
}

Test(time_limit, neighbourhoods_search_on_past_the_gap_to_the_limit, .timeout = 60)
{
    /* pinned M seed 2 is too large for one exact model; with mip_gap 10 %
     * its greedy start is within the gap of the first bound at once, also
     * in a sanitizer build (at the default 0.5 % an ASan build does not
     * get there in 2 s).  The neighbourhoods then search on to the limit
     * (at tier M the first schedule within mip_gap was up to 0.26 % below
     * CBC's): before, this plan came back in 0.12 s. */
    model_instance *inst = NULL;
    cr_assert_eq(model_generate_family("M", "pinned", 2, &inst, NULL), MODEL_OK);
    inst->settings.mip_gap = 0.10;
    double wall = 0, tl = 2;
    model_solution *sol = plan_timed(inst, tl, &wall);
    cr_expect_eq(sol->status, MODEL_STATUS_OPTIMAL, "status %s, gap %g",
                 model_solution_status_name(sol->status), sol->gap);
    cr_expect_geq(wall, 0.6 * tl, "stopped at %.2f s of %.0f s", wall, tl);
    cr_expect_leq(wall, wall_allowed(tl), "took %.2f s for %.0f s", wall, tl);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

/* max sum a_j x_j with sum a_j x_j <= b, 40 binaries of about a million
 * each and b half their sum plus a half: the LP bound is b, no subset
 * reaches it (integers), and branch and bound cannot prove the optimum
 * in seconds.  The start is the greedy fill (within 10 % of b). */
static void subset_sum_solve(double gap, double reach, double polish, double *wall)
{
    bk_model *m = bk_new("subset", 1);
    cr_assert_not_null(m);
    int c[40];
    double a[40], start[40], sum = 0;
    unsigned long s = 12345;
    for (int j = 0; j < 40; j++) {
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        a[j] = 1000000 + (double)((s >> 33) % 1000000);
        sum += a[j];
        c[j] = bk_col(m, "x", BK_BIN, 0, 1, a[j]);
        cr_assert_eq(c[j], j);
    }
    double b = floor(sum / 2) + 0.5, fill = 0;
    for (int j = 0; j < 40; j++) {
        start[j] = fill + a[j] <= b;
        fill += start[j] * a[j];
    }
    cr_assert(bk_row(m, "cap", 40, c, a, -BK_INF, b) >= 0);
    bk_params p;
    memset(&p, 0, sizeof p);
    p.time_limit = 10;
    p.gap = gap;
    p.reach = reach;
    p.polish = polish;
    p.start = start;
    bk_result r;
    double t = bk_now();
    cr_assert_eq(bk_solve(m, &p, &r), BK_OK);
    *wall = bk_now() - t;
    cr_assert(r.status == BK_OPTIMAL || r.status == BK_FEASIBLE, "status %d", r.status);
    cr_expect_leq(r.obj, b);
    cr_expect_geq(r.obj, fill - 1e-6);
    bk_result_free(&r);
    bk_free(m);
}

Test(time_limit, a_gap_not_reached_in_time_stops_the_solve)
{
    /* 10 s to solve, 0.5 s to reach a gap of 1e-12 that no subset can: it
     * stops at 0.5 s, not at 10 */
    double wall = 0;
    subset_sum_solve(1e-12, 0.5, 5, &wall);
    cr_expect_lt(wall, 2.5, "ran %.2f s past a 0.5 s reach", wall);
}

Test(time_limit, the_polish_runs_past_the_time_to_reach_the_gap)
{
    /* the start is within 10 %: the gap is reached at once, and the 1.5 s
     * polish runs on past the 0.2 s reach (the planner's whole model: 60 %
     * of the time to reach mip_gap, the polish up to 85 %) */
    double wall = 0;
    subset_sum_solve(0.1, 0.2, 1.5, &wall);
    cr_expect_geq(wall, 1.4, "stopped after %.2f s of a 1.5 s polish", wall);
    cr_expect_lt(wall, 4, "ran %.2f s for a 1.5 s polish", wall);
}
