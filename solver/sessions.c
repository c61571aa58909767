/* sessions.c - dated sessions of a plan, with time-off coverage: the
 * designated substitute first, else another facilitator credentialed for the
 * role who is not off, available, free (min_break_min), within the daily and
 * weekly caps counting what they actually lead, and not covering more than
 * max_consecutive_cover consecutive sessions of one group; otherwise the
 * session is uncovered. */
#include <stdlib.h>
#include <string.h>

#include "sv.h"

typedef struct sess {
    int g, date, start, end, day;
    int role_f[2];  /* regular facilitator per role (-1 none) */
    int lead[2];    /* who actually leads each role (-1 nobody) */
    int covered[2]; /* 1 when lead[r] is a coverer */
    int seq;        /* index among the group's sessions */
} sess;

static int sess_cmp(const void *a, const void *b)
{
    const sess *x = a, *y = b;
    if (x->date != y->date)
        return x->date - y->date;
    if (x->start != y->start)
        return x->start - y->start;
    return x->g - y->g;
}

typedef struct cov {
    const sv_prob *pr;
    sess *s;
    int n;
    int *date_lo, *date_hi; /* per session: range of sessions on the same date */
    int **gseq;             /* per group: session indices in order */
    int *gn;
} cov;

static int participates(const sess *s, int f)
{
    return s->lead[0] == f || s->lead[1] == f;
}

/* May f cover role r of session k? */
static int can_cover(const cov *c, int k, int r, int f)
{
    const sv_prob *pr = c->pr;
    const model_instance *inst = pr->inst;
    const sess *s = &c->s[k];
    const model_group_type *ty = &inst->types[pr->g[s->g].type];
    const model_facilitator *fa = &inst->facilitators[f];
    if (participates(s, f) || s->role_f[0] == f || s->role_f[1] == f)
        return 0;
    if (model_facilitator_off(inst, f, s->date))
        return 0;
    if (!model_facilitator_holds(fa, r == 0 ? &ty->required_credentials
                                            : &ty->cofacilitator_credentials))
        return 0;
    if (!model_windows_fit(fa->available, fa->n_available, s->day, s->start, s->end - s->start))
        return 0;
    int day_count = 0;
    for (int i = c->date_lo[k]; i < c->date_hi[k]; i++) {
        const sess *o = &c->s[i];
        if (i == k || !participates(o, f))
            continue;
        day_count++;
        if (s->start < o->end + pr->brk && o->start < s->end + pr->brk)
            return 0;
    }
    /* regular sessions later that date are counted too: participates() has
     * their regular leaders already (coverage runs in date order, regular
     * leads are filled in beforehand) */
    if (day_count + 1 > pr->maxday[f])
        return 0;
    int week = (s->date - inst->program.horizon_start) / 7;
    int week_count = 0;
    int wlo = inst->program.horizon_start + 7 * week, whi = wlo + 7;
    /* sessions are date-sorted: scan around k */
    int i = k;
    while (i > 0 && c->s[i - 1].date >= wlo)
        i--;
    for (; i < c->n && c->s[i].date < whi; i++)
        if (i != k && participates(&c->s[i], f))
            week_count++;
    if (week_count + 1 > pr->maxweek[f])
        return 0;
    /* consecutive covers of this group */
    int run = 0;
    int g = s->g;
    for (int q = s->seq - 1; q >= 0; q--) {
        const sess *o = &c->s[c->gseq[g][q]];
        if ((o->covered[0] && o->lead[0] == f) || (o->covered[1] && o->lead[1] == f))
            run++;
        else
            break;
    }
    if (run + 1 > inst->settings.max_consecutive_cover)
        return 0;
    return 1;
}

static int push_str(model_strlist *l, const char *s)
{
    return model_strlist_push(l, s) == MODEL_OK ? 0 : -1;
}

int sv_build_sessions(const sv_prob *pr, const sv_plan *pl, model_solution *sol);

int sv_build_sessions(const sv_prob *pr, const sv_plan *pl, model_solution *sol)
{
    const model_instance *inst = pr->inst;
    int weeks = inst->program.horizon_weeks;
    int total = 0;
    for (int g = 0; g < pr->ng; g++) {
        const sv_gsol *gs = &pl->gs[g];
        if (gs->cand < 0)
            continue;
        const sv_cand *c = &pr->g[g].cand[gs->cand];
        total += model_session_dates(inst, c->day, inst->types[pr->g[g].type].cadence,
                                     c->parity < 0 ? 0 : c->parity, NULL, 0);
    }
    cov cv;
    memset(&cv, 0, sizeof cv);
    cv.pr = pr;
    cv.s = calloc((size_t)total + 1, sizeof(sess));
    cv.date_lo = malloc(sizeof(int) * (size_t)(total + 1));
    cv.date_hi = malloc(sizeof(int) * (size_t)(total + 1));
    cv.gseq = calloc((size_t)pr->ng + 1, sizeof(int *));
    cv.gn = calloc((size_t)pr->ng + 1, sizeof(int));
    int *dates = malloc(sizeof(int) * (size_t)(weeks + 1));
    int rc = SOLVER_ENOMEM;
    if (!cv.s || !cv.date_lo || !cv.date_hi || !cv.gseq || !cv.gn || !dates)
        goto out;
    for (int g = 0; g < pr->ng; g++) {
        const sv_gsol *gs = &pl->gs[g];
        if (gs->cand < 0)
            continue;
        const sv_cand *c = &pr->g[g].cand[gs->cand];
        int nd = model_session_dates(inst, c->day, inst->types[pr->g[g].type].cadence,
                                     c->parity < 0 ? 0 : c->parity, dates, weeks);
        for (int i = 0; i < nd; i++) {
            sess *s = &cv.s[cv.n++];
            s->g = g;
            s->date = dates[i];
            s->start = c->start;
            s->end = c->end;
            s->day = c->day;
            s->role_f[0] = gs->prim;
            s->role_f[1] = gs->co;
            for (int r = 0; r < 2; r++) {
                int f = s->role_f[r];
                s->lead[r] = f >= 0 && !model_facilitator_off(inst, f, s->date) ? f : -1;
            }
        }
    }
    qsort(cv.s, (size_t)cv.n, sizeof(sess), sess_cmp);
    for (int i = 0; i < cv.n;) {
        int j = i;
        while (j < cv.n && cv.s[j].date == cv.s[i].date)
            j++;
        for (int k = i; k < j; k++) {
            cv.date_lo[k] = i;
            cv.date_hi[k] = j;
        }
        i = j;
    }
    for (int i = 0; i < cv.n; i++)
        cv.gn[cv.s[i].g]++;
    for (int g = 0; g < pr->ng; g++)
        if (cv.gn[g] > 0) {
            if (!(cv.gseq[g] = malloc(sizeof(int) * (size_t)cv.gn[g])))
                goto out;
            cv.gn[g] = 0;
        }
    for (int i = 0; i < cv.n; i++) {
        int g = cv.s[i].g;
        cv.s[i].seq = cv.gn[g];
        cv.gseq[g][cv.gn[g]++] = i;
    }
    /* coverage in date order */
    for (int k = 0; k < cv.n; k++) {
        sess *s = &cv.s[k];
        const sv_gsol *gs = &pl->gs[s->g];
        for (int r = 0; r < 2; r++) {
            if (s->role_f[r] < 0 || s->lead[r] >= 0)
                continue;
            int pick = -1;
            if (gs->sub >= 0 && can_cover(&cv, k, r, gs->sub))
                pick = gs->sub;
            for (int f = 0; f < pr->nf && pick < 0; f++)
                if (can_cover(&cv, k, r, f))
                    pick = f;
            if (pick >= 0) {
                s->lead[r] = pick;
                s->covered[r] = 1;
            }
        }
    }
    sol->sessions = calloc((size_t)cv.n + 1, sizeof(model_sol_session));
    if (!sol->sessions)
        goto out;
    for (int k = 0; k < cv.n; k++) {
        const sess *s = &cv.s[k];
        const sv_gsol *gs = &pl->gs[s->g];
        model_sol_session *o = &sol->sessions[sol->n_sessions++];
        o->group = model_strdup(inst->groups[s->g].id);
        o->date = s->date;
        o->start = s->start;
        o->end = s->end;
        if (!o->group)
            goto out;
        if (gs->room >= 0 && !(o->room = model_strdup(inst->rooms[gs->room].id)))
            goto out;
        for (int r = 0; r < 2; r++) {
            if (s->role_f[r] < 0)
                continue;
            if (s->lead[r] < 0) {
                o->uncovered = true;
                continue;
            }
            if (push_str(&o->facilitators, inst->facilitators[s->lead[r]].id))
                goto out;
            if (s->covered[r] && !o->covered_by &&
                !(o->covered_by = model_strdup(inst->facilitators[s->lead[r]].id)))
                goto out;
        }
    }
    rc = SOLVER_OK;
out:
    if (cv.gseq)
        for (int g = 0; g < pr->ng; g++)
            free(cv.gseq[g]);
    free(cv.gseq);
    free(cv.gn);
    free(cv.s);
    free(cv.date_lo);
    free(cv.date_hi);
    free(dates);
    return rc;
}
