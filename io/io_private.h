/* io_private.h - helpers shared inside io/ only. */
#ifndef COHORT_IO_PRIVATE_H
#define COHORT_IO_PRIVATE_H

#include <stdio.h>

#include "io.h"

/* One subcommand of the cohort CLI.  run() gets argv with argv[0] = the
 * command name and returns the process exit code. */
typedef struct io_command {
    const char *name;
    const char *summary; /* one line for `cohort --help` */
    int (*run)(int argc, char **argv);
} io_command;

/* Subcommands (each in io/cmd_<name>.c). */
int io_cmd_validate(int argc, char **argv);
/* `cohort check INSTANCE SOLUTION` (io/cmd_check.c, helper D) */
int io_cmd_check(int argc, char **argv);

/* Print diagnostics for a person: "error: PATH: MESSAGE" lines, then
 * warnings. */
void io_print_diag(FILE *out, const model_diag *d);

/* Write text to path (or stdout when path is NULL or "-") atomically, with a
 * trailing newline.  Prints an error to stderr and returns
 * COHORT_EXIT_INTERNAL on failure, else COHORT_EXIT_OK. */
int io_emit(const char *path, const char *text);

#endif
