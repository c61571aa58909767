/*
 * proc.h - the one child-process runner of io/: fork, then exec a program
 * or run a function; give the child its stdin; capture its output into an
 * io_buf with a bound (through a pipe read while it runs, or an unlinked
 * temporary file read when it ends); kill it (its process group when it
 * leads one); reap it and say how it ended.
 *
 * Used by the job queue's worker processes (io/http/server_jobs.c: exec
 * `cohort worker`, job on stdin, result from a file) and by what-if's
 * scenario workers (io/jobs/whatif_run.c: a forked function writing its
 * result to a pipe).  The caller owns the schedule: it polls io_proc_fd,
 * calls io_proc_pump and io_proc_reap, and io_proc_kill at its deadline.
 *
 * Between fork and exec the child makes only async-signal-safe calls, so
 * a multi-threaded process may start children.
 */
#ifndef COHORT_IO_PROC_H
#define COHORT_IO_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/* A child body (when no program is exec'd): writes its result to out_fd
 * and ends with _exit; if it returns, the child exits with status 1. */
typedef void (*io_proc_fn)(void *ctx, int out_fd);

typedef struct io_proc_spec {
    char *const *argv;  /* exec argv[0] (a path) with argv; NULL: run fn */
    io_proc_fn fn;
    void *ctx;
    const char *input;  /* exec: stdin bytes (via an unlinked temporary file); */
    size_t input_len;   /*   NULL: /dev/null.  fn: stdin is left as it is */
    int out_file;       /* capture into an unlinked temporary file read at the
                           end (no pipe to keep drained); else a pipe */
    size_t max_output;  /* capture bound (0: IO_BUF_MAX_DEFAULT) */
    int new_group;      /* the child leads its own process group, and
                           io_proc_kill kills that whole group */
    int die_with_parent;/* exec: killed (SIGKILL) when the forking thread
                           ends, and not started when the parent is gone */
    int quiet;          /* exec: stderr to /dev/null */
    int close_fds;      /* close every descriptor from 3 up in the child
                           but the output */
} io_proc_spec;

/* A child and its capture.  A zeroed io_proc is NOT empty (its fd would
 * be 0, stdin): io_proc_init one before anything else sees it. */
typedef struct io_proc {
    pid_t pid;       /* the child; 0 once reaped */
    int fd;          /* the capture (pipe read end / temporary file); -1 closed */
    int out_file;
    int new_group;
    io_buf out;      /* what the child wrote (bounded by max_output) */
    int status;      /* its wait status, once reaped */
    int killed;      /* io_proc_kill was called */
} io_proc;

/* Makes p an io_proc with no child and no descriptor, which io_proc_free
 * leaves alone.  Call it on every io_proc made outside io_proc_start. */
void io_proc_init(io_proc *p);

/* Starts a child as s says.  IO_OK with *p running; IO_EIO (errno: pipe,
 * temporary file or fork failed) or IO_ENOMEM with nothing started and
 * nothing left open. */
int io_proc_start(io_proc *p, const io_proc_spec *s);

/* The descriptor to poll(2) for output (pipe capture; -1 when closed or
 * capturing into a file). */
int io_proc_fd(const io_proc *p);

/* Reads the output available now without blocking (pipe capture): 1 at end
 * of file (the pipe is closed), 0 when more may come, -1 when the capture
 * failed (p->out.err: past the bound, or no memory; the pipe is closed, so
 * a child still writing gets SIGPIPE).  File capture: always 0. */
int io_proc_pump(io_proc *p);

/* Reaps the child if it ended (block: wait for it): 1 with p->status set,
 * the rest of its output read into p->out and the capture closed; 0 when
 * it still runs (only without block). */
int io_proc_reap(io_proc *p, int block);

/* SIGKILL the child (its whole group when it leads one).  It still has to
 * be reaped. */
void io_proc_kill(io_proc *p);

/* How a reaped child ended, into buf (n bytes): "exited with status 3",
 * "killed by signal 9 (Killed)". */
void io_proc_describe(const io_proc *p, char *buf, size_t n);

/* Releases what p holds: kills and reaps a child still running, closes the
 * capture, frees the output.  p can be started again. */
void io_proc_free(io_proc *p);

#endif
