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
            "Usage: cohort serve --db FILE [--port N] [--bind ADDR] [--max-body BYTES]\n"
            "                    [--timeout S] [--jobs N] [--workers N] [--stale S] [--quiet]\n"
            "       cohort serve --openapi [OUT]\n"
            "Serve the JSON HTTP API (docs/openapi.json) over the store FILE (created when\n"
            "missing).  Needs bearer tokens: see `cohort token create`.  Runs until SIGINT or\n"
            "SIGTERM.  Prints \"listening on http://ADDR:PORT\" once it accepts requests.\n"
            "Each solve (plan, what-if) is a job in the store's queue; this node runs up to\n"
            "--workers of them at a time as `cohort worker` processes of this executable,\n"
            "within their time limits, and so does every `cohort worker --db` on the same\n"
            "store; up to 32 more wait (then 503).  Jobs survive a restart.\n\n"
            "  --db FILE          SQLite database\n"
            "  --port N           TCP port [8080]; 0 = any free port (printed)\n"
            "  --bind ADDR        numeric address to listen on [127.0.0.1]\n"
            "  --max-body BYTES   largest request body [33554432]; larger -> 413\n"
            "  --timeout S        idle connection timeout in seconds [30]\n"
            "  --jobs N           solver processes at a time [2]\n"
            "  --workers N        jobs this node runs itself [--jobs]; 0 = none, for\n"
            "                     API nodes beside standalone `cohort worker --db`\n"
            "  --stale S          a running job without a heartbeat for S seconds lost its\n"
            "                     worker: it is retried once, then failed [15]\n"
            "  --quiet            no request log (the log, on stderr, names method, path\n"
            "                     template, status and milliseconds; never ids or bodies)\n"
            "  --openapi [OUT]    write the OpenAPI document and exit\n"
            "  -h, --help         show this help\n\n"
            "Exit codes: 0 stopped by a signal, 2 bad arguments, 1 cannot start.\n");
}

static long parse_long(const char *s, long lo, long hi, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) {
        fprintf(stderr, "cohort serve: %s must be an integer in %ld..%ld (got '%s')\n", what, lo,
                hi, s);
        return -1;
    }
    return v;
}

int io_cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"port", required_argument, NULL, 'p'},
        {"bind", required_argument, NULL, 'b'},
        {"max-body", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 't'},
        {"jobs", required_argument, NULL, 'j'},
        {"workers", required_argument, NULL, 'w'},
        {"stale", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},
        {"openapi", no_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    io_server_options o;
    io_server_options_default(&o);
    o.log = stderr;
    const char *db = NULL;
    int openapi = 0, c;
    long v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'p':
            if ((v = parse_long(optarg, 0, 65535, "--port")) < 0)
                return COHORT_EXIT_INVALID;
            o.port = (int)v;
            break;
        case 'b': o.bind = optarg; break;
        case 'm':
            if ((v = parse_long(optarg, 1, 1L << 40, "--max-body")) < 0)
                return COHORT_EXIT_INVALID;
            o.max_body = (size_t)v;
            break;
        case 't':
            if ((v = parse_long(optarg, 1, 86400, "--timeout")) < 0)
                return COHORT_EXIT_INVALID;
            o.timeout_s = (int)v;
            break;
        case 'j':
            if ((v = parse_long(optarg, 1, 64, "--jobs")) < 0)
                return COHORT_EXIT_INVALID;
            o.max_jobs = (int)v;
            break;
        case 'w':
            if ((v = parse_long(optarg, 0, 64, "--workers")) < 0)
                return COHORT_EXIT_INVALID;
            o.workers = (int)v;
            break;
        case 's':
            if ((v = parse_long(optarg, 1, 86400, "--stale")) < 0)
                return COHORT_EXIT_INVALID;
            o.job_stale_s = (double)v;
            break;
        case 'q': o.log = NULL; break;
        case 'O': openapi = 1; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
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
