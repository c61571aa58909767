/*
 * whatif_private.h - the what-if parts share this: a job (baseline,
 * scenario or marginal scenario) and the calls between the runner
 * (whatif_run.c), the report (whatif_report.c) and the orchestration
 * (whatif.c).  The scenario reader is whatif_read.c.  Private to io/jobs.
 */
#ifndef COHORT_WHATIF_PRIVATE_H
#define COHORT_WHATIF_PRIVATE_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "io_private.h"
#include "proc.h"

/* One plan to run in a worker process; owns every pointer but warm. */
typedef struct wjob {
    char *name;
    int kind;                /* 0 baseline, 1 scenario, 2 marginal */
    int part;                /* 0 baseline, 1..n scenarios, then marginal */
    model_instance *inst;    /* applied and valid; NULL when invalid */
    json_t *errors;          /* [{path,message}] when invalid */
    json_t *warnings;        /* new warnings of the changed instance */
    json_t *extra;           /* marginal: what was added */
    io_proc proc;            /* its worker process and output (io_proc_init'ed
                                by wi_wjobs_new; a runner that fills a
                                result in without one leaves it so) */
    double started, finished, deadline;
    int state;               /* 0 pending, 1 running, 2 finished */
    json_t *result;          /* the worker's JSON */
    char *failure;           /* why it failed (crash, timeout, bad output) */
    bool adds_capacity;      /* model_scenario_adds_capacity: runs after the
                                baseline, starting from its schedule */
    bool deferred;           /* not started by wi_run_jobs until cleared */
    const json_t *warm;      /* the baseline's solution tree (borrowed), or NULL */
} wjob;

/* Seconds on the monotonic clock. */
double wi_now_s(void);
/* n zeroed jobs (pending, no process); free each with wi_wjob_free, then
 * the array.  NULL on ENOMEM. */
wjob *wi_wjobs_new(int n);
/* Free what j owns (j itself is not freed). */
void wi_wjob_free(wjob *j);
/* Run every pending job with at most jobs at once, each in a forked
 * worker killed at deadline_s.  Returns the largest number of workers
 * alive at once, or -1 (ENOMEM / poll failure); a job whose worker could
 * not start, crashed or timed out gets its failure. */
int wi_run_jobs(wjob *js, int n, const io_whatif_options *o, int jobs, double deadline_s);
/* Plan j in this process (a capacity-only scenario from j->warm, as the
 * worker processes of wi_run_jobs do): the worker's result JSON (new
 * reference; {"status":"failed","error"} when the solver failed), NULL on
 * ENOMEM. */
json_t *wi_plan_json(wjob *j, const io_whatif_options *o);
/* Scenarios planned at once: o->jobs, or the core count when <= 0. */
int wi_jobs_at_once(const io_whatif_options *o);
/* Runs (or fills in) the pending jobs of js: wi_run_jobs or a stand-in
 * with its contract (ctx is the stand-in's own). */
typedef int (*wi_runner)(void *ctx, wjob *js, int n, const io_whatif_options *o, int jobs,
                         double deadline_s);
/* The what-if report (a new object) of base and its n scenarios, every plan
 * run by run(ctx, ...); NULL with *rc (IO_ENOMEM / IO_EIO) on failure. */
json_t *wi_report(const model_instance *base, const model_scenario *sc, int n,
                  const io_whatif_options *opt, wi_runner run, void *ctx, int *rc);
/* How many marginal scenarios build_marginal makes for base (when its
 * baseline has a schedule): one per credential and one room; -1 ENOMEM. */
int wi_marginal_count(const model_instance *base);
/* differences = scenario - baseline of the summary figures and per
 * facilitator's load; NULL when either result has no metrics. */
json_t *wi_differences(json_t *base_res, json_t *res);
/* The report entry of job j (status, figures, summary, and for scenarios
 * the differences to base_res). */
json_t *wi_job_json(wjob *j, json_t *base_res);

#endif
