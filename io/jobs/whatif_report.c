/*
 * whatif_report.c - the what-if report: each job's figures, its summary
 * and differences to the baseline (JSON), and the side-by-side table.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whatif_private.h"

/* ------------------------------------------------------ comparison JSON */

static const char *const SUMMARY[] = {"groups_running", "placed", "waitlist_after",
                                      "seats", "seats_filled", "member_sessions",
                                      "projected_revenue", "load_mean", "load_max",
                                      "uncovered_sessions", "mean_wait_days_placed", NULL};

/* Summary figures of a worker result (NULL when it has no metrics). */
static json_t *summary_of(json_t *res)
{
    json_t *m = res ? json_object_get(res, "metrics") : NULL;
    if (!m)
        return NULL;
    json_t *s = json_object();
    for (int i = 0; SUMMARY[i]; i++) {
        json_t *v = json_object_get(m, SUMMARY[i]);
        if (v && json_is_number(v))
            json_object_set(s, SUMMARY[i], v);
    }
    json_t *load = json_object_get(m, "facilitator_load");
    double sum = 0, mx = 0;
    int cnt = 0;
    const char *k;
    json_t *v;
    json_object_foreach(load, k, v) {
        double x = json_number_value(v);
        sum += x;
        if (x > mx)
            mx = x;
        cnt++;
    }
    json_object_set_new(s, "load_mean", json_real(cnt ? sum / cnt : 0.0));
    json_object_set_new(s, "load_max", json_real(mx));
    return s;
}

static json_t *num_diff(json_t *a, json_t *b)
{
    if (json_is_integer(a) && json_is_integer(b))
        return json_integer(json_integer_value(a) - json_integer_value(b));
    return json_real(json_number_value(a) - json_number_value(b));
}

/* differences = scenario - baseline, per summary figure and per
 * facilitator's load (a facilitator missing on one side counts 0). */
json_t *wi_differences(json_t *base_res, json_t *res)
{
    json_t *a = summary_of(res), *b = summary_of(base_res);
    json_t *d = NULL;
    if (a && b) {
        d = json_object();
        for (int i = 0; SUMMARY[i]; i++) {
            json_t *x = json_object_get(a, SUMMARY[i]), *y = json_object_get(b, SUMMARY[i]);
            if (x && y)
                json_object_set_new(d, SUMMARY[i], num_diff(x, y));
        }
        json_t *la = json_object_get(json_object_get(res, "metrics"), "facilitator_load");
        json_t *lb = json_object_get(json_object_get(base_res, "metrics"), "facilitator_load");
        json_t *ld = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(la, k, v) {
            json_t *w = json_object_get(lb, k);
            json_object_set_new(ld, k, json_real(json_number_value(v) - (w ? json_number_value(w) : 0)));
        }
        json_object_foreach(lb, k, v) {
            if (!json_object_get(la, k))
                json_object_set_new(ld, k, json_real(-json_number_value(v)));
        }
        json_object_set_new(d, "facilitator_load", ld);
    }
    json_decref(a);
    json_decref(b);
    return d;
}

/* |bound - objective| of a result: how far its objective may be from the
 * best (0 without a bound). */
static double abs_gap(json_t *res)
{
    json_t *o = json_object_get(res, "objective"), *b = json_object_get(res, "bound");
    if (!json_is_number(o) || !json_is_number(b))
        return 0.0;
    double g = fabs(json_number_value(b) - json_number_value(o));
    return isfinite(g) ? g : 0.0;
}

/* Is the scenario's difference to the baseline more than solver noise?
 * |objective difference| <= the larger of the two absolute gaps means "no
 * measurable change", for every figure.  Sets differences.objective and
 * the entry's "noise" and "measurable". */
static void measurability(json_t *o, json_t *d, json_t *base_res, json_t *res)
{
    double dobj = json_number_value(json_object_get(res, "objective")) -
                  json_number_value(json_object_get(base_res, "objective"));
    double noise = fmax(abs_gap(base_res), abs_gap(res));
    json_object_set_new(d, "objective", json_real(dobj));
    json_object_set_new(o, "noise", json_real(noise));
    json_object_set_new(o, "measurable", json_boolean(fabs(dobj) > noise + 1e-6));
}

json_t *wi_job_json(wjob *j, json_t *base_res)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(j->name));
    bool ok = false;
    if (!j->inst) {
        json_object_set_new(o, "status", json_string("invalid"));
        if (j->errors)
            json_object_set(o, "errors", j->errors);
        else
            json_object_set_new(o, "errors", json_array());
    } else if (j->failure) {
        json_object_set_new(o, "status", json_string("failed"));
        json_object_set_new(o, "error", json_string(j->failure));
    } else {
        json_t *r = j->result;
        const char *st = json_string_value(json_object_get(r, "status"));
        json_object_set_new(o, "status", json_string(st ? st : "failed"));
        ok = json_object_get(r, "metrics") != NULL;
        static const char *const keep[] = {"objective", "bound",   "gap",
                                           "solve_seconds", "error", "diagnosis",
                                           "metrics",   "warm_start", "exceptions", NULL};
        for (int i = 0; keep[i]; i++) {
            json_t *v = json_object_get(r, keep[i]);
            if (v)
                json_object_set(o, keep[i], v);
        }
        json_t *pid = json_object_get(r, "pid");
        if (pid)
            json_object_set(o, "worker_pid", pid);
        json_object_set_new(o, "worker_seconds", json_real(j->finished - j->started));
    }
    json_object_set_new(o, "ok", json_boolean(ok));
    if (j->warnings && json_array_size(j->warnings) > 0)
        json_object_set(o, "warnings", j->warnings);
    if (j->extra)
        json_object_set(o, "added", j->extra);
    json_t *s = ok ? summary_of(j->result) : NULL;
    if (s)
        json_object_set_new(o, "summary", s);
    if (j->kind != 0) {
        json_t *d = ok && base_res ? wi_differences(base_res, j->result) : NULL;
        if (d)
            measurability(o, d, base_res, j->result);
        json_object_set_new(o, "differences", d ? d : json_null());
    }
    return o;
}

/* --------------------------------------------------------------- table */

/* One table cell: the figure v and, for a scenario, its difference d in
 * brackets ("(=)" none, "(~)" when the change is not measurable). */
static void cell(char *buf, size_t n, json_t *v, json_t *d, bool money, bool measurable)
{
    if (!v) {
        snprintf(buf, n, "-");
        return;
    }
    char a[40], b[40] = "";
    double x = json_number_value(v);
    if (money)
        snprintf(a, sizeof a, "%.0f", x);
    else if (json_is_integer(v))
        snprintf(a, sizeof a, "%lld", (long long)json_integer_value(v));
    else
        snprintf(a, sizeof a, "%.1f", x);
    if (d && json_is_number(d)) {
        double y = json_number_value(d);
        if (!measurable)
            snprintf(b, sizeof b, " (~)");
        else if (fabs(y) < 1e-9)
            snprintf(b, sizeof b, " (=)");
        else if (money)
            snprintf(b, sizeof b, " (%+.0f)", y);
        else if (json_is_integer(d))
            snprintf(b, sizeof b, " (%+lld)", (long long)json_integer_value(d));
        else
            snprintf(b, sizeof b, " (%+.1f)", y);
    }
    snprintf(buf, n, "%s%s", a, b);
}

static void print_block(FILE *f, json_t *cols)
{
    static const char *const label[] = {"groups running", "placements", "waitlist after",
                                        "seats", "seats filled", "member-sessions",
                                        "revenue (quarter)", "facilitator load (mean)",
                                        "facilitator load (max)", "uncovered sessions",
                                        "mean wait of placed (d)"};
    size_t nc = json_array_size(cols);
    fprintf(f, "%-24s", "");
    for (size_t c = 0; c < nc; c++) {
        const char *nm = json_string_value(json_object_get(json_array_get(cols, c), "name"));
        fprintf(f, " %18.18s", nm ? nm : "?");
    }
    fprintf(f, "\n%-24s", "status");
    for (size_t c = 0; c < nc; c++) {
        const char *st = json_string_value(json_object_get(json_array_get(cols, c), "status"));
        fprintf(f, " %18.18s", st ? st : "?");
    }
    fprintf(f, "\n");
    for (int i = 0; SUMMARY[i]; i++) {
        fprintf(f, "%-24s", label[i]);
        for (size_t c = 0; c < nc; c++) {
            json_t *o = json_array_get(cols, c);
            char buf[64];
            cell(buf, sizeof buf, json_object_get(json_object_get(o, "summary"), SUMMARY[i]),
                 json_object_get(json_object_get(o, "differences"), SUMMARY[i]),
                 strcmp(SUMMARY[i], "projected_revenue") == 0,
                 !json_is_false(json_object_get(o, "measurable")));
            fprintf(f, " %18s", buf);
        }
        fprintf(f, "\n");
    }
}

int io_whatif_print_table(FILE *f, const char *text)
{
    json_t *root = json_loads(text, 0, NULL);
    if (!root)
        return IO_EINVAL;
    int rc = io_whatif_table_tree(f, root);
    json_decref(root);
    return rc;
}

int io_whatif_table_tree(FILE *f, const json_t *tree)
{
    /* only read: Jansson's getters just lack const */
    json_t *root = (json_t *)tree;
    json_t *cols = json_array();
    json_array_append(cols, json_object_get(root, "baseline"));
    json_t *sc = json_object_get(root, "scenarios");
    size_t i;
    json_t *v;
    json_array_foreach(sc, i, v) json_array_append(cols, v);
    /* Baseline + four scenarios per block keeps lines under ~120 columns. */
    size_t nc = json_array_size(cols);
    for (size_t s = 1; s < nc || s == 1; s += 4) {
        json_t *blk = json_array();
        json_array_append(blk, json_array_get(cols, 0));
        for (size_t k = s; k < nc && k < s + 4; k++)
            json_array_append(blk, json_array_get(cols, k));
        if (s > 1)
            fprintf(f, "\n");
        print_block(f, blk);
        json_decref(blk);
    }
    json_decref(cols);
    json_array_foreach(sc, i, v) {
        const char *st = json_string_value(json_object_get(v, "status"));
        const char *nm = json_string_value(json_object_get(v, "name"));
        json_t *e;
        size_t k;
        if (st && strcmp(st, "invalid") == 0) {
            fprintf(f, "\nscenario '%s' is invalid:\n", nm ? nm : "?");
            json_array_foreach(json_object_get(v, "errors"), k, e)
                fprintf(f, "  error: %s: %s\n", json_string_value(json_object_get(e, "path")),
                        json_string_value(json_object_get(e, "message")));
        } else if (json_object_get(v, "error")) {
            fprintf(f, "\nscenario '%s' failed: %s\n", nm ? nm : "?",
                    json_string_value(json_object_get(v, "error")));
        }
        if (json_is_false(json_object_get(v, "measurable")))
            fprintf(f, "\nscenario '%s': no measurable change (objective %+.1f against the "
                       "baseline, within the plans' gaps of %.1f)\n",
                    nm ? nm : "?",
                    json_number_value(json_object_get(json_object_get(v, "differences"),
                                                      "objective")),
                    json_number_value(json_object_get(v, "noise")));
        json_array_foreach(json_object_get(v, "diagnosis"), k, e)
            fprintf(f, "  %s: %s\n", nm ? nm : "?", json_string_value(e));
        json_array_foreach(json_object_get(v, "exceptions"), k, e)
            fprintf(f, "  %s: relaxed plan, exception (rule %lld): %s\n", nm ? nm : "?",
                    (long long)json_integer_value(json_object_get(e, "rule")),
                    json_string_value(json_object_get(e, "why")));
        json_array_foreach(json_object_get(v, "warnings"), k, e)
            fprintf(f, "  warning (%s): %s: %s\n", nm ? nm : "?",
                    json_string_value(json_object_get(e, "path")),
                    json_string_value(json_object_get(e, "message")));
    }
    json_t *bl = json_object_get(root, "bottlenecks");
    if (bl) {
        fprintf(f, "\nMarginal value per quarter (one more of each; ranked):\n");
        fprintf(f, "  %4s  %-28s %12s %14s\n", "rank", "addition", "placements", "revenue");
        json_array_foreach(bl, i, v) {
            long long rank = (long long)json_integer_value(json_object_get(v, "rank"));
            const char *nm = json_string_value(json_object_get(v, "name"));
            if (json_is_false(json_object_get(v, "measurable")))
                fprintf(f, "  %4lld  %-28s %27s\n", rank, nm, "no measurable change");
            else
                fprintf(f, "  %4lld  %-28s %+12.1f %+14.0f\n", rank, nm,
                        json_number_value(json_object_get(v, "placements_per_quarter")),
                        json_number_value(json_object_get(v, "revenue_per_quarter")));
        }
        json_t *ma = json_object_get(root, "marginal");
        json_array_foreach(ma, i, v) {
            if (!json_object_get(v, "rank"))
                fprintf(f, "  (%s: %s)\n", json_string_value(json_object_get(v, "name")),
                        json_string_value(json_object_get(v, "status")));
        }
    }
    return IO_OK;
}
