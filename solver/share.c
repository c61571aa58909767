/* share.c - a second neighbourhood search in a process of its own, and the
 * plans the two searches hand each other.
 *
 * GLPK is not thread-safe, so the second search is a forked process: it
 * starts from the same incumbent with another random stream, and each
 * search publishes every plan it improves to in a slot of shared memory
 * that the other reads between neighbourhoods.  A slot is a sequence lock:
 * the writer makes the count odd, copies, makes it even; a reader keeps a
 * copy only when the count was even and the same before and after.  The
 * reader still verifies every plan it takes (sv_plan_verify), so a torn or
 * stale copy can cost a neighbourhood, never a wrong schedule.
 *
 * The helper never outlives its parent's deadline (its search stops there),
 * dies with the parent (PR_SET_PDEATHSIG) and is killed and reaped by
 * sv_share_close. */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sv.h"

/* One direction: a plan and its sequence count. */
typedef struct slot {
    atomic_uint seq; /* odd while being written */
    double obj;
    /* then ng sv_gsol and np int, at slot_gs / slot_pg */
} slot;

struct sv_share {
    const sv_prob *pr;
    unsigned char *mem; /* two slots */
    size_t slot_size, mem_size;
    pid_t pid;          /* the helper (parent side), or 0 */
    int side;           /* 0 parent, 1 helper: the slot written */
    unsigned seen;      /* the other slot's count last taken */
    double put_obj;     /* the objective last published */
    sv_plan tmp;        /* a read, kept only when consistent */
};

static slot *slot_at(const sv_share *sh, int side)
{
    return (slot *)(void *)(sh->mem + (size_t)side * sh->slot_size);
}

static sv_gsol *slot_gs(slot *s)
{
    return (sv_gsol *)(void *)((unsigned char *)s + sizeof(slot));
}

static int *slot_pg(const sv_share *sh, slot *s)
{
    return (int *)(void *)((unsigned char *)slot_gs(s) +
                           sizeof(sv_gsol) * (size_t)sh->pr->ng);
}

int sv_share_open(const sv_prob *pr, sv_share **out)
{
    sv_share *sh = calloc(1, sizeof *sh);
    if (!sh)
        return SOLVER_ENOMEM;
    sh->pr = pr;
    size_t sz = sizeof(slot) + sizeof(sv_gsol) * (size_t)pr->ng + sizeof(int) * (size_t)pr->np;
    sh->slot_size = (sz + 63) / 64 * 64;
    sh->mem_size = 2 * sh->slot_size;
    void *m = mmap(NULL, sh->mem_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        free(sh);
        return SOLVER_ENOMEM;
    }
    if (sv_plan_alloc(pr, &sh->tmp)) {
        munmap(m, sh->mem_size);
        free(sh);
        return SOLVER_ENOMEM;
    }
    sh->mem = m; /* zero-filled: both counts 0, nothing published */
    sh->put_obj = -HUGE_VAL;
    *out = sh;
    return SOLVER_OK;
}

int sv_share_fork(sv_share *sh)
{
    assert(sh->pid == 0 && sh->side == 0);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        sh->side = 1;
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(0); /* the parent is already gone */
        return 1;
    }
    sh->pid = pid;
    return 0;
}

int sv_share_is_helper(const sv_share *sh)
{
    return sh && sh->side == 1;
}

void sv_share_put(sv_share *sh, const sv_plan *pl)
{
    if (!sh || pl->obj <= sh->put_obj)
        return;
    slot *s = slot_at(sh, sh->side);
    unsigned q = atomic_load_explicit(&s->seq, memory_order_relaxed);
    atomic_store_explicit(&s->seq, q + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    s->obj = pl->obj;
    memcpy(slot_gs(s), pl->gs, sizeof(sv_gsol) * (size_t)sh->pr->ng);
    memcpy(slot_pg(sh, s), pl->pg, sizeof(int) * (size_t)sh->pr->np);
    atomic_store_explicit(&s->seq, q + 2, memory_order_release);
    sh->put_obj = pl->obj;
}

int sv_share_get(sv_share *sh, sv_plan *pl)
{
    if (!sh)
        return 0;
    slot *s = slot_at(sh, 1 - sh->side);
    unsigned q = atomic_load_explicit(&s->seq, memory_order_acquire);
    if (q == sh->seen || (q & 1u))
        return 0;
    sh->tmp.obj = s->obj;
    memcpy(sh->tmp.gs, slot_gs(s), sizeof(sv_gsol) * (size_t)sh->pr->ng);
    memcpy(sh->tmp.pg, slot_pg(sh, s), sizeof(int) * (size_t)sh->pr->np);
    atomic_thread_fence(memory_order_acquire);
    if (atomic_load_explicit(&s->seq, memory_order_relaxed) != q)
        return 0; /* written meanwhile: taken next time */
    sh->seen = q;
    return sv_plan_copy(sh->pr, pl, &sh->tmp) == SOLVER_OK;
}

void sv_share_close(sv_share *sh)
{
    if (!sh)
        return;
    if (sh->side == 1)
        _exit(0); /* the helper: nothing of its own to write or free */
    if (sh->pid > 0) {
        kill(sh->pid, SIGKILL);
        while (waitpid(sh->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    munmap(sh->mem, sh->mem_size);
    sv_plan_free(&sh->tmp);
    free(sh);
}
