/*
 * census.c - census and billing of a stored program for a week or a
 * month: per group, group type and facilitator, from the saved schedule
 * (what was planned) and the attendance (what happened); JSON and CSV.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "io_private.h"

/* Counters of one group, type or facilitator over the period. */
typedef struct tally {
    int scheduled, cancelled, held;
    int marks, attended, no_shows, late_cancels, excused;
    double projected, actual;
    int seats; /* max_size summed over held sessions (utilisation) */
} tally;

/* The period [from, to) of "week" YYYY-MM-DD (a Monday) or "month"
 * YYYY-MM.  0 ok, -1 with the error in d. */
static int period_range(const char *period, const char *start, int *from, int *to,
                        model_diag *d)
{
    char buf[48];
    if (period && strcmp(period, "week") == 0) {
        if (!start || model_date_parse(start, from) != MODEL_OK || model_date_weekday(*from)) {
            model_diag_error(d, "start", "a week starts on a Monday (YYYY-MM-DD)");
            return -1;
        }
        *to = *from + 7;
        return 0;
    }
    if (!period || strcmp(period, "month") != 0) {
        model_diag_error(d, "period", "must be week or month");
        return -1;
    }
    int y, m;
    if (!start || strlen(start) != 7 || sscanf(start, "%4d-%2d", &y, &m) != 2 || m < 1 ||
        m > 12 || y < 1900 || y > 9999) {
        model_diag_error(d, "start", "a month is YYYY-MM");
        return -1;
    }
    snprintf(buf, sizeof buf, "%s-01", start);
    if (model_date_parse(buf, from) != MODEL_OK) {
        model_diag_error(d, "start", "a month is YYYY-MM");
        return -1;
    }
    snprintf(buf, sizeof buf, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
    model_date_parse(buf, to);
    return 0;
}

/* The group's mark of a patient kind count into t. */
static void count_mark(tally *t, int a)
{
    t->marks += a != MODEL_ATT_CANCELLED;
    t->attended += model_attendance_attended((model_attendance)a);
    t->no_shows += a == MODEL_ATT_NO_SHOW;
    t->late_cancels += a == MODEL_ATT_LATE_CANCEL;
    t->excused += a == MODEL_ATT_EXCUSED;
}

static void add_tally(tally *a, const tally *b)
{
    a->scheduled += b->scheduled, a->cancelled += b->cancelled, a->held += b->held;
    a->marks += b->marks, a->attended += b->attended, a->no_shows += b->no_shows;
    a->late_cancels += b->late_cancels, a->excused += b->excused;
    a->projected += b->projected, a->actual += b->actual, a->seats += b->seats;
}

static double ratio(int a, int b)
{
    return b > 0 ? (double)a / b : 0.0;
}

/* A tally as JSON (the fields every level shares). */
static json_t *tally_json(const tally *t, const char *cpt)
{
    json_t *o = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:f,s:f,s:f,s:f,s:f,s:f}",
                          "sessions_scheduled", t->scheduled, "sessions_cancelled", t->cancelled,
                          "sessions_held", t->held, "attended_member_sessions", t->attended,
                          "no_shows", t->no_shows, "late_cancels", t->late_cancels, "excused",
                          t->excused, "attendance_rate", ratio(t->attended, t->marks),
                          "no_show_rate", ratio(t->no_shows, t->marks), "utilisation",
                          ratio(t->attended, t->seats), "projected_revenue", t->projected,
                          "actual_revenue", t->actual, "revenue_per_session",
                          t->held ? t->actual / t->held : 0.0);
    if (cpt) {
        json_t *u = json_object();
        json_object_set_new(u, cpt, json_integer(t->attended));
        json_object_set_new(o, "billable_units", u);
    }
    return o;
}

/* Per-group work: the session dates and what happened at each. */
typedef struct census {
    const model_instance *inst;
    const model_solution *sol;
    json_t *marks;   /* io_store_attendance_list */
    json_t *events;  /* the roster events of the history, oldest first */
    int from, to;
    tally *groups, *types, *facs;
} census;

/* Is there a cancellation / any mark of group on date? */
static void session_state(const census *c, const char *group, const char *date, int *cancelled,
                          int *marked)
{
    size_t i;
    json_t *m;
    *cancelled = *marked = 0;
    json_array_foreach(c->marks, i, m)
    {
        if (strcmp(json_string_value(json_object_get(m, "group")), group) != 0 ||
            strcmp(json_string_value(json_object_get(m, "date")), date) != 0)
            continue;
        if (json_is_null(json_object_get(m, "patient")))
            *cancelled = 1;
        else
            *marked = 1;
    }
}

/* Count one scheduled session k of the solution into its group, type and
 * facilitators. */
static void count_session(census *c, int k)
{
    const model_sol_session *se = &c->sol->sessions[k];
    int g = model_find_group(c->inst, se->group);
    if (se->date < c->from || se->date >= c->to || g < 0 || c->inst->groups[g].type_idx < 0)
        return;
    const model_group_type *ty = &c->inst->types[c->inst->groups[g].type_idx];
    int sg = -1;
    for (int i = 0; i < c->sol->n_groups && sg < 0; i++)
        if (strcmp(c->sol->groups[i].id, se->group) == 0)
            sg = i;
    char date[11];
    model_date_format(se->date, date);
    int cancelled, marked;
    session_state(c, se->group, date, &cancelled, &marked);
    tally t = {0};
    t.scheduled = 1;
    t.cancelled = cancelled;
    t.held = !cancelled && marked;
    t.projected = sg >= 0 && !se->uncovered ? c->sol->groups[sg].members.n * ty->rate : 0;
    t.seats = t.held ? ty->max_size : 0;
    size_t i;
    json_t *m;
    json_array_foreach(c->marks, i, m)
    {
        const char *p = json_string_value(json_object_get(m, "patient"));
        if (!p || !t.held || strcmp(json_string_value(json_object_get(m, "group")), se->group) ||
            strcmp(json_string_value(json_object_get(m, "date")), date))
            continue;
        count_mark(&t, model_attendance_parse(json_string_value(json_object_get(m, "status"))));
    }
    t.actual = t.attended * ty->rate;
    add_tally(&c->groups[g], &t);
    add_tally(&c->types[c->inst->groups[g].type_idx], &t);
    for (int f = 0; f < se->facilitators.n; f++) {
        int fi = model_find_facilitator(c->inst, se->facilitators.items[f]);
        if (fi >= 0)
            add_tally(&c->facs[fi], &t);
    }
}

/* Waitlisted patients who fit type t (referral or diagnosis). */
static int waitlist_depth(const model_instance *inst, int t)
{
    int n = 0;
    for (int p = 0; p < inst->n_patients; p++)
        n += model_patient_waitlisted(inst, p) && model_patient_type_match(inst, p, t);
    return n;
}

/* The roster events of history (io_store_history_tree): those with a
 * group, a patient and a member status (attendance marks, offers and
 * referrals left out), in its order.  NULL when out of memory. */
static json_t *roster_events(const json_t *history)
{
    json_t *out = json_array(), *e;
    size_t i;
    json_array_foreach(history, i, e)
    {
        const char *kind = json_string_value(json_object_get(e, "event"));
        if (kind && strcmp(kind, "attendance") && strcmp(kind, "offer") &&
            json_is_string(json_object_get(e, "group")) &&
            json_is_string(json_object_get(e, "patient")) &&
            model_status_parse(json_string_value(json_object_get(e, "status"))) >= 0)
            json_array_append(out, e);
    }
    return out;
}

/* Does [a, b] meet the census period? */
static bool meets(const census *c, int a, int b)
{
    return a < c->to && b >= c->from;
}

/* Was patient on the roster of group at some day of the period?  From
 * the roster events of the history (oldest first; the program's own
 * roster is recorded as events too when it is stored or edited): an event
 * with a seat-holding status (active, holds) puts them on from its date,
 * one with dropped or graduated takes them off after its date; before
 * their first event they were on the roster unless it is "placed".
 * Without events the program's roster entry m (NULL: none) says it: a
 * seat holder all along, or one who left on m->since. */
static bool on_roster_during(const census *c, const char *group, const char *patient,
                             const model_member *m)
{
    bool first = true, on = true, hit = false;
    int since = INT_MIN;
    size_t i;
    json_t *e;
    json_array_foreach(c->events, i, e)
    {
        const char *kind = json_string_value(json_object_get(e, "event"));
        const char *g = json_string_value(json_object_get(e, "group"));
        const char *p = json_string_value(json_object_get(e, "patient"));
        int d;
        if (strcmp(g, group) || strcmp(p, patient) ||
            model_date_parse(json_string_value(json_object_get(e, "date")), &d) != MODEL_OK)
            continue;
        if (first && strcmp(kind, "placed") == 0)
            on = false;
        first = false;
        int st = model_status_parse(json_string_value(json_object_get(e, "status")));
        if (!model_status_occupies((model_member_status)st)) {
            hit |= on && meets(c, since, d);
            on = false;
        } else if (!on) {
            on = true;
            since = d;
        }
    }
    if (first)
        return m && (model_status_occupies(m->status) || meets(c, INT_MIN, m->since));
    return hit || (on && meets(c, since, INT_MAX));
}

/* Did patient attend (present, late) a session of group in the period? */
static bool attended_during(const census *c, const char *group, const char *patient)
{
    size_t i;
    json_t *m;
    json_array_foreach(c->marks, i, m)
    {
        const char *p = json_string_value(json_object_get(m, "patient"));
        int d;
        if (p && !strcmp(p, patient) &&
            !strcmp(json_string_value(json_object_get(m, "group")), group) &&
            model_date_parse(json_string_value(json_object_get(m, "date")), &d) == MODEL_OK &&
            meets(c, d, d) &&
            model_attendance_attended(
                (model_attendance)model_attendance_parse(json_string_value(json_object_get(m, "status")))))
            return true;
    }
    return false;
}

/* Count one patient of group g: enrolled when on its roster during the
 * period, active when enrolled and attending. */
static void count_member(const census *c, const model_group *g, const char *patient,
                         const model_member *m, int *enrolled, int *active)
{
    if (!on_roster_during(c, g->id, patient, m))
        return;
    *enrolled += 1;
    *active += attended_during(c, g->id, patient);
}

/* Members of group g during the period (the program's roster and the
 * patients of its roster events), and those of them who attended. */
static void enrolment(const census *c, const model_group *g, int *enrolled, int *active)
{
    *enrolled = *active = 0;
    for (int k = 0; k < g->n_members; k++)
        count_member(c, g, g->members[k].patient, &g->members[k], enrolled, active);
    size_t i, j;
    json_t *e, *x;
    json_array_foreach(c->events, i, e)
    {
        const char *gid = json_string_value(json_object_get(e, "group"));
        const char *p = json_string_value(json_object_get(e, "patient"));
        bool seen = strcmp(gid, g->id) != 0;
        for (int k = 0; k < g->n_members && !seen; k++)
            seen = strcmp(g->members[k].patient, p) == 0;
        json_array_foreach(c->events, j, x)
        {
            if (seen || j >= i)
                break;
            const char *xg = json_string_value(json_object_get(x, "group"));
            const char *xp = json_string_value(json_object_get(x, "patient"));
            seen = !strcmp(xg, g->id) && !strcmp(xp, p);
        }
        if (!seen)
            count_member(c, g, p, NULL, enrolled, active);
    }
}

static json_t *census_json(census *c, const char *period, const char *start)
{
    const model_instance *in = c->inst;
    json_t *groups = json_array(), *types = json_array(), *facs = json_array();
    tally total = {0};
    for (int g = 0; g < in->n_groups; g++) {
        const model_group *gr = &in->groups[g];
        if (c->groups[g].scheduled == 0 || gr->type_idx < 0)
            continue;
        int enrolled, active;
        enrolment(c, gr, &enrolled, &active);
        json_t *o = tally_json(&c->groups[g], in->types[gr->type_idx].cpt);
        json_object_set_new(o, "group", json_string(gr->id));
        json_object_set_new(o, "type", json_string(gr->type));
        json_object_set_new(o, "enrolled", json_integer(enrolled));
        json_object_set_new(o, "active", json_integer(active));
        json_array_append_new(groups, o);
    }
    for (int t = 0; t < in->n_types; t++) {
        json_t *o = tally_json(&c->types[t], in->types[t].cpt);
        json_object_set_new(o, "type", json_string(in->types[t].id));
        json_object_set_new(o, "waitlist_depth", json_integer(waitlist_depth(in, t)));
        json_array_append_new(types, o);
        add_tally(&total, &c->types[t]);
    }
    for (int f = 0; f < in->n_facilitators; f++) {
        if (c->facs[f].scheduled == 0)
            continue;
        json_t *o = tally_json(&c->facs[f], NULL);
        json_object_set_new(o, "facilitator", json_string(in->facilitators[f].id));
        json_object_set_new(o, "utilisation", json_real(ratio(c->facs[f].held,
                                                              c->facs[f].scheduled)));
        json_array_append_new(facs, o);
    }
    json_t *units = json_object();
    for (int t = 0; t < in->n_types; t++) {
        const char *cpt = in->types[t].cpt;
        json_int_t have = json_integer_value(json_object_get(units, cpt));
        json_object_set_new(units, cpt, json_integer(have + c->types[t].attended));
    }
    json_t *tot = tally_json(&total, NULL);
    json_object_set_new(tot, "billable_units", units);
    char f[11], t[11];
    model_date_format(c->from, f);
    model_date_format(c->to - 1, t);
    return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "period", period, "start", start,
                     "from", f, "to", t, "totals", tot, "groups", groups, "types", types,
                     "facilitators", facs);
}

int io_clinic_census_tree(io_store *s, const char *program, const char *period,
                          const char *start, json_t **out, model_diag *d)
{
    census c = {0};
    if (period_range(period, start, &c.from, &c.to, d) != 0)
        return IO_EINVAL;
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    char *text = NULL;
    json_t *hist = NULL;
    int rc = io_store_program_export(s, program, &inst, d);
    if (rc == IO_OK)
        rc = io_store_schedule_get(s, program, -1, &text, NULL);
    if (rc == IO_OK)
        rc = io_solution_parse(text, strlen(text), &sol, d);
    if (rc == IO_OK)
        rc = io_store_attendance_list_tree(s, program, NULL, NULL, &c.marks, NULL);
    if (rc == IO_OK)
        rc = io_store_history_tree(s, program, NULL, NULL, &hist, NULL);
    if (rc == IO_STORE_ENOTFOUND && d->n_errors == 0)
        model_diag_error(d, "", "no such program or no saved schedule");
    json_t *o = NULL;
    if (rc == IO_OK) {
        c.inst = inst;
        c.sol = sol;
        c.events = roster_events(hist);
        c.groups = calloc((size_t)inst->n_groups + 1, sizeof *c.groups);
        c.types = calloc((size_t)inst->n_types + 1, sizeof *c.types);
        c.facs = calloc((size_t)inst->n_facilitators + 1, sizeof *c.facs);
        if (c.groups && c.types && c.facs) {
            for (int k = 0; k < sol->n_sessions; k++)
                count_session(&c, k);
            o = census_json(&c, period, start);
        }
        json_decref(c.events);
        free(c.groups);
        free(c.types);
        free(c.facs);
    }
    json_decref(c.marks);
    json_decref(hist);
    free(text);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
    return rc == IO_OK ? io_tree_give(o, out) : rc;
}

int io_clinic_census(io_store *s, const char *program, const char *period, const char *start,
                     char **out, model_diag *d)
{
    json_t *o = NULL;
    int rc = io_clinic_census_tree(s, program, period, start, &o, d);
    if (rc != IO_OK)
        return rc;
    char *t = json_dumps(o, JSON_INDENT(2));
    json_decref(o);
    if (!t)
        return IO_ENOMEM;
    *out = t;
    return IO_OK;
}
