/*
 * suite.h - what the pieces of `cohort-bench run` share (private to
 * bench_main.c, bench_suite.c and bench_report.c): the growing table of
 * result rows, the what-if and fill-latency results, the measured runs
 * defined in bench_suite.c and the report writers in bench_report.c.
 */
#ifndef COHORT_BENCH_SUITE_H
#define COHORT_BENCH_SUITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "driver.h"

typedef struct rows {
    row *v;
    int n, cap;
} rows;

/* Whatif throughput: N scenarios on one instance with -j 2. */
typedef struct whatif_result {
    bool ran;
    char tier[4];
    int seed, scenarios, exit_code;
    int n_ok;          /* scenarios that produced a schedule */
    bool baseline_ok;
    double wall, per_minute, peak_mb, time_limit;
    char note[200];
} whatif_result;

/* Fill latency: F's fill-latency tool (next to cohort-bench) on one
 * instance and a schedule of it. */
typedef struct fill_result {
    bool ran;
    char tier[4], which[16];
    int seed, runs, cli_runs;
    double lib_median, lib_p99, cli_median, cli_p99;
    int groups, running;
    char note[200];
} fill_result;

/* bench_suite.c */

/* Append a zeroed row (tier, seed, solver, borrowed info, time limit tl,
 * check "n/a") to rs, growing it; exits on out of memory.  Owned by rs. */
row *row_new(rows *rs, const char *tier, int seed, const char *solver, json_t *info, double tl);
/* The instance of (tier, seed) into path (datasets/bench/ or generated into
 * the output folder) and how it was obtained into how; 0 or -1. */
int locate_instance(const bench_cfg *c, const char *tier, int seed, char *path, size_t n,
                    char *how, size_t hn);
/* `cohort-bench fcfs` in a child: wall time, peak memory and figures of the
 * FCFS baseline into r, then `cohort check` of its schedule. */
void run_fcfs(const bench_cfg *c, const char *inst, const char *tag, row *r);
/* cohort-bench naive INSTANCE (kind "naive") or cohort-bench glpk FILE
 * (kind "glpk") in a child with time limit tl and gap; its figures into r. */
void run_glpk_child(const bench_cfg *c, const char *kind, const char *input, const char *tag,
                    double tl, double gap, row *r);
/* `cohort whatif` throughput (scenarios with -j 2) on one instance into w. */
void run_whatif(const bench_cfg *c, const char *inst, const char *tier, int seed, double tl,
                whatif_result *w);
/* The fill-latency tool on inst and its schedule sol into fr (fr->ran false
 * and a note when it is not built or fails). */
void run_fill(const bench_cfg *c, const char *inst, const char *sol, const char *which,
              const char *tier, int seed, fill_result *fr);

/* bench_report.c */

/* The Markdown report (machine line, all runs, per-tier tables, what-if and
 * fill latency) of rs, w and fl to f. */
void write_markdown(FILE *f, const bench_cfg *c, const rows *rs, const whatif_result *w,
                    const fill_result *fl, const char *machine);
/* One row as a results.json object (new reference). */
json_t *row_json(const row *r);
/* The scaling chart of rs (wall time and peak memory per tier) as SVG to f. */
void write_svg(FILE *f, const rows *rs);
/* `cohort-bench chart RESULTS.json [-o SVG]`: redraw the chart; an exit code. */
int cmd_chart(int argc, char **argv);

#endif
