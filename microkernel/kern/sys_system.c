/*
 * The calls that look at or hand out the whole system: figures anyone may
 * read (sys_info, klog_read), and what only process 1 may do, because it
 * is the system's supervisor (spec/abi.md section 22): open any process by
 * pid, walk the process list, and make device capabilities.
 */
#include <arch/arch.h>
#include <kern/heap.h>
#include <kern/ipc.h>
#include <kern/log.h>
#include <kern/pmm.h>
#include <kern/proc.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/system.h>

#include "sys.h"

#define KLOG_READ_MAX 4096 /* bytes per klog_read */

/* RIGHTS with no argument at fault: the caller is not process 1. */
static int64_t need_one(sys_call_t *c)
{
    return c->p == proc_one ? 0 : sys_fail(c, DOGMA_E_RIGHTS, ARG_NONE, 1, 1);
}

int64_t sys_sys_info(sys_call_t *c)
{
    dogma_sys_info_t info = {
        .uptime_ns = arch_uptime_ns(),
        .mem_total = (uint64_t)kpmm.usable_frames * PAGE_SIZE,
        .mem_free = (uint64_t)kpmm.free_frames * PAGE_SIZE,
        .processes = proc_live,
        .heap_used = heap_stats(&kheap).bytes_live,
        .boot_ns = system_one_started_ns(),
    };
    dogma_err_t e = uaccess_copy_out(c->p, uptr(c->a[0]), &info, sizeof info);
    return e ? sys_uerr(c, e, 0) : 0;
}

int64_t sys_klog_read(sys_call_t *c)
{
    int64_t r;
    if ((r = sys_range(c, 2, 0, KLOG_READ_MAX)) < 0)
        return r;
    char *buf = kmalloc(KLOG_READ_MAX);
    if (!buf)
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    uint64_t next;
    size_t n = klog_ring_read(c->a[0], buf, (size_t)c->a[2], &next);
    dogma_err_t e = uaccess_copy_out(c->p, uptr(c->a[1]), buf, n);
    kfree(buf);
    if (e)
        return sys_uerr(c, e, 1);
    e = uaccess_copy_out(c->p, uptr(c->a[3]), &next, sizeof next);
    return e ? sys_uerr(c, e, 3) : (int64_t)n;
}

static proc_t *find_pid(uint64_t pid)
{
    for (proc_t *p = proc_list; p; p = p->all_next)
        if (p->pid == pid && !proc_ended(p))
            return p;
    return NULL;
}

int64_t sys_proc_open(sys_call_t *c)
{
    int64_t r;
    if ((r = need_one(c)) < 0)
        return r;
    proc_t *p = find_pid(c->a[0]);
    if (!p)
        return sys_fail(c, DOGMA_E_GONE, 0, 1, UINT64_MAX);
    if (p->parent_pid == 0 && p != c->p) /* verifierd: the kernel's, not process 1's */
        return sys_fail(c, DOGMA_E_RIGHTS, 0, 1, UINT64_MAX);
    kobj_retain(&p->obj);
    uint32_t h = cap_insert(c->p, &p->obj,
                            DOGMA_R_WAKE | DOGMA_R_SUSPEND | DOGMA_R_TEARDOWN | DOGMA_R_MONITOR |
                                DOGMA_R_DUP | DOGMA_R_TRANSFER);
    if (!h) {
        kobj_release(&p->obj);
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, CAP_TABLE_MAX);
    }
    return h;
}

int64_t sys_proc_next(sys_call_t *c)
{
    int64_t r;
    if ((r = need_one(c)) < 0)
        return r;
    proc_t *best = NULL;
    for (proc_t *p = proc_list; p; p = p->all_next)
        if (!proc_ended(p) && p->pid > c->a[0] && (!best || p->pid < best->pid))
            best = p;
    if (!best)
        return 0;
    dogma_proc_info_t info;
    proc_info(best, &info);
    dogma_err_t e = uaccess_copy_out(c->p, uptr(c->a[1]), &info, sizeof info);
    return e ? sys_uerr(c, e, 1) : (int64_t)best->pid;
}

int64_t sys_proc_caps(sys_call_t *c)
{
    int64_t r;
    if ((r = sys_range(c, 1, 0, CAP_TABLE_MAX)) < 0)
        return r;
    proc_t *p = (proc_t *)c->h0->obj;
    if (proc_ended(p))
        return 0; /* an ended process holds nothing */
    for (uint32_t i = c->a[1] ? (uint32_t)c->a[1] : 1; i < p->caps.nslots; i++) {
        cap_slot_t *s = &p->caps.slots[i];
        if (!s->obj)
            continue;
        dogma_cap_info_t info;
        sys_describe_cap(s->obj, s->rights, &info);
        dogma_err_t e = uaccess_copy_out(c->p, uptr(c->a[2]), &info, sizeof info);
        return e ? sys_uerr(c, e, 2) : (int64_t)i + 1;
    }
    return 0;
}

int64_t sys_dev_create(sys_call_t *c)
{
    int64_t r;
    if ((r = need_one(c)) < 0)
        return r;
    kobj_t *o = NULL;
    uint32_t rights = DOGMA_R_DUP | DOGMA_R_TRANSFER;
    uint64_t first = c->a[1], count = c->a[2];
    switch (c->a[0]) {
    case DOGMA_CAP_IRQ: {
        if ((r = sys_range(c, 1, 0, 15)) < 0)
            return r;
        if (!arch_isa_irq_valid((unsigned)first) || system_irq_kept((unsigned)first))
            return sys_fail(c, DOGMA_E_BAD_ARG, 1, 0, 15);
        irqobj_t *q = ipc_irq_create((unsigned)first);
        if (!q) /* valid, so already held by someone */
            return sys_fail(c, DOGMA_E_STATE, 1, 0, 15);
        o = &q->obj;
        rights |= DOGMA_R_WAIT;
        break;
    }
    case DOGMA_CAP_IOPORT:
        if ((r = sys_range(c, 1, 0, 0xffff)) < 0 || (r = sys_range(c, 2, 1, 0x10000 - first)) < 0)
            return r;
        if (system_ports_kept((uint16_t)first, (uint32_t)count))
            return sys_fail(c, DOGMA_E_BAD_ARG, 1, 0, 0xffff);
        o = cap_new_ioport((uint16_t)first, (uint16_t)count);
        rights |= DOGMA_R_READ | DOGMA_R_WRITE;
        break;
    case DOGMA_CAP_PHYS:
        if ((first & (PAGE_SIZE - 1)) || (r = sys_range(c, 1, 0, 1ull << 52)) < 0)
            return r < 0 ? r : sys_fail(c, DOGMA_E_BAD_ARG, 1, 0, 1ull << 52);
        if ((r = sys_range(c, 2, PAGE_SIZE, (1ull << 52) - first)) < 0)
            return r;
        if (count & (PAGE_SIZE - 1))
            return sys_fail(c, DOGMA_E_BAD_ARG, 2, PAGE_SIZE, (1ull << 52) - first);
        bool boot_module;
        if (!system_phys_allowed(first, count, &boot_module))
            return sys_fail(c, DOGMA_E_BAD_ARG, 1, 0, 1ull << 52);
        o = cap_new_phys(first, count);
        /* A boot module's frames are behind read-only views (the initrd):
         * never a writable way to them. */
        rights |= DOGMA_R_READ | (boot_module ? 0 : DOGMA_R_WRITE);
        break;
    default:
        return sys_fail(c, DOGMA_E_BAD_ARG, 0, DOGMA_CAP_IRQ, DOGMA_CAP_PHYS);
    }
    if (!o)
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    uint32_t h = cap_insert(c->p, o, rights);
    if (!h) {
        kobj_release(o);
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, CAP_TABLE_MAX);
    }
    log_info("dev", "process 1 made a device capability: kind %lu, %#lx, %#lx", c->a[0], first,
             count);
    return h;
}
