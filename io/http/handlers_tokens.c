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
    int rc = io_store_token_list(q->srv->store, &t);
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "cannot list");
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
    const char *l = query(q, "limit");
    int limit = l ? atoi(l) : 100;
    if (limit <= 0 || limit > 10000)
        return send_error(q, 400, "limit", "must be 1..10000");
    char *t = NULL;
    int rc = io_store_audit_list(q->srv->store, query(q, "program"), limit, &t);
    return rc == IO_OK ? send_raw(q, 200, t) : send_store_error(q, rc, NULL, "cannot list");
}
