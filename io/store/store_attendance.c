/*
 * store_attendance.c - Attendance of a stored program's sessions: recording
 * a session's roster (or the clinic's cancellation), corrections, the list
 * of marks and the no-show policy flags (rules in model/attendance.c).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "store_private.h"

/* One validated mark of a request. */
typedef struct att_mark {
    const char *patient;
    model_attendance status;
    const char *note;
} att_mark;

/* A validated attendance request. */
typedef struct att_req {
    json_t *body;
    const char *group;
    const char *date; /* as given, validated */
    const char *cancel_reason; /* non-NULL: the clinic cancelled the session */
    int correct;
    att_mark *marks;
    int n_marks;
    int version; /* schedule version the session was found in */
} att_req;

/* ------------------------------------------------------------ sessions */

/* Does the program's published (else latest) schedule have a session of
 * group on date?  1 yes, 0 no, -1 no schedule; *version receives it. */
static int schedule_has_session(io_store *s, const char *program, const char *group, int date,
                                int *version)
{
    char *text = NULL;
    if (io_store_schedule_get(s, program, -1, &text, version) != IO_OK)
        return -1;
    model_solution *sol = NULL;
    model_diag d;
    model_diag_init(&d);
    int rc = io_solution_parse(text, strlen(text), &sol, &d);
    free(text);
    model_diag_free(&d);
    if (rc != IO_OK)
        return -1;
    int found = 0;
    for (int i = 0; i < sol->n_sessions && !found; i++)
        found = sol->sessions[i].date == date && strcmp(sol->sessions[i].group, group) == 0;
    model_solution_destroy(sol);
    return found;
}

/* True when patient was a member of group g on date: a seat holder who
 * joined by then, or one who left on or after it. */
bool io_member_on(const model_group *g, const char *patient, int date)
{
    for (int k = 0; k < g->n_members; k++) {
        const model_member *m = &g->members[k];
        if (strcmp(m->patient, patient) != 0)
            continue;
        if (model_status_occupies(m->status))
            return m->since < 0 || m->since <= date;
        return m->since < 0 || m->since >= date;
    }
    return false;
}

/* ----------------------------------------------------------- validation */

/* Read one mark i into *out; errors at marks[i].*.  0 ok, -1 reported. */
static int read_mark(const model_instance *inst, const model_group *g, int date, json_t *mj,
                     size_t i, double late_cancel_hours, att_mark *out, model_diag *d)
{
    char path[64];
    const char *pid = json_string_value(json_object_get(mj, "patient"));
    snprintf(path, sizeof path, "marks[%zu].patient", i);
    if (!pid) {
        model_diag_error(d, path, "missing: the patient id");
        return -1;
    }
    if (model_find_patient(inst, pid) < 0 || !io_member_on(g, pid, date)) {
        model_diag_error(d, path, "patient '%s' is not a member of '%s' on that date", pid, g->id);
        return -1;
    }
    const char *st = json_string_value(json_object_get(mj, "status"));
    snprintf(path, sizeof path, "marks[%zu].status", i);
    int a = model_attendance_parse(st);
    json_t *nh = json_object_get(mj, "notice_hours");
    if (st && strcmp(st, "cancel") == 0) {
        if (!json_is_number(nh) || json_number_value(nh) < 0) {
            snprintf(path, sizeof path, "marks[%zu].notice_hours", i);
            model_diag_error(d, path, "a member's cancellation needs notice_hours (>= 0)");
            return -1;
        }
        a = model_attendance_classify_cancel(json_number_value(nh), late_cancel_hours);
    }
    if (a < 0 || a == MODEL_ATT_CANCELLED) {
        model_diag_error(d, path,
                         "unknown status '%s' (present, late, late_cancel, no_show, excused, or"
                         " cancel with notice_hours; a session the clinic cancels is"
                         " {\"cancelled\": {\"reason\"}})",
                         st ? st : "(missing)");
        return -1;
    }
    out->patient = pid;
    out->status = (model_attendance)a;
    out->note = json_string_value(json_object_get(mj, "note"));
    return 0;
}

/* Read the marks array into r (patients at most once). */
static int read_marks(const model_instance *inst, const model_group *g, int date, att_req *r,
                      model_diag *d)
{
    json_t *marks = json_object_get(r->body, "marks");
    if (!json_is_array(marks) || json_array_size(marks) == 0) {
        model_diag_error(d, "marks", "must be a non-empty array of {patient, status}");
        return -1;
    }
    r->marks = calloc(json_array_size(marks), sizeof *r->marks);
    if (!r->marks)
        return -1;
    size_t i;
    json_t *mj;
    int bad = 0;
    json_array_foreach(marks, i, mj)
    {
        att_mark m;
        if (read_mark(inst, g, date, mj, i, inst->settings.late_cancel_hours, &m, d) != 0) {
            bad = 1;
            continue;
        }
        for (int k = 0; k < r->n_marks; k++)
            if (strcmp(r->marks[k].patient, m.patient) == 0) {
                char path[64];
                snprintf(path, sizeof path, "marks[%zu].patient", i);
                model_diag_error(d, path, "patient '%s' is marked twice", m.patient);
                bad = 1;
            }
        r->marks[r->n_marks++] = m;
    }
    return bad ? -1 : 0;
}

/* Validate the request against the program and its schedule. */
static int read_request(io_store *s, const char *program, att_req *r, model_diag *d)
{
    model_instance *inst = NULL;
    int rc = io_store_program_export(s, program, &inst, d);
    if (rc != IO_OK)
        return rc == IO_STORE_ENOTFOUND ? rc : IO_STORE_EDB;
    r->group = json_string_value(json_object_get(r->body, "group"));
    r->date = json_string_value(json_object_get(r->body, "date"));
    r->correct = json_is_true(json_object_get(r->body, "correct"));
    int gi = r->group ? model_find_group(inst, r->group) : -1, date = -1, bad = 0;
    if (gi < 0) {
        model_diag_error(d, "group", r->group ? "no group '%s'" : "missing: the group id%s",
                         r->group ? r->group : "");
        bad = 1;
    }
    if (!r->date || model_date_parse(r->date, &date) != MODEL_OK) {
        model_diag_error(d, "date", "not an ISO date (YYYY-MM-DD)");
        bad = 1;
    } else if (gi >= 0) {
        int has = schedule_has_session(s, program, r->group, date, &r->version);
        if (has <= 0) {
            model_diag_error(d, "date",
                             has < 0 ? "no saved schedule: the sessions of '%s' are not known"
                                     : "%s is not a session of '%s' in the schedule",
                             has < 0 ? r->group : r->date, r->group);
            bad = 1;
        }
    }
    json_t *cancel = json_object_get(r->body, "cancelled");
    if (cancel) {
        r->cancel_reason = json_string_value(json_object_get(cancel, "reason"));
        if (!r->cancel_reason || !r->cancel_reason[0]) {
            model_diag_error(d, "cancelled.reason", "a cancelled session needs a reason");
            bad = 1;
        }
        if (json_object_get(r->body, "marks")) {
            model_diag_error(d, "marks", "a session the clinic cancelled has no marks");
            bad = 1;
        }
    } else if (!bad && read_marks(inst, &inst->groups[gi], date, r, d) != 0) {
        bad = 1;
    }
    model_instance_destroy(inst);
    return bad ? IO_EINVAL : IO_OK;
}

/* ---------------------------------------------------------------- write */

/* The stored status of one mark (NULL when none; caller frees). */
static char *stored_status(db_conn *db, const char *program, const char *group, const char *date,
                           const char *patient)
{
    db_stmt *st = NULL;
    char *out = NULL;
    if (prep(db, &st,
             "SELECT status FROM attendance WHERE program_id=? AND group_id=? AND date=?"
             " AND patient_id=?",
             "ssss", program, group, date, patient) == IO_OK &&
        db_step(st) == DB_ROW)
        out = strdup((const char *)db_column_text(st, 0));
    db_finalize(st);
    return out;
}

/* Is the session cancelled (1), not (0)? */
static int session_cancelled(db_conn *db, const char *program, const char *group,
                             const char *date)
{
    db_stmt *st = NULL;
    int yes = 0;
    if (prep(db, &st,
             "SELECT 1 FROM session_cancel WHERE program_id=? AND group_id=? AND date=?", "sss",
             program, group, date) == IO_OK)
        yes = db_step(st) == DB_ROW;
    db_finalize(st);
    return yes;
}

/* Write one mark (replacing a stored one when correcting), with its audit
 * row; appends {"patient","status","previous"} to recorded. */
static int write_mark(io_store *s, const char *program, const att_req *r, const att_mark *m,
                      long actor, json_t *recorded, model_diag *d, size_t i)
{
    char *prev = stored_status(s->db, program, r->group, r->date, m->patient);
    if (prev && !r->correct) {
        char path[64];
        snprintf(path, sizeof path, "marks[%zu].patient", i);
        model_diag_error(d, path,
                         "attendance of '%s' on %s is already recorded (%s); send \"correct\":"
                         " true to correct it",
                         m->patient, r->date, prev);
        free(prev);
        return IO_EINVAL;
    }
    const char *status = model_attendance_name(m->status);
    int rc = run(s->db,
                 "INSERT INTO attendance(program_id, group_id, date, patient_id, status, note,"
                 " token_id) VALUES (?,?,?,?,?,?,?) ON CONFLICT (program_id, group_id, date,"
                 " patient_id) DO UPDATE SET status=excluded.status, note=excluded.note,"
                 " token_id=excluded.token_id, at=" NOW_SQL,
                 "ssssssa", program, r->group, r->date, m->patient, status, m->note, actor);
    json_t *after = json_pack("{s:s,s:s,s:s,s:s}", "group", r->group, "date", r->date, "patient",
                              m->patient, "status", status);
    json_t *before = prev ? json_pack("{s:s}", "status", prev) : NULL;
    if (rc == IO_OK)
        rc = audit(s, actor, prev ? "attendance.correct" : "attendance.record", "attendance",
                   program, before, after);
    json_object_set_new(after, "previous", prev ? json_string(prev) : json_null());
    json_array_append_new(recorded, after);
    json_decref(before);
    free(prev);
    return rc;
}

/* Record the clinic's cancellation of the session. */
static int write_cancel(io_store *s, const char *program, const att_req *r, long actor,
                        model_diag *d)
{
    if (session_cancelled(s->db, program, r->group, r->date) && !r->correct) {
        model_diag_error(d, "date", "the session of %s on %s is already cancelled", r->group,
                         r->date);
        return IO_EINVAL;
    }
    int rc = run(s->db,
                 "INSERT INTO session_cancel(program_id, group_id, date, reason, token_id)"
                 " VALUES (?,?,?,?,?) ON CONFLICT (program_id, group_id, date) DO UPDATE"
                 " SET reason = excluded.reason, token_id = excluded.token_id, at = excluded.at",
                 "ssssa", program, r->group, r->date, r->cancel_reason, actor);
    json_t *after = json_pack("{s:s,s:s,s:s}", "group", r->group, "date", r->date, "reason",
                              r->cancel_reason);
    if (rc == IO_OK)
        rc = audit(s, actor, "session.cancel", "session", program, NULL, after);
    json_decref(after);
    return rc;
}

/* Refuse marks for a session the clinic cancelled (unless correcting). */
static int check_not_cancelled(io_store *s, const char *program, const att_req *r, model_diag *d)
{
    if (r->cancel_reason || r->correct || !session_cancelled(s->db, program, r->group, r->date))
        return IO_OK;
    model_diag_error(d, "date", "the clinic cancelled the session of %s on %s", r->group, r->date);
    return IO_EINVAL;
}

/* The whole write, in one transaction. */
static int write_request(io_store *s, const char *program, const att_req *r, long actor,
                         json_t *recorded, model_diag *d)
{
    lock(s);
    int rc = begin(s);
    if (rc != IO_OK)
        db_error(s, d);
    if (rc == IO_OK)
        rc = check_not_cancelled(s, program, r, d);
    if (rc == IO_OK && r->cancel_reason)
        rc = write_cancel(s, program, r, actor, d);
    for (int i = 0; rc == IO_OK && i < r->n_marks; i++)
        rc = write_mark(s, program, r, &r->marks[i], actor, recorded, d, (size_t)i);
    rc = txn_end(s, rc, d);
    unlock(s);
    return rc;
}

int io_store_attendance_record(io_store *s, const char *program, const char *body, size_t len,
                               long actor, char **result, model_diag *d)
{
    json_error_t je;
    att_req r;
    memset(&r, 0, sizeof r);
    r.body = json_loadb(body, len, 0, &je);
    if (!json_is_object(r.body)) {
        model_diag_error(d, "", r.body ? "expected an object {group, date, marks}"
                                       : "JSON syntax error: %s", je.text);
        json_decref(r.body);
        return IO_EINVAL;
    }
    json_t *recorded = json_array();
    int rc = recorded ? read_request(s, program, &r, d) : IO_ENOMEM;
    if (rc == IO_OK)
        rc = write_request(s, program, &r, actor, recorded, d);
    json_t *flags = NULL;
    if (rc == IO_OK && result)
        rc = io_store_attendance_flags_tree(s, program, r.group, 0, &flags);
    if (rc == IO_OK && result) {
        json_t *o = json_pack("{s:s,s:s,s:i,s:O,s:s?,s:o}", "group", r.group, "date", r.date,
                              "schedule_version", r.version, "recorded", recorded, "cancelled",
                              r.cancel_reason, "flags", flags);
        rc = give(o, result);
    }
    json_decref(recorded);
    free(r.marks);
    json_decref(r.body);
    return rc;
}

/* ----------------------------------------------------------------- read */

int io_store_attendance_list_tree(io_store *s, const char *program, const char *group,
                                  const char *patient, json_t **out, io_page *pg)
{
    char last[512];
    int n = 0;
    long after;
    if (page_start(pg, &after))
        return IO_EINVAL;
    db_stmt *st = NULL;
    json_t *arr = json_array();
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    int rc = program_exists(db, program) ? IO_OK : IO_STORE_ENOTFOUND;
    if (rc == IO_OK)
        rc = prep(db, &st,
                  /* key = date (YYYYMMDD) * 1e10 + kind * 1e9 + row id: by date, the
                   * marks before the clinic's cancellations, then as recorded (a
                   * cancellation, one per group and date, by its group's rank among
                   * that date's); the page cursor */
                  "SELECT * FROM (SELECT group_id, date, patient_id, status, note, token_id, at,"
                  " CAST(replace(date, '-', '') AS BIGINT) * 10000000000 + id AS key"
                  " FROM attendance WHERE program_id=?1 AND (group_id=?2 OR ?2 IS NULL) AND"
                  " (patient_id=?3 OR ?3 IS NULL) UNION ALL SELECT group_id, date, NULL,"
                  " 'cancelled', reason, token_id, at, CAST(replace(date, '-', '') AS BIGINT)"
                  " * 10000000000 + 1000000000 + (SELECT count(*) FROM session_cancel b WHERE"
                  " b.program_id = c.program_id AND b.date = c.date AND b.group_id <= c.group_id)"
                  " FROM session_cancel c WHERE program_id=?1 AND (group_id=?2 OR ?2 IS NULL)"
                  " AND ?3 IS NULL) AS t WHERE (key > ?4 OR ?4 IS NULL) ORDER BY key LIMIT ?5",
                  "sssai", program, group, patient, after, page_limit(pg));
    int step = DB_DONE;
    while (rc == IO_OK && (step = db_step(st)) == DB_ROW) {
        if (page_row(pg, st, 7, &n, last)) {
            step = DB_DONE;
            break;
        }
        json_array_append_new(
            arr, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "group", col_str(st, 0), "date",
                           col_str(st, 1), "patient", col_str(st, 2), "status", col_str(st, 3),
                           "note", col_str(st, 4), "actor", col_int(st, 5), "at",
                           col_str(st, 6)));
    }
    return rows_tree(s, rd, st, rc, step, arr, out);
}

int io_store_attendance_list(io_store *s, const char *program, const char *group,
                             const char *patient, char **json, io_page *pg)
{
    json_t *arr = NULL;
    int rc = io_store_attendance_list_tree(s, program, group, patient, &arr, pg);
    return rc == IO_OK ? give(arr, json) : rc;
}

/* A member's marks in a group (malloc'd array in *out, count returned;
 * -1 on failure). */
static int member_marks(db_conn *db, const char *program, const char *group, const char *patient,
                        model_att_mark **out)
{
    db_stmt *st = NULL;
    int n = 0, cap = 0;
    model_att_mark *m = NULL;
    if (prep(db, &st,
             "SELECT date, status FROM attendance WHERE program_id=? AND group_id=? AND"
             " patient_id=? ORDER BY date",
             "sss", program, group, patient) != IO_OK)
        return -1;
    while (db_step(st) == DB_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            model_att_mark *nm = realloc(m, (size_t)cap * sizeof *nm);
            if (!nm) {
                free(m);
                db_finalize(st);
                return -1;
            }
            m = nm;
        }
        int date = -1, a = model_attendance_parse((const char *)db_column_text(st, 1));
        model_date_parse((const char *)db_column_text(st, 0), &date);
        if (a >= 0 && date >= 0)
            m[n++] = (model_att_mark){date, (model_attendance)a};
    }
    db_finalize(st);
    *out = m;
    return n;
}

/* The reasons behind a summary's flags, in the policy's words. */
static json_t *flag_reasons(const model_att_summary *a, const model_noshow_policy *p)
{
    json_t *r = json_array();
    char buf[160];
    if (p->drop_consecutive_no_shows > 0 && a->consecutive_no_shows >= p->drop_consecutive_no_shows)
        snprintf(buf, sizeof buf, "%d consecutive no-shows: recommend drop (policy: %d)",
                 a->consecutive_no_shows, p->drop_consecutive_no_shows),
            json_array_append_new(r, json_string(buf));
    else if (p->review_consecutive_no_shows > 0 &&
             a->consecutive_no_shows >= p->review_consecutive_no_shows)
        snprintf(buf, sizeof buf, "%d consecutive no-shows: review (policy: %d)",
                 a->consecutive_no_shows, p->review_consecutive_no_shows),
            json_array_append_new(r, json_string(buf));
    if (p->drop_absences > 0 && a->absences >= p->drop_absences)
        snprintf(buf, sizeof buf, "%d absences in %d weeks: recommend drop (policy: %d)",
                 a->absences, p->absence_window_weeks, p->drop_absences),
            json_array_append_new(r, json_string(buf));
    if (p->review_late_cancels > 0 && a->late_cancels >= p->review_late_cancels)
        snprintf(buf, sizeof buf, "%d late cancellations in %d weeks: review (policy: %d)",
                 a->late_cancels, p->absence_window_weeks, p->review_late_cancels),
            json_array_append_new(r, json_string(buf));
    return r;
}

/* The flags entry of one member (NULL on failure). */
static json_t *member_flags(db_conn *db, const char *program, const model_instance *inst,
                            const model_group *g, const model_member *m)
{
    model_att_mark *marks = NULL;
    int n = member_marks(db, program, g->id, m->patient, &marks);
    if (n < 0)
        return NULL;
    int asof = 0;
    for (int i = 0; i < n; i++)
        asof = marks[i].date > asof ? marks[i].date : asof;
    model_att_summary a;
    const model_noshow_policy *p = &inst->settings.no_show_policy;
    model_attendance_summarise(marks, n, asof, p, &a);
    free(marks);
    return json_pack("{s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:b,s:b,s:o}", "group", g->id,
                     "patient", m->patient, "status", model_status_name(m->status), "sessions",
                     a.sessions, "attended", a.attended, "consecutive_no_shows",
                     a.consecutive_no_shows, "no_shows", a.no_shows, "late_cancels",
                     a.late_cancels, "absences", a.absences, "review", a.review,
                     "recommend_drop", a.recommend_drop, "reasons", flag_reasons(&a, p));
}

int io_store_attendance_flags_tree(io_store *s, const char *program, const char *group,
                                   int only_flagged, json_t **out)
{
    model_instance *inst = NULL;
    model_diag d;
    model_diag_init(&d);
    int rc = io_store_program_export(s, program, &inst, &d);
    model_diag_free(&d);
    if (rc != IO_OK)
        return rc;
    json_t *arr = json_array();
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    for (int g = 0; g < inst->n_groups && rc == IO_OK; g++) {
        const model_group *gr = &inst->groups[g];
        if (group && strcmp(group, gr->id) != 0)
            continue;
        for (int k = 0; k < gr->n_members && rc == IO_OK; k++) {
            if (!model_status_occupies(gr->members[k].status))
                continue;
            json_t *e = member_flags(db, program, inst, gr, &gr->members[k]);
            if (!e)
                rc = IO_STORE_EDB;
            else if (only_flagged && !json_is_true(json_object_get(e, "review")))
                json_decref(e);
            else
                json_array_append_new(arr, e);
        }
    }
    rd_release(s, rd);
    model_instance_destroy(inst);
    if (rc != IO_OK) {
        json_decref(arr);
        return rc;
    }
    return io_tree_give(arr, out);
}

int io_store_attendance_flags(io_store *s, const char *program, const char *group,
                              int only_flagged, char **json)
{
    json_t *arr = NULL;
    int rc = io_store_attendance_flags_tree(s, program, group, only_flagged, &arr);
    return rc == IO_OK ? give(arr, json) : rc;
}
