/*
 * fanout.c - jobs split into parts that any worker claims (the queue side
 * is io/store/store_parts.c):
 *
 *   split     a what-if job becomes one part per plan: part 0 the
 *             baseline, 1..n the scenarios, then the marginal probes; a
 *             capacity-only scenario and every marginal probe wait for the
 *             baseline part (they start from its schedule, as in-process);
 *             a plan of a multi-site program one part per independent site
 *             (solver_sites);
 *   prepare   a claimed part's worker input: its parent's job, its number
 *             and the result of the part it waited for;
 *   run       `cohort worker` plans one part (io_whatif_job);
 *   assemble  once every part finished, whoever claims the parent builds
 *             its answer from the parts' results (whatif.c's report, the
 *             plans filled in instead of run): a failed part is reported
 *             with its error and the rest of the report stands.  The sites'
 *             plans are merged (solver_merge_sites); a failed site fails
 *             the plan, naming it; an infeasible site sends the parent back
 *             to be planned whole (the relaxed plan is the whole program's).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "whatif_private.h"

/* -------------------------------------------------- reading the job */

int io_job_number(const json_t *job, const char *key, double lo, double hi, double *v)
{
    json_t *x = json_object_get(job, key);
    if (!x)
        return 0;
    if (!json_is_number(x) || !(json_number_value(x) >= lo && json_number_value(x) <= hi))
        return -1;
    *v = json_number_value(x);
    return 0;
}

/* The options and scenarios of a what-if job over inst.  IO_OK (*sc / *n
 * for io_whatif_scenarios_free), IO_EINVAL, IO_ENOMEM. */
static int read_whatif(const json_t *job, const model_instance *inst, io_whatif_options *o,
                       model_scenario **sc, int *n)
{
    io_whatif_options_default(o);
    double jobs = o->jobs;
    json_t *mg = json_object_get(job, "marginal");
    if (io_job_number(job, "time_limit_s", 1e-3, MODEL_MAX_TIME_LIMIT_S, &o->time_limit_s) ||
        io_job_number(job, "mip_gap", 0, 1, &o->mip_gap) ||
        io_job_number(job, "jobs", 1, 64, &jobs) || (mg && !json_is_boolean(mg)))
        return IO_EINVAL;
    o->jobs = (int)jobs;
    o->marginal = json_is_true(mg);
    json_t *sw = json_pack("{s:O*}", "scenarios", json_object_get(job, "scenarios"));
    if (!sw)
        return IO_ENOMEM;
    model_diag d;
    model_diag_init(&d);
    int rc = io_whatif_from_tree(sw, inst, sc, n, &d);
    model_diag_free(&d);
    json_decref(sw);
    return rc;
}

/* The instance of a job.  IO_OK / IO_EINVAL / IO_ENOMEM. */
static int read_instance(const json_t *job, model_instance **inst)
{
    const json_t *tree = json_object_get(job, "instance");
    if (!json_is_object(tree))
        return IO_EINVAL;
    model_diag d;
    model_diag_init(&d);
    int rc = io_instance_from_tree(tree, inst, &d);
    model_diag_free(&d);
    return rc;
}

/* The instance, options and scenarios of a what-if job (free *inst and
 * *sc whatever it returns).  IO_OK / IO_EINVAL / IO_ENOMEM. */
static int read_job(const json_t *job, model_instance **inst, io_whatif_options *o,
                    model_scenario **sc, int *n)
{
    int rc = read_instance(job, inst);
    return rc == IO_OK ? read_whatif(job, *inst, o, sc, n) : rc;
}

/* ------------------------------------------------------------ split */

void io_fanout_parts_free(io_job_part *parts, int n)
{
    for (int i = 0; parts && i < n; i++)
        free((char *)parts[i].input);
    free(parts);
}

/* Worst-case seconds of one plan with the job's or the instance's limit. */
static double part_deadline(const json_t *job, const model_instance *inst)
{
    double tl = inst->settings.time_limit_s;
    json_t *x = json_object_get(job, "time_limit_s");
    if (json_is_number(x))
        tl = json_number_value(x);
    return (tl > 0 ? tl : 60) * 1.25 + 30;
}

/* The parts of a what-if job: baseline, scenarios, marginal probes. */
static int split_whatif(const json_t *job, io_job_part **out, int *n_out)
{
    model_instance *inst = NULL;
    model_scenario *sc = NULL;
    io_whatif_options o;
    int n = 0;
    int rc = read_job(job, &inst, &o, &sc, &n);
    int nm = rc == IO_OK && o.marginal ? wi_marginal_count(inst) : 0;
    int total = 1 + n + (nm > 0 ? nm : 0);
    io_job_part *p = rc == IO_OK ? calloc((size_t)total, sizeof *p) : NULL;
    if (rc == IO_OK && (!p || nm < 0))
        rc = IO_ENOMEM;
    for (int k = 0; rc == IO_OK && k < total; k++) {
        char in[64];
        snprintf(in, sizeof in, "{\"kind\":\"whatif_part\",\"part\":%d}", k);
        p[k].kind = "whatif_part";
        p[k].deadline_s = part_deadline(job, inst);
        /* capacity-only scenarios and marginal probes start from the
         * baseline's schedule */
        bool warm = k > n || (k > 0 && model_scenario_adds_capacity(inst, &sc[k - 1]));
        p[k].after = warm ? 0 : -1;
        if (!(p[k].input = strdup(in)))
            rc = IO_ENOMEM;
    }
    io_whatif_scenarios_free(sc, n);
    model_instance_destroy(inst);
    if (rc != IO_OK) {
        io_fanout_parts_free(p, p ? total : 0);
        return rc;
    }
    *out = p;
    *n_out = total;
    return IO_OK;
}

/* The solver options of a plan job (its time limit and gap). */
static int plan_options(const json_t *job, solver_options *so)
{
    solver_options_default(so);
    return io_job_number(job, "time_limit_s", 1e-3, MODEL_MAX_TIME_LIMIT_S, &so->time_limit_s) ||
                   io_job_number(job, "mip_gap", 0, 1, &so->mip_gap)
               ? IO_EINVAL
               : IO_OK;
}

/* The independent sites of a plan job's program (solver_sites): *n = 0
 * when it is one site (or re-plans a baseline: planned whole). */
static int plan_sites(const json_t *job, model_instance **inst, model_instance ***sites, int *n)
{
    solver_options so;
    *sites = NULL;
    *n = 0;
    int rc = read_instance(job, inst);
    if (rc == IO_OK)
        rc = plan_options(job, &so);
    if (rc != IO_OK || json_object_get(job, "baseline"))
        return rc;
    int e = solver_sites(*inst, &so, sites, n);
    return e == SOLVER_OK ? IO_OK : e == SOLVER_ENOMEM ? IO_ENOMEM : IO_EINVAL;
}

/* The parts of a plan job: one plan per independent site. */
static int split_plan(const json_t *job, io_job_part **out, int *n_out)
{
    model_instance *inst = NULL, **sites = NULL;
    int n = 0;
    int rc = plan_sites(job, &inst, &sites, &n);
    io_job_part *p = rc == IO_OK && n > 0 ? calloc((size_t)n, sizeof *p) : NULL;
    if (rc == IO_OK && n > 0 && !p)
        rc = IO_ENOMEM;
    for (int k = 0; p && rc == IO_OK && k < n; k++) {
        json_t *part = json_pack("{s:s}", "kind", "plan");
        json_t *site = part ? io_instance_to_tree(sites[k]) : NULL;
        rc = site ? IO_OK : IO_ENOMEM;
        if (rc == IO_OK) {
            json_object_set_new(part, "instance", site);
            json_object_set(part, "time_limit_s", json_object_get(job, "time_limit_s"));
            json_object_set(part, "mip_gap", json_object_get(job, "mip_gap"));
            p[k].kind = "plan_site";
            p[k].deadline_s = part_deadline(job, inst);
            p[k].after = -1;
            if (!(p[k].input = json_dumps(part, JSON_COMPACT | JSON_REAL_PRECISION(17))))
                rc = IO_ENOMEM;
        }
        json_decref(part);
    }
    solver_sites_free(sites, n);
    model_instance_destroy(inst);
    if (rc != IO_OK) {
        io_fanout_parts_free(p, p ? n : 0);
        return rc;
    }
    *out = p;
    *n_out = p ? n : 0;
    return IO_OK;
}

int io_fanout_split(const char *kind, const char *input, io_job_part **parts, int *n)
{
    *parts = NULL;
    *n = 0;
    int plan = strcmp(kind, "plan") == 0 || strcmp(kind, "program_plan") == 0;
    if (strcmp(kind, "whatif") != 0 && !plan)
        return IO_OK;
    json_t *job = json_loads(input, 0, NULL);
    int rc = !json_is_object(job) ? IO_EINVAL
             : plan               ? split_plan(job, parts, n)
                                  : split_whatif(job, parts, n);
    json_decref(job);
    return rc;
}

/* ---------------------------------------------------- run one part */

/* The part one `cohort worker` plans, the baseline's result it starts
 * from, and what it answers. */
typedef struct part_run {
    int part;
    json_t *base_result; /* borrowed; NULL when none */
    json_t *out;
} part_run;

/* wi_runner planning only part r->part (here, in this process); the
 * baseline is filled in from r->base_result, every other plan is
 * another part's. */
static int part_runner(void *ctx, wjob *js, int n, const io_whatif_options *o, int jobs,
                       double deadline_s)
{
    part_run *r = ctx;
    (void)jobs;
    (void)deadline_s;
    for (int i = 0; i < n; i++) {
        wjob *j = &js[i];
        if (j->state != 0 || !j->inst || j->deferred)
            continue;
        j->state = 2;
        if (j->part == r->part) {
            j->started = wi_now_s();
            j->result = wi_plan_json(j, o);
            j->finished = wi_now_s();
            r->out = j->result ? json_pack("{s:i,s:O,s:f}", "part", j->part, "result", j->result,
                                           "seconds", j->finished - j->started)
                               : NULL;
            if (!r->out)
                return -1;
        } else if (j->part == 0 && r->base_result) {
            j->result = json_incref(r->base_result);
        } else if (!(j->failure = model_strdup("another part"))) {
            return -1;
        }
    }
    return 1;
}

/* Plan part `part` of the what-if of base: *out {"part","result",
 * "seconds"}, or {"part","planned":false} when there is nothing to plan
 * (an invalid scenario, a marginal probe without a baseline schedule). */
static int run_part(const model_instance *base, const model_scenario *sc, int n,
                    const io_whatif_options *o, int part, json_t *base_result, char **out)
{
    part_run r = {part, base_result, NULL};
    int rc = IO_OK;
    json_t *root = wi_report(base, sc, n, o, part_runner, &r, &rc);
    json_decref(root);
    if (root && !r.out)
        r.out = json_pack("{s:i,s:b}", "part", part, "planned", 0);
    char *text = r.out ? json_dumps(r.out, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(r.out);
    if (!text)
        return root ? IO_ENOMEM : rc;
    *out = text;
    return IO_OK;
}

/* {"error": msg} into *out; returns code. */
static int job_error(char **out, int code, const char *msg)
{
    json_t *j = json_pack("{s:s}", "error", msg);
    *out = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return code;
}

int io_whatif_job(json_t *job, const model_instance *inst, char **out)
{
    const char *kind = json_string_value(json_object_get(job, "kind"));
    io_whatif_options o;
    model_scenario *sc = NULL;
    int n = 0;
    int rc = read_whatif(job, inst, &o, &sc, &n);
    if (rc != IO_OK)
        return job_error(out, rc == IO_ENOMEM ? 1 : 2,
                         "the job's scenarios or options are invalid");
    json_t *part = json_object_get(job, "part");
    if (kind && strcmp(kind, "whatif_part") == 0 && !json_is_integer(part))
        rc = IO_EINVAL;
    else if (kind && strcmp(kind, "whatif_part") == 0)
        rc = run_part(inst, sc, n, &o, (int)json_integer_value(part),
                      json_object_get(job, "baseline_result"), out);
    else
        rc = io_whatif_run(inst, sc, n, &o, out);
    io_whatif_scenarios_free(sc, n);
    if (rc == IO_EINVAL)
        return job_error(out, 2, "a what-if part needs its number");
    return rc == IO_OK ? 0 : job_error(out, 1, "the what-if run failed");
}

/* ------------------------------------------------------- assemble */

/* wi_runner filling every plan in from its part ({"part","state",
 * "result"?,"error"?} of io_store_job_parts, indexed by part). */
static int fill_runner(void *ctx, wjob *js, int n, const io_whatif_options *o, int jobs,
                       double deadline_s)
{
    json_t *parts = ctx;
    (void)o;
    (void)jobs;
    (void)deadline_s;
    for (int i = 0; i < n; i++) {
        wjob *j = &js[i];
        if (j->state != 0 || !j->inst || j->deferred)
            continue;
        j->state = 2;
        json_t *p = json_array_get(parts, (size_t)j->part);
        const char *st = json_string_value(json_object_get(p, "state"));
        json_t *res = json_object_get(json_object_get(p, "result"), "result");
        if (st && strcmp(st, "done") == 0 && json_is_object(res)) {
            j->result = json_incref(res);
            j->finished =
                json_number_value(json_object_get(json_object_get(p, "result"), "seconds"));
            continue;
        }
        const char *why = json_string_value(json_object_get(p, "error"));
        char msg[300];
        snprintf(msg, sizeof msg, "part %d %s%s%s", j->part, st ? st : "is missing",
                 why ? ": " : "", why ? why : "");
        if (!(j->failure = model_strdup(msg)))
            return -1;
    }
    return 1;
}

/* How many workers ran the parts. */
static int workers_of(json_t *parts)
{
    json_t *seen = json_object();
    size_t i;
    json_t *p;
    json_array_foreach (parts, i, p) {
        const char *w = json_string_value(json_object_get(p, "worker"));
        if (w && seen)
            json_object_set_new(seen, w, json_true());
    }
    int n = (int)json_object_size(seen);
    json_decref(seen);
    return n;
}

/* The what-if report of the parent job `job` from its parts: *out text. */
static int assemble_whatif(json_t *job, json_t *parts, char **out)
{
    model_instance *inst = NULL;
    model_scenario *sc = NULL;
    io_whatif_options o;
    int n = 0;
    int rc = read_job(job, &inst, &o, &sc, &n);
    json_t *root = rc == IO_OK ? wi_report(inst, sc, n, &o, fill_runner, parts, &rc) : NULL;
    if (root) {
        json_object_set_new(root, "jobs", json_integer((json_int_t)json_array_size(parts)));
        json_object_set_new(root, "max_concurrent", json_integer(workers_of(parts)));
        *out = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        rc = *out ? IO_OK : IO_ENOMEM;
    }
    json_decref(root);
    io_whatif_scenarios_free(sc, n);
    model_instance_destroy(inst);
    return rc;
}

/* Why site part k of n failed, naming the site by its groups: *why. */
static void site_failure(json_t *p, const model_instance *site, int k, int n, char **why)
{
    char groups[160] = "";
    size_t len = 0;
    for (int g = 0; site && g < site->n_groups && len + 4 < sizeof groups; g++)
        len += (size_t)snprintf(groups + len, sizeof groups - len, "%s%s", g ? ", " : "",
                                site->groups[g].id);
    const char *st = json_string_value(json_object_get(p, "state"));
    const char *err = json_string_value(json_object_get(p, "error"));
    json_t *j = json_sprintf("the plan of site %d of %d (groups %s) %s%s%s", k + 1, n, groups,
                             st ? st : "is missing", err ? ": " : "", err ? err : "");
    *why = j ? strdup(json_string_value(j)) : NULL;
    json_decref(j);
}

/* The plan of part p (its worker's solution) into *sol.  0 or -1. */
static int site_plan(json_t *p, model_solution **sol)
{
    const char *st = json_string_value(json_object_get(p, "state"));
    json_t *res = json_object_get(p, "result");
    if (!st || strcmp(st, "done") != 0 || !json_is_object(res))
        return -1;
    model_diag d;
    model_diag_init(&d);
    int rc = io_solution_from_tree(res, sol, &d);
    model_diag_free(&d);
    return rc == IO_OK ? 0 : -1;
}

/* The plan of the parent job `job` from its sites' plans: IO_FANOUT_DONE
 * (*out the merged solution), IO_FANOUT_FAILED (*out why, naming the
 * site), or IO_FANOUT_WHOLE (infeasible: plan it whole for the relaxed
 * plan). */
static int assemble_plan(json_t *job, json_t *parts, char **out)
{
    model_instance *inst = NULL, **sites = NULL;
    int n = 0;
    int rc = plan_sites(job, &inst, &sites, &n);
    size_t np = json_array_size(parts);
    model_solution **sols = calloc(np + 1, sizeof *sols);
    int res = IO_FANOUT_FAILED;
    size_t k = 0;
    for (; rc == IO_OK && sols && k < np; k++)
        if (site_plan(json_array_get(parts, k), &sols[k]))
            break;
    if (rc == IO_OK && sols && k < np) {
        site_failure(json_array_get(parts, k), n == (int)np ? sites[k] : NULL, (int)k, (int)np,
                     out);
    } else if (rc == IO_OK && sols) {
        solver_options so;
        model_solution *m = NULL;
        plan_options(job, &so);
        if (solver_merge_sites(inst, &so, sols, (int)np, &m) == SOLVER_OK &&
            m->status == MODEL_STATUS_INFEASIBLE &&
            inst->settings.on_infeasible != MODEL_ON_INFEASIBLE_FAIL)
            res = IO_FANOUT_WHOLE;
        else if (m && io_solution_to_json(m, out) == IO_OK)
            res = IO_FANOUT_DONE;
        model_solution_destroy(m);
    }
    for (size_t i = 0; sols && i < np; i++)
        model_solution_destroy(sols[i]);
    free(sols);
    solver_sites_free(sites, n);
    model_instance_destroy(inst);
    if (res == IO_FANOUT_FAILED && !*out)
        *out = strdup("the sites' plans could not be merged");
    return res;
}

/* Assemble the claimed parent c from its parts: IO_FANOUT_DONE /
 * IO_FANOUT_FAILED (*out the answer or why) or IO_FANOUT_WHOLE. */
static int assemble(const io_job_claim *c, json_t *parts, char **out)
{
    json_t *job = json_loads(c->input, 0, NULL);
    int res = IO_FANOUT_FAILED;
    if (json_is_object(job) && strcmp(c->kind, "whatif") == 0)
        res = assemble_whatif(job, parts, out) == IO_OK ? IO_FANOUT_DONE : IO_FANOUT_FAILED;
    else if (json_is_object(job))
        res = assemble_plan(job, parts, out);
    json_decref(job);
    if (res == IO_FANOUT_FAILED && !*out)
        *out = strdup("the parts could not be assembled");
    return res;
}

/* Give the parent c back to the queue to run whole ("whole": true in its
 * input): a multi-site plan with an infeasible site gets the relaxed plan
 * of the whole program. */
static void run_whole(io_store *s, const io_job_claim *c, const char *worker)
{
    json_t *job = json_loads(c->input, 0, NULL);
    if (json_is_object(job))
        json_object_set_new(job, "whole", json_true());
    char *text = job ? json_dumps(job, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(job);
    if (!text || io_store_job_requeue(s, c->id, worker, text) != IO_OK)
        io_store_job_finish(s, c->id, worker, IO_JOB_FAILED, NULL, NULL,
                            "a site is infeasible and the program could not be re-planned whole");
    free(text);
}

/* A claimed part's worker input: its parent's job, its number and the
 * result of the part it waited for.  IO_OK (c->input replaced). */
static int prepare_part(io_store *s, io_job_claim *c)
{
    int part = -1;
    char *parent = NULL, *after = NULL;
    int rc = io_store_part_context(s, c->id, &part, &parent, &after);
    json_t *job = rc == IO_OK ? json_loads(parent, 0, NULL) : NULL;
    json_t *res = after ? json_loads(after, 0, NULL) : NULL;
    free(parent);
    free(after);
    if (rc == IO_OK && !json_is_object(job))
        rc = IO_EINVAL;
    char *text = NULL;
    if (rc == IO_OK) {
        json_object_set_new(job, "kind", json_string("whatif_part"));
        json_object_set_new(job, "part", json_integer(part));
        json_object_del(job, "jobs");
        if (json_is_object(json_object_get(res, "result")))
            json_object_set(job, "baseline_result", json_object_get(res, "result"));
        text = json_dumps(job, JSON_COMPACT | JSON_REAL_PRECISION(17));
        rc = text ? IO_OK : IO_ENOMEM;
    }
    json_decref(job);
    json_decref(res);
    if (rc == IO_OK) {
        free(c->input);
        c->input = text;
    }
    return rc;
}

/* Does the job c run whole ("whole": true: sent back by run_whole)? */
static int runs_whole(const io_job_claim *c)
{
    json_t *job = json_loads(c->input, 0, NULL);
    int whole = json_is_true(json_object_get(job, "whole"));
    json_decref(job);
    return whole;
}

int io_fanout_claimed(io_store *s, io_job_claim *c, const char *worker, char **out)
{
    *out = NULL;
    if (strcmp(c->kind, "whatif_part") == 0) {
        if (prepare_part(s, c) == IO_OK)
            return IO_FANOUT_RUN;
        *out = strdup("the part's job could not be read (its parent is gone?)");
        return IO_FANOUT_FAILED;
    }
    json_t *parts = NULL;
    if (io_store_job_parts(s, c->id, &parts) != IO_OK) {
        io_store_job_release(s, c->id, worker); /* try again later */
        return IO_FANOUT_GIVEN_BACK;
    }
    int res =
        json_array_size(parts) == 0 || runs_whole(c) ? IO_FANOUT_RUN : assemble(c, parts, out);
    json_decref(parts);
    if (res == IO_FANOUT_WHOLE) {
        run_whole(s, c, worker);
        res = IO_FANOUT_GIVEN_BACK;
    }
    return res;
}
