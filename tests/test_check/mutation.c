/* mutation.c (part of test_check) - the checker, checked: one targeted
 * break per rule of valid plans, each reported under its rule, and the
 * planner marking sessions uncovered only when nobody can cover them. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "model.h"
#include "solver.h"
#include "fixture.h"

/* ------------------------------------------- mutation test of the checker */

/* Valid plans (the fixture, the sample program as planned, the generator's
 * witnesses of tier S); each gets one targeted break per rule, and the
 * checker must name that rule and no other. */

static model_solution *sol_clone(const model_solution *s)
{
    char *text = NULL;
    cr_assert_eq(io_solution_to_json(s, &text), IO_OK);
    return parse_sol(text);
}

static const model_group_type *mtype(const model_instance *in, const model_sol_group *g)
{
    int k = model_find_group(in, g->id);
    cr_assert_geq(k, 0);
    return &in->types[model_find_type(in, in->groups[k].type)];
}

static bool m_off(const model_instance *in, const char *fid, int date)
{
    int f = model_find_facilitator(in, fid);
    return f >= 0 && model_facilitator_off(in, f, date);
}

/* True when every session of g is led by exactly its regular facilitators. */
static bool m_plain_sessions(const model_instance *in, const model_solution *s,
                             const model_sol_group *g)
{
    for (int k = 0; k < s->n_sessions; k++) {
        const model_sol_session *ss = &s->sessions[k];
        if (strcmp(ss->group, g->id) != 0)
            continue;
        if (ss->covered_by || ss->uncovered || ss->facilitators.n != g->facilitators.n)
            return false;
        for (int q = 0; q < g->facilitators.n; q++)
            if (m_off(in, g->facilitators.items[q], ss->date))
                return false;
    }
    return true;
}

static bool m_any_uncovered(const model_solution *s)
{
    for (int k = 0; k < s->n_sessions; k++)
        if (s->sessions[k].uncovered)
            return true;
    return false;
}

static void m_strlist_del(model_strlist *l, int k)
{
    free(l->items[k]);
    memmove(&l->items[k], &l->items[k + 1], (size_t)(l->n - k - 1) * sizeof *l->items);
    l->n--;
}

/* Rule 1: a must-run group does not run. */
static bool mut1(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++) {
        int g = model_find_group(in, s->groups[i].id);
        if (s->groups[i].running && !in->groups[g].optional) {
            s->groups[i].running = false;
            return true;
        }
    }
    return false;
}

/* Rule 2: an in-person group moves into the room of a group meeting at an
 * overlapping time in the same weeks (a room that would otherwise suit it). */
static bool mut2(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++)
        for (int j = 0; j < s->n_groups; j++) {
            model_sol_group *a = &s->groups[i], *b = &s->groups[j];
            if (i == j || !a->running || !b->running || !a->room || !b->room ||
                strcmp(a->room, b->room) == 0 || a->day != b->day || a->start >= b->end ||
                b->start >= a->end)
                continue;
            const model_group_type *ta = mtype(in, a), *tb = mtype(in, b);
            if (ta->cadence == MODEL_BIWEEKLY && tb->cadence == MODEL_BIWEEKLY &&
                a->week_parity != b->week_parity)
                continue;
            const model_room *r = &in->rooms[model_find_room(in, b->room)];
            bool fits = r->capacity >= ta->max_size &&
                        model_windows_fit(r->available, r->n_available, a->day, a->start,
                                          ta->duration_min);
            for (int k = 0; k < ta->room_features.n && fits; k++)
                fits = model_strlist_find(&r->features, ta->room_features.items[k]) >= 0;
            int g = model_find_group(in, a->id);
            if (!fits || in->groups[g].pinned.room)
                continue;
            set_str(&a->room, b->room);
            for (int k = 0; k < s->n_sessions; k++)
                if (strcmp(s->sessions[k].group, a->id) == 0)
                    set_str(&s->sessions[k].room, b->room);
            return true;
        }
    return false;
}

/* Rule 3: a co-facilitated group loses its co-facilitator. */
static bool mut3(model_instance *in, model_solution *s)
{
    if (m_any_uncovered(s))
        return false; /* a freed facilitator might then cover it (rule 6) */
    for (int i = 0; i < s->n_groups; i++) {
        model_sol_group *g = &s->groups[i];
        int ig = model_find_group(in, g->id);
        if (!g->running || g->facilitators.n != 2 || in->groups[ig].pinned.facilitators.n > 0)
            continue;
        bool listed = true; /* on every session: never off, nobody stands in for them */
        for (int k = 0; k < s->n_sessions; k++)
            if (strcmp(s->sessions[k].group, g->id) == 0)
                listed &= model_strlist_find(&s->sessions[k].facilitators,
                                             g->facilitators.items[1]) >= 0;
        if (!listed)
            continue;
        char *co = model_strdup(g->facilitators.items[1]);
        m_strlist_del(&g->facilitators, 1);
        for (int k = 0; k < s->n_sessions; k++)
            if (strcmp(s->sessions[k].group, g->id) == 0)
                m_strlist_del(&s->sessions[k].facilitators,
                              model_strlist_find(&s->sessions[k].facilitators, co));
        free(co);
        return true;
    }
    return false;
}

/* Rule 4: a facilitator's max_per_day drops below their busiest day. */
static bool mut4(model_instance *in, model_solution *s)
{
    for (int f = 0; f < in->n_facilitators; f++) {
        const char *fid = in->facilitators[f].id;
        int per_day[7] = {0}, most = 0;
        bool covers = false;
        for (int i = 0; i < s->n_groups; i++)
            if (s->groups[i].running && model_strlist_find(&s->groups[i].facilitators, fid) >= 0)
                most = ++per_day[s->groups[i].day] > most ? per_day[s->groups[i].day] : most;
        for (int k = 0; k < s->n_sessions && !covers; k++)
            covers = s->sessions[k].covered_by && strcmp(s->sessions[k].covered_by, fid) == 0;
        if (most == 0 || covers)
            continue;
        in->facilitators[f].max_per_day = most - 1;
        return true;
    }
    return false;
}

/* Rule 5: the substitute is the group's own primary facilitator. */
static bool mut5(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++) {
        model_sol_group *g = &s->groups[i];
        int ig = model_find_group(in, g->id);
        if (!g->running || g->facilitators.n == 0 || in->groups[ig].pinned.substitute ||
            !m_plain_sessions(in, s, g))
            continue;
        set_str(&g->substitute, g->facilitators.items[0]);
        return true;
    }
    return false;
}

/* Rule 6: a covered session is marked uncovered instead (its coverer was
 * free to cover it). */
static bool mut6(model_instance *in, model_solution *s)
{
    (void)in;
    for (int k = 0; k < s->n_sessions; k++) {
        model_sol_session *ss = &s->sessions[k];
        if (!ss->covered_by || ss->uncovered)
            continue;
        m_strlist_del(&ss->facilitators, model_strlist_find(&ss->facilitators, ss->covered_by));
        set_str(&ss->covered_by, NULL);
        ss->uncovered = true;
        return true;
    }
    return false;
}

static bool m_placed(const model_solution *s, const char *pid)
{
    for (int i = 0; i < s->n_groups; i++)
        if (model_strlist_find(&s->groups[i].members, pid) >= 0)
            return true;
    return false;
}

/* Rule 7: a new member is swapped for a waitlisted patient who does not fit
 * the group, of the same acuity and an age inside the group's range (so
 * size and composition stay as they were). */
static bool mut7(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++) {
        model_sol_group *g = &s->groups[i];
        if (!g->running || g->new_members.n == 0)
            continue;
        int t = model_find_type(in, mtype(in, g)->id), amin = 1000, amax = -1;
        for (int k = 0; k < g->members.n; k++) {
            int a = in->patients[model_find_patient(in, g->members.items[k])].age;
            amin = a >= 0 && a < amin ? a : amin;
            amax = a > amax ? a : amax;
        }
        const char *qid = g->new_members.items[0];
        const model_patient *q = &in->patients[model_find_patient(in, qid)];
        for (int r = 0; r < in->n_patients; r++) {
            const model_patient *pr = &in->patients[r];
            if (!model_patient_waitlisted(in, r) || m_placed(s, pr->id) ||
                (pr->acuity == MODEL_ACUITY_HIGH) != (q->acuity == MODEL_ACUITY_HIGH) ||
                (pr->age >= 0 && (pr->age < amin || pr->age > amax)) ||
                model_check_patient_fit(in, r, t, g->day, g->start) == 0)
                continue;
            set_str(&g->members.items[model_strlist_find(&g->members, qid)], pr->id);
            set_str(&g->new_members.items[0], pr->id);
            return true;
        }
    }
    return false;
}

/* Rule 8: new members leave until the group is one below min_size. */
static bool mut8(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++) {
        model_sol_group *g = &s->groups[i];
        int min = mtype(in, g)->min_size;
        if (!g->running || g->members.n - g->new_members.n > min - 1)
            continue;
        while (g->members.n > min - 1) {
            const char *pid = g->new_members.items[g->new_members.n - 1];
            m_strlist_del(&g->members, model_strlist_find(&g->members, pid));
            m_strlist_del(&g->new_members, g->new_members.n - 1);
        }
        return true;
    }
    return false;
}

/* Rule 9: the instance pins a running group to another day. */
static bool mut9(model_instance *in, model_solution *s)
{
    for (int i = 0; i < s->n_groups; i++) {
        if (!s->groups[i].running)
            continue;
        model_pinned *p = &in->groups[model_find_group(in, s->groups[i].id)].pinned;
        p->has_day = true;
        p->day = (s->groups[i].day + 1) % 7;
        return true;
    }
    return false;
}

/* Rule 10: a group gets a session on a closed date it would otherwise meet
 * on, led by its regular facilitators. */
static bool mut10(model_instance *in, model_solution *s)
{
    for (int c = 0; c < in->program.n_closed_dates; c++) {
        int date = in->program.closed_dates[c], w = (date - in->program.horizon_start) / 7;
        if (date < in->program.horizon_start || w >= in->program.horizon_weeks)
            continue;
        for (int i = 0; i < s->n_groups; i++) {
            model_sol_group *g = &s->groups[i];
            if (!g->running || g->day != model_date_weekday(date) ||
                !model_meets_in_week(mtype(in, g)->cadence, g->week_parity, w))
                continue;
            bool off = false;
            for (int q = 0; q < g->facilitators.n; q++)
                off |= m_off(in, g->facilitators.items[q], date);
            if (off)
                continue;
            model_sol_session *na =
                realloc(s->sessions, (size_t)(s->n_sessions + 1) * sizeof *na);
            cr_assert_not_null(na);
            s->sessions = na;
            model_sol_session *x = &s->sessions[s->n_sessions++];
            memset(x, 0, sizeof *x);
            x->group = model_strdup(g->id);
            x->date = date;
            x->start = g->start;
            x->end = g->end;
            x->room = model_strdup(g->room);
            cr_assert_eq(model_strlist_copy(&x->facilitators, &g->facilitators), MODEL_OK);
            return true;
        }
    }
    return false;
}

typedef bool (*mutation)(model_instance *, model_solution *);

/* Apply each rule's break to copies of (in, s); count what applied. */
static void mutate_all(const char *what, const model_instance *in, const model_solution *s,
                       int applied[11])
{
    static const mutation muts[11] = {NULL, mut1, mut2, mut3, mut4, mut5,
                                      mut6, mut7, mut8, mut9, mut10};
    expect_clean(in, s, what);
    model_check_report r;
    for (int rule = 1; rule <= 10; rule++) {
        model_instance *mi = model_instance_clone(in);
        model_solution *ms = sol_clone(s);
        cr_assert(mi && ms);
        if (muts[rule](mi, ms)) {
            applied[rule]++;
            cr_assert_eq(model_check(mi, ms, &r), MODEL_OK);
            int other = 0;
            for (int i = 0; i < r.n_violations; i++)
                if (r.violations[i].rule != rule) {
                    other++;
                    cr_log_error("%s, break of rule %d: also rule %d: %s", what, rule,
                                 r.violations[i].rule, r.violations[i].message);
                }
            cr_expect_gt(r.n_violations, 0, "%s: the break of rule %d is not reported", what, rule);
            cr_expect_eq(other, 0, "%s: the break of rule %d is reported under other rules",
                         what, rule);
            model_check_report_free(&r);
        }
        model_solution_destroy(ms);
        model_instance_destroy(mi);
    }
}

Test(mutation, one_break_per_rule_is_named, .timeout = 120)
{
    int applied[11] = {0};
    model_instance *in = NULL;
    model_solution *s = NULL;
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_instance_read_file(FIX "instance.json", &in, &d), IO_OK);
    cr_assert_eq(io_solution_read_file(FIX "solution_valid.json", &s, &d), IO_OK);
    mutate_all("fixture", in, s, applied);
    model_solution_destroy(s);
    model_instance_destroy(in);

    cr_assert_eq(io_instance_read_file(COHORT_SOURCE_DIR "/datasets/sample.json", &in, &d), IO_OK);
    model_diag_free(&d);
    s = plan_first(in);
    mutate_all("sample", in, s, applied);
    model_solution_destroy(s);
    model_instance_destroy(in);

    for (unsigned long long seed = 1; seed <= 3; seed++) {
        cr_assert_eq(model_generate("S", seed, &in, &s), MODEL_OK);
        model_diag_init(&d);
        cr_assert_eq(model_instance_validate(in, &d), MODEL_OK);
        model_diag_free(&d);
        char what[32];
        snprintf(what, sizeof what, "S seed %llu", seed);
        mutate_all(what, in, s, applied);
        model_solution_destroy(s);
        model_instance_destroy(in);
    }
    for (int rule = 1; rule <= 10; rule++) {
        cr_log_info("rule %d: broken in %d plan(s)", rule, applied[rule]);
        cr_expect_geq(applied[rule], 2, "rule %d was broken in only %d plan(s)", rule,
                      applied[rule]);
    }
}

/* The planner's sessions builder (solver/sessions.c) marks a session
 * uncovered only when nobody could cover it, as the checker judges: a tier
 * S program where every facilitator is away for two weeks. */
Test(mutation, planner_marks_uncovered_only_when_nobody_can_cover, .timeout = 120)
{
    model_instance *in = NULL;
    cr_assert_eq(model_generate("S", 2, &in, NULL), MODEL_OK);
    int W = in->program.horizon_weeks;
    for (int f = 0; f < in->n_facilitators; f++) {
        model_facilitator *fa = &in->facilitators[f];
        model_date_range *na = realloc(fa->time_off, (size_t)(fa->n_time_off + 1) * sizeof *na);
        cr_assert_not_null(na);
        fa->time_off = na;
        int from = in->program.horizon_start + 7 * ((2 * f) % (W - 1));
        fa->time_off[fa->n_time_off++] = (model_date_range){from, from + 13};
    }
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(model_instance_validate(in, &d), MODEL_OK);
    model_diag_free(&d);
    model_solution *s = plan_first(in);
    int covered = 0, uncovered = 0;
    for (int k = 0; k < s->n_sessions; k++) {
        covered += s->sessions[k].covered_by != NULL;
        uncovered += s->sessions[k].uncovered;
    }
    cr_log_info("%d sessions covered, %d uncovered", covered, uncovered);
    cr_expect_gt(covered, 0, "time off is covered");
    expect_clean(in, s, "S seed 2 with time off");
    model_solution_destroy(s);
    model_instance_destroy(in);
}
