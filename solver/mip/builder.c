/* builder.c - the timetable model's builder primitives: the scratch row,
 * named columns with start values and branching priorities, rows with
 * elastic slacks, names, and what fixed groups block. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mip_build.h"

int mip_ent_push(entlist *l, ent x)
{
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 32;
        ent *a = realloc(l->e, sizeof(ent) * (size_t)nc);
        if (!a)
            return -1;
        l->e = a;
        l->cap = nc;
    }
    l->e[l->n++] = x;
    return 0;
}


int mip_row_push(mb *b, int col, double v)
{
    if (b->cn == b->ccap) {
        int nc = b->ccap ? b->ccap * 2 : 256;
        int *a = realloc(b->ci, sizeof(int) * (size_t)nc);
        if (!a)
            return -1;
        b->ci = a;
        double *d = realloc(b->cv, sizeof(double) * (size_t)nc);
        if (!d)
            return -1;
        b->cv = d;
        b->ccap = nc;
    }
    b->ci[b->cn] = col;
    b->cv[b->cn] = v;
    b->cn++;
    return 0;
}

int mip_add_col(mb *b, int kind, double lb, double ub, double obj, double startv, const char *fmt,
                   ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->name, sizeof b->name, fmt, ap);
    va_end(ap);
    int c = bk_col(b->m, b->name, b->elastic ? BK_CONT : kind, lb, ub, b->elastic ? 0 : obj);
    if (c < 0)
        return -1;
    if (c >= b->nstart) {
        int nc = b->nstart ? b->nstart * 2 : 1024;
        while (nc <= c)
            nc *= 2;
        double *a = realloc(b->start, sizeof(double) * (size_t)nc);
        if (!a)
            return -1;
        for (int i = b->nstart; i < nc; i++)
            a[i] = 0;
        b->start = a;
        int *pa = realloc(b->prio, sizeof(int) * (size_t)nc);
        if (!pa)
            return -1;
        for (int i = b->nstart; i < nc; i++)
            pa[i] = 0;
        b->prio = pa;
        b->nstart = nc;
    }
    b->start[c] = startv;
    b->prio[c] = b->name[0] == 'x' ? 3 : b->name[0] == 'b' && b->name[1] == 'a' ? 2 : 0;
    return c;
}

/* Finish the row in the scratch: lb <= sum <= ub.  In elastic mode a slack
 * (described by what) relaxes the upper side. */
int mip_add_row(mb *b, double lb, double ub, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->name, sizeof b->name, fmt, ap);
    va_end(ap);
    char rname[400];
    memcpy(rname, b->name, sizeof rname);
    if (b->elastic && what) {
        char sname[420];
        snprintf(sname, sizeof sname, "slack_%s", rname);
        /* not running a must-run group is the last resort: it hides the
         * rule that really fails */
        double pen = strncmp(rname, "run_", 4) == 0 ? -10.0 : -1.0;
        int s = bk_col(b->m, sname, BK_CONT, 0, BK_INF, pen);
        if (s < 0)
            return -1;
        /* upper side relaxed: sum - s <= ub; lower side relaxed: sum + s >= lb */
        if (mip_row_push(b, s, ub < BK_INF ? -1.0 : 1.0))
            return -1;
        if (b->nsl == b->capsl) {
            int nc = b->capsl ? b->capsl * 2 : 64;
            slackinfo *a = realloc(b->sl, sizeof(slackinfo) * (size_t)nc);
            if (!a)
                return -1;
            b->sl = a;
            b->capsl = nc;
        }
        b->sl[b->nsl].col = s;
        b->sl[b->nsl].what = model_strdup(what);
        if (!b->sl[b->nsl].what)
            return -1;
        b->nsl++;
    }
    int r = bk_row(b->m, rname, b->cn, b->ci, b->cv, lb, ub);
    b->cn = 0;
    return r < 0 ? -1 : 0;
}

const char *mip_gid(const mb *b, int g)
{
    return b->pr->inst->groups[g].id;
}
const char *mip_fid(const mb *b, int f)
{
    return b->pr->inst->facilitators[f].id;
}

void mip_cand_label(const sv_cand *c, char *buf, size_t n)
{
    char t[6];
    model_time_format(c->start, t);
    snprintf(buf, n, "%s_%c%c%c%c%s", model_day_name(c->day), t[0], t[1], t[3], t[4],
             c->parity < 0 ? "" : (c->parity ? "_odd" : "_even"));
}

/* Is resource x blocked at candidate c by a fixed group?  A facilitator as
 * lead (kind BLOCK_LEAD) by a fixed group it leads, co-leads or substitutes
 * for, as substitute (BLOCK_SUB) by one it leads or co-leads, both with the
 * break between them; a room (BLOCK_ROOM) by a fixed group in it. */
int mip_fixed_blocks(const mb *b, const char *isfree, const sv_cand *c, int x, int kind)
{
    const sv_prob *pr = b->pr;
    for (int h = 0; h < pr->ng; h++) {
        if (isfree[h])
            continue;
        const sv_gsol *t = &b->pl->gs[h];
        if (t->cand < 0)
            continue;
        bool uses = kind == BLOCK_ROOM ? t->room == x
                                       : t->prim == x || t->co == x ||
                                             (kind == BLOCK_LEAD && t->sub == x);
        if (uses && sv_overlap(c, &pr->g[h].cand[t->cand], kind == BLOCK_ROOM ? 0 : pr->brk))
            return 1;
    }
    return 0;
}

int mip_int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void slack_free(mb *b)
{
    for (int i = 0; i < b->nsl; i++)
        free(b->sl[i].what);
    free(b->sl);
    b->sl = NULL;
    b->nsl = 0;
}

void mip_free(mb *b, model_out *mo)
{
    if (b->V) {
        for (int g = 0; g < b->pr->ng; g++) {
            if (!b->V[g])
                continue;
            for (int j = 0; j < b->pr->g[g].n_cand; j++) {
                free(b->V[g][j].w);
                free(b->V[g][j].c);
                free(b->V[g][j].q);
                free(b->V[g][j].b);
            }
            free(b->V[g]);
        }
        free(b->V);
    }
    if (b->fent)
        for (int f = 0; f < b->pr->nf; f++)
            free(b->fent[f].e);
    free(b->fent);
    if (b->rent)
        for (int r = 0; r < b->pr->nr; r++)
            free(b->rent[r].e);
    free(b->rent);
    free(b->ci);
    free(b->cv);
    free(b->start);
    free(b->prio);
    slack_free(b);
    bk_free(b->m);
    if (mo) {
        free(mo->ncol);
        sv_classes_free(mo->cls, mo->ncls);
    }
}

