/* test_clinic.c - clinic operations (issue 13): attendance, no-show flags,
 * confirmed drops with fill suggestions, walked over the sample program's
 * quarter twice: through the library (io_store_*) and through the HTTP API
 * (the real server on an ephemeral loopback port). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clinic.h"
#include "io.h"
#include "solver.h"
#include "store_target.h"

#define SAMPLE COHORT_SOURCE_DIR "/datasets/sample.json"
#define SAMPLE_SOLUTION COHORT_SOURCE_DIR "/docs/examples/sample-solution.json"
#define PROG "riverside"

/* ------------------------------------------------------ model rules */

static model_noshow_policy policy(void)
{
    model_noshow_policy p;
    model_noshow_policy_defaults(&p);
    return p;
}

Test(attendance, streak_skips_late_cancels_and_ends_at_attendance)
{
    model_noshow_policy p = policy();
    model_att_mark m[] = {{10, MODEL_ATT_PRESENT}, {17, MODEL_ATT_NO_SHOW},
                          {24, MODEL_ATT_NO_SHOW}, {31, MODEL_ATT_LATE_CANCEL}};
    model_att_summary a;
    model_attendance_summarise(m, 4, 31, &p, &a);
    cr_assert_eq(a.consecutive_no_shows, 2);
    cr_assert_eq(a.no_shows, 2);
    cr_assert_eq(a.late_cancels, 1);
    cr_assert_eq(a.absences, 3);
    cr_assert(a.review);
    cr_assert_not(a.recommend_drop);
    m[0].status = MODEL_ATT_NO_SHOW; /* 3 no-shows, the late cancel between skipped */
    m[3] = (model_att_mark){31, MODEL_ATT_LATE};
    model_attendance_summarise(m, 4, 31, &p, &a);
    cr_assert_eq(a.consecutive_no_shows, 0, "attending ends the streak");
    cr_assert_not(a.recommend_drop);
    cr_assert(a.review == false);
}

Test(attendance, absences_in_window_recommend_drop)
{
    model_noshow_policy p = policy();
    /* 4 absences in 8 weeks, never 2 in a row */
    model_att_mark m[] = {{0, MODEL_ATT_NO_SHOW},   {7, MODEL_ATT_PRESENT},
                          {14, MODEL_ATT_LATE_CANCEL}, {21, MODEL_ATT_PRESENT},
                          {28, MODEL_ATT_NO_SHOW},  {35, MODEL_ATT_PRESENT},
                          {42, MODEL_ATT_NO_SHOW},  {49, MODEL_ATT_PRESENT}};
    model_att_summary a;
    model_attendance_summarise(m, 8, 49, &p, &a);
    cr_assert_eq(a.absences, 4);
    cr_assert(a.recommend_drop);
    /* a week later the first absence leaves the window */
    model_attendance_summarise(m, 8, 56, &p, &a);
    cr_assert_eq(a.absences, 3);
    cr_assert_not(a.recommend_drop);
    cr_assert_eq(model_attendance_classify_cancel(5, 24), MODEL_ATT_LATE_CANCEL);
    cr_assert_eq(model_attendance_classify_cancel(30, 24), MODEL_ATT_EXCUSED);
}

Test(attendance, policy_settings_read_written_and_validated)
{
    const char *extra = "\"no_show_policy\":{\"review_consecutive_no_shows\":1,"
                        "\"drop_consecutive_no_shows\":2,\"drop_absences\":%d,"
                        "\"absence_window_weeks\":4,\"review_late_cancels\":2},"
                        "\"late_cancel_hours\":12,\"offer_ttl_hours\":72";
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(io_read_all(SAMPLE, IO_MAX_INPUT_BYTES, &text, &len), IO_OK);
    char *at = strstr(text, "\"settings\": {");
    cr_assert_not_null(at);
    at += strlen("\"settings\": {");
    char *both = malloc(len + strlen(extra) + 8), fx[512];
    snprintf(fx, sizeof fx, extra, 0);
    sprintf(both, "%.*s%s,%s", (int)(at - text), text, fx, at);
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    cr_assert_eq(io_instance_parse(both, strlen(both), &inst, &d), IO_OK);
    cr_assert_eq(inst->settings.no_show_policy.drop_consecutive_no_shows, 2);
    cr_assert_eq(inst->settings.late_cancel_hours, 12);
    char *out = NULL;
    cr_assert_eq(io_instance_to_json(inst, &out), IO_OK);
    cr_assert_not_null(strstr(out, "\"review_late_cancels\": 2") ? out : strstr(out, "\"review_late_cancels\":2"));
    free(out);
    model_instance_destroy(inst);
    /* an old instance writes no clinic settings */
    cr_assert_eq(io_instance_parse(text, len, &inst, &d), IO_OK);
    cr_assert_eq(io_instance_to_json(inst, &out), IO_OK);
    cr_assert_null(strstr(out, "no_show_policy"));
    cr_assert_eq(inst->settings.no_show_policy.drop_consecutive_no_shows, 3);
    free(out);
    model_instance_destroy(inst);
    /* a negative threshold is an error at its path */
    snprintf(fx, sizeof fx, extra, -1);
    sprintf(both, "%.*s%s,%s", (int)(at - text), text, fx, at);
    model_diag_free(&d);
    model_diag_init(&d);
    cr_assert_eq(io_instance_parse(both, strlen(both), &inst, &d), IO_EINVAL);
    int found = 0;
    for (int i = 0; i < d.n_errors; i++)
        found |= strcmp(d.errors[i].path, "settings.no_show_policy.drop_absences") == 0;
    cr_assert(found);
    model_diag_free(&d);
    free(both);
    free(text);
}

Test(waitlist, wait_estimate_from_position_and_seats)
{
    model_wait w;
    model_wait_estimate(2, 3, 0.5, 0, &w);
    cr_assert_eq(w.weeks, 0, "a seat is open for them");
    model_wait_estimate(5, 1, 0.5, 0, &w);
    cr_assert_float_eq(w.weeks, 8, 1e-9, "4 seats to open at 0.5 a week");
    cr_assert_float_eq(w.weeks_low, 4 / 0.75, 1e-9);
    cr_assert_float_eq(w.weeks_high, 16, 1e-9);
    model_wait_estimate(5, 1, 0.5, 10, &w);
    cr_assert_eq(w.weeks_low, 0, "an optional group opening would seat them");
    model_wait_estimate(5, 1, 0, 0, &w);
    cr_assert_eq(w.weeks, -1, "no seat expected");
}

/* ------------------------------------------------- authorizations */

#define TINY COHORT_SOURCE_DIR "/datasets/fixtures/tiny.json"

static model_authorization auth(const char *cpt, int units, const char *from, const char *to)
{
    model_authorization a = {{0}, {0}, units, -1, -1};
    snprintf(a.payer, sizeof a.payer, "Aetna");
    snprintf(a.cpt, sizeof a.cpt, "%s", cpt);
    model_date_parse(from, &a.from);
    model_date_parse(to, &a.to);
    return a;
}

Test(authorization, covering_needs_cpt_dates_and_units)
{
    model_patient p = {0};
    p.authorizations[0] = auth("90853", 6, "2027-01-01", "2027-03-31");
    p.n_authorizations = 1;
    int d;
    model_date_parse("2027-01-05", &d);
    cr_assert_eq(model_authorization_covering(&p, "90853", d, 4, 0), 0);
    cr_assert_eq(model_authorization_covering(&p, "90853", d, 4, 3), -1, "3 units used");
    cr_assert_eq(model_authorization_covering(&p, "90849", d, 1, 0), -1, "other CPT");
    cr_assert_eq(model_authorization_covering(&p, "90853", d + 100, 1, 0), -1, "after to");
    /* 6 units at 1 a week: the last covered session 5 weeks on (before to) */
    cr_assert_eq(model_authorization_runs_out(&p.authorizations[0], 0, d, 14, 1), -1);
    cr_assert_eq(model_authorization_runs_out(&p.authorizations[0], 0, d, 40, 1), d + 35);
    cr_assert_eq(model_authorization_runs_out(&p.authorizations[0], 4, d, 14, 1), d + 7);
    cr_assert_eq(model_authorization_runs_out(&p.authorizations[0], 6, d, 14, 1), d, "out");
    cr_assert_eq(model_authorization_runs_out(&p.authorizations[0], 0, d + 84, 14, 1),
                 p.authorizations[0].to, "the dates end first");
}

/* The tiny program with require_authorization: everyone authorized except
 * p05 (2 units, 4 sessions needed). */
static model_instance *tiny_with_authorizations(void)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    cr_assert_eq(io_instance_read_file(TINY, &inst, &d), IO_OK);
    model_diag_free(&d);
    inst->settings.require_authorization = true;
    inst->settings.min_authorized_sessions = 4;
    for (int i = 0; i < inst->n_patients; i++) {
        model_patient *p = &inst->patients[i];
        p->authorizations[0] =
            auth("90853", strcmp(p->id, "p05") == 0 ? 2 : 20, "2024-12-01", "2025-06-30");
        p->n_authorizations = 1;
    }
    return inst;
}

Test(authorization, plan_places_only_authorized_patients_and_says_why, .timeout = 60)
{
    model_instance *inst = tiny_with_authorizations();
    /* round trip through JSON keeps them */
    char *text = NULL;
    cr_assert_eq(io_instance_to_json(inst, &text), IO_OK);
    model_diag d;
    model_diag_init(&d);
    model_instance *back = NULL;
    cr_assert_eq(io_instance_parse(text, strlen(text), &back, &d), IO_OK);
    cr_assert_eq(back->patients[4].n_authorizations, 1);
    cr_assert_eq(back->patients[4].authorizations[0].units, 2);
    cr_assert_str_eq(back->patients[4].authorizations[0].cpt, "90853");
    model_instance_destroy(back);
    /* to before from: an error at its path */
    char *bad = strstr(text, "\"to\": \"2025-06-30\"");
    cr_assert_not_null(bad, "%.400s", strstr(text, "authorizations"));
    memcpy(bad, "\"to\": \"2024-06-30\"", 18);
    cr_assert_eq(io_instance_parse(text, strlen(text), &back, &d), IO_EINVAL);
    cr_assert_str_eq(d.errors[0].path, "patients[0].authorizations[0].to");
    model_diag_free(&d);
    free(text);
    solver_options o;
    solver_options_default(&o);
    model_solution *sol = NULL;
    cr_assert_eq(solver_plan(inst, &o, &sol), SOLVER_OK);
    cr_assert_lt(sol->status, MODEL_STATUS_INFEASIBLE);
    for (int g = 0; g < sol->n_groups; g++)
        cr_assert_eq(model_strlist_find(&sol->groups[g].members, "p05"), -1);
    int found = 0;
    for (int u = 0; u < sol->n_unplaced; u++)
        if (strcmp(sol->unplaced[u].patient, "p05") == 0)
            found = strstr(sol->unplaced[u].reasons.items[0], "authorization") != NULL;
    cr_assert(found, "p05's reason names the authorization");
    model_solution_destroy(sol);
    model_instance_destroy(inst);
}

/* ------------------------------------------------- one walk, two ways */

typedef struct drv {
    io_store *s; /* library */
    int port;    /* HTTP (0 = library) */
    char token[128];
    char dir[64];
    io_server *srv;
} drv;

/* The sample program (with require_authorization and 4 authorized
 * sessions when require_auth) and its solution as schedule version 1. */
static void prepare_db(io_store *s, char *token, int require_auth)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    cr_assert_eq(io_instance_read_file(SAMPLE, &inst, &d), IO_OK);
    inst->settings.require_authorization = require_auth;
    inst->settings.min_authorized_sessions = 4;
    /* P0002's authorization: 6 sessions this quarter */
    model_patient *p2 = &inst->patients[model_find_patient(inst, "P0002")];
    p2->authorizations[0] = auth("90853", 6, "2027-01-01", "2027-03-31");
    p2->n_authorizations = 1;
    cr_assert_eq(io_store_program_create(s, PROG, inst, 0, NULL, &d, NULL), IO_OK);
    model_instance_destroy(inst);
    char *sol = NULL;
    size_t len;
    int v = 0;
    cr_assert_eq(io_read_all(SAMPLE_SOLUTION, IO_MAX_INPUT_BYTES, &sol, &len), IO_OK);
    cr_assert_eq(io_store_schedule_save(s, PROG, sol, 0, &v), IO_OK);
    free(sol);
    if (token) {
        char *secret = NULL;
        cr_assert_eq(io_store_token_create(s, IO_ROLE_ADMIN, "t", 0, &secret, NULL), IO_OK);
        snprintf(token, 128, "%s", secret);
        free(secret);
    }
    model_diag_free(&d);
}

static void drv_open(drv *v, int http)
{
    memset(v, 0, sizeof *v);
    char *err = NULL;
    static char db[300];
    if (!http) {
        target_setup(db, sizeof db, ":memory:");
        cr_assert_eq(io_store_open(db, 1, &v->s, &err), IO_OK, "%s", err ? err : "");
        prepare_db(v->s, NULL, 1);
        return;
    }
    signal(SIGPIPE, SIG_IGN);
    snprintf(v->dir, sizeof v->dir, "/tmp/cohort-test-clinic-XXXXXX");
    cr_assert_not_null(mkdtemp(v->dir));
    char file[128];
    snprintf(file, sizeof file, "%s/c.db", v->dir);
    target_setup(db, sizeof db, file);
    io_store *s = NULL;
    cr_assert_eq(io_store_open(db, 1, &s, &err), IO_OK);
    prepare_db(s, v->token, 1);
    io_store_close(s);
    io_server_options o;
    io_server_options_default(&o);
    o.port = 0;
    o.worker = COHORT_BINARY;
    cr_assert_eq(io_server_start(db, &o, &v->srv, &err), IO_OK);
    v->port = io_server_port(v->srv);
}

static void drv_close(drv *v)
{
    io_store_close(v->s);
    io_server_stop(v->srv);
    target_teardown();
    if (v->dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", v->dir);
        (void)system(cmd);
    }
}

/* One HTTP request (Connection: close); the body parsed into *out. */
static int http(drv *v, const char *method, const char *path, const char *body, json_t **out)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)v->port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    size_t blen = body ? strlen(body) : 0;
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
                     "%s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     method, path, v->token, blen);
    cr_assert_eq(send(fd, head, (size_t)n, MSG_NOSIGNAL), n);
    if (blen)
        cr_assert_eq(send(fd, body, blen, MSG_NOSIGNAL), (ssize_t)blen);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 4096 > cap)
            buf = realloc(buf, cap *= 2);
        ssize_t r = recv(fd, buf + len, cap - len - 1, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    int status = 0;
    sscanf(buf, "HTTP/1.%*d %d", &status);
    char *sep = strstr(buf, "\r\n\r\n");
    *out = sep ? json_loads(sep + 4, JSON_DECODE_ANY, NULL) : NULL;
    free(buf);
    return status;
}

/* The library's answer as the API gives it: 2xx with the JSON, or 400
 * {"errors": [{path, message}]}. */
static int lib_answer(int rc, char *text, model_diag *d, int ok, json_t **out)
{
    if (rc == IO_OK) {
        *out = json_loads(text, JSON_DECODE_ANY, NULL);
        free(text);
        return ok;
    }
    cr_assert_eq(rc, IO_EINVAL, "store error %d", rc);
    char *t = NULL;
    io_diag_to_json(d, "invalid", &t);
    *out = json_loads(t, 0, NULL);
    free(t);
    return 400;
}

/* POST .../attendance */
static int record(drv *v, const char *body, json_t **out)
{
    if (v->port)
        return http(v, "POST", "/v1/programs/" PROG "/attendance", body, out);
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    int rc = io_store_attendance_record(v->s, PROG, body, strlen(body), 0, &t, &d);
    int st = lib_answer(rc, t, &d, 201, out);
    model_diag_free(&d);
    return st;
}

/* GET .../attendance/flags (only_flagged) */
static json_t *flags(drv *v)
{
    json_t *out = NULL;
    if (v->port) {
        cr_assert_eq(http(v, "GET", "/v1/programs/" PROG "/attendance/flags", NULL, &out), 200);
        return out;
    }
    char *t = NULL;
    cr_assert_eq(io_store_attendance_flags(v->s, PROG, NULL, 1, &t), IO_OK);
    out = json_loads(t, 0, NULL);
    free(t);
    return out;
}

/* GET .../events?patient=P */
static json_t *history(drv *v, const char *patient)
{
    json_t *out = NULL;
    if (v->port) {
        char path[128];
        snprintf(path, sizeof path, "/v1/programs/" PROG "/events?patient=%s&page_size=1000",
                 patient);
        cr_assert_eq(http(v, "GET", path, NULL, &out), 200);
        json_t *items = json_incref(json_object_get(out, "items")); /* one page: all of it */
        cr_assert(json_is_null(json_object_get(out, "next_page_token")));
        json_decref(out);
        return items;
    }
    char *t = NULL;
    cr_assert_eq(io_store_history(v->s, PROG, patient, NULL, &t, NULL), IO_OK);
    out = json_loads(t, 0, NULL);
    free(t);
    return out;
}

/* The first error's path of a 400 answer. */
static const char *err_path(json_t *j)
{
    const char *p =
        json_string_value(json_object_get(json_array_get(json_object_get(j, "errors"), 0), "path"));
    return p ? p : "(no error path)";
}

/* The flags entry of patient in a flags array, or NULL. */
static json_t *flag_of(json_t *arr, const char *patient)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    if (strcmp(json_string_value(json_object_get(e, "patient")), patient) == 0) return e;
    return NULL;
}

/* One week of dbt-tue-pm: P0001, P0002, P0004, P0005 present, P0003 as
 * given (a JSON mark fragment). */
static int week(drv *v, const char *date, const char *p3, json_t **out)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"group\":\"dbt-tue-pm\",\"date\":\"%s\",\"marks\":["
             "{\"patient\":\"P0001\",\"status\":\"present\"},"
             "{\"patient\":\"P0002\",\"status\":\"late\"},"
             "{\"patient\":\"P0003\",%s},"
             "{\"patient\":\"P0004\",\"status\":\"present\"},"
             "{\"patient\":\"P0005\",\"status\":\"present\"}]}",
             date, p3);
    return record(v, body, out);
}

static int count_attendance(drv *v)
{
    json_t *out = NULL;
    int n;
    if (v->port) {
        cr_assert_eq(http(v, "GET", "/v1/programs/" PROG "/attendance", NULL, &out), 200);
    } else {
        char *t = NULL;
        cr_assert_eq(io_store_attendance_list(v->s, PROG, NULL, NULL, &t), IO_OK);
        out = json_loads(t, 0, NULL);
        free(t);
    }
    n = (int)json_array_size(out);
    json_decref(out);
    return n;
}

/* GET .../roster?group=G&date=D and .../authorizations/expiring?today=D */
static json_t *get_json(drv *v, const char *path_q, int lib_rc, char *lib_text)
{
    json_t *out = NULL;
    if (v->port) {
        cr_assert_eq(http(v, "GET", path_q, NULL, &out), 200, "%s", path_q);
        return out;
    }
    cr_assert_eq(lib_rc, IO_OK);
    out = json_loads(lib_text, 0, NULL);
    free(lib_text);
    return out;
}

static json_t *roster(drv *v, const char *group, const char *date)
{
    char path[200], *t = NULL;
    int rc = IO_OK;
    snprintf(path, sizeof path, "/v1/programs/" PROG "/roster?group=%s&date=%s", group, date);
    if (!v->port) {
        model_diag d;
        model_diag_init(&d);
        rc = io_store_roster(v->s, PROG, group, date, &t, &d);
        model_diag_free(&d);
    }
    return get_json(v, path, rc, t);
}

static json_t *expiring(drv *v, const char *today)
{
    char path[200], *t = NULL;
    int rc = IO_OK;
    snprintf(path, sizeof path, "/v1/programs/" PROG "/authorizations/expiring?today=%s", today);
    if (!v->port) {
        model_diag d;
        model_diag_init(&d);
        rc = io_store_authorizations_expiring(v->s, PROG, today, 14, &t, &d);
        model_diag_free(&d);
    }
    return get_json(v, path, rc, t);
}

static json_t *census(drv *v, const char *period, const char *start)
{
    char path[200], *t = NULL;
    int rc = IO_OK;
    snprintf(path, sizeof path, "/v1/programs/" PROG "/census?period=%s&start=%s", period, start);
    if (!v->port) {
        model_diag d;
        model_diag_init(&d);
        rc = io_clinic_census(v->s, PROG, period, start, &t, &d);
        model_diag_free(&d);
    }
    return get_json(v, path, rc, t);
}

/* The entry of array key whose field equals id. */
static json_t *entry(json_t *o, const char *key, const char *field, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(o, key), i, e)
    if (strcmp(json_string_value(json_object_get(e, field)), id) == 0) return e;
    return NULL;
}

#define GETI(o, k) json_integer_value(json_object_get((o), (k)))
#define GETF(o, k) json_number_value(json_object_get((o), (k)))

/* January by hand (dbt-tue-pm, rate 68.50, 10 planned members): 4
 * Tuesdays held, 5 marks each: week 1 all attend (P0001 corrected to
 * late), weeks 2-3 P0003 no-show, week 4 P0003 late cancel: 17 attended,
 * 2 no-shows, 1 late cancel of 20 marks.  February: 02-02 cancelled by
 * the clinic, 02-09 held (P0003 no-show), 02-16 and 02-23 not yet. */
static void walk_census(drv *v)
{
    json_t *c = census(v, "month", "2027-01");
    json_t *g = entry(c, "groups", "group", "dbt-tue-pm");
    cr_assert_not_null(g);
    cr_assert_eq(GETI(g, "sessions_scheduled"), 4);
    cr_assert_eq(GETI(g, "sessions_held"), 4);
    cr_assert_eq(GETI(g, "sessions_cancelled"), 0);
    cr_assert_eq(GETI(g, "attended_member_sessions"), 17);
    cr_assert_eq(GETI(g, "no_shows"), 2);
    cr_assert_eq(GETI(g, "late_cancels"), 1);
    cr_assert_float_eq(GETF(g, "attendance_rate"), 0.85, 1e-9);
    cr_assert_float_eq(GETF(g, "no_show_rate"), 0.10, 1e-9);
    cr_assert_eq(GETI(json_object_get(g, "billable_units"), "90853"), 17);
    cr_assert_float_eq(GETF(g, "actual_revenue"), 17 * 68.5, 1e-6);
    cr_assert_float_eq(GETF(g, "projected_revenue"), 4 * 10 * 68.5, 1e-6);
    cr_assert_float_eq(GETF(g, "revenue_per_session"), 17 * 68.5 / 4, 1e-6);
    cr_assert_float_eq(GETF(g, "utilisation"), 17.0 / 40, 1e-9, "of 10 seats a session");
    cr_assert_eq(GETI(g, "enrolled"), 7);
    cr_assert_eq(GETI(g, "active"), 5);
    json_t *tot = json_object_get(c, "totals");
    cr_assert_eq(GETI(json_object_get(tot, "billable_units"), "90853"), 17);
    cr_assert_eq(GETI(json_object_get(tot, "billable_units"), "90849"), 0);
    json_t *f = entry(c, "facilitators", "facilitator", "chen");
    cr_assert_not_null(f);
    cr_assert_geq(GETI(f, "sessions_held"), 4);
    cr_assert_gt(GETI(entry(c, "types", "type", "dbt_skills"), "waitlist_depth"), 0);
    json_decref(c);
    c = census(v, "month", "2027-02");
    g = entry(c, "groups", "group", "dbt-tue-pm");
    cr_assert_eq(GETI(g, "sessions_scheduled"), 4);
    cr_assert_eq(GETI(g, "sessions_cancelled"), 1);
    cr_assert_eq(GETI(g, "sessions_held"), 1);
    cr_assert_eq(GETI(g, "attended_member_sessions"), 4);
    json_decref(c);
    c = census(v, "week", "2027-01-11");
    cr_assert_eq(GETI(entry(c, "groups", "group", "dbt-tue-pm"), "attended_member_sessions"), 4);
    json_decref(c);
}

/* The flags of patient in a roster, joined with "; " into buf. */
static const char *roster_flags(json_t *r, const char *patient, char *buf, size_t n)
{
    size_t i, k;
    json_t *m, *f;
    buf[0] = '\0';
    json_array_foreach(json_object_get(r, "members"), i, m)
    if (strcmp(json_string_value(json_object_get(m, "patient")), patient) == 0)
        json_array_foreach(json_object_get(m, "flags"), k, f)
        {
            strncat(buf, json_string_value(f), n - strlen(buf) - 1);
            strncat(buf, "; ", n - strlen(buf) - 1);
        }
    return buf;
}

/* The pre-session roster and the authorizations running out: P0002 used 5
 * of 6 units attending. */
static void walk_roster(drv *v)
{
    char buf[1024];
    json_t *r = roster(v, "dbt-tue-pm", "2027-02-16");
    cr_assert_eq(json_array_size(json_object_get(r, "members")), 7, "5 active, 2 on hold");
    roster_flags(r, "P0002", buf, sizeof buf);
    cr_assert_not_null(strstr(buf, "authorization expiring this week"), "%s", buf);
    cr_assert_not_null(strstr(buf, "visit cap within 2 sessions (1 left)"), "%s", buf);
    roster_flags(r, "P0003", buf, sizeof buf);
    cr_assert_not_null(strstr(buf, "flagged for review"), "%s", buf);
    cr_assert_not_null(strstr(buf, "no authorization covers this session"), "%s", buf);
    roster_flags(r, "P0006", buf, sizeof buf);
    cr_assert_not_null(strstr(buf, "on hold (hold_clinical)"), "%s", buf);
    json_t *m0 = json_array_get(json_object_get(r, "members"), 0);
    cr_assert_eq(json_array_size(json_object_get(m0, "last_4_weeks")), 3,
                 "01-19, 01-26, 02-09 (02-02 cancelled by the clinic)");
    json_decref(r);
    json_t *x = expiring(v, "2027-02-16");
    cr_assert_eq(json_array_size(x), 1);
    json_t *e = json_array_get(x, 0);
    cr_assert_str_eq(json_string_value(json_object_get(e, "patient")), "P0002");
    cr_assert_eq(json_integer_value(json_object_get(e, "units_used")), 5);
    cr_assert_str_eq(json_string_value(json_object_get(e, "runs_out")), "2027-02-16",
                     "the last unit goes to the session of 02-16");
    json_decref(x);
    x = expiring(v, "2027-01-12");
    cr_assert_eq(json_array_size(x), 0, "a month earlier nothing runs out within two weeks");
    json_decref(x);
}

/* Attendance every week; P0003 flagged after 2 no-shows, a late cancel not
 * counted as a no-show, recommend drop after the 3rd; bad input refused
 * with nothing written; corrections; the member's history. */
static void walk_attendance(drv *v)
{
    json_t *r = NULL;
    cr_assert_eq(week(v, "2027-01-05", "\"status\":\"present\"", &r), 201);
    cr_assert_eq(json_array_size(json_object_get(r, "recorded")), 5);
    cr_assert_eq(json_integer_value(json_object_get(r, "schedule_version")), 1);
    json_decref(r);
    cr_assert_eq(week(v, "2027-01-12", "\"status\":\"no_show\"", &r), 201);
    cr_assert_not(json_is_true(json_object_get(flag_of(json_object_get(r, "flags"), "P0003"), "review")));
    json_decref(r);
    cr_assert_eq(week(v, "2027-01-19", "\"status\":\"no_show\"", &r), 201);
    json_t *f = flag_of(json_object_get(r, "flags"), "P0003");
    cr_assert(json_is_true(json_object_get(f, "review")), "flagged after 2 no-shows");
    cr_assert_not(json_is_true(json_object_get(f, "recommend_drop")));
    json_decref(r);
    /* a cancellation 5 hours ahead is a late cancel, not a no-show */
    cr_assert_eq(week(v, "2027-01-26", "\"status\":\"cancel\",\"notice_hours\":5", &r), 201);
    f = flag_of(json_object_get(r, "flags"), "P0003");
    cr_assert_eq(json_integer_value(json_object_get(f, "consecutive_no_shows")), 2);
    cr_assert_eq(json_integer_value(json_object_get(f, "late_cancels")), 1);
    cr_assert_eq(json_integer_value(json_object_get(f, "no_shows")), 2);
    cr_assert_not(json_is_true(json_object_get(f, "recommend_drop")));
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r, "recorded"), 2), "status")),
                     "late_cancel");
    json_decref(r);
    /* the clinic cancels a session: counts against nobody */
    cr_assert_eq(record(v, "{\"group\":\"dbt-tue-pm\",\"date\":\"2027-02-02\",\"cancelled\":"
                           "{\"reason\":\"facilitator ill\"}}", &r), 201);
    json_decref(r);
    cr_assert_eq(week(v, "2027-02-09", "\"status\":\"no_show\"", &r), 201);
    f = flag_of(json_object_get(r, "flags"), "P0003");
    cr_assert_eq(json_integer_value(json_object_get(f, "consecutive_no_shows")), 3);
    cr_assert(json_is_true(json_object_get(f, "recommend_drop")), "recommend drop after 3");
    json_decref(r);
    /* who needs a call: P0003 only */
    json_t *fl = flags(v);
    cr_assert_eq(json_array_size(fl), 1);
    cr_assert_not_null(flag_of(fl, "P0003"));
    cr_assert_gt(json_array_size(json_object_get(flag_of(fl, "P0003"), "reasons")), 0);
    json_decref(fl);

    /* bad input: 400 naming the field, nothing written */
    int before = count_attendance(v);
    cr_assert_eq(week(v, "2027-01-06", "\"status\":\"present\"", &r), 400);
    cr_assert_str_eq(err_path(r), "date", "a Wednesday is not a session of a Tuesday group");
    json_decref(r);
    cr_assert_eq(record(v, "{\"group\":\"dbt-tue-pm\",\"date\":\"2027-02-16\",\"marks\":["
                           "{\"patient\":\"P0001\",\"status\":\"present\"},"
                           "{\"patient\":\"P0010\",\"status\":\"present\"}]}", &r), 400);
    cr_assert_str_eq(err_path(r), "marks[1].patient", "P0010 is not a member");
    json_decref(r);
    cr_assert_eq(week(v, "2027-01-05", "\"status\":\"present\"", &r), 400);
    cr_assert_str_eq(err_path(r), "marks[0].patient", "recorded twice");
    json_decref(r);
    cr_assert_eq(record(v, "{\"group\":\"dbt-tue-pm\",\"date\":\"2027-02-02\",\"marks\":["
                           "{\"patient\":\"P0001\",\"status\":\"present\"}]}", &r), 400);
    cr_assert_str_eq(err_path(r), "date", "the clinic cancelled that session");
    json_decref(r);
    cr_assert_eq(count_attendance(v), before);

    /* a correction replaces the mark and says what it was */
    cr_assert_eq(record(v, "{\"group\":\"dbt-tue-pm\",\"date\":\"2027-01-05\",\"correct\":true,"
                           "\"marks\":[{\"patient\":\"P0001\",\"status\":\"late\"}]}", &r), 201);
    json_t *rec = json_array_get(json_object_get(r, "recorded"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(rec, "previous")), "present");
    cr_assert_str_eq(json_string_value(json_object_get(rec, "status")), "late");
    json_decref(r);
    cr_assert_eq(count_attendance(v), before);

    /* the member's history shows the marks */
    json_t *h = history(v, "P0003");
    int marks = 0;
    size_t i;
    json_t *e;
    json_array_foreach(h, i, e)
    marks += strcmp(json_string_value(json_object_get(e, "event")), "attendance") == 0;
    cr_assert_eq(marks, 5);
    json_decref(h);
}

/* ---- offers */

/* POST .../offers, .../offers/ID/decision, .../offers/ID/contacts (kind
 * "create", "decision", "contacts"). */
static int offer_call(drv *v, const char *kind, long long id, const char *body, json_t **out)
{
    if (v->port) {
        char path[160];
        if (id)
            snprintf(path, sizeof path, "/v1/programs/" PROG "/offers/%lld/%s", id, kind);
        else
            snprintf(path, sizeof path, "/v1/programs/" PROG "/offers");
        return http(v, "POST", path, body, out);
    }
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    int rc, ok = 201;
    if (strcmp(kind, "create") == 0)
        rc = io_store_offer_create(v->s, PROG, body, strlen(body), 0, &t, &d);
    else if (strcmp(kind, "decision") == 0)
        rc = io_store_offer_decide(v->s, PROG, id, body, strlen(body), 0, &t, &d), ok = 200;
    else
        rc = io_store_offer_contact(v->s, PROG, id, body, strlen(body), 0, &t, &d);
    int st = lib_answer(rc, t, &d, ok, out);
    model_diag_free(&d);
    return st;
}

/* GET .../seats/GROUP/candidates */
static json_t *candidates(drv *v, const char *group)
{
    json_t *out = NULL;
    if (v->port) {
        char path[160];
        snprintf(path, sizeof path, "/v1/programs/" PROG "/seats/%s/candidates", group);
        cr_assert_eq(http(v, "GET", path, NULL, &out), 200);
        return out;
    }
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    cr_assert_eq(io_store_seat_candidates(v->s, PROG, group, &t, &d), IO_OK);
    model_diag_free(&d);
    out = json_loads(t, 0, NULL);
    free(t);
    return out;
}

/* GET .../offers?at=AT */
static json_t *offers(drv *v, const char *at)
{
    json_t *out = NULL;
    if (v->port) {
        char path[160];
        snprintf(path, sizeof path, "/v1/programs/" PROG "/offers?at=%s", at);
        cr_assert_eq(http(v, "GET", path, NULL, &out), 200);
        return out;
    }
    char *t = NULL;
    cr_assert_eq(io_store_offers_list(v->s, PROG, NULL, NULL, at, &t), IO_OK);
    out = json_loads(t, 0, NULL);
    free(t);
    return out;
}

/* Record one roster event (library or API). */
static void event(drv *v, const char *body)
{
    json_t *r = NULL;
    if (v->port) {
        cr_assert_eq(http(v, "POST", "/v1/programs/" PROG "/events", body, &r), 201);
        json_decref(r);
        return;
    }
    model_diag d;
    model_diag_init(&d);
    char *t = NULL;
    cr_assert_eq(io_store_events_record(v->s, PROG, body, strlen(body), 0, &t, &d), IO_OK);
    free(t);
    model_diag_free(&d);
}

static const char *cand(json_t *ranking, size_t k)
{
    const char *p = json_string_value(
        json_object_get(json_array_get(json_object_get(ranking, "candidates"), k), "patient"));
    return p ? p : "(no candidate)";
}

static long long offer_with(drv *v, const char *patient, const char *at)
{
    char body[256];
    json_t *r = NULL;
    snprintf(body, sizeof body, "{\"group\":\"dbt-tue-pm\",\"patient\":\"%s\",\"at\":\"%s\"}",
             patient, at);
    cr_assert_eq(offer_call(v, "create", 0, body, &r), 201, "offer to %s", patient);
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "offered");
    long long id = json_integer_value(json_object_get(r, "id"));
    json_decref(r);
    return id;
}

/* GET .../waitlist?patient=P: the expected wait (weeks) for type. */
static double expected_wait(drv *v, const char *patient, const char *type, json_t **basis)
{
    char path[200], *t = NULL;
    int rc = IO_OK;
    snprintf(path, sizeof path, "/v1/programs/" PROG "/waitlist?patient=%s", patient);
    if (!v->port) {
        model_diag d;
        model_diag_init(&d);
        rc = io_clinic_waitlist(v->s, PROG, patient, &t, &d);
        model_diag_free(&d);
    }
    json_t *w = get_json(v, path, rc, t);
    json_t *e = entry(json_array_get(w, 0), "types", "type", type);
    cr_assert_not_null(e, "%s waits for %s", patient, type);
    json_t *r = json_object_get(e, "range_weeks");
    double x = json_number_value(json_object_get(e, "expected_wait_weeks"));
    cr_assert_leq(json_number_value(json_array_get(r, 0)), x);
    cr_assert_geq(json_number_value(json_array_get(r, 1)), x);
    if (basis)
        *basis = json_incref(json_object_get(e, "basis"));
    json_decref(w);
    return x;
}

/* After P0003's drop: the seat offered, declined, offered to the next
 * candidate, accepted; one open offer per seat; an expired offer cannot
 * be accepted; an offer nobody answers expires and the next is ranked. */
static void walk_offers(drv *v)
{
    /* the plan placed everyone who fit; new referrals arrive during the quarter */
    for (int k = 0; k < 5; k++) {
        char ref[640];
        snprintf(ref, sizeof ref,
                 "{\"event\":\"referral\",\"date\":\"2027-01-2%d\",\"patient\":{\"id\":\"R%d\","
                 "\"diagnoses\":[\"F60.3\"],\"available\":[{\"day\":\"tue\",\"from\":\"16:00\","
                 "\"to\":\"20:00\"}],\"added\":\"2027-01-2%d\",\"age\":30,\"screened\":true,"
                 "\"insurance_verified\":true,\"authorizations\":[{\"payer\":\"Medicaid\","
                 "\"cpt\":\"90853\",\"units\":%d,\"from\":\"2027-01-01\",\"to\":\"2027-06-30\"}]}}",
                 k, k + 1, k, k == 4 ? 2 : 20);
        event(v, ref);
    }
    json_t *r = NULL, *rk = candidates(v, "dbt-tue-pm");
    cr_assert_eq(json_integer_value(json_object_get(rk, "open_seats")), 1);
    /* P0044 has no authorization, R5's runs out (2 units, 4 sessions needed) */
    cr_assert_eq(json_integer_value(json_object_get(rk, "eligible")), 4);
    for (size_t k = 0; k < 4; k++)
        cr_assert(strcmp(cand(rk, k), "P0044") != 0 && strcmp(cand(rk, k), "R5") != 0);
    cr_assert_eq(offer_call(v, "create", 0, "{\"group\":\"dbt-tue-pm\",\"patient\":\"R5\"}", &r),
                 400);
    cr_assert_str_eq(err_path(r), "patient", "authorization blocks the placement");
    json_decref(r);
    cr_assert_str_eq(json_string_value(json_object_get(rk, "vacated_by")), "P0003");
    char first[16], second[16];
    snprintf(first, sizeof first, "%s", cand(rk, 0));
    snprintf(second, sizeof second, "%s", cand(rk, 1));
    json_decref(rk);
    /* no open seat in a full group */
    cr_assert_eq(offer_call(v, "create", 0, "{\"group\":\"anxiety-mon-eve\",\"patient\":\"P0044\"}",
                            &r), 400);
    cr_assert_str_eq(err_path(r), "group");
    json_decref(r);
    long long o1 = offer_with(v, first, "2027-02-10T09:00:00Z");
    /* one open offer per seat; who holds an offer is not ranked for another */
    rk = candidates(v, "dbt-tue-pm");
    cr_assert_str_eq(cand(rk, 0), second);
    json_decref(rk);
    char body[256];
    snprintf(body, sizeof body, "{\"group\":\"dbt-tue-pm\",\"patient\":\"%s\"}", second);
    cr_assert_eq(offer_call(v, "create", 0, body, &r), 400);
    cr_assert_str_eq(err_path(r), "group");
    json_decref(r);
    cr_assert_eq(offer_call(v, "contacts", o1, "{\"channel\":\"phone\",\"outcome\":\"voicemail\","
                                               "\"at\":\"2027-02-10T10:00:00Z\"}", &r), 201);
    cr_assert_eq(json_array_size(r), 1);
    json_decref(r);
    cr_assert_eq(offer_call(v, "decision", o1, "{\"decision\":\"declined\"}", &r), 400);
    cr_assert_str_eq(err_path(r), "reason");
    json_decref(r);
    cr_assert_eq(offer_call(v, "decision", o1, "{\"decision\":\"declined\",\"reason\":\"work "
                                               "schedule\",\"at\":\"2027-02-10T15:00:00Z\"}", &r),
                 200);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "offer"), "status")),
                     "declined");
    json_t *next = json_object_get(r, "next");
    cr_assert_str_eq(cand(next, 0), second, "declining suggests the next candidate");
    json_decref(r);
    long long o2 = offer_with(v, second, "2027-02-11T09:00:00Z");
    cr_assert_eq(offer_call(v, "decision", o2, "{\"decision\":\"accepted\",\"at\":"
                                               "\"2027-02-14T09:00:00Z\"}", &r), 400);
    cr_assert_str_eq(err_path(r), "decision", "an expired offer cannot be accepted");
    json_decref(r);
    cr_assert_eq(offer_call(v, "decision", o2, "{\"decision\":\"accepted\",\"at\":"
                                               "\"2027-02-12T09:00:00Z\"}", &r), 200);
    json_t *rec = json_array_get(json_object_get(r, "recorded"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(rec, "event")), "placed");
    cr_assert_str_eq(json_string_value(json_object_get(rec, "patient")), second);
    json_decref(r);
    rk = candidates(v, "dbt-tue-pm");
    cr_assert_eq(json_integer_value(json_object_get(rk, "open_seats")), 0, "the seat is taken");
    json_decref(rk);
    json_t *h = history(v, second);
    int offered = 0, placed = 0;
    size_t i;
    json_t *e;
    json_array_foreach(h, i, e)
    {
        const char *ev = json_string_value(json_object_get(e, "event"));
        offered += strcmp(ev, "offer") == 0;
        placed += strcmp(ev, "placed") == 0;
    }
    cr_assert_eq(offered, 1);
    cr_assert_eq(placed, 1);
    json_decref(h);
    /* another member leaves: R3's expected wait shrinks */
    json_t *basis = NULL;
    double before = expected_wait(v, "R3", "dbt_skills", &basis);
    cr_assert_gt(before, 0);
    cr_assert_gt(json_array_size(basis), 2, "the estimate says what it rests on");
    json_decref(basis);
    event(v, "{\"event\":\"graduated\",\"group\":\"dbt-tue-pm\",\"patient\":\"P0001\","
             "\"date\":\"2027-02-16\"}");
    double after = expected_wait(v, "R3", "dbt_skills", NULL);
    cr_assert_lt(after, before, "a seat opened: %g -> %g weeks", before, after);
    rk = candidates(v, "dbt-tue-pm");
    cr_assert_eq(json_integer_value(json_object_get(rk, "open_seats")), 1);
    char third[16];
    snprintf(third, sizeof third, "%s", cand(rk, 0));
    cr_assert_str_neq(third, first, "who declined this seat's group is not ranked again");
    json_decref(rk);
    long long o3 = offer_with(v, third, "2027-02-16T09:00:00Z");
    json_t *l = offers(v, "2027-02-18T10:00:00Z");
    json_t *x = json_array_get(json_object_get(l, "expired_now"), 0);
    cr_assert_eq(json_integer_value(json_object_get(x, "offer")), o3);
    cr_assert_gt(json_array_size(json_object_get(json_object_get(x, "next"), "candidates")), 0);
    cr_assert_str_neq(cand(json_object_get(x, "next"), 0), third);
    cr_assert_eq(json_array_size(json_object_get(l, "offers")), 3);
    json_decref(l);
}

Test(clinic_lib, quarter_walk_attendance)
{
    drv v;
    drv_open(&v, 0);
    walk_attendance(&v);
    walk_roster(&v);
    walk_census(&v);
    /* nothing was dropped without a confirmation */
    {
        model_instance *inst0 = NULL;
        model_diag d0;
        model_diag_init(&d0);
        cr_assert_eq(io_store_program_export(v.s, PROG, &inst0, &d0), IO_OK);
        const model_group *g0 = &inst0->groups[model_find_group(inst0, "dbt-tue-pm")];
        for (int k = 0; k < g0->n_members; k++)
            if (strcmp(g0->members[k].patient, "P0003") == 0)
                cr_assert_eq(g0->members[k].status, MODEL_ACTIVE);
        model_instance_destroy(inst0);
        model_diag_free(&d0);
    }
    event(&v, "{\"event\":\"dropped\",\"group\":\"dbt-tue-pm\",\"patient\":\"P0003\","
              "\"date\":\"2027-02-10\"}");
    walk_offers(&v);
    drv_close(&v);
}

Test(clinic_http, quarter_walk_attendance_and_confirmed_drop, .timeout = 120)
{
    drv v;
    drv_open(&v, 1);
    walk_attendance(&v);
    walk_roster(&v);
    walk_census(&v);
    json_t *r = NULL;
    cr_assert_eq(http(&v, "POST", "/v1/programs/" PROG "/attendance/confirm",
                      "{\"group\":\"dbt-tue-pm\",\"patient\":\"P0003\",\"action\":\"maybe\"}", &r),
                 400);
    json_decref(r);
    cr_assert_eq(http(&v, "POST", "/v1/programs/" PROG "/attendance/confirm",
                      "{\"group\":\"dbt-tue-pm\",\"patient\":\"P0003\",\"action\":\"drop\","
                      "\"date\":\"2027-02-10\"}", &r),
                 201);
    cr_assert(json_is_true(json_object_get(json_object_get(r, "flags"), "recommend_drop")));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r, "recorded"), 0), "status")),
                     "dropped");
    json_t *sug = json_object_get(r, "suggestions");
    cr_assert(json_is_object(sug), "the answer ranks the waitlist for the opened seat");
    json_t *seat0 = json_array_get(json_object_get(sug, "seats"), 0);
    cr_assert_eq(json_integer_value(json_object_get(seat0, "eligible")), 0);
    cr_assert_geq(json_integer_value(json_object_get(seat0, "excluded_by_authorization")), 1,
                  "P0044 fits but has no authorization: the fill answer says so");
    char *t = json_dumps(sug, 0);
    cr_assert_not_null(strstr(t, "dbt-tue-pm"));
    free(t);
    json_decref(r);
    json_t *fl = flags(&v);
    cr_assert_eq(json_array_size(fl), 0, "a dropped member needs no call");
    json_decref(fl);
    walk_offers(&v);
    /* P0002's authorization lapses: a person confirms the administrative hold */
    cr_assert_eq(http(&v, "POST", "/v1/programs/" PROG "/attendance/confirm",
                      "{\"group\":\"dbt-tue-pm\",\"patient\":\"P0002\",\"action\":"
                      "\"hold_admin\",\"date\":\"2027-02-24\"}", &r),
                 201);
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r, "recorded"), 0), "status")),
                     "hold_admin");
    json_decref(r);
    drv_close(&v);
}

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
    cr_assert_not_null(strstr(out, "\ngroup,dbt-tue-pm,4,0,3,0,3,0,"), "%s", out);
    cr_assert_eq(strncmp(out, "level,id,sessions_scheduled", 27), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
}
