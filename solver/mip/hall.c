/* hall.c - the timetable model's aggregated relaxation: Hall-type counting
 * rows in place of the facilitator and room columns. */
#include <stdlib.h>
#include <string.h>

#include "mip_build.h"

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
int mip_hall_rows(mb *b, const char *isfree)
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
            qsort(starts, (size_t)ns, sizeof(int), mip_int_cmp);
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
                            rc = mip_row_push(b, b->V[g][j].x, coef);
                            gmax[g] = coef;
                        }
                        maxlhs += gmax[g];
                    }
                    if (rc)
                        break;
                    if (maxlhs > avail) {
                        rc = mip_add_row(b, -BK_INF, avail, NULL, "hall%s_s%d_%s_%c%c%c%c_p%d",
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
                                rc = mip_row_push(b, b->V[g][j].x, gmax[g] + (g == h));
                            }
                        }
                        if (!rc)
                            rc = mip_add_row(b, -BK_INF, avail, NULL, "hallsub_%s_%s_%c%c%c%c_p%d",
                                         mip_gid(b, h), model_day_name(d), tb[0], tb[1], tb[3], tb[4],
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
                        rc = mip_row_push(b, b->V[g][j].x, coef);
                        any = 1;
                    }
                    maxlhs += any ? coef : 0;
                }
                long cap = d >= 0 ? capd : capw;
                if (!rc && maxlhs > cap)
                    rc = mip_add_row(b, -BK_INF, (double)cap, NULL, "hallcap_s%d_%s_p%d", si,
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
