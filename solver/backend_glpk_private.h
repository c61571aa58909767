/*
 * backend_glpk_private.h - what the pieces of the GLPK backend share
 * (backend_glpk.c: environment, error hook, model building and model
 * files; backend_glpk_mip.c: bk_solve; backend_glpk_plain.c:
 * bk_solve_plain).  Private to solver/backend_glpk*.c, which alone include
 * <glpk.h>: include it after <glpk.h> and "backend.h".
 */
#ifndef COHORT_BACKEND_GLPK_PRIVATE_H
#define COHORT_BACKEND_GLPK_PRIVATE_H

#include "backend.h"

/* A GLPK problem and the scratch rows are built in; owned by the caller of
 * bk_new / bk_read, freed by bk_free. */
struct bk_model {
    glp_prob *P;
    unsigned gen; /* environment generation the problem belongs to */
    int nint;
    int *ind;     /* scratch for rows (1-based) */
    double *val;
    int scratch;
    int raw_names; /* bk_keep_names: names as given (spaces become '_') */
};

/* Monotonic clock in seconds (bk_now). */
static inline double now_s(void)
{
    return bk_now();
}

/* Run fn(ctx) with the error hook armed.  Returns 0, or -1 when GLPK failed
 * (the environment has then been freed). */
int bk_guard(void (*fn)(void *), void *ctx);
/* Nonzero when m has a problem of the current GLPK environment (none freed
 * by an error since it was built or read). */
int alive(const bk_model *m);

#endif
