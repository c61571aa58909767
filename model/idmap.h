/*
 * idmap.h - model-internal: id -> index lookup in O(log n) (sorted copy of
 * pointers, binary search).  Used by metrics.c and check.c; not public API.
 */
#ifndef COHORT_MODEL_IDMAP_H
#define COHORT_MODEL_IDMAP_H

typedef struct model_idmap_entry {
    const char *id; /* borrowed: the map must not outlive the strings */
    int idx;
} model_idmap_entry;

typedef struct model_idmap {
    model_idmap_entry *e;
    int n;
} model_idmap;

/* Build a map over n strings taken from an array of structs: the id of
 * element i is *(const char **)((const char *)base + i * stride + offset).
 * NULL ids are skipped; for duplicate ids the first index wins.
 * Returns 0 or MODEL_ENOMEM (map then empty). */
int model_idmap_build(model_idmap *m, const void *base, int n, size_t stride, size_t offset);
/* Same over a plain array of strings. */
int model_idmap_build_strs(model_idmap *m, char *const *strs, int n);
/* Index of id or -1 (also for NULL id). */
int model_idmap_get(const model_idmap *m, const char *id);
/* Free the map; it is empty after. */
void model_idmap_free(model_idmap *m);

#endif
