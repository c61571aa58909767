/* export_private.h - helpers shared by the writers in io/export/ only. */
#ifndef COHORT_EXPORT_PRIVATE_H
#define COHORT_EXPORT_PRIVATE_H

#include <stdio.h>

#include "buf.h"
#include "export.h"

/* The solution group with this id, or NULL. */
const model_sol_group *ex_group(const model_solution *sol, const char *id);
/* The instance type of a solution group (by the group's type id), or NULL. */
const model_group_type *ex_type(const model_instance *inst, const model_sol_group *g);
/* Display name of a group's type (its id when the instance lacks it). */
const char *ex_type_name(const model_instance *inst, const model_sol_group *g);
/* A facilitator's name, or the id itself when the instance has none. */
const char *ex_facilitator_name(const model_instance *inst, const char *id);

/* The items of a list joined by sep (names: facilitator names instead of
 * ids) as a malloc'd string ("" for an empty list).  NULL on ENOMEM. */
char *ex_join(const model_instance *inst, const model_strlist *l, const char *sep, bool names);

/* Is the scope part of the group's weekly pattern (program; facilitator
 * leading or co-leading it; its room; a member)?  Those groups become a
 * recurring event, the others' sessions single events. */
bool ex_group_regular(const model_sol_group *g, const io_export_scope *sc);
/* Is the session in the scope's schedule: every session of a regular
 * group, plus the sessions the scope leads, covers or hosts. */
bool ex_session_in(const model_sol_group *g, const model_sol_session *s,
                   const io_export_scope *sc);

/* Last date of the horizon. */
int ex_horizon_last(const model_instance *inst);
/* Date of the group's meeting in horizon week w, or -1 when its cadence
 * skips that week (biweekly, other parity). */
int ex_rule_date(const model_instance *inst, const model_sol_group *g, int w);

/* Indexes of the sessions in scope of running groups, sorted by date,
 * start, group id: malloc'd array in *idx (may be NULL when *n == 0).
 * IO_OK / IO_ENOMEM. */
int ex_sessions_sorted(const model_solution *sol, const io_export_scope *sc, int **idx, int *n);

/* Deterministic UUID (RFC 9562 version 8, from SHA-256 of the program
 * name, a kind and an id) as 36 characters + NUL. */
void ex_uuid(const model_instance *inst, const char *kind, const char *id, char out[37]);

#endif
