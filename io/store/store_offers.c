/*
 * store_offers.c - Seat offers of a stored program: an open seat offered
 * to one ranked candidate at a time (offered -> accepted | declined |
 * expired after settings.offer_ttl_hours), contact attempts, and the next
 * candidate when an offer is declined or expires.  Accepting places the
 * patient through the roster events (the "placed" event's rules).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinic.h"
#include "store_private.h"

#define TS_FMT "%Y-%m-%dT%H:%M:%SZ"

/* t (Unix seconds) as TS_FMT into buf. */
static void ts_format(time_t t, char buf[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, TS_FMT, &tm);
}

/* Parse a date ("YYYY-MM-DD") or date-time ("YYYY-MM-DD[T ]HH:MM[:SS[.f]]"
 * with an optional "Z" or "+HH:MM" / "-HH:MM" offset; none means UTC) into
 * Unix seconds; -1 when it is not one. */
static int ts_parse(const char *at, time_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int n = 0, off = 0;
    if (sscanf(at, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 || n != 10)
        return -1;
    const char *p = at + n;
    if (*p == 'T' || *p == ' ') {
        int k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &k) != 2 || k != 5)
            return -1;
        p += 1 + k;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &tm.tm_sec, &k) != 1 || k != 2)
                return -1;
            p += 3;
            if (*p == '.')
                p += 1 + strspn(p + 1, "0123456789");
        }
        int oh, om;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) == 2 &&
                   k == 5) {
            off = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
            p += 1 + k;
        }
    }
    if (*p || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = timegm(&tm) - off;
    return 0;
}

/* Normalise a time stamp (NULL = now) into buf as TS_FMT; -1 when it is
 * not a date or date-time (ts_parse). */
static int stamp(io_store *s, const char *at, char buf[32])
{
    (void)s;
    time_t t = time(NULL);
    if (at && ts_parse(at, &t) != 0)
        return -1;
    ts_format(t, buf);
    return 0;
}

/* Patients to leave out of a seat's ranking: open offers anywhere, and
 * offers of this group that were declined or expired. */
static int excluded(io_store *s, const char *program, const char *group, model_strlist *out)
{
    db_stmt *st = NULL;
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    int rc = prep(db, &st,
                  "SELECT DISTINCT patient_id FROM offer WHERE program_id=?1 AND (status="
                  "'offered' OR (group_id=?2 AND status IN ('declined','expired')))",
                  "ss", program, group);
    while (rc == IO_OK && db_step(st) == DB_ROW)
        if (model_strlist_push(out, (const char *)db_column_text(st, 0)) != MODEL_OK)
            rc = IO_ENOMEM;
    db_finalize(st);
    rd_release(s, rd);
    return rc;
}

/* A count query with two text parameters on db; -1 on a store error. */
static int count2(db_conn *db, const char *sql, const char *a, const char *b)
{
    db_stmt *st = NULL;
    int n = -1;
    if (prep(db, &st, sql, "ss", a, b) == IO_OK && db_step(st) == DB_ROW)
        n = db_column_int(st, 0);
    db_finalize(st);
    return n;
}

/* Seats of group open now (model_seats_open against the published, else
 * newest, schedule) read on the writer inside the caller's write
 * transaction, so that nothing can take the seat before it commits; -1
 * when the program, its schedule or the group cannot be read. */
static int seats_open_in_txn(io_store *s, const char *program, const char *group)
{
    json_t *doc = NULL;
    long long rev = 0;
    char *text = NULL;
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    model_diag local;
    model_diag_init(&local);
    int open = -1;
    if (load_doc(s, s->db, program, &doc, &rev) == IO_OK &&
        doc_instance(s, program, doc, rev, &inst, &local) == IO_OK &&
        schedule_read_db(s->db, program, -1, &text, NULL) == IO_OK &&
        io_solution_parse(text, strlen(text), &sol, &local) == IO_OK &&
        model_find_group(inst, group) >= 0)
        open = model_seats_open(inst, sol, model_find_group(inst, group), NULL);
    free(text);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
    model_diag_free(&local);
    return open;
}

/* The limits on open offers, read on db: patient holds no open offer, and
 * the open offers of group stay below its `open` seats.  IO_EINVAL with
 * the error at "patient" or "group". */
static int offer_limits(db_conn *db, const char *program, const char *group, const char *patient,
                        int open, model_diag *d)
{
    if (count2(db, "SELECT count(*) FROM offer WHERE program_id=?1 AND patient_id=?2 AND"
                   " status='offered'", program, patient) != 0) {
        model_diag_error(d, "patient", "patient '%s' already holds an open offer", patient);
        return IO_EINVAL;
    }
    int offered = count2(db, "SELECT count(*) FROM offer WHERE program_id=?1 AND group_id=?2 AND"
                             " status='offered'", program, group);
    if (offered < 0 || open - offered <= 0) {
        model_diag_error(d, "group",
                         "no open seat in '%s' to offer (%d open, %d already offered)", group,
                         open, offered);
        return IO_EINVAL;
    }
    return IO_OK;
}

/* The ranking of group's open seat without the excluded patients
 * (parsed), or NULL with the reason in d (may be NULL). */
static json_t *seat_ranking(io_store *s, const char *program, const char *group, int top_n,
                            int *rc, model_diag *d)
{
    model_strlist ex = {0};
    json_t *j = NULL;
    model_diag local;
    model_diag_init(&local);
    *rc = excluded(s, program, group, &ex);
    if (*rc == IO_OK)
        *rc = io_clinic_seat_ranking(s, program, group, &ex, top_n, &j, d ? d : &local);
    model_strlist_free(&ex);
    model_diag_free(&local);
    return *rc == IO_OK ? j : NULL;
}

int io_store_seat_candidates(io_store *s, const char *program, const char *group, char **json,
                             model_diag *d)
{
    int rc;
    json_t *r = seat_ranking(s, program, group, 0, &rc, d);
    return rc == IO_OK ? give(r, json) : rc;
}

/* Position (1-based) of patient among the ranking's candidates, 0 none. */
static int rank_of(json_t *ranking, const char *patient)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(ranking, "candidates"), i, c)
    {
        const char *p = json_string_value(json_object_get(c, "patient"));
        if (p && strcmp(p, patient) == 0)
            return (int)i + 1;
    }
    return 0;
}

/* One offer row as JSON (columns of OFFER_COLS). */
#define OFFER_COLS "id, group_id, patient_id, status, reason, offered_at, expires_at, decided_at"
static json_t *offer_json(db_stmt *st)
{
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
                     (json_int_t)db_column_int64(st, 0), "group", col_str(st, 1), "patient",
                     col_str(st, 2), "status", col_str(st, 3), "reason", col_str(st, 4),
                     "offered_at", col_str(st, 5), "expires_at", col_str(st, 6), "decided_at",
                     col_str(st, 7));
}

/* The offer id of program, or NULL (db: the connection to read with). */
static json_t *offer_get(db_conn *db, const char *program, long long id)
{
    db_stmt *st = NULL;
    json_t *o = NULL;
    if (prep(db, &st, "SELECT " OFFER_COLS " FROM offer WHERE program_id=? AND id=?", "sl",
             program, id) == IO_OK &&
        db_step(st) == DB_ROW)
        o = offer_json(st);
    db_finalize(st);
    return o;
}

/* Check an offer request against the seat and the ranking. */
static int check_offer(io_store *s, const char *program, const char *group, const char *patient,
                       json_t **ranking, model_diag *d)
{
    if (!group || !patient) {
        model_diag_error(d, group ? "patient" : "group", "missing: the %s id",
                         group ? "patient" : "group");
        return IO_EINVAL;
    }
    int rc;
    *ranking = seat_ranking(s, program, group, 1000, &rc, d);
    if (rc != IO_OK)
        return rc;
    /* read early for a precise answer; insert_offer checks again */
    rconn *rd = NULL;
    rc = offer_limits(rd_acquire(s, &rd), program, group, patient,
                      (int)json_integer_value(json_object_get(*ranking, "open_seats")), d);
    rd_release(s, rd);
    if (rc != IO_OK)
        return rc;
    if (!rank_of(*ranking, patient)) {
        model_diag_error(d, "patient",
                         "patient '%s' is not an eligible candidate for the seat in '%s' (fill's"
                         " rules; or declined it before)",
                         patient, group);
        return IO_EINVAL;
    }
    return IO_OK;
}

/* Insert the offer and its audit row in one transaction that first checks
 * the offer limits again (another offer may have taken the seat since
 * check_offer); *id out. */
static int insert_offer(io_store *s, const char *program, const char *group, const char *patient,
                        const char *at, double ttl_hours, long actor, long long *id,
                        model_diag *d)
{
    char expires[32];
    time_t t0 = 0;
    ts_parse(at, &t0);
    ts_format(t0 + (time_t)(ttl_hours * 3600.0 + 0.5), expires);
    lock(s);
    int rc = begin(s);
    if (rc == IO_OK)
        rc = offer_limits(s->db, program, group, patient, seats_open_in_txn(s, program, group),
                          d);
    if (rc == IO_OK)
        rc = run(s->db,
                 "INSERT INTO offer(program_id, group_id, patient_id, status, offered_at,"
                 " expires_at, token_id) VALUES (?1,?2,?3,'offered',?4,?5,?6)",
                 "sssssa", program, group, patient, at, expires, actor);
    *id = db_last_id(s->db);
    json_t *o = rc == IO_OK ? offer_get(s->db, program, *id) : NULL;
    if (rc == IO_OK)
        rc = audit(s, actor, "offer.create", "offer", program, NULL, o);
    json_decref(o);
    rc = txn_end(s, rc, d);
    unlock(s);
    return rc;
}

int io_store_offer_create(io_store *s, const char *program, const char *body, size_t len,
                          long actor, char **json, model_diag *d)
{
    json_t *b = json_loadb(body, len, 0, NULL), *ranking = NULL;
    const char *group = json_string_value(json_object_get(b, "group"));
    const char *patient = json_string_value(json_object_get(b, "patient"));
    char at[32];
    model_instance *inst = NULL;
    int rc = io_store_program_export(s, program, &inst, d);
    if (rc == IO_OK && stamp(s, json_string_value(json_object_get(b, "at")), at) != 0) {
        model_diag_error(d, "at", "not a date-time (YYYY-MM-DDTHH:MM:SSZ)");
        rc = IO_EINVAL;
    }
    if (rc == IO_OK)
        rc = check_offer(s, program, group, patient, &ranking, d);
    long long id = 0;
    if (rc == IO_OK)
        rc = insert_offer(s, program, group, patient, at, inst->settings.offer_ttl_hours, actor,
                          &id, d);
    if (rc == IO_OK) {
        rconn *rd = NULL;
        json_t *o = offer_get(rd_acquire(s, &rd), program, id);
        rd_release(s, rd);
        json_object_set_new(o, "rank", json_integer(rank_of(ranking, patient)));
        rc = give(o, json);
    }
    json_decref(ranking);
    model_instance_destroy(inst);
    json_decref(b);
    return rc;
}

/* Close the open offer before (read in this transaction) with status,
 * reason and decided_at, and its audit row, inside the caller's write
 * transaction. */
static int close_offer(io_store *s, const char *program, const json_t *before,
                       const char *status, const char *reason, const char *at, long actor)
{
    long long id = json_integer_value(json_object_get(before, "id"));
    int rc = run(s->db,
                 "UPDATE offer SET status=?, reason=?, decided_at=? WHERE program_id=? AND id=?"
                 " AND status='offered'",
                 "ssssl", status, reason, at, program, id);
    json_t *after = rc == IO_OK ? offer_get(s->db, program, id) : NULL;
    if (rc == IO_OK)
        rc = audit(s, actor, "offer.decide", "offer", program, before, after);
    json_decref(after);
    return rc;
}

/* Validate a decision on offer o at time at. */
static int check_decision(const json_t *o, const char *decision, const char *reason,
                          const char *at, model_diag *d)
{
    const char *status = json_string_value(json_object_get(o, "status"));
    const char *exp = json_string_value(json_object_get(o, "expires_at"));
    json_int_t id = json_integer_value(json_object_get(o, "id"));
    if (!decision || (strcmp(decision, "accepted") != 0 && strcmp(decision, "declined") != 0)) {
        model_diag_error(d, "decision", "must be \"accepted\" or \"declined\"");
        return IO_EINVAL;
    }
    if (strcmp(status, "offered") != 0) {
        model_diag_error(d, "decision", "offer %lld is already %s", (long long)id, status);
        return IO_EINVAL;
    }
    if (strcmp(at, exp) >= 0) {
        model_diag_error(d, "decision", "offer %lld expired at %s", (long long)id, exp);
        return IO_EINVAL;
    }
    if (strcmp(decision, "declined") == 0 && (!reason || !reason[0])) {
        model_diag_error(d, "reason", "a declined offer needs the patient's reason");
        return IO_EINVAL;
    }
    return IO_OK;
}

/* Accept open offer o inside the caller's write transaction: the seat
 * must still be open (nothing else took it since the offer), then the
 * patient is placed (the "placed" roster event and its rules) on the
 * date of at; *recorded receives the recorded events.  IO_EINVAL at
 * "decision" when the seat is gone. */
static int place(io_store *s, const char *program, const json_t *o, const char *at, long actor,
                 json_t **recorded, model_diag *d)
{
    const char *group = json_string_value(json_object_get(o, "group"));
    if (seats_open_in_txn(s, program, group) <= 0) {
        model_diag_error(d, "decision",
                         "the seat in '%s' is no longer open: it was taken after offer %lld was"
                         " made",
                         group, (long long)json_integer_value(json_object_get(o, "id")));
        return IO_EINVAL;
    }
    char date[11];
    memcpy(date, at, 10);
    date[10] = '\0';
    json_t *ev = json_pack("{s:s,s:s,s:O,s:s}", "event", "placed", "group", group, "patient",
                           json_object_get(o, "patient"), "date", date);
    int rc = ev ? events_record_in_txn(s, program, ev, actor, recorded, d) : IO_ENOMEM;
    json_decref(ev);
    return rc;
}

/* Decide offer id in one write transaction: read it again, check the
 * decision (check_decision), place the patient when accepted, close the
 * offer.  Nothing is written unless all of it is. */
static int decide(io_store *s, const char *program, long long id, const char *decision,
                  const char *reason, const char *at, long actor, json_t **recorded,
                  model_diag *d)
{
    lock(s);
    int rc = begin(s);
    json_t *o = rc == IO_OK ? offer_get(s->db, program, id) : NULL;
    if (rc == IO_OK && !o)
        rc = IO_STORE_ENOTFOUND;
    if (rc == IO_OK)
        rc = check_decision(o, decision, reason, at, d);
    int accept = rc == IO_OK && strcmp(decision, "accepted") == 0;
    if (accept)
        rc = place(s, program, o, at, actor, recorded, d);
    if (rc == IO_OK)
        rc = close_offer(s, program, o, decision, accept ? NULL : reason, at, actor);
    rc = txn_end(s, rc, d);
    unlock(s);
    json_decref(o);
    return rc;
}

/* The offer id (read) and the body's "at" (normalised into at): IO_OK,
 * IO_STORE_ENOTFOUND, or IO_EINVAL with the error at "at". */
static int offer_and_time(io_store *s, const char *program, long long id, const json_t *b,
                          json_t **o, char at[32], model_diag *d)
{
    rconn *rd = NULL;
    *o = offer_get(rd_acquire(s, &rd), program, id);
    rd_release(s, rd);
    if (!*o)
        return IO_STORE_ENOTFOUND;
    if (stamp(s, json_string_value(json_object_get(b, "at")), at) != 0) {
        model_diag_error(d, "at", "not a date-time (YYYY-MM-DDTHH:MM:SSZ)");
        return IO_EINVAL;
    }
    return IO_OK;
}

int io_store_offer_decide(io_store *s, const char *program, long long id, const char *body,
                          size_t len, long actor, char **json, model_diag *d)
{
    json_t *b = json_loadb(body, len, 0, NULL);
    const char *decision = json_string_value(json_object_get(b, "decision"));
    const char *reason = json_string_value(json_object_get(b, "reason"));
    char at[32];
    json_t *o = NULL;
    int rc = offer_and_time(s, program, id, b, &o, at, d);
    json_t *recorded = NULL;
    if (rc == IO_OK)
        rc = decide(s, program, id, decision, reason, at, actor, &recorded, d);
    int accept = rc == IO_OK && strcmp(decision, "accepted") == 0;
    json_t *out = NULL;
    if (rc == IO_OK) {
        rconn *rd = NULL;
        out = json_pack("{s:o}", "offer", offer_get(rd_acquire(s, &rd), program, id));
        rd_release(s, rd);
        if (accept)
            json_object_set(out, "recorded", recorded);
        else
            json_object_set_new(out, "next",
                                seat_ranking(s, program,
                                             json_string_value(json_object_get(o, "group")), 0,
                                             &(int){0}, NULL));
    }
    json_decref(recorded);
    json_decref(o);
    json_decref(b);
    if (rc != IO_OK)
        return rc;
    return give(out, json);
}

/* Expire the open offers due at `at`; ids of those expired into *ids. */
static int expire_due(io_store *s, const char *program, const char *at, json_t *expired)
{
    lock(s);
    db_stmt *st = NULL;
    int rc = begin(s);
    if (rc == IO_OK)
        rc = prep(s->db, &st,
                  "SELECT id, group_id FROM offer WHERE program_id=? AND status='offered' AND"
                  " expires_at <= ?",
                  "ss", program, at);
    while (rc == IO_OK && db_step(st) == DB_ROW)
        json_array_append_new(expired,
                              json_pack("{s:I,s:o}", "offer",
                                        (json_int_t)db_column_int64(st, 0), "group",
                                        col_str(st, 1)));
    db_finalize(st);
    size_t i;
    json_t *e;
    json_array_foreach(expired, i, e)
    {
        if (rc != IO_OK)
            break;
        long long id = json_integer_value(json_object_get(e, "offer"));
        json_t *before = offer_get(s->db, program, id);
        rc = run(s->db, "UPDATE offer SET status='expired', decided_at=expires_at WHERE id=?",
                 "l", id);
        json_t *after = offer_get(s->db, program, id);
        if (rc == IO_OK)
            rc = audit(s, 0, "offer.expire", "offer", program, before, after);
        json_decref(before);
        json_decref(after);
    }
    rc = txn_end(s, rc, NULL);
    unlock(s);
    return rc;
}

/* The contact attempts of offer id. */
static json_t *contacts_of(db_conn *db, long long id)
{
    db_stmt *st = NULL;
    json_t *arr = json_array();
    if (prep(db, &st,
             "SELECT channel, outcome, note, at FROM contact_attempt WHERE offer_id=? ORDER BY id",
             "l", id) == IO_OK)
        while (db_step(st) == DB_ROW)
            json_array_append_new(arr, json_pack("{s:o,s:o,s:o,s:o}", "channel", col_str(st, 0),
                                                 "outcome", col_str(st, 1), "note",
                                                 col_str(st, 2), "at", col_str(st, 3)));
    db_finalize(st);
    return arr;
}

int io_store_offers_list(io_store *s, const char *program, const char *group,
                         const char *patient, const char *at_in, char **json)
{
    char at[32];
    if (stamp(s, at_in, at) != 0)
        return IO_EINVAL;
    json_t *expired = json_array();
    int rc = expire_due(s, program, at, expired);
    size_t i;
    json_t *e;
    json_array_foreach(expired, i, e)
    json_object_set_new(e, "next",
                        seat_ranking(s, program, json_string_value(json_object_get(e, "group")),
                                     0, &(int){0}, NULL));
    db_stmt *st = NULL;
    json_t *arr = json_array();
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    if (rc == IO_OK)
        rc = program_exists(db, program) ? IO_OK : IO_STORE_ENOTFOUND;
    if (rc == IO_OK)
        rc = prep(db, &st,
                  "SELECT " OFFER_COLS " FROM offer WHERE program_id=?1 AND (group_id=?2 OR"
                  " ?2 IS NULL) AND (patient_id=?3 OR ?3 IS NULL) ORDER BY id",
                  "sss", program, group, patient);
    int step = DB_DONE;
    while (rc == IO_OK && (step = db_step(st)) == DB_ROW) {
        json_t *o = offer_json(st);
        json_object_set_new(o, "contacts", contacts_of(db, db_column_int64(st, 0)));
        json_array_append_new(arr, o);
    }
    json_t *out = json_pack("{s:o,s:o}", "offers", arr, "expired_now", expired);
    return rows_done(s, rd, st, rc, step, out, json);
}

int io_store_offer_contact_tree(io_store *s, const char *program, long long id,
                                const char *body, size_t len, long actor, json_t **out,
                                model_diag *d)
{
    json_t *b = json_loadb(body, len, 0, NULL);
    const char *channel = json_string_value(json_object_get(b, "channel"));
    const char *outcome = json_string_value(json_object_get(b, "outcome"));
    char at[32];
    json_t *o = NULL;
    int rc = offer_and_time(s, program, id, b, &o, at, d);
    if (rc == IO_OK && (!channel || !outcome)) {
        model_diag_error(d, channel ? "outcome" : "channel",
                         "a contact attempt needs a channel and an outcome");
        rc = IO_EINVAL;
    }
    if (rc == IO_OK) {
        lock(s);
        rc = begin(s);
        if (rc == IO_OK)
            rc = run(s->db,
                     "INSERT INTO contact_attempt(program_id, offer_id, patient_id, channel,"
                     " outcome, note, token_id, at) VALUES (?,?,?,?,?,?,?,?)",
                     "slssssas", program, id, json_string_value(json_object_get(o, "patient")),
                     channel, outcome, json_string_value(json_object_get(b, "note")), actor, at);
        if (rc == IO_OK)
            rc = audit(s, actor, "offer.contact", "offer", program, NULL, b);
        rc = txn_end(s, rc, d);
        unlock(s);
    }
    json_decref(o);
    json_decref(b);
    if (rc != IO_OK)
        return rc;
    rconn *rd = NULL;
    json_t *arr = contacts_of(rd_acquire(s, &rd), id);
    rd_release(s, rd);
    return io_tree_give(arr, out);
}

int io_store_offer_contact(io_store *s, const char *program, long long id, const char *body,
                           size_t len, long actor, char **json, model_diag *d)
{
    json_t *arr = NULL;
    int rc = io_store_offer_contact_tree(s, program, id, body, len, actor, &arr, d);
    return rc == IO_OK ? give(arr, json) : rc;
}
