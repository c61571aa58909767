/*
 * suggest.c - fill suggestions for seats opened by clinic operations (a
 * confirmed drop, a declined or expired offer), ranked against a stored
 * program's published (else latest) schedule, for the command line.
 */
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

/* Rank the waitlist for events (fill events JSON text) against sol. */
static int rank(const model_instance *before, const model_solution *sol, const char *events,
                char **report, model_diag *d)
{
    solver_fill_event *ev = NULL;
    int n = 0;
    int rc = io_fill_events_parse(events, strlen(events), before, &ev, &n, d);
    if (rc != IO_OK)
        return rc;
    solver_fill_options fo;
    solver_fill_options_default(&fo);
    solver_fill_result *res = NULL;
    int src = solver_fill_run(before, sol, ev, n, &fo, &res, d);
    io_fill_events_free(ev, n);
    if (src != SOLVER_OK)
        return src == SOLVER_EINVAL ? IO_EINVAL : IO_ENOMEM;
    rc = io_fill_report_json(sol, res, &fo, NULL, report);
    solver_fill_result_destroy(res);
    return rc;
}

int io_clinic_suggest(io_store *s, const char *program, const model_instance *before,
                      const char *events, char **report, int *version, model_diag *d)
{
    char *text = NULL;
    int rc = io_store_schedule_get(s, program, -1, &text, version);
    if (rc == IO_STORE_ENOTFOUND)
        model_diag_error(d, "", "no saved schedule: plan the program to get fill suggestions");
    if (rc != IO_OK)
        return rc;
    model_solution *sol = NULL;
    rc = io_solution_parse(text, strlen(text), &sol, d);
    free(text);
    if (rc == IO_OK)
        rc = rank(before, sol, events, report, d);
    model_solution_destroy(sol);
    return rc;
}
