/* cmd_fill.c - `cohort fill INSTANCE SOLUTION EVENTS [--top N] [--apply]
 * [-o OUT] [--json]`: a seat opened (dropped, graduated), a hold, a return
 * or a referral; rank the waitlist for each opened seat and, with --apply,
 * place the top candidates changing nothing else.  Also the events reader
 * and the report JSON (shared with the HTTP server).  docs/WHATIF.md. */
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

/* ---------------------------------------------------------------- events */

static const char *jt(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

void io_fill_events_free(solver_fill_event *ev, int n)
{
    for (int i = 0; ev && i < n; i++)
        solver_fill_event_free(&ev[i]);
    free(ev);
}

/* Program, settings and group types of inst as a JSON tree: the context a
 * referral's patient object is read in. */
static json_t *patient_context(const model_instance *inst)
{
    model_instance tmp = *inst;
    tmp.groups = NULL;
    tmp.n_groups = 0;
    tmp.rooms = NULL;
    tmp.n_rooms = 0;
    tmp.facilitators = NULL;
    tmp.n_facilitators = 0;
    tmp.patients = NULL;
    tmp.n_patients = 0;
    return io_instance_to_tree(&tmp);
}

int io_fill_events_parse(const char *text, size_t len, const model_instance *inst,
                         solver_fill_event **out, int *n_out, model_diag *d)
{
    if (!inst || !out || !n_out || !d)
        return IO_EINVAL;
    json_t *root = NULL;
    int rc = io_json_load(text, len, &root, d);
    if (rc != IO_OK)
        return rc;
    rc = io_fill_events_from_tree(root, inst, out, n_out, d);
    json_decref(root);
    return rc;
}

int io_fill_events_from_tree(const json_t *tree, const model_instance *inst,
                             solver_fill_event **out, int *n_out, model_diag *d)
{
    if (!tree || !inst || !out || !n_out || !d)
        return IO_EINVAL;
    json_t *root = (json_t *)tree; /* only read: Jansson's iteration lacks const */
    int errors = d->n_errors, nomem = 0;
    json_t *arr = NULL;
    if (json_is_array(root)) {
        arr = json_incref(root);
    } else if (json_is_object(root) && json_object_get(root, "events")) {
        arr = json_incref(json_object_get(root, "events"));
        const char *k;
        json_t *v;
        json_object_foreach(root, k, v) if (strcmp(k, "events") != 0) nomem |=
            io_diag_error(d, k, "unknown field '%s'", k);
        if (!json_is_array(arr)) {
            nomem |= io_diag_error(d, "events", "expected an array of events, got %s", jt(arr));
            json_decref(arr);
            arr = NULL;
        }
    } else if (json_is_object(root)) {
        arr = json_array();
        if (!arr || json_array_append(arr, root))
            nomem = 1;
    } else {
        nomem |= io_diag_error(d, "",
                               "expected an event object, an array of them or "
                               "{\"events\": [...]}, got %s",
                               jt(root));
    }
    size_t cnt = arr ? json_array_size(arr) : 0;
    solver_fill_event *ev = NULL;
    int n = 0;
    json_t *ctx = NULL;
    if (cnt > 100000) {
        nomem |= io_diag_error(d, "events", "too many events (%zu)", cnt);
        cnt = 0;
    }
    if (cnt && !(ev = calloc(cnt, sizeof *ev)))
        nomem = 1;
    for (size_t i = 0; i < cnt && !nomem; i++) {
        json_t *o = json_array_get(arr, i);
        char p[64], q[96];
        snprintf(p, sizeof p, "events[%zu]", i);
        solver_fill_event *e = &ev[n++];
        e->date = -1;
        if (!json_is_object(o)) {
            nomem |= io_diag_error(d, p, "expected an event object, got %s", jt(o));
            continue;
        }
        static const char *const keys[] = {"event", "group", "patient", "date", NULL};
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v) {
            int j;
            for (j = 0; keys[j] && strcmp(keys[j], k) != 0; j++)
                ;
            if (!keys[j]) {
                snprintf(q, sizeof q, "%s.%s", p, k);
                nomem |= io_diag_error(d, q, "unknown field '%s'", k);
            }
        }
        json_t *kv = json_object_get(o, "event");
        snprintf(q, sizeof q, "%s.event", p);
        int kind = kv ? solver_fill_event_parse(json_string_value(kv)) : -1;
        if (!kv)
            nomem |= io_diag_error(d, q, "missing required field 'event'");
        else if (kind < 0)
            nomem |= io_diag_error(d, q, "%s%s%s is not an event (expected dropped, graduated, "
                                  "hold_clinical, hold_admin, returned or referral)",
                            json_is_string(kv) ? "'" : "",
                            json_is_string(kv) ? json_string_value(kv) : jt(kv),
                            json_is_string(kv) ? "'" : "");
        e->kind = kind < 0 ? SOLVER_FILL_DROPPED : (solver_fill_event_kind)kind;
        json_t *dv = json_object_get(o, "date");
        snprintf(q, sizeof q, "%s.date", p);
        if (dv && (!json_is_string(dv) || model_date_parse(json_string_value(dv), &e->date) != MODEL_OK))
            nomem |= io_diag_error(d, q, "expected an ISO date YYYY-MM-DD, got %s%s%s",
                            json_is_string(dv) ? "'" : "",
                            json_is_string(dv) ? json_string_value(dv) : jt(dv),
                            json_is_string(dv) ? "'" : "");
        json_t *gv = json_object_get(o, "group");
        snprintf(q, sizeof q, "%s.group", p);
        if (gv && kind == SOLVER_FILL_REFERRAL)
            nomem |= io_diag_error(d, q, "a referral names no group (it answers which group fits)");
        else if (gv && (!json_is_string(gv) || !json_string_length(gv)))
            nomem |= io_diag_error(d, q, "expected a group id (string), got %s", jt(gv));
        else if (gv && !(e->group = model_strdup(json_string_value(gv))))
            nomem = 1;
        json_t *pv = json_object_get(o, "patient");
        snprintf(q, sizeof q, "%s.patient", p);
        if (!pv) {
            nomem |= io_diag_error(d, q, "missing required field 'patient'");
        } else if (kind == SOLVER_FILL_REFERRAL) {
            if (!json_is_object(pv)) {
                nomem |= io_diag_error(d, q, "a referral needs the full patient object, got %s",
                                       jt(pv));
                continue;
            }
            if (!ctx && !(ctx = patient_context(inst))) {
                nomem = 1;
                continue;
            }
            json_t *pc = json_deep_copy(pv);
            if (!pc) {
                nomem = 1;
                continue;
            }
            if (!json_object_get(pc, "added")) {
                /* On the waitlist from the referral date. */
                char ds[11];
                model_date_format(e->date >= 0 ? e->date : inst->program.horizon_start, ds);
                json_object_set_new(pc, "added", json_string(ds));
            }
            model_patient *mp = calloc(1, sizeof *mp);
            int rc = mp ? io_entity_parse(ctx, "patients", pc, q, mp, d) : IO_ENOMEM;
            json_decref(pc);
            if (rc == IO_OK) {
                e->referral = mp;
            } else {
                free(mp);
                if (rc == IO_ENOMEM)
                    nomem = 1;
            }
        } else if (!json_is_string(pv) || !json_string_length(pv)) {
            nomem |= io_diag_error(d, q, "expected a patient id (string), got %s", jt(pv));
        } else if (!(e->patient = model_strdup(json_string_value(pv)))) {
            nomem = 1;
        }
    }
    json_decref(ctx);
    json_decref(arr);
    if (nomem || d->n_errors > errors) {
        io_fill_events_free(ev, n);
        return nomem ? IO_ENOMEM : IO_EINVAL;
    }
    *out = ev;
    *n_out = n;
    return IO_OK;
}

/* ---------------------------------------------------------------- report */

static json_t *strlist_json(const model_strlist *l)
{
    json_t *a = json_array();
    for (int i = 0; a && i < l->n; i++)
        json_array_append_new(a, json_string(l->items[i]));
    return a;
}

static json_t *date_json(int date)
{
    if (date < 0)
        return json_null();
    char b[11];
    model_date_format(date, b);
    return json_string(b);
}

static json_t *composition_json(int size, int max_size, double share, int high, int spread)
{
    json_t *o = json_object();
    json_object_set_new(o, "size", json_integer(size));
    if (max_size >= 0)
        json_object_set_new(o, "max_size", json_integer(max_size));
    json_object_set_new(o, "new_share", json_real(share));
    json_object_set_new(o, "high_acuity", json_integer(high));
    json_object_set_new(o, "age_spread", spread >= 0 ? json_integer(spread) : json_null());
    return o;
}

static json_t *figures(const model_metrics *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "placed", json_integer(m->placed));
    json_object_set_new(o, "waitlist_after", json_integer(m->waitlist_after));
    json_object_set_new(o, "seats", json_integer(m->seats));
    json_object_set_new(o, "seats_filled", json_integer(m->seats_filled));
    json_object_set_new(o, "groups_running", json_integer(m->groups_running));
    json_object_set_new(o, "member_sessions", json_integer(m->member_sessions));
    json_object_set_new(o, "projected_revenue", json_real(m->projected_revenue));
    return o;
}

static int max_size_of(const solver_fill_result *r, const char *group)
{
    int g = model_find_group(r->instance, group);
    if (g < 0)
        return -1;
    int t = model_find_type(r->instance, r->instance->groups[g].type);
    return t < 0 ? -1 : r->instance->types[t].max_size;
}

/* Every real in v rounded to REPORT_DIGITS significant digits, the value
 * the report's text holds, so that its tree and its text agree. */
#define REPORT_DIGITS 10
static void round_reals(json_t *v)
{
    const char *k;
    json_t *x;
    size_t i;
    if (json_is_real(v)) {
        char t[32];
        snprintf(t, sizeof t, "%.*g", REPORT_DIGITS, json_real_value(v));
        json_real_set(v, strtod(t, NULL));
    } else if (json_is_object(v)) {
        json_object_foreach(v, k, x) round_reals(x);
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x) round_reals(x);
    }
}

int io_fill_report_text(const json_t *report, char **out)
{
    char *t = json_dumps(report, JSON_INDENT(2) | JSON_REAL_PRECISION(REPORT_DIGITS));
    if (!t)
        return IO_ENOMEM;
    *out = t;
    return IO_OK;
}

int io_fill_report_json(const model_solution *before, const solver_fill_result *r,
                        const solver_fill_options *opt, const model_check_report *check,
                        char **out)
{
    json_t *o = io_fill_report_tree(before, r, opt, check);
    int rc = o ? io_fill_report_text(o, out) : IO_ENOMEM;
    json_decref(o);
    return rc;
}

json_t *io_fill_report_tree(const model_solution *before, const solver_fill_result *r,
                            const solver_fill_options *opt, const model_check_report *check)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "status", json_string("ok"));
    json_object_set_new(o, "applied", json_boolean(opt && opt->apply));
    json_object_set_new(o, "placed", json_integer(r->placed));
    json_object_set_new(o, "events", strlist_json(&r->event_notes));
    json_t *seats = json_array();
    for (int i = 0; i < r->n_seats; i++) {
        const solver_fill_seat *s = &r->seats[i];
        json_t *so = json_object(), *cs = json_array(), *ex = json_object();
        int mx = max_size_of(r, s->group);
        json_object_set_new(so, "group", json_string(s->group));
        json_object_set_new(so, "event", json_integer(s->event));
        json_object_set_new(so, "eligible", json_integer(s->n_eligible));
        json_object_set_new(ex, "max_new_share", json_integer(s->excluded_new_share));
        json_object_set_new(ex, "max_high_acuity", json_integer(s->excluded_high_acuity));
        json_object_set_new(ex, "max_age_spread", json_integer(s->excluded_age_spread));
        json_object_set_new(so, "excluded_by_composition", ex);
        if (s->excluded_authorization)
            json_object_set_new(so, "excluded_by_authorization",
                                json_integer(s->excluded_authorization));
        for (int k = 0; k < s->n_candidates; k++) {
            const solver_fill_candidate *c = &s->candidates[k];
            json_t *co = json_object();
            json_object_set_new(co, "rank", json_integer(k + 1));
            json_object_set_new(co, "patient", json_string(c->patient));
            json_object_set_new(co, "value", json_real(c->value));
            json_object_set_new(co, "wait_days", c->wait_days >= 0 ? json_integer(c->wait_days) : json_null());
            json_object_set_new(co, "added", date_json(c->added));
            json_object_set_new(co, "priority", json_integer(c->priority));
            json_object_set_new(co, "why", strlist_json(&c->why));
            json_object_set_new(co, "composition_after",
                                composition_json(c->size_after, mx, c->new_share_after,
                                                 c->high_acuity_after, c->age_spread_after));
            json_array_append_new(cs, co);
        }
        json_object_set_new(so, "candidates", cs);
        json_object_set_new(so, "placed", s->placed ? json_string(s->placed) : json_null());
        json_array_append_new(seats, so);
    }
    json_object_set_new(o, "seats", seats);
    json_t *refs = json_array();
    for (int i = 0; i < r->n_referrals; i++) {
        const solver_fill_referral *f = &r->referrals[i];
        json_t *fo = json_object(), *gs = json_array();
        json_object_set_new(fo, "patient", json_string(f->patient));
        json_object_set_new(fo, "event", json_integer(f->event));
        json_object_set_new(fo, "notes", strlist_json(&f->notes));
        for (int k = 0; k < f->n_groups; k++) {
            const solver_fill_option *g = &f->groups[k];
            json_t *go = json_object();
            json_object_set_new(go, "rank", json_integer(k + 1));
            json_object_set_new(go, "group", json_string(g->group));
            json_object_set_new(go, "free_seats", json_integer(g->free_seats));
            json_object_set_new(go, "why", strlist_json(&g->why));
            json_object_set_new(go, "composition_after",
                                composition_json(g->size_after, max_size_of(r, g->group),
                                                 g->new_share_after, g->high_acuity_after,
                                                 g->age_spread_after));
            json_array_append_new(gs, go);
        }
        json_object_set_new(fo, "groups", gs);
        json_object_set_new(fo, "best_group", f->n_groups ? json_string(f->groups[0].group) : json_null());
        json_object_set_new(fo, "expected_wait_days",
                            f->expected_wait_days >= 0 ? json_real(f->expected_wait_days) : json_null());
        json_object_set_new(fo, "estimate", strlist_json(&f->estimate));
        json_object_set_new(fo, "placed", f->placed ? json_string(f->placed) : json_null());
        json_array_append_new(refs, fo);
    }
    json_object_set_new(o, "referrals", refs);
    json_t *um = json_array();
    for (int i = 0; i < r->n_under_min; i++) {
        const solver_fill_undermin *u = &r->under_min[i];
        json_t *uo = json_object();
        json_object_set_new(uo, "group", json_string(u->group));
        json_object_set_new(uo, "size", json_integer(u->size));
        json_object_set_new(uo, "min_size", json_integer(u->min_size));
        json_object_set_new(uo, "size_after_fill", json_integer(u->size_after_fill));
        json_object_set_new(uo, "eligible", json_integer(u->eligible));
        json_object_set_new(uo, "merge_into", strlist_json(&u->merge_into));
        json_object_set_new(uo, "run_until", date_json(u->run_until));
        json_object_set_new(uo, "options", strlist_json(&u->options));
        json_array_append_new(um, uo);
    }
    json_object_set_new(o, "below_minimum", um);
    if (before)
        json_object_set_new(o, "figures_before", figures(&before->metrics));
    json_object_set_new(o, "figures_after", figures(&r->solution->metrics));
    if (check) {
        json_t *co = json_object(), *va = json_array();
        json_object_set_new(co, "violations", json_integer(check->n_violations));
        for (int i = 0; i < check->n_violations; i++) {
            json_t *v = json_object();
            json_object_set_new(v, "rule", json_integer(check->violations[i].rule));
            json_object_set_new(v, "entity", json_string(check->violations[i].entity));
            json_object_set_new(v, "message", json_string(check->violations[i].message));
            json_array_append_new(va, v);
        }
        json_object_set_new(co, "list", va);
        json_object_set_new(o, "check_after", co);
    }
    round_reals(o);
    return o;
}

/* Text report for a person. */
static void print_report(FILE *f, const solver_fill_result *r, const solver_fill_options *opt,
                         const model_check_report *check)
{
    fprintf(f, "Events:\n");
    for (int i = 0; i < r->event_notes.n; i++)
        fprintf(f, "  %s\n", r->event_notes.items[i]);
    for (int i = 0; i < r->n_seats; i++) {
        const solver_fill_seat *s = &r->seats[i];
        int ex = s->excluded_new_share + s->excluded_high_acuity + s->excluded_age_spread;
        int mx = max_size_of(r, s->group);
        fprintf(f, "\nOpen seat in %s (event %d): %d waitlisted patient%s meet%s every rule",
                s->group, s->event + 1, s->n_eligible, s->n_eligible == 1 ? "" : "s",
                s->n_eligible == 1 ? "s" : "");
        if (ex)
            fprintf(f, "; %d more excluded by composition (new share %d, high acuity %d, age "
                       "spread %d)",
                    ex, s->excluded_new_share, s->excluded_high_acuity, s->excluded_age_spread);
        if (s->excluded_authorization)
            fprintf(f, "; %d more blocked by payer authorization (no authorization covers the "
                       "group's CPT with enough units)",
                    s->excluded_authorization);
        fprintf(f, "\n");
        if (s->n_candidates == 0)
            fprintf(f, "  nobody on the waitlist fits this seat\n");
        for (int k = 0; k < s->n_candidates; k++) {
            const solver_fill_candidate *c = &s->candidates[k];
            char ds[11] = "?";
            if (c->added >= 0)
                model_date_format(c->added, ds);
            fprintf(f, "  %d. %-12s value %.1f, waiting %s%d days (since %s), priority %d\n",
                    k + 1, c->patient, c->value, c->wait_days < 0 ? "?" : "",
                    c->wait_days < 0 ? 0 : c->wait_days, ds, c->priority);
            for (int w = 0; w < c->why.n; w++)
                fprintf(f, "       %s\n", c->why.items[w]);
            fprintf(f, "       after joining: %d of %d members, new share %.2f, %d high-acuity",
                    c->size_after, mx, c->new_share_after, c->high_acuity_after);
            if (c->age_spread_after >= 0)
                fprintf(f, ", age spread %d years", c->age_spread_after);
            fprintf(f, "\n");
        }
        if (opt->apply)
            fprintf(f, "  placed: %s\n", s->placed ? s->placed : "nobody");
    }
    for (int i = 0; i < r->n_referrals; i++) {
        const solver_fill_referral *rf = &r->referrals[i];
        fprintf(f, "\nReferral %s (event %d):\n", rf->patient, rf->event + 1);
        for (int k = 0; k < rf->notes.n; k++)
            fprintf(f, "  note: %s\n", rf->notes.items[k]);
        for (int k = 0; k < rf->n_groups; k++) {
            fprintf(f, "  %d. %s (%d free seat%s)\n", k + 1, rf->groups[k].group,
                    rf->groups[k].free_seats, rf->groups[k].free_seats == 1 ? "" : "s");
            for (int w = 0; w < rf->groups[k].why.n; w++)
                fprintf(f, "       %s\n", rf->groups[k].why.items[w]);
        }
        if (rf->n_groups > 0 && rf->notes.n > 0 && !rf->placed)
            fprintf(f, "  (the groups above have a seat that fits once the notes are resolved)\n");
        if (rf->n_groups == 0 && !rf->placed) {
            if (rf->expected_wait_days >= 0)
                fprintf(f, "  no running group with a free seat fits; expected wait about %.0f days\n",
                        rf->expected_wait_days);
            else
                fprintf(f, "  no running group with a free seat fits; no estimate\n");
            for (int k = 0; k < rf->estimate.n; k++)
                fprintf(f, "    - %s\n", rf->estimate.items[k]);
        }
        if (opt->apply || rf->placed)
            fprintf(f, "  placed: %s\n", rf->placed ? rf->placed : "nowhere");
    }
    for (int i = 0; i < r->n_under_min; i++) {
        const solver_fill_undermin *u = &r->under_min[i];
        fprintf(f, "\nBelow minimum: %s has %d members after the events (min_size %d)\n", u->group,
                u->size, u->min_size);
        for (int k = 0; k < u->options.n; k++)
            fprintf(f, "  option: %s\n", u->options.items[k]);
    }
    const model_metrics *m = &r->solution->metrics;
    fprintf(f, "\n%s: %d placed in all, %d of %d seats filled, %ld member-sessions, projected "
               "revenue %.0f\n",
            opt->apply ? "After applying" : "Schedule after the events (nothing placed)",
            m->placed, m->seats_filled, m->seats, m->member_sessions, m->projected_revenue);
    if (check) {
        fprintf(f, "check of the updated solution: %d violation%s\n", check->n_violations,
                check->n_violations == 1 ? "" : "s");
        for (int i = 0; i < check->n_violations && i < 20; i++)
            fprintf(f, "  rule %d (%s): %s\n", check->violations[i].rule,
                    check->violations[i].entity, check->violations[i].message);
    }
}

/* -------------------------------------------------------------------- CLI */

static void help(FILE *out)
{
    fprintf(out,
            "Usage: cohort fill INSTANCE SOLUTION EVENTS [--top N] [--apply] [-o OUT] [--json]\n"
            "A seat opened (or a hold, a return, a referral): rank the waitlisted patients\n"
            "who meet every rule for each opened seat, with why they fit, their wait and\n"
            "the group's composition after they join; answer referrals; flag groups that\n"
            "fall below min_size.  EVENTS: one event, a list, or {\"events\":[...]}:\n"
            "  {\"event\":\"dropped\"|\"graduated\"|\"hold_clinical\"|\"hold_admin\"|\"returned\",\n"
            "   \"group\"?:ID, \"patient\":ID, \"date\"?:\"YYYY-MM-DD\"}\n"
            "  {\"event\":\"referral\", \"patient\":{full patient object}, \"date\"?:...}\n\n"
            "  --top N             candidates listed per seat (default 5)\n"
            "  --apply             place the top candidate of each seat (and a referral in\n"
            "                      its best group); nothing else in the schedule changes;\n"
            "                      writes the updated solution (metrics recomputed)\n"
            "  -o, --output OUT    with --apply: the updated solution (default stdout);\n"
            "                      without: the report\n"
            "  --instance-out F    write the instance with the events applied (rosters,\n"
            "                      referrals): check the new solution against this one\n"
            "  --report F          write the report to F (default: stdout, or stderr when\n"
            "                      the solution goes to stdout)\n"
            "  --json              report as JSON\n"
            "  --turnover R        monthly share of active members leaving (default 0.08)\n"
            "  --hold-turnover R   monthly share of held members leaving (default 0.25)\n"
            "  --grace-weeks W     run-under-minimum grace period (default 4)\n"
            "  -h, --help          show this help\n\n"
            "Exit codes: 0 ok, 2 invalid input or events, 1 internal error.\n");
}

static int read_inputs(const char *ip, const char *sp, model_instance **inst,
                       model_solution **sol, model_diag *d)
{
    int rc = io_instance_read_file(ip, inst, d);
    if (rc != IO_OK)
        return rc;
    return io_solution_read_file(sp, sol, d);
}

int io_cmd_fill(int argc, char **argv)
{
    static const struct option opts[] = {
        {"top", required_argument, NULL, 't'},
        {"apply", no_argument, NULL, 'a'},
        {"output", required_argument, NULL, 'o'},
        {"instance-out", required_argument, NULL, 'I'},
        {"report", required_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},
        {"turnover", required_argument, NULL, 'T'},
        {"hold-turnover", required_argument, NULL, 'H'},
        {"grace-weeks", required_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    solver_fill_options fo;
    solver_fill_options_default(&fo);
    const char *out_path = NULL, *inst_out = NULL, *report_path = NULL;
    int json = 0, c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            fo.top_n = (int)strtol(optarg, &end, 10);
            if (*end || fo.top_n < 0 || fo.top_n > 10000) {
                fprintf(stderr, "cohort fill: --top needs a whole number 0..10000, got '%s'\n", optarg);
                return COHORT_EXIT_INVALID;
            }
            break;
        case 'a': fo.apply = true; break;
        case 'o': out_path = optarg; break;
        case 'I': inst_out = optarg; break;
        case 'r': report_path = optarg; break;
        case 'j': json = 1; break;
        case 'T':
        case 'H': {
            double v = strtod(optarg, &end);
            if (*end || !(v >= 0 && v <= 1)) {
                fprintf(stderr, "cohort fill: --%s needs a share 0..1, got '%s'\n",
                        c == 'T' ? "turnover" : "hold-turnover", optarg);
                return COHORT_EXIT_INVALID;
            }
            if (c == 'T')
                fo.turnover_per_month = v;
            else
                fo.hold_turnover_per_month = v;
            break;
        }
        case 'g':
            fo.grace_weeks = (int)strtol(optarg, &end, 10);
            if (*end || fo.grace_weeks < 0 || fo.grace_weeks > 520) {
                fprintf(stderr, "cohort fill: --grace-weeks needs 0..520, got '%s'\n", optarg);
                return COHORT_EXIT_INVALID;
            }
            break;
        case 'h': help(stdout); return COHORT_EXIT_OK;
        default: help(stderr); return COHORT_EXIT_INVALID;
        }
    }
    if (optind != argc - 3) {
        fprintf(stderr, "cohort fill: expected INSTANCE SOLUTION EVENTS\n");
        help(stderr);
        return COHORT_EXIT_INVALID;
    }
    const char *ip = argv[optind], *sp = argv[optind + 1], *ep = argv[optind + 2];
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    model_solution *sol = NULL;
    solver_fill_event *ev = NULL;
    solver_fill_result *res = NULL;
    model_check_report check;
    bool have_check = false;
    char *etext = NULL, *report = NULL, *soltext = NULL, *insttext = NULL;
    size_t elen = 0;
    int n_ev = 0, exit_code = COHORT_EXIT_INTERNAL;
    int rc = read_inputs(ip, sp, &inst, &sol, &d);
    if (rc == IO_OK) {
        rc = io_read_all(ep, IO_MAX_INPUT_BYTES, &etext, &elen);
        if (rc != IO_OK)
            model_diag_error(&d, "", "cannot read events file %s", ep);
    }
    if (rc == IO_OK)
        rc = io_fill_events_parse(etext, elen, inst, &ev, &n_ev, &d);
    if (rc == IO_OK) {
        int src = solver_fill_run(inst, sol, ev, n_ev, &fo, &res, &d);
        rc = src == SOLVER_OK ? IO_OK : src == SOLVER_EINVAL ? IO_EINVAL : IO_ENOMEM;
    }
    if (rc != IO_OK) {
        io_print_diag(stderr, &d);
        exit_code = rc == IO_ENOMEM ? COHORT_EXIT_INTERNAL : COHORT_EXIT_INVALID;
        if (rc == IO_EIO)
            exit_code = COHORT_EXIT_INVALID;
        goto done;
    }
    if (fo.apply) {
        if (model_check(res->instance, res->solution, &check) != MODEL_OK)
            goto done;
        have_check = true;
    }
    if ((json ? io_fill_report_json(sol, res, &fo, have_check ? &check : NULL, &report) : IO_OK) !=
        IO_OK)
        goto done;
    exit_code = COHORT_EXIT_OK;
    if (fo.apply) {
        if (io_solution_to_json(res->solution, &soltext) != IO_OK) {
            exit_code = COHORT_EXIT_INTERNAL;
            goto done;
        }
        if ((exit_code = io_emit(out_path, soltext)) != COHORT_EXIT_OK)
            goto done;
    }
    if (inst_out) {
        if (io_instance_to_json(res->instance, &insttext) != IO_OK) {
            exit_code = COHORT_EXIT_INTERNAL;
            goto done;
        }
        if ((exit_code = io_emit(inst_out, insttext)) != COHORT_EXIT_OK)
            goto done;
    }
    /* The report: --report, else -o without --apply, else stdout (stderr
     * when the solution went to stdout). */
    const char *rp = report_path ? report_path : !fo.apply ? out_path : NULL;
    bool sol_on_stdout = fo.apply && (!out_path || strcmp(out_path, "-") == 0);
    if (json) {
        if (rp)
            exit_code = io_emit(rp, report);
        else
            fprintf(sol_on_stdout ? stderr : stdout, "%s\n", report);
    } else {
        FILE *f = sol_on_stdout ? stderr : stdout;
        if (rp && strcmp(rp, "-") != 0 && !(f = fopen(rp, "w"))) {
            fprintf(stderr, "cohort fill: cannot write %s\n", rp);
            exit_code = COHORT_EXIT_INTERNAL;
            goto done;
        }
        print_report(f, res, &fo, have_check ? &check : NULL);
        if (f != stdout && f != stderr)
            fclose(f);
    }
done:
    if (have_check)
        model_check_report_free(&check);
    free(report);
    free(soltext);
    free(insttext);
    free(etext);
    solver_fill_result_destroy(res);
    io_fill_events_free(ev, n_ev);
    model_solution_destroy(sol);
    model_instance_destroy(inst);
    model_diag_free(&d);
    return exit_code;
}
