/*
 * clinic.h - the pure rules of clinic operations: attendance marks and the
 * no-show policy (model/attendance.c).  One predicate per rule; the store,
 * the API and the command line all decide through these.
 *
 * Depends on model.h only.  Nothing here allocates.
 */
#ifndef COHORT_CLINIC_H
#define COHORT_CLINIC_H

#include "model.h"

/* Attendance of one member at one dated session. */
typedef enum {
    MODEL_ATT_PRESENT = 0,
    MODEL_ATT_LATE = 1,
    MODEL_ATT_LATE_CANCEL = 2, /* cancelled with less than late_cancel_hours notice */
    MODEL_ATT_NO_SHOW = 3,
    MODEL_ATT_EXCUSED = 4,     /* cancelled in time, or excused by the clinician */
    MODEL_ATT_CANCELLED = 5,   /* the clinic cancelled the session: counts against nobody */
    MODEL_ATT_COUNT = 6
} model_attendance;

/* "present", "late", "late_cancel", "no_show", "excused", "cancelled";
 * "?" out of range.  Parser: value or -1. */
const char *model_attendance_name(model_attendance a);
int model_attendance_parse(const char *s);

/* True when the member was in the room (present, late): the session is
 * billable for them and uses an authorization unit. */
bool model_attendance_attended(model_attendance a);

/* A member's own cancellation given hours_notice before the session:
 * MODEL_ATT_LATE_CANCEL when under late_cancel_hours, else MODEL_ATT_EXCUSED. */
model_attendance model_attendance_classify_cancel(double hours_notice, double late_cancel_hours);

/* Fill p with the defaults: review after 2 consecutive no-shows, recommend
 * a drop after 3, or after 4 absences in 8 weeks; review after 3 late
 * cancels in the window. */
void model_noshow_policy_defaults(model_noshow_policy *p);

/* One recorded mark of a member. */
typedef struct model_att_mark {
    int date;                /* days since 1970-01-01 */
    model_attendance status;
} model_att_mark;

/* What a member's marks say under a policy. */
typedef struct model_att_summary {
    int sessions;             /* marks other than cancelled */
    int attended;             /* present + late */
    int consecutive_no_shows; /* trailing streak (see model_attendance_summarise) */
    int no_shows;             /* in the window */
    int late_cancels;         /* in the window (counted apart from no-shows) */
    int absences;             /* no_shows + late_cancels in the window */
    bool review;              /* a coordinator should call */
    bool recommend_drop;      /* a coordinator should consider dropping */
} model_att_summary;

/* Summarise marks (any order; dates distinct) up to and including asof
 * under policy p.  The no-show streak counts the latest consecutive
 * no_show marks: present and late end it; late_cancel, excused and
 * cancelled neither end nor extend it.  The window is the
 * absence_window_weeks * 7 days ending at asof.  review = streak >=
 * review_consecutive_no_shows or late_cancels >= review_late_cancels;
 * recommend_drop = streak >= drop_consecutive_no_shows or absences >=
 * drop_absences.  A threshold <= 0 is off.  *out is overwritten. */
void model_attendance_summarise(const model_att_mark *marks, int n, int asof,
                                const model_noshow_policy *p, model_att_summary *out);

/* Validate settings.no_show_policy and the other clinic settings into d
 * (paths "settings.<field>").  MODEL_OK or MODEL_EINVAL. */
int model_clinic_settings_validate(const model_settings *s, model_diag *d);

/* Payer authorizations (model/authorization.c): the one rule for the
 * units an authorization has left, used by plan, fill, the roster and the
 * authorizations running out. */

/* Units of a left: units less used (the sessions attended under it),
 * never below 0. */
int model_authorization_units_left(const model_authorization *a);

/* Index of an authorization of p for cpt whose dates include date and
 * whose units left (model_authorization_units_left) cover `sessions`
 * sessions; -1 when none. */
int model_authorization_covering(const model_patient *p, const char *cpt, int date, int sessions);

/* May patient p be placed in a group of type t whose first session is on
 * first_session?  Always when settings.require_authorization is false;
 * else an authorization must cover the type's CPT on that date with units
 * left for settings.min_authorized_sessions sessions. */
bool model_patient_authorized(const model_instance *inst, int p, int t, int first_session);

/* The last date authorization a covers, with its units left and
 * sessions_per_week attended sessions a week from today on (the first
 * today): its units' last session or its `to`, whichever comes first
 * (today when it is already out); -1 when that is more than horizon_days
 * after today. */
int model_authorization_runs_out(const model_authorization *a, int today, int horizon_days,
                                 int sessions_per_week);

/* Seats of group g open now: its type's max_size minus the seats taken,
 * where the saved schedule sol's members of g hold a seat unless the
 * roster shows they left (graduated, dropped), and roster seat holders the
 * schedule does not list (placed since) hold one too.  0 when sol does not
 * run g.  *vacated_by (may be NULL) receives a member of sol who left (the
 * seat's previous holder, borrowed from sol) or NULL. */
int model_seats_open(const model_instance *inst, const model_solution *sol, int g,
                     const char **vacated_by);

/* A waitlisted patient's expected wait for one group type. */
typedef struct model_wait {
    int position;          /* 1-based among the waitlisted who fit the type */
    int open_seats;        /* open now in running groups of the type */
    double seats_per_week; /* expected to open a week (turnover + observed drops) */
    int optional_seats;    /* seats of optional groups of the type not running */
    double weeks;          /* expected wait; 0 = a seat is open for them; -1 = none expected */
    double weeks_low, weeks_high; /* range: turnover 1.5x and optional groups opened / 0.5x */
} model_wait;

/* Estimate the wait of the patient at position given the seats: when
 * position <= open_seats, 0; else (position - open_seats) / seats_per_week
 * weeks, with the range above (-1 where no seat is expected).  *out is
 * overwritten. */
void model_wait_estimate(int position, int open_seats, double seats_per_week,
                         int optional_seats, model_wait *out);

#endif
