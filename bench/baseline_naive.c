/*
 * baseline_naive.c - the naive monolithic GLPK model, the benchmark floor.
 *
 * One MIP over everything, no decomposition, aggregation or warm start:
 *   open[g]          group runs (fixed to 1 for must-run groups)
 *   x[g,d,t,f]       g meets on day d at start t led by primary f
 *   y[g,d,t,f]       ... co-led by f (co-facilitated types)
 *   r[g,d,t,room]    ... in room (in-person types)
 *   u[q,g]           waitlisted patient q joins g
 *   band[g,a]        g's members' ages lie in [a, a + max_age_spread]
 *   lmax, lmin       highest and lowest facilitator load
 * Rows: one slot and primary per open group, as many co-facilitators and
 * rooms as slots chosen; at each start time at most one group per
 * facilitator (with min_break) and per room; caps per day and week;
 * u[q,g] <= sum of x[g,s,.] over the slots s that fit q's windows; each
 * patient at most once; min/max size, high acuity, new-member share and age
 * bands per group; load bounds.  Biweekly groups count as weekly (their
 * parity is not modelled); substitutes and coverage are not modelled.
 * Objective (maximise): the SPEC objective without the change term.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "bench.h"

#define DAY_MIN (24 * 60)

typedef struct nvar {
    int g, si, who, col; /* who = facilitator (x, y) or room (r) */
} nvar;

typedef struct nvec {
    nvar *v;
    long n, cap;
} nvec;

typedef struct naive {
    const model_instance *inst;
    bk_model *m;
    bool names;
    bool failed;    /* a backend call failed (the model is unusable) */
    /* per group: candidate slots */
    int *goff;      /* slots of g: goff[g] .. goff[g+1]-1 */
    int *sday, *sstart, *send;
    int n_slots;
    nvec xs, ys, rs; /* in (g, si, who) order */
    long *xoff, *yoff, *roff; /* per global slot index: first entry; [n_slots] = end */
    int *open_col;
    int lmax_col, lmin_col;
    /* u: per group, list of (patient, col) */
    int *uoff;      /* per group */
    int *upat, *ucol;
    int n_u;
    /* row buffer (entries 1..n; columns numbered from 1) */
    int *ind;
    double *val;
    int *ind0;      /* the same columns from 0, as backend.h numbers them */
    long buf_cap;
    long nnz;
} naive;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int nvec_push(nvec *a, int g, int si, int who)
{
    if (a->n == a->cap) {
        long ncap = a->cap ? a->cap * 2 : 256;
        nvar *nv = realloc(a->v, (size_t)ncap * sizeof *nv);
        if (!nv)
            return SOLVER_ENOMEM;
        a->v = nv;
        a->cap = ncap;
    }
    a->v[a->n].g = g;
    a->v[a->n].si = si;
    a->v[a->n].who = who;
    a->v[a->n].col = 0;
    a->n++;
    return SOLVER_OK;
}

static int buf_reserve(naive *nm, long n)
{
    if (n + 1 <= nm->buf_cap)
        return SOLVER_OK;
    long ncap = nm->buf_cap ? nm->buf_cap : 1024;
    while (ncap < n + 1)
        ncap *= 2;
    int *ni = realloc(nm->ind, (size_t)ncap * sizeof *ni);
    if (!ni)
        return SOLVER_ENOMEM;
    nm->ind = ni;
    double *nv = realloc(nm->val, (size_t)ncap * sizeof *nv);
    if (!nv)
        return SOLVER_ENOMEM;
    nm->val = nv;
    int *n0 = realloc(nm->ind0, (size_t)ncap * sizeof *n0);
    if (!n0)
        return SOLVER_ENOMEM;
    nm->ind0 = n0;
    nm->buf_cap = ncap;
    return SOLVER_OK;
}

/* Copy an id into a GLPK-safe name fragment. */
static void safe_id(char *dst, size_t n, const char *id)
{
    size_t i = 0;
    for (; id && id[i] && i + 1 < n && i < 60; i++) {
        char c = id[i];
        dst[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                         c == '-' || c == '.' || c == '_'
                     ? c
                     : '_';
    }
    dst[i] = '\0';
}

/* A name from fmt into buf (empty when the model is not written out). */
static void fmt_name(const naive *nm, char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fmt_name(const naive *nm, char *buf, size_t n, const char *fmt, ...)
{
    buf[0] = '\0';
    if (!nm->names)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

/* Add a column; its number from 1 (as the row buffer holds them), 0 when
 * the backend failed (nm->failed). */
static int new_col(naive *nm, int kind, double lb, double ub, double obj, const char *name)
{
    int c = bk_col(nm->m, name && name[0] ? name : NULL, kind, lb, ub, obj);
    if (c < 0) {
        nm->failed = true;
        return 0;
    }
    return c + 1;
}

enum { ROW_UP, ROW_LO, ROW_FX };

/* Add a row from the buffer entries 1..n: sum <= ub (ROW_UP), >= lb
 * (ROW_LO) or = lb (ROW_FX). */
static void add_row(naive *nm, int n, int type, double lb, double ub, const char *name)
{
    for (int k = 0; k < n; k++)
        nm->ind0[k] = nm->ind[k + 1] - 1;
    double lo = type == ROW_UP ? -BK_INF : lb;
    double hi = type == ROW_LO ? BK_INF : type == ROW_FX ? lb : ub;
    if (bk_row(nm->m, nm->names ? name : NULL, n, nm->ind0, nm->val + 1, lo, hi) < 0)
        nm->failed = true;
    nm->nnz += n;
}

/* Statically eligible: waitlisted, flags, type, modality, age, gender. */
static bool patient_eligible(const model_instance *inst, int q, int t)
{
    const model_patient *pa = &inst->patients[q];
    const model_group_type *ty = &inst->types[t];
    if (model_patient_type_fit(inst, q, t) != MODEL_FIT_OK)
        return false;
    if (ty->composition.max_age_spread >= 0 && pa->age < 0)
        return false;
    return true;
}

typedef struct gcont {
    int cont, high, lo, hi; /* lo > hi when no known age */
} gcont;

static gcont continuing(const model_instance *inst, int g)
{
    gcont c = {0, 0, 1, 0};
    const model_group *gr = &inst->groups[g];
    for (int m = 0; m < gr->n_members; m++) {
        if (!model_status_occupies(gr->members[m].status))
            continue;
        c.cont++;
        int p = gr->members[m].patient_idx;
        if (p < 0)
            continue;
        const model_patient *pa = &inst->patients[p];
        if (pa->acuity == MODEL_ACUITY_HIGH)
            c.high++;
        if (pa->age >= 0) {
            if (c.lo > c.hi)
                c.lo = c.hi = pa->age;
            if (pa->age < c.lo)
                c.lo = pa->age;
            if (pa->age > c.hi)
                c.hi = pa->age;
        }
    }
    return c;
}

static bool room_ok(const model_instance *inst, int r, const model_group_type *t, int day, int start)
{
    const model_room *ro = &inst->rooms[r];
    if (ro->capacity < t->max_size)
        return false;
    for (int i = 0; i < t->room_features.n; i++)
        if (model_strlist_find(&ro->features, t->room_features.items[i]) < 0)
            return false;
    return model_windows_fit(ro->available, ro->n_available, day, start, t->duration_min);
}

/* Slots and slot-indexed variables (not yet GLPK columns). */
static int enumerate(naive *nm)
{
    const model_instance *inst = nm->inst;
    int G = inst->n_groups, F = inst->n_facilitators, R = inst->n_rooms;
    int maxs = 7 * (inst->program.n_slot_starts + 1);
    nm->goff = calloc((size_t)G + 1, sizeof *nm->goff);
    nm->sday = malloc(((size_t)G * maxs + 1) * sizeof *nm->sday);
    nm->sstart = malloc(((size_t)G * maxs + 1) * sizeof *nm->sstart);
    nm->send = malloc(((size_t)G * maxs + 1) * sizeof *nm->send);
    if (!nm->goff || !nm->sday || !nm->sstart || !nm->send)
        return SOLVER_ENOMEM;
    int n = 0;
    for (int g = 0; g < G; g++) {
        const model_group *gr = &inst->groups[g];
        const model_group_type *t = &inst->types[gr->type_idx];
        const model_pinned *pin = &gr->pinned;
        nm->goff[g] = n;
        for (int d = 0; d < 7; d++) {
            if (pin->has_day ? d != pin->day : !(inst->program.days_mask & (1 << d)))
                continue;
            int ns = pin->has_start ? 1 : inst->program.n_slot_starts;
            for (int k = 0; k < ns; k++) {
                int st = pin->has_start ? pin->start : inst->program.slot_starts[k];
                if (st + t->duration_min > DAY_MIN)
                    continue;
                nm->sday[n] = d;
                nm->sstart[n] = st;
                nm->send[n] = st + t->duration_min;
                n++;
            }
        }
    }
    nm->goff[G] = n;
    nm->n_slots = n;
    nm->xoff = malloc(((size_t)n + 1) * sizeof *nm->xoff);
    nm->yoff = malloc(((size_t)n + 1) * sizeof *nm->yoff);
    nm->roff = malloc(((size_t)n + 1) * sizeof *nm->roff);
    if (!nm->xoff || !nm->yoff || !nm->roff)
        return SOLVER_ENOMEM;
    for (int g = 0; g < G; g++) {
        const model_group *gr = &inst->groups[g];
        const model_group_type *t = &inst->types[gr->type_idx];
        const model_pinned *pin = &gr->pinned;
        bool co = t->cofacilitation || pin->facilitator_idx[1] >= 0;
        for (int s = nm->goff[g]; s < nm->goff[g + 1]; s++) {
            int d = nm->sday[s], st = nm->sstart[s];
            nm->xoff[s] = nm->xs.n;
            nm->yoff[s] = nm->ys.n;
            nm->roff[s] = nm->rs.n;
            for (int f = 0; f < F; f++) {
                const model_facilitator *fa = &inst->facilitators[f];
                if (!model_windows_fit(fa->available, fa->n_available, d, st, t->duration_min))
                    continue;
                bool prim = pin->facilitator_idx[0] >= 0
                                ? f == pin->facilitator_idx[0]
                                : model_facilitator_holds(fa, &t->required_credentials);
                if (prim && nvec_push(&nm->xs, g, s - nm->goff[g], f) != SOLVER_OK)
                    return SOLVER_ENOMEM;
                bool cof = co && (pin->facilitator_idx[1] >= 0
                                      ? f == pin->facilitator_idx[1]
                                      : model_facilitator_holds(fa, &t->cofacilitator_credentials));
                if (cof && nvec_push(&nm->ys, g, s - nm->goff[g], f) != SOLVER_OK)
                    return SOLVER_ENOMEM;
            }
            if (t->modality == MODEL_IN_PERSON || pin->room_idx >= 0)
                for (int r = 0; r < R; r++) {
                    bool ok = pin->room_idx >= 0 ? r == pin->room_idx
                                                 : room_ok(inst, r, t, d, st);
                    if (ok && nvec_push(&nm->rs, g, s - nm->goff[g], r) != SOLVER_OK)
                        return SOLVER_ENOMEM;
                }
        }
    }
    nm->xoff[n] = nm->xs.n;
    nm->yoff[n] = nm->ys.n;
    nm->roff[n] = nm->rs.n;
    return SOLVER_OK;
}

/* Does slot s fit patient q's windows? */
static bool slot_fits(const naive *nm, int q, int s)
{
    const model_patient *pa = &nm->inst->patients[q];
    return model_windows_fit(pa->available, pa->n_available, nm->sday[s], nm->sstart[s],
                             nm->send[s] - nm->sstart[s]);
}

/* Patient variables; *est_nnz gets the linking rows' nonzeros. */
static int enumerate_u(naive *nm, long *est_nnz)
{
    const model_instance *inst = nm->inst;
    int G = inst->n_groups, P = inst->n_patients;
    bool *wl = malloc(((size_t)P + 1) * sizeof *wl);
    long cap = 1024;
    nm->uoff = calloc((size_t)G + 1, sizeof *nm->uoff);
    nm->upat = malloc((size_t)cap * sizeof *nm->upat);
    if (!wl || !nm->uoff || !nm->upat) {
        free(wl);
        return SOLVER_ENOMEM;
    }
    for (int q = 0; q < P; q++)
        wl[q] = model_patient_waitlisted(inst, q);
    long n = 0, nz = 0;
    for (int g = 0; g < G; g++) {
        const model_group_type *t = &inst->types[inst->groups[g].type_idx];
        gcont c = continuing(inst, g);
        int L = t->composition.max_age_spread;
        nm->uoff[g] = (int)n;
        for (int q = 0; q < P; q++) {
            if (!wl[q] || !patient_eligible(inst, q, inst->groups[g].type_idx))
                continue;
            int age = inst->patients[q].age;
            if (L >= 0 && c.lo <= c.hi && c.hi - c.lo > L && (age < c.lo || age > c.hi))
                continue;
            if (L >= 0 && c.lo <= c.hi && c.hi - c.lo <= L &&
                (age < c.hi - L || age > c.lo + L))
                continue;
            long k = 0;
            for (int s = nm->goff[g]; s < nm->goff[g + 1]; s++)
                if (slot_fits(nm, q, s))
                    k += nm->xoff[s + 1] - nm->xoff[s];
            if (k == 0)
                continue;
            if (n == cap) {
                cap *= 2;
                int *nu = realloc(nm->upat, (size_t)cap * sizeof *nu);
                if (!nu) {
                    free(wl);
                    return SOLVER_ENOMEM;
                }
                nm->upat = nu;
            }
            nm->upat[n++] = q;
            nz += k + 1;
        }
    }
    free(wl);
    nm->uoff[G] = (int)n;
    nm->n_u = (int)n;
    nm->ucol = malloc(((size_t)n + 1) * sizeof *nm->ucol);
    if (!nm->ucol)
        return SOLVER_ENOMEM;
    *est_nnz = nz;
    return SOLVER_OK;
}

static void naive_free(naive *nm)
{
    free(nm->goff);
    free(nm->sday);
    free(nm->sstart);
    free(nm->send);
    free(nm->xs.v);
    free(nm->ys.v);
    free(nm->rs.v);
    free(nm->xoff);
    free(nm->yoff);
    free(nm->roff);
    free(nm->open_col);
    free(nm->uoff);
    free(nm->upat);
    free(nm->ucol);
    free(nm->ind);
    free(nm->val);
    free(nm->ind0);
}

static double load_weight(const model_instance *inst, int g)
{
    return inst->types[inst->groups[g].type_idx].cadence == MODEL_BIWEEKLY ? 0.5 : 1.0;
}

static void slot_var_name(const naive *nm, char *buf, size_t n, char kind, const nvar *v,
                          const char *who)
{
    buf[0] = '\0';
    if (!nm->names)
        return;
    const model_instance *inst = nm->inst;
    int s = nm->goff[v->g] + v->si;
    char gid[64], wid[64], tm[6];
    safe_id(gid, sizeof gid, inst->groups[v->g].id);
    safe_id(wid, sizeof wid, who);
    model_time_format(nm->sstart[s], tm);
    tm[2] = 'h';
    fmt_name(nm, buf, n, "%c[%s,%s,%s,%s]", kind, gid, model_day_name(nm->sday[s]), tm, wid);
}

/* Create every column with bounds, kind and objective. */
static int add_columns(naive *nm, int *n_bin)
{
    const model_instance *inst = nm->inst;
    const model_weights *w = &inst->settings.weights;
    int G = inst->n_groups;
    long ncols = G + nm->xs.n + nm->ys.n + nm->rs.n + nm->n_u + 2;
    if (ncols > 0x7ffffff0L)
        return SOLVER_ENOMEM;
    char name[256];
    nm->open_col = malloc(((size_t)G + 1) * sizeof *nm->open_col);
    if (!nm->open_col)
        return SOLVER_ENOMEM;
    for (int g = 0; g < G; g++) {
        const model_group *gr = &inst->groups[g];
        const model_group_type *t = &inst->types[gr->type_idx];
        gcont c = continuing(inst, g);
        char gid[64];
        safe_id(gid, sizeof gid, gr->id);
        fmt_name(nm, name, sizeof name, "open[%s]", gid);
        nm->open_col[g] = new_col(nm, BK_BIN, gr->optional ? 0.0 : 1.0, 1.0,
                                  -w->empty_seat * (double)(t->max_size - c.cont), name);
    }
    nvec *vs[3] = {&nm->xs, &nm->ys, &nm->rs};
    const char kinds[3] = {'x', 'y', 'r'};
    for (int k = 0; k < 3; k++)
        for (long i = 0; i < vs[k]->n; i++) {
            nvar *v = &vs[k]->v[i];
            slot_var_name(nm, name, sizeof name, kinds[k], v,
                          k < 2 ? inst->facilitators[v->who].id : inst->rooms[v->who].id);
            v->col = new_col(nm, BK_BIN, 0.0, 1.0, 0.0, name);
        }
    for (int g = 0; g < G; g++)
        for (int i = nm->uoff[g]; i < nm->uoff[g + 1]; i++) {
            int q = nm->upat[i];
            const model_patient *pa = &inst->patients[q];
            double wait = pa->added >= 0 && inst->program.horizon_start > pa->added
                              ? (inst->program.horizon_start - pa->added) / 7.0
                              : 0.0;
            char gid[64], pid[64];
            safe_id(gid, sizeof gid, inst->groups[g].id);
            safe_id(pid, sizeof pid, pa->id);
            fmt_name(nm, name, sizeof name, "u[%s,%s]", pid, gid);
            nm->ucol[i] = new_col(nm, BK_BIN, 0.0, 1.0,
                                  w->placement + w->wait_per_week * wait +
                                      w->priority * pa->priority + w->empty_seat,
                                  name);
        }
    nm->lmax_col = new_col(nm, BK_CONT, 0.0, BK_INF, -w->load_balance, "load_max");
    nm->lmin_col = new_col(nm, BK_CONT, 0.0, BK_INF, w->load_balance, "load_min");
    *n_bin = (int)(ncols - 2);
    return nm->failed ? SOLVER_EBACKEND : SOLVER_OK;
}

/* At each start time on each day, at most one of the (slot-)entries
 * covering it; entries are (col, day, start, end). */
typedef struct tentry {
    int col, day, start, end;
} tentry;

static int tentry_cmp(const void *a, const void *b)
{
    const tentry *x = a, *y = b;
    if (x->day != y->day)
        return x->day - y->day;
    return x->start - y->start;
}

static int timepoint_rows(naive *nm, tentry *e, int n, int brk, const char *what, const char *id)
{
    qsort(e, (size_t)n, sizeof *e, tentry_cmp);
    char name[160], sid[64], tm[6];
    safe_id(sid, sizeof sid, id);
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && e[j].day == e[i].day)
            j++;
        /* day block [i, j): for each distinct start t */
        for (int a = i; a < j; a++) {
            if (a > i && e[a].start == e[a - 1].start)
                continue;
            int t = e[a].start, k = 0;
            if (buf_reserve(nm, j - i) != SOLVER_OK)
                return SOLVER_ENOMEM;
            for (int b = i; b < j && e[b].start <= t; b++)
                if (t < e[b].end + brk) {
                    k++;
                    nm->ind[k] = e[b].col;
                    nm->val[k] = 1.0;
                }
            if (k < 2)
                continue;
            model_time_format(t, tm);
            tm[2] = 'h';
            snprintf(name, sizeof name, "%s[%s,%s,%s]", what, sid, model_day_name(e[i].day), tm);
            add_row(nm, k, ROW_UP, 0.0, 1.0, name);
        }
        i = j;
    }
    return SOLVER_OK;
}

static int add_rows(naive *nm)
{
    const model_instance *inst = nm->inst;
    int G = inst->n_groups, F = inst->n_facilitators, R = inst->n_rooms;
    char name[200], gid[64], fid[64];
    int rc = SOLVER_OK;
    tentry *te = NULL;
    long *fcount = calloc((size_t)F + 1, sizeof *fcount);
    long *rcount = calloc((size_t)R + 1, sizeof *rcount);
    if (!fcount || !rcount) {
        rc = SOLVER_ENOMEM;
        goto done;
    }

    for (int g = 0; g < G; g++) {
        const model_group_type *t = &inst->types[inst->groups[g].type_idx];
        bool co = t->cofacilitation || inst->groups[g].pinned.facilitator_idx[1] >= 0;
        bool room = t->modality == MODEL_IN_PERSON || inst->groups[g].pinned.room_idx >= 0;
        gcont c = continuing(inst, g);
        safe_id(gid, sizeof gid, inst->groups[g].id);
        int s0 = nm->goff[g], s1 = nm->goff[g + 1];
        /* one slot and primary: sum x = open */
        long nx = nm->xoff[s1] - nm->xoff[s0];
        if ((rc = buf_reserve(nm, nx + 1)) != SOLVER_OK)
            goto done;
        int k = 0;
        for (long i = nm->xoff[s0]; i < nm->xoff[s1]; i++) {
            nm->ind[++k] = nm->xs.v[i].col;
            nm->val[k] = 1.0;
        }
        nm->ind[++k] = nm->open_col[g];
        nm->val[k] = -1.0;
        snprintf(name, sizeof name, "assign[%s]", gid);
        add_row(nm, k, ROW_FX, 0.0, 0.0, name);
        /* per slot: co-facilitators and rooms match the primary */
        for (int s = s0; s < s1; s++) {
            for (int part = 0; part < 2; part++) {
                if (part == 0 ? !co : !room)
                    continue;
                const nvec *v = part == 0 ? &nm->ys : &nm->rs;
                long lo = part == 0 ? nm->yoff[s] : nm->roff[s];
                long hi = part == 0 ? nm->yoff[s + 1] : nm->roff[s + 1];
                if ((rc = buf_reserve(nm, (hi - lo) + (nm->xoff[s + 1] - nm->xoff[s]) + 1)) !=
                    SOLVER_OK)
                    goto done;
                k = 0;
                for (long i = lo; i < hi; i++) {
                    nm->ind[++k] = v->v[i].col;
                    nm->val[k] = 1.0;
                }
                for (long i = nm->xoff[s]; i < nm->xoff[s + 1]; i++) {
                    nm->ind[++k] = nm->xs.v[i].col;
                    nm->val[k] = -1.0;
                }
                if (k == 0)
                    continue;
                snprintf(name, sizeof name, "%s[%s,%d]", part == 0 ? "cofac" : "room", gid,
                         s - s0);
                add_row(nm, k, ROW_FX, 0.0, 0.0, name);
            }
        }
        /* sizes and composition */
        int nu = nm->uoff[g + 1] - nm->uoff[g];
        const model_composition *cp = &t->composition;
        if ((rc = buf_reserve(nm, nu + 1)) != SOLVER_OK)
            goto done;
        k = 0;
        for (int i = nm->uoff[g]; i < nm->uoff[g + 1]; i++) {
            nm->ind[++k] = nm->ucol[i];
            nm->val[k] = 1.0;
        }
        nm->ind[++k] = nm->open_col[g];
        nm->val[k] = -(double)(t->max_size - c.cont);
        snprintf(name, sizeof name, "max_size[%s]", gid);
        add_row(nm, k, ROW_UP, 0.0, 0.0, name);
        if (t->min_size > c.cont) {
            nm->val[k] = -(double)(t->min_size - c.cont);
            snprintf(name, sizeof name, "min_size[%s]", gid);
            add_row(nm, k, ROW_LO, 0.0, 0.0, name);
        }
        if (cp->max_new_share >= 0 && c.cont > 0 && nu > 0) {
            /* n <= share * (cont + n)  <=>  (1 - share) n <= share * cont */
            for (int i = 1; i <= nu; i++)
                nm->val[i] = 1.0 - cp->max_new_share;
            snprintf(name, sizeof name, "new_share[%s]", gid);
            add_row(nm, nu, ROW_UP, 0.0, cp->max_new_share * c.cont, name);
        }
        if (cp->max_high_acuity >= 0) {
            k = 0;
            for (int i = nm->uoff[g]; i < nm->uoff[g + 1]; i++)
                if (inst->patients[nm->upat[i]].acuity == MODEL_ACUITY_HIGH) {
                    nm->ind[++k] = nm->ucol[i];
                    nm->val[k] = 1.0;
                }
            if (k > 0) {
                int room_left = cp->max_high_acuity - c.high;
                snprintf(name, sizeof name, "high_acuity[%s]", gid);
                add_row(nm, k, ROW_UP, 0.0, room_left > 0 ? room_left : 0, name);
            }
        }
        /* age bands: choose the band's lowest age a; members within [a, a+L] */
        int L = cp->max_age_spread;
        if (L >= 0 && nu > 0 && !(c.lo <= c.hi && c.hi - c.lo > L)) {
            int amin = 1000, amax = -1;
            for (int i = nm->uoff[g]; i < nm->uoff[g + 1]; i++) {
                int a = inst->patients[nm->upat[i]].age;
                amin = a < amin ? a : amin;
                amax = a > amax ? a : amax;
            }
            if (amax - amin > L) {
                int lo = amin, hi = amax - L; /* candidate band starts */
                if (c.lo <= c.hi) {
                    lo = lo > c.hi - L ? lo : c.hi - L;
                    hi = hi < c.lo ? hi : c.lo;
                }
                int nb = hi >= lo ? hi - lo + 1 : 0;
                int b0 = 0;
                if (nb == 0) /* unreachable: kept for a valid column */
                    b0 = new_col(nm, BK_CONT, 0.0, 0.0, 0.0, NULL);
                for (int b = 0; b < nb; b++) {
                    char bname[160];
                    fmt_name(nm, bname, sizeof bname, "band[%s,%d]", gid, lo + b);
                    int bc = new_col(nm, BK_BIN, 0.0, 1.0, 0.0, bname);
                    b0 = b == 0 ? bc : b0;
                }
                if ((rc = buf_reserve(nm, nb + 2)) != SOLVER_OK)
                    goto done;
                for (int b = 0; b < nb; b++) {
                    nm->ind[b + 1] = b0 + b;
                    nm->val[b + 1] = 1.0;
                }
                snprintf(name, sizeof name, "one_band[%s]", gid);
                if (nb > 0)
                    add_row(nm, nb, ROW_UP, 0.0, 1.0, name);
                for (int i = nm->uoff[g]; i < nm->uoff[g + 1]; i++) {
                    int a = inst->patients[nm->upat[i]].age;
                    k = 0;
                    nm->ind[++k] = nm->ucol[i];
                    nm->val[k] = 1.0;
                    for (int b = 0; b < nb; b++)
                        if (lo + b <= a && a <= lo + b + L) {
                            nm->ind[++k] = b0 + b;
                            nm->val[k] = -1.0;
                        }
                    snprintf(name, sizeof name, "in_band[%s,%d]", gid, i - nm->uoff[g]);
                    add_row(nm, k, ROW_UP, 0.0, 0.0, name);
                }
            }
        }
        /* linking: u[q,g] <= sum of x over the slots fitting q */
        for (int i = nm->uoff[g]; i < nm->uoff[g + 1]; i++) {
            int q = nm->upat[i];
            if ((rc = buf_reserve(nm, nx + 2)) != SOLVER_OK)
                goto done;
            k = 0;
            nm->ind[++k] = nm->ucol[i];
            nm->val[k] = 1.0;
            for (int s = s0; s < s1; s++) {
                if (!slot_fits(nm, q, s))
                    continue;
                for (long j = nm->xoff[s]; j < nm->xoff[s + 1]; j++) {
                    nm->ind[++k] = nm->xs.v[j].col;
                    nm->val[k] = -1.0;
                }
            }
            snprintf(name, sizeof name, "link[%d,%s]", q, gid);
            add_row(nm, k, ROW_UP, 0.0, 0.0, name);
        }
    }

    /* each patient at most once */
    {
        int P = inst->n_patients;
        int *cnt = calloc((size_t)P + 1, sizeof *cnt);
        int *first = malloc(((size_t)P + 2) * sizeof *first);
        int *cols = malloc(((size_t)nm->n_u + 1) * sizeof *cols);
        if (!cnt || !first || !cols) {
            free(cnt);
            free(first);
            free(cols);
            rc = SOLVER_ENOMEM;
            goto done;
        }
        for (int i = 0; i < nm->n_u; i++)
            cnt[nm->upat[i]]++;
        first[0] = 0;
        for (int q = 0; q < P; q++)
            first[q + 1] = first[q] + cnt[q];
        memset(cnt, 0, (size_t)P * sizeof *cnt);
        for (int i = 0; i < nm->n_u; i++) {
            int q = nm->upat[i];
            cols[first[q] + cnt[q]++] = nm->ucol[i];
        }
        for (int q = 0; q < P && rc == SOLVER_OK; q++) {
            if (cnt[q] < 2)
                continue;
            if ((rc = buf_reserve(nm, cnt[q] + 1)) != SOLVER_OK)
                break;
            for (int i = 0; i < cnt[q]; i++) {
                nm->ind[i + 1] = cols[first[q] + i];
                nm->val[i + 1] = 1.0;
            }
            safe_id(fid, sizeof fid, inst->patients[q].id);
            snprintf(name, sizeof name, "once[%s]", fid);
            add_row(nm, cnt[q], ROW_UP, 0.0, 1.0, name);
        }
        free(cnt);
        free(first);
        free(cols);
        if (rc != SOLVER_OK)
            goto done;
    }

    /* facilitators: time points, caps, load */
    for (long i = 0; i < nm->xs.n; i++)
        fcount[nm->xs.v[i].who]++;
    for (long i = 0; i < nm->ys.n; i++)
        fcount[nm->ys.v[i].who]++;
    for (long i = 0; i < nm->rs.n; i++)
        rcount[nm->rs.v[i].who]++;
    long maxc = 1;
    for (int f = 0; f < F; f++)
        maxc = fcount[f] > maxc ? fcount[f] : maxc;
    for (int r = 0; r < R; r++)
        maxc = rcount[r] > maxc ? rcount[r] : maxc;
    te = malloc((size_t)maxc * sizeof *te);
    if (!te) {
        rc = SOLVER_ENOMEM;
        goto done;
    }
    for (int f = 0; f < F; f++) {
        int n = 0;
        for (int part = 0; part < 2; part++) {
            const nvec *v = part == 0 ? &nm->xs : &nm->ys;
            for (long i = 0; i < v->n; i++)
                if (v->v[i].who == f) {
                    int s = nm->goff[v->v[i].g] + v->v[i].si;
                    te[n].col = v->v[i].col;
                    te[n].day = nm->sday[s];
                    te[n].start = nm->sstart[s];
                    te[n].end = nm->send[s];
                    n++;
                }
        }
        if (n == 0)
            continue;
        const char *id = inst->facilitators[f].id;
        if ((rc = timepoint_rows(nm, te, n, inst->settings.min_break_min, "fac_time", id)) !=
            SOLVER_OK)
            goto done;
        safe_id(fid, sizeof fid, id);
        if ((rc = buf_reserve(nm, n + 2)) != SOLVER_OK)
            goto done;
        /* te is sorted by day now */
        for (int i = 0; i < n;) {
            int j = i;
            while (j < n && te[j].day == te[i].day)
                j++;
            for (int a = i; a < j; a++) {
                nm->ind[a - i + 1] = te[a].col;
                nm->val[a - i + 1] = 1.0;
            }
            if (j - i > model_facilitator_max_per_day(inst, f)) {
                snprintf(name, sizeof name, "max_per_day[%s,%s]", fid, model_day_name(te[i].day));
                add_row(nm, j - i, ROW_UP, 0.0, model_facilitator_max_per_day(inst, f), name);
            }
            i = j;
        }
        for (int a = 0; a < n; a++) {
            nm->ind[a + 1] = te[a].col;
            nm->val[a + 1] = 1.0;
        }
        if (n > model_facilitator_max_per_week(inst, f)) {
            snprintf(name, sizeof name, "max_per_week[%s]", fid);
            add_row(nm, n, ROW_UP, 0.0, model_facilitator_max_per_week(inst, f), name);
        }
    }
    /* load rows need the group of each entry: rebuild per facilitator */
    for (int f = 0; f < F; f++) {
        if ((rc = buf_reserve(nm, fcount[f] + 2)) != SOLVER_OK)
            goto done;
        int k = 0;
        for (int part = 0; part < 2; part++) {
            const nvec *v = part == 0 ? &nm->xs : &nm->ys;
            for (long i = 0; i < v->n; i++)
                if (v->v[i].who == f) {
                    nm->ind[++k] = v->v[i].col;
                    nm->val[k] = load_weight(inst, v->v[i].g);
                }
        }
        safe_id(fid, sizeof fid, inst->facilitators[f].id);
        nm->ind[++k] = nm->lmax_col;
        nm->val[k] = -1.0;
        snprintf(name, sizeof name, "load_max[%s]", fid);
        add_row(nm, k, ROW_UP, 0.0, 0.0, name);
        nm->ind[k] = nm->lmin_col;
        snprintf(name, sizeof name, "load_min[%s]", fid);
        add_row(nm, k, ROW_LO, 0.0, 0.0, name);
    }
    /* rooms: time points */
    for (int r = 0; r < R; r++) {
        int n = 0;
        for (long i = 0; i < nm->rs.n; i++)
            if (nm->rs.v[i].who == r) {
                int s = nm->goff[nm->rs.v[i].g] + nm->rs.v[i].si;
                te[n].col = nm->rs.v[i].col;
                te[n].day = nm->sday[s];
                te[n].start = nm->sstart[s];
                te[n].end = nm->send[s];
                n++;
            }
        if (n > 1 &&
            (rc = timepoint_rows(nm, te, n, 0, "room_time", inst->rooms[r].id)) != SOLVER_OK)
            goto done;
    }
done:
    free(te);
    free(fcount);
    free(rcount);
    return rc == SOLVER_OK && nm->failed ? SOLVER_EBACKEND : rc;
}

/* A plain solve's progress, as a naive result. */
typedef struct cbinfo {
    solver_naive_result *r;
    double t0;
    solver_naive_progress_fn progress;
    void *ctx;
} cbinfo;

static model_solution_status status_of(int bk_status)
{
    switch (bk_status) {
    case BK_OPTIMAL: return MODEL_STATUS_OPTIMAL;
    case BK_FEASIBLE: return MODEL_STATUS_FEASIBLE;
    case BK_INFEASIBLE: return MODEL_STATUS_INFEASIBLE;
    default: return MODEL_STATUS_TIME_LIMIT;
    }
}

/* Copy where the solve stands into the result (the bound only when the
 * solve has one). */
static void take(solver_naive_result *r, const bk_plain *st)
{
    r->status = status_of(st->status);
    r->has_incumbent = st->has_incumbent;
    if (st->has_incumbent)
        r->objective = st->obj;
    r->has_bound = st->has_bound;
    if (st->has_bound)
        r->bound = st->bound;
}

static void report(const bk_plain *st, void *info)
{
    cbinfo *ci = info;
    take(ci->r, st);
    if (!ci->progress)
        return;
    ci->r->seconds = now_s() - ci->t0;
    ci->progress(ci->r, ci->ctx);
}

/* LP relaxation, then branch-and-cut, within time_limit_s of wall time;
 * GLPK defaults otherwise (bk_solve_plain).  Fills status, incumbent and
 * bound of r and reports progress.  SOLVER_OK or SOLVER_EBACKEND. */
static int solve_prob(bk_model *m, double time_limit_s, double mip_gap, double t0,
                      solver_naive_progress_fn progress, void *ctx, solver_naive_result *r)
{
    cbinfo ci = {r, t0, progress, ctx};
    bk_plain st;
    if (bk_solve_plain(m, time_limit_s, mip_gap, report, &ci, &st) != BK_OK)
        return SOLVER_EBACKEND;
    take(r, &st);
    return SOLVER_OK;
}

int solver_glpk_solve_file(const char *path, double time_limit_s, double mip_gap,
                           solver_naive_progress_fn progress, void *ctx,
                           solver_naive_result *res)
{
    if (!path || !res || time_limit_s <= 0)
        return SOLVER_EINVAL;
    double t0 = now_s();
    solver_naive_result r;
    memset(&r, 0, sizeof r);
    r.status = MODEL_STATUS_TIME_LIMIT;
    int err = BK_OK;
    bk_model *m = bk_read(path, &err);
    if (!m)
        return err == BK_EIO ? SOLVER_EIO : err == BK_ENOMEM ? SOLVER_ENOMEM : SOLVER_EBACKEND;
    r.n_cols = bk_ncols(m);
    r.n_rows = bk_nrows(m);
    r.n_bin = bk_nbin(m);
    r.n_nonzeros = bk_nnz(m);
    r.build_seconds = now_s() - t0;
    int rc = solve_prob(m, time_limit_s, mip_gap, t0, progress, ctx, &r);
    bk_free(m);
    r.seconds = now_s() - t0;
    if (rc == SOLVER_OK)
        *res = r;
    return rc;
}

int solver_baseline_naive(const model_instance *inst, double time_limit_s, const char *mps_path,
                          solver_naive_progress_fn progress, void *ctx, solver_naive_result *res)
{
    if (!inst || !res)
        return SOLVER_EINVAL;
    for (int g = 0; g < inst->n_groups; g++)
        if (inst->groups[g].type_idx < 0 || inst->groups[g].type_idx >= inst->n_types)
            return SOLVER_EINVAL;
    double t0 = now_s();
    solver_naive_result r;
    memset(&r, 0, sizeof r);
    r.status = MODEL_STATUS_TIME_LIMIT;
    naive *nm = calloc(1, sizeof *nm);
    if (!nm)
        return SOLVER_ENOMEM;
    nm->inst = inst;
    nm->names = mps_path != NULL;
    int rc;
    long est = 0;
    if ((rc = enumerate(nm)) != SOLVER_OK || (rc = enumerate_u(nm, &est)) != SOLVER_OK) {
        naive_free(nm);
        free(nm);
        return rc;
    }
    if (est + (nm->xs.n + nm->ys.n + nm->rs.n) * 4 > SOLVER_NAIVE_MAX_NONZEROS) {
        r.too_large = true;
        r.n_cols = (int)(inst->n_groups + nm->xs.n + nm->ys.n + nm->rs.n + nm->n_u + 2);
        r.n_nonzeros = est + (nm->xs.n + nm->ys.n + nm->rs.n) * 4;
        r.build_seconds = r.seconds = now_s() - t0;
        naive_free(nm);
        free(nm);
        *res = r;
        return SOLVER_OK;
    }
    if (!(nm->m = bk_new("cohort_naive", 1))) {
        rc = SOLVER_EBACKEND;
        goto out;
    }
    if (nm->names)
        bk_keep_names(nm->m);
    if ((rc = add_columns(nm, &r.n_bin)) != SOLVER_OK || (rc = add_rows(nm)) != SOLVER_OK)
        goto out;
    r.n_cols = bk_ncols(nm->m);
    r.n_rows = bk_nrows(nm->m);
    r.n_nonzeros = nm->nnz;
    if (mps_path) {
        int we = bk_write(nm->m, mps_path);
        if (we != BK_OK) {
            rc = we == BK_EIO ? SOLVER_EIO : we == BK_ENOMEM ? SOLVER_ENOMEM : SOLVER_EBACKEND;
            goto out;
        }
    }
    r.build_seconds = now_s() - t0;
    if (time_limit_s > 0)
        rc = solve_prob(nm->m, time_limit_s, inst->settings.mip_gap, t0, progress, ctx, &r);
out:
    bk_free(nm->m);
    naive_free(nm);
    free(nm);
    r.seconds = now_s() - t0;
    if (rc == SOLVER_OK)
        *res = r;
    return rc;
}
