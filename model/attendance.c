/*
 * attendance.c - attendance marks and the no-show policy: which marks
 * count as attended, absent or late-cancelled, and when a member is
 * flagged for review or a drop recommendation.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clinic.h"

static const char *const NAMES[MODEL_ATT_COUNT] = {"present", "late",    "late_cancel",
                                                   "no_show", "excused", "cancelled"};

const char *model_attendance_name(model_attendance a)
{
    return (int)a >= 0 && a < MODEL_ATT_COUNT ? NAMES[a] : "?";
}

int model_attendance_parse(const char *s)
{
    for (int i = 0; s && i < MODEL_ATT_COUNT; i++)
        if (strcmp(s, NAMES[i]) == 0)
            return i;
    return -1;
}

bool model_attendance_attended(model_attendance a)
{
    return a == MODEL_ATT_PRESENT || a == MODEL_ATT_LATE;
}

model_attendance model_attendance_classify_cancel(double hours_notice, double late_cancel_hours)
{
    return hours_notice < late_cancel_hours ? MODEL_ATT_LATE_CANCEL : MODEL_ATT_EXCUSED;
}

void model_noshow_policy_defaults(model_noshow_policy *p)
{
    p->review_consecutive_no_shows = 2;
    p->drop_consecutive_no_shows = 3;
    p->drop_absences = 4;
    p->absence_window_weeks = 8;
    p->review_late_cancels = 3;
}

/* True when threshold t is on and v reaches it. */
static bool reaches(int v, int t)
{
    return t > 0 && v >= t;
}

/* The trailing no-show streak of marks up to asof (see the header). */
static int no_show_streak(const model_att_mark *marks, int n, int asof)
{
    int streak = 0, last = -1;
    /* walk dates from latest down without sorting: repeatedly take the
     * latest mark before the previous one (n is a member's history: small) */
    int bound = asof + 1;
    for (;;) {
        last = -1;
        for (int i = 0; i < n; i++)
            if (marks[i].date < bound && (last < 0 || marks[i].date > marks[last].date))
                last = i;
        if (last < 0)
            return streak;
        model_attendance a = marks[last].status;
        if (a == MODEL_ATT_NO_SHOW)
            streak++;
        else if (model_attendance_attended(a))
            return streak;
        bound = marks[last].date;
    }
}

void model_attendance_summarise(const model_att_mark *marks, int n, int asof,
                                const model_noshow_policy *p, model_att_summary *out)
{
    memset(out, 0, sizeof *out);
    int from = asof - 7 * (p->absence_window_weeks > 0 ? p->absence_window_weeks : 0) + 1;
    for (int i = 0; i < n; i++) {
        model_attendance a = marks[i].status;
        if (marks[i].date > asof || a == MODEL_ATT_CANCELLED)
            continue;
        out->sessions++;
        out->attended += model_attendance_attended(a);
        if (marks[i].date < from)
            continue;
        out->no_shows += a == MODEL_ATT_NO_SHOW;
        out->late_cancels += a == MODEL_ATT_LATE_CANCEL;
    }
    out->absences = out->no_shows + out->late_cancels;
    out->consecutive_no_shows = no_show_streak(marks, n, asof);
    out->recommend_drop = reaches(out->consecutive_no_shows, p->drop_consecutive_no_shows) ||
                          reaches(out->absences, p->drop_absences);
    out->review = out->recommend_drop ||
                  reaches(out->consecutive_no_shows, p->review_consecutive_no_shows) ||
                  reaches(out->late_cancels, p->review_late_cancels);
}

int model_clinic_settings_validate(const model_settings *s, model_diag *d)
{
    int before = d->n_errors;
    if (!isfinite(s->late_cancel_hours) || s->late_cancel_hours < 0)
        model_diag_error(d, "settings.late_cancel_hours", "must be a non-negative number of hours, got %g",
                         s->late_cancel_hours);
    if (!isfinite(s->offer_ttl_hours) || s->offer_ttl_hours <= 0)
        model_diag_error(d, "settings.offer_ttl_hours", "must be a positive number of hours, got %g",
                         s->offer_ttl_hours);
    if (s->min_authorized_sessions < 0)
        model_diag_error(d, "settings.min_authorized_sessions", "must be >= 0, got %d",
                         s->min_authorized_sessions);
    const model_noshow_policy *p = &s->no_show_policy;
    const struct {
        const char *name;
        int v;
    } f[] = {{"review_consecutive_no_shows", p->review_consecutive_no_shows},
             {"drop_consecutive_no_shows", p->drop_consecutive_no_shows},
             {"drop_absences", p->drop_absences},
             {"absence_window_weeks", p->absence_window_weeks},
             {"review_late_cancels", p->review_late_cancels}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].v < 0) {
            char path[80];
            snprintf(path, sizeof path, "settings.no_show_policy.%s", f[i].name);
            model_diag_error(d, path, "must be >= 0 (0 = off), got %d", f[i].v);
        }
    return d->n_errors > before ? MODEL_EINVAL : MODEL_OK;
}
