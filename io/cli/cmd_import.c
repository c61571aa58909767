/* cmd_import.c - `cohort import INSTANCE --db FILE [--program ID] [--replace]`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort import INSTANCE --db FILE [--program ID] [--replace]\n"
            "Store a program from an instance file (\"-\" = stdin) in the database (created\n"
            "when missing).  The instance is validated first; nothing is stored if it has\n"
            "errors.\n\n"
            "  --db FILE        SQLite database\n"
            "  --program ID     program id (default: from the program name)\n"
            "  --replace        replace the program ID if it exists\n"
            "  -h, --help       show this help\n\n"
            "Exit codes: 0 stored, 2 invalid instance / id exists, 1 internal error.\n");
}

int io_cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"program", required_argument, NULL, 'p'},
        {"replace", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *program = NULL;
    int replace = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'p': program = optarg; break;
        case 'r': replace = 1; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    if (optind != argc - 1 || !db) {
        fprintf(stderr, "cohort import: expected one instance file and --db FILE\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    if (replace && !program) {
        fprintf(stderr, "cohort import: --replace needs --program ID\n");
        return COHORT_EXIT_INVALID;
    }
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = io_instance_read_file(argv[optind], &inst, &d);
    if (rc != IO_OK) {
        io_print_diag(stderr, &d);
        model_diag_free(&d);
        return rc == IO_ENOMEM ? COHORT_EXIT_INTERNAL : COHORT_EXIT_INVALID;
    }
    model_diag_free(&d);
    model_diag_init(&d);
    io_store *s = NULL;
    char *err = NULL;
    rc = io_store_open(db, 1, &s, &err);
    if (rc != IO_OK) {
        fprintf(stderr, "cohort import: %s\n", err ? err : "cannot open the database");
        free(err);
        model_instance_destroy(inst);
        return COHORT_EXIT_INTERNAL;
    }
    char *id = NULL;
    if (replace) {
        rc = io_store_program_replace(s, program, inst, 0, &d, NULL);
        if (rc == IO_STORE_ENOTFOUND) {
            model_diag_free(&d);
            model_diag_init(&d);
            rc = io_store_program_create(s, program, inst, 0, &id, &d, NULL);
        }
    } else {
        rc = io_store_program_create(s, program, inst, 0, &id, &d, NULL);
    }
    int exit_code = COHORT_EXIT_OK;
    if (rc == IO_OK) {
        printf("imported program %s: %d group types, %d groups, %d rooms, %d facilitators, "
               "%d patients\n",
               id ? id : program, inst->n_types, inst->n_groups, inst->n_rooms,
               inst->n_facilitators, inst->n_patients);
    } else {
        io_print_diag(stderr, &d);
        if (rc == IO_STORE_ECONFLICT)
            fprintf(stderr, "cohort import: use --replace to overwrite it\n");
        exit_code = rc == IO_EINVAL || rc == IO_STORE_ECONFLICT ? COHORT_EXIT_INVALID
                                                                : COHORT_EXIT_INTERNAL;
    }
    free(id);
    model_diag_free(&d);
    io_store_close(s);
    model_instance_destroy(inst);
    return exit_code;
}
