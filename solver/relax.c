/* relax.c - a relaxed plan for a program whose rules cannot all hold (SPEC
 * "relaxed plan", docs/FORMAT.md "What gives way").
 *
 * Each group has a step of how far it gives way, in this order: it may run
 * without a designated substitute (rule 5); a continuing group may run below
 * min_size (rule 8); a must-run group may not run (rule 1).  Dropping an
 * optional group breaks no rule: optional groups are always the planner's
 * choice.  The planner re-plans a copy of the instance built for the steps
 * (relaxed_copy): at the first stage only groups that can have no
 * substitute in any schedule give way; after each stage without a schedule
 * every group its diagnosis names moves one step, and when it names none,
 * every group at the lowest step does.  Before a full re-plan a quick look
 * (pre-checks, constructive heuristic, exact assignment) moves on the
 * must-run groups in the way at once (quick_look).  The copy has one extra facilitator,
 * "no substitute", holding every credential, available all week, on time
 * off the whole horizon (so it never covers a session) and with caps 0 (so
 * it never leads); only groups that give way may take it as substitute.
 * The first schedule found is mapped back onto the instance: a group given
 * "no substitute" gets a real one when somebody qualifies at its time, the
 * groups' own types give way to the instance types, metrics and objective
 * terms are recomputed, and every rule still broken is listed in
 * exceptions[] with the reason in the program's words. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver.h"
#include "sv.h"

#define RELAX_MAX_STAGES 16

/* Deep copy of a group type: 0 or -1 on ENOMEM (d freed). */
static int type_copy(model_group_type *d, const model_group_type *s)
{
    *d = *s;
    d->id = model_strdup(s->id);
    d->name = model_strdup(s->name);
    d->cpt = model_strdup(s->cpt);
    d->gender = model_strdup(s->gender);
    memset(&d->required_credentials, 0, sizeof(model_strlist));
    memset(&d->cofacilitator_credentials, 0, sizeof(model_strlist));
    memset(&d->diagnoses, 0, sizeof(model_strlist));
    memset(&d->room_features, 0, sizeof(model_strlist));
    if ((s->id && !d->id) || (s->name && !d->name) || (s->cpt && !d->cpt) ||
        (s->gender && !d->gender) ||
        model_strlist_copy(&d->required_credentials, &s->required_credentials) ||
        model_strlist_copy(&d->cofacilitator_credentials, &s->cofacilitator_credentials) ||
        model_strlist_copy(&d->diagnoses, &s->diagnoses) ||
        model_strlist_copy(&d->room_features, &s->room_features)) {
        model_group_type_free(d);
        return -1;
    }
    return 0;
}

/* Append the "no substitute" facilitator to R (see the file comment); its
 * id is not an id of R.  Returns its index or -1 on ENOMEM. */
static int add_phantom(model_instance *R)
{
    model_facilitator *na = realloc(R->facilitators, sizeof *na * (size_t)(R->n_facilitators + 1));
    if (!na)
        return -1;
    R->facilitators = na;
    model_facilitator *f = &na[R->n_facilitators];
    memset(f, 0, sizeof *f);
    f->max_per_day = f->max_per_week = 0;
    char id[48];
    snprintf(id, sizeof id, "~no-substitute");
    for (int k = 1; model_find_facilitator(R, id) >= 0; k++)
        snprintf(id, sizeof id, "~no-substitute-%d", k);
    f->id = model_strdup(id);
    f->name = model_strdup("no designated substitute");
    f->available = malloc(sizeof *f->available * 7);
    f->time_off = malloc(sizeof *f->time_off);
    int ok = f->id && f->name && f->available && f->time_off;
    for (int t = 0; ok && t < R->n_types; t++) {
        const model_strlist *c = &R->types[t].required_credentials;
        for (int i = 0; ok && i < c->n; i++)
            ok = model_strlist_pushf(&f->credentials, true, "%s", c->items[i]) == MODEL_OK;
    }
    if (!ok) {
        model_facilitator_free(f);
        return -1;
    }
    for (int d = 0; d < 7; d++)
        f->available[f->n_available++] = (model_window){d, 0, 24 * 60};
    f->time_off[0].from = R->program.horizon_start;
    f->time_off[0].to = R->program.horizon_start + 7 * R->program.horizon_weeks - 1;
    f->n_time_off = 1;
    return R->n_facilitators++;
}

/* Occupying (active or held) members of group g. */
static int continuing(const model_group *g)
{
    int n = 0;
    for (int k = 0; k < g->n_members; k++)
        n += model_status_occupies(g->members[k].status);
    return n;
}

/* Give group g of R a type of its own: a copy of its type (index t) named
 * "~TYPE~TAG~GROUP"; patients referred to the type are referred to the copy
 * too.  Returns the copy or NULL on ENOMEM. */
static model_group_type *own_type(model_instance *R, int g, int t, const char *tag)
{
    model_group *mg = &R->groups[g];
    model_group_type *nt = realloc(R->types, sizeof *nt * (size_t)(R->n_types + 1));
    if (!nt)
        return NULL;
    R->types = nt;
    model_group_type *c = &nt[R->n_types];
    char *cid = malloc(strlen(mg->id) + strlen(nt[t].id) + strlen(tag) + 4);
    char *gty = cid ? malloc(strlen(mg->id) + strlen(nt[t].id) + strlen(tag) + 4) : NULL;
    if (!gty || type_copy(c, &nt[t])) {
        free(cid);
        free(gty);
        return NULL;
    }
    sprintf(cid, "~%s~%s~%s", nt[t].id, tag, mg->id);
    strcpy(gty, cid);
    free(c->id);
    c->id = cid;
    for (int p = 0; p < R->n_patients; p++) {
        model_patient *pa = &R->patients[p];
        if (pa->has_group_types && model_strlist_find(&pa->group_types, nt[t].id) >= 0 &&
            model_strlist_push(&pa->group_types, cid) != MODEL_OK) {
            model_group_type_free(c);
            free(gty);
            return NULL;
        }
    }
    free(mg->type);
    mg->type = gty;
    mg->type_idx = R->n_types++;
    return c;
}

static int type_of(const model_instance *inst, int g)
{
    const model_group *mg = &inst->groups[g];
    return mg->type_idx >= 0 ? mg->type_idx : model_find_type(inst, mg->type);
}

/* Is facilitator f free to take role credentials need at (d, s, dur), and
 * is it the pinned one when pin >= 0? */
static int fits_role(const model_instance *inst, int f, const model_strlist *need, int pin, int d,
                     int s, int dur)
{
    const model_facilitator *fa = &inst->facilitators[f];
    return (pin < 0 || pin == f) && model_facilitator_holds(fa, need) &&
           model_windows_fit(fa->available, fa->n_available, d, s, dur);
}

/* Facilitators fitting a role at (d, s, dur) into out; returns how many. */
static int role_list(const model_instance *inst, const model_strlist *need, int pin, int d, int s,
                     int dur, int *out)
{
    int n = 0;
    for (int f = 0; f < inst->n_facilitators; f++)
        if (fits_role(inst, f, need, pin, d, s, dur))
            out[n++] = f;
    return n;
}

/* Are there distinct a in P, b in C (when cofac) and c in S? */
static int distinct_triple(const int *P, int np, const int *C, int nc, const int *S, int ns,
                           int cofac)
{
    for (int i = 0; i < np; i++)
        for (int j = 0; j < (cofac ? nc : 1); j++) {
            int co = cofac ? C[j] : -1;
            if (co == P[i])
                continue;
            for (int k = 0; k < ns; k++)
                if (S[k] != P[i] && S[k] != co)
                    return 1;
        }
    return 0;
}

/* Could group g have a designated substitute at all: is there a program day
 * and start (within its pins) where a primary, a co-facilitator when needed
 * and a third, credentialed facilitator are available together?  (1 also
 * when memory runs out: then nothing is relaxed on this account.) */
static int substitute_possible(const model_instance *inst, int g)
{
    const model_pinned *pin = &inst->groups[g].pinned;
    int t = type_of(inst, g), nf = inst->n_facilitators;
    int *P = malloc(sizeof(int) * (size_t)(3 * nf + 1));
    if (t < 0 || !P) {
        free(P);
        return 1;
    }
    int *C = P + nf, *S = P + 2 * nf;
    const model_group_type *ty = &inst->types[t];
    int dur = ty->duration_min, found = 0;
    int p0 = pin->facilitators.n > 0 ? model_find_facilitator(inst, pin->facilitators.items[0]) : -1;
    int p1 = pin->facilitators.n > 1 ? model_find_facilitator(inst, pin->facilitators.items[1]) : -1;
    int ps = pin->substitute ? model_find_facilitator(inst, pin->substitute) : -1;
    for (int d = 0; d < 7 && !found; d++) {
        if (!(inst->program.days_mask & (1 << d)) || (pin->has_day && pin->day != d))
            continue;
        for (int k = 0; k < inst->program.n_slot_starts && !found; k++) {
            int s = inst->program.slot_starts[k];
            if (pin->has_start && pin->start != s)
                continue;
            int np = role_list(inst, &ty->required_credentials, p0, d, s, dur, P);
            int nc = ty->cofacilitation
                         ? role_list(inst, &ty->cofacilitator_credentials, p1, d, s, dur, C)
                         : 0;
            int ns = role_list(inst, &ty->required_credentials, ps, d, s, dur, S);
            found = distinct_triple(P, np, C, nc, S, ns, ty->cofacilitation);
        }
    }
    free(P);
    return found;
}

/* How far a group gives way (each step allows what the one before did). */
enum {
    GIVE_NONE = 0,     /* every rule holds */
    GIVE_SUBSTITUTE,   /* may run without a designated substitute (rule 5) */
    GIVE_MIN_SIZE,     /* continuing: may run below min_size (rule 8) */
    GIVE_RUNNING       /* must-run: may not run (rule 1) */
};

/* The relaxed copy for the steps give[] (see the file comment): groups that
 * give way get a type of their own (min_size lowered to their continuing
 * members at GIVE_MIN_SIZE) that "no substitute" may stand in for; every
 * other type also requires a credential that every real facilitator holds
 * and "no substitute" does not.  NULL on ENOMEM. */
static model_instance *relaxed_copy(const model_instance *inst, const char *give)
{
    model_instance *R = model_instance_clone(inst);
    if (!R)
        return NULL;
    R->settings.on_infeasible = MODEL_ON_INFEASIBLE_FAIL;
    int ntypes = R->n_types, ok = add_phantom(R) >= 0;
    for (int g = 0; ok && g < R->n_groups; g++) {
        int t = type_of(R, g);
        if (t < 0 || give[g] == GIVE_NONE)
            continue;
        model_group_type *c = own_type(R, g, t, "relaxed");
        int held = continuing(&R->groups[g]);
        ok = c != NULL;
        if (ok && give[g] >= GIVE_MIN_SIZE && held >= 1 && held < c->min_size)
            c->min_size = held;
        if (give[g] >= GIVE_RUNNING)
            R->groups[g].optional = true;
    }
    for (int t = 0; ok && t < ntypes; t++)
        ok = model_strlist_push(&R->types[t].required_credentials, "~real") == MODEL_OK;
    for (int f = 0; ok && f < R->n_facilitators - 1; f++)
        ok = model_strlist_push(&R->facilitators[f].credentials, "~real") == MODEL_OK;
    if (!ok) {
        model_instance_destroy(R);
        return NULL;
    }
    return R;
}

/* The next step of group g (GIVE_MIN_SIZE only for a continuing group). */
static int next_step(const model_instance *inst, int g, int cur)
{
    int t = type_of(inst, g);
    int held = continuing(&inst->groups[g]);
    int nxt = cur + 1;
    if (nxt == GIVE_MIN_SIZE && (t < 0 || held < 1 || held >= inst->types[t].min_size))
        nxt++;
    if (nxt == GIVE_RUNNING && inst->groups[g].optional)
        return cur;
    return nxt > GIVE_RUNNING ? cur : nxt;
}

/* Does a diagnosis line name group id (as a word)? */
static int names_group(const char *line, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = strstr(line, id); p; p = strstr(p + 1, id)) {
        char before = p == line ? ' ' : p[-1];
        char after = p[n];
        if ((before == ' ' || before == '(') &&
            (after == 0 || after == ' ' || after == ',' || after == ':' || after == '\'' ||
             after == ')' || after == ';'))
            return 1;
    }
    return 0;
}

/* One step further for every group the diagnosis names; returns how many
 * moved. */
static int step_named(const model_instance *inst, const model_strlist *diag, char *give)
{
    int moved = 0;
    for (int g = 0; g < inst->n_groups; g++) {
        int named = 0;
        for (int i = 0; i < diag->n && !named; i++)
            named = names_group(diag->items[i], inst->groups[g].id);
        int nxt = named ? next_step(inst, g, give[g]) : give[g];
        moved += nxt != give[g];
        give[g] = (char)nxt;
    }
    return moved;
}

/* Has every group reached its last step? */
static int at_top(const model_instance *inst, const char *give)
{
    for (int g = 0; g < inst->n_groups; g++)
        if (next_step(inst, g, give[g]) != give[g])
            return 0;
    return 1;
}

/* One step further for every group at the lowest step that can move;
 * returns how many moved. */
static int step_all(const model_instance *inst, char *give)
{
    int low = GIVE_RUNNING + 1;
    for (int g = 0; g < inst->n_groups; g++)
        if (next_step(inst, g, give[g]) != give[g] && give[g] < low)
            low = give[g];
    int moved = 0;
    for (int g = 0; g < inst->n_groups; g++)
        if (give[g] == low && next_step(inst, g, low) != low) {
            give[g] = (char)next_step(inst, g, low);
            moved++;
        }
    return moved;
}

/* Do sol groups a and b meet in a common week at overlapping times? */
static int groups_overlap(const model_instance *inst, const model_sol_group *a,
                          const model_sol_group *b)
{
    if (!a->running || !b->running || a->day != b->day || a->start >= b->end ||
        b->start >= a->end)
        return 0;
    int ta = model_find_type(inst, a->type), tb = model_find_type(inst, b->type);
    int bia = ta >= 0 && inst->types[ta].cadence == MODEL_BIWEEKLY;
    int bib = tb >= 0 && inst->types[tb].cadence == MODEL_BIWEEKLY;
    return !(bia && bib && a->week_parity != b->week_parity);
}

/* May facilitator f be the designated substitute of sol->groups[i] (rule 5)? */
static int may_substitute(const model_instance *inst, const model_solution *sol, int i, int f)
{
    const model_sol_group *sg = &sol->groups[i];
    const model_facilitator *fa = &inst->facilitators[f];
    int t = model_find_type(inst, sg->type);
    if (t < 0 || model_strlist_find(&sg->facilitators, fa->id) >= 0 ||
        !model_facilitator_holds(fa, &inst->types[t].required_credentials) ||
        !model_windows_fit(fa->available, fa->n_available, sg->day, sg->start,
                           sg->end - sg->start))
        return 0;
    for (int j = 0; j < sol->n_groups; j++)
        if (j != i && model_strlist_find(&sol->groups[j].facilitators, fa->id) >= 0 &&
            groups_overlap(inst, sg, &sol->groups[j]))
            return 0;
    return 1;
}

/* Map the relaxed schedule's groups onto inst: instance type ids, and a
 * real substitute where "no substitute" stands and someone qualifies.
 * 0 or -1 on ENOMEM. */
static int map_groups(const model_instance *inst, const char *phantom, model_solution *sol)
{
    for (int i = 0; i < sol->n_groups; i++) {
        model_sol_group *sg = &sol->groups[i];
        int g = model_find_group(inst, sg->id);
        if (g >= 0 && (!sg->type || strcmp(sg->type, inst->groups[g].type) != 0)) {
            char *ty = model_strdup(inst->groups[g].type);
            if (!ty)
                return -1;
            free(sg->type);
            sg->type = ty;
        }
    }
    for (int i = 0; i < sol->n_groups; i++) {
        model_sol_group *sg = &sol->groups[i];
        if (!sg->substitute || strcmp(sg->substitute, phantom) != 0)
            continue;
        free(sg->substitute);
        sg->substitute = NULL;
        for (int f = 0; f < inst->n_facilitators && !sg->substitute; f++)
            if (may_substitute(inst, sol, i, f) &&
                !(sg->substitute = model_strdup(inst->facilitators[f].id)))
                return -1;
    }
    return 0;
}

/* "A, B" of a list into buf. */
static void join(const model_strlist *l, char *buf, size_t n)
{
    size_t u = 0;
    buf[0] = 0;
    for (int i = 0; i < l->n && u + 2 < n; i++)
        u += (size_t)snprintf(buf + u, n - u, "%s%s", i ? ", " : "", l->items[i]);
}

/* A new formatted string, NULL on ENOMEM. */
static char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (s) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

/* Facilitators holding need: all into *holders, those not in exclude into
 * *others.  0 or -1 on ENOMEM. */
static int holders_of(const model_instance *inst, const model_strlist *need,
                      const model_strlist *exclude, model_strlist *holders,
                      model_strlist *others)
{
    for (int f = 0; f < inst->n_facilitators; f++) {
        const model_facilitator *fa = &inst->facilitators[f];
        if (!model_facilitator_holds(fa, need))
            continue;
        if (model_strlist_push(holders, fa->id) ||
            (model_strlist_find(exclude, fa->id) < 0 && model_strlist_push(others, fa->id)))
            return -1;
    }
    return 0;
}

/* Rule 5 exception of running group sg, which has no substitute: who holds
 * the credentials and why none of them can stand in.  0 or -1 on ENOMEM. */
static int why_no_substitute(const model_instance *inst, const model_sol_group *sg,
                             model_exception *e)
{
    int t = model_find_type(inst, sg->type);
    const model_strlist *need = &inst->types[t].required_credentials;
    model_strlist holders = {0}, others = {0};
    char creds[256], who[512], a[6], b[6];
    join(need, creds, sizeof creds);
    if (!need->n)
        snprintf(creds, sizeof creds, "the type's credentials");
    model_time_format(sg->start, a);
    model_time_format(sg->end, b);
    int rc = holders_of(inst, need, &sg->facilitators, &holders, &others);
    if (!rc && others.n == 0) {
        join(&holders, who, sizeof who);
        e->why = holders.n == 1
                     ? strf("group %s: only one facilitator (%s) holds %s, so no designated "
                            "substitute is possible", sg->id, who, creds)
                     : strf("group %s: only its own facilitators (%s) hold %s, so no designated "
                            "substitute is possible", sg->id, who, creds);
        e->facilitators = holders;
        memset(&holders, 0, sizeof holders);
    } else if (!rc) {
        join(&others, who, sizeof who);
        e->why = strf("group %s: every other facilitator holding %s (%s) is unavailable or "
                      "leads another group at its time (%s %s-%s), so it runs without a "
                      "designated substitute", sg->id, creds, who, model_day_name(sg->day), a, b);
        e->facilitators = others;
        memset(&others, 0, sizeof others);
    }
    model_strlist_free(&holders);
    model_strlist_free(&others);
    return rc || !e->why ? -1 : 0;
}

/* Rule 8 exception of running group sg (below min_size). */
static int why_below_min(const model_instance *inst, int g, const model_sol_group *sg,
                         model_exception *e)
{
    const model_group_type *ty = &inst->types[model_find_type(inst, sg->type)];
    int held = continuing(&inst->groups[g]);
    e->why = strf("group %s runs with %d member%s, below min_size %d of type %s: it has %d "
                  "continuing member%s and no schedule was found that fills it to min_size, so "
                  "it keeps running rather than close on them",
                  sg->id, sg->members.n, sg->members.n == 1 ? "" : "s", ty->min_size, ty->id,
                  held, held == 1 ? "" : "s");
    if (!e->why || model_strlist_copy(&e->patients, &sg->members))
        return -1;
    return 0;
}

/* Rule 1 exception of must-run group g (not running): the first diagnosis
 * line naming it, else a plain statement. */
static int why_not_running(const model_instance *inst, int g, const model_strlist *diag,
                           model_exception *e)
{
    const char *id = inst->groups[g].id;
    for (int i = 0; i < diag->n && !e->why; i++)
        if (names_group(diag->items[i], id))
            if (!(e->why = strf("%s, so group %s does not run", diag->items[i], id)))
                return -1;
    if (!e->why &&
        !(e->why = strf("group %s must run but does not: no schedule was found that runs it "
                        "together with the rest of the program within the rules that hold",
                        id)))
        return -1;
    return 0;
}

/* List every rule the mapped schedule still breaks in sol->exceptions. */
static int list_exceptions(const model_instance *inst, model_solution *sol)
{
    for (int g = 0; g < inst->n_groups; g++) {
        const model_sol_group *sg = NULL;
        for (int i = 0; i < sol->n_groups && !sg; i++)
            if (strcmp(sol->groups[i].id, inst->groups[g].id) == 0)
                sg = &sol->groups[i];
        int t = model_find_type(inst, inst->groups[g].type);
        model_exception e;
        memset(&e, 0, sizeof e);
        int rc = 0;
        int run = sg && sg->running;
        if (!run && !inst->groups[g].optional) {
            e.rule = 1;
            rc = why_not_running(inst, g, &sol->diagnosis, &e);
        } else if (run && (!sg->substitute || !sg->substitute[0])) {
            e.rule = 5;
            rc = why_no_substitute(inst, sg, &e);
        }
        if (!rc && e.rule)
            rc = !(e.group = model_strdup(inst->groups[g].id)) ||
                 model_solution_add_exception(sol, &e);
        model_exception_free(&e);
        if (!rc && run && t >= 0 && sg->members.n < inst->types[t].min_size) {
            e.rule = 8;
            rc = why_below_min(inst, g, sg, &e) || !(e.group = model_strdup(sg->id)) ||
                 model_solution_add_exception(sol, &e);
            model_exception_free(&e);
        }
        if (rc)
            return -1;
    }
    return 0;
}

/* Replace sol's (empty) schedule with the relaxed one rs (consumed), keeping
 * sol's status and diagnosis; map it onto inst and list the exceptions.
 * SOLVER_OK or SOLVER_ENOMEM. */
static int adopt(const sv_prob *pr, const solver_options *opt, const char *phantom,
                 model_solution *sol, model_solution *rs)
{
    const model_instance *inst = pr->inst;
    model_strlist_free(&rs->diagnosis);
    rs->diagnosis = sol->diagnosis;
    memset(&sol->diagnosis, 0, sizeof sol->diagnosis);
    rs->status = MODEL_STATUS_INFEASIBLE;
    model_solution tmp = *sol;
    *sol = *rs;
    *rs = tmp;
    model_solution_destroy(rs);
    model_metrics m;
    if (map_groups(inst, phantom, sol) || model_metrics_compute(inst, sol, &m))
        return SOLVER_ENOMEM;
    model_metrics_free(&sol->metrics);
    sol->metrics = m;
    if (model_objective_terms_compute(inst, sol, opt->baseline, &sol->terms))
        return SOLVER_ENOMEM;
    sol->objective = model_objective_total(&sol->terms);
    if (sol->bound < sol->objective)
        sol->bound = sol->objective;
    double d = sol->bound - sol->objective;
    sol->gap = d / (sol->objective > 1 ? sol->objective : sol->objective < -1 ? -sol->objective : 1);
    model_solution_changes_free(sol);
    sol->has_baseline = false;
    if (opt->baseline && model_solution_list_changes(inst, sol, opt->baseline) != MODEL_OK)
        return SOLVER_ENOMEM;
    return list_exceptions(inst, sol) ? SOLVER_ENOMEM : SOLVER_OK;
}

/* One stage: plan the relaxed copy for give[] within tl seconds.  *rs gets
 * the answer (any status) and *phantom the id of "no substitute".  SOLVER_*
 * code. */
static int stage(const sv_prob *pr, const solver_options *opt, const char *give, double tl,
                 model_solution **rs, char **phantom)
{
    model_instance *R = relaxed_copy(pr->inst, give);
    if (!R)
        return SOLVER_ENOMEM;
    solver_options o = *opt;
    o.time_limit_s = tl;
    o.export_model_path = NULL;
    int rc = solver_plan(R, &o, rs);
    if (!rc && !(*phantom = model_strdup(R->facilitators[R->n_facilitators - 1].id))) {
        model_solution_destroy(*rs);
        *rs = NULL;
        rc = SOLVER_ENOMEM;
    }
    model_instance_destroy(R);
    return rc;
}

/* Must-run groups the constructive heuristic leaves unplaced in q move one
 * step further, and so do those it places that cannot reach min_size: with
 * every group of q optional, the exact patient assignment over the
 * heuristic's timetable closes them.  Returns how many moved, or <0
 * (SOLVER code) on error.  q's must flags are changed. */
static int step_unplaced(sv_prob *q, const model_instance *inst, char *give, double tl)
{
    sv_plan pl;
    if (sv_plan_alloc(q, &pl))
        return -SOLVER_ENOMEM;
    int gr = sv_greedy(q, &pl), moved = 0, ea = 1;
    char *must = gr == 1 ? malloc((size_t)q->ng + 1) : NULL;
    if (gr == 1 && !must)
        gr = -SOLVER_ENOMEM;
    if (gr == 1) {
        for (int g = 0; g < q->ng; g++) {
            must[g] = (char)q->g[g].must;
            q->g[g].must = 0;
        }
        for (int p = 0; p < q->np; p++)
            pl.pg[p] = -1;
        ea = sv_assign(q, &pl, NULL, tl);
        if (ea < 0)
            gr = ea;
        for (int g = 0; gr == 1 && g < q->ng; g++) {
            int nxt = next_step(inst, g, give[g]);
            if (must[g] && pl.gs[g].cand < 0 && nxt != give[g]) {
                give[g] = (char)nxt;
                moved++;
            }
        }
    }
    free(must);
    sv_plan_free(&pl);
    /* the heuristic failed and the assignment could not show which group
     * is in the way (out of time): every group at the lowest step moves
     * (the last step, all optional, always has a schedule) */
    if (gr == 1 && moved == 0 && ea != 0)
        moved = step_all(inst, give);
    return gr < 0 ? gr : moved;
}

/* A quick look at the relaxed copy for give[] before a full re-plan (which
 * on a large program can spend its whole time failing): the pre-checks,
 * then the constructive heuristic, within tl seconds.  Groups they find in
 * the way move one step further (those the pre-checks name, else every
 * group at the lowest step; those the heuristic cannot place).  Returns 1
 * when some group moved (look again), 0 when the copy is worth a full
 * re-plan, <0 (SOLVER code) on error. */
static int quick_look(const sv_prob *pr, const solver_options *opt, char *give, double tl)
{
    const model_instance *inst = pr->inst;
    model_instance *R = relaxed_copy(inst, give);
    if (!R)
        return -SOLVER_ENOMEM;
    solver_options o = *opt;
    o.time_limit_s = tl;
    o.export_model_path = NULL;
    sv_prob q;
    int rc = sv_prob_init(&q, R, &o);
    if (rc) {
        model_instance_destroy(R);
        return -rc;
    }
    model_strlist diag = {0};
    int n = sv_precheck(&q, &diag, q.deadline), moved;
    if (n < 0)
        moved = -SOLVER_ENOMEM;
    else if (n > 0)
        moved = step_named(inst, &diag, give);
    else
        moved = step_unplaced(&q, inst, give, tl / 2);
    if (n > 0 && moved == 0)
        moved = step_all(inst, give);
    for (int i = 0; i < diag.n && i < 5; i++)
        sv_log(pr, "relaxed plan, quick look: %s", diag.items[i]);
    model_strlist_free(&diag);
    sv_prob_free(&q);
    model_instance_destroy(R);
    return moved < 0 ? moved : moved > 0;
}

int sv_relax(const sv_prob *pr, const solver_options *opt, model_solution *sol)
{
    const model_instance *inst = pr->inst;
    if (inst->settings.on_infeasible == MODEL_ON_INFEASIBLE_FAIL)
        return SOLVER_OK;
    double until = pr->deadline > sv_now() + 0.5 ? pr->deadline : sv_now() + 0.5;
    char *give = calloc((size_t)inst->n_groups + 1, 1);
    if (!give)
        return SOLVER_ENOMEM;
    /* first: only the groups that can never have a substitute give way */
    for (int g = 0; g < inst->n_groups; g++)
        if (!substitute_possible(inst, g))
            give[g] = GIVE_SUBSTITUTE;
    int rc = SOLVER_OK, last = 0;
    for (int k = 0; k < RELAX_MAX_STAGES && rc == SOLVER_OK; k++) {
        double left = until - sv_now();
        if (left < 0.05)
            break;
        if (!last) {
            int q = quick_look(pr, opt, give, 0.3 * left);
            if (q < 0 && q != -SOLVER_ENOMEM) {
                sv_log(pr, "relaxed plan: planner error %d; diagnosis only", -q);
                break;
            }
            if (q < 0) {
                rc = -q;
                break;
            }
            sv_log(pr, "relaxed plan, look %d: %s", k + 1, q ? "groups moved a step" : "worth a plan");
            last = at_top(inst, give);
            if (q)
                continue;
        }
        model_solution *rs = NULL;
        char *phantom = NULL;
        rc = stage(pr, opt, give, last ? left : 0.6 * left, &rs, &phantom);
        if (rc && rc != SOLVER_ENOMEM) {
            /* the diagnosis alone is still a true answer */
            sv_log(pr, "relaxed plan, stage %d: planner error %d; diagnosis only", k + 1, rc);
            rc = SOLVER_OK;
            break;
        }
        if (rc)
            break;
        sv_log(pr, "relaxed plan, stage %d: %s", k + 1, model_solution_status_name(rs->status));
        for (int i = 0; i < rs->diagnosis.n && i < 5; i++)
            sv_log(pr, "  stage %d: %s", k + 1, rs->diagnosis.items[i]);
        if (rs->status == MODEL_STATUS_OPTIMAL || rs->status == MODEL_STATUS_FEASIBLE) {
            rc = adopt(pr, opt, phantom, sol, rs);
            free(phantom);
            break;
        }
        if (step_named(inst, &rs->diagnosis, give) == 0 && step_all(inst, give) == 0)
            k = RELAX_MAX_STAGES;
        last = at_top(inst, give) || k + 2 >= RELAX_MAX_STAGES;
        model_solution_destroy(rs);
        free(phantom);
    }
    free(give);
    return rc;
}
