/* cmd_worker.c - `cohort worker`: run one solver job of `cohort serve`
 * (JSON on stdin), or, with --db, run jobs from a store's queue until
 * stopped.
 *
 * The server starts a fresh `cohort worker` process (fork + exec) for every
 * solve: GLPK is not thread-safe, and a process forked from the
 * multi-threaded server may only call async-signal-safe functions before
 * exec.  The job (JSON) comes on stdin, the result (JSON) goes to stdout:
 *   {"kind":"plan", "instance":{...}, "time_limit_s"?, "mip_gap"?,
 *    "baseline"?: solution}                       -> the solution
 *   {"kind":"whatif", "instance":{...}, "scenarios":[...], "time_limit_s"?,
 *    "mip_gap"?, "marginal"?, "jobs"?}             -> the comparison
 *   {"kind":"whatif_part", ... as whatif, "part", "baseline_result"?}
 *                                                  -> one plan of a fanned-out
 *                                                     what-if (io/jobs/fanout.c)
 * On failure {"error": message} and exit 1 (2 for an invalid job). */
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io_private.h"

static int fail(char **out, int code, const char *msg)
{
    json_t *j = json_pack("{s:s}", "error", msg);
    *out = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return code;
}

int io_worker_run(const char *spec, size_t len, char **out)
{
    *out = NULL;
    double started = solver_clock(); /* a plan job's limit covers parsing it */
    json_t *job = json_loadb(spec, len, 0, NULL);
    if (!json_is_object(job)) {
        json_decref(job);
        return fail(out, 2, "the job is not a JSON object");
    }
    const char *kind = json_string_value(json_object_get(job, "kind"));
    int code;
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    json_t *instance = json_object_get(job, "instance");
    if (!kind || !instance) {
        code = fail(out, 2, "the job needs a kind and an instance");
        goto done;
    }
    if (io_instance_from_tree(instance, &inst, &d) != IO_OK) {
        code = fail(out, 2, "the job's instance is invalid");
        goto done;
    }
    if (strcmp(kind, "plan") == 0) {
        solver_options o;
        solver_options_default(&o);
        o.started = started;
        model_solution *base = NULL, *sol = NULL;
        if (io_job_number(job, "time_limit_s", 1e-3, MODEL_MAX_TIME_LIMIT_S, &o.time_limit_s) ||
            io_job_number(job, "mip_gap", 0, 1, &o.mip_gap)) {
            code = fail(out, 2, "time_limit_s must be seconds in (0, 86400], mip_gap in 0..1");
            goto done;
        }
        json_t *bt = json_object_get(job, "baseline");
        if (bt && io_solution_from_tree(bt, &base, &d) != IO_OK) {
            code = fail(out, 2, "the job's baseline is invalid");
            goto done;
        }
        o.baseline = base;
        int rc = solver_plan(inst, &o, &sol);
        model_solution_destroy(base);
        if (rc != SOLVER_OK) {
            code = fail(out, 1, rc == SOLVER_ENOMEM ? "out of memory" : "the solver failed");
            goto done;
        }
        rc = io_solution_to_json(sol, out);
        model_solution_destroy(sol);
        code = rc == IO_OK ? 0 : fail(out, 1, "out of memory");
    } else if (strcmp(kind, "whatif") == 0 || strcmp(kind, "whatif_part") == 0) {
        code = io_whatif_job(job, inst, out);
    } else {
        code = fail(out, 2, "unknown job kind");
    }
done:
    model_instance_destroy(inst);
    model_diag_free(&d);
    json_decref(job);
    return code;
}

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort worker < JOB.json > RESULT.json\n"
            "       cohort worker --db FILE|URL [--jobs N] [--max-jobs N] [--stale S] [--name NAME]\n"
            "                     [--exec PATH]\n"
            "Without --db: run one solver job (plan or what-if) given on stdin; `cohort serve`\n"
            "and the queue worker start these themselves.  Exit codes: 0 result written,\n"
            "2 invalid job, 1 failure.\n"
            "With --db: claim jobs from the store's durable queue (those of every\n"
            "`cohort serve` on it), run them, heartbeat them and write their results back,\n"
            "until SIGTERM or SIGINT: then no new job is claimed and the running ones finish\n"
            "(a second signal kills them and gives them back to the queue).\n\n"
            "  --db FILE|URL  the store shared with the API nodes: a SQLite file, or a\n"
            "                 postgresql:// URL\n"
            "  --jobs N       jobs at a time [1]\n"
            "  --max-jobs N   stop after claiming N jobs (and finishing them) [no bound]\n"
            "  --stale S      a running job without a heartbeat for S seconds lost its\n"
            "                 worker: retried once, then failed [15]\n"
            "  --name NAME    prefix of this worker's name in the job status\n"
            "  --exec PATH    the cohort executable each job runs as `PATH worker` [this one]\n"
            "Exit codes: 0 stopped, 2 bad arguments, 1 cannot open the store.\n");
}

/* A whole number in lo..hi from an option's argument, or -1 (reported). */
static long opt_int(const char *opt, const char *arg, long lo, long hi)
{
    char *end = NULL;
    long v = strtol(arg, &end, 10);
    if (*arg && !*end && v >= lo && v <= hi)
        return v;
    fprintf(stderr, "cohort worker: %s wants a whole number in %ld..%ld, not '%s'\n", opt, lo, hi,
            arg);
    return -1;
}

/* Run the queue worker over db until drained or stopped twice. */
static int serve_queue(const char *db, const io_jobs_options *jo)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    io_store *s = NULL;
    char *err = NULL;
    if (io_store_open(db, 0, &s, &err) != IO_OK) {
        fprintf(stderr, "cohort worker: %s\n", err ? err : "cannot open the store");
        free(err);
        return COHORT_EXIT_INTERNAL;
    }
    io_jobs *J = NULL;
    if (io_jobs_create(s, jo, &J) != IO_OK) {
        fprintf(stderr, "cohort worker: cannot start the job thread\n");
        io_store_close(s);
        return COHORT_EXIT_INTERNAL;
    }
    fprintf(stderr, "cohort worker: running jobs from %s\n", db);
    int signals = 0;
    while (!io_jobs_drained(J) && signals < 2) {
        struct timespec ts = {0, 200 * 1000000L};
        int sig = sigtimedwait(&stop, NULL, &ts);
        if (sig > 0 && ++signals == 1) {
            fprintf(stderr, "cohort worker: %s, finishing the running jobs\n",
                    sig == SIGINT ? "SIGINT" : "SIGTERM");
            io_jobs_drain(J);
        }
    }
    io_jobs_destroy(J); /* a second signal: kills and requeues what runs */
    io_store_close(s);
    fprintf(stderr, "cohort worker: stopped\n");
    return COHORT_EXIT_OK;
}

/* `cohort worker --db FILE ...`. */
static int worker_db(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"jobs", required_argument, NULL, 'j'},
        {"max-jobs", required_argument, NULL, 'm'},
        {"stale", required_argument, NULL, 's'},
        {"name", required_argument, NULL, 'n'},
        {"exec", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    io_jobs_options jo;
    io_jobs_options_default(&jo);
    jo.max_running = 1;
    jo.max_queued = 0;
    const char *db = NULL;
    long v = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': v = jo.max_running = (int)opt_int("--jobs", optarg, 1, 64); break;
        case 'm': v = jo.max_jobs = (int)opt_int("--max-jobs", optarg, 1, 1L << 30); break;
        case 's': v = (long)(jo.stale_s = (double)opt_int("--stale", optarg, 1, 86400)); break;
        case 'n': jo.name = optarg; break;
        case 'e': jo.worker = optarg; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
        if (v < 0)
            return COHORT_EXIT_INVALID;
    }
    if (!db || optind != argc) {
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    return serve_queue(db, &jo);
}

int io_cmd_worker(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "-h") != 0 && strcmp(argv[1], "--help") != 0)
        return worker_db(argc, argv);
    if (argc != 1) {
        help(argc == 2 ? stdout : stderr);
        return argc == 2 ? COHORT_EXIT_OK : COHORT_EXIT_INVALID;
    }
    char *spec = NULL;
    size_t len = 0;
    if (io_read_all("-", IO_MAX_INPUT_BYTES, &spec, &len) != IO_OK) {
        fprintf(stderr, "cohort worker: cannot read the job from stdin\n");
        return COHORT_EXIT_INTERNAL;
    }
    char *out = NULL;
    int code = io_worker_run(spec, len, &out);
    free(spec);
    if (out) {
        fputs(out, stdout);
        fflush(stdout);
    }
    free(out);
    return code;
}
