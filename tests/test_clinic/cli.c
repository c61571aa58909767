/* cli.c - the clinic commands (attendance, offers, census) through the
 * cohort binary. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

/* ------------------------------------------------------------- CLI */

/* Run a shell command line; its exit code, stdout into out (may be NULL). */
static int sh(const char *cmd, char *out, size_t n)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t got = out ? fread(out, 1, n - 1, p) : 0;
    if (out)
        out[got] = '\0';
    else
        while (fgetc(p) != EOF) {
        }
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(clinic_cli, record_refuses_bad_input_and_confirm_ranks_the_waitlist, .timeout = 120)
{
    char dir[] = "/tmp/cohort-test-clinic-cli-XXXXXX", db[128], cmd[1024];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/c.db", dir);
    io_store *s = NULL;
    char *err = NULL;
    cr_assert_eq(io_store_open(db, 1, &s, &err), IO_OK);
    prepare_db(s, NULL, 0);
    io_store_close(s);
    static char out[1 << 20];
    snprintf(cmd, sizeof cmd,
             "echo '{\"group\":\"dbt-tue-pm\",\"date\":\"2027-01-05\",\"marks\":[{\"patient\":"
             "\"P0010\",\"status\":\"present\"}]}' | " COHORT_BINARY
             " attendance record - --db %s --program " PROG " 2>&1",
             db);
    cr_assert_eq(sh(cmd, out, sizeof out), 2);
    cr_assert_not_null(strstr(out, "marks[0].patient"), "%s", out);
    for (int w = 0; w < 3; w++) {
        snprintf(cmd, sizeof cmd,
                 "echo '{\"group\":\"dbt-tue-pm\",\"date\":\"2027-01-%02d\",\"marks\":[{"
                 "\"patient\":\"P0003\",\"status\":\"no_show\"}]}' | " COHORT_BINARY
                 " attendance record - --db %s --program " PROG,
                 5 + 7 * w, db);
        cr_assert_eq(sh(cmd, NULL, 0), 0);
    }
    snprintf(cmd, sizeof cmd, COHORT_BINARY " attendance flags --db %s --program " PROG, db);
    cr_assert_eq(sh(cmd, out, sizeof out), 0);
    json_t *fl = json_loads(out, 0, NULL);
    cr_assert(json_is_true(json_object_get(flag_of(fl, "P0003"), "recommend_drop")));
    json_decref(fl);
    snprintf(cmd, sizeof cmd,
             COHORT_BINARY " attendance confirm --db %s --program " PROG
                           " --group dbt-tue-pm --patient P0003 --action drop",
             db);
    cr_assert_eq(sh(cmd, out, sizeof out), 0);
    json_t *r = json_loads(out, 0, NULL);
    json_t *seats = json_object_get(json_object_get(r, "suggestions"), "seats");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(seats, 0), "group")),
                     "dbt-tue-pm");
    json_decref(r);
    /* offers: a patient who cannot take the seat is refused naming the field */
    snprintf(cmd, sizeof cmd,
             "echo '{\"group\":\"dbt-tue-pm\",\"patient\":\"P0010\"}' | " COHORT_BINARY
             " offers create - --db %s --program " PROG " 2>&1",
             db);
    cr_assert_eq(sh(cmd, out, sizeof out), 2);
    cr_assert_not_null(strstr(out, "patient:"), "%s", out);
    snprintf(cmd, sizeof cmd, COHORT_BINARY " offers candidates dbt-tue-pm --db %s --program " PROG,
             db);
    cr_assert_eq(sh(cmd, out, sizeof out), 0);
    r = json_loads(out, 0, NULL);
    char top[16];
    snprintf(top, sizeof top, "%s", cand(r, 0));
    json_decref(r);
    snprintf(cmd, sizeof cmd,
             "echo '{\"group\":\"dbt-tue-pm\",\"patient\":\"%s\"}' | " COHORT_BINARY
             " offers create - --db %s --program " PROG,
             top, db);
    cr_assert_eq(sh(cmd, out, sizeof out), 0);
    r = json_loads(out, 0, NULL);
    long long id = json_integer_value(json_object_get(r, "id"));
    json_decref(r);
    snprintf(cmd, sizeof cmd,
             "echo '{\"decision\":\"accepted\"}' | " COHORT_BINARY
             " offers decide %lld - --db %s --program " PROG,
             id, db);
    cr_assert_eq(sh(cmd, out, sizeof out), 0);
    cr_assert_not_null(strstr(out, "\"placed\""), "%s", out);
    /* census as CSV: 3 no-shows of one member in January, nothing attended */
    snprintf(cmd, sizeof cmd,
             COHORT_BINARY " census --db %s --program " PROG " --period month --start 2027-01 --csv",
             db);
    cr_assert_eq(sh(cmd, out, sizeof out), 0);
    cr_assert_not_null(strstr(out, "\r\ngroup,dbt-tue-pm,4,0,3,0,3,0,"), "%s", out);
    cr_assert_eq(strncmp(out, "level,id,sessions_scheduled", 27), 0);
    for (const char *nl = strchr(out, '\n'); nl; nl = strchr(nl + 1, '\n'))
        cr_assert(nl > out && nl[-1] == '\r', "a CSV line ends in LF alone");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
}

/* The text of path with every occurrence of from replaced by to
 * (malloc'd). */
static char *replaced(const char *path, const char *from, const char *to)
{
    char *text = NULL;
    size_t len;
    cr_assert_eq(io_read_all(path, IO_MAX_INPUT_BYTES, &text, &len), IO_OK);
    size_t n = 0, fl = strlen(from), tl = strlen(to);
    for (const char *p = strstr(text, from); p; p = strstr(p + fl, from))
        n++;
    char *out = malloc(len + n * (tl + 1) + 1), *w = out;
    const char *r = text;
    for (const char *p = strstr(r, from); p; p = strstr(r, from)) {
        memcpy(w, r, (size_t)(p - r));
        w += p - r;
        memcpy(w, to, tl);
        w += tl;
        r = p + fl;
    }
    strcpy(w, r);
    free(text);
    return out;
}

/* A facilitator id a spreadsheet would run as a formula (and holding a
 * comma) reaches the census CSV defused and quoted, as in the exports. */
Test(clinic_cli, census_csv_defuses_formulas, .timeout = 60)
{
    char dir[] = "/tmp/cohort-test-clinic-csv-XXXXXX", db[128], cmd[1024];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/c.db", dir);
    const char *evil = "\"=1+2,HYPERLINK(x)\"";
    char *inst_text = replaced(SAMPLE, "\"chen\"", evil);
    char *sol_text = replaced(SAMPLE_SOLUTION, "\"chen\"", evil);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    cr_assert_eq(io_instance_parse(inst_text, strlen(inst_text), &inst, &d), IO_OK);
    io_store *s = NULL;
    char *err = NULL;
    int v = 0;
    cr_assert_eq(io_store_open(db, 1, &s, &err), IO_OK);
    cr_assert_eq(io_store_program_create(s, PROG, inst, 0, NULL, &d, NULL), IO_OK);
    cr_assert_eq(io_store_schedule_save(s, PROG, sol_text, 0, &v), IO_OK);
    io_store_close(s);
    model_instance_destroy(inst);
    model_diag_free(&d);
    free(inst_text);
    free(sol_text);
    static char out[1 << 20];
    snprintf(cmd, sizeof cmd,
             COHORT_BINARY " census --db %s --program " PROG " --period month --start 2027-01 --csv",
             db);
    cr_assert_eq(sh(cmd, out, sizeof out), 0);
    cr_assert_not_null(strstr(out, "\r\nfacilitator,\"'=1+2,HYPERLINK(x)\",13,"), "%s", out);
    cr_assert_null(strstr(out, ",=1+2"), "no cell starts a formula");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
}
