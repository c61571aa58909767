/*
 * store_schedules.c - Saved schedules of a program: save, list, get, the
 * current one, publish.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_private.h"

/* -------------------------------------------------------- schedules */

int io_store_schedule_save(io_store *s, const char *program, const char *solution_json,
                           long actor, int *version)
{
    return io_store_schedule_save_job(s, program, solution_json, actor, NULL, version);
}

int io_store_schedule_save_job(io_store *s, const char *program, const char *solution_json,
                               long actor, const char *job, int *version)
{
    db_conn *db = s->db;
    json_t *sol = json_loads(solution_json, 0, NULL);
    if (!json_is_object(sol)) {
        json_decref(sol);
        return IO_EINVAL;
    }
    const char *status = json_string_value(json_object_get(sol, "status"));
    json_t *obj = json_object_get(sol, "objective");
    lock(s);
    int rc = begin(s);
    int v = 0;
    if (rc == IO_OK)
        rc = program_exists(db, program) ? IO_OK : IO_STORE_ENOTFOUND;
    /* the next version number: nodes saving at once take turns */
    if (rc == IO_OK)
        rc = program_lock(s, program);
    int saved = rc == IO_OK && job ? schedule_of_job(db, program, job) : 0;
    if (saved != 0) { /* a retried job: its first run saved this one */
        rc = saved > 0 ? IO_OK : IO_STORE_EDB;
        v = saved;
    } else if (rc == IO_OK) {
        db_stmt *st = NULL;
        rc = prep(db, &st, "SELECT coalesce(max(version), 0) + 1 FROM schedule WHERE program_id = ?",
                  "s", program);
        if (rc == IO_OK && db_step(st) == DB_ROW)
            v = db_column_int(st, 0);
        else
            rc = IO_STORE_EDB;
        db_finalize(st);
    }
    if (rc == IO_OK && !saved) {
        if (json_is_number(obj))
            rc = run(db,
                     "INSERT INTO schedule(program_id, version, json, status, objective, token_id,"
                     " job_id) VALUES (?,?,?,?,?,?,?)",
                     "sissdas", program, v, solution_json, status, json_number_value(obj), actor,
                     job);
        else
            rc = run(db,
                     "INSERT INTO schedule(program_id, version, json, status, token_id, job_id)"
                     " VALUES (?,?,?,?,?,?)",
                     "sissas", program, v, solution_json, status, actor, job);
    }
    if (rc == IO_OK && !saved) {
        char ent[32];
        snprintf(ent, sizeof ent, "schedules/%d", v);
        json_t *after = json_pack("{s:i,s:s?,s:O?}", "version", v, "status", status, "objective",
                                  obj);
        rc = audit(s, actor, "schedule.save", ent, program, NULL, after);
        json_decref(after);
    }
    rc = txn_end(s, rc, NULL);
    unlock(s);
    json_decref(sol);
    if (rc == IO_OK && version)
        *version = v;
    return rc;
}

int io_store_schedule_list(io_store *s, const char *program, char **json, io_page *pg)
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
                  "SELECT version, status, objective, created_at, published, token_id"
                  " FROM schedule WHERE program_id = ?1 AND (version > ?2 OR ?2 IS NULL)"
                  " ORDER BY version LIMIT ?3",
                  "sai", program, after, page_limit(pg));
    int step = DB_DONE;
    while (rc == IO_OK && (step = db_step(st)) == DB_ROW) {
        if (page_row(pg, st, 0, &n, last)) {
            step = DB_DONE;
            break;
        }
        json_t *obj = db_column_type(st, 2) == DB_NULL
                          ? json_null()
                          : json_real(db_column_double(st, 2));
        json_t *actor = col_int(st, 5);
        json_array_append_new(arr, json_pack("{s:i,s:o,s:o,s:o,s:b,s:o}", "version",
                                             db_column_int(st, 0), "status", col_str(st, 1),
                                             "objective", obj, "created", col_str(st, 3),
                                             "published", db_column_int(st, 4), "actor",
                                             actor));
    }
    return rows_done(s, rd, st, rc, step, arr, json);
}

int io_schedule_version_parse(const char *text, int *v)
{
    static const struct {
        const char *name;
        int v;
    } KW[] = {{"published", IO_SCHEDULE_PUBLISHED},
              {"newest", IO_SCHEDULE_NEWEST},
              {"latest", IO_SCHEDULE_LATEST}};
    if (!text)
        return -1;
    for (size_t i = 0; i < sizeof KW / sizeof KW[0]; i++)
        if (strcmp(text, KW[i].name) == 0) {
            *v = KW[i].v;
            return 0;
        }
    if (*text < '1' || *text > '9' || strspn(text, "0123456789") != strlen(text) ||
        strlen(text) > 10)
        return -1;
    long long n = strtoll(text, NULL, 10);
    if (n > 1000000000)
        return -1;
    *v = (int)n;
    return 0;
}

json_t *io_schedule_version_json(int v)
{
    if (v > 0)
        return json_integer(v);
    return json_string(v == IO_SCHEDULE_PUBLISHED ? "published"
                       : v == IO_SCHEDULE_NEWEST  ? "newest"
                                                  : "latest");
}

/* Prepare the query of the schedule a selector names: columns json,
 * version. */
static int select_version(db_conn *db, db_stmt **st, const char *program, int version)
{
    const char *sql =
        version > 0 ? "SELECT json, version FROM schedule WHERE program_id = ?1 AND version = ?2"
        : version == IO_SCHEDULE_PUBLISHED
            ? "SELECT json, version FROM schedule WHERE program_id = ?1 AND published = 1"
        : version == IO_SCHEDULE_NEWEST
            ? "SELECT json, version FROM schedule WHERE program_id = ?1"
              " ORDER BY version DESC LIMIT 1"
            : "SELECT json, version FROM schedule WHERE program_id = ?1"
              " ORDER BY published DESC, version DESC LIMIT 1";
    return prep(db, st, sql, version > 0 ? "si" : "s", program, version);
}

int schedule_read_db(db_conn *db, const char *program, int version, char **json,
                     int *version_out)
{
    db_stmt *st = NULL;
    int rc = select_version(db, &st, program, version);
    if (rc == IO_OK) {
        int step = db_step(st);
        if (step == DB_ROW) {
            if (json) {
                *json = strdup((const char *)db_column_text(st, 0));
                rc = *json ? IO_OK : IO_ENOMEM;
            }
            if (version_out)
                *version_out = db_column_int(st, 1);
        } else {
            rc = step == DB_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
        }
    }
    db_finalize(st);
    return rc;
}

/* The selected schedule's JSON (json may be NULL: not read) and number. */
static int schedule_read(io_store *s, const char *program, int version, char **json,
                         int *version_out)
{
    rconn *rd = NULL;
    int rc = schedule_read_db(rd_acquire(s, &rd), program, version, json, version_out);
    rd_release(s, rd);
    return rc;
}

int io_store_schedule_get(io_store *s, const char *program, int version, char **json,
                          int *version_out)
{
    return schedule_read(s, program, version, json, version_out);
}

int io_store_schedule_resolve(io_store *s, const char *program, int version, int *out)
{
    return schedule_read(s, program, version, NULL, out);
}

int io_store_schedule_current(io_store *s, const char *program, int *version, char stamp[40])
{
    db_stmt *st = NULL;
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    int rc = prep(db, &st,
                  "SELECT version, created_at FROM schedule WHERE program_id = ?1"
                  " ORDER BY published DESC, version DESC LIMIT 1",
                  "s", program);
    if (rc == IO_OK) {
        int step = db_step(st);
        if (step == DB_ROW) {
            *version = db_column_int(st, 0);
            const char *t = (const char *)db_column_text(st, 1);
            snprintf(stamp, 40, "%s", t ? t : "");
        } else {
            rc = step == DB_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
        }
    }
    db_finalize(st);
    rd_release(s, rd);
    return rc;
}

int io_store_schedule_publish(io_store *s, const char *program, int version, long actor)
{
    db_conn *db = s->db;
    lock(s);
    int rc = begin(s);
    int prev = 0;
    if (rc == IO_OK) {
        db_stmt *st = NULL;
        rc = prep(db, &st,
                  "SELECT coalesce((SELECT version FROM schedule WHERE program_id = ?1"
                  " AND published = 1), 0), EXISTS (SELECT 1 FROM schedule WHERE"
                  " program_id = ?1 AND version = ?2)",
                  "si", program, version);
        if (rc == IO_OK && db_step(st) == DB_ROW) {
            prev = db_column_int(st, 0);
            if (!db_column_int(st, 1))
                rc = IO_STORE_ENOTFOUND;
        } else if (rc == IO_OK) {
            rc = IO_STORE_EDB;
        }
        db_finalize(st);
    }
    if (rc == IO_OK)
        rc = run(db, "UPDATE schedule SET published = 0 WHERE program_id = ? AND published = 1",
                 "s", program);
    if (rc == IO_OK)
        rc = run(db, "UPDATE schedule SET published = 1 WHERE program_id = ? AND version = ?",
                 "si", program, version);
    if (rc == IO_OK) {
        char ent[32];
        snprintf(ent, sizeof ent, "schedules/%d", version);
        json_t *b = prev ? json_pack("{s:i}", "published", prev) : NULL;
        json_t *a = json_pack("{s:i}", "published", version);
        rc = audit(s, actor, "schedule.publish", ent, program, b, a);
        json_decref(b);
        json_decref(a);
    }
    rc = txn_end(s, rc, NULL);
    unlock(s);
    return rc;
}
