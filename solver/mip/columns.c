/* columns.c - the timetable model's columns per free group: its feasible
 * (day, start, parity) candidates x and who leads, co-leads, substitutes and
 * which room at each; the rows tying the roles to x, one role per person,
 * "runs at most once" and the branching columns. */
#include <stdlib.h>
#include <string.h>

#include "mip_build.h"

void mip_fixed_constants(mb *b)
{
    const sv_prob *pr = b->pr;
    const sv_plan *pl = b->pl;
    double we = pr->w->empty_seat;
    b->mo->constant = 0;
    for (int g = 0; g < pr->ng; g++) {
        const sv_gsol *s = &pl->gs[g];
        if (b->isfree[g] || s->cand < 0)
            continue;
        const sv_cand *c = &pr->g[g].cand[s->cand];
        double lw = c->parity >= 0 ? 0.5 : 1.0;
        b->mo->constant -= we * pr->g[g].cap;
        int fs[2] = {s->prim, s->co};
        for (int k = 0; k < 2; k++) {
            int f = fs[k];
            if (f < 0)
                continue;
            b->fload[f] += lw;
            for (int par = 0; par < pr->nparity; par++)
                if (c->pmask & (1 << par)) {
                    b->fday[(f * 2 + par) * 7 + c->day]++;
                    b->fweek[f * 2 + par]++;
                }
        }
    }
    for (int p = 0; p < pr->np; p++) {
        int g = pl->pg[p];
        if (!pr->placeable[p])
            continue;
        if (g >= 0 && pl->gs[g].cand >= 0 && !b->isfree[g])
            b->mo->constant += pr->value[p] + we;
        else
            b->pool[p] = 1;
    }
}

/* Mark each role's people and rooms at candidate j of free group g: 0 when
 * free, -2 when a fixed group blocks them; when the candidate cannot be
 * used (excluded by o->only, or a role nobody can fill) every entry is -1
 * and the result is 0, else 1.  The role arrays are allocated. */
static int cand_usable(mb *b, int g, int j)
{
    const sv_group *G = &b->pr->g[g];
    const sv_cand *c = &G->cand[j];
    jv *v = &b->V[g][j];
    const char *isfree = b->isfree;
    int np_ = 0, nc_ = 0, nq_ = 0, nb_ = 0;
    for (int i = 0; i < c->n_prim; i++)
        np_ += (v->w[i] = mip_fixed_blocks(b, isfree, c, c->prim[i], BLOCK_LEAD) ? -2 : 0) == 0;
    for (int i = 0; i < c->n_co; i++)
        nc_ += (v->c[i] = mip_fixed_blocks(b, isfree, c, c->co[i], BLOCK_LEAD) ? -2 : 0) == 0;
    for (int i = 0; i < c->n_room; i++)
        nq_ += (v->q[i] = mip_fixed_blocks(b, isfree, c, c->room[i], BLOCK_ROOM) ? -2 : 0) == 0;
    for (int i = 0; i < c->n_sub; i++)
        nb_ += (v->b[i] = mip_fixed_blocks(b, isfree, c, c->sub[i], BLOCK_SUB) ? -2 : 0) == 0;
    int excluded = b->o->only && b->o->only[g] != -1 && b->o->only[g] != j;
    if (!excluded && np_ > 0 && (!G->cofac || nc_ > 0) && (!G->inperson || nq_ > 0) && nb_ > 0)
        return 1;
    if (b->pl->gs[g].cand == j)
        b->start_ok = 0;
    for (int i = 0; i < c->n_prim; i++)
        v->w[i] = -1;
    for (int i = 0; i < c->n_co; i++)
        v->c[i] = -1;
    for (int i = 0; i < c->n_room; i++)
        v->q[i] = -1;
    for (int i = 0; i < c->n_sub; i++)
        v->b[i] = -1;
    return 0;
}

/* Lead (w), co-lead (c), room (q) and substitute (b) columns of candidate
 * j of group g, each entered in its person's or room's conflict list;
 * entries without a column become -1. */
static int role_columns(mb *b, int g, int j, const char *lab)
{
    const sv_group *G = &b->pr->g[g];
    const sv_cand *c = &G->cand[j];
    const sv_gsol *s = &b->pl->gs[g];
    jv *v = &b->V[g][j];
    int chosen = s->cand == j;
    double lw = c->parity >= 0 ? 0.5 : 1.0;
    int rc = 0;
    struct {
        int *col, *list, n, lead;
        const char *pfx;
        int cur;
    } roles[4] = {{v->w, c->prim, c->n_prim, 1, "w", s->prim},
                  {v->c, c->co, c->n_co, 1, "c", s->co},
                  {v->q, c->room, G->inperson ? c->n_room : 0, 1, "q", s->room},
                  {v->b, c->sub, b->o->with_subs ? c->n_sub : 0, 0, "b", s->sub}};
    int full[4] = {c->n_prim, c->n_co, c->n_room, c->n_sub};
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
            const char *nm = k == 2 ? b->pr->inst->rooms[id].id : mip_fid(b, id);
            int st = chosen && roles[k].cur == id;
            int col = mip_add_col(b, BK_BIN, 0, 1, 0, st, "%s_%s_%s_%s", roles[k].pfx, mip_gid(b, g), lab,
                              nm);
            if (col < 0) {
                rc = -1;
                break;
            }
            roles[k].col[i] = col;
            ent e = {col, g, c->day, c->pmask, c->start, c->end, roles[k].lead, lw};
            if (k == 2)
                rc = mip_ent_push(&b->rent[id], e);
            else
                rc = mip_ent_push(&b->fent[id], e);
        }
        for (int i = roles[k].n; i < full[k]; i++)
            roles[k].col[i] = -1;
    }
    return rc;
}

/* The plan's choice at its candidate j of g must have columns, or the plan
 * cannot be the start solution. */
static void check_start_choice(mb *b, int g, int j)
{
    const sv_group *G = &b->pr->g[g];
    const sv_cand *c = &G->cand[j];
    const sv_gsol *s = &b->pl->gs[g];
    const jv *v = &b->V[g][j];
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

/* Columns of candidate j of free group g; *any set when it is usable. */
static int cand_columns(mb *b, int g, int j, int *any)
{
    const sv_group *G = &b->pr->g[g];
    const sv_cand *c = &G->cand[j];
    jv *v = &b->V[g][j];
    char lab[64];
    v->x = -1;
    v->w = malloc(sizeof(int) * (size_t)(c->n_prim + 1));
    v->c = malloc(sizeof(int) * (size_t)(c->n_co + 1));
    v->q = malloc(sizeof(int) * (size_t)(c->n_room + 1));
    v->b = malloc(sizeof(int) * (size_t)(c->n_sub + 1));
    if (!v->w || !v->c || !v->q || !v->b)
        return -1;
    if (!cand_usable(b, g, j))
        return 0;
    *any = 1;
    mip_cand_label(c, lab, sizeof lab);
    int chosen = b->pl->gs[g].cand == j;
    v->x = mip_add_col(b, BK_BIN, 0, 1, -b->pr->w->empty_seat * G->cap, chosen, "x_%s_%s", mip_gid(b, g),
                   lab);
    if (v->x < 0 || role_columns(b, g, j, lab))
        return -1;
    if (chosen && !b->o->agg)
        check_start_choice(b, g, j);
    return 0;
}

/* Columns of free group g; 1 when it must run and no candidate is usable. */
static int group_columns(mb *b, int g)
{
    const sv_group *G = &b->pr->g[g];
    b->V[g] = calloc((size_t)G->n_cand + 1, sizeof(jv));
    if (!b->V[g])
        return -1;
    int any = 0;
    for (int j = 0; j < G->n_cand; j++)
        if (cand_columns(b, g, j, &any))
            return -1;
    if (!any && G->must && !b->elastic)
        return 1;
    if (b->pl->gs[g].cand < 0 && G->must)
        b->start_ok = 0;
    return 0;
}

int mip_columns(mb *b)
{
    int rc = 0;
    for (int g = 0; g < b->pr->ng && !rc; g++)
        if (b->isfree[g])
            rc = group_columns(b, g);
    return rc;
}

/* Person f (in column col at candidate c) takes at most one role: col plus
 * f's co-lead (with_co) and substitute columns <= x.  No row when f has no
 * other role there. */
static int one_role_row(mb *b, const sv_cand *c, const jv *v, int col, int f, int with_co,
                        const char *pfx, const char *gi, const char *lab)
{
    int extra = 0;
    for (int k = 0; with_co && k < c->n_co; k++)
        if (c->co[k] == f && v->c[k] >= 0)
            extra += mip_row_push(b, v->c[k], 1) == 0;
    for (int k = 0; b->o->with_subs && k < c->n_sub; k++)
        if (c->sub[k] == f && v->b[k] >= 0)
            extra += mip_row_push(b, v->b[k], 1) == 0;
    if (extra == 0)
        return 0;
    int rc = mip_row_push(b, col, 1);
    if (!rc)
        rc = mip_row_push(b, v->x, -1);
    if (!rc)
        rc = mip_add_row(b, -BK_INF, 0, NULL, "%s_%s_%s_%s", pfx, gi, lab, mip_fid(b, f));
    return rc;
}

/* Rows of candidate j of g: each role's columns sum to x; one role per
 * person. */
static int cand_rows(mb *b, int g, int j)
{
    const sv_group *G = &b->pr->g[g];
    const sv_cand *c = &G->cand[j];
    const jv *v = &b->V[g][j];
    const char *gi = mip_gid(b, g);
    char lab[64];
    int rc = 0;
    if (v->x < 0)
        return 0;
    mip_cand_label(c, lab, sizeof lab);
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
                rc = mip_row_push(b, roles[k].col[i], 1);
        if (!rc)
            rc = mip_row_push(b, v->x, -1);
        if (!rc)
            rc = mip_add_row(b, 0, 0, NULL, "%s_%s_%s", roles[k].pfx, gi, lab);
    }
    for (int i = 0; i < c->n_prim && !rc; i++)
        if (v->w[i] >= 0)
            rc = one_role_row(b, c, v, v->w[i], c->prim[i], G->cofac, "onerole", gi, lab);
    for (int i = 0; G->cofac && b->o->with_subs && i < c->n_co && !rc; i++)
        if (v->c[i] >= 0)
            rc = one_role_row(b, c, v, v->c[i], c->co[i], 0, "onerole2", gi, lab);
    return rc;
}

/* Open: exactly one candidate for a must-run group, at most one otherwise;
 * in elastic mode a must-run group's "runs" row gets a slack.  *nx: the
 * group's usable candidates. */
static int run_rows(mb *b, int g, int *nx)
{
    const sv_group *G = &b->pr->g[g];
    const char *gi = mip_gid(b, g);
    int rc = 0;
    *nx = 0;
    for (int j = 0; j < G->n_cand && !rc; j++)
        if (b->V[g][j].x >= 0) {
            rc = mip_row_push(b, b->V[g][j].x, 1);
            (*nx)++;
        }
    if (rc)
        return rc;
    if (!G->must)
        return mip_add_row(b, -BK_INF, 1, NULL, "run_%s", gi);
    if (!b->elastic)
        return mip_add_row(b, 1, 1, NULL, "run_%s", gi);
    char what[300];
    snprintf(what, sizeof what, "group %s (must run) cannot be given a day, start, room and "
                                "facilitators alongside the others",
             gi);
    int cn = b->cn;
    int *ci = malloc(sizeof(int) * (size_t)(cn + 1));
    if (!ci)
        return -1;
    memcpy(ci, b->ci, sizeof(int) * (size_t)cn);
    rc = mip_add_row(b, -BK_INF, 1, NULL, "one_%s", gi);
    for (int i = 0; i < cn && !rc; i++)
        rc = mip_row_push(b, ci[i], 1);
    free(ci);
    if (!rc)
        rc = mip_add_row(b, 1, BK_INF, what, "run_%s", gi);
    return rc;
}

/* Branching aids: "g meets on day d" (and for optional groups with more
 * than one usable candidate "g runs"), branched on before the candidates. */
static int branch_columns(mb *b, int g, int nx)
{
    const sv_group *G = &b->pr->g[g];
    const sv_plan *pl = b->pl;
    const char *gi = mip_gid(b, g);
    int rc = 0, ndays = 0, dmask = 0;
    for (int j = 0; j < G->n_cand; j++)
        if (b->V[g][j].x >= 0 && !(dmask & (1 << G->cand[j].day))) {
            dmask |= 1 << G->cand[j].day;
            ndays++;
        }
    for (int d = 0; d < 7 && !rc && !b->elastic && ndays > 1; d++) {
        if (!(dmask & (1 << d)))
            continue;
        double st = pl->gs[g].cand >= 0 && G->cand[pl->gs[g].cand].day == d;
        int col = mip_add_col(b, BK_BIN, 0, 1, 0, st, "day_%s_%s", gi, model_day_name(d));
        if (col < 0)
            return -1;
        b->prio[col] = 5;
        rc = mip_row_push(b, col, -1);
        for (int j = 0; j < G->n_cand && !rc; j++)
            if (b->V[g][j].x >= 0 && G->cand[j].day == d)
                rc = mip_row_push(b, b->V[g][j].x, 1);
        if (!rc)
            rc = mip_add_row(b, 0, 0, NULL, "dayrow_%s_%s", gi, model_day_name(d));
    }
    if (G->must || b->elastic || rc || nx <= 1)
        return rc;
    int col = mip_add_col(b, BK_BIN, 0, 1, 0, pl->gs[g].cand >= 0, "open_%s", gi);
    if (col < 0)
        return -1;
    b->prio[col] = 6;
    rc = mip_row_push(b, col, -1);
    for (int j = 0; j < G->n_cand && !rc; j++)
        if (b->V[g][j].x >= 0)
            rc = mip_row_push(b, b->V[g][j].x, 1);
    if (!rc)
        rc = mip_add_row(b, 0, 0, NULL, "openrow_%s", gi);
    return rc;
}

int mip_group_rows(mb *b)
{
    int rc = 0;
    for (int g = 0; g < b->pr->ng && !rc; g++) {
        if (!b->isfree[g])
            continue;
        int nx = 0;
        for (int j = 0; j < b->pr->g[g].n_cand && !rc && !b->o->agg; j++)
            rc = cand_rows(b, g, j);
        if (!rc)
            rc = run_rows(b, g, &nx);
        if (!rc)
            rc = branch_columns(b, g, nx);
    }
    return rc;
}
