/* fixture.h - what the clinic-operation tests (tests/test_clinic.c and
 * the sources in tests/test_clinic/, one Criterion executable) share: the sample
 * program in a store, and a driver that makes the same calls through the
 * library (io_store_*) or through the HTTP API (the real server on an
 * ephemeral loopback port).  Definitions in tests/test_clinic/driver.c. */
#ifndef COHORT_TESTS_CLINIC_FIXTURE_H
#define COHORT_TESTS_CLINIC_FIXTURE_H

#include <criterion/criterion.h>
#include <jansson.h>

#include "clinic.h"
#include "io.h"
#include "solver.h"

#define SAMPLE COHORT_SOURCE_DIR "/datasets/sample.json"
#define SAMPLE_SOLUTION COHORT_SOURCE_DIR "/docs/examples/sample-solution.json"
#define TINY COHORT_SOURCE_DIR "/datasets/fixtures/tiny.json"
#define PROG "riverside"

#define GETI(o, k) json_integer_value(json_object_get((o), (k)))
#define GETF(o, k) json_number_value(json_object_get((o), (k)))

typedef struct drv {
    io_store *s; /* library */
    int port;    /* HTTP (0 = library) */
    char token[128];
    char dir[64];
    io_server *srv;
} drv;

/* An "Aetna" authorization of units of cpt between two ISO dates. */
model_authorization auth(const char *cpt, int units, const char *from, const char *to);

/* The sample program (with require_authorization and 4 authorized
 * sessions when require_auth) and its solution as schedule version 1. */
void prepare_db(io_store *s, char *token, int require_auth);

/* Open a driver on a fresh store holding the sample (prepare_db with
 * require_authorization): in memory through the library (http 0), or in a
 * temporary folder behind a started server (http 1). */
void drv_open(drv *v, int http);

/* Stop the server, close the store, remove the temporary folder. */
void drv_close(drv *v);

/* One HTTP request (Connection: close); the body parsed into *out. */
int http(drv *v, const char *method, const char *path, const char *body, json_t **out);

/* The library's answer as the API gives it: 2xx with the JSON, or 400
 * {"errors": [{path, message}]}. */
int lib_answer(int rc, char *text, model_diag *d, int ok, json_t **out);

/* POST .../attendance */
int record(drv *v, const char *body, json_t **out);

/* GET .../attendance/flags (only_flagged) */
json_t *flags(drv *v);

/* GET .../events?patient=P */
json_t *history(drv *v, const char *patient);

/* The first error's path of a 400 answer. */
const char *err_path(json_t *j);

/* The flags entry of patient in a flags array, or NULL. */
json_t *flag_of(json_t *arr, const char *patient);

/* One week of dbt-tue-pm: P0001, P0002, P0004, P0005 present, P0003 as
 * given (a JSON mark fragment). */
int week(drv *v, const char *date, const char *p3, json_t **out);

/* The number of recorded attendance rows (GET .../attendance). */
int count_attendance(drv *v);

/* GET .../roster?group=G&date=D and .../authorizations/expiring?today=D */
json_t *get_json(drv *v, const char *path_q, int lib_rc, char *lib_text);

/* GET .../roster?group=G&date=D (200 asserted). */
json_t *roster(drv *v, const char *group, const char *date);

/* GET .../authorizations/expiring?today=D (200 asserted). */
json_t *expiring(drv *v, const char *today);

/* GET .../census?period=P&start=S (200 asserted). */
json_t *census(drv *v, const char *period, const char *start);

/* The entry of array key whose field equals id. */
json_t *entry(json_t *o, const char *key, const char *field, const char *id);

/* POST .../offers, .../offers/ID/decision, .../offers/ID/contacts (kind
 * "create", "decision", "contacts"). */
int offer_call(drv *v, const char *kind, long long id, const char *body, json_t **out);

/* GET .../seats/GROUP/candidates */
json_t *candidates(drv *v, const char *group);

/* GET .../offers?at=AT */
json_t *offers(drv *v, const char *at);

/* Record one roster event (library or API). */
void event(drv *v, const char *body);

/* The patient of a ranking's k-th candidate, or "(no candidate)". */
const char *cand(json_t *ranking, size_t k);

/* Offer dbt-tue-pm's seat to patient at `at` (201 asserted); the id. */
long long offer_with(drv *v, const char *patient, const char *at);

/* GET .../waitlist?patient=P: the expected wait (weeks) for type. */
double expected_wait(drv *v, const char *patient, const char *type, json_t **basis);

/* Record referral k (0-based; patient R<k+1>, added 2027-01-2<k>): a DBT
 * patient free Tuesday afternoons with a Medicaid authorization of units
 * of 90853 for the first half of 2027. */
void referral(drv *v, int k, int units);

#endif
