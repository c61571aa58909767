/*
 * openapi.c - The OpenAPI document of the HTTP API, generated from the route
 * table ROUTES[] and the schemas of openapi_components.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* ----------------------------------------------------------- OpenAPI */

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
    {"409", "Conflict", "The id exists already, the job was cancelled, or (PATCH) the program "
     "kept changing"},
    {"412", "PreconditionFailed", "If-Match names another revision: the resource changed since "
     "it was read (nothing was changed)"},
    {"413", "PayloadTooLarge", "The body is larger than --max-body"},
    {"415", "UnsupportedMediaType", "PATCH takes application/merge-patch+json"},
    {"500", "ServerError", "Internal error (or the solver process failed)"},
    {"503", "Unavailable", "Too many solves are waiting (see Retry-After)"},
};
#define N_ERROR_RESPONSES ((int)(sizeof ERROR_RESPONSES / sizeof ERROR_RESPONSES[0]))

static json_t *schema_ref(const char *s)
{
    char ref[128];
    if (strncmp(s, "array:", 6) == 0) {
        /* a list answer: one page of items */
        snprintf(ref, sizeof ref, "#/components/schemas/%s", s + 6);
        return json_pack(
            "{s:s,s:[s,s],s:{s:{s:s,s:{s:s}},s:{s:s,s:b,s:s}}}", "type", "object", "required",
            "items", "next_page_token", "properties", "items", "type", "array", "items", "$ref",
            ref, "next_page_token", "type", "string", "nullable", 1, "description",
            "the page_token of the next page; null on the last page");
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

static const char *param_example(const char *name)
{
    static const char *const EX[][2] = {
        {"program", "sample"}, {"id", "p01"},      {"version", "published"},
        {"job", "j-3f2a9c"},   {"calendar", "1"},  {"secret", "Xb4kq0w2cYb1sTz5.ics"},
        {"token", "2"},
    };
    for (size_t i = 0; i < sizeof EX / sizeof EX[0]; i++)
        if (strcmp(EX[i][0], name) == 0)
            return EX[i][1];
    return "1";
}

/* Does the route answer an ETag (a program, an entity, a schedule)? */
static int has_etag(const route *rt)
{
    return rt->fn == h_program_get || rt->fn == h_programs_create || rt->fn == h_program_put ||
           rt->fn == h_entity_get ||
           rt->fn == h_entity_create || rt->fn == h_entity_put || rt->fn == h_entity_patch ||
           rt->fn == h_schedule_get;
}

/* Does the route honour If-Match? */
static int takes_if_match(const route *rt)
{
    return rt->fn == h_program_put || rt->fn == h_program_delete || rt->fn == h_entity_put ||
           rt->fn == h_entity_patch || rt->fn == h_entity_delete;
}

/* The request body of a PATCH of an entity: the entity's properties, none
 * required, any of them null (removes it). */
static json_t *merge_patch_schema(json_t *components, const char *schema)
{
    json_t *ent = json_object_get(json_object_get(components, "schemas"), schema);
    json_t *props = json_deep_copy(json_object_get(ent, "properties"));
    const char *k;
    json_t *v;
    json_object_foreach(props, k, v) json_object_set_new(v, "nullable", json_true());
    return json_pack("{s:s,s:s,s:o*}", "type", "object", "description",
                     "JSON Merge Patch (RFC 7396): the fields to change; null removes one",
                     "properties", props);
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

static json_t *operation(const route *rt, json_t *components)
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
        json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:s,s:{s:s},s:s}", "name", name,
                                                "in", "path", "required", 1, "description",
                                                param_doc(name), "schema", "type", "string",
                                                "example", param_example(name)));
    }
    int list = route_paged(rt);
    if (list) {
        json_array_append_new(
            params, json_pack("{s:s,s:s,s:b,s:s,s:{s:s,s:i,s:i,s:i}}", "name", "page_size", "in",
                              "query", "required", 0, "description", "items per page", "schema",
                              "type", "integer", "minimum", 1, "maximum", PAGE_MAX, "default",
                              PAGE_DEFAULT));
        json_array_append_new(
            params, json_pack("{s:s,s:s,s:b,s:s,s:{s:s}}", "name", "page_token", "in", "query",
                              "required", 0, "description",
                              "next_page_token of the previous page (opaque)", "schema", "type",
                              "string"));
    }
    if (takes_if_match(rt))
        json_array_append_new(
            params, json_pack("{s:s,s:s,s:b,s:s,s:{s:s},s:s}", "name", "If-Match", "in", "header",
                              "required", 0, "description",
                              "the ETag of a GET: the write happens only if the program is still "
                              "at that revision (else 412); * or absent: unconditionally",
                              "schema", "type", "string", "example", "\"1f3a5c7e9b2d4f60\""));
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
    if (rt->request && rt->fn == h_entity_patch)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content",
                                      "application/merge-patch+json", "schema",
                                      merge_patch_schema(components, rt->request)));
    else if (rt->request)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b,s:{s:{s:o}}}", "required",
                                      strcmp(rt->request, "ProgramPlanRequest") != 0, "content",
                                      "application/json", "schema", schema_ref(rt->request)));
    json_t *responses = json_object();
    char code[8];
    snprintf(code, sizeof code, "%d", rt->ok);
    const char *desc = rt->ok == 201 ? "Created" : rt->ok == 202 ? "Accepted: a job" :
                       rt->ok == 204 ? "Done (no content)" : "OK";
    json_t *ok;
    if (rt->response)
        ok = json_pack("{s:s,s:{s:{s:o}}}", "description", desc, "content", "application/json",
                       "schema", schema_ref(rt->response));
    else
        ok = json_pack("{s:s}", "description", desc);
    if (ok && has_etag(rt))
        json_object_set_new(ok, "headers",
                            json_pack("{s:{s:s,s:{s:s}}}", "ETag", "description",
                                      "the program's revision (a schedule: its content); send "
                                      "it back in If-Match",
                                      "schema", "type", "string"));
    json_object_set_new(responses, code, ok);
    if (rt->query && strncmp(rt->query, "async:", 6) == 0)
        json_object_set_new(responses, "202",
                            json_pack("{s:s,s:{s:{s:o}}}", "description",
                                      "Accepted (?async=true): a job", "content",
                                      "application/json", "schema", schema_ref("JobAccepted")));
    if (rt->role > IO_ROLE_NONE) {
        add_error_ref(responses, "401");
        add_error_ref(responses, "403");
    }
    /* what every operation of its kind can answer besides its own list */
    if (strchr(rt->path, '{'))
        add_error_ref(responses, "404");
    if (rt->request || list || rt->query || takes_if_match(rt))
        add_error_ref(responses, "400");
    if (rt->request)
        add_error_ref(responses, "413");
    add_error_ref(responses, "500");
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
    json_t *components = json_loads(OPENAPI_COMPONENTS, 0, NULL);
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
        json_object_set_new(item, m, operation(&ROUTES[i], components));
    }
    json_t *doc = json_pack(
        "{s:s,s:{s:s,s:s,s:{s:s},s:s},s:[{s:s}],s:[{s:[]}],s:o,s:o}", "openapi", "3.0.3",
        "info", "title", "cohort API", "version", COHORT_VERSION, "license", "name",
        "Proprietary", "description",
        "Plans group-therapy programs and keeps them in a store. Every error is an RFC 9457 "
        "problem (application/problem+json: type, title, status, detail, and errors[] of "
        "{path, message} for validation); a path that exists answers 405 (with "
        "Allow) to other methods. Lists answer one page {items, next_page_token} (page_size, "
        "page_token). Programs, entities and schedules carry an ETag; PUT, PATCH and DELETE "
        "honour If-Match (412 when stale). Schedule versions are numbers, published or newest. "
        "Bodies are JSON; larger than --max-body answers 413. Solves "
        "run in child processes within their time limit.",
        "servers", "url", "http://127.0.0.1:8080", "security", "bearer", "paths", paths,
        "components", components);
    char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
    json_decref(doc);
    return text;
}
