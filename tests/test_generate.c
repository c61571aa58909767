/* test_generate.c - the seeded benchmark generator (model_generate),
 * `cohort generate`, the committed benchmark instances and the bundled
 * sample program.
 *
 * Every generated instance must be deterministic for its seed, have its
 * tier's counts, pass the instance reader with no error and no warning,
 * and be feasible: the witness plan the generator built must pass the
 * independent checker (model_check) with no violation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "model.h"

/* ------------------------------------------------------------ helpers */

static char *gen_json(const char *tier, unsigned long long seed)
{
    model_instance *inst = NULL;
    cr_assert_eq(model_generate(tier, seed, &inst, NULL), MODEL_OK, "generate %s/%llu", tier, seed);
    char *text = NULL;
    cr_assert_eq(io_instance_to_json(inst, &text), IO_OK);
    model_instance_destroy(inst);
    return text;
}

static void log_diag(const char *what, const model_diag *d)
{
    for (int i = 0; i < d->n_errors && i < 20; i++)
        cr_log_error("%s: error: %s: %s", what, d->errors[i].path, d->errors[i].message);
    for (int i = 0; i < d->n_warnings && i < 20; i++)
        cr_log_error("%s: warning: %s: %s", what, d->warnings[i].path, d->warnings[i].message);
}

/* Parse JSON text as the CLI would; asserts no error and no warning. */
static model_instance *parse_clean(const char *what, const char *text)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = io_instance_parse(text, strlen(text), &inst, &d);
    log_diag(what, &d);
    cr_assert_eq(rc, IO_OK, "%s must parse", what);
    cr_assert_eq(d.n_errors, 0, "%s: errors", what);
    cr_assert_eq(d.n_warnings, 0, "%s: %d warnings", what, d.n_warnings);
    model_diag_free(&d);
    return inst;
}

static int count_waitlisted(const model_instance *inst)
{
    int n = 0;
    for (int p = 0; p < inst->n_patients; p++)
        n += model_patient_waitlisted(inst, p);
    return n;
}

/* Counts of the tier, validity, witness feasibility, credential depth. */
static void check_tier(const char *tier, unsigned long long seed)
{
    int ng, nf, nw, ns;
    cr_assert_eq(model_generate_tier(tier, &ng, &nf, &nw, &ns), MODEL_OK);
    model_instance *gen = NULL;
    model_solution *wit = NULL;
    cr_assert_eq(model_generate(tier, seed, &gen, &wit), MODEL_OK);
    char *text = NULL;
    cr_assert_eq(io_instance_to_json(gen, &text), IO_OK);
    char what[64];
    snprintf(what, sizeof what, "tier %s seed %llu", tier, seed);
    model_instance *inst = parse_clean(what, text);
    free(text);

    cr_expect_eq(inst->n_groups, ng, "%s: groups %d", what, inst->n_groups);
    cr_expect_eq(inst->n_facilitators, nf, "%s: facilitators %d", what, inst->n_facilitators);
    cr_expect_eq(count_waitlisted(inst), nw, "%s: waitlisted", what);
    cr_expect_eq(inst->n_types, 9 * ns, "%s: one copy of the 9 types per site", what);
    int sites = 0;
    for (int r = 0; r < inst->n_rooms; r++) {
        bool seen = false;
        for (int q = 0; q < r && !seen; q++)
            seen = strcmp(inst->rooms[q].site, inst->rooms[r].site) == 0;
        sites += !seen;
    }
    cr_expect_eq(sites, ns, "%s: %d sites", what, sites);

    /* realism the benchmarks rely on */
    int cofac = 0, biweekly = 0, optional = 0, rostered = 0, held = 0, telehealth = 0;
    for (int g = 0; g < inst->n_groups; g++) {
        const model_group *gr = &inst->groups[g];
        const model_group_type *t = &inst->types[gr->type_idx];
        cofac += t->cofacilitation;
        biweekly += t->cadence == MODEL_BIWEEKLY;
        telehealth += t->modality == MODEL_TELEHEALTH;
        optional += gr->optional;
        rostered += gr->n_members > 0;
        for (int m = 0; m < gr->n_members; m++)
            held += gr->members[m].status == MODEL_HOLD_CLINICAL ||
                    gr->members[m].status == MODEL_HOLD_ADMIN;
    }
    cr_expect(cofac > 0 && biweekly > 0 && optional > 0 && rostered > 0 && telehealth > 0,
              "%s: cofac %d biweekly %d optional %d rostered %d telehealth %d", what, cofac,
              biweekly, optional, rostered, telehealth);
    cr_expect(held > 0 || ng < 30, "%s: some held members", what);
    int evening = 0, windows = 0, off = 0;
    for (int p = 0; p < inst->n_patients; p++)
        for (int w = 0; w < inst->patients[p].n_available; w++) {
            windows++;
            evening += inst->patients[p].available[w].from >= 17 * 60;
        }
    for (int f = 0; f < inst->n_facilitators; f++)
        off += inst->facilitators[f].n_time_off > 0;
    cr_expect(evening * 2 > windows, "%s: evening-heavy availability (%d of %d)", what, evening,
              windows);
    cr_expect(off > 0, "%s: some time off", what);
    cr_expect(inst->program.n_closed_dates >= 2, "%s: closed dates", what);

    /* every credential a type requires: >= 2 holders, >= 3 when co-led */
    for (int t = 0; t < inst->n_types; t++) {
        const model_group_type *ty = &inst->types[t];
        int holders = 0;
        for (int f = 0; f < inst->n_facilitators; f++)
            holders += model_facilitator_holds(&inst->facilitators[f], &ty->required_credentials);
        cr_expect(holders >= (ty->cofacilitation ? 3 : 2), "%s: type %s has %d holders", what,
                  ty->id, holders);
    }

    /* the witness is a feasible plan: no hard rule broken */
    model_check_report rep;
    cr_assert_eq(model_check(inst, wit, &rep), MODEL_OK);
    for (int i = 0; i < rep.n_violations && i < 20; i++)
        cr_log_error("%s: rule %d %s: %s", what, rep.violations[i].rule, rep.violations[i].entity,
                     rep.violations[i].message);
    cr_expect_eq(rep.n_violations, 0, "%s: witness breaks %d rule(s)", what, rep.n_violations);
    int running = 0, musts = 0;
    for (int g = 0; g < wit->n_groups; g++)
        running += wit->groups[g].running;
    for (int g = 0; g < inst->n_groups; g++)
        musts += !inst->groups[g].optional;
    cr_expect_eq(running, musts, "%s: every must-run group runs in the witness", what);
    model_check_report_free(&rep);

    model_solution_destroy(wit);
    model_instance_destroy(gen);
    model_instance_destroy(inst);
}

/* -------------------------------------------------------------- tests */

Test(generate, deterministic_for_a_seed)
{
    const char *tiers[] = {"S", "M"};
    for (int i = 0; i < 2; i++) {
        char *a = gen_json(tiers[i], 7), *b = gen_json(tiers[i], 7), *c = gen_json(tiers[i], 8);
        cr_expect_str_eq(a, b, "tier %s: same seed, same JSON", tiers[i]);
        cr_expect(strcmp(a, c) != 0, "tier %s: another seed, another program", tiers[i]);
        free(a);
        free(b);
        free(c);
    }
}

Test(generate, tier_s_counts_valid_feasible)
{
    for (unsigned long long seed = 1; seed <= 5; seed++)
        check_tier("S", seed);
}

Test(generate, tier_m_counts_valid_feasible)
{
    check_tier("M", 1);
    check_tier("M", 2);
}

Test(generate, tier_l_counts_valid_feasible, .timeout = 300)
{
    check_tier("L", 1);
}

Test(generate, tier_xl_counts_valid_feasible, .timeout = 600)
{
    check_tier("XL", 1);
}

Test(generate, extreme_seeds)
{
    check_tier("S", 0);
    check_tier("S", 18446744073709551615ULL);
}

Test(generate, unknown_tier_rejected)
{
    model_instance *inst = NULL;
    cr_expect_eq(model_generate("XXL", 1, &inst, NULL), MODEL_EINVAL);
    cr_expect_eq(model_generate("s", 1, &inst, NULL), MODEL_EINVAL);
    cr_expect_eq(model_generate(NULL, 1, &inst, NULL), MODEL_EINVAL);
    cr_expect_eq(model_generate("S", 1, NULL, NULL), MODEL_EINVAL);
    cr_expect_null(inst);
    cr_expect_eq(model_generate_tier("XL", NULL, NULL, NULL, NULL), MODEL_OK);
    cr_expect_eq(model_generate_tier("XS", NULL, NULL, NULL, NULL), MODEL_EINVAL);
}

/* ---------------------------------------------------------------- CLI */

static int run(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(generate, cli_writes_what_the_library_generates)
{
    char dir[] = "/tmp/cohort-gen-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[512], path[256];
    snprintf(path, sizeof path, "%s/s.json", dir);
    snprintf(cmd, sizeof cmd, "%s generate --tier S --seed 42 -o %s", COHORT_BINARY, path);
    cr_assert_eq(run(cmd), 0);
    char *file = NULL;
    size_t len = 0;
    cr_assert_eq(io_read_all(path, IO_MAX_INPUT_BYTES, &file, &len), IO_OK);
    char *lib = gen_json("S", 42);
    cr_expect_eq(len, strlen(lib) + 1);
    cr_expect(strncmp(file, lib, strlen(lib)) == 0, "cohort generate writes the library's JSON");
    free(file);
    free(lib);
    snprintf(cmd, sizeof cmd, "%s validate %s >/dev/null", COHORT_BINARY, path);
    cr_expect_eq(run(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s generate --tier Q --seed 1 -o %s 2>/dev/null", COHORT_BINARY, path);
    cr_expect_eq(run(cmd), 2, "unknown tier: exit 2");
    snprintf(cmd, sizeof cmd, "%s generate --tier S --seed -3 2>/dev/null", COHORT_BINARY);
    cr_expect_eq(run(cmd), 2, "negative seed: exit 2");
    snprintf(cmd, sizeof cmd, "%s generate --tier S 2>/dev/null", COHORT_BINARY);
    cr_expect_eq(run(cmd), 2, "no seed: exit 2");
    unlink(path);
    rmdir(dir);
}

/* ------------------------------------------------------ committed data */

static model_instance *read_clean(const char *path)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = io_instance_read_file(path, &inst, &d);
    log_diag(path, &d);
    cr_assert_eq(rc, IO_OK, "%s must validate", path);
    cr_expect_eq(d.n_errors, 0);
    cr_expect_eq(d.n_warnings, 0, "%s: %d warnings", path, d.n_warnings);
    model_diag_free(&d);
    return inst;
}

Test(generate, committed_bench_instances_validate)
{
    const char *files[] = {"S-1", "S-2", "M-1", "M-2"};
    for (int i = 0; i < 4; i++) {
        char path[256];
        snprintf(path, sizeof path, COHORT_SOURCE_DIR "/datasets/bench/%s.json", files[i]);
        model_instance *inst = read_clean(path);
        int ng, nf, nw;
        char tier[2] = {files[i][0], '\0'};
        cr_assert_eq(model_generate_tier(tier, &ng, &nf, &nw, NULL), MODEL_OK);
        cr_expect_eq(inst->n_groups, ng, "%s groups", path);
        cr_expect_eq(inst->n_facilitators, nf, "%s facilitators", path);
        cr_expect_eq(count_waitlisted(inst), nw, "%s waitlisted", path);
        model_instance_destroy(inst);
    }
}

Test(generate, sample_program_validates)
{
    model_instance *inst = read_clean(COHORT_SOURCE_DIR "/datasets/sample.json");
    cr_expect_eq(inst->n_groups, 15);
    cr_expect_eq(inst->n_facilitators, 6);
    cr_expect_eq(count_waitlisted(inst), 150);
    cr_expect_eq(inst->program.horizon_weeks, 13);
    /* each required credential: a primary and a substitute (three for the
     * co-facilitated trauma type) */
    for (int t = 0; t < inst->n_types; t++) {
        const model_group_type *ty = &inst->types[t];
        int holders = 0;
        for (int f = 0; f < inst->n_facilitators; f++)
            holders += model_facilitator_holds(&inst->facilitators[f], &ty->required_credentials);
        cr_expect(holders >= (ty->cofacilitation ? 3 : 2), "sample type %s: %d holders", ty->id,
                  holders);
    }
    model_instance_destroy(inst);
}
