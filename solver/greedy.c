/* greedy.c - constructive heuristic: places groups one by one (scarce ones
 * first) at the candidate that serves the most valuable unreserved demand,
 * with free facilitators, room and substitute; the exact patient assignment
 * (assign.c) follows. */
#include <stdlib.h>
#include <string.h>

#include "sv.h"

typedef struct gstate {
    const sv_prob *pr;
    sv_plan *pl;
    int *reserved;    /* per patient: group or -1 */
    double *load;     /* per facilitator */
    int *ncred;       /* per facilitator: number of credentials */
    int *tmp;         /* scratch, np */
    int *take;        /* scratch, np */
    unsigned long rng;
    double noise;     /* random perturbation of choices (0 = none) */
} gstate;

static double urand(gstate *s)
{
    s->rng = s->rng * 6364136223846793005UL + 1442695040888963407UL;
    return (double)(s->rng >> 11) / 9007199254740992.0;
}

/* Count of regular assignments of f on (day, parity) and in the parity's week. */
static int caps_ok(const gstate *s, int f, const sv_cand *c, int skip_g)
{
    const sv_prob *pr = s->pr;
    for (int par = 0; par < pr->nparity; par++) {
        if (!(c->pmask & (1 << par)))
            continue;
        int week = 1, day = 1;
        for (int h = 0; h < pr->ng; h++) {
            const sv_gsol *t = &s->pl->gs[h];
            if (h == skip_g || t->cand < 0 || (t->prim != f && t->co != f))
                continue;
            const sv_cand *d = &pr->g[h].cand[t->cand];
            if (!(d->pmask & (1 << par)))
                continue;
            week++;
            if (d->day == c->day)
                day++;
        }
        if (week > pr->maxweek[f] || day > pr->maxday[f])
            return 0;
    }
    return 1;
}

static int leads_overlap(const gstate *s, int f, const sv_cand *c, int skip_g)
{
    const sv_prob *pr = s->pr;
    for (int h = 0; h < pr->ng; h++) {
        const sv_gsol *t = &s->pl->gs[h];
        if (h == skip_g || t->cand < 0 || (t->prim != f && t->co != f))
            continue;
        if (sv_overlap(c, &pr->g[h].cand[t->cand], pr->brk))
            return 1;
    }
    return 0;
}

/* f is the substitute of overlapping groups: can each of them take another
 * substitute (when f leads at c)?  With apply, reassign them. */
static int subs_movable(gstate *s, int f, const sv_cand *c, int apply)
{
    const sv_prob *pr = s->pr;
    for (int h = 0; h < pr->ng; h++) {
        sv_gsol *t = &s->pl->gs[h];
        if (t->cand < 0 || t->sub != f)
            continue;
        const sv_cand *d = &pr->g[h].cand[t->cand];
        if (!sv_overlap(c, d, pr->brk))
            continue;
        if (pr->g[h].fixed_pin_sub >= 0)
            return 0;
        int alt = -1;
        for (int i = 0; i < d->n_sub && alt < 0; i++) {
            int f2 = d->sub[i];
            if (f2 != f && sv_sub_ok(pr, s->pl, h, f2))
                alt = f2;
        }
        if (alt < 0)
            return 0;
        if (apply)
            t->sub = alt;
    }
    return 1;
}

static int lead_ok(gstate *s, int f, const sv_cand *c, int g)
{
    return !leads_overlap(s, f, c, g) && caps_ok(s, f, c, g) && subs_movable(s, f, c, 0);
}

/* Pick the least loaded, least versatile free facilitator from a list. */
static int pick_lead(gstate *s, const int *list, int n, const sv_cand *c, int g, int not1,
                     int not2)
{
    int best = -1;
    double bs = 0;
    for (int i = 0; i < n; i++) {
        int f = list[i];
        if (f == not1 || f == not2 || !lead_ok(s, f, c, g))
            continue;
        double sc = s->load[f] * 4 + s->ncred[f] + s->noise * 4 * urand(s);
        if (best < 0 || sc < bs) {
            best = f;
            bs = sc;
        }
    }
    return best;
}

static int room_free(const gstate *s, int r, const sv_cand *c, int g)
{
    const sv_prob *pr = s->pr;
    for (int h = 0; h < pr->ng; h++) {
        const sv_gsol *t = &s->pl->gs[h];
        if (h == g || t->cand < 0 || t->room != r)
            continue;
        if (sv_overlap(c, &pr->g[h].cand[t->cand], 0))
            return 0;
    }
    return 1;
}

static int pick_room(const gstate *s, const sv_cand *c, int g)
{
    int best = -1;
    for (int i = 0; i < c->n_room; i++) {
        int r = c->room[i];
        if (!room_free(s, r, c, g))
            continue;
        if (best < 0 || s->pr->inst->rooms[r].capacity < s->pr->inst->rooms[best].capacity)
            best = r;
    }
    return best;
}

static int pick_sub(const gstate *s, const sv_cand *c, int g, int prim, int co)
{
    int best = -1;
    double bs = 0;
    for (int i = 0; i < c->n_sub; i++) {
        int f = c->sub[i];
        if (f == prim || f == co || leads_overlap(s, f, c, g))
            continue;
        double sc = -s->ncred[f] - s->load[f];
        if (best < 0 || sc < bs) {
            best = f;
            bs = sc;
        }
    }
    return best;
}

static const sv_prob *g_sort_pr;
static int by_value(const void *a, const void *b)
{
    double x = g_sort_pr->value[*(const int *)a], y = g_sort_pr->value[*(const int *)b];
    return (x < y) - (x > y);
}

/* Greedy demand of group g at candidate j: fills s->take with the patients it
 * would reserve (value order, composition limits); returns their count and
 * their total value in *val. */
static int demand(gstate *s, int g, int j, double *val)
{
    const sv_prob *pr = s->pr;
    const sv_group *G = &pr->g[g];
    int n = 0;
    for (int i = 0; i < pr->n_gpat[g]; i++) {
        int p = pr->gpat[g][i];
        if (s->reserved[p] < 0 && sv_patient_fits(pr, p, g, j))
            s->tmp[n++] = p;
    }
    g_sort_pr = pr;
    qsort(s->tmp, (size_t)n, sizeof(int), by_value);
    int lim = G->cap < G->max_new ? G->cap : G->max_new;
    if (lim < 0)
        lim = 0;
    double best_v = -1;
    int best_n = 0;
    /* age band [lo, lo + spread]: WLOG it starts at a candidate's age, or
     * (with continuing members) at their youngest age */
    int bands = 1;
    if (G->spread >= 0 && G->age_lo < 0)
        bands = n + 1;
    for (int b = 0; b < bands; b++) {
        int lo = -1, hi = -1;
        if (bands > 1) {
            if (b < n)
                lo = pr->inst->patients[s->tmp[b]].age;
            else if (G->held_age_min >= 0)
                lo = G->held_age_min;
            else
                continue;
            hi = lo + G->spread;
            if (G->held_age_min >= 0 && (lo > G->held_age_min || hi < G->held_age_max))
                continue;
        }
        int k = 0, nh = 0;
        double v = 0;
        for (int i = 0; i < n && k < lim; i++) {
            int p = s->tmp[i];
            if (lo >= 0) {
                int a = pr->inst->patients[p].age;
                if (a < lo || a > hi)
                    continue;
            }
            if (pr->high[p] && nh >= G->max_new_high)
                continue;
            nh += pr->high[p];
            v += pr->value[p] + pr->w->empty_seat;
            s->take[n + k] = p; /* staging; the best so far lives in take[0..) */
            k++;
        }
        if (v > best_v) {
            best_v = v;
            best_n = k;
            memmove(s->take, s->take + n, sizeof(int) * (size_t)k);
        }
    }
    *val = best_v < 0 ? 0 : best_v;
    return best_n;
}

typedef struct gchoice {
    int j, prim, co, room, sub, n;
    double val;
} gchoice;

static int try_group(gstate *s, int g, gchoice *out)
{
    const sv_prob *pr = s->pr;
    const sv_group *G = &pr->g[g];
    const model_group_type *ty = &pr->inst->types[G->type];
    int need = ty->min_size - G->held;
    int found = 0;
    gchoice best;
    memset(&best, 0, sizeof best);
    for (int j = 0; j < G->n_cand; j++) {
        const sv_cand *c = &G->cand[j];
        int room = -1;
        if (G->inperson && (room = pick_room(s, c, g)) < 0)
            continue;
        int prim = pick_lead(s, c->prim, c->n_prim, c, g, -1, -1);
        if (prim < 0)
            continue;
        int co = -1;
        if (G->cofac && (co = pick_lead(s, c->co, c->n_co, c, g, prim, -1)) < 0) {
            /* try another primary that leaves a co-facilitator */
            for (int i = 0; i < c->n_prim && co < 0; i++) {
                int p2 = c->prim[i];
                if (p2 == prim || !lead_ok(s, p2, c, g))
                    continue;
                co = pick_lead(s, c->co, c->n_co, c, g, p2, -1);
                if (co >= 0)
                    prim = p2;
            }
            if (co < 0)
                continue;
        }
        int sub = pick_sub(s, c, g, prim, co);
        if (sub < 0)
            continue;
        double val;
        int n = demand(s, g, j, &val);
        if (s->noise > 0)
            val *= 1 + s->noise * 0.1 * urand(s);
        /* prefer reaching min_size, then value */
        int reach = n >= need;
        int breach = best.n >= need;
        if (!found || reach > breach || (reach == breach && val > best.val + 1e-9)) {
            found = 1;
            best.j = j;
            best.prim = prim;
            best.co = co;
            best.room = room;
            best.sub = sub;
            best.n = n;
            best.val = val;
        }
    }
    if (found)
        *out = best;
    return found;
}

static void commit(gstate *s, int g, const gchoice *ch)
{
    const sv_prob *pr = s->pr;
    const sv_cand *c = &pr->g[g].cand[ch->j];
    subs_movable(s, ch->prim, c, 1);
    if (ch->co >= 0)
        subs_movable(s, ch->co, c, 1);
    sv_gsol *gs = &s->pl->gs[g];
    gs->cand = ch->j;
    gs->prim = ch->prim;
    gs->co = ch->co;
    gs->room = ch->room;
    gs->sub = ch->sub;
    double lw = c->parity >= 0 ? 0.5 : 1.0;
    s->load[ch->prim] += lw;
    if (ch->co >= 0)
        s->load[ch->co] += lw;
    double v;
    int n = demand(s, g, ch->j, &v);
    for (int i = 0; i < n; i++)
        s->reserved[s->take[i]] = g;
}

/* One constructive pass in the given order.  Returns the number of must-run
 * groups that could not be placed (each marked in failed[]). */
static int pass(gstate *s, const int *order, char *failed)
{
    const sv_prob *pr = s->pr;
    int ng = pr->ng, nfail = 0;
    for (int g = 0; g < ng; g++) {
        sv_gsol *gs = &s->pl->gs[g];
        gs->cand = -1;
        gs->prim = gs->co = gs->room = gs->sub = -1;
        failed[g] = 0;
    }
    for (int p = 0; p < pr->np; p++)
        s->reserved[p] = -1;
    for (int f = 0; f < pr->nf; f++)
        s->load[f] = 0;
    for (int k = 0; k < ng; k++) {
        int g = order[k];
        const sv_group *G = &pr->g[g];
        const model_group_type *ty = &pr->inst->types[G->type];
        int need = ty->min_size - G->held;
        gchoice ch;
        if (!try_group(s, g, &ch) || (G->must && ch.n < need)) {
            if (G->must) {
                failed[g] = 1;
                nfail++;
            }
            if (!G->must || !try_group(s, g, &ch))
                continue;
        }
        if (!G->must) {
            double gain = ch.val - pr->w->empty_seat * G->cap;
            if (G->cap < 0 || ch.n < need || gain <= 0)
                continue;
        }
        commit(s, g, &ch);
    }
    return nfail;
}

int sv_greedy(const sv_prob *pr, sv_plan *pl)
{
    gstate s;
    memset(&s, 0, sizeof s);
    s.pr = pr;
    s.pl = pl;
    s.rng = (unsigned long)pr->inst->settings.seed * 7919UL + 17;
    int np = pr->np, ng = pr->ng;
    s.reserved = malloc(sizeof(int) * (size_t)(np + 1));
    s.tmp = malloc(sizeof(int) * (size_t)(np + 1));
    s.take = malloc(sizeof(int) * (size_t)(2 * np + 2));
    s.load = calloc((size_t)pr->nf + 1, sizeof(double));
    s.ncred = calloc((size_t)pr->nf + 1, sizeof(int));
    int *order = malloc(sizeof(int) * (size_t)(ng + 1));
    double *key = malloc(sizeof(double) * (size_t)(ng + 1));
    double *base = malloc(sizeof(double) * (size_t)(ng + 1));
    double *boost = calloc((size_t)ng + 1, sizeof(double));
    char *failed = calloc((size_t)ng + 1, 1);
    sv_plan best;
    memset(&best, 0, sizeof best);
    int have = 0;
    int rc = SOLVER_ENOMEM;
    if (!s.reserved || !s.tmp || !s.take || !s.load || !s.ncred || !order || !key || !base ||
        !boost || !failed || sv_plan_alloc(pr, &best))
        goto out;
    for (int f = 0; f < pr->nf; f++)
        s.ncred[f] = pr->inst->facilitators[f].credentials.n;
    for (int g = 0; g < ng; g++) {
        const sv_group *G = &pr->g[g];
        double flex = 0;
        for (int j = 0; j < G->n_cand; j++) {
            const sv_cand *c = &G->cand[j];
            flex += (double)c->n_prim * (G->cofac ? c->n_co : 1) * (G->inperson ? c->n_room : 1);
        }
        /* pinned, then must-run by flexibility, then optional by demand */
        if (G->pinned)
            base[g] = flex;
        else if (G->must)
            base[g] = 1e9 + flex / (G->cofac ? 4.0 : 1.0);
        else
            base[g] = 1e12 - pr->n_gpat[g];
    }
    /* squeaky wheel: groups that fail move ahead in the next pass; choices
     * get a little noise after the first pass */
    double budget = (pr->deadline - sv_now()) * 0.15;
    double t_end = sv_now() + (budget > 0.05 ? budget : 0.05);
    for (int attempt = 0; attempt < 200; attempt++) {
        for (int g = 0; g < ng; g++) {
            order[g] = g;
            key[g] = base[g] - boost[g] * 1e13;
        }
        /* insertion sort by key (ng is small) */
        for (int i = 1; i < ng; i++) {
            int x = order[i], k = i - 1;
            while (k >= 0 && key[order[k]] > key[x]) {
                order[k + 1] = order[k];
                k--;
            }
            order[k + 1] = x;
        }
        s.noise = attempt == 0 ? 0 : 0.5;
        int nfail = pass(&s, order, failed);
        if (nfail == 0) {
            for (int p = 0; p < np; p++)
                pl->pg[p] = -1;
            double left = pr->deadline - sv_now();
            int e = sv_assign(pr, pl, NULL, left > 1 ? left / 4 : 0.5);
            if (e < 0) {
                rc = e;
                goto out;
            }
            if (e == 0) {
                pl->obj = sv_plan_objective(pr, pl);
                if (!have || pl->obj > best.obj) {
                    sv_plan_copy(pr, &best, pl);
                    have = 1;
                }
                sv_log(pr, "greedy pass %d: objective %.2f", attempt + 1, pl->obj);
                break;
            }
            /* below min_size somewhere: push every must-run group with
             * continuing members below min_size forward */
            for (int g = 0; g < ng; g++) {
                const sv_group *G = &pr->g[g];
                if (G->must && G->held < pr->inst->types[G->type].min_size)
                    boost[g] += 0.5 + urand(&s);
            }
        } else {
            for (int g = 0; g < ng; g++)
                if (failed[g])
                    boost[g] += 1;
        }
        if (sv_now() > t_end)
            break;
    }
    if (have) {
        sv_plan_copy(pr, pl, &best);
        rc = 0;
    } else {
        sv_log(pr, "greedy: no complete schedule");
        rc = 1;
    }
out:
    sv_plan_free(&best);
    free(s.reserved);
    free(s.tmp);
    free(s.take);
    free(s.load);
    free(s.ncred);
    free(order);
    free(key);
    free(base);
    free(boost);
    free(failed);
    return rc;
}
