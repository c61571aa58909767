/*
 * model.h - cohort's domain model: instances, solutions, diagnostics.
 *
 * Depends on the C standard library only (no Jansson, GLPK or SQLite).
 *
 * Conventions
 *  - Times of day are minutes after midnight (0..1439); "HH:MM" in JSON.
 *  - Dates are days since 1970-01-01 (see model_date_parse); -1 = absent.
 *  - Weekdays are 0 = mon .. 6 = sun.
 *  - Every string and array inside a model_instance or model_solution is
 *    owned by it and freed by its destroy function.  Cross references are by
 *    id (as in the JSON); model_instance_resolve() fills the *_idx fields.
 *  - Functions return 0 (MODEL_OK) or a MODEL_E* code and leave their inputs
 *    unchanged on failure.
 */
#ifndef COHORT_MODEL_H
#define COHORT_MODEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define MODEL_VERSION "0.1.0"

enum {
    MODEL_OK = 0,
    MODEL_ENOMEM = 1,  /* allocation failed */
    MODEL_EINVAL = 2,  /* bad argument or unparsable value */
    MODEL_ENOTFOUND = 3
};

/* ------------------------------------------------------------------ */
/* Diagnostics: errors and warnings, each with a JSON path.            */

typedef struct model_issue {
    char *path;    /* e.g. "patients[12].available[0].to"; "" = whole file */
    char *message; /* plain words, names the offending value */
} model_issue;

typedef struct model_diag {
    model_issue *errors;
    int n_errors, cap_errors;
    model_issue *warnings;
    int n_warnings, cap_warnings;
} model_diag;

/* Initialise an empty collector (no allocation). */
void model_diag_init(model_diag *d);
/* Free everything the collector holds; it is empty and reusable after. */
void model_diag_free(model_diag *d);
/* Append an error / warning; path is copied, message is printf-formatted.
 * Returns MODEL_OK or MODEL_ENOMEM (the collector is then unchanged). */
int model_diag_error(model_diag *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int model_diag_warning(model_diag *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same with a va_list, for callers' own printf-like reporters. */
int model_diag_verror(model_diag *d, const char *path, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int model_diag_vwarning(model_diag *d, const char *path, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* ------------------------------------------------------------------ */
/* Small value helpers.                                                */

typedef struct model_strlist {
    char **items;
    int n;
} model_strlist;

/* Append a copy of s.  MODEL_ENOMEM leaves the list unchanged. */
int model_strlist_push(model_strlist *l, const char *s);
/* Append a printf-formatted string; with unique, one already in the list
 * is not added again.  MODEL_OK or MODEL_ENOMEM (the list is unchanged). */
int model_strlist_pushf(model_strlist *l, bool unique, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Index of s in l, or -1. */
int model_strlist_find(const model_strlist *l, const char *s);
/* Remove the first item equal to s (nothing when there is none). */
void model_strlist_remove(model_strlist *l, const char *s);
/* Free the items; the list is empty after. */
void model_strlist_free(model_strlist *l);
/* Deep copy src into *dst (dst is overwritten, not freed). */
int model_strlist_copy(model_strlist *dst, const model_strlist *src);

/* strdup that returns NULL for NULL. */
char *model_strdup(const char *s);

/* Parse "YYYY-MM-DD" (a real calendar date) into days since 1970-01-01.
 * MODEL_EINVAL when malformed; *out untouched then. */
int model_date_parse(const char *s, int *out);
/* Write "YYYY-MM-DD" (10 chars + NUL) into buf. */
void model_date_format(int days, char buf[11]);
/* Weekday of a date: 0 = Monday .. 6 = Sunday. */
int model_date_weekday(int days);

/* Parse "HH:MM" (00:00..23:59, also "24:00" when allow_24 for window ends)
 * into minutes.  MODEL_EINVAL when malformed. */
int model_time_parse(const char *s, int allow_24, int *out);
/* Write "HH:MM" into buf. */
void model_time_format(int minutes, char buf[6]);

/* Day names "mon".."sun": index, or -1. */
int model_day_parse(const char *s);
const char *model_day_name(int day);

/* ------------------------------------------------------------------ */
/* Instance.                                                           */

typedef enum { MODEL_IN_PERSON = 0, MODEL_TELEHEALTH = 1, MODEL_EITHER = 2 } model_modality;
typedef enum { MODEL_WEEKLY = 0, MODEL_BIWEEKLY = 1 } model_cadence;
typedef enum { MODEL_ACUITY_LOW = 0, MODEL_ACUITY_MODERATE = 1, MODEL_ACUITY_HIGH = 2 } model_acuity;
typedef enum {
    MODEL_ACTIVE = 0,
    MODEL_HOLD_CLINICAL = 1,
    MODEL_HOLD_ADMIN = 2,
    MODEL_GRADUATED = 3,
    MODEL_DROPPED = 4
} model_member_status;

const char *model_modality_name(model_modality m);
const char *model_cadence_name(model_cadence c);
const char *model_acuity_name(model_acuity a);
const char *model_status_name(model_member_status s);
/* Enum parsers: value or -1 when unknown. */
int model_modality_parse(const char *s);
int model_cadence_parse(const char *s);
int model_acuity_parse(const char *s);
int model_status_parse(const char *s);

/* True for active and held members (they occupy a seat). */
bool model_status_occupies(model_member_status s);

typedef struct model_window {
    int day;  /* 0..6 */
    int from; /* minutes */
    int to;   /* minutes, > from */
} model_window;

typedef struct model_date_range {
    int from, to; /* inclusive dates */
} model_date_range;

typedef struct model_program {
    char *name;
    int horizon_start; /* a Monday */
    int horizon_weeks; /* >= 1 */
    int days_mask;     /* bit d set = weekday d is a program day */
    int *slot_starts;  /* minutes, as given */
    int n_slot_starts;
    int *closed_dates;
    int n_closed_dates;
} model_program;

/* Objective weights (defaults in model_settings_defaults, documented in
 * README and docs/FORMAT.md). */
typedef struct model_weights {
    double placement;     /* per placed patient */
    double wait_per_week; /* per week the placed patient has waited */
    double priority;      /* per unit of the placed patient's priority */
    double empty_seat;    /* penalty per unfilled seat in a running group */
    double load_balance;  /* penalty per group of (max - min) weekly load */
    double change;        /* penalty per changed field against a baseline */
} model_weights;

/* The longest time limit of a solve, in seconds (one day): settings,
 * request bodies and --time-limit are refused beyond it. */
#define MODEL_MAX_TIME_LIMIT_S 86400.0

/* No-show policy (settings.no_show_policy; docs/FORMAT.md "Clinic
 * operations"): thresholds that raise attendance flags.  A flag asks a
 * person to act; nothing is dropped without a confirmation. */
typedef struct model_noshow_policy {
    int review_consecutive_no_shows; /* [2] flag "review" at this streak */
    int drop_consecutive_no_shows;   /* [3] flag "recommend_drop" */
    int drop_absences;               /* [4] absences (no_show + late_cancel) ... */
    int absence_window_weeks;        /* [8] ... within this many weeks: "recommend_drop" */
    int review_late_cancels;         /* [3] late cancels in the window: "review" */
} model_noshow_policy;

typedef struct model_settings {
    int max_groups_per_day;    /* [4] */
    int max_groups_per_week;   /* [12] */
    int min_break_min;         /* [0] */
    int max_consecutive_cover; /* [3] */
    double time_limit_s;       /* [60] */
    double mip_gap;            /* [0.005] */
    model_weights weights;
    long seed;                 /* [1] */
    int on_infeasible;         /* MODEL_ON_INFEASIBLE_RELAX [default] or _FAIL */
    /* clinic operations (model/attendance.c, docs/FORMAT.md) */
    double late_cancel_hours;     /* [24] a cancellation with less notice is late_cancel */
    double offer_ttl_hours;       /* [48] an open seat offer expires after this */
    bool require_authorization;   /* [false] place only patients with covering authorizations */
    int min_authorized_sessions;  /* [1] sessions an authorization must cover */
    model_noshow_policy no_show_policy;
} model_settings;

/* settings.on_infeasible: what plan answers when the rules cannot all hold
 * ("relax": an infeasible answer also carries a relaxed plan with its
 * exceptions[]; "fail": diagnosis only). */
enum { MODEL_ON_INFEASIBLE_RELAX = 0, MODEL_ON_INFEASIBLE_FAIL = 1 };
const char *model_on_infeasible_name(int v);
/* MODEL_ON_INFEASIBLE_* for "relax" / "fail", or -1. */
int model_on_infeasible_parse(const char *s);

/* Fill s with the SPEC defaults. */
void model_settings_defaults(model_settings *s);

typedef struct model_composition {
    double max_new_share; /* 0..1; < 0 = no limit */
    int max_high_acuity;  /* -1 = no limit */
    int max_age_spread;   /* years; -1 = no limit */
} model_composition;

typedef struct model_group_type {
    char *id;
    char *name;
    char *cpt;                 /* "90853" | "90849" */
    double rate;               /* USD per member-session */
    int duration_min;
    int min_size, max_size;
    model_strlist required_credentials;
    bool cofacilitation;
    model_strlist cofacilitator_credentials;
    model_strlist diagnoses;   /* ICD-10 codes or prefixes */
    model_modality modality;   /* in_person | telehealth */
    model_strlist room_features;
    model_cadence cadence;
    int age_min, age_max;      /* -1 = none */
    char *gender;              /* NULL = no restriction */
    model_composition composition;
} model_group_type;

typedef struct model_member {
    char *patient;
    model_member_status status;
    int since;       /* date, -1 = absent */
    int patient_idx; /* resolved; -1 = unresolved */
} model_member;

typedef struct model_pinned {
    bool has_day;
    int day;
    bool has_start;
    int start;
    char *room;                  /* NULL = not pinned */
    model_strlist facilitators;  /* n == 0 = not pinned; primary first */
    char *substitute;            /* NULL = not pinned */
    int room_idx;                /* resolved, -1 when not pinned */
    int facilitator_idx[2];      /* resolved, -1 when absent */
    int substitute_idx;          /* resolved, -1 when not pinned */
} model_pinned;

typedef struct model_group {
    char *id;
    char *type;
    int type_idx; /* resolved */
    bool optional;
    model_pinned pinned;
    model_member *members;
    int n_members;
} model_group;

typedef struct model_room {
    char *id;
    int capacity;
    model_strlist features;
    model_window *available;
    int n_available;
    char *site; /* NULL = none */
} model_room;

typedef struct model_facilitator {
    char *id;
    char *name;
    model_strlist credentials;
    model_window *available;
    int n_available;
    int max_per_day;  /* -1 = settings.max_groups_per_day */
    int max_per_week; /* -1 = settings.max_groups_per_week */
    model_date_range *time_off;
    int n_time_off;
} model_facilitator;

/* A payer authorization (patients[].authorizations[]): units of a CPT
 * code between two dates.  Held inline (fixed sizes) so that a patient
 * stays a plain copyable value. */
#define MODEL_MAX_AUTHORIZATIONS 8
typedef struct model_authorization {
    char payer[64];
    char cpt[16];
    int units;    /* sessions authorized, >= 0 */
    int used;     /* units already used by attended sessions, >= 0 [0]; a
                   * store adds the sessions it recorded (io_store_program_for_planning) */
    int from, to; /* inclusive dates */
} model_authorization;

typedef struct model_patient {
    char *id;
    model_strlist diagnoses;
    bool has_group_types;        /* false: match by diagnosis */
    model_strlist group_types;
    model_window *available;
    int n_available;
    int added;                   /* date put on the waitlist, -1 = absent */
    model_acuity acuity;         /* [low] */
    int age;                     /* -1 = unknown */
    char *gender;                /* NULL = unknown */
    model_modality modality;     /* [either] */
    bool screened;
    bool insurance_verified;
    int priority;                /* >= 0 [0] */
    model_authorization authorizations[MODEL_MAX_AUTHORIZATIONS]; /* [none] */
    int n_authorizations;
} model_patient;

typedef struct model_instance {
    model_program program;
    model_settings settings;
    model_group_type *types;
    int n_types;
    model_group *groups;
    int n_groups;
    model_room *rooms;
    int n_rooms;
    model_facilitator *facilitators;
    int n_facilitators;
    model_patient *patients;
    int n_patients;
} model_instance;

/* Allocate an empty instance with default settings.  NULL on ENOMEM.
 * Free with model_instance_destroy. */
model_instance *model_instance_create(void);
/* Free the instance and everything in it.  NULL is a no-op. */
void model_instance_destroy(model_instance *inst);
/* Deep copy; NULL on ENOMEM. */
model_instance *model_instance_clone(const model_instance *inst);

/* Free what one entity owns (its strings and arrays), not the struct itself,
 * which is left zeroed.  For entities removed from or never added to an
 * instance.  NULL is a no-op. */
void model_group_type_free(model_group_type *t);
void model_group_free(model_group *g);
void model_room_free(model_room *r);
void model_facilitator_free(model_facilitator *f);
void model_patient_free(model_patient *p);

/* Semantic validation of a structurally complete instance: duplicate ids,
 * unknown references, ranges, windows, horizon start a Monday, sizes,
 * shares; plus warnings (type nobody is credentialed for, co-facilitated
 * type with < 2 credentialed facilitators, waitlisted patient who fits no
 * type).  Appends every problem to d with its JSON path and fills every
 * *_idx field that resolves.  Returns MODEL_OK when no error was added,
 * MODEL_EINVAL otherwise (MODEL_ENOMEM on allocation failure). */
int model_instance_validate(model_instance *inst, model_diag *d);

/* Parts of an instance a reader could not read completely (bits for
 * model_instance_validate_partial). */
enum {
    MODEL_KIND_TYPES = 1,        /* some group type id is missing/unreadable */
    MODEL_KIND_GROUPS = 2,
    MODEL_KIND_ROOMS = 4,
    MODEL_KIND_FACILITATORS = 8,
    MODEL_KIND_PATIENTS = 16,
    MODEL_KIND_PROGRAM = 32      /* horizon, days or slot_starts unreadable */
};

/* model_instance_validate for an instance that a reader filled only in part
 * (its own errors already reported): references into an incomplete kind are
 * not reported as unknown, and checks against an incomplete program (pinned
 * day/start, horizon) are skipped.  Same return values. */
int model_instance_validate_partial(model_instance *inst, model_diag *d, unsigned incomplete);

/* Lookups by id: index or -1. */
int model_find_type(const model_instance *inst, const char *id);
int model_find_group(const model_instance *inst, const char *id);
int model_find_room(const model_instance *inst, const char *id);
int model_find_facilitator(const model_instance *inst, const char *id);
int model_find_patient(const model_instance *inst, const char *id);

/* Effective caps of a facilitator (own override or settings). */
int model_facilitator_max_per_day(const model_instance *inst, int f);
int model_facilitator_max_per_week(const model_instance *inst, int f);
/* True when facilitator f is on time off on date. */
bool model_facilitator_off(const model_instance *inst, int f, int date);
/* True when f holds every credential of the list. */
bool model_facilitator_holds(const model_facilitator *f, const model_strlist *creds);

/* True when [start, start+dur) on day lies inside one of the windows. */
bool model_windows_fit(const model_window *w, int n, int day, int start, int dur);

/* True when a group of n_total members, n_new of them new placements and
 * n_cont continuing, breaks c's max_new_share (rule 8: the share applies
 * only to a group that has continuing members). */
bool model_new_share_exceeded(const model_composition *c, int n_new, int n_cont, int n_total);

/* True when patient p is on the waitlist: named in no roster (any status). */
bool model_patient_waitlisted(const model_instance *inst, int p);

/* True when date is in program.closed_dates. */
bool model_date_closed(const model_instance *inst, int date);

/* Dates on which a group meeting on `day` with `cadence` (and, biweekly,
 * week_parity) has sessions over the horizon, closed dates skipped, in
 * order.  Writes at most max dates into out (may be NULL with max 0) and
 * returns how many there are in all. */
int model_session_dates(const model_instance *inst, int day, model_cadence cadence,
                        int week_parity, int *out, int max);

/* True when a group meets in horizon week w (0-based). */
bool model_meets_in_week(model_cadence cadence, int week_parity, int w);

/* ------------------------------------------------------------------ */
/* Solution.                                                           */

typedef enum {
    MODEL_STATUS_OPTIMAL = 0,
    MODEL_STATUS_FEASIBLE = 1,
    MODEL_STATUS_INFEASIBLE = 2,
    MODEL_STATUS_TIME_LIMIT = 3,
    MODEL_STATUS_INVALID = 4
} model_solution_status;

const char *model_solution_status_name(model_solution_status s);
int model_solution_status_parse(const char *s);

typedef struct model_sol_group {
    char *id;
    char *type;
    bool running;
    int day;             /* -1 when not running */
    int start, end;      /* minutes; -1 when not running */
    char *room;          /* NULL for telehealth / not running */
    model_strlist facilitators; /* primary first, then co-facilitator */
    char *substitute;
    model_strlist members;      /* existing occupying members and new ones */
    model_strlist new_members;
    int week_parity;     /* biweekly: meets in weeks w with w % 2 == parity */
    bool week_parity_absent; /* the file did not give week_parity (not a SPEC
                                field; other tools' plans lack it): read as 0,
                                and model_check takes the parity the group's
                                sessions show instead */
} model_sol_group;

typedef struct model_sol_session {
    char *group;
    int date;
    int start, end;
    char *room;
    model_strlist facilitators; /* who actually leads that date */
    char *covered_by;           /* NULL unless someone covers */
    bool uncovered;
} model_sol_session;

typedef struct model_sol_unplaced {
    char *patient;
    model_strlist reasons;
} model_sol_unplaced;

typedef struct model_type_metrics {
    char *type;
    int groups_running;
    int seats, seats_filled, placed;
    long member_sessions;
    double projected_revenue;
} model_type_metrics;

typedef struct model_metrics {
    int placed;
    int waitlist_before, waitlist_after;
    int seats, seats_filled;
    int groups_running;
    long member_sessions;
    double projected_revenue;
    char **load_ids;          /* facilitator ids */
    double *load;             /* groups per week (biweekly counts 0.5) */
    int n_load;
    double mean_wait_days_placed;
    int uncovered_sessions;
    model_type_metrics *per_type;
    int n_per_type;
} model_metrics;

/* Separate objective terms (reported in "objective_terms"). */
typedef struct model_objective_terms {
    double placement;    /* weights.placement * placed */
    double wait;         /* weights.wait_per_week * sum of waits (weeks) */
    double priority;     /* weights.priority * sum of priorities */
    double empty_seats;  /* -weights.empty_seat * empty seats */
    double load_balance; /* -weights.load_balance * (max - min load) */
    double changes;      /* -weights.change * changes */
} model_objective_terms;

/* One changed field of a re-plan against its baseline (see
 * model_solution_list_changes).  Values are text; NULL = none. */
typedef struct model_sol_change {
    char *group;  /* group id */
    char *field;  /* running, day, start, room, facilitators, substitute,
                     week_parity or members */
    char *before; /* baseline value ("mon", "18:00", "f-ana, f-ben", a
                     removed member's id, "true") */
    char *after;  /* value now (NULL for a removed member) */
} model_sol_change;

/* One hard rule a relaxed plan breaks on purpose (SPEC "relaxed plan",
 * docs/FORMAT.md "exceptions"): the rule, the entities it concerns and why,
 * in the program's words.  Strings owned; NULL / empty = not given. */
typedef struct model_exception {
    int rule;                  /* 1 (mandatory group not running), 5 (no
                                  designated substitute), 8 (below min_size) */
    char *group;               /* group id */
    model_strlist facilitators; /* facilitators the reason names */
    model_strlist patients;    /* rule 8: the group's members */
    char *why;
} model_exception;

/* Free what e owns (not e itself); NULL is a no-op. */
void model_exception_free(model_exception *e);

typedef struct model_solution {
    model_solution_status status;
    double objective, bound, gap, solve_seconds;
    model_objective_terms terms;
    model_sol_group *groups;
    int n_groups;
    model_sol_session *sessions;
    int n_sessions;
    model_sol_unplaced *unplaced;
    int n_unplaced;
    model_metrics metrics;
    model_strlist diagnosis; /* for infeasible */
    model_diag errors;       /* for invalid */
    bool has_baseline;        /* planned against a baseline: changes[] is
                                 meaningful (written as "changes") */
    model_sol_change *changes; /* every change against the baseline */
    int n_changes;
    model_exception *exceptions; /* relaxed plan: the rules it breaks */
    int n_exceptions;
} model_solution;

/* Week parity (0/1) of sol->groups[i]: its week_parity, or when the file
 * did not give one (week_parity_absent) the parity of the horizon weeks
 * most of that group's sessions fall in (0 on a tie or without sessions).
 * Used by the checker and by readers of other tools' plans (baselines). */
int model_sol_group_parity(const model_instance *inst, const model_solution *sol, int i);

/* As model_sol_group_parity, but -1 when the parity is unknown: no
 * week_parity given and no sessions (or as many in even as in odd weeks)
 * to read it from.  Used where an unknown parity must not count as one
 * (changes against a baseline). */
int model_sol_group_parity_known(const model_instance *inst, const model_solution *sol, int i);

/* Allocate an empty solution.  NULL on ENOMEM.  Free with
 * model_solution_destroy (NULL is a no-op). */
model_solution *model_solution_create(void);
void model_solution_destroy(model_solution *sol);
/* Append a deep copy of e to sol->exceptions (model/exceptions.c):
 * MODEL_OK or MODEL_ENOMEM (sol unchanged). */
int model_solution_add_exception(model_solution *sol, const model_exception *e);
void model_metrics_free(model_metrics *m);

/* ------------------------------------------------------------------ */
/* Metrics and objective terms (model/metrics.c).                      */
/* The ONE definition shared by the planner and the checker.           */
/*                                                                     */
/* "Running groups" are the solution's groups with running = true; a   */
/* group's type is its instance type (by group id), else the type the  */
/* solution names.  Patients are looked up by id.                      */

/* Recompute the SPEC metrics of sol:
 *  placed = sum |new_members| over running groups; waitlist_before = #
 *  patients named in no roster (model_patient_waitlisted); waitlist_after =
 *  waitlist_before - placed; seats = sum max_size, seats_filled = sum
 *  |members|, groups_running over running groups; member_sessions = sum over
 *  sessions of running groups with uncovered = false of |members|;
 *  projected_revenue = sum over those of |members| * type rate;
 *  load (one entry per instance facilitator, instance order) = running
 *  groups per week the facilitator leads or co-leads (weekly 1, biweekly
 *  0.5); mean_wait_days_placed = mean over placed patients of
 *  (horizon_start - added) days, not clamped: a patient added after the
 *  horizon start counts negative (0 when added absent; 0 when nobody
 *  placed; the objective's wait term clamps at 0); uncovered_sessions = # sessions (of running groups) with
 *  uncovered = true; per_type = one entry per instance type, instance order.
 * *out is overwritten without being freed first; free it with
 * model_metrics_free.  Returns MODEL_OK, MODEL_EINVAL (NULL argument) or
 * MODEL_ENOMEM (*out untouched on failure). */
int model_metrics_compute(const model_instance *inst, const model_solution *sol,
                          model_metrics *out);

/* Number of changed fields of sol against baseline: over every group id in
 * either (a group absent from one side counts as not running there):
 * 1 if running differs; when running in both, 1 each for day, start, room,
 * facilitators (ordered list), substitute, and (biweekly) week_parity that
 * differ (as model_sol_group_parity_known reads it on each side; an
 * unknown parity is no change), plus 1 per baseline member no longer in
 * members.  0 when
 * baseline is NULL. */
int model_count_changes(const model_instance *inst, const model_solution *sol,
                        const model_solution *baseline);

/* List every change of sol against baseline, one entry per field that
 * model_count_changes counts (same rules, so n_changes equals it), in
 * solution group order then baseline-only groups; field order running, day,
 * start, room, facilitators, substitute, week_parity, members (one entry per
 * baseline member no longer in members: before = the id, after = NULL).
 * Replaces sol->changes and sets sol->has_baseline.  Returns MODEL_OK,
 * MODEL_EINVAL (NULL argument) or MODEL_ENOMEM (sol unchanged). */
int model_solution_list_changes(const model_instance *inst, model_solution *sol,
                                const model_solution *baseline);

/* Free sol's change list (n_changes = 0; has_baseline unchanged). */
void model_solution_changes_free(model_solution *sol);

/* Objective terms of sol (penalties negative), weights from
 * inst->settings.weights:
 *  placement    =  w.placement * placed
 *  wait         =  w.wait_per_week * sum over placed q of wait_weeks(q),
 *                  wait_weeks(q) = max(0, horizon_start - added) / 7.0
 *                  (0 when added absent)
 *  priority     =  w.priority * sum over placed q of priority(q)
 *  empty_seats  = -w.empty_seat * sum over running groups (max_size - |members|)
 *  load_balance = -w.load_balance * (max load - min load over all facilitators)
 *  changes      = -w.change * model_count_changes(inst, sol, baseline)
 * Returns MODEL_OK, MODEL_EINVAL (NULL argument) or MODEL_ENOMEM (*out
 * untouched on failure). */
int model_objective_terms_compute(const model_instance *inst, const model_solution *sol,
                                  const model_solution *baseline,
                                  model_objective_terms *out);

/* Sum of the six terms (the objective value). */
double model_objective_total(const model_objective_terms *t);

/* Cover time off in sol's sessions (SPEC rule 6; model/cover.c), for
 * the planner's plans and those built outside it.  Sessions are taken by date and start;
 * in each one marked uncovered, every role whose regular facilitator (the
 * group's facilitators[0] or [1]) is on time off that date and is not
 * already filled by a listed stand-in gets the designated substitute, else
 * the first facilitator (instance order) who is not one of the group's
 * facilitators nor listed on the session, holds the role's credentials, is
 * not on time off, is available at the session's time, leads nothing
 * overlapping it (min_break_min), stays within max_per_day and
 * max_per_week counting what they lead and cover, and would not cover
 * more than max_consecutive_cover consecutive sessions of the group.  A
 * stand-in for the primary goes first in facilitators, one for the
 * co-facilitator last (the first also to covered_by);
 * uncovered stays true only when some role found nobody.  Returns
 * MODEL_OK, MODEL_EINVAL (NULL argument) or MODEL_ENOMEM (sol may then
 * hold some covers already, each valid). */
int model_solution_cover(const model_instance *inst, model_solution *sol);

/* ------------------------------------------------------------------ */
/* Independent checker (model/check.c): every hard rule 1-10 of the    */
/* SPEC on any solution, without the planner's code.                   */

typedef struct model_violation {
    int rule;      /* SPEC hard rule 1..10 */
    char *entity;  /* "group:ID", "facilitator:ID", "patient:ID", "room:ID",
                      "session:GROUP@YYYY-MM-DD" */
    char *message; /* plain words, without the "rule N: " prefix */
} model_violation;

typedef struct model_metric_mismatch {
    char *field;     /* e.g. "metrics.placed", "metrics.facilitator_load.f-ana",
                        "metrics.per_type.cbt.seats", "objective_terms.wait",
                        "objective" */
    double reported; /* as the solution states it (0 when absent) */
    double expected; /* recomputed */
    char *message;
} model_metric_mismatch;

typedef struct model_check_report {
    model_violation *violations;
    int n_violations, cap_violations;
    model_metric_mismatch *mismatches;
    int n_mismatches, cap_mismatches;
    model_metrics metrics;       /* recomputed (model_metrics_compute) */
    model_objective_terms terms; /* recomputed without baseline (changes
                                    = the solution's reported value) */
    double objective;            /* model_objective_total(&terms) */
    bool metrics_reported;       /* false: the solution carries no metrics
                                    (all zero/empty); they were not compared */
    bool terms_reported;         /* same for objective_terms / objective */
    int exceptions_accepted;     /* declared exceptions found real (each
                                  excuses the violation it declares) */
} model_check_report;

/* Relative tolerance of metric comparisons: |a - b| <= tol * max(1,|a|,|b|). */
#define MODEL_CHECK_TOLERANCE 1e-6

/* Check sol against inst: every hard rule 1-10 (each violation names the
 * rule and the entities), plus the recomputed metrics and objective terms
 * compared with what the solution reports.  Entries that do not match the
 * instance are reported under the rule they defeat: unknown or duplicate
 * groups, missing must-run groups, sessions or placements of groups not
 * running -> 1; day, start, end, room, session start/end/room -> 2;
 * facilitators -> 3; substitutes -> 5; session list, session facilitators,
 * covers -> 6 (caps exceeded because of covers too); patients placed ->
 * 7; size, composition, continuing members missing from members[] -> 8.
 * Sessions are checked only on the group's meeting dates (others are
 * reported as such), each at its own start, end and room; one on a closed
 * date is reported (10) and still checked otherwise; an uncovered session
 * is legal only when flagged and nobody could have covered it (the
 * substitute or another credentialed facilitator, free and within caps).
 * A biweekly group read without week_parity (week_parity_absent) takes
 * the parity its sessions show.  Rule 5 does not add min_break_min.  The
 * instance should be validated (model_instance_validate); ids are looked up by string, the
 * *_idx fields are not needed.  *out is overwritten; free it with
 * model_check_report_free.  Returns MODEL_OK (also when violations were
 * found), MODEL_EINVAL (NULL argument) or MODEL_ENOMEM (*out empty). */
int model_check(const model_instance *inst, const model_solution *sol,
                model_check_report *out);

/* The checker's own test of rule 7's fit, written apart from
 * model/eligibility.c with the same documented semantics: bit
 * (1u << part) set for every failing model_fit part of patient p joining a
 * group of type t meeting on day at start (day < 0: the window part is not
 * tested); 0 when p fits.  Indices must be valid. */
unsigned model_check_patient_fit(const model_instance *inst, int p, int t, int day, int start);

/* The checker's own test of the payer-authorization rule (model/
 * check_auth.c), written apart from model_patient_authorized with the
 * same documented semantics: true when settings.require_authorization is
 * off, or an authorization of patient p for the CPT of type t includes
 * date and has units less used (never below 0) for
 * settings.min_authorized_sessions sessions.  Indices must be valid. */
bool model_check_authorized(const model_instance *inst, int p, int t, int date);

/* Free everything the report holds; it is empty after.  NULL is a no-op. */
void model_check_report_free(model_check_report *r);

/* Declared exceptions (model/exceptions.c), called by model_check after the
 * rules: each of sol->exceptions must be real in sol (rule 5: the group runs
 * with no substitute; rule 8: it runs with fewer members than min_size;
 * rule 1: a must-run group does not run); one that is not, or names another
 * rule or an unknown group, is itself reported as a violation of its rule
 * (entity "exception:N", N its index).  The violations a real exception
 * declares (rule 5 "no designated substitute", rule 8 below min_size, rule 1
 * "must run") are then removed from r.  MODEL_OK or MODEL_ENOMEM (r keeps
 * what it had). */
int model_exceptions_apply(const model_instance *inst, const model_solution *sol,
                           model_check_report *r);

/* ------------------------------------------------------------------ */
/* What-if scenarios (model/scenario.c): named lists of changes applied */
/* to a copy of an instance.  Format: docs/WHATIF.md.                  */

typedef enum {
    MODEL_CHANGE_ADD_FACILITATOR = 0,
    MODEL_CHANGE_REMOVE_FACILITATOR,
    MODEL_CHANGE_ADD_ROOM,
    MODEL_CHANGE_REMOVE_ROOM,
    MODEL_CHANGE_ADD_GROUP,
    MODEL_CHANGE_REMOVE_GROUP,
    MODEL_CHANGE_SET_SETTING,
    MODEL_CHANGE_ADD_CREDENTIAL,
    MODEL_CHANGE_REMOVE_CREDENTIAL,
    MODEL_CHANGE_SET_WINDOWS,
    MODEL_CHANGE_SET_TYPE_SIZE,
    MODEL_CHANGE_ADD_REFERRALS,
    MODEL_CHANGE_COUNT
} model_change_op;

/* "add_facilitator", ...; "?" out of range.  Parser: op or -1. */
const char *model_change_op_name(model_change_op op);
int model_change_op_parse(const char *s);

typedef struct model_change {
    model_change_op op;
    int entity;      /* add_*: index into the scenario payload's array */
    char *id;        /* remove_*: the id; *_credential, set_windows:
                        facilitator (or room) id; set_type_size,
                        add_referrals: type id */
    bool room;       /* set_windows: id names a room (else a facilitator) */
    char *field;     /* set_setting: "max_groups_per_week", "weights.placement", ... */
    double value;    /* set_setting */
    char *credential;          /* add_/remove_credential */
    model_window *windows;     /* set_windows (owned) */
    int n_windows;
    int min_size, max_size;    /* set_type_size; -1 = keep */
    int count;                 /* add_referrals */
    long seed;                 /* add_referrals; -1 = settings.seed */
} model_change;

typedef struct model_scenario {
    char *name;
    model_change *changes;
    int n_changes;
    model_instance *payload; /* facilitators/rooms/groups the add_* changes
                                add (owned; NULL when none) */
} model_scenario;

/* Free what a scenario owns (not the struct).  NULL is a no-op. */
void model_scenario_free(model_scenario *sc);

/* Append a change (copied shallowly: the scenario takes over its owned
 * pointers id, field, credential, windows).  MODEL_ENOMEM leaves sc as it
 * was (and the change's pointers with the caller). */
int model_scenario_push(model_scenario *sc, const model_change *c);

/* Deep-copy an entity into the scenario's payload and append the matching
 * add_* change.  MODEL_OK / MODEL_ENOMEM (sc unchanged). */
int model_scenario_add_facilitator(model_scenario *sc, const model_facilitator *f);
int model_scenario_add_room(model_scenario *sc, const model_room *r);

/* Names of the fields set_setting accepts (NULL-terminated, static). */
extern const char *const MODEL_SETTING_FIELDS[];

/* Apply the scenario's changes in order to inst, then validate the result.
 * Changes that cannot apply (unknown id, unknown field, credential already
 * held ...) are errors at "<prefix>.changes[j].<field>"; errors of the
 * changed instance at "<prefix>.result.<instance path>".  Removing a
 * facilitator or room also clears the pins that name it; removing a group
 * returns its members to the waitlist; add_referrals synthesises patients
 * by sampling existing waitlisted patients of that type (deterministic for
 * a seed).  Returns MODEL_OK (inst changed and resolved), MODEL_EINVAL
 * (errors in d; inst unchanged) or MODEL_ENOMEM (inst unchanged). */
int model_scenario_apply(model_instance *inst, const model_scenario *sc, const char *prefix,
                         model_diag *d);

/* Does sc only add capacity to base, so that every schedule valid for
 * base stays valid, with the same objective terms except load balance (a
 * new facilitator counts with load 0), so that the best plan cannot place
 * fewer for the same reasons?  True when every change is one of: add_facilitator, add_room,
 * add_credential, add_referrals (new waitlisted patients), add_group of an
 * optional group without members, set_windows that keeps every old window
 * inside a new one (or names an entity base does not have), set_type_size
 * that keeps max_size and does not raise min_size, set_setting raising
 * max_groups_per_day / max_groups_per_week / max_consecutive_cover,
 * lowering min_break_min, or setting time_limit_s, mip_gap or seed.  Not
 * monotone: every remove_*, weights (they change the objective) and a
 * larger max_size (the same schedule's empty-seat term grows).  False for
 * a scenario without changes.  Each change is compared with base. */
bool model_scenario_adds_capacity(const model_instance *base, const model_scenario *sc);

/* ------------------------------------------------------------------ */
/* Seeded generator of realistic benchmark programs (model/generate.c). */

/* Sizes of a tier ("S", "M", "L", "XL"): groups, facilitators, waitlisted
 * patients and sites (any pointer may be NULL).  MODEL_EINVAL for an
 * unknown tier. */
int model_generate_tier(const char *tier, int *groups, int *facilitators, int *waitlisted,
                        int *sites);

/* Generate the program of a tier for a seed: deterministic (same tier and
 * seed give the same instance), realistic (evening-heavy availability,
 * ICD-10 mix, scarce DBT/TRAUMA credentials, co-facilitated trauma groups,
 * time off, closed dates, continuing groups with rosters and holds, mixed
 * cadences, optional groups) and feasible by construction.  Multi-site
 * tiers encode a site as the credential and room feature "site:<name>"
 * carried by that site's copy of every group type.  *out is a new instance
 * (free with model_instance_destroy; ids are set, the *_idx fields are not
 * resolved: run model_instance_validate).  When witness is not NULL,
 * *witness receives the feasible plan the generator built (every must-run
 * group running, optional groups closed, sessions of absent facilitators
 * marked uncovered; no metrics), freed with model_solution_destroy.
 * Returns MODEL_OK, MODEL_EINVAL (unknown tier, out NULL) or MODEL_ENOMEM;
 * nothing is returned on failure. */
int model_generate(const char *tier, unsigned long long seed, model_instance **out,
                   model_solution **witness);

/* model_generate for a structural family (NULL or "standard": exactly
 * model_generate).  The families (listed by model_generate_families) change
 * the structure, not the tier's counts: "blocks" (patients free in 4-5 h
 * blocks, staff on shifts), "scarce" (few credential holders, one SUD
 * holder), "optional" (90 % of new offerings optional), "pinned" (most
 * groups continuing and pinned), "adolescent" (teen-heavy, age spread 4),
 * "mixed" (blocks, mostly optional, few continuing), "rooms" (fewer
 * suitable rooms than evening demand) are feasible by
 * construction and have a witness; "infeasible-substitute",
 * "infeasible-cofac" and "infeasible-room" are infeasible by design in the
 * one way their name says (mandatory groups of a type that cannot get a
 * substitute, a co-facilitator or a room), and *witness is set to NULL.
 * MODEL_EINVAL also for an unknown family. */
int model_generate_family(const char *tier, const char *family, unsigned long long seed,
                          model_instance **out, model_solution **witness);

/* The families of model_generate_family: writes up to max names (and
 * one-line summaries and whether the family is infeasible by design; any
 * array may be NULL) and returns how many families there are. */
int model_generate_families(const char **names, const char **summaries, bool *infeasible,
                            int max);

#include "eligibility.h" /* rule 7: patient fits group, one predicate per part */

#endif
