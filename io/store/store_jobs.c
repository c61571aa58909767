/*
 * store_jobs.c - the durable job queue: submit, claim, heartbeat, finish,
 * recover, cancel and read jobs kept as rows of the store (table job,
 * migration 5).
 *
 * Every change is one write transaction (SQLite's BEGIN IMMEDIATE: the
 * claim's read and update cannot interleave with another process's; on
 * PostgreSQL the claim's SELECT locks its row, skipping rows other claimers
 * hold: FOR UPDATE SKIP LOCKED), and every change
 * of a running job is conditional on the worker still owning it, so a
 * cancelled or reassigned job is never overwritten by a late worker.
 */
#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "store_private.h"

static const char *const STATES[] = {"queued", "running", "done", "failed", "cancelled"};

double io_job_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void io_job_claim_clear(io_job_claim *c)
{
    if (!c)
        return;
    free(c->program);
    free(c->input);
    c->program = c->input = NULL;
}

/* A fresh job id: "j" and 16 hex digits.  IO_EIO when there is no
 * randomness. */
int new_id(char id[IO_JOB_ID_LEN])
{
    unsigned char raw[8];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return IO_EIO;
        got += (size_t)n;
    }
    id[0] = 'j';
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(id + 1 + 2 * i, 3, "%02x", raw[i]);
    return IO_OK;
}

/* One integer from a query with the given bound arguments ('s' text
 * only); -1 on error. */
long long scalar(db_conn *db, const char *sql, const char *arg)
{
    db_stmt *st = NULL;
    long long v = -1;
    if (prep(db, &st, sql, arg ? "s" : "", arg) == IO_OK && db_step(st) == DB_ROW)
        v = db_column_int64(st, 0);
    db_finalize(st);
    return v;
}

int io_store_job_submit(io_store *s, const char *kind, const char *program, long actor,
                        double deadline_s, const char *input, int max_queued,
                        char id_out[IO_JOB_ID_LEN])
{
    return io_store_job_submit_parts(s, kind, program, actor, deadline_s, input, NULL, 0,
                                     max_queued, id_out);
}

int io_store_job_any_queued(io_store *s)
{
    rconn *rd;
    db_conn *db = rd_acquire(s, &rd);
    long long n = scalar(db, "SELECT EXISTS (SELECT 1 FROM job WHERE " JOB_READY_SQL ")", NULL);
    rd_release(s, rd);
    return n > 0;
}

/* Read the claimed row into out (strings malloc'd).  IO_OK / ENOMEM /
 * EDB. */
static int read_claim(db_conn *db, const char *id, io_job_claim *out)
{
    db_stmt *st = NULL;
    int rc = prep(db, &st,
                  "SELECT kind, program_id, input, token_id, deadline_s, attempts FROM job"
                  " WHERE id = ?",
                  "s", id);
    if (rc == IO_OK && db_step(st) != DB_ROW)
        rc = IO_STORE_EDB;
    if (rc == IO_OK) {
        io_job_claim c;
        memset(&c, 0, sizeof c);
        snprintf(c.id, sizeof c.id, "%s", id);
        snprintf(c.kind, sizeof c.kind, "%s", (const char *)db_column_text(st, 0));
        const char *p = (const char *)db_column_text(st, 1);
        const char *in = (const char *)db_column_text(st, 2);
        c.program = p ? strdup(p) : NULL;
        c.input = strdup(in ? in : "");
        c.actor = (long)db_column_int64(st, 3);
        c.deadline_s = db_column_double(st, 4);
        c.attempt = db_column_int(st, 5);
        if ((p && !c.program) || !c.input) {
            io_job_claim_clear(&c);
            rc = IO_ENOMEM;
        } else {
            *out = c;
        }
    }
    db_finalize(st);
    return rc;
}

int io_store_job_claim(io_store *s, const char *worker, io_job_claim *out)
{
    char id[IO_JOB_ID_LEN] = "";
    db_stmt *st = NULL;
    lock(s);
    int rc = begin(s);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id FROM job WHERE " JOB_READY_SQL
             " ORDER BY created, coalesce(part, 0), id LIMIT 1%s",
             s->db->ops->lock_rows);
    if (rc == IO_OK)
        rc = prep(s->db, &st, sql, "");
    if (rc == IO_OK) {
        int r = db_step(st);
        if (r == DB_ROW)
            snprintf(id, sizeof id, "%s", (const char *)db_column_text(st, 0));
        else
            rc = r == DB_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
    }
    db_finalize(st);
    double now = io_job_now();
    if (rc == IO_OK)
        rc = run(s->db,
                 "UPDATE job SET state = 1, worker = ?, attempts = attempts + 1, started = ?,"
                 " heartbeat = ? WHERE id = ? AND state = 0",
                 "sdds", worker, now, now, id);
    if (rc == IO_OK && db_changes(s->db) != 1)
        rc = IO_STORE_ENOTFOUND; /* another claimer was first */
    io_job_claim c;
    memset(&c, 0, sizeof c);
    if (rc == IO_OK)
        rc = read_claim(s->db, id, &c);
    rc = txn_end(s, rc, NULL);
    unlock(s);
    if (rc == IO_OK)
        *out = c;
    else
        io_job_claim_clear(&c);
    return rc;
}

/* The status of an UPDATE of a worker's own running job: IO_STORE_ECONFLICT
 * when it changed no row (the job is no longer that worker's). */
static int owned(io_store *s, int rc)
{
    return rc == IO_OK && db_changes(s->db) == 0 ? IO_STORE_ECONFLICT : rc;
}

int io_store_job_heartbeat(io_store *s, const char *id, const char *worker)
{
    lock(s);
    int rc = run(s->db, "UPDATE job SET heartbeat = ? WHERE id = ? AND worker = ? AND state = 1",
                 "dss", io_job_now(), id, worker);
    rc = owned(s, rc);
    unlock(s);
    return rc;
}

int io_store_job_finish(io_store *s, const char *id, const char *worker, int state,
                        const char *result, const char *extra, const char *error)
{
    assert(state == IO_JOB_DONE || state == IO_JOB_FAILED);
    lock(s);
    int rc = run(s->db,
                 "UPDATE job SET state = ?, result = ?, extra = ?, error = ?, finished = ?,"
                 " input = NULL WHERE id = ? AND worker = ? AND state = 1",
                 "isssdss", state, result, extra, error, io_job_now(), id, worker);
    rc = owned(s, rc);
    unlock(s);
    return rc;
}

int io_store_job_release(io_store *s, const char *id, const char *worker)
{
    lock(s);
    int rc = run(s->db,
                 "UPDATE job SET state = 0, worker = NULL, started = NULL, heartbeat = NULL,"
                 " attempts = attempts - 1 WHERE id = ? AND worker = ? AND state = 1",
                 "ss", id, worker);
    rc = owned(s, rc);
    unlock(s);
    return rc;
}

int io_store_job_recover(io_store *s, double stale_s, int *n)
{
    double now = io_job_now(), before = now - stale_s;
    char reason[200];
    snprintf(reason, sizeof reason,
             "its worker stopped answering (no heartbeat for %.0f s) on the first run and on"
             " the retry",
             stale_s);
    lock(s);
    int rc = begin(s);
    int changed = 0;
    if (rc == IO_OK)
        rc = run(s->db,
                 "UPDATE job SET state = 3, error = ?, finished = ?, input = NULL"
                 " WHERE state = 1 AND heartbeat < ? AND attempts >= 2",
                 "sdd", reason, now, before);
    if (rc == IO_OK) {
        changed += db_changes(s->db);
        rc = run(s->db,
                 "UPDATE job SET state = 0, note = 'retried: the worker ' || coalesce(worker, '?')"
                 " || ' stopped answering', worker = NULL, heartbeat = NULL, started = NULL"
                 " WHERE state = 1 AND heartbeat < ? AND attempts < 2",
                 "d", before);
    }
    if (rc == IO_OK)
        changed += db_changes(s->db);
    rc = txn_end(s, rc, NULL);
    unlock(s);
    if (rc == IO_OK && n)
        *n = changed;
    return rc;
}

int io_store_job_cancel(io_store *s, const char *id)
{
    lock(s);
    int rc = begin(s);
    long long st = -1;
    if (rc == IO_OK) {
        st = scalar(s->db, "SELECT state FROM job WHERE id = ?", id);
        if (st < 0)
            rc = IO_STORE_ENOTFOUND;
    }
    if (rc == IO_OK && st <= IO_JOB_RUNNING)
        rc = run(s->db,
                 "UPDATE job SET state = 4, finished = ?, input = NULL WHERE id = ? AND state <= 1",
                 "ds", io_job_now(), id);
    if (rc == IO_OK && st <= IO_JOB_RUNNING)
        rc = parts_cancel(s, id);
    rc = txn_end(s, rc, NULL);
    unlock(s);
    return rc;
}

static int dup_col(db_stmt *st, int i, char **out)
{
    const char *t = (const char *)db_column_text(st, i);
    if (!out)
        return IO_OK;
    *out = t ? strdup(t) : NULL;
    return t && !*out ? IO_ENOMEM : IO_OK;
}

int io_store_job_state(io_store *s, const char *id, int *state, char **result, char **error)
{
    rconn *rd;
    db_conn *db = rd_acquire(s, &rd);
    db_stmt *st = NULL;
    int rc = prep(db, &st, "SELECT state, result, error FROM job WHERE id = ?", "s", id);
    int r = rc == IO_OK ? db_step(st) : DB_ERROR;
    if (rc == IO_OK)
        rc = r == DB_ROW ? IO_OK : r == DB_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
    char *res = NULL, *err = NULL;
    if (rc == IO_OK) {
        *state = db_column_int(st, 0);
        if (dup_col(st, 1, result ? &res : NULL) != IO_OK ||
            dup_col(st, 2, error ? &err : NULL) != IO_OK)
            rc = IO_ENOMEM;
    }
    db_finalize(st);
    rd_release(s, rd);
    if (rc == IO_OK) {
        if (result)
            *result = res;
        if (error)
            *error = err;
    } else {
        free(res);
        free(err);
    }
    return rc;
}

/* t (Unix seconds) as an RFC 3339 UTC timestamp with milliseconds, the one
 * precision of every timestamp of the API. */
static json_t *iso_time(double t)
{
    char buf[40];
    struct tm tm;
    time_t tt = (time_t)t;
    int ms = (int)((t - (double)tt) * 1000.0);
    gmtime_r(&tt, &tm);
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, sizeof buf - n, ".%03dZ", ms < 0 ? 0 : ms > 999 ? 999 : ms);
    return json_string(buf);
}

/* Build the status object of the current row of st (the columns of
 * io_store_job_status_json's query). */
static json_t *status_obj(db_stmt *st)
{
    int state = db_column_int(st, 3);
    if (state < 0 || state > IO_JOB_CANCELLED)
        state = IO_JOB_FAILED;
    json_t *o = json_pack("{s:o,s:o,s:o,s:s,s:o,s:i}", "job", col_str(st, 0), "kind",
                          col_str(st, 1), "program", col_str(st, 2), "status", STATES[state],
                          "created", iso_time(db_column_double(st, 4)), "attempts",
                          db_column_int(st, 10));
    if (!o)
        return NULL;
    int has_start = db_column_type(st, 5) != DB_NULL;
    int has_end = db_column_type(st, 6) != DB_NULL;
    double t0 = db_column_double(st, 5), t1 = db_column_double(st, 6);
    if (json_is_null(json_object_get(o, "program")))
        json_object_del(o, "program");
    if (has_start) {
        json_object_set_new(o, "started", iso_time(t0));
        json_object_set_new(o, "seconds", json_real((has_end ? t1 : io_job_now()) - t0));
    }
    if (has_end)
        json_object_set_new(o, "finished", iso_time(t1));
    if (db_column_type(st, 11) != DB_NULL)
        json_object_set_new(o, "worker", col_str(st, 11));
    if (db_column_type(st, 8) != DB_NULL)
        json_object_set_new(o, "error", col_str(st, 8));
    if (db_column_type(st, 12) != DB_NULL)
        json_object_set_new(o, "note", col_str(st, 12));
    json_t *x = col_json(st, 9);
    if (json_is_object(x))
        json_object_update(o, x);
    json_decref(x);
    if (db_column_type(st, 7) != DB_NULL)
        json_object_set_new(o, "result", col_json(st, 7));
    return o;
}

int io_store_job_status_json(io_store *s, const char *id, char **json)
{
    rconn *rd;
    db_conn *db = rd_acquire(s, &rd);
    db_stmt *st = NULL;
    int rc = prep(db, &st,
                  "SELECT id, kind, program_id, state, created, started, finished, result,"
                  " error, extra, attempts, worker, note FROM job WHERE id = ?",
                  "s", id);
    json_t *o = NULL;
    if (rc == IO_OK) {
        int r = db_step(st);
        if (r == DB_ROW)
            rc = (o = status_obj(st)) ? IO_OK : IO_ENOMEM;
        else
            rc = r == DB_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
    }
    db_finalize(st);
    if (rc == IO_OK)
        parts_status(db, id, o);
    rd_release(s, rd);
    return rc == IO_OK ? give(o, json) : rc;
}

int io_store_job_counts(io_store *s, int *queued, int *running)
{
    rconn *rd;
    db_conn *db = rd_acquire(s, &rd);
    long long q = scalar(db, "SELECT count(*) FROM job WHERE state = 0", NULL);
    long long r = scalar(db, "SELECT count(*) FROM job WHERE state = 1", NULL);
    rd_release(s, rd);
    if (q < 0 || r < 0)
        return IO_STORE_EDB;
    if (queued)
        *queued = (int)q;
    if (running)
        *running = (int)r;
    return IO_OK;
}

int io_store_job_prune(io_store *s, double before)
{
    lock(s);
    int rc = run(s->db, "DELETE FROM job WHERE state >= 2 AND finished < ?", "d", before);
    unlock(s);
    return rc;
}
