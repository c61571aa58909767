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

#include "model.h"

/* ------------------------------------------------------------- PRNG */

typedef struct {
    uint64_t s;
} rng_t;

/* splitmix64 */
static uint64_t rng_u64(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi]. */
static int rng_int(rng_t *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int)(rng_u64(r) % (uint64_t)(hi - lo + 1));
}

static bool rng_pct(rng_t *r, int pct)
{
    return rng_int(r, 0, 99) < pct;
}

static int rng_weighted(rng_t *r, const int *w, int n)
{
    int tot = 0;
    for (int i = 0; i < n; i++)
        tot += w[i];
    if (tot <= 0)
        return rng_int(r, 0, n - 1);
    int x = rng_int(r, 0, tot - 1);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

static void rng_shuffle(rng_t *r, int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = rng_int(r, 0, i);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* ---------------------------------------------------------- catalogue */

#define HM(h, m) ((h) * 60 + (m))
#define N_SLOTS 6
static const int SLOTS[N_SLOTS] = {HM(9, 0), HM(10, 45), HM(13, 0), HM(15, 0), HM(17, 0), HM(18, 45)};
#define SAT 5
/* Witness preference by slot (the waitlist is evening-heavy). */
static const int SLOT_W_ADULT[N_SLOTS] = {10, 12, 10, 6, 30, 32};
static const int SLOT_W_ADULT_SAT[N_SLOTS] = {4, 4, 0, 0, 0, 0};
static const int SLOT_W_TEEN[N_SLOTS] = {0, 0, 0, 0, 50, 40};
static const int SLOT_W_TEEN_SAT[N_SLOTS] = {30, 40, 0, 0, 0, 0};

typedef struct {
    const char *id, *shortname, *name, *cpt;
    double rate;
    int dur, min_size, max_size;
    const char *req; /* one specialty credential or NULL */
    bool cofac;
    const char *diag[7];
    const char *core_dx[3][2]; /* diagnoses of patients made for this type */
    model_modality modality;
    const char *feature;
    model_cadence cadence;
    int age_min, age_max;
    const char *gender;
    double share;
    int high, spread;
    int mix; /* relative share of the groups */
} type_spec;

static const type_spec TYPES[] = {
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
#define N_TYPES ((int)(sizeof TYPES / sizeof TYPES[0]))

/* Specialty credentials in order of scarcity. */
static const char *const SPECIALTIES[] = {"TRAUMA", "DBT", "FAMILY", "SUD", "CBT"};
#define N_SPEC 5
static const char *const LICENSES[] = {"LCSW", "LPC", "PsyD", "LMFT", "PMHNP"};
static const int LICENSE_W[] = {33, 33, 12, 12, 10};

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

static const char *const SITE_NAMES[] = {"northgate", "riverside", "lakeview", "eastside", "harbor",
                                         "midtown", "westfield", "southpark", "hillcrest", "brookline"};
#define MAX_SITES 10

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

/* ---------------------------------------------------------- context */

typedef struct {
    int day, s, e;
} span;

/* One group of a site while it is planned. */
typedef struct {
    int spec;      /* index into TYPES */
    int type;      /* index into inst->types */
    int group;     /* index into inst->groups (set when materialised) */
    bool existing; /* continues from last quarter: roster, pins */
    bool optional;
    int day, start, end;
    int room;      /* inst room index, -1 telehealth */
    int f[2];      /* inst facilitator indices, f[1] = -1 without co */
    int sub;
    int band_lo;   /* age band for max_age_spread types, else -1 */
    int *assigned; /* patient indices placed by the witness */
    int n_assigned;
} gplan;

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

typedef struct {
    model_instance *inst;
    rng_t rng;
    bool oom;
    int cap_rooms, cap_facs, cap_patients;
    int nsites;
    int site;          /* current site */
    int first_type;    /* site's types start here in inst->types */
    int first_room, first_fac;
    int min_break;
} gen;

/* ------------------------------------------------------- small helpers */

static char *gstr(gen *G, const char *s)
{
    char *c = model_strdup(s);
    if (!c)
        G->oom = true;
    return c;
}

static char *gfmt(gen *G, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *gfmt(gen *G, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return gstr(G, buf);
}

static void gpush(gen *G, model_strlist *l, const char *s)
{
    if (!G->oom && model_strlist_push(l, s) != MODEL_OK)
        G->oom = true;
}

static bool grow(gen *G, void **arr, int *cap, int need, size_t elsz)
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

static const char *site_name(const gen *G)
{
    return SITE_NAMES[G->site % MAX_SITES];
}

/* Site credential / feature ("site:<name>"), or NULL for one site. */
static void site_tag(const gen *G, char *buf, size_t n)
{
    if (G->nsites > 1)
        snprintf(buf, n, "site:%s", site_name(G));
    else
        buf[0] = '\0';
}

static bool spans_overlap(span a, span b, int brk)
{
    return a.day == b.day && a.s < b.e + brk && b.s < a.e + brk;
}

static bool windows_fit(const model_window *w, int n, span iv)
{
    return model_windows_fit(w, n, iv.day, iv.s, iv.e - iv.s);
}

static bool has_str(const model_strlist *l, const char *s)
{
    return model_strlist_find(l, s) >= 0;
}

/* ------------------------------------------------------------ program */

static void build_program(gen *G, const tier_spec *ts, unsigned long long seed)
{
    model_instance *inst = G->inst;
    model_program *p = &inst->program;
    p->name = gfmt(G, "Benchmark program \u2014 tier %s, seed %llu (%d site%s)", ts->name,
                   (unsigned long long)seed, ts->sites, ts->sites > 1 ? "s" : "");
    model_date_parse("2027-01-04", &p->horizon_start);
    p->horizon_weeks = 13;
    p->days_mask = 0x3f; /* mon..sat */
    p->slot_starts = malloc(sizeof SLOTS);
    p->closed_dates = malloc(3 * sizeof(int));
    if (!p->slot_starts || !p->closed_dates) {
        G->oom = true;
        return;
    }
    memcpy(p->slot_starts, SLOTS, sizeof SLOTS);
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
    site_tag(G, tag, sizeof tag);
    G->first_type = inst->n_types;
    for (int k = 0; k < N_TYPES && !G->oom; k++) {
        const type_spec *s = &TYPES[k];
        model_group_type *t = &inst->types[inst->n_types++];
        memset(t, 0, sizeof *t);
        if (G->nsites > 1) {
            t->id = gfmt(G, "%s_%s", s->id, site_name(G));
            t->name = gfmt(G, "%s (%s)", s->name, site_name(G));
        } else {
            t->id = gstr(G, s->id);
            t->name = gstr(G, s->name);
        }
        t->cpt = gstr(G, s->cpt);
        t->rate = s->rate;
        t->duration_min = s->dur;
        t->min_size = s->min_size;
        t->max_size = s->max_size;
        if (s->req)
            gpush(G, &t->required_credentials, s->req);
        if (tag[0])
            gpush(G, &t->required_credentials, tag);
        t->cofacilitation = s->cofac;
        if (s->cofac)
            for (int i = 0; i < t->required_credentials.n && !G->oom; i++)
                gpush(G, &t->cofacilitator_credentials, t->required_credentials.items[i]);
        for (int i = 0; s->diag[i]; i++)
            gpush(G, &t->diagnoses, s->diag[i]);
        t->modality = s->modality;
        if (s->feature)
            gpush(G, &t->room_features, s->feature);
        if (tag[0] && s->modality == MODEL_IN_PERSON)
            gpush(G, &t->room_features, tag);
        t->cadence = s->cadence;
        t->age_min = s->age_min;
        t->age_max = s->age_max;
        t->gender = s->gender ? gstr(G, s->gender) : NULL;
        t->composition.max_new_share = s->share;
        t->composition.max_high_acuity = s->high;
        t->composition.max_age_spread = s->spread;
    }
}

/* Group counts per type by largest remainder over the mix. */
static void type_counts(int n, int *cnt)
{
    int tot = 0, given = 0;
    long rem[N_TYPES];
    for (int k = 0; k < N_TYPES; k++)
        tot += TYPES[k].mix;
    for (int k = 0; k < N_TYPES; k++) {
        cnt[k] = n * TYPES[k].mix / tot;
        rem[k] = (long)n * TYPES[k].mix % tot;
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

/* ------------------------------------------------------ rooms, staff */

static void set_windows(gen *G, model_window **w, int *n, const model_window *src, int k)
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

static void add_room(gen *G, const char *id, int cap, bool accessible, bool family, int kind)
{
    model_instance *inst = G->inst;
    if (!grow(G, (void **)&inst->rooms, &G->cap_rooms, inst->n_rooms + 1, sizeof *inst->rooms))
        return;
    model_room *r = &inst->rooms[inst->n_rooms++];
    memset(r, 0, sizeof *r);
    char tag[64];
    site_tag(G, tag, sizeof tag);
    r->id = gstr(G, id);
    r->capacity = cap;
    if (family)
        gpush(G, &r->features, "family_room");
    if (accessible)
        gpush(G, &r->features, "accessible");
    if (tag[0])
        gpush(G, &r->features, tag);
    r->site = gstr(G, site_name(G));
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
    set_windows(G, &r->available, &r->n_available, w, k);
}

static void build_rooms(gen *G, const gplan *gp, int ng)
{
    int inperson = 0, family = 0;
    for (int i = 0; i < ng; i++) {
        if (TYPES[gp[i].spec].feature)
            family++;
        else if (TYPES[gp[i].spec].modality == MODEL_IN_PERSON)
            inperson++;
    }
    int nreg = (inperson + 5) / 6 + 1;
    if (nreg < 3)
        nreg = 3;
    int nfam = family ? (family + 3) / 4 : 0;
    G->first_room = G->inst->n_rooms;
    char id[64];
    static const int CAPS[] = {8, 10, 12, 16};
    static const int CAP_W[] = {8, 32, 42, 18};
    for (int i = 0; i < nreg && !G->oom; i++) {
        if (G->nsites > 1)
            snprintf(id, sizeof id, "%s-room-%02d", site_name(G), i + 1);
        else
            snprintf(id, sizeof id, "room-%02d", i + 1);
        int cap = i == 0 ? 12 : CAPS[rng_weighted(&G->rng, CAP_W, 4)];
        int kind = 0;
        if (i >= 2) {
            int x = rng_int(&G->rng, 0, 99);
            kind = x < 18 ? 1 : x < 30 ? 2 : x < 50 ? 3 : 0;
        } else if (rng_pct(&G->rng, 30)) {
            kind = 3;
        }
        add_room(G, id, cap, rng_pct(&G->rng, 50), false, kind);
    }
    for (int i = 0; i < nfam && !G->oom; i++) {
        if (G->nsites > 1)
            snprintf(id, sizeof id, "%s-family-room-%d", site_name(G), i + 1);
        else
            snprintf(id, sizeof id, "family-room-%d", i + 1);
        add_room(G, id, 20, true, true, 4);
    }
}

static void fac_windows(gen *G, bool specialist, bool part_time, int sat_pct, model_window *w,
                        int *k)
{
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
static void holders_needed(const gplan *gp, int ng, int nf, int *need)
{
    int demand[N_SPEC] = {0};
    for (int i = 0; i < ng; i++) {
        const type_spec *s = &TYPES[gp[i].spec];
        for (int c = 0; c < N_SPEC; c++)
            if (s->req && strcmp(s->req, SPECIALTIES[c]) == 0)
                demand[c] += s->cofac ? 2 : 1;
    }
    for (int c = 0; c < N_SPEC; c++) {
        int h = (demand[c] + 1) / 2;
        int lo = strcmp(SPECIALTIES[c], "TRAUMA") == 0 ? 3 : 2;
        if (h < lo)
            h = lo;
        if (h > nf)
            h = nf;
        need[c] = h;
    }
}

static void build_facilitators(gen *G, const gplan *gp, int ng, int nf, int *name_seq)
{
    model_instance *inst = G->inst;
    G->first_fac = inst->n_facilitators;
    if (!grow(G, (void **)&inst->facilitators, &G->cap_facs, inst->n_facilitators + nf,
              sizeof *inst->facilitators))
        return;
    int need[N_SPEC];
    holders_needed(gp, ng, nf, need);
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
    site_tag(G, tag, sizeof tag);
    for (int i = 0; i < nf && !G->oom; i++) {
        model_facilitator *f = &inst->facilitators[inst->n_facilitators++];
        memset(f, 0, sizeof *f);
        int seq = (*name_seq)++;
        f->id = gfmt(G, "f%03d", seq + 1);
        int lic = rng_weighted(&G->rng, LICENSE_W, 5);
        const char *first = FIRST[rng_int(&G->rng, 0, N_FIRST - 1)];
        const char *last = LAST[rng_int(&G->rng, 0, N_LAST - 1)];
        f->name = strcmp(LICENSES[lic], "PsyD") == 0
                      ? gfmt(G, "Dr. %s %s, PsyD", first, last)
                      : gfmt(G, "%s %s, %s", first, last, LICENSES[lic]);
        gpush(G, &f->credentials, LICENSES[lic]);
        for (int c = N_SPEC - 1; c >= 0; c--) /* CBT, SUD, FAMILY, DBT, TRAUMA order */
            if (hold[i][c])
                gpush(G, &f->credentials, SPECIALTIES[c]);
        if (tag[0])
            gpush(G, &f->credentials, tag);
        /* TRAUMA, DBT and FAMILY work mostly runs in the evening (and, for
         * families, on Saturday morning) */
        bool specialist = hold[i][0] || hold[i][1] || hold[i][2];
        bool part_time = rng_pct(&G->rng, 15);
        model_window w[8];
        int k;
        fac_windows(G, specialist, part_time, hold[i][2] ? 50 : 25, w, &k);
        set_windows(G, &f->available, &f->n_available, w, k);
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
    const type_spec *s = &TYPES[g->spec];
    const model_group_type *t = &G->inst->types[g->type];
    bool teen = s->age_max >= 0 && s->age_max <= 17;
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
        span iv = {c / N_SLOTS, SLOTS[c % N_SLOTS], SLOTS[c % N_SLOTS] + t->duration_min};
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
static bool build_witness(gen *G, gplan *gp, int ng)
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
        const type_spec *s = &TYPES[gp[i].spec];
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

/* ----------------------------------------------------------- patients */

static int add_patient(gen *G)
{
    model_instance *inst = G->inst;
    if (!grow(G, (void **)&inst->patients, &G->cap_patients, inst->n_patients + 1,
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
                gpush(G, &refs, inst->types[G->first_type + k].id);
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
        gpush(G, &pa->group_types, r1);
        if (r2)
            gpush(G, &pa->group_types, r2);
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
static int make_patient(gen *G, const gplan *g)
{
    model_instance *inst = G->inst;
    int start = inst->program.horizon_start;
    for (int attempt = 0; attempt < 50; attempt++) {
        int p = add_patient(G);
        if (p < 0)
            return -1;
        model_patient *pa = &inst->patients[p];
        const type_spec *s = g ? &TYPES[g->spec] : NULL;
        bool teen = s ? s->age_max >= 0 && s->age_max <= 17 : rng_pct(&G->rng, 8);
        if (s && s->spread >= 0 && g->band_lo >= 0)
            pa->age = g->band_lo + rng_int(&G->rng, 0, s->spread);
        else
            pa->age = teen ? rng_int(&G->rng, 13, 17) : adult_age(G);
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
            gpush(G, &pa->diagnoses, dx[i]);
            grief |= strncmp(dx[i], "F43.81", 6) == 0;
            tele_dx &= strncmp(dx[i], "F32", 3) == 0 || strncmp(dx[i], "F33", 3) == 0 ||
                       strncmp(dx[i], "F41", 3) == 0;
        }
        const char *gender = s && s->gender ? s->gender
                             : grief && rng_pct(&G->rng, 80) ? "female"
                                                              : pick_gender(G);
        pa->gender = gstr(G, gender);
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
                if (iv.day == SAT)
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
        set_windows(G, &pa->available, &pa->n_available, w, n);
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
    const type_spec *s = &TYPES[g->spec];
    int occ = rng_int(&G->rng, s->min_size - 1, s->max_size - 2);
    int gone = rng_int(&G->rng, 0, 2);
    int high_left = s->high < 0 ? 1 : s->high < 1 ? 0 : 1;
    int start = inst->program.horizon_start;
    for (int i = 0; i < occ + gone && !G->oom; i++) {
        int p = make_patient(G, g);
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
    if (g->room >= 0 && rng_pct(&G->rng, 30))
        pin->room = gstr(G, inst->rooms[g->room].id);
    if (rng_pct(&G->rng, 50)) {
        gpush(G, &pin->facilitators, inst->facilitators[g->f[0]].id);
        if (g->f[1] >= 0)
            gpush(G, &pin->facilitators, inst->facilitators[g->f[1]].id);
    }
    if (rng_pct(&G->rng, 10))
        pin->substitute = gstr(G, inst->facilitators[g->sub].id);
}

static int occupying(const model_group *gr)
{
    int n = 0;
    for (int i = 0; i < gr->n_members; i++)
        n += model_status_occupies(gr->members[i].status);
    return n;
}

/* ------------------------------------------------------------- a site */

static int build_site(gen *G, int ng, int nf, int nwait, int *name_seq,
                      gplan **all_plans, int *n_all)
{
    model_instance *inst = G->inst;
    int cnt[N_TYPES];
    type_counts(ng, cnt);
    build_types(G);
    if (G->oom)
        return MODEL_ENOMEM;
    gplan *gp = calloc((size_t)ng, sizeof *gp);
    if (!gp)
        return MODEL_ENOMEM;
    int k = 0;
    for (int t = 0; t < N_TYPES; t++)
        for (int i = 0; i < cnt[t]; i++, k++) {
            gp[k].spec = t;
            gp[k].type = G->first_type + t;
            gp[k].existing = rng_pct(&G->rng, 40);
            gp[k].optional = !gp[k].existing && rng_pct(&G->rng, 25);
            const type_spec *s = &TYPES[t];
            gp[k].band_lo = s->spread >= 0 ? rng_int(&G->rng, s->age_min, s->age_max - s->spread) : -1;
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
    bool placed = false;
    for (int attempt = 0; attempt < 200 && !placed && !G->oom; attempt++) {
        build_rooms(G, gp, ng);
        build_facilitators(G, gp, ng, nf, name_seq);
        if (G->oom)
            break;
        placed = build_witness(G, gp, ng);
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
            gr->id = gfmt(G, "%s-%s-%02d", site_name(G), TYPES[g->spec].shortname, per_type[g->spec]);
        else
            gr->id = gfmt(G, "%s-%02d", TYPES[g->spec].shortname, per_type[g->spec]);
        gr->type = gstr(G, inst->types[g->type].id);
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
        int need = TYPES[g->spec].min_size - occ;
        if (need <= 0)
            continue;
        int extra = rng_int(&G->rng, 0, 1);
        g->assigned = malloc((size_t)need * sizeof *g->assigned);
        if (!g->assigned) {
            G->oom = true;
            break;
        }
        for (int j = 0; j < need + extra && !G->oom; j++) {
            int p = make_patient(G, g);
            if (p < 0)
                break;
            waiting++;
            if (j < need)
                g->assigned[g->n_assigned++] = p;
        }
    }
    for (; waiting < nwait && !G->oom; waiting++)
        if (make_patient(G, NULL) < 0)
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
        sg->id = gstr(G, gr->id);
        sg->type = gstr(G, gr->type);
        sg->running = !g->optional;
        sg->day = sg->start = sg->end = -1;
        if (g->optional)
            continue;
        sg->day = g->day;
        sg->start = g->start;
        sg->end = g->end;
        sg->room = g->room >= 0 ? gstr(G, inst->rooms[g->room].id) : NULL;
        gpush(G, &sg->facilitators, inst->facilitators[g->f[0]].id);
        if (g->f[1] >= 0)
            gpush(G, &sg->facilitators, inst->facilitators[g->f[1]].id);
        sg->substitute = gstr(G, inst->facilitators[g->sub].id);
        for (int m = 0; m < gr->n_members; m++)
            if (model_status_occupies(gr->members[m].status))
                gpush(G, &sg->members, gr->members[m].patient);
        for (int m = 0; m < g->n_assigned; m++) {
            gpush(G, &sg->members, inst->patients[g->assigned[m]].id);
            gpush(G, &sg->new_members, inst->patients[g->assigned[m]].id);
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
            ss->group = gstr(G, inst->groups[g->group].id);
            ss->date = dates[k];
            ss->start = g->start;
            ss->end = g->end;
            ss->room = g->room >= 0 ? gstr(G, inst->rooms[g->room].id) : NULL;
            bool absent = false;
            for (int j = 0; j < 2; j++) {
                if (g->f[j] < 0)
                    continue;
                if (model_facilitator_off(inst, g->f[j], dates[k]))
                    absent = true;
                else
                    gpush(G, &ss->facilitators, inst->facilitators[g->f[j]].id);
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

int model_generate(const char *tier, unsigned long long seed, model_instance **out,
                   model_solution **witness)
{
    const tier_spec *ts = NULL;
    for (int i = 0; tier && i < N_TIERS; i++)
        if (strcmp(tier, TIERS[i].name) == 0)
            ts = &TIERS[i];
    if (!ts || !out)
        return MODEL_EINVAL;
    gen G;
    memset(&G, 0, sizeof G);
    G.rng.s = seed ^ 0x636f686f72743a67ULL; /* "cohort:g" */
    G.nsites = ts->sites;
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
    /* Shuffle the patients (core ones are not clustered), then name them in
     * order and point the rosters at the names. */
    int n = inst->n_patients;
    int *perm = malloc((size_t)(n ? n : 1) * sizeof *perm); /* new position -> old index */
    int *where = malloc((size_t)(n ? n : 1) * sizeof *where); /* old index -> new position */
    model_patient *np = malloc((size_t)(n ? n : 1) * sizeof *np);
    if (!perm || !where || !np) {
        free(perm);
        free(where);
        free(np);
        rc = MODEL_ENOMEM;
        goto fail;
    }
    for (int i = 0; i < n; i++)
        perm[i] = i;
    rng_shuffle(&G.rng, perm, n);
    for (int i = 0; i < n; i++) {
        np[i] = inst->patients[perm[i]];
        where[perm[i]] = i;
    }
    memcpy(inst->patients, np, (size_t)n * sizeof *np);
    free(np);
    int width = n >= 10000 ? 5 : 4;
    for (int i = 0; i < n && !G.oom; i++)
        inst->patients[i].id = gfmt(&G, "P%0*d", width, i + 1);
    for (int g = 0; g < inst->n_groups && !G.oom; g++)
        for (int m = 0; m < inst->groups[g].n_members; m++) {
            model_member *mb = &inst->groups[g].members[m];
            mb->patient = gstr(&G, inst->patients[where[mb->patient_idx]].id);
            mb->patient_idx = -1;
        }
    for (int i = 0; i < nplans; i++)
        for (int m = 0; m < plans[i].n_assigned; m++)
            plans[i].assigned[m] = where[plans[i].assigned[m]];
    free(perm);
    free(where);
    if (G.oom) {
        rc = MODEL_ENOMEM;
        goto fail;
    }
    if (witness) {
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
