/* cmd_census.c - `cohort census --db FILE --program ID --period week|month
 * --start DATE [--csv]`: census and billing of a stored program. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort census --db FILE --program ID --period week|month --start START\n"
            "                     [--csv]\n"
            "Census and billing of a week (START a Monday, YYYY-MM-DD) or a month (YYYY-MM):\n"
            "per group, type and facilitator, enrolled and active members, sessions held and\n"
            "cancelled, attended member-sessions, attendance and no-show rates, utilisation,\n"
            "billable units per CPT, projected against actual revenue, waitlist depth per\n"
            "type (docs/FORMAT.md \"Census and billing\").  JSON, or with --csv one row per\n"
            "group, type and facilitator.\n\n"
            "  --db FILE        SQLite database\n"
            "  --program ID     stored program\n"
            "  -h, --help       show this help\n\n"
            "Exit codes: 0 ok, 2 invalid input or unknown program, 1 internal error.\n");
}

static const char *const COLS[] = {"sessions_scheduled", "sessions_cancelled", "sessions_held",
                                   "attended_member_sessions", "no_shows", "late_cancels",
                                   "attendance_rate", "no_show_rate", "utilisation",
                                   "projected_revenue", "actual_revenue",
                                   "revenue_per_session", NULL};

/* One CSV row: level, id, the shared columns, enrolled, active, units,
 * waitlist depth.  Text cells go through io_csv_field (quoting and the
 * formula guard of the exports). */
static void csv_row(io_buf *b, const char *level, const char *id, json_t *o)
{
    io_csv_field(b, 1, level);
    io_csv_field(b, 0, id);
    for (int i = 0; COLS[i]; i++) {
        json_t *v = json_object_get(o, COLS[i]);
        if (json_is_integer(v))
            io_buf_printf(b, ",%lld", (long long)json_integer_value(v));
        else
            io_buf_printf(b, ",%.4f", json_number_value(v));
    }
    const char *cpt = NULL;
    json_t *u;
    json_object_foreach(json_object_get(o, "billable_units"), cpt, u) break;
    io_csv_field(b, 0, cpt);
    io_buf_printf(b, ",%lld", cpt ? (long long)json_integer_value(u) : 0LL);
    io_buf_printf(b, ",%lld,%lld,%lld\r\n",
                  (long long)json_integer_value(json_object_get(o, "enrolled")),
                  (long long)json_integer_value(json_object_get(o, "active")),
                  (long long)json_integer_value(json_object_get(o, "waitlist_depth")));
}

/* The census c as CSV (consumes c). */
static int print_csv(json_t *c)
{
    static const char *const TAIL[] = {"cpt", "billable_units", "enrolled", "active",
                                       "waitlist_depth", NULL};
    io_buf b;
    io_buf_init(&b, 0);
    io_csv_field(&b, 1, "level");
    io_csv_field(&b, 0, "id");
    for (int i = 0; COLS[i]; i++)
        io_csv_field(&b, 0, COLS[i]);
    for (int i = 0; TAIL[i]; i++)
        io_csv_field(&b, 0, TAIL[i]);
    io_buf_puts(&b, "\r\n"); /* RFC 4180 line ends, like the schedule export */
    static const char *const LEVELS[][2] = {{"groups", "group"},
                                            {"types", "type"},
                                            {"facilitators", "facilitator"}};
    for (int l = 0; l < 3; l++) {
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(c, LEVELS[l][0]), i, o)
        csv_row(&b, LEVELS[l][1], json_string_value(json_object_get(o, LEVELS[l][1])), o);
    }
    json_decref(c);
    int ok = b.err == IO_OK && (b.len == 0 || fwrite(b.data, 1, b.len, stdout) == b.len);
    io_buf_free(&b);
    if (!ok) {
        fprintf(stderr, "cohort census: cannot write the CSV\n");
        return COHORT_EXIT_INTERNAL;
    }
    return COHORT_EXIT_OK;
}

int io_cmd_census(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},     {"program", required_argument, NULL, 'p'},
        {"period", required_argument, NULL, 'P'}, {"start", required_argument, NULL, 's'},
        {"csv", no_argument, NULL, 'c'},          {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *program = NULL, *period = NULL, *start = NULL;
    int csv = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'p': program = optarg; break;
        case 'P': period = optarg; break;
        case 's': start = optarg; break;
        case 'c': csv = 1; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    if (!db || !program || optind != argc) {
        fprintf(stderr, "cohort census: expected --db FILE and --program ID\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    io_store *s = NULL;
    char *err = NULL;
    if (io_store_open(db, 0, &s, &err) != IO_OK) {
        fprintf(stderr, "cohort census: %s\n", err ? err : "cannot open the database");
        free(err);
        return COHORT_EXIT_INTERNAL;
    }
    model_diag d;
    model_diag_init(&d);
    char *json = NULL;
    json_t *tree = NULL;
    int rc = csv ? io_clinic_census_tree(s, program, period, start, &tree, &d)
                 : io_clinic_census(s, program, period, start, &json, &d);
    int ex = rc == IO_OK && csv ? print_csv(tree) : io_cli_store_answer(rc, json, &d, "census");
    model_diag_free(&d);
    io_store_close(s);
    return ex;
}
