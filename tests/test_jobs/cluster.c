/* cluster.c - test_jobs: two API nodes (io_server, no local workers) and
 * two `cohort worker --db` processes on one store: a job started on one
 * node is polled and cancelled on the other, a worker killed mid-job leaves
 * it to the other, and every acknowledged write is there afterwards. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "io_private.h"
#include "fixture.h"

static void cluster_teardown(void);
TestSuite(cluster, .init = setup, .fini = cluster_teardown, .timeout = 240);

/* ---------------------------------------------------------- cluster */
/* Two API nodes (io_server, no local workers) and two `cohort worker --db`
 * processes on one store, spoken to with curl. */

typedef struct node {
    io_server *srv;
    int port;
} node;

static node nodes[2];
static pid_t workers[2];

static void cluster_start(void)
{
    for (int i = 0; i < 2; i++) {
        io_server_options o;
        io_server_options_default(&o);
        o.port = 0;
        o.workers = 0;
        o.job_stale_s = 1;
        char *err = NULL;
        cr_assert_eq(io_server_start(dbpath, &o, &nodes[i].srv, &err), IO_OK, "%s",
                     err ? err : "");
        nodes[i].port = io_server_port(nodes[i].srv);
    }
    workers[0] = spawn_worker("w0", NULL, NULL);
    workers[1] = spawn_worker("w1", NULL, NULL);
}

static void cluster_stop(void)
{
    for (int i = 0; i < 2; i++) {
        if (workers[i] > 0) {
            kill(workers[i], SIGKILL);
            waitpid(workers[i], NULL, 0);
        }
        workers[i] = 0;
        io_server_stop(nodes[i].srv);
        nodes[i].srv = NULL;
    }
}

/* Also after a failed assertion: no worker outlives its test. */
static void cluster_teardown(void)
{
    cluster_stop();
    teardown();
}

/* One request to node n through curl; returns the body as JSON (NULL when
 * not JSON) and the status in *status. */
static json_t *http(int n, const char *method, const char *path, const char *body, int *status)
{
    static int seq;
    char in[400], out[400], cmd[1400];
    int k = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
    snprintf(in, sizeof in, "%s/req-%d.json", dir, k);
    snprintf(out, sizeof out, "%s/resp-%d.json", dir, k);
    if (body) {
        FILE *f = fopen(in, "w");
        cr_assert_not_null(f);
        fputs(body, f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd,
             "curl -s -o '%s' -w '%%{http_code}' -X %s -H 'Authorization: Bearer %s'"
             " -H 'Content-Type: application/json' %s%s%s 'http://127.0.0.1:%d%s'",
             out, method, admin, body ? "--data-binary '@" : "", body ? in : "", body ? "'" : "",
             nodes[n].port, path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    *status = 0;
    if (fscanf(p, "%d", status) != 1)
        *status = -1;
    pclose(p);
    json_t *j = json_load_file(out, JSON_DECODE_ANY, NULL);
    unlink(in);
    unlink(out);
    return j;
}

/* POST a plan of the tiny fixture to node n; returns the job id (malloc'd). */
static char *submit_plan(int n)
{
    char *inst = slurp(TINY);
    int status = 0;
    json_t *j = http(n, "POST", "/v1/plan?async=1", inst, &status);
    free(inst);
    cr_assert_eq(status, 202);
    char *id = strdup(json_string_value(json_object_get(j, "job")));
    json_decref(j);
    return id;
}

/* GET the job's status from node n. */
static json_t *job_on(int n, const char *id)
{
    char path[96];
    int status = 0;
    snprintf(path, sizeof path, "/v1/jobs/%s", id);
    json_t *j = http(n, "GET", path, NULL, &status);
    cr_assert_eq(status, 200);
    return j;
}

/* Poll node n until the job's status is `want` (or it has finished). */
static json_t *poll_job(int n, const char *id, const char *want, double secs)
{
    for (int i = 0;; i++) {
        json_t *j = job_on(n, id);
        const char *st = json_string_value(json_object_get(j, "status"));
        if (strcmp(st, want) == 0 || i >= secs * 10 ||
            (strcmp(st, "queued") != 0 && strcmp(st, "running") != 0))
            return j;
        json_decref(j);
        usleep(100000);
    }
}

Test(cluster, a_job_started_on_one_node_is_polled_and_cancelled_on_the_other)
{
    cluster_start();
    char *id = submit_plan(0);
    json_t *j = poll_job(1, id, "running", 30);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "running");
    json_decref(j);
    char path[96];
    int status = 0;
    snprintf(path, sizeof path, "/v1/jobs/%s", id);
    j = http(1, "DELETE", path, NULL, &status);
    cr_assert_eq(status, 200);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "cancelled");
    json_decref(j);
    j = job_on(0, id);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "cancelled");
    json_decref(j);
    /* the cluster still works: the next job is run to the end */
    char *next = submit_plan(1);
    j = poll_job(0, next, "done", 60);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "done");
    json_decref(j);
    free(next);
    free(id);
    cluster_stop();
}

Test(cluster, a_worker_killed_mid_job_leaves_it_to_the_other)
{
    cluster_start();
    char *id = submit_plan(0);
    json_t *j = poll_job(1, id, "running", 30);
    const char *w = json_string_value(json_object_get(j, "worker"));
    cr_assert_not_null(w);
    int victim = strncmp(w, "w0@", 3) == 0 ? 0 : 1;
    cr_assert(strncmp(w, victim ? "w1@" : "w0@", 3) == 0, "%s", w);
    json_decref(j);
    kill(workers[victim], SIGKILL);
    waitpid(workers[victim], NULL, 0);
    workers[victim] = 0;
    j = poll_job(1, id, "done", 90);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "done", "%s",
                     json_string_value(json_object_get(j, "error")));
    cr_assert_eq(json_integer_value(json_object_get(j, "attempts")), 2);
    cr_assert(strncmp(json_string_value(json_object_get(j, "worker")), victim ? "w0@" : "w1@",
                      3) == 0);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "result"), "status")),
                     "optimal");
    json_decref(j);
    free(id);
    cluster_stop();
}

typedef struct writer_arg {
    int node;
    int acked[40];
    int n_acked;
    int last_status;
    char last_error[256];
} writer_arg;

/* Add patients through one node; remember the acknowledged ones. */
static void *write_patients(void *p)
{
    writer_arg *a = p;
    for (int i = 0; i < 12; i++) {
        char body[400];
        snprintf(body, sizeof body,
                 "{\"id\":\"n%d-%d\",\"diagnoses\":[\"F60.3\"],\"available\":[{\"day\":\"mon\","
                 "\"from\":\"09:00\",\"to\":\"20:00\"}],\"added\":\"2024-09-02\",\"screened\":true,"
                 "\"insurance_verified\":true,\"age\":30}",
                 a->node, i);
        int status = 0;
        json_t *r = http(a->node, "POST", "/v1/programs/t/patients", body, &status);
        a->last_status = status;
        if (status == 201)
            a->acked[a->n_acked++] = i;
        else
            snprintf(a->last_error, sizeof a->last_error, "%.200s",
                     r ? json_string_value(json_object_get(r, "detail")) : "no body");
        json_decref(r);
    }
    return NULL;
}

Test(cluster, every_acknowledged_write_is_there_afterwards)
{
    cluster_start();
    char *inst = slurp(TINY);
    int status = 0;
    json_decref(http(0, "POST", "/v1/programs?id=t", inst, &status));
    free(inst);
    cr_assert_eq(status, 201);
    char *job = submit_plan(1); /* a worker busy meanwhile */
    writer_arg args[2] = {{.node = 0}, {.node = 1}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, write_patients, &args[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (int w = 0; w < 2; w++)
        cr_assert_eq(args[w].n_acked, 12, "node %d refused a write: %d %s", w,
                     args[w].last_status, args[w].last_error);
    for (int n = 0; n < 2; n++) {
        json_t *page = http(n, "GET", "/v1/programs/t/patients?page_size=1000", NULL, &status);
        cr_assert_eq(status, 200);
        json_t *list = json_object_get(page, "items");
        for (int w = 0; w < 2; w++)
            for (int k = 0; k < args[w].n_acked; k++) {
                char want[32];
                snprintf(want, sizeof want, "n%d-%d", w, args[w].acked[k]);
                int found = 0;
                for (size_t i = 0; i < json_array_size(list); i++)
                    found |= strcmp(json_string_value(json_object_get(json_array_get(list, i),
                                                                      "id")),
                                    want) == 0;
                cr_assert(found, "acknowledged %s missing on node %d", want, n);
            }
        json_decref(page);
    }
    json_t *j = poll_job(0, job, "done", 60);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "done");
    json_decref(j);
    free(job);
    cluster_stop();
}
