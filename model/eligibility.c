/* eligibility.c - rule 7, "patient fits group", one predicate per part.
 * The semantics are documented in eligibility.h and docs/FORMAT.md. */
#include <string.h>

#include "model.h"

const char *model_fit_name(model_fit f)
{
    static const char *const names[] = {"fits",     "not screened", "insurance not verified",
                                        "type",     "modality",     "age",
                                        "gender",   "time window"};
    return (int)f >= 0 && (size_t)f < sizeof names / sizeof *names ? names[f] : "?";
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool model_diagnosis_matches(const char *code, const char *prefix)
{
    if (!code || !prefix || !prefix[0])
        return false;
    for (; *prefix; prefix++, code++)
        if (!*code || lower(*code) != lower(*prefix))
            return false;
    return true;
}

bool model_patient_type_match(const model_instance *inst, int p, int t)
{
    const model_patient *pa = &inst->patients[p];
    const model_group_type *ty = &inst->types[t];
    if (pa->has_group_types)
        return ty->id && model_strlist_find(&pa->group_types, ty->id) >= 0;
    for (int i = 0; i < pa->diagnoses.n; i++)
        for (int j = 0; j < ty->diagnoses.n; j++)
            if (model_diagnosis_matches(pa->diagnoses.items[i], ty->diagnoses.items[j]))
                return true;
    return false;
}

bool model_modality_fits(model_modality patient, model_modality type)
{
    return patient == MODEL_EITHER || patient == type;
}

bool model_age_fits(const model_group_type *t, int age)
{
    if (t->age_min < 0 && t->age_max < 0)
        return true;
    if (age < 0)
        return false;
    return (t->age_min < 0 || age >= t->age_min) && (t->age_max < 0 || age <= t->age_max);
}

bool model_gender_fits(const model_group_type *t, const char *gender)
{
    if (!t->gender)
        return true;
    if (!gender)
        return false;
    const char *a = t->gender, *b = gender;
    for (; *a && *b; a++, b++)
        if (lower(*a) != lower(*b))
            return false;
    return *a == *b;
}

bool model_patient_window_fits(const model_instance *inst, int p, int t, int day, int start)
{
    const model_patient *pa = &inst->patients[p];
    return model_windows_fit(pa->available, pa->n_available, day, start,
                             inst->types[t].duration_min);
}

model_fit model_patient_profile_fit(const model_instance *inst, int p, int t)
{
    const model_patient *pa = &inst->patients[p];
    const model_group_type *ty = &inst->types[t];
    if (!model_patient_type_match(inst, p, t))
        return MODEL_FIT_TYPE;
    if (!model_modality_fits(pa->modality, ty->modality))
        return MODEL_FIT_MODALITY;
    if (!model_age_fits(ty, pa->age))
        return MODEL_FIT_AGE;
    if (!model_gender_fits(ty, pa->gender))
        return MODEL_FIT_GENDER;
    return MODEL_FIT_OK;
}

model_fit model_patient_type_fit(const model_instance *inst, int p, int t)
{
    const model_patient *pa = &inst->patients[p];
    if (!pa->screened)
        return MODEL_FIT_SCREENING;
    if (!pa->insurance_verified)
        return MODEL_FIT_INSURANCE;
    return model_patient_profile_fit(inst, p, t);
}

model_fit model_patient_group_fit(const model_instance *inst, int p, int t, int day, int start)
{
    model_fit f = model_patient_type_fit(inst, p, t);
    if (f != MODEL_FIT_OK)
        return f;
    if (!model_patient_window_fits(inst, p, t, day, start))
        return MODEL_FIT_WINDOW;
    return MODEL_FIT_OK;
}
