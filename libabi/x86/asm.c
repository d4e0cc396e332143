/*
 * The x86-64 encoder (asm.h). Everything the translator emits goes through
 * x_rr/x_rm, which pick the REX prefix and the ModRM/SIB/displacement
 * bytes; the helpers below them only choose opcodes. Encodings follow the
 * Intel SDM, volume 2, section 2.1 (instruction format) and 2.2.1 (REX).
 */
#include "asm.h"

bool xb_reserve(xb_t *b, size_t n)
{
    if (b->failed)
        return false;
    if (b->len + n <= b->cap)
        return true;
    if (b->len + n > b->limit) {
        b->failed = b->over_limit = true;
        return false;
    }
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->len + n)
        cap *= 2;
    if (cap > b->limit) /* so that the fast path's len < cap implies the limit */
        cap = b->limit;
    uint8_t *p = dx_arena_alloc(b->ar, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    if (b->len)
        __builtin_memcpy(p, b->p, b->len);
    /* The old buffer stays in the arena: the total is below twice the
     * final size, so memory stays linear. */
    b->p = p;
    b->cap = cap;
    return true;
}

void xb_u32(xb_t *b, uint32_t v)
{
    if (!xb_reserve(b, 4))
        return;
    __builtin_memcpy(b->p + b->len, &v, 4);
    b->len += 4;
}

void xb_u64(xb_t *b, uint64_t v)
{
    if (!xb_reserve(b, 8))
        return;
    __builtin_memcpy(b->p + b->len, &v, 8);
    b->len += 8;
}

void xb_patch32(xb_t *b, size_t at, uint32_t v)
{
    if (!b->failed && at + 4 <= b->len)
        __builtin_memcpy(b->p + at, &v, 4);
}

/* The prefixes and REX of an instruction, written at p; returns the end. */
static uint8_t *prefix_rex(uint8_t *p, unsigned flags, int reg, int index, int base)
{
    if (flags & X66)
        *p++ = 0x66;
    if (flags & XF2)
        *p++ = 0xF2;
    if (flags & XF3)
        *p++ = 0xF3;
    unsigned rex = 0x40 | (flags & XW ? 8 : 0) | (reg >= 8 ? 4 : 0) |
                   (index >= 8 ? 2 : 0) | (base >= 8 ? 1 : 0);
    bool byte_hi = (flags & XB8) && ((reg >= 4 && reg < 8) || (base >= 4 && base < 8));
    if (rex != 0x40 || byte_hi)
        *p++ = (uint8_t)rex;
    return p;
}

static uint8_t *opcode(uint8_t *p, uint32_t op)
{
    unsigned n = op >> 24;
    if (n >= 3)
        *p++ = (uint8_t)(op >> 16);
    if (n >= 2)
        *p++ = (uint8_t)(op >> 8);
    *p++ = (uint8_t)op;
    return p;
}

/* Every instruction is at most 15 bytes: one check per instruction. */
#define ROOM(b) do { if ((b)->len + 16 > (b)->cap && !xb_reserve((b), 16)) return; } while (0)

void x_rr(xb_t *b, unsigned flags, uint32_t op, int reg, int rm)
{
    ROOM(b);
    uint8_t *p = prefix_rex(b->p + b->len, flags, reg, 0, rm);
    p = opcode(p, op);
    *p++ = (uint8_t)(0xC0 | ((reg & 7) << 3) | (rm & 7));
    b->len = (size_t)(p - b->p);
}

void x_rm(xb_t *b, unsigned flags, uint32_t op, int reg, xmem_t m)
{
    ROOM(b);
    int base = m.base, index = m.index;
    uint8_t *p = prefix_rex(b->p + b->len, flags, reg, index < 0 ? 0 : index,
                            base < 0 ? 0 : base);
    p = opcode(p, op);
    unsigned mod;
    if (base < 0)
        mod = 0; /* [index*scale + disp32] via SIB with base=101 */
    else if (m.disp == 0 && (base & 7) != RBP)
        mod = 0; /* RBP/R13 with mod 0 would mean RIP/disp32 */
    else if (m.disp >= -128 && m.disp <= 127)
        mod = 1;
    else
        mod = 2;
    unsigned r = (unsigned)(reg & 7) << 3;
    if (index < 0 && base >= 0 && (base & 7) != RSP) {
        *p++ = (uint8_t)((mod << 6) | r | (base & 7));
    } else {
        /* SIB: needed for an index, and for RSP/R12 as base */
        unsigned ss = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0;
        unsigned idx = index < 0 ? 4 : (unsigned)(index & 7);
        unsigned bs = base < 0 ? 5 : (unsigned)(base & 7);
        *p++ = (uint8_t)((mod << 6) | r | 4);
        *p++ = (uint8_t)((ss << 6) | (idx << 3) | bs);
    }
    if (base < 0 || mod == 2) {
        __builtin_memcpy(p, &m.disp, 4);
        p += 4;
    } else if (mod == 1) {
        *p++ = (uint8_t)m.disp;
    }
    b->len = (size_t)(p - b->p);
}

void x_mov_ri(xb_t *b, int r, uint64_t imm)
{
    if (imm <= 0xFFFFFFFFu) {
        if (r >= 8)
            xb_u8(b, 0x41);
        xb_u8(b, (uint8_t)(0xB8 + (r & 7)));
        xb_u32(b, (uint32_t)imm);
    } else if ((int64_t)imm >= INT32_MIN && (int64_t)imm < 0) {
        x_rr(b, XW, OP1(0xC7), 0, r); /* sign-extended imm32 */
        xb_u32(b, (uint32_t)imm);
    } else {
        xb_u8(b, r >= 8 ? 0x49 : 0x48);
        xb_u8(b, (uint8_t)(0xB8 + (r & 7)));
        xb_u64(b, imm);
    }
}

void x_mov_rr(xb_t *b, bool w, int dst, int src)
{
    x_rr(b, w ? XW : 0, OP1(0x89), src, dst);
}

void x_load(xb_t *b, bool w, int dst, xmem_t m)
{
    x_rm(b, w ? XW : 0, OP1(0x8B), dst, m);
}

void x_store(xb_t *b, bool w, xmem_t m, int src)
{
    x_rm(b, w ? XW : 0, OP1(0x89), src, m);
}

void x_store_i32(xb_t *b, bool w, xmem_t m, int32_t imm)
{
    x_rm(b, w ? XW : 0, OP1(0xC7), 0, m);
    xb_u32(b, (uint32_t)imm);
}

void x_lea(xb_t *b, int dst, xmem_t m)
{
    x_rm(b, XW, OP1(0x8D), dst, m);
}

void x_alu_rr(xb_t *b, bool w, int ext, int dst, int src)
{
    x_rr(b, w ? XW : 0, OP1((unsigned)(ext << 3) | 1), src, dst);
}

void x_alu_ri(xb_t *b, bool w, int ext, int dst, int32_t imm)
{
    if (imm >= -128 && imm <= 127) {
        x_rr(b, w ? XW : 0, OP1(0x83), ext, dst);
        xb_u8(b, (uint8_t)imm);
    } else {
        x_rr(b, w ? XW : 0, OP1(0x81), ext, dst);
        xb_u32(b, (uint32_t)imm);
    }
}

void x_alu_rm(xb_t *b, bool w, int ext, int dst, xmem_t m)
{
    x_rm(b, w ? XW : 0, OP1((unsigned)(ext << 3) | 3), dst, m);
}

void x_alu_mi(xb_t *b, bool w, int ext, xmem_t m, int32_t imm)
{
    if (imm >= -128 && imm <= 127) {
        x_rm(b, w ? XW : 0, OP1(0x83), ext, m);
        xb_u8(b, (uint8_t)imm);
    } else {
        x_rm(b, w ? XW : 0, OP1(0x81), ext, m);
        xb_u32(b, (uint32_t)imm);
    }
}

void x_test_rr(xb_t *b, bool w, int a, int c)
{
    x_rr(b, w ? XW : 0, OP1(0x85), c, a);
}

void x_setcc(xb_t *b, int cc, int r)
{
    x_rr(b, XB8, OP2(0x0F, 0x90 | (unsigned)cc), 0, r);
}

void x_movzx8(xb_t *b, int dst, int src)
{
    x_rr(b, XB8, OP2(0x0F, 0xB6), dst, src);
}

void x_cmov(xb_t *b, bool w, int cc, int dst, int src)
{
    x_rr(b, w ? XW : 0, OP2(0x0F, 0x40 | (unsigned)cc), dst, src);
}

size_t x_jcc(xb_t *b, int cc)
{
    xb_u8(b, 0x0F);
    xb_u8(b, (uint8_t)(0x80 | cc));
    xb_u32(b, 0);
    return b->len - 4;
}

size_t x_jmp(xb_t *b)
{
    xb_u8(b, 0xE9);
    xb_u32(b, 0);
    return b->len - 4;
}

void x_bind(xb_t *b, size_t fixup, size_t target)
{
    xb_patch32(b, fixup, (uint32_t)(int32_t)((int64_t)target - (int64_t)(fixup + 4)));
}

void x_jcc_to(xb_t *b, int cc, size_t target)
{
    int64_t rel = (int64_t)target - (int64_t)(b->len + 2);
    if (rel >= -128 && rel <= 127) {
        xb_u8(b, (uint8_t)(0x70 | cc));
        xb_u8(b, (uint8_t)rel);
    } else {
        x_bind(b, x_jcc(b, cc), target);
    }
}

void x_jmp_to(xb_t *b, size_t target)
{
    int64_t rel = (int64_t)target - (int64_t)(b->len + 2);
    if (rel >= -128 && rel <= 127) {
        xb_u8(b, 0xEB);
        xb_u8(b, (uint8_t)rel);
    } else {
        x_bind(b, x_jmp(b), target);
    }
}

size_t x_call(xb_t *b)
{
    xb_u8(b, 0xE8);
    xb_u32(b, 0);
    return b->len - 4;
}

void x_call_m(xb_t *b, xmem_t m)
{
    x_rm(b, 0, OP1(0xFF), 2, m);
}

void x_pushr(xb_t *b, int r)
{
    if (r >= 8)
        xb_u8(b, 0x41);
    xb_u8(b, (uint8_t)(0x50 + (r & 7)));
}

void x_popr(xb_t *b, int r)
{
    if (r >= 8)
        xb_u8(b, 0x41);
    xb_u8(b, (uint8_t)(0x58 + (r & 7)));
}

void x_ret(xb_t *b)
{
    xb_u8(b, 0xC3);
}

void x_ud2(xb_t *b, uint8_t code)
{
    xb_u8(b, 0x0F);
    xb_u8(b, 0x0B);
    xb_u8(b, code);
}

void x_fload(xb_t *b, bool dbl, int x, xmem_t m)
{
    x_rm(b, dbl ? XF2 : XF3, OP2(0x0F, 0x10), x, m);
}

void x_fstore(xb_t *b, bool dbl, xmem_t m, int x)
{
    x_rm(b, dbl ? XF2 : XF3, OP2(0x0F, 0x11), x, m);
}

void x_fmov(xb_t *b, int dst, int src)
{
    x_rr(b, 0, OP2(0x0F, 0x28), dst, src);
}

void x_movq_xr(xb_t *b, bool w, int x, int r)
{
    x_rr(b, X66 | (w ? XW : 0), OP2(0x0F, 0x6E), x, r);
}

void x_movq_rx(xb_t *b, bool w, int r, int x)
{
    x_rr(b, X66 | (w ? XW : 0), OP2(0x0F, 0x7E), x, r);
}

void x_fop(xb_t *b, bool dbl, uint8_t op, int dst, int src)
{
    x_rr(b, dbl ? XF2 : XF3, OP2(0x0F, op), dst, src);
}

void x_ucomi(xb_t *b, bool dbl, int a, int c)
{
    x_rr(b, dbl ? X66 : 0, OP2(0x0F, 0x2E), a, c);
}
