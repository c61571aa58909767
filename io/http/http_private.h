/*
 * http_private.h - what the pieces of the HTTP server (io/http/) share:
 * server and request state, the route table, and the reply and request
 * helpers the handlers are written with.
 */
#ifndef COHORT_HTTP_PRIVATE_H
#define COHORT_HTTP_PRIVATE_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>

#include "io_private.h"
#include "solver.h"

#ifndef COHORT_VERSION
#define COHORT_VERSION MODEL_VERSION
#endif

/* A parsed saved schedule, shared by the requests that rank fill
 * suggestions against it (read-only); freed when evicted and unused. */
typedef struct sched_entry {
    char program[65];
    int version;
    char stamp[40];
    model_solution *sol;
    int refs; /* users, plus 1 while in the cache */
} sched_entry;
#define SCHED_CACHE 4

struct io_server {
    struct MHD_Daemon *daemon;
    io_store *store;
    io_jobs *jobs;
    io_server_options opt;
    int port;
    char *openapi;
    pthread_mutex_t log_mu;
    pthread_mutex_t sched_mu;
    sched_entry *sched[SCHED_CACHE];
    unsigned sched_next;
    /* open connections, for the read deadline (http.c) */
    pthread_mutex_t conn_mu;
    pthread_cond_t conn_wake;
    struct conn_ent *conns;
    pthread_t watchdog;
    int watchdog_on, stopping;
};

/* One open connection: while it reads a request (headers and body) it
 * must finish within opt.request_timeout_s, else the watchdog shuts its
 * socket down. */
typedef struct conn_ent {
    int fd;
    int reading;  /* 1 from accept (or the last reply) until dispatch */
    double since; /* when reading began (monotonic seconds) */
    struct conn_ent *prev, *next;
} conn_ent;

/* Per-request state (one per HTTP request on a connection). */
typedef struct req_ctx {
    io_buf body;     /* the body read so far, bounded by opt.max_body */
    size_t received; /* body bytes seen, kept or not */
    int too_big;
    long actor; /* token id and role, once authorised */
    int role;
    double t0;
    int status;       /* sent status, 0 = none yet */
    const char *tmpl; /* matched route template, for the log */
    const struct route *rt; /* the matched route */
    char method[12];
    char etag[24]; /* ETag header of the reply, "" = none */
    char cursor[512]; /* the decoded page_token of a list */
} req_ctx;

typedef struct http_req {
    io_server *srv;
    struct MHD_Connection *conn;
    req_ctx *r;
    const char *param[4]; /* path parameters in template order */
    long actor;           /* token id */
    int role;
} http_req;

typedef enum MHD_Result (*route_fn)(http_req *q);

typedef struct route {
    const char *method;
    const char *path; /* template: "{name}" segments are parameters */
    int role;         /* least role; IO_ROLE_NONE = no token needed */
    route_fn fn;
    const char *op;       /* operationId */
    const char *summary;  /* one line */
    const char *request;  /* request body schema (components), NULL = none */
    int ok;               /* success status */
    const char *response; /* success body schema, NULL = no body */
    const char *query;    /* "name:description|name:description" */
    const char *errors;   /* documented error statuses besides 401/403 */
} route;

/* Every route, in match order (routes.c). */
extern const route ROUTES[];
extern const int N_ROUTES;
/* The OpenAPI document's schemas and shared responses, compact JSON
 * (openapi_components.c). */
extern const char OPENAPI_COMPONENTS[];
/* Does rt answer a paged list ({items, next_page_token}; it then takes
 * page_size and page_token)?  Every "array:Schema" response is one. */
int route_paged(const route *rt);

/* Core (http.c): the schedule cache, replies and request parsing. */
void sched_release(io_server *srv, sched_entry *e);
sched_entry *sched_acquire(io_server *srv, const char *program, int *version);
enum MHD_Result send_text(struct MHD_Connection *c, req_ctx *r, int status, char *text,
                          const char *hname, const char *hvalue);
enum MHD_Result send_json(http_req *q, int status, json_t *j, const char *hname,
                          const char *hvalue);
/* An RFC 9457 problem {type, title, status, detail} (new reference); with
 * path, errors[] = [{path, message: detail}]. */
json_t *problem_obj(int status, const char *path, const char *detail);
/* Send problem p (reference stolen) as application/problem+json. */
enum MHD_Result send_problem(struct MHD_Connection *c, req_ctx *r, int status, json_t *p,
                             const char *hname, const char *hvalue);
enum MHD_Result send_error_c(struct MHD_Connection *c, req_ctx *r, int status, const char *path,
                             const char *hname, const char *hvalue, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
enum MHD_Result send_diag(http_req *q, int status, const char *message, const model_diag *d,
                          const char *prefix);
enum MHD_Result send_store_error(http_req *q, int rc, const model_diag *d, const char *what);
enum MHD_Result send_raw(http_req *q, int status, char *text);
/* Concurrency: the reply carries ETag "<rev as 16 hex digits>". */
void set_etag(http_req *q, long long rev);
/* The If-Match precondition into rv (if_rev 0 when absent or "*"; a tag
 * that names no revision never matches).  0 ok, -1 a reply (400) was sent
 * for a malformed header. */
int if_match(http_req *q, io_store_rev *rv);
/* Lists: page_size (1..PAGE_MAX, default PAGE_DEFAULT) and page_token
 * (opaque: a hash of the route template, then the store's cursor in hex)
 * into pg, whose cursor text lives in q's request.  0 ok, -1 a 400 was
 * sent. */
#define PAGE_DEFAULT 100
#define PAGE_MAX 1000
int page_params(http_req *q, io_page *pg);
/* The answer of a list: a store status rc and its items (JSON array text,
 * owned) as 200 {"items": [...], "next_page_token": token or null}; a bad
 * cursor (IO_EINVAL) is a 400 on page_token, other failures as
 * send_store_error with what. */
enum MHD_Result send_page(http_req *q, int rc, char *items, const io_page *pg,
                          const char *what);
/* A page of a list computed whole (a store status rc and its JSON array
 * text, owned), answered as send_page: the items after position pg->after
 * (a count; NULL = from the first), at most pg->size; the cursor is the
 * position of the page's last item, so the list's order must be stable. */
enum MHD_Result send_array_page(http_req *q, int rc, char *array, io_page *pg,
                                const char *what);
/* Answer 200 {key: the JSON array text (owned)} when rc is IO_OK, else
 * send_store_error(q, rc, d, what). */
enum MHD_Result send_wrapped(http_req *q, int rc, const char *key, char *array,
                             const model_diag *d, const char *what);
/* A request body the handler reads raw: refused (a reply sent, -1) when
 * it is not JSON or has a field the route does not know (as parse_body);
 * 0 when it may be read. */
int body_checked(http_req *q);
const char *query(http_req *q, const char *name);
int query_flag(http_req *q, const char *name);
json_t *parse_body(http_req *q, int allow_empty, int *sent);
json_t *body_instance(json_t *body, const char **prefix);
int strict_fields(model_diag *d);
int read_instance(http_req *q, json_t *j, const char *prefix, model_instance **out, model_diag *d);
int read_solution(http_req *q, json_t *j, const char *prefix, model_solution **out);
int opt_number(http_req *q, json_t *body, const char *name, double lo, double hi, double *v);
#define send_error(q, status, path, ...)                                                           \
    send_error_c((q)->conn, (q)->r, status, path, NULL, NULL, __VA_ARGS__)

/* guard.c: checks before a handler runs, and the read deadline */
double now_s(void); /* monotonic seconds (http.c) */
const char *header_bytes_bad(struct MHD_Connection *c);
const char *unknown_query(struct MHD_Connection *c, const route *rt);
int json_content_type(const char *ct);
int json_prescan(const char *b, size_t n, long max_values, int max_depth);
int unknown_field(const route *rt, json_t *body, char *path, size_t cap);
void conn_mark(io_server *srv, struct MHD_Connection *c, int reading);
void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                   enum MHD_ConnectionNotificationCode toe);
void *conn_watchdog(void *p);

/* handlers_jobs.c */
double plan_deadline(const model_instance *inst, double time_limit_s);
enum MHD_Result run_job(http_req *q, const char *kind, const char *program, double deadline,
                        json_t *input, int sync);
enum MHD_Result h_job_get(http_req *q);
enum MHD_Result h_job_delete(http_req *q);

/* handlers_stateless.c */
enum MHD_Result h_health(http_req *q);
enum MHD_Result h_whoami(http_req *q);
enum MHD_Result h_openapi(http_req *q);
enum MHD_Result h_validate(http_req *q);
int plan_options(http_req *q, json_t *body, json_t *job, double *tl);
enum MHD_Result h_plan(http_req *q);
json_t *check_report_json(const model_check_report *rep);
enum MHD_Result h_check(http_req *q);
int run_fill(const model_instance *inst, const model_solution *sol, json_t *events,
             const solver_fill_options *fo, json_t **out, model_diag *d);
enum MHD_Result h_fill(http_req *q);
enum MHD_Result h_whatif(http_req *q);

/* handlers_programs.c */
enum MHD_Result h_programs_list(http_req *q);
enum MHD_Result h_programs_create(http_req *q);
enum MHD_Result h_program_get(http_req *q);
enum MHD_Result h_program_put(http_req *q);
enum MHD_Result h_program_delete(http_req *q);

/* handlers_entities.c */
enum MHD_Result h_entity_list(http_req *q);
enum MHD_Result h_entity_get(http_req *q);
enum MHD_Result h_entity_create(http_req *q);
enum MHD_Result h_entity_put(http_req *q);
enum MHD_Result h_entity_delete(http_req *q);
enum MHD_Result h_entity_patch(http_req *q);

/* handlers_schedules.c */
enum MHD_Result h_program_plan(http_req *q);
enum MHD_Result h_schedules_list(http_req *q);
enum MHD_Result h_schedule_post(http_req *q);
enum MHD_Result h_schedule_get(http_req *q);
enum MHD_Result h_schedule_publish(http_req *q);

/* handlers_events.c */
enum MHD_Result h_events_post(http_req *q);
enum MHD_Result h_events_get(http_req *q);
enum MHD_Result record_events(http_req *q, json_t *body, json_t *extra);

/* handlers_attendance.c */
enum MHD_Result h_attendance_post(http_req *q);
enum MHD_Result h_attendance_get(http_req *q);
enum MHD_Result h_attendance_flags(http_req *q);
enum MHD_Result h_attendance_confirm(http_req *q);
enum MHD_Result h_roster(http_req *q);
enum MHD_Result h_authorizations_expiring(http_req *q);

/* handlers_census.c */
enum MHD_Result h_census(http_req *q);
enum MHD_Result h_waitlist(http_req *q);

/* handlers_offers.c */
enum MHD_Result h_seat_candidates(http_req *q);
enum MHD_Result h_offer_create(http_req *q);
enum MHD_Result h_offer_decide(http_req *q);
enum MHD_Result h_offer_contact(http_req *q);
enum MHD_Result h_offers_list(http_req *q);

/* handlers_tokens.c */
enum MHD_Result h_tokens_list(http_req *q);
enum MHD_Result h_tokens_create(http_req *q);
enum MHD_Result h_token_delete(http_req *q);
enum MHD_Result h_audit(http_req *q);

/* handlers_export.c */
enum MHD_Result h_export(http_req *q);
enum MHD_Result h_calendar_create(http_req *q);
enum MHD_Result h_calendar_list(http_req *q);
enum MHD_Result h_calendar_delete(http_req *q);
enum MHD_Result h_calendar_feed(http_req *q);

#endif
