/*
 * io.h - everything of cohort that faces the outside: JSON reading and
 * writing, files, the command line (and, in later sections, the store,
 * the HTTP server and exports).
 *
 * Ownership: every object returned through an out-parameter belongs to the
 * caller: model objects are freed with their model_*_destroy function,
 * strings with free().  Functions return IO_OK or an IO_E* code and leave
 * their out-parameters untouched on failure.
 */
#ifndef COHORT_IO_H
#define COHORT_IO_H

#include <stddef.h>

#include "model.h"

enum {
    IO_OK = 0,
    IO_ENOMEM = 1,   /* allocation failed */
    IO_EINVAL = 2,   /* input is invalid; details in the model_diag */
    IO_EIO = 3       /* a file could not be read or written */
};

/* Process exit codes (SPEC "Outputs"). */
enum {
    COHORT_EXIT_OK = 0,
    COHORT_EXIT_INTERNAL = 1,
    COHORT_EXIT_INVALID = 2,
    COHORT_EXIT_INFEASIBLE = 3,
    COHORT_EXIT_NO_SOLUTION = 4,
    COHORT_EXIT_VIOLATIONS = 5
};

/* ------------------------------------------------------------ JSON I/O */

/* Jansson's tree type (jansson.h); the tree functions below take and give
 * trees so that layers pass trees, and text is made only at a real medium
 * (a file, an HTTP body, a pipe, a database column). */
struct json_t;

/* Read an instance from a Jansson tree, exactly as io_instance_parse reads
 * its text (same errors, warnings and paths).  tree is only read; the
 * caller keeps it.  IO_OK / IO_EINVAL (errors in d; *out untouched) /
 * IO_ENOMEM. */
int io_instance_from_tree(const struct json_t *tree, model_instance **out, model_diag *d);

/* An instance as a new Jansson tree (the caller owns it; json_decref), the
 * same value io_instance_to_json writes.  NULL on ENOMEM. */
struct json_t *io_instance_to_tree(const model_instance *inst);

/* A solution from / as a Jansson tree; as io_solution_parse and
 * io_solution_to_json.  The tree returned is the caller's; NULL on ENOMEM. */
int io_solution_from_tree(const struct json_t *tree, model_solution **out, model_diag *d);
struct json_t *io_solution_to_tree(const model_solution *sol);

/* A diagnostics collector as a new tree, as io_diag_to_json.  NULL on
 * ENOMEM. */
struct json_t *io_diag_to_tree(const model_diag *d, const char *status);

/* Parse an instance from JSON text (need not be NUL-terminated).  Reports
 * every syntax, type and semantic error (model_instance_validate) into d,
 * each with its JSON path; warnings too.  On success *out is a validated,
 * resolved instance.  Returns IO_OK, IO_EINVAL (errors in d; *out
 * untouched) or IO_ENOMEM. */
int io_instance_parse(const char *text, size_t len, model_instance **out, model_diag *d);

/* Read and parse an instance file ("-" = standard input).  IO_EIO (with an
 * error in d naming the file) when it cannot be read; else as
 * io_instance_parse. */
int io_instance_read_file(const char *path, model_instance **out, model_diag *d);

/* Serialise an instance to JSON text (every field, defaults explicit), so
 * that io_instance_parse(io_instance_to_json(x)) equals x.  *out is a
 * malloc'd NUL-terminated string.  IO_OK or IO_ENOMEM. */
int io_instance_to_json(const model_instance *inst, char **out);

/* Parse a solution (the SPEC "Outputs" format).  Type errors go into d
 * with paths.  IO_OK / IO_EINVAL / IO_ENOMEM. */
int io_solution_parse(const char *text, size_t len, model_solution **out, model_diag *d);
int io_solution_read_file(const char *path, model_solution **out, model_diag *d);

/* Serialise a solution to JSON text (malloc'd).  IO_OK or IO_ENOMEM. */
int io_solution_to_json(const model_solution *sol, char **out);

/* Serialise a diagnostics collector as
 * {"status":"invalid","errors":[{"path","message"}],"warnings":[...]}. */
int io_diag_to_json(const model_diag *d, const char *status, char **out);

/* --------------------------------------------------------------- files */

/* Read a whole file ("-" = stdin) into a malloc'd NUL-terminated buffer.
 * max_bytes bounds the size (IO_EINVAL past it).  IO_EIO on read failure. */
int io_read_all(const char *path, size_t max_bytes, char **out, size_t *len);

/* Write data to path atomically (temporary file in the same directory,
 * fsync, rename); "-" or NULL writes to stdout.  IO_EIO on failure, the
 * old file intact. */
int io_write_atomic(const char *path, const char *data, size_t len);

/* Largest input file accepted (bytes). */
#define IO_MAX_INPUT_BYTES ((size_t)256 * 1024 * 1024)

/* --------------------------------------------------------------- store */
/* The store of programs (io/store/: core in store.c, one store_*.c per
 * resource; SQLite or PostgreSQL behind io/store/driver.h).  One io_store is
 * one writer connection and up to four reader connections; every function takes the store's mutex, so a store may be
 * shared by threads.  Every change runs in one transaction and writes an
 * audit row (actor = token id, 0 = the local command line).  Entities are
 * kept as their normalised JSON (as io_instance_to_json writes them); every
 * write re-validates the whole program and is refused, unchanged, when the
 * result is invalid.  JSON text returned through char ** is malloc'd and
 * owned by the caller. */

#define IO_STORE_SCHEMA_VERSION 7

enum {
    IO_STORE_ENOTFOUND = 10, /* program, entity, version or token does not exist */
    IO_STORE_ECONFLICT = 11, /* id already exists / state does not allow it */
    IO_STORE_EDB = 12,       /* the database failed (message in the diag / *err) */
    IO_STORE_EPRECOND = 13   /* the program's revision is not the expected one */
};

typedef enum {
    IO_ROLE_NONE = 0,
    IO_ROLE_VIEWER = 1,      /* reads */
    IO_ROLE_COORDINATOR = 2, /* + records events, plans, publishes */
    IO_ROLE_ADMIN = 3        /* + manages programs, entities and tokens */
} io_role;

/* "viewer" | "coordinator" | "admin" -> role, or -1. */
int io_role_parse(const char *s);
const char *io_role_name(int role);

typedef enum {
    IO_ENTITY_GROUP_TYPE = 0,
    IO_ENTITY_GROUP,
    IO_ENTITY_ROOM,
    IO_ENTITY_FACILITATOR,
    IO_ENTITY_PATIENT,
    IO_ENTITY_COUNT
} io_entity_kind;

/* Collection name ("group_types", "groups", "rooms", "facilitators",
 * "patients") -> kind, or -1; and back. */
int io_entity_kind_parse(const char *collection);
const char *io_entity_collection(io_entity_kind kind);

typedef struct io_store io_store;

/* Open the store at path and migrate its schema to IO_STORE_SCHEMA_VERSION:
 * a postgresql:// or postgres:// URL (libpq's syntax; a 30 s statement
 * timeout unless the URL sets one), else a SQLite file (create = 1: create
 * it when missing; WAL, foreign keys, a busy timeout).  On failure returns
 * IO_EIO (cannot reach or open; the message names the URL without its
 * password) / IO_STORE_EDB / IO_ENOMEM with a malloc'd message in *err (may
 * be NULL). */
int io_store_open(const char *path, int create, io_store **out, char **err);
/* Close the connection.  NULL is a no-op. */
void io_store_close(io_store *s);
/* The underlying schema version (PRAGMA user_version), -1 on error. */
int io_store_schema_version(io_store *s);

/* Optimistic concurrency on a program (ETags are derived from rev): with
 * if_rev != 0 a write fails with IO_STORE_EPRECOND, changing nothing,
 * unless the program is at revision if_rev; rev receives the revision
 * after a write, or the one a read saw.  Every write gives the program a
 * new revision (entities included).  Functions take a NULL io_store_rev
 * for "unconditional, revision not wanted". */
typedef struct io_store_rev {
    long long if_rev;
    long long rev;
} io_store_rev;

/* Keyset paging of a list: at most size rows after the row whose key is
 * after (NULL: from the first); next receives the key of the last row
 * when more rows follow, else "".  Lists take a NULL io_page for all
 * rows. */
typedef struct io_page {
    int size;
    const char *after;
    char next[512];
} io_page;

/* Is id acceptable as a program id ([A-Za-z0-9._-], 1..64 chars)? */
int io_store_valid_id(const char *id);

/* Store a new program from a validated instance (rv, may be NULL, gets
 * its first revision).  id NULL: derived from the
 * program name (made unique).  The chosen id is returned in *id_out
 * (malloc'd; may be NULL).  IO_STORE_ECONFLICT when id exists; IO_EINVAL
 * (errors in d) when the id or the instance is invalid. */
int io_store_program_create(io_store *s, const char *id, const model_instance *inst,
                            long actor, char **id_out, model_diag *d, io_store_rev *rv);
/* Replace a program's whole content.  IO_STORE_ENOTFOUND / IO_EINVAL. */
int io_store_program_replace(io_store *s, const char *id, const model_instance *inst,
                             long actor, model_diag *d, io_store_rev *rv);
/* Rebuild the stored program as an instance (validated, resolved). */
int io_store_program_export(io_store *s, const char *id, model_instance **out, model_diag *d);
/* The stored program as instance JSON text. */
int io_store_program_json(io_store *s, const char *id, char **json, io_store_rev *rv);
/* JSON array [{"id","name","created","updated","counts":{...}}]. */
int io_store_program_list(io_store *s, char **json, io_page *pg);
/* Delete a program and everything in it (audit rows stay). */
int io_store_program_delete(io_store *s, const char *id, long actor, model_diag *d,
                            io_store_rev *rv);

/* Entities of a collection: JSON array in program order / one object. */
int io_store_entity_list(io_store *s, const char *program, io_entity_kind kind, char **json,
                         io_page *pg);
int io_store_entity_get(io_store *s, const char *program, io_entity_kind kind,
                        const char *eid, char **json, io_store_rev *rv);
/* Create (eid NULL: the body's "id") or replace (eid given; the body's id,
 * when present, must equal it) one entity from JSON text; the program is
 * re-validated (errors with instance paths in d, IO_EINVAL).  *json_out
 * (may be NULL) receives the stored, normalised entity.  Create of an
 * existing id: IO_STORE_ECONFLICT; replace of a missing one:
 * IO_STORE_ENOTFOUND. */
int io_store_entity_put(io_store *s, const char *program, io_entity_kind kind,
                        const char *eid, const char *body, size_t len, long actor,
                        char **json_out, model_diag *d, io_store_rev *rv);
/* io_store_entity_put with the body as a tree (borrowed, not changed; not
 * an object: IO_EINVAL); *out (may be NULL) receives a new reference to
 * the stored, normalised entity. */
int io_store_entity_put_tree(io_store *s, const char *program, io_entity_kind kind,
                             const char *eid, const struct json_t *body, long actor,
                             struct json_t **out, model_diag *d, io_store_rev *rv);
/* Delete one entity (refused with IO_EINVAL when others still refer to it). */
int io_store_entity_delete(io_store *s, const char *program, io_entity_kind kind,
                           const char *eid, long actor, model_diag *d, io_store_rev *rv);

/* Record roster events (JSON: one event, an array, or {"events":[...]}):
 * {"event": "dropped"|"graduated"|"hold_clinical"|"hold_admin"|"returned"|
 *  "placed", "group", "patient", "date"?} or {"event":"referral",
 *  "patient": {patient object}, "date"?}.  All or nothing: rosters and
 * the waitlist change, every event becomes a status-history row, the
 * program is re-validated.  *recorded (may be NULL) receives the JSON array
 * of recorded events with their ids.  IO_EINVAL with paths in d. */
int io_store_events_record(io_store *s, const char *program, const char *body, size_t len,
                           long actor, char **recorded, model_diag *d);
/* The same for the parsed body (borrowed); *recorded (may be NULL) receives
 * the array of recorded events (a new reference, the caller's). */
int io_store_events_record_tree(io_store *s, const char *program, const struct json_t *body,
                                long actor, struct json_t **recorded, model_diag *d);
/* Status history, optionally for one patient / group (NULL = all):
 * [{"id","event","group","patient","status","date","actor","at"}]: roster
 * events oldest first, then attendance marks (event "attendance", status
 * the mark) and seat offers (event "offer", status offered / accepted /
 * declined / expired) by time. */
int io_store_history(io_store *s, const char *program, const char *patient,
                     const char *group, char **json, io_page *pg);
/* The same as a tree: *out is a new array, the caller's. */
int io_store_history_tree(io_store *s, const char *program, const char *patient,
                          const char *group, struct json_t **out, io_page *pg);

/* Schedule version selectors: a version number (> 0) or one of these. */
#define IO_SCHEDULE_PUBLISHED 0 /* "published": the published version */
#define IO_SCHEDULE_LATEST (-1) /* "latest" (deprecated): published, else newest */
#define IO_SCHEDULE_NEWEST (-2) /* "newest": the highest version number */
/* Parse a version selector: digits (1..1e9), "published", "newest" or
 * "latest" into *v.  0 ok, -1 when malformed (*v unchanged). */
int io_schedule_version_parse(const char *text, int *v);

/* Save a solution (JSON text) as the program's next schedule version. */
int io_store_schedule_save(io_store *s, const char *program, const char *solution_json,
                           long actor, int *version);
/* The same for the job `job` (its id; NULL: as io_store_schedule_save):
 * the version records the job, and a retry of a job whose first run saved
 * already gets that version back instead of saving a second one. */
int io_store_schedule_save_job(io_store *s, const char *program, const char *solution_json,
                               long actor, const char *job, int *version);
/* [{"version","status","objective","created","published","actor"}]. */
int io_store_schedule_list(io_store *s, const char *program, char **json, io_page *pg);
/* One version's solution JSON; version a number or an IO_SCHEDULE_*
 * selector; *version_out (may be NULL) the number it names.
 * IO_STORE_ENOTFOUND when none. */
int io_store_schedule_get(io_store *s, const char *program, int version, char **json,
                          int *version_out);
/* The version io_store_schedule_get(program, -1, ...) would return and
 * its creation time stamp (which tells a re-created program's version 1
 * from the old one), without reading the schedule.  IO_STORE_ENOTFOUND
 * when there is none. */
int io_store_schedule_current(io_store *s, const char *program, int *version, char stamp[40]);
/* The version number a selector (number or IO_SCHEDULE_*) names, without
 * reading the schedule.  IO_STORE_ENOTFOUND when none. */
int io_store_schedule_resolve(io_store *s, const char *program, int version, int *out);
/* Publish a version (the previously published one is unpublished). */
int io_store_schedule_publish(io_store *s, const char *program, int version, long actor);

/* Create a token with a role: the secret is returned once in *secret
 * (malloc'd), only its SHA-256 is stored.  *id_out may be NULL. */
int io_store_token_create(io_store *s, int role, const char *name, long actor,
                          char **secret, long *id_out);
/* Look a presented secret up: IO_OK with id and role of a live token, else
 * IO_STORE_ENOTFOUND (unknown or revoked). */
int io_store_token_auth(io_store *s, const char *secret, long *id_out, int *role_out);
/* [{"id","name","role","created","revoked"}] (never the hashes). */
int io_store_token_list(io_store *s, char **json, io_page *pg);
/* Revoke a token.  IO_STORE_ENOTFOUND when unknown or already revoked. */
int io_store_token_revoke(io_store *s, long id, long actor);

/* Audit trail, newest first (a page's next is the oldest id on it),
 * optionally one program's (NULL = all): [{"id","at","actor","action",
 * "entity","program","before","after"}] (before/after are JSON or null). */
int io_store_audit_list(io_store *s, const char *program, char **json, io_page *pg);

/* ------------------------------------------------- clinic operations */
/* Attendance, no-show flags and seat offers of a stored program
 * (io/store/store_attendance.c, store_offers.c; rules in model/clinic.h).
 * Sessions are those of the program's published (else latest) schedule. */

/* Record one session's attendance (all or nothing):
 * {"group", "date", "marks": [{"patient", "status", "notice_hours"?,
 * "note"?}], "correct"?: bool} or {"group", "date", "cancelled":
 * {"reason"}} for a session the clinic cancelled.  status is one of
 * present, late, late_cancel, no_show, excused, or "cancel" with
 * notice_hours (classified late_cancel / excused by
 * settings.late_cancel_hours).  Refused (IO_EINVAL, path in d, nothing
 * written): a date that is not a session of the group, a patient who is
 * not a member then, a mark already recorded (unless "correct": true),
 * a patient twice in one request.  *result (may be NULL): {"group",
 * "date", "schedule_version", "recorded": [{"patient","status",
 * "previous"}], "cancelled", "flags": [...]} with the flags of every
 * member of the group (as io_store_attendance_flags). */
int io_store_attendance_record(io_store *s, const char *program, const char *body, size_t len,
                               long actor, char **result, model_diag *d);
/* Recorded attendance, by date (a day's marks before the clinic's
 * cancellations, then as recorded): [{"group","date","patient","status",
 * "note","actor","at"}] and the clinic's cancellations with patient null
 * (left out when patient is given); group / patient NULL = all.  pg: a
 * page (NULL = every row); IO_EINVAL for a bad page cursor. */
int io_store_attendance_list(io_store *s, const char *program, const char *group,
                             const char *patient, char **json, io_page *pg);
/* The same as a tree: *out is a new array, the caller's. */
int io_store_attendance_list_tree(io_store *s, const char *program, const char *group,
                                  const char *patient, struct json_t **out, io_page *pg);
/* Policy flags of the current members (group NULL = every group), as of
 * their latest mark: [{"group","patient","status","sessions","attended",
 * "consecutive_no_shows","no_shows","late_cancels","absences","review",
 * "recommend_drop","reasons":[...]}]; only_flagged keeps those with review
 * or recommend_drop (who needs a call). */
int io_store_attendance_flags(io_store *s, const char *program, const char *group,
                              int only_flagged, char **json);
/* The same as a tree: *out is a new array, the caller's. */
int io_store_attendance_flags_tree(io_store *s, const char *program, const char *group,
                                   int only_flagged, struct json_t **out);

/* Offer an open seat of a group to a ranked candidate: {"group",
 * "patient", "at"?} (at: when it was offered, default now; the offer
 * expires settings.offer_ttl_hours later).  Refused (IO_EINVAL, nothing
 * written): no open seat left to offer in the group ("group": the seats
 * open against the saved schedule, less open offers), a patient who holds
 * an open offer or is not an eligible candidate for the seat ("patient").
 * *json: the offer {"id","group","patient","status","reason",
 * "offered_at","expires_at","decided_at","rank"}. */
int io_store_offer_create(io_store *s, const char *program, const char *body, size_t len,
                          long actor, char **json, model_diag *d);
/* The ranked candidates for an open seat of group (as
 * io_clinic_seat_ranking in io_private.h: {"group", "schedule_version",
 * "open_seats", "vacated_by", "eligible", "candidates", "note"?}), without
 * the patients who hold an open offer or declined or let expire an offer
 * of this group.  IO_STORE_ENOTFOUND (program or schedule), IO_EINVAL
 * (no such group: path "group"). */
int io_store_seat_candidates(io_store *s, const char *program, const char *group, char **json,
                             model_diag *d);
/* Decide offer id: {"decision": "accepted" | "declined", "reason"
 * (declined), "at"?}.  Accepting places the patient (the "placed" roster
 * event, its rules) while the seat is still open, checked in the
 * placement's transaction; declining answers the next candidates for the
 * seat.  Refused (IO_EINVAL, nothing written): an offer no longer open or
 * expired, a seat taken since the offer ("decision"), a decline without
 * reason ("reason").  *json: {"offer",
 * "recorded" (accepted) | "next" (declined: as io_clinic_seat_ranking)}.
 * IO_STORE_ENOTFOUND for an unknown offer. */
int io_store_offer_decide(io_store *s, const char *program, long long id, const char *body,
                          size_t len, long actor, char **json, model_diag *d);
/* Record a contact attempt on offer id: {"channel", "outcome", "note"?,
 * "at"?}; *json: the offer's attempts so far. */
int io_store_offer_contact(io_store *s, const char *program, long long id, const char *body,
                           size_t len, long actor, char **json, model_diag *d);
/* The same with the attempts as a tree (*out: a new array, the caller's). */
int io_store_offer_contact_tree(io_store *s, const char *program, long long id,
                                const char *body, size_t len, long actor, struct json_t **out,
                                model_diag *d);
/* Expire the offers due at `at` (NULL = now), then list offers (group /
 * patient NULL = all): {"offers": [offer + "contacts"], "expired_now":
 * [{"offer", "group", "next"}]} where next ranks the seat again. */
int io_store_offers_list(io_store *s, const char *program, const char *group,
                         const char *patient, const char *at, char **json);

/* The stored program as io_store_program_export gives it, each payer
 * authorization's `used` raised by the units the recorded attended
 * sessions used (an attended mark in a group of the authorization's CPT,
 * within its dates, uses one unit of the patient's first such
 * authorization): the instance plan and fill decide on with
 * settings.require_authorization, and the count the roster and the
 * authorizations running out show.  *out is the caller's. */
int io_store_program_for_planning(io_store *s, const char *program, model_instance **out,
                                  model_diag *d);

/* The facilitator's pre-session roster of group on day (YYYY-MM-DD):
 * {"group", "date", "members": [{"patient", "status", "last_4_weeks":
 * [{"date","status"}], "flags": [text]}]} with the seat holders then;
 * flags: on hold, flagged for review, authorization expiring this week,
 * visit cap within 2 sessions, no authorization covers this session (with
 * require_authorization).  IO_EINVAL ("date", "group"). */
int io_store_roster(io_store *s, const char *program, const char *group, const char *day,
                    char **json, model_diag *d);
/* The same as a tree: *out is a new object, the caller's. */
int io_store_roster_tree(io_store *s, const char *program, const char *group, const char *day,
                         struct json_t **out, model_diag *d);
/* Authorizations that run out (units, used by attended sessions, or dates)
 * within within_days of day (NULL = today): [{"patient","payer","cpt",
 * "from","to","units","units_used","units_left","runs_out"}]. */
int io_store_authorizations_expiring(io_store *s, const char *program, const char *day,
                                     int within_days, char **json, model_diag *d);

/* io/clinic/census.c: census and billing of a week (period "week", start
 * a Monday YYYY-MM-DD) or a month ("month", start YYYY-MM): {"period",
 * "start", "from", "to", "totals", "groups": [...], "types": [...
 * "waitlist_depth"], "facilitators": [...]}, each with sessions scheduled /
 * cancelled / held, attended member-sessions, no-shows, late cancels,
 * attendance and no-show rates, utilisation, billable units per CPT,
 * projected (schedule) and actual (attendance) revenue, revenue per held
 * session; groups also enrolled (on the roster during the period, from
 * the roster events) and active (of those, attended in the period).
 * IO_EINVAL ("period", "start"), IO_STORE_ENOTFOUND (no program or
 * schedule). */
int io_clinic_census(io_store *s, const char *program, const char *period, const char *start,
                     char **out, model_diag *d);
/* The same as a tree: *out is a new object, the caller's. */
int io_clinic_census_tree(io_store *s, const char *program, const char *period,
                          const char *start, struct json_t **out, model_diag *d);

/* Waitlist position and expected wait (io/clinic/waitlist.c) of every
 * waitlisted patient (patient NULL) or one: [{"patient", "types": [{"type",
 * "position", "of", "open_seats", "seats_per_week", "optional_seats",
 * "expected_wait_weeks", "range_weeks": [low, high], "basis": [text]}]}]
 * for each type they can join now (model_wait_estimate; null = no seat
 * expected).  IO_STORE_ENOTFOUND (program, schedule or patient). */
int io_clinic_waitlist(io_store *s, const char *program, const char *patient, char **out,
                       model_diag *d);

/* -------------------------------------------------------------- server */
/* JSON HTTP API over libmicrohttpd (io/http/: core in http.c, one
 * handlers_*.c per resource, route table in routes.c, OpenAPI in
 * openapi.c, jobs in server_jobs.c): stateless
 * validate/plan, stored programs (io_store) with CRUD, roster events,
 * schedules, solver jobs in child processes, bearer tokens.  The routes
 * and their roles are listed in the OpenAPI document (docs/openapi.json,
 * GET /v1/openapi.json). */

#include <stdio.h>

typedef struct io_server_options {
    const char *bind;    /* address to listen on ["127.0.0.1"] */
    int port;            /* [8080]; 0 = any free port (see io_server_port) */
    size_t max_body;     /* largest request body in bytes [32 MiB: about three
                            times an XL program]; more -> 413 */
    long max_json_values; /* JSON values (objects, arrays, scalars) in one
                             body [1000000: about twice an XL program]; more -> 413 */
    int max_json_depth;  /* nesting of arrays and objects [32]; more -> 413 */
    int timeout_s;       /* idle connection timeout in seconds [30] */
    int request_timeout_s; /* a request's headers and body must arrive within
                              this many seconds of the connection (or of its
                              previous reply) [60]; else it is closed */
    int max_connections; /* concurrent connections [256] */
    int max_per_ip;      /* concurrent connections from one address [32] */
    int max_jobs;        /* solver child processes at a time [2] */
    int max_queued;      /* solves waiting for a slot [32]; more -> 503 */
    FILE *log;           /* request log: time, method, path template, status,
                            ms (never ids or bodies); NULL = none [NULL] */
    const char *worker;  /* the cohort executable run as `cohort worker` for
                            each solve; NULL = this executable [NULL] */
    int workers;         /* jobs of the shared queue this node runs itself;
                            0 = none (standalone `cohort worker --db` run
                            them); -1 = max_jobs [-1] */
    double job_stale_s;  /* a running job whose heartbeat is older is its
                            worker's death (retried once) [15] */
    int no_fanout;       /* queue a what-if or a multi-site plan as one job,
                            not one per plan or site [0] */
} io_server_options;

/* Fill o with the defaults in brackets. */
void io_server_options_default(io_server_options *o);

typedef struct io_server io_server;

/* Open (creating it when missing) the store at db_path and start serving.
 * On failure returns IO_EIO (also when the port is in use: it is never
 * shared) / IO_EINVAL (bad address or port) / IO_STORE_EDB / IO_ENOMEM
 * with a malloc'd message in *err (may be NULL); *out untouched.  The
 * limits in o are described in docs/SERVER.md. */
int io_server_start(const char *db_path, const io_server_options *o, io_server **out,
                    char **err);
/* The bound TCP port (useful with port 0). */
int io_server_port(const io_server *s);
/* Stop accepting, finish the open requests, kill running solves, close the
 * store and free the server.  NULL is a no-op. */
void io_server_stop(io_server *s);

/* ----------------------------------------------------------------- CLI */

/* Run the cohort command line; returns the process exit code. */
int io_cli_main(int argc, char **argv);

#endif
