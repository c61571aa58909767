/* test_model.c - model/: dates, times, enums, validation, id resolution,
 * clone. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "instance_eq.h"
#include "io.h"
#include "model.h"

/* ------------------------------------------------------------ dates */

Test(dates, parse_format_round_trip)
{
    int d = -1;
    cr_assert_eq(model_date_parse("1970-01-01", &d), MODEL_OK);
    cr_assert_eq(d, 0);
    cr_assert_eq(model_date_parse("2025-01-06", &d), MODEL_OK);
    cr_assert_eq(model_date_weekday(d), 0, "2025-01-06 is a Monday");
    cr_assert_eq(model_date_parse("2025-01-05", &d), MODEL_OK);
    cr_assert_eq(model_date_weekday(d), 6, "2025-01-05 is a Sunday");
    cr_assert_eq(model_date_parse("1969-12-31", &d), MODEL_OK);
    cr_assert_eq(d, -1);
    /* Every day over 400 years formats back to itself. */
    int start;
    cr_assert_eq(model_date_parse("1900-01-01", &start), MODEL_OK);
    char buf[11];
    for (int x = start; x < start + 146097; x++) {
        model_date_format(x, buf);
        int y = 0;
        cr_assert_eq(model_date_parse(buf, &y), MODEL_OK, "%s", buf);
        cr_assert_eq(y, x, "%s", buf);
        cr_assert_eq(model_date_weekday(x + 7), model_date_weekday(x));
    }
}

Test(dates, rejects_malformed)
{
    const char *bad[] = {"2025-02-29", "2025-13-01", "2025-00-10", "2025-01-32", "2025-1-01",
                         "25-01-01",   "2025/01/01", "2025-01-01T00:00", "", "abcd-ef-gh",
                         "2025-04-31", "1899-12-31", " 2025-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int d = 12345;
        cr_assert_eq(model_date_parse(bad[i], &d), MODEL_EINVAL, "%s", bad[i]);
        cr_assert_eq(d, 12345, "untouched on failure");
    }
    int d;
    cr_assert_eq(model_date_parse(NULL, &d), MODEL_EINVAL);
    cr_assert_eq(model_date_parse("2024-02-29", &d), MODEL_OK, "leap year");
    cr_assert_eq(model_date_parse("2000-02-29", &d), MODEL_OK, "leap century");
    cr_assert_eq(model_date_parse("1900-02-29", &d), MODEL_EINVAL, "not a leap century");
}

/* ------------------------------------------------------------ times */

Test(times, parse_and_format)
{
    int t = -1;
    cr_assert_eq(model_time_parse("00:00", 0, &t), MODEL_OK);
    cr_assert_eq(t, 0);
    cr_assert_eq(model_time_parse("17:30", 0, &t), MODEL_OK);
    cr_assert_eq(t, 17 * 60 + 30);
    cr_assert_eq(model_time_parse("23:59", 0, &t), MODEL_OK);
    cr_assert_eq(t, 1439);
    cr_assert_eq(model_time_parse("24:00", 0, &t), MODEL_EINVAL, "24:00 only as an end");
    cr_assert_eq(model_time_parse("24:00", 1, &t), MODEL_OK);
    cr_assert_eq(t, 1440);
    const char *bad[] = {"9:00", "09:0", "24:01", "25:00", "12:60", "ab:cd", "", "09:00:00",
                         "-1:00", "09.00"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        t = 777;
        cr_assert_eq(model_time_parse(bad[i], 1, &t), MODEL_EINVAL, "%s", bad[i]);
        cr_assert_eq(t, 777);
    }
    char buf[6];
    for (int m = 0; m <= 1440; m++) {
        model_time_format(m, buf);
        cr_assert_eq(model_time_parse(buf, 1, &t), MODEL_OK, "%s", buf);
        cr_assert_eq(t, m);
    }
}

Test(strlist, pushf_formats_and_skips_repeats_when_unique)
{
    model_strlist l = {0};
    cr_assert_eq(model_strlist_pushf(&l, true, "group %s is full", "dbt-1"), MODEL_OK);
    cr_assert_eq(model_strlist_pushf(&l, true, "group %s is full", "dbt-1"), MODEL_OK);
    cr_assert_eq(l.n, 1, "a repeated line is not added with unique");
    cr_assert_eq(model_strlist_pushf(&l, false, "group %s is full", "dbt-1"), MODEL_OK);
    cr_assert_eq(l.n, 2);
    cr_assert_str_eq(l.items[1], "group dbt-1 is full");
    char longs[2001];
    memset(longs, 'x', 2000);
    longs[2000] = '\0';
    cr_assert_eq(model_strlist_pushf(&l, false, "<%s>", longs), MODEL_OK);
    cr_assert_eq(strlen(l.items[2]), 2002, "no truncation");
    model_strlist_free(&l);
}

Test(composition, new_share_limit)
{
    model_composition c = {.max_new_share = 0.5, .max_high_acuity = -1, .max_age_spread = -1};
    cr_assert_not(model_new_share_exceeded(&c, 2, 2, 4), "2 of 4 new is the limit");
    cr_assert(model_new_share_exceeded(&c, 3, 2, 5), "3 of 5 new is over it");
    cr_assert_not(model_new_share_exceeded(&c, 3, 0, 3), "a group with no continuing members");
    cr_assert_not(model_new_share_exceeded(&c, 0, 4, 4), "no new members");
    c.max_new_share = -1;
    cr_assert_not(model_new_share_exceeded(&c, 5, 1, 6), "no limit set");
}

Test(enums, names_and_parsers)
{
    for (int d = 0; d < 7; d++)
        cr_assert_eq(model_day_parse(model_day_name(d)), d);
    cr_assert_eq(model_day_parse("Mon"), -1);
    cr_assert_eq(model_day_parse(NULL), -1);
    cr_assert_eq(model_modality_parse("either"), MODEL_EITHER);
    cr_assert_eq(model_cadence_parse("biweekly"), MODEL_BIWEEKLY);
    cr_assert_eq(model_acuity_parse("severe"), -1);
    cr_assert_eq(model_status_parse("hold_admin"), MODEL_HOLD_ADMIN);
    cr_assert(model_status_occupies(MODEL_HOLD_CLINICAL));
    cr_assert(!model_status_occupies(MODEL_GRADUATED));
    cr_assert_eq(model_solution_status_parse("time_limit"), MODEL_STATUS_TIME_LIMIT);
}

/* ------------------------------------------------- a hand-built instance */

static model_window win(int day, int from, int to)
{
    model_window w = {day, from, to};
    return w;
}

/* One in-person type "cbt" (LCSW), one group "g1" with member p1, one room,
 * two facilitators, three patients.  Valid, no warnings. */
static model_instance *build(void)
{
    model_instance *in = model_instance_create();
    cr_assert_not_null(in);
    cr_assert_eq(model_date_parse("2025-01-06", &in->program.horizon_start), MODEL_OK);
    in->program.name = model_strdup("built");
    in->program.horizon_weeks = 4;
    in->program.days_mask = 0x1f;
    in->program.n_slot_starts = 2;
    in->program.slot_starts = malloc(2 * sizeof(int));
    in->program.slot_starts[0] = 600;
    in->program.slot_starts[1] = 1080;

    in->n_types = 1;
    in->types = calloc(1, sizeof *in->types);
    model_group_type *t = &in->types[0];
    t->id = model_strdup("cbt");
    t->name = model_strdup("CBT");
    t->cpt = model_strdup("90853");
    t->rate = 45;
    t->duration_min = 90;
    t->min_size = 3;
    t->max_size = 8;
    model_strlist_push(&t->required_credentials, "LCSW");
    model_strlist_push(&t->diagnoses, "F41");
    t->age_min = t->age_max = -1;
    t->composition.max_new_share = -1;
    t->composition.max_high_acuity = -1;
    t->composition.max_age_spread = -1;

    in->n_groups = 1;
    in->groups = calloc(1, sizeof *in->groups);
    model_group *g = &in->groups[0];
    g->id = model_strdup("g1");
    g->type = model_strdup("cbt");
    g->n_members = 1;
    g->members = calloc(1, sizeof *g->members);
    g->members[0].patient = model_strdup("p1");
    g->members[0].since = -1;

    in->n_rooms = 1;
    in->rooms = calloc(1, sizeof *in->rooms);
    in->rooms[0].id = model_strdup("r1");
    in->rooms[0].capacity = 10;
    in->rooms[0].n_available = 1;
    in->rooms[0].available = malloc(sizeof(model_window));
    in->rooms[0].available[0] = win(0, 480, 1260);

    in->n_facilitators = 2;
    in->facilitators = calloc(2, sizeof *in->facilitators);
    for (int i = 0; i < 2; i++) {
        model_facilitator *f = &in->facilitators[i];
        f->id = model_strdup(i ? "f2" : "f1");
        f->name = model_strdup(f->id);
        model_strlist_push(&f->credentials, "LCSW");
        f->n_available = 1;
        f->available = malloc(sizeof(model_window));
        f->available[0] = win(0, 540, 1200);
        f->max_per_day = f->max_per_week = -1;
    }

    in->n_patients = 3;
    in->patients = calloc(3, sizeof *in->patients);
    for (int i = 0; i < 3; i++) {
        model_patient *p = &in->patients[i];
        char id[16];
        snprintf(id, sizeof id, "p%d", i + 1);
        p->id = model_strdup(id);
        model_strlist_push(&p->diagnoses, "F41.1");
        p->n_available = 1;
        p->available = malloc(sizeof(model_window));
        p->available[0] = win(0, 540, 1200);
        p->added = in->program.horizon_start - 30;
        p->age = 30 + i;
        p->modality = MODEL_EITHER;
        p->screened = p->insurance_verified = true;
    }
    return in;
}

/* Runs validation and checks that the error paths are exactly `paths`
 * (NULL-terminated, in any order). */
static void expect_errors(model_instance *in, const char *const *paths)
{
    model_diag d;
    model_diag_init(&d);
    int rc = model_instance_validate(in, &d);
    int n = 0;
    while (paths[n])
        n++;
    for (int i = 0; i < d.n_errors; i++) {
        int found = 0;
        for (int k = 0; k < n && !found; k++)
            found = strcmp(paths[k], d.errors[i].path) == 0;
        cr_expect(found, "unexpected error %s: %s", d.errors[i].path, d.errors[i].message);
    }
    for (int k = 0; k < n; k++) {
        int found = 0;
        for (int i = 0; i < d.n_errors && !found; i++)
            found = strcmp(paths[k], d.errors[i].path) == 0;
        cr_expect(found, "missing error at %s", paths[k]);
    }
    cr_expect_eq(d.n_errors, n);
    cr_expect_eq(rc, n ? MODEL_EINVAL : MODEL_OK);
    model_diag_free(&d);
}

Test(validate, built_instance_is_valid_and_resolved)
{
    model_instance *in = build();
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(model_instance_validate(in, &d), MODEL_OK);
    cr_assert_eq(d.n_errors, 0);
    cr_assert_eq(d.n_warnings, 0, "first warning: %s", d.n_warnings ? d.warnings[0].message : "");
    cr_assert_eq(in->groups[0].type_idx, 0);
    cr_assert_eq(in->groups[0].members[0].patient_idx, 0);
    cr_assert_eq(in->groups[0].pinned.room_idx, -1);
    cr_assert_eq(in->groups[0].pinned.facilitator_idx[0], -1);
    cr_assert_eq(in->groups[0].pinned.substitute_idx, -1);
    model_diag_free(&d);
    model_instance_destroy(in);
}

Test(validate, program_errors)
{
    model_instance *in = build();
    in->program.horizon_start += 1; /* Tuesday */
    in->program.horizon_weeks = 0;
    in->program.days_mask = 0;
    in->program.slot_starts[1] = 1440;
    const char *paths[] = {"program.horizon.start", "program.horizon.weeks", "program.days",
                           "program.slot_starts[1]", NULL};
    expect_errors(in, paths);
    in->program.n_slot_starts = 0;
    const char *paths2[] = {"program.horizon.start", "program.horizon.weeks", "program.days",
                            "program.slot_starts", NULL};
    expect_errors(in, paths2);
    model_instance_destroy(in);
}

Test(validate, type_errors)
{
    model_instance *in = build();
    model_group_type *t = &in->types[0];
    t->min_size = 1;
    t->rate = -1;
    t->duration_min = 0;
    t->age_min = 50;
    t->age_max = 20;
    t->composition.max_new_share = 1.25;
    t->composition.max_high_acuity = -4;
    free(t->cpt);
    t->cpt = model_strdup("99999");
    t->modality = MODEL_EITHER;
    const char *paths[] = {"group_types[0].min_size",
                           "group_types[0].rate",
                           "group_types[0].duration_min",
                           "group_types[0].age_max",
                           "group_types[0].composition.max_new_share",
                           "group_types[0].composition.max_high_acuity",
                           "group_types[0].cpt",
                           "group_types[0].modality",
                           NULL};
    expect_errors(in, paths);
    t->min_size = 9; /* > max_size 8 */
    t->rate = 1;
    t->duration_min = 60;
    t->age_max = 60;
    t->composition.max_new_share = 0.5;
    t->composition.max_high_acuity = 1;
    free(t->cpt);
    t->cpt = model_strdup("90849");
    t->modality = MODEL_IN_PERSON;
    const char *paths2[] = {"group_types[0].max_size", NULL};
    expect_errors(in, paths2);
    model_instance_destroy(in);
}

Test(validate, references_and_duplicates)
{
    model_instance *in = build();
    free(in->groups[0].type);
    in->groups[0].type = model_strdup("nope");
    free(in->groups[0].members[0].patient);
    in->groups[0].members[0].patient = model_strdup("ghost");
    free(in->facilitators[1].id);
    in->facilitators[1].id = model_strdup("f1");
    free(in->patients[2].id);
    in->patients[2].id = model_strdup("");
    in->patients[1].has_group_types = true;
    model_strlist_push(&in->patients[1].group_types, "cbt");
    model_strlist_push(&in->patients[1].group_types, "dbt");
    const char *paths[] = {"groups[0].type", "groups[0].members[0].patient", "facilitators[1].id",
                           "patients[2].id", "patients[1].group_types[1]", NULL};
    expect_errors(in, paths);
    cr_assert_eq(in->groups[0].type_idx, -1);
    cr_assert_eq(in->groups[0].members[0].patient_idx, -1);
    model_instance_destroy(in);
}

Test(validate, pinned_fields)
{
    model_instance *in = build();
    model_pinned *pn = &in->groups[0].pinned;
    pn->has_day = true;
    pn->day = 6;    /* sunday: not a program day */
    pn->has_start = true;
    pn->start = 601; /* not a slot start */
    pn->room = model_strdup("r9");
    model_strlist_push(&pn->facilitators, "f1");
    model_strlist_push(&pn->facilitators, "f2"); /* type not co-facilitated */
    pn->substitute = model_strdup("f2");          /* one of its facilitators */
    const char *paths[] = {"groups[0].pinned.day", "groups[0].pinned.start",
                           "groups[0].pinned.room", "groups[0].pinned.facilitators[1]",
                           "groups[0].pinned.substitute", NULL};
    expect_errors(in, paths);
    cr_assert_eq(pn->facilitator_idx[0], 0);
    cr_assert_eq(pn->facilitator_idx[1], 1);
    cr_assert_eq(pn->substitute_idx, 1);
    /* Fix them all: everything resolves. */
    pn->day = 2;
    pn->start = 1080;
    free(pn->room);
    pn->room = model_strdup("r1");
    in->types[0].cofacilitation = true;
    free(pn->substitute);
    pn->substitute = NULL;
    const char *none[] = {NULL};
    expect_errors(in, none);
    cr_assert_eq(pn->room_idx, 0);
    model_instance_destroy(in);
}

Test(validate, rosters_and_windows)
{
    model_instance *in = build();
    /* A second group holding p1 as an occupying member; p2 twice. */
    model_group *ng = realloc(in->groups, 2 * sizeof *ng);
    cr_assert_not_null(ng);
    in->groups = ng;
    memset(&in->groups[1], 0, sizeof in->groups[1]);
    in->n_groups = 2;
    model_group *g = &in->groups[1];
    g->id = model_strdup("g2");
    g->type = model_strdup("cbt");
    g->n_members = 3;
    g->members = calloc(3, sizeof *g->members);
    g->members[0].patient = model_strdup("p1");
    g->members[0].status = MODEL_HOLD_ADMIN;
    g->members[1].patient = model_strdup("p2");
    g->members[2].patient = model_strdup("p2");
    g->members[2].status = MODEL_DROPPED;
    in->patients[0].available[0] = win(1, 600, 600);
    in->rooms[0].capacity = 0;
    in->facilitators[0].n_time_off = 1;
    in->facilitators[0].time_off = malloc(sizeof(model_date_range));
    in->facilitators[0].time_off[0].from = 20000;
    in->facilitators[0].time_off[0].to = 19999;
    in->patients[1].priority = -2;
    const char *paths[] = {"groups[1].members[0].patient", "groups[1].members[2].patient",
                           "patients[0].available[0].to", "rooms[0].capacity",
                           "facilitators[0].time_off[0].to", "patients[1].priority", NULL};
    expect_errors(in, paths);
    /* A graduated member elsewhere is fine. */
    g->members[0].status = MODEL_GRADUATED;
    g->members[2].patient[1] = '3';
    in->patients[0].available[0] = win(1, 600, 700);
    in->rooms[0].capacity = 5;
    in->facilitators[0].time_off[0].to = 20001;
    in->patients[1].priority = 0;
    const char *none[] = {NULL};
    expect_errors(in, none);
    model_instance_destroy(in);
}

Test(validate, warnings)
{
    model_instance *in = build();
    /* Nobody holds DBT; a waitlisted patient with an unmatched diagnosis. */
    model_strlist_push(&in->types[0].required_credentials, "DBT");
    free(in->patients[2].diagnoses.items[0]);
    in->patients[2].diagnoses.items[0] = model_strdup("F99");
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(model_instance_validate(in, &d), MODEL_OK, "warnings are not errors");
    cr_assert_eq(d.n_warnings, 2);
    cr_assert_str_eq(d.warnings[0].path, "group_types[0]");
    cr_assert_str_eq(d.warnings[1].path, "patients[2]");
    model_diag_free(&d);

    /* Co-facilitation with a single credentialed facilitator. */
    model_strlist_free(&in->types[0].required_credentials);
    model_strlist_push(&in->types[0].required_credentials, "LCSW");
    in->types[0].cofacilitation = true;
    model_strlist_push(&in->types[0].cofacilitator_credentials, "LCSW");
    model_strlist_free(&in->facilitators[1].credentials);
    in->patients[2].diagnoses.items[0][1] = '4'; /* F49 -> still no match */
    in->patients[2].diagnoses.items[0][2] = '1'; /* F41 */
    model_diag_init(&d);
    cr_assert_eq(model_instance_validate(in, &d), MODEL_OK);
    cr_assert_eq(d.n_warnings, 1);
    cr_assert_str_eq(d.warnings[0].path, "group_types[0]");
    cr_assert(strstr(d.warnings[0].message, "co-facilitation"));
    model_diag_free(&d);
    model_instance_destroy(in);
}

Test(validate, partial_suppresses_unknown_references)
{
    model_instance *in = build();
    free(in->groups[0].type);
    in->groups[0].type = model_strdup("unreadable-kind");
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(model_instance_validate_partial(in, &d, MODEL_KIND_TYPES), MODEL_OK);
    cr_assert_eq(d.n_errors, 0);
    model_diag_free(&d);
    model_instance_destroy(in);
}

/* ------------------------------------------------------------ clone */

static model_instance *load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/datasets/fixtures/%s", COHORT_SOURCE_DIR, name);
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    int rc = io_instance_read_file(path, &in, &d);
    cr_assert_eq(rc, IO_OK, "%s: %s", name, d.n_errors ? d.errors[0].message : "");
    model_diag_free(&d);
    return in;
}

Test(clone, deep_copy_equal_and_independent)
{
    const char *names[] = {"tiny.json", "full.json", "warnings.json"};
    for (int k = 0; k < 3; k++) {
        model_instance *a = load(names[k]);
        model_instance *b = model_instance_clone(a);
        cr_assert_not_null(b);
        char where[128] = "";
        cr_assert_eq(instance_diff(a, b, where, sizeof where), 0, "%s: %s", names[k], where);
        /* No shared storage: change the clone, the original stays. */
        b->types[0].id[0] = 'X';
        b->patients[0].available[0].from = 1;
        if (b->groups[0].n_members)
            b->groups[0].members[0].patient[0] = 'Z';
        cr_assert_neq(a->types[0].id[0], 'X');
        cr_assert_neq(a->patients[0].available[0].from, 1);
        cr_assert_neq(instance_diff(a, b, where, sizeof where), 0);
        model_instance_destroy(b);
        model_instance_destroy(a);
    }
}

Test(clone, empty_and_null)
{
    model_instance *e = model_instance_create();
    model_instance *c = model_instance_clone(e);
    cr_assert_not_null(c);
    char where[128];
    cr_assert_eq(instance_diff(e, c, where, sizeof where), 0, "%s", where);
    model_instance_destroy(c);
    model_instance_destroy(e);
    cr_assert_null(model_instance_clone(NULL));
    model_instance_destroy(NULL);
}
