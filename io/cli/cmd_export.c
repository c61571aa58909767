/* cmd_export.c - `cohort export PROGRAM --db FILE [-o OUT]`. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort export PROGRAM --db FILE [-o OUT]\n"
            "       cohort export --list --db FILE\n"
            "Write a stored program as an instance file (the same instance `cohort import`\n"
            "stored, rosters as they are now), or list the stored programs.\n\n"
            "  --db FILE        SQLite database (must exist)\n"
            "  -o, --output     write to OUT instead of stdout (atomically)\n"
            "  --list           list the programs as JSON\n"
            "  -h, --help       show this help\n\n"
            "Exit codes: 0 ok, 2 no such program or database, 1 internal error.\n");
}

int io_cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"output", required_argument, NULL, 'o'},
        {"list", no_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *out = NULL;
    int list = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'o': out = optarg; break;
        case 'l': list = 1; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    if (!db || (list ? optind != argc : optind != argc - 1)) {
        fprintf(stderr, "cohort export: expected PROGRAM (or --list) and --db FILE\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    io_store *s = NULL;
    char *err = NULL;
    int rc = io_store_open(db, 0, &s, &err);
    if (rc != IO_OK) {
        fprintf(stderr, "cohort export: %s\n", err ? err : "cannot open the database");
        free(err);
        return rc == IO_EIO ? COHORT_EXIT_INVALID : COHORT_EXIT_INTERNAL;
    }
    char *text = NULL;
    rc = list ? io_store_program_list(s, &text, NULL) : io_store_program_json(s, argv[optind], &text, NULL);
    int exit_code;
    if (rc == IO_OK) {
        /* indent for people; the content is exactly what the store holds */
        json_t *j = json_loads(text, 0, NULL);
        char *pretty = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        json_decref(j);
        exit_code = pretty ? io_emit(out, pretty) : COHORT_EXIT_INTERNAL;
        free(pretty);
    } else if (rc == IO_STORE_ENOTFOUND) {
        fprintf(stderr, "cohort export: no program '%s' in %s\n", argv[optind], db);
        exit_code = COHORT_EXIT_INVALID;
    } else {
        fprintf(stderr, "cohort export: cannot read the program\n");
        exit_code = COHORT_EXIT_INTERNAL;
    }
    free(text);
    io_store_close(s);
    return exit_code;
}
