/* test_solver.c - the planner (solver_plan) and `cohort plan`.
 *
 * Small programs written inline whose optimum is computed by hand (default
 * weights: placement 100, wait 2/week, priority 10, empty seat 5, load
 * balance 1), every rule family the planner must respect, an infeasible
 * program per diagnosis kind (test_solver/infeasible.c), the sample
 * program, model export, re-planning against a baseline, the command line
 * (test_solver/cli.c) and wall-clock time limits (test_solver/time_limit.c).
 * Every schedule plan returns here goes through the independent checker
 * (model_check).  What the files share: test_solver/fixture.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#endif
#include <criterion/criterion.h>
#include <ctype.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "io.h"
#include "model.h"
#include "solver.h"
#include "bench.h"
#include "test_solver/fixture.h"

/* ------------------------------------------------------------ helpers */

char *fmt(const char *f, ...)
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

/* A program on Mondays (and Tuesdays when days says so), 4 weeks from
 * 2025-01-06, slots 10:00 and 18:00, with the given sections. */
char *program(const char *days, const char *settings, const char *types,
              const char *groups, const char *rooms, const char *facs, const char *pats)
{
    return fmt("{\"program\":{\"name\":\"test\",\"horizon\":{\"start\":\"2025-01-06\",\"weeks\":4},"
               "\"days\":%s,\"slot_starts\":[\"10:00\",\"18:00\"]},"
               "\"settings\":{%s},\"group_types\":[%s],\"groups\":[%s],\"rooms\":[%s],"
               "\"facilitators\":[%s],\"patients\":[%s]}",
               days ? days : "[\"mon\"]", settings ? settings : "", types, groups, rooms, facs,
               pats);
}

/* Type t1: 60 minutes, in person, weekly, credential A, diagnoses F41. */
char *type_t1(int min, int max, const char *extra)
{
    return fmt("{\"id\":\"t1\",\"name\":\"Anxiety\",\"rate\":50,\"duration_min\":60,"
               "\"min_size\":%d,\"max_size\":%d,\"required_credentials\":[\"A\"],"
               "\"diagnoses\":[\"F41\"],\"modality\":\"in_person\",\"cadence\":\"weekly\"%s%s}",
               min, max, extra ? "," : "", extra ? extra : "");
}

char *room(const char *id, int cap, const char *avail)
{
    return fmt("{\"id\":\"%s\",\"capacity\":%d,\"features\":[],\"available\":%s}", id, cap,
               avail ? avail : MONTUE_ALL);
}

char *fac(const char *id, const char *creds, const char *extra)
{
    return fmt("{\"id\":\"%s\",\"credentials\":%s,\"available\":" MONTUE_ALL "%s%s}", id, creds,
               extra ? "," : "", extra ? extra : "");
}

/* A waitlisted patient with F41, screened and verified, added at the
 * horizon start (no wait), priority 0 unless extra says otherwise. */
char *pat(const char *id, const char *avail, const char *extra)
{
    return fmt("{\"id\":\"%s\",\"diagnoses\":[\"F41\"],\"available\":%s,\"added\":\"2025-01-06\","
               "\"screened\":true,\"insurance_verified\":true%s%s}",
               id, avail ? avail : MON_ALL, extra ? "," : "", extra ? extra : "");
}

/* Join n malloc'd strings with commas (frees them). */
char *join(int n, ...)
{
    va_list ap;
    size_t len = 1;
    char **parts = malloc(sizeof(char *) * (size_t)(n + 1));
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        parts[i] = va_arg(ap, char *);
        len += strlen(parts[i]) + 1;
    }
    va_end(ap);
    char *s = malloc(len);
    s[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(s, ",");
        strcat(s, parts[i]);
        free(parts[i]);
    }
    free(parts);
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

model_instance *build(const char *days, const char *settings, char *types, char *groups,
                      char *rooms, char *facs, char *pats)
{
    char *json = program(days, settings, types, groups, rooms, facs, pats);
    free(types);
    free(groups);
    free(rooms);
    free(facs);
    free(pats);
    return parse(json);
}

/* Plan with a time limit; every schedule is checked independently. */
model_solution *plan(const model_instance *inst, double tl)
{
    solver_options o;
    solver_options_default(&o);
    o.time_limit_s = tl;
    model_solution *sol = NULL;
    int rc = solver_plan(inst, &o, &sol);
    cr_assert_eq(rc, SOLVER_OK, "solver_plan returned %d", rc);
    cr_assert_not_null(sol);
    if (sol->status == MODEL_STATUS_OPTIMAL || sol->status == MODEL_STATUS_FEASIBLE) {
        model_check_report rep;
        cr_assert_eq(model_check(inst, sol, &rep), MODEL_OK);
        for (int i = 0; i < rep.n_violations; i++)
            cr_log_error("rule %d: %s: %s", rep.violations[i].rule, rep.violations[i].entity,
                         rep.violations[i].message);
        for (int i = 0; i < rep.n_mismatches; i++)
            cr_log_error("%s: %s", rep.mismatches[i].field, rep.mismatches[i].message);
        cr_expect_eq(rep.n_violations, 0, "the checker finds violations");
        cr_expect_eq(rep.n_mismatches, 0, "the checker finds misreported figures");
        model_check_report_free(&rep);
        cr_expect(sol->bound >= sol->objective - 1e-6, "bound %.4f below objective %.4f",
                  sol->bound, sol->objective);
    }
    return sol;
}

static const model_sol_group *sgroup(const model_solution *sol, const char *id)
{
    for (int i = 0; i < sol->n_groups; i++)
        if (strcmp(sol->groups[i].id, id) == 0)
            return &sol->groups[i];
    cr_assert_fail("no group %s in the solution", id);
    return NULL;
}

static const model_sol_unplaced *unplaced(const model_solution *sol, const char *pid)
{
    for (int i = 0; i < sol->n_unplaced; i++)
        if (strcmp(sol->unplaced[i].patient, pid) == 0)
            return &sol->unplaced[i];
    return NULL;
}

/* Some reason of patient pid contains text. */
static int reason_has(const model_solution *sol, const char *pid, const char *text)
{
    const model_sol_unplaced *u = unplaced(sol, pid);
    if (!u)
        return 0;
    for (int i = 0; i < u->reasons.n; i++)
        if (strstr(u->reasons.items[i], text))
            return 1;
    for (int i = 0; u && i < u->reasons.n; i++)
        cr_log_info("%s: %s", pid, u->reasons.items[i]);
    return 0;
}

int diag_has(const model_solution *sol, const char *text)
{
    for (int i = 0; i < sol->diagnosis.n; i++)
        if (strstr(sol->diagnosis.items[i], text))
            return 1;
    for (int i = 0; i < sol->diagnosis.n; i++)
        cr_log_info("diagnosis: %s", sol->diagnosis.items[i]);
    return 0;
}

static void expect_objective(const model_solution *sol, double want)
{
    cr_assert(sol->status == MODEL_STATUS_OPTIMAL || sol->status == MODEL_STATUS_FEASIBLE,
              "status %s", model_solution_status_name(sol->status));
    cr_expect_float_eq(sol->objective, want, 1e-6, "objective %.4f, hand optimum %.4f",
                       sol->objective, want);
}

/* ------------------------------------------------- hand-computed optima */

Test(plan, one_group_three_patients)
{
    /* 3 placements (300), one empty seat (-5), loads 1 and 0 (-1) */
    model_instance *inst =
        build(NULL, NULL, type_t1(2, 4, NULL), fmt("{\"id\":\"g1\",\"type\":\"t1\"}"),
              room("r1", 4, NULL), join(2, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL)),
              join(3, pat("p1", NULL, NULL), pat("p2", NULL, NULL), pat("p3", NULL, NULL)));
    model_solution *sol = plan(inst, 10);
    expect_objective(sol, 294);
    cr_expect_eq(sol->status, MODEL_STATUS_OPTIMAL);
    const model_sol_group *g = sgroup(sol, "g1");
    cr_expect(g->running);
    cr_expect_eq(g->new_members.n, 3);
    cr_expect_eq(g->facilitators.n, 1);
    cr_expect_not_null(g->substitute);
    cr_expect_str_neq(g->substitute, g->facilitators.items[0]);
    cr_expect_eq(sol->n_sessions, 4, "4 weekly sessions");
    cr_expect_eq(sol->metrics.placed, 3);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, start_time_follows_the_patients_windows)
{
    /* four fit 18:00 only, one 10:00 only, max 5: 18:00 gives 400 - 5 - 1 */
    model_instance *inst = build(
        NULL, NULL, type_t1(2, 5, NULL), fmt("{\"id\":\"g1\",\"type\":\"t1\"}"),
        room("r1", 5, NULL), join(2, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL)),
        join(5, pat("p1", EVE, NULL), pat("p2", EVE, NULL), pat("p3", EVE, NULL),
             pat("p4", EVE, NULL), pat("p5", MORN, NULL)));
    model_solution *sol = plan(inst, 10);
    expect_objective(sol, 394);
    cr_expect_eq(sgroup(sol, "g1")->start, 18 * 60);
    cr_expect(reason_has(sol, "p5", "no running Anxiety group meets inside the patient's windows"));
    cr_expect(reason_has(sol, "p5", "mon 09:00-12:00"));
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, longest_wait_and_priority_first)
{
    /* two seats: p1 priority 3 (130), p2 waited 10 weeks (120), p3 (100) */
    model_instance *inst = build(
        NULL, NULL, type_t1(2, 2, NULL), fmt("{\"id\":\"g1\",\"type\":\"t1\"}"),
        room("r1", 4, NULL), join(2, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL)),
        join(3, pat("p1", NULL, "\"priority\":3"), fmt("{\"id\":\"p2\",\"diagnoses\":[\"F41\"],"
                                                       "\"available\":" MON_ALL ",\"added\":"
                                                       "\"2024-10-28\",\"screened\":true,"
                                                       "\"insurance_verified\":true}"),
             pat("p3", NULL, NULL)));
    model_solution *sol = plan(inst, 10);
    expect_objective(sol, 130 + 120 - 1);
    cr_expect(reason_has(sol, "p3", "group g1 is full"));
    cr_expect_float_eq(sol->terms.wait, 20, 1e-9);
    cr_expect_float_eq(sol->terms.priority, 30, 1e-9);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, optional_group_opens_only_when_it_pays)
{
    /* 6 patients, min 3 max 4: g1 (must) 3 + g2 (optional) 3 = 600 - 10 - 1
     * beats g1 alone with 4 (400 - 1); with 5 patients g2 cannot reach 3 */
    char *types = type_t1(3, 4, NULL);
    char *groups = fmt("{\"id\":\"g1\",\"type\":\"t1\"},{\"id\":\"g2\",\"type\":\"t1\","
                       "\"optional\":true}");
    char *rooms = join(2, room("r1", 4, NULL), room("r2", 4, NULL));
    char *facs = join(3, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL),
                      fac("fc", "[\"A\"]", NULL));
    model_instance *inst =
        build(NULL, NULL, types, groups, rooms, facs,
              join(6, pat("p1", NULL, NULL), pat("p2", NULL, NULL), pat("p3", NULL, NULL),
                   pat("p4", NULL, NULL), pat("p5", NULL, NULL), pat("p6", NULL, NULL)));
    model_solution *sol = plan(inst, 10);
    expect_objective(sol, 600 - 10 - 1);
    cr_expect(sgroup(sol, "g2")->running);
    model_solution_destroy(sol);
    model_instance_destroy(inst);

    inst = build(NULL, NULL, type_t1(3, 4, NULL),
                 fmt("{\"id\":\"g1\",\"type\":\"t1\"},{\"id\":\"g2\",\"type\":\"t1\","
                     "\"optional\":true}"),
                 join(2, room("r1", 4, NULL), room("r2", 4, NULL)),
                 join(3, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL),
                      fac("fc", "[\"A\"]", NULL)),
                 join(5, pat("p1", NULL, NULL), pat("p2", NULL, NULL), pat("p3", NULL, NULL),
                      pat("p4", NULL, NULL), pat("p5", NULL, NULL)));
    sol = plan(inst, 10);
    expect_objective(sol, 400 - 1);
    cr_expect(!sgroup(sol, "g2")->running);
    cr_expect(reason_has(sol, "p1", "full") || reason_has(sol, "p5", "full") ||
              sol->n_unplaced == 1);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, high_acuity_limit)
{
    /* max 1 high-acuity member: one of h1..h3 and the low-acuity p1 */
    model_instance *inst =
        build(NULL, NULL, type_t1(2, 4, "\"composition\":{\"max_high_acuity\":1}"),
              fmt("{\"id\":\"g1\",\"type\":\"t1\"}"), room("r1", 4, NULL),
              join(2, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL)),
              join(4, pat("h1", NULL, "\"acuity\":\"high\""), pat("h2", NULL, "\"acuity\":\"high\""),
                   pat("h3", NULL, "\"acuity\":\"high\""), pat("p1", NULL, NULL)));
    model_solution *sol = plan(inst, 10);
    expect_objective(sol, 200 - 10 - 1);
    int n = reason_has(sol, "h1", "would exceed 1 high-acuity members in g1") +
            reason_has(sol, "h2", "would exceed 1 high-acuity members in g1") +
            reason_has(sol, "h3", "would exceed 1 high-acuity members in g1");
    cr_expect_eq(n, 2);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, age_spread_band)
{
    /* spread 2: ages 14, 15, 16, 16 fit one band; 13 does not join them */
    model_instance *inst = build(
        NULL, NULL, type_t1(2, 6, "\"composition\":{\"max_age_spread\":2}"),
        fmt("{\"id\":\"g1\",\"type\":\"t1\"}"), room("r1", 6, NULL),
        join(2, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL)),
        join(5, pat("a13", NULL, "\"age\":13"), pat("a14", NULL, "\"age\":14"),
             pat("a15", NULL, "\"age\":15"), pat("a16", NULL, "\"age\":16"),
             pat("b16", NULL, "\"age\":16")));
    model_solution *sol = plan(inst, 10);
    expect_objective(sol, 400 - 10 - 1);
    cr_expect(reason_has(sol, "a13", "age spread"));
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, new_member_share_and_held_members)
{
    /* m1, m2 active and m3 on hold occupy seats (m4 graduated does not);
     * share 0.4 with 3 continuing allows 2 new: 200 - 5 * (6 - 5) - 1 */
    char *groups = fmt("{\"id\":\"g1\",\"type\":\"t1\",\"members\":["
                       "{\"patient\":\"m1\",\"status\":\"active\"},"
                       "{\"patient\":\"m2\",\"status\":\"active\"},"
                       "{\"patient\":\"m3\",\"status\":\"hold_clinical\"},"
                       "{\"patient\":\"m4\",\"status\":\"graduated\"}]}");
    model_instance *inst = build(
        NULL, NULL, type_t1(2, 6, "\"composition\":{\"max_new_share\":0.4}"), groups,
        room("r1", 6, NULL), join(2, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL)),
        join(8, pat("m1", NULL, NULL), pat("m2", NULL, NULL), pat("m3", NULL, NULL),
             pat("m4", NULL, NULL), pat("p1", NULL, NULL), pat("p2", NULL, NULL),
             pat("p3", NULL, NULL), pat("p4", NULL, NULL)));
    model_solution *sol = plan(inst, 10);
    expect_objective(sol, 200 - 5 - 1);
    const model_sol_group *g = sgroup(sol, "g1");
    cr_expect_eq(g->members.n, 5);
    cr_expect_eq(g->new_members.n, 2);
    cr_expect_eq(sol->metrics.waitlist_before, 4, "m1..m4 are on a roster");
    cr_expect(reason_has(sol, "p1", "share of new members") ||
              reason_has(sol, "p3", "share of new members"));
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

/* --------------------------------------------------------- rule families */

Test(plan, biweekly_groups_alternate_weeks)
{
    /* one slot, one room: two biweekly groups must take different weeks */
    char *types = fmt("{\"id\":\"t1\",\"rate\":50,\"duration_min\":60,\"min_size\":2,"
                      "\"max_size\":4,\"required_credentials\":[\"A\"],\"diagnoses\":[\"F41\"],"
                      "\"modality\":\"in_person\",\"cadence\":\"biweekly\"}");
    char *json = program(NULL, NULL, types,
                         "{\"id\":\"g1\",\"type\":\"t1\",\"pinned\":{\"start\":\"18:00\"}},"
                         "{\"id\":\"g2\",\"type\":\"t1\",\"pinned\":{\"start\":\"18:00\"}}",
                         "{\"id\":\"r1\",\"capacity\":4,\"available\":" MON_ALL "}",
                         "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MON_ALL "},"
                         "{\"id\":\"fb\",\"credentials\":[\"A\"],\"available\":" MON_ALL "}",
                         "{\"id\":\"p1\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
                         ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true},"
                         "{\"id\":\"p2\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
                         ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true},"
                         "{\"id\":\"p3\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
                         ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true},"
                         "{\"id\":\"p4\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
                         ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}");
    free(types);
    model_instance *inst = parse(json);
    model_solution *sol = plan(inst, 10);
    cr_assert(sol->status == MODEL_STATUS_OPTIMAL || sol->status == MODEL_STATUS_FEASIBLE);
    const model_sol_group *a = sgroup(sol, "g1"), *b = sgroup(sol, "g2");
    cr_expect(a->running && b->running);
    cr_expect_neq(a->week_parity, b->week_parity);
    cr_expect_eq(sol->n_sessions, 4, "2 sessions each over 4 weeks");
    /* loads 0.5 each from both groups led by different people or 1 and 0 */
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, pinned_fields_are_kept)
{
    char *groups = fmt("{\"id\":\"g1\",\"type\":\"t1\",\"pinned\":{\"day\":\"tue\","
                       "\"start\":\"10:00\",\"room\":\"r2\",\"facilitators\":[\"fb\"],"
                       "\"substitute\":\"fc\"}}");
    model_instance *inst = build(
        "[\"mon\",\"tue\"]", NULL, type_t1(2, 4, NULL), groups,
        join(2, room("r1", 4, NULL), room("r2", 4, NULL)),
        join(3, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL), fac("fc", "[\"A\"]", NULL)),
        join(2, pat("p1", MONTUE_ALL, NULL), pat("p2", MONTUE_ALL, NULL)));
    model_solution *sol = plan(inst, 10);
    const model_sol_group *g = sgroup(sol, "g1");
    cr_assert(g->running);
    cr_expect_eq(g->day, 1);
    cr_expect_eq(g->start, 10 * 60);
    cr_expect_str_eq(g->room, "r2");
    cr_expect_str_eq(g->facilitators.items[0], "fb");
    cr_expect_str_eq(g->substitute, "fc");
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, min_break_between_groups)
{
    /* 60-minute groups at 10:00 and 11:00 cannot share a facilitator with a
     * 30-minute break; the checker verifies whatever plan chose */
    char *json = fmt(
        "{\"program\":{\"horizon\":{\"start\":\"2025-01-06\",\"weeks\":2},\"days\":[\"mon\"],"
        "\"slot_starts\":[\"10:00\",\"11:00\"]},\"settings\":{\"min_break_min\":30},"
        "\"group_types\":[{\"id\":\"t1\",\"rate\":50,\"duration_min\":60,\"min_size\":2,"
        "\"max_size\":4,\"required_credentials\":[\"A\"],\"diagnoses\":[\"F41\"],"
        "\"modality\":\"in_person\",\"cadence\":\"weekly\"}],"
        "\"groups\":[{\"id\":\"g1\",\"type\":\"t1\",\"pinned\":{\"start\":\"10:00\"}},"
        "{\"id\":\"g2\",\"type\":\"t1\",\"pinned\":{\"start\":\"11:00\"}}],"
        "\"rooms\":[{\"id\":\"r1\",\"capacity\":4,\"available\":" MON_ALL "}],"
        "\"facilitators\":[{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MON_ALL "},"
        "{\"id\":\"fb\",\"credentials\":[\"A\"],\"available\":" MON_ALL "},"
        "{\"id\":\"fc\",\"credentials\":[\"A\"],\"available\":" MON_ALL "}],"
        "\"patients\":[%s,%s,%s,%s]}",
        "{\"id\":\"p1\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
        ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}",
        "{\"id\":\"p2\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
        ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}",
        "{\"id\":\"p3\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
        ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}",
        "{\"id\":\"p4\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
        ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}");
    model_instance *inst = parse(json);
    model_solution *sol = plan(inst, 10);
    const model_sol_group *a = sgroup(sol, "g1"), *b = sgroup(sol, "g2");
    cr_assert(a->running && b->running);
    cr_expect_str_neq(a->facilitators.items[0], b->facilitators.items[0]);
    /* the substitute of g1 leads nothing within 30 minutes of it */
    cr_expect_str_neq(a->substitute, b->facilitators.items[0]);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

static model_instance *time_off_program(int with_third)
{
    /* fa (pinned primary) is off for weeks 1-3; fb substitutes at most 2
     * consecutive sessions; fc (when present) can cover the third */
    char *facs = with_third
                     ? join(3, fac("fa", "[\"A\"]", "\"time_off\":[{\"from\":\"2025-01-06\","
                                                    "\"to\":\"2025-01-26\"}]"),
                            fac("fb", "[\"A\"]", NULL), fac("fc", "[\"A\"]", NULL))
                     : join(2, fac("fa", "[\"A\"]", "\"time_off\":[{\"from\":\"2025-01-06\","
                                                    "\"to\":\"2025-01-26\"}]"),
                            fac("fb", "[\"A\"]", NULL));
    return build(NULL, "\"max_consecutive_cover\":2", type_t1(2, 4, NULL),
                 fmt("{\"id\":\"g1\",\"type\":\"t1\",\"pinned\":{\"facilitators\":[\"fa\"],"
                     "\"substitute\":\"fb\"}}"),
                 room("r1", 4, NULL), facs, join(2, pat("p1", NULL, NULL), pat("p2", NULL, NULL)));
}

Test(plan, time_off_covered_by_substitute_then_another)
{
    model_instance *inst = time_off_program(1);
    model_solution *sol = plan(inst, 10);
    cr_assert_eq(sol->n_sessions, 4);
    int by_fb = 0, by_fc = 0, uncovered = 0;
    for (int i = 0; i < sol->n_sessions; i++) {
        const model_sol_session *s = &sol->sessions[i];
        uncovered += s->uncovered;
        if (s->covered_by && strcmp(s->covered_by, "fb") == 0)
            by_fb++;
        if (s->covered_by && strcmp(s->covered_by, "fc") == 0)
            by_fc++;
    }
    cr_expect_eq(uncovered, 0);
    cr_expect_eq(by_fb, 2, "the substitute covers first, at most 2 in a row");
    cr_expect_eq(by_fc, 1);
    cr_expect_str_eq(sol->sessions[3].facilitators.items[0], "fa", "back in week 4");
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, time_off_without_cover_is_flagged)
{
    model_instance *inst = time_off_program(0);
    model_solution *sol = plan(inst, 10);
    int uncovered = 0;
    for (int i = 0; i < sol->n_sessions; i++)
        if (sol->sessions[i].uncovered) {
            uncovered++;
            cr_expect_eq(sol->sessions[i].facilitators.n, 0);
        }
    cr_expect_eq(uncovered, 1);
    cr_expect_eq(sol->metrics.uncovered_sessions, 1);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, closed_dates_have_no_sessions)
{
    char *json = fmt("{\"program\":{\"horizon\":{\"start\":\"2025-01-06\",\"weeks\":4},"
                     "\"days\":[\"mon\"],\"slot_starts\":[\"10:00\"],\"closed_dates\":"
                     "[\"2025-01-20\"]},\"group_types\":[{\"id\":\"t1\",\"rate\":50,"
                     "\"duration_min\":60,\"min_size\":2,\"max_size\":4,"
                     "\"required_credentials\":[\"A\"],\"diagnoses\":[\"F41\"],"
                     "\"modality\":\"in_person\",\"cadence\":\"weekly\"}],"
                     "\"groups\":[{\"id\":\"g1\",\"type\":\"t1\"}],\"rooms\":[{\"id\":\"r1\","
                     "\"capacity\":4,\"available\":" MON_ALL "}],\"facilitators\":["
                     "{\"id\":\"fa\",\"credentials\":[\"A\"],\"available\":" MON_ALL "},"
                     "{\"id\":\"fb\",\"credentials\":[\"A\"],\"available\":" MON_ALL "}],"
                     "\"patients\":[{\"id\":\"p1\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
                     ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true},{\"id\":\"p2\","
                     "\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
                     ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}]}");
    model_instance *inst = parse(json);
    model_solution *sol = plan(inst, 10);
    cr_expect_eq(sol->n_sessions, 3);
    for (int i = 0; i < sol->n_sessions; i++) {
        int d = 0;
        model_date_parse("2025-01-20", &d);
        cr_expect_neq(sol->sessions[i].date, d);
    }
    /* member-sessions: 2 members x 3 sessions */
    cr_expect_eq(sol->metrics.member_sessions, 6);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, unplaced_reasons_in_plain_words)
{
    char *pats =
        join(5, pat("p1", NULL, NULL), pat("p2", NULL, NULL),
             fmt("{\"id\":\"ns\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
                 ",\"added\":\"2025-01-06\",\"screened\":false,\"insurance_verified\":true}"),
             fmt("{\"id\":\"ni\",\"diagnoses\":[\"F41\"],\"available\":" MON_ALL
                 ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":false}"),
             fmt("{\"id\":\"nd\",\"diagnoses\":[\"F99\"],\"available\":" MON_ALL
                 ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}"));
    model_instance *inst =
        build(NULL, NULL, type_t1(2, 4, NULL), fmt("{\"id\":\"g1\",\"type\":\"t1\"}"),
              room("r1", 4, NULL), join(2, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL)),
              pats);
    model_solution *sol = plan(inst, 10);
    cr_expect(reason_has(sol, "ns", "not screened"));
    cr_expect(reason_has(sol, "ni", "insurance not verified"));
    cr_expect(reason_has(sol, "nd", "no group type matches diagnoses F99"));
    cr_expect_eq(sol->n_unplaced, 3);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, cofacilitation_and_telehealth)
{
    /* trauma needs two TRAUMA holders and a third as substitute; the
     * telehealth group needs no room */
    char *types = fmt("{\"id\":\"tr\",\"rate\":60,\"duration_min\":90,\"min_size\":2,"
                      "\"max_size\":6,\"required_credentials\":[\"TRAUMA\"],\"cofacilitation\":"
                      "true,\"cofacilitator_credentials\":[\"TRAUMA\"],\"diagnoses\":[\"F43.1\"],"
                      "\"modality\":\"in_person\",\"cadence\":\"weekly\"},{\"id\":\"tele\",\"rate\":40,"
                      "\"duration_min\":60,\"min_size\":2,\"max_size\":6,"
                      "\"required_credentials\":[\"A\"],\"diagnoses\":[\"F41\"],\"modality\":"
                      "\"telehealth\",\"cadence\":\"weekly\"}");
    char *pats = join(4, fmt("{\"id\":\"t1\",\"diagnoses\":[\"F43.10\"],\"available\":" MON_ALL
                             ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}"),
                      fmt("{\"id\":\"t2\",\"diagnoses\":[\"F43.12\"],\"available\":" MON_ALL
                          ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}"),
                      pat("p1", NULL, "\"modality\":\"telehealth\""),
                      pat("p2", NULL, "\"modality\":\"either\""));
    model_instance *inst = build(
        NULL, NULL, types, fmt("{\"id\":\"g1\",\"type\":\"tr\"},{\"id\":\"g2\",\"type\":\"tele\"}"),
        room("r1", 6, NULL),
        join(4, fac("fa", "[\"TRAUMA\"]", NULL), fac("fb", "[\"TRAUMA\"]", NULL),
             fac("fc", "[\"TRAUMA\",\"A\"]", NULL), fac("fd", "[\"A\"]", NULL)),
        pats);
    model_solution *sol = plan(inst, 10);
    const model_sol_group *a = sgroup(sol, "g1"), *b = sgroup(sol, "g2");
    cr_assert(a->running && b->running);
    cr_expect_eq(a->facilitators.n, 2);
    cr_expect_null(b->room);
    cr_expect_eq(a->new_members.n, 2);
    cr_expect_eq(b->new_members.n, 2);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, independent_sites_are_planned_apart)
{
    /* two sites sharing nothing: each one group of 3 patients, max 4; the
     * load term spans both (loads 1, 0, 1, 0): 2 x (300 - 5) - 1 */
    char *types = fmt("{\"id\":\"ta\",\"rate\":50,\"duration_min\":60,\"min_size\":2,"
                      "\"max_size\":4,\"required_credentials\":[\"A\"],\"diagnoses\":[\"F41\"],"
                      "\"modality\":\"in_person\",\"cadence\":\"weekly\",\"room_features\":"
                      "[\"site:x\"]},{\"id\":\"tb\",\"rate\":50,\"duration_min\":60,"
                      "\"min_size\":2,\"max_size\":4,\"required_credentials\":[\"B\"],"
                      "\"diagnoses\":[\"F32\"],\"modality\":\"in_person\",\"cadence\":"
                      "\"weekly\",\"room_features\":[\"site:y\"]}");
    char *rooms = fmt("{\"id\":\"rx\",\"capacity\":4,\"features\":[\"site:x\"],\"available\":"
                      MON_ALL "},{\"id\":\"ry\",\"capacity\":4,\"features\":[\"site:y\"],"
                      "\"available\":" MON_ALL "}");
    char *facs = join(4, fac("a1", "[\"A\"]", NULL), fac("a2", "[\"A\"]", NULL),
                      fac("b1", "[\"B\"]", NULL), fac("b2", "[\"B\"]", NULL));
    char *pats = join(7, pat("x1", NULL, NULL), pat("x2", NULL, NULL), pat("x3", NULL, NULL),
                      fmt("{\"id\":\"y1\",\"diagnoses\":[\"F32\"],\"available\":" MON_ALL
                          ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}"),
                      fmt("{\"id\":\"y2\",\"diagnoses\":[\"F32\"],\"available\":" MON_ALL
                          ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}"),
                      fmt("{\"id\":\"y3\",\"diagnoses\":[\"F32\"],\"available\":" MON_ALL
                          ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}"),
                      fmt("{\"id\":\"z9\",\"diagnoses\":[\"F99\"],\"available\":" MON_ALL
                          ",\"added\":\"2025-01-06\",\"screened\":true,\"insurance_verified\":true}"));
    model_instance *inst = build(NULL, NULL, types,
                                 fmt("{\"id\":\"gx\",\"type\":\"ta\"},{\"id\":\"gy\",\"type\":"
                                     "\"tb\"}"),
                                 rooms, facs, pats);
    model_solution *sol = plan(inst, 10);
    expect_objective(sol, 2 * (300 - 5) - 1);
    cr_expect_str_eq(sol->groups[0].id, "gx", "groups in instance order");
    cr_expect_eq(sol->n_sessions, 8);
    cr_expect(reason_has(sol, "z9", "no group type matches diagnoses F99"));
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

/* ------------------------------------------------ sample, scale, export */

model_instance *read_fixture(const char *rel)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", COHORT_SOURCE_DIR, rel);
    int rc = io_instance_read_file(path, &inst, &d);
    model_diag_free(&d);
    cr_assert_eq(rc, IO_OK, "%s must parse", rel);
    return inst;
}

Test(plan, tiny_fixture_optimal)
{
    model_instance *inst = read_fixture("datasets/fixtures/tiny.json");
    model_solution *sol = plan(inst, 10);
    cr_expect_eq(sol->status, MODEL_STATUS_OPTIMAL);
    cr_expect_leq(sol->gap, inst->settings.mip_gap + 1e-12);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, sample_program, .timeout = 60)
{
    model_instance *inst = read_fixture("datasets/sample.json");
    model_solution *sol = plan(inst, 5);
    cr_expect(sol->status == MODEL_STATUS_OPTIMAL || sol->status == MODEL_STATUS_FEASIBLE);
    cr_expect_gt(sol->metrics.placed, 90);
    cr_expect_leq(sol->solve_seconds, 5.5);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(plan, time_limit_is_honoured, .timeout = 60)
{
    model_instance *inst = read_fixture("datasets/bench/M-1.json");
    model_solution *sol = plan(inst, 3);
    cr_expect(sol->status == MODEL_STATUS_OPTIMAL || sol->status == MODEL_STATUS_FEASIBLE);
    cr_expect_leq(sol->solve_seconds, 3.3, "took %.2f s", sol->solve_seconds);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

/* Plan inst in at most 5 s, writing its timetable model to path. */
static model_solution *plan_exporting(const model_instance *inst, const char *path)
{
    solver_options o;
    solver_options_default(&o);
    o.time_limit_s = 5;
    o.export_model_path = path;
    model_solution *sol = NULL;
    cr_assert_eq(solver_plan(inst, &o, &sol), SOLVER_OK);
    return sol;
}

Test(plan, export_model_lp_and_mps)
{
    model_instance *inst = read_fixture("datasets/fixtures/tiny.json");
    const char *paths[2] = {"/tmp/cohort_test_export.lp", "/tmp/cohort_test_export.mps"};
    double plan_obj[2], file_obj[2];
    for (int k = 0; k < 2; k++) {
        remove(paths[k]);
        model_solution *sol = plan_exporting(inst, paths[k]);
        plan_obj[k] = sol->objective;
        model_solution_destroy(sol);
        char *text = NULL;
        size_t len = 0;
        cr_assert_eq(io_read_all(paths[k], 64 << 20, &text, &len), IO_OK);
        /* x_<group>_<day>_<HHMM>, w_<group>_<day>_<HHMM>_<facilitator> */
        cr_expect(strstr(text, "x_cbt_1_mon_") != NULL, "named placement columns");
        cr_expect(strstr(text, "w_cbt_1_mon_") != NULL, "named facilitator columns");
        cr_expect(strstr(text, "run_cbt_1") != NULL, "named rows");
        if (k == 0)
            cr_expect(strstr(text, "Maximize") != NULL, "the LP file states its sense");
        free(text);
        /* the files hold the same model: GLPK minimising the MPS file
         * finds the negated optimum of the LP file */
        solver_naive_result r;
        cr_assert_eq(solver_glpk_solve_file(paths[k], 30.0, 0.0, NULL, NULL, &r),
                     SOLVER_OK);
        cr_assert_eq(r.status, MODEL_STATUS_OPTIMAL);
        file_obj[k] = r.objective;
        remove(paths[k]);
    }
    cr_expect_float_eq(file_obj[1], -file_obj[0], 1e-6, "LP %.6f, MPS %.6f", file_obj[0],
                       file_obj[1]);
    cr_expect(fabs(file_obj[0]) > 0, "a model with an objective");
    /* writing the MPS file flips the objective only in the file: the plan
     * solved after it is the same */
    cr_expect_float_eq(plan_obj[1], plan_obj[0], 1e-6);
    model_instance_destroy(inst);
}

/* Occurrences of needle in s. */
static int count_of(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Row name (e.g. "pool_g1_0") of the exported LP text: its terms with
 * runs of white space made single spaces, in a new string; NULL if absent. */
static char *lp_row(const char *text, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, " %s:", name);
    const char *p = strstr(text, key);
    if (!p)
        return NULL;
    p += strlen(key);
    const char *e = strpbrk(p, "<>=");
    cr_assert_not_null(e);
    char *row = malloc((size_t)(e - p) + 1);
    size_t n = 0;
    for (; p < e; p++)
        if (!isspace((unsigned char)*p) || (n > 0 && row[n - 1] != ' '))
            row[n++] = isspace((unsigned char)*p) ? ' ' : *p;
    row[n] = 0;
    return row;
}

Test(plan, pool_rows_keep_a_group_within_one_starts_patients)
{
    /* one group of at most 3; two patients free only mornings, two all
     * day, two only evenings: at 10:00 at most 3 of the first four, and
     * the all-day pair's 2 at 18:00 (and the other way round) */
    model_instance *inst = build(
        NULL, NULL, type_t1(2, 3, NULL), fmt("{\"id\":\"g1\",\"type\":\"t1\"}"),
        room("r1", 6, NULL), join(2, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL)),
        join(6, pat("m1", MORN, NULL), pat("m2", MORN, NULL), pat("a1", NULL, NULL),
             pat("a2", NULL, NULL), pat("e1", EVE, NULL), pat("e2", EVE, NULL)));
    const char *path = "/tmp/cohort_test_pools.lp";
    remove(path);
    model_solution *sol = plan_exporting(inst, path);
    expect_objective(sol, 300 - 1);
    model_solution_destroy(sol);
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(io_read_all(path, 64 << 20, &text, &len), IO_OK);
    remove(path);
    char *r0 = lp_row(text, "pool_g1_0"), *r1 = lp_row(text, "pool_g1_1");
    cr_assert(r0 && r1, "two pool rows");
    cr_expect_null(lp_row(text, "pool_g1_2"), "only two: the rest repeat the capacity row");
    int morning = strstr(r0, "- 3 x_g1_mon_1000") && strstr(r0, "- 2 x_g1_mon_1800");
    int evening = strstr(r1, "- 2 x_g1_mon_1000") && strstr(r1, "- 3 x_g1_mon_1800");
    cr_expect(morning && evening, "rows: %s | %s", r0, r1);
    cr_expect_eq(count_of(r0, "n_g1_c"), 2, "two classes in %s", r0);
    cr_expect_eq(count_of(r1, "n_g1_c"), 2, "two classes in %s", r1);
    free(r0);
    free(r1);
    free(text);
    model_instance_destroy(inst);
}

Test(plan, export_to_a_fifo_writes_into_it_and_keeps_it)
{
    /* `--export-model /dev/null` run as root once replaced the device by
     * a regular file (written beside it, renamed over it).  A FIFO stands
     * in for the device: opened read-write here, so the export's open
     * does not wait for a reader, its buffer made big enough for the
     * small model (about 80 KB). */
    model_instance *inst = read_fixture("datasets/fixtures/tiny.json");
    char path[] = "/tmp/cohort_test_fifo_XXXXXX";
    cr_assert_not_null(mkdtemp(path));
    char *fifo = fmt("%s/model.lp", path);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    int fd = open(fifo, O_RDWR | O_NONBLOCK);
    cr_assert_geq(fd, 0);
    cr_assert_geq(fcntl(fd, F_SETPIPE_SZ, 1 << 20), 1 << 20);
    model_solution_destroy(plan_exporting(inst, fifo));
    struct stat st;
    cr_assert_eq(lstat(fifo, &st), 0);
    cr_expect(S_ISFIFO(st.st_mode), "the FIFO is still a FIFO");
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1); /* the model's start */
    cr_assert_gt(n, 0, "the model went into the FIFO");
    buf[n] = 0;
    cr_expect_not_null(strstr(buf, "Maximize"), "an LP model: %.60s", buf);
    close(fd);
    remove(fifo);
    char *tmp = fmt("%s.tmp", fifo);
    remove(tmp);
    cr_expect_eq(rmdir(path), 0, "nothing left beside it");
    free(tmp);
    free(fifo);
    model_instance_destroy(inst);
}

Test(plan, export_to_unwritable_path_fails)
{
    model_instance *inst = read_fixture("datasets/fixtures/tiny.json");
    solver_options o;
    solver_options_default(&o);
    o.time_limit_s = 5;
    o.export_model_path = "/nonexistent-dir/model.lp";
    model_solution *sol = NULL;
    cr_expect_eq(solver_plan(inst, &o, &sol), SOLVER_EIO);
    cr_expect_null(sol);
    model_instance_destroy(inst);
}

Test(plan, replan_against_a_baseline_keeps_it)
{
    model_instance *inst = read_fixture("datasets/sample.json");
    model_solution *first = plan(inst, 5);
    solver_options o;
    solver_options_default(&o);
    o.time_limit_s = 3;
    o.baseline = first;
    model_solution *again = NULL;
    cr_assert_eq(solver_plan(inst, &o, &again), SOLVER_OK);
    cr_expect_eq(model_count_changes(inst, again, first), 0, "nothing changed");
    cr_expect_float_eq(again->terms.changes, 0, 1e-9);
    cr_expect_geq(again->objective, first->objective - 1e-6);
    model_solution_destroy(again);

    /* sud-new's room closes on its day: the re-plan moves what it must and
     * reports the changes as a penalty */
    model_instance *less = model_instance_clone(inst);
    cr_assert_not_null(less);
    const model_sol_group *sg = sgroup(first, "sud-new");
    cr_assert_not_null(sg->room);
    int r = model_find_room(less, sg->room);
    cr_assert_geq(r, 0);
    model_room *ro = &less->rooms[r];
    int k = 0;
    for (int i = 0; i < ro->n_available; i++)
        if (ro->available[i].day != sg->day)
            ro->available[k++] = ro->available[i];
    ro->n_available = k;
    o.time_limit_s = 5;
    cr_assert_eq(solver_plan(less, &o, &again), SOLVER_OK);
    cr_assert(again->status == MODEL_STATUS_OPTIMAL || again->status == MODEL_STATUS_FEASIBLE);
    model_check_report rep;
    cr_assert_eq(model_check(less, again, &rep), MODEL_OK);
    cr_expect_eq(rep.n_violations, 0);
    model_check_report_free(&rep);
    int changes = model_count_changes(less, again, first);
    cr_expect_gt(changes, 0);
    cr_expect_float_eq(again->terms.changes, -20.0 * changes, 1e-9);
    model_solution_destroy(again);
    model_instance_destroy(less);
    model_solution_destroy(first);
    model_instance_destroy(inst);
}

/* tiny.json with the primary facilitator of cbt-1 (as first planned) no
 * longer available on cbt-1's day: cbt-1 must change. */
model_instance *tiny_perturbed(const model_instance *inst, const model_solution *first)
{
    model_instance *p = model_instance_clone(inst);
    cr_assert_not_null(p);
    const model_sol_group *sg = sgroup(first, "cbt-1");
    cr_assert(sg->running && sg->facilitators.n > 0);
    int f = model_find_facilitator(p, sg->facilitators.items[0]);
    cr_assert_geq(f, 0);
    model_facilitator *fa = &p->facilitators[f];
    int k = 0;
    for (int i = 0; i < fa->n_available; i++)
        if (fa->available[i].day != sg->day)
            fa->available[k++] = fa->available[i];
    cr_assert_lt(k, fa->n_available, "the facilitator was available on that day");
    fa->n_available = k;
    return p;
}

Test(plan, replan_with_baseline_changes_less_and_lists_every_change)
{
    model_instance *inst = read_fixture("datasets/fixtures/tiny.json");
    model_solution *first = plan(inst, 5);
    cr_expect_not(first->has_baseline, "no change list without a baseline");
    cr_expect_eq(first->n_changes, 0);
    model_instance *less = tiny_perturbed(inst, first);

    model_solution *plain = plan(less, 5);
    int plain_changes = model_count_changes(less, plain, first);

    solver_options o;
    solver_options_default(&o);
    o.time_limit_s = 5;
    o.baseline = first;
    model_solution *re = NULL;
    cr_assert_eq(solver_plan(less, &o, &re), SOLVER_OK);
    cr_assert(re->status == MODEL_STATUS_OPTIMAL || re->status == MODEL_STATUS_FEASIBLE);
    model_check_report rep;
    cr_assert_eq(model_check(less, re, &rep), MODEL_OK);
    cr_expect_eq(rep.n_violations, 0);
    cr_expect_eq(rep.n_mismatches, 0);
    model_check_report_free(&rep);

    int changes = model_count_changes(less, re, first);
    cr_expect_gt(changes, 0, "cbt-1 had to change");
    cr_expect_lt(changes, plain_changes, "baseline re-plan %d changes, plain plan %d", changes,
                 plain_changes);
    cr_expect(re->has_baseline);
    cr_expect_eq(re->n_changes, changes, "the list has one entry per counted change");
    cr_expect_float_eq(re->terms.changes, -less->settings.weights.change * changes, 1e-9);
    int on_cbt1 = 0;
    for (int i = 0; i < re->n_changes; i++) {
        const model_sol_change *c = &re->changes[i];
        cr_assert_not_null(c->group);
        cr_assert_not_null(c->field);
        cr_expect(c->before || c->after, "a change has a before or an after value");
        on_cbt1 += strcmp(c->group, "cbt-1") == 0;
    }
    cr_expect_gt(on_cbt1, 0, "cbt-1's change is listed");

    /* the list follows the same rules as the count, also for a plain plan */
    cr_assert_eq(model_solution_list_changes(less, plain, first), MODEL_OK);
    cr_expect_eq(plain->n_changes, plain_changes);

    /* written and read back */
    char *text = NULL;
    cr_assert_eq(io_solution_to_json(re, &text), IO_OK);
    cr_expect(strstr(text, "\"changes\": [") != NULL || strstr(text, "\"changes\":[") != NULL);
    model_diag d;
    model_diag_init(&d);
    model_solution *back = NULL;
    cr_assert_eq(io_solution_parse(text, strlen(text), &back, &d), IO_OK);
    model_diag_free(&d);
    free(text);
    cr_expect(back->has_baseline);
    cr_assert_eq(back->n_changes, re->n_changes);
    for (int i = 0; i < back->n_changes; i++) {
        cr_expect_str_eq(back->changes[i].group, re->changes[i].group);
        cr_expect_str_eq(back->changes[i].field, re->changes[i].field);
        cr_expect_eq(!back->changes[i].before, !re->changes[i].before);
        cr_expect_eq(!back->changes[i].after, !re->changes[i].after);
    }
    model_solution_destroy(back);
    model_solution_destroy(re);
    model_solution_destroy(plain);
    model_instance_destroy(less);
    model_solution_destroy(first);
    model_instance_destroy(inst);
}

/* ------------------------------------------------------ GLPK error hook */

Test(backend, glpk_error_returns_instead_of_aborting)
{
    bk_model *m = bk_new("t", 1);
    cr_assert_not_null(m);
    int c = bk_col(m, "x", BK_BIN, 0, 1, 1);
    cr_assert_eq(c, 0);
    int bad[1] = {5}; /* no such column: GLPK reports an error */
    double one[1] = {1};
    cr_expect_lt(bk_row(m, "r", 1, bad, one, -BK_INF, 1), 0);
    bk_free(m);
    /* the library still works afterwards */
    m = bk_new("t2", 1);
    cr_assert_not_null(m);
    int x = bk_col(m, "x", BK_BIN, 0, 1, 3);
    int y = bk_col(m, "y", BK_BIN, 0, 1, 2);
    int cols[2] = {x, y};
    cr_assert_geq(bk_row(m, "r", 2, cols, NULL, -BK_INF, 1), 0);
    bk_params p;
    memset(&p, 0, sizeof p);
    p.time_limit = 5;
    bk_result r;
    cr_assert_eq(bk_solve(m, &p, &r), BK_OK);
    cr_expect_eq(r.status, BK_OPTIMAL);
    cr_expect_float_eq(r.obj, 3, 1e-9);
    bk_result_free(&r);
    bk_free(m);
}
