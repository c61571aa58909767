/* common.c - scopes, options and the session selection the writers share. */
#define _GNU_SOURCE /* qsort_r */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export_private.h"
#include "io_private.h"

void io_export_options_default(io_export_options *o)
{
    memset(o, 0, sizeof *o);
    o->scope.kind = IO_SCOPE_PROGRAM;
    o->table = IO_CSV_ROSTERS;
    o->pages = IO_PAGES_WEEK;
}

int io_export_scope_parse(const char *s, const model_instance *inst, io_export_scope *out,
                          char err[160])
{
    static const struct {
        const char *prefix;
        io_scope_kind kind;
    } K[] = {{"facilitator:", IO_SCOPE_FACILITATOR},
             {"room:", IO_SCOPE_ROOM},
             {"patient:", IO_SCOPE_PATIENT}};
    if (!s || !*s || strcmp(s, "program") == 0) {
        out->kind = IO_SCOPE_PROGRAM;
        out->id = NULL;
        return IO_OK;
    }
    for (size_t i = 0; i < sizeof K / sizeof K[0]; i++) {
        size_t n = strlen(K[i].prefix);
        if (strncmp(s, K[i].prefix, n) != 0)
            continue;
        const char *id = s + n;
        int found = !inst || (K[i].kind == IO_SCOPE_FACILITATOR ? model_find_facilitator(inst, id)
                              : K[i].kind == IO_SCOPE_ROOM      ? model_find_room(inst, id)
                                                                : model_find_patient(inst, id)) >= 0;
        if (!*id || !found) {
            snprintf(err, 160, "no %.*s '%.100s' in the program", (int)(n - 1), K[i].prefix, id);
            return IO_EINVAL;
        }
        out->kind = K[i].kind;
        out->id = id;
        return IO_OK;
    }
    snprintf(err, 160, "'%.80s' is not program, facilitator:ID, room:ID or patient:ID", s);
    return IO_EINVAL;
}

int io_csv_table_parse(const char *s)
{
    static const char *const T[] = {"rosters", "sessions", "unplaced"};
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, T[i]) == 0)
            return i;
    return -1;
}

int io_pages_parse(const char *s)
{
    if (s && strcmp(s, "week") == 0)
        return IO_PAGES_WEEK;
    if (s && strcmp(s, "facilitator") == 0)
        return IO_PAGES_FACILITATOR;
    return -1;
}

int io_export_utc_offset_parse(const char *s, int *out)
{
    if (s && strcmp(s, "Z") == 0) {
        *out = 0;
        return IO_OK;
    }
    if (!s || strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
        return IO_EINVAL;
    int t = 0;
    if (model_time_parse(s + 1, 0, &t) != MODEL_OK || t > 14 * 60)
        return IO_EINVAL;
    *out = s[0] == '-' ? -t : t;
    return IO_OK;
}

int io_export_tz_offsets(const char *tz, const model_instance *inst, int **out, int *n)
{
    char path[300];
    if (!tz || !*tz || strstr(tz, "..") || strlen(tz) > 200)
        return IO_EINVAL;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
    if (access(path, R_OK) != 0)
        return IO_EINVAL;
    int days = 7 * inst->program.horizon_weeks;
    int *v = malloc(sizeof *v * (size_t)days);
    if (!v)
        return IO_ENOMEM;
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    setenv("TZ", tz, 1);
    tzset();
    for (int i = 0; i < days; i++) {
        char d[11];
        model_date_format(inst->program.horizon_start + i, d);
        struct tm tm = {0};
        tm.tm_year = atoi(d) - 1900;
        tm.tm_mon = atoi(d + 5) - 1;
        tm.tm_mday = atoi(d + 8);
        tm.tm_hour = 12;
        tm.tm_isdst = -1;
        mktime(&tm);
        v[i] = (int)(tm.tm_gmtoff / 60);
    }
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    *out = v;
    *n = days;
    return IO_OK;
}

char *ex_join(const model_instance *inst, const model_strlist *l, const char *sep, bool names)
{
    io_buf b = {0};
    char *s = NULL;
    for (int i = 0; i < l->n; i++)
        io_buf_printf(&b, "%s%s", i ? sep : "",
                      names ? ex_facilitator_name(inst, l->items[i]) : l->items[i]);
    return io_buf_finish(&b, &s) == IO_OK ? s : NULL;
}

const model_sol_group *ex_group(const model_solution *sol, const char *id)
{
    for (int i = 0; id && i < sol->n_groups; i++)
        if (strcmp(sol->groups[i].id, id) == 0)
            return &sol->groups[i];
    return NULL;
}

const model_group_type *ex_type(const model_instance *inst, const model_sol_group *g)
{
    int gi = model_find_group(inst, g->id);
    int t = gi >= 0 ? model_find_type(inst, inst->groups[gi].type)
                    : g->type ? model_find_type(inst, g->type) : -1;
    return t >= 0 ? &inst->types[t] : NULL;
}

const char *ex_type_name(const model_instance *inst, const model_sol_group *g)
{
    const model_group_type *t = ex_type(inst, g);
    return t && t->name ? t->name : t ? t->id : g->type ? g->type : g->id;
}

const char *ex_facilitator_name(const model_instance *inst, const char *id)
{
    int f = id ? model_find_facilitator(inst, id) : -1;
    return f >= 0 && inst->facilitators[f].name ? inst->facilitators[f].name : id;
}

static bool eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

bool ex_group_regular(const model_sol_group *g, const io_export_scope *sc)
{
    switch (sc->kind) {
    case IO_SCOPE_FACILITATOR: return model_strlist_find(&g->facilitators, sc->id) >= 0;
    case IO_SCOPE_ROOM: return eq(g->room, sc->id);
    case IO_SCOPE_PATIENT: return model_strlist_find(&g->members, sc->id) >= 0;
    default: return true;
    }
}

bool ex_session_in(const model_sol_group *g, const model_sol_session *s,
                   const io_export_scope *sc)
{
    if (ex_group_regular(g, sc))
        return true;
    if (sc->kind == IO_SCOPE_FACILITATOR)
        return model_strlist_find(&s->facilitators, sc->id) >= 0 || eq(s->covered_by, sc->id);
    if (sc->kind == IO_SCOPE_ROOM)
        return eq(s->room, sc->id);
    return false;
}

int ex_horizon_last(const model_instance *inst)
{
    return inst->program.horizon_start + 7 * inst->program.horizon_weeks - 1;
}

int ex_rule_date(const model_instance *inst, const model_sol_group *g, int w)
{
    if (!g->running || g->day < 0 || w < 0 || w >= inst->program.horizon_weeks)
        return -1;
    const model_group_type *t = ex_type(inst, g);
    if (t && t->cadence == MODEL_BIWEEKLY && w % 2 != g->week_parity % 2)
        return -1;
    return inst->program.horizon_start + 7 * w + g->day;
}

/* qsort_r comparator (glibc): date, start, group id. */
static int cmp_session(const void *a, const void *b, void *arg)
{
    const model_solution *sol = arg;
    const model_sol_session *x = &sol->sessions[*(const int *)a];
    const model_sol_session *y = &sol->sessions[*(const int *)b];
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return strcmp(x->group, y->group);
}

int ex_sessions_sorted(const model_solution *sol, const io_export_scope *sc, int **idx, int *n)
{
    int *v = malloc(sizeof *v * (size_t)(sol->n_sessions + 1));
    if (!v)
        return IO_ENOMEM;
    int k = 0;
    for (int i = 0; i < sol->n_sessions; i++) {
        const model_sol_group *g = ex_group(sol, sol->sessions[i].group);
        if (g && g->running && ex_session_in(g, &sol->sessions[i], sc))
            v[k++] = i;
    }
    qsort_r(v, (size_t)k, sizeof *v, cmp_session, (void *)sol);
    *idx = v;
    *n = k;
    return IO_OK;
}

void ex_uuid(const model_instance *inst, const char *kind, const char *id, char out[37])
{
    unsigned char h[32];
    char key[512];
    snprintf(key, sizeof key, "cohort\x1f%s\x1f%s\x1f%s",
             inst->program.name ? inst->program.name : "", kind, id ? id : "");
    io_sha256(key, strlen(key), h);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x80); /* version 8 */
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* variant 10 */
    static const char *const hex = "0123456789abcdef";
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[h[i] >> 4];
        out[o++] = hex[h[i] & 15];
    }
    out[o] = '\0';
}

int io_export_render(const char *format, const model_instance *inst, const model_solution *sol,
                     const io_export_options *o, char **out, const char **content_type)
{
    if (!format)
        return IO_EINVAL;
    if (strcmp(format, "ics") == 0) {
        *content_type = "text/calendar; charset=utf-8";
        return io_export_ics(inst, sol, o, out);
    }
    if (strcmp(format, "csv") == 0) {
        *content_type = "text/csv; charset=utf-8";
        return io_export_csv(inst, sol, o, out);
    }
    if (strcmp(format, "html") == 0) {
        *content_type = "text/html; charset=utf-8";
        return io_export_html(inst, sol, o, out);
    }
    if (strcmp(format, "fhir") == 0) {
        json_t *j = NULL;
        int rc = io_export_fhir(inst, sol, o, &j);
        if (rc != IO_OK)
            return rc;
        char *t = json_dumps(j, JSON_INDENT(2));
        json_decref(j);
        if (!t)
            return IO_ENOMEM;
        *content_type = "application/fhir+json";
        *out = t;
        return IO_OK;
    }
    return IO_EINVAL;
}
