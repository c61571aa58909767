/*
 * handlers_attendance.c - Handlers of a stored program's attendance: record
 * a session's roster, list marks, the no-show flags (who needs a call) and
 * the confirmation of a drop or hold, answered with the fill ranking for
 * the opened seat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

enum MHD_Result h_attendance_post(http_req *q)
{
    if (body_checked(q))
        return MHD_YES;
    model_diag d;
    model_diag_init(&d);
    char *out = NULL;
    int rc = io_store_attendance_record(q->srv->store, q->param[0], q->r->body.data, q->r->body.len,
                                        q->actor, &out, &d);
    enum MHD_Result ret = rc == IO_OK ? send_raw(q, 201, out)
                                      : send_store_error(q, rc, &d, "no such program");
    model_diag_free(&d);
    return ret;
}

enum MHD_Result h_attendance_get(http_req *q)
{
    char *t = NULL;
    io_page pg;
    if (page_params(q, &pg))
        return MHD_YES;
    int rc = io_store_attendance_list(q->srv->store, q->param[0], query(q, "group"),
                                      query(q, "patient"), &t, &pg);
    return send_page(q, rc, t, &pg, "no such program");
}

enum MHD_Result h_attendance_flags(http_req *q)
{
    char *t = NULL;
    int rc = io_store_attendance_flags(q->srv->store, q->param[0], query(q, "group"),
                                       !query_flag(q, "all"), &t);
    return send_wrapped(q, rc, "members", t, NULL, "no such program");
}

/* The flags entry of one member, or NULL. */
static json_t *member_flag(http_req *q, const char *group, const char *patient)
{
    json_t *all = NULL, *e, *out = NULL;
    if (io_store_attendance_flags_tree(q->srv->store, q->param[0], group, 0, &all) != IO_OK)
        return NULL;
    size_t i;
    json_array_foreach(all, i, e)
    {
        const char *p = json_string_value(json_object_get(e, "patient"));
        if (p && strcmp(p, patient) == 0)
            out = json_incref(e);
    }
    json_decref(all);
    return out;
}

/* POST {"group", "patient", "action": "drop" | "hold_admin", "date"?}: a
 * person confirms what the flags recommend; recorded as the roster event
 * (dropped / hold_admin) and answered as POST .../events (with the fill
 * ranking for the opened seat) plus the member's flags when confirmed. */
enum MHD_Result h_attendance_confirm(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    const char *group = json_string_value(json_object_get(body, "group"));
    const char *patient = json_string_value(json_object_get(body, "patient"));
    const char *action = json_string_value(json_object_get(body, "action"));
    const char *event = action && strcmp(action, "drop") == 0         ? "dropped"
                        : action && strcmp(action, "hold_admin") == 0 ? "hold_admin"
                                                                      : NULL;
    enum MHD_Result ret;
    if (!group || !patient || !event) {
        ret = send_error(q, 400, !group ? "group" : !patient ? "patient" : "action",
                         "expected {group, patient, action: drop | hold_admin}");
        json_decref(body);
        return ret;
    }
    json_t *flag = member_flag(q, group, patient);
    json_t *ev = json_pack("{s:s,s:s,s:s}", "event", event, "group", group, "patient", patient);
    if (json_object_get(body, "date"))
        json_object_set(ev, "date", json_object_get(body, "date"));
    json_t *extra = json_pack("{s:s,s:o}", "confirmed", action, "flags",
                              flag ? flag : json_null());
    ret = ev ? record_events(q, ev, extra) : send_error(q, 500, NULL, "out of memory");
    json_decref(extra);
    json_decref(ev);
    json_decref(body);
    return ret;
}

enum MHD_Result h_roster(http_req *q)
{
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    int rc = io_store_roster(q->srv->store, q->param[0], query(q, "group"), query(q, "date"), &t,
                             &d);
    enum MHD_Result ret = rc == IO_OK ? send_raw(q, 200, t)
                                      : send_store_error(q, rc, &d, "no such program");
    model_diag_free(&d);
    return ret;
}

enum MHD_Result h_authorizations_expiring(http_req *q)
{
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    const char *w = query(q, "within_days");
    char *end = NULL;
    long within = w ? strtol(w, &end, 10) : 14;
    enum MHD_Result ret;
    if (w && (!end || *end || within < 0 || within > 366)) {
        ret = send_error(q, 400, "within_days", "within_days must be 0..366");
    } else {
        int rc = io_store_authorizations_expiring(q->srv->store, q->param[0], query(q, "today"),
                                                  (int)within, &t, &d);
        ret = send_wrapped(q, rc, "authorizations", t, &d, "no such program");
    }
    model_diag_free(&d);
    return ret;
}
