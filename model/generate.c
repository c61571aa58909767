/*
 * generate.c - seeded generator of realistic, feasible group-therapy
 * programs for the benchmark tiers (S, M, L, XL).  C standard library and
 * model only.
 *
 * How an instance is built (per site):
 *  1. Groups: a realistic mix of nine group types (DBT, CBT for anxiety,
 *     depression, co-facilitated trauma, substance use, women's grief
 *     (biweekly), adolescent, 90849 multiple-family (biweekly), telehealth);
 *     about 40% continue from last quarter (roster, pinned day and start),
 *     about 25% of the new ones are optional.
 *  2. Rooms (about one per six in-person groups, plus family rooms) and
 *     facilitators.  Every specialty credential (DBT, TRAUMA, FAMILY, SUD,
 *     CBT) gets at least two holders (TRAUMA at least three: primary,
 *     co-facilitator and substitute) and about one holder per two groups
 *     needing it, so DBT and TRAUMA stay scarce but sufficient.
 *  3. A witness schedule: every must-run group gets a day and start (evening
 *     heavy), a free room, a primary (and co-facilitator) within windows,
 *     breaks and caps, and a substitute credentialed like the primary who
 *     leads nothing overlapping.  If the greedy witness fails, the site's
 *     rooms and facilitators are drawn again (deterministically).
 *  4. Patients: continuing members (fitting their group's slot, composition
 *     within limits), then for every must-run group that lacks min_size
 *     occupying members enough screened, verified, low/moderate-acuity
 *     "core" waitlisted patients who fit its witness slot, then random
 *     waitlisted patients (evening-heavy windows, realistic ICD-10 mix,
 *     some unscreened or unverified, some high acuity, referrals).
 *  The witness is a feasible plan, so every generated instance is feasible.
 *
 * Families (generate_family.c) change the structure, not the size: the
 * standard family is the above; the others change the parameters (patient
 * blocks and staff shifts, scarce credentials, optional or pinned groups,
 * adolescents, rooms) or break a feasible program in one named way.
 *
 * Files: generate.c (catalogue, program, types, groups, sites, witness
 * solution, API), generate_staff.c (rooms, facilitators, witness schedule),
 * generate_patients.c (patients), generate_family.c (families), private
 * declarations in generate_int.h.
 *
 * Sites (tier XL: 10): sites live on rooms only, so each site gets its own
 * copy of every group type (id "<type>_<site>"), whose required and
 * co-facilitator credentials include "site:<name>" and whose room features
 * include "site:<name>" (in-person).  A site's facilitators hold that
 * credential and its rooms that feature, and its patients are referred
 * (group_types) to that site's types.  A facilitator therefore only ever
 * leads or substitutes at one site and the sites are independent problems.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generate_int.h"

/* ---------------------------------------------------------- catalogue */

const int gen_slots[N_SLOTS] = {HM(9, 0), HM(10, 45), HM(13, 0), HM(15, 0), HM(17, 0), HM(18, 45)};
const type_spec gen_catalogue[N_TYPES] = {
    {"dbt_skills", "dbt", "DBT Skills Training", "90853", 68.50, 90, 5, 10, "DBT", false,
     {"F60.3", NULL}, {{"F60.3", NULL}, {"F60.3", "F43.10"}, {"F60.3", "F33.1"}},
     MODEL_IN_PERSON, NULL, MODEL_WEEKLY, 18, -1, NULL, 0.5, 3, -1, 11},
    {"cbt_anxiety", "anx", "CBT for Anxiety Disorders", "90853", 62.00, 90, 4, 10, "CBT", false,
     {"F41", "F40", NULL}, {{"F41.1", NULL}, {"F41.0", NULL}, {"F40.10", NULL}},
     MODEL_IN_PERSON, NULL, MODEL_WEEKLY, 18, -1, NULL, -1, 2, -1, 16},
    {"depression", "dep", "Depression Recovery (CBT/Behavioral Activation)", "90853", 62.00, 90, 4,
     10, NULL, false, {"F32", "F33", "F34.1", "F43.21", NULL},
     {{"F32.1", NULL}, {"F33.1", NULL}, {"F32.0", NULL}}, MODEL_IN_PERSON, NULL, MODEL_WEEKLY, 18,
     -1, NULL, 0.6, 2, -1, 17},
    {"trauma_ptsd", "trauma", "Trauma Recovery \u2014 Seeking Safety (PTSD)", "90853", 74.00, 90, 4,
     8, "TRAUMA", true, {"F43.1", NULL}, {{"F43.10", NULL}, {"F43.12", NULL}, {"F43.10", "F33.1"}},
     MODEL_IN_PERSON, NULL, MODEL_WEEKLY, 18, -1, NULL, 0.5, 2, -1, 11},
    {"sud_recovery", "sud", "Substance Use Recovery", "90853", 58.00, 90, 5, 12, "SUD", false,
     {"F10", "F11", "F12", "F14", "F15", NULL}, {{"F10.20", NULL}, {"F11.20", NULL}, {"F12.20", NULL}},
     MODEL_IN_PERSON, NULL, MODEL_WEEKLY, 18, -1, NULL, -1, 3, -1, 15},
    {"womens_grief", "grief", "Women's Grief and Loss", "90853", 60.00, 90, 4, 8, NULL, false,
     {"F43.81", "F43.20", "F43.21", NULL}, {{"F43.81", NULL}, {"F43.21", NULL}, {"F43.81", "F32.0"}},
     MODEL_IN_PERSON, NULL, MODEL_BIWEEKLY, 18, -1, "female", -1, -1, -1, 6},
    {"adolescent_coping", "teen", "Adolescent Coping Skills (13\u201317)", "90853", 60.00, 90, 4, 8,
     "CBT", false, {"F32", "F41", "F43.2", "F90", "F93", NULL},
     {{"F32.1", NULL}, {"F41.1", NULL}, {"F43.21", NULL}}, MODEL_IN_PERSON, NULL, MODEL_WEEKLY, 13,
     17, NULL, -1, 2, 3, 8},
    {"multifamily", "family", "Multiple-Family Group (adolescents and caregivers)", "90849", 85.00,
     90, 3, 8, "FAMILY", false, {"F32", "F41", "F43.2", "F90", "F91", "F93", NULL},
     {{"F90.2", "F41.1"}, {"F93.0", NULL}, {"F32.1", NULL}}, MODEL_IN_PERSON, "family_room",
     MODEL_BIWEEKLY, 13, 17, NULL, -1, -1, 4, 5},
    {"telehealth_mood", "tele", "Telehealth Mood Support", "90853", 55.00, 60, 4, 10, NULL, false,
     {"F32", "F33", "F41", NULL}, {{"F32.1", NULL}, {"F41.1", NULL}, {"F33.0", NULL}},
     MODEL_TELEHEALTH, NULL, MODEL_WEEKLY, 18, -1, NULL, -1, 2, -1, 11},
};

static const char *const SITE_NAMES[] = {"northgate", "riverside", "lakeview", "eastside", "harbor",
                                         "midtown", "westfield", "southpark", "hillcrest", "brookline"};
#define MAX_SITES 10

typedef struct {
    const char *name;
    int groups, facilitators, waitlisted, sites;
} tier_spec;

static const tier_spec TIERS[] = {
    {"S", 15, 6, 150, 1},
    {"M", 60, 24, 600, 1},
    {"L", 200, 60, 2500, 1},
    {"XL", 1000, 300, 12000, 10},
};
#define N_TIERS ((int)(sizeof TIERS / sizeof TIERS[0]))

/* ------------------------------------------------------- small helpers */

char *gen_str(gen *G, const char *s)
{
    char *c = model_strdup(s);
    if (!c)
        G->oom = true;
    return c;
}

char *gen_fmt(gen *G, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return gen_str(G, buf);
}

void gen_push(gen *G, model_strlist *l, const char *s)
{
    if (!G->oom && model_strlist_push(l, s) != MODEL_OK)
        G->oom = true;
}

bool gen_grow(gen *G, void **arr, int *cap, int need, size_t elsz)
{
    if (need <= *cap)
        return true;
    int ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *na = realloc(*arr, (size_t)ncap * elsz);
    if (!na) {
        G->oom = true;
        return false;
    }
    *arr = na;
    *cap = ncap;
    return true;
}

const char *gen_site_name(const gen *G)
{
    return SITE_NAMES[G->site % MAX_SITES];
}

/* Site credential / feature ("site:<name>"), or NULL for one site. */
void gen_site_tag(const gen *G, char *buf, size_t n)
{
    if (G->nsites > 1)
        snprintf(buf, n, "site:%s", gen_site_name(G));
    else
        buf[0] = '\0';
}

void gen_set_windows(gen *G, model_window **w, int *n, const model_window *src, int k)
{
    *w = malloc((size_t)(k ? k : 1) * sizeof **w);
    if (!*w) {
        G->oom = true;
        *n = 0;
        return;
    }
    memcpy(*w, src, (size_t)k * sizeof **w);
    *n = k;
}

/* ------------------------------------------------------------ program */

static void build_program(gen *G, const tier_spec *ts, unsigned long long seed)
{
    model_instance *inst = G->inst;
    model_program *p = &inst->program;
    if (G->fam == gen_family_find(NULL))
        p->name = gen_fmt(G, "Benchmark program \u2014 tier %s, seed %llu (%d site%s)", ts->name,
                          (unsigned long long)seed, ts->sites, ts->sites > 1 ? "s" : "");
    else
        p->name = gen_fmt(G, "Benchmark program \u2014 tier %s, family %s, seed %llu (%d site%s)",
                          ts->name, G->fam->name, (unsigned long long)seed, ts->sites,
                          ts->sites > 1 ? "s" : "");
    model_date_parse("2027-01-04", &p->horizon_start);
    p->horizon_weeks = 13;
    p->days_mask = 0x3f; /* mon..sat */
    p->slot_starts = malloc(sizeof gen_slots);
    p->closed_dates = malloc(3 * sizeof(int));
    if (!p->slot_starts || !p->closed_dates) {
        G->oom = true;
        return;
    }
    memcpy(p->slot_starts, gen_slots, sizeof gen_slots);
    p->n_slot_starts = N_SLOTS;
    model_date_parse("2027-01-18", &p->closed_dates[0]); /* Martin Luther King Jr. Day */
    model_date_parse("2027-02-15", &p->closed_dates[1]); /* Presidents' Day */
    p->n_closed_dates = 2;
    if (rng_pct(&G->rng, 50)) { /* an all-staff training day */
        int d = p->horizon_start + 7 * rng_int(&G->rng, 3, 11) + rng_int(&G->rng, 0, 4);
        if (d != p->closed_dates[0] && d != p->closed_dates[1])
            p->closed_dates[p->n_closed_dates++] = d;
    }
    inst->settings.min_break_min = 15;
    inst->settings.seed = (long)(seed & 0x7fffffffffffffffULL);
    G->min_break = 15;
}

static void build_types(gen *G)
{
    model_instance *inst = G->inst;
    char tag[64];
    gen_site_tag(G, tag, sizeof tag);
    G->first_type = inst->n_types;
    for (int k = 0; k < N_TYPES && !G->oom; k++) {
        const type_spec *s = &G->types[k];
        model_group_type *t = &inst->types[inst->n_types++];
        memset(t, 0, sizeof *t);
        if (G->nsites > 1) {
            t->id = gen_fmt(G, "%s_%s", s->id, gen_site_name(G));
            t->name = gen_fmt(G, "%s (%s)", s->name, gen_site_name(G));
        } else {
            t->id = gen_str(G, s->id);
            t->name = gen_str(G, s->name);
        }
        t->cpt = gen_str(G, s->cpt);
        t->rate = s->rate;
        t->duration_min = s->dur;
        t->min_size = s->min_size;
        t->max_size = s->max_size;
        if (s->req)
            gen_push(G, &t->required_credentials, s->req);
        if (tag[0])
            gen_push(G, &t->required_credentials, tag);
        t->cofacilitation = s->cofac;
        if (s->cofac)
            for (int i = 0; i < t->required_credentials.n && !G->oom; i++)
                gen_push(G, &t->cofacilitator_credentials, t->required_credentials.items[i]);
        for (int i = 0; s->diag[i]; i++)
            gen_push(G, &t->diagnoses, s->diag[i]);
        t->modality = s->modality;
        if (s->feature)
            gen_push(G, &t->room_features, s->feature);
        if (tag[0] && s->modality == MODEL_IN_PERSON)
            gen_push(G, &t->room_features, tag);
        t->cadence = s->cadence;
        t->age_min = s->age_min;
        t->age_max = s->age_max;
        t->gender = s->gender ? gen_str(G, s->gender) : NULL;
        t->composition.max_new_share = s->share;
        t->composition.max_high_acuity = s->high;
        t->composition.max_age_spread = s->spread;
    }
}

/* Group counts per type by largest remainder over the mix. */
static void type_counts(const gen *G, int n, int *cnt)
{
    int tot = 0, given = 0;
    long rem[N_TYPES];
    for (int k = 0; k < N_TYPES; k++)
        tot += G->types[k].mix;
    for (int k = 0; k < N_TYPES; k++) {
        cnt[k] = n * G->types[k].mix / tot;
        rem[k] = (long)n * G->types[k].mix % tot;
        given += cnt[k];
    }
    while (given < n) {
        int best = 0;
        for (int k = 1; k < N_TYPES; k++)
            if (rem[k] > rem[best])
                best = k;
        cnt[best]++;
        rem[best] = -1;
        given++;
    }
}
/* ------------------------------------------------------------- groups */

static void push_member(gen *G, model_group *gr, int patient, model_member_status st, int since)
{
    model_member *na = realloc(gr->members, (size_t)(gr->n_members + 1) * sizeof *na);
    if (!na) {
        G->oom = true;
        return;
    }
    gr->members = na;
    gr->members[gr->n_members++] = (model_member){NULL, st, since, patient};
}

/* Roster of a continuing group (its witness slot fits every member). */
static void build_roster(gen *G, gplan *g)
{
    model_instance *inst = G->inst;
    const type_spec *s = &G->types[g->spec];
    int occ = rng_int(&G->rng, s->min_size - 1, s->max_size - 2);
    int gone = rng_int(&G->rng, 0, 2);
    int high_left = s->high < 0 ? 1 : s->high < 1 ? 0 : 1;
    int start = inst->program.horizon_start;
    for (int i = 0; i < occ + gone && !G->oom; i++) {
        int p = gen_make_patient(G, g);
        if (p < 0)
            return;
        model_patient *pa = &inst->patients[p];
        model_member_status st = MODEL_ACTIVE;
        if (i >= occ) {
            st = rng_pct(&G->rng, 50) ? MODEL_GRADUATED : MODEL_DROPPED;
        } else {
            int x = rng_int(&G->rng, 0, 99);
            st = x < 8 ? MODEL_HOLD_CLINICAL : x < 14 ? MODEL_HOLD_ADMIN : MODEL_ACTIVE;
            if (high_left > 0 && rng_pct(&G->rng, 30)) {
                pa->acuity = MODEL_ACUITY_HIGH;
                high_left--;
            }
        }
        int since = start - rng_int(&G->rng, 14, 240);
        pa->added = since - rng_int(&G->rng, 10, 150);
        push_member(G, &inst->groups[g->group], p, st, since);
    }
}

static void pin_group(gen *G, gplan *g, model_group *gr)
{
    model_instance *inst = G->inst;
    model_pinned *pin = &gr->pinned;
    pin->has_day = true;
    pin->day = g->day;
    pin->has_start = true;
    pin->start = g->start;
    if (g->room >= 0 && rng_pct(&G->rng, G->fam->pin_room_pct))
        pin->room = gen_str(G, inst->rooms[g->room].id);
    if (rng_pct(&G->rng, G->fam->pin_fac_pct)) {
        gen_push(G, &pin->facilitators, inst->facilitators[g->f[0]].id);
        if (g->f[1] >= 0)
            gen_push(G, &pin->facilitators, inst->facilitators[g->f[1]].id);
    }
    if (rng_pct(&G->rng, G->fam->pin_sub_pct))
        pin->substitute = gen_str(G, inst->facilitators[g->sub].id);
}

static int occupying(const model_group *gr)
{
    int n = 0;
    for (int i = 0; i < gr->n_members; i++)
        n += model_status_occupies(gr->members[i].status);
    return n;
}

/* ------------------------------------------------------------- a site */

/* The site's ng planned groups: types by the mix, continuing and optional
 * flags as the family says.  NULL when out of memory. */
static gplan *plan_groups(gen *G, int ng)
{
    int cnt[N_TYPES];
    type_counts(G, ng, cnt);
    gplan *gp = calloc((size_t)(ng ? ng : 1), sizeof *gp);
    if (!gp)
        return NULL;
    int k = 0;
    for (int t = 0; t < N_TYPES; t++)
        for (int i = 0; i < cnt[t]; i++, k++) {
            gp[k].spec = t;
            gp[k].type = G->first_type + t;
            gp[k].existing = rng_pct(&G->rng, G->fam->existing_pct);
            gp[k].optional = !gp[k].existing && rng_pct(&G->rng, G->fam->optional_pct);
            const type_spec *s = &G->types[t];
            gp[k].band_lo =
                s->spread >= 0 ? rng_int(&G->rng, s->age_min, s->age_max - s->spread) : -1;
        }
    /* every site has continuing groups and optional offerings */
    int n_existing = 0, n_optional = 0;
    for (int i = 0; i < ng; i++) {
        n_existing += gp[i].existing;
        n_optional += gp[i].optional;
    }
    if (ng >= 4 && n_existing == 0) {
        int i = rng_int(&G->rng, 0, ng - 1);
        gp[i].existing = true;
        gp[i].optional = false;
    }
    if (ng >= 4 && n_optional == 0) {
        int i = rng_int(&G->rng, 0, ng - 1);
        for (int tries = 0; tries < ng && gp[i].existing; tries++)
            i = (i + 1) % ng;
        if (!gp[i].existing)
            gp[i].optional = true;
    }
    gen_family_plans(G, gp, ng);
    return gp;
}

static int build_site(gen *G, int ng, int nf, int nwait, int *name_seq,
                      gplan **all_plans, int *n_all)
{
    model_instance *inst = G->inst;
    build_types(G);
    if (G->oom)
        return MODEL_ENOMEM;
    gplan *gp = plan_groups(G, ng);
    if (!gp)
        return MODEL_ENOMEM;
    bool placed = false;
    for (int attempt = 0; attempt < 200 && !placed && !G->oom; attempt++) {
        gen_build_rooms(G, gp, ng);
        gen_build_facilitators(G, gp, ng, nf, name_seq);
        if (G->oom)
            break;
        placed = gen_build_witness(G, gp, ng);
        if (!placed) { /* draw the site's rooms and staff again */
            while (inst->n_rooms > G->first_room)
                model_room_free(&inst->rooms[--inst->n_rooms]);
            while (inst->n_facilitators > G->first_fac)
                model_facilitator_free(&inst->facilitators[--inst->n_facilitators]);
            *name_seq -= nf;
        }
    }
    if (G->oom || !placed) {
        free(gp);
        return G->oom ? MODEL_ENOMEM : MODEL_EINVAL;
    }
    gen_family_break(G, gp, ng);
    /* materialise groups */
    int per_type[N_TYPES] = {0};
    for (int i = 0; i < ng && !G->oom; i++) {
        gplan *g = &gp[i];
        model_group *gr = &inst->groups[inst->n_groups];
        memset(gr, 0, sizeof *gr);
        g->group = inst->n_groups++;
        gr->pinned.room_idx = gr->pinned.substitute_idx = -1;
        gr->pinned.facilitator_idx[0] = gr->pinned.facilitator_idx[1] = -1;
        gr->type_idx = -1;
        per_type[g->spec]++;
        if (G->nsites > 1)
            gr->id = gen_fmt(G, "%s-%s-%02d", gen_site_name(G), G->types[g->spec].shortname,
                             per_type[g->spec]);
        else
            gr->id = gen_fmt(G, "%s-%02d", G->types[g->spec].shortname, per_type[g->spec]);
        gr->type = gen_str(G, inst->types[g->type].id);
        gr->optional = g->optional;
        if (g->existing) {
            pin_group(G, g, gr);
            build_roster(G, g);
        }
    }
    /* core waitlisted patients: every must-run group reaches min_size */
    int waiting = 0;
    for (int i = 0; i < ng && !G->oom; i++) {
        gplan *g = &gp[i];
        if (g->optional)
            continue;
        int occ = occupying(&inst->groups[g->group]);
        int need = G->types[g->spec].min_size - occ;
        if (need <= 0)
            continue;
        int extra = rng_int(&G->rng, 0, 1);
        g->assigned = malloc((size_t)need * sizeof *g->assigned);
        if (!g->assigned) {
            G->oom = true;
            break;
        }
        for (int j = 0; j < need + extra && !G->oom; j++) {
            int p = gen_make_patient(G, g);
            if (p < 0)
                break;
            waiting++;
            if (j < need)
                g->assigned[g->n_assigned++] = p;
        }
    }
    for (; waiting < nwait && !G->oom; waiting++)
        if (gen_make_patient(G, NULL) < 0)
            break;
    /* hand the plans to the caller (the witness solution needs them) */
    gplan *na = realloc(*all_plans, (size_t)(*n_all + ng) * sizeof *na);
    if (!na) {
        for (int i = 0; i < ng; i++)
            free(gp[i].assigned);
        free(gp);
        return MODEL_ENOMEM;
    }
    memcpy(na + *n_all, gp, (size_t)ng * sizeof *gp);
    *all_plans = na;
    *n_all += ng;
    free(gp);
    if (G->oom)
        return MODEL_ENOMEM;
    return waiting == nwait ? MODEL_OK : MODEL_EINVAL;
}

/* ------------------------------------------------------- witness plan */

static int build_witness_solution(gen *G, gplan *gp, int ng, model_solution **out)
{
    model_instance *inst = G->inst;
    model_solution *sol = model_solution_create();
    if (!sol)
        return MODEL_ENOMEM;
    sol->status = MODEL_STATUS_FEASIBLE;
    sol->groups = calloc((size_t)(ng ? ng : 1), sizeof *sol->groups);
    if (!sol->groups) {
        model_solution_destroy(sol);
        return MODEL_ENOMEM;
    }
    int nsess = 0;
    for (int i = 0; i < ng; i++) {
        const gplan *g = &gp[i];
        const model_group *gr = &inst->groups[g->group];
        model_sol_group *sg = &sol->groups[sol->n_groups++];
        sg->id = gen_str(G, gr->id);
        sg->type = gen_str(G, gr->type);
        sg->running = !g->optional;
        sg->day = sg->start = sg->end = -1;
        if (g->optional)
            continue;
        sg->day = g->day;
        sg->start = g->start;
        sg->end = g->end;
        sg->room = g->room >= 0 ? gen_str(G, inst->rooms[g->room].id) : NULL;
        gen_push(G, &sg->facilitators, inst->facilitators[g->f[0]].id);
        if (g->f[1] >= 0)
            gen_push(G, &sg->facilitators, inst->facilitators[g->f[1]].id);
        sg->substitute = gen_str(G, inst->facilitators[g->sub].id);
        for (int m = 0; m < gr->n_members; m++)
            if (model_status_occupies(gr->members[m].status))
                gen_push(G, &sg->members, gr->members[m].patient);
        for (int m = 0; m < g->n_assigned; m++) {
            gen_push(G, &sg->members, inst->patients[g->assigned[m]].id);
            gen_push(G, &sg->new_members, inst->patients[g->assigned[m]].id);
        }
        nsess += model_session_dates(inst, g->day, inst->types[g->type].cadence, 0, NULL, 0);
    }
    /* Sessions as scheduled, led by the regular facilitators; where one is
     * on time off, model_solution_cover below finds a stand-in (rule 6
     * allows uncovered only when nobody can cover). */
    sol->sessions = calloc((size_t)(nsess ? nsess : 1), sizeof *sol->sessions);
    int *dates = malloc(sizeof(int) * (size_t)(inst->program.horizon_weeks + 1));
    if (!sol->sessions || !dates) {
        free(dates);
        model_solution_destroy(sol);
        return MODEL_ENOMEM;
    }
    for (int i = 0; i < ng && !G->oom; i++) {
        const gplan *g = &gp[i];
        if (g->optional)
            continue;
        int nd = model_session_dates(inst, g->day, inst->types[g->type].cadence, 0, dates,
                                     inst->program.horizon_weeks + 1);
        for (int k = 0; k < nd; k++) {
            model_sol_session *ss = &sol->sessions[sol->n_sessions++];
            ss->group = gen_str(G, inst->groups[g->group].id);
            ss->date = dates[k];
            ss->start = g->start;
            ss->end = g->end;
            ss->room = g->room >= 0 ? gen_str(G, inst->rooms[g->room].id) : NULL;
            bool absent = false;
            for (int j = 0; j < 2; j++) {
                if (g->f[j] < 0)
                    continue;
                if (model_facilitator_off(inst, g->f[j], dates[k]))
                    absent = true;
                else
                    gen_push(G, &ss->facilitators, inst->facilitators[g->f[j]].id);
            }
            if (absent)
                ss->uncovered = true;
        }
    }
    free(dates);
    if (G->oom || model_solution_cover(inst, sol) != MODEL_OK) {
        model_solution_destroy(sol);
        return MODEL_ENOMEM;
    }
    *out = sol;
    return MODEL_OK;
}

/* ------------------------------------------------------------- public */

int model_generate_tier(const char *tier, int *groups, int *facilitators, int *waitlisted,
                        int *sites)
{
    for (int i = 0; tier && i < N_TIERS; i++) {
        if (strcmp(tier, TIERS[i].name) != 0)
            continue;
        if (groups)
            *groups = TIERS[i].groups;
        if (facilitators)
            *facilitators = TIERS[i].facilitators;
        if (waitlisted)
            *waitlisted = TIERS[i].waitlisted;
        if (sites)
            *sites = TIERS[i].sites;
        return MODEL_OK;
    }
    return MODEL_EINVAL;
}

/* Shuffle the patients (core ones are not clustered), then name them in
 * order and point the rosters and the witness plans at the new places. */
static int name_patients(gen *G, gplan *plans, int nplans)
{
    model_instance *inst = G->inst;
    int n = inst->n_patients;
    int *perm = malloc((size_t)(n ? n : 1) * sizeof *perm); /* new position -> old index */
    int *where = malloc((size_t)(n ? n : 1) * sizeof *where); /* old index -> new position */
    model_patient *np = malloc((size_t)(n ? n : 1) * sizeof *np);
    if (!perm || !where || !np) {
        free(perm);
        free(where);
        free(np);
        return MODEL_ENOMEM;
    }
    for (int i = 0; i < n; i++)
        perm[i] = i;
    rng_shuffle(&G->rng, perm, n);
    for (int i = 0; i < n; i++) {
        np[i] = inst->patients[perm[i]];
        where[perm[i]] = i;
    }
    memcpy(inst->patients, np, (size_t)n * sizeof *np);
    free(np);
    int width = n >= 10000 ? 5 : 4;
    for (int i = 0; i < n && !G->oom; i++)
        inst->patients[i].id = gen_fmt(G, "P%0*d", width, i + 1);
    for (int g = 0; g < inst->n_groups && !G->oom; g++)
        for (int m = 0; m < inst->groups[g].n_members; m++) {
            model_member *mb = &inst->groups[g].members[m];
            mb->patient = gen_str(G, inst->patients[where[mb->patient_idx]].id);
            mb->patient_idx = -1;
        }
    for (int i = 0; i < nplans; i++)
        for (int m = 0; m < plans[i].n_assigned; m++)
            plans[i].assigned[m] = where[plans[i].assigned[m]];
    free(perm);
    free(where);
    return G->oom ? MODEL_ENOMEM : MODEL_OK;
}

int model_generate(const char *tier, unsigned long long seed, model_instance **out,
                   model_solution **witness)
{
    return model_generate_family(tier, NULL, seed, out, witness);
}

int model_generate_family(const char *tier, const char *family, unsigned long long seed,
                          model_instance **out, model_solution **witness)
{
    const tier_spec *ts = NULL;
    for (int i = 0; tier && i < N_TIERS; i++)
        if (strcmp(tier, TIERS[i].name) == 0)
            ts = &TIERS[i];
    const gen_family *fam = gen_family_find(family);
    if (!ts || !fam || !out)
        return MODEL_EINVAL;
    if (witness)
        *witness = NULL;
    gen G;
    memset(&G, 0, sizeof G);
    G.rng.s = seed ^ 0x636f686f72743a67ULL; /* "cohort:g" */
    G.nsites = ts->sites;
    G.fam = fam;
    gen_family_types(&G);
    G.inst = model_instance_create();
    gplan *plans = NULL;
    int nplans = 0, rc = MODEL_OK;
    if (!G.inst)
        return MODEL_ENOMEM;
    model_instance *inst = G.inst;
    build_program(&G, ts, seed);
    inst->types = calloc((size_t)N_TYPES * (size_t)ts->sites, sizeof *inst->types);
    inst->groups = calloc((size_t)ts->groups, sizeof *inst->groups);
    if (G.oom || !inst->types || !inst->groups) {
        rc = MODEL_ENOMEM;
        goto fail;
    }
    int name_seq = 0;
    for (int s = 0; s < ts->sites; s++) {
        G.site = s;
        int ng = ts->groups / ts->sites + (s < ts->groups % ts->sites);
        int nf = ts->facilitators / ts->sites + (s < ts->facilitators % ts->sites);
        int nw = ts->waitlisted / ts->sites + (s < ts->waitlisted % ts->sites);
        rc = build_site(&G, ng, nf, nw, &name_seq, &plans, &nplans);
        if (rc != MODEL_OK)
            goto fail;
    }
    rc = name_patients(&G, plans, nplans);
    if (rc != MODEL_OK)
        goto fail;
    if (witness && fam->brk == GEN_BREAK_NONE) {
        rc = build_witness_solution(&G, plans, nplans, witness);
        if (rc != MODEL_OK)
            goto fail;
    }
    for (int i = 0; i < nplans; i++)
        free(plans[i].assigned);
    free(plans);
    *out = inst;
    return MODEL_OK;
fail:
    for (int i = 0; i < nplans; i++)
        free(plans[i].assigned);
    free(plans);
    /* members still pointing at indices hold no strings: destroy is safe */
    model_instance_destroy(inst);
    return rc;
}
