/*
 * store_doc.c - Program documents: the stored instance JSON of a program,
 * its cache, validation, writing a changed document back row by row, and
 * applying one change to it in a transaction (mutate).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "store_private.h"

/* ------------------------------------------------- program documents */

int program_exists(db_conn *db, const char *id)
{
    db_stmt *st = NULL;
    int found = 0;
    if (prep(db, &st, "SELECT 1 FROM program WHERE id = ?", "s", id) == IO_OK)
        found = db_step(st) == DB_ROW;
    db_finalize(st);
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
void cache_put(io_store *s, const char *pid, long long rev, json_t *doc,
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

void cache_drop(io_store *s, const char *pid)
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
json_t *cache_get(io_store *s, const char *pid, long long rev, model_instance **inst)
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
int load_doc(io_store *s, db_conn *db, const char *pid, json_t **out, long long *rev_out)
{
    db_stmt *st = NULL;
    json_t *doc = NULL;
    /* outside a transaction, take one: the rows must be of one revision */
    int own_txn = !db_in_txn(db);
    if (own_txn && db_begin(db, DB_TXN_READ) != DB_OK)
        return IO_STORE_EDB;
    int rc = prep(db, &st,
                  "SELECT program_json, settings_json, extra_json, rev FROM program WHERE id = ?",
                  "s", pid);
    if (rc != IO_OK)
        goto done;
    int step = db_step(st);
    if (step != DB_ROW) {
        rc = step == DB_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
        goto done;
    }
    long long rev = db_column_int64(st, 3);
    if (rev_out)
        *rev_out = rev;
    if ((doc = cache_get(s, pid, rev, NULL))) {
        *out = doc;
        goto done;
    }
    const char *extra = (const char *)db_column_text(st, 2);
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
    if (db_column_type(st, 1) != DB_NULL)
        json_object_set_new(doc, "settings", col_json(st, 1));
    db_finalize(st);
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
        while ((step = db_step(st)) == DB_ROW)
            json_array_append_new(arr, col_json(st, 0));
        db_finalize(st);
        st = NULL;
        if (step != DB_DONE)
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
    db_finalize(st);
    if (own_txn)
        db_exec(db, "COMMIT");
    return rc;
}

static const char *elem_id(const json_t *e)
{
    return json_string_value(json_object_get(e, "id"));
}

json_t *find_by_id(json_t *arr, const char *id, size_t *idx)
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
json_t *work_copy(const json_t *old)
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
json_t *own_element(json_t *arr, size_t idx, const json_t *old_arr)
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
int normalise(const json_t *raw, json_t **norm, model_instance **inst_out, model_diag *d)
{
    model_diag local;
    model_diag_init(&local);
    model_instance *inst = NULL;
    int rc = io_instance_from_tree(raw, &inst, &local);
    if (rc != IO_OK) {
        diag_copy_errors(d, &local);
        if (rc == IO_EINVAL && local.n_errors == 0 && d)
            model_diag_error(d, "", "the program is invalid");
        model_diag_free(&local);
        return rc;
    }
    model_diag_free(&local);
    json_t *n = io_instance_to_tree(inst);
    if (!n) {
        model_instance_destroy(inst);
        return IO_ENOMEM;
    }
    *norm = n;
    if (inst_out)
        *inst_out = inst;
    else
        model_instance_destroy(inst);
    return IO_OK;
}

/* Record member status changes between the old and new groups. */
int member_diff(io_store *s, const char *pid, const json_t *old_doc, const json_t *new_doc,
                const char *label, long actor)
{
    db_conn *db = s->db;
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
                rc = run(db, INS, "ssssssa", pid, gid, p, "removed", (const char *)NULL, (const char *)NULL, actor);
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
                rc = run(db, INS, "ssssssa", pid, elem_id(g), p, "removed", (const char *)NULL, (const char *)NULL, actor);
        }
    }
    json_decref(nmap);
    json_decref(omap);
    return rc;
}

/* Write the normalised document `doc` of program pid over the stored one
 * `old` (NULL: none stored yet; the program row must exist).  Only changed
 * rows are written.  With action != NULL every changed entity gets an audit
 * row (before / after).  *rev is, on entry, the revision old was loaded at
 * and, on success, the new one: the program row is written only while it
 * still has that revision (optimistic concurrency across nodes), else
 * STORE_ESTALE and nothing is written. */
int sync_doc(io_store *s, const char *pid, const json_t *old, const json_t *doc,
             const char *action, long actor, long long *rev_out)
{
    long long old_rev = *rev_out;
    db_conn *db = s->db;
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
    /* first, so that the row lock orders concurrent writers of pid */
    rc = run(db,
             "UPDATE program SET name = ?, program_json = ?, settings_json = ?, extra_json = ?,"
             " rev = ?, updated_at = " NOW_SQL " WHERE id = ? AND (rev = ? OR ? = 0)",
             "sssslsli", name ? name : "", pj, sj, ej, rev, pid, old_rev, old ? 1 : 0);
    if (rc == IO_OK && db_changes(db) != 1)
        rc = STORE_ESTALE;
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



int rev_check(const io_store_rev *rv, long long rev, model_diag *d)
{
    if (!rv || !rv->if_rev || rv->if_rev == rev)
        return IO_OK;
    model_diag_error(d, "", "the program has changed since that revision (If-Match)");
    return IO_STORE_EPRECOND;
}

int program_lock(io_store *s, const char *pid)
{
    const char *suffix = s->db->ops->lock_row;
    if (!*suffix)
        return IO_OK;
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT rev FROM program WHERE id = ?%s", suffix);
    db_stmt *st = NULL;
    int rc = prep(s->db, &st, sql, "s", pid);
    if (rc == IO_OK && db_step(st) == DB_ERROR)
        rc = IO_STORE_EDB;
    db_finalize(st);
    return rc;
}

int stale_final(int rc, model_diag *d)
{
    if (rc != STORE_ESTALE)
        return rc;
    model_diag_error(d, "", "the program kept changing under this change; try again");
    return IO_STORE_ECONFLICT;
}

/* One try of mutate(): STORE_ESTALE when another writer changed the
 * program between load and write. */
static int mutate_once(io_store *s, const char *program, mutate_fn fn, void *ctx,
                       const char *action, const char *member_label, long actor,
                       json_t **norm_out, model_diag *d, io_store_rev *rv, int retry)
{
    db_conn *db = s->db;
    long long rev = 0, old_rev = 0;
    json_t *old = NULL, *work = NULL, *norm = NULL;
    model_instance *inst = NULL;
    lock(s);
    int rc = begin(s);
    if (rc != IO_OK) {
        db_error(s, d);
        unlock(s);
        return rc;
    }
    rc = retry ? program_lock(s, program) : IO_OK;
    if (rc == IO_OK)
        rc = load_doc(s, db, program, &old, &old_rev);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no program '%s'", program);
    if (rc == IO_OK)
        rc = rev_check(rv, old_rev, d);
    if (rc == IO_OK) {
        work = work_copy(old);
        rc = work ? fn(s, work, ctx, d) : IO_ENOMEM;
    }
    if (rc == IO_OK)
        rc = normalise(work, &norm, &inst, d);
    rev = old_rev;
    if (rc == IO_OK)
        rc = sync_doc(s, program, old, norm, action, actor, &rev);
    if (rc == IO_OK && member_label)
        rc = member_diff(s, program, old, norm, member_label, actor);
    rc = txn_end(s, rc, d);
    if (rc == IO_OK)
        cache_put(s, program, rev, norm, inst), inst = NULL;
    if (rc == IO_OK && rv)
        rv->rev = rev;
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

int mutate(io_store *s, const char *program, mutate_fn fn, void *ctx, const char *action,
           const char *member_label, long actor, json_t **norm_out, model_diag *d,
           io_store_rev *rv)
{
    int rc = STORE_ESTALE;
    for (int i = 0; i < STALE_TRIES && rc == STORE_ESTALE; i++)
        rc = mutate_once(s, program, fn, ctx, action, member_label, actor, norm_out, d, rv, i);
    return stale_final(rc, d);
}
