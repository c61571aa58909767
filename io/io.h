/*
 * io.h - everything of cohort that faces the outside: JSON reading and
 * writing, files, the command line (and, in later sections, the store,
 * the HTTP server and exports).
 *
 * Ownership: every object returned through an out-parameter belongs to the
 * caller: model objects are freed with their model_*_destroy function,
 * strings with free().  Functions return IO_OK or an IO_E* code and leave
 * their out-parameters untouched on failure.
 */
#ifndef COHORT_IO_H
#define COHORT_IO_H

#include <stddef.h>

#include "model.h"

enum {
    IO_OK = 0,
    IO_ENOMEM = 1,   /* allocation failed */
    IO_EINVAL = 2,   /* input is invalid; details in the model_diag */
    IO_EIO = 3       /* a file could not be read or written */
};

/* Process exit codes (SPEC "Outputs"). */
enum {
    COHORT_EXIT_OK = 0,
    COHORT_EXIT_INTERNAL = 1,
    COHORT_EXIT_INVALID = 2,
    COHORT_EXIT_INFEASIBLE = 3,
    COHORT_EXIT_NO_SOLUTION = 4,
    COHORT_EXIT_VIOLATIONS = 5
};

/* ------------------------------------------------------------ JSON I/O */

/* Parse an instance from JSON text (need not be NUL-terminated).  Reports
 * every syntax, type and semantic error (model_instance_validate) into d,
 * each with its JSON path; warnings too.  On success *out is a validated,
 * resolved instance.  Returns IO_OK, IO_EINVAL (errors in d; *out
 * untouched) or IO_ENOMEM. */
int io_instance_parse(const char *text, size_t len, model_instance **out, model_diag *d);

/* Read and parse an instance file ("-" = standard input).  IO_EIO (with an
 * error in d naming the file) when it cannot be read; else as
 * io_instance_parse. */
int io_instance_read_file(const char *path, model_instance **out, model_diag *d);

/* Serialise an instance to JSON text (every field, defaults explicit), so
 * that io_instance_parse(io_instance_to_json(x)) equals x.  *out is a
 * malloc'd NUL-terminated string.  IO_OK or IO_ENOMEM. */
int io_instance_to_json(const model_instance *inst, char **out);

/* Parse a solution (the SPEC "Outputs" format).  Type errors go into d
 * with paths.  IO_OK / IO_EINVAL / IO_ENOMEM. */
int io_solution_parse(const char *text, size_t len, model_solution **out, model_diag *d);
int io_solution_read_file(const char *path, model_solution **out, model_diag *d);

/* Serialise a solution to JSON text (malloc'd).  IO_OK or IO_ENOMEM. */
int io_solution_to_json(const model_solution *sol, char **out);

/* Serialise a diagnostics collector as
 * {"status":"invalid","errors":[{"path","message"}],"warnings":[...]}. */
int io_diag_to_json(const model_diag *d, const char *status, char **out);

/* --------------------------------------------------------------- files */

/* Read a whole file ("-" = stdin) into a malloc'd NUL-terminated buffer.
 * max_bytes bounds the size (IO_EINVAL past it).  IO_EIO on read failure. */
int io_read_all(const char *path, size_t max_bytes, char **out, size_t *len);

/* Write data to path atomically (temporary file in the same directory,
 * fsync, rename); "-" or NULL writes to stdout.  IO_EIO on failure, the
 * old file intact. */
int io_write_atomic(const char *path, const char *data, size_t len);

/* Largest input file accepted (bytes). */
#define IO_MAX_INPUT_BYTES ((size_t)256 * 1024 * 1024)

/* ----------------------------------------------------------------- CLI */

/* Run the cohort command line; returns the process exit code. */
int io_cli_main(int argc, char **argv);

#endif
