/*
 * driver_sqlite.c - the SQLite engine behind driver.h: a thin layer over
 * the sqlite3 API (the store's SQL is SQLite's dialect already).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_private.h"
#include "driver.h"

/* Prepared statements kept per connection, keyed by their SQL text: the
 * store runs the same few dozen statements again and again, and parsing
 * them was about half of a simple read's CPU time.  A kept statement is
 * lent to one user at a time (busy) and reset when given back. */
#define KEPT 48
typedef struct kept_stmt {
    char *sql; /* owned copy of the text, NULL: slot empty */
    unsigned long hash;
    sqlite3_stmt *st;
    int busy;
    unsigned long used; /* for choosing the least recently used to replace */
} kept_stmt;

typedef struct lite_conn {
    db_conn base;
    sqlite3 *db;
    int owned; /* close db with the connection */
    pthread_mutex_t mu; /* guards kept[] and tick */
    kept_stmt kept[KEPT];
    unsigned long tick;
} lite_conn;

typedef struct lite_stmt {
    db_stmt base;
    sqlite3_stmt *st;
    lite_conn *conn;
    int slot; /* index in conn->kept, -1: not kept (finalized when done) */
} lite_stmt;

static sqlite3 *H(db_conn *c)
{
    return ((lite_conn *)c)->db;
}

static sqlite3_stmt *S(db_stmt *st)
{
    return ((lite_stmt *)st)->st;
}

static int ok(int rc)
{
    return rc == SQLITE_OK ? DB_OK : DB_ERROR;
}

static void lite_close(db_conn *c)
{
    lite_conn *l = (lite_conn *)c;
    for (int i = 0; i < KEPT; i++) {
        assert(!l->kept[i].busy);
        sqlite3_finalize(l->kept[i].st);
        free(l->kept[i].sql);
    }
    pthread_mutex_destroy(&l->mu);
    if (l->owned)
        sqlite3_close(l->db);
    free(l);
}

static const db_ops LITE;

static unsigned long sql_hash(const char *sql)
{
    unsigned long h = 5381;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = h * 33 + *p;
    return h;
}

/* The slot of c's kept statement for sql that is free to lend, else -1.
 * Called with c->mu held. */
static int kept_find(lite_conn *c, const char *sql, unsigned long h)
{
    for (int i = 0; i < KEPT; i++) {
        kept_stmt *k = &c->kept[i];
        if (k->sql && !k->busy && k->hash == h && strcmp(k->sql, sql) == 0)
            return i;
    }
    return -1;
}

/* Keep st (prepared from sql) in an empty slot or in place of the least
 * recently used idle one: its slot, or -1 when every slot is lent out or
 * memory is short (st is then not kept).  Called with c->mu held. */
static int kept_add(lite_conn *c, const char *sql, unsigned long h, sqlite3_stmt *st)
{
    int victim = -1;
    for (int i = 0; i < KEPT; i++) {
        kept_stmt *k = &c->kept[i];
        if (k->busy)
            continue;
        if (!k->sql) {
            victim = i;
            break;
        }
        if (victim < 0 || k->used < c->kept[victim].used)
            victim = i;
    }
    char *copy = victim >= 0 ? strdup(sql) : NULL;
    if (!copy)
        return -1;
    kept_stmt *k = &c->kept[victim];
    sqlite3_finalize(k->st);
    free(k->sql);
    *k = (kept_stmt){copy, h, st, 1, ++c->tick};
    return victim;
}

static int lite_prepare(db_conn *conn, const char *sql, db_stmt **out)
{
    lite_conn *c = (lite_conn *)conn;
    *out = NULL;
    lite_stmt *l = malloc(sizeof *l);
    if (!l)
        return DB_ERROR;
    *l = (lite_stmt){{&LITE}, NULL, c, -1};
    unsigned long h = sql_hash(sql);
    pthread_mutex_lock(&c->mu);
    int slot = kept_find(c, sql, h);
    if (slot >= 0) {
        c->kept[slot].busy = 1;
        c->kept[slot].used = ++c->tick;
        l->st = c->kept[slot].st;
        l->slot = slot;
    }
    pthread_mutex_unlock(&c->mu);
    if (slot < 0) {
        if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &l->st, NULL) !=
                SQLITE_OK ||
            !l->st) {
            sqlite3_finalize(l->st);
            free(l);
            return DB_ERROR;
        }
        pthread_mutex_lock(&c->mu);
        l->slot = kept_add(c, sql, h, l->st);
        pthread_mutex_unlock(&c->mu);
    }
    *out = &l->base;
    return DB_OK;
}

static int lite_bind_text(db_stmt *st, int i, const char *v)
{
    return ok(sqlite3_bind_text(S(st), i, v, -1, SQLITE_TRANSIENT));
}

static int lite_bind_int64(db_stmt *st, int i, long long v)
{
    return ok(sqlite3_bind_int64(S(st), i, v));
}

static int lite_bind_double(db_stmt *st, int i, double v)
{
    return ok(sqlite3_bind_double(S(st), i, v));
}

static int lite_bind_null(db_stmt *st, int i)
{
    return ok(sqlite3_bind_null(S(st), i));
}

static int lite_step(db_stmt *st)
{
    int rc = sqlite3_step(S(st));
    return rc == SQLITE_ROW ? DB_ROW : rc == SQLITE_DONE ? DB_DONE : DB_ERROR;
}

static const char *lite_text(db_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(S(st), i);
}

static long long lite_int64(db_stmt *st, int i)
{
    return sqlite3_column_int64(S(st), i);
}

static double lite_double(db_stmt *st, int i)
{
    return sqlite3_column_double(S(st), i);
}

static int lite_type(db_stmt *st, int i)
{
    return sqlite3_column_type(S(st), i) == SQLITE_NULL ? DB_NULL : DB_VALUE;
}

/* Give a kept statement back (reset, bindings cleared) or finalize one
 * that was not kept. */
static void lite_finalize(db_stmt *st)
{
    lite_stmt *l = (lite_stmt *)st;
    if (l->slot < 0) {
        sqlite3_finalize(l->st);
    } else {
        sqlite3_reset(l->st);
        sqlite3_clear_bindings(l->st);
        pthread_mutex_lock(&l->conn->mu);
        assert(l->conn->kept[l->slot].busy && l->conn->kept[l->slot].st == l->st);
        l->conn->kept[l->slot].busy = 0;
        pthread_mutex_unlock(&l->conn->mu);
    }
    free(l);
}

static int lite_exec(db_conn *c, const char *sql)
{
    return ok(sqlite3_exec(H(c), sql, NULL, NULL, NULL));
}

static int lite_changes(db_conn *c)
{
    return sqlite3_changes(H(c));
}

static long long lite_last_id(db_conn *c)
{
    return sqlite3_last_insert_rowid(H(c));
}

static const char *lite_errmsg(db_conn *c)
{
    return sqlite3_errmsg(H(c));
}

static int lite_in_txn(db_conn *c)
{
    return !sqlite3_get_autocommit(H(c));
}

static int lite_begin(db_conn *c, enum db_txn kind)
{
    return lite_exec(c, kind == DB_TXN_WRITE ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int lite_version_get(db_conn *c)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(H(c), "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int lite_version_set(db_conn *c, int v)
{
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", v);
    return lite_exec(c, pragma);
}

static const db_ops LITE = {
    .name = "sqlite",
    .close = lite_close,
    .prepare = lite_prepare,
    .bind_text = lite_bind_text,
    .bind_int64 = lite_bind_int64,
    .bind_double = lite_bind_double,
    .bind_null = lite_bind_null,
    .step = lite_step,
    .column_text = lite_text,
    .column_int64 = lite_int64,
    .column_double = lite_double,
    .column_type = lite_type,
    .finalize = lite_finalize,
    .exec = lite_exec,
    .ddl = lite_exec,
    .changes = lite_changes,
    .last_id = lite_last_id,
    .errmsg = lite_errmsg,
    .in_txn = lite_in_txn,
    .begin = lite_begin,
    .version_get = lite_version_get,
    .version_set = lite_version_set,
    .lock_rows = "",
    .lock_row = "",
};

static db_conn *wrap(sqlite3 *db, int owned)
{
    lite_conn *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    if (pthread_mutex_init(&l->mu, NULL) != 0) {
        free(l);
        return NULL;
    }
    l->base.ops = &LITE;
    l->db = db;
    l->owned = owned;
    return &l->base;
}

db_conn *db_sqlite_wrap(sqlite3 *db)
{
    return wrap(db, 0);
}

/* Create the database file at path, when missing, readable and writable
 * by its owner only (0600: it holds patient data).  SQLite gives the -wal
 * and -shm files it makes later the mode of the database file.  0 ok (or
 * nothing to do), -1 it cannot be created. */
static int create_private(const char *path)
{
    if (!path[0] || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
        return 0;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

/* *err = "<head> <path>: <why>" and return rc. */
static int fail(char **err, const char *head, const char *path, const char *why, int rc)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s %s", head, path);
    if (err)
        *err = db_msg(buf, why);
    return rc;
}

int db_sqlite_open(const char *path, int create, int readonly, db_conn **out, char **err)
{
    sqlite3 *db = NULL;
    int flags = (readonly ? SQLITE_OPEN_READONLY
                          : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)) |
                SQLITE_OPEN_FULLMUTEX;
    if (create && !readonly && create_private(path) != 0)
        return fail(err, "cannot create database", path, strerror(errno), IO_EIO);
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        int rc = fail(err, "cannot open database", path, db ? sqlite3_errmsg(db) : "out of memory",
                      IO_EIO);
        sqlite3_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db, 10000);
    /* WAL: readers never block the writer; synchronous=FULL: a commit is
     * on disk before it is acknowledged. */
    if (!readonly && sqlite3_exec(db,
                                  "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                  " PRAGMA foreign_keys = ON;",
                                  NULL, NULL, NULL) != SQLITE_OK) {
        int rc = fail(err, "cannot use database", path, sqlite3_errmsg(db), IO_STORE_EDB);
        sqlite3_close(db);
        return rc;
    }
    db_conn *c = wrap(db, 1);
    if (!c) {
        sqlite3_close(db);
        if (err)
            *err = db_msg("out of memory", NULL);
        return IO_ENOMEM;
    }
    *out = c;
    return IO_OK;
}

int io_store_migrate(sqlite3 *db, int target, char **err)
{
    db_conn *c = db_sqlite_wrap(db);
    if (!c)
        return IO_ENOMEM;
    int rc = db_migrate(c, target, err);
    db_close(c);
    return rc;
}
