/*
 * handlers_census.c - Handlers of a stored program's census and billing
 * (io/clinic/census.c) for a week or a month, and the waitlist positions
 * and expected waits (io/clinic/waitlist.c).
 */
#include "http_private.h"

enum MHD_Result h_census(http_req *q)
{
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    int rc = io_clinic_census(q->srv->store, q->param[0], query(q, "period"), query(q, "start"),
                              &t, &d);
    enum MHD_Result ret = rc == IO_OK ? send_raw(q, 200, t)
                                      : send_store_error(q, rc, &d, "no such program");
    model_diag_free(&d);
    return ret;
}

enum MHD_Result h_waitlist(http_req *q)
{
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    io_page pg;
    if (page_params(q, &pg)) {
        model_diag_free(&d);
        return MHD_YES;
    }
    int rc = io_clinic_waitlist(q->srv->store, q->param[0], query(q, "patient"), &t, &d);
    enum MHD_Result ret = rc == IO_OK ? send_array_page(q, rc, t, &pg, "no such program")
                                      : send_store_error(q, rc, &d, "no such program");
    model_diag_free(&d);
    return ret;
}
