/* metrics.c - solution metrics and objective terms: the one definition used
 * by the planner (to report) and the checker (to verify).  See model.h. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "idmap.h"

/* Type index of a solution group: its instance group's type, else the type
 * the solution names; -1 when neither resolves. */
static int sol_group_type(const model_instance *inst, const model_idmap *groups,
                          const model_idmap *types, const model_sol_group *sg)
{
    int g = model_idmap_get(groups, sg->id);
    if (g >= 0) {
        int t = model_idmap_get(types, inst->groups[g].type);
        if (t >= 0)
            return t;
    }
    return model_idmap_get(types, sg->type);
}

/* horizon_start - added in days (negative when added later); 0 when added
 * is absent or the patient unknown.  For mean_wait_days_placed. */
static double raw_wait_days(const model_instance *inst, const model_patient *p)
{
    if (!p || p->added < 0)
        return 0.0;
    return (double)(inst->program.horizon_start - p->added);
}

/* max(0, horizon_start - added) in days; 0 when added is absent.  For the
 * wait term of the objective. */
static double wait_days(const model_instance *inst, const model_patient *p)
{
    if (!p || p->added < 0)
        return 0.0;
    int d = inst->program.horizon_start - p->added;
    return d > 0 ? (double)d : 0.0;
}

typedef struct maps {
    model_idmap groups, types, facs, patients, solgroups;
} maps;

static void maps_free(maps *m)
{
    model_idmap_free(&m->groups);
    model_idmap_free(&m->types);
    model_idmap_free(&m->facs);
    model_idmap_free(&m->patients);
    model_idmap_free(&m->solgroups);
}

static int maps_build(maps *m, const model_instance *inst, const model_solution *sol)
{
    memset(m, 0, sizeof *m);
    if (model_idmap_build(&m->groups, inst->groups, inst->n_groups, sizeof(model_group),
                          offsetof(model_group, id)) ||
        model_idmap_build(&m->types, inst->types, inst->n_types, sizeof(model_group_type),
                          offsetof(model_group_type, id)) ||
        model_idmap_build(&m->facs, inst->facilitators, inst->n_facilitators,
                          sizeof(model_facilitator), offsetof(model_facilitator, id)) ||
        model_idmap_build(&m->patients, inst->patients, inst->n_patients,
                          sizeof(model_patient), offsetof(model_patient, id)) ||
        model_idmap_build(&m->solgroups, sol->groups, sol->n_groups, sizeof(model_sol_group),
                          offsetof(model_sol_group, id))) {
        maps_free(m);
        return MODEL_ENOMEM;
    }
    return MODEL_OK;
}

/* Number of instance patients named in no roster (model_patient_waitlisted,
 * computed with a map instead of a scan per patient). */
static int count_waitlisted(const model_instance *inst, const model_idmap *patients, int *ok)
{
    *ok = 1;
    if (inst->n_patients == 0)
        return 0;
    char *named = calloc((size_t)inst->n_patients, 1);
    if (!named) {
        *ok = 0;
        return 0;
    }
    for (int g = 0; g < inst->n_groups; g++)
        for (int k = 0; k < inst->groups[g].n_members; k++) {
            int p = model_idmap_get(patients, inst->groups[g].members[k].patient);
            if (p >= 0)
                named[p] = 1;
        }
    int n = 0;
    for (int p = 0; p < inst->n_patients; p++)
        n += !named[p];
    free(named);
    return n;
}

int model_metrics_compute(const model_instance *inst, const model_solution *sol,
                          model_metrics *out)
{
    if (!inst || !sol || !out)
        return MODEL_EINVAL;
    maps m;
    if (maps_build(&m, inst, sol))
        return MODEL_ENOMEM;
    model_metrics r;
    memset(&r, 0, sizeof r);
    int ok = 1;
    r.waitlist_before = count_waitlisted(inst, &m.patients, &ok);
    if (!ok)
        goto nomem;
    if (inst->n_facilitators > 0) {
        r.load_ids = calloc((size_t)inst->n_facilitators, sizeof *r.load_ids);
        r.load = calloc((size_t)inst->n_facilitators, sizeof *r.load);
        if (!r.load_ids || !r.load)
            goto nomem;
        r.n_load = inst->n_facilitators;
        for (int f = 0; f < inst->n_facilitators; f++)
            if (!(r.load_ids[f] = model_strdup(inst->facilitators[f].id ? inst->facilitators[f].id
                                                                         : "")))
                goto nomem;
    }
    if (inst->n_types > 0) {
        r.per_type = calloc((size_t)inst->n_types, sizeof *r.per_type);
        if (!r.per_type)
            goto nomem;
        r.n_per_type = inst->n_types;
        for (int t = 0; t < inst->n_types; t++)
            if (!(r.per_type[t].type = model_strdup(inst->types[t].id ? inst->types[t].id : "")))
                goto nomem;
    }

    double wait_sum = 0.0;
    for (int i = 0; i < sol->n_groups; i++) {
        const model_sol_group *sg = &sol->groups[i];
        if (!sg->running)
            continue;
        int t = sol_group_type(inst, &m.groups, &m.types, sg);
        const model_group_type *ty = t >= 0 ? &inst->types[t] : NULL;
        r.groups_running++;
        r.placed += sg->new_members.n;
        r.seats_filled += sg->members.n;
        if (ty)
            r.seats += ty->max_size;
        for (int k = 0; k < sg->new_members.n; k++) {
            int p = model_idmap_get(&m.patients, sg->new_members.items[k]);
            wait_sum += raw_wait_days(inst, p >= 0 ? &inst->patients[p] : NULL);
        }
        double per_week = ty && ty->cadence == MODEL_BIWEEKLY ? 0.5 : 1.0;
        for (int k = 0; k < sg->facilitators.n; k++) {
            /* A facilitator listed twice leads the group once. */
            if (model_strlist_find(&sg->facilitators, sg->facilitators.items[k]) != k)
                continue;
            int f = model_idmap_get(&m.facs, sg->facilitators.items[k]);
            if (f >= 0)
                r.load[f] += per_week;
        }
        if (t >= 0) {
            model_type_metrics *pt = &r.per_type[t];
            pt->groups_running++;
            pt->seats += ty->max_size;
            pt->seats_filled += sg->members.n;
            pt->placed += sg->new_members.n;
        }
    }
    r.waitlist_after = r.waitlist_before - r.placed;
    r.mean_wait_days_placed = r.placed > 0 ? wait_sum / r.placed : 0.0;

    for (int s = 0; s < sol->n_sessions; s++) {
        const model_sol_session *ss = &sol->sessions[s];
        int gi = model_idmap_get(&m.solgroups, ss->group);
        if (gi < 0 || !sol->groups[gi].running)
            continue;
        if (ss->uncovered) {
            r.uncovered_sessions++;
            continue;
        }
        const model_sol_group *sg = &sol->groups[gi];
        int t = sol_group_type(inst, &m.groups, &m.types, sg);
        double rate = t >= 0 ? inst->types[t].rate : 0.0;
        r.member_sessions += sg->members.n;
        r.projected_revenue += sg->members.n * rate;
        if (t >= 0) {
            r.per_type[t].member_sessions += sg->members.n;
            r.per_type[t].projected_revenue += sg->members.n * rate;
        }
    }
    maps_free(&m);
    *out = r;
    return MODEL_OK;
nomem:
    maps_free(&m);
    model_metrics_free(&r);
    return MODEL_ENOMEM;
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool list_eq(const model_strlist *a, const model_strlist *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++)
        if (!str_eq(a->items[i], b->items[i]))
            return false;
    return true;
}

/* Collects change entries (model_solution_list_changes); NULL in
 * group_changes = count only. */
typedef struct chg_sink {
    model_sol_change *v;
    int n, cap;
    int oom;
} chg_sink;

static void change_free(model_sol_change *c)
{
    free(c->group);
    free(c->field);
    free(c->before);
    free(c->after);
}

/* Append {group, field, before, after} (strings copied; NULL stays NULL). */
static void sink_add(chg_sink *k, const char *group, const char *field, const char *before,
                     const char *after)
{
    if (!k || k->oom)
        return;
    if (k->n == k->cap) {
        int cap = k->cap ? 2 * k->cap : 8;
        model_sol_change *v = realloc(k->v, sizeof *v * (size_t)cap);
        if (!v) {
            k->oom = 1;
            return;
        }
        k->v = v;
        k->cap = cap;
    }
    model_sol_change c = {model_strdup(group ? group : ""), model_strdup(field),
                          model_strdup(before), model_strdup(after)};
    if (!c.group || !c.field || (before && !c.before) || (after && !c.after)) {
        change_free(&c);
        k->oom = 1;
        return;
    }
    k->v[k->n++] = c;
}

/* "a, b" (NULL when empty); NULL also on ENOMEM (sets k->oom). */
static char *join_list(chg_sink *k, const model_strlist *l)
{
    if (l->n == 0)
        return NULL;
    size_t len = 1;
    for (int i = 0; i < l->n; i++)
        len += strlen(l->items[i] ? l->items[i] : "") + 2;
    char *s = malloc(len);
    if (!s) {
        k->oom = 1;
        return NULL;
    }
    s[0] = 0;
    for (int i = 0; i < l->n; i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, l->items[i] ? l->items[i] : "");
    }
    return s;
}

/* Week parity of a solution's group i for change counting (-1 unknown). */
static int parity_of(const model_instance *inst, const model_solution *sol, int i)
{
    return i >= 0 ? model_sol_group_parity_known(inst, sol, i) : -1;
}

/* Changes of group a (parity pa) against base (parity pb; -1 unknown). */
static int group_changes(const model_instance *inst, const model_idmap *igroups,
                         const model_idmap *types, const model_sol_group *a,
                         const model_sol_group *base, int pa, int pb, chg_sink *k)
{
    bool ra = a && a->running, rb = base && base->running;
    if (ra != rb) {
        sink_add(k, a ? a->id : base->id, "running", rb ? "true" : "false",
                 ra ? "true" : "false");
        return 1;
    }
    if (!ra)
        return 0;
    int n = 0;
    char x[8], y[8];
    if (a->day != base->day) {
        n++;
        sink_add(k, a->id, "day", base->day >= 0 ? model_day_name(base->day) : NULL,
                 a->day >= 0 ? model_day_name(a->day) : NULL);
    }
    if (a->start != base->start) {
        n++;
        model_time_format(base->start, x);
        model_time_format(a->start, y);
        sink_add(k, a->id, "start", base->start >= 0 ? x : NULL, a->start >= 0 ? y : NULL);
    }
    if (!str_eq(a->room, base->room)) {
        n++;
        sink_add(k, a->id, "room", base->room, a->room);
    }
    if (!list_eq(&a->facilitators, &base->facilitators)) {
        n++;
        if (k && !k->oom) {
            char *b = join_list(k, &base->facilitators), *c = join_list(k, &a->facilitators);
            sink_add(k, a->id, "facilitators", b, c);
            free(b);
            free(c);
        }
    }
    if (!str_eq(a->substitute, base->substitute)) {
        n++;
        sink_add(k, a->id, "substitute", base->substitute, a->substitute);
    }
    int t = sol_group_type(inst, igroups, types, a);
    if (t >= 0 && inst->types[t].cadence == MODEL_BIWEEKLY && pa >= 0 && pb >= 0 && pa != pb) {
        n++;
        sink_add(k, a->id, "week_parity", pb ? "1" : "0", pa ? "1" : "0");
    }
    for (int m = 0; m < base->members.n; m++)
        if (model_strlist_find(&a->members, base->members.items[m]) < 0) {
            n++;
            sink_add(k, a->id, "members", base->members.items[m], NULL);
        }
    return n;
}

int model_count_changes(const model_instance *inst, const model_solution *sol,
                        const model_solution *baseline)
{
    if (!inst || !sol || !baseline)
        return 0;
    model_idmap igroups, types, sa, sb;
    memset(&igroups, 0, sizeof igroups);
    memset(&types, 0, sizeof types);
    memset(&sa, 0, sizeof sa);
    memset(&sb, 0, sizeof sb);
    int n = 0;
    if (model_idmap_build(&igroups, inst->groups, inst->n_groups, sizeof(model_group),
                          offsetof(model_group, id)) == MODEL_OK &&
        model_idmap_build(&types, inst->types, inst->n_types, sizeof(model_group_type),
                          offsetof(model_group_type, id)) == MODEL_OK &&
        model_idmap_build(&sa, sol->groups, sol->n_groups, sizeof(model_sol_group),
                          offsetof(model_sol_group, id)) == MODEL_OK &&
        model_idmap_build(&sb, baseline->groups, baseline->n_groups, sizeof(model_sol_group),
                          offsetof(model_sol_group, id)) == MODEL_OK) {
        for (int i = 0; i < sol->n_groups; i++) {
            if (model_idmap_get(&sa, sol->groups[i].id) != i)
                continue; /* duplicate entry: first one counts */
            int j = model_idmap_get(&sb, sol->groups[i].id);
            n += group_changes(inst, &igroups, &types, &sol->groups[i],
                               j >= 0 ? &baseline->groups[j] : NULL, parity_of(inst, sol, i),
                               parity_of(inst, baseline, j), NULL);
        }
        for (int j = 0; j < baseline->n_groups; j++) {
            if (model_idmap_get(&sb, baseline->groups[j].id) != j)
                continue;
            if (model_idmap_get(&sa, baseline->groups[j].id) < 0)
                n += group_changes(inst, &igroups, &types, NULL, &baseline->groups[j], -1, -1,
                                   NULL);
        }
    } else {
        /* Out of memory: fall back to quadratic lookups. */
        for (int i = 0; i < sol->n_groups; i++) {
            int jb = -1;
            for (int j = 0; j < baseline->n_groups && jb < 0; j++)
                if (str_eq(baseline->groups[j].id, sol->groups[i].id))
                    jb = j;
            model_idmap none = {0};
            n += group_changes(inst, &none, &none, &sol->groups[i],
                               jb >= 0 ? &baseline->groups[jb] : NULL, parity_of(inst, sol, i),
                               parity_of(inst, baseline, jb), NULL);
        }
        for (int j = 0; j < baseline->n_groups; j++) {
            bool found = false;
            for (int i = 0; i < sol->n_groups && !found; i++)
                found = str_eq(baseline->groups[j].id, sol->groups[i].id);
            if (!found && baseline->groups[j].running)
                n++;
        }
    }
    model_idmap_free(&igroups);
    model_idmap_free(&types);
    model_idmap_free(&sa);
    model_idmap_free(&sb);
    return n;
}

void model_solution_changes_free(model_solution *sol)
{
    if (!sol)
        return;
    for (int i = 0; i < sol->n_changes; i++)
        change_free(&sol->changes[i]);
    free(sol->changes);
    sol->changes = NULL;
    sol->n_changes = 0;
}

int model_solution_list_changes(const model_instance *inst, model_solution *sol,
                                const model_solution *baseline)
{
    if (!inst || !sol || !baseline)
        return MODEL_EINVAL;
    model_idmap igroups, types, sa, sb;
    memset(&igroups, 0, sizeof igroups);
    memset(&types, 0, sizeof types);
    memset(&sa, 0, sizeof sa);
    memset(&sb, 0, sizeof sb);
    chg_sink k = {0};
    if (model_idmap_build(&igroups, inst->groups, inst->n_groups, sizeof(model_group),
                          offsetof(model_group, id)) == MODEL_OK &&
        model_idmap_build(&types, inst->types, inst->n_types, sizeof(model_group_type),
                          offsetof(model_group_type, id)) == MODEL_OK &&
        model_idmap_build(&sa, sol->groups, sol->n_groups, sizeof(model_sol_group),
                          offsetof(model_sol_group, id)) == MODEL_OK &&
        model_idmap_build(&sb, baseline->groups, baseline->n_groups, sizeof(model_sol_group),
                          offsetof(model_sol_group, id)) == MODEL_OK) {
        /* the same walk as model_count_changes */
        for (int i = 0; i < sol->n_groups && !k.oom; i++) {
            if (model_idmap_get(&sa, sol->groups[i].id) != i)
                continue;
            int j = model_idmap_get(&sb, sol->groups[i].id);
            group_changes(inst, &igroups, &types, &sol->groups[i],
                          j >= 0 ? &baseline->groups[j] : NULL, parity_of(inst, sol, i),
                          parity_of(inst, baseline, j), &k);
        }
        for (int j = 0; j < baseline->n_groups && !k.oom; j++) {
            if (model_idmap_get(&sb, baseline->groups[j].id) != j)
                continue;
            if (model_idmap_get(&sa, baseline->groups[j].id) < 0)
                group_changes(inst, &igroups, &types, NULL, &baseline->groups[j], -1, -1, &k);
        }
    } else {
        k.oom = 1;
    }
    model_idmap_free(&igroups);
    model_idmap_free(&types);
    model_idmap_free(&sa);
    model_idmap_free(&sb);
    if (k.oom) {
        for (int i = 0; i < k.n; i++)
            change_free(&k.v[i]);
        free(k.v);
        return MODEL_ENOMEM;
    }
    model_solution_changes_free(sol);
    sol->changes = k.v;
    sol->n_changes = k.n;
    sol->has_baseline = true;
    return MODEL_OK;
}

int model_objective_terms_compute(const model_instance *inst, const model_solution *sol,
                                  const model_solution *baseline,
                                  model_objective_terms *out)
{
    if (!inst || !sol || !out)
        return MODEL_EINVAL;
    maps m;
    if (maps_build(&m, inst, sol))
        return MODEL_ENOMEM;
    const model_weights *w = &inst->settings.weights;
    double placed = 0, wait_weeks = 0, prio = 0, empty = 0;
    double *load = NULL;
    if (inst->n_facilitators > 0 &&
        !(load = calloc((size_t)inst->n_facilitators, sizeof *load))) {
        maps_free(&m);
        return MODEL_ENOMEM;
    }
    for (int i = 0; i < sol->n_groups; i++) {
        const model_sol_group *sg = &sol->groups[i];
        if (!sg->running)
            continue;
        int t = sol_group_type(inst, &m.groups, &m.types, sg);
        const model_group_type *ty = t >= 0 ? &inst->types[t] : NULL;
        placed += sg->new_members.n;
        for (int k = 0; k < sg->new_members.n; k++) {
            int p = model_idmap_get(&m.patients, sg->new_members.items[k]);
            if (p < 0)
                continue;
            wait_weeks += wait_days(inst, &inst->patients[p]) / 7.0;
            prio += inst->patients[p].priority;
        }
        if (ty)
            empty += ty->max_size - sg->members.n;
        double per_week = ty && ty->cadence == MODEL_BIWEEKLY ? 0.5 : 1.0;
        for (int k = 0; k < sg->facilitators.n; k++) {
            if (model_strlist_find(&sg->facilitators, sg->facilitators.items[k]) != k)
                continue;
            int f = model_idmap_get(&m.facs, sg->facilitators.items[k]);
            if (f >= 0)
                load[f] += per_week;
        }
    }
    double lmax = 0, lmin = 0;
    for (int f = 0; f < inst->n_facilitators; f++) {
        if (f == 0 || load[f] > lmax)
            lmax = load[f];
        if (f == 0 || load[f] < lmin)
            lmin = load[f];
    }
    free(load);
    maps_free(&m);
    model_objective_terms r;
    r.placement = w->placement * placed;
    r.wait = w->wait_per_week * wait_weeks;
    r.priority = w->priority * prio;
    r.empty_seats = -w->empty_seat * empty;
    r.load_balance = -w->load_balance * (lmax - lmin);
    r.changes = baseline ? -w->change * model_count_changes(inst, sol, baseline) : 0.0;
    /* No negative zeros in the output. */
    r.placement += 0.0;
    r.wait += 0.0;
    r.priority += 0.0;
    r.empty_seats += 0.0;
    r.load_balance += 0.0;
    r.changes += 0.0;
    *out = r;
    return MODEL_OK;
}

double model_objective_total(const model_objective_terms *t)
{
    if (!t)
        return 0.0;
    return t->placement + t->wait + t->priority + t->empty_seats + t->load_balance + t->changes;
}
