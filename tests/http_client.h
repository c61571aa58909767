/* http_client.h - a tiny HTTP/1.1 client over sockets for the server
 * tests (static functions, unused ones allowed: include it where needed). */
#ifndef COHORT_TEST_HTTP_CLIENT_H
#define COHORT_TEST_HTTP_CLIENT_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"

#define HC_UNUSED __attribute__((unused))

typedef struct resp {
    int status;
    char *headers; /* raw header block */
    char *body;
    json_t *json; /* body parsed, NULL when not JSON */
} resp;

HC_UNUSED static void resp_free(resp *r)
{
    free(r->headers);
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

/* A connection to 127.0.0.1:p from the loopback address from (another
 * address is another client to the server), -1 when refused. */
HC_UNUSED static int connect_from(const char *from, int p)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    cr_assert_eq(inet_pton(AF_INET, from, &a.sin_addr), 1);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0, "cannot bind to %s", from);
    a.sin_port = htons((uint16_t)p);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

HC_UNUSED static int connect_to(int p)
{
    return connect_from("127.0.0.1", p);
}

HC_UNUSED static int send_all(int fd, const char *data, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = send(fd, data + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

/* Read to EOF and split status, headers and body; -1 when nothing came. */
HC_UNUSED static int read_resp(int fd, resp *out)
{
    io_buf b = {0};
    while (io_buf_read(&b, fd, 8192) > 0)
        ;
    size_t len = 0;
    char *buf = io_buf_take(&b, &len);
    cr_assert_not_null(buf, "out of memory reading a response");
    memset(out, 0, sizeof *out);
    char *sep = strstr(buf, "\r\n\r\n");
    if (len == 0 || !sep || sscanf(buf, "HTTP/1.%*d %d", &out->status) != 1) {
        free(buf);
        return -1;
    }
    *sep = '\0';
    out->headers = strdup(buf);
    out->body = strdup(sep + 4);
    out->json = json_loads(out->body, JSON_DECODE_ANY, NULL);
    free(buf);
    return 0;
}

/* One request on its own connection (Connection: close), with extra
 * header lines ("Name: value\r\n"...; NULL for none).  -1 when the
 * connection failed. */
HC_UNUSED static int http_to_h(int p, const char *method, const char *path, const char *token,
                               const char *body, const char *extra, resp *out)
{
    int fd = connect_to(p);
    if (fd < 0)
        return -1;
    size_t blen = body ? strlen(body) : 0;
    char head[2048];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "%s%s%s%s%s%s%zu\r\n\r\n",
                     method, path, token ? "Authorization: Bearer " : "", token ? token : "",
                     token ? "\r\n" : "",
                     body && !(extra && strstr(extra, "Content-Type"))
                         ? "Content-Type: application/json\r\n"
                         : "",
                     extra ? extra : "", "Content-Length: ", blen);
    int rc = send_all(fd, head, (size_t)n);
    if (rc == 0 && blen)
        rc = send_all(fd, body, blen);
    rc = read_resp(fd, out);
    close(fd);
    return rc;
}

/* One request on its own connection (Connection: close).  -1 when the
 * connection failed. */
HC_UNUSED static int http_to(int p, const char *method, const char *path, const char *token,
                             const char *body, resp *out)
{
    return http_to_h(p, method, path, token, body, NULL, out);
}

HC_UNUSED static int header_has(const resp *r, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = r->headers; p && *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return 1;
    return 0;
}

/* The error body every failure carries: an RFC 9457 problem. */
HC_UNUSED static void assert_error(const resp *r, int status)
{
    cr_assert_eq(r->status, status, "expected %d, got %d: %s", status, r->status, r->body);
    cr_assert(header_has(r, "Content-Type: application/problem+json"), "%s", r->headers);
    cr_assert(json_is_object(r->json), "no problem object: %s", r->body);
    cr_assert_str_eq(json_string_value(json_object_get(r->json, "type")), "about:blank");
    cr_assert(json_is_string(json_object_get(r->json, "title")), "%s", r->body);
    cr_assert_eq(json_integer_value(json_object_get(r->json, "status")), status);
    cr_assert(json_is_string(json_object_get(r->json, "detail")), "%s", r->body);
    cr_assert_null(json_object_get(r->json, "error"), "%s", r->body);
}

/* The value of header name (in a static buffer), "" when absent. */
HC_UNUSED static const char *header_value(const resp *r, const char *name)
{
    static char v[256];
    size_t n = strlen(name);
    v[0] = '\0';
    for (const char *p = r->headers; p && *p; p++)
        if ((p == r->headers || p[-1] == '\n') && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            p += n + 1;
            while (*p == ' ')
                p++;
            size_t k = strcspn(p, "\r\n");
            snprintf(v, sizeof v, "%.*s", (int)(k < sizeof v ? k : sizeof v - 1), p);
            break;
        }
    return v;
}

/* The items of a list answer ({items, next_page_token}). */
HC_UNUSED static json_t *items(const resp *r)
{
    cr_assert(json_is_array(json_object_get(r->json, "items")), "%s", r->body);
    cr_assert(json_object_get(r->json, "next_page_token"), "%s", r->body);
    return json_object_get(r->json, "items");
}

/* The path of a problem's first errors[] entry. */
HC_UNUSED static const char *error_path(const resp *r)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(r->json, "errors"), 0), "path"));
}

HC_UNUSED static char *slurp(const char *path)
{
    char *t = NULL;
    size_t n = 0;
    cr_assert_eq(io_read_all(path, IO_MAX_INPUT_BYTES, &t, &n), IO_OK, "cannot read %s", path);
    return t;
}

/* Create an admin, a coordinator and a viewer token in the store at db
 * (created when missing); their secrets into the three buffers. */
HC_UNUSED static void make_tokens(const char *db, char admin[128], char coord[128],
                                  char viewer[128])
{
    io_store *s = NULL;
    char *err = NULL;
    cr_assert_eq(io_store_open(db, 1, &s, &err), IO_OK, "%s", err ? err : "");
    const int roles[3] = {IO_ROLE_ADMIN, IO_ROLE_COORDINATOR, IO_ROLE_VIEWER};
    char *dst[3] = {admin, coord, viewer};
    for (int i = 0; i < 3; i++) {
        char *secret = NULL;
        cr_assert_eq(io_store_token_create(s, roles[i], io_role_name(roles[i]), 0, &secret, NULL),
                     IO_OK);
        snprintf(dst[i], 128, "%s", secret);
        free(secret);
    }
    io_store_close(s);
}

#endif
