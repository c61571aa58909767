/* check.c - the independent checker: every hard rule 1-10 of the SPEC on
 * any solution (planner output, hand-written, another tool's), plus the
 * recomputed metrics.  Shares no code with solver/: it reads the instance
 * and the solution as plain data and tests each rule directly.  The dated
 * sessions (rules 6 and 10) are in check_sessions.c. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_private.h"

/* ------------------------------------------------------------ context */

int push_violation(ctx *c, int rule, const char *kind, const char *id, const char *fmt, ...)
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

/* ------------------------------------------------- rules 1, 2, 3, 5, 9 */

static void check_group_entries(ctx *c)
{
    const model_instance *inst = c->inst;
    const model_solution *sol = c->sol;
    for (int i = 0; i < sol->n_groups; i++) {
        const model_sol_group *sg = &sol->groups[i];
        ginfo *gi = &c->gi[i];
        gi->g = gi->t = gi->day = gi->start = gi->end = gi->room = gi->sub = -1;
        gi->fac[0] = gi->fac[1] = -1;
        gi->parity = model_sol_group_parity(inst, sol, i); /* absent: the sessions' weeks */
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
            check_authorization(c, i, p);
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
        chk_sessions(&c);
    if (!c.err)
        c.err = model_metrics_compute(inst, sol, &rep.metrics);
    if (!c.err)
        c.err = model_objective_terms_compute(inst, sol, NULL, &rep.terms);
    if (!c.err)
        compare_metrics(&c);
    if (!c.err) /* a relaxed plan's declared exceptions (model/exceptions.c) */
        c.err = model_exceptions_apply(inst, sol, &rep);
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
