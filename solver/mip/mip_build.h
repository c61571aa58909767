/*
 * mip_build.h - the timetable model's builder, shared by the files that
 * add its column and row families (the files in solver/mip/) and solver/mip.c, which
 * calls them in a fixed order (the order of columns and rows is part of
 * the model: exported files and GLPK's search depend on it).
 * Private to the timetable model.
 *
 * Every step takes the builder b, whose scratch row (ci, cv, cn) is empty
 * on entry and on a 0 return; steps return 0, -1 on failure (out of
 * memory or a backend error), and only mip_columns returns 1 (a must-run
 * group has no usable candidate).
 */
#ifndef COHORT_MIP_BUILD_H
#define COHORT_MIP_BUILD_H

#include <stddef.h>

#include "backend.h"
#include "sv.h"

typedef struct ent {
    int col;
    int g;
    int day, pmask, start, end;
    int lead; /* 1 lead/co-lead, 0 substitute */
    double lw;
} ent;

typedef struct entlist {
    ent *e;
    int n, cap;
} entlist;

typedef struct model_out {
    int *ncol;      /* per (class, group) column or -1: flat nclass*ng */
    sv_class *cls;
    int ncls;
    int lmax, lmin;
    double constant;
} model_out;

typedef struct jv {
    int x;
    int *w, *c, *q, *b; /* per candidate list entry, -1 = not a column */
} jv;

typedef struct slackinfo {
    int col;
    char *what;
} slackinfo;

typedef struct mb {
    const sv_prob *pr;
    const sv_plan *pl;
    const sv_mip_opts *o;
    bk_model *m;
    jv **V;
    entlist *fent; /* per facilitator */
    entlist *rent; /* per room */
    int *ci, cn, ccap; /* row scratch */
    double *cv;
    char name[400];
    int elastic;
    slackinfo *sl;
    int nsl, capsl;
    int *prio;
    /* start solution */
    double *start;
    int nstart;
    int start_ok;
    /* while building (build in mip.c) */
    const char *isfree;  /* per group: placed by this model (else fixed) */
    model_out *mo;       /* what the caller reads back from the solution */
    double *fload;       /* per facilitator: load of the fixed groups */
    int *fday, *fweek;   /* fixed leads per (facilitator, parity, day) / week */
    char *pool;          /* per patient: still to be placed by this model */
} mb;

/* ---- builder.c: primitives */
/* Append x to l.  0 or -1 (out of memory; l unchanged). */
int mip_ent_push(entlist *l, ent x);
/* Append (col, v) to the scratch row.  0 or -1. */
int mip_row_push(mb *b, int col, double v);
/* New column (continuous in elastic mode, where the objective is only the
 * slacks) named by fmt, with start value startv and a branching priority
 * from its name; its index or -1. */
int mip_add_col(mb *b, int kind, double lb, double ub, double obj, double startv,
                const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Finish the scratch row: lb <= sum <= ub, named by fmt; in elastic mode
 * with what != NULL a penalised slack (described by what) relaxes it.
 * 0 or -1; the scratch is empty afterwards. */
int mip_add_row(mb *b, double lb, double ub, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Ids of group g / facilitator f. */
const char *mip_gid(const mb *b, int g);
const char *mip_fid(const mb *b, int f);
/* "mon_0900_even": the candidate in column and row names. */
void mip_cand_label(const sv_cand *c, char *buf, size_t n);

enum { BLOCK_LEAD, BLOCK_SUB, BLOCK_ROOM };
/* Is resource x blocked at candidate c by a fixed group?  A facilitator as
 * lead (kind BLOCK_LEAD) by a fixed group it leads, co-leads or substitutes
 * for, as substitute (BLOCK_SUB) by one it leads or co-leads, both with the
 * break between them; a room (BLOCK_ROOM) by a fixed group in it. */
int mip_fixed_blocks(const mb *b, const char *isfree, const sv_cand *c, int x, int kind);
/* qsort comparison of ints, ascending. */
int mip_int_cmp(const void *a, const void *b);
/* Free everything the builder and mo own (mo may be NULL). */
void mip_free(mb *b, model_out *mo);

/* ---- columns.c: per free group, its candidates and who fills each role */
/* Fixed groups' constants (objective, facilitator loads, the pool of
 * patients still to place) into b->mo->constant, fload, fday, fweek, pool. */
void mip_fixed_constants(mb *b);
/* x, lead, co-lead, room and substitute columns of every free group. */
int mip_columns(mb *b);
/* Per free group: roles sum to x, one role per person, runs at most (must:
 * exactly) once, and the "meets on day d" / "runs" branching columns. */
int mip_group_rows(mb *b);

/* ---- conflicts.c: time-point conflicts and caps */
/* At each start time at most one group per facilitator and per room;
 * a substitute does not lead at the same time. */
int mip_conflict_rows(mb *b);
/* Facilitators' max_per_day and max_per_week. */
int mip_cap_rows(mb *b);

/* ---- demand.c: waitlist demand and group sizes */
/* Demand classes, class-to-group counts and per-patient value columns. */
int mip_demand(mb *b);
/* An age band per free age-spread group, chosen with the slot. */
int mip_age_bands(mb *b);
/* Capacity, min_size, high acuity and over-full rows per free group. */
int mip_size_rows(mb *b);

/* ---- pools.c: availability-pool rows */
/* Per free group, rows keeping its new members within what one start can
 * draw on (valid inequalities; none in elastic mode). */
int mip_pool_rows(mb *b);

/* ---- objective.c: terms beside placement value */
/* Minimal-change penalties against the baseline (adds to *constant). */
int mip_change_terms(mb *b, const char *isfree, double *constant);
/* Load balance: highest and lowest facilitator load columns. */
int mip_load_balance(mb *b);
/* Interchangeable free groups open and placed in index order. */
int mip_symmetry(mb *b);

/* ---- hall.c: the aggregated relaxation */
/* Hall-type rows replacing the facilitator and room columns. */
int mip_hall_rows(mb *b, const char *isfree);

#endif
