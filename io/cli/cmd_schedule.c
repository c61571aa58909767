/* cmd_schedule.c - `cohort schedule`: export a schedule as iCalendar, CSV,
 * FHIR R4 or printable HTML (io/export/, docs/EXPORTS.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/export.h"
#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort schedule INSTANCE SOLUTION --format FORMAT [OPTIONS]\n"
            "       cohort schedule --db FILE --program ID [--version V] --format FORMAT [OPTIONS]\n"
            "Export a planned schedule for calendars, spreadsheets, EHRs or paper.\n\n"
            "  -f, --format F    ics (iCalendar), csv, fhir (FHIR R4 Bundle JSON) or html\n"
            "                    (printable)\n"
            "      --for WHO     program (default), facilitator:ID, room:ID or patient:ID\n"
            "      --table T     csv: rosters (default), sessions or unplaced\n"
            "      --bom         csv: start with a UTF-8 byte order mark (for Excel)\n"
            "      --pages P     html: one page per week (default) or per facilitator\n"
            "      --utc-offset O  fhir: the clinic's UTC offset, +HH:MM or -HH:MM\n"
            "                    (default +00:00; the instance has no time zone)\n"
            "      --tz ZONE     fhir: the clinic's IANA time zone (e.g. America/New_York):\n"
            "                    each day's offset, daylight saving time included\n"
            "      --db FILE     read the program and a saved schedule from this store\n"
            "      --program ID  the stored program (with --db)\n"
            "      --version V   a schedule version number, published or newest\n"
            "                    (default: the published one, else the newest)\n"
            "  -o, --output FILE write to FILE (atomically) instead of stdout\n"
            "  -h, --help        show this help\n\n"
            "iCalendar times are floating local times; DTSTAMP is SOURCE_DATE_EPOCH when\n"
            "set (reproducible files), else now.\n"
            "Exit codes: 0 ok, 1 internal error, 2 invalid arguments or input.\n");
}

/* Parsed command line. */
typedef struct args {
    const char *format, *scope, *out, *db, *program, *version, *instance, *solution, *tz;
    io_export_options o;
} args;

static int bad(const char *arg, const char *msg)
{
    fprintf(stderr, "cohort schedule: %s: %s (see cohort schedule --help)\n", arg, msg);
    return COHORT_EXIT_INVALID;
}

/* Parse argv into *a: COHORT_EXIT_OK, or an exit code with the message
 * printed (-1: --help shown, exit 0). */
static int parse_args(int argc, char **argv, args *a)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"for", required_argument, NULL, 'F'},
        {"table", required_argument, NULL, 't'},  {"bom", no_argument, NULL, 'B'},
        {"pages", required_argument, NULL, 'p'},  {"utc-offset", required_argument, NULL, 'u'},
        {"tz", required_argument, NULL, 'z'},
        {"db", required_argument, NULL, 'd'},     {"program", required_argument, NULL, 'P'},
        {"version", required_argument, NULL, 'v'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    int c, t;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': a->format = optarg; break;
        case 'F': a->scope = optarg; break;
        case 't':
            if ((t = io_csv_table_parse(optarg)) < 0)
                return bad("--table", "must be rosters, sessions or unplaced");
            a->o.table = (io_csv_table)t;
            break;
        case 'B': a->o.bom = true; break;
        case 'p':
            if ((t = io_pages_parse(optarg)) < 0)
                return bad("--pages", "must be week or facilitator");
            a->o.pages = (io_pages)t;
            break;
        case 'u':
            if (io_export_utc_offset_parse(optarg, &a->o.utc_offset_min) != IO_OK)
                return bad("--utc-offset", "must be +HH:MM or -HH:MM (at most 14:00)");
            break;
        case 'z': a->tz = optarg; break;
        case 'd': a->db = optarg; break;
        case 'P': a->program = optarg; break;
        case 'v': a->version = optarg; break;
        case 'o': a->out = optarg; break;
        case 'h': help(stdout); return -1;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    if (!a->format)
        return bad("--format", "is required (ics, csv, fhir or html)");
    if (strcmp(a->format, "ics") && strcmp(a->format, "csv") && strcmp(a->format, "fhir") &&
        strcmp(a->format, "html"))
        return bad("--format", "must be ics, csv, fhir or html");
    if (a->db) {
        if (!a->program)
            return bad("--program", "is required with --db");
        if (optind != argc)
            return bad(argv[optind], "no INSTANCE or SOLUTION files with --db");
    } else {
        if (a->program || a->version)
            return bad(a->program ? "--program" : "--version", "needs --db FILE");
        if (argc - optind != 2)
            return bad("INSTANCE SOLUTION", "expected two files (or --db FILE --program ID)");
        a->instance = argv[optind];
        a->solution = argv[optind + 1];
    }
    return COHORT_EXIT_OK;
}

/* Read the instance and solution from files. */
static int load_files(const args *a, model_instance **inst, model_solution **sol)
{
    model_diag d;
    model_diag_init(&d);
    int rc = io_instance_read_file(a->instance, inst, &d);
    if (rc == IO_OK)
        rc = io_solution_read_file(a->solution, sol, &d);
    if (rc != IO_OK)
        io_print_diag(stderr, &d);
    model_diag_free(&d);
    return rc == IO_OK ? COHORT_EXIT_OK : rc == IO_ENOMEM ? COHORT_EXIT_INTERNAL
                                                          : COHORT_EXIT_INVALID;
}

/* Read the program and a saved schedule version from the store. */
static int load_store(const args *a, model_instance **inst, model_solution **sol)
{
    int v = IO_SCHEDULE_LATEST;
    if (a->version && io_schedule_version_parse(a->version, &v))
        return bad("--version", "must be a version number, published or newest");
    io_store *s = NULL;
    char *err = NULL, *text = NULL;
    int rc = io_store_open(a->db, 0, &s, &err);
    if (rc != IO_OK) {
        fprintf(stderr, "cohort schedule: --db: %s\n", err ? err : "cannot open the database");
        free(err);
        return COHORT_EXIT_INVALID;
    }
    model_diag d;
    model_diag_init(&d);
    rc = io_store_program_export(s, a->program, inst, &d);
    if (rc == IO_OK && (rc = io_store_schedule_get(s, a->program, v, &text, NULL)) == IO_OK)
        rc = io_solution_parse(text, strlen(text), sol, &d);
    free(text);
    io_store_close(s);
    int code = COHORT_EXIT_OK;
    if (rc != IO_OK) {
        model_instance_destroy(*inst); /* read before the schedule failed */
        *inst = NULL;
    }
    if (rc == IO_STORE_ENOTFOUND) {
        fprintf(stderr, "cohort schedule: --program: no program '%s' or no such schedule in %s\n",
                a->program, a->db);
        code = COHORT_EXIT_INVALID;
    } else if (rc != IO_OK) {
        io_print_diag(stderr, &d);
        code = rc == IO_EINVAL ? COHORT_EXIT_INVALID : COHORT_EXIT_INTERNAL;
    }
    model_diag_free(&d);
    return code;
}

/* DTSTAMP: SOURCE_DATE_EPOCH (reproducible builds convention) or now. */
static long long stamp_now(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long v = e ? strtoll(e, &end, 10) : -1;
    return e && *e && !*end && v >= 0 ? v : (long long)time(NULL);
}

/* Export inst/sol as a->format to a->out: an exit code. */
static int write_export(args *a, const model_instance *inst, const model_solution *sol)
{
    char err[160];
    char *text = NULL;
    const char *ctype = NULL;
    int *offsets = NULL;
    a->o.stamp = stamp_now();
    if (io_export_scope_parse(a->scope, inst, &a->o.scope, err) != IO_OK)
        return bad("--for", err);
    if (a->tz && io_export_tz_offsets(a->tz, inst, &offsets, &a->o.n_day_offsets) != IO_OK)
        return bad("--tz", "no such time zone (an IANA name like America/New_York)");
    a->o.day_offsets = offsets;
    int code = COHORT_EXIT_OK;
    if (io_export_render(a->format, inst, sol, &a->o, &text, &ctype) != IO_OK) {
        fprintf(stderr, "cohort schedule: out of memory\n");
        code = COHORT_EXIT_INTERNAL;
    } else if (io_write_atomic(a->out, text, strlen(text)) != IO_OK) {
        fprintf(stderr, "cohort schedule: cannot write %s\n", a->out ? a->out : "stdout");
        code = COHORT_EXIT_INTERNAL;
    }
    free(text);
    free(offsets);
    return code;
}

int io_cmd_schedule(int argc, char **argv)
{
    args a = {0};
    io_export_options_default(&a.o);
    int code = parse_args(argc, argv, &a);
    if (code != COHORT_EXIT_OK)
        return code < 0 ? COHORT_EXIT_OK : code;
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    code = a.db ? load_store(&a, &inst, &sol) : load_files(&a, &inst, &sol);
    if (code == COHORT_EXIT_OK)
        code = write_export(&a, inst, sol);
    model_instance_destroy(inst);
    model_solution_destroy(sol);
    return code;
}
