/* test_whatif.c - model/scenario.c and io/jobs/whatif.c: scenario file errors
 * with their paths, changes applied to a copy (pins cleared, referrals
 * synthesised deterministically, the input untouched on failure), and the
 * parallel runner: differences add up, invalid / infeasible / crashing
 * scenarios are reported while the others go on, -j 2 runs two worker
 * processes at once; capacity-only scenarios start from the baseline's
 * schedule and never report less, differences within the plans' gaps are
 * "no measurable change".  Plans use a 1 s time limit on a 3-group
 * program, 2 s on the sample. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "io_private.h"
#include "model.h"

#define FIX COHORT_SOURCE_DIR "/datasets/fixtures/"

static model_instance *g_inst;

static void load(void)
{
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_instance_read_file(FIX "fill/instance.json", &g_inst, &d), IO_OK);
    model_diag_free(&d);
}

static void unload(void)
{
    model_instance_destroy(g_inst);
}

TestSuite(whatif, .init = load, .fini = unload);

static bool has_path(const model_diag *d, const char *path)
{
    for (int i = 0; i < d->n_errors; i++)
        if (strcmp(d->errors[i].path, path) == 0)
            return true;
    return false;
}

static void dump(const model_diag *d)
{
    for (int i = 0; i < d->n_errors; i++)
        cr_log_info("%s: %s", d->errors[i].path, d->errors[i].message);
}

static model_scenario *parse_for(const model_instance *in, const char *text, int *n)
{
    model_diag d;
    model_diag_init(&d);
    model_scenario *sc = NULL;
    int rc = io_whatif_parse(text, strlen(text), in, &sc, n, &d);
    dump(&d);
    cr_assert_eq(rc, IO_OK);
    model_diag_free(&d);
    return sc;
}

static model_scenario *parse_ok(const char *text, int *n)
{
    return parse_for(g_inst, text, n);
}

Test(whatif, parse_errors_have_paths)
{
    const char *text =
        "{\"scenarios\":["
        "{\"name\":\"a\",\"changes\":[{\"op\":\"add_facilitatr\"},{\"op\":\"remove_room\"},"
        "{\"op\":\"set_setting\",\"field\":\"max_groups_per_fortnight\",\"value\":3},"
        "{\"op\":\"set_setting\",\"field\":\"min_break_min\",\"value\":\"ten\"}]},"
        "{\"name\":\"b\",\"changes\":[{\"op\":\"set_windows\",\"room\":\"r1\",\"available\":"
        "[{\"day\":\"mon\",\"from\":\"18:00\",\"to\":\"17:00\"},{\"day\":\"moon\",\"from\":\"08:00\",\"to\":\"09:00\"}]},"
        "{\"op\":\"add_facilitator\",\"facilitator\":{\"id\":\"f9\",\"name\":\"N\",\"credentials\":[\"DBT\"],"
        "\"available\":[{\"day\":\"xyz\",\"from\":\"08:00\",\"to\":\"12:00\"}]}},"
        "{\"op\":\"add_referrals\",\"type\":\"dbt\",\"count\":0},"
        "{\"op\":\"set_type_size\",\"type\":\"dbt\"},"
        "{\"op\":\"add_credential\",\"facilitator\":\"f-cbt\",\"colour\":\"red\"}]},"
        "{\"name\":\"a\",\"changes\":{}},"
        "{\"changes\":[]},"
        "{\"name\":\"baseline\",\"changes\":[]}],\"extra\":1}";
    model_diag d;
    model_diag_init(&d);
    model_scenario *sc = NULL;
    int n = -1;
    cr_assert_eq(io_whatif_parse(text, strlen(text), g_inst, &sc, &n, &d), IO_EINVAL);
    cr_assert_null(sc);
    cr_assert_eq(n, -1);
    dump(&d);
    cr_assert(has_path(&d, "scenarios[0].changes[0].op"));
    cr_assert(has_path(&d, "scenarios[0].changes[1].id"));
    cr_assert(has_path(&d, "scenarios[0].changes[2].field"));
    cr_assert(has_path(&d, "scenarios[0].changes[3].value"));
    cr_assert(has_path(&d, "scenarios[1].changes[0].available[0].to"));
    cr_assert(has_path(&d, "scenarios[1].changes[0].available[1].day"));
    cr_assert(has_path(&d, "scenarios[1].changes[1].facilitator.available[0].day"));
    cr_assert(has_path(&d, "scenarios[1].changes[2].count"));
    cr_assert(has_path(&d, "scenarios[1].changes[3]"));
    cr_assert(has_path(&d, "scenarios[1].changes[4].colour"));
    cr_assert(has_path(&d, "scenarios[1].changes[4].credential"));
    cr_assert(has_path(&d, "scenarios[2].name"));    /* duplicate */
    cr_assert(has_path(&d, "scenarios[2].changes")); /* not an array */
    cr_assert(has_path(&d, "scenarios[3].name"));    /* missing */
    cr_assert(has_path(&d, "scenarios[4].name"));    /* reserved */
    cr_assert(has_path(&d, "extra"));
    model_diag_free(&d);
    /* Syntax errors. */
    model_diag_init(&d);
    cr_assert_eq(io_whatif_parse("{\"scenarios\":[", 14, g_inst, &sc, &n, &d), IO_EINVAL);
    cr_assert_eq(d.n_errors, 1);
    cr_assert(strstr(d.errors[0].message, "JSON syntax error") != NULL);
    model_diag_free(&d);
}

Test(whatif, apply_changes_to_a_copy)
{
    int n = 0;
    model_scenario *sc = parse_ok(
        "{\"scenarios\":[{\"name\":\"x\",\"changes\":["
        "{\"op\":\"remove_facilitator\",\"id\":\"f-dbt\"},"
        "{\"op\":\"add_facilitator\",\"facilitator\":{\"id\":\"f-new\",\"name\":\"New\","
        "\"credentials\":[\"DBT\",\"LCSW\"],\"available\":[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"21:00\"}]}},"
        "{\"op\":\"add_room\",\"room\":{\"id\":\"r3\",\"capacity\":9,\"available\":[]}},"
        "{\"op\":\"remove_room\",\"id\":\"r2\"},"
        "{\"op\":\"add_group\",\"group\":{\"id\":\"dbt-3\",\"type\":\"dbt\",\"optional\":true,"
        "\"pinned\":{\"day\":\"thu\",\"start\":\"18:00\"}}},"
        "{\"op\":\"remove_group\",\"id\":\"cbt-1\"},"
        "{\"op\":\"set_setting\",\"field\":\"weights.placement\",\"value\":250},"
        "{\"op\":\"set_setting\",\"field\":\"max_groups_per_week\",\"value\":7},"
        "{\"op\":\"add_credential\",\"facilitator\":\"f-cbt\",\"credential\":\"DBT\"},"
        "{\"op\":\"remove_credential\",\"facilitator\":\"f-dbt2\",\"credential\":\"LCSW\"},"
        "{\"op\":\"set_windows\",\"facilitator\":\"f-cbt\",\"available\":[{\"day\":\"fri\",\"from\":\"09:00\",\"to\":\"17:00\"}]},"
        "{\"op\":\"set_type_size\",\"type\":\"cbt\",\"min_size\":3,\"max_size\":6},"
        "{\"op\":\"add_referrals\",\"type\":\"dbt\",\"count\":5,\"seed\":3}]}]}",
        &n);
    cr_assert_eq(n, 1);
    cr_assert_eq(sc[0].n_changes, 13);
    model_instance *w = model_instance_clone(g_inst);
    model_diag d;
    model_diag_init(&d);
    int rc = model_scenario_apply(w, &sc[0], "scenarios[0]", &d);
    dump(&d);
    cr_assert_eq(rc, MODEL_OK);
    cr_assert_lt(model_find_facilitator(w, "f-dbt"), 0);
    cr_assert_geq(model_find_facilitator(w, "f-new"), 0);
    cr_assert_geq(model_find_room(w, "r3"), 0);
    cr_assert_lt(model_find_room(w, "r2"), 0);
    cr_assert_geq(model_find_group(w, "dbt-3"), 0);
    cr_assert_lt(model_find_group(w, "cbt-1"), 0);
    cr_assert_float_eq(w->settings.weights.placement, 250.0, 1e-12);
    cr_assert_eq(w->settings.max_groups_per_week, 7);
    int f = model_find_facilitator(w, "f-cbt");
    cr_assert_geq(model_strlist_find(&w->facilitators[f].credentials, "DBT"), 0);
    cr_assert_eq(w->facilitators[f].n_available, 1);
    cr_assert_eq(w->facilitators[f].available[0].day, 4);
    f = model_find_facilitator(w, "f-dbt2");
    cr_assert_lt(model_strlist_find(&w->facilitators[f].credentials, "LCSW"), 0);
    int t = model_find_type(w, "cbt");
    cr_assert_eq(w->types[t].min_size, 3);
    cr_assert_eq(w->types[t].max_size, 6);
    cr_assert_eq(w->n_patients, g_inst->n_patients + 5);
    /* cbt-1's members are back on the waitlist (named in no roster). */
    cr_assert(model_patient_waitlisted(w, model_find_patient(w, "c1")));
    /* Synthesised referrals: referred to dbt, sampled from dbt patients. */
    int tdbt = model_find_type(w, "dbt");
    for (int p = g_inst->n_patients; p < w->n_patients; p++) {
        cr_assert(w->patients[p].has_group_types);
        cr_assert(model_patient_type_match(w, p, tdbt));
        cr_assert_eq(w->patients[p].added, w->program.horizon_start);
        cr_assert_gt(w->patients[p].n_available, 0);
    }
    /* The same seed gives the same patients. */
    model_instance *w2 = model_instance_clone(g_inst);
    cr_assert_eq(model_scenario_apply(w2, &sc[0], "scenarios[0]", &d), MODEL_OK);
    char *j1 = NULL, *j2 = NULL;
    cr_assert_eq(io_instance_to_json(w, &j1), IO_OK);
    cr_assert_eq(io_instance_to_json(w2, &j2), IO_OK);
    cr_assert_str_eq(j1, j2);
    free(j1);
    free(j2);
    model_instance_destroy(w);
    model_instance_destroy(w2);
    model_diag_free(&d);
    io_whatif_scenarios_free(sc, n);
}

Test(whatif, removing_pinned_entities_clears_pins)
{
    model_instance *base = model_instance_clone(g_inst);
    int g = model_find_group(base, "dbt-1");
    model_pinned *pn = &base->groups[g].pinned;
    pn->room = model_strdup("r1");
    cr_assert_eq(model_strlist_push(&pn->facilitators, "f-dbt"), MODEL_OK);
    pn->substitute = model_strdup("f-dbt2");
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(model_instance_validate(base, &d), MODEL_OK);
    model_scenario sc = {0};
    sc.name = model_strdup("lose");
    model_change c1 = {.op = MODEL_CHANGE_REMOVE_FACILITATOR, .id = model_strdup("f-dbt"),
                       .min_size = -1, .max_size = -1, .seed = -1};
    model_change c2 = {.op = MODEL_CHANGE_REMOVE_ROOM, .id = model_strdup("r1"), .min_size = -1,
                       .max_size = -1, .seed = -1};
    model_change c3 = {.op = MODEL_CHANGE_REMOVE_FACILITATOR, .id = model_strdup("f-dbt2"),
                       .min_size = -1, .max_size = -1, .seed = -1};
    cr_assert_eq(model_scenario_push(&sc, &c1), MODEL_OK);
    cr_assert_eq(model_scenario_push(&sc, &c2), MODEL_OK);
    cr_assert_eq(model_scenario_push(&sc, &c3), MODEL_OK);
    cr_assert_eq(model_scenario_apply(base, &sc, "s", &d), MODEL_OK);
    g = model_find_group(base, "dbt-1");
    cr_assert_null(base->groups[g].pinned.room);
    cr_assert_eq(base->groups[g].pinned.facilitators.n, 0);
    cr_assert_null(base->groups[g].pinned.substitute);
    /* Nobody holds DBT now: a warning about the changed instance. */
    bool warned = false;
    for (int i = 0; i < d.n_warnings; i++)
        warned |= strncmp(d.warnings[i].path, "s.result.", 9) == 0;
    cr_assert(warned);
    model_scenario_free(&sc);
    model_instance_destroy(base);
    model_diag_free(&d);
}

Test(whatif, failed_apply_leaves_the_instance_alone)
{
    int n = 0;
    model_scenario *sc = parse_ok(
        "{\"scenarios\":[{\"name\":\"bad\",\"changes\":["
        "{\"op\":\"set_setting\",\"field\":\"max_groups_per_day\",\"value\":2},"
        "{\"op\":\"remove_facilitator\",\"id\":\"nobody\"},"
        "{\"op\":\"add_credential\",\"facilitator\":\"f-dbt\",\"credential\":\"DBT\"},"
        "{\"op\":\"set_type_size\",\"type\":\"cbt\",\"min_size\":9},"
        "{\"op\":\"add_referrals\",\"type\":\"none\",\"count\":3}]},"
        "{\"name\":\"invalid-result\",\"changes\":["
        "{\"op\":\"set_type_size\",\"type\":\"cbt\",\"min_size\":9}]}]}",
        &n);
    model_instance *w = model_instance_clone(g_inst);
    char *before = NULL, *after = NULL;
    cr_assert_eq(io_instance_to_json(w, &before), IO_OK);
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(model_scenario_apply(w, &sc[0], "scenarios[0]", &d), MODEL_EINVAL);
    dump(&d);
    cr_assert(has_path(&d, "scenarios[0].changes[1].id"));
    cr_assert(has_path(&d, "scenarios[0].changes[2].credential"));
    cr_assert(has_path(&d, "scenarios[0].changes[4].type"));
    model_diag_free(&d);
    /* A change that applies but leaves an invalid instance (min > max). */
    cr_assert_eq(model_scenario_apply(w, &sc[1], "scenarios[1]", &d), MODEL_EINVAL);
    cr_assert_gt(d.n_errors, 0);
    cr_assert(strncmp(d.errors[0].path, "scenarios[1].result.group_types[1]", 34) == 0,
              "%s", d.errors[0].path);
    cr_assert_eq(io_instance_to_json(w, &after), IO_OK);
    cr_assert_str_eq(before, after);
    free(before);
    free(after);
    model_diag_free(&d);
    model_instance_destroy(w);
    io_whatif_scenarios_free(sc, n);
}

/* One run covers: differences add up, an invalid scenario, an infeasible
 * one, a crashing worker (fault injection), and -j 2 parallelism. */
Test(whatif, runner_compares_reports_failures_and_runs_in_parallel)
{
    int n = 0;
    model_scenario *sc = parse_ok(
        "{\"scenarios\":["
        "{\"name\":\"more-dbt\",\"changes\":[{\"op\":\"add_referrals\",\"type\":\"dbt\",\"count\":4,\"seed\":1}]},"
        "{\"name\":\"open-dbt-3\",\"changes\":[{\"op\":\"add_group\",\"group\":{\"id\":\"dbt-3\","
        "\"type\":\"dbt\",\"optional\":true}},{\"op\":\"add_referrals\",\"type\":\"dbt\",\"count\":6}]},"
        "{\"name\":\"invalid\",\"changes\":[{\"op\":\"remove_group\",\"id\":\"nope\"}]},"
        "{\"name\":\"no-dbt-staff\",\"changes\":[{\"op\":\"remove_credential\",\"facilitator\":\"f-dbt\","
        "\"credential\":\"DBT\"},{\"op\":\"remove_credential\",\"facilitator\":\"f-dbt2\",\"credential\":\"DBT\"}]},"
        "{\"name\":\"crash\",\"changes\":[]},"
        "{\"name\":\"bigger-cbt\",\"changes\":[{\"op\":\"set_type_size\",\"type\":\"cbt\",\"max_size\":6}]}]}",
        &n);
    cr_assert_eq(n, 6);
    io_whatif_options o;
    io_whatif_options_default(&o);
    o.jobs = 2;
    o.time_limit_s = 1;
    setenv("COHORT_WHATIF_FAULT", "crash", 1);
    char *out = NULL;
    int rc = io_whatif_run(g_inst, sc, n, &o, &out);
    unsetenv("COHORT_WHATIF_FAULT");
    cr_assert_eq(rc, IO_OK);
    json_error_t je;
    json_t *root = json_loads(out, 0, &je);
    cr_assert_not_null(root, "%s", je.text);
    /* Parallel processes: two at once, each its own pid. */
    cr_assert_eq(json_integer_value(json_object_get(root, "jobs")), 2);
    cr_assert_eq(json_integer_value(json_object_get(root, "max_concurrent")), 2);
    json_t *base = json_object_get(root, "baseline");
    cr_assert(json_is_true(json_object_get(base, "ok")), "baseline: %s",
              json_string_value(json_object_get(base, "status")));
    json_t *bs = json_object_get(base, "summary");
    json_t *arr = json_object_get(root, "scenarios");
    cr_assert_eq(json_array_size(arr), 6);
    json_int_t pids[8];
    int np = 0;
    pids[np++] = json_integer_value(json_object_get(base, "worker_pid"));
    size_t i;
    json_t *s;
    json_array_foreach(arr, i, s) {
        const char *name = json_string_value(json_object_get(s, "name"));
        const char *st = json_string_value(json_object_get(s, "status"));
        if (strcmp(name, "invalid") == 0) {
            cr_assert_str_eq(st, "invalid");
            json_t *e = json_array_get(json_object_get(s, "errors"), 0);
            cr_assert_str_eq(json_string_value(json_object_get(e, "path")),
                             "scenarios[2].changes[0].id");
            continue;
        }
        if (strcmp(name, "crash") == 0) {
            cr_assert_str_eq(st, "failed");
            cr_assert(strstr(json_string_value(json_object_get(s, "error")), "crashed") != NULL);
            cr_assert(json_is_null(json_object_get(s, "differences")));
            continue;
        }
        if (strcmp(name, "no-dbt-staff") == 0) {
            /* Nobody can lead the required DBT groups: infeasible, with a
             * relaxed plan in which they do not run (rule 1) */
            cr_assert_str_eq(st, "infeasible");
            cr_assert_gt(json_array_size(json_object_get(s, "diagnosis")), 0);
            json_t *ex = json_object_get(s, "exceptions");
            cr_assert_gt(json_array_size(ex), 0);
            size_t k;
            json_t *e;
            json_array_foreach(ex, k, e)
                cr_expect_eq(json_integer_value(json_object_get(e, "rule")), 1);
        }
        cr_assert(json_is_true(json_object_get(s, "ok")), "%s: %s", name, st);
        pids[np++] = json_integer_value(json_object_get(s, "worker_pid"));
        /* Differences add up: scenario - baseline = difference. */
        json_t *ss = json_object_get(s, "summary"), *df = json_object_get(s, "differences");
        const char *k;
        json_t *v;
        int keys = 0;
        json_object_foreach(ss, k, v) {
            json_t *b = json_object_get(bs, k), *dv = json_object_get(df, k);
            cr_assert_not_null(b, "%s", k);
            cr_assert_not_null(dv, "%s", k);
            cr_assert_float_eq(json_number_value(v) - json_number_value(b), json_number_value(dv),
                               1e-9, "%s: %s", name, k);
            keys++;
        }
        cr_assert_geq(keys, 11);
        json_t *lb = json_object_get(json_object_get(base, "metrics"), "facilitator_load");
        json_t *ls = json_object_get(json_object_get(s, "metrics"), "facilitator_load");
        json_object_foreach(json_object_get(df, "facilitator_load"), k, v) {
            double a = json_number_value(json_object_get(ls, k));
            double b = json_number_value(json_object_get(lb, k));
            cr_assert_float_eq(a - b, json_number_value(v), 1e-9);
        }
        /* Referrals add waitlisted patients. */
        if (strcmp(name, "more-dbt") == 0)
            cr_assert_eq(json_integer_value(json_object_get(json_object_get(s, "metrics"),
                                                            "waitlist_before")),
                         json_integer_value(json_object_get(json_object_get(base, "metrics"),
                                                            "waitlist_before")) + 4);
    }
    cr_assert_eq(np, 5);
    json_int_t parent = json_integer_value(json_object_get(root, "parent_pid"));
    cr_assert_eq(parent, (json_int_t)getpid());
    for (int a = 0; a < np; a++) {
        cr_assert_gt(pids[a], 0);
        cr_assert_neq(pids[a], parent);
        for (int b = a + 1; b < np; b++)
            cr_assert_neq(pids[a], pids[b]);
    }
    /* The table renders every scenario. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(io_whatif_print_table(f, out), IO_OK);
    fclose(f);
    cr_assert(strstr(buf, "open-dbt-3") && strstr(buf, "revenue (quarter)") &&
              strstr(buf, "crashed"));
    free(buf);
    json_decref(root);
    free(out);
    io_whatif_scenarios_free(sc, n);
}

Test(whatif, cli_marginal_and_json)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' whatif %sfill/instance.json --marginal -j 2 --time-limit 1 --json",
             COHORT_BINARY, FIX);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    json_error_t je;
    json_t *root = json_loadf(p, 0, &je);
    int st = pclose(p);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    cr_assert_not_null(root, "%s", je.text);
    json_t *bl = json_object_get(root, "bottlenecks");
    /* Credentials DBT and LCSW, and one room. */
    cr_assert_eq(json_array_size(json_object_get(root, "marginal")), 3);
    cr_assert_eq(json_array_size(bl), 3);
    double prev = 1e300;
    size_t i;
    json_t *v;
    json_array_foreach(bl, i, v) {
        double x = json_number_value(json_object_get(v, "placements_per_quarter"));
        cr_assert_leq(x, prev);
        prev = x;
        cr_assert_eq(json_integer_value(json_object_get(v, "rank")), (json_int_t)i + 1);
    }
    json_t *m0 = json_array_get(json_object_get(root, "marginal"), 0);
    json_t *added = json_object_get(m0, "added");
    cr_assert_str_eq(json_string_value(json_object_get(added, "kind")), "facilitator");
    cr_assert_str_eq(json_string_value(json_object_get(added, "credential")), "DBT");
    json_decref(root);
    /* A bad scenario file: exit 2 with the path. */
    snprintf(cmd, sizeof cmd,
             "echo '{\"scenarios\":[{\"name\":\"x\",\"changes\":[{\"op\":\"nope\"}]}]}' | "
             "'%s' whatif %sfill/instance.json - 2>&1",
             COHORT_BINARY, FIX);
    p = popen(cmd, "r");
    char line[4096] = "";
    size_t got = fread(line, 1, sizeof line - 1, p);
    line[got] = '\0';
    st = pclose(p);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    cr_assert(strstr(line, "scenarios[0].changes[0].op") != NULL, "%s", line);
}

/* ------------------------------------- capacity-only scenarios (item 9) */

static model_instance *read_sample(void)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    cr_assert_eq(io_instance_read_file(COHORT_SOURCE_DIR "/datasets/sample.json", &in, &d), IO_OK);
    model_diag_free(&d);
    return in;
}

static json_t *run_json(const model_instance *in, const model_scenario *sc, int n, bool marginal,
                        double tl, char **text)
{
    io_whatif_options o;
    io_whatif_options_default(&o);
    o.jobs = 2;
    o.time_limit_s = tl;
    o.marginal = marginal;
    char *out = NULL;
    cr_assert_eq(io_whatif_run(in, sc, n, &o, &out), IO_OK);
    json_error_t je;
    json_t *root = json_loads(out, 0, &je);
    cr_assert_not_null(root, "%s", je.text);
    if (text)
        *text = out;
    else
        free(out);
    return root;
}

static double num(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    return json_number_value(b ? json_object_get(v, b) : v);
}

Test(whatif, adds_capacity_classification)
{
    int n = 0;
    model_scenario *sc = parse_ok(
        "{\"scenarios\":["
        "{\"name\":\"cred\",\"changes\":[{\"op\":\"add_credential\",\"facilitator\":\"f-cbt\","
        "\"credential\":\"DBT\"}]},"
        "{\"name\":\"opt-group\",\"changes\":[{\"op\":\"add_group\",\"group\":{\"id\":\"dbt-9\","
        "\"type\":\"dbt\",\"optional\":true}}]},"
        "{\"name\":\"must-group\",\"changes\":[{\"op\":\"add_group\",\"group\":{\"id\":\"dbt-9\","
        "\"type\":\"dbt\"}}]},"
        "{\"name\":\"lower-min\",\"changes\":[{\"op\":\"set_type_size\",\"type\":\"dbt\",\"min_size\":2}]},"
        "{\"name\":\"raise-max\",\"changes\":[{\"op\":\"set_type_size\",\"type\":\"dbt\",\"max_size\":30}]},"
        "{\"name\":\"weights\",\"changes\":[{\"op\":\"set_setting\",\"field\":\"weights.placement\","
        "\"value\":1}]},"
        "{\"name\":\"narrow\",\"changes\":[{\"op\":\"set_windows\",\"facilitator\":\"f-cbt\","
        "\"available\":[{\"day\":\"mon\",\"from\":\"09:00\",\"to\":\"10:00\"}]}]},"
        "{\"name\":\"cred-then-remove\",\"changes\":[{\"op\":\"add_credential\",\"facilitator\":"
        "\"f-cbt\",\"credential\":\"DBT\"},{\"op\":\"remove_group\",\"id\":\"dbt-1\"}]}]}",
        &n);
    cr_assert_eq(n, 8);
    const bool want[] = {true, true, false, true, false, false, false, false};
    for (int i = 0; i < n; i++)
        cr_expect_eq(model_scenario_adds_capacity(g_inst, &sc[i]), want[i], "%s", sc[i].name);
    io_whatif_scenarios_free(sc, n);
}

/* Adding capacity cannot make the best plan worse: each capacity-only
 * scenario starts from the baseline's schedule (still valid there) and
 * reports at least its objective and placements; a scenario that is not
 * capacity-only gets no warm start. */
Test(whatif, capacity_scenarios_never_report_less, .timeout = 300)
{
    model_instance *in = read_sample();
    const char *text =
        "{\"scenarios\":["
        "{\"name\":\"+room\",\"changes\":[{\"op\":\"add_room\",\"room\":{\"id\":\"extra-room\","
        "\"capacity\":12,\"features\":[\"accessible\"],\"site\":\"riverside-main\",\"available\":["
        "{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"21:00\"},{\"day\":\"wed\",\"from\":\"08:00\","
        "\"to\":\"21:00\"}]}}]},"
        "{\"name\":\"reed+DBT\",\"changes\":[{\"op\":\"add_credential\",\"facilitator\":\"reed\","
        "\"credential\":\"DBT\"}]},"
        "{\"name\":\"dbt min 4\",\"changes\":[{\"op\":\"set_type_size\",\"type\":\"dbt_skills\","
        "\"min_size\":4}]},"
        "{\"name\":\"extra cbt\",\"changes\":[{\"op\":\"add_group\",\"group\":{\"id\":\"cbt-extra\","
        "\"type\":\"cbt_anxiety\",\"optional\":true}}]},"
        "{\"name\":\"placement weight\",\"changes\":[{\"op\":\"set_setting\",\"field\":"
        "\"weights.placement\",\"value\":50}]}]}";
    int n = 0;
    model_scenario *sc = parse_for(in, text, &n);
    json_t *root = run_json(in, sc, n, false, 2, NULL);
    json_t *base = json_object_get(root, "baseline");
    cr_assert(json_is_true(json_object_get(base, "ok")));
    double bobj = num(base, "objective", NULL), bplaced = num(base, "summary", "placed");
    json_t *arr = json_object_get(root, "scenarios");
    for (int i = 0; i < 4; i++) {
        json_t *s = json_array_get(arr, (size_t)i);
        const char *nm = json_string_value(json_object_get(s, "name"));
        cr_assert(json_is_true(json_object_get(s, "ok")), "%s", nm);
        cr_expect(json_is_true(json_object_get(json_object_get(s, "warm_start"), "used")),
                  "%s: baseline schedule not used", nm);
        cr_expect_geq(num(s, "objective", NULL), bobj - 1e-6, "%s", nm);
        cr_expect_geq(num(s, "summary", "placed"), bplaced, "%s", nm);
        cr_expect_geq(num(s, "differences", "objective"), -1e-6, "%s", nm);
    }
    cr_expect_null(json_object_get(json_array_get(arr, 4), "warm_start"));
    json_decref(root);
    io_whatif_scenarios_free(sc, n);
    model_instance_destroy(in);
}

/* The marginal ranking on the sample (the command, shorter
 * limit): no capacity addition shows a loss. */
Test(whatif, marginal_on_sample_has_no_negative_entry, .timeout = 300)
{
    model_instance *in = read_sample();
    json_t *root = run_json(in, NULL, 0, true, 2, NULL);
    double bobj = num(json_object_get(root, "baseline"), "objective", NULL);
    json_t *bl = json_object_get(root, "bottlenecks");
    cr_assert_gt(json_array_size(bl), 1);
    size_t i;
    json_t *v;
    json_array_foreach(bl, i, v) {
        const char *nm = json_string_value(json_object_get(v, "name"));
        cr_expect_geq(num(v, "placements_per_quarter", NULL), 0, "%s", nm);
        cr_expect_geq(num(v, "revenue_per_quarter", NULL), 0, "%s", nm);
    }
    json_array_foreach(json_object_get(root, "marginal"), i, v) {
        const char *nm = json_string_value(json_object_get(v, "name"));
        cr_expect(json_is_true(json_object_get(json_object_get(v, "warm_start"), "used")), "%s",
                  nm);
        /* only the load-balance term can fall (a new facilitator at load 0),
         * never by more than the plans' gaps */
        cr_expect_geq(num(v, "objective", NULL), bobj - num(v, "noise", NULL) - 1e-6, "%s", nm);
    }
    json_decref(root);
    model_instance_destroy(in);
}

/* A difference within the plans' gaps is "no measurable change" (JSON
 * measurable false, text says so); a real one is measurable. */
Test(whatif, tiny_difference_is_no_measurable_change)
{
    int n = 0;
    model_scenario *sc = parse_ok(
        "{\"scenarios\":["
        "{\"name\":\"same\",\"changes\":[{\"op\":\"set_setting\",\"field\":\"seed\",\"value\":7}]},"
        "{\"name\":\"worth-more\",\"changes\":[{\"op\":\"set_setting\",\"field\":"
        "\"weights.placement\",\"value\":5000}]}]}",
        &n);
    char *text = NULL;
    json_t *root = run_json(g_inst, sc, n, false, 1, &text);
    json_t *same = json_array_get(json_object_get(root, "scenarios"), 0);
    json_t *more = json_array_get(json_object_get(root, "scenarios"), 1);
    cr_assert(json_is_true(json_object_get(same, "ok")));
    cr_assert(json_is_true(json_object_get(more, "ok")));
    cr_expect_leq(fabs(num(same, "differences", "objective")), num(same, "noise", NULL));
    cr_expect(json_is_false(json_object_get(same, "measurable")));
    cr_expect(json_is_true(json_object_get(more, "measurable")));
    cr_expect_gt(fabs(num(more, "differences", "objective")), num(more, "noise", NULL));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(io_whatif_print_table(f, text), IO_OK);
    fclose(f);
    cr_expect(strstr(buf, "scenario 'same': no measurable change") != NULL, "%s", buf);
    cr_expect(strstr(buf, "scenario 'worth-more': no measurable change") == NULL, "%s", buf);
    free(buf);
    free(text);
    json_decref(root);
    io_whatif_scenarios_free(sc, n);
}
