/* io_private.h - helpers shared inside io/ only. */
#ifndef COHORT_IO_PRIVATE_H
#define COHORT_IO_PRIVATE_H

#include <jansson.h>
#include <stdio.h>

#include "buf.h"
#include "io.h"

/* One subcommand of the cohort CLI.  run() gets argv with argv[0] = the
 * command name and returns the process exit code. */
typedef struct io_command {
    const char *name;
    const char *summary; /* one line for `cohort --help` */
    int (*run)(int argc, char **argv);
} io_command;

/* Subcommands (each in io/cmd_<name>.c). */
int io_cmd_validate(int argc, char **argv);
/* `cohort generate --tier T --seed N` (io/cli/cmd_generate.c) */
int io_cmd_generate(int argc, char **argv);
/* `cohort plan INSTANCE [-o SOLUTION] ...` (io/cli/cmd_plan.c) */
int io_cmd_plan(int argc, char **argv);
/* `cohort check INSTANCE SOLUTION` (io/cli/cmd_check.c) */
int io_cmd_check(int argc, char **argv);
/* store / server commands (helper E) */
int io_cmd_serve(int argc, char **argv);
int io_cmd_token(int argc, char **argv);
int io_cmd_import(int argc, char **argv);
int io_cmd_export(int argc, char **argv);
int io_cmd_worker(int argc, char **argv);
/* `cohort schedule`: exports (io/cli/cmd_schedule.c) */
int io_cmd_schedule(int argc, char **argv);

/* Print diagnostics for a person: "error: PATH: MESSAGE" lines, then
 * warnings. */
void io_print_diag(FILE *out, const model_diag *d);

/* Add an error at path to d (printf-formatted message): 0, or -1 when out
 * of memory. */
int io_diag_error(model_diag *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write text to path (or stdout when path is NULL or "-") atomically, with a
 * trailing newline.  Prints an error to stderr and returns
 * COHORT_EXIT_INTERNAL on failure, else COHORT_EXIT_OK. */
int io_emit(const char *path, const char *text);

/* ------------------------------------------------ store / server (E) */

/* SHA-256 (FIPS 180-4) of len bytes: 32-byte digest / 64 lowercase hex
 * characters + NUL.  Cannot fail. */
void io_sha256(const void *data, size_t len, unsigned char out[32]);
void io_sha256_hex(const void *data, size_t len, char out[65]);

struct sqlite3;
/* Apply the store's schema migrations to db up to schema version `target`
 * (1..IO_STORE_SCHEMA_VERSION), each in its own transaction.  Returns IO_OK,
 * or IO_STORE_EDB with a malloc'd message in *err (db unchanged by the
 * failed step).  Exposed for tests that build an old-version database. */
int io_store_migrate(struct sqlite3 *db, int target, char **err);

/* The store's writer connection (io/store/driver.h) for store code in
 * other files (io/store/calendars.c), with the store mutex held until
 * io_store_db_unlock. */
struct db_conn;
struct db_conn *io_store_db_lock(io_store *s);
void io_store_db_unlock(io_store *s);

/* Run one `cohort worker` job (JSON text, see io/cli/cmd_worker.c): *out is
 * the result JSON, or {"error": message} (malloc'd; may be NULL on
 * ENOMEM).  Returns the worker's exit code: 0 ok, 1 failure, 2 invalid. */
int io_worker_run(const char *spec, size_t len, char **out);

/* The OpenAPI 3 document the server serves, as malloc'd JSON text (also
 * written to docs/openapi.json by `cohort serve --openapi`).  NULL on
 * ENOMEM. */
char *io_server_openapi_json(void);

/* The durable job queue (io/store/store_jobs.c): jobs are rows of the
 * store, so any API node can answer for them and any worker that reaches
 * the store can run them.  A worker claims the oldest queued job in one
 * transaction (no two workers get the same one), heartbeats it while it
 * runs, and finishes it only while it still owns it (a cancelled job, or
 * one given to another worker after a missed heartbeat, is not
 * overwritten).  Times are the caller's Unix seconds.  Strings returned are
 * malloc'd and owned by the caller. */
enum { IO_JOB_QUEUED = 0, IO_JOB_RUNNING, IO_JOB_DONE, IO_JOB_FAILED, IO_JOB_CANCELLED };
#define IO_JOB_ID_LEN 24
#define IO_JOB_WORKER_LEN 96

/* A claimed job. */
typedef struct io_job_claim {
    char id[IO_JOB_ID_LEN];
    char kind[32];
    char *program; /* NULL when none */
    char *input;   /* the job JSON for `cohort worker` */
    long actor;
    double deadline_s;
    int attempt; /* 1 = first run, 2 = the retry */
} io_job_claim;

/* Free what a claim holds (not the struct).  NULL is a no-op. */
void io_job_claim_clear(io_job_claim *c);
/* Unix time in seconds (the clock every job time stamp uses). */
double io_job_now(void);
/* Queue a job.  max_queued > 0 bounds the jobs waiting in the whole store
 * (IO_STORE_ECONFLICT past it).  IO_OK with the new id in id_out. */
int io_store_job_submit(io_store *s, const char *kind, const char *program, long actor,
                        double deadline_s, const char *input, int max_queued,
                        char id_out[IO_JOB_ID_LEN]);
/* Claim the oldest queued job for worker (its name).  IO_STORE_ENOTFOUND
 * when none waits; *out untouched unless IO_OK. */
int io_store_job_claim(io_store *s, const char *worker, io_job_claim *out);
/* Is any job queued?  (a cheap read before a claim) */
int io_store_job_any_queued(io_store *s);
/* Record that worker still runs job id.  IO_STORE_ECONFLICT when the job is
 * no longer this worker's running job (cancelled, or given away). */
int io_store_job_heartbeat(io_store *s, const char *id, const char *worker);
/* Finish worker's running job: state IO_JOB_DONE (result, extra: JSON
 * text or NULL) or IO_JOB_FAILED (error).  IO_STORE_ECONFLICT when the job
 * is no longer this worker's (nothing is written then). */
int io_store_job_finish(io_store *s, const char *id, const char *worker, int state,
                        const char *result, const char *extra, const char *error);
/* Give worker's running job back to the queue without counting the run
 * (a clean shutdown interrupted it).  IO_STORE_ECONFLICT as above. */
int io_store_job_release(io_store *s, const char *id, const char *worker);
/* Running jobs whose heartbeat is older than stale_s: a first run goes back
 * to the queue (retried once), a retry fails with the reason.  *n (may be
 * NULL) receives how many were recovered. */
int io_store_job_recover(io_store *s, double stale_s, int *n);
/* Cancel a queued or running job (a finished one is left as it is).
 * IO_STORE_ENOTFOUND for an unknown id. */
int io_store_job_cancel(io_store *s, const char *id);
/* The job's state and, when done, *result / when failed, *error (either
 * pointer may be NULL).  IO_STORE_ENOTFOUND. */
int io_store_job_state(io_store *s, const char *id, int *state, char **result, char **error);
/* The job's status as JSON {"job","kind","program","status","created",
 * "started","finished","seconds","attempts","worker","result"|"error",
 * "note"?,...extra}.  IO_STORE_ENOTFOUND. */
int io_store_job_status_json(io_store *s, const char *id, char **json);
/* Jobs queued and running in the whole store. */
int io_store_job_counts(io_store *s, int *queued, int *running);
/* Delete finished jobs that finished before the Unix time `before`. */
int io_store_job_prune(io_store *s, double before);

/* Fan-out (io/store/store_parts.c): a job split into parts, each a job of
 * its own that any worker claims.  The parent is claimed (to assemble the
 * parts' results) only when every part finished; a part with after >= 0
 * is claimed only when part `after` of the same parent finished. */
typedef struct io_job_part {
    const char *kind;  /* the part's job kind */
    const char *input; /* its job JSON */
    double deadline_s;
    int after; /* the part it waits for, or -1 */
} io_job_part;
/* Queue the parent job (as io_store_job_submit) and its n >= 0 parts
 * (numbered 0..n-1) in one transaction. */
int io_store_job_submit_parts(io_store *s, const char *kind, const char *program, long actor,
                              double deadline_s, const char *input, const io_job_part *parts,
                              int n, int max_queued, char id_out[IO_JOB_ID_LEN]);
/* Give worker's running job back to the queue with a new input (the job
 * runs again, not counted as a retry).  IO_STORE_ECONFLICT when it is no
 * longer worker's. */
int io_store_job_requeue(io_store *s, const char *id, const char *worker, const char *input);
/* The parts of job parent, ordered by number: *out a new array of
 * {"part","state","worker"?,"result"?,"error"?,"seconds"?} (empty when it
 * has none).  IO_OK / ENOMEM / EDB. */
int io_store_job_parts(io_store *s, const char *parent, json_t **out);
/* What a claimed part needs: its number, its parent's input and the result
 * of the part it waited for (NULL when it waited for none or that part
 * has no result); the strings malloc'd.  IO_STORE_ENOTFOUND when id is no
 * part. */
int io_store_part_context(io_store *s, const char *id, int *part, char **parent_input,
                          char **after_result);

/* Solver jobs (io/http/server_jobs.c), kept in the store's job queue:
 * io_jobs submits, reads and cancels them there, and its job thread is a
 * local worker: it claims up to max_running jobs from the store (any node's)
 * and runs each in a fresh `cohort worker` process (fork + exec; GLPK is
 * not thread-safe, and a crash or a hang cannot take the node down), with
 * the job JSON on its stdin and the result JSON from its stdout (unlinked
 * temporary files).  While a job runs it heartbeats it; a job cancelled
 * anywhere (or given to another worker) is killed with its process group;
 * a job past its deadline is killed and failed.  Every stale_s/2 it
 * recovers the running jobs of dead workers (io_store_job_recover).  A
 * finished stored plan ("program_plan") is saved as the program's next
 * schedule version by the worker that ran it. */
typedef struct io_jobs io_jobs;

typedef struct io_jobs_options {
    const char *worker; /* the cohort executable run as `cohort worker`;
                           NULL = this executable (/proc/self/exe) */
    int max_running;    /* jobs this process runs at a time; 0 = none [2] */
    int max_queued;     /* jobs waiting in the store; more -> ECONFLICT [32] */
    double stale_s;     /* heartbeat age after which a running job counts as
                           its worker's death [15] */
    int max_jobs;       /* claim at most this many, then drain; 0 = no bound */
    const char *name;   /* worker name prefix in the store [host name] */
    int no_fanout;      /* submit every job whole (io_fanout_split unused) [0] */
} io_jobs_options;

void io_jobs_options_default(io_jobs_options *o);
/* Start the job thread over store (borrowed; it must outlive the jobs
 * handle).  IO_ENOMEM / IO_EIO (thread or executable path). */
int io_jobs_create(io_store *store, const io_jobs_options *o, io_jobs **out);
/* Stop claiming; the running jobs finish.  io_jobs_drained tells when the
 * last one has (the thread has then ended).  Idempotent. */
void io_jobs_drain(io_jobs *j);
int io_jobs_drained(io_jobs *j);
/* Kill every local child and give its job back to the queue (another
 * worker, or this one after a restart, runs it), and stop the thread;
 * waiters return.  The handle stays valid for the other calls until
 * io_jobs_destroy.  Idempotent. */
void io_jobs_shutdown(io_jobs *j);
/* Shut down (if not yet) and free.  NULL is a no-op. */
void io_jobs_destroy(io_jobs *j);
/* Queue a job: input is the job JSON for `cohort worker`; actor the token
 * that asked (a stored plan's schedule is saved in its name); deadline_s
 * bounds the worker's run time.  IO_OK with the id in id_out, IO_ENOMEM /
 * IO_STORE_EDB, or IO_STORE_ECONFLICT when the queue is full. */
int io_jobs_submit(io_jobs *j, const char *kind, const char *program, long actor,
                   double deadline_s, const char *input, char id_out[IO_JOB_ID_LEN]);
/* Wait until the job has finished (or max_wait_s passed, < 0 = forever, or
 * the handle shuts down); then *state (IO_JOB_*) and, when done, *result
 * (malloc'd JSON; NULL else) / when failed, *error (malloc'd message).
 * IO_STORE_ENOTFOUND for an unknown id. */
int io_jobs_wait(io_jobs *j, const char *id, double max_wait_s, int *state, char **result,
                 char **error);
/* The job's status JSON (io_store_job_status_json). */
int io_jobs_status_json(io_jobs *j, const char *id, char **json);
/* Cancel a queued or running job, whichever node runs it.  A finished job
 * is left as it is.  IO_STORE_ENOTFOUND for an unknown id. */
int io_jobs_cancel(io_jobs *j, const char *id);
/* Jobs queued and running in the store, and solver processes of this
 * handle alive now (any may be NULL). */
void io_jobs_counts(io_jobs *j, int *queued, int *running, int *processes);
/* ts = the CLOCK_REALTIME time ms milliseconds from now (for
 * pthread_cond_timedwait). */
struct timespec;
void io_abstime_in(struct timespec *ts, long ms);

/* ------------------------------------------ fill and whatif (helper F) */
/* io/cli/cmd_fill.c, io/cli/cmd_whatif.c, io/jobs/whatif.c.  Formats: docs/WHATIF.md. */

#include "solver.h"

/* store_attendance.c: true when patient was a member of g on date (a
 * seat holder who joined by then, or one who left on or after it). */
bool io_member_on(const model_group *g, const char *patient, int date);

/* io/clinic/suggest.c: the fill report (as `cohort fill --json`) for
 * events (a fill-events tree, only read, e.g. {"events":[{"event":
 * "dropped",...}]}) against the program as it was before them and the
 * published (else latest) schedule, whose version goes to *version.
 * *report is a new reference, the caller's.
 * IO_STORE_ENOTFOUND (no schedule; message in d), IO_EINVAL, IO_ENOMEM. */
int io_clinic_suggest(io_store *s, const char *program, const model_instance *before,
                      const json_t *events, json_t **report, int *version, model_diag *d);

/* io/clinic/suggest.c: the ranked candidates for an open seat of group:
 * {"group", "schedule_version", "open_seats" (model_seats_open),
 * "vacated_by", "eligible", "candidates": [as fill's], "note"?}, ranked as
 * fill ranks the departure that opened the seat, with the patients of
 * exclude (may be NULL) left out; top_n candidates (0 = fill's default).
 * *out is a new reference, the caller's.  IO_STORE_ENOTFOUND (no schedule
 * or program), IO_EINVAL (no such group: path "group"), IO_ENOMEM. */
int io_clinic_seat_ranking(io_store *s, const char *program, const char *group,
                           const model_strlist *exclude, int top_n, json_t **out, model_diag *d);

/* Clinic commands (io/cli/cmd_attendance.c ...). */
int io_cmd_attendance(int argc, char **argv);
/* Print a store call's JSON answer (rc IO_OK; json is freed) or its
 * errors; the exit code: 0, 2 invalid or not found, 1 otherwise. */
int io_cli_store_answer(int rc, char *json, const model_diag *d, const char *command);
int io_cmd_offers(int argc, char **argv);
int io_cmd_census(int argc, char **argv);

int io_cmd_fill(int argc, char **argv);
int io_cmd_whatif(int argc, char **argv);

struct json_t;
struct db_stmt;
/* Keyset paging helpers of the store's list queries (io/store/store.c). */
/* The SQL LIMIT of a page query: one row more than the page (INT_MAX:
 * all; both engines accept it, neither accepts -1 and NULL alike). */
int page_limit(const io_page *pg);
/* A fetched row of a page query whose key is column keycol: 1 when it is
 * the extra row (pg->next becomes the key of the row before, kept in
 * last[512]), else 0 (the row belongs to the page; its key is kept). */
int page_row(io_page *pg, struct db_stmt *st, int keycol, int *n, char *last);
/* Start a page of a list with an integer key: pg->next cleared, the key
 * the page starts after into *after (0: from the first row).  IO_EINVAL
 * when pg->after is not a positive integer. */
int page_start(io_page *pg, long *after);
/* A schedule version selector as JSON: the number, or its keyword (new
 * reference). */
struct json_t *io_schedule_version_json(int v);

/* Read one entity object of an instance collection ("facilitators",
 * "rooms", "groups" or "patients") with the instance reader's checks, in
 * the context of base_tree (an instance as io_instance_to_json writes it,
 * loaded with Jansson: program, settings, group types, and for a group the
 * rooms, facilitators and patients it may name).  Errors go into d under
 * path (e.g. "scenarios[0].changes[2].facilitator.available[0].to").  On
 * IO_OK *out (a model_facilitator / model_room / model_group /
 * model_patient, by collection) is filled and owned by the caller (free its
 * fields); IO_EINVAL / IO_ENOMEM leave it untouched. */
int io_entity_parse(struct json_t *base_tree, const char *collection, struct json_t *obj,
                    const char *path, void *out, model_diag *d);

/* Writes all of data[0..len) to fd, retrying short writes and EINTR:
 * 0, or -1 (errno set). */
int io_write_all(int fd, const char *data, size_t len);

/* Parses JSON text[0..len) (need not be NUL-terminated; duplicate keys
 * rejected) into a new tree *out (the caller's).  A syntax error goes into
 * d at path "" with its line and column: IO_EINVAL; IO_ENOMEM. */
int io_json_load(const char *text, size_t len, struct json_t **out, model_diag *d);
/* Hand the new tree t (may be NULL: out of memory) to *out: IO_OK, or
 * IO_ENOMEM with *out unchanged. */
static inline int io_tree_give(struct json_t *t, struct json_t **out)
{
    if (!t)
        return IO_ENOMEM;
    *out = t;
    return IO_OK;
}

/* Parse fill events: one event object, an array of them, or
 * {"events":[...]} (docs/WHATIF.md).  Paths "events[i].field".  On IO_OK
 * *out is a malloc'd array of *n events (free with io_fill_events_free).
 * IO_EINVAL (every error in d) / IO_ENOMEM; outputs untouched then. */
int io_fill_events_parse(const char *text, size_t len, const model_instance *inst,
                         solver_fill_event **out, int *n, model_diag *d);
/* The same from a tree (only read; the caller keeps it). */
int io_fill_events_from_tree(const struct json_t *tree, const model_instance *inst,
                             solver_fill_event **out, int *n, model_diag *d);
void io_fill_events_free(solver_fill_event *ev, int n);

/* The fill report as JSON (malloc'd in *out): events, seats with ranked
 * candidates, referrals, groups below minimum, the figures before/after and,
 * when check is not NULL, its violations.  IO_OK / IO_ENOMEM. */
int io_fill_report_json(const model_solution *before, const solver_fill_result *r,
                        const solver_fill_options *opt, const model_check_report *check,
                        char **out);
/* The same report as a new tree (the caller's; NULL on ENOMEM), its reals
 * rounded as the text has them; io_fill_report_text writes it as
 * io_fill_report_json does (malloc'd in *out; IO_OK / IO_ENOMEM). */
struct json_t *io_fill_report_tree(const model_solution *before, const solver_fill_result *r,
                                   const solver_fill_options *opt,
                                   const model_check_report *check);
int io_fill_report_text(const struct json_t *report, char **out);

/* Scenario file -> scenarios (model_scenario, model/scenario.c), every
 * error with its path ("scenarios[1].changes[0].op").  base: the instance
 * the changes will apply to.  On IO_OK *out is a malloc'd array of *n
 * scenarios (io_whatif_scenarios_free).  IO_EINVAL / IO_ENOMEM. */
int io_whatif_parse(const char *text, size_t len, const model_instance *base,
                    model_scenario **out, int *n, model_diag *d);
/* The same from a tree (only read; the caller keeps it). */
int io_whatif_from_tree(const struct json_t *tree, const model_instance *base,
                        model_scenario **out, int *n, model_diag *d);
void io_whatif_scenarios_free(model_scenario *sc, int n);

typedef struct io_whatif_options {
    int jobs;            /* worker processes at once; <= 0: the core count */
    double time_limit_s; /* per plan; < 0: the instance's settings.time_limit_s */
    double mip_gap;      /* < 0: the instance's settings.mip_gap */
    bool marginal;       /* add the marginal value of each credential and a room */
} io_whatif_options;

void io_whatif_options_default(io_whatif_options *o);

/* Plan the baseline and every scenario (each applied to a copy of base and
 * validated first; an invalid one is reported with its errors) with
 * solver_plan in forked worker processes, at most o->jobs at a time,
 * results back over pipes as JSON; a worker that fails, crashes or runs
 * past its deadline is reported and the others go on.  *out: the
 * comparison JSON (docs/WHATIF.md), malloc'd.  IO_OK / IO_ENOMEM / IO_EIO
 * (fork or pipe failed). */
int io_whatif_run(const model_instance *base, const model_scenario *sc, int n,
                  const io_whatif_options *o, char **out);
/* The same with the comparison as a tree (*out: a new reference, the
 * caller's). */
int io_whatif_run_tree(const model_instance *base, const model_scenario *sc, int n,
                       const io_whatif_options *o, json_t **out);

/* Optional number member key of a job (JSON object) within [lo, hi] into
 * *v (absent: *v unchanged).  0 ok, -1 not a number or out of range. */
int io_job_number(const json_t *job, const char *key, double lo, double hi, double *v);
/* Run a what-if job of `cohort worker` (kind "whatif": every plan, in
 * worker processes of its own; kind "whatif_part": the one plan "part" of a
 * fanned-out what-if, here) over its parsed instance: the exit code (0, 1
 * failed, 2 invalid job) and *out the result or {"error"} JSON. */
int io_whatif_job(json_t *job, const model_instance *inst, char **out);

/* Fan-out (io/jobs/fanout.c).  The parts a job of kind with input (job
 * JSON) splits into: a what-if one per plan (baseline, scenarios, marginal
 * probes; those starting from the baseline's schedule wait for it), a plan
 * of a multi-site program one plan per independent site (solver_sites);
 * *n = 0 when the job runs whole.  Free with io_fanout_parts_free.  IO_OK /
 * IO_EINVAL / IO_ENOMEM. */
int io_fanout_split(const char *kind, const char *input, io_job_part **parts, int *n);
void io_fanout_parts_free(io_job_part *parts, int n);
/* What io_fanout_claimed made of a claim. */
enum {
    IO_FANOUT_RUN = 0,    /* run it in a worker process (a part: c->input replaced) */
    IO_FANOUT_DONE,       /* a parent assembled from its parts: *out its result */
    IO_FANOUT_FAILED,     /* it failed: *out why (a site part that failed, named) */
    IO_FANOUT_GIVEN_BACK, /* back in the queue (to run whole, or to retry later) */
    IO_FANOUT_WHOLE       /* (internal) run the parent whole */
};
/* Deal with a job worker just claimed, before it runs: a part gets its
 * worker input; a parent whose parts all finished is assembled from them
 * (a what-if's report; a multi-site plan's merged schedule, or, when a
 * site is infeasible, the parent goes back to the queue to be planned
 * whole for its relaxed plan).  *out malloc'd text or NULL.  The caller
 * finishes the job on IO_FANOUT_DONE / IO_FANOUT_FAILED. */
int io_fanout_claimed(io_store *s, io_job_claim *c, const char *worker, char **out);

/* Print the comparison JSON as a table for a terminal.  IO_OK / IO_EINVAL. */
int io_whatif_print_table(FILE *f, const char *json);
/* The same for the comparison as a tree (only read).  IO_OK. */
int io_whatif_table_tree(FILE *f, const json_t *tree);

#endif
