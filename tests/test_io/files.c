/* files.c - test_io: atomic writes, read errors and `cohort validate`
 * (exit codes, the JSON report). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "model.h"
#include "fixture.h"

/* --------------------------------------------------------------- files */

Test(files, write_atomic_replaces_and_fails_cleanly)
{
    char dir[] = "/tmp/cohort-test-dir-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.json", dir);
    cr_assert_eq(io_write_atomic(path, "first\n", 6), IO_OK);
    cr_assert_eq(io_write_atomic(path, "second", 6), IO_OK);
    char *t = NULL;
    size_t len = 0;
    cr_assert_eq(io_read_all(path, 100, &t, &len), IO_OK);
    cr_assert_eq(len, 6);
    cr_assert_str_eq(t, "second");
    free(t);
    /* No temporary files left behind. */
    glob_t g;
    char pat[300];
    snprintf(pat, sizeof pat, "%s/*", dir);
    cr_assert_eq(glob(pat, 0, NULL, &g), 0);
    cr_assert_eq(g.gl_pathc, 1);
    globfree(&g);
    /* A directory that does not exist: error, nothing written. */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/out.json", dir);
    cr_assert_eq(io_write_atomic(bad, "x", 1), IO_EIO);
    unlink(path);
    rmdir(dir);
}

/* Writing to a FIFO or a device (cohort plan -o /dev/null) writes into
 * it: replacing it by a renamed regular file destroyed /dev/null on a
 * shared machine.  Writing through a symbolic link replaces the file it
 * names and keeps the link. */
Test(files, write_atomic_keeps_special_files_and_links)
{
    char dir[] = "/tmp/cohort-test-dir-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char fifo[256], file[256], link[256];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(file, sizeof file, "%s/real.json", dir);
    snprintf(link, sizeof link, "%s/link.json", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    int rfd = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader, so the writer opens */
    cr_assert_geq(rfd, 0);
    cr_assert_eq(io_write_atomic(fifo, "piped", 5), IO_OK);
    char buf[16] = "";
    cr_assert_eq(read(rfd, buf, sizeof buf - 1), 5);
    cr_assert_str_eq(buf, "piped");
    close(rfd);
    struct stat st;
    cr_assert_eq(lstat(fifo, &st), 0);
    cr_assert(S_ISFIFO(st.st_mode), "the FIFO is still a FIFO");

    cr_assert_eq(io_write_atomic(file, "old", 3), IO_OK);
    cr_assert_eq(symlink("real.json", link), 0);
    cr_assert_eq(io_write_atomic(link, "new", 3), IO_OK);
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link is still a link");
    char *t = NULL;
    size_t len = 0;
    cr_assert_eq(io_read_all(file, 100, &t, &len), IO_OK);
    cr_assert_str_eq(t, "new");
    free(t);
    cr_assert_eq(io_write_atomic(dir, "x", 1), IO_EIO, "a directory is refused");
    unlink(fifo);
    unlink(link);
    unlink(file);
    rmdir(dir);
}

Test(files, read_errors)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *in = NULL;
    cr_assert_eq(io_instance_read_file("/nonexistent/cohort.json", &in, &d), IO_EIO);
    cr_assert_eq(d.n_errors, 1);
    cr_assert(strstr(d.errors[0].message, "/nonexistent/cohort.json"));
    model_diag_free(&d);
    model_diag_init(&d);
    cr_assert_eq(io_instance_read_file("/tmp", &in, &d), IO_EIO, "a directory");
    cr_assert_null(in);
    model_diag_free(&d);
}

/* ----------------------------------------------------------------- CLI */

static int run(const char *args, const char *out_path)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' %s >'%s' 2>&1", COHORT_BINARY, args,
             out_path ? out_path : "/dev/null");
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "%s", cmd);
    return WEXITSTATUS(st);
}

Test(cli, validate_exit_codes)
{
    cr_assert_eq(run("validate " FIX "tiny.json", NULL), 0);
    cr_assert_eq(run("validate " FIX "warnings.json", NULL), 0, "warnings do not fail");
    cr_assert_eq(run("validate " COHORT_SOURCE_DIR "/datasets/sample.json", NULL), 0);
    glob_t g;
    cr_assert_eq(glob(FIX "invalid-*.json", 0, NULL, &g), 0);
    for (size_t k = 0; k < g.gl_pathc; k++) {
        char args[1100];
        snprintf(args, sizeof args, "validate '%s'", g.gl_pathv[k]);
        cr_expect_eq(run(args, NULL), 2, "%s", g.gl_pathv[k]);
    }
    globfree(&g);
    cr_assert_eq(run("validate /nonexistent.json", NULL), 2);
    cr_assert_eq(run("validate", NULL), 2, "missing argument");
    cr_assert_eq(run("validate --help", NULL), 0);
    cr_assert_eq(run("validate - < " FIX "tiny.json", NULL), 0, "stdin");
}

Test(cli, validate_json_report_to_file)
{
    char out[] = "/tmp/cohort-test-report-XXXXXX";
    int fd = mkstemp(out);
    cr_assert_geq(fd, 0);
    close(fd);
    char args[512];
    snprintf(args, sizeof args, "validate --json -o '%s' " FIX "invalid-refs.json", out);
    cr_assert_eq(run(args, NULL), 2);
    json_error_t err;
    json_t *root = json_load_file(out, 0, &err);
    cr_assert_not_null(root, "%s", err.text);
    cr_assert_str_eq(json_string_value(json_object_get(root, "status")), "invalid");
    cr_assert_eq(json_array_size(json_object_get(root, "errors")), 19);
    json_t *e = json_array_get(json_object_get(root, "errors"), 0);
    cr_assert(json_is_string(json_object_get(e, "path")));
    cr_assert(json_is_string(json_object_get(e, "message")));
    json_decref(root);
    /* Human-readable report names each path. */
    cr_assert_eq(run("validate " FIX "invalid-missing.json", out), 2);
    char *t = NULL;
    size_t len;
    cr_assert_eq(io_read_all(out, 1 << 20, &t, &len), IO_OK);
    cr_assert(strstr(t, "error: patients[3].available[0].to: required field is missing"), "%s", t);
    free(t);
    unlink(out);
}
