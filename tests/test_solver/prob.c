/* prob.c - test_solver: see prob.h. */
#include <criterion/criterion.h>

#include "solver.h"
#include "prob.h"

void greedy_plan(const model_instance *inst, sv_prob *pr, sv_plan *pl)
{
    solver_options o;
    solver_options_default(&o);
    cr_assert_eq(sv_prob_init(pr, inst, &o), SOLVER_OK);
    pr->deadline = sv_now() + 60;
    cr_assert_eq(sv_plan_alloc(pr, pl), 0);
    cr_assert_eq(sv_greedy(pr, pl), 0, "greedy schedules every must-run group");
}
