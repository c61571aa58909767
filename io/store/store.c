/*
 * store.c - the SQLite store behind `cohort serve`, import and export.
 *
 * Schema (PRAGMA user_version, migrations below):
 *   program(id, name, program_json, settings_json, extra_json, created_at, updated_at)
 *   group_type / grp / room / facilitator / patient (program_id, id, pos, json)
 *       one row per entity: its normalised JSON (io_instance_to_json) and
 *       its position in the program, so export rebuilds the same instance.
 *   member_event   roster status history (event, group, patient, status, date, token)
 *   schedule       saved solutions, numbered per program, one published
 *   token          API tokens: role and SHA-256 of the secret
 *   audit          who (token), when, what, entity JSON before and after
 *   calendar       subscription secrets (SHA-256) per calendar (calendars.c)
 *
 * Every change is one BEGIN IMMEDIATE .. COMMIT under the store mutex; any
 * failure rolls it back.  Writes rebuild the program's instance JSON,
 * apply the change, re-validate with io_instance_parse, normalise with
 * io_instance_to_json and write only the rows whose JSON changed.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "io_private.h"

/* Recently used program documents, keyed by (program id, rev): every
 * write gives the program a new random rev, so an entry is valid exactly
 * while the stored rev matches (also across processes).  Documents in the
 * cache are shared and never modified. */
#define DOC_CACHE 8
typedef struct doc_slot {
    char id[65];
    long long rev;
    json_t *doc;
    model_instance *inst; /* the parsed doc, NULL until someone parsed it */
    unsigned long used;
} doc_slot;

/* Read-only connections: reads run beside the writer (WAL), each
 * connection used by one thread at a time. */
#define READERS 4
typedef struct rconn {
    sqlite3 *db;
    pthread_mutex_t mu;
} rconn;

struct io_store {
    sqlite3 *db;        /* the writer */
    pthread_mutex_t mu; /* held for every write transaction */
    rconn readers[READERS];
    int n_readers;
    unsigned next_reader;
    pthread_mutex_t cache_mu;
    doc_slot cache[DOC_CACHE];
    unsigned long tick;
};

static const char *const TABLES[IO_ENTITY_COUNT] = {"group_type", "grp", "room", "facilitator",
                                                    "patient"};
static const char *const COLLECTIONS[IO_ENTITY_COUNT] = {"group_types", "groups", "rooms",
                                                         "facilitators", "patients"};
static const char *const ROLES[] = {"none", "viewer", "coordinator", "admin"};

#define NOW_SQL "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"

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
};

static char *dupmsg(const char *a, const char *b)
{
    size_t n = strlen(a) + (b ? strlen(b) : 0) + 3;
    char *m = malloc(n);
    if (m)
        snprintf(m, n, "%s%s%s", a, b ? ": " : "", b ? b : "");
    return m;
}

int io_store_migrate(sqlite3 *db, int target, char **err)
{
    sqlite3_stmt *st = NULL;
    int cur = -1;
    if (target < 1 || target > IO_STORE_SCHEMA_VERSION) {
        if (err)
            *err = dupmsg("unknown schema version", NULL);
        return IO_EINVAL;
    }
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        cur = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (cur < 0) {
        if (err)
            *err = dupmsg("cannot read the schema version", sqlite3_errmsg(db));
        return IO_STORE_EDB;
    }
    if (cur > IO_STORE_SCHEMA_VERSION) {
        char buf[160];
        snprintf(buf, sizeof buf,
                 "database schema version %d is newer than this cohort understands (%d)", cur,
                 IO_STORE_SCHEMA_VERSION);
        if (err)
            *err = dupmsg(buf, NULL);
        return IO_STORE_EDB;
    }
    for (int v = cur + 1; v <= target; v++) {
        char pragma[64];
        char *msg = NULL;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", v);
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, MIGRATIONS[v - 1], NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, pragma, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
            char head[64];
            snprintf(head, sizeof head, "schema migration to version %d failed", v);
            if (err)
                *err = dupmsg(head, msg ? msg : sqlite3_errmsg(db));
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return IO_STORE_EDB;
        }
    }
    return IO_OK;
}

int io_store_open(const char *path, int create, io_store **out, char **err)
{
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
    if (err)
        *err = NULL;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        char head[512];
        snprintf(head, sizeof head, "cannot open database %s", path);
        if (err)
            *err = dupmsg(head, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return IO_EIO;
    }
    sqlite3_busy_timeout(db, 10000);
    char *msg = NULL;
    /* WAL: readers never block the writer; synchronous=FULL: a commit is
     * on disk before it is acknowledged. */
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                     " PRAGMA foreign_keys = ON;",
                     NULL, NULL, &msg) != SQLITE_OK) {
        char head[512];
        snprintf(head, sizeof head, "cannot use database %s", path);
        if (err)
            *err = dupmsg(head, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        sqlite3_close(db);
        return IO_STORE_EDB;
    }
    int rc = io_store_migrate(db, IO_STORE_SCHEMA_VERSION, err);
    if (rc != IO_OK) {
        sqlite3_close(db);
        return rc;
    }
    io_store *s = calloc(1, sizeof *s);
    if (!s) {
        sqlite3_close(db);
        if (err)
            *err = dupmsg("out of memory", NULL);
        return IO_ENOMEM;
    }
    s->db = db;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->cache_mu, NULL);
    /* readers (an in-memory database has none: reads use the writer) */
    if (strcmp(path, ":memory:") != 0) {
        for (int i = 0; i < READERS; i++) {
            sqlite3 *r = NULL;
            if (sqlite3_open_v2(path, &r, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL) !=
                SQLITE_OK) {
                sqlite3_close(r);
                break;
            }
            sqlite3_busy_timeout(r, 10000);
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
        sqlite3_close(s->readers[i].db);
        pthread_mutex_destroy(&s->readers[i].mu);
    }
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->cache_mu);
    free(s);
}

int io_store_schema_version(io_store *s)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    pthread_mutex_lock(&s->mu);
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
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
    if (n < 1 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static void lock(io_store *s)
{
    pthread_mutex_lock(&s->mu);
}

sqlite3 *io_store_db_lock(io_store *s)
{
    pthread_mutex_lock(&s->mu);
    return s->db;
}

void io_store_db_unlock(io_store *s)
{
    pthread_mutex_unlock(&s->mu);
}

static void unlock(io_store *s)
{
    pthread_mutex_unlock(&s->mu);
}

/* A connection for reading: a free reader, else wait for one (no readers:
 * the writer).  Release with rd_release. */
static sqlite3 *rd_acquire(io_store *s, rconn **held)
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

static void rd_release(io_store *s, rconn *held)
{
    if (held)
        pthread_mutex_unlock(&held->mu);
    else
        unlock(s);
}

static int db_error(io_store *s, model_diag *d)
{
    if (d)
        model_diag_error(d, "", "database error: %s", sqlite3_errmsg(s->db));
    return IO_STORE_EDB;
}

static int begin(io_store *s)
{
    return sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? IO_OK
                                                                                  : IO_STORE_EDB;
}

static int commit(io_store *s)
{
    return sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? IO_OK : IO_STORE_EDB;
}

static void rollback(io_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Prepare sql and bind the arguments described by fmt: 's' text (NULL ->
 * NULL), 'i' int, 'l' long long, 'a' actor (long; 0 -> NULL), 'd' double. */
static int prep(sqlite3 *db, sqlite3_stmt **st, const char *sql, const char *fmt, ...)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return IO_STORE_EDB;
    va_list ap;
    va_start(ap, fmt);
    int rc = SQLITE_OK;
    for (int i = 0; fmt && fmt[i] && rc == SQLITE_OK; i++) {
        switch (fmt[i]) {
        case 's': {
            const char *v = va_arg(ap, const char *);
            rc = v ? sqlite3_bind_text(*st, i + 1, v, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(*st, i + 1);
            break;
        }
        case 'i': rc = sqlite3_bind_int(*st, i + 1, va_arg(ap, int)); break;
        case 'l': rc = sqlite3_bind_int64(*st, i + 1, va_arg(ap, long long)); break;
        case 'a': {
            long v = va_arg(ap, long);
            rc = v > 0 ? sqlite3_bind_int64(*st, i + 1, v) : sqlite3_bind_null(*st, i + 1);
            break;
        }
        case 'd': rc = sqlite3_bind_double(*st, i + 1, va_arg(ap, double)); break;
        default: rc = SQLITE_MISUSE; break;
        }
    }
    va_end(ap);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(*st);
        *st = NULL;
        return IO_STORE_EDB;
    }
    return IO_OK;
}

/* Run a statement that returns no rows. */
static int run(sqlite3 *db, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return IO_STORE_EDB;
    va_list ap;
    va_start(ap, fmt);
    int rc = SQLITE_OK;
    for (int i = 0; fmt && fmt[i] && rc == SQLITE_OK; i++) {
        switch (fmt[i]) {
        case 's': {
            const char *v = va_arg(ap, const char *);
            rc = v ? sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(st, i + 1);
            break;
        }
        case 'i': rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int)); break;
        case 'l': rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, long long)); break;
        case 'a': {
            long v = va_arg(ap, long);
            rc = v > 0 ? sqlite3_bind_int64(st, i + 1, v) : sqlite3_bind_null(st, i + 1);
            break;
        }
        case 'd': rc = sqlite3_bind_double(st, i + 1, va_arg(ap, double)); break;
        default: rc = SQLITE_MISUSE; break;
        }
    }
    va_end(ap);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? IO_OK : IO_STORE_EDB;
}

static char *dump(const json_t *j)
{
    return j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

/* Dump j into *json (caller owns); consumes j. */
static int give(json_t *j, char **json)
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

static json_t *col_json(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    if (!t)
        return json_null();
    json_t *j = json_loads(t, JSON_DECODE_ANY, NULL);
    return j ? j : json_string(t);
}

static json_t *col_str(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? json_string(t) : json_null();
}

static void today(char buf[11])
{
    model_date_format((int)(time(NULL) / 86400), buf);
}

/* Audit row: before/after are JSON values (NULL = SQL NULL). */
static int audit(io_store *s, long actor, const char *action, const char *entity,
                 const char *program, const json_t *before, const json_t *after)
{
    sqlite3 *db = s->db;
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

static int audit_text(io_store *s, long actor, const char *action, const char *entity,
                      const char *program, const char *before, const char *after)
{
    sqlite3 *db = s->db;
    return run(db,
               "INSERT INTO audit(token_id, action, entity, program_id, before_json, after_json)"
               " VALUES (?,?,?,?,?,?)",
               "asssss", actor, action, entity, program, before, after);
}

/* Copy the errors of src into dst. */
static void diag_copy_errors(model_diag *dst, const model_diag *src)
{
    if (!dst)
        return;
    for (int i = 0; i < src->n_errors; i++)
        model_diag_error(dst, src->errors[i].path, "%s", src->errors[i].message);
}

/* ------------------------------------------------- program documents */

static int program_exists(sqlite3 *db, const char *id)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (prep(db, &st, "SELECT 1 FROM program WHERE id = ?", "s", id) == IO_OK)
        found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static long long new_rev(void)
{
    unsigned long long r = 0;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        r = (unsigned long long)ts.tv_sec * 1000000007ULL ^ (unsigned long long)ts.tv_nsec;
    }
    return (long long)(r >> 2) + 1;
}

/* Remember doc (and inst, owned from here; may be NULL) as program pid at
 * revision rev. */
static void cache_put(io_store *s, const char *pid, long long rev, json_t *doc,
                      model_instance *inst)
{
    pthread_mutex_lock(&s->cache_mu);
    doc_slot *slot = NULL;
    for (int i = 0; i < DOC_CACHE && !slot; i++)
        if (s->cache[i].doc && strcmp(s->cache[i].id, pid) == 0)
            slot = &s->cache[i];
    for (int i = 0; i < DOC_CACHE && !slot; i++)
        if (!s->cache[i].doc)
            slot = &s->cache[i];
    if (!slot) {
        slot = &s->cache[0];
        for (int i = 1; i < DOC_CACHE; i++)
            if (s->cache[i].used < slot->used)
                slot = &s->cache[i];
    }
    if (slot->doc && slot->rev == rev && strcmp(slot->id, pid) == 0) {
        /* the same revision: keep what is there, add a parsed instance */
        if (!slot->inst) {
            slot->inst = inst;
            inst = NULL;
        }
    } else {
        json_decref(slot->doc);
        model_instance_destroy(slot->inst);
        snprintf(slot->id, sizeof slot->id, "%s", pid);
        slot->rev = rev;
        slot->doc = json_incref(doc);
        slot->inst = inst;
        inst = NULL;
    }
    slot->used = ++s->tick;
    pthread_mutex_unlock(&s->cache_mu);
    model_instance_destroy(inst);
}

static void cache_drop(io_store *s, const char *pid)
{
    pthread_mutex_lock(&s->cache_mu);
    for (int i = 0; i < DOC_CACHE; i++)
        if (s->cache[i].doc && strcmp(s->cache[i].id, pid) == 0) {
            json_decref(s->cache[i].doc);
            model_instance_destroy(s->cache[i].inst);
            memset(&s->cache[i], 0, sizeof s->cache[i]);
        }
    pthread_mutex_unlock(&s->cache_mu);
}

/* The cached document of (pid, rev) (a new reference), and a clone of its
 * parsed instance when want_inst and one is cached; NULL doc when absent. */
static json_t *cache_get(io_store *s, const char *pid, long long rev, model_instance **inst)
{
    json_t *doc = NULL;
    pthread_mutex_lock(&s->cache_mu);
    for (int i = 0; i < DOC_CACHE && !doc; i++)
        if (s->cache[i].doc && s->cache[i].rev == rev && strcmp(s->cache[i].id, pid) == 0) {
            s->cache[i].used = ++s->tick;
            doc = json_incref(s->cache[i].doc);
            if (inst && s->cache[i].inst)
                *inst = model_instance_clone(s->cache[i].inst);
        }
    pthread_mutex_unlock(&s->cache_mu);
    return doc;
}

/* Members of doc other than program, settings and the collections. */
static json_t *extras(const json_t *doc)
{
    json_t *x = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)doc, key, v)
    {
        int known = strcmp(key, "program") == 0 || strcmp(key, "settings") == 0;
        for (int k = 0; k < IO_ENTITY_COUNT && !known; k++)
            known = strcmp(key, COLLECTIONS[k]) == 0;
        if (!known && x)
            json_object_set(x, key, v);
    }
    return x;
}

/* The instance document of a stored program (a consistent snapshot, read
 * through db) and its revision: shared (from the cache or put there), so
 * callers must not modify it; json_decref when done. */
static int load_doc(io_store *s, sqlite3 *db, const char *pid, json_t **out, long long *rev_out)
{
    sqlite3_stmt *st = NULL;
    json_t *doc = NULL;
    /* outside a transaction, take one: the rows must be of one revision */
    int own_txn = sqlite3_get_autocommit(db);
    if (own_txn && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return IO_STORE_EDB;
    int rc = prep(db, &st,
                  "SELECT program_json, settings_json, extra_json, rev FROM program WHERE id = ?",
                  "s", pid);
    if (rc != IO_OK)
        goto done;
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        rc = step == SQLITE_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
        goto done;
    }
    long long rev = sqlite3_column_int64(st, 3);
    if (rev_out)
        *rev_out = rev;
    if ((doc = cache_get(s, pid, rev, NULL))) {
        *out = doc;
        goto done;
    }
    const char *extra = (const char *)sqlite3_column_text(st, 2);
    doc = extra ? json_loads(extra, 0, NULL) : json_object();
    if (!json_is_object(doc)) {
        json_decref(doc);
        doc = json_object();
    }
    if (!doc) {
        rc = IO_ENOMEM;
        goto done;
    }
    json_object_set_new(doc, "program", col_json(st, 0));
    if (sqlite3_column_type(st, 1) != SQLITE_NULL)
        json_object_set_new(doc, "settings", col_json(st, 1));
    sqlite3_finalize(st);
    st = NULL;
    for (int k = 0; k < IO_ENTITY_COUNT && rc == IO_OK; k++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT json FROM %s WHERE program_id = ? ORDER BY pos",
                 TABLES[k]);
        json_t *arr = json_array();
        if (!arr) {
            rc = IO_ENOMEM;
            break;
        }
        if ((rc = prep(db, &st, sql, "s", pid)) != IO_OK) {
            json_decref(arr);
            break;
        }
        while ((step = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(arr, col_json(st, 0));
        sqlite3_finalize(st);
        st = NULL;
        if (step != SQLITE_DONE)
            rc = IO_STORE_EDB;
        json_object_set_new(doc, COLLECTIONS[k], arr);
    }
    if (rc == IO_OK) {
        cache_put(s, pid, rev, doc, NULL);
        *out = doc;
    } else {
        json_decref(doc);
    }
done:
    sqlite3_finalize(st);
    if (own_txn)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

static const char *elem_id(const json_t *e)
{
    return json_string_value(json_object_get(e, "id"));
}

static json_t *find_by_id(json_t *arr, const char *id, size_t *idx)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        const char *eid = elem_id(e);
        if (eid && id && strcmp(eid, id) == 0) {
            if (idx)
                *idx = i;
            return e;
        }
    }
    return NULL;
}

/* id -> position map of an array of entities (a JSON object of integers),
 * so that comparing two versions of a collection is linear. */
static json_t *index_by_id(const json_t *arr)
{
    json_t *m = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        const char *id = elem_id(e);
        if (m && id)
            json_object_set_new(m, id, json_integer((json_int_t)i));
    }
    return m;
}

/* Element with this id through an index_by_id map, or NULL. */
static json_t *lookup(json_t *arr, json_t *map, const char *id, size_t *idx)
{
    json_t *v = id ? json_object_get(map, id) : NULL;
    if (!v)
        return NULL;
    if (idx)
        *idx = (size_t)json_integer_value(v);
    return json_array_get(arr, (size_t)json_integer_value(v));
}

/* A working copy of a stored document for a change: a new top-level
 * object and new collection arrays whose elements are still the stored
 * (shared, never modified) ones.  A change that edits an element replaces
 * it with its own copy first (own_element); unchanged elements stay shared,
 * which also makes comparing old and new cheap (json_equal sees the same
 * pointer). */
static json_t *work_copy(const json_t *old)
{
    json_t *w = json_copy((json_t *)old);
    for (int k = 0; w && k < IO_ENTITY_COUNT; k++) {
        json_t *arr = json_object_get(w, COLLECTIONS[k]);
        if (arr && json_object_set_new(w, COLLECTIONS[k], json_copy(arr)) != 0) {
            json_decref(w);
            return NULL;
        }
    }
    return w;
}

/* Element idx of a working copy's collection, made the copy's own (a deep
 * copy replaces the shared one) so that it may be edited.  NULL on ENOMEM. */
static json_t *own_element(json_t *arr, size_t idx, const json_t *old_arr)
{
    json_t *e = json_array_get(arr, idx);
    /* the working copy keeps the stored order, so a shared element sits at
     * the same index */
    if (!e || json_array_get(old_arr, idx) != e)
        return e;
    json_t *c = json_deep_copy(e);
    if (!c || json_array_set_new(arr, idx, c) != 0)
        return NULL;
    return c;
}

/* Validate a raw document: on success *norm is the normalised document
 * (io_instance_to_json of the parsed instance) and *inst_out (may be NULL)
 * the instance. */
static int normalise(const json_t *raw, json_t **norm, model_instance **inst_out, model_diag *d)
{
    char *text = dump(raw);
    if (!text)
        return IO_ENOMEM;
    model_diag local;
    model_diag_init(&local);
    model_instance *inst = NULL;
    int rc = io_instance_parse(text, strlen(text), &inst, &local);
    free(text);
    if (rc != IO_OK) {
        diag_copy_errors(d, &local);
        if (rc == IO_EINVAL && local.n_errors == 0 && d)
            model_diag_error(d, "", "the program is invalid");
        model_diag_free(&local);
        return rc;
    }
    model_diag_free(&local);
    char *out = NULL;
    rc = io_instance_to_json(inst, &out);
    if (rc != IO_OK) {
        model_instance_destroy(inst);
        return rc;
    }
    json_error_t je;
    json_t *n = json_loads(out, 0, &je);
    free(out);
    if (!json_is_object(n)) {
        json_decref(n);
        model_instance_destroy(inst);
        if (d)
            model_diag_error(d, "", "internal error: instance JSON does not parse back");
        return IO_STORE_EDB;
    }
    *norm = n;
    if (inst_out)
        *inst_out = inst;
    else
        model_instance_destroy(inst);
    return IO_OK;
}

/* Record member status changes between the old and new groups. */
static int member_diff(io_store *s, const char *pid, const json_t *old_doc, const json_t *new_doc,
                       const char *label, long actor)
{
    sqlite3 *db = s->db;
    json_t *ng = json_object_get(new_doc, "groups");
    json_t *og = old_doc ? json_object_get(old_doc, "groups") : NULL;
    json_t *nmap = index_by_id(ng), *omap = index_by_id(og);
    size_t i, j;
    json_t *g, *m;
    int rc = nmap && omap ? IO_OK : IO_ENOMEM;
    static const char *const INS =
        "INSERT INTO member_event(program_id, group_id, patient_id, event, status, date,"
        " token_id) VALUES (?,?,?,?,?,?,?)";
    json_array_foreach(ng, i, g)
    {
        const char *gid = elem_id(g);
        json_t *oldg = lookup(og, omap, gid, NULL);
        if (rc != IO_OK || (oldg && json_equal(oldg, g)))
            continue;
        json_t *om = oldg ? json_object_get(oldg, "members") : NULL;
        json_t *nm = json_object_get(g, "members");
        /* new or changed members */
        json_array_foreach(nm, j, m)
        {
            const char *p = json_string_value(json_object_get(m, "patient"));
            json_t *prev = NULL;
            size_t k;
            json_t *x;
            json_array_foreach(om, k, x)
            {
                const char *xp = json_string_value(json_object_get(x, "patient"));
                if (xp && p && strcmp(xp, p) == 0)
                    prev = x;
            }
            if (!p || (prev && json_equal(prev, m)))
                continue;
            if (rc == IO_OK)
                rc = run(db, INS, "ssssssa", pid, gid, p, label,
                         json_string_value(json_object_get(m, "status")),
                         json_string_value(json_object_get(m, "since")), actor);
        }
        /* members removed from the roster */
        json_array_foreach(om, j, m)
        {
            const char *p = json_string_value(json_object_get(m, "patient"));
            int still = 0;
            size_t k;
            json_t *x;
            json_array_foreach(nm, k, x)
            {
                const char *xp = json_string_value(json_object_get(x, "patient"));
                if (xp && p && strcmp(xp, p) == 0)
                    still = 1;
            }
            if (!still && p && rc == IO_OK)
                rc = run(db, INS, "ssssssa", pid, gid, p, "removed", NULL, NULL, actor);
        }
    }
    /* whole groups removed */
    json_array_foreach(og, i, g)
    {
        if (rc != IO_OK || lookup(ng, nmap, elem_id(g), NULL))
            continue;
        json_array_foreach(json_object_get(g, "members"), j, m)
        {
            const char *p = json_string_value(json_object_get(m, "patient"));
            if (p && rc == IO_OK)
                rc = run(db, INS, "ssssssa", pid, elem_id(g), p, "removed", NULL, NULL, actor);
        }
    }
    json_decref(nmap);
    json_decref(omap);
    return rc;
}

/* Write the normalised document `doc` of program pid over the stored one
 * `old` (NULL: none stored yet; the program row must exist).  Only changed
 * rows are written.  With action != NULL every changed entity gets an audit
 * row (before / after). */
static int sync_doc(io_store *s, const char *pid, const json_t *old, const json_t *doc,
                    const char *action, long actor, long long *rev_out)
{
    sqlite3 *db = s->db;
    int rc = IO_OK;
    json_t *extra = extras(doc);
    json_t *prog = json_object_get(doc, "program");
    char *pj = dump(prog), *sj = dump(json_object_get(doc, "settings")), *ej = dump(extra);
    const char *name = json_string_value(json_object_get(prog, "name"));
    long long rev = new_rev();
    if (!extra || !pj || !ej) {
        rc = IO_ENOMEM;
        goto out;
    }
    if (old) {
        json_t *oe = extras(old);
        int meta_changed = !oe || !json_equal(json_object_get(old, "program"), prog) ||
                           !json_equal(json_object_get(old, "settings"),
                                       json_object_get(doc, "settings")) ||
                           !json_equal(oe, extra);
        if (meta_changed && action) {
            json_t *b = json_pack("{s:O*,s:O*}", "program", json_object_get(old, "program"),
                                  "settings", json_object_get(old, "settings"));
            json_t *a = json_pack("{s:O*,s:O*}", "program", prog, "settings",
                                  json_object_get(doc, "settings"));
            rc = audit(s, actor, action, "program", pid, b, a);
            json_decref(b);
            json_decref(a);
        }
        json_decref(oe);
        if (rc != IO_OK)
            goto out;
    }
    rc = run(db,
             "UPDATE program SET name = ?, program_json = ?, settings_json = ?, extra_json = ?,"
             " rev = ?, updated_at = " NOW_SQL " WHERE id = ?",
             "ssssls", name ? name : "", pj, sj, ej, rev, pid);
    if (rc != IO_OK)
        goto out;
    for (int k = 0; k < IO_ENTITY_COUNT && rc == IO_OK; k++) {
        json_t *oa = old ? json_object_get(old, COLLECTIONS[k]) : NULL;
        json_t *na = json_object_get(doc, COLLECTIONS[k]);
        json_t *omap = index_by_id(oa), *nmap = index_by_id(na);
        size_t i;
        json_t *e;
        char sql[200];
        if (!omap || !nmap)
            rc = IO_ENOMEM;
        json_array_foreach(na, i, e)
        {
            if (rc != IO_OK)
                break;
            size_t oi = 0;
            const char *id = elem_id(e);
            json_t *oe = lookup(oa, omap, id, &oi);
            if (!id) {
                rc = IO_EINVAL;
                break;
            }
            if (oe && oi == i && json_equal(oe, e))
                continue;
            char *t = dump(e);
            if (!t) {
                rc = IO_ENOMEM;
                break;
            }
            snprintf(sql, sizeof sql,
                     "INSERT INTO %s(program_id, id, pos, json) VALUES (?,?,?,?)"
                     " ON CONFLICT(program_id, id) DO UPDATE SET pos = excluded.pos,"
                     " json = excluded.json",
                     TABLES[k]);
            rc = run(db, sql, "ssis", pid, id, (int)i, t);
            free(t);
            if (rc == IO_OK && action && !(oe && json_equal(oe, e))) {
                char ent[300];
                snprintf(ent, sizeof ent, "%s/%s", COLLECTIONS[k], id);
                rc = audit(s, actor, action, ent, pid, oe, e);
            }
            if (rc != IO_OK)
                break;
        }
        json_array_foreach(oa, i, e)
        {
            if (rc != IO_OK)
                break;
            const char *id = elem_id(e);
            if (!id || lookup(na, nmap, id, NULL))
                continue;
            snprintf(sql, sizeof sql, "DELETE FROM %s WHERE program_id = ? AND id = ?",
                     TABLES[k]);
            rc = run(db, sql, "ss", pid, id);
            if (rc == IO_OK && action) {
                char ent[300];
                snprintf(ent, sizeof ent, "%s/%s", COLLECTIONS[k], id);
                rc = audit(s, actor, action, ent, pid, e, NULL);
            }
        }
        json_decref(omap);
        json_decref(nmap);
    }
    if (rc == IO_OK && rev_out)
        *rev_out = rev;
out:
    json_decref(extra);
    free(pj);
    free(sj);
    free(ej);
    return rc;
}

/* -------------------------------------------------------- programs */

static int derive_id(io_store *s, const char *name, char out[65])
{
    sqlite3 *db = s->db;
    size_t n = 0;
    int dash = 0;
    for (const char *p = name ? name : ""; *p && n < 48; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && n)
                out[n++] = '-';
            dash = 0;
            out[n++] = c;
        } else {
            dash = 1;
        }
    }
    out[n] = '\0';
    if (n == 0)
        strcpy(out, "program");
    char base[50];
    snprintf(base, sizeof base, "%s", out);
    for (int k = 2; program_exists(db, out); k++) {
        if (k > 100000)
            return IO_STORE_ECONFLICT;
        snprintf(out, 65, "%s-%d", base, k);
    }
    return IO_OK;
}

static int instance_doc(const model_instance *inst, json_t **out)
{
    char *text = NULL;
    int rc = io_instance_to_json(inst, &text);
    if (rc != IO_OK)
        return rc;
    json_t *j = json_loads(text, 0, NULL);
    free(text);
    if (!json_is_object(j)) {
        json_decref(j);
        return IO_STORE_EDB;
    }
    *out = j;
    return IO_OK;
}

/* Validate a document built from a model instance (round trip through the
 * JSON reader, so the store holds exactly what io_instance_parse reads). */
static int instance_norm(const model_instance *inst, json_t **norm, model_diag *d)
{
    json_t *raw = NULL;
    int rc = instance_doc(inst, &raw);
    if (rc != IO_OK)
        return rc;
    rc = normalise(raw, norm, NULL, d);
    json_decref(raw);
    return rc;
}

int io_store_program_create(io_store *s, const char *id, const model_instance *inst, long actor,
                            char **id_out, model_diag *d)
{
    sqlite3 *db = s->db;
    long long rev = 0;
    if (id && !io_store_valid_id(id)) {
        model_diag_error(d, "id", "program id '%s' is not 1..64 characters of A-Z a-z 0-9 . _ -",
                         id);
        return IO_EINVAL;
    }
    json_t *doc = NULL;
    int rc = instance_norm(inst, &doc, d);
    if (rc != IO_OK)
        return rc;
    char chosen[65];
    lock(s);
    if (begin(s) != IO_OK) {
        rc = db_error(s, d);
        goto out;
    }
    if (id) {
        if (program_exists(db, id)) {
            model_diag_error(d, "id", "program '%s' already exists", id);
            rc = IO_STORE_ECONFLICT;
            goto out;
        }
        snprintf(chosen, sizeof chosen, "%s", id);
    } else if ((rc = derive_id(s, json_string_value(json_object_get(
                                          json_object_get(doc, "program"), "name")),
                               chosen)) != IO_OK) {
        model_diag_error(d, "id", "cannot derive a free program id");
        goto out;
    }
    rc = run(db, "INSERT INTO program(id, name, program_json) VALUES (?, '', '{}')", "s", chosen);
    if (rc == IO_OK)
        rc = sync_doc(s, chosen, NULL, doc, NULL, actor, &rev);
    if (rc == IO_OK)
        rc = member_diff(s, chosen, NULL, doc, "imported", actor);
    if (rc == IO_OK)
        rc = audit(s, actor, "program.create", "program", chosen, NULL, doc);
    if (rc == IO_OK && commit(s) != IO_OK)
        rc = IO_STORE_EDB;
    if (rc == IO_OK)
        cache_put(s, chosen, rev, doc, NULL);
    if (rc == IO_STORE_EDB)
        db_error(s, d);
    if (rc == IO_OK && id_out) {
        *id_out = strdup(chosen);
        if (!*id_out)
            rc = IO_ENOMEM; /* committed; the caller only misses the id */
    }
out:
    if (rc != IO_OK)
        rollback(s);
    unlock(s);
    json_decref(doc);
    return rc;
}

int io_store_program_replace(io_store *s, const char *id, const model_instance *inst, long actor,
                             model_diag *d)
{
    sqlite3 *db = s->db;
    long long rev = 0;
    json_t *doc = NULL, *old = NULL;
    int rc = instance_norm(inst, &doc, d);
    if (rc != IO_OK)
        return rc;
    lock(s);
    if (begin(s) != IO_OK) {
        rc = db_error(s, d);
        goto out;
    }
    rc = load_doc(s, db, id, &old, NULL);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no program '%s'", id);
    if (rc == IO_OK)
        rc = sync_doc(s, id, old, doc, NULL, actor, &rev);
    if (rc == IO_OK)
        rc = member_diff(s, id, old, doc, "replaced", actor);
    if (rc == IO_OK)
        rc = audit(s, actor, "program.replace", "program", id, old, doc);
    if (rc == IO_OK && commit(s) != IO_OK)
        rc = IO_STORE_EDB;
    if (rc == IO_OK)
        cache_put(s, id, rev, doc, NULL);
    if (rc == IO_STORE_EDB)
        db_error(s, d);
out:
    if (rc != IO_OK)
        rollback(s);
    unlock(s);
    json_decref(doc);
    json_decref(old);
    return rc;
}

int io_store_program_json(io_store *s, const char *id, char **json)
{
    json_t *doc = NULL;
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = load_doc(s, db, id, &doc, NULL);
    rd_release(s, rd);
    if (rc != IO_OK)
        return rc;
    return give(doc, json);
}

int io_store_program_export(io_store *s, const char *id, model_instance **out, model_diag *d)
{
    json_t *doc = NULL;
    long long rev = 0;
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = load_doc(s, db, id, &doc, &rev);
    rd_release(s, rd);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no program '%s'", id);
    if (rc != IO_OK)
        return rc;
    /* parsed before (by a write or an export of this revision)? */
    model_instance *inst = NULL;
    json_decref(cache_get(s, id, rev, &inst));
    if (inst) {
        json_decref(doc);
        *out = inst;
        return IO_OK;
    }
    char *text = dump(doc);
    rc = text ? io_instance_parse(text, strlen(text), &inst, d) : IO_ENOMEM;
    free(text);
    if (rc == IO_OK) {
        model_instance *copy = model_instance_clone(inst);
        if (copy)
            cache_put(s, id, rev, doc, copy);
        *out = inst;
    }
    json_decref(doc);
    return rc;
}

int io_store_program_list(io_store *s, char **json)
{
    sqlite3_stmt *st = NULL;
    json_t *arr = json_array();
    if (!arr)
        return IO_ENOMEM;
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = prep(db, &st,
                  "SELECT p.id, p.name, p.created_at, p.updated_at,"
                  " (SELECT count(*) FROM group_type t WHERE t.program_id = p.id),"
                  " (SELECT count(*) FROM grp t WHERE t.program_id = p.id),"
                  " (SELECT count(*) FROM room t WHERE t.program_id = p.id),"
                  " (SELECT count(*) FROM facilitator t WHERE t.program_id = p.id),"
                  " (SELECT count(*) FROM patient t WHERE t.program_id = p.id),"
                  " (SELECT count(*) FROM schedule t WHERE t.program_id = p.id),"
                  " (SELECT max(version) FROM schedule t WHERE t.program_id = p.id"
                  "  AND t.published = 1)"
                  " FROM program p ORDER BY p.id",
                  NULL);
    int step = SQLITE_DONE;
    while (rc == IO_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *counts = json_object();
        for (int k = 0; k < IO_ENTITY_COUNT; k++)
            json_object_set_new(counts, COLLECTIONS[k], json_integer(sqlite3_column_int(st, 4 + k)));
        json_t *pub = sqlite3_column_type(st, 10) == SQLITE_NULL
                          ? json_null()
                          : json_integer(sqlite3_column_int(st, 10));
        json_array_append_new(arr, json_pack("{s:o,s:o,s:o,s:o,s:o,s:i,s:o}", "id", col_str(st, 0),
                                             "name", col_str(st, 1), "created", col_str(st, 2),
                                             "updated", col_str(st, 3), "counts", counts,
                                             "schedules", sqlite3_column_int(st, 9),
                                             "published", pub));
    }
    if (rc == IO_OK && step != SQLITE_DONE)
        rc = IO_STORE_EDB;
    sqlite3_finalize(st);
    rd_release(s, rd);
    if (rc != IO_OK) {
        json_decref(arr);
        return rc;
    }
    return give(arr, json);
}

int io_store_program_delete(io_store *s, const char *id, long actor, model_diag *d)
{
    sqlite3 *db = s->db;
    json_t *old = NULL;
    lock(s);
    int rc = begin(s);
    if (rc == IO_OK)
        rc = load_doc(s, db, id, &old, NULL);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no program '%s'", id);
    if (rc == IO_OK)
        rc = run(db, "DELETE FROM program WHERE id = ?", "s", id);
    if (rc == IO_OK)
        rc = audit(s, actor, "program.delete", "program", id, old, NULL);
    if (rc == IO_OK && commit(s) != IO_OK)
        rc = IO_STORE_EDB;
    if (rc == IO_OK)
        cache_drop(s, id);
    if (rc == IO_STORE_EDB)
        db_error(s, d);
    if (rc != IO_OK)
        rollback(s);
    unlock(s);
    json_decref(old);
    return rc;
}

/* -------------------------------------------------------- entities */

int io_store_entity_list(io_store *s, const char *program, io_entity_kind kind, char **json)
{
    if ((int)kind < 0 || kind >= IO_ENTITY_COUNT)
        return IO_EINVAL;
    char sql[128];
    sqlite3_stmt *st = NULL;
    json_t *arr = json_array();
    if (!arr)
        return IO_ENOMEM;
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = program_exists(db, program) ? IO_OK : IO_STORE_ENOTFOUND;
    snprintf(sql, sizeof sql, "SELECT json FROM %s WHERE program_id = ? ORDER BY pos", TABLES[kind]);
    if (rc == IO_OK)
        rc = prep(db, &st, sql, "s", program);
    int step = SQLITE_DONE;
    while (rc == IO_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, col_json(st, 0));
    if (rc == IO_OK && step != SQLITE_DONE)
        rc = IO_STORE_EDB;
    sqlite3_finalize(st);
    rd_release(s, rd);
    if (rc != IO_OK) {
        json_decref(arr);
        return rc;
    }
    return give(arr, json);
}

int io_store_entity_get(io_store *s, const char *program, io_entity_kind kind, const char *eid,
                        char **json)
{
    if ((int)kind < 0 || kind >= IO_ENTITY_COUNT)
        return IO_EINVAL;
    char sql[128];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT json FROM %s WHERE program_id = ? AND id = ?", TABLES[kind]);
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = prep(db, &st, sql, "ss", program, eid);
    if (rc == IO_OK) {
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            *json = strdup(t ? t : "null");
            rc = *json ? IO_OK : IO_ENOMEM;
        } else {
            rc = step == SQLITE_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
        }
    }
    sqlite3_finalize(st);
    rd_release(s, rd);
    return rc;
}

/* Apply a change to a program under the lock, in one transaction: load the
 * stored document, let fn change a copy, validate, write, audit. */
typedef int (*mutate_fn)(io_store *s, json_t *doc, void *ctx, model_diag *d);

static int mutate(io_store *s, const char *program, mutate_fn fn, void *ctx, const char *action,
                  const char *member_label, long actor, json_t **norm_out, model_diag *d)
{
    sqlite3 *db = s->db;
    long long rev = 0;
    json_t *old = NULL, *work = NULL, *norm = NULL;
    model_instance *inst = NULL;
    lock(s);
    int rc = begin(s);
    if (rc != IO_OK) {
        db_error(s, d);
        unlock(s);
        return rc;
    }
    rc = load_doc(s, db, program, &old, NULL);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no program '%s'", program);
    if (rc == IO_OK) {
        work = work_copy(old);
        rc = work ? fn(s, work, ctx, d) : IO_ENOMEM;
    }
    if (rc == IO_OK)
        rc = normalise(work, &norm, &inst, d);
    if (rc == IO_OK)
        rc = sync_doc(s, program, old, norm, action, actor, &rev);
    if (rc == IO_OK && member_label)
        rc = member_diff(s, program, old, norm, member_label, actor);
    if (rc == IO_OK && commit(s) != IO_OK)
        rc = IO_STORE_EDB;
    if (rc == IO_OK)
        cache_put(s, program, rev, norm, inst), inst = NULL;
    if (rc == IO_STORE_EDB)
        db_error(s, d);
    if (rc != IO_OK)
        rollback(s);
    unlock(s);
    json_decref(old);
    json_decref(work);
    if (rc == IO_OK && norm_out)
        *norm_out = norm;
    else
        json_decref(norm);
    model_instance_destroy(inst); /* not cached: the write failed */
    return rc;
}

typedef struct {
    io_entity_kind kind;
    const char *eid;
    json_t *body;
    const char *id; /* resolved id */
} entity_ctx;

static int put_fn(io_store *s, json_t *doc, void *vctx, model_diag *d)
{
    (void)s;
    entity_ctx *c = vctx;
    json_t *arr = json_object_get(doc, COLLECTIONS[c->kind]);
    if (!json_is_array(arr)) {
        arr = json_array();
        json_object_set_new(doc, COLLECTIONS[c->kind], arr);
    }
    size_t idx = 0;
    json_t *found = find_by_id(arr, c->id, &idx);
    if (!c->eid) {
        if (found) {
            model_diag_error(d, "id", "%s '%s' already exists", COLLECTIONS[c->kind], c->id);
            return IO_STORE_ECONFLICT;
        }
        return json_array_append(arr, c->body) == 0 ? IO_OK : IO_ENOMEM;
    }
    if (!found) {
        model_diag_error(d, "", "no %s '%s'", COLLECTIONS[c->kind], c->id);
        return IO_STORE_ENOTFOUND;
    }
    return json_array_set(arr, idx, c->body) == 0 ? IO_OK : IO_ENOMEM;
}

int io_store_entity_put(io_store *s, const char *program, io_entity_kind kind, const char *eid,
                        const char *body, size_t len, long actor, char **json_out, model_diag *d)
{
    if ((int)kind < 0 || kind >= IO_ENTITY_COUNT)
        return IO_EINVAL;
    json_error_t je;
    json_t *b = json_loadb(body, len, 0, &je);
    if (!json_is_object(b)) {
        if (b)
            model_diag_error(d, "", "the body must be a JSON object");
        else
            model_diag_error(d, "", "JSON syntax error at line %d column %d: %s", je.line,
                             je.column, je.text);
        json_decref(b);
        return IO_EINVAL;
    }
    json_t *idv = json_object_get(b, "id");
    if (eid) {
        if (idv && !(json_is_string(idv) && strcmp(json_string_value(idv), eid) == 0)) {
            model_diag_error(d, "id", "the body's id does not match '%s' in the path", eid);
            json_decref(b);
            return IO_EINVAL;
        }
        if (!idv)
            json_object_set_new(b, "id", json_string(eid));
    } else if (!json_is_string(idv) || json_string_length(idv) == 0) {
        model_diag_error(d, "id", "missing: a string id is required");
        json_decref(b);
        return IO_EINVAL;
    }
    entity_ctx c = {kind, eid, b, json_string_value(json_object_get(b, "id"))};
    json_t *norm = NULL;
    int rc = mutate(s, program, put_fn, &c, eid ? "entity.update" : "entity.create",
                    kind == IO_ENTITY_GROUP ? "edited" : NULL, actor, &norm, d);
    if (rc == IO_OK && json_out) {
        json_t *e = find_by_id(json_object_get(norm, COLLECTIONS[kind]), c.id, NULL);
        *json_out = dump(e);
        if (!*json_out)
            rc = IO_ENOMEM;
    }
    json_decref(norm);
    json_decref(b);
    return rc;
}

static int delete_fn(io_store *s, json_t *doc, void *vctx, model_diag *d)
{
    (void)s;
    entity_ctx *c = vctx;
    json_t *arr = json_object_get(doc, COLLECTIONS[c->kind]);
    size_t idx = 0;
    if (!find_by_id(arr, c->id, &idx)) {
        model_diag_error(d, "", "no %s '%s'", COLLECTIONS[c->kind], c->id);
        return IO_STORE_ENOTFOUND;
    }
    return json_array_remove(arr, idx) == 0 ? IO_OK : IO_ENOMEM;
}

int io_store_entity_delete(io_store *s, const char *program, io_entity_kind kind, const char *eid,
                           long actor, model_diag *d)
{
    if ((int)kind < 0 || kind >= IO_ENTITY_COUNT)
        return IO_EINVAL;
    entity_ctx c = {kind, eid, NULL, eid};
    return mutate(s, program, delete_fn, &c, "entity.delete",
                  kind == IO_ENTITY_GROUP ? "edited" : NULL, actor, NULL, d);
}

/* ---------------------------------------------------------- events */

typedef struct {
    const json_t *old; /* the stored document (shared elements) */
    json_t *events;   /* array of event objects */
    const char *base; /* path prefix: "", "events" */
    int wrapped;      /* body was an array or {"events":[]} */
    json_t *recorded; /* array of {"event","group","patient","status","date"} */
} events_ctx;

static void ev_path(char *buf, size_t n, const events_ctx *c, size_t i, const char *field)
{
    if (!c->wrapped)
        snprintf(buf, n, "%s", field);
    else
        snprintf(buf, n, "%s[%zu]%s%s", c->base, i, field[0] ? "." : "", field);
}

static json_t *find_member(json_t *group, const char *patient)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(group, "members"), i, m)
    {
        const char *p = json_string_value(json_object_get(m, "patient"));
        if (p && strcmp(p, patient) == 0)
            return m;
    }
    return NULL;
}

static int occupies(const json_t *m)
{
    int st = model_status_parse(json_string_value(json_object_get(m, "status")));
    return st >= 0 && model_status_occupies((model_member_status)st);
}

static int events_fn(io_store *s, json_t *doc, void *vctx, model_diag *d)
{
    (void)s;
    events_ctx *c = vctx;
    size_t i;
    json_t *ev;
    int errors = 0;
    char path[128], tbuf[11];
    today(tbuf);
    json_array_foreach(c->events, i, ev)
    {
        if (!json_is_object(ev)) {
            ev_path(path, sizeof path, c, i, "");
            model_diag_error(d, path, "an event must be a JSON object");
            errors++;
            continue;
        }
        const char *kind = json_string_value(json_object_get(ev, "event"));
        const char *date = tbuf;
        json_t *dv = json_object_get(ev, "date");
        int dd;
        if (dv) {
            if (!json_is_string(dv) || model_date_parse(json_string_value(dv), &dd) != MODEL_OK) {
                ev_path(path, sizeof path, c, i, "date");
                model_diag_error(d, path, "not an ISO date (YYYY-MM-DD)");
                errors++;
                continue;
            }
            date = json_string_value(dv);
        }
        static const char *const KINDS[] = {"dropped",    "graduated", "hold_clinical",
                                            "hold_admin", "returned",  "placed",
                                            "referral"};
        int k = -1;
        for (int x = 0; x < 7; x++)
            if (kind && strcmp(kind, KINDS[x]) == 0)
                k = x;
        if (k < 0) {
            ev_path(path, sizeof path, c, i, "event");
            model_diag_error(d, path,
                             "unknown event '%s' (dropped, graduated, hold_clinical, hold_admin,"
                             " returned, placed, referral)",
                             kind ? kind : "(missing)");
            errors++;
            continue;
        }
        if (k == 6) { /* referral: a new patient on the waitlist */
            json_t *p = json_object_get(ev, "patient");
            const char *pid = json_string_value(json_object_get(p, "id"));
            ev_path(path, sizeof path, c, i, "patient");
            if (!json_is_object(p) || !pid || !pid[0]) {
                model_diag_error(d, path, "a referral needs a patient object with an id");
                errors++;
                continue;
            }
            json_t *pats = json_object_get(doc, "patients");
            if (!json_is_array(pats)) {
                pats = json_array();
                json_object_set_new(doc, "patients", pats);
            }
            if (find_by_id(pats, pid, NULL)) {
                model_diag_error(d, path, "patient '%s' already exists", pid);
                errors++;
                continue;
            }
            json_t *np = json_deep_copy(p);
            if (!json_object_get(np, "added"))
                json_object_set_new(np, "added", json_string(date));
            json_array_append_new(pats, np);
            json_array_append_new(c->recorded,
                                  json_pack("{s:s,s:n,s:s,s:n,s:s}", "event", kind, "group",
                                            "patient", pid, "status", "date", date));
            continue;
        }
        const char *gid = json_string_value(json_object_get(ev, "group"));
        const char *pid = json_string_value(json_object_get(ev, "patient"));
        size_t gidx = 0;
        json_t *g = gid ? find_by_id(json_object_get(doc, "groups"), gid, &gidx) : NULL;
        if (!g) {
            ev_path(path, sizeof path, c, i, "group");
            model_diag_error(d, path, gid ? "no group '%s'" : "missing: the group id%s",
                             gid ? gid : "");
            errors++;
            continue;
        }
        if (!pid) {
            ev_path(path, sizeof path, c, i, "patient");
            model_diag_error(d, path, "missing: the patient id");
            errors++;
            continue;
        }
        json_t *m = find_member(g, pid);
        const char *status = NULL;
        /* this group is edited below (when the event is valid): own it */
        json_t *owned = own_element(json_object_get(doc, "groups"), gidx,
                                    json_object_get(c->old, "groups"));
        if (!owned)
            return IO_ENOMEM;
        if (owned != g) {
            g = owned;
            m = find_member(g, pid);
        }
        ev_path(path, sizeof path, c, i, "patient");
        if (k <= 3) { /* dropped graduated hold_clinical hold_admin */
            if (!m || !occupies(m)) {
                model_diag_error(d, path, "patient '%s' is not an active or held member of '%s'",
                                 pid, gid);
                errors++;
                continue;
            }
            status = kind;
        } else if (k == 4) { /* returned */
            const char *cur = m ? json_string_value(json_object_get(m, "status")) : NULL;
            if (!cur || strncmp(cur, "hold_", 5) != 0) {
                model_diag_error(d, path, "patient '%s' is not on hold in '%s'", pid, gid);
                errors++;
                continue;
            }
            status = "active";
        } else { /* placed */
            if (!find_by_id(json_object_get(doc, "patients"), pid, NULL)) {
                model_diag_error(d, path, "no patient '%s'", pid);
                errors++;
                continue;
            }
            size_t gi;
            json_t *og;
            int busy = 0;
            json_array_foreach(json_object_get(doc, "groups"), gi, og)
            {
                json_t *om = find_member(og, pid);
                if (om && occupies(om))
                    busy = 1;
            }
            if (busy) {
                model_diag_error(d, path, "patient '%s' already has a seat in a group", pid);
                errors++;
                continue;
            }
            status = "active";
            if (!m) {
                json_t *members = json_object_get(g, "members");
                if (!json_is_array(members)) {
                    members = json_array();
                    json_object_set_new(g, "members", members);
                }
                m = json_object();
                json_object_set_new(m, "patient", json_string(pid));
                json_array_append_new(members, m);
            }
        }
        json_object_set_new(m, "status", json_string(status));
        json_object_set_new(m, "since", json_string(date));
        json_array_append_new(c->recorded,
                              json_pack("{s:s,s:s,s:s,s:s,s:s}", "event", kind, "group", gid,
                                        "patient", pid, "status", status, "date", date));
    }
    return errors ? IO_EINVAL : IO_OK;
}

/* True when every recorded event only changes a roster (no referral). */
static int roster_only(const json_t *recorded)
{
    size_t i;
    json_t *r;
    json_array_foreach(recorded, i, r)
    {
        const char *ev = json_string_value(json_object_get(r, "event"));
        if (!ev || strcmp(ev, "referral") == 0)
            return 0;
    }
    return 1;
}

/* Apply recorded roster events to the parsed program of old (the cached
 * instance of old_rev, or old parsed now) and validate the result: *out is
 * the program after the events.  IO_EINVAL with the validator's paths. */
static int roster_fast_path(io_store *s, const char *pid, const json_t *old, long long old_rev,
                            const json_t *recorded, model_instance **out, model_diag *d)
{
    model_instance *inst = NULL;
    json_decref(cache_get(s, pid, old_rev, &inst));
    if (!inst) {
        char *text = dump(old);
        model_diag local;
        model_diag_init(&local);
        int rc = text ? io_instance_parse(text, strlen(text), &inst, &local) : IO_ENOMEM;
        free(text);
        model_diag_free(&local);
        if (rc != IO_OK)
            return rc == IO_ENOMEM ? IO_ENOMEM : IO_STORE_EDB; /* stored programs are valid */
    }
    size_t i;
    json_t *r;
    int rc = IO_OK;
    json_array_foreach(recorded, i, r)
    {
        const char *gid = json_string_value(json_object_get(r, "group"));
        const char *p = json_string_value(json_object_get(r, "patient"));
        int st = model_status_parse(json_string_value(json_object_get(r, "status")));
        int date = -1;
        int gi = model_find_group(inst, gid);
        if (gi < 0 || !p || st < 0 ||
            model_date_parse(json_string_value(json_object_get(r, "date")), &date) != MODEL_OK) {
            rc = IO_STORE_EDB; /* events_fn checked all of this */
            break;
        }
        model_group *g = &inst->groups[gi];
        model_member *m = NULL;
        for (int k = 0; k < g->n_members && !m; k++)
            if (strcmp(g->members[k].patient, p) == 0)
                m = &g->members[k];
        if (!m) { /* placed */
            model_member *nm = realloc(g->members, (size_t)(g->n_members + 1) * sizeof *nm);
            char *pc = model_strdup(p);
            if (!nm || !pc) {
                if (nm)
                    g->members = nm;
                free(pc);
                rc = IO_ENOMEM;
                break;
            }
            g->members = nm;
            m = &g->members[g->n_members++];
            m->patient = pc;
            m->patient_idx = model_find_patient(inst, p);
        }
        m->status = (model_member_status)st;
        m->since = date;
    }
    if (rc == IO_OK) {
        model_diag local;
        model_diag_init(&local);
        int v = model_instance_validate(inst, &local);
        if (v != MODEL_OK) {
            diag_copy_errors(d, &local);
            rc = v == MODEL_ENOMEM ? IO_ENOMEM : IO_EINVAL;
        }
        model_diag_free(&local);
    }
    if (rc != IO_OK) {
        model_instance_destroy(inst);
        return rc;
    }
    *out = inst;
    return IO_OK;
}

int io_store_events_record(io_store *s, const char *program, const char *body, size_t len,
                           long actor, char **recorded, model_diag *d)
{
    sqlite3 *db = s->db;
    json_error_t je;
    json_t *b = json_loadb(body, len, 0, &je);
    if (!b) {
        model_diag_error(d, "", "JSON syntax error at line %d column %d: %s", je.line, je.column,
                         je.text);
        return IO_EINVAL;
    }
    events_ctx c = {NULL, NULL, "", 0, json_array()};
    if (json_is_array(b)) {
        c.events = json_incref(b);
        c.wrapped = 1;
    } else if (json_is_object(b) && json_object_get(b, "events")) {
        c.events = json_incref(json_object_get(b, "events"));
        c.base = "events";
        c.wrapped = 1;
        if (!json_is_array(c.events)) {
            model_diag_error(d, "events", "must be an array of events");
            json_decref(c.events);
            json_decref(c.recorded);
            json_decref(b);
            return IO_EINVAL;
        }
    } else if (json_is_object(b)) {
        c.events = json_pack("[O]", b);
    } else {
        model_diag_error(d, "", "expected an event object, an array or {\"events\": [...]}");
        json_decref(c.recorded);
        json_decref(b);
        return IO_EINVAL;
    }
    if (json_array_size(c.events) == 0) {
        model_diag_error(d, c.base, "no events");
        json_decref(c.events);
        json_decref(c.recorded);
        json_decref(b);
        return IO_EINVAL;
    }
    /* mutate() runs events_fn, validation and sync; the history rows and
     * their ids come from a second pass inside the same transaction, so it
     * is done here by hand rather than through mutate(). */
    json_t *old = NULL, *work = NULL, *norm = NULL;
    model_instance *inst = NULL;
    long long rev = 0, old_rev = 0;
    lock(s);
    int rc = begin(s);
    if (rc != IO_OK)
        db_error(s, d);
    if (rc == IO_OK) {
        rc = load_doc(s, db, program, &old, &old_rev);
        if (rc == IO_STORE_ENOTFOUND)
            model_diag_error(d, "", "no program '%s'", program);
    }
    if (rc == IO_OK) {
        c.old = old;
        work = work_copy(old);
        rc = work ? events_fn(s, work, &c, d) : IO_ENOMEM;
    }
    if (rc == IO_OK && roster_only(c.recorded)) {
        /* Roster changes only: edit the parsed program and validate it (the
         * JSON edits are already in normal form), instead of re-reading the
         * whole program from text. */
        rc = roster_fast_path(s, program, old, old_rev, c.recorded, &inst, d);
        if (rc == IO_OK)
            norm = json_incref(work);
    } else if (rc == IO_OK) {
        rc = normalise(work, &norm, &inst, d);
    }
    if (rc == IO_OK)
        rc = sync_doc(s, program, old, norm, "events.record", actor, &rev);
    size_t i;
    json_t *r;
    json_array_foreach(c.recorded, i, r)
    {
        if (rc != IO_OK)
            break;
        rc = run(db,
                 "INSERT INTO member_event(program_id, group_id, patient_id, event, status, date,"
                 " token_id) VALUES (?,?,?,?,?,?,?)",
                 "ssssssa", program, json_string_value(json_object_get(r, "group")),
                 json_string_value(json_object_get(r, "patient")),
                 json_string_value(json_object_get(r, "event")),
                 json_string_value(json_object_get(r, "status")),
                 json_string_value(json_object_get(r, "date")), actor);
        if (rc == IO_OK)
            json_object_set_new(r, "id", json_integer(sqlite3_last_insert_rowid(s->db)));
    }
    if (rc == IO_OK && commit(s) != IO_OK)
        rc = IO_STORE_EDB;
    if (rc == IO_OK)
        cache_put(s, program, rev, norm, inst), inst = NULL;
    if (rc == IO_STORE_EDB)
        db_error(s, d);
    if (rc != IO_OK)
        rollback(s);
    unlock(s);
    json_decref(old);
    json_decref(work);
    json_decref(norm);
    model_instance_destroy(inst);
    json_decref(c.events);
    json_decref(b);
    if (rc == IO_OK && recorded)
        return give(c.recorded, recorded);
    json_decref(c.recorded);
    return rc;
}

int io_store_history(io_store *s, const char *program, const char *patient, const char *group,
                     char **json)
{
    sqlite3_stmt *st = NULL;
    json_t *arr = json_array();
    if (!arr)
        return IO_ENOMEM;
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = program_exists(db, program) ? IO_OK : IO_STORE_ENOTFOUND;
    if (rc == IO_OK)
        rc = prep(db, &st,
                  "SELECT id, event, group_id, patient_id, status, date, token_id, at"
                  " FROM member_event WHERE program_id = ?1 AND (?2 IS NULL OR patient_id = ?2)"
                  " AND (?3 IS NULL OR group_id = ?3) ORDER BY id",
                  "sss", program, patient, group);
    int step = SQLITE_DONE;
    while (rc == IO_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *actor = sqlite3_column_type(st, 6) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int64(st, 6));
        json_array_append_new(arr, json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
                                             (json_int_t)sqlite3_column_int64(st, 0), "event",
                                             col_str(st, 1), "group", col_str(st, 2), "patient",
                                             col_str(st, 3), "status", col_str(st, 4), "date",
                                             col_str(st, 5), "actor", actor, "at", col_str(st, 7)));
    }
    if (rc == IO_OK && step != SQLITE_DONE)
        rc = IO_STORE_EDB;
    sqlite3_finalize(st);
    rd_release(s, rd);
    if (rc != IO_OK) {
        json_decref(arr);
        return rc;
    }
    return give(arr, json);
}

/* -------------------------------------------------------- schedules */

int io_store_schedule_save(io_store *s, const char *program, const char *solution_json,
                           long actor, int *version)
{
    sqlite3 *db = s->db;
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
    if (rc == IO_OK) {
        sqlite3_stmt *st = NULL;
        rc = prep(db, &st, "SELECT coalesce(max(version), 0) + 1 FROM schedule WHERE program_id = ?",
                  "s", program);
        if (rc == IO_OK && sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        else
            rc = IO_STORE_EDB;
        sqlite3_finalize(st);
    }
    if (rc == IO_OK) {
        if (json_is_number(obj))
            rc = run(db,
                     "INSERT INTO schedule(program_id, version, json, status, objective, token_id)"
                     " VALUES (?,?,?,?,?,?)",
                     "sissda", program, v, solution_json, status, json_number_value(obj), actor);
        else
            rc = run(db,
                     "INSERT INTO schedule(program_id, version, json, status, token_id)"
                     " VALUES (?,?,?,?,?)",
                     "sissa", program, v, solution_json, status, actor);
    }
    if (rc == IO_OK) {
        char ent[32];
        snprintf(ent, sizeof ent, "schedules/%d", v);
        json_t *after = json_pack("{s:i,s:s?,s:O?}", "version", v, "status", status, "objective",
                                  obj);
        rc = audit(s, actor, "schedule.save", ent, program, NULL, after);
        json_decref(after);
    }
    if (rc == IO_OK && commit(s) != IO_OK)
        rc = IO_STORE_EDB;
    if (rc != IO_OK)
        rollback(s);
    unlock(s);
    json_decref(sol);
    if (rc == IO_OK && version)
        *version = v;
    return rc;
}

int io_store_schedule_list(io_store *s, const char *program, char **json)
{
    sqlite3_stmt *st = NULL;
    json_t *arr = json_array();
    if (!arr)
        return IO_ENOMEM;
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = program_exists(db, program) ? IO_OK : IO_STORE_ENOTFOUND;
    if (rc == IO_OK)
        rc = prep(db, &st,
                  "SELECT version, status, objective, created_at, published, token_id"
                  " FROM schedule WHERE program_id = ? ORDER BY version",
                  "s", program);
    int step = SQLITE_DONE;
    while (rc == IO_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *obj = sqlite3_column_type(st, 2) == SQLITE_NULL
                          ? json_null()
                          : json_real(sqlite3_column_double(st, 2));
        json_t *actor = sqlite3_column_type(st, 5) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int64(st, 5));
        json_array_append_new(arr, json_pack("{s:i,s:o,s:o,s:o,s:b,s:o}", "version",
                                             sqlite3_column_int(st, 0), "status", col_str(st, 1),
                                             "objective", obj, "created", col_str(st, 3),
                                             "published", sqlite3_column_int(st, 4), "actor",
                                             actor));
    }
    if (rc == IO_OK && step != SQLITE_DONE)
        rc = IO_STORE_EDB;
    sqlite3_finalize(st);
    rd_release(s, rd);
    if (rc != IO_OK) {
        json_decref(arr);
        return rc;
    }
    return give(arr, json);
}

int io_store_schedule_get(io_store *s, const char *program, int version, char **json,
                          int *version_out)
{
    sqlite3_stmt *st = NULL;
    const char *sql =
        version > 0
            ? "SELECT json, version FROM schedule WHERE program_id = ?1 AND version = ?2"
        : version == 0
            ? "SELECT json, version FROM schedule WHERE program_id = ?1 AND published = 1"
            : "SELECT json, version FROM schedule WHERE program_id = ?1"
              " ORDER BY published DESC, version DESC LIMIT 1";
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = prep(db, &st, sql, version > 0 ? "si" : "s", program, version);
    if (rc == IO_OK) {
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            *json = strdup((const char *)sqlite3_column_text(st, 0));
            if (version_out)
                *version_out = sqlite3_column_int(st, 1);
            rc = *json ? IO_OK : IO_ENOMEM;
        } else {
            rc = step == SQLITE_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
        }
    }
    sqlite3_finalize(st);
    rd_release(s, rd);
    return rc;
}

int io_store_schedule_current(io_store *s, const char *program, int *version, char stamp[40])
{
    sqlite3_stmt *st = NULL;
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = prep(db, &st,
                  "SELECT version, created_at FROM schedule WHERE program_id = ?1"
                  " ORDER BY published DESC, version DESC LIMIT 1",
                  "s", program);
    if (rc == IO_OK) {
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            *version = sqlite3_column_int(st, 0);
            const char *t = (const char *)sqlite3_column_text(st, 1);
            snprintf(stamp, 40, "%s", t ? t : "");
        } else {
            rc = step == SQLITE_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
        }
    }
    sqlite3_finalize(st);
    rd_release(s, rd);
    return rc;
}

int io_store_schedule_publish(io_store *s, const char *program, int version, long actor)
{
    sqlite3 *db = s->db;
    lock(s);
    int rc = begin(s);
    int prev = 0;
    if (rc == IO_OK) {
        sqlite3_stmt *st = NULL;
        rc = prep(db, &st,
                  "SELECT coalesce((SELECT version FROM schedule WHERE program_id = ?1"
                  " AND published = 1), 0), EXISTS (SELECT 1 FROM schedule WHERE"
                  " program_id = ?1 AND version = ?2)",
                  "si", program, version);
        if (rc == IO_OK && sqlite3_step(st) == SQLITE_ROW) {
            prev = sqlite3_column_int(st, 0);
            if (!sqlite3_column_int(st, 1))
                rc = IO_STORE_ENOTFOUND;
        } else if (rc == IO_OK) {
            rc = IO_STORE_EDB;
        }
        sqlite3_finalize(st);
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
    if (rc == IO_OK && commit(s) != IO_OK)
        rc = IO_STORE_EDB;
    if (rc != IO_OK)
        rollback(s);
    unlock(s);
    return rc;
}

/* ----------------------------------------------------------- tokens */

int io_store_token_create(io_store *s, int role, const char *name, long actor, char **secret,
                          long *id_out)
{
    sqlite3 *db = s->db;
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
        id = (long)sqlite3_last_insert_rowid(s->db);
        char ent[32];
        snprintf(ent, sizeof ent, "tokens/%ld", id);
        json_t *a = json_pack("{s:I,s:s?,s:s}", "id", (json_int_t)id, "name", name, "role",
                              io_role_name(role));
        rc = audit(s, actor, "token.create", ent, NULL, NULL, a);
        json_decref(a);
    }
    if (rc == IO_OK && commit(s) != IO_OK)
        rc = IO_STORE_EDB;
    if (rc != IO_OK)
        rollback(s);
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
    sqlite3_stmt *st = NULL;
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = prep(db, &st, "SELECT id, role FROM token WHERE hash = ? AND revoked_at IS NULL", "s",
                  hash);
    if (rc == IO_OK) {
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            if (id_out)
                *id_out = (long)sqlite3_column_int64(st, 0);
            if (role_out)
                *role_out = io_role_parse((const char *)sqlite3_column_text(st, 1));
        } else {
            rc = step == SQLITE_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
        }
    }
    sqlite3_finalize(st);
    rd_release(s, rd);
    return rc;
}

int io_store_token_list(io_store *s, char **json)
{
    sqlite3_stmt *st = NULL;
    json_t *arr = json_array();
    if (!arr)
        return IO_ENOMEM;
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = prep(db, &st, "SELECT id, name, role, created_at, revoked_at FROM token ORDER BY id",
                  NULL);
    int step = SQLITE_DONE;
    while (rc == IO_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:I,s:o,s:o,s:o,s:o}", "id",
                                             (json_int_t)sqlite3_column_int64(st, 0), "name",
                                             col_str(st, 1), "role", col_str(st, 2), "created",
                                             col_str(st, 3), "revoked", col_str(st, 4)));
    if (rc == IO_OK && step != SQLITE_DONE)
        rc = IO_STORE_EDB;
    sqlite3_finalize(st);
    rd_release(s, rd);
    if (rc != IO_OK) {
        json_decref(arr);
        return rc;
    }
    return give(arr, json);
}

int io_store_token_revoke(io_store *s, long id, long actor)
{
    sqlite3 *db = s->db;
    lock(s);
    int rc = begin(s);
    if (rc == IO_OK)
        rc = run(db,
                 "UPDATE token SET revoked_at = " NOW_SQL " WHERE id = ? AND revoked_at IS NULL",
                 "l", (long long)id);
    if (rc == IO_OK && sqlite3_changes(s->db) == 0)
        rc = IO_STORE_ENOTFOUND;
    if (rc == IO_OK) {
        char ent[32];
        snprintf(ent, sizeof ent, "tokens/%ld", id);
        rc = audit_text(s, actor, "token.revoke", ent, NULL, "{\"revoked\":false}",
                        "{\"revoked\":true}");
    }
    if (rc == IO_OK && commit(s) != IO_OK)
        rc = IO_STORE_EDB;
    if (rc != IO_OK)
        rollback(s);
    unlock(s);
    return rc;
}

/* ------------------------------------------------------------ audit */

int io_store_audit_list(io_store *s, const char *program, int limit, char **json)
{
    sqlite3_stmt *st = NULL;
    json_t *arr = json_array();
    if (!arr)
        return IO_ENOMEM;
    if (limit <= 0)
        limit = 100;
    rconn *rd = NULL;
    sqlite3 *db = rd_acquire(s, &rd);
    int rc = prep(db, &st,
                  "SELECT id, at, token_id, action, entity, program_id, before_json, after_json"
                  " FROM audit WHERE (?1 IS NULL OR program_id = ?1) ORDER BY id DESC LIMIT ?2",
                  "si", program, limit);
    int step = SQLITE_DONE;
    while (rc == IO_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *actor = sqlite3_column_type(st, 2) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int64(st, 2));
        json_array_append_new(arr, json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
                                             (json_int_t)sqlite3_column_int64(st, 0), "at",
                                             col_str(st, 1), "actor", actor, "action",
                                             col_str(st, 3), "entity", col_str(st, 4), "program",
                                             col_str(st, 5), "before", col_json(st, 6), "after",
                                             col_json(st, 7)));
    }
    if (rc == IO_OK && step != SQLITE_DONE)
        rc = IO_STORE_EDB;
    sqlite3_finalize(st);
    rd_release(s, rd);
    if (rc != IO_OK) {
        json_decref(arr);
        return rc;
    }
    return give(arr, json);
}
