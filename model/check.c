/* check.c - the independent checker: every hard rule 1-10 of the SPEC on
 * any solution (planner output, hand-written, another tool's), plus the
 * recomputed metrics.  Shares no code with solver/: it reads the instance
 * and the solution as plain data and tests each rule directly. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "idmap.h"

/* ------------------------------------------------------------ context */

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

static int push_violation(ctx *c, int rule, const char *kind, const char *id, const char *fmt,
                          ...) __attribute__((format(printf, 5, 6)));

static int push_violation(ctx *c, int rule, const char *kind, const char *id, const char *fmt,
                          ...)
{
    model_check_report *r = c->rep;
    if (c->err)
        return c->err;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *msg = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (msg)
        vsnprintf(msg, (size_t)len + 1, fmt, ap);
    va_end(ap);
    if (!id)
        id = "?";
    size_t elen = strlen(kind) + 1 + strlen(id) + 1;
    char *ent = malloc(elen);
    if (ent)
        snprintf(ent, elen, "%s:%s", kind, id);
    if (msg && ent && r->n_violations == r->cap_violations) {
        int ncap = r->cap_violations ? r->cap_violations * 2 : 16;
        model_violation *nv = realloc(r->violations, (size_t)ncap * sizeof *nv);
        if (nv) {
            r->violations = nv;
            r->cap_violations = ncap;
        }
    }
    if (!msg || !ent || r->n_violations == r->cap_violations) {
        free(msg);
        free(ent);
        c->err = MODEL_ENOMEM;
        return c->err;
    }
    r->violations[r->n_violations].rule = rule;
    r->violations[r->n_violations].entity = ent;
    r->violations[r->n_violations].message = msg;
    r->n_violations++;
    return MODEL_OK;
}

#define V(rule, kind, id, ...) push_violation(c, rule, kind, id, __VA_ARGS__)

/* "tue 10:00-11:30" */
static const char *slot_str(char buf[32], int day, int start, int end)
{
    char a[6], b[6];
    model_time_format(start, a);
    model_time_format(end, b);
    snprintf(buf, 32, "%s %s-%s", model_day_name(day), a, b);
    return buf;
}

static const char *date_str(char buf[11], int date)
{
    model_date_format(date, buf);
    return buf;
}

/* Comma-separated list of the credentials of `need` that f lacks. */
static void missing_creds(const model_facilitator *f, const model_strlist *need, char *buf,
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
static void list_add(char *buf, size_t n, const char *s)
{
    size_t used = strlen(buf);
    if (used + 8 >= n)
        return;
    int w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", s ? s : "?");
    if (w < 0 || (size_t)w >= n - used)
        snprintf(buf + (n > 5 ? n - 5 : 0), 5, "...");
}

/* ASCII case-insensitive equality (gender values). */
static bool same_word(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

static bool share_week(const model_instance *inst, const ginfo *a, const ginfo *b,
                       model_cadence ca, model_cadence cb)
{
    for (int w = 0; w < inst->program.horizon_weeks; w++)
        if (model_meets_in_week(ca, a->parity, w) && model_meets_in_week(cb, b->parity, w))
            return true;
    return false;
}

static bool overlaps(int s1, int e1, int s2, int e2, int gap)
{
    return s1 < e2 + gap && s2 < e1 + gap;
}

static const model_group_type *gtype(const ctx *c, const ginfo *g)
{
    return &c->inst->types[g->t];
}

static const char *sgid(const ctx *c, int i)
{
    return c->sol->groups[i].id ? c->sol->groups[i].id : "?";
}

static bool timed(const ginfo *g)
{
    return g->valid && g->day >= 0 && g->start >= 0;
}

static bool leads(const ginfo *g, int f)
{
    return f >= 0 && (g->fac[0] == f || g->fac[1] == f);
}

/* ------------------------------------------------- rules 1, 2, 3, 5, 9 */

/* Week parity of a group whose solution entry does not give week_parity
 * (not a SPEC field): the parity of the horizon weeks its sessions fall
 * in, the one most of them show (0 on a tie or without sessions); sessions
 * in the other weeks are then reported as off their dates. */
static int session_parity(const ctx *c, const char *gid)
{
    int n[2] = {0, 0}, h = c->inst->program.horizon_start;
    for (int s = 0; s < c->sol->n_sessions; s++) {
        const model_sol_session *ss = &c->sol->sessions[s];
        if (gid && ss->group && ss->date >= h && strcmp(ss->group, gid) == 0)
            n[((ss->date - h) / 7) & 1]++;
    }
    return n[1] > n[0];
}

static void check_group_entries(ctx *c)
{
    const model_instance *inst = c->inst;
    const model_solution *sol = c->sol;
    for (int i = 0; i < sol->n_groups; i++) {
        const model_sol_group *sg = &sol->groups[i];
        ginfo *gi = &c->gi[i];
        gi->g = gi->t = gi->day = gi->start = gi->end = gi->room = gi->sub = -1;
        gi->fac[0] = gi->fac[1] = -1;
        gi->parity = sg->week_parity_absent ? session_parity(c, sg->id) : sg->week_parity & 1;
        int g = model_idmap_get(&c->groups, sg->id);
        if (g < 0) {
            V(1, "group", sg->id, "the solution lists group %s, which the instance does not offer",
              sg->id ? sg->id : "(no id)");
            continue;
        }
        if (c->sg_of[g] != i) {
            V(1, "group", sg->id, "group %s is listed more than once in the solution", sg->id);
            continue;
        }
        gi->g = g;
        gi->t = model_idmap_get(&c->types, inst->groups[g].type);
        if (sg->type && inst->groups[g].type && strcmp(sg->type, inst->groups[g].type) != 0)
            V(1, "group", sg->id, "group %s is listed with type %s but the instance offers it as %s",
              sg->id, sg->type, inst->groups[g].type);
        if (!sg->running) {
            if (!inst->groups[g].optional)
                V(1, "group", sg->id, "group %s must run (it is not optional) but is not running",
                  sg->id);
            if (sg->new_members.n > 0)
                V(1, "group", sg->id,
                  "group %s is not running but places %d new member(s) (a group runs fully or not at all)",
                  sg->id, sg->new_members.n);
            continue;
        }
        gi->valid = gi->t >= 0;
    }
    for (int g = 0; g < inst->n_groups; g++)
        if (c->sg_of[g] < 0 && !inst->groups[g].optional)
            V(1, "group", inst->groups[g].id,
              "group %s must run (it is not optional) but is missing from the solution",
              inst->groups[g].id);
}

static void check_slot_and_room(ctx *c, int i)
{
    const model_instance *inst = c->inst;
    const model_sol_group *sg = &c->sol->groups[i];
    ginfo *gi = &c->gi[i];
    const model_group_type *ty = gtype(c, gi);
    const char *id = sgid(c, i);
    char b1[32];
    if (sg->day < 0 || sg->day > 6) {
        V(2, "group", id, "running group %s has no meeting day", id);
    } else {
        gi->day = sg->day;
        if (!(inst->program.days_mask & (1 << sg->day)))
            V(2, "group", id, "group %s meets on %s, which is not a program day", id,
              model_day_name(sg->day));
    }
    if (sg->start < 0 || sg->start >= 24 * 60) {
        V(2, "group", id, "running group %s has no start time", id);
    } else {
        gi->start = sg->start;
        gi->end = sg->start + ty->duration_min;
        bool in_slots = false;
        for (int k = 0; k < inst->program.n_slot_starts; k++)
            in_slots |= inst->program.slot_starts[k] == sg->start;
        char a[6];
        model_time_format(sg->start, a);
        if (!in_slots)
            V(2, "group", id, "group %s starts at %s, which is not one of the program's slot_starts",
              id, a);
        if (sg->end != gi->end) {
            char e[6], x[6];
            model_time_format(sg->end >= 0 ? sg->end : 0, e);
            model_time_format(gi->end, x);
            V(2, "group", id,
              "group %s ends at %s but type %s lasts %d min, so it must end at %s", id,
              sg->end >= 0 ? e : "(none)", ty->id, ty->duration_min, x);
        }
    }
    if (ty->cadence == MODEL_BIWEEKLY && !sg->week_parity_absent && sg->week_parity != 0 &&
        sg->week_parity != 1)
        V(2, "group", id, "biweekly group %s has week_parity %d (must be 0 or 1)", id,
          sg->week_parity);
    if (ty->modality != MODEL_IN_PERSON)
        return; /* telehealth needs no room */
    if (!sg->room) {
        V(2, "group", id, "in-person group %s has no room", id);
        return;
    }
    int r = model_idmap_get(&c->rooms, sg->room);
    if (r < 0) {
        V(2, "group", id, "group %s is in room %s, which is not a room of the instance", id,
          sg->room);
        return;
    }
    gi->room = r;
    const model_room *rm = &inst->rooms[r];
    if (rm->capacity < ty->max_size)
        V(2, "room", rm->id, "room %s holds %d but group %s (type %s) has max_size %d", rm->id,
          rm->capacity, id, ty->id, ty->max_size);
    char miss[256] = "";
    for (int k = 0; k < ty->room_features.n; k++)
        if (model_strlist_find(&rm->features, ty->room_features.items[k]) < 0)
            list_add(miss, sizeof miss, ty->room_features.items[k]);
    if (miss[0])
        V(2, "room", rm->id, "room %s lacks feature(s) %s needed by group %s", rm->id, miss, id);
    if (gi->day >= 0 && gi->start >= 0 &&
        !model_windows_fit(rm->available, rm->n_available, gi->day, gi->start, ty->duration_min))
        V(2, "room", rm->id, "room %s is not available for group %s at %s", rm->id, id,
          slot_str(b1, gi->day, gi->start, gi->end));
}

static void check_facilitators(ctx *c, int i)
{
    const model_instance *inst = c->inst;
    const model_sol_group *sg = &c->sol->groups[i];
    ginfo *gi = &c->gi[i];
    const model_group_type *ty = gtype(c, gi);
    const char *id = sgid(c, i);
    char b1[32], miss[256];
    int want = ty->cofacilitation ? 2 : 1;
    if (sg->facilitators.n == 0) {
        V(3, "group", id, "running group %s has no facilitator", id);
    } else if (sg->facilitators.n > want) {
        V(3, "group", id, "group %s lists %d facilitators; type %s takes %s", id,
          sg->facilitators.n, ty->id,
          ty->cofacilitation ? "a primary and one co-facilitator" : "one (no co-facilitation)");
    }
    if (ty->cofacilitation && sg->facilitators.n == 1)
        V(3, "group", id, "type %s needs co-facilitation but group %s has no co-facilitator",
          ty->id, id);
    for (int k = 0; k < sg->facilitators.n && k < 2; k++) {
        const char *fid = sg->facilitators.items[k];
        int f = model_idmap_get(&c->facs, fid);
        if (f < 0) {
            V(3, "group", id, "group %s names facilitator %s, who is not in the instance", id,
              fid ? fid : "?");
            continue;
        }
        if (k == 1 && f == gi->fac[0]) {
            V(3, "facilitator", fid,
              "group %s lists %s as both primary and co-facilitator; the co-facilitator must be a different person",
              id, fid);
            continue;
        }
        gi->fac[k] = f;
        const model_facilitator *fa = &inst->facilitators[f];
        const model_strlist *need = k == 0 ? &ty->required_credentials
                                           : &ty->cofacilitator_credentials;
        if (!model_facilitator_holds(fa, need)) {
            missing_creds(fa, need, miss, sizeof miss);
            V(3, "facilitator", fid, "%s facilitator %s of group %s lacks credential(s) %s",
              k == 0 ? "primary" : "co-", fid, id, miss);
        }
        if (gi->day >= 0 && gi->start >= 0 &&
            !model_windows_fit(fa->available, fa->n_available, gi->day, gi->start,
                               ty->duration_min))
            V(3, "facilitator", fid, "facilitator %s is not available for group %s at %s", fid,
              id, slot_str(b1, gi->day, gi->start, gi->end));
    }
    /* Rule 5: the designated substitute. */
    if (!sg->substitute) {
        V(5, "group", id, "running group %s has no designated substitute", id);
        return;
    }
    int s = model_idmap_get(&c->facs, sg->substitute);
    if (s < 0) {
        V(5, "group", id, "substitute %s of group %s is not a facilitator of the instance",
          sg->substitute, id);
        return;
    }
    const model_facilitator *fs = &inst->facilitators[s];
    if (model_strlist_find(&sg->facilitators, sg->substitute) >= 0) {
        V(5, "facilitator", fs->id, "substitute %s of group %s is one of its own facilitators",
          fs->id, id);
        return;
    }
    gi->sub = s;
    if (!model_facilitator_holds(fs, &ty->required_credentials)) {
        missing_creds(fs, &ty->required_credentials, miss, sizeof miss);
        V(5, "facilitator", fs->id,
          "substitute %s of group %s lacks credential(s) %s required of the primary", fs->id, id,
          miss);
    }
    if (gi->day >= 0 && gi->start >= 0 &&
        !model_windows_fit(fs->available, fs->n_available, gi->day, gi->start, ty->duration_min))
        V(5, "facilitator", fs->id, "substitute %s of group %s is not available at %s", fs->id,
          id, slot_str(b1, gi->day, gi->start, gi->end));
}

static void check_pinned(ctx *c, int i)
{
    const model_instance *inst = c->inst;
    const model_sol_group *sg = &c->sol->groups[i];
    const model_pinned *p = &inst->groups[c->gi[i].g].pinned;
    const char *id = sgid(c, i);
    if (p->has_day && sg->day != p->day)
        V(9, "group", id, "group %s is pinned to %s but meets on %s", id, model_day_name(p->day),
          sg->day >= 0 ? model_day_name(sg->day) : "(none)");
    if (p->has_start && sg->start != p->start) {
        char a[6], b[6];
        model_time_format(p->start, a);
        model_time_format(sg->start >= 0 ? sg->start : 0, b);
        V(9, "group", id, "group %s is pinned to start at %s but starts at %s", id, a,
          sg->start >= 0 ? b : "(none)");
    }
    if (p->room && (!sg->room || strcmp(p->room, sg->room) != 0))
        V(9, "group", id, "group %s is pinned to room %s but is in %s", id, p->room,
          sg->room ? sg->room : "(no room)");
    for (int k = 0; k < p->facilitators.n; k++) {
        const char *want = p->facilitators.items[k];
        const char *got = k < sg->facilitators.n ? sg->facilitators.items[k] : NULL;
        if (!got || !want || strcmp(want, got) != 0)
            V(9, "group", id, "group %s has %s pinned as %s but the solution has %s", id,
              want ? want : "?", k == 0 ? "primary facilitator" : "co-facilitator",
              got ? got : "nobody");
    }
    if (p->substitute && (!sg->substitute || strcmp(p->substitute, sg->substitute) != 0))
        V(9, "group", id, "group %s has substitute %s pinned but the solution has %s", id,
          p->substitute, sg->substitute ? sg->substitute : "none");
}

/* ------------------------------------------------ pairwise: rules 2, 4, 5 */

static void check_pairs(ctx *c)
{
    const model_instance *inst = c->inst;
    int n = c->sol->n_groups, mb = inst->settings.min_break_min;
    char b1[32], b2[32];
    for (int i = 0; i < n; i++) {
        const ginfo *a = &c->gi[i];
        if (!timed(a))
            continue;
        const model_group_type *ta = gtype(c, a);
        for (int j = 0; j < n; j++) {
            const ginfo *b = &c->gi[j];
            if (j == i || !timed(b) || b->day != a->day)
                continue;
            const model_group_type *tb = gtype(c, b);
            if (!overlaps(a->start, a->end, b->start, b->end, mb > 0 ? mb : 0) ||
                !share_week(inst, a, b, ta->cadence, tb->cadence))
                continue;
            slot_str(b1, a->day, a->start, a->end);
            slot_str(b2, b->day, b->start, b->end);
            if (j > i) {
                if (a->room >= 0 && a->room == b->room &&
                    overlaps(a->start, a->end, b->start, b->end, 0))
                    V(2, "room", inst->rooms[a->room].id,
                      "room %s hosts %s (%s) and %s (%s) at overlapping times in the same weeks",
                      inst->rooms[a->room].id, sgid(c, i), b1, sgid(c, j), b2);
                if (overlaps(a->start, a->end, b->start, b->end, mb)) {
                    for (int k = 0; k < 2; k++) {
                        int f = a->fac[k];
                        if (f < 0 || !leads(b, f) || (k == 1 && a->fac[0] == f))
                            continue;
                        bool tight = !overlaps(a->start, a->end, b->start, b->end, 0);
                        char extra[96] = "";
                        if (tight)
                            snprintf(extra, sizeof extra,
                                     " (they need min_break_min = %d minutes between groups)", mb);
                        V(4, "facilitator", inst->facilitators[f].id,
                          "facilitator %s leads %s (%s) and %s (%s) at overlapping times in the same weeks%s",
                          inst->facilitators[f].id, sgid(c, i), b1, sgid(c, j), b2, extra);
                    }
                }
            }
            /* Rule 5: a's substitute leads b at an overlapping time (no
             * min_break_min: rule 5 does not ask for it). */
            if (a->sub >= 0 && leads(b, a->sub) &&
                overlaps(a->start, a->end, b->start, b->end, 0))
                V(5, "facilitator", inst->facilitators[a->sub].id,
                  "substitute %s of %s (%s) leads %s (%s) at an overlapping time in the same weeks",
                  inst->facilitators[a->sub].id, sgid(c, i), b1, sgid(c, j), b2);
        }
    }
}

/* Rule 4 caps on the weekly template (regular assignments only). */
static void check_template_caps(ctx *c)
{
    const model_instance *inst = c->inst;
    int W = inst->program.horizon_weeks, n = c->sol->n_groups;
    if (W <= 0)
        return;
    int *cnt = calloc((size_t)W * 7, sizeof *cnt);
    if (!cnt) {
        c->err = MODEL_ENOMEM;
        return;
    }
    for (int f = 0; f < inst->n_facilitators; f++) {
        memset(cnt, 0, (size_t)W * 7 * sizeof *cnt);
        bool any = false;
        for (int i = 0; i < n; i++) {
            const ginfo *g = &c->gi[i];
            if (!g->valid || g->day < 0 || !leads(g, f))
                continue;
            any = true;
            for (int w = 0; w < W; w++)
                if (model_meets_in_week(gtype(c, g)->cadence, g->parity, w))
                    cnt[w * 7 + g->day]++;
        }
        if (!any)
            continue;
        const char *fid = inst->facilitators[f].id;
        int capd = model_facilitator_max_per_day(inst, f);
        int capw = model_facilitator_max_per_week(inst, f);
        for (int d = 0; d < 7; d++)
            for (int w = 0; w < W; w++) {
                if (cnt[w * 7 + d] <= capd)
                    continue;
                char names[256] = "";
                for (int i = 0; i < n; i++) {
                    const ginfo *g = &c->gi[i];
                    if (g->valid && g->day == d && leads(g, f) &&
                        model_meets_in_week(gtype(c, g)->cadence, g->parity, w))
                        list_add(names, sizeof names, sgid(c, i));
                }
                V(4, "facilitator", fid,
                  "facilitator %s leads %d groups on %s in week %d (%s); max_per_day is %d", fid,
                  cnt[w * 7 + d], model_day_name(d), w + 1, names, capd);
                c->tflag_day[f * 7 + d] = 1;
                break;
            }
        for (int w = 0; w < W; w++) {
            int tot = 0;
            for (int d = 0; d < 7; d++)
                tot += cnt[w * 7 + d];
            if (tot <= capw)
                continue;
            char ds[11];
            V(4, "facilitator", fid,
              "facilitator %s leads %d groups in week %d (from %s); max_per_week is %d", fid, tot,
              w + 1, date_str(ds, inst->program.horizon_start + 7 * w), capw);
            c->tflag_week[f] = 1;
            break;
        }
    }
    free(cnt);
}

/* ----------------------------------------------------- rules 7 and 8 */

static bool is_occupying_member(const model_group *g, const char *pid)
{
    for (int k = 0; k < g->n_members; k++)
        if (g->members[k].patient && pid && strcmp(g->members[k].patient, pid) == 0)
            return model_status_occupies(g->members[k].status);
    return false;
}

static const model_member *roster_entry(const model_group *g, const char *pid)
{
    for (int k = 0; k < g->n_members; k++)
        if (g->members[k].patient && pid && strcmp(g->members[k].patient, pid) == 0)
            return &g->members[k];
    return NULL;
}

/* The checker's own copy of rule 7's fit (the planner's is
 * model/eligibility.c; tests/test_check.c compares the two): types,
 * diagnoses by prefix with ASCII case ignored, modality "either" fits
 * both, age limits inclusive and needing a known age, gender equal
 * ignoring ASCII case. */
static bool chk_prefix(const char *code, const char *prefix)
{
    if (!code || !prefix || !*prefix)
        return false;
    size_t n = strlen(prefix);
    if (strlen(code) < n)
        return false;
    for (size_t k = 0; k < n; k++)
        if (tolower((unsigned char)code[k]) != tolower((unsigned char)prefix[k]))
            return false;
    return true;
}

static bool chk_type_match(const model_patient *pa, const model_group_type *ty)
{
    if (pa->has_group_types) {
        for (int k = 0; k < pa->group_types.n; k++)
            if (ty->id && pa->group_types.items[k] && strcmp(pa->group_types.items[k], ty->id) == 0)
                return true;
        return false;
    }
    for (int i = 0; i < pa->diagnoses.n; i++)
        for (int j = 0; j < ty->diagnoses.n; j++)
            if (chk_prefix(pa->diagnoses.items[i], ty->diagnoses.items[j]))
                return true;
    return false;
}

unsigned model_check_patient_fit(const model_instance *inst, int p, int t, int day, int start)
{
    const model_patient *pa = &inst->patients[p];
    const model_group_type *ty = &inst->types[t];
    unsigned bits = 0;
    if (!pa->screened)
        bits |= 1u << MODEL_FIT_SCREENING;
    if (!pa->insurance_verified)
        bits |= 1u << MODEL_FIT_INSURANCE;
    if (!chk_type_match(pa, ty))
        bits |= 1u << MODEL_FIT_TYPE;
    if ((ty->modality == MODEL_IN_PERSON && pa->modality == MODEL_TELEHEALTH) ||
        (ty->modality == MODEL_TELEHEALTH && pa->modality == MODEL_IN_PERSON))
        bits |= 1u << MODEL_FIT_MODALITY;
    if ((ty->age_min >= 0 || ty->age_max >= 0) &&
        (pa->age < 0 || (ty->age_min >= 0 && pa->age < ty->age_min) ||
         (ty->age_max >= 0 && pa->age > ty->age_max)))
        bits |= 1u << MODEL_FIT_AGE;
    if (ty->gender && (!pa->gender || !same_word(ty->gender, pa->gender)))
        bits |= 1u << MODEL_FIT_GENDER;
    if (day >= 0 && start >= 0) {
        bool in = false;
        for (int w = 0; w < pa->n_available && !in; w++)
            in = pa->available[w].day == day && start >= pa->available[w].from &&
                 start + ty->duration_min <= pa->available[w].to;
        if (!in)
            bits |= 1u << MODEL_FIT_WINDOW;
    }
    return bits;
}

static void check_patient_fit(ctx *c, int i, int p)
{
    const ginfo *gi = &c->gi[i];
    const model_group_type *ty = gtype(c, gi);
    const model_patient *pa = &c->inst->patients[p];
    const char *id = sgid(c, i);
    char b1[32];
    unsigned bits = model_check_patient_fit(c->inst, p, gi->t, gi->day, gi->start);
#define FAILS(part) (bits & (1u << (part)))
    if (FAILS(MODEL_FIT_SCREENING))
        V(7, "patient", pa->id, "patient %s is placed in %s but is not screened", pa->id, id);
    if (FAILS(MODEL_FIT_INSURANCE))
        V(7, "patient", pa->id, "patient %s is placed in %s but insurance is not verified", pa->id,
          id);
    if (FAILS(MODEL_FIT_TYPE))
        V(7, "patient", pa->id, "patient %s is placed in %s but is %s type %s", pa->id, id,
          pa->has_group_types ? "not referred to" : "has no diagnosis treated by", ty->id);
    if (FAILS(MODEL_FIT_WINDOW))
        V(7, "patient", pa->id, "patient %s is placed in %s (%s), outside the patient's availability",
          pa->id, id, slot_str(b1, gi->day, gi->start, gi->end));
    if (FAILS(MODEL_FIT_MODALITY))
        V(7, "patient", pa->id, "patient %s needs %s but %s is %s", pa->id,
          model_modality_name(pa->modality), id, model_modality_name(ty->modality));
    if (FAILS(MODEL_FIT_AGE)) {
        char range[48];
        if (ty->age_min >= 0 && ty->age_max >= 0)
            snprintf(range, sizeof range, "%d-%d", ty->age_min, ty->age_max);
        else if (ty->age_min >= 0)
            snprintf(range, sizeof range, "%d and over", ty->age_min);
        else
            snprintf(range, sizeof range, "up to %d", ty->age_max);
        if (pa->age < 0)
            V(7, "patient", pa->id, "age of patient %s is unknown; type %s of %s takes ages %s",
              pa->id, ty->id, id, range);
        else
            V(7, "patient", pa->id, "patient %s is %d; type %s of %s takes ages %s", pa->id,
              pa->age, ty->id, id, range);
    }
    if (FAILS(MODEL_FIT_GENDER))
        V(7, "patient", pa->id, "type %s of %s is restricted to gender %s; patient %s is %s",
          ty->id, id, ty->gender, pa->id, pa->gender ? pa->gender : "of unknown gender");
#undef FAILS
}

static void check_members(ctx *c)
{
    const model_instance *inst = c->inst;
    const model_solution *sol = c->sol;
    int np = inst->n_patients;
    int *placed_in = malloc((size_t)(np > 0 ? np : 1) * sizeof *placed_in);
    int *roster_of = malloc((size_t)(np > 0 ? np : 1) * sizeof *roster_of);
    if (!placed_in || !roster_of) {
        free(placed_in);
        free(roster_of);
        c->err = MODEL_ENOMEM;
        return;
    }
    for (int p = 0; p < np; p++)
        placed_in[p] = roster_of[p] = -1;
    for (int g = inst->n_groups - 1; g >= 0; g--)
        for (int k = 0; k < inst->groups[g].n_members; k++) {
            int p = model_idmap_get(&c->patients, inst->groups[g].members[k].patient);
            if (p >= 0)
                roster_of[p] = g;
        }
    for (int i = 0; i < sol->n_groups; i++) {
        const ginfo *gi = &c->gi[i];
        if (!gi->valid)
            continue;
        const model_sol_group *sg = &sol->groups[i];
        const model_group *ig = &inst->groups[gi->g];
        const model_group_type *ty = gtype(c, gi);
        const char *id = sgid(c, i);
        /* Roster consistency. */
        for (int k = 0; k < ig->n_members; k++) {
            const model_member *m = &ig->members[k];
            if (model_status_occupies(m->status) && model_strlist_find(&sg->members, m->patient) < 0)
                V(8, "group", id,
                  "continuing member %s (%s) of group %s is missing from its members (held and active members keep their seat)",
                  m->patient ? m->patient : "?", model_status_name(m->status), id);
        }
        for (int k = 0; k < sg->new_members.n; k++)
            if (model_strlist_find(&sg->members, sg->new_members.items[k]) < 0)
                V(7, "patient", sg->new_members.items[k],
                  "new member %s of group %s is missing from its members", sg->new_members.items[k],
                  id);
        for (int k = 0; k < sg->members.n; k++) {
            const char *pid = sg->members.items[k];
            if (model_strlist_find(&sg->members, pid) != k) {
                V(8, "patient", pid, "patient %s is listed twice in the members of %s", pid, id);
                continue;
            }
            if (is_occupying_member(ig, pid) || model_strlist_find(&sg->new_members, pid) >= 0)
                continue;
            const model_member *m = roster_entry(ig, pid);
            if (m)
                V(8, "patient", pid,
                  "patient %s is listed as a member of %s but has status %s there (the seat is free)",
                  pid, id, model_status_name(m->status));
            else
                V(7, "patient", pid,
                  "patient %s is listed as a member of %s but is neither a continuing member nor in new_members",
                  pid, id);
        }
        /* Rule 7: each placement. */
        for (int k = 0; k < sg->new_members.n; k++) {
            const char *pid = sg->new_members.items[k];
            if (model_strlist_find(&sg->new_members, pid) != k) {
                V(7, "patient", pid, "patient %s is listed twice in the new_members of %s", pid, id);
                continue;
            }
            int p = model_idmap_get(&c->patients, pid);
            if (p < 0) {
                V(7, "patient", pid, "new member %s of %s is not a patient of the instance", pid, id);
                continue;
            }
            if (placed_in[p] >= 0) {
                V(7, "patient", pid, "patient %s is placed in both %s and %s (at most one group)",
                  pid, sgid(c, placed_in[p]), id);
                continue;
            }
            placed_in[p] = i;
            if (roster_of[p] >= 0) {
                const model_group *rg = &inst->groups[roster_of[p]];
                const model_member *m = roster_entry(rg, pid);
                if (roster_of[p] == gi->g)
                    V(7, "patient", pid,
                      "patient %s is already on the roster of %s (%s); not a new placement", pid, id,
                      m ? model_status_name(m->status) : "?");
                else
                    V(7, "patient", pid,
                      "patient %s is placed in %s but is already on the roster of %s (%s), not on the waitlist",
                      pid, id, rg->id, m ? model_status_name(m->status) : "?");
            }
            check_patient_fit(c, i, p);
        }
        /* Rule 8: size and composition over the listed members. */
        int n = 0, nnew = 0, ncont = 0, high = 0, high_cont = 0;
        int amin = 0, amax = -1, cmin = 0, cmax = -1;
        for (int k = 0; k < sg->members.n; k++) {
            const char *pid = sg->members.items[k];
            if (model_strlist_find(&sg->members, pid) != k)
                continue;
            n++;
            bool cont = is_occupying_member(ig, pid);
            bool isnew = !cont && model_strlist_find(&sg->new_members, pid) >= 0;
            ncont += cont;
            nnew += isnew;
            int p = model_idmap_get(&c->patients, pid);
            if (p < 0)
                continue;
            const model_patient *pa = &inst->patients[p];
            if (pa->acuity == MODEL_ACUITY_HIGH) {
                high++;
                high_cont += cont;
            }
            if (pa->age >= 0) {
                if (amax < 0 || pa->age < amin)
                    amin = pa->age;
                if (amax < 0 || pa->age > amax)
                    amax = pa->age;
                if (cont) {
                    if (cmax < 0 || pa->age < cmin)
                        cmin = pa->age;
                    if (cmax < 0 || pa->age > cmax)
                        cmax = pa->age;
                }
            }
        }
        if (n < ty->min_size)
            V(8, "group", id, "group %s has %d member(s); type %s needs at least min_size %d", id,
              n, ty->id, ty->min_size);
        if (n > ty->max_size)
            V(8, "group", id, "group %s has %d members; type %s allows at most max_size %d", id, n,
              ty->id, ty->max_size);
        const model_composition *cp = &ty->composition;
        if (model_new_share_exceeded(cp, nnew, ncont, n))
            V(8, "group", id,
              "%d of the %d members of %s are new placements (share %.2f); max_new_share of type %s is %.2f",
              nnew, n, id, (double)nnew / n, ty->id, cp->max_new_share);
        if (cp->max_high_acuity >= 0 && high > cp->max_high_acuity &&
            !(high_cont > cp->max_high_acuity && high <= high_cont)) {
            if (high_cont > cp->max_high_acuity)
                V(8, "group", id,
                  "group %s has %d high-acuity members; its continuing members alone have %d (over max_high_acuity %d), and placements may not add more",
                  id, high, high_cont, cp->max_high_acuity);
            else
                V(8, "group", id, "group %s has %d high-acuity members; max_high_acuity of type %s is %d",
                  id, high, ty->id, cp->max_high_acuity);
        }
        int spread = amax >= 0 ? amax - amin : 0, cspread = cmax >= 0 ? cmax - cmin : 0;
        if (cp->max_age_spread >= 0 && spread > cp->max_age_spread &&
            !(cspread > cp->max_age_spread && spread <= cspread)) {
            if (cspread > cp->max_age_spread)
                V(8, "group", id,
                  "ages in %s span %d years (%d-%d); its continuing members alone span %d (over max_age_spread %d), and placements may not widen it",
                  id, spread, amin, amax, cspread, cp->max_age_spread);
            else
                V(8, "group", id, "ages in %s span %d years (%d-%d); max_age_spread of type %s is %d",
                  id, spread, amin, amax, ty->id, cp->max_age_spread);
        }
    }
    for (int u = 0; u < sol->n_unplaced; u++) {
        int p = model_idmap_get(&c->patients, sol->unplaced[u].patient);
        if (p >= 0 && placed_in[p] >= 0)
            V(7, "patient", sol->unplaced[u].patient,
              "patient %s is listed as unplaced but is placed in %s", sol->unplaced[u].patient,
              sgid(c, placed_in[p]));
    }
    free(placed_in);
    free(roster_of);
}

/* ------------------------------------------------- sessions: 6 and 10 */

typedef struct sref {
    int gi;   /* sol->groups index */
    int date;
    int s;    /* sol->sessions index */
} sref;

static int sref_cmp(const void *a, const void *b)
{
    const sref *x = a, *y = b;
    if (x->gi != y->gi)
        return x->gi < y->gi ? -1 : 1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return (x->s > y->s) - (x->s < y->s);
}

/* One facilitator leading one dated session, at the session's own time. */
typedef struct lead {
    int f, date, start, end, gi;
    int pos;    /* index among the group's sessions on open dates; -1 on a closed date */
    bool cover; /* standing in for someone on time off */
    bool moved; /* the session's time differs from its group's */
} lead;

static int lead_cmp(const void *a, const void *b)
{
    const lead *x = a, *y = b;
    if (x->f != y->f)
        return x->f < y->f ? -1 : 1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->gi > y->gi) - (x->gi < y->gi);
}

/* One room in use by one dated session. */
typedef struct ruse {
    int room, date, start, end, gi;
    bool moved; /* time or room differs from its group's */
} ruse;

static int ruse_cmp(const void *a, const void *b)
{
    const ruse *x = a, *y = b;
    if (x->room != y->room)
        return x->room < y->room ? -1 : 1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->gi > y->gi) - (x->gi < y->gi);
}

/* A role of a session marked uncovered, judged once every lead is known. */
typedef struct uncov {
    int gi, s, pos, date, start, end, role;
} uncov;

/* A growable array of fixed-size elements. */
typedef struct vec {
    void *a;
    int n, cap;
} vec;

static void vec_push(ctx *c, vec *v, const void *x, size_t size)
{
    if (c->err)
        return;
    if (v->n == v->cap) {
        int ncap = v->cap ? v->cap * 2 : 64;
        void *na = realloc(v->a, (size_t)ncap * size);
        if (!na) {
            c->err = MODEL_ENOMEM;
            return;
        }
        v->a = na;
        v->cap = ncap;
    }
    memcpy((char *)v->a + (size_t)v->n * size, x, size);
    v->n++;
}

/* What the dated checks collect over every session. */
typedef struct dated {
    vec leads;  /* lead */
    vec rooms;  /* ruse */
    vec uncov;  /* uncov */
    int *run_len, *run_pos, *run_grp; /* per facilitator: consecutive covers */
} dated;

#define LEADS(d) ((lead *)(d)->leads.a)

/* A session's own time: its start and end when usable, else the group's. */
static void session_time(const ctx *c, int i, const model_sol_session *ss, int *start, int *end)
{
    const ginfo *gi = &c->gi[i];
    *start = ss->start >= 0 && ss->start < 24 * 60 ? ss->start : gi->start;
    *end = ss->end > *start ? ss->end : *start + gtype(c, gi)->duration_min;
}

/* Facilitators listed on a session (known, each once) into sf; reports
 * unknown and repeated ones.  Returns how many. */
static int session_leads(ctx *c, int i, const model_sol_session *ss, const char *ent, int sf[8])
{
    const char *id = sgid(c, i);
    char ds[11];
    date_str(ds, ss->date);
    int nsf = 0;
    for (int k = 0; k < ss->facilitators.n; k++) {
        const char *fid = ss->facilitators.items[k];
        int f = model_idmap_get(&c->facs, fid);
        if (f < 0) {
            V(6, "session", ent, "session of %s on %s lists %s, who is not a facilitator of the instance",
              id, ds, fid ? fid : "?");
            continue;
        }
        bool dup = false;
        for (int q = 0; q < nsf; q++)
            dup |= sf[q] == f;
        if (dup) {
            V(6, "session", ent, "session of %s on %s lists %s twice", id, ds, fid);
            continue;
        }
        if (nsf < 8)
            sf[nsf++] = f;
    }
    return nsf;
}

/* The session's room in use at its own time (in person, known room). */
static void record_room(ctx *c, int i, const model_sol_session *ss, int st, int en, dated *dt)
{
    const ginfo *gi = &c->gi[i];
    if (gtype(c, gi)->modality != MODEL_IN_PERSON || !ss->room)
        return;
    int r = model_idmap_get(&c->rooms, ss->room);
    if (r < 0)
        return;
    ruse u = {r, ss->date, st, en, i, st != gi->start || en != gi->end || r != gi->room};
    vec_push(c, &dt->rooms, &u, sizeof u);
}

/* Coverage of one session on a meeting date (rule 6).  pos is its index
 * among the group's sessions on open dates (-1 on a closed date).  Records
 * leads, room use, uncovered roles and, per coverer, the consecutive-cover
 * run. */
static void check_session_cover(ctx *c, int i, int s, int pos, dated *dt)
{
    const model_instance *inst = c->inst;
    const model_sol_session *ss = &c->sol->sessions[s];
    const ginfo *gi = &c->gi[i];
    const model_group_type *ty = gtype(c, gi);
    const char *id = sgid(c, i);
    char ds[11], ent[160], b1[32];
    date_str(ds, ss->date);
    snprintf(ent, sizeof ent, "%s@%s", id, ds);
    int st, en;
    session_time(c, i, ss, &st, &en);
    bool moved = st != gi->start || en != gi->end;
    record_room(c, i, ss, st, en, dt);
    int sf[8];
    int nsf = session_leads(c, i, ss, ent, sf);
    int absent[2], nabs = 0;
    for (int k = 0; k < 2; k++) {
        int r = gi->fac[k];
        if (r < 0)
            continue;
        bool off = model_facilitator_off(inst, r, ss->date);
        bool listed = false;
        for (int q = 0; q < nsf; q++)
            listed |= sf[q] == r;
        const char *rid = inst->facilitators[r].id;
        if (off) {
            absent[nabs++] = k;
            if (listed)
                V(6, "session", ent, "facilitator %s is on time off on %s but is listed as leading %s",
                  rid, ds, id);
        } else if (!listed) {
            V(6, "session", ent,
              "facilitator %s leads %s and is not on time off on %s, but is not listed on that session",
              rid, id, ds);
        }
    }
    int cov[8], ncov = 0;
    for (int q = 0; q < nsf; q++)
        if (!leads(gi, sf[q]))
            cov[ncov++] = sf[q];
        else
            vec_push(c, &dt->leads, &(lead){sf[q], ss->date, st, en, i, pos, false, moved}, sizeof(lead));
    if (nabs == 0) {
        for (int q = 0; q < ncov; q++)
            V(6, "session", ent,
              "session of %s on %s lists %s, who is not one of its facilitators, though nobody is on time off",
              id, ds, inst->facilitators[cov[q]].id);
        if (ss->uncovered)
            V(6, "session", ent,
              "session of %s on %s is marked uncovered though its facilitators are present", id, ds);
        if (ss->covered_by && ncov == 0)
            V(6, "session", ent, "session of %s on %s names covered_by %s though nobody is on time off",
              id, ds, ss->covered_by);
        return;
    }
    const char *absent_id = inst->facilitators[gi->fac[absent[0]]].id;
    if (ncov > nabs)
        V(6, "session", ent, "session of %s on %s lists %d stand-ins for %d absent facilitator(s)",
          id, ds, ncov, nabs);
    int used = ncov < nabs ? ncov : nabs;
    if (used < nabs && !ss->uncovered)
        V(6, "session", ent,
          "facilitator %s of %s is on time off on %s; the session is neither covered nor marked uncovered",
          inst->facilitators[gi->fac[absent[used]]].id, id, ds);
    if (used == nabs && ss->uncovered)
        V(6, "session", ent, "session of %s on %s is marked uncovered but %s covers it", id, ds,
          inst->facilitators[cov[0]].id);
    if (used > 0) {
        bool named = false;
        for (int q = 0; q < used; q++)
            named |= ss->covered_by && strcmp(ss->covered_by, inst->facilitators[cov[q]].id) == 0;
        if (!ss->covered_by)
            V(6, "session", ent, "session of %s on %s is led by %s in place of %s but covered_by is missing",
              id, ds, inst->facilitators[cov[0]].id, absent_id);
        else if (!named)
            V(6, "session", ent, "session of %s on %s names covered_by %s, who does not lead it", id,
              ds, ss->covered_by);
    } else if (ss->covered_by) {
        V(6, "session", ent, "session of %s on %s names covered_by %s, who does not lead it", id, ds,
          ss->covered_by);
    }
    /* Which absent role each stand-in fills: in list order (primary first),
     * unless another assignment lets every stand-in hold its role's
     * credentials (e.g. one stand-in for the co-facilitator while the
     * primary's session is uncovered). */
    int role_of[8];
    for (int q = 0; q < ncov; q++)
        role_of[q] = q < used ? absent[q] : -1;
    if (nabs == 2 && used >= 1) {
        const model_strlist *need[2] = {&ty->required_credentials, &ty->cofacilitator_credentials};
        bool ok_as[2][2]; /* ok_as[q][role] */
        for (int q = 0; q < used; q++)
            for (int k = 0; k < 2; k++)
                ok_as[q][k] = model_facilitator_holds(&inst->facilitators[cov[q]], need[k]);
        if (used == 1 && !ok_as[0][0] && ok_as[0][1])
            role_of[0] = 1;
        if (used == 2 && !(ok_as[0][0] && ok_as[1][1]) && ok_as[0][1] && ok_as[1][0]) {
            role_of[0] = 1;
            role_of[1] = 0;
        }
    }
    if (ss->uncovered)
        for (int x = 0; x < nabs; x++) {
            bool filled = false;
            for (int q = 0; q < used; q++)
                filled |= role_of[q] == absent[x];
            if (!filled)
                vec_push(c, &dt->uncov,
                         &(uncov){i, s, pos, ss->date, st, en, absent[x]}, sizeof(uncov));
        }
    for (int q = 0; q < ncov; q++) {
        int f = cov[q];
        const model_facilitator *fa = &inst->facilitators[f];
        vec_push(c, &dt->leads, &(lead){f, ss->date, st, en, i, pos, true, moved}, sizeof(lead));
        if (role_of[q] >= 0) {
            int role = role_of[q];
            const model_strlist *need = role == 0 ? &ty->required_credentials
                                                  : &ty->cofacilitator_credentials;
            if (!model_facilitator_holds(fa, need)) {
                char miss[256];
                missing_creds(fa, need, miss, sizeof miss);
                V(6, "facilitator", fa->id,
                  "%s covers %s on %s for %s (%s) but lacks credential(s) %s", fa->id, id, ds,
                  inst->facilitators[gi->fac[role]].id, role == 0 ? "primary" : "co-facilitator",
                  miss);
            }
        }
        if (model_facilitator_off(inst, f, ss->date))
            V(6, "facilitator", fa->id, "%s covers %s on %s but is on time off that day", fa->id,
              id, ds);
        int wd = model_date_weekday(ss->date);
        if (!model_windows_fit(fa->available, fa->n_available, wd, st, en - st))
            V(6, "facilitator", fa->id, "%s covers %s on %s but is not available at %s", fa->id,
              id, ds, slot_str(b1, wd, st, en));
        /* Consecutive covers of this group by the same person (sessions
         * on closed dates aside). */
        if (pos < 0)
            continue;
        int *run_len = dt->run_len, *run_pos = dt->run_pos, *run_grp = dt->run_grp;
        if (run_grp[f] == i && run_pos[f] == pos - 1)
            run_len[f]++;
        else
            run_len[f] = 1;
        run_grp[f] = i;
        run_pos[f] = pos;
        if (run_len[f] == inst->settings.max_consecutive_cover + 1)
            V(6, "facilitator", fa->id,
              "%s covers more than %d consecutive sessions of %s (max_consecutive_cover), through %s",
              fa->id, inst->settings.max_consecutive_cover, id, ds);
    }
}

/* Dates a group meets on over the horizon, closed ones included, into
 * dates (at most W); open[e] = index of dates[e] among the open ones, or -1
 * when closed.  Returns how many. */
static int meeting_dates(const ctx *c, int i, int *dates, int *open)
{
    const model_instance *inst = c->inst;
    const ginfo *gi = &c->gi[i];
    int n = 0, k = 0;
    for (int w = 0; w < inst->program.horizon_weeks; w++) {
        if (!model_meets_in_week(gtype(c, gi)->cadence, gi->parity, w))
            continue;
        dates[n] = inst->program.horizon_start + 7 * w + gi->day;
        open[n] = model_date_closed(inst, dates[n]) ? -1 : k++;
        n++;
    }
    return n;
}

static void check_group_sessions(ctx *c, int i, const sref *blk, int nb, dated *dt, int *dates,
                                 int *open, char *seen)
{
    const model_instance *inst = c->inst;
    const ginfo *gi = &c->gi[i];
    const model_sol_group *sg = &c->sol->groups[i];
    const model_group_type *ty = gtype(c, gi);
    const char *id = sgid(c, i);
    int ne = meeting_dates(c, i, dates, open);
    memset(seen, 0, (size_t)(ne > 0 ? ne : 1));
    char bad[200] = "", mism[200] = "";
    int nbad = 0, nmism = 0;
    for (int k = 0; k < nb; k++) {
        const model_sol_session *ss = &c->sol->sessions[blk[k].s];
        char ds[11], ent[160];
        date_str(ds, ss->date);
        snprintf(ent, sizeof ent, "%s@%s", id, ds);
        /* Reported, and the session's other checks still run. */
        if (model_date_closed(inst, ss->date))
            V(10, "session", ent, "group %s has a session on %s, a closed date", id, ds);
        int e = -1;
        for (int x = 0; x < ne && e < 0; x++)
            if (dates[x] == ss->date)
                e = x;
        if (e < 0) {
            nbad++;
            list_add(bad, sizeof bad, ds);
            continue;
        }
        if (seen[e]) {
            V(6, "session", ent, "group %s has its session of %s listed twice", id, ds);
            continue;
        }
        seen[e] = 1;
        bool room_ok = ty->modality != MODEL_IN_PERSON ||
                       (ss->room && sg->room && strcmp(ss->room, sg->room) == 0);
        if (ss->start != sg->start || ss->end != sg->end || !room_ok) {
            nmism++;
            list_add(mism, sizeof mism, ds);
        }
        check_session_cover(c, i, blk[k].s, open[e], dt);
    }
    if (nbad)
        V(6, "group", id,
          "%d session(s) of %s fall on dates it does not meet (%s); it meets %s, %s%s", nbad, id,
          bad, model_day_name(gi->day), model_cadence_name(ty->cadence),
          ty->cadence == MODEL_BIWEEKLY ? (gi->parity ? " in odd horizon weeks"
                                                      : " in even horizon weeks (from week 1)")
                                        : "");
    if (nmism)
        V(2, "group", id,
          "%d session(s) of %s (%s) differ from the group's start, end or room", nmism, id, mism);
    char miss[200] = "";
    int nmiss = 0;
    int nopen = 0;
    for (int e = 0; e < ne; e++)
        nopen += open[e] >= 0;
    for (int e = 0; e < ne; e++)
        if (!seen[e] && open[e] >= 0) {
            char ds[11];
            nmiss++;
            list_add(miss, sizeof miss, date_str(ds, dates[e]));
        }
    if (nmiss)
        V(6, "group", id,
          "%d of the %d sessions of %s are missing from sessions[] (%s); sessions are never dropped",
          nmiss, nopen, id, miss);
}

/* Overlapping leads of one facilitator on one date, at the sessions' own
 * times: a cover clashing with anything is rule 6; two regular sessions
 * clashing only because one was moved is rule 4 (the weekly template's
 * clashes are reported by check_pairs). */
static void check_lead_pair(ctx *c, const lead *u, const lead *v)
{
    int mb = c->inst->settings.min_break_min;
    if (!(u->cover || v->cover || u->moved || v->moved) ||
        !overlaps(u->start, u->end, v->start, v->end, mb))
        return;
    const char *fid = c->inst->facilitators[u->f].id;
    char ds[11], b1[32], b2[32];
    date_str(ds, u->date);
    int wd = model_date_weekday(u->date);
    const char *tight = overlaps(u->start, u->end, v->start, v->end, 0) ? "" : " (min_break_min)";
    if (!u->cover && !v->cover) {
        V(4, "facilitator", fid, "facilitator %s leads %s (%s) and %s (%s) at overlapping times on %s%s",
          fid, sgid(c, u->gi), slot_str(b1, wd, u->start, u->end), sgid(c, v->gi),
          slot_str(b2, wd, v->start, v->end), ds, tight);
        return;
    }
    const lead *cv = u->cover ? u : v, *ot = u->cover ? v : u;
    V(6, "facilitator", fid, "%s covers %s on %s (%s) while %s %s (%s) at an overlapping time%s",
      fid, sgid(c, cv->gi), ds, slot_str(b1, wd, cv->start, cv->end),
      ot->cover ? "also covering" : "leading", sgid(c, ot->gi),
      slot_str(b2, wd, ot->start, ot->end), tight);
}

static int week_of(const model_instance *inst, int date)
{
    return (int)floor((date - inst->program.horizon_start) / 7.0);
}

/* Dated checks per facilitator: caps (rule 4, or rule 6 when covers take
 * part) and clashes (check_lead_pair).  Leaves the leads sorted by
 * facilitator, date and start. */
static void check_dated_leads(ctx *c, dated *dt)
{
    const model_instance *inst = c->inst;
    lead *ld = LEADS(dt);
    int n = dt->leads.n;
    if (n == 0)
        return;
    qsort(ld, (size_t)n, sizeof *ld, lead_cmp);
    for (int a = 0; a < n;) {
        int f = ld[a].f, b = a;
        while (b < n && ld[b].f == f)
            b++;
        const char *fid = inst->facilitators[f].id;
        int capd = model_facilitator_max_per_day(inst, f);
        int capw = model_facilitator_max_per_week(inst, f);
        /* Per date. */
        for (int x = a; x < b;) {
            int y = x, ncover = 0;
            while (y < b && ld[y].date == ld[x].date)
                ncover += ld[y++].cover;
            char ds[11];
            date_str(ds, ld[x].date);
            if (y - x > capd && (ncover > 0 || !c->tflag_day[f * 7 + model_date_weekday(ld[x].date)])) {
                char names[256] = "";
                for (int k = x; k < y; k++)
                    list_add(names, sizeof names, sgid(c, ld[k].gi));
                V(ncover ? 6 : 4, "facilitator", fid,
                  "facilitator %s leads %d sessions on %s (%s%s); max_per_day is %d", fid, y - x,
                  ds, names, ncover ? ", including covers" : "", capd);
            }
            for (int p = x; p < y; p++)
                for (int q = p + 1; q < y; q++)
                    check_lead_pair(c, &ld[p], &ld[q]);
            x = y;
        }
        /* Per horizon week. */
        for (int x = a; x < b;) {
            int wk = week_of(inst, ld[x].date);
            int y = x, ncover = 0;
            while (y < b && week_of(inst, ld[y].date) == wk)
                ncover += ld[y++].cover;
            if (y - x > capw && (ncover > 0 || !c->tflag_week[f])) {
                char ds[11];
                V(ncover ? 6 : 4, "facilitator", fid,
                  "facilitator %s leads %d sessions in week %d (from %s%s); max_per_week is %d",
                  fid, y - x, wk + 1, date_str(ds, inst->program.horizon_start + 7 * wk),
                  ncover ? ", including covers" : "", capw);
            }
            x = y;
        }
        a = b;
    }
}

/* Rule 2 on dates: a room hosting two sessions at overlapping own times,
 * where one of them was moved (time or room) from its group's template
 * (template clashes are reported by check_pairs). */
static void check_dated_rooms(ctx *c, dated *dt)
{
    ruse *ru = dt->rooms.a;
    int n = dt->rooms.n;
    if (n == 0)
        return;
    qsort(ru, (size_t)n, sizeof *ru, ruse_cmp);
    for (int x = 0; x < n; x++)
        for (int y = x + 1; y < n && ru[y].room == ru[x].room && ru[y].date == ru[x].date; y++) {
            const ruse *u = &ru[x], *v = &ru[y];
            if (!(u->moved || v->moved) || !overlaps(u->start, u->end, v->start, v->end, 0))
                continue;
            char ds[11], b1[32], b2[32];
            int wd = model_date_weekday(u->date);
            const char *rid = c->inst->rooms[u->room].id;
            V(2, "room", rid, "room %s hosts %s (%s) and %s (%s) at overlapping times on %s", rid,
              sgid(c, u->gi), slot_str(b1, wd, u->start, u->end), sgid(c, v->gi),
              slot_str(b2, wd, v->start, v->end), date_str(ds, u->date));
        }
}

/* True when f covers session pos of group gi (leads of f are ld[a..b)). */
static bool covers_at(const lead *ld, int a, int b, int gi, int pos)
{
    for (int k = a; k < b; k++)
        if (ld[k].cover && ld[k].gi == gi && ld[k].pos == pos)
            return true;
    return false;
}

/* Could f have taken role u->role of the uncovered session u (rule 6):
 * not one of the group's facilitators nor listed on it, credentialed for
 * the role, not on time off, available at the session's time, leading
 * nothing then (min_break_min), within max_per_day and max_per_week
 * counting what f leads and covers, and not making more than
 * max_consecutive_cover consecutive covers of the group? */
static bool could_cover(const ctx *c, const dated *dt, const uncov *u, int f)
{
    const model_instance *inst = c->inst;
    const ginfo *gi = &c->gi[u->gi];
    const model_group_type *ty = gtype(c, gi);
    const model_facilitator *fa = &inst->facilitators[f];
    const model_sol_session *ss = &c->sol->sessions[u->s];
    if (leads(gi, f) || model_strlist_find(&ss->facilitators, fa->id) >= 0 ||
        model_facilitator_off(inst, f, u->date) ||
        !model_facilitator_holds(fa, u->role == 0 ? &ty->required_credentials
                                                  : &ty->cofacilitator_credentials) ||
        !model_windows_fit(fa->available, fa->n_available, model_date_weekday(u->date), u->start,
                           u->end - u->start))
        return false;
    const lead *ld = LEADS(dt);
    int a = 0, n = dt->leads.n, wk = week_of(inst, u->date);
    for (int hi = n; a < hi;) { /* first lead of f (sorted by facilitator) */
        int mid = a + (hi - a) / 2;
        if (ld[mid].f < f)
            a = mid + 1;
        else
            hi = mid;
    }
    int b = a, nday = 0, nweek = 0;
    for (; b < n && ld[b].f == f; b++) {
        if (ld[b].date == u->date) {
            nday++;
            if (overlaps(u->start, u->end, ld[b].start, ld[b].end, inst->settings.min_break_min))
                return false;
        }
        nweek += week_of(inst, ld[b].date) == wk;
    }
    if (nday + 1 > model_facilitator_max_per_day(inst, f) ||
        nweek + 1 > model_facilitator_max_per_week(inst, f))
        return false;
    if (u->pos < 0)
        return true;
    int run = 1;
    for (int p = u->pos - 1; p >= 0 && covers_at(ld, a, b, u->gi, p); p--)
        run++;
    for (int p = u->pos + 1; covers_at(ld, a, b, u->gi, p); p++)
        run++;
    return run <= inst->settings.max_consecutive_cover;
}

/* Rule 6: a session may be marked uncovered only when no one could cover
 * it: the substitute first, then every other facilitator. */
static void check_uncovered(ctx *c, const dated *dt)
{
    const model_instance *inst = c->inst;
    const uncov *un = dt->uncov.a;
    for (int k = 0; k < dt->uncov.n; k++) {
        const uncov *u = &un[k];
        const ginfo *gi = &c->gi[u->gi];
        int who = gi->sub >= 0 && could_cover(c, dt, u, gi->sub) ? gi->sub : -1;
        for (int f = 0; f < inst->n_facilitators && who < 0; f++)
            if (could_cover(c, dt, u, f))
                who = f;
        if (who < 0)
            continue;
        char ds[11], ent[160];
        const char *id = sgid(c, u->gi);
        snprintf(ent, sizeof ent, "%s@%s", id, date_str(ds, u->date));
        V(6, "session", ent,
          "session of %s on %s is marked uncovered, but %s (%s) could cover the %s: credentialed, available, free and within caps",
          id, ds, inst->facilitators[who].id, who == gi->sub ? "its substitute" : "not its substitute",
          u->role == 0 ? "primary facilitator" : "co-facilitator");
    }
}

static void check_sessions(ctx *c)
{
    const model_instance *inst = c->inst;
    const model_solution *sol = c->sol;
    int ns = sol->n_sessions, nf = inst->n_facilitators, W = inst->program.horizon_weeks;
    sref *refs = malloc((size_t)(ns > 0 ? ns : 1) * sizeof *refs);
    int *run = malloc((size_t)(nf > 0 ? nf : 1) * 3 * sizeof *run);
    int *dates = malloc((size_t)(W > 0 ? W : 1) * 2 * sizeof *dates);
    char *seen = malloc((size_t)(W > 0 ? W : 1));
    dated dt;
    memset(&dt, 0, sizeof dt);
    if (!refs || !run || !dates || !seen) {
        c->err = MODEL_ENOMEM;
        goto out;
    }
    for (int f = 0; f < nf * 3; f++)
        run[f] = -2;
    dt.run_len = run;
    dt.run_pos = run + nf;
    dt.run_grp = run + 2 * nf;
    int nr = 0;
    for (int s = 0; s < ns; s++) {
        const model_sol_session *ss = &sol->sessions[s];
        char ds[11], ent[160];
        date_str(ds, ss->date);
        snprintf(ent, sizeof ent, "%s@%s", ss->group ? ss->group : "?", ds);
        int i = model_idmap_get(&c->solgroups, ss->group);
        if (i < 0) {
            if (model_idmap_get(&c->groups, ss->group) >= 0)
                V(1, "session", ent, "group %s has a session on %s but is not in the solution's groups",
                  ss->group, ds);
            else
                V(6, "session", ent, "session on %s names group %s, which the instance does not offer",
                  ds, ss->group ? ss->group : "(none)");
            continue;
        }
        if (!sol->groups[i].running) {
            V(1, "session", ent, "group %s is not running but has a session on %s", ss->group, ds);
            continue;
        }
        if (!c->gi[i].valid)
            continue; /* unknown group: already reported */
        if (!timed(&c->gi[i]) && model_date_closed(inst, ss->date)) {
            V(10, "session", ent, "group %s has a session on %s, a closed date", ss->group, ds);
            continue;
        }
        refs[nr++] = (sref){i, ss->date, s};
    }
    qsort(refs, (size_t)nr, sizeof *refs, sref_cmp);
    int k = 0;
    for (int i = 0; i < sol->n_groups; i++) {
        if (!c->gi[i].valid)
            continue;
        int b = k;
        while (b < nr && refs[b].gi == i)
            b++;
        if (timed(&c->gi[i]))
            check_group_sessions(c, i, refs + k, b - k, &dt, dates, dates + (W > 0 ? W : 1), seen);
        k = b;
    }
    if (!c->err)
        check_dated_leads(c, &dt);
    if (!c->err)
        check_dated_rooms(c, &dt);
    if (!c->err)
        check_uncovered(c, &dt);
out:
    free(refs);
    free(run);
    free(dates);
    free(seen);
    free(dt.leads.a);
    free(dt.rooms.a);
    free(dt.uncov.a);
}

/* ------------------------------------------------------------ metrics */

static bool close_enough(double a, double b)
{
    double m = fmax(1.0, fmax(fabs(a), fabs(b)));
    return fabs(a - b) <= MODEL_CHECK_TOLERANCE * m;
}

static void mismatch(ctx *c, const char *field, double reported, double expected,
                     const char *note)
{
    if (c->err || close_enough(reported, expected))
        return;
    model_check_report *r = c->rep;
    char msg[512];
    snprintf(msg, sizeof msg, "%s reported as %.10g, recomputed %.10g%s%s", field, reported,
             expected, note ? "; " : "", note ? note : "");
    char *f = model_strdup(field), *m = model_strdup(msg);
    if (f && m && r->n_mismatches == r->cap_mismatches) {
        int ncap = r->cap_mismatches ? r->cap_mismatches * 2 : 8;
        model_metric_mismatch *na = realloc(r->mismatches, (size_t)ncap * sizeof *na);
        if (na) {
            r->mismatches = na;
            r->cap_mismatches = ncap;
        }
    }
    if (!f || !m || r->n_mismatches == r->cap_mismatches) {
        free(f);
        free(m);
        c->err = MODEL_ENOMEM;
        return;
    }
    r->mismatches[r->n_mismatches++] =
        (model_metric_mismatch){.field = f, .reported = reported, .expected = expected, .message = m};
}

static bool metrics_present(const model_metrics *m)
{
    return m->n_load > 0 || m->n_per_type > 0 || m->placed || m->waitlist_before ||
           m->waitlist_after || m->seats || m->seats_filled || m->groups_running ||
           m->member_sessions || m->projected_revenue != 0.0 ||
           m->mean_wait_days_placed != 0.0 || m->uncovered_sessions;
}

static void compare_metrics(ctx *c)
{
    const model_metrics *got = &c->sol->metrics, *exp = &c->rep->metrics;
    char field[200];
    c->rep->metrics_reported = metrics_present(got);
    if (c->rep->metrics_reported) {
#define CMP(name) mismatch(c, "metrics." #name, (double)got->name, (double)exp->name, NULL)
        CMP(placed);
        CMP(waitlist_before);
        CMP(waitlist_after);
        CMP(seats);
        CMP(seats_filled);
        CMP(groups_running);
        CMP(member_sessions);
        CMP(projected_revenue);
        CMP(mean_wait_days_placed);
        CMP(uncovered_sessions);
#undef CMP
        for (int f = 0; f < exp->n_load; f++) {
            int k = -1;
            for (int q = 0; q < got->n_load && k < 0; q++)
                if (got->load_ids[q] && strcmp(got->load_ids[q], exp->load_ids[f]) == 0)
                    k = q;
            snprintf(field, sizeof field, "metrics.facilitator_load.%s", exp->load_ids[f]);
            mismatch(c, field, k >= 0 ? got->load[k] : 0.0, exp->load[f],
                     k >= 0 ? NULL : "missing from the solution");
        }
        for (int q = 0; q < got->n_load; q++) {
            bool known = false;
            for (int f = 0; f < exp->n_load && !known; f++)
                known = got->load_ids[q] && strcmp(got->load_ids[q], exp->load_ids[f]) == 0;
            if (!known) {
                snprintf(field, sizeof field, "metrics.facilitator_load.%s",
                         got->load_ids[q] ? got->load_ids[q] : "?");
                mismatch(c, field, got->load[q] != 0.0 ? got->load[q] : 1.0, 0.0,
                         "not a facilitator of the instance");
            }
        }
        for (int t = 0; t < exp->n_per_type; t++) {
            const model_type_metrics *e = &exp->per_type[t], *g = NULL;
            model_type_metrics zero = {0};
            for (int q = 0; q < got->n_per_type && !g; q++)
                if (got->per_type[q].type && strcmp(got->per_type[q].type, e->type) == 0)
                    g = &got->per_type[q];
            const char *note = g ? NULL : "type missing from metrics.per_type";
            if (!g)
                g = &zero;
#define TCMP(name)                                                                        \
    do {                                                                                  \
        snprintf(field, sizeof field, "metrics.per_type.%s." #name, e->type);             \
        mismatch(c, field, (double)g->name, (double)e->name, note);                        \
    } while (0)
            TCMP(groups_running);
            TCMP(seats);
            TCMP(seats_filled);
            TCMP(placed);
            TCMP(member_sessions);
            TCMP(projected_revenue);
#undef TCMP
        }
    }
    const model_objective_terms *rt = &c->sol->terms;
    model_objective_terms *et = &c->rep->terms;
    et->changes = rt->changes; /* needs the baseline; taken as reported */
    c->rep->objective = model_objective_total(et);
    c->rep->terms_reported = rt->placement != 0.0 || rt->wait != 0.0 || rt->priority != 0.0 ||
                             rt->empty_seats != 0.0 || rt->load_balance != 0.0 ||
                             rt->changes != 0.0;
    if (c->rep->terms_reported) {
        mismatch(c, "objective_terms.placement", rt->placement, et->placement, NULL);
        mismatch(c, "objective_terms.wait", rt->wait, et->wait, NULL);
        mismatch(c, "objective_terms.priority", rt->priority, et->priority, NULL);
        mismatch(c, "objective_terms.empty_seats", rt->empty_seats, et->empty_seats, NULL);
        mismatch(c, "objective_terms.load_balance", rt->load_balance, et->load_balance, NULL);
    }
    /* Objective absent (NaN, as readers store it) or 0 without terms: not reported. */
    if (isfinite(c->sol->objective) && (c->rep->terms_reported || c->sol->objective != 0.0))
        mismatch(c, "objective", c->sol->objective, c->rep->objective,
                 "the objective is the sum of objective_terms (changes as reported)");
}

/* -------------------------------------------------------------- entry */

/* Violations in rule order, each rule's in the order found (stable). */
static void sort_violations(model_check_report *r)
{
    for (int i = 1; i < r->n_violations; i++) {
        model_violation x = r->violations[i];
        int j = i;
        while (j > 0 && r->violations[j - 1].rule > x.rule) {
            r->violations[j] = r->violations[j - 1];
            j--;
        }
        r->violations[j] = x;
    }
}

void model_check_report_free(model_check_report *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n_violations; i++) {
        free(r->violations[i].entity);
        free(r->violations[i].message);
    }
    free(r->violations);
    for (int i = 0; i < r->n_mismatches; i++) {
        free(r->mismatches[i].field);
        free(r->mismatches[i].message);
    }
    free(r->mismatches);
    model_metrics_free(&r->metrics);
    memset(r, 0, sizeof *r);
}

static int build_maps(ctx *c)
{
    const model_instance *inst = c->inst;
    const model_solution *sol = c->sol;
    if (model_idmap_build(&c->groups, inst->groups, inst->n_groups, sizeof(model_group),
                          offsetof(model_group, id)) ||
        model_idmap_build(&c->types, inst->types, inst->n_types, sizeof(model_group_type),
                          offsetof(model_group_type, id)) ||
        model_idmap_build(&c->rooms, inst->rooms, inst->n_rooms, sizeof(model_room),
                          offsetof(model_room, id)) ||
        model_idmap_build(&c->facs, inst->facilitators, inst->n_facilitators,
                          sizeof(model_facilitator), offsetof(model_facilitator, id)) ||
        model_idmap_build(&c->patients, inst->patients, inst->n_patients, sizeof(model_patient),
                          offsetof(model_patient, id)) ||
        model_idmap_build(&c->solgroups, sol->groups, sol->n_groups, sizeof(model_sol_group),
                          offsetof(model_sol_group, id)))
        return MODEL_ENOMEM;
    c->gi = calloc((size_t)(sol->n_groups > 0 ? sol->n_groups : 1), sizeof *c->gi);
    c->sg_of = malloc((size_t)(inst->n_groups > 0 ? inst->n_groups : 1) * sizeof *c->sg_of);
    c->tflag_day = calloc((size_t)(inst->n_facilitators > 0 ? inst->n_facilitators : 1) * 7, 1);
    c->tflag_week = calloc((size_t)(inst->n_facilitators > 0 ? inst->n_facilitators : 1), 1);
    if (!c->gi || !c->sg_of || !c->tflag_day || !c->tflag_week)
        return MODEL_ENOMEM;
    for (int g = 0; g < inst->n_groups; g++)
        c->sg_of[g] = -1;
    for (int i = sol->n_groups - 1; i >= 0; i--) {
        int g = model_idmap_get(&c->groups, sol->groups[i].id);
        if (g >= 0)
            c->sg_of[g] = i;
    }
    return MODEL_OK;
}

static void ctx_free(ctx *c)
{
    model_idmap_free(&c->groups);
    model_idmap_free(&c->types);
    model_idmap_free(&c->rooms);
    model_idmap_free(&c->facs);
    model_idmap_free(&c->patients);
    model_idmap_free(&c->solgroups);
    free(c->gi);
    free(c->sg_of);
    free(c->tflag_day);
    free(c->tflag_week);
}

int model_check(const model_instance *inst, const model_solution *sol, model_check_report *out)
{
    if (!inst || !sol || !out)
        return MODEL_EINVAL;
    model_check_report rep;
    memset(&rep, 0, sizeof rep);
    ctx c;
    memset(&c, 0, sizeof c);
    c.inst = inst;
    c.sol = sol;
    c.rep = &rep;
    c.err = build_maps(&c);
    if (!c.err) {
        check_group_entries(&c);
        for (int i = 0; i < sol->n_groups && !c.err; i++) {
            if (!c.gi[i].valid)
                continue;
            check_slot_and_room(&c, i);
            check_facilitators(&c, i);
            check_pinned(&c, i);
        }
    }
    if (!c.err)
        check_pairs(&c);
    if (!c.err)
        check_template_caps(&c);
    if (!c.err)
        check_members(&c);
    if (!c.err)
        check_sessions(&c);
    if (!c.err)
        c.err = model_metrics_compute(inst, sol, &rep.metrics);
    if (!c.err)
        c.err = model_objective_terms_compute(inst, sol, NULL, &rep.terms);
    if (!c.err)
        compare_metrics(&c);
    ctx_free(&c);
    if (!c.err)
        sort_violations(&rep);
    if (c.err) {
        model_check_report_free(&rep);
        return c.err;
    }
    *out = rep;
    return MODEL_OK;
}
