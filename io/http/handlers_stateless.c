/*
 * handlers_stateless.c - Stateless handlers: health, the OpenAPI document,
 * validate, plan, check, fill and what-if on a posted instance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* --------------------------------------------------------- handlers */

enum MHD_Result h_health(http_req *q)
{
    int queued = 0, running = 0, processes = 0;
    io_jobs_counts(q->srv->jobs, &queued, &running, &processes);
    return send_json(q, 200,
                     json_pack("{s:s,s:s,s:i,s:s,s:{s:i,s:i,s:i}}", "status", "ok", "version",
                               COHORT_VERSION, "schema_version",
                               io_store_schema_version(q->srv->store), "glpk",
                               solver_glpk_version(), "jobs", "queued", queued, "running",
                               running, "processes", processes),
                     NULL, NULL);
}

/* GET /v1/whoami: the calling token's id and role, so that a client (the
 * console) offers only what the role may do. */
enum MHD_Result h_whoami(http_req *q)
{
    return send_json(q, 200,
                     json_pack("{s:I,s:s}", "token", (json_int_t)q->actor, "role",
                               io_role_name(q->role)),
                     NULL, NULL);
}

enum MHD_Result h_openapi(http_req *q)
{
    char *t = strdup(q->srv->openapi);
    if (!t)
        return send_error(q, 500, NULL, "out of memory");
    return send_raw(q, 200, t);
}

enum MHD_Result h_validate(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    const char *prefix;
    json_t *in = body_instance(body, &prefix);
    if (!json_is_object(in)) {
        json_decref(body);
        return send_error(q, 400, prefix ? prefix : "", "the instance must be a JSON object");
    }
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = io_instance_from_tree(in, &inst, &d);
    json_decref(body);
    if (rc == IO_OK && strict_fields(&d) != 0)
        rc = IO_EINVAL;
    enum MHD_Result ret;
    if (rc == IO_OK) {
        char *report = NULL;
        if (io_diag_to_json(&d, "valid", &report) == IO_OK)
            ret = send_raw(q, 200, report);
        else
            ret = send_error(q, 500, NULL, "out of memory");
    } else if (rc == IO_ENOMEM) {
        ret = send_error(q, 500, NULL, "out of memory");
    } else {
        ret = send_diag(q, 400, "invalid instance", &d, prefix);
    }
    model_instance_destroy(inst);
    model_diag_free(&d);
    return ret;
}

/* Copy the plan options of a body (time_limit_s, mip_gap) into a worker
 * job, checked; *tl gets the time limit (-1 when not given).  -1 when a
 * reply was sent. */
int plan_options(http_req *q, json_t *body, json_t *job, double *tl)
{
    double gap = -1;
    *tl = -1;
    if (!body)
        return 0;
    if (opt_number(q, body, "time_limit_s", 0.1, MODEL_MAX_TIME_LIMIT_S, tl) ||
        opt_number(q, body, "mip_gap", 0, 1, &gap))
        return -1;
    if (*tl >= 0)
        json_object_set_new(job, "time_limit_s", json_real(*tl));
    if (gap >= 0)
        json_object_set_new(job, "mip_gap", json_real(gap));
    return 0;
}

enum MHD_Result h_plan(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    if (!json_is_object(body)) {
        json_decref(body);
        return send_error(q, 400, "", "the body must be a JSON object");
    }
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    model_solution *base = NULL;
    const char *prefix;
    json_t *in = body_instance(body, &prefix);
    json_t *job = json_pack("{s:s,s:O}", "kind", "plan", "instance", in);
    json_t *bl = prefix ? json_object_get(body, "baseline") : NULL;
    double tl = -1;
    enum MHD_Result ret = MHD_YES;
    if (!job) {
        ret = send_error(q, 500, NULL, "out of memory");
        goto fail;
    }
    if (read_instance(q, in, prefix, &inst, &d) || plan_options(q, prefix ? body : NULL, job, &tl) ||
        (bl && read_solution(q, bl, "baseline", &base)))
        goto fail;
    if (bl)
        json_object_set(job, "baseline", bl);
    double deadline = plan_deadline(inst, tl);
    model_instance_destroy(inst);
    model_solution_destroy(base);
    json_decref(body);
    model_diag_free(&d);
    return run_job(q, "plan", NULL, deadline, job, !query_flag(q, "async"));
fail:
    json_decref(job);
    model_instance_destroy(inst);
    model_solution_destroy(base);
    json_decref(body);
    model_diag_free(&d);
    return ret;
}

/* ---- check */

/* The report `cohort check --json` prints (io/cmd_check.c), without the
 * file names: status, violations, metrics_mismatches, what was compared,
 * and the recomputed objective, metrics and objective terms (in the
 * solution format).  test_server compares the two. */
json_t *check_report_json(const model_check_report *rep)
{
    json_t *v = json_array(), *m = json_array();
    for (int i = 0; v && i < rep->n_violations; i++)
        json_array_append_new(v, json_pack("{s:i,s:s,s:s}", "rule", rep->violations[i].rule,
                                           "entity", rep->violations[i].entity, "message",
                                           rep->violations[i].message));
    for (int i = 0; m && i < rep->n_mismatches; i++)
        json_array_append_new(m, json_pack("{s:s,s:f,s:f,s:s}", "field", rep->mismatches[i].field,
                                           "reported", rep->mismatches[i].reported, "expected",
                                           rep->mismatches[i].expected, "message",
                                           rep->mismatches[i].message));
    int any = rep->n_violations > 0 || rep->n_mismatches > 0;
    json_t *o = json_pack("{s:s,s:o*,s:o*,s:b,s:b,s:f}", "status", any ? "violations" : "ok",
                          "violations", v, "metrics_mismatches", m, "metrics_compared",
                          rep->metrics_reported, "objective_terms_compared", rep->terms_reported,
                          "objective", rep->objective);
    if (o)
        json_object_set_new(o, "exceptions_accepted", json_integer(rep->exceptions_accepted));
    /* recomputed metrics and terms with the solution writer's field names */
    model_solution tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.status = MODEL_STATUS_FEASIBLE;
    tmp.metrics = rep->metrics; /* borrowed */
    tmp.terms = rep->terms;
    tmp.objective = rep->objective;
    json_t *sj = o ? io_solution_to_tree(&tmp) : NULL;
    if (!json_object_get(sj, "metrics") || !json_object_get(sj, "objective_terms")) {
        json_decref(sj);
        json_decref(o);
        return NULL;
    }
    json_object_set(o, "metrics", json_object_get(sj, "metrics"));
    json_object_set(o, "objective_terms", json_object_get(sj, "objective_terms"));
    json_decref(sj);
    return o;
}

enum MHD_Result h_check(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    enum MHD_Result ret = MHD_YES;
    if (!json_is_object(body) || !json_object_get(body, "instance") ||
        !json_object_get(body, "solution")) {
        ret = send_error(q, 400, json_is_object(body) && json_object_get(body, "instance")
                                     ? "solution" : "instance",
                         "the body must be {\"instance\", \"solution\"}");
        goto out;
    }
    if (read_instance(q, json_object_get(body, "instance"), "instance", &inst, &d) ||
        read_solution(q, json_object_get(body, "solution"), "solution", &sol))
        goto out;
    model_check_report rep;
    if (model_check(inst, sol, &rep) != MODEL_OK) {
        ret = send_error(q, 500, NULL, "the checker failed");
        goto out;
    }
    json_t *o = check_report_json(&rep);
    model_check_report_free(&rep);
    ret = o ? send_json(q, 200, o, NULL, NULL) : send_error(q, 500, NULL, "out of memory");
out:
    json_decref(body);
    model_instance_destroy(inst);
    model_solution_destroy(sol);
    model_diag_free(&d);
    return ret;
}

/* ---- fill and what-if */

/* Fill options from a body object (all optional). */
static int fill_options(http_req *q, json_t *body, solver_fill_options *fo)
{
    solver_fill_options_default(fo);
    double top = fo->top_n, grace = fo->grace_weeks;
    if (opt_number(q, body, "top_n", 0, 10000, &top) ||
        opt_number(q, body, "turnover_per_month", 0, 1, &fo->turnover_per_month) ||
        opt_number(q, body, "hold_turnover_per_month", 0, 1, &fo->hold_turnover_per_month) ||
        opt_number(q, body, "grace_weeks", 0, 520, &grace))
        return -1;
    json_t *ap = json_object_get(body, "apply");
    if (ap && !json_is_boolean(ap)) {
        send_error(q, 400, "apply", "must be true or false");
        return -1;
    }
    fo->top_n = (int)top;
    fo->grace_weeks = (int)grace;
    fo->apply = json_is_true(ap);
    return 0;
}

/* Run fill on events (a JSON array of event objects): *out is the report
 * (io_fill_report_json), with "solution" and "instance" after the events
 * when fo->apply.  IO_EINVAL (errors in d, paths "events[i].field"). */
int run_fill(const model_instance *inst, const model_solution *sol, json_t *events,
             const solver_fill_options *fo, json_t **out, model_diag *d)
{
    json_t *wrap = json_pack("{s:O}", "events", events);
    if (!wrap)
        return IO_ENOMEM;
    solver_fill_event *ev = NULL;
    int n = 0;
    int rc = io_fill_events_from_tree(wrap, inst, &ev, &n, d);
    json_decref(wrap);
    if (rc != IO_OK)
        return rc;
    solver_fill_result *res = NULL;
    int src = solver_fill_run(inst, sol, ev, n, fo, &res, d);
    io_fill_events_free(ev, n);
    if (src != SOLVER_OK)
        return src == SOLVER_EINVAL ? IO_EINVAL : IO_ENOMEM;
    model_check_report check;
    int have_check = fo->apply && model_check(res->instance, res->solution, &check) == MODEL_OK;
    json_t *j = io_fill_report_tree(sol, res, fo, have_check ? &check : NULL);
    if (have_check)
        model_check_report_free(&check);
    if (j && fo->apply) {
        json_object_set_new(j, "solution", io_solution_to_tree(res->solution));
        json_object_set_new(j, "instance", io_instance_to_tree(res->instance));
    }
    solver_fill_result_destroy(res);
    if (!j)
        return IO_ENOMEM;
    *out = j;
    return IO_OK;
}

/* Events of a body as an array (one object -> [object]); NULL when absent
 * or of the wrong type (a reply was sent). */
static json_t *events_array(http_req *q, json_t *ev)
{
    if (json_is_array(ev))
        return json_incref(ev);
    if (json_is_object(ev))
        return json_pack("[O]", ev);
    send_error(q, 400, "events", ev ? "must be an event object or an array of events"
                                    : "missing: the events (an event object or an array)");
    return NULL;
}

enum MHD_Result h_fill(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    json_t *events = NULL, *report = NULL;
    solver_fill_options fo;
    enum MHD_Result ret = MHD_YES;
    if (!json_is_object(body)) {
        ret = send_error(q, 400, "", "the body must be {\"instance\", \"solution\", \"events\"}");
        goto out;
    }
    if (!json_object_get(body, "instance")) {
        ret = send_error(q, 400, "instance", "missing: the instance");
        goto out;
    }
    if (!json_object_get(body, "solution")) {
        ret = send_error(q, 400, "solution", "missing: the current solution");
        goto out;
    }
    if (read_instance(q, json_object_get(body, "instance"), "instance", &inst, &d) ||
        read_solution(q, json_object_get(body, "solution"), "solution", &sol) ||
        !(events = events_array(q, json_object_get(body, "events"))) ||
        fill_options(q, body, &fo))
        goto out;
    model_diag_free(&d);
    model_diag_init(&d);
    int rc = run_fill(inst, sol, events, &fo, &report, &d);
    if (rc == IO_OK)
        ret = send_json(q, 200, report, NULL, NULL), report = NULL;
    else if (rc == IO_EINVAL)
        ret = send_diag(q, 400, "invalid events", &d, NULL);
    else
        ret = send_error(q, 500, NULL, "out of memory");
out:
    json_decref(report);
    json_decref(events);
    json_decref(body);
    model_instance_destroy(inst);
    model_solution_destroy(sol);
    model_diag_free(&d);
    return ret;
}

enum MHD_Result h_whatif(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    model_scenario *sc = NULL;
    int n = 0;
    json_t *job = NULL;
    enum MHD_Result ret = MHD_YES;
    double tl = -1, gap = -1, marginal_plans = 0;
    int jobs = q->srv->opt.max_jobs > 0 ? q->srv->opt.max_jobs : 1;
    if (!json_is_object(body)) {
        ret = send_error(q, 400, "", "the body must be {\"instance\", \"scenarios\"}");
        goto out;
    }
    json_t *in = json_object_get(body, "instance");
    if (!in) {
        ret = send_error(q, 400, "instance", "missing: the instance");
        goto out;
    }
    json_t *mg = json_object_get(body, "marginal");
    if (mg && !json_is_boolean(mg)) {
        ret = send_error(q, 400, "marginal", "must be true or false");
        goto out;
    }
    if (read_instance(q, in, "instance", &inst, &d) ||
        opt_number(q, body, "time_limit_s", 0.1, MODEL_MAX_TIME_LIMIT_S, &tl) ||
        opt_number(q, body, "mip_gap", 0, 1, &gap))
        goto out;
    model_diag_free(&d);
    model_diag_init(&d);
    /* check the scenarios here, so that mistakes answer 400 with paths */
    json_t *sw = json_pack("{s:O*}", "scenarios", json_object_get(body, "scenarios"));
    int rc = sw ? io_whatif_from_tree(sw, inst, &sc, &n, &d) : IO_ENOMEM;
    json_decref(sw);
    if (rc != IO_OK) {
        ret = rc == IO_EINVAL ? send_diag(q, 400, "invalid scenarios", &d, NULL)
                              : send_error(q, 500, NULL, "out of memory");
        goto out;
    }
    /* Deadline: every plan (baseline, scenarios, marginal probes) in
     * rounds of `jobs` workers, each within its time limit. */
    if (json_is_true(mg)) {
        model_strlist creds = {NULL, 0};
        for (int f = 0; f < inst->n_facilitators; f++)
            for (int k = 0; k < inst->facilitators[f].credentials.n; k++)
                if (model_strlist_find(&creds, inst->facilitators[f].credentials.items[k]) < 0)
                    model_strlist_push(&creds, inst->facilitators[f].credentials.items[k]);
        marginal_plans = creds.n + 1;
        model_strlist_free(&creds);
    }
    /* --jobs bounds every process: the what-if worker itself plus its
     * own solver processes (at least one) */
    int plans = (int)(n + 1 + marginal_plans);
    jobs = jobs - 1 < plans ? jobs - 1 : plans;
    if (jobs < 1)
        jobs = 1;
    int rounds = (plans + jobs - 1) / jobs;
    double deadline = (plan_deadline(inst, tl) - 30) * (rounds < 1 ? 1 : rounds) + 60;
    job = json_pack("{s:s,s:O,s:O,s:b,s:i}", "kind", "whatif", "instance", in, "scenarios",
                    json_object_get(body, "scenarios"), "marginal", json_is_true(mg), "jobs", jobs);
    if (job && tl >= 0)
        json_object_set_new(job, "time_limit_s", json_real(tl));
    if (job && gap >= 0)
        json_object_set_new(job, "mip_gap", json_real(gap));
    io_whatif_scenarios_free(sc, n);
    sc = NULL;
    model_instance_destroy(inst);
    inst = NULL;
    json_decref(body);
    model_diag_free(&d);
    return run_job(q, "whatif", NULL, deadline, job, !query_flag(q, "async"));
out:
    io_whatif_scenarios_free(sc, n);
    model_instance_destroy(inst);
    json_decref(body);
    model_diag_free(&d);
    return ret;
}
