/*
 * calendars.c - calendar subscriptions: a revocable secret per calendar
 * (program, scope, schedule version), so that calendar applications, which
 * cannot send a bearer token, can fetch GET /v1/calendars/SECRET.ics.
 * Only the SHA-256 of a secret is stored (table calendar, schema version
 * 4); creating and revoking write audit rows like every other change.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "export/export.h"
#include "io_private.h"
#include "driver.h"

/* 32 random bytes as unpadded base64url (43 characters + NUL). */
static int new_secret(char out[44])
{
    unsigned char raw[33] = {0};
    for (size_t got = 0; got < 32;) {
        ssize_t n = getrandom(raw + got, 32 - got, 0);
        if (n < 0 && errno != EINTR)
            return IO_EIO;
        got += n > 0 ? (size_t)n : 0;
    }
    static const char B64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int o = 0;
    for (int i = 0; i < 33; i += 3) {
        unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];
        for (int k = 3; k >= 0 && o < 43; k--)
            out[o++] = B64[(v >> (6 * k)) & 63];
    }
    out[43] = '\0';
    return IO_OK;
}

/* Does the program exist?  1 yes, 0 no, -1 database error. */
static int program_exists(db_conn *db, const char *program)
{
    db_stmt *st = NULL;
    int r = -1;
    if (db_prepare(db, "SELECT 1 FROM program WHERE id = ?", &st) == DB_OK) {
        db_bind_text(st, 1, program);
        int s = db_step(st);
        r = s == DB_ROW ? 1 : s == DB_DONE ? 0 : -1;
    }
    db_finalize(st);
    return r;
}

/* One audit row: action on "calendars/ID" of program. */
static int audit(db_conn *db, long actor, const char *action, long id, const char *program,
                 const char *after)
{
    db_stmt *st = NULL;
    char ent[40];
    snprintf(ent, sizeof ent, "calendars/%ld", id);
    int ok = db_prepare(db,
                                "INSERT INTO audit(token_id, action, entity, program_id, after_json)"
                                " VALUES (?,?,?,?,?)", &st) == DB_OK;
    if (ok) {
        if (actor > 0)
            db_bind_int64(st, 1, actor);
        db_bind_text(st, 2, action);
        db_bind_text(st, 3, ent);
        db_bind_text(st, 4, program);
        if (after)
            db_bind_text(st, 5, after);
        ok = db_step(st) == DB_DONE;
    }
    db_finalize(st);
    return ok ? IO_OK : IO_STORE_EDB;
}

static int finish(db_conn *db, int rc)
{
    db_exec(db, rc == IO_OK ? "COMMIT" : "ROLLBACK");
    return rc;
}

int io_calendar_create(io_store *s, const char *program, const char *scope, int version,
                       long actor, char **secret, long *id_out)
{
    char sec[44], hash[65];
    if (!program || !scope || !secret || version < IO_SCHEDULE_NEWEST)
        return IO_EINVAL;
    if (new_secret(sec) != IO_OK)
        return IO_EIO;
    io_sha256_hex(sec, strlen(sec), hash);
    char *copy = strdup(sec);
    if (!copy)
        return IO_ENOMEM;
    db_conn *db = io_store_db_lock(s);
    int rc = db_begin(db, DB_TXN_WRITE) == DB_OK ? IO_OK : IO_STORE_EDB;
    long id = 0;
    if (rc == IO_OK) {
        int e = program_exists(db, program);
        rc = e == 1 ? IO_OK : e == 0 ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
    }
    if (rc == IO_OK) {
        db_stmt *st = NULL;
        rc = IO_STORE_EDB;
        if (db_prepare(db,
                               "INSERT INTO calendar(program_id, scope, version, hash, token_id)"
                               " VALUES (?,?,?,?,?)", &st) == DB_OK) {
            db_bind_text(st, 1, program);
            db_bind_text(st, 2, scope);
            db_bind_int(st, 3, version);
            db_bind_text(st, 4, hash);
            if (actor > 0)
                db_bind_int64(st, 5, actor);
            if (db_step(st) == DB_DONE) {
                id = (long)db_last_id(db);
                rc = IO_OK;
            }
        }
        db_finalize(st);
    }
    if (rc == IO_OK) {
        char after[300];
        json_t *a = json_pack("{s:I,s:s,s:i}", "id", (json_int_t)id, "for", scope, "version",
                              version);
        char *t = a ? json_dumps(a, JSON_COMPACT) : NULL;
        snprintf(after, sizeof after, "%s", t ? t : "{}");
        free(t);
        json_decref(a);
        rc = audit(db, actor, "create", id, program, after);
    }
    rc = finish(db, rc);
    io_store_db_unlock(s);
    if (rc != IO_OK) {
        free(copy);
        return rc;
    }
    *secret = copy;
    if (id_out)
        *id_out = id;
    return IO_OK;
}

int io_calendar_list(io_store *s, const char *program, char **json, io_page *pg)
{
    char last[512];
    int n = 0;
    long after;
    if (page_start(pg, &after))
        return IO_EINVAL;
    db_conn *db = io_store_db_lock(s);
    int e = program_exists(db, program);
    int rc = e == 1 ? IO_OK : e == 0 ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
    json_t *arr = json_array();
    db_stmt *st = NULL;
    if (rc == IO_OK && db_prepare(db,
                                          "SELECT id, scope, version, created_at, revoked_at"
                                          " FROM calendar WHERE program_id = ?1"
                                          " AND (id > ?2 OR ?2 IS NULL) ORDER BY id LIMIT ?3", &st) == DB_OK) {
        db_bind_text(st, 1, program);
        if (after > 0)
            db_bind_int64(st, 2, after);
        db_bind_int(st, 3, page_limit(pg));
        int r;
        while ((r = db_step(st)) == DB_ROW) {
            if (page_row(pg, st, 0, &n, last)) {
                r = DB_DONE;
                break;
            }
            int v = db_column_int(st, 2);
            json_t *ver = io_schedule_version_json(v);
            json_array_append_new(
                arr, json_pack("{s:I,s:s,s:o,s:s,s:s?}", "id",
                               (json_int_t)db_column_int64(st, 0), "for",
                               (const char *)db_column_text(st, 1), "version", ver, "created",
                               (const char *)db_column_text(st, 3), "revoked",
                               (const char *)db_column_text(st, 4)));
        }
        if (r != DB_DONE)
            rc = IO_STORE_EDB;
    } else if (rc == IO_OK) {
        rc = IO_STORE_EDB;
    }
    db_finalize(st);
    io_store_db_unlock(s);
    char *t = rc == IO_OK ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (rc == IO_OK && !t)
        rc = IO_ENOMEM;
    if (rc == IO_OK)
        *json = t;
    return rc;
}

int io_calendar_revoke(io_store *s, const char *program, long id, long actor)
{
    db_conn *db = io_store_db_lock(s);
    int rc = db_begin(db, DB_TXN_WRITE) == DB_OK ? IO_OK : IO_STORE_EDB;
    db_stmt *st = NULL;
    if (rc == IO_OK) {
        rc = IO_STORE_EDB;
        if (db_prepare(db,
                               "UPDATE calendar SET revoked_at = " NOW_SQL
                               " WHERE id = ? AND program_id = ? AND revoked_at IS NULL", &st) == DB_OK) {
            db_bind_int64(st, 1, id);
            db_bind_text(st, 2, program);
            if (db_step(st) == DB_DONE)
                rc = db_changes(db) == 1 ? IO_OK : IO_STORE_ENOTFOUND;
        }
        db_finalize(st);
    }
    if (rc == IO_OK)
        rc = audit(db, actor, "revoke", id, program, NULL);
    rc = finish(db, rc);
    io_store_db_unlock(s);
    return rc;
}

int io_calendar_lookup(io_store *s, const char *secret, char **program, char **scope,
                       int *version)
{
    char hash[65];
    io_sha256_hex(secret, strlen(secret), hash);
    db_conn *db = io_store_db_lock(s);
    db_stmt *st = NULL;
    int rc = IO_STORE_EDB;
    char *p = NULL, *sc = NULL;
    if (db_prepare(db,
                           "SELECT program_id, scope, version FROM calendar"
                           " WHERE hash = ? AND revoked_at IS NULL", &st) == DB_OK) {
        db_bind_text(st, 1, hash);
        int r = db_step(st);
        if (r == DB_ROW) {
            p = strdup((const char *)db_column_text(st, 0));
            sc = strdup((const char *)db_column_text(st, 1));
            *version = db_column_int(st, 2);
            rc = p && sc ? IO_OK : IO_ENOMEM;
        } else if (r == DB_DONE) {
            rc = IO_STORE_ENOTFOUND;
        }
    }
    db_finalize(st);
    io_store_db_unlock(s);
    if (rc != IO_OK) {
        free(p);
        free(sc);
        return rc;
    }
    *program = p;
    *scope = sc;
    return IO_OK;
}
