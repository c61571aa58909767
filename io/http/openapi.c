/*
 * openapi.c - The OpenAPI document of the HTTP API, generated from the route
 * table ROUTES[].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* ----------------------------------------------------------- OpenAPI */

/* Schemas and shared responses; the paths are generated from ROUTES[]. */
static const char COMPONENTS[] =
    "{\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\","
    "\"description\":\"A token from `cohort token create --role admin|coordinator|viewer` or "
    "POST /v1/tokens. viewer reads; coordinator also records events, plans, publishes and "
    "cancels jobs; admin also manages programs, their entities and tokens.\"}},"
    "\"schemas\":{"
    "\"Problem\":{\"type\":\"object\",\"description\":\"Every error (RFC 9457, "
    "application/problem+json).\",\"required\":[\"type\",\"title\",\"status\",\"detail\"],"
    "\"properties\":{\"type\":{\"type\":\"string\",\"example\":\"about:blank\"},"
    "\"title\":{\"type\":\"string\",\"description\":\"the status's reason phrase\","
    "\"example\":\"Not Found\"},\"status\":{\"type\":\"integer\",\"example\":404},"
    "\"detail\":{\"type\":\"string\",\"example\":\"no such program\"},"
    "\"instance\":{\"type\":\"string\"},"
    "\"errors\":{\"type\":\"array\",\"description\":\"validation: every offending value "
    "with its JSON path in the request body (or the query parameter, or the checker's "
    "entity)\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}},"
    "\"warnings\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}},"
    "\"violations\":{\"type\":\"array\",\"description\":\"save-schedule: the checker's hard "
    "rule violations\",\"items\":{\"$ref\":\"#/components/schemas/Violation\"}}}},"
    "\"Violation\":{\"type\":\"object\",\"required\":[\"rule\",\"entity\",\"message\"],"
    "\"properties\":{\"rule\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10},"
    "\"entity\":{\"type\":\"string\",\"example\":\"group:G1\"},\"message\":{\"type\":"
    "\"string\"}}},"
    "\"Issue\":{\"type\":\"object\",\"required\":[\"path\",\"message\"],\"properties\":{"
    "\"path\":{\"type\":\"string\",\"example\":\"instance.patients[12].available[0].to\"},"
    "\"message\":{\"type\":\"string\"}}},"
    "\"Diagnostics\":{\"type\":\"object\",\"description\":\"What `cohort validate --json` "
    "prints (a valid instance; an invalid one is a 400 problem).\",\"required\":[\"status\","
    "\"errors\",\"warnings\"],\"properties\":{"
    "\"status\":{\"type\":\"string\",\"enum\":[\"valid\",\"invalid\"]},"
    "\"errors\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}},"
    "\"warnings\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}}}},"
    "\"Window\":{\"type\":\"object\",\"required\":[\"day\",\"from\",\"to\"],\"properties\":{"
    "\"day\":{\"type\":\"string\",\"enum\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\","
    "\"sun\"]},\"from\":{\"type\":\"string\",\"example\":\"09:00\"},"
    "\"to\":{\"type\":\"string\",\"example\":\"17:00\"}}},"
    "\"Instance\":{\"type\":\"object\",\"description\":\"A program instance (docs/FORMAT.md; "
    "field names as in the SPEC).\",\"required\":[\"program\"],\"properties\":{"
    "\"program\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
    "\"horizon\":{\"type\":\"object\",\"properties\":{\"start\":{\"type\":\"string\","
    "\"format\":\"date\"},\"weeks\":{\"type\":\"integer\"}}},"
    "\"days\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"slot_starts\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"closed_dates\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"format\":\"date\"}}}},"
    "\"settings\":{\"type\":\"object\"},"
    "\"group_types\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/GroupType\"}},"
    "\"groups\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Group\"}},"
    "\"rooms\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Room\"}},"
    "\"facilitators\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
    "Facilitator\"}},"
    "\"patients\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Patient\"}}}},"
    "\"GroupType\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"cpt\":{\"type\":\"string\"},"
    "\"rate\":{\"type\":\"number\"},\"duration_min\":{\"type\":\"integer\"},"
    "\"min_size\":{\"type\":\"integer\"},\"max_size\":{\"type\":\"integer\"},"
    "\"required_credentials\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"cofacilitation\":{\"type\":\"boolean\"},"
    "\"cofacilitator_credentials\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"diagnoses\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"modality\":{\"type\":\"string\",\"enum\":[\"in_person\",\"telehealth\"]},"
    "\"room_features\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"cadence\":{\"type\":\"string\",\"enum\":[\"weekly\",\"biweekly\"]},"
    "\"age_min\":{\"type\":\"integer\"},\"age_max\":{\"type\":\"integer\"},"
    "\"gender\":{\"type\":\"string\"},\"composition\":{\"type\":\"object\",\"properties\":{"
    "\"max_new_share\":{\"type\":\"number\"},\"max_high_acuity\":{\"type\":\"integer\"},"
    "\"max_age_spread\":{\"type\":\"integer\"}}}}},"
    "\"Member\":{\"type\":\"object\",\"required\":[\"patient\",\"status\"],\"properties\":{"
    "\"patient\":{\"type\":\"string\"},\"status\":{\"type\":\"string\",\"enum\":[\"active\","
    "\"hold_clinical\",\"hold_admin\",\"graduated\",\"dropped\"]},"
    "\"since\":{\"type\":\"string\",\"format\":\"date\"}}},"
    "\"Group\":{\"type\":\"object\",\"required\":[\"id\",\"type\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"},"
    "\"optional\":{\"type\":\"boolean\"},\"pinned\":{\"type\":\"object\",\"properties\":{"
    "\"day\":{\"type\":\"string\"},\"start\":{\"type\":\"string\"},\"room\":{\"type\":\"string\"},"
    "\"facilitators\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"substitute\":{\"type\":\"string\"}}},"
    "\"members\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Member\"}}}},"
    "\"Room\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"capacity\":{\"type\":\"integer\"},"
    "\"features\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"available\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Window\"}},"
    "\"site\":{\"type\":\"string\"}}},"
    "\"Facilitator\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},"
    "\"credentials\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"available\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Window\"}},"
    "\"max_per_day\":{\"type\":\"integer\"},\"max_per_week\":{\"type\":\"integer\"},"
    "\"time_off\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
    "\"from\":{\"type\":\"string\",\"format\":\"date\"},\"to\":{\"type\":\"string\","
    "\"format\":\"date\"}}}}}},"
    "\"Patient\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"diagnoses\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"string\"}},\"group_types\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"available\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Window\"}},"
    "\"added\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"acuity\":{\"type\":\"string\",\"enum\":[\"low\",\"moderate\",\"high\"]},"
    "\"age\":{\"type\":\"integer\"},\"gender\":{\"type\":\"string\"},"
    "\"modality\":{\"type\":\"string\",\"enum\":[\"in_person\",\"telehealth\",\"either\"]},"
    "\"screened\":{\"type\":\"boolean\"},\"insurance_verified\":{\"type\":\"boolean\"},"
    "\"priority\":{\"type\":\"integer\",\"minimum\":0}}},"
    "\"InstanceRequest\":{\"description\":\"An instance, or {\\\"instance\\\": instance}.\","
    "\"oneOf\":[{\"$ref\":\"#/components/schemas/Instance\"},{\"type\":\"object\","
    "\"required\":[\"instance\"],\"properties\":{\"instance\":{\"$ref\":\"#/components/schemas/"
    "Instance\"}}}]},"
    "\"PlanRequest\":{\"description\":\"An instance, or {\\\"instance\\\", options}.\","
    "\"oneOf\":[{\"$ref\":\"#/components/schemas/Instance\"},{\"type\":\"object\","
    "\"required\":[\"instance\"],\"properties\":{\"instance\":{\"$ref\":\"#/components/schemas/"
    "Instance\"},\"time_limit_s\":{\"type\":\"number\",\"description\":\"overrides "
    "settings.time_limit_s\"},\"mip_gap\":{\"type\":\"number\"},\"baseline\":{\"$ref\":"
    "\"#/components/schemas/Solution\",\"description\":\"re-plan with fewest changes against "
    "this solution\"}}}]},"
    "\"ProgramCreate\":{\"description\":\"An instance, or {\\\"id\\\", \\\"instance\\\"}.\","
    "\"oneOf\":[{\"$ref\":\"#/components/schemas/Instance\"},{\"type\":\"object\","
    "\"required\":[\"instance\"],\"properties\":{\"id\":{\"type\":\"string\",\"pattern\":"
    "\"^[A-Za-z0-9._-]{1,64}$\"},\"instance\":{\"$ref\":\"#/components/schemas/Instance\"}}}]},"
    "\"ProgramRef\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
    "\"href\":{\"type\":\"string\"}}},"
    "\"ProgramSummary\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
    "\"name\":{\"type\":\"string\"},\"created\":{\"type\":\"string\"},\"updated\":{\"type\":"
    "\"string\"},\"counts\":{\"type\":\"object\",\"additionalProperties\":{\"type\":"
    "\"integer\"}},\"schedules\":{\"type\":\"integer\"},\"published\":{\"type\":\"integer\","
    "\"nullable\":true}}},"
    "\"ProgramPlanRequest\":{\"type\":\"object\",\"description\":\"Optional (an empty body "
    "is fine).\",\"properties\":{\"time_limit_s\":{\"type\":\"number\"},\"mip_gap\":{\"type\":"
    "\"number\"},\"baseline\":{\"description\":\"re-plan with fewest changes against a saved "
    "version: a number, \\\"published\\\" or \\\"newest\\\"\",\"oneOf\":[{\"type\":"
    "\"integer\"},{\"type\":\"string\"}]}}},"
    "\"Solution\":{\"type\":\"object\",\"description\":\"What `cohort plan` writes (SPEC "
    "Outputs).\",\"properties\":{\"status\":{\"type\":\"string\",\"enum\":[\"optimal\","
    "\"feasible\",\"infeasible\",\"time_limit\",\"invalid\"]},\"objective\":{\"type\":"
    "\"number\"},\"bound\":{\"type\":\"number\"},\"gap\":{\"type\":\"number\"},"
    "\"solve_seconds\":{\"type\":\"number\"},\"objective_terms\":{\"type\":\"object\"},"
    "\"groups\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
    "\"sessions\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
    "\"unplaced\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
    "\"metrics\":{\"type\":\"object\"},\"diagnosis\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"string\"}}}},"
    "\"Event\":{\"type\":\"object\",\"required\":[\"event\"],\"properties\":{"
    "\"event\":{\"type\":\"string\",\"enum\":[\"dropped\",\"graduated\",\"hold_clinical\","
    "\"hold_admin\",\"returned\",\"placed\",\"referral\"]},\"group\":{\"type\":\"string\","
    "\"description\":\"all but referral\"},\"patient\":{\"description\":\"a patient id; for a "
    "referral the new patient object (added defaults to date)\",\"oneOf\":[{\"type\":"
    "\"string\"},{\"$ref\":\"#/components/schemas/Patient\"}]},\"date\":{\"type\":\"string\","
    "\"format\":\"date\",\"description\":\"default: today (UTC)\"}}},"
    "\"EventsRequest\":{\"description\":\"One event, an array, or {\\\"events\\\": [...]}.\","
    "\"oneOf\":[{\"$ref\":\"#/components/schemas/Event\"},{\"type\":\"array\",\"items\":"
    "{\"$ref\":\"#/components/schemas/Event\"}},{\"type\":\"object\",\"required\":[\"events\"],"
    "\"properties\":{\"events\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
    "Event\"}}}}]},"
    "\"EventsResult\":{\"type\":\"object\",\"properties\":{\"recorded\":{\"type\":\"array\","
    "\"items\":{\"$ref\":\"#/components/schemas/HistoryEntry\"}},\"schedule_version\":{"
    "\"type\":\"integer\",\"description\":\"the schedule the suggestions are ranked "
    "against\"},\"suggestions\":{\"nullable\":true,\"allOf\":[{\"$ref\":\"#/components/"
    "schemas/FillReport\"}],\"description\":\"null when no schedule is saved (see note) "
    "or fill refused the events (see errors)\"},\"note\":{\"type\":\"string\"},"
    "\"errors\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}}}},"
    "\"CheckRequest\":{\"type\":\"object\",\"required\":[\"instance\",\"solution\"],"
    "\"properties\":{\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},"
    "\"solution\":{\"$ref\":\"#/components/schemas/Solution\"}}},"
    "\"CheckReport\":{\"type\":\"object\",\"properties\":{\"status\":{\"type\":"
    "\"string\",\"enum\":[\"ok\",\"violations\"]},\"violations\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\",\"properties\":{\"rule\":{\"type\":\"integer\"},"
    "\"entity\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}}},"
    "\"metrics_mismatches\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"properties\":{\"field\":{\"type\":\"string\"},\"reported\":{\"type\":\"number\"},"
    "\"expected\":{\"type\":\"number\"},\"message\":{\"type\":\"string\"}}}},"
    "\"metrics_compared\":{\"type\":\"boolean\"},\"objective_terms_compared\":{\"type\":"
    "\"boolean\"},\"objective\":{\"type\":\"number\"},\"metrics\":{\"type\":\"object\"},"
    "\"objective_terms\":{\"type\":\"object\"}}},"
    "\"FillRequest\":{\"type\":\"object\",\"required\":[\"instance\",\"solution\","
    "\"events\"],\"properties\":{\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},"
    "\"solution\":{\"$ref\":\"#/components/schemas/Solution\"},\"events\":{\"description\":"
    "\"one event or an array (event: dropped, graduated, hold_clinical, hold_admin, returned, "
    "referral)\",\"oneOf\":[{\"$ref\":\"#/components/schemas/Event\"},{\"type\":\"array\","
    "\"items\":{\"$ref\":\"#/components/schemas/Event\"}}]},\"top_n\":{\"type\":"
    "\"integer\",\"default\":5},\"apply\":{\"type\":\"boolean\",\"default\":false},"
    "\"turnover_per_month\":{\"type\":\"number\"},\"hold_turnover_per_month\":{\"type\":"
    "\"number\"},\"grace_weeks\":{\"type\":\"integer\"}}},"
    "\"FillReport\":{\"type\":\"object\",\"description\":\"What `cohort fill --json` "
    "prints: the events, each opened seat with its ranked candidates and why they fit, "
    "referrals, groups below their minimum, figures before and after; with apply also "
    "solution and instance.\"},"
    "\"WhatifRequest\":{\"type\":\"object\",\"required\":[\"instance\",\"scenarios\"],"
    "\"properties\":{\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},"
    "\"scenarios\":{\"type\":\"array\",\"items\":{\"type\":\"object\"},\"description\":"
    "\"named lists of changes, as in a `cohort whatif` scenario file\"},\"marginal\":{"
    "\"type\":\"boolean\"},\"time_limit_s\":{\"type\":\"number\",\"description\":\"per "
    "plan\"},\"mip_gap\":{\"type\":\"number\"}}},"
    "\"WhatifReport\":{\"type\":\"object\",\"description\":\"What `cohort whatif` prints "
    "as JSON: each scenario's metrics beside the baseline, and the differences.\"},"
    "\"HistoryEntry\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"event\":{\"type\":\"string\"},\"group\":{\"type\":\"string\",\"nullable\":true},"
    "\"patient\":{\"type\":\"string\"},\"status\":{\"type\":\"string\",\"nullable\":true},"
    "\"date\":{\"type\":\"string\",\"nullable\":true},\"actor\":{\"type\":\"integer\","
    "\"nullable\":true},\"at\":{\"type\":\"string\"}}},"
    "\"ScheduleSummary\":{\"type\":\"object\",\"properties\":{\"version\":{\"type\":"
    "\"integer\"},\"status\":{\"type\":\"string\"},\"objective\":{\"type\":\"number\","
    "\"nullable\":true},\"created\":{\"type\":\"string\"},\"published\":{\"type\":"
    "\"boolean\"},\"actor\":{\"type\":\"integer\",\"nullable\":true}}},"
    "\"ScheduleSaved\":{\"type\":\"object\",\"properties\":{\"program\":{\"type\":"
    "\"string\"},\"version\":{\"type\":\"integer\"},\"misreported_figures\":{\"type\":"
    "\"integer\",\"description\":\"metrics the solution states differently from the "
    "checker's recomputation (saved as given)\"},\"href\":{\"type\":\"string\"}}},"
    "\"Published\":{\"type\":\"object\",\"properties\":{\"program\":{\"type\":\"string\"},"
    "\"published\":{\"type\":\"integer\"}}},"
    "\"JobAccepted\":{\"type\":\"object\",\"properties\":{\"job\":{\"type\":\"string\"},"
    "\"status\":{\"type\":\"string\"},\"href\":{\"type\":\"string\"}}},"
    "\"Job\":{\"type\":\"object\",\"properties\":{\"job\":{\"type\":\"string\"},"
    "\"kind\":{\"type\":\"string\"},\"program\":{\"type\":\"string\"},\"status\":{\"type\":"
    "\"string\",\"enum\":[\"queued\",\"running\",\"done\",\"failed\",\"cancelled\"]},"
    "\"created\":{\"type\":\"string\"},\"started\":{\"type\":\"string\"},\"finished\":{\"type\":"
    "\"string\"},\"seconds\":{\"type\":\"number\"},\"error\":{\"type\":\"string\"},"
    "\"version\":{\"type\":\"integer\",\"nullable\":true,\"description\":\"stored plan: the "
    "saved schedule version\"},\"result\":{\"description\":\"when done: the solution\"}}},"
    "\"Health\":{\"type\":\"object\",\"properties\":{\"status\":{\"type\":\"string\"},"
    "\"version\":{\"type\":\"string\"},\"schema_version\":{\"type\":\"integer\"},"
    "\"glpk\":{\"type\":\"string\"},\"jobs\":{\"type\":\"object\"}}},"
    "\"TokenCreate\":{\"type\":\"object\",\"required\":[\"role\"],\"properties\":{"
    "\"role\":{\"type\":\"string\",\"enum\":[\"viewer\",\"coordinator\",\"admin\"]},"
    "\"name\":{\"type\":\"string\"}}},"
    "\"Token\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"name\":{\"type\":\"string\",\"nullable\":true},\"role\":{\"type\":\"string\"},"
    "\"created\":{\"type\":\"string\"},\"revoked\":{\"type\":\"string\",\"nullable\":true}}},"
    "\"TokenCreated\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"role\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"token\":{\"type\":"
    "\"string\",\"description\":\"the secret; shown once, stored as SHA-256 only\"}}},"
    "\"AuditEntry\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"at\":{\"type\":\"string\"},\"actor\":{\"type\":\"integer\",\"nullable\":true,"
    "\"description\":\"token id; null = the local command line\"},\"action\":{\"type\":"
    "\"string\"},\"entity\":{\"type\":\"string\"},\"program\":{\"type\":\"string\","
    "\"nullable\":true},\"before\":{\"nullable\":true},\"after\":{\"nullable\":true}}}"
    "}}";

static const struct {
    const char *code, *name, *description;
} ERROR_RESPONSES[] = {
    {"400", "BadRequest",
     "Malformed JSON, a bad field, or an invalid program: errors[] lists every offending "
     "value with its path"},
    {"401", "Unauthorized", "No bearer token, or an unknown or revoked one"},
    {"403", "Forbidden", "The token's role is not enough for this operation"},
    {"404", "NotFound", "No such program, entity, schedule version, job or token"},
    {"405", "MethodNotAllowed", "The path exists but not with this method (see Allow)"},
    {"409", "Conflict", "The id exists already, or the job was cancelled"},
    {"413", "PayloadTooLarge", "The body is larger than --max-body"},
    {"500", "ServerError", "Internal error (or the solver process failed)"},
    {"503", "Unavailable", "Too many solves are waiting (see Retry-After)"},
};
#define N_ERROR_RESPONSES ((int)(sizeof ERROR_RESPONSES / sizeof ERROR_RESPONSES[0]))

static json_t *schema_ref(const char *s)
{
    char ref[128];
    if (strcmp(s, "object") == 0)
        return json_pack("{s:s}", "type", "object");
    if (strcmp(s, "array:object") == 0)
        return json_pack("{s:s,s:{s:s}}", "type", "array", "items", "type", "object");
    if (strncmp(s, "array:", 6) == 0) {
        snprintf(ref, sizeof ref, "#/components/schemas/%s", s + 6);
        return json_pack("{s:s,s:{s:s}}", "type", "array", "items", "$ref", ref);
    }
    snprintf(ref, sizeof ref, "#/components/schemas/%s", s);
    return json_pack("{s:s}", "$ref", ref);
}

static const char *param_doc(const char *name)
{
    if (strcmp(name, "program") == 0)
        return "Program id";
    if (strcmp(name, "id") == 0)
        return "Entity id (the entry's \"id\")";
    if (strcmp(name, "version") == 0)
        return "Schedule version: a number, \"published\" (the published one) or \"newest\" (the "
               "highest number); \"latest\" (published, else newest) is a deprecated alias";
    if (strcmp(name, "job") == 0)
        return "Job id";
    if (strcmp(name, "calendar") == 0)
        return "Calendar subscription id";
    if (strcmp(name, "secret") == 0)
        return "The calendar's secret followed by .ics";
    return "Token id";
}

static void add_error_ref(json_t *responses, const char *code)
{
    for (int k = 0; k < N_ERROR_RESPONSES; k++)
        if (strcmp(ERROR_RESPONSES[k].code, code) == 0) {
            char ref[96];
            snprintf(ref, sizeof ref, "#/components/responses/%s", ERROR_RESPONSES[k].name);
            json_object_set_new(responses, code, json_pack("{s:s}", "$ref", ref));
        }
}

static json_t *operation(const route *rt)
{
    json_t *op = json_pack("{s:s,s:s}", "operationId", rt->op, "summary", rt->summary);
    if (!op)
        return NULL;
    const char *tag = rt->path + 4; /* after "/v1/" */
    char tagbuf[32];
    size_t tl = strcspn(tag, "/");
    snprintf(tagbuf, sizeof tagbuf, "%.*s", (int)tl, tag);
    if (strcmp(tagbuf, "validate") == 0 || strcmp(tagbuf, "plan") == 0 ||
        strcmp(tagbuf, "fill") == 0 || strcmp(tagbuf, "whatif") == 0 ||
        strcmp(tagbuf, "check") == 0)
        snprintf(tagbuf, sizeof tagbuf, "stateless");
    else if (strcmp(tagbuf, "health") == 0 || strcmp(tagbuf, "openapi.json") == 0)
        snprintf(tagbuf, sizeof tagbuf, "meta");
    json_object_set_new(op, "tags", json_pack("[s]", tagbuf));
    json_object_set_new(op, "x-min-role", json_string(io_role_name(rt->role)));
    if (rt->role == IO_ROLE_NONE)
        json_object_set_new(op, "security", json_array());
    json_t *params = json_array();
    for (const char *p = strchr(rt->path, '{'); p; p = strchr(p + 1, '{')) {
        char name[32];
        size_t n = strcspn(p + 1, "}");
        snprintf(name, sizeof name, "%.*s", (int)n, p + 1);
        json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:s,s:{s:s}}", "name", name, "in",
                                                "path", "required", 1, "description",
                                                param_doc(name), "schema", "type", "string"));
    }
    if (rt->query) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", rt->query);
        char *save = NULL;
        for (char *item = strtok_r(buf, "|", &save); item; item = strtok_r(NULL, "|", &save)) {
            char *colon = strchr(item, ':');
            if (colon)
                *colon = '\0';
            json_array_append_new(params,
                                  json_pack("{s:s,s:s,s:b,s:s,s:{s:s}}", "name", item, "in",
                                            "query", "required", 0, "description",
                                            colon ? colon + 1 : "", "schema", "type", "string"));
        }
    }
    if (json_array_size(params))
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);
    if (rt->request)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b,s:{s:{s:o}}}", "required",
                                      strcmp(rt->request, "ProgramPlanRequest") != 0, "content",
                                      "application/json", "schema", schema_ref(rt->request)));
    json_t *responses = json_object();
    char code[8];
    snprintf(code, sizeof code, "%d", rt->ok);
    const char *desc = rt->ok == 201 ? "Created" : rt->ok == 202 ? "Accepted: a job" :
                       rt->ok == 204 ? "Done (no content)" : "OK";
    if (rt->response)
        json_object_set_new(responses, code,
                            json_pack("{s:s,s:{s:{s:o}}}", "description", desc, "content",
                                      "application/json", "schema", schema_ref(rt->response)));
    else
        json_object_set_new(responses, code, json_pack("{s:s}", "description", desc));
    if (rt->role > IO_ROLE_NONE) {
        add_error_ref(responses, "401");
        add_error_ref(responses, "403");
    }
    char errs[64];
    snprintf(errs, sizeof errs, "%s", rt->errors ? rt->errors : "");
    char *save = NULL;
    for (char *c = strtok_r(errs, ",", &save); c; c = strtok_r(NULL, ",", &save))
        add_error_ref(responses, c);
    json_object_set_new(op, "responses", responses);
    return op;
}

char *io_server_openapi_json(void)
{
    json_t *components = json_loads(COMPONENTS, 0, NULL);
    json_t *paths = json_object();
    if (!components || !paths) {
        json_decref(components);
        json_decref(paths);
        return NULL;
    }
    json_t *resp = json_object();
    for (int k = 0; k < N_ERROR_RESPONSES; k++)
        json_object_set_new(resp, ERROR_RESPONSES[k].name,
                            json_pack("{s:s,s:{s:{s:{s:s}}}}", "description",
                                      ERROR_RESPONSES[k].description, "content",
                                      "application/problem+json", "schema", "$ref",
                                      "#/components/schemas/Problem"));
    json_object_set_new(components, "responses", resp);
    for (int i = 0; i < N_ROUTES; i++) {
        json_t *item = json_object_get(paths, ROUTES[i].path);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, ROUTES[i].path, item);
        }
        char m[8];
        snprintf(m, sizeof m, "%s", ROUTES[i].method);
        for (char *c = m; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        json_object_set_new(item, m, operation(&ROUTES[i]));
    }
    json_t *doc = json_pack(
        "{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:[{s:[]}],s:o,s:o}", "openapi", "3.0.3", "info", "title",
        "cohort API", "version", COHORT_VERSION, "description",
        "Plans group-therapy programs and keeps them in a store. Every error is an RFC 9457 "
        "problem (application/problem+json: type, title, status, detail, and errors[] of "
        "{path, message} for validation); a path that exists answers 405 (with "
        "Allow) to other methods. Bodies are JSON; larger than --max-body answers 413. Solves "
        "run in child processes within their time limit.",
        "servers", "url", "http://127.0.0.1:8080", "security", "bearer", "paths", paths,
        "components", components);
    char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
    json_decref(doc);
    return text;
}
