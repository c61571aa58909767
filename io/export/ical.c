/*
 * ical.c - iCalendar (RFC 5545) export, written by hand.
 *
 * Times are floating local times (DTSTART:20270104T170000, no TZID): the
 * instance has no time zone, and a clinic's sessions happen at the clinic's
 * wall-clock time, which is what a floating time means.  One VEVENT series
 * per running group of the scope (see export.h); the series and its
 * overrides share a UID derived from the program name, group and scope.
 * METHOD:PUBLISH as RFC 5546 restricts it: an ORGANIZER (the lead), no
 * ATTENDEE; libical's icalrestriction_check passes (tests/test_export.c).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export_private.h"

typedef struct ics {
    io_buf *f;
    const model_instance *inst;
    const model_solution *sol;
    const io_export_options *o;
    char stamp[17];   /* DTSTAMP value */
    char scope[200];  /* "program", "facilitator:ID", ... (for UIDs) */
    int oom;
} ics;

/* Write one content line folded at 75 octets (never inside a UTF-8
 * sequence), continuation lines starting with a space, each ended by
 * CRLF. */
static void fold(io_buf *f, const char *line)
{
    int col = 0;
    for (const unsigned char *p = (const unsigned char *)line; *p;) {
        int len = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
        for (int k = 1; k < len; k++)
            if ((p[k] & 0xc0) != 0x80) { /* malformed: write byte by byte */
                len = 1;
                break;
            }
        if (col + len > 75) {
            io_buf_puts(f, "\r\n ");
            col = 1;
        }
        io_buf_append(f, p, (size_t)len);
        col += len;
        p += len;
    }
    io_buf_puts(f, "\r\n");
}

/* printf-formatted content line. */
static void put(ics *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(ics *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *line = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!line) {
        c->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, (size_t)n + 1, fmt, ap);
    va_end(ap);
    fold(c->f, line);
    free(line);
}

/* TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and
 * newline; other control characters dropped.  malloc'd, NULL on ENOMEM. */
static char *esc_text(const char *s)
{
    char *o = malloc(2 * strlen(s) + 1), *q = o;
    if (!o)
        return NULL;
    for (; *s; s++) {
        if (*s == '\\' || *s == ';' || *s == ',') {
            *q++ = '\\';
            *q++ = *s;
        } else if (*s == '\n') {
            *q++ = '\\';
            *q++ = 'n';
        } else if ((unsigned char)*s >= 0x20 && *s != 0x7f) {
            *q++ = *s;
        }
    }
    *q = '\0';
    return o;
}

/* "NAME:escaped value". */
static void put_text(ics *c, const char *name, const char *value)
{
    char *v = esc_text(value ? value : "");
    if (!v) {
        c->oom = 1;
        return;
    }
    put(c, "%s:%s", name, v);
    free(v);
}

/* A quoted parameter value: DQUOTE and control characters cannot appear
 * inside one (RFC 5545 3.1), so they become a space. */
static void param_value(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++)
        out[o++] = (*s == '"' || (unsigned char)*s < 0x20 || *s == 0x7f) ? ' ' : *s;
    out[o] = '\0';
}

/* "YYYYMMDDTHHMM00" (floating local time). */
static void local_dt(int date, int minutes, char out[16])
{
    char d[11];
    model_date_format(date, d);
    unsigned m = (unsigned)minutes % 1440u;
    snprintf(out, 16, "%.4s%.2s%.2sT%02u%02u00", d, d + 5, d + 8, m / 60u, m % 60u);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_list(const model_strlist *a, const model_strlist *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->items[i], b->items[i]) != 0)
            return false;
    return true;
}

/* Does the session differ from the group's weekly pattern? */
static bool differs(const model_sol_group *g, const model_sol_session *s)
{
    return s->start != g->start || s->end != g->end || !same_str(s->room, g->room) ||
           s->covered_by || s->uncovered || !same_list(&s->facilitators, &g->facilitators);
}

static void put_uid(ics *c, const model_sol_group *g, int date)
{
    char key[400], uuid[37], d[11] = "";
    if (date >= 0)
        model_date_format(date, d);
    snprintf(key, sizeof key, "%s|%s|%s", g->id, c->scope, d);
    ex_uuid(c->inst, "ics", key, uuid);
    put(c, "UID:%s@cohort", uuid);
    put(c, "DTSTAMP:%s", c->stamp);
}

/* SUMMARY, LOCATION, DESCRIPTION, ORGANIZER and X-COHORT-LEADS, flags. s NULL =
 * the group's pattern. */
static void put_details(ics *c, const model_sol_group *g, const model_sol_session *s)
{
    const model_strlist *leads = s ? &s->facilitators : &g->facilitators;
    const char *room = s ? s->room : g->room;
    const model_group_type *t = ex_type(c->inst, g);
    const char *cover = s && s->covered_by ? ex_facilitator_name(c->inst, s->covered_by) : NULL;
    bool uncovered = s && s->uncovered;
    char line[1024];
    snprintf(line, sizeof line, "%s%s (%s)%s%s", uncovered ? "UNCOVERED: " : "",
             ex_type_name(c->inst, g), g->id, cover ? " - covered by " : "", cover ? cover : "");
    put_text(c, "SUMMARY", line);
    put_text(c, "LOCATION", room ? room : "Telehealth");
    io_buf b = {0};
    io_buf_printf(&b, "Group %s, %s, %s", g->id, t ? model_cadence_name(t->cadence) : "weekly",
                  room ? room : "telehealth");
    io_buf_printf(&b, "\nLeads: ");
    for (int i = 0; i < leads->n; i++)
        io_buf_printf(&b, "%s%s", i ? "; " : "", ex_facilitator_name(c->inst, leads->items[i]));
    if (!leads->n)
        io_buf_printf(&b, "nobody");
    if (cover)
        io_buf_printf(&b, "\nCovered by %s", cover);
    if (uncovered)
        io_buf_printf(&b, "\nUNCOVERED: no facilitator is available for this session");
    if (g->substitute)
        io_buf_printf(&b, "\nSubstitute: %s", ex_facilitator_name(c->inst, g->substitute));
    if (t)
        io_buf_printf(&b, "\nMembers: %d/%d", g->members.n, t->max_size);
    char *desc = NULL;
    if (io_buf_finish(&b, &desc) != IO_OK) {
        c->oom = 1;
        return;
    }
    put_text(c, "DESCRIPTION", desc);
    free(desc);
    if (t)
        put_text(c, "CATEGORIES", t->id);
    /* METHOD:PUBLISH (RFC 5546) wants one ORGANIZER and no ATTENDEE: the
     * organizer is the lead (the program when nobody leads), and every
     * lead is in X-COHORT-LEADS */
    char cn[256];
    param_value(leads->n ? ex_facilitator_name(c->inst, leads->items[0])
                         : c->inst->program.name ? c->inst->program.name : "cohort",
                cn, sizeof cn);
    if (leads->n)
        put(c, "ORGANIZER;CN=\"%s\":urn:x-cohort:facilitator:%s", cn, leads->items[0]);
    else
        put(c, "ORGANIZER;CN=\"%s\":urn:x-cohort:program", cn);
    char *ids = ex_join(c->inst, leads, ",", false);
    if (!ids) {
        c->oom = 1;
        return;
    }
    if (leads->n)
        put_text(c, "X-COHORT-LEADS", ids);
    free(ids);
    put_text(c, "X-COHORT-GROUP", g->id);
    if (s && s->covered_by)
        put_text(c, "X-COHORT-COVERED-BY", s->covered_by);
    if (uncovered)
        put(c, "X-COHORT-UNCOVERED:TRUE");
    put(c, "STATUS:%s", uncovered ? "TENTATIVE" : "CONFIRMED");
    /* a facilitator whose session someone else leads that day is free */
    bool away = s && c->o->scope.kind == IO_SCOPE_FACILITATOR &&
                model_strlist_find(&s->facilitators, c->o->scope.id) < 0;
    put(c, "TRANSP:%s", away ? "TRANSPARENT" : "OPAQUE");
}

static void put_times(ics *c, const char *prop, int date, int minutes)
{
    char dt[16];
    local_dt(date, minutes, dt);
    put(c, "%s:%s", prop, dt);
}

/* One session as a single event (a group the scope joins now and then). */
static void single(ics *c, const model_sol_group *g, const model_sol_session *s)
{
    put(c, "BEGIN:VEVENT");
    put_uid(c, g, s->date);
    put_times(c, "DTSTART", s->date, s->start);
    put_times(c, "DTEND", s->date, s->end);
    put_details(c, g, s);
    put(c, "END:VEVENT");
}

/* Is date one of the rule's dates? */
static bool on_rule(const model_instance *inst, const model_sol_group *g, int date)
{
    int w = (date - inst->program.horizon_start) / 7;
    return date >= inst->program.horizon_start && ex_rule_date(inst, g, w) == date;
}

static bool has_session(const int *ss, int n, const model_solution *sol, int date)
{
    for (int i = 0; i < n; i++)
        if (sol->sessions[ss[i]].date == date)
            return true;
    return false;
}

/* A list property of local date-times at the group's start ("EXDATE",
 * "RDATE"): the dates the rule names without a session (exdate) or the
 * session dates the rule does not name. */
static void put_dates(ics *c, const char *prop, const model_sol_group *g, const int *ss, int n,
                      bool exdate)
{
    io_buf b = {0};
    int k = 0;
    char dt[16];
    if (exdate) {
        for (int w = 0; w < c->inst->program.horizon_weeks; w++) {
            int d = ex_rule_date(c->inst, g, w);
            if (d >= 0 && !has_session(ss, n, c->sol, d)) {
                local_dt(d, g->start, dt);
                io_buf_printf(&b, "%s%s", k++ ? "," : "", dt);
            }
        }
    } else {
        for (int i = 0; i < n; i++) {
            const model_sol_session *s = &c->sol->sessions[ss[i]];
            if (!on_rule(c->inst, g, s->date)) {
                local_dt(s->date, g->start, dt);
                io_buf_printf(&b, "%s%s", k++ ? "," : "", dt);
            }
        }
    }
    char *list = NULL;
    if (io_buf_finish(&b, &list) != IO_OK) {
        c->oom = 1;
        return;
    }
    if (k)
        put(c, "%s:%s", prop, list);
    free(list);
}

/* The group's recurring event, then an override per session that differs
 * from the pattern or that the rule does not name. */
static void series(ics *c, const model_sol_group *g, const int *ss, int n)
{
    const model_group_type *t = ex_type(c->inst, g);
    bool biweekly = t && t->cadence == MODEL_BIWEEKLY;
    int first = -1;
    for (int w = 0; w < c->inst->program.horizon_weeks && first < 0; w++)
        first = ex_rule_date(c->inst, g, w);
    if (first < 0)
        return;
    char until[16];
    local_dt(ex_horizon_last(c->inst), 23 * 60 + 59, until);
    until[13] = '5';
    until[14] = '9'; /* 23:59:59 */
    put(c, "BEGIN:VEVENT");
    put_uid(c, g, -1);
    put_times(c, "DTSTART", first, g->start);
    put_times(c, "DTEND", first, g->end);
    put(c, "RRULE:FREQ=WEEKLY%s;UNTIL=%s", biweekly ? ";INTERVAL=2" : "", until);
    put_dates(c, "EXDATE", g, ss, n, true);
    put_dates(c, "RDATE", g, ss, n, false);
    put_details(c, g, NULL);
    put(c, "END:VEVENT");
    for (int i = 0; i < n; i++) {
        const model_sol_session *s = &c->sol->sessions[ss[i]];
        if (on_rule(c->inst, g, s->date) && !differs(g, s))
            continue;
        put(c, "BEGIN:VEVENT");
        put_uid(c, g, -1);
        put_times(c, "RECURRENCE-ID", s->date, g->start);
        put_times(c, "DTSTART", s->date, s->start);
        put_times(c, "DTEND", s->date, s->end);
        put_details(c, g, s);
        put(c, "END:VEVENT");
    }
}

/* The calendar's name: the program, and whose schedule. */
static void put_header(ics *c)
{
    char name[600];
    const io_export_scope *sc = &c->o->scope;
    const char *who = sc->kind == IO_SCOPE_FACILITATOR ? ex_facilitator_name(c->inst, sc->id)
                                                       : sc->id;
    snprintf(name, sizeof name, "%s%s%s", c->inst->program.name ? c->inst->program.name : "cohort",
             who ? " - " : "", who ? who : "");
    put(c, "BEGIN:VCALENDAR");
    put(c, "VERSION:2.0");
    put(c, "PRODID:-//cohort//cohort %s schedule export//EN", MODEL_VERSION);
    put(c, "CALSCALE:GREGORIAN");
    put(c, "METHOD:PUBLISH");
    put_text(c, "X-WR-CALNAME", name);
    put(c, "X-PUBLISHED-TTL:PT1H");
}

int io_export_ics(const model_instance *inst, const model_solution *sol,
                  const io_export_options *o, char **out)
{
    if (!inst || !sol || !o || !out)
        return IO_EINVAL;
    ics c = {.inst = inst, .sol = sol, .o = o};
    time_t t = (time_t)o->stamp;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(c.stamp, sizeof c.stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(c.scope, sizeof c.scope, "%s%s%s",
             o->scope.kind == IO_SCOPE_FACILITATOR ? "facilitator"
             : o->scope.kind == IO_SCOPE_ROOM      ? "room"
             : o->scope.kind == IO_SCOPE_PATIENT   ? "patient"
                                                   : "program",
             o->scope.id ? ":" : "", o->scope.id ? o->scope.id : "");
    int *ss = malloc(sizeof *ss * (size_t)(sol->n_sessions + 1));
    io_buf b = {0};
    if (!ss) {
        free(ss);
        return IO_ENOMEM;
    }
    c.f = &b;
    put_header(&c);
    for (int gi = 0; gi < sol->n_groups; gi++) {
        const model_sol_group *g = &sol->groups[gi];
        if (!g->running)
            continue;
        int n = 0;
        for (int i = 0; i < sol->n_sessions; i++)
            if (strcmp(sol->sessions[i].group, g->id) == 0 &&
                ex_session_in(g, &sol->sessions[i], &o->scope))
                ss[n++] = i;
        if (n && ex_group_regular(g, &o->scope))
            series(&c, g, ss, n);
        else
            for (int i = 0; i < n; i++)
                single(&c, g, &sol->sessions[ss[i]]);
    }
    put(&c, "END:VCALENDAR");
    free(ss);
    if (c.oom) {
        io_buf_free(&b);
        return IO_ENOMEM;
    }
    return io_buf_finish(&b, out);
}
