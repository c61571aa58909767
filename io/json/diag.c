/*
 * diag.c - diagnostics: merging the semantic checks' issues into the
 * structural ones, their order for the reader, and the diagnostics report.
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
static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Moves the semantic issues of sem into d, dropping errors at, above or
 * under a path that already has a structural error (d's errors so far). */
int rd_merge_semantic(model_diag *d, int from, model_diag *sem)
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
    static const char *const SECTIONS[] = {"program", "settings",     "group_types", "groups",
                                           "rooms",   "facilitators", "patients"};
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
void rd_sort_issues(model_issue *a, int n)
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

json_t *wr_issues(wr *w, const model_issue *is, int n)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++) {
        json_t *o = json_object();
        wr_put(w, o, "path", wr_str(is[i].path ? is[i].path : ""));
        wr_put(w, o, "message", wr_str(is[i].message ? is[i].message : ""));
        wr_add(w, a, o);
    }
    return a;
}

static json_t *diag_tree(const model_diag *d, const char *status, wr *w)
{
    json_t *o = json_object();
    wr_put(w, o, "status", wr_str(status ? status : (d->n_errors ? "invalid" : "valid")));
    wr_put(w, o, "errors", wr_issues(w, d->errors, d->n_errors));
    wr_put(w, o, "warnings", wr_issues(w, d->warnings, d->n_warnings));
    return o;
}

json_t *io_diag_to_tree(const model_diag *d, const char *status)
{
    wr w = {0};
    return wr_done(diag_tree(d, status, &w), &w);
}

int io_diag_to_json(const model_diag *d, const char *status, char **out)
{
    wr w = {0};
    return wr_finish(diag_tree(d, status, &w), &w, out);
}
