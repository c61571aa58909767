/*
 * handlers_export.c - the export routes of `cohort serve` (see export.h):
 * a saved schedule as iCalendar, CSV, FHIR R4 or printable HTML, and
 * calendar subscriptions by revocable secret.  Each handler answers an
 * io_export_reply (status, body, media type) that the route table's thin
 * handlers at the end of this file send.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/export.h"
#include "http_private.h"
#include "io_private.h"

static void fail(io_export_reply *r, int status, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail(io_export_reply *r, int status, const char *param, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->status = status;
    r->body = strdup(msg);
    r->content_type = NULL;
    r->error_param = param;
}

static void ok(io_export_reply *r, int status, char *body, const char *ctype)
{
    r->status = status;
    r->body = body;
    r->content_type = ctype;
    r->error_param = NULL;
}

/* Export options from query parameters; 0, or -1 with the reply set. */
static int options(const io_export_query *q, const model_instance *inst, io_export_options *o,
                   io_export_reply *r)
{
    char err[160];
    int t;
    io_export_options_default(o);
    o->stamp = (long long)time(NULL);
    if (io_export_scope_parse(q->scope, inst, &o->scope, err) != IO_OK) {
        fail(r, 400, "for", "%s", err);
        return -1;
    }
    if (q->table && (t = io_csv_table_parse(q->table)) < 0) {
        fail(r, 400, "table", "must be rosters, sessions or unplaced");
        return -1;
    }
    o->table = q->table ? (io_csv_table)t : IO_CSV_ROSTERS;
    if (q->pages && (t = io_pages_parse(q->pages)) < 0) {
        fail(r, 400, "pages", "must be week or facilitator");
        return -1;
    }
    o->pages = q->pages ? (io_pages)t : IO_PAGES_WEEK;
    o->bom = q->bom && (strcmp(q->bom, "true") == 0 || strcmp(q->bom, "1") == 0);
    if (q->utc_offset && io_export_utc_offset_parse(q->utc_offset, &o->utc_offset_min) != IO_OK) {
        fail(r, 400, "utc_offset", "must be +HH:MM or -HH:MM");
        return -1;
    }
    return 0;
}

/* Export the program's schedule version v (0 published, -1 published else
 * latest, -2 newest) in format with the query's options. */
static void render(io_store *s, const char *program, int v, const char *format,
                   const io_export_query *q, io_export_reply *r)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    char *text = NULL;
    int rc = io_store_program_export(s, program, &inst, &d);
    if (rc == IO_OK && (rc = io_store_schedule_get(s, program, v, &text, NULL)) == IO_OK)
        rc = io_solution_parse(text, strlen(text), &sol, &d);
    free(text);
    text = NULL;
    io_export_options o;
    const char *ctype = NULL;
    if (rc == IO_STORE_ENOTFOUND)
        fail(r, 404, NULL, "no such program or schedule version");
    else if (rc != IO_OK)
        fail(r, 500, NULL, "cannot read the program or its schedule");
    else if (options(q, inst, &o, r) == 0) {
        rc = io_export_render(format, inst, sol, &o, &text, &ctype);
        if (rc == IO_OK)
            ok(r, 200, text, ctype);
        else
            fail(r, 500, NULL, "out of memory");
    }
    model_instance_destroy(inst);
    model_solution_destroy(sol);
    model_diag_free(&d);
}

void io_export_http_schedule(io_store *s, const char *program, const char *version,
                             const io_export_query *q, io_export_reply *r)
{
    int v = IO_SCHEDULE_PUBLISHED;
    const char *f = q->format;
    if (version && io_schedule_version_parse(version, &v))
        return fail(r, 404, NULL, "no such schedule version");
    if (!f || (strcmp(f, "ics") && strcmp(f, "csv") && strcmp(f, "fhir") && strcmp(f, "html")))
        return fail(r, 400, "format", "must be ics, csv, fhir or html");
    render(s, program, v, f, q, r);
}

void io_export_http_calendar_create(io_store *s, const char *program, const char *body,
                                    size_t len, long actor, io_export_reply *r)
{
    json_error_t je;
    json_t *j = len ? json_loadb(body, len, 0, &je) : json_object();
    json_t *w = json_object_get(j, "for"), *ver = json_object_get(j, "version");
    char err[160];
    io_export_scope sc;
    model_instance *inst = NULL;
    model_diag d;
    model_diag_init(&d);
    int v = IO_SCHEDULE_PUBLISHED;
    int bad = json_is_integer(ver) ? json_integer_value(ver) <= 0 ||
                                         json_integer_value(ver) > 1000000000
              : ver         ? io_schedule_version_parse(json_string_value(ver), &v)
                            : 0;
    if (json_is_integer(ver) && !bad)
        v = (int)json_integer_value(ver);
    if (!json_is_object(j))
        fail(r, 400, "", "the body must be a JSON object {\"for\", \"version\"}");
    else if (w && !json_is_string(w))
        fail(r, 400, "for", "must be a string: program, facilitator:ID, room:ID or patient:ID");
    else if (bad)
        fail(r, 400, "version", "must be a version number, \"published\" or \"newest\"");
    else if (io_store_program_export(s, program, &inst, &d) != IO_OK)
        fail(r, 404, NULL, "no such program");
    else if (io_export_scope_parse(json_string_value(w), inst, &sc, err) != IO_OK)
        fail(r, 400, "for", "%s", err);
    else {
        char *secret = NULL;
        long id = 0;
        const char *scope = w ? json_string_value(w) : "program";
        int rc = io_calendar_create(s, program, scope, v, actor, &secret, &id);
        if (rc == IO_STORE_ENOTFOUND) {
            fail(r, 404, NULL, "no such program");
        } else if (rc != IO_OK) {
            fail(r, 500, NULL, "cannot create the calendar");
        } else {
            char url[128];
            snprintf(url, sizeof url, "/v1/calendars/%s.ics", secret);
            json_t *a = json_pack("{s:I,s:s,s:o,s:s}", "id", (json_int_t)id, "for", scope,
                                  "version", io_schedule_version_json(v),
                                  "url", url);
            char *t = a ? json_dumps(a, JSON_COMPACT) : NULL;
            json_decref(a);
            if (t)
                ok(r, 201, t, NULL);
            else
                fail(r, 500, NULL, "out of memory");
        }
        free(secret);
    }
    model_instance_destroy(inst);
    model_diag_free(&d);
    json_decref(j);
}

void io_export_http_calendar_delete(io_store *s, const char *program, const char *id,
                                    long actor, io_export_reply *r)
{
    char *end;
    long n = strtol(id, &end, 10);
    int rc = *id && !*end && n > 0 ? io_calendar_revoke(s, program, n, actor) : IO_STORE_ENOTFOUND;
    if (rc == IO_OK)
        ok(r, 204, NULL, NULL);
    else if (rc == IO_STORE_ENOTFOUND)
        fail(r, 404, NULL, "no such live calendar");
    else
        fail(r, 500, NULL, "cannot revoke the calendar");
}

void io_export_http_calendar_feed(io_store *s, const char *secret_ics, io_export_reply *r)
{
    size_t n = strlen(secret_ics);
    char secret[64];
    if (n <= 4 || n - 4 >= sizeof secret || strcmp(secret_ics + n - 4, ".ics") != 0)
        return fail(r, 404, NULL, "no such calendar");
    memcpy(secret, secret_ics, n - 4);
    secret[n - 4] = '\0';
    char *program = NULL, *scope = NULL;
    int v = 0;
    int rc = io_calendar_lookup(s, secret, &program, &scope, &v);
    if (rc == IO_STORE_ENOTFOUND)
        return fail(r, 404, NULL, "no such calendar (unknown or revoked)");
    if (rc != IO_OK)
        return fail(r, 500, NULL, "cannot read the calendar");
    io_export_query q = {.format = "ics", .scope = scope};
    render(s, program, v, "ics", &q, r);
    free(program);
    free(scope);
}

/* ---- the route handlers: send what the io_export_http_* functions answer */

/* Send an export reply: its body with its media type, or the error shape
 * for a status of 400 and more.  Takes ownership of x->body. */
static enum MHD_Result send_export(http_req *q, io_export_reply *x)
{
    if (x->status >= 400) {
        enum MHD_Result ret = send_error(q, x->status, x->error_param, "%s",
                                         x->body ? x->body : "out of memory");
        free(x->body);
        return ret;
    }
    return send_text(q->conn, q->r, x->status, x->body,
                     x->content_type ? MHD_HTTP_HEADER_CONTENT_TYPE : NULL, x->content_type);
}

enum MHD_Result h_export(http_req *q)
{
    io_export_reply x;
    io_export_query eq = {query(q, "format"), query(q, "for"),  query(q, "table"),
                          query(q, "pages"),  query(q, "bom"), query(q, "utc_offset")};
    io_export_http_schedule(q->srv->store, q->param[0], q->param[1], &eq, &x);
    return send_export(q, &x);
}

enum MHD_Result h_calendar_create(http_req *q)
{
    io_export_reply x;
    io_export_http_calendar_create(q->srv->store, q->param[0], q->r->body.data, q->r->body.len, q->actor, &x);
    return send_export(q, &x);
}

enum MHD_Result h_calendar_list(http_req *q)
{
    char *t = NULL;
    io_page pg;
    if (page_params(q, &pg))
        return MHD_YES;
    int rc = io_calendar_list(q->srv->store, q->param[0], &t, &pg);
    return send_page(q, rc, t, &pg, "no such program");
}

enum MHD_Result h_calendar_delete(http_req *q)
{
    io_export_reply x;
    io_export_http_calendar_delete(q->srv->store, q->param[0], q->param[1], q->actor, &x);
    return send_export(q, &x);
}

enum MHD_Result h_calendar_feed(http_req *q)
{
    io_export_reply x;
    io_export_http_calendar_feed(q->srv->store, q->param[0], &x);
    return send_export(q, &x);
}
