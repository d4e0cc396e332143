/*
 * Stacklets (DESIGN.md section 6): a process's stack is a chain of them.
 *
 * Each stacklet is a region with its lowest page a guard. The process
 * block's stack limit, the lowest rsp a frame may reach, is DX_STACK_RED
 * bytes above the guard, so the thunks' own calls below it still land on
 * mapped stack. Translated code compares against
 * the limit in every prologue; when a frame does not fit, the morestack
 * thunk asks stack_grow for a stacklet of at least the frame's size and
 * moves there, and stack_shrink unlinks it on the way back. One spare
 * stacklet is kept, so a call and return across a boundary in a loop
 * costs two system calls and no allocation.
 */
#ifndef KERN_STACKLET_H
#define KERN_STACKLET_H

#include <kern/proc.h>

#define STACKLET_MIN (16 * KB)        /* usable bytes of the smallest */
#define STACKLET_DEFAULT (64 * KB)
#define STACKLET_MAX (16 * MB)        /* one stacklet, usable bytes */
#define STACK_TOTAL_MAX (256 * MB)    /* all of a process's stacklets */
#define STACK_RED 256                 /* DX_STACK_RED: mapped below the limit */

typedef struct stacklet {
    struct region *region;
    size_t usable;         /* bytes above the guard page */
    struct stacklet *prev; /* the caller's stacklet */
    uint64_t saved_sp;     /* the caller's rsp when it grew: shrink returns it */
} stacklet_t;

/* Links a stacklet of at least bytes usable (from the spare if it is big
 * enough) and makes it current; NULL when out of memory or past the
 * process's total. */
stacklet_t *stk_grow(proc_t *p, size_t bytes, uint64_t saved_sp);
/* Unlinks the current stacklet (keeping it as the spare); false when it is
 * the first. The rsp recorded when it was linked goes to *out_sp. */
bool stk_shrink(proc_t *p, uint64_t *out_sp);
/* The limit, base and top in the process block, from the current one. */
void stk_publish(proc_t *p);
uint64_t stk_top(const stacklet_t *s);
uint64_t stk_limit(const stacklet_t *s);
/* Frees the chain and the spare (teardown). */
void stk_free_all(proc_t *p);

#endif
