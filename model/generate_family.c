/*
 * generate_family.c - the generator's structural families.
 *
 * A family changes how a program is built, not how big it is (the tier
 * decides that).  Each exists to give the planner a program of a structure
 * the standard generator never makes:
 *
 *   standard     the original generator (bit-identical output)
 *   blocks       waitlisted adults free only in 4-5 h blocks (08-13, 12-17,
 *                17-21; teens 15:30-20:30, Saturday 09-13), facilitators on
 *                day (08-18) or evening (12-21) shifts or three long days
 *   scarce       half as many specialty holders, exactly one SUD holder per
 *                site: no SUD group can have a designated substitute, so
 *                every SUD group is a new, optional offering
 *   optional     90 % of new offerings optional (rounded up)
 *   pinned       75 % of groups continue, most pinned to room and
 *                facilitators as well as day and start, some to substitute
 *   adolescent   teen-heavy mix, teen types 12-17 with max_age_spread 4,
 *                a third of the waitlist teens: small eligible pools
 *   mixed        blocks, 90 % of new offerings optional and only 25 %
 *                continuing (pinned): the shape of the independently made
 *                programs issue 14 measured
 *   rooms        one regular room per 12 in-person groups, the others mostly
 *                small or daytime-only: even if every suitable room ran both
 *                weekday evening slots, not every group could meet evenings
 *   infeasible-substitute  one SUD holder per site and mandatory SUD groups
 *                (rule 5: no designated substitute)
 *   infeasible-cofac       one TRAUMA holder per site and mandatory
 *                co-facilitated trauma groups (rule 3: no co-facilitator)
 *   infeasible-room        no room has "family_room" and the multi-family
 *                groups are mandatory (rule 2: no room)
 *
 * Feasible families keep the generator's witness (a valid schedule built
 * with the program).  The infeasible ones are built as feasible programs and
 * then broken in exactly one named way, after the witness; they have none.
 */
#include <stdlib.h>
#include <string.h>

#include "generate_int.h"

/* The standard family: the original generator's parameters.  Each family
 * starts from them and overrides what it changes (designated initialisers
 * given twice on purpose: the later one wins, as C11 6.7.9 says). */
#define STANDARD_FIELDS                                                                        \
    .existing_pct = 40, .optional_pct = 25, .pin_room_pct = 30, .pin_fac_pct = 50,             \
    .pin_sub_pct = 10, .groups_per_room = 6, .extra_rooms = 1,    \
    .min_rooms = 3, .groups_per_holder = 2,           \
    .teen_pct = 8, .teen_age_min = 13

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const gen_family FAMILIES[] = {
    {.name = "standard", .summary = "the original mix (evening-heavy waitlist, 40 % continuing)",
     STANDARD_FIELDS},
    {.name = "blocks",
     .summary = "patients free in 4-5 h blocks, staff on day/evening shifts or long days",
     STANDARD_FIELDS, .blocks = true},
    {.name = "scarce",
     .summary = "half the specialty holders, one SUD holder (SUD groups optional)",
     STANDARD_FIELDS, .groups_per_holder = 4, .lone_cred = "SUD", .forced_type = "sud_recovery",
     .forced_optional = true},
    {.name = "optional", .summary = "90 % of new offerings optional", STANDARD_FIELDS,
     .optional_pct = 90, .exact_optional = true},
    {.name = "pinned",
     .summary = "75 % continuing, pinned to day/start and mostly room and staff",
     STANDARD_FIELDS, .existing_pct = 75, .pin_room_pct = 70, .pin_fac_pct = 70,
     .pin_sub_pct = 30},
    {.name = "adolescent",
     .summary = "teen-heavy, teen types 12-17 with age spread 4, small pools",
     STANDARD_FIELDS, .adolescent = true, .teen_pct = 30, .teen_age_min = 12},
    {.name = "mixed",
     .summary = "blocks and shifts, 90 % of new offerings optional, 25 % continuing",
     STANDARD_FIELDS, .blocks = true, .optional_pct = 90, .exact_optional = true,
     .existing_pct = 25},
    {.name = "rooms", .summary = "fewer suitable rooms than evening demand", STANDARD_FIELDS,
     .groups_per_room = 12, .extra_rooms = 0, .min_rooms = 1, .small_rooms = true},
    {.name = "infeasible-substitute",
     .summary = "infeasible: one SUD holder, mandatory SUD groups (no substitute)",
     STANDARD_FIELDS, .forced_type = "sud_recovery", .brk = GEN_BREAK_CREDENTIAL,
     .brk_what = "SUD"},
    {.name = "infeasible-cofac",
     .summary = "infeasible: one TRAUMA holder, mandatory co-led trauma groups",
     STANDARD_FIELDS, .forced_type = "trauma_ptsd", .brk = GEN_BREAK_CREDENTIAL,
     .brk_what = "TRAUMA"},
    {.name = "infeasible-room",
     .summary = "infeasible: no room has family_room, mandatory multi-family groups",
     STANDARD_FIELDS, .forced_type = "multifamily", .brk = GEN_BREAK_FEATURE,
     .brk_what = "family_room"},
};
#pragma GCC diagnostic pop
#define N_FAMILIES ((int)(sizeof FAMILIES / sizeof FAMILIES[0]))

const gen_family *gen_family_find(const char *name)
{
    if (!name)
        return &FAMILIES[0];
    for (int i = 0; i < N_FAMILIES; i++)
        if (strcmp(FAMILIES[i].name, name) == 0)
            return &FAMILIES[i];
    return NULL;
}

int model_generate_families(const char **names, const char **summaries, bool *infeasible,
                            int max)
{
    for (int i = 0; i < N_FAMILIES && i < max; i++) {
        if (names)
            names[i] = FAMILIES[i].name;
        if (summaries)
            summaries[i] = FAMILIES[i].summary;
        if (infeasible)
            infeasible[i] = FAMILIES[i].brk != GEN_BREAK_NONE;
    }
    return N_FAMILIES;
}

/* ------------------------------------------------------------ types */

void gen_family_types(gen *G)
{
    memcpy(G->types, gen_catalogue, sizeof G->types);
    if (!G->fam->adolescent)
        return;
    for (int k = 0; k < N_TYPES; k++) {
        type_spec *s = &G->types[k];
        if (!type_is_teen(s))
            continue;
        s->age_min = G->fam->teen_age_min;
        s->spread = 4;
        s->mix *= 3;
    }
}

/* ------------------------------------------------------------ plans */

static bool is_forced(const gen *G, const gplan *g)
{
    return G->fam->forced_type && strcmp(G->types[g->spec].id, G->fam->forced_type) == 0;
}

/* Exactly optional_pct % (rounded) of the new groups optional, at random. */
static void exact_optional(gen *G, gplan *gp, int ng)
{
    int *idx = malloc((size_t)(ng > 0 ? ng : 1) * sizeof *idx);
    if (!idx) {
        G->oom = true;
        return;
    }
    int n = 0;
    for (int i = 0; i < ng; i++)
        if (!gp[i].existing && !is_forced(G, &gp[i]))
            idx[n++] = i;
    rng_shuffle(&G->rng, idx, n);
    int k = (n * G->fam->optional_pct + 99) / 100;
    for (int i = 0; i < n; i++)
        gp[idx[i]].optional = i < k;
    free(idx);
}

void gen_family_plans(gen *G, gplan *gp, int ng)
{
    for (int i = 0; i < ng; i++)
        if (is_forced(G, &gp[i])) {
            gp[i].existing = false;
            gp[i].optional = G->fam->forced_optional;
        }
    if (G->fam->exact_optional)
        exact_optional(G, gp, ng);
}

/* ------------------------------------------------------------ break */

void gen_family_break(gen *G, const gplan *gp, int ng)
{
    model_instance *inst = G->inst;
    if (G->fam->brk == GEN_BREAK_FEATURE) {
        for (int r = G->first_room; r < inst->n_rooms; r++)
            model_strlist_remove(&inst->rooms[r].features, G->fam->brk_what);
        return;
    }
    if (G->fam->brk != GEN_BREAK_CREDENTIAL)
        return;
    /* the witness primary of the site's first forced group keeps it */
    int keeper = -1;
    for (int i = 0; i < ng && keeper < 0; i++)
        if (is_forced(G, &gp[i]) && !gp[i].optional)
            keeper = gp[i].f[0];
    for (int f = G->first_fac; f < inst->n_facilitators; f++)
        if (f != keeper)
            model_strlist_remove(&inst->facilitators[f].credentials, G->fam->brk_what);
}

/* ------------------------------------------------------------ blocks */

static const model_window BLOCKS[3] = {
    {0, HM(8, 0), HM(13, 0)}, {0, HM(12, 0), HM(17, 0)}, {0, HM(17, 0), HM(21, 0)}};

int gen_family_block_windows(gen *G, bool teen, model_window *w)
{
    static const int BLOCK_W[3] = {25, 25, 50};
    int days[5] = {0, 1, 2, 3, 4};
    rng_shuffle(&G->rng, days, 5);
    bool on[5] = {false};
    int nd = rng_int(&G->rng, 2, 4);
    for (int i = 0; i < nd; i++)
        on[days[i]] = true;
    int usual = rng_weighted(&G->rng, BLOCK_W, 3);
    int n = 0;
    for (int d = 0; d < 5; d++) {
        if (!on[d])
            continue;
        if (teen) {
            w[n++] = (model_window){d, HM(15, 30), HM(20, 30)};
            continue;
        }
        int b = rng_pct(&G->rng, 75) ? usual : rng_weighted(&G->rng, BLOCK_W, 3);
        w[n] = BLOCKS[b];
        w[n++].day = d;
    }
    if (rng_pct(&G->rng, teen ? 50 : 12))
        w[n++] = (model_window){SAT, HM(9, 0), HM(13, 0)};
    return n;
}

model_window gen_family_block_of(span iv, bool teen)
{
    if (iv.day == SAT)
        return (model_window){SAT, HM(9, 0), HM(13, 0)};
    if (teen && iv.s >= HM(15, 30) && iv.e <= HM(20, 30))
        return (model_window){iv.day, HM(15, 30), HM(20, 30)};
    for (int b = 0; b < 3; b++)
        if (iv.s >= BLOCKS[b].from && iv.e <= BLOCKS[b].to)
            return (model_window){iv.day, BLOCKS[b].from, BLOCKS[b].to};
    /* no slot of the program straddles two blocks; keep the span itself */
    return (model_window){iv.day, iv.s, iv.e};
}

void gen_family_shift_windows(gen *G, bool part_time, int sat_pct, model_window *w, int *k)
{
    static const int SHIFT_W[3] = {35, 40, 25}; /* day, evening, three long days */
    int shift = rng_weighted(&G->rng, SHIFT_W, 3);
    int days[5] = {0, 1, 2, 3, 4};
    rng_shuffle(&G->rng, days, 5);
    int nd = shift == 2 ? 3 : part_time ? rng_int(&G->rng, 3, 4) : rng_pct(&G->rng, 75) ? 5 : 4;
    bool on[5] = {false};
    for (int i = 0; i < nd; i++)
        on[days[i]] = true;
    static const int FROM[3] = {HM(8, 0), HM(12, 0), HM(8, 0)};
    static const int TO[3] = {HM(18, 0), HM(21, 0), HM(20, 0)};
    *k = 0;
    for (int d = 0; d < 5; d++)
        if (on[d])
            w[(*k)++] = (model_window){d, FROM[shift], TO[shift]};
    if (shift != 2 && rng_pct(&G->rng, sat_pct))
        w[(*k)++] = (model_window){SAT, HM(9, 0), HM(13, 0)};
}
