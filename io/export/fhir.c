/*
 * fhir.c - a FHIR R4 Bundle (type collection) of the schedule.
 *
 * Mapping (docs/EXPORTS.md): group type -> HealthcareService (CPT code),
 * room -> Location, facilitator -> Practitioner + PractitionerRole,
 * member -> Patient (identifier only: cohort holds no names), running
 * group -> Schedule, session -> Slot + Appointment (members, leads and the
 * room as participants).  Every entry's fullUrl is urn:uuid:<uuid> with a
 * UUID derived from the program name, the kind and the id, and every
 * reference names one of those fullUrls.  Instants carry the clinic's UTC
 * offset from the options, fixed or per day (the instance has no time
 * zone).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "export_private.h"

typedef struct fhir {
    const model_instance *inst;
    const model_solution *sol;
    const io_export_options *o;
    json_t *entries;
    char *need_type, *need_room, *need_fac, *need_pat; /* by instance index */
    int oom; /* an entry could not be built */
} fhir;

/* "urn:uuid:..." of an entity. */
static void urn(const fhir *x, const char *kind, const char *id, char out[46])
{
    char u[37];
    ex_uuid(x->inst, kind, id, u);
    snprintf(out, 46, "urn:uuid:%s", u);
}

static json_t *ref(const fhir *x, const char *kind, const char *id, const char *display)
{
    char r[46];
    urn(x, kind, id, r);
    return json_pack("{s:s,s:s*}", "reference", r, "display", display);
}

static json_t *identifier(const char *kind, const char *id)
{
    char sys[64];
    snprintf(sys, sizeof sys, "urn:x-cohort:%s", kind);
    return json_pack("[{s:s,s:s}]", "system", sys, "value", id);
}

/* Append an entry: resource gets resourceType and id (the UUID). */
static void add(fhir *x, const char *kind, const char *id, json_t *res)
{
    char r[46];
    urn(x, kind, id, r);
    if (!res || json_object_set_new(res, "resourceType", json_string(kind)) != 0 ||
        json_object_set_new(res, "id", json_string(r + 9)) != 0 ||
        json_array_append_new(x->entries, json_pack("{s:s,s:O}", "fullUrl", r, "resource", res)) !=
            0)
        x->oom = 1;
    json_decref(res);
}

/* "YYYY-MM-DDTHH:MM:00+HH:MM". */
static void instant(const fhir *x, int date, int minutes, char out[32])
{
    char d[11];
    model_date_format(date, d);
    int day = date - x->inst->program.horizon_start;
    int off = x->o->day_offsets && day >= 0 && day < x->o->n_day_offsets ? x->o->day_offsets[day]
                                                                          : x->o->utc_offset_min;
    int a = off < 0 ? -off : off;
    unsigned m = (unsigned)minutes % 1440u;
    snprintf(out, 32, "%sT%02u:%02u:00%c%02d:%02d", d, m / 60u, m % 60u, off < 0 ? '-' : '+',
             (a / 60) % 100, a % 60);
}

static void mark_fac(fhir *x, const char *id)
{
    int f = id ? model_find_facilitator(x->inst, id) : -1;
    if (f >= 0)
        x->need_fac[f] = 1;
}

/* Which instance entities the scope's sessions refer to. */
static void mark(fhir *x, const int *idx, int n)
{
    const io_export_scope *sc = &x->o->scope;
    for (int i = 0; i < n; i++) {
        const model_sol_session *s = &x->sol->sessions[idx[i]];
        const model_sol_group *g = ex_group(x->sol, s->group);
        const model_group_type *t = ex_type(x->inst, g);
        if (t)
            x->need_type[t - x->inst->types] = 1;
        int r = s->room ? model_find_room(x->inst, s->room) : -1;
        if (r >= 0)
            x->need_room[r] = 1;
        for (int k = 0; k < s->facilitators.n; k++)
            mark_fac(x, s->facilitators.items[k]);
        for (int k = 0; k < g->members.n; k++) {
            int p = model_find_patient(x->inst, g->members.items[k]);
            if (p >= 0 && (sc->kind != IO_SCOPE_PATIENT || strcmp(sc->id, g->members.items[k]) == 0))
                x->need_pat[p] = 1;
        }
    }
}

static void services(fhir *x)
{
    for (int i = 0; i < x->inst->n_types; i++) {
        const model_group_type *t = &x->inst->types[i];
        if (!x->need_type[i])
            continue;
        char comment[200];
        snprintf(comment, sizeof comment, "%s group, %d minutes, %d-%d members, %s",
                 model_cadence_name(t->cadence), t->duration_min, t->min_size, t->max_size,
                 model_modality_name(t->modality));
        json_t *type = json_pack("{s:s}", "text", t->name ? t->name : t->id);
        if (t->cpt)
            json_object_set_new(type, "coding",
                                json_pack("[{s:s,s:s}]", "system", "http://www.ama-assn.org/go/cpt",
                                          "code", t->cpt));
        add(x, "HealthcareService", t->id,
            json_pack("{s:o,s:b,s:s,s:[o],s:s}", "identifier", identifier("group-type", t->id),
                      "active", 1, "name", t->name ? t->name : t->id, "type", type, "comment",
                      comment));
    }
}

static void locations(fhir *x)
{
    for (int i = 0; i < x->inst->n_rooms; i++) {
        const model_room *r = &x->inst->rooms[i];
        if (!x->need_room[i])
            continue;
        char desc[200];
        snprintf(desc, sizeof desc, "capacity %d%s%s", r->capacity, r->site ? ", site " : "",
                 r->site ? r->site : "");
        add(x, "Location", r->id,
            json_pack("{s:o,s:s,s:s,s:s,s:s}", "identifier", identifier("room", r->id), "status",
                      "active", "name", r->id, "mode", "instance", "description", desc));
    }
}

static void practitioners(fhir *x)
{
    for (int i = 0; i < x->inst->n_facilitators; i++) {
        const model_facilitator *f = &x->inst->facilitators[i];
        if (!x->need_fac[i])
            continue;
        json_t *q = json_array();
        for (int k = 0; k < f->credentials.n; k++)
            json_array_append_new(q, json_pack("{s:{s:s}}", "code", "text",
                                               f->credentials.items[k]));
        json_t *p = json_pack("{s:o,s:b,s:[{s:s}]}", "identifier", identifier("facilitator", f->id),
                              "active", 1, "name", "text", f->name ? f->name : f->id);
        if (json_array_size(q))
            json_object_set(p, "qualification", q);
        json_decref(q);
        add(x, "Practitioner", f->id, p);
        /* the services of the groups this facilitator leads or co-leads */
        json_t *hs = json_array();
        for (int t = 0; t < x->inst->n_types; t++) {
            int leads = 0;
            for (int g = 0; g < x->sol->n_groups && !leads; g++)
                leads = x->sol->groups[g].running && x->need_type[t] &&
                        ex_type(x->inst, &x->sol->groups[g]) == &x->inst->types[t] &&
                        model_strlist_find(&x->sol->groups[g].facilitators, f->id) >= 0;
            if (leads)
                json_array_append_new(hs, ref(x, "HealthcareService", x->inst->types[t].id, NULL));
        }
        json_t *role = json_pack("{s:b,s:o,s:[{s:s}]}", "active", 1, "practitioner",
                                 ref(x, "Practitioner", f->id, f->name), "code", "text",
                                 "group facilitator");
        if (json_array_size(hs))
            json_object_set(role, "healthcareService", hs);
        json_decref(hs);
        add(x, "PractitionerRole", f->id, role);
    }
}

static void patients(fhir *x)
{
    for (int i = 0; i < x->inst->n_patients; i++)
        if (x->need_pat[i])
            add(x, "Patient", x->inst->patients[i].id,
                json_pack("{s:o,s:b}", "identifier",
                          identifier("patient", x->inst->patients[i].id), "active", 1));
}

/* One Schedule per running group with a session in scope. */
static void schedules(fhir *x, const int *idx, int n)
{
    for (int gi = 0; gi < x->sol->n_groups; gi++) {
        const model_sol_group *g = &x->sol->groups[gi];
        int used = 0;
        for (int i = 0; i < n && !used; i++)
            used = strcmp(x->sol->sessions[idx[i]].group, g->id) == 0;
        if (!used)
            continue;
        json_t *actors = json_array();
        const model_group_type *t = ex_type(x->inst, g);
        if (t)
            json_array_append_new(actors, ref(x, "HealthcareService", t->id, NULL));
        if (g->room && model_find_room(x->inst, g->room) >= 0 &&
            x->need_room[model_find_room(x->inst, g->room)])
            json_array_append_new(actors, ref(x, "Location", g->room, NULL));
        for (int k = 0; k < g->facilitators.n; k++) {
            int f = model_find_facilitator(x->inst, g->facilitators.items[k]);
            if (f >= 0 && x->need_fac[f])
                json_array_append_new(actors, ref(x, "PractitionerRole", g->facilitators.items[k],
                                                  NULL));
        }
        char from[32], to[32], st[6], comment[300];
        instant(x, x->inst->program.horizon_start, 0, from);
        instant(x, ex_horizon_last(x->inst), 23 * 60 + 59, to);
        model_time_format(g->start, st);
        snprintf(comment, sizeof comment, "group %s: %s %s, %s%s%s", g->id,
                 model_day_name(g->day), st, t ? model_cadence_name(t->cadence) : "weekly",
                 g->substitute ? ", substitute " : "", g->substitute ? g->substitute : "");
        add(x, "Schedule", g->id,
            json_pack("{s:o,s:b,s:[{s:s}],s:o,s:{s:s,s:s},s:s}", "identifier",
                      identifier("group", g->id), "active", 1, "serviceType", "text",
                      ex_type_name(x->inst, g), "actor", actors, "planningHorizon", "start", from,
                      "end", to, "comment", comment));
    }
}

static json_t *participant(json_t *actor, const char *type_code, const char *status)
{
    json_t *p = json_pack("{s:o,s:s,s:s}", "actor", actor, "required", "required", "status",
                          status);
    if (type_code)
        json_object_set_new(
            p, "type",
            json_pack("[{s:[{s:s,s:s}]}]", "coding", "system",
                      "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code",
                      type_code));
    return p;
}

/* The member's status in the instance roster: held members are
 * "tentative", everyone else "accepted". */
static const char *member_partstat(const fhir *x, const model_sol_group *g, const char *p)
{
    int gi = model_find_group(x->inst, g->id);
    for (int i = 0; gi >= 0 && i < x->inst->groups[gi].n_members; i++)
        if (strcmp(x->inst->groups[gi].members[i].patient, p) == 0)
            return x->inst->groups[gi].members[i].status == MODEL_ACTIVE ? "accepted"
                                                                          : "tentative";
    return "accepted";
}

static void appointments(fhir *x, const int *idx, int n)
{
    for (int i = 0; i < n; i++) {
        const model_sol_session *s = &x->sol->sessions[idx[i]];
        const model_sol_group *g = ex_group(x->sol, s->group);
        char key[200], d[11], from[32], to[32];
        model_date_format(s->date, d);
        snprintf(key, sizeof key, "%s@%s", s->group, d);
        instant(x, s->date, s->start, from);
        instant(x, s->date, s->end, to);
        json_t *stype = json_pack("[{s:s}]", "text", ex_type_name(x->inst, g));
        add(x, "Slot", key,
            json_pack("{s:o,s:O,s:o,s:s,s:s,s:s}", "identifier", identifier("session", key),
                      "serviceType", stype, "schedule", ref(x, "Schedule", g->id, NULL), "status",
                      "busy", "start", from, "end", to));
        json_t *parts = json_array();
        for (int k = 0; k < s->facilitators.n; k++)
            json_array_append_new(
                parts, participant(ref(x, "Practitioner", s->facilitators.items[k],
                                       ex_facilitator_name(x->inst, s->facilitators.items[k])),
                                   k == 0 ? "PPRF" : "SPRF", "accepted"));
        for (int k = 0; k < g->members.n; k++) {
            int p = model_find_patient(x->inst, g->members.items[k]);
            if (p >= 0 && x->need_pat[p])
                json_array_append_new(parts,
                                      participant(ref(x, "Patient", g->members.items[k], NULL),
                                                  NULL, member_partstat(x, g, g->members.items[k])));
        }
        if (s->room && model_find_room(x->inst, s->room) >= 0)
            json_array_append_new(parts, participant(ref(x, "Location", s->room, s->room), NULL,
                                                     "accepted"));
        char desc[400];
        snprintf(desc, sizeof desc, "%s (%s)%s%s%s", ex_type_name(x->inst, g), g->id,
                 s->covered_by ? ", covered by " : "",
                 s->covered_by ? ex_facilitator_name(x->inst, s->covered_by) : "",
                 s->uncovered ? ", UNCOVERED: no facilitator available" : "");
        add(x, "Appointment", key,
            json_pack("{s:o,s:s,s:o,s:s,s:s,s:s,s:i,s:[o],s:o}", "identifier",
                      identifier("session", key), "status", s->uncovered ? "pending" : "booked",
                      "serviceType", stype, "description", desc, "start", from, "end", to,
                      "minutesDuration", s->end - s->start, "slot",
                      ref(x, "Slot", key, NULL), "participant", parts));
    }
}

int io_export_fhir(const model_instance *inst, const model_solution *sol,
                   const io_export_options *o, json_t **out)
{
    if (!inst || !sol || !o || !out)
        return IO_EINVAL;
    fhir x = {inst, sol, o, json_array(), calloc((size_t)inst->n_types + 1, 1),
              calloc((size_t)inst->n_rooms + 1, 1), calloc((size_t)inst->n_facilitators + 1, 1),
              calloc((size_t)inst->n_patients + 1, 1), 0};
    int *idx = NULL, n = 0, rc = IO_ENOMEM;
    if (x.entries && x.need_type && x.need_room && x.need_fac && x.need_pat &&
        ex_sessions_sorted(sol, &o->scope, &idx, &n) == IO_OK) {
        mark(&x, idx, n);
        services(&x);
        locations(&x);
        practitioners(&x);
        patients(&x);
        schedules(&x, idx, n);
        appointments(&x, idx, n);
        char id[37], scope[200];
        snprintf(scope, sizeof scope, "%d:%s", (int)o->scope.kind, o->scope.id ? o->scope.id : "");
        ex_uuid(inst, "Bundle", scope, id);
        json_t *b = json_pack("{s:s,s:s,s:s,s:O}", "resourceType", "Bundle", "id", id, "type",
                              "collection", "entry", x.entries);
        if (b && !x.oom) {
            *out = b;
            rc = IO_OK;
        } else {
            json_decref(b);
        }
    }
    free(idx);
    json_decref(x.entries);
    free(x.need_type);
    free(x.need_room);
    free(x.need_fac);
    free(x.need_pat);
    return rc;
}
