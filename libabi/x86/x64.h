/*
 * The translator's private state, shared by its files:
 *
 *   translate.c  the module: layout, stubs, adapters, the per-function loop
 *   stack.c      the abstract operand stack and register allocation
 *   control.c    blocks, branches, calls, returns
 *   ops.c        integer arithmetic and comparisons
 *   fops.c       floating point and conversions
 *   access.c     locals, globals, memory, tables, bulk operations
 *
 * The model. Every operand-stack position p has a home slot in the frame
 * ([rbp - 8 * (nlocals + 1 + p)]); every local i has one too ([rbp - 8 *
 * (i + 1)]). An abstract stack entry says where position p's value is
 * now: in a register, a constant not yet materialised, a local not yet
 * read (valid until the local is written), a comparison whose result is
 * still in the flags, or in its home slot. Values move to their slots only
 * when they must: at control-flow joins, before calls, when registers run
 * out. At a join every entry is in its slot or a constant, so both sides
 * of a join agree without moves (a label with one result and no parameters
 * takes it in RAX or XMM0 instead). Constants may stay constants across a
 * join because an entry below a block's entry height cannot change inside
 * the block.
 *
 * The busiest locals (counted before the body is translated, weighted by
 * loop depth) live in registers, their homes, for the whole function; their
 * slots hold them only across calls. An entry popped from such a local is a
 * borrowed register: read it, never write it. The instruction before a
 * local.set of a home (or a return) may compute its result straight into
 * that register (the hint).
 */
#ifndef DOGMA_X86_X64_H
#define DOGMA_X86_X64_H

#include <dogma/translate.h>

#include "asm.h"

enum {
    V_MEM,    /* in its home slot */
    V_REG,    /* in register reg (0..15 general, 16..31 xmm) */
    V_CONST,  /* the bits in imm */
    V_LOCAL,  /* the current value of local `local` */
    V_CMP,    /* i32 0/1 from the flags: condition cc; only ever on top */
};

#define XMM(n) (16 + (n))
#define IS_XMM(r) ((r) >= 16)

typedef struct xval {
    uint8_t kind;
    uint8_t type;   /* DX_T_* */
    uint8_t reg;    /* V_REG */
    uint8_t cc;     /* V_CMP */
    bool borrowed;  /* V_REG, popped from a register local: read only */
    uint32_t local; /* V_LOCAL */
    uint32_t pos;   /* the stack position: V_MEM's slot, also once popped */
    uint64_t imm;   /* V_CONST */
} xval_t;

enum { C_FUNC, C_BLOCK, C_LOOP, C_IF, C_ELSE };

typedef struct xctl {
    uint8_t kind;
    bool dead;          /* entered in unreachable code: all of it is */
    bool unreachable;   /* the rest of this frame is unreachable */
    uint32_t height;    /* operand height at entry, parameters excluded */
    uint32_t nparams, nresults;
    const dx_valtype_t *params, *results;
    size_t head;        /* C_LOOP: code offset of the loop head */
    uint32_t fixes;     /* forward jumps to this frame's end: list head */
    size_t else_fix;    /* C_IF: the jump to the else arm, or SIZE_MAX */
    uint32_t bt_epoch;  /* br_table: the table that last made a stub here */
    uint32_t bt_stub;   /* that stub's code offset */
} xctl_t;

typedef struct xfix {
    size_t at;          /* the rel32 to patch */
    uint32_t next;
    uint32_t table;     /* 0: relative to at + 4; else a br_table entry,
                           relative to the table at this code offset */
} xfix_t;

typedef struct xtrap {
    size_t at;          /* the rel32 of the jcc to the stub */
    uint32_t insn;      /* module offset of the trapping instruction */
    uint8_t code;
} xtrap_t;

#define X_NOFIX UINT32_MAX

typedef struct x64 {
    const dx_module_t *m;
    const dx_x64_opts_t *opts;
    dx_arena_t *ar;
    dx_error_t *err;
    dx_x64_t *out;
    xb_t b;
    dx_val_t val;
    dx_code_t code;

    /* the function being translated */
    uint32_t func;
    const dx_functype_t *type;
    uint32_t nlocals;       /* parameters included */
    dx_valtype_t *ltype;    /* per local */
    int8_t *lreg;           /* per local: its register for the whole
                               function, or -1: its slot */
    uint32_t nhomes;        /* locals living in registers */
    int8_t home_reg[16];
    uint32_t home_local[16];
    uint32_t home_mask;     /* their registers: not for the operand stack */
    uint32_t stale;         /* homes whose slot may differ from the register:
                               all of them at every join, none after a call */
    dx_insn_t *replay;      /* the function's instructions, decoded once by
                               count_uses, when the body is small enough */
    uint32_t nreplay, replay_cap, replay_pos;
    bool replaying;
    int hint;               /* the home the result should land in, or -1 */
    uint32_t hint_local;    /* its local, which the next instruction sets;
                               UINT32_MAX: the next returns the result */
    bool hint_read;         /* this instruction reads that local */
    uint32_t *lrefs;        /* per local: V_LOCAL entries on the stack */
    xval_t *stack;
    uint32_t height, max_height, stack_cap;
    xctl_t *ctl;
    uint32_t depth, ctl_cap;
    xfix_t *fixes;
    uint32_t nfixes, fixes_cap;
    xtrap_t *traps;         /* code 0: a preemption poll, insn = return point */
    uint32_t ntraps, traps_cap;
    xval_t *args;           /* a call's popped arguments */
    uint32_t args_cap;
    uint32_t bt_epoch;
    uint32_t *bt_targets;   /* br_table: per target, its stub */
    uint32_t bt_cap;
    size_t frame_at[2];     /* the two imm32 holding the frame size */
    size_t slow_fix;        /* the prologue's jb to the morestack path */
    size_t body;            /* code offset after the stack check */
    const dx_insn_t *insn;  /* the instruction being emitted */

    /* registers */
    int32_t owner[32];      /* stack position holding it, or -1 */
    uint32_t locked;        /* popped but in use by this instruction */
    uint32_t reg_floor;     /* no V_REG, V_LOCAL or V_CMP entry below this
                               position: where x_spill_regs starts */

    /* calls to functions not yet emitted */
    xfix_t *calls;          /* .next holds the callee */
    uint32_t ncalls, calls_cap;
    dx_x64_mapent_t *map;
    uint32_t nmap, map_cap;
    bool checked;           /* memory accesses need explicit checks here */
} x64_t;

/* ---- translate.c ------------------------------------------------------ */
bool x_fail(x64_t *x, dx_err_t code);
/* Grows *p (of *cap elements) to hold need: false, with the error set and
 * *p and *cap untouched, when the allocator says no. */
bool x_grow(x64_t *x, void **p, uint32_t *cap, uint32_t need, size_t elem);
#define X_GROW(x, arr, cap, need) \
    x_grow((x), (void **)&(arr), &(cap), (need), sizeof *(arr))
void x_mark(x64_t *x);                 /* map entry for the current insn */
void x_trap_jcc(x64_t *x, int cc, uint8_t code);
void x_trap_now(x64_t *x, uint8_t code);
int32_t x_slot(const x64_t *x, uint32_t pos);
int32_t x_local(const x64_t *x, uint32_t idx);
int32_t x_global(const x64_t *x, uint32_t idx);
int32_t x_xfer(const x64_t *x, uint32_t slot);
void x_emit_return(x64_t *x);
void x_reload_bound(x64_t *x);
void x_homes_out(x64_t *x);            /* before a call: homes to slots */
void x_homes_in(x64_t *x);             /* after it: back */

/* ---- stack.c ---------------------------------------------------------------- */
static inline bool x_is_float(uint8_t t) { return t == DX_T_F32 || t == DX_T_F64; }
static inline bool x_is64(uint8_t t) { return t != DX_T_I32 && t != DX_T_F32; }

bool x_push_reg(x64_t *x, uint8_t type, int reg);
bool x_push_const(x64_t *x, uint8_t type, uint64_t bits);
bool x_push_local(x64_t *x, uint32_t idx);
bool x_push_cmp(x64_t *x, int cc);
bool x_push_mem(x64_t *x, uint8_t type);
xval_t x_pop(x64_t *x);
xval_t *x_top(x64_t *x, uint32_t k);   /* k = 0: the top */
int x_alloc(x64_t *x, bool xmm);       /* a free register, spilling if needed */
int x_alloc_not(x64_t *x, bool xmm, uint32_t avoid); /* avoid: a register mask */
void x_evict(x64_t *x, int reg);       /* move its owner to its slot */
int x_to_reg(x64_t *x, const xval_t *v);           /* a register we may clobber */
int x_in_reg(x64_t *x, const xval_t *v);           /* a register, read only */
void x_load_into(x64_t *x, const xval_t *v, int reg);
void x_store_val(x64_t *x, const xval_t *v, int32_t disp, int base);
void x_materialize_cmp(x64_t *x);
void x_spill_regs(x64_t *x, uint32_t from); /* V_REG and V_LOCAL -> slot */
void x_spill_all(x64_t *x, uint32_t from);  /* and constants too */
void x_release_local(x64_t *x, uint32_t idx);
xmem_t x_val_mem(const x64_t *x, const xval_t *v); /* V_MEM or V_LOCAL */
void x_drop_to(x64_t *x, uint32_t height);
void x_parallel_move(x64_t *x, const int *src, const int *dst, int n);

/* ---- the emitters, one per instruction class --------------------------- */
bool x_control(x64_t *x, const dx_insn_t *in);
bool x_call_op(x64_t *x, const dx_insn_t *in);
bool x_int_op(x64_t *x, const dx_insn_t *in);
bool x_float_op(x64_t *x, const dx_insn_t *in);
bool x_conv_op(x64_t *x, const dx_insn_t *in);
bool x_access_op(x64_t *x, const dx_insn_t *in);
bool x_memory_op(x64_t *x, const dx_insn_t *in);
static inline int x_lreg(const x64_t *x, const xval_t *v)
{
    return v->kind == V_LOCAL ? x->lreg[v->local] : -1;
}
bool x_hostcall(x64_t *x, uint32_t num, uint32_t nargs, const uint64_t *imms,
                uint32_t nimms, uint8_t result);

#endif
