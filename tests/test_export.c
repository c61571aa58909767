/* test_export.c - io/export/: the iCalendar export re-read with libical
 * (RRULE expanded over the horizon with EXDATE, RDATE and RECURRENCE-ID
 * overrides, compared session by session with the solution: date, times,
 * who leads, cover, uncovered) for the program and every facilitator, room
 * and patient; line folding, CRLF and text escaping; the CSV tables read
 * back with an RFC 4180 reader (commas, quotes, line breaks, non-ASCII,
 * BOM); the FHIR bundle's structure and references (the schema itself is
 * checked by the fhir_schema test, tests/fhir/); the printable HTML; and
 * `cohort schedule` arguments. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "export/export.h"
#include "io.h"
#include "io_private.h"
#include "model.h"

#define SAMPLE COHORT_SOURCE_DIR "/datasets/sample.json"
#define SAMPLE_SOL COHORT_SOURCE_DIR "/docs/examples/sample-solution.json"

static model_instance *g_inst;
static model_solution *g_sol;

static void load(void)
{
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_instance_read_file(SAMPLE, &g_inst, &d), IO_OK);
    cr_assert_eq(io_solution_read_file(SAMPLE_SOL, &g_sol, &d), IO_OK);
    model_diag_free(&d);
}

static void unload(void)
{
    model_instance_destroy(g_inst);
    model_solution_destroy(g_sol);
}

TestSuite(ics, .init = load, .fini = unload);
TestSuite(csv, .init = load, .fini = unload);
TestSuite(fhir, .init = load, .fini = unload);
TestSuite(html, .init = load, .fini = unload);

static void replace(char **field, const char *value)
{
    free(*field);
    *field = model_strdup(value);
}

/* Make the schedule harder than the planner's: one session uncovered, one
 * moved to another room and time, one moved off the weekly pattern (to a
 * day the rule does not name), and a facilitator and a type whose names
 * need escaping. */
static void stress(void)
{
    cr_assert_gt(g_sol->n_sessions, 30);
    model_sol_session *s = &g_sol->sessions[3];
    model_strlist_free(&s->facilitators);
    free(s->covered_by);
    s->covered_by = NULL;
    s->uncovered = true;
    s = &g_sol->sessions[10];
    s->start += 30;
    s->end += 30;
    replace(&s->room, "family-room");
    s = &g_sol->sessions[20];
    s->date += 1; /* the next day: not on the group's rule */
    replace(&g_inst->facilitators[0].name, "Dr. Zoë \"Z\" O'Neil; PhD, \\LCSW\nNight");
    replace(&g_inst->types[0].name, "Skills, \"DBT\"; façade\\group");
}

static char *export_ics(const io_export_scope *sc)
{
    io_export_options o;
    io_export_options_default(&o);
    if (sc)
        o.scope = *sc;
    o.stamp = 1800000000;
    char *text = NULL;
    cr_assert_eq(io_export_ics(g_inst, g_sol, &o, &text), IO_OK);
    return text;
}

static char *hhmm(int m, char buf[6])
{
    model_time_format(m, buf);
    return buf;
}

/* "group|date|start|end|leads|cover|U" of one session. */
static void key(model_strlist *out, const char *group, int date, int start, int end,
                const char *leads, const char *cover, bool uncovered)
{
    char d[11], a[6], b[6];
    model_date_format(date, d);
    cr_assert_eq(model_strlist_pushf(out, false, "%s|%s|%s|%s|%s|%s|%s", group, d, hhmm(start, a),
                                     hhmm(end, b), leads, cover ? cover : "",
                                     uncovered ? "U" : ""),
                 MODEL_OK);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expected occurrences, computed here from the solution: every session of
 * a running group the scope belongs to (program; a facilitator leading,
 * co-leading, covering or regularly leading it; its room; a member). */
static void expected(const io_export_scope *sc, model_strlist *out)
{
    for (int i = 0; i < g_sol->n_sessions; i++) {
        const model_sol_session *s = &g_sol->sessions[i];
        const model_sol_group *g = NULL;
        for (int k = 0; k < g_sol->n_groups; k++)
            if (strcmp(g_sol->groups[k].id, s->group) == 0)
                g = &g_sol->groups[k];
        cr_assert(g);
        if (!g->running)
            continue;
        bool in = true;
        if (sc && sc->kind == IO_SCOPE_FACILITATOR)
            in = model_strlist_find(&g->facilitators, sc->id) >= 0 ||
                 model_strlist_find(&s->facilitators, sc->id) >= 0 ||
                 (s->covered_by && strcmp(s->covered_by, sc->id) == 0);
        else if (sc && sc->kind == IO_SCOPE_ROOM)
            in = (g->room && strcmp(g->room, sc->id) == 0) ||
                 (s->room && strcmp(s->room, sc->id) == 0);
        else if (sc && sc->kind == IO_SCOPE_PATIENT)
            in = model_strlist_find(&g->members, sc->id) >= 0;
        if (!in)
            continue;
        char leads[256] = "";
        for (int k = 0; k < s->facilitators.n; k++)
            snprintf(leads + strlen(leads), sizeof leads - strlen(leads), "%s%s", k ? "," : "",
                     s->facilitators.items[k]);
        key(out, s->group, s->date, s->start, s->end, leads, s->covered_by, s->uncovered);
    }
    if (out->n)
        qsort(out->items, (size_t)out->n, sizeof *out->items, cmp_str);
}

static const char *xprop(icalcomponent *c, const char *name)
{
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
        if (strcmp(icalproperty_get_x_name(p), name) == 0)
            return icalproperty_get_x(p);
    return NULL;
}

/* The leads of an event (X-COHORT-LEADS, comma-separated ids); the
 * ORGANIZER is the first of them, or the program when nobody leads. */
static void leads_of(icalcomponent *c, char out[256])
{
    const char *l = xprop(c, "X-COHORT-LEADS");
    snprintf(out, 256, "%s", l ? l : "");
    icalproperty *o = icalcomponent_get_first_property(c, ICAL_ORGANIZER_PROPERTY);
    cr_assert(o, "every event has an ORGANIZER");
    cr_assert_null(icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY),
                   "METHOD:PUBLISH events have no ATTENDEE");
    char want[300];
    snprintf(want, sizeof want, "urn:x-cohort:%s%.*s", l ? "facilitator:" : "program",
             (int)strcspn(out, ","), out);
    cr_assert_str_eq(icalproperty_get_organizer(o), want);
}

static int date_of(struct icaltimetype t)
{
    char buf[11];
    int d = -1;
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day);
    cr_assert_eq(model_date_parse(buf, &d), MODEL_OK, "date %s", buf);
    return d;
}

/* One occurrence of an event (master at time t, or an override). */
static void occurrence(icalcomponent *ev, struct icaltimetype start, struct icaltimetype end,
                       model_strlist *out)
{
    char leads[256];
    leads_of(ev, leads);
    const char *group = xprop(ev, "X-COHORT-GROUP");
    cr_assert(group);
    cr_assert(!start.is_date && !icaltime_is_utc(start) && !start.zone, "floating date-times");
    key(out, group, date_of(start), start.hour * 60 + start.minute, end.hour * 60 + end.minute,
        leads, xprop(ev, "X-COHORT-COVERED-BY"), xprop(ev, "X-COHORT-UNCOVERED") != NULL);
}

static bool same_time(struct icaltimetype a, struct icaltimetype b)
{
    return icaltime_compare(a, b) == 0;
}

/* Is t listed in the event's EXDATEs? */
static bool excluded(icalcomponent *ev, struct icaltimetype t)
{
    for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY))
        if (same_time(icalproperty_get_exdate(p), t))
            return true;
    return false;
}

/* The calendar's events (libical's component iterator is shared state, so
 * nested walks go over this list). */
typedef struct events {
    icalcomponent *ev[2000];
    int n;
} events;

/* The override of uid at recurrence id t, or NULL. */
static icalcomponent *override_of(const events *cal, const char *uid, struct icaltimetype t)
{
    for (int i = 0; i < cal->n; i++) {
        icalcomponent *c = cal->ev[i];
        struct icaltimetype rid = icalcomponent_get_recurrenceid(c);
        if (!icaltime_is_null_time(rid) && strcmp(icalcomponent_get_uid(c), uid) == 0 &&
            same_time(rid, t))
            return c;
    }
    return NULL;
}

/* Expand one master: RRULE from DTSTART up to its UNTIL, plus RDATEs,
 * minus EXDATEs, each replaced by its override when there is one.  Counts
 * the overrides used in *used. */
static void expand(const events *cal, icalcomponent *ev, model_strlist *out, int *used)
{
    struct icaltimetype st = icalcomponent_get_dtstart(ev), en = icalcomponent_get_dtend(ev);
    int dur = (en.hour * 60 + en.minute) - (st.hour * 60 + st.minute);
    struct icaltimetype times[400];
    int n = 0;
    icalproperty *rr = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
    cr_assert(rr, "a master event has an RRULE");
    struct icalrecurrencetype rule = icalproperty_get_rrule(rr);
    cr_assert_eq(rule.freq, ICAL_WEEKLY_RECURRENCE);
    icalrecur_iterator *it = icalrecur_iterator_new(rule, st);
    for (struct icaltimetype t = icalrecur_iterator_next(it); !icaltime_is_null_time(t) && n < 399;
         t = icalrecur_iterator_next(it))
        times[n++] = t;
    icalrecur_iterator_free(it);
    for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); p && n < 399;
         p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY))
        times[n++] = icalproperty_get_rdate(p).time;
    for (int i = 0; i < n; i++) {
        if (excluded(ev, times[i]))
            continue;
        icalcomponent *o = override_of(cal, icalcomponent_get_uid(ev), times[i]);
        if (o) {
            (*used)++;
            occurrence(o, icalcomponent_get_dtstart(o), icalcomponent_get_dtend(o), out);
        } else {
            struct icaltimetype e = times[i];
            icaltime_adjust(&e, 0, 0, dur, 0);
            occurrence(ev, times[i], e, out);
        }
    }
}

/* Parse the calendar with libical and expand every event. */
static void reread(const char *text, model_strlist *out)
{
    icalcomponent *cal = icalparser_parse_string(text);
    cr_assert(cal, "libical parses the calendar");
    cr_assert_eq(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    cr_assert(icalrestriction_check(cal), "RFC 5545/5546 restrictions (METHOD:PUBLISH) hold");
    int overrides = 0, used = 0;
    static events evs;
    evs.n = 0;
    for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c;
         c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        cr_assert_lt(evs.n, 2000);
        evs.ev[evs.n++] = c;
    }
    for (int i = 0; i < evs.n; i++) {
        icalcomponent *c = evs.ev[i];
        cr_assert(icalcomponent_get_first_property(c, ICAL_DTSTAMP_PROPERTY));
        cr_assert(icalcomponent_get_uid(c));
        cr_assert_null(icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY),
                       "libical reports no error");
        if (!icaltime_is_null_time(icalcomponent_get_recurrenceid(c)))
            overrides++;
        else if (icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY))
            expand(&evs, c, out, &used);
        else
            occurrence(c, icalcomponent_get_dtstart(c), icalcomponent_get_dtend(c), out);
    }
    cr_assert_eq(used, overrides, "every override replaces an occurrence (%d of %d)", used,
                 overrides);
    icalcomponent_free(cal);
    if (out->n)
        qsort(out->items, (size_t)out->n, sizeof *out->items, cmp_str);
}

/* Export for a scope, re-read, compare with the solution. */
static void roundtrip(const io_export_scope *sc)
{
    char *text = export_ics(sc);
    model_strlist want = {0}, got = {0};
    expected(sc, &want);
    reread(text, &got);
    for (int i = 0; i < want.n && i < got.n; i++)
        cr_assert_str_eq(got.items[i], want.items[i], "scope %s: occurrence %d",
                         sc ? sc->id : "program", i);
    cr_assert_eq(got.n, want.n, "scope %s: %d occurrences, %d sessions", sc ? sc->id : "program",
                 got.n, want.n);
    model_strlist_free(&want);
    model_strlist_free(&got);
    free(text);
}

static void roundtrip_all(void)
{
    roundtrip(NULL);
    for (int f = 0; f < g_inst->n_facilitators; f++)
        roundtrip(&(io_export_scope){IO_SCOPE_FACILITATOR, g_inst->facilitators[f].id});
    for (int r = 0; r < g_inst->n_rooms; r++)
        roundtrip(&(io_export_scope){IO_SCOPE_ROOM, g_inst->rooms[r].id});
    for (int p = 0; p < g_inst->n_patients; p += 7)
        roundtrip(&(io_export_scope){IO_SCOPE_PATIENT, g_inst->patients[p].id});
}

Test(ics, sample_expands_to_exactly_the_sessions)
{
    roundtrip_all();
    /* the sample has covered sessions and closed dates: both exercised */
    char *text = export_ics(NULL);
    cr_assert(strstr(text, "\r\nEXDATE:"));
    cr_assert(strstr(text, "\r\nRECURRENCE-ID:"));
    cr_assert(strstr(text, "\r\nX-COHORT-COVERED-BY:"));
    free(text);
}

Test(ics, overrides_uncovered_moved_and_off_pattern_sessions)
{
    stress();
    roundtrip_all();
    char *text = export_ics(NULL);
    cr_assert(strstr(text, "\r\nX-COHORT-UNCOVERED:TRUE\r\n"));
    cr_assert(strstr(text, "\r\nRDATE:"), "the moved session is an RDATE");
    free(text);
}

Test(ics, biweekly_groups_use_interval_2)
{
    char *text = export_ics(NULL);
    int biweekly = 0;
    for (int g = 0; g < g_sol->n_groups; g++) {
        int gi = model_find_group(g_inst, g_sol->groups[g].id);
        int t = model_find_type(g_inst, g_inst->groups[gi].type);
        biweekly += g_sol->groups[g].running && g_inst->types[t].cadence == MODEL_BIWEEKLY;
    }
    cr_assert_gt(biweekly, 0, "the sample has a biweekly group");
    int n = 0;
    for (const char *p = text; (p = strstr(p, ";INTERVAL=2;")); p++)
        n++;
    cr_assert_eq(n, biweekly);
    free(text);
}

Test(ics, folded_crlf_and_escaped)
{
    stress();
    char *text = export_ics(NULL);
    for (const char *p = text; *p;) {
        const char *e = strstr(p, "\r\n");
        cr_assert(e, "every line ends with CRLF");
        cr_assert_leq(e - p, 75, "a line of %d octets", (int)(e - p));
        for (const char *q = p; q < e; q++)
            cr_assert(*q != '\n' && *q != '\r', "no bare CR or LF");
        /* a fold never splits a UTF-8 sequence */
        if (e[2] == ' ')
            cr_assert(((unsigned char)e[3] & 0xc0) != 0x80);
        p = e + 2;
    }
    icalcomponent *cal = icalparser_parse_string(text);
    int found = 0;
    for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c;
         c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        const char *sum = icalcomponent_get_summary(c);
        if (strstr(sum, "Skills, \"DBT\"; façade\\group (")) {
            found++;
            const char *desc = icalcomponent_get_description(c);
            if (strstr(desc, "Dr. Zoë \"Z\" O'Neil; PhD, \\LCSW\nNight"))
                found += 1000;
        }
    }
    cr_assert_gt(found % 1000, 0, "the type name with , ; \\ \" and UTF-8 comes back");
    cr_assert_geq(found, 1000, "the facilitator's name with a newline comes back");
    icalcomponent_free(cal);
    free(text);
}

Test(ics, stable_uids_differ_per_scope)
{
    char *a = export_ics(NULL), *b = export_ics(NULL);
    cr_assert_str_eq(a, b, "same input, same bytes");
    io_export_scope f = {IO_SCOPE_FACILITATOR, "chen"};
    char *c = export_ics(&f);
    const char *u = strstr(c, "\r\nUID:");
    cr_assert(u);
    char uid[80];
    sscanf(u + 6, "%79[^\r]", uid);
    cr_assert_null(strstr(a, uid), "a facilitator's series has its own UID");
    free(a);
    free(b);
    free(c);
}

Test(ics, generated_program_with_time_off)
{
    /* the S generator's witness has time off: sessions covered by someone
     * else (overrides naming the cover) or, where no one can, uncovered */
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    cr_assert_eq(model_generate("S", 7, &inst, &sol), MODEL_OK);
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(model_instance_validate(inst, &d), MODEL_OK);
    model_diag_free(&d);
    model_instance_destroy(g_inst);
    model_solution_destroy(g_sol);
    g_inst = inst;
    g_sol = sol;
    int off = 0;
    for (int i = 0; i < sol->n_sessions; i++)
        off += sol->sessions[i].uncovered || sol->sessions[i].covered_by;
    cr_assert_gt(off, 0);
    roundtrip_all();
}

Test(ics, unknown_scope_is_refused)
{
    io_export_scope sc;
    char err[160];
    cr_assert_eq(io_export_scope_parse("facilitator:nobody", g_inst, &sc, err), IO_EINVAL);
    cr_assert(strstr(err, "nobody"));
    cr_assert_eq(io_export_scope_parse("team:x", g_inst, &sc, err), IO_EINVAL);
    cr_assert_eq(io_export_scope_parse("room:group-room-a", g_inst, &sc, err), IO_OK);
    cr_assert_eq(sc.kind, IO_SCOPE_ROOM);
    cr_assert_str_eq(sc.id, "group-room-a");
}

/* ------------------------------------------------------------- CSV */

/* RFC 4180 reader: rows of fields (CRLF records, quoted fields with
 * doubled quotes and line breaks).  Returns the number of rows; fields in
 * rows[r] (a strlist each). */
static int csv_read(const char *s, model_strlist *rows, int max)
{
    int n = 0;
    while (*s && n < max) {
        model_strlist *row = &rows[n++];
        memset(row, 0, sizeof *row);
        for (;;) {
            char buf[4096];
            size_t k = 0;
            if (*s == '"') {
                for (s++;; s++) {
                    cr_assert(*s, "unterminated quoted field");
                    if (*s == '"' && s[1] == '"')
                        buf[k++] = *s++;
                    else if (*s == '"')
                        break;
                    else
                        buf[k++] = *s;
                }
                s++;
            } else {
                while (*s && *s != ',' && *s != '\r' && *s != '\n') {
                    cr_assert(*s != '"', "a quote inside an unquoted field");
                    buf[k++] = *s++;
                }
            }
            buf[k] = '\0';
            model_strlist_push(row, buf);
            if (*s == ',') {
                s++;
                continue;
            }
            cr_assert(s[0] == '\r' && s[1] == '\n', "records end with CRLF");
            s += 2;
            break;
        }
    }
    return n;
}

static char *export_csv(io_csv_table t, bool bom)
{
    io_export_options o;
    io_export_options_default(&o);
    o.table = t;
    o.bom = bom;
    char *text = NULL;
    cr_assert_eq(io_export_csv(g_inst, g_sol, &o, &text), IO_OK);
    return text;
}

static int column(const model_strlist *header, const char *name)
{
    int i = model_strlist_find(header, name);
    cr_assert_geq(i, 0, "column %s", name);
    return i;
}

static void free_rows(model_strlist *rows, int n)
{
    for (int i = 0; i < n; i++)
        model_strlist_free(&rows[i]);
}

Test(csv, sessions_read_back_exactly)
{
    stress();
    char *text = export_csv(IO_CSV_SESSIONS, false);
    static model_strlist rows[2000];
    int n = csv_read(text, rows, 2000);
    cr_assert_eq(n, g_sol->n_sessions + 1);
    int cg = column(&rows[0], "group"), cd = column(&rows[0], "date"),
        cs = column(&rows[0], "start"), cl = column(&rows[0], "lead_names"),
        cu = column(&rows[0], "uncovered");
    int matched = 0;
    for (int i = 0; i < g_sol->n_sessions; i++) {
        const model_sol_session *s = &g_sol->sessions[i];
        char d[11], st[6];
        model_date_format(s->date, d);
        model_time_format(s->start, st);
        for (int r = 1; r < n; r++) {
            if (strcmp(rows[r].items[cg], s->group) || strcmp(rows[r].items[cd], d))
                continue;
            cr_assert_str_eq(rows[r].items[cs], st);
            cr_assert_str_eq(rows[r].items[cu], s->uncovered ? "yes" : "no");
            const char *lead = s->facilitators.n ? s->facilitators.items[0] : NULL;
            int f = lead ? model_find_facilitator(g_inst, lead) : -1;
            if (f >= 0)
                cr_assert(strncmp(rows[r].items[cl], g_inst->facilitators[f].name,
                                  strlen(g_inst->facilitators[f].name)) == 0,
                          "lead name %s", rows[r].items[cl]);
            matched++;
        }
    }
    cr_assert_eq(matched, g_sol->n_sessions, "each session is one row");
    free_rows(rows, n);
    free(text);
}

Test(csv, rosters_with_commas_quotes_newlines_and_utf8)
{
    stress();
    char *text = export_csv(IO_CSV_ROSTERS, true);
    cr_assert(memcmp(text, "\xEF\xBB\xBF", 3) == 0, "BOM first");
    static model_strlist rows[2000];
    int n = csv_read(text + 3, rows, 2000);
    int members = 0;
    for (int g = 0; g < g_sol->n_groups; g++)
        members += g_sol->groups[g].running ? g_sol->groups[g].members.n : 0;
    cr_assert_eq(n, members + 1);
    int cn = column(&rows[0], "facilitator_names"), cp = column(&rows[0], "patient"),
        cg = column(&rows[0], "group"), ct = column(&rows[0], "type_name");
    int hits = 0;
    for (int r = 1; r < n; r++) {
        cr_assert_eq(rows[r].n, rows[0].n, "row %d has every column", r);
        const model_sol_group *g = NULL;
        for (int k = 0; k < g_sol->n_groups; k++)
            if (strcmp(g_sol->groups[k].id, rows[r].items[cg]) == 0)
                g = &g_sol->groups[k];
        cr_assert(g);
        cr_assert_geq(model_strlist_find(&g->members, rows[r].items[cp]), 0);
        if (strstr(rows[r].items[cn], "Dr. Zoë \"Z\" O'Neil; PhD, \\LCSW\nNight"))
            hits++;
        if (strcmp(rows[r].items[ct], "Skills, \"DBT\"; façade\\group") == 0)
            hits += 1000;
    }
    cr_assert_gt(hits % 1000, 0, "the name with comma, quote, newline and UTF-8 comes back");
    cr_assert_geq(hits, 1000);
    free_rows(rows, n);
    free(text);
}

Test(csv, formulas_are_defused)
{
    replace(&g_inst->types[0].name, "=HYPERLINK(\"http://x\",\"y\")");
    replace(&g_inst->facilitators[0].name, "@SUM(A1)");
    char *text = export_csv(IO_CSV_ROSTERS, false);
    static model_strlist rows[2000];
    int n = csv_read(text, rows, 2000);
    int ct = column(&rows[0], "type_name"), cn = column(&rows[0], "facilitator_names");
    int defused = 0;
    for (int r = 1; r < n; r++) {
        cr_assert(strchr("=+-@", rows[r].items[ct][0]) == NULL, "%s", rows[r].items[ct]);
        cr_assert(strchr("=+-@", rows[r].items[cn][0]) == NULL, "%s", rows[r].items[cn]);
        defused += strcmp(rows[r].items[ct], "'=HYPERLINK(\"http://x\",\"y\")") == 0;
        defused += strcmp(rows[r].items[cn], "'@SUM(A1)") == 0;
    }
    cr_assert_gt(defused, 1);
    free_rows(rows, n);
    free(text);
}

Test(csv, unplaced_with_reasons)
{
    char *text = export_csv(IO_CSV_UNPLACED, false);
    static model_strlist rows[1000];
    int n = csv_read(text, rows, 1000);
    cr_assert_eq(n, g_sol->n_unplaced + 1);
    int cr = column(&rows[0], "reasons");
    for (int i = 0; i < g_sol->n_unplaced; i++) {
        cr_assert_str_eq(rows[i + 1].items[0], g_sol->unplaced[i].patient);
        /* reasons one per line inside the quoted field */
        const char *p = rows[i + 1].items[cr];
        for (int k = 0; k < g_sol->unplaced[i].reasons.n; k++) {
            size_t len = strlen(g_sol->unplaced[i].reasons.items[k]);
            cr_assert(strncmp(p, g_sol->unplaced[i].reasons.items[k], len) == 0);
            p += len;
            if (*p == '\n')
                p++;
        }
        cr_assert_eq(*p, '\0');
    }
    free_rows(rows, n);
    free(text);
}

/* ------------------------------------------------------------ FHIR */

static json_t *export_fhir(const io_export_scope *sc)
{
    io_export_options o;
    io_export_options_default(&o);
    if (sc)
        o.scope = *sc;
    o.utc_offset_min = -300;
    json_t *b = NULL;
    cr_assert_eq(io_export_fhir(g_inst, g_sol, &o, &b), IO_OK);
    return b;
}

static int count_type(json_t *b, const char *type)
{
    size_t i;
    json_t *e;
    int n = 0;
    json_array_foreach(json_object_get(b, "entry"), i, e)
        n += strcmp(json_string_value(json_object_get(json_object_get(e, "resource"),
                                                      "resourceType")),
                    type) == 0;
    return n;
}

static void refs(json_t *j, json_t *urls, int *n)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *x;
        json_array_foreach(j, i, x) refs(x, urls, n);
    } else if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) {
            if (strcmp(k, "reference") == 0) {
                cr_assert(json_object_get(urls, json_string_value(v)), "reference %s resolves",
                          json_string_value(v));
                (*n)++;
            } else {
                refs(v, urls, n);
            }
        }
    }
}

Test(fhir, bundle_entries_and_references)
{
    stress();
    json_t *b = export_fhir(NULL);
    cr_assert_str_eq(json_string_value(json_object_get(b, "resourceType")), "Bundle");
    cr_assert_str_eq(json_string_value(json_object_get(b, "type")), "collection");
    int running = 0;
    for (int g = 0; g < g_sol->n_groups; g++)
        running += g_sol->groups[g].running;
    cr_assert_eq(count_type(b, "Appointment"), g_sol->n_sessions);
    cr_assert_eq(count_type(b, "Slot"), g_sol->n_sessions);
    cr_assert_eq(count_type(b, "Schedule"), running);
    cr_assert_gt(count_type(b, "Practitioner"), 0);
    cr_assert_eq(count_type(b, "PractitionerRole"), count_type(b, "Practitioner"));
    cr_assert_gt(count_type(b, "Location"), 0);
    cr_assert_gt(count_type(b, "HealthcareService"), 0);
    json_t *urls = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(b, "entry"), i, e) {
        const char *url = json_string_value(json_object_get(e, "fullUrl"));
        const char *id = json_string_value(json_object_get(json_object_get(e, "resource"), "id"));
        cr_assert(strncmp(url, "urn:uuid:", 9) == 0 && strlen(url) == 45);
        cr_assert_str_eq(url + 9, id);
        cr_assert_null(json_object_get(urls, url), "fullUrl %s is unique", url);
        json_object_set_new(urls, url, json_true());
    }
    int n = 0;
    refs(json_object_get(b, "entry"), urls, &n);
    cr_assert_gt(n, 3 * g_sol->n_sessions);
    /* the uncovered session is a pending appointment, the others booked */
    int pending = 0;
    json_array_foreach(json_object_get(b, "entry"), i, e) {
        json_t *r = json_object_get(e, "resource");
        if (strcmp(json_string_value(json_object_get(r, "resourceType")), "Appointment") == 0) {
            pending += strcmp(json_string_value(json_object_get(r, "status")), "pending") == 0;
            cr_assert(strstr(json_string_value(json_object_get(r, "start")), "-05:00"));
        }
    }
    cr_assert_eq(pending, 1);
    json_t *again = export_fhir(NULL);
    cr_assert(json_equal(b, again), "deterministic UUIDs");
    json_decref(again);
    json_decref(urls);
    json_decref(b);
}

Test(fhir, patient_bundle_names_only_that_patient)
{
    const char *p = g_sol->groups[0].members.items[0];
    json_t *b = export_fhir(&(io_export_scope){IO_SCOPE_PATIENT, p});
    cr_assert_eq(count_type(b, "Patient"), 1);
    cr_assert_eq(count_type(b, "Schedule"), 1);
    char *text = json_dumps(b, 0);
    cr_assert_null(strstr(text, g_sol->groups[0].members.items[1]), "no other member");
    free(text);
    json_decref(b);
}

/* ------------------------------------------------------------ HTML */

Test(html, a_page_per_week_or_facilitator)
{
    stress();
    io_export_options o;
    io_export_options_default(&o);
    char *text = NULL;
    cr_assert_eq(io_export_html(g_inst, g_sol, &o, &text), IO_OK);
    int sections = 0;
    for (const char *p = text; (p = strstr(p, "<section>")); p++)
        sections++;
    cr_assert_eq(sections, g_inst->program.horizon_weeks);
    cr_assert(strstr(text, "page-break-after:always"));
    cr_assert(strstr(text, "UNCOVERED"));
    cr_assert(strstr(text, "Dr. Zoë &quot;Z&quot; O'Neil"), "names are escaped");
    cr_assert_null(strstr(text, "<script"));
    cr_assert_null(strstr(text, "http"), "self-contained");
    free(text);
    o.pages = IO_PAGES_FACILITATOR;
    cr_assert_eq(io_export_html(g_inst, g_sol, &o, &text), IO_OK);
    sections = 0;
    for (const char *p = text; (p = strstr(p, "<section>")); p++)
        sections++;
    int leading = 0;
    for (int f = 0; f < g_inst->n_facilitators; f++)
        for (int g = 0; g < g_sol->n_groups; g++)
            if (g_sol->groups[g].running &&
                model_strlist_find(&g_sol->groups[g].facilitators, g_inst->facilitators[f].id) >= 0) {
                leading++;
                break;
            }
    cr_assert_eq(sections, leading);
    free(text);
}

/* ------------------------------------------------------------- CLI */

static int run(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define CLI COHORT_BINARY " schedule " SAMPLE " " SAMPLE_SOL

Test(html, cli_formats_and_bad_arguments)
{
    cr_assert_eq(run(CLI " --format ics --for facilitator:chen -o /tmp/cohort-test-export.ics"), 0);
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(io_read_all("/tmp/cohort-test-export.ics", 1 << 24, &text, &len), IO_OK);
    cr_assert(strncmp(text, "BEGIN:VCALENDAR\r\n", 17) == 0);
    free(text);
    remove("/tmp/cohort-test-export.ics");
    cr_assert_eq(run(CLI " --format csv --table sessions > /dev/null"), 0);
    cr_assert_eq(run(COHORT_BINARY " schedule --help > /dev/null"), 0);
    cr_assert_eq(run(CLI " --format xml 2> /dev/null"), 2);
    cr_assert_eq(run(CLI " 2> /dev/null"), 2);
    cr_assert_eq(run(CLI " --format csv --table nope 2> /dev/null"), 2);
    cr_assert_eq(run(CLI " --format ics --for room:nowhere 2> /dev/null"), 2);
    cr_assert_eq(run(CLI " --format fhir --utc-offset 5 2> /dev/null"), 2);
    cr_assert_eq(run(COHORT_BINARY " schedule " SAMPLE " --format ics 2> /dev/null"), 2);
    cr_assert_eq(run(COHORT_BINARY " schedule --format ics --db /nonexistent/x.db --program p "
                                   "2> /dev/null"),
                 2);
}

/* Read a whole file (asserting). */
static char *slurp(const char *path)
{
    char *t = NULL;
    size_t n = 0;
    cr_assert_eq(io_read_all(path, 1 << 26, &t, &n), IO_OK, "cannot read %s", path);
    return t;
}

Test(html, cli_reads_the_store_like_files)
{
    char dir[] = "/tmp/cohort-test-export-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char db[100], cmd[1200];
    snprintf(db, sizeof db, "%s/s.db", dir);
    io_store *s = NULL;
    char *err = NULL, *sol = slurp(SAMPLE_SOL);
    cr_assert_eq(io_store_open(db, 1, &s, &err), IO_OK);
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_store_program_create(s, "riverside", g_inst, 0, NULL, &d, NULL), IO_OK);
    int v = 0;
    cr_assert_eq(io_store_schedule_save(s, "riverside", sol, 0, &v), IO_OK);
    cr_assert_eq(v, 1);
    io_store_close(s);
    model_diag_free(&d);
    free(sol);
    snprintf(cmd, sizeof cmd,
             "SOURCE_DATE_EPOCH=1800000000 " CLI " --format ics --for room:group-room-a -o %s/a.ics"
             " && SOURCE_DATE_EPOCH=1800000000 " COHORT_BINARY " schedule --db %s --program "
             "riverside --version 1 --format ics --for room:group-room-a -o %s/b.ics",
             dir, db, dir);
    cr_assert_eq(run(cmd), 0);
    char pa[120], pb[120];
    snprintf(pa, sizeof pa, "%s/a.ics", dir);
    snprintf(pb, sizeof pb, "%s/b.ics", dir);
    char *a = slurp(pa), *b = slurp(pb);
    cr_assert_str_eq(a, b, "the store's program and schedule export like the files");
    cr_assert(strstr(a, "DTSTAMP:20270115T080000Z"), "SOURCE_DATE_EPOCH is the DTSTAMP");
    free(a);
    free(b);
    snprintf(cmd, sizeof cmd, COHORT_BINARY " schedule --db %s --program nope --format ics 2>/dev/null",
             db);
    cr_assert_eq(run(cmd), 2);
    snprintf(cmd, sizeof cmd,
             COHORT_BINARY " schedule --db %s --program riverside --version x --format ics 2>/dev/null",
             db);
    cr_assert_eq(run(cmd), 2);
    snprintf(cmd, sizeof cmd,
             COHORT_BINARY " schedule --db %s --program riverside --version published --format ics"
             " 2>/dev/null", db);
    cr_assert_eq(run(cmd), 2, "nothing is published");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(run(cmd), 0);
}

Test(fhir, time_zone_offsets_follow_daylight_saving)
{
    int *off = NULL, n = 0;
    cr_assert_eq(io_export_tz_offsets("Mars/Olympus_Mons", g_inst, &off, &n), IO_EINVAL);
    cr_assert_eq(io_export_tz_offsets("../etc/passwd", g_inst, &off, &n), IO_EINVAL);
    cr_assert_eq(io_export_tz_offsets("America/New_York", g_inst, &off, &n), IO_OK);
    cr_assert_eq(n, 7 * g_inst->program.horizon_weeks);
    cr_assert_eq(off[0], -300, "January: EST");
    cr_assert_eq(off[n - 1], -240, "April: EDT (the sample's horizon crosses the change)");
    io_export_options o;
    io_export_options_default(&o);
    o.day_offsets = off;
    o.n_day_offsets = n;
    json_t *b = NULL;
    cr_assert_eq(io_export_fhir(g_inst, g_sol, &o, &b), IO_OK);
    char *text = json_dumps(b, 0);
    cr_assert(strstr(text, "\"2027-01-04T17:00:00-05:00\""));
    cr_assert(strstr(text, "T17:00:00-04:00\""));
    free(text);
    json_decref(b);
    free(off);
}
