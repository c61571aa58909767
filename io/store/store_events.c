/*
 * store_events.c - Roster events: recording enrolments and status changes
 * against a stored program, and reading the roster history.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_private.h"

/* ---------------------------------------------------------- events */

typedef struct {
    const json_t *old; /* the stored document (shared elements) */
    json_t *events;   /* array of event objects */
    const char *base; /* path prefix: "", "events" */
    int wrapped;      /* body was an array or {"events":[]} */
    json_t *recorded; /* array of {"event","group","patient","status","date"} */
} events_ctx;

static void ev_path(char *buf, size_t n, const events_ctx *c, size_t i, const char *field)
{
    if (!c->wrapped)
        snprintf(buf, n, "%s", field);
    else
        snprintf(buf, n, "%s[%zu]%s%s", c->base, i, field[0] ? "." : "", field);
}

static json_t *find_member(json_t *group, const char *patient)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(group, "members"), i, m)
    {
        const char *p = json_string_value(json_object_get(m, "patient"));
        if (p && strcmp(p, patient) == 0)
            return m;
    }
    return NULL;
}

static int occupies(const json_t *m)
{
    int st = model_status_parse(json_string_value(json_object_get(m, "status")));
    return st >= 0 && model_status_occupies((model_member_status)st);
}

static int events_fn(io_store *s, json_t *doc, void *vctx, model_diag *d)
{
    (void)s;
    events_ctx *c = vctx;
    size_t i;
    json_t *ev;
    int errors = 0;
    char path[128], tbuf[11];
    today(tbuf);
    json_array_foreach(c->events, i, ev)
    {
        if (!json_is_object(ev)) {
            ev_path(path, sizeof path, c, i, "");
            model_diag_error(d, path, "an event must be a JSON object");
            errors++;
            continue;
        }
        const char *kind = json_string_value(json_object_get(ev, "event"));
        const char *date = tbuf;
        json_t *dv = json_object_get(ev, "date");
        int dd;
        if (dv) {
            if (!json_is_string(dv) || model_date_parse(json_string_value(dv), &dd) != MODEL_OK) {
                ev_path(path, sizeof path, c, i, "date");
                model_diag_error(d, path, "not an ISO date (YYYY-MM-DD)");
                errors++;
                continue;
            }
            date = json_string_value(dv);
        }
        static const char *const KINDS[] = {"dropped",    "graduated", "hold_clinical",
                                            "hold_admin", "returned",  "placed",
                                            "referral"};
        int k = -1;
        for (int x = 0; x < 7; x++)
            if (kind && strcmp(kind, KINDS[x]) == 0)
                k = x;
        if (k < 0) {
            ev_path(path, sizeof path, c, i, "event");
            model_diag_error(d, path,
                             "unknown event '%s' (dropped, graduated, hold_clinical, hold_admin,"
                             " returned, placed, referral)",
                             kind ? kind : "(missing)");
            errors++;
            continue;
        }
        if (k == 6) { /* referral: a new patient on the waitlist */
            json_t *p = json_object_get(ev, "patient");
            const char *pid = json_string_value(json_object_get(p, "id"));
            ev_path(path, sizeof path, c, i, "patient");
            if (!json_is_object(p) || !pid || !pid[0]) {
                model_diag_error(d, path, "a referral needs a patient object with an id");
                errors++;
                continue;
            }
            json_t *pats = json_object_get(doc, "patients");
            if (!json_is_array(pats)) {
                pats = json_array();
                json_object_set_new(doc, "patients", pats);
            }
            if (find_by_id(pats, pid, NULL)) {
                model_diag_error(d, path, "patient '%s' already exists", pid);
                errors++;
                continue;
            }
            json_t *np = json_deep_copy(p);
            if (!json_object_get(np, "added"))
                json_object_set_new(np, "added", json_string(date));
            json_array_append_new(pats, np);
            json_array_append_new(c->recorded,
                                  json_pack("{s:s,s:n,s:s,s:n,s:s}", "event", kind, "group",
                                            "patient", pid, "status", "date", date));
            continue;
        }
        const char *gid = json_string_value(json_object_get(ev, "group"));
        const char *pid = json_string_value(json_object_get(ev, "patient"));
        size_t gidx = 0;
        json_t *g = gid ? find_by_id(json_object_get(doc, "groups"), gid, &gidx) : NULL;
        if (!g) {
            ev_path(path, sizeof path, c, i, "group");
            model_diag_error(d, path, gid ? "no group '%s'" : "missing: the group id%s",
                             gid ? gid : "");
            errors++;
            continue;
        }
        if (!pid) {
            ev_path(path, sizeof path, c, i, "patient");
            model_diag_error(d, path, "missing: the patient id");
            errors++;
            continue;
        }
        json_t *m = find_member(g, pid);
        const char *status = NULL;
        /* this group is edited below (when the event is valid): own it */
        json_t *owned = own_element(json_object_get(doc, "groups"), gidx,
                                    json_object_get(c->old, "groups"));
        if (!owned)
            return IO_ENOMEM;
        if (owned != g) {
            g = owned;
            m = find_member(g, pid);
        }
        ev_path(path, sizeof path, c, i, "patient");
        if (k <= 3) { /* dropped graduated hold_clinical hold_admin */
            if (!m || !occupies(m)) {
                model_diag_error(d, path, "patient '%s' is not an active or held member of '%s'",
                                 pid, gid);
                errors++;
                continue;
            }
            status = kind;
        } else if (k == 4) { /* returned */
            const char *cur = m ? json_string_value(json_object_get(m, "status")) : NULL;
            if (!cur || strncmp(cur, "hold_", 5) != 0) {
                model_diag_error(d, path, "patient '%s' is not on hold in '%s'", pid, gid);
                errors++;
                continue;
            }
            status = "active";
        } else { /* placed */
            if (!find_by_id(json_object_get(doc, "patients"), pid, NULL)) {
                model_diag_error(d, path, "no patient '%s'", pid);
                errors++;
                continue;
            }
            size_t gi;
            json_t *og;
            int busy = 0;
            json_array_foreach(json_object_get(doc, "groups"), gi, og)
            {
                json_t *om = find_member(og, pid);
                if (om && occupies(om))
                    busy = 1;
            }
            if (busy) {
                model_diag_error(d, path, "patient '%s' already has a seat in a group", pid);
                errors++;
                continue;
            }
            status = "active";
            if (!m) {
                json_t *members = json_object_get(g, "members");
                if (!json_is_array(members)) {
                    members = json_array();
                    json_object_set_new(g, "members", members);
                }
                m = json_object();
                json_object_set_new(m, "patient", json_string(pid));
                json_array_append_new(members, m);
            }
        }
        json_object_set_new(m, "status", json_string(status));
        json_object_set_new(m, "since", json_string(date));
        json_array_append_new(c->recorded,
                              json_pack("{s:s,s:s,s:s,s:s,s:s}", "event", kind, "group", gid,
                                        "patient", pid, "status", status, "date", date));
    }
    return errors ? IO_EINVAL : IO_OK;
}

/* True when every recorded event only changes a roster (no referral). */
static int roster_only(const json_t *recorded)
{
    size_t i;
    json_t *r;
    json_array_foreach(recorded, i, r)
    {
        const char *ev = json_string_value(json_object_get(r, "event"));
        if (!ev || strcmp(ev, "referral") == 0)
            return 0;
    }
    return 1;
}

/* Apply recorded roster events to the parsed program of old (the cached
 * instance of old_rev, or old parsed now) and validate the result: *out is
 * the program after the events.  IO_EINVAL with the validator's paths. */
static int roster_fast_path(io_store *s, const char *pid, const json_t *old, long long old_rev,
                            const json_t *recorded, model_instance **out, model_diag *d)
{
    model_instance *inst = NULL;
    json_decref(cache_get(s, pid, old_rev, &inst));
    if (!inst) {
        model_diag local;
        model_diag_init(&local);
        int rc = io_instance_from_tree(old, &inst, &local);
        model_diag_free(&local);
        if (rc != IO_OK)
            return rc == IO_ENOMEM ? IO_ENOMEM : IO_STORE_EDB; /* stored programs are valid */
    }
    size_t i;
    json_t *r;
    int rc = IO_OK;
    json_array_foreach(recorded, i, r)
    {
        const char *gid = json_string_value(json_object_get(r, "group"));
        const char *p = json_string_value(json_object_get(r, "patient"));
        int st = model_status_parse(json_string_value(json_object_get(r, "status")));
        int date = -1;
        int gi = model_find_group(inst, gid);
        if (gi < 0 || !p || st < 0 ||
            model_date_parse(json_string_value(json_object_get(r, "date")), &date) != MODEL_OK) {
            rc = IO_STORE_EDB; /* events_fn checked all of this */
            break;
        }
        model_group *g = &inst->groups[gi];
        model_member *m = NULL;
        for (int k = 0; k < g->n_members && !m; k++)
            if (strcmp(g->members[k].patient, p) == 0)
                m = &g->members[k];
        if (!m) { /* placed */
            model_member *nm = realloc(g->members, (size_t)(g->n_members + 1) * sizeof *nm);
            char *pc = model_strdup(p);
            if (!nm || !pc) {
                if (nm)
                    g->members = nm;
                free(pc);
                rc = IO_ENOMEM;
                break;
            }
            g->members = nm;
            m = &g->members[g->n_members++];
            m->patient = pc;
            m->patient_idx = model_find_patient(inst, p);
        }
        m->status = (model_member_status)st;
        m->since = date;
    }
    if (rc == IO_OK) {
        model_diag local;
        model_diag_init(&local);
        int v = model_instance_validate(inst, &local);
        if (v != MODEL_OK) {
            diag_copy_errors(d, &local);
            rc = v == MODEL_ENOMEM ? IO_ENOMEM : IO_EINVAL;
        }
        model_diag_free(&local);
    }
    if (rc != IO_OK) {
        model_instance_destroy(inst);
        return rc;
    }
    *out = inst;
    return IO_OK;
}

/* Parse an events body (an event object, an array of them, or
 * {"events": [...]}) into c (c->recorded must be set).  IO_EINVAL with the
 * error in d; c->events is set only on IO_OK. */
static int events_parse(const json_t *b, events_ctx *c, model_diag *d)
{
    if (json_is_array(b)) {
        c->events = json_incref((json_t *)b);
        c->wrapped = 1;
    } else if (json_is_object(b) && json_object_get(b, "events")) {
        c->base = "events";
        c->wrapped = 1;
        if (!json_is_array(json_object_get(b, "events"))) {
            model_diag_error(d, "events", "must be an array of events");
            return IO_EINVAL;
        }
        c->events = json_incref(json_object_get(b, "events"));
    } else if (json_is_object(b)) {
        c->events = json_pack("[O]", b);
    } else {
        model_diag_error(d, "", "expected an event object, an array or {\"events\": [...]}");
        return IO_EINVAL;
    }
    if (json_array_size(c->events) == 0) {
        model_diag_error(d, c->base, "no events");
        json_decref(c->events);
        c->events = NULL;
        return IO_EINVAL;
    }
    return IO_OK;
}

/* Record c's events in the open write transaction (lock held, begin()
 * done): apply them to the stored document, validate, write the new
 * revision and one history row per recorded event (its id set in
 * c->recorded).  On IO_OK *rev, *norm and *inst (the caller's) are the new
 * revision, for the cache once committed. */
static int events_in_txn(io_store *s, const char *program, events_ctx *c, long actor,
                         long long *rev, json_t **norm, model_instance **inst, model_diag *d)
{
    json_t *old = NULL, *work = NULL;
    long long old_rev = 0;
    int rc = load_doc(s, s->db, program, &old, &old_rev);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no program '%s'", program);
    if (rc == IO_OK) {
        c->old = old;
        work = work_copy(old);
        rc = work ? events_fn(s, work, c, d) : IO_ENOMEM;
    }
    if (rc == IO_OK && roster_only(c->recorded)) {
        /* Roster changes only: edit the parsed program and validate it (the
         * JSON edits are already in normal form), instead of re-reading the
         * whole program from text. */
        rc = roster_fast_path(s, program, old, old_rev, c->recorded, inst, d);
        if (rc == IO_OK)
            *norm = json_incref(work);
    } else if (rc == IO_OK) {
        rc = normalise(work, norm, inst, d);
    }
    *rev = old_rev; /* sync_doc writes only over the revision loaded */
    if (rc == IO_OK)
        rc = sync_doc(s, program, old, *norm, "events.record", actor, rev);
    size_t i;
    json_t *r;
    json_array_foreach(c->recorded, i, r)
    {
        if (rc != IO_OK)
            break;
        rc = run(s->db,
                 "INSERT INTO member_event(program_id, group_id, patient_id, event, status, date,"
                 " token_id) VALUES (?,?,?,?,?,?,?)",
                 "ssssssa", program, json_string_value(json_object_get(r, "group")),
                 json_string_value(json_object_get(r, "patient")),
                 json_string_value(json_object_get(r, "event")),
                 json_string_value(json_object_get(r, "status")),
                 json_string_value(json_object_get(r, "date")), actor);
        if (rc == IO_OK)
            json_object_set_new(r, "id", json_integer(db_last_id(s->db)));
    }
    json_decref(old);
    json_decref(work);
    return rc;
}

int events_record_in_txn(io_store *s, const char *program, const json_t *event, long actor,
                         json_t **recorded, model_diag *d)
{
    events_ctx c = {NULL, json_pack("[O]", event), "", 0, json_array()};
    json_t *norm = NULL;
    model_instance *inst = NULL;
    long long rev = 0;
    int rc = events_in_txn(s, program, &c, actor, &rev, &norm, &inst, d);
    json_decref(norm);
    model_instance_destroy(inst);
    json_decref(c.events);
    if (rc == IO_OK)
        *recorded = c.recorded;
    else
        json_decref(c.recorded);
    return rc;
}

/* One try of recording c's events in a write transaction of its own:
 * STORE_ESTALE when another node changed the program between load and
 * write (a retry locks the program row first, so it cannot lose again). */
static int events_once(io_store *s, const char *program, events_ctx *c, long actor, int retry,
                       model_diag *d)
{
    json_t *norm = NULL;
    model_instance *inst = NULL;
    long long rev = 0;
    lock(s);
    int rc = begin(s);
    if (rc != IO_OK)
        db_error(s, d);
    if (rc == IO_OK && retry)
        rc = program_lock(s, program);
    if (rc == IO_OK)
        rc = events_in_txn(s, program, c, actor, &rev, &norm, &inst, d);
    rc = txn_end(s, rc, d);
    if (rc == IO_OK)
        cache_put(s, program, rev, norm, inst), inst = NULL;
    unlock(s);
    json_decref(norm);
    model_instance_destroy(inst);
    return rc;
}

int io_store_events_record_tree(io_store *s, const char *program, const json_t *body,
                                long actor, json_t **recorded, model_diag *d)
{
    events_ctx c = {NULL, NULL, "", 0, json_array()};
    if (!c.recorded)
        return IO_ENOMEM;
    int rc = events_parse(body, &c, d);
    if (rc == IO_OK) {
        rc = STORE_ESTALE;
        for (int i = 0; i < STALE_TRIES && rc == STORE_ESTALE; i++) {
            json_array_clear(c.recorded);
            rc = events_once(s, program, &c, actor, i, d);
        }
        rc = stale_final(rc, d);
    }
    json_decref(c.events);
    if (rc == IO_OK && recorded)
        *recorded = c.recorded;
    else
        json_decref(c.recorded);
    return rc;
}

int io_store_events_record(io_store *s, const char *program, const char *body, size_t len,
                           long actor, char **recorded, model_diag *d)
{
    json_t *b = NULL;
    int lrc = io_json_load(body, len, &b, d);
    if (lrc != IO_OK)
        return lrc;
    json_t *rec = NULL;
    int rc = io_store_events_record_tree(s, program, b, actor, recorded ? &rec : NULL, d);
    json_decref(b);
    if (rc == IO_OK && recorded)
        return give(rec, recorded);
    return rc;
}

int io_store_history_tree(io_store *s, const char *program, const char *patient,
                          const char *group, json_t **out, io_page *pg)
{
    char last[512];
    int n = 0;
    long after;
    if (page_start(pg, &after))
        return IO_EINVAL;
    db_stmt *st = NULL;
    json_t *arr = json_array();
    if (!arr)
        return IO_ENOMEM;
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    int rc = program_exists(db, program) ? IO_OK : IO_STORE_ENOTFOUND;
    if (rc == IO_OK)
        rc = prep(db, &st,
                  /* roster events, then attendance marks, then seat offers (all part
                   * of a member's history), each by id: key = kind * 1e12 + id is
                   * the page cursor */
                  "SELECT * FROM (SELECT id, event, group_id, patient_id, status, date,"
                  " token_id, at, id AS key FROM member_event WHERE program_id = ?1"
                  " AND (patient_id = ?2 OR ?2 IS NULL) AND (group_id = ?3 OR ?3 IS NULL)"
                  " UNION ALL SELECT id, 'attendance', group_id, patient_id, status, date,"
                  " token_id, at, 1000000000000 + id FROM attendance WHERE program_id = ?1"
                  " AND (patient_id = ?2 OR ?2 IS NULL) AND (group_id = ?3 OR ?3 IS NULL)"
                  " UNION ALL SELECT id, 'offer', group_id, patient_id, status,"
                  " substr(coalesce(decided_at, offered_at), 1, 10), token_id,"
                  " coalesce(decided_at, offered_at), 2000000000000 + id FROM offer"
                  " WHERE program_id = ?1 AND (patient_id = ?2 OR ?2 IS NULL)"
                  " AND (group_id = ?3 OR ?3 IS NULL)) AS h"
                  " WHERE (key > ?4 OR ?4 IS NULL) ORDER BY key LIMIT ?5",
                  "sssai", program, patient, group, after, page_limit(pg));
    int step = DB_DONE;
    while (rc == IO_OK && (step = db_step(st)) == DB_ROW) {
        if (page_row(pg, st, 8, &n, last)) {
            step = DB_DONE;
            break;
        }
        json_t *actor = col_int(st, 6);
        json_array_append_new(arr, json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
                                             (json_int_t)db_column_int64(st, 0), "event",
                                             col_str(st, 1), "group", col_str(st, 2), "patient",
                                             col_str(st, 3), "status", col_str(st, 4), "date",
                                             col_str(st, 5), "actor", actor, "at", col_str(st, 7)));
    }
    return rows_tree(s, rd, st, rc, step, arr, out);
}

int io_store_history(io_store *s, const char *program, const char *patient, const char *group,
                     char **json, io_page *pg)
{
    json_t *arr = NULL;
    int rc = io_store_history_tree(s, program, patient, group, &arr, pg);
    return rc == IO_OK ? give(arr, json) : rc;
}
