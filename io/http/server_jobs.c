/*
 * server_jobs.c - solver jobs in child processes for `cohort serve`.
 *
 * Each job is a fresh `cohort worker` process (fork + exec): the job JSON
 * on its stdin, the result JSON from its stdout, both unlinked temporary
 * files.  Between fork and exec the child only makes async-signal-safe
 * calls (the server is multi-threaded: another thread may hold a lock of
 * the allocator or of a library at the moment of the fork).
 *
 * One job thread owns every fork: it starts queued jobs (at most
 * max_running children), reaps finished children with waitpid(WNOHANG),
 * kills children past their deadline and runs the done() callbacks.  The
 * children are forked from this long-lived thread so that
 * PR_SET_PDEATHSIG (which fires when the forking *thread* exits) kills
 * them exactly when the server goes away, also on SIGKILL.  Each child
 * leads its own process group; cancel and deadline kill the whole group
 * (what-if runs its scenarios in worker processes of its own).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io_private.h"

typedef struct job {
    char id[IO_JOB_ID_LEN];
    char kind[32];
    char *program;
    int state;
    double deadline_s;
    char *input; /* the job JSON, until the worker starts */
    io_job_done done;
    io_job_free free_arg;
    void *arg;
    pid_t pid;
    int fd; /* result file (unlinked), -1 when none */
    int timed_out;
    double created, started, finished; /* monotonic seconds */
    time_t created_wall;
    char *result; /* JSON text */
    char *extra;  /* JSON object text from done() */
    char *error;
    struct job *next;
} job;

struct io_jobs {
    pthread_mutex_t mu;
    pthread_cond_t wake;     /* the job thread */
    pthread_cond_t finished; /* waiters */
    pthread_t thread;
    int stop;
    int max_running, max_queued;
    job *head; /* newest first */
    unsigned long counter;
    pid_t parent;
    char *worker;      /* the cohort executable */
    char *argv[3];     /* worker, "worker", NULL: built before any fork */
    long max_fd;
};

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *const STATE_NAMES[] = {"queued", "running", "done", "failed", "cancelled"};

static void job_free(job *jb)
{
    if (!jb)
        return;
    if (jb->free_arg && jb->arg)
        jb->free_arg(jb->arg);
    if (jb->fd >= 0)
        close(jb->fd);
    free(jb->program);
    free(jb->input);
    free(jb->result);
    free(jb->extra);
    free(jb->error);
    free(jb);
}

static void release_arg(job *jb)
{
    if (jb->free_arg && jb->arg)
        jb->free_arg(jb->arg);
    jb->arg = NULL;
}

/* Child side, between fork and exec: async-signal-safe calls only.  Never
 * returns. */
static void child_exec(const io_jobs *J, int in_fd, int out_fd)
{
    setpgid(0, 0); /* lead a group: cancel kills the worker and its workers */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != J->parent)
        _exit(125);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, NULL);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0)
        _exit(126);
    /* stderr to /dev/null: whatever a solver might print could name
     * patients, and the server's stderr is its log (the worker reports
     * failures in its JSON); close everything else (listening socket,
     * connections, the database) */
    int dn = open("/dev/null", O_WRONLY);
    if (dn >= 0)
        dup2(dn, 2);
    for (long fd = 3; fd < J->max_fd; fd++)
        close((int)fd);
    execv(J->worker, J->argv);
    _exit(127);
}

static char *read_fd(int fd)
{
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0 || lseek(fd, 0, SEEK_SET) < 0)
        return NULL;
    char *buf = malloc((size_t)size + 1);
    if (!buf)
        return NULL;
    size_t got = 0;
    while (got < (size_t)size) {
        ssize_t r = read(fd, buf + got, (size_t)size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    return buf;
}

static void set_error(job *jb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(job *jb, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(jb->error);
    jb->error = strdup(buf);
}

/* A new unlinked temporary file; -1 on failure. */
static int temp_fd(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/cohort-job-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

/* Called with the lock held. */
static void start_job(io_jobs *J, job *jb)
{
    int in_fd = temp_fd(), out_fd = temp_fd();
    size_t len = jb->input ? strlen(jb->input) : 0, off = 0;
    while (in_fd >= 0 && off < len) {
        ssize_t w = write(in_fd, jb->input + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    free(jb->input);
    jb->input = NULL;
    if (in_fd < 0 || out_fd < 0 || off < len || lseek(in_fd, 0, SEEK_SET) != 0) {
        if (in_fd >= 0)
            close(in_fd);
        if (out_fd >= 0)
            close(out_fd);
        jb->state = IO_JOB_FAILED;
        set_error(jb, "cannot write the job to a temporary file");
        jb->finished = now_mono();
        release_arg(jb);
        return;
    }
    jb->started = now_mono();
    pid_t pid = fork();
    if (pid == 0)
        child_exec(J, in_fd, out_fd);
    close(in_fd);
    if (pid < 0) {
        close(out_fd);
        jb->state = IO_JOB_FAILED;
        set_error(jb, "cannot start a solver process");
        jb->finished = now_mono();
        release_arg(jb);
        return;
    }
    setpgid(pid, pid); /* also here: no race with an early kill */
    jb->fd = out_fd;
    jb->pid = pid;
    jb->state = IO_JOB_RUNNING;
}

/* Called with the lock held when the child exited with status st. */
static void finish_job(job *jb, int st)
{
    jb->finished = now_mono();
    jb->pid = 0;
    if (jb->state == IO_JOB_CANCELLED) {
        /* reaped after DELETE */
    } else if (jb->timed_out) {
        jb->state = IO_JOB_FAILED;
        set_error(jb, "the solve ran past its deadline of %.0f s and was stopped",
                  jb->deadline_s);
    } else if (WIFSIGNALED(st)) {
        jb->state = IO_JOB_FAILED;
        set_error(jb, "the solver process died (signal %d)", WTERMSIG(st));
    } else {
        char *out = read_fd(jb->fd);
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
        json_t *j = out ? json_loads(out, JSON_DECODE_ANY, NULL) : NULL;
        if (code == 0 && j) {
            jb->result = out;
            out = NULL;
            jb->state = IO_JOB_DONE;
            if (jb->done)
                jb->extra = jb->done(jb->arg, jb->result);
        } else {
            const char *msg = json_string_value(json_object_get(j, "error"));
            jb->state = IO_JOB_FAILED;
            if (code == 127)
                set_error(jb, "cannot run the solver worker (%s)", "cohort worker");
            else
                set_error(jb, "the solver process failed (exit %d)%s%s", code, msg ? ": " : "",
                          msg ? msg : "");
        }
        json_decref(j);
        free(out);
    }
    if (jb->fd >= 0) {
        close(jb->fd);
        jb->fd = -1;
    }
    release_arg(jb);
}

static void *job_thread(void *p)
{
    io_jobs *J = p;
    pthread_mutex_lock(&J->mu);
    while (!J->stop) {
        int running = 0;
        double t = now_mono();
        for (job *jb = J->head; jb; jb = jb->next) {
            if (jb->pid <= 0)
                continue;
            int st = 0;
            pid_t r = waitpid(jb->pid, &st, WNOHANG);
            if (r == jb->pid) {
                finish_job(jb, st);
                pthread_cond_broadcast(&J->finished);
                continue;
            }
            if (jb->state == IO_JOB_RUNNING && t - jb->started > jb->deadline_s && !jb->timed_out) {
                jb->timed_out = 1;
                kill(-jb->pid, SIGKILL); /* its process group */
            }
            running++;
        }
        /* start the oldest queued jobs first */
        while (running < J->max_running) {
            job *oldest = NULL;
            for (job *jb = J->head; jb; jb = jb->next)
                if (jb->state == IO_JOB_QUEUED)
                    oldest = jb;
            if (!oldest)
                break;
            start_job(J, oldest);
            if (oldest->state == IO_JOB_RUNNING)
                running++;
            else
                pthread_cond_broadcast(&J->finished);
        }
        /* forget finished jobs after an hour, and beyond the newest 256 */
        int kept = 0;
        for (job **pp = &J->head; *pp;) {
            job *jb = *pp;
            int fin = jb->state >= IO_JOB_DONE && jb->pid <= 0;
            if (fin && (t - jb->finished > 3600 || kept >= 256)) {
                *pp = jb->next;
                job_free(jb);
                continue;
            }
            if (fin)
                kept++;
            pp = &jb->next;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 20 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&J->wake, &J->mu, &ts);
    }
    /* shutting down: kill and reap every child, cancel what waits */
    for (job *jb = J->head; jb; jb = jb->next) {
        if (jb->pid > 0) {
            kill(-jb->pid, SIGKILL); /* its process group */
            waitpid(jb->pid, NULL, 0);
            jb->pid = 0;
        }
        if (jb->state < IO_JOB_DONE) {
            jb->state = IO_JOB_CANCELLED;
            jb->finished = now_mono();
            release_arg(jb);
        }
    }
    pthread_cond_broadcast(&J->finished);
    pthread_mutex_unlock(&J->mu);
    return NULL;
}

int io_jobs_create(const char *worker, int max_running, int max_queued, io_jobs **out)
{
    io_jobs *J = calloc(1, sizeof *J);
    if (!J)
        return IO_ENOMEM;
    J->max_running = max_running > 0 ? max_running : 1;
    J->max_queued = max_queued > 0 ? max_queued : 64;
    J->parent = getpid();
    J->max_fd = sysconf(_SC_OPEN_MAX);
    if (J->max_fd < 0 || J->max_fd > 65536)
        J->max_fd = 65536;
    if (worker) {
        J->worker = strdup(worker);
    } else {
        /* this executable */
        char buf[4096];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
        if (n > 0) {
            buf[n] = '\0';
            J->worker = strdup(buf);
        }
    }
    if (!J->worker) {
        free(J);
        return IO_EIO;
    }
    J->argv[0] = J->worker;
    J->argv[1] = (char *)"worker";
    J->argv[2] = NULL;
    pthread_mutex_init(&J->mu, NULL);
    pthread_cond_init(&J->wake, NULL);
    pthread_cond_init(&J->finished, NULL);
    if (pthread_create(&J->thread, NULL, job_thread, J) != 0) {
        pthread_mutex_destroy(&J->mu);
        pthread_cond_destroy(&J->wake);
        pthread_cond_destroy(&J->finished);
        free(J->worker);
        free(J);
        return IO_EIO;
    }
    *out = J;
    return IO_OK;
}

void io_jobs_shutdown(io_jobs *J)
{
    if (!J)
        return;
    pthread_mutex_lock(&J->mu);
    int was = J->stop;
    J->stop = 1;
    pthread_cond_signal(&J->wake);
    pthread_mutex_unlock(&J->mu);
    if (!was)
        pthread_join(J->thread, NULL);
}

void io_jobs_destroy(io_jobs *J)
{
    if (!J)
        return;
    io_jobs_shutdown(J);
    while (J->head) {
        job *jb = J->head;
        J->head = jb->next;
        job_free(jb);
    }
    pthread_mutex_destroy(&J->mu);
    pthread_cond_destroy(&J->wake);
    pthread_cond_destroy(&J->finished);
    free(J->worker);
    free(J);
}

static job *find(io_jobs *J, const char *id)
{
    for (job *jb = J->head; jb; jb = jb->next)
        if (strcmp(jb->id, id) == 0)
            return jb;
    return NULL;
}

int io_jobs_submit(io_jobs *J, const char *kind, const char *program, double deadline_s,
                   char *input, io_job_done done, io_job_free free_arg, void *arg,
                   char id_out[IO_JOB_ID_LEN])
{
    job *jb = calloc(1, sizeof *jb);
    if (!jb) {
        free(input);
        if (free_arg && arg)
            free_arg(arg);
        return IO_ENOMEM;
    }
    jb->input = input;
    jb->fd = -1;
    jb->done = done;
    jb->free_arg = free_arg;
    jb->arg = arg;
    jb->deadline_s = deadline_s > 0 ? deadline_s : 3600;
    snprintf(jb->kind, sizeof jb->kind, "%s", kind);
    if (program && !(jb->program = strdup(program))) {
        job_free(jb);
        return IO_ENOMEM;
    }
    jb->created = now_mono();
    jb->created_wall = time(NULL);
    unsigned int rnd = 0;
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
        rnd = (unsigned int)(now_mono() * 1e6);
    pthread_mutex_lock(&J->mu);
    int queued = 0;
    for (job *x = J->head; x; x = x->next)
        queued += x->state == IO_JOB_QUEUED;
    if (queued >= J->max_queued) {
        pthread_mutex_unlock(&J->mu);
        job_free(jb);
        return IO_STORE_ECONFLICT;
    }
    snprintf(jb->id, sizeof jb->id, "%lu-%08x", ++J->counter, rnd);
    jb->state = IO_JOB_QUEUED;
    jb->next = J->head;
    J->head = jb;
    memcpy(id_out, jb->id, IO_JOB_ID_LEN);
    pthread_cond_signal(&J->wake);
    pthread_mutex_unlock(&J->mu);
    return IO_OK;
}

int io_jobs_wait(io_jobs *J, const char *id, double max_wait_s, int *state, char **result,
                 char **error)
{
    double until = now_mono() + max_wait_s;
    pthread_mutex_lock(&J->mu);
    job *jb = find(J, id);
    while (jb && jb->state < IO_JOB_DONE && !J->stop) {
        if (max_wait_s >= 0 && now_mono() >= until)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 50 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&J->finished, &J->mu, &ts);
        jb = find(J, id);
    }
    if (!jb) {
        pthread_mutex_unlock(&J->mu);
        return IO_STORE_ENOTFOUND;
    }
    int rc = IO_OK;
    *state = jb->state;
    if (result)
        *result = NULL;
    if (error)
        *error = NULL;
    if (result && jb->state == IO_JOB_DONE && jb->result && !(*result = strdup(jb->result)))
        rc = IO_ENOMEM;
    if (error && jb->error && !(*error = strdup(jb->error)))
        rc = IO_ENOMEM;
    pthread_mutex_unlock(&J->mu);
    return rc;
}

static json_t *iso_time(time_t t)
{
    char buf[32];
    struct tm tm;
    gmtime_r(&t, &tm);
    /* one precision for every timestamp of the API: milliseconds, as the
     * store writes them */
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    return json_string(buf);
}

int io_jobs_status_json(io_jobs *J, const char *id, char **json)
{
    pthread_mutex_lock(&J->mu);
    job *jb = find(J, id);
    if (!jb) {
        pthread_mutex_unlock(&J->mu);
        return IO_STORE_ENOTFOUND;
    }
    double t = now_mono();
    json_t *o = json_pack("{s:s,s:s,s:s?,s:s,s:o}", "job", jb->id, "kind", jb->kind, "program",
                          jb->program, "status", STATE_NAMES[jb->state], "created",
                          iso_time(jb->created_wall));
    if (o && jb->started > 0) {
        double end = jb->finished > 0 ? jb->finished : t;
        json_object_set_new(o, "seconds", json_real(end - jb->started));
        json_object_set_new(o, "started",
                            iso_time(jb->created_wall + (time_t)(jb->started - jb->created)));
    }
    if (o && jb->finished > 0)
        json_object_set_new(o, "finished",
                            iso_time(jb->created_wall + (time_t)(jb->finished - jb->created)));
    if (o && jb->error)
        json_object_set_new(o, "error", json_string(jb->error));
    if (o && jb->extra) {
        json_t *x = json_loads(jb->extra, 0, NULL);
        if (json_is_object(x))
            json_object_update(o, x);
        json_decref(x);
    }
    if (o && jb->result) {
        json_t *r = json_loads(jb->result, JSON_DECODE_ANY, NULL);
        json_object_set_new(o, "result", r ? r : json_null());
    }
    pthread_mutex_unlock(&J->mu);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text)
        return IO_ENOMEM;
    *json = text;
    return IO_OK;
}

int io_jobs_cancel(io_jobs *J, const char *id)
{
    pthread_mutex_lock(&J->mu);
    job *jb = find(J, id);
    if (!jb) {
        pthread_mutex_unlock(&J->mu);
        return IO_STORE_ENOTFOUND;
    }
    if (jb->state == IO_JOB_QUEUED) {
        jb->state = IO_JOB_CANCELLED;
        jb->finished = now_mono();
        free(jb->input);
        jb->input = NULL;
        release_arg(jb);
        pthread_cond_broadcast(&J->finished);
    } else if (jb->state == IO_JOB_RUNNING) {
        jb->state = IO_JOB_CANCELLED;
        if (jb->pid > 0)
            kill(-jb->pid, SIGKILL); /* its process group; reaped by the job thread */
        pthread_cond_signal(&J->wake);
    }
    pthread_mutex_unlock(&J->mu);
    return IO_OK;
}

void io_jobs_counts(io_jobs *J, int *queued, int *running)
{
    int q = 0, r = 0;
    pthread_mutex_lock(&J->mu);
    for (job *jb = J->head; jb; jb = jb->next) {
        q += jb->state == IO_JOB_QUEUED;
        r += jb->state == IO_JOB_RUNNING || (jb->state == IO_JOB_CANCELLED && jb->pid > 0);
    }
    pthread_mutex_unlock(&J->mu);
    if (queued)
        *queued = q;
    if (running)
        *running = r;
}
