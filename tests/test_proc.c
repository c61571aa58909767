/* test_proc.c - io/proc.c: the child-process runner (exec with stdin,
 * capture through a pipe or a file with a bound, a forked body, killing a
 * process group, how a child ended). */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io_private.h"
#include "proc.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Pumps p's pipe until end of file or limit_s: 1 at EOF, 0 timed out. */
static int pump_to_eof(io_proc *p, double limit_s)
{
    double end = now_s() + limit_s;
    while (now_s() < end) {
        struct pollfd pf = {.fd = io_proc_fd(p), .events = POLLIN};
        poll(&pf, 1, 100);
        int r = io_proc_pump(p);
        if (r != 0)
            return r;
    }
    return 0;
}

Test(proc, exec_gets_stdin_and_gives_stdout_through_a_file)
{
    char *argv[] = {(char *)"/bin/cat", NULL};
    io_proc_spec s = {.argv = argv, .input = "job text\n", .input_len = 9, .out_file = 1,
                      .close_fds = 1, .quiet = 1};
    io_proc p;
    cr_assert_eq(io_proc_start(&p, &s), IO_OK);
    cr_assert_eq(io_proc_fd(&p), -1, "nothing to poll with a file");
    cr_assert_eq(io_proc_reap(&p, 1), 1);
    cr_assert(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0);
    cr_assert_str_eq(p.out.data, "job text\n");
    char how[64];
    io_proc_describe(&p, how, sizeof how);
    cr_assert_str_eq(how, "exited with status 0");
    io_proc_free(&p);
}

Test(proc, exec_without_input_reads_dev_null_and_reports_its_status)
{
    char *cat[] = {(char *)"/bin/cat", NULL};
    io_proc_spec s = {.argv = cat, .quiet = 1};
    io_proc p;
    cr_assert_eq(io_proc_start(&p, &s), IO_OK);
    cr_assert_eq(pump_to_eof(&p, 10), 1, "stdin is /dev/null: cat ends at once");
    cr_assert_eq(io_proc_reap(&p, 1), 1);
    cr_assert(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0);
    io_proc_free(&p);

    char *no[] = {(char *)"/bin/false", NULL};
    s.argv = no;
    cr_assert_eq(io_proc_start(&p, &s), IO_OK);
    cr_assert_eq(io_proc_reap(&p, 1), 1);
    char how[64];
    io_proc_describe(&p, how, sizeof how);
    cr_assert_str_eq(how, "exited with status 1");
    io_proc_free(&p);

    char *missing[] = {(char *)"/nonexistent/cohort", NULL};
    s.argv = missing;
    cr_assert_eq(io_proc_start(&p, &s), IO_OK);
    io_proc_reap(&p, 1);
    cr_assert_eq(WEXITSTATUS(p.status), 127, "exec failed");
    io_proc_free(&p);
}

static void body(void *ctx, int fd)
{
    const char *msg = ctx;
    io_write_all(fd, msg, strlen(msg));
    _exit(0);
}

static void chatty(void *ctx, int fd)
{
    (void)ctx;
    char kb[1024];
    memset(kb, 'x', sizeof kb);
    for (int i = 0; i < 1024; i++)
        if (io_write_all(fd, kb, sizeof kb) != 0)
            _exit(2);
    _exit(0);
}

Test(proc, forked_body_writes_through_a_pipe)
{
    io_proc_spec s = {.fn = body, .ctx = (void *)"{\"ok\":true}", .close_fds = 1};
    io_proc p;
    cr_assert_eq(io_proc_start(&p, &s), IO_OK);
    cr_assert_eq(pump_to_eof(&p, 10), 1);
    cr_assert_eq(io_proc_reap(&p, 1), 1);
    cr_assert_str_eq(p.out.data, "{\"ok\":true}");
    io_proc_free(&p);
}

/* Past the capture bound the pipe is closed: the writer gets SIGPIPE
 * (or EPIPE), the buffer keeps no more than the bound. */
Test(proc, output_past_the_bound_is_refused)
{
    io_proc_spec s = {.fn = chatty, .max_output = 64 * 1024};
    io_proc p;
    cr_assert_eq(io_proc_start(&p, &s), IO_OK);
    cr_assert_eq(pump_to_eof(&p, 10), -1);
    cr_assert_eq(p.out.err, IO_EINVAL);
    cr_assert_leq(p.out.len, 64 * 1024);
    cr_assert_eq(io_proc_reap(&p, 1), 1);
    cr_assert(!(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0), "the writer did not finish");
    io_proc_free(&p);
}

/* Alive: /proc/pid/stat exists and its state is not Z (zombie) or X. */
static int alive(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *rp = strrchr(buf, ')');
    return rp && rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
}

/* Killing a child that leads its group kills its own children too. */
Test(proc, kill_takes_the_whole_group)
{
    char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"/bin/sleep 30 & echo pid:$!; wait", NULL};
    io_proc_spec s = {.argv = argv, .new_group = 1};
    io_proc p;
    cr_assert_eq(io_proc_start(&p, &s), IO_OK);
    double end = now_s() + 10;
    const char *at = NULL;
    while (!(p.out.data && (at = strstr(p.out.data, "pid:")) && strchr(at, '\n')) &&
           now_s() < end) {
        usleep(20 * 1000);
        io_proc_pump(&p);
    }
    cr_assert(at && strchr(at, '\n'), "the grandchild's pid");
    pid_t grandchild = (pid_t)atoi(at + 4);
    cr_assert(alive(grandchild));
    cr_assert_eq(io_proc_reap(&p, 0), 0, "still running");
    io_proc_kill(&p);
    cr_assert_eq(io_proc_reap(&p, 1), 1);
    cr_assert(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGKILL);
    cr_assert(p.killed);
    char how[64];
    io_proc_describe(&p, how, sizeof how);
    cr_assert(strncmp(how, "killed by signal 9", 18) == 0, "%s", how);
    cr_assert_eq(io_proc_fd(&p), -1, "reaping closed the capture");
    end = now_s() + 10;
    while (alive(grandchild) && now_s() < end)
        usleep(20 * 1000);
    cr_assert(!alive(grandchild), "the group was killed, not only its leader");
    io_proc_free(&p);
}

/* Without a group only the child is killed; io_proc_free of a running
 * child kills and reaps it. */
Test(proc, free_kills_and_reaps_a_running_child)
{
    char *argv[] = {(char *)"/bin/sleep", (char *)"30", NULL};
    io_proc_spec s = {.argv = argv, .out_file = 1};
    io_proc p;
    cr_assert_eq(io_proc_start(&p, &s), IO_OK);
    pid_t pid = p.pid;
    io_proc_free(&p);
    cr_assert_eq(p.pid, 0);
    cr_assert_eq(waitpid(pid, NULL, WNOHANG), -1, "already reaped");
}

/* An io_proc that never ran (io_proc_init) holds nothing: freeing it, even
 * twice, closes no descriptor; descriptor 0 here stays the one we put there. */
Test(proc, a_proc_that_never_ran_closes_nothing)
{
    int fds[2], saved = dup(0);
    cr_assert_eq(pipe(fds), 0);
    cr_assert_eq(dup2(fds[0], 0), 0);
    io_proc p;
    io_proc_init(&p);
    cr_assert_eq(io_proc_fd(&p), -1);
    cr_assert_eq(io_proc_reap(&p, 0), 1, "no child: nothing to wait for");
    io_proc_free(&p);
    io_proc_free(&p);
    cr_assert_eq(write(fds[1], "x", 1), 1);
    char c = 0;
    cr_assert_eq(read(0, &c, 1), 1, "descriptor 0 was closed");
    cr_assert_eq(c, 'x');
    dup2(saved, 0);
    close(saved);
    close(fds[0]);
    close(fds[1]);
}
