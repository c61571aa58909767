/* backend_glpk_mip.c - bk_solve (backend.h) on GLPK: the MIP solve with a
 * start solution, LP diving and the branch-and-cut callback that prints
 * progress and stops at the deadline or gap. */
#include <float.h>
#include <limits.h>
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "backend_glpk_private.h"

/* Nonzeros per second that scaling (glp_scale_prob), the advanced initial
 * basis and the first factorisation get through, none of them bounded by
 * tm_lim: measured 663,857 nonzeros in 3.1 s on the shared 2-core machine
 * (tier-M aggregated model of a block-availability program). */
#define BK_NZ_PER_SEC 200000.0

/* Milliseconds from now to t for GLPK's int tm_lim: at least 1, at most
 * about 24 days (no out-of-range double -> int conversion). */
static int ms_until(double t)
{
    double ms = (t - now_s()) * 1000.0;
    if (!(ms >= 1.0))
        return 1;
    if (ms > (double)(INT_MAX / 2))
        return INT_MAX / 2;
    return (int)ms;
}

/* Simplex iteration bound: generous for any LP that solves at all (a few
 * times rows + columns), finite so that a cycling or stalling LP returns. */
static int it_bound(glp_prob *P)
{
    double n = 50.0 * ((double)glp_get_num_rows(P) + glp_get_num_cols(P)) + 10000.0;
    return n > (double)(INT_MAX / 2) ? INT_MAX / 2 : (int)n;
}

void bk_result_free(bk_result *r)
{
    if (!r)
        return;
    free(r->x);
    r->x = NULL;
    r->n = 0;
}

/* |a - b| relative to |b| (at least 1). */
static double gap_rel(double a, double b)
{
    return fabs(a - b) / (fabs(b) > 1 ? fabs(b) : 1);
}

typedef struct cb_ctx {
    const bk_params *p;
    double *start1; /* 1-based start solution or NULL */
    int start_given;
    double bound;   /* best proven bound so far */
    int max;
    double t_start, last_print, deadline;
    double soft;    /* stop here unless the gap was reached (bk_params.reach) */
    double incumbent;
    int have_inc;
    double t_gap;   /* when the gap was first reached (polish), 0 = not yet */
} cb_ctx;

static void progress(cb_ctx *c, const char *what)
{
    if (!c->p->verbose)
        return;
    double t = now_s();
    char inc[32] = "-", gap[32] = "-";
    if (c->have_inc) {
        snprintf(inc, sizeof inc, "%.2f", c->incumbent);
        double g = fabs(c->bound - c->incumbent) / (fabs(c->incumbent) > 1 ? fabs(c->incumbent) : 1);
        snprintf(gap, sizeof gap, "%.3f%%", 100 * g);
    }
    fprintf(stderr, "[%6.2fs] %s %s: incumbent %s bound %.2f gap %s\n", t - c->p->t0,
            c->p->label ? c->p->label : "mip", what, inc, c->bound, gap);
    c->last_print = t;
}

/* Polishing (p->polish > 0): GLPK searches to optimality, and the search
 * stops p->polish seconds after the incumbent first came within p->gap of
 * the bound. */
static int polish_done(cb_ctx *c, double t)
{
    if (c->p->polish <= 0 || !c->have_inc ||
        gap_rel(c->bound, c->incumbent) > c->p->gap + 1e-12)
        return 0;
    if (c->t_gap == 0)
        c->t_gap = t;
    return t >= c->t_gap + c->p->polish;
}

/* Past the time to reach the gap (bk_params.reach) without reaching it.
 * Called after polish_done, which notes when the gap was reached. */
static int reach_missed(const cb_ctx *c, double t)
{
    return t > c->soft && c->t_gap == 0;
}

static void bk_callback(glp_tree *T, void *info)
{
    cb_ctx *c = info;
    int reason = glp_ios_reason(T);
    int best = glp_ios_best_node(T);
    if (best) {
        double b = glp_ios_node_bound(T, best);
        if (c->max ? b < c->bound : b > c->bound)
            c->bound = b;
    }
    glp_prob *P = glp_ios_get_prob(T);
    if (reason == GLP_IBRANCH && c->p->priority) {
        const int *pri = c->p->priority;
        int n = glp_get_num_cols(P);
        int best = 0, bp = 0;
        double bf = 0, bv = 0;
        for (int j = 1; j <= n; j++) {
            if (!glp_ios_can_branch(T, j))
                continue;
            double v = glp_get_col_prim(P, j);
            double fr = v - floor(v);
            double score = fr < 0.5 ? fr : 1 - fr;
            if (!best || pri[j - 1] > bp || (pri[j - 1] == bp && score > bf)) {
                best = j;
                bp = pri[j - 1];
                bf = score;
                bv = fr;
            }
        }
        if (best)
            glp_ios_branch_upon(T, best, bv >= 0.5 ? GLP_UP_BRNCH : GLP_DN_BRNCH);
    }
    if (reason == GLP_IHEUR && c->start1 && !c->start_given) {
        c->start_given = 1;
        if (glp_ios_heur_sol(T, c->start1) && c->p->verbose)
            progress(c, "start rejected");
    }
    if (glp_mip_status(P) == GLP_FEAS || glp_mip_status(P) == GLP_OPT) {
        double v = glp_mip_obj_val(P);
        if (!c->have_inc || v != c->incumbent) {
            c->incumbent = v;
            c->have_inc = 1;
            progress(c, "new incumbent");
        }
    }
    double t = now_s();
    if (reason == GLP_ISELECT && c->p->verbose && t - c->last_print > 1.0)
        progress(c, "searching");
    if (t > c->deadline || polish_done(c, t) || reach_missed(c, t))
        glp_ios_terminate(T);
}

/* Copy the basis statuses of P into cs[1..n], rs[1..m]. */
static void basis_save(glp_prob *P, int *cs, int *rs)
{
    int n = glp_get_num_cols(P), m = glp_get_num_rows(P);
    for (int j = 1; j <= n; j++)
        cs[j] = glp_get_col_stat(P, j);
    for (int i = 1; i <= m; i++)
        rs[i] = glp_get_row_stat(P, i);
}

/* Give P the basis statuses saved by basis_save. */
static void basis_load(glp_prob *P, const int *cs, const int *rs)
{
    int n = glp_get_num_cols(P), m = glp_get_num_rows(P);
    for (int j = 1; j <= n; j++)
        glp_set_col_stat(P, j, cs[j]);
    for (int i = 1; i <= m; i++)
        glp_set_row_stat(P, i, rs[i]);
}

/* LP diving: repeatedly fix the fractional integer columns closest to an
 * integer (a few at a time) and re-solve with the dual simplex; on an
 * infeasible LP the last fixes are turned the other way.  Leaves the
 * problem's bounds and an optimal LP basis as they were.  Writes a feasible
 * solution into x and returns 1 when one was found. */
static int dive(glp_prob *P, double deadline, double hard, double *x, double *objval)
{
    int n = glp_get_num_cols(P);
    int *type = malloc(sizeof(int) * (size_t)(n + 1));
    double *lb = malloc(sizeof(double) * (size_t)(n + 1));
    double *ub = malloc(sizeof(double) * (size_t)(n + 1));
    int *fix = malloc(sizeof(int) * (size_t)(n + 1));
    double *fval = malloc(sizeof(double) * (size_t)(n + 1));
    int *cstat = NULL, *rstat = NULL, *lcs = NULL, *lrs = NULL;
    int found = 0;
    if (!type || !lb || !ub || !fix || !fval)
        goto out;
    int m = glp_get_num_rows(P);
    cstat = malloc(sizeof(int) * (size_t)(n + 1));
    rstat = malloc(sizeof(int) * (size_t)(m + 1));
    lcs = malloc(sizeof(int) * (size_t)(n + 1)); /* last optimal basis of the dive */
    lrs = malloc(sizeof(int) * (size_t)(m + 1));
    if (!cstat || !rstat || !lcs || !lrs)
        goto out;
    for (int j = 1; j <= n; j++) {
        type[j] = glp_get_col_type(P, j);
        lb[j] = glp_get_col_lb(P, j);
        ub[j] = glp_get_col_ub(P, j);
    }
    basis_save(P, cstat, rstat);
    basis_save(P, lcs, lrs);
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.meth = GLP_DUALP;
    sm.it_lim = it_bound(P);
    int batch = n; /* most columns fixed in one round */
    for (int round = 0; round < 10000; round++) {
        if (now_s() > deadline)
            break;
        /* fractional integer columns; the binaries (the timetable's
         * choices) first, the general integers (counts) once those are
         * integral: rounding a count up is what most often makes the LP
         * infeasible */
        int nf = 0, nbin = 0;
        for (int j = 1; j <= n; j++) {
            int kind = glp_get_col_kind(P, j);
            if (kind == GLP_CV)
                continue;
            double v = glp_get_col_prim(P, j);
            double r = floor(v + 0.5);
            if (fabs(v - r) > 1e-6) {
                fix[nf++] = j;
                nbin += kind == GLP_BV;
            }
        }
        if (nbin > 0 && nbin < nf) {
            int w = 0;
            for (int i = 0; i < nf; i++)
                if (glp_get_col_kind(P, fix[i]) == GLP_BV)
                    fix[w++] = fix[i];
            nf = w;
        }
        if (nf == 0) {
            for (int j = 1; j <= n; j++) {
                double v = glp_get_col_prim(P, j);
                x[j - 1] = glp_get_col_kind(P, j) != GLP_CV ? floor(v + 0.5) : v;
            }
            *objval = glp_get_obj_val(P);
            found = 1;
            break;
        }
        /* round up: the fractional columns closest to their ceiling, a few
         * at a time (one when none is past one half) */
        int k = 0;
        for (int i = 0; i < nf; i++) {
            double v = glp_get_col_prim(P, fix[i]);
            if (v - floor(v) >= 0.5)
                k++;
        }
        k = k > 0 ? k / 2 + 1 : 1;
        if (k > batch)
            k = batch;
        for (int a = 0; a < k; a++) {
            int bi = a;
            double bd = 2;
            for (int i = a; i < nf; i++) {
                double v = glp_get_col_prim(P, fix[i]);
                double d = ceil(v) - v;
                if (d < bd) {
                    bd = d;
                    bi = i;
                }
            }
            int t = fix[a];
            fix[a] = fix[bi];
            fix[bi] = t;
            double v = glp_get_col_prim(P, fix[a]);
            fval[a] = ceil(v - 1e-9);
            glp_set_col_bnds(P, fix[a], GLP_FX, fval[a], fval[a]);
        }
        if (now_s() >= deadline)
            break;
        sm.tm_lim = ms_until(deadline);
        int ret = glp_simplex(P, &sm);
        if (ret == 0 && glp_get_status(P) == GLP_OPT) {
            basis_save(P, lcs, lrs);
            batch = batch < n ? batch * 2 : n;
            continue;
        }
        batch = k > 1 ? k / 2 : 1; /* fewer fixes at once after a failure */
        /* infeasible: undo all but the first fix, flip the first, and start
         * from the last optimal basis (measured: from the infeasible one the
         * dual simplex can take longer than the whole dive) */
        for (int a = 0; a < k; a++) {
            int j = fix[a];
            glp_set_col_bnds(P, j, type[j], lb[j], ub[j]);
        }
        int j = fix[0];
        double v = fval[0];
        double alt = v >= 1 ? v - 1 : v + 1;
        if (alt < lb[j] - 1e-9 || (type[j] == GLP_DB && alt > ub[j] + 1e-9))
            break;
        glp_set_col_bnds(P, j, GLP_FX, alt, alt);
        basis_load(P, lcs, lrs);
        sm.tm_lim = ms_until(deadline);
        ret = glp_simplex(P, &sm);
        if (ret != 0 || glp_get_status(P) != GLP_OPT)
            break;
        basis_save(P, lcs, lrs);
    }
    /* back to the LP optimum: original bounds and basis */
    for (int j = 1; j <= n; j++)
        glp_set_col_bnds(P, j, type[j], lb[j], ub[j]);
    basis_load(P, cstat, rstat);
    /* the restored basis is optimal: this takes no iterations, but is bounded
     * by the solve's own deadline like every simplex */
    sm.tm_lim = ms_until(hard);
    sm.meth = GLP_PRIMAL;
    glp_simplex(P, &sm);
out:
    free(cstat);
    free(rstat);
    free(lcs);
    free(lrs);
    free(type);
    free(lb);
    free(ub);
    free(fix);
    free(fval);
    return found;
}

typedef struct solve_ctx {
    bk_model *m;
    const bk_params *p;
    bk_result *r;
    double *x;
    double *start1;
    int n, max;
    double deadline;
    double soft; /* the end of everything before the polish (bk_params.reach) */
    cb_ctx cb;
    int err; /* BK_EBACKEND when GLPK reported a failure */
} solve_ctx;

/* Hand the start solution back as the result (BK_FEASIBLE).  Returns 1 when
 * there was one. */
static int give_start(solve_ctx *S)
{
    glp_prob *P = S->m->P;
    bk_result *r = S->r;
    if (!S->start1)
        return 0;
    r->obj = glp_get_obj_coef(P, 0);
    for (int j = 0; j < S->n; j++) {
        S->x[j] = S->start1[j + 1];
        r->obj += glp_get_obj_coef(P, j + 1) * S->start1[j + 1];
    }
    r->status = BK_FEASIBLE;
    r->x = S->x;
    r->n = S->n;
    S->x = NULL;
    return 1;
}

static void do_solve(void *c)
{
    solve_ctx *S = c;
    glp_prob *P = S->m->P;
    const bk_params *p = S->p;
    bk_result *r = S->r;
    int n = S->n;
    double nz = glp_get_num_nz(P);
    if (now_s() + nz / BK_NZ_PER_SEC >= S->deadline) {
        /* scaling, the initial basis and its first factorisation are not
         * bounded by tm_lim: a model that cannot get through them in the
         * time left is not started */
        if (p->verbose)
            fprintf(stderr, "[%6.2fs] %s: %.0f nonzeros do not fit the time left; not solved\n",
                    now_s() - p->t0, p->label ? p->label : "mip", nz);
        if (!p->relax)
            give_start(S);
        return;
    }
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.presolve = GLP_OFF;
    sm.meth = GLP_PRIMAL; /* measured: much faster than the dual here */
    sm.it_lim = it_bound(P);
    glp_scale_prob(P, GLP_SF_AUTO);
    glp_adv_basis(P, 0);
    sm.tm_lim = ms_until(S->deadline);
    int ret = glp_simplex(P, &sm);
    int lps = glp_get_status(P);
    if (ret != 0 || (lps != GLP_OPT && lps != GLP_NOFEAS && lps != GLP_UNBND)) {
        if (ret == GLP_ETMLIM || ret == GLP_EITLIM || ret == 0) {
            /* LP not solved in time: no bound; hand back the start if any */
            if (!p->relax)
                give_start(S);
            return;
        }
        S->err = BK_EBACKEND;
        return;
    }
    if (lps == GLP_NOFEAS) {
        r->status = BK_INFEASIBLE;
        return;
    }
    if (lps == GLP_UNBND) {
        S->err = BK_EBACKEND;
        return;
    }
    double lpval = glp_get_obj_val(P);
    r->bound = lpval;
    S->cb.bound = lpval;
    if (p->verbose)
        fprintf(stderr, "[%6.2fs] %s: LP relaxation %.2f (%d columns, %d rows)\n",
                now_s() - p->t0, p->label ? p->label : "mip", lpval, n, glp_get_num_rows(P));
    if (p->relax || S->m->nint == 0) {
        for (int j = 0; j < n; j++)
            S->x[j] = glp_get_col_prim(P, j + 1);
        r->status = BK_OPTIMAL;
        r->obj = lpval;
        r->x = S->x;
        r->n = n;
        S->x = NULL;
        return;
    }
    if (p->dive && !p->relax) {
        double dv = 0;
        double *dx = malloc(sizeof(double) * (size_t)(n + 1));
        /* most of the time: branching rarely improves on a dive in it */
        double dl = now_s() + (S->soft - now_s()) * 0.95;
        double t_dive = now_s();
        int dived = dx && dive(P, dl, S->soft, dx, &dv);
        if (!dived && p->verbose)
            fprintf(stderr, "[%6.2fs] %s: diving found nothing in %.2fs\n", now_s() - p->t0,
                    p->label ? p->label : "mip", now_s() - t_dive);
        if (dived) {
            int better = !S->start1;
            if (S->start1) {
                double sv = glp_get_obj_coef(P, 0);
                for (int j = 1; j <= n; j++)
                    sv += glp_get_obj_coef(P, j) * S->start1[j];
                better = S->max ? dv > sv + 1e-9 : dv < sv - 1e-9;
            }
            if (better) {
                if (!S->start1)
                    S->start1 = malloc(sizeof(double) * (size_t)(n + 1));
                if (S->start1) {
                    S->start1[0] = 0;
                    for (int j = 0; j < n; j++)
                        S->start1[j + 1] = dx[j];
                    S->cb.start1 = S->start1;
                }
            }
            if (p->verbose)
                fprintf(stderr, "[%6.2fs] %s: diving found %.2f\n", now_s() - p->t0,
                        p->label ? p->label : "mip", dv);
            if (p->polish <= 0 && gap_rel(lpval, dv) <= (p->gap > 0 ? p->gap : 0) + 1e-9) {
                /* within the gap of the LP bound: done */
                for (int j = 0; j < n; j++)
                    S->x[j] = dx[j];
                r->obj = dv;
                r->bound = lpval;
                r->status = BK_OPTIMAL;
                r->x = S->x;
                r->n = n;
                S->x = NULL;
                free(dx);
                return;
            }
            if (better && now_s() > S->cb.t_start + 0.5 * (S->soft - S->cb.t_start)) {
                /* past half the time: branching would leave the caller no
                 * time to use the dive's schedule */
                free(dx);
                give_start(S);
                return;
            }
        }
        free(dx);
        if (glp_get_status(P) != GLP_OPT) {
            S->err = BK_EBACKEND;
            return;
        }
    }
    double rest = S->soft - now_s();
    if (rest < 0.02) {
        /* no time left to branch: the start (or diving) solution if any */
        if (give_start(S) && gap_rel(lpval, r->obj) <= p->gap + 1e-12)
            r->status = BK_OPTIMAL;
        return;
    }
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = GLP_MSG_OFF;
    io.presolve = GLP_OFF;
    io.mip_gap = p->gap > 0 && p->polish <= 0 ? p->gap : 0.0;
    io.tm_lim = ms_until(S->deadline);
    io.cb_func = bk_callback;
    io.cb_info = &S->cb;
    io.br_tech = GLP_BR_DTH;
    io.bt_tech = GLP_BT_BLB;
    if (p->cuts) {
        io.gmi_cuts = GLP_ON;
        io.mir_cuts = GLP_ON;
        io.cov_cuts = GLP_ON;
        io.clq_cuts = GLP_ON;
    }
    ret = glp_intopt(P, &io);
    int ms = glp_mip_status(P);
    if (ms == GLP_OPT || ms == GLP_FEAS) {
        for (int j = 0; j < n; j++)
            S->x[j] = glp_mip_col_val(P, j + 1);
        r->obj = glp_mip_obj_val(P);
        r->x = S->x;
        r->n = n;
        S->x = NULL;
        if (ret == 0 && ms == GLP_OPT) {
            r->status = BK_OPTIMAL;
            r->bound = r->obj;
        } else {
            r->bound = S->cb.bound;
            if (S->max ? r->bound < r->obj : r->bound > r->obj)
                r->bound = r->obj;
            r->status = (ret == GLP_EMIPGAP || gap_rel(r->bound, r->obj) <= p->gap + 1e-12)
                            ? BK_OPTIMAL
                            : BK_FEASIBLE;
        }
    } else {
        r->status = (ret == 0 && ms == GLP_NOFEAS) ? BK_INFEASIBLE : BK_NOSOL;
        r->bound = S->cb.bound;
        if (ret != 0 && ret != GLP_ETMLIM && ret != GLP_ESTOP && ret != GLP_EMIPGAP)
            S->err = BK_EBACKEND;
    }
    if (p->verbose) {
        S->cb.bound = r->bound;
        progress(&S->cb, r->status == BK_OPTIMAL ? "done" : "stopped");
    }
}

int bk_solve(bk_model *m, const bk_params *p, bk_result *r)
{
    memset(r, 0, sizeof *r);
    r->status = BK_NOSOL;
    if (!alive(m))
        return BK_EBACKEND;
    solve_ctx S;
    memset(&S, 0, sizeof S);
    S.m = m;
    S.p = p;
    S.r = r;
    S.n = glp_get_num_cols(m->P);
    S.max = glp_get_obj_dir(m->P) == GLP_MAX;
    r->bound = S.max ? BK_INF : -BK_INF;
    S.x = malloc(sizeof(double) * (size_t)(S.n + 1));
    if (!S.x)
        return BK_ENOMEM;
    if (p->start) {
        if (!(S.start1 = malloc(sizeof(double) * (size_t)(S.n + 1)))) {
            free(S.x);
            return BK_ENOMEM;
        }
        S.start1[0] = 0;
        for (int j = 0; j < S.n; j++)
            S.start1[j + 1] = p->start[j];
    }
    double t = now_s();
    S.deadline = t + (p->time_limit > 0 ? p->time_limit : 1e-3);
    if (p->deadline > 0 && p->deadline < S.deadline)
        S.deadline = p->deadline;
    S.cb.p = p;
    S.cb.start1 = S.start1;
    S.cb.max = S.max;
    S.cb.t_start = t;
    S.cb.last_print = t;
    S.soft = S.deadline;
    if (p->polish > 0 && p->reach > 0 && t + p->reach < S.soft)
        S.soft = t + p->reach;
    S.cb.deadline = S.deadline;
    S.cb.soft = S.soft;
    S.cb.bound = r->bound;
    int failed = bk_guard(do_solve, &S);
    free(S.x);
    free(S.start1);
    if (failed || S.err) {
        bk_result_free(r);
        r->status = BK_NOSOL;
        return BK_EBACKEND;
    }
    return BK_OK;
}
