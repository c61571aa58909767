/*
 * fuzz_instance.c - libFuzzer harness for the instance and solution
 * readers (io/json/).  For every input: io_instance_parse must answer
 * (never crash, leak or hit undefined behaviour); when the input is a valid
 * instance, writing it out and reading it back must succeed, give the same
 * instance field by field, and write the same text again; a clone must
 * equal it too.  The same input also goes through io_solution_parse and,
 * when accepted, io_solution_to_json + reparse.
 *
 * Build and run: tests/fuzz/run.sh SECONDS (see tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance_eq.h"
#include "io.h"
#include "model.h"

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_instance: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void check_diag(const model_diag *d)
{
    for (int i = 0; i < d->n_errors; i++)
        if (!d->errors[i].path || !d->errors[i].message || !d->errors[i].message[0])
            fail("error without a path or message", NULL);
}

static void instance_round_trip(const model_instance *in)
{
    char *t1 = NULL, *t2 = NULL;
    if (io_instance_to_json(in, &t1) != IO_OK)
        fail("io_instance_to_json failed on a valid instance", NULL);
    model_diag d;
    model_diag_init(&d);
    model_instance *back = NULL;
    if (io_instance_parse(t1, strlen(t1), &back, &d) != IO_OK)
        fail("written instance does not read back",
             d.n_errors ? d.errors[0].message : NULL);
    char where[200];
    if (instance_diff(in, back, where, sizeof where) != 0)
        fail("round trip changed a field", where);
    if (io_instance_to_json(back, &t2) != IO_OK || strcmp(t1, t2) != 0)
        fail("writing is not stable", NULL);
    model_instance *c = model_instance_clone(in);
    if (!c || instance_diff(in, c, where, sizeof where) != 0)
        fail("clone differs", where);
    model_instance_destroy(c);
    model_instance_destroy(back);
    model_diag_free(&d);
    free(t1);
    free(t2);
}

static void solution_round_trip(const model_solution *s)
{
    char *t = NULL;
    if (io_solution_to_json(s, &t) != IO_OK)
        fail("io_solution_to_json failed", NULL);
    model_diag d;
    model_diag_init(&d);
    model_solution *back = NULL;
    if (io_solution_parse(t, strlen(t), &back, &d) != IO_OK)
        fail("written solution does not read back", d.n_errors ? d.errors[0].path : NULL);
    char where[200];
    if (solution_diff(s, back, where, sizeof where) != 0)
        fail("solution round trip changed a field", where);
    model_solution_destroy(back);
    model_diag_free(&d);
    free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    int rc = io_instance_parse((const char *)data, size, &in, &d);
    if (rc == IO_OK) {
        if (!in)
            fail("IO_OK without an instance", NULL);
        instance_round_trip(in);
    } else if (rc == IO_EINVAL) {
        if (in || d.n_errors == 0)
            fail("IO_EINVAL without errors, or with an instance", NULL);
    } else if (rc != IO_ENOMEM) {
        fail("unexpected return code", NULL);
    }
    check_diag(&d);
    char *report = NULL;
    if (io_diag_to_json(&d, "invalid", &report) != IO_OK)
        fail("io_diag_to_json failed", NULL);
    free(report);
    model_instance_destroy(in);
    model_diag_free(&d);

    model_diag_init(&d);
    model_solution *sol = NULL;
    if (io_solution_parse((const char *)data, size, &sol, &d) == IO_OK)
        solution_round_trip(sol);
    check_diag(&d);
    model_solution_destroy(sol);
    model_diag_free(&d);
    return 0;
}
