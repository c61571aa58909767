/*
 * store_roster.c - The facilitator's pre-session roster of a stored
 * program (who is expected at a dated session, their last 4 weeks and
 * flags) and the payer authorizations that run out soon (units used by
 * attended sessions, rules in model/authorization.c).
 */
#include <jansson.h>
#include <limits.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "store_private.h"

/* Add to the authorizations of inst the units attended sessions used
 * before `before` (days; INT_MAX = every recorded mark): each attended
 * mark (present, late) in a group whose type has a CPT uses one unit of
 * the patient's first authorization of that CPT whose dates include it.
 * db: the connection to read with. */
static int add_used(db_conn *db, const char *program, model_instance *inst, int before)
{
    db_stmt *st = NULL;
    int rc = prep(db, &st,
                  "SELECT patient_id, group_id, date FROM attendance WHERE program_id=? AND"
                  " patient_id IS NOT NULL AND status IN ('present','late')",
                  "s", program);
    while (rc == IO_OK && db_step(st) == DB_ROW) {
        int p = model_find_patient(inst, db_column_text(st, 0));
        int g = model_find_group(inst, db_column_text(st, 1)), date = -1;
        model_date_parse(db_column_text(st, 2), &date);
        if (p < 0 || g < 0 || inst->groups[g].type_idx < 0 || date < 0 || date >= before)
            continue;
        const char *cpt = inst->types[inst->groups[g].type_idx].cpt;
        model_patient *pa = &inst->patients[p];
        for (int k = 0; k < pa->n_authorizations; k++) {
            model_authorization *a = &pa->authorizations[k];
            if (cpt && strcmp(a->cpt, cpt) == 0 && a->from <= date && date <= a->to) {
                a->used++;
                break;
            }
        }
    }
    db_finalize(st);
    return rc;
}

/* The stored program with the units used before `before` added
 * (add_used), read on a reader connection. */
static int program_used(io_store *s, const char *program, int before, model_instance **out,
                        model_diag *d)
{
    model_instance *inst = NULL;
    int rc = io_store_program_export(s, program, &inst, d);
    if (rc != IO_OK)
        return rc;
    rconn *rd = NULL;
    rc = add_used(rd_acquire(s, &rd), program, inst, before);
    rd_release(s, rd);
    if (rc != IO_OK) {
        model_instance_destroy(inst);
        return rc;
    }
    *out = inst;
    return IO_OK;
}

int io_store_program_for_planning(io_store *s, const char *program, model_instance **out,
                                  model_diag *d)
{
    return program_used(s, program, INT_MAX, out, d);
}

/* Sessions a week patient attends in groups of cpt (1 when a seat holder
 * of such a group, else 0). */
static int weekly_sessions(const model_instance *inst, const char *patient, const char *cpt)
{
    for (int g = 0; g < inst->n_groups; g++) {
        const model_group *gr = &inst->groups[g];
        if (gr->type_idx < 0 || strcmp(inst->types[gr->type_idx].cpt, cpt) != 0)
            continue;
        for (int k = 0; k < gr->n_members; k++)
            if (strcmp(gr->members[k].patient, patient) == 0 &&
                model_status_occupies(gr->members[k].status))
                return 1;
    }
    return 0;
}

/* One authorization's state as JSON (its used units counted before
 * today): units used and left, runs_out (date within `within` days of
 * today, else null). */
static json_t *auth_state(const model_instance *inst, const model_patient *p,
                          const model_authorization *a, int today, int within)
{
    int out = model_authorization_runs_out(a, today, within, weekly_sessions(inst, p->id, a->cpt));
    char f[11], t[11], o[11];
    model_date_format(a->from, f);
    model_date_format(a->to, t);
    model_date_format(out, o);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:s?}", "patient", p->id, "payer", a->payer,
                     "cpt", a->cpt, "from", f, "to", t, "units", a->units, "units_used", a->used,
                     "units_left", model_authorization_units_left(a), "runs_out",
                     out >= 0 ? o : NULL);
}

/* Parse an optional date (NULL = today). */
static int date_or_today(const char *s, int *out)
{
    char buf[11];
    if (!s) {
        today(buf);
        s = buf;
    }
    return model_date_parse(s, out) == MODEL_OK ? 0 : -1;
}

int io_store_authorizations_expiring(io_store *s, const char *program, const char *day,
                                     int within_days, char **json, model_diag *d)
{
    int now;
    if (date_or_today(day, &now) != 0) {
        model_diag_error(d, "today", "not an ISO date (YYYY-MM-DD)");
        return IO_EINVAL;
    }
    model_instance *inst = NULL;
    int rc = program_used(s, program, now, &inst, d);
    if (rc != IO_OK)
        return rc;
    json_t *arr = json_array();
    for (int i = 0; i < inst->n_patients; i++)
        for (int k = 0; k < inst->patients[i].n_authorizations; k++) {
            json_t *e = auth_state(inst, &inst->patients[i],
                                   &inst->patients[i].authorizations[k], now, within_days);
            if (json_is_null(json_object_get(e, "runs_out")) ||
                json_integer_value(json_object_get(e, "units")) == 0)
                json_decref(e);
            else
                json_array_append_new(arr, e);
        }
    model_instance_destroy(inst);
    return give(arr, json);
}

/* The member's marks in the group in the 4 weeks before date. */
static json_t *last_weeks(db_conn *db, const char *program, const char *group,
                          const char *patient, int date)
{
    char from[11], to[11];
    model_date_format(date - 28, from);
    model_date_format(date, to);
    db_stmt *st = NULL;
    json_t *arr = json_array();
    if (prep(db, &st,
             "SELECT date, status FROM attendance WHERE program_id=? AND group_id=? AND"
             " patient_id=? AND date >= ? AND date < ? ORDER BY date",
             "sssss", program, group, patient, from, to) == IO_OK)
        while (db_step(st) == DB_ROW)
            json_array_append_new(arr, json_pack("{s:o,s:o}", "date", col_str(st, 0), "status",
                                                 col_str(st, 1)));
    db_finalize(st);
    return arr;
}

/* The roster flags of member m of group g at date (appended to flags). */
static void member_flags_at(const model_instance *inst, const model_group *g,
                            const model_member *m, int date, json_t *review, json_t *flags)
{
    if (m->status == MODEL_HOLD_CLINICAL || m->status == MODEL_HOLD_ADMIN)
        json_array_append_new(flags, json_sprintf("on hold (%s)", model_status_name(m->status)));
    if (json_is_true(review))
        json_array_append_new(flags, json_string("flagged for review (no-show policy)"));
    int p = model_find_patient(inst, m->patient);
    const char *cpt = g->type_idx >= 0 ? inst->types[g->type_idx].cpt : NULL;
    if (p < 0 || !cpt)
        return;
    const model_patient *pa = &inst->patients[p];
    int covered = 0;
    for (int k = 0; k < pa->n_authorizations; k++) {
        const model_authorization *a = &pa->authorizations[k];
        if (strcmp(a->cpt, cpt) != 0 || date < a->from || date > a->to)
            continue;
        int left = model_authorization_units_left(a);
        covered |= left > 0;
        if (model_authorization_runs_out(a, date, 6, 1) >= 0)
            json_array_append_new(flags, json_sprintf("authorization expiring this week (%s %s)",
                                                      a->payer, a->cpt));
        if (left <= 2)
            json_array_append_new(flags,
                                  json_sprintf("visit cap within 2 sessions (%d left)", left));
    }
    if (inst->settings.require_authorization && !covered)
        json_array_append_new(flags, json_string("no authorization covers this session"));
}

/* The review flag of member patient from the group's flags array. */
static json_t *review_of(json_t *flags, const char *patient)
{
    size_t i;
    json_t *e;
    json_array_foreach(flags, i, e)
    {
        const char *p = json_string_value(json_object_get(e, "patient"));
        if (p && strcmp(p, patient) == 0)
            return json_object_get(e, "review");
    }
    return NULL;
}

int io_store_roster_tree(io_store *s, const char *program, const char *group, const char *day,
                         json_t **tree, model_diag *d)
{
    int date;
    if (!day || model_date_parse(day, &date) != MODEL_OK) {
        model_diag_error(d, "date", "not an ISO date (YYYY-MM-DD)");
        return IO_EINVAL;
    }
    model_instance *inst = NULL;
    int rc = program_used(s, program, date, &inst, d);
    int g = rc == IO_OK && group ? model_find_group(inst, group) : -1;
    if (rc == IO_OK && g < 0) {
        model_diag_error(d, "group", "no group '%s'", group ? group : "");
        rc = IO_EINVAL;
    }
    json_t *flags = NULL;
    if (rc == IO_OK)
        rc = io_store_attendance_flags_tree(s, program, group, 0, &flags);
    if (rc != IO_OK) {
        model_instance_destroy(inst);
        return rc;
    }
    json_t *members = json_array();
    const model_group *gr = &inst->groups[g];
    rconn *rd = NULL;
    db_conn *db = rd_acquire(s, &rd);
    for (int k = 0; k < gr->n_members; k++) {
        const model_member *m = &gr->members[k];
        if (!model_status_occupies(m->status) || !io_member_on(gr, m->patient, date))
            continue;
        json_t *mf = json_array();
        member_flags_at(inst, gr, m, date, review_of(flags, m->patient), mf);
        json_array_append_new(members,
                              json_pack("{s:s,s:s,s:o,s:o}", "patient", m->patient, "status",
                                        model_status_name(m->status), "last_4_weeks",
                                        last_weeks(db, program, gr->id, m->patient, date),
                                        "flags", mf));
    }
    rd_release(s, rd);
    json_t *out = json_pack("{s:s,s:s,s:o}", "group", gr->id, "date", day, "members", members);
    json_decref(flags);
    model_instance_destroy(inst);
    return io_tree_give(out, tree);
}

int io_store_roster(io_store *s, const char *program, const char *group, const char *day,
                    char **json, model_diag *d)
{
    json_t *r = NULL;
    int rc = io_store_roster_tree(s, program, group, day, &r, d);
    return rc == IO_OK ? give(r, json) : rc;
}
