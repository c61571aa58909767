/*
 * web.h - the web console's static files, compiled into the binary.
 *
 * io_web_assets[] is generated at build time from io/web/ by
 * cmake/embed_assets.cmake; io_web_respond() serves them for every request
 * path outside /v1 (server.c's dispatch hands those over).
 */
#ifndef COHORT_WEB_H
#define COHORT_WEB_H

#include <stddef.h>

typedef struct io_web_asset {
    const char *path;          /* URL path, "/index.html" */
    const unsigned char *data; /* len bytes (static storage) */
    size_t len;
} io_web_asset;

extern const io_web_asset io_web_assets[];
extern const size_t io_web_n_assets;

/* The asset served at url ("/" = "/index.html"; a query string is
 * ignored), or NULL.  Only exact table paths match, so "..", "//" and
 * encoded tricks never reach anything. */
const io_web_asset *io_web_find(const char *url);

/* The Content-Type for an asset path, from its extension. */
const char *io_web_content_type(const char *path);

struct MHD_Connection;
/* Answer a non-/v1 request on c: GET/HEAD of an asset (200, or 304 when
 * If-None-Match names its ETag), 404 for any other path, 405 for other
 * methods (both with a JSON error body, as the API's).  Sets *status to the status sent.  Returns what
 * MHD_queue_response returned (an enum MHD_Result as int). */
int io_web_respond(struct MHD_Connection *c, const char *url, const char *method, int *status);

#endif
