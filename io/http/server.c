/*
 * server.c - `cohort serve`: the JSON HTTP API (libmicrohttpd, one thread
 * per connection).
 *
 * Every route is one row of ROUTES[] (method, path template, least role,
 * handler, and what the OpenAPI document says about it); the OpenAPI
 * document is generated from that table, so it lists exactly what the
 * server does.  Solves run as jobs in child processes (server_jobs.c).
 * The request log names the path template, never the ids in the path
 * (patient ids are protected health information), nor any body.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "http/web.h"
#include "io_private.h"
#include "solver.h"

#ifndef COHORT_VERSION
#define COHORT_VERSION MODEL_VERSION
#endif

/* A parsed saved schedule, shared by the requests that rank fill
 * suggestions against it (read-only); freed when evicted and unused. */
typedef struct sched_entry {
    char program[65];
    int version;
    char stamp[40];
    model_solution *sol;
    int refs;    /* users, plus 1 while in the cache */
} sched_entry;
#define SCHED_CACHE 4

struct io_server {
    struct MHD_Daemon *daemon;
    io_store *store;
    io_jobs *jobs;
    io_server_options opt;
    int port;
    char *openapi;
    pthread_mutex_t log_mu;
    pthread_mutex_t sched_mu;
    sched_entry *sched[SCHED_CACHE];
    unsigned sched_next;
};

static void sched_release(io_server *srv, sched_entry *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&srv->sched_mu);
    int last = --e->refs == 0;
    pthread_mutex_unlock(&srv->sched_mu);
    if (last) {
        model_solution_destroy(e->sol);
        free(e);
    }
}

/* The published (else latest) schedule of a program, parsed: from the
 * cache, or read and parsed now.  NULL when there is none (or it cannot be
 * read); *version set when one exists.  Release with sched_release. */
static sched_entry *sched_acquire(io_server *srv, const char *program, int *version)
{
    char stamp[40];
    int v = 0;
    if (io_store_schedule_current(srv->store, program, &v, stamp) != IO_OK)
        return NULL;
    *version = v;
    pthread_mutex_lock(&srv->sched_mu);
    for (int i = 0; i < SCHED_CACHE; i++) {
        sched_entry *e = srv->sched[i];
        if (e && e->version == v && strcmp(e->program, program) == 0 &&
            strcmp(e->stamp, stamp) == 0) {
            e->refs++;
            pthread_mutex_unlock(&srv->sched_mu);
            return e;
        }
    }
    pthread_mutex_unlock(&srv->sched_mu);
    char *text = NULL;
    if (io_store_schedule_get(srv->store, program, v, &text, NULL) != IO_OK)
        return NULL;
    model_diag d;
    model_diag_init(&d);
    sched_entry *e = calloc(1, sizeof *e);
    if (!e || io_solution_parse(text, strlen(text), &e->sol, &d) != IO_OK) {
        free(e);
        free(text);
        model_diag_free(&d);
        return NULL;
    }
    free(text);
    model_diag_free(&d);
    snprintf(e->program, sizeof e->program, "%s", program);
    snprintf(e->stamp, sizeof e->stamp, "%s", stamp);
    e->version = v;
    e->refs = 2; /* the cache and the caller */
    pthread_mutex_lock(&srv->sched_mu);
    unsigned k = srv->sched_next++ % SCHED_CACHE;
    sched_entry *old = srv->sched[k];
    srv->sched[k] = e;
    int drop = old && --old->refs == 0;
    pthread_mutex_unlock(&srv->sched_mu);
    if (drop) {
        model_solution_destroy(old->sol);
        free(old);
    }
    return e;
}

/* Per-request state (one per HTTP request on a connection). */
typedef struct req_ctx {
    char *body;
    size_t len, cap;
    size_t received; /* body bytes seen, kept or not */
    int too_big;
    double t0;
    int status;       /* sent status, 0 = none yet */
    const char *tmpl; /* matched route template, for the log */
    char method[12];
} req_ctx;

typedef struct http_req {
    io_server *srv;
    struct MHD_Connection *conn;
    req_ctx *r;
    const char *param[4]; /* path parameters in template order */
    long actor;           /* token id */
    int role;
} http_req;

typedef enum MHD_Result (*route_fn)(http_req *q);

typedef struct route {
    const char *method;
    const char *path; /* template: "{name}" segments are parameters */
    int role;         /* least role; IO_ROLE_NONE = no token needed */
    route_fn fn;
    const char *op;       /* operationId */
    const char *summary;  /* one line */
    const char *request;  /* request body schema (components), NULL = none */
    int ok;               /* success status */
    const char *response; /* success body schema, NULL = no body */
    const char *query;    /* "name:description|name:description" */
    const char *errors;   /* documented error statuses besides 401/403 */
} route;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ replies */

static enum MHD_Result send_text(struct MHD_Connection *c, req_ctx *r, int status, char *text,
                                 const char *hname, const char *hvalue)
{
    struct MHD_Response *resp;
    if (text)
        resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    else
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    if (text)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (hname && hvalue)
        MHD_add_response_header(resp, hname, hvalue);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    r->status = status;
    return ret;
}

static enum MHD_Result send_json(http_req *q, int status, json_t *j, const char *hname,
                                 const char *hvalue)
{
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!text)
        return send_text(q->conn, q->r, 500,
                         strdup("{\"error\":{\"status\":500,\"message\":\"out of memory\"}}"),
                         NULL, NULL);
    return send_text(q->conn, q->r, status, text, hname, hvalue);
}

static json_t *error_obj(int status, const char *path, const char *msg)
{
    json_t *e = json_pack("{s:i,s:s}", "status", status, "message", msg);
    if (e && path)
        json_object_set_new(e, "path", json_string(path));
    return json_pack("{s:o}", "error", e);
}

static enum MHD_Result send_error_c(struct MHD_Connection *c, req_ctx *r, int status,
                                    const char *path, const char *hname, const char *hvalue,
                                    const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static enum MHD_Result send_error_c(struct MHD_Connection *c, req_ctx *r, int status,
                                    const char *path, const char *hname, const char *hvalue,
                                    const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *j = error_obj(status, path, msg);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text)
        text = strdup("{\"error\":{\"status\":500,\"message\":\"out of memory\"}}");
    return send_text(c, r, status, text, hname, hvalue);
}

#define send_error(q, status, path, ...) \
    send_error_c((q)->conn, (q)->r, status, path, NULL, NULL, __VA_ARGS__)

/* 400 (or status) with {"error":{...}, "status":"invalid", "errors":[...],
 * "warnings":[...]}; paths prefixed with prefix + "." when prefix. */
static enum MHD_Result send_diag(http_req *q, int status, const char *message,
                                 const model_diag *d, const char *prefix)
{
    model_diag pd;
    model_diag_init(&pd);
    const model_diag *use = d;
    if (prefix) {
        for (int i = 0; i < d->n_errors; i++) {
            char p[512];
            snprintf(p, sizeof p, "%s%s%s", prefix, d->errors[i].path[0] ? "." : "",
                     d->errors[i].path);
            model_diag_error(&pd, p, "%s", d->errors[i].message);
        }
        for (int i = 0; i < d->n_warnings; i++) {
            char p[512];
            snprintf(p, sizeof p, "%s%s%s", prefix, d->warnings[i].path[0] ? "." : "",
                     d->warnings[i].path);
            model_diag_warning(&pd, p, "%s", d->warnings[i].message);
        }
        use = &pd;
    }
    char *text = NULL;
    json_t *j = NULL;
    if (io_diag_to_json(use, "invalid", &text) == IO_OK)
        j = json_loads(text, 0, NULL);
    free(text);
    if (!json_is_object(j)) {
        json_decref(j);
        j = json_object();
    }
    const char *path = use->n_errors ? use->errors[0].path : NULL;
    char msg[600];
    if (use->n_errors)
        snprintf(msg, sizeof msg, "%s: %s%s%s", message, path && path[0] ? path : "",
                 path && path[0] ? ": " : "", use->errors[0].message);
    else
        snprintf(msg, sizeof msg, "%s", message);
    json_t *e = error_obj(status, path, msg);
    json_object_set(j, "error", json_object_get(e, "error"));
    json_decref(e);
    model_diag_free(&pd);
    return send_json(q, status, j, NULL, NULL);
}

/* Map a store status to a reply (for failures). */
static enum MHD_Result send_store_error(http_req *q, int rc, const model_diag *d,
                                        const char *what)
{
    const char *msg = d && d->n_errors ? d->errors[0].message : NULL;
    const char *path = d && d->n_errors && d->errors[0].path[0] ? d->errors[0].path : NULL;
    switch (rc) {
    case IO_STORE_ENOTFOUND:
        return send_error(q, 404, NULL, "%s", msg ? msg : what);
    case IO_STORE_ECONFLICT:
        return send_error(q, 409, path, "%s", msg ? msg : what);
    case IO_EINVAL:
        if (d && d->n_errors)
            return send_diag(q, 400, "invalid", d, NULL);
        return send_error(q, 400, path, "%s", msg ? msg : what);
    case IO_ENOMEM:
        return send_error(q, 500, NULL, "out of memory");
    default:
        return send_error(q, 500, NULL, "store error: %s", msg ? msg : "database failure");
    }
}

/* Send malloc'd JSON text from the store as is. */
static enum MHD_Result send_raw(http_req *q, int status, char *text)
{
    return send_text(q->conn, q->r, status, text, NULL, NULL);
}

/* ---------------------------------------------------------- requests */

static const char *query(http_req *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}

static int query_flag(http_req *q, const char *name)
{
    const char *v = query(q, name);
    return v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "") == 0);
}

/* Parse the body as JSON.  NULL when a reply was sent (400) or, with
 * allow_empty, when the body is empty (*sent stays 0). */
static json_t *parse_body(http_req *q, int allow_empty, int *sent)
{
    *sent = 0;
    size_t n = q->r->len;
    const char *b = q->r->body;
    size_t i = 0;
    while (i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t'))
        i++;
    if (i == n) {
        if (allow_empty)
            return NULL;
        *sent = 1;
        send_error(q, 400, "", "a JSON body is required");
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(b, n, JSON_DECODE_ANY, &je);
    if (!j) {
        *sent = 1;
        send_error(q, 400, "", "JSON syntax error at line %d, column %d: %s", je.line, je.column,
                   je.text);
        return NULL;
    }
    return j;
}

/* The instance inside a request body: body["instance"] when present
 * (*prefix = "instance"), else the body itself. */
static json_t *body_instance(json_t *body, const char **prefix)
{
    json_t *in = json_object_get(body, "instance");
    *prefix = in ? "instance" : NULL;
    return in ? in : body;
}

/* Parse an instance JSON value; on failure a reply was sent. */
static int read_instance(http_req *q, json_t *j, const char *prefix, model_instance **out,
                         model_diag *d)
{
    if (!json_is_object(j)) {
        send_error(q, 400, prefix ? prefix : "", "the instance must be a JSON object");
        return -1;
    }
    char *text = json_dumps(j, JSON_COMPACT);
    if (!text) {
        send_error(q, 500, NULL, "out of memory");
        return -1;
    }
    int rc = io_instance_parse(text, strlen(text), out, d);
    free(text);
    if (rc == IO_EINVAL || rc == IO_EIO) {
        send_diag(q, 400, "invalid instance", d, prefix);
        return -1;
    }
    if (rc != IO_OK) {
        send_error(q, 500, NULL, "out of memory");
        return -1;
    }
    return 0;
}

static int read_solution(http_req *q, json_t *j, const char *prefix, model_solution **out)
{
    if (!json_is_object(j)) {
        send_error(q, 400, prefix, "the solution must be a JSON object");
        return -1;
    }
    char *text = json_dumps(j, JSON_COMPACT);
    model_diag d;
    model_diag_init(&d);
    int rc = text ? io_solution_parse(text, strlen(text), out, &d) : IO_ENOMEM;
    free(text);
    if (rc != IO_OK) {
        if (rc == IO_ENOMEM)
            send_error(q, 500, NULL, "out of memory");
        else
            send_diag(q, 400, "invalid solution", &d, prefix);
        model_diag_free(&d);
        return -1;
    }
    model_diag_free(&d);
    return 0;
}

/* Optional number field: 0 ok (absent leaves *v), -1 reply sent. */
static int opt_number(http_req *q, json_t *body, const char *name, double lo, double hi,
                      double *v)
{
    json_t *x = json_object_get(body, name);
    if (!x)
        return 0;
    if (!json_is_number(x) || json_number_value(x) < lo || json_number_value(x) > hi) {
        send_error(q, 400, name, "must be a number between %g and %g", lo, hi);
        return -1;
    }
    *v = json_number_value(x);
    return 0;
}

/* ------------------------------------------------------------- jobs */

/* A stored plan: where to save the schedule when the job is done. */
typedef struct plan_arg {
    io_store *store;
    char *program;
    long actor;
} plan_arg;

static void plan_arg_free(void *p)
{
    plan_arg *a = p;
    if (!a)
        return;
    free(a->program);
    free(a);
}

/* In the parent, when a stored plan's worker is done: save the schedule. */
static char *plan_done(void *p, const char *result)
{
    plan_arg *a = p;
    json_t *r = json_loads(result, 0, NULL);
    const char *st = json_string_value(json_object_get(r, "status"));
    int has_schedule = st && (strcmp(st, "optimal") == 0 || strcmp(st, "feasible") == 0);
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
static double plan_deadline(const model_instance *inst, double time_limit_s)
{
    double tl = time_limit_s >= 0 ? time_limit_s : inst->settings.time_limit_s;
    if (tl <= 0)
        tl = 60;
    return tl * 1.25 + 30;
}

/* Submit a worker job (input: the job JSON, consumed) and answer 202, or
 * (sync) wait and answer with the result. */
static enum MHD_Result run_job(http_req *q, const char *kind, const char *program, double deadline,
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

/* --------------------------------------------------------- handlers */

static enum MHD_Result h_health(http_req *q)
{
    int queued = 0, running = 0;
    io_jobs_counts(q->srv->jobs, &queued, &running);
    return send_json(q, 200,
                     json_pack("{s:s,s:s,s:i,s:s,s:{s:i,s:i}}", "status", "ok", "version",
                               COHORT_VERSION, "schema_version",
                               io_store_schema_version(q->srv->store), "glpk",
                               solver_glpk_version(), "jobs", "queued", queued, "running",
                               running),
                     NULL, NULL);
}

static enum MHD_Result h_whoami(http_req *q)
{
    return send_json(q, 200,
                     json_pack("{s:I,s:s}", "token", (json_int_t)q->actor, "role",
                               io_role_name(q->role)),
                     NULL, NULL);
}

static enum MHD_Result h_openapi(http_req *q)
{
    char *t = strdup(q->srv->openapi);
    if (!t)
        return send_error(q, 500, NULL, "out of memory");
    return send_raw(q, 200, t);
}

static enum MHD_Result h_validate(http_req *q)
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
    char *text = json_dumps(in, JSON_COMPACT);
    json_decref(body);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = text ? io_instance_parse(text, strlen(text), &inst, &d) : IO_ENOMEM;
    free(text);
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
static int plan_options(http_req *q, json_t *body, json_t *job, double *tl)
{
    double gap = -1;
    *tl = -1;
    if (!body)
        return 0;
    if (opt_number(q, body, "time_limit_s", 0.1, 86400, tl) ||
        opt_number(q, body, "mip_gap", 0, 1, &gap))
        return -1;
    if (*tl >= 0)
        json_object_set_new(job, "time_limit_s", json_real(*tl));
    if (gap >= 0)
        json_object_set_new(job, "mip_gap", json_real(gap));
    return 0;
}

static enum MHD_Result h_plan(http_req *q)
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
    return run_job(q, "plan", NULL, deadline, job, NULL, NULL, NULL, !query_flag(q, "async"));
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
static json_t *check_report_json(const model_check_report *rep)
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
    /* recomputed metrics and terms with the solution writer's field names */
    model_solution tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.status = MODEL_STATUS_FEASIBLE;
    tmp.metrics = rep->metrics; /* borrowed */
    tmp.terms = rep->terms;
    tmp.objective = rep->objective;
    char *text = NULL;
    json_t *sj = o && io_solution_to_json(&tmp, &text) == IO_OK ? json_loads(text, 0, NULL) : NULL;
    free(text);
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

static enum MHD_Result h_check(http_req *q)
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
static int run_fill(const model_instance *inst, const model_solution *sol, json_t *events,
                    const solver_fill_options *fo, json_t **out, model_diag *d)
{
    json_t *wrap = json_pack("{s:O}", "events", events);
    char *text = wrap ? json_dumps(wrap, JSON_COMPACT) : NULL;
    json_decref(wrap);
    if (!text)
        return IO_ENOMEM;
    solver_fill_event *ev = NULL;
    int n = 0;
    int rc = io_fill_events_parse(text, strlen(text), inst, &ev, &n, d);
    free(text);
    if (rc != IO_OK)
        return rc;
    solver_fill_result *res = NULL;
    int src = solver_fill_run(inst, sol, ev, n, fo, &res, d);
    io_fill_events_free(ev, n);
    if (src != SOLVER_OK)
        return src == SOLVER_EINVAL ? IO_EINVAL : IO_ENOMEM;
    model_check_report check;
    int have_check = fo->apply && model_check(res->instance, res->solution, &check) == MODEL_OK;
    char *report = NULL;
    rc = io_fill_report_json(sol, res, fo, have_check ? &check : NULL, &report);
    json_t *j = rc == IO_OK ? json_loads(report, 0, NULL) : NULL;
    free(report);
    if (have_check)
        model_check_report_free(&check);
    if (j && fo->apply) {
        char *st = NULL, *it = NULL;
        if (io_solution_to_json(res->solution, &st) == IO_OK)
            json_object_set_new(j, "solution", json_loads(st, 0, NULL));
        if (io_instance_to_json(res->instance, &it) == IO_OK)
            json_object_set_new(j, "instance", json_loads(it, 0, NULL));
        free(st);
        free(it);
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

static enum MHD_Result h_fill(http_req *q)
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

static enum MHD_Result h_whatif(http_req *q)
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
        opt_number(q, body, "time_limit_s", 0.1, 86400, &tl) ||
        opt_number(q, body, "mip_gap", 0, 1, &gap))
        goto out;
    model_diag_free(&d);
    model_diag_init(&d);
    /* check the scenarios here, so that mistakes answer 400 with paths */
    json_t *sw = json_pack("{s:O*}", "scenarios", json_object_get(body, "scenarios"));
    char *text = sw ? json_dumps(sw, JSON_COMPACT) : NULL;
    json_decref(sw);
    int rc = text ? io_whatif_parse(text, strlen(text), inst, &sc, &n, &d) : IO_ENOMEM;
    free(text);
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
    int rounds = (int)((n + 1 + marginal_plans + jobs - 1) / jobs);
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
    return run_job(q, "whatif", NULL, deadline, job, NULL, NULL, NULL, !query_flag(q, "async"));
out:
    io_whatif_scenarios_free(sc, n);
    model_instance_destroy(inst);
    json_decref(body);
    model_diag_free(&d);
    return ret;
}

/* ---- stored programs */

static enum MHD_Result h_programs_list(http_req *q)
{
    char *t = NULL;
    int rc = io_store_program_list(q->srv->store, &t);
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "cannot list");
}

static enum MHD_Result h_programs_create(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    if (!json_is_object(body)) {
        json_decref(body);
        return send_error(q, 400, "", "the body must be a JSON object");
    }
    const char *prefix;
    json_t *in = body_instance(body, &prefix);
    const char *id = query(q, "id");
    json_t *idv = prefix ? json_object_get(body, "id") : NULL;
    if (idv && !json_is_string(idv)) {
        json_decref(body);
        return send_error(q, 400, "id", "must be a string");
    }
    if (idv)
        id = json_string_value(idv);
    if (id && !io_store_valid_id(id)) {
        json_decref(body);
        return send_error(q, 400, "id", "a program id is 1..64 characters of A-Z a-z 0-9 . _ -");
    }
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    if (read_instance(q, in, prefix, &inst, &d)) {
        json_decref(body);
        model_diag_free(&d);
        return MHD_YES;
    }
    model_diag_free(&d);
    model_diag_init(&d);
    char *chosen = NULL;
    int rc = io_store_program_create(q->srv->store, id, inst, q->actor, &chosen, &d);
    json_decref(body);
    model_instance_destroy(inst);
    enum MHD_Result ret;
    if (rc == IO_OK) {
        char href[128];
        snprintf(href, sizeof href, "/v1/programs/%s", chosen);
        ret = send_json(q, 201, json_pack("{s:s,s:s}", "id", chosen, "href", href), "Location",
                        href);
    } else {
        ret = send_store_error(q, rc, &d, "cannot create the program");
    }
    free(chosen);
    model_diag_free(&d);
    return ret;
}

static enum MHD_Result h_program_get(http_req *q)
{
    char *t = NULL;
    int rc = io_store_program_json(q->srv->store, q->param[0], &t);
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "no such program");
}

static enum MHD_Result h_program_put(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    const char *prefix;
    json_t *in = body_instance(body, &prefix);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    if (read_instance(q, in, prefix, &inst, &d)) {
        json_decref(body);
        model_diag_free(&d);
        return MHD_YES;
    }
    json_decref(body);
    model_diag_free(&d);
    model_diag_init(&d);
    int rc = io_store_program_replace(q->srv->store, q->param[0], inst, q->actor, &d);
    model_instance_destroy(inst);
    enum MHD_Result ret = rc == IO_OK ? send_json(q, 200, json_pack("{s:s}", "id", q->param[0]), NULL, NULL)
                                      : send_store_error(q, rc, &d, "no such program");
    model_diag_free(&d);
    return ret;
}

static enum MHD_Result h_program_delete(http_req *q)
{
    model_diag d;
    model_diag_init(&d);
    int rc = io_store_program_delete(q->srv->store, q->param[0], q->actor, &d);
    enum MHD_Result ret = rc == IO_OK ? send_text(q->conn, q->r, 204, NULL, NULL, NULL)
                                      : send_store_error(q, rc, &d, "no such program");
    model_diag_free(&d);
    return ret;
}

/* ---- entities: the collection is the route's literal segment 3 */

static int route_kind(http_req *q, const char *tmpl)
{
    /* "/v1/programs/{program}/<collection>..." */
    const char *p = tmpl + strlen("/v1/programs/{program}/");
    char coll[32];
    size_t n = strcspn(p, "/");
    if (n >= sizeof coll)
        return -1;
    memcpy(coll, p, n);
    coll[n] = '\0';
    (void)q;
    return io_entity_kind_parse(coll);
}

static enum MHD_Result h_entity_list(http_req *q)
{
    char *t = NULL;
    int rc = io_store_entity_list(q->srv->store, q->param[0], route_kind(q, q->r->tmpl), &t);
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "no such program");
}

static enum MHD_Result h_entity_get(http_req *q)
{
    char *t = NULL;
    int kind = route_kind(q, q->r->tmpl);
    int rc = io_store_entity_get(q->srv->store, q->param[0], kind, q->param[1], &t);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such program or %s entry",
                          io_entity_collection(kind));
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "not found");
}

static enum MHD_Result entity_write(http_req *q, const char *eid)
{
    int kind = route_kind(q, q->r->tmpl);
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    json_decref(body);
    model_diag d;
    model_diag_init(&d);
    char *out = NULL;
    int rc = io_store_entity_put(q->srv->store, q->param[0], kind, eid, q->r->body, q->r->len,
                                 q->actor, &out, &d);
    enum MHD_Result ret;
    if (rc == IO_OK) {
        if (!eid) {
            json_t *e = json_loads(out, 0, NULL);
            char href[512];
            snprintf(href, sizeof href, "/v1/programs/%s/%s/%s", q->param[0],
                     io_entity_collection(kind), json_string_value(json_object_get(e, "id")));
            json_decref(e);
            ret = send_text(q->conn, q->r, 201, out, "Location", href);
        } else {
            ret = send_raw(q, 200, out);
        }
    } else {
        ret = send_store_error(q, rc, &d, "not found");
    }
    model_diag_free(&d);
    return ret;
}

static enum MHD_Result h_entity_create(http_req *q)
{
    return entity_write(q, NULL);
}

static enum MHD_Result h_entity_put(http_req *q)
{
    return entity_write(q, q->param[1]);
}

static enum MHD_Result h_entity_delete(http_req *q)
{
    model_diag d;
    model_diag_init(&d);
    int rc = io_store_entity_delete(q->srv->store, q->param[0], route_kind(q, q->r->tmpl),
                                    q->param[1], q->actor, &d);
    enum MHD_Result ret = rc == IO_OK ? send_text(q->conn, q->r, 204, NULL, NULL, NULL)
                                      : send_store_error(q, rc, &d, "not found");
    model_diag_free(&d);
    return ret;
}

/* ---- stored plan, events, schedules */

/* A saved schedule as a baseline (JSON): "published", "latest" or a
 * version number.  NULL when a reply was sent. */
static json_t *stored_baseline(http_req *q, json_t *b)
{
    int version;
    if (json_is_integer(b) && json_integer_value(b) > 0 && json_integer_value(b) < 1000000000)
        version = (int)json_integer_value(b);
    else if (json_is_string(b) && strcmp(json_string_value(b), "published") == 0)
        version = 0;
    else if (json_is_string(b) && strcmp(json_string_value(b), "latest") == 0)
        version = -1;
    else {
        send_error(q, 400, "baseline", "must be a version number, \"published\" or \"latest\"");
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

static enum MHD_Result h_program_plan(http_req *q)
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
    char *text = NULL;
    json_t *job = NULL, *base = NULL, *doc = NULL;
    plan_arg *a = NULL;
    double tl = -1;
    enum MHD_Result ret = MHD_YES;
    int rc = io_store_program_export(q->srv->store, q->param[0], &inst, &d);
    if (rc == IO_OK)
        rc = io_store_program_json(q->srv->store, q->param[0], &text);
    if (rc != IO_OK) {
        ret = send_store_error(q, rc, &d, "no such program");
        goto out;
    }
    doc = json_loads(text, 0, NULL);
    job = json_pack("{s:s,s:o*}", "kind", "plan", "instance", doc);
    doc = NULL;
    a = calloc(1, sizeof *a);
    if (!job || !a || !(a->program = strdup(q->param[0]))) {
        ret = send_error(q, 500, NULL, "out of memory");
        goto out;
    }
    a->store = q->srv->store;
    a->actor = q->actor;
    if (plan_options(q, body, job, &tl))
        goto out;
    if (json_object_get(body, "baseline")) {
        if (!(base = stored_baseline(q, json_object_get(body, "baseline"))))
            goto out;
        json_object_set_new(job, "baseline", base);
    }
    double deadline = plan_deadline(inst, tl);
    free(text);
    model_instance_destroy(inst);
    json_decref(body);
    model_diag_free(&d);
    return run_job(q, "program_plan", q->param[0], deadline, job, plan_done, plan_arg_free, a, 0);
out:
    plan_arg_free(a);
    json_decref(job);
    free(text);
    model_instance_destroy(inst);
    json_decref(body);
    model_diag_free(&d);
    return ret;
}

/* Fill suggestions for recorded events against the program as it was
 * before them and its published (else latest) schedule: a JSON object
 * {"schedule_version", "suggestions"} or, when they cannot be made,
 * {"suggestions": null, "note"/"errors"}. */
static json_t *suggestions(http_req *q, model_instance *before, json_t *events, json_t *recorded)
{
    int version = 0;
    sched_entry *se = sched_acquire(q->srv, q->param[0], &version);
    if (!se)
        return version ? json_pack("{s:n,s:i,s:s}", "suggestions", "schedule_version", version,
                                   "note", "the saved schedule cannot be read")
                       : json_pack("{s:n,s:s}", "suggestions", "note",
                                   "no saved schedule: plan the program (POST "
                                   "/v1/programs/{program}/plan) to get fill suggestions");
    model_diag d;
    model_diag_init(&d);
    json_t *out = NULL;
    /* the events fill understands, dated as recorded */
    json_t *fe = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        const char *kind = json_string_value(json_object_get(e, "event"));
        if (!kind || strcmp(kind, "placed") == 0)
            continue;
        json_t *c = json_deep_copy(e);
        json_object_set(c, "date", json_object_get(json_array_get(recorded, i), "date"));
        json_array_append_new(fe, c);
    }
    if (json_array_size(fe) == 0) {
        out = json_pack("{s:n,s:i,s:s}", "suggestions", "schedule_version", version, "note",
                        "no event opens a seat or refers a patient");
    } else {
        solver_fill_options fo;
        solver_fill_options_default(&fo);
        json_t *report = NULL;
        int rc = run_fill(before, se->sol, fe, &fo, &report, &d);
        if (rc == IO_OK) {
            out = json_pack("{s:o,s:i}", "suggestions", report, "schedule_version", version);
        } else {
            json_t *errs = json_array();
            for (int k = 0; k < d.n_errors; k++)
                json_array_append_new(errs, json_pack("{s:s,s:s}", "path", d.errors[k].path,
                                                      "message", d.errors[k].message));
            out = json_pack("{s:n,s:i,s:o}", "suggestions", "schedule_version", version,
                            "errors", errs);
        }
    }
    json_decref(fe);
    sched_release(q->srv, se);
    model_diag_free(&d);
    return out;
}

static enum MHD_Result h_events_post(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    json_t *events = json_is_array(body) ? json_incref(body)
                     : json_is_object(body) && json_object_get(body, "events")
                         ? json_incref(json_object_get(body, "events"))
                         : json_pack("[O]", body);
    json_decref(body);
    model_diag d;
    model_diag_init(&d);
    /* the program before the events: what fill ranks against (only when
     * there is a schedule to rank against) */
    model_instance *before = NULL;
    int sv = 0;
    char stamp[40];
    if (io_store_schedule_current(q->srv->store, q->param[0], &sv, stamp) == IO_OK)
        io_store_program_export(q->srv->store, q->param[0], &before, &d);
    model_diag_free(&d);
    model_diag_init(&d);
    char *recorded = NULL;
    int rc = io_store_events_record(q->srv->store, q->param[0], q->r->body, q->r->len, q->actor,
                                    &recorded, &d);
    enum MHD_Result ret;
    if (rc == IO_OK) {
        json_t *rec = json_loads(recorded, 0, NULL);
        free(recorded);
        json_t *sug = !json_is_array(events) ? NULL
                      : before ? suggestions(q, before, events, rec)
                               : json_pack("{s:n,s:s}", "suggestions", "note",
                                           "no saved schedule: plan the program (POST "
                                           "/v1/programs/{program}/plan) to get fill suggestions");
        json_t *o = json_pack("{s:o}", "recorded", rec ? rec : json_array());
        if (o && sug)
            json_object_update(o, sug);
        json_decref(sug);
        ret = send_json(q, 201, o, NULL, NULL);
    } else {
        ret = send_store_error(q, rc, &d, "no such program");
    }
    json_decref(events);
    model_instance_destroy(before);
    model_diag_free(&d);
    return ret;
}

static enum MHD_Result h_events_get(http_req *q)
{
    char *t = NULL;
    int rc = io_store_history(q->srv->store, q->param[0], query(q, "patient"), query(q, "group"),
                              &t);
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "no such program");
}

static enum MHD_Result h_schedules_list(http_req *q)
{
    char *t = NULL;
    int rc = io_store_schedule_list(q->srv->store, q->param[0], &t);
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "no such program");
}

static enum MHD_Result h_schedule_post(http_req *q)
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
        json_t *o = check_report_json(&rep);
        json_t *e = error_obj(400, NULL, "the schedule breaks hard rules (see violations)");
        if (o && e)
            json_object_set(o, "error", json_object_get(e, "error"));
        json_decref(e);
        model_check_report_free(&rep);
        ret = o ? send_json(q, 400, o, NULL, NULL) : send_error(q, 500, NULL, "out of memory");
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

/* "published" -> 0, "latest" -> -1, N -> N; -2 when malformed. */
static int parse_version(const char *s)
{
    if (strcmp(s, "published") == 0)
        return 0;
    if (strcmp(s, "latest") == 0)
        return -1;
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end || v <= 0 || v > 1000000000)
        return -2;
    return (int)v;
}

static enum MHD_Result h_schedule_get(http_req *q)
{
    int v = parse_version(q->param[1]);
    if (v == -2)
        return send_error(q, 404, NULL, "no such schedule version");
    char *t = NULL;
    int got = 0;
    int rc = io_store_schedule_get(q->srv->store, q->param[0], v, &t, &got);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such program or schedule version");
    if (rc != IO_OK)
        return send_store_error(q, rc, NULL, "cannot read");
    char vs[16];
    snprintf(vs, sizeof vs, "%d", got);
    return send_text(q->conn, q->r, 200, t, "X-Schedule-Version", vs);
}

static enum MHD_Result h_schedule_publish(http_req *q)
{
    int v = parse_version(q->param[1]);
    if (v <= 0)
        return send_error(q, 404, NULL, "no such schedule version");
    int rc = io_store_schedule_publish(q->srv->store, q->param[0], v, q->actor);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such program or schedule version");
    if (rc != IO_OK)
        return send_store_error(q, rc, NULL, "cannot publish");
    return send_json(q, 200, json_pack("{s:s,s:i}", "program", q->param[0], "published", v), NULL,
                     NULL);
}

/* ---- jobs */

static enum MHD_Result h_job_get(http_req *q)
{
    char *t = NULL;
    int rc = io_jobs_status_json(q->srv->jobs, q->param[0], &t);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such job");
    return rc == IO_OK ? send_raw(q, 200, t) : send_error(q, 500, NULL, "out of memory");
}

static enum MHD_Result h_job_delete(http_req *q)
{
    int rc = io_jobs_cancel(q->srv->jobs, q->param[0]);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such job");
    return h_job_get(q);
}

/* ---- tokens and audit */

static enum MHD_Result h_tokens_list(http_req *q)
{
    char *t = NULL;
    int rc = io_store_token_list(q->srv->store, &t);
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "cannot list");
}

static enum MHD_Result h_tokens_create(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    int role = io_role_parse(json_string_value(json_object_get(body, "role")));
    json_t *name = json_object_get(body, "name");
    if (role < 0) {
        json_decref(body);
        return send_error(q, 400, "role", "must be \"viewer\", \"coordinator\" or \"admin\"");
    }
    if (name && !json_is_string(name)) {
        json_decref(body);
        return send_error(q, 400, "name", "must be a string");
    }
    char *secret = NULL;
    long id = 0;
    int rc = io_store_token_create(q->srv->store, role, json_string_value(name), q->actor, &secret,
                                   &id);
    enum MHD_Result ret;
    if (rc == IO_OK)
        ret = send_json(q, 201,
                        json_pack("{s:I,s:s,s:s?,s:s}", "id", (json_int_t)id, "role",
                                  io_role_name(role), "name", json_string_value(name), "token",
                                  secret),
                        NULL, NULL);
    else
        ret = send_store_error(q, rc, NULL, "cannot create the token");
    json_decref(body);
    free(secret);
    return ret;
}

static enum MHD_Result h_token_delete(http_req *q)
{
    char *end;
    long id = strtol(q->param[0], &end, 10);
    if (!q->param[0][0] || *end || id <= 0)
        return send_error(q, 404, NULL, "no such token");
    int rc = io_store_token_revoke(q->srv->store, id, q->actor);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such live token");
    return rc == IO_OK ? send_text(q->conn, q->r, 204, NULL, NULL, NULL)
                       : send_store_error(q, rc, NULL, "cannot revoke");
}

static enum MHD_Result h_audit(http_req *q)
{
    const char *l = query(q, "limit");
    int limit = l ? atoi(l) : 100;
    if (limit <= 0 || limit > 10000)
        return send_error(q, 400, "limit", "must be 1..10000");
    char *t = NULL;
    int rc = io_store_audit_list(q->srv->store, query(q, "program"), limit, &t);
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "cannot list");
}

/* ------------------------------------------------------------ routes */

#define E_ALL "400,404,413"
#define ENTITY_ROUTES(coll, schema)                                                             \
    {"GET", "/v1/programs/{program}/" coll, IO_ROLE_VIEWER, h_entity_list, "list_" coll,        \
     "List the program's " coll " in program order", NULL, 200, "array:" schema, NULL, "404"},  \
        {"POST", "/v1/programs/{program}/" coll, IO_ROLE_ADMIN, h_entity_create,                \
         "create_" coll,                                                                        \
         "Add one entry to " coll "; the program is re-validated (400 with every error)",       \
         schema, 201, schema, NULL, "400,404,409,413"},                                         \
        {"GET", "/v1/programs/{program}/" coll "/{id}", IO_ROLE_VIEWER, h_entity_get,           \
         "get_" coll, "One entry of " coll, NULL, 200, schema, NULL, "404"},                   \
        {"PUT", "/v1/programs/{program}/" coll "/{id}", IO_ROLE_ADMIN, h_entity_put,            \
         "replace_" coll,                                                                       \
         "Replace one entry of " coll " (the body's id, when given, must match); re-validated", \
         schema, 200, schema, NULL, "400,404,413"},                                             \
        {"DELETE", "/v1/programs/{program}/" coll "/{id}", IO_ROLE_ADMIN, h_entity_delete,      \
         "delete_" coll,                                                                        \
         "Delete one entry of " coll " (400 when the rest of the program still refers to it)",  \
         NULL, 204, NULL, NULL, "400,404"}

static const route ROUTES[] = {
    {"GET", "/v1/health", IO_ROLE_NONE, h_health, "health", "Liveness, versions and job counts",
     NULL, 200, "Health", NULL, ""},
    {"GET", "/v1/whoami", IO_ROLE_VIEWER, h_whoami, "whoami",
     "The token's own id and role (what the console offers depends on it)", NULL, 200, "Whoami",
     NULL, ""},
    {"GET", "/v1/openapi.json", IO_ROLE_NONE, h_openapi, "openapi", "This OpenAPI document", NULL,
     200, "object", NULL, ""},
    {"POST", "/v1/validate", IO_ROLE_VIEWER, h_validate, "validate",
     "Validate an instance: 200 with the report when valid (warnings allowed), 400 with every "
     "error and its path when not",
     "InstanceRequest", 200, "Diagnostics", NULL, "400,413"},
    {"POST", "/v1/plan", IO_ROLE_COORDINATOR, h_plan, "plan",
     "Plan the quarter for an instance (solved in a child process within the time limit). "
     "Answers the solution (200), or with ?async=true a job (202)",
     "PlanRequest", 200, "Solution", "async:true = answer 202 with a job id at once", "400,413,500,503"},
    {"POST", "/v1/check", IO_ROLE_VIEWER, h_check, "check",
     "Check a solution against its instance: every hard rule it breaks and every figure it "
     "misreports (what `cohort check --json` prints; 200 also when there are violations: see "
     "status)",
     "CheckRequest", 200, "CheckReport", NULL, "400,413"},
    {"POST", "/v1/fill", IO_ROLE_COORDINATOR, h_fill, "fill",
     "A seat opened (dropped, graduated), a hold, a return or a referral: rank the waitlisted "
     "patients for each opened seat (what `cohort fill --json` prints); with \"apply\": true "
     "the top ones are placed and the answer also has the updated solution and instance",
     "FillRequest", 200, "FillReport", NULL, "400,413"},
    {"POST", "/v1/whatif", IO_ROLE_COORDINATOR, h_whatif, "whatif",
     "Plan the baseline and each scenario (in parallel child processes) and compare them (what "
     "`cohort whatif` prints). Answers the comparison (200), or with ?async=true a job (202)",
     "WhatifRequest", 200, "WhatifReport", "async:true = answer 202 with a job id at once",
     "400,413,500,503"},
    {"GET", "/v1/programs", IO_ROLE_VIEWER, h_programs_list, "list_programs",
     "Stored programs with entity counts and schedule versions", NULL, 200, "array:ProgramSummary",
     NULL, ""},
    {"POST", "/v1/programs", IO_ROLE_ADMIN, h_programs_create, "create_program",
     "Store a program from an instance (validated; 400 with every error)", "ProgramCreate", 201,
     "ProgramRef", "id:program id (default: from the program name)", "400,409,413"},
    {"GET", "/v1/programs/{program}", IO_ROLE_VIEWER, h_program_get, "get_program",
     "The stored program as an instance (what `cohort export` writes)", NULL, 200, "Instance",
     NULL, "404"},
    {"PUT", "/v1/programs/{program}", IO_ROLE_ADMIN, h_program_put, "replace_program",
     "Replace the whole program with an instance (validated)", "InstanceRequest", 200,
     "ProgramRef", NULL, "400,404,413"},
    {"DELETE", "/v1/programs/{program}", IO_ROLE_ADMIN, h_program_delete, "delete_program",
     "Delete a program with its history and schedules (the audit trail stays)", NULL, 204, NULL,
     NULL, "404"},
    ENTITY_ROUTES("group_types", "GroupType"),
    ENTITY_ROUTES("groups", "Group"),
    ENTITY_ROUTES("rooms", "Room"),
    ENTITY_ROUTES("facilitators", "Facilitator"),
    ENTITY_ROUTES("patients", "Patient"),
    {"POST", "/v1/programs/{program}/plan", IO_ROLE_COORDINATOR, h_program_plan, "plan_program",
     "Solve the stored program as a job (202); when it finds a schedule it is saved as the next "
     "schedule version (the job's \"version\")",
     "ProgramPlanRequest", 202, "JobAccepted", NULL, "400,404,413,503"},
    {"POST", "/v1/programs/{program}/events", IO_ROLE_COORDINATOR, h_events_post,
     "record_events",
     "Record roster events (all or nothing): rosters and the waitlist change, each event joins "
     "the status history; the answer ranks the waitlist for every opened seat and referral "
     "against the published (else latest) schedule (\"suggestions\", as POST /v1/fill)",
     "EventsRequest", 201, "EventsResult", NULL, "400,404,413"},
    {"GET", "/v1/programs/{program}/events", IO_ROLE_VIEWER, h_events_get, "history",
     "Roster status history, oldest first", NULL, 200, "array:HistoryEntry",
     "patient:only this patient|group:only this group", "404"},
    {"GET", "/v1/programs/{program}/schedules", IO_ROLE_VIEWER, h_schedules_list,
     "list_schedules", "Saved schedule versions", NULL, 200, "array:ScheduleSummary", NULL, "404"},
    {"POST", "/v1/programs/{program}/schedules", IO_ROLE_COORDINATOR, h_schedule_post,
     "save_schedule",
     "Save a schedule made elsewhere (a solution) as the next version; refused (400, with the "
     "checker's violations) when it breaks a hard rule of the stored program",
     "Solution", 201, "ScheduleSaved", NULL, "400,404,413"},
    {"GET", "/v1/programs/{program}/schedules/{version}", IO_ROLE_VIEWER, h_schedule_get,
     "get_schedule",
     "One saved schedule (a solution); version is a number, \"published\" or \"latest\" "
     "(header X-Schedule-Version names it)",
     NULL, 200, "Solution", NULL, "404"},
    {"POST", "/v1/programs/{program}/schedules/{version}/publish", IO_ROLE_COORDINATOR,
     h_schedule_publish, "publish_schedule",
     "Publish a schedule version (the previously published one is unpublished)", NULL, 200,
     "Published", NULL, "404"},
    {"GET", "/v1/jobs/{job}", IO_ROLE_VIEWER, h_job_get, "get_job",
     "A job's status; when done its result (and, for a stored plan, the saved version)", NULL,
     200, "Job", NULL, "404"},
    {"DELETE", "/v1/jobs/{job}", IO_ROLE_COORDINATOR, h_job_delete, "cancel_job",
     "Stop a queued or running job (its solver process is killed); answers its status", NULL,
     200, "Job", NULL, "404"},
    {"GET", "/v1/tokens", IO_ROLE_ADMIN, h_tokens_list, "list_tokens",
     "API tokens (never their secrets or hashes)", NULL, 200, "array:Token", NULL, ""},
    {"POST", "/v1/tokens", IO_ROLE_ADMIN, h_tokens_create, "create_token",
     "Create a token; its secret is in this answer only", "TokenCreate", 201, "TokenCreated",
     NULL, "400,413"},
    {"DELETE", "/v1/tokens/{token}", IO_ROLE_ADMIN, h_token_delete, "revoke_token",
     "Revoke a token", NULL, 204, NULL, NULL, "404"},
    {"GET", "/v1/audit", IO_ROLE_ADMIN, h_audit, "audit",
     "Audit trail, newest first: who (token id), when, what, before and after", NULL, 200,
     "array:AuditEntry", "program:only this program|limit:rows, 1..10000 (default 100)", "400"},
};
#define N_ROUTES ((int)(sizeof ROUTES / sizeof ROUTES[0]))

#define MAX_SEGS 8

static int split_path(char *buf, char **seg)
{
    int n = 0;
    char *p = buf;
    while (*p == '/')
        p++;
    while (*p) {
        if (n == MAX_SEGS)
            return -1;
        seg[n++] = p;
        char *s = strchr(p, '/');
        if (!s)
            break;
        *s = '\0';
        p = s + 1;
        if (!*p) /* trailing slash */
            break;
    }
    return n;
}

/* Does the template match the segments?  Fills params. */
static int route_match(const route *rt, char **seg, int n, const char **param)
{
    const char *t = rt->path + 1;
    int i = 0, np = 0;
    while (*t) {
        size_t len = strcspn(t, "/");
        if (i >= n)
            return 0;
        if (t[0] == '{') {
            if (np < 4)
                param[np++] = seg[i];
        } else if (strlen(seg[i]) != len || strncmp(seg[i], t, len) != 0) {
            return 0;
        }
        i++;
        t += len;
        if (*t == '/')
            t++;
    }
    return i == n;
}

/* ------------------------------------------------------------- HTTP */

static enum MHD_Result authorise(http_req *q, const route *rt, int *ok)
{
    *ok = 0;
    const char *h = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return send_error_c(q->conn, q->r, 401, NULL, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                            "Bearer realm=\"cohort\"",
                            "a bearer token is required (Authorization: Bearer TOKEN)");
    const char *tok = h + 7;
    while (*tok == ' ')
        tok++;
    long id = 0;
    int role = IO_ROLE_NONE;
    int rc = io_store_token_auth(q->srv->store, tok, &id, &role);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error_c(q->conn, q->r, 401, NULL, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                            "Bearer realm=\"cohort\", error=\"invalid_token\"",
                            "the token is unknown or revoked");
    if (rc != IO_OK)
        return send_error(q, 500, NULL, "cannot check the token");
    if (role < rt->role)
        return send_error(q, 403, NULL, "this needs the %s role; the token has %s",
                          io_role_name(rt->role), io_role_name(role));
    q->actor = id;
    q->role = role;
    *ok = 1;
    return MHD_YES;
}

static enum MHD_Result dispatch(io_server *srv, struct MHD_Connection *c, req_ctx *r,
                                const char *url, const char *method)
{
    http_req q = {srv, c, r, {NULL, NULL, NULL, NULL}, 0, IO_ROLE_NONE};
    if (strncmp(url, "/v1/", 4) != 0 && strcmp(url, "/v1") != 0) { /* the console (web.c) */
        r->tmpl = "/ (console)";
        return (enum MHD_Result)io_web_respond(c, url, method, &r->status);
    }
    if (r->too_big)
        return send_error_c(c, r, 413, NULL, NULL, NULL,
                            "the request body is larger than %zu bytes", srv->opt.max_body);
    size_t ul = strlen(url);
    if (ul >= 2048)
        return send_error_c(c, r, 404, NULL, NULL, NULL, "no such resource");
    char buf[2048];
    memcpy(buf, url, ul + 1);
    char *seg[MAX_SEGS];
    int n = split_path(buf, seg);
    const route *hit = NULL;
    char allow[128] = "";
    int path_found = 0;
    for (int i = 0; n >= 0 && i < N_ROUTES; i++) {
        const char *param[4] = {NULL, NULL, NULL, NULL};
        if (!route_match(&ROUTES[i], seg, n, param))
            continue;
        path_found = 1;
        if (strlen(allow) + strlen(ROUTES[i].method) + 3 < sizeof allow) {
            if (allow[0])
                strcat(allow, ", ");
            strcat(allow, ROUTES[i].method);
        }
        if (strcmp(ROUTES[i].method, method) == 0) {
            hit = &ROUTES[i];
            memcpy(q.param, param, sizeof param);
        }
    }
    if (!path_found)
        return send_error_c(c, r, 404, NULL, NULL, NULL, "no such resource");
    if (!hit)
        return send_error_c(c, r, 405, NULL, MHD_HTTP_HEADER_ALLOW, allow,
                            "method %s is not allowed here (allowed: %s)", method, allow);
    r->tmpl = hit->path;
    if (hit->role > IO_ROLE_NONE) {
        int ok;
        enum MHD_Result ret = authorise(&q, hit, &ok);
        if (!ok)
            return ret;
    }
    return hit->fn(&q);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    io_server *srv = cls;
    req_ctx *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->t0 = now_s();
        snprintf(r->method, sizeof r->method, "%s", method);
        *con_cls = r;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > srv->opt.max_body) {
            r->too_big = 1;
            return send_error_c(c, r, 413, NULL, NULL, NULL,
                                "the request body is larger than %zu bytes", srv->opt.max_body);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        r->received += n;
        /* past the limit the rest is read and dropped (the 413 can only be
         * sent once the request is complete); a client that keeps sending
         * far past it loses the connection */
        if (r->too_big && r->received > 4 * srv->opt.max_body + ((size_t)1 << 20))
            return MHD_NO;
        if (r->too_big || r->status)
            return MHD_YES;
        if (r->len + n > srv->opt.max_body) {
            r->too_big = 1;
            free(r->body);
            r->body = NULL;
            r->len = r->cap = 0;
            return MHD_YES;
        }
        if (r->len + n + 1 > r->cap) {
            size_t cap = r->cap ? r->cap : 4096;
            while (cap < r->len + n + 1)
                cap *= 2;
            char *nb = realloc(r->body, cap);
            if (!nb)
                return MHD_NO;
            r->body = nb;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload_data, n);
        r->len += n;
        r->body[r->len] = '\0';
        return MHD_YES;
    }
    if (r->status)
        return MHD_YES;
    return dispatch(srv, c, r, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    io_server *srv = cls;
    req_ctx *r = *con_cls;
    if (!r)
        return;
    if (srv->opt.log) {
        char ts[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        pthread_mutex_lock(&srv->log_mu);
        fprintf(srv->opt.log, "%s %s %s %d %.1fms\n", ts, r->method, r->tmpl ? r->tmpl : "-",
                r->status ? r->status : 0, (now_s() - r->t0) * 1000.0);
        fflush(srv->opt.log);
        pthread_mutex_unlock(&srv->log_mu);
    }
    free(r->body);
    free(r);
    *con_cls = NULL;
}

void io_server_options_default(io_server_options *o)
{
    memset(o, 0, sizeof *o);
    o->bind = "127.0.0.1";
    o->port = 8080;
    o->max_body = (size_t)32 * 1024 * 1024;
    o->timeout_s = 30;
    o->max_connections = 256;
    o->max_jobs = 2;
    o->max_queued = 32;
    o->log = NULL;
}

static char *msgdup(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *msgdup(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}

int io_server_start(const char *db_path, const io_server_options *o, io_server **out, char **err)
{
    if (err)
        *err = NULL;
    io_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return IO_ENOMEM;
    if (o)
        srv->opt = *o;
    else
        io_server_options_default(&srv->opt);
    if (!srv->opt.bind)
        srv->opt.bind = "127.0.0.1";
    pthread_mutex_init(&srv->log_mu, NULL);
    pthread_mutex_init(&srv->sched_mu, NULL);
    int rc = io_store_open(db_path, 1, &srv->store, err);
    if (rc != IO_OK)
        goto fail;
    srv->openapi = io_server_openapi_json();
    if (!srv->openapi) {
        rc = IO_ENOMEM;
        goto fail;
    }
    rc = io_jobs_create(srv->opt.worker, srv->opt.max_jobs, srv->opt.max_queued, &srv->jobs);
    if (rc != IO_OK) {
        if (err)
            *err = msgdup("cannot start the job thread");
        goto fail;
    }
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, srv->opt.bind, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)srv->opt.port);
        sa = (struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, srv->opt.bind, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)srv->opt.port);
        sa = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        if (err)
            *err = msgdup("--bind %s is not a numeric IPv4 or IPv6 address", srv->opt.bind);
        rc = IO_EINVAL;
        goto fail;
    }
    if (srv->opt.port < 0 || srv->opt.port > 65535) {
        if (err)
            *err = msgdup("port %d is out of range", srv->opt.port);
        rc = IO_EINVAL;
        goto fail;
    }
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)srv->opt.port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(srv->opt.timeout_s > 0 ? srv->opt.timeout_s : 30),
        MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(srv->opt.max_connections > 0 ? srv->opt.max_connections : 256),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        (unsigned)1, MHD_OPTION_END);
    if (!srv->daemon) {
        if (err)
            *err = msgdup("cannot listen on %s port %d (in use, or not allowed)", srv->opt.bind,
                          srv->opt.port);
        rc = IO_EIO;
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : srv->opt.port;
    *out = srv;
    return IO_OK;
fail:
    io_jobs_destroy(srv->jobs);
    io_store_close(srv->store);
    free(srv->openapi);
    pthread_mutex_destroy(&srv->log_mu);
    pthread_mutex_destroy(&srv->sched_mu);
    free(srv);
    return rc;
}

int io_server_port(const io_server *s)
{
    return s ? s->port : -1;
}

void io_server_stop(io_server *s)
{
    if (!s)
        return;
    /* Jobs first: shutting them down wakes requests waiting on a
     * synchronous solve, so the connection threads can finish. */
    io_jobs_shutdown(s->jobs);
    MHD_stop_daemon(s->daemon);
    io_jobs_destroy(s->jobs);
    io_store_close(s->store);
    free(s->openapi);
    for (int i = 0; i < SCHED_CACHE; i++)
        if (s->sched[i]) {
            model_solution_destroy(s->sched[i]->sol);
            free(s->sched[i]);
        }
    pthread_mutex_destroy(&s->log_mu);
    pthread_mutex_destroy(&s->sched_mu);
    free(s);
}

/* ----------------------------------------------------------- OpenAPI */

/* Schemas and shared responses; the paths are generated from ROUTES[]. */
static const char COMPONENTS[] =
    "{\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\","
    "\"description\":\"A token from `cohort token create --role admin|coordinator|viewer` or "
    "POST /v1/tokens. viewer reads; coordinator also records events, plans, publishes and "
    "cancels jobs; admin also manages programs, their entities and tokens.\"}},"
    "\"schemas\":{"
    "\"Error\":{\"type\":\"object\",\"required\":[\"error\"],\"properties\":{\"error\":{"
    "\"type\":\"object\",\"required\":[\"status\",\"message\"],\"properties\":{"
    "\"status\":{\"type\":\"integer\"},\"message\":{\"type\":\"string\"},"
    "\"path\":{\"type\":\"string\",\"description\":\"JSON path of the offending value in the "
    "request body, e.g. instance.patients[12].available[0].to\"}}}}},"
    "\"Whoami\":{\"type\":\"object\",\"required\":[\"token\",\"role\"],\"properties\":{"
    "\"token\":{\"type\":\"integer\",\"description\":\"the token's id\"},"
    "\"role\":{\"type\":\"string\",\"enum\":[\"viewer\",\"coordinator\",\"admin\"]}}},"
    "\"Issue\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
    "\"message\":{\"type\":\"string\"}}},"
    "\"Diagnostics\":{\"type\":\"object\",\"description\":\"What `cohort validate --json` "
    "prints; with an error member when answered with 400.\",\"properties\":{"
    "\"status\":{\"type\":\"string\",\"enum\":[\"valid\",\"invalid\"]},"
    "\"errors\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}},"
    "\"warnings\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}},"
    "\"error\":{\"type\":\"object\"}}},"
    "\"Window\":{\"type\":\"object\",\"required\":[\"day\",\"from\",\"to\"],\"properties\":{"
    "\"day\":{\"type\":\"string\",\"enum\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\","
    "\"sun\"]},\"from\":{\"type\":\"string\",\"example\":\"09:00\"},"
    "\"to\":{\"type\":\"string\",\"example\":\"17:00\"}}},"
    "\"Instance\":{\"type\":\"object\",\"description\":\"A program instance (docs/FORMAT.md; "
    "field names as in the SPEC).\",\"required\":[\"program\"],\"properties\":{"
    "\"program\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
    "\"horizon\":{\"type\":\"object\",\"properties\":{\"start\":{\"type\":\"string\","
    "\"format\":\"date\"},\"weeks\":{\"type\":\"integer\"}}},"
    "\"days\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"slot_starts\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"closed_dates\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"format\":\"date\"}}}},"
    "\"settings\":{\"type\":\"object\"},"
    "\"group_types\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/GroupType\"}},"
    "\"groups\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Group\"}},"
    "\"rooms\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Room\"}},"
    "\"facilitators\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
    "Facilitator\"}},"
    "\"patients\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Patient\"}}}},"
    "\"GroupType\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"cpt\":{\"type\":\"string\"},"
    "\"rate\":{\"type\":\"number\"},\"duration_min\":{\"type\":\"integer\"},"
    "\"min_size\":{\"type\":\"integer\"},\"max_size\":{\"type\":\"integer\"},"
    "\"required_credentials\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"cofacilitation\":{\"type\":\"boolean\"},"
    "\"cofacilitator_credentials\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"diagnoses\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"modality\":{\"type\":\"string\",\"enum\":[\"in_person\",\"telehealth\"]},"
    "\"room_features\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"cadence\":{\"type\":\"string\",\"enum\":[\"weekly\",\"biweekly\"]},"
    "\"age_min\":{\"type\":\"integer\"},\"age_max\":{\"type\":\"integer\"},"
    "\"gender\":{\"type\":\"string\"},\"composition\":{\"type\":\"object\",\"properties\":{"
    "\"max_new_share\":{\"type\":\"number\"},\"max_high_acuity\":{\"type\":\"integer\"},"
    "\"max_age_spread\":{\"type\":\"integer\"}}}}},"
    "\"Member\":{\"type\":\"object\",\"required\":[\"patient\",\"status\"],\"properties\":{"
    "\"patient\":{\"type\":\"string\"},\"status\":{\"type\":\"string\",\"enum\":[\"active\","
    "\"hold_clinical\",\"hold_admin\",\"graduated\",\"dropped\"]},"
    "\"since\":{\"type\":\"string\",\"format\":\"date\"}}},"
    "\"Group\":{\"type\":\"object\",\"required\":[\"id\",\"type\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"},"
    "\"optional\":{\"type\":\"boolean\"},\"pinned\":{\"type\":\"object\",\"properties\":{"
    "\"day\":{\"type\":\"string\"},\"start\":{\"type\":\"string\"},\"room\":{\"type\":\"string\"},"
    "\"facilitators\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"substitute\":{\"type\":\"string\"}}},"
    "\"members\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Member\"}}}},"
    "\"Room\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"capacity\":{\"type\":\"integer\"},"
    "\"features\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"available\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Window\"}},"
    "\"site\":{\"type\":\"string\"}}},"
    "\"Facilitator\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},"
    "\"credentials\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"available\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Window\"}},"
    "\"max_per_day\":{\"type\":\"integer\"},\"max_per_week\":{\"type\":\"integer\"},"
    "\"time_off\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
    "\"from\":{\"type\":\"string\",\"format\":\"date\"},\"to\":{\"type\":\"string\","
    "\"format\":\"date\"}}}}}},"
    "\"Patient\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"diagnoses\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"string\"}},\"group_types\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"available\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Window\"}},"
    "\"added\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"acuity\":{\"type\":\"string\",\"enum\":[\"low\",\"moderate\",\"high\"]},"
    "\"age\":{\"type\":\"integer\"},\"gender\":{\"type\":\"string\"},"
    "\"modality\":{\"type\":\"string\",\"enum\":[\"in_person\",\"telehealth\",\"either\"]},"
    "\"screened\":{\"type\":\"boolean\"},\"insurance_verified\":{\"type\":\"boolean\"},"
    "\"priority\":{\"type\":\"integer\",\"minimum\":0}}},"
    "\"InstanceRequest\":{\"description\":\"An instance, or {\\\"instance\\\": instance}.\","
    "\"oneOf\":[{\"$ref\":\"#/components/schemas/Instance\"},{\"type\":\"object\","
    "\"required\":[\"instance\"],\"properties\":{\"instance\":{\"$ref\":\"#/components/schemas/"
    "Instance\"}}}]},"
    "\"PlanRequest\":{\"description\":\"An instance, or {\\\"instance\\\", options}.\","
    "\"oneOf\":[{\"$ref\":\"#/components/schemas/Instance\"},{\"type\":\"object\","
    "\"required\":[\"instance\"],\"properties\":{\"instance\":{\"$ref\":\"#/components/schemas/"
    "Instance\"},\"time_limit_s\":{\"type\":\"number\",\"description\":\"overrides "
    "settings.time_limit_s\"},\"mip_gap\":{\"type\":\"number\"},\"baseline\":{\"$ref\":"
    "\"#/components/schemas/Solution\",\"description\":\"re-plan with fewest changes against "
    "this solution\"}}}]},"
    "\"ProgramCreate\":{\"description\":\"An instance, or {\\\"id\\\", \\\"instance\\\"}.\","
    "\"oneOf\":[{\"$ref\":\"#/components/schemas/Instance\"},{\"type\":\"object\","
    "\"required\":[\"instance\"],\"properties\":{\"id\":{\"type\":\"string\",\"pattern\":"
    "\"^[A-Za-z0-9._-]{1,64}$\"},\"instance\":{\"$ref\":\"#/components/schemas/Instance\"}}}]},"
    "\"ProgramRef\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
    "\"href\":{\"type\":\"string\"}}},"
    "\"ProgramSummary\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
    "\"name\":{\"type\":\"string\"},\"created\":{\"type\":\"string\"},\"updated\":{\"type\":"
    "\"string\"},\"counts\":{\"type\":\"object\",\"additionalProperties\":{\"type\":"
    "\"integer\"}},\"schedules\":{\"type\":\"integer\"},\"published\":{\"type\":\"integer\","
    "\"nullable\":true}}},"
    "\"ProgramPlanRequest\":{\"type\":\"object\",\"description\":\"Optional (an empty body "
    "is fine).\",\"properties\":{\"time_limit_s\":{\"type\":\"number\"},\"mip_gap\":{\"type\":"
    "\"number\"},\"baseline\":{\"description\":\"re-plan with fewest changes against a saved "
    "version: a number, \\\"published\\\" or \\\"latest\\\"\",\"oneOf\":[{\"type\":"
    "\"integer\"},{\"type\":\"string\"}]}}},"
    "\"Solution\":{\"type\":\"object\",\"description\":\"What `cohort plan` writes (SPEC "
    "Outputs).\",\"properties\":{\"status\":{\"type\":\"string\",\"enum\":[\"optimal\","
    "\"feasible\",\"infeasible\",\"time_limit\",\"invalid\"]},\"objective\":{\"type\":"
    "\"number\"},\"bound\":{\"type\":\"number\"},\"gap\":{\"type\":\"number\"},"
    "\"solve_seconds\":{\"type\":\"number\"},\"objective_terms\":{\"type\":\"object\"},"
    "\"groups\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
    "\"sessions\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
    "\"unplaced\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
    "\"metrics\":{\"type\":\"object\"},\"diagnosis\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"string\"}}}},"
    "\"Event\":{\"type\":\"object\",\"required\":[\"event\"],\"properties\":{"
    "\"event\":{\"type\":\"string\",\"enum\":[\"dropped\",\"graduated\",\"hold_clinical\","
    "\"hold_admin\",\"returned\",\"placed\",\"referral\"]},\"group\":{\"type\":\"string\","
    "\"description\":\"all but referral\"},\"patient\":{\"description\":\"a patient id; for a "
    "referral the new patient object (added defaults to date)\",\"oneOf\":[{\"type\":"
    "\"string\"},{\"$ref\":\"#/components/schemas/Patient\"}]},\"date\":{\"type\":\"string\","
    "\"format\":\"date\",\"description\":\"default: today (UTC)\"}}},"
    "\"EventsRequest\":{\"description\":\"One event, an array, or {\\\"events\\\": [...]}.\","
    "\"oneOf\":[{\"$ref\":\"#/components/schemas/Event\"},{\"type\":\"array\",\"items\":"
    "{\"$ref\":\"#/components/schemas/Event\"}},{\"type\":\"object\",\"required\":[\"events\"],"
    "\"properties\":{\"events\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
    "Event\"}}}}]},"
    "\"EventsResult\":{\"type\":\"object\",\"properties\":{\"recorded\":{\"type\":\"array\","
    "\"items\":{\"$ref\":\"#/components/schemas/HistoryEntry\"}},\"schedule_version\":{"
    "\"type\":\"integer\",\"description\":\"the schedule the suggestions are ranked "
    "against\"},\"suggestions\":{\"nullable\":true,\"allOf\":[{\"$ref\":\"#/components/"
    "schemas/FillReport\"}],\"description\":\"null when no schedule is saved (see note) "
    "or fill refused the events (see errors)\"},\"note\":{\"type\":\"string\"},"
    "\"errors\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}}}},"
    "\"CheckRequest\":{\"type\":\"object\",\"required\":[\"instance\",\"solution\"],"
    "\"properties\":{\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},"
    "\"solution\":{\"$ref\":\"#/components/schemas/Solution\"}}},"
    "\"CheckReport\":{\"type\":\"object\",\"properties\":{\"status\":{\"type\":"
    "\"string\",\"enum\":[\"ok\",\"violations\"]},\"violations\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\",\"properties\":{\"rule\":{\"type\":\"integer\"},"
    "\"entity\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}}},"
    "\"metrics_mismatches\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"properties\":{\"field\":{\"type\":\"string\"},\"reported\":{\"type\":\"number\"},"
    "\"expected\":{\"type\":\"number\"},\"message\":{\"type\":\"string\"}}}},"
    "\"metrics_compared\":{\"type\":\"boolean\"},\"objective_terms_compared\":{\"type\":"
    "\"boolean\"},\"objective\":{\"type\":\"number\"},\"metrics\":{\"type\":\"object\"},"
    "\"objective_terms\":{\"type\":\"object\"}}},"
    "\"FillRequest\":{\"type\":\"object\",\"required\":[\"instance\",\"solution\","
    "\"events\"],\"properties\":{\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},"
    "\"solution\":{\"$ref\":\"#/components/schemas/Solution\"},\"events\":{\"description\":"
    "\"one event or an array (event: dropped, graduated, hold_clinical, hold_admin, returned, "
    "referral)\",\"oneOf\":[{\"$ref\":\"#/components/schemas/Event\"},{\"type\":\"array\","
    "\"items\":{\"$ref\":\"#/components/schemas/Event\"}}]},\"top_n\":{\"type\":"
    "\"integer\",\"default\":5},\"apply\":{\"type\":\"boolean\",\"default\":false},"
    "\"turnover_per_month\":{\"type\":\"number\"},\"hold_turnover_per_month\":{\"type\":"
    "\"number\"},\"grace_weeks\":{\"type\":\"integer\"}}},"
    "\"FillReport\":{\"type\":\"object\",\"description\":\"What `cohort fill --json` "
    "prints: the events, each opened seat with its ranked candidates and why they fit, "
    "referrals, groups below their minimum, figures before and after; with apply also "
    "solution and instance.\"},"
    "\"WhatifRequest\":{\"type\":\"object\",\"required\":[\"instance\",\"scenarios\"],"
    "\"properties\":{\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},"
    "\"scenarios\":{\"type\":\"array\",\"items\":{\"type\":\"object\"},\"description\":"
    "\"named lists of changes, as in a `cohort whatif` scenario file\"},\"marginal\":{"
    "\"type\":\"boolean\"},\"time_limit_s\":{\"type\":\"number\",\"description\":\"per "
    "plan\"},\"mip_gap\":{\"type\":\"number\"}}},"
    "\"WhatifReport\":{\"type\":\"object\",\"description\":\"What `cohort whatif` prints "
    "as JSON: each scenario's metrics beside the baseline, and the differences.\"},"
    "\"HistoryEntry\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"event\":{\"type\":\"string\"},\"group\":{\"type\":\"string\",\"nullable\":true},"
    "\"patient\":{\"type\":\"string\"},\"status\":{\"type\":\"string\",\"nullable\":true},"
    "\"date\":{\"type\":\"string\",\"nullable\":true},\"actor\":{\"type\":\"integer\","
    "\"nullable\":true},\"at\":{\"type\":\"string\"}}},"
    "\"ScheduleSummary\":{\"type\":\"object\",\"properties\":{\"version\":{\"type\":"
    "\"integer\"},\"status\":{\"type\":\"string\"},\"objective\":{\"type\":\"number\","
    "\"nullable\":true},\"created\":{\"type\":\"string\"},\"published\":{\"type\":"
    "\"boolean\"},\"actor\":{\"type\":\"integer\",\"nullable\":true}}},"
    "\"ScheduleSaved\":{\"type\":\"object\",\"properties\":{\"program\":{\"type\":"
    "\"string\"},\"version\":{\"type\":\"integer\"},\"misreported_figures\":{\"type\":"
    "\"integer\",\"description\":\"metrics the solution states differently from the "
    "checker's recomputation (saved as given)\"},\"href\":{\"type\":\"string\"}}},"
    "\"Published\":{\"type\":\"object\",\"properties\":{\"program\":{\"type\":\"string\"},"
    "\"published\":{\"type\":\"integer\"}}},"
    "\"JobAccepted\":{\"type\":\"object\",\"properties\":{\"job\":{\"type\":\"string\"},"
    "\"status\":{\"type\":\"string\"},\"href\":{\"type\":\"string\"}}},"
    "\"Job\":{\"type\":\"object\",\"properties\":{\"job\":{\"type\":\"string\"},"
    "\"kind\":{\"type\":\"string\"},\"program\":{\"type\":\"string\"},\"status\":{\"type\":"
    "\"string\",\"enum\":[\"queued\",\"running\",\"done\",\"failed\",\"cancelled\"]},"
    "\"created\":{\"type\":\"string\"},\"started\":{\"type\":\"string\"},\"finished\":{\"type\":"
    "\"string\"},\"seconds\":{\"type\":\"number\"},\"error\":{\"type\":\"string\"},"
    "\"version\":{\"type\":\"integer\",\"nullable\":true,\"description\":\"stored plan: the "
    "saved schedule version\"},\"result\":{\"description\":\"when done: the solution\"}}},"
    "\"Health\":{\"type\":\"object\",\"properties\":{\"status\":{\"type\":\"string\"},"
    "\"version\":{\"type\":\"string\"},\"schema_version\":{\"type\":\"integer\"},"
    "\"glpk\":{\"type\":\"string\"},\"jobs\":{\"type\":\"object\"}}},"
    "\"TokenCreate\":{\"type\":\"object\",\"required\":[\"role\"],\"properties\":{"
    "\"role\":{\"type\":\"string\",\"enum\":[\"viewer\",\"coordinator\",\"admin\"]},"
    "\"name\":{\"type\":\"string\"}}},"
    "\"Token\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"name\":{\"type\":\"string\",\"nullable\":true},\"role\":{\"type\":\"string\"},"
    "\"created\":{\"type\":\"string\"},\"revoked\":{\"type\":\"string\",\"nullable\":true}}},"
    "\"TokenCreated\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"role\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"token\":{\"type\":"
    "\"string\",\"description\":\"the secret; shown once, stored as SHA-256 only\"}}},"
    "\"AuditEntry\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"at\":{\"type\":\"string\"},\"actor\":{\"type\":\"integer\",\"nullable\":true,"
    "\"description\":\"token id; null = the local command line\"},\"action\":{\"type\":"
    "\"string\"},\"entity\":{\"type\":\"string\"},\"program\":{\"type\":\"string\","
    "\"nullable\":true},\"before\":{\"nullable\":true},\"after\":{\"nullable\":true}}}"
    "}}";

static const struct {
    const char *code, *name, *description;
} ERROR_RESPONSES[] = {
    {"400", "BadRequest",
     "Malformed JSON, a bad field, or an invalid program: error.path names the value; invalid "
     "instances also list every error with its path"},
    {"401", "Unauthorized", "No bearer token, or an unknown or revoked one"},
    {"403", "Forbidden", "The token's role is not enough for this operation"},
    {"404", "NotFound", "No such program, entity, schedule version, job or token"},
    {"405", "MethodNotAllowed", "The path exists but not with this method (see Allow)"},
    {"409", "Conflict", "The id exists already, or the job was cancelled"},
    {"413", "PayloadTooLarge", "The body is larger than --max-body"},
    {"500", "ServerError", "Internal error (or the solver process failed)"},
    {"503", "Unavailable", "Too many solves are waiting (see Retry-After)"},
};
#define N_ERROR_RESPONSES ((int)(sizeof ERROR_RESPONSES / sizeof ERROR_RESPONSES[0]))

static json_t *schema_ref(const char *s)
{
    char ref[128];
    if (strcmp(s, "object") == 0)
        return json_pack("{s:s}", "type", "object");
    if (strncmp(s, "array:", 6) == 0) {
        snprintf(ref, sizeof ref, "#/components/schemas/%s", s + 6);
        return json_pack("{s:s,s:{s:s}}", "type", "array", "items", "$ref", ref);
    }
    snprintf(ref, sizeof ref, "#/components/schemas/%s", s);
    return json_pack("{s:s}", "$ref", ref);
}

static const char *param_doc(const char *name)
{
    if (strcmp(name, "program") == 0)
        return "Program id";
    if (strcmp(name, "id") == 0)
        return "Entity id (the entry's \"id\")";
    if (strcmp(name, "version") == 0)
        return "Schedule version number, \"published\" or \"latest\"";
    if (strcmp(name, "job") == 0)
        return "Job id";
    return "Token id";
}

static void add_error_ref(json_t *responses, const char *code)
{
    for (int k = 0; k < N_ERROR_RESPONSES; k++)
        if (strcmp(ERROR_RESPONSES[k].code, code) == 0) {
            char ref[96];
            snprintf(ref, sizeof ref, "#/components/responses/%s", ERROR_RESPONSES[k].name);
            json_object_set_new(responses, code, json_pack("{s:s}", "$ref", ref));
        }
}

static json_t *operation(const route *rt)
{
    json_t *op = json_pack("{s:s,s:s}", "operationId", rt->op, "summary", rt->summary);
    if (!op)
        return NULL;
    const char *tag = rt->path + 4; /* after "/v1/" */
    char tagbuf[32];
    size_t tl = strcspn(tag, "/");
    snprintf(tagbuf, sizeof tagbuf, "%.*s", (int)tl, tag);
    if (strcmp(tagbuf, "validate") == 0 || strcmp(tagbuf, "plan") == 0 ||
        strcmp(tagbuf, "fill") == 0 || strcmp(tagbuf, "whatif") == 0 ||
        strcmp(tagbuf, "check") == 0)
        snprintf(tagbuf, sizeof tagbuf, "stateless");
    else if (strcmp(tagbuf, "health") == 0 || strcmp(tagbuf, "openapi.json") == 0)
        snprintf(tagbuf, sizeof tagbuf, "meta");
    json_object_set_new(op, "tags", json_pack("[s]", tagbuf));
    json_object_set_new(op, "x-min-role", json_string(io_role_name(rt->role)));
    if (rt->role == IO_ROLE_NONE)
        json_object_set_new(op, "security", json_array());
    json_t *params = json_array();
    for (const char *p = strchr(rt->path, '{'); p; p = strchr(p + 1, '{')) {
        char name[32];
        size_t n = strcspn(p + 1, "}");
        snprintf(name, sizeof name, "%.*s", (int)n, p + 1);
        json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:s,s:{s:s}}", "name", name, "in",
                                                "path", "required", 1, "description",
                                                param_doc(name), "schema", "type", "string"));
    }
    if (rt->query) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", rt->query);
        char *save = NULL;
        for (char *item = strtok_r(buf, "|", &save); item; item = strtok_r(NULL, "|", &save)) {
            char *colon = strchr(item, ':');
            if (colon)
                *colon = '\0';
            json_array_append_new(params,
                                  json_pack("{s:s,s:s,s:b,s:s,s:{s:s}}", "name", item, "in",
                                            "query", "required", 0, "description",
                                            colon ? colon + 1 : "", "schema", "type", "string"));
        }
    }
    if (json_array_size(params))
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);
    if (rt->request)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b,s:{s:{s:o}}}", "required",
                                      strcmp(rt->request, "ProgramPlanRequest") != 0, "content",
                                      "application/json", "schema", schema_ref(rt->request)));
    json_t *responses = json_object();
    char code[8];
    snprintf(code, sizeof code, "%d", rt->ok);
    const char *desc = rt->ok == 201 ? "Created" : rt->ok == 202 ? "Accepted: a job" :
                       rt->ok == 204 ? "Done (no content)" : "OK";
    if (rt->response)
        json_object_set_new(responses, code,
                            json_pack("{s:s,s:{s:{s:o}}}", "description", desc, "content",
                                      "application/json", "schema", schema_ref(rt->response)));
    else
        json_object_set_new(responses, code, json_pack("{s:s}", "description", desc));
    if (rt->role > IO_ROLE_NONE) {
        add_error_ref(responses, "401");
        add_error_ref(responses, "403");
    }
    char errs[64];
    snprintf(errs, sizeof errs, "%s", rt->errors ? rt->errors : "");
    char *save = NULL;
    for (char *c = strtok_r(errs, ",", &save); c; c = strtok_r(NULL, ",", &save))
        add_error_ref(responses, c);
    json_object_set_new(op, "responses", responses);
    return op;
}

char *io_server_openapi_json(void)
{
    json_t *components = json_loads(COMPONENTS, 0, NULL);
    json_t *paths = json_object();
    if (!components || !paths) {
        json_decref(components);
        json_decref(paths);
        return NULL;
    }
    json_t *resp = json_object();
    for (int k = 0; k < N_ERROR_RESPONSES; k++)
        json_object_set_new(resp, ERROR_RESPONSES[k].name,
                            json_pack("{s:s,s:{s:{s:{s:s}}}}", "description",
                                      ERROR_RESPONSES[k].description, "content",
                                      "application/json", "schema", "$ref",
                                      k == 0 ? "#/components/schemas/Diagnostics"
                                             : "#/components/schemas/Error"));
    json_object_set_new(components, "responses", resp);
    for (int i = 0; i < N_ROUTES; i++) {
        json_t *item = json_object_get(paths, ROUTES[i].path);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, ROUTES[i].path, item);
        }
        char m[8];
        snprintf(m, sizeof m, "%s", ROUTES[i].method);
        for (char *c = m; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        json_object_set_new(item, m, operation(&ROUTES[i]));
    }
    json_t *doc = json_pack(
        "{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:[{s:[]}],s:o,s:o}", "openapi", "3.0.3", "info", "title",
        "cohort API", "version", COHORT_VERSION, "description",
        "Plans group-therapy programs and keeps them in a store. Every error is a JSON body "
        "{\"error\":{\"status\",\"message\",\"path\"?}}; a path that exists answers 405 (with "
        "Allow) to other methods. Bodies are JSON; larger than --max-body answers 413. Solves "
        "run in child processes within their time limit.",
        "servers", "url", "http://127.0.0.1:8080", "security", "bearer", "paths", paths,
        "components", components);
    char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
    json_decref(doc);
    return text;
}
