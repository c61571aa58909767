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
 * cannot be met (diagnosis). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "sv.h"

typedef struct ent {
    int col;
    int g;
    int day, pmask, start, end;
    int lead; /* 1 lead/co-lead, 0 substitute */
    double lw;
} ent;

typedef struct entlist {
    ent *e;
    int n, cap;
} entlist;

static int ent_push(entlist *l, ent x)
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

typedef struct jv {
    int x;
    int *w, *c, *q, *b; /* per candidate list entry, -1 = not a column */
} jv;

typedef struct slackinfo {
    int col;
    char *what;
} slackinfo;

typedef struct mb {
    const sv_prob *pr;
    const sv_plan *pl;
    const sv_mip_opts *o;
    bk_model *m;
    jv **V;
    entlist *fent; /* per facilitator */
    entlist *rent; /* per room */
    int *ci, cn, ccap; /* row scratch */
    double *cv;
    char name[400];
    int elastic;
    slackinfo *sl;
    int nsl, capsl;
    int *prio;
    /* start solution */
    double *start;
    int nstart;
    int start_ok;
} mb;

static int row_push(mb *b, int col, double v)
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

static int add_col(mb *b, int kind, double lb, double ub, double obj, double startv, const char *fmt,
                   ...) __attribute__((format(printf, 7, 8)));
static int add_col(mb *b, int kind, double lb, double ub, double obj, double startv, const char *fmt,
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
static int add_row(mb *b, double lb, double ub, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int add_row(mb *b, double lb, double ub, const char *what, const char *fmt, ...)
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
        if (row_push(b, s, ub < BK_INF ? -1.0 : 1.0))
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

static const char *gid(const mb *b, int g)
{
    return b->pr->inst->groups[g].id;
}
static const char *fid(const mb *b, int f)
{
    return b->pr->inst->facilitators[f].id;
}

static void cand_label(const sv_cand *c, char *buf, size_t n)
{
    char t[6];
    model_time_format(c->start, t);
    snprintf(buf, n, "%s_%c%c%c%c%s", model_day_name(c->day), t[0], t[1], t[3], t[4],
             c->parity < 0 ? "" : (c->parity ? "_odd" : "_even"));
}

enum { BLOCK_LEAD, BLOCK_SUB, BLOCK_ROOM };

/* Is resource x blocked at candidate c by a fixed group?  A facilitator as
 * lead (kind BLOCK_LEAD) by a fixed group it leads, co-leads or substitutes
 * for, as substitute (BLOCK_SUB) by one it leads or co-leads, both with the
 * break between them; a room (BLOCK_ROOM) by a fixed group in it. */
static int fixed_blocks(const mb *b, const char *isfree, const sv_cand *c, int x, int kind)
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

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Time-point rows for one resource's entries. */
static int resource_rows(mb *b, const entlist *L, int brk, const char *kind, const char *rid,
                         int with_subs_rows)
{
    const sv_prob *pr = b->pr;
    if (L->n == 0)
        return 0;
    int *starts = malloc(sizeof(int) * (size_t)L->n);
    int *prev = malloc(sizeof(int) * (size_t)L->n);
    if (!starts || !prev) {
        free(starts);
        free(prev);
        return -1;
    }
    int rc = 0;
    for (int d = 0; d < 7 && !rc; d++) {
        int any_bi = 0, any = 0;
        for (int i = 0; i < L->n; i++)
            if (L->e[i].day == d) {
                any = 1;
                any_bi |= L->e[i].pmask != 3 && pr->nparity == 2;
            }
        if (!any)
            continue;
        for (int par = 0; par < pr->nparity && !rc; par++) {
            if (par == 1 && !any_bi)
                break;
            int ns = 0;
            for (int i = 0; i < L->n; i++)
                if (L->e[i].day == d && (L->e[i].pmask & (1 << par)))
                    starts[ns++] = L->e[i].start;
            qsort(starts, (size_t)ns, sizeof(int), int_cmp);
            int nprev = 0;
            for (int k = 0; k < ns && !rc; k++) {
                if (k > 0 && starts[k] == starts[k - 1])
                    continue;
                int tau = starts[k];
                int nl = 0, nsub = 0;
                for (int i = 0; i < L->n; i++) {
                    const ent *e = &L->e[i];
                    if (e->day != d || !(e->pmask & (1 << par)) || e->start > tau ||
                        tau >= e->end + brk)
                        continue;
                    if (e->lead)
                        nl++;
                    else
                        nsub++;
                }
                if (nl + nsub < 2 || nl == 0)
                    continue;
                /* skip a row equal to the previous one (same entry set) */
                int same = 0, cnt = 0;
                if (nprev > 0) {
                    same = 1;
                    for (int i = 0; i < L->n && same; i++) {
                        const ent *e = &L->e[i];
                        int in = e->day == d && (e->pmask & (1 << par)) && e->start <= tau &&
                                 tau < e->end + brk;
                        if (in) {
                            if (cnt >= nprev || prev[cnt] != i)
                                same = 0;
                            cnt++;
                        }
                    }
                    same = same && cnt == nprev;
                }
                if (same)
                    continue;
                nprev = 0;
                for (int i = 0; i < L->n; i++) {
                    const ent *e = &L->e[i];
                    if (e->day == d && (e->pmask & (1 << par)) && e->start <= tau &&
                        tau < e->end + brk)
                        prev[nprev++] = i;
                }
                char tb[6], what[300];
                model_time_format(tau, tb);
                if (nl >= 2) {
                    for (int i = 0; i < nprev && !rc; i++)
                        if (L->e[prev[i]].lead)
                            rc = row_push(b, L->e[prev[i]].col, 1);
                    snprintf(what, sizeof what, "%s %s would be needed by two groups at once on %s "
                                                "at %s%s",
                             kind, rid, model_day_name(d), tb,
                             pr->nparity == 2 ? (par ? " (odd weeks)" : " (even weeks)") : "");
                    if (!rc)
                        rc = add_row(b, -BK_INF, 1, what, "%s_%s_%s_%c%c%c%c_p%d", kind, rid,
                                     model_day_name(d), tb[0], tb[1], tb[3], tb[4], par);
                }
                if (!rc && nsub > 0 && nl > 0 && with_subs_rows) {
                    /* substitute of g at tau excludes leading anything at tau:
                     * sum of g's substitute columns + leads <= 1, per group */
                    for (int i = 0; i < nprev && !rc; i++) {
                        const ent *e = &L->e[prev[i]];
                        if (e->lead)
                            continue;
                        int first = 1;
                        for (int k2 = 0; k2 < i; k2++)
                            if (!L->e[prev[k2]].lead && L->e[prev[k2]].g == e->g)
                                first = 0;
                        if (!first)
                            continue;
                        for (int k2 = i; k2 < nprev && !rc; k2++) {
                            const ent *o = &L->e[prev[k2]];
                            if (!o->lead && o->g == e->g)
                                rc = row_push(b, o->col, 1);
                        }
                        for (int k2 = 0; k2 < nprev && !rc; k2++)
                            if (L->e[prev[k2]].lead)
                                rc = row_push(b, L->e[prev[k2]].col, 1);
                        snprintf(what, sizeof what, "facilitator %s would be substitute of group "
                                                    "%s while leading another group on %s at %s",
                                 rid, pr->inst->groups[e->g].id, model_day_name(d), tb);
                        if (!rc)
                            rc = add_row(b, -BK_INF, 1, what, "sub_%s_%s_%s_%c%c%c%c_p%d", rid,
                                         pr->inst->groups[e->g].id, model_day_name(d), tb[0],
                                         tb[1], tb[3], tb[4], par);
                    }
                }
            }
        }
    }
    free(starts);
    free(prev);
    return rc;
}

static void slack_free(mb *b)
{
    for (int i = 0; i < b->nsl; i++)
        free(b->sl[i].what);
    free(b->sl);
    b->sl = NULL;
    b->nsl = 0;
}

typedef struct model_out {
    int *ncol;      /* per (class, group) column or -1: flat nclass*ng */
    sv_class *cls;
    int ncls;
    int lmax, lmin;
    double constant;
} model_out;

/* ------------------------------------------------- aggregated relaxation */

typedef struct hset {
    char *mem; /* nf or nr flags */
    int room;
} hset;

static int set_find_add(hset **sets, int *n, int *cap, const char *mem, int len, int room)
{
    for (int i = 0; i < *n; i++)
        if ((*sets)[i].room == room && memcmp((*sets)[i].mem, mem, (size_t)len) == 0)
            return i;
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        hset *a = realloc(*sets, sizeof(hset) * (size_t)nc);
        if (!a)
            return -1;
        *sets = a;
        *cap = nc;
    }
    char *m = malloc((size_t)len + 1);
    if (!m)
        return -1;
    memcpy(m, mem, (size_t)len);
    (*sets)[*n].mem = m;
    (*sets)[*n].room = room;
    return (*n)++;
}

static int subset(const char *a, const char *b, int len)
{
    for (int i = 0; i < len; i++)
        if (a[i] && !b[i])
            return 0;
    return 1;
}

static int point_avail(const model_window *w, int n, int d, int tau)
{
    for (int i = 0; i < n; i++)
        if (w[i].day == d && w[i].from <= tau && tau < w[i].to)
            return 1;
    return 0;
}

/* Hall-type rows replacing the facilitator and room columns: at every start
 * time, the roles needing people from a set S (groups whose every possible
 * primary / co-facilitator is in S) are at most the members of S available
 * then (and for a group's own candidate set one more: its substitute);
 * rooms likewise; daily and weekly caps summed over S.  All are implied by
 * any feasible schedule, so the model stays a relaxation. */
static int hall_rows(mb *b, const char *isfree)
{
    const sv_prob *pr = b->pr;
    const model_instance *inst = pr->inst;
    int ng = pr->ng, nf = pr->nf, nr = pr->nr;
    int rc = 0;
    char *P = calloc((size_t)ng * (size_t)(nf + 1) + 1, 1);
    char *C = calloc((size_t)ng * (size_t)(nf + 1) + 1, 1);
    char *R = calloc((size_t)ng * (size_t)(nr + 1) + 1, 1);
    char *SB = calloc((size_t)ng * (size_t)(nf + 1) + 1, 1);
    char *U = calloc((size_t)nf + 1, 1);
    int *pset = malloc(sizeof(int) * (size_t)(ng + 1));
    int *gmax = calloc((size_t)ng + 1, sizeof(int));
    int *starts = malloc(sizeof(int) * 4096);
    hset *sets = NULL;
    int nsets = 0, capsets = 0;
    if (!P || !C || !R || !SB || !U || !pset || !gmax || !starts) {
        rc = -1;
        goto out;
    }
    for (int g = 0; g < ng; g++) {
        const sv_group *G = &pr->g[g];
        char *pg = &P[(size_t)g * (nf + 1)], *cg = &C[(size_t)g * (nf + 1)];
        char *rg = &R[(size_t)g * (nr + 1)];
        pset[g] = -1;
        if (!isfree[g])
            continue;
        for (int j = 0; j < G->n_cand; j++) {
            if (b->V[g][j].x < 0)
                continue;
            const sv_cand *c = &G->cand[j];
            for (int i = 0; i < c->n_prim; i++)
                pg[c->prim[i]] = 1;
            for (int i = 0; i < c->n_sub; i++)
                SB[(size_t)g * (nf + 1) + c->sub[i]] = 1;
            for (int i = 0; G->cofac && i < c->n_co; i++)
                cg[c->co[i]] = 1;
            for (int i = 0; G->inperson && i < c->n_room; i++)
                rg[c->room[i]] = 1;
        }
        if ((pset[g] = set_find_add(&sets, &nsets, &capsets, pg, nf, 0)) < 0) {
            rc = -1;
            goto out;
        }
        if (G->cofac) {
            char *un = malloc((size_t)nf + 1);
            if (!un || set_find_add(&sets, &nsets, &capsets, cg, nf, 0) < 0) {
                free(un);
                rc = -1;
                goto out;
            }
            for (int f = 0; f < nf; f++)
                un[f] = pg[f] || cg[f];
            int e = set_find_add(&sets, &nsets, &capsets, un, nf, 0);
            free(un);
            if (e < 0) {
                rc = -1;
                goto out;
            }
        }
        if (G->inperson && set_find_add(&sets, &nsets, &capsets, rg, nr, 1) < 0) {
            rc = -1;
            goto out;
        }
    }
    memset(U, 1, (size_t)nf);
    if (nf > 0 && set_find_add(&sets, &nsets, &capsets, U, nf, 0) < 0) {
        rc = -1;
        goto out;
    }
    for (int d = 0; d < 7 && !rc; d++) {
        for (int par = 0; par < pr->nparity && !rc; par++) {
            int ns = 0;
            for (int g = 0; g < ng && ns < 4000; g++) {
                if (!isfree[g])
                    continue;
                for (int j = 0; j < pr->g[g].n_cand && ns < 4000; j++) {
                    const sv_cand *c = &pr->g[g].cand[j];
                    if (b->V[g][j].x >= 0 && c->day == d && (c->pmask & (1 << par)))
                        starts[ns++] = c->start;
                }
            }
            qsort(starts, (size_t)ns, sizeof(int), int_cmp);
            for (int k = 0; k < ns && !rc; k++) {
                if (k > 0 && starts[k] == starts[k - 1])
                    continue;
                int tau = starts[k];
                char tb[6];
                model_time_format(tau, tb);
                for (int si = 0; si < nsets && !rc; si++) {
                    const hset *S = &sets[si];
                    int len = S->room ? nr : nf;
                    int avail = 0;
                    for (int i = 0; i < len; i++) {
                        if (!S->mem[i])
                            continue;
                        if (S->room)
                            avail += point_avail(inst->rooms[i].available,
                                                 inst->rooms[i].n_available, d, tau);
                        else
                            avail += point_avail(inst->facilitators[i].available,
                                                 inst->facilitators[i].n_available, d, tau);
                    }
                    int maxlhs = 0;
                    for (int g = 0; g < ng; g++)
                        gmax[g] = 0;
                    for (int g = 0; g < ng && !rc; g++) {
                        if (!isfree[g])
                            continue;
                        const sv_group *G = &pr->g[g];
                        int coef;
                        if (S->room)
                            coef = G->inperson && subset(&R[(size_t)g * (nr + 1)], S->mem, nr);
                        else
                            coef = subset(&P[(size_t)g * (nf + 1)], S->mem, nf) +
                                   (G->cofac && subset(&C[(size_t)g * (nf + 1)], S->mem, nf));
                        if (!coef)
                            continue;
                        for (int j = 0; j < G->n_cand && !rc; j++) {
                            const sv_cand *c = &G->cand[j];
                            if (b->V[g][j].x < 0 || c->day != d || !(c->pmask & (1 << par)) ||
                                c->start > tau || tau >= c->end)
                                continue;
                            rc = row_push(b, b->V[g][j].x, coef);
                            gmax[g] = coef;
                        }
                        maxlhs += gmax[g];
                    }
                    if (rc)
                        break;
                    if (maxlhs > avail) {
                        rc = add_row(b, -BK_INF, avail, NULL, "hall%s_s%d_%s_%c%c%c%c_p%d",
                                     S->room ? "room" : "fac", si, model_day_name(d), tb[0], tb[1],
                                     tb[3], tb[4], par);
                    } else {
                        b->cn = 0;
                    }
                    if (rc || S->room)
                        continue;
                    /* a group whose candidate set is S also needs its substitute */
                    for (int h = 0; h < ng && !rc; h++) {
                        if (!isfree[h] || pset[h] != si || !gmax[h] ||
                            !subset(&SB[(size_t)h * (nf + 1)], S->mem, nf))
                            continue;
                        if (maxlhs + 1 <= avail)
                            continue;
                        for (int g = 0; g < ng && !rc; g++) {
                            if (!gmax[g])
                                continue;
                            const sv_group *G = &pr->g[g];
                            for (int j = 0; j < G->n_cand && !rc; j++) {
                                const sv_cand *c = &G->cand[j];
                                if (b->V[g][j].x < 0 || c->day != d ||
                                    !(c->pmask & (1 << par)) || c->start > tau || tau >= c->end)
                                    continue;
                                rc = row_push(b, b->V[g][j].x, gmax[g] + (g == h));
                            }
                        }
                        if (!rc)
                            rc = add_row(b, -BK_INF, avail, NULL, "hallsub_%s_%s_%c%c%c%c_p%d",
                                         gid(b, h), model_day_name(d), tb[0], tb[1], tb[3], tb[4],
                                         par);
                    }
                }
            }
        }
    }
    /* caps over a set: daily and weekly */
    for (int si = 0; si < nsets && !rc; si++) {
        const hset *S = &sets[si];
        if (S->room)
            continue;
        long capd = 0, capw = 0;
        for (int f = 0; f < nf; f++)
            if (S->mem[f]) {
                capd += pr->maxday[f];
                capw += pr->maxweek[f];
            }
        for (int par = 0; par < pr->nparity && !rc; par++) {
            for (int d = -1; d < 7 && !rc; d++) {
                int maxlhs = 0;
                for (int g = 0; g < ng && !rc; g++) {
                    if (!isfree[g])
                        continue;
                    const sv_group *G = &pr->g[g];
                    int coef = subset(&P[(size_t)g * (nf + 1)], S->mem, nf) +
                               (G->cofac && subset(&C[(size_t)g * (nf + 1)], S->mem, nf));
                    if (!coef)
                        continue;
                    int any = 0;
                    for (int j = 0; j < G->n_cand && !rc; j++) {
                        const sv_cand *c = &G->cand[j];
                        if (b->V[g][j].x < 0 || (d >= 0 && c->day != d) ||
                            !(c->pmask & (1 << par)))
                            continue;
                        rc = row_push(b, b->V[g][j].x, coef);
                        any = 1;
                    }
                    maxlhs += any ? coef : 0;
                }
                long cap = d >= 0 ? capd : capw;
                if (!rc && maxlhs > cap)
                    rc = add_row(b, -BK_INF, (double)cap, NULL, "hallcap_s%d_%s_p%d", si,
                                 d >= 0 ? model_day_name(d) : "week", par);
                else
                    b->cn = 0;
            }
        }
    }
out:
    for (int i = 0; i < nsets; i++)
        free(sets[i].mem);
    free(sets);
    free(P);
    free(C);
    free(R);
    free(SB);
    free(U);
    free(pset);
    free(gmax);
    free(starts);
    return rc;
}

/* Minimal change against a baseline: for a free group that ran in the
 * baseline, changes = (1 - open) + sum over its fields of (open - match);
 * for one that did not, open.  Fields the model has no column for (room,
 * facilitators, substitute in the aggregated model; the substitute without
 * substitute columns; members always) count as matched, so the model never
 * overstates what is kept and its bound stays valid. */
static int change_terms(mb *b, const char *isfree, double *constant)
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
                    int z = add_col(b, BK_CONT, 0, 1, wc, 0, "keepfac_%s", gid(b, g));
                    if (z < 0 || row_push(b, z, 1) || row_push(b, wi, -1) ||
                        add_row(b, -BK_INF, 0, NULL, "keepfac1_%s", gid(b, g)) ||
                        row_push(b, z, 1) || row_push(b, ci, -1) ||
                        add_row(b, -BK_INF, 0, NULL, "keepfac2_%s", gid(b, g)))
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

/* Build the model into b->m.  Returns 0, 1 when a must-run free group has no
 * usable candidate (infeasible), -1 on failure. */
static int build(mb *b, const char *isfree, model_out *mo)
{
    const sv_prob *pr = b->pr;
    const model_instance *inst = pr->inst;
    const sv_plan *pl = b->pl;
    const model_weights *w = pr->w;
    int ng = pr->ng, nf = pr->nf, nr = pr->nr;
    int elastic = b->elastic;
    double we = w->empty_seat;
    char lab[64];
    int rc = 0;
    b->V = calloc((size_t)ng + 1, sizeof(jv *));
    b->fent = calloc((size_t)nf + 1, sizeof(entlist));
    b->rent = calloc((size_t)nr + 1, sizeof(entlist));
    double *fload = calloc((size_t)nf + 1, sizeof(double));
    int *fday = calloc((size_t)(nf + 1) * 14, sizeof(int));  /* fixed leads per (f, par, day) */
    int *fweek = calloc((size_t)(nf + 1) * 2, sizeof(int));
    char *pool = calloc((size_t)pr->np + 1, 1);
    if (!b->V || !b->fent || !b->rent || !fload || !fday || !fweek || !pool) {
        rc = -1;
        goto out;
    }
    b->start_ok = 1;
    /* constants of fixed groups */
    mo->constant = 0;
    for (int g = 0; g < ng; g++) {
        const sv_gsol *s = &pl->gs[g];
        if (isfree[g] || s->cand < 0)
            continue;
        const sv_cand *c = &pr->g[g].cand[s->cand];
        double lw = c->parity >= 0 ? 0.5 : 1.0;
        mo->constant -= we * pr->g[g].cap;
        int fs[2] = {s->prim, s->co};
        for (int k = 0; k < 2; k++) {
            int f = fs[k];
            if (f < 0)
                continue;
            fload[f] += lw;
            for (int par = 0; par < pr->nparity; par++)
                if (c->pmask & (1 << par)) {
                    fday[(f * 2 + par) * 7 + c->day]++;
                    fweek[f * 2 + par]++;
                }
        }
    }
    for (int p = 0; p < pr->np; p++) {
        int g = pl->pg[p];
        if (!pr->placeable[p])
            continue;
        if (g >= 0 && pl->gs[g].cand >= 0 && !isfree[g])
            mo->constant += pr->value[p] + we;
        else
            pool[p] = 1;
    }
    /* columns per free group */
    for (int g = 0; g < ng && !rc; g++) {
        if (!isfree[g])
            continue;
        const sv_group *G = &pr->g[g];
        const sv_gsol *s = &pl->gs[g];
        b->V[g] = calloc((size_t)G->n_cand + 1, sizeof(jv));
        if (!b->V[g]) {
            rc = -1;
            break;
        }
        int any = 0;
        for (int j = 0; j < G->n_cand && !rc; j++) {
            const sv_cand *c = &G->cand[j];
            jv *v = &b->V[g][j];
            v->x = -1;
            v->w = malloc(sizeof(int) * (size_t)(c->n_prim + 1));
            v->c = malloc(sizeof(int) * (size_t)(c->n_co + 1));
            v->q = malloc(sizeof(int) * (size_t)(c->n_room + 1));
            v->b = malloc(sizeof(int) * (size_t)(c->n_sub + 1));
            if (!v->w || !v->c || !v->q || !v->b) {
                rc = -1;
                break;
            }
            int np_ = 0, nc_ = 0, nq_ = 0, nb_ = 0;
            for (int i = 0; i < c->n_prim; i++)
                np_ += (v->w[i] = fixed_blocks(b, isfree, c, c->prim[i], BLOCK_LEAD) ? -2 : 0) == 0;
            for (int i = 0; i < c->n_co; i++)
                nc_ += (v->c[i] = fixed_blocks(b, isfree, c, c->co[i], BLOCK_LEAD) ? -2 : 0) == 0;
            for (int i = 0; i < c->n_room; i++)
                nq_ += (v->q[i] = fixed_blocks(b, isfree, c, c->room[i], BLOCK_ROOM) ? -2 : 0) == 0;
            for (int i = 0; i < c->n_sub; i++)
                nb_ += (v->b[i] = fixed_blocks(b, isfree, c, c->sub[i], BLOCK_SUB) ? -2 : 0) == 0;
            int excluded = b->o->only && b->o->only[g] != -1 && b->o->only[g] != j;
            if (excluded || np_ == 0 || (G->cofac && nc_ == 0) || (G->inperson && nq_ == 0) ||
                nb_ == 0) {
                if (s->cand == j)
                    b->start_ok = 0;
                for (int i = 0; i < c->n_prim; i++)
                    v->w[i] = -1;
                for (int i = 0; i < c->n_co; i++)
                    v->c[i] = -1;
                for (int i = 0; i < c->n_room; i++)
                    v->q[i] = -1;
                for (int i = 0; i < c->n_sub; i++)
                    v->b[i] = -1;
                continue;
            }
            any = 1;
            cand_label(c, lab, sizeof lab);
            int chosen = s->cand == j;
            double lw = c->parity >= 0 ? 0.5 : 1.0;
            v->x = add_col(b, BK_BIN, 0, 1, -we * G->cap, chosen, "x_%s_%s", gid(b, g), lab);
            if (v->x < 0) {
                rc = -1;
                break;
            }
            struct {
                int *col, *list, n, lead;
                const char *pfx;
                int cur;
            } roles[4] = {{v->w, c->prim, c->n_prim, 1, "w", s->prim},
                          {v->c, c->co, c->n_co, 1, "c", s->co},
                          {v->q, c->room, G->inperson ? c->n_room : 0, 1, "q", s->room},
                          {v->b, c->sub, b->o->with_subs ? c->n_sub : 0, 0, "b", s->sub}};
            if (!G->cofac)
                roles[1].n = 0;
            if (b->o->agg)
                roles[0].n = roles[1].n = roles[2].n = roles[3].n = 0;
            for (int k = 0; k < 4 && !rc; k++) {
                for (int i = 0; i < roles[k].n && !rc; i++) {
                    if (roles[k].col[i] != 0) {
                        roles[k].col[i] = -1;
                        continue;
                    }
                    int id = roles[k].list[i];
                    const char *nm = k == 2 ? inst->rooms[id].id : fid(b, id);
                    int st = chosen && roles[k].cur == id;
                    int col = add_col(b, BK_BIN, 0, 1, 0, st, "%s_%s_%s_%s", roles[k].pfx,
                                      gid(b, g), lab, nm);
                    if (col < 0) {
                        rc = -1;
                        break;
                    }
                    roles[k].col[i] = col;
                    ent e = {col, g, c->day, c->pmask, c->start, c->end, roles[k].lead, lw};
                    if (k == 2)
                        rc = ent_push(&b->rent[id], e);
                    else
                        rc = ent_push(&b->fent[id], e);
                }
                for (int i = roles[k].n; i < (k == 0   ? c->n_prim
                                              : k == 1 ? c->n_co
                                              : k == 2 ? c->n_room
                                                       : c->n_sub);
                     i++)
                    roles[k].col[i] = -1;
            }
            if (rc)
                break;
            /* the plan's choice must exist for the start solution */
            if (chosen && !b->o->agg) {
                int okp = 0, okc = !G->cofac, okq = !G->inperson, okb = !b->o->with_subs;
                for (int i = 0; i < c->n_prim; i++)
                    okp |= c->prim[i] == s->prim && v->w[i] >= 0;
                for (int i = 0; i < c->n_co && G->cofac; i++)
                    okc |= c->co[i] == s->co && v->c[i] >= 0;
                for (int i = 0; i < c->n_room && G->inperson; i++)
                    okq |= c->room[i] == s->room && v->q[i] >= 0;
                for (int i = 0; i < c->n_sub && b->o->with_subs; i++)
                    okb |= c->sub[i] == s->sub && v->b[i] >= 0;
                if (!(okp && okc && okq && okb))
                    b->start_ok = 0;
            }
        }
        if (rc)
            break;
        if (!any && G->must && !elastic) {
            rc = 1;
            break;
        }
        if (s->cand < 0 && G->must)
            b->start_ok = 0;
    }
    if (rc)
        goto out;
    /* per (group, candidate): roles sum to x; one role per person */
    for (int g = 0; g < ng && !rc; g++) {
        if (!isfree[g])
            continue;
        const sv_group *G = &pr->g[g];
        const char *gi = gid(b, g);
        for (int j = 0; j < G->n_cand && !rc && !b->o->agg; j++) {
            const sv_cand *c = &G->cand[j];
            const jv *v = &b->V[g][j];
            if (v->x < 0)
                continue;
            cand_label(c, lab, sizeof lab);
            struct {
                const int *col;
                int n;
                const char *pfx;
            } roles[4] = {{v->w, c->n_prim, "lead"},
                          {v->c, G->cofac ? c->n_co : 0, "colead"},
                          {v->q, G->inperson ? c->n_room : 0, "room"},
                          {v->b, b->o->with_subs ? c->n_sub : 0, "subst"}};
            for (int k = 0; k < 4 && !rc; k++) {
                if (roles[k].n == 0)
                    continue;
                for (int i = 0; i < roles[k].n && !rc; i++)
                    if (roles[k].col[i] >= 0)
                        rc = row_push(b, roles[k].col[i], 1);
                if (!rc)
                    rc = row_push(b, v->x, -1);
                if (!rc)
                    rc = add_row(b, 0, 0, NULL, "%s_%s_%s", roles[k].pfx, gi, lab);
            }
            /* one person, one role */
            for (int i = 0; i < c->n_prim && !rc; i++) {
                int f = c->prim[i];
                if (v->w[i] < 0)
                    continue;
                int extra = 0;
                for (int k = 0; G->cofac && k < c->n_co; k++)
                    if (c->co[k] == f && v->c[k] >= 0)
                        extra += row_push(b, v->c[k], 1) == 0;
                for (int k = 0; b->o->with_subs && k < c->n_sub; k++)
                    if (c->sub[k] == f && v->b[k] >= 0)
                        extra += row_push(b, v->b[k], 1) == 0;
                if (extra == 0)
                    continue;
                rc = row_push(b, v->w[i], 1);
                if (!rc)
                    rc = row_push(b, v->x, -1);
                if (!rc)
                    rc = add_row(b, -BK_INF, 0, NULL, "onerole_%s_%s_%s", gi, lab, fid(b, f));
            }
            for (int i = 0; G->cofac && b->o->with_subs && i < c->n_co && !rc; i++) {
                int f = c->co[i];
                if (v->c[i] < 0)
                    continue;
                int extra = 0;
                for (int k = 0; k < c->n_sub; k++)
                    if (c->sub[k] == f && v->b[k] >= 0)
                        extra += row_push(b, v->b[k], 1) == 0;
                if (extra == 0)
                    continue;
                rc = row_push(b, v->c[i], 1);
                if (!rc)
                    rc = row_push(b, v->x, -1);
                if (!rc)
                    rc = add_row(b, -BK_INF, 0, NULL, "onerole2_%s_%s_%s", gi, lab, fid(b, f));
            }
        }
        /* open: exactly one candidate for must-run, at most one otherwise */
        int nx = 0;
        for (int j = 0; j < G->n_cand && !rc; j++)
            if (b->V[g][j].x >= 0) {
                rc = row_push(b, b->V[g][j].x, 1);
                nx++;
            }
        if (rc)
            break;
        char what[300];
        snprintf(what, sizeof what, "group %s (must run) cannot be given a day, start, room and "
                                    "facilitators alongside the others",
                 gi);
        if (G->must && !elastic) {
            rc = add_row(b, 1, 1, NULL, "run_%s", gi);
        } else if (G->must) {
            int *ci = malloc(sizeof(int) * (size_t)(b->cn + 1));
            int cn = b->cn;
            if (!ci) {
                rc = -1;
                break;
            }
            memcpy(ci, b->ci, sizeof(int) * (size_t)cn);
            rc = add_row(b, -BK_INF, 1, NULL, "one_%s", gi);
            for (int i = 0; i < cn && !rc; i++)
                rc = row_push(b, ci[i], 1);
            free(ci);
            if (!rc)
                rc = add_row(b, 1, BK_INF, what, "run_%s", gi);
        } else {
            rc = add_row(b, -BK_INF, 1, NULL, "run_%s", gi);
        }
        (void)nx;
        /* branching aids: "g meets on day d" (and for optional groups "g
         * runs"), branched on before the candidates */
        int ndays = 0, dmask = 0;
        for (int j = 0; j < G->n_cand; j++)
            if (b->V[g][j].x >= 0 && !(dmask & (1 << G->cand[j].day))) {
                dmask |= 1 << G->cand[j].day;
                ndays++;
            }
        for (int d = 0; d < 7 && !rc && !elastic && ndays > 1; d++) {
            if (!(dmask & (1 << d)))
                continue;
            double st = pl->gs[g].cand >= 0 && G->cand[pl->gs[g].cand].day == d;
            int col = add_col(b, BK_BIN, 0, 1, 0, st, "day_%s_%s", gi, model_day_name(d));
            if (col < 0) {
                rc = -1;
                break;
            }
            b->prio[col] = 5;
            rc = row_push(b, col, -1);
            for (int j = 0; j < G->n_cand && !rc; j++)
                if (b->V[g][j].x >= 0 && G->cand[j].day == d)
                    rc = row_push(b, b->V[g][j].x, 1);
            if (!rc)
                rc = add_row(b, 0, 0, NULL, "dayrow_%s_%s", gi, model_day_name(d));
        }
        if (!G->must && !elastic && !rc && nx > 1) {
            int col = add_col(b, BK_BIN, 0, 1, 0, pl->gs[g].cand >= 0, "open_%s", gi);
            if (col < 0) {
                rc = -1;
                break;
            }
            b->prio[col] = 6;
            rc = row_push(b, col, -1);
            for (int j = 0; j < G->n_cand && !rc; j++)
                if (b->V[g][j].x >= 0)
                    rc = row_push(b, b->V[g][j].x, 1);
            if (!rc)
                rc = add_row(b, 0, 0, NULL, "openrow_%s", gi);
        }
    }
    if (rc)
        goto out;
    if (pr->base && !elastic && (rc = change_terms(b, isfree, &mo->constant)) != 0)
        goto out;
    if (b->o->agg && (rc = hall_rows(b, isfree)) != 0)
        goto out;
    /* conflicts */
    for (int f = 0; f < nf && !rc; f++)
        rc = resource_rows(b, &b->fent[f], pr->brk, "facilitator", fid(b, f), b->o->with_subs);
    for (int r = 0; r < nr && !rc; r++)
        rc = resource_rows(b, &b->rent[r], 0, "room", inst->rooms[r].id, 0);
    if (rc)
        goto out;
    /* caps */
    for (int f = 0; f < nf && !rc; f++) {
        const entlist *L = &b->fent[f];
        for (int par = 0; par < pr->nparity && !rc; par++) {
            int nweek = 0;
            for (int d = 0; d < 7 && !rc; d++) {
                int n = 0;
                for (int i = 0; i < L->n && !rc; i++) {
                    const ent *e = &L->e[i];
                    if (e->lead && e->day == d && (e->pmask & (1 << par))) {
                        rc = row_push(b, e->col, 1);
                        n++;
                    }
                }
                nweek += n;
                int rhs = pr->maxday[f] - fday[(f * 2 + par) * 7 + d];
                /* at most one candidate per group counts, so compare with the
                 * number of distinct groups would be tighter; keep it simple */
                if (n > rhs && !rc) {
                    char what[300];
                    snprintf(what, sizeof what, "facilitator %s would lead more than %d groups on "
                                                "%s (max_per_day)",
                             fid(b, f), pr->maxday[f], model_day_name(d));
                    rc = add_row(b, -BK_INF, rhs, what, "capday_%s_%s_p%d", fid(b, f),
                                 model_day_name(d), par);
                } else {
                    b->cn = 0;
                }
            }
            int rhs = pr->maxweek[f] - fweek[f * 2 + par];
            if (nweek > rhs && !rc) {
                for (int i = 0; i < L->n && !rc; i++)
                    if (L->e[i].lead && (L->e[i].pmask & (1 << par)))
                        rc = row_push(b, L->e[i].col, 1);
                char what[300];
                snprintf(what, sizeof what, "facilitator %s would lead more than %d groups a week "
                                            "(max_per_week)",
                         fid(b, f), pr->maxweek[f]);
                if (!rc)
                    rc = add_row(b, -BK_INF, rhs, what, "capweek_%s_p%d", fid(b, f), par);
            }
        }
    }
    if (rc)
        goto out;
    /* demand classes */
    if (sv_classes_build(pr, pool, &mo->cls, &mo->ncls)) {
        rc = -1;
        goto out;
    }
    mo->ncol = malloc(sizeof(int) * ((size_t)mo->ncls * (size_t)ng + 1));
    if (!mo->ncol) {
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < (size_t)mo->ncls * (size_t)ng; i++)
        mo->ncol[i] = -1;
    {
        /* plan counts per (class, group) for the start solution */
        int *cls_of = malloc(sizeof(int) * (size_t)(pr->np + 1));
        int *cnt = calloc((size_t)mo->ncls * (size_t)ng + 1, sizeof(int));
        char *tsin = calloc((size_t)pr->nts + 1, 1);
        if (!cls_of || !cnt || !tsin) {
            free(cls_of);
            free(cnt);
            free(tsin);
            rc = -1;
            goto out;
        }
        for (int p = 0; p < pr->np; p++)
            cls_of[p] = -1;
        for (int k = 0; k < mo->ncls; k++)
            for (int i = 0; i < mo->cls[k].n; i++)
                cls_of[mo->cls[k].pat[i]] = k;
        for (int p = 0; p < pr->np; p++) {
            int g = pl->pg[p];
            if (g >= 0 && isfree[g] && pl->gs[g].cand >= 0 && cls_of[p] >= 0)
                cnt[(size_t)cls_of[p] * ng + g]++;
            else if (g >= 0 && isfree[g] && pl->gs[g].cand >= 0)
                b->start_ok = 0;
        }
        for (int k = 0; k < mo->ncls && !rc; k++) {
            const sv_class *C = &mo->cls[k];
            for (int i = 0; i < C->n_ts; i++)
                tsin[C->ts[i]] = 1;
            int total_start = 0;
            for (int g = 0; g < ng && !rc; g++) {
                if (!isfree[g])
                    continue;
                const sv_group *G = &pr->g[g];
                int capn = G->cap < G->max_new ? G->cap : G->max_new;
                if (capn <= 0)
                    continue;
                int nfit = 0;
                for (int j = 0; j < G->n_cand; j++)
                    if (b->V[g][j].x >= 0 && tsin[G->cand[j].ts])
                        nfit++;
                if (nfit == 0)
                    continue;
                int ub = C->n;
                if (G->age_lo >= 0) {
                    ub = 0;
                    for (int i = 0; i < C->n; i++) {
                        int a = inst->patients[C->pat[i]].age;
                        ub += a >= G->age_lo && a <= G->age_hi;
                    }
                }
                if (C->high && G->max_new_high < ub)
                    ub = G->max_new_high;
                if (capn < ub)
                    ub = capn;
                if (ub <= 0)
                    continue;
                int st = cnt[(size_t)k * ng + g];
                total_start += st;
                int col = add_col(b, ub == 1 ? BK_BIN : BK_INT, 0, ub, 0, st, "n_%s_c%d", gid(b, g),
                                  k);
                if (col < 0) {
                    rc = -1;
                    break;
                }
                mo->ncol[(size_t)k * ng + g] = col;
                /* n <= ub * sum of fitting candidates */
                rc = row_push(b, col, 1);
                for (int j = 0; j < G->n_cand && !rc; j++)
                    if (b->V[g][j].x >= 0 && tsin[G->cand[j].ts])
                        rc = row_push(b, b->V[g][j].x, -ub);
                if (!rc)
                    rc = add_row(b, -BK_INF, 0, NULL, "fit_%s_c%d", gid(b, g), k);
            }
            for (int i = 0; i < C->n_ts; i++)
                tsin[C->ts[i]] = 0;
            if (rc)
                break;
            /* class total = sum of its (sorted) patients' u */
            int any = 0;
            for (int g = 0; g < ng && !rc; g++)
                if (mo->ncol[(size_t)k * ng + g] >= 0) {
                    rc = row_push(b, mo->ncol[(size_t)k * ng + g], 1);
                    any = 1;
                }
            if (!any || rc)
                continue;
            int cn_save = b->cn;
            int *tmpc = malloc(sizeof(int) * (size_t)cn_save);
            if (!tmpc) {
                rc = -1;
                break;
            }
            memcpy(tmpc, b->ci, sizeof(int) * (size_t)cn_save);
            b->cn = 0;
            int ucols0 = -1;
            for (int i = 0; i < C->n && !rc; i++) {
                int p = C->pat[i];
                int col = add_col(b, BK_CONT, 0, 1, pr->value[p] + we, i < total_start,
                                  "u_c%d_%s", k, inst->patients[p].id);
                if (col < 0)
                    rc = -1;
                if (i == 0)
                    ucols0 = col;
            }
            if (rc) {
                free(tmpc);
                break;
            }
            for (int i = 0; i < cn_save && !rc; i++)
                rc = row_push(b, tmpc[i], 1);
            for (int i = 0; i < C->n && !rc; i++)
                rc = row_push(b, ucols0 + i, -1);
            free(tmpc);
            if (!rc)
                rc = add_row(b, 0, 0, NULL, "class_c%d", k);
        }
        free(cls_of);
        free(cnt);
        free(tsin);
    }
    if (rc)
        goto out;
    /* age spread: a band [a, a + spread] per group, chosen with the slot */
    for (int g = 0; g < ng && !rc; g++) {
        const sv_group *G = &pr->g[g];
        if (!isfree[g] || G->spread < 0 || G->age_lo >= 0)
            continue;
        int na = 0, amin = G->held_age_min, amax = G->held_age_max;
        int *starts = malloc(sizeof(int) * (size_t)(mo->ncls + 2));
        int *bcol = malloc(sizeof(int) * (size_t)(mo->ncls + 2));
        if (!starts || !bcol) {
            free(starts);
            free(bcol);
            rc = -1;
            break;
        }
        for (int k = 0; k < mo->ncls; k++) {
            int a = mo->cls[k].age;
            if (mo->ncol[(size_t)k * ng + g] < 0 || a < 0)
                continue;
            if (amin < 0 || a < amin)
                amin = a;
            if (amax < 0 || a > amax)
                amax = a;
            int dup = 0;
            for (int i = 0; i < na && !dup; i++)
                dup = starts[i] == a;
            if (!dup)
                starts[na++] = a;
        }
        if (amin < 0 || amax - amin <= G->spread) {
            free(starts);
            free(bcol);
            continue;
        }
        if (G->held_age_min >= 0) {
            int dup = 0;
            for (int i = 0; i < na && !dup; i++)
                dup = starts[i] == G->held_age_min;
            if (!dup)
                starts[na++] = G->held_age_min;
        }
        /* the plan's band: its youngest member */
        int pmin = -1;
        if (pl->gs[g].cand >= 0) {
            pmin = G->held_age_min;
            for (int p = 0; p < pr->np; p++)
                if (pl->pg[p] == g && inst->patients[p].age >= 0 &&
                    (pmin < 0 || inst->patients[p].age < pmin))
                    pmin = inst->patients[p].age;
        }
        int nb = 0, found = pl->gs[g].cand < 0;
        for (int i = 0; i < na && !rc; i++) {
            int a = starts[i];
            if (G->held_age_min >= 0 && (a > G->held_age_min || a + G->spread < G->held_age_max))
                continue;
            int st = pl->gs[g].cand >= 0 && a == pmin;
            found |= st;
            int col = add_col(b, BK_BIN, 0, 1, 0, st, "band_%s_%d", gid(b, g), a);
            if (col < 0) {
                rc = -1;
                break;
            }
            starts[nb] = a;
            bcol[nb++] = col;
        }
        if (!found)
            b->start_ok = 0;
        for (int i = 0; i < nb && !rc; i++)
            rc = row_push(b, bcol[i], 1);
        for (int j = 0; j < G->n_cand && !rc; j++)
            if (b->V[g][j].x >= 0)
                rc = row_push(b, b->V[g][j].x, -1);
        if (!rc)
            rc = add_row(b, 0, 0, NULL, "band_%s", gid(b, g));
        for (int k = 0; k < mo->ncls && !rc; k++) {
            int col = mo->ncol[(size_t)k * ng + g];
            int a = mo->cls[k].age;
            if (col < 0 || a < 0)
                continue;
            double ub = 0;
            bk_col_ub(b->m, col, &ub);
            rc = row_push(b, col, 1);
            for (int i = 0; i < nb && !rc; i++)
                if (starts[i] <= a && a <= starts[i] + G->spread)
                    rc = row_push(b, bcol[i], -ub);
            if (!rc)
                rc = add_row(b, -BK_INF, 0, NULL, "age_%s_c%d", gid(b, g), k);
        }
        free(starts);
        free(bcol);
    }
    if (rc)
        goto out;
    /* per group: capacity, min size, high acuity */
    for (int g = 0; g < ng && !rc; g++) {
        if (!isfree[g])
            continue;
        const sv_group *G = &pr->g[g];
        const model_group_type *ty = &inst->types[G->type];
        const char *gi = gid(b, g);
        int capn = G->cap < G->max_new ? G->cap : G->max_new;
        if (capn < 0)
            capn = 0;
        int need = ty->min_size - G->held;
        int nn = 0;
        for (int k = 0; k < mo->ncls && !rc; k++)
            if (mo->ncol[(size_t)k * ng + g] >= 0) {
                rc = row_push(b, mo->ncol[(size_t)k * ng + g], 1);
                nn++;
            }
        int base = b->cn;
        for (int j = 0; j < G->n_cand && !rc; j++)
            if (b->V[g][j].x >= 0)
                rc = row_push(b, b->V[g][j].x, -capn);
        if (rc)
            break;
        if (nn > 0) {
            int *ci = malloc(sizeof(int) * (size_t)(b->cn + 1));
            double *cv = malloc(sizeof(double) * (size_t)(b->cn + 1));
            int cn = b->cn;
            if (!ci || !cv) {
                free(ci);
                free(cv);
                rc = -1;
                break;
            }
            memcpy(ci, b->ci, sizeof(int) * (size_t)cn);
            memcpy(cv, b->cv, sizeof(double) * (size_t)cn);
            rc = add_row(b, -BK_INF, 0, NULL, "cap_%s", gi);
            if (!rc && need > 0) {
                for (int i = 0; i < cn && !rc; i++)
                    rc = row_push(b, ci[i], i < base ? cv[i] : -need);
                char what[300];
                snprintf(what, sizeof what, "group %s cannot reach min_size %d (%d continuing "
                                            "members, too few eligible waitlisted patients fit "
                                            "its possible times)",
                         gi, ty->min_size, G->held);
                if (!rc)
                    rc = add_row(b, 0, BK_INF, G->must ? what : NULL, "min_%s", gi);
            }
            free(ci);
            free(cv);
        } else {
            b->cn = 0;
            if (need > 0) {
                /* nobody can join: the group may only run when already big enough */
                for (int j = 0; j < G->n_cand && !rc; j++)
                    if (b->V[g][j].x >= 0)
                        rc = row_push(b, b->V[g][j].x, 1);
                char what[300];
                snprintf(what, sizeof what, "group %s cannot reach min_size %d: %d continuing "
                                            "members and no eligible waitlisted patient",
                         gi, ty->min_size, G->held);
                if (!rc)
                    rc = add_row(b, -BK_INF, 0, G->must ? what : NULL, "min_%s", gi);
            }
        }
        if (!rc && G->max_new_high < SV_INF_INT) {
            int nh = 0;
            for (int k = 0; k < mo->ncls && !rc; k++)
                if (mo->cls[k].high && mo->ncol[(size_t)k * ng + g] >= 0) {
                    rc = row_push(b, mo->ncol[(size_t)k * ng + g], 1);
                    nh++;
                }
            if (!rc && nh > 1)
                rc = add_row(b, -BK_INF, G->max_new_high, NULL, "high_%s", gi);
            else
                b->cn = 0;
        }
        /* a group whose held members exceed max_size cannot run */
        if (!rc && G->cap < 0) {
            for (int j = 0; j < G->n_cand && !rc; j++)
                if (b->V[g][j].x >= 0)
                    rc = row_push(b, b->V[g][j].x, 1);
            char what[300];
            snprintf(what, sizeof what, "group %s has %d continuing members, more than max_size %d",
                     gi, G->held, ty->max_size);
            if (!rc)
                rc = add_row(b, -BK_INF, 0, G->must ? what : NULL, "over_%s", gi);
        }
    }
    if (rc)
        goto out;
    /* load balance */
    mo->lmax = mo->lmin = -1;
    if (w->load_balance > 0 && !elastic && nf > 0 && !b->o->agg) {
        double smax = 0, smin = 1e9;
        double *ld = calloc((size_t)nf + 1, sizeof(double));
        if (!ld) {
            rc = -1;
            goto out;
        }
        for (int f = 0; f < nf; f++) {
            ld[f] = fload[f];
        }
        for (int g = 0; g < ng; g++) {
            const sv_gsol *s = &pl->gs[g];
            if (!isfree[g] || s->cand < 0)
                continue;
            double lw = pr->g[g].cand[s->cand].parity >= 0 ? 0.5 : 1.0;
            if (s->prim >= 0)
                ld[s->prim] += lw;
            if (s->co >= 0)
                ld[s->co] += lw;
        }
        for (int f = 0; f < nf; f++) {
            if (ld[f] > smax)
                smax = ld[f];
            if (ld[f] < smin)
                smin = ld[f];
        }
        free(ld);
        mo->lmax = add_col(b, BK_CONT, 0, BK_INF, -w->load_balance, smax, "load_max");
        mo->lmin = add_col(b, BK_CONT, 0, BK_INF, w->load_balance, smin, "load_min");
        if (mo->lmax < 0 || mo->lmin < 0) {
            rc = -1;
            goto out;
        }
        for (int f = 0; f < nf && !rc; f++) {
            const entlist *L = &b->fent[f];
            rc = row_push(b, mo->lmax, 1);
            for (int i = 0; i < L->n && !rc; i++)
                if (L->e[i].lead)
                    rc = row_push(b, L->e[i].col, -L->e[i].lw);
            if (!rc)
                rc = add_row(b, fload[f], BK_INF, NULL, "loadmax_%s", fid(b, f));
            if (!rc)
                rc = row_push(b, mo->lmin, 1);
            for (int i = 0; i < L->n && !rc; i++)
                if (L->e[i].lead)
                    rc = row_push(b, L->e[i].col, -L->e[i].lw);
            if (!rc)
                rc = add_row(b, -BK_INF, fload[f], NULL, "loadmin_%s", fid(b, f));
        }
    }
    if (rc)
        goto out;
    /* symmetry: interchangeable free groups in index order */
    for (int g = 0; g < ng && !rc && !elastic; g++) {
        const sv_group *G = &pr->g[g];
        if (!isfree[g] || G->sym < 0)
            continue;
        int h = -1;
        for (int k = g + 1; k < ng; k++)
            if (isfree[k] && pr->g[k].sym == G->sym) {
                h = k;
                break;
            }
        if (h < 0)
            continue;
        /* same candidate lists (same type, nothing pinned) */
        const sv_group *H = &pr->g[h];
        if (H->n_cand != G->n_cand)
            continue;
        int sg = pl->gs[g].cand, sh = pl->gs[h].cand;
        if (!G->must) {
            /* open(g) >= open(h) */
            for (int j = 0; j < G->n_cand && !rc; j++) {
                if (b->V[g][j].x >= 0)
                    rc = row_push(b, b->V[g][j].x, 1);
                if (!rc && b->V[h][j].x >= 0)
                    rc = row_push(b, b->V[h][j].x, -1);
            }
            if (!rc)
                rc = add_row(b, 0, BK_INF, NULL, "sym_open_%s_%s", gid(b, g), gid(b, h));
            if ((sg < 0 && sh >= 0))
                b->start_ok = 0;
        }
        /* position(g) <= position(h) + n_cand * (1 - open(h)) */
        int M = G->n_cand;
        for (int j = 0; j < G->n_cand && !rc; j++) {
            if (b->V[g][j].x >= 0)
                rc = row_push(b, b->V[g][j].x, j);
            if (!rc && b->V[h][j].x >= 0)
                rc = row_push(b, b->V[h][j].x, -j + (G->must ? 0 : M));
        }
        if (!rc)
            rc = add_row(b, -BK_INF, G->must ? 0 : M, NULL, "sym_pos_%s_%s", gid(b, g),
                         gid(b, h));
        if (sg >= 0 && sh >= 0 && sg > sh)
            b->start_ok = 0;
    }
    if (rc)
        goto out;
    if (elastic)
        bk_set_obj_const(b->m, 0);
    else
        bk_set_obj_const(b->m, mo->constant);
out:
    free(fload);
    free(fday);
    free(fweek);
    free(pool);
    return rc;
}

static void mb_free(mb *b, model_out *mo)
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
        if (!isfree[g] || pr->g[g].sym != g)
            continue;
        int n = 0;
        for (int h = g; h < ng; h++)
            if (isfree[h] && pr->g[h].sym == g)
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
    mb_free(&b, &mo);
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
    mb_free(&b, &mo);
    free(allfree);
    sv_plan_free(&empty);
    return rc < 0 ? rc : diag->n - n0;
}
