/*
 * dogma-run's runtime: one instance of one translated module in this
 * process, the environment that translate.h's contract asks for.
 *
 *   runtime.c   instantiation (memory, tables, globals, segments, imports),
 *               calls in (dr_call_export), traps and backtraces
 *   builtins.c  the host calls: imports and the runtime's instructions
 *               (memory.grow, memory.copy, table.init, ...)
 *   stacklets.c the stacklet chain and preemption
 *   thunks.S    the assembly between translated code and C
 */
#ifndef DOGMA_RUN_RUNTIME_H
#define DOGMA_RUN_RUNTIME_H

#include <setjmp.h>
#include <stdio.h>

#include <dogma/translate.h>

#include "host.h"

typedef struct dr_stacklet {
    uint8_t *base;          /* lowest usable byte; a guard page lies below */
    size_t size;
    uint64_t saved_rsp;     /* the rsp to go back to when it unlinks */
    uint64_t saved_limit;
    uint64_t ret;           /* the return address it replaced */
    struct dr_stacklet *prev;
} dr_stacklet_t;

typedef struct dr_table {
    uint64_t *elems;
    uint64_t size, max;
} dr_table_t;

typedef struct dr_segment {
    const uint8_t *bytes;   /* data: the bytes; NULL when dropped */
    uint64_t *refs;         /* elem: the references */
    uint64_t len;
} dr_segment_t;

typedef struct dr_import {
    dr_hostfn_fn fn;
    void *state;
    const char *module, *name; /* for messages */
} dr_import_t;

typedef struct dr_opts {
    uint8_t strategy;
    uint64_t max_memory;    /* bytes memory may grow to */
    uint64_t max_stack;     /* bytes of stacklets */
    int npreopens;
    const dr_hostmod_t *hostmods;
    int nhostmods;
} dr_opts_t;

typedef struct dr_stats {
    uint64_t stacklets, spare_hits, yields, host_calls;
} dr_stats_t;

typedef struct dr_inst {
    const dx_module_t *m;
    const dx_x64_t *x;
    const char *file;
    dx_name_t *names;       /* per function, from the name section */
    uint8_t *code;          /* the translated code, read-execute */
    uint8_t *pb;            /* the process block */
    uint8_t *mem;           /* memory 0's reservation */
    uint64_t mem_reserved, mem_max;
    dx_x64_funcref_t *funcs;
    dr_table_t *tables;
    dr_segment_t *datas, *elems;
    dr_import_t *imports;
    dr_call_t call;         /* for host functions */

    dr_stacklet_t *stack;   /* the current stacklet */
    dr_stacklet_t *spare;   /* one unlinked stacklet kept for reuse */
    uint64_t stack_total, max_stack, limit;

    /* the end of a call: a trap or an exit */
    sigjmp_buf *jb;
    int trap;               /* DX_TRAP_*, or 0 */
    bool exited;
    int exit_code;
    uint64_t trap_pc, trap_rbp; /* code offset, frame pointer */
    uint64_t trap_ret;      /* a first return address not in the rbp chain
                               (a trap in the stacklet slow path), or 0 */
    uint64_t trace[32];     /* the callers' code offsets, captured before
                               the stacklets are reset */
    uint32_t ntrace;        /* frames found (only the first 32 kept) */
    dr_stats_t stats;
} dr_inst_t;

/* Instantiates: returns NULL with a message on stderr naming the problem
 * (an unresolved import, memory beyond --max-memory, a segment out of
 * bounds is a trap instead: see dr_start). */
dr_inst_t *dr_instantiate(const dx_module_t *m, const dx_x64_t *x, const char *file,
                          const dr_opts_t *o);
void dr_free(dr_inst_t *in);

/* Initialises active segments and runs the start function. false: it
 * trapped (in->trap) or exited (in->exited). */
bool dr_start(dr_inst_t *in);

/* Calls function f with args (8-byte slots) and leaves its results in
 * results. false: it trapped or exited. */
bool dr_call_func(dr_inst_t *in, uint32_t f, const uint64_t *args, uint64_t *results);

/* Prints "trap: KIND in FUNC+0xOFF" and the backtrace. */
void dr_report_trap(dr_inst_t *in, FILE *out, bool backtrace);
const char *dr_func_name(dr_inst_t *in, uint32_t f, char *buf, size_t len);

/* stacklets.c */
bool dr_stack_init(dr_inst_t *in);
void dr_stack_reset(dr_inst_t *in);
void dr_stack_free(dr_inst_t *in);
uint64_t dr_stack_top(dr_inst_t *in);
void dr_preempt_start(dr_inst_t *in, unsigned interval_us);
void dr_preempt_stop(void);

/* builtins.c */
_Noreturn void dr_trap(dr_inst_t *in, int code);

/* thunks.S */
void dr_enter(void *pb, uint64_t adapter, uint64_t stack_top);
void dr_hostcall_thunk(void);
void dr_morestack_thunk(void);
void dr_unlink_thunk(void);
void dr_yield_thunk(void);

/* called from thunks.S */
void dr_hostcall(uint8_t *pb, uint32_t num);
uint64_t dr_morestack(uint8_t *pb, uint32_t need);
uint64_t dr_lessstack(uint8_t *pb);
void dr_yield(uint8_t *pb);

static inline uint64_t *dr_pb64(uint8_t *pb, uint32_t off)
{
    return (uint64_t *)(void *)(pb + off);
}

#endif
