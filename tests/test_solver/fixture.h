/* fixture.h - what the files of test_solver share (defined in
 * tests/test_solver.c): inline programs built from JSON pieces, and the
 * planner called with every schedule checked independently. */
#ifndef COHORT_TEST_SOLVER_FIXTURE_H
#define COHORT_TEST_SOLVER_FIXTURE_H

#include "model.h"

#define MON_ALL "[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"22:00\"}]"
#define MONTUE_ALL                                                                                 \
    "[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"22:00\"},{\"day\":\"tue\",\"from\":\"08:00\","  \
    "\"to\":\"22:00\"}]"
#define EVE "[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}]"
#define MORN "[{\"day\":\"mon\",\"from\":\"09:00\",\"to\":\"12:00\"}]"

/* printf into a new malloc'd string (fails the test when out of memory). */
char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* A program on Mondays (and Tuesdays when days says so), 4 weeks from
 * 2025-01-06, slots 10:00 and 18:00, with the given sections (JSON text,
 * borrowed); a new malloc'd string. */
char *program(const char *days, const char *settings, const char *types, const char *groups,
              const char *rooms, const char *facs, const char *pats);
/* Type t1: 60 minutes, in person, weekly, credential A, diagnoses F41. */
char *type_t1(int min, int max, const char *extra);
/* A room (avail NULL: Monday and Tuesday 08-22). */
char *room(const char *id, int cap, const char *avail);
/* A facilitator holding creds (a JSON array), extra fields or NULL. */
char *fac(const char *id, const char *creds, const char *extra);
/* A waitlisted patient with F41, screened and verified, added at the
 * horizon start (no wait), priority 0 unless extra says otherwise. */
char *pat(const char *id, const char *avail, const char *extra);
/* Join n malloc'd strings with commas (frees them). */
char *join(int n, ...);
/* The program of program() read into an instance (fails the test when it
 * does not validate); frees the five sections it takes as char *. */
model_instance *build(const char *days, const char *settings, char *types, char *groups,
                      char *rooms, char *facs, char *pats);
/* Plan with a time limit; every schedule is checked independently. */
model_solution *plan(const model_instance *inst, double tl);
/* Whether some diagnosis line contains text. */
int diag_has(const model_solution *sol, const char *text);
/* An instance from a file under the source tree (fails the test when it
 * does not read). */
model_instance *read_fixture(const char *rel);
/* tiny.json (inst) with the primary facilitator of cbt-1 as first planned
 * no longer available on cbt-1's day: cbt-1 must change. */
model_instance *tiny_perturbed(const model_instance *inst, const model_solution *first);

#endif
