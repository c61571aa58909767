/* copy.c - fill: deep copies of a solution and the patient id hash map. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fill_private.h"

/* ------------------------------------------------------ deep copies */

int fill_patient_copy(model_patient *d, const model_patient *s)
{
    memset(d, 0, sizeof *d);
    *d = *s;
    d->id = NULL;
    d->diagnoses = (model_strlist){0};
    d->group_types = (model_strlist){0};
    d->available = NULL;
    d->gender = NULL;
    if ((s->id && !(d->id = model_strdup(s->id))) ||
        model_strlist_copy(&d->diagnoses, &s->diagnoses) != MODEL_OK ||
        model_strlist_copy(&d->group_types, &s->group_types) != MODEL_OK ||
        (s->gender && !(d->gender = model_strdup(s->gender))))
        goto fail;
    if (s->n_available > 0) {
        d->available = malloc((size_t)s->n_available * sizeof *d->available);
        if (!d->available)
            goto fail;
        memcpy(d->available, s->available, (size_t)s->n_available * sizeof *d->available);
    }
    return 0;
fail:
    model_patient_free(d);
    return -1;
}

int fill_dup_or_null(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return 0;
    *dst = model_strdup(src);
    return *dst ? 0 : -1;
}

static int metrics_copy(model_metrics *d, const model_metrics *s)
{
    memset(d, 0, sizeof *d);
    *d = *s;
    d->load_ids = NULL;
    d->load = NULL;
    d->n_load = 0;
    d->per_type = NULL;
    d->n_per_type = 0;
    if (s->n_load > 0) {
        d->load_ids = calloc((size_t)s->n_load, sizeof *d->load_ids);
        d->load = calloc((size_t)s->n_load, sizeof *d->load);
        if (!d->load_ids || !d->load)
            goto fail;
        d->n_load = s->n_load;
        for (int i = 0; i < s->n_load; i++) {
            if (fill_dup_or_null(&d->load_ids[i], s->load_ids[i]))
                goto fail;
            d->load[i] = s->load[i];
        }
    }
    if (s->n_per_type > 0) {
        d->per_type = calloc((size_t)s->n_per_type, sizeof *d->per_type);
        if (!d->per_type)
            goto fail;
        d->n_per_type = s->n_per_type;
        for (int i = 0; i < s->n_per_type; i++) {
            d->per_type[i] = s->per_type[i];
            if (fill_dup_or_null(&d->per_type[i].type, s->per_type[i].type))
                goto fail;
        }
    }
    return 0;
fail:
    model_metrics_free(d);
    return -1;
}

/* Deep copy of a solution; NULL on ENOMEM. */
model_solution *fill_solution_clone(const model_solution *s)
{
    model_solution *d = model_solution_create();
    if (!d)
        return NULL;
    d->status = s->status;
    d->objective = s->objective;
    d->bound = s->bound;
    d->gap = s->gap;
    d->solve_seconds = s->solve_seconds;
    d->terms = s->terms;
    if (s->n_groups > 0) {
        if (!(d->groups = calloc((size_t)s->n_groups, sizeof *d->groups)))
            goto fail;
        for (int i = 0; i < s->n_groups; i++) {
            const model_sol_group *a = &s->groups[i];
            model_sol_group *b = &d->groups[d->n_groups++];
            b->running = a->running;
            b->day = a->day;
            b->start = a->start;
            b->end = a->end;
            b->week_parity = a->week_parity;
            b->week_parity_absent = a->week_parity_absent;
            if (fill_dup_or_null(&b->id, a->id) || fill_dup_or_null(&b->type, a->type) ||
                fill_dup_or_null(&b->room, a->room) || fill_dup_or_null(&b->substitute, a->substitute) ||
                model_strlist_copy(&b->facilitators, &a->facilitators) ||
                model_strlist_copy(&b->members, &a->members) ||
                model_strlist_copy(&b->new_members, &a->new_members))
                goto fail;
        }
    }
    if (s->n_sessions > 0) {
        if (!(d->sessions = calloc((size_t)s->n_sessions, sizeof *d->sessions)))
            goto fail;
        for (int i = 0; i < s->n_sessions; i++) {
            const model_sol_session *a = &s->sessions[i];
            model_sol_session *b = &d->sessions[d->n_sessions++];
            b->date = a->date;
            b->start = a->start;
            b->end = a->end;
            b->uncovered = a->uncovered;
            if (fill_dup_or_null(&b->group, a->group) || fill_dup_or_null(&b->room, a->room) ||
                fill_dup_or_null(&b->covered_by, a->covered_by) ||
                model_strlist_copy(&b->facilitators, &a->facilitators))
                goto fail;
        }
    }
    if (s->n_unplaced > 0) {
        if (!(d->unplaced = calloc((size_t)s->n_unplaced, sizeof *d->unplaced)))
            goto fail;
        for (int i = 0; i < s->n_unplaced; i++) {
            model_sol_unplaced *b = &d->unplaced[d->n_unplaced++];
            if (fill_dup_or_null(&b->patient, s->unplaced[i].patient) ||
                model_strlist_copy(&b->reasons, &s->unplaced[i].reasons))
                goto fail;
        }
    }
    if (metrics_copy(&d->metrics, &s->metrics) ||
        model_strlist_copy(&d->diagnosis, &s->diagnosis))
        goto fail;
    for (int i = 0; i < s->errors.n_errors; i++)
        if (model_diag_error(&d->errors, s->errors.errors[i].path, "%s",
                             s->errors.errors[i].message) != MODEL_OK)
            goto fail;
    for (int i = 0; i < s->errors.n_warnings; i++)
        if (model_diag_warning(&d->errors, s->errors.warnings[i].path, "%s",
                               s->errors.warnings[i].message) != MODEL_OK)
            goto fail;
    return d;
fail:
    model_solution_destroy(d);
    return NULL;
}

/* ------------------------------------------------------- id hash map */


static unsigned long str_hash(const char *s)
{
    unsigned long h = 1469598103934665603UL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211UL;
    return h;
}

static int pmap_grow(pmap *m)
{
    pmap n = {0};
    n.cap = m->cap ? m->cap * 2 : 64;
    n.keys = calloc(n.cap, sizeof *n.keys);
    n.vals = calloc(n.cap, sizeof *n.vals);
    if (!n.keys || !n.vals) {
        free(n.keys);
        free(n.vals);
        return -1;
    }
    for (unsigned i = 0; i < m->cap; i++)
        if (m->keys[i])
            fill_pmap_put(&n, m->keys[i], m->vals[i]);
    free(m->keys);
    free(m->vals);
    *m = n;
    return 0;
}

/* Insert (first value wins for a duplicate key).  -1 on ENOMEM. */
int fill_pmap_put(pmap *m, const char *key, int val)
{
    if (!key)
        return 0;
    if ((unsigned)(m->n + 1) * 2 > m->cap && pmap_grow(m))
        return -1;
    unsigned i = (unsigned)str_hash(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0)
            return 0;
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return 0;
}

int fill_pmap_get(const pmap *m, const char *key)
{
    if (!key || !m->cap)
        return -1;
    unsigned i = (unsigned)str_hash(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

void fill_pmap_free(pmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

