/* reasons.c - why a waitlisted patient was not placed, in plain words. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "sv.h"

/* Add a formatted line unless it is already there: MODEL_OK or
 * MODEL_ENOMEM. */
#define addf(out, ...) model_strlist_pushf((out), true, __VA_ARGS__)

static const char *tname(const model_group_type *t)
{
    return t->name && t->name[0] ? t->name : t->id;
}

static void windows_text(const model_patient *pa, char *buf, size_t n)
{
    size_t u = 0;
    buf[0] = 0;
    for (int i = 0; i < pa->n_available && u + 32 < n; i++) {
        char a[6], b[6];
        model_time_format(pa->available[i].from, a);
        model_time_format(pa->available[i].to, b);
        u += (size_t)snprintf(buf + u, n - u, "%s%s %s-%s", i ? ", " : "",
                              model_day_name(pa->available[i].day), a, b);
    }
    if (pa->n_available == 0)
        snprintf(buf, n, "none given");
}

/* The line for a failing part of the profile (modality, age, gender) of
 * patient pa against type ty: MODEL_OK or MODEL_ENOMEM. */
static int profile_reason(const model_patient *pa, const model_group_type *ty, model_fit fit,
                          model_strlist *out)
{
    if (fit == MODEL_FIT_MODALITY)
        return addf(out, "wants %s sessions but %s is %s", model_modality_name(pa->modality),
                    tname(ty), model_modality_name(ty->modality));
    if (fit == MODEL_FIT_AGE && pa->age < 0)
        return addf(out, "age unknown, but %s has an age rule", tname(ty));
    if (fit == MODEL_FIT_AGE) {
        char lo[16] = "any", hi[16] = "any";
        if (ty->age_min >= 0)
            snprintf(lo, sizeof lo, "%d", ty->age_min);
        if (ty->age_max >= 0)
            snprintf(hi, sizeof hi, "%d", ty->age_max);
        return addf(out, "age %d outside %s's ages %s-%s", pa->age, tname(ty), lo, hi);
    }
    return addf(out, "%s is for gender %s only", tname(ty), ty->gender ? ty->gender : "?");
}

int sv_reasons_init(const sv_prob *pr, const sv_plan *pl, sv_reasons_ctx *cx)
{
    int ng = pr->ng;
    cx->nnew = calloc((size_t)ng + 1, sizeof(int));
    cx->nhigh = calloc((size_t)ng + 1, sizeof(int));
    cx->amin = malloc(sizeof(int) * (size_t)(ng + 1));
    cx->amax = malloc(sizeof(int) * (size_t)(ng + 1));
    if (!cx->nnew || !cx->nhigh || !cx->amin || !cx->amax) {
        sv_reasons_free(cx);
        return -1;
    }
    for (int g = 0; g < ng; g++) {
        cx->amin[g] = pr->g[g].held_age_min;
        cx->amax[g] = pr->g[g].held_age_max;
    }
    for (int q = 0; q < pr->np; q++) {
        int g = pl->pg[q];
        if (g < 0 || pl->gs[g].cand < 0)
            continue;
        cx->nnew[g]++;
        cx->nhigh[g] += pr->high[q];
        int a = pr->inst->patients[q].age;
        if (a >= 0) {
            if (cx->amin[g] < 0 || a < cx->amin[g])
                cx->amin[g] = a;
            if (cx->amax[g] < 0 || a > cx->amax[g])
                cx->amax[g] = a;
        }
    }
    return 0;
}

void sv_reasons_free(sv_reasons_ctx *cx)
{
    free(cx->nnew);
    free(cx->nhigh);
    free(cx->amin);
    free(cx->amax);
    memset(cx, 0, sizeof *cx);
}

/* With settings.require_authorization: does an authorization of p cover
 * some type p matches (model_patient_authorized at the horizon start)? */
static bool authorized_for_some_type(const model_instance *inst, int p, int nt)
{
    for (int t = 0; t < nt; t++)
        if (model_patient_type_match(inst, p, t) &&
            model_patient_authorized(inst, p, t, inst->program.horizon_start))
            return true;
    return false;
}

/* The reason authorization blocks p: what would be needed. */
static int authorization_reason(const model_instance *inst, int p, int nt, model_strlist *out)
{
    char cpts[128] = "", date[11];
    size_t u = 0;
    for (int t = 0; t < nt && u + 20 < sizeof cpts; t++)
        if (model_patient_type_match(inst, p, t) && !strstr(cpts, inst->types[t].cpt))
            u += (size_t)snprintf(cpts + u, sizeof cpts - u, "%s%s", u ? " or " : "",
                                  inst->types[t].cpt);
    model_date_format(inst->program.horizon_start, date);
    return addf(out,
                "authorization: no payer authorization covers CPT %s from %s with units for %d "
                "sessions (settings.require_authorization)",
                cpts, date, inst->settings.min_authorized_sessions);
}

int sv_unplaced_reasons(const sv_prob *pr, const sv_plan *pl, const sv_reasons_ctx *cx, int p,
                        model_strlist *out)
{
    const model_instance *inst = pr->inst;
    const model_patient *pa = &inst->patients[p];
    int rc = 0;
    if (!pa->screened)
        rc |= addf(out, "not screened");
    if (!pa->insurance_verified)
        rc |= addf(out, "insurance not verified");
    if (rc || out->n > 0)
        return rc;
    int any_match = 0;
    for (int t = 0; t < pr->nt; t++)
        any_match |= model_patient_type_match(inst, p, t);
    if (!any_match) {
        char buf[512];
        size_t u = 0;
        buf[0] = 0;
        if (pa->has_group_types) {
            for (int i = 0; i < pa->group_types.n && u + 40 < sizeof buf; i++)
                u += (size_t)snprintf(buf + u, sizeof buf - u, "%s%s", i ? ", " : "",
                                      pa->group_types.items[i]);
            return addf(out, "referred to %s, but the program has no such group type",
                        u ? buf : "no group type");
        }
        for (int i = 0; i < pa->diagnoses.n && u + 40 < sizeof buf; i++)
            u += (size_t)snprintf(buf + u, sizeof buf - u, "%s%s", i ? ", " : "",
                                  pa->diagnoses.items[i]);
        return addf(out, "no group type matches diagnoses %s", u ? buf : "(none given)");
    }
    if (!authorized_for_some_type(inst, p, pr->nt))
        return authorization_reason(inst, p, pr->nt, out);
    const int *nnew = cx->nnew, *nhigh = cx->nhigh;
    char win[512];
    windows_text(pa, win, sizeof win);
    for (int t = 0; t < pr->nt && rc == 0; t++) {
        const model_group_type *ty = &inst->types[t];
        model_fit fit = model_patient_profile_fit(inst, p, t);
        if (fit == MODEL_FIT_TYPE)
            continue;
        if (fit != MODEL_FIT_OK) {
            rc |= profile_reason(pa, ty, fit, out);
            continue;
        }
        if (ty->composition.max_age_spread >= 0 && pa->age < 0) {
            rc |= addf(out, "age unknown, but %s has an age rule", tname(ty));
            continue;
        }
        int running = 0, fitting = 0;
        for (int g = 0; g < pr->ng && rc == 0; g++) {
            const sv_group *G = &pr->g[g];
            const sv_gsol *gs = &pl->gs[g];
            if (G->type != t || gs->cand < 0)
                continue;
            running++;
            const sv_cand *c = &G->cand[gs->cand];
            if (!model_windows_fit(pa->available, pa->n_available, c->day, c->start, G->dur))
                continue;
            fitting++;
            const char *gid = inst->groups[g].id;
            int size = G->held + nnew[g];
            if (size >= ty->max_size) {
                rc |= addf(out, "group %s is full", gid);
                continue;
            }
            if (nnew[g] + 1 > G->max_new) {
                rc |= addf(out, "group %s has reached its share of new members (%.0f%%)", gid,
                           100 * ty->composition.max_new_share);
                continue;
            }
            if (pr->high[p] && nhigh[g] + 1 > G->max_new_high) {
                rc |= addf(out, "would exceed %d high-acuity members in %s",
                           ty->composition.max_high_acuity, gid);
                continue;
            }
            if (G->spread >= 0) {
                int amin = cx->amin[g], amax = cx->amax[g];
                int lim = amin >= 0 && G->age_lo >= 0 ? G->age_hi - G->age_lo : G->spread;
                if (amin >= 0) {
                    int nmin = pa->age < amin ? pa->age : amin;
                    int nmax = pa->age > amax ? pa->age : amax;
                    if (nmax - nmin > lim) {
                        rc |= addf(out, "age %d would widen the age spread of %s (ages %d-%d) "
                                        "beyond %d years",
                                   pa->age, gid, amin, amax, G->spread);
                        continue;
                    }
                }
            }
            rc |= addf(out, "group %s could still take this patient (schedule not proven optimal)",
                       gid);
        }
        if (running == 0)
            rc |= addf(out, "no running %s group", tname(ty));
        else if (fitting == 0)
            rc |= addf(out, "no running %s group meets inside the patient's windows (%s)",
                       tname(ty), win);
    }
    if (out->n == 0 && rc == 0)
        rc |= addf(out, "no group type the patient qualifies for is running");
    return rc;
}
