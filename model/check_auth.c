/*
 * check_auth.c - the independent checker's payer-authorization rule (part
 * of rule 7): its own copy of the rule, written apart from
 * model/authorization.c (tests/test_check.c compares the two), and the
 * check of every new placement of a plan against it.
 */
#include <string.h>

#include "check_private.h"

bool model_check_authorized(const model_instance *inst, int p, int t, int date)
{
    if (!inst->settings.require_authorization)
        return true;
    const model_patient *pa = &inst->patients[p];
    const char *cpt = inst->types[t].cpt;
    for (int k = 0; cpt && k < pa->n_authorizations; k++) {
        const model_authorization *a = &pa->authorizations[k];
        int left = a->used > 0 ? a->units - a->used : a->units;
        if (strcmp(a->cpt, cpt) != 0 || date < a->from || date > a->to)
            continue;
        if ((left < 0 ? 0 : left) >= inst->settings.min_authorized_sessions)
            return true;
    }
    return false;
}

/* The first dated session of sol group i on or after the horizon start,
 * or -1 when the solution lists none. */
static int first_session(const ctx *c, int i)
{
    const char *id = c->sol->groups[i].id;
    int best = -1;
    for (int s = 0; id && s < c->sol->n_sessions; s++) {
        const model_sol_session *x = &c->sol->sessions[s];
        if (x->group && strcmp(x->group, id) == 0 && x->date >= c->inst->program.horizon_start &&
            (best < 0 || x->date < best))
            best = x->date;
    }
    return best;
}

void check_authorization(ctx *c, int i, int p)
{
    const model_instance *inst = c->inst;
    const ginfo *gi = &c->gi[i];
    if (!inst->settings.require_authorization || gi->t < 0)
        return;
    /* plan decides at the horizon start, fill at the group's first session */
    int first = first_session(c, i);
    if (model_check_authorized(inst, p, gi->t, inst->program.horizon_start) ||
        (first >= 0 && model_check_authorized(inst, p, gi->t, first)))
        return;
    char from[11];
    model_date_format(first >= 0 ? first : inst->program.horizon_start, from);
    V(7, "patient", inst->patients[p].id,
      "authorization: patient %s is placed in %s but no payer authorization covers CPT %s on %s"
      " with units left for %d sessions (settings.require_authorization)",
      inst->patients[p].id, c->sol->groups[i].id ? c->sol->groups[i].id : "?",
      inst->types[gi->t].cpt ? inst->types[gi->t].cpt : "(none)", from,
      inst->settings.min_authorized_sessions);
}
