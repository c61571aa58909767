/* robust.c - test_io: the instance reader on hostile input (truncated,
 * malformed, non-UTF-8, deeply nested, huge numbers and lists, every value
 * of the wrong type, 50 MB): an error with a path, never a crash. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "model.h"
#include "fixture.h"

/* ---------------------------------------------------------- robustness */

Test(robust, truncated_everywhere)
{
    size_t len;
    char *text = slurp(FIX "tiny.json", &len);
    for (size_t cut = 0; cut < len - 2; cut += 7) {
        model_diag d = parse_bad(text, cut);
        cr_assert_eq(d.n_errors, 1, "cut at %zu", cut);
        cr_assert_str_eq(d.errors[0].path, "");
        model_diag_free(&d);
    }
    free(text);
}

Test(robust, malformed)
{
    const char *bad[] = {"", " ", "{", "}", "nul", "{\"program\":}", "[1,", "{'a':1}",
                         "{\"a\":1}garbage", "NaN", "{\"a\":Infinity}", "{\"a\":-}", "\"str\"",
                         "42", "null", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}",
                         "{\"a\":99999999999999999999}", "{\"a\":1e999}", "{\"a\":01}",
                         "{\"a\":\"tab\there\"}", "\xef\xbb\xbf{}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        model_diag d = parse_bad(bad[i], strlen(bad[i]));
        cr_assert_str_eq(d.errors[0].path, "", "%s", bad[i]);
        model_diag_free(&d);
    }
    /* Embedded NUL byte inside the text. */
    const char nul[] = "{\"program\"\0:1}";
    model_diag d = parse_bad(nul, sizeof nul - 1);
    model_diag_free(&d);
    /* NULL text is an empty document. */
    d = parse_bad(NULL, 0);
    model_diag_free(&d);
}

Test(robust, non_utf8)
{
    const char *bad[] = {"{\"program\":{\"name\":\"\xff\xfe\"}}", "{\"\xc0\xaf\":1}",
                         "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xe2\x82\"}", "\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        model_diag d = parse_bad(bad[i], strlen(bad[i]));
        cr_assert_str_eq(d.errors[0].path, "");
        /* The report itself is valid UTF-8 JSON. */
        char *t = NULL;
        cr_assert_eq(io_diag_to_json(&d, "invalid", &t), IO_OK);
        json_t *root = json_loads(t, 0, NULL);
        cr_assert_not_null(root, "%s", t);
        json_decref(root);
        free(t);
        model_diag_free(&d);
    }
}

Test(robust, deeply_nested)
{
    size_t depth = 100000;
    char *t = malloc(2 * depth + 64);
    size_t n = 0;
    n += (size_t)sprintf(t, "{\"program\":");
    for (size_t i = 0; i < depth; i++)
        t[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        t[n++] = ']';
    t[n++] = '}';
    t[n] = '\0';
    model_diag d = parse_bad(t, n);
    cr_assert_str_eq(d.errors[0].path, "");
    model_diag_free(&d);
    /* Nested objects at the top, too. */
    n = 0;
    for (size_t i = 0; i < depth; i++) {
        memcpy(t + n, "{\"a\":", 5);
        n += 5;
        if (n > 2 * depth)
            break;
    }
    t[n] = '\0';
    d = parse_bad(t, n);
    model_diag_free(&d);
    free(t);
}

Test(robust, big_numbers_in_int_fields)
{
    const char *fields[] = {"duration_min", "min_size", "max_size", "age_min"};
    const char *vals[] = {"1e308", "-1e308", "2147483648", "-2147483649", "1.5", "\"3\""};
    size_t len;
    char *text = slurp(FIX "tiny.json", &len);
    for (size_t f = 0; f < sizeof fields / sizeof *fields; f++)
        for (size_t v = 0; v < sizeof vals / sizeof *vals; v++) {
            json_t *root = json_loads(text, 0, NULL);
            json_t *val = json_loads(vals[v], JSON_DECODE_ANY, NULL);
            json_object_set_new(json_array_get(json_object_get(root, "group_types"), 0),
                                fields[f], val);
            char *t = json_dumps(root, 0);
            model_diag d = parse_bad(t, strlen(t));
            char path[64];
            snprintf(path, sizeof path, "group_types[0].%s", fields[f]);
            cr_assert(has_error(&d, path, NULL), "%s = %s: %s %s", fields[f], vals[v],
                      d.errors[0].path, d.errors[0].message);
            model_diag_free(&d);
            free(t);
            json_decref(root);
        }
    free(text);
}

Test(robust, list_limits)
{
    size_t len;
    char *text = slurp(FIX "tiny.json", &len);
    json_t *root = json_loads(text, 0, NULL);
    json_t *creds = json_array();
    for (int i = 0; i < 1001; i++)
        json_array_append_new(creds, json_sprintf("C%d", i));
    json_object_set_new(json_array_get(json_object_get(root, "facilitators"), 0), "credentials",
                        creds);
    json_t *members = json_array();
    for (int i = 0; i < 10001; i++)
        json_array_append_new(members, json_pack("{s:s}", "patient", "p01"));
    json_object_set_new(json_array_get(json_object_get(root, "groups"), 2), "members", members);
    char *t = json_dumps(root, 0);
    model_diag d = parse_bad(t, strlen(t));
    cr_assert(has_error(&d, "facilitators[0].credentials", "too many items"));
    cr_assert(has_error(&d, "groups[2].members", "too many items"));
    cr_assert_eq(d.n_errors, 2);
    model_diag_free(&d);
    free(t);
    json_decref(root);
    free(text);
}

/* Replace every value in the tree, one at a time, by each of a set of
 * wrong values: the reader must answer (valid, or errors with paths). */
static int n_parsed;

/* Read root (one value changed) as an instance: valid, or errors that
 * each name their JSON path. */
static void parse_mutant(const json_t *root)
{
    char *t = json_dumps(root, 0);
    cr_assert_not_null(t);
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    int rc = io_instance_parse(t, strlen(t), &in, &d);
    cr_assert(rc == IO_OK || rc == IO_EINVAL);
    if (rc == IO_EINVAL)
        for (int i = 0; i < d.n_errors; i++)
            cr_assert(d.errors[i].path[0], "error without a path: %s", d.errors[i].message);
    n_parsed++;
    model_instance_destroy(in);
    model_diag_free(&d);
    free(t);
}

static void mutate_all(json_t *root, json_t *node)
{
    static const char *const alts[] = {"1e308", "\"x\"", "[]", "{}", "null", "true", "-1",
                                       "[[1]]"};
    size_t nalt = sizeof alts / sizeof *alts;
    if (json_is_object(node)) {
        const char *key;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(node, tmp, key, v) {
            json_incref(v);
            for (size_t a = 0; a < nalt; a++) {
                json_object_set_new(node, key, json_loads(alts[a], JSON_DECODE_ANY, NULL));
                parse_mutant(root);
            }
            json_object_set(node, key, v);
            mutate_all(root, v);
            json_decref(v);
        }
    } else if (json_is_array(node)) {
        for (size_t i = 0; i < json_array_size(node); i++) {
            json_t *v = json_array_get(node, i);
            json_incref(v);
            for (size_t a = 0; a < nalt; a++) {
                json_array_set_new(node, i, json_loads(alts[a], JSON_DECODE_ANY, NULL));
                parse_mutant(root);
            }
            json_array_set(node, i, v);
            mutate_all(root, v);
            json_decref(v);
        }
    }
}

Test(robust, wrong_types_everywhere, .timeout = 300)
{
    size_t len;
    char *text = slurp(FIX "full.json", &len);
    json_t *root = json_loads(text, 0, NULL);
    cr_assert_not_null(root);
    n_parsed = 0;
    mutate_all(root, root);
    cr_assert_gt(n_parsed, 5000);
    json_decref(root);
    free(text);
}

Test(robust, fifty_megabytes, .timeout = 300)
{
    char path[] = "/tmp/cohort-test-big-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"program\":{\"name\":\"big\",\"horizon\":{\"start\":\"2025-01-06\",\"weeks\":13},"
               "\"days\":[\"mon\",\"tue\"],\"slot_starts\":[\"18:00\"]},"
               "\"group_types\":[{\"id\":\"t\",\"rate\":40,\"duration_min\":60,\"min_size\":3,"
               "\"max_size\":8,\"diagnoses\":[\"F41\"],\"modality\":\"telehealth\","
               "\"cadence\":\"weekly\"}],"
               "\"groups\":[{\"id\":\"g\",\"type\":\"t\"}],\"facilitators\":[{\"id\":\"f\"}],"
               "\"patients\":[");
    long i = 0;
    while (ftell(f) < 50L * 1024 * 1024) {
        fprintf(f,
                "%s{\"id\":\"patient-%07ld\",\"diagnoses\":[\"F41.1\",\"F32.%ld\"],"
                "\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"},"
                "{\"day\":\"tue\",\"from\":\"09:00\",\"to\":\"21:00\"}],\"added\":\"2024-11-%02ld\","
                "\"acuity\":\"moderate\",\"age\":%ld,\"modality\":\"either\",\"screened\":true,"
                "\"insurance_verified\":true,\"priority\":%ld}",
                i ? "," : "", i, i % 10, 1 + i % 28, 18 + i % 60, i % 4);
        i++;
    }
    fprintf(f, "]}");
    fclose(f);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_geq(st.st_size, 50L * 1024 * 1024);
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    int rc = io_instance_read_file(path, &in, &d);
    cr_assert_eq(rc, IO_OK, "%s", d.n_errors ? d.errors[0].message : "");
    cr_assert_eq(in->n_patients, (int)i);
    model_instance_destroy(in);
    model_diag_free(&d);

    /* Past the size limit: a clear error, no parse. */
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(io_read_all(path, 1024, &text, &len), IO_EINVAL);
    cr_assert_null(text);
    unlink(path);
}
