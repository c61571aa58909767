/* model.c - value helpers, diagnostics, lifetimes and lookups. */
#include "model.h"
#include "clinic.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- diag */

static int diag_push(model_issue **arr, int *n, int *cap, const char *path,
                     const char *fmt, va_list ap)
{
    char *msg = NULL, *p = NULL;
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (len < 0)
        return MODEL_EINVAL;
    msg = malloc((size_t)len + 1);
    p = model_strdup(path ? path : "");
    if (!msg || !p)
        goto nomem;
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    if (*n == *cap) {
        int ncap = *cap ? *cap * 2 : 8;
        model_issue *na = realloc(*arr, (size_t)ncap * sizeof *na);
        if (!na)
            goto nomem;
        *arr = na;
        *cap = ncap;
    }
    (*arr)[*n].path = p;
    (*arr)[*n].message = msg;
    (*n)++;
    return MODEL_OK;
nomem:
    free(msg);
    free(p);
    return MODEL_ENOMEM;
}

void model_diag_init(model_diag *d)
{
    memset(d, 0, sizeof *d);
}

static void issues_free(model_issue *a, int n)
{
    for (int i = 0; i < n; i++) {
        free(a[i].path);
        free(a[i].message);
    }
    free(a);
}

void model_diag_free(model_diag *d)
{
    if (!d)
        return;
    issues_free(d->errors, d->n_errors);
    issues_free(d->warnings, d->n_warnings);
    model_diag_init(d);
}

int model_diag_verror(model_diag *d, const char *path, const char *fmt, va_list ap)
{
    return diag_push(&d->errors, &d->n_errors, &d->cap_errors, path, fmt, ap);
}

int model_diag_vwarning(model_diag *d, const char *path, const char *fmt, va_list ap)
{
    return diag_push(&d->warnings, &d->n_warnings, &d->cap_warnings, path, fmt, ap);
}

int model_diag_error(model_diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = model_diag_verror(d, path, fmt, ap);
    va_end(ap);
    return rc;
}

int model_diag_warning(model_diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = model_diag_vwarning(d, path, fmt, ap);
    va_end(ap);
    return rc;
}

/* ------------------------------------------------------------- strings */

char *model_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

int model_strlist_pushf(model_strlist *l, bool unique, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = len < 0 ? NULL : malloc((size_t)len + 1);
    if (!s)
        return MODEL_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    int rc = unique && model_strlist_find(l, s) >= 0 ? MODEL_OK : model_strlist_push(l, s);
    free(s);
    return rc;
}

int model_strlist_push(model_strlist *l, const char *s)
{
    char *c = model_strdup(s ? s : "");
    if (!c)
        return MODEL_ENOMEM;
    char **na = realloc(l->items, (size_t)(l->n + 1) * sizeof *na);
    if (!na) {
        free(c);
        return MODEL_ENOMEM;
    }
    l->items = na;
    l->items[l->n++] = c;
    return MODEL_OK;
}

int model_strlist_find(const model_strlist *l, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return i;
    return -1;
}

void model_strlist_remove(model_strlist *l, const char *s)
{
    int i = model_strlist_find(l, s);
    if (i < 0)
        return;
    free(l->items[i]);
    memmove(&l->items[i], &l->items[i + 1], (size_t)(l->n - i - 1) * sizeof *l->items);
    l->n--;
}

void model_strlist_free(model_strlist *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

int model_strlist_copy(model_strlist *dst, const model_strlist *src)
{
    model_strlist t = {0};
    for (int i = 0; i < src->n; i++) {
        if (model_strlist_push(&t, src->items[i]) != MODEL_OK) {
            model_strlist_free(&t);
            return MODEL_ENOMEM;
        }
    }
    *dst = t;
    return MODEL_OK;
}

/* --------------------------------------------------------- dates, times */

/* Days from civil date (proleptic Gregorian), after H. Hinnant's algorithm. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static bool all_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

int model_date_parse(const char *s, int *out)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 4) ||
        !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
        return MODEL_EINVAL;
    long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return MODEL_EINVAL;
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned lim = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        lim = 29;
    if (d > lim)
        return MODEL_EINVAL;
    *out = (int)days_from_civil(y, m, d);
    return MODEL_OK;
}

void model_date_format(int days, char buf[11])
{
    long y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int yy = (int)(y < 0 ? 0 : y % 10000);
    buf[0] = (char)('0' + yy / 1000);
    buf[1] = (char)('0' + yy / 100 % 10);
    buf[2] = (char)('0' + yy / 10 % 10);
    buf[3] = (char)('0' + yy % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

int model_date_weekday(int days)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    int w = (days + 3) % 7;
    return w < 0 ? w + 7 : w;
}

int model_time_parse(const char *s, int allow_24, int *out)
{
    if (!s || strlen(s) != 5 || s[2] != ':' || !all_digits(s, 2) || !all_digits(s + 3, 2))
        return MODEL_EINVAL;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59)
        return MODEL_EINVAL;
    if (h > 23 && !(allow_24 && h == 24 && m == 0))
        return MODEL_EINVAL;
    *out = h * 60 + m;
    return MODEL_OK;
}

void model_time_format(int minutes, char buf[6])
{
    if (minutes < 0 || minutes > 24 * 60)
        minutes = 0;
    int h = minutes / 60, m = minutes % 60;
    buf[0] = (char)('0' + h / 10);
    buf[1] = (char)('0' + h % 10);
    buf[2] = ':';
    buf[3] = (char)('0' + m / 10);
    buf[4] = (char)('0' + m % 10);
    buf[5] = '\0';
}

static const char *const DAY_NAMES[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int model_day_parse(const char *s)
{
    for (int i = 0; s && i < 7; i++)
        if (strcmp(s, DAY_NAMES[i]) == 0)
            return i;
    return -1;
}

const char *model_day_name(int day)
{
    return day >= 0 && day < 7 ? DAY_NAMES[day] : "?";
}

/* --------------------------------------------------------------- enums */

static int enum_parse(const char *s, const char *const *names, int n)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static const char *const MODALITY[] = {"in_person", "telehealth", "either"};
static const char *const CADENCE[] = {"weekly", "biweekly"};
static const char *const ACUITY[] = {"low", "moderate", "high"};
static const char *const STATUS[] = {"active", "hold_clinical", "hold_admin", "graduated", "dropped"};
static const char *const SOLSTATUS[] = {"optimal", "feasible", "infeasible", "time_limit", "invalid"};
static const char *const ON_INFEASIBLE[] = {"relax", "fail"};

#define ENUM_FNS(fn, arr, type)                                                           \
    const char *model_##fn##_name(type v)                                                 \
    {                                                                                     \
        return (int)v >= 0 && (size_t)v < sizeof arr / sizeof arr[0] ? arr[v] : "?";      \
    }                                                                                     \
    int model_##fn##_parse(const char *s) { return enum_parse(s, arr, (int)(sizeof arr / sizeof arr[0])); }

ENUM_FNS(modality, MODALITY, model_modality)
ENUM_FNS(cadence, CADENCE, model_cadence)
ENUM_FNS(acuity, ACUITY, model_acuity)
ENUM_FNS(status, STATUS, model_member_status)
ENUM_FNS(solution_status, SOLSTATUS, model_solution_status)
ENUM_FNS(on_infeasible, ON_INFEASIBLE, int)

bool model_status_occupies(model_member_status s)
{
    return s == MODEL_ACTIVE || s == MODEL_HOLD_CLINICAL || s == MODEL_HOLD_ADMIN;
}

/* ------------------------------------------------------------ settings */

void model_settings_defaults(model_settings *s)
{
    s->max_groups_per_day = 4;
    s->max_groups_per_week = 12;
    s->min_break_min = 0;
    s->max_consecutive_cover = 3;
    s->time_limit_s = 60.0;
    s->mip_gap = 0.005;
    s->on_infeasible = MODEL_ON_INFEASIBLE_RELAX;
    s->weights.placement = 100.0;
    s->weights.wait_per_week = 2.0;
    s->weights.priority = 10.0;
    s->weights.empty_seat = 5.0;
    s->weights.load_balance = 1.0;
    s->weights.change = 20.0;
    s->seed = 1;
    s->late_cancel_hours = 24.0;
    s->offer_ttl_hours = 48.0;
    s->require_authorization = false;
    s->min_authorized_sessions = 1;
    model_noshow_policy_defaults(&s->no_show_policy);
}

/* ----------------------------------------------------------- lifetimes */

model_instance *model_instance_create(void)
{
    model_instance *inst = calloc(1, sizeof *inst);
    if (inst)
        model_settings_defaults(&inst->settings);
    return inst;
}

void model_group_type_free(model_group_type *t)
{
    if (!t)
        return;
    free(t->id);
    free(t->name);
    free(t->cpt);
    model_strlist_free(&t->required_credentials);
    model_strlist_free(&t->cofacilitator_credentials);
    model_strlist_free(&t->diagnoses);
    model_strlist_free(&t->room_features);
    free(t->gender);
    memset(t, 0, sizeof *t);
}

void model_group_free(model_group *g)
{
    if (!g)
        return;
    free(g->id);
    free(g->type);
    free(g->pinned.room);
    model_strlist_free(&g->pinned.facilitators);
    free(g->pinned.substitute);
    for (int i = 0; i < g->n_members; i++)
        free(g->members[i].patient);
    free(g->members);
    memset(g, 0, sizeof *g);
}

void model_room_free(model_room *r)
{
    if (!r)
        return;
    free(r->id);
    model_strlist_free(&r->features);
    free(r->available);
    free(r->site);
    memset(r, 0, sizeof *r);
}

void model_facilitator_free(model_facilitator *f)
{
    if (!f)
        return;
    free(f->id);
    free(f->name);
    model_strlist_free(&f->credentials);
    free(f->available);
    free(f->time_off);
    memset(f, 0, sizeof *f);
}

void model_patient_free(model_patient *p)
{
    if (!p)
        return;
    free(p->id);
    model_strlist_free(&p->diagnoses);
    model_strlist_free(&p->group_types);
    free(p->available);
    free(p->gender);
    memset(p, 0, sizeof *p);
}

void model_instance_destroy(model_instance *inst)
{
    if (!inst)
        return;
    free(inst->program.name);
    free(inst->program.slot_starts);
    free(inst->program.closed_dates);
    for (int i = 0; i < inst->n_types; i++)
        model_group_type_free(&inst->types[i]);
    free(inst->types);
    for (int i = 0; i < inst->n_groups; i++)
        model_group_free(&inst->groups[i]);
    free(inst->groups);
    for (int i = 0; i < inst->n_rooms; i++)
        model_room_free(&inst->rooms[i]);
    free(inst->rooms);
    for (int i = 0; i < inst->n_facilitators; i++)
        model_facilitator_free(&inst->facilitators[i]);
    free(inst->facilitators);
    for (int i = 0; i < inst->n_patients; i++)
        model_patient_free(&inst->patients[i]);
    free(inst->patients);
    free(inst);
}

void model_metrics_free(model_metrics *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n_load; i++)
        free(m->load_ids[i]);
    free(m->load_ids);
    free(m->load);
    for (int i = 0; i < m->n_per_type; i++)
        free(m->per_type[i].type);
    free(m->per_type);
    memset(m, 0, sizeof *m);
}

model_solution *model_solution_create(void)
{
    model_solution *s = calloc(1, sizeof *s);
    if (s)
        model_diag_init(&s->errors);
    return s;
}

void model_solution_destroy(model_solution *sol)
{
    if (!sol)
        return;
    for (int i = 0; i < sol->n_groups; i++) {
        model_sol_group *g = &sol->groups[i];
        free(g->id);
        free(g->type);
        free(g->room);
        model_strlist_free(&g->facilitators);
        free(g->substitute);
        model_strlist_free(&g->members);
        model_strlist_free(&g->new_members);
    }
    free(sol->groups);
    for (int i = 0; i < sol->n_sessions; i++) {
        model_sol_session *s = &sol->sessions[i];
        free(s->group);
        free(s->room);
        model_strlist_free(&s->facilitators);
        free(s->covered_by);
    }
    free(sol->sessions);
    for (int i = 0; i < sol->n_unplaced; i++) {
        free(sol->unplaced[i].patient);
        model_strlist_free(&sol->unplaced[i].reasons);
    }
    free(sol->unplaced);
    model_metrics_free(&sol->metrics);
    model_strlist_free(&sol->diagnosis);
    model_diag_free(&sol->errors);
    model_solution_changes_free(sol);
    for (int i = 0; i < sol->n_exceptions; i++)
        model_exception_free(&sol->exceptions[i]);
    free(sol->exceptions);
    free(sol);
}

/* ------------------------------------------------------------- lookups */

#define FIND_FN(fn, arr, count)                                                \
    int model_find_##fn(const model_instance *inst, const char *id)            \
    {                                                                          \
        for (int i = 0; id && i < inst->count; i++)                            \
            if (inst->arr[i].id && strcmp(inst->arr[i].id, id) == 0)           \
                return i;                                                      \
        return -1;                                                             \
    }

FIND_FN(type, types, n_types)
FIND_FN(group, groups, n_groups)
FIND_FN(room, rooms, n_rooms)
FIND_FN(facilitator, facilitators, n_facilitators)
FIND_FN(patient, patients, n_patients)

int model_facilitator_max_per_day(const model_instance *inst, int f)
{
    int v = inst->facilitators[f].max_per_day;
    return v >= 0 ? v : inst->settings.max_groups_per_day;
}

int model_facilitator_max_per_week(const model_instance *inst, int f)
{
    int v = inst->facilitators[f].max_per_week;
    return v >= 0 ? v : inst->settings.max_groups_per_week;
}

bool model_facilitator_off(const model_instance *inst, int f, int date)
{
    const model_facilitator *fa = &inst->facilitators[f];
    for (int i = 0; i < fa->n_time_off; i++)
        if (date >= fa->time_off[i].from && date <= fa->time_off[i].to)
            return true;
    return false;
}

bool model_facilitator_holds(const model_facilitator *f, const model_strlist *creds)
{
    for (int i = 0; i < creds->n; i++)
        if (model_strlist_find(&f->credentials, creds->items[i]) < 0)
            return false;
    return true;
}

bool model_new_share_exceeded(const model_composition *c, int n_new, int n_cont, int n_total)
{
    return c->max_new_share >= 0 && n_cont > 0 && n_new > 0 &&
           (double)n_new > c->max_new_share * (double)n_total + 1e-9;
}

bool model_windows_fit(const model_window *w, int n, int day, int start, int dur)
{
    for (int i = 0; i < n; i++)
        if (w[i].day == day && start >= w[i].from && start + dur <= w[i].to)
            return true;
    return false;
}

int model_sol_group_parity_known(const model_instance *inst, const model_solution *sol, int i)
{
    const model_sol_group *g = &sol->groups[i];
    if (!g->week_parity_absent)
        return g->week_parity & 1;
    int n[2] = {0, 0}, h = inst->program.horizon_start;
    for (int s = 0; s < sol->n_sessions; s++) {
        const model_sol_session *x = &sol->sessions[s];
        if (g->id && x->group && x->date >= h && strcmp(x->group, g->id) == 0)
            n[((x->date - h) / 7) & 1]++;
    }
    return n[0] == n[1] ? -1 : n[1] > n[0];
}

int model_sol_group_parity(const model_instance *inst, const model_solution *sol, int i)
{
    int p = model_sol_group_parity_known(inst, sol, i);
    return p < 0 ? 0 : p;
}

bool model_patient_waitlisted(const model_instance *inst, int p)
{
    const char *id = inst->patients[p].id;
    for (int g = 0; g < inst->n_groups; g++)
        for (int m = 0; m < inst->groups[g].n_members; m++) {
            const model_member *mb = &inst->groups[g].members[m];
            if (mb->patient_idx == p || (mb->patient_idx < 0 && mb->patient && id &&
                                         strcmp(mb->patient, id) == 0))
                return false;
        }
    return true;
}

bool model_date_closed(const model_instance *inst, int date)
{
    for (int i = 0; i < inst->program.n_closed_dates; i++)
        if (inst->program.closed_dates[i] == date)
            return true;
    return false;
}

bool model_meets_in_week(model_cadence cadence, int week_parity, int w)
{
    return cadence == MODEL_WEEKLY || (w % 2) == (week_parity & 1);
}

int model_session_dates(const model_instance *inst, int day, model_cadence cadence,
                        int week_parity, int *out, int max)
{
    int n = 0;
    if (day < 0 || day > 6)
        return 0;
    for (int w = 0; w < inst->program.horizon_weeks; w++) {
        if (!model_meets_in_week(cadence, week_parity, w))
            continue;
        int date = inst->program.horizon_start + 7 * w + day;
        if (model_date_closed(inst, date))
            continue;
        if (out && n < max)
            out[n] = date;
        n++;
    }
    return n;
}
