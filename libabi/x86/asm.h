/*
 * A small x86-64 encoder: the translator's only way to write machine code.
 *
 * Registers are numbered as the hardware numbers them: 0..15 for the
 * general registers (RAX..R15) and 0..15 for XMM0..XMM15, the instruction
 * telling which file an operand is in. A memory operand is base + index *
 * scale + disp, with base and index general registers (or X_NONE).
 *
 * The code buffer grows by doubling inside the arena; an allocation
 * failure or the size limit sets `failed` and later emits become no-ops,
 * so the translator checks once per instruction, not per byte.
 */
#ifndef DOGMA_X86_ASM_H
#define DOGMA_X86_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dogma/module.h>

enum {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
    X_NONE = -1,
};

/* condition codes, as in Jcc/SETcc/CMOVcc */
enum {
    CC_O = 0, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
    CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G,
};

typedef struct xb {
    uint8_t *p;
    size_t len, cap;
    size_t limit;        /* most bytes allowed */
    dx_arena_t *ar;
    bool failed;         /* out of memory, or over the limit */
    bool over_limit;     /* failed because of the limit */
} xb_t;

typedef struct xmem {
    int8_t base, index;
    uint8_t scale;       /* 1, 2, 4, 8 */
    int32_t disp;
} xmem_t;

static inline xmem_t xm(int base, int32_t disp)
{
    return (xmem_t){ (int8_t)base, X_NONE, 1, disp };
}
static inline xmem_t xmi(int base, int index, int scale, int32_t disp)
{
    return (xmem_t){ (int8_t)base, (int8_t)index, (uint8_t)scale, disp };
}

/* Opcode bytes: up to three, packed with their count. */
#define OP1(a)       (0x01000000u | (a))
#define OP2(a, b)    (0x02000000u | ((a) << 8) | (b))
#define OP3(a, b, c) (0x03000000u | ((a) << 16) | ((b) << 8) | (c))

/* Flags for x_rr / x_rm */
enum {
    XW = 1,       /* REX.W: 64-bit operand */
    X66 = 2,      /* operand-size or SSE prefix 0x66 */
    XF2 = 4,
    XF3 = 8,
    XB8 = 16,     /* byte register operands: SPL..DIL need a REX */
};

bool xb_reserve(xb_t *b, size_t n);

static inline void xb_u8(xb_t *b, uint8_t v)
{
    if (b->len < b->cap || xb_reserve(b, 1))
        b->p[b->len++] = v;
}
void xb_u32(xb_t *b, uint32_t v);
void xb_u64(xb_t *b, uint64_t v);
void xb_patch32(xb_t *b, size_t at, uint32_t v);

/* reg is the ModRM reg field (a register or an opcode extension). */
void x_rr(xb_t *b, unsigned flags, uint32_t op, int reg, int rm);
void x_rm(xb_t *b, unsigned flags, uint32_t op, int reg, xmem_t m);

/* ---- common instructions ----------------------------------------------- */
void x_mov_ri(xb_t *b, int r, uint64_t imm);  /* flags untouched */
void x_mov_rr(xb_t *b, bool w, int dst, int src);
void x_load(xb_t *b, bool w, int dst, xmem_t m);      /* mov r, [m] */
void x_store(xb_t *b, bool w, xmem_t m, int src);     /* mov [m], r */
void x_store_i32(xb_t *b, bool w, xmem_t m, int32_t imm);
void x_lea(xb_t *b, int dst, xmem_t m);
/* group-1 ALU: ext 0 add, 1 or, 4 and, 5 sub, 6 xor, 7 cmp */
void x_alu_rr(xb_t *b, bool w, int ext, int dst, int src);
void x_alu_ri(xb_t *b, bool w, int ext, int dst, int32_t imm);
void x_alu_rm(xb_t *b, bool w, int ext, int dst, xmem_t m);
void x_alu_mi(xb_t *b, bool w, int ext, xmem_t m, int32_t imm);
void x_test_rr(xb_t *b, bool w, int a, int c);
void x_setcc(xb_t *b, int cc, int r);                 /* then movzx r, r8 */
void x_movzx8(xb_t *b, int dst, int src);
void x_cmov(xb_t *b, bool w, int cc, int dst, int src);
size_t x_jcc(xb_t *b, int cc);                        /* rel32; returns fixup */
size_t x_jmp(xb_t *b);                                /* rel32; returns fixup */
void x_jcc_to(xb_t *b, int cc, size_t target);
void x_jmp_to(xb_t *b, size_t target);
void x_bind(xb_t *b, size_t fixup, size_t target);    /* patch a rel32 */
size_t x_call(xb_t *b);                               /* rel32; returns fixup */
void x_call_m(xb_t *b, xmem_t m);
void x_pushr(xb_t *b, int r);
void x_popr(xb_t *b, int r);
void x_ret(xb_t *b);
void x_ud2(xb_t *b, uint8_t code);                    /* ud2; .byte code */

/* ---- SSE ------------------------------------------------------------------ */
/* movss/movsd between xmm registers and memory */
void x_fload(xb_t *b, bool dbl, int x, xmem_t m);
void x_fstore(xb_t *b, bool dbl, xmem_t m, int x);
void x_fmov(xb_t *b, int dst, int src);               /* movaps */
void x_movq_xr(xb_t *b, bool w, int x, int r);        /* movd/movq xmm, r */
void x_movq_rx(xb_t *b, bool w, int r, int x);        /* movd/movq r, xmm */
/* scalar op with the ss/sd prefix chosen by dbl: 0x58 add, 0x59 mul, 0x5C
 * sub, 0x5E div, 0x51 sqrt, 0x5D min, 0x5F max */
void x_fop(xb_t *b, bool dbl, uint8_t op, int dst, int src);
void x_ucomi(xb_t *b, bool dbl, int a, int c);

#endif
