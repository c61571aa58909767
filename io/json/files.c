/*
 * files.c - whole-file reads (a size bound, "-" for standard input) and
 * atomic writes (temporary file, fsync, rename).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_private.h"
int io_read_all(const char *path, size_t max_bytes, char **out, size_t *len)
{
    bool is_stdin = !path || strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return IO_EIO;
    io_buf b = {.max = max_bytes};
    int rc = IO_OK;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        rc = IO_EIO;
    } else if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
        /* the bound checked, and the text allocated once, before reading */
        rc = (uintmax_t)st.st_size > max_bytes ? IO_EINVAL : io_buf_reserve(&b, (size_t)st.st_size);
    }
    char chunk[65536];
    while (rc == IO_OK) {
        size_t got = fread(chunk, 1, sizeof chunk, f);
        if (got == 0) {
            rc = ferror(f) ? IO_EIO : IO_OK;
            break;
        }
        rc = io_buf_append(&b, chunk, got);
    }
    int e = errno;
    if (!is_stdin)
        fclose(f);
    char *text = rc == IO_OK ? io_buf_take(&b, len) : NULL;
    io_buf_free(&b);
    errno = e;
    if (rc == IO_OK && !text)
        rc = IO_ENOMEM;
    if (rc == IO_OK)
        *out = text;
    return rc;
}

int io_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Write data straight into path, which is not a regular file (a device
 * such as /dev/null, a FIFO): replacing it by a renamed file would destroy
 * it. */
static int write_in_place(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return IO_EIO;
    int ok = io_write_all(fd, data, len) == 0;
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    errno = e;
    return ok ? IO_OK : IO_EIO;
}

int io_write_atomic(const char *path, const char *data, size_t len)
{
    if (!path || strcmp(path, "-") == 0) {
        if (len && fwrite(data, 1, len, stdout) != len)
            return IO_EIO;
        return fflush(stdout) == 0 ? IO_OK : IO_EIO;
    }
    struct stat ls;
    int exists = lstat(path, &ls) == 0;
    if (exists && S_ISLNK(ls.st_mode)) {
        /* a link: replace the file it names, keep the link */
        char *target = realpath(path, NULL);
        if (target) {
            int rc = io_write_atomic(target, data, len);
            free(target);
            return rc;
        }
    } else if (exists && !S_ISREG(ls.st_mode)) {
        return S_ISDIR(ls.st_mode) ? (errno = EISDIR, IO_EIO) : write_in_place(path, data, len);
    }
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16);
    if (!tmp)
        return IO_ENOMEM;
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return IO_EIO;
    }
    struct stat st;
    mode_t mode = 0644;
    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    int ok = fchmod(fd, mode) == 0 && io_write_all(fd, data, len) == 0 && fsync(fd) == 0;
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        free(tmp);
        errno = e;
        return IO_EIO;
    }
    /* Make the rename durable: fsync the directory (best effort). */
    char *slash = strrchr(tmp, '/');
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = slash == tmp ? "/" : tmp;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(tmp);
    return IO_OK;
}

int io_read_input(const char *path, char **text, size_t *len, model_diag *d)
{
    int rc = io_read_all(path, IO_MAX_INPUT_BYTES, text, len);
    if (rc == IO_OK)
        return IO_OK;
    const char *name = !path || strcmp(path, "-") == 0 ? "standard input" : path;
    int e = rc == IO_EINVAL ? model_diag_error(d, "", "%s is larger than %zu MiB", name,
                                               IO_MAX_INPUT_BYTES >> 20)
                            : model_diag_error(d, "", "cannot read %s: %s", name, strerror(errno));
    return e != MODEL_OK ? IO_ENOMEM : rc;
}
