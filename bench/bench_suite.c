/*
 * bench_suite.c - the measured runs of the suite: the result rows, the
 * instance of a tier and seed, `cohort plan` / `cohort check`, the FCFS
 * and naive-GLPK baselines, the exported model under GLPK and CBC, and
 * the what-if throughput and fill-latency sub-benchmarks.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "driver.h"
#include "io.h"
#include "suite.h"

/* ------------------------------------------------------------- suite */


int tier_index(const char *t)
{
    static const char *const names[4] = {"S", "M", "L", "XL"};
    for (int i = 0; i < 4; i++)
        if (strcmp(t, names[i]) == 0)
            return i;
    return -1;
}


row *row_new(rows *rs, const char *tier, int seed, const char *solver, json_t *info,
             double tl)
{
    if (rs->n == rs->cap) {
        int ncap = rs->cap ? rs->cap * 2 : 32;
        row *nv = realloc(rs->v, (size_t)ncap * sizeof *nv);
        if (!nv) {
            fprintf(stderr, "cohort-bench: out of memory\n");
            exit(COHORT_EXIT_INTERNAL);
        }
        rs->v = nv;
        rs->cap = ncap;
    }
    row *r = &rs->v[rs->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->tier, sizeof r->tier, "%s", tier);
    r->seed = seed;
    snprintf(r->solver, sizeof r->solver, "%s", solver);
    r->info = info;
    r->time_limit = tl;
    snprintf(r->check, sizeof r->check, "n/a");
    return r;
}

static void fill_from_summary(row *r, const json_t *s)
{
    snprintf(r->status, sizeof r->status, "%s", jstr(s, "status", "?"));
    /* time_limit / infeasible / invalid: no schedule, no figures */
    bool sol_ok = strcmp(r->status, "optimal") == 0 || strcmp(r->status, "feasible") == 0;
    r->has_obj = sol_ok && json_object_get(s, "objective");
    r->obj = jnum(s, "objective", 0);
    r->has_bound = sol_ok && json_object_get(s, "bound") != NULL;
    r->bound = jnum(s, "bound", 0);
    r->gap = jnum(s, "gap", 0);
    r->placed = (int)jnum(s, "placed", 0);
    r->seats = (int)jnum(s, "seats", 0);
    r->seats_filled = (int)jnum(s, "seats_filled", 0);
    r->mean_wait = jnum(s, "mean_wait_days_placed", 0);
    r->has_metrics = sol_ok;
}

void path_join(char *dst, size_t n, const char *dir, const char *file)
{
    fmt_to(dst, n, "%s/%s", dir, file);
}

/* `cohort check INSTANCE SOLUTION --json`: "ok", "N violations" ... */
void run_check(const bench_cfg *c, const char *inst, const char *sol, const char *tag,
                      row *r)
{
    char out[PATH_MAX_LEN];
    char name[128];
    snprintf(name, sizeof name, "%s.check.json", tag);
    path_join(out, sizeof out, c->out, name);
    char *argv[] = {(char *)c->cohort, "check", (char *)inst, (char *)sol, "--json", NULL};
    child_run cr;
    if (run_child(argv, out, NULL, 600, &cr) != 0) {
        snprintf(r->check, sizeof r->check, "not run");
        return;
    }
    if (cr.exit_code == 0) {
        snprintf(r->check, sizeof r->check, "ok");
        return;
    }
    json_t *j = NULL;
    char *text = read_small(out, 64u << 20);
    if (text)
        j = json_loads(text, 0, NULL);
    free(text);
    if (cr.exit_code == COHORT_EXIT_VIOLATIONS && j) {
        size_t nv = json_array_size(json_object_get(j, "violations"));
        size_t nm = json_array_size(json_object_get(j, "metrics_mismatches"));
        if (nv)
            snprintf(r->check, sizeof r->check, "%zu violations", nv);
        else
            snprintf(r->check, sizeof r->check, "%zu misreported", nm);
    } else {
        snprintf(r->check, sizeof r->check, "exit %d", cr.exit_code);
    }
    json_decref(j);
}

void summary_of(const bench_cfg *c, const char *sol, const char *tag, row *r)
{
    char out[PATH_MAX_LEN], name[128];
    snprintf(name, sizeof name, "%s.summary.json", tag);
    path_join(out, sizeof out, c->out, name);
    char *argv[] = {(char *)c->self, "summary", (char *)sol, NULL};
    child_run cr;
    if (run_child(argv, out, NULL, 600, &cr) == 0 && cr.exit_code == 0) {
        json_t *s = read_json_line(out);
        if (s) {
            fill_from_summary(r, s);
            json_decref(s);
        }
    }
}

bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Find or generate the instance of (tier, seed); NULL-terminated note on
 * how it was obtained. */
int locate_instance(const bench_cfg *c, const char *tier, int seed, char *path, size_t n,
                    char *how, size_t hn)
{
    char name[64];
    snprintf(name, sizeof name, "%s-%d.json", tier, seed);
    if (tier_index(tier) <= 1) {
        fmt_to(path, n, "%s/datasets/bench/%s", c->root, name);
        if (file_exists(path)) {
            snprintf(how, hn, "datasets/bench/%s", name);
            return 0;
        }
    }
    path_join(path, n, c->out, name);
    char seedbuf[16];
    snprintf(seedbuf, sizeof seedbuf, "%d", seed);
    char *argv[] = {(char *)c->cohort, "generate", "--tier", (char *)tier, "--seed", seedbuf,
                    "-o", path, NULL};
    char err[PATH_MAX_LEN];
    snprintf(name, sizeof name, "%s-%d.generate.log", tier, seed);
    path_join(err, sizeof err, c->out, name);
    child_run cr;
    if (run_child(argv, NULL, err, 1800, &cr) != 0 || cr.exit_code != 0 || !file_exists(path)) {
        fprintf(stderr, "cohort-bench: cannot generate tier %s seed %d (see %s)\n", tier, seed,
                err);
        return -1;
    }
    snprintf(how, hn, "generated (cohort generate --tier %s --seed %d, %.1f s)", tier, seed,
             cr.wall);
    return 0;
}

/* `cohort plan` with the time limit. */
/* How many exceptions[] the solution file declares (a relaxed plan of an
 * infeasible program carries its schedule with them), 0 when none or
 * unreadable. */
static int count_exceptions(const char *sol)
{
    json_t *j = json_load_file(sol, 0, NULL);
    int n = (int)json_array_size(json_object_get(j, "exceptions"));
    json_decref(j);
    return n;
}

void run_cohort(const bench_cfg *c, const char *inst, const char *tag, double tl, row *r)
{
    char sol[PATH_MAX_LEN], err[PATH_MAX_LEN], name[128], tlbuf[32];
    snprintf(name, sizeof name, "%s.cohort.json", tag);
    path_join(sol, sizeof sol, c->out, name);
    snprintf(name, sizeof name, "%s.cohort.log", tag);
    path_join(err, sizeof err, c->out, name);
    snprintf(tlbuf, sizeof tlbuf, "%g", tl);
    remove(sol);
    char *argv[] = {(char *)c->cohort, "plan", (char *)inst, "-o", sol, "--time-limit", tlbuf,
                    "--quiet", NULL};
    child_run cr;
    if (run_child(argv, NULL, err, tl * 2 + 120, &cr) != 0) {
        snprintf(r->status, sizeof r->status, "not run");
        return;
    }
    r->wall = cr.wall;
    r->peak_mb = cr.peak_mb;
    r->exit_code = cr.exit_code;
    if (cr.timed_out)
        snprintf(r->note, sizeof r->note, "killed after %.0f s", cr.wall);
    if (!file_exists(sol)) {
        snprintf(r->status, sizeof r->status, cr.timed_out ? "killed" : "exit %d", cr.exit_code);
        return;
    }
    summary_of(c, sol, tag, r);
    if (cr.exit_code != 0 && cr.exit_code != COHORT_EXIT_NO_SOLUTION &&
        cr.exit_code != COHORT_EXIT_INFEASIBLE)
        snprintf(r->note, sizeof r->note, "exit %d", cr.exit_code);
    snprintf(name, sizeof name, "%s.cohort", tag);
    if (strcmp(r->status, "infeasible") == 0)
        r->exceptions = count_exceptions(sol);
    if (strcmp(r->status, "optimal") == 0 || strcmp(r->status, "feasible") == 0 ||
        r->exceptions > 0)
        run_check(c, inst, sol, name, r);
}

void run_fcfs(const bench_cfg *c, const char *inst, const char *tag, row *r)
{
    char sol[PATH_MAX_LEN], out[PATH_MAX_LEN], err[PATH_MAX_LEN], name[128];
    snprintf(name, sizeof name, "%s.fcfs.json", tag);
    path_join(sol, sizeof sol, c->out, name);
    snprintf(name, sizeof name, "%s.fcfs.out", tag);
    path_join(out, sizeof out, c->out, name);
    snprintf(name, sizeof name, "%s.fcfs.log", tag);
    path_join(err, sizeof err, c->out, name);
    char *argv[] = {(char *)c->self, "fcfs", (char *)inst, "-o", sol, NULL};
    child_run cr;
    if (run_child(argv, out, err, 1800, &cr) != 0) {
        snprintf(r->status, sizeof r->status, "not run");
        return;
    }
    r->wall = cr.wall;
    r->peak_mb = cr.peak_mb;
    json_t *s = read_json_line(out);
    if (!s) {
        snprintf(r->status, sizeof r->status, "exit %d", cr.exit_code);
        return;
    }
    fill_from_summary(r, s);
    json_decref(s);
    r->has_bound = false; /* FCFS's bound is only the trivial one */
    snprintf(name, sizeof name, "%s.fcfs", tag);
    run_check(c, inst, sol, name, r);
}

/* Fill a row from a solver_naive_result JSON line. */
static void fill_from_glpk(row *r, const json_t *s)
{
    snprintf(r->status, sizeof r->status, "%s", jstr(s, "status", "?"));
    r->has_obj = json_object_get(s, "objective") != NULL;
    r->obj = jnum(s, "objective", 0);
    r->has_bound = json_object_get(s, "bound") != NULL;
    r->bound = jnum(s, "bound", 0);
    if (r->has_obj && r->has_bound)
        r->gap = fabs(r->bound - r->obj) / fmax(fabs(r->obj), 1e-9);
}

/* A solver's objective and bound on the exported MPS (the minimisation of
 * the negated objective) in cohort's sense. */
static void negate_figures(row *r)
{
    if (r->has_obj)
        r->obj = -r->obj;
    if (r->has_bound)
        r->bound = -r->bound;
}

/* cohort-bench naive INSTANCE (kind "naive") or cohort-bench glpk FILE
 * (kind "glpk") in a child. */
void run_glpk_child(const bench_cfg *c, const char *kind, const char *input,
                    const char *tag, double tl, double gap, row *r)
{
    char out[PATH_MAX_LEN], err[PATH_MAX_LEN], name[128], tlbuf[32], gapbuf[32];
    snprintf(name, sizeof name, "%s.%s.out", tag, kind);
    path_join(out, sizeof out, c->out, name);
    snprintf(name, sizeof name, "%s.%s.log", tag, kind);
    path_join(err, sizeof err, c->out, name);
    snprintf(tlbuf, sizeof tlbuf, "%g", tl);
    snprintf(gapbuf, sizeof gapbuf, "%g", gap);
    bool file = strcmp(kind, "glpk") == 0;
    char *argv[] = {(char *)c->self, (char *)kind, (char *)input, "--time-limit", tlbuf,
                    "--gap", gapbuf, NULL};
    child_run cr;
    /* GLPK checks its time limit only between nodes: a node LP can run far
     * past it, so the child is killed at 1.5 x limit + 60 s and its last
     * progress line kept */
    if (run_child(argv, out, err, tl * 1.5 + 60, &cr) != 0) {
        snprintf(r->status, sizeof r->status, "not run");
        return;
    }
    r->wall = cr.wall;
    r->peak_mb = cr.peak_mb;
    json_t *s = read_json_line(out);
    if (!s) {
        snprintf(r->status, sizeof r->status, cr.timed_out ? "killed" : "exit %d", cr.exit_code);
        return;
    }
    fill_from_glpk(r, s);
    if (file) /* the exported MPS minimises the negated objective */
        negate_figures(r);
    fmt_to(r->note, sizeof r->note, "%.0f cols (%.0f binary), %.0f rows, %.0f nonzeros; %s %.1f s",
           jnum(s, "cols", 0), jnum(s, "binaries", 0), jnum(s, "rows", 0),
           jnum(s, "nonzeros", 0), strcmp(kind, "naive") == 0 ? "build" : "read",
           jnum(s, "build_seconds", 0));
    if (cr.timed_out || json_is_true(json_object_get(s, "partial"))) {
        fmt_to(r->status, sizeof r->status, "%s", r->has_obj ? "killed (feasible)" : "killed");
        size_t len = strlen(r->note);
        fmt_to(r->note + len, sizeof r->note - len, "; killed at %.0f s, last report at %.0f s",
               cr.wall, jnum(s, "seconds", 0));
    }
    json_decref(s);
}

/* Parse CBC's final report from the text of its log. */
static void parse_cbc_log(const char *text, row *r)
{
    char *res = strstr(text, "Result - ");
    if (!res && strstr(text, "Pre-processing says infeasible")) {
        snprintf(r->status, sizeof r->status, "infeasible (preprocessing)");
    } else if (!res) {
        snprintf(r->status, sizeof r->status, "no result");
    } else if (strncmp(res + 9, "Optimal", 7) == 0) {
        snprintf(r->status, sizeof r->status, "optimal");
    } else if (strncmp(res + 9, "Stopped on time", 15) == 0) {
        snprintf(r->status, sizeof r->status, "time_limit");
    } else if (strstr(res, "infeasible") && strncmp(res + 9, "Problem proven infeasible", 25) == 0) {
        snprintf(r->status, sizeof r->status, "infeasible");
    } else {
        snprintf(r->status, sizeof r->status, "other");
    }
    const char *o = res ? strstr(res, "Objective value:") : NULL;
    if (o) {
        r->has_obj = true;
        r->obj = atof(o + strlen("Objective value:"));
        if (strcmp(r->status, "time_limit") == 0)
            snprintf(r->status, sizeof r->status, "feasible");
    }
    if (res && strstr(res, "No feasible solution found"))
        r->has_obj = false;
    const char *b = res ? strstr(res, "Upper bound:") : NULL;
    if (!b && res)
        b = strstr(res, "Lower bound:");
    if (b) {
        r->has_bound = true;
        r->bound = atof(strchr(b, ':') + 1);
    } else if (r->has_obj && strcmp(r->status, "optimal") == 0) {
        r->has_bound = true;
        r->bound = r->obj;
    }
    if (r->has_obj && r->has_bound)
        r->gap = fabs(r->bound - r->obj) / fmax(fabs(r->obj), 1e-9);
}

/* `cohort plan --export-model MPS` in a run of its own (the planner writes
 * the model before it solves; a 1 s time limit ends the plan after).
 * Returns the wall time, or -1 when no model was written. */
double run_export(const bench_cfg *c, const char *inst, const char *tag, const char *model)
{
    char sol[PATH_MAX_LEN], err[PATH_MAX_LEN], name[128];
    snprintf(name, sizeof name, "%s.export-plan.json", tag);
    path_join(sol, sizeof sol, c->out, name);
    snprintf(name, sizeof name, "%s.export.log", tag);
    path_join(err, sizeof err, c->out, name);
    remove(model);
    char *argv[] = {(char *)c->cohort, "plan", (char *)inst, "--export-model", (char *)model,
                    "-o", sol, "--time-limit", "1", "--quiet", NULL};
    child_run cr;
    if (run_child(argv, NULL, err, 1800, &cr) != 0 || !file_exists(model))
        return -1;
    return cr.wall;
}

/* The last non-empty line of a log's text (at most n - 1 bytes of it) in
 * buf. */
static void last_log_line(const char *text, char *buf, size_t n)
{
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
    size_t from = len;
    while (from > 0 && text[from - 1] != '\n')
        from--;
    snprintf(buf, n, "%.*s", (int)(len - from), text + from);
}

/* CBC on the model cohort exported (free MPS: the minimisation of the
 * negated objective, so CBC's figures are negated back), wall-clock time
 * limit, the instance's relative gap.  stdout is line-buffered through
 * stdbuf so that a killed run keeps its log. */
void run_cbc(const bench_cfg *c, const char *mps, const char *tag, double tl, double gap,
                    row *r)
{
    char log[PATH_MAX_LEN], name[128], secbuf[32], gapbuf[32];
    struct stat st;
    if (stat(mps, &st) != 0) {
        snprintf(r->status, sizeof r->status, "no export");
        snprintf(r->note, sizeof r->note, "cohort plan --export-model wrote no model");
        return;
    }
    snprintf(name, sizeof name, "%s.cbc.log", tag);
    path_join(log, sizeof log, c->out, name);
    snprintf(secbuf, sizeof secbuf, "%g", tl);
    snprintf(gapbuf, sizeof gapbuf, "%g", gap);
    char *cargv[] = {(char *)c->stdbuf, "-oL", "-eL", (char *)c->cbc, (char *)mps, "-timeMode",
                     "elapsed", "-sec", secbuf, "-ratioGap", gapbuf, "-solve", NULL};
    child_run cr;
    if (run_child(c->stdbuf[0] ? cargv : cargv + 3, log, NULL, tl * 1.5 + 60, &cr) != 0) {
        snprintf(r->status, sizeof r->status, "not run");
        return;
    }
    r->wall = cr.wall;
    r->peak_mb = cr.peak_mb;
    char *text = read_small(log, 64u << 20);
    char last[96] = "";
    if (!text) {
        snprintf(r->status, sizeof r->status, "no log");
    } else {
        parse_cbc_log(text, r);
        negate_figures(r);
        if (cr.timed_out)
            last_log_line(text, last, sizeof last);
        free(text);
    }
    if (cr.timed_out) {
        snprintf(r->status, sizeof r->status, "killed");
        r->has_obj = r->has_bound = false;
    }
    fmt_to(r->note, sizeof r->note, "exported model %.1f MB (free MPS)%s%s",
           st.st_size / 1048576.0, cr.timed_out ? "; killed at 1.5 x limit + 60 s, last line: "
                                                : "",
           last);
}

void run_whatif(const bench_cfg *c, const char *inst, const char *tier, int seed,
                double tl, whatif_result *w)
{
    char scen[PATH_MAX_LEN], out[PATH_MAX_LEN], err[PATH_MAX_LEN];
    memset(w, 0, sizeof *w);
    snprintf(w->tier, sizeof w->tier, "%s", tier);
    w->seed = seed;
    w->time_limit = tl;
    path_join(scen, sizeof scen, c->out, "whatif-scenarios.json");
    path_join(out, sizeof out, c->out, "whatif-out.json");
    path_join(err, sizeof err, c->out, "whatif.log");
    /* Scenarios that change caps and the break rule: valid on any
     * instance, each a full re-plan. */
    json_t *arr = json_array();
    for (int i = 0; i < c->whatif_scenarios; i++) {
        char nm[64];
        json_t *ch;
        switch (i % 4) {
        case 0:
            ch = json_pack("[{s:s, s:s, s:i}]", "op", "set_setting", "field", "max_groups_per_day",
                           "value", 3 + i / 4 % 3);
            break;
        case 1:
            ch = json_pack("[{s:s, s:s, s:i}]", "op", "set_setting", "field",
                           "max_groups_per_week", "value", 8 + i / 4 % 6);
            break;
        case 2:
            ch = json_pack("[{s:s, s:s, s:i}]", "op", "set_setting", "field", "min_break_min",
                           "value", 15 * (1 + i / 4 % 3));
            break;
        default:
            ch = json_pack("[{s:s, s:s, s:f}]", "op", "set_setting", "field",
                           "weights.empty_seat", "value", 1.0 + i / 4 % 5);
            break;
        }
        snprintf(nm, sizeof nm, "scenario-%d", i + 1);
        json_array_append_new(arr, json_pack("{s:s, s:o}", "name", nm, "changes", ch));
    }
    json_t *doc = json_pack("{s:o}", "scenarios", arr);
    if (!doc || json_dump_file(doc, scen, JSON_INDENT(1)) != 0) {
        json_decref(doc);
        fmt_to(w->note, sizeof w->note, "cannot write %s", scen);
        return;
    }
    json_decref(doc);
    char tlbuf[32];
    snprintf(tlbuf, sizeof tlbuf, "%g", tl);
    char *argv[] = {(char *)c->cohort, "whatif", (char *)inst, scen, "-j", "2", "--json",
                    "--time-limit", tlbuf, "-o", out, NULL};
    child_run cr;
    if (run_child(argv, NULL, err, 1800, &cr) != 0)
        return;
    w->ran = true;
    w->scenarios = c->whatif_scenarios;
    w->exit_code = cr.exit_code;
    w->wall = cr.wall;
    w->peak_mb = cr.peak_mb;
    w->per_minute = cr.wall > 0 ? 60.0 * w->scenarios / cr.wall : 0;
    json_t *res = json_load_file(out, 0, NULL);
    if (res) {
        json_t *arr2 = json_object_get(res, "scenarios"), *v;
        size_t i;
        json_array_foreach(arr2, i, v) w->n_ok += json_is_true(json_object_get(v, "ok"));
        w->baseline_ok = json_is_true(json_object_get(json_object_get(res, "baseline"), "ok"));
        json_decref(res);
    }
    if (cr.exit_code != 0)
        fmt_to(w->note, sizeof w->note, "exit %d (see %s)", cr.exit_code, err);
}

void run_fill(const bench_cfg *c, const char *inst, const char *sol, const char *which,
              const char *tier, int seed, fill_result *fr)
{
    char tool[PATH_MAX_LEN], out[PATH_MAX_LEN], err[PATH_MAX_LEN];
    memset(fr, 0, sizeof *fr);
    snprintf(fr->tier, sizeof fr->tier, "%s", tier);
    snprintf(fr->which, sizeof fr->which, "%s", which);
    fr->seed = seed;
    snprintf(tool, sizeof tool, "%s", c->self);
    char *slash = strrchr(tool, '/');
    if (slash)
        slash[1] = '\0';
    strncat(tool, "fill-latency", sizeof tool - strlen(tool) - 1);
    if (access(tool, X_OK) != 0) {
        fmt_to(fr->note, sizeof fr->note, "fill-latency not built (%s)", tool);
        return;
    }
    path_join(out, sizeof out, c->out, "fill-latency.json");
    path_join(err, sizeof err, c->out, "fill-latency.log");
    char *argv[] = {tool, (char *)inst, (char *)sol, "--runs", "200", "--cli-runs", "20",
                    "--json", NULL};
    child_run cr;
    if (run_child(argv, out, err, 1800, &cr) != 0 || cr.exit_code != 0) {
        fmt_to(fr->note, sizeof fr->note, "fill-latency failed (see %s)", err);
        return;
    }
    json_t *j = read_json_line(out);
    if (!j) {
        fmt_to(fr->note, sizeof fr->note, "no output from fill-latency");
        return;
    }
    json_t *lib = json_object_get(j, "fill_ms"), *cli = json_object_get(j, "cli_ms");
    fr->ran = true;
    fr->runs = (int)jnum(j, "runs", 0);
    fr->cli_runs = (int)jnum(j, "cli_runs", 0);
    fr->groups = (int)jnum(j, "groups", 0);
    fr->running = (int)jnum(j, "running", 0);
    fr->lib_median = jnum(lib, "median", 0);
    fr->lib_p99 = jnum(lib, "p99", 0);
    fr->cli_median = jnum(cli, "median", 0);
    fr->cli_p99 = jnum(cli, "p99", 0);
    json_decref(j);
}
