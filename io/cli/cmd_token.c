/* cmd_token.c - `cohort token create|list|revoke --db FILE`. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort token create --role admin|coordinator|viewer --db FILE [--name N]\n"
            "       cohort token list --db FILE\n"
            "       cohort token revoke ID --db FILE\n"
            "Manage the bearer tokens of `cohort serve`.  create prints the new token once\n"
            "(only its SHA-256 is stored); list shows ids, names, roles and revocations.\n"
            "Roles: viewer reads; coordinator also records events, plans and publishes;\n"
            "admin also manages programs, their entities and tokens.\n\n"
            "  --db FILE        SQLite database (created when missing)\n"
            "  --role ROLE      admin, coordinator or viewer\n"
            "  --name N         a label (who or what uses the token)\n"
            "  -h, --help       show this help\n\n"
            "Exit codes: 0 ok, 2 bad arguments or unknown token, 1 internal error.\n");
}

int io_cmd_token(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"role", required_argument, NULL, 'r'},
        {"name", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *role_s = NULL, *name = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'r': role_s = optarg; break;
        case 'n': name = optarg; break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    const char *sub = optind < argc ? argv[optind] : NULL;
    if (!sub || !db) {
        fprintf(stderr, "cohort token: expected create, list or revoke, and --db FILE\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    int role = -1;
    long revoke_id = 0;
    if (strcmp(sub, "create") == 0) {
        role = io_role_parse(role_s);
        if (role < 0 || optind != argc - 1) {
            fprintf(stderr, "cohort token create: --role must be admin, coordinator or viewer\n");
            return COHORT_EXIT_INVALID;
        }
    } else if (strcmp(sub, "revoke") == 0) {
        char *end = NULL;
        if (optind != argc - 2 || (revoke_id = strtol(argv[optind + 1], &end, 10)) <= 0 || *end) {
            fprintf(stderr, "cohort token revoke: expected a token id (see cohort token list)\n");
            return COHORT_EXIT_INVALID;
        }
    } else if (strcmp(sub, "list") != 0 || optind != argc - 1) {
        fprintf(stderr, "cohort token: unknown subcommand '%s'\n", sub);
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    io_store *s = NULL;
    char *err = NULL;
    int rc = io_store_open(db, strcmp(sub, "create") == 0, &s, &err);
    if (rc != IO_OK) {
        fprintf(stderr, "cohort token: %s\n", err ? err : "cannot open the database");
        free(err);
        return rc == IO_EIO ? COHORT_EXIT_INVALID : COHORT_EXIT_INTERNAL;
    }
    int exit_code = COHORT_EXIT_OK;
    if (role >= 0) {
        char *secret = NULL;
        long id = 0;
        rc = io_store_token_create(s, role, name, 0, &secret, &id);
        if (rc == IO_OK) {
            printf("%s\n", secret);
            fprintf(stderr, "cohort token: created token %ld (%s%s%s); it is shown only now\n",
                    id, io_role_name(role), name ? ", " : "", name ? name : "");
        } else {
            fprintf(stderr, "cohort token: cannot create the token\n");
            exit_code = COHORT_EXIT_INTERNAL;
        }
        free(secret);
    } else if (revoke_id > 0) {
        rc = io_store_token_revoke(s, revoke_id, 0);
        if (rc == IO_OK) {
            printf("revoked token %ld\n", revoke_id);
        } else if (rc == IO_STORE_ENOTFOUND) {
            fprintf(stderr, "cohort token revoke: no live token %ld\n", revoke_id);
            exit_code = COHORT_EXIT_INVALID;
        } else {
            fprintf(stderr, "cohort token revoke: database error\n");
            exit_code = COHORT_EXIT_INTERNAL;
        }
    } else {
        char *text = NULL;
        rc = io_store_token_list(s, &text, NULL);
        json_t *arr = rc == IO_OK ? json_loads(text, 0, NULL) : NULL;
        if (!arr) {
            fprintf(stderr, "cohort token list: database error\n");
            exit_code = COHORT_EXIT_INTERNAL;
        } else {
            size_t i;
            json_t *t;
            printf("%-6s %-12s %-24s %-26s %s\n", "id", "role", "name", "created", "revoked");
            json_array_foreach(arr, i, t)
            {
                const char *nm = json_string_value(json_object_get(t, "name"));
                const char *rv = json_string_value(json_object_get(t, "revoked"));
                printf("%-6lld %-12s %-24s %-26s %s\n",
                       (long long)json_integer_value(json_object_get(t, "id")),
                       json_string_value(json_object_get(t, "role")), nm ? nm : "-",
                       json_string_value(json_object_get(t, "created")), rv ? rv : "-");
            }
        }
        json_decref(arr);
        free(text);
    }
    io_store_close(s);
    return exit_code;
}
