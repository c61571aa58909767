/*
 * export.h - a planned schedule in the formats other tools read
 * (io/export/): iCalendar (RFC 5545), CSV (RFC 4180), a FHIR R4 Bundle and
 * a printable HTML page.  Format notes and a how-to: docs/EXPORTS.md.
 *
 * Every writer takes a validated, resolved instance (names, types, the
 * horizon, closed dates) and one of its solutions (groups, dated sessions,
 * covers, unplaced patients) and writes text (malloc'd, NUL-terminated,
 * owned by the caller) or, for FHIR, a Jansson tree (owned by the caller).
 * Writers never change their inputs.  They return IO_OK, IO_EINVAL (NULL
 * argument, or a scope naming nobody in the instance) or IO_ENOMEM.
 *
 * Output depends only on the inputs and the options (no clock is read):
 * the same schedule always exports to the same bytes, so UIDs and UUIDs
 * are stable across exports and calendar subscriptions update in place.
 */
#ifndef COHORT_EXPORT_H
#define COHORT_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "io.h"

struct json_t;

/* Whose schedule: the whole program, or one facilitator, room or patient. */
typedef enum {
    IO_SCOPE_PROGRAM = 0,
    IO_SCOPE_FACILITATOR,
    IO_SCOPE_ROOM,
    IO_SCOPE_PATIENT
} io_scope_kind;

typedef struct io_export_scope {
    io_scope_kind kind;
    const char *id; /* borrowed; NULL for the program */
} io_export_scope;

/* Parse "facilitator:ID", "room:ID", "patient:ID" or "program" (NULL or ""
 * = program) into *out (id points into s).  With inst, the id must name a
 * facilitator / room / patient of it.  IO_OK, or IO_EINVAL with a message
 * (naming the bad part) in err.  *out untouched on failure. */
int io_export_scope_parse(const char *s, const model_instance *inst, io_export_scope *out,
                          char err[160]);

/* CSV tables. */
typedef enum { IO_CSV_ROSTERS = 0, IO_CSV_SESSIONS, IO_CSV_UNPLACED } io_csv_table;
/* "rosters" | "sessions" | "unplaced" -> table, or -1. */
int io_csv_table_parse(const char *s);

/* Printable pages. */
typedef enum { IO_PAGES_WEEK = 0, IO_PAGES_FACILITATOR } io_pages;
/* "week" | "facilitator" -> pages, or -1. */
int io_pages_parse(const char *s);

typedef struct io_export_options {
    io_export_scope scope; /* [program] */
    long long stamp;       /* iCalendar DTSTAMP, Unix seconds [0] */
    io_csv_table table;    /* CSV: which table [rosters] */
    bool bom;              /* CSV: start with a UTF-8 byte order mark [false] */
    io_pages pages;        /* HTML: a page per week or per facilitator [week] */
    int utc_offset_min;    /* FHIR: the clinic's offset from UTC, minutes
                              (instants need one; the instance has no time
                              zone) [0] */
    const int *day_offsets; /* FHIR: per horizon day (index = date - horizon
                               start), the offset at noon; overrides
                               utc_offset_min (see io_export_tz_offsets) [NULL] */
    int n_day_offsets;
} io_export_options;

/* Fill o with the defaults in brackets. */
void io_export_options_default(io_export_options *o);

/* Parse a UTC offset "+HH:MM" / "-HH:MM" / "Z" into minutes (-14:00..+14:00).
 * IO_OK or IO_EINVAL (*out untouched). */
int io_export_utc_offset_parse(const char *s, int *out);

/* The UTC offset (minutes) of every day of inst's horizon at noon in the
 * IANA time zone tz (e.g. "America/New_York"), so FHIR instants follow
 * daylight saving time.  Sets the process's TZ while it runs (not for
 * threaded callers: the command line only).  *out: malloc'd, *n = horizon
 * days.  IO_OK, IO_EINVAL (no such zone in /usr/share/zoneinfo) or
 * IO_ENOMEM. */
int io_export_tz_offsets(const char *tz, const model_instance *inst, int **out, int *n);

/* iCalendar: one VCALENDAR; per running group of the scope one recurring
 * VEVENT (RRULE weekly / biweekly INTERVAL=2, UNTIL the horizon's last
 * day, EXDATE for every date the rule names on which the scope has no
 * session: closed dates, time off, ...), an override VEVENT (RECURRENCE-ID)
 * for each session that differs from the group's pattern (covered:
 * "covered by NAME"; uncovered: flagged), and single VEVENTs for sessions
 * of groups the scope only joins now and then (a cover).  Floating local
 * times (the instance has no time zone), CRLF, lines folded at 75 octets. */
int io_export_ics(const model_instance *inst, const model_solution *sol,
                  const io_export_options *o, char **out);

/* One CSV field appended to f, after a comma unless first: quoted when it holds a
 * comma, a quote, CR or LF (quotes doubled); NULL or "" is empty.  A text
 * that starts with = + - @ TAB or CR would be run as a formula by
 * spreadsheet programs (CSV injection): it gets a leading apostrophe,
 * which they show as text and do not display.  Every CSV cohort writes
 * (exports, census) goes through this. */
void io_csv_field(io_buf *f, int first, const char *s);

/* CSV (RFC 4180): header row, CRLF, UTF-8, fields quoted when they hold a
 * comma, quote, CR or LF (quotes doubled); o->table picks the table. */
int io_export_csv(const model_instance *inst, const model_solution *sol,
                  const io_export_options *o, char **out);

/* FHIR R4 Bundle of type collection (see docs/EXPORTS.md for the mapping):
 * HealthcareService per group type, Location per room, Practitioner and
 * PractitionerRole per facilitator, Patient per member, Schedule per
 * running group, Slot and Appointment per session; fullUrl urn:uuid with
 * deterministic UUIDs, every reference names an entry of the bundle. */
int io_export_fhir(const model_instance *inst, const model_solution *sol,
                   const io_export_options *o, struct json_t **out);

/* Printable HTML (self-contained, inline CSS, a print stylesheet): one page
 * per week or per facilitator. */
int io_export_html(const model_instance *inst, const model_solution *sol,
                   const io_export_options *o, char **out);

/* Formats by name: "ics", "csv", "fhir", "html".  Writes the export as
 * text (FHIR: indented JSON) and its media type.  IO_EINVAL for an unknown
 * format name; else as the writers. */
int io_export_render(const char *format, const model_instance *inst, const model_solution *sol,
                     const io_export_options *o, char **out, const char **content_type);

/* ------------------------------------------------ subscribed calendars */
/* io/store/calendars.c: revocable per-calendar secrets, so that calendar
 * applications (which cannot send a bearer token) can subscribe to
 * GET /v1/calendars/SECRET.ics.  Only the SHA-256 of a secret is stored. */

/* Create a calendar for a program: scope text ("facilitator:ID", ...,
 * "program"), version (0 = the published schedule at each fetch, -1 =
 * published else latest, N = that version).  The secret (43 URL-safe
 * characters) is returned once in *secret (malloc'd); *id_out may be NULL.
 * IO_STORE_ENOTFOUND when the program does not exist. */
int io_calendar_create(io_store *s, const char *program, const char *scope, int version,
                       long actor, char **secret, long *id_out);
/* The program's calendars as JSON [{"id","for","version","created",
 * "revoked"}] (never the secrets).  IO_STORE_ENOTFOUND (no program). */
int io_calendar_list(io_store *s, const char *program, char **json, io_page *pg);
/* Revoke one.  IO_STORE_ENOTFOUND when unknown or already revoked. */
int io_calendar_revoke(io_store *s, const char *program, long id, long actor);
/* Look a presented secret up: IO_OK with the program (malloc'd), scope
 * (malloc'd) and version of a live calendar, else IO_STORE_ENOTFOUND. */
int io_calendar_lookup(io_store *s, const char *secret, char **program, char **scope,
                       int *version);

/* ---------------------------------------------------------- HTTP side */
/* io/http/handlers_export.c: the export routes without the HTTP plumbing,
 * so that the server's route table calls them in a few lines. */

typedef struct io_export_reply {
    int status;               /* HTTP status */
    char *body;               /* malloc'd; for errors a message (not JSON) */
    const char *content_type; /* for 2xx; NULL = application/json */
    const char *error_param;  /* errors: the query parameter at fault */
} io_export_reply;

/* Query parameters of an export. */
typedef struct io_export_query {
    const char *format, *scope, *table, *pages, *bom, *utc_offset;
} io_export_query;

/* GET /v1/programs/{program}/schedules/{version}/export. */
void io_export_http_schedule(io_store *s, const char *program, const char *version,
                             const io_export_query *q, io_export_reply *r);
/* POST /v1/programs/{program}/calendars with {"for","version"}. */
void io_export_http_calendar_create(io_store *s, const char *program, const char *body,
                                    size_t len, long actor, io_export_reply *r);
/* DELETE /v1/programs/{program}/calendars/{calendar}. */
void io_export_http_calendar_delete(io_store *s, const char *program, const char *id,
                                    long actor, io_export_reply *r);
/* GET /v1/calendars/{secret}.ics (no token: the secret is the credential). */
void io_export_http_calendar_feed(io_store *s, const char *secret_ics, io_export_reply *r);

#endif
