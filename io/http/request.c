/*
 * request.c - what the handlers of `cohort serve` read from a request:
 * paging parameters and paged answers, ETag and If-Match, query
 * parameters, the JSON body (bounded, strict about unknown members and
 * duplicate keys), and the instance or solution inside it.
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
