/* authorization.c (part of test_check) - the checker's payer-authorization
 * rule (model_check_authorized, its own copy) against the planner's
 * (model_patient_authorized, model/authorization.c) on generated programs
 * with generated authorizations, and a placement without enough units
 * rejected as rule 7 naming the authorization. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "clinic.h"
#include "io.h"
#include "model.h"

#define FIX COHORT_SOURCE_DIR "/datasets/fixtures/check/"

/* A small deterministic generator (xorshift64*). */
static unsigned rnd(unsigned long long *s, unsigned n)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (unsigned)((*s * 2685821657736338717ULL) >> 33) % n;
}

/* Give every patient of in 0-3 authorizations: a CPT of one of in's types
 * or another, units 0-8, used 0-10 (sometimes past units), dates around
 * the horizon start (some ending before it, some starting after it). */
static void random_authorizations(model_instance *in, unsigned long long seed)
{
    unsigned long long s = seed * 0x9E3779B97F4A7C15ULL + 1;
    int h = in->program.horizon_start;
    for (int p = 0; p < in->n_patients; p++) {
        model_patient *pa = &in->patients[p];
        pa->n_authorizations = (int)rnd(&s, 4);
        for (int k = 0; k < pa->n_authorizations; k++) {
            model_authorization *a = &pa->authorizations[k];
            memset(a, 0, sizeof *a);
            snprintf(a->payer, sizeof a->payer, "payer%d", k);
            const char *cpt = rnd(&s, 5) == 0 || in->n_types == 0
                                  ? "90849"
                                  : in->types[rnd(&s, (unsigned)in->n_types)].cpt;
            snprintf(a->cpt, sizeof a->cpt, "%s", cpt ? cpt : "90853");
            a->units = (int)rnd(&s, 9);
            a->used = (int)rnd(&s, 11);
            a->from = h - 30 + (int)rnd(&s, 45);
            a->to = a->from + (int)rnd(&s, 120);
        }
    }
}

/* Every patient x type of a generated program with generated
 * authorizations, at dates around the horizon start and with 1-5
 * sessions required: the two predicates agree. */
static void cross_check(const char *tier, const char *family, unsigned long long seed)
{
    model_instance *in = NULL;
    model_solution *wit = NULL;
    cr_assert_eq(model_generate_family(tier, family, seed, &in, &wit), MODEL_OK);
    model_solution_destroy(wit);
    random_authorizations(in, seed);
    long yes = 0, no = 0;
    int h = in->program.horizon_start;
    static const int offsets[] = {-31, -1, 0, 1, 13, 60, 200};
    for (int need = 1; need <= 5; need += 2)
        for (int req = 0; req < 2; req++) {
            in->settings.require_authorization = req;
            in->settings.min_authorized_sessions = need;
            for (int p = 0; p < in->n_patients; p++)
                for (int t = 0; t < in->n_types; t++)
                    for (size_t o = 0; o < sizeof offsets / sizeof *offsets; o++) {
                        bool planner = model_patient_authorized(in, p, t, h + offsets[o]);
                        bool checker = model_check_authorized(in, p, t, h + offsets[o]);
                        cr_expect_eq(planner, checker,
                                     "%s %s %llu: patient %s, type %s, day %+d, %d sessions: "
                                     "planner %d, checker %d",
                                     tier, family, seed, in->patients[p].id, in->types[t].id,
                                     offsets[o], need, planner, checker);
                        if (req)
                            planner ? yes++ : no++;
                    }
        }
    cr_expect_gt(yes, 0, "%s %s %llu: some patient is authorized", tier, family, seed);
    cr_expect_gt(no, 0, "%s %s %llu: some patient is not", tier, family, seed);
    model_instance_destroy(in);
}

Test(auth_check, checker_agrees_with_planner_on_generated_programs)
{
    const char *names[32];
    int n = model_generate_families(names, NULL, NULL, 32);
    cr_assert_gt(n, 5);
    for (int f = 0; f < n && f < 32; f++)
        for (unsigned long long seed = 1; seed <= 2; seed++)
            cross_check("S", names[f], seed);
}

/* The rule-7 violations of sol whose message mentions patient and
 * "authorization"; every violation's rule into *other_rules when not 7. */
static int authorization_violations(const model_instance *in, const model_solution *s,
                                    const char *patient, int *other_rules)
{
    model_check_report r;
    cr_assert_eq(model_check(in, s, &r), MODEL_OK);
    int n = 0;
    *other_rules = 0;
    for (int i = 0; i < r.n_violations; i++) {
        const char *m = r.violations[i].message;
        if (r.violations[i].rule != 7) {
            *other_rules += 1;
            cr_log_info("rule %d: %s", r.violations[i].rule, m);
        }
        n += r.violations[i].rule == 7 && strstr(m, "authorization") && strstr(m, patient);
    }
    model_check_report_free(&r);
    return n;
}

Test(auth_check, placement_without_units_is_rule_7)
{
    model_instance *in = NULL;
    model_solution *s = NULL;
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_instance_read_file(FIX "instance.json", &in, &d), IO_OK);
    cr_assert_eq(io_solution_read_file(FIX "solution_valid.json", &s, &d), IO_OK);
    model_diag_free(&d);
    /* every patient authorized for every type's CPT over the horizon */
    in->settings.require_authorization = true;
    in->settings.min_authorized_sessions = 4;
    for (int p = 0; p < in->n_patients; p++) {
        model_patient *pa = &in->patients[p];
        pa->n_authorizations = 0;
        for (int t = 0; t < in->n_types && pa->n_authorizations < MODEL_MAX_AUTHORIZATIONS; t++) {
            model_authorization *a = &pa->authorizations[pa->n_authorizations++];
            memset(a, 0, sizeof *a);
            snprintf(a->payer, sizeof a->payer, "Aetna");
            snprintf(a->cpt, sizeof a->cpt, "%s", in->types[t].cpt);
            a->units = 20;
            a->from = in->program.horizon_start - 7;
            a->to = in->program.horizon_start + 120;
        }
    }
    int other;
    cr_assert_eq(authorization_violations(in, s, "", &other), 0);
    cr_assert_eq(other, 0, "the valid plan stays valid when everyone is authorized");
    /* a new member whose units are used up: rule 7 names the authorization */
    const char *who = NULL;
    for (int i = 0; i < s->n_groups && !who; i++)
        if (s->groups[i].new_members.n > 0)
            who = s->groups[i].new_members.items[0];
    cr_assert_not_null(who, "the fixture places someone");
    model_patient *pa = &in->patients[model_find_patient(in, who)];
    for (int k = 0; k < pa->n_authorizations; k++)
        pa->authorizations[k].used = 17; /* 3 left, 4 needed */
    cr_assert_eq(authorization_violations(in, s, who, &other), 1, "%s", who);
    cr_assert_eq(other, 0, "only rule 7");
    /* the same placement with the rule off, or units enough, is fine */
    in->settings.require_authorization = false;
    cr_assert_eq(authorization_violations(in, s, who, &other), 0);
    in->settings.require_authorization = true;
    in->settings.min_authorized_sessions = 3;
    cr_assert_eq(authorization_violations(in, s, who, &other), 0);
    /* no authorization at all */
    in->settings.min_authorized_sessions = 1;
    pa->n_authorizations = 0;
    cr_assert_eq(authorization_violations(in, s, who, &other), 1);
    model_solution_destroy(s);
    model_instance_destroy(in);
}
