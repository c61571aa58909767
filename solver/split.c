/* split.c - independent parts of a program.  Groups that can share no
 * facilitator (as primary, co-facilitator or substitute), no room and no
 * eligible patient are independent problems (the sites of a multi-site
 * program): each part becomes an instance of its own, is planned with its
 * share of the time, and the schedules are merged.  The objective is
 * separable except for the load-balance term (max minus min over all
 * facilitators), which only the largest part keeps (the global spread is at
 * least that part's); the merged schedule is scored with the full objective
 * and the merged bound (sum of the parts' bounds) stays a valid upper
 * bound. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sv.h"

static int uf_find(int *p, int x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

static void uf_union(int *p, int a, int b)
{
    a = uf_find(p, a);
    b = uf_find(p, b);
    if (a != b)
        p[a < b ? b : a] = a < b ? a : b;
}

int sv_components(const sv_prob *pr, int *comp, int *ncomp)
{
    int ng = pr->ng;
    int *par = malloc(sizeof(int) * (size_t)(ng + 1));
    int *fown = malloc(sizeof(int) * (size_t)(pr->nf + 1));
    int *rown = malloc(sizeof(int) * (size_t)(pr->nr + 1));
    int *pown = malloc(sizeof(int) * (size_t)(pr->np + 1));
    if (!par || !fown || !rown || !pown) {
        free(par), free(fown), free(rown), free(pown);
        return SOLVER_ENOMEM;
    }
    for (int g = 0; g < ng; g++)
        par[g] = g;
    for (int f = 0; f < pr->nf; f++)
        fown[f] = -1;
    for (int r = 0; r < pr->nr; r++)
        rown[r] = -1;
    for (int p = 0; p < pr->np; p++)
        pown[p] = -1;
#define LINK(own, x)                                                                               \
    do {                                                                                           \
        if ((own)[x] < 0)                                                                          \
            (own)[x] = g;                                                                          \
        else                                                                                       \
            uf_union(par, (own)[x], g);                                                            \
    } while (0)
    for (int g = 0; g < ng; g++) {
        const sv_group *G = &pr->g[g];
        for (int j = 0; j < G->n_cand; j++) {
            const sv_cand *c = &G->cand[j];
            for (int i = 0; i < c->n_prim; i++)
                LINK(fown, c->prim[i]);
            for (int i = 0; i < c->n_co; i++)
                LINK(fown, c->co[i]);
            for (int i = 0; i < c->n_sub; i++)
                LINK(fown, c->sub[i]);
            for (int i = 0; i < c->n_room; i++)
                LINK(rown, c->room[i]);
        }
        for (int i = 0; i < pr->n_gpat[g]; i++)
            LINK(pown, pr->gpat[g][i]);
        for (int i = 0; i < G->n_held_pat; i++)
            LINK(pown, G->held_pat[i]);
        for (int k = 0; k < 2; k++)
            if (G->fixed_pin_f[k] >= 0)
                LINK(fown, G->fixed_pin_f[k]);
        if (G->fixed_pin_sub >= 0)
            LINK(fown, G->fixed_pin_sub);
        if (G->fixed_pin_room >= 0)
            LINK(rown, G->fixed_pin_room);
    }
#undef LINK
    int n = 0;
    int *label = malloc(sizeof(int) * (size_t)(ng + 1));
    if (!label) {
        free(par), free(fown), free(rown), free(pown);
        return SOLVER_ENOMEM;
    }
    for (int g = 0; g < ng; g++)
        label[g] = -1;
    for (int g = 0; g < ng; g++) {
        int root = uf_find(par, g);
        if (label[root] < 0)
            label[root] = n++;
        comp[g] = label[root];
    }
    *ncomp = n;
    free(label);
    free(par), free(fown), free(rown), free(pown);
    return SOLVER_OK;
}

/* ------------------------------------------- freeing dropped entities */

/* Keep the elements with keep[i] (order preserved), free the others. */
#define COMPACT(arr, n, keep, freefn)                                                              \
    do {                                                                                           \
        int k_ = 0;                                                                                \
        for (int i_ = 0; i_ < (n); i_++) {                                                         \
            if ((keep)[i_])                                                                        \
                (arr)[k_++] = (arr)[i_];                                                           \
            else                                                                                   \
                freefn(&(arr)[i_]);                                                                \
        }                                                                                          \
        (n) = k_;                                                                                  \
    } while (0)

/* A copy of the instance with only part c: its groups, the facilitators
 * and rooms they may use, their roster patients and the waitlisted patients
 * eligible for them (plus the given extra patients). NULL on ENOMEM. */
static model_instance *part_instance(const sv_prob *pr, const int *comp, int c,
                                     const int *pat_part)
{
    const model_instance *inst = pr->inst;
    model_instance *sub = model_instance_clone(inst);
    if (!sub)
        return NULL;
    char *kg = calloc((size_t)pr->ng + 1, 1), *kf = calloc((size_t)pr->nf + 1, 1);
    char *kr = calloc((size_t)pr->nr + 1, 1), *kp = calloc((size_t)pr->np + 1, 1);
    if (!kg || !kf || !kr || !kp) {
        free(kg), free(kf), free(kr), free(kp);
        model_instance_destroy(sub);
        return NULL;
    }
    for (int g = 0; g < pr->ng; g++) {
        if (comp[g] != c)
            continue;
        const sv_group *G = &pr->g[g];
        kg[g] = 1;
        sv_mark_staff(G, kf, kr);
        if (G->fixed_pin_f[0] >= 0)
            kf[G->fixed_pin_f[0]] = 1;
        if (G->fixed_pin_f[1] >= 0)
            kf[G->fixed_pin_f[1]] = 1;
        if (G->fixed_pin_sub >= 0)
            kf[G->fixed_pin_sub] = 1;
        if (G->fixed_pin_room >= 0)
            kr[G->fixed_pin_room] = 1;
        const model_group *mg = &inst->groups[g];
        for (int k = 0; k < mg->n_members; k++) {
            int p = mg->members[k].patient_idx >= 0 ? mg->members[k].patient_idx
                                                    : model_find_patient(inst, mg->members[k].patient);
            if (p >= 0)
                kp[p] = 1;
        }
    }
    for (int p = 0; p < pr->np; p++)
        if (pat_part[p] == c)
            kp[p] = 1;
    COMPACT(sub->groups, sub->n_groups, kg, model_group_free);
    COMPACT(sub->facilitators, sub->n_facilitators, kf, model_facilitator_free);
    COMPACT(sub->rooms, sub->n_rooms, kr, model_room_free);
    COMPACT(sub->patients, sub->n_patients, kp, model_patient_free);
    free(kg), free(kf), free(kr), free(kp);
    /* resolve the *_idx fields for the new positions */
    model_diag d;
    model_diag_init(&d);
    int rc = model_instance_validate(sub, &d);
    model_diag_free(&d);
    if (rc == MODEL_ENOMEM) {
        model_instance_destroy(sub);
        return NULL;
    }
    return sub;
}

/* The baseline's entries for the groups of one part. */
static model_solution *part_baseline(const model_solution *b, const model_instance *sub)
{
    model_solution *s = model_solution_create();
    if (!s)
        return NULL;
    s->groups = calloc((size_t)b->n_groups + 1, sizeof(model_sol_group));
    if (!s->groups) {
        model_solution_destroy(s);
        return NULL;
    }
    for (int i = 0; i < b->n_groups; i++) {
        const model_sol_group *x = &b->groups[i];
        if (model_find_group(sub, x->id) < 0)
            continue;
        model_sol_group *y = &s->groups[s->n_groups++];
        y->id = model_strdup(x->id);
        y->type = model_strdup(x->type);
        y->running = x->running;
        y->day = x->day;
        y->start = x->start;
        y->end = x->end;
        y->room = model_strdup(x->room);
        y->substitute = model_strdup(x->substitute);
        y->week_parity = x->week_parity;
        if (!y->id || (x->type && !y->type) || (x->room && !y->room) ||
            (x->substitute && !y->substitute) ||
            model_strlist_copy(&y->facilitators, &x->facilitators) ||
            model_strlist_copy(&y->members, &x->members) ||
            model_strlist_copy(&y->new_members, &x->new_members)) {
            model_solution_destroy(s);
            return NULL;
        }
    }
    return s;
}

static int append(void **dst, int *n, void *src, int m, size_t sz)
{
    if (m == 0)
        return 0;
    char *a = realloc(*dst, sz * (size_t)(*n + m));
    if (!a)
        return -1;
    memcpy(a + sz * (size_t)*n, src, sz * (size_t)m);
    *dst = a;
    *n += m;
    return 0;
}

/* Move the schedule of part into merged (part is left empty). */
static int merge_into(model_solution *m, model_solution *part)
{
    if (append((void **)&m->groups, &m->n_groups, part->groups, part->n_groups,
               sizeof(model_sol_group)) ||
        append((void **)&m->sessions, &m->n_sessions, part->sessions, part->n_sessions,
               sizeof(model_sol_session)) ||
        append((void **)&m->unplaced, &m->n_unplaced, part->unplaced, part->n_unplaced,
               sizeof(model_sol_unplaced)))
        return -1;
    part->n_groups = part->n_sessions = part->n_unplaced = 0;
    for (int i = 0; i < part->diagnosis.n; i++)
        if (model_strlist_push(&m->diagnosis, part->diagnosis.items[i]))
            return -1;
    return 0;
}

static int sess_cmp(const void *a, const void *b)
{
    const model_sol_session *x = a, *y = b;
    if (x->date != y->date)
        return x->date - y->date;
    if (x->start != y->start)
        return x->start - y->start;
    return strcmp(x->group, y->group);
}

/* Where each patient goes (*pat_part: the part of the groups they fit,
 * all in one part by construction; a waitlisted patient in no group's part
 * goes where a type they match has groups) and which part keeps the
 * load-balance term (*lb_part: the largest: the global spread is at least
 * any one part's, so its bound stays valid, and when the other parts have
 * no facilitators the merged plan is balanced as the whole model would
 * be); size[c] the part's size, for its share of the time.  0 or -1. */
static int part_layout(const sv_prob *pr, const int *comp, int ncomp, int *pat_part, long *size,
                       int *lb_part)
{
    const model_instance *inst = pr->inst;
    for (int p = 0; p < pr->np; p++)
        pat_part[p] = -1;
    for (int g = 0; g < pr->ng; g++) {
        size[comp[g]] += 10 + pr->n_gpat[g];
        for (int i = 0; i < pr->n_gpat[g]; i++)
            pat_part[pr->gpat[g][i]] = comp[g];
    }
    for (int p = 0; p < pr->np; p++) {
        if (pat_part[p] >= 0 || !pr->waitlisted[p])
            continue;
        pat_part[p] = 0;
        for (int g = 0; g < pr->ng; g++)
            if (model_patient_type_match(inst, p, pr->g[g].type)) {
                pat_part[p] = comp[g];
                break;
            }
    }
    *lb_part = 0;
    for (int c = 1; c < ncomp; c++)
        if (size[c] > size[*lb_part])
            *lb_part = c;
    return 0;
}

/* The instance part c is planned as: its share of the program, the
 * load-balance term only in lb_part, and no relaxed plan (that is made
 * for the whole program).  NULL on ENOMEM. */
static model_instance *site_instance(const sv_prob *pr, const int *comp, int c,
                                     const int *pat_part, int lb_part)
{
    model_instance *sub = part_instance(pr, comp, c, pat_part);
    if (!sub)
        return NULL;
    if (c != lb_part)
        sub->settings.weights.load_balance = 0;
    sub->settings.on_infeasible = MODEL_ON_INFEASIBLE_FAIL;
    return sub;
}

/* Finish the merge of every part's schedule in *merged (bound: the sum of
 * the parts' bounds): no schedule at all when a part is infeasible or has
 * none; otherwise groups in instance order, sessions by date, metrics and
 * the full objective of the whole program.  SOLVER_OK / ENOMEM. */
static int merge_finish(const sv_prob *pr, const solver_options *opt, model_solution **merged,
                        double bound, int any_inf, int any_nosol)
{
    const model_instance *inst = pr->inst;
    model_solution *m = *merged;
    if (any_inf || any_nosol) {
        /* no partial schedule: the program as a whole has none */
        model_solution *empty = model_solution_create();
        if (!empty)
            return SOLVER_ENOMEM;
        empty->status = any_inf ? MODEL_STATUS_INFEASIBLE : MODEL_STATUS_TIME_LIMIT;
        empty->diagnosis = m->diagnosis;
        memset(&m->diagnosis, 0, sizeof m->diagnosis);
        model_solution_destroy(m);
        *merged = empty;
        return SOLVER_OK;
    }
    model_sol_group *ord = calloc((size_t)m->n_groups + 1, sizeof *ord);
    if (!ord)
        return SOLVER_ENOMEM;
    int k = 0;
    for (int g = 0; g < pr->ng; g++)
        for (int i = 0; i < m->n_groups; i++)
            if (strcmp(m->groups[i].id, inst->groups[g].id) == 0) {
                ord[k++] = m->groups[i];
                break;
            }
    if (k == m->n_groups) {
        free(m->groups);
        m->groups = ord;
    } else {
        free(ord);
    }
    qsort(m->sessions, (size_t)m->n_sessions, sizeof(model_sol_session), sess_cmp);
    model_metrics_free(&m->metrics);
    if (model_metrics_compute(inst, m, &m->metrics) ||
        model_objective_terms_compute(inst, m, opt->baseline, &m->terms))
        return SOLVER_ENOMEM;
    m->objective = model_objective_total(&m->terms);
    m->bound = bound > m->objective ? bound : m->objective;
    double d = m->bound - m->objective;
    m->gap = d / (fabs(m->objective) > 1 ? fabs(m->objective) : 1);
    m->status = m->gap <= pr->mip_gap + 1e-12 ? MODEL_STATUS_OPTIMAL : MODEL_STATUS_FEASIBLE;
    return SOLVER_OK;
}

/* Merge one part's plan ps into merged (ps is left empty), noting its
 * bound and whether it is infeasible or has no schedule.  0 or -1. */
static int take_part(model_solution *merged, model_solution *ps, double *bound, int *any_inf,
                     int *any_nosol)
{
    if (ps->status == MODEL_STATUS_INFEASIBLE)
        *any_inf = 1;
    else if (ps->status == MODEL_STATUS_TIME_LIMIT)
        *any_nosol = 1;
    *bound += ps->bound;
    return merge_into(merged, ps);
}

int sv_plan_parts(const sv_prob *pr, const solver_options *opt, const int *comp, int ncomp,
                  model_solution **out)
{
    int rc = SOLVER_ENOMEM;
    int *pat_part = malloc(sizeof(int) * (size_t)(pr->np + 1));
    long *size = calloc((size_t)ncomp + 1, sizeof(long));
    model_solution *merged = model_solution_create();
    int lb_part = 0;
    if (!pat_part || !size || !merged || part_layout(pr, comp, ncomp, pat_part, size, &lb_part))
        goto out;
    double bound = 0;
    int any_inf = 0, any_nosol = 0;
    for (int c = 0; c < ncomp; c++) {
        model_instance *sub = site_instance(pr, comp, c, pat_part, lb_part);
        if (!sub)
            goto out;
        solver_options o = *opt;
        o.export_model_path = NULL;
        o.baseline = NULL;
        o.started = 0; /* the part's share below counts from its own start */
        model_solution *sb = NULL;
        if (opt->baseline && !(sb = part_baseline(opt->baseline, sub))) {
            model_instance_destroy(sub);
            goto out;
        }
        o.baseline = sb;
        /* time: this part's share of what is left */
        double left = pr->deadline - sv_now();
        long rest = 0;
        for (int k = c; k < ncomp; k++)
            rest += size[k];
        o.time_limit_s = left > 0 ? left * (double)size[c] / (double)(rest > 0 ? rest : 1) : 0;
        sv_log(pr, "part %d of %d: %d groups, %d patients, %.1f s", c + 1, ncomp, sub->n_groups,
               sub->n_patients, o.time_limit_s);
        model_solution *ps = NULL;
        int e = solver_plan(sub, &o, &ps);
        model_solution_destroy(sb);
        model_instance_destroy(sub);
        if (e) {
            rc = e;
            goto out;
        }
        int m = take_part(merged, ps, &bound, &any_inf, &any_nosol);
        model_solution_destroy(ps);
        if (m)
            goto out;
    }
    if ((rc = merge_finish(pr, opt, &merged, bound, any_inf, any_nosol)) != SOLVER_OK)
        goto out;
    merged->solve_seconds = sv_now() - pr->t0;
    *out = merged;
    merged = NULL;
    rc = SOLVER_OK;
out:
    model_solution_destroy(merged);
    free(pat_part);
    free(size);
    return rc;
}

/* ------------------------------------------- sites as separate plans */

void solver_sites_free(model_instance **sites, int n)
{
    for (int i = 0; sites && i < n; i++)
        model_instance_destroy(sites[i]);
    free(sites);
}

/* The site instances of pr (ncomp > 1 parts in comp) into *sites. */
static int make_sites(const sv_prob *pr, const int *comp, int ncomp, model_instance ***sites)
{
    int *pat_part = malloc(sizeof(int) * (size_t)(pr->np + 1));
    long *size = calloc((size_t)ncomp + 1, sizeof(long));
    model_instance **s = calloc((size_t)ncomp, sizeof *s);
    int lb_part = 0, rc = SOLVER_ENOMEM;
    if (pat_part && size && s && !part_layout(pr, comp, ncomp, pat_part, size, &lb_part)) {
        rc = SOLVER_OK;
        for (int c = 0; c < ncomp && rc == SOLVER_OK; c++)
            if (!(s[c] = site_instance(pr, comp, c, pat_part, lb_part)))
                rc = SOLVER_ENOMEM;
    }
    free(pat_part);
    free(size);
    if (rc != SOLVER_OK) {
        solver_sites_free(s, s ? ncomp : 0);
        return rc;
    }
    *sites = s;
    return SOLVER_OK;
}

int solver_sites(const model_instance *inst, const solver_options *opt, model_instance ***sites,
                 int *n)
{
    *sites = NULL;
    *n = 0;
    sv_prob pr;
    int rc = sv_prob_init(&pr, inst, opt);
    if (rc)
        return rc;
    model_strlist diag = {0};
    int *comp = malloc(sizeof(int) * (size_t)(pr.ng + 1));
    int ncomp = 0;
    int npre = comp ? sv_precheck(&pr, &diag, sv_now() + 5) : -1;
    if (npre < 0 || sv_components(&pr, comp, &ncomp))
        rc = SOLVER_ENOMEM;
    else if (npre == 0 && ncomp > 1 && (rc = make_sites(&pr, comp, ncomp, sites)) == SOLVER_OK)
        *n = ncomp; /* a program failing the precheck is planned whole */
    model_strlist_free(&diag);
    free(comp);
    sv_prob_free(&pr);
    return rc;
}

int solver_merge_sites(const model_instance *inst, const solver_options *opt,
                       model_solution **plans, int n, model_solution **out)
{
    sv_prob pr;
    int rc = sv_prob_init(&pr, inst, opt);
    if (rc)
        return rc;
    model_solution *merged = model_solution_create();
    double bound = 0, secs = 0;
    int any_inf = 0, any_nosol = 0;
    rc = merged ? SOLVER_OK : SOLVER_ENOMEM;
    for (int i = 0; i < n && rc == SOLVER_OK; i++) {
        secs = plans[i]->solve_seconds > secs ? plans[i]->solve_seconds : secs;
        if (take_part(merged, plans[i], &bound, &any_inf, &any_nosol))
            rc = SOLVER_ENOMEM;
    }
    if (rc == SOLVER_OK)
        rc = merge_finish(&pr, opt, &merged, bound, any_inf, any_nosol);
    sv_prob_free(&pr);
    if (rc != SOLVER_OK) {
        model_solution_destroy(merged);
        return rc;
    }
    merged->solve_seconds = secs; /* the sites ran side by side */
    *out = merged;
    return SOLVER_OK;
}
