/*
 * The Dogma system-call interface: the one declaration of every call the
 * kernel offers, shared by the kernel (microkernel/kern/syscall.c) and by
 * every producer of code that calls it (the test library, verifierd's
 * stubs, the SDK). spec/abi.md part II is its contract in prose.
 *
 * Calling a system call (x86-64):
 *   rax = the call's number, arguments in rdi, rsi, rdx, r10, r8, r9;
 *   `syscall`; the result in rax, a second result (where a call has one)
 *   in rdx. rax >= 0 is success; rax < 0 is -(a dogma_err_t), and the
 *   process block's error record says which argument was wrong and why.
 *   Every other register, the vector registers and the flags included,
 *   is zero on return, except rsp: a call saves nothing of the caller's
 *   but its stack pointer and where to return, so that a voluntary yield
 *   costs no more than that (DESIGN.md section 6).
 *
 * Handles are small integers naming slots of the caller's capability
 * table, each with a kind and rights; the decode step checks the handle in
 * argument 0 against the kind and rights declared below before the call
 * runs.
 *
 * User addresses are checked: a pointer argument must lie, with its whole
 * length, in regions the caller holds with the access the call needs.
 */
#ifndef DOGMA_ABI_H
#define DOGMA_ABI_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/* ---- capability kinds and rights ------------------------------------------ */

#define DOGMA_CAP_NONE     0  /* argument 0 is not a handle */
#define DOGMA_CAP_REGION   1  /* a region, exclusively owned: read-write */
#define DOGMA_CAP_VIEW     2  /* a read-only view of a shared region */
#define DOGMA_CAP_PROCESS  3  /* a process */
#define DOGMA_CAP_CHANNEL  4  /* one endpoint of a channel */
#define DOGMA_CAP_NOTIFY   5  /* a notification word */
#define DOGMA_CAP_IRQ      6  /* an interrupt line */
#define DOGMA_CAP_IOPORT   7  /* a range of I/O ports */
#define DOGMA_CAP_PHYS     8  /* a view of physical memory (process 1 only) */
#define DOGMA_CAP_LOADER   9  /* may start verified processes */
#define DOGMA_CAP_TOKEN    10 /* process-defined: the kernel vouches for its maker */
#define DOGMA_CAP_NKINDS   11
#define DOGMA_CAP_ANY      0xff /* decode: any kind (argument 0 is a handle) */
#define DOGMA_CAP_MEMORY   0xfe /* decode: a region or a view */

#define DOGMA_R_READ     0x0001 /* read a region, receive on a channel, in from a port */
#define DOGMA_R_WRITE    0x0002 /* write a region, send on a channel, out to a port */
#define DOGMA_R_DUP      0x0004 /* make another handle to the same object */
#define DOGMA_R_TRANSFER 0x0008 /* send the handle to another process */
#define DOGMA_R_WAKE     0x0010 /* process: resume, yield to */
#define DOGMA_R_SUSPEND  0x0020 /* process: suspend */
#define DOGMA_R_TEARDOWN 0x0040 /* process: tear down */
#define DOGMA_R_MONITOR  0x0080 /* process: wait for its end, read its accounting */
#define DOGMA_R_DEBUG    0x0100 /* process: reserved for the debugger */
#define DOGMA_R_SIGNAL   0x0200 /* notification: signal */
#define DOGMA_R_WAIT     0x0400 /* notification, irq: wait for */
#define DOGMA_R_LOAD     0x0800 /* loader: map approved code */
#define DOGMA_R_ALL      0x0fff

/* A handle: slot index in bits 0-11, the slot's generation above. 0 is
 * never a handle. */
#define DOGMA_HANDLE_SLOT(h)  ((h) & 0xfffu)
#define DOGMA_HANDLE_GEN(h)   ((h) >> 12)

/* ---- errors ---------------------------------------------------------------- */

#define DOGMA_ERRORS(X)                                                          \
    X(OK, 0, "success")                                                          \
    X(BAD_SYSCALL, 1, "no system call has this number")                         \
    X(BAD_HANDLE, 2, "not a live handle of the caller")                         \
    X(WRONG_KIND, 3, "the handle names an object of another kind")              \
    X(RIGHTS, 4, "the handle lacks a right the call needs")                     \
    X(BAD_ADDRESS, 5, "a user range is not in memory the caller may access")    \
    X(BAD_ARG, 6, "an argument is out of its range")                            \
    X(NO_MEMORY, 7, "out of memory, frames or address space")                   \
    X(FULL, 8, "a queue or table is full")                                      \
    X(EMPTY, 9, "nothing to receive")                                           \
    X(PEER_CLOSED, 10, "the other end is gone")                                 \
    X(GONE, 11, "the process was torn down")                                    \
    X(TIMED_OUT, 12, "the timeout passed first")                                \
    X(STATE, 13, "the object is not in a state that allows the call")           \
    X(BAD_ELF, 14, "the executable is malformed or unsupported")                \
    X(NOT_LISTENING, 15, "the receiver does not listen; the capability was disposed") \
    X(NOT_IMPLEMENTED, 16, "the kernel does not implement this call yet")

#ifndef __ASSEMBLER__
typedef enum {
#define DOGMA_ERR_ENUM(name, num, text) DOGMA_E_##name = num,
    DOGMA_ERRORS(DOGMA_ERR_ENUM)
#undef DOGMA_ERR_ENUM
    DOGMA_E_COUNT
} dogma_err_t;
#endif

/* ---- the system calls ----------------------------------------------------------
 * X(number, name, arguments, kind of argument 0, rights argument 0 needs)
 * The arguments and results of each are in the comment above it and in
 * spec/abi.md. "-> a" is the result in rax, "; rdx b" the second result. */
#define DOGMA_SYSCALLS(X)                                                        \
    /* (text, len) -> 0: one line to the kernel log, tagged with the pid */     \
    X(0, debug_log, 2, DOGMA_CAP_NONE, 0)                                        \
    /* (status): ends the caller; never returns */                              \
    X(1, exit, 1, DOGMA_CAP_NONE, 0)                                             \
    /* () -> 0: gives up the rest of the slice */                               \
    X(2, yield, 0, DOGMA_CAP_NONE, 0)                                            \
    /* (process) -> 0: runs that process now on the rest of the slice */        \
    X(3, yield_to, 1, DOGMA_CAP_PROCESS, DOGMA_R_WAKE)                           \
    /* () -> nanoseconds since boot */                                          \
    X(4, clock, 0, DOGMA_CAP_NONE, 0)                                            \
    /* (offset, value) -> 0: an environment word of the process block */       \
    X(5, pb_set, 2, DOGMA_CAP_NONE, 0)                                           \
    /* (out dogma_sys_info_t *) -> 0: uptime, memory, processes */             \
    X(6, sys_info, 1, DOGMA_CAP_NONE, 0)                                         \
    /* (size, 0) -> region handle; rdx its base address */                     \
    X(10, region_create, 2, DOGMA_CAP_NONE, 0)                                   \
    /* (region or view, out dogma_region_info_t *) -> 0 */                     \
    X(11, region_info, 2, DOGMA_CAP_MEMORY, 0)                                   \
    /* (region, offset, length, DOGMA_PROT_*) -> 0 */                          \
    X(12, region_protect, 4, DOGMA_CAP_REGION, DOGMA_R_WRITE)                    \
    /* (region, DOGMA_SHARE_*) -> 0: the region becomes a read-only view,    \
       or a shared read-write region, for good */                              \
    X(13, region_share, 2, DOGMA_CAP_REGION, DOGMA_R_WRITE)                      \
    /* (handle, rights) -> a new handle with those rights (a subset) */        \
    X(20, cap_dup, 2, DOGMA_CAP_ANY, DOGMA_R_DUP)                                \
    /* (handle) -> 0 */                                                         \
    X(21, cap_dispose, 1, DOGMA_CAP_ANY, 0)                                      \
    /* (handle, out dogma_cap_info_t *) -> 0 */                                \
    X(22, cap_info, 2, DOGMA_CAP_ANY, 0)                                         \
    /* (listen) -> the previous setting */                                     \
    X(23, cap_listen, 1, DOGMA_CAP_NONE, 0)                                      \
    /* (process, handle) -> 0: moves the handle to that process's inbox */     \
    X(24, cap_send, 2, DOGMA_CAP_PROCESS, DOGMA_R_WAKE)                          \
    /* () -> a handle from the inbox; rdx the sender's pid */                  \
    X(25, cap_receive, 0, DOGMA_CAP_NONE, 0)                                     \
    /* () -> endpoint handle; rdx the other endpoint */                        \
    X(30, channel_create, 0, DOGMA_CAP_NONE, 0)                                  \
    /* (endpoint, bytes, length, handles, count) -> 0 */                       \
    X(31, channel_send, 5, DOGMA_CAP_CHANNEL, DOGMA_R_WRITE)                     \
    /* (endpoint, buffer, size, out handles, room) -> length; rdx count */     \
    X(32, channel_recv, 5, DOGMA_CAP_CHANNEL, DOGMA_R_READ)                      \
    /* () -> notification handle */                                            \
    X(35, notify_create, 0, DOGMA_CAP_NONE, 0)                                   \
    /* (notification, bits) -> 0: ors bits into the word */                    \
    X(36, notify_signal, 2, DOGMA_CAP_NOTIFY, DOGMA_R_SIGNAL)                    \
    /* (notification) -> the word, which becomes 0 */                          \
    X(37, notify_take, 1, DOGMA_CAP_NOTIFY, DOGMA_R_WAIT)                        \
    /* (dogma_wait_item_t *, count, timeout ns) -> index of a ready item */    \
    X(40, wait, 3, DOGMA_CAP_NONE, 0)                                            \
    /* (address of a u32, expected, timeout ns) -> 0: sleeps while equal */    \
    X(41, lock_wait, 3, DOGMA_CAP_NONE, 0)                                       \
    /* (address of a u32, count) -> processes woken */                         \
    X(42, lock_wake, 2, DOGMA_CAP_NONE, 0)                                       \
    /* (region or view, offset and size of an ELF64 in it, grants, count,     \
       name) -> process; rdx its pid: a hardware-isolated process */          \
    X(50, proc_spawn, 6, DOGMA_CAP_MEMORY, DOGMA_R_READ)                         \
    /* (loader, code region, entry offset, dogma_map_code_t *) -> process;    \
       rdx its pid: a verified process */                                      \
    X(51, proc_map_code, 4, DOGMA_CAP_LOADER, DOGMA_R_LOAD)                      \
    /* (process) -> 0 */                                                        \
    X(52, proc_teardown, 1, DOGMA_CAP_PROCESS, DOGMA_R_TEARDOWN)                 \
    /* (process) -> 0 */                                                        \
    X(53, proc_suspend, 1, DOGMA_CAP_PROCESS, DOGMA_R_SUSPEND)                   \
    /* (process) -> 0 */                                                        \
    X(54, proc_resume, 1, DOGMA_CAP_PROCESS, DOGMA_R_WAKE)                       \
    /* (process, out dogma_proc_info_t *) -> 0 */                              \
    X(55, proc_info, 2, DOGMA_CAP_PROCESS, DOGMA_R_MONITOR)                      \
    /* (out dogma_proc_info_t *) -> 0: the caller's own */                     \
    X(56, self_info, 1, DOGMA_CAP_NONE, 0)                                       \
    /* () -> the child's process handle in the parent, rdx its pid; 0 in the  \
       child, rdx the child's process block */                                 \
    X(57, fork, 0, DOGMA_CAP_NONE, 0)                                            \
    /* (process, priority 0-3; 0 runs first) -> 0 */                         \
    X(58, proc_priority, 2, DOGMA_CAP_PROCESS, DOGMA_R_SUSPEND)                  \
    /* process 1 only: (pid) -> a handle to that live process */               \
    X(59, proc_open, 1, DOGMA_CAP_NONE, 0)                                       \
    /* (bytes) -> the new stacklet's top; rdx the new stack limit */           \
    X(60, stack_grow, 1, DOGMA_CAP_NONE, 0)                                      \
    /* () -> the stack limit now in force again; rdx the rsp the caller had  \
       when it grew the stacklet just unlinked */                              \
    X(61, stack_shrink, 0, DOGMA_CAP_NONE, 0)                                    \
    /* process 1 only: (after pid, out dogma_proc_info_t *) -> the next live  \
       pid above it, its information written; 0 when there is none */         \
    X(62, proc_next, 2, DOGMA_CAP_NONE, 0)                                       \
    /* (process, slot, out dogma_cap_info_t *) -> one past the first used     \
       slot >= slot, its handle's information written; 0 when none is left */ \
    X(63, proc_caps, 3, DOGMA_CAP_PROCESS, DOGMA_R_MONITOR)                      \
    /* (entry, stack bytes, argument) -> 0; entry 0 removes the handler */     \
    X(65, fault_handler, 3, DOGMA_CAP_NONE, 0)                                   \
    /* (DOGMA_FAULT_RESUME or _TEARDOWN): leaves the handler */                \
    X(66, fault_return, 1, DOGMA_CAP_NONE, 0)                                    \
    /* (ports, port, width 1|2|4) -> the value read */                         \
    X(70, ioport_in, 3, DOGMA_CAP_IOPORT, DOGMA_R_READ)                          \
    /* (ports, port, width 1|2|4, value) -> 0 */                               \
    X(71, ioport_out, 4, DOGMA_CAP_IOPORT, DOGMA_R_WRITE)                        \
    /* (irq) -> 0: the line may fire again */                                  \
    X(72, irq_ack, 1, DOGMA_CAP_IRQ, DOGMA_R_WAIT)                               \
    /* (physical view) -> region handle over those frames; rdx its base */     \
    X(73, phys_map, 1, DOGMA_CAP_PHYS, DOGMA_R_READ)                             \
    /* process 1 only: (kind IRQ/IOPORT/PHYS, first, count) -> a device      \
       capability: a line; ports [first, first+count); physical bytes */     \
    X(74, dev_create, 3, DOGMA_CAP_NONE, 0)                                      \
    /* (tag) -> a token handle the kernel stamps with the caller's pid */      \
    X(75, token_create, 1, DOGMA_CAP_NONE, 0)                                    \
    /* (position, buffer, size, out u64 next position) -> bytes copied: the  \
       kernel log from that position on (the ring keeps the last 32 KiB) */   \
    X(76, klog_read, 4, DOGMA_CAP_NONE, 0)

#define DOGMA_SYSCALL_MAX 80 /* one past the highest number */

#ifndef __ASSEMBLER__
enum {
#define DOGMA_SYS_ENUM(num, name, nargs, kind, rights) DOGMA_SYS_##name = num,
    DOGMA_SYSCALLS(DOGMA_SYS_ENUM)
#undef DOGMA_SYS_ENUM
};
#endif

/* ---- arguments and results ----------------------------------------------- */

/* region_protect: what the owner allows itself on a range of its pages. */
#define DOGMA_PROT_RW   0 /* read-write (the default) */
#define DOGMA_PROT_RO   1 /* read-only */
#define DOGMA_PROT_NONE 2 /* neither: a touch is a fault */

/* region_share: what the region becomes. */
#define DOGMA_SHARE_VIEW 0 /* read-only for every holder, the owner included */
#define DOGMA_SHARE_RW   1 /* read-write for every holder (lock words, rings) */

/* wait: what each item waits for (want) and what was true (got). */
#define DOGMA_SIG_READABLE  0x01 /* channel: a message is queued */
#define DOGMA_SIG_PEER_GONE 0x02 /* channel: the other end is disposed */
#define DOGMA_SIG_NOTIFIED  0x04 /* notification: the word is nonzero */
#define DOGMA_SIG_EXITED    0x08 /* process: it has ended */
#define DOGMA_SIG_IRQ       0x10 /* irq: the line fired */
#define DOGMA_SIG_INBOX     0x20 /* handle 0: a capability is in the inbox */
#define DOGMA_SIG_ALL       0x3f

/* fault_return */
#define DOGMA_FAULT_RESUME   0 /* retry the faulting instruction */
#define DOGMA_FAULT_TEARDOWN 1 /* end the process */

/* fault kinds in dogma_fault_info_t */
#define DOGMA_FAULT_WRITE_READONLY 1 /* a write to a read-only page or view */
#define DOGMA_FAULT_NOT_READABLE   2 /* a touch of a non-readable page */
#define DOGMA_FAULT_UNMAPPED       3 /* an address outside the caller's regions */
#define DOGMA_FAULT_STACK          4 /* past the end of a stacklet */

/* Channel limits. */
#define DOGMA_MSG_MAX_BYTES   256
#define DOGMA_MSG_MAX_HANDLES 4
#define DOGMA_CHANNEL_DEPTH   64

/* proc_info's process states. */
#define DOGMA_PROC_RUNNABLE  1
#define DOGMA_PROC_BLOCKED   2
#define DOGMA_PROC_SUSPENDED 3
#define DOGMA_PROC_EXITED    4 /* exit status valid */
#define DOGMA_PROC_TORN_DOWN 5 /* torn down by a fault or a teardown call */

#define DOGMA_PROC_VERIFIED 1 /* kind: ring 3 on the global page table */
#define DOGMA_PROC_ISOLATED 2 /* kind: ring 3 on a private page table */

#ifndef __ASSEMBLER__
typedef struct {
    uint32_t handle; /* 0: the caller's capability inbox */
    uint32_t want;   /* DOGMA_SIG_* */
    uint32_t got;    /* written back: the signals true at return */
    uint32_t reserved;
} dogma_wait_item_t;

typedef struct {
    uint64_t base;       /* global address of the first byte */
    uint64_t size;       /* bytes, a multiple of the page size */
    uint64_t resident;   /* bytes with a frame behind them */
    uint32_t kind;       /* DOGMA_CAP_REGION or DOGMA_CAP_VIEW */
    uint32_t reserved;
} dogma_region_info_t;

typedef struct {
    uint32_t kind;   /* DOGMA_CAP_* */
    uint32_t rights; /* DOGMA_R_* */
    uint64_t object; /* pid (process), tag (token), port base (ioport), ... */
    uint64_t extra;  /* maker's pid (token), port count (ioport), size (region) */
} dogma_cap_info_t;

typedef struct {
    uint64_t pid, parent;
    uint32_t kind;          /* DOGMA_PROC_VERIFIED or _ISOLATED */
    uint32_t state;         /* DOGMA_PROC_* */
    int64_t exit_status;    /* valid once EXITED */
    uint64_t cpu_ns;        /* time on the CPU */
    uint64_t memory_bytes;  /* frames charged to it, page tables included */
    uint64_t handles;       /* capabilities it holds */
    uint64_t yields;        /* voluntary yields */
    uint64_t preemptions;   /* forced preemptions after the grace period */
    uint64_t stacklets;     /* stacklets allocated (the spare not counted) */
    uint64_t faults;        /* fault handler runs */
    uint32_t teardown_reason; /* DOGMA_FAULT_* or 0x100 + vector, or 0 */
    uint32_t trap_code;     /* torn down at a `ud2; .byte code` trap stub of
                               approved code: the code (translate.h's DX_TRAP_*) */
    char name[32];
    uint64_t fault_rip;     /* where the fault that tore it down happened */
    uint64_t fault_addr;    /* and the address it touched, for page faults */
} dogma_proc_info_t;

/* What the fault handler finds at its second argument. */
typedef struct {
    uint64_t address; /* the faulting address */
    uint64_t rip;     /* the faulting instruction */
    uint64_t rsp;     /* the stack pointer at the fault */
    uint32_t kind;    /* DOGMA_FAULT_* */
    uint32_t write;   /* 1 if the access was a write */
} dogma_fault_info_t;

/* proc_map_code's description of the new verified process. */
typedef struct {
    uint64_t env[30];          /* process-block words 0x10..0xff, as given */
    uint64_t stack_bytes;      /* the first stacklet, 0 for the default */
    uint64_t grants;           /* user address of uint32_t handles to move */
    uint32_t ngrants;
    uint32_t flags;            /* DOGMA_MAP_* */
    uint64_t arg;              /* rdi at entry */
    uint64_t xblock;           /* 0, or the translation block: an 8-aligned address in
                                  a granted exclusive region where the kernel keeps the
                                  preemption flag and stack limit (0x00, 0x08) current
                                  too; r15 at entry then points there */
    char name[32];
} dogma_map_code_t;

/* sys_info */
typedef struct {
    uint64_t uptime_ns;
    uint64_t mem_total;  /* bytes of usable RAM the kernel manages */
    uint64_t mem_free;   /* bytes in free frames */
    uint64_t processes;  /* live processes */
    uint64_t heap_used;  /* kernel heap bytes in use */
    uint64_t boot_ns;    /* uptime when process 1 started, 0 before */
} dogma_sys_info_t;

/* dogma_map_code_t.flags */
#define DOGMA_MAP_INIT 0x1 /* the new process is process 1 (once, at boot) */
#endif

/* ---- the process block, as the kernel keeps it ------------------------------
 * One read-only page per process; r15 points at it in verified processes
 * and rdi does at an isolated process's entry. 0x00-0xff is the
 * translator's header (dogma/translate.h: preemption flag at 0x00, stack
 * limit at 0x08, environment words 0x10-0xff set by proc_map_code and
 * pb_set); the kernel's own fields follow. */
#define DOGMA_PB_PREEMPT     0x000 /* u32: nonzero: yield soon */
#define DOGMA_PB_STACK_LIMIT 0x008 /* u64: the lowest rsp a frame may reach */
#define DOGMA_PB_ENV_FIRST   0x010 /* pb_set may write 0x10..0xf8 */
#define DOGMA_PB_ENV_END     0x100
#define DOGMA_PB_PID         0x100 /* u64 */
#define DOGMA_PB_PARENT      0x108 /* u64: the parent's pid, 0 for none */
#define DOGMA_PB_LISTENING   0x110 /* u32: 1 while capabilities are accepted */
#define DOGMA_PB_KIND        0x114 /* u32: DOGMA_PROC_VERIFIED or _ISOLATED */
#define DOGMA_PB_ERROR       0x118 /* dogma_error_record_t: the last failure */
#define DOGMA_PB_STACK_BASE  0x140 /* u64: the current stacklet's lowest byte */
#define DOGMA_PB_STACK_TOP   0x148 /* u64: one past its highest byte */
#define DOGMA_PB_INITRD      0x150 /* u64: handle of the initrd view, or 0 */
#define DOGMA_PB_ARG         0x158 /* u64: the spawner's argument */
#define DOGMA_PB_NGRANTS     0x160 /* u32: handles granted at start */
#define DOGMA_PB_GRANTS      0x164 /* u32[16]: those handles, in the order given */
#define DOGMA_PB_IMAGE       0x1a4 /* u32: handle of its own image or code region */
#define DOGMA_MAX_GRANTS     16

#ifndef __ASSEMBLER__
/* Why the last failing system call failed (seL4's failure records). */
typedef struct {
    uint32_t code;    /* dogma_err_t */
    uint32_t syscall; /* its number */
    uint32_t arg;     /* the argument at fault, 0-5, or 0xff for none */
    uint32_t reserved;
    uint64_t min, max; /* the range it had to lie in, when one applies */
    uint64_t value;    /* what it was */
} dogma_error_record_t;
#endif

#endif
