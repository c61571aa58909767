/*
 * server_jobs.c - the local worker of the durable job queue: the job
 * thread of `cohort serve` (--workers N) and of `cohort worker --db`.
 *
 * Jobs are rows of the store (io/store/store_jobs.c).  The job thread
 * claims queued jobs while it has free slots, runs each in a fresh
 * `cohort worker` process (fork + exec) with the job JSON on its stdin and
 * the result JSON from its stdout (unlinked temporary files), heartbeats
 * the jobs it runs, and writes each result back.  Between fork and exec the
 * child only makes async-signal-safe calls (the process is multi-threaded).
 *
 * The children are forked from this long-lived thread so that
 * PR_SET_PDEATHSIG (which fires when the forking *thread* exits) kills
 * them exactly when the process goes away, also on SIGKILL; the job then
 * misses its heartbeats and another worker retries it.  Each child leads
 * its own process group; cancel and deadline kill the whole group (what-if
 * runs its scenarios in worker processes of its own).
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io_private.h"
#include "proc.h"

/* One job this process runs. */
typedef struct slot {
    io_job_claim c;
    io_proc proc;     /* its `cohort worker`; proc.pid 0 = free */
    double started;   /* monotonic seconds */
    double beat;      /* last heartbeat, monotonic */
    int timed_out;    /* killed at its deadline */
    int lost;         /* cancelled or given away: killed, nothing written */
    int width;        /* processes the job runs at once: 1, or a what-if's
                         1 + its own solver workers */
} slot;

struct io_jobs {
    io_store *store;
    pthread_mutex_t mu;
    pthread_cond_t wake;     /* the job thread */
    pthread_cond_t finished; /* waiters: a local job ended */
    pthread_t thread;
    int stop, drain, drained;
    io_jobs_options o;
    slot *slots;
    int n_slots;
    int claimed;
    char name[IO_JOB_WORKER_LEN];
    char *worker;  /* the cohort executable */
    char *argv[3]; /* worker, "worker", NULL: built before any fork */
};

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void io_jobs_options_default(io_jobs_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_running = 2;
    o->max_queued = 32;
    o->stale_s = 15;
}

/* Fork a `cohort worker` for the claimed job in sl.  On failure the job is
 * failed in the store and the slot freed.  Called with the lock held. */
static void start_slot(io_jobs *J, slot *sl)
{
    io_proc_spec ps = {.argv = J->argv,
                       .input = sl->c.input,
                       .input_len = strlen(sl->c.input),
                       .out_file = 1,
                       .max_output = IO_MAX_INPUT_BYTES,
                       .new_group = 1, /* cancel kills the worker and its workers */
                       .die_with_parent = 1,
                       /* stderr to /dev/null: whatever a solver might print
                        * could name patients, and the server's stderr is its
                        * log (the worker reports failures in its JSON); close
                        * everything else (listening socket, connections, the
                        * database) */
                       .quiet = 1,
                       .close_fds = 1};
    if (io_proc_start(&sl->proc, &ps) != IO_OK) {
        io_store_job_finish(J->store, sl->c.id, J->name, IO_JOB_FAILED, NULL, NULL,
                            "cannot start a solver process");
        io_job_claim_clear(&sl->c);
        return;
    }
    sl->started = sl->beat = now_mono();
    sl->timed_out = sl->lost = 0;
}

/* Does a plan's result hold a schedule worth a version: optimal, feasible,
 * or infeasible with a relaxed plan (groups and their exceptions[])? */
static int result_has_schedule(const json_t *r)
{
    const char *st = json_string_value(json_object_get(r, "status"));
    if (!st)
        return 0;
    if (strcmp(st, "optimal") == 0 || strcmp(st, "feasible") == 0)
        return 1;
    return strcmp(st, "infeasible") == 0 && json_array_size(json_object_get(r, "groups")) > 0 &&
           json_array_size(json_object_get(r, "exceptions")) > 0;
}

/* After a stored plan's worker succeeded: save its schedule as the
 * program's next version, once per job (a retry after a worker died
 * between the save and the finish gets the version its first run saved).
 * Returns the JSON object text added to the job's status (malloc'd; NULL
 * on ENOMEM).  COHORT_JOB_FAULT=exit-after-save (tests) ends the process
 * right after the save. */
static char *after_program_plan(io_store *store, const io_job_claim *c, const char *result)
{
    json_t *r = json_loads(result, 0, NULL);
    int has_schedule = result_has_schedule(r); /* a relaxed plan too: reviewable, publishable */
    json_decref(r);
    json_t *extra;
    if (!has_schedule) {
        extra = json_pack("{s:n,s:s}", "version", "note",
                          "no schedule was found, so no version was saved");
    } else {
        int v = 0;
        int rc = io_store_schedule_save_job(store, c->program, result, c->actor, c->id, &v);
        const char *fault = getenv("COHORT_JOB_FAULT");
        if (fault && strcmp(fault, "exit-after-save") == 0)
            _exit(3); /* fault injection for tests: dies between save and finish */
        extra = rc == IO_OK ? json_pack("{s:i}", "version", v)
                            : json_pack("{s:n,s:s}", "version", "note",
                                        "the schedule could not be saved (the program was"
                                        " deleted or the store failed)");
    }
    char *t = extra ? json_dumps(extra, JSON_COMPACT) : NULL;
    json_decref(extra);
    return t;
}

/* Write a job's outcome: done with its result (a stored plan's schedule
 * saved first) or failed with why.  Called with the lock held. */
static void write_outcome(io_jobs *J, const io_job_claim *c, int state, const char *text)
{
    char *extra = NULL;
    if (state == IO_JOB_DONE && strcmp(c->kind, "program_plan") == 0)
        extra = after_program_plan(J->store, c, text);
    io_store_job_finish(J->store, c->id, J->name, state, state == IO_JOB_DONE ? text : NULL, extra,
                        state == IO_JOB_DONE ? NULL : text);
    free(extra);
}

/* The child of sl was reaped: write the outcome to the store (unless the
 * job was lost) and free the slot.  Called with the lock held. */
static void finish_slot(io_jobs *J, slot *sl)
{
    int st = sl->proc.status;
    char why[256] = "";
    char *out = NULL;
    int state = IO_JOB_FAILED;
    if (sl->timed_out) {
        snprintf(why, sizeof why, "the solve ran past its deadline of %.0f s and was stopped",
                 sl->c.deadline_s);
    } else if (WIFSIGNALED(st)) {
        snprintf(why, sizeof why, "the solver process died (signal %d)", WTERMSIG(st));
    } else if (!sl->lost) {
        out = io_buf_take(&sl->proc.out, NULL);
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
        json_t *j = out ? json_loads(out, JSON_DECODE_ANY, NULL) : NULL;
        const char *msg = json_string_value(json_object_get(j, "error"));
        if (code == 0 && j) {
            state = IO_JOB_DONE;
        } else if (code == 127) {
            snprintf(why, sizeof why, "cannot run the solver worker (cohort worker)");
        } else {
            snprintf(why, sizeof why, "the solver process failed (exit %d)%s%s", code,
                     msg ? ": " : "", msg ? msg : "");
        }
        json_decref(j);
    }
    if (!sl->lost)
        write_outcome(J, &sl->c, state, state == IO_JOB_DONE ? out : why);
    free(out);
    io_proc_free(&sl->proc);
    io_job_claim_clear(&sl->c);
}

/* Reap, time out and heartbeat the running slots; returns how many still
 * run.  Called with the lock held. */
static int tend_slots(io_jobs *J, double t)
{
    double every = J->o.stale_s / 4 < 1 ? J->o.stale_s / 4 : 1;
    int running = 0;
    for (int i = 0; i < J->n_slots; i++) {
        slot *sl = &J->slots[i];
        if (sl->proc.pid <= 0)
            continue;
        if (io_proc_reap(&sl->proc, 0)) {
            finish_slot(J, sl);
            pthread_cond_broadcast(&J->finished);
            continue;
        }
        running++;
        if (!sl->timed_out && t - sl->started > sl->c.deadline_s) {
            sl->timed_out = 1;
            io_proc_kill(&sl->proc); /* its process group */
        } else if (!sl->lost && t - sl->beat >= every) {
            sl->beat = t;
            if (io_store_job_heartbeat(J->store, sl->c.id, J->name) == IO_STORE_ECONFLICT) {
                sl->lost = 1; /* cancelled, or recovered for another worker */
                io_proc_kill(&sl->proc);
            }
        }
    }
    return running;
}

/* Processes a claimed job runs at once: a what-if worker runs "jobs"
 * solver processes of its own beside itself. */
static int job_width(const io_job_claim *c)
{
    if (strcmp(c->kind, "whatif") != 0)
        return 1;
    json_t *in = json_loads(c->input, 0, NULL);
    json_t *fan = json_object_get(in, "jobs");
    int w = 1 + (json_is_integer(fan) && json_integer_value(fan) > 0
                     ? (int)json_integer_value(fan)
                     : 0);
    json_decref(in);
    return w;
}

/* Processes the running slots use.  Called with the lock held. */
static int width_used(const io_jobs *J)
{
    int n = 0;
    for (int i = 0; i < J->n_slots; i++)
        n += J->slots[i].proc.pid > 0 ? J->slots[i].width : 0;
    return n;
}

/* A claimed parent assembled from its parts (or a part that cannot run)
 * is finished here, with no process: 1, the slot is free again; 0 when
 * the claim is to run.  Called with the lock held. */
static int fanout_claimed(io_jobs *J, slot *sl)
{
    char *text = NULL;
    int fo = io_fanout_claimed(J->store, &sl->c, J->name, &text);
    if (fo == IO_FANOUT_RUN)
        return 0;
    if (fo == IO_FANOUT_DONE || fo == IO_FANOUT_FAILED)
        write_outcome(J, &sl->c, fo == IO_FANOUT_DONE ? IO_JOB_DONE : IO_JOB_FAILED,
                      text ? text : "out of memory");
    free(text);
    io_job_claim_clear(&sl->c);
    return 1;
}

/* Claim queued jobs into free slots while their processes fit in n_slots
 * (--jobs bounds every process this node starts; a job wider than that
 * runs alone).  A claimed job that does not fit goes back to the queue.
 * Called with the lock held. */
static void claim_jobs(io_jobs *J)
{
    for (int i = 0; i < J->n_slots && !J->drain; i++) {
        slot *sl = &J->slots[i];
        if (sl->proc.pid > 0)
            continue;
        if (J->o.max_jobs > 0 && J->claimed >= J->o.max_jobs) {
            J->drain = 1;
            break;
        }
        int used = width_used(J);
        if (used >= J->n_slots || !io_store_job_any_queued(J->store) ||
            io_store_job_claim(J->store, J->name, &sl->c) != IO_OK)
            break;
        if (fanout_claimed(J, sl))
            continue;
        sl->width = job_width(&sl->c);
        if (used > 0 && used + sl->width > J->n_slots) {
            io_store_job_release(J->store, sl->c.id, J->name);
            io_job_claim_clear(&sl->c);
            break;
        }
        J->claimed++;
        start_slot(J, sl);
    }
}

/* Slots with a live child.  Called with the lock held. */
static int busy(const io_jobs *J)
{
    int n = 0;
    for (int i = 0; i < J->n_slots; i++)
        n += J->slots[i].proc.pid > 0;
    return n;
}

/* Wait on cv (mu held) for at most ms milliseconds. */
static void wait_ms(pthread_cond_t *cv, pthread_mutex_t *mu, long ms)
{
    struct timespec ts;
    io_abstime_in(&ts, ms);
    pthread_cond_timedwait(cv, mu, &ts);
}

void io_abstime_in(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Kill the local children and give their jobs back to the queue. */
static void release_all(io_jobs *J)
{
    for (int i = 0; i < J->n_slots; i++) {
        slot *sl = &J->slots[i];
        if (sl->proc.pid <= 0)
            continue;
        io_proc_free(&sl->proc); /* killed (its group) and reaped */
        if (!sl->lost)
            io_store_job_release(J->store, sl->c.id, J->name);
        io_job_claim_clear(&sl->c);
    }
}

static void *job_thread(void *p)
{
    io_jobs *J = p;
    double next_recover = 0, next_claim = 0, next_prune = 0;
    pthread_mutex_lock(&J->mu);
    while (!J->stop) {
        double t = now_mono();
        int before = busy(J);
        int running = tend_slots(J, t);
        if (running < before)
            next_claim = t; /* a slot freed: claim now (the next part of a fan-out) */
        if (t >= next_recover) {
            io_store_job_recover(J->store, J->o.stale_s, NULL);
            next_recover = t + J->o.stale_s / 2;
        }
        if (t >= next_prune) {
            io_store_job_prune(J->store, io_job_now() - 7 * 86400.0);
            next_prune = t + 3600;
        }
        if (running < J->n_slots && t >= next_claim) {
            claim_jobs(J);
            next_claim = t + 0.2;
        }
        if (J->drain && busy(J) == 0)
            break;
        wait_ms(&J->wake, &J->mu, 20);
    }
    release_all(J);
    J->drained = 1;
    pthread_cond_broadcast(&J->finished);
    pthread_mutex_unlock(&J->mu);
    return NULL;
}

/* This process's worker name: host:pid:random. */
static void worker_name(io_jobs *J)
{
    char host[64] = "";
    unsigned short rnd = 0;
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "host");
    host[sizeof host - 1] = '\0';
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
        rnd = (unsigned short)now_mono();
    const char *pre = J->o.name && J->o.name[0] ? J->o.name : NULL;
    snprintf(J->name, sizeof J->name, "%s%s%s:%ld:%04x", pre ? pre : "", pre ? "@" : "", host,
             (long)getpid(), rnd);
}

/* The executable to run as `cohort worker`: o->worker or this one.
 * malloc'd; NULL on failure. */
static char *worker_path(const char *worker)
{
    if (worker)
        return strdup(worker);
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return strdup(buf);
}

int io_jobs_create(io_store *store, const io_jobs_options *o, io_jobs **out)
{
    io_jobs *J = calloc(1, sizeof *J);
    if (!J)
        return IO_ENOMEM;
    J->store = store;
    if (o)
        J->o = *o;
    else
        io_jobs_options_default(&J->o);
    if (J->o.stale_s <= 0)
        J->o.stale_s = 15;
    J->n_slots = J->o.max_running > 0 ? J->o.max_running : 0;
    worker_name(J);
    J->worker = worker_path(J->o.worker);
    int ns = J->n_slots > 0 ? J->n_slots : 1;
    J->slots = calloc((size_t)ns, sizeof *J->slots);
    if (!J->worker || !J->slots) {
        int rc = J->worker ? IO_ENOMEM : IO_EIO;
        free(J->worker);
        free(J->slots);
        free(J);
        return rc;
    }
    for (int i = 0; i < ns; i++)
        io_proc_init(&J->slots[i].proc);
    J->o.worker = NULL;
    J->o.name = NULL;
    J->argv[0] = J->worker;
    J->argv[1] = (char *)"worker";
    J->argv[2] = NULL;
    pthread_mutex_init(&J->mu, NULL);
    pthread_cond_init(&J->wake, NULL);
    pthread_cond_init(&J->finished, NULL);
    if (pthread_create(&J->thread, NULL, job_thread, J) != 0) {
        pthread_mutex_destroy(&J->mu);
        pthread_cond_destroy(&J->wake);
        pthread_cond_destroy(&J->finished);
        free(J->worker);
        free(J->slots);
        free(J);
        return IO_EIO;
    }
    *out = J;
    return IO_OK;
}

void io_jobs_drain(io_jobs *J)
{
    pthread_mutex_lock(&J->mu);
    J->drain = 1;
    pthread_cond_signal(&J->wake);
    pthread_mutex_unlock(&J->mu);
}

int io_jobs_drained(io_jobs *J)
{
    pthread_mutex_lock(&J->mu);
    int d = J->drained;
    pthread_mutex_unlock(&J->mu);
    return d;
}

void io_jobs_shutdown(io_jobs *J)
{
    if (!J)
        return;
    pthread_mutex_lock(&J->mu);
    int was = J->stop;
    J->stop = 1;
    pthread_cond_signal(&J->wake);
    pthread_cond_broadcast(&J->finished);
    pthread_mutex_unlock(&J->mu);
    if (!was)
        pthread_join(J->thread, NULL);
}

void io_jobs_destroy(io_jobs *J)
{
    if (!J)
        return;
    io_jobs_shutdown(J);
    pthread_mutex_destroy(&J->mu);
    pthread_cond_destroy(&J->wake);
    pthread_cond_destroy(&J->finished);
    free(J->worker);
    free(J->slots);
    free(J);
}

int io_jobs_submit(io_jobs *J, const char *kind, const char *program, long actor,
                   double deadline_s, const char *input, char id_out[IO_JOB_ID_LEN])
{
    io_job_part *parts = NULL;
    int n = 0;
    if (!J->o.no_fanout && io_fanout_split(kind, input, &parts, &n) != IO_OK)
        n = 0; /* runs whole: its worker reports what is wrong with it */
    int rc = io_store_job_submit_parts(J->store, kind, program, actor,
                                       deadline_s > 0 ? deadline_s : 3600, input, parts, n,
                                       J->o.max_queued, id_out);
    io_fanout_parts_free(parts, n);
    if (rc == IO_OK) {
        pthread_mutex_lock(&J->mu);
        pthread_cond_signal(&J->wake);
        pthread_mutex_unlock(&J->mu);
    }
    return rc;
}

int io_jobs_wait(io_jobs *J, const char *id, double max_wait_s, int *state, char **result,
                 char **error)
{
    double until = now_mono() + max_wait_s;
    long pause = 10;
    for (;;) {
        int st = 0;
        int rc = io_store_job_state(J->store, id, &st, NULL, NULL);
        if (rc != IO_OK)
            return rc;
        pthread_mutex_lock(&J->mu);
        int stop = J->stop;
        pthread_mutex_unlock(&J->mu);
        if (st >= IO_JOB_DONE || stop || (max_wait_s >= 0 && now_mono() >= until))
            break;
        /* woken early when a local job ends; others' jobs are polled */
        pthread_mutex_lock(&J->mu);
        wait_ms(&J->finished, &J->mu, pause);
        pthread_mutex_unlock(&J->mu);
        pause = pause < 200 ? pause * 2 : 200;
    }
    return io_store_job_state(J->store, id, state, result, error);
}

int io_jobs_status_json(io_jobs *J, const char *id, char **json)
{
    return io_store_job_status_json(J->store, id, json);
}

int io_jobs_cancel(io_jobs *J, const char *id)
{
    int rc = io_store_job_cancel(J->store, id);
    if (rc == IO_OK) {
        /* a local child notices at its next heartbeat; make that now */
        pthread_mutex_lock(&J->mu);
        for (int i = 0; i < J->n_slots; i++)
            if (J->slots[i].proc.pid > 0 && strcmp(J->slots[i].c.id, id) == 0)
                J->slots[i].beat = 0;
        pthread_cond_signal(&J->wake);
        pthread_mutex_unlock(&J->mu);
    }
    return rc;
}

void io_jobs_counts(io_jobs *J, int *queued, int *running, int *processes)
{
    int q = 0, r = 0;
    io_store_job_counts(J->store, &q, &r);
    pthread_mutex_lock(&J->mu);
    int p = busy(J);
    pthread_mutex_unlock(&J->mu);
    if (queued)
        *queued = q;
    if (running)
        *running = r;
    if (processes)
        *processes = p;
}
