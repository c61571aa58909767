/* neighbourhood.c - test_solver: a neighbourhood's exact model starts from
 * the incumbent plan (issue 14).  Without its start a sub-model spends its
 * whole time looking for any schedule: on mixed M seed 3 one neighbourhood
 * in five did, and the 10 s result fell from 2.0 % to 3.3 % off the bound. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"
#include "solver.h"
#include "sv.h"
#include "fixture.h"
#include "prob.h"

/* Three interchangeable must-run t1 groups (no members, nothing pinned) on
 * Monday and Tuesday, three A holders, two rooms, twelve patients. */
static model_instance *three_alike(void)
{
    char *pats = strdup("");
    for (int i = 0; i < 12; i++) {
        char id[8];
        snprintf(id, sizeof id, "p%02d", i);
        char *p = pat(id, MONTUE_ALL, NULL);
        char *next = *pats ? join(2, pats, p) : (free(pats), p);
        pats = next;
    }
    return build("[\"mon\",\"tue\"]", NULL, type_t1(2, 4, NULL),
                 strdup("{\"id\":\"g0\",\"type\":\"t1\"},{\"id\":\"g1\",\"type\":\"t1\"},"
                        "{\"id\":\"g2\",\"type\":\"t1\"}"),
                 join(2, room("r1", 6, NULL), room("r2", 6, NULL)),
                 join(3, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL),
                      fac("fc", "[\"A\"]", NULL)),
                 pats);
}

/* Swap groups a and b of a plan: placements and members. */
static void swap_groups(const sv_prob *pr, sv_plan *pl, int a, int b)
{
    sv_gsol t = pl->gs[a];
    pl->gs[a] = pl->gs[b];
    pl->gs[b] = t;
    for (int p = 0; p < pr->np; p++)
        pl->pg[p] = pl->pg[p] == a ? b : pl->pg[p] == b ? a : pl->pg[p];
}

Test(neighbourhood, keeps_its_start_when_the_first_of_alike_groups_is_fixed)
{
    model_instance *inst = three_alike();
    sv_prob pr;
    sv_plan pl;
    greedy_plan(inst, &pr, &pl);
    cr_assert(pr.g[0].sym == 0 && pr.g[1].sym == 0 && pr.g[2].sym == 0,
              "the three groups are interchangeable");
    char msg[256];
    cr_assert_eq(sv_plan_verify(&pr, &pl, msg, sizeof msg), 0, "%s", msg);
    cr_assert_neq(pl.gs[1].cand, pl.gs[2].cand, "g1 and g2 at different times");
    /* g1 after g2: the order the symmetry rows between them forbid */
    if (pl.gs[1].cand < pl.gs[2].cand)
        swap_groups(&pr, &pl, 1, 2);
    cr_assert_eq(sv_plan_verify(&pr, &pl, msg, sizeof msg), 0, "%s", msg);
    /* g0, first of the class, kept; g1 and g2 free.  With no time to
     * search, the answer is the start or nothing. */
    char isfree[4] = {0, 1, 1, 0};
    sv_mip_opts mo;
    memset(&mo, 0, sizeof mo);
    mo.free = isfree;
    mo.with_subs = 1;
    mo.time_limit = 1e-9;
    sv_mip_result res;
    cr_assert_eq(sv_mip_solve(&pr, &pl, &mo, &res), 0);
    cr_expect_eq(res.status, 1, "the plan went in as the start (status %d)", res.status);
    cr_expect_lt(pl.gs[1].cand, pl.gs[2].cand, "g1 and g2 in the symmetry rows' order");
    sv_plan_free(&pl);
    sv_prob_free(&pr);
    model_instance_destroy(inst);
}

/* Generated S seed 1 and its problem (deadline a minute away). */
static model_instance *s1_prob(sv_prob *pr)
{
    model_instance *inst = NULL;
    cr_assert_eq(model_generate("S", 1, &inst, NULL), MODEL_OK);
    solver_options o;
    solver_options_default(&o);
    cr_assert_eq(sv_prob_init(pr, inst, &o), SOLVER_OK);
    pr->deadline = sv_now() + 60;
    return inst;
}

Test(neighbourhood, the_bound_beside_the_search_is_the_bound_in_line)
{
    /* the Lagrangian bound on its own thread (beside the neighbourhoods of
     * a program too large for one exact model) is the one computed in line */
    sv_prob pr;
    model_instance *inst = s1_prob(&pr);
    double in_line = 0, beside = 0;
    cr_assert_eq(sv_lagrange_bound(&pr, -1e300, 30, &in_line), 0);
    sv_lagrange_job *job = NULL;
    cr_assert_eq(sv_lagrange_start(&pr, -1e300, 30, &job), 0);
    cr_assert_not_null(job);
    cr_assert_eq(sv_lagrange_join(job, &beside), 0);
    cr_expect_eq(beside, in_line, "beside %.6f, in line %.6f", beside, in_line);
    double none = 7;
    cr_expect_eq(sv_lagrange_join(NULL, &none), 1, "no job, no bound");
    cr_expect_eq(none, 7);
    sv_prob_free(&pr);
    model_instance_destroy(inst);
}

Test(neighbourhood, without_substitute_columns_completes_to_a_schedule, .timeout = 60)
{
    /* the search on a program too large for one exact model solves its
     * neighbourhoods without substitute columns and chooses substitutes
     * after: a neighbourhood's answer so completed is a schedule, no worse
     * than the plan it started from */
    model_instance *inst = NULL;
    cr_assert_eq(model_generate_family("M", "mixed", 2, &inst, NULL), MODEL_OK);
    sv_prob pr;
    sv_plan pl;
    greedy_plan(inst, &pr, &pl);
    double start = sv_plan_objective(&pr, &pl);
    /* free the groups of the first day that has any */
    char *isfree = calloc((size_t)pr.ng + 1, 1);
    cr_assert_not_null(isfree);
    int day = -1, nfree = 0;
    for (int g = 0; g < pr.ng; g++) {
        int c = pl.gs[g].cand;
        if (c >= 0 && (day < 0 || pr.g[g].cand[c].day == day)) {
            day = pr.g[g].cand[c].day;
            isfree[g] = 1;
            nfree++;
        }
    }
    cr_assert_gt(nfree, 1);
    sv_mip_opts mo;
    memset(&mo, 0, sizeof mo);
    mo.free = isfree;
    mo.with_subs = 0;
    mo.time_limit = 5;
    mo.gap = 1e-4;
    sv_mip_result res;
    cr_assert_eq(sv_mip_solve(&pr, &pl, &mo, &res), 0);
    cr_assert_neq(res.status, 2, "the neighbourhood holds the plan it started from");
    cr_assert(res.improved, "the day's groups are placed better than the greedy did");
    int with_sub = 0;
    for (int g = 0; g < pr.ng; g++)
        with_sub += isfree[g] && pl.gs[g].cand >= 0 && pl.gs[g].sub >= 0;
    cr_expect_eq(with_sub, 0, "no substitute chosen by a model without their columns");
    cr_assert_eq(sv_assign_subs(&pr, &pl), 0, "a substitute for every running group");
    cr_assert_eq(sv_assign(&pr, &pl, isfree, 5), 0);
    char msg[256];
    cr_expect_eq(sv_plan_verify(&pr, &pl, msg, sizeof msg), 0, "%s", msg);
    cr_expect_geq(sv_plan_objective(&pr, &pl), start - 1e-6, "from %.2f", start);
    free(isfree);
    sv_plan_free(&pl);
    sv_prob_free(&pr);
    model_instance_destroy(inst);
}

/* ------------------------------------------ the second search (share.c) */

Test(neighbourhood, plans_cross_between_the_two_searches)
{
    /* the helper publishes the greedy plan with one group closed; the
     * parent reads it whole, once, and its own publication goes back */
    sv_prob pr;
    model_instance *inst = s1_prob(&pr);
    sv_plan mine, got;
    cr_assert_eq(sv_plan_alloc(&pr, &mine), 0);
    cr_assert_eq(sv_plan_alloc(&pr, &got), 0);
    cr_assert_eq(sv_greedy(&pr, &mine), 0);
    mine.obj = 100;
    sv_share *sh = NULL;
    cr_assert_eq(sv_share_open(&pr, &sh), SOLVER_OK);
    cr_expect_eq(sv_share_get(sh, &got), 0, "nothing published yet");
    int f = sv_share_fork(sh);
    cr_assert_geq(f, 0, "fork");
    if (f == 1) {
        /* the helper: publish, wait for the parent's plan, echo its
         * objective + 1, exit */
        mine.gs[0].cand = -1;
        mine.obj = 200;
        sv_share_put(sh, &mine);
        double t = sv_now();
        while (!sv_share_get(sh, &got) && sv_now() - t < 10)
            usleep(1000);
        got.obj += 1;
        sv_share_put(sh, &got);
        sv_share_close(sh); /* exits */
    }
    cr_assert(sv_share_is_helper(sh) == 0);
    double t = sv_now();
    int have = 0;
    while (!(have = sv_share_get(sh, &got)) && sv_now() - t < 10)
        usleep(1000);
    cr_assert(have, "the helper's plan arrived");
    cr_expect_eq(got.obj, 200);
    cr_expect_eq(got.gs[0].cand, -1, "the helper's change came across");
    cr_expect_eq(memcmp(got.gs + 1, mine.gs + 1, sizeof(sv_gsol) * (size_t)(pr.ng - 1)), 0);
    cr_expect_eq(memcmp(got.pg, mine.pg, sizeof(int) * (size_t)pr.np), 0);
    cr_expect_eq(sv_share_get(sh, &got), 0, "taken once");
    mine.obj = 300;
    sv_share_put(sh, &mine);
    t = sv_now();
    while (!(have = sv_share_get(sh, &got)) && sv_now() - t < 10)
        usleep(1000);
    cr_assert(have, "the helper answered");
    cr_expect_eq(got.obj, 301);
    sv_share_close(sh);
    sv_plan_free(&mine);
    sv_plan_free(&got);
    sv_prob_free(&pr);
    model_instance_destroy(inst);
}

Test(neighbourhood, the_second_search_ends_with_the_plan, .timeout = 60)
{
    /* a program too large for one exact model, with the second search
     * asked for: a checked schedule within the limit, and no helper left
     * behind (plan() checks the schedule) */
    model_instance *inst = NULL;
    cr_assert_eq(model_generate_family("M", "mixed", 2, &inst, NULL), MODEL_OK);
    solver_options o;
    solver_options_default(&o);
    o.time_limit_s = 4;
    o.second_search = 1;
    double t = sv_now();
    model_solution *sol = NULL;
    cr_assert_eq(solver_plan(inst, &o, &sol), SOLVER_OK);
    double wall = sv_now() - t;
    cr_expect(sol->status == MODEL_STATUS_FEASIBLE || sol->status == MODEL_STATUS_OPTIMAL,
              "status %s", model_solution_status_name(sol->status));
    cr_expect_leq(wall, 5, "took %.2f s for 4 s", wall);
    model_check_report rep;
    memset(&rep, 0, sizeof rep);
    cr_assert_eq(model_check(inst, sol, &rep), MODEL_OK);
    cr_expect_eq(rep.n_violations, 0, "the checker finds %d violations", rep.n_violations);
    model_check_report_free(&rep);
    errno = 0;
    cr_expect_eq(waitpid(-1, NULL, WNOHANG), -1, "a child process is left");
    cr_expect_eq(errno, ECHILD);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}
