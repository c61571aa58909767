/* cmd_validate.c - `cohort validate FILE [--json] [-o FILE]`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort validate FILE [--json] [-o OUT]\n"
            "Check an instance file (\"-\" = stdin); report every error with its path.\n\n"
            "  --json        print {\"status\",\"errors\":[{\"path\",\"message\"}],\"warnings\"}\n"
            "  -o, --output  write the report to OUT instead of stdout\n"
            "  -h, --help    show this help\n\n"
            "Exit codes: 0 valid (warnings allowed), 2 invalid or unreadable, 1 internal error.\n");
}

int io_cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int json = 0, c;
    const char *out_path = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'o': out_path = optarg; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "cohort validate: expected one instance file\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = io_instance_read_file(argv[optind], &inst, &d);
    int exit_code;
    if (rc == IO_ENOMEM) {
        fprintf(stderr, "cohort validate: out of memory\n");
        model_diag_free(&d);
        return COHORT_EXIT_INTERNAL;
    }
    exit_code = rc == IO_OK ? COHORT_EXIT_OK : COHORT_EXIT_INVALID;
    if (json) {
        char *text = NULL;
        if (io_diag_to_json(&d, rc == IO_OK ? "valid" : "invalid", &text) != IO_OK) {
            exit_code = COHORT_EXIT_INTERNAL;
        } else {
            int e = io_emit(out_path, text);
            if (e != COHORT_EXIT_OK)
                exit_code = e;
        }
        free(text);
    } else {
        /* Compose the report in memory, then write it in one atomic step. */
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        if (!out) {
            fprintf(stderr, "cohort validate: out of memory\n");
            exit_code = COHORT_EXIT_INTERNAL;
        } else {
            io_print_diag(out, &d);
            if (rc == IO_OK)
                fprintf(out, "%s: valid (%d groups, %d types, %d facilitators, %d rooms, %d patients; %d warnings)\n",
                        argv[optind], inst->n_groups, inst->n_types, inst->n_facilitators,
                        inst->n_rooms, inst->n_patients, d.n_warnings);
            else
                fprintf(out, "%s: invalid (%d errors, %d warnings)\n", argv[optind], d.n_errors,
                        d.n_warnings);
            if (fclose(out) != 0 || !text) {
                fprintf(stderr, "cohort validate: out of memory\n");
                exit_code = COHORT_EXIT_INTERNAL;
            } else if (io_write_atomic(out_path, text, len) != IO_OK) {
                fprintf(stderr, "cohort validate: cannot write %s\n", out_path ? out_path : "stdout");
                exit_code = COHORT_EXIT_INTERNAL;
            }
        }
        free(text);
    }
    model_instance_destroy(inst);
    model_diag_free(&d);
    return exit_code;
}
