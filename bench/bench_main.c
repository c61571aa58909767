/*
 * bench_main.c - cohort-bench: the benchmark suite driver.
 *
 *   cohort-bench run [OPTIONS]            the suite (see --help)
 *   cohort-bench fcfs INSTANCE [-o SOL]   first-come-first-served baseline
 *   cohort-bench naive INSTANCE [--time-limit S] [--gap G] [--mps FILE]
 *                                         naive monolithic GLPK model
 *   cohort-bench glpk MODEL [--time-limit S] [--gap G]
 *                                         plain GLPK on an LP/MPS file
 *   cohort-bench chart RESULTS.json [-o SVG]  redraw the scaling chart
 *   cohort-bench info INSTANCE            instance size as one JSON line
 *   cohort-bench summary SOLUTION         solution headline as one JSON line
 *
 * Every measured run is a separate process (fork + exec), timed with the
 * wall clock; its peak memory is the child's ru_maxrss from wait4.  The
 * driver itself stays small (it parses no instance or solution in-process:
 * the info/summary helpers do, in children) so that the memory it shares
 * with a child before exec does not inflate the child's figure.
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

#ifndef COHORT_BINARY
#define COHORT_BINARY "cohort"
#endif
#ifndef COHORT_SOURCE_DIR
#define COHORT_SOURCE_DIR "."
#endif


/* snprintf that truncates silently (paths and notes are bounded). */
void fmt_to(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, n, fmt, ap);
    va_end(ap);
}


double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------ helper commands */

int load_instance(const char *path, model_instance **inst)
{
    model_diag d;
    model_diag_init(&d);
    int rc = io_instance_read_file(path, inst, &d);
    if (rc != IO_OK) {
        for (int i = 0; i < d.n_errors && i < 20; i++)
            fprintf(stderr, "error: %s: %s\n", d.errors[i].path, d.errors[i].message);
        fprintf(stderr, "cohort-bench: cannot read instance %s\n", path);
    }
    model_diag_free(&d);
    return rc == IO_OK ? 0 : (rc == IO_ENOMEM ? COHORT_EXIT_INTERNAL : COHORT_EXIT_INVALID);
}

static json_t *solution_summary(const model_solution *sol)
{
    const model_metrics *m = &sol->metrics;
    return json_pack("{s:s, s:f, s:f, s:f, s:f, s:i, s:i, s:i, s:i, s:f, s:i, s:i}", "status",
                     model_solution_status_name(sol->status), "objective", sol->objective, "bound",
                     sol->bound, "gap", sol->gap, "solve_seconds", sol->solve_seconds, "placed",
                     m->placed, "seats", m->seats, "seats_filled", m->seats_filled,
                     "groups_running", m->groups_running, "mean_wait_days_placed",
                     m->mean_wait_days_placed, "uncovered_sessions", m->uncovered_sessions,
                     "waitlist_before", m->waitlist_before);
}

int print_json_line(json_t *j)
{
    if (!j)
        return COHORT_EXIT_INTERNAL;
    char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(j);
    if (!s)
        return COHORT_EXIT_INTERNAL;
    printf("%s\n", s);
    free(s);
    return fflush(stdout) == 0 ? COHORT_EXIT_OK : COHORT_EXIT_INTERNAL;
}

static int cmd_info(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: cohort-bench info INSTANCE\n");
        return COHORT_EXIT_INVALID;
    }
    model_instance *inst = NULL;
    int rc = load_instance(argv[1], &inst);
    if (rc)
        return rc;
    int wl = 0, sites = 0;
    for (int p = 0; p < inst->n_patients; p++)
        wl += model_patient_waitlisted(inst, p);
    for (int r = 0; r < inst->n_rooms; r++) {
        bool seen = false;
        for (int k = 0; k < r && !seen && inst->rooms[r].site; k++)
            seen = inst->rooms[k].site && strcmp(inst->rooms[k].site, inst->rooms[r].site) == 0;
        sites += inst->rooms[r].site && !seen;
    }
    int optional = 0;
    for (int g = 0; g < inst->n_groups; g++)
        optional += inst->groups[g].optional;
    json_t *j = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:f, s:f}", "groups", inst->n_groups,
                          "optional_groups", optional, "facilitators", inst->n_facilitators,
                          "rooms", inst->n_rooms, "sites", sites, "patients", inst->n_patients,
                          "waitlisted", wl, "types", inst->n_types, "time_limit_s",
                          inst->settings.time_limit_s, "mip_gap", inst->settings.mip_gap);
    model_instance_destroy(inst);
    return print_json_line(j);
}

static int cmd_summary(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: cohort-bench summary SOLUTION\n");
        return COHORT_EXIT_INVALID;
    }
    model_diag d;
    model_diag_init(&d);
    model_solution *sol = NULL;
    int rc = io_solution_read_file(argv[1], &sol, &d);
    model_diag_free(&d);
    if (rc != IO_OK) {
        fprintf(stderr, "cohort-bench: cannot read solution %s\n", argv[1]);
        return COHORT_EXIT_INVALID;
    }
    rc = print_json_line(solution_summary(sol));
    model_solution_destroy(sol);
    return rc;
}

static int cmd_fcfs(int argc, char **argv)
{
    const char *out = NULL, *in = NULL;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
            out = argv[++i];
        else if (!in && argv[i][0] != '-')
            in = argv[i];
        else {
            fprintf(stderr, "usage: cohort-bench fcfs INSTANCE [-o SOLUTION]\n");
            return COHORT_EXIT_INVALID;
        }
    }
    if (!in) {
        fprintf(stderr, "usage: cohort-bench fcfs INSTANCE [-o SOLUTION]\n");
        return COHORT_EXIT_INVALID;
    }
    model_instance *inst = NULL;
    int rc = load_instance(in, &inst);
    if (rc)
        return rc;
    model_solution *sol = NULL;
    rc = solver_baseline_fcfs(inst, &sol);
    if (rc != SOLVER_OK) {
        fprintf(stderr, "cohort-bench fcfs: baseline failed (code %d)\n", rc);
        model_instance_destroy(inst);
        return COHORT_EXIT_INTERNAL;
    }
    int exit_code = COHORT_EXIT_OK;
    if (out) {
        char *text = NULL;
        if (io_solution_to_json(sol, &text) != IO_OK ||
            io_write_atomic(out, text, strlen(text)) != IO_OK) {
            fprintf(stderr, "cohort-bench fcfs: cannot write %s\n", out);
            exit_code = COHORT_EXIT_INTERNAL;
        }
        free(text);
    }
    for (int i = 0; i < sol->diagnosis.n; i++)
        fprintf(stderr, "fcfs: %s\n", sol->diagnosis.items[i]);
    if (exit_code == COHORT_EXIT_OK)
        exit_code = print_json_line(solution_summary(sol));
    if (exit_code == COHORT_EXIT_OK && sol->status == MODEL_STATUS_INFEASIBLE)
        exit_code = COHORT_EXIT_INFEASIBLE;
    model_solution_destroy(sol);
    model_instance_destroy(inst);
    return exit_code;
}

static int print_glpk_result(const solver_naive_result *r, double tl, bool partial)
{
    json_t *j = json_pack("{s:s, s:b, s:b, s:b, s:f, s:f, s:f, s:i, s:i, s:i, s:I, s:b}",
                          "status", 
                          r->too_large ? "too_large" : model_solution_status_name(r->status),
                          "partial", partial, "has_incumbent", r->has_incumbent, "has_bound", r->has_bound, "seconds",
                          r->seconds, "build_seconds", r->build_seconds, "time_limit_s", tl,
                          "cols", r->n_cols, "binaries", r->n_bin, "rows", r->n_rows, "nonzeros",
                          (json_int_t)r->n_nonzeros, "too_large", r->too_large);
    if (j && r->has_incumbent)
        json_object_set_new(j, "objective", json_real(r->objective));
    if (j && r->has_bound)
        json_object_set_new(j, "bound", json_real(r->bound));
    return print_json_line(j);
}

/* Progress lines (flushed), so that a driver that kills the solve at its
 * deadline keeps the last incumbent and bound. */
static void progress_line(const solver_naive_result *partial, void *ctx)
{
    print_glpk_result(partial, *(const double *)ctx, true);
}

/* Options shared by `naive` and `glpk`: INPUT [--time-limit S] [--gap G]
 * [--mps FILE]. */
static int glpk_args(int argc, char **argv, const char **in, double *tl, double *gap,
                     const char **mps)
{
    *in = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--time-limit") == 0 && i + 1 < argc)
            *tl = atof(argv[++i]);
        else if (strcmp(argv[i], "--gap") == 0 && i + 1 < argc)
            *gap = atof(argv[++i]);
        else if (mps && strcmp(argv[i], "--mps") == 0 && i + 1 < argc)
            *mps = argv[++i];
        else if (!*in && argv[i][0] != '-')
            *in = argv[i];
        else
            return -1;
    }
    return *in ? 0 : -1;
}

static int cmd_naive(int argc, char **argv)
{
    const char *in = NULL, *mps = NULL;
    double tl = -1, gap = -1;
    if (glpk_args(argc, argv, &in, &tl, &gap, &mps) != 0) {
        fprintf(stderr, "usage: cohort-bench naive INSTANCE [--time-limit S] [--gap G] [--mps FILE]\n"
                        "  --time-limit S  solve with GLPK within S seconds (default: the\n"
                        "                  instance's time_limit_s; 0 = build only)\n"
                        "  --gap G         relative MIP gap (default: the instance's mip_gap)\n"
                        "  --mps FILE      also write the model as free MPS (minimising the negated\n"
                        "                  objective, as cohort plan --export-model does)\n");
        return COHORT_EXIT_INVALID;
    }
    model_instance *inst = NULL;
    int rc = load_instance(in, &inst);
    if (rc)
        return rc;
    if (tl < 0)
        tl = inst->settings.time_limit_s;
    if (gap >= 0)
        inst->settings.mip_gap = gap;
    solver_naive_result r;
    rc = solver_baseline_naive(inst, tl, mps, progress_line, &tl, &r);
    model_instance_destroy(inst);
    if (rc != SOLVER_OK) {
        fprintf(stderr, "cohort-bench naive: failed (code %d%s)\n", rc,
                rc == SOLVER_EBACKEND ? ", GLPK error" : "");
        return COHORT_EXIT_INTERNAL;
    }
    return print_glpk_result(&r, tl, false);
}

static int cmd_glpk(int argc, char **argv)
{
    const char *in = NULL;
    double tl = 60, gap = 0;
    if (glpk_args(argc, argv, &in, &tl, &gap, NULL) != 0 || tl <= 0) {
        fprintf(stderr, "usage: cohort-bench glpk MODEL.lp|MODEL.mps [--time-limit S] [--gap G]\n"
                        "  solve a model file with plain GLPK (LP relaxation, then\n"
                        "  branch-and-cut) within S seconds [60] to relative gap G [0];\n"
                        "  an MPS file (no objective sense) is minimised\n");
        return COHORT_EXIT_INVALID;
    }
    solver_naive_result r;
    int rc = solver_glpk_solve_file(in, tl, gap, progress_line, &tl, &r);
    if (rc != SOLVER_OK) {
        fprintf(stderr, "cohort-bench glpk: %s (code %d)\n",
                rc == SOLVER_EIO ? "cannot read the model" : "GLPK failed", rc);
        return rc == SOLVER_EIO ? COHORT_EXIT_INVALID : COHORT_EXIT_INTERNAL;
    }
    return print_glpk_result(&r, tl, false);
}

/* --------------------------------------------------------- child runs */


/* Run argv (argv[0] a path) with stdout/stderr to files (NULL = /dev/null),
 * killing it after timeout_s.  Returns 0 or -1 when it could not start. */
int run_child(char *const argv[], const char *out_path, const char *err_path,
                     double timeout_s, child_run *cr)
{
    memset(cr, 0, sizeof *cr);
    fflush(stdout);
    fflush(stderr);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fo = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err_path ? err_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fi = open("/dev/null", O_RDONLY);
        if (fo < 0 || fe < 0 || fi < 0)
            _exit(127);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    for (;;) {
        pid_t w = wait4(pid, &status, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return -1;
        if (timeout_s > 0 && now_s() - t0 > timeout_s && !cr->timed_out) {
            kill(pid, SIGKILL);
            cr->timed_out = true;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    cr->wall = now_s() - t0;
    cr->peak_mb = ru.ru_maxrss / 1024.0;
    cr->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return 0;
}

/* Read a small text file (first max bytes).  NULL when unreadable. */
char *read_small(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* Last JSON object line of a file. */
json_t *read_json_line(const char *path)
{
    char *text = read_small(path, 1 << 20);
    if (!text)
        return NULL;
    json_t *j = NULL;
    char *line = strtok(text, "\n");
    while (line) {
        if (line[0] == '{') {
            json_t *k = json_loads(line, 0, NULL);
            if (k) {
                json_decref(j);
                j = k;
            }
        }
        line = strtok(NULL, "\n");
    }
    free(text);
    return j;
}

double jnum(const json_t *o, const char *k, double dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

const char *jstr(const json_t *o, const char *k, const char *dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

/* ------------------------------------------------------------- suite */


int tier_index(const char *t)
{
    static const char *const names[4] = {"S", "M", "L", "XL"};
    for (int i = 0; i < 4; i++)
        if (strcmp(t, names[i]) == 0)
            return i;
    return -1;
}


typedef struct rows {
    row *v;
    int n, cap;
} rows;

static row *row_new(rows *rs, const char *tier, int seed, const char *solver, json_t *info,
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
static int locate_instance(const bench_cfg *c, const char *tier, int seed, char *path, size_t n,
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

static void run_fcfs(const bench_cfg *c, const char *inst, const char *tag, row *r)
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
static void run_glpk_child(const bench_cfg *c, const char *kind, const char *input,
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

/* Whatif throughput: N scenarios on one instance with -j 2. */
typedef struct whatif_result {
    bool ran;
    char tier[4];
    int seed, scenarios, exit_code;
    int n_ok;          /* scenarios that produced a schedule */
    bool baseline_ok;
    double wall, per_minute, peak_mb, time_limit;
    char note[200];
} whatif_result;

static void run_whatif(const bench_cfg *c, const char *inst, const char *tier, int seed,
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

/* Fill latency: F's fill-latency tool (next to cohort-bench) on one
 * instance and a schedule of it. */
typedef struct fill_result {
    bool ran;
    char tier[4], which[16];
    int seed, runs, cli_runs;
    double lib_median, lib_p99, cli_median, cli_p99;
    int groups, running;
    char note[200];
} fill_result;

static void run_fill(const bench_cfg *c, const char *inst, const char *sol, const char *which,
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

/* ------------------------------------------------------------ reports */

static void fmt_num(char *b, size_t n, bool has, double v, int prec)
{
    if (!has)
        snprintf(b, n, "–");
    else
        snprintf(b, n, "%.*f", prec, v);
}

static const row *find_row(const rows *rs, const char *tier, int seed, const char *solver)
{
    for (int i = 0; i < rs->n; i++)
        if (strcmp(rs->v[i].tier, tier) == 0 && rs->v[i].seed == seed &&
            strcmp(rs->v[i].solver, solver) == 0)
            return &rs->v[i];
    return NULL;
}

static void write_markdown(FILE *f, const bench_cfg *c, const rows *rs, const whatif_result *w,
                           const fill_result *fl, const char *machine)
{
    (void)c;
    fprintf(f, "%s\n", machine);
    fprintf(f, "### All runs\n\n");
    fprintf(f, "| tier | seed | groups / facilitators / waitlisted | solver | status | time s | "
               "peak MB | objective | bound | gap | placed | seats filled | mean wait placed (d) | "
               "check | note |\n");
    fprintf(f, "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (int i = 0; i < rs->n; i++) {
        const row *r = &rs->v[i];
        char ob[32], bd[32], gp[32], pl[32], sf[32], mw[32];
        fmt_num(ob, sizeof ob, r->has_obj, r->obj, 1);
        fmt_num(bd, sizeof bd, r->has_bound, r->bound, 1);
        fmt_num(gp, sizeof gp, r->has_obj && r->has_bound, r->gap * 100.0, 2);
        if (r->has_obj && r->has_bound)
            strncat(gp, " %", sizeof gp - strlen(gp) - 1);
        if (r->has_metrics) {
            snprintf(pl, sizeof pl, "%d", r->placed);
            snprintf(sf, sizeof sf, "%d / %d", r->seats_filled, r->seats);
            snprintf(mw, sizeof mw, "%.1f", r->mean_wait);
        } else {
            snprintf(pl, sizeof pl, "–");
            snprintf(sf, sizeof sf, "–");
            snprintf(mw, sizeof mw, "–");
        }
        fprintf(f, "| %s | %d | %d / %d / %d | %s | %s | %.2f | %.0f | %s | %s | %s | %s | %s | %s "
                   "| %s | %s |\n",
                r->tier, r->seed, (int)jnum(r->info, "groups", 0),
                (int)jnum(r->info, "facilitators", 0), (int)jnum(r->info, "waitlisted", 0),
                r->solver, r->status[0] ? r->status : "–", r->wall, r->peak_mb, ob, bd, gp, pl,
                sf, mw, r->check, r->note);
    }

    fprintf(f, "\n### cohort beside the baselines\n\n");
    fprintf(f, "| tier | seed | cohort: status, time s, objective, placed, mean wait d | FCFS: "
               "placed, mean wait d, objective, check | CBC on the exported model: status, time s, "
               "objective | GLPK on the exported model: status, time s, objective | objective "
               "ratio CBC / cohort | objective ratio CBC / GLPK (same model) | GLPK on the naive "
               "model: status, time s, objective, bound |\n");
    fprintf(f, "|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < rs->n; i++) {
        const row *co = &rs->v[i];
        if (strcmp(co->solver, "cohort") != 0)
            continue;
        const row *fc = find_row(rs, co->tier, co->seed, "fcfs");
        const row *cb = find_row(rs, co->tier, co->seed, "cbc-export");
        const row *ge = find_row(rs, co->tier, co->seed, "glpk-export");
        const row *nv = find_row(rs, co->tier, co->seed, "glpk-naive");
        char a[160], b[160], d[160], e[160], g[200], ra[64], rc[64], o1[32], o2[32];
        fmt_num(o1, sizeof o1, co->has_obj, co->obj, 1);
        if (co->has_metrics)
            fmt_to(a, sizeof a, "%s, %.2f, %s, %d, %.1f", co->status, co->wall, o1, co->placed,
                   co->mean_wait);
        else
            fmt_to(a, sizeof a, "%s, %.2f, –", co->status[0] ? co->status : "–", co->wall);
        if (fc && fc->has_metrics)
            fmt_to(b, sizeof b, "%d, %.1f, %.1f, %s", fc->placed, fc->mean_wait, fc->obj,
                   fc->check);
        else
            fmt_to(b, sizeof b, "%s", fc ? fc->status : "not run");
        const row *pair[2] = {cb, ge};
        char *dst[2] = {d, e};
        for (int k = 0; k < 2; k++) {
            if (!pair[k]) {
                fmt_to(dst[k], 160, "not run");
                continue;
            }
            fmt_num(o2, sizeof o2, pair[k]->has_obj, pair[k]->obj, 1);
            fmt_to(dst[k], 160, "%s, %.2f, %s", pair[k]->status, pair[k]->wall, o2);
        }
        if (cb && ge && cb->has_obj && ge->has_obj && fabs(ge->obj) > 1e-9)
            fmt_to(ra, sizeof ra, "%.4f", cb->obj / ge->obj);
        else
            fmt_to(ra, sizeof ra, "–");
        if (cb && cb->has_obj && co->has_obj && fabs(co->obj) > 1e-9)
            fmt_to(rc, sizeof rc, "%.4f", cb->obj / co->obj);
        else
            fmt_to(rc, sizeof rc, "–");
        if (!nv)
            fmt_to(g, sizeof g, "not run");
        else {
            char b2[32];
            fmt_num(o2, sizeof o2, nv->has_obj, nv->obj, 1);
            fmt_num(b2, sizeof b2, nv->has_bound, nv->bound, 1);
            fmt_to(g, sizeof g, "%s, %.2f, %s, %s", nv->status, nv->wall, o2, b2);
        }
        fprintf(f, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", co->tier, co->seed, a, b, d,
                e, rc, ra, g);
    }
    if (w && w->ran)
        fprintf(f, "\n### what-if throughput\n\n`cohort whatif` on %s-%d, %d scenarios (each "
                   "a full re-plan, plus the baseline plan), `-j 2`, time limit %g s per plan: "
                   "%.1f s wall, **%.1f scenarios per minute**, peak %.0f MB (largest single "
                   "process); %d of %d scenarios and %s baseline produced a schedule%s%s.\n",
                w->tier, w->seed, w->scenarios, w->time_limit, w->wall, w->per_minute,
                w->peak_mb, w->n_ok, w->scenarios, w->baseline_ok ? "the" : "not the",
                w->note[0] ? "; " : "", w->note);
    else if (w)
        fprintf(f, "\n### what-if throughput\n\nnot measured%s%s.\n", w->note[0] ? ": " : "",
                w->note);
    if (fl && fl->ran)
        fprintf(f, "\n### fill latency\n\n`fill-latency` (bench/fill_latency.c) on %s-%d with "
                   "the %s schedule (%d groups, %d running), one vacated seat each: library call "
                   "(fill with apply) median **%.2f ms**, p99 **%.2f ms** over %d seats; the whole "
                   "`cohort fill --apply` command median %.1f ms, p99 %.1f ms over %d runs.\n",
                fl->tier, fl->seed, fl->which, fl->groups, fl->running, fl->lib_median,
                fl->lib_p99, fl->runs, fl->cli_median, fl->cli_p99, fl->cli_runs);
    else if (fl)
        fprintf(f, "\n### fill latency\n\nnot measured%s%s.\n", fl->note[0] ? ": " : "",
                fl->note);
}

static json_t *row_json(const row *r)
{
    json_t *o = json_pack("{s:s, s:i, s:s, s:O, s:s, s:f, s:f, s:f, s:s, s:s}", "tier", r->tier,
                          "seed", r->seed, "solver", r->solver, "instance",
                          r->info ? r->info : json_null(), "status", r->status, "wall_seconds",
                          r->wall, "peak_mb", r->peak_mb, "time_limit_s", r->time_limit, "check",
                          r->check, "note", r->note);
    if (!o)
        return NULL;
    if (r->has_obj)
        json_object_set_new(o, "objective", json_real(r->obj));
    if (r->has_bound)
        json_object_set_new(o, "bound", json_real(r->bound));
    if (r->has_obj && r->has_bound)
        json_object_set_new(o, "gap", json_real(r->gap));
    if (r->has_metrics) {
        json_object_set_new(o, "placed", json_integer(r->placed));
        json_object_set_new(o, "seats", json_integer(r->seats));
        json_object_set_new(o, "seats_filled", json_integer(r->seats_filled));
        json_object_set_new(o, "mean_wait_days_placed", json_real(r->mean_wait));
    }
    return o;
}

/* Scaling chart: wall time and peak memory per tier, one line per solver,
 * log scales; written as SVG text. */
static void write_svg(FILE *f, const rows *rs)
{
    static const char *const solvers[] = {"cohort", "fcfs", "cbc-export", "glpk-export",
                                          "glpk-naive"};
    static const char *const colors[] = {"#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#d62728"};
    enum { NS = 5 };
    static const char *const tiers[] = {"S", "M", "L", "XL"};
    const int W = 900, H = 420, pw = 360, ph = 280, top = 60, lefts[2] = {70, 520};
    /* mean per (solver, tier) over seeds */
    double val[2][NS][4];
    int cnt[NS][4];
    memset(val, 0, sizeof val);
    memset(cnt, 0, sizeof cnt);
    bool tier_used[4] = {false};
    for (int i = 0; i < rs->n; i++) {
        const row *r = &rs->v[i];
        int t = tier_index(r->tier), s = -1;
        for (int k = 0; k < NS; k++)
            if (strcmp(r->solver, solvers[k]) == 0)
                s = k;
        if (t < 0 || s < 0 || r->wall <= 0 || strcmp(r->status, "too_large") == 0 ||
            strncmp(r->status, "no", 2) == 0)
            continue;
        val[0][s][t] += r->wall;
        val[1][s][t] += r->peak_mb;
        cnt[s][t]++;
        tier_used[t] = true;
    }
    int nt = 0, tpos[4];
    for (int t = 0; t < 4; t++)
        tpos[t] = tier_used[t] ? nt++ : -1;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n",
            W, H);
    fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
    fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"16\" text-anchor=\"middle\">cohort benchmark "
               "scaling: mean over seeds per tier (log scales)</text>\n",
            W / 2);
    static const char *const titles[2] = {"wall time (s)", "peak memory (MB)"};
    for (int m = 0; m < 2; m++) {
        double lo = 1e300, hi = -1e300;
        for (int s = 0; s < NS; s++)
            for (int t = 0; t < 4; t++)
                if (cnt[s][t]) {
                    double v = fmax(val[m][s][t] / cnt[s][t], 1e-3);
                    lo = fmin(lo, v);
                    hi = fmax(hi, v);
                }
        if (hi < lo) {
            lo = 0.1;
            hi = 10;
        }
        double llo = floor(log10(lo)), lhi = ceil(log10(hi));
        if (lhi <= llo)
            lhi = llo + 1;
        int x0 = lefts[m], y0 = top + ph;
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">%s</text>\n",
                x0 + pw / 2, top - 12, titles[m]);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                   "stroke=\"#444\"/>\n",
                x0, top, pw, ph);
        for (double e = llo; e <= lhi + 1e-9; e += 1) {
            double y = y0 - (e - llo) / (lhi - llo) * ph;
            fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x0,
                    y, x0 + pw, y);
            fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", x0 - 6, y + 4,
                    pow(10, e));
        }
        for (int t = 0; t < 4; t++) {
            if (tpos[t] < 0)
                continue;
            double x = x0 + (nt > 1 ? (double)tpos[t] / (nt - 1) : 0.5) * (pw - 40) + 20;
            int groups = 0;
            for (int i = 0; i < rs->n && !groups; i++)
                if (tier_index(rs->v[i].tier) == t && rs->v[i].info)
                    groups = (int)jnum(rs->v[i].info, "groups", 0);
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, y0 + 16,
                    tiers[t]);
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\" "
                       "fill=\"#555\">%d groups</text>\n",
                    x, y0 + 29, groups);
        }
        for (int s = 0; s < NS; s++) {
            bool any = false;
            for (int t = 0; t < 4; t++)
                any = any || cnt[s][t];
            if (!any)
                continue;
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                    colors[s]);
            for (int t = 0; t < 4; t++) {
                if (!cnt[s][t] || tpos[t] < 0)
                    continue;
                double v = fmax(val[m][s][t] / cnt[s][t], 1e-3);
                double x = x0 + (nt > 1 ? (double)tpos[t] / (nt - 1) : 0.5) * (pw - 40) + 20;
                double y = y0 - (log10(v) - llo) / (lhi - llo) * ph;
                fprintf(f, "%.1f,%.1f ", x, y);
            }
            fprintf(f, "\"/>\n");
            for (int t = 0; t < 4; t++) {
                if (!cnt[s][t] || tpos[t] < 0)
                    continue;
                double v = fmax(val[m][s][t] / cnt[s][t], 1e-3);
                double x = x0 + (nt > 1 ? (double)tpos[t] / (nt - 1) : 0.5) * (pw - 40) + 20;
                double y = y0 - (log10(v) - llo) / (lhi - llo) * ph;
                fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s %s: "
                           "%.3g</title></circle>\n",
                        x, y, colors[s], solvers[s], tiers[t], v);
            }
        }
    }
    for (int s = 0; s < NS; s++) {
        int x = 60 + s * 170, y = H - 30;
        fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                   "stroke-width=\"3\"/>\n",
                x, y, x + 24, y, colors[s]);
        fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 30, y + 4, solvers[s]);
    }
    fprintf(f, "</svg>\n");
}

/* `cohort-bench chart RESULTS.json [-o SVG]`: redraw the scaling chart from
 * a saved results.json. */
static int cmd_chart(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (!in && argv[i][0] != '-')
            in = argv[i];
        else
            in = NULL;
    }
    if (!in) {
        fprintf(stderr, "usage: cohort-bench chart RESULTS.json [-o SCALING.svg]\n");
        return COHORT_EXIT_INVALID;
    }
    json_error_t err;
    json_t *doc = json_load_file(in, 0, &err);
    json_t *runs = doc ? json_object_get(doc, "runs") : NULL;
    if (!json_is_array(runs)) {
        fprintf(stderr, "cohort-bench chart: %s: no \"runs\" array (%s)\n", in,
                doc ? "wrong file" : err.text);
        json_decref(doc);
        return COHORT_EXIT_INVALID;
    }
    rows rs = {0};
    size_t i;
    json_t *v;
    json_array_foreach(runs, i, v)
    {
        row *r = row_new(&rs, jstr(v, "tier", "?"), (int)jnum(v, "seed", 0),
                         jstr(v, "solver", "?"), json_object_get(v, "instance"), 0);
        snprintf(r->status, sizeof r->status, "%s", jstr(v, "status", ""));
        r->wall = jnum(v, "wall_seconds", 0);
        r->peak_mb = jnum(v, "peak_mb", 0);
    }
    FILE *f = out ? fopen(out, "w") : stdout;
    int rc = COHORT_EXIT_OK;
    if (!f) {
        fprintf(stderr, "cohort-bench chart: cannot write %s\n", out);
        rc = COHORT_EXIT_INTERNAL;
    } else {
        write_svg(f, &rs);
        if (out && fclose(f) != 0)
            rc = COHORT_EXIT_INTERNAL;
    }
    free(rs.v);
    json_decref(doc);
    return rc;
}

void machine_info(char *buf, size_t n, const bench_cfg *c)
{
    char cpu[256] = "unknown", mem[64] = "unknown", cbcv[64] = "not installed";
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    if (f) {
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0) {
                char *p = strchr(line, ':');
                if (p) {
                    p++;
                    while (*p == ' ')
                        p++;
                    p[strcspn(p, "\n")] = '\0';
                    snprintf(cpu, sizeof cpu, "%s", p);
                }
                break;
            }
        fclose(f);
    }
    f = fopen("/proc/meminfo", "r");
    if (f) {
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "MemTotal:", 9) == 0) {
                snprintf(mem, sizeof mem, "%.1f GiB", atof(line + 9) / 1048576.0);
                break;
            }
        fclose(f);
    }
    if (c->cbc[0]) {
        char log[PATH_MAX_LEN];
        path_join(log, sizeof log, c->out, "cbc-version.log");
        char *argv[] = {(char *)c->cbc, "-quit", NULL};
        child_run cr;
        if (run_child(argv, log, NULL, 30, &cr) == 0) {
            char *t = read_small(log, 4096);
            char *v = t ? strstr(t, "Version:") : NULL;
            if (v) {
                v += 8;
                while (*v == ' ')
                    v++;
                v[strcspn(v, " \n")] = '\0';
                snprintf(cbcv, sizeof cbcv, "%s", v);
            }
            free(t);
        }
    }
    snprintf(buf, n,
             "Machine: %ld cores (nproc), %s memory, CPU %s; GLPK %s; CBC %s.\n",
             sysconf(_SC_NPROCESSORS_ONLN), mem, cpu, solver_glpk_version(), cbcv);
}

int parse_int_list(const char *s, int *out, int max)
{
    int n = 0;
    char *dup = strdup(s), *save = NULL;
    for (char *t = strtok_r(dup, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
        out[n++] = atoi(t);
    free(dup);
    return n;
}

/* The executable NAME on PATH, or "" in out. */
void find_in_path(const char *name, char *out, size_t n)
{
    out[0] = '\0';
    const char *path = getenv("PATH");
    if (!path)
        return;
    char *dup = strdup(path), *save = NULL;
    for (char *d = strtok_r(dup, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        char cand[PATH_MAX_LEN];
        snprintf(cand, sizeof cand, "%s/%s", d, name);
        if (access(cand, X_OK) == 0) {
            snprintf(out, n, "%s", cand);
            break;
        }
    }
    free(dup);
}

static void run_help(FILE *f)
{
    fprintf(f,
            "Usage: cohort-bench run [OPTIONS]\n"
            "Run the benchmark suite: per tier and seed, `cohort plan` (wall time, peak\n"
            "memory, status, objective, bound, gap, placements, seats filled, mean wait of\n"
            "those placed, `cohort check`), beside the baselines: first-come-first-served,\n"
            "CBC and plain GLPK on the model `cohort plan --export-model` writes (free\n"
            "MPS), GLPK on the naive monolithic model; plus `cohort whatif -j 2`\n"
            "throughput and `fill-latency` on the largest S-L program.  Writes\n"
            "results.md, results.json, scaling.csv and scaling.svg into the output\n"
            "directory.\n\n"
            "  --tiers LIST       tiers to run [S,M,L]; XL also with --xl\n"
            "  --xl               add tier XL (every baseline too; about 21 minutes more)\n"
            "  --seeds LIST       seeds for S and M [1,2] (datasets/bench/T-N.json)\n"
            "  --l-seeds LIST     seeds for L and XL [1] (generated on the fly)\n"
            "  --limits S,M,L,XL  time limits in seconds [10,10,60,300]\n"
            "  --no-cbc           skip the exported model (CBC and GLPK on it)\n"
            "  --no-naive, --no-whatif   skip the naive model, the what-if run\n"
            "  --whatif-scenarios N   scenarios in the what-if run [8]\n"
            "  --cohort PATH      the cohort binary [%s]\n"
            "  --root DIR         source tree with datasets/bench [%s]\n"
            "  --out DIR          output directory [ROOT/bench/results]\n",
            COHORT_BINARY, COHORT_SOURCE_DIR);
}

static int cmd_run(int argc, char **argv)
{
    bench_cfg c;
    memset(&c, 0, sizeof c);
    snprintf(c.cohort, sizeof c.cohort, "%s", COHORT_BINARY);
    snprintf(c.root, sizeof c.root, "%s", COHORT_SOURCE_DIR);
    c.tiers[0] = "S";
    c.tiers[1] = "M";
    c.tiers[2] = "L";
    c.n_tiers = 3;
    c.seeds[0] = 1;
    c.seeds[1] = 2;
    c.n_seeds = 2;
    c.l_seeds[0] = 1;
    c.n_l_seeds = 1;
    c.limit[0] = 10;
    c.limit[1] = 10;
    c.limit[2] = 60;
    c.limit[3] = 300;
    c.do_cbc = c.do_naive = c.do_whatif = true;
    c.whatif_scenarios = 8;
    bool xl = false;
    static const struct option opts[] = {
        {"tiers", required_argument, NULL, 't'},  {"xl", no_argument, NULL, 'X'},
        {"seeds", required_argument, NULL, 's'},  {"l-seeds", required_argument, NULL, 'l'},
        {"limits", required_argument, NULL, 'L'}, {"no-cbc", no_argument, NULL, 'c'},
        {"no-naive", no_argument, NULL, 'n'},     {"no-whatif", no_argument, NULL, 'w'},
        {"whatif-scenarios", required_argument, NULL, 'W'},
        {"cohort", required_argument, NULL, 'C'}, {"root", required_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static char tierbuf[64];
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 't': {
            snprintf(tierbuf, sizeof tierbuf, "%s", optarg);
            c.n_tiers = 0;
            char *save = NULL;
            for (char *t = strtok_r(tierbuf, ",", &save); t && c.n_tiers < 4;
                 t = strtok_r(NULL, ",", &save)) {
                if (tier_index(t) < 0) {
                    fprintf(stderr, "cohort-bench: unknown tier '%s' (S, M, L, XL)\n", t);
                    return COHORT_EXIT_INVALID;
                }
                c.tiers[c.n_tiers++] = t;
            }
            break;
        }
        case 'X': xl = true; break;
        case 's': c.n_seeds = parse_int_list(optarg, c.seeds, 8); break;
        case 'l': c.n_l_seeds = parse_int_list(optarg, c.l_seeds, 8); break;
        case 'L': {
            int v[4], k = parse_int_list(optarg, v, 4);
            for (int i = 0; i < k; i++)
                c.limit[i] = v[i];
            break;
        }
        case 'c': c.do_cbc = false; break;
        case 'n': c.do_naive = false; break;
        case 'w': c.do_whatif = false; break;
        case 'W': c.whatif_scenarios = atoi(optarg) > 0 ? atoi(optarg) : 8; break;
        case 'C': snprintf(c.cohort, sizeof c.cohort, "%s", optarg); break;
        case 'r': snprintf(c.root, sizeof c.root, "%s", optarg); break;
        case 'o': snprintf(c.out, sizeof c.out, "%s", optarg); break;
        case 'h': run_help(stdout); return COHORT_EXIT_OK;
        default: run_help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    if (xl) {
        bool have = false;
        for (int i = 0; i < c.n_tiers; i++)
            have = have || strcmp(c.tiers[i], "XL") == 0;
        if (!have && c.n_tiers < 4)
            c.tiers[c.n_tiers++] = "XL";
    }
    if (!c.out[0])
        fmt_to(c.out, sizeof c.out, "%s/bench/results", c.root);
    mkdir(c.out, 0755);
    ssize_t sl = readlink("/proc/self/exe", c.self, sizeof c.self - 1);
    if (sl <= 0) {
        fprintf(stderr, "cohort-bench: cannot find its own executable\n");
        return COHORT_EXIT_INTERNAL;
    }
    c.self[sl] = '\0';
    if (access(c.cohort, X_OK) != 0) {
        fprintf(stderr, "cohort-bench: cohort binary %s not found (--cohort PATH)\n", c.cohort);
        return COHORT_EXIT_INVALID;
    }
    if (c.do_cbc)
        find_in_path("cbc", c.cbc, sizeof c.cbc);
    find_in_path("stdbuf", c.stdbuf, sizeof c.stdbuf);

    char machine[1024];
    machine_info(machine, sizeof machine, &c);
    fprintf(stderr, "%s", machine);
    double t_start = now_s();
    rows rs = {0};
    json_t *infos = json_array();
    whatif_result wi;
    memset(&wi, 0, sizeof wi);
    snprintf(wi.note, sizeof wi.note, "not requested");
    bool whatif_done = false;
    char fill_inst[PATH_MAX_LEN] = "", fill_sol[PATH_MAX_LEN] = "", fill_which[16] = "";
    char fill_tier[4] = "";
    int fill_seed = 0, fill_tix = -1;

    double tier_secs[4] = {0, 0, 0, 0};
    for (int ti = 0; ti < c.n_tiers; ti++) {
        const char *tier = c.tiers[ti];
        int tix = tier_index(tier);
        double t_tier = now_s();
        bool big = tix >= 2;
        const int *seeds = big ? c.l_seeds : c.seeds;
        int ns = big ? c.n_l_seeds : c.n_seeds;
        double tl = c.limit[tix];
        for (int si = 0; si < ns; si++) {
            int seed = seeds[si];
            char inst[PATH_MAX_LEN], how[256], tag[64], out[PATH_MAX_LEN];
            snprintf(tag, sizeof tag, "%s-%d", tier, seed);
            fprintf(stderr, "== %s (limit %g s)\n", tag, tl);
            if (locate_instance(&c, tier, seed, inst, sizeof inst, how, sizeof how) != 0) {
                row *r = row_new(&rs, tier, seed, "cohort", NULL, tl);
                snprintf(r->status, sizeof r->status, "no instance");
                continue;
            }
            char name[96];
            snprintf(name, sizeof name, "%s.info.json", tag);
            path_join(out, sizeof out, c.out, name);
            char *iargv[] = {c.self, "info", inst, NULL};
            child_run cr;
            json_t *info = NULL;
            if (run_child(iargv, out, NULL, 600, &cr) == 0 && cr.exit_code == 0)
                info = read_json_line(out);
            if (!info) {
                row *r = row_new(&rs, tier, seed, "cohort", NULL, tl);
                snprintf(r->status, sizeof r->status, "invalid instance");
                continue;
            }
            json_object_set_new(info, "source", json_string(how));
            json_object_set_new(info, "tier", json_string(tier));
            json_object_set_new(info, "seed", json_integer(seed));
            json_array_append_new(infos, info); /* infos keeps it alive */

            double gap = jnum(info, "mip_gap", 0.005);
            bool model_runs = c.do_cbc;
            char model[PATH_MAX_LEN];
            snprintf(name, sizeof name, "%s.export.mps", tag);
            path_join(model, sizeof model, c.out, name);

            row *r = row_new(&rs, tier, seed, "cohort", info, tl);
            run_cohort(&c, inst, tag, tl, r);
            fprintf(stderr, "   cohort       %-10s %7.2f s %7.0f MB obj %.1f placed %d check %s\n",
                    r->status, r->wall, r->peak_mb, r->obj, r->placed, r->check);
            r = row_new(&rs, tier, seed, "fcfs", info, 0);
            run_fcfs(&c, inst, tag, r);
            fprintf(stderr, "   fcfs         %-10s %7.2f s %7.0f MB obj %.1f placed %d check %s\n",
                    r->status, r->wall, r->peak_mb, r->obj, r->placed, r->check);
            if (model_runs) {
                double ex = run_export(&c, inst, tag, model);
                r = row_new(&rs, tier, seed, "cbc-export", info, tl);
                if (!c.cbc[0])
                    snprintf(r->status, sizeof r->status, "not installed");
                else
                    run_cbc(&c, model, tag, tl, gap, r);
                if (ex >= 0) {
                    size_t len = strlen(r->note);
                    fmt_to(r->note + len, sizeof r->note - len, "; export run %.1f s", ex);
                }
                fprintf(stderr, "   cbc-export   %-10s %7.2f s %7.0f MB obj %.1f %s\n", r->status,
                        r->wall, r->peak_mb, r->obj, r->note);
                r = row_new(&rs, tier, seed, "glpk-export", info, tl);
                if (file_exists(model))
                    run_glpk_child(&c, "glpk", model, tag, tl, gap, r);
                else
                    snprintf(r->status, sizeof r->status, "no export");
                fprintf(stderr, "   glpk-export  %-10s %7.2f s %7.0f MB obj %.1f %s\n", r->status,
                        r->wall, r->peak_mb, r->obj, r->note);
            }
            if (c.do_naive) {
                r = row_new(&rs, tier, seed, "glpk-naive", info, tl);
                run_glpk_child(&c, "naive", inst, tag, tl, gap, r);
                fprintf(stderr, "   glpk-naive   %-10s %7.2f s %7.0f MB obj %.1f %s\n", r->status,
                        r->wall, r->peak_mb, r->obj, r->note);
            }
            /* fill latency later on the largest S-L program, first seed: on
             * cohort's schedule when it has one, else FCFS's */
            if (tix <= 2 && tix > fill_tix) {
                const row *co = &rs.v[rs.n - 1];
                for (int k = rs.n - 1; k >= 0; k--)
                    if (strcmp(rs.v[k].solver, "cohort") == 0) {
                        co = &rs.v[k];
                        break;
                    }
                bool co_ok = strcmp(co->check, "ok") == 0;
                fill_tix = tix;
                fill_seed = seed;
                snprintf(fill_tier, sizeof fill_tier, "%s", tier);
                snprintf(fill_inst, sizeof fill_inst, "%s", inst);
                snprintf(fill_which, sizeof fill_which, "%s", co_ok ? "cohort" : "FCFS");
                snprintf(name, sizeof name, "%s.%s.json", tag, co_ok ? "cohort" : "fcfs");
                path_join(fill_sol, sizeof fill_sol, c.out, name);
            }
            if (c.do_whatif && !whatif_done && tix == 1) {
                run_whatif(&c, inst, tier, seed, tl, &wi);
                whatif_done = true;
                fprintf(stderr, "   whatif  %d scenarios %.2f s (%.1f per minute) %s\n",
                        wi.scenarios, wi.wall, wi.per_minute, wi.note);
            }
        }
        tier_secs[tix] += now_s() - t_tier;
    }
    if (c.do_whatif && !whatif_done)
        snprintf(wi.note, sizeof wi.note, "needs tier M in the run");
    double t_fill = now_s();
    fill_result fl;
    memset(&fl, 0, sizeof fl);
    if (fill_tix >= 0) {
        run_fill(&c, fill_inst, fill_sol, fill_which, fill_tier, fill_seed, &fl);
        fprintf(stderr, "   fill latency on %s-%d (%s schedule): median %.2f ms, p99 %.2f ms %s\n",
                fill_tier, fill_seed, fill_which, fl.lib_median, fl.lib_p99, fl.note);
    } else {
        snprintf(fl.note, sizeof fl.note, "needs tier S, M or L in the run");
    }
    double fill_secs = now_s() - t_fill;
    double total = now_s() - t_start;
    char timing[256];
    fmt_to(timing, sizeof timing,
           "Wall time: S %.0f s, M %.0f s (with the what-if run), L %.0f s, XL %.0f s, fill "
           "latency %.0f s; S-L part %.0f s; whole suite %.0f s.",
           tier_secs[0], tier_secs[1], tier_secs[2], tier_secs[3], fill_secs,
           total - tier_secs[3], total);

    /* results.md */
    char path[PATH_MAX_LEN];
    path_join(path, sizeof path, c.out, "results.md");
    FILE *f = fopen(path, "w");
    if (f) {
        write_markdown(f, &c, &rs, c.do_whatif ? &wi : NULL, &fl, machine);
        fprintf(f, "\n%s\n", timing);
        fclose(f);
    }
    write_markdown(stdout, &c, &rs, c.do_whatif ? &wi : NULL, &fl, machine);
    printf("\n%s\nFiles in %s: results.md, results.json, scaling.csv, scaling.svg\n", timing,
           c.out);

    /* results.json */
    json_t *runs = json_array();
    for (int i = 0; i < rs.n; i++)
        json_array_append_new(runs, row_json(&rs.v[i]));
    json_t *wj = json_pack("{s:b, s:s, s:i, s:i, s:i, s:b, s:f, s:f, s:f, s:f, s:s}", "ran",
                           wi.ran, "tier", wi.tier, "seed", wi.seed, "scenarios", wi.scenarios,
                           "scenarios_with_schedule", wi.n_ok, "baseline_with_schedule",
                           wi.baseline_ok, "time_limit_s", wi.time_limit, "wall_seconds", wi.wall,
                           "scenarios_per_minute", wi.per_minute, "peak_mb", wi.peak_mb, "note",
                           wi.note);
    json_t *fj = json_pack("{s:b, s:s, s:i, s:s, s:i, s:i, s:f, s:f, s:f, s:f, s:s}", "ran",
                           fl.ran, "tier", fl.tier, "seed", fl.seed, "schedule", fl.which, "runs",
                           fl.runs, "cli_runs", fl.cli_runs, "fill_ms_median", fl.lib_median,
                           "fill_ms_p99", fl.lib_p99, "cli_ms_median", fl.cli_median,
                           "cli_ms_p99", fl.cli_p99, "note", fl.note);
    json_t *doc = json_pack("{s:s, s:O, s:o, s:o, s:o, s:f, s:[f,f,f,f], s:[f,f,f,f]}",
                            "machine", machine,
                            "instances", infos, "runs", runs, "whatif", wj ? wj : json_null(),
                            "fill_latency", fj ? fj : json_null(),
                            "suite_wall_seconds", total, "time_limits_s", c.limit[0], c.limit[1],
                            c.limit[2], c.limit[3], "tier_wall_seconds", tier_secs[0],
                            tier_secs[1], tier_secs[2], tier_secs[3]);
    path_join(path, sizeof path, c.out, "results.json");
    if (!doc || json_dump_file(doc, path, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0)
        fprintf(stderr, "cohort-bench: cannot write %s\n", path);
    json_decref(doc);

    /* scaling.csv and scaling.svg */
    path_join(path, sizeof path, c.out, "scaling.csv");
    f = fopen(path, "w");
    if (f) {
        fprintf(f, "tier,seed,groups,facilitators,waitlisted,solver,status,wall_s,peak_mb\n");
        for (int i = 0; i < rs.n; i++) {
            const row *r = &rs.v[i];
            fprintf(f, "%s,%d,%d,%d,%d,%s,%s,%.3f,%.1f\n", r->tier, r->seed,
                    (int)jnum(r->info, "groups", 0), (int)jnum(r->info, "facilitators", 0),
                    (int)jnum(r->info, "waitlisted", 0), r->solver, r->status, r->wall,
                    r->peak_mb);
        }
        fclose(f);
    }
    path_join(path, sizeof path, c.out, "scaling.svg");
    f = fopen(path, "w");
    if (f) {
        write_svg(f, &rs);
        fclose(f);
    }
    json_decref(infos);
    free(rs.v);
    return COHORT_EXIT_OK;
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: cohort-bench COMMAND ...\n"
               "  run [OPTIONS]                        the benchmark suite (run --help)\n"
               "  fcfs INSTANCE [-o SOLUTION]          first-come-first-served baseline\n"
               "  naive INSTANCE [--time-limit S] [--gap G] [--mps FILE]\n"
               "                                       naive monolithic GLPK model\n"
               "  glpk MODEL [--time-limit S] [--gap G]  plain GLPK on an LP/MPS file\n"
               "  chart RESULTS.json [-o SVG]          redraw the scaling chart from results\n"
               "  info INSTANCE                        instance size (JSON line)\n"
               "  summary SOLUTION                     solution headline (JSON line)\n"
               "  robust [OPTIONS]                     robustness suite over the generator's\n"
               "                                       families (robust --help)\n"
               "  bound INSTANCE                       combinatorial upper bound (JSON line)\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return COHORT_EXIT_INVALID;
    }
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "fcfs") == 0)
        return cmd_fcfs(argc - 1, argv + 1);
    if (strcmp(argv[1], "naive") == 0)
        return cmd_naive(argc - 1, argv + 1);
    if (strcmp(argv[1], "glpk") == 0)
        return cmd_glpk(argc - 1, argv + 1);
    if (strcmp(argv[1], "chart") == 0)
        return cmd_chart(argc - 1, argv + 1);
    if (strcmp(argv[1], "info") == 0)
        return cmd_info(argc - 1, argv + 1);
    if (strcmp(argv[1], "summary") == 0)
        return cmd_summary(argc - 1, argv + 1);
    if (strcmp(argv[1], "robust") == 0)
        return cmd_robust(argc - 1, argv + 1);
    if (strcmp(argv[1], "bound") == 0)
        return cmd_bound(argc - 1, argv + 1);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return COHORT_EXIT_OK;
    }
    fprintf(stderr, "cohort-bench: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return COHORT_EXIT_INVALID;
}
