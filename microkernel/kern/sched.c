/*
 * The scheduler (include/kern/sched.h).
 *
 * The boot context is the idle "process": it owns the boot stack, runs
 * sched_run_until, and is what runs when nothing else can. Switches go
 * directly from one process's kernel stack to the next's; the process
 * switched away from is reaped there if it had ended.
 *
 * Run queues: one FIFO per priority. Deadlines: a list sorted by time,
 * checked on every tick (so timeouts have the tick's granularity).
 */
#include <arch/arch.h>
#include <kern/log.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/stacklet.h>
#include <kern/string.h>

static proc_t idle;
static proc_t *current = &idle;
static proc_t *switched_from; /* for kern_after_switch */
static struct {
    proc_t *head, *tail;
} rq[PROC_NPRIO];
static proc_t *sleepers; /* by deadline */

void sched_init(void)
{
    strlcpy(idle.name, "idle", sizeof idle.name);
    idle.vs = arch_vs_global();
}

proc_t *sched_current(void) { return current; }
bool sched_in_process(void) { return current != &idle; }

static void rq_push(proc_t *p, bool front)
{
    KASSERT(!p->on_rq && p != &idle);
    p->on_rq = true;
    unsigned q = p->prio < PROC_NPRIO ? p->prio : PROC_NPRIO - 1;
    if (front) {
        p->rq_next = rq[q].head;
        rq[q].head = p;
        if (!rq[q].tail)
            rq[q].tail = p;
    } else {
        p->rq_next = NULL;
        if (rq[q].tail)
            rq[q].tail->rq_next = p;
        else
            rq[q].head = p;
        rq[q].tail = p;
    }
}

static void rq_unlink(proc_t *p)
{
    if (!p->on_rq)
        return;
    unsigned q = p->prio < PROC_NPRIO ? p->prio : PROC_NPRIO - 1;
    proc_t *prev = NULL;
    for (proc_t *it = rq[q].head; it; prev = it, it = it->rq_next) {
        if (it != p)
            continue;
        if (prev)
            prev->rq_next = p->rq_next;
        else
            rq[q].head = p->rq_next;
        if (rq[q].tail == p)
            rq[q].tail = prev;
        break;
    }
    p->on_rq = false;
    p->rq_next = NULL;
}

static proc_t *rq_pop(void)
{
    for (unsigned q = 0; q < PROC_NPRIO; q++) {
        proc_t *p = rq[q].head;
        if (p) {
            rq_unlink(p);
            return p;
        }
    }
    return NULL;
}

static bool rq_any(void)
{
    for (unsigned q = 0; q < PROC_NPRIO; q++)
        if (rq[q].head)
            return true;
    return false;
}

static void sleep_unlink(proc_t *p)
{
    for (proc_t **pp = &sleepers; *pp; pp = &(*pp)->sleep_next) {
        if (*pp == p) {
            *pp = p->sleep_next;
            break;
        }
    }
    p->sleep_next = NULL;
}

static void sleep_insert(proc_t *p)
{
    proc_t **pp = &sleepers;
    while (*pp && (*pp)->deadline <= p->deadline)
        pp = &(*pp)->sleep_next;
    p->sleep_next = *pp;
    *pp = p;
}

void sched_make_runnable(proc_t *p)
{
    if (p->suspend_pending) {
        p->suspend_pending = false;
        p->state = PROC_SUSPENDED;
        return;
    }
    p->state = PROC_RUNNABLE;
    if (!p->on_rq && p != current)
        rq_push(p, false);
}

void sched_remove(proc_t *p)
{
    rq_unlink(p);
    sleep_unlink(p);
}

/* Clears the preemption flag, giving back the stack limit it hid. */
static void unflag(proc_t *p)
{
    if (!p->flagged)
        return;
    p->flagged = false;
    proc_pb_write32(p, DOGMA_PB_PREEMPT, 0);
    proc_pb_write64(p, DOGMA_PB_STACK_LIMIT, p->saved_limit);
}

/* Runs on the switched-to stack right after every switch. */
void kern_after_switch(void);
void kern_after_switch(void)
{
    proc_t *prev = switched_from;
    switched_from = NULL;
    if (prev && proc_ended(prev))
        proc_reap(prev);
    if (current->fpu_saved) {
        arch_fpu_restore(current->fpu);
        current->fpu_saved = false;
    }
}

void kern_first_entry(void);
void kern_first_entry(void) { kern_after_switch(); }

static void switch_to(proc_t *next)
{
    proc_t *prev = current;
    uint64_t now = arch_uptime_ns();
    if (prev != &idle)
        prev->cpu_ns += now - prev->run_start;
    next->run_start = now;
    if (next != &idle && !next->slice_end)
        next->slice_end = arch_timer_ticks() + SCHED_SLICE_TICKS;
    current = next;
    switched_from = prev;
    arch_vs_activate(next->vs);
    arch_switch(&prev->kstack, &next->kstack);
    kern_after_switch();
}

void sched_reschedule(void)
{
    proc_t *prev = current;
    if (prev != &idle && prev->state == PROC_RUNNABLE && !prev->on_rq)
        rq_push(prev, false);
    proc_t *next = rq_pop();
    if (!next)
        next = &idle;
    if (next == prev) {
        if (!prev->slice_end) /* a yield with nobody to yield to */
            prev->slice_end = arch_timer_ticks() + SCHED_SLICE_TICKS;
        return;
    }
    switch_to(next);
}

void sched_yield(void)
{
    proc_t *p = current;
    p->yields++;
    unflag(p);
    p->slice_end = 0; /* a fresh slice when it runs again */
    sched_reschedule();
}

bool sched_yield_to(proc_t *to)
{
    proc_t *p = current;
    if (to == p || to->state != PROC_RUNNABLE || !to->on_rq)
        return false;
    rq_unlink(to);
    p->yields++;
    /* The caller keeps its place (first in its queue) and its slice; the
     * other process runs on what is left of it. */
    to->slice_end = p->slice_end;
    rq_push(p, true);
    switch_to(to);
    return true;
}

bool sched_block(uint64_t deadline)
{
    proc_t *p = current;
    KASSERT(p != &idle);
    p->state = PROC_BLOCKED;
    p->timed_out = false;
    p->slice_end = 0; /* a fresh slice when it runs again */
    unflag(p);        /* and no flag left over from the old one */
    p->deadline = deadline;
    if (deadline)
        sleep_insert(p);
    sched_reschedule();
    sleep_unlink(p);
    p->deadline = 0;
    return !p->timed_out;
}

void sched_wake(proc_t *p)
{
    if (p->state != PROC_BLOCKED)
        return;
    sleep_unlink(p);
    sched_make_runnable(p);
}

static void wake_sleepers(void)
{
    uint64_t now = arch_uptime_ns();
    while (sleepers && sleepers->deadline <= now) {
        proc_t *p = sleepers;
        sleepers = p->sleep_next;
        p->sleep_next = NULL;
        p->timed_out = true;
        sched_wake(p);
    }
}

/* The slice ended: flag a verified process, preempt anything else. */
static void slice_over(proc_t *p, uint64_t tick)
{
    if (p->kind == DOGMA_PROC_VERIFIED && !p->flagged) {
        p->flagged = true;
        p->grace_end = tick + SCHED_GRACE_TICKS;
        p->saved_limit = p->stack ? stk_limit(p->stack) : UINT64_MAX;
        proc_pb_write64(p, DOGMA_PB_STACK_LIMIT, UINT64_MAX);
        proc_pb_write32(p, DOGMA_PB_PREEMPT, 1);
        return;
    }
    if (p->flagged && tick < p->grace_end)
        return;
    /* Preempted by force: the whole context stays in the trap frame; the
     * vector state is saved here and restored when it runs again. */
    unflag(p);
    p->preemptions++;
    p->full_return = true;
    arch_fpu_save(p->fpu);
    p->fpu_saved = true;
    p->slice_end = 0;
    sched_reschedule();
}

void kern_timer_tick(bool from_user)
{
    wake_sleepers();
    if (!from_user || current == &idle)
        return; /* the kernel is not preempted; the idle loop looks itself */
    proc_t *p = current;
    uint64_t tick = arch_timer_ticks();
    if (tick < p->slice_end)
        return;
    if (!rq_any()) {
        unflag(p);
        p->slice_end = tick + SCHED_SLICE_TICKS;
        return;
    }
    slice_over(p, tick);
}

void sched_run_until(bool (*until)(void))
{
    KASSERT(current == &idle);
    arch_irq_disable();
    while (!until()) {
        if (rq_any()) {
            sched_reschedule();
            continue;
        }
        arch_wait_for_interrupt(); /* sti; hlt: a tick or a device wakes it */
        arch_irq_disable();
        wake_sleepers();
    }
    arch_irq_enable();
}

void waitq_add(waitq_t *q, waiter_t *w, proc_t *p)
{
    w->proc = p;
    w->next = q->head;
    w->pprev = &q->head;
    if (q->head)
        q->head->pprev = &w->next;
    q->head = w;
}

void waitq_remove(waiter_t *w)
{
    if (!w->pprev)
        return;
    *w->pprev = w->next;
    if (w->next)
        w->next->pprev = w->pprev;
    w->next = NULL;
    w->pprev = NULL;
}

void waitq_wake_all(waitq_t *q)
{
    for (waiter_t *w = q->head; w; w = w->next)
        sched_wake(w->proc);
}

void sched_set_priority(proc_t *p, unsigned prio)
{
    bool queued = p->on_rq;
    rq_unlink(p);
    p->prio = prio;
    if (queued)
        rq_push(p, false);
}

void sched_suspend(proc_t *p)
{
    if (p->state == PROC_BLOCKED) {
        p->suspend_pending = true; /* when its wait ends */
        return;
    }
    if (p->state != PROC_RUNNABLE)
        return;
    rq_unlink(p);
    p->state = PROC_SUSPENDED;
    if (p == current)
        sched_reschedule();
}

void sched_resume(proc_t *p)
{
    p->suspend_pending = false;
    if (p->state == PROC_SUSPENDED)
        sched_make_runnable(p);
}
