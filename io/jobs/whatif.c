/*
 * whatif.c - what-if scenarios: each scenario applied to a copy of the
 * instance and validated, the baseline and the scenarios planned (runner:
 * whatif_run.c), the marginal scenarios built from the baseline's result,
 * and the report assembled (whatif_report.c).  The scenario reader is
 * whatif_read.c.  Format and semantics: docs/WHATIF.md.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "whatif_private.h"


static json_t *diag_array(const model_diag *d, bool warnings, const char *skip_prefix,
                          const model_diag *known)
{
    json_t *a = json_array();
    int n = warnings ? d->n_warnings : d->n_errors;
    const model_issue *is = warnings ? d->warnings : d->errors;
    for (int i = 0; a && i < n; i++) {
        /* Warnings the unchanged instance has too are not news. */
        if (known && skip_prefix && strncmp(is[i].path, skip_prefix, strlen(skip_prefix)) == 0) {
            const char *rest = is[i].path + strlen(skip_prefix);
            bool seen = false;
            for (int k = 0; k < known->n_warnings && !seen; k++)
                seen = strcmp(known->warnings[k].path, rest) == 0 &&
                       strcmp(known->warnings[k].message, is[i].message) == 0;
            if (seen)
                continue;
        }
        json_t *e = json_object();
        json_object_set_new(e, "path", json_string(is[i].path));
        json_object_set_new(e, "message", json_string(is[i].message));
        json_array_append_new(a, e);
    }
    return a;
}

/* Prepare a job: apply sc (NULL = baseline) to a copy of base; a
 * capacity-only scenario is deferred until the baseline is planned. */
static int prepare(wjob *j, const model_instance *base, const model_scenario *sc,
                   const char *prefix, const model_diag *known)
{
    model_instance *w = model_instance_clone(base);
    if (!w)
        return -1;
    model_diag d;
    model_diag_init(&d);
    int rc = sc ? model_scenario_apply(w, sc, prefix, &d) : MODEL_OK;
    if (rc == MODEL_ENOMEM) {
        model_instance_destroy(w);
        model_diag_free(&d);
        return -1;
    }
    char pre[96];
    snprintf(pre, sizeof pre, "%s.result.", prefix);
    j->warnings = diag_array(&d, true, pre, known);
    if (rc != MODEL_OK) {
        j->errors = diag_array(&d, false, NULL, NULL);
        model_instance_destroy(w);
    } else {
        j->inst = w;
        j->adds_capacity = sc && model_scenario_adds_capacity(base, sc);
        j->deferred = j->adds_capacity;
    }
    model_diag_free(&d);
    return 0;
}

/* ---------------------------------------------------------- marginal */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every credential named in the program, sorted, unique. */
static int program_credentials(const model_instance *in, model_strlist *out)
{
    model_strlist all = {0};
    int rc = 0;
    for (int f = 0; f < in->n_facilitators && !rc; f++)
        for (int c = 0; c < in->facilitators[f].credentials.n && !rc; c++)
            if (model_strlist_find(&all, in->facilitators[f].credentials.items[c]) < 0)
                rc = model_strlist_push(&all, in->facilitators[f].credentials.items[c]);
    for (int t = 0; t < in->n_types && !rc; t++) {
        const model_strlist *ls[2] = {&in->types[t].required_credentials,
                                      &in->types[t].cofacilitator_credentials};
        for (int l = 0; l < 2; l++)
            for (int c = 0; c < ls[l]->n && !rc; c++)
                if (model_strlist_find(&all, ls[l]->items[c]) < 0)
                    rc = model_strlist_push(&all, ls[l]->items[c]);
    }
    if (all.n > 1)
        qsort(all.items, (size_t)all.n, sizeof *all.items, cmp_str);
    *out = all;
    return rc;
}

int wi_marginal_count(const model_instance *base)
{
    model_strlist creds = {0};
    if (program_credentials(base, &creds))
        return -1;
    int n = (base->n_facilitators > 0 ? creds.n : 0) + (base->n_rooms > 0);
    model_strlist_free(&creds);
    return n;
}

static char *unique_id(const model_instance *in, const char *stem, bool fac)
{
    char buf[200];
    for (int k = 0;; k++) {
        if (k == 0)
            snprintf(buf, sizeof buf, "%s", stem);
        else
            snprintf(buf, sizeof buf, "%s-%d", stem, k + 1);
        if ((fac ? model_find_facilitator(in, buf) : model_find_room(in, buf)) < 0)
            return model_strdup(buf);
    }
}

/* Marginal scenarios from the baseline result: one facilitator per
 * credential (windows and caps of the busiest facilitator, credentials =
 * the credential plus whatever else the types needing it require), one
 * room (copy of the most-used room). */
static int build_marginal(const model_instance *base, json_t *base_res, model_scenario **out,
                          int *n_out, json_t ***extra)
{
    model_strlist creds = {0};
    if (program_credentials(base, &creds))
        return -1;
    json_t *load = json_object_get(json_object_get(base_res, "metrics"), "facilitator_load");
    int busiest = -1;
    double bl = -1;
    for (int f = 0; f < base->n_facilitators; f++) {
        json_t *v = json_object_get(load, base->facilitators[f].id);
        double x = v ? json_number_value(v) : 0;
        if (x > bl) {
            bl = x;
            busiest = f;
        }
    }
    json_t *ru = json_object_get(base_res, "rooms_used");
    int room = -1;
    long ru_best = -1;
    for (int r = 0; r < base->n_rooms; r++) {
        json_t *v = json_object_get(ru, base->rooms[r].id);
        long x = v ? (long)json_integer_value(v) : 0;
        if (x > ru_best) {
            ru_best = x;
            room = r;
        }
    }
    int cap = creds.n + 1, n = 0, rc = 0;
    model_scenario *sc = calloc((size_t)cap, sizeof *sc);
    json_t **ex = calloc((size_t)cap, sizeof *ex);
    if (!sc || !ex)
        rc = -1;
    for (int c = 0; c < creds.n && !rc && busiest >= 0; c++) {
        const char *cr = creds.items[c];
        const model_facilitator *b = &base->facilitators[busiest];
        model_facilitator f = *b;
        model_strlist held = {0};
        char stem[160], name[200];
        snprintf(stem, sizeof stem, "marginal-%s", cr);
        snprintf(name, sizeof name, "one more %s facilitator", cr);
        f.id = unique_id(base, stem, true);
        f.name = name;
        f.time_off = NULL;
        f.n_time_off = 0;
        rc |= model_strlist_push(&held, cr);
        for (int t = 0; t < base->n_types; t++) {
            const model_group_type *ty = &base->types[t];
            const model_strlist *ls[2] = {&ty->required_credentials, &ty->cofacilitator_credentials};
            for (int l = 0; l < 2; l++)
                if (model_strlist_find(ls[l], cr) >= 0)
                    for (int k = 0; k < ls[l]->n; k++)
                        if (model_strlist_find(&held, ls[l]->items[k]) < 0)
                            rc |= model_strlist_push(&held, ls[l]->items[k]);
        }
        f.credentials = held;
        model_scenario *x = &sc[n];
        char sname[200];
        snprintf(sname, sizeof sname, "+facilitator %s", cr);
        if (!f.id || rc || !(x->name = model_strdup(sname)) ||
            model_scenario_add_facilitator(x, &f) != MODEL_OK)
            rc = -1;
        json_t *e = json_object();
        json_object_set_new(e, "kind", json_string("facilitator"));
        json_object_set_new(e, "credential", json_string(cr));
        json_object_set_new(e, "id", json_string(f.id ? f.id : ""));
        json_t *ca = json_array();
        for (int k = 0; k < held.n; k++)
            json_array_append_new(ca, json_string(held.items[k]));
        json_object_set_new(e, "credentials", ca);
        json_object_set_new(e, "windows_and_caps_of", json_string(b->id));
        ex[n++] = e;
        free(f.id);
        model_strlist_free(&held);
    }
    if (!rc && room >= 0) {
        model_room r = base->rooms[room];
        r.id = unique_id(base, "marginal-room", false);
        model_scenario *x = &sc[n];
        if (!r.id || !(x->name = model_strdup("+room")) || model_scenario_add_room(x, &r) != MODEL_OK)
            rc = -1;
        json_t *e = json_object();
        json_object_set_new(e, "kind", json_string("room"));
        json_object_set_new(e, "id", json_string(r.id ? r.id : ""));
        json_object_set_new(e, "copy_of", json_string(base->rooms[room].id));
        ex[n++] = e;
        free(r.id);
    }
    model_strlist_free(&creds);
    if (rc) {
        io_whatif_scenarios_free(sc, n);
        for (int i = 0; i < n; i++)
            json_decref(ex[i]);
        free(ex);
        return -1;
    }
    *out = sc;
    *n_out = n;
    *extra = ex;
    return 0;
}

typedef struct mrank {
    int job;
    double placed, revenue;
} mrank;

static int mrank_cmp(const void *a, const void *b)
{
    const mrank *x = a, *y = b;
    if (x->placed != y->placed)
        return x->placed > y->placed ? -1 : 1;
    if (x->revenue != y->revenue)
        return x->revenue > y->revenue ? -1 : 1;
    return x->job - y->job;
}

/* The warnings the unchanged instance has (not news in a scenario). */
static int known_warnings(const model_instance *base, model_diag *known)
{
    model_instance *kc = model_instance_clone(base);
    if (!kc)
        return -1;
    int v = model_instance_validate(kc, known);
    model_instance_destroy(kc);
    return v == MODEL_ENOMEM ? -1 : 0;
}

/* The baseline's solution tree (a new reference) to start capacity-only
 * scenarios from; NULL when it has no schedule. */
static json_t *baseline_schedule(const wjob *b)
{
    json_t *s = b->failure ? NULL : json_object_get(b->result, "solution");
    return json_incref(s);
}

/* One what-if run: its jobs, what they share, and what runs them. */
typedef struct wrun {
    wjob *js, *mj;
    int nj, nm;
    model_scenario *msc;
    json_t *warm;
    model_diag known;
    wi_runner run;
    void *ctx;
} wrun;

/* Run the deferred (capacity-only) jobs of js from the baseline schedule
 * warm (may be NULL).  The largest concurrency, or -1. */
static int run_deferred(const wrun *w, wjob *js, int n, const json_t *warm,
                        const io_whatif_options *o, int jobs, double deadline)
{
    int any = 0;
    for (int i = 0; i < n; i++)
        if (js[i].deferred) {
            js[i].deferred = false;
            js[i].warm = warm;
            any = 1;
        }
    return any ? w->run(w->ctx, js, n, o, jobs, deadline) : 0;
}

/* Marginal jobs (one more facilitator per credential, one more room) from
 * the baseline's result, prepared; *mj / *nm.  0 or -1. */
static int marginal_jobs(const model_instance *base, json_t *base_res, const model_diag *known,
                         int first_part, wjob **mj, int *nm, model_scenario **msc)
{
    json_t **mex = NULL;
    int rc = 0;
    if (build_marginal(base, base_res, msc, nm, &mex))
        return -1;
    if (*nm > 0 && !(*mj = wi_wjobs_new(*nm)))
        rc = -1;
    for (int i = 0; i < *nm && !rc; i++) {
        wjob *j = &(*mj)[i];
        j->kind = 2;
        j->part = first_part + i;
        j->extra = mex[i];
        mex[i] = NULL;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "marginal[%d]", i);
        if (!(j->name = model_strdup((*msc)[i].name)) ||
            prepare(j, base, &(*msc)[i], prefix, known))
            rc = -1;
    }
    for (int i = 0; i < *nm; i++)
        json_decref(mex[i]);
    free(mex);
    return rc;
}

/* Ranking figure of a marginal entry: its difference, 0 when the change
 * is not measurable (within the solvers' gaps). */
static double rank_figure(json_t *o, const char *key)
{
    if (json_is_false(json_object_get(o, "measurable")))
        return 0.0;
    return json_number_value(json_object_get(json_object_get(o, "differences"), key));
}

/* "marginal" (every marginal job) and "bottlenecks" (ranked by extra
 * placements, then revenue) into root. */
static void marginal_report(json_t *root, wjob *mj, int nm, json_t *base_res)
{
    json_t *ma = json_array();
    mrank *rk = calloc((size_t)nm + 1, sizeof *rk);
    int nr = 0;
    for (int i = 0; i < nm; i++) {
        json_t *o = wi_job_json(&mj[i], base_res);
        json_t *d = json_object_get(o, "differences");
        if (rk && d && json_is_object(d)) {
            rk[nr].job = i;
            rk[nr].placed = rank_figure(o, "placed");
            rk[nr].revenue = rank_figure(o, "projected_revenue");
            json_object_set_new(o, "placements_delta", json_real(rk[nr].placed));
            json_object_set_new(o, "revenue_delta", json_real(rk[nr].revenue));
            nr++;
        }
        json_array_append_new(ma, o);
    }
    if (rk)
        qsort(rk, (size_t)nr, sizeof *rk, mrank_cmp);
    json_t *bl = json_array();
    for (int i = 0; i < nr; i++) {
        json_t *o = json_array_get(ma, (size_t)rk[i].job);
        json_object_set_new(o, "rank", json_integer(i + 1));
        json_t *e = json_object();
        json_object_set_new(e, "rank", json_integer(i + 1));
        json_object_set(e, "name", json_object_get(o, "name"));
        json_object_set_new(e, "placements_per_quarter", json_real(rk[i].placed));
        json_object_set_new(e, "revenue_per_quarter", json_real(rk[i].revenue));
        json_object_set(e, "measurable", json_object_get(o, "measurable"));
        json_array_append_new(bl, e);
    }
    free(rk);
    json_object_set_new(root, "marginal", ma);
    json_object_set_new(root, "bottlenecks", bl);
    if (!base_res || !json_object_get(base_res, "metrics"))
        json_object_set_new(root, "marginal_note",
                            json_string("no marginal values: the baseline has no schedule"));
}

static void wrun_free(wrun *w)
{
    for (int i = 0; w->js && i < w->nj; i++)
        wi_wjob_free(&w->js[i]);
    free(w->js);
    for (int i = 0; w->mj && i < w->nm; i++)
        wi_wjob_free(&w->mj[i]);
    free(w->mj);
    io_whatif_scenarios_free(w->msc, w->nm);
    json_decref(w->warm);
    model_diag_free(&w->known);
}

/* The baseline and scenario jobs, prepared.  0 or -1. */
static int scenario_jobs(wrun *w, const model_instance *base, const model_scenario *sc, int n)
{
    w->nj = n + 1;
    if (!(w->js = wi_wjobs_new(w->nj)))
        return -1;
    w->js[0].kind = 0;
    if (!(w->js[0].name = model_strdup("baseline")) ||
        prepare(&w->js[0], base, NULL, "baseline", &w->known))
        return -1;
    for (int i = 0; i < n; i++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "scenarios[%d]", i);
        wjob *j = &w->js[i + 1];
        j->kind = 1;
        j->part = i + 1;
        if (!(j->name = model_strdup(sc[i].name ? sc[i].name : prefix)) ||
            prepare(j, base, &sc[i], prefix, &w->known))
            return -1;
    }
    return 0;
}

/* Plan everything: the baseline with the other scenarios first, then the
 * capacity-only scenarios from its schedule, then the marginal ones.  The
 * largest concurrency; -1 out of memory, -2 the runner failed. */
static int run_all(wrun *w, const model_instance *base, const io_whatif_options *opt, int jobs,
                   double deadline)
{
    int maxc = w->run(w->ctx, w->js, w->nj, opt, jobs, deadline);
    if (maxc < 0)
        return -2;
    w->warm = baseline_schedule(&w->js[0]);
    int m = run_deferred(w, w->js, w->nj, w->warm, opt, jobs, deadline);
    if (m < 0)
        return -2;
    maxc = m > maxc ? m : maxc;
    json_t *base_res = w->js[0].failure ? NULL : w->js[0].result;
    if (!opt->marginal || !base_res || !json_object_get(base_res, "metrics"))
        return maxc;
    if (marginal_jobs(base, base_res, &w->known, w->nj, &w->mj, &w->nm, &w->msc))
        return -1;
    m = run_deferred(w, w->mj, w->nm, w->warm, opt, jobs, deadline);
    if (m < 0)
        return -2;
    return m > maxc ? m : maxc;
}

/* wi_runner over wi_run_jobs: plans in forked worker processes. */
static int fork_runner(void *ctx, wjob *js, int n, const io_whatif_options *o, int jobs,
                       double deadline_s)
{
    (void)ctx;
    return wi_run_jobs(js, n, o, jobs, deadline_s);
}

json_t *wi_report(const model_instance *base, const model_scenario *sc, int n,
                  const io_whatif_options *opt, wi_runner run, void *ctx, int *rc)
{
    int jobs = wi_jobs_at_once(opt);
    double tl = opt->time_limit_s >= 0 ? opt->time_limit_s : base->settings.time_limit_s;
    double deadline = 2.0 * tl + 30.0;
    wrun w;
    memset(&w, 0, sizeof w);
    w.run = run;
    w.ctx = ctx;
    model_diag_init(&w.known);
    int maxc = -1;
    if (!known_warnings(base, &w.known) && !scenario_jobs(&w, base, sc, n))
        maxc = run_all(&w, base, opt, jobs, deadline);
    if (maxc < 0) {
        wrun_free(&w);
        *rc = maxc == -2 ? IO_EIO : IO_ENOMEM;
        return NULL;
    }
    json_t *base_res = w.js[0].failure ? NULL : w.js[0].result;
    json_t *root = json_object();
    json_object_set_new(root, "jobs", json_integer(jobs));
    json_object_set_new(root, "max_concurrent", json_integer(maxc));
    json_object_set_new(root, "parent_pid", json_integer((json_int_t)getpid()));
    json_object_set_new(root, "time_limit_s", json_real(tl));
    json_object_set_new(root, "baseline", wi_job_json(&w.js[0], NULL));
    json_t *arr = json_array();
    for (int i = 1; i < w.nj; i++)
        json_array_append_new(arr, wi_job_json(&w.js[i], base_res));
    json_object_set_new(root, "scenarios", arr);
    if (opt->marginal)
        marginal_report(root, w.mj, w.nm, base_res);
    wrun_free(&w);
    *rc = root ? IO_OK : IO_ENOMEM;
    return root;
}

int io_whatif_run_tree(const model_instance *base, const model_scenario *sc, int n,
                       const io_whatif_options *opt, json_t **out)
{
    io_whatif_options defo;
    if (!opt) {
        io_whatif_options_default(&defo);
        opt = &defo;
    }
    if (!base || !out || n < 0 || (n > 0 && !sc))
        return IO_EINVAL;
    int rc = IO_OK;
    json_t *root = wi_report(base, sc, n, opt, fork_runner, NULL, &rc);
    if (!root)
        return rc;
    *out = root;
    return IO_OK;
}

int io_whatif_run(const model_instance *base, const model_scenario *sc, int n,
                  const io_whatif_options *opt, char **out)
{
    if (!out)
        return IO_EINVAL;
    json_t *root = NULL;
    int rc = io_whatif_run_tree(base, sc, n, opt, &root);
    if (rc != IO_OK)
        return rc;
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (!text)
        return IO_ENOMEM;
    *out = text;
    return IO_OK;
}
