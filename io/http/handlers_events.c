/*
 * handlers_events.c - Handlers of a stored program's roster events (record,
 * history) and the fill suggestions made for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

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

/* The path of the first member of a roster event the store does not know
 * into path ("events[i].name" with prefix "events", "[i].name" with "",
 * "name" for a single event: prefix NULL); 0 when none. */
static int event_unknown_field(json_t *events, const char *prefix, char *path, size_t cap)
{
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        const char *k;
        json_t *v;
        json_object_foreach(ev, k, v) {
            if (strcmp(k, "event") && strcmp(k, "group") && strcmp(k, "patient") &&
                strcmp(k, "date")) {
                if (prefix)
                    snprintf(path, cap, "%s[%zu].%s", prefix, i, k);
                else
                    snprintf(path, cap, "%s", k);
                return 1;
            }
        }
    }
    return 0;
}

enum MHD_Result h_events_post(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    int wrapped = json_is_object(body) && json_object_get(body, "events");
    json_t *events = json_is_array(body) ? json_incref(body)
                     : wrapped ? json_incref(json_object_get(body, "events"))
                               : json_pack("[O]", body);
    char unknown[300];
    int bad = event_unknown_field(events, wrapped ? "events" : json_is_array(body) ? "" : NULL,
                                  unknown, sizeof unknown);
    json_decref(events);
    if (bad) {
        json_decref(body);
        return send_error(q, 400, unknown, "unknown field %s", unknown);
    }
    enum MHD_Result ret = record_events(q, body, NULL);
    json_decref(body);
    return ret;
}

/* Record the events of body (only read) and answer 201
 * {"recorded", "suggestions", "schedule_version"} with the fill ranking
 * for every opened seat, plus the members of extra (may be NULL). */
enum MHD_Result record_events(http_req *q, json_t *body, json_t *extra)
{
    json_t *events = json_is_array(body) ? json_incref(body)
                     : json_is_object(body) && json_object_get(body, "events")
                         ? json_incref(json_object_get(body, "events"))
                         : json_pack("[O]", body);
    model_diag d;
    model_diag_init(&d);
    /* the program before the events: what fill ranks against (only when
     * there is a schedule to rank against) */
    model_instance *before = NULL;
    int sv = 0;
    char stamp[40];
    if (io_store_schedule_current(q->srv->store, q->param[0], &sv, stamp) == IO_OK)
        io_store_program_for_planning(q->srv->store, q->param[0], &before, &d);
    model_diag_free(&d);
    model_diag_init(&d);
    json_t *rec = NULL;
    int rc = io_store_events_record_tree(q->srv->store, q->param[0], body, q->actor, &rec, &d);
    enum MHD_Result ret;
    if (rc == IO_OK) {
        json_t *sug = !json_is_array(events) ? NULL
                      : before ? suggestions(q, before, events, rec)
                               : json_pack("{s:n,s:s}", "suggestions", "note",
                                           "no saved schedule: plan the program (POST "
                                           "/v1/programs/{program}/plan) to get fill suggestions");
        json_t *o = json_pack("{s:o}", "recorded", rec ? rec : json_array());
        if (o && sug)
            json_object_update(o, sug);
        if (o && extra)
            json_object_update(o, extra);
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

enum MHD_Result h_events_get(http_req *q)
{
    char *t = NULL;
    io_page pg;
    if (page_params(q, &pg))
        return MHD_YES;
    int rc = io_store_history(q->srv->store, q->param[0], query(q, "patient"), query(q, "group"),
                              &t, &pg);
    return send_page(q, rc, t, &pg, "no such program");
}
