/*
 * baseline_fcfs_sessions.c - step 3 of the first-come-first-served baseline
 * (baseline_fcfs.c): every running group expanded into dated sessions,
 * with coverage of the facilitators' time off (rule 6).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "baseline_fcfs_private.h"

/* ------------------------------------------------------------ sessions */

typedef struct busy {
    int start, end;
} busy;

typedef struct busyvec {
    busy *v;
    int n, cap;
} busyvec;

static int busy_push(busyvec *b, int s, int e)
{
    if (b->n == b->cap) {
        int ncap = b->cap ? b->cap * 2 : 4;
        busy *nv = realloc(b->v, (size_t)ncap * sizeof *nv);
        if (!nv)
            return SOLVER_ENOMEM;
        b->v = nv;
        b->cap = ncap;
    }
    b->v[b->n].start = s;
    b->v[b->n].end = e;
    b->n++;
    return SOLVER_OK;
}

static int sol_session_push(model_solution *sol, int *cap)
{
    if (sol->n_sessions == *cap) {
        int ncap = *cap ? *cap * 2 : 64;
        model_sol_session *nv = realloc(sol->sessions, (size_t)ncap * sizeof *nv);
        if (!nv)
            return SOLVER_ENOMEM;
        sol->sessions = nv;
        *cap = ncap;
    }
    memset(&sol->sessions[sol->n_sessions], 0, sizeof sol->sessions[0]);
    sol->n_sessions++;
    return SOLVER_OK;
}

/* Expand every running group into dated sessions, covering time off. */
int expand_sessions(fcfs *fc, model_solution *sol)
{
    const model_instance *inst = fc->inst;
    int F = inst->n_facilitators, G = inst->n_groups;
    int ndays = 7 * fc->W;
    int brk = inst->settings.min_break_min;
    int maxc = inst->settings.max_consecutive_cover;
    int rc = SOLVER_OK, cap = 0;
    busyvec *bz = calloc((size_t)F * ndays + 1, sizeof *bz);
    int *wk = calloc((size_t)F * fc->W + 1, sizeof *wk);
    int *run = calloc((size_t)F + 1, sizeof *run);
    int *nrun = calloc((size_t)F + 1, sizeof *nrun);
    int *dates = calloc((size_t)fc->W + 1, sizeof *dates);
    if (!bz || !wk || !run || !nrun || !dates) {
        rc = SOLVER_ENOMEM;
        goto done;
    }
    /* Regular sessions actually led. */
    for (int g = 0; g < G; g++) {
        gstate *s = &fc->gs[g];
        if (!s->running)
            continue;
        int nd = model_session_dates(inst, s->day, gcad(fc, g), s->parity, dates, fc->W);
        for (int i = 0; i < nd; i++) {
            int di = dates[i] - inst->program.horizon_start;
            for (int r = 0; r < 2; r++) {
                int f = s->fac[r];
                if (f < 0 || model_facilitator_off(inst, f, dates[i]))
                    continue;
                if ((rc = busy_push(&bz[(size_t)f * ndays + di], s->start, s->end)) != SOLVER_OK)
                    goto done;
                wk[(size_t)f * fc->W + di / 7]++;
            }
        }
    }
    for (int g = 0; g < G; g++) {
        gstate *s = &fc->gs[g];
        if (!s->running)
            continue;
        const model_group_type *t = &inst->types[inst->groups[g].type_idx];
        memset(run, 0, (size_t)F * sizeof *run);
        int nd = model_session_dates(inst, s->day, t->cadence, s->parity, dates, fc->W);
        for (int i = 0; i < nd; i++) {
            int date = dates[i], di = date - inst->program.horizon_start;
            int cover[2] = {-1, -1};
            bool uncovered = false;
            for (int r = 0; r < 2; r++) {
                int f = s->fac[r];
                if (f < 0 || !model_facilitator_off(inst, f, date))
                    continue;
                const model_strlist *creds =
                    r == 0 ? &t->required_credentials : &t->cofacilitator_credentials;
                for (int k = -1; k < F && cover[r] < 0; k++) {
                    int c = k < 0 ? s->sub : k;
                    if (c < 0 || (k >= 0 && c == s->sub))
                        continue;
                    const model_facilitator *ca = &inst->facilitators[c];
                    if (c == s->fac[0] || c == s->fac[1] || c == cover[0])
                        continue;
                    if (model_facilitator_off(inst, c, date) || !model_facilitator_holds(ca, creds))
                        continue;
                    if (!model_windows_fit(ca->available, ca->n_available, s->day, s->start,
                                           s->end - s->start))
                        continue;
                    if (run[c] + 1 > maxc)
                        continue;
                    const busyvec *b = &bz[(size_t)c * ndays + di];
                    bool clash = false;
                    for (int j = 0; j < b->n && !clash; j++)
                        clash = b->v[j].start < s->end + brk && s->start < b->v[j].end + brk;
                    if (clash || b->n + 1 > model_facilitator_max_per_day(inst, c) ||
                        wk[(size_t)c * fc->W + di / 7] + 1 > model_facilitator_max_per_week(inst, c))
                        continue;
                    cover[r] = c;
                }
                if (cover[r] < 0) {
                    uncovered = true;
                } else {
                    if ((rc = busy_push(&bz[(size_t)cover[r] * ndays + di], s->start, s->end)) !=
                        SOLVER_OK)
                        goto done;
                    wk[(size_t)cover[r] * fc->W + di / 7]++;
                }
            }
            for (int f = 0; f < F; f++)
                nrun[f] = (f == cover[0] || f == cover[1]) ? run[f] + 1 : 0;
            memcpy(run, nrun, (size_t)F * sizeof *run);

            if ((rc = sol_session_push(sol, &cap)) != SOLVER_OK)
                goto done;
            model_sol_session *ss = &sol->sessions[sol->n_sessions - 1];
            ss->date = date;
            ss->start = s->start;
            ss->end = s->end;
            ss->uncovered = uncovered;
            if (!(ss->group = model_strdup(inst->groups[g].id)) ||
                (s->room >= 0 && !(ss->room = model_strdup(inst->rooms[s->room].id)))) {
                rc = SOLVER_ENOMEM;
                goto done;
            }
            for (int r = 0; r < 2; r++) {
                int who = s->fac[r] >= 0 && cover[r] < 0 && !model_facilitator_off(inst, s->fac[r], date)
                              ? s->fac[r]
                              : cover[r];
                if (who >= 0 &&
                    model_strlist_push(&ss->facilitators, inst->facilitators[who].id) != MODEL_OK) {
                    rc = SOLVER_ENOMEM;
                    goto done;
                }
            }
            int cb = cover[0] >= 0 ? cover[0] : cover[1];
            if (cb >= 0 && !(ss->covered_by = model_strdup(inst->facilitators[cb].id))) {
                rc = SOLVER_ENOMEM;
                goto done;
            }
        }
    }
done:
    if (bz)
        for (size_t i = 0; i < (size_t)F * ndays; i++)
            free(bz[i].v);
    free(bz);
    free(wk);
    free(run);
    free(nrun);
    free(dates);
    return rc;
}
