/*
 * driver.h - the seam between the store (io/store/store*.c) and a database
 * engine: SQLite (driver_sqlite.c, the embedded default) or PostgreSQL
 * (driver_pg.c, through libpq, chosen by a postgres:// or postgresql://
 * target).
 *
 * The store writes each SQL statement once, in the dialect both engines
 * accept: `?` or `?N` placeholders (the PostgreSQL driver numbers them $N),
 * `ON CONFLICT ... DO NOTHING / DO UPDATE` for upserts, NOW_SQL for the
 * current timestamp, db_last_id() after an insert into a table whose key is
 * `id INTEGER PRIMARY KEY`.  Migrations are written in SQLite's DDL; the
 * PostgreSQL driver maps its few type names (db_ddl).
 *
 * A connection is used by one thread at a time.  Statements follow
 * SQLite's model: prepare, bind (1-based), step until DB_DONE, read the
 * current row's columns (0-based; text is valid until the next step or
 * finalize), finalize.
 */
#ifndef COHORT_STORE_DRIVER_H
#define COHORT_STORE_DRIVER_H

typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

/* Status codes of the db_* calls, SQLite's values. */
#define DB_OK 0
#define DB_ERROR 1
#define DB_ROW 100
#define DB_DONE 101
/* Column types (db_column_type): only "is it NULL" is portable. */
#define DB_NULL 5
#define DB_VALUE 1

/* The current UTC time as an RFC 3339 text with milliseconds, as an SQL
 * expression (the PostgreSQL driver substitutes its own). */
#define NOW_SQL "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"

/* Kinds of transaction for db_begin. */
enum db_txn {
    DB_TXN_WRITE, /* a write transaction (SQLite: BEGIN IMMEDIATE) */
    DB_TXN_READ   /* a consistent snapshot for several reads */
};

/* The operations of one engine; every db_conn and db_stmt starts with a
 * pointer to its engine's table. */
typedef struct db_ops {
    const char *name;
    void (*close)(db_conn *c);
    int (*prepare)(db_conn *c, const char *sql, db_stmt **st);
    int (*bind_text)(db_stmt *st, int i, const char *v);
    int (*bind_int64)(db_stmt *st, int i, long long v);
    int (*bind_double)(db_stmt *st, int i, double v);
    int (*bind_null)(db_stmt *st, int i);
    int (*step)(db_stmt *st);
    const char *(*column_text)(db_stmt *st, int i);
    long long (*column_int64)(db_stmt *st, int i);
    double (*column_double)(db_stmt *st, int i);
    int (*column_type)(db_stmt *st, int i);
    void (*finalize)(db_stmt *st);
    int (*exec)(db_conn *c, const char *sql);
    int (*ddl)(db_conn *c, const char *sql);
    int (*changes)(db_conn *c);
    long long (*last_id)(db_conn *c);
    const char *(*errmsg)(db_conn *c);
    int (*in_txn)(db_conn *c);
    int (*begin)(db_conn *c, enum db_txn kind);
    int (*version_get)(db_conn *c);
    int (*version_set)(db_conn *c, int v);
    /* appended to a SELECT that picks rows to claim, so that concurrent
     * claimers skip each other's (SQLite: "", its write transactions are
     * serialised already) */
    const char *lock_rows;
    /* appended to a SELECT that locks its rows until the transaction ends
     * (SQLite: "", a write transaction holds the whole database) */
    const char *lock_row;
} db_ops;

struct db_conn {
    const db_ops *ops;
};
struct db_stmt {
    const db_ops *ops;
};

/* Open a connection to target: a postgres:// or postgresql:// URL, else
 * a SQLite file path (created, mode 0600, when create is set; opened
 * read-only when readonly is set).  On failure *err (caller frees) names
 * the target, without a password.  IO_OK, IO_EIO (cannot reach or open),
 * IO_STORE_EDB (opened but unusable), IO_ENOMEM. */
int db_open(const char *target, int create, int readonly, db_conn **out, char **err);
/* Whether target names a PostgreSQL database. */
int db_is_pg(const char *target);
/* The engine's own openers (driver_sqlite.c, driver_pg.c), same contract. */
int db_sqlite_open(const char *path, int create, int readonly, db_conn **out, char **err);
int db_pg_open(const char *url, int readonly, db_conn **out, char **err);
/* url with its passwords replaced by "***", for messages (malloc'd; NULL
 * on ENOMEM). */
char *db_url_redact(const char *url);
/* A driver connection around an SQLite handle the caller keeps owning
 * (closing the wrapper leaves the handle open); NULL on ENOMEM. */
struct sqlite3;
db_conn *db_sqlite_wrap(struct sqlite3 *db);

/* Bring the schema of c to version target through the migrations
 * (store.c); *err (caller frees) says why not. */
int db_migrate(db_conn *c, int target, char **err);

/* malloc'd "a: b" (or "a" when b is NULL); NULL on ENOMEM. */
char *db_msg(const char *a, const char *b);

static inline void db_close(db_conn *c)
{
    if (c)
        c->ops->close(c);
}
static inline int db_prepare(db_conn *c, const char *sql, db_stmt **st)
{
    return c->ops->prepare(c, sql, st);
}
/* v NULL binds NULL. */
static inline int db_bind_text(db_stmt *st, int i, const char *v)
{
    return v ? st->ops->bind_text(st, i, v) : st->ops->bind_null(st, i);
}
static inline int db_bind_int64(db_stmt *st, int i, long long v)
{
    return st->ops->bind_int64(st, i, v);
}
static inline int db_bind_int(db_stmt *st, int i, int v)
{
    return st->ops->bind_int64(st, i, v);
}
static inline int db_bind_double(db_stmt *st, int i, double v)
{
    return st->ops->bind_double(st, i, v);
}
static inline int db_bind_null(db_stmt *st, int i)
{
    return st->ops->bind_null(st, i);
}
/* DB_ROW, DB_DONE, or DB_ERROR (message in db_errmsg). */
static inline int db_step(db_stmt *st)
{
    return st->ops->step(st);
}
/* NULL for SQL NULL. */
static inline const char *db_column_text(db_stmt *st, int i)
{
    return st->ops->column_text(st, i);
}
static inline long long db_column_int64(db_stmt *st, int i)
{
    return st->ops->column_int64(st, i);
}
static inline int db_column_int(db_stmt *st, int i)
{
    return (int)st->ops->column_int64(st, i);
}
static inline double db_column_double(db_stmt *st, int i)
{
    return st->ops->column_double(st, i);
}
/* DB_NULL or DB_VALUE. */
static inline int db_column_type(db_stmt *st, int i)
{
    return st->ops->column_type(st, i);
}
/* NULL is a no-op. */
static inline void db_finalize(db_stmt *st)
{
    if (st)
        st->ops->finalize(st);
}
/* Run one or more statements without parameters or rows. */
static inline int db_exec(db_conn *c, const char *sql)
{
    return c->ops->exec(c, sql);
}
/* Rows changed by the last INSERT, UPDATE or DELETE. */
static inline int db_changes(db_conn *c)
{
    return c->ops->changes(c);
}
/* The id given to the row of the last INSERT into an `id INTEGER PRIMARY
 * KEY` table on this connection. */
static inline long long db_last_id(db_conn *c)
{
    return c->ops->last_id(c);
}
static inline const char *db_errmsg(db_conn *c)
{
    return c->ops->errmsg(c);
}
/* Whether a transaction is open on c. */
static inline int db_in_txn(db_conn *c)
{
    return c->ops->in_txn(c);
}
static inline int db_begin(db_conn *c, enum db_txn kind)
{
    return c->ops->begin(c, kind);
}
static inline int db_commit(db_conn *c)
{
    return c->ops->exec(c, "COMMIT");
}
/* Roll back the open transaction, if any. */
static inline void db_rollback(db_conn *c)
{
    if (c->ops->in_txn(c))
        c->ops->exec(c, "ROLLBACK");
}

#endif
