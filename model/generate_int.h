/*
 * generate_int.h - private to the benchmark generator (model/generate*.c):
 * the seeded PRNG, the catalogue of group types, the structural families
 * and the state shared by the program, staff, patient and family builders.
 * Nothing here is part of the model API (see model_generate in model.h).
 */
#ifndef COHORT_GENERATE_INT_H
#define COHORT_GENERATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* ------------------------------------------------------------- PRNG */

typedef struct {
    uint64_t s;
} rng_t;

/* splitmix64 */
static inline uint64_t rng_u64(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi]. */
static inline int rng_int(rng_t *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int)(rng_u64(r) % (uint64_t)(hi - lo + 1));
}

/* True with probability pct / 100. */
static inline bool rng_pct(rng_t *r, int pct)
{
    return rng_int(r, 0, 99) < pct;
}

/* Index in [0, n) drawn with weights w (uniform when all are 0). */
static inline int rng_weighted(rng_t *r, const int *w, int n)
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

static inline void rng_shuffle(rng_t *r, int *a, int n)
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
#define SAT 5
extern const int gen_slots[N_SLOTS]; /* the program's slot_starts */

/* One group type of the catalogue (generate.c). */
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

#define N_TYPES 9
extern const type_spec gen_catalogue[N_TYPES];

/* True for a type restricted to adolescents. */
static inline bool type_is_teen(const type_spec *s)
{
    return s->age_max >= 0 && s->age_max <= 17;
}

/* ---------------------------------------------------------- families */

/* How an infeasible-by-design family breaks the program it built. */
typedef enum {
    GEN_BREAK_NONE,
    GEN_BREAK_CREDENTIAL, /* brk_what kept by one facilitator per site */
    GEN_BREAK_FEATURE     /* room feature brk_what taken from every room */
} gen_break;

/* The structural parameters of a family (generate_family.c).  The standard
 * family's values reproduce the original generator exactly. */
typedef struct gen_family {
    const char *name;
    const char *summary;     /* one line for --help */
    int existing_pct;        /* groups continuing from last quarter */
    int optional_pct;        /* new groups that are optional */
    bool exact_optional;     /* exactly optional_pct % of new groups (rounded) */
    int pin_room_pct, pin_fac_pct, pin_sub_pct; /* continuing groups' extra pins */
    bool blocks;             /* patients free in 4-5 h blocks, staff on shifts */
    int groups_per_room;     /* in-person groups per regular room ... */
    int extra_rooms;         /* ... plus this many */
    int min_rooms;           /* regular rooms at least */
    bool small_rooms;        /* small and daytime rooms are common */
    int groups_per_holder;   /* specialty demand (leads) per credential holder */
    const char *lone_cred;   /* held by exactly one facilitator per site */
    const char *forced_type; /* catalogue id: its groups are all new ... */
    bool forced_optional;    /* ... and optional (else mandatory) */
    bool adolescent;         /* teen-heavy mix, ages 12-17, age spread 4 */
    int teen_pct;            /* share of random waitlisted who are teens */
    int teen_age_min;
    gen_break brk;
    const char *brk_what;
} gen_family;

/* The family named name, or NULL (NULL name: the standard family). */
const gen_family *gen_family_find(const char *name);

/* ---------------------------------------------------------- context */

typedef struct {
    int day, s, e;
} span;

/* One group of a site while it is planned. */
typedef struct {
    int spec;      /* index into the catalogue */
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

/* Generator state. */
typedef struct {
    model_instance *inst;
    rng_t rng;
    bool oom;
    const gen_family *fam;
    type_spec types[N_TYPES]; /* the catalogue as the family adjusts it */
    int cap_rooms, cap_facs, cap_patients;
    int nsites;
    int site;       /* current site */
    int first_type; /* site's types start here in inst->types */
    int first_room, first_fac;
    int min_break;
} gen;

/* ------------------------------------------------ helpers (generate.c) */

/* Copies of strings; on allocation failure G->oom is set and NULL returned. */
char *gen_str(gen *G, const char *s);
char *gen_fmt(gen *G, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s to l (sets G->oom on failure). */
void gen_push(gen *G, model_strlist *l, const char *s);
/* Grow *arr (capacity *cap) to hold need elements of elsz bytes. */
bool gen_grow(gen *G, void **arr, int *cap, int need, size_t elsz);
/* *w := a copy of src[0..k) (sets G->oom on failure, *n = 0). */
void gen_set_windows(gen *G, model_window **w, int *n, const model_window *src, int k);
const char *gen_site_name(const gen *G);
/* Site credential / feature ("site:<name>"), or "" for one site. */
void gen_site_tag(const gen *G, char *buf, size_t n);

static inline bool spans_overlap(span a, span b, int brk)
{
    return a.day == b.day && a.s < b.e + brk && b.s < a.e + brk;
}

static inline bool windows_fit(const model_window *w, int n, span iv)
{
    return model_windows_fit(w, n, iv.day, iv.s, iv.e - iv.s);
}

/* ------------------------------------ staff and witness (generate_staff.c) */

/* The current site's rooms for its planned groups. */
void gen_build_rooms(gen *G, const gplan *gp, int ng);
/* The current site's nf facilitators (ids from *name_seq on). */
void gen_build_facilitators(gen *G, const gplan *gp, int ng, int nf, int *name_seq);
/* A witness schedule of the site's must-run groups: true when all placed. */
bool gen_build_witness(gen *G, gplan *gp, int ng);

/* ------------------------------------------ patients (generate_patients.c) */

/* A patient for group g (core: fits its witness slot) or, with g NULL, a
 * random waitlisted patient; the index, or -1 (G->oom). */
int gen_make_patient(gen *G, const gplan *g);

/* ---------------------------------------------- families (generate_family.c) */

/* G->types := the catalogue adjusted for G->fam. */
void gen_family_types(gen *G);
/* Continuing / optional flags of the site's planned groups for G->fam. */
void gen_family_plans(gen *G, gplan *gp, int ng);
/* Break the built site as an infeasible family says (nothing otherwise). */
void gen_family_break(gen *G, const gplan *gp, int ng);
/* Patient windows of the blocks family: one 4-5 h block a day. */
int gen_family_block_windows(gen *G, bool teen, model_window *w);
/* The block of the blocks family that holds the span iv. */
model_window gen_family_block_of(span iv, bool teen);
/* Facilitator windows of the blocks family: day, evening or long shifts. */
void gen_family_shift_windows(gen *G, bool part_time, int sat_pct, model_window *w, int *k);

#endif
