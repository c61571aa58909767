/* entities.c - test_store: one program's entities, paged in a stable
 * order, written only at the revision the caller read, as text or as a
 * tree, each write re-validating the program (suite store of
 * tests/test_store.c, on SQLite and on PostgreSQL). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "fixture.h"

/* ----------------------------------------------------------- entities */

/* Every id of a list read page by page (size rows), in order, as one
 * JSON array; each page but the last is full. */
static json_t *read_pages(io_store *s, io_entity_kind kind, int size)
{
    json_t *all = json_array();
    io_page pg = {size, NULL, ""};
    char after[512];
    for (int pages = 0; pages < 1000; pages++) {
        char *t = NULL;
        cr_assert_eq(io_store_entity_list(s, "t", kind, &t, &pg), IO_OK);
        json_t *a = json_loads(t, 0, NULL);
        free(t);
        cr_assert(json_array_size(a) <= (size_t)size);
        if (pg.next[0])
            cr_assert_eq(json_array_size(a), (size_t)size);
        size_t i;
        json_t *e;
        json_array_foreach(a, i, e) json_array_append(all, json_object_get(e, "id"));
        json_decref(a);
        if (!pg.next[0])
            return all;
        snprintf(after, sizeof after, "%s", pg.next);
        pg.after = after;
    }
    cr_assert_fail("paging does not end");
    return NULL;
}

Test(store, lists_page_by_key_in_a_stable_order)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    char *t = NULL;
    cr_assert_eq(io_store_entity_list(s, "t", IO_ENTITY_PATIENT, &t, NULL), IO_OK);
    json_t *whole = json_loads(t, 0, NULL);
    free(t);
    size_t n = json_array_size(whole);
    cr_assert_gt(n, 3);
    for (int size = 1; size <= 4; size++) {
        json_t *ids = read_pages(s, IO_ENTITY_PATIENT, size);
        cr_assert_eq(json_array_size(ids), n, "page size %d", size);
        for (size_t i = 1; i < n; i++) /* id order, each once */
            cr_assert_lt(strcmp(json_string_value(json_array_get(ids, i - 1)),
                                json_string_value(json_array_get(ids, i))),
                         0);
        json_decref(ids);
    }
    json_decref(whole);
    /* a page that ends exactly at the end has no next */
    io_page pg = {(int)n, NULL, "x"};
    cr_assert_eq(io_store_entity_list(s, "t", IO_ENTITY_PATIENT, &t, &pg), IO_OK);
    free(t);
    cr_assert_str_eq(pg.next, "");
    /* the audit trail pages newest first; a malformed cursor is refused */
    model_diag d;
    model_diag_init(&d);
    for (int i = 0; i < 3; i++) {
        char room[32];
        snprintf(room, sizeof room, "{\"capacity\":%d}", 7 + i);
        cr_assert_eq(io_store_entity_put(s, "t", IO_ENTITY_ROOM, "room-a", room, strlen(room), 0,
                                         NULL, &d, NULL),
                     IO_OK);
    }
    model_diag_free(&d);
    io_page ap = {2, NULL, ""};
    cr_assert_eq(io_store_audit_list(s, "t", &t, &ap), IO_OK);
    json_t *a1 = json_loads(t, 0, NULL);
    free(t);
    cr_assert_eq(json_array_size(a1), 2);
    cr_assert_neq(ap.next[0], '\0');
    char after[512];
    snprintf(after, sizeof after, "%s", ap.next);
    ap.after = after;
    cr_assert_eq(io_store_audit_list(s, "t", &t, &ap), IO_OK);
    json_t *a2 = json_loads(t, 0, NULL);
    free(t);
    cr_assert_gt(json_integer_value(json_object_get(json_array_get(a1, 1), "id")),
                 json_integer_value(json_object_get(json_array_get(a2, 0), "id")));
    json_decref(a1);
    json_decref(a2);
    ap.after = "x1";
    cr_assert_eq(io_store_audit_list(s, "t", &t, &ap), IO_EINVAL);
    io_store_close(s);
}

Test(store, writes_are_conditional_on_the_program_revision)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    model_diag d;
    model_diag_init(&d);
    char *json = NULL;
    io_store_rev r0 = {0, 0};
    cr_assert_eq(io_store_program_json(s, "t", &json, &r0), IO_OK);
    free(json);
    cr_assert_gt(r0.rev, 0);
    io_store_rev re = {0, 0};
    cr_assert_eq(io_store_entity_get(s, "t", IO_ENTITY_ROOM, "room-a", &json, &re), IO_OK);
    free(json);
    cr_assert_eq(re.rev, r0.rev); /* one revision per program */
    const char *room = "{\"capacity\":7}";
    io_store_rev stale = {r0.rev + 1, 0};
    cr_assert_eq(io_store_entity_put(s, "t", IO_ENTITY_ROOM, "room-a", room, strlen(room), 0,
                                     NULL, &d, &stale),
                 IO_STORE_EPRECOND);
    cr_assert_eq(io_store_entity_delete(s, "t", IO_ENTITY_ROOM, "room-a", 0, &d, &stale),
                 IO_STORE_EPRECOND);
    cr_assert_eq(io_store_program_delete(s, "t", 0, &d, &stale), IO_STORE_EPRECOND);
    io_store_rev now = {0, 0};
    cr_assert_eq(io_store_program_json(s, "t", &json, &now), IO_OK);
    free(json);
    cr_assert_eq(now.rev, r0.rev, "a refused write changed the revision");
    io_store_rev ok = {r0.rev, 0};
    cr_assert_eq(io_store_entity_put(s, "t", IO_ENTITY_ROOM, "room-a", room, strlen(room), 0,
                                     NULL, &d, &ok),
                 IO_OK);
    cr_assert_neq(ok.rev, r0.rev);
    cr_assert_eq(io_store_program_json(s, "t", &json, &now), IO_OK);
    free(json);
    cr_assert_eq(now.rev, ok.rev);
    model_diag_free(&d);
    io_store_close(s);
}

/* The tree form takes the caller's tree without changing it (the path's
 * id is added to the stored copy only) and gives the stored entity back as
 * a tree; what is not an object is refused with a diagnostic. */
Test(store, entity_put_tree_leaves_the_body_alone)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    model_diag d;
    model_diag_init(&d);
    json_t *created = json_pack("{s:s,s:i,s:[],s:[]}", "id", "room-t", "capacity", 6, "features",
                                "available");
    cr_assert_eq(io_store_entity_put_tree(s, "t", IO_ENTITY_ROOM, NULL, created, 0, NULL, &d, NULL),
                 IO_OK);
    json_decref(created);
    /* a replace whose body has no id: the path's */
    json_t *body = json_pack("{s:i,s:[],s:[]}", "capacity", 7, "features", "available");
    json_t *out = NULL;
    io_store_rev rv = {0, 0};
    cr_assert_eq(io_store_entity_put_tree(s, "t", IO_ENTITY_ROOM, "room-t", body, 0, &out, &d, &rv),
                 IO_OK);
    cr_expect_null(json_object_get(body, "id"), "the caller's tree is not changed");
    cr_expect_str_eq(json_string_value(json_object_get(out, "id")), "room-t");
    cr_expect_eq(json_integer_value(json_object_get(out, "capacity")), 7);
    cr_expect_gt(rv.rev, 0);
    json_decref(out);
    char *text = NULL;
    cr_assert_eq(io_store_entity_get(s, "t", IO_ENTITY_ROOM, "room-t", &text, NULL), IO_OK);
    cr_expect(strstr(text, "\"capacity\":7"), "%s", text);
    free(text);
    json_t *arr = json_array();
    out = NULL;
    cr_assert_eq(io_store_entity_put_tree(s, "t", IO_ENTITY_ROOM, "room-u", arr, 0, &out, &d, NULL),
                 IO_EINVAL);
    cr_expect_null(out);
    cr_assert_geq(d.n_errors, 1);
    cr_expect(strstr(d.errors[0].message, "JSON object"), "%s", d.errors[0].message);
    cr_assert_eq(io_store_entity_get(s, "t", IO_ENTITY_ROOM, "room-u", &text, NULL),
                 IO_STORE_ENOTFOUND);
    json_decref(arr);
    json_decref(body);
    model_diag_free(&d);
    io_store_close(s);
}

Test(store, entity_crud_revalidates_the_program)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    model_diag d;
    model_diag_init(&d);
    char *out = NULL;
    const char *room = "{\"id\":\"room-c\",\"capacity\":6,\"features\":[],\"available\":[]}";
    cr_assert_eq(io_store_entity_put(s, "t", IO_ENTITY_ROOM, NULL, room, strlen(room), 0, &out, &d, NULL),
                 IO_OK);
    json_t *r = json_loads(out, 0, NULL);
    cr_assert_eq(json_integer_value(json_object_get(r, "capacity")), 6);
    json_decref(r);
    free(out);
    /* again: conflict */
    cr_assert_eq(io_store_entity_put(s, "t", IO_ENTITY_ROOM, NULL, room, strlen(room), 0, NULL, &d, NULL),
                 IO_STORE_ECONFLICT);
    model_diag_free(&d);
    /* invalid value: refused with the instance path, nothing changes */
    const char *bad = "{\"capacity\":\"six\"}";
    cr_assert_eq(io_store_entity_put(s, "t", IO_ENTITY_ROOM, "room-c", bad, strlen(bad), 0, NULL, &d, NULL),
                 IO_EINVAL);
    cr_assert_geq(d.n_errors, 1);
    cr_assert_str_eq(d.errors[0].path, "rooms[2].capacity");
    model_diag_free(&d);
    cr_assert_eq(io_store_entity_get(s, "t", IO_ENTITY_ROOM, "room-c", &out, NULL), IO_OK);
    cr_assert(strstr(out, "\"capacity\":6"), "%s", out);
    free(out);
    /* a type still used by groups cannot go */
    cr_assert_eq(io_store_entity_delete(s, "t", IO_ENTITY_GROUP_TYPE, "dbt", 0, &d, NULL), IO_EINVAL);
    cr_assert(d.n_errors >= 1 && strstr(d.errors[0].path, "groups["), "%s", d.errors[0].path);
    model_diag_free(&d);
    cr_assert_eq(io_store_entity_delete(s, "t", IO_ENTITY_ROOM, "room-c", 0, &d, NULL), IO_OK);
    cr_assert_eq(io_store_entity_get(s, "t", IO_ENTITY_ROOM, "room-c", &out, NULL), IO_STORE_ENOTFOUND);
    cr_assert_eq(io_store_entity_delete(s, "t", IO_ENTITY_ROOM, "room-c", 0, &d, NULL),
                 IO_STORE_ENOTFOUND);
    model_diag_free(&d);
    /* replace keeps the position; the id in the body must match */
    const char *ana = "{\"id\":\"zed\",\"credentials\":[]}";
    cr_assert_eq(io_store_entity_put(s, "t", IO_ENTITY_FACILITATOR, "ana", ana, strlen(ana), 0, NULL, &d, NULL),
                 IO_EINVAL);
    model_diag_free(&d);
    cr_assert_eq(io_store_entity_list(s, "t", IO_ENTITY_FACILITATOR, &out, NULL), IO_OK);
    json_t *l = json_loads(out, 0, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(l, 0), "id")), "ana");
    json_decref(l);
    free(out);
    cr_assert_eq(io_store_entity_list(s, "nope", IO_ENTITY_ROOM, &out, NULL), IO_STORE_ENOTFOUND);
    model_diag_free(&d);
    io_store_close(s);
}
