/*
 * json.c - the instance and solution JSON formats (docs/FORMAT.md):
 * reading with every error reported at its JSON path, writing (lossless
 * round trip), and whole-file reads and atomic writes.
 *
 * Reading goes in two passes: a structural pass over the Jansson tree
 * (types, required fields, enum values, "HH:MM" times, ISO dates, integer
 * ranges, unknown keys as warnings) that fills a model_instance as far as it
 * can, then model_instance_validate_partial() for the semantic checks.
 * Semantic errors at (or under) a path that already has a structural error
 * are dropped, so each problem is reported once.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "io.h"

/* =================================================================== */
/* Reader context: the current JSON path and the diagnostics.           */

typedef struct rd {
    model_diag *d;
    int nomem;
    char *path;
    size_t len, cap;
} rd;

static void path_append(rd *r, const char *s, size_t n)
{
    if (r->nomem)
        return;
    if (r->len + n + 1 > r->cap) {
        size_t ncap = r->cap ? r->cap : 64;
        while (ncap < r->len + n + 1)
            ncap *= 2;
        char *np = realloc(r->path, ncap);
        if (!np) {
            r->nomem = 1;
            return;
        }
        r->path = np;
        r->cap = ncap;
    }
    memcpy(r->path + r->len, s, n);
    r->len += n;
    r->path[r->len] = '\0';
}

/* Push ".key" (or "key" at the root); returns the length to pop back to. */
static size_t path_key(rd *r, const char *key)
{
    size_t saved = r->len;
    if (r->len > 0)
        path_append(r, ".", 1);
    path_append(r, key, strlen(key));
    return saved;
}

static size_t path_idx(rd *r, size_t i)
{
    size_t saved = r->len;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "[%zu]", i);
    path_append(r, buf, (size_t)n);
    return saved;
}

static void path_pop(rd *r, size_t saved)
{
    if (r->path && saved <= r->len) {
        r->len = saved;
        r->path[r->len] = '\0';
    }
}

static const char *path_cur(const rd *r)
{
    return r->path && !r->nomem ? r->path : "";
}

static void rd_vissue(rd *r, int warning, const char *fmt, va_list ap)
{
    int rc = warning ? model_diag_vwarning(r->d, path_cur(r), fmt, ap)
                     : model_diag_verror(r->d, path_cur(r), fmt, ap);
    if (rc == MODEL_ENOMEM)
        r->nomem = 1;
}

__attribute__((format(printf, 2, 3))) static void rd_err(rd *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rd_vissue(r, 0, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void rd_warn(rd *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rd_vissue(r, 1, fmt, ap);
    va_end(ap);
}

/* Shortest text that reads back as exactly x; integral values as "3.0". */
static void fmt_real(double x, char *buf, size_t n)
{
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, n, "%.1f", x);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* Short description of a JSON value for messages: `string "9am"`,
 * `number 3`, `an array`.  Returns a static-size buffer owned by caller. */
static void describe(const json_t *v, char *buf, size_t n)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: snprintf(buf, n, "an object"); break;
    case JSON_ARRAY: snprintf(buf, n, "an array"); break;
    case JSON_STRING: {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        if (len > 40) {
            int k = 37; /* cut at a UTF-8 character boundary */
            while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
                k--;
            snprintf(buf, n, "string \"%.*s...\"", k, s);
        } else {
            snprintf(buf, n, "string \"%s\"", s);
        }
        break;
    }
    case JSON_INTEGER: snprintf(buf, n, "number %" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
    case JSON_REAL: {
        char num[40];
        fmt_real(json_real_value(v), num, sizeof num);
        snprintf(buf, n, "number %s", num);
        break;
    }
    case JSON_TRUE: snprintf(buf, n, "true"); break;
    case JSON_FALSE: snprintf(buf, n, "false"); break;
    case JSON_NULL: snprintf(buf, n, "null"); break;
    }
}

static void type_err(rd *r, const char *expected, const json_t *v)
{
    char got[96];
    describe(v, got, sizeof got);
    rd_err(r, "expected %s, got %s", expected, got);
}

/* Warn about keys of obj not in allowed (NULL-terminated). */
static void check_keys(rd *r, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int ok = 0;
        for (int i = 0; allowed[i]; i++)
            if (strcmp(key, allowed[i]) == 0) {
                ok = 1;
                break;
            }
        if (!ok) {
            size_t s = path_key(r, key);
            rd_warn(r, "unknown field \"%s\" ignored", key);
            path_pop(r, s);
        }
    }
}

/* ------------------------------------------------------ value converters */
/* Each converts v (at the current path) into *out, reporting a typed error
 * and returning false when it cannot; *out is then unchanged. */

static bool conv_str(rd *r, json_t *v, char **out)
{
    if (!json_is_string(v)) {
        type_err(r, "a string", v);
        return false;
    }
    char *s = model_strdup(json_string_value(v));
    if (!s) {
        r->nomem = 1;
        return false;
    }
    free(*out);
    *out = s;
    return true;
}

/* Integer in [lo, INT_MAX] (also an integral real, e.g. 3.0). */
static bool conv_int(rd *r, json_t *v, long long lo, long long hi, int *out)
{
    long long x;
    if (json_is_integer(v)) {
        x = json_integer_value(v);
    } else if (json_is_real(v)) {
        double f = json_real_value(v);
        if (f != floor(f)) {
            type_err(r, "an integer", v);
            return false;
        }
        if (f < 0 && lo == 0) {
            rd_err(r, "must not be negative, got %g", f);
            return false;
        }
        if (f < (double)lo || f > (double)hi) {
            rd_err(r, "number %g is out of range (%lld..%lld)", f, lo, hi);
            return false;
        }
        x = (long long)f;
    } else {
        type_err(r, "an integer", v);
        return false;
    }
    if (x < lo && lo == 0) {
        rd_err(r, "must not be negative, got %lld", x);
        return false;
    }
    if (x < lo || x > hi) {
        rd_err(r, "number %lld is out of range (%lld..%lld)", x, lo, hi);
        return false;
    }
    *out = (int)x;
    return true;
}

static bool conv_long(rd *r, json_t *v, long *out)
{
    if (json_is_integer(v)) {
        long long x = json_integer_value(v);
        if (x < LONG_MIN || x > LONG_MAX) {
            rd_err(r, "number %lld is out of range", x);
            return false;
        }
        *out = (long)x;
        return true;
    }
    if (json_is_real(v)) {
        double f = json_real_value(v);
        if (f != floor(f)) {
            type_err(r, "an integer", v);
            return false;
        }
        if (f < -9.2e18 || f > 9.2e18) {
            rd_err(r, "number %g is out of range", f);
            return false;
        }
        *out = (long)f;
        return true;
    }
    type_err(r, "an integer", v);
    return false;
}

static bool conv_double(rd *r, json_t *v, double *out)
{
    if (!json_is_number(v)) {
        type_err(r, "a number", v);
        return false;
    }
    *out = json_number_value(v);
    return true;
}

static bool conv_bool(rd *r, json_t *v, bool *out)
{
    if (!json_is_boolean(v)) {
        type_err(r, "true or false", v);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

static bool conv_time(rd *r, json_t *v, int allow_24, int *out)
{
    if (!json_is_string(v)) {
        type_err(r, "a time \"HH:MM\"", v);
        return false;
    }
    if (model_time_parse(json_string_value(v), allow_24, out) != MODEL_OK) {
        char got[96];
        describe(v, got, sizeof got);
        rd_err(r, "expected a time \"HH:MM\" (00:00..%s), got %s", allow_24 ? "24:00" : "23:59",
               got);
        return false;
    }
    return true;
}

static bool conv_date(rd *r, json_t *v, int *out)
{
    if (!json_is_string(v)) {
        type_err(r, "an ISO date \"YYYY-MM-DD\"", v);
        return false;
    }
    if (model_date_parse(json_string_value(v), out) != MODEL_OK) {
        char got[96];
        describe(v, got, sizeof got);
        rd_err(r, "expected an ISO date \"YYYY-MM-DD\" (a real calendar date), got %s", got);
        return false;
    }
    return true;
}

static bool conv_enum(rd *r, json_t *v, int (*parse)(const char *), const char *choices, int *out)
{
    if (!json_is_string(v)) {
        type_err(r, choices, v);
        return false;
    }
    int x = parse(json_string_value(v));
    if (x < 0) {
        char got[96];
        describe(v, got, sizeof got);
        rd_err(r, "unknown value %s; expected %s", got + 7 /* skip "string " */, choices);
        return false;
    }
    *out = x;
    return true;
}

static bool conv_day(rd *r, json_t *v, int *out)
{
    return conv_enum(r, v, model_day_parse, "one of mon, tue, wed, thu, fri, sat, sun", out);
}

/* Limits on list lengths in an instance (docs/FORMAT.md "Limits"): far
 * above any real program, low enough that no check goes quadratic on a
 * hostile file. */
#define LIMIT_LIST 1000      /* strings in a list, windows, time off */
#define LIMIT_CLOSED 10000   /* closed dates */
#define LIMIT_MEMBERS 10000  /* members of one roster */
#define LIMIT_SOL_LIST 1000000

/* Reports an over-long array at the current path. */
static bool too_many(rd *r, json_t *a, size_t max)
{
    size_t n = json_array_size(a);
    if (n <= max)
        return false;
    rd_err(r, "too many items (%zu; at most %zu)", n, max);
    return true;
}

/* Array of strings; bad elements are reported and skipped. */
static bool conv_strlist_max(rd *r, json_t *v, model_strlist *out, size_t max)
{
    if (!json_is_array(v)) {
        type_err(r, "an array of strings", v);
        return false;
    }
    if (too_many(r, v, max))
        return false;
    model_strlist l = {0};
    bool ok = true;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (!json_is_string(e)) {
            size_t s = path_idx(r, i);
            type_err(r, "a string", e);
            path_pop(r, s);
            ok = false;
            continue;
        }
        if (model_strlist_push(&l, json_string_value(e)) != MODEL_OK) {
            r->nomem = 1;
            model_strlist_free(&l);
            return false;
        }
    }
    model_strlist_free(out);
    *out = l;
    return ok;
}

/* ------------------------------------------------------------ field access */

/* Member key of obj, or NULL when absent or null (an error when required). */
static json_t *get(rd *r, json_t *obj, const char *key, bool req)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (req) {
            size_t s = path_key(r, key);
            rd_err(r, v ? "required field is null" : "required field is missing");
            path_pop(r, s);
        }
        return NULL;
    }
    return v;
}

#define FIELD_FN(name, decl, call)                                              \
    static bool name(rd *r, json_t *o, const char *key, bool req, decl)         \
    {                                                                           \
        json_t *v = get(r, o, key, req);                                        \
        if (!v)                                                                 \
            return false;                                                       \
        size_t s_ = path_key(r, key);                                           \
        bool ok_ = call;                                                        \
        path_pop(r, s_);                                                        \
        return ok_;                                                             \
    }

FIELD_FN(f_str, char **out, conv_str(r, v, out))
FIELD_FN(f_int, int *out, conv_int(r, v, INT_MIN, INT_MAX, out))
FIELD_FN(f_nonneg, int *out, conv_int(r, v, 0, INT_MAX, out))
FIELD_FN(f_long, long *out, conv_long(r, v, out))
FIELD_FN(f_double, double *out, conv_double(r, v, out))
FIELD_FN(f_bool, bool *out, conv_bool(r, v, out))
FIELD_FN(f_time, int *out, conv_time(r, v, 0, out))
FIELD_FN(f_time_end, int *out, conv_time(r, v, 1, out))
FIELD_FN(f_date, int *out, conv_date(r, v, out))
FIELD_FN(f_day, int *out, conv_day(r, v, out))
static bool conv_strlist(rd *r, json_t *v, model_strlist *out)
{
    return conv_strlist_max(r, v, out, LIMIT_LIST);
}

FIELD_FN(f_strlist, model_strlist *out, conv_strlist(r, v, out))
FIELD_FN(f_strlist_sol, model_strlist *out, conv_strlist_max(r, v, out, LIMIT_SOL_LIST))

static bool f_enum(rd *r, json_t *o, const char *key, bool req, int (*parse)(const char *),
                   const char *choices, int *out)
{
    json_t *v = get(r, o, key, req);
    if (!v)
        return false;
    size_t s = path_key(r, key);
    bool ok = conv_enum(r, v, parse, choices, out);
    path_pop(r, s);
    return ok;
}

/* Object member that must be an object; NULL when absent/wrong (reported). */
static json_t *f_object(rd *r, json_t *o, const char *key, bool req)
{
    json_t *v = get(r, o, key, req);
    if (!v)
        return NULL;
    if (!json_is_object(v)) {
        size_t s = path_key(r, key);
        type_err(r, "an object", v);
        path_pop(r, s);
        return NULL;
    }
    return v;
}

/* Object member that must be an array; NULL when absent/wrong (reported).
 * *bad is set when present but not an array. */
static json_t *f_array(rd *r, json_t *o, const char *key, bool req, bool *bad)
{
    json_t *v = json_object_get(o, key);
    if (v && !json_is_null(v) && !json_is_array(v)) {
        size_t s = path_key(r, key);
        type_err(r, "an array", v);
        path_pop(r, s);
        if (bad)
            *bad = true;
        return NULL;
    }
    v = get(r, o, key, req);
    if (!v && req && bad)
        *bad = true;
    return v;
}

/* Allocate n zeroed elements of size sz (NULL for n == 0). */
static void *calloc_n(rd *r, size_t n, size_t sz)
{
    if (n == 0)
        return NULL;
    void *p = calloc(n, sz);
    if (!p)
        r->nomem = 1;
    return p;
}

/* Checks that element e (at the current path) is an object. */
static bool elem_object(rd *r, json_t *e)
{
    if (!json_is_object(e)) {
        type_err(r, "an object", e);
        return false;
    }
    return true;
}

/* =================================================================== */
/* Instance reading.                                                    */

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
    json_t *a = f_array(r, o, key, req, NULL);
    if (present)
        *present = a != NULL;
    if (!a)
        return;
    size_t sk0 = path_key(r, key);
    bool over = too_many(r, a, LIMIT_LIST);
    path_pop(r, sk0);
    if (over)
        return;
    size_t cnt = json_array_size(a);
    model_window *w = calloc_n(r, cnt, sizeof *w);
    if (cnt && !w)
        return;
    static const char *const keys[] = {"day", "from", "to", NULL};
    size_t sk = path_key(r, key);
    for (size_t i = 0; i < cnt; i++) {
        json_t *e = json_array_get(a, i);
        size_t si = path_idx(r, i);
        w[i].day = -1;
        w[i].from = 0;
        w[i].to = 0;
        if (elem_object(r, e)) {
            check_keys(r, e, keys);
            f_day(r, e, "day", true, &w[i].day);
            f_time(r, e, "from", true, &w[i].from);
            f_time_end(r, e, "to", true, &w[i].to);
        }
        path_pop(r, si);
    }
    path_pop(r, sk);
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
    model_window *w = calloc_n(r, 7, sizeof *w);
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
    json_t *o = f_object(r, root, "program", true);
    if (!o) {
        *incomplete |= MODEL_KIND_PROGRAM;
        return;
    }
    static const char *const keys[] = {"name", "horizon", "days", "slot_starts", "closed_dates", NULL};
    size_t sp = path_key(r, "program");
    check_keys(r, o, keys);
    if (!f_str(r, o, "name", false, &p->name) && !p->name) {
        p->name = model_strdup("");
        if (!p->name)
            r->nomem = 1;
    }
    json_t *h = f_object(r, o, "horizon", true);
    if (h) {
        static const char *const hkeys[] = {"start", "weeks", NULL};
        size_t sh = path_key(r, "horizon");
        check_keys(r, h, hkeys);
        if (!f_date(r, h, "start", true, &p->horizon_start))
            *incomplete |= MODEL_KIND_PROGRAM;
        if (!f_int(r, h, "weeks", true, &p->horizon_weeks))
            *incomplete |= MODEL_KIND_PROGRAM;
        path_pop(r, sh);
    } else {
        *incomplete |= MODEL_KIND_PROGRAM;
    }

    bool bad = false;
    json_t *a = f_array(r, o, "days", true, &bad);
    if (bad)
        *incomplete |= MODEL_KIND_PROGRAM;
    if (a) {
        size_t sd = path_key(r, "days");
        size_t i;
        json_t *e;
        json_array_foreach(a, i, e) {
            size_t si = path_idx(r, i);
            int d;
            if (conv_day(r, e, &d)) {
                if (p->days_mask & (1 << d))
                    rd_err(r, "day \"%s\" is listed twice", model_day_name(d));
                p->days_mask |= 1 << d;
            } else {
                *incomplete |= MODEL_KIND_PROGRAM;
            }
            path_pop(r, si);
        }
        path_pop(r, sd);
    }

    bad = false;
    a = f_array(r, o, "slot_starts", true, &bad);
    if (bad)
        *incomplete |= MODEL_KIND_PROGRAM;
    if (a) {
        size_t n = json_array_size(a);
        size_t s0 = path_key(r, "slot_starts");
        if (too_many(r, a, 24 * 60)) {
            *incomplete |= MODEL_KIND_PROGRAM;
            n = 0;
        }
        path_pop(r, s0);
        p->slot_starts = calloc_n(r, n, sizeof(int));
        if (n && !p->slot_starts)
            goto out;
        size_t ss = path_key(r, "slot_starts");
        for (size_t i = 0; i < n && p->slot_starts; i++) {
            size_t si = path_idx(r, i);
            int t;
            if (conv_time(r, json_array_get(a, i), 0, &t))
                p->slot_starts[p->n_slot_starts++] = t;
            else
                *incomplete |= MODEL_KIND_PROGRAM;
            path_pop(r, si);
        }
        path_pop(r, ss);
    }

    a = f_array(r, o, "closed_dates", false, NULL);
    if (a) {
        size_t n = json_array_size(a);
        size_t s0 = path_key(r, "closed_dates");
        if (too_many(r, a, LIMIT_CLOSED))
            n = 0;
        path_pop(r, s0);
        p->closed_dates = calloc_n(r, n, sizeof(int));
        if (n && !p->closed_dates)
            goto out;
        size_t sc = path_key(r, "closed_dates");
        for (size_t i = 0; i < n && p->closed_dates; i++) {
            size_t si = path_idx(r, i);
            int dt;
            if (conv_date(r, json_array_get(a, i), &dt))
                p->closed_dates[p->n_closed_dates++] = dt;
            path_pop(r, si);
        }
        path_pop(r, sc);
    }
out:
    path_pop(r, sp);
}

/* The clinic-operations settings (docs/FORMAT.md "Clinic operations"). */
static void read_clinic_settings(rd *r, json_t *o, model_settings *s)
{
    f_double(r, o, "late_cancel_hours", false, &s->late_cancel_hours);
    f_double(r, o, "offer_ttl_hours", false, &s->offer_ttl_hours);
    f_bool(r, o, "require_authorization", false, &s->require_authorization);
    f_int(r, o, "min_authorized_sessions", false, &s->min_authorized_sessions);
    json_t *p = f_object(r, o, "no_show_policy", false);
    if (!p)
        return;
    static const char *const keys[] = {"review_consecutive_no_shows", "drop_consecutive_no_shows",
                                       "drop_absences", "absence_window_weeks",
                                       "review_late_cancels", NULL};
    model_noshow_policy *np = &s->no_show_policy;
    size_t sp = path_key(r, "no_show_policy");
    check_keys(r, p, keys);
    f_int(r, p, "review_consecutive_no_shows", false, &np->review_consecutive_no_shows);
    f_int(r, p, "drop_consecutive_no_shows", false, &np->drop_consecutive_no_shows);
    f_int(r, p, "drop_absences", false, &np->drop_absences);
    f_int(r, p, "absence_window_weeks", false, &np->absence_window_weeks);
    f_int(r, p, "review_late_cancels", false, &np->review_late_cancels);
    path_pop(r, sp);
}

static void read_settings(rd *r, json_t *root, model_settings *s)
{
    json_t *o = f_object(r, root, "settings", false);
    if (!o)
        return;
    static const char *const keys[] = {"max_groups_per_day", "max_groups_per_week", "min_break_min",
                                       "max_consecutive_cover", "time_limit_s", "mip_gap",
                                       "weights", "seed", "on_infeasible", "late_cancel_hours",
                                       "offer_ttl_hours", "require_authorization",
                                       "min_authorized_sessions", "no_show_policy", NULL};
    size_t ss = path_key(r, "settings");
    check_keys(r, o, keys);
    f_int(r, o, "max_groups_per_day", false, &s->max_groups_per_day);
    f_int(r, o, "max_groups_per_week", false, &s->max_groups_per_week);
    f_int(r, o, "min_break_min", false, &s->min_break_min);
    f_int(r, o, "max_consecutive_cover", false, &s->max_consecutive_cover);
    f_double(r, o, "time_limit_s", false, &s->time_limit_s);
    f_double(r, o, "mip_gap", false, &s->mip_gap);
    f_long(r, o, "seed", false, &s->seed);
    f_enum(r, o, "on_infeasible", false, model_on_infeasible_parse, "one of relax, fail",
           &s->on_infeasible);
    read_clinic_settings(r, o, s);
    json_t *w = f_object(r, o, "weights", false);
    if (w) {
        static const char *const wkeys[] = {"placement", "wait_per_week", "priority", "empty_seat",
                                            "load_balance", "change", NULL};
        size_t sw = path_key(r, "weights");
        check_keys(r, w, wkeys);
        f_double(r, w, "placement", false, &s->weights.placement);
        f_double(r, w, "wait_per_week", false, &s->weights.wait_per_week);
        f_double(r, w, "priority", false, &s->weights.priority);
        f_double(r, w, "empty_seat", false, &s->weights.empty_seat);
        f_double(r, w, "load_balance", false, &s->weights.load_balance);
        f_double(r, w, "change", false, &s->weights.change);
        path_pop(r, sw);
    }
    path_pop(r, ss);
}

/* Share in 0..1 read structurally (negative is reported here because the
 * model uses a negative value for "no limit"). */
static void read_share(rd *r, json_t *o, const char *key, double *out)
{
    json_t *v = get(r, o, key, false);
    if (!v)
        return;
    size_t s = path_key(r, key);
    double x;
    if (conv_double(r, v, &x)) {
        if (x < 0)
            rd_err(r, "must be between 0 and 1, got %g", x);
        else
            *out = x;
    }
    path_pop(r, s);
}

static void read_type(rd *r, json_t *e, model_group_type *t, bool *id_bad)
{
    static const char *const keys[] = {
        "id", "name", "cpt", "rate", "duration_min", "min_size", "max_size",
        "required_credentials", "cofacilitation", "cofacilitator_credentials", "diagnoses",
        "modality", "room_features", "cadence", "age_min", "age_max", "gender", "composition",
        NULL};
    t->age_min = t->age_max = -1;
    t->composition.max_new_share = -1;
    t->composition.max_high_acuity = -1;
    t->composition.max_age_spread = -1;
    check_keys(r, e, keys);
    if (!f_str(r, e, "id", true, &t->id))
        *id_bad = true;
    if (!f_str(r, e, "name", false, &t->name) && !t->name && t->id) {
        t->name = model_strdup(t->id);
        if (!t->name)
            r->nomem = 1;
    }
    int cpt = 0;
    f_enum(r, e, "cpt", false, cpt_parse, "one of \"90853\", \"90849\"", &cpt);
    t->cpt = model_strdup(CPT_CODES[cpt]);
    if (!t->cpt)
        r->nomem = 1;
    f_double(r, e, "rate", true, &t->rate);
    f_int(r, e, "duration_min", true, &t->duration_min);
    f_int(r, e, "min_size", true, &t->min_size);
    f_int(r, e, "max_size", true, &t->max_size);
    f_strlist(r, e, "required_credentials", false, &t->required_credentials);
    f_bool(r, e, "cofacilitation", false, &t->cofacilitation);
    f_strlist(r, e, "cofacilitator_credentials", false, &t->cofacilitator_credentials);
    f_strlist(r, e, "diagnoses", false, &t->diagnoses);
    int m = MODEL_IN_PERSON;
    f_enum(r, e, "modality", true, type_modality_parse, MODALITY_TYPE_CHOICES, &m);
    t->modality = (model_modality)m;
    f_strlist(r, e, "room_features", false, &t->room_features);
    int c = MODEL_WEEKLY;
    f_enum(r, e, "cadence", true, model_cadence_parse, "one of weekly, biweekly", &c);
    t->cadence = (model_cadence)c;
    f_nonneg(r, e, "age_min", false, &t->age_min);
    f_nonneg(r, e, "age_max", false, &t->age_max);
    f_str(r, e, "gender", false, &t->gender);
    json_t *comp = f_object(r, e, "composition", false);
    if (comp) {
        static const char *const ckeys[] = {"max_new_share", "max_high_acuity", "max_age_spread",
                                            NULL};
        size_t sc = path_key(r, "composition");
        check_keys(r, comp, ckeys);
        read_share(r, comp, "max_new_share", &t->composition.max_new_share);
        f_nonneg(r, comp, "max_high_acuity", false, &t->composition.max_high_acuity);
        f_nonneg(r, comp, "max_age_spread", false, &t->composition.max_age_spread);
        path_pop(r, sc);
    }
}

static void read_group(rd *r, json_t *e, model_group *g, bool *id_bad)
{
    static const char *const keys[] = {"id", "type", "optional", "pinned", "members", NULL};
    g->type_idx = -1;
    g->pinned.room_idx = g->pinned.substitute_idx = -1;
    g->pinned.facilitator_idx[0] = g->pinned.facilitator_idx[1] = -1;
    check_keys(r, e, keys);
    if (!f_str(r, e, "id", true, &g->id))
        *id_bad = true;
    f_str(r, e, "type", true, &g->type);
    f_bool(r, e, "optional", false, &g->optional);
    json_t *p = f_object(r, e, "pinned", false);
    if (p) {
        static const char *const pkeys[] = {"day", "start", "room", "facilitators", "substitute",
                                            NULL};
        size_t sp = path_key(r, "pinned");
        check_keys(r, p, pkeys);
        g->pinned.has_day = f_day(r, p, "day", false, &g->pinned.day);
        g->pinned.has_start = f_time(r, p, "start", false, &g->pinned.start);
        f_str(r, p, "room", false, &g->pinned.room);
        f_strlist(r, p, "facilitators", false, &g->pinned.facilitators);
        f_str(r, p, "substitute", false, &g->pinned.substitute);
        path_pop(r, sp);
    }
    json_t *a = f_array(r, e, "members", false, NULL);
    if (a) {
        size_t n = json_array_size(a);
        size_t s0 = path_key(r, "members");
        bool over = too_many(r, a, LIMIT_MEMBERS);
        path_pop(r, s0);
        if (over)
            return;
        g->members = calloc_n(r, n, sizeof *g->members);
        if (n && !g->members)
            return;
        g->n_members = (int)n;
        static const char *const mkeys[] = {"patient", "status", "since", NULL};
        size_t sm = path_key(r, "members");
        for (size_t i = 0; i < n; i++) {
            json_t *m = json_array_get(a, i);
            model_member *mb = &g->members[i];
            size_t si = path_idx(r, i);
            mb->since = -1;
            mb->patient_idx = -1;
            mb->status = MODEL_ACTIVE;
            if (elem_object(r, m)) {
                check_keys(r, m, mkeys);
                f_str(r, m, "patient", true, &mb->patient);
                int st = MODEL_ACTIVE;
                f_enum(r, m, "status", false, model_status_parse,
                       "one of active, hold_clinical, hold_admin, graduated, dropped", &st);
                mb->status = (model_member_status)st;
                f_date(r, m, "since", false, &mb->since);
            }
            path_pop(r, si);
        }
        path_pop(r, sm);
    }
}

static void read_room(rd *r, json_t *e, model_room *rm, bool *id_bad)
{
    static const char *const keys[] = {"id", "capacity", "features", "available", "site", NULL};
    check_keys(r, e, keys);
    if (!f_str(r, e, "id", true, &rm->id))
        *id_bad = true;
    f_int(r, e, "capacity", true, &rm->capacity);
    f_strlist(r, e, "features", false, &rm->features);
    bool present = false;
    read_windows(r, e, "available", false, &rm->available, &rm->n_available, &present);
    if (!present && json_is_null_or_absent(json_object_get(e, "available")))
        always_available(r, &rm->available, &rm->n_available);
    f_str(r, e, "site", false, &rm->site);
}

static void read_facilitator(rd *r, json_t *e, model_facilitator *f, bool *id_bad)
{
    static const char *const keys[] = {"id", "name", "credentials", "available", "max_per_day",
                                       "max_per_week", "time_off", NULL};
    f->max_per_day = f->max_per_week = -1;
    check_keys(r, e, keys);
    if (!f_str(r, e, "id", true, &f->id))
        *id_bad = true;
    if (!f_str(r, e, "name", false, &f->name) && !f->name && f->id) {
        f->name = model_strdup(f->id);
        if (!f->name)
            r->nomem = 1;
    }
    f_strlist(r, e, "credentials", false, &f->credentials);
    bool present = false;
    read_windows(r, e, "available", false, &f->available, &f->n_available, &present);
    if (!present && json_is_null_or_absent(json_object_get(e, "available")))
        always_available(r, &f->available, &f->n_available);
    f_nonneg(r, e, "max_per_day", false, &f->max_per_day);
    f_nonneg(r, e, "max_per_week", false, &f->max_per_week);
    json_t *a = f_array(r, e, "time_off", false, NULL);
    if (a) {
        size_t n = json_array_size(a);
        size_t s0 = path_key(r, "time_off");
        bool over = too_many(r, a, LIMIT_LIST);
        path_pop(r, s0);
        if (over)
            return;
        f->time_off = calloc_n(r, n, sizeof *f->time_off);
        if (n && !f->time_off)
            return;
        f->n_time_off = (int)n;
        static const char *const tkeys[] = {"from", "to", NULL};
        size_t st = path_key(r, "time_off");
        for (size_t i = 0; i < n; i++) {
            json_t *t = json_array_get(a, i);
            size_t si = path_idx(r, i);
            f->time_off[i].from = f->time_off[i].to = 0;
            if (elem_object(r, t)) {
                check_keys(r, t, tkeys);
                f_date(r, t, "from", true, &f->time_off[i].from);
                f_date(r, t, "to", true, &f->time_off[i].to);
            }
            path_pop(r, si);
        }
        path_pop(r, st);
    }
}

/* A text field copied into a fixed buffer (too long: an error). */
static void f_fixed(rd *r, json_t *o, const char *key, char *buf, size_t n)
{
    char *t = NULL;
    if (!f_str(r, o, key, true, &t) || !t)
        return;
    if (strlen(t) >= n) {
        size_t s = path_key(r, key);
        rd_err(r, "longer than %zu characters", n - 1);
        path_pop(r, s);
    } else {
        memcpy(buf, t, strlen(t) + 1);
    }
    free(t);
}

/* patients[].authorizations[] (docs/FORMAT.md "Payer authorizations"). */
static void read_authorizations(rd *r, json_t *e, model_patient *p)
{
    json_t *a = f_array(r, e, "authorizations", false, NULL);
    if (!a)
        return;
    size_t sa = path_key(r, "authorizations");
    if (json_array_size(a) > MODEL_MAX_AUTHORIZATIONS)
        rd_err(r, "at most %d authorizations per patient", MODEL_MAX_AUTHORIZATIONS);
    static const char *const keys[] = {"payer", "cpt", "units", "used", "from", "to", NULL};
    for (size_t i = 0; i < json_array_size(a) && i < MODEL_MAX_AUTHORIZATIONS; i++) {
        json_t *o = json_array_get(a, i);
        size_t si = path_idx(r, i);
        model_authorization *au = &p->authorizations[p->n_authorizations++];
        au->from = au->to = -1;
        if (json_is_object(o)) {
            check_keys(r, o, keys);
            f_fixed(r, o, "payer", au->payer, sizeof au->payer);
            f_fixed(r, o, "cpt", au->cpt, sizeof au->cpt);
            f_int(r, o, "units", true, &au->units);
            f_int(r, o, "used", false, &au->used);
            f_date(r, o, "from", true, &au->from);
            f_date(r, o, "to", true, &au->to);
        } else {
            rd_err(r, "an authorization must be an object {payer, cpt, units, from, to}");
        }
        path_pop(r, si);
    }
    path_pop(r, sa);
}

static void read_patient(rd *r, json_t *e, model_patient *p, bool *id_bad)
{
    static const char *const keys[] = {"id", "diagnoses", "group_types", "available", "added",
                                       "acuity", "age", "gender", "modality", "screened",
                                       "insurance_verified", "priority", "authorizations", NULL};
    p->added = -1;
    p->age = -1;
    p->acuity = MODEL_ACUITY_LOW;
    p->modality = MODEL_EITHER;
    check_keys(r, e, keys);
    if (!f_str(r, e, "id", true, &p->id))
        *id_bad = true;
    f_strlist(r, e, "diagnoses", true, &p->diagnoses);
    json_t *gt = get(r, e, "group_types", false);
    if (gt) {
        size_t s = path_key(r, "group_types");
        p->has_group_types = conv_strlist(r, gt, &p->group_types) || json_is_array(gt);
        path_pop(r, s);
    }
    read_windows(r, e, "available", true, &p->available, &p->n_available, NULL);
    f_date(r, e, "added", true, &p->added);
    int a = MODEL_ACUITY_LOW;
    f_enum(r, e, "acuity", false, model_acuity_parse, "one of low, moderate, high", &a);
    p->acuity = (model_acuity)a;
    f_nonneg(r, e, "age", false, &p->age);
    f_str(r, e, "gender", false, &p->gender);
    int m = MODEL_EITHER;
    f_enum(r, e, "modality", false, model_modality_parse, MODALITY_PATIENT_CHOICES, &m);
    p->modality = (model_modality)m;
    f_bool(r, e, "screened", true, &p->screened);
    f_bool(r, e, "insurance_verified", true, &p->insurance_verified);
    f_int(r, e, "priority", false, &p->priority);
    read_authorizations(r, e, p);
}

/* Reads the array at key into a freshly allocated array of elements of size
 * sz, calling fn for each object element.  Sets the kind bit in incomplete
 * when the ids of this kind could not all be read. */
typedef void (*elem_fn)(rd *r, json_t *e, void *elem, bool *id_bad);

static void read_entities(rd *r, json_t *root, const char *key, bool req, size_t sz,
                          elem_fn fn, void **out, int *n, unsigned kind, unsigned *incomplete)
{
    bool bad = false;
    json_t *a = f_array(r, root, key, req, &bad);
    if (bad)
        *incomplete |= kind;
    if (!a)
        return;
    size_t cnt = json_array_size(a);
    if (cnt > INT_MAX / 2) {
        size_t s = path_key(r, key);
        rd_err(r, "too many elements (%zu)", cnt);
        path_pop(r, s);
        *incomplete |= kind;
        return;
    }
    char *arr = calloc_n(r, cnt, sz);
    if (cnt && !arr)
        return;
    *out = arr;
    *n = (int)cnt;
    size_t sk = path_key(r, key);
    for (size_t i = 0; i < cnt; i++) {
        json_t *e = json_array_get(a, i);
        size_t si = path_idx(r, i);
        bool id_bad = false;
        if (elem_object(r, e))
            fn(r, e, arr + i * sz, &id_bad);
        else
            id_bad = true;
        if (id_bad)
            *incomplete |= kind;
        path_pop(r, si);
        if (r->nomem)
            break;
    }
    path_pop(r, sk);
}

static void w_type(rd *r, json_t *e, void *x, bool *b) { read_type(r, e, x, b); }
static void w_group(rd *r, json_t *e, void *x, bool *b) { read_group(r, e, x, b); }
static void w_room(rd *r, json_t *e, void *x, bool *b) { read_room(r, e, x, b); }
static void w_facilitator(rd *r, json_t *e, void *x, bool *b) { read_facilitator(r, e, x, b); }
static void w_patient(rd *r, json_t *e, void *x, bool *b) { read_patient(r, e, x, b); }

/* Load JSON text; a syntax error goes into d with path "". */
static json_t *load_json(const char *text, size_t len, model_diag *d, int *nomem)
{
    json_error_t err;
    json_t *root = json_loadb(text ? text : "", text ? len : 0, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        if (model_diag_error(d, "", "JSON syntax error at line %d, column %d: %s", err.line,
                             err.column, err.text) != MODEL_OK)
            *nomem = 1;
    }
    return root;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Moves the semantic issues of sem into d, dropping errors at, above or
 * under a path that already has a structural error (d's errors so far). */
static int merge_semantic(model_diag *d, int from, model_diag *sem)
{
    int n = d->n_errors - from;
    const char **paths = NULL;
    if (n > 0) {
        paths = malloc((size_t)n * sizeof *paths);
        if (!paths)
            return IO_ENOMEM;
        for (int i = 0; i < n; i++)
            paths[i] = d->errors[from + i].path;
        qsort(paths, (size_t)n, sizeof *paths, cmp_str_ptr);
    }
    int rc = IO_OK;
    for (int i = 0; i < sem->n_errors && rc == IO_OK; i++) {
        const char *p = sem->errors[i].path;
        bool dup = false;
        if (paths) {
            /* Is p, or a prefix of p ending at a '.' or '[', a structural path? */
            char *tmp = model_strdup(p);
            if (!tmp) {
                rc = IO_ENOMEM;
                break;
            }
            size_t len = strlen(tmp);
            for (size_t cut = 1; cut <= len && !dup; cut++) {
                if (cut != len && tmp[cut] != '.' && tmp[cut] != '[')
                    continue;
                char c = tmp[cut];
                tmp[cut] = '\0';
                const char *key = tmp;
                dup = bsearch(&key, paths, (size_t)n, sizeof *paths, cmp_str_ptr) != NULL;
                tmp[cut] = c;
            }
            free(tmp);
            /* Or does a structural error lie under p ("program.slot_starts[0]"
             * under "program.slot_starts")?  Those sort right after p. */
            int lo = 0, hi = n;
            while (lo < hi) {
                int mid = lo + (hi - lo) / 2;
                if (strcmp(paths[mid], p) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (int k = lo; k < n && !dup && strncmp(paths[k], p, len) == 0; k++)
                dup = paths[k][len] == '.' || paths[k][len] == '[' || paths[k][len] == '\0';
        }
        if (!dup && model_diag_error(d, p, "%s", sem->errors[i].message) != MODEL_OK)
            rc = IO_ENOMEM;
    }
    /* Semantic warnings on a file with structural errors would judge
     * half-read data: report them once the file reads cleanly. */
    for (int i = 0; n == 0 && i < sem->n_warnings && rc == IO_OK; i++)
        if (model_diag_warning(d, sem->warnings[i].path, "%s", sem->warnings[i].message) !=
            MODEL_OK)
            rc = IO_ENOMEM;
    free(paths);
    return rc;
}

/* Order of issues for the reader: by top-level section in file order, then
 * by the element index, keeping the original order otherwise (structural
 * before semantic within one element). */
typedef struct issue_key {
    int rank;
    long idx;
    int orig;
    model_issue issue;
} issue_key;

static void issue_key_of(issue_key *k, const model_issue *is, int orig)
{
    static const char *const SECTIONS[] = {"program", "settings", "group_types", "groups",
                                           "rooms", "facilitators", "patients"};
    const char *p = is->path;
    size_t n = strcspn(p, ".[");
    k->rank = 7;
    for (int i = 0; i < 7; i++)
        if (strlen(SECTIONS[i]) == n && strncmp(p, SECTIONS[i], n) == 0)
            k->rank = i;
    if (n == 0)
        k->rank = -1; /* the whole file */
    k->idx = p[n] == '[' ? strtol(p + n + 1, NULL, 10) : -1;
    k->orig = orig;
    k->issue = *is;
}

static int issue_key_cmp(const void *a, const void *b)
{
    const issue_key *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->idx != y->idx)
        return x->idx < y->idx ? -1 : 1;
    return (x->orig > y->orig) - (x->orig < y->orig);
}

/* Sort issues a[0..n) in place (stable); on ENOMEM they stay as they are. */
static void sort_issues(model_issue *a, int n)
{
    if (n < 2)
        return;
    issue_key *k = malloc((size_t)n * sizeof *k);
    if (!k)
        return;
    for (int i = 0; i < n; i++)
        issue_key_of(&k[i], &a[i], i);
    qsort(k, (size_t)n, sizeof *k, issue_key_cmp);
    for (int i = 0; i < n; i++)
        a[i] = k[i].issue;
    free(k);
}

int io_instance_parse(const char *text, size_t len, model_instance **out, model_diag *d)
{
    int nomem = 0;
    int errors_before = d->n_errors, warnings_before = d->n_warnings;
    json_t *root = load_json(text, len, d, &nomem);
    if (!root)
        return nomem ? IO_ENOMEM : IO_EINVAL;
    if (!json_is_object(root)) {
        char got[96];
        describe(root, got, sizeof got);
        json_decref(root);
        return model_diag_error(d, "", "expected an instance object at the top level, got %s",
                                got) == MODEL_OK
                   ? IO_EINVAL
                   : IO_ENOMEM;
    }
    model_instance *inst = model_instance_create();
    if (!inst) {
        json_decref(root);
        return IO_ENOMEM;
    }
    rd r = {.d = d};
    unsigned incomplete = 0;
    static const char *const keys[] = {"program", "settings", "group_types", "groups",
                                       "rooms", "facilitators", "patients", NULL};
    check_keys(&r, root, keys);
    read_program(&r, root, &inst->program, &incomplete);
    read_settings(&r, root, &inst->settings);
    read_entities(&r, root, "group_types", true, sizeof(model_group_type), w_type,
                  (void **)&inst->types, &inst->n_types, MODEL_KIND_TYPES, &incomplete);
    read_entities(&r, root, "groups", true, sizeof(model_group), w_group, (void **)&inst->groups,
                  &inst->n_groups, MODEL_KIND_GROUPS, &incomplete);
    read_entities(&r, root, "rooms", false, sizeof(model_room), w_room, (void **)&inst->rooms,
                  &inst->n_rooms, MODEL_KIND_ROOMS, &incomplete);
    read_entities(&r, root, "facilitators", true, sizeof(model_facilitator), w_facilitator,
                  (void **)&inst->facilitators, &inst->n_facilitators, MODEL_KIND_FACILITATORS,
                  &incomplete);
    read_entities(&r, root, "patients", true, sizeof(model_patient), w_patient,
                  (void **)&inst->patients, &inst->n_patients, MODEL_KIND_PATIENTS, &incomplete);
    json_decref(root);
    free(r.path);
    if (r.nomem) {
        model_instance_destroy(inst);
        return IO_ENOMEM;
    }

    model_diag sem;
    model_diag_init(&sem);
    int vrc = model_instance_validate_partial(inst, &sem, incomplete);
    int rc = vrc == MODEL_ENOMEM ? IO_ENOMEM : merge_semantic(d, errors_before, &sem);
    model_diag_free(&sem);
    if (d->n_errors > errors_before)
        sort_issues(d->errors + errors_before, d->n_errors - errors_before);
    if (d->n_warnings > warnings_before)
        sort_issues(d->warnings + warnings_before, d->n_warnings - warnings_before);
    if (rc == IO_OK && d->n_errors > errors_before)
        rc = IO_EINVAL;
    if (rc != IO_OK) {
        model_instance_destroy(inst);
        return rc;
    }
    *out = inst;
    return IO_OK;
}

int io_instance_read_file(const char *path, model_instance **out, model_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    int rc = io_read_all(path, IO_MAX_INPUT_BYTES, &text, &len);
    if (rc != IO_OK) {
        const char *name = !path || strcmp(path, "-") == 0 ? "standard input" : path;
        int e = rc == IO_EINVAL
                    ? model_diag_error(d, "", "%s is larger than %zu MiB", name,
                                       IO_MAX_INPUT_BYTES >> 20)
                    : model_diag_error(d, "", "cannot read %s: %s", name, strerror(errno));
        if (e != MODEL_OK)
            return IO_ENOMEM;
        return rc == IO_ENOMEM ? IO_ENOMEM : rc;
    }
    rc = io_instance_parse(text, len, out, d);
    free(text);
    return rc;
}

/* =================================================================== */
/* Building JSON trees.                                                 */

typedef struct wr {
    int bad; /* allocation failed somewhere */
} wr;

static void put(wr *w, json_t *o, const char *key, json_t *v)
{
    if (!v || !o || json_object_set_new(o, key, v) != 0)
        w->bad = 1;
}

static void add(wr *w, json_t *a, json_t *v)
{
    if (!v || !a || json_array_append_new(a, v) != 0)
        w->bad = 1;
}

static json_t *j_str(const char *s)
{
    return s ? json_string_nocheck(s) : json_null();
}

static json_t *j_real(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

/* The clinic-operations settings that differ from their defaults (so an
 * instance without them keeps its normal form byte for byte). */
static void write_clinic_settings(wr *w, json_t *set, const model_settings *s)
{
    model_settings d;
    model_settings_defaults(&d);
    if (s->late_cancel_hours != d.late_cancel_hours)
        put(w, set, "late_cancel_hours", j_real(s->late_cancel_hours));
    if (s->offer_ttl_hours != d.offer_ttl_hours)
        put(w, set, "offer_ttl_hours", j_real(s->offer_ttl_hours));
    if (s->require_authorization != d.require_authorization)
        put(w, set, "require_authorization", json_boolean(s->require_authorization));
    if (s->min_authorized_sessions != d.min_authorized_sessions)
        put(w, set, "min_authorized_sessions", json_integer(s->min_authorized_sessions));
    const model_noshow_policy *p = &s->no_show_policy, *q = &d.no_show_policy;
    if (memcmp(p, q, sizeof *p) == 0)
        return;
    json_t *o = json_object();
    put(w, o, "review_consecutive_no_shows", json_integer(p->review_consecutive_no_shows));
    put(w, o, "drop_consecutive_no_shows", json_integer(p->drop_consecutive_no_shows));
    put(w, o, "drop_absences", json_integer(p->drop_absences));
    put(w, o, "absence_window_weeks", json_integer(p->absence_window_weeks));
    put(w, o, "review_late_cancels", json_integer(p->review_late_cancels));
    put(w, set, "no_show_policy", o);
}

static json_t *j_time(int minutes)
{
    if (minutes < 0)
        return json_null();
    char buf[6];
    model_time_format(minutes, buf);
    return json_string(buf);
}

static json_t *j_date(int days)
{
    char buf[11];
    model_date_format(days, buf);
    return json_string(buf);
}

/* A patient's authorizations as JSON. */
static json_t *j_authorizations(wr *w, const model_patient *p)
{
    json_t *a = json_array();
    for (int i = 0; i < p->n_authorizations; i++) {
        const model_authorization *au = &p->authorizations[i];
        json_t *o = json_object();
        put(w, o, "payer", json_string(au->payer));
        put(w, o, "cpt", json_string(au->cpt));
        put(w, o, "units", json_integer(au->units));
        if (au->used != 0)
            put(w, o, "used", json_integer(au->used));
        put(w, o, "from", j_date(au->from));
        put(w, o, "to", j_date(au->to));
        add(w, a, o);
    }
    return a;
}

static json_t *j_strlist(wr *w, const model_strlist *l)
{
    json_t *a = json_array();
    for (int i = 0; a && i < l->n; i++)
        add(w, a, j_str(l->items[i]));
    return a;
}

static json_t *j_windows(wr *w, const model_window *win, int n)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++) {
        json_t *o = json_object();
        put(w, o, "day", json_string(model_day_name(win[i].day)));
        put(w, o, "from", j_time(win[i].from));
        put(w, o, "to", j_time(win[i].to));
        add(w, a, o);
    }
    return a;
}

static json_t *instance_tree(const model_instance *in, wr *w)
{
    json_t *root = json_object();
    if (!root)
        return NULL;

    const model_program *p = &in->program;
    json_t *prog = json_object();
    put(w, prog, "name", json_string_nocheck(p->name ? p->name : ""));
    json_t *hz = json_object();
    put(w, hz, "start", j_date(p->horizon_start));
    put(w, hz, "weeks", json_integer(p->horizon_weeks));
    put(w, prog, "horizon", hz);
    json_t *days = json_array();
    for (int d = 0; d < 7; d++)
        if (p->days_mask & (1 << d))
            add(w, days, json_string(model_day_name(d)));
    put(w, prog, "days", days);
    json_t *slots = json_array();
    for (int i = 0; i < p->n_slot_starts; i++)
        add(w, slots, j_time(p->slot_starts[i]));
    put(w, prog, "slot_starts", slots);
    json_t *closed = json_array();
    for (int i = 0; i < p->n_closed_dates; i++)
        add(w, closed, j_date(p->closed_dates[i]));
    put(w, prog, "closed_dates", closed);
    put(w, root, "program", prog);

    const model_settings *s = &in->settings;
    json_t *set = json_object();
    put(w, set, "max_groups_per_day", json_integer(s->max_groups_per_day));
    put(w, set, "max_groups_per_week", json_integer(s->max_groups_per_week));
    put(w, set, "min_break_min", json_integer(s->min_break_min));
    put(w, set, "max_consecutive_cover", json_integer(s->max_consecutive_cover));
    put(w, set, "time_limit_s", j_real(s->time_limit_s));
    put(w, set, "mip_gap", j_real(s->mip_gap));
    json_t *wt = json_object();
    put(w, wt, "placement", j_real(s->weights.placement));
    put(w, wt, "wait_per_week", j_real(s->weights.wait_per_week));
    put(w, wt, "priority", j_real(s->weights.priority));
    put(w, wt, "empty_seat", j_real(s->weights.empty_seat));
    put(w, wt, "load_balance", j_real(s->weights.load_balance));
    put(w, wt, "change", j_real(s->weights.change));
    put(w, set, "weights", wt);
    put(w, set, "seed", json_integer(s->seed));
    put(w, set, "on_infeasible", json_string(model_on_infeasible_name(s->on_infeasible)));
    write_clinic_settings(w, set, s);
    put(w, root, "settings", set);

    json_t *types = json_array();
    for (int i = 0; i < in->n_types; i++) {
        const model_group_type *t = &in->types[i];
        json_t *o = json_object();
        put(w, o, "id", j_str(t->id));
        if (t->name)
            put(w, o, "name", j_str(t->name));
        if (t->cpt)
            put(w, o, "cpt", j_str(t->cpt));
        put(w, o, "rate", j_real(t->rate));
        put(w, o, "duration_min", json_integer(t->duration_min));
        put(w, o, "min_size", json_integer(t->min_size));
        put(w, o, "max_size", json_integer(t->max_size));
        put(w, o, "required_credentials", j_strlist(w, &t->required_credentials));
        put(w, o, "cofacilitation", json_boolean(t->cofacilitation));
        put(w, o, "cofacilitator_credentials", j_strlist(w, &t->cofacilitator_credentials));
        put(w, o, "diagnoses", j_strlist(w, &t->diagnoses));
        put(w, o, "modality", json_string(model_modality_name(t->modality)));
        put(w, o, "room_features", j_strlist(w, &t->room_features));
        put(w, o, "cadence", json_string(model_cadence_name(t->cadence)));
        if (t->age_min >= 0)
            put(w, o, "age_min", json_integer(t->age_min));
        if (t->age_max >= 0)
            put(w, o, "age_max", json_integer(t->age_max));
        if (t->gender)
            put(w, o, "gender", j_str(t->gender));
        json_t *c = json_object();
        if (t->composition.max_new_share >= 0)
            put(w, c, "max_new_share", j_real(t->composition.max_new_share));
        if (t->composition.max_high_acuity >= 0)
            put(w, c, "max_high_acuity", json_integer(t->composition.max_high_acuity));
        if (t->composition.max_age_spread >= 0)
            put(w, c, "max_age_spread", json_integer(t->composition.max_age_spread));
        put(w, o, "composition", c);
        add(w, types, o);
    }
    put(w, root, "group_types", types);

    json_t *groups = json_array();
    for (int i = 0; i < in->n_groups; i++) {
        const model_group *g = &in->groups[i];
        json_t *o = json_object();
        put(w, o, "id", j_str(g->id));
        put(w, o, "type", j_str(g->type));
        put(w, o, "optional", json_boolean(g->optional));
        const model_pinned *pn = &g->pinned;
        if (pn->has_day || pn->has_start || pn->room || pn->facilitators.n || pn->substitute) {
            json_t *po = json_object();
            if (pn->has_day)
                put(w, po, "day", json_string(model_day_name(pn->day)));
            if (pn->has_start)
                put(w, po, "start", j_time(pn->start));
            if (pn->room)
                put(w, po, "room", j_str(pn->room));
            if (pn->facilitators.n)
                put(w, po, "facilitators", j_strlist(w, &pn->facilitators));
            if (pn->substitute)
                put(w, po, "substitute", j_str(pn->substitute));
            put(w, o, "pinned", po);
        }
        json_t *mem = json_array();
        for (int m = 0; m < g->n_members; m++) {
            const model_member *mb = &g->members[m];
            json_t *mo = json_object();
            put(w, mo, "patient", j_str(mb->patient));
            put(w, mo, "status", json_string(model_status_name(mb->status)));
            if (mb->since >= 0)
                put(w, mo, "since", j_date(mb->since));
            add(w, mem, mo);
        }
        put(w, o, "members", mem);
        add(w, groups, o);
    }
    put(w, root, "groups", groups);

    json_t *rooms = json_array();
    for (int i = 0; i < in->n_rooms; i++) {
        const model_room *rm = &in->rooms[i];
        json_t *o = json_object();
        put(w, o, "id", j_str(rm->id));
        put(w, o, "capacity", json_integer(rm->capacity));
        put(w, o, "features", j_strlist(w, &rm->features));
        put(w, o, "available", j_windows(w, rm->available, rm->n_available));
        if (rm->site)
            put(w, o, "site", j_str(rm->site));
        add(w, rooms, o);
    }
    put(w, root, "rooms", rooms);

    json_t *facs = json_array();
    for (int i = 0; i < in->n_facilitators; i++) {
        const model_facilitator *f = &in->facilitators[i];
        json_t *o = json_object();
        put(w, o, "id", j_str(f->id));
        if (f->name)
            put(w, o, "name", j_str(f->name));
        put(w, o, "credentials", j_strlist(w, &f->credentials));
        put(w, o, "available", j_windows(w, f->available, f->n_available));
        if (f->max_per_day >= 0)
            put(w, o, "max_per_day", json_integer(f->max_per_day));
        if (f->max_per_week >= 0)
            put(w, o, "max_per_week", json_integer(f->max_per_week));
        json_t *to = json_array();
        for (int k = 0; k < f->n_time_off; k++) {
            json_t *r = json_object();
            put(w, r, "from", j_date(f->time_off[k].from));
            put(w, r, "to", j_date(f->time_off[k].to));
            add(w, to, r);
        }
        put(w, o, "time_off", to);
        add(w, facs, o);
    }
    put(w, root, "facilitators", facs);

    json_t *pats = json_array();
    for (int i = 0; i < in->n_patients; i++) {
        const model_patient *pa = &in->patients[i];
        json_t *o = json_object();
        put(w, o, "id", j_str(pa->id));
        put(w, o, "diagnoses", j_strlist(w, &pa->diagnoses));
        if (pa->has_group_types)
            put(w, o, "group_types", j_strlist(w, &pa->group_types));
        put(w, o, "available", j_windows(w, pa->available, pa->n_available));
        if (pa->added >= 0)
            put(w, o, "added", j_date(pa->added));
        put(w, o, "acuity", json_string(model_acuity_name(pa->acuity)));
        if (pa->age >= 0)
            put(w, o, "age", json_integer(pa->age));
        if (pa->gender)
            put(w, o, "gender", j_str(pa->gender));
        put(w, o, "modality", json_string(model_modality_name(pa->modality)));
        put(w, o, "screened", json_boolean(pa->screened));
        put(w, o, "insurance_verified", json_boolean(pa->insurance_verified));
        put(w, o, "priority", json_integer(pa->priority));
        if (pa->n_authorizations > 0)
            put(w, o, "authorizations", j_authorizations(w, pa));
        add(w, pats, o);
    }
    put(w, root, "patients", pats);
    return root;
}

/* =================================================================== */
/* Text output: 2-space indentation, arrays of scalars on one line,      */
/* reals in their shortest round-tripping form, strings as valid UTF-8. */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int bad;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->bad)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 4096;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        char *ns = realloc(b->s, ncap);
        if (!ns) {
            b->bad = 1;
            return;
        }
        b->s = ns;
        b->cap = ncap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static int utf8_len(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    int n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)n > avail)
        return 0;
    unsigned cp = c & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static void sb_json_string(sbuf *b, const char *s, size_t n)
{
    sb_put(b, "\"", 1);
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = u[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            sb_put(b, esc, 2);
            i++;
        } else if (c < 0x20) {
            const char *e = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r"
                          : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
            if (e) {
                sb_str(b, e);
            } else {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                sb_str(b, esc);
            }
            i++;
        } else if (c < 0x80) {
            sb_put(b, (const char *)u + i, 1);
            i++;
        } else {
            int l = utf8_len(u + i, n - i);
            if (l == 0) {
                sb_str(b, "\xEF\xBF\xBD"); /* U+FFFD for an invalid byte */
                i++;
            } else {
                sb_put(b, (const char *)u + i, (size_t)l);
                i += (size_t)l;
            }
        }
    }
    sb_put(b, "\"", 1);
}

static void sb_real(sbuf *b, double x)
{
    char buf[40];
    if (!isfinite(x)) {
        sb_str(b, "null");
        return;
    }
    fmt_real(x, buf, sizeof buf);
    sb_str(b, buf);
}

static bool is_scalar(const json_t *v)
{
    return !json_is_object(v) && !json_is_array(v);
}

static void sb_indent(sbuf *b, int level)
{
    sb_put(b, "\n", 1);
    for (int i = 0; i < level; i++)
        sb_put(b, "  ", 2);
}

static void dump(sbuf *b, const json_t *v, int level)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        if (json_object_size(v) == 0) {
            sb_str(b, "{}");
            return;
        }
        sb_put(b, "{", 1);
        const char *key;
        json_t *val;
        int first = 1;
        json_object_foreach((json_t *)v, key, val) {
            if (!first)
                sb_put(b, ",", 1);
            first = 0;
            sb_indent(b, level + 1);
            sb_json_string(b, key, strlen(key));
            sb_put(b, ": ", 2);
            dump(b, val, level + 1);
        }
        sb_indent(b, level);
        sb_put(b, "}", 1);
        return;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        if (n == 0) {
            sb_str(b, "[]");
            return;
        }
        bool flat = true;
        for (size_t i = 0; i < n && flat; i++)
            flat = is_scalar(json_array_get(v, i));
        sb_put(b, "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_put(b, flat ? ", " : ",", flat ? 2 : 1);
            if (!flat)
                sb_indent(b, level + 1);
            dump(b, json_array_get(v, i), level + 1);
        }
        if (!flat)
            sb_indent(b, level);
        sb_put(b, "]", 1);
        return;
    }
    case JSON_STRING:
        sb_json_string(b, json_string_value(v), json_string_length(v));
        return;
    case JSON_INTEGER: {
        char buf[32];
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        sb_str(b, buf);
        return;
    }
    case JSON_REAL: sb_real(b, json_real_value(v)); return;
    case JSON_TRUE: sb_str(b, "true"); return;
    case JSON_FALSE: sb_str(b, "false"); return;
    case JSON_NULL: sb_str(b, "null"); return;
    }
}

/* Serialise tree (consumed) into a malloc'd string. */
static int finish_tree(json_t *tree, wr *w, char **out)
{
    if (!tree || w->bad) {
        json_decref(tree);
        return IO_ENOMEM;
    }
    sbuf b = {0};
    dump(&b, tree, 0);
    json_decref(tree);
    if (b.bad || !b.s) {
        free(b.s);
        return IO_ENOMEM;
    }
    *out = b.s;
    return IO_OK;
}

int io_instance_to_json(const model_instance *inst, char **out)
{
    wr w = {0};
    json_t *tree = instance_tree(inst, &w);
    return finish_tree(tree, &w, out);
}

/* =================================================================== */
/* Diagnostics and solutions: writing.                                  */

static json_t *issues_tree(wr *w, const model_issue *is, int n)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++) {
        json_t *o = json_object();
        put(w, o, "path", j_str(is[i].path ? is[i].path : ""));
        put(w, o, "message", j_str(is[i].message ? is[i].message : ""));
        add(w, a, o);
    }
    return a;
}

int io_diag_to_json(const model_diag *d, const char *status, char **out)
{
    wr w = {0};
    json_t *o = json_object();
    put(&w, o, "status", j_str(status ? status : (d->n_errors ? "invalid" : "valid")));
    put(&w, o, "errors", issues_tree(&w, d->errors, d->n_errors));
    put(&w, o, "warnings", issues_tree(&w, d->warnings, d->n_warnings));
    return finish_tree(o, &w, out);
}

/* exceptions[]: {rule, group, facilitators?, patients?, why} per break. */
static json_t *exceptions_tree(wr *w, const model_solution *sol)
{
    json_t *a = json_array();
    for (int i = 0; i < sol->n_exceptions; i++) {
        const model_exception *e = &sol->exceptions[i];
        json_t *eo = json_object();
        put(w, eo, "rule", json_integer(e->rule));
        put(w, eo, "group", j_str(e->group));
        if (e->facilitators.n > 0)
            put(w, eo, "facilitators", j_strlist(w, &e->facilitators));
        if (e->patients.n > 0)
            put(w, eo, "patients", j_strlist(w, &e->patients));
        put(w, eo, "why", j_str(e->why));
        add(w, a, eo);
    }
    return a;
}

static json_t *metrics_tree(wr *w, const model_metrics *m)
{
    json_t *o = json_object();
    put(w, o, "placed", json_integer(m->placed));
    put(w, o, "waitlist_before", json_integer(m->waitlist_before));
    put(w, o, "waitlist_after", json_integer(m->waitlist_after));
    put(w, o, "seats", json_integer(m->seats));
    put(w, o, "seats_filled", json_integer(m->seats_filled));
    put(w, o, "groups_running", json_integer(m->groups_running));
    put(w, o, "member_sessions", json_integer(m->member_sessions));
    put(w, o, "projected_revenue", j_real(m->projected_revenue));
    json_t *load = json_object();
    for (int i = 0; i < m->n_load; i++)
        put(w, load, m->load_ids[i] ? m->load_ids[i] : "", j_real(m->load[i]));
    put(w, o, "facilitator_load", load);
    put(w, o, "mean_wait_days_placed", j_real(m->mean_wait_days_placed));
    put(w, o, "uncovered_sessions", json_integer(m->uncovered_sessions));
    json_t *pt = json_object();
    for (int i = 0; i < m->n_per_type; i++) {
        const model_type_metrics *t = &m->per_type[i];
        json_t *to = json_object();
        put(w, to, "groups_running", json_integer(t->groups_running));
        put(w, to, "seats", json_integer(t->seats));
        put(w, to, "seats_filled", json_integer(t->seats_filled));
        put(w, to, "placed", json_integer(t->placed));
        put(w, to, "member_sessions", json_integer(t->member_sessions));
        put(w, to, "projected_revenue", j_real(t->projected_revenue));
        put(w, pt, t->type ? t->type : "", to);
    }
    put(w, o, "per_type", pt);
    return o;
}

int io_solution_to_json(const model_solution *sol, char **out)
{
    wr w = {0};
    json_t *o = json_object();
    put(&w, o, "status", json_string(model_solution_status_name(sol->status)));
    put(&w, o, "objective", j_real(sol->objective));
    put(&w, o, "bound", j_real(sol->bound));
    put(&w, o, "gap", j_real(sol->gap));
    put(&w, o, "solve_seconds", j_real(sol->solve_seconds));
    json_t *t = json_object();
    put(&w, t, "placement", j_real(sol->terms.placement));
    put(&w, t, "wait", j_real(sol->terms.wait));
    put(&w, t, "priority", j_real(sol->terms.priority));
    put(&w, t, "empty_seats", j_real(sol->terms.empty_seats));
    put(&w, t, "load_balance", j_real(sol->terms.load_balance));
    put(&w, t, "changes", j_real(sol->terms.changes));
    put(&w, o, "objective_terms", t);

    json_t *groups = json_array();
    for (int i = 0; i < sol->n_groups; i++) {
        const model_sol_group *g = &sol->groups[i];
        json_t *go = json_object();
        put(&w, go, "id", j_str(g->id));
        put(&w, go, "type", j_str(g->type));
        put(&w, go, "running", json_boolean(g->running));
        put(&w, go, "day", g->running && g->day >= 0 && g->day < 7
                               ? json_string(model_day_name(g->day)) : json_null());
        put(&w, go, "start", g->running ? j_time(g->start) : json_null());
        put(&w, go, "end", g->running ? j_time(g->end) : json_null());
        put(&w, go, "room", g->running ? j_str(g->room) : json_null());
        put(&w, go, "facilitators", j_strlist(&w, &g->facilitators));
        put(&w, go, "substitute", j_str(g->substitute));
        put(&w, go, "members", j_strlist(&w, &g->members));
        put(&w, go, "new_members", j_strlist(&w, &g->new_members));
        if (!g->week_parity_absent) /* kept absent on a round trip */
            put(&w, go, "week_parity", json_integer(g->week_parity));
        add(&w, groups, go);
    }
    put(&w, o, "groups", groups);

    json_t *sessions = json_array();
    for (int i = 0; i < sol->n_sessions; i++) {
        const model_sol_session *s = &sol->sessions[i];
        json_t *so = json_object();
        put(&w, so, "group", j_str(s->group));
        put(&w, so, "date", j_date(s->date));
        put(&w, so, "start", j_time(s->start));
        put(&w, so, "end", j_time(s->end));
        put(&w, so, "room", j_str(s->room));
        put(&w, so, "facilitators", j_strlist(&w, &s->facilitators));
        put(&w, so, "covered_by", j_str(s->covered_by));
        put(&w, so, "uncovered", json_boolean(s->uncovered));
        add(&w, sessions, so);
    }
    put(&w, o, "sessions", sessions);

    json_t *unplaced = json_array();
    for (int i = 0; i < sol->n_unplaced; i++) {
        json_t *uo = json_object();
        put(&w, uo, "patient", j_str(sol->unplaced[i].patient));
        put(&w, uo, "reasons", j_strlist(&w, &sol->unplaced[i].reasons));
        add(&w, unplaced, uo);
    }
    put(&w, o, "unplaced", unplaced);
    put(&w, o, "metrics", metrics_tree(&w, &sol->metrics));
    if (sol->has_baseline) {
        json_t *ch = json_array();
        for (int i = 0; i < sol->n_changes; i++) {
            const model_sol_change *c = &sol->changes[i];
            json_t *co = json_object();
            put(&w, co, "group", j_str(c->group));
            put(&w, co, "field", j_str(c->field));
            put(&w, co, "before", j_str(c->before));
            put(&w, co, "after", j_str(c->after));
            add(&w, ch, co);
        }
        put(&w, o, "changes", ch);
    }
    if (sol->diagnosis.n > 0 || sol->status == MODEL_STATUS_INFEASIBLE)
        put(&w, o, "diagnosis", j_strlist(&w, &sol->diagnosis));
    if (sol->n_exceptions > 0)
        put(&w, o, "exceptions", exceptions_tree(&w, sol));
    if (sol->errors.n_errors > 0 || sol->status == MODEL_STATUS_INVALID)
        put(&w, o, "errors", issues_tree(&w, sol->errors.errors, sol->errors.n_errors));
    if (sol->errors.n_warnings > 0)
        put(&w, o, "warnings", issues_tree(&w, sol->errors.warnings, sol->errors.n_warnings));
    return finish_tree(o, &w, out);
}

/* =================================================================== */
/* Solutions: reading (lenient: only types are checked; any tool's file). */

/* Optional string-or-null field. */
static void s_optstr(rd *r, json_t *o, const char *key, char **out)
{
    f_str(r, o, key, false, out);
}

/* Optional real, null/absent = NaN. */
static void s_real(rd *r, json_t *o, const char *key, double *out, double dflt)
{
    *out = dflt;
    f_double(r, o, key, false, out);
}

static void s_long(rd *r, json_t *o, const char *key, long *out)
{
    f_long(r, o, key, false, out);
}

static void read_issues(rd *r, json_t *o, const char *key, model_diag *into, int warnings)
{
    json_t *a = f_array(r, o, key, false, NULL);
    if (!a)
        return;
    size_t sk = path_key(r, key);
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e) {
        size_t si = path_idx(r, i);
        if (elem_object(r, e)) {
            char *p = NULL, *m = NULL;
            f_str(r, e, "path", false, &p);
            f_str(r, e, "message", false, &m);
            int rc = warnings ? model_diag_warning(into, p ? p : "", "%s", m ? m : "")
                              : model_diag_error(into, p ? p : "", "%s", m ? m : "");
            if (rc != MODEL_OK)
                r->nomem = 1;
            free(p);
            free(m);
        }
        path_pop(r, si);
    }
    path_pop(r, sk);
}

static void read_sol_group(rd *r, json_t *e, model_sol_group *g)
{
    g->running = true;
    g->day = g->start = g->end = -1;
    f_str(r, e, "id", true, &g->id);
    s_optstr(r, e, "type", &g->type);
    f_bool(r, e, "running", false, &g->running);
    f_day(r, e, "day", false, &g->day);
    f_time(r, e, "start", false, &g->start);
    f_time_end(r, e, "end", false, &g->end);
    s_optstr(r, e, "room", &g->room);
    f_strlist_sol(r, e, "facilitators", false, &g->facilitators);
    s_optstr(r, e, "substitute", &g->substitute);
    f_strlist_sol(r, e, "members", false, &g->members);
    f_strlist_sol(r, e, "new_members", false, &g->new_members);
    f_int(r, e, "week_parity", false, &g->week_parity);
    g->week_parity_absent = !json_object_get(e, "week_parity");
}

static void read_sol_session(rd *r, json_t *e, model_sol_session *s)
{
    s->date = s->start = s->end = -1;
    f_str(r, e, "group", true, &s->group);
    f_date(r, e, "date", true, &s->date);
    f_time(r, e, "start", false, &s->start);
    f_time_end(r, e, "end", false, &s->end);
    s_optstr(r, e, "room", &s->room);
    f_strlist_sol(r, e, "facilitators", false, &s->facilitators);
    s_optstr(r, e, "covered_by", &s->covered_by);
    f_bool(r, e, "uncovered", false, &s->uncovered);
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
    f_str(r, e, "patient", true, &u->patient);
    f_strlist_sol(r, e, "reasons", false, &u->reasons);
}

static void w_sol_change(rd *r, json_t *e, void *x, bool *b)
{
    model_sol_change *c = x;
    (void)b;
    f_str(r, e, "group", true, &c->group);
    f_str(r, e, "field", true, &c->field);
    s_optstr(r, e, "before", &c->before);
    s_optstr(r, e, "after", &c->after);
}

static void w_sol_exception(rd *r, json_t *e, void *x, bool *b)
{
    model_exception *c = x;
    (void)b;
    f_int(r, e, "rule", true, &c->rule);
    f_str(r, e, "group", true, &c->group);
    f_strlist_sol(r, e, "facilitators", false, &c->facilitators);
    f_strlist_sol(r, e, "patients", false, &c->patients);
    s_optstr(r, e, "why", &c->why);
}

static void read_metrics(rd *r, json_t *root, model_metrics *m)
{
    json_t *o = f_object(r, root, "metrics", false);
    if (!o)
        return;
    size_t sm = path_key(r, "metrics");
    f_int(r, o, "placed", false, &m->placed);
    f_int(r, o, "waitlist_before", false, &m->waitlist_before);
    f_int(r, o, "waitlist_after", false, &m->waitlist_after);
    f_int(r, o, "seats", false, &m->seats);
    f_int(r, o, "seats_filled", false, &m->seats_filled);
    f_int(r, o, "groups_running", false, &m->groups_running);
    s_long(r, o, "member_sessions", &m->member_sessions);
    f_double(r, o, "projected_revenue", false, &m->projected_revenue);
    f_double(r, o, "mean_wait_days_placed", false, &m->mean_wait_days_placed);
    f_int(r, o, "uncovered_sessions", false, &m->uncovered_sessions);
    json_t *load = f_object(r, o, "facilitator_load", false);
    if (load) {
        size_t n = json_object_size(load);
        m->load_ids = calloc_n(r, n, sizeof *m->load_ids);
        m->load = calloc_n(r, n, sizeof *m->load);
        size_t sl = path_key(r, "facilitator_load");
        const char *key;
        json_t *v;
        json_object_foreach(load, key, v) {
            if (!m->load_ids || !m->load)
                break;
            size_t sk = path_key(r, key);
            double x;
            if (conv_double(r, v, &x)) {
                m->load_ids[m->n_load] = model_strdup(key);
                if (!m->load_ids[m->n_load])
                    r->nomem = 1;
                m->load[m->n_load++] = x;
            }
            path_pop(r, sk);
        }
        path_pop(r, sl);
    }
    json_t *pt = f_object(r, o, "per_type", false);
    if (pt) {
        size_t n = json_object_size(pt);
        m->per_type = calloc_n(r, n, sizeof *m->per_type);
        size_t sp = path_key(r, "per_type");
        const char *key;
        json_t *v;
        json_object_foreach(pt, key, v) {
            if (!m->per_type)
                break;
            size_t sk = path_key(r, key);
            if (elem_object(r, v)) {
                model_type_metrics *t = &m->per_type[m->n_per_type++];
                t->type = model_strdup(key);
                if (!t->type)
                    r->nomem = 1;
                f_int(r, v, "groups_running", false, &t->groups_running);
                f_int(r, v, "seats", false, &t->seats);
                f_int(r, v, "seats_filled", false, &t->seats_filled);
                f_int(r, v, "placed", false, &t->placed);
                s_long(r, v, "member_sessions", &t->member_sessions);
                f_double(r, v, "projected_revenue", false, &t->projected_revenue);
            }
            path_pop(r, sk);
        }
        path_pop(r, sp);
    }
    path_pop(r, sm);
}

int io_solution_parse(const char *text, size_t len, model_solution **out, model_diag *d)
{
    int nomem = 0;
    int errors_before = d->n_errors;
    json_t *root = load_json(text, len, d, &nomem);
    if (!root)
        return nomem ? IO_ENOMEM : IO_EINVAL;
    if (!json_is_object(root)) {
        char got[96];
        describe(root, got, sizeof got);
        json_decref(root);
        return model_diag_error(d, "", "expected a solution object at the top level, got %s",
                                got) == MODEL_OK
                   ? IO_EINVAL
                   : IO_ENOMEM;
    }
    model_solution *sol = model_solution_create();
    if (!sol) {
        json_decref(root);
        return IO_ENOMEM;
    }
    rd r = {.d = d};
    int st = MODEL_STATUS_FEASIBLE;
    f_enum(&r, root, "status", false, model_solution_status_parse,
           "one of optimal, feasible, infeasible, time_limit, invalid", &st);
    sol->status = (model_solution_status)st;
    s_real(&r, root, "objective", &sol->objective, NAN);
    s_real(&r, root, "bound", &sol->bound, NAN);
    s_real(&r, root, "gap", &sol->gap, NAN);
    s_real(&r, root, "solve_seconds", &sol->solve_seconds, NAN);
    json_t *t = f_object(&r, root, "objective_terms", false);
    if (t) {
        size_t s = path_key(&r, "objective_terms");
        f_double(&r, t, "placement", false, &sol->terms.placement);
        f_double(&r, t, "wait", false, &sol->terms.wait);
        f_double(&r, t, "priority", false, &sol->terms.priority);
        f_double(&r, t, "empty_seats", false, &sol->terms.empty_seats);
        f_double(&r, t, "load_balance", false, &sol->terms.load_balance);
        f_double(&r, t, "changes", false, &sol->terms.changes);
        path_pop(&r, s);
    }

    /* Element errors are reported with their paths; a solution has no
     * cross-referenced ids to keep complete, so the kind bits go unused. */
    unsigned unused = 0;
    read_entities(&r, root, "groups", false, sizeof *sol->groups, w_sol_group,
                  (void **)&sol->groups, &sol->n_groups, 1, &unused);
    read_entities(&r, root, "sessions", false, sizeof *sol->sessions, w_sol_session,
                  (void **)&sol->sessions, &sol->n_sessions, 1, &unused);
    read_entities(&r, root, "unplaced", false, sizeof *sol->unplaced, w_sol_unplaced,
                  (void **)&sol->unplaced, &sol->n_unplaced, 1, &unused);
    read_metrics(&r, root, &sol->metrics);
    sol->has_baseline = json_is_array(json_object_get(root, "changes"));
    read_entities(&r, root, "changes", false, sizeof *sol->changes, w_sol_change,
                  (void **)&sol->changes, &sol->n_changes, 1, &unused);
    f_strlist_sol(&r, root, "diagnosis", false, &sol->diagnosis);
    read_entities(&r, root, "exceptions", false, sizeof *sol->exceptions, w_sol_exception,
                  (void **)&sol->exceptions, &sol->n_exceptions, 1, &unused);
    read_issues(&r, root, "errors", &sol->errors, 0);
    read_issues(&r, root, "warnings", &sol->errors, 1);
    json_decref(root);
    free(r.path);
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

int io_solution_read_file(const char *path, model_solution **out, model_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    int rc = io_read_all(path, IO_MAX_INPUT_BYTES, &text, &len);
    if (rc != IO_OK) {
        const char *name = !path || strcmp(path, "-") == 0 ? "standard input" : path;
        int e = rc == IO_EINVAL
                    ? model_diag_error(d, "", "%s is larger than %zu MiB", name,
                                       IO_MAX_INPUT_BYTES >> 20)
                    : model_diag_error(d, "", "cannot read %s: %s", name, strerror(errno));
        return e != MODEL_OK ? IO_ENOMEM : rc;
    }
    rc = io_solution_parse(text, len, out, d);
    free(text);
    return rc;
}

/* =================================================================== */
/* Files.                                                               */

int io_read_all(const char *path, size_t max_bytes, char **out, size_t *len)
{
    bool is_stdin = !path || strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return IO_EIO;
    size_t cap = 65536, n = 0;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
        if ((uintmax_t)st.st_size > max_bytes) {
            if (!is_stdin)
                fclose(f);
            return IO_EINVAL;
        }
        cap = (size_t)st.st_size + 1;
    } else if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        if (!is_stdin)
            fclose(f);
        errno = EISDIR;
        return IO_EIO;
    }
    char *buf = malloc(cap);
    if (!buf) {
        if (!is_stdin)
            fclose(f);
        return IO_ENOMEM;
    }
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max_bytes + 1) {
                free(buf);
                if (!is_stdin)
                    fclose(f);
                return IO_EINVAL;
            }
            size_t ncap = cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                if (!is_stdin)
                    fclose(f);
                return IO_ENOMEM;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                int e = errno;
                free(buf);
                if (!is_stdin)
                    fclose(f);
                errno = e;
                return IO_EIO;
            }
            break;
        }
    }
    if (!is_stdin)
        fclose(f);
    if (n > max_bytes) {
        free(buf);
        return IO_EINVAL;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return IO_OK;
}

static int write_full(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int io_write_atomic(const char *path, const char *data, size_t len)
{
    if (!path || strcmp(path, "-") == 0) {
        if (len && fwrite(data, 1, len, stdout) != len)
            return IO_EIO;
        return fflush(stdout) == 0 ? IO_OK : IO_EIO;
    }
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16);
    if (!tmp)
        return IO_ENOMEM;
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return IO_EIO;
    }
    struct stat st;
    mode_t mode = 0644;
    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    int ok = fchmod(fd, mode) == 0 && write_full(fd, data, len) == 0 && fsync(fd) == 0;
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        free(tmp);
        errno = e;
        return IO_EIO;
    }
    /* Make the rename durable: fsync the directory (best effort). */
    char *slash = strrchr(tmp, '/');
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = slash == tmp ? "/" : tmp;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(tmp);
    return IO_OK;
}
