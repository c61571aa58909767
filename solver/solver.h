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

#endif
