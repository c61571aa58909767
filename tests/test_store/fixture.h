/* fixture.h - what the files of test_store share (defined in
 * tests/test_store.c, whose suite "store" opens a fresh store per test). */
#ifndef COHORT_TEST_STORE_FIXTURE_H
#define COHORT_TEST_STORE_FIXTURE_H

#include "io.h"

/* The test's store (SQLite file or PostgreSQL schema), created if needed;
 * fails the test when it does not open. */
io_store *open_store(void);
/* Import datasets/fixtures/tiny.json as program id; the stored document,
 * malloc'd (fails the test on error). */
char *import_tiny(io_store *s, const char *id);

#endif
