/*
 * store_private.h - what the pieces of the store (io/store/) share:
 * the store's state, the document cache, and the statement, transaction and
 * document helpers.
 */
#ifndef COHORT_STORE_PRIVATE_H
#define COHORT_STORE_PRIVATE_H

#include <jansson.h>
#include <pthread.h>
#include "driver.h"

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
    db_conn *db;
    pthread_mutex_t mu;
} rconn;

struct io_store {
    db_conn *db;        /* the writer */
    pthread_mutex_t mu; /* held for every write transaction */
    rconn readers[READERS];
    int n_readers;
    unsigned next_reader;
    pthread_mutex_t cache_mu;
    doc_slot cache[DOC_CACHE];
    unsigned long tick;
};

/* SQL table and JSON collection of each entity kind (store.c). */
extern const char *const TABLES[IO_ENTITY_COUNT];
extern const char *const COLLECTIONS[IO_ENTITY_COUNT];

/* Apply a change to a program under the lock, in one transaction: load the
 * stored document, let fn change a copy, validate, write, audit. */
typedef int (*mutate_fn)(io_store *s, json_t *doc, void *ctx, model_diag *d);

/* store.c: locking, statements, JSON columns, audit */
void lock(io_store *s);
void unlock(io_store *s);
db_conn *rd_acquire(io_store *s, rconn **held);
void rd_release(io_store *s, rconn *held);
int db_error(io_store *s, model_diag *d);
int begin(io_store *s);
int txn_end(io_store *s, int rc, model_diag *d);
int prep(db_conn *db, db_stmt **st, const char *sql, const char *fmt, ...);
int run(db_conn *db, const char *sql, const char *fmt, ...);
char *dump(const json_t *j);
int give(json_t *j, char **json);
json_t *col_json(db_stmt *st, int i);
json_t *col_str(db_stmt *st, int i);
/* Column i as a JSON integer, or null when the column is NULL. */
json_t *col_int(db_stmt *st, int i);
void today(char buf[11]);
/* End a row read: finalize st, release rd; on IO_OK (and every row read)
 * arr goes to *out (rows_tree) or as text to *json (rows_done), else it is
 * freed and the error returned. */
int rows_tree(io_store *s, rconn *rd, db_stmt *st, int rc, int step, json_t *arr,
              json_t **out);
int rows_done(io_store *s, rconn *rd, db_stmt *st, int rc, int step, json_t *arr,
              char **json);
int audit(io_store *s, long actor, const char *action, const char *entity, const char *program,
          const json_t *before, const json_t *after);
int audit_text(io_store *s, long actor, const char *action, const char *entity, const char *program,
               const char *before, const char *after);
void diag_copy_errors(model_diag *dst, const model_diag *src);

/* store_doc.c: program documents */
int program_exists(db_conn *db, const char *id);
void cache_put(io_store *s, const char *pid, long long rev, json_t *doc, model_instance *inst);
void cache_drop(io_store *s, const char *pid);
json_t *cache_get(io_store *s, const char *pid, long long rev, model_instance **inst);
int load_doc(io_store *s, db_conn *db, const char *pid, json_t **out, long long *rev_out);
json_t *find_by_id(json_t *arr, const char *id, size_t *idx);
json_t *work_copy(const json_t *old);
json_t *own_element(json_t *arr, size_t idx, const json_t *old_arr);
int normalise(const json_t *raw, json_t **norm, model_instance **inst_out, model_diag *d);
int member_diff(io_store *s, const char *pid, const json_t *old_doc, const json_t *new_doc,
                const char *label, long actor);
/* A status that never leaves the store: the program's row was written by
 * someone else (another node) since this transaction loaded it, so the
 * change was not made and is tried again on the new revision. */
#define STORE_ESTALE 99
/* How often a change is tried again after STORE_ESTALE. */
#define STALE_TRIES 8
/* Write doc as program pid's new revision (with its rows, audit and member
 * history against old) on condition that the stored revision is still
 * *rev, the one loaded: STORE_ESTALE when another writer changed it.  On
 * IO_OK *rev is the new revision. */
int sync_doc(io_store *s, const char *pid, const json_t *old, const json_t *doc, const char *action,
             long actor, long long *rev);
/* In a write transaction, lock program pid's row until it ends (where the
 * engine locks rows; SQLite's write transaction holds everything already),
 * so that a change tried again after STORE_ESTALE cannot lose again. */
int program_lock(io_store *s, const char *pid);
/* The final status of a change tried again and again (the retry loops of
 * mutate, program replace and events record): STORE_ESTALE becomes
 * IO_STORE_ECONFLICT with a message in d. */
int stale_final(int rc, model_diag *d);
int mutate(io_store *s, const char *program, mutate_fn fn, void *ctx, const char *action,
           const char *member_label, long actor, json_t **norm_out, model_diag *d,
           io_store_rev *rv);
/* IO_STORE_EPRECOND (with a message in d) when rv asks for a revision
 * other than rev, else IO_OK. */
int rev_check(const io_store_rev *rv, long long rev, model_diag *d);

/* store_programs.c: the parsed program of doc (revision rev of program
 * id, as load_doc read it; the reference is taken over), from the cache
 * or parsed now and cached.  *out is the caller's. */
int doc_instance(io_store *s, const char *id, json_t *doc, long long rev, model_instance **out,
                 model_diag *d);

/* store_schedules.c: the schedule a version selector names (a number,
 * IO_SCHEDULE_PUBLISHED, IO_SCHEDULE_NEWEST, else published-or-newest)
 * read on db (for example the writer inside a transaction): its JSON
 * (json may be NULL: not read) and number.  IO_STORE_ENOTFOUND. */
int schedule_read_db(db_conn *db, const char *program, int version, char **json,
                     int *version_out);

/* store_events.c: record one roster event object (the events body's
 * rules) inside the caller's write transaction (lock held, begin() done),
 * with its history row; *recorded receives the recorded events.  The new
 * revision is written but not cached.  IO_EINVAL with paths in d. */
int events_record_in_txn(io_store *s, const char *program, const json_t *event, long actor,
                         json_t **recorded, model_diag *d);

/* store_jobs.c: the job queue's helpers */
/* A fresh job id: "j" and 16 hex digits.  IO_EIO without randomness. */
int new_id(char id[IO_JOB_ID_LEN]);
/* One integer from sql with at most one text argument; -1 on error. */
long long scalar(db_conn *db, const char *sql, const char *arg);

/* store_parts.c: fan-out parts and idempotent saves */
/* A queued job that may be claimed now (SQL condition on table job): not a
 * parent with unfinished parts, and not a part whose after_part has not
 * finished yet. */
#define JOB_READY_SQL                                                                           \
    "state = 0 AND NOT EXISTS (SELECT 1 FROM job c WHERE c.parent_id = job.id AND"              \
    " c.state <= 1) AND (after_part IS NULL OR EXISTS (SELECT 1 FROM job b WHERE"               \
    " b.parent_id = job.parent_id AND b.part = job.after_part AND b.state >= 2))"
/* The queued requests (parts do not count against the queue bound). */
#define QUEUED_REQUESTS_SQL "SELECT count(*) FROM job WHERE state = 0 AND parent_id IS NULL"
/* Cancel the open parts of job id (inside the caller's transaction). */
int parts_cancel(io_store *s, const char *id);
/* Add "parts" {"total","queued","running","done","failed","cancelled"} to
 * the status o of job id when it has parts, and show a queued parent whose
 * parts started as running. */
void parts_status(db_conn *db, const char *id, json_t *o);
/* The version of program's schedule saved by job; 0 none, -1 error. */
int schedule_of_job(db_conn *db, const char *program, const char *job);

#endif
