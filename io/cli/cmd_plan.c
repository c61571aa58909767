/* cmd_plan.c - `cohort plan INSTANCE [-o SOLUTION] [--baseline SOLUTION]
 * [--time-limit S] [--gap G] [--quiet] [--verbose] [--export-model FILE]
 * [--json]`: plan the quarter (a minimal-change re-plan with --baseline). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_private.h"
#include "solver.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort plan INSTANCE [-o SOLUTION] [--baseline SOLUTION] [--time-limit S]\n"
            "                   [--gap G] [--quiet] [--export-model FILE] [--json]\n"
            "Plan the quarter: which groups run, when, where, led by whom, with which\n"
            "waitlisted patients; dated sessions with time-off coverage; unplaced patients\n"
            "with reasons; metrics.  INSTANCE \"-\" reads standard input.\n\n"
            "  -o, --output FILE    write the solution JSON to FILE and print a readable\n"
            "                       summary (without -o the JSON goes to stdout)\n"
            "  --json               print the solution JSON to stdout even with -o\n"
            "  --baseline SOLUTION  minimal-change re-plan: start from this schedule and\n"
            "                       keep what exists; each changed field of a group (running,\n"
            "                       day, start, room, facilitators, substitute, week parity,\n"
            "                       each member dropped) costs settings.weights.change\n"
            "                       [20]; the solution lists every change in \"changes\".\n"
            "                       Pin per field with the instance's groups[].pinned (e.g.\n"
            "                       pin day and start, leave room free)\n"
            "  --time-limit S       overall time limit in seconds [settings.time_limit_s]\n"
            "  --gap G              relative optimality gap to stop at [settings.mip_gap]\n"
            "  --quiet              no progress lines on stderr\n"
            "  --verbose            progress lines on stderr even when it is not a terminal\n"
            "  --export-model FILE  also write the timetable MIP as CPLEX LP (.lp) or free\n"
            "                       MPS (any other name), for another solver; MPS has no\n"
            "                       objective sense, so it minimises the negated objective\n"
            "  -h, --help           show this help\n\n"
            "An infeasible program also gets a relaxed plan (the schedule that breaks as few\n"
            "rules as possible, each break listed in \"exceptions\") unless\n"
            "settings.on_infeasible is \"fail\"; see docs/FORMAT.md.\n\n"
            "Exit codes: 0 solved, 2 invalid input, 3 infeasible (diagnosis printed, with or\n"
            "without a relaxed plan), 4 no solution within the time limit, 1 internal error.\n");
}

static int parse_double(const char *s, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (!s[0] || !end || *end || !(v >= 0))
        return -1;
    *out = v;
    return 0;
}

/* Readable summary: groups by day and time, fill, unplaced, revenue. */
static void summary(FILE *out, const model_instance *inst, const model_solution *sol)
{
    fprintf(out, "%s: %s", inst->program.name && inst->program.name[0] ? inst->program.name : "program",
            model_solution_status_name(sol->status));
    if (sol->status == MODEL_STATUS_OPTIMAL || sol->status == MODEL_STATUS_FEASIBLE)
        fprintf(out, ", objective %.2f (bound %.2f, gap %.2f%%), %.2f s\n", sol->objective,
                sol->bound, 100 * sol->gap, sol->solve_seconds);
    else if (sol->n_exceptions > 0)
        fprintf(out, " with a relaxed plan, objective %.2f, %.2f s\n", sol->objective,
                sol->solve_seconds);
    else
        fprintf(out, " after %.2f s\n", sol->solve_seconds);
    for (int i = 0; i < sol->diagnosis.n; i++)
        fprintf(out, "  diagnosis: %s\n", sol->diagnosis.items[i]);
    if (sol->n_exceptions > 0)
        fprintf(out, "\nrelaxed plan: the best schedule found that breaks as few rules as "
                     "possible (%d exception%s):\n", sol->n_exceptions,
                sol->n_exceptions == 1 ? "" : "s");
    for (int i = 0; i < sol->n_exceptions; i++)
        fprintf(out, "  exception (rule %d): %s\n", sol->exceptions[i].rule,
                sol->exceptions[i].why ? sol->exceptions[i].why : sol->exceptions[i].group);
    if (sol->n_groups == 0)
        return;
    /* order running groups by day, start */
    int *ord = malloc(sizeof(int) * (size_t)sol->n_groups);
    if (!ord)
        return;
    int n = 0;
    for (int i = 0; i < sol->n_groups; i++)
        if (sol->groups[i].running)
            ord[n++] = i;
    for (int i = 1; i < n; i++) {
        int x = ord[i], k = i - 1;
        const model_sol_group *gx = &sol->groups[x];
        while (k >= 0) {
            const model_sol_group *gk = &sol->groups[ord[k]];
            if (gk->day < gx->day || (gk->day == gx->day && gk->start <= gx->start))
                break;
            ord[k + 1] = ord[k];
            k--;
        }
        ord[k + 1] = x;
    }
    int last_day = -1;
    for (int i = 0; i < n; i++) {
        const model_sol_group *g = &sol->groups[ord[i]];
        if (g->day != last_day) {
            fprintf(out, "\n%s\n", model_day_name(g->day));
            last_day = g->day;
        }
        char a[6], b[6];
        model_time_format(g->start, a);
        model_time_format(g->end, b);
        int t = model_find_type(inst, g->type);
        int maxs = t >= 0 ? inst->types[t].max_size : 0;
        char facs[256];
        size_t u = 0;
        facs[0] = 0;
        for (int k = 0; k < g->facilitators.n && u + 2 < sizeof facs; k++)
            u += (size_t)snprintf(facs + u, sizeof facs - u, "%s%s", k ? " + " : "",
                                  g->facilitators.items[k]);
        char par[24] = "";
        if (t >= 0 && inst->types[t].cadence == MODEL_BIWEEKLY)
            snprintf(par, sizeof par, " biweekly(%s)", g->week_parity ? "odd" : "even");
        fprintf(out, "  %s-%s  %-14s %-12s %-10s %-28s sub %-10s %2d/%-2d (+%d new)%s\n", a, b,
                g->id, g->type, g->room ? g->room : "telehealth", facs,
                g->substitute ? g->substitute : "-", g->members.n, maxs, g->new_members.n, par);
    }
    int notrun = sol->n_groups - n;
    const model_metrics *m = &sol->metrics;
    fprintf(out, "\n%d groups running (%d not opened); seats filled %d/%d\n", n, notrun,
            m->seats_filled, m->seats);
    fprintf(out, "placed %d of %d waitlisted; %d unplaced; %d uncovered sessions\n", m->placed,
            m->waitlist_before, sol->n_unplaced, m->uncovered_sessions);
    fprintf(out, "member-sessions %ld, projected revenue $%.2f, mean wait of those placed %.1f "
                 "days\n",
            m->member_sessions, m->projected_revenue, m->mean_wait_days_placed);
    if (sol->has_baseline) {
        if (sol->n_changes == 0)
            fprintf(out, "no changes against the baseline\n");
        else
            fprintf(out, "\n%d change%s against the baseline (penalty %.2f):\n", sol->n_changes,
                    sol->n_changes == 1 ? "" : "s", sol->terms.changes);
        for (int i = 0; i < sol->n_changes; i++) {
            const model_sol_change *ch = &sol->changes[i];
            if (ch->field && strcmp(ch->field, "members") == 0 && !ch->after)
                fprintf(out, "  %-14s member %s no longer in the group\n", ch->group,
                        ch->before ? ch->before : "-");
            else
                fprintf(out, "  %-14s %-12s %s -> %s\n", ch->group, ch->field,
                        ch->before ? ch->before : "-", ch->after ? ch->after : "-");
        }
    }
    free(ord);
}

int io_cmd_plan(int argc, char **argv)
{
    enum { OPT_TL = 1000, OPT_GAP, OPT_QUIET, OPT_EXPORT, OPT_JSON, OPT_VERBOSE, OPT_BASELINE };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"time-limit", required_argument, NULL, OPT_TL},
        {"gap", required_argument, NULL, OPT_GAP},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {"export-model", required_argument, NULL, OPT_EXPORT},
        {"json", no_argument, NULL, OPT_JSON},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    solver_options so;
    solver_options_default(&so);
    so.started = solver_clock(); /* the limit covers reading the program too */
    const char *out_path = NULL, *baseline_path = NULL;
    int quiet = 0, verbose = 0, json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out_path = optarg; break;
        case OPT_TL:
            if (parse_double(optarg, &so.time_limit_s) || !(so.time_limit_s > 0) ||
                so.time_limit_s > MODEL_MAX_TIME_LIMIT_S) {
                fprintf(stderr, "cohort plan: --time-limit: expected seconds in (0, %g], got '%s'\n",
                        MODEL_MAX_TIME_LIMIT_S, optarg);
                return COHORT_EXIT_INVALID;
            }
            break;
        case OPT_GAP:
            if (parse_double(optarg, &so.mip_gap) || so.mip_gap > 1) {
                fprintf(stderr, "cohort plan: --gap: expected a number in 0..1, got '%s'\n",
                        optarg);
                return COHORT_EXIT_INVALID;
            }
            break;
        case OPT_QUIET: quiet = 1; break;
        case OPT_VERBOSE: verbose = 1; break;
        case OPT_EXPORT: so.export_model_path = optarg; break;
        case OPT_JSON: json = 1; break;
        case OPT_BASELINE: baseline_path = optarg; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "cohort plan: expected one instance file\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    so.verbose = !quiet && (verbose || isatty(STDERR_FILENO));
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = io_instance_read_file(argv[optind], &inst, &d);
    if (rc == IO_ENOMEM) {
        fprintf(stderr, "cohort plan: out of memory\n");
        model_diag_free(&d);
        return COHORT_EXIT_INTERNAL;
    }
    if (rc != IO_OK) {
        io_print_diag(stderr, &d);
        fprintf(stderr, "%s: invalid (%d errors)\n", argv[optind], d.n_errors);
        if (!out_path || json) {
            char *text = NULL;
            if (io_diag_to_json(&d, "invalid", &text) == IO_OK)
                io_emit(json ? NULL : out_path, text);
            free(text);
        }
        model_diag_free(&d);
        return COHORT_EXIT_INVALID;
    }
    if (!quiet)
        for (int i = 0; i < d.n_warnings; i++)
            fprintf(stderr, "warning: %s: %s\n", d.warnings[i].path[0] ? d.warnings[i].path : "(file)",
                    d.warnings[i].message);
    model_diag_free(&d);
    model_solution *base = NULL;
    if (baseline_path) {
        model_diag_init(&d);
        rc = io_solution_read_file(baseline_path, &base, &d);
        if (rc != IO_OK) {
            io_print_diag(stderr, &d);
            fprintf(stderr, "%s: %s\n", baseline_path,
                    rc == IO_ENOMEM ? "out of memory" : "unreadable baseline solution");
            model_diag_free(&d);
            model_instance_destroy(inst);
            return rc == IO_ENOMEM ? COHORT_EXIT_INTERNAL : COHORT_EXIT_INVALID;
        }
        model_diag_free(&d);
        so.baseline = base;
    }
    model_solution *sol = NULL;
    rc = solver_plan(inst, &so, &sol);
    if (rc != SOLVER_OK) {
        if (rc == SOLVER_EIO)
            fprintf(stderr, "cohort plan: cannot write the model to %s\n", so.export_model_path);
        else
            fprintf(stderr, "cohort plan: planner failed (%s)\n",
                    rc == SOLVER_ENOMEM    ? "out of memory"
                    : rc == SOLVER_EBACKEND ? "GLPK error"
                                           : "bad input");
        model_solution_destroy(base);
        model_instance_destroy(inst);
        return COHORT_EXIT_INTERNAL;
    }
    char *text = NULL;
    int exit_code = COHORT_EXIT_OK;
    if (io_solution_to_json(sol, &text) != IO_OK) {
        fprintf(stderr, "cohort plan: out of memory\n");
        exit_code = COHORT_EXIT_INTERNAL;
    } else {
        if (out_path) {
            int e = io_emit(out_path, text);
            if (e != COHORT_EXIT_OK)
                exit_code = e;
            if (json) {
                e = io_emit(NULL, text);
                if (e != COHORT_EXIT_OK)
                    exit_code = e;
            } else {
                summary(stdout, inst, sol);
            }
        } else {
            int e = io_emit(NULL, text);
            if (e != COHORT_EXIT_OK)
                exit_code = e;
        }
    }
    free(text);
    if (exit_code == COHORT_EXIT_OK) {
        if (sol->status == MODEL_STATUS_INFEASIBLE) {
            for (int i = 0; i < sol->diagnosis.n; i++)
                fprintf(stderr, "infeasible: %s\n", sol->diagnosis.items[i]);
            exit_code = COHORT_EXIT_INFEASIBLE;
        } else if (sol->status == MODEL_STATUS_TIME_LIMIT) {
            fprintf(stderr, "cohort plan: no schedule found within the time limit\n");
            for (int i = 0; i < sol->diagnosis.n; i++)
                fprintf(stderr, "  %s\n", sol->diagnosis.items[i]);
            exit_code = COHORT_EXIT_NO_SOLUTION;
        }
    }
    model_solution_destroy(sol);
    model_solution_destroy(base);
    model_instance_destroy(inst);
    return exit_code;
}
