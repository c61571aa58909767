/* test_jobs.c - the durable job queue: the store's queue (claim, heartbeat,
 * finish, recover, cancel), the local runner (restart, shutdown), the
 * standalone `cohort worker --db` (SIGTERM, --max-jobs) and fan-out; a
 * cluster of two API nodes and two workers on one store (cancel across
 * nodes, a worker SIGKILLed mid-job, acknowledged writes) in
 * test_jobs/cluster.c.  What the files share: test_jobs/fixture.h. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "io_private.h"
#include "store_target.h"
#include "test_jobs/fixture.h"

#define TWO_SITES COHORT_SOURCE_DIR "/datasets/fixtures/two-sites.json"

char dir[256], dbpath[300];
static char slow[300];
char admin[128];

static io_store *open_db(void)
{
    io_store *s = NULL;
    char *err = NULL;
    cr_assert_eq(io_store_open(dbpath, 1, &s, &err), IO_OK, "%s", err ? err : "");
    return s;
}

/* A `cohort worker` that sleeps `secs` before running the job (so a test
 * can act while the job runs). */
static void make_slow_worker(double secs)
{
    snprintf(slow, sizeof slow, "%s/slow-worker.sh", dir);
    FILE *f = fopen(slow, "w");
    cr_assert_not_null(f);
    fprintf(f, "#!/bin/sh\nsleep %.1f\nexec '%s' worker\n", secs, COHORT_BINARY);
    fclose(f);
    chmod(slow, 0755);
}

void setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    snprintf(dir, sizeof dir, "/tmp/cohort-test-jobs-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char file[300];
    snprintf(file, sizeof file, "%s/s.db", dir);
    target_setup(dbpath, sizeof dbpath, file);
    io_store *s = open_db();
    char *secret = NULL;
    cr_assert_eq(io_store_token_create(s, IO_ROLE_ADMIN, "admin", 0, &secret, NULL), IO_OK);
    snprintf(admin, sizeof admin, "%s", secret);
    free(secret);
    io_store_close(s);
    make_slow_worker(2);
}

void teardown(void)
{
    target_teardown();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
}

TestSuite(queue, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(runner, .init = setup, .fini = teardown, .timeout = 120);

char *slurp(const char *path)
{
    char *t = NULL;
    size_t n = 0;
    cr_assert_eq(io_read_all(path, 1 << 24, &t, &n), IO_OK);
    return t;
}

/* The job JSON of a plan of the instance file path. */
static char *plan_job_of(const char *path)
{
    char *inst = slurp(path);
    json_t *j = json_pack("{s:s,s:o}", "kind", "plan", "instance", json_loads(inst, 0, NULL));
    char *t = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    free(inst);
    return t;
}

/* The job JSON of a plan of the tiny fixture. */
static char *plan_job(void)
{
    return plan_job_of(TINY);
}

static int job_state(io_store *s, const char *id)
{
    int st = -1;
    cr_assert_eq(io_store_job_state(s, id, &st, NULL, NULL), IO_OK);
    return st;
}

static json_t *job_status(io_store *s, const char *id)
{
    char *t = NULL;
    cr_assert_eq(io_store_job_status_json(s, id, &t), IO_OK);
    json_t *j = json_loads(t, 0, NULL);
    free(t);
    cr_assert_not_null(j);
    return j;
}

/* Poll until the job leaves the queued and running states (or `secs`
 * pass); returns the state. */
static int wait_finished(io_store *s, const char *id, double secs)
{
    for (int i = 0; i < secs * 20; i++) {
        int st = job_state(s, id);
        if (st >= IO_JOB_DONE)
            return st;
        usleep(50000);
    }
    return job_state(s, id);
}

static void wait_state(io_store *s, const char *id, int state, double secs)
{
    for (int i = 0; i < secs * 20 && job_state(s, id) != state; i++)
        usleep(50000);
    cr_assert_eq(job_state(s, id), state, "job %s", id);
}

/* ------------------------------------------------------------ queue */

Test(queue, jobs_are_claimed_oldest_first_and_once)
{
    io_store *s = open_db();
    char a[IO_JOB_ID_LEN], b[IO_JOB_ID_LEN];
    cr_assert_eq(io_store_job_submit(s, "plan", NULL, 0, 60, "{\"a\":1}", 0, a), IO_OK);
    cr_assert_eq(io_store_job_submit(s, "plan", "prog", 1, 60, "{\"b\":2}", 0, b), IO_OK);
    cr_assert_str_neq(a, b);
    io_job_claim c1, c2, c3;
    cr_assert_eq(io_store_job_claim(s, "w1", &c1), IO_OK);
    cr_assert_str_eq(c1.id, a);
    cr_assert_str_eq(c1.input, "{\"a\":1}");
    cr_assert_null(c1.program);
    cr_assert_eq(c1.attempt, 1);
    cr_assert_eq(io_store_job_claim(s, "w2", &c2), IO_OK);
    cr_assert_str_eq(c2.id, b);
    cr_assert_str_eq(c2.program, "prog");
    cr_assert_eq(c2.actor, 1);
    cr_assert_eq(io_store_job_claim(s, "w1", &c3), IO_STORE_ENOTFOUND);
    cr_assert_not(io_store_job_any_queued(s));
    /* only the owner heartbeats and finishes */
    cr_assert_eq(io_store_job_heartbeat(s, a, "w2"), IO_STORE_ECONFLICT);
    cr_assert_eq(io_store_job_heartbeat(s, a, "w1"), IO_OK);
    cr_assert_eq(io_store_job_finish(s, a, "w2", IO_JOB_DONE, "{}", NULL, NULL),
                 IO_STORE_ECONFLICT);
    cr_assert_eq(io_store_job_finish(s, a, "w1", IO_JOB_DONE, "{\"ok\":true}", "{\"version\":3}",
                                     NULL),
                 IO_OK);
    json_t *st = job_status(s, a);
    cr_assert_str_eq(json_string_value(json_object_get(st, "status")), "done");
    cr_assert(json_is_true(json_object_get(json_object_get(st, "result"), "ok")));
    cr_assert_eq(json_integer_value(json_object_get(st, "version")), 3);
    cr_assert_str_eq(json_string_value(json_object_get(st, "worker")), "w1");
    json_decref(st);
    cr_assert_eq(io_store_job_finish(s, b, "w2", IO_JOB_FAILED, NULL, NULL, "boom"), IO_OK);
    char *err = NULL;
    int state = 0;
    cr_assert_eq(io_store_job_state(s, b, &state, NULL, &err), IO_OK);
    cr_assert_eq(state, IO_JOB_FAILED);
    cr_assert_str_eq(err, "boom");
    free(err);
    io_job_claim_clear(&c1);
    io_job_claim_clear(&c2);
    io_store_close(s);
}

Test(queue, two_processes_never_claim_the_same_job)
{
    io_store *s = open_db();
    enum { N = 60 };
    char ids[N][IO_JOB_ID_LEN];
    for (int i = 0; i < N; i++)
        cr_assert_eq(io_store_job_submit(s, "plan", NULL, 0, 60, "{}", 0, ids[i]), IO_OK);
    io_store_close(s);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        cr_assert_geq(kids[k], 0);
        if (kids[k] == 0) {
            io_store *c = NULL;
            if (io_store_open(dbpath, 0, &c, NULL) != IO_OK)
                _exit(3);
            char name[16];
            snprintf(name, sizeof name, "w%d", k);
            io_job_claim cl;
            int rc;
            while ((rc = io_store_job_claim(c, name, &cl)) == IO_OK) {
                io_store_job_finish(c, cl.id, name, IO_JOB_DONE, "{}", NULL, NULL);
                io_job_claim_clear(&cl);
            }
            io_store_close(c);
            _exit(rc == IO_STORE_ENOTFOUND ? 0 : 4);
        }
    }
    for (int k = 0; k < 2; k++) {
        int st = 0;
        waitpid(kids[k], &st, 0);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "claimer %d: %d", k, st);
    }
    s = open_db();
    for (int i = 0; i < N; i++) {
        json_t *j = job_status(s, ids[i]);
        cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "done");
        cr_assert_eq(json_integer_value(json_object_get(j, "attempts")), 1, "%s claimed twice",
                     ids[i]);
        json_decref(j);
    }
    io_store_close(s);
}

Test(queue, a_dead_workers_job_is_retried_once_then_failed_with_the_reason)
{
    io_store *s = open_db();
    char id[IO_JOB_ID_LEN];
    cr_assert_eq(io_store_job_submit(s, "plan", NULL, 0, 60, "{}", 0, id), IO_OK);
    io_job_claim c;
    cr_assert_eq(io_store_job_claim(s, "dead1", &c), IO_OK);
    io_job_claim_clear(&c);
    int n = -1;
    cr_assert_eq(io_store_job_recover(s, 5, &n), IO_OK);
    cr_assert_eq(n, 0, "a fresh heartbeat is not stale");
    usleep(300000);
    cr_assert_eq(io_store_job_recover(s, 0.2, &n), IO_OK);
    cr_assert_eq(n, 1);
    json_t *j = job_status(s, id);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "queued");
    cr_assert(strstr(json_string_value(json_object_get(j, "note")), "dead1"));
    json_decref(j);
    /* the dead worker cannot finish it any more */
    cr_assert_eq(io_store_job_finish(s, id, "dead1", IO_JOB_DONE, "{}", NULL, NULL),
                 IO_STORE_ECONFLICT);
    cr_assert_eq(io_store_job_claim(s, "dead2", &c), IO_OK);
    cr_assert_eq(c.attempt, 2);
    io_job_claim_clear(&c);
    usleep(300000);
    cr_assert_eq(io_store_job_recover(s, 0.2, &n), IO_OK);
    cr_assert_eq(n, 1);
    j = job_status(s, id);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "failed");
    cr_assert(strstr(json_string_value(json_object_get(j, "error")), "retry"));
    json_decref(j);
    io_store_close(s);
}

Test(queue, cancel_release_and_the_queue_bound)
{
    io_store *s = open_db();
    char a[IO_JOB_ID_LEN], b[IO_JOB_ID_LEN], x[IO_JOB_ID_LEN];
    cr_assert_eq(io_store_job_submit(s, "plan", NULL, 0, 60, "{}", 2, a), IO_OK);
    cr_assert_eq(io_store_job_submit(s, "plan", NULL, 0, 60, "{}", 2, b), IO_OK);
    cr_assert_eq(io_store_job_submit(s, "plan", NULL, 0, 60, "{}", 2, x), IO_STORE_ECONFLICT);
    io_job_claim c;
    cr_assert_eq(io_store_job_claim(s, "w", &c), IO_OK);
    io_job_claim_clear(&c);
    /* a clean shutdown gives the run back without counting it */
    cr_assert_eq(io_store_job_release(s, a, "w"), IO_OK);
    json_t *j = job_status(s, a);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "queued");
    cr_assert_eq(json_integer_value(json_object_get(j, "attempts")), 0);
    json_decref(j);
    cr_assert_eq(io_store_job_claim(s, "w", &c), IO_OK);
    io_job_claim_clear(&c);
    /* cancel a running and a queued job; the worker's next heartbeat fails */
    cr_assert_eq(io_store_job_cancel(s, a), IO_OK);
    cr_assert_eq(io_store_job_cancel(s, b), IO_OK);
    cr_assert_eq(io_store_job_heartbeat(s, a, "w"), IO_STORE_ECONFLICT);
    cr_assert_eq(io_store_job_finish(s, a, "w", IO_JOB_DONE, "{}", NULL, NULL),
                 IO_STORE_ECONFLICT);
    cr_assert_eq(job_state(s, a), IO_JOB_CANCELLED);
    cr_assert_eq(job_state(s, b), IO_JOB_CANCELLED);
    cr_assert_eq(io_store_job_cancel(s, "jnope"), IO_STORE_ENOTFOUND);
    int q = -1, r = -1;
    cr_assert_eq(io_store_job_counts(s, &q, &r), IO_OK);
    cr_assert_eq(q, 0);
    cr_assert_eq(r, 0);
    cr_assert_eq(io_store_job_prune(s, io_job_now() + 1), IO_OK);
    cr_assert_eq(io_store_job_state(s, a, &q, NULL, NULL), IO_STORE_ENOTFOUND);
    io_store_close(s);
}

/* ----------------------------------------------------------- runner */

/* Submit a plan of the tiny fixture through J and wait until it runs. */
static void submit_running(io_store *s, io_jobs *J, char id[IO_JOB_ID_LEN])
{
    char *job = plan_job();
    cr_assert_eq(io_jobs_submit(J, "plan", NULL, 0, 120, job, id), IO_OK);
    free(job);
    wait_state(s, id, IO_JOB_RUNNING, 20);
}

static io_jobs *runner(io_store *s, int running, const char *exe)
{
    io_jobs_options o;
    io_jobs_options_default(&o);
    o.worker = exe;
    o.max_running = running;
    o.stale_s = 1;
    io_jobs *J = NULL;
    cr_assert_eq(io_jobs_create(s, &o, &J), IO_OK);
    return J;
}

Test(runner, a_queued_job_survives_a_restart)
{
    io_store *s = open_db();
    io_jobs *api = runner(s, 0, COHORT_BINARY); /* an API node without workers */
    char *job = plan_job();
    char id[IO_JOB_ID_LEN];
    cr_assert_eq(io_jobs_submit(api, "plan", NULL, 0, 120, job, id), IO_OK);
    free(job);
    usleep(300000);
    cr_assert_eq(job_state(s, id), IO_JOB_QUEUED);
    io_jobs_destroy(api);
    io_store_close(s);
    /* "restart": a new process state over the same store */
    s = open_db();
    io_jobs *J = runner(s, 1, COHORT_BINARY);
    int state = -1;
    char *result = NULL;
    cr_assert_eq(io_jobs_wait(J, id, 120, &state, &result, NULL), IO_OK);
    cr_assert_eq(state, IO_JOB_DONE);
    json_t *r = json_loads(result, 0, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "optimal");
    json_decref(r);
    free(result);
    io_jobs_destroy(J);
    io_store_close(s);
}

Test(runner, a_stopped_node_gives_its_running_job_back_and_a_dead_ones_is_retried)
{
    io_store *s = open_db();
    io_jobs *J = runner(s, 1, slow);
    char id[IO_JOB_ID_LEN], other[IO_JOB_ID_LEN];
    submit_running(s, J, id);
    io_jobs_destroy(J); /* a clean stop in the middle of the job */
    json_t *st = job_status(s, id);
    cr_assert_str_eq(json_string_value(json_object_get(st, "status")), "queued");
    cr_assert_eq(json_integer_value(json_object_get(st, "attempts")), 0);
    json_decref(st);
    /* a job claimed by a worker that then died (no heartbeats) */
    char *job = plan_job();
    cr_assert_eq(io_store_job_submit(s, "plan", NULL, 0, 120, job, 0, other), IO_OK);
    free(job);
    io_job_claim c;
    cr_assert_eq(io_store_job_claim(s, "gone", &c), IO_OK); /* claims `id` first */
    io_job_claim_clear(&c);
    J = runner(s, 2, COHORT_BINARY);
    cr_assert_eq(wait_finished(s, id, 120), IO_JOB_DONE);
    cr_assert_eq(wait_finished(s, other, 120), IO_JOB_DONE);
    st = job_status(s, id);
    cr_assert_eq(json_integer_value(json_object_get(st, "attempts")), 2);
    cr_assert(strstr(json_string_value(json_object_get(st, "note")), "gone"));
    json_decref(st);
    io_jobs_destroy(J);
    io_store_close(s);
}

Test(runner, a_job_cancelled_in_the_store_kills_its_process)
{
    io_store *s = open_db();
    io_jobs *J = runner(s, 1, slow);
    char id[IO_JOB_ID_LEN];
    submit_running(s, J, id);
    int procs = 0;
    io_jobs_counts(J, NULL, NULL, &procs);
    cr_assert_eq(procs, 1);
    /* cancelled through another connection, as another node would */
    io_store *other = open_db();
    cr_assert_eq(io_store_job_cancel(other, id), IO_OK);
    io_store_close(other);
    for (int i = 0; i < 100 && procs; i++) {
        usleep(50000);
        io_jobs_counts(J, NULL, NULL, &procs);
    }
    cr_assert_eq(procs, 0, "the cancelled job's process still runs");
    cr_assert_eq(job_state(s, id), IO_JOB_CANCELLED);
    io_jobs_destroy(J);
    io_store_close(s);
}

/* ------------------------------------------------ standalone worker */

/* Start `cohort worker --db` with extra arguments (NULL-terminated). */
pid_t spawn_worker(const char *name, const char *extra1, const char *extra2)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int dn = open("/dev/null", O_WRONLY);
        if (dn >= 0)
            dup2(dn, 2);
        execl(COHORT_BINARY, COHORT_BINARY, "worker", "--db", dbpath, "--stale", "1", "--name",
              name, "--exec", slow, extra1, extra2, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int exit_code(pid_t pid, double secs)
{
    int st = 0;
    for (int i = 0; i < secs * 20; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        usleep(50000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

Test(runner, a_worker_finishes_its_job_on_sigterm_and_honours_max_jobs)
{
    io_store *s = open_db();
    char *job = plan_job();
    char a[IO_JOB_ID_LEN], b[IO_JOB_ID_LEN], c[IO_JOB_ID_LEN];
    cr_assert_eq(io_store_job_submit(s, "plan", NULL, 0, 120, job, 0, a), IO_OK);
    pid_t w = spawn_worker("t", NULL, NULL);
    wait_state(s, a, IO_JOB_RUNNING, 20);
    cr_assert_eq(io_store_job_submit(s, "plan", NULL, 0, 120, job, 0, b), IO_OK);
    kill(w, SIGTERM);
    cr_assert_eq(exit_code(w, 60), 0);
    cr_assert_eq(job_state(s, a), IO_JOB_DONE, "the running job was finished");
    cr_assert_eq(job_state(s, b), IO_JOB_QUEUED, "no job was claimed after SIGTERM");
    /* --max-jobs 1: one job, then it exits */
    cr_assert_eq(io_store_job_submit(s, "plan", NULL, 0, 120, job, 0, c), IO_OK);
    free(job);
    w = spawn_worker("t", "--max-jobs", "1");
    cr_assert_eq(exit_code(w, 60), 0);
    cr_assert_eq(job_state(s, b), IO_JOB_DONE);
    cr_assert_eq(job_state(s, c), IO_JOB_QUEUED);
    io_store_close(s);
}

/* The instance file path stored as program "p". */
static void store_program_of(io_store *s, const char *path)
{
    char *text = slurp(path);
    model_instance *inst = NULL;
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_instance_parse(text, strlen(text), &inst, &d), IO_OK);
    cr_assert_eq(io_store_program_create(s, "p", inst, 0, NULL, &d, NULL), IO_OK);
    model_instance_destroy(inst);
    model_diag_free(&d);
    free(text);
}

/* The tiny fixture stored as program "p". */
static void store_program(io_store *s)
{
    store_program_of(s, TINY);
}

static size_t schedule_versions(io_store *s)
{
    char *t = NULL;
    cr_assert_eq(io_store_schedule_list(s, "p", &t, NULL), IO_OK);
    json_t *a = json_loads(t, 0, NULL);
    free(t);
    size_t n = json_array_size(a);
    json_decref(a);
    return n;
}

Test(runner, a_retry_after_the_save_finishes_with_the_saved_version)
{
    io_store *s = open_db();
    store_program(s);
    char *job = plan_job();
    char id[IO_JOB_ID_LEN];
    cr_assert_eq(io_store_job_submit(s, "program_plan", "p", 0, 120, job, 0, id), IO_OK);
    free(job);
    /* the first worker dies after saving the schedule, before finishing */
    setenv("COHORT_JOB_FAULT", "exit-after-save", 1);
    pid_t w = spawn_worker("dies", NULL, NULL);
    unsetenv("COHORT_JOB_FAULT");
    cr_assert_eq(exit_code(w, 60), 3);
    cr_assert_eq(job_state(s, id), IO_JOB_RUNNING);
    cr_assert_eq(schedule_versions(s), 1);
    /* the retry solves again and finishes with the version already saved */
    w = spawn_worker("retries", "--max-jobs", "1");
    cr_assert_eq(exit_code(w, 60), 0);
    json_t *st = job_status(s, id);
    cr_assert_str_eq(json_string_value(json_object_get(st, "status")), "done");
    cr_assert_eq(json_integer_value(json_object_get(st, "attempts")), 2);
    cr_assert_eq(json_integer_value(json_object_get(st, "version")), 1);
    json_decref(st);
    cr_assert_eq(schedule_versions(s), 1, "the retry saved a second version");
    io_store_close(s);
}

/* ----------------------------------------------------------- fan-out */

/* A what-if job of the tiny fixture: a scenario planned from scratch, a
 * capacity-only one (it starts from the baseline's schedule) and, with
 * marginal, the marginal probes. */
static char *whatif_job(int marginal)
{
    char *inst = slurp(TINY);
    json_t *j = json_pack("{s:s,s:o,s:f,s:b,s:[{s:s,s:[{s:s,s:s}]},{s:s,s:[{s:s,s:s,s:i,s:i}]}]}",
                          "kind", "whatif", "instance", json_loads(inst, 0, NULL), "time_limit_s",
                          2.0, "marginal", marginal, "scenarios", "name", "lose-room-b", "changes",
                          "op", "remove_room", "id", "room-b", "name", "more-anxiety", "changes",
                          "op", "add_referrals", "type", "cbt-anx", "count", 3, "seed", 1);
    char *t = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    free(inst);
    return t;
}

/* Submit a what-if through an API node without workers: the parent's id. */
static void submit_whatif(io_store *s, int marginal, char id[IO_JOB_ID_LEN])
{
    io_jobs *api = runner(s, 0, COHORT_BINARY);
    char *job = whatif_job(marginal);
    cr_assert_eq(io_jobs_submit(api, "whatif", NULL, 0, 300, job, id), IO_OK);
    free(job);
    io_jobs_destroy(api);
}

static json_t *parts_of(io_store *s, const char *id)
{
    json_t *p = NULL;
    cr_assert_eq(io_store_job_parts(s, id, &p), IO_OK);
    return p;
}

/* The report entry named name in the array key of the report r. */
static json_t *entry(json_t *r, const char *key, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r, key), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0)
            return e;
    }
    cr_assert_fail("no %s entry %s", key, name);
    return NULL;
}

Test(runner, a_whatif_is_one_part_per_plan_shared_by_two_workers_and_assembled)
{
    io_store *s = open_db();
    char id[IO_JOB_ID_LEN];
    submit_whatif(s, 1, id);
    json_t *parts = parts_of(s, id);
    size_t n = json_array_size(parts);
    /* baseline, 2 scenarios, one probe per credential and a room */
    cr_assert_geq(n, 5, "%zu parts", n);
    json_decref(parts);
    json_t *st = job_status(s, id);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(st, "parts"), "total")),
                 (json_int_t)n);
    cr_assert_str_eq(json_string_value(json_object_get(st, "status")), "queued");
    json_decref(st);
    make_slow_worker(0.3); /* each part takes a while: both workers get some */
    pid_t w1 = spawn_worker("w1", NULL, NULL), w2 = spawn_worker("w2", NULL, NULL);
    int state = wait_finished(s, id, 150);
    kill(w1, SIGTERM);
    kill(w2, SIGTERM);
    cr_assert_eq(exit_code(w1, 60), 0);
    cr_assert_eq(exit_code(w2, 60), 0);
    cr_assert_eq(state, IO_JOB_DONE);
    parts = parts_of(s, id);
    int by[2] = {0, 0};
    size_t i;
    json_t *p;
    json_array_foreach(parts, i, p) {
        cr_assert_str_eq(json_string_value(json_object_get(p, "state")), "done");
        const char *w = json_string_value(json_object_get(p, "worker"));
        by[0] += strncmp(w, "w1@", 3) == 0;
        by[1] += strncmp(w, "w2@", 3) == 0;
    }
    json_decref(parts);
    cr_assert(by[0] > 0 && by[1] > 0 && by[0] + by[1] == (int)n, "w1 %d, w2 %d of %zu", by[0],
              by[1], n);
    /* the report has the shape of an in-process what-if */
    st = job_status(s, id);
    json_t *r = json_object_get(st, "result");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(st, "parts"), "done")),
                 (json_int_t)n);
    cr_assert(json_is_true(json_object_get(json_object_get(r, "baseline"), "ok")));
    cr_assert_eq(json_array_size(json_object_get(r, "scenarios")), 2);
    json_t *lose = entry(r, "scenarios", "lose-room-b");
    json_t *more = entry(r, "scenarios", "more-anxiety");
    cr_assert(json_is_object(json_object_get(lose, "differences")));
    cr_assert(json_is_true(json_object_get(json_object_get(more, "warm_start"), "used")),
              "the capacity-only part did not start from the baseline part's schedule");
    cr_assert_eq(json_array_size(json_object_get(r, "marginal")), n - 3);
    cr_assert_eq(json_array_size(json_object_get(r, "bottlenecks")), n - 3);
    cr_assert_eq(json_integer_value(json_object_get(r, "max_concurrent")), 2, "two workers");
    json_decref(st);
    io_store_close(s);
}

Test(runner, a_failed_part_is_reported_and_the_rest_of_the_whatif_stands)
{
    io_store *s = open_db();
    char id[IO_JOB_ID_LEN];
    submit_whatif(s, 0, id);
    /* the report is assembled here, in this process: it must close no
     * descriptor it does not own (fd 0 is the first one reused) */
    int guard[2], saved = dup(0);
    cr_assert_eq(pipe(guard), 0);
    cr_assert_eq(dup2(guard[0], 0), 0);
    struct stat want, got;
    cr_assert_eq(fstat(0, &want), 0);
    setenv("COHORT_WHATIF_FAULT", "lose-room-b", 1); /* that plan's process aborts */
    io_jobs *J = runner(s, 2, COHORT_BINARY);
    int procs = 0, most = 0;
    while (job_state(s, id) < IO_JOB_DONE) {
        io_jobs_counts(J, NULL, NULL, &procs);
        most = procs > most ? procs : most;
        usleep(20000);
    }
    io_jobs_destroy(J);
    unsetenv("COHORT_WHATIF_FAULT");
    cr_assert_eq(fstat(0, &got), 0, "the job runner closed descriptor 0");
    cr_assert(got.st_ino == want.st_ino && got.st_dev == want.st_dev);
    dup2(saved, 0);
    close(saved);
    close(guard[0]);
    close(guard[1]);
    cr_assert_leq(most, 2, "--jobs 2 bounds the processes: %d", most);
    json_t *st = job_status(s, id);
    cr_assert_str_eq(json_string_value(json_object_get(st, "status")), "done");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(st, "parts"), "failed")), 1);
    json_t *r = json_object_get(st, "result");
    json_t *lose = entry(r, "scenarios", "lose-room-b");
    cr_assert_str_eq(json_string_value(json_object_get(lose, "status")), "failed");
    cr_assert(strstr(json_string_value(json_object_get(lose, "error")), "part 1 failed"),
              "%s", json_string_value(json_object_get(lose, "error")));
    cr_assert(json_is_true(json_object_get(entry(r, "scenarios", "more-anxiety"), "ok")));
    cr_assert(json_is_true(json_object_get(json_object_get(r, "baseline"), "ok")));
    json_decref(st);
    io_store_close(s);
}

Test(runner, cancelling_a_whatif_cancels_its_open_parts)
{
    io_store *s = open_db();
    char id[IO_JOB_ID_LEN];
    submit_whatif(s, 0, id);
    /* one part runs (claimed by a worker that goes on), the rest wait */
    io_job_claim c;
    cr_assert_eq(io_store_job_claim(s, "busy", &c), IO_OK);
    cr_assert_str_eq(c.kind, "whatif_part");
    json_t *st = job_status(s, id);
    cr_assert_str_eq(json_string_value(json_object_get(st, "status")), "running");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(st, "parts"), "running")), 1);
    json_decref(st);
    cr_assert_eq(io_store_job_cancel(s, id), IO_OK);
    st = job_status(s, id);
    cr_assert_str_eq(json_string_value(json_object_get(st, "status")), "cancelled");
    json_t *pc = json_object_get(st, "parts");
    cr_assert_eq(json_integer_value(json_object_get(pc, "cancelled")),
                 json_integer_value(json_object_get(pc, "total")));
    json_decref(st);
    /* the running part's worker learns it at its next heartbeat */
    cr_assert_eq(io_store_job_heartbeat(s, c.id, "busy"), IO_STORE_ECONFLICT);
    io_job_claim_clear(&c);
    cr_assert_eq(io_store_job_any_queued(s), 0);
    io_store_close(s);
}

/* A stored plan of the two-site fixture, submitted through an API node
 * without workers: the parent's id. */
static void submit_sites(io_store *s, char id[IO_JOB_ID_LEN])
{
    store_program_of(s, TWO_SITES);
    io_jobs *api = runner(s, 0, COHORT_BINARY);
    char *job = plan_job_of(TWO_SITES);
    cr_assert_eq(io_jobs_submit(api, "program_plan", "p", 0, 120, job, id), IO_OK);
    free(job);
    io_jobs_destroy(api);
}

Test(runner, a_multi_site_plan_is_one_part_per_site_merged_into_one_schedule)
{
    io_store *s = open_db();
    char id[IO_JOB_ID_LEN];
    submit_sites(s, id);
    json_t *parts = parts_of(s, id);
    cr_assert_eq(json_array_size(parts), 2);
    json_decref(parts);
    io_jobs *J = runner(s, 2, COHORT_BINARY);
    cr_assert_eq(wait_finished(s, id, 120), IO_JOB_DONE);
    io_jobs_destroy(J);
    /* the same merge as the in-process split: the whole program's plan */
    char *text = slurp(TWO_SITES);
    model_instance *inst = NULL;
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_instance_parse(text, strlen(text), &inst, &d), IO_OK);
    model_solution *whole = NULL;
    cr_assert_eq(solver_plan(inst, NULL, &whole), SOLVER_OK);
    json_t *st = job_status(s, id);
    json_t *r = json_object_get(st, "result");
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "optimal");
    cr_assert_float_eq(json_number_value(json_object_get(r, "objective")), whole->objective, 1e-6);
    json_t *groups = json_object_get(r, "groups");
    cr_assert_eq(json_array_size(groups), (size_t)inst->n_groups);
    for (int g = 0; g < inst->n_groups; g++) {
        json_t *gid = json_object_get(json_array_get(groups, (size_t)g), "id");
        cr_assert_str_eq(json_string_value(gid), inst->groups[g].id, "groups in instance order");
    }
    cr_assert_eq(json_integer_value(json_object_get(st, "version")), 1, "saved once");
    cr_assert_eq(schedule_versions(s), 1);
    json_decref(st);
    model_solution_destroy(whole);
    model_instance_destroy(inst);
    model_diag_free(&d);
    free(text);
    io_store_close(s);
}

Test(runner, a_failed_site_part_fails_the_plan_naming_the_site)
{
    io_store *s = open_db();
    char id[IO_JOB_ID_LEN];
    submit_sites(s, id);
    io_job_claim c;
    cr_assert_eq(io_store_job_claim(s, "gone", &c), IO_OK);
    cr_assert_str_eq(c.kind, "plan_site");
    cr_assert_eq(io_store_job_finish(s, c.id, "gone", IO_JOB_FAILED, NULL, NULL, "boom"), IO_OK);
    io_job_claim_clear(&c);
    io_jobs *J = runner(s, 2, COHORT_BINARY);
    cr_assert_eq(wait_finished(s, id, 120), IO_JOB_FAILED);
    io_jobs_destroy(J);
    json_t *st = job_status(s, id);
    const char *err = json_string_value(json_object_get(st, "error"));
    cr_assert(err && strstr(err, "site 1 of 2 (groups cbt-1-a, cbt-2-a, dbt-1-a, dep-1-a)"
                                 " failed: boom"),
              "%s", err ? err : "(none)");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(st, "parts"), "done")), 1);
    cr_assert_eq(schedule_versions(s), 0);
    json_decref(st);
    io_store_close(s);
}

/* The two-site fixture with site b infeasible beyond what the precheck
 * sees: its two in-person groups need its one room, open one slot a week
 * (each group alone fits). */
static char *infeasible_sites_path(void)
{
    static char path[400];
    json_t *in = json_load_file(TWO_SITES, 0, NULL);
    cr_assert_not_null(in);
    json_t *rooms = json_object_get(in, "rooms"), *x;
    size_t i;
    for (i = json_array_size(rooms); i-- > 0;) {
        x = json_array_get(rooms, i);
        const char *id = json_string_value(json_object_get(x, "id"));
        if (strcmp(id, "room-a-b") == 0)
            json_array_remove(rooms, i);
        else if (strcmp(id, "room-b-b") == 0)
            json_object_set_new(x, "available",
                                json_pack("[{s:s,s:s,s:s}]", "day", "mon", "from", "10:00", "to",
                                          "12:00"));
    }
    json_array_foreach(json_object_get(in, "patients"), i, x) {
        if (strstr(json_string_value(json_object_get(x, "id")), "-b"))
            json_object_set_new(x, "available",
                                json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s}]", "day", "mon", "from",
                                          "09:00", "to", "20:00", "day", "tue", "from", "09:00",
                                          "to", "20:00"));
    }
    snprintf(path, sizeof path, "%s/infeasible-sites.json", dir);
    cr_assert_eq(json_dump_file(in, path, 0), 0);
    json_decref(in);
    return path;
}

Test(runner, an_infeasible_site_sends_the_plan_back_to_run_whole)
{
    io_store *s = open_db();
    io_jobs *api = runner(s, 0, COHORT_BINARY);
    char *job = plan_job_of(infeasible_sites_path());
    char id[IO_JOB_ID_LEN];
    cr_assert_eq(io_jobs_submit(api, "plan", NULL, 0, 120, job, id), IO_OK);
    free(job);
    io_jobs_destroy(api);
    json_t *parts = parts_of(s, id);
    cr_assert_eq(json_array_size(parts), 2);
    json_decref(parts);
    io_jobs *J = runner(s, 2, COHORT_BINARY);
    cr_assert_eq(wait_finished(s, id, 120), IO_JOB_DONE);
    io_jobs_destroy(J);
    json_t *st = job_status(s, id);
    json_t *r = json_object_get(st, "result");
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "infeasible");
    /* merged sites have no schedule: only the whole program's plan has
     * the relaxed plan */
    cr_assert_gt(json_array_size(json_object_get(r, "exceptions")), 0,
                 "the relaxed plan of the whole program");
    cr_assert_eq(json_integer_value(json_object_get(st, "attempts")), 1, "not a retry");
    json_decref(st);
    io_store_close(s);
}
