/* demand.c - the timetable model's waitlist demand: classes of
 * interchangeable patients with integer class-to-group counts and sorted
 * per-patient value columns, the age band of age-spread groups, and each
 * group's capacity, min_size, high-acuity and over-full rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mip_build.h"

/* The plan's count per (class, group) into cnt (flat ncls * ng), for the
 * start solution; a plan member of a free group outside every class makes
 * the plan unusable as a start. */
static void start_counts(mb *b, int *cls_of, int *cnt)
{
    const sv_prob *pr = b->pr;
    const model_out *mo = b->mo;
    int ng = pr->ng;
    for (int p = 0; p < pr->np; p++)
        cls_of[p] = -1;
    for (int k = 0; k < mo->ncls; k++)
        for (int i = 0; i < mo->cls[k].n; i++)
            cls_of[mo->cls[k].pat[i]] = k;
    for (int p = 0; p < pr->np; p++) {
        int g = b->pl->pg[p];
        if (g >= 0 && b->isfree[g] && b->pl->gs[g].cand >= 0 && cls_of[p] >= 0)
            cnt[(size_t)cls_of[p] * ng + g]++;
        else if (g >= 0 && b->isfree[g] && b->pl->gs[g].cand >= 0)
            b->start_ok = 0;
    }
}

/* Largest count of class C in group G (capacity, new members, age range,
 * high acuity); 0 when none fits. */
static int class_group_ub(const mb *b, const sv_class *C, const sv_group *G)
{
    int capn = sv_new_seats(G);
    int ub = C->n;
    if (G->age_lo >= 0) {
        ub = 0;
        for (int i = 0; i < C->n; i++) {
            int a = b->pr->inst->patients[C->pat[i]].age;
            ub += a >= G->age_lo && a <= G->age_hi;
        }
    }
    if (C->high && G->max_new_high < ub)
        ub = G->max_new_high;
    if (capn < ub)
        ub = capn;
    return ub;
}

/* Count column n[k, g] of class k in free group g, at most ub times the
 * group's candidates that fit the class (tsin: the class's demand keys). */
static int class_group_column(mb *b, int k, int g, const char *tsin, const int *cnt,
                              int *total_start)
{
    const sv_group *G = &b->pr->g[g];
    int ng = b->pr->ng, rc = 0;
    int capn = sv_new_seats(G);
    if (capn <= 0)
        return 0;
    int nfit = 0;
    for (int j = 0; j < G->n_cand; j++)
        if (b->V[g][j].x >= 0 && tsin[G->cand[j].ts])
            nfit++;
    if (nfit == 0)
        return 0;
    int ub = class_group_ub(b, &b->mo->cls[k], G);
    if (ub <= 0)
        return 0;
    int st = cnt[(size_t)k * ng + g];
    *total_start += st;
    int col = mip_add_col(b, ub == 1 ? BK_BIN : BK_INT, 0, ub, 0, st, "n_%s_c%d", mip_gid(b, g), k);
    if (col < 0)
        return -1;
    b->mo->ncol[(size_t)k * ng + g] = col;
    /* n <= ub * sum of fitting candidates */
    rc = mip_row_push(b, col, 1);
    for (int j = 0; j < G->n_cand && !rc; j++)
        if (b->V[g][j].x >= 0 && tsin[G->cand[j].ts])
            rc = mip_row_push(b, b->V[g][j].x, -ub);
    if (!rc)
        rc = mip_add_row(b, -BK_INF, 0, NULL, "fit_%s_c%d", mip_gid(b, g), k);
    return rc;
}

/* Class k's total over the groups equals the sum of its patients' u
 * mip_columns (sorted by value, so the first ones fill first). */
static int class_total_row(mb *b, int k, int total_start)
{
    const sv_prob *pr = b->pr;
    const sv_class *C = &b->mo->cls[k];
    int ng = pr->ng, rc = 0, any = 0;
    for (int g = 0; g < ng && !rc; g++)
        if (b->mo->ncol[(size_t)k * ng + g] >= 0) {
            rc = mip_row_push(b, b->mo->ncol[(size_t)k * ng + g], 1);
            any = 1;
        }
    if (!any || rc)
        return rc;
    int cn_save = b->cn;
    int *tmpc = malloc(sizeof(int) * (size_t)cn_save);
    if (!tmpc)
        return -1;
    memcpy(tmpc, b->ci, sizeof(int) * (size_t)cn_save);
    b->cn = 0;
    int ucols0 = -1;
    for (int i = 0; i < C->n && !rc; i++) {
        int p = C->pat[i];
        int col = mip_add_col(b, BK_CONT, 0, 1, pr->value[p] + pr->w->empty_seat, i < total_start,
                          "u_c%d_%s", k, pr->inst->patients[p].id);
        if (col < 0)
            rc = -1;
        if (i == 0)
            ucols0 = col;
    }
    for (int i = 0; i < cn_save && !rc; i++)
        rc = mip_row_push(b, tmpc[i], 1);
    for (int i = 0; i < C->n && !rc; i++)
        rc = mip_row_push(b, ucols0 + i, -1);
    free(tmpc);
    if (!rc)
        rc = mip_add_row(b, 0, 0, NULL, "class_c%d", k);
    return rc;
}

/* Columns and rows of demand class k. */
static int class_rows(mb *b, int k, const int *cnt, char *tsin)
{
    const sv_class *C = &b->mo->cls[k];
    int rc = 0, total_start = 0;
    for (int i = 0; i < C->n_ts; i++)
        tsin[C->ts[i]] = 1;
    for (int g = 0; g < b->pr->ng && !rc; g++)
        if (b->isfree[g])
            rc = class_group_column(b, k, g, tsin, cnt, &total_start);
    for (int i = 0; i < C->n_ts; i++)
        tsin[C->ts[i]] = 0;
    if (!rc)
        rc = class_total_row(b, k, total_start);
    return rc;
}

int mip_demand(mb *b)
{
    const sv_prob *pr = b->pr;
    model_out *mo = b->mo;
    int ng = pr->ng, rc = 0;
    if (sv_classes_build(pr, b->pool, &mo->cls, &mo->ncls))
        return -1;
    mo->ncol = malloc(sizeof(int) * ((size_t)mo->ncls * (size_t)ng + 1));
    if (!mo->ncol)
        return -1;
    for (size_t i = 0; i < (size_t)mo->ncls * (size_t)ng; i++)
        mo->ncol[i] = -1;
    int *cls_of = malloc(sizeof(int) * (size_t)(pr->np + 1));
    int *cnt = calloc((size_t)mo->ncls * (size_t)ng + 1, sizeof(int));
    char *tsin = calloc((size_t)pr->nts + 1, 1);
    if (!cls_of || !cnt || !tsin) {
        rc = -1;
    } else {
        start_counts(b, cls_of, cnt);
        for (int k = 0; k < mo->ncls && !rc; k++)
            rc = class_rows(b, k, cnt, tsin);
    }
    free(cls_of);
    free(cnt);
    free(tsin);
    return rc;
}

/* Possible band starts of group G: the ages of the classes that have a
 * count column in g (and its held members' youngest); 0 when the ages
 * already lie within the spread (no band needed), else the number. */
static int band_starts(const mb *b, int g, int *starts)
{
    const sv_group *G = &b->pr->g[g];
    const model_out *mo = b->mo;
    int ng = b->pr->ng;
    int na = 0, amin = G->held_age_min, amax = G->held_age_max;
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
    if (amin < 0 || amax - amin <= G->spread)
        return 0;
    if (G->held_age_min >= 0) {
        int dup = 0;
        for (int i = 0; i < na && !dup; i++)
            dup = starts[i] == G->held_age_min;
        if (!dup)
            starts[na++] = G->held_age_min;
    }
    return na;
}

/* The plan's band of g: its youngest member (-1 when g does not run). */
static int plan_band(const mb *b, int g)
{
    const sv_prob *pr = b->pr;
    const sv_group *G = &pr->g[g];
    if (b->pl->gs[g].cand < 0)
        return -1;
    int pmin = G->held_age_min;
    for (int p = 0; p < pr->np; p++)
        if (b->pl->pg[p] == g && pr->inst->patients[p].age >= 0 &&
            (pmin < 0 || pr->inst->patients[p].age < pmin))
            pmin = pr->inst->patients[p].age;
    return pmin;
}

/* Band columns of g (one per start age compatible with the held members;
 * starts compacted to them), the band row (one band when g runs) and a row
 * per class keeping its count within the chosen band. */
static int band_rows(mb *b, int g, int *starts, int *bcol, int na)
{
    const sv_group *G = &b->pr->g[g];
    const model_out *mo = b->mo;
    int ng = b->pr->ng, rc = 0;
    int pmin = plan_band(b, g);
    int nb = 0, found = b->pl->gs[g].cand < 0;
    for (int i = 0; i < na && !rc; i++) {
        int a = starts[i];
        if (G->held_age_min >= 0 && (a > G->held_age_min || a + G->spread < G->held_age_max))
            continue;
        int st = b->pl->gs[g].cand >= 0 && a == pmin;
        found |= st;
        int col = mip_add_col(b, BK_BIN, 0, 1, 0, st, "band_%s_%d", mip_gid(b, g), a);
        if (col < 0)
            return -1;
        starts[nb] = a;
        bcol[nb++] = col;
    }
    if (!found)
        b->start_ok = 0;
    for (int i = 0; i < nb && !rc; i++)
        rc = mip_row_push(b, bcol[i], 1);
    for (int j = 0; j < G->n_cand && !rc; j++)
        if (b->V[g][j].x >= 0)
            rc = mip_row_push(b, b->V[g][j].x, -1);
    if (!rc)
        rc = mip_add_row(b, 0, 0, NULL, "band_%s", mip_gid(b, g));
    for (int k = 0; k < mo->ncls && !rc; k++) {
        int col = mo->ncol[(size_t)k * ng + g];
        int a = mo->cls[k].age;
        if (col < 0 || a < 0)
            continue;
        double ub = 0;
        bk_col_ub(b->m, col, &ub);
        rc = mip_row_push(b, col, 1);
        for (int i = 0; i < nb && !rc; i++)
            if (starts[i] <= a && a <= starts[i] + G->spread)
                rc = mip_row_push(b, bcol[i], -ub);
        if (!rc)
            rc = mip_add_row(b, -BK_INF, 0, NULL, "age_%s_c%d", mip_gid(b, g), k);
    }
    return rc;
}

int mip_age_bands(mb *b)
{
    const sv_prob *pr = b->pr;
    int rc = 0;
    for (int g = 0; g < pr->ng && !rc; g++) {
        const sv_group *G = &pr->g[g];
        if (!b->isfree[g] || G->spread < 0 || G->age_lo >= 0)
            continue;
        int *starts = malloc(sizeof(int) * (size_t)(b->mo->ncls + 2));
        int *bcol = malloc(sizeof(int) * (size_t)(b->mo->ncls + 2));
        if (!starts || !bcol) {
            rc = -1;
        } else {
            int na = band_starts(b, g, starts);
            if (na > 0)
                rc = band_rows(b, g, starts, bcol, na);
        }
        free(starts);
        free(bcol);
    }
    return rc;
}

/* Push the x columns of free group g's usable candidates with coefficient v. */
static int push_runs(mb *b, int g, double v)
{
    int rc = 0;
    for (int j = 0; j < b->pr->g[g].n_cand && !rc; j++)
        if (b->V[g][j].x >= 0)
            rc = mip_row_push(b, b->V[g][j].x, v);
    return rc;
}

/* Capacity (new members <= capn * runs) and, when the continuing members
 * fall short of min_size, new members >= need * runs (or, with no count
 * column, "cannot run"). */
static int cap_min_rows(mb *b, int g)
{
    const sv_prob *pr = b->pr;
    const sv_group *G = &pr->g[g];
    const model_group_type *ty = &pr->inst->types[G->type];
    const char *gi = mip_gid(b, g);
    int ng = pr->ng, rc = 0;
    int capn = sv_new_seats(G);
    if (capn < 0)
        capn = 0;
    int need = ty->min_size - G->held;
    int nn = 0;
    for (int k = 0; k < b->mo->ncls && !rc; k++)
        if (b->mo->ncol[(size_t)k * ng + g] >= 0) {
            rc = mip_row_push(b, b->mo->ncol[(size_t)k * ng + g], 1);
            nn++;
        }
    int base = b->cn;
    if (!rc)
        rc = push_runs(b, g, -capn);
    if (rc)
        return rc;
    char what[300];
    if (nn == 0) {
        b->cn = 0;
        if (need <= 0)
            return 0;
        /* nobody can join: the group may only run when already big enough */
        rc = push_runs(b, g, 1);
        snprintf(what, sizeof what, "group %s cannot reach min_size %d: %d continuing "
                                    "members and no eligible waitlisted patient",
                 gi, ty->min_size, G->held);
        if (!rc)
            rc = mip_add_row(b, -BK_INF, 0, G->must ? what : NULL, "min_%s", gi);
        return rc;
    }
    int cn = b->cn;
    int *ci = malloc(sizeof(int) * (size_t)(cn + 1));
    double *cv = malloc(sizeof(double) * (size_t)(cn + 1));
    if (!ci || !cv) {
        free(ci);
        free(cv);
        return -1;
    }
    memcpy(ci, b->ci, sizeof(int) * (size_t)cn);
    memcpy(cv, b->cv, sizeof(double) * (size_t)cn);
    rc = mip_add_row(b, -BK_INF, 0, NULL, "cap_%s", gi);
    if (!rc && need > 0) {
        for (int i = 0; i < cn && !rc; i++)
            rc = mip_row_push(b, ci[i], i < base ? cv[i] : -need);
        snprintf(what, sizeof what, "group %s cannot reach min_size %d (%d continuing "
                                    "members, too few eligible waitlisted patients fit "
                                    "its possible times)",
                 gi, ty->min_size, G->held);
        if (!rc)
            rc = mip_add_row(b, 0, BK_INF, G->must ? what : NULL, "min_%s", gi);
    }
    free(ci);
    free(cv);
    return rc;
}

/* High-acuity new members <= max_new_high (when more than one class
 * could add them). */
static int high_row(mb *b, int g)
{
    const sv_group *G = &b->pr->g[g];
    int ng = b->pr->ng, rc = 0, nh = 0;
    if (G->max_new_high >= SV_INF_INT)
        return 0;
    for (int k = 0; k < b->mo->ncls && !rc; k++)
        if (b->mo->cls[k].high && b->mo->ncol[(size_t)k * ng + g] >= 0) {
            rc = mip_row_push(b, b->mo->ncol[(size_t)k * ng + g], 1);
            nh++;
        }
    if (!rc && nh > 1)
        return mip_add_row(b, -BK_INF, G->max_new_high, NULL, "high_%s", mip_gid(b, g));
    b->cn = 0;
    return rc;
}

/* A group whose held members exceed max_size cannot run. */
static int over_row(mb *b, int g)
{
    const sv_group *G = &b->pr->g[g];
    if (G->cap >= 0)
        return 0;
    int rc = push_runs(b, g, 1);
    char what[300];
    snprintf(what, sizeof what, "group %s has %d continuing members, more than max_size %d",
             mip_gid(b, g), G->held, b->pr->inst->types[G->type].max_size);
    if (!rc)
        rc = mip_add_row(b, -BK_INF, 0, G->must ? what : NULL, "over_%s", mip_gid(b, g));
    return rc;
}

int mip_size_rows(mb *b)
{
    int rc = 0;
    for (int g = 0; g < b->pr->ng && !rc; g++) {
        if (!b->isfree[g])
            continue;
        rc = cap_min_rows(b, g);
        if (!rc)
            rc = high_row(b, g);
        if (!rc)
            rc = over_row(b, g);
    }
    return rc;
}
