/*
 * reply.c - how `cohort serve` answers: JSON and text bodies, RFC 9457
 * problem details (one shape for every error, with errors[] for
 * validation), diagnostics and store errors mapped to their statuses.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
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
#include <unistd.h>

#include "http/web.h"
#include "http_private.h"

/* ------------------------------------------------------------ replies */

/* Queue text (malloc'd, owned from here; NULL = empty body) with status,
 * media type ctype (when text) and one optional extra header. */
static enum MHD_Result send_typed(struct MHD_Connection *c, req_ctx *r, int status, char *text,
                                  const char *ctype, const char *hname, const char *hvalue)
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
    if (text && !(hname && strcasecmp(hname, MHD_HTTP_HEADER_CONTENT_TYPE) == 0))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (hname && hvalue)
        MHD_add_response_header(resp, hname, hvalue);
    if (r->etag[0] && status < 300)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    r->status = status;
    return ret;
}

enum MHD_Result send_text(struct MHD_Connection *c, req_ctx *r, int status, char *text,
                          const char *hname, const char *hvalue)
{
    return send_typed(c, r, status, text, "application/json", hname, hvalue);
}

/* The last-resort problem when even building one failed. */
static const char OOM_PROBLEM[] =
    "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
    "\"detail\":\"out of memory\"}";

enum MHD_Result send_json(http_req *q, int status, json_t *j, const char *hname,
                          const char *hvalue)
{
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!text)
        return send_typed(q->conn, q->r, 500, strdup(OOM_PROBLEM), "application/problem+json",
                          NULL, NULL);
    return send_text(q->conn, q->r, status, text, hname, hvalue);
}

/* The reason phrase of an error status (the problem's title). */
static const char *status_title(int status)
{
    const char *t = MHD_get_reason_phrase_for((unsigned)status);
    return t && *t ? t : "Error";
}

json_t *problem_obj(int status, const char *path, const char *detail)
{
    json_t *p = json_pack("{s:s,s:s,s:i,s:s}", "type", "about:blank", "title",
                          status_title(status), "status", status, "detail", detail);
    if (p && path)
        json_object_set_new(p, "errors", json_pack("[{s:s,s:s}]", "path", path, "message",
                                                    detail));
    return p;
}

enum MHD_Result send_problem(struct MHD_Connection *c, req_ctx *r, int status, json_t *p,
                             const char *hname, const char *hvalue)
{
    char *text = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    if (!text) {
        status = 500;
        text = strdup(OOM_PROBLEM);
    }
    return send_typed(c, r, status, text, "application/problem+json", hname, hvalue);
}

enum MHD_Result send_error_c(struct MHD_Connection *c, req_ctx *r, int status,
                             const char *path, const char *hname, const char *hvalue,
                             const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return send_problem(c, r, status, problem_obj(status, path, msg), hname, hvalue);
}

/* [{path, message}] of issues, each path prefixed with prefix + "." when
 * prefix is given. */
static json_t *issues_json(const model_issue *e, int n, const char *prefix)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s%s%s", prefix ? prefix : "",
                 prefix && e[i].path[0] ? "." : "", e[i].path);
        json_array_append_new(a, json_pack("{s:s,s:s}", "path", p, "message", e[i].message));
    }
    return a;
}

/* status (400) as a problem whose errors[] are d's errors (paths prefixed
 * with prefix + "." when prefix) and whose warnings[] extension holds d's
 * warnings; detail is message and the first error. */
enum MHD_Result send_diag(http_req *q, int status, const char *message,
                          const model_diag *d, const char *prefix)
{
    json_t *errs = issues_json(d->errors, d->n_errors, prefix);
    json_t *first = json_array_get(errs, 0);
    const char *path = json_string_value(json_object_get(first, "path"));
    char msg[600];
    if (first)
        snprintf(msg, sizeof msg, "%s: %s%s%s", message, path && path[0] ? path : "",
                 path && path[0] ? ": " : "",
                 json_string_value(json_object_get(first, "message")));
    else
        snprintf(msg, sizeof msg, "%s", message);
    json_t *p = problem_obj(status, NULL, msg);
    if (p) {
        json_object_set_new(p, "errors", errs);
        json_object_set_new(p, "warnings", issues_json(d->warnings, d->n_warnings, prefix));
    } else {
        json_decref(errs);
    }
    return send_problem(q->conn, q->r, status, p, NULL, NULL);
}

/* Map a store status to a reply (for failures). */
enum MHD_Result send_store_error(http_req *q, int rc, const model_diag *d,
                                 const char *what)
{
    const char *msg = d && d->n_errors ? d->errors[0].message : NULL;
    const char *path = d && d->n_errors && d->errors[0].path[0] ? d->errors[0].path : NULL;
    switch (rc) {
    case IO_STORE_ENOTFOUND:
        return send_error(q, 404, NULL, "%s", msg ? msg : what);
    case IO_STORE_ECONFLICT:
        return send_error(q, 409, path, "%s", msg ? msg : what);
    case IO_STORE_EPRECOND:
        return send_error(q, 412, NULL, "%s", msg ? msg : "the resource has changed");
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
enum MHD_Result send_raw(http_req *q, int status, char *text)
{
    return send_text(q->conn, q->r, status, text, NULL, NULL);
}
