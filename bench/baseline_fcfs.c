/*
 * baseline_fcfs.c - the first-come-first-served baseline: the schedule a
 * coordinator builds by hand, for the benchmark suite.
 *
 * 1. Timetable: must-run groups, pinned ones first then instance order, each
 *    at its pinned fields or at the first feasible (day, start, parity) in
 *    day order then slot_starts order; first fitting room, primary,
 *    co-facilitator and substitute in instance order (hard rules 2-5).  A
 *    group whose continuing members are below min_size needs a slot where
 *    enough eligible waitlisted patients fit; the oldest are reserved.
 *    Optional groups are not opened.
 * 2. Patients: oldest waitlisted first (by `added`, absent last) into the
 *    first open seat, groups by (day, start), that fits rules 7 and 8.
 * 3. Sessions with coverage (rule 6), metrics and objective terms.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "baseline_fcfs_private.h"

#define DAY_MIN (24 * 60)
#define MAX_REASONS 6

static int ivec_push(ivec *a, int x)
{
    if (a->n == a->cap) {
        int ncap = a->cap ? a->cap * 2 : 8;
        int *nv = realloc(a->v, (size_t)ncap * sizeof *nv);
        if (!nv)
            return SOLVER_ENOMEM;
        a->v = nv;
        a->cap = ncap;
    }
    a->v[a->n++] = x;
    return SOLVER_OK;
}

/* Pinned time of a reserved group. */
static void pinned_time(const fcfs *fc, int g, int *day, int *start, int *end)
{
    const model_group *gr = &fc->inst->groups[g];
    *day = gr->pinned.day;
    *start = gr->pinned.start;
    *end = gr->pinned.start + fc->inst->types[gr->type_idx].duration_min;
}

/* Does a reservation of group h (other than g) clash with the candidate
 * time?  Week parity is not known yet: any shared weekday counts. */
static bool res_clash(const fcfs *fc, int h, int g, int day, int start, int end, int brk)
{
    if (h == g || !fc->gs[h].reserved)
        return false;
    int d, s, e;
    pinned_time(fc, h, &d, &s, &e);
    return d == day && s < end + brk && start < e + brk;
}

/* Reserved regular assignments of f on day (weekly) other than g's own. */
static int res_count(const fcfs *fc, int f, int g, int day, bool whole_week)
{
    int n = whole_week ? fc->res_week[f] : fc->res_day[f * 7 + day];
    if (fc->gs[g].reserved) {
        const model_pinned *pin = &fc->inst->groups[g].pinned;
        for (int r = 0; r < 2; r++)
            if (pin->facilitator_idx[r] == f && (whole_week || pin->day == day))
                n--;
    }
    return n;
}

/* ------------------------------------------------------------ helpers */

static bool share_week(const fcfs *fc, model_cadence c1, int p1, model_cadence c2, int p2)
{
    for (int w = 0; w < fc->W; w++)
        if (model_meets_in_week(c1, p1, w) && model_meets_in_week(c2, p2, w))
            return true;
    return false;
}

model_cadence gcad(const fcfs *fc, int g)
{
    return fc->inst->types[fc->inst->groups[g].type_idx].cadence;
}

/* Overlap of group g's slot with a candidate slot (same day, a common
 * meeting week, times within brk of each other). */
static bool slot_overlap(const fcfs *fc, int g, int day, int start, int end,
                         model_cadence cad, int parity, int brk)
{
    const gstate *a = &fc->gs[g];
    if (a->day != day)
        return false;
    if (!(a->start < end + brk && start < a->end + brk))
        return false;
    return share_week(fc, gcad(fc, g), a->parity, cad, parity);
}

/* Can facilitator f lead (role 0/1) group g at the candidate slot? */
static bool fac_can_lead(const fcfs *fc, int f, int g, const gstate *c)
{
    const model_instance *inst = fc->inst;
    const model_facilitator *fa = &inst->facilitators[f];
    model_cadence cad = gcad(fc, g);
    int brk = inst->settings.min_break_min;
    if (!model_windows_fit(fa->available, fa->n_available, c->day, c->start, c->end - c->start))
        return false;
    const ivec *e = &fc->fac_entries[f];
    for (int i = 0; i < e->n; i++)
        if (slot_overlap(fc, e->v[i] / 3, c->day, c->start, c->end, cad, c->parity, brk))
            return false;
    const ivec *rv = &fc->fac_res[f];
    for (int i = 0; i < rv->n; i++)
        if (res_clash(fc, rv->v[i] / 3, g, c->day, c->start, c->end, brk))
            return false;
    int md = model_facilitator_max_per_day(inst, f) - res_count(fc, f, g, c->day, false);
    int mw = model_facilitator_max_per_week(inst, f) - res_count(fc, f, g, c->day, true);
    for (int w = 0; w < fc->W; w++) {
        if (!model_meets_in_week(cad, c->parity, w))
            continue;
        if (fc->cnt_day[((size_t)f * fc->W + w) * 7 + c->day] + 1 > md ||
            fc->cnt_week[(size_t)f * fc->W + w] + 1 > mw)
            return false;
    }
    return true;
}

/* Can facilitator f be group g's designated substitute at the candidate slot? */
static bool fac_can_sub(const fcfs *fc, int f, int g, const gstate *c)
{
    const model_instance *inst = fc->inst;
    const model_facilitator *fa = &inst->facilitators[f];
    const model_group_type *t = &inst->types[inst->groups[g].type_idx];
    if (f == c->fac[0] || f == c->fac[1])
        return false;
    if (!model_facilitator_holds(fa, &t->required_credentials))
        return false;
    if (!model_windows_fit(fa->available, fa->n_available, c->day, c->start, c->end - c->start))
        return false;
    const ivec *e = &fc->fac_entries[f];
    for (int i = 0; i < e->n; i++)
        if (e->v[i] % 3 != 2 && slot_overlap(fc, e->v[i] / 3, c->day, c->start, c->end, t->cadence,
                                             c->parity, inst->settings.min_break_min))
            return false;
    const ivec *rv = &fc->fac_res[f];
    for (int i = 0; i < rv->n; i++)
        if (rv->v[i] % 3 != 2 && res_clash(fc, rv->v[i] / 3, g, c->day, c->start, c->end,
                                           inst->settings.min_break_min))
            return false;
    return true;
}

static bool room_fits(const fcfs *fc, int r, int g, const gstate *c, bool check_props)
{
    const model_instance *inst = fc->inst;
    const model_room *ro = &inst->rooms[r];
    const model_group_type *t = &inst->types[inst->groups[g].type_idx];
    if (check_props) {
        if (ro->capacity < t->max_size)
            return false;
        for (int i = 0; i < t->room_features.n; i++)
            if (model_strlist_find(&ro->features, t->room_features.items[i]) < 0)
                return false;
        if (!model_windows_fit(ro->available, ro->n_available, c->day, c->start, c->end - c->start))
            return false;
    }
    const ivec *e = &fc->room_entries[r];
    for (int i = 0; i < e->n; i++)
        if (slot_overlap(fc, e->v[i], c->day, c->start, c->end, t->cadence, c->parity, 0))
            return false;
    const ivec *rv = &fc->room_res[r];
    for (int i = 0; i < rv->n; i++)
        if (res_clash(fc, rv->v[i], g, c->day, c->start, c->end, 0))
            return false;
    return true;
}

/* Why patient p can never join a group of type t (NULL when they can, as
 * far as flags, type, modality, age and gender go).  buf receives the text. */
static const char *static_reason(const model_instance *inst, int p, int t, char *buf, size_t n)
{
    const model_patient *pa = &inst->patients[p];
    const model_group_type *ty = &inst->types[t];
    model_fit fit = model_patient_type_fit(inst, p, t);
    switch (fit) {
    case MODEL_FIT_OK:
        break;
    case MODEL_FIT_TYPE:
        snprintf(buf, n, "not referred to or diagnosed for %s", ty->id);
        return buf;
    case MODEL_FIT_MODALITY:
        snprintf(buf, n, "%s groups are %s; patient needs %s", ty->id,
                 model_modality_name(ty->modality), model_modality_name(pa->modality));
        return buf;
    case MODEL_FIT_AGE:
        if (pa->age < 0)
            snprintf(buf, n, "age unknown and %s groups restrict age", ty->id);
        else
            snprintf(buf, n, "age %d outside the age range of %s groups", pa->age, ty->id);
        return buf;
    case MODEL_FIT_GENDER:
        snprintf(buf, n, "%s groups are for gender %s", ty->id, ty->gender);
        return buf;
    default: /* screening, insurance */
        return model_fit_name(fit);
    }
    if (ty->composition.max_age_spread >= 0 && pa->age < 0) {
        snprintf(buf, n, "age unknown and %s groups limit the age spread", ty->id);
        return buf;
    }
    return NULL;
}

enum { FIT_OK = 0, FIT_WINDOW, FIT_FULL, FIT_SHARE, FIT_HIGH, FIT_AGE };

/* Can patient p (statically eligible) join the group in state s of type t? */
static int dyn_fit(const model_instance *inst, const gstate *s, int t, int p)
{
    const model_patient *pa = &inst->patients[p];
    const model_group_type *ty = &inst->types[t];
    if (!model_windows_fit(pa->available, pa->n_available, s->day, s->start, s->end - s->start))
        return FIT_WINDOW;
    int members = s->cont + s->newp.n;
    if (members + 1 > ty->max_size)
        return FIT_FULL;
    const model_composition *c = &ty->composition;
    if (model_new_share_exceeded(c, s->newp.n + 1, s->cont, members + 1))
        return FIT_SHARE;
    if (c->max_high_acuity >= 0 && pa->acuity == MODEL_ACUITY_HIGH && s->high + 1 > c->max_high_acuity)
        return FIT_HIGH;
    if (c->max_age_spread >= 0 && pa->age >= 0 && s->age_lo <= s->age_hi) {
        int lo = pa->age < s->age_lo ? pa->age : s->age_lo;
        int hi = pa->age > s->age_hi ? pa->age : s->age_hi;
        if (hi - lo > c->max_age_spread && hi - lo > s->age_hi - s->age_lo)
            return FIT_AGE;
    }
    return FIT_OK;
}

static void state_add(const model_instance *inst, gstate *s, int p)
{
    const model_patient *pa = &inst->patients[p];
    if (pa->acuity == MODEL_ACUITY_HIGH)
        s->high++;
    if (pa->age >= 0) {
        if (s->age_lo > s->age_hi) {
            s->age_lo = s->age_hi = pa->age;
        } else {
            if (pa->age < s->age_lo)
                s->age_lo = pa->age;
            if (pa->age > s->age_hi)
                s->age_hi = pa->age;
        }
    }
}

static int place(fcfs *fc, int g, int p)
{
    if (ivec_push(&fc->gs[g].newp, p) != SOLVER_OK)
        return SOLVER_ENOMEM;
    state_add(fc->inst, &fc->gs[g], p);
    fc->placed_in[p] = g;
    return SOLVER_OK;
}

/* Simulate filling group g at candidate slot c with the oldest unplaced
 * eligible patients until `need` fit; the chosen patients go to out (may be
 * NULL).  Returns how many fit (<= need). */
static int recruit(const fcfs *fc, int g, const gstate *c, int need, const ivec *elig, ivec *out)
{
    const model_instance *inst = fc->inst;
    int t = inst->groups[g].type_idx;
    gstate tmp = *c;
    int got = 0;
    tmp.newp.n = 0;
    for (int i = 0; i < elig->n && got < need; i++) {
        int p = elig->v[i];
        if (fc->placed_in[p] >= 0)
            continue;
        if (dyn_fit(inst, &tmp, t, p) != FIT_OK)
            continue;
        state_add(inst, &tmp, p);
        tmp.newp.n++; /* counts only; the vector itself is not written */
        got++;
        if (out && ivec_push(out, p) != SOLVER_OK)
            return -1;
    }
    return got;
}

/* Record group g's timetable choice in the occupancy tables. */
static int commit_group(fcfs *fc, int g)
{
    gstate *s = &fc->gs[g];
    model_cadence cad = gcad(fc, g);
    s->running = true;
    if (s->reserved) {
        const model_pinned *pin = &fc->inst->groups[g].pinned;
        for (int r = 0; r < 2; r++) {
            int f = pin->facilitator_idx[r];
            if (f >= 0) {
                fc->res_day[f * 7 + pin->day]--;
                fc->res_week[f]--;
            }
        }
        s->reserved = false;
    }
    for (int r = 0; r < 2; r++) {
        int f = s->fac[r];
        if (f < 0)
            continue;
        if (ivec_push(&fc->fac_entries[f], g * 3 + r) != SOLVER_OK)
            return SOLVER_ENOMEM;
        for (int w = 0; w < fc->W; w++)
            if (model_meets_in_week(cad, s->parity, w)) {
                fc->cnt_day[((size_t)f * fc->W + w) * 7 + s->day]++;
                fc->cnt_week[(size_t)f * fc->W + w]++;
            }
    }
    if (s->sub >= 0 && ivec_push(&fc->fac_entries[s->sub], g * 3 + 2) != SOLVER_OK)
        return SOLVER_ENOMEM;
    if (s->room >= 0 && ivec_push(&fc->room_entries[s->room], g) != SOLVER_OK)
        return SOLVER_ENOMEM;
    return SOLVER_OK;
}

/* Pick facilitators, substitute and room for g at candidate slot c (day,
 * start, end, parity set).  True when all found (written into c). */
static bool staff_slot(const fcfs *fc, int g, gstate *c)
{
    const model_instance *inst = fc->inst;
    const model_group *gr = &inst->groups[g];
    const model_group_type *t = &inst->types[gr->type_idx];
    const model_pinned *pin = &gr->pinned;
    int F = inst->n_facilitators;

    /* Room. */
    c->room = -1;
    if (pin->room_idx >= 0) {
        if (!room_fits(fc, pin->room_idx, g, c, t->modality == MODEL_IN_PERSON))
            return false;
        c->room = pin->room_idx;
    } else if (t->modality == MODEL_IN_PERSON) {
        for (int r = 0; r < inst->n_rooms && c->room < 0; r++)
            if (room_fits(fc, r, g, c, true))
                c->room = r;
        if (c->room < 0)
            return false;
    }

    bool want_co = t->cofacilitation || pin->facilitator_idx[1] >= 0;
    int p_lo = 0, p_hi = F;
    if (pin->facilitator_idx[0] >= 0) {
        p_lo = pin->facilitator_idx[0];
        p_hi = p_lo + 1;
    }
    for (int f0 = p_lo; f0 < p_hi; f0++) {
        if (pin->facilitator_idx[0] < 0 &&
            !model_facilitator_holds(&inst->facilitators[f0], &t->required_credentials))
            continue;
        if (!fac_can_lead(fc, f0, g, c))
            continue;
        int c_lo = 0, c_hi = want_co ? F : 1;
        if (pin->facilitator_idx[1] >= 0) {
            c_lo = pin->facilitator_idx[1];
            c_hi = c_lo + 1;
        }
        for (int f1 = c_lo; f1 < c_hi; f1++) {
            int co = want_co ? f1 : -1;
            if (co >= 0) {
                if (co == f0)
                    continue;
                if (pin->facilitator_idx[1] < 0 &&
                    !model_facilitator_holds(&inst->facilitators[co], &t->cofacilitator_credentials))
                    continue;
                if (!fac_can_lead(fc, co, g, c))
                    continue;
            }
            c->fac[0] = f0;
            c->fac[1] = co;
            int s_lo = 0, s_hi = F;
            if (pin->substitute_idx >= 0) {
                s_lo = pin->substitute_idx;
                s_hi = s_lo + 1;
            }
            for (int s = s_lo; s < s_hi; s++)
                if (fac_can_sub(fc, s, g, c)) {
                    c->sub = s;
                    return true;
                }
        }
    }
    return false;
}

/* Timetable group g.  *found = false when no feasible slot exists; *short_min
 * = true when it was placed without enough patients to reach min_size. */
static int timetable_group(fcfs *fc, int g, bool *found, bool *short_min)
{
    const model_instance *inst = fc->inst;
    const model_group *gr = &inst->groups[g];
    const model_group_type *t = &inst->types[gr->type_idx];
    const model_pinned *pin = &gr->pinned;
    gstate *s = &fc->gs[g];
    int need = t->min_size - s->cont;
    ivec elig = {0}, pick = {0};
    int rc = SOLVER_OK;
    char buf[160];
    *found = false;
    *short_min = false;

    if (need > 0)
        for (int i = 0; i < fc->n_order; i++) {
            int p = fc->order[i];
            if (!static_reason(inst, p, gr->type_idx, buf, sizeof buf) &&
                ivec_push(&elig, p) != SOLVER_OK) {
                rc = SOLVER_ENOMEM;
                goto done;
            }
        }

    /* Two passes: with enough patients to reach min_size, then without. */
    for (int pass = need > 0 ? 0 : 1; pass < 2 && !*found; pass++)
        for (int day = 0; day < 7 && !*found; day++) {
            if (pin->has_day ? day != pin->day : !(inst->program.days_mask & (1 << day)))
                continue;
            int ns = pin->has_start ? 1 : inst->program.n_slot_starts;
            for (int k = 0; k < ns && !*found; k++) {
                int start = pin->has_start ? pin->start : inst->program.slot_starts[k];
                if (start + t->duration_min > DAY_MIN)
                    continue;
                int npar = t->cadence == MODEL_BIWEEKLY && fc->W >= 2 ? 2 : 1;
                for (int par = 0; par < npar && !*found; par++) {
                    gstate c = *s;
                    c.day = day;
                    c.start = start;
                    c.end = start + t->duration_min;
                    c.parity = par;
                    if (pass == 0 && recruit(fc, g, &c, need, &elig, NULL) < need)
                        continue;
                    if (!staff_slot(fc, g, &c))
                        continue;
                    *s = c;
                    *found = true;
                    *short_min = pass == 1 && need > 0;
                }
            }
        }
    if (!*found)
        goto done;
    if ((rc = commit_group(fc, g)) != SOLVER_OK)
        goto done;
    if (need > 0) {
        if (recruit(fc, g, s, need, &elig, &pick) < 0) {
            rc = SOLVER_ENOMEM;
            goto done;
        }
        for (int i = 0; i < pick.n; i++)
            if ((rc = place(fc, g, pick.v[i])) != SOLVER_OK)
                goto done;
    }
done:
    free(elig.v);
    free(pick.v);
    return rc;
}

/* ------------------------------------------------------------ solution */

/* Human-readable reasons why waitlisted patient p was not placed. */
static int unplaced_reasons(const fcfs *fc, int p, model_strlist *out)
{
    const model_instance *inst = fc->inst;
    char buf[160], line[256];
    const model_patient *pa = &inst->patients[p];
    if (!pa->screened && model_strlist_push(out, "not screened") != MODEL_OK)
        return SOLVER_ENOMEM;
    if (!pa->insurance_verified && model_strlist_push(out, "insurance not verified") != MODEL_OK)
        return SOLVER_ENOMEM;
    if (out->n)
        return SOLVER_OK;
    int candidates = 0, more = 0;
    for (int g = 0; g < inst->n_groups; g++) {
        const gstate *s = &fc->gs[g];
        int t = inst->groups[g].type_idx;
        if (!s->running || !model_patient_type_match(inst, p, t))
            continue;
        candidates++;
        const char *why = static_reason(inst, p, t, buf, sizeof buf);
        const char *gid = inst->groups[g].id;
        if (why) {
            snprintf(line, sizeof line, "%s (group %s)", why, gid);
        } else {
            char st[6];
            model_time_format(s->start, st);
            switch (dyn_fit(inst, s, t, p)) {
            case FIT_WINDOW:
                snprintf(line, sizeof line, "group %s meets %s %s, outside their availability",
                         gid, model_day_name(s->day), st);
                break;
            case FIT_FULL: snprintf(line, sizeof line, "group %s is full", gid); break;
            case FIT_SHARE:
                snprintf(line, sizeof line, "would exceed the new-member share of group %s", gid);
                break;
            case FIT_HIGH:
                snprintf(line, sizeof line, "would exceed %d high-acuity members in group %s",
                         inst->types[t].composition.max_high_acuity, gid);
                break;
            case FIT_AGE:
                snprintf(line, sizeof line, "would widen the age spread of group %s beyond %d years",
                         gid, inst->types[t].composition.max_age_spread);
                break;
            default:
                snprintf(line, sizeof line, "group %s had no seat left when their turn came", gid);
                break;
            }
        }
        if (out->n >= MAX_REASONS) {
            more++;
            continue;
        }
        if (model_strlist_push(out, line) != MODEL_OK)
            return SOLVER_ENOMEM;
    }
    if (more) {
        snprintf(line, sizeof line, "and %d more groups that do not fit", more);
        if (model_strlist_push(out, line) != MODEL_OK)
            return SOLVER_ENOMEM;
    }
    if (candidates == 0 &&
        model_strlist_push(out, "no running group of a type they are referred to or diagnosed for") !=
            MODEL_OK)
        return SOLVER_ENOMEM;
    return SOLVER_OK;
}

static int build_groups(const fcfs *fc, model_solution *sol)
{
    const model_instance *inst = fc->inst;
    sol->groups = calloc((size_t)inst->n_groups + 1, sizeof *sol->groups);
    if (!sol->groups)
        return SOLVER_ENOMEM;
    sol->n_groups = inst->n_groups;
    for (int g = 0; g < inst->n_groups; g++) {
        const model_group *gr = &inst->groups[g];
        const gstate *s = &fc->gs[g];
        model_sol_group *o = &sol->groups[g];
        o->day = o->start = o->end = -1;
        if (!(o->id = model_strdup(gr->id)) || !(o->type = model_strdup(inst->types[gr->type_idx].id)))
            return SOLVER_ENOMEM;
        if (!s->running)
            continue;
        o->running = true;
        o->day = s->day;
        o->start = s->start;
        o->end = s->end;
        o->week_parity = s->parity;
        if (s->room >= 0 && !(o->room = model_strdup(inst->rooms[s->room].id)))
            return SOLVER_ENOMEM;
        for (int r = 0; r < 2; r++)
            if (s->fac[r] >= 0 &&
                model_strlist_push(&o->facilitators, inst->facilitators[s->fac[r]].id) != MODEL_OK)
                return SOLVER_ENOMEM;
        if (s->sub >= 0 && !(o->substitute = model_strdup(inst->facilitators[s->sub].id)))
            return SOLVER_ENOMEM;
        for (int m = 0; m < gr->n_members; m++)
            if (model_status_occupies(gr->members[m].status) &&
                model_strlist_push(&o->members, gr->members[m].patient) != MODEL_OK)
                return SOLVER_ENOMEM;
        for (int i = 0; i < s->newp.n; i++) {
            const char *pid = inst->patients[s->newp.v[i]].id;
            if (model_strlist_push(&o->members, pid) != MODEL_OK ||
                model_strlist_push(&o->new_members, pid) != MODEL_OK)
                return SOLVER_ENOMEM;
        }
    }
    return SOLVER_OK;
}

static int build_unplaced(const fcfs *fc, model_solution *sol)
{
    const model_instance *inst = fc->inst;
    int n = 0;
    for (int i = 0; i < fc->n_order; i++)
        if (fc->placed_in[fc->order[i]] < 0)
            n++;
    sol->unplaced = calloc((size_t)n + 1, sizeof *sol->unplaced);
    if (!sol->unplaced)
        return SOLVER_ENOMEM;
    for (int p = 0; p < inst->n_patients; p++) {
        if (!fc->waitlisted[p] || fc->placed_in[p] >= 0)
            continue;
        model_sol_unplaced *u = &sol->unplaced[sol->n_unplaced++];
        if (!(u->patient = model_strdup(inst->patients[p].id)))
            return SOLVER_ENOMEM;
        int rc = unplaced_reasons(fc, p, &u->reasons);
        if (rc != SOLVER_OK)
            return rc;
    }
    return SOLVER_OK;
}

/* A trivially valid upper bound: every statically eligible waitlisted
 * patient placed at full value, no penalties. */
static double trivial_bound(const fcfs *fc)
{
    const model_instance *inst = fc->inst;
    const model_weights *w = &inst->settings.weights;
    char buf[160];
    double b = 0;
    for (int i = 0; i < fc->n_order; i++) {
        int p = fc->order[i];
        bool any = false;
        for (int t = 0; t < inst->n_types && !any; t++)
            any = !static_reason(inst, p, t, buf, sizeof buf);
        if (!any)
            continue;
        const model_patient *pa = &inst->patients[p];
        double wait = pa->added >= 0 && inst->program.horizon_start > pa->added
                          ? (inst->program.horizon_start - pa->added) / 7.0
                          : 0.0;
        double v = w->placement + w->wait_per_week * wait + w->priority * pa->priority;
        if (v > 0)
            b += v;
    }
    return b;
}

typedef struct okey {
    int added; /* INT_MAX-like when absent */
    int priority;
    int idx;
} okey;

static int okey_cmp(const void *a, const void *b)
{
    const okey *x = a, *y = b;
    if (x->added != y->added)
        return x->added < y->added ? -1 : 1;
    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int gorder_cmp_ctx_day(const gstate *a, const gstate *b)
{
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return 0;
}

static void fcfs_free(fcfs *fc)
{
    const model_instance *inst = fc->inst;
    if (fc->gs)
        for (int g = 0; g < inst->n_groups; g++)
            free(fc->gs[g].newp.v);
    free(fc->gs);
    free(fc->placed_in);
    free(fc->waitlisted);
    free(fc->order);
    if (fc->fac_entries)
        for (int f = 0; f < inst->n_facilitators; f++)
            free(fc->fac_entries[f].v);
    free(fc->fac_entries);
    if (fc->room_entries)
        for (int r = 0; r < inst->n_rooms; r++)
            free(fc->room_entries[r].v);
    free(fc->room_entries);
    free(fc->cnt_day);
    free(fc->cnt_week);
    if (fc->fac_res)
        for (int f = 0; f < inst->n_facilitators; f++)
            free(fc->fac_res[f].v);
    free(fc->fac_res);
    if (fc->room_res)
        for (int r = 0; r < inst->n_rooms; r++)
            free(fc->room_res[r].v);
    free(fc->room_res);
    free(fc->res_day);
    free(fc->res_week);
    free(fc->gorder);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int solver_baseline_fcfs(const model_instance *inst, model_solution **out)
{
    if (!inst || !out || inst->program.horizon_weeks < 1)
        return SOLVER_EINVAL;
    for (int g = 0; g < inst->n_groups; g++)
        if (inst->groups[g].type_idx < 0 || inst->groups[g].type_idx >= inst->n_types)
            return SOLVER_EINVAL;
    double t0 = now_s();
    int G = inst->n_groups, P = inst->n_patients, F = inst->n_facilitators, R = inst->n_rooms;
    fcfs fc = {0};
    model_solution *sol = NULL;
    okey *keys = NULL;
    int *gord = NULL;
    int rc = SOLVER_ENOMEM;
    fc.inst = inst;
    fc.W = inst->program.horizon_weeks;
    fc.gs = calloc((size_t)G + 1, sizeof *fc.gs);
    fc.placed_in = malloc(((size_t)P + 1) * sizeof *fc.placed_in);
    fc.waitlisted = calloc((size_t)P + 1, sizeof *fc.waitlisted);
    fc.order = malloc(((size_t)P + 1) * sizeof *fc.order);
    fc.fac_entries = calloc((size_t)F + 1, sizeof *fc.fac_entries);
    fc.room_entries = calloc((size_t)R + 1, sizeof *fc.room_entries);
    fc.cnt_day = calloc((size_t)F * fc.W * 7 + 1, sizeof *fc.cnt_day);
    fc.cnt_week = calloc((size_t)F * fc.W + 1, sizeof *fc.cnt_week);
    fc.fac_res = calloc((size_t)F + 1, sizeof *fc.fac_res);
    fc.room_res = calloc((size_t)R + 1, sizeof *fc.room_res);
    fc.res_day = calloc((size_t)F * 7 + 1, sizeof *fc.res_day);
    fc.res_week = calloc((size_t)F + 1, sizeof *fc.res_week);
    fc.gorder = malloc(((size_t)G + 1) * sizeof *fc.gorder);
    keys = malloc(((size_t)P + 1) * sizeof *keys);
    gord = malloc(((size_t)G + 1) * sizeof *gord);
    sol = model_solution_create();
    if (!fc.gs || !fc.placed_in || !fc.waitlisted || !fc.order || !fc.fac_entries ||
        !fc.room_entries || !fc.cnt_day || !fc.cnt_week || !fc.fac_res || !fc.room_res ||
        !fc.res_day || !fc.res_week || !fc.gorder || !keys || !gord || !sol)
        goto fail;

    /* Waitlist, oldest first. */
    int nk = 0;
    for (int p = 0; p < P; p++) {
        fc.placed_in[p] = -1;
        fc.waitlisted[p] = model_patient_waitlisted(inst, p);
        if (!fc.waitlisted[p])
            continue;
        keys[nk].added = inst->patients[p].added >= 0 ? inst->patients[p].added : 0x7fffffff;
        keys[nk].priority = inst->patients[p].priority;
        keys[nk].idx = p;
        nk++;
    }
    qsort(keys, (size_t)nk, sizeof *keys, okey_cmp);
    for (int i = 0; i < nk; i++)
        fc.order[i] = keys[i].idx;
    fc.n_order = nk;

    /* Continuing members. */
    for (int g = 0; g < G; g++) {
        gstate *s = &fc.gs[g];
        s->day = s->start = s->end = -1;
        s->room = s->sub = -1;
        s->fac[0] = s->fac[1] = -1;
        s->age_lo = 1;
        s->age_hi = 0;
        const model_group *gr = &inst->groups[g];
        for (int m = 0; m < gr->n_members; m++) {
            if (!model_status_occupies(gr->members[m].status))
                continue;
            s->cont++;
            int p = gr->members[m].patient_idx;
            if (p >= 0)
                state_add(inst, s, p);
        }
    }

    /* Reservations: a must-run group with pinned day and start holds its
     * pinned facilitators, substitute and room at that time. */
    for (int g = 0; g < G; g++) {
        const model_group *gr = &inst->groups[g];
        const model_pinned *pin = &gr->pinned;
        if (gr->optional || !pin->has_day || !pin->has_start)
            continue;
        fc.gs[g].reserved = true;
        for (int r = 0; r < 2; r++) {
            int f = pin->facilitator_idx[r];
            if (f < 0)
                continue;
            if (ivec_push(&fc.fac_res[f], g * 3 + r) != SOLVER_OK)
                goto fail;
            fc.res_day[f * 7 + pin->day]++;
            fc.res_week[f]++;
        }
        if (pin->substitute_idx >= 0 &&
            ivec_push(&fc.fac_res[pin->substitute_idx], g * 3 + 2) != SOLVER_OK)
            goto fail;
        if (pin->room_idx >= 0 && ivec_push(&fc.room_res[pin->room_idx], g) != SOLVER_OK)
            goto fail;
    }

    /* 1. Timetable, hardest first: pinned groups (most pinned fields
     * first), then the rest by how few facilitators can lead them. */
    {
        okey *gk = malloc(((size_t)G + 1) * sizeof *gk);
        if (!gk)
            goto fail;
        int n = 0;
        for (int g = 0; g < G; g++) {
            const model_group *gr = &inst->groups[g];
            const model_pinned *pin = &gr->pinned;
            if (gr->optional)
                continue;
            int npin = pin->has_day + pin->has_start + (pin->room != NULL) +
                       (pin->facilitators.n > 0) + (pin->substitute != NULL);
            const model_group_type *t = &inst->types[gr->type_idx];
            int able = 0;
            for (int f = 0; f < F; f++)
                able += model_facilitator_holds(&inst->facilitators[f], &t->required_credentials) &&
                        (!t->cofacilitation || F > 1);
            if (t->cofacilitation) {
                int co = 0;
                for (int f = 0; f < F; f++)
                    co += model_facilitator_holds(&inst->facilitators[f],
                                                  &t->cofacilitator_credentials);
                able = able < co ? able : co;
            }
            gk[n].added = npin > 0 ? -npin : 0; /* pinned first */
            gk[n].priority = -able;             /* fewer able facilitators first */
            gk[n].idx = g;
            n++;
        }
        qsort(gk, (size_t)n, sizeof *gk, okey_cmp);
        for (int i = 0; i < n; i++)
            fc.gorder[i] = gk[i].idx;
        free(gk);
        for (int i = 0; i < n; i++) {
            int g = fc.gorder[i];
            const model_group *gr = &inst->groups[g];
            bool found, short_min;
            if ((rc = timetable_group(&fc, g, &found, &short_min)) != SOLVER_OK)
                goto fail;
            rc = SOLVER_ENOMEM;
            char line[256];
            if (!found) {
                snprintf(line, sizeof line,
                         "first-come-first-served: group %s (type %s) has no feasible day, time, "
                         "room and facilitators left",
                         gr->id, inst->types[gr->type_idx].id);
                if (model_strlist_push(&sol->diagnosis, line) != MODEL_OK)
                    goto fail;
            } else if (short_min) {
                snprintf(line, sizeof line,
                         "first-come-first-served: group %s runs below min_size %d: too few "
                         "eligible waitlisted patients fit its slot",
                         gr->id, inst->types[gr->type_idx].min_size);
                if (model_strlist_push(&sol->diagnosis, line) != MODEL_OK)
                    goto fail;
            }
        }
    }

    /* 2. Oldest waitlisted first into the first open seat that fits. */
    int ng = 0;
    for (int g = 0; g < G; g++)
        if (fc.gs[g].running)
            gord[ng++] = g;
    for (int i = 1; i < ng; i++) { /* insertion sort by (day, start), stable */
        int x = gord[i], j = i - 1;
        while (j >= 0 && gorder_cmp_ctx_day(&fc.gs[gord[j]], &fc.gs[x]) > 0) {
            gord[j + 1] = gord[j];
            j--;
        }
        gord[j + 1] = x;
    }
    {
        char buf[160];
        for (int i = 0; i < fc.n_order; i++) {
            int p = fc.order[i];
            if (fc.placed_in[p] >= 0)
                continue;
            for (int k = 0; k < ng; k++) {
                int g = gord[k], t = inst->groups[g].type_idx;
                if (static_reason(inst, p, t, buf, sizeof buf) ||
                    dyn_fit(inst, &fc.gs[g], t, p) != FIT_OK)
                    continue;
                if (place(&fc, g, p) != SOLVER_OK)
                    goto fail;
                break;
            }
        }
    }

    /* 3. Solution: groups, sessions, unplaced, metrics, objective. */
    bool any_missing = false;
    for (int g = 0; g < G; g++)
        if (!inst->groups[g].optional && !fc.gs[g].running)
            any_missing = true;
    if ((rc = build_groups(&fc, sol)) != SOLVER_OK || (rc = expand_sessions(&fc, sol)) != SOLVER_OK ||
        (rc = build_unplaced(&fc, sol)) != SOLVER_OK)
        goto fail;
    rc = SOLVER_ENOMEM;
    if (model_metrics_compute(inst, sol, &sol->metrics) != MODEL_OK ||
        model_objective_terms_compute(inst, sol, NULL, &sol->terms) != MODEL_OK)
        goto fail;
    sol->status = any_missing ? MODEL_STATUS_INFEASIBLE : MODEL_STATUS_FEASIBLE;
    sol->objective = model_objective_total(&sol->terms);
    sol->bound = trivial_bound(&fc);
    if (sol->bound < sol->objective)
        sol->bound = sol->objective;
    sol->gap = fabs(sol->bound - sol->objective) / (fabs(sol->objective) + DBL_EPSILON);
    sol->solve_seconds = now_s() - t0;
    free(keys);
    free(gord);
    fcfs_free(&fc);
    *out = sol;
    return SOLVER_OK;
fail:
    free(keys);
    free(gord);
    fcfs_free(&fc);
    model_solution_destroy(sol);
    return rc;
}
