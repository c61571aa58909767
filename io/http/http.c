/*
 * http.c - the core of `cohort serve`, the JSON HTTP API (libmicrohttpd,
 * one thread per connection): request state, replies, body parsing,
 * routing, authorisation, and starting and stopping the server.
 *
 * Every route is one row of ROUTES[] (routes.c: method, path template,
 * least role, handler, and what the OpenAPI document says about it); the
 * OpenAPI document is generated from that table (openapi.c), so it lists
 * exactly what the server does.  The handlers live in handlers_*.c, one
 * file per resource.  Solves run as jobs in child processes
 * (server_jobs.c).  The request log names the path template, never the ids
 * in the path (patient ids are protected health information), nor any body.
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

void sched_release(io_server *srv, sched_entry *e)
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
sched_entry *sched_acquire(io_server *srv, const char *program, int *version)
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


double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

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

/* ---------------------------------------------------------- requests */

/* The page_token prefix of the route q matched: 8 hex digits of a hash
 * of its template, so that a token only works on the list it came from. */
static void page_prefix(http_req *q, char out[9])
{
    char hex[65];
    const char *t = q->r->tmpl ? q->r->tmpl : "";
    io_sha256_hex(t, strlen(t), hex);
    snprintf(out, 9, "%.8s", hex);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int page_params(http_req *q, io_page *pg)
{
    memset(pg, 0, sizeof *pg);
    pg->size = PAGE_DEFAULT;
    const char *ps = query(q, "page_size");
    if (ps) {
        char *end;
        long v = strtol(ps, &end, 10);
        if (!*ps || *end || v < 1 || v > PAGE_MAX) {
            send_error(q, 400, "page_size", "must be an integer 1..%d", PAGE_MAX);
            return -1;
        }
        pg->size = (int)v;
    }
    const char *tok = query(q, "page_token");
    if (!tok)
        return 0;
    char pre[9];
    page_prefix(q, pre);
    size_t n = strlen(tok);
    int ok = n > 8 && n % 2 == 0 && (n - 8) / 2 < sizeof q->r->cursor &&
             strncmp(tok, pre, 8) == 0;
    size_t k = 0;
    for (size_t i = 8; ok && i < n; i += 2, k++) {
        int hi = hexval(tok[i]), lo = hexval(tok[i + 1]);
        ok = hi >= 0 && lo >= 0 && (hi || lo);
        q->r->cursor[k] = (char)(hi * 16 + lo);
    }
    if (!ok) {
        send_error(q, 400, "page_token", "not a page token of this list");
        return -1;
    }
    q->r->cursor[k] = '\0';
    pg->after = q->r->cursor;
    return 0;
}

enum MHD_Result send_page(http_req *q, int rc, char *items, const io_page *pg,
                          const char *what)
{
    if (rc == IO_EINVAL)
        return send_error(q, 400, "page_token", "not a page token of this list");
    if (rc != IO_OK)
        return send_store_error(q, rc, NULL, what);
    size_t cl = strlen(pg->next);
    size_t n = strlen(items) + 2 * cl + 64;
    char *text = malloc(n);
    if (!text) {
        free(items);
        return send_error(q, 500, NULL, "out of memory");
    }
    int w = snprintf(text, n, "{\"items\":%s,\"next_page_token\":", items);
    free(items);
    if (cl) {
        char pre[9];
        page_prefix(q, pre);
        w += snprintf(text + w, n - (size_t)w, "\"%s", pre);
        for (size_t i = 0; i < cl; i++)
            w += snprintf(text + w, n - (size_t)w, "%02x", (unsigned char)pg->next[i]);
        snprintf(text + w, n - (size_t)w, "\"}");
    } else {
        snprintf(text + w, n - (size_t)w, "null}");
    }
    return send_text(q->conn, q->r, 200, text, NULL, NULL);
}

enum MHD_Result send_array_page(http_req *q, int rc, char *array, io_page *pg,
                                const char *what)
{
    long after = 0;
    const char *a = pg->after;
    if (rc == IO_OK && a &&
        (*a < '1' || *a > '9' || strspn(a, "0123456789") != strlen(a) || strlen(a) > 9))
        rc = IO_EINVAL;
    if (rc == IO_OK && a)
        after = strtol(a, NULL, 10);
    json_t *all = rc == IO_OK ? json_loads(array, 0, NULL) : NULL;
    free(array);
    if (rc == IO_OK && !json_is_array(all))
        rc = IO_ENOMEM;
    json_t *page = json_array();
    size_t n = json_array_size(all);
    for (size_t i = (size_t)after; rc == IO_OK && i < n && (int)(i - (size_t)after) < pg->size;
         i++)
        json_array_append(page, json_array_get(all, i));
    pg->next[0] = '\0';
    if ((size_t)after + json_array_size(page) < n)
        snprintf(pg->next, sizeof pg->next, "%zu", (size_t)after + json_array_size(page));
    char *items = rc == IO_OK ? json_dumps(page, JSON_COMPACT) : NULL;
    json_decref(page);
    json_decref(all);
    if (rc == IO_OK && !items)
        rc = IO_ENOMEM;
    if (rc == IO_ENOMEM)
        return send_error(q, 500, NULL, "out of memory");
    return send_page(q, rc, items, pg, what);
}

enum MHD_Result send_wrapped(http_req *q, int rc, const char *key, char *array,
                             const model_diag *d, const char *what)
{
    if (rc != IO_OK)
        return send_store_error(q, rc, d, what);
    json_t *a = json_loads(array, 0, NULL);
    free(array);
    if (!a)
        return send_error(q, 500, NULL, "out of memory");
    return send_json(q, 200, json_pack("{s:o}", key, a), NULL, NULL);
}

int body_checked(http_req *q)
{
    int sent = 0;
    json_t *b = parse_body(q, 0, &sent);
    json_decref(b);
    return b ? 0 : -1;
}

void set_etag(http_req *q, long long rev)
{
    snprintf(q->r->etag, sizeof q->r->etag, "\"%016llx\"", (unsigned long long)rev);
}

int if_match(http_req *q, io_store_rev *rv)
{
    rv->if_rev = 0;
    rv->rev = 0;
    const char *h = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MATCH);
    if (!h)
        return 0;
    while (*h == ' ')
        h++;
    if (strcmp(h, "*") == 0)
        return 0;
    unsigned long long v = 0;
    int n = 0;
    if (sscanf(h, "\"%16llx\"%n", &v, &n) == 1 && n == 18 && h[n] == '\0' && v > 0) {
        rv->if_rev = (long long)v;
        return 0;
    }
    if (h[0] == '"' || strncmp(h, "W/\"", 3) == 0) {
        rv->if_rev = -1; /* a tag, but none of ours (weak tags never match If-Match) */
        return 0;
    }
    send_error(q, 400, NULL, "If-Match must be \"*\" or one ETag as sent by a GET");
    return -1;
}

const char *query(http_req *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}

int query_flag(http_req *q, const char *name)
{
    const char *v = query(q, name);
    return v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "") == 0);
}

/* Parse the body as JSON (duplicate keys refused, as `cohort validate`
 * does; the element count and nesting checked before any tree is built).
 * NULL when a reply was sent (400, 413) or, with allow_empty, when the
 * body is empty (*sent stays 0). */
json_t *parse_body(http_req *q, int allow_empty, int *sent)
{
    *sent = 0;
    size_t n = q->r->body.len;
    const char *b = q->r->body.data;
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
    const io_server_options *o = &q->srv->opt;
    int over = json_prescan(b, n, o->max_json_values, o->max_json_depth);
    if (over) {
        *sent = 1;
        if (over == 1)
            send_error(q, 413, "", "the JSON body holds more than %ld values", o->max_json_values);
        else
            send_error(q, 413, "", "the JSON body nests deeper than %d levels", o->max_json_depth);
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(b, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        *sent = 1;
        send_error(q, 400, "", "JSON syntax error at line %d, column %d: %s", je.line, je.column,
                   je.text);
        return NULL;
    }
    char bad[300];
    if (unknown_field(q->r->rt, j, bad, sizeof bad)) {
        *sent = 1;
        send_error(q, 400, bad, "unknown field %s", bad);
        json_decref(j);
        return NULL;
    }
    return j;
}

/* The instance inside a request body: body["instance"] when present
 * (*prefix = "instance"), else the body itself. */
json_t *body_instance(json_t *body, const char **prefix)
{
    json_t *in = json_object_get(body, "instance");
    *prefix = in ? "instance" : NULL;
    return in ? in : body;
}

/* Over HTTP an unknown field is an error, not the file format's warning:
 * add an error for each "unknown field" warning of d.  Returns how many
 * (0 when none), -1 out of memory. */
int strict_fields(model_diag *d)
{
    int n = 0;
    for (int i = 0; i < d->n_warnings; i++) {
        if (strncmp(d->warnings[i].message, "unknown field", 13) != 0)
            continue;
        if (model_diag_error(d, d->warnings[i].path, "unknown field") != MODEL_OK)
            return -1;
        n++;
    }
    return n;
}

/* Parse an instance JSON value; on failure a reply was sent. */
int read_instance(http_req *q, json_t *j, const char *prefix, model_instance **out,
                  model_diag *d)
{
    if (!json_is_object(j)) {
        send_error(q, 400, prefix ? prefix : "", "the instance must be a JSON object");
        return -1;
    }
    int rc = io_instance_from_tree(j, out, d);
    if (rc == IO_OK && strict_fields(d) != 0) {
        model_instance_destroy(*out);
        *out = NULL;
        rc = IO_EINVAL;
    }
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

int read_solution(http_req *q, json_t *j, const char *prefix, model_solution **out)
{
    if (!json_is_object(j)) {
        send_error(q, 400, prefix, "the solution must be a JSON object");
        return -1;
    }
    model_diag d;
    model_diag_init(&d);
    int rc = io_solution_from_tree(j, out, &d);
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
int opt_number(http_req *q, json_t *body, const char *name, double lo, double hi,
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

/* Check the bearer token of the request against the route's least role.
 * *ok = 1 with r->actor and r->role set when it may proceed; otherwise
 * *ok = 0 and a 401/403/500 was queued. */
static enum MHD_Result authorise(io_server *srv, struct MHD_Connection *c, req_ctx *r,
                                 const route *rt, int *ok)
{
    *ok = 0;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return send_error_c(c, r, 401, NULL, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                            "Bearer realm=\"cohort\"",
                            "a bearer token is required (Authorization: Bearer TOKEN)");
    /* the token, without the blanks around it (optional white space) */
    const char *t = h + 7;
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strlen(t);
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    char tok[256];
    snprintf(tok, sizeof tok, "%.*s", (int)(n < sizeof tok ? n : 0), t);
    long id = 0;
    int role = IO_ROLE_NONE;
    int rc = io_store_token_auth(srv->store, tok, &id, &role);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error_c(c, r, 401, NULL, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                            "Bearer realm=\"cohort\", error=\"invalid_token\"",
                            "the token is unknown or revoked");
    if (rc != IO_OK)
        return send_error_c(c, r, 500, NULL, NULL, NULL, "cannot check the token");
    if (role < rt->role)
        return send_error_c(c, r, 403, NULL, NULL, NULL,
                            "this needs the %s role; the token has %s", io_role_name(rt->role),
                            io_role_name(role));
    r->actor = id;
    r->role = role;
    *ok = 1;
    return MHD_YES;
}

/* Find the route of method + url; its path parameters point into buf
 * (2048 bytes).  NULL with *status 404 or 405 (allow lists the methods
 * of the path) when there is none. */
static const route *find_route(const char *url, const char *method, char *buf,
                               const char **param, char *allow, size_t allow_cap, int *status)
{
    size_t ul = strlen(url);
    *status = 404;
    allow[0] = '\0';
    if (ul >= 2048)
        return NULL;
    memcpy(buf, url, ul + 1);
    char *seg[MAX_SEGS];
    int n = split_path(buf, seg);
    const route *hit = NULL;
    for (int i = 0; n >= 0 && i < N_ROUTES; i++) {
        const char *p[4] = {NULL, NULL, NULL, NULL};
        if (!route_match(&ROUTES[i], seg, n, p))
            continue;
        *status = 405;
        if (strlen(allow) + strlen(ROUTES[i].method) + 3 < allow_cap) {
            if (allow[0])
                strcat(allow, ", ");
            strcat(allow, ROUTES[i].method);
        }
        if (strcmp(ROUTES[i].method, method) == 0) {
            hit = &ROUTES[i];
            memcpy(param, p, sizeof p);
        }
    }
    return hit;
}

/* Everything decided from the request line and headers alone, before any
 * byte of the body is read: control bytes in headers (400), the route
 * (404/405), the token (401/403), unknown query parameters (400), the
 * declared body size (413) and type (415).  MHD_YES with r->status still 0
 * when the request may go on; otherwise a reply was queued (an unread
 * body is then never read: the connection closes after the reply). */
static enum MHD_Result admit(io_server *srv, struct MHD_Connection *c, req_ctx *r,
                             const char *url, const char *method)
{
    const char *bad = header_bytes_bad(c);
    if (bad)
        return send_error_c(c, r, 400, NULL, NULL, NULL, "header %s holds a NUL or control byte",
                            bad);
    if (strncmp(url, "/v1/", 4) != 0 && strcmp(url, "/v1") != 0) { /* the console (web.c) */
        r->tmpl = "/ (console)";
        return (enum MHD_Result)io_web_respond(c, url, method, &r->status);
    }
    char buf[2048], allow[128];
    const char *param[4];
    int status;
    const route *rt = find_route(url, method, buf, param, allow, sizeof allow, &status);
    if (!rt && status == 405)
        return send_error_c(c, r, 405, NULL, MHD_HTTP_HEADER_ALLOW, allow,
                            "method %s is not allowed here (allowed: %s)", method, allow);
    if (!rt)
        return send_error_c(c, r, 404, NULL, NULL, NULL, "no such resource");
    r->tmpl = rt->path;
    r->rt = rt;
    if (rt->role > IO_ROLE_NONE) {
        int ok;
        enum MHD_Result ret = authorise(srv, c, r, rt, &ok);
        if (!ok)
            return ret;
    }
    if ((bad = unknown_query(c, rt)))
        return send_error_c(c, r, 400, bad, NULL, NULL, "unknown query parameter %s", bad);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_TRANSFER_ENCODING);
    unsigned long long len = cl ? strtoull(cl, NULL, 10) : 0;
    if (len > srv->opt.max_body) {
        r->too_big = 1;
        return send_error_c(c, r, 413, NULL, NULL, NULL,
                            "the request body is larger than %zu bytes", srv->opt.max_body);
    }
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
    if ((len > 0 || te) && !(ct && json_content_type(ct)))
        return send_error_c(c, r, 415, NULL, NULL, NULL,
                            "the body must be JSON (Content-Type: application/json), not %s",
                            ct ? ct : "untyped");
    return MHD_YES;
}

static enum MHD_Result dispatch(io_server *srv, struct MHD_Connection *c, req_ctx *r,
                                const char *url, const char *method)
{
    http_req q = {srv, c, r, {NULL, NULL, NULL, NULL}, r->actor, r->role};
    if (r->too_big)
        return send_error_c(c, r, 413, NULL, NULL, NULL,
                            "the request body is larger than %zu bytes", srv->opt.max_body);
    char buf[2048], allow[128];
    int status;
    const route *rt = find_route(url, method, buf, q.param, allow, sizeof allow, &status);
    assert(rt); /* admit() found it in the same URL */
    return rt->fn(&q);
}

/* Keep n more body bytes of the request (up to the limit). */
static enum MHD_Result take_body(io_server *srv, req_ctx *r, const char *data, size_t n)
{
    r->received += n;
    /* past the limit the rest is read and dropped (the 413 can only be
     * sent once the request is complete); a client that keeps sending
     * far past it loses the connection */
    if (r->too_big && r->received > 4 * srv->opt.max_body + ((size_t)1 << 20))
        return MHD_NO;
    if (r->too_big || r->status)
        return MHD_YES;
    r->body.max = srv->opt.max_body;
    int rc = io_buf_append(&r->body, data, n);
    if (rc == IO_EINVAL) { /* past the limit: keep nothing */
        r->too_big = 1;
        io_buf_free(&r->body);
        return MHD_YES;
    }
    return rc == IO_OK ? MHD_YES : MHD_NO;
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
        enum MHD_Result ret = admit(srv, c, r, url, method);
        if (r->status)
            conn_mark(srv, c, 0); /* answered: what is left is sending */
        return ret;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        return take_body(srv, r, upload_data, n);
    }
    conn_mark(srv, c, 0); /* the request is in: no read deadline while it runs */
    if (r->status)
        return MHD_YES;
    return dispatch(srv, c, r, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    io_server *srv = cls;
    conn_mark(srv, c, 1); /* a kept-alive connection reads the next request */
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
    io_buf_free(&r->body);
    free(r);
    *con_cls = NULL;
}

void io_server_options_default(io_server_options *o)
{
    memset(o, 0, sizeof *o);
    o->bind = "127.0.0.1";
    o->port = 8080;
    o->max_body = (size_t)32 * 1024 * 1024;
    o->max_json_values = 1000000;
    o->max_json_depth = 32;
    o->timeout_s = 30;
    o->request_timeout_s = 60;
    o->max_connections = 256;
    o->max_per_ip = 32;
    o->max_jobs = 2;
    o->max_queued = 32;
    o->log = NULL;
    o->workers = -1;
    o->job_stale_s = 15;
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

/* Why the address cannot be listened on: bind a plain socket to it (no
 * address or port sharing) and name the error ("Address already in use"
 * for a port another process holds). */
static const char *bind_error(const struct sockaddr *sa)
{
    socklen_t len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                              : sizeof(struct sockaddr_in);
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return strerror(errno);
    int rc = bind(fd, sa, len) == 0 ? 0 : errno;
    close(fd);
    if (rc == EADDRINUSE)
        return "the port is in use by another process";
    return rc ? strerror(rc) : "the server could not start on it";
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
    io_server_options def;
    io_server_options_default(&def);
    if (srv->opt.request_timeout_s <= 0)
        srv->opt.request_timeout_s = def.request_timeout_s;
    if (srv->opt.max_json_values <= 0)
        srv->opt.max_json_values = def.max_json_values;
    if (srv->opt.max_json_depth <= 0)
        srv->opt.max_json_depth = def.max_json_depth;
    pthread_mutex_init(&srv->log_mu, NULL);
    pthread_mutex_init(&srv->sched_mu, NULL);
    pthread_mutex_init(&srv->conn_mu, NULL);
    pthread_cond_init(&srv->conn_wake, NULL);
    int rc = io_store_open(db_path, 1, &srv->store, err);
    if (rc != IO_OK)
        goto fail;
    srv->openapi = io_server_openapi_json();
    if (!srv->openapi) {
        rc = IO_ENOMEM;
        goto fail;
    }
    io_jobs_options jo;
    io_jobs_options_default(&jo);
    jo.worker = srv->opt.worker;
    jo.max_running = srv->opt.workers >= 0 ? srv->opt.workers : srv->opt.max_jobs;
    jo.max_queued = srv->opt.max_queued;
    jo.no_fanout = srv->opt.no_fanout;
    if (srv->opt.job_stale_s > 0)
        jo.stale_s = srv->opt.job_stale_s;
    rc = io_jobs_create(srv->store, &jo, &srv->jobs);
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
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(srv->opt.max_per_ip > 0 ? srv->opt.max_per_ip : 32),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        if (err)
            *err = msgdup("cannot listen on %s port %d: %s", srv->opt.bind, srv->opt.port,
                          bind_error(sa));
        rc = IO_EIO;
        goto fail;
    }
    if (pthread_create(&srv->watchdog, NULL, conn_watchdog, srv) != 0) {
        if (err)
            *err = msgdup("cannot start the connection watchdog");
        MHD_stop_daemon(srv->daemon);
        rc = IO_ENOMEM;
        goto fail;
    }
    srv->watchdog_on = 1;
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
    pthread_mutex_destroy(&srv->conn_mu);
    pthread_cond_destroy(&srv->conn_wake);
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
    if (s->watchdog_on) {
        pthread_mutex_lock(&s->conn_mu);
        s->stopping = 1;
        pthread_cond_signal(&s->conn_wake);
        pthread_mutex_unlock(&s->conn_mu);
        pthread_join(s->watchdog, NULL);
    }
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
    pthread_mutex_destroy(&s->conn_mu);
    pthread_cond_destroy(&s->conn_wake);
    free(s);
}
