/* greedy.c - constructive heuristic: places groups one by one (scarce ones
 * first) at the candidate that serves the most valuable unreserved demand,
 * with free facilitators, room and substitute; the exact patient assignment
 * (assign.c) follows.  Failing groups move ahead in the next pass
 * ("squeaky wheel"). */
#include <stdlib.h>
#include <string.h>

#include "sv.h"

typedef struct glist {
    int *g;
    int n;
} glist;

typedef struct gstate {
    const sv_prob *pr;
    sv_plan *pl;
    int *reserved;    /* per patient: group or -1 */
    double *load;     /* per facilitator */
    int *ncred;       /* per facilitator: number of credentials */
    int *tmp;         /* scratch, np */
    int *take;        /* scratch, 2 np */
    glist *lead;      /* per facilitator: groups led or co-led */
    glist *subof;     /* per facilitator: groups substituted */
    glist *inroom;    /* per room: groups */
    sv_gsol *snap_gs; /* scratch for repair: ng placements per depth */
    int *snap_res;    /* scratch for repair: np reservations per depth */
    double repair_end; /* wall clock after which repair is not tried */
    unsigned long rng;
    double noise;     /* random perturbation of choices (0 = none) */
} gstate;

static double urand(gstate *s)
{
    s->rng = s->rng * 6364136223846793005UL + 1442695040888963407UL;
    return (double)(s->rng >> 11) / 9007199254740992.0;
}

static void gl_add(glist *l, int g)
{
    l->g[l->n++] = g;
}

static const sv_cand *placed(const gstate *s, int h)
{
    return &s->pr->g[h].cand[s->pl->gs[h].cand];
}

/* Regular assignments of f per (day, parity) and per parity week stay
 * within the caps when f also leads at c. */
static int caps_ok(const gstate *s, int f, const sv_cand *c, int skip_g)
{
    const sv_prob *pr = s->pr;
    const glist *L = &s->lead[f];
    for (int par = 0; par < pr->nparity; par++) {
        if (!(c->pmask & (1 << par)))
            continue;
        int week = 1, day = 1;
        for (int i = 0; i < L->n; i++) {
            if (L->g[i] == skip_g)
                continue;
            const sv_cand *d = placed(s, L->g[i]);
            if (!(d->pmask & (1 << par)))
                continue;
            week++;
            day += d->day == c->day;
        }
        if (week > pr->maxweek[f] || day > pr->maxday[f])
            return 0;
    }
    return 1;
}

static int leads_overlap(const gstate *s, int f, const sv_cand *c, int skip_g)
{
    const glist *L = &s->lead[f];
    for (int i = 0; i < L->n; i++)
        if (L->g[i] != skip_g && sv_overlap(c, placed(s, L->g[i]), s->pr->brk))
            return 1;
    return 0;
}

static int in_list(const int *a, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (a[i] == x)
            return 1;
    return 0;
}

/* May f2 substitute for placed group h (it leads nothing overlapping h and
 * is neither of the excluded people about to lead)? */
static int sub_ok_local(const gstate *s, int h, int f2, int ex1, int ex2)
{
    const sv_gsol *t = &s->pl->gs[h];
    const sv_cand *d = placed(s, h);
    if (f2 == t->prim || f2 == t->co || f2 == ex1 || f2 == ex2 || !in_list(d->sub, d->n_sub, f2))
        return 0;
    return !leads_overlap(s, f2, d, h);
}

/* f is the substitute of groups overlapping c: can each of them take another
 * substitute (when f leads at c, together with ex)?  With apply, reassign. */
static int subs_movable(gstate *s, int f, const sv_cand *c, int ex, int apply)
{
    const sv_prob *pr = s->pr;
    glist *L = &s->subof[f];
    for (int i = 0; i < L->n; i++) {
        int h = L->g[i];
        const sv_cand *d = placed(s, h);
        if (!sv_overlap(c, d, pr->brk))
            continue;
        if (pr->g[h].fixed_pin_sub >= 0)
            return 0;
        int alt = -1;
        for (int k = 0; k < d->n_sub && alt < 0; k++) {
            int f2 = d->sub[k];
            if (f2 != f && sub_ok_local(s, h, f2, f, ex))
                alt = f2;
        }
        if (alt < 0)
            return 0;
        if (apply) {
            s->pl->gs[h].sub = alt;
            gl_add(&s->subof[alt], h);
            L->g[i] = L->g[--L->n];
            i--;
        }
    }
    return 1;
}

static int lead_ok(gstate *s, int f, const sv_cand *c, int g)
{
    return !leads_overlap(s, f, c, g) && caps_ok(s, f, c, g) && subs_movable(s, f, c, -1, 0);
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
    const glist *L = &s->inroom[r];
    for (int i = 0; i < L->n; i++)
        if (L->g[i] != g && sv_overlap(c, placed(s, L->g[i]), 0))
            return 0;
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
    /* gpat is in value order already */
    int lim = sv_new_seats(G);
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

/* Place group g as chosen and reserve at most lim of the patients its
 * demand takes there. */
static void commit(gstate *s, int g, const gchoice *ch, int lim)
{
    const sv_prob *pr = s->pr;
    const sv_cand *c = &pr->g[g].cand[ch->j];
    sv_gsol *gs = &s->pl->gs[g];
    subs_movable(s, ch->prim, c, ch->co, 1);
    if (ch->co >= 0)
        subs_movable(s, ch->co, c, ch->prim, 1);
    gs->cand = ch->j;
    gs->prim = ch->prim;
    gs->co = ch->co;
    gs->room = ch->room;
    gs->sub = ch->sub;
    gl_add(&s->lead[ch->prim], g);
    if (ch->co >= 0)
        gl_add(&s->lead[ch->co], g);
    gl_add(&s->subof[ch->sub], g);
    if (ch->room >= 0)
        gl_add(&s->inroom[ch->room], g);
    double lw = c->parity >= 0 ? 0.5 : 1.0;
    s->load[ch->prim] += lw;
    if (ch->co >= 0)
        s->load[ch->co] += lw;
    double v;
    int n = demand(s, g, ch->j, &v);
    for (int i = 0; i < n && i < lim; i++)
        s->reserved[s->take[i]] = g;
}

/* Recompute the per-facilitator and per-room lists and loads from the
 * placements in s->pl (after placements were changed wholesale). */
static void rebuild(gstate *s)
{
    const sv_prob *pr = s->pr;
    for (int f = 0; f < pr->nf; f++) {
        s->load[f] = 0;
        s->lead[f].n = s->subof[f].n = 0;
    }
    for (int r = 0; r < pr->nr; r++)
        s->inroom[r].n = 0;
    for (int g = 0; g < pr->ng; g++) {
        const sv_gsol *gs = &s->pl->gs[g];
        if (gs->cand < 0)
            continue;
        double lw = placed(s, g)->parity >= 0 ? 0.5 : 1.0;
        gl_add(&s->lead[gs->prim], g);
        s->load[gs->prim] += lw;
        if (gs->co >= 0) {
            gl_add(&s->lead[gs->co], g);
            s->load[gs->co] += lw;
        }
        if (gs->sub >= 0)
            gl_add(&s->subof[gs->sub], g);
        if (gs->room >= 0)
            gl_add(&s->inroom[gs->room], g);
    }
}

/* Take placed group h out: its placement and its reserved patients. */
static void unplace(gstate *s, int h)
{
    sv_gsol *gs = &s->pl->gs[h];
    gs->cand = -1;
    gs->prim = gs->co = gs->room = gs->sub = -1;
    for (int p = 0; p < s->pr->np; p++)
        if (s->reserved[p] == h)
            s->reserved[p] = -1;
    rebuild(s);
}

/* Could placed group h hold a facilitator, room or reserved patient that
 * group g may use? */
static int shares_resource(const gstate *s, int g, int h)
{
    const sv_prob *pr = s->pr;
    const sv_group *G = &pr->g[g];
    const sv_gsol *t = &s->pl->gs[h];
    for (int j = 0; j < G->n_cand; j++) {
        const sv_cand *c = &G->cand[j];
        int fs[3] = {t->prim, t->co, t->sub};
        for (int k = 0; k < 3; k++)
            if (fs[k] >= 0 && (in_list(c->prim, c->n_prim, fs[k]) ||
                               in_list(c->co, c->n_co, fs[k]) || in_list(c->sub, c->n_sub, fs[k])))
                return 1;
        if (t->room >= 0 && in_list(c->room, c->n_room, t->room))
            return 1;
    }
    for (int i = 0; i < pr->n_gpat[g]; i++)
        if (s->reserved[pr->gpat[g][i]] == h)
            return 1;
    return 0;
}

/* Does a choice place group g acceptably (a must-run group with min_size)? */
static int choice_ok(const gstate *s, int g, const gchoice *ch)
{
    const sv_group *G = &s->pr->g[g];
    return !G->must || ch->n >= s->pr->inst->types[G->type].min_size - G->held;
}

/* Depth of exchange chains tried by repair(). */
#define REPAIR_DEPTH 2

/* Must-run group g found no placement: for each placed group h sharing a
 * facilitator, room or patients with it (and not in keep[0..nkeep)), take
 * h out, place g, then place h again elsewhere, itself by such an exchange
 * while depth allows, or (h optional) leave it closed.  The first chain
 * where every must-run group is placed is kept (1); otherwise everything
 * is as before (0). */
static int repair_chain(gstate *s, int g, int depth, int *keep, int nkeep)
{
    const sv_prob *pr = s->pr;
    sv_gsol *snap_gs = s->snap_gs + (size_t)depth * (size_t)(pr->ng + 1);
    int *snap_res = s->snap_res + (size_t)depth * (size_t)(pr->np + 1);
    keep[nkeep++] = g;
    for (int h = 0; h < pr->ng; h++) {
        if (s->pl->gs[h].cand < 0 || in_list(keep, nkeep, h) || !shares_resource(s, g, h))
            continue;
        if (sv_now() > s->repair_end)
            return 0;
        memcpy(snap_gs, s->pl->gs, sizeof *snap_gs * (size_t)pr->ng);
        memcpy(snap_res, s->reserved, sizeof(int) * (size_t)pr->np);
        unplace(s, h);
        gchoice cg, ch;
        if (try_group(s, g, &cg) && choice_ok(s, g, &cg)) {
            /* g reserves only what min_size needs: the exact assignment
             * fills its other seats later, and h may need the rest */
            const sv_group *G = &pr->g[g];
            commit(s, g, &cg, pr->inst->types[G->type].min_size - G->held);
            if (try_group(s, h, &ch) && choice_ok(s, h, &ch)) {
                commit(s, h, &ch, ch.n);
                return 1;
            }
            if (depth > 0 && repair_chain(s, h, depth - 1, keep, nkeep))
                return 1;
            if (!pr->g[h].must)
                return 1; /* an optional group may stay closed */
        }
        memcpy(s->pl->gs, snap_gs, sizeof *snap_gs * (size_t)pr->ng);
        memcpy(s->reserved, snap_res, sizeof(int) * (size_t)pr->np);
        rebuild(s);
    }
    return 0;
}

static int repair(gstate *s, int g)
{
    int keep[REPAIR_DEPTH + 2];
    return repair_chain(s, g, REPAIR_DEPTH - 1, keep, 0);
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
    for (int f = 0; f < pr->nf; f++) {
        s->load[f] = 0;
        s->lead[f].n = 0;
        s->subof[f].n = 0;
    }
    for (int r = 0; r < pr->nr; r++)
        s->inroom[r].n = 0;
    for (int k = 0; k < ng; k++) {
        int g = order[k];
        const sv_group *G = &pr->g[g];
        const model_group_type *ty = &pr->inst->types[G->type];
        int need = ty->min_size - G->held;
        gchoice ch;
        if (!try_group(s, g, &ch) || (G->must && ch.n < need)) {
            if (G->must && repair(s, g))
                continue;
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
        commit(s, g, &ch, ch.n);
    }
    return nfail;
}

/* The pass's own reservations as a plan, with no solver call: each placed
 * group takes the patients it reserved (demand() kept capacity, new-member
 * share, high acuity, age band and fit); an optional group below min_size
 * closes.  Written into out; returns 0 when the plan verifies, so that a
 * schedule is in hand even when the exact assignment (assign.c) fails or
 * runs out of time. */
static int reserved_plan(const gstate *s, sv_plan *out)
{
    const sv_prob *pr = s->pr;
    if (sv_plan_copy(pr, out, s->pl))
        return -1;
    int *size = calloc((size_t)pr->ng + 1, sizeof(int));
    if (!size)
        return -1;
    for (int p = 0; p < pr->np; p++) {
        int g = s->reserved[p];
        out->pg[p] = g >= 0 && out->gs[g].cand >= 0 ? g : -1;
        if (out->pg[p] >= 0)
            size[g]++;
    }
    for (int g = 0; g < pr->ng; g++) {
        const sv_group *G = &pr->g[g];
        sv_gsol *gs = &out->gs[g];
        if (gs->cand < 0 || G->must || G->held + size[g] >= pr->inst->types[G->type].min_size)
            continue;
        gs->cand = -1;
        gs->prim = gs->co = gs->room = gs->sub = -1;
        for (int p = 0; p < pr->np; p++)
            if (out->pg[p] == g)
                out->pg[p] = -1;
    }
    free(size);
    if (sv_plan_verify(pr, out, NULL, 0))
        return 1;
    out->obj = sv_plan_objective(pr, out);
    return 0;
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
    sv_plan best, resv;
    memset(&best, 0, sizeof best);
    memset(&resv, 0, sizeof resv);
    int have = 0;
    int *pool = malloc(sizeof(int) *
                       ((size_t)(2 * (pr->nf + 1) + (pr->nr + 1)) * (size_t)(ng + 1) + 1));
    s.lead = calloc((size_t)pr->nf + 1, sizeof(glist));
    s.subof = calloc((size_t)pr->nf + 1, sizeof(glist));
    s.inroom = calloc((size_t)pr->nr + 1, sizeof(glist));
    s.snap_gs = malloc(sizeof *s.snap_gs * (size_t)(ng + 1) * REPAIR_DEPTH);
    s.snap_res = malloc(sizeof(int) * (size_t)(np + 1) * REPAIR_DEPTH);
    if (pool && s.lead && s.subof && s.inroom) {
        int *q = pool;
        for (int f = 0; f < pr->nf; f++) {
            s.lead[f].g = q;
            q += ng + 1;
            s.subof[f].g = q;
            q += ng + 1;
        }
        for (int r = 0; r < pr->nr; r++) {
            s.inroom[r].g = q;
            q += ng + 1;
        }
    }
    int rc = SOLVER_ENOMEM;
    if (!s.reserved || !s.tmp || !s.take || !s.load || !s.ncred || !order || !key || !base ||
        !boost || !failed || !pool || !s.lead || !s.subof || !s.inroom || !s.snap_gs ||
        !s.snap_res ||
        sv_plan_alloc(pr, &best) || sv_plan_alloc(pr, &resv))
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
     * get a little noise after the first pass (at most 200 passes) */
    double budget = (pr->deadline - sv_now()) * 0.15;
    double t_end = sv_now() + (budget > 0.05 ? budget : 0.05);
    s.repair_end = pr->deadline - (pr->deadline - sv_now()) * 0.5;
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
        if (nfail == 0 && sv_assign_subs(pr, pl) > 0) {
            for (int g = 0; g < ng; g++)
                if (pl->gs[g].cand >= 0 && pl->gs[g].sub < 0)
                    failed[g] = 1, nfail++;
        }
        if (pr->verbose && nfail > 0 && attempt < 5) {
            char buf[200];
            size_t u = 0;
            buf[0] = 0;
            for (int g = 0; g < ng && u + 24 < sizeof buf; g++)
                if (failed[g])
                    u += (size_t)snprintf(buf + u, sizeof buf - u, " %s", pr->inst->groups[g].id);
            sv_log(pr, "greedy pass %d: %d must-run group(s) not placed:%s", attempt + 1, nfail, buf);
        }
        if (nfail == 0) {
            int rp = reserved_plan(&s, &resv);
            if (rp < 0)
                goto out;
            if (rp == 0 && (!have || resv.obj > best.obj)) {
                sv_plan_copy(pr, &best, &resv);
                have = 1;
                sv_log(pr, "greedy pass %d: reserved patients, objective %.2f", attempt + 1,
                       resv.obj);
            }
            if (sv_now() >= pr->deadline)
                break;
            for (int p = 0; p < np; p++)
                pl->pg[p] = -1;
            double left = pr->deadline - sv_now();
            double ta = sv_now();
            int e = sv_assign(pr, pl, NULL, left > 1 ? left / 4 : 0.5);
            sv_log(pr, "greedy pass %d: patient assignment %s in %.2fs", attempt + 1,
                   e == 0 ? "done" : e == 1 ? "infeasible" : "failed", sv_now() - ta);
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
        /* the budget is for improving: without a schedule keep trying
         * until the planner's deadline */
        if ((have && sv_now() > t_end) || sv_now() >= pr->deadline)
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
    sv_plan_free(&resv);
    free(pool);
    free(s.lead);
    free(s.subof);
    free(s.inroom);
    free(s.snap_gs);
    free(s.snap_res);
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
