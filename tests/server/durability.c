/* server/durability.c - test_server: acknowledged writes survive SIGKILL of the server. */
#include "fixture.h"

/* ------------------------------------------------------- durability */

typedef struct stream {
    int port;
    int next;      /* next patient number */
    int acked[4096];
    int n_acked;
    int stop;
    pthread_mutex_t mu;
} stream;

static void *writer(void *p)
{
    stream *s = p;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        int k = s->next++;
        int stop = s->stop || s->n_acked >= 4000;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        char body[512];
        snprintf(body, sizeof body,
                 "{\"event\":\"referral\",\"date\":\"2025-01-10\",\"patient\":{\"id\":\"w%d\","
                 "\"diagnoses\":[\"F41.1\"],\"available\":[{\"day\":\"mon\",\"from\":\"09:00\","
                 "\"to\":\"17:00\"}],\"screened\":true,\"insurance_verified\":true}}",
                 k);
        resp r;
        if (http_to(s->port, "POST", "/v1/programs/t/events", coord, body, &r) != 0)
            break; /* the server is gone */
        if (r.status == 201) {
            pthread_mutex_lock(&s->mu);
            s->acked[s->n_acked++] = k;
            pthread_mutex_unlock(&s->mu);
        }
        resp_free(&r);
    }
    return NULL;
}

/* Start the cohort binary on an ephemeral port; returns its pid. */
static pid_t spawn_server(int *port_out)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(COHORT_BINARY, COHORT_BINARY, "serve", "--db", dbpath, "--port", "0", "--quiet",
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[256] = "";
    cr_assert_not_null(fgets(line, sizeof line, f), "the server printed nothing");
    fclose(f);
    const char *colon = strrchr(line, ':');
    cr_assert_not_null(colon, "%s", line);
    *port_out = atoi(colon + 1);
    cr_assert_gt(*port_out, 0, "%s", line);
    return pid;
}

Test(server, acknowledged_writes_survive_sigkill)
{
    /* the in-process server is not used here: release the database */
    io_server_stop(srv);
    srv = NULL;
    int p = 0;
    pid_t pid = spawn_server(&p);
    char *inst = slurp(TINY);
    resp r;
    cr_assert_eq(http_to(p, "POST", "/v1/programs?id=t", admin, inst, &r), 0);
    cr_assert_eq(r.status, 201, "%s", r.body);
    resp_free(&r);
    free(inst);
    stream s;
    memset(&s, 0, sizeof s);
    s.port = p;
    pthread_mutex_init(&s.mu, NULL);
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, writer, &s);
    /* kill it in the middle of the stream */
    for (int i = 0; i < 400; i++) {
        pthread_mutex_lock(&s.mu);
        int n = s.n_acked;
        pthread_mutex_unlock(&s.mu);
        if (n >= 40)
            break;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    cr_assert_geq(s.n_acked, 40, "only %d writes were acknowledged", s.n_acked);
    cr_log_info("%d writes acknowledged before SIGKILL, %d attempted", s.n_acked, s.next);
    /* restart: every acknowledged write is there */
    pid = spawn_server(&p);
    cr_assert_eq(http_to(p, "GET", "/v1/programs/t/patients?page_size=1000", viewer, NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    for (int i = 0; i < s.n_acked; i++) {
        char id[32];
        snprintf(id, sizeof id, "w%d", s.acked[i]);
        int found = 0;
        size_t k;
        json_t *e;
        json_array_foreach(items(&r), k, e) found |= strcmp(json_string_value(json_object_get(e, "id")), id) == 0;
        cr_assert(found, "acknowledged patient %s is missing after SIGKILL", id);
    }
    resp_free(&r);
    /* and the history rows too */
    cr_assert_eq(http_to(p, "GET", "/v1/programs/t/events?page_size=1000", viewer, NULL, &r), 0);
    size_t referrals = 0, k;
    json_t *e;
    json_array_foreach(items(&r), k, e) referrals +=
        strcmp(json_string_value(json_object_get(e, "event")), "referral") == 0;
    cr_assert_geq(referrals, (size_t)s.n_acked);
    resp_free(&r);
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
    pthread_mutex_destroy(&s.mu);
}
