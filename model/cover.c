/* cover.c - time-off coverage of a plan's sessions (SPEC rule 6): the one
 * implementation, used by the planner (solver/sessions.c) and for plans
 * built outside it, such as the generator's witness.  The checker's
 * judgement of "could have been covered" is its own independent copy in
 * check_sessions.c. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "idmap.h"

typedef struct cses {
    int s;       /* sol->sessions index */
    int g;       /* sol->groups index */
    int date, start, end;
    int lead[4]; /* facilitators listed (instance indices), -1 = none */
    int pos;     /* index among its group's sessions, in date order */
} cses;

typedef struct cctx {
    const model_instance *inst;
    model_solution *sol;
    model_idmap facs, groups;
    int (*reg)[2]; /* per sol group: regular facilitators, -1 = none */
    cses *cs;      /* sessions of running groups, by date then start */
    int n;
} cctx;

static int cses_cmp(const void *a, const void *b)
{
    const cses *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->g > y->g) - (x->g < y->g);
}

static bool listed(const cses *s, int f)
{
    for (int k = 0; k < 4; k++)
        if (s->lead[k] == f)
            return true;
    return false;
}

static bool regular(const cctx *c, int g, int f)
{
    return c->reg[g][0] == f || c->reg[g][1] == f;
}

/* Covers of group g by f in a row around session k (k itself counted). */
static int cover_run(const cctx *c, int k, int f)
{
    const cses *s = &c->cs[k];
    int run = 1;
    for (int dir = -1; dir <= 1; dir += 2)
        for (int want = s->pos + dir;; want += dir) {
            bool hit = false;
            for (int i = 0; i < c->n && !hit; i++)
                hit = c->cs[i].g == s->g && c->cs[i].pos == want && listed(&c->cs[i], f) &&
                      !regular(c, s->g, f);
            if (!hit)
                break;
            run++;
        }
    return run;
}

/* May f take role r of session k: rule 6's "credentialed facilitator who
 * is free then and within caps that day and week". */
static bool can_take(const cctx *c, int k, int r, int f)
{
    const model_instance *inst = c->inst;
    const cses *s = &c->cs[k];
    const model_group_type *ty = &inst->types[model_find_type(inst, c->sol->groups[s->g].type)];
    const model_facilitator *fa = &inst->facilitators[f];
    if (regular(c, s->g, f) || listed(s, f) || model_facilitator_off(inst, f, s->date) ||
        !model_facilitator_holds(fa, r == 0 ? &ty->required_credentials
                                            : &ty->cofacilitator_credentials) ||
        !model_windows_fit(fa->available, fa->n_available, model_date_weekday(s->date), s->start,
                           s->end - s->start))
        return false;
    int week = (s->date - inst->program.horizon_start) / 7, nday = 0, nweek = 0;
    int mb = inst->settings.min_break_min;
    for (int i = 0; i < c->n; i++) {
        const cses *o = &c->cs[i];
        if (i == k || !listed(o, f))
            continue;
        if (o->date == s->date) {
            nday++;
            if (s->start < o->end + mb && o->start < s->end + mb)
                return false;
        }
        nweek += (o->date - inst->program.horizon_start) / 7 == week;
    }
    return nday + 1 <= model_facilitator_max_per_day(inst, f) &&
           nweek + 1 <= model_facilitator_max_per_week(inst, f) &&
           cover_run(c, k, f) <= inst->settings.max_consecutive_cover;
}

/* Choose stand-ins for the open roles of uncovered session k (recorded in
 * its lead[] and picks[]; no allocation).  Returns how many roles stay
 * open. */
static int cover_session(cctx *c, int k, int picks[2])
{
    cses *s = &c->cs[k];
    const model_sol_group *sg = &c->sol->groups[s->g];
    int stand_ins = 0, open = 0;
    picks[0] = picks[1] = -1;
    for (int q = 0; q < 4; q++)
        stand_ins += s->lead[q] >= 0 && !regular(c, s->g, s->lead[q]);
    for (int r = 0; r < 2; r++) {
        int f0 = c->reg[s->g][r];
        if (f0 < 0 || !model_facilitator_off(c->inst, f0, s->date))
            continue;
        if (stand_ins > 0) {
            stand_ins--;
            continue;
        }
        int sub = model_idmap_get(&c->facs, sg->substitute), pick = -1;
        if (sub >= 0 && can_take(c, k, r, sub))
            pick = sub;
        for (int f = 0; f < c->inst->n_facilitators && pick < 0; f++)
            if (can_take(c, k, r, f))
                pick = f;
        int slot = 0;
        while (slot < 4 && s->lead[slot] >= 0)
            slot++;
        if (pick < 0 || slot == 4) {
            open++;
            continue;
        }
        s->lead[slot] = pick;
        picks[r] = pick;
    }
    return open;
}

/* The session's new facilitators and covered_by with the picks added, in
 * *fl and *cb (new copies).  MODEL_OK or MODEL_ENOMEM (nothing kept). */
static int with_picks(const model_instance *inst, const model_sol_session *ss,
                      const int picks[2], model_strlist *fl, char **cb)
{
    memset(fl, 0, sizeof *fl);
    *cb = NULL;
    /* the primary's stand-in first, as the role order reads (the checker
     * gives stand-ins the absent roles in list order) */
    int rc = MODEL_OK;
    if (picks[0] >= 0)
        rc = model_strlist_push(fl, inst->facilitators[picks[0]].id);
    for (int q = 0; q < ss->facilitators.n && rc == MODEL_OK; q++)
        rc = model_strlist_push(fl, ss->facilitators.items[q]);
    if (picks[1] >= 0 && rc == MODEL_OK)
        rc = model_strlist_push(fl, inst->facilitators[picks[1]].id);
    const char *first = picks[0] >= 0 ? inst->facilitators[picks[0]].id
                        : picks[1] >= 0 ? inst->facilitators[picks[1]].id : NULL;
    if (rc == MODEL_OK && !ss->covered_by && first && !(*cb = model_strdup(first)))
        rc = MODEL_ENOMEM;
    if (rc != MODEL_OK)
        model_strlist_free(fl);
    return rc;
}

/* Collect the sessions of running groups with their listed facilitators,
 * sorted, with each one's position in its group. */
static int collect(cctx *c)
{
    const model_solution *sol = c->sol;
    c->cs = calloc((size_t)sol->n_sessions + 1, sizeof *c->cs);
    c->reg = calloc((size_t)sol->n_groups + 1, sizeof *c->reg);
    if (!c->cs || !c->reg)
        return MODEL_ENOMEM;
    for (int g = 0; g < sol->n_groups; g++)
        for (int r = 0; r < 2; r++)
            c->reg[g][r] = r < sol->groups[g].facilitators.n
                               ? model_idmap_get(&c->facs, sol->groups[g].facilitators.items[r])
                               : -1;
    for (int s = 0; s < sol->n_sessions; s++) {
        const model_sol_session *ss = &sol->sessions[s];
        int g = model_idmap_get(&c->groups, ss->group);
        if (g < 0 || !sol->groups[g].running || model_find_type(c->inst, sol->groups[g].type) < 0)
            continue;
        cses *x = &c->cs[c->n++];
        *x = (cses){s, g, ss->date, ss->start, ss->end, {-1, -1, -1, -1}, 0};
        for (int q = 0; q < ss->facilitators.n && q < 4; q++)
            x->lead[q] = model_idmap_get(&c->facs, ss->facilitators.items[q]);
    }
    qsort(c->cs, (size_t)c->n, sizeof *c->cs, cses_cmp);
    for (int i = 0; i < c->n; i++)
        for (int j = 0; j < i; j++)
            c->cs[i].pos += c->cs[j].g == c->cs[i].g;
    return MODEL_OK;
}

static bool picked(const int p[2])
{
    return p[0] >= 0 || p[1] >= 0;
}

/* Apply the choices: every changed session gets its new lists, or (on
 * MODEL_ENOMEM) none does. */
static int apply(cctx *c, const int (*picks)[2], const bool *open)
{
    model_sol_session *ss = c->sol->sessions;
    model_strlist *fl = calloc((size_t)c->n + 1, sizeof *fl);
    char **cb = calloc((size_t)c->n + 1, sizeof *cb);
    int rc = fl && cb ? MODEL_OK : MODEL_ENOMEM;
    for (int k = 0; k < c->n && rc == MODEL_OK; k++)
        if (picked(picks[k]))
            rc = with_picks(c->inst, &ss[c->cs[k].s], picks[k], &fl[k], &cb[k]);
    for (int k = 0; k < c->n && fl && cb; k++) {
        model_sol_session *x = &ss[c->cs[k].s];
        if (rc != MODEL_OK) {
            model_strlist_free(&fl[k]);
            free(cb[k]);
            continue;
        }
        if (picked(picks[k])) {
            model_strlist_free(&x->facilitators);
            x->facilitators = fl[k];
            if (cb[k])
                x->covered_by = cb[k];
        }
        x->uncovered = x->uncovered && open[k];
    }
    free(fl);
    free(cb);
    return rc;
}

int model_solution_cover(const model_instance *inst, model_solution *sol)
{
    if (!inst || !sol)
        return MODEL_EINVAL;
    cctx c;
    memset(&c, 0, sizeof c);
    c.inst = inst;
    c.sol = sol;
    int rc = model_idmap_build(&c.facs, inst->facilitators, inst->n_facilitators,
                               sizeof(model_facilitator), offsetof(model_facilitator, id));
    if (rc == MODEL_OK)
        rc = model_idmap_build(&c.groups, sol->groups, sol->n_groups, sizeof(model_sol_group),
                               offsetof(model_sol_group, id));
    if (rc == MODEL_OK)
        rc = collect(&c);
    int (*picks)[2] = rc == MODEL_OK ? malloc((size_t)(c.n + 1) * sizeof *picks) : NULL;
    bool *open = rc == MODEL_OK ? calloc((size_t)c.n + 1, sizeof *open) : NULL;
    if (rc == MODEL_OK && (!picks || !open))
        rc = MODEL_ENOMEM;
    for (int k = 0; k < c.n && rc == MODEL_OK; k++) {
        picks[k][0] = picks[k][1] = -1;
        if (sol->sessions[c.cs[k].s].uncovered)
            open[k] = cover_session(&c, k, picks[k]) > 0;
    }
    if (rc == MODEL_OK)
        rc = apply(&c, picks, open);
    free(picks);
    free(open);
    model_idmap_free(&c.facs);
    model_idmap_free(&c.groups);
    free(c.cs);
    free(c.reg);
    return rc;
}
