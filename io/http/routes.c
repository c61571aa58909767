/*
 * routes.c - The route table: every HTTP route as one row (method, path
 * template, least role, handler, OpenAPI text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* ------------------------------------------------------------ routes */

#define E_ALL "400,404,413"
#define ENTITY_ROUTES(coll, one, schema)                                                           \
    {"GET", "/v1/programs/{program}/" coll, IO_ROLE_VIEWER, h_entity_list, "list_" coll,        \
     "List the program's " coll " by id", NULL, 200, "array:" schema, NULL, "400,404"},         \
        {"POST", "/v1/programs/{program}/" coll, IO_ROLE_ADMIN, h_entity_create,                \
         "create_" one,                                                                        \
         "Add one entry to " coll "; the program is re-validated (400 with every error)",       \
         schema, 201, schema, NULL, "400,404,409,413"},                                         \
        {"GET", "/v1/programs/{program}/" coll "/{id}", IO_ROLE_VIEWER, h_entity_get,           \
         "get_" one, "One entry of " coll, NULL, 200, schema, NULL, "404"},                   \
        {"PUT", "/v1/programs/{program}/" coll "/{id}", IO_ROLE_ADMIN, h_entity_put,            \
         "replace_" one,                                                                       \
         "Replace one entry of " coll " (the body's id, when given, must match); re-validated", \
         schema, 200, schema, NULL, "400,404,412,413"},                                         \
        {"PATCH", "/v1/programs/{program}/" coll "/{id}", IO_ROLE_ADMIN, h_entity_patch,        \
         "update_" one,                                                                        \
         "Change one entry of " coll " with a JSON Merge Patch (RFC 7396; null removes a "     \
         "field); re-validated",                                                                \
         schema, 200, schema, NULL, "400,404,409,412,413,415"},                                 \
        {"DELETE", "/v1/programs/{program}/" coll "/{id}", IO_ROLE_ADMIN, h_entity_delete,      \
         "delete_" one,                                                                        \
         "Delete one entry of " coll " (400 when the rest of the program still refers to it)",  \
         NULL, 204, NULL, NULL, "400,404,412"}

const route ROUTES[] = {
    {"GET", "/v1/health", IO_ROLE_NONE, h_health, "get_health", "Liveness, versions and job counts",
     NULL, 200, "Health", NULL, ""},
    {"GET", "/v1/whoami", IO_ROLE_VIEWER, h_whoami, "get_whoami",
     "The token's own id and role (what the console offers depends on it)", NULL, 200, "Whoami",
     NULL, ""},
    {"GET", "/v1/openapi.json", IO_ROLE_NONE, h_openapi, "get_openapi", "This OpenAPI document", NULL,
     200, "OpenApiDocument", NULL, ""},
    {"POST", "/v1/validate", IO_ROLE_VIEWER, h_validate, "validate_instance",
     "Validate an instance: 200 with the report when valid (warnings allowed), 400 with every "
     "error and its path when not",
     "InstanceRequest", 200, "Diagnostics", NULL, "400,413"},
    {"POST", "/v1/plan", IO_ROLE_COORDINATOR, h_plan, "plan_instance",
     "Plan the quarter for an instance (solved in a child process within the time limit). "
     "Answers the solution (200), or with ?async=true a job (202)",
     "PlanRequest", 200, "Solution", "async:true = answer 202 with a job id at once", "400,413,500,503"},
    {"POST", "/v1/check", IO_ROLE_VIEWER, h_check, "check_solution",
     "Check a solution against its instance: every hard rule it breaks and every figure it "
     "misreports (what `cohort check --json` prints; 200 also when there are violations: see "
     "status)",
     "CheckRequest", 200, "CheckReport", NULL, "400,413"},
    {"POST", "/v1/fill", IO_ROLE_COORDINATOR, h_fill, "fill_seats",
     "A seat opened (dropped, graduated), a hold, a return or a referral: rank the waitlisted "
     "patients for each opened seat (what `cohort fill --json` prints); with \"apply\": true "
     "the top ones are placed and the answer also has the updated solution and instance",
     "FillRequest", 200, "FillReport", NULL, "400,413"},
    {"POST", "/v1/whatif", IO_ROLE_COORDINATOR, h_whatif, "compare_scenarios",
     "Plan the baseline and each scenario (in parallel child processes) and compare them (what "
     "`cohort whatif` prints). Answers the comparison (200), or with ?async=true a job (202)",
     "WhatifRequest", 200, "WhatifReport", "async:true = answer 202 with a job id at once",
     "400,413,500,503"},
    {"GET", "/v1/programs", IO_ROLE_VIEWER, h_programs_list, "list_programs",
     "Stored programs with entity counts and schedule versions", NULL, 200, "array:ProgramSummary",
     NULL, ""},
    {"POST", "/v1/programs", IO_ROLE_ADMIN, h_programs_create, "create_program",
     "Store a program from an instance (validated; 400 with every error)", "ProgramCreate", 201,
     "ProgramRef", "id:program id (default: from the program name)", "400,409,413"},
    {"GET", "/v1/programs/{program}", IO_ROLE_VIEWER, h_program_get, "get_program",
     "The stored program as an instance (what `cohort export` writes)", NULL, 200, "Instance",
     NULL, "404"},
    {"PUT", "/v1/programs/{program}", IO_ROLE_ADMIN, h_program_put, "replace_program",
     "Replace the whole program with an instance (validated)", "InstanceRequest", 200,
     "ProgramRef", NULL, "400,404,412,413"},
    {"DELETE", "/v1/programs/{program}", IO_ROLE_ADMIN, h_program_delete, "delete_program",
     "Delete a program with its history and schedules (the audit trail stays)", NULL, 204, NULL,
     NULL, "404,412"},
    ENTITY_ROUTES("group_types", "group_type", "GroupType"),
    ENTITY_ROUTES("groups", "group", "Group"),
    ENTITY_ROUTES("rooms", "room", "Room"),
    ENTITY_ROUTES("facilitators", "facilitator", "Facilitator"),
    ENTITY_ROUTES("patients", "patient", "Patient"),
    {"POST", "/v1/programs/{program}/plan", IO_ROLE_COORDINATOR, h_program_plan, "plan_program",
     "Solve the stored program as a job (202); when it finds a schedule (a relaxed plan of an "
     "infeasible program included) it is saved as the next "
     "schedule version (the job's \"version\")",
     "ProgramPlanRequest", 202, "JobAccepted", NULL, "400,404,413,503"},
    {"POST", "/v1/programs/{program}/events", IO_ROLE_COORDINATOR, h_events_post,
     "record_events",
     "Record roster events (all or nothing): rosters and the waitlist change, each event joins "
     "the status history; the answer ranks the waitlist for every opened seat and referral "
     "against the published (else latest) schedule (\"suggestions\", as POST /v1/fill)",
     "EventsRequest", 201, "EventsResult", NULL, "400,404,413"},
    {"GET", "/v1/programs/{program}/events", IO_ROLE_VIEWER, h_events_get, "list_events",
     "Roster status history, oldest first", NULL, 200, "array:HistoryEntry",
     "patient:only this patient|group:only this group", "404"},
    {"POST", "/v1/programs/{program}/attendance", IO_ROLE_COORDINATOR, h_attendance_post,
     "record_attendance",
     "Record one session's attendance (all or nothing): {group, date, marks: [{patient, "
     "status}]} or {group, date, cancelled: {reason}}; \"correct\": true replaces marks. "
     "400 naming the field for a date that is not a session, a non-member or a mark recorded "
     "twice. The answer has every member's no-show flags",
     "AttendanceRequest", 201, "AttendanceResult", NULL, "400,404,413"},
    {"GET", "/v1/programs/{program}/attendance", IO_ROLE_VIEWER, h_attendance_get,
     "list_attendance",
     "Recorded attendance by date (a day's marks, then the clinic's cancellations, as "
     "recorded)",
     NULL, 200, "array:AttendanceMark", "group:only this group|patient:only this patient",
     "400,404"},
    {"GET", "/v1/programs/{program}/attendance/flags", IO_ROLE_VIEWER, h_attendance_flags,
     "attendance_flags",
     "Who needs a call: members flagged by settings.no_show_policy (review, recommend_drop), "
     "with the reasons",
     NULL, 200, "AttendanceFlags", "group:only this group|all:true = every current member",
     "404"},
    {"POST", "/v1/programs/{program}/attendance/confirm", IO_ROLE_COORDINATOR,
     h_attendance_confirm, "confirm_attendance_action",
     "A person confirms a drop (or an administrative hold) of a member: recorded as the roster "
     "event; the answer ranks the waitlist for the opened seat (as POST .../events)",
     "AttendanceConfirm", 201, "ConfirmResult", NULL, "400,404,413"},
    {"GET", "/v1/programs/{program}/roster", IO_ROLE_VIEWER, h_roster, "pre_session_roster",
     "The facilitator's roster of a dated session: the members expected, each with the last 4 "
     "weeks of attendance and flags (on hold, flagged for review, authorization expiring this "
     "week, visit cap within 2 sessions)",
     NULL, 200, "Roster", "group:the group (required)|date:the session date (required)",
     "400,404"},
    {"GET", "/v1/programs/{program}/authorizations/expiring", IO_ROLE_VIEWER,
     h_authorizations_expiring, "authorizations_expiring",
     "Payer authorizations that run out (units used by attended sessions, or dates) within two "
     "weeks",
     NULL, 200, "AuthorizationsExpiring",
     "today:the date to count from (default today)|within_days:0..366 (default 14)", "400,404"},
    {"GET", "/v1/programs/{program}/census", IO_ROLE_VIEWER, h_census, "census",
     "Census and billing of a week or a month per group, type and facilitator: enrolled and "
     "active, sessions held and cancelled, attended member-sessions, attendance and no-show "
     "rates, utilisation, billable units per CPT, projected against actual revenue, waitlist "
     "depth per type (CSV: cohort census --csv)",
     NULL, 200, "Census",
     "period:week or month (required)|start:a Monday YYYY-MM-DD or a month YYYY-MM (required)",
     "400,404"},
    {"GET", "/v1/programs/{program}/waitlist", IO_ROLE_VIEWER, h_waitlist, "waitlist",
     "Waitlist position and expected wait (with a range, and what the estimate rests on) per "
     "waitlisted patient and group type they can join",
     NULL, 200, "array:WaitlistEntry", "patient:only this patient", "400,404"},
    {"GET", "/v1/programs/{program}/seats/{group}/candidates", IO_ROLE_VIEWER,
     h_seat_candidates, "seat_candidates",
     "The open seats of a group against the saved schedule and the ranked candidates for the "
     "seat a departed member left (as fill ranks it)",
     NULL, 200, "SeatCandidates", NULL, "404"},
    {"POST", "/v1/programs/{program}/offers", IO_ROLE_COORDINATOR, h_offer_create,
     "create_offer",
     "Offer an open seat to a ranked candidate {group, patient, at?}: one open offer per seat "
     "and per patient; it expires after settings.offer_ttl_hours. 400 naming the field when "
     "no seat is open or the patient cannot take it",
     "OfferCreate", 201, "OfferCreated", NULL, "400,404,413"},
    {"GET", "/v1/programs/{program}/offers", IO_ROLE_VIEWER, h_offers_list, "list_offers",
     "Seat offers with their contact attempts; offers due are expired first and the answer "
     "ranks the next candidates for their seats (expired_now)",
     NULL, 200, "OffersList",
     "group:only this group|patient:only this patient|at:the time to expire against (default "
     "now)",
     "400,404"},
    {"POST", "/v1/programs/{program}/offers/{offer}/decision", IO_ROLE_COORDINATOR,
     h_offer_decide, "decide_offer",
     "The patient's answer {decision: accepted | declined, reason?, at?}: accepting places the "
     "patient (the placed event's rules); declining answers the next candidates. 400 for an "
     "offer expired or no longer open",
     "OfferDecision", 200, "OfferDecided", NULL, "400,404,413"},
    {"POST", "/v1/programs/{program}/offers/{offer}/contacts", IO_ROLE_COORDINATOR,
     h_offer_contact, "record_contact",
     "Record a contact attempt {channel, outcome, note?, at?}; answers the offer's attempts",
     "ContactCreate", 201, "OfferContacts", NULL, "400,404,413"},
    {"GET", "/v1/programs/{program}/schedules", IO_ROLE_VIEWER, h_schedules_list,
     "list_schedules", "Saved schedule versions", NULL, 200, "array:ScheduleSummary", NULL, "404"},
    {"POST", "/v1/programs/{program}/schedules", IO_ROLE_COORDINATOR, h_schedule_post,
     "save_schedule",
     "Save a schedule made elsewhere (a solution) as the next version; refused (400, with the "
     "checker's violations) when it breaks a hard rule of the stored program",
     "Solution", 201, "ScheduleSaved", NULL, "400,404,413"},
    {"GET", "/v1/programs/{program}/schedules/{version}", IO_ROLE_VIEWER, h_schedule_get,
     "get_schedule",
     "One saved schedule (a solution); version is a number, \"published\" or \"newest\" "
     "(header X-Schedule-Version names it)",
     NULL, 200, "Solution", NULL, "404"},
    {"POST", "/v1/programs/{program}/schedules/{version}/publish", IO_ROLE_COORDINATOR,
     h_schedule_publish, "publish_schedule",
     "Publish a schedule version (the previously published one is unpublished)", NULL, 200,
     "Published", NULL, "404"},
    {"GET", "/v1/programs/{program}/schedules/{version}/export", IO_ROLE_VIEWER, h_export,
     "export_schedule",
     "A saved schedule as iCalendar (text/calendar), CSV (text/csv), a FHIR R4 Bundle "
     "(application/fhir+json) or printable HTML (text/html); see docs/EXPORTS.md",
     NULL, 200, NULL,
     "format:ics, csv, fhir or html (required)|for:program (default), facilitator:ID, room:ID "
     "or patient:ID|table:csv: rosters (default), sessions or unplaced|pages:html: week "
     "(default) or facilitator|bom:csv: true = start with a UTF-8 byte order mark|utc_offset:"
     "fhir: the clinic's UTC offset, +HH:MM",
     "400,404"},
    {"GET", "/v1/programs/{program}/calendars", IO_ROLE_VIEWER, h_calendar_list,
     "list_calendars", "Calendar subscriptions of the program (never their secrets)", NULL, 200,
     "array:Calendar", NULL, "404"},
    {"POST", "/v1/programs/{program}/calendars", IO_ROLE_COORDINATOR, h_calendar_create,
     "create_calendar",
     "Create a calendar subscription {\"for\": \"facilitator:ID\", \"version\": \"published\"}: "
     "the answer's url (/v1/calendars/SECRET.ics, shown once) needs no token",
     "CalendarCreate", 201, "CalendarCreated", NULL, "400,404"},
    {"DELETE", "/v1/programs/{program}/calendars/{calendar}", IO_ROLE_COORDINATOR,
     h_calendar_delete, "revoke_calendar", "Revoke a calendar subscription (its URL stops working)",
     NULL, 204, NULL, NULL, "404"},
    {"GET", "/v1/calendars/{secret}", IO_ROLE_NONE, h_calendar_feed, "get_calendar_feed",
     "A subscribed calendar (text/calendar): {secret} is SECRET.ics from create_calendar; the "
     "secret is the credential",
     NULL, 200, NULL, NULL, "404"},
    {"GET", "/v1/jobs/{job}", IO_ROLE_VIEWER, h_job_get, "get_job",
     "A job's status; when done its result (and, for a stored plan, the saved version)", NULL,
     200, "Job", NULL, "404"},
    {"DELETE", "/v1/jobs/{job}", IO_ROLE_COORDINATOR, h_job_delete, "cancel_job",
     "Stop a queued or running job (its solver process is killed); answers its status", NULL,
     200, "Job", NULL, "404"},
    {"GET", "/v1/tokens", IO_ROLE_ADMIN, h_tokens_list, "list_tokens",
     "API tokens (never their secrets or hashes)", NULL, 200, "array:Token", NULL, ""},
    {"POST", "/v1/tokens", IO_ROLE_ADMIN, h_tokens_create, "create_token",
     "Create a token; its secret is in this answer only", "TokenCreate", 201, "TokenCreated",
     NULL, "400,413"},
    {"DELETE", "/v1/tokens/{token}", IO_ROLE_ADMIN, h_token_delete, "revoke_token",
     "Revoke a token", NULL, 204, NULL, NULL, "404"},
    {"GET", "/v1/audit", IO_ROLE_ADMIN, h_audit, "list_audit_entries",
     "Audit trail, newest first: who (token id), when, what, before and after", NULL, 200,
     "array:AuditEntry", "program:only this program|limit:deprecated: page_size", "400"},
};
const int N_ROUTES = (int)(sizeof ROUTES / sizeof ROUTES[0]);

int route_paged(const route *rt)
{
    return rt->response && strncmp(rt->response, "array:", 6) == 0;
}
