/*
 * fill.c - `cohort fill`: a seat opened; rank the waitlist for it, answer
 * referrals, flag groups below their minimum, and (apply) place the top
 * candidates touching nothing else in the schedule.
 *
 * Works on deep copies of the instance and the solution.  Candidate checks
 * are the SPEC's hard rules 7 and 8 for one group whose day, start, room and
 * facilitators stay as they are; ranking uses the objective's per-placement
 * value (placement + wait + priority weights).  One pass over the patients
 * per seat: O(patients + members) with an id hash, so a seat on a
 * 2,500-patient program costs well under a millisecond.
 *
 * This file: event names, the result, metrics and the run (events applied
 * to the rosters, seats ranked, referrals answered); the parts it calls are
 * in solver/fill/.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fill/fill_private.h"

/* ------------------------------------------------------------ names */

static const char *const EVENT_NAMES[] = {"dropped",    "graduated", "hold_clinical",
                                          "hold_admin", "returned",  "referral"};

const char *solver_fill_event_name(solver_fill_event_kind k)
{
    return (int)k >= 0 && (int)k < 6 ? EVENT_NAMES[k] : "?";
}

int solver_fill_event_parse(const char *s)
{
    for (int i = 0; s && i < 6; i++)
        if (strcmp(s, EVENT_NAMES[i]) == 0)
            return i;
    return -1;
}

void solver_fill_event_free(solver_fill_event *e)
{
    if (!e)
        return;
    free(e->group);
    free(e->patient);
    if (e->referral) {
        model_patient_free(e->referral);
        free(e->referral);
    }
    memset(e, 0, sizeof *e);
}

void solver_fill_options_default(solver_fill_options *o)
{
    o->top_n = 5;
    o->apply = false;
    o->turnover_per_month = 0.08;
    o->hold_turnover_per_month = 0.25;
    o->grace_weeks = 4;
}

/* ------------------------------------------------------------ result */

static void seat_free(solver_fill_seat *x)
{
    free(x->group);
    for (int i = 0; i < x->n_candidates; i++)
        fill_candidate_free(&x->candidates[i]);
    free(x->candidates);
    free(x->placed);
}

static void referral_free(solver_fill_referral *r)
{
    free(r->patient);
    model_strlist_free(&r->notes);
    for (int i = 0; i < r->n_groups; i++) {
        free(r->groups[i].group);
        model_strlist_free(&r->groups[i].why);
    }
    free(r->groups);
    model_strlist_free(&r->estimate);
    free(r->placed);
}

void solver_fill_result_destroy(solver_fill_result *r)
{
    if (!r)
        return;
    model_instance_destroy(r->instance);
    model_solution_destroy(r->solution);
    model_strlist_free(&r->event_notes);
    for (int i = 0; i < r->n_seats; i++)
        seat_free(&r->seats[i]);
    free(r->seats);
    for (int i = 0; i < r->n_referrals; i++)
        referral_free(&r->referrals[i]);
    free(r->referrals);
    for (int i = 0; i < r->n_under_min; i++) {
        free(r->under_min[i].group);
        model_strlist_free(&r->under_min[i].merge_into);
        model_strlist_free(&r->under_min[i].options);
    }
    free(r->under_min);
    free(r);
}

/* ------------------------------------------------ metrics, objective */

/* Metrics and objective terms by the shared definition (model/metrics.c);
 * the changes term is kept as the solution reported it. */
static int recompute_metrics(const fstate *s)
{
    model_metrics m;
    model_objective_terms t;
    if (model_metrics_compute(s->inst, s->sol, &m) != MODEL_OK)
        return -1;
    if (model_objective_terms_compute(s->inst, s->sol, NULL, &t) != MODEL_OK) {
        model_metrics_free(&m);
        return -1;
    }
    model_metrics_free(&s->sol->metrics);
    s->sol->metrics = m;
    t.changes = s->sol->terms.changes;
    s->sol->terms = t;
    s->sol->objective = model_objective_total(&t);
    return 0;
}

/* Keep unplaced[] true to the roster: drop entries of placed or departed
 * patients, add one for an unplaced referral. */
static int refresh_unplaced(fstate *s, const solver_fill_result *r)
{
    model_solution *sol = s->sol;
    int k = 0;
    for (int i = 0; i < sol->n_unplaced; i++) {
        int p = fill_pmap_get(&s->map, sol->unplaced[i].patient);
        if (p >= 0 && !fill_available_for_placement(s, p)) {
            free(sol->unplaced[i].patient);
            model_strlist_free(&sol->unplaced[i].reasons);
            continue;
        }
        sol->unplaced[k++] = sol->unplaced[i];
    }
    sol->n_unplaced = k;
    for (int i = 0; i < r->n_referrals; i++) {
        const solver_fill_referral *rf = &r->referrals[i];
        int p = fill_pmap_get(&s->map, rf->patient);
        if (p < 0 || !fill_available_for_placement(s, p))
            continue;
        model_sol_unplaced *nu = realloc(sol->unplaced, (size_t)(sol->n_unplaced + 1) * sizeof *nu);
        if (!nu)
            return -1;
        sol->unplaced = nu;
        model_sol_unplaced *u = &sol->unplaced[sol->n_unplaced];
        memset(u, 0, sizeof *u);
        if (!(u->patient = model_strdup(rf->patient)))
            return -1;
        sol->n_unplaced++;
        for (int j = 0; j < rf->notes.n; j++)
            if (model_strlist_push(&u->reasons, rf->notes.items[j]) != MODEL_OK)
                return -1;
        if (rf->n_groups == 0 &&
            push_fmt(&u->reasons, "referred after the plan: no running group with a free seat "
                                  "fits them%s",
                     rf->expected_wait_days >= 0 ? " (expected wait in the fill report)" : ""))
            return -1;
        else if (rf->n_groups > 0 &&
                 push_fmt(&u->reasons, "referred after the plan: %s has a free seat that fits",
                          rf->groups[0].group))
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- run */

typedef struct pending_seat {
    int sg, ev;
} pending_seat;

/* One fill run: the working state, the result being built and what the
 * events left to do. */
typedef struct frun {
    fstate s;
    solver_fill_result *r;
    const solver_fill_event *events;
    int n_events;
    model_diag *d;
    int bad;                    /* an event was invalid (reported to d) */
    pending_seat *seats;        /* seats opened, in event order */
    int n_seats;
    int *refs, *ref_ev, n_refs; /* referred patients and their events */
    int *touched, n_touched;    /* solution groups that lost a member */
    int *touched_size;          /* per touched group: its under_min entry or -1 */
    int *placed_p, *placed_g, n_placed; /* tentative placements */
} frun;

static void frun_free(frun *f)
{
    solver_fill_result_destroy(f->r);
    model_instance_destroy(f->s.inst);
    model_solution_destroy(f->s.sol);
    fill_fstate_free(&f->s);
    free(f->seats);
    free(f->refs);
    free(f->ref_ev);
    free(f->touched);
    free(f->touched_size);
    free(f->placed_p);
    free(f->placed_g);
}

/* Working copies and per-event arrays.  0 or -1. */
static int frun_init(frun *f, const model_instance *inst, const model_solution *sol,
                     const solver_fill_options *opt)
{
    size_t n = (size_t)f->n_events + 1;
    f->s.opt = opt;
    f->r = calloc(1, sizeof *f->r);
    f->seats = calloc(n, sizeof *f->seats);
    f->refs = calloc(n, sizeof *f->refs);
    f->ref_ev = calloc(n, sizeof *f->ref_ev);
    if (!f->r || !f->seats || !f->refs || !f->ref_ev)
        return -1;
    f->s.inst = model_instance_clone(inst);
    f->s.sol = fill_solution_clone(sol);
    if (!f->s.inst || !f->s.sol || fill_fstate_index_patients(&f->s))
        return -1;
    f->touched = calloc(n, sizeof *f->touched);
    f->touched_size = calloc(n, sizeof *f->touched_size);
    f->placed_p = calloc(n, sizeof *f->placed_p);
    f->placed_g = calloc(n, sizeof *f->placed_g);
    return f->touched && f->touched_size && f->placed_p && f->placed_g ? 0 : -1;
}

/* Event i is invalid: mark the run bad and report at events[i].field.
 * 0, or -1 when the report itself failed. */
static int bad_event(frun *f, int i, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad_event(frun *f, int i, const char *field, const char *fmt, ...)
{
    f->bad = 1;
    if (!f->d)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "events[%d].%s", i, field);
    va_list ap;
    va_start(ap, fmt);
    int e = model_diag_verror(f->d, path, fmt, ap);
    va_end(ap);
    return e ? -1 : 0;
}

/* A referral (event i, on date, ds its text) adds a new waitlisted
 * patient.  0 or -1. */
static int apply_referral(frun *f, int i, int date, const char *ds)
{
    const solver_fill_event *e = &f->events[i];
    if (!e->referral || !e->referral->id)
        return bad_event(f, i, "patient", "a referral needs a patient object with an id");
    if (fill_pmap_get(&f->s.map, e->referral->id) >= 0)
        return bad_event(f, i, "patient",
                         "patient '%s' already exists; a referral adds a new patient",
                         e->referral->id);
    model_patient tmp = *e->referral;
    if (tmp.added < 0)
        tmp.added = date; /* on the waitlist from the referral date */
    int p = fill_fstate_add_patient(&f->s, &tmp);
    if (p < 0)
        return -1;
    f->refs[f->n_refs] = p;
    f->ref_ev[f->n_refs++] = i;
    return push_fmt(&f->r->event_notes, "%s: referral of %s joins the waitlist", ds,
                    e->referral->id)
               ? -1
               : 0;
}

/* The running solution group event i (about patient p) concerns: named, or
 * the one holding p.  *sg = -1 when the event is invalid (reported).
 * 0 or -1. */
static int event_group(frun *f, int i, int p, int *sg)
{
    const solver_fill_event *e = &f->events[i];
    fstate *s = &f->s;
    *sg = -1;
    int g;
    if (e->group) {
        g = fill_find_sol_group(s->sol, e->group);
        if (g < 0)
            return bad_event(f, i, "group", "unknown group '%s'", e->group);
        if (model_strlist_find(&s->sol->groups[g].members, e->patient) < 0 &&
            !(e->kind == SOLVER_FILL_RETURNED && fill_roster_member(s->inst, s->ig[g], e->patient)))
            return bad_event(f, i, "group", "patient '%s' is not a member of group '%s'",
                             e->patient, e->group);
    } else {
        g = s->sol_group_of[p];
        if (g < 0)
            return bad_event(f, i, "patient", "patient '%s' is in no group of the solution",
                             e->patient);
    }
    const model_sol_group *sgp = &s->sol->groups[g];
    if (!sgp->running || s->ty[g] < 0 || s->ig[g] < 0)
        return bad_event(f, i, "group", "group '%s' is not running in the solution%s", sgp->id,
                         s->ig[g] < 0 ? " (or not in the instance)" : "");
    *sg = g;
    return 0;
}

/* Dropped or graduated: the roster says so, the member leaves the
 * solution group and a seat opens there. */
static int apply_leave(frun *f, int i, int p, int sg, model_member *mb, const char *ds)
{
    const solver_fill_event *e = &f->events[i];
    fstate *s = &f->s;
    model_sol_group *g = &s->sol->groups[sg];
    model_member_status ns = e->kind == SOLVER_FILL_DROPPED ? MODEL_DROPPED : MODEL_GRADUATED;
    if (mb) {
        mb->status = ns;
        if (e->date >= 0)
            mb->since = e->date;
    } else if (fill_roster_append(s->inst, s->ig[sg], e->patient, p, ns, e->date)) {
        return -1;
    }
    s->rostered[p] = 1;
    model_strlist_remove(&g->members, e->patient);
    model_strlist_remove(&g->new_members, e->patient);
    s->sol_group_of[p] = -1;
    f->seats[f->n_seats].sg = sg;
    f->seats[f->n_seats++].ev = i;
    int t;
    for (t = 0; t < f->n_touched && f->touched[t] != sg; t++)
        ;
    if (t == f->n_touched)
        f->touched[f->n_touched++] = sg;
    return push_fmt(&f->r->event_notes, "%s: %s %s %s%s: a seat opened (%d of %d seats filled)",
                    ds, e->patient, solver_fill_event_name(e->kind),
                    e->kind == SOLVER_FILL_DROPPED ? "from " : "from ", g->id, g->members.n,
                    s->inst->types[s->ty[sg]].max_size)
               ? -1
               : 0;
}

/* On hold: the seat stays reserved. */
static int apply_hold(frun *f, int i, int sg, model_member *mb, const char *ds)
{
    const solver_fill_event *e = &f->events[i];
    const model_sol_group *g = &f->s.sol->groups[sg];
    bool is_new = model_strlist_find(&g->new_members, e->patient) >= 0;
    model_member_status ns =
        e->kind == SOLVER_FILL_HOLD_CLINICAL ? MODEL_HOLD_CLINICAL : MODEL_HOLD_ADMIN;
    if (mb) {
        mb->status = ns;
        if (e->date >= 0)
            mb->since = e->date;
    }
    return push_fmt(&f->r->event_notes,
                    "%s: %s in %s on %s: the seat stays reserved (held members occupy it)%s", ds,
                    e->patient, g->id, model_status_name(ns),
                    !mb && is_new ? "; newly placed, not yet on the roster" : "")
               ? -1
               : 0;
}

/* Returned from a hold: active again; invalid when not on hold. */
static int apply_return(frun *f, int i, int sg, model_member *mb, const char *ds)
{
    const solver_fill_event *e = &f->events[i];
    const model_sol_group *g = &f->s.sol->groups[sg];
    if (!mb || (mb->status != MODEL_HOLD_CLINICAL && mb->status != MODEL_HOLD_ADMIN))
        return bad_event(f, i, "patient", "patient '%s' is not on hold in group '%s' (status %s)",
                         e->patient, g->id, mb ? model_status_name(mb->status) : "new member");
    mb->status = MODEL_ACTIVE;
    if (e->date >= 0)
        mb->since = e->date;
    return push_fmt(&f->r->event_notes, "%s: %s returned to %s: active again (seat was held)", ds,
                    e->patient, g->id)
               ? -1
               : 0;
}

/* Apply event i to the rosters.  0 (also for an invalid event, reported)
 * or -1. */
static int apply_event(frun *f, int i)
{
    const solver_fill_event *e = &f->events[i];
    fstate *s = &f->s;
    int date = e->date >= 0 ? e->date : s->inst->program.horizon_start;
    char ds[11];
    model_date_format(date, ds);
    if (e->kind == SOLVER_FILL_REFERRAL)
        return apply_referral(f, i, date, ds);
    int p = fill_pmap_get(&s->map, e->patient);
    if (!e->patient || p < 0)
        return bad_event(f, i, "patient", e->patient ? "unknown patient '%s'" : "missing%s",
                         e->patient ? e->patient : "");
    int sg;
    if (event_group(f, i, p, &sg))
        return -1;
    if (sg < 0)
        return 0; /* invalid, reported */
    model_member *mb = fill_roster_member(s->inst, s->ig[sg], e->patient);
    switch (e->kind) {
    case SOLVER_FILL_DROPPED:
    case SOLVER_FILL_GRADUATED:
        return apply_leave(f, i, p, sg, mb, ds);
    case SOLVER_FILL_HOLD_CLINICAL:
    case SOLVER_FILL_HOLD_ADMIN:
        return apply_hold(f, i, sg, mb, ds);
    case SOLVER_FILL_RETURNED:
        return apply_return(f, i, sg, mb, ds);
    default:
        return bad_event(f, i, "event", "unknown event kind %d", (int)e->kind);
    }
}

/* Latest event date naming solution group sg (by group, or by a member on
 * its roster); the horizon start when none has a date. */
static int group_event_date(const frun *f, int sg)
{
    const fstate *s = &f->s;
    const char *gid = s->sol->groups[sg].id;
    int date = -1;
    for (int i = 0; i < f->n_events; i++) {
        const solver_fill_event *e = &f->events[i];
        bool here = e->group ? strcmp(e->group, gid) == 0
                             : e->patient && model_find_group(s->inst, gid) >= 0 &&
                                   fill_roster_member(s->inst, s->ig[sg], e->patient);
        if (here && e->date > date)
            date = e->date;
    }
    return date < 0 ? s->inst->program.horizon_start : date;
}

/* Groups that fell below their minimum: size, merge options and the
 * run-under-minimum date as the events left them.  0 or -1. */
static int flag_under_min(frun *f)
{
    fstate *s = &f->s;
    solver_fill_result *r = f->r;
    for (int t = 0; t < f->n_touched; t++) {
        int sg = f->touched[t];
        f->touched_size[t] = -1;
        if (s->sol->groups[sg].members.n >= s->inst->types[s->ty[sg]].min_size)
            continue;
        solver_fill_undermin *nu = realloc(r->under_min, (size_t)(r->n_under_min + 1) * sizeof *nu);
        if (!nu)
            return -1;
        r->under_min = nu;
        solver_fill_undermin *u = &r->under_min[r->n_under_min++];
        memset(u, 0, sizeof *u);
        f->touched_size[t] = r->n_under_min - 1; /* index into under_min */
        if (fill_undermin_prepare(s, sg, group_event_date(f, sg), u))
            return -1;
    }
    return 0;
}

/* Rank each opened seat; the top candidate takes it (tentatively without
 * apply, so later seats' lists assume it).  0 or -1. */
int fill_seats(frun *f)
{
    fstate *s = &f->s;
    solver_fill_result *r = f->r;
    if (f->n_seats > 0 && !(r->seats = calloc((size_t)f->n_seats, sizeof *r->seats)))
        return -1;
    for (int i = 0; i < f->n_seats; i++) {
        solver_fill_seat *x = &r->seats[r->n_seats++];
        int sg = f->seats[i].sg;
        const solver_fill_event *e = &f->events[f->seats[i].ev];
        int date = e->date >= 0 ? e->date : s->inst->program.horizon_start;
        x->event = f->seats[i].ev;
        if (!(x->group = model_strdup(s->sol->groups[sg].id)))
            return -1;
        int best = fill_rank_seat(s, sg, date, x);
        if (best == -2)
            return -1;
        if (best < 0)
            continue;
        if (fill_place(s, best, sg))
            return -1;
        f->placed_p[f->n_placed] = best;
        f->placed_g[f->n_placed++] = sg;
        if (s->opt->apply && !(x->placed = model_strdup(s->inst->patients[best].id)))
            return -1;
    }
    return 0;
}

/* Answer each referral.  0 or -1. */
static int answer_referrals(frun *f)
{
    fstate *s = &f->s;
    solver_fill_result *r = f->r;
    if (f->n_refs > 0 && !(r->referrals = calloc((size_t)f->n_refs, sizeof *r->referrals)))
        return -1;
    for (int i = 0; i < f->n_refs; i++) {
        const solver_fill_event *e = &f->events[f->ref_ev[i]];
        int date = e->date >= 0 ? e->date : s->inst->program.horizon_start;
        solver_fill_referral *rf = &r->referrals[r->n_referrals++];
        bool by_seat = s->sol_group_of[f->refs[i]] >= 0;
        if (fill_answer_referral(s, f->refs[i], f->ref_ev[i], date, rf))
            return -1;
        if (by_seat && !s->opt->apply) {
            free(rf->placed);
            rf->placed = NULL;
        }
        if (!by_seat && rf->placed)
            r->placed++;
    }
    return 0;
}

/* What filling did for the groups below their minimum; without apply the
 * tentative placements are taken back; unplaced[], metrics and objective
 * brought up to date.  0 or -1. */
static int finish_run(frun *f)
{
    for (int t = 0; t < f->n_touched; t++)
        if (f->touched_size[t] >= 0 &&
            fill_undermin_finish(&f->s, f->touched[t], &f->r->under_min[f->touched_size[t]]))
            return -1;
    if (!f->s.opt->apply)
        for (int i = f->n_placed - 1; i >= 0; i--)
            fill_unplace(&f->s, f->placed_p[i], f->placed_g[i]);
    else
        f->r->placed += f->n_placed;
    if (refresh_unplaced(&f->s, f->r) || recompute_metrics(&f->s))
        return -1;
    return 0;
}

int solver_fill_run(const model_instance *inst, const model_solution *sol,
                    const solver_fill_event *events, int n_events,
                    const solver_fill_options *opt, solver_fill_result **out, model_diag *d)
{
    solver_fill_options defopt;
    if (!opt) {
        solver_fill_options_default(&defopt);
        opt = &defopt;
    }
    if (!inst || !sol || !out || n_events < 0 || (n_events > 0 && !events) || opt->top_n < 0)
        return SOLVER_EINVAL;
    int rc = SOLVER_ENOMEM, errors_before = d ? d->n_errors : 0;
    frun f;
    memset(&f, 0, sizeof f);
    f.events = events;
    f.n_events = n_events;
    f.d = d;
    int e = frun_init(&f, inst, sol, opt);
    /* 1. Apply the events to the rosters. */
    for (int i = 0; i < n_events && !e; i++)
        e = apply_event(&f, i);
    if (!e && f.bad)
        rc = SOLVER_EINVAL;
    else if (!e && !flag_under_min(&f) && !fill_seats(&f) && !answer_referrals(&f) &&
             !finish_run(&f)) {
        f.r->instance = f.s.inst;
        f.r->solution = f.s.sol;
        f.s.inst = NULL;
        f.s.sol = NULL;
        *out = f.r;
        f.r = NULL;
        rc = SOLVER_OK;
    }
    if (rc != SOLVER_OK && d && rc == SOLVER_EINVAL && d->n_errors == errors_before)
        model_diag_error(d, "events", "invalid event");
    frun_free(&f);
    return rc;
}

