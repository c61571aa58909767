/* cmd_serve.c - `cohort serve --db FILE [--port N] [--bind ADDR] ...`. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort serve --db FILE|URL [--port N] [--bind ADDR] [--max-body BYTES]\n"
            "                    [--max-json-values N] [--max-json-depth N] [--timeout S]\n"
            "                    [--request-timeout S] [--max-connections N] [--max-per-ip N]\n"
            "                    [--jobs N] [--workers N] [--stale S] [--no-fan-out] [--quiet]\n"
            "       cohort serve --openapi [OUT]\n"
            "Serve the JSON HTTP API (docs/openapi.json) over the store: a SQLite FILE\n"
            "(created when missing) or a PostgreSQL URL shared by several nodes.  Needs bearer tokens: see `cohort token create`.  Runs until SIGINT or\n"
            "SIGTERM.  Prints \"listening on http://ADDR:PORT\" once it accepts requests.\n"
            "Each solve (plan, what-if) is a job in the store's queue; this node runs up to\n"
            "--workers of them at a time as `cohort worker` processes of this executable,\n"
            "within their time limits, and so does every `cohort worker --db` on the same\n"
            "store; up to 32 more wait (then 503).  Jobs survive a restart.  A what-if is\n"
            "one job per plan and a multi-site plan one job per site, shared by every\n"
            "worker of the store (docs/DEPLOY.md).\n"
            "A port already in use is refused (exit 1).\n"
            "The web console (sign in with a token) is at http://ADDR:PORT/.\n\n"
            "  --db FILE|URL      the store: a SQLite database file, or a PostgreSQL\n"
            "                     database as postgresql://USER[:PASSWORD]@HOST[:PORT]/DB\n"
            "                     (any libpq connection URL; docs/DEPLOY.md)\n"
            "  --port N           TCP port [8080]; 0 = any free port (printed)\n"
            "  --bind ADDR        numeric address to listen on [127.0.0.1]\n"
            "  --max-body BYTES   largest request body [33554432, about 3 XL programs];\n"
            "                     larger -> 413\n"
            "  --max-json-values N  values (array elements, object members) in one JSON\n"
            "                     body [1000000, about 2 XL programs]; more -> 413\n"
            "  --max-json-depth N nesting of a JSON body [32]; deeper -> 413\n"
            "  --timeout S        idle connection timeout in seconds [30]\n"
            "  --request-timeout S  a request's headers and body must arrive within S\n"
            "                     seconds of the connection or of its previous answer [60];\n"
            "                     else the connection is closed\n"
            "  --max-connections N  open connections in all [256]\n"
            "  --max-per-ip N     open connections from one client address [32]\n"
            "  --jobs N           solver processes at a time [2]\n"
            "  --workers N        jobs this node runs itself [--jobs]; 0 = none, for\n"
            "                     API nodes beside standalone `cohort worker --db`\n"
            "  --stale S          a running job without a heartbeat for S seconds lost its\n"
            "                     worker: it is retried once, then failed [15]\n"
            "  --no-fan-out       queue each what-if and multi-site plan as one job (as\n"
            "                     before fan-out: while workers of an older version still\n"
            "                     run on the store)\n"
            "  --quiet            no request log (the log, on stderr, names method, path\n"
            "                     template, status and milliseconds; never ids or bodies)\n"
            "  --openapi [OUT]    write the OpenAPI document and exit\n"
            "  -h, --help         show this help\n\n"
            "Exit codes: 0 stopped by a signal, 2 bad arguments, 1 cannot start.\n");
}

/* The numeric options: name, range, and where the value goes. */
typedef struct num_opt {
    const char *name;
    long lo, hi;
    int *i;    /* one of these three */
    long *l;
    size_t *z;
} num_opt;

/* Parse s into the field of opt.  0 ok, -1 (message printed) when it is
 * not an integer in range; the field is then unchanged. */
static int parse_num(const num_opt *opt, const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < opt->lo || v > opt->hi) {
        fprintf(stderr, "cohort serve: --%s must be an integer in %ld..%ld (got '%s')\n",
                opt->name, opt->lo, opt->hi, s);
        return -1;
    }
    if (opt->i)
        *opt->i = (int)v;
    else if (opt->l)
        *opt->l = v;
    else
        *opt->z = (size_t)v;
    return 0;
}

int io_cmd_serve(int argc, char **argv)
{
    io_server_options o;
    io_server_options_default(&o);
    o.log = stderr;
    int stale = (int)o.job_stale_s;
    const num_opt nums[] = {
        {"port", 0, 65535, &o.port, NULL, NULL},
        {"max-body", 1, 1L << 40, NULL, NULL, &o.max_body},
        {"max-json-values", 1, 1L << 40, NULL, &o.max_json_values, NULL},
        {"max-json-depth", 1, 10000, &o.max_json_depth, NULL, NULL},
        {"timeout", 1, 86400, &o.timeout_s, NULL, NULL},
        {"request-timeout", 1, 86400, &o.request_timeout_s, NULL, NULL},
        {"max-connections", 1, 65536, &o.max_connections, NULL, NULL},
        {"max-per-ip", 1, 65536, &o.max_per_ip, NULL, NULL},
        {"jobs", 1, 64, &o.max_jobs, NULL, NULL},
        {"workers", 0, 64, &o.workers, NULL, NULL},
        {"stale", 1, 86400, &stale, NULL, NULL},
    };
    enum { N_NUMS = sizeof nums / sizeof nums[0], NUM_BASE = 1000 };
    struct option opts[N_NUMS + 7] = {
        {"db", required_argument, NULL, 'd'},     {"bind", required_argument, NULL, 'b'},
        {"quiet", no_argument, NULL, 'q'},        {"openapi", no_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},     {"no-fan-out", no_argument, NULL, 'F'},
    };
    for (int i = 0; i < N_NUMS; i++)
        opts[6 + i] = (struct option){nums[i].name, required_argument, NULL, NUM_BASE + i};
    opts[6 + N_NUMS] = (struct option){NULL, 0, NULL, 0};
    const char *db = NULL;
    int openapi = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c >= NUM_BASE && c < NUM_BASE + N_NUMS) {
            if (parse_num(&nums[c - NUM_BASE], optarg))
                return COHORT_EXIT_INVALID;
            continue;
        }
        switch (c) {
        case 'd': db = optarg; break;
        case 'b': o.bind = optarg; break;
        case 'q': o.log = NULL; break;
        case 'F': o.no_fanout = 1; break;
        case 'O': openapi = 1; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    o.job_stale_s = stale;
    if (openapi) {
        if (optind < argc - 1) {
            help(stderr);
            return COHORT_EXIT_INVALID;
        }
        char *doc = io_server_openapi_json();
        if (!doc)
            return COHORT_EXIT_INTERNAL;
        int rc = io_emit(optind < argc ? argv[optind] : NULL, doc);
        free(doc);
        return rc;
    }
    if (!db || optind != argc) {
        fprintf(stderr, "cohort serve: expected --db FILE\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    /* Block the stop signals before any thread starts, then wait for them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    io_server *srv = NULL;
    char *err = NULL;
    int rc = io_server_start(db, &o, &srv, &err);
    if (rc != IO_OK) {
        fprintf(stderr, "cohort serve: %s\n", err ? err : "cannot start");
        free(err);
        return rc == IO_EINVAL ? COHORT_EXIT_INVALID : COHORT_EXIT_INTERNAL;
    }
    printf("listening on http://%s%s%s:%d\n", strchr(o.bind, ':') ? "[" : "", o.bind,
           strchr(o.bind, ':') ? "]" : "", io_server_port(srv));
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "cohort serve: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    io_server_stop(srv);
    return COHORT_EXIT_OK;
}
