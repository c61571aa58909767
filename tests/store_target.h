/*
 * store_target.h - which store a test runs on (included by test_store.c,
 * test_server.c, test_jobs.c).
 *
 * By default a SQLite file in the test's directory.  With
 * COHORT_TEST_BACKEND=pg (the *_pg CTest entries) a fresh schema in the
 * PostgreSQL database at COHORT_TEST_PG_URL, made for the test and dropped
 * after it, so tests never see each other's rows; the store URL selects it
 * through the connection's search_path.  A PostgreSQL run without
 * COHORT_TEST_PG_URL fails (it never turns into a SQLite run or a skip).
 */
#ifndef COHORT_TEST_STORE_TARGET_H
#define COHORT_TEST_STORE_TARGET_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_private.h"
#include "store/driver.h"

static char target_schema[64];

/* Whether this run is on PostgreSQL. */
__attribute__((unused)) static int target_pg(void)
{
    const char *b = getenv("COHORT_TEST_BACKEND");
    return b && strcmp(b, "pg") == 0;
}

/* Run sql on the PostgreSQL database of the run (its own connection). */
__attribute__((unused)) static void target_pg_exec(const char *sql)
{
    const char *url = getenv("COHORT_TEST_PG_URL");
    db_conn *c = NULL;
    char *err = NULL;
    cr_assert_eq(db_open(url, 0, 0, &c, &err), IO_OK, "%s", err ? err : "?");
    cr_assert_eq(db_exec(c, sql), DB_OK, "%s: %s", sql, db_errmsg(c));
    db_close(c);
}

/* Set out (n bytes) to the store of this test: file (a path in the test's
 * directory) on SQLite, else a new schema's URL. */
__attribute__((unused)) static void target_setup(char *out, size_t n, const char *file)
{
    if (!target_pg()) {
        snprintf(out, n, "%s", file);
        return;
    }
    const char *url = getenv("COHORT_TEST_PG_URL");
    cr_assert(url && *url, "COHORT_TEST_BACKEND=pg needs COHORT_TEST_PG_URL (a PostgreSQL URL; "
                           "scripts/pg_cluster.sh starts a throwaway cluster and sets it)");
    static int seq;
    snprintf(target_schema, sizeof target_schema, "t%ld_%d", (long)getpid(), seq++);
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", target_schema);
    target_pg_exec(sql);
    snprintf(out, n, "%s%soptions=-csearch_path%%3D%s", url, strchr(url, '?') ? "&" : "?",
             target_schema);
}

/* Drop this test's schema (PostgreSQL; nothing on SQLite, where the test
 * removes its directory). */
__attribute__((unused)) static void target_teardown(void)
{
    if (!target_pg() || !target_schema[0])
        return;
    char sql[128];
    snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", target_schema);
    target_pg_exec(sql);
    target_schema[0] = '\0';
}

/* The first column of the first row of sql as an integer, through a
 * connection of its own (what is committed). */
__attribute__((unused)) static long long target_count(const char *store, const char *sql)
{
    db_conn *c = NULL;
    db_stmt *st = NULL;
    char *err = NULL;
    cr_assert_eq(db_open(store, 0, 1, &c, &err), IO_OK, "%s", err ? err : "?");
    cr_assert_eq(db_prepare(c, sql, &st), DB_OK, "%s", db_errmsg(c));
    cr_assert_eq(db_step(st), DB_ROW, "%s", db_errmsg(c));
    long long v = db_column_int64(st, 0);
    db_finalize(st);
    db_close(c);
    return v;
}

#endif
