/* server/programs.c - test_server: stored programs and their entity collections. */
#include "fixture.h"

/* ------------------------------------------------------------ stored */

Test(server, programs_create_get_replace_delete)
{
    char *inst = slurp(TINY);
    resp r = req("POST", "/v1/programs", admin, inst);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "id")), "tiny-clinic");
    cr_assert(header_has(&r, "Location: /v1/programs/tiny-clinic"));
    char created_etag[64];
    snprintf(created_etag, sizeof created_etag, "%s", header_value(&r, "ETag"));
    cr_assert_eq(strlen(created_etag), 18, "%s", r.headers);
    resp_free(&r);
    r = req("GET", "/v1/programs/tiny-clinic", viewer, NULL);
    cr_assert_str_eq(header_value(&r, "ETag"), created_etag); /* the same revision */
    resp_free(&r);
    /* a given id; then the same id again */
    char *wrapped = malloc(strlen(inst) + 64);
    sprintf(wrapped, "{\"id\":\"clinic-b\",\"instance\":%s}", inst);
    r = req("POST", "/v1/programs", admin, wrapped);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    r = req("POST", "/v1/programs", admin, wrapped);
    assert_error(&r, 409);
    resp_free(&r);
    r = req("POST", "/v1/programs?id=bad%20id", admin, inst);
    assert_error(&r, 400);
    resp_free(&r);
    /* GET returns the same instance */
    r = req("GET", "/v1/programs/clinic-b", viewer, NULL);
    cr_assert_eq(r.status, 200);
    model_diag d;
    model_diag_init(&d);
    model_instance *a = NULL, *b = NULL;
    cr_assert_eq(io_instance_parse(inst, strlen(inst), &a, &d), IO_OK);
    cr_assert_eq(io_instance_parse(r.body, strlen(r.body), &b, &d), IO_OK);
    char *ja = NULL, *jb = NULL;
    io_instance_to_json(a, &ja);
    io_instance_to_json(b, &jb);
    cr_assert_str_eq(ja, jb);
    free(ja);
    free(jb);
    model_instance_destroy(a);
    model_instance_destroy(b);
    model_diag_free(&d);
    resp_free(&r);
    r = req("GET", "/v1/programs", viewer, NULL);
    cr_assert_eq(json_array_size(items(&r)), 2);
    resp_free(&r);
    /* replace with a renamed program; invalid replacement refused */
    json_t *j = json_loads(inst, 0, NULL);
    json_object_set_new(json_object_get(j, "program"), "name", json_string("Renamed"));
    char *body = json_dumps(j, 0);
    r = req("PUT", "/v1/programs/clinic-b", admin, body);
    cr_assert_eq(r.status, 200, "%s", r.body);
    resp_free(&r);
    free(body);
    json_object_set_new(json_object_get(j, "program"), "days", json_string("monday"));
    body = json_dumps(j, 0);
    r = req("PUT", "/v1/programs/clinic-b", admin, body);
    assert_error(&r, 400);
    cr_assert_str_eq(error_path(&r),
                     "program.days");
    resp_free(&r);
    r = req("PUT", "/v1/programs/nope", admin, inst);
    assert_error(&r, 404);
    resp_free(&r);
    free(body);
    json_decref(j);
    r = req("GET", "/v1/programs/clinic-b", viewer, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r.json, "program"), "name")),
                     "Renamed");
    resp_free(&r);
    r = req("DELETE", "/v1/programs/clinic-b", admin, NULL);
    cr_assert_eq(r.status, 204);
    resp_free(&r);
    r = req("GET", "/v1/programs/clinic-b", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    r = req("DELETE", "/v1/programs/clinic-b", admin, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    free(wrapped);
    free(inst);
}

Test(server, entity_collections)
{
    post_tiny();
    static const char *const colls[] = {"group_types", "groups", "rooms", "facilitators",
                                        "patients"};
    static const char *const first[] = {"cbt-anx", "cbt-1", "room-a", "ana", "p01"};
    static const size_t sizes[] = {3, 4, 2, 3, 12};
    for (int i = 0; i < 5; i++) {
        char path[128];
        snprintf(path, sizeof path, "/v1/programs/t/%s", colls[i]);
        resp r = req("GET", path, viewer, NULL);
        cr_assert_eq(r.status, 200);
        cr_assert_eq(json_array_size(items(&r)), sizes[i], "%s", colls[i]);
        resp_free(&r);
        snprintf(path, sizeof path, "/v1/programs/t/%s/%s", colls[i], first[i]);
        r = req("GET", path, viewer, NULL);
        cr_assert_eq(r.status, 200);
        cr_assert_str_eq(json_string_value(json_object_get(r.json, "id")), first[i]);
        /* PUT it back unchanged */
        resp p = req("PUT", path, admin, r.body);
        cr_assert_eq(p.status, 200, "%s: %s", path, p.body);
        cr_assert(json_equal(p.json, r.json));
        resp_free(&p);
        resp_free(&r);
        snprintf(path, sizeof path, "/v1/programs/t/%s/none", colls[i]);
        r = req("GET", path, viewer, NULL);
        assert_error(&r, 404);
        resp_free(&r);
    }
    /* paging: page_size and the opaque page_token, in id order */
    {
        char path[256] = "/v1/programs/t/patients?page_size=5";
        json_t *seen = json_array();
        for (int pages = 0; pages < 10; pages++) {
            resp r = req("GET", path, viewer, NULL);
            cr_assert_eq(r.status, 200, "%s", r.body);
            json_t *it = items(&r);
            cr_assert_leq(json_array_size(it), 5);
            size_t k;
            json_t *e;
            json_array_foreach(it, k, e) json_array_append(seen, json_object_get(e, "id"));
            json_t *next = json_object_get(r.json, "next_page_token");
            if (json_is_null(next)) {
                resp_free(&r);
                break;
            }
            cr_assert_eq(json_array_size(it), 5);
            snprintf(path, sizeof path, "/v1/programs/t/patients?page_size=5&page_token=%s",
                     json_string_value(next));
            resp_free(&r);
        }
        cr_assert_eq(json_array_size(seen), 12);
        cr_assert_str_eq(json_string_value(json_array_get(seen, 0)), "p01");
        cr_assert_str_eq(json_string_value(json_array_get(seen, 11)), "p12");
        json_decref(seen);
        resp r = req("GET", "/v1/programs/t/patients?page_size=5", viewer, NULL);
        char tok[600];
        snprintf(tok, sizeof tok, "/v1/programs/t/rooms?page_token=%s",
                 json_string_value(json_object_get(r.json, "next_page_token")));
        resp_free(&r);
        r = req("GET", tok, viewer, NULL); /* another list's token */
        assert_error(&r, 400);
        cr_assert_str_eq(error_path(&r), "page_token");
        resp_free(&r);
        r = req("GET", "/v1/programs/t/patients?page_size=0", viewer, NULL);
        assert_error(&r, 400);
        cr_assert_str_eq(error_path(&r), "page_size");
        resp_free(&r);
        r = req("GET", "/v1/programs/t/patients?page_size=1001", viewer, NULL);
        assert_error(&r, 400);
        resp_free(&r);
        r = req("GET", "/v1/programs/t/patients?page_token=zz", viewer, NULL);
        assert_error(&r, 400);
        resp_free(&r);
    }
    /* create, conflict, invalid, update, delete */
    const char *room = "{\"id\":\"room-c\",\"capacity\":9,\"features\":[\"whiteboard\"],"
                       "\"available\":[{\"day\":\"fri\",\"from\":\"08:00\",\"to\":\"12:00\"}]}";
    resp r = req("POST", "/v1/programs/t/rooms", admin, room);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert(header_has(&r, "Location: /v1/programs/t/rooms/room-c"));
    resp_free(&r);
    r = req("POST", "/v1/programs/t/rooms", admin, room);
    assert_error(&r, 409);
    resp_free(&r);
    r = req("POST", "/v1/programs/t/rooms", admin, "{\"capacity\":3}");
    assert_error(&r, 400);
    cr_assert_str_eq(error_path(&r),
                     "id");
    resp_free(&r);
    r = req("PUT", "/v1/programs/t/rooms/room-c", admin,
            "{\"capacity\":9,\"available\":[{\"day\":\"fri\",\"from\":\"13:00\",\"to\":\"12:00\"}]}");
    assert_error(&r, 400);
    cr_assert(strstr(r.body, "rooms[2].available[0]"), "%s", r.body);
    resp_free(&r);
    r = req("PUT", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":11}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "capacity")), 11);
    resp_free(&r);
    /* concurrency: ETag on GET and writes, If-Match on PUT / PATCH / DELETE */
    r = req("GET", "/v1/programs/t/rooms/room-c", viewer, NULL);
    char etag[64], hdr[128];
    snprintf(etag, sizeof etag, "%s", header_value(&r, "ETag"));
    cr_assert_eq(strlen(etag), 18, "%s", r.headers);
    resp_free(&r);
    r = req("GET", "/v1/programs/t", viewer, NULL);
    cr_assert_str_eq(header_value(&r, "ETag"), etag); /* one revision for the program */
    resp_free(&r);
    snprintf(hdr, sizeof hdr, "If-Match: %s\r\n", etag);
    r = req_h("PUT", "/v1/programs/t/rooms/room-c", admin,
              "{\"capacity\":12,\"features\":[\"whiteboard\"]}", hdr);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_neq(header_value(&r, "ETag"), etag);
    cr_assert_neq(header_value(&r, "ETag")[0], '\0');
    char etag2[64];
    snprintf(etag2, sizeof etag2, "%s", header_value(&r, "ETag"));
    resp_free(&r);
    /* the old tag is stale now: 412, nothing changed */
    r = req_h("PUT", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":13}", hdr);
    assert_error(&r, 412);
    resp_free(&r);
    r = req_h("DELETE", "/v1/programs/t/rooms/room-c", admin, NULL, hdr);
    assert_error(&r, 412);
    resp_free(&r);
    r = req_h("PUT", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":13}",
              "If-Match: W/\"1\"\r\n");
    assert_error(&r, 412);
    resp_free(&r);
    r = req_h("PUT", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":13}",
              "If-Match: nonsense\r\n");
    assert_error(&r, 400);
    resp_free(&r);
    /* JSON Merge Patch: only the named fields change, null removes one */
    r = req_h("PATCH", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":14}", NULL);
    assert_error(&r, 415);
    resp_free(&r);
    snprintf(hdr, sizeof hdr, "If-Match: %s\r\nContent-Type: application/merge-patch+json\r\n",
             etag2);
    r = req_h("PATCH", "/v1/programs/t/rooms/room-c", admin,
              "{\"capacity\":14,\"features\":null}", hdr);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "capacity")), 14);
    cr_assert_eq(json_array_size(json_object_get(r.json, "features")), 0, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "available")), 7, "%s", r.body);
    resp_free(&r);
    r = req_h("PATCH", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":15}", hdr);
    assert_error(&r, 412); /* etag2 is stale after the patch */
    resp_free(&r);
    r = req_h("PATCH", "/v1/programs/t/rooms/room-c", admin, "{\"capacity\":-1}",
              "Content-Type: application/merge-patch+json\r\n");
    assert_error(&r, 400);
    resp_free(&r);
    r = req_h("PATCH", "/v1/programs/t/rooms/nope", admin, "{\"capacity\":2}",
              "Content-Type: application/merge-patch+json\r\n");
    assert_error(&r, 404);
    resp_free(&r);
    r = req("GET", "/v1/programs/t/rooms/room-c", viewer, NULL);
    snprintf(hdr, sizeof hdr, "If-Match: %s\r\n", header_value(&r, "ETag"));
    cr_assert_eq(json_integer_value(json_object_get(r.json, "capacity")), 14);
    resp_free(&r);
    r = req_h("DELETE", "/v1/programs/t/rooms/room-c", admin, NULL, hdr);
    cr_assert_eq(r.status, 204);
    resp_free(&r);
    /* referenced elsewhere: refused */
    r = req("DELETE", "/v1/programs/t/patients/p01", admin, NULL);
    assert_error(&r, 400);
    resp_free(&r);
    r = req("GET", "/v1/programs/nope/rooms", viewer, NULL);
    assert_error(&r, 404);
    resp_free(&r);
    /* the audit trail has the room's story, newest first */
    r = req("GET", "/v1/audit?program=t&limit=3", admin, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(json_array_size(items(&r)), 3);
    json_t *del = json_array_get(items(&r), 0);
    cr_assert_str_eq(json_string_value(json_object_get(del, "action")), "entity.delete");
    cr_assert_str_eq(json_string_value(json_object_get(del, "entity")), "rooms/room-c");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(del, "before"), "capacity")),
                 14);
    cr_assert(json_is_null(json_object_get(del, "after")));
    cr_assert_eq(json_integer_value(json_object_get(del, "actor")), 1); /* the admin token */
    resp_free(&r);
}
