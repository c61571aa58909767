/* sessions.c - dated sessions of a plan: every meeting date of each running
 * group with its regular facilitators, those on time off left out and the
 * session marked uncovered; then time-off coverage by the model's one
 * implementation of rule 6 (model_solution_cover: the designated substitute
 * first, else another facilitator credentialed for the role who is free,
 * available, within caps and the consecutive-cover limit). */
#include <stdlib.h>
#include <string.h>

#include "sv.h"

typedef struct sess {
    int g, date, start;
} sess;

/* By date, then start, then group (the order model_solution_cover covers
 * in). */
static int sess_cmp(const void *a, const void *b)
{
    const sess *x = a, *y = b;
    if (x->date != y->date)
        return x->date - y->date;
    if (x->start != y->start)
        return x->start - y->start;
    return x->g - y->g;
}

/* Meeting dates of running group g into dates (at most max; NULL counts). */
static int group_dates(const sv_prob *pr, const sv_plan *pl, int g, int *dates, int max)
{
    const sv_cand *c = &pr->g[g].cand[pl->gs[g].cand];
    return model_session_dates(pr->inst, c->day, pr->inst->types[pr->g[g].type].cadence,
                               c->parity < 0 ? 0 : c->parity, dates, max);
}

/* Session s of the plan as a solution session: the group's regular
 * facilitators who are not off that date, uncovered when one is.  0 or
 * SOLVER_ENOMEM. */
static int fill_session(const sv_prob *pr, const sv_plan *pl, const sess *s,
                        model_sol_session *o)
{
    const model_instance *inst = pr->inst;
    const sv_gsol *gs = &pl->gs[s->g];
    const sv_cand *c = &pr->g[s->g].cand[gs->cand];
    o->group = model_strdup(inst->groups[s->g].id);
    o->date = s->date;
    o->start = c->start;
    o->end = c->end;
    if (!o->group || (gs->room >= 0 && !(o->room = model_strdup(inst->rooms[gs->room].id))))
        return SOLVER_ENOMEM;
    int role_f[2] = {gs->prim, gs->co};
    for (int r = 0; r < 2; r++) {
        int f = role_f[r];
        if (f < 0)
            continue;
        if (model_facilitator_off(inst, f, s->date))
            o->uncovered = true;
        else if (model_strlist_push(&o->facilitators, inst->facilitators[f].id) != MODEL_OK)
            return SOLVER_ENOMEM;
    }
    return SOLVER_OK;
}

int sv_build_sessions(const sv_prob *pr, const sv_plan *pl, model_solution *sol);

int sv_build_sessions(const sv_prob *pr, const sv_plan *pl, model_solution *sol)
{
    int weeks = pr->inst->program.horizon_weeks, total = 0;
    for (int g = 0; g < pr->ng; g++)
        if (pl->gs[g].cand >= 0)
            total += group_dates(pr, pl, g, NULL, 0);
    sess *ss = calloc((size_t)total + 1, sizeof *ss);
    int *dates = malloc(sizeof(int) * (size_t)(weeks + 1));
    int rc = SOLVER_ENOMEM, n = 0;
    if (!ss || !dates)
        goto out;
    for (int g = 0; g < pr->ng; g++) {
        if (pl->gs[g].cand < 0)
            continue;
        int nd = group_dates(pr, pl, g, dates, weeks);
        int start = pr->g[g].cand[pl->gs[g].cand].start;
        for (int i = 0; i < nd && n < total; i++)
            ss[n++] = (sess){g, dates[i], start};
    }
    qsort(ss, (size_t)n, sizeof *ss, sess_cmp);
    sol->sessions = calloc((size_t)n + 1, sizeof(model_sol_session));
    if (!sol->sessions)
        goto out;
    for (int k = 0; k < n; k++)
        if (fill_session(pr, pl, &ss[k], &sol->sessions[sol->n_sessions++]))
            goto out;
    rc = model_solution_cover(pr->inst, sol) == MODEL_OK ? SOLVER_OK : SOLVER_ENOMEM;
out:
    free(ss);
    free(dates);
    return rc;
}
