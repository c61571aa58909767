/* test_buf.c - io/buf.c: the growable byte buffer of io/ (appends, the
 * bound, sticky errors, ownership, reads from a descriptor). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"

Test(buf, appends_and_takes)
{
    io_buf b = {0};
    cr_assert_eq(io_buf_puts(&b, "ab"), IO_OK);
    cr_assert_eq(io_buf_putc(&b, 'c'), IO_OK);
    cr_assert_eq(io_buf_printf(&b, "-%d-%s", 42, "x"), IO_OK);
    cr_assert_eq(io_buf_append(&b, "\0z", 2), IO_OK);
    cr_assert_eq(b.len, 10);
    size_t len = 0;
    char *s = io_buf_take(&b, &len);
    cr_assert_eq(len, 10);
    cr_assert_str_eq(s, "abc-42-x");
    cr_assert_eq(s[9], 'z');
    cr_assert_eq(s[10], '\0', "always NUL-terminated");
    cr_assert_null(b.data, "the text is the caller's now");
    cr_assert_eq(b.len, 0);
    free(s);
}

Test(buf, empty_take_is_an_empty_string)
{
    io_buf b = {0};
    char *s = NULL;
    cr_assert_eq(io_buf_finish(&b, &s), IO_OK);
    cr_assert_str_eq(s, "");
    free(s);
}

Test(buf, grows_past_many_doublings)
{
    io_buf b;
    io_buf_init(&b, 0);
    for (int i = 0; i < 100000; i++)
        cr_assert_eq(io_buf_printf(&b, "%05d", i % 100000), IO_OK);
    cr_assert_eq(b.len, 500000);
    cr_assert_eq(memcmp(b.data + 5 * 99999, "99999", 5), 0);
    cr_assert_geq(b.cap, b.len + 1);
    io_buf_free(&b);
    cr_assert_null(b.data);
}

/* The bound is exact: max bytes fit, one more is refused without touching
 * what is held, and the error sticks until the buffer is taken or freed. */
Test(buf, bound_refuses_and_sticks)
{
    io_buf b;
    io_buf_init(&b, 8);
    cr_assert_eq(io_buf_puts(&b, "12345678"), IO_OK);
    cr_assert_eq(io_buf_putc(&b, '9'), IO_EINVAL);
    cr_assert_eq(b.len, 8);
    cr_assert_str_eq(b.data, "12345678", "held bytes unchanged");
    cr_assert_eq(io_buf_puts(&b, ""), IO_EINVAL, "sticky");
    cr_assert_eq(io_buf_printf(&b, "%s", "x"), IO_EINVAL, "sticky");
    char *s = (char *)"untouched";
    cr_assert_eq(io_buf_finish(&b, &s), IO_EINVAL);
    cr_assert_str_eq(s, "untouched", "*out untouched on failure");
    cr_assert_null(b.data, "bytes freed");
    cr_assert_eq(b.err, IO_OK, "empty and usable again");
    cr_assert_eq(io_buf_puts(&b, "again"), IO_OK);
    io_buf_free(&b);
}

/* A request far past the bound (or past SIZE_MAX) fails before any
 * allocation is tried: nothing is allocated, nothing aborts. */
Test(buf, huge_request_fails_without_allocating)
{
    io_buf b;
    io_buf_init(&b, 1 << 20);
    cr_assert_eq(io_buf_reserve(&b, SIZE_MAX), IO_EINVAL);
    cr_assert_null(b.data);
    cr_assert_eq(b.cap, 0);
    io_buf_init(&b, 0);
    cr_assert_eq(io_buf_append(&b, "x", 1), IO_OK);
    cr_assert_eq(io_buf_reserve(&b, SIZE_MAX - 1), IO_EINVAL, "no overflow of len + n");
    cr_assert_eq(b.len, 1);
    cr_assert_null(io_buf_take(&b, NULL), "a failed buffer gives no text");
}

Test(buf, reads_a_descriptor_to_eof)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], "hello, pipe", 11), 11);
    close(p[1]);
    io_buf b = {0};
    ssize_t r, total = 0;
    while ((r = io_buf_read(&b, p[0], 4)) > 0)
        total += r;
    close(p[0]);
    cr_assert_eq(r, 0, "end of file");
    cr_assert_eq(total, 11);
    cr_assert_str_eq(b.data, "hello, pipe");
    io_buf_free(&b);
}

Test(buf, read_past_the_bound_is_refused)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], "0123456789", 10), 10);
    close(p[1]);
    io_buf b;
    io_buf_init(&b, 6);
    cr_assert_eq(io_buf_read(&b, p[0], 4), 4);
    cr_assert_eq(io_buf_read(&b, p[0], 4), -1, "4 more would pass 6");
    cr_assert_eq(b.err, IO_EINVAL);
    close(p[0]);
    io_buf_free(&b);
}
