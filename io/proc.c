/*
 * proc.c - the child-process runner of io/ (proc.h): fork, stdin from an
 * unlinked temporary file, output captured through a pipe or a temporary
 * file into a bounded io_buf, kill (by process group when the child leads
 * one), reap, describe.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io_private.h"
#include "proc.h"

/* What the child needs, all computed before fork. */
typedef struct child_env {
    int in_fd;  /* stdin for an exec'd program, -1: /dev/null */
    int out_fd; /* where the child writes its output */
    int rd_fd;  /* the parent's end of a pipe capture (closed in the child, so
                   the parent closing it is the end of the pipe), else -1 */
    pid_t parent;
    long max_fd;
} child_env;

/* A new unlinked temporary file (under $TMPDIR, else /tmp); -1 on failure. */
static int temp_fd(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/cohort-proc-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

/* The child's stdin: the input in an unlinked temporary file at offset 0
 * (no pipe to keep fed), or -1 with *fd untouched on failure. */
static int input_fd(const io_proc_spec *s, int *fd)
{
    int f = temp_fd();
    if (f < 0)
        return -1;
    if (io_write_all(f, s->input, s->input_len) != 0 || lseek(f, 0, SEEK_SET) != 0) {
        close(f);
        return -1;
    }
    *fd = f;
    return 0;
}

/* Closes descriptors 3..max_fd-1 but keep (async-signal-safe). */
static void close_from_3(long max_fd, int keep)
{
    for (long fd = 3; fd < max_fd; fd++)
        if (fd != keep)
            close((int)fd);
}

/* Child side of an exec: async-signal-safe calls only.  Never returns. */
static void child_exec(const io_proc_spec *s, const child_env *e)
{
    if (s->die_with_parent) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != e->parent)
            _exit(125);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, NULL);
    int in = e->in_fd >= 0 ? e->in_fd : open("/dev/null", O_RDONLY);
    if (in < 0 || dup2(in, 0) < 0 || dup2(e->out_fd, 1) < 0)
        _exit(126);
    if (s->quiet) {
        int dn = open("/dev/null", O_WRONLY);
        if (dn >= 0)
            dup2(dn, 2);
    }
    if (s->close_fds)
        close_from_3(e->max_fd, -1);
    execv(s->argv[0], s->argv);
    _exit(127);
}

/* Child side after fork.  Never returns. */
static void child(const io_proc_spec *s, const child_env *e)
{
    if (s->new_group)
        setpgid(0, 0);
    if (e->rd_fd >= 0)
        close(e->rd_fd);
    if (s->argv)
        child_exec(s, e);
    if (s->close_fds)
        close_from_3(e->max_fd, e->out_fd);
    s->fn(s->ctx, e->out_fd);
    _exit(1);
}

/* The capture: a pipe (*rd read end, *wr write end) or one temporary file
 * (both the same descriptor).  0, or -1 with nothing open. */
static int capture_fds(const io_proc_spec *s, int *rd, int *wr)
{
    if (s->out_file) {
        *rd = *wr = temp_fd();
        return *rd < 0 ? -1 : 0;
    }
    int p[2];
    if (pipe(p) != 0)
        return -1;
    *rd = p[0];
    *wr = p[1];
    return 0;
}

void io_proc_init(io_proc *p)
{
    memset(p, 0, sizeof *p);
    p->fd = -1;
}

int io_proc_start(io_proc *p, const io_proc_spec *s)
{
    io_proc_init(p);
    child_env e = {.in_fd = -1, .rd_fd = -1, .parent = getpid(), .max_fd = sysconf(_SC_OPEN_MAX)};
    if (e.max_fd < 0 || e.max_fd > 65536)
        e.max_fd = 65536;
    if (s->argv && s->input && input_fd(s, &e.in_fd) != 0)
        return IO_EIO;
    int rd = -1;
    if (capture_fds(s, &rd, &e.out_fd) != 0) {
        int err = errno;
        if (e.in_fd >= 0)
            close(e.in_fd);
        errno = err;
        return IO_EIO;
    }
    if (!s->argv)
        fflush(NULL); /* a forked body's stdio must not write the parent's buffers twice */
    e.rd_fd = rd != e.out_fd ? rd : -1;
    pid_t pid = fork();
    if (pid == 0)
        child(s, &e);
    int err = errno;
    if (e.in_fd >= 0)
        close(e.in_fd);
    if (e.out_fd != rd)
        close(e.out_fd);
    if (pid < 0) {
        close(rd);
        errno = err;
        return IO_EIO;
    }
    if (s->new_group)
        setpgid(pid, pid); /* also here: no race with an early kill */
    if (!s->out_file)
        fcntl(rd, F_SETFL, fcntl(rd, F_GETFL) | O_NONBLOCK);
    p->pid = pid;
    p->fd = rd;
    p->out_file = s->out_file;
    p->new_group = s->new_group;
    io_buf_init(&p->out, s->max_output);
    return IO_OK;
}

int io_proc_fd(const io_proc *p)
{
    return p->out_file ? -1 : p->fd;
}

/* Closes the capture descriptor (if open). */
static void close_capture(io_proc *p)
{
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
}

int io_proc_pump(io_proc *p)
{
    if (p->out_file)
        return 0;
    if (p->fd < 0)
        return p->out.err != IO_OK ? -1 : 1;
    for (;;) {
        ssize_t r = io_buf_read(&p->out, p->fd, 16384);
        if (r > 0)
            continue;
        if (r < 0 && p->out.err == IO_OK && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        close_capture(p); /* end of file, a read error, or the capture failed */
        return p->out.err != IO_OK ? -1 : 1;
    }
}

/* File capture: reads the temporary file whole into p->out. */
static void read_file(io_proc *p)
{
    if (lseek(p->fd, 0, SEEK_SET) != 0)
        return;
    while (io_buf_read(&p->out, p->fd, 65536) > 0)
        ;
}

int io_proc_reap(io_proc *p, int block)
{
    if (p->pid <= 0)
        return 1;
    int st = 0;
    pid_t r;
    while ((r = waitpid(p->pid, &st, block ? 0 : WNOHANG)) < 0 && errno == EINTR)
        ;
    if (r == 0)
        return 0;
    p->status = st;
    p->pid = 0;
    if (p->out_file && p->fd >= 0)
        read_file(p);
    else if (p->fd >= 0)
        io_proc_pump(p); /* what is left in the pipe */
    close_capture(p);
    return 1;
}

void io_proc_kill(io_proc *p)
{
    if (p->pid <= 0)
        return;
    p->killed = 1;
    kill(p->new_group ? -p->pid : p->pid, SIGKILL);
}

void io_proc_describe(const io_proc *p, char *buf, size_t n)
{
    if (WIFSIGNALED(p->status))
        snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(p->status),
                 strsignal(WTERMSIG(p->status)));
    else
        snprintf(buf, n, "exited with status %d",
                 WIFEXITED(p->status) ? WEXITSTATUS(p->status) : -1);
}

void io_proc_free(io_proc *p)
{
    if (p->pid > 0) {
        io_proc_kill(p);
        io_proc_reap(p, 1);
    }
    close_capture(p);
    io_buf_free(&p->out);
}
