/* authorizations.c - attended sessions use authorization units: plan and
 * fill decide on the units left, and the roster and the authorizations
 * running out show the same count (model_authorization_units_left over
 * io_store_program_for_planning). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

/* The program rewritten without patient on dbt-tue-pm's roster (a new
 * quarter's program: they are on the waitlist again), through the
 * driver's store or, for the HTTP driver, the server's database file. */
static void off_the_roster(drv *v, const char *patient)
{
    io_store *s = v->s;
    char db[128], *err = NULL;
    snprintf(db, sizeof db, "%s/c.db", v->dir);
    if (!s)
        cr_assert_eq(io_store_open(db, 1, &s, &err), IO_OK);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    cr_assert_eq(io_store_program_export(s, PROG, &inst, &d), IO_OK);
    model_group *g = &inst->groups[model_find_group(inst, "dbt-tue-pm")];
    for (int k = 0; k < g->n_members; k++)
        if (strcmp(g->members[k].patient, patient) == 0) {
            free(g->members[k].patient);
            g->members[k] = g->members[--g->n_members];
        }
    cr_assert_eq(io_store_program_replace(s, PROG, inst, 0, &d, NULL), IO_OK);
    model_instance_destroy(inst);
    model_diag_free(&d);
    if (!v->s)
        io_store_close(s);
}

/* P0002 (6 units of 90853, 4 needed) attends the first three Tuesdays of
 * dbt-tue-pm. */
static void three_attended(drv *v)
{
    json_t *r = NULL;
    static const char *const dates[] = {"2027-01-05", "2027-01-12", "2027-01-19"};
    for (int w = 0; w < 3; w++) {
        cr_assert_eq(week(v, dates[w], "\"status\":\"present\"", &r), 201);
        json_decref(r);
    }
}

/* P0002's first authorization in inst. */
static const model_authorization *p2_auth(const model_instance *inst)
{
    int p = model_find_patient(inst, "P0002");
    cr_assert_geq(p, 0);
    cr_assert_eq(inst->patients[p].n_authorizations, 1);
    return &inst->patients[p].authorizations[0];
}

Test(clinic_authorization, attended_units_are_subtracted_for_plan_roster_and_expiring,
     .timeout = 120)
{
    drv v;
    drv_open(&v, 0);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    cr_assert_eq(io_store_program_for_planning(v.s, PROG, &inst, &d), IO_OK);
    int p2 = model_find_patient(inst, "P0002"), t = model_find_type(inst, "dbt_skills");
    cr_assert_geq(t, 0);
    cr_assert(model_patient_authorized(inst, p2, t, inst->program.horizon_start),
              "6 units unused cover 4 sessions");
    model_instance_destroy(inst);
    /* the list of authorizations running out counts the same units */
    three_attended(&v);
    json_t *x = expiring(&v, "2027-01-26");
    json_t *e = NULL;
    size_t i;
    json_array_foreach(x, i, e)
    if (strcmp(json_string_value(json_object_get(e, "patient")), "P0002") == 0) break;
    cr_assert_lt(i, json_array_size(x), "P0002's 3 units run out within two weeks");
    cr_assert_eq(GETI(e, "units_used"), 3);
    cr_assert_eq(GETI(e, "units_left"), 3);
    json_decref(x);
    /* the next quarter's program has P0002 on the waitlist: 3 units left,
     * too few to be placed again */
    off_the_roster(&v, "P0002");
    cr_assert_eq(io_store_program_export(v.s, PROG, &inst, &d), IO_OK);
    cr_assert_eq(p2_auth(inst)->used, 0, "the stored program is not changed");
    model_instance_destroy(inst);
    cr_assert_eq(io_store_program_for_planning(v.s, PROG, &inst, &d), IO_OK);
    cr_assert_eq(p2_auth(inst)->used, 3);
    cr_assert_eq(model_authorization_units_left(p2_auth(inst)), 3);
    cr_assert_not(model_patient_authorized(inst, p2, t, inst->program.horizon_start),
                  "3 units left, 4 sessions needed");
    /* the plan leaves P0002 out and says authorization is why */
    solver_options o;
    solver_options_default(&o);
    o.time_limit_s = 10;
    model_solution *sol = NULL;
    cr_assert_eq(solver_plan(inst, &o, &sol), SOLVER_OK);
    for (int g = 0; g < sol->n_groups; g++)
        cr_assert_eq(model_strlist_find(&sol->groups[g].members, "P0002"), -1, "in %s",
                     sol->groups[g].id);
    int why = 0;
    for (int u = 0; u < sol->n_unplaced; u++)
        if (strcmp(sol->unplaced[u].patient, "P0002") == 0 && sol->unplaced[u].reasons.n > 0)
            why = strstr(sol->unplaced[u].reasons.items[0], "authorization") != NULL;
    cr_assert(why, "P0002's unplaced reason names the authorization");
    model_solution_destroy(sol);
    model_instance_destroy(inst);
    /* fill: P0003 leaves, P0002 fits the seat but is not ranked for it */
    event(&v, "{\"event\":\"dropped\",\"group\":\"dbt-tue-pm\",\"patient\":\"P0003\","
              "\"date\":\"2027-01-27\"}");
    referral(&v, 0, 20);
    json_t *rk = candidates(&v, "dbt-tue-pm");
    cr_assert_geq(GETI(rk, "open_seats"), 1);
    cr_assert_geq(json_array_size(json_object_get(rk, "candidates")), 1, "R1 is ranked");
    for (size_t k = 0; k < json_array_size(json_object_get(rk, "candidates")); k++)
        cr_assert_str_neq(cand(rk, k), "P0002");
    json_decref(rk);
    model_diag_free(&d);
    drv_close(&v);
}

Test(clinic_authorization, plan_job_over_the_api_subtracts_attended_units, .timeout = 180)
{
    drv v;
    drv_open(&v, 1);
    three_attended(&v);
    off_the_roster(&v, "P0002");
    json_t *r = NULL;
    cr_assert_eq(http(&v, "POST", "/v1/programs/" PROG "/plan", "{\"time_limit_s\":10}", &r), 202);
    char path[128];
    snprintf(path, sizeof path, "/v1/jobs/%s", json_string_value(json_object_get(r, "job")));
    json_decref(r);
    r = NULL;
    const char *st = "queued";
    for (int k = 0; k < 1800 && (!strcmp(st, "queued") || !strcmp(st, "running")); k++) {
        json_decref(r);
        usleep(100000);
        cr_assert_eq(http(&v, "GET", path, NULL, &r), 200);
        st = json_string_value(json_object_get(r, "status"));
    }
    cr_assert_str_eq(st, "done");
    json_decref(r);
    cr_assert_eq(http(&v, "GET", "/v1/programs/" PROG "/schedules/newest", NULL, &r), 200);
    char *text = json_dumps(json_object_get(r, "groups"), 0);
    cr_assert_null(strstr(text, "\"P0002\""), "P0002 is not placed again");
    free(text);
    int why = 0;
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(r, "unplaced"), i, u)
    if (strcmp(json_string_value(json_object_get(u, "patient")), "P0002") == 0)
    {
        text = json_dumps(json_object_get(u, "reasons"), 0);
        why = strstr(text, "authorization") != NULL;
        free(text);
    }
    cr_assert(why, "unplaced for want of authorization units");
    json_decref(r);
    drv_close(&v);
}
