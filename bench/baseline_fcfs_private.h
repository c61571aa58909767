/*
 * baseline_fcfs_private.h - what the pieces of the first-come-first-served
 * baseline share (baseline_fcfs.c: timetable, patients, solution;
 * baseline_fcfs_sessions.c: the sessions).  Private to those two files.
 */
#ifndef COHORT_BENCH_BASELINE_FCFS_PRIVATE_H
#define COHORT_BENCH_BASELINE_FCFS_PRIVATE_H

#include <stdbool.h>

#include "bench.h"

typedef struct ivec {
    int *v;
    int n, cap;
} ivec;

/* A group's timetable and composition state. */
typedef struct gstate {
    bool running;
    bool reserved; /* pinned day and start: its pinned people and room are
                      held for it until it is timetabled */
    int day, start, end, parity;
    int room;
    int fac[2];
    int sub;
    int cont;      /* occupying continuing members */
    int high;      /* high-acuity members (continuing + new) */
    int age_lo, age_hi; /* over members with a known age; lo > hi when none */
    ivec newp;     /* placed patients, in order */
} gstate;

typedef struct fcfs {
    const model_instance *inst;
    int W;          /* horizon weeks */
    gstate *gs;
    int *placed_in; /* per patient: group index or -1 */
    bool *waitlisted;
    int *order;     /* waitlisted patients, oldest first */
    int n_order;
    ivec *fac_entries;  /* per facilitator: g * 3 + role (0 primary, 1 co, 2 substitute) */
    ivec *room_entries; /* per room: group indices */
    int *cnt_day;   /* [f][w][d] regular assignments */
    int *cnt_week;  /* [f][w] */
    ivec *fac_res;  /* per facilitator: g * 3 + role of reserved (pinned) groups */
    ivec *room_res; /* per room: reserved groups */
    int *res_day;   /* [f][d] reserved regular assignments (weekly-counted) */
    int *res_week;  /* [f] */
    int *gorder;    /* timetabling order of the groups */
} fcfs;

/* Cadence of group g's type. */
model_cadence gcad(const fcfs *fc, int g);
/* Expand every running group of fc into dated sessions of sol, covering
 * time off; 0 or a SOLVER_E* code. */
int expand_sessions(fcfs *fc, model_solution *sol);

#endif
