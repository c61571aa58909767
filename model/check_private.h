/*
 * check_private.h - model-internal: what the parts of the independent
 * checker (check.c: groups, pairs, members, metrics and the entry;
 * check_auth.c: rule 7's payer authorizations;
 * check_sessions.c: dated sessions, rules 6 and 10) share.  Not public API.
 */
#ifndef COHORT_CHECK_PRIVATE_H
#define COHORT_CHECK_PRIVATE_H

#include <stdio.h>
#include <string.h>

#include "model.h"
#include "idmap.h"

/* What the checker derives about one entry of sol->groups. */
typedef struct ginfo {
    bool valid;   /* running, first entry of a known instance group */
    int g, t;     /* instance group and type; -1 unknown */
    int day;      /* 0..6 when a usable day, else -1 */
    int start;    /* minutes when usable, else -1 */
    int end;      /* start + duration (the true end), -1 when start unusable */
    int parity;   /* 0/1 */
    int room;     /* room index (in person, known) or -1 */
    int fac[2];   /* primary, co-facilitator (known) or -1 */
    int sub;      /* substitute (known) or -1 */
} ginfo;

typedef struct ctx {
    const model_instance *inst;
    const model_solution *sol;
    model_check_report *rep;
    int err; /* sticky MODEL_ENOMEM */
    model_idmap groups, types, rooms, facs, patients, solgroups;
    ginfo *gi;         /* per sol->groups entry */
    int *sg_of;        /* per instance group: first sol->groups index, -1 */
    char *tflag_day;   /* [f * 7 + d]: template day cap already flagged */
    char *tflag_week;  /* [f]: template week cap already flagged */
} ctx;

/* Append a violation of rule to c's report; the entity is "kind:id" and
 * the message printf-formatted.  MODEL_OK, or MODEL_ENOMEM (sticky in
 * c->err; nothing is added after that). */
int push_violation(ctx *c, int rule, const char *kind, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#define V(rule, kind, id, ...) push_violation(c, rule, kind, id, __VA_ARGS__)

/* check_auth.c: rule 7's payer-authorization part for patient p placed
 * in sol group i (valid): with settings.require_authorization, a
 * violation unless an authorization covers the group's CPT with units
 * left at the horizon start or at the group's first session. */
void check_authorization(ctx *c, int i, int p);

/* "tue 10:00-11:30" */
static inline const char *slot_str(char buf[32], int day, int start, int end)
{
    char a[6], b[6];
    model_time_format(start, a);
    model_time_format(end, b);
    snprintf(buf, 32, "%s %s-%s", model_day_name(day), a, b);
    return buf;
}

static inline const char *date_str(char buf[11], int date)
{
    model_date_format(date, buf);
    return buf;
}

/* Comma-separated list of the credentials of `need` that f lacks. */
static inline void missing_creds(const model_facilitator *f, const model_strlist *need, char *buf,
                          size_t n)
{
    buf[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < need->n; i++) {
        if (model_strlist_find(&f->credentials, need->items[i]) >= 0)
            continue;
        int w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", need->items[i]);
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
    }
}

/* Append s to a short list in buf ("a, b, c"), truncating with "...". */
static inline void list_add(char *buf, size_t n, const char *s)
{
    size_t used = strlen(buf);
    if (used + 8 >= n)
        return;
    int w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", s ? s : "?");
    if (w < 0 || (size_t)w >= n - used)
        snprintf(buf + (n > 5 ? n - 5 : 0), 5, "...");
}

static inline bool overlaps(int s1, int e1, int s2, int e2, int gap)
{
    return s1 < e2 + gap && s2 < e1 + gap;
}

static inline const model_group_type *gtype(const ctx *c, const ginfo *g)
{
    return &c->inst->types[g->t];
}

static inline const char *sgid(const ctx *c, int i)
{
    return c->sol->groups[i].id ? c->sol->groups[i].id : "?";
}

static inline bool timed(const ginfo *g)
{
    return g->valid && g->day >= 0 && g->start >= 0;
}

static inline bool leads(const ginfo *g, int f)
{
    return f >= 0 && (g->fac[0] == f || g->fac[1] == f);
}

/* Rules 6 and 10 and the dated clash, cap and coverage checks over
 * sol->sessions (check_sessions.c), after the groups are known. */
void chk_sessions(ctx *c);

#endif
