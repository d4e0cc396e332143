/*
 * System calls: the log, the end of a process, yielding, time, the
 * process block, regions, capability handles, stacklets, devices and
 * tokens. (Processes: sys_proc.c. IPC: ipc.c. Faults: fault.c.)
 */
#include <arch/arch.h>
#include <kern/heap.h>
#include <kern/ipc.h>
#include <kern/log.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/stacklet.h>
#include <kern/string.h>

#include "sys.h"

#define DEBUG_LOG_MAX 512

int64_t sys_debug_log(sys_call_t *c)
{
    char buf[DEBUG_LOG_MAX + 1];
    int64_t r;
    if ((r = sys_range(c, 1, 0, DEBUG_LOG_MAX)) < 0)
        return r;
    dogma_err_t e = uaccess_copy_in(c->p, buf, uptr(c->a[0]), c->a[1]);
    if (e)
        return sys_uerr(c, e, 0);
    size_t n = c->a[1];
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    for (size_t i = 0; i < n; i++)
        if ((uint8_t)buf[i] < 0x20 || (uint8_t)buf[i] > 0x7e)
            buf[i] = '?'; /* no terminal control from user space */
    buf[n] = 0;
    log_info("user", "%lu %s: %s", c->p->pid, c->p->name, buf);
    return 0;
}

int64_t sys_exit(sys_call_t *c)
{
    proc_end(c->p, PROC_EXITED, (int64_t)c->a[0], 0);
    return 0; /* not reached */
}

int64_t sys_yield(sys_call_t *c)
{
    (void)c;
    sched_yield();
    return 0;
}

int64_t sys_yield_to(sys_call_t *c)
{
    int64_t r;
    proc_t *to = sys_live_process(c, &r);
    if (!to)
        return r;
    if (!sched_yield_to(to))
        return sys_fail(c, DOGMA_E_STATE, 0, 0, 0);
    return 0;
}

int64_t sys_clock(sys_call_t *c)
{
    (void)c;
    return (int64_t)arch_uptime_ns();
}

int64_t sys_pb_set(sys_call_t *c)
{
    int64_t r;
    if ((r = sys_range(c, 0, DOGMA_PB_ENV_FIRST, DOGMA_PB_ENV_END - 8)) < 0)
        return r;
    if (c->a[0] & 7)
        return sys_fail(c, DOGMA_E_BAD_ARG, 0, DOGMA_PB_ENV_FIRST, DOGMA_PB_ENV_END - 8);
    proc_pb_write64(c->p, (unsigned)c->a[0], c->a[1]);
    return 0;
}

/* ---- regions ---------------------------------------------------------- */

int64_t sys_region_create(sys_call_t *c)
{
    int64_t r;
    if ((r = sys_range(c, 0, 1, REGION_MAX_BYTES)) < 0 || (r = sys_range(c, 1, 0, 0)) < 0)
        return r;
    region_t *rg = region_create(c->p, ALIGN_UP(c->a[0], PAGE_SIZE) / PAGE_SIZE, 0);
    if (!rg)
        return sys_fail(c, DOGMA_E_NO_MEMORY, 0, 0, 0);
    uint32_t h = cap_insert(c->p, &rg->obj, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER |
                                                DOGMA_R_DUP);
    if (!h) {
        kobj_release(&rg->obj);
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, 0);
    }
    c->r1 = rg->base;
    return h;
}

int64_t sys_region_info(sys_call_t *c)
{
    region_t *rg = (region_t *)c->h0->obj;
    dogma_region_info_t info = {
        .base = rg->base, .size = rg->npages * PAGE_SIZE, .resident = rg->resident * PAGE_SIZE,
        .kind = cap_kind_of(&rg->obj),
    };
    dogma_err_t e = uaccess_copy_out(c->p, uptr(c->a[1]), &info, sizeof info);
    return e ? sys_uerr(c, e, 1) : 0;
}

int64_t sys_region_protect(sys_call_t *c)
{
    region_t *rg = (region_t *)c->h0->obj;
    uint64_t size = rg->npages * PAGE_SIZE;
    int64_t r;
    if ((c->a[1] | c->a[2]) & (PAGE_SIZE - 1))
        return sys_fail(c, DOGMA_E_BAD_ARG, (c->a[1] & (PAGE_SIZE - 1)) ? 1 : 2, 0, size);
    if ((r = sys_range(c, 1, 0, size)) < 0 || (r = sys_range(c, 2, 1, size - c->a[1])) < 0 ||
        (r = sys_range(c, 3, DOGMA_PROT_RW, DOGMA_PROT_NONE)) < 0)
        return r;
    /* Only an exclusive owner marks pages: others may rely on them. */
    if (rg->flags & (REGION_CODE | REGION_FIXED | REGION_SHARED_RW))
        return sys_fail(c, DOGMA_E_STATE, 0, 0, 0);
    /* The entries first: a protection is applied whole or refused. */
    if (!region_entries(rg, c->a[1], c->a[2]))
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    region_protect(rg, c->a[1], c->a[2], (unsigned)c->a[3]);
    return 0;
}

int64_t sys_region_share(sys_call_t *c)
{
    region_t *rg = (region_t *)c->h0->obj;
    int64_t r;
    if ((r = sys_range(c, 1, DOGMA_SHARE_VIEW, DOGMA_SHARE_RW)) < 0)
        return r;
    if (rg->flags & (REGION_SHARED_RW | REGION_CODE | REGION_FIXED))
        return sys_fail(c, DOGMA_E_STATE, 0, 0, 0);
    region_share(rg, c->a[1] == DOGMA_SHARE_RW);
    /* Holders may now duplicate it and pass it on; a view never writes. */
    c->h0->rights |= DOGMA_R_DUP | DOGMA_R_TRANSFER;
    if (c->a[1] == DOGMA_SHARE_VIEW)
        c->h0->rights &= ~(uint32_t)DOGMA_R_WRITE;
    return 0;
}

/* ---- handles ---------------------------------------------------------- */

int64_t sys_cap_dup(sys_call_t *c)
{
    kobj_t *o = c->h0->obj;
    /* An exclusive region has one holder: it moves, it is not copied. */
    if (cap_kind_of(o) == DOGMA_CAP_REGION && !(((region_t *)o)->flags & REGION_SHARED_RW))
        return sys_fail(c, DOGMA_E_STATE, 0, 0, 0);
    if (c->a[1] & ~(uint64_t)c->h0->rights)
        return sys_fail(c, DOGMA_E_RIGHTS, 1, 0, c->h0->rights);
    kobj_retain(o);
    uint32_t h = cap_insert(c->p, o, (uint32_t)c->a[1]);
    if (!h) {
        kobj_release(o);
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, CAP_TABLE_MAX);
    }
    return h;
}

int64_t sys_cap_dispose(sys_call_t *c)
{
    cap_dispose(c->p, (uint32_t)c->a[0]);
    return 0;
}

void sys_describe_cap(kobj_t *o, uint32_t rights, dogma_cap_info_t *out)
{
    dogma_cap_info_t info = {.kind = cap_kind_of(o), .rights = rights};
    switch (o->kind) {
    case DOGMA_CAP_PROCESS: info.object = ((proc_t *)o)->pid; break;
    case DOGMA_CAP_TOKEN:
        info.object = ((token_t *)o)->tag;
        info.extra = ((token_t *)o)->maker_pid;
        break;
    case DOGMA_CAP_IOPORT:
        info.object = ((ioport_t *)o)->base;
        info.extra = ((ioport_t *)o)->count;
        break;
    case DOGMA_CAP_REGION:
        info.object = ((region_t *)o)->base;
        info.extra = ((region_t *)o)->npages * PAGE_SIZE;
        break;
    case DOGMA_CAP_PHYS:
        info.object = ((physview_t *)o)->base;
        info.extra = ((physview_t *)o)->size;
        break;
    case DOGMA_CAP_IRQ: info.object = ((irqobj_t *)o)->line; break;
    default: break;
    }
    *out = info;
}

int64_t sys_cap_info(sys_call_t *c)
{
    dogma_cap_info_t info;
    sys_describe_cap(c->h0->obj, c->h0->rights, &info);
    dogma_err_t e = uaccess_copy_out(c->p, uptr(c->a[1]), &info, sizeof info);
    return e ? sys_uerr(c, e, 1) : 0;
}

int64_t sys_token_create(sys_call_t *c)
{
    kobj_t *t = cap_new_token(c->a[0], c->p->pid);
    if (!t)
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    uint32_t h = cap_insert(c->p, t, DOGMA_R_DUP | DOGMA_R_TRANSFER);
    if (!h) {
        kobj_release(t);
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, CAP_TABLE_MAX);
    }
    return h;
}

/* ---- stacklets ---------------------------------------------------------- */

int64_t sys_stack_grow(sys_call_t *c)
{
    int64_t r;
    if ((r = sys_range(c, 0, 1, STACKLET_MAX)) < 0)
        return r;
    stacklet_t *s = stk_grow(c->p, c->a[0], arch_uctx_sp(arch_kstack_uctx(&c->p->kstack)));
    if (!s)
        return sys_fail(c, DOGMA_E_NO_MEMORY, 0, 1, STACK_TOTAL_MAX - c->p->stack_total);
    c->r1 = stk_limit(s);
    return (int64_t)stk_top(s);
}

int64_t sys_stack_shrink(sys_call_t *c)
{
    if (!stk_shrink(c->p, &c->r1))
        return sys_fail(c, DOGMA_E_STATE, ARG_NONE, 0, 0);
    return (int64_t)stk_limit(c->p->stack);
}

/* ---- devices ------------------------------------------------------------ */

static int64_t port_decode(sys_call_t *c)
{
    ioport_t *io = (ioport_t *)c->h0->obj;
    int64_t r;
    if ((r = sys_range(c, 2, 1, 4)) < 0)
        return r;
    if (c->a[2] == 3)
        return sys_fail(c, DOGMA_E_BAD_ARG, 2, 1, 4);
    /* Wider than the whole range: refused here, or base + count - width
     * below would wrap (for a range at port 0) and admit any port. */
    if (c->a[2] > io->count)
        return sys_fail(c, DOGMA_E_BAD_ARG, 2, 1, io->count);
    if ((r = sys_range(c, 1, io->base, (uint64_t)io->base + io->count - c->a[2])) < 0)
        return r;
    return 0;
}

int64_t sys_ioport_in(sys_call_t *c)
{
    int64_t r = port_decode(c);
    return r < 0 ? r : (int64_t)arch_port_in((uint16_t)c->a[1], (unsigned)c->a[2]);
}

int64_t sys_ioport_out(sys_call_t *c)
{
    int64_t r = port_decode(c);
    if (r < 0)
        return r;
    arch_port_out((uint16_t)c->a[1], (unsigned)c->a[2], (uint32_t)c->a[3]);
    return 0;
}

int64_t sys_irq_ack(sys_call_t *c)
{
    irqobj_t *q = (irqobj_t *)c->h0->obj;
    if (!q->fired)
        return sys_fail(c, DOGMA_E_STATE, 0, 0, 0);
    q->fired = false;
    arch_isa_irq_unmask(q->line);
    return 0;
}

int64_t sys_phys_map(sys_call_t *c)
{
    physview_t *v = (physview_t *)c->h0->obj;
    /* Without WRITE on the view, the frames come as a read-only view. */
    bool rw = c->h0->rights & DOGMA_R_WRITE;
    region_t *rg = region_create_fixed(v->base, v->size / PAGE_SIZE, rw ? 0 : REGION_SHARED);
    if (!rg)
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    uint32_t h = cap_insert(c->p, &rg->obj, DOGMA_R_READ | (rw ? DOGMA_R_WRITE : DOGMA_R_DUP));
    if (!h) {
        kobj_release(&rg->obj);
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, CAP_TABLE_MAX);
    }
    c->r1 = rg->base;
    return h;
}
