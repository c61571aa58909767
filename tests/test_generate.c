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

/* The witness passes the independent checker (model_check) and runs every
 * must-run group. */
static void expect_witness_valid(const char *what, const model_instance *inst,
                                 const model_solution *wit)
{
    cr_assert_not_null(wit, "%s: a witness", what);
    model_check_report rep;
    cr_assert_eq(model_check(inst, wit, &rep), MODEL_OK);
    for (int i = 0; i < rep.n_violations && i < 20; i++)
        cr_log_error("%s: rule %d %s: %s", what, rep.violations[i].rule, rep.violations[i].entity,
                     rep.violations[i].message);
    cr_expect_eq(rep.n_violations, 0, "%s: witness breaks %d rule(s)", what, rep.n_violations);
    model_check_report_free(&rep);
    int running = 0, musts = 0;
    for (int g = 0; g < wit->n_groups; g++)
        running += wit->groups[g].running;
    for (int g = 0; g < inst->n_groups; g++)
        musts += !inst->groups[g].optional;
    cr_expect_eq(running, musts, "%s: every must-run group runs in the witness", what);
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
    expect_witness_valid(what, inst, wit);

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

/* ----------------------------------------------------------- families */

#define N_FAM_MAX 32

/* Generate (tier, family, seed), write and re-read it as the CLI would:
 * no reader error; no warning for a feasible family.  *wit gets the
 * witness (NULL for an infeasible family). */
static model_instance *family_instance(const char *tier, const char *family,
                                       unsigned long long seed, bool infeasible,
                                       model_solution **wit)
{
    model_instance *gen = NULL;
    cr_assert_eq(model_generate_family(tier, family, seed, &gen, wit), MODEL_OK,
                 "generate %s/%s/%llu", tier, family, seed);
    char *text = NULL;
    cr_assert_eq(io_instance_to_json(gen, &text), IO_OK);
    model_instance_destroy(gen);
    char what[96];
    snprintf(what, sizeof what, "%s/%s/%llu", tier, family, seed);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = io_instance_parse(text, strlen(text), &inst, &d);
    free(text);
    if (!infeasible || d.n_errors)
        log_diag(what, &d);
    cr_assert_eq(rc, IO_OK, "%s must parse", what);
    cr_assert_eq(d.n_errors, 0, "%s: errors", what);
    if (!infeasible)
        cr_assert_eq(d.n_warnings, 0, "%s: %d warnings", what, d.n_warnings);
    model_diag_free(&d);
    return inst;
}

static int holders_of(const model_instance *inst, const model_strlist *creds)
{
    int n = 0;
    for (int f = 0; f < inst->n_facilitators; f++)
        n += model_facilitator_holds(&inst->facilitators[f], creds);
    return n;
}

static bool room_has(const model_room *r, const char *feature)
{
    return model_strlist_find(&r->features, feature) >= 0;
}

/* blocks: every waitlisted patient's window is at most 5 h; facilitators
 * work 08-18, 12-21 or 08-20 (Saturday mornings aside). */
static void expect_blocks(const char *what, const model_instance *inst)
{
    for (int p = 0; p < inst->n_patients; p++) {
        if (!model_patient_waitlisted(inst, p))
            continue;
        for (int w = 0; w < inst->patients[p].n_available; w++) {
            const model_window *win = &inst->patients[p].available[w];
            cr_assert(win->to - win->from <= 300, "%s: patient %s has a %d min window", what,
                      inst->patients[p].id, win->to - win->from);
        }
    }
    for (int f = 0; f < inst->n_facilitators; f++)
        for (int w = 0; w < inst->facilitators[f].n_available; w++) {
            const model_window *win = &inst->facilitators[f].available[w];
            bool shift = (win->from == 480 && (win->to == 1080 || win->to == 1200)) ||
                         (win->from == 720 && win->to == 1260) || win->day == 5;
            cr_assert(shift, "%s: facilitator %s window %d-%d is no shift", what,
                      inst->facilitators[f].id, win->from, win->to);
        }
}

/* scarce: some required credential has exactly one holder; its groups are
 * optional (no substitute is possible) and every required credential has
 * at most half as many holders as groups needing it plus two. */
static void expect_scarce(const char *what, const model_instance *inst)
{
    int lone = 0;
    for (int t = 0; t < inst->n_types; t++) {
        const model_group_type *ty = &inst->types[t];
        if (ty->required_credentials.n == 0 || holders_of(inst, &ty->required_credentials) > 1)
            continue;
        lone++;
        for (int g = 0; g < inst->n_groups; g++)
            if (inst->groups[g].type_idx == t)
                cr_expect(inst->groups[g].optional && inst->groups[g].n_members == 0,
                          "%s: group %s of a lone-holder type must be new and optional", what,
                          inst->groups[g].id);
    }
    cr_expect(lone > 0, "%s: a credential held by one facilitator", what);
}

/* optional: at least 85 % of the groups without members are optional. */
static void expect_optional(const char *what, const model_instance *inst)
{
    int memberless = 0, optional = 0;
    for (int g = 0; g < inst->n_groups; g++)
        if (inst->groups[g].n_members == 0) {
            memberless++;
            optional += inst->groups[g].optional;
        }
    cr_expect(memberless > 0 && optional * 100 >= memberless * 85,
              "%s: %d of %d memberless groups optional", what, optional, memberless);
}

/* pinned: at least 60 % of the groups pinned to day and start, and among
 * those at least half pinned to room or facilitators too. */
static void expect_pinned(const char *what, const model_instance *inst)
{
    int day_start = 0, more = 0;
    for (int g = 0; g < inst->n_groups; g++) {
        const model_pinned *pin = &inst->groups[g].pinned;
        if (!pin->has_day || !pin->has_start)
            continue;
        day_start++;
        more += pin->room != NULL || pin->facilitators.n > 0;
    }
    cr_expect(day_start * 100 >= inst->n_groups * 60, "%s: %d of %d groups pinned", what,
              day_start, inst->n_groups);
    cr_expect(more * 2 >= day_start, "%s: %d of %d pinned to room or staff", what, more,
              day_start);
}

/* adolescent: at least a quarter of the groups are of teen types, each
 * with max_age_spread 4 over a wider age range. */
static void expect_adolescent(const char *what, const model_instance *inst)
{
    int teen = 0;
    for (int g = 0; g < inst->n_groups; g++) {
        const model_group_type *ty = &inst->types[inst->groups[g].type_idx];
        if (ty->age_max < 0 || ty->age_max > 17)
            continue;
        teen++;
        cr_expect_eq(ty->composition.max_age_spread, 4, "%s: type %s spread", what, ty->id);
        cr_expect(ty->age_max - ty->age_min > 4, "%s: type %s ages %d-%d", what, ty->id,
                  ty->age_min, ty->age_max);
    }
    cr_expect(teen * 4 >= inst->n_groups, "%s: %d teen groups of %d", what, teen,
              inst->n_groups);
}

/* Rooms that can host a 10-seat group at 17:00-18:30 on some weekday. */
static int evening_rooms(const model_instance *inst)
{
    int n = 0;
    for (int r = 0; r < inst->n_rooms; r++) {
        const model_room *rm = &inst->rooms[r];
        bool evening = false;
        for (int d = 0; d < 5 && !evening; d++)
            evening = model_windows_fit(rm->available, rm->n_available, d, 17 * 60, 90);
        n += evening && rm->capacity >= 10 && !room_has(rm, "family_room");
    }
    return n;
}

static int in_person_groups(const model_instance *inst)
{
    int n = 0;
    for (int g = 0; g < inst->n_groups; g++) {
        const model_group_type *ty = &inst->types[inst->groups[g].type_idx];
        n += ty->modality == MODEL_IN_PERSON && ty->room_features.n == 0;
    }
    return n;
}

/* rooms: fewer evening room slots than in-person groups: even with every
 * evening-suitable room used at both weekday evening starts (17:00, 18:45)
 * on all five weekdays, some groups must meet in the day. */
static void expect_rooms(const char *what, const model_instance *inst)
{
    int er = evening_rooms(inst), ip = in_person_groups(inst);
    cr_expect(er > 0 && ip > 10 * er, "%s: %d in-person groups, %d evening rooms", what, ip, er);
}

/* infeasible-substitute / -cofac: a mandatory group whose required
 * credential has one holder; infeasible-room: a mandatory in-person group
 * whose room feature no room has. */
static void expect_infeasible(const char *what, const char *family, const model_instance *inst)
{
    int broken = 0;
    for (int g = 0; g < inst->n_groups; g++) {
        if (inst->groups[g].optional)
            continue;
        const model_group_type *ty = &inst->types[inst->groups[g].type_idx];
        if (strcmp(family, "infeasible-room") == 0) {
            for (int k = 0; k < ty->room_features.n; k++) {
                bool any = false;
                for (int r = 0; r < inst->n_rooms && !any; r++)
                    any = room_has(&inst->rooms[r], ty->room_features.items[k]);
                broken += !any;
            }
        } else if (strcmp(family, "infeasible-cofac") == 0) {
            broken += ty->cofacilitation && holders_of(inst, &ty->cofacilitator_credentials) < 2;
        } else {
            broken += ty->required_credentials.n > 0 &&
                      holders_of(inst, &ty->required_credentials) == 1;
        }
    }
    cr_expect(broken > 0, "%s: broken by design", what);
}

static void expect_family_property(const char *what, const char *family,
                                   const model_instance *inst)
{
    if (strcmp(family, "blocks") == 0)
        expect_blocks(what, inst);
    else if (strcmp(family, "scarce") == 0)
        expect_scarce(what, inst);
    else if (strcmp(family, "optional") == 0)
        expect_optional(what, inst);
    else if (strcmp(family, "pinned") == 0)
        expect_pinned(what, inst);
    else if (strcmp(family, "adolescent") == 0)
        expect_adolescent(what, inst);
    else if (strcmp(family, "rooms") == 0)
        expect_rooms(what, inst);
    else if (strcmp(family, "mixed") == 0) {
        expect_blocks(what, inst);
        expect_optional(what, inst);
    }
    else if (strncmp(family, "infeasible", 10) == 0)
        expect_infeasible(what, family, inst);
    else
        cr_expect_str_eq(family, "standard", "%s: every family has a property test", what);
}

static void check_family(const char *tier, const char *family, bool infeasible,
                         unsigned long long seed)
{
    int ng, nf, nw;
    cr_assert_eq(model_generate_tier(tier, &ng, &nf, &nw, NULL), MODEL_OK);
    char what[96];
    snprintf(what, sizeof what, "%s/%s/%llu", tier, family, seed);
    model_solution *wit = NULL;
    model_instance *inst = family_instance(tier, family, seed, infeasible, &wit);
    cr_expect_eq(inst->n_groups, ng, "%s: groups", what);
    cr_expect_eq(inst->n_facilitators, nf, "%s: facilitators", what);
    cr_expect_eq(count_waitlisted(inst), nw, "%s: waitlisted", what);
    if (infeasible)
        cr_expect_null(wit, "%s: no witness for an infeasible family", what);
    else
        expect_witness_valid(what, inst, wit);
    expect_family_property(what, family, inst);
    model_solution_destroy(wit);
    model_instance_destroy(inst);
}

static int families(const char **names, bool *infeasible)
{
    int n = model_generate_families(names, NULL, infeasible, N_FAM_MAX);
    cr_assert(n >= 10 && n <= N_FAM_MAX, "%d families", n);
    return n;
}

Test(generate, families_valid_feasible_and_structured_s)
{
    const char *names[N_FAM_MAX];
    bool inf[N_FAM_MAX];
    int n = families(names, inf);
    for (int i = 0; i < n; i++)
        for (unsigned long long seed = 1; seed <= 3; seed++)
            check_family("S", names[i], inf[i], seed);
}

Test(generate, families_valid_feasible_and_structured_m, .timeout = 300)
{
    const char *names[N_FAM_MAX];
    bool inf[N_FAM_MAX];
    int n = families(names, inf);
    for (int i = 0; i < n; i++)
        check_family("M", names[i], inf[i], 1);
}

Test(generate, families_listed_with_infeasible_ones_marked)
{
    const char *names[N_FAM_MAX], *sums[N_FAM_MAX];
    bool inf[N_FAM_MAX];
    int n = model_generate_families(names, sums, inf, N_FAM_MAX);
    const char *want[] = {"standard", "blocks", "scarce", "optional", "pinned", "adolescent",
                          "mixed", "rooms", "infeasible-substitute", "infeasible-cofac",
                          "infeasible-room"};
    cr_assert_eq(n, 11);
    for (int i = 0; i < n; i++) {
        cr_expect_str_eq(names[i], want[i]);
        cr_expect(sums[i] && strlen(sums[i]) > 10, "family %s has a summary", names[i]);
        cr_expect_eq(inf[i], strncmp(names[i], "infeasible", 10) == 0, "family %s", names[i]);
    }
    cr_expect_eq(model_generate_families(NULL, NULL, NULL, 0), n, "count with no arrays");
}

Test(generate, families_deterministic_for_a_seed)
{
    const char *names[N_FAM_MAX];
    int n = families(names, NULL);
    for (int i = 0; i < n; i++) {
        char *text[3];
        unsigned long long seeds[3] = {5, 5, 6};
        for (int k = 0; k < 3; k++) {
            model_instance *inst = NULL;
            cr_assert_eq(model_generate_family("S", names[i], seeds[k], &inst, NULL), MODEL_OK);
            cr_assert_eq(io_instance_to_json(inst, &text[k]), IO_OK);
            model_instance_destroy(inst);
        }
        cr_expect_str_eq(text[0], text[1], "family %s: same seed, same JSON", names[i]);
        cr_expect(strcmp(text[0], text[2]) != 0, "family %s: another seed, another program",
                  names[i]);
        for (int k = 0; k < 3; k++)
            free(text[k]);
    }
}

Test(generate, families_differ_from_standard_and_standard_is_the_default)
{
    const char *names[N_FAM_MAX];
    int n = families(names, NULL);
    char *std = gen_json("S", 9);
    for (int i = 0; i < n; i++) {
        model_instance *inst = NULL;
        cr_assert_eq(model_generate_family("S", names[i], 9, &inst, NULL), MODEL_OK);
        char *text = NULL;
        cr_assert_eq(io_instance_to_json(inst, &text), IO_OK);
        model_instance_destroy(inst);
        if (strcmp(names[i], "standard") == 0)
            cr_expect_str_eq(text, std, "family standard is model_generate's program");
        else
            cr_expect(strcmp(text, std) != 0, "family %s differs from standard", names[i]);
        free(text);
    }
    free(std);
    model_instance *inst = NULL;
    cr_expect_eq(model_generate_family("S", "nope", 1, &inst, NULL), MODEL_EINVAL);
    cr_expect_eq(model_generate_family("S", "", 1, &inst, NULL), MODEL_EINVAL);
    cr_expect_null(inst);
}

Test(generate, cli_family_option)
{
    char dir[] = "/tmp/cohort-genf-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[768], path[256], wit[256];
    snprintf(path, sizeof path, "%s/b.json", dir);
    snprintf(wit, sizeof wit, "%s/w.json", dir);
    snprintf(cmd, sizeof cmd, "%s generate --tier S --family blocks --seed 3 -o %s --witness %s",
             COHORT_BINARY, path, wit);
    cr_assert_eq(run(cmd), 0);
    model_instance *lib = NULL;
    cr_assert_eq(model_generate_family("S", "blocks", 3, &lib, NULL), MODEL_OK);
    char *want = NULL, *file = NULL;
    size_t len = 0;
    cr_assert_eq(io_instance_to_json(lib, &want), IO_OK);
    model_instance_destroy(lib);
    cr_assert_eq(io_read_all(path, IO_MAX_INPUT_BYTES, &file, &len), IO_OK);
    cr_expect(strncmp(file, want, strlen(want)) == 0, "the CLI writes the library's program");
    free(file);
    free(want);
    snprintf(cmd, sizeof cmd, "%s check %s %s >/dev/null", COHORT_BINARY, path, wit);
    cr_expect_eq(run(cmd), 0, "cohort check accepts the blocks witness");
    snprintf(cmd, sizeof cmd, "%s generate --tier S --family nope --seed 1 2>/dev/null",
             COHORT_BINARY);
    cr_expect_eq(run(cmd), 2, "unknown family: exit 2");
    snprintf(cmd, sizeof cmd,
             "%s generate --tier S --family infeasible-room --seed 1 -o %s --witness %s "
             "2>/dev/null",
             COHORT_BINARY, path, wit);
    cr_expect_eq(run(cmd), 2, "an infeasible family has no witness: exit 2");
    snprintf(cmd, sizeof cmd, "%s generate --help > %s", COHORT_BINARY, path);
    cr_assert_eq(run(cmd), 0);
    cr_assert_eq(io_read_all(path, IO_MAX_INPUT_BYTES, &file, &len), IO_OK);
    const char *names[N_FAM_MAX];
    int n = families(names, NULL);
    for (int i = 0; i < n; i++)
        cr_expect(strstr(file, names[i]) != NULL, "--help lists family %s", names[i]);
    free(file);
    unlink(path);
    unlink(wit);
    rmdir(dir);
}
