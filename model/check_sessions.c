/* check_sessions.c - the independent checker's dated part: every session
 * of sol->sessions on its group's meeting dates (rule 6: the session list,
 * who leads each one, covers, consecutive covers, caps with covers, and a
 * session marked uncovered that someone could have covered; rule 10:
 * closed dates), each judged at its own time and room, with the clashes
 * only a moved session shows (rules 2 and 4).  Part of model/check.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_private.h"

/* ------------------------------------------------- sessions: 6 and 10 */

typedef struct sref {
    int gi;   /* sol->groups index */
    int date;
    int s;    /* sol->sessions index */
} sref;

static int sref_cmp(const void *a, const void *b)
{
    const sref *x = a, *y = b;
    if (x->gi != y->gi)
        return x->gi < y->gi ? -1 : 1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return (x->s > y->s) - (x->s < y->s);
}

/* One facilitator leading one dated session, at the session's own time. */
typedef struct lead {
    int f, date, start, end, gi;
    int pos;    /* index among the group's sessions on open dates; -1 on a closed date */
    bool cover; /* standing in for someone on time off */
    bool moved; /* the session's time differs from its group's */
} lead;

static int lead_cmp(const void *a, const void *b)
{
    const lead *x = a, *y = b;
    if (x->f != y->f)
        return x->f < y->f ? -1 : 1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->gi > y->gi) - (x->gi < y->gi);
}

/* One room in use by one dated session. */
typedef struct ruse {
    int room, date, start, end, gi;
    bool moved; /* time or room differs from its group's */
} ruse;

static int ruse_cmp(const void *a, const void *b)
{
    const ruse *x = a, *y = b;
    if (x->room != y->room)
        return x->room < y->room ? -1 : 1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->gi > y->gi) - (x->gi < y->gi);
}

/* A role of a session marked uncovered, judged once every lead is known. */
typedef struct uncov {
    int gi, s, pos, date, start, end, role;
} uncov;

/* A growable array of fixed-size elements. */
typedef struct vec {
    void *a;
    int n, cap;
} vec;

static void vec_push(ctx *c, vec *v, const void *x, size_t size)
{
    if (c->err)
        return;
    if (v->n == v->cap) {
        int ncap = v->cap ? v->cap * 2 : 64;
        void *na = realloc(v->a, (size_t)ncap * size);
        if (!na) {
            c->err = MODEL_ENOMEM;
            return;
        }
        v->a = na;
        v->cap = ncap;
    }
    memcpy((char *)v->a + (size_t)v->n * size, x, size);
    v->n++;
}

/* What the dated checks collect over every session. */
typedef struct dated {
    vec leads;  /* lead */
    vec rooms;  /* ruse */
    vec uncov;  /* uncov */
    int *run_len, *run_pos, *run_grp; /* per facilitator: consecutive covers */
} dated;

#define LEADS(d) ((lead *)(d)->leads.a)

/* A session's own time: its start and end when usable, else the group's. */
static void session_time(const ctx *c, int i, const model_sol_session *ss, int *start, int *end)
{
    const ginfo *gi = &c->gi[i];
    *start = ss->start >= 0 && ss->start < 24 * 60 ? ss->start : gi->start;
    *end = ss->end > *start ? ss->end : *start + gtype(c, gi)->duration_min;
}

/* Facilitators listed on a session (known, each once) into sf; reports
 * unknown and repeated ones.  Returns how many. */
static int session_leads(ctx *c, int i, const model_sol_session *ss, const char *ent, int sf[8])
{
    const char *id = sgid(c, i);
    char ds[11];
    date_str(ds, ss->date);
    int nsf = 0;
    for (int k = 0; k < ss->facilitators.n; k++) {
        const char *fid = ss->facilitators.items[k];
        int f = model_idmap_get(&c->facs, fid);
        if (f < 0) {
            V(6, "session", ent, "session of %s on %s lists %s, who is not a facilitator of the instance",
              id, ds, fid ? fid : "?");
            continue;
        }
        bool dup = false;
        for (int q = 0; q < nsf; q++)
            dup |= sf[q] == f;
        if (dup) {
            V(6, "session", ent, "session of %s on %s lists %s twice", id, ds, fid);
            continue;
        }
        if (nsf < 8)
            sf[nsf++] = f;
    }
    return nsf;
}

/* The session's room in use at its own time (in person, known room). */
static void record_room(ctx *c, int i, const model_sol_session *ss, int st, int en, dated *dt)
{
    const ginfo *gi = &c->gi[i];
    if (gtype(c, gi)->modality != MODEL_IN_PERSON || !ss->room)
        return;
    int r = model_idmap_get(&c->rooms, ss->room);
    if (r < 0)
        return;
    ruse u = {r, ss->date, st, en, i, st != gi->start || en != gi->end || r != gi->room};
    vec_push(c, &dt->rooms, &u, sizeof u);
}

/* Coverage of one session on a meeting date (rule 6).  pos is its index
 * among the group's sessions on open dates (-1 on a closed date).  Records
 * leads, room use, uncovered roles and, per coverer, the consecutive-cover
 * run. */
static void check_session_cover(ctx *c, int i, int s, int pos, dated *dt)
{
    const model_instance *inst = c->inst;
    const model_sol_session *ss = &c->sol->sessions[s];
    const ginfo *gi = &c->gi[i];
    const model_group_type *ty = gtype(c, gi);
    const char *id = sgid(c, i);
    char ds[11], ent[160], b1[32];
    date_str(ds, ss->date);
    snprintf(ent, sizeof ent, "%s@%s", id, ds);
    int st, en;
    session_time(c, i, ss, &st, &en);
    bool moved = st != gi->start || en != gi->end;
    record_room(c, i, ss, st, en, dt);
    int sf[8];
    int nsf = session_leads(c, i, ss, ent, sf);
    int absent[2], nabs = 0;
    for (int k = 0; k < 2; k++) {
        int r = gi->fac[k];
        if (r < 0)
            continue;
        bool off = model_facilitator_off(inst, r, ss->date);
        bool listed = false;
        for (int q = 0; q < nsf; q++)
            listed |= sf[q] == r;
        const char *rid = inst->facilitators[r].id;
        if (off) {
            absent[nabs++] = k;
            if (listed)
                V(6, "session", ent, "facilitator %s is on time off on %s but is listed as leading %s",
                  rid, ds, id);
        } else if (!listed) {
            V(6, "session", ent,
              "facilitator %s leads %s and is not on time off on %s, but is not listed on that session",
              rid, id, ds);
        }
    }
    int cov[8], ncov = 0;
    for (int q = 0; q < nsf; q++)
        if (!leads(gi, sf[q]))
            cov[ncov++] = sf[q];
        else
            vec_push(c, &dt->leads, &(lead){sf[q], ss->date, st, en, i, pos, false, moved}, sizeof(lead));
    if (nabs == 0) {
        for (int q = 0; q < ncov; q++)
            V(6, "session", ent,
              "session of %s on %s lists %s, who is not one of its facilitators, though nobody is on time off",
              id, ds, inst->facilitators[cov[q]].id);
        if (ss->uncovered)
            V(6, "session", ent,
              "session of %s on %s is marked uncovered though its facilitators are present", id, ds);
        if (ss->covered_by && ncov == 0)
            V(6, "session", ent, "session of %s on %s names covered_by %s though nobody is on time off",
              id, ds, ss->covered_by);
        return;
    }
    const char *absent_id = inst->facilitators[gi->fac[absent[0]]].id;
    if (ncov > nabs)
        V(6, "session", ent, "session of %s on %s lists %d stand-ins for %d absent facilitator(s)",
          id, ds, ncov, nabs);
    int used = ncov < nabs ? ncov : nabs;
    if (used < nabs && !ss->uncovered)
        V(6, "session", ent,
          "facilitator %s of %s is on time off on %s; the session is neither covered nor marked uncovered",
          inst->facilitators[gi->fac[absent[used]]].id, id, ds);
    if (used == nabs && ss->uncovered)
        V(6, "session", ent, "session of %s on %s is marked uncovered but %s covers it", id, ds,
          inst->facilitators[cov[0]].id);
    if (used > 0) {
        bool named = false;
        for (int q = 0; q < used; q++)
            named |= ss->covered_by && strcmp(ss->covered_by, inst->facilitators[cov[q]].id) == 0;
        if (!ss->covered_by)
            V(6, "session", ent, "session of %s on %s is led by %s in place of %s but covered_by is missing",
              id, ds, inst->facilitators[cov[0]].id, absent_id);
        else if (!named)
            V(6, "session", ent, "session of %s on %s names covered_by %s, who does not lead it", id,
              ds, ss->covered_by);
    } else if (ss->covered_by) {
        V(6, "session", ent, "session of %s on %s names covered_by %s, who does not lead it", id, ds,
          ss->covered_by);
    }
    /* Which absent role each stand-in fills: in list order (primary first),
     * unless another assignment lets every stand-in hold its role's
     * credentials (e.g. one stand-in for the co-facilitator while the
     * primary's session is uncovered). */
    int role_of[8];
    for (int q = 0; q < ncov; q++)
        role_of[q] = q < used ? absent[q] : -1;
    if (nabs == 2 && used >= 1) {
        const model_strlist *need[2] = {&ty->required_credentials, &ty->cofacilitator_credentials};
        bool ok_as[2][2]; /* ok_as[q][role] */
        for (int q = 0; q < used; q++)
            for (int k = 0; k < 2; k++)
                ok_as[q][k] = model_facilitator_holds(&inst->facilitators[cov[q]], need[k]);
        if (used == 1 && !ok_as[0][0] && ok_as[0][1])
            role_of[0] = 1;
        if (used == 2 && !(ok_as[0][0] && ok_as[1][1]) && ok_as[0][1] && ok_as[1][0]) {
            role_of[0] = 1;
            role_of[1] = 0;
        }
    }
    if (ss->uncovered)
        for (int x = 0; x < nabs; x++) {
            bool filled = false;
            for (int q = 0; q < used; q++)
                filled |= role_of[q] == absent[x];
            if (!filled)
                vec_push(c, &dt->uncov,
                         &(uncov){i, s, pos, ss->date, st, en, absent[x]}, sizeof(uncov));
        }
    for (int q = 0; q < ncov; q++) {
        int f = cov[q];
        const model_facilitator *fa = &inst->facilitators[f];
        vec_push(c, &dt->leads, &(lead){f, ss->date, st, en, i, pos, true, moved}, sizeof(lead));
        if (role_of[q] >= 0) {
            int role = role_of[q];
            const model_strlist *need = role == 0 ? &ty->required_credentials
                                                  : &ty->cofacilitator_credentials;
            if (!model_facilitator_holds(fa, need)) {
                char miss[256];
                missing_creds(fa, need, miss, sizeof miss);
                V(6, "facilitator", fa->id,
                  "%s covers %s on %s for %s (%s) but lacks credential(s) %s", fa->id, id, ds,
                  inst->facilitators[gi->fac[role]].id, role == 0 ? "primary" : "co-facilitator",
                  miss);
            }
        }
        if (model_facilitator_off(inst, f, ss->date))
            V(6, "facilitator", fa->id, "%s covers %s on %s but is on time off that day", fa->id,
              id, ds);
        int wd = model_date_weekday(ss->date);
        if (!model_windows_fit(fa->available, fa->n_available, wd, st, en - st))
            V(6, "facilitator", fa->id, "%s covers %s on %s but is not available at %s", fa->id,
              id, ds, slot_str(b1, wd, st, en));
        /* Consecutive covers of this group by the same person (sessions
         * on closed dates aside). */
        if (pos < 0)
            continue;
        int *run_len = dt->run_len, *run_pos = dt->run_pos, *run_grp = dt->run_grp;
        if (run_grp[f] == i && run_pos[f] == pos - 1)
            run_len[f]++;
        else
            run_len[f] = 1;
        run_grp[f] = i;
        run_pos[f] = pos;
        if (run_len[f] == inst->settings.max_consecutive_cover + 1)
            V(6, "facilitator", fa->id,
              "%s covers more than %d consecutive sessions of %s (max_consecutive_cover), through %s",
              fa->id, inst->settings.max_consecutive_cover, id, ds);
    }
}

/* Dates a group meets on over the horizon, closed ones included, into
 * dates (at most W); open[e] = index of dates[e] among the open ones, or -1
 * when closed.  Returns how many. */
static int meeting_dates(const ctx *c, int i, int *dates, int *open)
{
    const model_instance *inst = c->inst;
    const ginfo *gi = &c->gi[i];
    int n = 0, k = 0;
    for (int w = 0; w < inst->program.horizon_weeks; w++) {
        if (!model_meets_in_week(gtype(c, gi)->cadence, gi->parity, w))
            continue;
        dates[n] = inst->program.horizon_start + 7 * w + gi->day;
        open[n] = model_date_closed(inst, dates[n]) ? -1 : k++;
        n++;
    }
    return n;
}

static void check_group_sessions(ctx *c, int i, const sref *blk, int nb, dated *dt, int *dates,
                                 int *open, char *seen)
{
    const model_instance *inst = c->inst;
    const ginfo *gi = &c->gi[i];
    const model_sol_group *sg = &c->sol->groups[i];
    const model_group_type *ty = gtype(c, gi);
    const char *id = sgid(c, i);
    int ne = meeting_dates(c, i, dates, open);
    memset(seen, 0, (size_t)(ne > 0 ? ne : 1));
    char bad[200] = "", mism[200] = "";
    int nbad = 0, nmism = 0;
    for (int k = 0; k < nb; k++) {
        const model_sol_session *ss = &c->sol->sessions[blk[k].s];
        char ds[11], ent[160];
        date_str(ds, ss->date);
        snprintf(ent, sizeof ent, "%s@%s", id, ds);
        /* Reported, and the session's other checks still run. */
        if (model_date_closed(inst, ss->date))
            V(10, "session", ent, "group %s has a session on %s, a closed date", id, ds);
        int e = -1;
        for (int x = 0; x < ne && e < 0; x++)
            if (dates[x] == ss->date)
                e = x;
        if (e < 0) {
            nbad++;
            list_add(bad, sizeof bad, ds);
            continue;
        }
        if (seen[e]) {
            V(6, "session", ent, "group %s has its session of %s listed twice", id, ds);
            continue;
        }
        seen[e] = 1;
        bool room_ok = ty->modality != MODEL_IN_PERSON ||
                       (ss->room && sg->room && strcmp(ss->room, sg->room) == 0);
        if (ss->start != sg->start || ss->end != sg->end || !room_ok) {
            nmism++;
            list_add(mism, sizeof mism, ds);
        }
        check_session_cover(c, i, blk[k].s, open[e], dt);
    }
    if (nbad)
        V(6, "group", id,
          "%d session(s) of %s fall on dates it does not meet (%s); it meets %s, %s%s", nbad, id,
          bad, model_day_name(gi->day), model_cadence_name(ty->cadence),
          ty->cadence == MODEL_BIWEEKLY ? (gi->parity ? " in odd horizon weeks"
                                                      : " in even horizon weeks (from week 1)")
                                        : "");
    if (nmism)
        V(2, "group", id,
          "%d session(s) of %s (%s) differ from the group's start, end or room", nmism, id, mism);
    char miss[200] = "";
    int nmiss = 0;
    int nopen = 0;
    for (int e = 0; e < ne; e++)
        nopen += open[e] >= 0;
    for (int e = 0; e < ne; e++)
        if (!seen[e] && open[e] >= 0) {
            char ds[11];
            nmiss++;
            list_add(miss, sizeof miss, date_str(ds, dates[e]));
        }
    if (nmiss)
        V(6, "group", id,
          "%d of the %d sessions of %s are missing from sessions[] (%s); sessions are never dropped",
          nmiss, nopen, id, miss);
}

/* Overlapping leads of one facilitator on one date, at the sessions' own
 * times: a cover clashing with anything is rule 6; two regular sessions
 * clashing only because one was moved is rule 4 (the weekly template's
 * clashes are reported by check_pairs). */
static void check_lead_pair(ctx *c, const lead *u, const lead *v)
{
    int mb = c->inst->settings.min_break_min;
    if (!(u->cover || v->cover || u->moved || v->moved) ||
        !overlaps(u->start, u->end, v->start, v->end, mb))
        return;
    const char *fid = c->inst->facilitators[u->f].id;
    char ds[11], b1[32], b2[32];
    date_str(ds, u->date);
    int wd = model_date_weekday(u->date);
    const char *tight = overlaps(u->start, u->end, v->start, v->end, 0) ? "" : " (min_break_min)";
    if (!u->cover && !v->cover) {
        V(4, "facilitator", fid, "facilitator %s leads %s (%s) and %s (%s) at overlapping times on %s%s",
          fid, sgid(c, u->gi), slot_str(b1, wd, u->start, u->end), sgid(c, v->gi),
          slot_str(b2, wd, v->start, v->end), ds, tight);
        return;
    }
    const lead *cv = u->cover ? u : v, *ot = u->cover ? v : u;
    V(6, "facilitator", fid, "%s covers %s on %s (%s) while %s %s (%s) at an overlapping time%s",
      fid, sgid(c, cv->gi), ds, slot_str(b1, wd, cv->start, cv->end),
      ot->cover ? "also covering" : "leading", sgid(c, ot->gi),
      slot_str(b2, wd, ot->start, ot->end), tight);
}

static int week_of(const model_instance *inst, int date)
{
    return (int)floor((date - inst->program.horizon_start) / 7.0);
}

/* Dated checks per facilitator: caps (rule 4, or rule 6 when covers take
 * part) and clashes (check_lead_pair).  Leaves the leads sorted by
 * facilitator, date and start. */
static void check_dated_leads(ctx *c, dated *dt)
{
    const model_instance *inst = c->inst;
    lead *ld = LEADS(dt);
    int n = dt->leads.n;
    if (n == 0)
        return;
    qsort(ld, (size_t)n, sizeof *ld, lead_cmp);
    for (int a = 0; a < n;) {
        int f = ld[a].f, b = a;
        while (b < n && ld[b].f == f)
            b++;
        const char *fid = inst->facilitators[f].id;
        int capd = model_facilitator_max_per_day(inst, f);
        int capw = model_facilitator_max_per_week(inst, f);
        /* Per date. */
        for (int x = a; x < b;) {
            int y = x, ncover = 0;
            while (y < b && ld[y].date == ld[x].date)
                ncover += ld[y++].cover;
            char ds[11];
            date_str(ds, ld[x].date);
            if (y - x > capd && (ncover > 0 || !c->tflag_day[f * 7 + model_date_weekday(ld[x].date)])) {
                char names[256] = "";
                for (int k = x; k < y; k++)
                    list_add(names, sizeof names, sgid(c, ld[k].gi));
                V(ncover ? 6 : 4, "facilitator", fid,
                  "facilitator %s leads %d sessions on %s (%s%s); max_per_day is %d", fid, y - x,
                  ds, names, ncover ? ", including covers" : "", capd);
            }
            for (int p = x; p < y; p++)
                for (int q = p + 1; q < y; q++)
                    check_lead_pair(c, &ld[p], &ld[q]);
            x = y;
        }
        /* Per horizon week. */
        for (int x = a; x < b;) {
            int wk = week_of(inst, ld[x].date);
            int y = x, ncover = 0;
            while (y < b && week_of(inst, ld[y].date) == wk)
                ncover += ld[y++].cover;
            if (y - x > capw && (ncover > 0 || !c->tflag_week[f])) {
                char ds[11];
                V(ncover ? 6 : 4, "facilitator", fid,
                  "facilitator %s leads %d sessions in week %d (from %s%s); max_per_week is %d",
                  fid, y - x, wk + 1, date_str(ds, inst->program.horizon_start + 7 * wk),
                  ncover ? ", including covers" : "", capw);
            }
            x = y;
        }
        a = b;
    }
}

/* Rule 2 on dates: a room hosting two sessions at overlapping own times,
 * where one of them was moved (time or room) from its group's template
 * (template clashes are reported by check_pairs). */
static void check_dated_rooms(ctx *c, dated *dt)
{
    ruse *ru = dt->rooms.a;
    int n = dt->rooms.n;
    if (n == 0)
        return;
    qsort(ru, (size_t)n, sizeof *ru, ruse_cmp);
    for (int x = 0; x < n; x++)
        for (int y = x + 1; y < n && ru[y].room == ru[x].room && ru[y].date == ru[x].date; y++) {
            const ruse *u = &ru[x], *v = &ru[y];
            if (!(u->moved || v->moved) || !overlaps(u->start, u->end, v->start, v->end, 0))
                continue;
            char ds[11], b1[32], b2[32];
            int wd = model_date_weekday(u->date);
            const char *rid = c->inst->rooms[u->room].id;
            V(2, "room", rid, "room %s hosts %s (%s) and %s (%s) at overlapping times on %s", rid,
              sgid(c, u->gi), slot_str(b1, wd, u->start, u->end), sgid(c, v->gi),
              slot_str(b2, wd, v->start, v->end), date_str(ds, u->date));
        }
}

/* True when f covers session pos of group gi (leads of f are ld[a..b)). */
static bool covers_at(const lead *ld, int a, int b, int gi, int pos)
{
    for (int k = a; k < b; k++)
        if (ld[k].cover && ld[k].gi == gi && ld[k].pos == pos)
            return true;
    return false;
}

/* Could f have taken role u->role of the uncovered session u (rule 6):
 * not one of the group's facilitators nor listed on it, credentialed for
 * the role, not on time off, available at the session's time, leading
 * nothing then (min_break_min), within max_per_day and max_per_week
 * counting what f leads and covers, and not making more than
 * max_consecutive_cover consecutive covers of the group? */
static bool could_cover(const ctx *c, const dated *dt, const uncov *u, int f)
{
    const model_instance *inst = c->inst;
    const ginfo *gi = &c->gi[u->gi];
    const model_group_type *ty = gtype(c, gi);
    const model_facilitator *fa = &inst->facilitators[f];
    const model_sol_session *ss = &c->sol->sessions[u->s];
    if (leads(gi, f) || model_strlist_find(&ss->facilitators, fa->id) >= 0 ||
        model_facilitator_off(inst, f, u->date) ||
        !model_facilitator_holds(fa, u->role == 0 ? &ty->required_credentials
                                                  : &ty->cofacilitator_credentials) ||
        !model_windows_fit(fa->available, fa->n_available, model_date_weekday(u->date), u->start,
                           u->end - u->start))
        return false;
    const lead *ld = LEADS(dt);
    int a = 0, n = dt->leads.n, wk = week_of(inst, u->date);
    for (int hi = n; a < hi;) { /* first lead of f (sorted by facilitator) */
        int mid = a + (hi - a) / 2;
        if (ld[mid].f < f)
            a = mid + 1;
        else
            hi = mid;
    }
    int b = a, nday = 0, nweek = 0;
    for (; b < n && ld[b].f == f; b++) {
        if (ld[b].date == u->date) {
            nday++;
            if (overlaps(u->start, u->end, ld[b].start, ld[b].end, inst->settings.min_break_min))
                return false;
        }
        nweek += week_of(inst, ld[b].date) == wk;
    }
    if (nday + 1 > model_facilitator_max_per_day(inst, f) ||
        nweek + 1 > model_facilitator_max_per_week(inst, f))
        return false;
    if (u->pos < 0)
        return true;
    int run = 1;
    for (int p = u->pos - 1; p >= 0 && covers_at(ld, a, b, u->gi, p); p--)
        run++;
    for (int p = u->pos + 1; covers_at(ld, a, b, u->gi, p); p++)
        run++;
    return run <= inst->settings.max_consecutive_cover;
}

/* Rule 6: a session may be marked uncovered only when no one could cover
 * it: the substitute first, then every other facilitator. */
static void check_uncovered(ctx *c, const dated *dt)
{
    const model_instance *inst = c->inst;
    const uncov *un = dt->uncov.a;
    for (int k = 0; k < dt->uncov.n; k++) {
        const uncov *u = &un[k];
        const ginfo *gi = &c->gi[u->gi];
        int who = gi->sub >= 0 && could_cover(c, dt, u, gi->sub) ? gi->sub : -1;
        for (int f = 0; f < inst->n_facilitators && who < 0; f++)
            if (could_cover(c, dt, u, f))
                who = f;
        if (who < 0)
            continue;
        char ds[11], ent[160];
        const char *id = sgid(c, u->gi);
        snprintf(ent, sizeof ent, "%s@%s", id, date_str(ds, u->date));
        V(6, "session", ent,
          "session of %s on %s is marked uncovered, but %s (%s) could cover the %s: credentialed, available, free and within caps",
          id, ds, inst->facilitators[who].id, who == gi->sub ? "its substitute" : "not its substitute",
          u->role == 0 ? "primary facilitator" : "co-facilitator");
    }
}

void chk_sessions(ctx *c)
{
    const model_instance *inst = c->inst;
    const model_solution *sol = c->sol;
    int ns = sol->n_sessions, nf = inst->n_facilitators, W = inst->program.horizon_weeks;
    sref *refs = malloc((size_t)(ns > 0 ? ns : 1) * sizeof *refs);
    int *run = malloc((size_t)(nf > 0 ? nf : 1) * 3 * sizeof *run);
    int *dates = malloc((size_t)(W > 0 ? W : 1) * 2 * sizeof *dates);
    char *seen = malloc((size_t)(W > 0 ? W : 1));
    dated dt;
    memset(&dt, 0, sizeof dt);
    if (!refs || !run || !dates || !seen) {
        c->err = MODEL_ENOMEM;
        goto out;
    }
    for (int f = 0; f < nf * 3; f++)
        run[f] = -2;
    dt.run_len = run;
    dt.run_pos = run + nf;
    dt.run_grp = run + 2 * nf;
    int nr = 0;
    for (int s = 0; s < ns; s++) {
        const model_sol_session *ss = &sol->sessions[s];
        char ds[11], ent[160];
        date_str(ds, ss->date);
        snprintf(ent, sizeof ent, "%s@%s", ss->group ? ss->group : "?", ds);
        int i = model_idmap_get(&c->solgroups, ss->group);
        if (i < 0) {
            if (model_idmap_get(&c->groups, ss->group) >= 0)
                V(1, "session", ent, "group %s has a session on %s but is not in the solution's groups",
                  ss->group, ds);
            else
                V(6, "session", ent, "session on %s names group %s, which the instance does not offer",
                  ds, ss->group ? ss->group : "(none)");
            continue;
        }
        if (!sol->groups[i].running) {
            V(1, "session", ent, "group %s is not running but has a session on %s", ss->group, ds);
            continue;
        }
        if (!c->gi[i].valid)
            continue; /* unknown group: already reported */
        if (!timed(&c->gi[i]) && model_date_closed(inst, ss->date)) {
            V(10, "session", ent, "group %s has a session on %s, a closed date", ss->group, ds);
            continue;
        }
        refs[nr++] = (sref){i, ss->date, s};
    }
    qsort(refs, (size_t)nr, sizeof *refs, sref_cmp);
    int k = 0;
    for (int i = 0; i < sol->n_groups; i++) {
        if (!c->gi[i].valid)
            continue;
        int b = k;
        while (b < nr && refs[b].gi == i)
            b++;
        if (timed(&c->gi[i]))
            check_group_sessions(c, i, refs + k, b - k, &dt, dates, dates + (W > 0 ? W : 1), seen);
        k = b;
    }
    if (!c->err)
        check_dated_leads(c, &dt);
    if (!c->err)
        check_dated_rooms(c, &dt);
    if (!c->err)
        check_uncovered(c, &dt);
out:
    free(refs);
    free(run);
    free(dates);
    free(seen);
    free(dt.leads.a);
    free(dt.rooms.a);
    free(dt.uncov.a);
}

