/*
 * driver_pg.c - the PostgreSQL engine behind driver.h, through libpq.
 *
 * The store's SQL is written once in the dialect both engines accept; this
 * driver numbers the placeholders ($N), substitutes the current-timestamp
 * expression, and maps the migrations' SQLite type names (db_ddl: INTEGER
 * PRIMARY KEY -> an identity column, INTEGER -> BIGINT, REAL -> DOUBLE
 * PRECISION, TEXT -> TEXT COLLATE "C" so that ids sort bytewise as in
 * SQLite).  Statements run through PQexecParams with text parameters whose
 * types the server infers.  The schema version is the one row of table
 * cohort_schema; migrations run under an advisory lock, so nodes starting
 * together migrate once.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"
#include "driver.h"

/* The statement timeout a connection gets unless its URL sets one. */
#define PG_STATEMENT_TIMEOUT "30s"
/* The advisory lock key that serialises migrations ("cohort" in ASCII). */
#define PG_MIGRATE_LOCK "63686f72"
#define PG_NOW "(to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))"
#define BOOLOID 16

typedef struct pg_conn {
    db_conn base;
    PGconn *pg;
    int readonly; /* a reader: every transaction read-only */
    int changes;
    char err[512];
} pg_conn;

typedef struct pg_stmt {
    db_stmt base;
    pg_conn *c;
    char *sql;   /* rewritten: $N placeholders */
    int nparams; /* highest placeholder number */
    char **vals; /* parameter texts (NULL: SQL NULL) */
    PGresult *res;
    int row; /* current row, -1 before the first step */
} pg_stmt;

static pg_conn *C(db_conn *c)
{
    return (pg_conn *)c;
}

static pg_stmt *S(db_stmt *st)
{
    return (pg_stmt *)st;
}

/* Keep the server's message (without its trailing newline) as the
 * connection's error. */
static void set_err(pg_conn *c, const char *msg)
{
    snprintf(c->err, sizeof c->err, "%s", msg && *msg ? msg : "unknown PostgreSQL error");
    size_t n = strlen(c->err);
    while (n > 0 && (c->err[n - 1] == '\n' || c->err[n - 1] == ' '))
        c->err[--n] = '\0';
}

/* A copy of in with every occurrence of each pairs[i][0] replaced by
 * pairs[i][1] (applied in order); NULL on ENOMEM. */
static char *subst(const char *in, const char *const (*pairs)[2], int n)
{
    char *cur = strdup(in);
    for (int i = 0; cur && i < n; i++) {
        const char *from = pairs[i][0], *to = pairs[i][1];
        size_t lf = strlen(from), lt = strlen(to), count = 0;
        for (const char *p = strstr(cur, from); p; p = strstr(p + lf, from))
            count++;
        if (!count)
            continue;
        char *out = malloc(strlen(cur) + count * lt + 1), *o = out;
        if (!out) {
            free(cur);
            return NULL;
        }
        const char *p = cur;
        for (const char *q = strstr(p, from); q; q = strstr(p, from)) {
            memcpy(o, p, (size_t)(q - p));
            o += q - p;
            memcpy(o, to, lt);
            o += lt;
            p = q + lf;
        }
        strcpy(o, p);
        free(cur);
        cur = out;
    }
    return cur;
}

/* The store's SQL in PostgreSQL's words: NOW_SQL substituted, `?` and `?N`
 * outside quotes numbered $N; *nparams is the highest number.  NULL on
 * ENOMEM. */
static char *rewrite(const char *sql, int *nparams)
{
    static const char *const DML[][2] = {{NOW_SQL, PG_NOW}};
    char *in = subst(sql, DML, 1);
    if (!in)
        return NULL;
    char *out = malloc(strlen(in) * 3 + 1), *o = out;
    int seq = 0, max = 0;
    char quote = 0;
    for (const char *p = in; out && *p; p++) {
        if (quote) {
            quote = *p == quote ? 0 : quote;
            *o++ = *p;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            *o++ = *p;
        } else if (*p == '?') {
            int k = 0;
            while (p[1] >= '0' && p[1] <= '9')
                k = k * 10 + (*++p - '0');
            if (!k)
                k = ++seq;
            max = k > max ? k : max;
            o += sprintf(o, "$%d", k);
        } else {
            *o++ = *p;
        }
    }
    if (out)
        *o = '\0';
    free(in);
    *nparams = max;
    return out;
}

static const db_ops PG;

static int pg_prepare(db_conn *c, const char *sql, db_stmt **out)
{
    pg_stmt *s = calloc(1, sizeof *s);
    if (!s)
        return DB_ERROR;
    s->base.ops = &PG;
    s->c = C(c);
    s->row = -1;
    s->sql = rewrite(sql, &s->nparams);
    s->vals = s->nparams ? calloc((size_t)s->nparams, sizeof *s->vals) : NULL;
    if (!s->sql || (s->nparams && !s->vals)) {
        set_err(C(c), "out of memory");
        free(s->sql);
        free(s->vals);
        free(s);
        return DB_ERROR;
    }
    *out = &s->base;
    return DB_OK;
}

static int pg_bind_text(db_stmt *st, int i, const char *v)
{
    pg_stmt *s = S(st);
    if (i < 1 || i > s->nparams)
        return DB_ERROR;
    char *copy = v ? strdup(v) : NULL;
    if (v && !copy)
        return DB_ERROR;
    free(s->vals[i - 1]);
    s->vals[i - 1] = copy;
    return DB_OK;
}

static int pg_bind_int64(db_stmt *st, int i, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return pg_bind_text(st, i, buf);
}

static int pg_bind_double(db_stmt *st, int i, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", v);
    return pg_bind_text(st, i, buf);
}

static int pg_bind_null(db_stmt *st, int i)
{
    return pg_bind_text(st, i, NULL);
}

/* Whether a result is a success; on failure the message becomes the
 * connection's error. */
static int result_ok(pg_conn *c, PGresult *r)
{
    ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
        return 1;
    set_err(c, r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
    return 0;
}

static int session_setup(pg_conn *c);

/* After a failed statement: when the connection itself broke (the server
 * restarted, a proxy dropped it) and no transaction was open, connect
 * again with the same settings.  1 when the statement may be sent again. */
static int reconnected(pg_conn *c, int was_idle)
{
    if (!was_idle || PQstatus(c->pg) != CONNECTION_BAD)
        return 0;
    PQreset(c->pg);
    return PQstatus(c->pg) == CONNECTION_OK && session_setup(c) == DB_OK;
}

/* Send sql: with n parameters through the extended protocol, without
 * any through the simple one (which takes several statements). */
static PGresult *send_sql(pg_conn *c, const char *sql, int n, const char *const *vals)
{
    return n ? PQexecParams(c->pg, sql, n, NULL, vals, NULL, NULL, 0) : PQexec(c->pg, sql);
}

/* send_sql, and once more on a new connection when the old one broke
 * outside a transaction. */
static PGresult *exec_params(pg_conn *c, const char *sql, int n, const char *const *vals)
{
    int idle = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
    PGresult *r = send_sql(c, sql, n, vals);
    ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && reconnected(c, idle)) {
        PQclear(r);
        r = send_sql(c, sql, n, vals);
    }
    return r;
}

static int pg_step(db_stmt *st)
{
    pg_stmt *s = S(st);
    if (!s->res) {
        s->res = exec_params(s->c, s->sql, s->nparams, (const char *const *)s->vals);
        if (!result_ok(s->c, s->res))
            return DB_ERROR;
        if (PQresultStatus(s->res) == PGRES_COMMAND_OK) {
            s->c->changes = atoi(PQcmdTuples(s->res));
            return DB_DONE;
        }
    }
    if (PQresultStatus(s->res) != PGRES_TUPLES_OK)
        return DB_DONE;
    s->row++;
    return s->row < PQntuples(s->res) ? DB_ROW : DB_DONE;
}

static int has_value(pg_stmt *s, int i)
{
    return s->res && s->row >= 0 && s->row < PQntuples(s->res) && i >= 0 &&
           i < PQnfields(s->res) && !PQgetisnull(s->res, s->row, i);
}

static const char *pg_text(db_stmt *st, int i)
{
    pg_stmt *s = S(st);
    return has_value(s, i) ? PQgetvalue(s->res, s->row, i) : NULL;
}

static long long pg_col_int64(db_stmt *st, int i)
{
    pg_stmt *s = S(st);
    if (!has_value(s, i))
        return 0;
    const char *v = PQgetvalue(s->res, s->row, i);
    if (PQftype(s->res, i) == BOOLOID)
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static double pg_double(db_stmt *st, int i)
{
    pg_stmt *s = S(st);
    return has_value(s, i) ? strtod(PQgetvalue(s->res, s->row, i), NULL) : 0.0;
}

static int pg_type(db_stmt *st, int i)
{
    return has_value(S(st), i) ? DB_VALUE : DB_NULL;
}

static void pg_finalize(db_stmt *st)
{
    pg_stmt *s = S(st);
    for (int i = 0; i < s->nparams; i++)
        free(s->vals[i]);
    free(s->vals);
    free(s->sql);
    PQclear(s->res);
    free(s);
}

/* Run sql (no parameters); *out (may be NULL) keeps the result. */
static int exec_raw(pg_conn *c, const char *sql, PGresult **out)
{
    PGresult *r = exec_params(c, sql, 0, NULL);
    int ok = result_ok(c, r);
    if (ok && PQresultStatus(r) == PGRES_COMMAND_OK)
        c->changes = atoi(PQcmdTuples(r));
    if (ok && out)
        *out = r;
    else
        PQclear(r);
    return ok ? DB_OK : DB_ERROR;
}

/* Run the rewritten statement q and free it (NULL: out of memory). */
static int exec_owned(pg_conn *c, char *q)
{
    if (!q) {
        set_err(c, "out of memory");
        return DB_ERROR;
    }
    int rc = exec_raw(c, q, NULL);
    free(q);
    return rc;
}

static int pg_exec(db_conn *c, const char *sql)
{
    int n;
    return exec_owned(C(c), rewrite(sql, &n));
}

/* Migration DDL, written for SQLite, in PostgreSQL's type names. */
static int pg_ddl(db_conn *c, const char *sql)
{
    static const char *const DDL[][2] = {
        {NOW_SQL, PG_NOW},
        {"INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
        {"INTEGER", "BIGINT"},
        {" REAL", " DOUBLE PRECISION"},
        {" TEXT", " TEXT COLLATE \"C\""},
    };
    return exec_owned(C(c), subst(sql, DDL, (int)(sizeof DDL / sizeof DDL[0])));
}

static int pg_changes(db_conn *c)
{
    return C(c)->changes;
}

static long long pg_last_id(db_conn *c)
{
    PGresult *r = NULL;
    long long v = 0;
    if (exec_raw(C(c), "SELECT lastval()", &r) == DB_OK && PQntuples(r) == 1)
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

static const char *pg_errmsg(db_conn *c)
{
    return C(c)->err;
}

static int pg_in_txn(db_conn *c)
{
    return PQtransactionStatus(C(c)->pg) != PQTRANS_IDLE;
}

static int pg_begin(db_conn *c, enum db_txn kind)
{
    return exec_raw(C(c),
                    kind == DB_TXN_WRITE ? "BEGIN"
                                         : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                    NULL);
}

/* The first column of the one row of sql as an integer; -1 on error. */
static long long scalar(pg_conn *c, const char *sql)
{
    PGresult *r = NULL;
    long long v = -1;
    if (exec_raw(c, sql, &r) == DB_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
        const char *t = PQgetvalue(r, 0, 0);
        v = PQftype(r, 0) == BOOLOID ? t[0] == 't' : strtoll(t, NULL, 10);
    }
    PQclear(r);
    return v;
}

/* Inside a transaction (a migration's), take the migration lock and make
 * sure the version table exists; outside, only look. */
static int pg_version_get(db_conn *c)
{
    pg_conn *p = C(c);
    if (pg_in_txn(c) &&
        (exec_raw(p, "SELECT pg_advisory_xact_lock(x'" PG_MIGRATE_LOCK "'::int)", NULL) != DB_OK ||
         exec_raw(p, "CREATE TABLE IF NOT EXISTS cohort_schema (version integer NOT NULL)",
                  NULL) != DB_OK))
        return -1;
    long long exists = scalar(p, "SELECT to_regclass('cohort_schema') IS NOT NULL");
    if (exists <= 0)
        return (int)exists;
    return (int)scalar(p, "SELECT coalesce(max(version), 0) FROM cohort_schema");
}

static int pg_version_set(db_conn *c, int v)
{
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM cohort_schema; INSERT INTO cohort_schema VALUES (%d)",
             v);
    return exec_raw(C(c), sql, NULL);
}

static void pg_close(db_conn *c)
{
    PQfinish(C(c)->pg);
    free(c);
}

static const db_ops PG = {
    .name = "postgresql",
    .close = pg_close,
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_text = pg_text,
    .column_int64 = pg_col_int64,
    .column_double = pg_double,
    .column_type = pg_type,
    .finalize = pg_finalize,
    .exec = pg_exec,
    .ddl = pg_ddl,
    .changes = pg_changes,
    .last_id = pg_last_id,
    .errmsg = pg_errmsg,
    .in_txn = pg_in_txn,
    .begin = pg_begin,
    .version_get = pg_version_get,
    .version_set = pg_version_set,
    .lock_rows = " FOR UPDATE SKIP LOCKED",
    .lock_row = " FOR UPDATE",
};

int db_is_pg(const char *target)
{
    return target &&
           (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0);
}

char *db_url_redact(const char *url)
{
    size_t n = strlen(url);
    char *out = malloc(n + 4), *o = out;
    if (!out)
        return NULL;
    const char *scheme = strstr(url, "://");
    const char *auth = scheme ? scheme + 3 : url;
    const char *at = strchr(auth, '@'), *slash = strchr(auth, '/');
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon && (!slash || at < slash)) {
        memcpy(o, url, (size_t)(colon + 1 - url));
        o += colon + 1 - url;
        o += sprintf(o, "***");
        url = at;
    }
    for (const char *p = url; *p;) {
        const char *pw = strstr(p, "password=");
        if (!pw || (pw != url && pw[-1] != '?' && pw[-1] != '&')) {
            size_t k = pw ? (size_t)(pw - p) + 9 : strlen(p);
            memcpy(o, p, k);
            o += k;
            p += k;
            continue;
        }
        memcpy(o, p, (size_t)(pw - p) + 9);
        o += pw - p + 9;
        o += sprintf(o, "***");
        p = pw + 9 + strcspn(pw + 9, "&");
    }
    *o = '\0';
    return out;
}

static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

/* *err = "<head> <redacted url>: <why>"; returns rc. */
static int fail(char **err, const char *head, const char *url, const char *why, int rc)
{
    char *safe = db_url_redact(url);
    char buf[600];
    snprintf(buf, sizeof buf, "%s %s", head, safe ? safe : "(url)");
    free(safe);
    if (err) {
        char *m = db_msg(buf, why);
        size_t n = m ? strlen(m) : 0;
        while (n > 0 && m[n - 1] == '\n')
            m[--n] = '\0';
        *err = m;
    }
    return rc;
}

/* The settings of a new (or re-established) connection: a statement
 * timeout unless the URL's options set one; read-only for a reader. */
static int session_setup(pg_conn *c)
{
    PGresult *r = NULL;
    int rc = exec_raw(c, "SELECT current_setting('statement_timeout')", &r);
    int unset = rc == DB_OK && strcmp(PQgetvalue(r, 0, 0), "0") == 0;
    PQclear(r);
    if (rc == DB_OK && unset)
        rc = exec_raw(c, "SET statement_timeout = '" PG_STATEMENT_TIMEOUT "'", NULL);
    if (rc == DB_OK && c->readonly)
        rc = exec_raw(c, "SET default_transaction_read_only = on", NULL);
    return rc;
}

int db_pg_open(const char *url, int readonly, db_conn **out, char **err)
{
    const char *const keys[] = {"connect_timeout", "dbname", NULL};
    const char *const vals[] = {"10", url, NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (!pg)
        return fail(err, "cannot connect to PostgreSQL", url, "out of memory", IO_ENOMEM);
    if (PQstatus(pg) != CONNECTION_OK) {
        int rc = fail(err, "cannot connect to PostgreSQL", url, PQerrorMessage(pg), IO_EIO);
        PQfinish(pg);
        return rc;
    }
    PQsetNoticeProcessor(pg, quiet, NULL);
    pg_conn *c = calloc(1, sizeof *c);
    if (!c) {
        PQfinish(pg);
        return fail(err, "cannot use PostgreSQL", url, "out of memory", IO_ENOMEM);
    }
    c->base.ops = &PG;
    c->pg = pg;
    c->readonly = readonly;
    int rc = session_setup(c);
    if (rc != DB_OK) {
        rc = fail(err, "cannot use PostgreSQL", url, c->err, IO_STORE_EDB);
        pg_close(&c->base);
        return rc;
    }
    *out = &c->base;
    return IO_OK;
}
