/*
 * guard.c - the server's defences that need no route handler: header
 * bytes and query parameters checked before a body is read, a cheap
 * pre-scan bounding a JSON body before a tree is built, the members a
 * wrapper body may have, and the read deadline of connections (a watchdog
 * thread).  The order in which http.c applies them is in docs/SERVER.md.
 */
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "http_private.h"

/* ------------------------------------------------- headers and query */

/* Is name one of the query parameters documented for the route
 * ("name:description|name:description"), or a list's paging parameter
 * (page_size, page_token: every route answering a paged list takes them,
 * as openapi.c documents)? */
static int query_known(const route *rt, const char *name)
{
    if (route_paged(rt) && (strcmp(name, "page_size") == 0 || strcmp(name, "page_token") == 0))
        return 1;
    size_t n = strlen(name);
    for (const char *p = rt->query; p && *p;) {
        if (strncmp(p, name, n) == 0 && p[n] == ':')
            return 1;
        p = strchr(p, '|');
        p = p ? p + 1 : NULL;
    }
    return 0;
}

#define MAX_HEADERS 128

typedef struct scan_ctx {
    const route *rt;
    const char *bad; /* first offending name */
    int ctl;         /* a header with a control byte */
    int n;           /* headers seen */
    const char *key[MAX_HEADERS];
    const char *end[MAX_HEADERS]; /* one past each value */
} scan_ctx;

static enum MHD_Result scan_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    (void)value;
    scan_ctx *s = cls;
    if (!query_known(s->rt, key)) {
        s->bad = key;
        return MHD_NO;
    }
    return MHD_YES;
}

/* Does text[0..n) hold a NUL or a control byte other than tab? */
static int has_control(const char *text, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)text[i];
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
            return 1;
    }
    return 0;
}

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    scan_ctx *s = cls;
    if (has_control(key, key_size) || (value && has_control(value, value_size)) ||
        s->n == MAX_HEADERS) {
        s->bad = key;
        s->ctl = 1;
        return MHD_NO;
    }
    s->key[s->n] = key;
    s->end[s->n++] = value ? value + value_size : NULL;
    return MHD_YES;
}

/* Did a NUL cut a header value short?  libmicrohttpd (0.9.75) sizes header
 * values with strlen, so "Bearer TOKEN\0junk" arrives as "Bearer TOKEN".
 * Its values and keys point into the request buffer, where the line's end
 * (CR, LF, trailing blanks) was overwritten with NULs: after a whole value
 * come only NULs, blanks and line ends up to the next header's key (or,
 * after the last, the end of the head).  A byte of
 * anything else there is the rest of a value cut at a NUL: the name of
 * that header, NULL when none. */
static const char *nul_cut(const scan_ctx *s)
{
    for (int i = 0; i < s->n; i++) {
        const char *p = s->end[i];
        if (!p)
            continue;
        const char *next = i + 1 < s->n ? s->key[i + 1] : NULL;
        for (p++; p != next && (*p == '\0' || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n');
             p++)
            if (*p == '\0' && (p[-1] == '\0') && !next)
                break; /* the last header: CR LF, then the end of the head */
        if (p != next && *p != '\0')
            return s->key[i];
    }
    return NULL;
}

/* The first header whose name or value holds a NUL or a control byte
 * (other than tab), NULL when none. */
const char *header_bytes_bad(struct MHD_Connection *c)
{
    scan_ctx sc;
    memset(&sc, 0, sizeof sc);
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, scan_header, &sc);
    if (sc.ctl)
        return sc.bad;
    return nul_cut(&sc);
}

/* The first query parameter the route does not document, NULL when none. */
const char *unknown_query(struct MHD_Connection *c, const route *rt)
{
    scan_ctx sc;
    memset(&sc, 0, sizeof sc);
    sc.rt = rt;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, scan_query, &sc);
    return sc.bad;
}

/* Is the Content-Type JSON (application/json or application/...+json,
 * parameters allowed)? */
int json_content_type(const char *ct)
{
    size_t n = strcspn(ct, ";");
    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
        return 1;
    return n > 17 && strncasecmp(ct, "application/", 12) == 0 &&
           strncasecmp(ct + n - 5, "+json", 5) == 0;
}

/* ------------------------------------------------------- JSON bodies */

/* Count the values of JSON text (array elements and object members, at
 * least one per opening bracket and per comma) and its deepest nesting,
 * without building anything; strings are skipped.  Stops early once
 * either passes its limit.  Returns 0 within the limits, 1 too many
 * values, 2 too deep.  Malformed text is left to the parser. */
int json_prescan(const char *b, size_t n, long max_values, int max_depth)
{
    long values = 1;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = b[i];
        if (ch == '"') {
            for (i++; i < n && b[i] != '"'; i++)
                if (b[i] == '\\')
                    i++;
        } else if (ch == '{' || ch == '[') {
            values++;
            if (++depth > max_depth)
                return 2;
        } else if (ch == '}' || ch == ']') {
            depth--;
        } else if (ch == ',') {
            values++;
        }
        if (values > max_values)
            return 1;
    }
    return 0;
}

/* The members a wrapper body may have, by handler (stable when paths or
 * operationIds are renamed).  With a wrapper key the body is a wrapper
 * only when it has that member (else it is the instance, or one event,
 * checked by their own readers). */
static const struct {
    route_fn fn;
    const char *wrapper, *keys;
    /* members that are objects ("m") or arrays of objects ("m[]") with
     * the members they may have: "m:a|b;n[]:c|d" */
    const char *nested;
} BODY_FIELDS[] = {
    {h_validate, "instance", "instance", NULL},
    {h_plan, "instance", "instance|baseline|time_limit_s|mip_gap", NULL},
    {h_check, NULL, "instance|solution", NULL},
    {h_fill, NULL,
     "instance|solution|events|top_n|turnover_per_month|hold_turnover_per_month|grace_weeks|apply",
     NULL},
    {h_whatif, NULL, "instance|scenarios|marginal|time_limit_s|mip_gap", NULL},
    {h_programs_create, "instance", "instance|id", NULL},
    {h_program_put, "instance", "instance", NULL},
    {h_program_plan, NULL, "baseline|time_limit_s|mip_gap", NULL},
    {h_events_post, "events", "events", NULL},
    {h_tokens_create, NULL, "role|name", NULL},
    {h_attendance_post, NULL, "group|date|marks|cancelled|correct",
     "marks[]:patient|status|notice_hours|note;cancelled:reason"},
    {h_attendance_confirm, NULL, "group|patient|action|date", NULL},
    {h_offer_create, NULL, "group|patient|at", NULL},
    {h_offer_decide, NULL, "decision|reason|at", NULL},
    {h_offer_contact, NULL, "channel|outcome|note|at", NULL},
};

/* Is name one of "a|b|c"? */
static int name_in(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, "|");
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p = p[len] ? p + len + 1 : NULL;
    }
    return 0;
}

/* The first member of object o not in keys, NULL when none. */
static const char *first_unknown(json_t *o, const char *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (!name_in(keys, k))
            return k;
    }
    return NULL;
}

/* Check the nested objects spec names ("m:keys;n[]:keys") in body: the
 * path of the first unknown member in path ("marks[2].colour"), 1; else 0.
 * Members of the wrong type are left to the handler's own reader. */
static int nested_unknown(json_t *body, const char *spec, char *path, size_t cap)
{
    while (spec && *spec) {
        size_t len = strcspn(spec, ";");
        char item[256];
        snprintf(item, sizeof item, "%.*s", (int)len, spec);
        spec = spec[len] ? spec + len + 1 : NULL;
        char *colon = strchr(item, ':');
        if (!colon)
            continue;
        *colon = '\0';
        size_t n = strlen(item);
        int array = n > 2 && strcmp(item + n - 2, "[]") == 0;
        if (array)
            item[n - 2] = '\0';
        json_t *m = json_object_get(body, item);
        if (!array && json_is_object(m) && first_unknown(m, colon + 1)) {
            snprintf(path, cap, "%s.%s", item, first_unknown(m, colon + 1));
            return 1;
        }
        size_t i;
        json_t *e;
        json_array_foreach(array ? m : NULL, i, e) {
            const char *bad = json_is_object(e) ? first_unknown(e, colon + 1) : NULL;
            if (bad) {
                snprintf(path, cap, "%s[%zu].%s", item, i, bad);
                return 1;
            }
        }
    }
    return 0;
}

/* The path of the first member of the body (or of an object nested in it)
 * its route does not know, in path; 1 found, 0 none (or the body is not a
 * wrapper object). */
int unknown_field(const route *rt, json_t *body, char *path, size_t cap)
{
    if (!rt || !json_is_object(body))
        return 0;
    for (size_t i = 0; i < sizeof BODY_FIELDS / sizeof BODY_FIELDS[0]; i++) {
        if (BODY_FIELDS[i].fn != rt->fn)
            continue;
        if (BODY_FIELDS[i].wrapper && !json_object_get(body, BODY_FIELDS[i].wrapper))
            return 0;
        const char *k = first_unknown(body, BODY_FIELDS[i].keys);
        if (k) {
            snprintf(path, cap, "%s", k);
            return 1;
        }
        return nested_unknown(body, BODY_FIELDS[i].nested, path, cap);
    }
    return 0;
}

/* ------------------------------------------------------- read deadline */

/* Mark the connection of c as reading a request (since now) or not. */
void conn_mark(io_server *srv, struct MHD_Connection *c, int reading)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_ent *e = ci ? ci->socket_context : NULL;
    if (!e)
        return;
    pthread_mutex_lock(&srv->conn_mu);
    e->reading = reading;
    e->since = now_s();
    pthread_mutex_unlock(&srv->conn_mu);
}

/* Register each accepted connection (reading from now) and forget it when
 * it closes. */
void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    io_server *srv = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_ent *e = ci ? calloc(1, sizeof *e) : NULL;
        if (!e)
            return; /* no deadline for this one; the idle timeout still holds */
        e->fd = ci->connect_fd;
        e->reading = 1;
        e->since = now_s();
        pthread_mutex_lock(&srv->conn_mu);
        e->next = srv->conns;
        if (srv->conns)
            srv->conns->prev = e;
        srv->conns = e;
        pthread_mutex_unlock(&srv->conn_mu);
        *socket_context = e;
        return;
    }
    conn_ent *e = *socket_context;
    if (!e)
        return;
    pthread_mutex_lock(&srv->conn_mu);
    if (e->prev)
        e->prev->next = e->next;
    else
        srv->conns = e->next;
    if (e->next)
        e->next->prev = e->prev;
    pthread_mutex_unlock(&srv->conn_mu);
    free(e);
    *socket_context = NULL;
}

/* The watchdog: twice a second, shut down the socket of every connection
 * that has been reading one request for longer than the read deadline
 * (its thread then sees the end of the stream and closes it).  A slow
 * trickle of header or body bytes, which resets the idle timeout, cannot
 * hold a connection slot longer than this.  The fd is still the
 * connection's: libmicrohttpd reports a connection closed (on_connection,
 * which unlinks it under conn_mu) before it closes the socket. */
void *conn_watchdog(void *p)
{
    io_server *srv = p;
    pthread_mutex_lock(&srv->conn_mu);
    while (!srv->stopping) {
        double t = now_s();
        for (conn_ent *e = srv->conns; e; e = e->next)
            if (e->reading && t - e->since > srv->opt.request_timeout_s) {
                shutdown(e->fd, SHUT_RDWR);
                e->reading = 0;
            }
        struct timespec ts;
        io_abstime_in(&ts, 500);
        pthread_cond_timedwait(&srv->conn_wake, &srv->conn_mu, &ts);
    }
    pthread_mutex_unlock(&srv->conn_mu);
    return NULL;
}
