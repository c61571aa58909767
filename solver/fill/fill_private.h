/*
 * fill_private.h - the parts of `cohort fill` (solver/fill.c and the files
 * in solver/fill/) share: the working state over deep copies of the
 * instance and solution, the patient id map, composition statistics and
 * the functions one part calls in another.  Private to fill.
 */
#ifndef COHORT_FILL_PRIVATE_H
#define COHORT_FILL_PRIVATE_H

#include <stdbool.h>

#include "solver.h"

#define EPS 1e-9

/* Append a formatted line: MODEL_OK or MODEL_ENOMEM. */
#define push_fmt(l, ...) model_strlist_pushf((l), false, __VA_ARGS__)

/* Patient id -> index, open addressing. */
typedef struct pmap {
    const char **keys; /* borrowed from the instance's patients */
    int *vals;
    unsigned cap;      /* power of two */
    int n;
} pmap;

typedef struct fstate {
    model_instance *inst; /* working copies (moved into the result) */
    model_solution *sol;
    const solver_fill_options *opt;
    pmap map;             /* patient id -> index */
    int cap_pat;
    int *sol_group_of;    /* per patient: solution group holding them, -1 */
    unsigned char *rostered; /* per patient: named in an instance roster */
    int *ig;              /* per solution group: instance group, -1 */
    int *ty;              /* per solution group: type, -1 */
} fstate;

typedef struct gstats {
    int size;          /* occupying members + new members */
    int n_new;
    int n_cont;        /* continuing (not new) */
    int high, high_cont;
    int age_lo, age_hi;           /* over all members with known age; -1 none */
    int cont_age_lo, cont_age_hi; /* continuing only */
} gstats;

/* fill_fits_rule8 outcomes: fits, or the first composition rule broken. */
enum { FIT_OK = 0, FIT_NO, FIT_FULL, FIT_NEW_SHARE, FIT_HIGH, FIT_AGE };

/* ---- copy.c */
/* Deep copy of a patient into d (zeroed first).  0 or -1 (d freed). */
int fill_patient_copy(model_patient *d, const model_patient *s);
/* *dst = copy of src (NULL stays NULL).  0 or -1. */
int fill_dup_or_null(char **dst, const char *src);
/* Deep copy of a solution; NULL when out of memory. */
model_solution *fill_solution_clone(const model_solution *s);
/* Map key (borrowed) to val.  0 or -1. */
int fill_pmap_put(pmap *m, const char *key, int val);
/* Value of key, or -1. */
int fill_pmap_get(const pmap *m, const char *key);
void fill_pmap_free(pmap *m);

/* ---- state.c */
void fill_fstate_free(fstate *s);
/* Index the working copies: id map, solution group of each patient,
 * rostered flags, instance group and type of each solution group.  0 or -1. */
int fill_fstate_index_patients(fstate *s);
/* Add a referred patient (copied) to the working instance; its index or -1. */
int fill_fstate_add_patient(fstate *s, const model_patient *src);
/* Composition of solution group sg as it stands. */
void fill_gstats_compute(const fstate *s, int sg, gstats *st);
/* Size, new-member share, high-acuity count and age spread of sg (stats st)
 * if patient p joined. */
void fill_comp_after(const fstate *s, const gstats *st, int p, int *size, double *share,
                     int *high, int *spread);
/* Rule 7 for patient p and running solution group sg (not the "placed
 * once" and waitlist parts); check_flags false skips screening and
 * insurance (a referral's expected wait). */
bool fill_fits_rule7(const fstate *s, int p, int sg, bool check_flags);
/* Rule 8 (capacity and composition) if p joined sg: FIT_OK or the rule. */
int fill_fits_rule8(const fstate *s, int p, int sg, const gstats *st);
/* Waitlisted, screened, verified and in no group. */
bool fill_available_for_placement(const fstate *s, int p);
/* The objective's per-placement value of patient p. */
double fill_placement_value(const model_instance *in, int p);
/* "HH:MM-HH:MM" of minutes a..b. */
void fill_fmt_time_range(int a, int b, char out[12]);
/* Lines saying why p fits sg, appended to why.  0 or -1. */
int fill_explain_fit(const fstate *s, int p, int sg, model_strlist *why);

/* ---- seats.c */
void fill_candidate_free(solver_fill_candidate *c);
/* Rank the candidates for an opened seat of sg (as of ref_date) into seat;
 * the best patient's index, -1 when nobody fits, -2 out of memory. */
int fill_rank_seat(fstate *s, int sg, int ref_date, solver_fill_seat *seat);
/* Place p in sg as a new member / take that back.  place: 0 or -1. */
int fill_place(fstate *s, int p, int sg);
void fill_unplace(fstate *s, int p, int sg);
/* Index of solution group id, or -1. */
int fill_find_sol_group(const model_solution *sol, const char *id);
/* The roster entry of pid in instance group ig, or NULL. */
model_member *fill_roster_member(model_instance *in, int ig, const char *pid);
/* Append pid (index p) to ig's roster with status st since.  0 or -1. */
int fill_roster_append(model_instance *in, int ig, const char *pid, int p,
                       model_member_status st, int since);
/* First session date of sg on or after date / its last; -1 none. */
int fill_next_session(const fstate *s, int sg, int date);
int fill_last_session(const fstate *s, int sg);

/* ---- referrals.c */
/* Answer the referral of p (event ev, as of ref_date) into r: the groups
 * with a free seat that fit, else the expected wait.  0 or -1. */
int fill_answer_referral(fstate *s, int p, int ev, int ref_date, solver_fill_referral *r);
/* Group sg fell below min_size: its size, merge options and the date it
 * would run under the minimum, into u.  0 or -1. */
int fill_undermin_prepare(fstate *s, int sg, int ref_date, solver_fill_undermin *u);
/* After filling: sg's size, the eligible patients left and what filling
 * achieves for it, into u.  0 or -1. */
int fill_undermin_finish(fstate *s, int sg, solver_fill_undermin *u);

#endif
