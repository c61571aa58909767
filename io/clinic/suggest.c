/*
 * suggest.c - fill suggestions for seats opened by clinic operations (a
 * confirmed drop, a declined or expired offer), ranked against a stored
 * program's published (else latest) schedule, for the command line.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "io_private.h"

/* Rank the waitlist for events (a fill-events tree, only read) against sol. */
static int rank(const model_instance *before, const model_solution *sol, const json_t *events,
                int top_n, json_t **report, model_diag *d)
{
    solver_fill_event *ev = NULL;
    int n = 0;
    int rc = io_fill_events_from_tree(events, before, &ev, &n, d);
    if (rc != IO_OK)
        return rc;
    solver_fill_options fo;
    solver_fill_options_default(&fo);
    if (top_n > 0)
        fo.top_n = top_n;
    solver_fill_result *res = NULL;
    int src = solver_fill_run(before, sol, ev, n, &fo, &res, d);
    io_fill_events_free(ev, n);
    if (src != SOLVER_OK)
        return src == SOLVER_EINVAL ? IO_EINVAL : IO_ENOMEM;
    *report = io_fill_report_tree(sol, res, &fo, NULL);
    solver_fill_result_destroy(res);
    return *report ? IO_OK : IO_ENOMEM;
}

/* The saved schedule (published, else latest) of program, parsed. */
static int load_schedule(io_store *s, const char *program, model_solution **sol, int *version,
                         model_diag *d)
{
    char *text = NULL;
    int rc = io_store_schedule_get(s, program, -1, &text, version);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no saved schedule: plan the program first");
    if (rc != IO_OK)
        return rc;
    rc = io_solution_parse(text, strlen(text), sol, d);
    free(text);
    return rc;
}

int io_clinic_suggest(io_store *s, const char *program, const model_instance *before,
                      const json_t *events, json_t **report, int *version, model_diag *d)
{
    model_solution *sol = NULL;
    int rc = load_schedule(s, program, &sol, version, d);
    if (rc == IO_OK)
        rc = rank(before, sol, events, 0, report, d);
    model_solution_destroy(sol);
    return rc;
}

/* Rank the seat vacated by `vacated` in group gi: the program with that
 * member back (the seat as it was before they left) and the excluded
 * patients unscreened, then the fill ranking of their departure. */
static json_t *rank_vacated(model_instance *inst, const model_solution *sol, int gi,
                            const char *vacated, const model_strlist *exclude, int top_n,
                            model_diag *d)
{
    model_group *g = &inst->groups[gi];
    for (int k = 0; k < g->n_members; k++)
        if (strcmp(g->members[k].patient, vacated) == 0)
            g->members[k].status = MODEL_ACTIVE;
    for (int i = 0; exclude && i < exclude->n; i++) {
        int p = model_find_patient(inst, exclude->items[i]);
        if (p >= 0)
            inst->patients[p].screened = false;
    }
    json_t *ev = json_pack("{s:[{s:s,s:s,s:s}]}", "events", "event", "dropped", "group", g->id,
                           "patient", vacated);
    json_t *r = NULL; /* stays NULL when the ranking fails (reported in d) */
    if (ev)
        (void)rank(inst, sol, ev, top_n, &r, d);
    json_decref(ev);
    json_t *seat = json_incref(json_array_get(json_object_get(r, "seats"), 0));
    json_decref(r);
    return seat;
}

int io_clinic_seat_ranking(io_store *s, const char *program, const char *group,
                           const model_strlist *exclude, int top_n, json_t **out, model_diag *d)
{
    model_solution *sol = NULL;
    model_instance *inst = NULL;
    int version = 0;
    int rc = load_schedule(s, program, &sol, &version, d);
    if (rc == IO_OK)
        rc = io_store_program_for_planning(s, program, &inst, d);
    int gi = rc == IO_OK ? model_find_group(inst, group) : -1;
    if (rc == IO_OK && gi < 0) {
        model_diag_error(d, "group", "no group '%s'", group);
        rc = IO_EINVAL;
    }
    json_t *o = NULL;
    if (rc == IO_OK) {
        const char *vac = NULL;
        int open = model_seats_open(inst, sol, gi, &vac);
        json_t *seat = open && vac ? rank_vacated(inst, sol, gi, vac, exclude, top_n, d) : NULL;
        json_t *cands = seat ? json_incref(json_object_get(seat, "candidates")) : json_array();
        json_t *elig = seat ? json_incref(json_object_get(seat, "eligible")) : json_integer(0);
        o = json_pack("{s:s,s:i,s:i,s:s?,s:o,s:o}", "group", group, "schedule_version", version,
                      "open_seats", open, "vacated_by", vac, "candidates", cands, "eligible",
                      elig);
        if (!vac || !seat)
            json_object_set_new(o, "note",
                                json_string(open ? "no member has left this group since the "
                                                   "schedule: rank its seats with POST /v1/fill"
                                                 : "no open seat"));
        json_decref(seat);
    }
    model_solution_destroy(sol);
    model_instance_destroy(inst);
    return rc == IO_OK ? io_tree_give(o, out) : rc;
}
