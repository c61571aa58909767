/* prob.h - test_solver: the solver-internal problem of a program and a
 * first plan of it, for the tests that drive the planner's stages one at a
 * time (assign.c, neighbourhood.c; defined in prob.c). */
#ifndef COHORT_TEST_SOLVER_PROB_H
#define COHORT_TEST_SOLVER_PROB_H

#include "model.h"
#include "sv.h"

/* The problem of inst with default options and a deadline a minute away,
 * and the greedy's plan of it in pl (allocated here; free with
 * sv_plan_free, then sv_prob_free).  Fails the test unless the greedy
 * schedules every must-run group.  inst stays the caller's and must
 * outlive pr. */
void greedy_plan(const model_instance *inst, sv_prob *pr, sv_plan *pl);

#endif
