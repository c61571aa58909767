/*
 * generate_patients.c - the generator's patients: continuing members,
 * core waitlisted patients who fit a group's witness slot, and random
 * waitlisted patients (see generate.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generate_int.h"

typedef struct {
    int w;
    const char *c[2];
} dx_mix;

static const dx_mix ADULT_DX[] = {
    {14, {"F32.1", NULL}}, {6, {"F32.0", NULL}},  {5, {"F32.2", NULL}},   {8, {"F33.1", NULL}},
    {4, {"F33.0", NULL}},  {2, {"F33.2", NULL}},  {2, {"F34.1", NULL}},   {12, {"F41.1", NULL}},
    {4, {"F41.0", NULL}},  {3, {"F40.10", NULL}}, {2, {"F41.1", "F32.1"}}, {6, {"F43.10", NULL}},
    {3, {"F43.12", NULL}}, {2, {"F43.10", "F33.1"}}, {5, {"F60.3", NULL}}, {2, {"F60.3", "F43.10"}},
    {6, {"F10.20", NULL}}, {2, {"F11.20", NULL}}, {2, {"F12.20", NULL}},  {1, {"F14.20", NULL}},
    {1, {"F15.20", NULL}}, {2, {"F10.20", "F41.1"}}, {2, {"F43.81", NULL}}, {2, {"F43.21", NULL}},
};
static const dx_mix TEEN_DX[] = {
    {4, {"F32.1", NULL}}, {4, {"F41.1", NULL}}, {2, {"F43.21", NULL}},
    {2, {"F90.2", "F41.1"}}, {1, {"F93.0", NULL}}, {1, {"F91.3", "F32.0"}},
};
#define N_ADULT_DX ((int)(sizeof ADULT_DX / sizeof ADULT_DX[0]))
#define N_TEEN_DX ((int)(sizeof TEEN_DX / sizeof TEEN_DX[0]))

/* ----------------------------------------------------------- patients */

static int add_patient(gen *G)
{
    model_instance *inst = G->inst;
    if (!gen_grow(G, (void **)&inst->patients, &G->cap_patients, inst->n_patients + 1,
              sizeof *inst->patients))
        return -1;
    model_patient *p = &inst->patients[inst->n_patients];
    memset(p, 0, sizeof *p);
    p->added = p->age = -1;
    p->modality = MODEL_EITHER;
    return inst->n_patients++;
}

static void pick_days(gen *G, int k, bool *on)
{
    int days[5] = {0, 1, 2, 3, 4};
    rng_shuffle(&G->rng, days, 5);
    for (int d = 0; d < 5; d++)
        on[d] = false;
    for (int i = 0; i < k && i < 5; i++)
        on[days[i]] = true;
}

/* Evening-heavy availability: at most one window per day. */
static int patient_windows(gen *G, bool teen, model_window *w)
{
    int n = 0;
    bool ev[5], dy[5];
    if (G->fam->blocks)
        return gen_family_block_windows(G, teen, w);
    if (teen) {
        pick_days(G, rng_int(&G->rng, 2, 4), ev);
        for (int d = 0; d < 5; d++)
            if (ev[d])
                w[n++] = (model_window){d, HM(15, 30), HM(20, 30)};
        if (rng_pct(&G->rng, 50))
            w[n++] = (model_window){SAT, HM(9, 0), HM(13, 0)};
        return n;
    }
    static const int EVK[] = {2, 3, 3, 4};
    static const int DAY_FROM[] = {HM(9, 0), HM(9, 0), HM(10, 30), HM(12, 30)};
    static const int DAY_TO[] = {HM(14, 30), HM(17, 0), HM(16, 30), HM(17, 0)};
    int x = rng_int(&G->rng, 0, 99);
    int dsh = rng_int(&G->rng, 0, 3);
    if (x < 93) {
        if (x < 58 || x >= 80)
            pick_days(G, EVK[rng_int(&G->rng, 0, 3)], ev);
        else
            memset(ev, 0, sizeof ev);
        if (x >= 58)
            pick_days(G, rng_int(&G->rng, 2, 4), dy);
        else
            memset(dy, 0, sizeof dy);
        for (int d = 0; d < 5; d++) {
            if (ev[d])
                w[n++] = (model_window){d, HM(17, 0), rng_pct(&G->rng, 35) ? HM(20, 30) : HM(21, 0)};
            else if (dy[d])
                w[n++] = (model_window){d, DAY_FROM[dsh], DAY_TO[dsh]};
        }
    } else {
        for (int d = 0; d < 5; d++)
            w[n++] = (model_window){d, HM(9, 0), HM(21, 0)};
    }
    if (rng_pct(&G->rng, 12))
        w[n++] = (model_window){SAT, HM(9, 0), HM(13, 0)};
    return n;
}

/* True when patient p could join some type of the current site (type,
 * age, gender, modality; flags and windows aside). */
static bool fits_site_type(const gen *G, int p, int only_type)
{
    const model_instance *inst = G->inst;
    for (int k = 0; k < N_TYPES; k++) {
        int t = G->first_type + k;
        if (only_type >= 0 && t != only_type)
            continue;
        if (model_patient_profile_fit(inst, p, t) == MODEL_FIT_OK)
            return true;
    }
    return false;
}

/* Referral list: every site type the patient could join (multi-site), or
 * the clinically typical referrals (one site, some patients only). */
static void set_referrals(gen *G, int p, bool random_patient)
{
    model_instance *inst = G->inst;
    model_patient *pa = &inst->patients[p];
    if (G->nsites > 1) {
        pa->has_group_types = false;
        model_strlist refs = {0};
        for (int k = 0; k < N_TYPES; k++)
            if (fits_site_type(G, p, G->first_type + k))
                gen_push(G, &refs, inst->types[G->first_type + k].id);
        pa = &inst->patients[p];
        pa->group_types = refs;
        pa->has_group_types = true;
        return;
    }
    if (!random_patient)
        return;
    bool bpd = false, ptsd = false, sud = false, anx = false, dep = false;
    for (int i = 0; i < pa->diagnoses.n; i++) {
        const char *c = pa->diagnoses.items[i];
        bpd |= strncmp(c, "F60.3", 5) == 0;
        ptsd |= strncmp(c, "F43.1", 5) == 0;
        sud |= strncmp(c, "F1", 2) == 0;
        anx |= strncmp(c, "F41", 3) == 0;
        dep |= strncmp(c, "F32", 3) == 0 || strncmp(c, "F33", 3) == 0;
    }
    const char *r1 = NULL, *r2 = NULL;
    if (bpd && ptsd) {
        r1 = "dbt_skills";
        r2 = "trauma_ptsd";
    } else if (sud && anx) {
        r1 = "sud_recovery";
        r2 = "cbt_anxiety";
    } else if (pa->age >= 0 && pa->age <= 17 && rng_pct(&G->rng, 40)) {
        r1 = "adolescent_coping";
        r2 = "multifamily";
    } else if (dep && pa->age >= 18 && rng_pct(&G->rng, 10)) {
        r1 = pa->modality == MODEL_TELEHEALTH ? "telehealth_mood" : "depression";
        r2 = pa->modality == MODEL_EITHER ? "telehealth_mood" : NULL;
    }
    if (r1) {
        gen_push(G, &pa->group_types, r1);
        if (r2)
            gen_push(G, &pa->group_types, r2);
        pa->has_group_types = true;
    }
}

static int adult_age(gen *G)
{
    return 18 + rng_int(&G->rng, 0, 15) + rng_int(&G->rng, 0, 15) + rng_int(&G->rng, 0, 15) +
           (rng_pct(&G->rng, 8) ? rng_int(&G->rng, 0, 14) : 0);
}

static const char *pick_gender(gen *G)
{
    static const int W3[] = {58, 38, 4};
    static const char *const N3[] = {"female", "male", "nonbinary"};
    return N3[rng_weighted(&G->rng, W3, 3)];
}

/* A patient for group g (core: fits its witness slot, screened, verified,
 * low or moderate acuity) or, with g NULL, a random waitlisted patient.
 * Returns the patient index or -1 (G->oom). */
int gen_make_patient(gen *G, const gplan *g)
{
    model_instance *inst = G->inst;
    int start = inst->program.horizon_start;
    for (int attempt = 0; attempt < 50; attempt++) {
        int p = add_patient(G);
        if (p < 0)
            return -1;
        model_patient *pa = &inst->patients[p];
        const type_spec *s = g ? &G->types[g->spec] : NULL;
        bool teen = s ? type_is_teen(s) : rng_pct(&G->rng, G->fam->teen_pct);
        if (s && s->spread >= 0 && g->band_lo >= 0)
            pa->age = g->band_lo + rng_int(&G->rng, 0, s->spread);
        else
            pa->age = teen ? rng_int(&G->rng, G->fam->teen_age_min, 17) : adult_age(G);
        const char *const *dx;
        if (s) {
            dx = s->core_dx[rng_int(&G->rng, 0, 2)];
        } else if (teen) {
            int w[N_TEEN_DX];
            for (int i = 0; i < N_TEEN_DX; i++)
                w[i] = TEEN_DX[i].w;
            dx = TEEN_DX[rng_weighted(&G->rng, w, N_TEEN_DX)].c;
        } else {
            int w[N_ADULT_DX];
            for (int i = 0; i < N_ADULT_DX; i++)
                w[i] = ADULT_DX[i].w;
            dx = ADULT_DX[rng_weighted(&G->rng, w, N_ADULT_DX)].c;
        }
        bool grief = false, tele_dx = true;
        for (int i = 0; i < 2 && dx[i]; i++) {
            gen_push(G, &pa->diagnoses, dx[i]);
            grief |= strncmp(dx[i], "F43.81", 6) == 0;
            tele_dx &= strncmp(dx[i], "F32", 3) == 0 || strncmp(dx[i], "F33", 3) == 0 ||
                       strncmp(dx[i], "F41", 3) == 0;
        }
        const char *gender = s && s->gender ? s->gender
                             : grief && rng_pct(&G->rng, 80) ? "female"
                                                              : pick_gender(G);
        pa->gender = gen_str(G, gender);
        static const int MOD_W[] = {50, 36, 14}; /* in person, either, telehealth */
        static const model_modality MOD[] = {MODEL_IN_PERSON, MODEL_EITHER, MODEL_TELEHEALTH};
        pa->modality = MOD[rng_weighted(&G->rng, MOD_W, 3)];
        if (pa->modality == MODEL_TELEHEALTH && (!tele_dx || teen))
            pa->modality = MODEL_EITHER;
        if (s && s->modality == MODEL_TELEHEALTH && pa->modality == MODEL_IN_PERSON)
            pa->modality = MODEL_EITHER;
        if (s && s->modality == MODEL_IN_PERSON && pa->modality == MODEL_TELEHEALTH)
            pa->modality = MODEL_EITHER;
        static const int AC_W[] = {45, 40, 15};
        pa->acuity = (model_acuity)rng_weighted(&G->rng, AC_W, 3);
        if (s && pa->acuity == MODEL_ACUITY_HIGH)
            pa->acuity = MODEL_ACUITY_MODERATE;
        pa->screened = s ? true : rng_pct(&G->rng, 91);
        pa->insurance_verified = s ? true : rng_pct(&G->rng, 93);
        static const int PR_W[] = {70, 18, 8, 4};
        pa->priority = rng_weighted(&G->rng, PR_W, 4);
        pa->added = start - (rng_pct(&G->rng, 5) ? rng_int(&G->rng, 400, 700) : rng_int(&G->rng, 5, 400));
        model_window w[8];
        int n = patient_windows(G, teen, w);
        if (g) { /* bring the window of the group's day to its time */
            span iv = {g->day, g->start, g->end};
            if (!model_windows_fit(w, n, iv.day, iv.s, iv.e - iv.s)) {
                int k = 0;
                for (int i = 0; i < n; i++)
                    if (w[i].day != iv.day)
                        w[k++] = w[i];
                model_window nw;
                if (G->fam->blocks)
                    nw = gen_family_block_of(iv, teen);
                else if (iv.day == SAT)
                    nw = (model_window){SAT, HM(9, 0), HM(13, 0)};
                else if (iv.s >= HM(17, 0))
                    nw = (model_window){iv.day, teen ? HM(15, 30) : HM(17, 0), HM(21, 0)};
                else if (iv.s >= HM(12, 30))
                    nw = (model_window){iv.day, HM(12, 30), iv.e > HM(17, 0) ? HM(21, 0) : HM(17, 0)};
                else
                    nw = (model_window){iv.day, HM(9, 0), HM(14, 30)};
                /* keep windows ordered by day */
                int pos = k;
                while (pos > 0 && w[pos - 1].day > nw.day)
                    pos--;
                memmove(&w[pos + 1], &w[pos], (size_t)(k - pos) * sizeof *w);
                w[pos] = nw;
                n = k + 1;
            }
        }
        gen_set_windows(G, &pa->available, &pa->n_available, w, n);
        if (G->oom)
            return -1;
        set_referrals(G, p, s == NULL);
        if (G->oom)
            return -1;
        pa = &inst->patients[p];
        bool ok = s ? fits_site_type(G, p, g->type) &&
                          model_windows_fit(pa->available, pa->n_available, g->day, g->start,
                                            g->end - g->start)
                    : fits_site_type(G, p, -1);
        if (ok)
            return p;
        /* drop and draw again */
        model_strlist_free(&pa->diagnoses);
        model_strlist_free(&pa->group_types);
        free(pa->available);
        free(pa->gender);
        inst->n_patients--;
    }
    return -1; /* cannot happen with the catalogue above */
}

