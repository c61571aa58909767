/*
 * writer.c - what the instance, solution and diagnostics writers share:
 * tree-building helpers that record a failed allocation, and the text form
 * (2-space indentation, arrays of scalars on one line, reals in their
 * shortest round-tripping form, strings as valid UTF-8).
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
void wr_put(wr *w, json_t *o, const char *key, json_t *v)
{
    if (!v || !o || json_object_set_new(o, key, v) != 0)
        w->bad = 1;
}

void wr_add(wr *w, json_t *a, json_t *v)
{
    if (!v || !a || json_array_append_new(a, v) != 0)
        w->bad = 1;
}

json_t *wr_str(const char *s)
{
    return s ? json_string_nocheck(s) : json_null();
}

json_t *wr_real(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

json_t *wr_time(int minutes)
{
    if (minutes < 0)
        return json_null();
    char buf[6];
    model_time_format(minutes, buf);
    return json_string(buf);
}

json_t *wr_date(int days)
{
    char buf[11];
    model_date_format(days, buf);
    return json_string(buf);
}

json_t *wr_strlist(wr *w, const model_strlist *l)
{
    json_t *a = json_array();
    for (int i = 0; a && i < l->n; i++)
        wr_add(w, a, wr_str(l->items[i]));
    return a;
}

/* Shortest text that reads back as exactly x; integral values as "3.0". */
void wr_fmt_real(double x, char *buf, size_t n)
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

static void sb_json_string(io_buf *b, const char *s, size_t n)
{
    io_buf_append(b, "\"", 1);
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = u[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            io_buf_append(b, esc, 2);
            i++;
        } else if (c < 0x20) {
            const char *e = c == '\n'   ? "\\n"
                            : c == '\t' ? "\\t"
                            : c == '\r' ? "\\r"
                            : c == '\b' ? "\\b"
                            : c == '\f' ? "\\f"
                                        : NULL;
            if (e) {
                io_buf_puts(b, e);
            } else {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                io_buf_puts(b, esc);
            }
            i++;
        } else if (c < 0x80) {
            io_buf_append(b, (const char *)u + i, 1);
            i++;
        } else {
            int l = utf8_len(u + i, n - i);
            if (l == 0) {
                io_buf_puts(b, "\xEF\xBF\xBD"); /* U+FFFD for an invalid byte */
                i++;
            } else {
                io_buf_append(b, (const char *)u + i, (size_t)l);
                i += (size_t)l;
            }
        }
    }
    io_buf_append(b, "\"", 1);
}

static void sb_real(io_buf *b, double x)
{
    char buf[40];
    if (!isfinite(x)) {
        io_buf_puts(b, "null");
        return;
    }
    wr_fmt_real(x, buf, sizeof buf);
    io_buf_puts(b, buf);
}

static bool is_scalar(const json_t *v)
{
    return !json_is_object(v) && !json_is_array(v);
}

static void sb_indent(io_buf *b, int level)
{
    io_buf_append(b, "\n", 1);
    for (int i = 0; i < level; i++)
        io_buf_append(b, "  ", 2);
}

static void dump(io_buf *b, const json_t *v, int level)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        if (json_object_size(v) == 0) {
            io_buf_puts(b, "{}");
            return;
        }
        io_buf_append(b, "{", 1);
        const char *key;
        json_t *val;
        int first = 1;
        json_object_foreach ((json_t *)v, key, val) {
            if (!first)
                io_buf_append(b, ",", 1);
            first = 0;
            sb_indent(b, level + 1);
            sb_json_string(b, key, strlen(key));
            io_buf_append(b, ": ", 2);
            dump(b, val, level + 1);
        }
        sb_indent(b, level);
        io_buf_append(b, "}", 1);
        return;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        if (n == 0) {
            io_buf_puts(b, "[]");
            return;
        }
        bool flat = true;
        for (size_t i = 0; i < n && flat; i++)
            flat = is_scalar(json_array_get(v, i));
        io_buf_append(b, "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (i)
                io_buf_append(b, flat ? ", " : ",", flat ? 2 : 1);
            if (!flat)
                sb_indent(b, level + 1);
            dump(b, json_array_get(v, i), level + 1);
        }
        if (!flat)
            sb_indent(b, level);
        io_buf_append(b, "]", 1);
        return;
    }
    case JSON_STRING: sb_json_string(b, json_string_value(v), json_string_length(v)); return;
    case JSON_INTEGER: {
        char buf[32];
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        io_buf_puts(b, buf);
        return;
    }
    case JSON_REAL: sb_real(b, json_real_value(v)); return;
    case JSON_TRUE: io_buf_puts(b, "true"); return;
    case JSON_FALSE: io_buf_puts(b, "false"); return;
    case JSON_NULL: io_buf_puts(b, "null"); return;
    }
}

/* Serialise tree (consumed) into a malloc'd string. */
int wr_finish(json_t *tree, wr *w, char **out)
{
    if (!tree || w->bad) {
        json_decref(tree);
        return IO_ENOMEM;
    }
    io_buf b = {0};
    dump(&b, tree, 0);
    json_decref(tree);
    char *s = io_buf_take(&b, NULL);
    if (!s)
        return IO_ENOMEM;
    *out = s;
    return IO_OK;
}

json_t *wr_done(json_t *tree, wr *w)
{
    if (w->bad) {
        json_decref(tree);
        return NULL;
    }
    return tree;
}
