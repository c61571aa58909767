/* diagnose.c - fast pre-checks that name why a program cannot be planned,
 * in the program's own words (group, type, credential, room, facilitator). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sv.h"

/* Add a formatted line unless it is already there: MODEL_OK or
 * MODEL_ENOMEM. */
#define addf(out, ...) model_strlist_pushf((out), true, __VA_ARGS__)

static void join(const model_strlist *l, char *buf, size_t n, const char *empty)
{
    size_t u = 0;
    buf[0] = 0;
    for (int i = 0; i < l->n && u + 2 < n; i++)
        u += (size_t)snprintf(buf + u, n - u, "%s%s", i ? ", " : "", l->items[i]);
    if (l->n == 0)
        snprintf(buf, n, "%s", empty);
}

/* Facilitators holding every credential of the list. */
static int holders(const model_instance *inst, const model_strlist *creds, int *out)
{
    int n = 0;
    for (int f = 0; f < inst->n_facilitators; f++)
        if (model_facilitator_holds(&inst->facilitators[f], creds)) {
            if (out)
                out[n] = f;
            n++;
        }
    return n;
}

static int room_ok(const model_room *r, const model_group_type *ty)
{
    if (r->capacity < ty->max_size)
        return 0;
    for (int q = 0; q < ty->room_features.n; q++)
        if (model_strlist_find(&r->features, ty->room_features.items[q]) < 0)
            return 0;
    return 1;
}

static int slot_in_program(const model_instance *inst, int s)
{
    for (int i = 0; i < inst->program.n_slot_starts; i++)
        if (inst->program.slot_starts[i] == s)
            return 1;
    return 0;
}

/* Explain why must-run group g has no candidate placement. */
static int explain_no_candidate(const sv_prob *pr, int g, model_strlist *out)
{
    const model_instance *inst = pr->inst;
    const sv_group *G = &pr->g[g];
    const model_group *mg = &inst->groups[g];
    const model_group_type *ty = &inst->types[G->type];
    const model_pinned *pin = &mg->pinned;
    const char *gid = mg->id;
    char creds[256], ccreds[256], feats[256];
    join(&ty->required_credentials, creds, sizeof creds, "no credential");
    join(&ty->cofacilitator_credentials, ccreds, sizeof ccreds, "no credential");
    join(&ty->room_features, feats, sizeof feats, "");
    int n0 = out->n;
    char tb[6];
    if (pin->has_day && !(inst->program.days_mask & (1 << pin->day)))
        addf(out, "group %s is pinned to %s, which is not a program day", gid,
             model_day_name(pin->day));
    if (pin->has_start && !slot_in_program(inst, pin->start)) {
        model_time_format(pin->start, tb);
        addf(out, "group %s is pinned to start at %s, which is not one of the program's slot "
                  "starts",
             gid, tb);
    }
    if (pin->facilitators.n > 1 && !ty->cofacilitation)
        addf(out, "group %s pins two facilitators but type %s has no co-facilitation", gid,
             ty->id);
    for (int k = 0; k < pin->facilitators.n && k < 2; k++) {
        int f = G->fixed_pin_f[k];
        if (f < 0) {
            addf(out, "group %s is pinned to unknown facilitator %s", gid,
                 pin->facilitators.items[k]);
            continue;
        }
        const model_strlist *need = k == 0 ? &ty->required_credentials
                                           : &ty->cofacilitator_credentials;
        if (!model_facilitator_holds(&inst->facilitators[f], need))
            addf(out, "group %s is pinned to %s as %s, who does not hold %s", gid,
                 inst->facilitators[f].id, k == 0 ? "facilitator" : "co-facilitator",
                 k == 0 ? creds : ccreds);
    }
    if (pin->substitute) {
        int f = G->fixed_pin_sub;
        if (f < 0)
            addf(out, "group %s is pinned to unknown substitute %s", gid, pin->substitute);
        else if (!model_facilitator_holds(&inst->facilitators[f], &ty->required_credentials))
            addf(out, "group %s's pinned substitute %s does not hold %s", gid,
                 inst->facilitators[f].id, creds);
        else if (f == G->fixed_pin_f[0] || f == G->fixed_pin_f[1])
            addf(out, "group %s's pinned substitute %s is also one of its facilitators", gid,
                 inst->facilitators[f].id);
    }
    if (pin->room) {
        int r = G->fixed_pin_room;
        if (r < 0)
            addf(out, "group %s is pinned to unknown room %s", gid, pin->room);
        else if (!G->inperson)
            addf(out, "group %s is pinned to room %s but type %s meets by telehealth", gid,
                 pin->room, ty->id);
        else if (inst->rooms[r].capacity < ty->max_size)
            addf(out, "group %s is pinned to room %s with capacity %d, below max_size %d", gid,
                 pin->room, inst->rooms[r].capacity, ty->max_size);
        else if (!room_ok(&inst->rooms[r], ty))
            addf(out, "group %s is pinned to room %s, which lacks feature(s) %s", gid, pin->room,
                 feats);
    }
    if (out->n > n0)
        return 0;
    if (G->pruned > 0) {
        addf(out, "group %s needs %d more members to reach min_size %d, but at most %d eligible "
                  "waitlisted patient%s (screened, insurance verified, matching %s) fit%s any "
                  "one of its possible times",
             gid, ty->min_size - G->held, ty->min_size, G->pruned_best,
             G->pruned_best == 1 ? "" : "s", ty->name && ty->name[0] ? ty->name : ty->id,
             G->pruned_best == 1 ? "s" : "");
        return 0;
    }
    int nf = inst->n_facilitators;
    int *hp = malloc(sizeof(int) * (size_t)(nf + 1));
    int *hc = malloc(sizeof(int) * (size_t)(nf + 1));
    if (!hp || !hc) {
        free(hp);
        free(hc);
        return -1;
    }
    int np_ = holders(inst, &ty->required_credentials, hp);
    int nc_ = ty->cofacilitation ? holders(inst, &ty->cofacilitator_credentials, hc) : 0;
    int uni = np_;
    if (ty->cofacilitation)
        for (int i = 0; i < nc_; i++) {
            int dup = 0;
            for (int j = 0; j < np_; j++)
                dup |= hc[i] == hp[j];
            uni += !dup;
        }
    if (np_ == 0)
        addf(out, "group %s needs a facilitator holding %s but no facilitator holds %s", gid,
             creds, ty->required_credentials.n > 1 ? "them all" : "it");
    else if (ty->cofacilitation && nc_ == 0)
        addf(out, "group %s needs a co-facilitator holding %s but no facilitator holds %s", gid,
             ccreds, ty->cofacilitator_credentials.n > 1 ? "them all" : "it");
    else if (ty->cofacilitation && uni < 2)
        addf(out, "group %s needs co-facilitation but only one facilitator holds %s (%s)", gid,
             ty->cofacilitator_credentials.n ? ccreds : creds, inst->facilitators[hp[0]].id);
    else if (np_ < 2 || (ty->cofacilitation && uni < 3))
        addf(out, "group %s needs a substitute holding %s besides its facilitator%s, but only %d "
                  "facilitator%s hold%s %s",
             gid, creds, ty->cofacilitation ? "s" : "", np_, np_ == 1 ? "" : "s",
             np_ == 1 ? "s" : "", creds);
    free(hp);
    free(hc);
    if (out->n > n0)
        return 0;
    if (G->inperson) {
        int any = 0;
        for (int r = 0; r < inst->n_rooms; r++)
            any |= room_ok(&inst->rooms[r], ty);
        if (!any) {
            if (ty->room_features.n)
                addf(out, "no room with capacity >= %d and feature%s %s (needed by group %s)",
                     ty->max_size, ty->room_features.n > 1 ? "s" : "", feats, gid);
            else
                addf(out, "no room with capacity >= %d (needed by group %s)", ty->max_size, gid);
            return 0;
        }
    }
    /* every resource exists, but never together: find which is missing */
    int slots = 0, with_room = 0, with_prim = 0, with_co = 0, with_sub = 0;
    for (int d = 0; d < 7; d++) {
        if (!(inst->program.days_mask & (1 << d)) || (pin->has_day && pin->day != d))
            continue;
        for (int k = 0; k < inst->program.n_slot_starts; k++) {
            int s = inst->program.slot_starts[k];
            if ((pin->has_start && pin->start != s) || s + G->dur > 24 * 60)
                continue;
            slots++;
            int r_ok = !G->inperson, p_ok = 0, c_ok = !ty->cofacilitation, s_ok = 0;
            for (int r = 0; r < inst->n_rooms && !r_ok; r++) {
                const model_room *ro = &inst->rooms[r];
                if ((G->fixed_pin_room < 0 || G->fixed_pin_room == r) && room_ok(ro, ty) &&
                    model_windows_fit(ro->available, ro->n_available, d, s, G->dur))
                    r_ok = 1;
            }
            int avail = 0;
            for (int f = 0; f < nf; f++) {
                const model_facilitator *fa = &inst->facilitators[f];
                if (!model_windows_fit(fa->available, fa->n_available, d, s, G->dur))
                    continue;
                int req = model_facilitator_holds(fa, &ty->required_credentials);
                if (req && (G->fixed_pin_f[0] < 0 || G->fixed_pin_f[0] == f))
                    p_ok = 1;
                if (ty->cofacilitation &&
                    model_facilitator_holds(fa, &ty->cofacilitator_credentials) &&
                    (G->fixed_pin_f[1] < 0 || G->fixed_pin_f[1] == f))
                    c_ok = 1;
                if (req && (G->fixed_pin_sub < 0 || G->fixed_pin_sub == f))
                    s_ok = 1;
                avail += req;
            }
            with_room += r_ok;
            with_prim += p_ok;
            with_co += c_ok;
            with_sub += s_ok && avail >= 2;
        }
    }
    if (slots == 0)
        addf(out, "group %s has no start time: no slot start on a program day%s leaves room for "
                  "its %d minutes",
             gid, pin->has_day || pin->has_start ? " matching its pins" : "", G->dur);
    else if (with_room == 0)
        addf(out, "group %s: no room with capacity >= %d%s%s is available for a whole session at "
                  "any program day and start",
             gid, ty->max_size, ty->room_features.n ? " and features " : "", feats);
    else if (with_prim == 0)
        addf(out, "group %s: no facilitator holding %s is available for a whole session at any "
                  "program day and start",
             gid, creds);
    else if (with_co == 0)
        addf(out, "group %s: no co-facilitator holding %s is available for a whole session at "
                  "any program day and start",
             gid, ccreds);
    else if (with_sub == 0)
        addf(out, "group %s: no start time has both a facilitator and a substitute holding %s "
                  "available",
             gid, creds);
    else
        addf(out, "group %s has no start time at which a room, its facilitator%s and a "
                  "substitute are all available",
             gid, ty->cofacilitation ? "s" : "");
    return 0;
}

/* Waitlisted patients who could join group g for all that its patients
 * decide, whatever facilitators and rooms allow: placeable (screened,
 * insurance verified), eligible for its type (and age band) and free at one
 * of its own times (a program day and slot start within its pins).  This is
 * counted before any other cause removes times, so a line built on it holds
 * on its own.  With mark, each one counted is marked there (and counted
 * only when not marked already). */
static int free_patients(const sv_prob *pr, int g, char *mark)
{
    const model_instance *inst = pr->inst;
    const sv_group *G = &pr->g[g];
    const model_pinned *pin = &inst->groups[g].pinned;
    int n = 0;
    for (int p = 0; p < pr->np; p++) {
        const model_patient *pa = &inst->patients[p];
        if (!pr->placeable[p] || !pr->elig_type[(size_t)p * pr->nt + G->type] ||
            (mark && mark[p]))
            continue;
        if (G->age_lo >= 0 && (pa->age < G->age_lo || pa->age > G->age_hi))
            continue;
        int fits = 0;
        for (int d = 0; d < 7 && !fits; d++) {
            if (!(inst->program.days_mask & (1 << d)) || (pin->has_day && pin->day != d))
                continue;
            for (int k = 0; k < inst->program.n_slot_starts && !fits; k++) {
                int st = inst->program.slot_starts[k];
                if ((!pin->has_start || pin->start == st) && st + G->dur <= 24 * 60)
                    fits = model_windows_fit(pa->available, pa->n_available, d, st, G->dur);
            }
        }
        if (fits) {
            n++;
            if (mark)
                mark[p] = 1;
        }
    }
    return n;
}

/* The min_size line of must-run group g needing `need` new members, when
 * it holds on its own: fewer eligible waitlisted patients are free at any
 * of its own times than it needs (not merely at the times other causes
 * left).  MODEL_OK or MODEL_ENOMEM. */
static int min_size_line(const sv_prob *pr, int g, int need, model_strlist *diag)
{
    const model_instance *inst = pr->inst;
    const sv_group *G = &pr->g[g];
    const model_group_type *ty = &inst->types[G->type];
    if (G->n_cand == 0 && G->pruned > 0)
        return MODEL_OK; /* explain_no_candidate said it, over its usable times */
    int n = free_patients(pr, g, NULL);
    if (n >= need)
        return MODEL_OK;
    const model_pinned *pin = &inst->groups[g].pinned;
    return addf(diag, "group %s needs at least %d members (min_size) but has %d continuing "
                      "members and only %d eligible waitlisted patient%s free at any of its "
                      "%s",
                inst->groups[g].id, ty->min_size, G->held, n, n == 1 ? "" : "s",
                pin->has_day || pin->has_start ? "pinned times" : "possible times");
}

int sv_precheck(const sv_prob *pr, model_strlist *diag, double deadline)
{
    const model_instance *inst = pr->inst;
    int n0 = diag->n;
    for (int g = 0; g < pr->ng; g++) {
        const sv_group *G = &pr->g[g];
        if (!G->must)
            continue;
        const model_group_type *ty = &inst->types[G->type];
        const char *gid = inst->groups[g].id;
        if (G->held > ty->max_size)
            addf(diag, "group %s has %d continuing members, more than its max_size %d", gid,
                 G->held, ty->max_size);
        if (G->n_cand == 0 && explain_no_candidate(pr, g, diag) < 0)
            return -1;
        int need = ty->min_size - G->held;
        int can = sv_new_seats(G);
        if (need > 0 && can < need && G->max_new < SV_INF_INT)
            addf(diag, "group %s needs %d more members to reach min_size %d, but max_new_share "
                       "%.0f%% with %d continuing members allows only %d new",
                 gid, need, ty->min_size, 100 * ty->composition.max_new_share, G->held,
                 can > 0 ? can : 0);
        else if (need > 0 && pr->n_gpat[g] < need && min_size_line(pr, g, need, diag))
            return -1;
        if (sv_now() > deadline)
            return diag->n - n0;
    }
    /* per type: must-run groups' combined minimum need vs distinct eligible patients */
    for (int t = 0; t < pr->nt; t++) {
        int need = 0, ngr = 0;
        char *seen = calloc((size_t)pr->np + 1, 1);
        if (!seen)
            return -1;
        int distinct = 0;
        for (int g = 0; g < pr->ng; g++) {
            const sv_group *G = &pr->g[g];
            if (!G->must || G->type != t)
                continue;
            int nd = inst->types[t].min_size - G->held;
            if (nd > 0) {
                need += nd;
                ngr++;
                for (int i = 0; i < pr->n_gpat[g]; i++)
                    if (!seen[pr->gpat[g][i]]++)
                        distinct++;
            }
        }
        if (ngr > 1 && need > distinct) {
            /* recount over the groups' own times, before other causes */
            memset(seen, 0, (size_t)pr->np + 1);
            distinct = 0;
            for (int g = 0; g < pr->ng; g++)
                if (pr->g[g].must && pr->g[g].type == t &&
                    inst->types[t].min_size > pr->g[g].held)
                    distinct += free_patients(pr, g, seen);
        }
        free(seen);
        if (ngr > 1 && need > distinct)
            addf(diag, "the %d must-run %s groups need %d new members in all to reach min_size, "
                       "but only %d eligible waitlisted patients are free at any of their times",
                 ngr, inst->types[t].id, need, distinct);
        if (sv_now() > deadline)
            return diag->n - n0;
    }
    /* credential capacity over the week */
    for (int g = 0; g < pr->ng; g++) {
        const sv_group *G = &pr->g[g];
        if (sv_now() > deadline)
            return diag->n - n0;
        if (!G->must)
            continue;
        const model_group_type *ty = &inst->types[G->type];
        for (int role = 0; role < 1 + ty->cofacilitation; role++) {
            const model_strlist *K = role == 0 ? &ty->required_credentials
                                               : &ty->cofacilitator_credentials;
            /* count must-run roles whose requirement includes every credential of K */
            double demand = 0;
            for (int h = 0; h < pr->ng; h++) {
                const sv_group *H = &pr->g[h];
                if (!H->must)
                    continue;
                const model_group_type *tb = &inst->types[H->type];
                double wgt = tb->cadence == MODEL_BIWEEKLY && pr->nparity == 2 ? 0.5 : 1.0;
                int r0 = 1, r1 = tb->cofacilitation;
                for (int q = 0; q < K->n; q++) {
                    r0 &= model_strlist_find(&tb->required_credentials, K->items[q]) >= 0;
                    r1 &= model_strlist_find(&tb->cofacilitator_credentials, K->items[q]) >= 0;
                }
                if (K->n == 0)
                    r0 = 1, r1 = tb->cofacilitation;
                demand += wgt * (r0 + r1);
            }
            double supply = 0;
            int nh = 0;
            for (int f = 0; f < pr->nf; f++)
                if (model_facilitator_holds(&inst->facilitators[f], K)) {
                    supply += pr->maxweek[f];
                    nh++;
                }
            if (demand > supply + 1e-9 && nh > 0) {
                char creds[256];
                join(K, creds, sizeof creds, "");
                if (K->n)
                    addf(diag, "must-run groups need %.0f facilitator places a week holding %s, "
                               "but the %d facilitator%s holding it can lead at most %.0f",
                         demand, creds, nh, nh == 1 ? "" : "s", supply);
                else
                    addf(diag, "must-run groups need %.0f facilitator places a week, but the %d "
                               "facilitators can lead at most %.0f",
                         demand, nh, supply);
            }
        }
    }
    /* pinned clashes between must-run groups pinned to one day and start */
    for (int g = 0; g < pr->ng && sv_now() <= deadline; g++) {
        const sv_group *G = &pr->g[g];
        const model_pinned *pg = &inst->groups[g].pinned;
        if (!G->must || !pg->has_day || !pg->has_start || G->n_cand == 0)
            continue;
        for (int h = g + 1; h < pr->ng; h++) {
            const sv_group *H = &pr->g[h];
            const model_pinned *ph = &inst->groups[h].pinned;
            if (!H->must || !ph->has_day || !ph->has_start || H->n_cand == 0)
                continue;
            /* weekly vs anything overlaps; two biweekly may alternate */
            sv_cand a = G->cand[0], b = H->cand[0];
            a.pmask = b.pmask = 1;
            if (G->cand[0].parity >= 0 && H->cand[0].parity >= 0)
                continue;
            const char *gi = inst->groups[g].id, *hi = inst->groups[h].id;
            if (sv_overlap(&a, &b, 0) && G->fixed_pin_room >= 0 &&
                G->fixed_pin_room == H->fixed_pin_room)
                addf(diag, "groups %s and %s are both pinned to room %s at overlapping times",
                     gi, hi, inst->rooms[G->fixed_pin_room].id);
            for (int x = 0; x < 2; x++)
                for (int y = 0; y < 2; y++) {
                    int f = G->fixed_pin_f[x];
                    if (f >= 0 && f == H->fixed_pin_f[y] && sv_overlap(&a, &b, pr->brk))
                        addf(diag, "facilitator %s is pinned to both %s and %s, which overlap%s",
                             inst->facilitators[f].id, gi, hi,
                             pr->brk ? " (with min_break_min)" : "");
                }
            for (int x = 0; x < 2; x++) {
                if (G->fixed_pin_sub >= 0 && G->fixed_pin_sub == H->fixed_pin_f[x] &&
                    sv_overlap(&a, &b, pr->brk))
                    addf(diag, "facilitator %s is pinned as substitute of %s but leads %s at an "
                               "overlapping time",
                         inst->facilitators[G->fixed_pin_sub].id, gi, hi);
                if (H->fixed_pin_sub >= 0 && H->fixed_pin_sub == G->fixed_pin_f[x] &&
                    sv_overlap(&a, &b, pr->brk))
                    addf(diag, "facilitator %s is pinned as substitute of %s but leads %s at an "
                               "overlapping time",
                         inst->facilitators[H->fixed_pin_sub].id, hi, gi);
            }
        }
    }
    return diag->n - n0;
}
