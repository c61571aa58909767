/* offers.c - a seat offered twice cannot be filled twice: accepting checks
 * that the seat is still open and places the patient in one store
 * transaction, and creating an offer counts the open offers in the
 * insert's transaction. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

/* Two open seats in dbt-tue-pm (P0003 and P0001 left), three authorized
 * referrals; the top two candidates get an offer each (ids into o[2],
 * patients into who[2]) and the third is placed directly, leaving one
 * seat for the two offers. */
static void two_offers_one_seat(drv *v, long long o[2], char who[2][16], char third[16])
{
    event(v, "{\"event\":\"dropped\",\"group\":\"dbt-tue-pm\",\"patient\":\"P0003\","
             "\"date\":\"2027-02-10\"}");
    event(v, "{\"event\":\"graduated\",\"group\":\"dbt-tue-pm\",\"patient\":\"P0001\","
             "\"date\":\"2027-02-10\"}");
    for (int k = 0; k < 3; k++)
        referral(v, k, 20);
    json_t *rk = candidates(v, "dbt-tue-pm");
    cr_assert_eq(GETI(rk, "open_seats"), 2);
    cr_assert_geq(json_array_size(json_object_get(rk, "candidates")), 3);
    for (int k = 0; k < 2; k++)
        snprintf(who[k], 16, "%s", cand(rk, (size_t)k));
    snprintf(third, 16, "%s", cand(rk, 2));
    json_decref(rk);
    for (int k = 0; k < 2; k++)
        o[k] = offer_with(v, who[k], "2027-02-11T09:00:00Z");
    char ev[256];
    snprintf(ev, sizeof ev,
             "{\"event\":\"placed\",\"group\":\"dbt-tue-pm\",\"patient\":\"%s\","
             "\"date\":\"2027-02-11\"}",
             third);
    event(v, ev);
    rk = candidates(v, "dbt-tue-pm");
    cr_assert_eq(GETI(rk, "open_seats"), 1, "one seat left for two open offers");
    json_decref(rk);
}

/* Events of patient in the history (kind NULL = all). */
static int events_of(drv *v, const char *patient, const char *kind)
{
    json_t *h = history(v, patient), *e;
    size_t i;
    int n = 0;
    json_array_foreach(h, i, e)
    n += !kind || strcmp(json_string_value(json_object_get(e, "event")), kind) == 0;
    json_decref(h);
    return n;
}

/* The status of offer id (GET .../offers). */
static const char *offer_status(drv *v, long long id, char buf[16])
{
    json_t *l = offers(v, "2027-02-11T12:00:00Z"), *o;
    size_t i;
    buf[0] = '\0';
    json_array_foreach(json_object_get(l, "offers"), i, o)
    if (GETI(o, "id") == id) snprintf(buf, 16, "%s", json_string_value(json_object_get(o, "status")));
    json_decref(l);
    return buf;
}

static void accept_twice(int http)
{
    drv v;
    drv_open(&v, http);
    long long o[2];
    char who[2][16], third[16], st[16];
    two_offers_one_seat(&v, o, who, third);
    json_t *r = NULL;
    const char *acc = "{\"decision\":\"accepted\",\"at\":\"2027-02-11T10:00:00Z\"}";
    cr_assert_eq(offer_call(&v, "decision", o[0], acc, &r), 200);
    json_decref(r);
    int before = events_of(&v, who[1], NULL);
    cr_assert_eq(offer_call(&v, "decision", o[1], acc, &r), 400, "the seat went to %s", who[0]);
    cr_assert_str_eq(err_path(r), "decision");
    const char *msg = json_string_value(
        json_object_get(json_array_get(json_object_get(r, "errors"), 0), "message"));
    cr_assert_not_null(strstr(msg, "no longer open"), "%s", msg);
    json_decref(r);
    /* nothing half-written: not placed, the offer still open, no history */
    cr_assert_eq(events_of(&v, who[1], "placed"), 0);
    cr_assert_eq(events_of(&v, who[1], NULL), before);
    cr_assert_str_eq(offer_status(&v, o[1], st), "offered");
    json_t *rk = candidates(&v, "dbt-tue-pm");
    cr_assert_eq(GETI(rk, "open_seats"), 0);
    json_decref(rk);
    drv_close(&v);
}

Test(clinic_offers, second_accept_of_one_seat_is_refused_library)
{
    accept_twice(0);
}

Test(clinic_offers, second_accept_of_one_seat_is_refused_http, .timeout = 60)
{
    accept_twice(1);
}

/* One store call of a thread: decide offer id (accepted), or with id 0
 * create the offer of body. */
typedef struct {
    io_store *s;
    long long id;
    char body[160];
    int rc;
} offer_arg;

static void *offer_thread(void *p)
{
    offer_arg *a = p;
    const char *acc = "{\"decision\":\"accepted\",\"at\":\"2027-02-11T10:00:00Z\"}";
    char *t = NULL;
    model_diag d;
    model_diag_init(&d);
    a->rc = a->id ? io_store_offer_decide(a->s, PROG, a->id, acc, strlen(acc), 0, &t, &d)
                  : io_store_offer_create(a->s, PROG, a->body, strlen(a->body), 0, &t, &d);
    free(t);
    model_diag_free(&d);
    return NULL;
}

/* Run the two calls at once. */
static void race(offer_arg a[2])
{
    pthread_t th[2];
    for (int k = 0; k < 2; k++)
        pthread_create(&th[k], NULL, offer_thread, &a[k]);
    for (int k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    cr_assert((a[0].rc == IO_OK) != (a[1].rc == IO_OK), "exactly one wins: %d %d", a[0].rc,
              a[1].rc);
}

Test(clinic_offers, concurrent_accepts_of_one_seat_one_wins)
{
    drv v;
    drv_open(&v, 0);
    long long o[2];
    char who[2][16], third[16];
    two_offers_one_seat(&v, o, who, third);
    offer_arg a[2] = {{v.s, o[0], "", -1}, {v.s, o[1], "", -1}};
    race(a);
    int loser = a[0].rc == IO_OK;
    cr_assert_eq(a[loser].rc, IO_EINVAL);
    cr_assert_eq(events_of(&v, who[loser], "placed"), 0);
    drv_close(&v);
}

/* One open seat offered to two candidates at once: the open offers are
 * counted in the insert's transaction, so exactly one offer is made. */
Test(clinic_offers, concurrent_offers_of_one_seat_one_wins)
{
    drv v;
    drv_open(&v, 0);
    event(&v, "{\"event\":\"dropped\",\"group\":\"dbt-tue-pm\",\"patient\":\"P0003\","
              "\"date\":\"2027-02-10\"}");
    for (int k = 0; k < 3; k++)
        referral(&v, k, 20);
    json_t *rk = candidates(&v, "dbt-tue-pm");
    cr_assert_eq(GETI(rk, "open_seats"), 1);
    offer_arg a[2];
    for (int k = 0; k < 2; k++) {
        a[k].s = v.s;
        a[k].id = 0;
        a[k].rc = -1;
        snprintf(a[k].body, sizeof a[k].body,
                 "{\"group\":\"dbt-tue-pm\",\"patient\":\"%s\",\"at\":\"2027-02-11T09:00:00Z\"}",
                 cand(rk, (size_t)k));
    }
    json_decref(rk);
    race(a);
    json_t *l = offers(&v, "2027-02-11T10:00:00Z");
    cr_assert_eq(json_array_size(json_object_get(l, "offers")), 1);
    json_decref(l);
    drv_close(&v);
}
