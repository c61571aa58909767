/*
 * handlers_entities.c - Handlers of one program's entity collections (group
 * types, groups, rooms, facilitators, patients): list, create, get, replace,
 * delete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* ---- entities: the collection is the route's literal segment 3 */

static int route_kind(http_req *q, const char *tmpl)
{
    /* "/v1/programs/{program}/<collection>..." */
    const char *p = tmpl + strlen("/v1/programs/{program}/");
    char coll[32];
    size_t n = strcspn(p, "/");
    if (n >= sizeof coll)
        return -1;
    memcpy(coll, p, n);
    coll[n] = '\0';
    (void)q;
    return io_entity_kind_parse(coll);
}

enum MHD_Result h_entity_list(http_req *q)
{
    char *t = NULL;
    int rc = io_store_entity_list(q->srv->store, q->param[0], route_kind(q, q->r->tmpl), &t);
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "no such program");
}

enum MHD_Result h_entity_get(http_req *q)
{
    char *t = NULL;
    int kind = route_kind(q, q->r->tmpl);
    int rc = io_store_entity_get(q->srv->store, q->param[0], kind, q->param[1], &t);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such program or %s entry",
                          io_entity_collection(kind));
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "not found");
}

/* The first member of an entity the instance reader does not know, as
 * its path in the entity ("zzz", "available[0].zzz"), into path; 0 when
 * none.  The entity is read as the only entry of its collection of an
 * otherwise empty instance: only its "unknown field" warnings count. */
static int entity_unknown_field(int kind, json_t *entity, char *path, size_t cap)
{
    const char *coll = io_entity_collection(kind);
    json_t *doc = json_pack("{s:[O]}", coll, entity);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    if (text)
        io_instance_parse(text, strlen(text), &inst, &d);
    free(text);
    model_instance_destroy(inst);
    char prefix[64];
    int n = snprintf(prefix, sizeof prefix, "%s[0].", coll);
    int found = 0;
    for (int i = 0; i < d.n_warnings && !found; i++)
        if (strncmp(d.warnings[i].message, "unknown field", 13) == 0 &&
            strncmp(d.warnings[i].path, prefix, (size_t)n) == 0) {
            snprintf(path, cap, "%s", d.warnings[i].path + n);
            found = 1;
        }
    model_diag_free(&d);
    return found;
}

static enum MHD_Result entity_write(http_req *q, const char *eid)
{
    int kind = route_kind(q, q->r->tmpl);
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    char unknown[256];
    int bad = json_is_object(body) && entity_unknown_field(kind, body, unknown, sizeof unknown);
    json_decref(body);
    if (bad)
        return send_error(q, 400, unknown, "unknown field %s", unknown);
    model_diag d;
    model_diag_init(&d);
    char *out = NULL;
    int rc = io_store_entity_put(q->srv->store, q->param[0], kind, eid, q->r->body, q->r->len,
                                 q->actor, &out, &d);
    enum MHD_Result ret;
    if (rc == IO_OK) {
        if (!eid) {
            json_t *e = json_loads(out, 0, NULL);
            char href[512];
            snprintf(href, sizeof href, "/v1/programs/%s/%s/%s", q->param[0],
                     io_entity_collection(kind), json_string_value(json_object_get(e, "id")));
            json_decref(e);
            ret = send_text(q->conn, q->r, 201, out, "Location", href);
        } else {
            ret = send_raw(q, 200, out);
        }
    } else {
        ret = send_store_error(q, rc, &d, "not found");
    }
    model_diag_free(&d);
    return ret;
}

enum MHD_Result h_entity_create(http_req *q)
{
    return entity_write(q, NULL);
}

enum MHD_Result h_entity_put(http_req *q)
{
    return entity_write(q, q->param[1]);
}

enum MHD_Result h_entity_delete(http_req *q)
{
    model_diag d;
    model_diag_init(&d);
    int rc = io_store_entity_delete(q->srv->store, q->param[0], route_kind(q, q->r->tmpl),
                                    q->param[1], q->actor, &d);
    enum MHD_Result ret = rc == IO_OK ? send_text(q->conn, q->r, 204, NULL, NULL, NULL)
                                      : send_store_error(q, rc, &d, "not found");
    model_diag_free(&d);
    return ret;
}
