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
    double started;                 /* solver_clock() when the caller's clock
                                       started (e.g. before reading the input),
                                       or 0: at the call.  The time limit counts
                                       from it. */
    int second_search;              /* a second neighbourhood search in a
                                       process of its own, on programs too
                                       large for one exact model: -1 when 2+
                                       CPUs are online (the default), 0 never,
                                       1 always */
} solver_options;

/* Seconds on the monotonic clock solver_options.started is read from. */
double solver_clock(void);

/* Fill o with defaults (limits from the instance settings, quiet). */
void solver_options_default(solver_options *o);

/* Plan the quarter for a validated, resolved instance.  On SOLVER_OK *out
 * is a new solution (free with model_solution_destroy) whose status may be
 * optimal, feasible, time_limit (no schedule found in time) or infeasible
 * (with a diagnosis).  Other codes: *out untouched.
 * The time limit is a wall-clock promise: solver_plan returns within it
 * (counted from opt->started), keeping a reserve of 0.2 s + 1 % for the
 * caller to write the result; limits are clamped to 0 .. 30 days (NaN: 60 s).
 * A schedule found in time is always returned. */
int solver_plan(const model_instance *inst, const solver_options *opt, model_solution **out);

/* The independent sites of a program (groups that share no facilitator,
 * room or eligible patient, solver/split.c), each as the instance
 * solver_plan plans it as when it splits the program itself (the
 * load-balance term only in the largest; no relaxed plan per site), so
 * that separate processes can plan them: *n > 1 new instances in *sites
 * (solver_sites_free), or *n = 0 when the program is one site or fails the
 * precheck (plan it whole).  SOLVER_OK / ENOMEM / EINVAL. */
int solver_sites(const model_instance *inst, const solver_options *opt, model_instance ***sites,
                 int *n);
void solver_sites_free(model_instance **sites, int n);
/* Merge the plans of the n sites of inst (solver_sites' order; their
 * schedules are moved out) into one plan of the whole program, as
 * solver_plan merges them: groups in instance order, metrics and the full
 * objective; no schedule when a site is infeasible or has none (then
 * plan the program whole for its relaxed plan).  *out new.  SOLVER_OK /
 * ENOMEM. */
int solver_merge_sites(const model_instance *inst, const solver_options *opt,
                       model_solution **plans, int n, model_solution **out);
/* How solver_plan works and what it reports (solver/solver.c, docs in
 * solver/sv.h): pre-checks name impossible programs at once; independent
 * parts (sites) are planned separately; a constructive heuristic gives a
 * first schedule; small programs are solved with the exact timetable MIP,
 * larger ones get a Lagrangian and an aggregated-LP bound; neighbourhood
 * search (exact MIPs over a few groups) improves while time remains.
 * bound is a proven upper bound on the objective (for the weights given);
 * gap = (bound - objective) / max(1, |objective|); status optimal means
 * gap <= mip_gap.  Every schedule returned keeps hard rules 1-10. */

/* Version string of the linked GLPK library (static storage). */
const char *solver_glpk_version(void);

/* ------------------------------------------------------------------ */
/* fill: a seat opened (SPEC "Modes": fill).  solver/fill.c.           */
/* Works on copies: the instance and solution passed in never change.  */

typedef enum {
    SOLVER_FILL_DROPPED = 0,
    SOLVER_FILL_GRADUATED = 1,
    SOLVER_FILL_HOLD_CLINICAL = 2,
    SOLVER_FILL_HOLD_ADMIN = 3,
    SOLVER_FILL_RETURNED = 4, /* back from a hold */
    SOLVER_FILL_REFERRAL = 5  /* a new patient joins the waitlist */
} solver_fill_event_kind;

/* "dropped", "graduated", ...; "?" when out of range. */
const char *solver_fill_event_name(solver_fill_event_kind k);
/* Kind for a name, or -1. */
int solver_fill_event_parse(const char *s);

typedef struct solver_fill_event {
    solver_fill_event_kind kind;
    char *group;             /* group id; NULL = the group the patient is in */
    char *patient;           /* patient id (referral: NULL, see referral) */
    int date;                /* -1 = absent (the horizon start is used) */
    model_patient *referral; /* referral only: the new patient (owned) */
} solver_fill_event;

/* Free what an event owns (not the struct itself).  NULL is a no-op. */
void solver_fill_event_free(solver_fill_event *e);

typedef struct solver_fill_options {
    int top_n;                      /* candidates listed per seat [5] */
    bool apply;                     /* place the top candidate of each seat [false] */
    double turnover_per_month;      /* share of active members leaving a group per month [0.08] */
    double hold_turnover_per_month; /* share of held members leaving per month [0.25] */
    int grace_weeks;                /* "run under minimum until": weeks after the event [4] */
} solver_fill_options;

/* Fill o with the defaults in brackets above. */
void solver_fill_options_default(solver_fill_options *o);

/* One waitlisted patient who could take an opened seat. */
typedef struct solver_fill_candidate {
    char *patient;
    double value;          /* objective terms placement + wait + priority */
    int wait_days;         /* days since `added` at the event date; -1 unknown */
    int added;             /* date, -1 absent */
    int priority;
    model_strlist why;     /* type, window, modality, age/gender, flags */
    int size_after;        /* members after they join */
    double new_share_after;
    int high_acuity_after;
    int age_spread_after;  /* years; -1 when no member's age is known */
} solver_fill_candidate;

typedef struct solver_fill_seat {
    char *group;
    int event;                     /* index of the event that opened it */
    int n_eligible;                /* waitlisted patients meeting every hard rule */
    int excluded_new_share;        /* otherwise eligible, excluded by max_new_share */
    int excluded_high_acuity;      /* ... by max_high_acuity */
    int excluded_age_spread;       /* ... by max_age_spread */
    int excluded_authorization;    /* screened and verified, fitting rule 7 but for a payer
                                      authorization (settings.require_authorization) */
    solver_fill_candidate *candidates; /* top N, best first */
    int n_candidates;
    char *placed;                  /* with apply: who took the seat; NULL = nobody */
} solver_fill_seat;

/* A running group with a free seat that a referral fits. */
typedef struct solver_fill_option {
    char *group;
    int free_seats;
    model_strlist why;
    int size_after;
    double new_share_after;
    int high_acuity_after;
    int age_spread_after;
} solver_fill_option;

typedef struct solver_fill_referral {
    char *patient;
    int event;
    model_strlist notes;          /* e.g. "not screened yet" */
    solver_fill_option *groups;   /* fitting groups with a free seat, best first */
    int n_groups;
    double expected_wait_days;    /* when no group has a seat; -1 = no estimate */
    model_strlist estimate;       /* how the wait was estimated, step by step */
    char *placed;                 /* with apply: the group they joined */
} solver_fill_referral;

/* A group whose members (active + held + new) fell below min_size. */
typedef struct solver_fill_undermin {
    char *group;
    int size;              /* after the events, before any fill */
    int size_after_fill;   /* after the top candidates are placed */
    int min_size;
    int eligible;          /* waitlisted patients who fit it now */
    model_strlist merge_into; /* same-type running groups that can absorb it */
    int run_until;         /* date: run under minimum until then, then review */
    model_strlist options; /* the options in plain words */
} solver_fill_undermin;

typedef struct solver_fill_result {
    model_instance *instance; /* after the events (rosters, referrals) and placements */
    model_solution *solution; /* after the events; with apply, the placements */
    model_strlist event_notes; /* one line per event, in order */
    solver_fill_seat *seats;
    int n_seats;
    solver_fill_referral *referrals;
    int n_referrals;
    solver_fill_undermin *under_min;
    int n_under_min;
    int placed; /* placements made (apply only) */
} solver_fill_result;

/* Process the events against a resolved instance and its current solution:
 * departures (dropped, graduated) free their seat and leave the roster
 * with that status; holds and returns change the roster status only; a
 * referral joins the waitlist.  For every seat opened, rank the waitlisted
 * patients who meet every hard rule (7 and 8) by their objective value;
 * answer each referral; flag groups below min_size.  With opt->apply the
 * top candidate of each seat is placed (later seats' lists assume the
 * earlier seats were filled so), nothing else in the schedule changes and
 * metrics and objective terms are recomputed.  On SOLVER_OK *out is a new
 * result (free with solver_fill_result_destroy).  SOLVER_EINVAL: an event
 * is wrong (errors in d, paths "events[i].field"); SOLVER_ENOMEM.  *out is
 * untouched on failure. */
int solver_fill_run(const model_instance *inst, const model_solution *sol,
                    const solver_fill_event *events, int n_events,
                    const solver_fill_options *opt, solver_fill_result **out, model_diag *d);

/* Free a result; NULL is a no-op. */
void solver_fill_result_destroy(solver_fill_result *r);

#endif
