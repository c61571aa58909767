/*
 * handlers_tokens.c - Handlers of API tokens (list, create, revoke) and of
 * the audit trail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* ---- tokens and audit */

enum MHD_Result h_tokens_list(http_req *q)
{
    char *t = NULL;
    io_page pg;
    if (page_params(q, &pg))
        return MHD_YES;
    int rc = io_store_token_list(q->srv->store, &t, &pg);
    return send_page(q, rc, t, &pg, "cannot list");
}

enum MHD_Result h_tokens_create(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    int role = io_role_parse(json_string_value(json_object_get(body, "role")));
    json_t *name = json_object_get(body, "name");
    if (role < 0) {
        json_decref(body);
        return send_error(q, 400, "role", "must be \"viewer\", \"coordinator\" or \"admin\"");
    }
    if (name && !json_is_string(name)) {
        json_decref(body);
        return send_error(q, 400, "name", "must be a string");
    }
    char *secret = NULL;
    long id = 0;
    int rc = io_store_token_create(q->srv->store, role, json_string_value(name), q->actor, &secret,
                                   &id);
    enum MHD_Result ret;
    if (rc == IO_OK)
        ret = send_json(q, 201,
                        json_pack("{s:I,s:s,s:s?,s:s}", "id", (json_int_t)id, "role",
                                  io_role_name(role), "name", json_string_value(name), "token",
                                  secret),
                        NULL, NULL);
    else
        ret = send_store_error(q, rc, NULL, "cannot create the token");
    json_decref(body);
    free(secret);
    return ret;
}

enum MHD_Result h_token_delete(http_req *q)
{
    char *end;
    long id = strtol(q->param[0], &end, 10);
    if (!q->param[0][0] || *end || id <= 0)
        return send_error(q, 404, NULL, "no such token");
    int rc = io_store_token_revoke(q->srv->store, id, q->actor);
    if (rc == IO_STORE_ENOTFOUND)
        return send_error(q, 404, NULL, "no such live token");
    return rc == IO_OK ? send_text(q->conn, q->r, 204, NULL, NULL, NULL)
                       : send_store_error(q, rc, NULL, "cannot revoke");
}

enum MHD_Result h_audit(http_req *q)
{
    io_page pg;
    if (page_params(q, &pg))
        return MHD_YES;
    const char *l = query(q, "limit"); /* deprecated: page_size */
    if (l && !query(q, "page_size")) {
        char *end;
        long v = strtol(l, &end, 10);
        if (!*l || *end || v < 1 || v > PAGE_MAX)
            return send_error(q, 400, "limit", "must be an integer 1..%d", PAGE_MAX);
        pg.size = (int)v;
    }
    char *t = NULL;
    int rc = io_store_audit_list(q->srv->store, query(q, "program"), &t, &pg);
    return send_page(q, rc, t, &pg, "cannot list");
}
