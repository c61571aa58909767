/*
 * whatif.c - what-if scenarios: the scenario file reader (every error with
 * its path), entity objects read with the instance reader's checks, and the
 * runner that plans the baseline and each scenario in forked worker
 * processes (GLPK is not thread-safe), results back over pipes as JSON.
 * Format and semantics: docs/WHATIF.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io_private.h"

/* ------------------------------------------------------------ helpers */

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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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
    char *text = bad ? NULL : json_dumps(w, JSON_COMPACT);
    json_decref(w);
    if (!text)
        return IO_ENOMEM;
    model_diag tmp;
    model_diag_init(&tmp);
    model_instance *inst = NULL;
    int rc = io_instance_parse(text, strlen(text), &inst, &tmp);
    free(text);
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

/* Instance JSON tree of inst (for io_entity_parse).  NULL on ENOMEM. */
static json_t *instance_tree(const model_instance *inst)
{
    char *text = NULL;
    if (io_instance_to_json(inst, &text) != IO_OK)
        return NULL;
    json_t *t = json_loads(text, 0, NULL);
    free(text);
    return t;
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
    if (!s->base && !(s->base = instance_tree(s->inst))) {
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
    json_error_t jerr;
    json_t *root = json_loadb(text ? text : "", text ? len : 0, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return io_diag_error(d, "", "JSON syntax error at line %d, column %d: %s", jerr.line,
                    jerr.column, jerr.text)
                   ? IO_ENOMEM
                   : IO_EINVAL;
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
    json_decref(root);
    json_decref(s.base);
    if (s.nomem || s.errors) {
        io_whatif_scenarios_free(sc, n);
        return s.nomem ? IO_ENOMEM : IO_EINVAL;
    }
    *out = sc;
    *n_out = n;
    return IO_OK;
}

/* -------------------------------------------------------------- runner */

void io_whatif_options_default(io_whatif_options *o)
{
    o->jobs = 0;
    o->time_limit_s = -1;
    o->mip_gap = -1;
    o->marginal = false;
}

typedef struct wjob {
    char *name;
    int kind;                /* 0 baseline, 1 scenario, 2 marginal */
    model_instance *inst;    /* applied and valid; NULL when invalid */
    json_t *errors;          /* [{path,message}] when invalid */
    json_t *warnings;        /* new warnings of the changed instance */
    json_t *extra;           /* marginal: what was added */
    pid_t pid;
    int fd;
    char *buf;
    size_t len, cap;
    double started, finished, deadline;
    int state;               /* 0 pending, 1 running, 2 finished */
    json_t *result;          /* the worker's JSON */
    char *failure;           /* why it failed (crash, timeout, bad output) */
} wjob;

static void wjob_free(wjob *j)
{
    free(j->name);
    model_instance_destroy(j->inst);
    json_decref(j->errors);
    json_decref(j->warnings);
    json_decref(j->extra);
    free(j->buf);
    json_decref(j->result);
    free(j->failure);
}

/* Write all of buf to fd (retrying short writes). */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Metrics (and objective terms) of a solution in the solution format. */
static json_t *solution_parts(const model_solution *sol)
{
    char *text = NULL;
    if (io_solution_to_json(sol, &text) != IO_OK)
        return NULL;
    json_t *s = json_loads(text, 0, NULL);
    free(text);
    return s;
}

/* The worker: plan, print the result JSON on fd, exit.  Never returns. */
static void worker(wjob *j, const io_whatif_options *o, int fd)
{
    const char *fault = getenv("COHORT_WHATIF_FAULT");
    if (fault && j->name && strcmp(fault, j->name) == 0)
        abort(); /* fault injection for tests (docs/WHATIF.md) */
    solver_options so;
    solver_options_default(&so);
    so.time_limit_s = o->time_limit_s;
    so.mip_gap = o->mip_gap;
    so.verbose = 0;
    model_solution *sol = NULL;
    int rc = solver_plan(j->inst, &so, &sol);
    json_t *r = json_object();
    if (!r)
        _exit(1);
    json_object_set_new(r, "pid", json_integer((json_int_t)getpid()));
    if (rc != SOLVER_OK) {
        json_object_set_new(r, "status", json_string("failed"));
        json_object_set_new(r, "error", json_sprintf("solver_plan failed (code %d)", rc));
    } else {
        json_t *s = solution_parts(sol);
        json_object_set_new(r, "status",
                            json_string(model_solution_status_name(sol->status)));
        json_object_set_new(r, "objective", json_real(sol->objective));
        json_object_set_new(r, "bound", json_real(sol->bound));
        json_object_set_new(r, "gap", json_real(sol->gap));
        json_object_set_new(r, "solve_seconds", json_real(sol->solve_seconds));
        /* a schedule: solved, or the relaxed plan of an infeasible scenario */
        if (s && (sol->status == MODEL_STATUS_OPTIMAL || sol->status == MODEL_STATUS_FEASIBLE ||
                  sol->n_exceptions > 0)) {
            json_object_set(r, "metrics", json_object_get(s, "metrics"));
            json_object_set(r, "objective_terms", json_object_get(s, "objective_terms"));
        }
        if (s && json_object_get(s, "diagnosis"))
            json_object_set(r, "diagnosis", json_object_get(s, "diagnosis"));
        if (s && json_object_get(s, "exceptions"))
            json_object_set(r, "exceptions", json_object_get(s, "exceptions"));
        json_decref(s);
        json_t *ru = json_object();
        for (int g = 0; ru && g < sol->n_groups; g++) {
            const model_sol_group *x = &sol->groups[g];
            if (!x->running || !x->room)
                continue;
            json_t *c = json_object_get(ru, x->room);
            json_object_set_new(ru, x->room,
                                json_integer(c ? json_integer_value(c) + 1 : 1));
        }
        json_object_set_new(r, "rooms_used", ru);
    }
    char *text = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    model_solution_destroy(sol);
    if (!text || write_all(fd, text, strlen(text)))
        _exit(1);
    free(text);
    close(fd);
    _exit(rc == SOLVER_OK ? 0 : 1);
}

static int start_job(wjob *j, const io_whatif_options *o, wjob *all, int n_all, double deadline_s)
{
    int p[2];
    if (pipe(p))
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        /* Other jobs' pipes are the parent's business. */
        for (int k = 0; k < n_all; k++)
            if (all[k].state == 1 && all[k].fd >= 0)
                close(all[k].fd);
        worker(j, o, p[1]);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    j->pid = pid;
    j->fd = p[0];
    j->state = 1;
    j->started = now_s();
    j->deadline = j->started + deadline_s;
    return 0;
}

/* Read what is available; returns 1 at EOF, 0 otherwise, -1 on ENOMEM. */
static int drain(wjob *j)
{
    for (;;) {
        if (j->cap - j->len < 4096) {
            size_t nc = j->cap ? j->cap * 2 : 16384;
            char *nb = realloc(j->buf, nc);
            if (!nb)
                return -1;
            j->buf = nb;
            j->cap = nc;
        }
        ssize_t r = read(j->fd, j->buf + j->len, j->cap - j->len - 1);
        if (r > 0) {
            j->len += (size_t)r;
            continue;
        }
        if (r == 0)
            return 1;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return 1;
    }
}

static int finish_job(wjob *j, int killed)
{
    int st = 0;
    close(j->fd);
    j->fd = -1;
    while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
        ;
    j->state = 2;
    j->finished = now_s();
    char msg[160] = "";
    if (killed)
        snprintf(msg, sizeof msg, "worker ran past its deadline of %.0f s and was killed",
                 j->deadline - j->started);
    else if (WIFSIGNALED(st))
        snprintf(msg, sizeof msg, "worker crashed (signal %d: %s)", WTERMSIG(st),
                 strsignal(WTERMSIG(st)));
    if (!msg[0] && j->buf) {
        j->buf[j->len] = '\0';
        j->result = json_loads(j->buf, 0, NULL);
        if (!j->result)
            snprintf(msg, sizeof msg, "worker exited with status %d and no readable result",
                     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    } else if (!msg[0]) {
        snprintf(msg, sizeof msg, "worker exited with status %d and no result",
                 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    }
    if (msg[0] && !(j->failure = model_strdup(msg)))
        return -1;
    return 0;
}

/* Run every pending job with at most jobs at once.  Returns the largest
 * number of workers alive at once, or -1 (ENOMEM / fork failure). */
static int run_jobs(wjob *js, int n, const io_whatif_options *o, int jobs, double deadline_s)
{
    int running = 0, maxc = 0, next = 0;
    struct pollfd *pf = calloc((size_t)n + 1, sizeof *pf);
    int *idx = calloc((size_t)n + 1, sizeof *idx);
    if (!pf || !idx) {
        free(pf);
        free(idx);
        return -1;
    }
    int rc = 0;
    for (;;) {
        while (running < jobs && next < n) {
            wjob *j = &js[next++];
            if (j->state != 0 || !j->inst)
                continue;
            if (start_job(j, o, js, n, deadline_s)) {
                j->state = 2;
                j->failure = model_strdup("could not start a worker process (fork/pipe failed)");
                continue;
            }
            running++;
            if (running > maxc)
                maxc = running;
        }
        if (running == 0 && next >= n)
            break;
        int np = 0;
        for (int k = 0; k < n; k++)
            if (js[k].state == 1) {
                pf[np].fd = js[k].fd;
                pf[np].events = POLLIN;
                pf[np].revents = 0;
                idx[np++] = k;
            }
        int pr = poll(pf, (nfds_t)np, 200);
        if (pr < 0 && errno != EINTR) {
            rc = -1;
            break;
        }
        double t = now_s();
        for (int q = 0; q < np; q++) {
            wjob *j = &js[idx[q]];
            int eof = 0;
            if (pf[q].revents) {
                eof = drain(j);
                if (eof < 0) {
                    rc = -1;
                    eof = 1;
                }
            }
            if (eof) {
                if (finish_job(j, 0))
                    rc = -1;
                running--;
            } else if (t > j->deadline) {
                kill(j->pid, SIGKILL);
                if (finish_job(j, 1))
                    rc = -1;
                running--;
            }
        }
    }
    free(pf);
    free(idx);
    return rc < 0 ? -1 : maxc;
}

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
static json_t *differences(json_t *base_res, json_t *res)
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

static json_t *job_json(wjob *j, json_t *base_res)
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
        static const char *const keep[] = {"objective", "bound", "gap", "solve_seconds",
                                           "error", "diagnosis", "metrics", "exceptions",
                                           NULL};
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
        json_t *d = ok && base_res ? differences(base_res, j->result) : NULL;
        json_object_set_new(o, "differences", d ? d : json_null());
    }
    return o;
}

static json_t *diag_array(const model_diag *d, bool warnings, const char *skip_prefix,
                          const model_diag *known)
{
    json_t *a = json_array();
    int n = warnings ? d->n_warnings : d->n_errors;
    const model_issue *is = warnings ? d->warnings : d->errors;
    for (int i = 0; a && i < n; i++) {
        /* Warnings the unchanged instance has too are not news. */
        if (known && skip_prefix && strncmp(is[i].path, skip_prefix, strlen(skip_prefix)) == 0) {
            const char *rest = is[i].path + strlen(skip_prefix);
            bool seen = false;
            for (int k = 0; k < known->n_warnings && !seen; k++)
                seen = strcmp(known->warnings[k].path, rest) == 0 &&
                       strcmp(known->warnings[k].message, is[i].message) == 0;
            if (seen)
                continue;
        }
        json_t *e = json_object();
        json_object_set_new(e, "path", json_string(is[i].path));
        json_object_set_new(e, "message", json_string(is[i].message));
        json_array_append_new(a, e);
    }
    return a;
}

/* Prepare a job: apply sc (NULL = baseline) to a copy of base. */
static int prepare(wjob *j, const model_instance *base, const model_scenario *sc,
                   const char *prefix, const model_diag *known)
{
    model_instance *w = model_instance_clone(base);
    if (!w)
        return -1;
    model_diag d;
    model_diag_init(&d);
    int rc = sc ? model_scenario_apply(w, sc, prefix, &d) : MODEL_OK;
    if (rc == MODEL_ENOMEM) {
        model_instance_destroy(w);
        model_diag_free(&d);
        return -1;
    }
    char pre[96];
    snprintf(pre, sizeof pre, "%s.result.", prefix);
    j->warnings = diag_array(&d, true, pre, known);
    if (rc != MODEL_OK) {
        j->errors = diag_array(&d, false, NULL, NULL);
        model_instance_destroy(w);
    } else {
        j->inst = w;
    }
    model_diag_free(&d);
    j->fd = -1;
    return 0;
}

/* ---------------------------------------------------------- marginal */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every credential named in the program, sorted, unique. */
static int program_credentials(const model_instance *in, model_strlist *out)
{
    model_strlist all = {0};
    int rc = 0;
    for (int f = 0; f < in->n_facilitators && !rc; f++)
        for (int c = 0; c < in->facilitators[f].credentials.n && !rc; c++)
            if (model_strlist_find(&all, in->facilitators[f].credentials.items[c]) < 0)
                rc = model_strlist_push(&all, in->facilitators[f].credentials.items[c]);
    for (int t = 0; t < in->n_types && !rc; t++) {
        const model_strlist *ls[2] = {&in->types[t].required_credentials,
                                      &in->types[t].cofacilitator_credentials};
        for (int l = 0; l < 2; l++)
            for (int c = 0; c < ls[l]->n && !rc; c++)
                if (model_strlist_find(&all, ls[l]->items[c]) < 0)
                    rc = model_strlist_push(&all, ls[l]->items[c]);
    }
    if (all.n > 1)
        qsort(all.items, (size_t)all.n, sizeof *all.items, cmp_str);
    *out = all;
    return rc;
}

static char *unique_id(const model_instance *in, const char *stem, bool fac)
{
    char buf[200];
    for (int k = 0;; k++) {
        if (k == 0)
            snprintf(buf, sizeof buf, "%s", stem);
        else
            snprintf(buf, sizeof buf, "%s-%d", stem, k + 1);
        if ((fac ? model_find_facilitator(in, buf) : model_find_room(in, buf)) < 0)
            return model_strdup(buf);
    }
}

/* Marginal scenarios from the baseline result: one facilitator per
 * credential (windows and caps of the busiest facilitator, credentials =
 * the credential plus whatever else the types needing it require), one
 * room (copy of the most-used room). */
static int build_marginal(const model_instance *base, json_t *base_res, model_scenario **out,
                          int *n_out, json_t ***extra)
{
    model_strlist creds = {0};
    if (program_credentials(base, &creds))
        return -1;
    json_t *load = json_object_get(json_object_get(base_res, "metrics"), "facilitator_load");
    int busiest = -1;
    double bl = -1;
    for (int f = 0; f < base->n_facilitators; f++) {
        json_t *v = json_object_get(load, base->facilitators[f].id);
        double x = v ? json_number_value(v) : 0;
        if (x > bl) {
            bl = x;
            busiest = f;
        }
    }
    json_t *ru = json_object_get(base_res, "rooms_used");
    int room = -1;
    long ru_best = -1;
    for (int r = 0; r < base->n_rooms; r++) {
        json_t *v = json_object_get(ru, base->rooms[r].id);
        long x = v ? (long)json_integer_value(v) : 0;
        if (x > ru_best) {
            ru_best = x;
            room = r;
        }
    }
    int cap = creds.n + 1, n = 0, rc = 0;
    model_scenario *sc = calloc((size_t)cap, sizeof *sc);
    json_t **ex = calloc((size_t)cap, sizeof *ex);
    if (!sc || !ex)
        rc = -1;
    for (int c = 0; c < creds.n && !rc && busiest >= 0; c++) {
        const char *cr = creds.items[c];
        const model_facilitator *b = &base->facilitators[busiest];
        model_facilitator f = *b;
        model_strlist held = {0};
        char stem[160], name[200];
        snprintf(stem, sizeof stem, "marginal-%s", cr);
        snprintf(name, sizeof name, "one more %s facilitator", cr);
        f.id = unique_id(base, stem, true);
        f.name = name;
        f.time_off = NULL;
        f.n_time_off = 0;
        rc |= model_strlist_push(&held, cr);
        for (int t = 0; t < base->n_types; t++) {
            const model_group_type *ty = &base->types[t];
            const model_strlist *ls[2] = {&ty->required_credentials, &ty->cofacilitator_credentials};
            for (int l = 0; l < 2; l++)
                if (model_strlist_find(ls[l], cr) >= 0)
                    for (int k = 0; k < ls[l]->n; k++)
                        if (model_strlist_find(&held, ls[l]->items[k]) < 0)
                            rc |= model_strlist_push(&held, ls[l]->items[k]);
        }
        f.credentials = held;
        model_scenario *x = &sc[n];
        char sname[200];
        snprintf(sname, sizeof sname, "+facilitator %s", cr);
        if (!f.id || rc || !(x->name = model_strdup(sname)) ||
            model_scenario_add_facilitator(x, &f) != MODEL_OK)
            rc = -1;
        json_t *e = json_object();
        json_object_set_new(e, "kind", json_string("facilitator"));
        json_object_set_new(e, "credential", json_string(cr));
        json_object_set_new(e, "id", json_string(f.id ? f.id : ""));
        json_t *ca = json_array();
        for (int k = 0; k < held.n; k++)
            json_array_append_new(ca, json_string(held.items[k]));
        json_object_set_new(e, "credentials", ca);
        json_object_set_new(e, "windows_and_caps_of", json_string(b->id));
        ex[n++] = e;
        free(f.id);
        model_strlist_free(&held);
    }
    if (!rc && room >= 0) {
        model_room r = base->rooms[room];
        r.id = unique_id(base, "marginal-room", false);
        model_scenario *x = &sc[n];
        if (!r.id || !(x->name = model_strdup("+room")) || model_scenario_add_room(x, &r) != MODEL_OK)
            rc = -1;
        json_t *e = json_object();
        json_object_set_new(e, "kind", json_string("room"));
        json_object_set_new(e, "id", json_string(r.id ? r.id : ""));
        json_object_set_new(e, "copy_of", json_string(base->rooms[room].id));
        ex[n++] = e;
        free(r.id);
    }
    model_strlist_free(&creds);
    if (rc) {
        io_whatif_scenarios_free(sc, n);
        for (int i = 0; i < n; i++)
            json_decref(ex[i]);
        free(ex);
        return -1;
    }
    *out = sc;
    *n_out = n;
    *extra = ex;
    return 0;
}

typedef struct mrank {
    int job;
    double placed, revenue;
} mrank;

static int mrank_cmp(const void *a, const void *b)
{
    const mrank *x = a, *y = b;
    if (x->placed != y->placed)
        return x->placed > y->placed ? -1 : 1;
    if (x->revenue != y->revenue)
        return x->revenue > y->revenue ? -1 : 1;
    return x->job - y->job;
}

int io_whatif_run(const model_instance *base, const model_scenario *sc, int n,
                  const io_whatif_options *opt, char **out)
{
    io_whatif_options defo;
    if (!opt) {
        io_whatif_options_default(&defo);
        opt = &defo;
    }
    if (!base || !out || n < 0 || (n > 0 && !sc))
        return IO_EINVAL;
    int jobs = opt->jobs;
    if (jobs <= 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = c > 0 ? (int)c : 1;
    }
    double tl = opt->time_limit_s >= 0 ? opt->time_limit_s : base->settings.time_limit_s;
    double deadline = 2.0 * tl + 30.0;
    int rc = IO_ENOMEM;
    model_diag known;
    model_diag_init(&known);
    model_instance *kc = model_instance_clone(base);
    if (!kc)
        return IO_ENOMEM;
    if (model_instance_validate(kc, &known) == MODEL_ENOMEM) {
        model_instance_destroy(kc);
        model_diag_free(&known);
        return IO_ENOMEM;
    }
    model_instance_destroy(kc);

    int nj = n + 1;
    wjob *js = calloc((size_t)nj, sizeof *js);
    wjob *mj = NULL;
    int nm = 0;
    model_scenario *msc = NULL;
    json_t **mex = NULL;
    json_t *root = NULL;
    if (!js)
        goto done;
    js[0].kind = 0;
    if (!(js[0].name = model_strdup("baseline")) || prepare(&js[0], base, NULL, "baseline", &known))
        goto done;
    for (int i = 0; i < n; i++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "scenarios[%d]", i);
        js[i + 1].kind = 1;
        if (!(js[i + 1].name = model_strdup(sc[i].name ? sc[i].name : prefix)) ||
            prepare(&js[i + 1], base, &sc[i], prefix, &known))
            goto done;
    }
    int maxc = run_jobs(js, nj, opt, jobs, deadline);
    if (maxc < 0) {
        rc = IO_EIO;
        goto done;
    }
    json_t *base_res = js[0].failure ? NULL : js[0].result;
    if (opt->marginal && base_res && json_object_get(base_res, "metrics")) {
        if (build_marginal(base, base_res, &msc, &nm, &mex))
            goto done;
        if (nm > 0 && !(mj = calloc((size_t)nm, sizeof *mj)))
            goto done;
        for (int i = 0; i < nm; i++) {
            mj[i].kind = 2;
            mj[i].extra = mex[i];
            mex[i] = NULL;
            char prefix[64];
            snprintf(prefix, sizeof prefix, "marginal[%d]", i);
            if (!(mj[i].name = model_strdup(msc[i].name)) ||
                prepare(&mj[i], base, &msc[i], prefix, &known))
                goto done;
        }
        int m2 = run_jobs(mj, nm, opt, jobs, deadline);
        if (m2 < 0) {
            rc = IO_EIO;
            goto done;
        }
        if (m2 > maxc)
            maxc = m2;
    }

    root = json_object();
    json_object_set_new(root, "jobs", json_integer(jobs));
    json_object_set_new(root, "max_concurrent", json_integer(maxc));
    json_object_set_new(root, "parent_pid", json_integer((json_int_t)getpid()));
    json_object_set_new(root, "time_limit_s", json_real(tl));
    json_object_set_new(root, "baseline", job_json(&js[0], NULL));
    json_t *arr = json_array();
    for (int i = 1; i < nj; i++)
        json_array_append_new(arr, job_json(&js[i], base_res));
    json_object_set_new(root, "scenarios", arr);
    if (opt->marginal) {
        json_t *ma = json_array();
        mrank *rk = calloc((size_t)nm + 1, sizeof *rk);
        int nr = 0;
        for (int i = 0; i < nm; i++) {
            json_t *o = job_json(&mj[i], base_res);
            json_t *d = json_object_get(o, "differences");
            if (rk && d && json_is_object(d)) {
                rk[nr].job = i;
                rk[nr].placed = json_number_value(json_object_get(d, "placed"));
                rk[nr].revenue = json_number_value(json_object_get(d, "projected_revenue"));
                json_object_set_new(o, "placements_delta", json_real(rk[nr].placed));
                json_object_set_new(o, "revenue_delta", json_real(rk[nr].revenue));
                nr++;
            }
            json_array_append_new(ma, o);
        }
        if (rk)
            qsort(rk, (size_t)nr, sizeof *rk, mrank_cmp);
        json_t *bl = json_array();
        for (int i = 0; i < nr; i++) {
            json_t *o = json_array_get(ma, (size_t)rk[i].job);
            json_object_set_new(o, "rank", json_integer(i + 1));
            json_t *e = json_object();
            json_object_set_new(e, "rank", json_integer(i + 1));
            json_object_set(e, "name", json_object_get(o, "name"));
            json_object_set_new(e, "placements_per_quarter", json_real(rk[i].placed));
            json_object_set_new(e, "revenue_per_quarter", json_real(rk[i].revenue));
            json_array_append_new(bl, e);
        }
        free(rk);
        json_object_set_new(root, "marginal", ma);
        json_object_set_new(root, "bottlenecks", bl);
        if (!base_res || !json_object_get(base_res, "metrics"))
            json_object_set_new(root, "marginal_note",
                                json_string("no marginal values: the baseline has no schedule"));
    }
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    if (!text)
        goto done;
    *out = text;
    rc = IO_OK;
done:
    json_decref(root);
    for (int i = 0; js && i < nj; i++)
        wjob_free(&js[i]);
    free(js);
    for (int i = 0; mj && i < nm; i++)
        wjob_free(&mj[i]);
    free(mj);
    for (int i = 0; mex && i < nm; i++)
        json_decref(mex[i]);
    free(mex);
    io_whatif_scenarios_free(msc, nm);
    model_diag_free(&known);
    return rc;
}

/* --------------------------------------------------------------- table */

static void cell(char *buf, size_t n, json_t *v, json_t *d, bool money)
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
        if (fabs(y) < 1e-9)
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
                 strcmp(SUMMARY[i], "projected_revenue") == 0);
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
        json_array_foreach(bl, i, v)
            fprintf(f, "  %4lld  %-28s %+12.1f %+14.0f\n",
                    (long long)json_integer_value(json_object_get(v, "rank")),
                    json_string_value(json_object_get(v, "name")),
                    json_number_value(json_object_get(v, "placements_per_quarter")),
                    json_number_value(json_object_get(v, "revenue_per_quarter")));
        json_t *ma = json_object_get(root, "marginal");
        json_array_foreach(ma, i, v) {
            if (!json_object_get(v, "rank"))
                fprintf(f, "  (%s: %s)\n", json_string_value(json_object_get(v, "name")),
                        json_string_value(json_object_get(v, "status")));
        }
    }
    json_decref(root);
    return IO_OK;
}
