/* idmap.c - sorted id -> index maps (model-internal). */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "idmap.h"

static int entry_cmp(const void *a, const void *b)
{
    const model_idmap_entry *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int finish(model_idmap *m, model_idmap_entry *e, int k)
{
    qsort(e, (size_t)k, sizeof *e, entry_cmp);
    /* Drop later duplicates: after sorting by (id, idx) the first wins. */
    int w = 0;
    for (int i = 0; i < k; i++)
        if (w == 0 || strcmp(e[w - 1].id, e[i].id) != 0)
            e[w++] = e[i];
    m->e = e;
    m->n = w;
    return MODEL_OK;
}

int model_idmap_build(model_idmap *m, const void *base, int n, size_t stride, size_t offset)
{
    m->e = NULL;
    m->n = 0;
    if (n <= 0)
        return MODEL_OK;
    model_idmap_entry *e = malloc((size_t)n * sizeof *e);
    if (!e)
        return MODEL_ENOMEM;
    int k = 0;
    for (int i = 0; i < n; i++) {
        const char *id;
        memcpy(&id, (const char *)base + (size_t)i * stride + offset, sizeof id);
        if (id) {
            e[k].id = id;
            e[k].idx = i;
            k++;
        }
    }
    return finish(m, e, k);
}

int model_idmap_build_strs(model_idmap *m, char *const *strs, int n)
{
    return model_idmap_build(m, strs, n, sizeof(char *), 0);
}

int model_idmap_get(const model_idmap *m, const char *id)
{
    if (!id || !m || m->n == 0)
        return -1;
    int lo = 0, hi = m->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(id, m->e[mid].id);
        if (c == 0)
            return m->e[mid].idx;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

void model_idmap_free(model_idmap *m)
{
    if (!m)
        return;
    free(m->e);
    m->e = NULL;
    m->n = 0;
}
