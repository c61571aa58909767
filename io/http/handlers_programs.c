/*
 * handlers_programs.c - Handlers of the stored programs collection
 * (/v1/programs): list, create, get, replace, delete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* ---- stored programs */

enum MHD_Result h_programs_list(http_req *q)
{
    char *t = NULL;
    io_page pg;
    if (page_params(q, &pg))
        return MHD_YES;
    int rc = io_store_program_list(q->srv->store, &t, &pg);
    return send_page(q, rc, t, &pg, "cannot list");
}

enum MHD_Result h_programs_create(http_req *q)
{
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    if (!json_is_object(body)) {
        json_decref(body);
        return send_error(q, 400, "", "the body must be a JSON object");
    }
    const char *prefix;
    json_t *in = body_instance(body, &prefix);
    const char *id = query(q, "id");
    json_t *idv = prefix ? json_object_get(body, "id") : NULL;
    if (idv && !json_is_string(idv)) {
        json_decref(body);
        return send_error(q, 400, "id", "must be a string");
    }
    if (idv)
        id = json_string_value(idv);
    if (id && !io_store_valid_id(id)) {
        json_decref(body);
        return send_error(q, 400, "id", "a program id is 1..64 characters of A-Z a-z 0-9 . _ -, not . or ..");
    }
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    if (read_instance(q, in, prefix, &inst, &d)) {
        json_decref(body);
        model_diag_free(&d);
        return MHD_YES;
    }
    model_diag_free(&d);
    model_diag_init(&d);
    char *chosen = NULL;
    io_store_rev rv = {0, 0};
    int rc = io_store_program_create(q->srv->store, id, inst, q->actor, &chosen, &d, &rv);
    if (rc == IO_OK)
        set_etag(q, rv.rev);
    json_decref(body);
    model_instance_destroy(inst);
    enum MHD_Result ret;
    if (rc == IO_OK) {
        char href[128];
        snprintf(href, sizeof href, "/v1/programs/%s", chosen);
        ret = send_json(q, 201, json_pack("{s:s,s:s}", "id", chosen, "href", href), "Location",
                        href);
    } else {
        ret = send_store_error(q, rc, &d, "cannot create the program");
    }
    free(chosen);
    model_diag_free(&d);
    return ret;
}

enum MHD_Result h_program_get(http_req *q)
{
    char *t = NULL;
    io_store_rev rv = {0, 0};
    int rc = io_store_program_json(q->srv->store, q->param[0], &t, &rv);
    if (rc != IO_OK)
        return send_store_error(q, rc, NULL, "no such program");
    set_etag(q, rv.rev);
    return send_raw(q, 200, t);
}

enum MHD_Result h_program_put(http_req *q)
{
    io_store_rev rv;
    if (if_match(q, &rv))
        return MHD_YES;
    int sent;
    json_t *body = parse_body(q, 0, &sent);
    if (!body)
        return MHD_YES;
    const char *prefix;
    json_t *in = body_instance(body, &prefix);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    if (read_instance(q, in, prefix, &inst, &d)) {
        json_decref(body);
        model_diag_free(&d);
        return MHD_YES;
    }
    json_decref(body);
    model_diag_free(&d);
    model_diag_init(&d);
    int rc = io_store_program_replace(q->srv->store, q->param[0], inst, q->actor, &d, &rv);
    model_instance_destroy(inst);
    if (rc == IO_OK)
        set_etag(q, rv.rev);
    enum MHD_Result ret = rc == IO_OK ? send_json(q, 200, json_pack("{s:s}", "id", q->param[0]), NULL, NULL)
                                      : send_store_error(q, rc, &d, "no such program");
    model_diag_free(&d);
    return ret;
}

enum MHD_Result h_program_delete(http_req *q)
{
    io_store_rev rv;
    if (if_match(q, &rv))
        return MHD_YES;
    model_diag d;
    model_diag_init(&d);
    int rc = io_store_program_delete(q->srv->store, q->param[0], q->actor, &d, &rv);
    enum MHD_Result ret = rc == IO_OK ? send_text(q->conn, q->r, 204, NULL, NULL, NULL)
                                      : send_store_error(q, rc, &d, "no such program");
    model_diag_free(&d);
    return ret;
}
