/*
 * store_parts.c - fan-out in the job queue: a job split into parts (rows of
 * table job with parent_id and part, migration 5; after_part, migration 7),
 * their progress and cancellation, what a claimed part needs, and the
 * schedule a job saved (schedule.job_id, unique: a retried job finds the
 * version its first run saved).
 *
 * The claim (store_jobs.c) takes only ready jobs (JOB_READY_SQL): a parent
 * once all its parts finished, a part once the part it waits for finished.
 * Portable SQL only: the same statements run on every backend.
 */
#include <assert.h>
#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_private.h"

static const char *const STATES[] = {"queued", "running", "done", "failed", "cancelled"};

int io_store_job_submit_parts(io_store *s, const char *kind, const char *program, long actor,
                              double deadline_s, const char *input, const io_job_part *parts, int n,
                              int max_queued, char id_out[IO_JOB_ID_LEN])
{
    assert(n >= 0 && (n == 0 || parts));
    char id[IO_JOB_ID_LEN], pid[IO_JOB_ID_LEN];
    if (new_id(id) != IO_OK)
        return IO_EIO;
    double now = io_job_now();
    lock(s);
    int rc = begin(s);
    if (rc == IO_OK && max_queued > 0) {
        long long q = scalar(s->db, QUEUED_REQUESTS_SQL, NULL);
        rc = q < 0 ? IO_STORE_EDB : q >= max_queued ? IO_STORE_ECONFLICT : IO_OK;
    }
    if (rc == IO_OK)
        rc = run(s->db,
                 "INSERT INTO job(id, kind, program_id, token_id, deadline_s, input, created)"
                 " VALUES (?,?,?,?,?,?,?)",
                 "sssadsd", id, kind, program, actor, deadline_s, input, now);
    for (int i = 0; i < n && rc == IO_OK; i++) {
        const io_job_part *p = &parts[i];
        assert(p->after < n && p->after != i);
        rc = new_id(pid);
        if (rc == IO_OK && p->after >= 0)
            rc = run(s->db,
                     "INSERT INTO job(id, kind, program_id, parent_id, part, after_part, token_id,"
                     " deadline_s, input, created) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     "ssssiiadsd", pid, p->kind, program, id, i, p->after, actor, p->deadline_s,
                     p->input, now);
        else if (rc == IO_OK)
            rc =
                run(s->db,
                    "INSERT INTO job(id, kind, program_id, parent_id, part, token_id,"
                    " deadline_s, input, created) VALUES (?,?,?,?,?,?,?,?,?)",
                    "ssssiadsd", pid, p->kind, program, id, i, actor, p->deadline_s, p->input, now);
    }
    rc = txn_end(s, rc, NULL);
    unlock(s);
    if (rc == IO_OK)
        memcpy(id_out, id, IO_JOB_ID_LEN);
    return rc;
}

int io_store_job_requeue(io_store *s, const char *id, const char *worker, const char *input)
{
    lock(s);
    int rc = run(s->db,
                 "UPDATE job SET state = 0, worker = NULL, started = NULL, heartbeat = NULL,"
                 " attempts = attempts - 1, input = ? WHERE id = ? AND worker = ? AND state = 1",
                 "sss", input, id, worker);
    rc = rc == IO_OK && db_changes(s->db) == 0 ? IO_STORE_ECONFLICT : rc;
    unlock(s);
    return rc;
}

int parts_cancel(io_store *s, const char *id)
{
    return run(s->db,
               "UPDATE job SET state = 4, finished = ?, input = NULL"
               " WHERE parent_id = ? AND state <= 1",
               "ds", io_job_now(), id);
}

void parts_status(db_conn *db, const char *id, json_t *o)
{
    db_stmt *st = NULL;
    if (prep(db, &st, "SELECT state, count(*) FROM job WHERE parent_id = ? GROUP BY state", "s",
             id) != IO_OK)
        return;
    json_t *p = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "total", 0, "queued", 0, "running", 0,
                          "done", 0, "failed", 0, "cancelled", 0);
    long total = 0, started = 0;
    while (p && db_step(st) == DB_ROW) {
        int state = db_column_int(st, 0);
        long k = (long)db_column_int64(st, 1);
        if (state < 0 || state > IO_JOB_CANCELLED)
            continue;
        json_object_set_new(p, STATES[state], json_integer(k));
        total += k;
        started += state > IO_JOB_QUEUED ? k : 0;
    }
    db_finalize(st);
    if (!p || total == 0) {
        json_decref(p);
        return;
    }
    json_object_set_new(p, "total", json_integer(total));
    json_object_set_new(o, "parts", p);
    const char *now = json_string_value(json_object_get(o, "status"));
    if (now && strcmp(now, "queued") == 0 && started > 0)
        json_object_set_new(o, "status", json_string("running"));
}

/* The part row of st (columns of io_store_job_parts's query) as JSON. */
static json_t *part_obj(db_stmt *st)
{
    int state = db_column_int(st, 1);
    if (state < 0 || state > IO_JOB_CANCELLED)
        state = IO_JOB_FAILED;
    json_t *o = json_pack("{s:i,s:s}", "part", db_column_int(st, 0), "state", STATES[state]);
    if (!o)
        return NULL;
    if (db_column_type(st, 2) != DB_NULL)
        json_object_set_new(o, "worker", col_str(st, 2));
    if (db_column_type(st, 3) != DB_NULL)
        json_object_set_new(o, "result", col_json(st, 3));
    if (db_column_type(st, 4) != DB_NULL)
        json_object_set_new(o, "error", col_str(st, 4));
    if (db_column_type(st, 5) != DB_NULL && db_column_type(st, 6) != DB_NULL)
        json_object_set_new(o, "seconds",
                            json_real(db_column_double(st, 6) - db_column_double(st, 5)));
    return o;
}

int io_store_job_parts(io_store *s, const char *parent, json_t **out)
{
    json_t *arr = json_array();
    if (!arr)
        return IO_ENOMEM;
    rconn *rd;
    db_conn *db = rd_acquire(s, &rd);
    db_stmt *st = NULL;
    int rc = prep(db, &st,
                  "SELECT part, state, worker, result, error, started, finished FROM job"
                  " WHERE parent_id = ? ORDER BY part",
                  "s", parent);
    int r = DB_DONE;
    while (rc == IO_OK && (r = db_step(st)) == DB_ROW) {
        json_t *o = part_obj(st);
        if (!o || json_array_append_new(arr, o) != 0)
            rc = IO_ENOMEM;
    }
    return rows_tree(s, rd, st, rc, r, arr, out);
}

/* A malloc'd copy of text column i (NULL when NULL); *bad set on ENOMEM. */
static char *col_dup(db_stmt *st, int i, int *bad)
{
    const char *t = db_column_text(st, i);
    char *c = t ? strdup(t) : NULL;
    if (t && !c)
        *bad = 1;
    return c;
}

int io_store_part_context(io_store *s, const char *id, int *part, char **parent_input,
                          char **after_result)
{
    rconn *rd;
    db_conn *db = rd_acquire(s, &rd);
    db_stmt *st = NULL;
    int rc = prep(db, &st,
                  "SELECT c.part, p.input, b.result FROM job c JOIN job p ON p.id = c.parent_id"
                  " LEFT JOIN job b ON b.parent_id = c.parent_id AND b.part = c.after_part"
                  " WHERE c.id = ?",
                  "s", id);
    int r = rc == IO_OK ? db_step(st) : DB_ERROR;
    if (rc == IO_OK)
        rc = r == DB_ROW ? IO_OK : r == DB_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
    char *in = NULL, *res = NULL;
    int bad = 0;
    if (rc == IO_OK) {
        *part = db_column_int(st, 0);
        in = col_dup(st, 1, &bad);
        res = col_dup(st, 2, &bad);
        rc = bad ? IO_ENOMEM : in ? IO_OK : IO_STORE_ENOTFOUND; /* a finished parent */
    }
    db_finalize(st);
    rd_release(s, rd);
    if (rc != IO_OK) {
        free(in);
        free(res);
        return rc;
    }
    *parent_input = in;
    *after_result = res;
    return IO_OK;
}

int schedule_of_job(db_conn *db, const char *program, const char *job)
{
    db_stmt *st = NULL;
    int v = -1;
    if (prep(db, &st, "SELECT version FROM schedule WHERE program_id = ? AND job_id = ?", "ss",
             program, job) == IO_OK) {
        int r = db_step(st);
        v = r == DB_ROW ? db_column_int(st, 0) : r == DB_DONE ? 0 : -1;
    }
    db_finalize(st);
    return v;
}
