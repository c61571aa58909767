/* fixture.h - what the files of test_jobs share (defined in
 * tests/test_jobs.c). */
#ifndef COHORT_TEST_JOBS_FIXTURE_H
#define COHORT_TEST_JOBS_FIXTURE_H

#include <sys/types.h>

#define TINY COHORT_SOURCE_DIR "/datasets/fixtures/tiny.json"

/* The test's directory, its store's path (a file there, or a PostgreSQL
 * schema's URL) and an admin token's secret, set by setup(). */
extern char dir[256], dbpath[300];
extern char admin[128];

/* A fresh directory and store with an admin token, and a slow worker
 * script (TestSuite .init). */
void setup(void);
/* Remove what setup() made (TestSuite .fini). */
void teardown(void);
/* The whole file at path, malloc'd; fails the test when it cannot be read. */
char *slurp(const char *path);
/* Start `cohort worker --db` on the test's store with extra arguments
 * (either may be NULL). */
pid_t spawn_worker(const char *name, const char *extra1, const char *extra2);

#endif
