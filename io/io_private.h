/* io_private.h - helpers shared inside io/ only. */
#ifndef COHORT_IO_PRIVATE_H
#define COHORT_IO_PRIVATE_H

#include <stdio.h>

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

/* The store's writer connection for store code in other files
 * (io/store/calendars.c), with the store mutex held until
 * io_store_db_unlock. */
struct sqlite3 *io_store_db_lock(io_store *s);
void io_store_db_unlock(io_store *s);

/* Run one `cohort worker` job (JSON text, see io/cli/cmd_worker.c): *out is
 * the result JSON, or {"error": message} (malloc'd; may be NULL on
 * ENOMEM).  Returns the worker's exit code: 0 ok, 1 failure, 2 invalid. */
int io_worker_run(const char *spec, size_t len, char **out);

/* The OpenAPI 3 document the server serves, as malloc'd JSON text (also
 * written to docs/openapi.json by `cohort serve --openapi`).  NULL on
 * ENOMEM. */
char *io_server_openapi_json(void);

/* Solver jobs (io/http/server_jobs.c): each job is a fresh `cohort worker`
 * process (fork + exec; GLPK is not thread-safe, and a crash or a hang
 * cannot take the server down), at most max_running at a time, the rest
 * queued.  The job JSON goes to the worker's stdin and its result JSON
 * comes back from its stdout, both through unlinked temporary files.  A
 * worker still running at its deadline is killed with its process group. */
typedef struct io_jobs io_jobs;
/* Runs in the parent (job thread) after a successful child: may act on the
 * result (e.g. save a schedule) and return a malloc'd JSON object whose
 * members are added to the job's status (NULL = none). */
typedef char *(*io_job_done)(void *arg, const char *result);
typedef void (*io_job_free)(void *arg);

enum { IO_JOB_QUEUED = 0, IO_JOB_RUNNING, IO_JOB_DONE, IO_JOB_FAILED, IO_JOB_CANCELLED };
#define IO_JOB_ID_LEN 24

/* Start the job thread; worker is the cohort executable to run as
 * `cohort worker` (NULL: this executable, /proc/self/exe).  IO_ENOMEM /
 * IO_EIO (thread or executable path). */
int io_jobs_create(const char *worker, int max_running, int max_queued, io_jobs **out);
/* Kill every child and stop the thread; waiters return (jobs not finished
 * count as cancelled).  The handle stays valid for the other calls until
 * io_jobs_destroy.  Idempotent. */
void io_jobs_shutdown(io_jobs *j);
/* Shut down (if not yet) and free all jobs.  NULL is a no-op. */
void io_jobs_destroy(io_jobs *j);
/* Queue a job: input is the job JSON for `cohort worker` (malloc'd), arg
 * the done() argument; both are owned by the job from here on (freed in
 * every case, also on failure).  deadline_s bounds the worker's run time.
 * IO_OK with the id in id_out, IO_ENOMEM, or IO_STORE_ECONFLICT when the
 * queue is full. */
int io_jobs_submit(io_jobs *j, const char *kind, const char *program, double deadline_s,
                   char *input, io_job_done done, io_job_free free_arg, void *arg,
                   char id_out[IO_JOB_ID_LEN]);
/* Block until the job has finished (or max_wait_s passed, < 0 = forever);
 * then *state (IO_JOB_*) and, when done, *result (malloc'd JSON; NULL
 * else) / when failed, *error (malloc'd message).  IO_STORE_ENOTFOUND for
 * an unknown id. */
int io_jobs_wait(io_jobs *j, const char *id, double max_wait_s, int *state, char **result,
                 char **error);
/* The job's status as JSON {"job","kind","program","status","created",
 * "started","finished","seconds","result"|"error",...}.  IO_STORE_ENOTFOUND. */
int io_jobs_status_json(io_jobs *j, const char *id, char **json);
/* Cancel a queued or running job (SIGKILL to the child).  A finished job is
 * left as it is.  IO_STORE_ENOTFOUND for an unknown id. */
int io_jobs_cancel(io_jobs *j, const char *id);
/* Counts of queued and running jobs. */
void io_jobs_counts(io_jobs *j, int *queued, int *running);

/* ------------------------------------------ fill and whatif (helper F) */
/* io/cli/cmd_fill.c, io/cli/cmd_whatif.c, io/jobs/whatif.c.  Formats: docs/WHATIF.md. */

#include "solver.h"

/* store_attendance.c: true when patient was a member of g on date (a
 * seat holder who joined by then, or one who left on or after it). */
bool io_member_on(const model_group *g, const char *patient, int date);

/* io/clinic/suggest.c: the fill report (as `cohort fill --json`) for
 * events (fill events JSON text, e.g. {"events":[{"event":"dropped",...}]})
 * against the program as it was before them and the published (else
 * latest) schedule, whose version goes to *version.  *report is malloc'd.
 * IO_STORE_ENOTFOUND (no schedule; message in d), IO_EINVAL, IO_ENOMEM. */
int io_clinic_suggest(io_store *s, const char *program, const model_instance *before,
                      const char *events, char **report, int *version, model_diag *d);

/* io/clinic/suggest.c: the ranked candidates for an open seat of group:
 * {"group", "schedule_version", "open_seats" (model_seats_open),
 * "vacated_by", "eligible", "candidates": [as fill's], "note"?}, ranked as
 * fill ranks the departure that opened the seat, with the patients of
 * exclude (may be NULL) left out; top_n candidates (0 = fill's default).
 * *out is malloc'd JSON text.  IO_STORE_ENOTFOUND (no schedule or
 * program), IO_EINVAL (no such group: path "group"), IO_ENOMEM. */
int io_clinic_seat_ranking(io_store *s, const char *program, const char *group,
                           const model_strlist *exclude, int top_n, char **out, model_diag *d);

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

/* Parse fill events: one event object, an array of them, or
 * {"events":[...]} (docs/WHATIF.md).  Paths "events[i].field".  On IO_OK
 * *out is a malloc'd array of *n events (free with io_fill_events_free).
 * IO_EINVAL (every error in d) / IO_ENOMEM; outputs untouched then. */
int io_fill_events_parse(const char *text, size_t len, const model_instance *inst,
                         solver_fill_event **out, int *n, model_diag *d);
void io_fill_events_free(solver_fill_event *ev, int n);

/* The fill report as JSON (malloc'd in *out): events, seats with ranked
 * candidates, referrals, groups below minimum, the figures before/after and,
 * when check is not NULL, its violations.  IO_OK / IO_ENOMEM. */
int io_fill_report_json(const model_solution *before, const solver_fill_result *r,
                        const solver_fill_options *opt, const model_check_report *check,
                        char **out);

/* Scenario file -> scenarios (model_scenario, model/scenario.c), every
 * error with its path ("scenarios[1].changes[0].op").  base: the instance
 * the changes will apply to.  On IO_OK *out is a malloc'd array of *n
 * scenarios (io_whatif_scenarios_free).  IO_EINVAL / IO_ENOMEM. */
int io_whatif_parse(const char *text, size_t len, const model_instance *base,
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

/* Print the comparison JSON as a table for a terminal.  IO_OK / IO_EINVAL. */
int io_whatif_print_table(FILE *f, const char *json);

#endif
