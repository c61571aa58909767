/*
 * bench_report.c - the suite's reports: the Markdown tables, the rows of
 * results.json and the scaling chart (SVG), and `cohort-bench chart`
 * that redraws the chart from a saved results.json.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "driver.h"
#include "io.h"
#include "suite.h"

/* ------------------------------------------------------------ reports */

static void fmt_num(char *b, size_t n, bool has, double v, int prec)
{
    if (!has)
        snprintf(b, n, "–");
    else
        snprintf(b, n, "%.*f", prec, v);
}

static const row *find_row(const rows *rs, const char *tier, int seed, const char *solver)
{
    for (int i = 0; i < rs->n; i++)
        if (strcmp(rs->v[i].tier, tier) == 0 && rs->v[i].seed == seed &&
            strcmp(rs->v[i].solver, solver) == 0)
            return &rs->v[i];
    return NULL;
}

void write_markdown(FILE *f, const bench_cfg *c, const rows *rs, const whatif_result *w,
                    const fill_result *fl, const char *machine)
{
    (void)c;
    fprintf(f, "%s\n", machine);
    fprintf(f, "### All runs\n\n");
    fprintf(f, "| tier | seed | groups / facilitators / waitlisted | solver | status | time s | "
               "peak MB | objective | bound | gap | placed | seats filled | mean wait placed (d) | "
               "check | note |\n");
    fprintf(f, "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (int i = 0; i < rs->n; i++) {
        const row *r = &rs->v[i];
        char ob[32], bd[32], gp[32], pl[32], sf[32], mw[32];
        fmt_num(ob, sizeof ob, r->has_obj, r->obj, 1);
        fmt_num(bd, sizeof bd, r->has_bound, r->bound, 1);
        fmt_num(gp, sizeof gp, r->has_obj && r->has_bound, r->gap * 100.0, 2);
        if (r->has_obj && r->has_bound)
            strncat(gp, " %", sizeof gp - strlen(gp) - 1);
        if (r->has_metrics) {
            snprintf(pl, sizeof pl, "%d", r->placed);
            snprintf(sf, sizeof sf, "%d / %d", r->seats_filled, r->seats);
            snprintf(mw, sizeof mw, "%.1f", r->mean_wait);
        } else {
            snprintf(pl, sizeof pl, "–");
            snprintf(sf, sizeof sf, "–");
            snprintf(mw, sizeof mw, "–");
        }
        fprintf(f, "| %s | %d | %d / %d / %d | %s | %s | %.2f | %.0f | %s | %s | %s | %s | %s | %s "
                   "| %s | %s |\n",
                r->tier, r->seed, (int)jnum(r->info, "groups", 0),
                (int)jnum(r->info, "facilitators", 0), (int)jnum(r->info, "waitlisted", 0),
                r->solver, r->status[0] ? r->status : "–", r->wall, r->peak_mb, ob, bd, gp, pl,
                sf, mw, r->check, r->note);
    }

    fprintf(f, "\n### cohort beside the baselines\n\n");
    fprintf(f, "| tier | seed | cohort: status, time s, objective, placed, mean wait d | FCFS: "
               "placed, mean wait d, objective, check | CBC on the exported model: status, time s, "
               "objective | GLPK on the exported model: status, time s, objective | objective "
               "ratio CBC / cohort | objective ratio CBC / GLPK (same model) | GLPK on the naive "
               "model: status, time s, objective, bound |\n");
    fprintf(f, "|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < rs->n; i++) {
        const row *co = &rs->v[i];
        if (strcmp(co->solver, "cohort") != 0)
            continue;
        const row *fc = find_row(rs, co->tier, co->seed, "fcfs");
        const row *cb = find_row(rs, co->tier, co->seed, "cbc-export");
        const row *ge = find_row(rs, co->tier, co->seed, "glpk-export");
        const row *nv = find_row(rs, co->tier, co->seed, "glpk-naive");
        char a[160], b[160], d[160] = "", e[160] = "", g[200], ra[64], rc[64], o1[32], o2[32];
        fmt_num(o1, sizeof o1, co->has_obj, co->obj, 1);
        if (co->has_metrics)
            fmt_to(a, sizeof a, "%s, %.2f, %s, %d, %.1f", co->status, co->wall, o1, co->placed,
                   co->mean_wait);
        else
            fmt_to(a, sizeof a, "%s, %.2f, –", co->status[0] ? co->status : "–", co->wall);
        if (fc && fc->has_metrics)
            fmt_to(b, sizeof b, "%d, %.1f, %.1f, %s", fc->placed, fc->mean_wait, fc->obj,
                   fc->check);
        else
            fmt_to(b, sizeof b, "%s", fc ? fc->status : "not run");
        const row *pair[2] = {cb, ge};
        char *dst[2] = {d, e};
        for (int k = 0; k < 2; k++) {
            if (!pair[k]) {
                fmt_to(dst[k], 160, "not run");
                continue;
            }
            fmt_num(o2, sizeof o2, pair[k]->has_obj, pair[k]->obj, 1);
            fmt_to(dst[k], 160, "%s, %.2f, %s", pair[k]->status, pair[k]->wall, o2);
        }
        if (cb && ge && cb->has_obj && ge->has_obj && fabs(ge->obj) > 1e-9)
            fmt_to(ra, sizeof ra, "%.4f", cb->obj / ge->obj);
        else
            fmt_to(ra, sizeof ra, "–");
        if (cb && cb->has_obj && co->has_obj && fabs(co->obj) > 1e-9)
            fmt_to(rc, sizeof rc, "%.4f", cb->obj / co->obj);
        else
            fmt_to(rc, sizeof rc, "–");
        if (!nv)
            fmt_to(g, sizeof g, "not run");
        else {
            char b2[32];
            fmt_num(o2, sizeof o2, nv->has_obj, nv->obj, 1);
            fmt_num(b2, sizeof b2, nv->has_bound, nv->bound, 1);
            fmt_to(g, sizeof g, "%s, %.2f, %s, %s", nv->status, nv->wall, o2, b2);
        }
        fprintf(f, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", co->tier, co->seed, a, b, d,
                e, rc, ra, g);
    }
    if (w && w->ran)
        fprintf(f, "\n### what-if throughput\n\n`cohort whatif` on %s-%d, %d scenarios (each "
                   "a full re-plan, plus the baseline plan), `-j 2`, time limit %g s per plan: "
                   "%.1f s wall, **%.1f scenarios per minute**, peak %.0f MB (largest single "
                   "process); %d of %d scenarios and %s baseline produced a schedule%s%s.\n",
                w->tier, w->seed, w->scenarios, w->time_limit, w->wall, w->per_minute,
                w->peak_mb, w->n_ok, w->scenarios, w->baseline_ok ? "the" : "not the",
                w->note[0] ? "; " : "", w->note);
    else if (w)
        fprintf(f, "\n### what-if throughput\n\nnot measured%s%s.\n", w->note[0] ? ": " : "",
                w->note);
    if (fl && fl->ran)
        fprintf(f, "\n### fill latency\n\n`fill-latency` (bench/fill_latency.c) on %s-%d with "
                   "the %s schedule (%d groups, %d running), one vacated seat each: library call "
                   "(fill with apply) median **%.2f ms**, p99 **%.2f ms** over %d seats; the whole "
                   "`cohort fill --apply` command median %.1f ms, p99 %.1f ms over %d runs.\n",
                fl->tier, fl->seed, fl->which, fl->groups, fl->running, fl->lib_median,
                fl->lib_p99, fl->runs, fl->cli_median, fl->cli_p99, fl->cli_runs);
    else if (fl)
        fprintf(f, "\n### fill latency\n\nnot measured%s%s.\n", fl->note[0] ? ": " : "",
                fl->note);
}

json_t *row_json(const row *r)
{
    json_t *o = json_pack("{s:s, s:i, s:s, s:O, s:s, s:f, s:f, s:f, s:s, s:s}", "tier", r->tier,
                          "seed", r->seed, "solver", r->solver, "instance",
                          r->info ? r->info : json_null(), "status", r->status, "wall_seconds",
                          r->wall, "peak_mb", r->peak_mb, "time_limit_s", r->time_limit, "check",
                          r->check, "note", r->note);
    if (!o)
        return NULL;
    if (r->has_obj)
        json_object_set_new(o, "objective", json_real(r->obj));
    if (r->has_bound)
        json_object_set_new(o, "bound", json_real(r->bound));
    if (r->has_obj && r->has_bound)
        json_object_set_new(o, "gap", json_real(r->gap));
    if (r->has_metrics) {
        json_object_set_new(o, "placed", json_integer(r->placed));
        json_object_set_new(o, "seats", json_integer(r->seats));
        json_object_set_new(o, "seats_filled", json_integer(r->seats_filled));
        json_object_set_new(o, "mean_wait_days_placed", json_real(r->mean_wait));
    }
    return o;
}

/* Scaling chart: wall time and peak memory per tier, one line per solver,
 * log scales; written as SVG text. */
void write_svg(FILE *f, const rows *rs)
{
    static const char *const solvers[] = {"cohort", "fcfs", "cbc-export", "glpk-export",
                                          "glpk-naive"};
    static const char *const colors[] = {"#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#d62728"};
    enum { NS = 5 };
    static const char *const tiers[] = {"S", "M", "L", "XL"};
    const int W = 900, H = 420, pw = 360, ph = 280, top = 60, lefts[2] = {70, 520};
    /* mean per (solver, tier) over seeds */
    double val[2][NS][4];
    int cnt[NS][4];
    memset(val, 0, sizeof val);
    memset(cnt, 0, sizeof cnt);
    bool tier_used[4] = {false};
    for (int i = 0; i < rs->n; i++) {
        const row *r = &rs->v[i];
        int t = tier_index(r->tier), s = -1;
        for (int k = 0; k < NS; k++)
            if (strcmp(r->solver, solvers[k]) == 0)
                s = k;
        if (t < 0 || s < 0 || r->wall <= 0 || strcmp(r->status, "too_large") == 0 ||
            strncmp(r->status, "no", 2) == 0)
            continue;
        val[0][s][t] += r->wall;
        val[1][s][t] += r->peak_mb;
        cnt[s][t]++;
        tier_used[t] = true;
    }
    int nt = 0, tpos[4];
    for (int t = 0; t < 4; t++)
        tpos[t] = tier_used[t] ? nt++ : -1;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n",
            W, H);
    fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
    fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"16\" text-anchor=\"middle\">cohort benchmark "
               "scaling: mean over seeds per tier (log scales)</text>\n",
            W / 2);
    static const char *const titles[2] = {"wall time (s)", "peak memory (MB)"};
    for (int m = 0; m < 2; m++) {
        double lo = 1e300, hi = -1e300;
        for (int s = 0; s < NS; s++)
            for (int t = 0; t < 4; t++)
                if (cnt[s][t]) {
                    double v = fmax(val[m][s][t] / cnt[s][t], 1e-3);
                    lo = fmin(lo, v);
                    hi = fmax(hi, v);
                }
        if (hi < lo) {
            lo = 0.1;
            hi = 10;
        }
        double llo = floor(log10(lo)), lhi = ceil(log10(hi));
        if (lhi <= llo)
            lhi = llo + 1;
        int x0 = lefts[m], y0 = top + ph;
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">%s</text>\n",
                x0 + pw / 2, top - 12, titles[m]);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                   "stroke=\"#444\"/>\n",
                x0, top, pw, ph);
        for (double e = llo; e <= lhi + 1e-9; e += 1) {
            double y = y0 - (e - llo) / (lhi - llo) * ph;
            fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x0,
                    y, x0 + pw, y);
            fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", x0 - 6, y + 4,
                    pow(10, e));
        }
        for (int t = 0; t < 4; t++) {
            if (tpos[t] < 0)
                continue;
            double x = x0 + (nt > 1 ? (double)tpos[t] / (nt - 1) : 0.5) * (pw - 40) + 20;
            int groups = 0;
            for (int i = 0; i < rs->n && !groups; i++)
                if (tier_index(rs->v[i].tier) == t && rs->v[i].info)
                    groups = (int)jnum(rs->v[i].info, "groups", 0);
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, y0 + 16,
                    tiers[t]);
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\" "
                       "fill=\"#555\">%d groups</text>\n",
                    x, y0 + 29, groups);
        }
        for (int s = 0; s < NS; s++) {
            bool any = false;
            for (int t = 0; t < 4; t++)
                any = any || cnt[s][t];
            if (!any)
                continue;
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                    colors[s]);
            for (int t = 0; t < 4; t++) {
                if (!cnt[s][t] || tpos[t] < 0)
                    continue;
                double v = fmax(val[m][s][t] / cnt[s][t], 1e-3);
                double x = x0 + (nt > 1 ? (double)tpos[t] / (nt - 1) : 0.5) * (pw - 40) + 20;
                double y = y0 - (log10(v) - llo) / (lhi - llo) * ph;
                fprintf(f, "%.1f,%.1f ", x, y);
            }
            fprintf(f, "\"/>\n");
            for (int t = 0; t < 4; t++) {
                if (!cnt[s][t] || tpos[t] < 0)
                    continue;
                double v = fmax(val[m][s][t] / cnt[s][t], 1e-3);
                double x = x0 + (nt > 1 ? (double)tpos[t] / (nt - 1) : 0.5) * (pw - 40) + 20;
                double y = y0 - (log10(v) - llo) / (lhi - llo) * ph;
                fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s %s: "
                           "%.3g</title></circle>\n",
                        x, y, colors[s], solvers[s], tiers[t], v);
            }
        }
    }
    for (int s = 0; s < NS; s++) {
        int x = 60 + s * 170, y = H - 30;
        fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                   "stroke-width=\"3\"/>\n",
                x, y, x + 24, y, colors[s]);
        fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 30, y + 4, solvers[s]);
    }
    fprintf(f, "</svg>\n");
}

/* `cohort-bench chart RESULTS.json [-o SVG]`: redraw the scaling chart from
 * a saved results.json. */
int cmd_chart(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (!in && argv[i][0] != '-')
            in = argv[i];
        else
            in = NULL;
    }
    if (!in) {
        fprintf(stderr, "usage: cohort-bench chart RESULTS.json [-o SCALING.svg]\n");
        return COHORT_EXIT_INVALID;
    }
    json_error_t err;
    json_t *doc = json_load_file(in, 0, &err);
    json_t *runs = doc ? json_object_get(doc, "runs") : NULL;
    if (!json_is_array(runs)) {
        fprintf(stderr, "cohort-bench chart: %s: no \"runs\" array (%s)\n", in,
                doc ? "wrong file" : err.text);
        json_decref(doc);
        return COHORT_EXIT_INVALID;
    }
    rows rs = {0};
    size_t i;
    json_t *v;
    json_array_foreach(runs, i, v)
    {
        row *r = row_new(&rs, jstr(v, "tier", "?"), (int)jnum(v, "seed", 0),
                         jstr(v, "solver", "?"), json_object_get(v, "instance"), 0);
        snprintf(r->status, sizeof r->status, "%s", jstr(v, "status", ""));
        r->wall = jnum(v, "wall_seconds", 0);
        r->peak_mb = jnum(v, "peak_mb", 0);
    }
    FILE *f = out ? fopen(out, "w") : stdout;
    int rc = COHORT_EXIT_OK;
    if (!f) {
        fprintf(stderr, "cohort-bench chart: cannot write %s\n", out);
        rc = COHORT_EXIT_INTERNAL;
    } else {
        write_svg(f, &rs);
        if (out && fclose(f) != 0)
            rc = COHORT_EXIT_INTERNAL;
    }
    free(rs.v);
    json_decref(doc);
    return rc;
}
