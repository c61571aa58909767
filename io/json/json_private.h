/*
 * json_private.h - what the files of io/json share and nothing else uses:
 * the reader context (rd_*: current JSON path, issues at that path, typed
 * converters and field accessors) and the writer context (wr_*: tree
 * building that records a failed allocation, and the text form).
 *
 * Reader convention: every rd_* function reports what it rejects into
 * r->d at the current path (or at path.key for field accessors) and sets
 * r->nomem when an allocation fails; a rejected value leaves *out as it was.
 * Writer convention: every wr_* builder may return NULL on ENOMEM; wr_put
 * and wr_add then set w->bad, and wr_finish answers IO_ENOMEM.
 */
#ifndef COHORT_IO_JSON_PRIVATE_H
#define COHORT_IO_JSON_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "io_private.h"

/* Limits on list lengths in an instance (docs/FORMAT.md "Limits"): far
 * above any real program, low enough that no check goes quadratic on a
 * hostile file. */
#define LIMIT_LIST 1000     /* strings in a list, windows, time off */
#define LIMIT_CLOSED 10000  /* closed dates */
#define LIMIT_MEMBERS 10000 /* members of one roster */
#define LIMIT_SOL_LIST 1000000

/* ------------------------------------------------------------ reading */

/* Reader context: the diagnostics issues go to, and the current JSON path
 * Zero-initialise with .d set. */
typedef struct rd {
    model_diag *d;
    int nomem;
    io_buf path; /* owned: io_buf_free(&r.path) when done */
} rd;

/* Push ".key" (or "key" at the root) / "[i]" onto the path; each returns
 * the length to give rd_path_pop to restore the path. */
size_t rd_path_key(rd *r, const char *key);
size_t rd_path_idx(rd *r, size_t i);
void rd_path_pop(rd *r, size_t saved);

/* An error at the current path. */
__attribute__((format(printf, 2, 3))) void rd_err(rd *r, const char *fmt, ...);

/* Short description of v for messages (`string "9am"`, `number 3`) into
 * buf of size n (always terminated). */
void rd_describe(const json_t *v, char *buf, size_t n);

/* Warns about keys of obj not in allowed (NULL-terminated). */
void rd_check_keys(rd *r, json_t *obj, const char *const *allowed);

/* Value converters: convert v into *out, or report a typed error at the
 * current path and return false (leaving *out unchanged). */
bool rd_conv_double(rd *r, json_t *v, double *out);
bool rd_conv_time(rd *r, json_t *v, int allow_24, int *out);
bool rd_conv_date(rd *r, json_t *v, int *out);
bool rd_conv_day(rd *r, json_t *v, int *out);
bool rd_conv_strlist(rd *r, json_t *v, model_strlist *out);

/* Reports an over-long array a (more than max items) at the current path. */
bool rd_too_many(rd *r, json_t *a, size_t max);

/* Member key of obj, or NULL when absent or null (an error when req). */
json_t *rd_get(rd *r, json_t *obj, const char *key, bool req);

/* Field accessors: obj.key converted into *out; false when absent (an
 * error when req) or rejected (reported at path.key). */
bool rd_str(rd *r, json_t *o, const char *key, bool req, char **out);
bool rd_int(rd *r, json_t *o, const char *key, bool req, int *out);
bool rd_nonneg(rd *r, json_t *o, const char *key, bool req, int *out);
bool rd_long(rd *r, json_t *o, const char *key, bool req, long *out);
bool rd_double(rd *r, json_t *o, const char *key, bool req, double *out);
bool rd_bool(rd *r, json_t *o, const char *key, bool req, bool *out);
bool rd_time(rd *r, json_t *o, const char *key, bool req, int *out);
bool rd_time_end(rd *r, json_t *o, const char *key, bool req, int *out);
bool rd_date(rd *r, json_t *o, const char *key, bool req, int *out);
bool rd_day(rd *r, json_t *o, const char *key, bool req, int *out);
bool rd_strlist(rd *r, json_t *o, const char *key, bool req, model_strlist *out);
bool rd_strlist_sol(rd *r, json_t *o, const char *key, bool req, model_strlist *out);
bool rd_enum(rd *r, json_t *o, const char *key, bool req, int (*parse)(const char *),
             const char *choices, int *out);

/* Member that must be an object / an array; NULL when absent or wrong
 * (reported).  rd_array sets *bad when present but not an array. */
json_t *rd_object(rd *r, json_t *o, const char *key, bool req);
json_t *rd_array(rd *r, json_t *o, const char *key, bool req, bool *bad);

/* n zeroed elements of size sz (NULL for n == 0; r->nomem on failure). */
void *rd_calloc(rd *r, size_t n, size_t sz);

/* Checks that element e (at the current path) is an object. */
bool rd_elem_object(rd *r, json_t *e);

/* Reads the array at root.key into a freshly allocated array (*out, *n) of
 * elements of size sz, calling fn for each object element.  Sets the kind
 * bit in *incomplete when the ids of this kind could not all be read. */
typedef void (*rd_elem_fn)(rd *r, json_t *e, void *elem, bool *id_bad);
void rd_entities(rd *r, json_t *root, const char *key, bool req, size_t sz, rd_elem_fn fn,
                 void **out, int *n, unsigned kind, unsigned *incomplete);

/* The top-level value of a document must be an object: IO_OK, or the
 * error "expected <what> object at the top level" in d (IO_EINVAL). */
int rd_expect_object(const json_t *root, const char *what, model_diag *d);

/* Moves the semantic issues of sem into d, dropping errors at, above or
 * under a path that already has a structural error (d's errors from index
 * from on).  IO_OK or IO_ENOMEM. */
int rd_merge_semantic(model_diag *d, int from, model_diag *sem);

/* Sorts issues a[0..n) into reading order (stable); unchanged on ENOMEM. */
void rd_sort_issues(model_issue *a, int n);

/* ------------------------------------------------------------ writing */

/* Writer context: bad is set once any allocation failed. */
typedef struct wr {
    int bad;
} wr;

/* o.key = v / append v to a (both take v; NULL v or container sets bad). */
void wr_put(wr *w, json_t *o, const char *key, json_t *v);
void wr_add(wr *w, json_t *a, json_t *v);

/* Scalars: a string or null; a finite real or null; "HH:MM" or null for a
 * negative time; "YYYY-MM-DD"; an array of strings. */
json_t *wr_str(const char *s);
json_t *wr_real(double x);
json_t *wr_time(int minutes);
json_t *wr_date(int days);
json_t *wr_strlist(wr *w, const model_strlist *l);

/* Shortest text that reads back as exactly x; integral values as "3.0". */
void wr_fmt_real(double x, char *buf, size_t n);

/* The issues is[0..n) as [{path, message}]. */
json_t *wr_issues(wr *w, const model_issue *is, int n);

/* The instance tree in normal form (NULL or w->bad on ENOMEM). */
json_t *wr_instance(const model_instance *in, wr *w);

/* The solution tree (NULL or w->bad on ENOMEM). */
json_t *wr_solution(const model_solution *sol, wr *w);

/* tree, or NULL (tree released) when w->bad is set. */
json_t *wr_done(json_t *tree, wr *w);

/* Serialises tree (consumed) into a malloc'd string *out: IO_OK, or
 * IO_ENOMEM when tree is NULL, w->bad is set or the text cannot grow. */
int wr_finish(json_t *tree, wr *w, char **out);

/* Reads path (or "-" for standard input) whole, reporting a failure into d
 * at path "" ("... is larger than N MiB" / "cannot read ..."). */
int io_read_input(const char *path, char **text, size_t *len, model_diag *d);

#endif
