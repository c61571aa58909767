/* backend_glpk_plain.c - bk_solve_plain (backend.h) on GLPK: the plain
 * solve of the naive baseline, GLPK's defaults (LP relaxation, then
 * branch-and-cut) within a time limit and gap, with progress reports. */
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

/* ------------------------------------------------------- plain solves */

/* State of a plain solve, shared with the branch-and-cut callback. */
typedef struct plain_ctx {
    bk_model *m;
    double time_limit, gap, deadline;
    double sense;           /* +1 maximise, -1 minimise */
    int has_node_bound;
    double node_bound;      /* best bound seen at a node */
    bk_plain *st;
    bk_plain_fn progress;
    void *pctx;
} plain_ctx;

static void plain_report(plain_ctx *x)
{
    if (x->progress)
        x->progress(x->st, x->pctx);
}

static void plain_callback(glp_tree *T, void *info)
{
    plain_ctx *x = info;
    bk_plain *st = x->st;
    int r = glp_ios_reason(T);
    if (now_s() > x->deadline) /* GLPK checks tm_lim only between nodes */
        glp_ios_terminate(T);
    int better = 0;
    if (r == GLP_IBINGO) {
        double v = glp_mip_obj_val(glp_ios_get_prob(T));
        if (!st->has_incumbent || x->sense * v > x->sense * st->obj) {
            st->has_incumbent = 1;
            st->obj = v;
            st->status = BK_FEASIBLE;
            better = 1;
        }
    }
    if (r == GLP_ISELECT || r == GLP_IBINGO || r == GLP_IROWGEN) {
        int p = glp_ios_best_node(T);
        double b = p > 0 ? glp_ios_node_bound(T, p) : 0;
        if (p > 0 && (!x->has_node_bound || x->sense * b < x->sense * x->node_bound)) {
            x->node_bound = b;
            x->has_node_bound = 1;
            if (x->sense * b < x->sense * st->bound - 1e-9) {
                st->bound = b;
                better = 1;
            }
        }
    }
    if (better)
        plain_report(x);
}

/* The LP relaxation; 0 when it has an optimum (st->bound set). */
static int plain_lp(plain_ctx *x)
{
    glp_prob *P = x->m->P;
    glp_smcp sp;
    glp_init_smcp(&sp);
    sp.msg_lev = GLP_MSG_OFF;
    sp.presolve = GLP_OFF;
    sp.tm_lim = (int)(x->time_limit * 1000.0);
    int src = glp_simplex(P, &sp);
    int sst = glp_get_status(P);
    if (src == 0 && (sst == GLP_NOFEAS || glp_get_prim_stat(P) == GLP_NOFEAS)) {
        x->st->status = BK_INFEASIBLE;
        return 1;
    }
    if (src != 0 || sst != GLP_OPT)
        return 1;
    x->st->has_bound = 1;
    x->st->bound = glp_get_obj_val(P);
    plain_report(x);
    return 0;
}

/* Branch-and-cut with GLPK's defaults from the LP, within left seconds. */
static void plain_mip(plain_ctx *x, double left)
{
    glp_prob *P = x->m->P;
    bk_plain *st = x->st;
    glp_iocp ip;
    glp_init_iocp(&ip);
    ip.msg_lev = GLP_MSG_OFF;
    ip.tm_lim = (int)(left * 1000.0);
    ip.mip_gap = x->gap >= 0 ? x->gap : 0.0;
    ip.cb_func = plain_callback;
    ip.cb_info = x;
    int irc = glp_intopt(P, &ip);
    int ist = glp_mip_status(P);
    if (ist == GLP_OPT || ist == GLP_FEAS) {
        st->has_incumbent = 1;
        st->obj = glp_mip_obj_val(P);
    }
    if (x->has_node_bound && x->sense * x->node_bound < x->sense * st->bound)
        st->bound = x->node_bound;
    if ((irc == 0 && ist == GLP_OPT) || (irc == GLP_EMIPGAP && st->has_incumbent)) {
        /* proved optimal, or within the relative gap asked for */
        st->status = BK_OPTIMAL;
        if (!x->has_node_bound && irc == 0) /* solved at the root */
            st->bound = st->obj;
    } else if (ist == GLP_NOFEAS) {
        st->status = BK_INFEASIBLE;
    } else {
        st->status = st->has_incumbent ? BK_FEASIBLE : BK_NOSOL;
    }
    if (st->has_incumbent && x->sense * st->bound < x->sense * st->obj)
        st->bound = st->obj;
}

static void do_plain(void *c)
{
    plain_ctx *x = c;
    double t0 = now_s();
    x->sense = glp_get_obj_dir(x->m->P) == GLP_MAX ? 1.0 : -1.0;
    x->deadline = t0 + x->time_limit;
    plain_report(x);
    if (plain_lp(x))
        return;
    double left = x->time_limit - (now_s() - t0);
    if (left > 0.05)
        plain_mip(x, left);
}

int bk_solve_plain(bk_model *m, double time_limit, double gap, bk_plain_fn progress, void *ctx,
                   bk_plain *out)
{
    memset(out, 0, sizeof *out);
    out->status = BK_NOSOL;
    if (!alive(m))
        return BK_EBACKEND;
    plain_ctx x = {m, time_limit, gap, 0, 0, 0, 0, out, progress, ctx};
    return bk_guard(do_plain, &x) ? BK_EBACKEND : BK_OK;
}
