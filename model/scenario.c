/*
 * scenario.c - what-if scenarios: named lists of changes applied to a copy
 * of an instance (add/remove a facilitator, room or group offering; change
 * a setting, a credential, windows, a type's size limits; add synthetic
 * referrals).  Pure model manipulation; the JSON side is io/jobs/whatif.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static const char *const OP_NAMES[MODEL_CHANGE_COUNT] = {
    "add_facilitator", "remove_facilitator", "add_room",         "remove_room",
    "add_group",       "remove_group",       "set_setting",      "add_credential",
    "remove_credential", "set_windows",      "set_type_size",    "add_referrals",
};

const char *model_change_op_name(model_change_op op)
{
    return (int)op >= 0 && op < MODEL_CHANGE_COUNT ? OP_NAMES[op] : "?";
}

int model_change_op_parse(const char *s)
{
    for (int i = 0; s && i < MODEL_CHANGE_COUNT; i++)
        if (strcmp(s, OP_NAMES[i]) == 0)
            return i;
    return -1;
}

const char *const MODEL_SETTING_FIELDS[] = {
    "max_groups_per_day", "max_groups_per_week", "min_break_min", "max_consecutive_cover",
    "time_limit_s",       "mip_gap",             "seed",          "weights.placement",
    "weights.wait_per_week", "weights.priority", "weights.empty_seat", "weights.load_balance",
    "weights.change",     NULL,
};

/* ------------------------------------------------------- lifetimes */

static void change_free(model_change *c)
{
    free(c->id);
    free(c->field);
    free(c->credential);
    free(c->windows);
}

void model_scenario_free(model_scenario *sc)
{
    if (!sc)
        return;
    free(sc->name);
    for (int i = 0; i < sc->n_changes; i++)
        change_free(&sc->changes[i]);
    free(sc->changes);
    model_instance_destroy(sc->payload);
    memset(sc, 0, sizeof *sc);
}

int model_scenario_push(model_scenario *sc, const model_change *c)
{
    model_change *nc = realloc(sc->changes, (size_t)(sc->n_changes + 1) * sizeof *nc);
    if (!nc)
        return MODEL_ENOMEM;
    sc->changes = nc;
    sc->changes[sc->n_changes++] = *c;
    return MODEL_OK;
}

static int mem_dup(void **dst, const void *src, size_t n, size_t sz)
{
    *dst = NULL;
    if (n == 0 || !src)
        return 0;
    if (!(*dst = malloc(n * sz)))
        return -1;
    memcpy(*dst, src, n * sz);
    return 0;
}

static int str_dup(char **dst, const char *src)
{
    *dst = model_strdup(src);
    return src && !*dst ? -1 : 0;
}

static int fac_copy(model_facilitator *d, const model_facilitator *s)
{
    *d = *s;
    d->id = d->name = NULL;
    d->credentials = (model_strlist){0};
    d->available = NULL;
    d->time_off = NULL;
    if (str_dup(&d->id, s->id) || str_dup(&d->name, s->name) ||
        model_strlist_copy(&d->credentials, &s->credentials) ||
        mem_dup((void **)&d->available, s->available, (size_t)s->n_available,
                sizeof *s->available) ||
        mem_dup((void **)&d->time_off, s->time_off, (size_t)s->n_time_off, sizeof *s->time_off)) {
        model_facilitator_free(d);
        return -1;
    }
    return 0;
}

static int room_copy(model_room *d, const model_room *s)
{
    *d = *s;
    d->id = d->site = NULL;
    d->features = (model_strlist){0};
    d->available = NULL;
    if (str_dup(&d->id, s->id) || str_dup(&d->site, s->site) ||
        model_strlist_copy(&d->features, &s->features) ||
        mem_dup((void **)&d->available, s->available, (size_t)s->n_available,
                sizeof *s->available)) {
        model_room_free(d);
        return -1;
    }
    return 0;
}

static int payload(model_scenario *sc)
{
    if (!sc->payload && !(sc->payload = model_instance_create()))
        return -1;
    return 0;
}

int model_scenario_add_facilitator(model_scenario *sc, const model_facilitator *f)
{
    if (!sc || !f)
        return MODEL_EINVAL;
    if (payload(sc))
        return MODEL_ENOMEM;
    model_instance *p = sc->payload;
    model_facilitator *na = realloc(p->facilitators, (size_t)(p->n_facilitators + 1) * sizeof *na);
    if (!na)
        return MODEL_ENOMEM;
    p->facilitators = na;
    if (fac_copy(&na[p->n_facilitators], f))
        return MODEL_ENOMEM;
    model_change c = {.op = MODEL_CHANGE_ADD_FACILITATOR, .entity = p->n_facilitators,
                      .min_size = -1, .max_size = -1, .seed = -1};
    if (model_scenario_push(sc, &c) != MODEL_OK) {
        model_facilitator_free(&na[p->n_facilitators]);
        return MODEL_ENOMEM;
    }
    p->n_facilitators++;
    return MODEL_OK;
}

int model_scenario_add_room(model_scenario *sc, const model_room *r)
{
    if (!sc || !r)
        return MODEL_EINVAL;
    if (payload(sc))
        return MODEL_ENOMEM;
    model_instance *p = sc->payload;
    model_room *na = realloc(p->rooms, (size_t)(p->n_rooms + 1) * sizeof *na);
    if (!na)
        return MODEL_ENOMEM;
    p->rooms = na;
    if (room_copy(&na[p->n_rooms], r))
        return MODEL_ENOMEM;
    model_change c = {.op = MODEL_CHANGE_ADD_ROOM, .entity = p->n_rooms, .min_size = -1,
                      .max_size = -1, .seed = -1};
    if (model_scenario_push(sc, &c) != MODEL_OK) {
        model_room_free(&na[p->n_rooms]);
        return MODEL_ENOMEM;
    }
    p->n_rooms++;
    return MODEL_OK;
}

/* ----------------------------------------------------------- apply */

typedef struct actx {
    model_instance *w;  /* working copy */
    model_instance *pl; /* copy of the payload: entities are moved out */
    model_diag *d;
    const char *prefix;
    int j;              /* change index */
    int errors;
    int nomem;
} actx;

__attribute__((format(printf, 3, 4))) static void aerr(actx *a, const char *field,
                                                       const char *fmt, ...)
{
    char path[256];
    snprintf(path, sizeof path, "%s%schanges[%d]%s%s", a->prefix ? a->prefix : "",
             a->prefix && *a->prefix ? "." : "", a->j, field ? "." : "", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    if (a->d && model_diag_verror(a->d, path, fmt, ap) != MODEL_OK)
        a->nomem = 1;
    va_end(ap);
    a->errors++;
}

#define APPEND(arr, count, elem)                                                 \
    do {                                                                         \
        void *na_ = realloc(a->w->arr, (size_t)(a->w->count + 1) * sizeof *a->w->arr); \
        if (!na_) {                                                              \
            a->nomem = 1;                                                        \
            return;                                                              \
        }                                                                        \
        a->w->arr = na_;                                                         \
        a->w->arr[a->w->count++] = (elem);                                       \
    } while (0)

#define REMOVE_AT(arr, count, i, freefn)                                          \
    do {                                                                         \
        freefn(&a->w->arr[i]);                                                   \
        memmove(&a->w->arr[i], &a->w->arr[(i) + 1],                              \
                (size_t)(a->w->count - (i) - 1) * sizeof *a->w->arr);             \
        a->w->count--;                                                           \
    } while (0)

static void unpin_facilitator(actx *a, const char *id)
{
    for (int g = 0; g < a->w->n_groups; g++) {
        model_pinned *pn = &a->w->groups[g].pinned;
        if (model_strlist_find(&pn->facilitators, id) >= 0) {
            model_strlist_free(&pn->facilitators);
            pn->facilitator_idx[0] = pn->facilitator_idx[1] = -1;
        }
        if (pn->substitute && strcmp(pn->substitute, id) == 0) {
            free(pn->substitute);
            pn->substitute = NULL;
            pn->substitute_idx = -1;
        }
    }
}

static void unpin_room(actx *a, const char *id)
{
    for (int g = 0; g < a->w->n_groups; g++) {
        model_pinned *pn = &a->w->groups[g].pinned;
        if (pn->room && strcmp(pn->room, id) == 0) {
            free(pn->room);
            pn->room = NULL;
            pn->room_idx = -1;
        }
    }
}

static int set_setting(model_settings *s, const char *field, double v)
{
    struct {
        const char *name;
        int *i;
        double *d;
        long *l;
    } f[] = {
        {"max_groups_per_day", &s->max_groups_per_day, NULL, NULL},
        {"max_groups_per_week", &s->max_groups_per_week, NULL, NULL},
        {"min_break_min", &s->min_break_min, NULL, NULL},
        {"max_consecutive_cover", &s->max_consecutive_cover, NULL, NULL},
        {"time_limit_s", NULL, &s->time_limit_s, NULL},
        {"mip_gap", NULL, &s->mip_gap, NULL},
        {"seed", NULL, NULL, &s->seed},
        {"weights.placement", NULL, &s->weights.placement, NULL},
        {"weights.wait_per_week", NULL, &s->weights.wait_per_week, NULL},
        {"weights.priority", NULL, &s->weights.priority, NULL},
        {"weights.empty_seat", NULL, &s->weights.empty_seat, NULL},
        {"weights.load_balance", NULL, &s->weights.load_balance, NULL},
        {"weights.change", NULL, &s->weights.change, NULL},
    };
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
        if (strcmp(field, f[k].name) != 0)
            continue;
        if (!isfinite(v) || v < 0)
            return -2;
        if (f[k].i) {
            if (v != floor(v) || v > 1e6)
                return -3;
            *f[k].i = (int)v;
        } else if (f[k].l) {
            if (v != floor(v) || v > 9e15)
                return -3;
            *f[k].l = (long)v;
        } else {
            *f[k].d = v;
        }
        return 0;
    }
    return -1;
}

/* splitmix64: small, seedable, the same on every platform. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static bool rostered(const model_instance *in, int p)
{
    const char *id = in->patients[p].id;
    for (int g = 0; g < in->n_groups; g++)
        for (int m = 0; m < in->groups[g].n_members; m++) {
            const char *x = in->groups[g].members[m].patient;
            if (x && id && strcmp(x, id) == 0)
                return true;
        }
    return false;
}

static void add_referrals(actx *a, const model_change *c)
{
    model_instance *w = a->w;
    int t = model_find_type(w, c->id);
    if (t < 0) {
        aerr(a, "type", "unknown group type '%s'", c->id ? c->id : "");
        return;
    }
    if (c->count < 1 || c->count > 100000) {
        aerr(a, "count", "count %d is out of range 1..100000", c->count);
        return;
    }
    /* Donors: waitlisted patients of the type who could join it (modality,
     * age, gender); else any such patient; else any patient of the type. */
    int *pool = malloc((size_t)(w->n_patients + 1) * sizeof *pool), n = 0;
    if (!pool) {
        a->nomem = 1;
        return;
    }
    for (int pass = 0; pass < 4 && n == 0; pass++)
        for (int p = 0; p < w->n_patients; p++)
            if (model_patient_type_match(w, p, t) && (pass % 2 == 1 || !rostered(w, p)) &&
                (pass >= 2 || model_patient_profile_fit(w, p, t) == MODEL_FIT_OK))
                pool[n++] = p;
    if (n == 0) {
        free(pool);
        aerr(a, "type", "no patient is referred to (or has a diagnosis of) type '%s': "
                        "nothing to sample referrals from", c->id);
        return;
    }
    long seed = c->seed >= 0 ? c->seed : w->settings.seed;
    uint64_t st = (uint64_t)seed * 0x2545F4914F6CDD1DULL ^ str_hash(c->id);
    int next = 1;
    for (int k = 0; k < c->count; k++) {
        /* Each donor array index is drawn before the array may move. */
        int ia = pool[rng_next(&st) % (uint64_t)n];
        int ib = pool[rng_next(&st) % (uint64_t)n];
        int ic = pool[rng_next(&st) % (uint64_t)n];
        char id[160];
        do
            snprintf(id, sizeof id, "%s-ref-%d", c->id, next++);
        while (model_find_patient(w, id) >= 0);
        model_patient np = {0};
        const model_patient *pa = &w->patients[ia], *pb = &w->patients[ib], *pc = &w->patients[ic];
        np.has_group_types = true;
        np.n_available = pa->n_available;
        np.added = w->program.horizon_start;
        np.acuity = pc->acuity;
        np.age = pb->age;
        np.modality = pa->modality;
        np.screened = pc->screened;
        np.insurance_verified = pc->insurance_verified;
        np.priority = pc->priority;
        if (str_dup(&np.id, id) || str_dup(&np.gender, pb->gender) ||
            model_strlist_copy(&np.diagnoses, &pa->diagnoses) ||
            model_strlist_push(&np.group_types, w->types[t].id) ||
            mem_dup((void **)&np.available, pa->available, (size_t)pa->n_available,
                    sizeof *pa->available)) {
            model_patient_free(&np);
            a->nomem = 1;
            break;
        }
        void *na = realloc(w->patients, (size_t)(w->n_patients + 1) * sizeof *w->patients);
        if (!na) {
            model_patient_free(&np);
            a->nomem = 1;
            break;
        }
        w->patients = na;
        w->patients[w->n_patients++] = np;
    }
    free(pool);
}

static void apply_one(actx *a, const model_change *c)
{
    model_instance *w = a->w;
    int i;
    switch (c->op) {
    case MODEL_CHANGE_ADD_FACILITATOR:
        if (!a->pl || c->entity < 0 || c->entity >= a->pl->n_facilitators) {
            aerr(a, "facilitator", "no facilitator given");
            return;
        }
        APPEND(facilitators, n_facilitators, a->pl->facilitators[c->entity]);
        memset(&a->pl->facilitators[c->entity], 0, sizeof a->pl->facilitators[c->entity]);
        return;
    case MODEL_CHANGE_ADD_ROOM:
        if (!a->pl || c->entity < 0 || c->entity >= a->pl->n_rooms) {
            aerr(a, "room", "no room given");
            return;
        }
        APPEND(rooms, n_rooms, a->pl->rooms[c->entity]);
        memset(&a->pl->rooms[c->entity], 0, sizeof a->pl->rooms[c->entity]);
        return;
    case MODEL_CHANGE_ADD_GROUP:
        if (!a->pl || c->entity < 0 || c->entity >= a->pl->n_groups) {
            aerr(a, "group", "no group given");
            return;
        }
        APPEND(groups, n_groups, a->pl->groups[c->entity]);
        memset(&a->pl->groups[c->entity], 0, sizeof a->pl->groups[c->entity]);
        return;
    case MODEL_CHANGE_REMOVE_FACILITATOR:
        if ((i = model_find_facilitator(w, c->id)) < 0) {
            aerr(a, "id", "unknown facilitator '%s'", c->id ? c->id : "");
            return;
        }
        unpin_facilitator(a, c->id);
        REMOVE_AT(facilitators, n_facilitators, i, model_facilitator_free);
        return;
    case MODEL_CHANGE_REMOVE_ROOM:
        if ((i = model_find_room(w, c->id)) < 0) {
            aerr(a, "id", "unknown room '%s'", c->id ? c->id : "");
            return;
        }
        unpin_room(a, c->id);
        REMOVE_AT(rooms, n_rooms, i, model_room_free);
        return;
    case MODEL_CHANGE_REMOVE_GROUP:
        if ((i = model_find_group(w, c->id)) < 0) {
            aerr(a, "id", "unknown group '%s'", c->id ? c->id : "");
            return;
        }
        REMOVE_AT(groups, n_groups, i, model_group_free);
        return;
    case MODEL_CHANGE_SET_SETTING: {
        int rc = set_setting(&w->settings, c->field ? c->field : "", c->value);
        if (rc == -1)
            aerr(a, "field", "unknown setting '%s' (expected max_groups_per_day, "
                             "max_groups_per_week, min_break_min, max_consecutive_cover, "
                             "time_limit_s, mip_gap, seed or weights.<name>)",
                 c->field ? c->field : "");
        else if (rc == -2)
            aerr(a, "value", "%g is not a valid value for %s (a finite number >= 0)", c->value,
                 c->field);
        else if (rc == -3)
            aerr(a, "value", "%s needs a whole number, got %g", c->field, c->value);
        return;
    }
    case MODEL_CHANGE_ADD_CREDENTIAL:
    case MODEL_CHANGE_REMOVE_CREDENTIAL: {
        if ((i = model_find_facilitator(w, c->id)) < 0) {
            aerr(a, "facilitator", "unknown facilitator '%s'", c->id ? c->id : "");
            return;
        }
        if (!c->credential || !*c->credential) {
            aerr(a, "credential", "missing credential");
            return;
        }
        model_strlist *cr = &w->facilitators[i].credentials;
        int k = model_strlist_find(cr, c->credential);
        if (c->op == MODEL_CHANGE_ADD_CREDENTIAL) {
            if (k >= 0)
                aerr(a, "credential", "facilitator '%s' already holds %s", c->id, c->credential);
            else if (model_strlist_push(cr, c->credential) != MODEL_OK)
                a->nomem = 1;
        } else if (k < 0) {
            aerr(a, "credential", "facilitator '%s' does not hold %s", c->id, c->credential);
        } else {
            free(cr->items[k]);
            memmove(&cr->items[k], &cr->items[k + 1], (size_t)(cr->n - k - 1) * sizeof *cr->items);
            cr->n--;
        }
        return;
    }
    case MODEL_CHANGE_SET_WINDOWS: {
        model_window **dst;
        int *n;
        if (c->room) {
            if ((i = model_find_room(w, c->id)) < 0) {
                aerr(a, "room", "unknown room '%s'", c->id ? c->id : "");
                return;
            }
            dst = &w->rooms[i].available;
            n = &w->rooms[i].n_available;
        } else {
            if ((i = model_find_facilitator(w, c->id)) < 0) {
                aerr(a, "facilitator", "unknown facilitator '%s'", c->id ? c->id : "");
                return;
            }
            dst = &w->facilitators[i].available;
            n = &w->facilitators[i].n_available;
        }
        model_window *nw = NULL;
        if (mem_dup((void **)&nw, c->windows, (size_t)c->n_windows, sizeof *c->windows)) {
            a->nomem = 1;
            return;
        }
        free(*dst);
        *dst = nw;
        *n = c->n_windows;
        return;
    }
    case MODEL_CHANGE_SET_TYPE_SIZE:
        if ((i = model_find_type(w, c->id)) < 0) {
            aerr(a, "type", "unknown group type '%s'", c->id ? c->id : "");
            return;
        }
        if (c->min_size < 0 && c->max_size < 0) {
            aerr(a, NULL, "set_type_size needs min_size or max_size");
            return;
        }
        if (c->min_size >= 0)
            w->types[i].min_size = c->min_size;
        if (c->max_size >= 0)
            w->types[i].max_size = c->max_size;
        return;
    case MODEL_CHANGE_ADD_REFERRALS:
        add_referrals(a, c);
        return;
    default:
        aerr(a, "op", "unknown change %d", (int)c->op);
    }
}

int model_scenario_apply(model_instance *inst, const model_scenario *sc, const char *prefix,
                         model_diag *d)
{
    if (!inst || !sc)
        return MODEL_EINVAL;
    actx a = {0};
    a.d = d;
    a.prefix = prefix;
    a.w = model_instance_clone(inst);
    if (sc->payload)
        a.pl = model_instance_clone(sc->payload);
    if (!a.w || (sc->payload && !a.pl)) {
        model_instance_destroy(a.w);
        model_instance_destroy(a.pl);
        return MODEL_ENOMEM;
    }
    for (a.j = 0; a.j < sc->n_changes && !a.nomem; a.j++)
        apply_one(&a, &sc->changes[a.j]);
    model_instance_destroy(a.pl);
    int rc = MODEL_OK;
    if (a.nomem) {
        rc = MODEL_ENOMEM;
    } else if (a.errors) {
        rc = MODEL_EINVAL;
    } else {
        model_diag vd;
        model_diag_init(&vd);
        int v = model_instance_validate(a.w, &vd);
        char path[512];
        for (int k = 0; k < vd.n_errors && d; k++) {
            snprintf(path, sizeof path, "%s%sresult.%s", prefix ? prefix : "",
                     prefix && *prefix ? "." : "", vd.errors[k].path);
            if (model_diag_error(d, path, "%s", vd.errors[k].message) != MODEL_OK)
                v = MODEL_ENOMEM;
        }
        for (int k = 0; k < vd.n_warnings && d; k++) {
            snprintf(path, sizeof path, "%s%sresult.%s", prefix ? prefix : "",
                     prefix && *prefix ? "." : "", vd.warnings[k].path);
            if (model_diag_warning(d, path, "%s", vd.warnings[k].message) != MODEL_OK)
                v = MODEL_ENOMEM;
        }
        model_diag_free(&vd);
        rc = v == MODEL_OK ? MODEL_OK : v == MODEL_ENOMEM ? MODEL_ENOMEM : MODEL_EINVAL;
    }
    if (rc == MODEL_OK) {
        model_instance tmp = *inst;
        *inst = *a.w;
        *a.w = tmp;
    }
    model_instance_destroy(a.w);
    return rc;
}

/* ------------------------------------------------ capacity-only scenarios */

/* Is every window of old covered by a single window of new on its day? */
static bool windows_cover(const model_window *nw, int nn, const model_window *ow, int on)
{
    for (int i = 0; i < on; i++) {
        bool in = false;
        for (int k = 0; k < nn && !in; k++)
            in = nw[k].day == ow[i].day && nw[k].from <= ow[i].from && ow[i].to <= nw[k].to;
        if (!in)
            return false;
    }
    return true;
}

/* set_windows c widens (or concerns an entity base does not have). */
static bool widens_windows(const model_instance *base, const model_change *c)
{
    int x = c->id ? (c->room ? model_find_room(base, c->id) : model_find_facilitator(base, c->id))
                  : -1;
    if (x < 0)
        return true;
    if (c->room)
        return windows_cover(c->windows, c->n_windows, base->rooms[x].available,
                             base->rooms[x].n_available);
    return windows_cover(c->windows, c->n_windows, base->facilitators[x].available,
                         base->facilitators[x].n_available);
}

/* set_setting c relaxes a rule or leaves validity and objective alone. */
static bool relaxes_setting(const model_instance *base, const model_change *c)
{
    const model_settings *s = &base->settings;
    const char *f = c->field ? c->field : "";
    if (strcmp(f, "max_groups_per_day") == 0)
        return c->value >= s->max_groups_per_day;
    if (strcmp(f, "max_groups_per_week") == 0)
        return c->value >= s->max_groups_per_week;
    if (strcmp(f, "max_consecutive_cover") == 0)
        return c->value >= s->max_consecutive_cover;
    if (strcmp(f, "min_break_min") == 0)
        return c->value <= s->min_break_min;
    return strcmp(f, "time_limit_s") == 0 || strcmp(f, "mip_gap") == 0 || strcmp(f, "seed") == 0;
}

/* Does change c of sc only add capacity against base? */
static bool change_adds_capacity(const model_instance *base, const model_scenario *sc,
                                 const model_change *c)
{
    switch (c->op) {
    case MODEL_CHANGE_ADD_FACILITATOR:
    case MODEL_CHANGE_ADD_ROOM:
    case MODEL_CHANGE_ADD_CREDENTIAL:
    case MODEL_CHANGE_ADD_REFERRALS:
        return true;
    case MODEL_CHANGE_ADD_GROUP: {
        const model_group *g = sc->payload && c->entity >= 0 && c->entity < sc->payload->n_groups
                                   ? &sc->payload->groups[c->entity]
                                   : NULL;
        return g && g->optional && g->n_members == 0;
    }
    case MODEL_CHANGE_SET_WINDOWS:
        return widens_windows(base, c);
    case MODEL_CHANGE_SET_SETTING:
        return relaxes_setting(base, c);
    case MODEL_CHANGE_SET_TYPE_SIZE: {
        int t = c->id ? model_find_type(base, c->id) : -1;
        if (t < 0)
            return false;
        const model_group_type *ty = &base->types[t];
        return (c->max_size < 0 || c->max_size == ty->max_size) &&
               (c->min_size < 0 || c->min_size <= ty->min_size);
    }
    default:
        return false;
    }
}

bool model_scenario_adds_capacity(const model_instance *base, const model_scenario *sc)
{
    if (!base || !sc || sc->n_changes == 0)
        return false;
    for (int i = 0; i < sc->n_changes; i++)
        if (!change_adds_capacity(base, sc, &sc->changes[i]))
            return false;
    return true;
}
