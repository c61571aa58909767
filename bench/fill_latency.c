/*
 * fill_latency.c - how fast `cohort fill` answers one vacated seat.
 *
 *   fill-latency INSTANCE SOLUTION [--runs N] [--cli-runs M] [--seed S] [--json]
 *
 * Picks N members of running groups at random (seeded) and, for each, times
 * solver_fill_run() for one "dropped" event with apply on (copy of the
 * instance and solution, event applied, waitlist ranked, top candidate
 * placed, metrics and objective recomputed): the fill computation itself.
 * Then times M end-to-end runs of the command line
 *   cohort fill INSTANCE SOLUTION EVENT --apply -o /dev/null --json --report /dev/null
 * (process start, reading both JSON files, the fill, model_check of the
 * result, writing the solution).  Reports median, p99, mean, min and max in
 * milliseconds.  docs/BENCHMARKS.md has the recorded figures.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "io.h"
#include "solver.h"

#ifndef COHORT_BINARY
#define COHORT_BINARY "cohort"
#endif

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct stats {
    double median, p99, mean, min, max;
    int n;
} stats;

/* Nearest-rank percentiles over a sorted copy. */
static stats summarise(const double *v, int n)
{
    stats s = {0};
    if (n <= 0)
        return s;
    double *c = malloc((size_t)n * sizeof *c);
    if (!c)
        return s;
    memcpy(c, v, (size_t)n * sizeof *c);
    qsort(c, (size_t)n, sizeof *c, cmp_double);
    s.n = n;
    s.median = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    int k = (int)(0.99 * n + 0.999999);
    s.p99 = c[(k < 1 ? 1 : k) - 1];
    s.min = c[0];
    s.max = c[n - 1];
    for (int i = 0; i < n; i++)
        s.mean += c[i] / n;
    free(c);
    return s;
}

static unsigned long long rng_state;

static unsigned long long rng(void)
{
    unsigned long long z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A random (group, member) of a running group. */
static void pick(const model_solution *sol, int *g, int *m)
{
    int total = 0;
    for (int i = 0; i < sol->n_groups; i++)
        if (sol->groups[i].running)
            total += sol->groups[i].members.n;
    int k = (int)(rng() % (unsigned long long)(total > 0 ? total : 1));
    for (int i = 0; i < sol->n_groups; i++) {
        if (!sol->groups[i].running)
            continue;
        if (k < sol->groups[i].members.n) {
            *g = i;
            *m = k;
            return;
        }
        k -= sol->groups[i].members.n;
    }
    *g = *m = -1;
}

static int run_cli(const char *inst, const char *sol, const char *ev)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(COHORT_BINARY, COHORT_BINARY, "fill", inst, sol, ev, "--apply", "-o", "/dev/null",
              "--json", "--report", "/dev/null", (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"runs", required_argument, NULL, 'n'},
        {"cli-runs", required_argument, NULL, 'c'},
        {"seed", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int runs = 200, cli_runs = 30, json = 0, c;
    unsigned long long seed = 1;
    while ((c = getopt_long(argc, argv, "n:c:s:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'n': runs = atoi(optarg); break;
        case 'c': cli_runs = atoi(optarg); break;
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'j': json = 1; break;
        case 'h':
            printf("Usage: fill-latency INSTANCE SOLUTION [--runs N] [--cli-runs M] [--seed S] [--json]\n"
                   "Median and p99 latency of filling one vacated seat (library call and\n"
                   "the whole `cohort fill --apply` command).\n");
            return 0;
        default: return 2;
        }
    }
    if (optind != argc - 2 || runs < 1 || cli_runs < 0) {
        fprintf(stderr, "usage: fill-latency INSTANCE SOLUTION [--runs N] [--cli-runs M] [--seed S]\n");
        return 2;
    }
    const char *ip = argv[optind], *sp = argv[optind + 1];
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    if (io_instance_read_file(ip, &inst, &d) != IO_OK || io_solution_read_file(sp, &sol, &d) != IO_OK) {
        for (int i = 0; i < d.n_errors; i++)
            fprintf(stderr, "%s: %s\n", d.errors[i].path, d.errors[i].message);
        return 2;
    }
    rng_state = seed;
    double *lib = calloc((size_t)runs, sizeof *lib);
    double *cli = calloc((size_t)(cli_runs > 0 ? cli_runs : 1), sizeof *cli);
    if (!lib || !cli)
        return 1;
    solver_fill_options o;
    solver_fill_options_default(&o);
    o.apply = true;
    int placed = 0, eligible_sum = 0;
    for (int i = 0; i < runs; i++) {
        int g, m;
        pick(sol, &g, &m);
        if (g < 0) {
            fprintf(stderr, "fill-latency: the solution has no member in a running group\n");
            return 2;
        }
        solver_fill_event ev = {.kind = SOLVER_FILL_DROPPED, .date = -1};
        ev.group = sol->groups[g].id;
        ev.patient = sol->groups[g].members.items[m];
        solver_fill_result *r = NULL;
        double t0 = now_ms();
        int rc = solver_fill_run(inst, sol, &ev, 1, &o, &r, &d);
        lib[i] = now_ms() - t0;
        if (rc != SOLVER_OK) {
            fprintf(stderr, "fill-latency: fill failed (%d) for %s in %s\n", rc, ev.patient, ev.group);
            return 1;
        }
        placed += r->placed;
        eligible_sum += r->n_seats ? r->seats[0].n_eligible : 0;
        solver_fill_result_destroy(r);
    }
    char evpath[] = "/tmp/fill-latency-XXXXXX";
    int fd = mkstemp(evpath);
    if (fd < 0)
        return 1;
    for (int i = 0; i < cli_runs; i++) {
        int g, m;
        pick(sol, &g, &m);
        char buf[512];
        int len = snprintf(buf, sizeof buf, "{\"event\":\"dropped\",\"group\":\"%s\",\"patient\":\"%s\"}\n",
                           sol->groups[g].id, sol->groups[g].members.items[m]);
        if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) < 0 || write(fd, buf, (size_t)len) != len)
            return 1;
        double t0 = now_ms();
        int rc = run_cli(ip, sp, evpath);
        cli[i] = now_ms() - t0;
        if (rc != 0) {
            fprintf(stderr, "fill-latency: cohort fill exited %d\n", rc);
            return 1;
        }
    }
    close(fd);
    unlink(evpath);
    stats a = summarise(lib, runs), b = summarise(cli, cli_runs);
    int members = 0, running = 0;
    for (int g = 0; g < sol->n_groups; g++)
        if (sol->groups[g].running) {
            running++;
            members += sol->groups[g].members.n;
        }
    if (json) {
        printf("{\"instance\":\"%s\",\"groups\":%d,\"running\":%d,\"patients\":%d,\"members\":%d,"
               "\"runs\":%d,\"placed\":%d,\"mean_eligible\":%.1f,"
               "\"fill_ms\":{\"median\":%.3f,\"p99\":%.3f,\"mean\":%.3f,\"min\":%.3f,\"max\":%.3f},"
               "\"cli_runs\":%d,\"cli_ms\":{\"median\":%.3f,\"p99\":%.3f,\"mean\":%.3f,\"min\":%.3f,\"max\":%.3f}}\n",
               ip, inst->n_groups, running, inst->n_patients, members, runs, placed,
               (double)eligible_sum / runs, a.median, a.p99, a.mean, a.min, a.max, b.n, b.median,
               b.p99, b.mean, b.min, b.max);
    } else {
        printf("instance %s: %d groups (%d running, %d members), %d patients\n", ip, inst->n_groups,
               running, members, inst->n_patients);
        printf("fill, one vacated seat, --apply (library call), %d runs: median %.2f ms, p99 %.2f ms "
               "(mean %.2f, min %.2f, max %.2f); %d of %d seats filled, %.1f eligible per seat\n",
               runs, a.median, a.p99, a.mean, a.min, a.max, placed, runs,
               (double)eligible_sum / runs);
        if (cli_runs > 0)
            printf("cohort fill --apply (whole command: start, read JSON, fill, check, write), %d runs: "
                   "median %.1f ms, p99 %.1f ms (mean %.1f, min %.1f, max %.1f)\n",
                   cli_runs, b.median, b.p99, b.mean, b.min, b.max);
    }
    free(lib);
    free(cli);
    model_instance_destroy(inst);
    model_solution_destroy(sol);
    model_diag_free(&d);
    return 0;
}
