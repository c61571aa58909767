/*
 * handlers_schedules.c - Handlers of a stored program's plan and saved
 * schedules: plan, list, save, get, publish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* ---- stored plan, events, schedules */

/* A saved schedule as a baseline (JSON): a version number or keyword
 * version number.  NULL when a reply was sent. */
static json_t *stored_baseline(http_req *q, json_t *b)
{
    int version;
    if (json_is_integer(b) && json_integer_value(b) > 0 && json_integer_value(b) < 1000000000)
        version = (int)json_integer_value(b);
    else if (!json_is_string(b) || io_schedule_version_parse(json_string_value(b), &version)) {
        send_error(q, 400, "baseline", "must be a version number, \"published\" or \"newest\"");
        return NULL;
    }
    char *text = NULL;
    int rc = io_store_schedule_get(q->srv->store, q->param[0], version, &text, NULL);
    if (rc != IO_OK) {
        if (rc == IO_STORE_ENOTFOUND)
            send_error(q, 400, "baseline", "no such schedule version");
        else
            send_store_error(q, rc, NULL, "cannot read the schedule");
        return NULL;
    }
    json_t *j = json_loads(text, 0, NULL);
    free(text);
    if (!j)
        send_error(q, 500, NULL, "the saved schedule cannot be read");
    return j;
}

/* 400 for a schedule that breaks hard rules: a problem whose errors[] has
 * one {path: the entity, message} per violation and whose violations[]
 * extension has the checker's {rule, entity, message}. */
static enum MHD_Result send_violations(http_req *q, const model_check_report *rep)
{
    json_t *p = problem_obj(400, NULL, "the schedule breaks hard rules (see errors)");
    json_t *errs = json_array(), *v = json_array();
    for (int i = 0; errs && v && i < rep->n_violations; i++) {
        const model_violation *x = &rep->violations[i];
        json_array_append_new(errs, json_pack("{s:s,s:s}", "path", x->entity, "message",
                                              x->message));
        json_array_append_new(v, json_pack("{s:i,s:s,s:s}", "rule", x->rule, "entity",
                                           x->entity, "message", x->message));
    }
    if (!p || !errs || !v) {
        json_decref(p);
        json_decref(errs);
        json_decref(v);
        return send_error(q, 500, NULL, "out of memory");
    }
    json_object_set_new(p, "errors", errs);
    json_object_set_new(p, "violations", v);
    return send_problem(q->conn, q->r, 400, p, NULL, NULL);
}

enum MHD_Result h_program_plan(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 1, &sent);
    if (sent)
        return MHD_YES;
    if (body && !json_is_object(body)) {
        json_decref(body);
        return send_error(q, 400, "", "the body must be a JSON object (or empty)");
    }
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    json_t *job = NULL, *base = NULL, *doc = NULL;
    double tl = -1;
    enum MHD_Result ret = MHD_YES;
    /* the program with the authorization units attendance used */
    int rc = io_store_program_for_planning(q->srv->store, q->param[0], &inst, &d);
    if (rc == IO_OK && !(doc = io_instance_to_tree(inst)))
        rc = IO_ENOMEM;
    if (rc != IO_OK) {
        ret = send_store_error(q, rc, &d, "no such program");
        goto out;
    }
    job = json_pack("{s:s,s:o*}", "kind", "plan", "instance", doc);
    doc = NULL;
    if (!job) {
        ret = send_error(q, 500, NULL, "out of memory");
        goto out;
    }
    if (plan_options(q, body, job, &tl))
        goto out;
    if (json_object_get(body, "baseline")) {
        if (!(base = stored_baseline(q, json_object_get(body, "baseline"))))
            goto out;
        json_object_set_new(job, "baseline", base);
    }
    double deadline = plan_deadline(inst, tl);
    model_instance_destroy(inst);
    json_decref(body);
    model_diag_free(&d);
    return run_job(q, "program_plan", q->param[0], deadline, job, 0);
out:
    json_decref(job);
    model_instance_destroy(inst);
    json_decref(body);
    model_diag_free(&d);
    return ret;
}

enum MHD_Result h_schedules_list(http_req *q)
{
    char *t = NULL;
    io_page pg;
    if (page_params(q, &pg))
        return MHD_YES;
    int rc = io_store_schedule_list(q->srv->store, q->param[0], &t, &pg);
    return send_page(q, rc, t, &pg, "no such program");
}

enum MHD_Result h_schedule_post(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    char *text = NULL;
    enum MHD_Result ret = MHD_YES;
    int rc = io_store_program_export(q->srv->store, q->param[0], &inst, &d);
    if (rc != IO_OK) {
        ret = send_store_error(q, rc, &d, "no such program");
        goto out;
    }
    if (read_solution(q, body, NULL, &sol))
        goto out;
    model_check_report rep;
    if (model_check(inst, sol, &rep) != MODEL_OK) {
        ret = send_error(q, 500, NULL, "the checker failed");
        goto out;
    }
    if (rep.n_violations > 0) {
        ret = send_violations(q, &rep);
        model_check_report_free(&rep);
        goto out;
    }
    int mismatches = rep.n_mismatches;
    model_check_report_free(&rep);
    int version = 0;
    if (io_solution_to_json(sol, &text) != IO_OK ||
        (rc = io_store_schedule_save(q->srv->store, q->param[0], text, q->actor, &version)) !=
            IO_OK) {
        ret = send_store_error(q, rc == IO_OK ? IO_ENOMEM : rc, NULL, "cannot save");
        goto out;
    }
    char href[256];
    snprintf(href, sizeof href, "/v1/programs/%s/schedules/%d", q->param[0], version);
    ret = send_json(q, 201,
                    json_pack("{s:s,s:i,s:i,s:s}", "program", q->param[0], "version", version,
                              "misreported_figures", mismatches, "href", href),
                    "Location", href);
out:
    free(text);
    json_decref(body);
    model_instance_destroy(inst);
    model_solution_destroy(sol);
    model_diag_free(&d);
    return ret;
}

enum MHD_Result h_schedule_get(http_req *q)
{
    int v;
    if (io_schedule_version_parse(q->param[1], &v))
        return send_error(q, 404, NULL, "no such schedule version");
    char *t = NULL;
    int got = 0;
    int rc = io_store_schedule_get(q->srv->store, q->param[0], v, &t, &got);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such program or schedule version");
    if (rc != IO_OK)
        return send_store_error(q, rc, NULL, "cannot read");
    char vs[16], hex[65];
    snprintf(vs, sizeof vs, "%d", got);
    /* a saved version never changes: its ETag is a hash of its content */
    io_sha256_hex(t, strlen(t), hex);
    snprintf(q->r->etag, sizeof q->r->etag, "\"%.16s\"", hex);
    return send_text(q->conn, q->r, 200, t, "X-Schedule-Version", vs);
}

enum MHD_Result h_schedule_publish(http_req *q)
{
    int v;
    if (io_schedule_version_parse(q->param[1], &v))
        return send_error(q, 404, NULL, "no such schedule version");
    int rc = io_store_schedule_resolve(q->srv->store, q->param[0], v, &v);
    if (rc == IO_OK)
        rc = io_store_schedule_publish(q->srv->store, q->param[0], v, q->actor);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such program or schedule version");
    if (rc != IO_OK)
        return send_store_error(q, rc, NULL, "cannot publish");
    return send_json(q, 200, json_pack("{s:s,s:i}", "program", q->param[0], "published", v), NULL,
                     NULL);
}
