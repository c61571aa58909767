/* fixture.h - what the files of test_io share (defined in tests/test_io.c). */
#ifndef COHORT_TEST_IO_FIXTURE_H
#define COHORT_TEST_IO_FIXTURE_H

#include <stddef.h>

#include "model.h"

#define FIX COHORT_SOURCE_DIR "/datasets/fixtures/"

/* The whole file at path, malloc'd (its length in *len unless NULL); fails
 * the test when it cannot be read. */
char *slurp(const char *path, size_t *len);
/* Parses text expecting failure; returns the diagnostics (caller frees). */
model_diag parse_bad(const char *text, size_t len);
/* Whether d has an error at path whose message contains needle (any
 * message when needle is NULL). */
int has_error(const model_diag *d, const char *path, const char *needle);

#endif
