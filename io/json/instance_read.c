/*
 * instance_read.c - reading an instance (docs/FORMAT.md) from a Jansson tree
 * or from text, every problem reported at its JSON path.
 *
 * Reading goes in two passes: a structural pass over the Jansson tree
 * (types, required fields, enum values, "HH:MM" times, ISO dates, integer
 * ranges, unknown keys as warnings) that fills a model_instance as far as it
 * can, then model_instance_validate_partial() for the semantic checks.
 * Semantic errors at (or under) a path that already has a structural error
 * are dropped, so each problem is reported once (diag.c).
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

static const char MODALITY_TYPE_CHOICES[] = "one of in_person, telehealth";
static const char MODALITY_PATIENT_CHOICES[] = "one of in_person, telehealth, either";

static int type_modality_parse(const char *s)
{
    int m = model_modality_parse(s);
    return m == MODEL_EITHER ? -1 : m;
}

static int cpt_parse(const char *s)
{
    if (s && strcmp(s, "90853") == 0)
        return 0;
    if (s && strcmp(s, "90849") == 0)
        return 1;
    return -1;
}

static const char *const CPT_CODES[] = {"90853", "90849"};

/* Windows array at key (the current path is the owning object). */
static void read_windows(rd *r, json_t *o, const char *key, bool req, model_window **out, int *n,
                         bool *present)
{
    json_t *a = rd_array(r, o, key, req, NULL);
    if (present)
        *present = a != NULL;
    if (!a)
        return;
    size_t sk0 = rd_path_key(r, key);
    bool over = rd_too_many(r, a, LIMIT_LIST);
    rd_path_pop(r, sk0);
    if (over)
        return;
    size_t cnt = json_array_size(a);
    model_window *w = rd_calloc(r, cnt, sizeof *w);
    if (cnt && !w)
        return;
    static const char *const keys[] = {"day", "from", "to", NULL};
    size_t sk = rd_path_key(r, key);
    for (size_t i = 0; i < cnt; i++) {
        json_t *e = json_array_get(a, i);
        size_t si = rd_path_idx(r, i);
        w[i].day = -1;
        w[i].from = 0;
        w[i].to = 0;
        if (rd_elem_object(r, e)) {
            rd_check_keys(r, e, keys);
            rd_day(r, e, "day", true, &w[i].day);
            rd_time(r, e, "from", true, &w[i].from);
            rd_time_end(r, e, "to", true, &w[i].to);
        }
        rd_path_pop(r, si);
    }
    rd_path_pop(r, sk);
    *out = w;
    *n = (int)cnt;
}

static bool json_is_null_or_absent(const json_t *v)
{
    return !v || json_is_null(v);
}

/* Available every day 00:00-24:00 (the default for rooms, facilitators). */
static void always_available(rd *r, model_window **out, int *n)
{
    model_window *w = rd_calloc(r, 7, sizeof *w);
    if (!w)
        return;
    for (int d = 0; d < 7; d++) {
        w[d].day = d;
        w[d].from = 0;
        w[d].to = 24 * 60;
    }
    *out = w;
    *n = 7;
}

static void read_program(rd *r, json_t *root, model_program *p, unsigned *incomplete)
{
    json_t *o = rd_object(r, root, "program", true);
    if (!o) {
        *incomplete |= MODEL_KIND_PROGRAM;
        return;
    }
    static const char *const keys[] = {"name",        "horizon",      "days",
                                       "slot_starts", "closed_dates", NULL};
    size_t sp = rd_path_key(r, "program");
    rd_check_keys(r, o, keys);
    if (!rd_str(r, o, "name", false, &p->name) && !p->name) {
        p->name = model_strdup("");
        if (!p->name)
            r->nomem = 1;
    }
    json_t *h = rd_object(r, o, "horizon", true);
    if (h) {
        static const char *const hkeys[] = {"start", "weeks", NULL};
        size_t sh = rd_path_key(r, "horizon");
        rd_check_keys(r, h, hkeys);
        if (!rd_date(r, h, "start", true, &p->horizon_start))
            *incomplete |= MODEL_KIND_PROGRAM;
        if (!rd_int(r, h, "weeks", true, &p->horizon_weeks))
            *incomplete |= MODEL_KIND_PROGRAM;
        rd_path_pop(r, sh);
    } else {
        *incomplete |= MODEL_KIND_PROGRAM;
    }

    bool bad = false;
    json_t *a = rd_array(r, o, "days", true, &bad);
    if (bad)
        *incomplete |= MODEL_KIND_PROGRAM;
    if (a) {
        size_t sd = rd_path_key(r, "days");
        size_t i;
        json_t *e;
        json_array_foreach (a, i, e) {
            size_t si = rd_path_idx(r, i);
            int d;
            if (rd_conv_day(r, e, &d)) {
                if (p->days_mask & (1 << d))
                    rd_err(r, "day \"%s\" is listed twice", model_day_name(d));
                p->days_mask |= 1 << d;
            } else {
                *incomplete |= MODEL_KIND_PROGRAM;
            }
            rd_path_pop(r, si);
        }
        rd_path_pop(r, sd);
    }

    bad = false;
    a = rd_array(r, o, "slot_starts", true, &bad);
    if (bad)
        *incomplete |= MODEL_KIND_PROGRAM;
    if (a) {
        size_t n = json_array_size(a);
        size_t s0 = rd_path_key(r, "slot_starts");
        if (rd_too_many(r, a, 24 * 60)) {
            *incomplete |= MODEL_KIND_PROGRAM;
            n = 0;
        }
        rd_path_pop(r, s0);
        p->slot_starts = rd_calloc(r, n, sizeof(int));
        if (n && !p->slot_starts)
            goto out;
        size_t ss = rd_path_key(r, "slot_starts");
        for (size_t i = 0; i < n && p->slot_starts; i++) {
            size_t si = rd_path_idx(r, i);
            int t;
            if (rd_conv_time(r, json_array_get(a, i), 0, &t))
                p->slot_starts[p->n_slot_starts++] = t;
            else
                *incomplete |= MODEL_KIND_PROGRAM;
            rd_path_pop(r, si);
        }
        rd_path_pop(r, ss);
    }

    a = rd_array(r, o, "closed_dates", false, NULL);
    if (a) {
        size_t n = json_array_size(a);
        size_t s0 = rd_path_key(r, "closed_dates");
        if (rd_too_many(r, a, LIMIT_CLOSED))
            n = 0;
        rd_path_pop(r, s0);
        p->closed_dates = rd_calloc(r, n, sizeof(int));
        if (n && !p->closed_dates)
            goto out;
        size_t sc = rd_path_key(r, "closed_dates");
        for (size_t i = 0; i < n && p->closed_dates; i++) {
            size_t si = rd_path_idx(r, i);
            int dt;
            if (rd_conv_date(r, json_array_get(a, i), &dt))
                p->closed_dates[p->n_closed_dates++] = dt;
            rd_path_pop(r, si);
        }
        rd_path_pop(r, sc);
    }
out:
    rd_path_pop(r, sp);
}

/* The clinic-operations settings (docs/FORMAT.md "Clinic operations"). */
static void read_clinic_settings(rd *r, json_t *o, model_settings *s)
{
    rd_double(r, o, "late_cancel_hours", false, &s->late_cancel_hours);
    rd_double(r, o, "offer_ttl_hours", false, &s->offer_ttl_hours);
    rd_bool(r, o, "require_authorization", false, &s->require_authorization);
    rd_int(r, o, "min_authorized_sessions", false, &s->min_authorized_sessions);
    json_t *p = rd_object(r, o, "no_show_policy", false);
    if (!p)
        return;
    static const char *const keys[] = {
        "review_consecutive_no_shows", "drop_consecutive_no_shows", "drop_absences",
        "absence_window_weeks",        "review_late_cancels",       NULL};
    model_noshow_policy *np = &s->no_show_policy;
    size_t sp = rd_path_key(r, "no_show_policy");
    rd_check_keys(r, p, keys);
    rd_int(r, p, "review_consecutive_no_shows", false, &np->review_consecutive_no_shows);
    rd_int(r, p, "drop_consecutive_no_shows", false, &np->drop_consecutive_no_shows);
    rd_int(r, p, "drop_absences", false, &np->drop_absences);
    rd_int(r, p, "absence_window_weeks", false, &np->absence_window_weeks);
    rd_int(r, p, "review_late_cancels", false, &np->review_late_cancels);
    rd_path_pop(r, sp);
}

static void read_settings(rd *r, json_t *root, model_settings *s)
{
    json_t *o = rd_object(r, root, "settings", false);
    if (!o)
        return;
    static const char *const keys[] = {"max_groups_per_day",
                                       "max_groups_per_week",
                                       "min_break_min",
                                       "max_consecutive_cover",
                                       "time_limit_s",
                                       "mip_gap",
                                       "weights",
                                       "seed",
                                       "on_infeasible",
                                       "late_cancel_hours",
                                       "offer_ttl_hours",
                                       "require_authorization",
                                       "min_authorized_sessions",
                                       "no_show_policy",
                                       NULL};
    size_t ss = rd_path_key(r, "settings");
    rd_check_keys(r, o, keys);
    rd_int(r, o, "max_groups_per_day", false, &s->max_groups_per_day);
    rd_int(r, o, "max_groups_per_week", false, &s->max_groups_per_week);
    rd_int(r, o, "min_break_min", false, &s->min_break_min);
    rd_int(r, o, "max_consecutive_cover", false, &s->max_consecutive_cover);
    rd_double(r, o, "time_limit_s", false, &s->time_limit_s);
    rd_double(r, o, "mip_gap", false, &s->mip_gap);
    rd_long(r, o, "seed", false, &s->seed);
    rd_enum(r, o, "on_infeasible", false, model_on_infeasible_parse, "one of relax, fail",
            &s->on_infeasible);
    read_clinic_settings(r, o, s);
    json_t *w = rd_object(r, o, "weights", false);
    if (w) {
        static const char *const wkeys[] = {
            "placement", "wait_per_week", "priority", "empty_seat", "load_balance", "change", NULL};
        size_t sw = rd_path_key(r, "weights");
        rd_check_keys(r, w, wkeys);
        rd_double(r, w, "placement", false, &s->weights.placement);
        rd_double(r, w, "wait_per_week", false, &s->weights.wait_per_week);
        rd_double(r, w, "priority", false, &s->weights.priority);
        rd_double(r, w, "empty_seat", false, &s->weights.empty_seat);
        rd_double(r, w, "load_balance", false, &s->weights.load_balance);
        rd_double(r, w, "change", false, &s->weights.change);
        rd_path_pop(r, sw);
    }
    rd_path_pop(r, ss);
}

/* Share in 0..1 read structurally (negative is reported here because the
 * model uses a negative value for "no limit"). */
static void read_share(rd *r, json_t *o, const char *key, double *out)
{
    json_t *v = rd_get(r, o, key, false);
    if (!v)
        return;
    size_t s = rd_path_key(r, key);
    double x;
    if (rd_conv_double(r, v, &x)) {
        if (x < 0)
            rd_err(r, "must be between 0 and 1, got %g", x);
        else
            *out = x;
    }
    rd_path_pop(r, s);
}

static void read_type(rd *r, json_t *e, model_group_type *t, bool *id_bad)
{
    static const char *const keys[] = {"id",
                                       "name",
                                       "cpt",
                                       "rate",
                                       "duration_min",
                                       "min_size",
                                       "max_size",
                                       "required_credentials",
                                       "cofacilitation",
                                       "cofacilitator_credentials",
                                       "diagnoses",
                                       "modality",
                                       "room_features",
                                       "cadence",
                                       "age_min",
                                       "age_max",
                                       "gender",
                                       "composition",
                                       NULL};
    t->age_min = t->age_max = -1;
    t->composition.max_new_share = -1;
    t->composition.max_high_acuity = -1;
    t->composition.max_age_spread = -1;
    rd_check_keys(r, e, keys);
    if (!rd_str(r, e, "id", true, &t->id))
        *id_bad = true;
    if (!rd_str(r, e, "name", false, &t->name) && !t->name && t->id) {
        t->name = model_strdup(t->id);
        if (!t->name)
            r->nomem = 1;
    }
    int cpt = 0;
    rd_enum(r, e, "cpt", false, cpt_parse, "one of \"90853\", \"90849\"", &cpt);
    t->cpt = model_strdup(CPT_CODES[cpt]);
    if (!t->cpt)
        r->nomem = 1;
    rd_double(r, e, "rate", true, &t->rate);
    rd_int(r, e, "duration_min", true, &t->duration_min);
    rd_int(r, e, "min_size", true, &t->min_size);
    rd_int(r, e, "max_size", true, &t->max_size);
    rd_strlist(r, e, "required_credentials", false, &t->required_credentials);
    rd_bool(r, e, "cofacilitation", false, &t->cofacilitation);
    rd_strlist(r, e, "cofacilitator_credentials", false, &t->cofacilitator_credentials);
    rd_strlist(r, e, "diagnoses", false, &t->diagnoses);
    int m = MODEL_IN_PERSON;
    rd_enum(r, e, "modality", true, type_modality_parse, MODALITY_TYPE_CHOICES, &m);
    t->modality = (model_modality)m;
    rd_strlist(r, e, "room_features", false, &t->room_features);
    int c = MODEL_WEEKLY;
    rd_enum(r, e, "cadence", true, model_cadence_parse, "one of weekly, biweekly", &c);
    t->cadence = (model_cadence)c;
    rd_nonneg(r, e, "age_min", false, &t->age_min);
    rd_nonneg(r, e, "age_max", false, &t->age_max);
    rd_str(r, e, "gender", false, &t->gender);
    json_t *comp = rd_object(r, e, "composition", false);
    if (comp) {
        static const char *const ckeys[] = {"max_new_share", "max_high_acuity", "max_age_spread",
                                            NULL};
        size_t sc = rd_path_key(r, "composition");
        rd_check_keys(r, comp, ckeys);
        read_share(r, comp, "max_new_share", &t->composition.max_new_share);
        rd_nonneg(r, comp, "max_high_acuity", false, &t->composition.max_high_acuity);
        rd_nonneg(r, comp, "max_age_spread", false, &t->composition.max_age_spread);
        rd_path_pop(r, sc);
    }
}

static void read_group(rd *r, json_t *e, model_group *g, bool *id_bad)
{
    static const char *const keys[] = {"id", "type", "optional", "pinned", "members", NULL};
    g->type_idx = -1;
    g->pinned.room_idx = g->pinned.substitute_idx = -1;
    g->pinned.facilitator_idx[0] = g->pinned.facilitator_idx[1] = -1;
    rd_check_keys(r, e, keys);
    if (!rd_str(r, e, "id", true, &g->id))
        *id_bad = true;
    rd_str(r, e, "type", true, &g->type);
    rd_bool(r, e, "optional", false, &g->optional);
    json_t *p = rd_object(r, e, "pinned", false);
    if (p) {
        static const char *const pkeys[] = {"day",          "start",      "room",
                                            "facilitators", "substitute", NULL};
        size_t sp = rd_path_key(r, "pinned");
        rd_check_keys(r, p, pkeys);
        g->pinned.has_day = rd_day(r, p, "day", false, &g->pinned.day);
        g->pinned.has_start = rd_time(r, p, "start", false, &g->pinned.start);
        rd_str(r, p, "room", false, &g->pinned.room);
        rd_strlist(r, p, "facilitators", false, &g->pinned.facilitators);
        rd_str(r, p, "substitute", false, &g->pinned.substitute);
        rd_path_pop(r, sp);
    }
    json_t *a = rd_array(r, e, "members", false, NULL);
    if (a) {
        size_t n = json_array_size(a);
        size_t s0 = rd_path_key(r, "members");
        bool over = rd_too_many(r, a, LIMIT_MEMBERS);
        rd_path_pop(r, s0);
        if (over)
            return;
        g->members = rd_calloc(r, n, sizeof *g->members);
        if (n && !g->members)
            return;
        g->n_members = (int)n;
        static const char *const mkeys[] = {"patient", "status", "since", NULL};
        size_t sm = rd_path_key(r, "members");
        for (size_t i = 0; i < n; i++) {
            json_t *m = json_array_get(a, i);
            model_member *mb = &g->members[i];
            size_t si = rd_path_idx(r, i);
            mb->since = -1;
            mb->patient_idx = -1;
            mb->status = MODEL_ACTIVE;
            if (rd_elem_object(r, m)) {
                rd_check_keys(r, m, mkeys);
                rd_str(r, m, "patient", true, &mb->patient);
                int st = MODEL_ACTIVE;
                rd_enum(r, m, "status", false, model_status_parse,
                        "one of active, hold_clinical, hold_admin, graduated, dropped", &st);
                mb->status = (model_member_status)st;
                rd_date(r, m, "since", false, &mb->since);
            }
            rd_path_pop(r, si);
        }
        rd_path_pop(r, sm);
    }
}

static void read_room(rd *r, json_t *e, model_room *rm, bool *id_bad)
{
    static const char *const keys[] = {"id", "capacity", "features", "available", "site", NULL};
    rd_check_keys(r, e, keys);
    if (!rd_str(r, e, "id", true, &rm->id))
        *id_bad = true;
    rd_int(r, e, "capacity", true, &rm->capacity);
    rd_strlist(r, e, "features", false, &rm->features);
    bool present = false;
    read_windows(r, e, "available", false, &rm->available, &rm->n_available, &present);
    if (!present && json_is_null_or_absent(json_object_get(e, "available")))
        always_available(r, &rm->available, &rm->n_available);
    rd_str(r, e, "site", false, &rm->site);
}

static void read_facilitator(rd *r, json_t *e, model_facilitator *f, bool *id_bad)
{
    static const char *const keys[] = {"id",          "name",         "credentials", "available",
                                       "max_per_day", "max_per_week", "time_off",    NULL};
    f->max_per_day = f->max_per_week = -1;
    rd_check_keys(r, e, keys);
    if (!rd_str(r, e, "id", true, &f->id))
        *id_bad = true;
    if (!rd_str(r, e, "name", false, &f->name) && !f->name && f->id) {
        f->name = model_strdup(f->id);
        if (!f->name)
            r->nomem = 1;
    }
    rd_strlist(r, e, "credentials", false, &f->credentials);
    bool present = false;
    read_windows(r, e, "available", false, &f->available, &f->n_available, &present);
    if (!present && json_is_null_or_absent(json_object_get(e, "available")))
        always_available(r, &f->available, &f->n_available);
    rd_nonneg(r, e, "max_per_day", false, &f->max_per_day);
    rd_nonneg(r, e, "max_per_week", false, &f->max_per_week);
    json_t *a = rd_array(r, e, "time_off", false, NULL);
    if (a) {
        size_t n = json_array_size(a);
        size_t s0 = rd_path_key(r, "time_off");
        bool over = rd_too_many(r, a, LIMIT_LIST);
        rd_path_pop(r, s0);
        if (over)
            return;
        f->time_off = rd_calloc(r, n, sizeof *f->time_off);
        if (n && !f->time_off)
            return;
        f->n_time_off = (int)n;
        static const char *const tkeys[] = {"from", "to", NULL};
        size_t st = rd_path_key(r, "time_off");
        for (size_t i = 0; i < n; i++) {
            json_t *t = json_array_get(a, i);
            size_t si = rd_path_idx(r, i);
            f->time_off[i].from = f->time_off[i].to = 0;
            if (rd_elem_object(r, t)) {
                rd_check_keys(r, t, tkeys);
                rd_date(r, t, "from", true, &f->time_off[i].from);
                rd_date(r, t, "to", true, &f->time_off[i].to);
            }
            rd_path_pop(r, si);
        }
        rd_path_pop(r, st);
    }
}

/* A text field copied into a fixed buffer (too long: an error). */
static void f_fixed(rd *r, json_t *o, const char *key, char *buf, size_t n)
{
    char *t = NULL;
    if (!rd_str(r, o, key, true, &t) || !t)
        return;
    if (strlen(t) >= n) {
        size_t s = rd_path_key(r, key);
        rd_err(r, "longer than %zu characters", n - 1);
        rd_path_pop(r, s);
    } else {
        memcpy(buf, t, strlen(t) + 1);
    }
    free(t);
}

/* patients[].authorizations[] (docs/FORMAT.md "Payer authorizations"). */
static void read_authorizations(rd *r, json_t *e, model_patient *p)
{
    json_t *a = rd_array(r, e, "authorizations", false, NULL);
    if (!a)
        return;
    size_t sa = rd_path_key(r, "authorizations");
    if (json_array_size(a) > MODEL_MAX_AUTHORIZATIONS)
        rd_err(r, "at most %d authorizations per patient", MODEL_MAX_AUTHORIZATIONS);
    static const char *const keys[] = {"payer", "cpt", "units", "used", "from", "to", NULL};
    for (size_t i = 0; i < json_array_size(a) && i < MODEL_MAX_AUTHORIZATIONS; i++) {
        json_t *o = json_array_get(a, i);
        size_t si = rd_path_idx(r, i);
        model_authorization *au = &p->authorizations[p->n_authorizations++];
        au->from = au->to = -1;
        if (json_is_object(o)) {
            rd_check_keys(r, o, keys);
            f_fixed(r, o, "payer", au->payer, sizeof au->payer);
            f_fixed(r, o, "cpt", au->cpt, sizeof au->cpt);
            rd_int(r, o, "units", true, &au->units);
            rd_int(r, o, "used", false, &au->used);
            rd_date(r, o, "from", true, &au->from);
            rd_date(r, o, "to", true, &au->to);
        } else {
            rd_err(r, "an authorization must be an object {payer, cpt, units, from, to}");
        }
        rd_path_pop(r, si);
    }
    rd_path_pop(r, sa);
}

static void read_patient(rd *r, json_t *e, model_patient *p, bool *id_bad)
{
    static const char *const keys[] = {"id",
                                       "diagnoses",
                                       "group_types",
                                       "available",
                                       "added",
                                       "acuity",
                                       "age",
                                       "gender",
                                       "modality",
                                       "screened",
                                       "insurance_verified",
                                       "priority",
                                       "authorizations",
                                       NULL};
    p->added = -1;
    p->age = -1;
    p->acuity = MODEL_ACUITY_LOW;
    p->modality = MODEL_EITHER;
    rd_check_keys(r, e, keys);
    if (!rd_str(r, e, "id", true, &p->id))
        *id_bad = true;
    rd_strlist(r, e, "diagnoses", true, &p->diagnoses);
    json_t *gt = rd_get(r, e, "group_types", false);
    if (gt) {
        size_t s = rd_path_key(r, "group_types");
        p->has_group_types = rd_conv_strlist(r, gt, &p->group_types) || json_is_array(gt);
        rd_path_pop(r, s);
    }
    read_windows(r, e, "available", true, &p->available, &p->n_available, NULL);
    rd_date(r, e, "added", true, &p->added);
    int a = MODEL_ACUITY_LOW;
    rd_enum(r, e, "acuity", false, model_acuity_parse, "one of low, moderate, high", &a);
    p->acuity = (model_acuity)a;
    rd_nonneg(r, e, "age", false, &p->age);
    rd_str(r, e, "gender", false, &p->gender);
    int m = MODEL_EITHER;
    rd_enum(r, e, "modality", false, model_modality_parse, MODALITY_PATIENT_CHOICES, &m);
    p->modality = (model_modality)m;
    rd_bool(r, e, "screened", true, &p->screened);
    rd_bool(r, e, "insurance_verified", true, &p->insurance_verified);
    rd_int(r, e, "priority", false, &p->priority);
    read_authorizations(r, e, p);
}

static void w_type(rd *r, json_t *e, void *x, bool *b)
{
    read_type(r, e, x, b);
}
static void w_group(rd *r, json_t *e, void *x, bool *b)
{
    read_group(r, e, x, b);
}
static void w_room(rd *r, json_t *e, void *x, bool *b)
{
    read_room(r, e, x, b);
}
static void w_facilitator(rd *r, json_t *e, void *x, bool *b)
{
    read_facilitator(r, e, x, b);
}
static void w_patient(rd *r, json_t *e, void *x, bool *b)
{
    read_patient(r, e, x, b);
}

int io_instance_from_tree(const json_t *tree, model_instance **out, model_diag *d)
{
    int errors_before = d->n_errors, warnings_before = d->n_warnings;
    int rc = rd_expect_object(tree, "an instance", d);
    if (rc != IO_OK)
        return rc;
    model_instance *inst = model_instance_create();
    if (!inst)
        return IO_ENOMEM;
    /* The reader only looks: Jansson's getters just lack const. */
    json_t *root = (json_t *)tree;
    rd r = {.d = d};
    unsigned incomplete = 0;
    static const char *const keys[] = {"program", "settings",     "group_types", "groups",
                                       "rooms",   "facilitators", "patients",    NULL};
    rd_check_keys(&r, root, keys);
    read_program(&r, root, &inst->program, &incomplete);
    read_settings(&r, root, &inst->settings);
    rd_entities(&r, root, "group_types", true, sizeof(model_group_type), w_type,
                (void **)&inst->types, &inst->n_types, MODEL_KIND_TYPES, &incomplete);
    rd_entities(&r, root, "groups", true, sizeof(model_group), w_group, (void **)&inst->groups,
                &inst->n_groups, MODEL_KIND_GROUPS, &incomplete);
    rd_entities(&r, root, "rooms", false, sizeof(model_room), w_room, (void **)&inst->rooms,
                &inst->n_rooms, MODEL_KIND_ROOMS, &incomplete);
    rd_entities(&r, root, "facilitators", true, sizeof(model_facilitator), w_facilitator,
                (void **)&inst->facilitators, &inst->n_facilitators, MODEL_KIND_FACILITATORS,
                &incomplete);
    rd_entities(&r, root, "patients", true, sizeof(model_patient), w_patient,
                (void **)&inst->patients, &inst->n_patients, MODEL_KIND_PATIENTS, &incomplete);
    io_buf_free(&r.path);
    if (r.nomem) {
        model_instance_destroy(inst);
        return IO_ENOMEM;
    }

    model_diag sem;
    model_diag_init(&sem);
    int vrc = model_instance_validate_partial(inst, &sem, incomplete);
    rc = vrc == MODEL_ENOMEM ? IO_ENOMEM : rd_merge_semantic(d, errors_before, &sem);
    model_diag_free(&sem);
    if (d->n_errors > errors_before)
        rd_sort_issues(d->errors + errors_before, d->n_errors - errors_before);
    if (d->n_warnings > warnings_before)
        rd_sort_issues(d->warnings + warnings_before, d->n_warnings - warnings_before);
    if (rc == IO_OK && d->n_errors > errors_before)
        rc = IO_EINVAL;
    if (rc != IO_OK) {
        model_instance_destroy(inst);
        return rc;
    }
    *out = inst;
    return IO_OK;
}

int io_instance_parse(const char *text, size_t len, model_instance **out, model_diag *d)
{
    json_t *root = NULL;
    int rc = io_json_load(text, len, &root, d);
    if (rc != IO_OK)
        return rc;
    rc = io_instance_from_tree(root, out, d);
    json_decref(root);
    return rc;
}

int io_instance_read_file(const char *path, model_instance **out, model_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    int rc = io_read_input(path, &text, &len, d);
    if (rc != IO_OK)
        return rc;
    rc = io_instance_parse(text, len, out, d);
    free(text);
    return rc;
}
