/*
 * waitlist.c - a waitlisted patient's expected wait for a group type from
 * their position and the seats expected to open (open seats now, member
 * turnover and observed drops, optional groups that would open).
 */
#include <math.h>
#include <string.h>

#include "clinic.h"

void model_wait_estimate(int position, int open_seats, double seats_per_week,
                         int optional_seats, model_wait *out)
{
    memset(out, 0, sizeof *out);
    out->position = position;
    out->open_seats = open_seats;
    out->seats_per_week = seats_per_week;
    out->optional_seats = optional_seats;
    int behind_open = position - open_seats; /* seats still to open before their turn */
    if (behind_open <= 0)
        return; /* a seat is open for them now: 0 weeks */
    if (seats_per_week <= 0) {
        out->weeks = out->weeks_high = -1; /* no seat expected to open */
        out->weeks_low = behind_open <= optional_seats ? 0 : -1;
        return;
    }
    out->weeks = behind_open / seats_per_week;
    /* the range: turnover half again as fast (and optional groups opened)
     * to half as fast */
    int low_need = behind_open - optional_seats;
    out->weeks_low = low_need <= 0 ? 0 : low_need / (1.5 * seats_per_week);
    out->weeks_high = behind_open / (0.5 * seats_per_week);
}
