/*
 * bench.h - the benchmark suite's baselines (bench/baseline_*.c): the
 * first-come-first-served schedule a coordinator builds by hand, the naive
 * monolithic MIP, and a plain solve of a model file.  Built into
 * cohort-bench and the tests that compare against them, not into
 * libcohort.  The naive model reaches GLPK only through solver/backend.h.
 */
#ifndef COHORT_BENCH_H
#define COHORT_BENCH_H

#include "solver.h"


/* First-come-first-served: what a coordinator does by hand.  Must-run
 * groups are timetabled hardest first (pinned groups, most pinned fields
 * first, then by how few facilitators hold their credentials); a group
 * with pinned day and start holds its pinned people and room from the
 * outset.  Each is kept at its pinned fields, else at the first feasible
 * (day, start) in day order then slot_starts order (week parity 0 before
 * 1), first fitting room, facilitators and substitute in instance order,
 * respecting hard rules 2-5 (a group whose continuing members are below
 * min_size takes the first slot where enough eligible waitlisted patients
 * fit, and reserves the oldest of them).  Optional groups are not opened.
 * Then the oldest waitlisted patient (by `added`, absent last) goes first
 * into the first open seat (groups by day, start) that fits rules 7 and 8.
 * Sessions are expanded with coverage (rule 6), metrics and objective
 * terms computed.
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

/* Progress of a naive or file solve: called with the result so far (status
 * time_limit until an incumbent exists, then feasible) when the solve
 * starts, after the LP relaxation and whenever the incumbent or the bound
 * improves; ctx is passed through.  Lets a caller that must stop the solve
 * from outside keep the last figures. */
typedef void (*solver_naive_progress_fn)(const solver_naive_result *partial, void *ctx);

/* Largest naive model solver_baseline_naive builds (matrix nonzeros). */
#define SOLVER_NAIVE_MAX_NONZEROS 40000000L

/* Solve a model file with plain GLPK (CPLEX LP when the name ends in
 * ".lp", else free MPS; MPS carries no objective sense, GLPK minimises
 * it, as cohort's exported MPS intends), the same way as the naive model:
 * LP relaxation, then branch-and-cut with default options, stopped at
 * time_limit_s of wall time; mip_gap < 0 means 0.  *res: status,
 * incumbent, bound, sizes (build_seconds = reading time).  SOLVER_EINVAL,
 * SOLVER_EIO (unreadable file), SOLVER_EBACKEND. */
int solver_glpk_solve_file(const char *path, double time_limit_s, double mip_gap,
                           solver_naive_progress_fn progress, void *ctx,
                           solver_naive_result *res);

/* Build the naive monolithic model (SPEC objective; binaries
 * x[group,day,start,facilitator], co-facilitator y[...], room r[...],
 * open[group], u[patient,group] linked by u[q,g] <= sum of x[g,s,.] over
 * the slots s that fit q's windows; biweekly groups treated as weekly in
 * conflicts and caps; no substitutes or coverage), through solver/backend.h.
 * When mps_path is not NULL write it there as free MPS (the minimisation of
 * the negated objective, as cohort's own export; a ".lp" name gets CPLEX
 * LP), with readable names.  When time_limit_s > 0 solve it
 * with GLPK (LP relaxation then branch-and-cut, bk_solve_plain: a GLPK
 * failure is an error, not an abort) within that wall time (status optimal
 * also when stopped within settings.mip_gap), reporting to progress (may be NULL).  *res is filled
 * on SOLVER_OK; other codes: SOLVER_EINVAL, SOLVER_ENOMEM, SOLVER_EBACKEND
 * (GLPK failed), SOLVER_EIO (file not written). */
int solver_baseline_naive(const model_instance *inst, double time_limit_s,
                          const char *mps_path, solver_naive_progress_fn progress, void *ctx,
                          solver_naive_result *res);

#endif
