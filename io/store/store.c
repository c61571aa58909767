/*
 * store.c - the core of the store behind `cohort serve`, import and
 * export, on SQLite or PostgreSQL (driver.h): schema and migrations, open and close, locking, statement and
 * audit helpers.  Program documents are in store_doc.c; programs,
 * entities, events, schedules and tokens each in their own store_*.c.
 *
 * Schema (version: SQLite's PRAGMA user_version, PostgreSQL's table
 * cohort_schema; migrations below, in SQLite's DDL, mapped by driver_pg.c):
 *   program(id, name, program_json, settings_json, extra_json, created_at, updated_at)
 *   group_type / grp / room / facilitator / patient (program_id, id, pos, json)
 *       one row per entity: its normalised JSON (io_instance_to_json) and
 *       its position in the program, so export rebuilds the same instance.
 *   member_event   roster status history (event, group, patient, status, date, token)
 *   schedule       saved solutions, numbered per program, one published
 *   token          API tokens: role and SHA-256 of the secret
 *   audit          who (token), when, what, entity JSON before and after
 *   calendar       subscription secrets (SHA-256) per calendar (calendars.c)
 *   attendance, session_cancel, offer, contact_attempt   clinic operations
 *                  (store_attendance.c, store_offers.c)
 *
 * Every change is one write transaction under the store mutex (SQLite's
 * BEGIN IMMEDIATE serialises writers across processes too; on PostgreSQL
 * every program write is conditional on the revision it loaded, see
 * sync_doc); any failure rolls it back.  Writes rebuild the program's instance JSON,
 * apply the change, re-validate with io_instance_parse, normalise with
 * io_instance_to_json and write only the rows whose JSON changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <time.h>

#include "store_private.h"

const char *const TABLES[IO_ENTITY_COUNT] = {"group_type", "grp", "room", "facilitator",
                                             "patient"};
const char *const COLLECTIONS[IO_ENTITY_COUNT] = {"group_types", "groups", "rooms",
                                                  "facilitators", "patients"};
static const char *const ROLES[] = {"none", "viewer", "coordinator", "admin"};

/* ------------------------------------------------------------ schema */

static const char *const MIGRATIONS[IO_STORE_SCHEMA_VERSION] = {
    /* 1: base schema */
    "CREATE TABLE token ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT,"
    "  role TEXT NOT NULL CHECK (role IN ('viewer','coordinator','admin')),"
    "  hash TEXT NOT NULL UNIQUE,"
    "  created_at TEXT NOT NULL DEFAULT " NOW_SQL ","
    "  revoked_at TEXT);"
    "CREATE TABLE program ("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  program_json TEXT NOT NULL,"
    "  settings_json TEXT,"
    "  extra_json TEXT NOT NULL DEFAULT '{}',"
    "  created_at TEXT NOT NULL DEFAULT " NOW_SQL ","
    "  updated_at TEXT NOT NULL DEFAULT " NOW_SQL ");"
    "CREATE TABLE group_type (program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  id TEXT NOT NULL, pos INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (program_id, id));"
    "CREATE TABLE grp (program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  id TEXT NOT NULL, pos INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (program_id, id));"
    "CREATE TABLE room (program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  id TEXT NOT NULL, pos INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (program_id, id));"
    "CREATE TABLE facilitator (program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  id TEXT NOT NULL, pos INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (program_id, id));"
    "CREATE TABLE patient (program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  id TEXT NOT NULL, pos INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (program_id, id));"
    "CREATE TABLE member_event ("
    "  id INTEGER PRIMARY KEY,"
    "  program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  group_id TEXT,"
    "  patient_id TEXT NOT NULL,"
    "  event TEXT NOT NULL,"
    "  status TEXT,"
    "  date TEXT,"
    "  token_id INTEGER REFERENCES token(id),"
    "  at TEXT NOT NULL DEFAULT " NOW_SQL ");"
    "CREATE TABLE schedule ("
    "  program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  version INTEGER NOT NULL,"
    "  json TEXT NOT NULL,"
    "  status TEXT,"
    "  objective REAL,"
    "  published INTEGER NOT NULL DEFAULT 0,"
    "  token_id INTEGER REFERENCES token(id),"
    "  created_at TEXT NOT NULL DEFAULT " NOW_SQL ","
    "  PRIMARY KEY (program_id, version));"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL DEFAULT " NOW_SQL ","
    "  token_id INTEGER REFERENCES token(id),"
    "  action TEXT NOT NULL,"
    "  entity TEXT NOT NULL,"
    "  program_id TEXT,"
    "  before_json TEXT,"
    "  after_json TEXT);",
    /* 2: lookups for history and audit; at most one published schedule */
    "CREATE INDEX member_event_patient ON member_event(program_id, patient_id, id);"
    "CREATE INDEX member_event_group ON member_event(program_id, group_id, id);"
    "CREATE INDEX audit_program ON audit(program_id, id);"
    "CREATE UNIQUE INDEX schedule_one_published ON schedule(program_id) WHERE published = 1;",
    /* 3: a revision stamp per program (keys the in-memory document cache) */
    "ALTER TABLE program ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;",
    /* 4: calendar subscriptions: SHA-256 of a revocable secret per calendar
     * (io/store/calendars.c) */
    "CREATE TABLE calendar ("
    "  id INTEGER PRIMARY KEY,"
    "  program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  scope TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  hash TEXT NOT NULL UNIQUE,"
    "  token_id INTEGER REFERENCES token(id),"
    "  created_at TEXT NOT NULL DEFAULT " NOW_SQL ","
    "  revoked_at TEXT);",
    /* 5: the durable job queue (io/store/store_jobs.c); times are Unix
     * seconds from the caller's clock, so every backend stores the same */
    "CREATE TABLE job ("
    "  id TEXT PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  program_id TEXT,"
    "  parent_id TEXT,"
    "  part INTEGER,"
    "  state INTEGER NOT NULL DEFAULT 0,"
    "  input TEXT,"
    "  result TEXT,"
    "  extra TEXT,"
    "  error TEXT,"
    "  note TEXT,"
    "  token_id INTEGER,"
    "  deadline_s REAL NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  worker TEXT,"
    "  created REAL NOT NULL,"
    "  started REAL,"
    "  heartbeat REAL,"
    "  finished REAL);"
    "CREATE INDEX job_queue ON job(state, created);"
    "CREATE INDEX job_parent ON job(parent_id, part);",
    /* 6: clinic operations: attendance per dated session and member,
     * sessions cancelled by the clinic, seat offers and contact attempts
     * (io/store/store_attendance.c, store_offers.c) */
    "CREATE TABLE attendance ("
    "  id INTEGER PRIMARY KEY,"
    "  program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  group_id TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  patient_id TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  note TEXT,"
    "  token_id INTEGER REFERENCES token(id),"
    "  at TEXT NOT NULL DEFAULT " NOW_SQL ","
    "  UNIQUE (program_id, group_id, date, patient_id));"
    "CREATE INDEX attendance_patient ON attendance(program_id, patient_id, date);"
    "CREATE TABLE session_cancel ("
    "  program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  group_id TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  token_id INTEGER REFERENCES token(id),"
    "  at TEXT NOT NULL DEFAULT " NOW_SQL ","
    "  PRIMARY KEY (program_id, group_id, date));"
    "CREATE TABLE offer ("
    "  id INTEGER PRIMARY KEY,"
    "  program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  group_id TEXT NOT NULL,"
    "  patient_id TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('offered','accepted','declined','expired')),"
    "  reason TEXT,"
    "  offered_at TEXT NOT NULL,"
    "  expires_at TEXT NOT NULL,"
    "  decided_at TEXT,"
    "  token_id INTEGER REFERENCES token(id));"
    "CREATE UNIQUE INDEX offer_open_patient ON offer(program_id, patient_id)"
    "  WHERE status = 'offered';"
    "CREATE TABLE contact_attempt ("
    "  id INTEGER PRIMARY KEY,"
    "  program_id TEXT NOT NULL REFERENCES program(id) ON DELETE CASCADE,"
    "  offer_id INTEGER REFERENCES offer(id) ON DELETE CASCADE,"
    "  patient_id TEXT NOT NULL,"
    "  channel TEXT,"
    "  outcome TEXT,"
    "  note TEXT,"
    "  token_id INTEGER REFERENCES token(id),"
    "  at TEXT NOT NULL DEFAULT " NOW_SQL ");",
    /* 7: fan-out and idempotent saves (io/store/store_parts.c): a part
     * waits for the part after_part of its parent to finish; a schedule
     * saved by a job names it, once */
    "ALTER TABLE job ADD COLUMN after_part INTEGER;"
    "ALTER TABLE schedule ADD COLUMN job_id TEXT;"
    "CREATE UNIQUE INDEX schedule_job ON schedule(job_id);",
};

char *db_msg(const char *a, const char *b)
{
    size_t n = strlen(a) + (b ? strlen(b) : 0) + 3;
    char *m = malloc(n);
    if (m)
        snprintf(m, n, "%s%s%s", a, b ? ": " : "", b ? b : "");
    return m;
}

/* Apply migration v in its own write transaction, unless another process
 * applied it first (the version is read again inside the transaction). */
static int migrate_one(db_conn *c, int v, char **err)
{
    int cur = -1;
    if (db_begin(c, DB_TXN_WRITE) != DB_OK || (cur = c->ops->version_get(c)) < 0 ||
        (cur < v && (c->ops->ddl(c, MIGRATIONS[v - 1]) != DB_OK ||
                     c->ops->version_set(c, v) != DB_OK)) ||
        db_commit(c) != DB_OK) {
        char head[64];
        snprintf(head, sizeof head, "schema migration to version %d failed", v);
        if (err)
            *err = db_msg(head, db_errmsg(c));
        db_rollback(c);
        return IO_STORE_EDB;
    }
    return IO_OK;
}

int db_migrate(db_conn *c, int target, char **err)
{
    if (target < 1 || target > IO_STORE_SCHEMA_VERSION) {
        if (err)
            *err = db_msg("unknown schema version", NULL);
        return IO_EINVAL;
    }
    int cur = c->ops->version_get(c);
    if (cur < 0) {
        if (err)
            *err = db_msg("cannot read the schema version", db_errmsg(c));
        return IO_STORE_EDB;
    }
    if (cur > IO_STORE_SCHEMA_VERSION) {
        char buf[160];
        snprintf(buf, sizeof buf,
                 "database schema version %d is newer than this cohort understands (%d)", cur,
                 IO_STORE_SCHEMA_VERSION);
        if (err)
            *err = db_msg(buf, NULL);
        return IO_STORE_EDB;
    }
    for (int v = cur + 1; v <= target; v++)
        if (migrate_one(c, v, err) != IO_OK)
            return IO_STORE_EDB;
    return IO_OK;
}

int db_open(const char *target, int create, int readonly, db_conn **out, char **err)
{
    if (db_is_pg(target))
        return db_pg_open(target, readonly, out, err);
    return db_sqlite_open(target, create, readonly, out, err);
}

int io_store_open(const char *path, int create, io_store **out, char **err)
{
    db_conn *db = NULL;
    if (err)
        *err = NULL;
    int rc = db_open(path, create, 0, &db, err);
    if (rc != IO_OK)
        return rc;
    rc = db_migrate(db, IO_STORE_SCHEMA_VERSION, err);
    if (rc != IO_OK) {
        db_close(db);
        return rc;
    }
    io_store *s = calloc(1, sizeof *s);
    if (!s) {
        db_close(db);
        if (err)
            *err = db_msg("out of memory", NULL);
        return IO_ENOMEM;
    }
    s->db = db;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->cache_mu, NULL);
    /* readers (an in-memory database has none: reads use the writer): on
     * SQLite WAL lets them read beside the writer, on PostgreSQL each is a
     * connection of its own */
    if (strcmp(path, ":memory:") != 0) {
        for (int i = 0; i < READERS; i++) {
            db_conn *r = NULL;
            char *msg = NULL;
            if (db_open(path, 0, 1, &r, &msg) != IO_OK) {
                free(msg);
                break;
            }
            s->readers[i].db = r;
            pthread_mutex_init(&s->readers[i].mu, NULL);
            s->n_readers++;
        }
    }
    *out = s;
    return IO_OK;
}

void io_store_close(io_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < DOC_CACHE; i++) {
        json_decref(s->cache[i].doc);
        model_instance_destroy(s->cache[i].inst);
    }
    for (int i = 0; i < s->n_readers; i++) {
        db_close(s->readers[i].db);
        pthread_mutex_destroy(&s->readers[i].mu);
    }
    db_close(s->db);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->cache_mu);
    free(s);
}

int io_store_schema_version(io_store *s)
{
    pthread_mutex_lock(&s->mu);
    int v = s->db->ops->version_get(s->db);
    pthread_mutex_unlock(&s->mu);
    return v;
}

/* ----------------------------------------------------------- helpers */

int io_role_parse(const char *s)
{
    for (int i = 1; i <= IO_ROLE_ADMIN; i++)
        if (s && strcmp(s, ROLES[i]) == 0)
            return i;
    return -1;
}

const char *io_role_name(int role)
{
    return role >= 0 && role <= IO_ROLE_ADMIN ? ROLES[role] : "unknown";
}

int io_entity_kind_parse(const char *collection)
{
    for (int i = 0; i < IO_ENTITY_COUNT; i++)
        if (collection && strcmp(collection, COLLECTIONS[i]) == 0)
            return i;
    return -1;
}

const char *io_entity_collection(io_entity_kind kind)
{
    return (int)kind >= 0 && kind < IO_ENTITY_COUNT ? COLLECTIONS[kind] : "?";
}

int io_store_valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n < 1 || n > 64 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

void lock(io_store *s)
{
    pthread_mutex_lock(&s->mu);
}

db_conn *io_store_db_lock(io_store *s)
{
    pthread_mutex_lock(&s->mu);
    return s->db;
}

void io_store_db_unlock(io_store *s)
{
    pthread_mutex_unlock(&s->mu);
}

void unlock(io_store *s)
{
    pthread_mutex_unlock(&s->mu);
}

/* A connection for reading: a free reader, else wait for one (no readers:
 * the writer).  Release with rd_release. */
db_conn *rd_acquire(io_store *s, rconn **held)
{
    if (s->n_readers == 0) {
        lock(s);
        *held = NULL;
        return s->db;
    }
    for (int i = 0; i < s->n_readers; i++)
        if (pthread_mutex_trylock(&s->readers[i].mu) == 0) {
            *held = &s->readers[i];
            return s->readers[i].db;
        }
    unsigned k = __atomic_fetch_add(&s->next_reader, 1, __ATOMIC_RELAXED) % (unsigned)s->n_readers;
    pthread_mutex_lock(&s->readers[k].mu);
    *held = &s->readers[k];
    return s->readers[k].db;
}

void rd_release(io_store *s, rconn *held)
{
    if (held)
        pthread_mutex_unlock(&held->mu);
    else
        unlock(s);
}

int db_error(io_store *s, model_diag *d)
{
    if (d)
        model_diag_error(d, "", "database error: %s", db_errmsg(s->db));
    return IO_STORE_EDB;
}

int begin(io_store *s)
{
    return db_begin(s->db, DB_TXN_WRITE) == DB_OK ? IO_OK : IO_STORE_EDB;
}

static int commit(io_store *s)
{
    return db_commit(s->db) == DB_OK ? IO_OK : IO_STORE_EDB;
}

static void rollback(io_store *s)
{
    db_rollback(s->db);
}

/* End a write transaction opened with lock() and begin(), given the status
 * of the work done in it: commit when rc is IO_OK (IO_STORE_EDB when the
 * commit fails), else roll back.  An IO_STORE_EDB outcome is reported into
 * d (when not NULL) before the rollback, while SQLite's message is still the
 * failing one.  Returns the final status; the lock stays held, so the caller
 * updates the document cache on success and then unlocks. */
int txn_end(io_store *s, int rc, model_diag *d)
{
    if (rc == IO_OK && commit(s) != IO_OK)
        rc = IO_STORE_EDB;
    if (rc == IO_STORE_EDB)
        db_error(s, d);
    if (rc != IO_OK)
        rollback(s);
    return rc;
}

/* Bind the arguments described by fmt to st, from the first parameter. */
static int bind_args(db_stmt *st, const char *fmt, va_list ap)
{
    int rc = DB_OK;
    for (int i = 0; fmt && fmt[i] && rc == DB_OK; i++) {
        switch (fmt[i]) {
        case 's': rc = db_bind_text(st, i + 1, va_arg(ap, const char *)); break;
        case 'i': rc = db_bind_int(st, i + 1, va_arg(ap, int)); break;
        case 'l': rc = db_bind_int64(st, i + 1, va_arg(ap, long long)); break;
        case 'a': {
            long v = va_arg(ap, long);
            rc = v > 0 ? db_bind_int64(st, i + 1, v) : db_bind_null(st, i + 1);
            break;
        }
        case 'd': rc = db_bind_double(st, i + 1, va_arg(ap, double)); break;
        default: rc = DB_ERROR; break;
        }
    }
    return rc;
}

/* Prepare sql and bind the arguments described by fmt: 's' text (NULL ->
 * NULL), 'i' int, 'l' long long, 'a' actor (long; 0 -> NULL), 'd' double. */
int prep(db_conn *db, db_stmt **st, const char *sql, const char *fmt, ...)
{
    if (db_prepare(db, sql, st) != DB_OK)
        return IO_STORE_EDB;
    va_list ap;
    va_start(ap, fmt);
    int rc = bind_args(*st, fmt, ap);
    va_end(ap);
    if (rc != DB_OK) {
        db_finalize(*st);
        *st = NULL;
        return IO_STORE_EDB;
    }
    return IO_OK;
}

int page_limit(const io_page *pg)
{
    return pg ? pg->size + 1 : INT_MAX;
}

int page_row(io_page *pg, db_stmt *st, int keycol, int *n, char *last)
{
    if (!pg)
        return 0;
    if (*n == 0)
        pg->next[0] = '\0';
    if (*n == pg->size) {
        snprintf(pg->next, sizeof pg->next, "%s", last);
        return 1;
    }
    const char *k = (const char *)db_column_text(st, keycol);
    snprintf(last, 512, "%s", k ? k : "");
    (*n)++;
    return 0;
}

int page_start(io_page *pg, long *after)
{
    *after = 0;
    if (pg)
        pg->next[0] = '\0';
    if (!pg || !pg->after)
        return IO_OK;
    const char *a = pg->after;
    if (*a < '1' || *a > '9' || strspn(a, "0123456789") != strlen(a) || strlen(a) > 18)
        return IO_EINVAL;
    *after = strtol(a, NULL, 10);
    return IO_OK;
}

/* Run a statement that returns no rows (arguments as for prep). */
int run(db_conn *db, const char *sql, const char *fmt, ...)
{
    db_stmt *st = NULL;
    if (db_prepare(db, sql, &st) != DB_OK)
        return IO_STORE_EDB;
    va_list ap;
    va_start(ap, fmt);
    int rc = bind_args(st, fmt, ap);
    va_end(ap);
    if (rc == DB_OK)
        rc = db_step(st);
    db_finalize(st);
    return rc == DB_DONE ? IO_OK : IO_STORE_EDB;
}

char *dump(const json_t *j)
{
    return j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

/* Dump j into *json (caller owns); consumes j. */
int give(json_t *j, char **json)
{
    if (!j)
        return IO_ENOMEM;
    char *t = dump(j);
    json_decref(j);
    if (!t)
        return IO_ENOMEM;
    *json = t;
    return IO_OK;
}

json_t *col_json(db_stmt *st, int i)
{
    const char *t = (const char *)db_column_text(st, i);
    if (!t)
        return json_null();
    json_t *j = json_loads(t, JSON_DECODE_ANY, NULL);
    return j ? j : json_string(t);
}

json_t *col_str(db_stmt *st, int i)
{
    const char *t = (const char *)db_column_text(st, i);
    return t ? json_string(t) : json_null();
}

json_t *col_int(db_stmt *st, int i)
{
    return db_column_type(st, i) == DB_NULL ? json_null() : json_integer(db_column_int64(st, i));
}

void today(char buf[11])
{
    model_date_format((int)(time(NULL) / 86400), buf);
}

/* End a read that collected rows into arr: rc is the status so far and
 * step the last db_step result (anything but DB_DONE after rc ==
 * IO_OK is a database error).  Finalizes st, releases the reader, and on
 * success dumps arr into *json; consumes arr either way. */
int rows_tree(io_store *s, rconn *rd, db_stmt *st, int rc, int step, json_t *arr,
              json_t **out)
{
    if (rc == IO_OK && step != DB_DONE)
        rc = IO_STORE_EDB;
    db_finalize(st);
    rd_release(s, rd);
    if (rc != IO_OK) {
        json_decref(arr);
        return rc;
    }
    return io_tree_give(arr, out);
}

int rows_done(io_store *s, rconn *rd, db_stmt *st, int rc, int step, json_t *arr,
              char **json)
{
    json_t *t = NULL;
    rc = rows_tree(s, rd, st, rc, step, arr, &t);
    return rc == IO_OK ? give(t, json) : rc;
}

/* Audit row: before/after are JSON values (NULL = SQL NULL). */
int audit(io_store *s, long actor, const char *action, const char *entity,
          const char *program, const json_t *before, const json_t *after)
{
    db_conn *db = s->db;
    char *b = dump(before), *a = dump(after);
    int rc = ((before && !b) || (after && !a))
                 ? IO_ENOMEM
                 : run(db,
                       "INSERT INTO audit(token_id, action, entity, program_id, before_json,"
                       " after_json) VALUES (?,?,?,?,?,?)",
                       "asssss", actor, action, entity, program, b, a);
    free(b);
    free(a);
    return rc;
}

int audit_text(io_store *s, long actor, const char *action, const char *entity,
               const char *program, const char *before, const char *after)
{
    db_conn *db = s->db;
    return run(db,
               "INSERT INTO audit(token_id, action, entity, program_id, before_json, after_json)"
               " VALUES (?,?,?,?,?,?)",
               "asssss", actor, action, entity, program, before, after);
}

/* Copy the errors of src into dst. */
void diag_copy_errors(model_diag *dst, const model_diag *src)
{
    if (!dst)
        return;
    for (int i = 0; i < src->n_errors; i++)
        model_diag_error(dst, src->errors[i].path, "%s", src->errors[i].message);
}
