/* test_io.c - io/json/: instance and solution reading and writing, the
 * fixtures' exact error paths, lossless round trips, the documented
 * examples and the Jansson-tree API; robustness against hostile input in
 * test_io/robust.c, atomic files and `cohort validate` in test_io/files.c
 * (shared helpers: test_io/fixture.h). */
#include <criterion/criterion.h>
#include <glob.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance_eq.h"
#include "io.h"
#include "model.h"
#include "test_io/fixture.h"


char *slurp(const char *path, size_t *len)
{
    char *text = NULL;
    size_t n = 0;
    cr_assert_eq(io_read_all(path, IO_MAX_INPUT_BYTES, &text, &n), IO_OK, "read %s", path);
    if (len)
        *len = n;
    return text;
}

static model_instance *parse_ok(const char *text, size_t len)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    int rc = io_instance_parse(text, len, &in, &d);
    cr_assert_eq(rc, IO_OK, "parse failed: %s: %s", d.n_errors ? d.errors[0].path : "",
                 d.n_errors ? d.errors[0].message : "");
    model_diag_free(&d);
    return in;
}

static model_instance *load_ok(const char *path)
{
    size_t len;
    char *text = slurp(path, &len);
    model_instance *in = parse_ok(text, len);
    free(text);
    return in;
}

/* Parses text expecting failure; returns the diagnostics (caller frees). */
model_diag parse_bad(const char *text, size_t len)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    int rc = io_instance_parse(text, len, &in, &d);
    cr_assert_eq(rc, IO_EINVAL, "expected invalid: %.60s", text);
    cr_assert_null(in, "out untouched on failure");
    cr_assert_gt(d.n_errors, 0);
    for (int i = 0; i < d.n_errors; i++)
        cr_assert(d.errors[i].message && d.errors[i].message[0], "every error has a message");
    return d;
}

int has_error(const model_diag *d, const char *path, const char *needle)
{
    for (int i = 0; i < d->n_errors; i++)
        if (strcmp(d->errors[i].path, path) == 0 &&
            (!needle || strstr(d->errors[i].message, needle)))
            return 1;
    return 0;
}

/* ------------------------------------------------------------ fixtures */

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lines of the sidecar, sorted. */
static int read_lines(const char *path, char ***out)
{
    char *text = slurp(path, NULL);
    int n = 0, cap = 16;
    char **lines = malloc((size_t)cap * sizeof *lines);
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (!l[0])
            continue;
        if (n == cap) {
            char **grown = realloc(lines, (size_t)(cap *= 2) * sizeof *lines);
            cr_assert_not_null(grown);
            lines = grown;
        }
        lines[n++] = strdup(l);
    }
    free(text);
    qsort(lines, (size_t)n, sizeof *lines, cmp_strp);
    *out = lines;
    return n;
}

static void free_lines(char **l, int n)
{
    for (int i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

static int diag_lines(const model_diag *d, char ***out)
{
    int n = d->n_errors + d->n_warnings;
    char **lines = malloc((size_t)(n ? n : 1) * sizeof *lines);
    for (int i = 0; i < n; i++) {
        const model_issue *is = i < d->n_errors ? &d->errors[i] : &d->warnings[i - d->n_errors];
        const char *kind = i < d->n_errors ? "error" : "warning";
        size_t len = strlen(is->path) + 16;
        lines[i] = malloc(len);
        snprintf(lines[i], len, "%s %s", kind, is->path[0] ? is->path : "(file)");
    }
    qsort(lines, (size_t)n, sizeof *lines, cmp_strp);
    *out = lines;
    return n;
}

Test(fixtures, every_expected_file_matches_exactly)
{
    glob_t g;
    cr_assert_eq(glob(FIX "*.expected", 0, NULL, &g), 0);
    cr_assert_geq(g.gl_pathc, 10, "fixtures with sidecars");
    for (size_t k = 0; k < g.gl_pathc; k++) {
        const char *exp_path = g.gl_pathv[k];
        char json_path[1024];
        snprintf(json_path, sizeof json_path, "%.*s.json",
                 (int)(strlen(exp_path) - strlen(".expected")), exp_path);
        char **want, **got;
        int nw = read_lines(exp_path, &want);
        int has_err = 0;
        for (int i = 0; i < nw; i++)
            has_err |= strncmp(want[i], "error ", 6) == 0;

        model_diag d;
        model_diag_init(&d);
        model_instance *in = NULL;
        int rc = io_instance_read_file(json_path, &in, &d);
        cr_expect_eq(rc, has_err ? IO_EINVAL : IO_OK, "%s: rc %d", json_path, rc);
        int ng = diag_lines(&d, &got);
        int same = ng == nw;
        for (int i = 0; same && i < nw; i++)
            same = strcmp(want[i], got[i]) == 0;
        if (!same) {
            for (int i = 0; i < ng; i++)
                fprintf(stderr, "  got:  %s\n", got[i]);
            for (int i = 0; i < nw; i++)
                fprintf(stderr, "  want: %s\n", want[i]);
        }
        cr_expect(same, "%s: reported issues differ from %s", json_path, exp_path);
        free_lines(want, nw);
        free_lines(got, ng);
        model_diag_free(&d);
        model_instance_destroy(in);
    }
    globfree(&g);
}

Test(fixtures, valid_files_have_no_issues)
{
    const char *names[] = {FIX "tiny.json", FIX "full.json"};
    for (int k = 0; k < 2; k++) {
        model_diag d;
        model_diag_init(&d);
        model_instance *in = NULL;
        cr_assert_eq(io_instance_read_file(names[k], &in, &d), IO_OK, "%s", names[k]);
        cr_assert_eq(d.n_errors, 0);
        cr_assert_eq(d.n_warnings, 0, "%s: %s", names[k], d.n_warnings ? d.warnings[0].message : "");
        model_instance_destroy(in);
        model_diag_free(&d);
    }
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    cr_assert_eq(io_instance_read_file(COHORT_SOURCE_DIR "/datasets/sample.json", &in, &d), IO_OK);
    cr_assert_eq(d.n_errors, 0);
    model_instance_destroy(in);
    model_diag_free(&d);
}

Test(fixtures, messages_name_the_value)
{
    size_t len;
    char *text = slurp(FIX "invalid-types.json", &len);
    model_diag d = parse_bad(text, len);
    cr_assert(has_error(&d, "program.name", "expected a string, got number 3"));
    cr_assert(has_error(&d, "group_types[0].min_size", "expected an integer, got number 3.5"));
    cr_assert(has_error(&d, "patients[2]", "expected an object, got string \"p03\""));
    model_diag_free(&d);
    free(text);
    text = slurp(FIX "invalid-ranges.json", &len);
    d = parse_bad(text, len);
    cr_assert(has_error(&d, "rooms[1].capacity", "out of range"));
    cr_assert(has_error(&d, "group_types[1].max_size", "max_size 6 is below min_size 7"));
    model_diag_free(&d);
    free(text);
    text = slurp(FIX "invalid-truncated.json", &len);
    d = parse_bad(text, len);
    cr_assert_eq(d.n_errors, 1);
    cr_assert_str_eq(d.errors[0].path, "");
    cr_assert(strstr(d.errors[0].message, "line "), "%s", d.errors[0].message);
    cr_assert(strstr(d.errors[0].message, "column "), "%s", d.errors[0].message);
    model_diag_free(&d);
    free(text);
}

/* ------------------------------------------------------------- reading */

Test(read, tiny_values)
{
    model_instance *in = load_ok(FIX "tiny.json");
    int d;
    model_date_parse("2025-01-06", &d);
    cr_assert_str_eq(in->program.name, "Tiny clinic");
    cr_assert_eq(in->program.horizon_start, d);
    cr_assert_eq(in->program.horizon_weeks, 4);
    cr_assert_eq(in->program.days_mask, 0xf);
    cr_assert_eq(in->program.n_slot_starts, 3);
    cr_assert_eq(in->program.slot_starts[2], 18 * 60);
    cr_assert_eq(in->n_types, 3);
    cr_assert_eq(in->n_groups, 4);
    cr_assert_eq(in->n_rooms, 2);
    cr_assert_eq(in->n_facilitators, 3);
    cr_assert_eq(in->n_patients, 12);
    cr_assert_eq(in->settings.time_limit_s, 10.0);
    cr_assert_eq(in->settings.max_groups_per_day, 4, "default");
    cr_assert_eq(in->settings.weights.placement, 100.0, "default");
    const model_group_type *t = &in->types[1];
    cr_assert_str_eq(t->id, "dbt");
    cr_assert_eq(t->rate, 55.0);
    cr_assert_eq(t->duration_min, 120);
    cr_assert_eq(t->room_features.n, 1);
    cr_assert_eq(t->composition.max_new_share, -1, "absent = no limit");
    cr_assert_eq(in->types[2].modality, MODEL_TELEHEALTH);
    cr_assert(in->groups[1].optional);
    cr_assert_eq(in->groups[2].type_idx, 1);
    cr_assert_eq(in->groups[2].n_members, 2);
    cr_assert_eq(in->groups[2].members[1].patient_idx, 1);
    const model_patient *p = &in->patients[10];
    cr_assert(p->has_group_types);
    cr_assert_str_eq(p->group_types.items[0], "dep-tele");
    cr_assert(!in->patients[0].has_group_types, "absent referral list");
    cr_assert_eq(in->patients[6].modality, MODEL_IN_PERSON);
    cr_assert_eq(in->patients[0].modality, MODEL_EITHER, "default");
    cr_assert_eq(in->patients[2].acuity, MODEL_ACUITY_HIGH);
    cr_assert_eq(in->patients[2].priority, 2);
    cr_assert_null(in->patients[0].gender);
    cr_assert(!in->patients[11].screened);
    model_instance_destroy(in);
}

Test(read, full_values)
{
    model_instance *in = load_ok(FIX "full.json");
    const model_group *g = &in->groups[0];
    cr_assert(g->pinned.has_day);
    cr_assert_eq(g->pinned.day, 1);
    cr_assert_eq(g->pinned.start, 17 * 60 + 30);
    cr_assert_eq(g->pinned.room_idx, 0);
    cr_assert_eq(g->pinned.facilitator_idx[0], 0);
    cr_assert_eq(g->pinned.facilitator_idx[1], 1);
    cr_assert_eq(g->pinned.substitute_idx, 2);
    cr_assert_eq(g->members[1].status, MODEL_HOLD_CLINICAL);
    cr_assert_eq(g->members[4].status, MODEL_DROPPED);
    cr_assert(!in->groups[1].pinned.has_start);
    cr_assert(in->groups[3].pinned.has_start && !in->groups[3].pinned.has_day);
    cr_assert_eq(in->types[1].cadence, MODEL_BIWEEKLY);
    cr_assert_str_eq(in->types[1].gender, "female");
    cr_assert_eq(in->types[1].age_max, 80);
    cr_assert_str_eq(in->types[2].cpt, "90849");
    cr_assert_eq(in->types[0].composition.max_new_share, 0.5);
    cr_assert_eq(in->types[0].composition.max_age_spread, 30);
    cr_assert(in->types[0].cofacilitation);
    /* Rooms and facilitators without windows are available all week. */
    cr_assert_eq(in->rooms[2].n_available, 7);
    cr_assert_eq(in->rooms[2].available[6].to, 1440);
    cr_assert_eq(in->facilitators[3].n_available, 7);
    cr_assert_eq(in->facilitators[0].max_per_day, 2);
    cr_assert_eq(in->facilitators[0].max_per_week, -1);
    cr_assert_eq(model_facilitator_max_per_week(in, 0), 8);
    cr_assert_eq(in->facilitators[0].n_time_off, 1);
    cr_assert_eq(in->program.n_closed_dates, 2);
    cr_assert_eq(in->settings.min_break_min, 15);
    cr_assert_eq(in->settings.seed, 7);
    cr_assert_eq(in->settings.weights.change, 25.0);
    model_instance_destroy(in);
}

static const char MINIMAL[] =
    "{\"program\":{\"horizon\":{\"start\":\"2025-01-06\",\"weeks\":2},\"days\":[\"tue\"],"
    "\"slot_starts\":[\"18:00\"]},"
    "\"group_types\":[{\"id\":\"t\",\"rate\":40,\"duration_min\":60,\"min_size\":2,\"max_size\":6,"
    "\"modality\":\"telehealth\",\"cadence\":\"weekly\"}],"
    "\"groups\":[{\"id\":\"g\",\"type\":\"t\"}],"
    "\"facilitators\":[{\"id\":\"f\"},{\"id\":\"h\"}],"
    "\"patients\":[{\"id\":\"p\",\"diagnoses\":[],\"group_types\":[],\"available\":[],"
    "\"added\":\"2024-12-01\",\"screened\":false,\"insurance_verified\":false},"
    "{\"id\":\"q\",\"diagnoses\":[\"F41\"],\"group_types\":[\"t\"],\"available\":[],"
    "\"added\":\"2024-12-01\",\"screened\":true,\"insurance_verified\":true}]}";

Test(read, minimal_defaults)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    cr_assert_eq(io_instance_parse(MINIMAL, strlen(MINIMAL), &in, &d), IO_OK,
                 "%s", d.n_errors ? d.errors[0].message : "");
    cr_assert_eq(d.n_warnings, 1, "patient p is referred to no type");
    cr_assert_str_eq(d.warnings[0].path, "patients[0]");
    cr_assert_str_eq(in->program.name, "");
    cr_assert_eq(in->n_rooms, 0, "rooms are optional");
    cr_assert_str_eq(in->types[0].name, "t", "name defaults to id");
    cr_assert_str_eq(in->types[0].cpt, "90853");
    cr_assert_str_eq(in->facilitators[0].name, "f");
    cr_assert(in->patients[0].has_group_types, "explicit [] is not absent");
    cr_assert_eq(in->patients[0].group_types.n, 0);
    cr_assert_eq(in->patients[0].age, -1);
    cr_assert_eq(in->patients[0].priority, 0);
    cr_assert_eq(in->groups[0].pinned.room_idx, -1);
    cr_assert_eq(in->settings.on_infeasible, MODEL_ON_INFEASIBLE_RELAX, "relax by default");
    model_instance_destroy(in);
    model_diag_free(&d);
}

/* settings.on_infeasible: "relax" or "fail"; anything else is an error at
 * its path. */
Test(read, on_infeasible_values)
{
    const char *vals[] = {"\"relax\"", "\"fail\"", "\"maybe\"", "1"};
    int want[] = {MODEL_ON_INFEASIBLE_RELAX, MODEL_ON_INFEASIBLE_FAIL, -1, -1};
    for (int i = 0; i < 4; i++) {
        char text[2048];
        snprintf(text, sizeof text, "{\"settings\":{\"on_infeasible\":%s},%s", vals[i],
                 MINIMAL + 1);
        model_diag d;
        model_diag_init(&d);
        model_instance *in = NULL;
        int rc = io_instance_parse(text, strlen(text), &in, &d);
        if (want[i] >= 0) {
            cr_assert_eq(rc, IO_OK, "%s", vals[i]);
            cr_expect_eq(in->settings.on_infeasible, want[i]);
        } else {
            cr_expect_eq(rc, IO_EINVAL, "%s", vals[i]);
            cr_expect(has_error(&d, "settings.on_infeasible", NULL), "%s: error path", vals[i]);
        }
        model_instance_destroy(in);
        model_diag_free(&d);
    }
}

Test(read, unknown_keys_warn_with_path)
{
    const char *text = "{\"program\":{\"horizon\":{\"start\":\"2025-01-06\",\"weeks\":2,\"x\":1},"
                       "\"days\":[\"tue\"],\"slot_starts\":[\"18:00\"]},\"extra\":[],"
                       "\"group_types\":[],\"groups\":[],\"facilitators\":[],\"patients\":[]}";
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    cr_assert_eq(io_instance_parse(text, strlen(text), &in, &d), IO_OK);
    cr_assert_eq(d.n_warnings, 2);
    /* Issues come in file-section order; unknown sections last. */
    cr_assert_str_eq(d.warnings[0].path, "program.horizon.x");
    cr_assert_str_eq(d.warnings[1].path, "extra");
    model_instance_destroy(in);
    model_diag_free(&d);
}

Test(read, missing_top_level_arrays)
{
    const char *text = "{\"program\":{\"horizon\":{\"start\":\"2025-01-06\",\"weeks\":2},"
                       "\"days\":[\"tue\"],\"slot_starts\":[\"18:00\"]}}";
    model_diag d = parse_bad(text, strlen(text));
    cr_assert_eq(d.n_errors, 4);
    cr_assert(has_error(&d, "group_types", "missing"));
    cr_assert(has_error(&d, "groups", "missing"));
    cr_assert(has_error(&d, "facilitators", "missing"));
    cr_assert(has_error(&d, "patients", "missing"));
    model_diag_free(&d);
}

Test(read, diag_collector_is_appended_to)
{
    model_diag d;
    model_diag_init(&d);
    model_diag_error(&d, "earlier", "from another file");
    model_instance *in = NULL;
    cr_assert_eq(io_instance_parse(MINIMAL, strlen(MINIMAL), &in, &d), IO_OK,
                 "earlier errors do not make this parse fail");
    cr_assert_eq(d.n_errors, 1);
    model_instance_destroy(in);
    model_diag_free(&d);
}

/* --------------------------------------------------------- round trips */

static void round_trip(const char *path)
{
    model_instance *a = load_ok(path);
    char *t1 = NULL, *t2 = NULL;
    cr_assert_eq(io_instance_to_json(a, &t1), IO_OK);
    model_instance *b = parse_ok(t1, strlen(t1));
    char where[160] = "";
    cr_assert_eq(instance_diff(a, b, where, sizeof where), 0, "%s: differs at %s", path, where);
    cr_assert_eq(io_instance_to_json(b, &t2), IO_OK);
    cr_assert_str_eq(t1, t2, "writing is stable");
    free(t1);
    free(t2);
    model_instance_destroy(a);
    model_instance_destroy(b);
}

Test(round_trip, fixtures_and_sample)
{
    round_trip(FIX "tiny.json");
    round_trip(FIX "full.json");
    round_trip(FIX "warnings.json");
    round_trip(COHORT_SOURCE_DIR "/datasets/sample.json");
}

Test(round_trip, reals_exact_and_absent_fields)
{
    model_instance *a = parse_ok(MINIMAL, strlen(MINIMAL));
    double vals[] = {0.1, 1.0 / 3, 1e-7, 123456789.125, 5e-324, 1.7976931348623157e308, 0};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        a->types[0].rate = vals[i];
        a->settings.weights.wait_per_week = vals[i];
        a->settings.mip_gap = vals[i];
        a->types[0].composition.max_new_share = vals[i] > 1 ? 1 : vals[i];
        char *t = NULL;
        cr_assert_eq(io_instance_to_json(a, &t), IO_OK);
        model_instance *b = parse_ok(t, strlen(t));
        char where[160] = "";
        cr_assert_eq(instance_diff(a, b, where, sizeof where), 0, "%.17g: %s", vals[i], where);
        model_instance_destroy(b);
        free(t);
    }
    /* Absent optional fields stay absent; explicit [] referral stays []. */
    char *t = NULL;
    cr_assert_eq(io_instance_to_json(a, &t), IO_OK);
    cr_assert_null(strstr(t, "\"gender\""));
    cr_assert_null(strstr(t, "\"age\""));
    cr_assert_not_null(strstr(t, "\"group_types\": []"));
    cr_assert_not_null(strstr(t, "\"rate\": 0.0"), "a real stays a real");
    free(t);
    model_instance_destroy(a);
}

Test(round_trip, strings_escaped)
{
    model_instance *a = parse_ok(MINIMAL, strlen(MINIMAL));
    free(a->program.name);
    a->program.name = strdup("Quote \" back\\slash \t tab \x01 ctl, caf\xc3\xa9, \xe2\x82\xac");
    char *t = NULL;
    cr_assert_eq(io_instance_to_json(a, &t), IO_OK);
    model_instance *b = parse_ok(t, strlen(t));
    cr_assert_str_eq(b->program.name, a->program.name);
    free(t);
    model_instance_destroy(b);
    model_instance_destroy(a);
}

/* ------------------------------------------------------------ solutions */

static model_solution *sample_solution(void)
{
    model_solution *s = model_solution_create();
    s->status = MODEL_STATUS_FEASIBLE;
    s->objective = 1234.5;
    s->bound = 1240.25;
    s->gap = 0.0046;
    s->solve_seconds = 0.75;
    s->terms.placement = 1300;
    s->terms.wait = 12.5;
    s->terms.priority = 20;
    s->terms.empty_seats = -90;
    s->terms.load_balance = -8;
    s->terms.changes = 0;
    s->n_groups = 2;
    s->groups = calloc(2, sizeof *s->groups);
    model_sol_group *g = &s->groups[0];
    g->id = strdup("cbt-1");
    g->type = strdup("cbt-anx");
    g->running = true;
    g->day = 2;
    g->start = 600;
    g->end = 690;
    g->room = strdup("room-a");
    model_strlist_push(&g->facilitators, "ana");
    g->substitute = strdup("ben");
    model_strlist_push(&g->members, "p05");
    model_strlist_push(&g->members, "p06");
    model_strlist_push(&g->new_members, "p06");
    g->week_parity = 1;
    g = &s->groups[1];
    g->id = strdup("cbt-2");
    g->type = strdup("cbt-anx");
    g->day = g->start = g->end = -1;
    s->n_sessions = 2;
    s->sessions = calloc(2, sizeof *s->sessions);
    for (int i = 0; i < 2; i++) {
        model_sol_session *x = &s->sessions[i];
        x->group = strdup("cbt-1");
        model_date_parse(i ? "2025-01-15" : "2025-01-08", &x->date);
        x->start = 600;
        x->end = 690;
        x->room = strdup("room-a");
        model_strlist_push(&x->facilitators, i ? "ben" : "ana");
        x->covered_by = i ? strdup("ben") : NULL;
    }
    s->n_unplaced = 1;
    s->unplaced = calloc(1, sizeof *s->unplaced);
    s->unplaced[0].patient = strdup("p12");
    model_strlist_push(&s->unplaced[0].reasons, "not screened");
    model_metrics *m = &s->metrics;
    m->placed = 1;
    m->waitlist_before = 10;
    m->waitlist_after = 9;
    m->seats = 8;
    m->seats_filled = 2;
    m->groups_running = 1;
    m->member_sessions = 8;
    m->projected_revenue = 360;
    m->n_load = 1;
    m->load_ids = calloc(1, sizeof(char *));
    m->load = calloc(1, sizeof(double));
    m->load_ids[0] = strdup("ana");
    m->load[0] = 0.5;
    m->mean_wait_days_placed = 52.5;
    m->uncovered_sessions = 0;
    m->n_per_type = 1;
    m->per_type = calloc(1, sizeof *m->per_type);
    m->per_type[0].type = strdup("cbt-anx");
    m->per_type[0].groups_running = 1;
    m->per_type[0].seats = 8;
    m->per_type[0].seats_filled = 2;
    m->per_type[0].placed = 1;
    m->per_type[0].member_sessions = 8;
    m->per_type[0].projected_revenue = 360;
    return s;
}

Test(solution, round_trip)
{
    model_solution *a = sample_solution();
    char *t = NULL;
    cr_assert_eq(io_solution_to_json(a, &t), IO_OK);
    model_diag d;
    model_diag_init(&d);
    model_solution *b = NULL;
    cr_assert_eq(io_solution_parse(t, strlen(t), &b, &d), IO_OK, "%s",
                 d.n_errors ? d.errors[0].path : "");
    char where[160] = "";
    cr_assert_eq(solution_diff(a, b, where, sizeof where), 0, "differs at %s", where);
    /* Non-running group: day/start/end/room are null. */
    json_t *root = json_loads(t, 0, NULL);
    cr_assert_not_null(root);
    json_t *g1 = json_array_get(json_object_get(root, "groups"), 1);
    cr_assert(json_is_null(json_object_get(g1, "day")));
    cr_assert(json_is_null(json_object_get(g1, "start")));
    cr_assert(json_is_null(json_object_get(g1, "room")));
    json_t *g0 = json_array_get(json_object_get(root, "groups"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(g0, "day")), "wed");
    cr_assert_str_eq(json_string_value(json_object_get(g0, "start")), "10:00");
    cr_assert_eq(json_integer_value(json_object_get(g0, "week_parity")), 1);
    cr_assert_not_null(json_object_get(root, "objective_terms"));
    cr_assert_not_null(json_object_get(json_object_get(root, "metrics"), "per_type"));
    cr_assert_null(json_object_get(root, "diagnosis"), "only when infeasible");
    json_decref(root);
    free(t);
    model_solution_destroy(b);

    /* Infeasible with a diagnosis, invalid with errors; NaN bound = null. */
    a->status = MODEL_STATUS_INFEASIBLE;
    a->bound = NAN;
    model_strlist_push(&a->diagnosis, "group trauma-2 needs co-facilitation");
    /* a relaxed plan's exceptions, with and without the optional lists */
    model_exception e = {.rule = 5, .group = "cbt-1", .why = "group cbt-1: only one facilitator "
                                                           "(ana) holds CBT"};
    model_strlist_push(&e.facilitators, "ana");
    cr_assert_eq(model_solution_add_exception(a, &e), MODEL_OK);
    model_strlist_free(&e.facilitators);
    e = (model_exception){.rule = 8, .group = "cbt-1", .why = "below min_size"};
    model_strlist_push(&e.patients, "p05");
    model_strlist_push(&e.patients, "p06");
    cr_assert_eq(model_solution_add_exception(a, &e), MODEL_OK);
    model_strlist_free(&e.patients);
    model_diag_error(&a->errors, "groups[0].type", "unknown");
    model_diag_warning(&a->errors, "patients[1]", "fits nothing");
    cr_assert_eq(io_solution_to_json(a, &t), IO_OK);
    cr_assert_not_null(strstr(t, "\"bound\": null"));
    cr_assert_not_null(strstr(t, "\"exceptions\""));
    b = NULL;
    cr_assert_eq(io_solution_parse(t, strlen(t), &b, &d), IO_OK);
    cr_assert_eq(solution_diff(a, b, where, sizeof where), 0, "differs at %s", where);
    free(t);
    model_solution_destroy(b);
    model_solution_destroy(a);
    model_diag_free(&d);
}

Test(solution, hand_written_minimal_accepted)
{
    const char *text = "{\"groups\":[{\"id\":\"g\",\"day\":\"mon\",\"start\":\"18:00\",\"end\":\"19:30\","
                       "\"room\":\"r\",\"facilitators\":[\"f\"],\"members\":[\"p\"],\"extra\":1}],"
                       "\"tool\":\"other\"}";
    model_diag d;
    model_diag_init(&d);
    model_solution *s = NULL;
    cr_assert_eq(io_solution_parse(text, strlen(text), &s, &d), IO_OK);
    cr_assert_eq(s->n_groups, 1);
    cr_assert(s->groups[0].running, "running defaults to true");
    cr_assert_eq(s->groups[0].start, 18 * 60);
    cr_assert_eq(s->groups[0].end, 19 * 60 + 30);
    cr_assert_eq(s->groups[0].week_parity, 0);
    cr_assert(s->groups[0].week_parity_absent, "week_parity is not a SPEC field");
    cr_assert_eq(s->n_sessions, 0);
    cr_assert(isnan(s->objective));
    /* absent stays absent on a round trip; given stays given */
    char *out = NULL;
    cr_assert_eq(io_solution_to_json(s, &out), IO_OK);
    cr_expect_null(strstr(out, "week_parity"), "%s", out);
    free(out);
    s->groups[0].week_parity_absent = false;
    s->groups[0].week_parity = 1;
    cr_assert_eq(io_solution_to_json(s, &out), IO_OK);
    cr_expect_not_null(strstr(out, "\"week_parity\": 1"), "%s", out);
    free(out);
    model_solution_destroy(s);
    model_diag_free(&d);
}

Test(solution, type_errors_with_paths)
{
    const char *text =
        "{\"status\":\"great\",\"objective\":\"high\",\"groups\":[{\"id\":\"g\",\"day\":5,"
        "\"members\":\"p\",\"start\":\"7pm\"},{\"day\":\"mon\"}],"
        "\"sessions\":[{\"group\":\"g\",\"date\":\"2025-13-01\",\"uncovered\":\"no\"}],"
        "\"unplaced\":[3],\"metrics\":{\"per_type\":{\"a\":{\"seats\":\"many\"}},"
        "\"facilitator_load\":{\"f\":\"x\"}}}";
    model_diag d;
    model_diag_init(&d);
    model_solution *s = NULL;
    cr_assert_eq(io_solution_parse(text, strlen(text), &s, &d), IO_EINVAL);
    cr_assert_null(s);
    const char *paths[] = {"status", "objective", "groups[0].day", "groups[0].members",
                           "groups[0].start", "groups[1].id", "sessions[0].date",
                           "sessions[0].uncovered", "unplaced[0]", "metrics.per_type.a.seats",
                           "metrics.facilitator_load.f"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        cr_expect(has_error(&d, paths[i], NULL), "missing error at %s", paths[i]);
    cr_expect_eq(d.n_errors, (int)(sizeof paths / sizeof *paths));
    model_diag_free(&d);
}

Test(solution, diag_to_json)
{
    model_diag d;
    model_diag_init(&d);
    model_diag_error(&d, "patients[12].available[0].to", "window ends at 09:00");
    model_diag_warning(&d, "group_types[0]", "nobody holds DBT");
    char *t = NULL;
    cr_assert_eq(io_diag_to_json(&d, "invalid", &t), IO_OK);
    json_t *root = json_loads(t, 0, NULL);
    cr_assert_not_null(root);
    cr_assert_str_eq(json_string_value(json_object_get(root, "status")), "invalid");
    json_t *e = json_array_get(json_object_get(root, "errors"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(e, "path")), "patients[12].available[0].to");
    cr_assert_str_eq(json_string_value(json_object_get(e, "message")), "window ends at 09:00");
    cr_assert_eq(json_array_size(json_object_get(root, "warnings")), 1);
    json_decref(root);
    free(t);
    model_diag_free(&d);
}

/* ------------------------------------------------------------- docs */

/* The k-th ```json block of docs/FORMAT.md (malloc'd). */
static char *doc_block(int k)
{
    char *doc = slurp(COHORT_SOURCE_DIR "/docs/FORMAT.md", NULL);
    char *p = doc;
    for (int i = 0; i <= k; i++) {
        p = strstr(p, "```json\n");
        cr_assert_not_null(p, "docs/FORMAT.md has a json block %d", k);
        p += 8;
    }
    char *end = strstr(p, "```");
    cr_assert_not_null(end);
    char *block = strndup(p, (size_t)(end - p));
    free(doc);
    return block;
}

Test(docs, format_examples_are_valid)
{
    char *inst = doc_block(1);
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    cr_assert_eq(io_instance_parse(inst, strlen(inst), &in, &d), IO_OK, "%s: %s",
                 d.n_errors ? d.errors[0].path : "", d.n_errors ? d.errors[0].message : "");
    cr_assert_eq(d.n_warnings, 0, "%s", d.n_warnings ? d.warnings[0].message : "");
    model_instance_destroy(in);
    model_diag_free(&d);
    free(inst);

    char *sol = doc_block(2);
    model_diag_init(&d);
    model_solution *s = NULL;
    cr_assert_eq(io_solution_parse(sol, strlen(sol), &s, &d), IO_OK);
    cr_assert_eq(s->status, MODEL_STATUS_OPTIMAL);
    cr_assert_eq(s->metrics.n_per_type, 1);
    cr_assert_eq(s->groups[0].end, 11 * 60 + 30);
    model_solution_destroy(s);
    model_diag_free(&d);
    free(sol);

    char *relaxed = doc_block(3);
    model_diag_init(&d);
    s = NULL;
    cr_assert_eq(io_solution_parse(relaxed, strlen(relaxed), &s, &d), IO_OK);
    cr_assert_eq(s->status, MODEL_STATUS_INFEASIBLE);
    cr_assert_eq(s->n_exceptions, 1);
    cr_assert_eq(s->exceptions[0].rule, 5);
    cr_assert_null(s->groups[0].substitute);
    model_solution_destroy(s);
    model_diag_free(&d);
    free(relaxed);
}

/* ------------------------------------------------------------ tree API */

/* Every fixture read from its tree gives the same answer and the same
 * issues (paths, messages, order) as read from its text. */
Test(tree, from_tree_reports_as_the_text_reader)
{
    glob_t g;
    cr_assert_eq(glob(FIX "*.json", 0, NULL, &g), 0);
    cr_assert_geq(g.gl_pathc, 10);
    for (size_t k = 0; k < g.gl_pathc; k++) {
        size_t len;
        char *text = slurp(g.gl_pathv[k], &len);
        json_t *tree = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
        if (tree) {
            model_diag dt, dx;
            model_diag_init(&dt);
            model_diag_init(&dx);
            model_instance *a = NULL, *b = NULL;
            int rt = io_instance_from_tree(tree, &a, &dt);
            int rx = io_instance_parse(text, len, &b, &dx);
            cr_expect_eq(rt, rx, "%s", g.gl_pathv[k]);
            char **lt, **lx;
            int nt = diag_lines(&dt, &lt), nx = diag_lines(&dx, &lx);
            cr_expect_eq(nt, nx, "%s: issue count", g.gl_pathv[k]);
            for (int i = 0; i < nt && i < nx; i++)
                cr_expect_str_eq(lt[i], lx[i], "%s", g.gl_pathv[k]);
            char where[160] = "";
            if (a && b)
                cr_expect_eq(instance_diff(a, b, where, sizeof where), 0, "%s: %s",
                             g.gl_pathv[k], where);
            free_lines(lt, nt);
            free_lines(lx, nx);
            model_diag_free(&dt);
            model_diag_free(&dx);
            model_instance_destroy(a);
            model_instance_destroy(b);
            json_decref(tree);
        }
        free(text);
    }
    globfree(&g);
}

/* The tree writers give the value the text writers write. */
Test(tree, to_tree_equals_the_text_written)
{
    model_instance *in = load_ok(FIX "full.json");
    char *t = NULL;
    cr_assert_eq(io_instance_to_json(in, &t), IO_OK);
    json_t *want = json_loads(t, 0, NULL), *got = io_instance_to_tree(in);
    cr_assert_not_null(got);
    cr_assert(json_equal(want, got), "instance tree differs from its text");
    json_decref(want);
    json_decref(got);
    free(t);

    model_solution *sol = sample_solution();
    cr_assert_eq(io_solution_to_json(sol, &t), IO_OK);
    want = json_loads(t, 0, NULL);
    got = io_solution_to_tree(sol);
    cr_assert(json_equal(want, got), "solution tree differs from its text");
    model_diag d;
    model_diag_init(&d);
    model_solution *back = NULL;
    cr_assert_eq(io_solution_from_tree(got, &back, &d), IO_OK);
    char where[160] = "";
    cr_assert_eq(solution_diff(sol, back, where, sizeof where), 0, "differs at %s", where);
    json_decref(want);
    json_decref(got);
    free(t);

    cr_assert_eq(model_diag_error(&d, "groups[0]", "x"), MODEL_OK);
    cr_assert_eq(io_diag_to_json(&d, NULL, &t), IO_OK);
    want = json_loads(t, 0, NULL);
    got = io_diag_to_tree(&d, NULL);
    cr_assert(json_equal(want, got), "diagnostics tree differs from its text");
    json_decref(want);
    json_decref(got);
    free(t);
    model_diag_free(&d);
    model_solution_destroy(back);
    model_solution_destroy(sol);
    model_instance_destroy(in);
}

/* A tree that is not an object is refused with the text reader's message. */
Test(tree, top_level_must_be_an_object)
{
    json_t *a = json_array();
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    model_solution *sol = NULL;
    cr_assert_eq(io_instance_from_tree(a, &in, &d), IO_EINVAL);
    cr_assert_eq(io_solution_from_tree(a, &sol, &d), IO_EINVAL);
    cr_assert_null(in);
    cr_assert_null(sol);
    cr_assert(has_error(&d, "", "expected an instance object at the top level, got"));
    cr_assert(has_error(&d, "", "expected a solution object at the top level, got"));
    model_diag_free(&d);
    json_decref(a);
}
