/*
 * Processes: the execution context, its process block, its capabilities,
 * its place in the scheduler and its accounting.
 *
 * There are no threads: a process is one context. Two kinds (DESIGN.md
 * section 4): verified processes run in ring 3 on the one global page
 * table; hardware-isolated ones on a private table of their own. Both have
 * a kernel stack (where their user context sits while they are in the
 * kernel), a read-only process block, a capability table and an inbox.
 *
 * Pids count up from 1 and are never reused. A process object outlives
 * its end while handles name it (as an exited process with its status);
 * it is freed with the last reference.
 */
#ifndef KERN_PROC_H
#define KERN_PROC_H

#include <arch/arch.h>
#include <dogma/abi.h>
#include <kern/cap.h>
#include <kern/types.h>

struct region;
struct stacklet;

typedef enum {
    PROC_RUNNABLE = DOGMA_PROC_RUNNABLE,
    PROC_BLOCKED = DOGMA_PROC_BLOCKED,
    PROC_SUSPENDED = DOGMA_PROC_SUSPENDED,
    PROC_EXITED = DOGMA_PROC_EXITED,
    PROC_TORN_DOWN = DOGMA_PROC_TORN_DOWN,
} proc_state_t;

/* A waiter on one object: proc is made runnable when the object changes. */
typedef struct waiter {
    struct proc *proc;
    struct waiter *next, **pprev;
} waiter_t;

typedef struct {
    waiter_t *head;
} waitq_t;

#define PROC_INBOX_MAX 16
#define PROC_NPRIO 4

typedef struct proc {
    kobj_t obj;
    uint64_t pid, parent_pid;
    unsigned kind; /* DOGMA_PROC_VERIFIED or _ISOLATED */
    proc_state_t state;
    bool suspend_pending; /* suspend once it leaves the kernel */
    int64_t exit_status;
    uint32_t teardown_reason;
    uint32_t trap_code;      /* the translated trap that tore it down, or 0 */
    uint64_t fault_rip, fault_addr; /* the fault that tore it down */
    char name[32];

    arch_kstack_t kstack;
    arch_vs_t *vs;           /* the global table, or its own */
    struct region *pb;       /* the process block's region (one page) */
    uint8_t *pbk;            /* the same page through the direct map */
    struct region *xb;       /* the translation block's region, or NULL */
    vaddr_t xb_addr;         /* where in it: the flag and limit mirrored */
    cap_table_t caps;
    struct {
        kobj_t *obj;
        uint32_t rights;
        uint64_t from;
    } inbox[PROC_INBOX_MAX];
    unsigned ninbox;
    bool listening;

    /* scheduling (kern/sched.c) */
    unsigned prio;           /* 0 runs first */
    struct proc *rq_next;
    bool on_rq;
    uint64_t slice_end;      /* tick at which the slice ends */
    uint64_t grace_end;      /* tick after which it is preempted by force */
    bool flagged;            /* the preemption flag is set in its block */
    uint64_t saved_limit;    /* the stack limit while flagged */
    bool full_return;        /* resume through the whole user context */
    bool fpu_saved;          /* fpu holds its vector state */
    uint8_t *fpu;            /* ARCH_FPU_SIZE bytes, 16-aligned */
    uint64_t run_start;      /* uptime ns when it last got the CPU */

    /* waiting (kern/sched.c, kern/ipc.c) */
    waiter_t waiters[16];    /* its nodes on objects' queues (DOGMA_WAIT_MAX) */
    unsigned nwaiters;       /* how many are queued now */
    uint64_t deadline;       /* uptime ns, 0 = none */
    struct proc *sleep_next;
    bool timed_out;
    waitq_t exit_waiters;    /* monitors of this process */
    waitq_t inbox_waiters;   /* its own waits on the inbox */
    uint64_t lock_addr;      /* lock_wait: the word it sleeps on */
    struct proc *lock_next;

    /* stacklets (kern/stacklet.c) */
    struct stacklet *stack;  /* the current one; ->prev the callers' */
    struct stacklet *spare;
    uint64_t stack_total;    /* bytes in all linked stacklets */

    /* fault handler (kern/fault.c) */
    uint64_t fault_entry, fault_stack, fault_arg;
    bool in_fault;
    arch_uctx_t fault_uctx;  /* the context to resume */
    struct stacklet *fault_mark; /* the stacklet current at the fault */
    uint32_t fault_kind;     /* DOGMA_FAULT_* of the fault being handled */
    uint8_t *fault_fpu;

    /* accounting */
    uint64_t cpu_ns;
    uint64_t frames;         /* frames charged: regions it owns, tables */
    uint64_t yields, preemptions, stacklets_made, fault_runs;

    struct proc *all_next;   /* every live process, for ps and leak checks */
} proc_t;

static inline bool proc_ended(const proc_t *p)
{
    return p->state == PROC_EXITED || p->state == PROC_TORN_DOWN;
}

extern proc_t *proc_list;
extern proc_t *proc_one; /* process 1 while it lives, else NULL */
extern uint64_t proc_live; /* processes not yet exited */

/* Creates a process of the given kind, not yet runnable: kernel stack,
 * process block, capability table, first stacklet of stack_bytes. NULL
 * (and nothing kept) when memory runs out. */
proc_t *proc_create(unsigned kind, const char *name, uint64_t parent_pid, size_t stack_bytes);
/* The same, as process 1 when one is set (proc_reserve_one must have kept
 * pid 1 free, and no process 1 made since). */
proc_t *proc_create_pid(unsigned kind, const char *name, uint64_t parent_pid,
                        size_t stack_bytes, bool one);
/* The system boot: pid 1 is kept for process 1, whose end resets the
 * machine. Call before the first process is made. */
void proc_reserve_one(void);
/* pid 1 is still free for DOGMA_MAP_INIT. */
bool proc_one_reserved(void);
#define PROC_NO_STACK SIZE_MAX /* proc_create: no first stacklet (fork) */
/* Sets where it starts (r15 = block) and makes it runnable. */
void proc_start(proc_t *p, vaddr_t entry, uint64_t arg0, uint64_t arg1, uint64_t block);
/* Ends p (the current process or another): every handle disposed, every
 * frame returned, monitors woken; state says how it ended. Does not
 * return when p is the current process. */
void proc_end(proc_t *p, proc_state_t how, int64_t status, uint32_t reason);
/* Frees what only another context can (the kernel stack). */
void proc_reap(proc_t *p);
/* The kobj destructor: the last reference to an ended process went. */
void proc_free(proc_t *p);
void proc_info(const proc_t *p, dogma_proc_info_t *out);
void proc_log_all(void);

/* The process block. */
void proc_pb_write64(proc_t *p, unsigned off, uint64_t v);
void proc_pb_write32(proc_t *p, unsigned off, uint32_t v);
uint64_t proc_pb_va(const proc_t *p);
/* The page table p's user code runs on. */
static inline arch_vs_t *proc_vs(const proc_t *p) { return p->vs; }

#endif
