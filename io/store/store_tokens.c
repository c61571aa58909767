/*
 * store_tokens.c - API tokens (create, authenticate, list, revoke) and the
 * audit trail.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "store_private.h"

/* ----------------------------------------------------------- tokens */

int io_store_token_create(io_store *s, int role, const char *name, long actor, char **secret,
                          long *id_out)
{
    db_conn *db = s->db;
    if (role < IO_ROLE_VIEWER || role > IO_ROLE_ADMIN)
        return IO_EINVAL;
    unsigned char raw[24];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return IO_EIO;
        }
        got += (size_t)n;
    }
    static const char hex[] = "0123456789abcdef";
    char *tok = malloc(5 + 2 * sizeof raw + 1);
    if (!tok)
        return IO_ENOMEM;
    memcpy(tok, "cht_", 4);
    for (size_t i = 0; i < sizeof raw; i++) {
        tok[4 + 2 * i] = hex[raw[i] >> 4];
        tok[4 + 2 * i + 1] = hex[raw[i] & 15];
    }
    tok[4 + 2 * sizeof raw] = '\0';
    char hash[65];
    io_sha256_hex(tok, strlen(tok), hash);
    lock(s);
    long id = 0;
    int rc = begin(s);
    if (rc == IO_OK)
        rc = run(db, "INSERT INTO token(name, role, hash) VALUES (?,?,?)", "sss", name,
                 io_role_name(role), hash);
    if (rc == IO_OK) {
        id = (long)db_last_id(s->db);
        char ent[32];
        snprintf(ent, sizeof ent, "tokens/%ld", id);
        json_t *a = json_pack("{s:I,s:s?,s:s}", "id", (json_int_t)id, "name", name, "role",
                              io_role_name(role));
        rc = audit(s, actor, "token.create", ent, NULL, NULL, a);
        json_decref(a);
    }
    rc = txn_end(s, rc, NULL);
    unlock(s);
    if (rc != IO_OK) {
        free(tok);
        return rc;
    }
    *secret = tok;
    if (id_out)
        *id_out = id;
    return IO_OK;
}

int io_store_token_auth(io_store *s, const char *secret, long *id_out, int *role_out)
{
    if (!secret || !secret[0])
        return IO_STORE_ENOTFOUND;
    char hash[65];
    io_sha256_hex(secret, strlen(secret), hash);
    db_stmt *st = NULL;
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    int rc = prep(db, &st, "SELECT id, role FROM token WHERE hash = ? AND revoked_at IS NULL", "s",
                  hash);
    if (rc == IO_OK) {
        int step = db_step(st);
        if (step == DB_ROW) {
            if (id_out)
                *id_out = (long)db_column_int64(st, 0);
            if (role_out)
                *role_out = io_role_parse((const char *)db_column_text(st, 1));
        } else {
            rc = step == DB_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
        }
    }
    db_finalize(st);
    rd_release(s, rd);
    return rc;
}

int io_store_token_list(io_store *s, char **json, io_page *pg)
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
    int rc = prep(db, &st,
                  "SELECT id, name, role, created_at, revoked_at FROM token"
                  " WHERE (id > ?1 OR ?1 IS NULL) ORDER BY id LIMIT ?2",
                  "ai", after, page_limit(pg));
    int step = DB_DONE;
    while (rc == IO_OK && (step = db_step(st)) == DB_ROW) {
        if (page_row(pg, st, 0, &n, last)) {
            step = DB_DONE;
            break;
        }
        json_array_append_new(arr, json_pack("{s:I,s:o,s:o,s:o,s:o}", "id",
                                             (json_int_t)db_column_int64(st, 0), "name",
                                             col_str(st, 1), "role", col_str(st, 2), "created",
                                             col_str(st, 3), "revoked", col_str(st, 4)));
    }
    return rows_done(s, rd, st, rc, step, arr, json);
}

int io_store_token_revoke(io_store *s, long id, long actor)
{
    db_conn *db = s->db;
    lock(s);
    int rc = begin(s);
    if (rc == IO_OK)
        rc = run(db,
                 "UPDATE token SET revoked_at = " NOW_SQL " WHERE id = ? AND revoked_at IS NULL",
                 "l", (long long)id);
    if (rc == IO_OK && db_changes(s->db) == 0)
        rc = IO_STORE_ENOTFOUND;
    if (rc == IO_OK) {
        char ent[32];
        snprintf(ent, sizeof ent, "tokens/%ld", id);
        rc = audit_text(s, actor, "token.revoke", ent, NULL, "{\"revoked\":false}",
                        "{\"revoked\":true}");
    }
    rc = txn_end(s, rc, NULL);
    unlock(s);
    return rc;
}

/* ------------------------------------------------------------ audit */

int io_store_audit_list(io_store *s, const char *program, char **json, io_page *pg)
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
    int rc = prep(db, &st,
                  "SELECT id, at, token_id, action, entity, program_id, before_json, after_json"
                  " FROM audit WHERE (program_id = ?1 OR ?1 IS NULL)"
                  " AND (id < ?2 OR ?2 IS NULL) ORDER BY id DESC LIMIT ?3",
                  "sai", program, after, page_limit(pg));
    int step = DB_DONE;
    while (rc == IO_OK && (step = db_step(st)) == DB_ROW) {
        if (page_row(pg, st, 0, &n, last)) {
            step = DB_DONE;
            break;
        }
        json_t *actor = col_int(st, 2);
        json_array_append_new(arr, json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
                                             (json_int_t)db_column_int64(st, 0), "at",
                                             col_str(st, 1), "actor", actor, "action",
                                             col_str(st, 3), "entity", col_str(st, 4), "program",
                                             col_str(st, 5), "before", col_json(st, 6), "after",
                                             col_json(st, 7)));
    }
    return rows_done(s, rd, st, rc, step, arr, json);
}
