/* infeasible.c - test_solver: an infeasible program per diagnosis kind
 * (the diagnosis names the rule; no schedule breaks it). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "model.h"
#include "solver.h"
#include "fixture.h"

/* ------------------------------------------------------------ infeasible */

static void expect_infeasible(model_instance *inst, const char *text)
{
    model_solution *sol = plan(inst, 10);
    cr_expect_eq(sol->status, MODEL_STATUS_INFEASIBLE, "status %s",
                 model_solution_status_name(sol->status));
    cr_expect(sol->diagnosis.n > 0);
    cr_expect(diag_has(sol, text), "diagnosis should mention \"%s\"", text);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

Test(infeasible, cofacilitation_with_one_holder)
{
    char *types = fmt("{\"id\":\"tr\",\"rate\":60,\"duration_min\":90,\"min_size\":2,"
                      "\"max_size\":6,\"required_credentials\":[\"A\"],\"cofacilitation\":true,"
                      "\"cofacilitator_credentials\":[\"TRAUMA\"],\"diagnoses\":[\"F41\"],"
                      "\"modality\":\"in_person\",\"cadence\":\"weekly\"}");
    expect_infeasible(build(NULL, NULL, types, fmt("{\"id\":\"trauma-2\",\"type\":\"tr\"}"),
                            room("r1", 6, NULL),
                            join(2, fac("fa", "[\"TRAUMA\",\"A\"]", NULL), fac("fb", "[\"B\"]", NULL)),
                            join(2, pat("p1", NULL, NULL), pat("p2", NULL, NULL))),
                      "group trauma-2 needs co-facilitation but only one facilitator holds TRAUMA");
}

Test(infeasible, no_room_big_enough)
{
    expect_infeasible(build(NULL, NULL, type_t1(2, 10, NULL), fmt("{\"id\":\"g1\",\"type\":\"t1\"}"),
                            room("r1", 8, NULL),
                            join(2, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL)),
                            join(2, pat("p1", NULL, NULL), pat("p2", NULL, NULL))),
                      "no room with capacity >= 10");
}

Test(infeasible, nobody_holds_the_credential)
{
    expect_infeasible(build(NULL, NULL, type_t1(2, 4, NULL), fmt("{\"id\":\"g1\",\"type\":\"t1\"}"),
                            room("r1", 4, NULL),
                            join(2, fac("fa", "[\"B\"]", NULL), fac("fb", "[\"B\"]", NULL)),
                            join(2, pat("p1", NULL, NULL), pat("p2", NULL, NULL))),
                      "no facilitator holds");
}

Test(infeasible, pinned_room_clash)
{
    expect_infeasible(
        build(NULL, NULL, type_t1(2, 4, NULL),
              fmt("{\"id\":\"g1\",\"type\":\"t1\",\"pinned\":{\"day\":\"mon\",\"start\":\"10:00\","
                  "\"room\":\"r1\"}},{\"id\":\"g2\",\"type\":\"t1\",\"pinned\":{\"day\":\"mon\","
                  "\"start\":\"10:00\",\"room\":\"r1\"}}"),
              join(2, room("r1", 4, NULL), room("r2", 4, NULL)),
              join(3, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL),
                   fac("fc", "[\"A\"]", NULL)),
              join(4, pat("p1", NULL, NULL), pat("p2", NULL, NULL), pat("p3", NULL, NULL),
                   pat("p4", NULL, NULL))),
        "both pinned to room r1");
}

Test(infeasible, too_few_patients_for_min_size)
{
    expect_infeasible(build(NULL, NULL, type_t1(4, 6, NULL), fmt("{\"id\":\"g1\",\"type\":\"t1\"}"),
                            room("r1", 6, NULL),
                            join(2, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL)),
                            join(2, pat("p1", NULL, NULL), pat("p2", NULL, NULL))),
                      "needs 4 more members to reach min_size 4");
}

Test(infeasible, credential_capacity_per_week)
{
    expect_infeasible(
        build(NULL, NULL, type_t1(2, 4, NULL),
              fmt("{\"id\":\"g1\",\"type\":\"t1\"},{\"id\":\"g2\",\"type\":\"t1\"},"
                  "{\"id\":\"g3\",\"type\":\"t1\"}"),
              join(3, room("r1", 4, NULL), room("r2", 4, NULL), room("r3", 4, NULL)),
              join(2, fac("fa", "[\"A\"]", "\"max_per_week\":1"),
                   fac("fb", "[\"A\"]", "\"max_per_week\":1")),
              join(6, pat("p1", NULL, NULL), pat("p2", NULL, NULL), pat("p3", NULL, NULL),
                   pat("p4", NULL, NULL), pat("p5", NULL, NULL), pat("p6", NULL, NULL))),
        "can lead at most 2");
}

Test(infeasible, relaxation_names_the_rule)
{
    /* three must-run groups pinned to one time, three facilitators: all
     * lead, nobody is left to substitute.  No single group shows it. */
    char *groups = fmt("{\"id\":\"g1\",\"type\":\"t1\",\"pinned\":{\"start\":\"10:00\"}},"
                       "{\"id\":\"g2\",\"type\":\"t1\",\"pinned\":{\"start\":\"10:00\"}},"
                       "{\"id\":\"g3\",\"type\":\"t1\",\"pinned\":{\"start\":\"10:00\"}}");
    model_instance *inst = build(
        NULL, NULL, type_t1(2, 4, NULL), groups,
        join(3, room("r1", 4, NULL), room("r2", 4, NULL), room("r3", 4, NULL)),
        join(3, fac("fa", "[\"A\"]", NULL), fac("fb", "[\"A\"]", NULL), fac("fc", "[\"A\"]", NULL)),
        join(6, pat("p1", NULL, NULL), pat("p2", NULL, NULL), pat("p3", NULL, NULL),
             pat("p4", NULL, NULL), pat("p5", NULL, NULL), pat("p6", NULL, NULL)));
    expect_infeasible(inst, "substitute");
}
