/*
 * openapi.c - The OpenAPI document of the HTTP API, generated from the route
 * table ROUTES[].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_private.h"

/* ----------------------------------------------------------- OpenAPI */

/* Schemas and shared responses of the document (compact JSON; the paths
 * are generated from ROUTES[]).  Schema names are the route table's
 * request / response names; objects list their properties and required
 * members, and tests/contract/ checks every answer against them with
 * closed objects, so a field the server adds must be added here. */
static const char COMPONENTS[] =
    "{\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\",\"descriptio"
    "n\":\"A token from `cohort token create --role admin|coordinator|viewer` or POST /v1/t"
    "okens. viewer reads; coordinator also records events, plans, publishes and cancels job"
    "s; admin also manages programs, their entities and tokens.\"}},\"schemas\":{\"Problem"
    "\":{\"type\":\"object\",\"description\":\"Every error (RFC 9457, application/problem+j"
    "son).\",\"required\":[\"type\",\"title\",\"status\",\"detail\"],\"properties\":{\"type"
    "\":{\"type\":\"string\",\"example\":\"about:blank\"},\"title\":{\"type\":\"string\",\""
    "description\":\"the status's reason phrase\",\"example\":\"Not Found\"},\"status\":{\""
    "type\":\"integer\",\"example\":404},\"detail\":{\"type\":\"string\",\"example\":\"no s"
    "uch program\"},\"instance\":{\"type\":\"string\"},\"errors\":{\"type\":\"array\",\"des"
    "cription\":\"validation: every offending value with its JSON path in the request body "
    "(or the query parameter, or the checker's entity)\",\"items\":{\"$ref\":\"#/components"
    "/schemas/Issue\"}},\"warnings\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components"
    "/schemas/Issue\"}},\"violations\":{\"type\":\"array\",\"description\":\"save-schedule:"
    " the checker's hard rule violations\",\"items\":{\"$ref\":\"#/components/schemas/Viola"
    "tion\"}}}},\"Violation\":{\"type\":\"object\",\"required\":[\"rule\",\"entity\",\"mess"
    "age\"],\"properties\":{\"rule\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10},\""
    "entity\":{\"type\":\"string\",\"example\":\"group:G1\"},\"message\":{\"type\":\"string"
    "\"}}},\"Issue\":{\"type\":\"object\",\"required\":[\"path\",\"message\"],\"properties"
    "\":{\"path\":{\"type\":\"string\",\"example\":\"instance.patients[12].available[0].to"
    "\"},\"message\":{\"type\":\"string\"}}},\"Diagnostics\":{\"type\":\"object\",\"descrip"
    "tion\":\"What `cohort validate --json` prints (a valid instance; an invalid one is a 4"
    "00 problem).\",\"required\":[\"status\",\"errors\",\"warnings\"],\"properties\":{\"sta"
    "tus\":{\"type\":\"string\",\"enum\":[\"valid\",\"invalid\"]},\"errors\":{\"type\":\"ar"
    "ray\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}},\"warnings\":{\"type\":\"ar"
    "ray\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}}}},\"Window\":{\"type\":\"ob"
    "ject\",\"required\":[\"day\",\"from\",\"to\"],\"properties\":{\"day\":{\"type\":\"stri"
    "ng\",\"enum\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]},\"from\":{\"t"
    "ype\":\"string\",\"example\":\"09:00\"},\"to\":{\"type\":\"string\",\"example\":\"17:0"
    "0\"}}},\"Instance\":{\"type\":\"object\",\"description\":\"A program instance (docs/FO"
    "RMAT.md; field names as in the SPEC).\",\"required\":[\"program\"],\"properties\":{\"p"
    "rogram\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"horizon"
    "\":{\"type\":\"object\",\"properties\":{\"start\":{\"type\":\"string\",\"format\":\"da"
    "te\"},\"weeks\":{\"type\":\"integer\"}}},\"days\":{\"type\":\"array\",\"items\":{\"typ"
    "e\":\"string\"}},\"slot_starts\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"closed_dates\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"format\":\"date"
    "\"}}}},\"settings\":{\"type\":\"object\",\"description\":\"planner settings (docs/FORM"
    "AT.md): time_limit_s, mip_gap, weights, ...\",\"additionalProperties\":true,\"properti"
    "es\":{\"time_limit_s\":{\"type\":\"number\"},\"mip_gap\":{\"type\":\"number\"},\"weigh"
    "ts\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}}}},\"group_ty"
    "pes\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/GroupType\"}},\"g"
    "roups\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Group\"}},\"roo"
    "ms\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Room\"}},\"facilit"
    "ators\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Facilitator\"}}"
    ",\"patients\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Patient\""
    "}}},\"example\":{\"program\":{\"name\":\"Sample clinic\",\"horizon\":{\"start\":\"2027"
    "-01-04\",\"weeks\":13}}}},\"GroupType\":{\"type\":\"object\",\"required\":[\"id\"],\"p"
    "roperties\":{\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"cpt\":{\"ty"
    "pe\":\"string\"},\"rate\":{\"type\":\"number\"},\"duration_min\":{\"type\":\"integer\""
    "},\"min_size\":{\"type\":\"integer\"},\"max_size\":{\"type\":\"integer\"},\"required_c"
    "redentials\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"cofacilitation\":{"
    "\"type\":\"boolean\"},\"cofacilitator_credentials\":{\"type\":\"array\",\"items\":{\"t"
    "ype\":\"string\"}},\"diagnoses\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"modality\":{\"type\":\"string\",\"enum\":[\"in_person\",\"telehealth\"]},\"room_feat"
    "ures\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"cadence\":{\"type\":\"st"
    "ring\",\"enum\":[\"weekly\",\"biweekly\"]},\"age_min\":{\"type\":\"integer\"},\"age_ma"
    "x\":{\"type\":\"integer\"},\"gender\":{\"type\":\"string\"},\"composition\":{\"type\":"
    "\"object\",\"properties\":{\"max_new_share\":{\"type\":\"number\"},\"max_high_acuity\""
    ":{\"type\":\"integer\"},\"max_age_spread\":{\"type\":\"integer\"}}}},\"example\":{\"id"
    "\":\"cbt_anxiety\",\"name\":\"CBT for anxiety\",\"duration_min\":60,\"min_size\":4,\"m"
    "ax_size\":10}},\"Member\":{\"type\":\"object\",\"required\":[\"patient\",\"status\"],"
    "\"properties\":{\"patient\":{\"type\":\"string\"},\"status\":{\"type\":\"string\",\"en"
    "um\":[\"active\",\"hold_clinical\",\"hold_admin\",\"graduated\",\"dropped\"]},\"since"
    "\":{\"type\":\"string\",\"format\":\"date\"}}},\"Group\":{\"type\":\"object\",\"requir"
    "ed\":[\"id\",\"type\"],\"properties\":{\"id\":{\"type\":\"string\"},\"type\":{\"type\""
    ":\"string\"},\"optional\":{\"type\":\"boolean\"},\"pinned\":{\"type\":\"object\",\"pro"
    "perties\":{\"day\":{\"type\":\"string\"},\"start\":{\"type\":\"string\"},\"room\":{\"t"
    "ype\":\"string\"},\"facilitators\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}"
    "},\"substitute\":{\"type\":\"string\"}}},\"members\":{\"type\":\"array\",\"items\":{\""
    "$ref\":\"#/components/schemas/Member\"}}},\"example\":{\"id\":\"cbt-2\",\"type\":\"cbt"
    "_anxiety\"}},\"Room\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id"
    "\":{\"type\":\"string\"},\"capacity\":{\"type\":\"integer\"},\"features\":{\"type\":\""
    "array\",\"items\":{\"type\":\"string\"}},\"available\":{\"type\":\"array\",\"items\":{"
    "\"$ref\":\"#/components/schemas/Window\"}},\"site\":{\"type\":\"string\"}},\"example\""
    ":{\"id\":\"room-c\",\"capacity\":10,\"features\":[\"whiteboard\"]}},\"Facilitator\":{"
    "\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{\"type\":\"string\"}"
    ",\"name\":{\"type\":\"string\"},\"credentials\":{\"type\":\"array\",\"items\":{\"type"
    "\":\"string\"}},\"available\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/s"
    "chemas/Window\"}},\"max_per_day\":{\"type\":\"integer\"},\"max_per_week\":{\"type\":\""
    "integer\"},\"time_off\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"propertie"
    "s\":{\"from\":{\"type\":\"string\",\"format\":\"date\"},\"to\":{\"type\":\"string\",\""
    "format\":\"date\"}}}}},\"example\":{\"id\":\"ana\",\"name\":\"Ana Ruiz\",\"credentials"
    "\":[\"LCSW\"]}},\"Patient\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":"
    "{\"id\":{\"type\":\"string\"},\"diagnoses\":{\"type\":\"array\",\"items\":{\"type\":\""
    "string\"}},\"group_types\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"avai"
    "lable\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Window\"}},\"ad"
    "ded\":{\"type\":\"string\",\"format\":\"date\"},\"acuity\":{\"type\":\"string\",\"enum"
    "\":[\"low\",\"moderate\",\"high\"]},\"age\":{\"type\":\"integer\"},\"gender\":{\"type"
    "\":\"string\"},\"modality\":{\"type\":\"string\",\"enum\":[\"in_person\",\"telehealth"
    "\",\"either\"]},\"screened\":{\"type\":\"boolean\"},\"insurance_verified\":{\"type\":"
    "\"boolean\"},\"priority\":{\"type\":\"integer\",\"minimum\":0}},\"example\":{\"id\":\""
    "P0999\",\"diagnoses\":[\"F41.1\"],\"group_types\":[\"cbt_anxiety\"],\"added\":\"2026-1"
    "0-01\",\"acuity\":\"moderate\"}},\"InstanceRequest\":{\"description\":\"An instance, o"
    "r {\\\"instance\\\": instance}.\",\"oneOf\":[{\"$ref\":\"#/components/schemas/Instance"
    "\"},{\"type\":\"object\",\"required\":[\"instance\"],\"properties\":{\"instance\":{\"$"
    "ref\":\"#/components/schemas/Instance\"}}}],\"example\":{\"program\":{\"name\":\"Sampl"
    "e clinic\",\"horizon\":{\"start\":\"2027-01-04\",\"weeks\":13}}}},\"PlanRequest\":{\"d"
    "escription\":\"An instance, or {\\\"instance\\\", options}.\",\"oneOf\":[{\"$ref\":\"#"
    "/components/schemas/Instance\"},{\"type\":\"object\",\"required\":[\"instance\"],\"pro"
    "perties\":{\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},\"time_limit_s\":"
    "{\"type\":\"number\",\"description\":\"overrides settings.time_limit_s\"},\"mip_gap\":"
    "{\"type\":\"number\"},\"baseline\":{\"allOf\":[{\"$ref\":\"#/components/schemas/Soluti"
    "on\"}],\"description\":\"re-plan with fewest changes against this solution\"}}}],\"exa"
    "mple\":{\"program\":{\"name\":\"Sample clinic\",\"horizon\":{\"start\":\"2027-01-04\","
    "\"weeks\":13}}}},\"ProgramCreate\":{\"description\":\"An instance, or {\\\"id\\\", "
    "\\\"instance\\\"}.\",\"oneOf\":[{\"$ref\":\"#/components/schemas/Instance\"},{\"type\""
    ":\"object\",\"required\":[\"instance\"],\"properties\":{\"id\":{\"type\":\"string\",\""
    "pattern\":\"^[A-Za-z0-9._-]{1,64}$\"},\"instance\":{\"$ref\":\"#/components/schemas/In"
    "stance\"}}}],\"example\":{\"program\":{\"name\":\"Sample clinic\",\"horizon\":{\"start"
    "\":\"2027-01-04\",\"weeks\":13}}}},\"ProgramRef\":{\"type\":\"object\",\"properties\":"
    "{\"id\":{\"type\":\"string\"},\"href\":{\"type\":\"string\"}},\"required\":[\"id\"]},"
    "\"ProgramSummary\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
    "\"name\":{\"type\":\"string\"},\"created\":{\"type\":\"string\",\"format\":\"date-time"
    "\",\"example\":\"2026-11-29T15:42:15.123Z\"},\"updated\":{\"type\":\"string\",\"format"
    "\":\"date-time\",\"example\":\"2026-11-29T15:42:15.123Z\"},\"counts\":{\"type\":\"obje"
    "ct\",\"additionalProperties\":{\"type\":\"integer\"}},\"schedules\":{\"type\":\"intege"
    "r\"},\"published\":{\"type\":\"integer\",\"nullable\":true}},\"required\":[\"id\",\"na"
    "me\",\"created\",\"updated\",\"counts\",\"schedules\",\"published\"]},\"ProgramPlanReq"
    "uest\":{\"type\":\"object\",\"description\":\"Optional (an empty body is fine).\",\"pr"
    "operties\":{\"time_limit_s\":{\"type\":\"number\"},\"mip_gap\":{\"type\":\"number\"},"
    "\"baseline\":{\"description\":\"re-plan with fewest changes against a saved version: a"
    " number, \\\"published\\\" or \\\"newest\\\"\",\"oneOf\":[{\"type\":\"integer\"},{\"ty"
    "pe\":\"string\"}]}},\"example\":{\"time_limit_s\":30,\"baseline\":\"published\"}},\"So"
    "lution\":{\"type\":\"object\",\"description\":\"What `cohort plan` writes (SPEC Output"
    "s).\",\"properties\":{\"status\":{\"type\":\"string\",\"enum\":[\"optimal\",\"feasible"
    "\",\"infeasible\",\"time_limit\",\"invalid\"]},\"objective\":{\"type\":\"number\"},\"b"
    "ound\":{\"type\":\"number\"},\"gap\":{\"type\":\"number\"},\"solve_seconds\":{\"type\""
    ":\"number\"},\"objective_terms\":{\"$ref\":\"#/components/schemas/ObjectiveTerms\"},\""
    "groups\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"typ"
    "e\",\"running\"],\"properties\":{\"id\":{\"type\":\"string\"},\"type\":{\"type\":\"str"
    "ing\"},\"running\":{\"type\":\"boolean\"},\"day\":{\"type\":\"string\",\"nullable\":tr"
    "ue},\"start\":{\"type\":\"string\",\"nullable\":true,\"example\":\"17:00\"},\"end\":{"
    "\"type\":\"string\",\"nullable\":true,\"example\":\"18:30\"},\"room\":{\"type\":\"stri"
    "ng\",\"nullable\":true},\"facilitators\":{\"type\":\"array\",\"items\":{\"type\":\"str"
    "ing\"}},\"substitute\":{\"type\":\"string\",\"nullable\":true},\"members\":{\"type\":"
    "\"array\",\"items\":{\"type\":\"string\"}},\"new_members\":{\"type\":\"array\",\"items"
    "\":{\"type\":\"string\"}},\"week_parity\":{\"type\":\"integer\"}}}},\"sessions\":{\"ty"
    "pe\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"group\",\"date\"],\"prop"
    "erties\":{\"group\":{\"type\":\"string\"},\"date\":{\"type\":\"string\",\"format\":\"d"
    "ate\"},\"start\":{\"type\":\"string\"},\"end\":{\"type\":\"string\"},\"room\":{\"type"
    "\":\"string\",\"nullable\":true},\"facilitators\":{\"type\":\"array\",\"items\":{\"typ"
    "e\":\"string\"}},\"covered_by\":{\"type\":\"string\",\"nullable\":true},\"uncovered\":"
    "{\"type\":\"boolean\"}}}},\"unplaced\":{\"type\":\"array\",\"items\":{\"type\":\"objec"
    "t\",\"required\":[\"patient\",\"reasons\"],\"properties\":{\"patient\":{\"type\":\"str"
    "ing\"},\"reasons\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}},\"metrics\""
    ":{\"$ref\":\"#/components/schemas/Metrics\"},\"diagnosis\":{\"type\":\"array\",\"items"
    "\":{\"type\":\"string\"}},\"exceptions\":{\"type\":\"array\",\"description\":\"relaxed"
    " plan of an infeasible program: each hard rule it breaks\",\"items\":{\"$ref\":\"#/com"
    "ponents/schemas/Exception\"}}},\"required\":[\"status\"],\"example\":{\"status\":\"opt"
    "imal\",\"groups\":[],\"sessions\":[],\"unplaced\":[]}},\"Event\":{\"type\":\"object\","
    "\"required\":[\"event\"],\"properties\":{\"event\":{\"type\":\"string\",\"enum\":[\"dr"
    "opped\",\"graduated\",\"hold_clinical\",\"hold_admin\",\"returned\",\"placed\",\"refer"
    "ral\"]},\"group\":{\"type\":\"string\",\"description\":\"all but referral\"},\"patient"
    "\":{\"description\":\"a patient id; for a referral the new patient object (added defau"
    "lts to date)\",\"oneOf\":[{\"type\":\"string\"},{\"$ref\":\"#/components/schemas/Patie"
    "nt\"}]},\"date\":{\"type\":\"string\",\"format\":\"date\",\"description\":\"default: t"
    "oday (UTC)\"}},\"example\":{\"event\":\"dropped\",\"group\":\"dbt-tue-pm\",\"patient\""
    ":\"P0001\",\"date\":\"2027-01-20\"}},\"EventsRequest\":{\"description\":\"One event, a"
    "n array, or {\\\"events\\\": [...]}.\",\"oneOf\":[{\"$ref\":\"#/components/schemas/Eve"
    "nt\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Event\"}},{\"type"
    "\":\"object\",\"required\":[\"events\"],\"properties\":{\"events\":{\"type\":\"array\""
    ",\"items\":{\"$ref\":\"#/components/schemas/Event\"}}}}],\"example\":{\"event\":\"drop"
    "ped\",\"group\":\"dbt-tue-pm\",\"patient\":\"P0001\"}},\"EventsResult\":{\"type\":\"ob"
    "ject\",\"properties\":{\"recorded\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/compon"
    "ents/schemas/HistoryEntry\"}},\"schedule_version\":{\"type\":\"integer\",\"description"
    "\":\"the schedule the suggestions are ranked against\"},\"suggestions\":{\"type\":\"ob"
    "ject\",\"nullable\":true,\"allOf\":[{\"$ref\":\"#/components/schemas/FillReport\"}],\""
    "description\":\"null when no schedule is saved (see note) or fill refused the events ("
    "see errors)\"},\"note\":{\"type\":\"string\"},\"errors\":{\"type\":\"array\",\"items\""
    ":{\"$ref\":\"#/components/schemas/Issue\"}}},\"required\":[\"recorded\"]},\"CheckReque"
    "st\":{\"type\":\"object\",\"required\":[\"instance\",\"solution\"],\"properties\":{\"i"
    "nstance\":{\"$ref\":\"#/components/schemas/Instance\"},\"solution\":{\"$ref\":\"#/comp"
    "onents/schemas/Solution\"}},\"example\":{\"instance\":{\"program\":{\"name\":\"Sample "
    "clinic\"}},\"solution\":{\"status\":\"optimal\"}}},\"CheckReport\":{\"type\":\"object"
    "\",\"properties\":{\"status\":{\"type\":\"string\",\"enum\":[\"ok\",\"violations\"]},"
    "\"violations\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Violatio"
    "n\"}},\"metrics_mismatches\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"prop"
    "erties\":{\"field\":{\"type\":\"string\"},\"reported\":{\"type\":\"number\"},\"expecte"
    "d\":{\"type\":\"number\"},\"message\":{\"type\":\"string\"}}}},\"metrics_compared\":{"
    "\"type\":\"boolean\"},\"objective_terms_compared\":{\"type\":\"boolean\"},\"objective"
    "\":{\"type\":\"number\"},\"metrics\":{\"$ref\":\"#/components/schemas/Metrics\"},\"obj"
    "ective_terms\":{\"$ref\":\"#/components/schemas/ObjectiveTerms\"},\"exceptions_accepte"
    "d\":{\"type\":\"integer\",\"description\":\"declared exceptions of a relaxed plan foun"
    "d real\"}},\"required\":[\"status\",\"violations\",\"metrics_mismatches\"]},\"FillRequ"
    "est\":{\"type\":\"object\",\"required\":[\"instance\",\"solution\",\"events\"],\"prope"
    "rties\":{\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},\"solution\":{\"$re"
    "f\":\"#/components/schemas/Solution\"},\"events\":{\"description\":\"one event or an a"
    "rray (event: dropped, graduated, hold_clinical, hold_admin, returned, referral)\",\"on"
    "eOf\":[{\"$ref\":\"#/components/schemas/Event\"},{\"type\":\"array\",\"items\":{\"$ref"
    "\":\"#/components/schemas/Event\"}}]},\"top_n\":{\"type\":\"integer\",\"default\":5},"
    "\"apply\":{\"type\":\"boolean\",\"default\":false},\"turnover_per_month\":{\"type\":\""
    "number\"},\"hold_turnover_per_month\":{\"type\":\"number\"},\"grace_weeks\":{\"type\":"
    "\"integer\"}},\"example\":{\"instance\":{\"program\":{\"name\":\"Sample clinic\"}},\"s"
    "olution\":{\"status\":\"optimal\"},\"events\":{\"event\":\"dropped\",\"group\":\"dbt-t"
    "ue-pm\",\"patient\":\"P0001\"}}},\"FillReport\":{\"type\":\"object\",\"description\":"
    "\"What `cohort fill --json` prints: the events, each opened seat with its ranked candi"
    "dates and why they fit, referrals, groups below their minimum, figures before and afte"
    "r; with apply also solution and instance.\",\"required\":[\"status\",\"seats\"],\"prop"
    "erties\":{\"status\":{\"type\":\"string\"},\"applied\":{\"type\":\"boolean\"},\"placed"
    "\":{\"type\":\"integer\"},\"events\":{\"type\":\"array\",\"items\":{\"type\":\"string"
    "\"},\"description\":\"each event in plain words\"},\"seats\":{\"type\":\"array\",\"ite"
    "ms\":{\"type\":\"object\",\"required\":[\"group\",\"candidates\"],\"properties\":{\"gr"
    "oup\":{\"type\":\"string\"},\"event\":{\"type\":\"integer\"},\"eligible\":{\"type\":\""
    "integer\"},\"excluded_by_composition\":{\"type\":\"object\",\"additionalProperties\":{"
    "\"type\":\"integer\"}},\"candidates\":{\"type\":\"array\",\"items\":{\"type\":\"object"
    "\",\"required\":[\"rank\",\"patient\"],\"additionalProperties\":true,\"properties\":{"
    "\"rank\":{\"type\":\"integer\"},\"patient\":{\"type\":\"string\"},\"value\":{\"type\":"
    "\"number\"},\"wait_days\":{\"type\":\"integer\"},\"added\":{\"type\":\"string\",\"form"
    "at\":\"date\"},\"priority\":{\"type\":\"integer\"},\"why\":{\"type\":\"array\",\"items"
    "\":{\"type\":\"string\"}}}}}},\"additionalProperties\":true}},\"referrals\":{\"type\":"
    "\"array\",\"items\":{\"type\":\"object\",\"additionalProperties\":true}},\"below_minim"
    "um\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"additionalProperties\":true}"
    "},\"figures_before\":{\"$ref\":\"#/components/schemas/Metrics\"},\"figures_after\":{\""
    "$ref\":\"#/components/schemas/Metrics\"},\"solution\":{\"$ref\":\"#/components/schemas"
    "/Solution\"},\"instance\":{\"$ref\":\"#/components/schemas/Instance\"}}},\"WhatifReque"
    "st\":{\"type\":\"object\",\"required\":[\"instance\",\"scenarios\"],\"properties\":{\""
    "instance\":{\"$ref\":\"#/components/schemas/Instance\"},\"scenarios\":{\"type\":\"arra"
    "y\",\"description\":\"named lists of changes, as in a `cohort whatif` scenario file (d"
    "ocs/WHATIF.md)\",\"items\":{\"type\":\"object\",\"required\":[\"name\"],\"properties\""
    ":{\"name\":{\"type\":\"string\"},\"changes\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"object\",\"additionalProperties\":true}}},\"additionalProperties\":true}},\"marginal"
    "\":{\"type\":\"boolean\"},\"time_limit_s\":{\"type\":\"number\",\"description\":\"per "
    "plan\"},\"mip_gap\":{\"type\":\"number\"}},\"example\":{\"instance\":{\"program\":{\"n"
    "ame\":\"Sample clinic\"}},\"scenarios\":[{\"name\":\"one more room\",\"changes\":[]}]}"
    "},\"WhatifReport\":{\"type\":\"object\",\"description\":\"What `cohort whatif` prints "
    "as JSON: each scenario's metrics beside the baseline, and the differences.\",\"require"
    "d\":[\"baseline\",\"scenarios\"],\"properties\":{\"jobs\":{\"type\":\"integer\"},\"max"
    "_concurrent\":{\"type\":\"integer\"},\"parent_pid\":{\"type\":\"integer\"},\"time_limi"
    "t_s\":{\"type\":\"number\",\"nullable\":true},\"baseline\":{\"$ref\":\"#/components/sc"
    "hemas/WhatifPlan\"},\"scenarios\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/componen"
    "ts/schemas/WhatifPlan\"}},\"marginal\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/com"
    "ponents/schemas/WhatifPlan\"}},\"bottlenecks\":{\"type\":\"array\",\"items\":{\"type\""
    ":\"object\",\"additionalProperties\":true}}}},\"HistoryEntry\":{\"type\":\"object\",\""
    "properties\":{\"id\":{\"type\":\"integer\"},\"event\":{\"type\":\"string\"},\"group\":"
    "{\"type\":\"string\",\"nullable\":true},\"patient\":{\"type\":\"string\"},\"status\":{"
    "\"type\":\"string\",\"nullable\":true},\"date\":{\"type\":\"string\",\"nullable\":true"
    ",\"format\":\"date\"},\"actor\":{\"type\":\"integer\",\"nullable\":true},\"at\":{\"typ"
    "e\":\"string\",\"format\":\"date-time\",\"example\":\"2026-11-29T15:42:15.123Z\"}},\"r"
    "equired\":[\"id\",\"event\",\"patient\"]},\"ScheduleSummary\":{\"type\":\"object\",\"p"
    "roperties\":{\"version\":{\"type\":\"integer\"},\"status\":{\"type\":\"string\"},\"obj"
    "ective\":{\"type\":\"number\",\"nullable\":true},\"created\":{\"type\":\"string\",\"fo"
    "rmat\":\"date-time\",\"example\":\"2026-11-29T15:42:15.123Z\"},\"published\":{\"type\""
    ":\"boolean\"},\"actor\":{\"type\":\"integer\",\"nullable\":true}},\"required\":[\"vers"
    "ion\",\"status\",\"objective\",\"created\",\"published\",\"actor\"]},\"ScheduleSaved\""
    ":{\"type\":\"object\",\"properties\":{\"program\":{\"type\":\"string\"},\"version\":{"
    "\"type\":\"integer\"},\"misreported_figures\":{\"type\":\"integer\",\"description\":\""
    "metrics the solution states differently from the checker's recomputation (saved as giv"
    "en)\"},\"href\":{\"type\":\"string\"}},\"required\":[\"program\",\"version\",\"misrepo"
    "rted_figures\",\"href\"]},\"Published\":{\"type\":\"object\",\"properties\":{\"program"
    "\":{\"type\":\"string\"},\"published\":{\"type\":\"integer\"}},\"required\":[\"program"
    "\",\"published\"]},\"JobAccepted\":{\"type\":\"object\",\"properties\":{\"job\":{\"typ"
    "e\":\"string\"},\"status\":{\"type\":\"string\"},\"href\":{\"type\":\"string\"}},\"req"
    "uired\":[\"job\",\"status\",\"href\"]},\"Job\":{\"type\":\"object\",\"properties\":{\""
    "job\":{\"type\":\"string\"},\"kind\":{\"type\":\"string\"},\"program\":{\"type\":\"str"
    "ing\",\"nullable\":true,\"description\":\"a stored plan's program\"},\"status\":{\"typ"
    "e\":\"string\",\"enum\":[\"queued\",\"running\",\"done\",\"failed\",\"cancelled\"]},\""
    "created\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2026-11-29T15:42"
    ":15.123Z\"},\"started\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"20"
    "26-11-29T15:42:15.123Z\",\"nullable\":true},\"finished\":{\"type\":\"string\",\"format"
    "\":\"date-time\",\"example\":\"2026-11-29T15:42:15.123Z\",\"nullable\":true},\"seconds"
    "\":{\"type\":\"number\",\"nullable\":true},\"error\":{\"type\":\"string\",\"nullable\""
    ":true},\"version\":{\"type\":\"integer\",\"nullable\":true,\"description\":\"stored pl"
    "an: the saved schedule version\"},\"result\":{\"description\":\"when done: the solutio"
    "n (plans) or the comparison (what-if)\",\"anyOf\":[{\"$ref\":\"#/components/schemas/So"
    "lution\"},{\"$ref\":\"#/components/schemas/WhatifReport\"}]},\"attempts\":{\"type\":\""
    "integer\",\"description\":\"runs so far (a job whose worker died is retried once)\"},"
    "\"worker\":{\"type\":\"string\",\"description\":\"the worker process that runs or ran "
    "it\"},\"note\":{\"type\":\"string\",\"description\":\"why the job was retried or faile"
    "d after a lost worker\"},\"parts\":{\"type\":\"object\",\"description\":\"a job f"
    "anned out into parts that any worker claims (a what-if: one per plan): how many are in "
    "each state; the job is done when every part finished\",\"properties\":{\"total\":{\"t"
    "ype\":\"integer\"},\"queued\":{\"type\":\"integer\"},\"running\":{\"type\":\"i"
    "nteger\"},\"done\":{\"type\":\"integer\"},\"failed\":{\"type\":\"integer\"},\"c"
    "ancelled\":{\"type\":\"integer\"}}}},\"required\":[\"job\",\"kind\",\"status\",\"c"
    "reated\"]},\"He"
    "alth\":{\"type\":\"object\",\"properties\":{\"status\":{\"type\":\"string\"},\"version"
    "\":{\"type\":\"string\"},\"schema_version\":{\"type\":\"integer\"},\"glpk\":{\"type\":"
    "\"string\"},\"jobs\":{\"type\":\"object\",\"description\":\"job counts by state\",\"ad"
    "ditionalProperties\":{\"type\":\"integer\"}}},\"required\":[\"status\",\"version\"]},"
    "\"TokenCreate\":{\"type\":\"object\",\"required\":[\"role\"],\"properties\":{\"role\":"
    "{\"type\":\"string\",\"enum\":[\"viewer\",\"coordinator\",\"admin\"]},\"name\":{\"type"
    "\":\"string\"}},\"example\":{\"role\":\"viewer\",\"name\":\"reporting\"}},\"Token\":{"
    "\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":"
    "\"string\",\"nullable\":true},\"role\":{\"type\":\"string\"},\"created\":{\"type\":\"s"
    "tring\",\"format\":\"date-time\",\"example\":\"2026-11-29T15:42:15.123Z\"},\"revoked\""
    ":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2026-11-29T15:42:15.123Z"
    "\",\"nullable\":true}},\"required\":[\"id\",\"name\",\"role\",\"created\",\"revoked\"]"
    "},\"TokenCreated\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"role\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"token\":{\"type\":\"st"
    "ring\",\"description\":\"the secret; shown once, stored as SHA-256 only\"}},\"required"
    "\":[\"id\",\"role\",\"token\"]},\"AuditEntry\":{\"type\":\"object\",\"properties\":{\""
    "id\":{\"type\":\"integer\"},\"at\":{\"type\":\"string\",\"format\":\"date-time\",\"exa"
    "mple\":\"2026-11-29T15:42:15.123Z\"},\"actor\":{\"type\":\"integer\",\"nullable\":true"
    ",\"description\":\"token id; null = the local command line\"},\"action\":{\"type\":\"s"
    "tring\"},\"entity\":{\"type\":\"string\"},\"program\":{\"type\":\"string\",\"nullable"
    "\":true},\"before\":{\"type\":\"object\",\"nullable\":true,\"additionalProperties\":tr"
    "ue,\"description\":\"the record before the change (null: none)\"},\"after\":{\"type\":"
    "\"object\",\"nullable\":true,\"additionalProperties\":true,\"description\":\"the recor"
    "d after the change (null: none)\"}},\"required\":[\"id\",\"at\",\"actor\",\"action\","
    "\"entity\",\"program\",\"before\",\"after\"]},\"Metrics\":{\"type\":\"object\",\"descr"
    "iption\":\"SPEC Outputs: the solution's figures\",\"properties\":{\"placed\":{\"type\""
    ":\"integer\"},\"waitlist_before\":{\"type\":\"integer\"},\"waitlist_after\":{\"type\":"
    "\"integer\"},\"seats\":{\"type\":\"integer\"},\"seats_filled\":{\"type\":\"integer\"},"
    "\"groups_running\":{\"type\":\"integer\"},\"member_sessions\":{\"type\":\"integer\"},"
    "\"projected_revenue\":{\"type\":\"number\"},\"facilitator_load\":{\"type\":\"object\","
    "\"additionalProperties\":{\"type\":\"number\"}},\"mean_wait_days_placed\":{\"type\":\""
    "number\"},\"uncovered_sessions\":{\"type\":\"integer\"},\"per_type\":{\"type\":\"objec"
    "t\",\"additionalProperties\":{\"type\":\"object\",\"additionalProperties\":{\"type\":"
    "\"number\"}}}},\"additionalProperties\":true},\"ObjectiveTerms\":{\"type\":\"object\","
    "\"description\":\"the objective's terms by name\",\"additionalProperties\":{\"type\":"
    "\"number\"},\"example\":{\"placement\":10000.0,\"wait\":5270.57}},\"WhatifSummary\":{"
    "\"type\":\"object\",\"description\":\"the figures compared (docs/WHATIF.md)\",\"proper"
    "ties\":{\"groups_running\":{\"type\":\"integer\"},\"placed\":{\"type\":\"integer\"},\""
    "waitlist_after\":{\"type\":\"integer\"},\"seats\":{\"type\":\"integer\"},\"seats_fille"
    "d\":{\"type\":\"integer\"},\"member_sessions\":{\"type\":\"integer\"},\"projected_reve"
    "nue\":{\"type\":\"number\"},\"load_mean\":{\"type\":\"number\"},\"load_max\":{\"type\""
    ":\"number\"},\"uncovered_sessions\":{\"type\":\"integer\"},\"mean_wait_days_placed\":{"
    "\"type\":\"number\"}}},\"WhatifPlan\":{\"type\":\"object\",\"description\":\"one plan "
    "of a what-if: the baseline or a scenario\",\"required\":[\"name\",\"status\"],\"proper"
    "ties\":{\"name\":{\"type\":\"string\"},\"status\":{\"type\":\"string\"},\"ok\":{\"type"
    "\":\"boolean\"},\"objective\":{\"type\":\"number\",\"nullable\":true},\"bound\":{\"typ"
    "e\":\"number\",\"nullable\":true},\"gap\":{\"type\":\"number\",\"nullable\":true},\"so"
    "lve_seconds\":{\"type\":\"number\",\"nullable\":true},\"metrics\":{\"$ref\":\"#/compon"
    "ents/schemas/Metrics\"},\"summary\":{\"$ref\":\"#/components/schemas/WhatifSummary\"},"
    "\"worker_pid\":{\"type\":\"integer\",\"nullable\":true},\"worker_seconds\":{\"type\":"
    "\"number\",\"nullable\":true},\"differences\":{\"type\":\"object\",\"nullable\":true,"
    "\"description\":\"scenario - baseline of each summary figure, and per facilitator load"
    "\",\"additionalProperties\":true},\"errors\":{\"type\":\"array\",\"items\":{\"$ref\":"
    "\"#/components/schemas/Issue\"}},\"warnings\":{\"type\":\"array\",\"items\":{\"$ref\":"
    "\"#/components/schemas/Issue\"}},\"error\":{\"type\":\"string\"},\"diagnosis\":{\"type"
    "\":\"array\",\"items\":{\"type\":\"string\"}},\"noise\":{\"type\":\"number\",\"descrip"
    "tion\":\"the larger of the two plans' absolute gaps: differences within it are noise\""
    "},\"measurable\":{\"type\":\"boolean\",\"description\":\"false when |differences.objec"
    "tive| <= noise: no measurable change\"},\"warm_start\":{\"type\":\"object\",\"descript"
    "ion\":\"a capacity-only scenario started from the baseline's schedule\",\"properties\""
    ":{\"used\":{\"type\":\"boolean\"},\"kept_baseline\":{\"type\":\"boolean\"},\"note\":{"
    "\"type\":\"string\"}}},\"exceptions\":{\"type\":\"array\",\"description\":\"relaxed pl"
    "an of an infeasible scenario: each hard rule it breaks\",\"items\":{\"$ref\":\"#/compo"
    "nents/schemas/Exception\"}}}},\"Calendar\":{\"type\":\"object\",\"required\":[\"id\","
    "\"for\",\"version\",\"created\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"for\""
    ":{\"type\":\"string\",\"example\":\"facilitator:chen\"},\"version\":{\"$ref\":\"#/comp"
    "onents/schemas/VersionSelector\"},\"created\":{\"type\":\"string\",\"format\":\"date-t"
    "ime\",\"example\":\"2026-11-29T15:42:15.123Z\"},\"revoked\":{\"type\":\"string\",\"for"
    "mat\":\"date-time\",\"example\":\"2026-11-29T15:42:15.123Z\",\"nullable\":true}}},\"Ve"
    "rsionSelector\":{\"description\":\"a version number or a keyword (latest: deprecated)"
    "\",\"oneOf\":[{\"type\":\"integer\",\"minimum\":1},{\"type\":\"string\",\"enum\":[\"pu"
    "blished\",\"newest\",\"latest\"]}]},\"CalendarCreate\":{\"type\":\"object\",\"properti"
    "es\":{\"for\":{\"type\":\"string\",\"default\":\"program\",\"example\":\"facilitator:c"
    "hen\"},\"version\":{\"$ref\":\"#/components/schemas/VersionSelector\"}},\"example\":{"
    "\"for\":\"facilitator:chen\",\"version\":\"published\"}},\"CalendarCreated\":{\"type\""
    ":\"object\",\"required\":[\"id\",\"for\",\"version\",\"url\"],\"properties\":{\"id\":{"
    "\"type\":\"integer\"},\"for\":{\"type\":\"string\"},\"version\":{\"$ref\":\"#/componen"
    "ts/schemas/VersionSelector\"},\"url\":{\"type\":\"string\",\"example\":\"/v1/calendars"
    "/Xb4kq0w2cYb1sTz5.ics\"}}},\"OpenApiDocument\":{\"type\":\"object\",\"description\":\""
    "an OpenAPI 3.0 document\",\"required\":[\"openapi\",\"info\",\"paths\"],\"properties\""
    ":{\"openapi\":{\"type\":\"string\"},\"info\":{\"type\":\"object\",\"additionalProperti"
    "es\":true},\"paths\":{\"type\":\"object\",\"additionalProperties\":true},\"components"
    "\":{\"type\":\"object\",\"additionalProperties\":true},\"servers\":{\"type\":\"array\""
    ",\"items\":{\"type\":\"object\",\"additionalProperties\":true}},\"security\":{\"type\""
    ":\"array\",\"items\":{\"type\":\"object\",\"additionalProperties\":true}}}},\"Whoami\""
    ":{\"type\":\"object\",\"required\":[\"token\",\"role\"],\"properties\":{\"token\":{\"t"
    "ype\":\"integer\",\"description\":\"the token's id\"},\"role\":{\"type\":\"string\",\""
    "enum\":[\"viewer\",\"coordinator\",\"admin\"]}}},\"Exception\":{\"type\":\"object\",\""
    "description\":\"relaxed plan of an infeasible program: one hard rule it breaks (docs/F"
    "ORMAT.md)\",\"required\":[\"rule\",\"group\",\"why\"],\"properties\":{\"rule\":{\"type"
    "\":\"integer\",\"enum\":[1,5,8]},\"group\":{\"type\":\"string\"},\"facilitators\":{\"t"
    "ype\":\"array\",\"items\":{\"type\":\"string\"}},\"patients\":{\"type\":\"array\",\"it"
    "ems\":{\"type\":\"string\"}},\"why\":{\"type\":\"string\"}}}}}";

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
    if (strcmp(s, "object") == 0) /* not yet described field by field (docs/FORMAT.md) */
        return json_pack("{s:s,s:b}", "type", "object", "additionalProperties", 1);
    if (strcmp(s, "array:object") == 0) /* a whole (unpaged) list, likewise */
        return json_pack("{s:s,s:{s:s,s:b}}", "type", "array", "items", "type", "object",
                         "additionalProperties", 1);
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
