/*
 * instance_write.c - an instance as a Jansson tree and as text, in the
 * normal form that reads back to an equal instance (lossless round trip).
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
/* The clinic-operations settings that differ from their defaults (so an
 * instance without them keeps its normal form byte for byte). */
static void write_clinic_settings(wr *w, json_t *set, const model_settings *s)
{
    model_settings d;
    model_settings_defaults(&d);
    if (s->late_cancel_hours != d.late_cancel_hours)
        wr_put(w, set, "late_cancel_hours", wr_real(s->late_cancel_hours));
    if (s->offer_ttl_hours != d.offer_ttl_hours)
        wr_put(w, set, "offer_ttl_hours", wr_real(s->offer_ttl_hours));
    if (s->require_authorization != d.require_authorization)
        wr_put(w, set, "require_authorization", json_boolean(s->require_authorization));
    if (s->min_authorized_sessions != d.min_authorized_sessions)
        wr_put(w, set, "min_authorized_sessions", json_integer(s->min_authorized_sessions));
    const model_noshow_policy *p = &s->no_show_policy, *q = &d.no_show_policy;
    if (memcmp(p, q, sizeof *p) == 0)
        return;
    json_t *o = json_object();
    wr_put(w, o, "review_consecutive_no_shows", json_integer(p->review_consecutive_no_shows));
    wr_put(w, o, "drop_consecutive_no_shows", json_integer(p->drop_consecutive_no_shows));
    wr_put(w, o, "drop_absences", json_integer(p->drop_absences));
    wr_put(w, o, "absence_window_weeks", json_integer(p->absence_window_weeks));
    wr_put(w, o, "review_late_cancels", json_integer(p->review_late_cancels));
    wr_put(w, set, "no_show_policy", o);
}

/* A patient's authorizations as JSON. */
static json_t *j_authorizations(wr *w, const model_patient *p)
{
    json_t *a = json_array();
    for (int i = 0; i < p->n_authorizations; i++) {
        const model_authorization *au = &p->authorizations[i];
        json_t *o = json_object();
        wr_put(w, o, "payer", json_string(au->payer));
        wr_put(w, o, "cpt", json_string(au->cpt));
        wr_put(w, o, "units", json_integer(au->units));
        if (au->used != 0)
            wr_put(w, o, "used", json_integer(au->used));
        wr_put(w, o, "from", wr_date(au->from));
        wr_put(w, o, "to", wr_date(au->to));
        wr_add(w, a, o);
    }
    return a;
}

static json_t *j_windows(wr *w, const model_window *win, int n)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++) {
        json_t *o = json_object();
        wr_put(w, o, "day", json_string(model_day_name(win[i].day)));
        wr_put(w, o, "from", wr_time(win[i].from));
        wr_put(w, o, "to", wr_time(win[i].to));
        wr_add(w, a, o);
    }
    return a;
}

json_t *wr_instance(const model_instance *in, wr *w)
{
    json_t *root = json_object();
    if (!root)
        return NULL;

    const model_program *p = &in->program;
    json_t *prog = json_object();
    wr_put(w, prog, "name", json_string_nocheck(p->name ? p->name : ""));
    json_t *hz = json_object();
    wr_put(w, hz, "start", wr_date(p->horizon_start));
    wr_put(w, hz, "weeks", json_integer(p->horizon_weeks));
    wr_put(w, prog, "horizon", hz);
    json_t *days = json_array();
    for (int d = 0; d < 7; d++)
        if (p->days_mask & (1 << d))
            wr_add(w, days, json_string(model_day_name(d)));
    wr_put(w, prog, "days", days);
    json_t *slots = json_array();
    for (int i = 0; i < p->n_slot_starts; i++)
        wr_add(w, slots, wr_time(p->slot_starts[i]));
    wr_put(w, prog, "slot_starts", slots);
    json_t *closed = json_array();
    for (int i = 0; i < p->n_closed_dates; i++)
        wr_add(w, closed, wr_date(p->closed_dates[i]));
    wr_put(w, prog, "closed_dates", closed);
    wr_put(w, root, "program", prog);

    const model_settings *s = &in->settings;
    json_t *set = json_object();
    wr_put(w, set, "max_groups_per_day", json_integer(s->max_groups_per_day));
    wr_put(w, set, "max_groups_per_week", json_integer(s->max_groups_per_week));
    wr_put(w, set, "min_break_min", json_integer(s->min_break_min));
    wr_put(w, set, "max_consecutive_cover", json_integer(s->max_consecutive_cover));
    wr_put(w, set, "time_limit_s", wr_real(s->time_limit_s));
    wr_put(w, set, "mip_gap", wr_real(s->mip_gap));
    json_t *wt = json_object();
    wr_put(w, wt, "placement", wr_real(s->weights.placement));
    wr_put(w, wt, "wait_per_week", wr_real(s->weights.wait_per_week));
    wr_put(w, wt, "priority", wr_real(s->weights.priority));
    wr_put(w, wt, "empty_seat", wr_real(s->weights.empty_seat));
    wr_put(w, wt, "load_balance", wr_real(s->weights.load_balance));
    wr_put(w, wt, "change", wr_real(s->weights.change));
    wr_put(w, set, "weights", wt);
    wr_put(w, set, "seed", json_integer(s->seed));
    wr_put(w, set, "on_infeasible", json_string(model_on_infeasible_name(s->on_infeasible)));
    write_clinic_settings(w, set, s);
    wr_put(w, root, "settings", set);

    json_t *types = json_array();
    for (int i = 0; i < in->n_types; i++) {
        const model_group_type *t = &in->types[i];
        json_t *o = json_object();
        wr_put(w, o, "id", wr_str(t->id));
        if (t->name)
            wr_put(w, o, "name", wr_str(t->name));
        if (t->cpt)
            wr_put(w, o, "cpt", wr_str(t->cpt));
        wr_put(w, o, "rate", wr_real(t->rate));
        wr_put(w, o, "duration_min", json_integer(t->duration_min));
        wr_put(w, o, "min_size", json_integer(t->min_size));
        wr_put(w, o, "max_size", json_integer(t->max_size));
        wr_put(w, o, "required_credentials", wr_strlist(w, &t->required_credentials));
        wr_put(w, o, "cofacilitation", json_boolean(t->cofacilitation));
        wr_put(w, o, "cofacilitator_credentials", wr_strlist(w, &t->cofacilitator_credentials));
        wr_put(w, o, "diagnoses", wr_strlist(w, &t->diagnoses));
        wr_put(w, o, "modality", json_string(model_modality_name(t->modality)));
        wr_put(w, o, "room_features", wr_strlist(w, &t->room_features));
        wr_put(w, o, "cadence", json_string(model_cadence_name(t->cadence)));
        if (t->age_min >= 0)
            wr_put(w, o, "age_min", json_integer(t->age_min));
        if (t->age_max >= 0)
            wr_put(w, o, "age_max", json_integer(t->age_max));
        if (t->gender)
            wr_put(w, o, "gender", wr_str(t->gender));
        json_t *c = json_object();
        if (t->composition.max_new_share >= 0)
            wr_put(w, c, "max_new_share", wr_real(t->composition.max_new_share));
        if (t->composition.max_high_acuity >= 0)
            wr_put(w, c, "max_high_acuity", json_integer(t->composition.max_high_acuity));
        if (t->composition.max_age_spread >= 0)
            wr_put(w, c, "max_age_spread", json_integer(t->composition.max_age_spread));
        wr_put(w, o, "composition", c);
        wr_add(w, types, o);
    }
    wr_put(w, root, "group_types", types);

    json_t *groups = json_array();
    for (int i = 0; i < in->n_groups; i++) {
        const model_group *g = &in->groups[i];
        json_t *o = json_object();
        wr_put(w, o, "id", wr_str(g->id));
        wr_put(w, o, "type", wr_str(g->type));
        wr_put(w, o, "optional", json_boolean(g->optional));
        const model_pinned *pn = &g->pinned;
        if (pn->has_day || pn->has_start || pn->room || pn->facilitators.n || pn->substitute) {
            json_t *po = json_object();
            if (pn->has_day)
                wr_put(w, po, "day", json_string(model_day_name(pn->day)));
            if (pn->has_start)
                wr_put(w, po, "start", wr_time(pn->start));
            if (pn->room)
                wr_put(w, po, "room", wr_str(pn->room));
            if (pn->facilitators.n)
                wr_put(w, po, "facilitators", wr_strlist(w, &pn->facilitators));
            if (pn->substitute)
                wr_put(w, po, "substitute", wr_str(pn->substitute));
            wr_put(w, o, "pinned", po);
        }
        json_t *mem = json_array();
        for (int m = 0; m < g->n_members; m++) {
            const model_member *mb = &g->members[m];
            json_t *mo = json_object();
            wr_put(w, mo, "patient", wr_str(mb->patient));
            wr_put(w, mo, "status", json_string(model_status_name(mb->status)));
            if (mb->since >= 0)
                wr_put(w, mo, "since", wr_date(mb->since));
            wr_add(w, mem, mo);
        }
        wr_put(w, o, "members", mem);
        wr_add(w, groups, o);
    }
    wr_put(w, root, "groups", groups);

    json_t *rooms = json_array();
    for (int i = 0; i < in->n_rooms; i++) {
        const model_room *rm = &in->rooms[i];
        json_t *o = json_object();
        wr_put(w, o, "id", wr_str(rm->id));
        wr_put(w, o, "capacity", json_integer(rm->capacity));
        wr_put(w, o, "features", wr_strlist(w, &rm->features));
        wr_put(w, o, "available", j_windows(w, rm->available, rm->n_available));
        if (rm->site)
            wr_put(w, o, "site", wr_str(rm->site));
        wr_add(w, rooms, o);
    }
    wr_put(w, root, "rooms", rooms);

    json_t *facs = json_array();
    for (int i = 0; i < in->n_facilitators; i++) {
        const model_facilitator *f = &in->facilitators[i];
        json_t *o = json_object();
        wr_put(w, o, "id", wr_str(f->id));
        if (f->name)
            wr_put(w, o, "name", wr_str(f->name));
        wr_put(w, o, "credentials", wr_strlist(w, &f->credentials));
        wr_put(w, o, "available", j_windows(w, f->available, f->n_available));
        if (f->max_per_day >= 0)
            wr_put(w, o, "max_per_day", json_integer(f->max_per_day));
        if (f->max_per_week >= 0)
            wr_put(w, o, "max_per_week", json_integer(f->max_per_week));
        json_t *to = json_array();
        for (int k = 0; k < f->n_time_off; k++) {
            json_t *r = json_object();
            wr_put(w, r, "from", wr_date(f->time_off[k].from));
            wr_put(w, r, "to", wr_date(f->time_off[k].to));
            wr_add(w, to, r);
        }
        wr_put(w, o, "time_off", to);
        wr_add(w, facs, o);
    }
    wr_put(w, root, "facilitators", facs);

    json_t *pats = json_array();
    for (int i = 0; i < in->n_patients; i++) {
        const model_patient *pa = &in->patients[i];
        json_t *o = json_object();
        wr_put(w, o, "id", wr_str(pa->id));
        wr_put(w, o, "diagnoses", wr_strlist(w, &pa->diagnoses));
        if (pa->has_group_types)
            wr_put(w, o, "group_types", wr_strlist(w, &pa->group_types));
        wr_put(w, o, "available", j_windows(w, pa->available, pa->n_available));
        if (pa->added >= 0)
            wr_put(w, o, "added", wr_date(pa->added));
        wr_put(w, o, "acuity", json_string(model_acuity_name(pa->acuity)));
        if (pa->age >= 0)
            wr_put(w, o, "age", json_integer(pa->age));
        if (pa->gender)
            wr_put(w, o, "gender", wr_str(pa->gender));
        wr_put(w, o, "modality", json_string(model_modality_name(pa->modality)));
        wr_put(w, o, "screened", json_boolean(pa->screened));
        wr_put(w, o, "insurance_verified", json_boolean(pa->insurance_verified));
        wr_put(w, o, "priority", json_integer(pa->priority));
        if (pa->n_authorizations > 0)
            wr_put(w, o, "authorizations", j_authorizations(w, pa));
        wr_add(w, pats, o);
    }
    wr_put(w, root, "patients", pats);
    return root;
}

json_t *io_instance_to_tree(const model_instance *inst)
{
    wr w = {0};
    return wr_done(wr_instance(inst, &w), &w);
}

int io_instance_to_json(const model_instance *inst, char **out)
{
    wr w = {0};
    json_t *tree = wr_instance(inst, &w);
    return wr_finish(tree, &w, out);
}
