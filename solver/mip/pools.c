/* pools.c - the timetable model's availability-pool rows: valid
 * inequalities that keep a group's new members within what the start it
 * runs at can draw on.
 *
 * Each class k of waitlisted patients fits a set F_k of a free group's
 * candidates (the starts inside the class's windows) and adds at most ub_k
 * members (its count column's bound).  The model says n_k <= ub_k * (sum of
 * x_j over F_k) per class and sum n_k <= capn * (sum of all x_j), so its LP
 * can run a group a little at many starts and fill it from the pools of
 * all of them.  For a set T of classes, whichever single candidate j the
 * group runs at, only the classes of T that fit j can join, and no more
 * than capn of them:
 *
 *     sum over k in T of n_k  <=  sum over j of min(capn, a_T(j)) * x_j,
 *     a_T(j) = sum of ub_k over the k in T with j in F_k.
 *
 * Every integer point of the model satisfies it; the row is new only when
 * some a_T(j) exceeds capn (otherwise it is the sum of the classes' fit
 * rows) and some is below it (otherwise the capacity row implies it).  Two families of T per group: the classes whose starts all lie in
 * one class's starts (or in all of the group's), and the classes that fit
 * one candidate.  The first family compares every pair of classes; a
 * group with so many classes that this would take long (more than
 * POOL_WORK candidate comparisons) gets only the second. */
#include <stdlib.h>
#include <string.h>

#include "mip_build.h"

#define POOL_WORK 2e7

/* One free group's classes: their count columns, bounds and, per class,
 * which of the group's candidates it fits (fit[i * nc + j]). */
typedef struct gpool {
    int g, nc, nk;
    int *k, *col;
    double *ub;
    char *fit;
    char *in;   /* scratch: classes of the set T */
    double *a;  /* scratch: a_T per candidate */
} gpool;

static void gpool_free(gpool *p)
{
    free(p->k);
    free(p->col);
    free(p->ub);
    free(p->fit);
    free(p->in);
    free(p->a);
}

/* Does class C fit candidate c? */
static int class_fits(const sv_class *C, const sv_cand *c)
{
    for (int i = 0; i < C->n_ts; i++)
        if (C->ts[i] == c->ts)
            return 1;
    return 0;
}

/* Fill p for free group g.  0, or -1 when out of memory (p then holds
 * whatever was allocated, for gpool_free). */
static int gpool_init(const mb *b, int g, gpool *p)
{
    const sv_group *G = &b->pr->g[g];
    const model_out *mo = b->mo;
    int ng = b->pr->ng;
    memset(p, 0, sizeof *p);
    p->g = g;
    p->nc = G->n_cand;
    p->k = malloc(sizeof(int) * (size_t)(mo->ncls + 1));
    p->col = malloc(sizeof(int) * (size_t)(mo->ncls + 1));
    p->ub = malloc(sizeof(double) * (size_t)(mo->ncls + 1));
    p->fit = calloc((size_t)(mo->ncls + 1) * (size_t)(p->nc + 1), 1);
    p->in = calloc((size_t)(mo->ncls + 1), 1);
    p->a = malloc(sizeof(double) * (size_t)(p->nc + 1));
    if (!p->k || !p->col || !p->ub || !p->fit || !p->in || !p->a)
        return -1;
    for (int k = 0; k < mo->ncls; k++) {
        int col = mo->ncol[(size_t)k * ng + g];
        if (col < 0)
            continue;
        int i = p->nk++;
        p->k[i] = k;
        p->col[i] = col;
        bk_col_ub(b->m, col, &p->ub[i]);
        for (int j = 0; j < p->nc; j++)
            p->fit[(size_t)i * p->nc + j] =
                b->V[g][j].x >= 0 && class_fits(&mo->cls[k], &G->cand[j]);
    }
    return 0;
}

/* Is class i's candidate set within class s's (s < 0: any set is)? */
static int fits_within(const gpool *p, int i, int s)
{
    if (s < 0)
        return 1;
    for (int j = 0; j < p->nc; j++)
        if (p->fit[(size_t)i * p->nc + j] && !p->fit[(size_t)s * p->nc + j])
            return 0;
    return 1;
}

/* a_T per candidate for the set in p->in; 1 when the row is new: some
 * a_T(j) exceeds capn (else the classes' fit rows sum to it) and some
 * usable candidate's a_T(j) falls short of it (else it is the capacity
 * row or weaker); 0 otherwise. */
static int pool_sums(const mb *b, gpool *p, int capn)
{
    int exceeds = 0, short_of = 0;
    for (int j = 0; j < p->nc; j++) {
        double s = 0;
        for (int i = 0; i < p->nk; i++)
            if (p->in[i] && p->fit[(size_t)i * p->nc + j])
                s += p->ub[i];
        p->a[j] = s;
        exceeds |= s > capn;
        short_of |= s < capn && b->V[p->g][j].x >= 0;
    }
    return exceeds && short_of;
}

/* The row of the file comment for the set in p->in, when it is new. */
static int pool_row(mb *b, gpool *p, int capn, int *nrow)
{
    int rc = 0, n = 0;
    for (int i = 0; i < p->nk; i++)
        n += p->in[i];
    if (n < 2 || !pool_sums(b, p, capn))
        return 0;
    for (int i = 0; i < p->nk && !rc; i++)
        if (p->in[i])
            rc = mip_row_push(b, p->col[i], 1);
    for (int j = 0; j < p->nc && !rc; j++)
        if (p->a[j] > 0)
            rc = mip_row_push(b, b->V[p->g][j].x, -(p->a[j] < capn ? p->a[j] : capn));
    if (!rc)
        rc = mip_add_row(b, -BK_INF, 0, NULL, "pool_%s_%d", mip_gid(b, p->g), (*nrow)++);
    b->cn = 0;
    return rc;
}

/* Rows for the classes whose candidates lie within class s's (s = -1:
 * the whole group, which strengthens its capacity row).  A set equal to an
 * earlier class's is skipped. */
static int within_rows(mb *b, gpool *p, int capn, int *nrow)
{
    int rc = 0;
    for (int s = -1; s < p->nk && !rc; s++) {
        int dup = 0;
        for (int t = 0; t < s && !dup && s >= 0; t++)
            dup = fits_within(p, s, t) && fits_within(p, t, s);
        if (dup)
            continue;
        for (int i = 0; i < p->nk; i++)
            p->in[i] = (char)fits_within(p, i, s);
        rc = pool_row(b, p, capn, nrow);
    }
    return rc;
}

/* Rows for the classes that fit candidate j, one per usable candidate. */
static int candidate_rows(mb *b, gpool *p, int capn, int *nrow)
{
    int rc = 0;
    for (int j = 0; j < p->nc && !rc; j++) {
        if (b->V[p->g][j].x < 0)
            continue;
        for (int i = 0; i < p->nk; i++)
            p->in[i] = p->fit[(size_t)i * p->nc + j];
        rc = pool_row(b, p, capn, nrow);
    }
    return rc;
}

int mip_pool_rows(mb *b)
{
    const sv_prob *pr = b->pr;
    int rc = 0;
    if (b->elastic)
        return 0;
    for (int g = 0; g < pr->ng && !rc; g++) {
        const sv_group *G = &pr->g[g];
        int capn = sv_new_seats(G);
        if (!b->isfree[g] || capn <= 0)
            continue;
        gpool p;
        int nrow = 0;
        rc = gpool_init(b, g, &p);
        if (!rc && p.nk >= 2 && (double)p.nk * p.nk * p.nc <= POOL_WORK)
            rc = within_rows(b, &p, capn, &nrow);
        if (!rc && p.nk >= 2)
            rc = candidate_rows(b, &p, capn, &nrow);
        gpool_free(&p);
    }
    return rc;
}
