/*
 * handlers_offers.c - Handlers of a stored program's seat offers: the
 * ranked candidates of a group's open seat, offering it, the patient's
 * decision, contact attempts and the list (which expires offers due).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* The offer id of the path ({offer}), or 0 when it is not a number. */
static long long offer_id(http_req *q)
{
    char *end = NULL;
    long long id = strtoll(q->param[1], &end, 10);
    return end && *end == '\0' && id > 0 ? id : 0;
}

/* Answer a store call: status ok with the JSON, else the store error. */
static enum MHD_Result answer(http_req *q, int rc, int ok, char *json, model_diag *d,
                              const char *what)
{
    enum MHD_Result ret = rc == IO_OK ? send_raw(q, ok, json) : send_store_error(q, rc, d, what);
    model_diag_free(d);
    return ret;
}

enum MHD_Result h_seat_candidates(http_req *q)
{
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    int rc = io_store_seat_candidates(q->srv->store, q->param[0], q->param[1], &t, &d);
    if (rc == IO_EINVAL)
        rc = IO_STORE_ENOTFOUND;
    return answer(q, rc, 200, t, &d, "no such program, group or schedule");
}

enum MHD_Result h_offer_create(http_req *q)
{
    if (body_checked(q))
        return MHD_YES;
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    int rc = io_store_offer_create(q->srv->store, q->param[0], q->r->body.data, q->r->body.len, q->actor,
                                   &t, &d);
    return answer(q, rc, 201, t, &d, "no such program");
}

enum MHD_Result h_offer_decide(http_req *q)
{
    if (body_checked(q))
        return MHD_YES;
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    long long id = offer_id(q);
    int rc = id ? io_store_offer_decide(q->srv->store, q->param[0], id, q->r->body.data, q->r->body.len,
                                        q->actor, &t, &d)
                : IO_STORE_ENOTFOUND;
    return answer(q, rc, 200, t, &d, "no such offer");
}

enum MHD_Result h_offer_contact(http_req *q)
{
    if (body_checked(q))
        return MHD_YES;
    model_diag d;
    model_diag_init(&d);
    json_t *c = NULL;
    long long id = offer_id(q);
    int rc = id ? io_store_offer_contact_tree(q->srv->store, q->param[0], id, q->r->body.data,
                                              q->r->body.len, q->actor, &c, &d)
                : IO_STORE_ENOTFOUND;
    enum MHD_Result ret = rc == IO_OK
                              ? send_json(q, 201, json_pack("{s:I,s:o}", "offer", (json_int_t)id,
                                                            "contacts", c),
                                          NULL, NULL)
                              : send_store_error(q, rc, &d, "no such offer");
    model_diag_free(&d);
    return ret;
}

enum MHD_Result h_offers_list(http_req *q)
{
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    int rc = io_store_offers_list(q->srv->store, q->param[0], query(q, "group"),
                                  query(q, "patient"), query(q, "at"), &t);
    if (rc == IO_EINVAL)
        model_diag_error(&d, "at", "not a date-time (YYYY-MM-DDTHH:MM:SSZ)");
    return answer(q, rc, 200, t, &d, "no such program");
}
