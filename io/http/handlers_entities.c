/*
 * handlers_entities.c - Handlers of one program's entity collections (group
 * types, groups, rooms, facilitators, patients): list, create, get, replace,
 * delete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    io_page pg;
    if (page_params(q, &pg))
        return MHD_YES;
    int rc = io_store_entity_list(q->srv->store, q->param[0], route_kind(q, q->r->tmpl), &t, &pg);
    return send_page(q, rc, t, &pg, "no such program");
}

enum MHD_Result h_entity_get(http_req *q)
{
    char *t = NULL;
    int kind = route_kind(q, q->r->tmpl);
    io_store_rev rv = {0, 0};
    int rc = io_store_entity_get(q->srv->store, q->param[0], kind, q->param[1], &t, &rv);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such program or %s entry",
                          io_entity_collection(kind));
    if (rc != IO_OK)
        return send_store_error(q, rc, NULL, "not found");
    set_etag(q, rv.rev);
    return send_raw(q, 200, t);
}

/* The first member of an entity the instance reader does not know, as
 * its path in the entity ("zzz", "available[0].zzz"), into path; 0 when
 * none.  The entity is read as the only entry of its collection of an
 * otherwise empty instance: only its "unknown field" warnings count. */
static int entity_unknown_field(int kind, json_t *entity, char *path, size_t cap)
{
    const char *coll = io_entity_collection(kind);
    json_t *doc = json_pack("{s:[O]}", coll, entity);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    if (doc)
        io_instance_from_tree(doc, &inst, &d);
    json_decref(doc);
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

/* Store entity (a tree, borrowed) as a create (eid NULL) or a replace of
 * eid under rv's precondition, and answer: 201 with Location, or 200;
 * both with the entity as stored and the program's new ETag.  A member the
 * instance reader does not know is 400 naming it, and nothing is stored.
 * With rc_out, the store's status goes there and a failed precondition is
 * left to the caller to answer. */
static enum MHD_Result entity_store(http_req *q, const char *eid, json_t *entity,
                                    io_store_rev *rv, int *rc_out)
{
    int kind = route_kind(q, q->r->tmpl);
    char unknown[256];
    if (json_is_object(entity) && entity_unknown_field(kind, entity, unknown, sizeof unknown)) {
        if (rc_out)
            *rc_out = IO_EINVAL;
        return send_error(q, 400, unknown, "unknown field %s", unknown);
    }
    model_diag d;
    model_diag_init(&d);
    json_t *out = NULL;
    int rc = io_store_entity_put_tree(q->srv->store, q->param[0], kind, eid, entity, q->actor,
                                      &out, &d, rv);
    if (rc_out)
        *rc_out = rc;
    enum MHD_Result ret = MHD_YES;
    if (rc == IO_OK) {
        set_etag(q, rv->rev);
        if (!eid) {
            char href[512];
            snprintf(href, sizeof href, "/v1/programs/%s/%s/%s", q->param[0],
                     io_entity_collection(kind), json_string_value(json_object_get(out, "id")));
            ret = send_json(q, 201, out, "Location", href);
        } else {
            ret = send_json(q, 200, out, NULL, NULL);
        }
    } else if (rc != IO_STORE_EPRECOND || !rc_out) {
        ret = send_store_error(q, rc, &d, "not found");
    }
    model_diag_free(&d);
    return ret;
}

static enum MHD_Result entity_write(http_req *q, const char *eid)
{
    io_store_rev rv = {0, 0};
    if (eid && if_match(q, &rv))
        return MHD_YES;
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    enum MHD_Result ret = entity_store(q, eid, body, &rv, NULL);
    json_decref(body);
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
    io_store_rev rv;
    if (if_match(q, &rv))
        return MHD_YES;
    model_diag d;
    model_diag_init(&d);
    int rc = io_store_entity_delete(q->srv->store, q->param[0], route_kind(q, q->r->tmpl),
                                    q->param[1], q->actor, &d, &rv);
    enum MHD_Result ret = rc == IO_OK ? send_text(q->conn, q->r, 204, NULL, NULL, NULL)
                                      : send_store_error(q, rc, &d, "not found");
    model_diag_free(&d);
    return ret;
}

/* RFC 7396: target with patch merged in (a new reference; target is not
 * changed). */
static json_t *merge_patch(json_t *target, json_t *patch)
{
    if (!json_is_object(patch))
        return json_incref(patch);
    json_t *out = json_is_object(target) ? json_copy(target) : json_object();
    const char *k;
    json_t *v;
    json_object_foreach(patch, k, v)
    {
        if (!out)
            break;
        if (json_is_null(v))
            json_object_del(out, k);
        else
            json_object_set_new(out, k, merge_patch(json_object_get(out, k), v));
    }
    return out;
}

/* Is the request's Content-Type application/merge-patch+json? */
static int is_merge_patch(http_req *q)
{
    const char *ct = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
    static const char MT[] = "application/merge-patch+json";
    return ct && strncasecmp(ct, MT, sizeof MT - 1) == 0 &&
           (ct[sizeof MT - 1] == '\0' || ct[sizeof MT - 1] == ';' || ct[sizeof MT - 1] == ' ');
}

/* PATCH: read the entry and its revision, merge the patch, store it only
 * if the program is still at that revision (or If-Match's); without
 * If-Match a concurrent change is merged again, up to three times. */
enum MHD_Result h_entity_patch(http_req *q)
{
    if (!is_merge_patch(q))
        return send_error(q, 415, NULL, "PATCH takes application/merge-patch+json (RFC 7396)");
    io_store_rev want;
    if (if_match(q, &want))
        return MHD_YES;
    int sent;
    json_t *patch = parse_body(q, 0, &sent);
    if (!patch)
        return MHD_YES;
    if (!json_is_object(patch)) {
        json_decref(patch);
        return send_error(q, 400, "", "a merge patch of an entry must be a JSON object");
    }
    int kind = route_kind(q, q->r->tmpl);
    enum MHD_Result ret = MHD_YES;
    for (int attempt = 0; attempt < 3; attempt++) {
        char *cur = NULL;
        io_store_rev rv = {0, 0};
        int rc = io_store_entity_get(q->srv->store, q->param[0], kind, q->param[1], &cur, &rv);
        if (rc != IO_OK) {
            ret = rc == IO_STORE_ENOTFOUND
                      ? send_error(q, 404, NULL, "no such program or %s entry",
                                   io_entity_collection(kind))
                      : send_store_error(q, rc, NULL, "not found");
            break;
        }
        if (want.if_rev && want.if_rev != rv.rev) {
            free(cur);
            ret = send_error(q, 412, NULL,
                             "the program has changed since that revision (If-Match)");
            break;
        }
        json_t *old = json_loads(cur, 0, NULL);
        free(cur);
        json_t *merged = merge_patch(old, patch);
        json_decref(old);
        if (!merged) {
            ret = send_error(q, 500, NULL, "out of memory");
            break;
        }
        rv.if_rev = rv.rev;
        int src = IO_OK;
        ret = entity_store(q, q->param[1], merged, &rv, want.if_rev ? NULL : &src);
        json_decref(merged);
        if (src != IO_STORE_EPRECOND)
            break;
        if (attempt == 2)
            ret = send_error(q, 409, NULL, "the program kept changing; try again");
    }
    json_decref(patch);
    return ret;
}
