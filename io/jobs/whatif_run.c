/*
 * whatif_run.c - the what-if runner: each plan in a forked worker process
 * (GLPK is not thread-safe), at most -j at a time, results back over pipes
 * as JSON, a worker past its deadline killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "whatif_private.h"

double wi_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* -------------------------------------------------------------- runner */

void io_whatif_options_default(io_whatif_options *o)
{
    o->jobs = 0;
    o->time_limit_s = -1;
    o->mip_gap = -1;
    o->marginal = false;
}

wjob *wi_wjobs_new(int n)
{
    wjob *js = calloc((size_t)(n > 0 ? n : 1), sizeof *js);
    for (int i = 0; js && i < n; i++)
        io_proc_init(&js[i].proc);
    return js;
}

void wi_wjob_free(wjob *j)
{
    free(j->name);
    model_instance_destroy(j->inst);
    json_decref(j->errors);
    json_decref(j->warnings);
    json_decref(j->extra);
    io_proc_free(&j->proc);
    json_decref(j->result);
    free(j->failure);
}

/* The baseline's schedule read for a capacity-only scenario's instance,
 * its metrics and objective recomputed there (no change term), and checked
 * against every hard rule.  NULL (and *why) when there is no baseline
 * schedule, it cannot be read, or it breaks a rule under the scenario. */
static model_solution *warm_baseline(const wjob *j, const char **why)
{
    model_solution *bs = NULL;
    model_diag d;
    model_diag_init(&d);
    *why = "the baseline has no schedule";
    if (j->warm && io_solution_from_tree(j->warm, &bs, &d) != IO_OK) {
        *why = "the baseline schedule could not be read";
        bs = NULL;
    }
    model_diag_free(&d);
    if (!bs)
        return NULL;
    model_check_report rep;
    int cr = model_check(j->inst, bs, &rep);
    if (cr != MODEL_OK || rep.n_violations > 0) {
        *why = "the baseline schedule breaks a hard rule under the scenario";
        if (cr == MODEL_OK)
            model_check_report_free(&rep);
        model_solution_destroy(bs);
        return NULL;
    }
    model_metrics_free(&bs->metrics);
    bs->metrics = rep.metrics;
    memset(&rep.metrics, 0, sizeof rep.metrics);
    bs->terms = rep.terms;
    bs->terms.changes = 0;
    bs->objective = model_objective_total(&bs->terms);
    model_check_report_free(&rep);
    *why = NULL;
    return bs;
}

static bool has_schedule(const model_solution *s)
{
    return s && (s->status == MODEL_STATUS_OPTIMAL || s->status == MODEL_STATUS_FEASIBLE);
}

/* The better of the plan *sol and the re-evaluated baseline schedule ws
 * (by the scenario's objective); when ws wins it replaces *sol, keeping the
 * planner's bound (never below ws's objective) and time.  True when it did. */
static bool keep_better(model_solution **sol, model_solution **ws)
{
    model_solution *p = *sol, *b = *ws;
    if (has_schedule(p) && p->objective >= b->objective - 1e-6)
        return false;
    b->status = MODEL_STATUS_FEASIBLE;
    b->bound = isfinite(p->bound) && p->bound > b->objective ? p->bound : b->objective;
    b->gap = (b->bound - b->objective) / fmax(1.0, fabs(b->objective));
    b->solve_seconds = p->solve_seconds;
    *sol = b;
    *ws = p;
    return true;
}

/* {"used","kept_baseline","note"?}: how a capacity-only scenario used the
 * baseline's schedule. */
static json_t *warm_json(bool used, bool kept, const char *why)
{
    json_t *w = json_object();
    json_object_set_new(w, "used", json_boolean(used));
    json_object_set_new(w, "kept_baseline", json_boolean(kept));
    if (why)
        json_object_set_new(w, "note", json_string(why));
    return w;
}

/* Rooms and how many running groups each hosts. */
static json_t *rooms_used(const model_solution *sol)
{
    json_t *ru = json_object();
    for (int g = 0; ru && g < sol->n_groups; g++) {
        const model_sol_group *x = &sol->groups[g];
        if (!x->running || !x->room)
            continue;
        json_t *c = json_object_get(ru, x->room);
        json_object_set_new(ru, x->room, json_integer(c ? json_integer_value(c) + 1 : 1));
    }
    return ru;
}

/* The worker's result for a planned solution: status, objective, bound,
 * gap, time, metrics and objective terms (when it has a schedule, relaxed
 * or not), the diagnosis and exceptions, rooms used; the baseline also carries its whole solution (the
 * start of capacity-only scenarios). */
static void result_of(json_t *r, const wjob *j, const model_solution *sol)
{
    json_t *s = io_solution_to_tree(sol);
    json_object_set_new(r, "status", json_string(model_solution_status_name(sol->status)));
    json_object_set_new(r, "objective", json_real(sol->objective));
    json_object_set_new(r, "bound", json_real(sol->bound));
    json_object_set_new(r, "gap", json_real(sol->gap));
    json_object_set_new(r, "solve_seconds", json_real(sol->solve_seconds));
    /* a schedule: solved, or the relaxed plan of an infeasible scenario */
    if (s && (has_schedule(sol) || sol->n_exceptions > 0)) {
        json_object_set(r, "metrics", json_object_get(s, "metrics"));
        json_object_set(r, "objective_terms", json_object_get(s, "objective_terms"));
        if (j->kind == 0)
            json_object_set(r, "solution", s);
    }
    if (s && json_object_get(s, "diagnosis"))
        json_object_set(r, "diagnosis", json_object_get(s, "diagnosis"));
    if (s && json_object_get(s, "exceptions"))
        json_object_set(r, "exceptions", json_object_get(s, "exceptions"));
    json_decref(s);
    json_object_set_new(r, "rooms_used", rooms_used(sol));
}

int wi_jobs_at_once(const io_whatif_options *o)
{
    if (o->jobs > 0)
        return o->jobs;
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c > 0 ? (int)c : 1;
}

json_t *wi_plan_json(wjob *j, const io_whatif_options *o)
{
    const char *fault = getenv("COHORT_WHATIF_FAULT");
    if (fault && j->name && strcmp(fault, j->name) == 0)
        abort(); /* fault injection for tests (docs/WHATIF.md) */
    solver_options so;
    solver_options_default(&so);
    so.time_limit_s = o->time_limit_s;
    so.mip_gap = o->mip_gap;
    so.verbose = 0;
    /* scenarios at once already use the cores: no second search then */
    so.second_search = wi_jobs_at_once(o) > 1 ? 0 : -1;
    const char *why = NULL;
    model_solution *ws = j->adds_capacity ? warm_baseline(j, &why) : NULL;
    if (ws) {
        j->inst->settings.weights.change = 0; /* a warm start, not a re-plan */
        so.baseline = ws;
    }
    model_solution *sol = NULL;
    int rc = solver_plan(j->inst, &so, &sol);
    json_t *r = json_object();
    if (r)
        json_object_set_new(r, "pid", json_integer((json_int_t)getpid()));
    if (r && rc != SOLVER_OK) {
        json_object_set_new(r, "status", json_string("failed"));
        json_object_set_new(r, "error", json_sprintf("solver_plan failed (code %d)", rc));
    } else if (r) {
        bool kept = ws && keep_better(&sol, &ws);
        result_of(r, j, sol);
        if (j->adds_capacity)
            json_object_set_new(r, "warm_start", warm_json(so.baseline != NULL, kept, why));
    }
    model_solution_destroy(sol);
    model_solution_destroy(ws);
    return r;
}

/* The worker: plan, print the result JSON on fd, exit.  Never returns. */
static void worker(wjob *j, const io_whatif_options *o, int fd)
{
    json_t *r = wi_plan_json(j, o);
    const char *st = json_string_value(json_object_get(r, "status"));
    int failed = !st || strcmp(st, "failed") == 0;
    char *text = r ? json_dumps(r, JSON_COMPACT) : NULL;
    json_decref(r);
    if (!text || io_write_all(fd, text, strlen(text)))
        _exit(1);
    free(text);
    close(fd);
    _exit(failed ? 1 : 0);
}

/* What a scenario worker process gets (io_proc_fn's ctx). */
typedef struct worker_ctx {
    wjob *j;
    const io_whatif_options *o;
} worker_ctx;

static void worker_main(void *ctx, int fd)
{
    worker_ctx *w = ctx;
    worker(w->j, w->o, fd);
}

static int start_job(wjob *j, const io_whatif_options *o, double deadline_s)
{
    worker_ctx w = {j, o};
    io_proc_spec ps = {.fn = worker_main,
                       .ctx = &w,
                       .max_output = IO_MAX_INPUT_BYTES,
                       .close_fds = 1}; /* other jobs' pipes are the parent's business */
    if (io_proc_start(&j->proc, &ps) != IO_OK)
        return -1;
    j->state = 1;
    j->started = wi_now_s();
    j->deadline = j->started + deadline_s;
    return 0;
}

/* The worker of j ended (killed: at its deadline): reap it and keep its
 * result or why there is none.  -1 on ENOMEM. */
static int finish_job(wjob *j, int killed)
{
    io_proc_reap(&j->proc, 1);
    j->state = 2;
    j->finished = wi_now_s();
    int st = j->proc.status;
    char msg[160] = "";
    if (killed)
        snprintf(msg, sizeof msg, "worker ran past its deadline of %.0f s and was killed",
                 j->deadline - j->started);
    else if (WIFSIGNALED(st))
        snprintf(msg, sizeof msg, "worker crashed (signal %d: %s)", WTERMSIG(st),
                 strsignal(WTERMSIG(st)));
    else if (j->proc.out.err == IO_EINVAL)
        snprintf(msg, sizeof msg, "worker wrote more than %zu MiB", IO_MAX_INPUT_BYTES >> 20);
    if (!msg[0] && j->proc.out.len > 0) {
        j->result = json_loads(j->proc.out.data, 0, NULL);
        if (!j->result)
            snprintf(msg, sizeof msg, "worker exited with status %d and no readable result",
                     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    } else if (!msg[0]) {
        snprintf(msg, sizeof msg, "worker exited with status %d and no result",
                 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    }
    io_proc_free(&j->proc);
    if (msg[0] && !(j->failure = model_strdup(msg)))
        return -1;
    return 0;
}

/* Run every pending job with at most jobs at once.  Returns the largest
 * number of workers alive at once, or -1 (ENOMEM / fork failure). */
int wi_run_jobs(wjob *js, int n, const io_whatif_options *o, int jobs, double deadline_s)
{
    int running = 0, maxc = 0, next = 0;
    struct pollfd *pf = calloc((size_t)n + 1, sizeof *pf);
    int *idx = calloc((size_t)n + 1, sizeof *idx);
    if (!pf || !idx) {
        free(pf);
        free(idx);
        return -1;
    }
    int rc = 0;
    for (;;) {
        while (running < jobs && next < n) {
            wjob *j = &js[next++];
            if (j->state != 0 || !j->inst || j->deferred)
                continue;
            if (start_job(j, o, deadline_s)) {
                j->state = 2;
                j->failure = model_strdup("could not start a worker process (fork/pipe failed)");
                continue;
            }
            running++;
            if (running > maxc)
                maxc = running;
        }
        if (running == 0 && next >= n)
            break;
        int np = 0;
        for (int k = 0; k < n; k++)
            if (js[k].state == 1) {
                pf[np].fd = io_proc_fd(&js[k].proc);
                pf[np].events = POLLIN;
                pf[np].revents = 0;
                idx[np++] = k;
            }
        int pr = poll(pf, (nfds_t)np, 200);
        if (pr < 0 && errno != EINTR) {
            rc = -1;
            break;
        }
        double t = wi_now_s();
        for (int q = 0; q < np; q++) {
            wjob *j = &js[idx[q]];
            int eof = 0;
            if (pf[q].revents) {
                eof = io_proc_pump(&j->proc);
                if (eof < 0) {
                    if (j->proc.out.err == IO_ENOMEM)
                        rc = -1;
                    eof = 1;
                }
            }
            if (eof) {
                if (finish_job(j, 0))
                    rc = -1;
                running--;
            } else if (t > j->deadline) {
                io_proc_kill(&j->proc);
                if (finish_job(j, 1))
                    rc = -1;
                running--;
            }
        }
    }
    free(pf);
    free(idx);
    return rc < 0 ? -1 : maxc;
}
