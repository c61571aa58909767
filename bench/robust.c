/*
 * robust.c - `cohort-bench robust`: the robustness suite.  Every generator
 * family x tier x seed, `cohort plan` at the tier's time limit in a child
 * process (wall time from fork to exit), the plan checked by `cohort
 * check`, measured against upper bounds the planner did not compute, and
 * CBC on the model `cohort plan --export-model` writes under the same limit.
 *
 * Independent upper bounds (both valid for the maximised objective):
 *  - combinatorial (`cohort-bench bound`, computed here from the instance
 *    alone): K = min(eligible waitlisted patients, free seats of all groups);
 *    the objective is at most the sum of the K largest placement values
 *    (placement + wait_per_week x weeks waited + priority x priority) plus
 *    empty_seat x K, minus empty_seat x the free seats of the mandatory
 *    groups (every mandatory group runs, and each placement fills at most
 *    one of its empty seats); load balance is a penalty, so dropping it only
 *    loosens the bound.  "Eligible" is a superset of SPEC rule 7 (screened,
 *    verified, type, age, gender, modality and a window holding the type's
 *    duration at some slot start), so the bound stays valid.
 *  - LP: the LP relaxation of the exported model (`glpsol --nomip`), valid
 *    because that model is exact (solver/mip.c, with_subs); a relaxation's
 *    optimum bounds the MIP's.  Only an OPTIMAL LP status counts.
 * The independent bound is the smaller of those available.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver.h"
#include "io.h"

#define MAX_FAM 16
#define EXIT_NOT_RUN (-2) /* row.exit_code of a plan that never started */
#define MAX_SEEDS 32

typedef struct robust_cfg {
    bench_cfg b;
    const char *families[MAX_FAM];
    bool infeasible[MAX_FAM];
    int n_families;
    const char *tiers[3];
    int n_tiers;
    int seeds[MAX_SEEDS];
    int n_seeds;
    double limit[3]; /* S M L */
    bool do_cbc, do_lp;
    double lp_limit; /* seconds for glpsol's LP; 0 = max(60, 4 x the tier's limit) */
    double ref_limit; /* seconds for the reference CBC solve; 0 = none */
    bool ref_tier[3]; /* tiers (S M L) that get the reference solve */
    char docs[PATH_MAX_LEN]; /* "" = leave docs alone */
    const char *note;        /* first paragraph of the report, or NULL */
    const char *report;      /* re-render this robust.json instead of running */
    char cmdline[512];
} robust_cfg;

/* One family x tier x seed. */
typedef struct rrun {
    char family[32], tier[4];
    int seed;
    bool by_design; /* infeasible by design */
    double limit;
    row plan, cbc, ref; /* ref: CBC to optimality (ratio gap 0), ref_limit seconds */
    bool has_lp, has_comb, has_ref, has_indep;
    double lp, comb, indep, indep_gap;
    int seats, eligible, max_placed;
    char note[160];
} rrun;

/* ---------------------------------------------------- combinatorial bound */

/* A superset of SPEC rule 7 for patient p and type t (flags, type, age,
 * gender, modality, a window holding the type at some slot start). */
static bool loosely_eligible(const model_instance *inst, int p, int t)
{
    const model_patient *pa = &inst->patients[p];
    const model_group_type *ty = &inst->types[t];
    if (!pa->screened || !pa->insurance_verified || !model_patient_type_match(inst, p, t))
        return false;
    if (pa->age >= 0 && ((ty->age_min >= 0 && pa->age < ty->age_min) ||
                         (ty->age_max >= 0 && pa->age > ty->age_max)))
        return false;
    if (ty->gender && pa->gender && strcasecmp(ty->gender, pa->gender) != 0)
        return false;
    if ((ty->modality == MODEL_TELEHEALTH && pa->modality == MODEL_IN_PERSON) ||
        (ty->modality == MODEL_IN_PERSON && pa->modality == MODEL_TELEHEALTH))
        return false;
    const model_program *pg = &inst->program;
    for (int d = 0; d < 7; d++)
        for (int k = 0; (pg->days_mask >> d & 1) && k < pg->n_slot_starts; k++)
            if (model_windows_fit(pa->available, pa->n_available, d, pg->slot_starts[k],
                                  ty->duration_min))
                return true;
    return false;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* The combinatorial bound of the file comment as a JSON object. */
static json_t *comb_bound(const model_instance *inst)
{
    const model_weights *w = &inst->settings.weights;
    int seats = 0, mand_free = 0, ne = 0;
    bool *type_used = calloc((size_t)(inst->n_types ? inst->n_types : 1), sizeof *type_used);
    double *val = malloc((size_t)(inst->n_patients ? inst->n_patients : 1) * sizeof *val);
    if (!type_used || !val) {
        free(type_used);
        free(val);
        return NULL;
    }
    for (int g = 0; g < inst->n_groups; g++) {
        const model_group *gr = &inst->groups[g];
        int occ = 0;
        for (int m = 0; m < gr->n_members; m++)
            occ += model_status_occupies(gr->members[m].status);
        int free_seats = inst->types[gr->type_idx].max_size - occ;
        free_seats = free_seats > 0 ? free_seats : 0;
        seats += free_seats;
        mand_free += gr->optional ? 0 : free_seats;
        type_used[gr->type_idx] = true;
    }
    for (int p = 0; p < inst->n_patients; p++) {
        if (!model_patient_waitlisted(inst, p))
            continue;
        bool ok = false;
        for (int t = 0; t < inst->n_types && !ok; t++)
            ok = type_used[t] && loosely_eligible(inst, p, t);
        if (!ok)
            continue;
        const model_patient *pa = &inst->patients[p];
        double days = pa->added >= 0 && inst->program.horizon_start > pa->added
                          ? (double)(inst->program.horizon_start - pa->added)
                          : 0.0;
        val[ne++] = w->placement + w->wait_per_week * days / 7.0 + w->priority * pa->priority;
    }
    qsort(val, (size_t)ne, sizeof *val, cmp_desc);
    int k = ne < seats ? ne : seats;
    double bound = 0;
    for (int i = 0; i < k; i++)
        bound += val[i] + w->empty_seat;
    bound -= w->empty_seat * mand_free;
    free(type_used);
    free(val);
    return json_pack("{s:f, s:i, s:i, s:i, s:i}", "bound", bound, "seats", seats, "eligible", ne,
                     "max_placed", k, "mandatory_free_seats", mand_free);
}

int cmd_bound(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: cohort-bench bound INSTANCE\n");
        return COHORT_EXIT_INVALID;
    }
    model_instance *inst = NULL;
    int rc = load_instance(argv[1], &inst);
    if (rc)
        return rc;
    json_t *j = comb_bound(inst);
    model_instance_destroy(inst);
    return print_json_line(j);
}

/* ------------------------------------------------------------ one run */

/* `cohort generate` of the run's program into path; 0 or -1. */
static int generate(const robust_cfg *c, const rrun *r, char *path, size_t n)
{
    char name[128], err[PATH_MAX_LEN], seed[16];
    snprintf(name, sizeof name, "%s-%s-%d.json", r->family, r->tier, r->seed);
    path_join(path, n, c->b.out, name);
    snprintf(name, sizeof name, "%s-%s-%d.generate.log", r->family, r->tier, r->seed);
    path_join(err, sizeof err, c->b.out, name);
    snprintf(seed, sizeof seed, "%d", r->seed);
    char *argv[] = {(char *)c->b.cohort, "generate", "--tier", (char *)r->tier, "--family",
                    (char *)r->family, "--seed", seed, "-o", path, NULL};
    child_run cr;
    if (run_child(argv, NULL, err, 1800, &cr) != 0 || cr.exit_code != 0 || !file_exists(path))
        return -1;
    return 0;
}

/* A JSON line from `cohort-bench CMD INSTANCE` (info, bound), or NULL. */
static json_t *helper_line(const robust_cfg *c, const char *cmd, const char *inst,
                           const char *tag)
{
    char out[PATH_MAX_LEN], name[160];
    snprintf(name, sizeof name, "%s.%s.json", tag, cmd);
    path_join(out, sizeof out, c->b.out, name);
    char *argv[] = {(char *)c->b.self, (char *)cmd, (char *)inst, NULL};
    child_run cr;
    if (run_child(argv, out, NULL, 600, &cr) != 0 || cr.exit_code != 0)
        return NULL;
    return read_json_line(out);
}

/* glpsol's LP relaxation of the exported model (minimises the negated
 * objective): r->lp in cohort's sense when the LP is solved to optimality. */
static void run_lp(const robust_cfg *c, const char *mps, const char *tag, rrun *r)
{
    char glpsol[PATH_MAX_LEN], out[PATH_MAX_LEN], name[160], tl[32];
    find_in_path("glpsol", glpsol, sizeof glpsol);
    if (!glpsol[0]) {
        snprintf(r->note, sizeof r->note, "glpsol not installed: no LP bound");
        return;
    }
    snprintf(name, sizeof name, "%s.lp.txt", tag);
    path_join(out, sizeof out, c->b.out, name);
    double lim = c->lp_limit > 0 ? c->lp_limit : fmax(60, 4 * r->limit);
    snprintf(tl, sizeof tl, "%.0f", lim);
    remove(out);
    char *argv[] = {glpsol, "--freemps", (char *)mps, "--nomip", "--tmlim", tl, "-o", out, NULL};
    child_run cr;
    if (run_child(argv, NULL, NULL, lim + 60, &cr) != 0)
        return;
    char *text = read_small(out, 1 << 16);
    const char *st = text ? strstr(text, "Status:") : NULL;
    const char *ob = text ? strstr(text, "Objective:") : NULL;
    const char *eq = ob ? strchr(ob, '=') : NULL;
    if (st && eq && strncmp(st + strspn(st + 7, " ") + 7, "OPTIMAL", 7) == 0) {
        r->has_lp = true;
        r->lp = -atof(eq + 1);
    }
    free(text);
}

static bool has_schedule(const row *p)
{
    return p->has_obj &&
           (strcmp(p->status, "optimal") == 0 || strcmp(p->status, "feasible") == 0);
}

/* Whether run r gets the reference solve: CBC on the exported model with
 * no gap tolerance and c->ref_limit seconds.  Its bound (the proven
 * optimum when it finishes, else CBC's best possible) is one more upper
 * bound computed apart from the planner; on small programs it is the
 * tightest, where the LP relaxation and the planner's own bound leave a gap
 * that says little about how far the schedule is from the optimum. */
static bool wants_reference(const robust_cfg *c, const rrun *r)
{
    int t = tier_index(r->tier);
    return c->b.cbc[0] && c->ref_limit > 0 && t >= 0 && t < 3 && c->ref_tier[t];
}

/* The exported model: its LP bound, CBC under the tier's limit and the
 * reference solve. */
static void run_model(const robust_cfg *c, const char *inst, const char *tag, double gap,
                      rrun *r)
{
    char mps[PATH_MAX_LEN], name[160];
    snprintf(name, sizeof name, "%s.mps", tag);
    path_join(mps, sizeof mps, c->b.out, name);
    if (run_export(&c->b, inst, tag, mps) < 0) {
        snprintf(r->cbc.status, sizeof r->cbc.status, "no export");
        return;
    }
    if (c->do_lp)
        run_lp(c, mps, tag, r);
    if (c->do_cbc && c->b.cbc[0])
        run_cbc(&c->b, mps, tag, r->limit, gap, &r->cbc);
    if (wants_reference(c, r)) {
        char reftag[160];
        snprintf(reftag, sizeof reftag, "%s.reference", tag);
        run_cbc(&c->b, mps, reftag, c->ref_limit, 0, &r->ref);
        r->has_ref = r->ref.has_bound;
    }
    remove(mps);
}

static void run_one(const robust_cfg *c, rrun *r)
{
    char inst[PATH_MAX_LEN], tag[128];
    snprintf(tag, sizeof tag, "%s-%s-%d", r->family, r->tier, r->seed);
    snprintf(r->plan.status, sizeof r->plan.status, "not run");
    r->plan.exit_code = EXIT_NOT_RUN;
    snprintf(r->plan.check, sizeof r->plan.check, "n/a");
    snprintf(r->cbc.status, sizeof r->cbc.status, "not run");
    if (generate(c, r, inst, sizeof inst) != 0) {
        snprintf(r->note, sizeof r->note, "cohort generate failed");
        return;
    }
    json_t *info = helper_line(c, "info", inst, tag);
    double gap = jnum(info, "mip_gap", 0.005);
    json_decref(info);
    json_t *b = helper_line(c, "bound", inst, tag);
    if (b) {
        r->has_comb = true;
        r->comb = jnum(b, "bound", 0);
        r->seats = (int)jnum(b, "seats", 0);
        r->eligible = (int)jnum(b, "eligible", 0);
        r->max_placed = (int)jnum(b, "max_placed", 0);
        json_decref(b);
    }
    r->plan.time_limit = r->limit;
    run_cohort(&c->b, inst, tag, r->limit, &r->plan);
    if (c->do_lp || c->do_cbc || wants_reference(c, r))
        run_model(c, inst, tag, gap, r);
    r->has_indep = r->has_comb || r->has_lp || r->has_ref;
    r->indep = HUGE_VAL;
    if (r->has_comb)
        r->indep = fmin(r->indep, r->comb);
    if (r->has_lp)
        r->indep = fmin(r->indep, r->lp);
    if (r->has_ref)
        r->indep = fmin(r->indep, r->ref.bound);
    if (r->has_indep && has_schedule(&r->plan))
        r->indep_gap = (r->indep - r->plan.obj) / fmax(fabs(r->plan.obj), 1e-9);
}

/* ------------------------------------------------------------ reports */

static bool within_limit(const rrun *r)
{
    return r->plan.wall <= r->limit + fmax(1.0, 0.05 * r->limit);
}

static json_t *run_json(const rrun *r)
{
    const row *p = &r->plan;
    json_t *j = json_pack(
        "{s:s, s:s, s:i, s:b, s:f, s:s, s:i, s:f, s:b, s:s, s:i, s:i}", "family", r->family,
        "tier", r->tier, "seed", r->seed, "infeasible_by_design", r->by_design, "time_limit",
        r->limit, "status", p->status, "exit_code", p->exit_code, "wall_seconds", p->wall,
        "within_limit", within_limit(r), "check", p->check, "placed", p->placed,
        "max_placements", r->max_placed);
    if (has_schedule(p)) {
        json_object_set_new(j, "objective", json_real(p->obj));
        if (p->has_bound) {
            json_object_set_new(j, "bound", json_real(p->bound));
            json_object_set_new(j, "gap", json_real(p->gap));
        }
    }
    if (p->exceptions)
        json_object_set_new(j, "exceptions", json_integer(p->exceptions));
    if (r->has_comb)
        json_object_set_new(j, "combinatorial_bound", json_real(r->comb));
    if (r->has_lp)
        json_object_set_new(j, "lp_bound", json_real(r->lp));
    if (r->has_indep && has_schedule(p))
        json_object_set_new(j, "independent_gap", json_real(r->indep_gap));
    if (r->ref.status[0]) {
        json_object_set_new(j, "reference_status", json_string(r->ref.status));
        json_object_set_new(j, "reference_seconds", json_real(r->ref.wall));
    }
    if (r->has_ref)
        json_object_set_new(j, "reference_bound", json_real(r->ref.bound));
    if (r->ref.has_obj)
        json_object_set_new(j, "reference_objective", json_real(r->ref.obj));
    json_object_set_new(j, "cbc_status", json_string(r->cbc.status));
    if (r->cbc.has_obj)
        json_object_set_new(j, "cbc_objective", json_real(r->cbc.obj));
    json_object_set_new(j, "eligible_waitlisted", json_integer(r->eligible));
    json_object_set_new(j, "free_seats", json_integer(r->seats));
    if (r->note[0])
        json_object_set_new(j, "note", json_string(r->note));
    return j;
}

static double median(double *v, int n)
{
    if (n == 0)
        return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_desc);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Aggregates of one family x tier. */
typedef struct agg {
    int n, schedules, relaxed, check_fail, within, cbc_n, cbc_below, cbc_none, cbc_wrong;
    double own[MAX_SEEDS], ind[MAX_SEEDS], best[MAX_SEEDS], ratio[MAX_SEEDS];
    double placed[MAX_SEEDS], maxp[MAX_SEEDS];
    int n_own, n_ind, n_best, n_pl, n_lp, n_ref;
    double wall_max, limit;
    int codes[8], code_n[8], n_codes;
} agg;

/* Count exit code code among the aggregate's distinct codes. */
static void add_exit(agg *a, int code)
{
    for (int i = 0; i < a->n_codes; i++)
        if (a->codes[i] == code) {
            a->code_n[i]++;
            return;
        }
    if (a->n_codes < 8) {
        a->codes[a->n_codes] = code;
        a->code_n[a->n_codes++] = 1;
    }
}

/* "0 x4, 3 x1" ("killed" for -1). */
static void fmt_exits(char *b, size_t n, const agg *a)
{
    size_t len = 0;
    b[0] = '\0';
    for (int i = 0; i < a->n_codes && len < n; i++) {
        char code[16] = "killed";
        if (a->codes[i] == EXIT_NOT_RUN)
            snprintf(code, sizeof code, "not run");
        else if (a->codes[i] >= 0)
            snprintf(code, sizeof code, "%d", a->codes[i]);
        len += (size_t)snprintf(b + len, n - len, "%s%s x%d", i ? ", " : "", code, a->code_n[i]);
    }
}

static void aggregate(const rrun *runs, int n, const char *family, const char *tier, agg *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < n; i++) {
        const rrun *r = &runs[i];
        if (strcmp(r->family, family) != 0 || strcmp(r->tier, tier) != 0)
            continue;
        const row *p = &r->plan;
        a->n++;
        a->limit = r->limit;
        a->wall_max = fmax(a->wall_max, p->wall);
        a->within += within_limit(r);
        add_exit(a, p->exit_code);
        if (!has_schedule(p) && p->exceptions > 0) { /* a relaxed plan: checked, no gap */
            a->relaxed++;
            a->check_fail += strcmp(p->check, "ok") != 0;
        }
        if (!has_schedule(p))
            continue;
        a->schedules++;
        a->check_fail += strcmp(p->check, "ok") != 0;
        if (p->has_bound)
            a->own[a->n_own++] = p->gap;
        if (r->has_indep)
            a->ind[a->n_ind++] = r->indep_gap;
        /* the smallest upper bound of all: how far the schedule is proven
         * to be from the optimum */
        if (p->has_bound || r->has_indep)
            a->best[a->n_best++] = p->has_bound && r->has_indep ? fmin(p->gap, r->indep_gap)
                                   : p->has_bound             ? p->gap
                                                              : r->indep_gap;
        a->n_lp += r->has_lp;
        a->n_ref += r->has_ref;
        a->placed[a->n_pl] = p->placed;
        a->maxp[a->n_pl++] = r->max_placed;
        a->cbc_none += !r->cbc.has_obj;
        /* CBC's preprocessing declares infeasible a model that has the
         * checked schedule: CBC is wrong there, not the model */
        a->cbc_wrong += strncmp(r->cbc.status, "infeasible", 10) == 0;
        if (r->cbc.has_obj) {
            double ratio = p->obj / r->cbc.obj;
            a->ratio[a->cbc_n++] = ratio;
            a->cbc_below += ratio < 1 - 1e-6;
        }
    }
}

static double worst_max(const double *v, int n)
{
    double m = NAN;
    for (int i = 0; i < n; i++)
        m = i == 0 || v[i] > m ? v[i] : m;
    return m;
}

static double worst_min(const double *v, int n)
{
    double m = NAN;
    for (int i = 0; i < n; i++)
        m = i == 0 || v[i] < m ? v[i] : m;
    return m;
}

/* "x.xx % / y.yy %" (prec decimals) or "-" */
static void fmt_pair(char *b, size_t n, double med, double worst, double scale, int prec,
                     const char *unit)
{
    /* a value that rounds to zero prints as 0 ("-0.00" from a bound a
     * rounding error below the objective says nothing) */
    double tiny = 0.5 * pow(10, -prec), m = med * scale, w = worst * scale;
    if (isnan(med))
        snprintf(b, n, "-");
    else
        snprintf(b, n, "%.*f%s / %.*f%s", prec, fabs(m) < tiny ? 0 : m, unit, prec,
                 fabs(w) < tiny ? 0 : w, unit);
}

static void write_table(FILE *f, const robust_cfg *c, const rrun *runs, int n)
{
    fprintf(f, "| family | tier | runs | schedules | gap, own bound (median / worst) | gap, "
               "independent bound (median / worst) | gap, best bound (median / worst) | "
               "placed / max placements (median) | wall "
               "max / limit | within limit | check failures | exit codes | cohort / CBC "
               "(median / worst) | below CBC |\n");
    fprintf(f, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | "
               "---: | ---: |\n");
    for (int fi = 0; fi < c->n_families; fi++)
        for (int ti = 0; ti < c->n_tiers; ti++) {
            agg a;
            aggregate(runs, n, c->families[fi], c->tiers[ti], &a);
            if (a.n == 0)
                continue;
            char own[48], ind[96], best[48], rat[128], pl[48], exits[64], sch[48];
            if (a.relaxed)
                snprintf(sch, sizeof sch, "%d + %d relaxed", a.schedules, a.relaxed);
            else
                snprintf(sch, sizeof sch, "%d", a.schedules);
            fmt_exits(exits, sizeof exits, &a);
            double w_own = worst_max(a.own, a.n_own), w_ind = worst_max(a.ind, a.n_ind);
            double w_rat = worst_min(a.ratio, a.cbc_n);
            fmt_pair(own, sizeof own, median(a.own, a.n_own), w_own, 100, 2, " %");
            fmt_pair(ind, sizeof ind, median(a.ind, a.n_ind), w_ind, 100, 2, " %");
            if (a.n_ind) {
                size_t len = strlen(ind);
                if (a.n_ref)
                    snprintf(ind + len, sizeof ind - len, " (LP %d, reference %d of %d)", a.n_lp,
                             a.n_ref, a.schedules);
                else
                    snprintf(ind + len, sizeof ind - len, " (LP %d of %d)", a.n_lp, a.schedules);
            }
            fmt_pair(best, sizeof best, median(a.best, a.n_best), worst_max(a.best, a.n_best),
                     100, 2, " %");
            fmt_pair(rat, sizeof rat, median(a.ratio, a.cbc_n), w_rat, 1, 4, "");
            if (a.cbc_none) {
                size_t len = strlen(rat);
                len += (size_t)snprintf(rat + len, sizeof rat - len, "; CBC no schedule in %d",
                                        a.cbc_none);
                if (a.cbc_wrong && len < sizeof rat)
                    snprintf(rat + len, sizeof rat - len, " (%d of them: CBC said infeasible)",
                             a.cbc_wrong);
            }
            if (a.n_pl)
                snprintf(pl, sizeof pl, "%.0f / %.0f", median(a.placed, a.n_pl),
                         median(a.maxp, a.n_pl));
            else
                snprintf(pl, sizeof pl, "-");
            fprintf(f, "| %s%s | %s | %d | %s | %s | %s | %s | %s | %.1f s / %.0f s | %d of %d | "
                       "%d | %s | %s | %d of %d |\n",
                    c->families[fi], c->infeasible[fi] ? " (infeasible by design)" : "",
                    c->tiers[ti], a.n, sch, own, ind, best, pl, a.wall_max, a.limit, a.within,
                    a.n, a.check_fail, exits, rat, a.cbc_below, a.cbc_n);
        }
}

static void write_markdown(FILE *f, const robust_cfg *c, const rrun *runs, int n,
                           const char *machine, double minutes)
{
    if (c->note)
        fprintf(f, "%s\n\n", c->note);
    fprintf(f, "Command: `%s` (%.1f minutes).\n\n%s\n", c->cmdline, minutes, machine);
    write_table(f, c, runs, n);
    fprintf(f, "\nGaps are (bound - objective) / objective over the runs that returned a "
               "schedule: \"own\" uses the bound `cohort plan` reports; \"independent\" the "
               "smallest of three bounds computed apart from the planner: the LP relaxation of "
               "the exported model (glpsol --nomip, exact model), a combinatorial bound from the "
               "instance alone (top placement values over min(eligible waitlisted, free seats), "
               "less unavoidable empty seats of mandatory groups) and, on the tiers given by "
               "--ref-tiers, the reference solve (CBC on the exported model with no gap "
               "tolerance for --ref-limit seconds: the proven optimum when it finishes, else its "
               "best possible); \"LP n, reference k of m\": runs whose LP was solved to "
               "optimality and whose reference solve gave a bound.  \"Best\" is the smaller of "
               "own and independent: how far the schedule is proven to be from the optimum.  "
               "See bench/robust.c.  \"Max placements\" is min(eligible waitlisted, free "
               "seats).  Wall time is from fork to exit of `cohort plan`; "
               "\"within limit\" means at most limit + max(1 s, 5 %%).  \"N relaxed\": "
               "infeasible programs answered with a relaxed plan (status infeasible, the "
               "schedule with its exceptions[]), checked like the others.  Check failures: "
               "schedules (relaxed ones included) `cohort check` rejected.  cohort / CBC: objective ratio against CBC "
               "on the exported model with the same wall-clock limit; \"below CBC\" counts "
               "runs where cohort's objective is lower (\"CBC no schedule\": runs where cohort "
               "had one and CBC none; \"CBC said infeasible\": CBC's preprocessing declared the "
               "exported model infeasible although the schedule cohort found and `cohort "
               "check` accepted is in it).  Raw runs: robust.json in the output directory.\n");
}

/* Replace the text between the robust markers of docs (or append a
 * section with them) by the table.  0 or -1. */
static int write_docs(const char *docs, const char *table)
{
    static const char BEGIN[] = "<!-- robust:begin -->", END[] = "<!-- robust:end -->";
    char *text = read_small(docs, 4u << 20);
    if (!text)
        return -1;
    char *b = strstr(text, BEGIN), *e = b ? strstr(b, END) : NULL;
    FILE *f = fopen(docs, "w");
    if (!f) {
        free(text);
        return -1;
    }
    if (b && e) {
        fwrite(text, 1, (size_t)(b - text), f);
        fprintf(f, "%s\n%s%s", BEGIN, table, e);
    } else {
        fprintf(f, "%s\n## Robustness\n\n%s\n%s%s\n", text, BEGIN, table, END);
    }
    free(text);
    return fclose(f) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ options */

static void robust_help(FILE *f)
{
    fprintf(f,
            "Usage: cohort-bench robust [OPTIONS]\n"
            "The robustness suite: for every generator family x tier x seed, `cohort plan`\n"
            "at the tier's time limit (wall time from start to exit, exit code, status, gap),\n"
            "`cohort check` on the plan, an upper bound computed apart from the planner\n"
            "(LP relaxation of the exported model with glpsol, and a combinatorial bound),\n"
            "and CBC on the exported model under the same limit.  One plan at a time.\n"
            "Writes robust.md and robust.json into the output directory.\n\n"
            "  --families LIST    families [all of `cohort generate --help`]\n"
            "  --tiers LIST       tiers among S,M,L [S,M,L]\n"
            "  --seeds LIST       seeds [1,2,3,4,5]\n"
            "  --limits S,M,L     time limits in seconds [5,10,60]\n"
            "  --no-cbc, --no-lp  skip CBC, the LP bound (both need the exported model)\n"
            "  --lp-limit S       seconds for the LP bound [max(60, 4 x the tier's limit)]\n"
            "  --ref-limit S      seconds for the reference solve: CBC on the exported model\n"
            "                     with no gap tolerance, its bound one more independent\n"
            "                     upper bound; 0 = none [60]\n"
            "  --ref-tiers LIST   tiers that get the reference solve [S]\n"
            "  --docs FILE        also write the table into FILE between\n"
            "                     <!-- robust:begin --> and <!-- robust:end --> (appended\n"
            "                     as a \"Robustness\" section when absent)\n"
            "  --note TEXT        a first paragraph for the report (what was measured)\n"
            "  --report LIST      run nothing: write the report (and --docs) again from\n"
            "                     earlier runs' robust.json files (comma-separated)\n"
            "  --cohort PATH      the cohort binary [%s]\n"
            "  --out DIR          output directory [ROOT/bench/results/robust]\n",
            COHORT_BINARY);
}

static int split_list(char *s, const char **out, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
        out[n++] = t;
    return n;
}

static int pick_families(robust_cfg *c, char *list)
{
    const char *all[MAX_FAM];
    bool inf[MAX_FAM];
    int na = model_generate_families(all, NULL, inf, MAX_FAM);
    const char *want[MAX_FAM];
    int nw = list ? split_list(list, want, MAX_FAM) : 0;
    c->n_families = 0;
    for (int i = 0; i < na && i < MAX_FAM; i++) {
        bool take = !list;
        for (int k = 0; k < nw; k++)
            take = take || strcmp(want[k], all[i]) == 0;
        if (take) {
            c->infeasible[c->n_families] = inf[i];
            c->families[c->n_families++] = all[i];
        }
    }
    if (c->n_families != (list ? nw : na)) {
        fprintf(stderr, "cohort-bench robust: unknown family in --families\n");
        return -1;
    }
    return 0;
}

static int robust_options(int argc, char **argv, robust_cfg *c, char **fam_list)
{
    static const char *const tiers[3] = {"S", "M", "L"};
    for (int i = 0; i < 3; i++)
        c->tiers[i] = tiers[i];
    c->n_tiers = 3;
    for (int i = 0; i < 5; i++)
        c->seeds[i] = i + 1;
    c->n_seeds = 5;
    c->limit[0] = 5;
    c->limit[1] = 10;
    c->limit[2] = 60;
    c->do_cbc = c->do_lp = true;
    c->ref_limit = 60;
    c->ref_tier[0] = true;
    size_t len = 0;
    len += (size_t)snprintf(c->cmdline, sizeof c->cmdline, "cohort-bench robust");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = strcmp(a, "--no-cbc") != 0 && strcmp(a, "--no-lp") != 0 &&
                     strcmp(a, "--help") != 0 && strcmp(a, "-h") != 0;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            robust_help(stdout);
            exit(COHORT_EXIT_OK);
        }
        if (takes && !v) {
            fprintf(stderr, "cohort-bench robust: %s needs a value\n", a);
            return -1;
        }
        if (len < sizeof c->cmdline && strcmp(a, "--cohort") != 0 && strcmp(a, "--out") != 0 &&
            strcmp(a, "--docs") != 0 && strcmp(a, "--note") != 0)
            len += (size_t)snprintf(c->cmdline + len, sizeof c->cmdline - len, " %s%s%s", a,
                                    takes ? " " : "", takes ? v : "");
        if (strcmp(a, "--no-cbc") == 0)
            c->do_cbc = false;
        else if (strcmp(a, "--no-lp") == 0)
            c->do_lp = false;
        else if (strcmp(a, "--families") == 0)
            *fam_list = argv[++i];
        else if (strcmp(a, "--tiers") == 0)
            c->n_tiers = split_list(argv[++i], c->tiers, 3);
        else if (strcmp(a, "--seeds") == 0)
            c->n_seeds = parse_int_list(argv[++i], c->seeds, MAX_SEEDS);
        else if (strcmp(a, "--limits") == 0) {
            int lim[3];
            int k = parse_int_list(argv[++i], lim, 3);
            for (int t = 0; t < k; t++)
                c->limit[t] = lim[t];
        } else if (strcmp(a, "--lp-limit") == 0)
            c->lp_limit = atof(argv[++i]);
        else if (strcmp(a, "--ref-limit") == 0)
            c->ref_limit = atof(argv[++i]);
        else if (strcmp(a, "--ref-tiers") == 0) {
            const char *rt[3];
            int k = split_list(argv[++i], rt, 3);
            c->ref_tier[0] = c->ref_tier[1] = c->ref_tier[2] = false;
            for (int t = 0; t < k; t++) {
                int ti = tier_index(rt[t]);
                if (ti < 0 || ti > 2) {
                    fprintf(stderr, "cohort-bench robust: tiers are S, M and L\n");
                    return -1;
                }
                c->ref_tier[ti] = true;
            }
        }
        else if (strcmp(a, "--report") == 0)
            c->report = argv[++i];
        else if (strcmp(a, "--note") == 0)
            c->note = argv[++i];
        else if (strcmp(a, "--docs") == 0)
            snprintf(c->docs, sizeof c->docs, "%s", argv[++i]);
        else if (strcmp(a, "--cohort") == 0)
            snprintf(c->b.cohort, sizeof c->b.cohort, "%s", argv[++i]);
        else if (strcmp(a, "--out") == 0)
            snprintf(c->b.out, sizeof c->b.out, "%s", argv[++i]);
        else {
            fprintf(stderr, "cohort-bench robust: unknown option %s\n", a);
            robust_help(stderr);
            return -1;
        }
    }
    for (int t = 0; t < c->n_tiers; t++)
        if (tier_index(c->tiers[t]) < 0 || tier_index(c->tiers[t]) > 2) {
            fprintf(stderr, "cohort-bench robust: tiers are S, M and L\n");
            return -1;
        }
    return c->n_seeds > 0 ? 0 : -1;
}

static int robust_setup(robust_cfg *c)
{
    if (!c->b.cohort[0])
        snprintf(c->b.cohort, sizeof c->b.cohort, "%s", COHORT_BINARY);
    snprintf(c->b.root, sizeof c->b.root, "%s", COHORT_SOURCE_DIR);
    if (!c->b.out[0])
        fmt_to(c->b.out, sizeof c->b.out, "%s/bench/results/robust", c->b.root);
    char parent[PATH_MAX_LEN];
    fmt_to(parent, sizeof parent, "%s/bench/results", c->b.root);
    mkdir(parent, 0755);
    mkdir(c->b.out, 0755);
    ssize_t sl = readlink("/proc/self/exe", c->b.self, sizeof c->b.self - 1);
    if (sl <= 0 || access(c->b.cohort, X_OK) != 0) {
        fprintf(stderr, "cohort-bench robust: cohort binary %s not found (--cohort PATH)\n",
                c->b.cohort);
        return -1;
    }
    c->b.self[sl] = '\0';
    if (c->do_cbc || c->ref_limit > 0)
        find_in_path("cbc", c->b.cbc, sizeof c->b.cbc);
    find_in_path("stdbuf", c->b.stdbuf, sizeof c->b.stdbuf);
    return 0;
}

/* ------------------------------------------------------------ driver */

static void progress(const rrun *r)
{
    const row *p = &r->plan;
    fprintf(stderr,
            "%-22s %-2s %2d  %-10s exit %-2d %6.2f s  obj %10.1f  gap %6.2f %%  ind %6.2f %%"
            "  check %-12s cbc %-10s %10.1f\n",
            r->family, r->tier, r->seed, p->status, p->exit_code, p->wall,
            has_schedule(p) ? p->obj : 0, has_schedule(p) && p->has_bound ? 100 * p->gap : 0,
            has_schedule(p) && r->has_indep ? 100 * r->indep_gap : 0, p->check, r->cbc.status,
            r->cbc.has_obj ? r->cbc.obj : 0);
}

/* robust.json: the command, machine, note and every run.  0 or -1. */
static int write_json(const robust_cfg *c, const rrun *runs, int n, const char *machine,
                      double minutes)
{
    char path[PATH_MAX_LEN];
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, run_json(&runs[i]));
    json_t *doc = json_pack("{s:s, s:s, s:f, s:o}", "command", c->cmdline, "machine", machine,
                            "minutes", minutes, "runs", arr);
    if (c->note)
        json_object_set_new(doc, "note", json_string(c->note));
    path_join(path, sizeof path, c->b.out, "robust.json");
    int rc = json_dump_file(doc, path, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) == 0 ? 0 : -1;
    json_decref(doc);
    return rc;
}

/* robust.md, stdout and (with --docs) the docs table.  0 or -1. */
static int write_report(const robust_cfg *c, const rrun *runs, int n, const char *machine,
                        double minutes)
{
    char path[PATH_MAX_LEN];
    int rc = 0;
    char *md = NULL;
    size_t mdlen = 0;
    FILE *f = open_memstream(&md, &mdlen);
    if (!f)
        return -1;
    write_markdown(f, c, runs, n, machine, minutes);
    fclose(f);
    path_join(path, sizeof path, c->b.out, "robust.md");
    FILE *o = fopen(path, "w");
    if (!o || fputs(md, o) < 0)
        rc = -1;
    if (o && fclose(o) != 0)
        rc = -1;
    fputs(md, stdout);
    if (c->docs[0] && write_docs(c->docs, md) != 0) {
        fprintf(stderr, "cohort-bench robust: cannot write %s\n", c->docs);
        rc = -1;
    }
    free(md);
    return rc;
}

/* A run back from its robust.json object (the fields the report uses). */
static void run_from_json(const json_t *j, rrun *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->family, sizeof r->family, "%s", jstr(j, "family", "?"));
    snprintf(r->tier, sizeof r->tier, "%s", jstr(j, "tier", "?"));
    r->seed = (int)jnum(j, "seed", 0);
    r->by_design = json_is_true(json_object_get(j, "infeasible_by_design"));
    r->limit = jnum(j, "time_limit", 0);
    row *p = &r->plan;
    snprintf(p->status, sizeof p->status, "%s", jstr(j, "status", "?"));
    snprintf(p->check, sizeof p->check, "%s", jstr(j, "check", "n/a"));
    p->exit_code = (int)jnum(j, "exit_code", EXIT_NOT_RUN);
    p->exceptions = (int)jnum(j, "exceptions", 0);
    p->wall = jnum(j, "wall_seconds", 0);
    p->placed = (int)jnum(j, "placed", 0);
    r->max_placed = (int)jnum(j, "max_placements", 0);
    p->has_obj = json_object_get(j, "objective") != NULL;
    p->obj = jnum(j, "objective", 0);
    p->has_bound = json_object_get(j, "bound") != NULL;
    p->gap = jnum(j, "gap", 0);
    r->has_lp = json_object_get(j, "lp_bound") != NULL;
    r->has_ref = json_object_get(j, "reference_bound") != NULL;
    r->ref.bound = jnum(j, "reference_bound", 0);
    r->has_indep = json_object_get(j, "independent_gap") != NULL;
    r->indep_gap = jnum(j, "independent_gap", 0);
    r->cbc.has_obj = json_object_get(j, "cbc_objective") != NULL;
    snprintf(r->cbc.status, sizeof r->cbc.status, "%s", jstr(j, "cbc_status", "?"));
    r->cbc.obj = jnum(j, "cbc_objective", 0);
}

/* Append the runs of one robust.json (doc) to *runs (*n of them); the
 * command joins c->cmdline.  0 or -1 (out of memory). */
static int append_runs(robust_cfg *c, const json_t *doc, rrun **runs, int *n)
{
    json_t *arr = json_object_get(doc, "runs");
    size_t k = json_array_size(arr);
    rrun *na = realloc(*runs, (size_t)(*n + (int)k + 1) * sizeof *na);
    if (!na)
        return -1;
    *runs = na;
    for (size_t i = 0; i < k; i++)
        run_from_json(json_array_get(arr, i), &na[(*n)++]);
    size_t len = strlen(c->cmdline);
    snprintf(c->cmdline + len, sizeof c->cmdline - len, "%s%s", len ? "` and `" : "",
             jstr(doc, "command", "?"));
    return 0;
}

/* --report A.json[,B.json...]: the report of earlier runs, their runs
 * together (the machine line and note of the first). */
static int report_again(robust_cfg *c)
{
    char *list = strdup(c->report), *save = NULL;
    json_t *docs[MAX_FAM];
    int nd = 0, n = 0, rc = 0;
    double minutes = 0;
    rrun *runs = NULL;
    c->cmdline[0] = '\0';
    for (char *t = strtok_r(list, ",", &save); t && nd < MAX_FAM && rc == 0;
         t = strtok_r(NULL, ",", &save)) {
        json_t *doc = json_load_file(t, 0, NULL);
        if (!doc) {
            fprintf(stderr, "cohort-bench robust: cannot read %s\n", t);
            rc = -1;
            break;
        }
        docs[nd++] = doc;
        minutes += jnum(doc, "minutes", 0);
        rc = append_runs(c, doc, &runs, &n);
        if (!c->note)
            c->note = jstr(doc, "note", NULL);
    }
    if (rc == 0 && nd > 0)
        rc = write_report(c, runs, n, jstr(docs[0], "machine", ""), minutes);
    for (int i = 0; i < nd; i++)
        json_decref(docs[i]);
    free(list);
    free(runs);
    return rc == 0 && nd > 0 ? COHORT_EXIT_OK : COHORT_EXIT_INVALID;
}

int cmd_robust(int argc, char **argv)
{
    robust_cfg c;
    memset(&c, 0, sizeof c);
    char *fam_list = NULL;
    if (robust_options(argc, argv, &c, &fam_list) != 0 || pick_families(&c, fam_list) != 0 ||
        robust_setup(&c) != 0)
        return COHORT_EXIT_INVALID;
    if (c.report)
        return report_again(&c);
    int total = c.n_families * c.n_tiers * c.n_seeds, n = 0;
    rrun *runs = calloc((size_t)total, sizeof *runs);
    if (!runs)
        return COHORT_EXIT_INTERNAL;
    double t0 = now_s();
    for (int ti = 0; ti < c.n_tiers; ti++)
        for (int fi = 0; fi < c.n_families; fi++)
            for (int si = 0; si < c.n_seeds; si++) {
                rrun *r = &runs[n++];
                snprintf(r->family, sizeof r->family, "%s", c.families[fi]);
                snprintf(r->tier, sizeof r->tier, "%s", c.tiers[ti]);
                r->seed = c.seeds[si];
                r->by_design = c.infeasible[fi];
                r->limit = c.limit[tier_index(c.tiers[ti])];
                run_one(&c, r);
                progress(r);
            }
    char machine[1024];
    machine_info(machine, sizeof machine, &c.b);
    double minutes = (now_s() - t0) / 60.0;
    int rc = write_json(&c, runs, n, machine, minutes);
    rc |= write_report(&c, runs, n, machine, minutes);
    free(runs);
    return rc == 0 ? COHORT_EXIT_OK : COHORT_EXIT_INTERNAL;
}
