/* test_bench.c - the benchmark baselines: first-come-first-served
 * (solver_baseline_fcfs) and the naive monolithic GLPK model
 * (solver_baseline_naive), on hand-made instances with hand-computed
 * answers. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "solver.h"
#include "bench.h"

/* One must-run group of 3 seats, one slot (mon 18:00), two facilitators
 * (A leads, B substitutes), six waitlisted patients.  Horizon start
 * 2027-01-04; waits in whole weeks:
 *   p0 added 2026-11-30 (5 weeks) but not screened: never placed
 *   p4 2026-12-07 (4 weeks) value 100 + 2*4 = 108
 *   p2 2026-12-14 (3 weeks) value 106
 *   p1 2026-12-21 (2 weeks) value 104
 *   p3 2026-12-28 (1 week)  value 102
 *   p5 2027-01-04 (0 weeks), priority 1: value 100 + 10 = 110
 * FCFS (oldest first): p4, p2, p1 -> 318 - load balance (1 - 0) = 317.
 * Optimum: p5, p4, p2 -> 324 - 1 = 323. */
static const char *ONE_GROUP =
    "{\"program\":{\"name\":\"one group\",\"horizon\":{\"start\":\"2027-01-04\",\"weeks\":2},"
    "\"days\":[\"mon\"],\"slot_starts\":[\"18:00\"]},"
    "\"settings\":{\"mip_gap\":0,\"time_limit_s\":20,\"max_consecutive_cover\":3},"
    "\"group_types\":[{\"id\":\"cbt\",\"name\":\"CBT\",\"cpt\":\"90853\",\"rate\":50,"
    "\"duration_min\":60,\"min_size\":2,\"max_size\":3,\"required_credentials\":[],"
    "\"diagnoses\":[\"F41\"],\"modality\":\"in_person\",\"cadence\":\"weekly\"}],"
    "\"groups\":[{\"id\":\"g1\",\"type\":\"cbt\"}],"
    "\"rooms\":[{\"id\":\"r1\",\"capacity\":5,\"available\":[{\"day\":\"mon\",\"from\":\"08:00\","
    "\"to\":\"22:00\"}]}],"
    "\"facilitators\":["
    "{\"id\":\"A\",\"name\":\"A\",\"credentials\":[],\"available\":[{\"day\":\"mon\",\"from\":\"08:00\","
    "\"to\":\"22:00\"}]},"
    "{\"id\":\"B\",\"name\":\"B\",\"credentials\":[],\"available\":[{\"day\":\"mon\",\"from\":\"08:00\","
    "\"to\":\"22:00\"}]}],"
    "\"patients\":["
    "{\"id\":\"p0\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-11-30\",\"screened\":false,\"insurance_verified\":true},"
    "{\"id\":\"p1\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-12-21\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"p2\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-12-14\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"p3\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-12-28\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"p4\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-12-07\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"p5\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2027-01-04\",\"priority\":1,\"screened\":true,\"insurance_verified\":true}]}";

/* Two slots (09:00 first), a group below min_size that the waitlist can
 * only fill in the evening, a pinned group that keeps its fields, and a
 * facilitator on time off covered by the substitute. */
static const char *SLOTS =
    "{\"program\":{\"name\":\"slots\",\"horizon\":{\"start\":\"2027-01-04\",\"weeks\":3},"
    "\"days\":[\"mon\",\"tue\"],\"slot_starts\":[\"09:00\",\"18:00\"]},"
    "\"group_types\":[{\"id\":\"cbt\",\"name\":\"CBT\",\"cpt\":\"90853\",\"rate\":50,"
    "\"duration_min\":90,\"min_size\":2,\"max_size\":4,\"required_credentials\":[\"LCSW\"],"
    "\"diagnoses\":[\"F41\"],\"modality\":\"in_person\",\"cadence\":\"weekly\"}],"
    "\"groups\":[{\"id\":\"evening\",\"type\":\"cbt\"},"
    "{\"id\":\"kept\",\"type\":\"cbt\",\"pinned\":{\"day\":\"tue\",\"start\":\"09:00\","
    "\"facilitators\":[\"C\"]},\"members\":[{\"patient\":\"m1\",\"status\":\"active\"},"
    "{\"patient\":\"m2\",\"status\":\"hold_clinical\"},{\"patient\":\"m3\",\"status\":\"dropped\"}]},"
    "{\"id\":\"extra\",\"type\":\"cbt\",\"optional\":true}],"
    "\"rooms\":[{\"id\":\"r1\",\"capacity\":6,\"available\":[{\"day\":\"mon\",\"from\":\"08:00\","
    "\"to\":\"22:00\"},{\"day\":\"tue\",\"from\":\"08:00\",\"to\":\"22:00\"}]}],"
    "\"facilitators\":["
    "{\"id\":\"A\",\"name\":\"A\",\"credentials\":[\"LCSW\"],\"available\":[{\"day\":\"mon\",\"from\":\"08:00\","
    "\"to\":\"22:00\"},{\"day\":\"tue\",\"from\":\"08:00\",\"to\":\"22:00\"}],"
    "\"time_off\":[{\"from\":\"2027-01-11\",\"to\":\"2027-01-11\"}]},"
    "{\"id\":\"B\",\"name\":\"B\",\"credentials\":[\"LCSW\"],\"available\":[{\"day\":\"mon\",\"from\":\"08:00\","
    "\"to\":\"22:00\"},{\"day\":\"tue\",\"from\":\"08:00\",\"to\":\"22:00\"}]},"
    "{\"id\":\"C\",\"name\":\"C\",\"credentials\":[\"LCSW\"],\"available\":[{\"day\":\"tue\",\"from\":\"08:00\","
    "\"to\":\"12:00\"}]}],"
    "\"patients\":["
    "{\"id\":\"m1\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"tue\",\"from\":\"08:00\",\"to\":\"12:00\"}],"
    "\"added\":\"2026-06-01\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"m2\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"tue\",\"from\":\"08:00\",\"to\":\"12:00\"}],"
    "\"added\":\"2026-06-01\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"m3\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"tue\",\"from\":\"08:00\",\"to\":\"12:00\"}],"
    "\"added\":\"2026-06-01\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"q1\",\"diagnoses\":[\"F41.2\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:30\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-10-01\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"q2\",\"diagnoses\":[\"F41.2\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:30\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-11-01\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"q3\",\"diagnoses\":[\"F41.2\"],\"available\":[{\"day\":\"tue\",\"from\":\"08:00\",\"to\":\"12:00\"}],"
    "\"added\":\"2026-12-01\",\"screened\":true,\"insurance_verified\":false}]}";

static model_instance *parse(const char *text)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = io_instance_parse(text, strlen(text), &inst, &d);
    for (int i = 0; i < d.n_errors; i++)
        cr_log_error("%s: %s", d.errors[i].path, d.errors[i].message);
    model_diag_free(&d);
    cr_assert_eq(rc, IO_OK, "fixture does not parse");
    return inst;
}

static void assert_checks(const model_instance *inst, const model_solution *sol)
{
    model_check_report rep;
    cr_assert_eq(model_check(inst, sol, &rep), MODEL_OK);
    for (int i = 0; i < rep.n_violations; i++)
        cr_log_error("rule %d %s: %s", rep.violations[i].rule, rep.violations[i].entity,
                     rep.violations[i].message);
    for (int i = 0; i < rep.n_mismatches; i++)
        cr_log_error("misreported %s: %s", rep.mismatches[i].field, rep.mismatches[i].message);
    int nv = rep.n_violations, nm = rep.n_mismatches;
    model_check_report_free(&rep);
    cr_assert_eq(nv, 0, "FCFS solution breaks %d hard rules", nv);
    cr_assert_eq(nm, 0, "FCFS solution misreports %d figures", nm);
}

static const model_sol_group *sol_group(const model_solution *sol, const char *id)
{
    for (int i = 0; i < sol->n_groups; i++)
        if (strcmp(sol->groups[i].id, id) == 0)
            return &sol->groups[i];
    cr_assert_fail("group %s missing from the solution", id);
    return NULL;
}

Test(fcfs, oldest_first_into_first_open_seat)
{
    model_instance *inst = parse(ONE_GROUP);
    model_solution *sol = NULL;
    cr_assert_eq(solver_baseline_fcfs(inst, &sol), SOLVER_OK);
    cr_assert_eq(sol->status, MODEL_STATUS_FEASIBLE);
    assert_checks(inst, sol);

    const model_sol_group *g = sol_group(sol, "g1");
    cr_assert(g->running);
    cr_assert_eq(g->day, 0);
    cr_assert_eq(g->start, 18 * 60);
    cr_assert_str_eq(g->room, "r1");
    cr_assert_eq(g->facilitators.n, 1);
    cr_assert_str_eq(g->facilitators.items[0], "A");
    cr_assert_str_eq(g->substitute, "B");
    /* oldest first: p4 (12-07), p2 (12-14), p1 (12-21); p0 is older but not
     * screened; p3 and p5 (newest, last despite priority) find it full */
    cr_assert_eq(g->new_members.n, 3);
    cr_assert_str_eq(g->new_members.items[0], "p4");
    cr_assert_str_eq(g->new_members.items[1], "p2");
    cr_assert_str_eq(g->new_members.items[2], "p1");
    cr_assert_eq(sol->metrics.placed, 3);
    cr_assert_eq(sol->metrics.waitlist_before, 6);
    /* mean wait of p4, p2, p1: (28 + 21 + 14) / 3 days */
    cr_assert_float_eq(sol->metrics.mean_wait_days_placed, 21.0, 1e-9);
    cr_assert_float_eq(sol->objective, 317.0, 1e-9);
    cr_assert_eq(sol->n_sessions, 2);

    cr_assert_eq(sol->n_unplaced, 3);
    bool saw_p0 = false, saw_full = false;
    for (int i = 0; i < sol->n_unplaced; i++) {
        const model_sol_unplaced *u = &sol->unplaced[i];
        cr_assert_gt(u->reasons.n, 0, "no reason for %s", u->patient);
        if (strcmp(u->patient, "p0") == 0)
            saw_p0 = strcmp(u->reasons.items[0], "not screened") == 0;
        if (strcmp(u->patient, "p5") == 0)
            saw_full = strstr(u->reasons.items[0], "g1 is full") != NULL;
    }
    cr_assert(saw_p0, "p0 should be reported as not screened");
    cr_assert(saw_full, "p5 should be told g1 is full");
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(fcfs, first_feasible_slot_pins_and_cover)
{
    model_instance *inst = parse(SLOTS);
    model_solution *sol = NULL;
    cr_assert_eq(solver_baseline_fcfs(inst, &sol), SOLVER_OK);
    cr_assert_eq(sol->status, MODEL_STATUS_FEASIBLE);
    assert_checks(inst, sol);

    /* pinned group keeps day, start, facilitator; its occupying members
     * stay (the dropped one does not); q3 is not insurance-verified */
    const model_sol_group *k = sol_group(sol, "kept");
    cr_assert(k->running);
    cr_assert_eq(k->day, 1);
    cr_assert_eq(k->start, 9 * 60);
    cr_assert_str_eq(k->facilitators.items[0], "C");
    cr_assert_eq(k->members.n, 2);
    cr_assert_eq(k->new_members.n, 0);

    /* "evening" has no members: mon 09:00 comes first but nobody on the
     * waitlist can come then, so it takes mon 18:00 with q1 and q2 */
    const model_sol_group *e = sol_group(sol, "evening");
    cr_assert(e->running);
    cr_assert_eq(e->day, 0);
    cr_assert_eq(e->start, 18 * 60);
    cr_assert_eq(e->new_members.n, 2);
    cr_assert_str_eq(e->new_members.items[0], "q1");
    cr_assert_str_eq(e->new_members.items[1], "q2");
    cr_assert_str_eq(e->facilitators.items[0], "A");

    /* optional groups are not opened */
    cr_assert_not(sol_group(sol, "extra")->running);

    /* A is off on mon 2027-01-11: the substitute covers that session */
    bool covered = false;
    char date[11];
    for (int i = 0; i < sol->n_sessions; i++) {
        const model_sol_session *s = &sol->sessions[i];
        model_date_format(s->date, date);
        if (strcmp(s->group, "evening") == 0 && strcmp(date, "2027-01-11") == 0) {
            cr_assert_not(s->uncovered);
            cr_assert_not_null(s->covered_by);
            cr_assert_str_eq(s->covered_by, e->substitute);
            cr_assert_str_eq(s->facilitators.items[0], e->substitute);
            covered = true;
        }
    }
    cr_assert(covered, "session of 2027-01-11 missing");
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

static void count_progress(const solver_naive_result *partial, void *ctx)
{
    (void)partial;
    (*(int *)ctx)++;
}

Test(naive, solves_tiny_instance_to_hand_computed_optimum)
{
    model_instance *inst = parse(ONE_GROUP);
    solver_naive_result r;
    int reports = 0;
    cr_assert_eq(solver_baseline_naive(inst, 20.0, NULL, count_progress, &reports, &r), SOLVER_OK);
    cr_assert_geq(reports, 2, "progress at the start and after the LP relaxation");
    cr_assert_eq(r.status, MODEL_STATUS_OPTIMAL);
    cr_assert(r.has_incumbent);
    /* p5 (110), p4 (108), p2 (106), no empty seat, load balance -1 */
    cr_assert_float_eq(r.objective, 323.0, 1e-6);
    cr_assert(r.has_bound);
    cr_assert_float_eq(r.bound, 323.0, 1e-6);
    cr_assert_not(r.too_large);
    /* open, x for A and B, 1 room, u for the 5 screened patients, 2 loads */
    cr_assert_eq(r.n_cols, 1 + 2 + 1 + 5 + 2);
    model_instance_destroy(inst);
}

Test(naive, writes_mps_with_meaningful_names)
{
    model_instance *inst = parse(ONE_GROUP);
    char path[] = "/tmp/cohort-test-naive-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    solver_naive_result r;
    cr_assert_eq(solver_baseline_naive(inst, 0.0, path, NULL, NULL, &r), SOLVER_OK);
    cr_assert_not(r.has_incumbent);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    remove(path);
    cr_assert_not_null(strstr(buf, "NAME"));
    cr_assert_not_null(strstr(buf, "x[g1,mon,18h00,A]"));
    cr_assert_not_null(strstr(buf, "u[p5,g1]"));
    cr_assert_not_null(strstr(buf, "link["));
    cr_assert_null(strstr(buf, "u[p0,g1]"), "unscreened p0 must have no variable");
    model_instance_destroy(inst);
}

Test(naive, rejects_null)
{
    solver_naive_result r;
    cr_assert_eq(solver_baseline_naive(NULL, 1.0, NULL, NULL, NULL, &r), SOLVER_EINVAL);
    cr_assert_eq(solver_glpk_solve_file(NULL, 1.0, 0.0, NULL, NULL, &r), SOLVER_EINVAL);
    model_solution *s = NULL;
    cr_assert_eq(solver_baseline_fcfs(NULL, &s), SOLVER_EINVAL);
    cr_assert_null(s);
}

Test(naive, glpk_solves_an_lp_file)
{
    /* max x + 2y s.t. x + y <= 1.5, x, y binary: optimum y = 1, objective 2 */
    char path[] = "/tmp/cohort-test-glpk-XXXXXX.lp";
    int fd = mkstemps(path, 3);
    cr_assert_geq(fd, 0);
    const char *lp = "Maximize\n obj: x + 2 y\nSubject To\n c: x + y <= 1.5\nBinaries\n x\n y\nEnd\n";
    cr_assert_eq(write(fd, lp, strlen(lp)), (ssize_t)strlen(lp));
    close(fd);
    solver_naive_result r;
    int rc = solver_glpk_solve_file(path, 10.0, 0.0, NULL, NULL, &r);
    remove(path);
    cr_assert_eq(rc, SOLVER_OK);
    cr_assert_eq(r.status, MODEL_STATUS_OPTIMAL);
    cr_assert_float_eq(r.objective, 2.0, 1e-9);
    cr_assert_eq(r.n_cols, 2);
    cr_assert_eq(r.n_bin, 2);
    cr_assert_eq(solver_glpk_solve_file("/nonexistent/model.lp", 1.0, 0.0, NULL, NULL, &r),
                 SOLVER_EIO);
}

Test(naive, glpk_minimises_an_mps_file)
{
    /* the same model as free MPS, which carries no objective sense, written
     * as cohort writes a maximisation: min -x - 2y, optimum y = 1 (-2) */
    char path[] = "/tmp/cohort-test-glpk-XXXXXX.mps";
    int fd = mkstemps(path, 4);
    cr_assert_geq(fd, 0);
    const char *mps = "NAME t\nROWS\n N obj\n L c\nCOLUMNS\n M1 'MARKER' 'INTORG'\n"
                      " x obj -1 c 1\n y obj -2 c 1\n M2 'MARKER' 'INTEND'\nRHS\n RHS c 1.5\n"
                      "BOUNDS\n UP BND x 1\n UP BND y 1\nENDATA\n";
    cr_assert_eq(write(fd, mps, strlen(mps)), (ssize_t)strlen(mps));
    close(fd);
    solver_naive_result r;
    int rc = solver_glpk_solve_file(path, 10.0, 0.0, NULL, NULL, &r);
    remove(path);
    cr_assert_eq(rc, SOLVER_OK);
    cr_assert_eq(r.status, MODEL_STATUS_OPTIMAL);
    cr_assert_float_eq(r.objective, -2.0, 1e-9);
    cr_assert_eq(r.n_cols, 2);
    cr_assert_eq(r.n_bin, 2);
}
