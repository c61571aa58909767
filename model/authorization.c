/*
 * authorization.c - payer authorizations: the units an authorization has
 * left (units less those attended sessions used), whether one covers a
 * group's CPT code from its first session with enough of them, and when
 * an authorization runs out.  Plan, fill, the roster and the list of
 * authorizations running out all decide through these.
 */
#include <string.h>

#include "clinic.h"

int model_authorization_units_left(const model_authorization *a)
{
    int left = a->units - a->used;
    return left > 0 ? left : 0;
}

int model_authorization_covering(const model_patient *p, const char *cpt, int date, int sessions)
{
    for (int i = 0; i < p->n_authorizations; i++) {
        const model_authorization *a = &p->authorizations[i];
        if (cpt && strcmp(a->cpt, cpt) == 0 && a->from <= date && date <= a->to &&
            model_authorization_units_left(a) >= sessions)
            return i;
    }
    return -1;
}

bool model_patient_authorized(const model_instance *inst, int p, int t, int first_session)
{
    if (!inst->settings.require_authorization)
        return true;
    return model_authorization_covering(&inst->patients[p], inst->types[t].cpt, first_session,
                                        inst->settings.min_authorized_sessions) >= 0;
}

int model_authorization_runs_out(const model_authorization *a, int today, int horizon_days,
                                 int sessions_per_week)
{
    int left = model_authorization_units_left(a);
    if (today > a->to || left <= 0)
        return today; /* already out */
    int last = a->to;
    /* units: one per attended session, sessions_per_week of them a week,
     * the first today: the last unit goes to the session ceil(left/spw)-1
     * weeks on */
    if (sessions_per_week > 0) {
        int by_units = today + 7 * ((left + sessions_per_week - 1) / sessions_per_week - 1);
        last = by_units < last ? by_units : last;
    }
    return last <= today + horizon_days ? last : -1;
}
