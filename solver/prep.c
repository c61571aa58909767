/* prep.c - the prepared problem: candidate placements, eligibility, demand
 * classes (see sv.h). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinic.h"
#include "sv.h"

double sv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void sv_log(const sv_prob *pr, const char *fmt, ...)
{
    if (!pr || !pr->verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    flockfile(stderr); /* one line, whole, when the bound thread logs too */
    fprintf(stderr, "[%6.2fs] ", sv_now() - pr->t0);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
    va_end(ap);
}

int sv_overlap(const sv_cand *a, const sv_cand *b, int brk)
{
    return a->day == b->day && (a->pmask & b->pmask) && a->start < b->end + brk &&
           b->start < a->end + brk;
}

int sv_patient_fits(const sv_prob *pr, int p, int g, int j)
{
    const sv_group *G = &pr->g[g];
    if (!pr->placeable[p] || !sv_fits(pr, p, G->cand[j].ts))
        return 0;
    if (G->age_lo >= 0) {
        int a = pr->inst->patients[p].age;
        if (a < G->age_lo || a > G->age_hi)
            return 0;
    }
    return 1;
}

static void cand_free(sv_cand *c)
{
    free(c->prim);
    free(c->co);
    free(c->room);
    free(c->sub);
}

void sv_prob_free(sv_prob *pr)
{
    if (!pr)
        return;
    if (pr->base) {
        for (int g = 0; g < pr->ng; g++)
            free(pr->base[g].members);
        free(pr->base);
    }
    for (int g = 0; g < pr->ng && pr->g; g++) {
        for (int j = 0; j < pr->g[g].n_cand; j++)
            cand_free(&pr->g[g].cand[j]);
        free(pr->g[g].cand);
        free(pr->g[g].held_pat);
    }
    free(pr->g);
    free(pr->maxday);
    free(pr->maxweek);
    free(pr->waitlisted);
    free(pr->placeable);
    free(pr->value);
    free(pr->high);
    free(pr->age_key);
    free(pr->elig_type);
    free(pr->ts_type);
    free(pr->ts_day);
    free(pr->ts_start);
    free(pr->fit);
    if (pr->gpat)
        for (int g = 0; g < pr->ng; g++)
            free(pr->gpat[g]);
    free(pr->gpat);
    free(pr->n_gpat);
    memset(pr, 0, sizeof *pr);
}

static int resolve_fac(const model_instance *inst, int idx, const char *id)
{
    if (idx >= 0)
        return idx;
    return id ? model_find_facilitator(inst, id) : -1;
}

/* Size of the union of up to three small index sets (marks has nf zeros). */
static int union_size(char *marks, const int *a, int na, const int *b, int nb, const int *c,
                      int nc)
{
    int n = 0;
    for (int i = 0; i < na; i++)
        if (!marks[a[i]]++)
            n++;
    for (int i = 0; i < nb; i++)
        if (!marks[b[i]]++)
            n++;
    for (int i = 0; i < nc; i++)
        if (!marks[c[i]]++)
            n++;
    for (int i = 0; i < na; i++)
        marks[a[i]] = 0;
    for (int i = 0; i < nb; i++)
        marks[b[i]] = 0;
    for (int i = 0; i < nc; i++)
        marks[c[i]] = 0;
    return n;
}

/* Distinct primary, co-facilitator (when needed) and substitute exist (Hall). */
static int roles_distinct_possible(char *marks, const sv_cand *c, int cofac)
{
    if (c->n_prim < 1 || c->n_sub < 1 || (cofac && c->n_co < 1))
        return 0;
    if (union_size(marks, c->prim, c->n_prim, c->sub, c->n_sub, NULL, 0) < 2)
        return 0;
    if (!cofac)
        return 1;
    return union_size(marks, c->prim, c->n_prim, c->co, c->n_co, NULL, 0) >= 2 &&
           union_size(marks, c->co, c->n_co, c->sub, c->n_sub, NULL, 0) >= 2 &&
           union_size(marks, c->prim, c->n_prim, c->co, c->n_co, c->sub, c->n_sub) >= 3;
}

static int type_eligible(const model_instance *inst, int p, int t)
{
    if (model_patient_profile_fit(inst, p, t) != MODEL_FIT_OK)
        return 0;
    /* Planner policy beyond rule 7: an unknown age cannot be shown to keep
     * max_age_spread (rule 8), so such a patient is not placed there. */
    if (inst->types[t].composition.max_age_spread >= 0 && inst->patients[p].age < 0)
        return 0;
    return 1;
}

static int patient_index(const model_instance *inst, const model_member *m)
{
    if (m->patient_idx >= 0 && m->patient_idx < inst->n_patients)
        return m->patient_idx;
    return model_find_patient(inst, m->patient);
}

static int build_group(sv_prob *pr, int gi, int *tsmap, int nslot, const int *slots,
                       char *marks)
{
    const model_instance *inst = pr->inst;
    const model_group *mg = &inst->groups[gi];
    sv_group *G = &pr->g[gi];
    int t = mg->type_idx >= 0 ? mg->type_idx : model_find_type(inst, mg->type);
    if (t < 0)
        return SOLVER_EINVAL;
    const model_group_type *ty = &inst->types[t];
    G->idx = gi;
    G->type = t;
    G->must = !mg->optional;
    G->dur = ty->duration_min;
    G->cofac = ty->cofacilitation;
    G->inperson = ty->modality == MODEL_IN_PERSON;
    G->sym = -1;
    G->held_age_min = G->held_age_max = -1;
    G->age_lo = G->age_hi = -1;
    G->spread = ty->composition.max_age_spread;
    const model_pinned *pin = &mg->pinned;
    G->pinned = pin->has_day || pin->has_start || pin->room || pin->facilitators.n > 0 ||
                pin->substitute;
    if (mg->n_members > 0 && !(G->held_pat = malloc((size_t)mg->n_members * sizeof(int))))
        return SOLVER_ENOMEM;
    for (int k = 0; k < mg->n_members; k++) {
        const model_member *m = &mg->members[k];
        if (!model_status_occupies(m->status))
            continue;
        G->held++;
        int p = patient_index(inst, m);
        if (p < 0)
            continue;
        G->held_pat[G->n_held_pat++] = p;
        const model_patient *pa = &inst->patients[p];
        if (pa->acuity == MODEL_ACUITY_HIGH)
            G->held_high++;
        if (pa->age >= 0) {
            if (G->held_age_min < 0 || pa->age < G->held_age_min)
                G->held_age_min = pa->age;
            if (G->held_age_max < 0 || pa->age > G->held_age_max)
                G->held_age_max = pa->age;
        }
    }
    G->cap = ty->max_size - G->held;
    G->max_new = SV_INF_INT;
    double sh = ty->composition.max_new_share;
    if (sh >= 0 && sh < 1 && G->held > 0)
        G->max_new = (int)floor(sh * G->held / (1.0 - sh) + 1e-9);
    G->max_new_high = SV_INF_INT;
    if (ty->composition.max_high_acuity >= 0) {
        int h = ty->composition.max_high_acuity - G->held_high;
        G->max_new_high = h > 0 ? h : 0;
    }
    if (G->spread >= 0 && G->held_age_min >= 0 &&
        G->held_age_max - G->held_age_min > G->spread) {
        G->age_lo = G->held_age_min;
        G->age_hi = G->held_age_max;
    }

    int pf0 = -1, pf1 = -1, psub = -1, proom = -1;
    if (pin->facilitators.n > 0)
        pf0 = resolve_fac(inst, pin->facilitator_idx[0], pin->facilitators.items[0]);
    if (pin->facilitators.n > 1)
        pf1 = resolve_fac(inst, pin->facilitator_idx[1], pin->facilitators.items[1]);
    if (pin->substitute)
        psub = resolve_fac(inst, pin->substitute_idx, pin->substitute);
    if (pin->room)
        proom = pin->room_idx >= 0 ? pin->room_idx : model_find_room(inst, pin->room);
    G->fixed_pin_f[0] = pf0;
    G->fixed_pin_f[1] = pf1;
    G->fixed_pin_sub = psub;
    G->fixed_pin_room = proom;
    /* A pin that names an unknown entity, or two facilitators for a group
     * without co-facilitation, or a room for a telehealth group: no
     * candidate (the pre-checks explain). */
    int bad_pin = (pin->facilitators.n > 0 && pf0 < 0) || (pin->facilitators.n > 1 && pf1 < 0) ||
                  (pin->facilitators.n > 1 && !G->cofac) || pin->facilitators.n > 2 ||
                  (pin->substitute && psub < 0) || (pin->room && (proom < 0 || !G->inperson));

    int np = pr->nparity;
    int maxc = 7 * nslot * 2;
    G->cand = calloc((size_t)maxc, sizeof *G->cand);
    if (!G->cand)
        return SOLVER_ENOMEM;
    int nf = pr->nf, nr = pr->nr;
    int *bp = malloc(sizeof(int) * (size_t)(nf + 1)), *bc = malloc(sizeof(int) * (size_t)(nf + 1));
    int *bs = malloc(sizeof(int) * (size_t)(nf + 1)), *br = malloc(sizeof(int) * (size_t)(nr + 1));
    if (!bp || !bc || !bs || !br) {
        free(bp), free(bc), free(bs), free(br);
        return SOLVER_ENOMEM;
    }
    for (int d = 0; d < 7 && !bad_pin; d++) {
        if (!(inst->program.days_mask & (1 << d)))
            continue;
        if (pin->has_day && pin->day != d)
            continue;
        for (int k = 0; k < nslot; k++) {
            int s = slots[k];
            if (pin->has_start && pin->start != s)
                continue;
            if (s + G->dur > 24 * 60)
                continue;
            int nbp = 0, nbc = 0, nbs = 0, nbr = 0;
            for (int f = 0; f < nf; f++) {
                const model_facilitator *fa = &inst->facilitators[f];
                if (!model_windows_fit(fa->available, fa->n_available, d, s, G->dur))
                    continue;
                int hold_req = model_facilitator_holds(fa, &ty->required_credentials);
                if (hold_req && (pf0 < 0 || pf0 == f))
                    bp[nbp++] = f;
                if (G->cofac && model_facilitator_holds(fa, &ty->cofacilitator_credentials) &&
                    (pf1 < 0 || pf1 == f))
                    bc[nbc++] = f;
                if (hold_req && (psub < 0 || psub == f) && f != pf0 && f != pf1)
                    bs[nbs++] = f;
            }
            if (G->inperson) {
                for (int r = 0; r < nr; r++) {
                    const model_room *ro = &inst->rooms[r];
                    if (proom >= 0 && proom != r)
                        continue;
                    if (ro->capacity < ty->max_size)
                        continue;
                    int okf = 1;
                    for (int q = 0; q < ty->room_features.n && okf; q++)
                        okf = model_strlist_find(&ro->features, ty->room_features.items[q]) >= 0;
                    if (!okf || !model_windows_fit(ro->available, ro->n_available, d, s, G->dur))
                        continue;
                    br[nbr++] = r;
                }
                if (nbr == 0)
                    continue;
            }
            int npar = ty->cadence == MODEL_BIWEEKLY ? np : 1;
            for (int par = 0; par < npar; par++) {
                sv_cand c;
                memset(&c, 0, sizeof c);
                c.day = d;
                c.start = s;
                c.end = s + G->dur;
                if (ty->cadence == MODEL_BIWEEKLY) {
                    c.parity = par;
                    c.pmask = 1 << par;
                } else {
                    c.parity = -1;
                    c.pmask = np == 2 ? 3 : 1;
                }
                c.prim = bp;
                c.n_prim = nbp;
                c.co = bc;
                c.n_co = nbc;
                c.sub = bs;
                c.n_sub = nbs;
                c.room = br;
                c.n_room = nbr;
                if (!roles_distinct_possible(marks, &c, G->cofac))
                    continue;
                int key = (t * 7 + d) * nslot + k;
                if (tsmap[key] < 0)
                    tsmap[key] = pr->nts++;
                c.ts = tsmap[key];
                sv_cand *dst = &G->cand[G->n_cand];
                *dst = c;
                dst->prim = malloc(sizeof(int) * (size_t)(nbp + 1));
                dst->co = malloc(sizeof(int) * (size_t)(nbc + 1));
                dst->sub = malloc(sizeof(int) * (size_t)(nbs + 1));
                dst->room = malloc(sizeof(int) * (size_t)(nbr + 1));
                if (!dst->prim || !dst->co || !dst->sub || !dst->room) {
                    cand_free(dst);
                    free(bp), free(bc), free(bs), free(br);
                    return SOLVER_ENOMEM;
                }
                memcpy(dst->prim, bp, sizeof(int) * (size_t)nbp);
                memcpy(dst->co, bc, sizeof(int) * (size_t)nbc);
                memcpy(dst->sub, bs, sizeof(int) * (size_t)nbs);
                memcpy(dst->room, br, sizeof(int) * (size_t)nbr);
                G->n_cand++;
            }
        }
    }
    free(bp), free(bc), free(bs), free(br);
    return SOLVER_OK;
}

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int fac_or_unknown(const model_instance *inst, const char *id)
{
    if (!id)
        return -1;
    int f = model_find_facilitator(inst, id);
    return f >= 0 ? f : -2;
}

/* Map a baseline solution onto the instance's groups. */
static int build_base(sv_prob *pr, const model_solution *b)
{
    const model_instance *inst = pr->inst;
    pr->base = calloc((size_t)pr->ng + 1, sizeof(sv_base));
    if (!pr->base)
        return SOLVER_ENOMEM;
    for (int g = 0; g < pr->ng; g++) {
        sv_base *B = &pr->base[g];
        B->room = B->prim = B->co = B->sub = -1;
        B->day = B->start = B->parity = -1;
    }
    for (int i = 0; i < b->n_groups; i++) {
        const model_sol_group *sg = &b->groups[i];
        int dup = 0;
        for (int k = 0; k < i && !dup; k++)
            dup = sg->id && b->groups[k].id && strcmp(sg->id, b->groups[k].id) == 0;
        if (dup)
            continue; /* the first entry of an id counts */
        int g = model_find_group(inst, sg->id);
        if (g < 0) {
            pr->base_extra += sg->running;
            continue;
        }
        sv_base *B = &pr->base[g];
        if (!sg->running)
            continue;
        B->running = 1;
        B->day = sg->day;
        B->start = sg->start;
        B->parity = inst->types[pr->g[g].type].cadence == MODEL_BIWEEKLY
                        ? model_sol_group_parity_known(inst, b, i)
                        : -1; /* -1 also when unknown: no parity change counted */
        if (sg->room) {
            int r = model_find_room(inst, sg->room);
            B->room = r >= 0 ? r : -2;
        }
        B->nfac = sg->facilitators.n;
        if (sg->facilitators.n > 0)
            B->prim = fac_or_unknown(inst, sg->facilitators.items[0]);
        if (sg->facilitators.n > 1)
            B->co = fac_or_unknown(inst, sg->facilitators.items[1]);
        B->sub = fac_or_unknown(inst, sg->substitute);
        if (sg->members.n > 0) {
            if (!(B->members = malloc(sizeof(int) * (size_t)sg->members.n)))
                return SOLVER_ENOMEM;
            for (int k = 0; k < sg->members.n; k++) {
                int p = model_find_patient(inst, sg->members.items[k]);
                B->members[B->n_members++] = p >= 0 ? p : -2;
            }
        }
    }
    return SOLVER_OK;
}

static int value_desc(const void *ctx, int p, int q)
{
    const sv_prob *pr = ctx;
    if (pr->value[p] != pr->value[q])
        return pr->value[p] > pr->value[q] ? -1 : 1;
    return p - q;
}

/* Sizes, weights, time limit, gap and the number of week parities. */
static void prob_settings(sv_prob *pr, const model_instance *inst, const solver_options *opt)
{
    memset(pr, 0, sizeof *pr);
    pr->t0 = sv_now();
    pr->inst = inst;
    pr->w = &inst->settings.weights;
    pr->ng = inst->n_groups;
    pr->nf = inst->n_facilitators;
    pr->nr = inst->n_rooms;
    pr->np = inst->n_patients;
    pr->nt = inst->n_types;
    pr->brk = inst->settings.min_break_min > 0 ? inst->settings.min_break_min : 0;
    pr->verbose = opt ? opt->verbose : 0;
    double tl = opt && opt->time_limit_s >= 0 ? opt->time_limit_s : inst->settings.time_limit_s;
    if (!(tl >= 0))
        tl = 60;
    pr->deadline = pr->t0 + tl;
    pr->mip_gap = opt && opt->mip_gap >= 0 ? opt->mip_gap : inst->settings.mip_gap;
    if (!(pr->mip_gap >= 0))
        pr->mip_gap = 0.005;
    pr->nparity = 1;
    if (inst->program.horizon_weeks >= 2)
        for (int g = 0; g < inst->n_groups; g++) {
            int t = inst->groups[g].type_idx >= 0 ? inst->groups[g].type_idx
                                                  : model_find_type(inst, inst->groups[g].type);
            if (t >= 0 && inst->types[t].cadence == MODEL_BIWEEKLY)
                pr->nparity = 2;
        }
}

/* Distinct sorted slot starts into slots (room for n_slot_starts + 1);
 * their number. */
static int distinct_slots(const model_instance *inst, int *slots)
{
    int nslot = 0;
    for (int i = 0; i < inst->program.n_slot_starts; i++)
        slots[nslot++] = inst->program.slot_starts[i];
    qsort(slots, (size_t)nslot, sizeof(int), int_cmp);
    int u = 0;
    for (int i = 0; i < nslot; i++)
        if (u == 0 || slots[u - 1] != slots[i])
            slots[u++] = slots[i];
    return u;
}

/* Facilitator caps, every group's candidates and the demand keys (type,
 * day, start) they use.  SOLVER_OK or an error code. */
static int prob_groups(sv_prob *pr, const int *slots, int nslot)
{
    const model_instance *inst = pr->inst;
    int nf = pr->nf, nt = pr->nt, rc = SOLVER_ENOMEM;
    size_t nkeys = (size_t)(nt > 0 ? nt : 1) * 7 * (size_t)(nslot > 0 ? nslot : 1);
    int *tsmap = malloc(sizeof(int) * nkeys);
    char *marks = calloc((size_t)nf + 1, 1);
    pr->maxday = malloc(sizeof(int) * (size_t)(nf + 1));
    pr->maxweek = malloc(sizeof(int) * (size_t)(nf + 1));
    pr->g = calloc((size_t)pr->ng + 1, sizeof *pr->g);
    if (!tsmap || !marks || !pr->maxday || !pr->maxweek || !pr->g)
        goto out;
    for (int f = 0; f < nf; f++) {
        pr->maxday[f] = model_facilitator_max_per_day(inst, f);
        pr->maxweek[f] = model_facilitator_max_per_week(inst, f);
    }
    for (size_t i = 0; i < nkeys; i++)
        tsmap[i] = -1;
    for (int g = 0; g < pr->ng; g++) {
        int e = build_group(pr, g, tsmap, nslot, slots, marks);
        if (e) {
            rc = e;
            goto out;
        }
    }
    pr->ts_type = malloc(sizeof(int) * (size_t)(pr->nts + 1));
    pr->ts_day = malloc(sizeof(int) * (size_t)(pr->nts + 1));
    pr->ts_start = malloc(sizeof(int) * (size_t)(pr->nts + 1));
    if (!pr->ts_type || !pr->ts_day || !pr->ts_start)
        goto out;
    for (size_t key = 0; key < nkeys; key++) {
        int k = tsmap[key];
        if (k < 0)
            continue;
        int sl = (int)(key % (size_t)nslot);
        int rest = (int)(key / (size_t)nslot);
        pr->ts_day[k] = rest % 7;
        pr->ts_type[k] = rest / 7;
        pr->ts_start[k] = slots[sl];
    }
    rc = SOLVER_OK;
out:
    free(tsmap);
    free(marks);
    return rc;
}

/* Interchangeable groups: same type and must flag, nothing held or pinned. */
static void prob_symmetry(sv_prob *pr)
{
    const model_instance *inst = pr->inst;
    for (int g = 0; g < pr->ng; g++) {
        sv_group *G = &pr->g[g];
        if (G->pinned || inst->groups[g].n_members > 0 || G->sym >= 0)
            continue;
        for (int h = g + 1; h < pr->ng; h++) {
            sv_group *H = &pr->g[h];
            if (H->sym < 0 && !H->pinned && inst->groups[h].n_members == 0 &&
                H->type == G->type && H->must == G->must) {
                G->sym = g;
                H->sym = g;
            }
        }
    }
}

/* Patient p's value, acuity, age key, eligible types and (when placeable)
 * the demand keys it fits. */
static void patient_row(sv_prob *pr, int p)
{
    const model_instance *inst = pr->inst;
    const model_patient *pa = &inst->patients[p];
    const model_weights *w = pr->w;
    int nt = pr->nt;
    pr->placeable[p] = pr->waitlisted[p] && pa->screened && pa->insurance_verified;
    double wd = pa->added >= 0 && inst->program.horizon_start > pa->added
                    ? (double)(inst->program.horizon_start - pa->added)
                    : 0.0;
    pr->value[p] = w->placement + w->wait_per_week * (wd / 7.0) + w->priority * pa->priority;
    pr->high[p] = pa->acuity == MODEL_ACUITY_HIGH;
    pr->age_key[p] = -1;
    for (int t = 0; t < nt; t++) {
        pr->elig_type[(size_t)p * nt + t] = (char)type_eligible(inst, p, t);
        if (pr->elig_type[(size_t)p * nt + t] && inst->types[t].composition.max_age_spread >= 0)
            pr->age_key[p] = pa->age;
    }
    if (!pr->placeable[p])
        return;
    uint64_t *row = &pr->fit[(size_t)p * pr->fit_words];
    for (int k = 0; k < pr->nts; k++) {
        int t = pr->ts_type[k];
        if (!pr->elig_type[(size_t)p * nt + t] ||
            !model_patient_authorized(inst, p, t, inst->program.horizon_start))
            continue;
        if (model_windows_fit(pa->available, pa->n_available, pr->ts_day[k], pr->ts_start[k],
                              inst->types[t].duration_min))
            row[k >> 6] |= (uint64_t)1 << (k & 63);
    }
}

/* Per patient: waitlisted (member of no group), placeable, value and what
 * it fits.  SOLVER_OK or SOLVER_ENOMEM. */
static int prob_patients(sv_prob *pr)
{
    const model_instance *inst = pr->inst;
    int np = pr->np, nt = pr->nt;
    pr->waitlisted = calloc((size_t)np + 1, 1);
    pr->placeable = calloc((size_t)np + 1, 1);
    pr->value = calloc((size_t)np + 1, sizeof(double));
    pr->high = calloc((size_t)np + 1, 1);
    pr->age_key = malloc(sizeof(int) * (size_t)(np + 1));
    pr->elig_type = calloc((size_t)np * (size_t)nt + 1, 1);
    pr->fit_words = (pr->nts + 63) / 64;
    if (pr->fit_words < 1)
        pr->fit_words = 1;
    pr->fit = calloc((size_t)np * (size_t)pr->fit_words + 1, sizeof(uint64_t));
    if (!pr->waitlisted || !pr->placeable || !pr->value || !pr->high || !pr->age_key || !pr->elig_type ||
        !pr->fit)
        return SOLVER_ENOMEM;
    for (int p = 0; p < np; p++)
        pr->waitlisted[p] = 1;
    for (int g = 0; g < inst->n_groups; g++)
        for (int k = 0; k < inst->groups[g].n_members; k++) {
            int p = patient_index(inst, &inst->groups[g].members[k]);
            if (p >= 0)
                pr->waitlisted[p] = 0;
        }
    for (int p = 0; p < np; p++)
        patient_row(pr, p);
    return SOLVER_OK;
}

/* A candidate where fewer eligible waitlisted patients fit than the group
 * needs to reach min_size can never be used: drop it (counted in pruned,
 * pruned_best). */
static void prune_candidates(sv_prob *pr)
{
    for (int g = 0; g < pr->ng; g++) {
        sv_group *G = &pr->g[g];
        int need = pr->inst->types[G->type].min_size - G->held;
        if (need <= 0)
            continue;
        int k = 0;
        for (int j = 0; j < G->n_cand; j++) {
            int cnt = 0;
            for (int p = 0; p < pr->np && cnt < need; p++)
                cnt += sv_patient_fits(pr, p, g, j);
            if (cnt >= need) {
                G->cand[k++] = G->cand[j];
            } else {
                if (cnt > G->pruned_best)
                    G->pruned_best = cnt;
                G->pruned++;
                cand_free(&G->cand[j]);
            }
        }
        G->n_cand = k;
    }
}

/* Does placeable patient p fit some candidate of g? */
static int fits_some_cand(const sv_prob *pr, int p, int g)
{
    for (int j = 0; j < pr->g[g].n_cand; j++)
        if (sv_patient_fits(pr, p, g, j))
            return 1;
    return 0;
}

/* Per group, the placeable patients that fit one of its candidates, by
 * value, highest first.  SOLVER_OK or SOLVER_ENOMEM. */
static int group_patients(sv_prob *pr)
{
    pr->gpat = calloc((size_t)pr->ng + 1, sizeof *pr->gpat);
    pr->n_gpat = calloc((size_t)pr->ng + 1, sizeof(int));
    if (!pr->gpat || !pr->n_gpat)
        return SOLVER_ENOMEM;
    for (int g = 0; g < pr->ng; g++) {
        int n = 0;
        for (int p = 0; p < pr->np; p++)
            n += pr->placeable[p] && fits_some_cand(pr, p, g);
        pr->gpat[g] = malloc(sizeof(int) * (size_t)(n + 1));
        if (!pr->gpat[g])
            return SOLVER_ENOMEM;
        for (int p = 0; p < pr->np; p++)
            if (pr->placeable[p] && fits_some_cand(pr, p, g))
                pr->gpat[g][pr->n_gpat[g]++] = p;
        sv_sort_ints(pr->gpat[g], pr->n_gpat[g], value_desc, pr);
    }
    return SOLVER_OK;
}

int sv_prob_init(sv_prob *pr, const model_instance *inst, const solver_options *opt)
{
    prob_settings(pr, inst, opt);
    int *slots = malloc(sizeof(int) * (size_t)(inst->program.n_slot_starts + 1));
    if (!slots) {
        sv_prob_free(pr);
        return SOLVER_ENOMEM;
    }
    int rc = prob_groups(pr, slots, distinct_slots(inst, slots));
    free(slots);
    if (rc == SOLVER_OK) {
        prob_symmetry(pr);
        rc = prob_patients(pr);
    }
    if (rc == SOLVER_OK) {
        prune_candidates(pr);
        rc = group_patients(pr);
    }
    if (rc == SOLVER_OK && opt && opt->baseline)
        rc = build_base(pr, opt->baseline);
    if (rc != SOLVER_OK)
        sv_prob_free(pr);
    return rc;
}

/* ------------------------------------------------------------ classes */

/* Merge sort of int keys with a context-taking comparator (qsort has no
 * context in C11; no global state so the solver stays reentrant). */
void sv_sort_ints(int *a, int n, int (*cmp)(const void *ctx, int x, int y), const void *ctx)
{
    if (n < 2)
        return;
    int *tmp = malloc(sizeof(int) * (size_t)n);
    if (!tmp) {
        /* insertion sort needs no memory */
        for (int i = 1; i < n; i++) {
            int x = a[i], k = i - 1;
            while (k >= 0 && cmp(ctx, a[k], x) > 0) {
                a[k + 1] = a[k];
                k--;
            }
            a[k + 1] = x;
        }
        return;
    }
    for (int w = 1; w < n; w *= 2) {
        for (int lo = 0; lo < n; lo += 2 * w) {
            int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp(ctx, a[j], a[i]) < 0 ? a[j++] : a[i++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, sizeof(int) * (size_t)n);
    }
    free(tmp);
}

static int cls_cmp(const void *ctx, int p, int q)
{
    const sv_prob *pr = ctx;
    if (pr->high[p] != pr->high[q])
        return pr->high[p] - pr->high[q];
    if (pr->age_key[p] != pr->age_key[q])
        return pr->age_key[p] - pr->age_key[q];
    const uint64_t *rp = &pr->fit[(size_t)p * pr->fit_words];
    const uint64_t *rq = &pr->fit[(size_t)q * pr->fit_words];
    for (int i = 0; i < pr->fit_words; i++)
        if (rp[i] != rq[i])
            return rp[i] < rq[i] ? -1 : 1;
    if (pr->value[p] != pr->value[q])
        return pr->value[p] > pr->value[q] ? -1 : 1;
    return p - q;
}

int sv_classes_build(const sv_prob *pr, const char *pool, sv_class **out, int *n_out)
{
    int n = 0;
    int *idx = malloc(sizeof(int) * (size_t)(pr->np + 1));
    if (!idx)
        return SOLVER_ENOMEM;
    for (int p = 0; p < pr->np; p++) {
        if (!pr->placeable[p] || (pool && !pool[p]))
            continue;
        const uint64_t *row = &pr->fit[(size_t)p * pr->fit_words];
        int any = 0;
        for (int i = 0; i < pr->fit_words && !any; i++)
            any = row[i] != 0;
        if (any)
            idx[n++] = p;
    }
    sv_sort_ints(idx, n, cls_cmp, pr);
    sv_class *cl = calloc((size_t)n + 1, sizeof *cl);
    if (!cl) {
        free(idx);
        return SOLVER_ENOMEM;
    }
    int nc = 0;
    for (int i = 0; i < n;) {
        int j = i + 1;
        const uint64_t *ri = &pr->fit[(size_t)idx[i] * pr->fit_words];
        while (j < n && pr->high[idx[j]] == pr->high[idx[i]] &&
               pr->age_key[idx[j]] == pr->age_key[idx[i]] &&
               memcmp(ri, &pr->fit[(size_t)idx[j] * pr->fit_words],
                      sizeof(uint64_t) * (size_t)pr->fit_words) == 0)
            j++;
        sv_class *c = &cl[nc++];
        c->n = j - i;
        c->high = pr->high[idx[i]];
        c->age = pr->age_key[idx[i]];
        c->pat = malloc(sizeof(int) * (size_t)c->n);
        int nts = 0;
        for (int k = 0; k < pr->nts; k++)
            nts += (int)((ri[k >> 6] >> (k & 63)) & 1u);
        c->ts = malloc(sizeof(int) * (size_t)(nts + 1));
        if (!c->pat || !c->ts) {
            sv_classes_free(cl, nc);
            free(idx);
            return SOLVER_ENOMEM;
        }
        memcpy(c->pat, &idx[i], sizeof(int) * (size_t)c->n);
        for (int k = 0; k < pr->nts; k++)
            if ((ri[k >> 6] >> (k & 63)) & 1u)
                c->ts[c->n_ts++] = k;
        i = j;
    }
    free(idx);
    *out = cl;
    *n_out = nc;
    return SOLVER_OK;
}

void sv_classes_free(sv_class *c, int n)
{
    if (!c)
        return;
    for (int i = 0; i < n; i++) {
        free(c[i].pat);
        free(c[i].ts);
    }
    free(c);
}
