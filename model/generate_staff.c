/*
 * generate_staff.c - the generator's rooms, facilitators and witness
 * schedule for one site (see generate.c for how a program is built).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generate_int.h"

/* Specialty credentials in order of scarcity. */
static const char *const SPECIALTIES[] = {"TRAUMA", "DBT", "FAMILY", "SUD", "CBT"};
#define N_SPEC 5
static const char *const LICENSES[] = {"LCSW", "LPC", "PsyD", "LMFT", "PMHNP"};
static const int LICENSE_W[] = {33, 33, 12, 12, 10};

static const char *const FIRST[] = {
    "Maya", "Marcus", "Priya", "Angela", "James", "Hannah", "Daniel", "Sofia", "Kevin", "Aisha",
    "Robert", "Elena", "Thomas", "Grace", "Luis", "Naomi", "Samuel", "Irene", "Victor", "Chloe",
    "Andre", "Fatima", "Peter", "Lena", "Omar", "Rachel", "Diego", "Mei", "Jonah", "Tara",
    "Isaac", "Beatriz", "Caleb", "Yuki", "Nathan", "Amara", "Felix", "Rosa", "Gabriel", "Leah"};
static const char *const LAST[] = {
    "Chen", "Reed", "Natarajan", "Torres", "Okafor", "Lindqvist", "Whitfield", "Alvarez", "Brennan",
    "Haddad", "Kowalski", "Moreno", "Nguyen", "Patel", "Sullivan", "Abernathy", "Delgado", "Fischer",
    "Garrison", "Ibrahim", "Jansen", "Kaur", "Larsen", "Mbeki", "Novak", "Ortega", "Pham", "Quinn",
    "Rossi", "Sato", "Tanaka", "Underwood", "Vasquez", "Walsh", "Yilmaz", "Zimmerman", "Baptiste",
    "Castillo", "Dunn", "Ellison"};
#define N_FIRST ((int)(sizeof FIRST / sizeof FIRST[0]))
#define N_LAST ((int)(sizeof LAST / sizeof LAST[0]))

/* Witness preference by slot (the waitlist is evening-heavy). */
static const int SLOT_W_ADULT[N_SLOTS] = {10, 12, 10, 6, 30, 32};
static const int SLOT_W_ADULT_SAT[N_SLOTS] = {4, 4, 0, 0, 0, 0};
static const int SLOT_W_TEEN[N_SLOTS] = {0, 0, 0, 0, 50, 40};
static const int SLOT_W_TEEN_SAT[N_SLOTS] = {30, 40, 0, 0, 0, 0};

typedef struct {
    int nlead;
    span lead[16];
    int nsub;
    span sub[48];
} fac_load;

typedef struct {
    int n;
    span use[48];
} room_load;

static bool has_str(const model_strlist *l, const char *s)
{
    return model_strlist_find(l, s) >= 0;
}

/* ------------------------------------------------------ rooms, staff */

static void add_room(gen *G, const char *id, int cap, bool accessible, bool family, int kind)
{
    model_instance *inst = G->inst;
    if (!gen_grow(G, (void **)&inst->rooms, &G->cap_rooms, inst->n_rooms + 1, sizeof *inst->rooms))
        return;
    model_room *r = &inst->rooms[inst->n_rooms++];
    memset(r, 0, sizeof *r);
    char tag[64];
    gen_site_tag(G, tag, sizeof tag);
    r->id = gen_str(G, id);
    r->capacity = cap;
    if (family)
        gen_push(G, &r->features, "family_room");
    if (accessible)
        gen_push(G, &r->features, "accessible");
    if (tag[0])
        gen_push(G, &r->features, tag);
    r->site = gen_str(G, gen_site_name(G));
    model_window w[8];
    int k = 0;
    switch (kind) {
    case 0: /* regular: weekdays 08:00-21:00 */
    case 3: /* same plus Saturday morning */
        for (int d = 0; d < 5; d++)
            w[k++] = (model_window){d, HM(8, 0), HM(21, 0)};
        if (kind == 3)
            w[k++] = (model_window){SAT, HM(8, 30), HM(13, 0)};
        break;
    case 1: /* evening annex, Monday to Thursday */
        for (int d = 0; d < 4; d++)
            w[k++] = (model_window){d, HM(16, 0), HM(21, 0)};
        break;
    case 2: /* daytime only */
        for (int d = 0; d < 5; d++)
            w[k++] = (model_window){d, HM(8, 0), HM(18, 0)};
        break;
    default: /* family room: afternoons, evenings, Saturday morning */
        for (int d = 0; d < 5; d++)
            w[k++] = (model_window){d, HM(12, 0), HM(21, 0)};
        w[k++] = (model_window){SAT, HM(8, 30), HM(13, 0)};
        break;
    }
    gen_set_windows(G, &r->available, &r->n_available, w, k);
}

void gen_build_rooms(gen *G, const gplan *gp, int ng)
{
    int inperson = 0, family = 0;
    for (int i = 0; i < ng; i++) {
        if (G->types[gp[i].spec].feature)
            family++;
        else if (G->types[gp[i].spec].modality == MODEL_IN_PERSON)
            inperson++;
    }
    const gen_family *fam = G->fam;
    int nreg = (inperson + fam->groups_per_room - 1) / fam->groups_per_room + fam->extra_rooms;
    if (nreg < fam->min_rooms)
        nreg = fam->min_rooms;
    int nfam = family ? (family + 3) / 4 : 0;
    G->first_room = G->inst->n_rooms;
    char id[64];
    static const int CAPS[] = {8, 10, 12, 16};
    static const int CAP_W[] = {8, 32, 42, 18};
    static const int SMALL_CAP_W[] = {35, 30, 25, 10};
    /* room kind thresholds: evening annex, daytime only, Saturday too */
    static const int KIND_AT[2][3] = {{18, 30, 50}, {8, 55, 65}};
    const int *kind_at = KIND_AT[fam->small_rooms];
    for (int i = 0; i < nreg && !G->oom; i++) {
        if (G->nsites > 1)
            snprintf(id, sizeof id, "%s-room-%02d", gen_site_name(G), i + 1);
        else
            snprintf(id, sizeof id, "room-%02d", i + 1);
        const int *cap_w = fam->small_rooms ? SMALL_CAP_W : CAP_W;
        int cap = i == 0 ? 12 : CAPS[rng_weighted(&G->rng, cap_w, 4)];
        int kind = 0;
        if (i >= 2) {
            int x = rng_int(&G->rng, 0, 99);
            kind = x < kind_at[0] ? 1 : x < kind_at[1] ? 2 : x < kind_at[2] ? 3 : 0;
        } else if (rng_pct(&G->rng, 30)) {
            kind = 3;
        }
        add_room(G, id, cap, rng_pct(&G->rng, 50), false, kind);
    }
    for (int i = 0; i < nfam && !G->oom; i++) {
        if (G->nsites > 1)
            snprintf(id, sizeof id, "%s-family-room-%d", gen_site_name(G), i + 1);
        else
            snprintf(id, sizeof id, "family-room-%d", i + 1);
        add_room(G, id, 20, true, true, 4);
    }
}

static void fac_windows(gen *G, bool specialist, bool part_time, int sat_pct, model_window *w,
                        int *k)
{
    if (G->fam->blocks) {
        gen_family_shift_windows(G, part_time, sat_pct, w, k);
        return;
    }
    /* shift pattern: 0 day, 1 late, 2 mixed */
    static const int PAT_SPEC[] = {5, 50, 45};
    static const int PAT_GEN[] = {25, 35, 40};
    int pat = rng_weighted(&G->rng, specialist ? PAT_SPEC : PAT_GEN, 3);
    int days[5] = {0, 1, 2, 3, 4};
    int nd = part_time ? rng_int(&G->rng, 3, 4) : (rng_pct(&G->rng, 75) ? 5 : 4);
    rng_shuffle(&G->rng, days, 5);
    bool on[5] = {false};
    for (int i = 0; i < nd; i++)
        on[days[i]] = true;
    *k = 0;
    for (int d = 0; d < 5; d++) {
        if (!on[d])
            continue;
        bool late = pat == 1 || (pat == 2 && rng_pct(&G->rng, 50));
        if (late)
            w[(*k)++] = (model_window){d, rng_pct(&G->rng, 50) ? HM(12, 0) : HM(13, 0),
                                       rng_pct(&G->rng, 50) ? HM(20, 30) : HM(21, 0)};
        else
            w[(*k)++] = (model_window){d, HM(8, 30), HM(17, 0)};
    }
    if (rng_pct(&G->rng, sat_pct))
        w[(*k)++] = (model_window){SAT, HM(9, 0), HM(13, 0)};
}

/* Holders needed per specialty for the site's groups. */
static void holders_needed(const gen *G, const gplan *gp, int ng, int nf, int *need)
{
    int demand[N_SPEC] = {0};
    for (int i = 0; i < ng; i++) {
        const type_spec *s = &G->types[gp[i].spec];
        for (int c = 0; c < N_SPEC; c++)
            if (s->req && strcmp(s->req, SPECIALTIES[c]) == 0)
                demand[c] += s->cofac ? 2 : 1;
    }
    for (int c = 0; c < N_SPEC; c++) {
        int per = G->fam->groups_per_holder;
        int h = (demand[c] + per - 1) / per;
        int lo = strcmp(SPECIALTIES[c], "TRAUMA") == 0 ? 3 : 2;
        if (h < lo)
            h = lo;
        if (h > nf)
            h = nf;
        if (G->fam->lone_cred && strcmp(SPECIALTIES[c], G->fam->lone_cred) == 0)
            h = 1;
        need[c] = h;
    }
}

void gen_build_facilitators(gen *G, const gplan *gp, int ng, int nf, int *name_seq)
{
    model_instance *inst = G->inst;
    G->first_fac = inst->n_facilitators;
    if (!gen_grow(G, (void **)&inst->facilitators, &G->cap_facs, inst->n_facilitators + nf,
              sizeof *inst->facilitators))
        return;
    int need[N_SPEC];
    holders_needed(G, gp, ng, nf, need);
    /* hold[i][c]: facilitator i holds specialty c */
    bool(*hold)[N_SPEC] = calloc((size_t)nf, sizeof *hold);
    int *nspec = calloc((size_t)nf, sizeof *nspec);
    long *key = calloc((size_t)nf, sizeof *key);
    int *idx = calloc((size_t)nf, sizeof *idx);
    if (!hold || !nspec || !key || !idx) {
        G->oom = true;
        goto out;
    }
    for (int c = 0; c < N_SPEC; c++) {
        for (int i = 0; i < nf; i++) {
            idx[i] = i;
            key[i] = (long)nspec[i] * 100000 + rng_int(&G->rng, 0, 99999);
        }
        /* insertion sort by key: fewest specialties first, random ties */
        for (int i = 1; i < nf; i++)
            for (int j = i; j > 0 && key[idx[j]] < key[idx[j - 1]]; j--) {
                int t = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = t;
            }
        for (int i = 0; i < need[c]; i++) {
            hold[idx[i]][c] = true;
            nspec[idx[i]]++;
        }
    }
    char tag[64];
    gen_site_tag(G, tag, sizeof tag);
    for (int i = 0; i < nf && !G->oom; i++) {
        model_facilitator *f = &inst->facilitators[inst->n_facilitators++];
        memset(f, 0, sizeof *f);
        int seq = (*name_seq)++;
        f->id = gen_fmt(G, "f%03d", seq + 1);
        int lic = rng_weighted(&G->rng, LICENSE_W, 5);
        const char *first = FIRST[rng_int(&G->rng, 0, N_FIRST - 1)];
        const char *last = LAST[rng_int(&G->rng, 0, N_LAST - 1)];
        f->name = strcmp(LICENSES[lic], "PsyD") == 0
                      ? gen_fmt(G, "Dr. %s %s, PsyD", first, last)
                      : gen_fmt(G, "%s %s, %s", first, last, LICENSES[lic]);
        gen_push(G, &f->credentials, LICENSES[lic]);
        for (int c = N_SPEC - 1; c >= 0; c--) /* CBT, SUD, FAMILY, DBT, TRAUMA order */
            if (hold[i][c])
                gen_push(G, &f->credentials, SPECIALTIES[c]);
        if (tag[0])
            gen_push(G, &f->credentials, tag);
        /* TRAUMA, DBT and FAMILY work mostly runs in the evening (and, for
         * families, on Saturday morning) */
        bool specialist = hold[i][0] || hold[i][1] || hold[i][2];
        bool part_time = rng_pct(&G->rng, 15);
        model_window w[8];
        int k;
        fac_windows(G, specialist, part_time, hold[i][2] ? 50 : 25, w, &k);
        gen_set_windows(G, &f->available, &f->n_available, w, k);
        f->max_per_day = rng_pct(&G->rng, 10) ? 3 : -1;
        f->max_per_week = part_time ? rng_int(&G->rng, 4, 6) : -1;
        int nto = rng_pct(&G->rng, 55) ? 1 : 0;
        if (rng_pct(&G->rng, 15))
            nto++;
        if (nto) {
            f->time_off = malloc((size_t)nto * sizeof *f->time_off);
            if (!f->time_off) {
                G->oom = true;
                break;
            }
            for (int t = 0; t < nto; t++) {
                int week = inst->program.horizon_start + 7 * rng_int(&G->rng, 0, 12);
                int kind = rng_int(&G->rng, 0, 9);
                model_date_range r;
                if (kind < 4) { /* one day */
                    r.from = r.to = week + rng_int(&G->rng, 0, 4);
                } else if (kind < 7) { /* two or three days */
                    r.from = week + rng_int(&G->rng, 0, 2);
                    r.to = r.from + rng_int(&G->rng, 1, 2);
                } else { /* a week's vacation */
                    r.from = week;
                    r.to = week + 4;
                }
                f->time_off[f->n_time_off++] = r;
            }
        }
    }
out:
    free(hold);
    free(nspec);
    free(key);
    free(idx);
}

/* ------------------------------------------------------------ witness */

typedef struct {
    gen *G;
    fac_load *fl; /* per site facilitator */
    room_load *rl; /* per site room */
    int nf, nr;
} witness;

static int fac_cap_day(const gen *G, int f)
{
    return model_facilitator_max_per_day(G->inst, f);
}

static int fac_cap_week(const gen *G, int f)
{
    return model_facilitator_max_per_week(G->inst, f);
}

/* May site facilitator i (inst index G->first_fac + i) lead at iv? */
static bool lead_ok(const witness *W, int i, span iv)
{
    const gen *G = W->G;
    int f = G->first_fac + i;
    const model_facilitator *fa = &G->inst->facilitators[f];
    const fac_load *l = &W->fl[i];
    if (!windows_fit(fa->available, fa->n_available, iv))
        return false;
    if (l->nlead >= 16 || l->nlead + 1 > fac_cap_week(G, f))
        return false;
    int today = 0;
    for (int k = 0; k < l->nlead; k++) {
        if (spans_overlap(l->lead[k], iv, G->min_break))
            return false;
        today += l->lead[k].day == iv.day;
    }
    if (today + 1 > fac_cap_day(G, f))
        return false;
    /* a substitute of another group at this time must stay free to lead */
    for (int k = 0; k < l->nsub; k++)
        if (spans_overlap(l->sub[k], iv, G->min_break))
            return false;
    return true;
}

static bool sub_ok(const witness *W, int i, span iv)
{
    const gen *G = W->G;
    int f = G->first_fac + i;
    const model_facilitator *fa = &G->inst->facilitators[f];
    const fac_load *l = &W->fl[i];
    if (l->nsub >= 48 || !windows_fit(fa->available, fa->n_available, iv))
        return false;
    for (int k = 0; k < l->nlead; k++)
        if (spans_overlap(l->lead[k], iv, G->min_break))
            return false;
    return true;
}

/* Best (least loaded, random ties) site facilitator holding creds for which
 * ok() holds, excluding ex0/ex1; -1 when none. */
static int pick_fac(witness *W, const model_strlist *creds, span iv, bool as_sub, int ex0, int ex1)
{
    gen *G = W->G;
    int best = -1;
    long best_key = 0;
    for (int i = 0; i < W->nf; i++) {
        if (i == ex0 || i == ex1)
            continue;
        if (!model_facilitator_holds(&G->inst->facilitators[G->first_fac + i], creds))
            continue;
        if (as_sub ? !sub_ok(W, i, iv) : !lead_ok(W, i, iv))
            continue;
        long key = (long)(as_sub ? W->fl[i].nsub : W->fl[i].nlead) * 1000 + rng_int(&G->rng, 0, 999);
        if (best < 0 || key < best_key) {
            best = i;
            best_key = key;
        }
    }
    return best;
}

/* Best-fitting free site room for type t at iv; -1 when none. */
static int pick_room(witness *W, const model_group_type *t, span iv)
{
    gen *G = W->G;
    int best = -1;
    long best_key = 0;
    for (int i = 0; i < W->nr; i++) {
        const model_room *r = &G->inst->rooms[G->first_room + i];
        if (r->capacity < t->max_size || !windows_fit(r->available, r->n_available, iv))
            continue;
        bool feats = true;
        for (int k = 0; k < t->room_features.n; k++)
            feats = feats && has_str(&r->features, t->room_features.items[k]);
        if (!feats)
            continue;
        bool busy = W->rl[i].n >= 48;
        for (int k = 0; k < W->rl[i].n && !busy; k++)
            busy = spans_overlap(W->rl[i].use[k], iv, 0);
        if (busy)
            continue;
        /* smallest sufficient room, fewest spare features */
        long key = (long)(r->capacity - t->max_size) * 100 + (r->features.n - t->room_features.n) * 10 +
                   rng_int(&G->rng, 0, 9);
        if (best < 0 || key < best_key) {
            best = i;
            best_key = key;
        }
    }
    return best;
}

static bool place_group(witness *W, gplan *g)
{
    gen *G = W->G;
    const type_spec *s = &G->types[g->spec];
    const model_group_type *t = &G->inst->types[g->type];
    bool teen = type_is_teen(s);
    int cand[7 * N_SLOTS], w[7 * N_SLOTS], nc = 0;
    for (int d = 0; d < 7; d++) {
        if (!(G->inst->program.days_mask & (1 << d)))
            continue;
        for (int k = 0; k < N_SLOTS; k++) {
            int wt = d == SAT ? (teen ? SLOT_W_TEEN_SAT : SLOT_W_ADULT_SAT)[k]
                              : (teen ? SLOT_W_TEEN : SLOT_W_ADULT)[k];
            if (wt > 0) {
                cand[nc] = d * N_SLOTS + k;
                w[nc++] = wt;
            }
        }
    }
    /* weighted order without replacement */
    while (nc > 0) {
        int j = rng_weighted(&G->rng, w, nc);
        int c = cand[j];
        cand[j] = cand[nc - 1];
        w[j] = w[nc - 1];
        nc--;
        span iv = {c / N_SLOTS, gen_slots[c % N_SLOTS], gen_slots[c % N_SLOTS] + t->duration_min};
        int room = -1;
        if (t->modality == MODEL_IN_PERSON && (room = pick_room(W, t, iv)) < 0)
            continue;
        int f1 = pick_fac(W, &t->required_credentials, iv, false, -1, -1);
        if (f1 < 0)
            continue;
        int f2 = -1;
        if (t->cofacilitation && (f2 = pick_fac(W, &t->cofacilitator_credentials, iv, false, f1, -1)) < 0)
            continue;
        int sb = pick_fac(W, &t->required_credentials, iv, true, f1, f2);
        if (sb < 0)
            continue;
        W->fl[f1].lead[W->fl[f1].nlead++] = iv;
        if (f2 >= 0)
            W->fl[f2].lead[W->fl[f2].nlead++] = iv;
        W->fl[sb].sub[W->fl[sb].nsub++] = iv;
        if (room >= 0)
            W->rl[room].use[W->rl[room].n++] = iv;
        g->day = iv.day;
        g->start = iv.s;
        g->end = iv.e;
        g->room = room >= 0 ? G->first_room + room : -1;
        g->f[0] = G->first_fac + f1;
        g->f[1] = f2 >= 0 ? G->first_fac + f2 : -1;
        g->sub = G->first_fac + sb;
        return true;
    }
    return false;
}

/* Witness schedule of the site's must-run groups: true when all placed. */
bool gen_build_witness(gen *G, gplan *gp, int ng)
{
    witness W = {G, NULL, NULL, G->inst->n_facilitators - G->first_fac, G->inst->n_rooms - G->first_room};
    W.fl = calloc((size_t)W.nf, sizeof *W.fl);
    W.rl = calloc((size_t)(W.nr ? W.nr : 1), sizeof *W.rl);
    int *order = calloc((size_t)ng, sizeof *order);
    long *key = calloc((size_t)ng, sizeof *key);
    bool ok = true;
    if (!W.fl || !W.rl || !order || !key) {
        G->oom = true;
        ok = false;
        goto out;
    }
    /* most constrained first: co-facilitated, scarce credentials, family
     * room, adolescents, then the rest; random within a class */
    for (int i = 0; i < ng; i++) {
        const type_spec *s = &G->types[gp[i].spec];
        int cls = s->cofac ? 0 : (s->req && strcmp(s->req, "DBT") == 0) ? 1 : s->feature ? 2
                  : s->age_max >= 0 ? 3 : s->req ? 4 : 5;
        order[i] = i;
        key[i] = (long)cls * 100000 + rng_int(&G->rng, 0, 99999);
    }
    for (int i = 1; i < ng; i++)
        for (int j = i; j > 0 && key[order[j]] < key[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int k = 0; k < ng && ok; k++) {
        gplan *g = &gp[order[k]];
        g->day = g->start = g->end = -1;
        g->room = g->sub = -1;
        g->f[0] = g->f[1] = -1;
        if (g->optional)
            continue;
        ok = place_group(&W, g);
    }
out:
    free(W.fl);
    free(W.rl);
    free(order);
    free(key);
    return ok;
}

