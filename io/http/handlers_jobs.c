/*
 * handlers_jobs.c - Solver jobs over HTTP: submitting a worker job
 * (answering 202) and the /v1/jobs resource.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* ------------------------------------------------------------- jobs */


void plan_arg_free(void *p)
{
    plan_arg *a = p;
    if (!a)
        return;
    free(a->program);
    free(a);
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

/* In the parent, when a stored plan's worker is done: save the schedule
 * (a relaxed plan too, so that it can be reviewed and published). */
char *plan_done(void *p, const char *result)
{
    plan_arg *a = p;
    json_t *r = json_loads(result, 0, NULL);
    int has_schedule = result_has_schedule(r);
    json_decref(r);
    json_t *extra;
    if (!has_schedule) {
        extra = json_pack("{s:n,s:s}", "version", "note",
                          "no schedule was found, so no version was saved");
    } else {
        int v = 0;
        int rc = io_store_schedule_save(a->store, a->program, result, a->actor, &v);
        extra = rc == IO_OK ? json_pack("{s:i}", "version", v)
                            : json_pack("{s:n,s:s}", "version", "note",
                                        "the schedule could not be saved (the program was"
                                        " deleted or the store failed)");
    }
    char *t = extra ? json_dumps(extra, JSON_COMPACT) : NULL;
    json_decref(extra);
    return t;
}

/* Worst-case run time of one plan: its limit plus a margin for reading,
 * writing and the process itself. */
double plan_deadline(const model_instance *inst, double time_limit_s)
{
    double tl = time_limit_s >= 0 ? time_limit_s : inst->settings.time_limit_s;
    if (tl <= 0)
        tl = 60;
    return tl * 1.25 + 30;
}

/* Submit a worker job (input: the job JSON, consumed) and answer 202, or
 * (sync) wait and answer with the result. */
enum MHD_Result run_job(http_req *q, const char *kind, const char *program, double deadline,
                        json_t *input, io_job_done done, io_job_free fr, void *arg,
                        int sync)
{
    char id[IO_JOB_ID_LEN];
    char *text = input ? json_dumps(input, JSON_COMPACT) : NULL;
    json_decref(input);
    if (!text) {
        if (fr && arg)
            fr(arg);
        return send_error(q, 500, NULL, "out of memory");
    }
    int rc = io_jobs_submit(q->srv->jobs, kind, program, deadline, text, done, fr, arg, id);
    if (rc == IO_STORE_ECONFLICT)
        return send_error_c(q->conn, q->r, 503, NULL, "Retry-After", "5",
                            "too many solves are waiting; retry later");
    if (rc != IO_OK)
        return send_error(q, 500, NULL, "cannot queue the job");
    if (!sync) {
        char href[64];
        snprintf(href, sizeof href, "/v1/jobs/%s", id);
        return send_json(q, 202, json_pack("{s:s,s:s,s:s}", "job", id, "status", "queued", "href", href),
                         "Location", href);
    }
    int state = 0;
    char *result = NULL, *error = NULL;
    rc = io_jobs_wait(q->srv->jobs, id, -1, &state, &result, &error);
    enum MHD_Result ret;
    if (rc != IO_OK)
        ret = send_error(q, 500, NULL, "the job was lost");
    else if (state == IO_JOB_DONE && result)
        ret = send_raw(q, 200, result), result = NULL;
    else if (state == IO_JOB_CANCELLED)
        ret = send_error(q, 409, NULL, "the job was cancelled");
    else
        ret = send_error(q, 500, NULL, "%s", error ? error : "the solve failed");
    free(result);
    free(error);
    return ret;
}


/* ---- jobs */

enum MHD_Result h_job_get(http_req *q)
{
    char *t = NULL;
    int rc = io_jobs_status_json(q->srv->jobs, q->param[0], &t);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such job");
    return rc == IO_OK ? send_raw(q, 200, t) : send_error(q, 500, NULL, "out of memory");
}

enum MHD_Result h_job_delete(http_req *q)
{
    int rc = io_jobs_cancel(q->srv->jobs, q->param[0]);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such job");
    return h_job_get(q);
}
