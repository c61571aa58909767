/* seats.c - fill: ranking the candidates for one opened seat, placing and
 * taking back a placement, roster and session look-ups. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fill_private.h"

/* ------------------------------------------------------ seat ranking */

typedef struct cand {
    int p;
    double value;
    int added;      /* -1 absent */
    const char *id; /* borrowed */
} cand;

/* Best first: value, then earlier added, then id (no global state: the
 * server may run fills in several threads). */
static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->value > y->value + EPS)
        return -1;
    if (y->value > x->value + EPS)
        return 1;
    int ax = x->added < 0 ? 1 << 30 : x->added, ay = y->added < 0 ? 1 << 30 : y->added;
    if (ax != ay)
        return ax < ay ? -1 : 1;
    return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

void fill_candidate_free(solver_fill_candidate *c)
{
    free(c->patient);
    model_strlist_free(&c->why);
}

/* Rank the waitlist for one more seat in sg; fills seat (candidates, counts).
 * Returns the best patient index, -1 when none, -2 on ENOMEM. */
int fill_rank_seat(fstate *s, int sg, int ref_date, solver_fill_seat *seat)
{
    const model_instance *in = s->inst;
    gstats st;
    fill_gstats_compute(s, sg, &st);
    cand *cs = malloc((size_t)(in->n_patients + 1) * sizeof *cs);
    if (!cs)
        return -2;
    int n = 0;
    for (int p = 0; p < in->n_patients; p++) {
        if (!fill_available_for_placement(s, p))
            continue;
        if (!fill_fits_rule7(s, p, sg, true)) {
            /* screened and verified (available), so only authorization differs */
            seat->excluded_authorization += fill_fits_rule7(s, p, sg, false);
            continue;
        }
        switch (fill_fits_rule8(s, p, sg, &st)) {
        case FIT_OK:
            cs[n].p = p;
            cs[n].value = fill_placement_value(in, p);
            cs[n].added = in->patients[p].added;
            cs[n].id = in->patients[p].id;
            n++;
            break;
        case FIT_NEW_SHARE: seat->excluded_new_share++; break;
        case FIT_HIGH: seat->excluded_high_acuity++; break;
        case FIT_AGE: seat->excluded_age_spread++; break;
        default: break;
        }
    }
    seat->n_eligible = n;
    qsort(cs, (size_t)n, sizeof *cs, cand_cmp);
    int k = n < s->opt->top_n ? n : s->opt->top_n;
    if (k > 0) {
        seat->candidates = calloc((size_t)k, sizeof *seat->candidates);
        if (!seat->candidates) {
            free(cs);
            return -2;
        }
    }
    for (int i = 0; i < k; i++) {
        solver_fill_candidate *c = &seat->candidates[i];
        const model_patient *pa = &in->patients[cs[i].p];
        seat->n_candidates++;
        c->value = cs[i].value;
        c->added = pa->added;
        c->priority = pa->priority;
        c->wait_days = pa->added >= 0 && ref_date >= pa->added ? ref_date - pa->added : -1;
        fill_comp_after(s, &st, cs[i].p, &c->size_after, &c->new_share_after, &c->high_acuity_after,
                   &c->age_spread_after);
        if (!(c->patient = model_strdup(pa->id)) || fill_explain_fit(s, cs[i].p, sg, &c->why)) {
            free(cs);
            return -2;
        }
    }
    int best = n > 0 ? cs[0].p : -1;
    free(cs);
    return best;
}

/* Place p into solution group sg as a new member. */
int fill_place(fstate *s, int p, int sg)
{
    model_sol_group *g = &s->sol->groups[sg];
    const char *id = s->inst->patients[p].id;
    if (model_strlist_push(&g->members, id) != MODEL_OK)
        return -1;
    if (model_strlist_push(&g->new_members, id) != MODEL_OK) {
        free(g->members.items[--g->members.n]);
        return -1;
    }
    s->sol_group_of[p] = sg;
    return 0;
}

void fill_unplace(fstate *s, int p, int sg)
{
    model_sol_group *g = &s->sol->groups[sg];
    model_strlist_remove(&g->members, s->inst->patients[p].id);
    model_strlist_remove(&g->new_members, s->inst->patients[p].id);
    s->sol_group_of[p] = -1;
}

/* ------------------------------------------------------------ events */

int fill_find_sol_group(const model_solution *sol, const char *id)
{
    for (int g = 0; id && g < sol->n_groups; g++)
        if (sol->groups[g].id && strcmp(sol->groups[g].id, id) == 0)
            return g;
    return -1;
}

model_member *fill_roster_member(model_instance *in, int ig, const char *pid)
{
    if (ig < 0)
        return NULL;
    model_group *g = &in->groups[ig];
    for (int m = 0; m < g->n_members; m++)
        if (g->members[m].patient && strcmp(g->members[m].patient, pid) == 0)
            return &g->members[m];
    return NULL;
}

int fill_roster_append(model_instance *in, int ig, const char *pid, int p,
                         model_member_status st, int since)
{
    model_group *g = &in->groups[ig];
    model_member *nm = realloc(g->members, (size_t)(g->n_members + 1) * sizeof *nm);
    if (!nm)
        return -1;
    g->members = nm;
    model_member *m = &g->members[g->n_members];
    if (!(m->patient = model_strdup(pid)))
        return -1;
    m->status = st;
    m->since = since;
    m->patient_idx = p;
    g->n_members++;
    return 0;
}

/* Index of the first session date of sg on or after date; -1 none. */
int fill_next_session(const fstate *s, int sg, int date)
{
    const model_sol_group *g = &s->sol->groups[sg];
    int best = -1;
    for (int i = 0; i < s->sol->n_sessions; i++) {
        const model_sol_session *x = &s->sol->sessions[i];
        if (x->group && g->id && strcmp(x->group, g->id) == 0 && x->date >= date &&
            (best < 0 || x->date < best))
            best = x->date;
    }
    return best;
}

int fill_last_session(const fstate *s, int sg)
{
    const model_sol_group *g = &s->sol->groups[sg];
    int best = -1;
    for (int i = 0; i < s->sol->n_sessions; i++) {
        const model_sol_session *x = &s->sol->sessions[i];
        if (x->group && g->id && strcmp(x->group, g->id) == 0 && x->date > best)
            best = x->date;
    }
    return best;
}

