/*
 * reader.c - what the instance and solution readers share: the current
 * JSON path, issues reported at that path, typed value converters and field
 * accessors that report what they reject, and the array-of-entities walk.
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
static void path_append(rd *r, const char *s, size_t n)
{
    if (io_buf_append(&r->path, s, n) != IO_OK)
        r->nomem = 1;
}

/* Push ".key" (or "key" at the root); returns the length to pop back to. */
size_t rd_path_key(rd *r, const char *key)
{
    size_t saved = r->path.len;
    if (saved > 0)
        path_append(r, ".", 1);
    path_append(r, key, strlen(key));
    return saved;
}

size_t rd_path_idx(rd *r, size_t i)
{
    size_t saved = r->path.len;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "[%zu]", i);
    path_append(r, buf, (size_t)n);
    return saved;
}

void rd_path_pop(rd *r, size_t saved)
{
    if (r->path.data && saved <= r->path.len) {
        r->path.len = saved;
        r->path.data[saved] = '\0';
    }
}

static const char *path_cur(const rd *r)
{
    return r->path.data && !r->nomem ? r->path.data : "";
}

static void rd_vissue(rd *r, int warning, const char *fmt, va_list ap)
{
    int rc = warning ? model_diag_vwarning(r->d, path_cur(r), fmt, ap)
                     : model_diag_verror(r->d, path_cur(r), fmt, ap);
    if (rc == MODEL_ENOMEM)
        r->nomem = 1;
}

void rd_err(rd *r, const char *fmt, ...)
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

/* Short description of a JSON value for messages: `string "9am"`,
 * `number 3`, `an array`.  Returns a static-size buffer owned by caller. */
void rd_describe(const json_t *v, char *buf, size_t n)
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
    case JSON_INTEGER:
        snprintf(buf, n, "number %" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL: {
        char num[40];
        wr_fmt_real(json_real_value(v), num, sizeof num);
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
    rd_describe(v, got, sizeof got);
    rd_err(r, "expected %s, got %s", expected, got);
}

/* Warn about keys of obj not in allowed (NULL-terminated). */
void rd_check_keys(rd *r, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach (obj, key, v) {
        int ok = 0;
        for (int i = 0; allowed[i]; i++)
            if (strcmp(key, allowed[i]) == 0) {
                ok = 1;
                break;
            }
        if (!ok) {
            size_t s = rd_path_key(r, key);
            rd_warn(r, "unknown field \"%s\" ignored", key);
            rd_path_pop(r, s);
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

bool rd_conv_double(rd *r, json_t *v, double *out)
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

bool rd_conv_time(rd *r, json_t *v, int allow_24, int *out)
{
    if (!json_is_string(v)) {
        type_err(r, "a time \"HH:MM\"", v);
        return false;
    }
    if (model_time_parse(json_string_value(v), allow_24, out) != MODEL_OK) {
        char got[96];
        rd_describe(v, got, sizeof got);
        rd_err(r, "expected a time \"HH:MM\" (00:00..%s), got %s", allow_24 ? "24:00" : "23:59",
               got);
        return false;
    }
    return true;
}

bool rd_conv_date(rd *r, json_t *v, int *out)
{
    if (!json_is_string(v)) {
        type_err(r, "an ISO date \"YYYY-MM-DD\"", v);
        return false;
    }
    if (model_date_parse(json_string_value(v), out) != MODEL_OK) {
        char got[96];
        rd_describe(v, got, sizeof got);
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
        rd_describe(v, got, sizeof got);
        rd_err(r, "unknown value %s; expected %s", got + 7 /* skip "string " */, choices);
        return false;
    }
    *out = x;
    return true;
}

bool rd_conv_day(rd *r, json_t *v, int *out)
{
    return conv_enum(r, v, model_day_parse, "one of mon, tue, wed, thu, fri, sat, sun", out);
}

/* Reports an over-long array at the current path. */
bool rd_too_many(rd *r, json_t *a, size_t max)
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
    if (rd_too_many(r, v, max))
        return false;
    model_strlist l = {0};
    bool ok = true;
    size_t i;
    json_t *e;
    json_array_foreach (v, i, e) {
        if (!json_is_string(e)) {
            size_t s = rd_path_idx(r, i);
            type_err(r, "a string", e);
            rd_path_pop(r, s);
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
json_t *rd_get(rd *r, json_t *obj, const char *key, bool req)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (req) {
            size_t s = rd_path_key(r, key);
            rd_err(r, v ? "required field is null" : "required field is missing");
            rd_path_pop(r, s);
        }
        return NULL;
    }
    return v;
}

#define FIELD_FN(name, decl, call)                                                                 \
    bool name(rd *r, json_t *o, const char *key, bool req, decl)                                   \
    {                                                                                              \
        json_t *v = rd_get(r, o, key, req);                                                        \
        if (!v)                                                                                    \
            return false;                                                                          \
        size_t s_ = rd_path_key(r, key);                                                           \
        bool ok_ = call;                                                                           \
        rd_path_pop(r, s_);                                                                        \
        return ok_;                                                                                \
    }

FIELD_FN(rd_str, char **out, conv_str(r, v, out))
FIELD_FN(rd_int, int *out, conv_int(r, v, INT_MIN, INT_MAX, out))
FIELD_FN(rd_nonneg, int *out, conv_int(r, v, 0, INT_MAX, out))
FIELD_FN(rd_long, long *out, conv_long(r, v, out))
FIELD_FN(rd_double, double *out, rd_conv_double(r, v, out))
FIELD_FN(rd_bool, bool *out, conv_bool(r, v, out))
FIELD_FN(rd_time, int *out, rd_conv_time(r, v, 0, out))
FIELD_FN(rd_time_end, int *out, rd_conv_time(r, v, 1, out))
FIELD_FN(rd_date, int *out, rd_conv_date(r, v, out))
FIELD_FN(rd_day, int *out, rd_conv_day(r, v, out))
bool rd_conv_strlist(rd *r, json_t *v, model_strlist *out)
{
    return conv_strlist_max(r, v, out, LIMIT_LIST);
}

FIELD_FN(rd_strlist, model_strlist *out, rd_conv_strlist(r, v, out))
FIELD_FN(rd_strlist_sol, model_strlist *out, conv_strlist_max(r, v, out, LIMIT_SOL_LIST))

bool rd_enum(rd *r, json_t *o, const char *key, bool req, int (*parse)(const char *),
             const char *choices, int *out)
{
    json_t *v = rd_get(r, o, key, req);
    if (!v)
        return false;
    size_t s = rd_path_key(r, key);
    bool ok = conv_enum(r, v, parse, choices, out);
    rd_path_pop(r, s);
    return ok;
}

/* Object member that must be an object; NULL when absent/wrong (reported). */
json_t *rd_object(rd *r, json_t *o, const char *key, bool req)
{
    json_t *v = rd_get(r, o, key, req);
    if (!v)
        return NULL;
    if (!json_is_object(v)) {
        size_t s = rd_path_key(r, key);
        type_err(r, "an object", v);
        rd_path_pop(r, s);
        return NULL;
    }
    return v;
}

/* Object member that must be an array; NULL when absent/wrong (reported).
 * *bad is set when present but not an array. */
json_t *rd_array(rd *r, json_t *o, const char *key, bool req, bool *bad)
{
    json_t *v = json_object_get(o, key);
    if (v && !json_is_null(v) && !json_is_array(v)) {
        size_t s = rd_path_key(r, key);
        type_err(r, "an array", v);
        rd_path_pop(r, s);
        if (bad)
            *bad = true;
        return NULL;
    }
    v = rd_get(r, o, key, req);
    if (!v && req && bad)
        *bad = true;
    return v;
}

/* Allocate n zeroed elements of size sz (NULL for n == 0). */
void *rd_calloc(rd *r, size_t n, size_t sz)
{
    if (n == 0)
        return NULL;
    void *p = calloc(n, sz);
    if (!p)
        r->nomem = 1;
    return p;
}

/* Checks that element e (at the current path) is an object. */
bool rd_elem_object(rd *r, json_t *e)
{
    if (!json_is_object(e)) {
        type_err(r, "an object", e);
        return false;
    }
    return true;
}

/* Reads the array at key into a freshly allocated array of elements of size
 * sz, calling fn for each object element.  Sets the kind bit in incomplete
 * when the ids of this kind could not all be read. */
void rd_entities(rd *r, json_t *root, const char *key, bool req, size_t sz, rd_elem_fn fn,
                 void **out, int *n, unsigned kind, unsigned *incomplete)
{
    bool bad = false;
    json_t *a = rd_array(r, root, key, req, &bad);
    if (bad)
        *incomplete |= kind;
    if (!a)
        return;
    size_t cnt = json_array_size(a);
    if (cnt > INT_MAX / 2) {
        size_t s = rd_path_key(r, key);
        rd_err(r, "too many elements (%zu)", cnt);
        rd_path_pop(r, s);
        *incomplete |= kind;
        return;
    }
    char *arr = rd_calloc(r, cnt, sz);
    if (cnt && !arr)
        return;
    *out = arr;
    *n = (int)cnt;
    size_t sk = rd_path_key(r, key);
    for (size_t i = 0; i < cnt; i++) {
        json_t *e = json_array_get(a, i);
        size_t si = rd_path_idx(r, i);
        bool id_bad = false;
        if (rd_elem_object(r, e))
            fn(r, e, arr + i * sz, &id_bad);
        else
            id_bad = true;
        if (id_bad)
            *incomplete |= kind;
        rd_path_pop(r, si);
        if (r->nomem)
            break;
    }
    rd_path_pop(r, sk);
}

int io_json_load(const char *text, size_t len, json_t **out, model_diag *d)
{
    json_error_t err;
    json_t *root = json_loadb(text ? text : "", text ? len : 0, JSON_REJECT_DUPLICATES, &err);
    if (root) {
        *out = root;
        return IO_OK;
    }
    return model_diag_error(d, "", "JSON syntax error at line %d, column %d: %s", err.line,
                            err.column, err.text) == MODEL_OK
               ? IO_EINVAL
               : IO_ENOMEM;
}

int rd_expect_object(const json_t *root, const char *what, model_diag *d)
{
    if (json_is_object(root))
        return IO_OK;
    char got[96];
    rd_describe(root, got, sizeof got);
    return model_diag_error(d, "", "expected %s object at the top level, got %s", what, got) ==
                   MODEL_OK
               ? IO_EINVAL
               : IO_ENOMEM;
}
