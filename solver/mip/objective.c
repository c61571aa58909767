/* objective.c - the timetable model's terms beside placement value:
 * minimal-change penalties against a baseline, load balance between
 * facilitators, and symmetry breaking between interchangeable groups. */
#include <stdlib.h>

#include "mip_build.h"

/* Minimal change against a baseline: for a free group that ran in the
 * baseline, changes = (1 - open) + sum over its fields of (open - match);
 * for one that did not, open.  Fields the model has no column for (room,
 * facilitators, substitute in the aggregated model; the substitute without
 * substitute columns; members always) count as matched, so the model never
 * overstates what is kept and its bound stays valid. */
int mip_change_terms(mb *b, const char *isfree, double *constant)
{
    const sv_prob *pr = b->pr;
    double wc = pr->w->change;
    if (wc <= 0)
        return 0;
    *constant -= wc * pr->base_extra;
    for (int g = 0; g < pr->ng; g++) {
        if (!isfree[g])
            continue;
        const sv_group *G = &pr->g[g];
        const sv_base *B = &pr->base[g];
        if (!B->running) {
            for (int j = 0; j < G->n_cand; j++)
                if (b->V[g][j].x >= 0 && bk_add_obj(b->m, b->V[g][j].x, -wc))
                    return -1;
            continue;
        }
        *constant -= wc;
        int agg = b->o->agg, subs = b->o->with_subs && !agg;
        int fields = 2 + (B->parity >= 0) + (agg ? 0 : 2) + subs;
        for (int j = 0; j < G->n_cand; j++) {
            const jv *v = &b->V[g][j];
            if (v->x < 0)
                continue;
            const sv_cand *c = &G->cand[j];
            double coef = -wc * (fields - 1);
            coef += wc * (c->day == B->day) + wc * (c->start == B->start);
            if (B->parity >= 0)
                coef += wc * (c->parity == B->parity);
            if (bk_add_obj(b->m, v->x, coef))
                return -1;
            if (agg)
                continue;
            /* room: telehealth groups match (no room either side) */
            if (!G->inperson) {
                if (B->room == -1 && bk_add_obj(b->m, v->x, wc))
                    return -1;
            } else {
                for (int i = 0; i < c->n_room; i++)
                    if (v->q[i] >= 0 && c->room[i] == B->room && bk_add_obj(b->m, v->q[i], wc))
                        return -1;
            }
            /* facilitators list: primary (and co-facilitator) as before */
            if (!G->cofac && B->nfac == 1) {
                for (int i = 0; i < c->n_prim; i++)
                    if (v->w[i] >= 0 && c->prim[i] == B->prim && bk_add_obj(b->m, v->w[i], wc))
                        return -1;
            } else if (G->cofac && B->nfac == 2 && B->prim >= 0 && B->co >= 0) {
                int wi = -1, ci = -1;
                for (int i = 0; i < c->n_prim; i++)
                    if (v->w[i] >= 0 && c->prim[i] == B->prim)
                        wi = v->w[i];
                for (int i = 0; i < c->n_co; i++)
                    if (v->c[i] >= 0 && c->co[i] == B->co)
                        ci = v->c[i];
                if (wi >= 0 && ci >= 0) {
                    int z = mip_add_col(b, BK_CONT, 0, 1, wc, 0, "keepfac_%s", mip_gid(b, g));
                    if (z < 0 || mip_row_push(b, z, 1) || mip_row_push(b, wi, -1) ||
                        mip_add_row(b, -BK_INF, 0, NULL, "keepfac1_%s", mip_gid(b, g)) ||
                        mip_row_push(b, z, 1) || mip_row_push(b, ci, -1) ||
                        mip_add_row(b, -BK_INF, 0, NULL, "keepfac2_%s", mip_gid(b, g)))
                        return -1;
                }
            }
            if (subs)
                for (int i = 0; i < c->n_sub; i++)
                    if (v->b[i] >= 0 && c->sub[i] == B->sub && bk_add_obj(b->m, v->b[i], wc))
                        return -1;
        }
    }
    return 0;
}

/* Highest and lowest facilitator load in the plan (the start values of
 * the load columns). */
static int start_loads(const mb *b, double *smax, double *smin)
{
    const sv_prob *pr = b->pr;
    int nf = pr->nf;
    double *ld = calloc((size_t)nf + 1, sizeof(double));
    if (!ld)
        return -1;
    for (int f = 0; f < nf; f++)
        ld[f] = b->fload[f];
    for (int g = 0; g < pr->ng; g++) {
        const sv_gsol *s = &b->pl->gs[g];
        if (!b->isfree[g] || s->cand < 0)
            continue;
        double lw = pr->g[g].cand[s->cand].parity >= 0 ? 0.5 : 1.0;
        if (s->prim >= 0)
            ld[s->prim] += lw;
        if (s->co >= 0)
            ld[s->co] += lw;
    }
    *smax = 0;
    *smin = 1e9;
    for (int f = 0; f < nf; f++) {
        if (ld[f] > *smax)
            *smax = ld[f];
        if (ld[f] < *smin)
            *smin = ld[f];
    }
    free(ld);
    return 0;
}

/* lmax >= load(f) and lmin <= load(f) for facilitator f. */
static int load_rows(mb *b, int f)
{
    const entlist *L = &b->fent[f];
    model_out *mo = b->mo;
    int rc = mip_row_push(b, mo->lmax, 1);
    for (int i = 0; i < L->n && !rc; i++)
        if (L->e[i].lead)
            rc = mip_row_push(b, L->e[i].col, -L->e[i].lw);
    if (!rc)
        rc = mip_add_row(b, b->fload[f], BK_INF, NULL, "loadmax_%s", mip_fid(b, f));
    if (!rc)
        rc = mip_row_push(b, mo->lmin, 1);
    for (int i = 0; i < L->n && !rc; i++)
        if (L->e[i].lead)
            rc = mip_row_push(b, L->e[i].col, -L->e[i].lw);
    if (!rc)
        rc = mip_add_row(b, -BK_INF, b->fload[f], NULL, "loadmin_%s", mip_fid(b, f));
    return rc;
}

int mip_load_balance(mb *b)
{
    const sv_prob *pr = b->pr;
    const model_weights *w = pr->w;
    model_out *mo = b->mo;
    int rc = 0;
    mo->lmax = mo->lmin = -1;
    if (w->load_balance <= 0 || b->elastic || pr->nf <= 0 || b->o->agg)
        return 0;
    double smax, smin;
    if (start_loads(b, &smax, &smin))
        return -1;
    mo->lmax = mip_add_col(b, BK_CONT, 0, BK_INF, -w->load_balance, smax, "load_max");
    mo->lmin = mip_add_col(b, BK_CONT, 0, BK_INF, w->load_balance, smin, "load_min");
    if (mo->lmax < 0 || mo->lmin < 0)
        return -1;
    for (int f = 0; f < pr->nf && !rc; f++)
        rc = load_rows(b, f);
    return rc;
}

/* Free group g and the next free group h interchangeable with it: open(g)
 * >= open(h) for optional groups, and g's candidate position <= h's. */
static int symmetry_rows(mb *b, int g, int h)
{
    const sv_group *G = &b->pr->g[g];
    int sg = b->pl->gs[g].cand, sh = b->pl->gs[h].cand;
    int rc = 0;
    if (!G->must) {
        /* open(g) >= open(h) */
        for (int j = 0; j < G->n_cand && !rc; j++) {
            if (b->V[g][j].x >= 0)
                rc = mip_row_push(b, b->V[g][j].x, 1);
            if (!rc && b->V[h][j].x >= 0)
                rc = mip_row_push(b, b->V[h][j].x, -1);
        }
        if (!rc)
            rc = mip_add_row(b, 0, BK_INF, NULL, "sym_open_%s_%s", mip_gid(b, g), mip_gid(b, h));
        if ((sg < 0 && sh >= 0))
            b->start_ok = 0;
    }
    /* position(g) <= position(h) + n_cand * (1 - open(h)) */
    int M = G->n_cand;
    for (int j = 0; j < G->n_cand && !rc; j++) {
        if (b->V[g][j].x >= 0)
            rc = mip_row_push(b, b->V[g][j].x, j);
        if (!rc && b->V[h][j].x >= 0)
            rc = mip_row_push(b, b->V[h][j].x, -j + (G->must ? 0 : M));
    }
    if (!rc)
        rc = mip_add_row(b, -BK_INF, G->must ? 0 : M, NULL, "sym_pos_%s_%s", mip_gid(b, g), mip_gid(b, h));
    if (sg >= 0 && sh >= 0 && sg > sh)
        b->start_ok = 0;
    return rc;
}

int mip_symmetry(mb *b)
{
    const sv_prob *pr = b->pr;
    int rc = 0;
    for (int g = 0; g < pr->ng && !rc && !b->elastic; g++) {
        const sv_group *G = &pr->g[g];
        if (!b->isfree[g] || G->sym < 0)
            continue;
        int h = -1;
        for (int k = g + 1; k < pr->ng; k++)
            if (b->isfree[k] && pr->g[k].sym == G->sym) {
                h = k;
                break;
            }
        /* same candidate lists (same type, nothing pinned) */
        if (h >= 0 && pr->g[h].n_cand == G->n_cand)
            rc = symmetry_rows(b, g, h);
    }
    return rc;
}
