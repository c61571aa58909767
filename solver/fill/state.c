/* state.c - fill: the working state (patients indexed, referrals added), group
 * composition, the hard rules 7 and 8 for one patient and group, and the
 * explanations of why a patient fits. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "fill_private.h"

/* ------------------------------------------------------ working state */


void fill_fstate_free(fstate *s)
{
    fill_pmap_free(&s->map);
    free(s->sol_group_of);
    free(s->rostered);
    free(s->ig);
    free(s->ty);
}

int fill_fstate_index_patients(fstate *s)
{
    const model_instance *in = s->inst;
    int cap = in->n_patients + 16;
    s->sol_group_of = malloc((size_t)cap * sizeof *s->sol_group_of);
    s->rostered = calloc((size_t)cap, 1);
    if (!s->sol_group_of || !s->rostered)
        return -1;
    s->cap_pat = cap;
    for (int p = 0; p < cap; p++)
        s->sol_group_of[p] = -1;
    for (int p = 0; p < in->n_patients; p++)
        if (fill_pmap_put(&s->map, in->patients[p].id, p))
            return -1;
    for (int g = 0; g < in->n_groups; g++)
        for (int m = 0; m < in->groups[g].n_members; m++) {
            int p = fill_pmap_get(&s->map, in->groups[g].members[m].patient);
            if (p >= 0)
                s->rostered[p] = 1;
        }
    s->ig = malloc((size_t)(s->sol->n_groups + 1) * sizeof *s->ig);
    s->ty = malloc((size_t)(s->sol->n_groups + 1) * sizeof *s->ty);
    if (!s->ig || !s->ty)
        return -1;
    for (int g = 0; g < s->sol->n_groups; g++) {
        const model_sol_group *sg = &s->sol->groups[g];
        s->ig[g] = model_find_group(in, sg->id);
        s->ty[g] = s->ig[g] >= 0 ? in->groups[s->ig[g]].type_idx : -1;
        if (s->ty[g] < 0)
            s->ty[g] = model_find_type(in, sg->type);
        for (int m = 0; m < sg->members.n; m++) {
            int p = fill_pmap_get(&s->map, sg->members.items[m]);
            if (p >= 0 && s->sol_group_of[p] < 0)
                s->sol_group_of[p] = g;
        }
    }
    return 0;
}

/* Append a copy of patient src to the working instance.  -1 on ENOMEM. */
int fill_fstate_add_patient(fstate *s, const model_patient *src)
{
    model_instance *in = s->inst;
    model_patient *np = realloc(in->patients, (size_t)(in->n_patients + 1) * sizeof *np);
    if (!np)
        return -1;
    in->patients = np;
    if (in->n_patients + 1 > s->cap_pat) {
        int cap = s->cap_pat * 2 + 1;
        int *a = realloc(s->sol_group_of, (size_t)cap * sizeof *a);
        if (!a)
            return -1;
        s->sol_group_of = a;
        unsigned char *b = realloc(s->rostered, (size_t)cap);
        if (!b)
            return -1;
        s->rostered = b;
        for (int p = s->cap_pat; p < cap; p++) {
            s->sol_group_of[p] = -1;
            s->rostered[p] = 0;
        }
        s->cap_pat = cap;
    }
    if (fill_patient_copy(&in->patients[in->n_patients], src))
        return -1;
    int p = in->n_patients++;
    /* The map borrows ids; a realloc of the patients array moved them. */
    fill_pmap_free(&s->map);
    for (int i = 0; i < in->n_patients; i++)
        if (fill_pmap_put(&s->map, in->patients[i].id, i))
            return -1;
    s->sol_group_of[p] = -1;
    s->rostered[p] = 0;
    return p;
}

/* ------------------------------------------------- composition stats */


/* Continuing = occupying member of the instance roster; new = otherwise
 * listed in new_members (the same reading as model_check). */
void fill_gstats_compute(const fstate *s, int sg, gstats *st)
{
    const model_sol_group *g = &s->sol->groups[sg];
    memset(st, 0, sizeof *st);
    st->age_lo = st->age_hi = st->cont_age_lo = st->cont_age_hi = -1;
    st->size = g->members.n;
    for (int m = 0; m < g->members.n; m++) {
        const model_member *mb = fill_roster_member(s->inst, s->ig[sg], g->members.items[m]);
        bool cont = mb && model_status_occupies(mb->status);
        bool is_new = !cont;
        if (!cont && model_strlist_find(&g->new_members, g->members.items[m]) >= 0)
            st->n_new++;
        if (cont)
            st->n_cont++;
        int p = fill_pmap_get(&s->map, g->members.items[m]);
        if (p < 0)
            continue;
        const model_patient *pa = &s->inst->patients[p];
        if (pa->acuity == MODEL_ACUITY_HIGH) {
            st->high++;
            if (!is_new)
                st->high_cont++;
        }
        if (pa->age >= 0) {
            if (st->age_lo < 0 || pa->age < st->age_lo)
                st->age_lo = pa->age;
            if (pa->age > st->age_hi)
                st->age_hi = pa->age;
            if (!is_new) {
                if (st->cont_age_lo < 0 || pa->age < st->cont_age_lo)
                    st->cont_age_lo = pa->age;
                if (pa->age > st->cont_age_hi)
                    st->cont_age_hi = pa->age;
            }
        }
    }
}

static int spread_with(int lo, int hi, int age)
{
    if (age < 0)
        return lo < 0 ? -1 : hi - lo;
    if (lo < 0)
        return 0;
    int l = age < lo ? age : lo, h = age > hi ? age : hi;
    return h - l;
}

/* Composition after p joins (p as a new member). */
void fill_comp_after(const fstate *s, const gstats *st, int p, int *size, double *share,
                       int *high, int *spread)
{
    const model_patient *pa = &s->inst->patients[p];
    *size = st->size + 1;
    *share = (double)(st->n_new + 1) / (double)(st->size + 1);
    *high = st->high + (pa->acuity == MODEL_ACUITY_HIGH);
    *spread = spread_with(st->age_lo, st->age_hi, pa->age);
}

/* Rule 7 for patient p and running solution group sg (not counting the
 * "placed once" and waitlist parts), by model/eligibility.c's predicates.
 * check_flags = false skips screening and insurance (used to estimate a
 * referral's wait). */
bool fill_fits_rule7(const fstate *s, int p, int sg, bool check_flags)
{
    const model_sol_group *g = &s->sol->groups[sg];
    int t = s->ty[sg];
    if (t < 0 || !g->running || g->day < 0 || g->start < 0)
        return false;
    if (check_flags) { /* a payer authorization covering the group's next session */
        int first = fill_next_session(s, sg, s->inst->program.horizon_start);
        if (!model_patient_authorized(s->inst, p, t, first))
            return false;
    }
    model_fit fit = check_flags ? model_patient_type_fit(s->inst, p, t)
                                : model_patient_profile_fit(s->inst, p, t);
    return fit == MODEL_FIT_OK && model_patient_window_fits(s->inst, p, t, g->day, g->start);
}

/* Rule 8 for one more (new) member p in sg. */
int fill_fits_rule8(const fstate *s, int p, int sg, const gstats *st)
{
    const model_group_type *ty = &s->inst->types[s->ty[sg]];
    const model_composition *c = &ty->composition;
    const model_patient *pa = &s->inst->patients[p];
    if (st->size + 1 > ty->max_size)
        return FIT_FULL;
    if (model_new_share_exceeded(c, st->n_new + 1, st->n_cont, st->size + 1))
        return FIT_NEW_SHARE;
    if (c->max_high_acuity >= 0 && pa->acuity == MODEL_ACUITY_HIGH &&
        st->high + 1 > c->max_high_acuity)
        return FIT_HIGH;
    if (c->max_age_spread >= 0 && pa->age >= 0) {
        int after = spread_with(st->age_lo, st->age_hi, pa->age);
        int cont = st->cont_age_lo < 0 ? 0 : st->cont_age_hi - st->cont_age_lo;
        /* Where the continuing members alone exceed the limit, a placement
         * may not widen the spread beyond theirs (as model_check). */
        bool ok = after <= c->max_age_spread || (cont > c->max_age_spread && after <= cont);
        if (!ok)
            return FIT_AGE;
    }
    return FIT_OK;
}

bool fill_available_for_placement(const fstate *s, int p)
{
    return !s->rostered[p] && s->sol_group_of[p] < 0;
}

double fill_placement_value(const model_instance *in, int p)
{
    const model_patient *pa = &in->patients[p];
    const model_weights *w = &in->settings.weights;
    double weeks = 0.0;
    if (pa->added >= 0 && in->program.horizon_start > pa->added)
        weeks = (double)(in->program.horizon_start - pa->added) / 7.0;
    return w->placement + w->wait_per_week * weeks + w->priority * (double)pa->priority;
}

/* ------------------------------------------------------ explanations */

void fill_fmt_time_range(int a, int b, char out[12])
{
    char x[6], y[6];
    model_time_format(a, x);
    model_time_format(b, y);
    snprintf(out, 12, "%s-%s", x, y);
}

/* Why p fits group sg: type, window, modality, restrictions, flags. */
int fill_explain_fit(const fstate *s, int p, int sg, model_strlist *why)
{
    const model_patient *pa = &s->inst->patients[p];
    const model_sol_group *g = &s->sol->groups[sg];
    const model_group_type *ty = &s->inst->types[s->ty[sg]];
    char gr[12], wr[12];
    if (pa->has_group_types) {
        if (push_fmt(why, "type: referred to %s", ty->id))
            return -1;
    } else {
        const char *code = "?", *pre = "?";
        for (int i = 0; i < pa->diagnoses.n && code[0] == '?'; i++)
            for (int j = 0; j < ty->diagnoses.n; j++)
                if (model_diagnosis_matches(pa->diagnoses.items[i], ty->diagnoses.items[j])) {
                    code = pa->diagnoses.items[i];
                    pre = ty->diagnoses.items[j];
                    break;
                }
        if (push_fmt(why, "type: diagnosis %s matches %s of %s", code, pre, ty->id))
            return -1;
    }
    int dur = ty->duration_min;
    fill_fmt_time_range(g->start, g->start + dur, gr);
    for (int i = 0; i < pa->n_available; i++) {
        const model_window *w = &pa->available[i];
        if (w->day == g->day && g->start >= w->from && g->start + dur <= w->to) {
            fill_fmt_time_range(w->from, w->to, wr);
            if (push_fmt(why, "window: %s %s covers the group's %s %s", model_day_name(w->day),
                         wr, model_day_name(g->day), gr))
                return -1;
            break;
        }
    }
    if (push_fmt(why, "modality: patient %s, group %s", model_modality_name(pa->modality),
                 model_modality_name(ty->modality)))
        return -1;
    if (ty->age_min >= 0 && ty->age_max >= 0 &&
        push_fmt(why, "age %d within %d-%d", pa->age, ty->age_min, ty->age_max))
        return -1;
    if (ty->age_min >= 0 && ty->age_max < 0 && push_fmt(why, "age %d, at least %d", pa->age, ty->age_min))
        return -1;
    if (ty->age_min < 0 && ty->age_max >= 0 && push_fmt(why, "age %d, at most %d", pa->age, ty->age_max))
        return -1;
    if (ty->gender && push_fmt(why, "gender %s as required", pa->gender))
        return -1;
    return 0;
}

