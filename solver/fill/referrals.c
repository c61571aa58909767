/* referrals.c - fill: answering a referral (best groups, expected wait) and
 * groups that fell below their minimum (merge options, run-under date). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fill_private.h"

/* ---------------------------------------------------------- referrals */

typedef struct gopt {
    int sg;
    int under_min;
    int next;
} gopt;

static int gopt_cmp(const void *a, const void *b)
{
    const gopt *x = a, *y = b;
    if (x->under_min != y->under_min)
        return y->under_min - x->under_min;
    int nx = x->next < 0 ? 1 << 30 : x->next, ny = y->next < 0 ? 1 << 30 : y->next;
    if (nx != ny)
        return nx < ny ? -1 : 1;
    return x->sg - y->sg;
}

/* Held / active counts of a solution group from the instance roster (new
 * members count as active). */
static void member_counts(const fstate *s, int sg, int *active, int *held)
{
    const model_sol_group *g = &s->sol->groups[sg];
    *active = *held = 0;
    for (int m = 0; m < g->members.n; m++) {
        model_member *mb = fill_roster_member(s->inst, s->ig[sg], g->members.items[m]);
        if (mb && (mb->status == MODEL_HOLD_CLINICAL || mb->status == MODEL_HOLD_ADMIN))
            (*held)++;
        else
            (*active)++;
    }
}

static int estimate_wait(fstate *s, int p, int ref_date, solver_fill_referral *r)
{
    const model_instance *in = s->inst;
    const solver_fill_options *o = s->opt;
    int active = 0, held = 0, n_fit = 0;
    char names[256] = "";
    size_t used = 0;
    bool *fit = calloc((size_t)s->sol->n_groups + 1, sizeof *fit);
    if (!fit)
        return -1;
    for (int g = 0; g < s->sol->n_groups; g++) {
        if (!fill_fits_rule7(s, p, g, false))
            continue;
        fit[g] = true;
        n_fit++;
        int a, h;
        member_counts(s, g, &a, &h);
        active += a;
        held += h;
        if (used < sizeof names - 40) {
            int k = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                             s->sol->groups[g].id);
            if (k > 0)
                used += (size_t)k;
        }
    }
    int rc = 0;
    if (n_fit == 0) {
        r->expected_wait_days = -1;
        rc = push_fmt(&r->estimate,
                      "no running group of a type they are referred to (or whose diagnoses "
                      "match) meets inside their windows with their modality and age/gender: "
                      "no seat can open for them before a new group is planned");
        free(fit);
        return rc;
    }
    /* Patients ahead: waitlisted, screened and verified, fitting one of the
     * same groups, with a higher placement value. */
    double v = fill_placement_value(in, p);
    int ahead = 0;
    for (int q = 0; q < in->n_patients; q++) {
        if (q == p || !fill_available_for_placement(s, q))
            continue;
        if (fill_placement_value(in, q) <= v + EPS)
            continue;
        for (int g = 0; g < s->sol->n_groups; g++)
            if (fit[g] && fill_fits_rule7(s, q, g, true)) {
                ahead++;
                break;
            }
    }
    free(fit);
    double per_month = o->turnover_per_month * active + o->hold_turnover_per_month * held;
    rc |= push_fmt(&r->estimate, "groups that fit them (type, window, modality, age/gender): %s",
                   names);
    rc |= push_fmt(&r->estimate,
                   "those groups have %d active and %d held members; at %.0f%%/month turnover "
                   "for active and %.0f%%/month for held members, about %.2f seats open per month",
                   active, held, 100.0 * o->turnover_per_month,
                   100.0 * o->hold_turnover_per_month, per_month);
    rc |= push_fmt(&r->estimate,
                   "%d waitlisted patients who fit the same groups rank ahead of them "
                   "(higher placement value)", ahead);
    if (per_month <= EPS) {
        r->expected_wait_days = -1;
        rc |= push_fmt(&r->estimate, "no members to turn over: no estimate");
    } else {
        double months = (ahead + 1) / per_month;
        r->expected_wait_days = months * 30.44;
        rc |= push_fmt(&r->estimate, "expected wait = (%d + 1) / %.2f = %.1f months = about %.0f days from %s",
                       ahead, per_month, months, r->expected_wait_days, "the referral");
    }
    (void)ref_date;
    return rc ? -1 : 0;
}

int fill_answer_referral(fstate *s, int p, int ev, int ref_date, solver_fill_referral *r)
{
    const model_patient *pa = &s->inst->patients[p];
    r->event = ev;
    if (!(r->patient = model_strdup(pa->id)))
        return -1;
    r->expected_wait_days = -1;
    if (!pa->screened && push_fmt(&r->notes, "not screened yet: cannot be placed until screened"))
        return -1;
    if (!pa->insurance_verified &&
        push_fmt(&r->notes, "insurance not verified: cannot be placed until verified"))
        return -1;
    if (s->sol_group_of[p] >= 0) {
        /* Took an opened seat as its top candidate. */
        if (push_fmt(&r->notes, "top candidate for the seat opened in %s",
                     s->sol->groups[s->sol_group_of[p]].id))
            return -1;
        return fill_dup_or_null(&r->placed, s->sol->groups[s->sol_group_of[p]].id);
    }
    gopt *os = malloc((size_t)(s->sol->n_groups + 1) * sizeof *os);
    if (!os)
        return -1;
    int n = 0;
    for (int g = 0; g < s->sol->n_groups; g++) {
        if (!fill_fits_rule7(s, p, g, false)) /* flags noted above; the seat would fit */
            continue;
        gstats st;
        fill_gstats_compute(s, g, &st);
        if (fill_fits_rule8(s, p, g, &st) != FIT_OK)
            continue;
        os[n].sg = g;
        os[n].under_min = st.size < s->inst->types[s->ty[g]].min_size;
        os[n].next = fill_next_session(s, g, ref_date);
        n++;
    }
    qsort(os, (size_t)n, sizeof *os, gopt_cmp);
    int rc = 0;
    if (n > 0 && !(r->groups = calloc((size_t)n, sizeof *r->groups)))
        rc = -1;
    for (int i = 0; rc == 0 && i < n; i++) {
        solver_fill_option *o = &r->groups[r->n_groups++];
        int g = os[i].sg;
        gstats st;
        fill_gstats_compute(s, g, &st);
        o->free_seats = s->inst->types[s->ty[g]].max_size - st.size;
        fill_comp_after(s, &st, p, &o->size_after, &o->new_share_after, &o->high_acuity_after,
                   &o->age_spread_after);
        if (!(o->group = model_strdup(s->sol->groups[g].id)) || fill_explain_fit(s, p, g, &o->why))
            rc = -1;
        else if (os[i].under_min &&
                 push_fmt(&o->why, "below its minimum of %d: joining helps it run",
                          s->inst->types[s->ty[g]].min_size))
            rc = -1;
        else if (os[i].next >= 0) {
            char d[11];
            model_date_format(os[i].next, d);
            if (push_fmt(&o->why, "next session %s", d))
                rc = -1;
        }
    }
    if (rc == 0 && n == 0)
        rc = estimate_wait(s, p, ref_date, r);
    if (rc == 0 && n > 0 && s->opt->apply && pa->screened && pa->insurance_verified) {
        if (fill_place(s, p, os[0].sg) || fill_dup_or_null(&r->placed, s->sol->groups[os[0].sg].id))
            rc = -1;
    }
    free(os);
    return rc;
}

/* ---------------------------------------------------- below minimum */

/* Part one, right after the events (before any seat is filled): the size,
 * the merge options and the run-under-minimum date. */
int fill_undermin_prepare(fstate *s, int sg, int ref_date, solver_fill_undermin *u)
{
    const model_instance *in = s->inst;
    const model_sol_group *g = &s->sol->groups[sg];
    const model_group_type *ty = &in->types[s->ty[sg]];
    u->size = g->members.n;
    u->min_size = ty->min_size;
    if (!(u->group = model_strdup(g->id)))
        return -1;
    /* Merge: same-type running groups whose time fits every member and
     * whose composition limits hold after it (the moved members are new
     * placements there, as model_check counts them). */
    for (int h = 0; h < s->sol->n_groups; h++) {
        const model_sol_group *gh = &s->sol->groups[h];
        if (h == sg || !gh->running || s->ty[h] != s->ty[sg])
            continue;
        int combined = gh->members.n + g->members.n;
        if (combined > ty->max_size)
            continue;
        bool ok = true;
        int high = 0, lo = -1, hi = -1;
        for (int side = 0; side < 2 && ok; side++) {
            const model_sol_group *x = side ? gh : g;
            for (int m = 0; m < x->members.n && ok; m++) {
                int p = fill_pmap_get(&s->map, x->members.items[m]);
                if (p < 0)
                    continue;
                const model_patient *pa = &in->patients[p];
                if (side == 0 &&
                    !model_windows_fit(pa->available, pa->n_available, gh->day, gh->start,
                                       gh->end - gh->start))
                    ok = false;
                if (side == 0 && !model_modality_fits(pa->modality, ty->modality))
                    ok = false;
                high += pa->acuity == MODEL_ACUITY_HIGH;
                if (pa->age >= 0) {
                    if (lo < 0 || pa->age < lo)
                        lo = pa->age;
                    if (pa->age > hi)
                        hi = pa->age;
                }
            }
        }
        if (!ok)
            continue;
        if (ty->composition.max_high_acuity >= 0 && high > ty->composition.max_high_acuity)
            continue;
        if (ty->composition.max_age_spread >= 0 && lo >= 0 &&
            hi - lo > ty->composition.max_age_spread)
            continue;
        int nnew = g->members.n;
        for (int m = 0; m < gh->members.n; m++)
            nnew += model_strlist_find(&gh->new_members, gh->members.items[m]) >= 0;
        if (model_new_share_exceeded(&ty->composition, nnew, combined - nnew, combined))
            continue;
        char tr[12];
        fill_fmt_time_range(gh->start, gh->end, tr);
        if (model_strlist_push(&u->merge_into, gh->id) != MODEL_OK ||
            push_fmt(&u->options,
                     "merge into %s (%s %s): %d + %d = %d of %d seats; every member's windows "
                     "fit its time; composition limits hold",
                     gh->id, model_day_name(gh->day), tr, g->members.n, gh->members.n, combined,
                     ty->max_size))
            return -1;
    }
    if (u->merge_into.n == 0 &&
        push_fmt(&u->options, "merge: no running %s group has room, a time that fits every "
                              "member's windows and composition limits that hold after it",
                 ty->id))
        return -1;
    int until = ref_date + 7 * s->opt->grace_weeks;
    int last = fill_last_session(s, sg);
    if (last >= 0 && until > last)
        until = last;
    u->run_until = until;
    char d[11];
    model_date_format(until, d);
    if (push_fmt(&u->options,
                 "run under minimum until %s (%d-week grace after the event, at most to the "
                 "last session), then review%s",
                 d, s->opt->grace_weeks,
                 u->size < 2 ? "; below the billing minimum of 2 it cannot bill as a group" : ""))
        return -1;
    return 0;
}

/* Part two, after the seats were filled: what filling achieves (the first
 * option). */
int fill_undermin_finish(fstate *s, int sg, solver_fill_undermin *u)
{
    const model_instance *in = s->inst;
    const model_group_type *ty = &in->types[s->ty[sg]];
    gstats st;
    fill_gstats_compute(s, sg, &st);
    u->size_after_fill = st.size;
    for (int p = 0; p < in->n_patients; p++)
        if (fill_available_for_placement(s, p) && fill_fits_rule7(s, p, sg, true) &&
            fill_fits_rule8(s, p, sg, &st) == FIT_OK)
            u->eligible++;
    int need = ty->min_size - st.size;
    int rc;
    if (need <= 0)
        rc = push_fmt(&u->options,
                      "fill from the waitlist: placing the top candidates of its opened seats "
                      "brings it to %d members (minimum %d)", st.size, ty->min_size);
    else
        rc = push_fmt(&u->options,
                      "fill from the waitlist: %d more member%s needed after the opened seats are "
                      "filled; %d more waitlisted patient%s fit it now%s",
                      need, need == 1 ? "" : "s", u->eligible, u->eligible == 1 ? "" : "s",
                      u->eligible >= need ? "" : " (not enough: filling alone cannot restore it)");
    if (rc)
        return -1;
    /* The fill option goes first. */
    char *last = u->options.items[u->options.n - 1];
    memmove(&u->options.items[1], &u->options.items[0],
            (size_t)(u->options.n - 1) * sizeof *u->options.items);
    u->options.items[0] = last;
    return 0;
}

