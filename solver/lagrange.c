/* lagrange.c - an upper bound on the objective by Lagrangian relaxation of
 * "each patient joins at most one group" (prices lambda_p >= 0), with
 * facilitator and room conflicts, substitutes and load balance (a penalty,
 * never positive) dropped.  Given the prices the problem separates into one
 * problem per group: choose a candidate time (or, when optional, not to
 * run) and the patients that fit it, best reduced values first, within
 * capacity, new-member share, high-acuity count and age band, at least
 * min_size.  L(lambda) = sum lambda + sum over groups of their best value is
 * an upper bound for every lambda >= 0; subgradient steps lower it.
 *
 * Much cheaper than the LP of the aggregated model on large programs, and
 * on the benchmark programs about as tight (the resource rows hardly move
 * the LP bound). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sv.h"

/* Stop when the bound gains less than LG_STALL_REL (relative) over
 * LG_STALL_ITERS iterations.  Measured on tier M blocks and rooms programs:
 * the bound then lies within 0.01 % of where 1,000 more iterations take it,
 * and the time saved (about a quarter of the stage) goes to the search. */
#define LG_STALL_ITERS 250
#define LG_STALL_REL 1e-4

typedef struct lg {
    const sv_prob *pr;
    double *lam;     /* np */
    double *r;       /* np: reduced value v + we - lambda */
    int *cnt;        /* np: times chosen in the current argmax */
    int *ord;        /* scratch: gpat of one group by reduced value */
    int *take;       /* scratch */
    int *best_take;  /* scratch */
} lg;

/* Best value of group g at candidate j given reduced values; writes the
 * chosen patients into take[0..*n).  Returns -HUGE_VAL when the candidate
 * cannot reach min_size. */
static double cand_value(lg *L, int g, int j, const int *ord, int nord, int *take, int *n)
{
    const sv_prob *pr = L->pr;
    const sv_group *G = &pr->g[g];
    const model_group_type *ty = &pr->inst->types[G->type];
    int need = ty->min_size - G->held;
    int capn = sv_new_seats(G);
    if (capn < 0)
        return -HUGE_VAL;
    double base = -pr->w->empty_seat * G->cap;
    int bands = G->spread >= 0 && G->age_lo < 0 ? nord + 1 : 1;
    double best = -HUGE_VAL;
    int bestn = 0;
    for (int b = 0; b < bands; b++) {
        int lo = -1, hi = -1;
        if (bands > 1) {
            if (b < nord)
                lo = pr->inst->patients[ord[b]].age;
            else if (G->held_age_min >= 0)
                lo = G->held_age_min;
            else
                continue;
            hi = lo + G->spread;
            if (G->held_age_min >= 0 && (lo > G->held_age_min || hi < G->held_age_max))
                continue;
            /* skip a band start already tried */
            int dup = 0;
            for (int k = 0; k < b && !dup && k < nord; k++)
                dup = pr->inst->patients[ord[k]].age == lo;
            if (dup)
                continue;
        }
        double v = base;
        int k = 0, nh = 0;
        for (int i = 0; i < nord && k < capn; i++) {
            int p = ord[i];
            if (!sv_patient_fits(pr, p, g, j))
                continue;
            if (lo >= 0) {
                int a = pr->inst->patients[p].age;
                if (a < lo || a > hi)
                    continue;
            }
            if (pr->high[p] && nh >= G->max_new_high)
                continue;
            if (k >= need && L->r[p] <= 0)
                break;
            nh += pr->high[p];
            v += L->r[p];
            take[nord + k] = p;
            k++;
        }
        if (k < need)
            continue;
        if (v > best) {
            best = v;
            bestn = k;
            memmove(take, take + nord, sizeof(int) * (size_t)k);
        }
    }
    *n = bestn;
    return best;
}

/* L(lambda); fills cnt with how often each patient is chosen.  Returns
 * HUGE_VAL when some must-run group has no candidate reaching min_size. */
static double evaluate(lg *L)
{
    const sv_prob *pr = L->pr;
    double total = 0;
    for (int p = 0; p < pr->np; p++) {
        L->cnt[p] = 0;
        L->r[p] = pr->value[p] + pr->w->empty_seat - L->lam[p];
        total += L->lam[p];
    }
    for (int g = 0; g < pr->ng; g++) {
        const sv_group *G = &pr->g[g];
        int n = pr->n_gpat[g];
        /* patients of g by reduced value (insertion sort: lists are short
         * and nearly sorted from one iteration to the next) */
        int *ord = L->ord;
        memcpy(ord, pr->gpat[g], sizeof(int) * (size_t)n);
        for (int i = 1; i < n; i++) {
            int x = ord[i], k = i - 1;
            while (k >= 0 && L->r[ord[k]] < L->r[x]) {
                ord[k + 1] = ord[k];
                k--;
            }
            ord[k + 1] = x;
        }
        double best = G->must ? -HUGE_VAL : 0;
        int bestn = 0;
        for (int j = 0; j < G->n_cand; j++) {
            int k = 0;
            double v = cand_value(L, g, j, ord, n, L->take, &k);
            if (v > best) {
                best = v;
                bestn = k;
                memcpy(L->best_take, L->take, sizeof(int) * (size_t)k);
            }
        }
        if (best == -HUGE_VAL)
            return HUGE_VAL;
        total += best;
        for (int i = 0; i < bestn; i++)
            L->cnt[L->best_take[i]]++;
    }
    return total;
}

int sv_lagrange_bound(const sv_prob *pr, double lower, double time_limit, double *bound)
{
    /* close enough: the schedule is proven within half the requested gap */
    double stop_gap = pr->mip_gap * 0.5 > 1e-4 ? pr->mip_gap * 0.5 : 1e-4;
    lg L;
    memset(&L, 0, sizeof L);
    L.pr = pr;
    int np = pr->np, maxn = 1;
    for (int g = 0; g < pr->ng; g++)
        if (pr->n_gpat[g] > maxn)
            maxn = pr->n_gpat[g];
    L.lam = calloc((size_t)np + 1, sizeof(double));
    L.r = calloc((size_t)np + 1, sizeof(double));
    L.cnt = calloc((size_t)np + 1, sizeof(int));
    L.ord = malloc(sizeof(int) * (size_t)(maxn + 1));
    L.take = malloc(sizeof(int) * (size_t)(2 * maxn + 2));
    L.best_take = malloc(sizeof(int) * (size_t)(maxn + 1));
    double *best_lam = calloc((size_t)np + 1, sizeof(double));
    if (!L.lam || !L.r || !L.cnt || !L.ord || !L.take || !L.best_take || !best_lam) {
        free(L.lam), free(L.r), free(L.cnt), free(L.ord), free(L.take), free(L.best_take);
        free(best_lam);
        return SOLVER_ENOMEM;
    }
    double t_end = sv_now() + time_limit;
    if (t_end > pr->deadline)
        t_end = pr->deadline;
    double best = HUGE_VAL;
    /* Polyak steps towards the best known objective; the step factor halves
     * after 100 iterations without a better bound (measured on the tier M
     * and L benchmarks: larger patience keeps improving the bound, and the
     * Lagrangian dual ends below the LP bound of the aggregated model) */
    double theta = 2.0;
    int patience = 100;
    int since = 0, iter = 0;
    double checkpoint = HUGE_VAL;
    /* start: price every patient at a share of its value, so the first
     * bound is not the sum over groups of their best patients */
    for (int p = 0; p < np; p++)
        L.lam[p] = pr->placeable[p] ? 0.5 * (pr->value[p] + pr->w->empty_seat) : 0;
    while (sv_now() < t_end && iter < 50000) {
        double v = evaluate(&L);
        iter++;
        if (iter % LG_STALL_ITERS == 0) {
            /* converged for practical purposes: less than LG_STALL_REL of
             * the bound gained over the last LG_STALL_ITERS iterations */
            if (checkpoint - best < LG_STALL_REL * fabs(best))
                break;
            checkpoint = best;
        }
        if (v == HUGE_VAL)
            break;
        if (v < best - 1e-9) {
            best = v;
            memcpy(best_lam, L.lam, sizeof(double) * (size_t)np);
            since = 0;
        } else if (++since >= patience) {
            theta *= 0.5;
            since = 0;
            memcpy(L.lam, best_lam, sizeof(double) * (size_t)np);
            if (theta < 1e-4)
                break;
            continue;
        }
        double target = lower > -HUGE_VAL ? lower : 0.95 * best;
        if (best - lower <= stop_gap * (fabs(lower) > 1 ? fabs(lower) : 1))
            break;
        double norm = 0;
        for (int p = 0; p < np; p++) {
            double s = 1.0 - L.cnt[p];
            if (s > 0 && L.lam[p] <= 0)
                s = 0; /* projected: price already at zero */
            norm += s * s;
        }
        if (norm <= 0)
            break; /* every constraint tight or slack at price 0: optimal */
        double step = theta * (v - target) / norm;
        if (step <= 0)
            step = theta * 1e-3;
        for (int p = 0; p < np; p++) {
            double s = 1.0 - L.cnt[p];
            double x = L.lam[p] - step * s;
            L.lam[p] = x > 0 ? x : 0;
        }
    }
    sv_log(pr, "Lagrangian bound %.2f after %d iterations", best, iter);
    free(L.lam), free(L.r), free(L.cnt), free(L.ord), free(L.take), free(L.best_take);
    free(best_lam);
    if (best == HUGE_VAL)
        return 1;
    *bound = best;
    return 0;
}

/* The bound of one sv_lagrange_bound call, computed on a thread of its own.
 * It touches nothing but pr (read only) and its own arrays, and never GLPK,
 * so it may run beside the caller's solves. */
struct sv_lagrange_job {
    const sv_prob *pr;
    double lower, time_limit, bound;
    int rc;
    int threaded; /* 0: computed in sv_lagrange_start (no thread) */
    pthread_t tid;
};

static void *lagrange_main(void *arg)
{
    sv_lagrange_job *j = arg;
    j->rc = sv_lagrange_bound(j->pr, j->lower, j->time_limit, &j->bound);
    return NULL;
}

int sv_lagrange_start(const sv_prob *pr, double lower, double time_limit,
                      sv_lagrange_job **out)
{
    sv_lagrange_job *j = calloc(1, sizeof *j);
    if (!j)
        return SOLVER_ENOMEM;
    j->pr = pr;
    j->lower = lower;
    j->time_limit = time_limit;
    j->threaded = pthread_create(&j->tid, NULL, lagrange_main, j) == 0;
    if (!j->threaded)
        lagrange_main(j); /* no thread to be had: the same bound, in line */
    *out = j;
    return 0;
}

int sv_lagrange_join(sv_lagrange_job *job, double *bound)
{
    if (!job)
        return 1;
    if (job->threaded)
        pthread_join(job->tid, NULL);
    int rc = job->rc;
    if (rc == 0)
        *bound = job->bound;
    free(job);
    return rc;
}
