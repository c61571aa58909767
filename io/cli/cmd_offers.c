/* cmd_offers.c - `cohort offers candidates|create|decide|contact|list --db
 * FILE --program ID`: seat offers of a stored program. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort offers candidates GROUP --db FILE --program ID\n"
            "       cohort offers create FILE --db FILE --program ID\n"
            "       cohort offers decide OFFER FILE --db FILE --program ID\n"
            "       cohort offers contact OFFER FILE --db FILE --program ID\n"
            "       cohort offers list --db FILE --program ID [--group G] [--patient P] [--at T]\n"
            "candidates: the open seats of GROUP and the ranked candidates for them.\n"
            "create: offer a seat, FILE (\"-\" = stdin) {group, patient, at?}.\n"
            "decide: {decision: accepted | declined, reason?, at?}; accepting places the\n"
            "  patient, declining prints the next candidates.\n"
            "contact: record a contact attempt {channel, outcome, note?, at?}.\n"
            "list: offers with contact attempts; expires those due at --at (default now).\n"
            "JSON answers as the API's .../offers routes (docs/FORMAT.md \"Seat offers\").\n\n"
            "  --db FILE        SQLite database\n"
            "  --program ID     stored program\n"
            "  -h, --help       show this help\n\n"
            "Exit codes: 0 ok, 2 invalid input (each error with its field) or unknown offer,\n"
            "1 internal error.\n");
}

typedef struct off_opts {
    const char *db, *program, *group, *patient, *at;
} off_opts;


/* create / decide / contact: a JSON file as the body. */
static int with_body(io_store *s, const char *sub, long long id, const char *file,
                     const off_opts *o, model_diag *d)
{
    char *body = NULL, *json = NULL;
    size_t len = 0;
    if (!file || io_read_all(file, IO_MAX_INPUT_BYTES, &body, &len) != IO_OK) {
        fprintf(stderr, "cohort offers %s: cannot read %s\n", sub, file ? file : "(none)");
        return COHORT_EXIT_INVALID;
    }
    int rc = strcmp(sub, "create") == 0
                 ? io_store_offer_create(s, o->program, body, len, 0, &json, d)
             : strcmp(sub, "decide") == 0
                 ? io_store_offer_decide(s, o->program, id, body, len, 0, &json, d)
                 : io_store_offer_contact(s, o->program, id, body, len, 0, &json, d);
    free(body);
    return io_cli_store_answer(rc, json, d, "offers");
}

static int dispatch(io_store *s, const char *sub, char **args, int nargs, const off_opts *o,
                    model_diag *d)
{
    char *json = NULL;
    int rc;
    if (strcmp(sub, "list") == 0) {
        rc = io_store_offers_list(s, o->program, o->group, o->patient, o->at, &json);
        if (rc == IO_EINVAL)
            model_diag_error(d, "at", "not a date-time (YYYY-MM-DDTHH:MM:SSZ)");
        return io_cli_store_answer(rc, json, d, "offers");
    }
    if (strcmp(sub, "candidates") == 0 && nargs == 1) {
        rc = io_store_seat_candidates(s, o->program, args[0], &json, d);
        return io_cli_store_answer(rc, json, d, "offers");
    }
    if (strcmp(sub, "create") == 0 && nargs == 1)
        return with_body(s, sub, 0, args[0], o, d);
    if ((strcmp(sub, "decide") == 0 || strcmp(sub, "contact") == 0) && nargs == 2) {
        char *end = NULL;
        long long id = strtoll(args[0], &end, 10);
        if (!end || *end || id <= 0) {
            fprintf(stderr, "cohort offers %s: OFFER must be an offer id\n", sub);
            return COHORT_EXIT_INVALID;
        }
        return with_body(s, sub, id, args[1], o, d);
    }
    fprintf(stderr, "cohort offers: wrong arguments for '%s'\n", sub);
    help(stderr);
    return COHORT_EXIT_INVALID;
}

int io_cmd_offers(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},    {"program", required_argument, NULL, 'p'},
        {"group", required_argument, NULL, 'g'}, {"patient", required_argument, NULL, 'P'},
        {"at", required_argument, NULL, 't'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    off_opts o = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o.db = optarg; break;
        case 'p': o.program = optarg; break;
        case 'g': o.group = optarg; break;
        case 'P': o.patient = optarg; break;
        case 't': o.at = optarg; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    const char *sub = optind < argc ? argv[optind] : NULL;
    if (!sub || !o.db || !o.program) {
        fprintf(stderr, "cohort offers: expected a subcommand, --db FILE and --program ID\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    io_store *s = NULL;
    char *err = NULL;
    if (io_store_open(o.db, 0, &s, &err) != IO_OK) {
        fprintf(stderr, "cohort offers: %s\n", err ? err : "cannot open the database");
        free(err);
        return COHORT_EXIT_INTERNAL;
    }
    model_diag d;
    model_diag_init(&d);
    int ex = dispatch(s, sub, argv + optind + 1, argc - optind - 1, &o, &d);
    model_diag_free(&d);
    io_store_close(s);
    return ex;
}
