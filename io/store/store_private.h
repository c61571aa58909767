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
void today(char buf[11]);
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
int sync_doc(io_store *s, const char *pid, const json_t *old, const json_t *doc, const char *action,
             long actor, long long *rev);
/* In a write transaction, lock program pid's row until it ends (where the
 * engine locks rows; SQLite's write transaction holds everything already),
 * so that a change tried again after STORE_ESTALE cannot lose again. */
int program_lock(io_store *s, const char *pid);
/* The final status of a change tried again and again (stale_retry's
 * loop): STORE_ESTALE becomes IO_STORE_ECONFLICT with a message in d. */
int stale_final(int rc, model_diag *d);
int mutate(io_store *s, const char *program, mutate_fn fn, void *ctx, const char *action,
           const char *member_label, long actor, json_t **norm_out, model_diag *d,
           io_store_rev *rv);
/* IO_STORE_EPRECOND (with a message in d) when rv asks for a revision
 * other than rev, else IO_OK. */
int rev_check(const io_store_rev *rv, long long rev, model_diag *d);


#endif
