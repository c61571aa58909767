/*
 * csv.c - CSV export (RFC 4180): rosters per group, the dated session list
 * and the unplaced patients with their reasons.  UTF-8, CRLF line ends, a
 * header row; a field is quoted when it holds a comma, a quote, CR or LF
 * (quotes doubled).  Fields that hold lists join them with "; " (reasons,
 * which are sentences, with a line break inside the quoted field).  An
 * optional UTF-8 byte order mark lets spreadsheet programs that guess the
 * encoding (Excel on Windows) read names like "Zoë" correctly.  Texts that
 * a spreadsheet would run as formulas are defused (see io_csv_field()).
 */
#include <stdlib.h>
#include <string.h>

#include "export_private.h"

void io_csv_field(io_buf *f, int first, const char *s)
{
    if (!first)
        io_buf_putc(f, ',');
    if (!s || !*s)
        return;
    bool formula = strchr("=+-@\t\r", s[0]) != NULL;
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        io_buf_putc(f, '"');
    if (formula)
        io_buf_putc(f, '\'');
    for (; *s; s++) {
        if (*s == '"')
            io_buf_putc(f, '"');
        io_buf_putc(f, *s);
    }
    if (quote)
        io_buf_putc(f, '"');
}

static void row_end(io_buf *f)
{
    io_buf_puts(f, "\r\n");
}

/* A header row from a NULL-terminated list of names. */
static void header(io_buf *f, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        io_csv_field(f, i == 0, names[i]);
    row_end(f);
}

/* The status of member p in group g of the instance ("new" when placed by
 * this plan). */
static const char *member_status(const model_instance *inst, const model_sol_group *g,
                                 const char *p)
{
    if (model_strlist_find(&g->new_members, p) >= 0)
        return "new";
    int gi = model_find_group(inst, g->id);
    for (int i = 0; gi >= 0 && i < inst->groups[gi].n_members; i++)
        if (strcmp(inst->groups[gi].members[i].patient, p) == 0)
            return model_status_name(inst->groups[gi].members[i].status);
    return "active";
}

static int rosters(io_buf *f, const model_instance *inst, const model_solution *sol,
                   const io_export_scope *sc)
{
    static const char *const H[] = {"group", "type", "type_name", "day", "start", "end",
                                    "cadence", "room", "facilitators", "facilitator_names",
                                    "substitute", "patient", "status", NULL};
    header(f, H);
    for (int gi = 0; gi < sol->n_groups; gi++) {
        const model_sol_group *g = &sol->groups[gi];
        if (!g->running || !ex_group_regular(g, sc))
            continue;
        const model_group_type *t = ex_type(inst, g);
        char *ids = ex_join(inst, &g->facilitators, "; ", false);
        char *names = ex_join(inst, &g->facilitators, "; ", true);
        if (!ids || !names) {
            free(ids);
            free(names);
            return IO_ENOMEM;
        }
        char st[6], en[6];
        model_time_format(g->start, st);
        model_time_format(g->end, en);
        for (int m = 0; m < g->members.n; m++) {
            const char *p = g->members.items[m];
            if (sc->kind == IO_SCOPE_PATIENT && strcmp(p, sc->id) != 0)
                continue;
            const char *v[] = {g->id, t ? t->id : g->type, ex_type_name(inst, g),
                               model_day_name(g->day), st, en,
                               model_cadence_name(t ? t->cadence : MODEL_WEEKLY), g->room, ids,
                               names, g->substitute, p, member_status(inst, g, p)};
            for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
                io_csv_field(f, k == 0, v[k]);
            row_end(f);
        }
        free(ids);
        free(names);
    }
    return IO_OK;
}

static int sessions(io_buf *f, const model_instance *inst, const model_solution *sol,
                    const io_export_scope *sc)
{
    static const char *const H[] = {"date", "weekday", "start", "end", "group", "type_name",
                                    "room", "leads", "lead_names", "covered_by", "uncovered",
                                    "members", NULL};
    header(f, H);
    int *idx = NULL, n = 0;
    if (ex_sessions_sorted(sol, sc, &idx, &n) != IO_OK)
        return IO_ENOMEM;
    for (int i = 0; i < n; i++) {
        const model_sol_session *s = &sol->sessions[idx[i]];
        const model_sol_group *g = ex_group(sol, s->group);
        char *ids = ex_join(inst, &s->facilitators, "; ", false);
        char *names = ex_join(inst, &s->facilitators, "; ", true);
        if (!ids || !names) {
            free(ids);
            free(names);
            free(idx);
            return IO_ENOMEM;
        }
        char d[11], st[6], en[6], mem[16];
        model_date_format(s->date, d);
        model_time_format(s->start, st);
        model_time_format(s->end, en);
        snprintf(mem, sizeof mem, "%d", g->members.n);
        const char *v[] = {d, model_day_name(model_date_weekday(s->date)), st, en, s->group,
                           ex_type_name(inst, g), s->room, ids, names, s->covered_by,
                           s->uncovered ? "yes" : "no", mem};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            io_csv_field(f, k == 0, v[k]);
        row_end(f);
        free(ids);
        free(names);
    }
    free(idx);
    return IO_OK;
}

static int unplaced(io_buf *f, const model_instance *inst, const model_solution *sol,
                    const io_export_scope *sc)
{
    static const char *const H[] = {"patient", "added", "priority", "reasons", NULL};
    header(f, H);
    for (int i = 0; i < sol->n_unplaced; i++) {
        const model_sol_unplaced *u = &sol->unplaced[i];
        if (sc->kind == IO_SCOPE_PATIENT && strcmp(u->patient, sc->id) != 0)
            continue;
        if (sc->kind == IO_SCOPE_FACILITATOR || sc->kind == IO_SCOPE_ROOM)
            continue; /* nobody is unplaced from a facilitator's or room's schedule */
        int p = model_find_patient(inst, u->patient);
        char added[11] = "", prio[16] = "";
        if (p >= 0 && inst->patients[p].added >= 0)
            model_date_format(inst->patients[p].added, added);
        if (p >= 0)
            snprintf(prio, sizeof prio, "%d", inst->patients[p].priority);
        char *reasons = ex_join(inst, &u->reasons, "\n", false);
        if (!reasons)
            return IO_ENOMEM;
        const char *v[] = {u->patient, added, prio, reasons};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            io_csv_field(f, k == 0, v[k]);
        row_end(f);
        free(reasons);
    }
    return IO_OK;
}

int io_export_csv(const model_instance *inst, const model_solution *sol,
                  const io_export_options *o, char **out)
{
    if (!inst || !sol || !o || !out)
        return IO_EINVAL;
    io_buf b = {0};
    if (o->bom)
        io_buf_puts(&b, "\xEF\xBB\xBF");
    int rc = o->table == IO_CSV_SESSIONS   ? sessions(&b, inst, sol, &o->scope)
             : o->table == IO_CSV_UNPLACED ? unplaced(&b, inst, sol, &o->scope)
                                           : rosters(&b, inst, sol, &o->scope);
    if (rc != IO_OK) {
        io_buf_free(&b);
        return rc;
    }
    return io_buf_finish(&b, out);
}
