/*
 * fill.c - `cohort fill`: a seat opened; rank the waitlist for it, answer
 * referrals, flag groups below their minimum, and (apply) place the top
 * candidates touching nothing else in the schedule.
 *
 * Works on deep copies of the instance and the solution.  Candidate checks
 * are the SPEC's hard rules 7 and 8 for one group whose day, start, room and
 * facilitators stay as they are; ranking uses the objective's per-placement
 * value (placement + wait + priority weights).  One pass over the patients
 * per seat: O(patients + members) with an id hash, so a seat on a
 * 2,500-patient program costs well under a millisecond.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "solver.h"

#define EPS 1e-9

/* ------------------------------------------------------------ names */

static const char *const EVENT_NAMES[] = {"dropped",    "graduated", "hold_clinical",
                                          "hold_admin", "returned",  "referral"};

const char *solver_fill_event_name(solver_fill_event_kind k)
{
    return (int)k >= 0 && (int)k < 6 ? EVENT_NAMES[k] : "?";
}

int solver_fill_event_parse(const char *s)
{
    for (int i = 0; s && i < 6; i++)
        if (strcmp(s, EVENT_NAMES[i]) == 0)
            return i;
    return -1;
}

void solver_fill_event_free(solver_fill_event *e)
{
    if (!e)
        return;
    free(e->group);
    free(e->patient);
    if (e->referral) {
        model_patient_free(e->referral);
        free(e->referral);
    }
    memset(e, 0, sizeof *e);
}

void solver_fill_options_default(solver_fill_options *o)
{
    o->top_n = 5;
    o->apply = false;
    o->turnover_per_month = 0.08;
    o->hold_turnover_per_month = 0.25;
    o->grace_weeks = 4;
}

/* ------------------------------------------------------ deep copies */

static int patient_copy(model_patient *d, const model_patient *s)
{
    memset(d, 0, sizeof *d);
    *d = *s;
    d->id = NULL;
    d->diagnoses = (model_strlist){0};
    d->group_types = (model_strlist){0};
    d->available = NULL;
    d->gender = NULL;
    if ((s->id && !(d->id = model_strdup(s->id))) ||
        model_strlist_copy(&d->diagnoses, &s->diagnoses) != MODEL_OK ||
        model_strlist_copy(&d->group_types, &s->group_types) != MODEL_OK ||
        (s->gender && !(d->gender = model_strdup(s->gender))))
        goto fail;
    if (s->n_available > 0) {
        d->available = malloc((size_t)s->n_available * sizeof *d->available);
        if (!d->available)
            goto fail;
        memcpy(d->available, s->available, (size_t)s->n_available * sizeof *d->available);
    }
    return 0;
fail:
    model_patient_free(d);
    return -1;
}

static int dup_or_null(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return 0;
    *dst = model_strdup(src);
    return *dst ? 0 : -1;
}

static int metrics_copy(model_metrics *d, const model_metrics *s)
{
    memset(d, 0, sizeof *d);
    *d = *s;
    d->load_ids = NULL;
    d->load = NULL;
    d->n_load = 0;
    d->per_type = NULL;
    d->n_per_type = 0;
    if (s->n_load > 0) {
        d->load_ids = calloc((size_t)s->n_load, sizeof *d->load_ids);
        d->load = calloc((size_t)s->n_load, sizeof *d->load);
        if (!d->load_ids || !d->load)
            goto fail;
        d->n_load = s->n_load;
        for (int i = 0; i < s->n_load; i++) {
            if (dup_or_null(&d->load_ids[i], s->load_ids[i]))
                goto fail;
            d->load[i] = s->load[i];
        }
    }
    if (s->n_per_type > 0) {
        d->per_type = calloc((size_t)s->n_per_type, sizeof *d->per_type);
        if (!d->per_type)
            goto fail;
        d->n_per_type = s->n_per_type;
        for (int i = 0; i < s->n_per_type; i++) {
            d->per_type[i] = s->per_type[i];
            if (dup_or_null(&d->per_type[i].type, s->per_type[i].type))
                goto fail;
        }
    }
    return 0;
fail:
    model_metrics_free(d);
    return -1;
}

/* Deep copy of a solution; NULL on ENOMEM. */
static model_solution *solution_clone(const model_solution *s)
{
    model_solution *d = model_solution_create();
    if (!d)
        return NULL;
    d->status = s->status;
    d->objective = s->objective;
    d->bound = s->bound;
    d->gap = s->gap;
    d->solve_seconds = s->solve_seconds;
    d->terms = s->terms;
    if (s->n_groups > 0) {
        if (!(d->groups = calloc((size_t)s->n_groups, sizeof *d->groups)))
            goto fail;
        for (int i = 0; i < s->n_groups; i++) {
            const model_sol_group *a = &s->groups[i];
            model_sol_group *b = &d->groups[d->n_groups++];
            b->running = a->running;
            b->day = a->day;
            b->start = a->start;
            b->end = a->end;
            b->week_parity = a->week_parity;
            if (dup_or_null(&b->id, a->id) || dup_or_null(&b->type, a->type) ||
                dup_or_null(&b->room, a->room) || dup_or_null(&b->substitute, a->substitute) ||
                model_strlist_copy(&b->facilitators, &a->facilitators) ||
                model_strlist_copy(&b->members, &a->members) ||
                model_strlist_copy(&b->new_members, &a->new_members))
                goto fail;
        }
    }
    if (s->n_sessions > 0) {
        if (!(d->sessions = calloc((size_t)s->n_sessions, sizeof *d->sessions)))
            goto fail;
        for (int i = 0; i < s->n_sessions; i++) {
            const model_sol_session *a = &s->sessions[i];
            model_sol_session *b = &d->sessions[d->n_sessions++];
            b->date = a->date;
            b->start = a->start;
            b->end = a->end;
            b->uncovered = a->uncovered;
            if (dup_or_null(&b->group, a->group) || dup_or_null(&b->room, a->room) ||
                dup_or_null(&b->covered_by, a->covered_by) ||
                model_strlist_copy(&b->facilitators, &a->facilitators))
                goto fail;
        }
    }
    if (s->n_unplaced > 0) {
        if (!(d->unplaced = calloc((size_t)s->n_unplaced, sizeof *d->unplaced)))
            goto fail;
        for (int i = 0; i < s->n_unplaced; i++) {
            model_sol_unplaced *b = &d->unplaced[d->n_unplaced++];
            if (dup_or_null(&b->patient, s->unplaced[i].patient) ||
                model_strlist_copy(&b->reasons, &s->unplaced[i].reasons))
                goto fail;
        }
    }
    if (metrics_copy(&d->metrics, &s->metrics) ||
        model_strlist_copy(&d->diagnosis, &s->diagnosis))
        goto fail;
    for (int i = 0; i < s->errors.n_errors; i++)
        if (model_diag_error(&d->errors, s->errors.errors[i].path, "%s",
                             s->errors.errors[i].message) != MODEL_OK)
            goto fail;
    for (int i = 0; i < s->errors.n_warnings; i++)
        if (model_diag_warning(&d->errors, s->errors.warnings[i].path, "%s",
                               s->errors.warnings[i].message) != MODEL_OK)
            goto fail;
    return d;
fail:
    model_solution_destroy(d);
    return NULL;
}

/* ------------------------------------------------------- id hash map */

typedef struct pmap {
    const char **keys; /* borrowed from the instance's patients */
    int *vals;
    unsigned cap;      /* power of two */
    int n;
} pmap;

static unsigned long str_hash(const char *s)
{
    unsigned long h = 1469598103934665603UL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211UL;
    return h;
}

static int pmap_put(pmap *m, const char *key, int val);

static int pmap_grow(pmap *m)
{
    pmap n = {0};
    n.cap = m->cap ? m->cap * 2 : 64;
    n.keys = calloc(n.cap, sizeof *n.keys);
    n.vals = calloc(n.cap, sizeof *n.vals);
    if (!n.keys || !n.vals) {
        free(n.keys);
        free(n.vals);
        return -1;
    }
    for (unsigned i = 0; i < m->cap; i++)
        if (m->keys[i])
            pmap_put(&n, m->keys[i], m->vals[i]);
    free(m->keys);
    free(m->vals);
    *m = n;
    return 0;
}

/* Insert (first value wins for a duplicate key).  -1 on ENOMEM. */
static int pmap_put(pmap *m, const char *key, int val)
{
    if (!key)
        return 0;
    if ((unsigned)(m->n + 1) * 2 > m->cap && pmap_grow(m))
        return -1;
    unsigned i = (unsigned)str_hash(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0)
            return 0;
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return 0;
}

static int pmap_get(const pmap *m, const char *key)
{
    if (!key || !m->cap)
        return -1;
    unsigned i = (unsigned)str_hash(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

static void pmap_free(pmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------ working state */

typedef struct fstate {
    model_instance *inst; /* working copies (moved into the result) */
    model_solution *sol;
    const solver_fill_options *opt;
    pmap map;             /* patient id -> index */
    int cap_pat;
    int *sol_group_of;    /* per patient: solution group holding them, -1 */
    unsigned char *rostered; /* per patient: named in an instance roster */
    int *ig;              /* per solution group: instance group, -1 */
    int *ty;              /* per solution group: type, -1 */
} fstate;

static void fstate_free(fstate *s)
{
    pmap_free(&s->map);
    free(s->sol_group_of);
    free(s->rostered);
    free(s->ig);
    free(s->ty);
}

static int fstate_index_patients(fstate *s)
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
        if (pmap_put(&s->map, in->patients[p].id, p))
            return -1;
    for (int g = 0; g < in->n_groups; g++)
        for (int m = 0; m < in->groups[g].n_members; m++) {
            int p = pmap_get(&s->map, in->groups[g].members[m].patient);
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
            int p = pmap_get(&s->map, sg->members.items[m]);
            if (p >= 0 && s->sol_group_of[p] < 0)
                s->sol_group_of[p] = g;
        }
    }
    return 0;
}

/* Append a copy of patient src to the working instance.  -1 on ENOMEM. */
static int fstate_add_patient(fstate *s, const model_patient *src)
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
    if (patient_copy(&in->patients[in->n_patients], src))
        return -1;
    int p = in->n_patients++;
    /* The map borrows ids; a realloc of the patients array moved them. */
    pmap_free(&s->map);
    for (int i = 0; i < in->n_patients; i++)
        if (pmap_put(&s->map, in->patients[i].id, i))
            return -1;
    s->sol_group_of[p] = -1;
    s->rostered[p] = 0;
    return p;
}

/* ------------------------------------------------- composition stats */

typedef struct gstats {
    int size;          /* occupying members + new members */
    int n_new;
    int n_cont;        /* continuing (not new) */
    int high, high_cont;
    int age_lo, age_hi;           /* over all members with known age; -1 none */
    int cont_age_lo, cont_age_hi; /* continuing only */
} gstats;

static model_member *roster_member(model_instance *in, int ig, const char *pid);

/* Continuing = occupying member of the instance roster; new = otherwise
 * listed in new_members (the same reading as model_check). */
static void gstats_compute(const fstate *s, int sg, gstats *st)
{
    const model_sol_group *g = &s->sol->groups[sg];
    memset(st, 0, sizeof *st);
    st->age_lo = st->age_hi = st->cont_age_lo = st->cont_age_hi = -1;
    st->size = g->members.n;
    for (int m = 0; m < g->members.n; m++) {
        const model_member *mb = roster_member(s->inst, s->ig[sg], g->members.items[m]);
        bool cont = mb && model_status_occupies(mb->status);
        bool is_new = !cont;
        if (!cont && model_strlist_find(&g->new_members, g->members.items[m]) >= 0)
            st->n_new++;
        if (cont)
            st->n_cont++;
        int p = pmap_get(&s->map, g->members.items[m]);
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
static void comp_after(const fstate *s, const gstats *st, int p, int *size, double *share,
                       int *high, int *spread)
{
    const model_patient *pa = &s->inst->patients[p];
    *size = st->size + 1;
    *share = (double)(st->n_new + 1) / (double)(st->size + 1);
    *high = st->high + (pa->acuity == MODEL_ACUITY_HIGH);
    *spread = spread_with(st->age_lo, st->age_hi, pa->age);
}

enum { FIT_OK = 0, FIT_NO, FIT_FULL, FIT_NEW_SHARE, FIT_HIGH, FIT_AGE };

static bool modality_fits(model_modality patient, model_modality group)
{
    if (patient == MODEL_EITHER)
        return true;
    return patient == group;
}

/* Rule 7 for patient p and running solution group sg (not counting the
 * "placed once" and waitlist parts).  check_flags = false skips screening
 * and insurance (used to estimate a referral's wait). */
static bool fits_rule7(const fstate *s, int p, int sg, bool check_flags)
{
    const model_patient *pa = &s->inst->patients[p];
    const model_sol_group *g = &s->sol->groups[sg];
    int t = s->ty[sg];
    if (t < 0 || !g->running || g->day < 0 || g->start < 0)
        return false;
    const model_group_type *ty = &s->inst->types[t];
    if (check_flags && (!pa->screened || !pa->insurance_verified))
        return false;
    if (!modality_fits(pa->modality, ty->modality))
        return false;
    if (ty->age_min >= 0 && (pa->age < 0 || pa->age < ty->age_min))
        return false;
    if (ty->age_max >= 0 && (pa->age < 0 || pa->age > ty->age_max))
        return false;
    if (ty->gender && (!pa->gender || strcasecmp(pa->gender, ty->gender) != 0))
        return false;
    int dur = ty->duration_min; /* the group's time: start .. start + duration */
    if (!model_windows_fit(pa->available, pa->n_available, g->day, g->start, dur))
        return false;
    return model_patient_type_match(s->inst, p, t);
}

/* Rule 8 for one more (new) member p in sg. */
static int fits_rule8(const fstate *s, int p, int sg, const gstats *st)
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

static bool available_for_placement(const fstate *s, int p)
{
    return !s->rostered[p] && s->sol_group_of[p] < 0;
}

static double placement_value(const model_instance *in, int p)
{
    const model_patient *pa = &in->patients[p];
    const model_weights *w = &in->settings.weights;
    double weeks = 0.0;
    if (pa->added >= 0 && in->program.horizon_start > pa->added)
        weeks = (double)(in->program.horizon_start - pa->added) / 7.0;
    return w->placement + w->wait_per_week * weeks + w->priority * (double)pa->priority;
}

/* ------------------------------------------------------ explanations */

/* Append a formatted line: MODEL_OK or MODEL_ENOMEM. */
#define push_fmt(l, ...) model_strlist_pushf((l), false, __VA_ARGS__)

static void fmt_time_range(int a, int b, char out[12])
{
    char x[6], y[6];
    model_time_format(a, x);
    model_time_format(b, y);
    snprintf(out, 12, "%s-%s", x, y);
}

/* Why p fits group sg: type, window, modality, restrictions, flags. */
static int explain_fit(const fstate *s, int p, int sg, model_strlist *why)
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
    fmt_time_range(g->start, g->start + dur, gr);
    for (int i = 0; i < pa->n_available; i++) {
        const model_window *w = &pa->available[i];
        if (w->day == g->day && g->start >= w->from && g->start + dur <= w->to) {
            fmt_time_range(w->from, w->to, wr);
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

/* ------------------------------------------------------ seat ranking */

typedef struct cand {
    int p;
    double value;
    int added;      /* -1 absent */
    const char *id; /* borrowed */
} cand;

/* Best first: value, then earlier added, then id (no global state: the
 * server may run fills in several threads). */
static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->value > y->value + EPS)
        return -1;
    if (y->value > x->value + EPS)
        return 1;
    int ax = x->added < 0 ? 1 << 30 : x->added, ay = y->added < 0 ? 1 << 30 : y->added;
    if (ax != ay)
        return ax < ay ? -1 : 1;
    return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

static void candidate_free(solver_fill_candidate *c)
{
    free(c->patient);
    model_strlist_free(&c->why);
}

/* Rank the waitlist for one more seat in sg; fills seat (candidates, counts).
 * Returns the best patient index, -1 when none, -2 on ENOMEM. */
static int rank_seat(fstate *s, int sg, int ref_date, solver_fill_seat *seat)
{
    const model_instance *in = s->inst;
    gstats st;
    gstats_compute(s, sg, &st);
    cand *cs = malloc((size_t)(in->n_patients + 1) * sizeof *cs);
    if (!cs)
        return -2;
    int n = 0;
    for (int p = 0; p < in->n_patients; p++) {
        if (!available_for_placement(s, p) || !fits_rule7(s, p, sg, true))
            continue;
        switch (fits_rule8(s, p, sg, &st)) {
        case FIT_OK:
            cs[n].p = p;
            cs[n].value = placement_value(in, p);
            cs[n].added = in->patients[p].added;
            cs[n].id = in->patients[p].id;
            n++;
            break;
        case FIT_NEW_SHARE: seat->excluded_new_share++; break;
        case FIT_HIGH: seat->excluded_high_acuity++; break;
        case FIT_AGE: seat->excluded_age_spread++; break;
        default: break;
        }
    }
    seat->n_eligible = n;
    qsort(cs, (size_t)n, sizeof *cs, cand_cmp);
    int k = n < s->opt->top_n ? n : s->opt->top_n;
    if (k > 0) {
        seat->candidates = calloc((size_t)k, sizeof *seat->candidates);
        if (!seat->candidates) {
            free(cs);
            return -2;
        }
    }
    for (int i = 0; i < k; i++) {
        solver_fill_candidate *c = &seat->candidates[i];
        const model_patient *pa = &in->patients[cs[i].p];
        seat->n_candidates++;
        c->value = cs[i].value;
        c->added = pa->added;
        c->priority = pa->priority;
        c->wait_days = pa->added >= 0 && ref_date >= pa->added ? ref_date - pa->added : -1;
        comp_after(s, &st, cs[i].p, &c->size_after, &c->new_share_after, &c->high_acuity_after,
                   &c->age_spread_after);
        if (!(c->patient = model_strdup(pa->id)) || explain_fit(s, cs[i].p, sg, &c->why)) {
            free(cs);
            return -2;
        }
    }
    int best = n > 0 ? cs[0].p : -1;
    free(cs);
    return best;
}

/* Place p into solution group sg as a new member. */
static int place(fstate *s, int p, int sg)
{
    model_sol_group *g = &s->sol->groups[sg];
    const char *id = s->inst->patients[p].id;
    if (model_strlist_push(&g->members, id) != MODEL_OK)
        return -1;
    if (model_strlist_push(&g->new_members, id) != MODEL_OK) {
        free(g->members.items[--g->members.n]);
        return -1;
    }
    s->sol_group_of[p] = sg;
    return 0;
}

static void unplace(fstate *s, int p, int sg)
{
    model_sol_group *g = &s->sol->groups[sg];
    model_strlist_remove(&g->members, s->inst->patients[p].id);
    model_strlist_remove(&g->new_members, s->inst->patients[p].id);
    s->sol_group_of[p] = -1;
}

/* ------------------------------------------------------------ events */

static int find_sol_group(const model_solution *sol, const char *id)
{
    for (int g = 0; id && g < sol->n_groups; g++)
        if (sol->groups[g].id && strcmp(sol->groups[g].id, id) == 0)
            return g;
    return -1;
}

static model_member *roster_member(model_instance *in, int ig, const char *pid)
{
    if (ig < 0)
        return NULL;
    model_group *g = &in->groups[ig];
    for (int m = 0; m < g->n_members; m++)
        if (g->members[m].patient && strcmp(g->members[m].patient, pid) == 0)
            return &g->members[m];
    return NULL;
}

static int roster_append(model_instance *in, int ig, const char *pid, int p,
                         model_member_status st, int since)
{
    model_group *g = &in->groups[ig];
    model_member *nm = realloc(g->members, (size_t)(g->n_members + 1) * sizeof *nm);
    if (!nm)
        return -1;
    g->members = nm;
    model_member *m = &g->members[g->n_members];
    if (!(m->patient = model_strdup(pid)))
        return -1;
    m->status = st;
    m->since = since;
    m->patient_idx = p;
    g->n_members++;
    return 0;
}

/* Index of the first session date of sg on or after date; -1 none. */
static int next_session(const fstate *s, int sg, int date)
{
    const model_sol_group *g = &s->sol->groups[sg];
    int best = -1;
    for (int i = 0; i < s->sol->n_sessions; i++) {
        const model_sol_session *x = &s->sol->sessions[i];
        if (x->group && g->id && strcmp(x->group, g->id) == 0 && x->date >= date &&
            (best < 0 || x->date < best))
            best = x->date;
    }
    return best;
}

static int last_session(const fstate *s, int sg)
{
    const model_sol_group *g = &s->sol->groups[sg];
    int best = -1;
    for (int i = 0; i < s->sol->n_sessions; i++) {
        const model_sol_session *x = &s->sol->sessions[i];
        if (x->group && g->id && strcmp(x->group, g->id) == 0 && x->date > best)
            best = x->date;
    }
    return best;
}

/* ------------------------------------------------------------ result */

static void seat_free(solver_fill_seat *x)
{
    free(x->group);
    for (int i = 0; i < x->n_candidates; i++)
        candidate_free(&x->candidates[i]);
    free(x->candidates);
    free(x->placed);
}

static void referral_free(solver_fill_referral *r)
{
    free(r->patient);
    model_strlist_free(&r->notes);
    for (int i = 0; i < r->n_groups; i++) {
        free(r->groups[i].group);
        model_strlist_free(&r->groups[i].why);
    }
    free(r->groups);
    model_strlist_free(&r->estimate);
    free(r->placed);
}

void solver_fill_result_destroy(solver_fill_result *r)
{
    if (!r)
        return;
    model_instance_destroy(r->instance);
    model_solution_destroy(r->solution);
    model_strlist_free(&r->event_notes);
    for (int i = 0; i < r->n_seats; i++)
        seat_free(&r->seats[i]);
    free(r->seats);
    for (int i = 0; i < r->n_referrals; i++)
        referral_free(&r->referrals[i]);
    free(r->referrals);
    for (int i = 0; i < r->n_under_min; i++) {
        free(r->under_min[i].group);
        model_strlist_free(&r->under_min[i].merge_into);
        model_strlist_free(&r->under_min[i].options);
    }
    free(r->under_min);
    free(r);
}

/* ---------------------------------------------------------- referrals */

typedef struct gopt {
    int sg;
    int under_min;
    int next;
} gopt;

static int gopt_cmp(const void *a, const void *b)
{
    const gopt *x = a, *y = b;
    if (x->under_min != y->under_min)
        return y->under_min - x->under_min;
    int nx = x->next < 0 ? 1 << 30 : x->next, ny = y->next < 0 ? 1 << 30 : y->next;
    if (nx != ny)
        return nx < ny ? -1 : 1;
    return x->sg - y->sg;
}

/* Held / active counts of a solution group from the instance roster (new
 * members count as active). */
static void member_counts(const fstate *s, int sg, int *active, int *held)
{
    const model_sol_group *g = &s->sol->groups[sg];
    *active = *held = 0;
    for (int m = 0; m < g->members.n; m++) {
        model_member *mb = roster_member(s->inst, s->ig[sg], g->members.items[m]);
        if (mb && (mb->status == MODEL_HOLD_CLINICAL || mb->status == MODEL_HOLD_ADMIN))
            (*held)++;
        else
            (*active)++;
    }
}

static int estimate_wait(fstate *s, int p, int ref_date, solver_fill_referral *r)
{
    const model_instance *in = s->inst;
    const solver_fill_options *o = s->opt;
    int active = 0, held = 0, n_fit = 0;
    char names[256] = "";
    size_t used = 0;
    bool *fit = calloc((size_t)s->sol->n_groups + 1, sizeof *fit);
    if (!fit)
        return -1;
    for (int g = 0; g < s->sol->n_groups; g++) {
        if (!fits_rule7(s, p, g, false))
            continue;
        fit[g] = true;
        n_fit++;
        int a, h;
        member_counts(s, g, &a, &h);
        active += a;
        held += h;
        if (used < sizeof names - 40) {
            int k = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                             s->sol->groups[g].id);
            if (k > 0)
                used += (size_t)k;
        }
    }
    int rc = 0;
    if (n_fit == 0) {
        r->expected_wait_days = -1;
        rc = push_fmt(&r->estimate,
                      "no running group of a type they are referred to (or whose diagnoses "
                      "match) meets inside their windows with their modality and age/gender: "
                      "no seat can open for them before a new group is planned");
        free(fit);
        return rc;
    }
    /* Patients ahead: waitlisted, screened and verified, fitting one of the
     * same groups, with a higher placement value. */
    double v = placement_value(in, p);
    int ahead = 0;
    for (int q = 0; q < in->n_patients; q++) {
        if (q == p || !available_for_placement(s, q))
            continue;
        if (placement_value(in, q) <= v + EPS)
            continue;
        for (int g = 0; g < s->sol->n_groups; g++)
            if (fit[g] && fits_rule7(s, q, g, true)) {
                ahead++;
                break;
            }
    }
    free(fit);
    double per_month = o->turnover_per_month * active + o->hold_turnover_per_month * held;
    rc |= push_fmt(&r->estimate, "groups that fit them (type, window, modality, age/gender): %s",
                   names);
    rc |= push_fmt(&r->estimate,
                   "those groups have %d active and %d held members; at %.0f%%/month turnover "
                   "for active and %.0f%%/month for held members, about %.2f seats open per month",
                   active, held, 100.0 * o->turnover_per_month,
                   100.0 * o->hold_turnover_per_month, per_month);
    rc |= push_fmt(&r->estimate,
                   "%d waitlisted patients who fit the same groups rank ahead of them "
                   "(higher placement value)", ahead);
    if (per_month <= EPS) {
        r->expected_wait_days = -1;
        rc |= push_fmt(&r->estimate, "no members to turn over: no estimate");
    } else {
        double months = (ahead + 1) / per_month;
        r->expected_wait_days = months * 30.44;
        rc |= push_fmt(&r->estimate, "expected wait = (%d + 1) / %.2f = %.1f months = about %.0f days from %s",
                       ahead, per_month, months, r->expected_wait_days, "the referral");
    }
    (void)ref_date;
    return rc ? -1 : 0;
}

static int answer_referral(fstate *s, int p, int ev, int ref_date, solver_fill_referral *r)
{
    const model_patient *pa = &s->inst->patients[p];
    r->event = ev;
    if (!(r->patient = model_strdup(pa->id)))
        return -1;
    r->expected_wait_days = -1;
    if (!pa->screened && push_fmt(&r->notes, "not screened yet: cannot be placed until screened"))
        return -1;
    if (!pa->insurance_verified &&
        push_fmt(&r->notes, "insurance not verified: cannot be placed until verified"))
        return -1;
    if (s->sol_group_of[p] >= 0) {
        /* Took an opened seat as its top candidate. */
        if (push_fmt(&r->notes, "top candidate for the seat opened in %s",
                     s->sol->groups[s->sol_group_of[p]].id))
            return -1;
        return dup_or_null(&r->placed, s->sol->groups[s->sol_group_of[p]].id);
    }
    gopt *os = malloc((size_t)(s->sol->n_groups + 1) * sizeof *os);
    if (!os)
        return -1;
    int n = 0;
    for (int g = 0; g < s->sol->n_groups; g++) {
        if (!fits_rule7(s, p, g, false)) /* flags noted above; the seat would fit */
            continue;
        gstats st;
        gstats_compute(s, g, &st);
        if (fits_rule8(s, p, g, &st) != FIT_OK)
            continue;
        os[n].sg = g;
        os[n].under_min = st.size < s->inst->types[s->ty[g]].min_size;
        os[n].next = next_session(s, g, ref_date);
        n++;
    }
    qsort(os, (size_t)n, sizeof *os, gopt_cmp);
    int rc = 0;
    if (n > 0 && !(r->groups = calloc((size_t)n, sizeof *r->groups)))
        rc = -1;
    for (int i = 0; rc == 0 && i < n; i++) {
        solver_fill_option *o = &r->groups[r->n_groups++];
        int g = os[i].sg;
        gstats st;
        gstats_compute(s, g, &st);
        o->free_seats = s->inst->types[s->ty[g]].max_size - st.size;
        comp_after(s, &st, p, &o->size_after, &o->new_share_after, &o->high_acuity_after,
                   &o->age_spread_after);
        if (!(o->group = model_strdup(s->sol->groups[g].id)) || explain_fit(s, p, g, &o->why))
            rc = -1;
        else if (os[i].under_min &&
                 push_fmt(&o->why, "below its minimum of %d: joining helps it run",
                          s->inst->types[s->ty[g]].min_size))
            rc = -1;
        else if (os[i].next >= 0) {
            char d[11];
            model_date_format(os[i].next, d);
            if (push_fmt(&o->why, "next session %s", d))
                rc = -1;
        }
    }
    if (rc == 0 && n == 0)
        rc = estimate_wait(s, p, ref_date, r);
    if (rc == 0 && n > 0 && s->opt->apply && pa->screened && pa->insurance_verified) {
        if (place(s, p, os[0].sg) || dup_or_null(&r->placed, s->sol->groups[os[0].sg].id))
            rc = -1;
    }
    free(os);
    return rc;
}

/* ---------------------------------------------------- below minimum */

/* Part one, right after the events (before any seat is filled): the size,
 * the merge options and the run-under-minimum date. */
static int undermin_prepare(fstate *s, int sg, int ref_date, solver_fill_undermin *u)
{
    const model_instance *in = s->inst;
    const model_sol_group *g = &s->sol->groups[sg];
    const model_group_type *ty = &in->types[s->ty[sg]];
    u->size = g->members.n;
    u->min_size = ty->min_size;
    if (!(u->group = model_strdup(g->id)))
        return -1;
    /* Merge: same-type running groups whose time fits every member and
     * whose composition limits hold after it (the moved members are new
     * placements there, as model_check counts them). */
    for (int h = 0; h < s->sol->n_groups; h++) {
        const model_sol_group *gh = &s->sol->groups[h];
        if (h == sg || !gh->running || s->ty[h] != s->ty[sg])
            continue;
        int combined = gh->members.n + g->members.n;
        if (combined > ty->max_size)
            continue;
        bool ok = true;
        int high = 0, lo = -1, hi = -1;
        for (int side = 0; side < 2 && ok; side++) {
            const model_sol_group *x = side ? gh : g;
            for (int m = 0; m < x->members.n && ok; m++) {
                int p = pmap_get(&s->map, x->members.items[m]);
                if (p < 0)
                    continue;
                const model_patient *pa = &in->patients[p];
                if (side == 0 &&
                    !model_windows_fit(pa->available, pa->n_available, gh->day, gh->start,
                                       gh->end - gh->start))
                    ok = false;
                if (side == 0 && !modality_fits(pa->modality, ty->modality))
                    ok = false;
                high += pa->acuity == MODEL_ACUITY_HIGH;
                if (pa->age >= 0) {
                    if (lo < 0 || pa->age < lo)
                        lo = pa->age;
                    if (pa->age > hi)
                        hi = pa->age;
                }
            }
        }
        if (!ok)
            continue;
        if (ty->composition.max_high_acuity >= 0 && high > ty->composition.max_high_acuity)
            continue;
        if (ty->composition.max_age_spread >= 0 && lo >= 0 &&
            hi - lo > ty->composition.max_age_spread)
            continue;
        int nnew = g->members.n;
        for (int m = 0; m < gh->members.n; m++)
            nnew += model_strlist_find(&gh->new_members, gh->members.items[m]) >= 0;
        if (model_new_share_exceeded(&ty->composition, nnew, combined - nnew, combined))
            continue;
        char tr[12];
        fmt_time_range(gh->start, gh->end, tr);
        if (model_strlist_push(&u->merge_into, gh->id) != MODEL_OK ||
            push_fmt(&u->options,
                     "merge into %s (%s %s): %d + %d = %d of %d seats; every member's windows "
                     "fit its time; composition limits hold",
                     gh->id, model_day_name(gh->day), tr, g->members.n, gh->members.n, combined,
                     ty->max_size))
            return -1;
    }
    if (u->merge_into.n == 0 &&
        push_fmt(&u->options, "merge: no running %s group has room, a time that fits every "
                              "member's windows and composition limits that hold after it",
                 ty->id))
        return -1;
    int until = ref_date + 7 * s->opt->grace_weeks;
    int last = last_session(s, sg);
    if (last >= 0 && until > last)
        until = last;
    u->run_until = until;
    char d[11];
    model_date_format(until, d);
    if (push_fmt(&u->options,
                 "run under minimum until %s (%d-week grace after the event, at most to the "
                 "last session), then review%s",
                 d, s->opt->grace_weeks,
                 u->size < 2 ? "; below the billing minimum of 2 it cannot bill as a group" : ""))
        return -1;
    return 0;
}

/* Part two, after the seats were filled: what filling achieves (the first
 * option). */
static int undermin_finish(fstate *s, int sg, solver_fill_undermin *u)
{
    const model_instance *in = s->inst;
    const model_group_type *ty = &in->types[s->ty[sg]];
    gstats st;
    gstats_compute(s, sg, &st);
    u->size_after_fill = st.size;
    for (int p = 0; p < in->n_patients; p++)
        if (available_for_placement(s, p) && fits_rule7(s, p, sg, true) &&
            fits_rule8(s, p, sg, &st) == FIT_OK)
            u->eligible++;
    int need = ty->min_size - st.size;
    int rc;
    if (need <= 0)
        rc = push_fmt(&u->options,
                      "fill from the waitlist: placing the top candidates of its opened seats "
                      "brings it to %d members (minimum %d)", st.size, ty->min_size);
    else
        rc = push_fmt(&u->options,
                      "fill from the waitlist: %d more member%s needed after the opened seats are "
                      "filled; %d more waitlisted patient%s fit it now%s",
                      need, need == 1 ? "" : "s", u->eligible, u->eligible == 1 ? "" : "s",
                      u->eligible >= need ? "" : " (not enough: filling alone cannot restore it)");
    if (rc)
        return -1;
    /* The fill option goes first. */
    char *last = u->options.items[u->options.n - 1];
    memmove(&u->options.items[1], &u->options.items[0],
            (size_t)(u->options.n - 1) * sizeof *u->options.items);
    u->options.items[0] = last;
    return 0;
}

/* ------------------------------------------------ metrics, objective */

/* Metrics and objective terms by the shared definition (model/metrics.c);
 * the changes term is kept as the solution reported it. */
static int recompute_metrics(const fstate *s)
{
    model_metrics m;
    model_objective_terms t;
    if (model_metrics_compute(s->inst, s->sol, &m) != MODEL_OK)
        return -1;
    if (model_objective_terms_compute(s->inst, s->sol, NULL, &t) != MODEL_OK) {
        model_metrics_free(&m);
        return -1;
    }
    model_metrics_free(&s->sol->metrics);
    s->sol->metrics = m;
    t.changes = s->sol->terms.changes;
    s->sol->terms = t;
    s->sol->objective = model_objective_total(&t);
    return 0;
}

/* Keep unplaced[] true to the roster: drop entries of placed or departed
 * patients, add one for an unplaced referral. */
static int refresh_unplaced(fstate *s, const solver_fill_result *r)
{
    model_solution *sol = s->sol;
    int k = 0;
    for (int i = 0; i < sol->n_unplaced; i++) {
        int p = pmap_get(&s->map, sol->unplaced[i].patient);
        if (p >= 0 && !available_for_placement(s, p)) {
            free(sol->unplaced[i].patient);
            model_strlist_free(&sol->unplaced[i].reasons);
            continue;
        }
        sol->unplaced[k++] = sol->unplaced[i];
    }
    sol->n_unplaced = k;
    for (int i = 0; i < r->n_referrals; i++) {
        const solver_fill_referral *rf = &r->referrals[i];
        int p = pmap_get(&s->map, rf->patient);
        if (p < 0 || !available_for_placement(s, p))
            continue;
        model_sol_unplaced *nu = realloc(sol->unplaced, (size_t)(sol->n_unplaced + 1) * sizeof *nu);
        if (!nu)
            return -1;
        sol->unplaced = nu;
        model_sol_unplaced *u = &sol->unplaced[sol->n_unplaced];
        memset(u, 0, sizeof *u);
        if (!(u->patient = model_strdup(rf->patient)))
            return -1;
        sol->n_unplaced++;
        for (int j = 0; j < rf->notes.n; j++)
            if (model_strlist_push(&u->reasons, rf->notes.items[j]) != MODEL_OK)
                return -1;
        if (rf->n_groups == 0 &&
            push_fmt(&u->reasons, "referred after the plan: no running group with a free seat "
                                  "fits them%s",
                     rf->expected_wait_days >= 0 ? " (expected wait in the fill report)" : ""))
            return -1;
        else if (rf->n_groups > 0 &&
                 push_fmt(&u->reasons, "referred after the plan: %s has a free seat that fits",
                          rf->groups[0].group))
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- run */

typedef struct pending_seat {
    int sg, ev;
} pending_seat;

int solver_fill_run(const model_instance *inst, const model_solution *sol,
                    const solver_fill_event *events, int n_events,
                    const solver_fill_options *opt, solver_fill_result **out, model_diag *d)
{
    solver_fill_options defopt;
    if (!opt) {
        solver_fill_options_default(&defopt);
        opt = &defopt;
    }
    if (!inst || !sol || !out || n_events < 0 || (n_events > 0 && !events) || opt->top_n < 0)
        return SOLVER_EINVAL;
    int rc = SOLVER_ENOMEM, errors_before = d ? d->n_errors : 0, bad = 0;
    fstate s = {0};
    s.opt = opt;
    solver_fill_result *r = calloc(1, sizeof *r);
    pending_seat *seats = calloc((size_t)n_events + 1, sizeof *seats);
    int *refs = calloc((size_t)n_events + 1, sizeof *refs);
    int *ref_ev = calloc((size_t)n_events + 1, sizeof *ref_ev);
    int *touched = NULL, *touched_size = NULL, n_touched = 0;
    int *placed_p = NULL, *placed_g = NULL, n_placed = 0;
    int n_seats = 0, n_refs = 0;
    if (!r || !seats || !refs || !ref_ev)
        goto done;
    s.inst = model_instance_clone(inst);
    s.sol = solution_clone(sol);
    if (!s.inst || !s.sol || fstate_index_patients(&s))
        goto done;
    touched = calloc((size_t)n_events + 1, sizeof *touched);
    touched_size = calloc((size_t)n_events + 1, sizeof *touched_size);
    placed_p = calloc((size_t)n_events + 1, sizeof *placed_p);
    placed_g = calloc((size_t)n_events + 1, sizeof *placed_g);
    if (!touched || !touched_size || !placed_p || !placed_g)
        goto done;

    /* 1. Apply the events to the rosters. */
    for (int i = 0; i < n_events; i++) {
        const solver_fill_event *e = &events[i];
        char path[64];
        int date = e->date >= 0 ? e->date : s.inst->program.horizon_start;
        char ds[11];
        model_date_format(date, ds);
        if (e->kind == SOLVER_FILL_REFERRAL) {
            snprintf(path, sizeof path, "events[%d].patient", i);
            if (!e->referral || !e->referral->id) {
                bad = 1;
                if (d && model_diag_error(d, path, "a referral needs a patient object with an id"))
                    goto done;
                continue;
            }
            if (pmap_get(&s.map, e->referral->id) >= 0) {
                bad = 1;
                if (d && model_diag_error(d, path, "patient '%s' already exists; a referral adds "
                                                   "a new patient", e->referral->id))
                    goto done;
                continue;
            }
            model_patient tmp = *e->referral;
            if (tmp.added < 0)
                tmp.added = date; /* on the waitlist from the referral date */
            int p = fstate_add_patient(&s, &tmp);
            if (p < 0)
                goto done;
            refs[n_refs] = p;
            ref_ev[n_refs++] = i;
            if (push_fmt(&r->event_notes, "%s: referral of %s joins the waitlist", ds,
                         e->referral->id))
                goto done;
            continue;
        }
        snprintf(path, sizeof path, "events[%d].patient", i);
        int p = pmap_get(&s.map, e->patient);
        if (!e->patient || p < 0) {
            bad = 1;
            if (d && model_diag_error(d, path, e->patient ? "unknown patient '%s'" : "missing%s",
                                      e->patient ? e->patient : ""))
                goto done;
            continue;
        }
        int sg;
        if (e->group) {
            sg = find_sol_group(s.sol, e->group);
            snprintf(path, sizeof path, "events[%d].group", i);
            if (sg < 0) {
                bad = 1;
                if (d && model_diag_error(d, path, "unknown group '%s'", e->group))
                    goto done;
                continue;
            }
            if (model_strlist_find(&s.sol->groups[sg].members, e->patient) < 0 &&
                !(e->kind == SOLVER_FILL_RETURNED && roster_member(s.inst, s.ig[sg], e->patient))) {
                bad = 1;
                if (d && model_diag_error(d, path, "patient '%s' is not a member of group '%s'",
                                          e->patient, e->group))
                    goto done;
                continue;
            }
        } else {
            sg = s.sol_group_of[p];
            if (sg < 0) {
                bad = 1;
                if (d && model_diag_error(d, path, "patient '%s' is in no group of the solution",
                                          e->patient))
                    goto done;
                continue;
            }
        }
        model_sol_group *g = &s.sol->groups[sg];
        if (!g->running || s.ty[sg] < 0 || s.ig[sg] < 0) {
            bad = 1;
            snprintf(path, sizeof path, "events[%d].group", i);
            if (d && model_diag_error(d, path, "group '%s' is not running in the solution%s",
                                      g->id, s.ig[sg] < 0 ? " (or not in the instance)" : ""))
                goto done;
            continue;
        }
        model_member *mb = roster_member(s.inst, s.ig[sg], e->patient);
        bool is_new = model_strlist_find(&g->new_members, e->patient) >= 0;
        switch (e->kind) {
        case SOLVER_FILL_DROPPED:
        case SOLVER_FILL_GRADUATED: {
            model_member_status ns = e->kind == SOLVER_FILL_DROPPED ? MODEL_DROPPED : MODEL_GRADUATED;
            if (mb) {
                mb->status = ns;
                if (e->date >= 0)
                    mb->since = e->date;
            } else if (roster_append(s.inst, s.ig[sg], e->patient, p, ns, e->date)) {
                goto done;
            }
            s.rostered[p] = 1;
            model_strlist_remove(&g->members, e->patient);
            model_strlist_remove(&g->new_members, e->patient);
            s.sol_group_of[p] = -1;
            seats[n_seats].sg = sg;
            seats[n_seats++].ev = i;
            int t;
            for (t = 0; t < n_touched && touched[t] != sg; t++)
                ;
            if (t == n_touched)
                touched[n_touched++] = sg;
            if (push_fmt(&r->event_notes, "%s: %s %s %s%s: a seat opened (%d of %d seats filled)",
                         ds, e->patient, solver_fill_event_name(e->kind),
                         e->kind == SOLVER_FILL_DROPPED ? "from " : "from ", g->id, g->members.n,
                         s.inst->types[s.ty[sg]].max_size))
                goto done;
            break;
        }
        case SOLVER_FILL_HOLD_CLINICAL:
        case SOLVER_FILL_HOLD_ADMIN: {
            model_member_status ns =
                e->kind == SOLVER_FILL_HOLD_CLINICAL ? MODEL_HOLD_CLINICAL : MODEL_HOLD_ADMIN;
            if (mb) {
                mb->status = ns;
                if (e->date >= 0)
                    mb->since = e->date;
            }
            if (push_fmt(&r->event_notes,
                         "%s: %s in %s on %s: the seat stays reserved (held members occupy it)%s",
                         ds, e->patient, g->id, model_status_name(ns),
                         !mb && is_new ? "; newly placed, not yet on the roster" : ""))
                goto done;
            break;
        }
        case SOLVER_FILL_RETURNED:
            if (mb && (mb->status == MODEL_HOLD_CLINICAL || mb->status == MODEL_HOLD_ADMIN)) {
                mb->status = MODEL_ACTIVE;
                if (e->date >= 0)
                    mb->since = e->date;
                if (push_fmt(&r->event_notes, "%s: %s returned to %s: active again (seat was held)",
                             ds, e->patient, g->id))
                    goto done;
            } else {
                bad = 1;
                snprintf(path, sizeof path, "events[%d].patient", i);
                if (d && model_diag_error(d, path, "patient '%s' is not on hold in group '%s' "
                                                   "(status %s)",
                                          e->patient, g->id,
                                          mb ? model_status_name(mb->status) : "new member"))
                    goto done;
            }
            break;
        default:
            bad = 1;
            snprintf(path, sizeof path, "events[%d].event", i);
            if (d && model_diag_error(d, path, "unknown event kind %d", (int)e->kind))
                goto done;
        }
    }
    if (bad) {
        rc = SOLVER_EINVAL;
        goto done;
    }
    /* Groups that fell below their minimum: size, merge options and the
     * run-under-minimum date as the events left them. */
    for (int t = 0; t < n_touched; t++) {
        int sg = touched[t];
        touched_size[t] = -1;
        if (s.sol->groups[sg].members.n >= s.inst->types[s.ty[sg]].min_size)
            continue;
        solver_fill_undermin *nu =
            realloc(r->under_min, (size_t)(r->n_under_min + 1) * sizeof *nu);
        if (!nu)
            goto done;
        r->under_min = nu;
        solver_fill_undermin *u = &r->under_min[r->n_under_min++];
        memset(u, 0, sizeof *u);
        touched_size[t] = r->n_under_min - 1; /* index into under_min */
        int date = -1;
        for (int i = 0; i < n_events; i++) {
            const char *gid = s.sol->groups[sg].id;
            bool here = events[i].group ? strcmp(events[i].group, gid) == 0
                                        : events[i].patient &&
                                              model_find_group(s.inst, gid) >= 0 &&
                                              roster_member(s.inst, s.ig[sg], events[i].patient);
            if (here && events[i].date > date)
                date = events[i].date;
        }
        if (date < 0)
            date = s.inst->program.horizon_start;
        if (undermin_prepare(&s, sg, date, u))
            goto done;
    }

    /* 2. Rank each opened seat; the top candidate takes it (tentatively
     * without apply, so later seats' lists assume it). */
    if (n_seats > 0 && !(r->seats = calloc((size_t)n_seats, sizeof *r->seats)))
        goto done;
    for (int i = 0; i < n_seats; i++) {
        solver_fill_seat *x = &r->seats[r->n_seats++];
        int sg = seats[i].sg;
        const solver_fill_event *e = &events[seats[i].ev];
        int date = e->date >= 0 ? e->date : s.inst->program.horizon_start;
        x->event = seats[i].ev;
        if (!(x->group = model_strdup(s.sol->groups[sg].id)))
            goto done;
        int best = rank_seat(&s, sg, date, x);
        if (best == -2)
            goto done;
        if (best >= 0) {
            if (place(&s, best, sg))
                goto done;
            placed_p[n_placed] = best;
            placed_g[n_placed++] = sg;
            if (opt->apply && !(x->placed = model_strdup(s.inst->patients[best].id)))
                goto done;
        }
    }

    /* 3. Referrals. */
    if (n_refs > 0 && !(r->referrals = calloc((size_t)n_refs, sizeof *r->referrals)))
        goto done;
    for (int i = 0; i < n_refs; i++) {
        const solver_fill_event *e = &events[ref_ev[i]];
        int date = e->date >= 0 ? e->date : s.inst->program.horizon_start;
        solver_fill_referral *rf = &r->referrals[r->n_referrals++];
        bool by_seat = s.sol_group_of[refs[i]] >= 0;
        if (answer_referral(&s, refs[i], ref_ev[i], date, rf))
            goto done;
        if (by_seat && !opt->apply) {
            free(rf->placed);
            rf->placed = NULL;
        }
        if (!by_seat && rf->placed)
            r->placed++;
    }

    /* 4. What filling did for the groups below their minimum. */
    for (int t = 0; t < n_touched; t++)
        if (touched_size[t] >= 0 && undermin_finish(&s, touched[t], &r->under_min[touched_size[t]]))
            goto done;

    /* 5. Without apply, take the tentative placements back. */
    if (!opt->apply)
        for (int i = n_placed - 1; i >= 0; i--)
            unplace(&s, placed_p[i], placed_g[i]);
    else
        r->placed += n_placed;
    if (refresh_unplaced(&s, r))
        goto done;
    if (recompute_metrics(&s))
        goto done;

    r->instance = s.inst;
    r->solution = s.sol;
    s.inst = NULL;
    s.sol = NULL;
    *out = r;
    r = NULL;
    rc = SOLVER_OK;
done:
    if (rc != SOLVER_OK && d && rc == SOLVER_EINVAL && d->n_errors == errors_before)
        model_diag_error(d, "events", "invalid event");
    solver_fill_result_destroy(r);
    model_instance_destroy(s.inst);
    model_solution_destroy(s.sol);
    fstate_free(&s);
    free(seats);
    free(refs);
    free(ref_ev);
    free(touched);
    free(touched_size);
    free(placed_p);
    free(placed_g);
    return rc;
}
