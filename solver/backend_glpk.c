/* backend_glpk.c - bk_* (backend.h) on GLPK 5, with an error hook so that a
 * GLPK failure returns an error instead of aborting, a terminal hook that
 * keeps GLPK's own output off the terminal, and progress lines (incumbent,
 * bound, gap, elapsed) on stderr only when asked.  This file: the GLPK
 * environment and its hooks, model building and model files; the solves
 * are in backend_glpk_mip.c (bk_solve) and backend_glpk_plain.c
 * (bk_solve_plain), sharing backend_glpk_private.h. */
#include <float.h>
#include <limits.h>
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "backend.h"
#include "backend_glpk_private.h"

static jmp_buf *bk_jmp;   /* where the error hook returns to */
static unsigned bk_gen;   /* bumped each time the GLPK environment is freed */

static void bk_error_hook(void *info)
{
    (void)info;
    if (bk_jmp)
        longjmp(*bk_jmp, 1);
}

static int bk_term_hook(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1; /* swallow GLPK's own terminal output */
}

static void bk_hooks(void)
{
    glp_error_hook(bk_error_hook, NULL);
    glp_term_hook(bk_term_hook, NULL);
}

/* After a GLPK error the environment is inconsistent: free it (this frees
 * every problem object too) and start a new generation. */
static void bk_recover(void)
{
    glp_free_env();
    bk_gen++;
}


/* Run fn(ctx) with the error hook armed.  Returns 0, or -1 when GLPK failed
 * (the environment has then been freed). */
int bk_guard(void (*fn)(void *), void *ctx)
{
    jmp_buf jb;
    jmp_buf *prev = bk_jmp;
    bk_jmp = &jb;
    if (setjmp(jb)) {
        bk_jmp = prev;
        bk_recover();
        return -1;
    }
    bk_hooks();
    fn(ctx);
    bk_jmp = prev;
    return 0;
}

const char *bk_version(void)
{
    return glp_version();
}

double bk_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct new_ctx {
    bk_model *m;
    const char *name;
    int maximize;
} new_ctx;

static void do_new(void *c)
{
    new_ctx *x = c;
    x->m->P = glp_create_prob();
    x->m->gen = bk_gen;
    glp_set_prob_name(x->m->P, x->name ? x->name : "cohort");
    glp_set_obj_name(x->m->P, "objective");
    glp_set_obj_dir(x->m->P, x->maximize ? GLP_MAX : GLP_MIN);
}

bk_model *bk_new(const char *name, int maximize)
{
    bk_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    new_ctx x = {m, name, maximize};
    if (bk_guard(do_new, &x)) {
        free(m);
        return NULL;
    }
    return m;
}

static void do_delete(void *c)
{
    glp_delete_prob(c);
}

void bk_free(bk_model *m)
{
    if (!m)
        return;
    if (m->P && m->gen == bk_gen)
        bk_guard(do_delete, m->P);
    free(m->ind);
    free(m->val);
    free(m);
}

int alive(const bk_model *m)
{
    return m && m->P && m->gen == bk_gen;
}

/* GLPK symbolic names: at most 255 chars; keep [A-Za-z0-9_.], map others
 * to '_' so that both MPS and CPLEX LP readers accept them. */
static void sanitise(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *s = in; s && *s && n + 1 < cap && n < 250; s++) {
        char c = *s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.';
        out[n++] = ok ? c : '_';
    }
    out[n] = 0;
    if (n > 0 && ((out[0] >= '0' && out[0] <= '9') || out[0] == '.')) {
        /* LP names may not start with a digit or a period */
        memmove(out + 1, out, n + 1 < cap ? n + 1 : cap - 1);
        out[0] = '_';
    }
}

/* A column or row name: sanitised, or with bk_keep_names as given (at most
 * 250 characters, spaces become '_': MPS fields are space separated). */
static void name_of(const bk_model *m, const char *in, char *out, size_t cap)
{
    if (!m->raw_names) {
        sanitise(in, out, cap);
        return;
    }
    size_t n = 0;
    for (; in[n] && n + 1 < cap && n < 250; n++)
        out[n] = in[n] == ' ' ? '_' : in[n];
    out[n] = 0;
}

static int bnd_type(double lb, double ub)
{
    if (lb <= -BK_INF && ub >= BK_INF)
        return GLP_FR;
    if (lb <= -BK_INF)
        return GLP_UP;
    if (ub >= BK_INF)
        return GLP_LO;
    if (lb == ub)
        return GLP_FX;
    return GLP_DB;
}

typedef struct col_ctx {
    bk_model *m;
    const char *name;
    int kind;
    double lb, ub, obj;
    int j;
} col_ctx;

static void do_col(void *c)
{
    col_ctx *x = c;
    glp_prob *P = x->m->P;
    int j = glp_add_cols(P, 1);
    if (x->name && x->name[0])
        glp_set_col_name(P, j, x->name);
    glp_set_col_bnds(P, j, bnd_type(x->lb, x->ub), x->lb, x->ub);
    if (x->kind != BK_CONT)
        glp_set_col_kind(P, j, GLP_IV);
    glp_set_obj_coef(P, j, x->obj);
    x->j = j;
}

int bk_col(bk_model *m, const char *name, int kind, double lb, double ub, double obj)
{
    if (!alive(m))
        return -1;
    char buf[260] = "";
    if (name)
        name_of(m, name, buf, sizeof buf);
    if (kind == BK_BIN) {
        if (lb < 0)
            lb = 0;
        if (ub > 1)
            ub = 1;
    }
    col_ctx x = {m, buf, kind, lb, ub, obj, 0};
    if (bk_guard(do_col, &x))
        return -1;
    if (kind != BK_CONT)
        m->nint++;
    return x.j - 1;
}

static void do_bounds(void *c)
{
    col_ctx *x = c;
    glp_set_col_bnds(x->m->P, x->j, bnd_type(x->lb, x->ub), x->lb, x->ub);
}

int bk_set_bounds(bk_model *m, int col, double lb, double ub)
{
    if (!alive(m))
        return BK_EBACKEND;
    col_ctx x = {m, NULL, 0, lb, ub, 0, col + 1};
    return bk_guard(do_bounds, &x) ? BK_EBACKEND : BK_OK;
}

typedef struct row_ctx {
    bk_model *m;
    const char *name;
    int n;
    double lb, ub;
    int i;
} row_ctx;

static void do_row(void *c)
{
    row_ctx *x = c;
    glp_prob *P = x->m->P;
    int i = glp_add_rows(P, 1);
    if (x->name && x->name[0])
        glp_set_row_name(P, i, x->name);
    glp_set_row_bnds(P, i, bnd_type(x->lb, x->ub), x->lb, x->ub);
    if (x->n > 0)
        glp_set_mat_row(P, i, x->n, x->m->ind, x->m->val);
    x->i = i;
}

int bk_row(bk_model *m, const char *name, int n, const int *cols, const double *vals, double lb,
           double ub)
{
    if (!alive(m))
        return -1;
    if (n + 1 > m->scratch) {
        int cap = m->scratch ? m->scratch : 64;
        while (cap < n + 1)
            cap *= 2;
        int *ni = realloc(m->ind, sizeof(int) * (size_t)cap);
        if (!ni)
            return -1;
        m->ind = ni;
        double *nv = realloc(m->val, sizeof(double) * (size_t)cap);
        if (!nv)
            return -1;
        m->val = nv;
        m->scratch = cap;
    }
    for (int k = 0; k < n; k++) {
        m->ind[k + 1] = cols[k] + 1;
        m->val[k + 1] = vals ? vals[k] : 1.0;
    }
    char buf[260] = "";
    if (name)
        name_of(m, name, buf, sizeof buf);
    row_ctx x = {m, buf, n, lb, ub, 0};
    if (bk_guard(do_row, &x))
        return -1;
    return x.i - 1;
}

int bk_col_ub(const bk_model *m, int col, double *ub)
{
    if (!alive(m) || col < 0 || col >= glp_get_num_cols(m->P))
        return BK_EBACKEND;
    *ub = glp_get_col_ub(m->P, col + 1);
    return BK_OK;
}

int bk_add_obj(bk_model *m, int col, double delta)
{
    if (!alive(m) || col < 0 || col >= glp_get_num_cols(m->P))
        return BK_EBACKEND;
    glp_set_obj_coef(m->P, col + 1, glp_get_obj_coef(m->P, col + 1) + delta);
    return BK_OK;
}

int bk_set_obj_const(bk_model *m, double c)
{
    if (!alive(m))
        return BK_EBACKEND;
    glp_set_obj_coef(m->P, 0, c);
    return BK_OK;
}

int bk_ncols(const bk_model *m)
{
    return alive(m) ? glp_get_num_cols(m->P) : 0;
}

int bk_nrows(const bk_model *m)
{
    return alive(m) ? glp_get_num_rows(m->P) : 0;
}

typedef struct write_ctx {
    glp_prob *P;
    const char *path;
    int lp;
    int rc;
} write_ctx;

/* Negate the objective (constant term included) and its sense. */
static void flip_objective(glp_prob *P)
{
    int n = glp_get_num_cols(P);
    for (int j = 0; j <= n; j++)
        glp_set_obj_coef(P, j, -glp_get_obj_coef(P, j));
    glp_set_obj_dir(P, glp_get_obj_dir(P) == GLP_MAX ? GLP_MIN : GLP_MAX);
}

/* Free MPS carries no objective sense and every reader minimises it, so a
 * maximisation goes out as the minimisation of its negated objective (CBC
 * 2.10's -max with its preprocessing wrongly declared exported models
 * infeasible).  The model is restored after writing. */
static void do_write(void *c)
{
    write_ctx *x = c;
    if (x->lp) {
        x->rc = glp_write_lp(x->P, NULL, x->path);
        return;
    }
    int flip = glp_get_obj_dir(x->P) == GLP_MAX;
    if (flip)
        flip_objective(x->P);
    x->rc = glp_write_mps(x->P, GLP_MPS_FILE, NULL, x->path);
    if (flip)
        flip_objective(x->P);
}

int bk_write(bk_model *m, const char *path)
{
    if (!alive(m) || !path)
        return BK_EBACKEND;
    /* a regular file (or none yet) is written next to the target, then
     * renamed: the old file stays intact when writing fails.  Anything
     * else (a device such as /dev/null, a FIFO) is written in place:
     * renaming a file over it would destroy it. */
    struct stat st;
    int in_place = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    if (in_place && S_ISDIR(st.st_mode))
        return BK_EIO;
    size_t len = strlen(path);
    char *tmp = NULL;
    if (!in_place) {
        tmp = malloc(len + 16);
        if (!tmp)
            return BK_ENOMEM;
        snprintf(tmp, len + 16, "%s.tmp", path);
    }
    write_ctx x = {m->P, in_place ? path : tmp, len >= 3 && strcmp(path + len - 3, ".lp") == 0, 1};
    int rc = BK_OK;
    if (bk_guard(do_write, &x))
        rc = BK_EBACKEND;
    else if (x.rc != 0 || (tmp && rename(tmp, path) != 0))
        rc = BK_EIO;
    if (rc != BK_OK && tmp)
        remove(tmp);
    free(tmp);
    return rc;
}

void bk_keep_names(bk_model *m)
{
    if (m)
        m->raw_names = 1;
}

int bk_nbin(const bk_model *m)
{
    return alive(m) ? glp_get_num_bin(m->P) : 0;
}

long bk_nnz(const bk_model *m)
{
    return alive(m) ? (long)glp_get_num_nz(m->P) : 0;
}

typedef struct read_ctx {
    bk_model *m;
    const char *path;
    int lp;
    int rc;
} read_ctx;

static void do_read(void *c)
{
    read_ctx *x = c;
    x->m->P = glp_create_prob();
    x->m->gen = bk_gen;
    x->rc = x->lp ? glp_read_lp(x->m->P, NULL, x->path)
                  : glp_read_mps(x->m->P, GLP_MPS_FILE, NULL, x->path);
}

bk_model *bk_read(const char *path, int *err)
{
    bk_model *m = calloc(1, sizeof *m);
    if (!m) {
        *err = BK_ENOMEM;
        return NULL;
    }
    size_t len = strlen(path);
    read_ctx x = {m, path, len >= 3 && strcmp(path + len - 3, ".lp") == 0, 0};
    *err = BK_OK;
    if (bk_guard(do_read, &x))
        *err = BK_EBACKEND;
    else if (x.rc != 0)
        *err = BK_EIO;
    if (*err == BK_OK)
        return m;
    bk_free(m);
    return NULL;
}
