/*
 * solution_write.c - a solution (schedule, metrics, changes, exceptions,
 * diagnostics) as a Jansson tree and as text (docs/FORMAT.md "Solutions").
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
/* exceptions[]: {rule, group, facilitators?, patients?, why} per break. */
static json_t *exceptions_tree(wr *w, const model_solution *sol)
{
    json_t *a = json_array();
    for (int i = 0; i < sol->n_exceptions; i++) {
        const model_exception *e = &sol->exceptions[i];
        json_t *eo = json_object();
        wr_put(w, eo, "rule", json_integer(e->rule));
        wr_put(w, eo, "group", wr_str(e->group));
        if (e->facilitators.n > 0)
            wr_put(w, eo, "facilitators", wr_strlist(w, &e->facilitators));
        if (e->patients.n > 0)
            wr_put(w, eo, "patients", wr_strlist(w, &e->patients));
        wr_put(w, eo, "why", wr_str(e->why));
        wr_add(w, a, eo);
    }
    return a;
}

static json_t *metrics_tree(wr *w, const model_metrics *m)
{
    json_t *o = json_object();
    wr_put(w, o, "placed", json_integer(m->placed));
    wr_put(w, o, "waitlist_before", json_integer(m->waitlist_before));
    wr_put(w, o, "waitlist_after", json_integer(m->waitlist_after));
    wr_put(w, o, "seats", json_integer(m->seats));
    wr_put(w, o, "seats_filled", json_integer(m->seats_filled));
    wr_put(w, o, "groups_running", json_integer(m->groups_running));
    wr_put(w, o, "member_sessions", json_integer(m->member_sessions));
    wr_put(w, o, "projected_revenue", wr_real(m->projected_revenue));
    json_t *load = json_object();
    for (int i = 0; i < m->n_load; i++)
        wr_put(w, load, m->load_ids[i] ? m->load_ids[i] : "", wr_real(m->load[i]));
    wr_put(w, o, "facilitator_load", load);
    wr_put(w, o, "mean_wait_days_placed", wr_real(m->mean_wait_days_placed));
    wr_put(w, o, "uncovered_sessions", json_integer(m->uncovered_sessions));
    json_t *pt = json_object();
    for (int i = 0; i < m->n_per_type; i++) {
        const model_type_metrics *t = &m->per_type[i];
        json_t *to = json_object();
        wr_put(w, to, "groups_running", json_integer(t->groups_running));
        wr_put(w, to, "seats", json_integer(t->seats));
        wr_put(w, to, "seats_filled", json_integer(t->seats_filled));
        wr_put(w, to, "placed", json_integer(t->placed));
        wr_put(w, to, "member_sessions", json_integer(t->member_sessions));
        wr_put(w, to, "projected_revenue", wr_real(t->projected_revenue));
        wr_put(w, pt, t->type ? t->type : "", to);
    }
    wr_put(w, o, "per_type", pt);
    return o;
}

json_t *wr_solution(const model_solution *sol, wr *w)
{
    json_t *o = json_object();
    wr_put(w, o, "status", json_string(model_solution_status_name(sol->status)));
    wr_put(w, o, "objective", wr_real(sol->objective));
    wr_put(w, o, "bound", wr_real(sol->bound));
    wr_put(w, o, "gap", wr_real(sol->gap));
    wr_put(w, o, "solve_seconds", wr_real(sol->solve_seconds));
    json_t *t = json_object();
    wr_put(w, t, "placement", wr_real(sol->terms.placement));
    wr_put(w, t, "wait", wr_real(sol->terms.wait));
    wr_put(w, t, "priority", wr_real(sol->terms.priority));
    wr_put(w, t, "empty_seats", wr_real(sol->terms.empty_seats));
    wr_put(w, t, "load_balance", wr_real(sol->terms.load_balance));
    wr_put(w, t, "changes", wr_real(sol->terms.changes));
    wr_put(w, o, "objective_terms", t);

    json_t *groups = json_array();
    for (int i = 0; i < sol->n_groups; i++) {
        const model_sol_group *g = &sol->groups[i];
        json_t *go = json_object();
        wr_put(w, go, "id", wr_str(g->id));
        wr_put(w, go, "type", wr_str(g->type));
        wr_put(w, go, "running", json_boolean(g->running));
        wr_put(w, go, "day",
               g->running && g->day >= 0 && g->day < 7 ? json_string(model_day_name(g->day))
                                                       : json_null());
        wr_put(w, go, "start", g->running ? wr_time(g->start) : json_null());
        wr_put(w, go, "end", g->running ? wr_time(g->end) : json_null());
        wr_put(w, go, "room", g->running ? wr_str(g->room) : json_null());
        wr_put(w, go, "facilitators", wr_strlist(w, &g->facilitators));
        wr_put(w, go, "substitute", wr_str(g->substitute));
        wr_put(w, go, "members", wr_strlist(w, &g->members));
        wr_put(w, go, "new_members", wr_strlist(w, &g->new_members));
        if (!g->week_parity_absent) /* kept absent on a round trip */
            wr_put(w, go, "week_parity", json_integer(g->week_parity));
        wr_add(w, groups, go);
    }
    wr_put(w, o, "groups", groups);

    json_t *sessions = json_array();
    for (int i = 0; i < sol->n_sessions; i++) {
        const model_sol_session *s = &sol->sessions[i];
        json_t *so = json_object();
        wr_put(w, so, "group", wr_str(s->group));
        wr_put(w, so, "date", wr_date(s->date));
        wr_put(w, so, "start", wr_time(s->start));
        wr_put(w, so, "end", wr_time(s->end));
        wr_put(w, so, "room", wr_str(s->room));
        wr_put(w, so, "facilitators", wr_strlist(w, &s->facilitators));
        wr_put(w, so, "covered_by", wr_str(s->covered_by));
        wr_put(w, so, "uncovered", json_boolean(s->uncovered));
        wr_add(w, sessions, so);
    }
    wr_put(w, o, "sessions", sessions);

    json_t *unplaced = json_array();
    for (int i = 0; i < sol->n_unplaced; i++) {
        json_t *uo = json_object();
        wr_put(w, uo, "patient", wr_str(sol->unplaced[i].patient));
        wr_put(w, uo, "reasons", wr_strlist(w, &sol->unplaced[i].reasons));
        wr_add(w, unplaced, uo);
    }
    wr_put(w, o, "unplaced", unplaced);
    wr_put(w, o, "metrics", metrics_tree(w, &sol->metrics));
    if (sol->has_baseline) {
        json_t *ch = json_array();
        for (int i = 0; i < sol->n_changes; i++) {
            const model_sol_change *c = &sol->changes[i];
            json_t *co = json_object();
            wr_put(w, co, "group", wr_str(c->group));
            wr_put(w, co, "field", wr_str(c->field));
            wr_put(w, co, "before", wr_str(c->before));
            wr_put(w, co, "after", wr_str(c->after));
            wr_add(w, ch, co);
        }
        wr_put(w, o, "changes", ch);
    }
    if (sol->diagnosis.n > 0 || sol->status == MODEL_STATUS_INFEASIBLE)
        wr_put(w, o, "diagnosis", wr_strlist(w, &sol->diagnosis));
    if (sol->n_exceptions > 0)
        wr_put(w, o, "exceptions", exceptions_tree(w, sol));
    if (sol->errors.n_errors > 0 || sol->status == MODEL_STATUS_INVALID)
        wr_put(w, o, "errors", wr_issues(w, sol->errors.errors, sol->errors.n_errors));
    if (sol->errors.n_warnings > 0)
        wr_put(w, o, "warnings", wr_issues(w, sol->errors.warnings, sol->errors.n_warnings));
    return o;
}

json_t *io_solution_to_tree(const model_solution *sol)
{
    wr w = {0};
    return wr_done(wr_solution(sol, &w), &w);
}

int io_solution_to_json(const model_solution *sol, char **out)
{
    wr w = {0};
    return wr_finish(wr_solution(sol, &w), &w, out);
}
