/*
 * store_entities.c - One program's entities (group types, groups, rooms,
 * facilitators, patients): list, get, put and delete one entry.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_private.h"

/* -------------------------------------------------------- entities */

int io_store_entity_list(io_store *s, const char *program, io_entity_kind kind, char **json,
                         io_page *pg)
{
    if ((int)kind < 0 || kind >= IO_ENTITY_COUNT)
        return IO_EINVAL;
    char sql[192], last[512];
    int n = 0;
    if (pg)
        pg->next[0] = '\0';
    db_stmt *st = NULL;
    json_t *arr = json_array();
    if (!arr)
        return IO_ENOMEM;
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    int rc = program_exists(db, program) ? IO_OK : IO_STORE_ENOTFOUND;
    /* id order: a keyset on the unique (program_id, id) index */
    snprintf(sql, sizeof sql,
             "SELECT json, id FROM %s WHERE program_id = ?1 AND (id > ?2 OR ?2 IS NULL)"
             " ORDER BY id LIMIT ?3",
             TABLES[kind]);
    if (rc == IO_OK)
        rc = prep(db, &st, sql, "ssi", program, pg ? pg->after : NULL, page_limit(pg));
    int step = DB_DONE;
    while (rc == IO_OK && (step = db_step(st)) == DB_ROW) {
        if (page_row(pg, st, 1, &n, last)) {
            step = DB_DONE;
            break;
        }
        json_array_append_new(arr, col_json(st, 0));
    }
    return rows_done(s, rd, st, rc, step, arr, json);
}

int io_store_entity_get(io_store *s, const char *program, io_entity_kind kind, const char *eid,
                        char **json, io_store_rev *rv)
{
    if ((int)kind < 0 || kind >= IO_ENTITY_COUNT)
        return IO_EINVAL;
    char sql[160];
    db_stmt *st = NULL;
    /* one statement: the entity and the revision it belongs to */
    snprintf(sql, sizeof sql,
             "SELECT e.json, p.rev FROM %s e JOIN program p ON p.id = e.program_id"
             " WHERE e.program_id = ? AND e.id = ?",
             TABLES[kind]);
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    int rc = prep(db, &st, sql, "ss", program, eid);
    if (rc == IO_OK) {
        int step = db_step(st);
        if (step == DB_ROW) {
            const char *t = (const char *)db_column_text(st, 0);
            *json = strdup(t ? t : "null");
            rc = *json ? IO_OK : IO_ENOMEM;
            if (rv)
                rv->rev = db_column_int64(st, 1);
        } else {
            rc = step == DB_DONE ? IO_STORE_ENOTFOUND : IO_STORE_EDB;
        }
    }
    db_finalize(st);
    rd_release(s, rd);
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

int io_store_entity_put_tree(io_store *s, const char *program, io_entity_kind kind,
                             const char *eid, const json_t *body, long actor, json_t **out,
                             model_diag *d, io_store_rev *rv)
{
    if ((int)kind < 0 || kind >= IO_ENTITY_COUNT)
        return IO_EINVAL;
    if (!json_is_object(body)) {
        model_diag_error(d, "", "the body must be a JSON object");
        return IO_EINVAL;
    }
    json_t *idv = json_object_get(body, "id");
    if (eid && idv && !(json_is_string(idv) && strcmp(json_string_value(idv), eid) == 0)) {
        model_diag_error(d, "id", "the body's id does not match '%s' in the path", eid);
        return IO_EINVAL;
    }
    if (!eid && (!json_is_string(idv) || json_string_length(idv) == 0)) {
        model_diag_error(d, "id", "missing: a string id is required");
        return IO_EINVAL;
    }
    /* the caller's tree stays as it is: the program gets a copy */
    json_t *b = json_deep_copy(body);
    if (!b || (eid && !idv && json_object_set_new(b, "id", json_string(eid)) != 0)) {
        json_decref(b);
        return IO_ENOMEM;
    }
    entity_ctx c = {kind, eid, b, json_string_value(json_object_get(b, "id"))};
    json_t *norm = NULL;
    int rc = mutate(s, program, put_fn, &c, eid ? "entity.update" : "entity.create",
                    kind == IO_ENTITY_GROUP ? "edited" : NULL, actor, &norm, d, rv);
    if (rc == IO_OK && out) {
        *out = json_incref(find_by_id(json_object_get(norm, COLLECTIONS[kind]), c.id, NULL));
        if (!*out)
            rc = IO_ENOMEM;
    }
    json_decref(norm);
    json_decref(b);
    return rc;
}

int io_store_entity_put(io_store *s, const char *program, io_entity_kind kind, const char *eid,
                        const char *body, size_t len, long actor, char **json_out, model_diag *d,
                        io_store_rev *rv)
{
    json_t *b = NULL;
    int lrc = io_json_load(body, len, &b, d);
    if (lrc != IO_OK)
        return lrc;
    json_t *e = NULL;
    int rc = io_store_entity_put_tree(s, program, kind, eid, b, actor, json_out ? &e : NULL, d,
                                      rv);
    json_decref(b);
    return rc == IO_OK && json_out ? give(e, json_out) : rc;
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
                           long actor, model_diag *d, io_store_rev *rv)
{
    if ((int)kind < 0 || kind >= IO_ENTITY_COUNT)
        return IO_EINVAL;
    entity_ctx c = {kind, eid, NULL, eid};
    return mutate(s, program, delete_fn, &c, "entity.delete",
                  kind == IO_ENTITY_GROUP ? "edited" : NULL, actor, NULL, d, rv);
}
