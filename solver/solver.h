/*
 * solver.h - cohort's planner: formulations, heuristics, and GLPK behind a
 * small backend interface.  Depends on model only.
 *
 * GLPK is not thread-safe: call the solver from one thread per process;
 * run concurrent solves in separate processes.
 */
#ifndef COHORT_SOLVER_H
#define COHORT_SOLVER_H

#include "model.h"

enum {
    SOLVER_OK = 0,
    SOLVER_ENOMEM = 1,   /* allocation failed */
    SOLVER_EINVAL = 2,   /* bad options or an unresolved instance */
    SOLVER_EBACKEND = 3, /* GLPK failed (its error hook caught it) */
    SOLVER_EIO = 4       /* --export-model file could not be written */
};

typedef struct solver_options {
    double time_limit_s;            /* < 0: settings.time_limit_s */
    double mip_gap;                 /* < 0: settings.mip_gap */
    int verbose;                    /* progress lines to stderr */
    const model_solution *baseline; /* minimal-change re-plan; NULL = none */
    const char *export_model_path;  /* write the MIP (.mps or .lp); NULL = no */
} solver_options;

/* Fill o with defaults (limits from the instance settings, quiet). */
void solver_options_default(solver_options *o);

/* Plan the quarter for a validated, resolved instance.  On SOLVER_OK *out
 * is a new solution (free with model_solution_destroy) whose status may be
 * optimal, feasible, time_limit (no schedule found in time) or infeasible
 * (with a diagnosis).  Other codes: *out untouched. */
int solver_plan(const model_instance *inst, const solver_options *opt, model_solution **out);

/* Version string of the linked GLPK library (static storage). */
const char *solver_glpk_version(void);

/* ------------------------------------------------------------------ */
/* Baselines (solver/baseline_*.c), for the benchmark suite.           */

/* First-come-first-served: what a coordinator does by hand.  Must-run
 * groups are processed pinned first, then in instance order; each is kept
 * at its pinned fields, else at the first feasible (day, start) in day
 * order then slot_starts order (week parity 0 before 1), first fitting
 * room, facilitators and substitute in instance order, respecting hard
 * rules 2-5 (a group whose continuing members are below min_size takes the
 * first slot where enough eligible waitlisted patients fit, and reserves
 * the oldest of them).  Optional groups are not opened.  Then the oldest
 * waitlisted patient (by `added`, absent last) goes first into the first
 * open seat (groups by day, start) that fits rules 7 and 8.  Sessions are
 * expanded with coverage (rule 6), metrics and objective terms computed.
 * On SOLVER_OK *out is a new solution (free with model_solution_destroy):
 * status feasible, or infeasible with a diagnosis naming each must-run
 * group no feasible slot exists for.  SOLVER_EINVAL / SOLVER_ENOMEM: *out
 * untouched. */
int solver_baseline_fcfs(const model_instance *inst, model_solution **out);

/* Result of the naive monolithic GLPK model. */
typedef struct solver_naive_result {
    model_solution_status status; /* optimal, feasible (incumbent, not proved),
                                     time_limit (no incumbent), infeasible */
    bool has_incumbent;
    double objective;             /* of the incumbent (when has_incumbent) */
    bool has_bound;
    double bound;                 /* best proved upper bound (when has_bound) */
    double seconds;               /* build + solve wall time */
    double build_seconds;
    int n_cols, n_bin, n_rows;
    long n_nonzeros;
    bool too_large;               /* not built: more than SOLVER_NAIVE_MAX_NONZEROS
                                     (n_cols/n_nonzeros then estimated) */
} solver_naive_result;

/* Largest naive model solver_baseline_naive builds (matrix nonzeros). */
#define SOLVER_NAIVE_MAX_NONZEROS 40000000L

#endif
