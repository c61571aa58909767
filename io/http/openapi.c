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
    "\"}}}},\"settings\":{\"$ref\":\"#/components/schemas/Settings\"},\"group_types\":{\"ty"
    "pe\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/GroupType\"}},\"groups\":{\""
    "type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Group\"}},\"rooms\":{\"typ"
    "e\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Room\"}},\"facilitators\":{\""
    "type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Facilitator\"}},\"patients"
    "\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Patient\"}}},\"examp"
    "le\":{\"program\":{\"name\":\"Sample clinic\",\"horizon\":{\"start\":\"2027-01-04\",\""
    "weeks\":13}}}},\"GroupType\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\""
    ":{\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"cpt\":{\"type\":\"stri"
    "ng\"},\"rate\":{\"type\":\"number\"},\"duration_min\":{\"type\":\"integer\"},\"min_siz"
    "e\":{\"type\":\"integer\"},\"max_size\":{\"type\":\"integer\"},\"required_credentials"
    "\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"cofacilitation\":{\"type\":"
    "\"boolean\"},\"cofacilitator_credentials\":{\"type\":\"array\",\"items\":{\"type\":\"s"
    "tring\"}},\"diagnoses\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"modalit"
    "y\":{\"type\":\"string\",\"enum\":[\"in_person\",\"telehealth\"]},\"room_features\":{"
    "\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"cadence\":{\"type\":\"string\","
    "\"enum\":[\"weekly\",\"biweekly\"]},\"age_min\":{\"type\":\"integer\"},\"age_max\":{\""
    "type\":\"integer\"},\"gender\":{\"type\":\"string\"},\"composition\":{\"type\":\"objec"
    "t\",\"properties\":{\"max_new_share\":{\"type\":\"number\"},\"max_high_acuity\":{\"typ"
    "e\":\"integer\"},\"max_age_spread\":{\"type\":\"integer\"}}}},\"example\":{\"id\":\"cb"
    "t_anxiety\",\"name\":\"CBT for anxiety\",\"duration_min\":60,\"min_size\":4,\"max_size"
    "\":10}},\"Member\":{\"type\":\"object\",\"required\":[\"patient\",\"status\"],\"proper"
    "ties\":{\"patient\":{\"type\":\"string\"},\"status\":{\"type\":\"string\",\"enum\":[\""
    "active\",\"hold_clinical\",\"hold_admin\",\"graduated\",\"dropped\"]},\"since\":{\"typ"
    "e\":\"string\",\"format\":\"date\"}}},\"Group\":{\"type\":\"object\",\"required\":[\"i"
    "d\",\"type\"],\"properties\":{\"id\":{\"type\":\"string\"},\"type\":{\"type\":\"string"
    "\"},\"optional\":{\"type\":\"boolean\"},\"pinned\":{\"type\":\"object\",\"properties\""
    ":{\"day\":{\"type\":\"string\"},\"start\":{\"type\":\"string\"},\"room\":{\"type\":\"s"
    "tring\"},\"facilitators\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"subst"
    "itute\":{\"type\":\"string\"}}},\"members\":{\"type\":\"array\",\"items\":{\"$ref\":\""
    "#/components/schemas/Member\"}}},\"example\":{\"id\":\"cbt-2\",\"type\":\"cbt_anxiety"
    "\"}},\"Room\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{\"typ"
    "e\":\"string\"},\"capacity\":{\"type\":\"integer\"},\"features\":{\"type\":\"array\","
    "\"items\":{\"type\":\"string\"}},\"available\":{\"type\":\"array\",\"items\":{\"$ref\""
    ":\"#/components/schemas/Window\"}},\"site\":{\"type\":\"string\"}},\"example\":{\"id\""
    ":\"room-c\",\"capacity\":10,\"features\":[\"whiteboard\"]}},\"Facilitator\":{\"type\":"
    "\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{\"type\":\"string\"},\"name\""
    ":{\"type\":\"string\"},\"credentials\":{\"type\":\"array\",\"items\":{\"type\":\"strin"
    "g\"}},\"available\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Win"
    "dow\"}},\"max_per_day\":{\"type\":\"integer\"},\"max_per_week\":{\"type\":\"integer\"}"
    ",\"time_off\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"fro"
    "m\":{\"type\":\"string\",\"format\":\"date\"},\"to\":{\"type\":\"string\",\"format\":"
    "\"date\"}}}}},\"example\":{\"id\":\"ana\",\"name\":\"Ana Ruiz\",\"credentials\":[\"LCS"
    "W\"]}},\"Patient\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{"
    "\"type\":\"string\"},\"diagnoses\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}"
    "},\"group_types\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"available\":{"
    "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Window\"}},\"added\":{\""
    "type\":\"string\",\"format\":\"date\"},\"acuity\":{\"type\":\"string\",\"enum\":[\"low"
    "\",\"moderate\",\"high\"]},\"age\":{\"type\":\"integer\"},\"gender\":{\"type\":\"strin"
    "g\"},\"modality\":{\"type\":\"string\",\"enum\":[\"in_person\",\"telehealth\",\"either"
    "\"]},\"screened\":{\"type\":\"boolean\"},\"insurance_verified\":{\"type\":\"boolean\"}"
    ",\"priority\":{\"type\":\"integer\",\"minimum\":0},\"authorizations\":{\"type\":\"arra"
    "y\",\"items\":{\"$ref\":\"#/components/schemas/Authorization\"}}},\"example\":{\"id\":"
    "\"P0999\",\"diagnoses\":[\"F41.1\"],\"group_types\":[\"cbt_anxiety\"],\"added\":\"2026"
    "-10-01\",\"acuity\":\"moderate\"}},\"InstanceRequest\":{\"description\":\"An instance,"
    " or {\\\"instance\\\": instance}.\",\"oneOf\":[{\"$ref\":\"#/components/schemas/Instan"
    "ce\"},{\"type\":\"object\",\"required\":[\"instance\"],\"properties\":{\"instance\":{"
    "\"$ref\":\"#/components/schemas/Instance\"}}}],\"example\":{\"program\":{\"name\":\"Sa"
    "mple clinic\",\"horizon\":{\"start\":\"2027-01-04\",\"weeks\":13}}}},\"PlanRequest\":{"
    "\"description\":\"An instance, or {\\\"instance\\\", options}.\",\"oneOf\":[{\"$ref\":"
    "\"#/components/schemas/Instance\"},{\"type\":\"object\",\"required\":[\"instance\"],\""
    "properties\":{\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},\"time_limit_s"
    "\":{\"type\":\"number\",\"description\":\"overrides settings.time_limit_s\"},\"mip_gap"
    "\":{\"type\":\"number\"},\"baseline\":{\"allOf\":[{\"$ref\":\"#/components/schemas/Sol"
    "ution\"}],\"description\":\"re-plan with fewest changes against this solution\"}}}],\""
    "example\":{\"program\":{\"name\":\"Sample clinic\",\"horizon\":{\"start\":\"2027-01-04"
    "\",\"weeks\":13}}}},\"ProgramCreate\":{\"description\":\"An instance, or {\\\"id\\\", "
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
    "r; with apply also solution and instance.\",\"required\":[\"status\",\"applied\",\"pla"
    "ced\",\"events\",\"seats\",\"referrals\",\"below_minimum\",\"figures_after\"],\"proper"
    "ties\":{\"status\":{\"type\":\"string\"},\"applied\":{\"type\":\"boolean\"},\"placed\""
    ":{\"type\":\"integer\"},\"events\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}"
    ",\"description\":\"each event in plain words\"},\"seats\":{\"type\":\"array\",\"items"
    "\":{\"type\":\"object\",\"required\":[\"group\",\"event\",\"eligible\",\"excluded_by_c"
    "omposition\",\"candidates\",\"placed\"],\"properties\":{\"group\":{\"type\":\"string\""
    "},\"event\":{\"type\":\"integer\",\"description\":\"index of the event that opened the"
    " seat\"},\"eligible\":{\"type\":\"integer\"},\"excluded_by_composition\":{\"type\":\"o"
    "bject\",\"required\":[\"max_new_share\",\"max_high_acuity\",\"max_age_spread\"],\"prop"
    "erties\":{\"max_new_share\":{\"type\":\"integer\"},\"max_high_acuity\":{\"type\":\"int"
    "eger\"},\"max_age_spread\":{\"type\":\"integer\"}}},\"excluded_by_authorization\":{\"t"
    "ype\":\"integer\",\"description\":\"screened and verified patients who fit but for a p"
    "ayer authorization\"},\"candidates\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/compo"
    "nents/schemas/FillCandidate\"}},\"placed\":{\"type\":\"string\",\"nullable\":true,\"de"
    "scription\":\"who took the seat (apply)\"}}}},\"referrals\":{\"type\":\"array\",\"item"
    "s\":{\"type\":\"object\",\"required\":[\"patient\",\"event\",\"notes\",\"groups\",\"be"
    "st_group\",\"expected_wait_days\",\"estimate\",\"placed\"],\"properties\":{\"patient\""
    ":{\"type\":\"string\"},\"event\":{\"type\":\"integer\"},\"notes\":{\"type\":\"array\","
    "\"items\":{\"type\":\"string\"}},\"groups\":{\"type\":\"array\",\"items\":{\"type\":\""
    "object\",\"required\":[\"rank\",\"group\",\"free_seats\",\"why\",\"composition_after\""
    "],\"properties\":{\"rank\":{\"type\":\"integer\"},\"group\":{\"type\":\"string\"},\"fr"
    "ee_seats\":{\"type\":\"integer\"},\"why\":{\"type\":\"array\",\"items\":{\"type\":\"st"
    "ring\"}},\"composition_after\":{\"$ref\":\"#/components/schemas/CompositionAfter\"}}}}"
    ",\"best_group\":{\"type\":\"string\",\"nullable\":true},\"expected_wait_days\":{\"type"
    "\":\"number\",\"nullable\":true},\"estimate\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"string\"},\"description\":\"what the wait estimate rests on\"},\"placed\":{\"type\":"
    "\"string\",\"nullable\":true,\"description\":\"the group they joined (apply)\"}}}},\"b"
    "elow_minimum\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"grou"
    "p\",\"size\",\"min_size\",\"size_after_fill\",\"eligible\",\"merge_into\",\"run_until"
    "\",\"options\"],\"properties\":{\"group\":{\"type\":\"string\"},\"size\":{\"type\":\"i"
    "nteger\"},\"min_size\":{\"type\":\"integer\"},\"size_after_fill\":{\"type\":\"integer"
    "\"},\"eligible\":{\"type\":\"integer\"},\"merge_into\":{\"type\":\"array\",\"items\":{"
    "\"type\":\"string\"}},\"run_until\":{\"type\":\"string\",\"format\":\"date\",\"nullabl"
    "e\":true},\"options\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}},\"figure"
    "s_before\":{\"$ref\":\"#/components/schemas/Metrics\"},\"figures_after\":{\"$ref\":\"#"
    "/components/schemas/Metrics\"},\"solution\":{\"$ref\":\"#/components/schemas/Solution"
    "\"},\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},\"check_after\":{\"type"
    "\":\"object\",\"description\":\"apply: the checker on the result\",\"required\":[\"vio"
    "lations\",\"list\"],\"properties\":{\"violations\":{\"type\":\"integer\"},\"list\":{\""
    "type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Violation\"}}}}}},\"Whatif"
    "Request\":{\"type\":\"object\",\"required\":[\"instance\",\"scenarios\"],\"properties"
    "\":{\"instance\":{\"$ref\":\"#/components/schemas/Instance\"},\"scenarios\":{\"type\":"
    "\"array\",\"description\":\"named lists of changes, as in a `cohort whatif` scenario f"
    "ile (docs/WHATIF.md)\",\"items\":{\"type\":\"object\",\"required\":[\"name\"],\"proper"
    "ties\":{\"name\":{\"type\":\"string\"},\"changes\":{\"type\":\"array\",\"items\":{\"ty"
    "pe\":\"object\",\"additionalProperties\":true}}},\"additionalProperties\":true}},\"mar"
    "ginal\":{\"type\":\"boolean\"},\"time_limit_s\":{\"type\":\"number\",\"description\":"
    "\"per plan\"},\"mip_gap\":{\"type\":\"number\"}},\"example\":{\"instance\":{\"program"
    "\":{\"name\":\"Sample clinic\"}},\"scenarios\":[{\"name\":\"one more room\",\"changes"
    "\":[]}]}},\"WhatifReport\":{\"type\":\"object\",\"description\":\"What `cohort whatif`"
    " prints as JSON: each scenario's metrics beside the baseline, and the differences.\","
    "\"required\":[\"baseline\",\"scenarios\"],\"properties\":{\"jobs\":{\"type\":\"integer"
    "\"},\"max_concurrent\":{\"type\":\"integer\"},\"parent_pid\":{\"type\":\"integer\"},\""
    "time_limit_s\":{\"type\":\"number\",\"nullable\":true},\"baseline\":{\"$ref\":\"#/comp"
    "onents/schemas/WhatifPlan\"},\"scenarios\":{\"type\":\"array\",\"items\":{\"$ref\":\"#"
    "/components/schemas/WhatifPlan\"}},\"marginal\":{\"type\":\"array\",\"items\":{\"$ref"
    "\":\"#/components/schemas/WhatifPlan\"}},\"bottlenecks\":{\"type\":\"array\",\"items\""
    ":{\"type\":\"object\",\"required\":[\"rank\",\"name\",\"placements_per_quarter\",\"rev"
    "enue_per_quarter\"],\"properties\":{\"rank\":{\"type\":\"integer\"},\"name\":{\"type\""
    ":\"string\"},\"placements_per_quarter\":{\"type\":\"number\"},\"revenue_per_quarter\":"
    "{\"type\":\"number\"},\"measurable\":{\"type\":\"boolean\"}}},\"description\":\"the ma"
    "rginal changes ranked by extra placements, then revenue\"},\"marginal_note\":{\"type\""
    ":\"string\",\"description\":\"why there are no marginal values\"}}},\"HistoryEntry\":{"
    "\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"event\":{\"type\":"
    "\"string\"},\"group\":{\"type\":\"string\",\"nullable\":true},\"patient\":{\"type\":\""
    "string\"},\"status\":{\"type\":\"string\",\"nullable\":true},\"date\":{\"type\":\"stri"
    "ng\",\"nullable\":true,\"format\":\"date\"},\"actor\":{\"type\":\"integer\",\"nullable"
    "\":true},\"at\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2026-11-29"
    "T15:42:15.123Z\"}},\"required\":[\"id\",\"event\",\"patient\"]},\"ScheduleSummary\":{"
    "\"type\":\"object\",\"properties\":{\"version\":{\"type\":\"integer\"},\"status\":{\"t"
    "ype\":\"string\"},\"objective\":{\"type\":\"number\",\"nullable\":true},\"created\":{"
    "\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2026-11-29T15:42:15.123Z\"}"
    ",\"published\":{\"type\":\"boolean\"},\"actor\":{\"type\":\"integer\",\"nullable\":tru"
    "e}},\"required\":[\"version\",\"status\",\"objective\",\"created\",\"published\",\"act"
    "or\"]},\"ScheduleSaved\":{\"type\":\"object\",\"properties\":{\"program\":{\"type\":\""
    "string\"},\"version\":{\"type\":\"integer\"},\"misreported_figures\":{\"type\":\"integ"
    "er\",\"description\":\"metrics the solution states differently from the checker's reco"
    "mputation (saved as given)\"},\"href\":{\"type\":\"string\"}},\"required\":[\"program"
    "\",\"version\",\"misreported_figures\",\"href\"]},\"Published\":{\"type\":\"object\","
    "\"properties\":{\"program\":{\"type\":\"string\"},\"published\":{\"type\":\"integer\"}"
    "},\"required\":[\"program\",\"published\"]},\"JobAccepted\":{\"type\":\"object\",\"pro"
    "perties\":{\"job\":{\"type\":\"string\"},\"status\":{\"type\":\"string\"},\"href\":{\""
    "type\":\"string\"}},\"required\":[\"job\",\"status\",\"href\"]},\"Job\":{\"type\":\"ob"
    "ject\",\"properties\":{\"job\":{\"type\":\"string\"},\"kind\":{\"type\":\"string\"},\""
    "program\":{\"type\":\"string\",\"nullable\":true,\"description\":\"a stored plan's pro"
    "gram\"},\"status\":{\"type\":\"string\",\"enum\":[\"queued\",\"running\",\"done\",\"fa"
    "iled\",\"cancelled\"]},\"created\":{\"type\":\"string\",\"format\":\"date-time\",\"exa"
    "mple\":\"2026-11-29T15:42:15.123Z\"},\"started\":{\"type\":\"string\",\"format\":\"dat"
    "e-time\",\"example\":\"2026-11-29T15:42:15.123Z\",\"nullable\":true},\"finished\":{\"t"
    "ype\":\"string\",\"format\":\"date-time\",\"example\":\"2026-11-29T15:42:15.123Z\",\"n"
    "ullable\":true},\"seconds\":{\"type\":\"number\",\"nullable\":true},\"error\":{\"type"
    "\":\"string\",\"nullable\":true},\"version\":{\"type\":\"integer\",\"nullable\":true,"
    "\"description\":\"stored plan: the saved schedule version\"},\"result\":{\"description"
    "\":\"when done: the solution (plans) or the comparison (what-if)\",\"anyOf\":[{\"$ref"
    "\":\"#/components/schemas/Solution\"},{\"$ref\":\"#/components/schemas/WhatifReport\"}"
    "]},\"attempts\":{\"type\":\"integer\",\"description\":\"runs so far (a job whose worke"
    "r died is retried once)\"},\"worker\":{\"type\":\"string\",\"description\":\"the worke"
    "r process that runs or ran it\"},\"note\":{\"type\":\"string\",\"description\":\"why t"
    "he job was retried or failed after a lost worker\"},\"parts\":{\"type\":\"object\",\"d"
    "escription\":\"a job fanned out into parts that any worker claims (a what-if: one per "
    "plan): how many are in each state; the job is done when every part finished\",\"proper"
    "ties\":{\"total\":{\"type\":\"integer\"},\"queued\":{\"type\":\"integer\"},\"running\""
    ":{\"type\":\"integer\"},\"done\":{\"type\":\"integer\"},\"failed\":{\"type\":\"integer"
    "\"},\"cancelled\":{\"type\":\"integer\"}}}},\"required\":[\"job\",\"kind\",\"status\","
    "\"created\"]},\"Health\":{\"type\":\"object\",\"properties\":{\"status\":{\"type\":\"s"
    "tring\"},\"version\":{\"type\":\"string\"},\"schema_version\":{\"type\":\"integer\"},"
    "\"glpk\":{\"type\":\"string\"},\"jobs\":{\"type\":\"object\",\"description\":\"job cou"
    "nts by state\",\"additionalProperties\":{\"type\":\"integer\"}}},\"required\":[\"statu"
    "s\",\"version\"]},\"TokenCreate\":{\"type\":\"object\",\"required\":[\"role\"],\"prope"
    "rties\":{\"role\":{\"type\":\"string\",\"enum\":[\"viewer\",\"coordinator\",\"admin\"]"
    "},\"name\":{\"type\":\"string\"}},\"example\":{\"role\":\"viewer\",\"name\":\"reportin"
    "g\"}},\"Token\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"n"
    "ame\":{\"type\":\"string\",\"nullable\":true},\"role\":{\"type\":\"string\"},\"created"
    "\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2026-11-29T15:42:15.123"
    "Z\"},\"revoked\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2026-11-2"
    "9T15:42:15.123Z\",\"nullable\":true}},\"required\":[\"id\",\"name\",\"role\",\"created"
    "\",\"revoked\"]},\"TokenCreated\":{\"type\":\"object\",\"properties\":{\"id\":{\"type"
    "\":\"integer\"},\"role\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"token"
    "\":{\"type\":\"string\",\"description\":\"the secret; shown once, stored as SHA-256 on"
    "ly\"}},\"required\":[\"id\",\"role\",\"token\"]},\"AuditEntry\":{\"type\":\"object\","
    "\"properties\":{\"id\":{\"type\":\"integer\"},\"at\":{\"type\":\"string\",\"format\":"
    "\"date-time\",\"example\":\"2026-11-29T15:42:15.123Z\"},\"actor\":{\"type\":\"integer"
    "\",\"nullable\":true,\"description\":\"token id; null = the local command line\"},\"ac"
    "tion\":{\"type\":\"string\"},\"entity\":{\"type\":\"string\"},\"program\":{\"type\":\""
    "string\",\"nullable\":true},\"before\":{\"type\":\"object\",\"nullable\":true,\"additi"
    "onalProperties\":true,\"description\":\"the record before the change (null: none)\"},"
    "\"after\":{\"type\":\"object\",\"nullable\":true,\"additionalProperties\":true,\"descr"
    "iption\":\"the record after the change (null: none)\"}},\"required\":[\"id\",\"at\",\""
    "actor\",\"action\",\"entity\",\"program\",\"before\",\"after\"]},\"Metrics\":{\"type\""
    ":\"object\",\"description\":\"SPEC Outputs: the solution's figures\",\"properties\":{"
    "\"placed\":{\"type\":\"integer\"},\"waitlist_before\":{\"type\":\"integer\"},\"waitlis"
    "t_after\":{\"type\":\"integer\"},\"seats\":{\"type\":\"integer\"},\"seats_filled\":{\""
    "type\":\"integer\"},\"groups_running\":{\"type\":\"integer\"},\"member_sessions\":{\"t"
    "ype\":\"integer\"},\"projected_revenue\":{\"type\":\"number\"},\"facilitator_load\":{"
    "\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}},\"mean_wait_days_p"
    "laced\":{\"type\":\"number\"},\"uncovered_sessions\":{\"type\":\"integer\"},\"per_type"
    "\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"object\",\"additionalProp"
    "erties\":{\"type\":\"number\"}}}},\"additionalProperties\":true},\"ObjectiveTerms\":{"
    "\"type\":\"object\",\"description\":\"the objective's terms by name\",\"additionalProp"
    "erties\":{\"type\":\"number\"},\"example\":{\"placement\":10000.0,\"wait\":5270.57}},"
    "\"WhatifSummary\":{\"type\":\"object\",\"description\":\"the figures compared (docs/WH"
    "ATIF.md)\",\"properties\":{\"groups_running\":{\"type\":\"integer\"},\"placed\":{\"typ"
    "e\":\"integer\"},\"waitlist_after\":{\"type\":\"integer\"},\"seats\":{\"type\":\"integ"
    "er\"},\"seats_filled\":{\"type\":\"integer\"},\"member_sessions\":{\"type\":\"integer"
    "\"},\"projected_revenue\":{\"type\":\"number\"},\"load_mean\":{\"type\":\"number\"},\""
    "load_max\":{\"type\":\"number\"},\"uncovered_sessions\":{\"type\":\"integer\"},\"mean_"
    "wait_days_placed\":{\"type\":\"number\"}}},\"WhatifPlan\":{\"type\":\"object\",\"descr"
    "iption\":\"one plan of a what-if: the baseline or a scenario\",\"required\":[\"name\","
    "\"status\"],\"properties\":{\"name\":{\"type\":\"string\"},\"status\":{\"type\":\"stri"
    "ng\"},\"ok\":{\"type\":\"boolean\"},\"objective\":{\"type\":\"number\",\"nullable\":tr"
    "ue},\"bound\":{\"type\":\"number\",\"nullable\":true},\"gap\":{\"type\":\"number\",\"n"
    "ullable\":true},\"solve_seconds\":{\"type\":\"number\",\"nullable\":true},\"metrics\":"
    "{\"$ref\":\"#/components/schemas/Metrics\"},\"summary\":{\"$ref\":\"#/components/schem"
    "as/WhatifSummary\"},\"worker_pid\":{\"type\":\"integer\",\"nullable\":true},\"worker_s"
    "econds\":{\"type\":\"number\",\"nullable\":true},\"differences\":{\"type\":\"object\","
    "\"nullable\":true,\"allOf\":[{\"$ref\":\"#/components/schemas/WhatifDifferences\"}],\""
    "description\":\"null for the baseline and for a scenario without a schedule\"},\"error"
    "s\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}},\"warning"
    "s\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}},\"error\""
    ":{\"type\":\"string\"},\"diagnosis\":{\"type\":\"array\",\"items\":{\"type\":\"string"
    "\"}},\"noise\":{\"type\":\"number\",\"description\":\"the larger of the two plans' abs"
    "olute gaps: differences within it are noise\"},\"measurable\":{\"type\":\"boolean\",\""
    "description\":\"false when |differences.objective| <= noise: no measurable change\"},"
    "\"warm_start\":{\"type\":\"object\",\"description\":\"a capacity-only scenario started"
    " from the baseline's schedule\",\"properties\":{\"used\":{\"type\":\"boolean\"},\"kept"
    "_baseline\":{\"type\":\"boolean\"},\"note\":{\"type\":\"string\"}}},\"exceptions\":{\""
    "type\":\"array\",\"description\":\"relaxed plan of an infeasible scenario: each hard r"
    "ule it breaks\",\"items\":{\"$ref\":\"#/components/schemas/Exception\"}},\"placements_"
    "delta\":{\"type\":\"number\",\"description\":\"marginal: extra placements against the "
    "baseline\"},\"revenue_delta\":{\"type\":\"number\",\"description\":\"marginal: extra p"
    "rojected revenue against the baseline\"},\"rank\":{\"type\":\"integer\",\"description"
    "\":\"marginal: rank among the marginal changes\"},\"added\":{\"type\":\"object\",\"des"
    "cription\":\"marginal: what the change adds (a facilitator like an existing one, or a "
    "room)\",\"required\":[\"kind\",\"id\"],\"properties\":{\"kind\":{\"type\":\"string\","
    "\"enum\":[\"facilitator\",\"room\"]},\"id\":{\"type\":\"string\"},\"credential\":{\"ty"
    "pe\":\"string\",\"description\":\"facilitator: the credential added\"},\"credentials\""
    ":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"windows_and_caps_of\":{\"type"
    "\":\"string\",\"description\":\"facilitator: whose windows and caps it copies\"},\"cop"
    "y_of\":{\"type\":\"string\",\"description\":\"room: the room it copies\"}}}}},\"Calend"
    "ar\":{\"type\":\"object\",\"required\":[\"id\",\"for\",\"version\",\"created\"],\"prop"
    "erties\":{\"id\":{\"type\":\"integer\"},\"for\":{\"type\":\"string\",\"example\":\"fac"
    "ilitator:chen\"},\"version\":{\"$ref\":\"#/components/schemas/VersionSelector\"},\"cre"
    "ated\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2026-11-29T15:42:15"
    ".123Z\"},\"revoked\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2026-"
    "11-29T15:42:15.123Z\",\"nullable\":true}}},\"VersionSelector\":{\"description\":\"a ve"
    "rsion number or a keyword (latest: deprecated)\",\"oneOf\":[{\"type\":\"integer\",\"mi"
    "nimum\":1},{\"type\":\"string\",\"enum\":[\"published\",\"newest\",\"latest\"]}]},\"Ca"
    "lendarCreate\":{\"type\":\"object\",\"properties\":{\"for\":{\"type\":\"string\",\"def"
    "ault\":\"program\",\"example\":\"facilitator:chen\"},\"version\":{\"$ref\":\"#/compone"
    "nts/schemas/VersionSelector\"}},\"example\":{\"for\":\"facilitator:chen\",\"version\":"
    "\"published\"}},\"CalendarCreated\":{\"type\":\"object\",\"required\":[\"id\",\"for\","
    "\"version\",\"url\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"for\":{\"type\":"
    "\"string\"},\"version\":{\"$ref\":\"#/components/schemas/VersionSelector\"},\"url\":{"
    "\"type\":\"string\",\"example\":\"/v1/calendars/Xb4kq0w2cYb1sTz5.ics\"}}},\"OpenApiDoc"
    "ument\":{\"type\":\"object\",\"description\":\"an OpenAPI 3.0 document\",\"required\":"
    "[\"openapi\",\"info\",\"paths\"],\"properties\":{\"openapi\":{\"type\":\"string\"},\"i"
    "nfo\":{\"type\":\"object\",\"additionalProperties\":true},\"paths\":{\"type\":\"object"
    "\",\"additionalProperties\":true},\"components\":{\"type\":\"object\",\"additionalProp"
    "erties\":true},\"servers\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"additi"
    "onalProperties\":true}},\"security\":{\"type\":\"array\",\"items\":{\"type\":\"object"
    "\",\"additionalProperties\":true}}}},\"Whoami\":{\"type\":\"object\",\"required\":[\"t"
    "oken\",\"role\"],\"properties\":{\"token\":{\"type\":\"integer\",\"description\":\"the"
    " token's id\"},\"role\":{\"type\":\"string\",\"enum\":[\"viewer\",\"coordinator\",\"ad"
    "min\"]}}},\"Exception\":{\"type\":\"object\",\"description\":\"relaxed plan of an infe"
    "asible program: one hard rule it breaks (docs/FORMAT.md)\",\"required\":[\"rule\",\"gr"
    "oup\",\"why\"],\"properties\":{\"rule\":{\"type\":\"integer\",\"enum\":[1,5,8]},\"grou"
    "p\":{\"type\":\"string\"},\"facilitators\":{\"type\":\"array\",\"items\":{\"type\":\"s"
    "tring\"}},\"patients\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"why\":{"
    "\"type\":\"string\"}}},\"NoShowPolicy\":{\"type\":\"object\",\"description\":\"When at"
    "tendance raises flags (docs/FORMAT.md \\\"No-show policy\\\").\",\"properties\":{\"rev"
    "iew_consecutive_no_shows\":{\"type\":\"integer\",\"minimum\":0,\"default\":2,\"descrip"
    "tion\":\"consecutive no-shows that flag a member for review; 0 = off\"},\"drop_consecu"
    "tive_no_shows\":{\"type\":\"integer\",\"minimum\":0,\"default\":3,\"description\":\"co"
    "nsecutive no-shows that recommend a drop; 0 = off\"},\"drop_absences\":{\"type\":\"int"
    "eger\",\"minimum\":0,\"default\":4,\"description\":\"no-shows plus late cancels in the"
    " window that recommend a drop; 0 = off\"},\"absence_window_weeks\":{\"type\":\"integer"
    "\",\"minimum\":1,\"default\":8,\"description\":\"the window, in weeks, ending at the l"
    "atest mark\"},\"review_late_cancels\":{\"type\":\"integer\",\"minimum\":0,\"default\":"
    "3,\"description\":\"late cancels in the window that flag for review; 0 = off\"}},\"exa"
    "mple\":{\"review_consecutive_no_shows\":2,\"drop_consecutive_no_shows\":3,\"drop_absen"
    "ces\":4,\"absence_window_weeks\":8,\"review_late_cancels\":3}},\"Weights\":{\"type\":"
    "\"object\",\"description\":\"Objective weights, each a number >= 0 (docs/FORMAT.md "
    "\\\"settings\\\").\",\"properties\":{\"placement\":{\"type\":\"number\",\"minimum\":0,"
    "\"default\":100,\"description\":\"per placed patient\"},\"wait_per_week\":{\"type\":\""
    "number\",\"minimum\":0,\"default\":2,\"description\":\"per week a placed patient waite"
    "d\"},\"priority\":{\"type\":\"number\",\"minimum\":0,\"default\":10,\"description\":\""
    "per unit of a placed patient's priority\"},\"empty_seat\":{\"type\":\"number\",\"minim"
    "um\":0,\"default\":5,\"description\":\"penalty per unfilled seat of a running group\"}"
    ",\"load_balance\":{\"type\":\"number\",\"minimum\":0,\"default\":1,\"description\":\"p"
    "enalty per group between the most and least loaded facilitator\"},\"change\":{\"type\""
    ":\"number\",\"minimum\":0,\"default\":0,\"description\":\"penalty per change against a"
    " baseline schedule\"}},\"example\":{\"placement\":100,\"wait_per_week\":2}},\"Settings"
    "\":{\"type\":\"object\",\"description\":\"Planner and clinic settings (docs/FORMAT.md "
    "\\\"settings\\\"); every field is optional with the default shown.\",\"properties\":{"
    "\"max_groups_per_day\":{\"type\":\"integer\",\"minimum\":0,\"default\":4,\"description"
    "\":\"most groups a facilitator leads or co-leads on one day\"},\"max_groups_per_week\""
    ":{\"type\":\"integer\",\"minimum\":0,\"default\":12,\"description\":\"most groups a fa"
    "cilitator leads a week\"},\"min_break_min\":{\"type\":\"integer\",\"minimum\":0,\"defa"
    "ult\":0,\"description\":\"minutes a facilitator needs between two groups\"},\"max_cons"
    "ecutive_cover\":{\"type\":\"integer\",\"minimum\":0,\"default\":3,\"description\":\"mo"
    "st consecutive sessions of one group a substitute may cover\"},\"time_limit_s\":{\"typ"
    "e\":\"number\",\"maximum\":86400,\"default\":60,\"description\":\"wall-clock limit in "
    "seconds, in (0, 86400]\"},\"mip_gap\":{\"type\":\"number\",\"minimum\":0,\"default\":0"
    ".005,\"description\":\"relative gap at which the solver stops\"},\"weights\":{\"$ref\""
    ":\"#/components/schemas/Weights\"},\"seed\":{\"type\":\"integer\",\"default\":1,\"desc"
    "ription\":\"seed for randomised heuristics\"},\"on_infeasible\":{\"type\":\"string\","
    "\"enum\":[\"relax\",\"fail\"],\"default\":\"relax\",\"description\":\"relax: a relaxed"
    " plan with its exceptions; fail: the diagnosis only\"},\"late_cancel_hours\":{\"type\""
    ":\"number\",\"minimum\":0,\"default\":24,\"description\":\"a member's cancellation wit"
    "h less notice is a late_cancel\"},\"offer_ttl_hours\":{\"type\":\"number\",\"default\""
    ":48,\"description\":\"hours after which an open seat offer expires, > 0\"},\"require_a"
    "uthorization\":{\"type\":\"boolean\",\"default\":false,\"description\":\"place a patie"
    "nt only where a payer authorization with units left covers the group\"},\"min_authoriz"
    "ed_sessions\":{\"type\":\"integer\",\"minimum\":0,\"default\":1,\"description\":\"sess"
    "ions an authorization must have units left for\"},\"no_show_policy\":{\"$ref\":\"#/com"
    "ponents/schemas/NoShowPolicy\"}},\"example\":{\"time_limit_s\":30,\"require_authorizat"
    "ion\":true,\"min_authorized_sessions\":4}},\"Authorization\":{\"type\":\"object\",\"de"
    "scription\":\"A payer authorization (docs/FORMAT.md \\\"Payer authorizations\\\").\","
    "\"required\":[\"payer\",\"cpt\",\"units\",\"from\",\"to\"],\"properties\":{\"payer\":{"
    "\"type\":\"string\",\"example\":\"Aetna\"},\"cpt\":{\"type\":\"string\",\"enum\":[\"90"
    "853\",\"90849\"]},\"units\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"sess"
    "ions authorized\"},\"used\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"unit"
    "s already used by attended sessions the program does not record (default 0)\"},\"from"
    "\":{\"type\":\"string\",\"format\":\"date\",\"example\":\"2027-01-05\"},\"to\":{\"type"
    "\":\"string\",\"format\":\"date\",\"example\":\"2027-03-31\"}},\"example\":{\"payer\":"
    "\"Aetna\",\"cpt\":\"90853\",\"units\":12,\"from\":\"2027-01-01\",\"to\":\"2027-03-31\""
    "}},\"AttendanceRequest\":{\"type\":\"object\",\"description\":\"One session's attendan"
    "ce: marks, or the clinic's cancellation.\",\"required\":[\"group\",\"date\"],\"propert"
    "ies\":{\"group\":{\"type\":\"string\",\"example\":\"dbt-tue-pm\"},\"date\":{\"type\":"
    "\"string\",\"format\":\"date\",\"example\":\"2027-01-05\"},\"marks\":{\"type\":\"array"
    "\",\"items\":{\"type\":\"object\",\"required\":[\"patient\",\"status\"],\"properties\""
    ":{\"patient\":{\"type\":\"string\",\"example\":\"P0001\"},\"status\":{\"type\":\"strin"
    "g\",\"enum\":[\"present\",\"late\",\"late_cancel\",\"no_show\",\"excused\",\"cancel\"]"
    ",\"description\":\"a mark, or \\\"cancel\\\" with notice_hours (classified by settings"
    ".late_cancel_hours)\"},\"notice_hours\":{\"type\":\"number\",\"minimum\":0,\"descripti"
    "on\":\"hours of notice of a \\\"cancel\\\"\"},\"note\":{\"type\":\"string\"}}},\"descr"
    "iption\":\"one mark per member\"},\"cancelled\":{\"type\":\"object\",\"description\":"
    "\"the clinic cancelled the session: counts against nobody\",\"required\":[\"reason\"],"
    "\"properties\":{\"reason\":{\"type\":\"string\",\"example\":\"facilitator ill\"}}},\"c"
    "orrect\":{\"type\":\"boolean\",\"description\":\"true: replace marks recorded before ("
    "else a second mark is refused)\"}},\"example\":{\"group\":\"dbt-tue-pm\",\"date\":\"20"
    "27-01-05\",\"marks\":[{\"patient\":\"P0001\",\"status\":\"present\"},{\"patient\":\"P0"
    "003\",\"status\":\"cancel\",\"notice_hours\":5}]}},\"AttendanceFlag\":{\"type\":\"obje"
    "ct\",\"description\":\"A member's attendance under settings.no_show_policy.\",\"requir"
    "ed\":[\"group\",\"patient\",\"status\",\"sessions\",\"attended\",\"consecutive_no_show"
    "s\",\"no_shows\",\"late_cancels\",\"absences\",\"review\",\"recommend_drop\",\"reasons"
    "\"],\"properties\":{\"group\":{\"type\":\"string\"},\"patient\":{\"type\":\"string\"},"
    "\"status\":{\"type\":\"string\",\"enum\":[\"active\",\"hold_clinical\",\"hold_admin\","
    "\"graduated\",\"dropped\"]},\"sessions\":{\"type\":\"integer\",\"description\":\"marks"
    " other than the clinic's cancellations\"},\"attended\":{\"type\":\"integer\",\"descrip"
    "tion\":\"present + late\"},\"consecutive_no_shows\":{\"type\":\"integer\"},\"no_shows"
    "\":{\"type\":\"integer\",\"description\":\"in the window\"},\"late_cancels\":{\"type\""
    ":\"integer\",\"description\":\"in the window\"},\"absences\":{\"type\":\"integer\",\"d"
    "escription\":\"no-shows + late cancels in the window\"},\"review\":{\"type\":\"boolean"
    "\"},\"recommend_drop\":{\"type\":\"boolean\"},\"reasons\":{\"type\":\"array\",\"items"
    "\":{\"type\":\"string\"},\"description\":\"the policy rules that raised the flags\"}},"
    "\"example\":{\"group\":\"dbt-tue-pm\",\"patient\":\"P0003\",\"status\":\"active\",\"se"
    "ssions\":4,\"attended\":1,\"consecutive_no_shows\":2,\"no_shows\":2,\"late_cancels\":1"
    ",\"absences\":3,\"review\":true,\"recommend_drop\":false,\"reasons\":[\"2 consecutive "
    "no-shows: review (policy: 2)\"]}},\"AttendanceResult\":{\"type\":\"object\",\"required"
    "\":[\"group\",\"date\",\"schedule_version\",\"recorded\",\"cancelled\",\"flags\"],\"pr"
    "operties\":{\"group\":{\"type\":\"string\"},\"date\":{\"type\":\"string\",\"format\":"
    "\"date\",\"example\":\"2027-01-05\"},\"schedule_version\":{\"type\":\"integer\",\"desc"
    "ription\":\"the schedule whose sessions were checked\"},\"recorded\":{\"type\":\"array"
    "\",\"items\":{\"type\":\"object\",\"required\":[\"group\",\"date\",\"patient\",\"statu"
    "s\",\"previous\"],\"properties\":{\"group\":{\"type\":\"string\"},\"date\":{\"type\":"
    "\"string\",\"format\":\"date\",\"example\":\"2027-01-05\"},\"patient\":{\"type\":\"str"
    "ing\"},\"status\":{\"type\":\"string\",\"enum\":[\"present\",\"late\",\"late_cancel\","
    "\"no_show\",\"excused\",\"cancelled\"]},\"previous\":{\"type\":\"string\",\"nullable\""
    ":true,\"enum\":[\"present\",\"late\",\"late_cancel\",\"no_show\",\"excused\",\"cancell"
    "ed\",null],\"description\":\"the mark a correction replaced\"}}}},\"cancelled\":{\"typ"
    "e\":\"string\",\"nullable\":true,\"description\":\"the clinic's reason when it cancell"
    "ed the session\"},\"flags\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/sch"
    "emas/AttendanceFlag\"},\"description\":\"every member's flags after this session\"}},"
    "\"example\":{\"group\":\"dbt-tue-pm\",\"date\":\"2027-01-26\",\"schedule_version\":1,"
    "\"recorded\":[{\"group\":\"dbt-tue-pm\",\"date\":\"2027-01-26\",\"patient\":\"P0003\","
    "\"status\":\"late_cancel\",\"previous\":null}],\"cancelled\":null,\"flags\":[{\"group"
    "\":\"dbt-tue-pm\",\"patient\":\"P0003\",\"status\":\"active\",\"sessions\":4,\"attende"
    "d\":1,\"consecutive_no_shows\":2,\"no_shows\":2,\"late_cancels\":1,\"absences\":3,\"re"
    "view\":true,\"recommend_drop\":false,\"reasons\":[\"2 consecutive no-shows: review (po"
    "licy: 2)\"]}]}},\"AttendanceMark\":{\"type\":\"object\",\"required\":[\"group\",\"date"
    "\",\"patient\",\"status\",\"note\",\"actor\",\"at\"],\"properties\":{\"group\":{\"type"
    "\":\"string\"},\"date\":{\"type\":\"string\",\"format\":\"date\",\"example\":\"2027-01"
    "-05\"},\"patient\":{\"type\":\"string\",\"nullable\":true,\"description\":\"null for a"
    " session the clinic cancelled\"},\"status\":{\"type\":\"string\",\"enum\":[\"present\""
    ",\"late\",\"late_cancel\",\"no_show\",\"excused\",\"cancelled\"]},\"note\":{\"type\":"
    "\"string\",\"nullable\":true,\"description\":\"the note, or the clinic's reason\"},\"a"
    "ctor\":{\"type\":\"integer\",\"nullable\":true,\"description\":\"the token that record"
    "ed it\"},\"at\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2027-02-10"
    "T09:00:00Z\"}},\"example\":{\"group\":\"dbt-tue-pm\",\"date\":\"2027-01-26\",\"patient"
    "\":\"P0003\",\"status\":\"late_cancel\",\"note\":null,\"actor\":1,\"at\":\"2027-01-26T"
    "18:40:12.345Z\"}},\"AttendanceFlags\":{\"type\":\"object\",\"description\":\"Who needs"
    " a call (flagged members), or with all=true every current member.\",\"required\":[\"me"
    "mbers\"],\"properties\":{\"members\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/compo"
    "nents/schemas/AttendanceFlag\"}}}},\"AttendanceConfirm\":{\"type\":\"object\",\"requir"
    "ed\":[\"group\",\"patient\",\"action\"],\"properties\":{\"group\":{\"type\":\"string\""
    ",\"example\":\"dbt-tue-pm\"},\"patient\":{\"type\":\"string\",\"example\":\"P0003\"},"
    "\"action\":{\"type\":\"string\",\"enum\":[\"drop\",\"hold_admin\"]},\"date\":{\"type\""
    ":\"string\",\"format\":\"date\",\"example\":\"2027-01-05\"}},\"example\":{\"group\":\""
    "dbt-tue-pm\",\"patient\":\"P0003\",\"action\":\"drop\",\"date\":\"2027-02-10\"}},\"Con"
    "firmResult\":{\"type\":\"object\",\"properties\":{\"recorded\":{\"type\":\"array\",\"i"
    "tems\":{\"$ref\":\"#/components/schemas/HistoryEntry\"}},\"schedule_version\":{\"type"
    "\":\"integer\",\"description\":\"the schedule the suggestions are ranked against\"},\""
    "suggestions\":{\"type\":\"object\",\"nullable\":true,\"allOf\":[{\"$ref\":\"#/componen"
    "ts/schemas/FillReport\"}],\"description\":\"null when no schedule is saved (see note) "
    "or fill refused the events (see errors)\"},\"note\":{\"type\":\"string\"},\"errors\":{"
    "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Issue\"}},\"confirmed\":"
    "{\"type\":\"string\",\"enum\":[\"drop\",\"hold_admin\"]},\"flags\":{\"type\":\"object"
    "\",\"nullable\":true,\"allOf\":[{\"$ref\":\"#/components/schemas/AttendanceFlag\"}],\""
    "description\":\"the member's flags when the action was confirmed\"}},\"required\":[\"r"
    "ecorded\",\"confirmed\",\"flags\"],\"description\":\"As EventsResult, with the confirm"
    "ed action and the flags that recommended it.\"},\"Roster\":{\"type\":\"object\",\"desc"
    "ription\":\"The members expected at a dated session.\",\"required\":[\"group\",\"date"
    "\",\"members\"],\"properties\":{\"group\":{\"type\":\"string\"},\"date\":{\"type\":\"s"
    "tring\",\"format\":\"date\",\"example\":\"2027-01-05\"},\"members\":{\"type\":\"array"
    "\",\"items\":{\"type\":\"object\",\"required\":[\"patient\",\"status\",\"last_4_weeks"
    "\",\"flags\"],\"properties\":{\"patient\":{\"type\":\"string\"},\"status\":{\"type\":"
    "\"string\",\"enum\":[\"active\",\"hold_clinical\",\"hold_admin\",\"graduated\",\"dropp"
    "ed\"]},\"last_4_weeks\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required"
    "\":[\"date\",\"status\"],\"properties\":{\"date\":{\"type\":\"string\",\"format\":\"da"
    "te\",\"example\":\"2027-01-05\"},\"status\":{\"type\":\"string\",\"enum\":[\"present\""
    ",\"late\",\"late_cancel\",\"no_show\",\"excused\",\"cancelled\"]}}}},\"flags\":{\"type"
    "\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"on hold, flagged for re"
    "view, authorization expiring this week, visit cap within 2 sessions, no authorization "
    "covers this session\"}}}}},\"example\":{\"group\":\"dbt-tue-pm\",\"date\":\"2027-02-16"
    "\",\"members\":[{\"patient\":\"P0002\",\"status\":\"active\",\"last_4_weeks\":[{\"date"
    "\":\"2027-01-19\",\"status\":\"late\"},{\"date\":\"2027-01-26\",\"status\":\"late\"},{"
    "\"date\":\"2027-02-09\",\"status\":\"late\"}],\"flags\":[\"authorization expiring this"
    " week (Aetna 90853)\",\"visit cap within 2 sessions (1 left)\"]}]}},\"AuthorizationSta"
    "te\":{\"type\":\"object\",\"required\":[\"patient\",\"payer\",\"cpt\",\"from\",\"to\","
    "\"units\",\"units_used\",\"units_left\",\"runs_out\"],\"properties\":{\"patient\":{\"t"
    "ype\":\"string\"},\"payer\":{\"type\":\"string\"},\"cpt\":{\"type\":\"string\"},\"from"
    "\":{\"type\":\"string\",\"format\":\"date\",\"example\":\"2027-01-05\"},\"to\":{\"type"
    "\":\"string\",\"format\":\"date\",\"example\":\"2027-01-05\"},\"units\":{\"type\":\"in"
    "teger\"},\"units_used\":{\"type\":\"integer\",\"description\":\"used by attended sessi"
    "ons before the day counted from (and authorizations[].used)\"},\"units_left\":{\"type"
    "\":\"integer\",\"description\":\"units less units_used, never below 0\"},\"runs_out\":"
    "{\"type\":\"string\",\"format\":\"date\",\"nullable\":true,\"description\":\"the last "
    "covered session, when within the days asked\"}},\"example\":{\"patient\":\"P0002\",\"p"
    "ayer\":\"Aetna\",\"cpt\":\"90853\",\"from\":\"2027-01-01\",\"to\":\"2027-03-31\",\"uni"
    "ts\":6,\"units_used\":5,\"units_left\":1,\"runs_out\":\"2027-02-16\"}},\"Authorization"
    "sExpiring\":{\"type\":\"object\",\"required\":[\"authorizations\"],\"properties\":{\"a"
    "uthorizations\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Authori"
    "zationState\"}}}},\"CensusTotals\":{\"type\":\"object\",\"required\":[\"sessions_sched"
    "uled\",\"sessions_cancelled\",\"sessions_held\",\"attended_member_sessions\",\"no_show"
    "s\",\"late_cancels\",\"excused\",\"attendance_rate\",\"no_show_rate\",\"utilisation\","
    "\"projected_revenue\",\"actual_revenue\",\"revenue_per_session\",\"billable_units\"],"
    "\"properties\":{\"sessions_scheduled\":{\"type\":\"integer\"},\"sessions_cancelled\":{"
    "\"type\":\"integer\",\"description\":\"by the clinic\"},\"sessions_held\":{\"type\":\""
    "integer\",\"description\":\"with marks, not cancelled\"},\"attended_member_sessions\":"
    "{\"type\":\"integer\"},\"no_shows\":{\"type\":\"integer\"},\"late_cancels\":{\"type\":"
    "\"integer\"},\"excused\":{\"type\":\"integer\"},\"attendance_rate\":{\"type\":\"number"
    "\",\"minimum\":0,\"maximum\":1,\"description\":\"attended / marks\"},\"no_show_rate\":"
    "{\"type\":\"number\",\"minimum\":0,\"maximum\":1,\"description\":\"no-shows / marks\"}"
    ",\"utilisation\":{\"type\":\"number\",\"minimum\":0,\"description\":\"attended / seats"
    " of held sessions (facilitators: held / scheduled)\"},\"projected_revenue\":{\"type\":"
    "\"number\",\"description\":\"from the schedule\"},\"actual_revenue\":{\"type\":\"numbe"
    "r\",\"description\":\"from attendance\"},\"revenue_per_session\":{\"type\":\"number\","
    "\"description\":\"actual revenue per held session\"},\"billable_units\":{\"type\":\"ob"
    "ject\",\"description\":\"billable units per CPT code\",\"additionalProperties\":{\"typ"
    "e\":\"integer\"},\"example\":{\"90853\":17}}}},\"CensusGroup\":{\"type\":\"object\",\""
    "required\":[\"sessions_scheduled\",\"sessions_cancelled\",\"sessions_held\",\"attended"
    "_member_sessions\",\"no_shows\",\"late_cancels\",\"excused\",\"attendance_rate\",\"no_"
    "show_rate\",\"utilisation\",\"projected_revenue\",\"actual_revenue\",\"revenue_per_ses"
    "sion\",\"group\",\"type\",\"enrolled\",\"active\",\"billable_units\"],\"properties\":{"
    "\"sessions_scheduled\":{\"type\":\"integer\"},\"sessions_cancelled\":{\"type\":\"integ"
    "er\",\"description\":\"by the clinic\"},\"sessions_held\":{\"type\":\"integer\",\"desc"
    "ription\":\"with marks, not cancelled\"},\"attended_member_sessions\":{\"type\":\"inte"
    "ger\"},\"no_shows\":{\"type\":\"integer\"},\"late_cancels\":{\"type\":\"integer\"},\"e"
    "xcused\":{\"type\":\"integer\"},\"attendance_rate\":{\"type\":\"number\",\"minimum\":0"
    ",\"maximum\":1,\"description\":\"attended / marks\"},\"no_show_rate\":{\"type\":\"numb"
    "er\",\"minimum\":0,\"maximum\":1,\"description\":\"no-shows / marks\"},\"utilisation\""
    ":{\"type\":\"number\",\"minimum\":0,\"description\":\"attended / seats of held session"
    "s (facilitators: held / scheduled)\"},\"projected_revenue\":{\"type\":\"number\",\"des"
    "cription\":\"from the schedule\"},\"actual_revenue\":{\"type\":\"number\",\"descriptio"
    "n\":\"from attendance\"},\"revenue_per_session\":{\"type\":\"number\",\"description\":"
    "\"actual revenue per held session\"},\"group\":{\"type\":\"string\"},\"type\":{\"type"
    "\":\"string\"},\"enrolled\":{\"type\":\"integer\",\"description\":\"members on the ros"
    "ter during the period (roster events)\"},\"active\":{\"type\":\"integer\",\"descriptio"
    "n\":\"of those, attended at least once in the period\"},\"billable_units\":{\"type\":"
    "\"object\",\"description\":\"billable units per CPT code\",\"additionalProperties\":{"
    "\"type\":\"integer\"},\"example\":{\"90853\":17}}},\"example\":{\"sessions_scheduled\""
    ":4,\"sessions_cancelled\":0,\"sessions_held\":4,\"attended_member_sessions\":17,\"no_s"
    "hows\":2,\"late_cancels\":1,\"excused\":0,\"attendance_rate\":0.85,\"no_show_rate\":0."
    "1,\"utilisation\":0.425,\"projected_revenue\":2740.0,\"actual_revenue\":1164.5,\"reven"
    "ue_per_session\":291.125,\"billable_units\":{\"90853\":17},\"group\":\"dbt-tue-pm\",\""
    "type\":\"dbt_skills\",\"enrolled\":7,\"active\":5}},\"CensusType\":{\"type\":\"object"
    "\",\"required\":[\"sessions_scheduled\",\"sessions_cancelled\",\"sessions_held\",\"att"
    "ended_member_sessions\",\"no_shows\",\"late_cancels\",\"excused\",\"attendance_rate\","
    "\"no_show_rate\",\"utilisation\",\"projected_revenue\",\"actual_revenue\",\"revenue_pe"
    "r_session\",\"type\",\"waitlist_depth\",\"billable_units\"],\"properties\":{\"sessions"
    "_scheduled\":{\"type\":\"integer\"},\"sessions_cancelled\":{\"type\":\"integer\",\"des"
    "cription\":\"by the clinic\"},\"sessions_held\":{\"type\":\"integer\",\"description\":"
    "\"with marks, not cancelled\"},\"attended_member_sessions\":{\"type\":\"integer\"},\"n"
    "o_shows\":{\"type\":\"integer\"},\"late_cancels\":{\"type\":\"integer\"},\"excused\":{"
    "\"type\":\"integer\"},\"attendance_rate\":{\"type\":\"number\",\"minimum\":0,\"maximum"
    "\":1,\"description\":\"attended / marks\"},\"no_show_rate\":{\"type\":\"number\",\"min"
    "imum\":0,\"maximum\":1,\"description\":\"no-shows / marks\"},\"utilisation\":{\"type\""
    ":\"number\",\"minimum\":0,\"description\":\"attended / seats of held sessions (facilit"
    "ators: held / scheduled)\"},\"projected_revenue\":{\"type\":\"number\",\"description\""
    ":\"from the schedule\"},\"actual_revenue\":{\"type\":\"number\",\"description\":\"from"
    " attendance\"},\"revenue_per_session\":{\"type\":\"number\",\"description\":\"actual r"
    "evenue per held session\"},\"type\":{\"type\":\"string\"},\"waitlist_depth\":{\"type\""
    ":\"integer\",\"description\":\"waitlisted patients who fit the type\"},\"billable_unit"
    "s\":{\"type\":\"object\",\"description\":\"billable units per CPT code\",\"additionalP"
    "roperties\":{\"type\":\"integer\"},\"example\":{\"90853\":17}}}},\"CensusFacilitator\""
    ":{\"type\":\"object\",\"required\":[\"sessions_scheduled\",\"sessions_cancelled\",\"se"
    "ssions_held\",\"attended_member_sessions\",\"no_shows\",\"late_cancels\",\"excused\","
    "\"attendance_rate\",\"no_show_rate\",\"utilisation\",\"projected_revenue\",\"actual_re"
    "venue\",\"revenue_per_session\",\"facilitator\"],\"properties\":{\"sessions_scheduled"
    "\":{\"type\":\"integer\"},\"sessions_cancelled\":{\"type\":\"integer\",\"description\""
    ":\"by the clinic\"},\"sessions_held\":{\"type\":\"integer\",\"description\":\"with mar"
    "ks, not cancelled\"},\"attended_member_sessions\":{\"type\":\"integer\"},\"no_shows\":"
    "{\"type\":\"integer\"},\"late_cancels\":{\"type\":\"integer\"},\"excused\":{\"type\":"
    "\"integer\"},\"attendance_rate\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1,\"de"
    "scription\":\"attended / marks\"},\"no_show_rate\":{\"type\":\"number\",\"minimum\":0,"
    "\"maximum\":1,\"description\":\"no-shows / marks\"},\"utilisation\":{\"type\":\"number"
    "\",\"minimum\":0,\"description\":\"attended / seats of held sessions (facilitators: he"
    "ld / scheduled)\"},\"projected_revenue\":{\"type\":\"number\",\"description\":\"from t"
    "he schedule\"},\"actual_revenue\":{\"type\":\"number\",\"description\":\"from attendan"
    "ce\"},\"revenue_per_session\":{\"type\":\"number\",\"description\":\"actual revenue pe"
    "r held session\"},\"facilitator\":{\"type\":\"string\"}}},\"Census\":{\"type\":\"objec"
    "t\",\"description\":\"Census and billing of a week or a month (docs/FORMAT.md \\\"Cens"
    "us and billing\\\").\",\"required\":[\"period\",\"start\",\"from\",\"to\",\"totals\","
    "\"groups\",\"types\",\"facilitators\"],\"properties\":{\"period\":{\"type\":\"string\""
    ",\"enum\":[\"week\",\"month\"]},\"start\":{\"type\":\"string\",\"example\":\"2027-01\""
    "},\"from\":{\"type\":\"string\",\"format\":\"date\",\"example\":\"2027-01-05\"},\"to\""
    ":{\"type\":\"string\",\"format\":\"date\",\"example\":\"2027-01-05\"},\"totals\":{\"$r"
    "ef\":\"#/components/schemas/CensusTotals\"},\"groups\":{\"type\":\"array\",\"items\":{"
    "\"$ref\":\"#/components/schemas/CensusGroup\"}},\"types\":{\"type\":\"array\",\"items"
    "\":{\"$ref\":\"#/components/schemas/CensusType\"}},\"facilitators\":{\"type\":\"array"
    "\",\"items\":{\"$ref\":\"#/components/schemas/CensusFacilitator\"}}}},\"WaitlistEntry"
    "\":{\"type\":\"object\",\"description\":\"A waitlisted patient's position and expected"
    " wait per group type they can join now.\",\"required\":[\"patient\",\"types\"],\"prope"
    "rties\":{\"patient\":{\"type\":\"string\"},\"types\":{\"type\":\"array\",\"items\":{\""
    "type\":\"object\",\"required\":[\"type\",\"position\",\"of\",\"open_seats\",\"seats_pe"
    "r_week\",\"optional_seats\",\"expected_wait_weeks\",\"range_weeks\",\"basis\"],\"prope"
    "rties\":{\"type\":{\"type\":\"string\"},\"position\":{\"type\":\"integer\",\"descripti"
    "on\":\"1-based among the waitlisted who fit the type\"},\"of\":{\"type\":\"integer\"},"
    "\"open_seats\":{\"type\":\"integer\"},\"seats_per_week\":{\"type\":\"number\",\"minimu"
    "m\":0},\"optional_seats\":{\"type\":\"integer\"},\"expected_wait_weeks\":{\"type\":\"n"
    "umber\",\"nullable\":true,\"description\":\"0 = a seat is open for them; null = none e"
    "xpected\"},\"range_weeks\":{\"type\":\"array\",\"items\":{\"type\":\"number\",\"nullab"
    "le\":true},\"description\":\"[low, high]; null where no seat is expected\"},\"basis\":"
    "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"what the estimat"
    "e rests on\"}}}}},\"example\":{\"patient\":\"R3\",\"types\":[{\"type\":\"dbt_skills\","
    "\"position\":2,\"of\":3,\"open_seats\":2,\"seats_per_week\":0.5003418803418804,\"optio"
    "nal_seats\":0,\"expected_wait_weeks\":0.0,\"range_weeks\":[0.0,0.0],\"basis\":[\"posit"
    "ion 2 of 3 waitlisted patients who can join dbt_skills now, ranked by the plan's value"
    "\",\"2 seats open now in running groups\",\"0.50 seats a week expected to open: turnov"
    "er of 4 active (8% a month) and 2 held (25% a month) members, plus 2 departures observ"
    "ed over 6.4 weeks\",\"range: seats opening 1.5 times as fast to half as fast\"]}]}},\""
    "CompositionAfter\":{\"type\":\"object\",\"description\":\"the group after the placemen"
    "t\",\"required\":[\"size\",\"new_share\",\"high_acuity\",\"age_spread\"],\"properties"
    "\":{\"size\":{\"type\":\"integer\"},\"max_size\":{\"type\":\"integer\"},\"new_share\":"
    "{\"type\":\"number\",\"minimum\":0,\"maximum\":1},\"high_acuity\":{\"type\":\"integer"
    "\"},\"age_spread\":{\"type\":\"integer\",\"nullable\":true}}},\"FillCandidate\":{\"typ"
    "e\":\"object\",\"required\":[\"rank\",\"patient\",\"value\",\"wait_days\",\"added\",\""
    "priority\",\"why\",\"composition_after\"],\"properties\":{\"rank\":{\"type\":\"integer"
    "\"},\"patient\":{\"type\":\"string\"},\"value\":{\"type\":\"number\",\"description\":"
    "\"the plan's value of placing them\"},\"wait_days\":{\"type\":\"integer\",\"nullable\""
    ":true},\"added\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true},\"priorit"
    "y\":{\"type\":\"integer\"},\"why\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}"
    "},\"composition_after\":{\"$ref\":\"#/components/schemas/CompositionAfter\"}},\"exampl"
    "e\":{\"rank\":1,\"patient\":\"R1\",\"value\":100.0,\"wait_days\":null,\"added\":\"2027"
    "-01-20\",\"priority\":0,\"why\":[\"type: diagnosis F60.3 matches F60.3 of dbt_skills\""
    ",\"window: tue 16:00-20:00 covers the group's tue 17:00-18:30\",\"modality: patient ei"
    "ther, group in_person\",\"age 30, at least 18\"],\"composition_after\":{\"size\":10,\""
    "max_size\":10,\"new_share\":0.4,\"high_acuity\":1,\"age_spread\":31}}},\"SeatCandidate"
    "s\":{\"type\":\"object\",\"required\":[\"group\",\"schedule_version\",\"open_seats\","
    "\"candidates\",\"eligible\"],\"properties\":{\"group\":{\"type\":\"string\"},\"schedul"
    "e_version\":{\"type\":\"integer\"},\"open_seats\":{\"type\":\"integer\"},\"vacated_by"
    "\":{\"type\":\"string\",\"nullable\":true,\"description\":\"the member whose departure"
    " the ranking treats as the opening; null when none left since the schedule\"},\"candid"
    "ates\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/FillCandidate\"}"
    "},\"eligible\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\",\"description\":\""
    "why there is no ranking\"}},\"example\":{\"group\":\"dbt-tue-pm\",\"schedule_version\""
    ":1,\"open_seats\":1,\"vacated_by\":\"P0003\",\"candidates\":[{\"rank\":1,\"patient\":"
    "\"R1\",\"value\":100.0,\"wait_days\":null,\"added\":\"2027-01-20\",\"priority\":0,\"wh"
    "y\":[\"type: diagnosis F60.3 matches F60.3 of dbt_skills\",\"window: tue 16:00-20:00 c"
    "overs the group's tue 17:00-18:30\",\"modality: patient either, group in_person\",\"ag"
    "e 30, at least 18\"],\"composition_after\":{\"size\":10,\"max_size\":10,\"new_share\":"
    "0.4,\"high_acuity\":1,\"age_spread\":31}}],\"eligible\":4}},\"OfferCreate\":{\"type\":"
    "\"object\",\"required\":[\"group\",\"patient\"],\"properties\":{\"group\":{\"type\":\""
    "string\",\"example\":\"dbt-tue-pm\"},\"patient\":{\"type\":\"string\",\"example\":\"R1"
    "\"},\"at\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2027-02-10T09:0"
    "0:00Z\"}},\"example\":{\"group\":\"dbt-tue-pm\",\"patient\":\"R1\",\"at\":\"2027-02-10"
    "T09:00:00Z\"}},\"Offer\":{\"type\":\"object\",\"required\":[\"id\",\"group\",\"patient"
    "\",\"status\",\"reason\",\"offered_at\",\"expires_at\",\"decided_at\"],\"properties\":"
    "{\"id\":{\"type\":\"integer\"},\"group\":{\"type\":\"string\"},\"patient\":{\"type\":"
    "\"string\"},\"status\":{\"type\":\"string\",\"enum\":[\"offered\",\"accepted\",\"decli"
    "ned\",\"expired\"]},\"reason\":{\"type\":\"string\",\"nullable\":true,\"description\":"
    "\"a decline's reason\"},\"offered_at\":{\"type\":\"string\",\"format\":\"date-time\","
    "\"example\":\"2027-02-10T09:00:00Z\"},\"expires_at\":{\"type\":\"string\",\"format\":"
    "\"date-time\",\"example\":\"2027-02-10T09:00:00Z\"},\"decided_at\":{\"type\":\"string"
    "\",\"format\":\"date-time\",\"nullable\":true,\"example\":\"2027-02-10T15:00:00Z\"}},"
    "\"example\":{\"id\":1,\"group\":\"dbt-tue-pm\",\"patient\":\"R1\",\"status\":\"offered"
    "\",\"reason\":null,\"offered_at\":\"2027-02-10T09:00:00Z\",\"expires_at\":\"2027-02-12"
    "T09:00:00Z\",\"decided_at\":null}},\"OfferCreated\":{\"type\":\"object\",\"required\":"
    "[\"id\",\"group\",\"patient\",\"status\",\"reason\",\"offered_at\",\"expires_at\",\"de"
    "cided_at\",\"rank\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"group\":{\"type\""
    ":\"string\"},\"patient\":{\"type\":\"string\"},\"status\":{\"type\":\"string\",\"enum"
    "\":[\"offered\",\"accepted\",\"declined\",\"expired\"]},\"reason\":{\"type\":\"string"
    "\",\"nullable\":true,\"description\":\"a decline's reason\"},\"offered_at\":{\"type\":"
    "\"string\",\"format\":\"date-time\",\"example\":\"2027-02-10T09:00:00Z\"},\"expires_at"
    "\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2027-02-10T09:00:00Z\"}"
    ",\"decided_at\":{\"type\":\"string\",\"format\":\"date-time\",\"nullable\":true,\"exam"
    "ple\":\"2027-02-10T15:00:00Z\"},\"rank\":{\"type\":\"integer\",\"description\":\"the p"
    "atient's rank for the seat\"}},\"example\":{\"id\":1,\"group\":\"dbt-tue-pm\",\"patien"
    "t\":\"R1\",\"status\":\"offered\",\"reason\":null,\"offered_at\":\"2027-02-10T09:00:00"
    "Z\",\"expires_at\":\"2027-02-12T09:00:00Z\",\"decided_at\":null,\"rank\":1}},\"Contact"
    "\":{\"type\":\"object\",\"required\":[\"channel\",\"outcome\",\"note\",\"at\"],\"prope"
    "rties\":{\"channel\":{\"type\":\"string\",\"example\":\"phone\"},\"outcome\":{\"type\""
    ":\"string\",\"example\":\"voicemail\"},\"note\":{\"type\":\"string\",\"nullable\":true"
    "},\"at\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2027-02-10T09:00:"
    "00Z\"}},\"example\":{\"channel\":\"phone\",\"outcome\":\"voicemail\",\"note\":\"left m"
    "sg\",\"at\":\"2027-02-10T10:00:00Z\"}},\"OfferWithContacts\":{\"type\":\"object\",\"re"
    "quired\":[\"id\",\"group\",\"patient\",\"status\",\"reason\",\"offered_at\",\"expires_"
    "at\",\"decided_at\",\"contacts\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"grou"
    "p\":{\"type\":\"string\"},\"patient\":{\"type\":\"string\"},\"status\":{\"type\":\"str"
    "ing\",\"enum\":[\"offered\",\"accepted\",\"declined\",\"expired\"]},\"reason\":{\"type"
    "\":\"string\",\"nullable\":true,\"description\":\"a decline's reason\"},\"offered_at\""
    ":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2027-02-10T09:00:00Z\"},"
    "\"expires_at\":{\"type\":\"string\",\"format\":\"date-time\",\"example\":\"2027-02-10T"
    "09:00:00Z\"},\"decided_at\":{\"type\":\"string\",\"format\":\"date-time\",\"nullable\""
    ":true,\"example\":\"2027-02-10T15:00:00Z\"},\"contacts\":{\"type\":\"array\",\"items\""
    ":{\"$ref\":\"#/components/schemas/Contact\"}}}},\"OffersList\":{\"type\":\"object\",\""
    "required\":[\"offers\",\"expired_now\"],\"properties\":{\"offers\":{\"type\":\"array\""
    ",\"items\":{\"$ref\":\"#/components/schemas/OfferWithContacts\"}},\"expired_now\":{\"t"
    "ype\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"offer\",\"group\",\"nex"
    "t\"],\"properties\":{\"offer\":{\"type\":\"integer\"},\"group\":{\"type\":\"string\"},"
    "\"next\":{\"$ref\":\"#/components/schemas/SeatCandidates\"}}},\"description\":\"offers"
    " this call expired, each with the seat ranked again\"}}},\"OfferDecision\":{\"type\":"
    "\"object\",\"required\":[\"decision\"],\"properties\":{\"decision\":{\"type\":\"string"
    "\",\"enum\":[\"accepted\",\"declined\"]},\"reason\":{\"type\":\"string\",\"description"
    "\":\"required when declined\"},\"at\":{\"type\":\"string\",\"format\":\"date-time\",\""
    "example\":\"2027-02-10T09:00:00Z\"}},\"example\":{\"decision\":\"declined\",\"reason\""
    ":\"work schedule\"}},\"OfferDecided\":{\"type\":\"object\",\"required\":[\"offer\"],\""
    "properties\":{\"offer\":{\"$ref\":\"#/components/schemas/Offer\"},\"recorded\":{\"type"
    "\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/HistoryEntry\"},\"description"
    "\":\"accepted: the placed event\"},\"next\":{\"$ref\":\"#/components/schemas/SeatCandi"
    "dates\"}},\"description\":\"The decided offer; accepted: the recorded placed event (re"
    "corded); declined: the seat ranked again (next).\"},\"ContactCreate\":{\"type\":\"obje"
    "ct\",\"required\":[\"channel\",\"outcome\"],\"properties\":{\"channel\":{\"type\":\"st"
    "ring\",\"example\":\"phone\"},\"outcome\":{\"type\":\"string\",\"example\":\"no_answer"
    "\"},\"note\":{\"type\":\"string\"},\"at\":{\"type\":\"string\",\"format\":\"date-time"
    "\",\"example\":\"2027-02-10T09:00:00Z\"}},\"example\":{\"channel\":\"phone\",\"outcome"
    "\":\"voicemail\"}},\"OfferContacts\":{\"type\":\"object\",\"required\":[\"offer\",\"co"
    "ntacts\"],\"properties\":{\"offer\":{\"type\":\"integer\"},\"contacts\":{\"type\":\"ar"
    "ray\",\"items\":{\"$ref\":\"#/components/schemas/Contact\"},\"description\":\"every at"
    "tempt so far\"}},\"example\":{\"offer\":1,\"contacts\":[{\"channel\":\"phone\",\"outco"
    "me\":\"voicemail\",\"note\":\"left msg\",\"at\":\"2027-02-10T10:00:00Z\"}]}},\"WhatifD"
    "ifferences\":{\"type\":\"object\",\"description\":\"scenario - baseline of each summar"
    "y figure (docs/WHATIF.md)\",\"properties\":{\"groups_running\":{\"type\":\"integer\","
    "\"description\":\"scenario - baseline\"},\"placed\":{\"type\":\"integer\",\"descriptio"
    "n\":\"scenario - baseline\"},\"waitlist_after\":{\"type\":\"integer\",\"description\":"
    "\"scenario - baseline\"},\"seats\":{\"type\":\"integer\",\"description\":\"scenario - "
    "baseline\"},\"seats_filled\":{\"type\":\"integer\",\"description\":\"scenario - baseli"
    "ne\"},\"member_sessions\":{\"type\":\"integer\",\"description\":\"scenario - baseline"
    "\"},\"projected_revenue\":{\"type\":\"number\",\"description\":\"scenario - baseline\""
    "},\"load_mean\":{\"type\":\"number\",\"description\":\"scenario - baseline\"},\"load_m"
    "ax\":{\"type\":\"number\",\"description\":\"scenario - baseline\"},\"uncovered_session"
    "s\":{\"type\":\"integer\",\"description\":\"scenario - baseline\"},\"mean_wait_days_pl"
    "aced\":{\"type\":\"number\",\"description\":\"scenario - baseline\"},\"facilitator_loa"
    "d\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"},\"description"
    "\":\"per facilitator: scenario - baseline (absent on one side counts 0)\"},\"objective"
    "\":{\"type\":\"number\",\"description\":\"scenario - baseline objective\"}}}}}";

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
