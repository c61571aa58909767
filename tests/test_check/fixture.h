/* fixture.h - what the files of test_check share (defined in
 * tests/test_check.c). */
#ifndef COHORT_TEST_CHECK_FIXTURE_H
#define COHORT_TEST_CHECK_FIXTURE_H

#include "model.h"

#define FIX COHORT_SOURCE_DIR "/datasets/fixtures/check/"

/* Suite check's fixture: datasets/fixtures/check/instance.json and
 * solution_valid.json, read again before each test. */
extern model_instance *inst;
extern model_solution *sol;
/* The fixture solution's group id (fails the test when there is none). */
model_sol_group *grp(const char *id);
/* Remove item from l (fails the test when it is not there). */
void list_remove(model_strlist *l, const char *item);
/* Run the checker on the fixture; expect rule `rule` reported (0: nothing
 * at all) and no other.  Returns the number of violations. */
int expect_only(int rule);

/* Replace *field with a copy of v (NULL clears it). */
void set_str(char **field, const char *v);
/* Log every violation and mismatch of r. */
void print_report(const model_check_report *r);
/* A schedule for in from the planner, any valid one; fails the test
 * without one. */
model_solution *plan_first(const model_instance *in);
/* Expect the checker to find no violation in s. */
void expect_clean(const model_instance *in, const model_solution *s, const char *what);
/* A solution read from JSON text (freed here); fails the test if it does
 * not parse. */
model_solution *parse_sol(char *text);

#endif
