/* driver.c - the clinic tests' fixture (fixture.h): the sample program in
 * a store and each call made through the library or the HTTP API. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "../http_client.h"
#include "../store_target.h"
model_authorization auth(const char *cpt, int units, const char *from, const char *to)
{
    model_authorization a = {.units = units, .from = -1, .to = -1};
    snprintf(a.payer, sizeof a.payer, "Aetna");
    snprintf(a.cpt, sizeof a.cpt, "%s", cpt);
    model_date_parse(from, &a.from);
    model_date_parse(to, &a.to);
    return a;
}


/* The sample program (with require_authorization and 4 authorized
 * sessions when require_auth) and its solution as schedule version 1. */
void prepare_db(io_store *s, char *token, int require_auth)
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

void drv_open(drv *v, int http)
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

void drv_close(drv *v)
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

/* One HTTP request (Connection: close, tests/http_client.h); its status,
 * the body parsed into *out. */
int http(drv *v, const char *method, const char *path, const char *body, json_t **out)
{
    resp r;
    cr_assert_eq(http_to(v->port, method, path, v->token, body, &r), 0, "%s %s: no answer",
                 method, path);
    *out = json_incref(r.json);
    int status = r.status;
    resp_free(&r);
    return status;
}

/* The library's answer as the API gives it: 2xx with the JSON, or 400
 * {"errors": [{path, message}]}. */
int lib_answer(int rc, char *text, model_diag *d, int ok, json_t **out)
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
int record(drv *v, const char *body, json_t **out)
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

/* The member key of an API answer o (a list the library gives bare),
 * o released; a paged answer ("items") must be on one page. */
static json_t *unwrap(json_t *o, const char *key)
{
    json_t *v = json_incref(json_object_get(o, key));
    cr_assert_not_null(v, "the answer has %s", key);
    if (strcmp(key, "items") == 0)
        cr_assert(json_is_null(json_object_get(o, "next_page_token")), "one page: all of it");
    json_decref(o);
    return v;
}

/* GET .../attendance/flags (only_flagged) */
json_t *flags(drv *v)
{
    json_t *out = NULL;
    if (v->port) {
        cr_assert_eq(http(v, "GET", "/v1/programs/" PROG "/attendance/flags", NULL, &out), 200);
        return unwrap(out, "members");
    }
    char *t = NULL;
    cr_assert_eq(io_store_attendance_flags(v->s, PROG, NULL, 1, &t), IO_OK);
    out = json_loads(t, 0, NULL);
    free(t);
    return out;
}

/* GET .../events?patient=P */
json_t *history(drv *v, const char *patient)
{
    json_t *out = NULL;
    if (v->port) {
        char path[128];
        snprintf(path, sizeof path, "/v1/programs/" PROG "/events?patient=%s&page_size=1000",
                 patient);
        cr_assert_eq(http(v, "GET", path, NULL, &out), 200);
        return unwrap(out, "items");
    }
    char *t = NULL;
    cr_assert_eq(io_store_history(v->s, PROG, patient, NULL, &t, NULL), IO_OK);
    out = json_loads(t, 0, NULL);
    free(t);
    return out;
}

/* The first error's path of a 400 answer. */
const char *err_path(json_t *j)
{
    const char *p =
        json_string_value(json_object_get(json_array_get(json_object_get(j, "errors"), 0), "path"));
    return p ? p : "(no error path)";
}

/* The flags entry of patient in a flags array, or NULL. */
json_t *flag_of(json_t *arr, const char *patient)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    if (strcmp(json_string_value(json_object_get(e, "patient")), patient) == 0) return e;
    return NULL;
}

/* One week of dbt-tue-pm: P0001, P0002, P0004, P0005 present, P0003 as
 * given (a JSON mark fragment). */
int week(drv *v, const char *date, const char *p3, json_t **out)
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

int count_attendance(drv *v)
{
    json_t *out = NULL;
    int n;
    if (v->port) {
        cr_assert_eq(
            http(v, "GET", "/v1/programs/" PROG "/attendance?page_size=1000", NULL, &out), 200);
        out = unwrap(out, "items");
    } else {
        char *t = NULL;
        cr_assert_eq(io_store_attendance_list(v->s, PROG, NULL, NULL, &t, NULL), IO_OK);
        out = json_loads(t, 0, NULL);
        free(t);
    }
    n = (int)json_array_size(out);
    json_decref(out);
    return n;
}

/* GET .../roster?group=G&date=D and .../authorizations/expiring?today=D */
json_t *get_json(drv *v, const char *path_q, int lib_rc, char *lib_text)
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

json_t *roster(drv *v, const char *group, const char *date)
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

json_t *expiring(drv *v, const char *today)
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
    json_t *out = get_json(v, path, rc, t);
    return v->port ? unwrap(out, "authorizations") : out;
}

json_t *census(drv *v, const char *period, const char *start)
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
json_t *entry(json_t *o, const char *key, const char *field, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(o, key), i, e)
    if (strcmp(json_string_value(json_object_get(e, field)), id) == 0) return e;
    return NULL;
}


/* ---- offers */

/* POST .../offers, .../offers/ID/decision, .../offers/ID/contacts (kind
 * "create", "decision", "contacts"). */
int offer_call(drv *v, const char *kind, long long id, const char *body, json_t **out)
{
    if (v->port) {
        char path[160];
        if (id)
            snprintf(path, sizeof path, "/v1/programs/" PROG "/offers/%lld/%s", id, kind);
        else
            snprintf(path, sizeof path, "/v1/programs/" PROG "/offers");
        int st = http(v, "POST", path, body, out);
        if (st == 201 && strcmp(kind, "contacts") == 0)
            *out = unwrap(*out, "contacts");
        return st;
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
json_t *candidates(drv *v, const char *group)
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
json_t *offers(drv *v, const char *at)
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
void event(drv *v, const char *body)
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

const char *cand(json_t *ranking, size_t k)
{
    const char *p = json_string_value(
        json_object_get(json_array_get(json_object_get(ranking, "candidates"), k), "patient"));
    return p ? p : "(no candidate)";
}

long long offer_with(drv *v, const char *patient, const char *at)
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
double expected_wait(drv *v, const char *patient, const char *type, json_t **basis)
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
    if (v->port)
        w = unwrap(w, "items");
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

void referral(drv *v, int k, int units)
{
    char ref[640];
    snprintf(ref, sizeof ref,
             "{\"event\":\"referral\",\"date\":\"2027-01-2%d\",\"patient\":{\"id\":\"R%d\","
             "\"diagnoses\":[\"F60.3\"],\"available\":[{\"day\":\"tue\",\"from\":\"16:00\","
             "\"to\":\"20:00\"}],\"added\":\"2027-01-2%d\",\"age\":30,\"screened\":true,"
             "\"insurance_verified\":true,\"authorizations\":[{\"payer\":\"Medicaid\","
             "\"cpt\":\"90853\",\"units\":%d,\"from\":\"2027-01-01\",\"to\":\"2027-06-30\"}]}}",
             k, k + 1, k, units);
    event(v, ref);
}
