/*
 * store_programs.c - Stored programs: create, replace, read, export, list
 * and delete whole programs.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_private.h"

/* -------------------------------------------------------- programs */

static int derive_id(io_store *s, const char *name, char out[65])
{
    db_conn *db = s->db;
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
    json_t *j = io_instance_to_tree(inst);
    if (!j)
        return IO_ENOMEM;
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
                            char **id_out, model_diag *d, io_store_rev *rv)
{
    db_conn *db = s->db;
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
        rc = IO_STORE_EDB;
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
out:
    rc = txn_end(s, rc, d);
    if (rc == IO_OK)
        cache_put(s, chosen, rev, doc, NULL);
    if (rc == IO_OK && rv)
        rv->rev = rev;
    if (rc == IO_OK && id_out) {
        *id_out = strdup(chosen);
        if (!*id_out)
            rc = IO_ENOMEM; /* committed; the caller only misses the id */
    }
    unlock(s);
    json_decref(doc);
    return rc;
}

/* One try of io_store_program_replace with the normalised document doc
 * (not consumed): STORE_ESTALE when another writer changed the program
 * between load and write. */
static int replace_once(io_store *s, const char *id, json_t *doc, long actor, model_diag *d,
                        io_store_rev *rv, int retry)
{
    db_conn *db = s->db;
    long long rev = 0, old_rev = 0;
    json_t *old = NULL;
    int rc;
    lock(s);
    if (begin(s) != IO_OK) {
        rc = IO_STORE_EDB;
        goto out;
    }
    rc = retry ? program_lock(s, id) : IO_OK;
    if (rc == IO_OK)
        rc = load_doc(s, db, id, &old, &old_rev);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no program '%s'", id);
    if (rc == IO_OK)
        rc = rev_check(rv, old_rev, d);
    rev = old_rev;
    if (rc == IO_OK)
        rc = sync_doc(s, id, old, doc, NULL, actor, &rev);
    if (rc == IO_OK)
        rc = member_diff(s, id, old, doc, "replaced", actor);
    if (rc == IO_OK)
        rc = audit(s, actor, "program.replace", "program", id, old, doc);
out:
    rc = txn_end(s, rc, d);
    if (rc == IO_OK)
        cache_put(s, id, rev, doc, NULL);
    if (rc == IO_OK && rv)
        rv->rev = rev;
    unlock(s);
    json_decref(old);
    return rc;
}

int io_store_program_replace(io_store *s, const char *id, const model_instance *inst, long actor,
                             model_diag *d, io_store_rev *rv)
{
    json_t *doc = NULL;
    int rc = instance_norm(inst, &doc, d);
    if (rc != IO_OK)
        return rc;
    rc = STORE_ESTALE;
    for (int i = 0; i < STALE_TRIES && rc == STORE_ESTALE; i++)
        rc = replace_once(s, id, doc, actor, d, rv, i);
    json_decref(doc);
    return stale_final(rc, d);
}

int io_store_program_json(io_store *s, const char *id, char **json, io_store_rev *rv)
{
    json_t *doc = NULL;
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    int rc = load_doc(s, db, id, &doc, rv ? &rv->rev : NULL);
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
    db_conn *db = rd_acquire(s, &rd);
    int rc = load_doc(s, db, id, &doc, &rev);
    rd_release(s, rd);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no program '%s'", id);
    if (rc != IO_OK)
        return rc;
    return doc_instance(s, id, doc, rev, out, d);
}

int doc_instance(io_store *s, const char *id, json_t *doc, long long rev, model_instance **out,
                 model_diag *d)
{
    int rc;
    /* parsed before (by a write or an export of this revision)? */
    model_instance *inst = NULL;
    json_decref(cache_get(s, id, rev, &inst));
    if (inst) {
        json_decref(doc);
        *out = inst;
        return IO_OK;
    }
    rc = io_instance_from_tree(doc, &inst, d);
    if (rc == IO_OK) {
        model_instance *copy = model_instance_clone(inst);
        if (copy)
            cache_put(s, id, rev, doc, copy);
        *out = inst;
    }
    json_decref(doc);
    return rc;
}

int io_store_program_list(io_store *s, char **json, io_page *pg)
{
    char last[512];
    int n = 0;
    if (pg)
        pg->next[0] = '\0';
    db_stmt *st = NULL;
    json_t *arr = json_array();
    if (!arr)
        return IO_ENOMEM;
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
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
                  " FROM program p WHERE (p.id > ?1 OR ?1 IS NULL) ORDER BY p.id LIMIT ?2",
                  "si", pg ? pg->after : NULL, page_limit(pg));
    int step = DB_DONE;
    while (rc == IO_OK && (step = db_step(st)) == DB_ROW) {
        if (page_row(pg, st, 0, &n, last)) {
            step = DB_DONE;
            break;
        }
        json_t *counts = json_object();
        for (int k = 0; k < IO_ENTITY_COUNT; k++)
            json_object_set_new(counts, COLLECTIONS[k], json_integer(db_column_int(st, 4 + k)));
        json_t *pub = col_int(st, 10);
        json_array_append_new(arr, json_pack("{s:o,s:o,s:o,s:o,s:o,s:i,s:o}", "id", col_str(st, 0),
                                             "name", col_str(st, 1), "created", col_str(st, 2),
                                             "updated", col_str(st, 3), "counts", counts,
                                             "schedules", db_column_int(st, 9),
                                             "published", pub));
    }
    return rows_done(s, rd, st, rc, step, arr, json);
}

int io_store_program_delete(io_store *s, const char *id, long actor, model_diag *d,
                            io_store_rev *rv)
{
    db_conn *db = s->db;
    json_t *old = NULL;
    long long old_rev = 0;
    lock(s);
    int rc = begin(s);
    if (rc == IO_OK)
        rc = load_doc(s, db, id, &old, &old_rev);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no program '%s'", id);
    if (rc == IO_OK)
        rc = rev_check(rv, old_rev, d);
    if (rc == IO_OK)
        rc = run(db, "DELETE FROM program WHERE id = ?", "s", id);
    if (rc == IO_OK)
        rc = audit(s, actor, "program.delete", "program", id, old, NULL);
    rc = txn_end(s, rc, d);
    if (rc == IO_OK)
        cache_drop(s, id);
    unlock(s);
    json_decref(old);
    return rc;
}
