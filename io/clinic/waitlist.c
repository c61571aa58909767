/*
 * waitlist.c - waitlist position and expected wait of a stored program's
 * waitlisted patients per group type they fit, with the figures the
 * estimate rests on (model_wait_estimate).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "io_private.h"

#define WEEKS_PER_MONTH (52.0 / 12.0)

/* The objective's value of placing p (placement, wait, priority). */
static double value_of(const model_instance *in, int p)
{
    const model_patient *pa = &in->patients[p];
    const model_weights *w = &in->settings.weights;
    double wd = pa->added >= 0 && in->program.horizon_start > pa->added
                    ? in->program.horizon_start - pa->added
                    : 0;
    return w->placement + w->wait_per_week * wd / 7.0 + w->priority * pa->priority;
}

/* Could p be placed in type t now (waitlisted, screened, verified, type,
 * authorization)? */
static bool in_line(const model_instance *in, int p, int t)
{
    const model_patient *pa = &in->patients[p];
    return model_patient_waitlisted(in, p) && pa->screened && pa->insurance_verified &&
           model_patient_type_match(in, p, t) &&
           model_patient_authorized(in, p, t, in->program.horizon_start);
}

/* 1-based position of p among those in line for t, and how many are. */
static int position_of(const model_instance *in, int p, int t, int *of)
{
    double v = value_of(in, p);
    int ahead = 0;
    *of = 0;
    for (int q = 0; q < in->n_patients; q++) {
        if (!in_line(in, q, t))
            continue;
        (*of)++;
        double vq = value_of(in, q);
        ahead += q != p && (vq > v || (vq == v && q < p));
    }
    return ahead + 1;
}

/* Seats of type t: open now, and of optional groups not running. */
static void type_seats(const model_instance *in, const model_solution *sol, int t, int *open,
                       int *optional, int *active, int *held)
{
    *open = *optional = *active = *held = 0;
    for (int g = 0; g < in->n_groups; g++) {
        const model_group *gr = &in->groups[g];
        if (gr->type_idx != t)
            continue;
        int running = 0;
        for (int i = 0; i < sol->n_groups; i++)
            running |= strcmp(sol->groups[i].id, gr->id) == 0 && sol->groups[i].running;
        if (!running && gr->optional)
            *optional += in->types[t].max_size;
        *open += model_seats_open(in, sol, g, NULL);
        for (int k = 0; k < gr->n_members; k++) {
            *active += gr->members[k].status == MODEL_ACTIVE;
            *held += gr->members[k].status == MODEL_HOLD_CLINICAL ||
                     gr->members[k].status == MODEL_HOLD_ADMIN;
        }
    }
}

/* Departures (dropped, graduated) recorded in groups of type t, and the
 * weeks they were observed over (from the horizon start to the latest). */
static int observed_departures(const model_instance *in, json_t *history, int t, double *weeks)
{
    int n = 0, last = in->program.horizon_start;
    size_t i;
    json_t *e;
    json_array_foreach(history, i, e)
    {
        const char *ev = json_string_value(json_object_get(e, "event"));
        int d = -1;
        model_date_parse(json_string_value(json_object_get(e, "date")), &d);
        last = d > last ? d : last;
        if (!ev || (strcmp(ev, "dropped") != 0 && strcmp(ev, "graduated") != 0))
            continue;
        int g = model_find_group(in, json_string_value(json_object_get(e, "group")));
        n += g >= 0 && in->groups[g].type_idx == t && d >= in->program.horizon_start;
    }
    *weeks = (last - in->program.horizon_start) / 7.0;
    if (*weeks < 1)
        *weeks = 1;
    return n;
}

/* One type entry of patient p. */
static json_t *type_entry(const model_instance *in, const model_solution *sol, json_t *history,
                          int p, int t)
{
    const solver_fill_options *fo = NULL;
    solver_fill_options def;
    solver_fill_options_default(&def);
    fo = &def;
    int of, open, optional, active, held;
    int pos = position_of(in, p, t, &of);
    type_seats(in, sol, t, &open, &optional, &active, &held);
    double weeks_seen;
    int left = observed_departures(in, history, t, &weeks_seen);
    double turnover = (active * fo->turnover_per_month + held * fo->hold_turnover_per_month) /
                      WEEKS_PER_MONTH;
    double rate = turnover + left / weeks_seen;
    model_wait w;
    model_wait_estimate(pos, open, rate, optional, &w);
    json_t *basis = json_array();
    json_array_append_new(basis, json_sprintf("position %d of %d waitlisted patients who can "
                                              "join %s now, ranked by the plan's value",
                                              pos, of, in->types[t].id));
    json_array_append_new(basis, json_sprintf("%d seat%s open now in running groups", open,
                                              open == 1 ? "" : "s"));
    json_array_append_new(
        basis, json_sprintf("%.2f seats a week expected to open: turnover of %d active (%.0f%%"
                            " a month) and %d held (%.0f%% a month) members, plus %d departures"
                            " observed over %.1f weeks",
                            rate, active, 100 * fo->turnover_per_month, held,
                            100 * fo->hold_turnover_per_month, left, weeks_seen));
    if (optional)
        json_array_append_new(basis, json_sprintf("%d seats of optional groups not running (the "
                                                  "low end assumes they open)",
                                                  optional));
    json_array_append_new(basis, json_string("range: seats opening 1.5 times as fast to half as "
                                             "fast"));
    return json_pack("{s:s,s:i,s:i,s:i,s:f,s:i,s:o,s:[o,o],s:o}", "type", in->types[t].id,
                     "position", pos, "of", of, "open_seats", open, "seats_per_week", rate,
                     "optional_seats", optional, "expected_wait_weeks",
                     w.weeks < 0 ? json_null() : json_real(w.weeks), "range_weeks",
                     w.weeks_low < 0 ? json_null() : json_real(w.weeks_low),
                     w.weeks_high < 0 ? json_null() : json_real(w.weeks_high), "basis", basis);
}

int io_clinic_waitlist(io_store *s, const char *program, const char *patient, char **out,
                       model_diag *d)
{
    model_instance *in = NULL;
    model_solution *sol = NULL;
    char *text = NULL;
    json_t *history = NULL;
    int rc = io_store_program_for_planning(s, program, &in, d);
    if (rc == IO_OK)
        rc = io_store_schedule_get(s, program, -1, &text, NULL);
    if (rc == IO_OK)
        rc = io_solution_parse(text, strlen(text), &sol, d);
    if (rc == IO_OK)
        rc = io_store_history_tree(s, program, NULL, NULL, &history, NULL);
    if (rc == IO_STORE_ENOTFOUND && d->n_errors == 0)
        model_diag_error(d, "", "no such program or no saved schedule");
    if (rc == IO_OK && patient && model_find_patient(in, patient) < 0) {
        model_diag_error(d, "patient", "no patient '%s'", patient);
        rc = IO_STORE_ENOTFOUND;
    }
    json_t *arr = json_array();
    for (int p = 0; rc == IO_OK && p < in->n_patients; p++) {
        if (!model_patient_waitlisted(in, p) || (patient && strcmp(in->patients[p].id, patient)))
            continue;
        json_t *types = json_array();
        for (int t = 0; t < in->n_types; t++)
            if (in_line(in, p, t))
                json_array_append_new(types, type_entry(in, sol, history, p, t));
        json_array_append_new(arr, json_pack("{s:s,s:o}", "patient", in->patients[p].id,
                                             "types", types));
    }
    json_decref(history);
    free(text);
    model_solution_destroy(sol);
    model_instance_destroy(in);
    if (rc != IO_OK) {
        json_decref(arr);
        return rc;
    }
    char *t = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (!t)
        return IO_ENOMEM;
    *out = t;
    return IO_OK;
}
