/* mip.c - the timetable model: for every free group, binaries over its
 * feasible (day, start, parity) candidates and over who leads, co-leads,
 * substitutes and which room; conflicts as time-point rows ("at each start
 * time at most one group per facilitator / room", substitutes excluded from
 * leading at the same points); daily and weekly caps; waitlist demand
 * aggregated into classes of interchangeable patients (same fitting
 * candidates, acuity and, for age-spread types, age) with integer
 * class-to-group counts and sorted per-patient values (a concave value, so
 * the LP bound stays valid); capacity, min_size, new-member share,
 * high-acuity rows and an age band per age-spread group; load balance;
 * change penalties against a baseline; symmetry breaking between
 * interchangeable groups and "meets on day d" / "runs" columns branched on
 * first.  Groups not free keep their plan placement and only reduce what is
 * available (LNS neighbourhoods).
 *
 * With with_subs the model is exact: its solutions are schedules and its
 * bound bounds the true objective.  Without substitute columns the
 * substitute is chosen afterwards (sv_assign_subs) and the model is a
 * relaxation.  With agg the facilitator and room columns are replaced by
 * Hall-type counting rows (a relaxation whose LP bounds the objective).
 *
 * With elastic, the hard rows get penalised slack columns and the objective
 * only minimises slack; the slacks that stay positive name the rules that
 * cannot be met (diagnosis).
 *
 * The column and row families are built in solver/mip/ (mip_build.h);
 * this file orders them, solves and reads the timetable back. */
#include <stdlib.h>
#include <string.h>

#include "mip/mip_build.h"

/* Scratch of a build: per group, facilitator and room lists, the fixed
 * groups' loads and the pool of patients to place.  0 or -1. */
static int build_alloc(mb *b)
{
    const sv_prob *pr = b->pr;
    b->V = calloc((size_t)pr->ng + 1, sizeof(jv *));
    b->fent = calloc((size_t)pr->nf + 1, sizeof(entlist));
    b->rent = calloc((size_t)pr->nr + 1, sizeof(entlist));
    b->fload = calloc((size_t)pr->nf + 1, sizeof(double));
    b->fday = calloc((size_t)(pr->nf + 1) * 14, sizeof(int)); /* fixed leads per (f, par, day) */
    b->fweek = calloc((size_t)(pr->nf + 1) * 2, sizeof(int));
    b->pool = calloc((size_t)pr->np + 1, 1);
    if (!b->V || !b->fent || !b->rent || !b->fload || !b->fday || !b->fweek || !b->pool)
        return -1;
    return 0;
}

/* Free what only the build needs (the rest stays for extract). */
static void build_scratch_free(mb *b)
{
    free(b->fload);
    free(b->fday);
    free(b->fweek);
    free(b->pool);
    b->fload = NULL;
    b->fday = b->fweek = NULL;
    b->pool = NULL;
}

/* Build the model into b->m: the families in the order that fixes the
 * model's column and row numbering.  Returns 0, 1 when a must-run free
 * group has no usable candidate (infeasible), -1 on failure. */
static int build(mb *b, const char *isfree, model_out *mo)
{
    const sv_prob *pr = b->pr;
    b->isfree = isfree;
    b->mo = mo;
    int rc = build_alloc(b);
    if (!rc) {
        b->start_ok = 1;
        mip_fixed_constants(b);
        rc = mip_columns(b);
    }
    if (!rc)
        rc = mip_group_rows(b);
    if (!rc && pr->base && !b->elastic)
        rc = mip_change_terms(b, isfree, &mo->constant);
    if (!rc && b->o->agg)
        rc = mip_hall_rows(b, isfree);
    if (!rc)
        rc = mip_conflict_rows(b);
    if (!rc)
        rc = mip_cap_rows(b);
    if (!rc)
        rc = mip_demand(b);
    if (!rc)
        rc = mip_age_bands(b);
    if (!rc)
        rc = mip_size_rows(b);
    if (!rc)
        rc = mip_pool_rows(b);
    if (!rc)
        rc = mip_load_balance(b);
    if (!rc)
        rc = mip_symmetry(b);
    if (!rc)
        bk_set_obj_const(b->m, b->elastic ? 0 : mo->constant);
    build_scratch_free(b);
    return rc;
}

/* Read the timetable of the free groups from x. */
static void extract(const mb *b, const char *isfree, const double *x, sv_plan *pl)
{
    const sv_prob *pr = b->pr;
    for (int g = 0; g < pr->ng; g++) {
        if (!isfree[g])
            continue;
        const sv_group *G = &pr->g[g];
        sv_gsol *s = &pl->gs[g];
        s->cand = -1;
        s->prim = s->co = s->room = s->sub = -1;
        for (int j = 0; j < G->n_cand; j++) {
            const jv *v = &b->V[g][j];
            if (v->x < 0 || x[v->x] < 0.5)
                continue;
            const sv_cand *c = &G->cand[j];
            s->cand = j;
            for (int i = 0; i < c->n_prim; i++)
                if (v->w[i] >= 0 && x[v->w[i]] > 0.5)
                    s->prim = c->prim[i];
            for (int i = 0; G->cofac && i < c->n_co; i++)
                if (v->c[i] >= 0 && x[v->c[i]] > 0.5)
                    s->co = c->co[i];
            for (int i = 0; G->inperson && i < c->n_room; i++)
                if (v->q[i] >= 0 && x[v->q[i]] > 0.5)
                    s->room = c->room[i];
            for (int i = 0; b->o->with_subs && i < c->n_sub; i++)
                if (v->b[i] >= 0 && x[v->b[i]] > 0.5)
                    s->sub = c->sub[i];
            break;
        }
    }
    for (int p = 0; p < pr->np; p++) {
        int g = pl->pg[p];
        if (g >= 0 && isfree[g])
            pl->pg[p] = -1;
    }
}

/* Interchangeable free groups (same type and must flag, nothing held or
 * pinned) may swap placements and patients: order them as the symmetry rows
 * require (running first, by candidate), so the plan is a valid start. */
static int canonicalize(const sv_prob *pr, sv_plan *pl, const char *isfree)
{
    int ng = pr->ng;
    int *mem = malloc(sizeof(int) * (size_t)(ng + 1));
    sv_gsol *gs = malloc(sizeof(sv_gsol) * (size_t)(ng + 1));
    int *map = malloc(sizeof(int) * (size_t)(ng + 1));
    if (!mem || !gs || !map) {
        free(mem);
        free(gs);
        free(map);
        return -1;
    }
    for (int g = 0; g < ng; g++)
        map[g] = g;
    int changed = 0;
    for (int g = 0; g < ng; g++) {
        /* every class, by its first group, free or not: a neighbourhood that
         * fixes the first still frees others, and mip_symmetry orders those
         * (measured on mixed M seed 3: one neighbourhood in five then lost
         * its start and spent its whole time without an incumbent) */
        if (pr->g[g].sym != g)
            continue;
        int n = 0;
        for (int h = g; h < ng; h++)
            if (isfree[h] && pr->g[h].sym == g &&
                (n == 0 || pr->g[h].n_cand == pr->g[mem[0]].n_cand))
                mem[n++] = h;
        /* insertion sort of the members' solutions */
        for (int i = 0; i < n; i++)
            gs[i] = pl->gs[mem[i]];
        int *src = malloc(sizeof(int) * (size_t)(n + 1));
        if (!src)
            continue;
        for (int i = 0; i < n; i++)
            src[i] = mem[i];
        for (int i = 1; i < n; i++) {
            sv_gsol x = gs[i];
            int xs = src[i];
            int kx = x.cand < 0 ? 1 << 30 : x.cand;
            int k = i - 1;
            while (k >= 0 && (gs[k].cand < 0 ? 1 << 30 : gs[k].cand) > kx) {
                gs[k + 1] = gs[k];
                src[k + 1] = src[k];
                k--;
            }
            gs[k + 1] = x;
            src[k + 1] = xs;
        }
        for (int i = 0; i < n; i++) {
            if (src[i] != mem[i])
                changed = 1;
            pl->gs[mem[i]] = gs[i];
            map[src[i]] = mem[i];
        }
        free(src);
    }
    if (changed)
        for (int p = 0; p < pr->np; p++)
            if (pl->pg[p] >= 0)
                pl->pg[p] = map[pl->pg[p]];
    free(mem);
    free(gs);
    free(map);
    return 0;
}

int sv_mip_solve(const sv_prob *pr, sv_plan *pl, const sv_mip_opts *o, sv_mip_result *res)
{
    memset(res, 0, sizeof *res);
    res->status = 3;
    mb b;
    memset(&b, 0, sizeof b);
    b.pr = pr;
    b.pl = pl;
    b.o = o;
    model_out mo;
    memset(&mo, 0, sizeof mo);
    char *allfree = NULL;
    const char *isfree = o->free;
    if (!isfree) {
        if (!(allfree = malloc((size_t)pr->ng + 1)))
            return -SOLVER_ENOMEM;
        memset(allfree, 1, (size_t)pr->ng + 1);
        isfree = allfree;
    }
    int rc = 0;
    if (canonicalize(pr, pl, isfree)) {
        free(allfree);
        return -SOLVER_ENOMEM;
    }
    b.m = bk_new("cohort_timetable", 1);
    if (!b.m) {
        free(allfree);
        return -SOLVER_EBACKEND;
    }
    double tb0 = sv_now();
    int e = build(&b, isfree, &mo);
    sv_log(pr, "model built in %.2fs: %d columns, %d rows, %d classes", sv_now() - tb0,
           bk_ncols(b.m), bk_nrows(b.m), mo.ncls);
    if (e == 1) {
        res->status = 2;
        goto out;
    }
    if (e) {
        rc = -SOLVER_ENOMEM;
        goto out;
    }
    if (o->export_path) {
        int we = bk_write(b.m, o->export_path);
        if (we) {
            rc = we == BK_ENOMEM ? -SOLVER_ENOMEM : -SOLVER_EIO;
            goto out;
        }
    }
    if (o->no_solve)
        goto out;
    bk_params bp;
    memset(&bp, 0, sizeof bp);
    bp.time_limit = o->time_limit;
    bp.deadline = pr->deadline;
    bp.gap = o->gap;
    bp.polish = o->polish;
    bp.reach = o->reach;
    bp.verbose = pr->verbose;
    bp.t0 = pr->t0;
    bp.label = o->relax ? "timetable LP" : "timetable";
    bp.relax = o->relax;
    bp.cuts = o->cuts;
    bp.dive = o->dive;
    int have_start = b.start_ok && pl->gs && !o->relax;
    if (have_start) {
        /* the plan must satisfy the model: all must-run groups running */
        for (int g = 0; g < pr->ng; g++)
            if (isfree[g] && pr->g[g].must && pl->gs[g].cand < 0)
                have_start = 0;
    }
    if (!have_start && pl->gs && !o->relax)
        sv_log(pr, "timetable: the plan breaks a row of this model; solved without a start");
    bp.start = have_start ? b.start : NULL;
    bp.priority = b.prio;
    bk_result r;
    e = bk_solve(b.m, &bp, &r);
    if (e) {
        rc = e == BK_ENOMEM ? -SOLVER_ENOMEM : -SOLVER_EBACKEND;
        goto out;
    }
    res->bound = r.bound;
    if (r.status == BK_INFEASIBLE) {
        res->status = 2;
    } else if (r.x) {
        res->status = r.status == BK_OPTIMAL ? 0 : 1;
        res->obj = r.obj;
        if (!o->relax) {
            extract(&b, isfree, r.x, pl);
            res->improved = 1;
        }
    } else {
        res->status = 3;
    }
    bk_result_free(&r);
out:
    mip_free(&b, &mo);
    free(allfree);
    return rc;
}

/* Elastic diagnosis: every must-run group free, penalised slacks on the hard
 * rows; the slacks left positive name what cannot be met. */
int sv_diagnose_elastic(const sv_prob *pr, model_strlist *diag, double time_limit)
{
    mb b;
    memset(&b, 0, sizeof b);
    sv_plan empty;
    if (sv_plan_alloc(pr, &empty))
        return -1;
    sv_mip_opts o;
    memset(&o, 0, sizeof o);
    o.with_subs = 1;
    b.pr = pr;
    b.pl = &empty;
    b.o = &o;
    b.elastic = 1;
    model_out mo;
    memset(&mo, 0, sizeof mo);
    char *allfree = malloc((size_t)pr->ng + 1);
    int n0 = diag->n;
    int rc = 0;
    if (!allfree) {
        sv_plan_free(&empty);
        return -1;
    }
    memset(allfree, 1, (size_t)pr->ng + 1);
    b.m = bk_new("cohort_elastic", 1);
    if (!b.m || build(&b, allfree, &mo)) {
        rc = -1;
        goto out;
    }
    /* integer placements: turn the x columns back to binaries by solving the
     * LP only; a positive slack in the LP already proves the rule cannot be
     * met by any fractional (hence integer) timetable */
    bk_params bp;
    memset(&bp, 0, sizeof bp);
    bp.time_limit = time_limit > 0.5 ? time_limit : 0.5;
    bp.relax = 1;
    bp.t0 = pr->t0;
    bp.verbose = pr->verbose;
    bp.label = "diagnosis";
    bk_result r;
    if (bk_solve(b.m, &bp, &r)) {
        rc = -1;
        goto out;
    }
    if (r.x) {
        for (int i = 0; i < b.nsl; i++)
            if (r.x[b.sl[i].col] > 1e-6 && model_strlist_find(diag, b.sl[i].what) < 0)
                if (model_strlist_push(diag, b.sl[i].what)) {
                    rc = -1;
                    break;
                }
    }
    bk_result_free(&r);
out:
    mip_free(&b, &mo);
    free(allfree);
    sv_plan_free(&empty);
    return rc < 0 ? rc : diag->n - n0;
}

