/* test_relax.c - relaxed plans of infeasible programs (solver/relax.c), the
 * checker's treatment of declared exceptions (model/exceptions.c), and
 * diagnosis lines that hold on their own (solver/diagnose.c).
 *
 * Small programs written inline (Mondays and Tuesdays, slots 10:00 and
 * 18:00, type t1 needing credential A), plus the sample program with one
 * SUD holder, the case that issue 14 measured. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "io.h"
#include "model.h"
#include "solver.h"
#include "sv.h"

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    cr_assert_not_null(s);
    va_start(ap, f);
    vsnprintf(s, (size_t)n + 1, f, ap);
    va_end(ap);
    return s;
}

#define MONTUE                                                                              \
    "[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"22:00\"},{\"day\":\"tue\",\"from\":\"08:00\"," \
    "\"to\":\"22:00\"}]"
#define MON_AM "[{\"day\":\"mon\",\"from\":\"09:00\",\"to\":\"12:00\"}]"
#define MON_PM "[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}]"
#define TUE_ALL "[{\"day\":\"tue\",\"from\":\"08:00\",\"to\":\"22:00\"}]"

/* The program text: settings, groups, facilitators and patients given; two
 * types (t1 needs A, t2 needs ART; both 60 minutes, min 2 unless min1 > 0),
 * rooms r1, r2 of capacity 6 available Monday and Tuesday. */
static char *program(const char *settings, int min1, const char *groups, const char *facs,
                     const char *pats)
{
    return fmt("{\"program\":{\"name\":\"relax\",\"horizon\":{\"start\":\"2025-01-06\","
               "\"weeks\":4},\"days\":[\"mon\",\"tue\"],\"slot_starts\":[\"10:00\",\"18:00\"]},"
               "\"settings\":{%s},\"group_types\":["
               "{\"id\":\"t1\",\"name\":\"Anxiety\",\"rate\":50,\"duration_min\":60,"
               "\"min_size\":%d,\"max_size\":6,\"required_credentials\":[\"A\"],"
               "\"diagnoses\":[\"F41\"],\"modality\":\"in_person\",\"cadence\":\"weekly\"},"
               "{\"id\":\"t2\",\"name\":\"Art therapy\",\"rate\":50,\"duration_min\":60,"
               "\"min_size\":2,\"max_size\":6,\"required_credentials\":[\"ART\"],"
               "\"diagnoses\":[\"F41\"],\"modality\":\"in_person\",\"cadence\":\"weekly\"}],"
               "\"groups\":[%s],\"rooms\":["
               "{\"id\":\"r1\",\"capacity\":6,\"features\":[],\"available\":" MONTUE "},"
               "{\"id\":\"r2\",\"capacity\":6,\"features\":[],\"available\":" MONTUE "}],"
               "\"facilitators\":[%s],\"patients\":[%s]}",
               settings ? settings : "\"time_limit_s\":5", min1 > 0 ? min1 : 2, groups, facs,
               pats);
}

/* n waitlisted F41 patients p1..pn free at avail (MONTUE when NULL),
 * then the extra patients text when given. */
static char *patients(int n, const char *avail, const char *extra)
{
    char *s = fmt("%s", "");
    for (int i = 1; i <= n; i++) {
        char *t = fmt("%s%s{\"id\":\"p%d\",\"diagnoses\":[\"F41\"],\"available\":%s,"
                      "\"added\":\"2024-12-01\",\"screened\":true,\"insurance_verified\":true}",
                      s, i > 1 ? "," : "", i, avail ? avail : MONTUE);
        free(s);
        s = t;
    }
    if (extra) {
        char *t = fmt("%s%s%s", s, n > 0 ? "," : "", extra);
        free(s);
        s = t;
    }
    return s;
}

static model_instance *parse(char *json)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = io_instance_parse(json, strlen(json), &inst, &d);
    for (int i = 0; i < d.n_errors; i++)
        cr_log_error("%s: %s", d.errors[i].path, d.errors[i].message);
    cr_assert_eq(rc, IO_OK, "test instance must parse");
    model_diag_free(&d);
    free(json);
    return inst;
}

/* program() that frees pats. */
static char *program_owning(const char *settings, int min1, const char *groups,
                            const char *facs, char *pats)
{
    char *text = program(settings, min1, groups, facs, pats);
    free(pats);
    return text;
}

static model_instance *build(const char *settings, int min1, const char *groups,
                             const char *facs, char *pats)
{
    return parse(program_owning(settings, min1, groups, facs, pats));
}

static model_solution *plan(const model_instance *inst)
{
    solver_options o;
    solver_options_default(&o);
    model_solution *sol = NULL;
    cr_assert_eq(solver_plan(inst, &o, &sol), SOLVER_OK);
    cr_assert_not_null(sol);
    return sol;
}

/* Check sol; log and count violations and mismatches. */
static int check_count(const model_instance *inst, const model_solution *sol,
                       model_check_report *keep)
{
    model_check_report rep;
    cr_assert_eq(model_check(inst, sol, &rep), MODEL_OK);
    for (int i = 0; i < rep.n_violations; i++)
        cr_log_info("rule %d: %s: %s", rep.violations[i].rule, rep.violations[i].entity,
                    rep.violations[i].message);
    for (int i = 0; i < rep.n_mismatches; i++)
        cr_log_info("%s: %s", rep.mismatches[i].field, rep.mismatches[i].message);
    int n = rep.n_violations + rep.n_mismatches;
    if (keep)
        *keep = rep;
    else
        model_check_report_free(&rep);
    return n;
}

static const model_exception *exception_of(const model_solution *sol, int rule, const char *g)
{
    for (int i = 0; i < sol->n_exceptions; i++)
        if (sol->exceptions[i].rule == rule && strcmp(sol->exceptions[i].group, g) == 0)
            return &sol->exceptions[i];
    return NULL;
}

static const model_sol_group *sgroup(const model_solution *sol, const char *id)
{
    for (int i = 0; i < sol->n_groups; i++)
        if (strcmp(sol->groups[i].id, id) == 0)
            return &sol->groups[i];
    return NULL;
}

static void log_exceptions(const model_solution *sol)
{
    for (int i = 0; i < sol->n_exceptions; i++)
        cr_log_info("exception rule %d %s: %s", sol->exceptions[i].rule,
                    sol->exceptions[i].group, sol->exceptions[i].why);
}

/* g1 (t1) with one A holder (fa): no substitute is possible. */
static model_instance *one_holder(const char *settings)
{
    return build(settings, 0, "{\"id\":\"g1\",\"type\":\"t1\"}",
                 "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MONTUE "},"
                 "{\"id\":\"fb\",\"credentials\":[\"B\"],\"available\":" MONTUE "}",
                 patients(4, NULL, NULL));
}

/* ---------------------------------------------------------- relaxed plans */

Test(relax, one_holder_runs_without_substitute)
{
    model_instance *inst = one_holder(NULL);
    model_solution *sol = plan(inst);
    log_exceptions(sol);
    cr_expect_eq(sol->status, MODEL_STATUS_INFEASIBLE);
    cr_expect_gt(sol->diagnosis.n, 0, "the diagnosis stays");
    const model_sol_group *g = sgroup(sol, "g1");
    cr_assert_not_null(g);
    cr_expect(g->running);
    cr_expect_null(g->substitute);
    cr_expect_eq(g->members.n, 4, "everyone placed");
    cr_assert_eq(sol->n_exceptions, 1);
    const model_exception *e = exception_of(sol, 5, "g1");
    cr_assert_not_null(e);
    cr_expect_str_eq(e->why,
                     "group g1: only one facilitator (fa) holds A, so no designated substitute "
                     "is possible");
    cr_expect_eq(e->facilitators.n, 1);
    model_check_report rep;
    cr_expect_eq(check_count(inst, sol, &rep), 0, "check accepts the declared exception");
    cr_expect_eq(rep.exceptions_accepted, 1);
    model_check_report_free(&rep);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(relax, on_infeasible_fail_gives_no_schedule)
{
    model_instance *inst = one_holder("\"time_limit_s\":5,\"on_infeasible\":\"fail\"");
    cr_assert_eq(inst->settings.on_infeasible, MODEL_ON_INFEASIBLE_FAIL);
    model_solution *sol = plan(inst);
    cr_expect_eq(sol->status, MODEL_STATUS_INFEASIBLE);
    cr_expect_gt(sol->diagnosis.n, 0);
    cr_expect_eq(sol->n_groups, 0, "no schedule");
    cr_expect_eq(sol->n_exceptions, 0);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(relax, removing_an_exception_makes_check_fail)
{
    model_instance *inst = one_holder(NULL);
    model_solution *sol = plan(inst);
    cr_assert_eq(sol->n_exceptions, 1);
    model_exception_free(&sol->exceptions[0]);
    sol->n_exceptions = 0;
    model_check_report rep;
    cr_assert_eq(check_count(inst, sol, &rep), 1);
    cr_expect_eq(rep.violations[0].rule, 5);
    cr_expect_str_eq(rep.violations[0].entity, "group:g1");
    model_check_report_free(&rep);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

/* Add exception {rule, group} to sol. */
static void declare(model_solution *sol, int rule, const char *group)
{
    model_exception e;
    memset(&e, 0, sizeof e);
    e.rule = rule;
    e.group = (char *)group;
    e.why = (char *)"declared by the test";
    cr_assert_eq(model_solution_add_exception(sol, &e), MODEL_OK);
}

Test(relax, fake_exceptions_are_reported)
{
    /* two A holders: g1 runs with a substitute, every rule holds */
    model_instance *inst = build(NULL, 0, "{\"id\":\"g1\",\"type\":\"t1\"}",
                                 "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MONTUE
                                 "},{\"id\":\"fb\",\"credentials\":[\"A\"],\"available\":" MONTUE
                                 "}",
                                 patients(4, NULL, NULL));
    model_solution *sol = plan(inst);
    cr_assert_eq(sol->status, MODEL_STATUS_OPTIMAL);
    cr_assert_eq(check_count(inst, sol, NULL), 0);
    declare(sol, 5, "g1"); /* it has a substitute */
    declare(sol, 8, "g1"); /* it has 4 members, min_size 2 */
    declare(sol, 1, "g1"); /* it runs */
    declare(sol, 3, "g1"); /* rule 3 never gives way */
    declare(sol, 5, "nope");
    model_check_report rep;
    cr_assert_eq(check_count(inst, sol, &rep), 5);
    int rules[4] = {0};
    for (int i = 0; i < rep.n_violations; i++) {
        cr_expect(strncmp(rep.violations[i].entity, "exception:", 10) == 0, "entity %s",
                  rep.violations[i].entity);
        for (int k = 0; k < 4; k++)
            rules[k] += rep.violations[i].rule == (int[]){1, 3, 5, 8}[k];
    }
    cr_expect_eq(rules[0], 1);
    cr_expect_eq(rules[1], 1);
    cr_expect_eq(rules[2], 2);
    cr_expect_eq(rules[3], 1);
    model_check_report_free(&rep);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(relax, mandatory_group_nobody_can_lead_does_not_run)
{
    model_instance *inst = build(NULL, 0,
                                 "{\"id\":\"g1\",\"type\":\"t1\"},{\"id\":\"art\",\"type\":\"t2\"}",
                                 "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MONTUE
                                 "},{\"id\":\"fb\",\"credentials\":[\"A\"],\"available\":" MONTUE
                                 "}",
                                 patients(6, NULL, NULL));
    model_solution *sol = plan(inst);
    log_exceptions(sol);
    cr_expect_eq(sol->status, MODEL_STATUS_INFEASIBLE);
    cr_assert_eq(sol->n_exceptions, 1, "only the group nobody can lead gives way");
    const model_exception *e = exception_of(sol, 1, "art");
    cr_assert_not_null(e);
    cr_expect(strstr(e->why, "no facilitator holds") != NULL, "why: %s", e->why);
    const model_sol_group *g1 = sgroup(sol, "g1");
    cr_assert_not_null(g1);
    cr_expect(g1->running, "the rest is planned");
    cr_expect_not_null(g1->substitute);
    cr_expect_eq(g1->members.n, 6);
    cr_expect_eq(check_count(inst, sol, NULL), 0);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(relax, continuing_group_runs_below_min_size)
{
    /* g1 keeps 2 continuing members; min_size 4; the only waitlisted
     * patients have another diagnosis */
    model_instance *inst = build(
        NULL, 4,
        "{\"id\":\"g1\",\"type\":\"t1\",\"members\":[{\"patient\":\"m1\",\"status\":\"active\"},"
        "{\"patient\":\"m2\",\"status\":\"active\"}]}",
        "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MONTUE
        "},{\"id\":\"fb\",\"credentials\":[\"A\"],\"available\":" MONTUE "}",
        patients(0, NULL,
                 "{\"id\":\"m1\",\"diagnoses\":[\"F41\"],\"available\":" MONTUE
                 ",\"added\":\"2024-12-01\",\"screened\":true,\"insurance_verified\":true},"
                 "{\"id\":\"m2\",\"diagnoses\":[\"F41\"],\"available\":" MONTUE
                 ",\"added\":\"2024-12-01\",\"screened\":true,\"insurance_verified\":true},"
                 "{\"id\":\"x1\",\"diagnoses\":[\"F99\"],\"available\":" MONTUE
                 ",\"added\":\"2024-12-01\",\"screened\":true,\"insurance_verified\":true}"));
    model_solution *sol = plan(inst);
    log_exceptions(sol);
    cr_expect_eq(sol->status, MODEL_STATUS_INFEASIBLE);
    const model_sol_group *g1 = sgroup(sol, "g1");
    cr_assert_not_null(g1);
    cr_expect(g1->running);
    cr_expect_eq(g1->members.n, 2);
    cr_expect_not_null(g1->substitute, "a substitute is not given up for nothing");
    cr_assert_eq(sol->n_exceptions, 1);
    const model_exception *e = exception_of(sol, 8, "g1");
    cr_assert_not_null(e);
    cr_expect_eq(e->patients.n, 2);
    cr_expect_eq(check_count(inst, sol, NULL), 0);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

/* The sample with one SUD holder (torres): issue 14's measured case. */
Test(relax, sample_with_one_sud_holder, .timeout = 120)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    cr_assert_eq(io_instance_read_file(COHORT_SOURCE_DIR "/datasets/sample.json", &inst, &d),
                 IO_OK);
    model_diag_free(&d);
    inst->settings.time_limit_s = 5;
    for (int f = 0; f < inst->n_facilitators; f++) {
        model_strlist *c = &inst->facilitators[f].credentials;
        int k = model_strlist_find(c, "SUD");
        if (k >= 0 && strcmp(inst->facilitators[f].id, "torres") != 0) {
            free(c->items[k]);
            c->items[k] = c->items[--c->n];
        }
    }
    model_solution *sol = plan(inst);
    log_exceptions(sol);
    cr_expect_eq(sol->status, MODEL_STATUS_INFEASIBLE);
    cr_expect_gt(sol->diagnosis.n, 0);
    const model_sol_group *sud = sgroup(sol, "sud-tue-eve");
    cr_assert_not_null(sud);
    cr_expect(sud->running, "the SUD group runs");
    cr_expect_not_null(exception_of(sol, 5, "sud-tue-eve"));
    for (int i = 0; i < sol->n_exceptions; i++)
        cr_expect(sol->exceptions[i].rule == 5 &&
                      strncmp(sol->exceptions[i].group, "sud-", 4) == 0,
                  "only SUD groups lose their substitute (%s)", sol->exceptions[i].group);
    cr_expect_eq(check_count(inst, sol, NULL), 0);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

/* ---------------------------------------------------------- command line */

static int run_cli(const char *args)
{
    char *cmd = fmt("%s %s >/dev/null 2>&1", COHORT_BINARY, args);
    int st = system(cmd);
    free(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_text(const char *path, char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
}

#define ONE_SUD COHORT_SOURCE_DIR "/datasets/fixtures/relax/one-sud.json"

Test(cli, one_sud_counsellor_exit_3_relaxed_plan_checked)
{
    cr_expect_eq(run_cli("plan " ONE_SUD " -o /tmp/cohort_one_sud.json"), 3);
    model_diag d;
    model_diag_init(&d);
    model_solution *sol = NULL;
    cr_assert_eq(io_solution_read_file("/tmp/cohort_one_sud.json", &sol, &d), IO_OK);
    model_diag_free(&d);
    cr_expect_eq(sol->status, MODEL_STATUS_INFEASIBLE);
    cr_expect_gt(sol->diagnosis.n, 0);
    const model_sol_group *g = sgroup(sol, "sud-1");
    cr_assert_not_null(g);
    cr_expect(g->running, "the SUD group runs");
    cr_expect_null(g->substitute);
    cr_assert_eq(sol->n_exceptions, 1);
    const model_exception *e = exception_of(sol, 5, "sud-1");
    cr_assert_not_null(e);
    cr_expect_str_eq(e->why, "group sud-1: only one facilitator (F003) holds SUD, so no "
                             "designated substitute is possible");
    model_instance *inst = NULL;
    model_diag_init(&d);
    cr_assert_eq(io_instance_read_file(ONE_SUD, &inst, &d), IO_OK);
    model_diag_free(&d);
    cr_expect_eq(check_count(inst, sol, NULL), 0, "model_check accepts it with its exception");
    model_instance_destroy(inst);
    model_solution_destroy(sol);
    cr_expect_eq(run_cli("check " ONE_SUD " /tmp/cohort_one_sud.json"), 0);
    remove("/tmp/cohort_one_sud.json");
}

Test(cli, relaxed_plan_exit_3_and_check_accepts_it)
{
    write_text("/tmp/cohort_relax_in.json",
               program_owning(NULL, 0, "{\"id\":\"g1\",\"type\":\"t1\"}",
                       "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MONTUE "}",
                       patients(3, NULL, NULL)));
    cr_expect_eq(run_cli("plan /tmp/cohort_relax_in.json -o /tmp/cohort_relax_out.json"), 3);
    model_diag d;
    model_diag_init(&d);
    model_solution *sol = NULL;
    cr_assert_eq(io_solution_read_file("/tmp/cohort_relax_out.json", &sol, &d), IO_OK);
    model_diag_free(&d);
    cr_expect_eq(sol->status, MODEL_STATUS_INFEASIBLE);
    cr_assert_eq(sol->n_exceptions, 1);
    cr_expect_eq(sol->exceptions[0].rule, 5);
    cr_expect_str_eq(sol->exceptions[0].group, "g1");
    model_solution_destroy(sol);
    cr_expect_eq(run_cli("check /tmp/cohort_relax_in.json /tmp/cohort_relax_out.json"), 0);
    write_text("/tmp/cohort_relax_bad.json",
               program_owning("\"on_infeasible\":\"maybe\"", 0,
                              "{\"id\":\"g1\",\"type\":\"t1\"}",
                       "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MONTUE "}",
                       patients(3, NULL, NULL)));
    cr_expect_eq(run_cli("plan /tmp/cohort_relax_bad.json --quiet"), 2);
    cr_expect_eq(run_cli("validate /tmp/cohort_relax_bad.json | grep -q settings.on_infeasible"),
                 0);
    remove("/tmp/cohort_relax_in.json");
    remove("/tmp/cohort_relax_out.json");
    remove("/tmp/cohort_relax_bad.json");
}

/* ------------------------------------------------- diagnosis, line by line */

static int diag_has(const model_solution *sol, const char *text)
{
    for (int i = 0; i < sol->diagnosis.n; i++)
        if (strstr(sol->diagnosis.items[i], text))
            return 1;
    return 0;
}

static model_solution *diagnose(model_instance *inst)
{
    inst->settings.on_infeasible = MODEL_ON_INFEASIBLE_FAIL;
    model_solution *sol = plan(inst);
    for (int i = 0; i < sol->diagnosis.n; i++)
        cr_log_info("diagnosis: %s", sol->diagnosis.items[i]);
    cr_expect_eq(sol->status, MODEL_STATUS_INFEASIBLE);
    return sol;
}

Test(diagnosis, two_causes_on_one_group_give_two_true_lines)
{
    /* g1 pinned Monday 10:00: one A holder (no substitute), and min_size 4
     * with only 2 patients free then (3 more are free Monday evening) */
    char *pats = patients(2, MON_AM, NULL);
    char *more = fmt("%s,{\"id\":\"q1\",\"diagnoses\":[\"F41\"],\"available\":" MON_PM
                     ",\"added\":\"2024-12-01\",\"screened\":true,\"insurance_verified\":true},"
                     "{\"id\":\"q2\",\"diagnoses\":[\"F41\"],\"available\":" MON_PM
                     ",\"added\":\"2024-12-01\",\"screened\":true,\"insurance_verified\":true},"
                     "{\"id\":\"q3\",\"diagnoses\":[\"F41\"],\"available\":" MON_PM
                     ",\"added\":\"2024-12-01\",\"screened\":true,\"insurance_verified\":true}",
                     pats);
    free(pats);
    model_instance *inst = build(
        NULL, 4,
        "{\"id\":\"g1\",\"type\":\"t1\",\"pinned\":{\"day\":\"mon\",\"start\":\"10:00\"}}",
        "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MONTUE "}", more);
    model_solution *sol = diagnose(inst);
    cr_expect(diag_has(sol, "group g1 needs a substitute holding A"));
    cr_expect(diag_has(sol, "group g1 needs at least 4 members (min_size) but has 0 continuing "
                            "members and only 2 eligible waitlisted patients free at any of its "
                            "pinned times"));
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(diagnosis, min_size_counts_patients_at_its_own_times)
{
    /* g1 pinned Monday 10:00 where 5 patients are free, but the second A
     * holder (the substitute) works Tuesdays only: the facilitator cause
     * is the only line, the patients are not said to be missing */
    model_instance *inst = build(
        NULL, 4,
        "{\"id\":\"g1\",\"type\":\"t1\",\"pinned\":{\"day\":\"mon\",\"start\":\"10:00\"}}",
        "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MONTUE "},"
        "{\"id\":\"fb\",\"credentials\":[\"A\"],\"available\":" TUE_ALL "}",
        patients(5, MON_AM, NULL));
    model_solution *sol = diagnose(inst);
    cr_expect(diag_has(sol, "group g1: no start time has both a facilitator and a substitute "
                            "holding A available"));
    cr_expect(!diag_has(sol, "min_size"), "no line about too few patients");
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(diagnosis, pre_checks_stop_at_their_deadline)
{
    /* three must-run art groups nobody can lead: one line each, unless the
     * deadline has passed, when the pre-checks stop after the first group */
    model_instance *inst = build(NULL, 0,
                                 "{\"id\":\"a1\",\"type\":\"t2\"},{\"id\":\"a2\",\"type\":\"t2\"},"
                                 "{\"id\":\"a3\",\"type\":\"t2\"}",
                                 "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MONTUE "}",
                                 patients(6, NULL, NULL));
    solver_options o;
    solver_options_default(&o);
    sv_prob pr;
    cr_assert_eq(sv_prob_init(&pr, inst, &o), SOLVER_OK);
    model_strlist all = {0}, cut = {0};
    cr_assert_eq(sv_precheck(&pr, &all, sv_now() + 60), 3);
    cr_assert_eq(sv_precheck(&pr, &cut, sv_now() - 1), 1);
    cr_expect(strstr(cut.items[0], "group a1") != NULL, "%s", cut.items[0]);
    model_strlist_free(&all);
    model_strlist_free(&cut);
    sv_prob_free(&pr);
    model_instance_destroy(inst);
}
