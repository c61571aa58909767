/*
 * validate.c - semantic validation of an instance (every error with its JSON
 * path, plus warnings for legal-but-harmful input), id resolution of the
 * *_idx fields, and deep copy.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "clinic.h"
#include "idmap.h"

typedef struct vctx {
    model_instance *inst;
    model_diag *d;
    unsigned incomplete;
    int nomem;
    int errors;
    char path[256];
    model_idmap types, groups, rooms, facs, patients;
} vctx;

/* Format the current path into c->path and return it. */
__attribute__((format(printf, 2, 3))) static const char *P(vctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->path, sizeof c->path, fmt, ap);
    va_end(ap);
    return c->path;
}

static void vissue(vctx *c, int warning, const char *path, const char *fmt, va_list ap)
{
    int rc = warning ? model_diag_vwarning(c->d, path, fmt, ap)
                     : model_diag_verror(c->d, path, fmt, ap);
    if (rc != MODEL_OK)
        c->nomem = 1;
    else if (!warning)
        c->errors++;
}

__attribute__((format(printf, 3, 4))) static void err(vctx *c, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vissue(c, 0, path, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void warn(vctx *c, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vissue(c, 1, path, fmt, ap);
    va_end(ap);
}

/* Short, printable form of an id for messages (ids can be long). */
static const char *shortid(const char *s, char buf[48])
{
    if (!s)
        return "?";
    if (strlen(s) < 44)
        return s;
    int k = 40; /* cut at a UTF-8 character boundary */
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    snprintf(buf, 48, "%.*s...", k, s);
    return buf;
}

static const char *const KIND_WORD[] = {"group type", "group", "room", "facilitator", "patient"};

/* Check id of element i of a kind: present, non-empty, unique. */
static void check_id(vctx *c, const model_idmap *map, const char *arr, const char *id, int i,
                     int kind)
{
    char b[48];
    if (!id) {
        err(c, P(c, "%s[%d].id", arr, i), "id is missing");
        return;
    }
    if (!id[0]) {
        err(c, P(c, "%s[%d].id", arr, i), "id must not be empty");
        return;
    }
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0 || strchr(id, '/')) {
        err(c, P(c, "%s[%d].id", arr, i), "id must not be \".\" or \"..\" nor contain \"/\"");
        return;
    }
    for (const char *p = id; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            err(c, P(c, "%s[%d].id", arr, i), "id must not contain control characters");
            return;
        }
    int first = model_idmap_get(map, id);
    if (first >= 0 && first != i)
        err(c, P(c, "%s[%d].id", arr, i), "duplicate %s id \"%s\" (first used by %s[%d])",
            KIND_WORD[kind], shortid(id, b), arr, first);
}

static void check_windows(vctx *c, const char *prefix, const model_window *w, int n)
{
    char t1[6], t2[6];
    for (int k = 0; k < n; k++) {
        if (w[k].day < 0 || w[k].day > 6)
            err(c, P(c, "%s[%d].day", prefix, k), "day must be one of mon..sun");
        bool from_ok = w[k].from >= 0 && w[k].from < 24 * 60;
        bool to_ok = w[k].to > 0 && w[k].to <= 24 * 60;
        if (!from_ok)
            err(c, P(c, "%s[%d].from", prefix, k), "time out of range 00:00..23:59");
        if (!to_ok)
            err(c, P(c, "%s[%d].to", prefix, k), "time out of range 00:01..24:00");
        if (from_ok && to_ok && w[k].from >= w[k].to) {
            model_time_format(w[k].from, t1);
            model_time_format(w[k].to, t2);
            err(c, P(c, "%s[%d].to", prefix, k), "window ends at %s, not after its start %s", t2,
                t1);
        }
    }
}

static void check_nonneg(vctx *c, const char *path, int v)
{
    if (v < 0)
        err(c, path, "must not be negative, got %d", v);
}

/* -1 means absent; anything below is an error. */
static void check_opt(vctx *c, const char *path, int v)
{
    if (v < -1)
        err(c, path, "must not be negative, got %d", v);
}

static void check_weight(vctx *c, const char *name, double v)
{
    if (!isfinite(v) || v < 0)
        err(c, P(c, "settings.weights.%s", name), "must be a non-negative number, got %g", v);
}

static void validate_program(vctx *c)
{
    const model_program *p = &c->inst->program;
    char b[11];
    if (!(c->incomplete & MODEL_KIND_PROGRAM) || p->horizon_weeks != 0) {
        if (p->horizon_weeks < 1)
            err(c, "program.horizon.weeks", "must be at least 1, got %d", p->horizon_weeks);
        else if (p->horizon_weeks > 520)
            err(c, "program.horizon.weeks", "at most 520 weeks (10 years), got %d",
                p->horizon_weeks);
    }
    static const char *const WDAY[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};
    int wd = model_date_weekday(p->horizon_start);
    if (wd != 0) {
        model_date_format(p->horizon_start, b);
        err(c, "program.horizon.start", "%s is a %s; the horizon must start on a Monday", b,
            WDAY[wd]);
    }
    if ((p->days_mask & 0x7f) == 0)
        err(c, "program.days", "no program days; list at least one of mon..sun");
    else if (p->days_mask & ~0x7f)
        err(c, "program.days", "days must be among mon..sun");
    if (p->n_slot_starts == 0)
        err(c, "program.slot_starts", "no slot starts; list at least one start time \"HH:MM\"");
    int first_at[24 * 60];
    for (int m = 0; m < 24 * 60; m++)
        first_at[m] = -1;
    for (int i = 0; i < p->n_slot_starts; i++) {
        int s = p->slot_starts[i];
        if (s < 0 || s >= 24 * 60) {
            err(c, P(c, "program.slot_starts[%d]", i), "time out of range 00:00..23:59");
            continue;
        }
        if (first_at[s] >= 0) {
            char t[6];
            model_time_format(s, t);
            warn(c, P(c, "program.slot_starts[%d]", i),
                 "slot start %s is listed twice (also slot_starts[%d])", t, first_at[s]);
        } else {
            first_at[s] = i;
        }
    }
    int end = p->horizon_start + 7 * p->horizon_weeks; /* exclusive */
    for (int i = 0; i < p->n_closed_dates; i++) {
        int dt = p->closed_dates[i];
        model_date_format(dt, b);
        bool dup = false;
        for (int j = 0; j < i && !dup; j++)
            if (p->closed_dates[j] == dt) {
                warn(c, P(c, "program.closed_dates[%d]", i),
                     "closed date %s is listed twice (also closed_dates[%d])", b, j);
                dup = true;
            }
        if (!dup && !(c->incomplete & MODEL_KIND_PROGRAM) && p->horizon_weeks >= 1 &&
            (dt < p->horizon_start || dt >= end))
            warn(c, P(c, "program.closed_dates[%d]", i),
                 "closed date %s is outside the planning horizon; it has no effect", b);
    }
}

static void validate_settings(vctx *c)
{
    const model_settings *s = &c->inst->settings;
    check_nonneg(c, "settings.max_groups_per_day", s->max_groups_per_day);
    check_nonneg(c, "settings.max_groups_per_week", s->max_groups_per_week);
    check_nonneg(c, "settings.min_break_min", s->min_break_min);
    check_nonneg(c, "settings.max_consecutive_cover", s->max_consecutive_cover);
    if (!isfinite(s->time_limit_s) || s->time_limit_s <= 0 ||
        s->time_limit_s > MODEL_MAX_TIME_LIMIT_S)
        err(c, "settings.time_limit_s", "must be seconds in (0, %g], got %g",
            MODEL_MAX_TIME_LIMIT_S, s->time_limit_s);
    if (!isfinite(s->mip_gap) || s->mip_gap < 0)
        err(c, "settings.mip_gap", "must be a non-negative number, got %g", s->mip_gap);
    check_weight(c, "placement", s->weights.placement);
    check_weight(c, "wait_per_week", s->weights.wait_per_week);
    check_weight(c, "priority", s->weights.priority);
    check_weight(c, "empty_seat", s->weights.empty_seat);
    check_weight(c, "load_balance", s->weights.load_balance);
    check_weight(c, "change", s->weights.change);
}

static void validate_types(vctx *c)
{
    model_instance *in = c->inst;
    char b[48];
    for (int i = 0; i < in->n_types; i++) {
        const model_group_type *t = &in->types[i];
        check_id(c, &c->types, "group_types", t->id, i, 0);
        if (t->cpt && strcmp(t->cpt, "90853") != 0 && strcmp(t->cpt, "90849") != 0)
            err(c, P(c, "group_types[%d].cpt", i),
                "unknown CPT code \"%s\"; expected \"90853\" (group) or \"90849\" (multiple-family)",
                shortid(t->cpt, b));
        if (!isfinite(t->rate) || t->rate < 0)
            err(c, P(c, "group_types[%d].rate", i), "must not be negative, got %g", t->rate);
        if (t->duration_min <= 0)
            err(c, P(c, "group_types[%d].duration_min", i), "must be positive, got %d",
                t->duration_min);
        else if (t->duration_min > 24 * 60)
            err(c, P(c, "group_types[%d].duration_min", i), "at most 1440 minutes, got %d",
                t->duration_min);
        if (t->min_size < 2)
            err(c, P(c, "group_types[%d].min_size", i),
                "must be at least 2 (the billing minimum), got %d", t->min_size);
        if (t->max_size < t->min_size)
            err(c, P(c, "group_types[%d].max_size", i), "max_size %d is below min_size %d",
                t->max_size, t->min_size);
        else if (t->max_size < 2)
            err(c, P(c, "group_types[%d].max_size", i), "must be at least 2, got %d",
                t->max_size);
        if (t->modality != MODEL_IN_PERSON && t->modality != MODEL_TELEHEALTH)
            err(c, P(c, "group_types[%d].modality", i),
                "a group type is in_person or telehealth");
        if (t->cadence != MODEL_WEEKLY && t->cadence != MODEL_BIWEEKLY)
            err(c, P(c, "group_types[%d].cadence", i), "must be weekly or biweekly");
        check_opt(c, P(c, "group_types[%d].age_min", i), t->age_min);
        check_opt(c, P(c, "group_types[%d].age_max", i), t->age_max);
        if (t->age_min >= 0 && t->age_max >= 0 && t->age_min > t->age_max)
            err(c, P(c, "group_types[%d].age_max", i), "age_max %d is below age_min %d",
                t->age_max, t->age_min);
        double sh = t->composition.max_new_share;
        if (isnan(sh) || sh > 1)
            err(c, P(c, "group_types[%d].composition.max_new_share", i),
                "must be between 0 and 1, got %g", sh);
        check_opt(c, P(c, "group_types[%d].composition.max_high_acuity", i),
                  t->composition.max_high_acuity);
        check_opt(c, P(c, "group_types[%d].composition.max_age_spread", i),
                  t->composition.max_age_spread);
        if (!t->cofacilitation && t->cofacilitator_credentials.n > 0)
            warn(c, P(c, "group_types[%d].cofacilitator_credentials", i),
                 "ignored: cofacilitation is false");
        if (t->cadence == MODEL_BIWEEKLY && in->program.horizon_weeks == 1)
            warn(c, P(c, "group_types[%d].cadence", i),
                 "a biweekly group meets once in a 1-week horizon");
    }
}

static void validate_groups(vctx *c, int *occupied_by)
{
    model_instance *in = c->inst;
    char b[48], b2[48], t1[6];
    int *occ_member = NULL, *seen_group = NULL, *seen_member = NULL;
    if (in->n_patients > 0) {
        occ_member = malloc((size_t)in->n_patients * sizeof *occ_member);
        seen_group = malloc((size_t)in->n_patients * sizeof *seen_group);
        seen_member = malloc((size_t)in->n_patients * sizeof *seen_member);
        if (!occ_member || !seen_group || !seen_member) {
            free(occ_member);
            free(seen_group);
            free(seen_member);
            c->nomem = 1;
            return;
        }
        for (int p = 0; p < in->n_patients; p++)
            seen_group[p] = -1;
    }
    for (int i = 0; i < in->n_groups; i++) {
        model_group *g = &in->groups[i];
        check_id(c, &c->groups, "groups", g->id, i, 1);
        g->type_idx = model_idmap_get(&c->types, g->type);
        const model_group_type *t = g->type_idx >= 0 ? &in->types[g->type_idx] : NULL;
        if (!g->type)
            err(c, P(c, "groups[%d].type", i), "type is missing");
        else if (!t && !(c->incomplete & MODEL_KIND_TYPES))
            err(c, P(c, "groups[%d].type", i), "unknown group type \"%s\"", shortid(g->type, b));

        model_pinned *pn = &g->pinned;
        if (pn->has_day) {
            if (pn->day < 0 || pn->day > 6)
                err(c, P(c, "groups[%d].pinned.day", i), "day must be one of mon..sun");
            else if (!(c->incomplete & MODEL_KIND_PROGRAM) &&
                     !(in->program.days_mask & (1 << pn->day)))
                err(c, P(c, "groups[%d].pinned.day", i), "pinned day %s is not a program day",
                    model_day_name(pn->day));
        }
        if (pn->has_start && !(c->incomplete & MODEL_KIND_PROGRAM)) {
            bool found = false;
            for (int k = 0; k < in->program.n_slot_starts && !found; k++)
                found = in->program.slot_starts[k] == pn->start;
            if (!found) {
                model_time_format(pn->start, t1);
                err(c, P(c, "groups[%d].pinned.start", i),
                    "pinned start %s is not one of program.slot_starts", t1);
            }
        }
        pn->room_idx = model_idmap_get(&c->rooms, pn->room);
        if (pn->room) {
            if (t && t->modality == MODEL_TELEHEALTH)
                err(c, P(c, "groups[%d].pinned.room", i),
                    "type \"%s\" is telehealth; a telehealth group has no room",
                    shortid(t->id, b));
            else if (pn->room_idx < 0 && !(c->incomplete & MODEL_KIND_ROOMS))
                err(c, P(c, "groups[%d].pinned.room", i), "unknown room \"%s\"",
                    shortid(pn->room, b));
        }
        pn->facilitator_idx[0] = pn->facilitator_idx[1] = -1;
        if (pn->facilitators.n > 2)
            err(c, P(c, "groups[%d].pinned.facilitators", i),
                "at most 2 facilitators (primary, then co-facilitator), got %d",
                pn->facilitators.n);
        for (int k = 0; k < pn->facilitators.n; k++) {
            const char *fid = pn->facilitators.items[k];
            int f = model_idmap_get(&c->facs, fid);
            if (k < 2)
                pn->facilitator_idx[k] = f;
            if (f < 0 && !(c->incomplete & MODEL_KIND_FACILITATORS))
                err(c, P(c, "groups[%d].pinned.facilitators[%d]", i, k),
                    "unknown facilitator \"%s\"", shortid(fid, b));
            for (int j = 0; j < k && k < 2; j++)
                if (strcmp(pn->facilitators.items[j], fid) == 0) {
                    err(c, P(c, "groups[%d].pinned.facilitators[%d]", i, k),
                        "facilitator \"%s\" is listed twice", shortid(fid, b));
                    break;
                }
        }
        if (t && pn->facilitators.n == 2 && !t->cofacilitation)
            err(c, P(c, "groups[%d].pinned.facilitators[1]", i),
                "type \"%s\" is not co-facilitated; pin one facilitator", shortid(t->id, b));
        pn->substitute_idx = model_idmap_get(&c->facs, pn->substitute);
        if (pn->substitute) {
            if (pn->substitute_idx < 0 && !(c->incomplete & MODEL_KIND_FACILITATORS))
                err(c, P(c, "groups[%d].pinned.substitute", i), "unknown facilitator \"%s\"",
                    shortid(pn->substitute, b));
            else if (model_strlist_find(&pn->facilitators, pn->substitute) >= 0)
                err(c, P(c, "groups[%d].pinned.substitute", i),
                    "the substitute \"%s\" is one of the group's own facilitators",
                    shortid(pn->substitute, b));
        }

        int occupying = 0;
        for (int m = 0; m < g->n_members; m++) {
            model_member *mb = &g->members[m];
            mb->patient_idx = model_idmap_get(&c->patients, mb->patient);
            if ((int)mb->status < 0 || mb->status > MODEL_DROPPED)
                err(c, P(c, "groups[%d].members[%d].status", i, m),
                    "must be one of active, hold_clinical, hold_admin, graduated, dropped");
            if (!mb->patient) {
                err(c, P(c, "groups[%d].members[%d].patient", i, m), "patient is missing");
                continue;
            }
            if (mb->patient_idx < 0 && !(c->incomplete & MODEL_KIND_PATIENTS))
                err(c, P(c, "groups[%d].members[%d].patient", i, m), "unknown patient \"%s\"",
                    shortid(mb->patient, b));
            /* A patient listed twice in this roster (unknown ones are
             * already reported). */
            int p = mb->patient_idx;
            bool twice = false;
            if (p >= 0) {
                if (seen_group[p] == i) {
                    err(c, P(c, "groups[%d].members[%d].patient", i, m),
                        "patient \"%s\" is listed twice in this roster (also members[%d])",
                        shortid(mb->patient, b), seen_member[p]);
                    twice = true;
                } else {
                    seen_group[p] = i;
                    seen_member[p] = m;
                }
            }
            bool occ = model_status_occupies(mb->status);
            if (occ)
                occupying++;
            if (!occ || p < 0 || twice)
                continue;
            if (occupied_by[p] >= 0 && occupied_by[p] != i) {
                int og = occupied_by[p];
                err(c, P(c, "groups[%d].members[%d].patient", i, m),
                    "patient \"%s\" already occupies a seat in group \"%s\" "
                    "(groups[%d].members[%d])",
                    shortid(mb->patient, b), shortid(in->groups[og].id, b2), og, occ_member[p]);
            } else if (occupied_by[p] < 0) {
                occupied_by[p] = i;
                occ_member[p] = m;
            }
        }
        if (t && t->max_size >= 2 && occupying > t->max_size)
            warn(c, P(c, "groups[%d].members", i),
                 "%d members occupy seats, more than max_size %d of type \"%s\"; the group "
                 "cannot run until some leave",
                 occupying, t->max_size, shortid(t->id, b));
    }
    free(occ_member);
    free(seen_group);
    free(seen_member);
}

static void validate_rooms(vctx *c)
{
    model_instance *in = c->inst;
    for (int i = 0; i < in->n_rooms; i++) {
        const model_room *r = &in->rooms[i];
        check_id(c, &c->rooms, "rooms", r->id, i, 2);
        if (r->capacity < 1)
            err(c, P(c, "rooms[%d].capacity", i), "must be at least 1, got %d", r->capacity);
        char pre[64];
        snprintf(pre, sizeof pre, "rooms[%d].available", i);
        check_windows(c, pre, r->available, r->n_available);
    }
}

static void validate_facilitators(vctx *c)
{
    model_instance *in = c->inst;
    char d1[11], d2[11];
    for (int i = 0; i < in->n_facilitators; i++) {
        const model_facilitator *f = &in->facilitators[i];
        check_id(c, &c->facs, "facilitators", f->id, i, 3);
        char pre[64];
        snprintf(pre, sizeof pre, "facilitators[%d].available", i);
        check_windows(c, pre, f->available, f->n_available);
        check_opt(c, P(c, "facilitators[%d].max_per_day", i), f->max_per_day);
        check_opt(c, P(c, "facilitators[%d].max_per_week", i), f->max_per_week);
        for (int k = 0; k < f->n_time_off; k++)
            if (f->time_off[k].from > f->time_off[k].to) {
                model_date_format(f->time_off[k].from, d1);
                model_date_format(f->time_off[k].to, d2);
                err(c, P(c, "facilitators[%d].time_off[%d].to", i, k),
                    "time off ends %s, before it starts %s", d2, d1);
            }
    }
}

static void validate_patients(vctx *c)
{
    model_instance *in = c->inst;
    char b[48];
    for (int i = 0; i < in->n_patients; i++) {
        const model_patient *p = &in->patients[i];
        check_id(c, &c->patients, "patients", p->id, i, 4);
        char pre[64];
        snprintf(pre, sizeof pre, "patients[%d].available", i);
        check_windows(c, pre, p->available, p->n_available);
        for (int k = 0; p->has_group_types && k < p->group_types.n; k++)
            if (model_idmap_get(&c->types, p->group_types.items[k]) < 0 &&
                !(c->incomplete & MODEL_KIND_TYPES))
                err(c, P(c, "patients[%d].group_types[%d]", i, k), "unknown group type \"%s\"",
                    shortid(p->group_types.items[k], b));
        if ((int)p->acuity < 0 || p->acuity > MODEL_ACUITY_HIGH)
            err(c, P(c, "patients[%d].acuity", i), "must be one of low, moderate, high");
        if ((int)p->modality < 0 || p->modality > MODEL_EITHER)
            err(c, P(c, "patients[%d].modality", i),
                "must be one of in_person, telehealth, either");
        check_opt(c, P(c, "patients[%d].age", i), p->age);
        check_nonneg(c, P(c, "patients[%d].priority", i), p->priority);
        for (int k = 0; k < p->n_authorizations; k++) {
            const model_authorization *a = &p->authorizations[k];
            check_nonneg(c, P(c, "patients[%d].authorizations[%d].units", i, k), a->units);
            check_nonneg(c, P(c, "patients[%d].authorizations[%d].used", i, k), a->used);
            if (a->from >= 0 && a->to >= 0 && a->to < a->from)
                err(c, P(c, "patients[%d].authorizations[%d].to", i, k),
                    "the authorization ends before it starts");
        }
    }
}

/* True when patient p could, by type, modality, age and gender, join some
 * group type (windows, flags and capacity aside).  *work counts string
 * comparisons. */
static bool patient_fits_some_type(const model_instance *in, int p, long *work)
{
    const model_patient *pa = &in->patients[p];
    for (int t = 0; t < in->n_types; t++) {
        const model_group_type *ty = &in->types[t];
        *work += 1 + (pa->has_group_types ? pa->group_types.n
                                          : (long)pa->diagnoses.n * ty->diagnoses.n);
        if (model_patient_profile_fit(in, p, t) != MODEL_FIT_OK)
            continue;
        return true;
    }
    return false;
}

/* Most string comparisons the fit warnings may spend (a hostile file must
 * not make validation quadratic in its size). */
#define FIT_WORK_BUDGET 50000000L

static bool holds_all(const model_idmap *creds, const model_strlist *need)
{
    for (int i = 0; i < need->n; i++)
        if (model_idmap_get(creds, need->items[i]) < 0)
            return false;
    return true;
}

static void warnings(vctx *c, const int *named)
{
    model_instance *in = c->inst;
    char b[48];
    if (!(c->incomplete & MODEL_KIND_FACILITATORS)) {
        model_idmap *creds = NULL;
        if (in->n_facilitators > 0) {
            creds = calloc((size_t)in->n_facilitators, sizeof *creds);
            if (!creds) {
                c->nomem = 1;
                return;
            }
        }
        for (int f = 0; f < in->n_facilitators && !c->nomem; f++)
            if (model_idmap_build_strs(&creds[f], in->facilitators[f].credentials.items,
                                       in->facilitators[f].credentials.n) != MODEL_OK)
                c->nomem = 1;
        for (int t = 0; t < in->n_types && !c->nomem; t++) {
            const model_group_type *ty = &in->types[t];
            int n_req = 0, n_co = 0, last_req = -1, last_co = -1;
            for (int f = 0; f < in->n_facilitators; f++) {
                if (holds_all(&creds[f], &ty->required_credentials)) {
                    n_req++;
                    last_req = f;
                }
                if (ty->cofacilitation && holds_all(&creds[f], &ty->cofacilitator_credentials)) {
                    n_co++;
                    last_co = f;
                }
            }
            if (n_req == 0) {
                warn(c, P(c, "group_types[%d]", t),
                     "no facilitator holds every required credential of type \"%s\"; its groups "
                     "cannot run",
                     shortid(ty->id, b));
            } else if (ty->cofacilitation &&
                       (n_co == 0 || (n_req == 1 && n_co == 1 && last_req == last_co))) {
                warn(c, P(c, "group_types[%d]", t),
                     "type \"%s\" needs co-facilitation but fewer than two facilitators hold its "
                     "credentials",
                     shortid(ty->id, b));
            }
        }
        for (int f = 0; f < in->n_facilitators; f++)
            model_idmap_free(&creds[f]);
        free(creds);
    }
    if (!(c->incomplete & (MODEL_KIND_TYPES | MODEL_KIND_GROUPS))) {
        long work = 0;
        for (int p = 0; p < in->n_patients; p++) {
            if (work > FIT_WORK_BUDGET) {
                warn(c, "patients",
                     "too large to check whether each waitlisted patient fits a group type; "
                     "checked patients[0..%d] only",
                     p - 1);
                break;
            }
            if (!named[p] && !patient_fits_some_type(in, p, &work))
                warn(c, P(c, "patients[%d]", p),
                     "waitlisted patient \"%s\" fits no group type (referral or diagnosis, "
                     "modality, age, gender)",
                     shortid(in->patients[p].id, b));
        }
    }
}

int model_instance_validate_partial(model_instance *inst, model_diag *d, unsigned incomplete)
{
    vctx c;
    memset(&c, 0, sizeof c);
    c.inst = inst;
    c.d = d;
    c.incomplete = incomplete;
    int *occupied_by = NULL, *named = NULL;
    if (model_idmap_build(&c.types, inst->types, inst->n_types, sizeof(model_group_type),
                          offsetof(model_group_type, id)) ||
        model_idmap_build(&c.groups, inst->groups, inst->n_groups, sizeof(model_group),
                          offsetof(model_group, id)) ||
        model_idmap_build(&c.rooms, inst->rooms, inst->n_rooms, sizeof(model_room),
                          offsetof(model_room, id)) ||
        model_idmap_build(&c.facs, inst->facilitators, inst->n_facilitators,
                          sizeof(model_facilitator), offsetof(model_facilitator, id)) ||
        model_idmap_build(&c.patients, inst->patients, inst->n_patients, sizeof(model_patient),
                          offsetof(model_patient, id))) {
        c.nomem = 1;
        goto out;
    }
    if (inst->n_patients > 0) {
        occupied_by = malloc((size_t)inst->n_patients * sizeof *occupied_by);
        named = calloc((size_t)inst->n_patients, sizeof *named);
        if (!occupied_by || !named) {
            c.nomem = 1;
            goto out;
        }
        for (int p = 0; p < inst->n_patients; p++)
            occupied_by[p] = -1;
    }
    validate_program(&c);
    validate_settings(&c);
    if (model_clinic_settings_validate(&inst->settings, d) != MODEL_OK)
        c.errors++;
    validate_types(&c);
    validate_groups(&c, occupied_by);
    validate_rooms(&c);
    validate_facilitators(&c);
    validate_patients(&c);
    for (int g = 0; g < inst->n_groups; g++)
        for (int m = 0; m < inst->groups[g].n_members; m++)
            if (inst->groups[g].members[m].patient_idx >= 0)
                named[inst->groups[g].members[m].patient_idx] = 1;
    warnings(&c, named);
out:
    free(occupied_by);
    free(named);
    model_idmap_free(&c.types);
    model_idmap_free(&c.groups);
    model_idmap_free(&c.rooms);
    model_idmap_free(&c.facs);
    model_idmap_free(&c.patients);
    if (c.nomem)
        return MODEL_ENOMEM;
    return c.errors ? MODEL_EINVAL : MODEL_OK;
}

int model_instance_validate(model_instance *inst, model_diag *d)
{
    return model_instance_validate_partial(inst, d, 0);
}

/* ------------------------------------------------------------- clone */

static bool cp_str(char **dst, const char *src)
{
    *dst = model_strdup(src);
    return !src || *dst;
}

static bool cp_list(model_strlist *dst, const model_strlist *src)
{
    memset(dst, 0, sizeof *dst);
    return model_strlist_copy(dst, src) == MODEL_OK;
}

static bool cp_mem(void **dst, const void *src, size_t n, size_t sz)
{
    *dst = NULL;
    if (n == 0 || !src)
        return true;
    *dst = malloc(n * sz);
    if (!*dst)
        return false;
    memcpy(*dst, src, n * sz);
    return true;
}

static bool cp_type(model_group_type *d, const model_group_type *s)
{
    *d = *s;
    d->id = d->name = d->cpt = d->gender = NULL;
    memset(&d->required_credentials, 0, sizeof d->required_credentials);
    memset(&d->cofacilitator_credentials, 0, sizeof d->cofacilitator_credentials);
    memset(&d->diagnoses, 0, sizeof d->diagnoses);
    memset(&d->room_features, 0, sizeof d->room_features);
    return cp_str(&d->id, s->id) && cp_str(&d->name, s->name) && cp_str(&d->cpt, s->cpt) &&
           cp_str(&d->gender, s->gender) &&
           cp_list(&d->required_credentials, &s->required_credentials) &&
           cp_list(&d->cofacilitator_credentials, &s->cofacilitator_credentials) &&
           cp_list(&d->diagnoses, &s->diagnoses) && cp_list(&d->room_features, &s->room_features);
}

static bool cp_group(model_group *d, const model_group *s)
{
    *d = *s;
    d->id = d->type = NULL;
    d->pinned.room = d->pinned.substitute = NULL;
    memset(&d->pinned.facilitators, 0, sizeof d->pinned.facilitators);
    d->members = NULL;
    d->n_members = 0;
    if (!cp_str(&d->id, s->id) || !cp_str(&d->type, s->type) ||
        !cp_str(&d->pinned.room, s->pinned.room) ||
        !cp_str(&d->pinned.substitute, s->pinned.substitute) ||
        !cp_list(&d->pinned.facilitators, &s->pinned.facilitators))
        return false;
    if (s->n_members > 0) {
        d->members = calloc((size_t)s->n_members, sizeof *d->members);
        if (!d->members)
            return false;
        d->n_members = s->n_members;
        for (int m = 0; m < s->n_members; m++) {
            d->members[m] = s->members[m];
            d->members[m].patient = NULL;
            if (!cp_str(&d->members[m].patient, s->members[m].patient))
                return false;
        }
    }
    return true;
}

static bool cp_room(model_room *d, const model_room *s)
{
    *d = *s;
    d->id = d->site = NULL;
    memset(&d->features, 0, sizeof d->features);
    d->available = NULL;
    return cp_str(&d->id, s->id) && cp_str(&d->site, s->site) &&
           cp_list(&d->features, &s->features) &&
           cp_mem((void **)&d->available, s->available, (size_t)s->n_available,
                  sizeof *s->available);
}

static bool cp_fac(model_facilitator *d, const model_facilitator *s)
{
    *d = *s;
    d->id = d->name = NULL;
    memset(&d->credentials, 0, sizeof d->credentials);
    d->available = NULL;
    d->time_off = NULL;
    return cp_str(&d->id, s->id) && cp_str(&d->name, s->name) &&
           cp_list(&d->credentials, &s->credentials) &&
           cp_mem((void **)&d->available, s->available, (size_t)s->n_available,
                  sizeof *s->available) &&
           cp_mem((void **)&d->time_off, s->time_off, (size_t)s->n_time_off, sizeof *s->time_off);
}

static bool cp_patient(model_patient *d, const model_patient *s)
{
    *d = *s;
    d->id = d->gender = NULL;
    memset(&d->diagnoses, 0, sizeof d->diagnoses);
    memset(&d->group_types, 0, sizeof d->group_types);
    d->available = NULL;
    return cp_str(&d->id, s->id) && cp_str(&d->gender, s->gender) &&
           cp_list(&d->diagnoses, &s->diagnoses) && cp_list(&d->group_types, &s->group_types) &&
           cp_mem((void **)&d->available, s->available, (size_t)s->n_available,
                  sizeof *s->available);
}

/* Copy an entity array: allocate n zeroed elements, copy each; counts are
 * set so that model_instance_destroy frees a partial copy. */
#define CP_ARRAY(dst, src, arr, count, fn)                                          \
    do {                                                                            \
        if ((src)->count > 0) {                                                     \
            (dst)->arr = calloc((size_t)(src)->count, sizeof *(src)->arr);          \
            if (!(dst)->arr)                                                        \
                goto fail;                                                          \
            (dst)->count = (src)->count;                                            \
            for (int i_ = 0; i_ < (src)->count; i_++)                               \
                if (!fn(&(dst)->arr[i_], &(src)->arr[i_]))                          \
                    goto fail;                                                      \
        }                                                                           \
    } while (0)

model_instance *model_instance_clone(const model_instance *inst)
{
    if (!inst)
        return NULL;
    model_instance *c = model_instance_create();
    if (!c)
        return NULL;
    c->program = inst->program;
    c->program.name = NULL;
    c->program.slot_starts = NULL;
    c->program.closed_dates = NULL;
    c->settings = inst->settings;
    if (!cp_str(&c->program.name, inst->program.name) ||
        !cp_mem((void **)&c->program.slot_starts, inst->program.slot_starts,
                (size_t)inst->program.n_slot_starts, sizeof(int)) ||
        !cp_mem((void **)&c->program.closed_dates, inst->program.closed_dates,
                (size_t)inst->program.n_closed_dates, sizeof(int)))
        goto fail;
    CP_ARRAY(c, inst, types, n_types, cp_type);
    CP_ARRAY(c, inst, groups, n_groups, cp_group);
    CP_ARRAY(c, inst, rooms, n_rooms, cp_room);
    CP_ARRAY(c, inst, facilitators, n_facilitators, cp_fac);
    CP_ARRAY(c, inst, patients, n_patients, cp_patient);
    return c;
fail:
    model_instance_destroy(c);
    return NULL;
}
