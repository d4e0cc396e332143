/*
 * Processes (include/kern/proc.h): creation, the process block, the end
 * of a process and the accounting.
 *
 * A process holds one reference to itself while it lives (dropped when
 * its kernel stack is reaped); handles to it hold the others. Ending a
 * process releases everything it holds at once, except the kernel stack
 * it may be running on, which the next context frees (proc_reap).
 */
#include <kern/heap.h>
#include <kern/ipc.h>
#include <kern/log.h>
#include <kern/pmm.h>
#include <kern/proc.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/stacklet.h>
#include <kern/string.h>

#define KSTACK_PAGES 4

proc_t *proc_list;
proc_t *proc_one;
uint64_t proc_live;
static uint64_t next_pid = 1;

/* The translation block of a verified process gets the preemption flag
 * and the stack limit too (its first 16 bytes; map_code checked they lie
 * on one page). The process may write there; the kernel never reads it. */
static void mirror(proc_t *p, unsigned off, const void *v, size_t n)
{
    if (!p->xb || off + n > 16 || !(region_rights(p->xb, p) & DOGMA_R_WRITE) ||
        (p->xb->flags & REGION_SHARED))
        return; /* given away, or now a view: not ours to write */
    paddr_t f = region_frame_w(p->xb, ALIGN_DOWN(p->xb_addr, PAGE_SIZE));
    if (f)
        memcpy((uint8_t *)arch_phys_to_virt(f) + (p->xb_addr & (PAGE_SIZE - 1)) + off, v, n);
}

void proc_pb_write64(proc_t *p, unsigned off, uint64_t v)
{
    KASSERT(off + 8 <= PAGE_SIZE);
    *(volatile uint64_t *)(p->pbk + off) = v;
    mirror(p, off, &v, 8);
}

void proc_pb_write32(proc_t *p, unsigned off, uint32_t v)
{
    KASSERT(off + 4 <= PAGE_SIZE);
    *(volatile uint32_t *)(p->pbk + off) = v;
    mirror(p, off, &v, 4);
}

uint64_t proc_pb_va(const proc_t *p) { return p->pb->base; }

static bool make_kstack(proc_t *p)
{
    if (!arch_kstack_alloc(&p->kstack, KSTACK_PAGES))
        return false;
    p->frames += KSTACK_PAGES;
    return true;
}

static bool make_pb(proc_t *p)
{
    p->pb = region_create(p, 1, REGION_PB);
    if (!p->pb)
        return false;
    paddr_t f = region_frame(p->pb, p->pb->base, true);
    if (!f)
        return false;
    p->pbk = arch_phys_to_virt(f);
    proc_pb_write64(p, DOGMA_PB_PID, p->pid);
    proc_pb_write64(p, DOGMA_PB_PARENT, p->parent_pid);
    proc_pb_write32(p, DOGMA_PB_KIND, p->kind);
    return true;
}

/* Undoes a half-made process (nothing of it was ever visible). */
static void unmake(proc_t *p)
{
    stk_free_all(p);
    if (p->pb)
        kobj_release(&p->pb->obj);
    if (p->kind == DOGMA_PROC_ISOLATED && p->vs)
        arch_vs_destroy(p->vs);
    if (p->kstack.base)
        arch_kstack_free(&p->kstack);
    kfree(p->fpu);
    kobj_live[DOGMA_CAP_PROCESS]--;
    kfree(p);
}

/* Once the system boots (not a test), pid 1 waits for process 1, which
 * verifierd starts with DOGMA_MAP_INIT after the kernel started it. */
static bool one_reserved, one_fatal;

void proc_reserve_one(void)
{
    KASSERT(next_pid == 1);
    next_pid = 2;
    one_reserved = one_fatal = true;
}

bool proc_one_reserved(void) { return one_reserved; }

proc_t *proc_create(unsigned kind, const char *name, uint64_t parent_pid, size_t stack_bytes)
{
    return proc_create_pid(kind, name, parent_pid, stack_bytes, false);
}

proc_t *proc_create_pid(unsigned kind, const char *name, uint64_t parent_pid,
                        size_t stack_bytes, bool one)
{
    KASSERT(!one || one_reserved);
    proc_t *p = (proc_t *)kobj_new(sizeof *p, DOGMA_CAP_PROCESS);
    if (!p)
        return NULL;
    p->pid = one ? 1 : next_pid++;
    p->parent_pid = parent_pid;
    p->kind = kind;
    p->state = PROC_BLOCKED; /* until proc_start */
    p->prio = 1;
    strlcpy(p->name, name ? name : "?", sizeof p->name);
    p->fpu = kmalloc(ARCH_FPU_SIZE);
    p->vs = kind == DOGMA_PROC_ISOLATED ? arch_vs_create() : arch_vs_global();
    if (!p->fpu || !p->vs || !make_kstack(p) || !make_pb(p) ||
        (stack_bytes != PROC_NO_STACK &&
         !stk_grow(p, stack_bytes ? stack_bytes : STACKLET_DEFAULT, 0))) {
        unmake(p);
        return NULL;
    }
    KASSERT(IS_ALIGNED((uintptr_t)p->fpu, ARCH_FPU_ALIGN));
    p->all_next = proc_list;
    proc_list = p;
    if (one)
        one_reserved = false; /* only now: a failure above leaves pid 1 free */
    if (p->pid == 1)
        proc_one = p;
    proc_live++;
    return p;
}

void proc_start(proc_t *p, vaddr_t entry, uint64_t arg0, uint64_t arg1, uint64_t block)
{
    arch_kstack_prepare(&p->kstack);
    /* rsp as after a call: 16-byte aligned plus the return address slot. */
    arch_uctx_init(arch_kstack_uctx(&p->kstack), entry, stk_top(p->stack) - 8, arg0, arg1, block);
    p->full_return = true;
    sched_make_runnable(p);
}

static const char *end_word(proc_state_t how)
{
    return how == PROC_EXITED ? "exited" : "torn down";
}

static void release_all(proc_t *p)
{
    ipc_cancel_waits(p);
    cap_table_clear(p);
    for (unsigned i = 0; i < p->ninbox; i++)
        kobj_release(p->inbox[i].obj);
    p->ninbox = 0;
    cap_table_free(p);
    stk_free_all(p);
    if (p->xb) {
        kobj_release(&p->xb->obj);
        p->xb = NULL;
    }
    if (p->pb) {
        kobj_release(&p->pb->obj);
        p->pb = NULL;
        p->pbk = NULL;
    }
    kfree(p->fault_fpu);
    p->fault_fpu = NULL;
    region_disown_all(p);
    if (p->kind == DOGMA_PROC_ISOLATED) {
        /* Off its table before it goes, if it is the one running; another
         * process's teardown must leave the caller's table in place. */
        if (p == sched_current())
            arch_vs_activate(arch_vs_global());
        arch_vs_destroy(p->vs);
        p->vs = arch_vs_global();
    }
}

void proc_end(proc_t *p, proc_state_t how, int64_t status, uint32_t reason)
{
    if (proc_ended(p))
        return;
    sched_remove(p);
    bool was_one = p == proc_one;
    if (was_one)
        proc_one = NULL;
    if (p == sched_current()) {
        uint64_t now = arch_uptime_ns();
        p->cpu_ns += now - p->run_start;
        p->run_start = now;
    }
    p->state = how;
    p->exit_status = status;
    p->teardown_reason = reason;
    release_all(p);
    proc_live--;
    log_info("proc", "pid %lu (%s) %s, status %ld; cpu %lu us, %lu yields, %lu preemptions",
             p->pid, p->name, end_word(how), status, p->cpu_ns / 1000, p->yields, p->preemptions);
    waitq_wake_all(&p->exit_waiters);
    if (was_one && one_fatal) {
        /* Everything else hangs off process 1: without it nothing
         * restarts a service. Start again from the firmware. */
        log_err("proc", "process 1 (%s) %s (status %ld, reason %#x, trap %u at rip %lx): "
                "resetting the machine", p->name, end_word(how), status, reason, p->trap_code,
                p->fault_rip);
        arch_reset();
    }
    if (p == sched_current()) {
        sched_reschedule();
        kpanic("an ended process ran again");
    }
    proc_reap(p);
}

void proc_reap(proc_t *p)
{
    KASSERT(p != sched_current());
    if (!p->kstack.base)
        return;
    arch_kstack_free(&p->kstack);
    p->frames -= KSTACK_PAGES;
    kfree(p->fpu);
    p->fpu = NULL;
    for (proc_t **pp = &proc_list; *pp; pp = &(*pp)->all_next) {
        if (*pp == p) {
            *pp = p->all_next;
            break;
        }
    }
    kobj_release(&p->obj); /* the process's reference to itself */
}

void proc_free(proc_t *p)
{
    KASSERT(proc_ended(p));
    KASSERT(!p->kstack.base);
    kfree(p);
}

void proc_info(const proc_t *p, dogma_proc_info_t *out)
{
    memset(out, 0, sizeof *out);
    out->pid = p->pid;
    out->parent = p->parent_pid;
    out->kind = p->kind;
    out->state = p->state;
    out->exit_status = p->exit_status;
    out->cpu_ns = p->cpu_ns;
    if (p == sched_current() && p->state == PROC_RUNNABLE)
        out->cpu_ns += arch_uptime_ns() - p->run_start;
    out->memory_bytes = (p->frames + (p->kind == DOGMA_PROC_ISOLATED && p->state < PROC_EXITED
                                          ? arch_vs_table_frames(p->vs) : 0)) * PAGE_SIZE;
    out->handles = p->caps.used;
    out->yields = p->yields;
    out->preemptions = p->preemptions;
    out->stacklets = p->stacklets_made;
    out->faults = p->fault_runs;
    out->teardown_reason = p->teardown_reason;
    out->trap_code = p->trap_code;
    out->fault_rip = p->fault_rip;
    out->fault_addr = p->fault_addr;
    strlcpy(out->name, p->name, sizeof out->name);
}

void proc_log_all(void)
{
    for (proc_t *p = proc_list; p; p = p->all_next)
        log_info("proc", "  pid %lu %-16s state %d cpu %lu us frames %lu handles %u", p->pid,
                 p->name, p->state, p->cpu_ns / 1000, p->frames, p->caps.used);
}
