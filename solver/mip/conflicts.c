/* conflicts.c - the timetable model's conflict rows (at each start time at
 * most one group per facilitator and per room, a substitute not leading at
 * the same time) and the facilitators' daily and weekly caps. */
#include <stdio.h>
#include <stdlib.h>

#include "mip_build.h"

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
            qsort(starts, (size_t)ns, sizeof(int), mip_int_cmp);
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
                            rc = mip_row_push(b, L->e[prev[i]].col, 1);
                    snprintf(what, sizeof what, "%s %s would be needed by two groups at once on %s "
                                                "at %s%s",
                             kind, rid, model_day_name(d), tb,
                             pr->nparity == 2 ? (par ? " (odd weeks)" : " (even weeks)") : "");
                    if (!rc)
                        rc = mip_add_row(b, -BK_INF, 1, what, "%s_%s_%s_%c%c%c%c_p%d", kind, rid,
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
                                rc = mip_row_push(b, o->col, 1);
                        }
                        for (int k2 = 0; k2 < nprev && !rc; k2++)
                            if (L->e[prev[k2]].lead)
                                rc = mip_row_push(b, L->e[prev[k2]].col, 1);
                        snprintf(what, sizeof what, "facilitator %s would be substitute of group "
                                                    "%s while leading another group on %s at %s",
                                 rid, pr->inst->groups[e->g].id, model_day_name(d), tb);
                        if (!rc)
                            rc = mip_add_row(b, -BK_INF, 1, what, "sub_%s_%s_%s_%c%c%c%c_p%d", rid,
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

int mip_conflict_rows(mb *b)
{
    const sv_prob *pr = b->pr;
    int rc = 0;
    for (int f = 0; f < pr->nf && !rc; f++)
        rc = resource_rows(b, &b->fent[f], pr->brk, "facilitator", mip_fid(b, f), b->o->with_subs);
    for (int r = 0; r < pr->nr && !rc; r++)
        rc = resource_rows(b, &b->rent[r], 0, "room", pr->inst->rooms[r].id, 0);
    return rc;
}

/* max_per_day of facilitator f on day d in weeks of parity par, net of
 * the fixed groups; *n: the lead columns counted. */
static int cap_day_row(mb *b, int f, int par, int d, int *n)
{
    const sv_prob *pr = b->pr;
    const entlist *L = &b->fent[f];
    int rc = 0;
    *n = 0;
    for (int i = 0; i < L->n && !rc; i++) {
        const ent *e = &L->e[i];
        if (e->lead && e->day == d && (e->pmask & (1 << par))) {
            rc = mip_row_push(b, e->col, 1);
            (*n)++;
        }
    }
    int rhs = pr->maxday[f] - b->fday[(f * 2 + par) * 7 + d];
    /* at most one candidate per group counts, so compare with the number of
     * distinct groups would be tighter; keep it simple */
    if (*n > rhs && !rc) {
        char what[300];
        snprintf(what, sizeof what, "facilitator %s would lead more than %d groups on %s "
                                    "(max_per_day)",
                 mip_fid(b, f), pr->maxday[f], model_day_name(d));
        return mip_add_row(b, -BK_INF, rhs, what, "capday_%s_%s_p%d", mip_fid(b, f), model_day_name(d),
                       par);
    }
    b->cn = 0;
    return rc;
}

/* max_per_week of facilitator f in weeks of parity par, given nweek lead
 * columns that week. */
static int cap_week_row(mb *b, int f, int par, int nweek)
{
    const sv_prob *pr = b->pr;
    const entlist *L = &b->fent[f];
    int rc = 0;
    int rhs = pr->maxweek[f] - b->fweek[f * 2 + par];
    if (nweek <= rhs)
        return 0;
    for (int i = 0; i < L->n && !rc; i++)
        if (L->e[i].lead && (L->e[i].pmask & (1 << par)))
            rc = mip_row_push(b, L->e[i].col, 1);
    char what[300];
    snprintf(what, sizeof what, "facilitator %s would lead more than %d groups a week "
                                "(max_per_week)",
             mip_fid(b, f), pr->maxweek[f]);
    if (!rc)
        rc = mip_add_row(b, -BK_INF, rhs, what, "capweek_%s_p%d", mip_fid(b, f), par);
    return rc;
}

int mip_cap_rows(mb *b)
{
    const sv_prob *pr = b->pr;
    int rc = 0;
    for (int f = 0; f < pr->nf && !rc; f++)
        for (int par = 0; par < pr->nparity && !rc; par++) {
            int nweek = 0;
            for (int d = 0; d < 7 && !rc; d++) {
                int n = 0;
                rc = cap_day_row(b, f, par, d, &n);
                nweek += n;
            }
            if (!rc)
                rc = cap_week_row(b, f, par, nweek);
        }
    return rc;
}
