/* solver.c - solver_plan: pre-checks, constructive heuristic, timetable MIP
 * with the heuristic as incumbent, exact patient assignment, large-
 * neighbourhood search while time remains, then sessions, reasons, metrics.
 * See sv.h for the stages. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "solver.h"
#include "sv.h"

const char *solver_glpk_version(void)
{
    return bk_version();
}

void solver_options_default(solver_options *o)
{
    memset(o, 0, sizeof *o);
    o->time_limit_s = -1;
    o->mip_gap = -1;
    o->verbose = 0;
    o->baseline = NULL;
    o->export_model_path = NULL;
    o->second_search = -1;
}

double solver_clock(void)
{
    return sv_now();
}

/* Longest time limit honoured (30 days); longer ones are clamped. */
#define SV_MAX_TIME_LIMIT (30.0 * 86400.0)
/* Columns of a model built and solved (LP) per second on a slow core,
 * measured on tier M/L models (build ~4 us per column, first LP ~25 us):
 * a model is only built when its columns fit the time left at this rate. */
#define SV_COLS_PER_SEC 20000.0

/* The planner's deadline (sv_now clock): the time limit (clamped to 0 ..
 * SV_MAX_TIME_LIMIT, NaN = 60 s) counted from opt->started (or now), less a
 * reserve of 0.2 s + 1 % (at most a fifth of the limit) for building the
 * solution and writing it out. */
static double plan_deadline(const model_instance *inst, const solver_options *opt, double now)
{
    double tl = opt->time_limit_s >= 0 ? opt->time_limit_s : inst->settings.time_limit_s;
    if (isnan(tl))
        tl = 60;
    if (tl < 0)
        tl = 0;
    if (tl > SV_MAX_TIME_LIMIT)
        tl = SV_MAX_TIME_LIMIT;
    double reserve = 0.2 + 0.01 * tl;
    if (reserve > 0.2 * tl)
        reserve = 0.2 * tl;
    double start = opt->started > 0 && opt->started <= now ? opt->started : now;
    return start + tl - reserve;
}

/* How long a whole exact model searches on towards the optimum once its
 * gap is within mip_gap: 5 % of the time limit, at least 3 s (never past
 * 85 % of the time left when the model started; GLPK stops sooner when it
 * proves the optimum).  On tier S the first schedule within mip_gap was up to 0.3 %
 * below the optimum CBC found in the same 5 s; with 1 s 12 of 16 such
 * programs reached CBC's objective, with 3 s 14 (docs/BENCHMARKS.md). */
static double polish_seconds(const sv_prob *pr)
{
    double p = 0.05 * (pr->deadline - pr->t0);
    return p < 3.0 ? 3.0 : p;
}

/* Largest exact model solved as a whole (columns). */
#define SV_EXACT_COLUMNS 6000
/* Largest program (patient-group pairs) whose aggregated model is solved. */
#define SV_AGG_PAIRS 40000
/* First and largest column budget of a neighbourhood. */
#define SV_LNS_COLUMNS 2500
#define SV_LNS_MAX_COLUMNS 8000
/* Neighbourhoods remembered as tried since the last improvement. */
#define SV_LNS_SEEN 64
/* Relative gap a neighbourhood is solved to once the search goes on past
 * mip_gap (before it, half of mip_gap). */
#define SV_LNS_PAST_GAP 1e-4

static double gap_of(double obj, double bound)
{
    double d = bound - obj;
    if (d < 0)
        d = 0;
    return d / (fabs(obj) > 1 ? fabs(obj) : 1);
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* A simple valid upper bound: the best values of patients who fit some group,
 * as many as there are seats, minus the empty seats every must-run group has
 * at least. */
static double trivial_bound(const sv_prob *pr)
{
    double we = pr->w->empty_seat;
    double *v = malloc(sizeof(double) * (size_t)(pr->np + 1));
    char *any = calloc((size_t)pr->np + 1, 1);
    if (!v || !any) {
        free(v);
        free(any);
        return 1e15;
    }
    long seats = 0;
    double must = 0;
    for (int g = 0; g < pr->ng; g++) {
        const sv_group *G = &pr->g[g];
        int capn = sv_new_seats(G);
        if (capn > 0)
            seats += capn;
        if (G->must)
            must -= we * G->cap;
        for (int i = 0; i < pr->n_gpat[g]; i++)
            any[pr->gpat[g][i]] = 1;
    }
    int n = 0;
    for (int p = 0; p < pr->np; p++)
        if (any[p])
            v[n++] = pr->value[p] + we;
    qsort(v, (size_t)n, sizeof(double), cmp_desc);
    double b = must;
    for (int i = 0; i < n && i < seats; i++)
        if (v[i] > 0)
            b += v[i];
    free(v);
    free(any);
    return b;
}

typedef struct run {
    sv_prob pr;
    sv_plan best;
    int have_best;
    double bound;
    int proven_infeasible;
    unsigned long rng;
    sv_lagrange_job *lbound; /* the bound thread beside the search, or NULL */
    sv_share *share;         /* the second search and its plans, or NULL */
} run;

static unsigned long rnd(run *r)
{
    r->rng = r->rng * 6364136223846793005UL + 1442695040888963407UL;
    return r->rng >> 33;
}

static double left(const run *r)
{
    return r->pr.deadline - sv_now();
}

/* Wait for the bound thread, if one runs, and take its bound when tighter. */
static void join_bound(run *r)
{
    double b = 0;
    if (r->lbound && sv_lagrange_join(r->lbound, &b) == 0 && b < r->bound)
        r->bound = b;
    r->lbound = NULL;
}

/* Would a model of ncols columns be built and solved in the time left? */
static int fits(const run *r, long ncols)
{
    return (double)ncols <= left(r) * SV_COLS_PER_SEC;
}

/* Accept a candidate plan when it verifies and improves. */
static int consider(run *r, sv_plan *cand, const char *what)
{
    char msg[256];
    if (sv_plan_verify(&r->pr, cand, msg, sizeof msg)) {
        sv_log(&r->pr, "%s: plan rejected (%s)", what, msg);
        return 0;
    }
    cand->obj = sv_plan_objective(&r->pr, cand);
    if (!r->have_best || cand->obj > r->best.obj + 1e-7) {
        if (sv_plan_copy(&r->pr, &r->best, cand))
            return -1;
        r->have_best = 1;
        sv_log(&r->pr, "%s: objective %.2f (bound %.2f)", what, cand->obj, r->bound);
        return 1;
    }
    return 0;
}

/* After a timetable solve: substitutes and patients. 0 ok, 1 not usable. */
static int complete(run *r, sv_plan *pl, const char *isfree, double tl)
{
    int miss = sv_assign_subs(&r->pr, pl);
    if (miss > 0) {
        sv_log(&r->pr, "no substitute for %d group(s)", miss);
        return 1;
    }
    int e = sv_assign(&r->pr, pl, isfree, tl);
    if (e == 1)
        sv_log(&r->pr, "patient assignment infeasible for this timetable");
    return e;
}

/* Solve the timetable model over the free groups starting from the best
 * plan; keeps the result when better.  Returns <0 on error. */
static int solve_part(run *r, const sv_mip_opts *tmpl, int full, sv_mip_result *out)
{
    sv_plan cand;
    memset(&cand, 0, sizeof cand);
    if (r->have_best) {
        if (sv_plan_copy(&r->pr, &cand, &r->best))
            return -SOLVER_ENOMEM;
    } else if (sv_plan_alloc(&r->pr, &cand)) {
        return -SOLVER_ENOMEM;
    }
    sv_mip_opts o = *tmpl;
    if (o.gap <= 0)
        o.gap = r->pr.mip_gap * 0.5;
    sv_mip_result res;
    int e = sv_mip_solve(&r->pr, &cand, &o, &res);
    if (e < 0) {
        sv_plan_free(&cand);
        return e;
    }
    if (full && res.status != 2 && res.bound < r->bound)
        r->bound = res.bound;
    if (full && res.status == 2)
        r->proven_infeasible = 1;
    if (res.improved) {
        int c = complete(r, &cand, o.free, o.time_limit > 1 ? o.time_limit / 2 : 0.5);
        if (c == 1 && !o.with_subs) {
            /* substitutes or min sizes failed: retry with substitute columns */
            sv_plan cand2;
            memset(&cand2, 0, sizeof cand2);
            if (r->have_best ? sv_plan_copy(&r->pr, &cand2, &r->best)
                             : sv_plan_alloc(&r->pr, &cand2)) {
                sv_plan_free(&cand);
                return -SOLVER_ENOMEM;
            }
            o.with_subs = 1;
            double tl2 = left(r) * 0.5;
            if (tl2 < o.time_limit)
                o.time_limit = tl2;
            if (o.time_limit > 0.2) {
                e = sv_mip_solve(&r->pr, &cand2, &o, &res);
                if (e >= 0 && res.improved)
                    c = complete(r, &cand2, o.free, 1.0);
                if (e >= 0 && c == 0)
                    consider(r, &cand2, full ? "timetable (with substitutes)" : "neighbourhood");
            }
            sv_plan_free(&cand2);
        } else if (c == 0) {
            consider(r, &cand, full ? "timetable" : "neighbourhood");
        } else if (c < 0) {
            sv_plan_free(&cand);
            return c;
        }
    }
    if (out)
        *out = res;
    sv_plan_free(&cand);
    return 0;
}

/* Columns the exact model would have for group g (all its candidates),
 * substitute columns only with with_subs. */
static long group_size(const sv_prob *pr, int g, int with_subs)
{
    long n = 0;
    const sv_group *G = &pr->g[g];
    for (int j = 0; j < G->n_cand; j++) {
        const sv_cand *c = &G->cand[j];
        n += 1 + c->n_prim + (with_subs ? c->n_sub : 0) + (G->cofac ? c->n_co : 0) +
             (G->inperson ? c->n_room : 0);
    }
    return n;
}

/* Aggregated relaxation (no facilitator or room columns, Hall-type
 * counting rows): its LP is a proven bound.  Returns <0 on error. */
static int agg_bound(run *r, double tl)
{
    sv_prob *pr = &r->pr;
    sv_plan cand;
    memset(&cand, 0, sizeof cand);
    if (r->have_best ? sv_plan_copy(pr, &cand, &r->best) : sv_plan_alloc(pr, &cand))
        return -SOLVER_ENOMEM;
    sv_mip_opts o;
    memset(&o, 0, sizeof o);
    o.agg = 1;
    o.relax = 1;
    o.time_limit = tl;
    sv_mip_result res;
    int e = sv_mip_solve(pr, &cand, &o, &res);
    if (e >= 0) {
        e = 0;
        if (res.status == 2)
            r->proven_infeasible = 1;
        else if (res.status == 0 && res.bound < r->bound)
            r->bound = res.bound;
        sv_log(pr, "aggregated LP bound: %.2f", res.status == 0 ? res.bound : 0);
    }
    sv_plan_free(&cand);
    return e;
}

/* FNV-1a hash of the set of free groups (a neighbourhood's identity). */
static unsigned long free_set_hash(const char *isfree, int ng)
{
    unsigned long h = 1469598103934665603UL;
    for (int g = 0; g < ng; g++)
        if (isfree[g]) {
            h ^= (unsigned long)g + 1;
            h *= 1099511628211UL;
        }
    return h;
}

/* Free every group facilitator f leads, co-leads or covers in the best plan. */
static void free_groups_of(run *r, int f, char *isfree)
{
    for (int g = 0; g < r->pr.ng; g++) {
        const sv_gsol *s = &r->best.gs[g];
        if (s->cand >= 0 && (s->prim == f || s->co == f || s->sub == f))
            isfree[g] = 1;
    }
}

/* Free the groups of every facilitator who may staff a group of type t
 * (t >= 0) or group g0 (t < 0): the credential pool they share. */
static void free_pool(run *r, int t, int g0, char *isfree)
{
    const sv_prob *pr = &r->pr;
    char *in_pool = calloc((size_t)pr->nf + 1, 1);
    if (!in_pool)
        return; /* the neighbourhood stays as it is */
    for (int g = 0; g < pr->ng; g++)
        if (t >= 0 ? pr->g[g].type == t : g == g0)
            sv_mark_staff(&pr->g[g], in_pool, NULL);
    for (int f = 0; f < pr->nf; f++)
        if (in_pool[f])
            free_groups_of(r, f, isfree);
    free(in_pool);
}

/* A group the best plan does not run, at random; -1 when all run. */
static int pick_closed(run *r)
{
    int n = 0;
    for (int g = 0; g < r->pr.ng; g++)
        n += r->best.gs[g].cand < 0;
    if (n == 0)
        return -1;
    int k = (int)(rnd(r) % (unsigned long)n);
    for (int g = 0; g < r->pr.ng; g++)
        if (r->best.gs[g].cand < 0 && k-- == 0)
            return g;
    return -1;
}

/* Does some placeable patient fit both type a and type b? */
static int types_share_patients(const sv_prob *pr, int a, int b)
{
    for (int p = 0; p < pr->np; p++)
        if (pr->placeable[p] && pr->elig_type[(size_t)p * pr->nt + a] &&
            pr->elig_type[(size_t)p * pr->nt + b])
            return 1;
    return 0;
}

/* Free the groups of neighbourhood `kind` in isfree (zeroed by the
 * caller): 0 one type's groups, 1 one day's, 2 one facilitator's (lead,
 * co-lead or substitute), 3 none (the caller fills at random), 4 a group
 * the plan does not run (else a type's groups) with every group of the
 * facilitators who could staff it, 5 two types sharing waitlisted
 * patients.  Returns the group the neighbourhood is about (kept when it is
 * trimmed), or -1. */
static int pick_neighbourhood(run *r, int kind, char *isfree)
{
    const sv_prob *pr = &r->pr;
    int ng = pr->ng;
    if (kind == 4) {
        int g0 = pick_closed(r);
        if (g0 >= 0) {
            isfree[g0] = 1;
            free_pool(r, -1, g0, isfree);
            return g0;
        }
    }
    if ((kind == 0 || kind == 4 || kind == 5) && pr->nt > 0) {
        int t = (int)(rnd(r) % (unsigned long)pr->nt);
        int t2 = kind == 5 ? (int)(rnd(r) % (unsigned long)pr->nt) : t;
        if (kind == 5 && !types_share_patients(pr, t, t2))
            t2 = t;
        for (int g = 0; g < ng; g++)
            if (pr->g[g].type == t || pr->g[g].type == t2)
                isfree[g] = 1;
        if (kind == 4)
            free_pool(r, t, -1, isfree);
    } else if (kind == 1) {
        int d = (int)(rnd(r) % 7);
        for (int g = 0; g < ng; g++) {
            int c = r->best.gs[g].cand;
            if (c >= 0 && pr->g[g].cand[c].day == d)
                isfree[g] = 1;
        }
    } else if (kind == 2 && pr->nf > 0) {
        int f = (int)(rnd(r) % (unsigned long)pr->nf);
        free_groups_of(r, f, isfree);
    }
    return -1;
}

/* Between neighbourhoods: take the other search's plan when it is better
 * (consider verifies it), and publish ours.  Returns 1 when the incumbent
 * changed, 0 not, <0 on error. */
static int exchange(run *r, sv_plan *tmp)
{
    if (!r->share)
        return 0;
    int c = 0;
    if (sv_share_get(r->share, tmp) && tmp->obj > r->best.obj + 1e-7) {
        c = consider(r, tmp, "the other search");
        if (c < 0)
            return -SOLVER_ENOMEM;
    }
    sv_share_put(r->share, &r->best);
    return c;
}

/* Large-neighbourhood search: free one type's, one day's or one
 * facilitator's groups, a credential pool, two types sharing patients or a
 * random handful (pick_neighbourhood; within a column budget), re-solve the
 * exact model over them with the rest fixed, keep improvements.  It stops
 * once the gap is within mip_gap, or (past_gap) goes on to until unless
 * the incumbent is proven optimal. */
static int lns(run *r, double until, int max_stale, int quick, int past_gap)
{
    sv_prob *pr = &r->pr;
    int ng = pr->ng;
    char *isfree = malloc((size_t)ng + 1);
    long *gsize = malloc(sizeof(long) * (size_t)(ng + 1));
    sv_plan other;
    memset(&other, 0, sizeof other);
    if (!isfree || !gsize || (r->share && sv_plan_alloc(pr, &other))) {
        free(isfree);
        free(gsize);
        sv_plan_free(&other);
        return -SOLVER_ENOMEM;
    }
    /* Searching on past the gap (a program too large for one exact model),
     * a neighbourhood's model has no substitute columns: substitutes are
     * chosen after it (complete), and only when that fails is it solved
     * again with them (solve_part).  Without them (about 30 % of a tier M
     * model's columns) the same budget frees more groups.  Mixed M seed 3,
     * 24 plans at 10 s with settings.seed 1-24: mean 74,008 against
     * 73,588, 2 against 13 of them more than 2 % below the bound
     * (docs/BENCHMARKS.md). */
    int with_subs = !past_gap;
    long total = 0;
    for (int g = 0; g < ng; g++)
        total += gsize[g] = group_size(pr, g, with_subs) + pr->n_gpat[g] / 2; /* + class counts */
    long budget = SV_LNS_COLUMNS;
    /* one neighbourhood's solve: at most 4 s and a tenth of the limit (at
     * tier M a neighbourhood's branch and bound spent 4 of 10 s without an
     * improvement while others, solved in a fraction of a second, still
     * improved) */
    double cap_s = 0.1 * (pr->deadline - pr->t0);
    cap_s = cap_s < 0.5 ? 0.5 : cap_s > 4 ? 4 : cap_s;
    if (quick && budget > total / 3)
        budget = total / 3 > 1 ? total / 3 : 1;
    int iter = 0, stale = 0, improved = 0;
    unsigned long tried[SV_LNS_SEEN];
    int ntried = 0, repeats = 0;
    int logged = 0;
    int e = 0;
    while (left(r) > 0.3 && r->have_best && sv_now() < until) {
        if ((e = exchange(r, &other)) < 0)
            break;
        if (e > 0)
            ntried = repeats = stale = 0;
        e = 0;
        double gap = gap_of(r->best.obj, r->bound);
        if (gap <= 1e-9 || (gap <= pr->mip_gap && !past_gap))
            break;
        if (gap <= pr->mip_gap && !logged++)
            sv_log(pr, "LNS: gap %.3f%% within mip_gap; searching on for %.1fs", 100 * gap,
                   until - sv_now());
        memset(isfree, 0, (size_t)ng + 1);
        int kind = (int)(rnd(r) % 6);
        int keep = pick_neighbourhood(r, kind, isfree);
        long size = 0;
        int nfree = 0;
        for (int g = 0; g < ng; g++)
            if (isfree[g])
                size += gsize[g], nfree++;
        /* trim at random to the budget (no more than fits the time left),
         * then top up at random */
        long room = (long)(left(r) * SV_COLS_PER_SEC);
        long cap = budget < room ? budget : room;
        int guard = 0;
        while (size > cap && nfree > 1 && guard++ < 100 * ng) {
            int g = (int)(rnd(r) % (unsigned long)ng);
            if (isfree[g] && g != keep)
                isfree[g] = 0, size -= gsize[g], nfree--;
        }
        guard = 0;
        while (size < cap && nfree < ng && guard++ < 4 * ng) {
            int g = (int)(rnd(r) % (unsigned long)ng);
            if (!isfree[g] && size + gsize[g] <= cap)
                isfree[g] = 1, size += gsize[g], nfree++;
        }
        /* a set already re-solved since the last improvement would give
         * the same answer again */
        unsigned long h = free_set_hash(isfree, ng);
        int seen = 0;
        for (int i = 0; i < ntried && i < SV_LNS_SEEN; i++)
            seen |= tried[i] == h;
        if (seen) {
            if (++repeats > 8 * SV_LNS_SEEN)
                break; /* every neighbourhood this search draws is done */
            continue;
        }
        tried[ntried++ % SV_LNS_SEEN] = h;
        double before = r->best.obj;
        double tl = left(r);
        if (tl > (quick ? 0.5 : cap_s))
            tl = quick ? 0.5 : cap_s;
        sv_mip_opts o;
        memset(&o, 0, sizeof o);
        o.free = isfree;
        o.time_limit = tl;
        o.with_subs = with_subs;
        /* searching on past the gap, a neighbourhood is solved to 0.01 %,
         * not to half of mip_gap: GLPK's gap is over the whole program's
         * objective, and at 0.25 % every neighbourhood whose LP bound was
         * within about 180 of the incumbent (tier M) stopped at its start.
         * Measured on the 40 feasible M programs at 10 s: the sum of the
         * gaps 21.1 % against 27.2 % (docs/BENCHMARKS.md) */
        if (past_gap)
            o.gap = SV_LNS_PAST_GAP;
        if ((e = solve_part(r, &o, nfree == ng, NULL)) < 0)
            break;
        iter++;
        sv_log(pr, "LNS kind %d: %d groups free, %ld columns, %.2f -> %.2f", kind, nfree, size,
               before, r->best.obj);
        if (r->best.obj > before + 1e-7) {
            stale = 0;
            improved++;
            ntried = repeats = 0;
        } else if (++stale >= max_stale) {
            break;
        } else if (!quick && stale % 6 == 0 && budget < total &&
                   budget < SV_LNS_MAX_COLUMNS) {
            budget = budget * 3 / 2;
        }
    }
    if (e >= 0)
        e = exchange(r, &other); /* the other search's last plan */
    sv_log(pr, "LNS: %d neighbourhoods, %d improved", iter, improved);
    free(isfree);
    free(gsize);
    sv_plan_free(&other);
    return e < 0 ? e : 0;
}

/* No schedule from the greedy (some must-run group never placed): the
 * exact model over the must-run groups alone, every optional group closed,
 * when it fits the time left; a schedule found becomes the incumbent.
 * Returns <0 on error. */
static int must_only(run *r)
{
    sv_prob *pr = &r->pr;
    char *isfree = calloc((size_t)pr->ng + 1, 1);
    if (!isfree)
        return -SOLVER_ENOMEM;
    long cols = 0;
    int n = 0;
    for (int g = 0; g < pr->ng; g++)
        if (pr->g[g].must) {
            isfree[g] = 1;
            cols += group_size(pr, g, 1) + pr->n_gpat[g] / 2;
            n++;
        }
    int e = 0;
    if (n > 0 && fits(r, cols)) {
        sv_log(pr, "must-run groups alone: about %ld columns", cols);
        sv_mip_opts o;
        memset(&o, 0, sizeof o);
        o.free = isfree;
        o.time_limit = left(r) * 0.5;
        o.with_subs = 1;
        o.dive = 1;
        e = solve_part(r, &o, 0, NULL);
    }
    free(isfree);
    return e;
}

static int set_infeasible(model_solution *sol, model_strlist *diag)
{
    sol->status = MODEL_STATUS_INFEASIBLE;
    model_strlist_free(&sol->diagnosis);
    sol->diagnosis = *diag;
    memset(diag, 0, sizeof *diag);
    return SOLVER_OK;
}

/* A re-plan with a schedule lists its changes against the baseline. */
static int list_changes(const model_instance *inst, const solver_options *opt,
                        model_solution *sol)
{
    if (!opt->baseline ||
        (sol->status != MODEL_STATUS_OPTIMAL && sol->status != MODEL_STATUS_FEASIBLE))
        return SOLVER_OK;
    return model_solution_list_changes(inst, sol, opt->baseline) == MODEL_OK ? SOLVER_OK
                                                                            : SOLVER_ENOMEM;
}

/* Shortest time left for which a second search process is started (s). */
#define SV_SECOND_MIN_S 2.0

/* A second neighbourhood search in a process of its own (share.c): on a
 * program too large for one exact model, with an incumbent, time for it
 * and, by default, 2+ CPUs online (opt->second_search).  In the helper
 * this runs the search to the limit and exits the process; in the parent
 * r->share is set (NULL when fork failed: the search goes on alone).
 * Measured on the tier M programs: docs/BENCHMARKS.md.  0 or <0 on
 * error. */
static int start_second_search(run *r, const solver_options *opt)
{
    int want = opt->second_search;
    if (want < 0)
        want = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
    if (!want || !r->have_best || left(r) < SV_SECOND_MIN_S)
        return 0;
    if (sv_share_open(&r->pr, &r->share))
        return -SOLVER_ENOMEM;
    int f = sv_share_fork(r->share);
    if (f < 0) {
        sv_log(&r->pr, "second search: fork failed; searching alone");
        sv_share_close(r->share);
        r->share = NULL;
        return 0;
    }
    if (f == 1) {
        /* the helper: its own random stream, quiet, to the limit */
        r->pr.verbose = 0;
        r->rng = r->rng * 2862933555777941757UL + 3037000493UL;
        lns(r, r->pr.deadline, 1 << 30, 0, 1);
        sv_share_close(r->share); /* exits */
    }
    sv_log(&r->pr, "second search: a helper process beside this one");
    return 0;
}

/* Stop the second search, if one runs (its plans were taken by lns). */
static void stop_second_search(run *r)
{
    sv_share_close(r->share);
    r->share = NULL;
}

int solver_plan(const model_instance *inst, const solver_options *opt, model_solution **out)
{
    if (!inst || !out)
        return SOLVER_EINVAL;
    solver_options defaults;
    if (!opt) {
        solver_options_default(&defaults);
        opt = &defaults;
    }
    for (int g = 0; g < inst->n_groups; g++)
        if (model_find_type(inst, inst->groups[g].type) < 0 && inst->groups[g].type_idx < 0)
            return SOLVER_EINVAL;
    run r;
    memset(&r, 0, sizeof r);
    int rc = sv_prob_init(&r.pr, inst, opt);
    if (rc)
        return rc;
    sv_prob *pr = &r.pr;
    pr->deadline = plan_deadline(inst, opt, pr->t0);
    r.rng = (unsigned long)inst->settings.seed * 2654435761UL + 12345;
    model_solution *sol = model_solution_create();
    model_strlist diag = {0};
    sv_plan tmp;
    memset(&tmp, 0, sizeof tmp);
    if (!sol || sv_plan_alloc(pr, &r.best) || sv_plan_alloc(pr, &tmp)) {
        rc = SOLVER_ENOMEM;
        goto fail;
    }
    r.bound = trivial_bound(pr);
    sv_log(pr, "%d groups, %d facilitators, %d rooms, %d patients; simple bound %.2f", pr->ng,
           pr->nf, pr->nr, pr->np, r.bound);

    if (opt->export_model_path) {
        sv_mip_opts o;
        memset(&o, 0, sizeof o);
        o.export_path = opt->export_model_path;
        o.no_solve = 1;
        o.with_subs = 1;
        sv_mip_result res;
        int e = sv_mip_solve(pr, &tmp, &o, &res);
        if (e < 0) {
            rc = -e;
            goto fail;
        }
    }

    int npre = sv_precheck(pr, &diag, pr->deadline);
    if (npre < 0) {
        rc = SOLVER_ENOMEM;
        goto fail;
    }
    if (npre > 0) {
        set_infeasible(sol, &diag);
        goto done;
    }

    /* independent parts (sites): plan each on its own */
    {
        int *comp = malloc(sizeof(int) * (size_t)(pr->ng + 1));
        int ncomp = 0;
        if (!comp || sv_components(pr, comp, &ncomp)) {
            free(comp);
            rc = SOLVER_ENOMEM;
            goto fail;
        }
        if (ncomp > 1) {
            model_solution *merged = NULL;
            int e = sv_plan_parts(pr, opt, comp, ncomp, &merged);
            free(comp);
            if (e) {
                rc = e;
                goto fail;
            }
            model_solution_destroy(sol);
            sol = merged;
            /* relaxed plan hook (solver/relax.c): whole program, not per part */
            if (sol->status == MODEL_STATUS_INFEASIBLE) {
                if ((rc = sv_relax(pr, opt, sol)))
                    goto fail;
                sol->solve_seconds = sv_now() - pr->t0;
            }
            if (list_changes(inst, opt, sol) != SOLVER_OK) {
                rc = SOLVER_ENOMEM;
                goto fail;
            }
            sv_log(pr, "done: %s, objective %.2f, bound %.2f, gap %.4f%% (%d parts)",
                   model_solution_status_name(sol->status), sol->objective, sol->bound,
                   100 * sol->gap, ncomp);
            model_strlist_free(&diag);
            sv_plan_free(&r.best);
            sv_plan_free(&tmp);
            sv_prob_free(pr);
            *out = sol;
            return SOLVER_OK;
        }
        free(comp);
    }

    /* 0. a baseline schedule, when given and still valid, is the first
     * incumbent (a re-plan changes as little as pays) */
    if (pr->base) {
        if (sv_plan_from_base(pr, &tmp) == 0) {
            int c = consider(&r, &tmp, "baseline");
            if (c < 0) {
                rc = SOLVER_ENOMEM;
                goto fail;
            }
        } else {
            sv_log(pr, "baseline: does not map onto this program");
        }
    }

    /* 1. constructive heuristic */
    int gr = sv_greedy(pr, &tmp);
    if (gr < 0) {
        rc = -gr;
        goto fail;
    }
    if (gr == 0 && consider(&r, &tmp, "greedy") < 0) {
        rc = SOLVER_ENOMEM;
        goto fail;
    }
    if (!r.have_best) {
        int e = must_only(&r);
        if (e < 0) {
            rc = -e;
            goto fail;
        }
    }

    /* a Lagrangian bound: cheap, and on large programs the best one.  A
     * whole exact model wants it first (it stops on the gap); beside the
     * neighbourhoods, which search on to the limit, it runs on a thread of
     * its own (mixed M seed 3: its 1.7 s of a 10 s limit went back to the
     * search) */
    long est = 0;
    for (int g = 0; g < pr->ng; g++)
        est += group_size(pr, g, 1);
    int have_lbound = 0;
    double lower = r.have_best ? r.best.obj : -1e300;
    if (est > SV_EXACT_COLUMNS) {
        /* before the bound thread starts: fork from one thread */
        int e = start_second_search(&r, opt);
        if (e < 0) {
            rc = -e;
            goto fail;
        }
        if (sv_lagrange_start(pr, lower, left(&r) * 0.8, &r.lbound)) {
            rc = SOLVER_ENOMEM;
            goto fail;
        }
        /* the aggregated LP is then not run: never tighter at tier M (see
         * below), and the thread fails to give a bound only on a must-run
         * group that cannot reach min_size anywhere */
        have_lbound = 1;
    } else {
        double lbound = 0;
        int e = sv_lagrange_bound(pr, lower, left(&r) * 0.1, &lbound);
        if (e == 0 && lbound < r.bound)
            r.bound = lbound;
        have_lbound = e == 0;
    }

    /* 2. the whole exact model when it is small, else the aggregated
     * relaxation (bound) and its timetable realised exactly */
    int whole = 0; /* the whole exact model ran, polishing past mip_gap */
    {
        sv_log(pr, "exact model: about %ld columns", est);
        double tl = left(&r) * 0.6;
        if (est <= SV_EXACT_COLUMNS && tl > 0.2 && fits(&r, est)) {
            /* a few quick neighbourhoods first: a better incumbent lets the
             * exact model stop sooner */
            if (r.have_best && gap_of(r.best.obj, r.bound) > pr->mip_gap) {
                int e = lns(&r, sv_now() + left(&r) * 0.1, 6, 1, 0);
                if (e < 0) {
                    rc = -e;
                    goto fail;
                }
            }
            /* 60 % of the time left to reach mip_gap (the neighbourhoods
             * get the rest when it is not reached); once reached, the
             * polish may run on to 85 % (the rest assigns the patients).
             * Scarce S seed 4 reached it at 1.6 s of 5 s, and a polish cut
             * at 2.7 s left it 0.12 % below CBC */
            tl = left(&r) * 0.6;
            sv_mip_opts o;
            memset(&o, 0, sizeof o);
            o.time_limit = left(&r) * 0.85;
            o.reach = tl;
            o.gap = pr->mip_gap;
            o.polish = polish_seconds(pr);
            o.with_subs = 1;
            o.cuts = 1;
            o.dive = 1; /* the LP is close to the optimum on narrow-block programs
                         * where branching from the greedy start finds nothing */
            sv_mip_result res;
            int e = solve_part(&r, &o, 1, &res);
            if (e < 0) {
                rc = -e;
                goto fail;
            }
            whole = 1;
        } else if (tl > 0.2) {
            int e = 0;
            long pairs = 0;
            for (int g = 0; g < pr->ng; g++)
                pairs += pr->n_gpat[g];
            sv_log(pr, "patient-group pairs: %ld", pairs);
            /* the aggregated LP only when the Lagrangian gave no bound: on
             * the tier M programs of every family it was never tighter
             * (by 0.01-0.05 %) and took 1.5-2.5 s of a 10 s limit, often
             * without finishing */
            if (!have_lbound && pairs <= SV_AGG_PAIRS && fits(&r, pairs) &&
                gap_of(r.have_best ? r.best.obj : 0, r.bound) > pr->mip_gap) {
                e = agg_bound(&r, left(&r) * 0.3);
                if (e < 0) {
                    rc = -e;
                    goto fail;
                }
            }
        }
    }

    /* 3. neighbourhoods while time remains.  Past mip_gap they search on
     * to the limit (unless the whole model already polished): at tier M
     * the first schedule within mip_gap was up to 0.26 % below CBC's on
     * the exported model, 3 s more of polish left one of three below it,
     * and the improvements that closed it came seconds apart */
    if (r.have_best && (gap_of(r.best.obj, r.bound) > pr->mip_gap || !whole)) {
        int e = lns(&r, pr->deadline, 1 << 30, 0, !whole);
        if (e < 0) {
            rc = -e;
            goto fail;
        }
    }
    stop_second_search(&r);
    join_bound(&r);

    if (!r.have_best) {
        /* A relaxation names the rule: positive slack in its LP proves that
         * no schedule exists.  Past the limit a proven infeasibility still
         * gets a short run (3% of the limit, within the tolerance) to say
         * why; the elastic model is only built when it fits that time. */
        int nd = 0;
        if (r.proven_infeasible || left(&r) > 0) {
            double total = pr->deadline - pr->t0;
            double tl = left(&r);
            if (tl < 0.03 * total)
                tl = 0.03 * total;
            if ((double)est > tl * SV_COLS_PER_SEC) {
                sv_log(pr, "diagnosis: a model of about %ld columns does not fit %.2fs; skipped",
                       est, tl);
            } else {
                nd = sv_diagnose_elastic(pr, &diag, tl);
            }
            if (nd < 0) {
                rc = SOLVER_ENOMEM;
                goto fail;
            }
        }
        if (nd > 0 || r.proven_infeasible) {
            if (nd == 0 && model_strlist_push(&diag, "no schedule meets every hard rule: the "
                                                     "must-run groups cannot all be given a "
                                                     "time, room, facilitators, substitute and "
                                                     "min_size members together") != MODEL_OK) {
                rc = SOLVER_ENOMEM;
                goto fail;
            }
            set_infeasible(sol, &diag);
            goto done;
        }
        sol->status = MODEL_STATUS_TIME_LIMIT;
        model_strlist_free(&sol->diagnosis);
        if (model_strlist_push(&sol->diagnosis, "no schedule found within the time limit (none "
                                                "proven impossible either); allow more time") !=
            MODEL_OK) {
            rc = SOLVER_ENOMEM;
            goto fail;
        }
        goto done;
    }

    rc = sv_build_solution(pr, &r.best, sol);
    if (rc)
        goto fail;
    if (model_objective_terms_compute(inst, sol, opt->baseline, &sol->terms) != MODEL_OK) {
        rc = SOLVER_ENOMEM;
        goto fail;
    }
    sol->objective = model_objective_total(&sol->terms);
    if (fabs(sol->objective - r.best.obj) > 1e-6 * (1 + fabs(sol->objective)))
        sv_log(pr, "warning: objective %.4f differs from the planner's %.4f", sol->objective,
               r.best.obj);
    if (r.bound < sol->objective)
        r.bound = sol->objective;
    sol->bound = r.bound;
    sol->gap = gap_of(sol->objective, sol->bound);
    sol->status = sol->gap <= pr->mip_gap + 1e-12 ? MODEL_STATUS_OPTIMAL : MODEL_STATUS_FEASIBLE;
    if (list_changes(inst, opt, sol) != SOLVER_OK) {
        rc = SOLVER_ENOMEM;
        goto fail;
    }
done:
    /* relaxed plan hook (solver/relax.c): an infeasible answer also carries
     * the best schedule that breaks as few rules as possible */
    if (sol->status == MODEL_STATUS_INFEASIBLE && (rc = sv_relax(pr, opt, sol)))
        goto fail;
    sol->solve_seconds = sv_now() - pr->t0;
    sv_log(pr, "done: %s, objective %.2f, bound %.2f, gap %.4f%%",
           model_solution_status_name(sol->status), sol->objective, sol->bound, 100 * sol->gap);
    model_strlist_free(&diag);
    sv_plan_free(&r.best);
    sv_plan_free(&tmp);
    sv_prob_free(pr);
    *out = sol;
    return SOLVER_OK;
fail:
    stop_second_search(&r);
    join_bound(&r);
    model_strlist_free(&diag);
    sv_plan_free(&r.best);
    sv_plan_free(&tmp);
    sv_prob_free(pr);
    model_solution_destroy(sol);
    return rc ? rc : SOLVER_ENOMEM;
}
