/*
 * eligibility.h - rule 7 of the SPEC, "patient fits group", as one
 * predicate per part.  Included by model.h; use that.
 *
 * The parts and their semantics (also in docs/FORMAT.md, "Eligibility"):
 *  - flags:    screened and insurance_verified are both true.
 *  - type:     with a referral list (patients[].group_types given, even
 *              empty) the type's id is in it (ids compare exactly);
 *              without one, some diagnosis of the patient starts with some
 *              entry of the type's diagnoses[] (a code or a prefix: "F43.1"
 *              takes "F43.1" and "F43.10"), letters compared ignoring ASCII
 *              case.
 *  - modality: a patient who wants "either" fits both modalities; otherwise
 *              the patient's and the type's modality are equal.
 *  - age:      a type without age_min and age_max takes every patient, also
 *              one of unknown age; with a limit, the age must be known and
 *              age_min <= age <= age_max (both inclusive).
 *  - gender:   a type without gender takes every patient; with one, the
 *              patient's gender must be given and equal to it ignoring ASCII
 *              case ("Female" = "female").
 *  - window:   the group's time [start, start + duration_min) lies inside
 *              one of the patient's available windows on its day.
 * Composition (max_age_spread and the rest, rule 8) is not eligibility.
 * The independent checker (model/check.c) keeps its own copy of these
 * rules; tests/test_check.c compares the two.
 */
#ifndef COHORT_ELIGIBILITY_H
#define COHORT_ELIGIBILITY_H

#include "model.h"

/* Which part of rule 7 fails first (parts tested in this order). */
typedef enum {
    MODEL_FIT_OK = 0,
    MODEL_FIT_SCREENING, /* not screened */
    MODEL_FIT_INSURANCE, /* insurance not verified */
    MODEL_FIT_TYPE,      /* neither referred to the type nor a matching diagnosis */
    MODEL_FIT_MODALITY,
    MODEL_FIT_AGE,
    MODEL_FIT_GENDER,
    MODEL_FIT_WINDOW     /* the group's time is outside the patient's windows */
} model_fit;

/* Plain words for a failing part ("not screened", "age", ...); "fits" for
 * MODEL_FIT_OK, "?" out of range. */
const char *model_fit_name(model_fit f);

/* True when diagnosis code starts with prefix (ASCII case ignored); an
 * empty or NULL prefix or code matches nothing. */
bool model_diagnosis_matches(const char *code, const char *prefix);
/* Type part: referral list, else diagnosis match (see above). */
bool model_patient_type_match(const model_instance *inst, int p, int t);
/* Modality part: patient's wish against the type's modality. */
bool model_modality_fits(model_modality patient, model_modality type);
/* Age part for an age (-1 = unknown). */
bool model_age_fits(const model_group_type *t, int age);
/* Gender part for a gender (NULL = unknown). */
bool model_gender_fits(const model_group_type *t, const char *gender);

/* Window part: a group of type t meeting on day at start. */
bool model_patient_window_fits(const model_instance *inst, int p, int t, int day, int start);

/* Type, modality, age and gender (the patient's profile against the type;
 * flags and time aside): the first failing part or MODEL_FIT_OK. */
model_fit model_patient_profile_fit(const model_instance *inst, int p, int t);
/* Flags, then the profile: whether p may join some group of type t. */
model_fit model_patient_type_fit(const model_instance *inst, int p, int t);
/* The whole of rule 7's fit for a group of type t meeting on day at start:
 * model_patient_type_fit, then the window part. */
model_fit model_patient_group_fit(const model_instance *inst, int p, int t, int day, int start);

#endif
