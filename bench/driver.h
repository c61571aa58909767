/*
 * driver.h - what the benchmark drivers of cohort-bench share: child
 * processes timed with the wall clock, small file readers, the suite's
 * configuration and result rows, and the measured runs (`cohort plan`,
 * `cohort check`, the exported model under CBC).  Defined in bench_main.c
 * unless noted: the child runs and file readers in bench_child.c, the
 * tiers, paths and measured runs in bench_suite.c.
 */
#ifndef COHORT_BENCH_DRIVER_H
#define COHORT_BENCH_DRIVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "model.h"

#define PATH_MAX_LEN 4096

typedef struct child_run {
    int exit_code;   /* -1 when killed by a signal */
    bool timed_out;  /* killed by the driver at its deadline */
    double wall;     /* seconds */
    double peak_mb;  /* ru_maxrss */
} child_run;

typedef struct bench_cfg {
    char cohort[PATH_MAX_LEN];
    char self[PATH_MAX_LEN];
    char root[PATH_MAX_LEN];
    char out[PATH_MAX_LEN];
    char cbc[PATH_MAX_LEN]; /* "" = not installed */
    char stdbuf[PATH_MAX_LEN]; /* coreutils' stdbuf, "" = not found */
    const char *tiers[4];
    int n_tiers;
    int seeds[8];
    int n_seeds;
    int l_seeds[8];
    int n_l_seeds;
    double limit[4]; /* S M L XL */
    bool do_cbc, do_naive, do_whatif;
    int whatif_scenarios;
} bench_cfg;

typedef struct row {
    char tier[4];
    int seed;
    char solver[24];
    json_t *info; /* borrowed (the instance's) */
    char status[32];
    double wall, peak_mb;
    bool has_obj, has_bound;
    double obj, bound, gap;
    int placed, seats, seats_filled;
    double mean_wait;
    bool has_metrics;
    char check[48];
    char note[200];
    double time_limit;
    int exit_code; /* of the measured process (cohort plan), -1 killed */
    int exceptions; /* rules a relaxed plan of an infeasible program declares broken */
} row;

/* snprintf that truncates silently (paths and notes are bounded). */
void fmt_to(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Monotonic clock in seconds. */
double now_s(void);
/* Run argv (argv[0] a path) with stdout/stderr to files (NULL = /dev/null),
 * killing it after timeout_s.  Returns 0 or -1 when it could not start. */
int run_child(char *const argv[], const char *out_path, const char *err_path, double timeout_s,
              child_run *cr);
/* The first max bytes of a file (NUL-terminated, caller frees), or NULL. */
char *read_small(const char *path, size_t max);
/* The last JSON object line of a file (new reference), or NULL. */
json_t *read_json_line(const char *path);
double jnum(const json_t *o, const char *k, double dflt);
const char *jstr(const json_t *o, const char *k, const char *dflt);
void path_join(char *dst, size_t n, const char *dir, const char *file);
bool file_exists(const char *p);
/* Read and validate an instance (errors on stderr); 0 or an exit code. */
int load_instance(const char *path, model_instance **inst);
/* Print j (stolen) as one compact JSON line; an exit code. */
int print_json_line(json_t *j);
/* Index of "S", "M", "L", "XL", or -1. */
int tier_index(const char *t);
/* Comma-separated integers into out (at most max); how many. */
int parse_int_list(const char *s, int *out, int max);
/* The executable name on PATH (out = "" when absent). */
void find_in_path(const char *name, char *out, size_t n);
/* One line about the machine, GLPK and CBC. */
void machine_info(char *buf, size_t n, const bench_cfg *c);

/* `cohort check INSTANCE SOLUTION --json` into r->check ("ok", "N
 * violations", "exit N"). */
void run_check(const bench_cfg *c, const char *inst, const char *sol, const char *tag, row *r);
/* `cohort plan` with time limit tl: wall time, exit code, status, figures
 * (from the solution's summary) and, for a schedule, `cohort check`. */
void run_cohort(const bench_cfg *c, const char *inst, const char *tag, double tl, row *r);
/* `cohort plan --export-model MODEL` in a run of its own; its wall time, or
 * -1 when no model was written. */
double run_export(const bench_cfg *c, const char *inst, const char *tag, const char *model);
/* CBC on the exported free MPS with a wall-clock limit and relative gap;
 * figures in cohort's sense (negated back). */
void run_cbc(const bench_cfg *c, const char *mps, const char *tag, double tl, double gap, row *r);

/* robust.c */
int cmd_robust(int argc, char **argv);
int cmd_bound(int argc, char **argv);

#endif
