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
#include "suite.h"

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
