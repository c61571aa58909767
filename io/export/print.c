/*
 * print.c - a printable schedule: one self-contained HTML page (inline CSS,
 * no scripts, no external resources) with a print stylesheet that starts
 * each week (or each facilitator) on a new sheet.
 */
#include <stdlib.h>
#include <string.h>

#include "export_private.h"

/* HTML text escaping. */
static void esc(io_buf *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': io_buf_puts(f, "&amp;"); break;
        case '<': io_buf_puts(f, "&lt;"); break;
        case '>': io_buf_puts(f, "&gt;"); break;
        case '"': io_buf_puts(f, "&quot;"); break;
        default: io_buf_putc(f, *s);
        }
    }
}

static const char CSS[] =
    "body{font:11pt/1.35 system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5em;color:#111}"
    "h1{font-size:16pt;margin:0 0 .2em}h2{font-size:13pt;margin:1.2em 0 .4em}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #888;padding:.25em .45em;text-align:left;vertical-align:top}"
    "th{background:#eee}td:nth-child(-n+2),td:nth-child(4){white-space:nowrap}"
    "tr.uncovered td{background:#fde2e2;font-weight:600}"
    "tr.covered td{background:#fff6d6}"
    ".note{font-size:9pt;color:#444}"
    "@media print{body{margin:0;font-size:8.5pt}h1{font-size:12pt}h2{font-size:10.5pt;"
    "margin:0 0 .3em}th,td{padding:.15em .35em}section{break-after:page;page-break-after:always}"
    "section:last-of-type{break-after:auto;page-break-after:auto}"
    "tr{break-inside:avoid;page-break-inside:avoid}th{background:#ddd}}"
    "@page{size:A4 landscape;margin:12mm}";

static void row(io_buf *f, const model_instance *inst, const model_solution *sol,
                const model_sol_session *s)
{
    const model_sol_group *g = ex_group(sol, s->group);
    char d[11], st[6], en[6];
    model_date_format(s->date, d);
    model_time_format(s->start, st);
    model_time_format(s->end, en);
    io_buf_printf(f, "<tr%s><td>%s %s</td><td>%s-%s</td><td>",
                  s->uncovered    ? " class=\"uncovered\""
                  : s->covered_by ? " class=\"covered\""
                                  : "",
                  model_day_name(model_date_weekday(s->date)), d, st, en);
    esc(f, ex_type_name(inst, g));
    io_buf_puts(f, " <span class=\"note\">(");
    esc(f, g->id);
    io_buf_puts(f, ")</span></td><td>");
    esc(f, s->room ? s->room : "telehealth");
    io_buf_puts(f, "</td><td>");
    for (int k = 0; k < s->facilitators.n; k++) {
        if (k)
            io_buf_puts(f, "; ");
        esc(f, ex_facilitator_name(inst, s->facilitators.items[k]));
    }
    io_buf_puts(f, "</td><td>");
    if (s->uncovered)
        io_buf_puts(f, "UNCOVERED: no facilitator available");
    else if (s->covered_by) {
        io_buf_puts(f, "covered by ");
        esc(f, ex_facilitator_name(inst, s->covered_by));
    }
    io_buf_printf(f, "</td><td>%d</td></tr>\n", g->members.n);
}

static void table_open(io_buf *f, const char *title_fmt_arg, const char *prefix)
{
    io_buf_puts(f, "<section>\n<h2>");
    esc(f, prefix);
    esc(f, title_fmt_arg);
    io_buf_puts(
        f, "</h2>\n<table>\n<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Time</th>"
           "<th scope=\"col\">Group</th><th scope=\"col\">Room</th><th scope=\"col\">Leads</th>"
           "<th scope=\"col\">Notes</th><th scope=\"col\">Members</th></tr></thead>\n<tbody>\n");
}

static void table_close(io_buf *f, int rows)
{
    if (!rows)
        io_buf_puts(f, "<tr><td colspan=\"7\">no sessions</td></tr>\n");
    io_buf_puts(f, "</tbody>\n</table>\n</section>\n");
}

static void by_week(io_buf *f, const model_instance *inst, const model_solution *sol,
                    const int *idx, int n)
{
    int i = 0;
    for (int w = 0; w < inst->program.horizon_weeks; w++) {
        char d[11];
        int monday = inst->program.horizon_start + 7 * w;
        model_date_format(monday, d);
        table_open(f, d, "Week of ");
        int rows = 0;
        for (; i < n && sol->sessions[idx[i]].date < monday + 7; i++, rows++)
            row(f, inst, sol, &sol->sessions[idx[i]]);
        table_close(f, rows);
    }
}

static void by_facilitator(io_buf *f, const model_instance *inst, const model_solution *sol,
                           const int *idx, int n)
{
    for (int k = 0; k < inst->n_facilitators; k++) {
        const model_facilitator *fa = &inst->facilitators[k];
        io_export_scope sc = {IO_SCOPE_FACILITATOR, fa->id};
        int rows = 0;
        for (int i = 0; i < n; i++) {
            const model_sol_session *s = &sol->sessions[idx[i]];
            if (!ex_session_in(ex_group(sol, s->group), s, &sc))
                continue;
            if (!rows++)
                table_open(f, fa->name ? fa->name : fa->id, "");
            row(f, inst, sol, s);
        }
        if (rows)
            table_close(f, rows);
    }
}

int io_export_html(const model_instance *inst, const model_solution *sol,
                   const io_export_options *o, char **out)
{
    if (!inst || !sol || !o || !out)
        return IO_EINVAL;
    int *idx = NULL, n = 0;
    io_buf b = {0};
    if (ex_sessions_sorted(sol, &o->scope, &idx, &n) != IO_OK)
        return IO_ENOMEM;
    const char *name = inst->program.name ? inst->program.name : "cohort";
    io_buf_puts(&b,
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    esc(&b, name);
    io_buf_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>", CSS);
    esc(&b, name);
    if (o->scope.id) {
        io_buf_puts(&b, " - ");
        esc(&b, o->scope.kind == IO_SCOPE_FACILITATOR ? ex_facilitator_name(inst, o->scope.id)
                                                      : o->scope.id);
    }
    char from[11], to[11];
    model_date_format(inst->program.horizon_start, from);
    model_date_format(ex_horizon_last(inst), to);
    io_buf_printf(&b,
                  "</h1>\n<p class=\"note\">Schedule %s to %s, %d sessions. Covered sessions are "
                  "marked \"covered by\", uncovered ones \"UNCOVERED\".</p></header>\n",
                  from, to, n);
    if (o->pages == IO_PAGES_FACILITATOR)
        by_facilitator(&b, inst, sol, idx, n);
    else
        by_week(&b, inst, sol, idx, n);
    io_buf_puts(&b, "</body>\n</html>\n");
    free(idx);
    return io_buf_finish(&b, out);
}
