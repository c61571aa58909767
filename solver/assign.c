/* assign.c - exact patient assignment for a fixed timetable: a b-matching
 * (patient -> running group, capacity, min_size) with composition side rows
 * (high-acuity count, new-member share through the capacity, age spread as a
 * choice of age band per group).  Its LP is nearly integral. */
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

int sv_assign(const sv_prob *pr, sv_plan *pl, const char *groups_free, double time_limit)
{
    const model_instance *inst = pr->inst;
    int ng = pr->ng, np = pr->np;
    double we = pr->w->empty_seat;
    int rc = -SOLVER_ENOMEM;
    bk_model *m = NULL;
    bk_result res;
    memset(&res, 0, sizeof res);
    dyn row = {0};
    dyn bandlist = {0}; /* band columns (c) and their group (v) */
    /* y columns: pairs (p, g) */
    int npair = 0, cap_pair = 256;
    int *pp = malloc(sizeof(int) * (size_t)cap_pair), *pgp = malloc(sizeof(int) * (size_t)cap_pair);
    int *ycol = NULL;
    int *opencol = malloc(sizeof(int) * (size_t)(ng + 1));
    char *active = calloc((size_t)ng + 1, 1);
    char *pool = calloc((size_t)np + 1, 1);
    int *firstpair = malloc(sizeof(int) * (size_t)(ng + 1));
    int *lastpair = malloc(sizeof(int) * (size_t)(ng + 1));
    int *ages = malloc(sizeof(int) * (size_t)(np + 2));
    int *bandcol = malloc(sizeof(int) * (size_t)(np + 2));
    if (!pp || !pgp || !opencol || !active || !pool || !firstpair || !lastpair || !ages || !bandcol)
        goto out;
    for (int g = 0; g < ng; g++) {
        opencol[g] = -1;
        active[g] = pl->gs[g].cand >= 0 && (!groups_free || groups_free[g]);
    }
    for (int p = 0; p < np; p++) {
        int g = pl->pg[p];
        if (!pr->placeable[p])
            continue;
        if (g < 0 || pl->gs[g].cand < 0 || active[g]) {
            pool[p] = 1;
            pl->pg[p] = -1;
        }
    }
    /* y pairs, grouped by group */
    for (int g = 0; g < ng; g++) {
        firstpair[g] = npair;
        lastpair[g] = npair;
        if (!active[g])
            continue;
        for (int i = 0; i < pr->n_gpat[g]; i++) {
            int p = pr->gpat[g][i];
            if (!pool[p] || !sv_patient_fits(pr, p, g, pl->gs[g].cand))
                continue;
            if (npair == cap_pair) {
                cap_pair *= 2;
                int *a = realloc(pp, sizeof(int) * (size_t)cap_pair);
                if (!a)
                    goto out;
                pp = a;
                int *b = realloc(pgp, sizeof(int) * (size_t)cap_pair);
                if (!b)
                    goto out;
                pgp = b;
            }
            pp[npair] = p;
            pgp[npair] = g;
            npair++;
        }
        lastpair[g] = npair;
    }
    if (!(ycol = malloc(sizeof(int) * (size_t)(npair + 1))))
        goto out;
    m = bk_new("assign", 1);
    if (!m) {
        rc = -SOLVER_EBACKEND;
        goto out;
    }
    char name[300];
    double constant = 0;
    for (int k = 0; k < npair; k++) {
        snprintf(name, sizeof name, "y_%s_%s", inst->patients[pp[k]].id, inst->groups[pgp[k]].id);
        /* keeping a baseline member saves a change */
        double keep = sv_base_member(pr, pgp[k], pp[k]) ? pr->w->change : 0;
        ycol[k] = bk_col(m, name, BK_BIN, 0, 1, pr->value[pp[k]] + we + keep);
        if (ycol[k] < 0)
            goto backend;
    }
    for (int g = 0; g < ng; g++) {
        if (!active[g])
            continue;
        const sv_group *G = &pr->g[g];
        const model_group_type *ty = &inst->types[G->type];
        int ub = 1;
        if (G->cap < 0 || G->held > ty->max_size)
            ub = 0;
        if (G->must) {
            constant -= we * G->cap;
        } else {
            snprintf(name, sizeof name, "open_%s", inst->groups[g].id);
            opencol[g] = bk_col(m, name, BK_BIN, 0, ub, -we * G->cap);
            if (opencol[g] < 0)
                goto backend;
        }
    }
    /* each patient at most once */
    {
        /* gather pairs per patient via a sort of indices */
        /* counting sort of the pairs by patient */
        int *cnt = calloc((size_t)np + 1, sizeof(int));
        int *ord = malloc(sizeof(int) * (size_t)(npair + 1));
        if (!cnt || !ord) {
            free(cnt);
            free(ord);
            goto out;
        }
        for (int k = 0; k < npair; k++)
            cnt[pp[k] + 1]++;
        for (int p = 0; p < np; p++)
            cnt[p + 1] += cnt[p];
        for (int k = 0; k < npair; k++)
            ord[cnt[pp[k]]++] = k;
        int k = 0;
        int bad = 0;
        while (k < npair && !bad) {
            int p = pp[ord[k]];
            row.n = 0;
            while (k < npair && pp[ord[k]] == p) {
                if (dyn_push(&row, ycol[ord[k]], 1))
                    bad = 1;
                k++;
            }
            if (row.n > 1) {
                snprintf(name, sizeof name, "once_%s", inst->patients[p].id);
                if (bk_row(m, name, row.n, row.c, row.v, -BK_INF, 1) < 0)
                    bad = 2;
            }
        }
        free(cnt);
        free(ord);
        if (bad == 1)
            goto out;
        if (bad == 2)
            goto backend;
    }
    for (int g = 0; g < ng; g++) {
        if (!active[g])
            continue;
        const sv_group *G = &pr->g[g];
        const model_group_type *ty = &inst->types[G->type];
        const char *gid = inst->groups[g].id;
        int lo = firstpair[g], hi = lastpair[g];
        int capn = G->cap < G->max_new ? G->cap : G->max_new;
        if (capn < 0)
            capn = 0;
        int need = ty->min_size - G->held;
        /* capacity and min size */
        row.n = 0;
        for (int k = lo; k < hi; k++)
            if (dyn_push(&row, ycol[k], 1))
                goto out;
        if (opencol[g] >= 0) {
            if (dyn_push(&row, opencol[g], -capn))
                goto out;
            snprintf(name, sizeof name, "cap_%s", gid);
            if (bk_row(m, name, row.n, row.c, row.v, -BK_INF, 0) < 0)
                goto backend;
            if (need > 0) {
                row.v[row.n - 1] = -need;
                snprintf(name, sizeof name, "min_%s", gid);
                if (bk_row(m, name, row.n, row.c, row.v, 0, BK_INF) < 0)
                    goto backend;
            }
        } else {
            snprintf(name, sizeof name, "cap_%s", gid);
            if (bk_row(m, name, row.n, row.c, row.v, need > 0 ? need : -BK_INF, capn) < 0)
                goto backend;
        }
        if (G->max_new_high < SV_INF_INT) {
            row.n = 0;
            for (int k = lo; k < hi; k++)
                if (pr->high[pp[k]] && dyn_push(&row, ycol[k], 1))
                    goto out;
            if (row.n > G->max_new_high) {
                snprintf(name, sizeof name, "high_%s", gid);
                if (bk_row(m, name, row.n, row.c, row.v, -BK_INF, G->max_new_high) < 0)
                    goto backend;
            }
        }
        if (G->spread >= 0 && G->age_lo < 0 && hi > lo) {
            /* distinct ages among the candidates */
            int na = 0;
            for (int k = lo; k < hi; k++)
                ages[na++] = inst->patients[pp[k]].age;
            qsort(ages, (size_t)na, sizeof(int), int_cmp);
            int u = 0;
            for (int i = 0; i < na; i++)
                if (u == 0 || ages[u - 1] != ages[i])
                    ages[u++] = ages[i];
            na = u;
            int amin = ages[0], amax = ages[na - 1];
            if (G->held_age_min >= 0) {
                if (G->held_age_min < amin)
                    amin = G->held_age_min;
                if (G->held_age_max > amax)
                    amax = G->held_age_max;
            }
            if (amax - amin > G->spread && add_bands(m, pr, g, opencol[g], ages, na, pp, ycol,
                                                     lo, hi, bandcol, &row, name, sizeof name,
                                                     &bandlist))
                goto backend;
        }
    }
    if (bk_ncols(m) == 0) {
        /* nothing to decide: every active group must already reach min_size */
        for (int g = 0; g < ng; g++)
            if (active[g]) {
                const sv_group *G = &pr->g[g];
                if (G->held < inst->types[G->type].min_size || G->cap < 0) {
                    if (G->must) {
                        rc = 1;
                        goto out;
                    }
                    pl->gs[g].cand = -1;
                }
            }
        rc = 0;
        goto out;
    }
    {
        bk_params bp;
        memset(&bp, 0, sizeof bp);
        bp.time_limit = time_limit > 0.05 ? time_limit : 0.05;
        bp.gap = 1e-6;
        bp.verbose = pr->verbose > 1;
        bp.t0 = pr->t0;
        bp.label = "assign";
        bp.dive = 1;
        sv_log(pr, "assignment model: %d columns, %d rows", bk_ncols(m), bk_nrows(m));
        /* The b-matching with capacity, min-size and high-acuity rows is
         * totally unimodular once the age bands and the opening of optional
         * groups are fixed: take those from the LP, re-solve (an integral LP,
         * solved at the root), and fall back to the full MIP if that fails. */
        int e = BK_OK;
        int nstruct = bandlist.n;
        for (int g = 0; g < ng; g++)
            nstruct += opencol[g] >= 0;
        if (nstruct > 0) {
            bp.relax = 1;
            e = bk_solve(m, &bp, &res);
            bp.relax = 0;
            if (e == BK_OK && res.x) {
                /* the timetable opened these groups: keep them open */
                for (int g = 0; g < ng; g++)
                    if (opencol[g] >= 0 && pr->g[g].cap >= 0)
                        bk_set_bounds(m, opencol[g], 1, 1);
                for (int i = 0; i < bandlist.n; i++) {
                    int g = (int)bandlist.v[i];
                    int best = 1;
                    for (int k = 0; k < bandlist.n; k++)
                        if ((int)bandlist.v[k] == g && k != i &&
                            (res.x[bandlist.c[k]] > res.x[bandlist.c[i]] + 1e-9 ||
                             (k < i && res.x[bandlist.c[k]] >= res.x[bandlist.c[i]] - 1e-9)))
                            best = 0;
                    bk_set_bounds(m, bandlist.c[i], best, best);
                }
                bk_result_free(&res);
                bp.time_limit = time_limit * 0.5 > 0.05 ? time_limit * 0.5 : 0.05;
                e = bk_solve(m, &bp, &res);
                if (e == BK_OK && (res.status == BK_INFEASIBLE || !res.x)) {
                    /* free them again: the full MIP */
                    bk_result_free(&res);
                    for (int g = 0; g < ng; g++)
                        if (opencol[g] >= 0)
                            bk_set_bounds(m, opencol[g], 0, pr->g[g].cap < 0 ? 0 : 1);
                    for (int i = 0; i < bandlist.n; i++)
                        bk_set_bounds(m, bandlist.c[i], 0, 1);
                    e = bk_solve(m, &bp, &res);
                }
            } else {
                bk_result_free(&res);
            }
        } else {
            e = bk_solve(m, &bp, &res);
        }
        if (e != BK_OK) {
            rc = e == BK_ENOMEM ? -SOLVER_ENOMEM : -SOLVER_EBACKEND;
            goto out;
        }
        if (res.status == BK_INFEASIBLE || !res.x) {
            rc = 1;
            goto out;
        }
        for (int k = 0; k < npair; k++)
            if (res.x[ycol[k]] > 0.5)
                pl->pg[pp[k]] = pgp[k];
        for (int g = 0; g < ng; g++)
            if (opencol[g] >= 0 && res.x[opencol[g]] < 0.5) {
                pl->gs[g].cand = -1;
                pl->gs[g].prim = pl->gs[g].co = pl->gs[g].room = pl->gs[g].sub = -1;
            }
        (void)constant;
        rc = 0;
    }
    goto out;
backend:
    rc = -SOLVER_EBACKEND;
out:
    bk_result_free(&res);
    bk_free(m);
    free(row.c);
    free(row.v);
    free(bandlist.c);
    free(bandlist.v);
    free(pp);
    free(pgp);
    free(ycol);
    free(opencol);
    free(active);
    free(pool);
    free(firstpair);
    free(lastpair);
    free(ages);
    free(bandcol);
    return rc;
}
