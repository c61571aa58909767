/* build.c - a plan as a model_solution: groups, sessions, unplaced patients
 * with reasons, metrics and objective terms (model/metrics.c, the shared
 * definition). */
#include <stdlib.h>
#include <string.h>

#include "sv.h"

int sv_build_sessions(const sv_prob *pr, const sv_plan *pl, model_solution *sol);

static int push(model_strlist *l, const char *s)
{
    return model_strlist_push(l, s) == MODEL_OK ? 0 : -1;
}

int sv_build_solution(const sv_prob *pr, const sv_plan *pl, model_solution *sol)
{
    const model_instance *inst = pr->inst;
    sol->groups = calloc((size_t)pr->ng + 1, sizeof(model_sol_group));
    if (!sol->groups)
        return SOLVER_ENOMEM;
    for (int g = 0; g < pr->ng; g++) {
        const sv_group *G = &pr->g[g];
        const sv_gsol *gs = &pl->gs[g];
        const model_group *mg = &inst->groups[g];
        model_sol_group *o = &sol->groups[sol->n_groups++];
        o->day = o->start = o->end = -1;
        o->id = model_strdup(mg->id);
        o->type = model_strdup(inst->types[G->type].id);
        if (!o->id || !o->type)
            return SOLVER_ENOMEM;
        if (gs->cand < 0)
            continue;
        const sv_cand *c = &G->cand[gs->cand];
        o->running = true;
        o->day = c->day;
        o->start = c->start;
        o->end = c->end;
        o->week_parity = c->parity < 0 ? 0 : c->parity;
        if (gs->room >= 0 && !(o->room = model_strdup(inst->rooms[gs->room].id)))
            return SOLVER_ENOMEM;
        if (push(&o->facilitators, inst->facilitators[gs->prim].id))
            return SOLVER_ENOMEM;
        if (gs->co >= 0 && push(&o->facilitators, inst->facilitators[gs->co].id))
            return SOLVER_ENOMEM;
        if (gs->sub >= 0 && !(o->substitute = model_strdup(inst->facilitators[gs->sub].id)))
            return SOLVER_ENOMEM;
        for (int k = 0; k < mg->n_members; k++)
            if (model_status_occupies(mg->members[k].status) &&
                push(&o->members, mg->members[k].patient))
                return SOLVER_ENOMEM;
    }
    for (int p = 0; p < pr->np; p++) {
        int g = pl->pg[p];
        if (g < 0 || pl->gs[g].cand < 0)
            continue;
        model_sol_group *o = &sol->groups[g];
        if (push(&o->members, inst->patients[p].id) || push(&o->new_members, inst->patients[p].id))
            return SOLVER_ENOMEM;
    }
    int rc = sv_build_sessions(pr, pl, sol);
    if (rc)
        return rc;
    int nun = 0;
    for (int p = 0; p < pr->np; p++)
        nun += pr->waitlisted[p] && (pl->pg[p] < 0 || pl->gs[pl->pg[p]].cand < 0);
    sol->unplaced = calloc((size_t)nun + 1, sizeof(model_sol_unplaced));
    if (!sol->unplaced)
        return SOLVER_ENOMEM;
    sv_reasons_ctx cx;
    if (sv_reasons_init(pr, pl, &cx))
        return SOLVER_ENOMEM;
    for (int p = 0; p < pr->np; p++) {
        if (!pr->waitlisted[p] || (pl->pg[p] >= 0 && pl->gs[pl->pg[p]].cand >= 0))
            continue;
        model_sol_unplaced *u = &sol->unplaced[sol->n_unplaced++];
        if (!(u->patient = model_strdup(inst->patients[p].id)) ||
            sv_unplaced_reasons(pr, pl, &cx, p, &u->reasons)) {
            sv_reasons_free(&cx);
            return SOLVER_ENOMEM;
        }
    }
    sv_reasons_free(&cx);
    model_metrics_free(&sol->metrics);
    if (model_metrics_compute(inst, sol, &sol->metrics) != MODEL_OK)
        return SOLVER_ENOMEM;
    return SOLVER_OK;
}
