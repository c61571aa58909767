/* test_robust.c - the robustness suite (`cohort-bench robust`) and its
 * combinatorial upper bound (`cohort-bench bound`): the bound on a
 * hand-made instance with a hand-computed answer, and one small run of the
 * suite end to end (instances, plans, checks, JSON, the docs table). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"

/* cohort-bench is built beside cohort. */
static void bench_binary(char *out, size_t n)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", COHORT_BINARY);
    snprintf(out, n, "%s/cohort-bench", dirname(dir));
}

static int run(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert(fputs(text, f) >= 0);
    cr_assert_eq(fclose(f), 0);
}

/* Two groups of one type (2 seats each; g1 mandatory, g2 optional), Monday
 * 18:00 only, default weights (placement 100, wait 2 per week, priority 10,
 * empty seat 5).  Eligible: pa (4 weeks: 108), pb (1 week: 102), pc (0
 * weeks, priority 2: 120).  Not: pd (not screened), pe (F32: no type), pf
 * (free only 08:00-09:00), pg (telehealth only, the type is in person).
 * K = min(3 eligible, 4 seats) = 3; bound = 330 + 5 x 3 - 5 x 2 (g1's free
 * seats) = 335. */
static const char *TWO_GROUPS =
    "{\"program\":{\"name\":\"two groups\",\"horizon\":{\"start\":\"2027-01-04\",\"weeks\":2},"
    "\"days\":[\"mon\"],\"slot_starts\":[\"18:00\"]},"
    "\"group_types\":[{\"id\":\"cbt\",\"name\":\"CBT\",\"cpt\":\"90853\",\"rate\":50,"
    "\"duration_min\":60,\"min_size\":2,\"max_size\":2,\"required_credentials\":[],"
    "\"diagnoses\":[\"F41\"],\"modality\":\"in_person\",\"cadence\":\"weekly\"}],"
    "\"groups\":[{\"id\":\"g1\",\"type\":\"cbt\"},{\"id\":\"g2\",\"type\":\"cbt\",\"optional\":true}],"
    "\"rooms\":[{\"id\":\"r1\",\"capacity\":5,\"available\":[{\"day\":\"mon\",\"from\":\"08:00\","
    "\"to\":\"22:00\"}]}],"
    "\"facilitators\":["
    "{\"id\":\"A\",\"name\":\"A\",\"credentials\":[],\"available\":[{\"day\":\"mon\",\"from\":\"08:00\","
    "\"to\":\"22:00\"}]},"
    "{\"id\":\"B\",\"name\":\"B\",\"credentials\":[],\"available\":[{\"day\":\"mon\",\"from\":\"08:00\","
    "\"to\":\"22:00\"}]}],"
    "\"patients\":["
    "{\"id\":\"pa\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-12-07\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"pb\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-12-28\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"pc\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2027-01-04\",\"priority\":2,\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"pd\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-11-30\",\"screened\":false,\"insurance_verified\":true},"
    "{\"id\":\"pe\",\"diagnoses\":[\"F32.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-11-30\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"pf\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"09:00\"}],"
    "\"added\":\"2026-11-30\",\"screened\":true,\"insurance_verified\":true},"
    "{\"id\":\"pg\",\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"17:00\",\"to\":\"21:00\"}],"
    "\"added\":\"2026-11-30\",\"modality\":\"telehealth\",\"screened\":true,"
    "\"insurance_verified\":true}]}";

Test(robust, combinatorial_bound_by_hand)
{
    char dir[] = "/tmp/cohort-robust-XXXXXX", path[256], out[256], bench[1100], cmd[2048];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/two.json", dir);
    snprintf(out, sizeof out, "%s/bound.json", dir);
    write_file(path, TWO_GROUPS);
    bench_binary(bench, sizeof bench);
    snprintf(cmd, sizeof cmd, "%s bound %s > %s", bench, path, out);
    cr_assert_eq(run(cmd), 0);
    json_t *j = json_load_file(out, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_float_eq(json_number_value(json_object_get(j, "bound")), 335.0, 1e-6);
    cr_expect_eq(json_integer_value(json_object_get(j, "seats")), 4);
    cr_expect_eq(json_integer_value(json_object_get(j, "eligible")), 3);
    cr_expect_eq(json_integer_value(json_object_get(j, "max_placed")), 3);
    cr_expect_eq(json_integer_value(json_object_get(j, "mandatory_free_seats")), 2);
    json_decref(j);
    unlink(path);
    unlink(out);
    rmdir(dir);
}

/* The run of family, or NULL. */
static json_t *run_of(json_t *runs, const char *family)
{
    for (size_t i = 0; i < json_array_size(runs); i++) {
        json_t *r = json_array_get(runs, i);
        if (strcmp(json_string_value(json_object_get(r, "family")), family) == 0)
            return r;
    }
    return NULL;
}

Test(robust, suite_end_to_end_small, .timeout = 300)
{
    char dir[] = "/tmp/cohort-robust-XXXXXX", docs[256], bench[1100], cmd[4096], path[300];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(docs, sizeof docs, "%s/BENCH.md", dir);
    write_file(docs, "# Before\n\n<!-- robust:begin -->\nold table\n<!-- robust:end -->\n\n# After\n");
    bench_binary(bench, sizeof bench);
    snprintf(cmd, sizeof cmd,
             "%s robust --tiers S --seeds 1 --families standard,infeasible-room --limits 5 "
             "--no-cbc --ref-limit 2 --cohort %s --out %s/out --docs %s > /dev/null 2>&1",
             bench, COHORT_BINARY, dir, docs);
    cr_assert_eq(run(cmd), 0);
    snprintf(path, sizeof path, "%s/out/robust.json", dir);
    json_t *doc = json_load_file(path, 0, NULL);
    cr_assert_not_null(doc);
    json_t *runs = json_object_get(doc, "runs");
    cr_assert_eq(json_array_size(runs), 2);

    json_t *s = run_of(runs, "standard");
    cr_assert_not_null(s);
    cr_expect_eq(json_integer_value(json_object_get(s, "exit_code")), 0);
    cr_expect_str_eq(json_string_value(json_object_get(s, "check")), "ok");
    double obj = json_number_value(json_object_get(s, "objective"));
    double comb = json_number_value(json_object_get(s, "combinatorial_bound"));
    double lp = json_number_value(json_object_get(s, "lp_bound"));
    cr_expect(obj > 0 && obj <= comb + 1e-6, "objective %.2f within the combinatorial bound %.2f",
              obj, comb);
    cr_expect(obj <= lp + 1e-6, "objective %.2f within the LP bound %.2f", obj, lp);
    cr_expect(json_number_value(json_object_get(s, "wall_seconds")) > 0);
    /* the reference solve (CBC, 2 s here: the suite's time) bounds the
     * objective from above */
    double ref_s = json_number_value(json_object_get(s, "reference_seconds"));
    cr_expect(ref_s > 0 && ref_s < 10, "reference solve ran %.2f s for 2", ref_s);
    json_t *rb = json_object_get(s, "reference_bound");
    if (rb)
        cr_expect(obj <= json_number_value(rb) + 1e-6, "objective %.2f within the reference bound %.2f",
                  obj, json_number_value(rb));

    json_t *inf = run_of(runs, "infeasible-room");
    cr_assert_not_null(inf);
    cr_expect(json_is_true(json_object_get(inf, "infeasible_by_design")));
    cr_expect_eq(json_integer_value(json_object_get(inf, "exit_code")), 3);
    cr_expect_null(json_object_get(inf, "objective"));
    /* infeasible, yet answered with a relaxed plan that check accepts */
    cr_expect_gt(json_integer_value(json_object_get(inf, "exceptions")), 0);
    cr_expect_str_eq(json_string_value(json_object_get(inf, "check")), "ok");
    json_decref(doc);

    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(io_read_all(docs, IO_MAX_INPUT_BYTES, &text, &len), IO_OK);
    cr_expect(strstr(text, "# Before") && strstr(text, "# After"), "text around the table kept");
    cr_expect_null(strstr(text, "old table"), "the old table is replaced");
    cr_expect(strstr(text, "| standard | S | 1 | 1 |") != NULL, "the standard row");
    cr_expect(strstr(text, "| infeasible-room (infeasible by design) | S | 1 | 0 + 1 relaxed |") !=
                  NULL,
              "the infeasible row, answered with a relaxed plan");
    free(text);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(run(cmd), 0);
}
