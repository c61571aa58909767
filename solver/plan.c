/* plan.c - plans: allocation, objective, verification, substitutes. */
#include <stdlib.h>
#include <string.h>

#include "sv.h"

int sv_plan_alloc(const sv_prob *pr, sv_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    pl->gs = malloc(sizeof *pl->gs * (size_t)(pr->ng + 1));
    pl->pg = malloc(sizeof(int) * (size_t)(pr->np + 1));
    if (!pl->gs || !pl->pg) {
        sv_plan_free(pl);
        return SOLVER_ENOMEM;
    }
    for (int g = 0; g < pr->ng; g++) {
        pl->gs[g].cand = -1;
        pl->gs[g].prim = pl->gs[g].co = pl->gs[g].room = pl->gs[g].sub = -1;
    }
    for (int p = 0; p < pr->np; p++)
        pl->pg[p] = -1;
    return SOLVER_OK;
}

void sv_plan_free(sv_plan *pl)
{
    if (!pl)
        return;
    free(pl->gs);
    free(pl->pg);
    pl->gs = NULL;
    pl->pg = NULL;
}

int sv_plan_copy(const sv_prob *pr, sv_plan *dst, const sv_plan *src)
{
    if (!dst->gs && sv_plan_alloc(pr, dst))
        return SOLVER_ENOMEM;
    memcpy(dst->gs, src->gs, sizeof *dst->gs * (size_t)pr->ng);
    memcpy(dst->pg, src->pg, sizeof(int) * (size_t)pr->np);
    dst->obj = src->obj;
    return SOLVER_OK;
}

double sv_plan_objective(const sv_prob *pr, const sv_plan *pl)
{
    const model_weights *w = pr->w;
    double obj = 0;
    int *nnew = calloc((size_t)pr->ng + 1, sizeof(int));
    double *load = calloc((size_t)pr->nf + 1, sizeof(double));
    if (!nnew || !load) {
        free(nnew);
        free(load);
        return -1e300;
    }
    for (int p = 0; p < pr->np; p++) {
        int g = pl->pg[p];
        if (g >= 0 && pl->gs[g].cand >= 0) {
            obj += pr->value[p];
            nnew[g]++;
        }
    }
    for (int g = 0; g < pr->ng; g++) {
        const sv_gsol *s = &pl->gs[g];
        if (s->cand < 0)
            continue;
        const sv_group *G = &pr->g[g];
        obj -= w->empty_seat * (G->cap - nnew[g]);
        double lw = G->cand[s->cand].parity >= 0 ? 0.5 : 1.0;
        if (s->prim >= 0)
            load[s->prim] += lw;
        if (s->co >= 0 && s->co != s->prim)
            load[s->co] += lw;
    }
    double lmax = 0, lmin = 0;
    for (int f = 0; f < pr->nf; f++) {
        if (f == 0 || load[f] > lmax)
            lmax = load[f];
        if (f == 0 || load[f] < lmin)
            lmin = load[f];
    }
    obj -= w->load_balance * (lmax - lmin);
    if (pr->base)
        obj -= w->change * sv_plan_changes(pr, pl);
    free(nnew);
    free(load);
    return obj;
}

int sv_base_member(const sv_prob *pr, int g, int p)
{
    if (!pr->base)
        return 0;
    const sv_base *B = &pr->base[g];
    for (int k = 0; k < B->n_members; k++)
        if (B->members[k] == p)
            return 1;
    return 0;
}

/* Is patient p (index, or -2 unknown) a member of running group g? */
static int is_member(const sv_prob *pr, const sv_plan *pl, int g, int p)
{
    if (p < 0)
        return 0;
    if (pl->pg[p] == g)
        return 1;
    const sv_group *G = &pr->g[g];
    for (int k = 0; k < G->n_held_pat; k++)
        if (G->held_pat[k] == p)
            return 1;
    return 0;
}

int sv_plan_changes(const sv_prob *pr, const sv_plan *pl)
{
    if (!pr->base)
        return 0;
    int n = pr->base_extra;
    for (int g = 0; g < pr->ng; g++) {
        const sv_base *B = &pr->base[g];
        const sv_gsol *s = &pl->gs[g];
        int ra = s->cand >= 0;
        if (ra != B->running) {
            n++;
            continue;
        }
        if (!ra)
            continue;
        const sv_cand *c = &pr->g[g].cand[s->cand];
        n += c->day != B->day;
        n += c->start != B->start;
        n += s->room != B->room;
        int nfac = 1 + (s->co >= 0);
        n += nfac != B->nfac || s->prim != B->prim || (s->co >= 0 && s->co != B->co);
        n += s->sub != B->sub;
        if (B->parity >= 0)
            n += c->parity != B->parity;
        for (int k = 0; k < B->n_members; k++)
            n += !is_member(pr, pl, g, B->members[k]);
    }
    return n;
}

int sv_plan_from_base(const sv_prob *pr, sv_plan *pl)
{
    if (!pr->base)
        return 1;
    int ok = 1;
    for (int p = 0; p < pr->np; p++)
        pl->pg[p] = -1;
    for (int g = 0; g < pr->ng; g++) {
        const sv_base *B = &pr->base[g];
        const sv_group *G = &pr->g[g];
        sv_gsol *s = &pl->gs[g];
        s->cand = -1;
        s->prim = s->co = s->room = s->sub = -1;
        if (!B->running)
            continue;
        for (int j = 0; j < G->n_cand && s->cand < 0; j++) {
            const sv_cand *c = &G->cand[j];
            if (c->day == B->day && c->start == B->start &&
                (c->parity < 0 || B->parity < 0 || c->parity == B->parity))
                s->cand = j;
        }
        if (s->cand < 0) {
            ok = 0;
            continue;
        }
        s->prim = B->prim;
        s->co = G->cofac ? B->co : -1;
        s->room = G->inperson ? B->room : -1;
        s->sub = B->sub;
        if (s->prim < 0 || (G->cofac && s->co < 0) || (G->inperson && s->room < 0) || s->sub < 0)
            ok = 0;
        for (int k = 0; k < B->n_members; k++) {
            int p = B->members[k];
            if (p >= 0 && pr->placeable[p] && pl->pg[p] < 0)
                pl->pg[p] = g;
        }
    }
    return ok ? 0 : 1;
}

static int in_list(const int *a, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (a[i] == x)
            return 1;
    return 0;
}

/* Does f lead (primary or co) a running group other than g overlapping c? */
static int leads_overlapping(const sv_prob *pr, const sv_plan *pl, int g, const sv_cand *c, int f)
{
    for (int h = 0; h < pr->ng; h++) {
        const sv_gsol *s = &pl->gs[h];
        if (h == g || s->cand < 0 || (s->prim != f && s->co != f))
            continue;
        if (sv_overlap(c, &pr->g[h].cand[s->cand], pr->brk))
            return 1;
    }
    return 0;
}

int sv_sub_ok(const sv_prob *pr, const sv_plan *pl, int g, int f)
{
    const sv_gsol *s = &pl->gs[g];
    if (s->cand < 0 || f < 0)
        return 0;
    const sv_cand *c = &pr->g[g].cand[s->cand];
    if (f == s->prim || f == s->co || !in_list(c->sub, c->n_sub, f))
        return 0;
    return !leads_overlapping(pr, pl, g, c, f);
}

int sv_assign_subs(const sv_prob *pr, sv_plan *pl)
{
    int missing = 0;
    for (int g = 0; g < pr->ng; g++) {
        sv_gsol *s = &pl->gs[g];
        if (s->cand < 0)
            continue;
        if (sv_sub_ok(pr, pl, g, s->sub))
            continue;
        s->sub = -1;
        const sv_cand *c = &pr->g[g].cand[s->cand];
        for (int i = 0; i < c->n_sub && s->sub < 0; i++)
            if (sv_sub_ok(pr, pl, g, c->sub[i]))
                s->sub = c->sub[i];
        if (s->sub < 0)
            missing++;
    }
    return missing;
}

int sv_plan_verify(const sv_prob *pr, const sv_plan *pl, char *msg, size_t msz)
{
    const model_instance *inst = pr->inst;
    char dummy[8];
    if (!msg) {
        msg = dummy;
        msz = sizeof dummy;
    }
    msg[0] = 0;
    int *nnew = calloc((size_t)pr->ng + 1, sizeof(int));
    int *nhigh = calloc((size_t)pr->ng + 1, sizeof(int));
    int *amin = malloc(sizeof(int) * (size_t)(pr->ng + 1));
    int *amax = malloc(sizeof(int) * (size_t)(pr->ng + 1));
    int bad = 0;
    if (!nnew || !nhigh || !amin || !amax) {
        snprintf(msg, msz, "out of memory");
        bad = 1;
        goto out;
    }
    for (int g = 0; g < pr->ng && !bad; g++) {
        const sv_gsol *s = &pl->gs[g];
        const sv_group *G = &pr->g[g];
        const char *gid = inst->groups[g].id;
        amin[g] = G->held_age_min;
        amax[g] = G->held_age_max;
        if (s->cand < 0) {
            if (G->must) {
                snprintf(msg, msz, "must-run group %s not running", gid);
                bad = 1;
            }
            continue;
        }
        if (s->cand >= G->n_cand) {
            snprintf(msg, msz, "group %s: bad candidate", gid);
            bad = 1;
            break;
        }
        const sv_cand *c = &G->cand[s->cand];
        if (!in_list(c->prim, c->n_prim, s->prim) ||
            (G->cofac && (!in_list(c->co, c->n_co, s->co) || s->co == s->prim)) ||
            (!G->cofac && s->co >= 0) || (G->inperson && !in_list(c->room, c->n_room, s->room)) ||
            (!G->inperson && s->room >= 0)) {
            snprintf(msg, msz, "group %s: facilitator or room not allowed", gid);
            bad = 1;
            break;
        }
        if (!sv_sub_ok(pr, pl, g, s->sub)) {
            snprintf(msg, msz, "group %s: substitute %d not valid", gid, s->sub);
            bad = 1;
            break;
        }
        for (int h = g + 1; h < pr->ng; h++) {
            const sv_gsol *t = &pl->gs[h];
            if (t->cand < 0)
                continue;
            const sv_cand *d = &pr->g[h].cand[t->cand];
            if (G->inperson && s->room == t->room && sv_overlap(c, d, 0)) {
                snprintf(msg, msz, "room clash %s / %s", gid, inst->groups[h].id);
                bad = 1;
                break;
            }
            int fs[2] = {s->prim, s->co}, ft[2] = {t->prim, t->co};
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    if (fs[a] >= 0 && fs[a] == ft[b] && sv_overlap(c, d, pr->brk)) {
                        snprintf(msg, msz, "facilitator clash %s / %s", gid, inst->groups[h].id);
                        bad = 1;
                    }
            if (bad)
                break;
        }
    }
    /* caps */
    for (int f = 0; f < pr->nf && !bad; f++) {
        for (int par = 0; par < pr->nparity && !bad; par++) {
            int week = 0, day[7] = {0};
            for (int g = 0; g < pr->ng; g++) {
                const sv_gsol *s = &pl->gs[g];
                if (s->cand < 0 || (s->prim != f && s->co != f))
                    continue;
                const sv_cand *c = &pr->g[g].cand[s->cand];
                if (!(c->pmask & (1 << par)))
                    continue;
                week++;
                day[c->day]++;
            }
            if (week > pr->maxweek[f]) {
                snprintf(msg, msz, "facilitator %s over weekly cap", inst->facilitators[f].id);
                bad = 1;
            }
            for (int d = 0; d < 7; d++)
                if (day[d] > pr->maxday[f]) {
                    snprintf(msg, msz, "facilitator %s over daily cap", inst->facilitators[f].id);
                    bad = 1;
                }
        }
    }
    for (int p = 0; p < pr->np && !bad; p++) {
        int g = pl->pg[p];
        if (g < 0)
            continue;
        const sv_gsol *s = &pl->gs[g];
        if (s->cand < 0 || !sv_patient_fits(pr, p, g, s->cand)) {
            snprintf(msg, msz, "patient %s does not fit group %s", inst->patients[p].id,
                     inst->groups[g].id);
            bad = 1;
            break;
        }
        nnew[g]++;
        nhigh[g] += pr->high[p];
        int a = inst->patients[p].age;
        if (a >= 0) {
            if (amin[g] < 0 || a < amin[g])
                amin[g] = a;
            if (amax[g] < 0 || a > amax[g])
                amax[g] = a;
        }
    }
    for (int g = 0; g < pr->ng && !bad; g++) {
        const sv_group *G = &pr->g[g];
        if (pl->gs[g].cand < 0)
            continue;
        const model_group_type *ty = &inst->types[G->type];
        int size = G->held + nnew[g];
        const char *gid = inst->groups[g].id;
        if (size < ty->min_size || size > ty->max_size) {
            snprintf(msg, msz, "group %s size %d outside %d..%d", gid, size, ty->min_size,
                     ty->max_size);
            bad = 1;
        } else if (nnew[g] > G->max_new || nhigh[g] > G->max_new_high) {
            snprintf(msg, msz, "group %s composition (new share / high acuity)", gid);
            bad = 1;
        } else if (G->spread >= 0 && nnew[g] > 0) {
            int held_sp = G->held_age_min >= 0 ? G->held_age_max - G->held_age_min : 0;
            int lim = held_sp > G->spread ? held_sp : G->spread;
            if (amax[g] - amin[g] > lim) {
                snprintf(msg, msz, "group %s age spread %d > %d", gid, amax[g] - amin[g], lim);
                bad = 1;
            }
        }
    }
out:
    free(nnew);
    free(nhigh);
    free(amin);
    free(amax);
    return bad;
}

void sv_mark_staff(const sv_group *G, char *fac, char *room)
{
    for (int j = 0; j < G->n_cand; j++) {
        const sv_cand *c = &G->cand[j];
        for (int k = 0; k < c->n_prim; k++)
            fac[c->prim[k]] = 1;
        for (int k = 0; k < c->n_co; k++)
            fac[c->co[k]] = 1;
        for (int k = 0; k < c->n_sub; k++)
            fac[c->sub[k]] = 1;
        for (int k = 0; room && k < c->n_room; k++)
            room[c->room[k]] = 1;
    }
}
