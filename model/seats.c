/*
 * seats.c - which seats of a running group are open between plans: the
 * saved schedule's members against the roster as it stands now (seat
 * offers are made only for open seats).
 */
#include <string.h>

#include "clinic.h"

/* The roster entry of patient in group g, or NULL. */
static const model_member *roster_entry(const model_group *g, const char *patient)
{
    for (int k = 0; k < g->n_members; k++)
        if (strcmp(g->members[k].patient, patient) == 0)
            return &g->members[k];
    return NULL;
}

/* Index of group id in sol, or -1. */
static int sol_group(const model_solution *sol, const char *id)
{
    for (int i = 0; i < sol->n_groups; i++)
        if (strcmp(sol->groups[i].id, id) == 0)
            return i;
    return -1;
}

int model_seats_open(const model_instance *inst, const model_solution *sol, int g,
                     const char **vacated_by)
{
    const model_group *gr = &inst->groups[g];
    int sg = sol_group(sol, gr->id);
    if (vacated_by)
        *vacated_by = NULL;
    if (sg < 0 || !sol->groups[sg].running || gr->type_idx < 0)
        return 0;
    const model_strlist *planned = &sol->groups[sg].members;
    int occupied = 0;
    for (int i = 0; i < planned->n; i++) {
        const model_member *m = roster_entry(gr, planned->items[i]);
        if (!m || model_status_occupies(m->status))
            occupied++;
        else if (vacated_by && !*vacated_by)
            *vacated_by = planned->items[i];
    }
    for (int k = 0; k < gr->n_members; k++)
        if (model_status_occupies(gr->members[k].status) &&
            model_strlist_find(planned, gr->members[k].patient) < 0)
            occupied++;
    int open = inst->types[gr->type_idx].max_size - occupied;
    return open > 0 ? open : 0;
}
