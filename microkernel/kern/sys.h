/*
 * Private to the system-call files (syscall.c, sys_*.c): the decoded call
 * and the helpers every handler uses for its decode step.
 *
 * A handler decodes first (each further handle, each range, each user
 * pointer; any failure returns through sys_fail with a typed error and the
 * argument at fault) and then invokes: the part after decoding works on
 * checked kernel objects and fails only for want of memory.
 */
#ifndef KERN_SYS_H
#define KERN_SYS_H

#include <dogma/abi.h>
#include <kern/cap.h>
#include <kern/proc.h>
#include <kern/uaccess.h>

typedef struct {
    proc_t *p;
    unsigned nr;
    uint64_t a[6];
    cap_slot_t *h0; /* argument 0's slot, when the table declares a kind */
    uint64_t r1;    /* the second result (rdx) */
} sys_call_t;

#define ARG_NONE 0xff

/* Records why the call failed in the process block; returns -e. */
int64_t sys_fail(sys_call_t *c, dogma_err_t e, unsigned arg, uint64_t min, uint64_t max);
/* Decodes argument i as a handle of kind (or DOGMA_CAP_ANY/_MEMORY) with
 * rights; 0 or -error (recorded). */
int64_t sys_handle(sys_call_t *c, unsigned i, unsigned kind, uint32_t rights, cap_slot_t **out);
/* Argument i must lie in [min, max]. */
int64_t sys_range(sys_call_t *c, unsigned i, uint64_t min, uint64_t max);
/* Argument 0's process, or NULL with *out_err = -GONE (recorded) when it
 * has ended: the calls that act on a process, not just read it. */
proc_t *sys_live_process(sys_call_t *c, int64_t *out_err);
/* A user range error for argument i (BAD_ADDRESS or NO_MEMORY). */
int64_t sys_uerr(sys_call_t *c, dogma_err_t e, unsigned i);

/* What cap_info reports for a handle to o with these rights. */
void sys_describe_cap(kobj_t *o, uint32_t rights, dogma_cap_info_t *out);

#define DOGMA_SYS_DECL(num, name, nargs, kind, rights) int64_t sys_##name(sys_call_t *c);
DOGMA_SYSCALLS(DOGMA_SYS_DECL)
#undef DOGMA_SYS_DECL

#endif
