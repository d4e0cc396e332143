/*
 * The scheduler: run queues by priority, quasi-cooperative preemption,
 * blocking and waking, and deadlines.
 *
 * One CPU, and a kernel that is never preempted: kernel code runs with
 * interrupts off, and only the idle loop and user code take the timer.
 * A slice is SCHED_SLICE_TICKS ticks. When it ends, a verified process
 * gets the preemption flag in its process block (and a stack limit of
 * 2^64-1, so its next function entry polls too) and SCHED_GRACE_TICKS more
 * ticks to yield; a voluntary yield costs a system call that saves only
 * rip and rsp. A process that has not yielded by then, and every
 * hardware-isolated process at the end of its slice, is preempted by force
 * with its whole context (vector registers included) saved and restored.
 */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <kern/proc.h>

#define SCHED_SLICE_TICKS 2
#define SCHED_GRACE_TICKS 2

void sched_init(void);
proc_t *sched_current(void);
bool sched_in_process(void); /* false in the idle loop and at boot */

void sched_make_runnable(proc_t *p);
/* Gives up the CPU: to the best runnable process, or idle. The current
 * process must already have a new state (or stay runnable for a yield).
 * Returns when the current process runs again. */
void sched_reschedule(void);
/* Voluntary yield: keeps the slice accounting of a fresh slice. */
void sched_yield(void);
/* Runs `to` at once on the rest of the caller's slice; the caller stays
 * runnable and keeps its place. false if `to` cannot run. */
bool sched_yield_to(proc_t *to);
/* Blocks the current process until sched_wake or the deadline (uptime ns,
 * 0 for none). Returns false when the deadline passed first. */
bool sched_block(uint64_t deadline);
void sched_wake(proc_t *p);
/* Takes p off the run queue and the deadline list (it is ending). */
void sched_remove(proc_t *p);
/* Stops p from running until sched_resume (at once, or when its wait ends). */
void sched_suspend(proc_t *p);
void sched_resume(proc_t *p);
/* Moves p to another run queue (the back of it, if it was queued). */
void sched_set_priority(proc_t *p, unsigned prio);

/* The kernel's idle loop at boot: runs processes until until() is true. */
void sched_run_until(bool (*until)(void));

void waitq_add(waitq_t *q, waiter_t *w, proc_t *p);
void waitq_remove(waiter_t *w);
void waitq_wake_all(waitq_t *q);

#endif
