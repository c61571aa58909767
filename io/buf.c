/*
 * buf.c - the growable byte buffer of io/ (buf.h): doubling growth under a
 * bound, sticky errors, ownership handed over by io_buf_take.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"

void io_buf_init(io_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void io_buf_free(io_buf *b)
{
    free(b->data);
    io_buf_init(b, b->max);
}

/* Sets the sticky error (the first one wins) and returns it. */
static int fail(io_buf *b, int err)
{
    if (b->err == IO_OK)
        b->err = err;
    return b->err;
}

int io_buf_reserve(io_buf *b, size_t n)
{
    if (b->err != IO_OK)
        return b->err;
    size_t max = b->max ? b->max : IO_BUF_MAX_DEFAULT;
    if (n > max - b->len) /* len <= max always, so no overflow */
        return fail(b, IO_EINVAL);
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return IO_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > max / 2 ? max + 1 : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return fail(b, IO_ENOMEM);
    if (!b->data)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return IO_OK;
}

int io_buf_append(io_buf *b, const void *p, size_t n)
{
    if (io_buf_reserve(b, n) != IO_OK)
        return b->err;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return IO_OK;
}

int io_buf_puts(io_buf *b, const char *s)
{
    return io_buf_append(b, s, strlen(s));
}

int io_buf_putc(io_buf *b, int c)
{
    char ch = (char)c;
    return io_buf_append(b, &ch, 1);
}

int io_buf_printf(io_buf *b, const char *fmt, ...)
{
    if (b->err != IO_OK)
        return b->err;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return fail(b, IO_EINVAL);
    if (io_buf_reserve(b, (size_t)n) != IO_OK)
        return b->err;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return IO_OK;
}

ssize_t io_buf_read(io_buf *b, int fd, size_t chunk)
{
    if (io_buf_reserve(b, chunk) != IO_OK)
        return -1;
    ssize_t r;
    do
        r = read(fd, b->data + b->len, chunk);
    while (r < 0 && errno == EINTR);
    if (r > 0) {
        b->len += (size_t)r;
        b->data[b->len] = '\0';
    }
    return r;
}

char *io_buf_take(io_buf *b, size_t *len)
{
    if (b->err == IO_OK && !b->data)
        io_buf_reserve(b, 0);
    char *p = b->err == IO_OK ? b->data : NULL;
    if (len)
        *len = p ? b->len : 0;
    if (!p)
        free(b->data);
    io_buf_init(b, b->max);
    return p;
}

int io_buf_finish(io_buf *b, char **out)
{
    int err = b->err;
    char *p = io_buf_take(b, NULL);
    if (!p)
        return err != IO_OK ? err : IO_ENOMEM;
    *out = p;
    return IO_OK;
}
