/*
 * Exceptions in user mode, and fault handlers (DESIGN.md section 4).
 *
 * A page fault on a page the process may touch is the first touch of a
 * frame on demand: the page appears and the instruction runs again. Any
 * other page fault (a write to a read-only view or page, a touch of a
 * non-readable page, an address outside the process's regions, a stacklet
 * overrun) goes to the process's handler closure if it registered one:
 * the handler runs on a fresh stacklet, with the closure's argument and a
 * dogma_fault_info_t, and ends with fault_return, resuming the faulting
 * instruction (after fixing the cause, say with region_protect) or asking
 * for teardown. With no handler, or a fault inside the handler, or any
 * other exception (#UD from a translated trap, #GP, #DE, ...), the process
 * is torn down, and the kernel log says why.
 */
#include <arch/arch.h>
#include <kern/heap.h>
#include <kern/log.h>
#include <kern/proc.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/stacklet.h>
#include <kern/string.h>
#include <kern/vrange.h>

#include "sys.h"

static const char *fault_kind_name(unsigned k)
{
    switch (k) {
    case DOGMA_FAULT_WRITE_READONLY: return "write to a read-only page";
    case DOGMA_FAULT_NOT_READABLE: return "touch of a non-readable page";
    case DOGMA_FAULT_UNMAPPED: return "address outside its regions";
    case DOGMA_FAULT_STACK: return "stacklet overrun";
    default: return "exception";
    }
}

/* Starts the handler in u; false if it cannot run. */
static bool run_handler(proc_t *p, arch_uctx_t *u, const dogma_fault_info_t *info)
{
    if (!p->fault_entry || p->in_fault)
        return false;
    stacklet_t *mark = p->stack;
    stacklet_t *s = stk_grow(p, p->fault_stack, arch_uctx_sp(u));
    if (!s)
        return false;
    uint64_t top = stk_top(s);
    uint64_t at = ALIGN_DOWN(top - sizeof *info, 16);
    /* The spare may share its frames copy-on-write with a fork child's
     * stacklet: a write must copy the page first. */
    paddr_t f = region_frame_w(s->region, ALIGN_DOWN(at, PAGE_SIZE));
    if (!f) {
        stk_shrink(p, NULL);
        return false;
    }
    memcpy((uint8_t *)arch_phys_to_virt(f) + (at & (PAGE_SIZE - 1)), info, sizeof *info);
    p->fault_uctx = *u;
    p->fault_mark = mark;
    p->fault_kind = info->kind;
    arch_fpu_save(p->fault_fpu);
    p->in_fault = true;
    p->fault_runs++;
    arch_uctx_init(u, p->fault_entry, at - 8, p->fault_arg, at, p->xb ? p->xb_addr : proc_pb_va(p));
    return true;
}

/* A translated trap is `ud2; .byte code` in approved code (spec/abi.md
 * Part I, section 7): for an invalid opcode there, the code byte, so that
 * whoever monitors the process can say which trap it was. 0 otherwise. */
static uint32_t trap_code_at(proc_t *p, const arch_fault_t *f)
{
    if (f->vector != ARCH_FAULT_UD || p->kind != DOGMA_PROC_VERIFIED)
        return 0;
    uint8_t b[3];
    for (unsigned i = 0; i < 3; i++) {
        region_t *r = region_find(f->rip + i);
        paddr_t pa = r && (r->flags & REGION_CODE) && region_rights(r, p)
                         ? region_frame(r, ALIGN_DOWN(f->rip + i, PAGE_SIZE), false) : 0;
        if (!pa)
            return 0;
        b[i] = ((const uint8_t *)arch_phys_to_virt(pa))[(f->rip + i) & (PAGE_SIZE - 1)];
    }
    return b[0] == 0x0f && b[1] == 0x0b ? b[2] : 0;
}

void kern_user_exception(arch_uctx_t *u, const arch_fault_t *f)
{
    proc_t *p = sched_current();
    unsigned kind = 0;
    if (f->vector == ARCH_FAULT_PAGE) {
        region_t *r = region_find(f->fault_addr);
        kind = DOGMA_FAULT_UNMAPPED;
        if (r && region_rights(r, p)) {
            rfault_t rf = region_fault(r, p, f->fault_addr, arch_fault_is_write(f),
                                       arch_fault_is_exec(f));
            if (rf == RFAULT_OK)
                return;
            if (rf == RFAULT_NO_MEMORY) {
                log_warn("fault", "pid %lu (%s): out of memory for a page at %lx", p->pid, p->name,
                         f->fault_addr);
                proc_end(p, PROC_TORN_DOWN, -1, DOGMA_FAULT_UNMAPPED);
            }
            kind = rf;
        }
        dogma_fault_info_t info = {
            .address = f->fault_addr, .rip = f->rip, .rsp = arch_uctx_sp(u), .kind = kind,
            .write = arch_fault_is_write(f),
        };
        if (run_handler(p, u, &info))
            return;
    }
    p->fault_rip = f->rip;
    p->fault_addr = f->vector == ARCH_FAULT_PAGE ? f->fault_addr : 0;
    p->trap_code = trap_code_at(p, f);
    if (p->trap_code)
        log_warn("fault", "pid %lu (%s) torn down: trap %u of translated code at rip %lx",
                 p->pid, p->name, p->trap_code, f->rip);
    else
        log_warn("fault", "pid %lu (%s) torn down: %s%s%s at rip %lx, address %lx", p->pid,
                 p->name, arch_fault_name(f->vector), kind ? ": " : "",
                 kind ? fault_kind_name(kind) : "", f->rip, f->fault_addr);
    if (p->in_fault)
        log_warn("fault", "  (the fault came inside its fault handler)");
    proc_end(p, PROC_TORN_DOWN, -1, kind ? kind : 0x100 + f->vector);
}

int64_t sys_fault_handler(sys_call_t *c)
{
    int64_t r;
    if (c->a[0] && (r = sys_range(c, 0, PAGE_SIZE, VRANGE_USER_HI)) < 0)
        return r;
    if (c->a[0] && (r = sys_range(c, 1, 1, STACKLET_MAX)) < 0)
        return r;
    proc_t *p = c->p;
    if (c->a[0] && !p->fault_fpu && !(p->fault_fpu = kmalloc(ARCH_FPU_SIZE)))
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    p->fault_entry = c->a[0];
    p->fault_stack = c->a[1];
    p->fault_arg = c->a[2];
    return 0;
}

int64_t sys_fault_return(sys_call_t *c)
{
    proc_t *p = c->p;
    int64_t r;
    if ((r = sys_range(c, 0, DOGMA_FAULT_RESUME, DOGMA_FAULT_TEARDOWN)) < 0)
        return r;
    if (!p->in_fault)
        return sys_fail(c, DOGMA_E_STATE, ARG_NONE, 0, 0);
    if (c->a[0] == DOGMA_FAULT_TEARDOWN) {
        log_info("fault", "pid %lu (%s): its fault handler asked for teardown", p->pid, p->name);
        proc_end(p, PROC_TORN_DOWN, -1, p->fault_kind);
    }
    while (p->stack != p->fault_mark && stk_shrink(p, NULL))
        ;
    *arch_kstack_uctx(&p->kstack) = p->fault_uctx;
    arch_fpu_restore(p->fault_fpu);
    p->in_fault = false;
    p->full_return = true;
    return 0;
}
