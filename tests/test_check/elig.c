/* elig.c (part of test_check) - eligibility checked twice: the checker's
 * own copy of rule 7 against the shared predicate (model/eligibility.c) on
 * generated programs of every family, edge cases, and the planner placing
 * by the same rules. */
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

/* ------------------------------------------ eligibility, checked twice */

/* The checker's rule-7 fit (model_check_patient_fit, its own copy) and the
 * shared predicate (model_patient_group_fit) agree on patient p and type t
 * at day/start (day < 0: no window): both fit, or both fail and the
 * checker's first failing part is the one the shared predicate names. */
static void expect_same_fit(const model_instance *in, int p, int t, int day, int start,
                            const char *what)
{
    model_fit shared = day >= 0 ? model_patient_group_fit(in, p, t, day, start)
                                : model_patient_type_fit(in, p, t);
    unsigned bits = model_check_patient_fit(in, p, t, day, start);
    model_fit first = bits ? (model_fit)__builtin_ctz(bits) : MODEL_FIT_OK;
    cr_expect_eq(first, shared, "%s: patient %s, type %s: checker says %s, shared predicate %s",
                 what, in->patients[p].id, in->types[t].id, model_fit_name(first),
                 model_fit_name(shared));
}

/* Every patient x every group of a generated program, at the time the
 * generator's witness gives the group (else without a window, and at the
 * first program day and slot). */
static void cross_check_generated(const char *tier, const char *family, unsigned long long seed)
{
    model_instance *in = NULL;
    model_solution *wit = NULL;
    cr_assert_eq(model_generate_family(tier, family, seed, &in, &wit), MODEL_OK);
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(model_instance_validate(in, &d), MODEL_OK);
    model_diag_free(&d);
    char what[96];
    snprintf(what, sizeof what, "tier %s family %s seed %llu", tier, family, seed);
    int day0 = 0;
    while (day0 < 6 && !(in->program.days_mask & (1 << day0)))
        day0++;
    long fits = 0, pairs = 0;
    for (int g = 0; g < in->n_groups; g++) {
        int t = in->groups[g].type_idx, day = -1, start = -1;
        for (int i = 0; wit && i < wit->n_groups; i++)
            if (strcmp(wit->groups[i].id, in->groups[g].id) == 0 && wit->groups[i].running) {
                day = wit->groups[i].day;
                start = wit->groups[i].start;
            }
        for (int p = 0; p < in->n_patients; p++) {
            expect_same_fit(in, p, t, day, start, what);
            expect_same_fit(in, p, t, -1, -1, what);
            expect_same_fit(in, p, t, day0, in->program.slot_starts[0], what);
            pairs++;
            fits += day >= 0 && model_patient_group_fit(in, p, t, day, start) == MODEL_FIT_OK;
        }
    }
    if (wit) /* infeasible-by-design families have no witness times */
        cr_expect_gt(fits, 0, "%s: some patient fits some group (%ld pairs)", what, pairs);
    cr_expect_lt(fits, pairs, "%s: some patient does not fit some group", what);
    model_solution_destroy(wit);
    model_instance_destroy(in);
}

Test(elig, checker_agrees_with_shared_predicate_on_generated_programs)
{
    for (unsigned long long seed = 1; seed <= 4; seed++)
        cross_check_generated("S", "standard", seed);
    for (unsigned long long seed = 1; seed <= 2; seed++)
        cross_check_generated("M", "standard", seed);
}

/* The same comparison on every structural family of the generator
 * (narrow blocks, scarce credentials, teen groups, ...): their patients
 * and types are built differently, so they reach other corners of rule 7. */
Test(elig, checker_agrees_with_shared_predicate_on_every_family)
{
    const char *names[32];
    int n = model_generate_families(names, NULL, NULL, 32);
    cr_assert_gt(n, 5);
    for (int f = 0; f < n && f < 32; f++) {
        cross_check_generated("S", names[f], 1);
        cross_check_generated("S", names[f], 2);
        cross_check_generated("M", names[f], 1);
    }
}

/* Hand-made edge cases: gender case, telehealth and "either", referral
 * against diagnosis prefix, age limits, unknown values, flags. */
static const char *ELIG_INSTANCE =
    "{\"program\": {\"name\": \"edges\", \"horizon\": {\"start\": \"2025-01-06\", \"weeks\": 2},"
    " \"days\": [\"mon\"], \"slot_starts\": [\"17:00\"]},"
    " \"group_types\": ["
    "  {\"id\": \"women\", \"name\": \"W\", \"cpt\": \"90853\", \"rate\": 1, \"duration_min\": 60,"
    "   \"min_size\": 2, \"max_size\": 8, \"required_credentials\": [], \"cofacilitation\": false,"
    "   \"diagnoses\": [\"F32\"], \"modality\": \"in_person\", \"cadence\": \"weekly\","
    "   \"gender\": \"female\"},"
    "  {\"id\": \"tele\", \"name\": \"T\", \"cpt\": \"90853\", \"rate\": 1, \"duration_min\": 60,"
    "   \"min_size\": 2, \"max_size\": 8, \"required_credentials\": [], \"cofacilitation\": false,"
    "   \"diagnoses\": [\"F41\"], \"modality\": \"telehealth\", \"cadence\": \"weekly\"},"
    "  {\"id\": \"ptsd\", \"name\": \"P\", \"cpt\": \"90853\", \"rate\": 1, \"duration_min\": 60,"
    "   \"min_size\": 2, \"max_size\": 8, \"required_credentials\": [], \"cofacilitation\": false,"
    "   \"diagnoses\": [\"F43.1\"], \"modality\": \"in_person\", \"cadence\": \"weekly\"},"
    "  {\"id\": \"teen\", \"name\": \"A\", \"cpt\": \"90853\", \"rate\": 1, \"duration_min\": 60,"
    "   \"min_size\": 2, \"max_size\": 8, \"required_credentials\": [], \"cofacilitation\": false,"
    "   \"diagnoses\": [\"F9\"], \"modality\": \"in_person\", \"cadence\": \"weekly\","
    "   \"age_min\": 13, \"age_max\": 17}],"
    " \"groups\": [], \"rooms\": [], \"facilitators\": [],"
    " \"patients\": ["
#define ELIG_P(id, extra)                                                                    \
    "{\"id\": \"" id "\", \"available\": [{\"day\": \"mon\", \"from\": \"16:00\", \"to\": \"19:00\"}]," \
    " \"added\": \"2024-12-01\", \"screened\": true, \"insurance_verified\": true" extra "}"
    ELIG_P("w-Female", ", \"diagnoses\": [\"F32.1\"], \"gender\": \"Female\"") ","
    ELIG_P("w-FEMALE", ", \"diagnoses\": [\"F32.1\"], \"gender\": \"FEMALE\"") ","
    ELIG_P("w-male", ", \"diagnoses\": [\"F32.1\"], \"gender\": \"male\"") ","
    ELIG_P("w-nogender", ", \"diagnoses\": [\"F32.1\"]") ","
    ELIG_P("t-either", ", \"diagnoses\": [\"F41.1\"], \"modality\": \"either\"") ","
    ELIG_P("t-tele", ", \"diagnoses\": [\"F41.1\"], \"modality\": \"telehealth\"") ","
    ELIG_P("t-inperson", ", \"diagnoses\": [\"F41.1\"], \"modality\": \"in_person\"") ","
    ELIG_P("d-sub", ", \"diagnoses\": [\"F43.10\"]") ","
    ELIG_P("d-lower", ", \"diagnoses\": [\"f43.1\"]") ","
    ELIG_P("d-parent", ", \"diagnoses\": [\"F43\"]") ","
    ELIG_P("r-referred", ", \"diagnoses\": [\"Z00\"], \"group_types\": [\"ptsd\"]") ","
    ELIG_P("r-overrides", ", \"diagnoses\": [\"F43.1\"], \"group_types\": [\"tele\"]") ","
    ELIG_P("r-empty", ", \"diagnoses\": [\"F43.1\"], \"group_types\": []") ","
    ELIG_P("a-13", ", \"diagnoses\": [\"F90\"], \"age\": 13") ","
    ELIG_P("a-17", ", \"diagnoses\": [\"F90\"], \"age\": 17") ","
    ELIG_P("a-12", ", \"diagnoses\": [\"F90\"], \"age\": 12") ","
    ELIG_P("a-18", ", \"diagnoses\": [\"F90\"], \"age\": 18") ","
    ELIG_P("a-unknown", ", \"diagnoses\": [\"F90\"]") ","
    "{\"id\": \"f-unscreened\", \"added\": \"2024-12-01\", \"diagnoses\": [\"F43.1\"], \"screened\": false,"
    " \"insurance_verified\": true, \"available\": []},"
    "{\"id\": \"f-unverified\", \"added\": \"2024-12-01\", \"diagnoses\": [\"F43.1\"], \"screened\": true,"
    " \"insurance_verified\": false, \"available\": []}"
#undef ELIG_P
    "]}";

Test(elig, edge_cases)
{
    model_instance *in = NULL;
    model_diag d;
    model_diag_init(&d);
    int rc = io_instance_parse(ELIG_INSTANCE, strlen(ELIG_INSTANCE), &in, &d);
    for (int i = 0; i < d.n_errors; i++)
        cr_log_error("%s: %s", d.errors[i].path, d.errors[i].message);
    cr_assert_eq(rc, IO_OK);
    /* validate warns about exactly the patients no type takes (flags aside) */
    static const char *const fit_none[] = {"w-male", "w-nogender", "t-inperson", "d-parent",
                                           "r-empty", "a-12", "a-18", "a-unknown"};
    for (int p = 0; p < in->n_patients; p++) {
        char path[32];
        snprintf(path, sizeof path, "patients[%d]", p);
        bool warned = false, want = false;
        for (int w = 0; w < d.n_warnings; w++)
            warned |= strcmp(d.warnings[w].path, path) == 0 &&
                      strstr(d.warnings[w].message, "fits no group type");
        for (size_t k = 0; k < sizeof fit_none / sizeof *fit_none; k++)
            want |= strcmp(in->patients[p].id, fit_none[k]) == 0;
        cr_expect_eq(warned, want, "validate %s patient %s", warned ? "warns about" : "is silent on",
                     in->patients[p].id);
    }
    model_diag_free(&d);
    static const struct {
        const char *patient, *type;
        model_fit want;
    } cases[] = {
        {"w-Female", "women", MODEL_FIT_OK},          {"w-FEMALE", "women", MODEL_FIT_OK},
        {"w-male", "women", MODEL_FIT_GENDER},        {"w-nogender", "women", MODEL_FIT_GENDER},
        {"t-either", "tele", MODEL_FIT_OK},           {"t-tele", "tele", MODEL_FIT_OK},
        {"t-inperson", "tele", MODEL_FIT_MODALITY},   {"t-tele", "women", MODEL_FIT_TYPE},
        {"d-sub", "ptsd", MODEL_FIT_OK},              {"d-lower", "ptsd", MODEL_FIT_OK},
        {"d-parent", "ptsd", MODEL_FIT_TYPE},         {"r-referred", "ptsd", MODEL_FIT_OK},
        {"r-overrides", "ptsd", MODEL_FIT_TYPE},      {"r-overrides", "tele", MODEL_FIT_OK},
        {"r-empty", "ptsd", MODEL_FIT_TYPE},          {"a-13", "teen", MODEL_FIT_OK},
        {"a-17", "teen", MODEL_FIT_OK},               {"a-12", "teen", MODEL_FIT_AGE},
        {"a-18", "teen", MODEL_FIT_AGE},              {"a-unknown", "teen", MODEL_FIT_AGE},
        {"a-unknown", "ptsd", MODEL_FIT_TYPE},        {"f-unscreened", "ptsd", MODEL_FIT_SCREENING},
        {"f-unverified", "ptsd", MODEL_FIT_INSURANCE},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int p = model_find_patient(in, cases[k].patient), t = model_find_type(in, cases[k].type);
        cr_assert(p >= 0 && t >= 0);
        model_fit got = model_patient_type_fit(in, p, t);
        cr_expect_eq(got, cases[k].want, "%s in %s: %s, expected %s", cases[k].patient,
                     cases[k].type, model_fit_name(got), model_fit_name(cases[k].want));
    }
    /* the window part: 17:00-18:00 fits mon 16:00-19:00; 18:30 does not;
     * unknown age is fine where the type has no age limit */
    int p = model_find_patient(in, "d-sub"), t = model_find_type(in, "ptsd");
    cr_expect_eq(model_patient_group_fit(in, p, t, 0, 17 * 60), MODEL_FIT_OK);
    cr_expect_eq(model_patient_group_fit(in, p, t, 0, 18 * 60 + 30), MODEL_FIT_WINDOW);
    cr_expect_eq(model_patient_group_fit(in, p, t, 1, 17 * 60), MODEL_FIT_WINDOW);
    cr_expect(model_age_fits(&in->types[t], -1));
    /* and the checker's own copy agrees on every pair, with and without a time */
    for (int q = 0; q < in->n_patients; q++)
        for (int u = 0; u < in->n_types; u++) {
            expect_same_fit(in, q, u, -1, -1, "edges");
            expect_same_fit(in, q, u, 0, 17 * 60, "edges");
            expect_same_fit(in, q, u, 0, 18 * 60 + 30, "edges");
        }
    model_instance_destroy(in);
}

Test(elig, planner_places_by_the_same_rules, .timeout = 120)
{
    /* The edge-case program with one must-run "women" group (min_size 2):
     * only w-Female and w-FEMALE fit it, so the plan must place both. */
    const char *empty = "\"groups\": [], \"rooms\": [], \"facilitators\": []";
    const char *full =
        "\"groups\": [{\"id\": \"g-w\", \"type\": \"women\"}],"
        " \"rooms\": [{\"id\": \"r1\", \"capacity\": 8, \"available\":"
        " [{\"day\": \"mon\", \"from\": \"08:00\", \"to\": \"22:00\"}]}],"
        " \"facilitators\": [{\"id\": \"f1\", \"available\": [{\"day\": \"mon\", \"from\": \"08:00\","
        " \"to\": \"22:00\"}]}, {\"id\": \"f2\", \"available\": [{\"day\": \"mon\", \"from\":"
        " \"08:00\", \"to\": \"22:00\"}]}]";
    const char *at = strstr(ELIG_INSTANCE, empty);
    cr_assert_not_null(at);
    size_t head = (size_t)(at - ELIG_INSTANCE);
    char *text = malloc(strlen(ELIG_INSTANCE) + strlen(full) + 1);
    cr_assert_not_null(text);
    memcpy(text, ELIG_INSTANCE, head);
    strcpy(text + head, full);
    strcat(text, at + strlen(empty));
    model_instance *in = NULL;
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_instance_parse(text, strlen(text), &in, &d), IO_OK);
    model_diag_free(&d);
    free(text);
    model_solution *s = plan_first(in);
    cr_assert_eq(s->n_groups, 1);
    const model_strlist *nm = &s->groups[0].new_members;
    cr_expect_eq(nm->n, 2);
    cr_expect_geq(model_strlist_find(nm, "w-Female"), 0);
    cr_expect_geq(model_strlist_find(nm, "w-FEMALE"), 0);
    expect_clean(in, s, "women's group plan");
    model_solution_destroy(s);
    model_instance_destroy(in);
}
