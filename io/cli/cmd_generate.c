/* cmd_generate.c - `cohort generate --tier S|M|L|XL [--family F] --seed N
 * [-o FILE] [--witness FILE]`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

#define MAX_FAMILIES 32

/* The families and their one-line summaries, as model_generate_families
 * lists them. */
static void help_families(FILE *out)
{
    const char *names[MAX_FAMILIES], *summaries[MAX_FAMILIES];
    int n = model_generate_families(names, summaries, NULL, MAX_FAMILIES);
    fprintf(out, "Families (-f):\n");
    for (int i = 0; i < n && i < MAX_FAMILIES; i++)
        fprintf(out, "  %-22s %s\n", names[i], summaries[i]);
}

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort generate --tier S|M|L|XL [--family F] --seed N [-o FILE]\n"
            "                       [--witness FILE]\n"
            "Generate a realistic benchmark program (deterministic for tier, family and\n"
            "seed).  Every family but the infeasible-* ones is feasible by construction.\n\n"
            "Tiers: S 15 groups / 6 facilitators / 150 waitlisted; M 60 / 24 / 600;\n"
            "       L 200 / 60 / 2,500; XL 1,000 / 300 / 12,000 across 10 sites.\n"
            "Multi-site programs give each site its own copy of every group type whose\n"
            "credentials and room features include \"site:<name>\".\n\n"
            "  -t, --tier T       S, M, L or XL\n"
            "  -f, --family F     structural family [standard] (below)\n"
            "  -s, --seed N       seed (non-negative integer)\n"
            "  -o, --output FILE  write the instance JSON to FILE (default stdout)\n"
            "  -w, --witness FILE also write the feasible plan the generator built\n"
            "                     (a solution: every must-run group running); not for\n"
            "                     the infeasible-* families, which have none\n"
            "  -h, --help         show this help\n\n");
    help_families(out);
    fprintf(out, "\nExit codes: 0 ok, 2 invalid arguments, 1 internal error.\n");
}

/* True when family names a family (NULL: the standard one); *infeasible
 * tells whether it is infeasible by design. */
static bool family_known(const char *family, bool *infeasible)
{
    const char *names[MAX_FAMILIES];
    bool inf[MAX_FAMILIES];
    int n = model_generate_families(names, NULL, inf, MAX_FAMILIES);
    *infeasible = false;
    for (int i = 0; i < n && i < MAX_FAMILIES; i++)
        if (!family || strcmp(family, names[i]) == 0) {
            *infeasible = inf[i];
            return true;
        }
    return false;
}

static int parse_seed(const char *s, unsigned long long *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int io_cmd_generate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"tier", required_argument, NULL, 't'},
        {"family", required_argument, NULL, 'f'},
        {"seed", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"witness", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *tier = NULL, *family = NULL, *seed_s = NULL, *out_path = NULL, *wit_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:f:s:o:w:h", opts, NULL)) != -1) {
        switch (c) {
        case 't': tier = optarg; break;
        case 'f': family = optarg; break;
        case 's': seed_s = optarg; break;
        case 'o': out_path = optarg; break;
        case 'w': wit_path = optarg; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "cohort generate: unexpected argument '%s'\n", argv[optind]);
        return COHORT_EXIT_INVALID;
    }
    unsigned long long seed = 0;
    if (!tier || model_generate_tier(tier, NULL, NULL, NULL, NULL) != MODEL_OK) {
        fprintf(stderr, "cohort generate: --tier must be S, M, L or XL (got %s)\n",
                tier ? tier : "nothing");
        return COHORT_EXIT_INVALID;
    }
    bool infeasible = false;
    if (!family_known(family, &infeasible)) {
        fprintf(stderr, "cohort generate: unknown --family %s (see --help)\n", family);
        return COHORT_EXIT_INVALID;
    }
    if (infeasible && wit_path) {
        fprintf(stderr, "cohort generate: family %s is infeasible by design: no --witness\n",
                family);
        return COHORT_EXIT_INVALID;
    }
    if (!seed_s || parse_seed(seed_s, &seed) != 0) {
        fprintf(stderr, "cohort generate: --seed must be a non-negative integer (got %s)\n",
                seed_s ? seed_s : "nothing");
        return COHORT_EXIT_INVALID;
    }
    model_instance *inst = NULL;
    model_solution *wit = NULL;
    int rc = model_generate_family(tier, family, seed, &inst, wit_path ? &wit : NULL);
    if (rc != MODEL_OK) {
        fprintf(stderr, "cohort generate: %s\n",
                rc == MODEL_ENOMEM ? "out of memory" : "could not build a feasible program");
        return COHORT_EXIT_INTERNAL;
    }
    char *text = NULL;
    int exit_code = COHORT_EXIT_OK;
    if (io_instance_to_json(inst, &text) != IO_OK) {
        fprintf(stderr, "cohort generate: out of memory\n");
        exit_code = COHORT_EXIT_INTERNAL;
    } else {
        exit_code = io_emit(out_path, text);
    }
    free(text);
    text = NULL;
    if (exit_code == COHORT_EXIT_OK && wit) {
        if (io_solution_to_json(wit, &text) != IO_OK) {
            fprintf(stderr, "cohort generate: out of memory\n");
            exit_code = COHORT_EXIT_INTERNAL;
        } else {
            exit_code = io_emit(wit_path, text);
        }
        free(text);
    }
    model_solution_destroy(wit);
    model_instance_destroy(inst);
    return exit_code;
}
