/* whole.c - suite check, continued: random scrambles of the fixture
 * solution, misreported metrics and objective terms, `cohort check` on
 * the command line, and schedules made by code other than the planner.
 * The fixture (inst, sol, loaded before each test) and the helpers are
 * tests/test_check.c's, declared in fixture.h. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "model.h"
#include "solver.h"
#include "bench.h"
#include "fixture.h"

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
