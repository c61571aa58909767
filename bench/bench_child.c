/*
 * bench_child.c - cohort-bench's child processes: fork + exec with a wall-clock
 * deadline and the child's peak memory, and the small readers of what
 * a child wrote (text, its last JSON line, fields of it).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "driver.h"
#include "io.h"

/* --------------------------------------------------------- child runs */


/* Run argv (argv[0] a path) with stdout/stderr to files (NULL = /dev/null),
 * killing it after timeout_s.  Returns 0 or -1 when it could not start. */
int run_child(char *const argv[], const char *out_path, const char *err_path,
                     double timeout_s, child_run *cr)
{
    memset(cr, 0, sizeof *cr);
    fflush(stdout);
    fflush(stderr);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fo = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err_path ? err_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fi = open("/dev/null", O_RDONLY);
        if (fo < 0 || fe < 0 || fi < 0)
            _exit(127);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    for (;;) {
        pid_t w = wait4(pid, &status, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return -1;
        if (timeout_s > 0 && now_s() - t0 > timeout_s && !cr->timed_out) {
            kill(pid, SIGKILL);
            cr->timed_out = true;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    cr->wall = now_s() - t0;
    cr->peak_mb = ru.ru_maxrss / 1024.0;
    cr->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return 0;
}

/* Read a small text file (first max bytes).  NULL when unreadable. */
char *read_small(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* Last JSON object line of a file. */
json_t *read_json_line(const char *path)
{
    char *text = read_small(path, 1 << 20);
    if (!text)
        return NULL;
    json_t *j = NULL;
    char *line = strtok(text, "\n");
    while (line) {
        if (line[0] == '{') {
            json_t *k = json_loads(line, 0, NULL);
            if (k) {
                json_decref(j);
                j = k;
            }
        }
        line = strtok(NULL, "\n");
    }
    free(text);
    return j;
}

double jnum(const json_t *o, const char *k, double dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

const char *jstr(const json_t *o, const char *k, const char *dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : dflt;
}
