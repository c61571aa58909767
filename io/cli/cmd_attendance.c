/* cmd_attendance.c - `cohort attendance record|list|flags|confirm --db FILE
 * --program ID`: a stored program's attendance and no-show flags. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort attendance record FILE --db FILE --program ID\n"
            "       cohort attendance list --db FILE --program ID [--group G] [--patient P]\n"
            "       cohort attendance flags --db FILE --program ID [--group G] [--all]\n"
            "       cohort attendance roster --db FILE --program ID --group G --date D [--text]\n"
            "       cohort attendance authorizations --db FILE --program ID [--date D]\n"
            "                                 [--within DAYS]\n"
            "       cohort attendance confirm --db FILE --program ID --group G --patient P\n"
            "                                 [--action drop|hold_admin] [--date YYYY-MM-DD]\n"
            "record: one session's attendance from FILE (\"-\" = stdin), as POST\n"
            "  /v1/programs/ID/attendance: {group, date, marks: [{patient, status}]} or\n"
            "  {group, date, cancelled: {reason}}; prints the recorded marks and the flags.\n"
            "list: recorded marks by date.  flags: members who need a call under\n"
            "  settings.no_show_policy (--all: every current member).\n"
            "roster: the pre-session roster of a dated session (--text: printable).\n"
            "authorizations: payer authorizations running out within DAYS [14] of --date.\n"
            "confirm: a person confirms a drop (default) or an administrative hold; prints\n"
            "  the roster event and the ranked fill suggestions for the opened seat.\n\n"
            "  --db FILE        SQLite database\n"
            "  --program ID     stored program\n"
            "  -h, --help       show this help\n\n"
            "Exit codes: 0 ok, 2 invalid input (each error with its field), 1 internal error.\n");
}

typedef struct att_opts {
    const char *db, *program, *group, *patient, *action, *date;
    int all, text, within;
} att_opts;


/* confirm: record the roster event, then rank the waitlist for it. */
static int confirm(io_store *s, const att_opts *o, model_diag *d)
{
    const char *action = o->action ? o->action : "drop";
    const char *event = strcmp(action, "drop") == 0         ? "dropped"
                        : strcmp(action, "hold_admin") == 0 ? "hold_admin"
                                                            : NULL;
    if (!event || !o->group || !o->patient) {
        fprintf(stderr, "cohort attendance confirm: needs --group, --patient and --action "
                        "drop|hold_admin\n");
        return COHORT_EXIT_INVALID;
    }
    json_t *ev = json_pack("{s:s,s:s,s:s}", "event", event, "group", o->group, "patient",
                           o->patient);
    if (o->date)
        json_object_set_new(ev, "date", json_string(o->date));
    json_t *wrap = json_pack("{s:[O]}", "events", ev);
    model_instance *before = NULL;
    json_t *rec = NULL, *report = NULL;
    int version = 0;
    int rc = io_store_program_for_planning(s, o->program, &before, d);
    if (rc == IO_OK)
        rc = wrap ? io_store_events_record_tree(s, o->program, wrap, 0, &rec, d) : IO_ENOMEM;
    json_t *out = NULL;
    if (rc == IO_OK) {
        model_diag sd;
        model_diag_init(&sd);
        int src = io_clinic_suggest(s, o->program, before, wrap, &report, &version, &sd);
        out = json_pack("{s:o,s:s,s:o}", "recorded", rec, "confirmed", action, "suggestions",
                        src == IO_OK ? report
                                     : json_string(sd.n_errors ? sd.errors[0].message
                                                               : "no suggestions"));
        if (src == IO_OK)
            json_object_set_new(out, "schedule_version", json_integer(version));
        model_diag_free(&sd);
    }
    char *json = out ? json_dumps(out, JSON_INDENT(2)) : NULL;
    json_decref(out);
    json_decref(ev);
    json_decref(wrap);
    model_instance_destroy(before);
    return io_cli_store_answer(rc, json, d, "attendance");
}

/* The roster r as printable text (consumes r). */
static int print_roster(json_t *r)
{
    printf("%s  %s\n\n%-10s %-14s %-40s %s\n", json_string_value(json_object_get(r, "group")),
           json_string_value(json_object_get(r, "date")), "patient", "status", "last 4 weeks",
           "flags");
    size_t i, k;
    json_t *m, *x;
    json_array_foreach(json_object_get(r, "members"), i, m)
    {
        char weeks[256] = "";
        size_t u = 0;
        json_array_foreach(json_object_get(m, "last_4_weeks"), k, x)
        u += (size_t)snprintf(weeks + u, u < sizeof weeks ? sizeof weeks - u : 0, "%s%.5s %s",
                              k ? ", " : "", json_string_value(json_object_get(x, "date")) + 5,
                              json_string_value(json_object_get(x, "status")));
        printf("%-10s %-14s %-40s", json_string_value(json_object_get(m, "patient")),
               json_string_value(json_object_get(m, "status")), weeks);
        json_array_foreach(json_object_get(m, "flags"), k, x)
        printf("%s%s", k ? "; " : " ", json_string_value(x));
        printf("\n");
    }
    json_decref(r);
    return COHORT_EXIT_OK;
}

static int dispatch(io_store *s, const char *sub, const char *file, const att_opts *o,
                    model_diag *d)
{
    char *json = NULL;
    int rc;
    if (strcmp(sub, "list") == 0) {
        rc = io_store_attendance_list(s, o->program, o->group, o->patient, &json, NULL);
        return io_cli_store_answer(rc, json, d, "attendance");
    }
    if (strcmp(sub, "flags") == 0) {
        rc = io_store_attendance_flags(s, o->program, o->group, !o->all, &json);
        return io_cli_store_answer(rc, json, d, "attendance");
    }
    if (strcmp(sub, "confirm") == 0)
        return confirm(s, o, d);
    if (strcmp(sub, "authorizations") == 0) {
        rc = io_store_authorizations_expiring(s, o->program, o->date, o->within, &json, d);
        return io_cli_store_answer(rc, json, d, "attendance");
    }
    if (strcmp(sub, "roster") == 0 && o->text) {
        json_t *r = NULL;
        rc = io_store_roster_tree(s, o->program, o->group, o->date, &r, d);
        if (rc == IO_OK)
            return print_roster(r);
        return io_cli_store_answer(rc, NULL, d, "attendance");
    }
    if (strcmp(sub, "roster") == 0) {
        rc = io_store_roster(s, o->program, o->group, o->date, &json, d);
        return io_cli_store_answer(rc, json, d, "attendance");
    }
    char *body = NULL;
    size_t len = 0;
    if (!file || io_read_all(file, IO_MAX_INPUT_BYTES, &body, &len) != IO_OK) {
        fprintf(stderr, "cohort attendance record: cannot read %s\n", file ? file : "(none)");
        return COHORT_EXIT_INVALID;
    }
    rc = io_store_attendance_record(s, o->program, body, len, 0, &json, d);
    free(body);
    return io_cli_store_answer(rc, json, d, "attendance");
}

int io_cmd_attendance(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},      {"program", required_argument, NULL, 'p'},
        {"group", required_argument, NULL, 'g'},   {"patient", required_argument, NULL, 'P'},
        {"action", required_argument, NULL, 'a'},  {"date", required_argument, NULL, 't'},
        {"all", no_argument, NULL, 'A'},           {"help", no_argument, NULL, 'h'},
        {"text", no_argument, NULL, 'T'},          {"within", required_argument, NULL, 'w'},
        {NULL, 0, NULL, 0},
    };
    att_opts o = {0};
    o.within = 14;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o.db = optarg; break;
        case 'p': o.program = optarg; break;
        case 'g': o.group = optarg; break;
        case 'P': o.patient = optarg; break;
        case 'a': o.action = optarg; break;
        case 't': o.date = optarg; break;
        case 'A': o.all = 1; break;
        case 'T': o.text = 1; break;
        case 'w': o.within = atoi(optarg); break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    const char *sub = optind < argc ? argv[optind] : NULL;
    static const char *const SUBS[] = {"record", "list", "flags", "confirm", "roster",
                                       "authorizations"};
    int known = 0;
    for (int i = 0; sub && i < 6; i++)
        known |= strcmp(sub, SUBS[i]) == 0;
    if (!known || !o.db || !o.program) {
        fprintf(stderr, "cohort attendance: expected record, list, flags or confirm, --db FILE"
                        " and --program ID\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    io_store *s = NULL;
    char *err = NULL;
    if (io_store_open(o.db, 0, &s, &err) != IO_OK) {
        fprintf(stderr, "cohort attendance: %s\n", err ? err : "cannot open the database");
        free(err);
        return COHORT_EXIT_INTERNAL;
    }
    model_diag d;
    model_diag_init(&d);
    int ex = dispatch(s, sub, optind + 1 < argc ? argv[optind + 1] : NULL, &o, &d);
    model_diag_free(&d);
    io_store_close(s);
    return ex;
}
