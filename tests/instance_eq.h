/*
 * instance_eq.h - field-by-field comparison of model instances and
 * solutions for tests (header-only; included by test_model.c and
 * test_io.c).  Each returns 0 when equal, else 1 and writes the path of the
 * first differing field into `where`.
 */
#ifndef COHORT_TESTS_INSTANCE_EQ_H
#define COHORT_TESTS_INSTANCE_EQ_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

#define EQ_FAIL(...)                                                                      \
    do {                                                                                  \
        snprintf(where, n, __VA_ARGS__);                                                  \
        return 1;                                                                         \
    } while (0)

static inline int eq_str(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static inline int eq_dbl(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static inline int eq_list(const model_strlist *a, const model_strlist *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (!eq_str(a->items[i], b->items[i]))
            return 0;
    return 1;
}

static inline int eq_windows(const model_window *a, int na, const model_window *b, int nb)
{
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++)
        if (a[i].day != b[i].day || a[i].from != b[i].from || a[i].to != b[i].to)
            return 0;
    return 1;
}

static inline int instance_diff(const model_instance *a, const model_instance *b, char *where,
                                size_t n)
{
    const model_program *pa = &a->program, *pb = &b->program;
    if (!eq_str(pa->name, pb->name))
        EQ_FAIL("program.name");
    if (pa->horizon_start != pb->horizon_start)
        EQ_FAIL("program.horizon.start");
    if (pa->horizon_weeks != pb->horizon_weeks)
        EQ_FAIL("program.horizon.weeks");
    if (pa->days_mask != pb->days_mask)
        EQ_FAIL("program.days");
    if (pa->n_slot_starts != pb->n_slot_starts)
        EQ_FAIL("program.slot_starts (count)");
    for (int i = 0; i < pa->n_slot_starts; i++)
        if (pa->slot_starts[i] != pb->slot_starts[i])
            EQ_FAIL("program.slot_starts[%d]", i);
    if (pa->n_closed_dates != pb->n_closed_dates)
        EQ_FAIL("program.closed_dates (count)");
    for (int i = 0; i < pa->n_closed_dates; i++)
        if (pa->closed_dates[i] != pb->closed_dates[i])
            EQ_FAIL("program.closed_dates[%d]", i);

    const model_settings *sa = &a->settings, *sb = &b->settings;
    if (sa->max_groups_per_day != sb->max_groups_per_day)
        EQ_FAIL("settings.max_groups_per_day");
    if (sa->max_groups_per_week != sb->max_groups_per_week)
        EQ_FAIL("settings.max_groups_per_week");
    if (sa->min_break_min != sb->min_break_min)
        EQ_FAIL("settings.min_break_min");
    if (sa->max_consecutive_cover != sb->max_consecutive_cover)
        EQ_FAIL("settings.max_consecutive_cover");
    if (!eq_dbl(sa->time_limit_s, sb->time_limit_s))
        EQ_FAIL("settings.time_limit_s");
    if (!eq_dbl(sa->mip_gap, sb->mip_gap))
        EQ_FAIL("settings.mip_gap");
    if (!eq_dbl(sa->weights.placement, sb->weights.placement) ||
        !eq_dbl(sa->weights.wait_per_week, sb->weights.wait_per_week) ||
        !eq_dbl(sa->weights.priority, sb->weights.priority) ||
        !eq_dbl(sa->weights.empty_seat, sb->weights.empty_seat) ||
        !eq_dbl(sa->weights.load_balance, sb->weights.load_balance) ||
        !eq_dbl(sa->weights.change, sb->weights.change))
        EQ_FAIL("settings.weights");
    if (sa->seed != sb->seed)
        EQ_FAIL("settings.seed");
    if (sa->on_infeasible != sb->on_infeasible)
        EQ_FAIL("settings.on_infeasible");

    if (a->n_types != b->n_types)
        EQ_FAIL("group_types (count)");
    for (int i = 0; i < a->n_types; i++) {
        const model_group_type *x = &a->types[i], *y = &b->types[i];
        if (!eq_str(x->id, y->id))
            EQ_FAIL("group_types[%d].id", i);
        if (!eq_str(x->name, y->name))
            EQ_FAIL("group_types[%d].name", i);
        if (!eq_str(x->cpt, y->cpt))
            EQ_FAIL("group_types[%d].cpt", i);
        if (!eq_dbl(x->rate, y->rate))
            EQ_FAIL("group_types[%d].rate", i);
        if (x->duration_min != y->duration_min)
            EQ_FAIL("group_types[%d].duration_min", i);
        if (x->min_size != y->min_size)
            EQ_FAIL("group_types[%d].min_size", i);
        if (x->max_size != y->max_size)
            EQ_FAIL("group_types[%d].max_size", i);
        if (!eq_list(&x->required_credentials, &y->required_credentials))
            EQ_FAIL("group_types[%d].required_credentials", i);
        if (x->cofacilitation != y->cofacilitation)
            EQ_FAIL("group_types[%d].cofacilitation", i);
        if (!eq_list(&x->cofacilitator_credentials, &y->cofacilitator_credentials))
            EQ_FAIL("group_types[%d].cofacilitator_credentials", i);
        if (!eq_list(&x->diagnoses, &y->diagnoses))
            EQ_FAIL("group_types[%d].diagnoses", i);
        if (x->modality != y->modality)
            EQ_FAIL("group_types[%d].modality", i);
        if (!eq_list(&x->room_features, &y->room_features))
            EQ_FAIL("group_types[%d].room_features", i);
        if (x->cadence != y->cadence)
            EQ_FAIL("group_types[%d].cadence", i);
        if (x->age_min != y->age_min)
            EQ_FAIL("group_types[%d].age_min", i);
        if (x->age_max != y->age_max)
            EQ_FAIL("group_types[%d].age_max", i);
        if (!eq_str(x->gender, y->gender))
            EQ_FAIL("group_types[%d].gender", i);
        if (!eq_dbl(x->composition.max_new_share, y->composition.max_new_share))
            EQ_FAIL("group_types[%d].composition.max_new_share", i);
        if (x->composition.max_high_acuity != y->composition.max_high_acuity)
            EQ_FAIL("group_types[%d].composition.max_high_acuity", i);
        if (x->composition.max_age_spread != y->composition.max_age_spread)
            EQ_FAIL("group_types[%d].composition.max_age_spread", i);
    }

    if (a->n_groups != b->n_groups)
        EQ_FAIL("groups (count)");
    for (int i = 0; i < a->n_groups; i++) {
        const model_group *x = &a->groups[i], *y = &b->groups[i];
        if (!eq_str(x->id, y->id))
            EQ_FAIL("groups[%d].id", i);
        if (!eq_str(x->type, y->type))
            EQ_FAIL("groups[%d].type", i);
        if (x->type_idx != y->type_idx)
            EQ_FAIL("groups[%d].type_idx", i);
        if (x->optional != y->optional)
            EQ_FAIL("groups[%d].optional", i);
        const model_pinned *p = &x->pinned, *q = &y->pinned;
        if (p->has_day != q->has_day || (p->has_day && p->day != q->day))
            EQ_FAIL("groups[%d].pinned.day", i);
        if (p->has_start != q->has_start || (p->has_start && p->start != q->start))
            EQ_FAIL("groups[%d].pinned.start", i);
        if (!eq_str(p->room, q->room) || p->room_idx != q->room_idx)
            EQ_FAIL("groups[%d].pinned.room", i);
        if (!eq_list(&p->facilitators, &q->facilitators) ||
            p->facilitator_idx[0] != q->facilitator_idx[0] ||
            p->facilitator_idx[1] != q->facilitator_idx[1])
            EQ_FAIL("groups[%d].pinned.facilitators", i);
        if (!eq_str(p->substitute, q->substitute) || p->substitute_idx != q->substitute_idx)
            EQ_FAIL("groups[%d].pinned.substitute", i);
        if (x->n_members != y->n_members)
            EQ_FAIL("groups[%d].members (count)", i);
        for (int m = 0; m < x->n_members; m++) {
            const model_member *u = &x->members[m], *v = &y->members[m];
            if (!eq_str(u->patient, v->patient) || u->patient_idx != v->patient_idx)
                EQ_FAIL("groups[%d].members[%d].patient", i, m);
            if (u->status != v->status)
                EQ_FAIL("groups[%d].members[%d].status", i, m);
            if (u->since != v->since)
                EQ_FAIL("groups[%d].members[%d].since", i, m);
        }
    }

    if (a->n_rooms != b->n_rooms)
        EQ_FAIL("rooms (count)");
    for (int i = 0; i < a->n_rooms; i++) {
        const model_room *x = &a->rooms[i], *y = &b->rooms[i];
        if (!eq_str(x->id, y->id))
            EQ_FAIL("rooms[%d].id", i);
        if (x->capacity != y->capacity)
            EQ_FAIL("rooms[%d].capacity", i);
        if (!eq_list(&x->features, &y->features))
            EQ_FAIL("rooms[%d].features", i);
        if (!eq_windows(x->available, x->n_available, y->available, y->n_available))
            EQ_FAIL("rooms[%d].available", i);
        if (!eq_str(x->site, y->site))
            EQ_FAIL("rooms[%d].site", i);
    }

    if (a->n_facilitators != b->n_facilitators)
        EQ_FAIL("facilitators (count)");
    for (int i = 0; i < a->n_facilitators; i++) {
        const model_facilitator *x = &a->facilitators[i], *y = &b->facilitators[i];
        if (!eq_str(x->id, y->id))
            EQ_FAIL("facilitators[%d].id", i);
        if (!eq_str(x->name, y->name))
            EQ_FAIL("facilitators[%d].name", i);
        if (!eq_list(&x->credentials, &y->credentials))
            EQ_FAIL("facilitators[%d].credentials", i);
        if (!eq_windows(x->available, x->n_available, y->available, y->n_available))
            EQ_FAIL("facilitators[%d].available", i);
        if (x->max_per_day != y->max_per_day)
            EQ_FAIL("facilitators[%d].max_per_day", i);
        if (x->max_per_week != y->max_per_week)
            EQ_FAIL("facilitators[%d].max_per_week", i);
        if (x->n_time_off != y->n_time_off)
            EQ_FAIL("facilitators[%d].time_off (count)", i);
        for (int k = 0; k < x->n_time_off; k++)
            if (x->time_off[k].from != y->time_off[k].from ||
                x->time_off[k].to != y->time_off[k].to)
                EQ_FAIL("facilitators[%d].time_off[%d]", i, k);
    }

    if (a->n_patients != b->n_patients)
        EQ_FAIL("patients (count)");
    for (int i = 0; i < a->n_patients; i++) {
        const model_patient *x = &a->patients[i], *y = &b->patients[i];
        if (!eq_str(x->id, y->id))
            EQ_FAIL("patients[%d].id", i);
        if (!eq_list(&x->diagnoses, &y->diagnoses))
            EQ_FAIL("patients[%d].diagnoses", i);
        if (x->has_group_types != y->has_group_types || !eq_list(&x->group_types, &y->group_types))
            EQ_FAIL("patients[%d].group_types", i);
        if (!eq_windows(x->available, x->n_available, y->available, y->n_available))
            EQ_FAIL("patients[%d].available", i);
        if (x->added != y->added)
            EQ_FAIL("patients[%d].added", i);
        if (x->acuity != y->acuity)
            EQ_FAIL("patients[%d].acuity", i);
        if (x->age != y->age)
            EQ_FAIL("patients[%d].age", i);
        if (!eq_str(x->gender, y->gender))
            EQ_FAIL("patients[%d].gender", i);
        if (x->modality != y->modality)
            EQ_FAIL("patients[%d].modality", i);
        if (x->screened != y->screened)
            EQ_FAIL("patients[%d].screened", i);
        if (x->insurance_verified != y->insurance_verified)
            EQ_FAIL("patients[%d].insurance_verified", i);
        if (x->priority != y->priority)
            EQ_FAIL("patients[%d].priority", i);
        if (x->n_authorizations != y->n_authorizations)
            EQ_FAIL("patients[%d].authorizations", i);
        for (int k = 0; k < x->n_authorizations; k++) {
            const model_authorization *u = &x->authorizations[k], *v = &y->authorizations[k];
            if (strcmp(u->payer, v->payer) || strcmp(u->cpt, v->cpt) || u->units != v->units ||
                u->used != v->used || u->from != v->from || u->to != v->to)
                EQ_FAIL("patients[%d].authorizations[%d]", i, k);
        }
    }
    return 0;
}

static inline int issues_eq(const model_issue *a, int na, const model_issue *b, int nb)
{
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++)
        if (!eq_str(a[i].path, b[i].path) || !eq_str(a[i].message, b[i].message))
            return 0;
    return 1;
}

static inline int solution_diff(const model_solution *a, const model_solution *b, char *where,
                                size_t n)
{
    if (a->status != b->status)
        EQ_FAIL("status");
    if (!eq_dbl(a->objective, b->objective) || !eq_dbl(a->bound, b->bound) ||
        !eq_dbl(a->gap, b->gap) || !eq_dbl(a->solve_seconds, b->solve_seconds))
        EQ_FAIL("objective/bound/gap/solve_seconds");
    const model_objective_terms *s = &a->terms, *t = &b->terms;
    if (!eq_dbl(s->placement, t->placement) || !eq_dbl(s->wait, t->wait) ||
        !eq_dbl(s->priority, t->priority) || !eq_dbl(s->empty_seats, t->empty_seats) ||
        !eq_dbl(s->load_balance, t->load_balance) || !eq_dbl(s->changes, t->changes))
        EQ_FAIL("objective_terms");
    if (a->n_groups != b->n_groups)
        EQ_FAIL("groups (count)");
    for (int i = 0; i < a->n_groups; i++) {
        const model_sol_group *x = &a->groups[i], *y = &b->groups[i];
        if (!eq_str(x->id, y->id) || !eq_str(x->type, y->type) || x->running != y->running)
            EQ_FAIL("groups[%d].id/type/running", i);
        if (x->day != y->day || x->start != y->start || x->end != y->end)
            EQ_FAIL("groups[%d].day/start/end", i);
        if (!eq_str(x->room, y->room) || !eq_str(x->substitute, y->substitute))
            EQ_FAIL("groups[%d].room/substitute", i);
        if (!eq_list(&x->facilitators, &y->facilitators) || !eq_list(&x->members, &y->members) ||
            !eq_list(&x->new_members, &y->new_members))
            EQ_FAIL("groups[%d].facilitators/members/new_members", i);
        if (x->week_parity != y->week_parity || x->week_parity_absent != y->week_parity_absent)
            EQ_FAIL("groups[%d].week_parity", i);
    }
    if (a->n_sessions != b->n_sessions)
        EQ_FAIL("sessions (count)");
    for (int i = 0; i < a->n_sessions; i++) {
        const model_sol_session *x = &a->sessions[i], *y = &b->sessions[i];
        if (!eq_str(x->group, y->group) || x->date != y->date || x->start != y->start ||
            x->end != y->end || !eq_str(x->room, y->room) ||
            !eq_list(&x->facilitators, &y->facilitators) || !eq_str(x->covered_by, y->covered_by) ||
            x->uncovered != y->uncovered)
            EQ_FAIL("sessions[%d]", i);
    }
    if (a->n_unplaced != b->n_unplaced)
        EQ_FAIL("unplaced (count)");
    for (int i = 0; i < a->n_unplaced; i++)
        if (!eq_str(a->unplaced[i].patient, b->unplaced[i].patient) ||
            !eq_list(&a->unplaced[i].reasons, &b->unplaced[i].reasons))
            EQ_FAIL("unplaced[%d]", i);
    const model_metrics *m = &a->metrics, *k = &b->metrics;
    if (m->placed != k->placed || m->waitlist_before != k->waitlist_before ||
        m->waitlist_after != k->waitlist_after || m->seats != k->seats ||
        m->seats_filled != k->seats_filled || m->groups_running != k->groups_running ||
        m->member_sessions != k->member_sessions || !eq_dbl(m->projected_revenue, k->projected_revenue) ||
        !eq_dbl(m->mean_wait_days_placed, k->mean_wait_days_placed) ||
        m->uncovered_sessions != k->uncovered_sessions)
        EQ_FAIL("metrics");
    if (m->n_load != k->n_load)
        EQ_FAIL("metrics.facilitator_load (count)");
    for (int i = 0; i < m->n_load; i++)
        if (!eq_str(m->load_ids[i], k->load_ids[i]) || !eq_dbl(m->load[i], k->load[i]))
            EQ_FAIL("metrics.facilitator_load[%d]", i);
    if (m->n_per_type != k->n_per_type)
        EQ_FAIL("metrics.per_type (count)");
    for (int i = 0; i < m->n_per_type; i++) {
        const model_type_metrics *x = &m->per_type[i], *y = &k->per_type[i];
        if (!eq_str(x->type, y->type) || x->groups_running != y->groups_running ||
            x->seats != y->seats || x->seats_filled != y->seats_filled || x->placed != y->placed ||
            x->member_sessions != y->member_sessions ||
            !eq_dbl(x->projected_revenue, y->projected_revenue))
            EQ_FAIL("metrics.per_type[%d]", i);
    }
    if (!eq_list(&a->diagnosis, &b->diagnosis))
        EQ_FAIL("diagnosis");
    if (a->n_exceptions != b->n_exceptions)
        EQ_FAIL("exceptions (count)");
    for (int i = 0; i < a->n_exceptions; i++) {
        const model_exception *x = &a->exceptions[i], *y = &b->exceptions[i];
        if (x->rule != y->rule || !eq_str(x->group, y->group) || !eq_str(x->why, y->why) ||
            !eq_list(&x->facilitators, &y->facilitators) || !eq_list(&x->patients, &y->patients))
            EQ_FAIL("exceptions[%d]", i);
    }
    if (!issues_eq(a->errors.errors, a->errors.n_errors, b->errors.errors, b->errors.n_errors))
        EQ_FAIL("errors");
    if (!issues_eq(a->errors.warnings, a->errors.n_warnings, b->errors.warnings,
                   b->errors.n_warnings))
        EQ_FAIL("warnings");
    return 0;
}

#endif
