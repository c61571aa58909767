/* exceptions.c - the rules a relaxed plan breaks on purpose (SPEC "relaxed
 * plan"): ownership of model_exception, and the checker's side: a declared
 * exception must be real, and then it excuses exactly the violation it
 * declares.  Kept apart from check.c, which tests the rules themselves. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

void model_exception_free(model_exception *e)
{
    if (!e)
        return;
    free(e->group);
    free(e->why);
    model_strlist_free(&e->facilitators);
    model_strlist_free(&e->patients);
    memset(e, 0, sizeof *e);
}

int model_solution_add_exception(model_solution *sol, const model_exception *e)
{
    model_exception c;
    memset(&c, 0, sizeof c);
    c.rule = e->rule;
    if ((e->group && !(c.group = model_strdup(e->group))) ||
        (e->why && !(c.why = model_strdup(e->why))) ||
        model_strlist_copy(&c.facilitators, &e->facilitators) ||
        model_strlist_copy(&c.patients, &e->patients)) {
        model_exception_free(&c);
        return MODEL_ENOMEM;
    }
    model_exception *n = realloc(sol->exceptions, sizeof *n * (size_t)(sol->n_exceptions + 1));
    if (!n) {
        model_exception_free(&c);
        return MODEL_ENOMEM;
    }
    sol->exceptions = n;
    sol->exceptions[sol->n_exceptions++] = c;
    return MODEL_OK;
}

/* Append a violation of `rule` on entity "exception:i".  MODEL_OK or
 * MODEL_ENOMEM (r unchanged). */
static int report(model_check_report *r, int rule, int i, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int report(model_check_report *r, int rule, int i, const char *fmt, ...)
{
    char ent[32];
    snprintf(ent, sizeof ent, "exception:%d", i);
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = len >= 0 ? malloc((size_t)len + 1) : NULL;
    char *e = model_strdup(ent);
    if (r->n_violations == r->cap_violations && msg && e) {
        int cap = r->cap_violations ? 2 * r->cap_violations : 16;
        model_violation *v = realloc(r->violations, sizeof *v * (size_t)cap);
        if (v) {
            r->violations = v;
            r->cap_violations = cap;
        }
    }
    if (!msg || !e || r->n_violations == r->cap_violations) {
        free(msg);
        free(e);
        return MODEL_ENOMEM;
    }
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    va_end(ap);
    r->violations[r->n_violations++] = (model_violation){rule, e, msg};
    return MODEL_OK;
}

/* The first entry of sol->groups with this id, or NULL. */
static const model_sol_group *sol_group(const model_solution *sol, const char *id)
{
    for (int i = 0; id && i < sol->n_groups; i++)
        if (sol->groups[i].id && strcmp(sol->groups[i].id, id) == 0)
            return &sol->groups[i];
    return NULL;
}

/* Is exception i real in sol?  1 yes, 0 no (reported), <0 ENOMEM. */
static int real(const model_instance *inst, const model_solution *sol, int i,
                model_check_report *r)
{
    const model_exception *e = &sol->exceptions[i];
    int g = model_find_group(inst, e->group);
    if (g < 0)
        return report(r, e->rule, i, "declared exception names group %s, which the instance "
                                     "does not offer",
                      e->group ? e->group : "(none)") ? -1 : 0;
    const model_sol_group *sg = sol_group(sol, e->group);
    bool running = sg && sg->running;
    int t = model_find_type(inst, inst->groups[g].type);
    int rc = MODEL_OK;
    switch (e->rule) {
    case 1:
        if (inst->groups[g].optional)
            rc = report(r, 1, i, "declared exception: group %s is optional, so not running "
                                 "breaks no rule", e->group);
        else if (running)
            rc = report(r, 1, i, "declared exception: must-run group %s does not run, but it "
                                 "runs", e->group);
        else
            return 1;
        break;
    case 5:
        if (!running)
            rc = report(r, 5, i, "declared exception: group %s runs without a designated "
                                 "substitute, but it does not run", e->group);
        else if (sg->substitute && sg->substitute[0])
            rc = report(r, 5, i, "declared exception: group %s runs without a designated "
                                 "substitute, but its substitute is %s", e->group,
                        sg->substitute);
        else
            return 1;
        break;
    case 8:
        if (!running)
            rc = report(r, 8, i, "declared exception: group %s runs below min_size, but it "
                                 "does not run", e->group);
        else if (t >= 0 && sg->members.n >= inst->types[t].min_size)
            rc = report(r, 8, i, "declared exception: group %s runs below min_size %d, but it "
                                 "has %d members", e->group, inst->types[t].min_size,
                        sg->members.n);
        else
            return 1;
        break;
    default:
        rc = report(r, e->rule, i, "declared exception on group %s names rule %d; only rules "
                                   "1, 5 and 8 may give way", e->group, e->rule);
    }
    return rc ? -1 : 0;
}

/* Does violation v state the break exception e declares? */
static bool excused(const model_violation *v, const model_exception *e)
{
    static const struct {
        int rule;
        const char *says;
    } kinds[] = {{1, "must run"}, {5, "no designated substitute"}, {8, "needs at least min_size"}};
    if (v->rule != e->rule || strncmp(v->entity, "group:", 6) != 0 ||
        strcmp(v->entity + 6, e->group) != 0)
        return false;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (kinds[k].rule == v->rule && strstr(v->message, kinds[k].says))
            return true;
    return false;
}

/* Remove from r every violation that a real exception declares. */
static void drop_excused(model_check_report *r, const model_solution *sol, const char *is_real)
{
    int k = 0;
    for (int i = 0; i < r->n_violations; i++) {
        bool drop = false;
        for (int x = 0; x < sol->n_exceptions && !drop; x++)
            drop = is_real[x] && excused(&r->violations[i], &sol->exceptions[x]);
        if (drop) {
            free(r->violations[i].entity);
            free(r->violations[i].message);
        } else {
            r->violations[k++] = r->violations[i];
        }
    }
    r->n_violations = k;
}

int model_exceptions_apply(const model_instance *inst, const model_solution *sol,
                           model_check_report *r)
{
    if (sol->n_exceptions == 0)
        return MODEL_OK;
    char *is_real = calloc((size_t)sol->n_exceptions, 1);
    if (!is_real)
        return MODEL_ENOMEM;
    for (int i = 0; i < sol->n_exceptions; i++) {
        int v = real(inst, sol, i, r);
        if (v < 0) {
            free(is_real);
            return MODEL_ENOMEM;
        }
        is_real[i] = (char)v;
        r->exceptions_accepted += v;
    }
    drop_excused(r, sol, is_real);
    free(is_real);
    return MODEL_OK;
}
