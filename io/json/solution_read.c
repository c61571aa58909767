/*
 * solution_read.c - reading a solution from a Jansson tree or from text;
 * lenient: only types are checked, so any tool's file reads.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_private.h"
/* Optional string-or-null field. */
static void s_optstr(rd *r, json_t *o, const char *key, char **out)
{
    rd_str(r, o, key, false, out);
}

/* Optional real, null/absent = NaN. */
static void s_real(rd *r, json_t *o, const char *key, double *out, double dflt)
{
    *out = dflt;
    rd_double(r, o, key, false, out);
}

static void s_long(rd *r, json_t *o, const char *key, long *out)
{
    rd_long(r, o, key, false, out);
}

static void read_issues(rd *r, json_t *o, const char *key, model_diag *into, int warnings)
{
    json_t *a = rd_array(r, o, key, false, NULL);
    if (!a)
        return;
    size_t sk = rd_path_key(r, key);
    size_t i;
    json_t *e;
    json_array_foreach (a, i, e) {
        size_t si = rd_path_idx(r, i);
        if (rd_elem_object(r, e)) {
            char *p = NULL, *m = NULL;
            rd_str(r, e, "path", false, &p);
            rd_str(r, e, "message", false, &m);
            int rc = warnings ? model_diag_warning(into, p ? p : "", "%s", m ? m : "")
                              : model_diag_error(into, p ? p : "", "%s", m ? m : "");
            if (rc != MODEL_OK)
                r->nomem = 1;
            free(p);
            free(m);
        }
        rd_path_pop(r, si);
    }
    rd_path_pop(r, sk);
}

static void read_sol_group(rd *r, json_t *e, model_sol_group *g)
{
    g->running = true;
    g->day = g->start = g->end = -1;
    rd_str(r, e, "id", true, &g->id);
    s_optstr(r, e, "type", &g->type);
    rd_bool(r, e, "running", false, &g->running);
    rd_day(r, e, "day", false, &g->day);
    rd_time(r, e, "start", false, &g->start);
    rd_time_end(r, e, "end", false, &g->end);
    s_optstr(r, e, "room", &g->room);
    rd_strlist_sol(r, e, "facilitators", false, &g->facilitators);
    s_optstr(r, e, "substitute", &g->substitute);
    rd_strlist_sol(r, e, "members", false, &g->members);
    rd_strlist_sol(r, e, "new_members", false, &g->new_members);
    rd_int(r, e, "week_parity", false, &g->week_parity);
    g->week_parity_absent = !json_object_get(e, "week_parity");
}

static void read_sol_session(rd *r, json_t *e, model_sol_session *s)
{
    s->date = s->start = s->end = -1;
    rd_str(r, e, "group", true, &s->group);
    rd_date(r, e, "date", true, &s->date);
    rd_time(r, e, "start", false, &s->start);
    rd_time_end(r, e, "end", false, &s->end);
    s_optstr(r, e, "room", &s->room);
    rd_strlist_sol(r, e, "facilitators", false, &s->facilitators);
    s_optstr(r, e, "covered_by", &s->covered_by);
    rd_bool(r, e, "uncovered", false, &s->uncovered);
}

static void w_sol_group(rd *r, json_t *e, void *x, bool *b)
{
    (void)b;
    read_sol_group(r, e, x);
}

static void w_sol_session(rd *r, json_t *e, void *x, bool *b)
{
    (void)b;
    read_sol_session(r, e, x);
}

static void w_sol_unplaced(rd *r, json_t *e, void *x, bool *b)
{
    model_sol_unplaced *u = x;
    (void)b;
    rd_str(r, e, "patient", true, &u->patient);
    rd_strlist_sol(r, e, "reasons", false, &u->reasons);
}

static void w_sol_change(rd *r, json_t *e, void *x, bool *b)
{
    model_sol_change *c = x;
    (void)b;
    rd_str(r, e, "group", true, &c->group);
    rd_str(r, e, "field", true, &c->field);
    s_optstr(r, e, "before", &c->before);
    s_optstr(r, e, "after", &c->after);
}

static void w_sol_exception(rd *r, json_t *e, void *x, bool *b)
{
    model_exception *c = x;
    (void)b;
    rd_int(r, e, "rule", true, &c->rule);
    rd_str(r, e, "group", true, &c->group);
    rd_strlist_sol(r, e, "facilitators", false, &c->facilitators);
    rd_strlist_sol(r, e, "patients", false, &c->patients);
    s_optstr(r, e, "why", &c->why);
}

static void read_metrics(rd *r, json_t *root, model_metrics *m)
{
    json_t *o = rd_object(r, root, "metrics", false);
    if (!o)
        return;
    size_t sm = rd_path_key(r, "metrics");
    rd_int(r, o, "placed", false, &m->placed);
    rd_int(r, o, "waitlist_before", false, &m->waitlist_before);
    rd_int(r, o, "waitlist_after", false, &m->waitlist_after);
    rd_int(r, o, "seats", false, &m->seats);
    rd_int(r, o, "seats_filled", false, &m->seats_filled);
    rd_int(r, o, "groups_running", false, &m->groups_running);
    s_long(r, o, "member_sessions", &m->member_sessions);
    rd_double(r, o, "projected_revenue", false, &m->projected_revenue);
    rd_double(r, o, "mean_wait_days_placed", false, &m->mean_wait_days_placed);
    rd_int(r, o, "uncovered_sessions", false, &m->uncovered_sessions);
    json_t *load = rd_object(r, o, "facilitator_load", false);
    if (load) {
        size_t n = json_object_size(load);
        m->load_ids = rd_calloc(r, n, sizeof *m->load_ids);
        m->load = rd_calloc(r, n, sizeof *m->load);
        size_t sl = rd_path_key(r, "facilitator_load");
        const char *key;
        json_t *v;
        json_object_foreach (load, key, v) {
            if (!m->load_ids || !m->load)
                break;
            size_t sk = rd_path_key(r, key);
            double x;
            if (rd_conv_double(r, v, &x)) {
                m->load_ids[m->n_load] = model_strdup(key);
                if (!m->load_ids[m->n_load])
                    r->nomem = 1;
                m->load[m->n_load++] = x;
            }
            rd_path_pop(r, sk);
        }
        rd_path_pop(r, sl);
    }
    json_t *pt = rd_object(r, o, "per_type", false);
    if (pt) {
        size_t n = json_object_size(pt);
        m->per_type = rd_calloc(r, n, sizeof *m->per_type);
        size_t sp = rd_path_key(r, "per_type");
        const char *key;
        json_t *v;
        json_object_foreach (pt, key, v) {
            if (!m->per_type)
                break;
            size_t sk = rd_path_key(r, key);
            if (rd_elem_object(r, v)) {
                model_type_metrics *t = &m->per_type[m->n_per_type++];
                t->type = model_strdup(key);
                if (!t->type)
                    r->nomem = 1;
                rd_int(r, v, "groups_running", false, &t->groups_running);
                rd_int(r, v, "seats", false, &t->seats);
                rd_int(r, v, "seats_filled", false, &t->seats_filled);
                rd_int(r, v, "placed", false, &t->placed);
                s_long(r, v, "member_sessions", &t->member_sessions);
                rd_double(r, v, "projected_revenue", false, &t->projected_revenue);
            }
            rd_path_pop(r, sk);
        }
        rd_path_pop(r, sp);
    }
    rd_path_pop(r, sm);
}

int io_solution_from_tree(const json_t *tree, model_solution **out, model_diag *d)
{
    int errors_before = d->n_errors;
    int rc = rd_expect_object(tree, "a solution", d);
    if (rc != IO_OK)
        return rc;
    model_solution *sol = model_solution_create();
    if (!sol)
        return IO_ENOMEM;
    /* The reader only looks: Jansson's getters just lack const. */
    json_t *root = (json_t *)tree;
    rd r = {.d = d};
    int st = MODEL_STATUS_FEASIBLE;
    rd_enum(&r, root, "status", false, model_solution_status_parse,
            "one of optimal, feasible, infeasible, time_limit, invalid", &st);
    sol->status = (model_solution_status)st;
    s_real(&r, root, "objective", &sol->objective, NAN);
    s_real(&r, root, "bound", &sol->bound, NAN);
    s_real(&r, root, "gap", &sol->gap, NAN);
    s_real(&r, root, "solve_seconds", &sol->solve_seconds, NAN);
    json_t *t = rd_object(&r, root, "objective_terms", false);
    if (t) {
        size_t s = rd_path_key(&r, "objective_terms");
        rd_double(&r, t, "placement", false, &sol->terms.placement);
        rd_double(&r, t, "wait", false, &sol->terms.wait);
        rd_double(&r, t, "priority", false, &sol->terms.priority);
        rd_double(&r, t, "empty_seats", false, &sol->terms.empty_seats);
        rd_double(&r, t, "load_balance", false, &sol->terms.load_balance);
        rd_double(&r, t, "changes", false, &sol->terms.changes);
        rd_path_pop(&r, s);
    }

    /* Element errors are reported with their paths; a solution has no
     * cross-referenced ids to keep complete, so the kind bits go unused. */
    unsigned unused = 0;
    rd_entities(&r, root, "groups", false, sizeof *sol->groups, w_sol_group, (void **)&sol->groups,
                &sol->n_groups, 1, &unused);
    rd_entities(&r, root, "sessions", false, sizeof *sol->sessions, w_sol_session,
                (void **)&sol->sessions, &sol->n_sessions, 1, &unused);
    rd_entities(&r, root, "unplaced", false, sizeof *sol->unplaced, w_sol_unplaced,
                (void **)&sol->unplaced, &sol->n_unplaced, 1, &unused);
    read_metrics(&r, root, &sol->metrics);
    sol->has_baseline = json_is_array(json_object_get(root, "changes"));
    rd_entities(&r, root, "changes", false, sizeof *sol->changes, w_sol_change,
                (void **)&sol->changes, &sol->n_changes, 1, &unused);
    rd_strlist_sol(&r, root, "diagnosis", false, &sol->diagnosis);
    rd_entities(&r, root, "exceptions", false, sizeof *sol->exceptions, w_sol_exception,
                (void **)&sol->exceptions, &sol->n_exceptions, 1, &unused);
    read_issues(&r, root, "errors", &sol->errors, 0);
    read_issues(&r, root, "warnings", &sol->errors, 1);
    io_buf_free(&r.path);
    if (r.nomem) {
        model_solution_destroy(sol);
        return IO_ENOMEM;
    }
    if (d->n_errors > errors_before) {
        model_solution_destroy(sol);
        return IO_EINVAL;
    }
    *out = sol;
    return IO_OK;
}

int io_solution_parse(const char *text, size_t len, model_solution **out, model_diag *d)
{
    json_t *root = NULL;
    int rc = io_json_load(text, len, &root, d);
    if (rc != IO_OK)
        return rc;
    rc = io_solution_from_tree(root, out, d);
    json_decref(root);
    return rc;
}

int io_solution_read_file(const char *path, model_solution **out, model_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    int rc = io_read_input(path, &text, &len, d);
    if (rc != IO_OK)
        return rc;
    rc = io_solution_parse(text, len, out, d);
    free(text);
    return rc;
}
