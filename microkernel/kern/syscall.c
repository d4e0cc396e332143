/*
 * System-call dispatch: the table built from dogma/abi.h, the generic
 * decode of argument 0, and the error record.
 *
 * kern_syscall runs on the caller's kernel stack with interrupts off. The
 * number is checked, argument 0's handle is checked against the kind and
 * rights abi.h declares, the handler runs (its own decode, then invoke),
 * and the result goes back in rax (and rdx). A failure also fills the
 * process block's error record (dogma_error_record_t), so a caller can
 * learn which argument was wrong and what range it had to lie in.
 */
#include <arch/arch.h>
#include <kern/log.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/string.h>

#include "sys.h"

typedef struct {
    int64_t (*fn)(sys_call_t *c);
    const char *name;
    uint8_t nargs, kind;
    uint16_t rights;
} sys_entry_t;

static const sys_entry_t table[DOGMA_SYSCALL_MAX] = {
#define DOGMA_SYS_ENTRY(num, name, n, k, r) [num] = {sys_##name, #name, n, k, r},
    DOGMA_SYSCALLS(DOGMA_SYS_ENTRY)
#undef DOGMA_SYS_ENTRY
};

uint64_t sys_calls; /* every call since boot (the fuzzer's count) */

int64_t sys_fail(sys_call_t *c, dogma_err_t e, unsigned arg, uint64_t min, uint64_t max)
{
    proc_t *p = c->p;
    if (p->pbk) {
        dogma_error_record_t rec = {
            .code = e, .syscall = c->nr, .arg = arg, .min = min, .max = max,
            .value = arg < 6 ? c->a[arg] : 0,
        };
        memcpy(p->pbk + DOGMA_PB_ERROR, &rec, sizeof rec);
    }
    return -(int64_t)e;
}

int64_t sys_range(sys_call_t *c, unsigned i, uint64_t min, uint64_t max)
{
    if (c->a[i] < min || c->a[i] > max)
        return sys_fail(c, DOGMA_E_BAD_ARG, i, min, max);
    return 0;
}

proc_t *sys_live_process(sys_call_t *c, int64_t *out_err)
{
    proc_t *p = (proc_t *)c->h0->obj;
    if (!proc_ended(p))
        return p;
    *out_err = sys_fail(c, DOGMA_E_GONE, 0, 0, 0);
    return NULL;
}

int64_t sys_uerr(sys_call_t *c, dogma_err_t e, unsigned i) { return sys_fail(c, e, i, 0, 0); }

int64_t sys_handle(sys_call_t *c, unsigned i, unsigned kind, uint32_t rights, cap_slot_t **out)
{
    uint64_t h = c->a[i];
    cap_slot_t *s = h <= UINT32_MAX ? cap_lookup(c->p, (uint32_t)h) : NULL;
    if (!s)
        return sys_fail(c, DOGMA_E_BAD_HANDLE, i, 0, 0);
    unsigned k = cap_kind_of(s->obj);
    bool kind_ok = kind == DOGMA_CAP_ANY || k == kind ||
                   (kind == DOGMA_CAP_MEMORY && (k == DOGMA_CAP_REGION || k == DOGMA_CAP_VIEW));
    if (!kind_ok)
        return sys_fail(c, DOGMA_E_WRONG_KIND, i, kind, kind);
    if ((s->rights & rights) != rights)
        return sys_fail(c, DOGMA_E_RIGHTS, i, rights, s->rights);
    *out = s;
    return 0;
}

bool kern_syscall(arch_uctx_t *u)
{
    proc_t *p = sched_current();
    sys_call_t c = {.p = p, .nr = (unsigned)MIN(arch_uctx_syscall_number(u), 0xffffffffu)};
    arch_uctx_args(u, c.a);
    p->full_return = false;
    sys_calls++;

    int64_t r;
    uint64_t nr = arch_uctx_syscall_number(u);
    const sys_entry_t *e = nr < DOGMA_SYSCALL_MAX ? &table[nr] : NULL;
    if (!e || !e->fn) {
        r = sys_fail(&c, DOGMA_E_BAD_SYSCALL, ARG_NONE, 0, DOGMA_SYSCALL_MAX - 1);
    } else if (e->kind != DOGMA_CAP_NONE && (r = sys_handle(&c, 0, e->kind, e->rights, &c.h0)) < 0) {
        /* recorded by sys_handle */
    } else {
        r = e->fn(&c);
    }
    /* The context the call left may be another (a fault handler's, a
     * fork child's); only the fast return's registers are written here. */
    if (!p->full_return)
        arch_uctx_set_result(u, (uint64_t)r, c.r1);
    return p->full_return;
}

const char *sys_name(unsigned nr);
const char *sys_name(unsigned nr) { return nr < DOGMA_SYSCALL_MAX && table[nr].name ? table[nr].name : "?"; }
