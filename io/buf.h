/*
 * buf.h - the one growable byte buffer of io/: append bytes, characters or
 * printf output, read from a descriptor, then take the NUL-terminated text.
 *
 * Growth is bounded (max, set at init) and failures are sticky: the first
 * failing append sets err (IO_ENOMEM when an allocation failed, IO_EINVAL
 * when the bound would be passed) and every later append does nothing, so a
 * writer appends freely and checks once at the end.  A failed append never
 * aborts and leaves the bytes held so far as they were.
 */
#ifndef COHORT_IO_BUF_H
#define COHORT_IO_BUF_H

#include <stddef.h>
#include <sys/types.h>

/* The bound when io_buf_init is given 0: far above any text io/ makes. */
#define IO_BUF_MAX_DEFAULT ((size_t)1 << 31)

typedef struct io_buf {
    char *data; /* owned; NUL-terminated once anything was appended, else NULL */
    size_t len; /* bytes held, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* len never passes this (0: IO_BUF_MAX_DEFAULT) */
    int err;    /* IO_OK, or the first failure (IO_ENOMEM / IO_EINVAL) */
} io_buf;

/* An empty buffer bounded at max bytes (0: IO_BUF_MAX_DEFAULT).  Allocates
 * nothing; release with io_buf_free or io_buf_take.  A zeroed io_buf is the
 * same as one initialised with max 0. */
void io_buf_init(io_buf *b, size_t max);

/* Frees the bytes held; b is empty (and its error cleared) afterwards. */
void io_buf_free(io_buf *b);

/* Appends n bytes at p / the string s / the character c / printf output.
 * Each returns b->err: IO_OK, or the (first) failure, nothing appended. */
int io_buf_append(io_buf *b, const void *p, size_t n);
int io_buf_puts(io_buf *b, const char *s);
int io_buf_putc(io_buf *b, int c);
__attribute__((format(printf, 2, 3))) int io_buf_printf(io_buf *b, const char *fmt, ...);

/* Room for n more bytes (and the NUL) without reallocating: b->err. */
int io_buf_reserve(io_buf *b, size_t n);

/* One read(2) of fd into the buffer, up to chunk bytes (retried on
 * EINTR): the bytes read, 0 at end of file, -1 on a read error (errno
 * kept) or a failed append (b->err set; nothing read). */
ssize_t io_buf_read(io_buf *b, int fd, size_t chunk);

/* Hands the text over: IO_OK with it in *out (the caller frees it), or
 * b->err (IO_ENOMEM when even the empty text cannot be allocated) with the
 * bytes freed and *out untouched.  b is empty afterwards either way. */
int io_buf_finish(io_buf *b, char **out);

/* The text held (NUL-terminated, "" when nothing was appended), now the
 * caller's to free, with its length in *len (may be NULL); b is empty
 * afterwards.  NULL (and the bytes freed) when b->err is set or the empty
 * text cannot be allocated. */
char *io_buf_take(io_buf *b, size_t *len);

#endif
