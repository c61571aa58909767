/*
 * whatif_read.c - the what-if scenario file reader: every error with its
 * path; entity objects read with the instance reader's checks.  Format:
 * docs/WHATIF.md.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

static const char *jtype(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* ------------------------------------------------------ entity reader */

int io_entity_parse(json_t *base, const char *coll, json_t *obj, const char *path, void *out,
                    model_diag *d)
{
    static const char *const colls[] = {"facilitators", "rooms", "groups", "patients"};
    int k;
    for (k = 0; k < 4 && strcmp(coll, colls[k]) != 0; k++)
        ;
    if (k == 4 || !base || !obj || !out || !d)
        return IO_EINVAL;
    if (!json_is_object(obj))
        return io_diag_error(d, path, "expected an object, got %s", jtype(obj)) ? IO_ENOMEM
                                                                                : IO_EINVAL;
    bool is_group = k == 2;
    json_t *w = json_object(), *arr = json_array();
    if (!w || !arr) {
        json_decref(w);
        json_decref(arr);
        return IO_ENOMEM;
    }
    int bad = 0;
    static const char *const ctx[] = {"program", "settings", "group_types"};
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(base, ctx[i]);
        if (v)
            bad |= json_object_set(w, ctx[i], v);
    }
    static const char *const rest[] = {"rooms", "facilitators", "patients", "groups"};
    for (int i = 0; i < 4; i++) {
        json_t *v = is_group && i < 3 ? json_object_get(base, rest[i]) : NULL;
        bad |= v ? json_object_set(w, rest[i], v) : json_object_set_new(w, rest[i], json_array());
    }
    bad |= json_array_append(arr, obj);
    bad |= json_object_set_new(w, coll, arr);
    if (bad) {
        json_decref(w);
        return IO_ENOMEM;
    }
    model_diag tmp;
    model_diag_init(&tmp);
    model_instance *inst = NULL;
    int rc = io_instance_from_tree(w, &inst, &tmp);
    json_decref(w);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%s[0]", coll);
    size_t pl = strlen(prefix);
    for (int i = 0; i < tmp.n_errors && rc != IO_ENOMEM; i++) {
        const char *ep = tmp.errors[i].path;
        char np[512];
        if (strncmp(ep, prefix, pl) == 0) {
            snprintf(np, sizeof np, "%s%s", path, ep + pl);
            if (model_diag_error(d, np, "%s", tmp.errors[i].message) != MODEL_OK)
                rc = IO_ENOMEM;
        } else if (io_diag_error(d, path, "%s: %s", ep[0] ? ep : "(entity)",
                                 tmp.errors[i].message)) {
            rc = IO_ENOMEM;
        }
    }
    model_diag_free(&tmp);
    if (rc != IO_OK) {
        model_instance_destroy(inst);
        return rc == IO_ENOMEM ? IO_ENOMEM : IO_EINVAL;
    }
    switch (k) {
    case 0:
        *(model_facilitator *)out = inst->facilitators[0];
        memset(&inst->facilitators[0], 0, sizeof inst->facilitators[0]);
        break;
    case 1:
        *(model_room *)out = inst->rooms[0];
        memset(&inst->rooms[0], 0, sizeof inst->rooms[0]);
        break;
    case 2:
        *(model_group *)out = inst->groups[0];
        memset(&inst->groups[0], 0, sizeof inst->groups[0]);
        break;
    default:
        *(model_patient *)out = inst->patients[0];
        memset(&inst->patients[0], 0, sizeof inst->patients[0]);
        break;
    }
    model_instance_destroy(inst);
    return IO_OK;
}

/* ---------------------------------------------------- scenario reader */

typedef struct sp {
    model_diag *d;
    json_t *base;       /* instance tree, made on first need */
    const model_instance *inst;
    int nomem;
    int errors;
} sp;

__attribute__((format(printf, 3, 4))) static void sp_err(sp *s, const char *path,
                                                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (model_diag_verror(s->d, path, fmt, ap) != MODEL_OK)
        s->nomem = 1;
    va_end(ap);
    s->errors++;
}

static void check_keys(sp *s, json_t *o, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        int i;
        for (i = 0; allowed[i] && strcmp(allowed[i], key) != 0; i++)
            ;
        if (!allowed[i]) {
            char p[400];
            snprintf(p, sizeof p, "%s.%s", path, key);
            sp_err(s, p, "unknown field '%s'", key);
        }
    }
}

/* Required / optional string field; NULL when absent or wrong (error then). */
static char *get_str(sp *s, json_t *o, const char *path, const char *key, bool req)
{
    json_t *v = json_object_get(o, key);
    char p[400];
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!v) {
        if (req)
            sp_err(s, p, "missing required field '%s'", key);
        return NULL;
    }
    if (!json_is_string(v) || json_string_length(v) == 0) {
        sp_err(s, p, "expected a non-empty string, got %s", json_is_string(v) ? "\"\"" : jtype(v));
        return NULL;
    }
    char *r = model_strdup(json_string_value(v));
    if (!r)
        s->nomem = 1;
    return r;
}

/* Integer field in [lo, hi]; returns false when absent (req: error) or bad. */
static bool get_int(sp *s, json_t *o, const char *path, const char *key, bool req, long lo,
                    long hi, long *out)
{
    json_t *v = json_object_get(o, key);
    char p[400];
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!v) {
        if (req)
            sp_err(s, p, "missing required field '%s'", key);
        return false;
    }
    double x;
    if (json_is_integer(v))
        x = (double)json_integer_value(v);
    else if (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)))
        x = json_real_value(v);
    else {
        sp_err(s, p, "expected an integer, got %s", jtype(v));
        return false;
    }
    if (x < (double)lo || x > (double)hi) {
        sp_err(s, p, "%.0f is out of range %ld..%ld", x, lo, hi);
        return false;
    }
    *out = (long)x;
    return true;
}

static void get_windows(sp *s, json_t *o, const char *path, model_change *c)
{
    json_t *a = json_object_get(o, "available");
    char p[400];
    snprintf(p, sizeof p, "%s.available", path);
    if (!a) {
        sp_err(s, p, "missing required field 'available'");
        return;
    }
    if (!json_is_array(a)) {
        sp_err(s, p, "expected an array of windows, got %s", jtype(a));
        return;
    }
    size_t n = json_array_size(a);
    if (n > 10000) {
        sp_err(s, p, "too many windows (%zu)", n);
        return;
    }
    c->windows = calloc(n ? n : 1, sizeof *c->windows);
    if (!c->windows) {
        s->nomem = 1;
        return;
    }
    static const char *const keys[] = {"day", "from", "to", NULL};
    for (size_t i = 0; i < n; i++) {
        json_t *w = json_array_get(a, i);
        char wp[420], fp[440];
        snprintf(wp, sizeof wp, "%s[%zu]", p, i);
        if (!json_is_object(w)) {
            sp_err(s, wp, "expected a window object {day, from, to}, got %s", jtype(w));
            continue;
        }
        check_keys(s, w, wp, keys);
        model_window win = {0};
        bool ok = true;
        const char *fields[] = {"day", "from", "to"};
        for (int f = 0; f < 3; f++) {
            json_t *v = json_object_get(w, fields[f]);
            snprintf(fp, sizeof fp, "%s.%s", wp, fields[f]);
            if (!v) {
                sp_err(s, fp, "missing required field '%s'", fields[f]);
                ok = false;
                continue;
            }
            const char *str = json_string_value(v);
            if (!str) {
                sp_err(s, fp, "expected a string, got %s", jtype(v));
                ok = false;
                continue;
            }
            if (f == 0) {
                if ((win.day = model_day_parse(str)) < 0) {
                    sp_err(s, fp, "'%s' is not a day (mon..sun)", str);
                    ok = false;
                }
            } else if (model_time_parse(str, f == 2, f == 1 ? &win.from : &win.to) != MODEL_OK) {
                sp_err(s, fp, "'%s' is not a time HH:MM", str);
                ok = false;
            }
        }
        if (ok && win.from >= win.to) {
            snprintf(fp, sizeof fp, "%s.to", wp);
            sp_err(s, fp, "window ends before it starts");
            ok = false;
        }
        if (ok)
            c->windows[c->n_windows++] = win;
    }
}

static int payload(model_scenario *sc)
{
    if (!sc->payload && !(sc->payload = model_instance_create()))
        return -1;
    return 0;
}

/* Read an add_* entity into the scenario payload; returns its index or -1. */
static int read_entity(sp *s, model_scenario *sc, json_t *o, const char *path, const char *key,
                       const char *coll)
{
    json_t *v = json_object_get(o, key);
    char p[400];
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!v) {
        sp_err(s, p, "missing required field '%s'", key);
        return -1;
    }
    if (!s->base && !(s->base = io_instance_to_tree(s->inst))) {
        s->nomem = 1;
        return -1;
    }
    union {
        model_facilitator f;
        model_room r;
        model_group g;
    } e;
    memset(&e, 0, sizeof e);
    int before = s->d->n_errors;
    int rc = io_entity_parse(s->base, coll, v, p, &e, s->d);
    if (rc == IO_ENOMEM) {
        s->nomem = 1;
        return -1;
    }
    if (rc != IO_OK) {
        s->errors += s->d->n_errors - before > 0 ? s->d->n_errors - before : 1;
        return -1;
    }
    if (payload(sc)) {
        s->nomem = 1;
        goto drop;
    }
    model_instance *pl = sc->payload;
    if (coll[0] == 'f') {
        void *na = realloc(pl->facilitators, (size_t)(pl->n_facilitators + 1) * sizeof e.f);
        if (!na)
            goto nomem;
        pl->facilitators = na;
        pl->facilitators[pl->n_facilitators] = e.f;
        return pl->n_facilitators++;
    }
    if (coll[0] == 'r') {
        void *na = realloc(pl->rooms, (size_t)(pl->n_rooms + 1) * sizeof e.r);
        if (!na)
            goto nomem;
        pl->rooms = na;
        pl->rooms[pl->n_rooms] = e.r;
        return pl->n_rooms++;
    }
    void *na = realloc(pl->groups, (size_t)(pl->n_groups + 1) * sizeof e.g);
    if (!na)
        goto nomem;
    pl->groups = na;
    pl->groups[pl->n_groups] = e.g;
    return pl->n_groups++;
nomem:
    s->nomem = 1;
drop:
    if (coll[0] == 'f')
        model_facilitator_free(&e.f);
    else if (coll[0] == 'r')
        model_room_free(&e.r);
    else
        model_group_free(&e.g);
    return -1;
}

static void read_change(sp *s, model_scenario *sc, json_t *o, const char *path)
{
    if (!json_is_object(o)) {
        sp_err(s, path, "expected a change object {\"op\": ...}, got %s", jtype(o));
        return;
    }
    char p[400];
    snprintf(p, sizeof p, "%s.op", path);
    json_t *opv = json_object_get(o, "op");
    if (!opv) {
        sp_err(s, p, "missing required field 'op'");
        return;
    }
    int op = model_change_op_parse(json_string_value(opv));
    if (op < 0) {
        char list[400] = "";
        for (int i = 0; i < MODEL_CHANGE_COUNT; i++) {
            strcat(list, i ? ", " : "");
            strcat(list, model_change_op_name((model_change_op)i));
        }
        if (json_is_string(opv))
            sp_err(s, p, "unknown op '%s' (expected one of %s)", json_string_value(opv), list);
        else
            sp_err(s, p, "expected a string (one of %s), got %s", list, jtype(opv));
        return;
    }
    model_change c = {.op = (model_change_op)op, .entity = -1, .min_size = -1, .max_size = -1,
                      .seed = -1};
    int errors = s->errors;
    long x;
    switch (c.op) {
    case MODEL_CHANGE_ADD_FACILITATOR: {
        static const char *const k[] = {"op", "facilitator", NULL};
        check_keys(s, o, path, k);
        c.entity = read_entity(s, sc, o, path, "facilitator", "facilitators");
        break;
    }
    case MODEL_CHANGE_ADD_ROOM: {
        static const char *const k[] = {"op", "room", NULL};
        check_keys(s, o, path, k);
        c.entity = read_entity(s, sc, o, path, "room", "rooms");
        break;
    }
    case MODEL_CHANGE_ADD_GROUP: {
        static const char *const k[] = {"op", "group", NULL};
        check_keys(s, o, path, k);
        c.entity = read_entity(s, sc, o, path, "group", "groups");
        break;
    }
    case MODEL_CHANGE_REMOVE_FACILITATOR:
    case MODEL_CHANGE_REMOVE_ROOM:
    case MODEL_CHANGE_REMOVE_GROUP: {
        static const char *const k[] = {"op", "id", NULL};
        check_keys(s, o, path, k);
        c.id = get_str(s, o, path, "id", true);
        break;
    }
    case MODEL_CHANGE_SET_SETTING: {
        static const char *const k[] = {"op", "field", "value", NULL};
        check_keys(s, o, path, k);
        c.field = get_str(s, o, path, "field", true);
        if (c.field) {
            int i;
            for (i = 0; MODEL_SETTING_FIELDS[i] && strcmp(MODEL_SETTING_FIELDS[i], c.field); i++)
                ;
            if (!MODEL_SETTING_FIELDS[i]) {
                snprintf(p, sizeof p, "%s.field", path);
                sp_err(s, p, "unknown setting '%s' (expected max_groups_per_day, "
                             "max_groups_per_week, min_break_min, max_consecutive_cover, "
                             "time_limit_s, mip_gap, seed or weights.<placement|wait_per_week|"
                             "priority|empty_seat|load_balance|change>)", c.field);
            }
        }
        json_t *v = json_object_get(o, "value");
        snprintf(p, sizeof p, "%s.value", path);
        if (!v)
            sp_err(s, p, "missing required field 'value'");
        else if (!json_is_number(v))
            sp_err(s, p, "expected a number, got %s", jtype(v));
        else if (json_number_value(v) < 0 || !isfinite(json_number_value(v)))
            sp_err(s, p, "%g is out of range (a number >= 0)", json_number_value(v));
        else
            c.value = json_number_value(v);
        break;
    }
    case MODEL_CHANGE_ADD_CREDENTIAL:
    case MODEL_CHANGE_REMOVE_CREDENTIAL: {
        static const char *const k[] = {"op", "facilitator", "credential", NULL};
        check_keys(s, o, path, k);
        c.id = get_str(s, o, path, "facilitator", true);
        c.credential = get_str(s, o, path, "credential", true);
        break;
    }
    case MODEL_CHANGE_SET_WINDOWS: {
        static const char *const k[] = {"op", "facilitator", "room", "available", NULL};
        check_keys(s, o, path, k);
        bool hf = json_object_get(o, "facilitator") != NULL, hr = json_object_get(o, "room") != NULL;
        if (hf == hr) {
            sp_err(s, path, "set_windows needs exactly one of 'facilitator' or 'room'");
        } else {
            c.room = hr;
            c.id = get_str(s, o, path, hr ? "room" : "facilitator", true);
        }
        get_windows(s, o, path, &c);
        break;
    }
    case MODEL_CHANGE_SET_TYPE_SIZE: {
        static const char *const k[] = {"op", "type", "min_size", "max_size", NULL};
        check_keys(s, o, path, k);
        c.id = get_str(s, o, path, "type", true);
        if (get_int(s, o, path, "min_size", false, 2, 1000, &x))
            c.min_size = (int)x;
        if (get_int(s, o, path, "max_size", false, 2, 1000, &x))
            c.max_size = (int)x;
        if (!json_object_get(o, "min_size") && !json_object_get(o, "max_size"))
            sp_err(s, path, "set_type_size needs 'min_size' or 'max_size'");
        break;
    }
    case MODEL_CHANGE_ADD_REFERRALS: {
        static const char *const k[] = {"op", "type", "count", "seed", NULL};
        check_keys(s, o, path, k);
        c.id = get_str(s, o, path, "type", true);
        if (get_int(s, o, path, "count", true, 1, 100000, &x))
            c.count = (int)x;
        if (get_int(s, o, path, "seed", false, 0, 9007199254740991L, &x))
            c.seed = x;
        break;
    }
    default:
        break;
    }
    if (s->errors == errors && !s->nomem && model_scenario_push(sc, &c) == MODEL_OK)
        return;
    if (s->errors == errors && !s->nomem)
        s->nomem = 1;
    free(c.id);
    free(c.field);
    free(c.credential);
    free(c.windows);
}

void io_whatif_scenarios_free(model_scenario *sc, int n)
{
    for (int i = 0; sc && i < n; i++)
        model_scenario_free(&sc[i]);
    free(sc);
}

int io_whatif_parse(const char *text, size_t len, const model_instance *base,
                    model_scenario **out, int *n_out, model_diag *d)
{
    if (!base || !out || !n_out || !d)
        return IO_EINVAL;
    json_t *root = NULL;
    int rc = io_json_load(text, len, &root, d);
    if (rc != IO_OK)
        return rc;
    rc = io_whatif_from_tree(root, base, out, n_out, d);
    json_decref(root);
    return rc;
}

int io_whatif_from_tree(const json_t *tree, const model_instance *base, model_scenario **out,
                        int *n_out, model_diag *d)
{
    if (!tree || !base || !out || !n_out || !d)
        return IO_EINVAL;
    json_t *root = (json_t *)tree; /* only read: Jansson's iteration lacks const */
    sp s = {.d = d, .inst = base};
    model_scenario *sc = NULL;
    int n = 0;
    json_t *arr = NULL;
    if (!json_is_object(root)) {
        sp_err(&s, "", "expected {\"scenarios\": [...]}, got %s", jtype(root));
    } else {
        static const char *const k[] = {"scenarios", NULL};
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v) {
            if (strcmp(key, k[0]) != 0)
                sp_err(&s, key, "unknown field '%s'", key);
        }
        arr = json_object_get(root, "scenarios");
        if (!arr)
            sp_err(&s, "scenarios", "missing required field 'scenarios'");
        else if (!json_is_array(arr)) {
            sp_err(&s, "scenarios", "expected an array of scenarios, got %s", jtype(arr));
            arr = NULL;
        } else if (json_array_size(arr) > 1000) {
            sp_err(&s, "scenarios", "too many scenarios (%zu; at most 1000)", json_array_size(arr));
            arr = NULL;
        }
    }
    size_t cnt = arr ? json_array_size(arr) : 0;
    if (cnt && !(sc = calloc(cnt, sizeof *sc)))
        s.nomem = 1;
    for (size_t i = 0; i < cnt && !s.nomem; i++) {
        json_t *o = json_array_get(arr, i);
        char p[64], q[96];
        snprintf(p, sizeof p, "scenarios[%zu]", i);
        model_scenario *x = &sc[n++];
        if (!json_is_object(o)) {
            sp_err(&s, p, "expected a scenario object {name, changes}, got %s", jtype(o));
            continue;
        }
        static const char *const k[] = {"name", "changes", NULL};
        check_keys(&s, o, p, k);
        x->name = get_str(&s, o, p, "name", true);
        if (x->name) {
            snprintf(q, sizeof q, "%s.name", p);
            if (strcmp(x->name, "baseline") == 0)
                sp_err(&s, q, "'baseline' is reserved for the unchanged instance");
            for (int j = 0; j < n - 1; j++)
                if (sc[j].name && strcmp(sc[j].name, x->name) == 0) {
                    sp_err(&s, q, "duplicate scenario name '%s' (also scenarios[%d])", x->name, j);
                    break;
                }
        }
        json_t *ch = json_object_get(o, "changes");
        snprintf(q, sizeof q, "%s.changes", p);
        if (!ch) {
            sp_err(&s, q, "missing required field 'changes'");
            continue;
        }
        if (!json_is_array(ch)) {
            sp_err(&s, q, "expected an array of changes, got %s", jtype(ch));
            continue;
        }
        for (size_t j = 0; j < json_array_size(ch) && !s.nomem; j++) {
            char cp[128];
            snprintf(cp, sizeof cp, "%s[%zu]", q, j);
            read_change(&s, x, json_array_get(ch, j), cp);
        }
    }
    json_decref(s.base);
    if (s.nomem || s.errors) {
        io_whatif_scenarios_free(sc, n);
        return s.nomem ? IO_ENOMEM : IO_EINVAL;
    }
    *out = sc;
    *n_out = n;
    return IO_OK;
}
