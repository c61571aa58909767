/* cli.c - command dispatch, global options, help. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

#ifndef COHORT_VERSION
#define COHORT_VERSION MODEL_VERSION
#endif

static const io_command COMMANDS[] = {
    {"validate", "check an instance file for errors and warnings", io_cmd_validate},
    {"plan", "plan the quarter: groups, times, rooms, facilitators, placements", io_cmd_plan},
    {"check", "verify every hard rule and the metrics of a solution file", io_cmd_check},
    {"generate", "generate a realistic benchmark program (tiers S, M, L, XL)", io_cmd_generate},
    {"fill", "rank the waitlist for opened seats; --apply places the best, nothing else changes", io_cmd_fill},
    {"whatif", "plan scenarios (and marginal values) side by side with the baseline, in parallel", io_cmd_whatif},
    {"serve", "serve the JSON HTTP API over a program store", io_cmd_serve},
    {"import", "store a program from an instance file", io_cmd_import},
    {"export", "write a stored program as an instance file", io_cmd_export},
    {"schedule", "export a schedule as iCalendar, CSV, FHIR R4 or printable HTML", io_cmd_schedule},
    {"attendance", "record a session's attendance; no-show flags; confirm a drop (with fill suggestions)", io_cmd_attendance},
    {"offers", "offer open seats to ranked candidates; decisions, contact attempts, expiry", io_cmd_offers},
    {"census", "census and billing of a week or a month (JSON or CSV)", io_cmd_census},
    {"token", "create, list or revoke API tokens", io_cmd_token},
    {"worker", "run one solver job for cohort serve (internal; JSON on stdin)", io_cmd_worker},
};
#define N_COMMANDS ((int)(sizeof COMMANDS / sizeof COMMANDS[0]))

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cohort COMMAND [OPTIONS] ...\n"
            "Plans group-therapy programs: groups, facilitators, rooms, patients.\n\n"
            "Commands:\n");
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(out,
            "\nOptions:\n"
            "  -h, --help     show this help (cohort COMMAND --help for a command)\n"
            "  -V, --version  print the version\n\n"
            "Exit codes: 0 ok, 1 internal error, 2 invalid input, 3 infeasible,\n"
            "4 no solution within the time limit, 5 check found violations.\n");
}

int io_cli_main(int argc, char **argv)
{
    if (argc >= 2 && argv[1][0] != '-') {
        for (int i = 0; i < N_COMMANDS; i++)
            if (strcmp(argv[1], COMMANDS[i].name) == 0)
                return COMMANDS[i].run(argc - 1, argv + 1);
        fprintf(stderr, "cohort: unknown command '%s' (see cohort --help)\n", argv[1]);
        return COHORT_EXIT_INVALID;
    }
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return COHORT_EXIT_OK;
        case 'V':
            printf("cohort %s\n", COHORT_VERSION);
            return COHORT_EXIT_OK;
        default:
            usage(stderr);
            return COHORT_EXIT_INVALID;
        }
    }
    usage(stderr);
    return COHORT_EXIT_INVALID;
}

int io_diag_error(model_diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = model_diag_verror(d, path, fmt, ap);
    va_end(ap);
    return rc == MODEL_OK ? 0 : -1;
}

void io_print_diag(FILE *out, const model_diag *d)
{
    for (int i = 0; i < d->n_errors; i++)
        fprintf(out, "error: %s: %s\n", d->errors[i].path[0] ? d->errors[i].path : "(file)",
                d->errors[i].message);
    for (int i = 0; i < d->n_warnings; i++)
        fprintf(out, "warning: %s: %s\n",
                d->warnings[i].path[0] ? d->warnings[i].path : "(file)", d->warnings[i].message);
}

int io_emit(const char *path, const char *text)
{
    size_t n = strlen(text);
    char *buf = NULL;
    int rc;
    /* One write of text + "\n" keeps the atomic rename a single file. */
    buf = malloc(n + 2);
    if (!buf) {
        fprintf(stderr, "cohort: out of memory\n");
        return COHORT_EXIT_INTERNAL;
    }
    memcpy(buf, text, n);
    buf[n] = '\n';
    buf[n + 1] = '\0';
    rc = io_write_atomic(path, buf, n + 1);
    free(buf);
    if (rc != IO_OK) {
        fprintf(stderr, "cohort: cannot write %s\n", path ? path : "stdout");
        return COHORT_EXIT_INTERNAL;
    }
    return COHORT_EXIT_OK;
}

int io_cli_store_answer(int rc, char *json, const model_diag *d, const char *command)
{
    if (rc == IO_OK) {
        int ex = io_emit(NULL, json);
        free(json);
        return ex;
    }
    io_print_diag(stderr, d);
    if (rc == IO_STORE_ENOTFOUND && d->n_errors == 0)
        fprintf(stderr, "cohort %s: not found\n", command);
    return rc == IO_EINVAL || rc == IO_STORE_ENOTFOUND ? COHORT_EXIT_INVALID
                                                         : COHORT_EXIT_INTERNAL;
}
