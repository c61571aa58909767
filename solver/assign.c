/* assign.c - exact patient assignment for a fixed timetable: a b-matching
 * (patient -> running group, capacity, min_size) with composition side rows
 * (high-acuity count, new-member share through the capacity, age spread as a
 * choice of age band per group).  Its LP is nearly integral. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "sv.h"

typedef struct dyn {
    int *c;
    double *v;
    int n, cap;
} dyn;

static int dyn_push(dyn *d, int c, double v)
{
    if (d->n == d->cap) {
        int nc = d->cap ? d->cap * 2 : 64;
        int *a = realloc(d->c, sizeof(int) * (size_t)nc);
        if (!a)
            return -1;
        d->c = a;
        double *b = realloc(d->v, sizeof(double) * (size_t)nc);
        if (!b)
            return -1;
        d->v = b;
        d->cap = nc;
    }
    d->c[d->n] = c;
    d->v[d->n] = v;
    d->n++;
    return 0;
}

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Age spread as a choice of band [s, s + spread] for group g: one binary per
 * admissible start s (a candidate's age, or the continuing members' youngest),
 * sum = open, and patients of age a only with a band covering a.  Returns 0 or
 * -1 on a backend/alloc failure. */
static int add_bands(bk_model *m, const sv_prob *pr, int g, int opencol, const int *ages, int na,
                     const int *pp, const int *ycol, int lo, int hi, int *bstart, dyn *row,
                     char *name, size_t nsz, dyn *bandlist)
{
    const sv_group *G = &pr->g[g];
    const model_instance *inst = pr->inst;
    const char *gid = inst->groups[g].id;
    int nb = 0;
    int *bcols = malloc(sizeof(int) * (size_t)(na + 2));
    if (!bcols)
        return -1;
    for (int i = 0; i <= na; i++) {
        int s;
        if (i < na)
            s = ages[i];
        else if (G->held_age_min >= 0)
            s = G->held_age_min;
        else
            break;
        if (G->held_age_min >= 0 && (s > G->held_age_min || s + G->spread < G->held_age_max))
            continue;
        int dup = 0;
        for (int b = 0; b < nb; b++)
            dup |= bstart[b] == s;
        if (dup)
            continue;
        snprintf(name, nsz, "band_%s_%d", gid, s);
        int col = bk_col(m, name, BK_BIN, 0, 1, 0);
        if (col < 0)
            goto fail;
        bcols[nb] = col;
        bstart[nb] = s;
        nb++;
        if (dyn_push(bandlist, col, g))
            goto fail;
    }
    row->n = 0;
    for (int b = 0; b < nb; b++)
        if (dyn_push(row, bcols[b], 1))
            goto fail;
    if (opencol >= 0) {
        if (dyn_push(row, opencol, -1))
            goto fail;
        snprintf(name, nsz, "band_%s", gid);
        if (bk_row(m, name, row->n, row->c, row->v, 0, 0) < 0)
            goto fail;
    } else {
        snprintf(name, nsz, "band_%s", gid);
        if (bk_row(m, name, row->n, row->c, row->v, -BK_INF, 1) < 0)
            goto fail;
    }
    /* each candidate only with a band covering their age */
    for (int k = lo; k < hi; k++) {
        int a = inst->patients[pp[k]].age;
        row->n = 0;
        if (dyn_push(row, ycol[k], 1))
            goto fail;
        for (int b = 0; b < nb; b++)
            if (bstart[b] <= a && a <= bstart[b] + G->spread)
                if (dyn_push(row, bcols[b], -1))
                    goto fail;
        snprintf(name, nsz, "age_%s_%s", gid, inst->patients[pp[k]].id);
        if (bk_row(m, name, row->n, row->c, row->v, -BK_INF, 0) < 0)
            goto fail;
    }
    free(bcols);
    return 0;
fail:
    free(bcols);
    return -1;
}

/* The assignment model of one call: the (patient, group) pairs, their
 * columns and what the rows need. */
typedef struct am {
    const sv_prob *pr;
    sv_plan *pl;
    bk_model *m;
    dyn row;
    dyn bandlist;        /* band columns (c) and their group (v) */
    int npair, cap_pair; /* y columns: pairs (pp[k], pgp[k]), grouped by group */
    int *pp, *pgp, *ycol;
    int *opencol;        /* per group: its "open" column (optional groups) or -1 */
    char *active;        /* per group: running and re-assigned here */
    char *pool;          /* per patient: to be (re)assigned */
    int *firstpair, *lastpair;
    int *ages, *bandcol; /* scratch for the age bands */
    char name[300];
} am;

static void am_free(am *a)
{
    bk_free(a->m);
    free(a->row.c);
    free(a->row.v);
    free(a->bandlist.c);
    free(a->bandlist.v);
    free(a->pp);
    free(a->pgp);
    free(a->ycol);
    free(a->opencol);
    free(a->active);
    free(a->pool);
    free(a->firstpair);
    free(a->lastpair);
    free(a->ages);
    free(a->bandcol);
}

/* Arrays of a; 0 or -1 (a is then freed by am_free). */
static int am_alloc(am *a, const sv_prob *pr, sv_plan *pl)
{
    int ng = pr->ng, np = pr->np;
    memset(a, 0, sizeof *a);
    a->pr = pr;
    a->pl = pl;
    a->cap_pair = 256;
    a->pp = malloc(sizeof(int) * (size_t)a->cap_pair);
    a->pgp = malloc(sizeof(int) * (size_t)a->cap_pair);
    a->opencol = malloc(sizeof(int) * (size_t)(ng + 1));
    a->active = calloc((size_t)ng + 1, 1);
    a->pool = calloc((size_t)np + 1, 1);
    a->firstpair = malloc(sizeof(int) * (size_t)(ng + 1));
    a->lastpair = malloc(sizeof(int) * (size_t)(ng + 1));
    a->ages = malloc(sizeof(int) * (size_t)(np + 2));
    a->bandcol = malloc(sizeof(int) * (size_t)(np + 2));
    if (!a->pp || !a->pgp || !a->opencol || !a->active || !a->pool || !a->firstpair ||
        !a->lastpair || !a->ages || !a->bandcol)
        return -1;
    return 0;
}

/* Active groups (running, and free when groups_free is given) and the pool
 * of patients to assign: every placeable patient not held by an inactive
 * running group, taken out of the plan. */
static void am_pool(am *a, const char *groups_free)
{
    const sv_prob *pr = a->pr;
    sv_plan *pl = a->pl;
    for (int g = 0; g < pr->ng; g++) {
        a->opencol[g] = -1;
        a->active[g] = pl->gs[g].cand >= 0 && (!groups_free || groups_free[g]);
    }
    for (int p = 0; p < pr->np; p++) {
        int g = pl->pg[p];
        if (!pr->placeable[p])
            continue;
        if (g < 0 || pl->gs[g].cand < 0 || a->active[g]) {
            a->pool[p] = 1;
            pl->pg[p] = -1;
        }
    }
}

static int am_pair_push(am *a, int p, int g)
{
    if (a->npair == a->cap_pair) {
        a->cap_pair *= 2;
        int *x = realloc(a->pp, sizeof(int) * (size_t)a->cap_pair);
        if (!x)
            return -1;
        a->pp = x;
        int *y = realloc(a->pgp, sizeof(int) * (size_t)a->cap_pair);
        if (!y)
            return -1;
        a->pgp = y;
    }
    a->pp[a->npair] = p;
    a->pgp[a->npair] = g;
    a->npair++;
    return 0;
}

/* The (patient, active group) pairs that fit, grouped by group. */
static int am_pairs(am *a)
{
    const sv_prob *pr = a->pr;
    for (int g = 0; g < pr->ng; g++) {
        a->firstpair[g] = a->lastpair[g] = a->npair;
        if (!a->active[g])
            continue;
        for (int i = 0; i < pr->n_gpat[g]; i++) {
            int p = pr->gpat[g][i];
            if (a->pool[p] && sv_patient_fits(pr, p, g, a->pl->gs[g].cand) && am_pair_push(a, p, g))
                return -1;
        }
        a->lastpair[g] = a->npair;
    }
    a->ycol = malloc(sizeof(int) * (size_t)(a->npair + 1));
    return a->ycol ? 0 : -1;
}

/* y columns per pair (value, empty seat filled, a kept baseline member)
 * and "open" columns of optional active groups.  0 or -SOLVER_EBACKEND. */
static int am_columns(am *a)
{
    const sv_prob *pr = a->pr;
    const model_instance *inst = pr->inst;
    double we = pr->w->empty_seat;
    for (int k = 0; k < a->npair; k++) {
        snprintf(a->name, sizeof a->name, "y_%s_%s", inst->patients[a->pp[k]].id,
                 inst->groups[a->pgp[k]].id);
        /* keeping a baseline member saves a change */
        double keep = sv_base_member(pr, a->pgp[k], a->pp[k]) ? pr->w->change : 0;
        a->ycol[k] = bk_col(a->m, a->name, BK_BIN, 0, 1, pr->value[a->pp[k]] + we + keep);
        if (a->ycol[k] < 0)
            return -SOLVER_EBACKEND;
    }
    for (int g = 0; g < pr->ng; g++) {
        const sv_group *G = &pr->g[g];
        if (!a->active[g] || G->must)
            continue;
        int ub = !(G->cap < 0 || G->held > inst->types[G->type].max_size);
        snprintf(a->name, sizeof a->name, "open_%s", inst->groups[g].id);
        a->opencol[g] = bk_col(a->m, a->name, BK_BIN, 0, ub, -we * G->cap);
        if (a->opencol[g] < 0)
            return -SOLVER_EBACKEND;
    }
    return 0;
}

/* Each patient at most once (pairs gathered per patient by a counting
 * sort).  0, -SOLVER_ENOMEM or -SOLVER_EBACKEND. */
static int am_once_rows(am *a)
{
    int np = a->pr->np, npair = a->npair, rc = 0;
    int *cnt = calloc((size_t)np + 1, sizeof(int));
    int *ord = malloc(sizeof(int) * (size_t)(npair + 1));
    if (!cnt || !ord) {
        free(cnt);
        free(ord);
        return -SOLVER_ENOMEM;
    }
    for (int k = 0; k < npair; k++)
        cnt[a->pp[k] + 1]++;
    for (int p = 0; p < np; p++)
        cnt[p + 1] += cnt[p];
    for (int k = 0; k < npair; k++)
        ord[cnt[a->pp[k]]++] = k;
    int k = 0;
    while (k < npair && !rc) {
        int p = a->pp[ord[k]];
        a->row.n = 0;
        for (; k < npair && a->pp[ord[k]] == p; k++)
            if (dyn_push(&a->row, a->ycol[ord[k]], 1))
                rc = -SOLVER_ENOMEM;
        if (!rc && a->row.n > 1) {
            snprintf(a->name, sizeof a->name, "once_%s", a->pr->inst->patients[p].id);
            if (bk_row(a->m, a->name, a->row.n, a->row.c, a->row.v, -BK_INF, 1) < 0)
                rc = -SOLVER_EBACKEND;
        }
    }
    free(cnt);
    free(ord);
    return rc;
}

/* Capacity and min_size of active group g (against its "open" column for
 * an optional group). */
static int am_size_rows(am *a, int g)
{
    const sv_group *G = &a->pr->g[g];
    const char *gid = a->pr->inst->groups[g].id;
    int capn = sv_new_seats(G);
    if (capn < 0)
        capn = 0;
    int need = a->pr->inst->types[G->type].min_size - G->held;
    dyn *row = &a->row;
    row->n = 0;
    for (int k = a->firstpair[g]; k < a->lastpair[g]; k++)
        if (dyn_push(row, a->ycol[k], 1))
            return -SOLVER_ENOMEM;
    snprintf(a->name, sizeof a->name, "cap_%s", gid);
    if (a->opencol[g] < 0)
        return bk_row(a->m, a->name, row->n, row->c, row->v, need > 0 ? need : -BK_INF, capn) < 0
                   ? -SOLVER_EBACKEND
                   : 0;
    if (dyn_push(row, a->opencol[g], -capn))
        return -SOLVER_ENOMEM;
    if (bk_row(a->m, a->name, row->n, row->c, row->v, -BK_INF, 0) < 0)
        return -SOLVER_EBACKEND;
    if (need > 0) {
        row->v[row->n - 1] = -need;
        snprintf(a->name, sizeof a->name, "min_%s", gid);
        if (bk_row(a->m, a->name, row->n, row->c, row->v, 0, BK_INF) < 0)
            return -SOLVER_EBACKEND;
    }
    return 0;
}

/* High-acuity new members of g <= max_new_high (when more could join). */
static int am_high_row(am *a, int g)
{
    const sv_group *G = &a->pr->g[g];
    if (G->max_new_high >= SV_INF_INT)
        return 0;
    a->row.n = 0;
    for (int k = a->firstpair[g]; k < a->lastpair[g]; k++)
        if (a->pr->high[a->pp[k]] && dyn_push(&a->row, a->ycol[k], 1))
            return -SOLVER_ENOMEM;
    if (a->row.n <= G->max_new_high)
        return 0;
    snprintf(a->name, sizeof a->name, "high_%s", a->pr->inst->groups[g].id);
    return bk_row(a->m, a->name, a->row.n, a->row.c, a->row.v, -BK_INF, G->max_new_high) < 0
               ? -SOLVER_EBACKEND
               : 0;
}

/* Age band of an age-spread group g when its candidates' (and continuing
 * members') ages span more than the spread. */
static int am_age_rows(am *a, int g)
{
    const sv_group *G = &a->pr->g[g];
    int lo = a->firstpair[g], hi = a->lastpair[g];
    if (G->spread < 0 || G->age_lo >= 0 || hi <= lo)
        return 0;
    /* distinct ages among the candidates */
    int na = 0;
    for (int k = lo; k < hi; k++)
        a->ages[na++] = a->pr->inst->patients[a->pp[k]].age;
    qsort(a->ages, (size_t)na, sizeof(int), int_cmp);
    int u = 0;
    for (int i = 0; i < na; i++)
        if (u == 0 || a->ages[u - 1] != a->ages[i])
            a->ages[u++] = a->ages[i];
    na = u;
    int amin = a->ages[0], amax = a->ages[na - 1];
    if (G->held_age_min >= 0) {
        if (G->held_age_min < amin)
            amin = G->held_age_min;
        if (G->held_age_max > amax)
            amax = G->held_age_max;
    }
    if (amax - amin > G->spread &&
        add_bands(a->m, a->pr, g, a->opencol[g], a->ages, na, a->pp, a->ycol, lo, hi, a->bandcol,
                  &a->row, a->name, sizeof a->name, &a->bandlist))
        return -SOLVER_EBACKEND;
    return 0;
}

/* Nothing to decide: every active group must already reach min_size; an
 * optional one that does not is closed.  0, or 1 for a must-run one. */
static int am_trivial(am *a)
{
    const sv_prob *pr = a->pr;
    for (int g = 0; g < pr->ng; g++) {
        const sv_group *G = &pr->g[g];
        if (!a->active[g] || (G->held >= pr->inst->types[G->type].min_size && G->cap >= 0))
            continue;
        if (G->must)
            return 1;
        a->pl->gs[g].cand = -1;
    }
    return 0;
}

/* Fix the opening of optional groups (those the timetable opened stay
 * open) and each age-spread group's band to the LP's largest.  Returns 1
 * when the LP's value of one of those columns differs from what it is
 * fixed to (the fixed model's optimum may then be below the MIP's), else
 * 0. */
static int am_fix_structure(am *a, const double *x)
{
    const sv_prob *pr = a->pr;
    const dyn *bl = &a->bandlist;
    int differs = 0;
    for (int g = 0; g < pr->ng; g++)
        if (a->opencol[g] >= 0 && pr->g[g].cap >= 0) {
            differs |= x[a->opencol[g]] < 1 - 1e-6;
            bk_set_bounds(a->m, a->opencol[g], 1, 1);
        }
    for (int i = 0; i < bl->n; i++) {
        int g = (int)bl->v[i];
        int best = 1;
        for (int k = 0; k < bl->n; k++)
            if ((int)bl->v[k] == g && k != i &&
                (x[bl->c[k]] > x[bl->c[i]] + 1e-9 || (k < i && x[bl->c[k]] >= x[bl->c[i]] - 1e-9)))
                best = 0;
        differs |= fabs(x[bl->c[i]] - best) > 1e-6;
        bk_set_bounds(a->m, bl->c[i], best, best);
    }
    return differs;
}

/* Free the opening and band columns again. */
static void am_free_structure(am *a)
{
    for (int g = 0; g < a->pr->ng; g++)
        if (a->opencol[g] >= 0)
            bk_set_bounds(a->m, a->opencol[g], 0, a->pr->g[g].cap < 0 ? 0 : 1);
    for (int i = 0; i < a->bandlist.n; i++)
        bk_set_bounds(a->m, a->bandlist.c[i], 0, 1);
}

/* The whole MIP, started from the fixed model's solution in *res, for at
 * most time_limit seconds; *res becomes its result when that is better.
 * A BK_* code (BK_OK also when the MIP found nothing better). */
static int am_improve(am *a, bk_params *bp, double time_limit, bk_result *res)
{
    bk_result r2;
    memset(&r2, 0, sizeof r2);
    am_free_structure(a);
    bp->start = res->x;
    bp->time_limit = time_limit > 0.05 ? time_limit : 0.05;
    int e = bk_solve(a->m, bp, &r2);
    bp->start = NULL;
    if (e == BK_OK && r2.x && r2.status != BK_INFEASIBLE && r2.obj > res->obj + 1e-7) {
        bk_result_free(res);
        *res = r2;
        return BK_OK;
    }
    bk_result_free(&r2);
    return e == BK_ENOMEM ? e : BK_OK;
}

/* The b-matching with capacity, min-size and high-acuity rows is totally
 * unimodular once the age bands and the opening of optional groups are
 * fixed: take those from the LP, re-solve (an integral LP, solved at the
 * root), and fall back to the full MIP if that fails.  When the LP did
 * not already choose those bands and openings, the full MIP then searches
 * from that solution for at most a second.  A BK_* code; *res holds the best solve. */
static int am_solve(am *a, double time_limit, bk_result *res)
{
    bk_params bp;
    memset(&bp, 0, sizeof bp);
    bp.time_limit = time_limit > 0.05 ? time_limit : 0.05;
    bp.deadline = a->pr->deadline;
    bp.gap = 1e-6;
    bp.verbose = a->pr->verbose > 1;
    bp.t0 = a->pr->t0;
    bp.label = "assign";
    bp.dive = 1;
    sv_log(a->pr, "assignment model: %d columns, %d rows", bk_ncols(a->m), bk_nrows(a->m));
    int nstruct = a->bandlist.n;
    for (int g = 0; g < a->pr->ng; g++)
        nstruct += a->opencol[g] >= 0;
    if (nstruct == 0)
        return bk_solve(a->m, &bp, res);
    bp.relax = 1;
    int e = bk_solve(a->m, &bp, res);
    bp.relax = 0;
    if (e != BK_OK || !res->x) {
        bk_result_free(res);
        return e;
    }
    int differs = am_fix_structure(a, res->x);
    bk_result_free(res);
    double half = time_limit * 0.5;
    bp.time_limit = half > 0.05 ? half : 0.05;
    e = bk_solve(a->m, &bp, res);
    if (e == BK_OK && (res->status == BK_INFEASIBLE || !res->x)) {
        bk_result_free(res);
        am_free_structure(a);
        return bk_solve(a->m, &bp, res);
    }
    if (e == BK_OK && differs)
        e = am_improve(a, &bp, half < 1.0 ? half : 1.0, res);
    return e;
}

/* Write the solution x into the plan: members, and optional groups left
 * closed stop running. */
static void am_read(am *a, const double *x)
{
    sv_plan *pl = a->pl;
    for (int k = 0; k < a->npair; k++)
        if (x[a->ycol[k]] > 0.5)
            pl->pg[a->pp[k]] = a->pgp[k];
    for (int g = 0; g < a->pr->ng; g++)
        if (a->opencol[g] >= 0 && x[a->opencol[g]] < 0.5) {
            pl->gs[g].cand = -1;
            pl->gs[g].prim = pl->gs[g].co = pl->gs[g].room = pl->gs[g].sub = -1;
        }
}

/* Build the model's columns and rows.  0 or a negative SOLVER code. */
static int am_build(am *a)
{
    int rc = am_pairs(a) ? -SOLVER_ENOMEM : 0;
    if (!rc && !(a->m = bk_new("assign", 1)))
        rc = -SOLVER_EBACKEND;
    if (!rc)
        rc = am_columns(a);
    if (!rc)
        rc = am_once_rows(a);
    for (int g = 0; g < a->pr->ng && !rc; g++) {
        if (!a->active[g])
            continue;
        rc = am_size_rows(a, g);
        if (!rc)
            rc = am_high_row(a, g);
        if (!rc)
            rc = am_age_rows(a, g);
    }
    return rc;
}

int sv_assign(const sv_prob *pr, sv_plan *pl, const char *groups_free, double time_limit)
{
    am a;
    bk_result res;
    memset(&res, 0, sizeof res);
    int rc = am_alloc(&a, pr, pl) ? -SOLVER_ENOMEM : 0;
    if (!rc) {
        am_pool(&a, groups_free);
        rc = am_build(&a);
    }
    if (!rc && bk_ncols(a.m) == 0) {
        rc = am_trivial(&a);
    } else if (!rc) {
        int e = am_solve(&a, time_limit, &res);
        if (e != BK_OK)
            rc = e == BK_ENOMEM ? -SOLVER_ENOMEM : -SOLVER_EBACKEND;
        else if (res.status == BK_INFEASIBLE || !res.x) {
            if (res.status != BK_INFEASIBLE)
                sv_log(pr, "assignment: no solution within its time");
            rc = 1;
        }
        else
            am_read(&a, res.x);
    }
    bk_result_free(&res);
    am_free(&a);
    return rc;
}
