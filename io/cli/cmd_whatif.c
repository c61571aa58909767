/* cmd_whatif.c - `cohort whatif INSTANCE SCENARIOS [-j N] [--json]
 * [--time-limit S] [--marginal]`: plan the baseline and each scenario in
 * parallel worker processes and compare them.  docs/WHATIF.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort whatif INSTANCE [SCENARIOS] [-j N] [--json] [--time-limit S]\n"
            "                     [--gap G] [--marginal] [-o OUT]\n"
            "Plan the instance as it is (baseline) and with each scenario's changes, in\n"
            "parallel worker processes, and put the results side by side with the\n"
            "differences: groups running, placements, waitlist after, seats filled,\n"
            "member-sessions, projected revenue (quarter), facilitator load, uncovered\n"
            "sessions, mean wait.  SCENARIOS: {\"scenarios\":[{\"name\",\"changes\":[...]}]}\n"
            "(ops: add_/remove_facilitator, add_/remove_room, add_/remove_group,\n"
            "set_setting, add_/remove_credential, set_windows, set_type_size,\n"
            "add_referrals; see docs/WHATIF.md).  An invalid or failing scenario is\n"
            "reported; the others go on.\n\n"
            "  -j, --jobs N        worker processes at once (default: the core count)\n"
            "  --time-limit S      time limit of each plan (default: the instance's)\n"
            "  --gap G             relative MIP gap of each plan (default: the instance's)\n"
            "  --marginal          also: one more facilitator per credential and one more\n"
            "                      room, ranked by placements and revenue per quarter\n"
            "  --json              print the comparison as JSON\n"
            "  -o, --output OUT    write the output to OUT instead of stdout\n"
            "  -h, --help          show this help\n\n"
            "Exit codes: 0 ok (also when some scenarios are invalid or failed), 2 invalid\n"
            "instance or scenario file, 1 internal error.\n");
}

int io_cmd_whatif(int argc, char **argv)
{
    static const struct option opts[] = {
        {"jobs", required_argument, NULL, 'j'},
        {"json", no_argument, NULL, 'J'},
        {"time-limit", required_argument, NULL, 't'},
        {"gap", required_argument, NULL, 'g'},
        {"marginal", no_argument, NULL, 'm'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    io_whatif_options wo;
    io_whatif_options_default(&wo);
    const char *out_path = NULL;
    int json = 0, c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            wo.jobs = (int)strtol(optarg, &end, 10);
            if (*end || wo.jobs < 1 || wo.jobs > 256) {
                fprintf(stderr, "cohort whatif: -j needs 1..256, got '%s'\n", optarg);
                return COHORT_EXIT_INVALID;
            }
            break;
        case 't':
            wo.time_limit_s = strtod(optarg, &end);
            if (*end || !(wo.time_limit_s > 0 && wo.time_limit_s <= MODEL_MAX_TIME_LIMIT_S)) {
                fprintf(stderr, "cohort whatif: --time-limit: expected seconds in (0, %g], got '%s'\n",
                        MODEL_MAX_TIME_LIMIT_S, optarg);
                return COHORT_EXIT_INVALID;
            }
            break;
        case 'g':
            wo.mip_gap = strtod(optarg, &end);
            if (*end || !(wo.mip_gap >= 0 && wo.mip_gap < 1)) {
                fprintf(stderr, "cohort whatif: --gap needs 0 <= G < 1, got '%s'\n", optarg);
                return COHORT_EXIT_INVALID;
            }
            break;
        case 'J': json = 1; break;
        case 'm': wo.marginal = true; break;
        case 'o': out_path = optarg; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    int nargs = argc - optind;
    if (nargs < 1 || nargs > 2 || (nargs == 1 && !wo.marginal)) {
        fprintf(stderr, "cohort whatif: expected INSTANCE SCENARIOS (or INSTANCE --marginal)\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    model_scenario *sc = NULL;
    char *text = NULL;
    json_t *result = NULL;
    size_t len = 0;
    int n = 0, exit_code = COHORT_EXIT_INTERNAL;
    int rc = io_instance_read_file(argv[optind], &inst, &d);
    if (rc == IO_OK && nargs == 2) {
        rc = io_read_all(argv[optind + 1], IO_MAX_INPUT_BYTES, &text, &len);
        if (rc != IO_OK)
            model_diag_error(&d, "", "cannot read scenario file %s", argv[optind + 1]);
        else
            rc = io_whatif_parse(text, len, inst, &sc, &n, &d);
    }
    if (rc != IO_OK) {
        io_print_diag(stderr, &d);
        exit_code = rc == IO_ENOMEM ? COHORT_EXIT_INTERNAL : COHORT_EXIT_INVALID;
        goto done;
    }
    rc = io_whatif_run_tree(inst, sc, n, &wo, &result);
    if (rc != IO_OK) {
        fprintf(stderr, "cohort whatif: %s\n",
                rc == IO_EIO ? "could not run worker processes" : "out of memory");
        goto done;
    }
    if (json) {
        char *t = json_dumps(result, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        exit_code = t ? io_emit(out_path, t) : COHORT_EXIT_INTERNAL;
        free(t);
    } else {
        FILE *f = stdout;
        if (out_path && strcmp(out_path, "-") != 0 && !(f = fopen(out_path, "w"))) {
            fprintf(stderr, "cohort whatif: cannot write %s\n", out_path);
            goto done;
        }
        exit_code = io_whatif_table_tree(f, result) == IO_OK ? COHORT_EXIT_OK : COHORT_EXIT_INTERNAL;
        if (f != stdout)
            fclose(f);
    }
done:
    json_decref(result);
    free(text);
    io_whatif_scenarios_free(sc, n);
    model_instance_destroy(inst);
    model_diag_free(&d);
    return exit_code;
}
