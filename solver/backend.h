/*
 * backend.h - the small mixed-integer programming interface the solver
 * stages build their models with; backend_glpk*.c implement it with GLPK.
 * Solver-internal, not public API.
 *
 * Columns and rows are 0-based.  Every call that reaches GLPK runs under an
 * error hook: a GLPK failure never aborts the process; the call returns an
 * error (BK_EBACKEND) and every model created before it becomes unusable
 * (bk_free on it is still safe).
 */
#ifndef COHORT_BACKEND_H
#define COHORT_BACKEND_H

#define BK_INF 1e30

enum { BK_CONT = 0, BK_INT = 1, BK_BIN = 2 };

enum {
    BK_OK = 0,
    BK_ENOMEM = 1,
    BK_EBACKEND = 3,
    BK_EIO = 4
};

/* Outcome of a solve. */
enum {
    BK_OPTIMAL = 0,    /* proven optimal within the requested gap */
    BK_FEASIBLE = 1,   /* a solution, stopped by the time limit */
    BK_INFEASIBLE = 2, /* proven infeasible */
    BK_NOSOL = 3       /* no solution found in time (feasibility unknown) */
};

typedef struct bk_model bk_model;

typedef struct bk_params {
    double time_limit;    /* seconds (> 0) */
    double deadline;      /* absolute CLOCK_MONOTONIC seconds (bk_now), or 0:
                             the solve returns by the earlier of this and
                             time_limit, whatever the stage inside GLPK */
    double gap;           /* relative MIP gap */
    double polish;        /* > 0: once the gap is reached, search on towards
                             the optimum for this many seconds more (within
                             time_limit) before stopping */
    double reach;         /* with polish: seconds (> 0) within which the gap
                             must be reached, else the solve stops then; the
                             polish alone runs on to time_limit (0 = all of
                             time_limit) */
    int verbose;          /* progress lines to stderr */
    double t0;            /* clock origin for progress lines (sv_now) */
    const char *label;    /* name in progress lines */
    const double *start;  /* a feasible solution (ncols values) or NULL */
    int relax;            /* solve the LP relaxation only */
    int cuts;             /* generate Gomory, MIR, cover and clique cuts */
    int dive;             /* LP diving heuristic before branching (fix the
                             most integral fractional columns, re-solve) */
    const int *priority;  /* per column, or NULL: branch first on fractional
                             columns of the highest priority */
} bk_params;

typedef struct bk_result {
    int status;     /* BK_OPTIMAL .. BK_NOSOL */
    double obj;     /* objective of x (when a solution exists) */
    double bound;   /* proven bound (upper for maximise); +-BK_INF if none */
    double *x;      /* ncols values (malloc'd; free with bk_result_free) */
    int n;
} bk_result;

/* Seconds on CLOCK_MONOTONIC, the clock of bk_params.deadline. */
double bk_now(void);

/* The version of the solver library behind this interface (GLPK's, e.g.
 * "5.0"; static storage). */
const char *bk_version(void);

/* New empty model (maximise when maximize != 0).  NULL on failure. */
bk_model *bk_new(const char *name, int maximize);
/* Free the model; NULL is a no-op. */
void bk_free(bk_model *m);
/* Add a column; returns its index or -1 on failure. Name is sanitised. */
int bk_col(bk_model *m, const char *name, int kind, double lb, double ub, double obj);
/* Add a row lb <= sum vals*cols <= ub (use +-BK_INF for free sides);
 * returns its index or -1. */
int bk_row(bk_model *m, const char *name, int n, const int *cols, const double *vals, double lb,
           double ub);
int bk_ncols(const bk_model *m);
/* Upper bound of a column. */
int bk_col_ub(const bk_model *m, int col, double *ub);
/* Add to a column's objective coefficient.  0 or an error. */
int bk_add_obj(bk_model *m, int col, double delta);
/* Set the objective's constant term. */
int bk_set_obj_const(bk_model *m, double c);
int bk_nrows(const bk_model *m);
/* Change a column's bounds. */
int bk_set_bounds(bk_model *m, int col, double lb, double ub);
/* Solve; r->x is allocated when a solution exists.  Returns BK_OK or an error. */
int bk_solve(bk_model *m, const bk_params *p, bk_result *r);
void bk_result_free(bk_result *r);
/* Write the model: ".lp" suffix = CPLEX LP format, otherwise free MPS (a
 * maximisation as the minimisation of its negated objective: MPS has no
 * sense).  A regular file is written beside path and renamed over it;
 * anything else but a directory (/dev/null, a FIFO) is written in place,
 * never replaced.  BK_EIO when the file cannot be written (the old file,
 * if any, stays) or path is a directory, BK_EBACKEND on a GLPK failure. */
int bk_write(bk_model *m, const char *path);

/* ---- plain solves, for the benchmark suite (bench/): GLPK as a user
 * would run it, no decomposition and default options. */

/* Keep column and row names as given from now on (spaces become '_')
 * instead of sanitising them: for model files people read. */
void bk_keep_names(bk_model *m);
/* Binary columns / matrix nonzeros. */
int bk_nbin(const bk_model *m);
long bk_nnz(const bk_model *m);
/* Read a model file (".lp" suffix: CPLEX LP, otherwise free MPS).  NULL
 * with *err BK_EIO (unreadable), BK_ENOMEM or BK_EBACKEND. */
bk_model *bk_read(const char *path, int *err);

/* Where a plain solve stands. */
typedef struct bk_plain {
    int status;        /* BK_OPTIMAL .. BK_NOSOL */
    int has_incumbent;
    double obj;        /* of the incumbent */
    int has_bound;
    double bound;      /* proved bound (upper for maximise) */
} bk_plain;
typedef void (*bk_plain_fn)(const bk_plain *now, void *ctx);
/* LP relaxation (no presolve), then branch-and-cut with GLPK's default
 * options stopped at time_limit seconds of wall time (the callback checks
 * the clock) and at relative gap (< 0: 0).  progress (may be NULL) is
 * called at the start, after the LP and whenever the incumbent or the bound
 * improves.  *out: the outcome.  BK_OK or BK_EBACKEND. */
int bk_solve_plain(bk_model *m, double time_limit, double gap, bk_plain_fn progress, void *ctx,
                   bk_plain *out);

#endif
