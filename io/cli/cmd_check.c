/* cmd_check.c - `cohort check INSTANCE SOLUTION [--json] [-o OUT]`: verify
 * every hard rule on a solution file (model_check) and the figures it
 * reports. */
#include <getopt.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort check INSTANCE SOLUTION [--json] [-o OUT]\n"
            "Verify a solution (any tool's, or written by hand) against its instance:\n"
            "every hard rule 1-10 of the SPEC, each violation named with its rule and\n"
            "entities; the metrics and objective terms are recomputed and every figure\n"
            "the solution misreports is listed (relative tolerance 1e-6).  A relaxed plan's\n"
            "exceptions[] are accepted when each is real (the group really runs without a\n"
            "substitute, below min_size, or does not run): a real exception excuses the\n"
            "violation it declares, one that is not real is reported (docs/FORMAT.md).\n\n"
            "  --json        print {\"status\":\"ok\"|\"violations\",\"violations\":[{\"rule\",\n"
            "                \"entity\",\"message\"}],\"metrics_mismatches\":[{\"field\",\"reported\",\n"
            "                \"expected\",\"message\"}],\"metrics\":{recomputed},...}\n"
            "  -o, --output  write the report to OUT instead of stdout\n"
            "  -h, --help    show this help\n\n"
            "Exit codes: 0 no violation and no misreported figure, 5 any, 2 invalid\n"
            "input file, 1 internal error.\n");
}

/* Recomputed metrics/terms in the solution format: serialise a solution
 * that holds only them and take the parts back out, so that the field
 * names are exactly those of io_solution_to_json. */
static int put_recomputed(json_t *root, const model_check_report *rep)
{
    model_solution tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.status = MODEL_STATUS_FEASIBLE;
    tmp.metrics = rep->metrics; /* borrowed, not freed here */
    tmp.terms = rep->terms;
    tmp.objective = rep->objective;
    json_t *s = io_solution_to_tree(&tmp);
    if (!s)
        return -1;
    int rc = 0;
    json_t *m = json_object_get(s, "metrics"), *t = json_object_get(s, "objective_terms");
    if (!m || !t || json_object_set(root, "metrics", m) || json_object_set(root, "objective_terms", t))
        rc = -1;
    json_decref(s);
    return rc;
}

static char *report_json(const model_check_report *rep, const char *inst_path,
                         const char *sol_path)
{
    json_t *o = json_object(), *v = json_array(), *m = json_array();
    int bad = !o || !v || !m;
    bool any = rep->n_violations > 0 || rep->n_mismatches > 0;
    for (int i = 0; !bad && i < rep->n_violations; i++) {
        const model_violation *x = &rep->violations[i];
        bad |= json_array_append_new(v, json_pack("{s:i, s:s, s:s}", "rule", x->rule, "entity",
                                                  x->entity, "message", x->message));
    }
    for (int i = 0; !bad && i < rep->n_mismatches; i++) {
        const model_metric_mismatch *x = &rep->mismatches[i];
        bad |= json_array_append_new(m, json_pack("{s:s, s:f, s:f, s:s}", "field", x->field,
                                                  "reported", x->reported, "expected",
                                                  x->expected, "message", x->message));
    }
    if (!bad) {
        bad |= json_object_set_new(o, "status", json_string(any ? "violations" : "ok"));
        bad |= json_object_set_new(o, "instance", json_string(inst_path));
        bad |= json_object_set_new(o, "solution", json_string(sol_path));
        bad |= json_object_set(o, "violations", v);
        bad |= json_object_set(o, "metrics_mismatches", m);
        bad |= json_object_set_new(o, "metrics_compared", json_boolean(rep->metrics_reported));
        bad |= json_object_set_new(o, "objective_terms_compared",
                                   json_boolean(rep->terms_reported));
        bad |= json_object_set_new(o, "objective", json_real(rep->objective));
        bad |= json_object_set_new(o, "exceptions_accepted",
                                   json_integer(rep->exceptions_accepted));
        bad |= put_recomputed(o, rep);
    }
    char *text = bad ? NULL : json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(v);
    json_decref(m);
    json_decref(o);
    return text;
}

static char *report_text(const model_check_report *rep, const char *sol_path)
{
    io_buf b = {0}, *f = &b;
    for (int i = 0; i < rep->n_violations; i++)
        io_buf_printf(f, "rule %d: %s\n", rep->violations[i].rule, rep->violations[i].message);
    for (int i = 0; i < rep->n_mismatches; i++)
        io_buf_printf(f, "misreported: %s\n", rep->mismatches[i].message);
    const model_metrics *mt = &rep->metrics;
    if (rep->n_violations == 0 && rep->n_mismatches == 0) {
        io_buf_printf(f, "%s: ok, every hard rule holds", sol_path);
        if (rep->exceptions_accepted > 0)
            io_buf_printf(f, " except the %d declared exception(s), each of them real,",
                          rep->exceptions_accepted);
        if (rep->metrics_reported)
            io_buf_printf(f, " and the reported metrics match");
        else
            io_buf_printf(f, " (the solution reports no metrics; not compared)");
        io_buf_putc(f, '\n');
    } else {
        int rules[11] = {0};
        for (int i = 0; i < rep->n_violations; i++)
            if (rep->violations[i].rule >= 0 && rep->violations[i].rule <= 10)
                rules[rep->violations[i].rule]++;
        io_buf_printf(f, "%s: %d violation(s)", sol_path, rep->n_violations);
        const char *sep = " of rule ";
        for (int r = 0; r <= 10; r++)
            if (rules[r]) {
                io_buf_printf(f, "%s%d", sep, r);
                sep = ", ";
            }
        io_buf_printf(f, "; %d misreported figure(s)\n", rep->n_mismatches);
    }
    io_buf_printf(f,
                  "recomputed: %d groups running, %d/%d seats filled, %d placed "
                  "(waitlist %d -> %d), %ld member-sessions, projected revenue %.2f, "
                  "%d uncovered session(s), objective %.4f",
                  mt->groups_running, mt->seats_filled, mt->seats, mt->placed, mt->waitlist_before,
                  mt->waitlist_after, mt->member_sessions, mt->projected_revenue,
                  mt->uncovered_sessions, rep->objective);
    return io_buf_take(f, NULL);
}

/* Read one input file; on errors print them (or collect them into errs
 * for --json) naming the file.  Returns IO_OK / IO_EINVAL / IO_ENOMEM. */
static int read_input(const char *path, model_instance **inst, model_solution **sol,
                      json_t *errs, int json)
{
    model_diag d;
    model_diag_init(&d);
    bool is_solution = sol != NULL;
    int rc = is_solution ? io_solution_read_file(path, sol, &d)
                         : io_instance_read_file(path, inst, &d);
    if (rc != IO_OK && rc != IO_ENOMEM) {
        for (int i = 0; i < d.n_errors; i++) {
            if (json) {
                json_array_append_new(errs, json_pack("{s:s, s:s, s:s}", "file", path, "path",
                                                      d.errors[i].path, "message",
                                                      d.errors[i].message));
            } else {
                fprintf(stderr, "error: %s: %s: %s\n", path,
                        d.errors[i].path[0] ? d.errors[i].path : "(file)", d.errors[i].message);
            }
        }
        if (!json)
            fprintf(stderr, "cohort check: %s %s is invalid (%d error(s))\n",
                    is_solution ? "solution" : "instance", path, d.n_errors);
        rc = IO_EINVAL;
    }
    model_diag_free(&d);
    return rc;
}

int io_cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int json = 0, c;
    const char *out_path = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'o': out_path = optarg; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    if (optind != argc - 2) {
        fprintf(stderr, "cohort check: expected an instance file and a solution file\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    const char *inst_path = argv[optind], *sol_path = argv[optind + 1];
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    json_t *errs = json ? json_array() : NULL;
    if (json && !errs) {
        fprintf(stderr, "cohort check: out of memory\n");
        return COHORT_EXIT_INTERNAL;
    }
    int r1 = read_input(inst_path, &inst, NULL, errs, json);
    int r2 = read_input(sol_path, NULL, &sol, errs, json);
    int exit_code;
    if (r1 == IO_ENOMEM || r2 == IO_ENOMEM) {
        fprintf(stderr, "cohort check: out of memory\n");
        exit_code = COHORT_EXIT_INTERNAL;
        goto done;
    }
    if (r1 != IO_OK || r2 != IO_OK) {
        exit_code = COHORT_EXIT_INVALID;
        if (json) {
            json_t *o = json_pack("{s:s, s:O}", "status", "invalid", "errors", errs);
            char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
            if (!text || io_emit(out_path, text) != COHORT_EXIT_OK)
                exit_code = COHORT_EXIT_INTERNAL;
            free(text);
            json_decref(o);
        }
        goto done;
    }
    model_check_report rep;
    int rc = model_check(inst, sol, &rep);
    if (rc != MODEL_OK) {
        fprintf(stderr, "cohort check: %s\n", rc == MODEL_ENOMEM ? "out of memory" : "internal error");
        exit_code = COHORT_EXIT_INTERNAL;
        goto done;
    }
    exit_code = rep.n_violations > 0 || rep.n_mismatches > 0 ? COHORT_EXIT_VIOLATIONS
                                                              : COHORT_EXIT_OK;
    char *text = json ? report_json(&rep, inst_path, sol_path) : report_text(&rep, sol_path);
    if (!text) {
        fprintf(stderr, "cohort check: out of memory\n");
        exit_code = COHORT_EXIT_INTERNAL;
    } else {
        size_t n = strlen(text);
        while (n > 0 && text[n - 1] == '\n')
            text[--n] = '\0';
        if (io_emit(out_path, text) != COHORT_EXIT_OK)
            exit_code = COHORT_EXIT_INTERNAL;
    }
    free(text);
    model_check_report_free(&rep);
done:
    json_decref(errs);
    model_instance_destroy(inst);
    model_solution_destroy(sol);
    return exit_code;
}
