/*
 * handlers_jobs.c - Solver jobs over HTTP: submitting a worker job
 * (answering 202) and the /v1/jobs resource.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* ------------------------------------------------------------- jobs */


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
                        json_t *input, int sync)
{
    char id[IO_JOB_ID_LEN];
    char *text = input ? json_dumps(input, JSON_COMPACT) : NULL;
    json_decref(input);
    if (!text)
        return send_error(q, 500, NULL, "out of memory");
    int rc = io_jobs_submit(q->srv->jobs, kind, program, q->actor, deadline, text, id);
    free(text);
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
    else if (state < IO_JOB_DONE)
        ret = send_error(q, 503, NULL, "the server is stopping; job %s stays queued", id);
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
