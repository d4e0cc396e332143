/*
 * The translator: validated WebAssembly to x86-64 machine code.
 *
 * dx_x64_translate() takes a decoded module (dx_module_decode) and, one
 * function at a time and one instruction at a time, validates each
 * instruction (dx_val_insn) and then emits its machine code. The pass is
 * linear in the module's size, in time and in space.
 *
 * The output is position independent and relocation free: calls between
 * functions are rel32 inside the code, everything else the code reaches is
 * at a fixed offset from a pinned register. Executing it needs an
 * environment (the hosted runtime `dogma-run`, or the kernel) that sets up
 * the registers and the process block below; spec/abi.md is the contract,
 * this header its C form.
 *
 * Pinned registers, never changed by translated code:
 *   r15  the process block (DX_PB_*)
 *   r14  the base of memory 0 (the module's linear memory)
 *   r13  the size of memory 0 in bytes; translated code reloads it from
 *        the process block after every call, since memory.grow (a host
 *        call) changes it
 *   rbp  the frame pointer; frames form a chain through [rbp]
 *
 * Calling convention between translated functions:
 *   - parameters of class int (i32, i64, funcref, externref) in rdi, rsi,
 *     rdx, rcx, in order; of class float (f32, f64) in xmm0..xmm7;
 *     a parameter that finds no register of its class goes into the
 *     transfer area of the process block, at slot = its parameter index;
 *   - the first result in rax or xmm0; results 1.. in the transfer area,
 *     slot = result index;
 *   - i32 values in 64-bit registers have their upper 32 bits zero;
 *   - every register but r13, r14, r15, rbp and rsp is caller-saved (a
 *     function keeps its busiest locals in registers, and stores them
 *     around its calls);
 *   - rsp is 16-byte aligned before the call instruction.
 */
#ifndef DOGMA_TRANSLATE_H
#define DOGMA_TRANSLATE_H

/* ---- the process block ------------------------------------------------------
 * A fixed header (offsets below) followed by the module's data area, whose
 * layout the translator chooses (dx_x64_layout_t). The environment fills
 * the header before the first call and keeps it current. */
#define DX_PB_PREEMPT     0x00 /* u32: nonzero when the process should yield */
#define DX_PB_STACK_LIMIT 0x08 /* u64: the lowest rsp a frame may reach */
#define DX_PB_MEM_SIZE    0x10 /* u64: memory 0's size in bytes */
#define DX_PB_MEM_BASE    0x18 /* u64: memory 0's base address */
#define DX_PB_HOSTCALL    0x20 /* code: host/system call thunk */
#define DX_PB_MORESTACK   0x28 /* code: stacklet slow path */
#define DX_PB_YIELD       0x30 /* code: preemption slow path */
#define DX_PB_FUNCS       0x38 /* dx_x64_funcref_t[nfuncs]: one per function */
#define DX_PB_ENV         0x40 /* 0x40..0x100: the environment's own use */
#define DX_PB_HEADER_SIZE 0x100

/* Bytes below DX_PB_STACK_LIMIT that the environment guarantees are
 * mapped: room for a call into a thunk and an import stub's frame. */
#define DX_STACK_RED 256

/* Stacklets and preemption. Every function starts with
 *
 *       lea  rax, [rsp - need]          ; need = frame size + 16
 *       cmp  rax, [r15 + DX_PB_STACK_LIMIT]
 *       jb   slow
 *   body:
 *       push rbp; mov rbp, rsp; sub rsp, frame
 *       ...
 *   slow:                               ; out of line
 *       mov  eax, need
 *       call [r15 + DX_PB_MORESTACK]
 *       jmp  body
 *
 * DX_PB_MORESTACK returns with at least eax bytes above the (possibly new)
 * limit below rsp. It may move rsp to a new stacklet; if it does, it
 * copies the function's return address there (or an address of its own
 * that unlinks the stacklet on return and then returns to it), so that the
 * function's final `ret` works as usual. It preserves every register but
 * rax, r10, r11 and the flags, and the transfer area.
 *
 * Each loop head polls:
 *
 *       cmp  dword [r15 + DX_PB_PREEMPT], 0
 *       jne  poll                       ; out of line: call [r15 +
 *                                       ; DX_PB_YIELD]; jmp back
 *
 * DX_PB_YIELD preserves every register but the flags. To make function
 * entries poll too, an environment that sets DX_PB_PREEMPT also sets
 * DX_PB_STACK_LIMIT to UINT64_MAX, so that every entry takes the
 * morestack path, which yields first. */

/* The assembly thunks of an environment include this header for the
 * offsets above; the rest is C. */
#ifndef __ASSEMBLER__
#include <dogma/module.h>

/* A function reference (a funcref value, a table element) is the address
 * of one of these, or 0 for null. The environment fills the array at
 * DX_PB_FUNCS: tag = dx_x64_type_tag() of the function's type, code = the
 * function's entry (dx_x64_t.func_code). call_indirect compares tags. */
typedef struct dx_x64_funcref {
    uint64_t tag;
    uint64_t code;
} dx_x64_funcref_t;

/* A table in the data area: base points at size funcref or externref
 * values (8 bytes each). The environment may move base when it grows. */
typedef struct dx_x64_table {
    uint64_t base;
    uint64_t size;
} dx_x64_table_t;

/* Equal for two function types exactly when they are the same type
 * (canonical result-type ids of parameters and results); never 0. */
static inline uint64_t dx_x64_type_tag(const dx_module_t *m, uint32_t type)
{
    const dx_functype_t *t = &m->types[type];
    return ((uint64_t)(t->params_id + 1) << 32) | (uint64_t)(t->results_id + 1);
}

/* ---- host calls ------------------------------------------------------------
 * Translated code reaches the environment only through the thunks in the
 * process block. DX_PB_HOSTCALL is called with edi = the call's number and
 * the arguments in the transfer area (slot i = argument i, 8 bytes each,
 * i32 zero-extended, floats as their bits); the environment writes the
 * results to the transfer area's slots 0.. and returns. It preserves r13
 * (stale; the caller reloads it), r14, r15, rbp and rsp; everything else
 * may change. It may instead end the computation with a trap.
 *
 * Numbers below DX_HC_BUILTIN are the module's function imports (the
 * function index). From DX_HC_BUILTIN on, the instructions translated as
 * calls into the runtime, with their arguments (in stack order, then the
 * immediates):                                              results  */
#define DX_HC_BUILTIN 0x80000000u
enum {
    DX_HC_MEMORY_GROW = DX_HC_BUILTIN, /* delta               old size or -1 */
    DX_HC_MEMORY_FILL,  /* dest, value, n                                  */
    DX_HC_MEMORY_COPY,  /* dest, src, n                                    */
    DX_HC_MEMORY_INIT,  /* dest, src, n, dataidx                           */
    DX_HC_DATA_DROP,    /* dataidx                                         */
    DX_HC_TABLE_GROW,   /* init, delta, tableidx            old size or -1 */
    DX_HC_TABLE_FILL,   /* i, value, n, tableidx                           */
    DX_HC_TABLE_COPY,   /* dest, src, n, dst tableidx, src tableidx        */
    DX_HC_TABLE_INIT,   /* dest, src, n, elemidx, tableidx                 */
    DX_HC_ELEM_DROP,    /* elemidx                                         */
    DX_HC_END
};

/* ---- traps -------------------------------------------------------------------
 * A trapping instruction jumps to a stub `ud2; .byte code`. The
 * environment catches the invalid-opcode exception, reads the code, and
 * finds the instruction's module offset through the code map. A fault on
 * a guard page (strategy guard) is DX_TRAP_MEMORY at the faulting pc. */
#define DX_TRAPS(X)                                                          \
    X(UNREACHABLE, 1, "unreachable")                                         \
    X(MEMORY, 2, "out of bounds memory access")                              \
    X(DIV_ZERO, 3, "integer divide by zero")                                 \
    X(OVERFLOW, 4, "integer overflow")                                       \
    X(CONVERSION, 5, "invalid conversion to integer")                        \
    X(TABLE_INDEX, 6, "undefined element")                                   \
    X(NULL_CALL, 7, "uninitialized element")                                 \
    X(SIGNATURE, 8, "indirect call type mismatch")                           \
    X(STACK, 9, "call stack exhausted")                                      \
    X(TABLE, 10, "out of bounds table access")                               \
    X(HOST, 11, "host error")                                                \
    X(RANGE, 12, "global out of its declared range")
typedef enum dx_trap {
    DX_TRAP_NONE = 0,
#define DX_TRAP_ENUM(id, code, text) DX_TRAP_##id = code,
    DX_TRAPS(DX_TRAP_ENUM)
#undef DX_TRAP_ENUM
    DX_TRAP_COUNT
} dx_trap_t;
const char *dx_trap_text(dx_trap_t t); /* "integer divide by zero", ... */
const char *dx_trap_name(dx_trap_t t); /* "DIV_ZERO", ... */

/* ---- translation -------------------------------------------------------------- */
typedef struct dx_x64_opts {
    uint8_t strategy; /* DX_STRATEGY_GUARD or _CHECKED; _PROVED asks `proved`
                         and `range` */
    /* strategy PROVED: true when the access at module offset insn in func
     * needs no check (its obligation is proved); asked too for each
     * div_s, div_u, rem_s and rem_u, where true means the divisor is proved
     * to be neither 0 nor (signed) -1, so neither check is emitted. NULL:
     * none is. */
    bool (*proved)(void *ctx, uint32_t func, size_t insn);
    /* strategy PROVED: for the global.set at module offset insn in func,
     * true when its value must be checked to lie in [*lo, *hi] (unsigned;
     * the global has a declared range in dogma.proof that the verifier did
     * not prove this set keeps). NULL: no set is checked. Uses proved_ctx. */
    bool (*range)(void *ctx, uint32_t func, size_t insn, uint64_t *lo, uint64_t *hi);
    void *proved_ctx;
    size_t max_code;  /* bytes of code allowed; 0: 1 GiB */
    /* Instrumentation, for measurement only (dogma-run --count-accesses):
     * when not NULL, the caller's array of DX_ACC_COUNT counters, indexed
     * by dx_acc_class_t, and every load and store the translator emits
     * adds 1 to its class's counter each time it executes. The address is
     * baked into the code as an absolute 64-bit immediate, so the code is
     * only valid while the array lives, in this address space; the
     * increment is not atomic (one thread). Bulk memory operations
     * (memory.copy, memory.fill, memory.init) are calls into the runtime
     * and are not counted. NULL: the code is exactly as without the field. */
    uint64_t *count_accesses;
} dx_x64_opts_t;

/* The classes of memory accesses (the counters of count_accesses; the
 * translator's own static figures: dx_x64_stats_t.acc_*). */
typedef enum dx_acc_class {
    DX_ACC_GUARDED = 0, /* left to the guard pages (strategy guard) */
    DX_ACC_CHECKED = 1, /* an explicit bound check */
    DX_ACC_PROVED = 2,  /* proved in bounds: no check (strategy proved) */
    DX_ACC_COUNT
} dx_acc_class_t;

/* One entry of the map from machine code back to the module: the code
 * at offset code (up to the next entry's) belongs to the instruction at
 * module offset module of function func. Sorted by code. */
typedef struct dx_x64_mapent {
    uint32_t code;
    uint32_t func;
    uint32_t module;
} dx_x64_mapent_t;

typedef struct dx_x64_layout {
    uint32_t size;    /* the whole process block, header included */
    uint32_t tables;  /* dx_x64_table_t[ntables] */
    uint32_t globals; /* 8 bytes per global, imported ones included */
    uint32_t xfer;    /* the transfer area */
    uint32_t nxfer;   /* its slots */
} dx_x64_layout_t;

typedef struct dx_x64_stats {
    uint64_t insns;            /* instructions translated */
    uint64_t acc_guarded;      /* memory accesses left to the guard pages */
    uint64_t acc_checked;      /* with an explicit bound check */
    uint64_t acc_proved;       /* proved in bounds: no check */
    uint64_t div_proved;       /* divisions whose divisor is proved neither 0
                                  nor -1: no check */
    uint64_t range_checks;     /* global.sets given a range check (a compare,
                                  or a trap where the value cannot pass) */
    uint64_t trap_sites;
    uint64_t polls;            /* preemption polls emitted */
} dx_x64_stats_t;

#define DX_X64_NONE UINT32_MAX

typedef struct dx_x64 {
    uint8_t *code;         /* position independent, relocation free */
    size_t size;
    uint32_t nfuncs;
    uint32_t *func_code;   /* per function: its entry; imports: their stub */
    uint32_t *func_end;    /* per function: one past its code */
    /* Per function: the entry adapter, or DX_X64_NONE. Exported functions
     * and the start function have one. Called with r13-r15 set and rsp on
     * a stack, it loads the parameters from the transfer area, calls the
     * function and stores its results in the transfer area. */
    uint32_t *func_adapter;
    dx_x64_mapent_t *map;
    size_t nmap;
    dx_x64_layout_t layout;
    dx_x64_stats_t stats;
} dx_x64_t;

/* Translates every defined function of m (decoded, not yet validated:
 * validation happens here, instruction by instruction). Everything
 * allocated comes from ar. On failure, out_err is the validator's or the
 * translator's error (DX_E_CODE_TOO_LARGE beyond max_code; DX_E_TOO_LARGE
 * when the allocator fails). */
bool dx_x64_translate(const dx_module_t *m, const dx_x64_opts_t *opts,
                      dx_arena_t *ar, dx_x64_t *out, dx_error_t *out_err);

/* The map entry covering code offset pc, or NULL. */
const dx_x64_mapent_t *dx_x64_lookup(const dx_x64_t *x, uint32_t pc);

#endif /* __ASSEMBLER__ */
#endif
