/*
 * web.c - serve the web console (io/web/, compiled in) at "/".
 *
 * Only the paths in io_web_assets[] exist; nothing is read from disk.
 * Every answer carries a strict Content-Security-Policy (scripts, styles,
 * images and fetches from this origin only; no inline script or style, no
 * framing), nosniff and no-referrer.  Assets are revalidated on every load
 * (Cache-Control: no-cache plus an ETag), so a new binary shows its own
 * console at once.
 */
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/web.h"

#define CSP                                                                                   \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "         \
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "             \
    "form-action 'none'; frame-ancestors 'none'"

const io_web_asset *io_web_find(const char *url)
{
    size_t n = strcspn(url, "?#");
    if (n == 1 && url[0] == '/')
        url = "/index.html", n = strlen(url);
    for (size_t i = 0; i < io_web_n_assets; i++)
        if (strlen(io_web_assets[i].path) == n && memcmp(io_web_assets[i].path, url, n) == 0)
            return &io_web_assets[i];
    return NULL;
}

const char *io_web_content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } TYPES[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".json", "application/json"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (strcmp(dot, TYPES[i].ext) == 0)
            return TYPES[i].type;
    return "application/octet-stream";
}

/* A strong validator for the asset's bytes (64-bit FNV-1a, quoted). */
static void etag_of(const io_web_asset *a, char *out, size_t size)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < a->len; i++)
        h = (h ^ a->data[i]) * 1099511628211ULL;
    snprintf(out, size, "\"%016llx\"", (unsigned long long)h);
}

static int queue(struct MHD_Connection *c, int status, const void *data, size_t len,
                 const char *type, const char *etag, const char *allow, int *sent)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    if (type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (etag)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    if (allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, etag ? "no-cache" : "no-store");
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    *sent = status;
    return ret;
}

int io_web_respond(struct MHD_Connection *c, const char *url, const char *method, int *status)
{
    /* errors in the API's shape (RFC 9457), so that clients see one kind */
    static const char NOT_FOUND[] = "{\"type\":\"about:blank\",\"title\":\"Not Found\","
                                    "\"status\":404,\"detail\":\"no such resource\"}";
    static const char NOT_ALLOWED[] = "{\"type\":\"about:blank\",\"title\":\"Method Not Allowed\","
                                      "\"status\":405,\"detail\":\"only GET and HEAD are "
                                      "allowed here\"}";
    static const char PROBLEM[] = "application/problem+json";
    const io_web_asset *a = io_web_find(url);
    if (!a)
        return queue(c, 404, NOT_FOUND, sizeof NOT_FOUND - 1, PROBLEM, NULL, NULL, status);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return queue(c, 405, NOT_ALLOWED, sizeof NOT_ALLOWED - 1, PROBLEM, NULL, "GET, HEAD",
                     status);
    char etag[24];
    etag_of(a, etag, sizeof etag);
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm && strstr(inm, etag))
        return queue(c, 304, "", 0, NULL, etag, NULL, status);
    return queue(c, 200, a->data, a->len, io_web_content_type(a->path), etag, NULL, status);
}
