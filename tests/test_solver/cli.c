/* cli.c - test_solver: `cohort plan` on the command line (a baseline
 * re-plan lists its changes; exit codes). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "model.h"
#include "solver.h"
#include "fixture.h"

/* ------------------------------------------------------------- the CLI */

static int run_cli(const char *args)
{
    char *cmd = fmt("%s %s >/dev/null 2>&1", COHORT_BINARY, args);
    int st = system(cmd);
    free(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

Test(cli, plan_with_baseline_lists_changes)
{
    char *base = fmt("/tmp/cohort_test_base_%d.json", (int)getpid());
    char *pert = fmt("/tmp/cohort_test_pert_%d.json", (int)getpid());
    char *re = fmt("/tmp/cohort_test_replan_%d.json", (int)getpid());
    char *args = fmt("plan " COHORT_SOURCE_DIR "/datasets/fixtures/tiny.json -o %s --quiet "
                     "--time-limit 5", base);
    cr_assert_eq(run_cli(args), 0);
    free(args);
    model_diag d;
    model_diag_init(&d);
    model_solution *first = NULL;
    cr_assert_eq(io_solution_read_file(base, &first, &d), IO_OK);
    cr_expect_not(first->has_baseline, "a plain plan writes no \"changes\"");
    model_instance *inst = read_fixture("datasets/fixtures/tiny.json");
    model_instance *less = tiny_perturbed(inst, first);
    char *text = NULL;
    cr_assert_eq(io_instance_to_json(less, &text), IO_OK);
    write_file(pert, text);
    free(text);

    args = fmt("plan %s --baseline %s -o %s --quiet --time-limit 5", pert, base, re);
    cr_expect_eq(run_cli(args), 0);
    free(args);
    model_solution *sol = NULL;
    cr_assert_eq(io_solution_read_file(re, &sol, &d), IO_OK);
    cr_expect(sol->has_baseline, "\"changes\" present");
    int n = model_count_changes(less, sol, first);
    cr_expect_gt(n, 0);
    cr_expect_eq(sol->n_changes, n);

    /* a baseline that cannot be read: exit 2 */
    args = fmt("plan %s --baseline /nonexistent-dir/base.json --quiet", pert);
    cr_expect_eq(run_cli(args), 2);
    free(args);
    args = fmt("plan %s --baseline %s --quiet", pert, pert); /* an instance, not a solution */
    cr_expect_eq(run_cli(args), 2);
    free(args);

    model_diag_free(&d);
    model_solution_destroy(sol);
    model_solution_destroy(first);
    model_instance_destroy(less);
    model_instance_destroy(inst);
    remove(base);
    remove(pert);
    remove(re);
    free(base);
    free(pert);
    free(re);
}

Test(cli, exit_codes)
{
    cr_expect_eq(run_cli("plan " COHORT_SOURCE_DIR "/datasets/fixtures/tiny.json -o "
                         "/tmp/cohort_test_plan.json --quiet"),
                 0);
    cr_expect_eq(run_cli("check " COHORT_SOURCE_DIR "/datasets/fixtures/tiny.json "
                         "/tmp/cohort_test_plan.json"),
                 0);
    remove("/tmp/cohort_test_plan.json");
    cr_expect_eq(run_cli("plan " COHORT_SOURCE_DIR "/datasets/fixtures/invalid-refs.json --quiet"),
                 2);
    /* an infeasible program: exit 3 */
    char *t1 = type_t1(2, 10, NULL);
    char *json = program(NULL, NULL, t1, "{\"id\":\"g1\",\"type\":\"t1\"}",
                         "{\"id\":\"r1\",\"capacity\":4,\"available\":" MON_ALL "}",
                         "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MON_ALL "}",
                         "");
    free(t1);
    FILE *f = fopen("/tmp/cohort_test_infeasible.json", "w");
    cr_assert_not_null(f);
    fputs(json, f);
    fclose(f);
    free(json);
    cr_expect_eq(run_cli("plan /tmp/cohort_test_infeasible.json --quiet"), 3);
    remove("/tmp/cohort_test_infeasible.json");
    cr_expect_eq(run_cli("plan"), 2);
    cr_expect_eq(run_cli("plan x.json --time-limit abc"), 2);
}
