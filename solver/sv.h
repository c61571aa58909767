/*
 * sv.h - solver-internal data: the prepared problem (candidate placements of
 * every group, patient eligibility, demand classes), a plan (timetable and
 * patient assignment) and the stages that work on them.  Not public API.
 *
 * Terms
 *  - candidate: one (day, start, week parity) a group may take, with the
 *    facilitators and rooms that are available for the whole session there.
 *  - parity: weeks are split into even (0) and odd (1) horizon weeks; a
 *    weekly group meets in both (pmask 3), a biweekly one in one (pmask 1|2).
 *    When no group is biweekly (or the horizon has one week) only parity 0
 *    exists (nparity 1).
 *  - plan: per group the chosen candidate (or -1 = not running) and its
 *    primary, co-facilitator, room, substitute; per patient the group it joins.
 */
#ifndef COHORT_SV_H
#define COHORT_SV_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "solver.h"

#define SV_NONE (-1)
#define SV_INF_INT 1000000000

typedef struct sv_cand {
    int day, start, end; /* minutes */
    int parity;          /* -1 weekly, 0/1 biweekly week parity */
    int pmask;           /* parities the group meets in */
    int ts;              /* (type, day, start) demand key */
    int *prim, n_prim;   /* facilitators who may lead here */
    int *co, n_co;       /* facilitators who may co-lead here */
    int *room, n_room;   /* rooms usable here (in person) */
    int *sub, n_sub;     /* facilitators who may substitute here */
} sv_cand;

typedef struct sv_group {
    int idx;        /* instance group index (== position) */
    int type;
    int must;       /* not optional */
    int dur;
    int cofac;      /* needs a co-facilitator */
    int inperson;   /* needs a room */
    int pinned;     /* any pinned field */
    int held;       /* occupying continuing members */
    int held_high;  /* of which high acuity */
    int held_age_min, held_age_max; /* over known ages; -1 = none */
    int *held_pat, n_held_pat;      /* instance patient indices (resolved) */
    int cap;        /* max_size - held, may be negative */
    int max_new;    /* from max_new_share; SV_INF_INT = no limit */
    int max_new_high; /* from max_high_acuity; SV_INF_INT = no limit */
    int age_lo, age_hi; /* allowed new-member ages for an age-spread limit
                           where held already exceed it; -1 = n/a */
    int spread;     /* max_age_spread or -1 */
    sv_cand *cand;
    int n_cand;
    int sym;        /* interchangeable-group class id (-1 = none) */
    int fixed_pin_f[2], fixed_pin_sub, fixed_pin_room;
    int pruned;     /* candidates dropped: too few patients fit them for min_size */
    int pruned_best; /* most eligible patients fitting one dropped candidate */
} sv_group;

typedef struct sv_class {
    int n;          /* patients in the class */
    int *pat;       /* patient indices, by value descending */
    int high;       /* high acuity */
    int age;        /* age when it matters (an age-spread type fits), else -1 */
    int *ts, n_ts;  /* demand keys the class fits (sorted) */
} sv_class;

/* A baseline schedule (minimal-change re-plans), per instance group. */
typedef struct sv_base {
    int running;
    int day, start, parity;    /* parity: biweekly only, else -1 */
    int room, prim, co, sub;   /* instance indices; -1 none, -2 unknown id */
    int nfac;                  /* length of the baseline's facilitators list */
    int *members, n_members;   /* patient indices, -2 unknown id */
} sv_base;

typedef struct sv_prob {
    const model_instance *inst;
    const model_weights *w;
    int ng, nf, nr, np, nt;
    int nparity;     /* 1 or 2 */
    int brk;         /* settings.min_break_min */
    sv_group *g;
    /* facilitators */
    int *maxday, *maxweek;
    /* patients */
    char *waitlisted;    /* per patient */
    char *placeable;     /* waitlisted, screened, insurance verified */
    double *value;       /* objective gain of placing (w/o empty-seat term) */
    char *high;
    int *age_key;        /* per patient: age when eligible for an age-spread type, else -1 */
    char *elig_type;     /* np * nt: type-level eligibility */
    /* demand keys */
    int nts;
    int *ts_type, *ts_day, *ts_start;
    uint64_t *fit;       /* np rows of fit_words: bit k = patient fits key k */
    int fit_words;
    /* candidate patients per group (placeable, eligible for some candidate) */
    int **gpat;
    int *n_gpat;
    sv_base *base;       /* per group, NULL without baseline */
    int base_extra;      /* running baseline groups the instance does not have */
    double t0;           /* wall clock at start */
    double deadline;     /* wall clock to stop */
    int verbose;
    double mip_gap;
} sv_prob;

typedef struct sv_gsol {
    int cand;  /* -1 = not running */
    int prim, co, room, sub;
} sv_gsol;

typedef struct sv_plan {
    sv_gsol *gs;   /* ng */
    int *pg;       /* np: group index a waitlisted patient joins, or -1 */
    double obj;    /* objective (sv_plan_objective) */
} sv_plan;

/* ---- prep.c */
int sv_prob_init(sv_prob *pr, const model_instance *inst, const solver_options *opt);
void sv_prob_free(sv_prob *pr);
double sv_now(void);
/* Stable sort of ints with a comparator that takes a context. */
void sv_sort_ints(int *a, int n, int (*cmp)(const void *ctx, int x, int y), const void *ctx);
static inline int sv_fits(const sv_prob *pr, int p, int ts)
{
    return (int)((pr->fit[(size_t)p * pr->fit_words + (ts >> 6)] >> (ts & 63)) & 1u);
}
/* New members group G can take: its free seats within the new-member
 * share (negative when its held members exceed max_size). */
static inline int sv_new_seats(const sv_group *G)
{
    return G->cap < G->max_new ? G->cap : G->max_new;
}
/* Does patient p qualify for group g at candidate j (ignoring composition and
 * capacity)? */
int sv_patient_fits(const sv_prob *pr, int p, int g, int j);
/* Do two placements overlap for a facilitator (brk) or a room (0)? */
int sv_overlap(const sv_cand *a, const sv_cand *b, int brk);
/* Build demand classes over the given patient pool (pool[p] != 0). */
int sv_classes_build(const sv_prob *pr, const char *pool, sv_class **out, int *n_out);
void sv_classes_free(sv_class *c, int n);

/* ---- plan.c */
int sv_plan_alloc(const sv_prob *pr, sv_plan *pl);
void sv_plan_free(sv_plan *pl);
int sv_plan_copy(const sv_prob *pr, sv_plan *dst, const sv_plan *src);
double sv_plan_objective(const sv_prob *pr, const sv_plan *pl);
/* Changed fields against the baseline (model_count_changes on the plan). */
int sv_plan_changes(const sv_prob *pr, const sv_plan *pl);
/* The baseline as a plan (patients of it kept); 0 when every group maps. */
int sv_plan_from_base(const sv_prob *pr, sv_plan *pl);
/* Is patient p a member of group g in the baseline? */
int sv_base_member(const sv_prob *pr, int g, int p);
/* Verify every timetable and assignment rule on the plan; writes the first
 * problem into msg (when not NULL) and returns 0 when the plan is sound. */
int sv_plan_verify(const sv_prob *pr, const sv_plan *pl, char *msg, size_t msz);
/* May facilitator f substitute for group g in the plan? */
int sv_sub_ok(const sv_prob *pr, const sv_plan *pl, int g, int f);
/* Choose a substitute for every running group lacking one (first the
 * current one if still valid).  Returns the number of groups left without. */
int sv_assign_subs(const sv_prob *pr, sv_plan *pl);
/* Set fac[f] for every facilitator who may lead, co-lead or cover group G
 * at one of its candidates, and room[r] (when room is not NULL) for every
 * room usable there. */
void sv_mark_staff(const sv_group *G, char *fac, char *room);

/* ---- greedy.c */
/* Constructive timetable + greedy reservation; then exact assignment.
 * Returns 0 with a complete plan, 1 when some must-run group could not be
 * placed (plan partial), <0 on error. */
int sv_greedy(const sv_prob *pr, sv_plan *pl);

/* ---- assign.c */
/* Exact patient assignment for the plan's timetable: patients with
 * pool[p] (or all placeable when pool NULL) go to running groups in
 * groups_free (NULL = all); other placements stay.  Optional groups that
 * cannot reach min_size close.  Returns 0, 1 when infeasible (some must-run
 * group cannot be filled to min_size), <0 on backend error. */
int sv_assign(const sv_prob *pr, sv_plan *pl, const char *groups_free, double time_limit);

/* ---- mip.c */
typedef struct sv_mip_opts {
    const char *free;      /* per group: 1 = decided by the model, 0 = kept from plan */
    int relax;             /* solve the LP relaxation only */
    double time_limit;     /* seconds */
    double gap;
    int with_subs;         /* 1: substitute variables for every free group */
    const char *export_path; /* write the model instead of/as well as solving */
    int no_solve;
    int cuts;              /* GLPK cut generation (worth it on small models only) */
    int agg;               /* aggregated relaxation: no facilitator/room columns,
                              Hall-type counting rows instead (all groups free) */
    const int *only;       /* per group: the one candidate allowed, -1 = any, -2 = none
                              (NULL = all any) */
    int dive;              /* LP diving for a first solution (bk_params.dive) */
    double polish;         /* seconds searched on past the gap (bk_params.polish) */
    double reach;          /* with polish: seconds to reach the gap in (bk_params.reach) */
} sv_mip_opts;

typedef struct sv_mip_result {
    int status;     /* 0 solved (optimal within gap), 1 feasible (limit), 2 infeasible, 3 no solution */
    double obj;     /* model objective of the solution found */
    double bound;   /* proven upper bound on the model objective */
    int improved;   /* plan updated */
} sv_mip_result;

/* Build and solve the timetable model over the free groups; on a solution
 * updates pl's timetable for free groups (patients of free groups unassigned;
 * call sv_assign after).  Returns 0 or <0 on error. */
int sv_mip_solve(const sv_prob *pr, sv_plan *pl, const sv_mip_opts *o, sv_mip_result *res);

/* ---- sessions.c, build.c */
int sv_build_solution(const sv_prob *pr, const sv_plan *pl, model_solution *sol);
/* ---- diagnose.c */
/* Fast pre-checks: appends diagnosis lines, each true on its own (a count
 * is taken over a group's own times, before other causes remove any);
 * stops adding at the wall-clock deadline (sv_now() seconds).  Returns the
 * number added (<0 on ENOMEM). */
int sv_precheck(const sv_prob *pr, model_strlist *diag, double deadline);
/* Elastic relaxation: names which rules cannot be met. */
int sv_diagnose_elastic(const sv_prob *pr, model_strlist *diag, double time_limit);

/* ---- relax.c */
/* sol is an infeasible answer for pr->inst (status, diagnosis): unless
 * settings.on_infeasible is "fail", give it the relaxed plan (groups,
 * sessions, unplaced, metrics, objective and exceptions[]) found by
 * re-planning relaxed copies until pr->deadline (at least 0.5 s); status and
 * diagnosis stay.  Without a relaxed schedule in time (or on a planner
 * error in a stage) sol is unchanged.  SOLVER_OK or SOLVER_ENOMEM. */
int sv_relax(const sv_prob *pr, const solver_options *opt, model_solution *sol);

/* ---- split.c */
/* Independent parts: comp[g] in 0..*ncomp-1. */
int sv_components(const sv_prob *pr, int *comp, int *ncomp);
/* Plan every part as an instance of its own and merge (see split.c). */
int sv_plan_parts(const sv_prob *pr, const solver_options *opt, const int *comp, int ncomp,
                  model_solution **out);

/* ---- share.c: a second neighbourhood search in a process of its own */
typedef struct sv_share sv_share;
/* Shared memory for two plans of pr's size.  0 or SOLVER_ENOMEM. */
int sv_share_open(const sv_prob *pr, sv_share **out);
/* Fork the helper.  Returns 0 in the parent (the helper runs), 1 in the
 * helper (which must end in sv_share_close), -1 when fork failed (the
 * parent searches alone; sh stays usable and inert). */
int sv_share_fork(sv_share *sh);
/* Is this the helper's side? (sh may be NULL: no.) */
int sv_share_is_helper(const sv_share *sh);
/* Publish pl for the other search when it beats what this side last
 * published (sh NULL: nothing). */
void sv_share_put(sv_share *sh, const sv_plan *pl);
/* The other search's newest plan, when not taken before and read whole:
 * copied into pl with its objective, returns 1; else 0 and pl unchanged.
 * A plan is only as trustworthy as shared memory: verify it before use. */
int sv_share_get(sv_share *sh, sv_plan *pl);
/* Parent: kill and reap the helper, free sh.  Helper: exit the process. */
void sv_share_close(sv_share *sh);

/* ---- lagrange.c */
/* Upper bound by Lagrangian relaxation of the patient-once rows (see
 * lagrange.c); lower = best known objective (steers the steps).  Returns 0
 * with *bound set, 1 when no bound was found, or an error. */
int sv_lagrange_bound(const sv_prob *pr, double lower, double time_limit, double *bound);
/* The same bound on a thread beside the caller, which goes on with its
 * search (GLPK stays on the caller's thread).  *out is owned by the caller
 * and released by sv_lagrange_join, which waits for the thread (at most
 * min(time_limit, pr->deadline)) and returns what sv_lagrange_bound would
 * have; pr must not change in between.  Without a thread the bound is
 * computed before sv_lagrange_start returns.  0 or SOLVER_ENOMEM. */
typedef struct sv_lagrange_job sv_lagrange_job;
int sv_lagrange_start(const sv_prob *pr, double lower, double time_limit,
                      sv_lagrange_job **out);
/* Wait for job, free it; a NULL job returns 1 (no bound). */
int sv_lagrange_join(sv_lagrange_job *job, double *bound);

/* ---- reasons.c */
typedef struct sv_reasons_ctx {
    int *nnew, *nhigh, *amin, *amax; /* per group, from the plan */
} sv_reasons_ctx;
int sv_reasons_init(const sv_prob *pr, const sv_plan *pl, sv_reasons_ctx *cx);
void sv_reasons_free(sv_reasons_ctx *cx);
int sv_unplaced_reasons(const sv_prob *pr, const sv_plan *pl, const sv_reasons_ctx *cx, int p,
                        model_strlist *out);

/* small helpers */
void sv_log(const sv_prob *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
