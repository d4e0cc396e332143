/*
 * Floating point and conversions, on SSE2 scalars plus SSE4.1's roundss
 * (the environment checks the CPU has it).
 *
 * WebAssembly's rules that x86 does not give for free:
 *   - min/max: NaN if either operand is NaN, and min(-0, +0) = -0;
 *     minss/maxss return the second operand in both cases, so equal and
 *     unordered operands take their own path (OR of the bits for min, AND
 *     for max; an add to propagate the NaN);
 *   - trapping truncations: NaN traps "invalid conversion", a value whose
 *     truncation is out of range traps "integer overflow". Each range is
 *     an open interval (lo, hi) of the source type, with both bounds
 *     exactly representable, so the checks are two ucomis;
 *   - unsigned conversions of 64-bit values, which x86 lacks.
 * NaN results carry whatever payload SSE produces, which the specification
 * allows (a canonical or arithmetic NaN).
 */
#include "x64.h"

static int xr(int reg)
{
    return reg - 16;
}

/* An operand as an xmm register: its own, or XMM15 for a constant or a
 * slot. Read only. */
static int xmm_of(x64_t *x, const xval_t *v)
{
    if (v->kind == V_REG)
        return v->reg;
    x_load_into(x, v, XMM(15));
    return XMM(15);
}

static void const_xmm15(x64_t *x, bool dbl, uint64_t bits)
{
    x_mov_ri(&x->b, R11, bits);
    x_movq_xr(&x->b, dbl, 15, R11);
}

/* dst = dst op src, with src wherever it is */
static void fop_val(x64_t *x, bool dbl, uint8_t op, int dst, const xval_t *src)
{
    if (src->kind == V_MEM || src->kind == V_LOCAL)
        x_rm(&x->b, dbl ? XF2 : XF3, OP2(0x0F, op), xr(dst), x_val_mem(x, src));
    else
        x_fop(&x->b, dbl, op, xr(dst), xr(xmm_of(x, src)));
}

static bool binop(x64_t *x, uint8_t type, uint8_t op)
{
    bool dbl = type == DX_T_F64;
    xval_t b = x_pop(x), a = x_pop(x);
    int r = x_to_reg(x, &a);
    fop_val(x, dbl, op, r, &b);
    return x_push_reg(x, type, r);
}

static bool minmax(x64_t *x, uint8_t type, bool max)
{
    bool dbl = type == DX_T_F64;
    xb_t *b = &x->b;
    xval_t vb = x_pop(x), va = x_pop(x);
    int r = x_to_reg(x, &va);
    int s = xmm_of(x, &vb);
    x_ucomi(b, dbl, xr(r), xr(s));
    size_t nan = x_jcc(b, CC_P);
    size_t normal = x_jcc(b, CC_NE);
    x_rr(b, 0, OP2(0x0F, max ? 0x54 : 0x56), xr(r), xr(s)); /* andps / orps */
    size_t done1 = x_jmp(b);
    x_bind(b, nan, b->len);
    x_fop(b, dbl, 0x58, xr(r), xr(s));
    size_t done2 = x_jmp(b);
    x_bind(b, normal, b->len);
    x_fop(b, dbl, max ? 0x5F : 0x5D, xr(r), xr(s));
    x_bind(b, done1, b->len);
    x_bind(b, done2, b->len);
    return x_push_reg(x, type, r);
}

static bool unop(x64_t *x, uint8_t type, dx_op_t op)
{
    bool dbl = type == DX_T_F64;
    uint64_t sign = dbl ? 1ull << 63 : 1u << 31;
    xval_t a = x_pop(x);
    int r = x_to_reg(x, &a);
    switch (op) {
    case DX_OP_F32_ABS: case DX_OP_F64_ABS:
        const_xmm15(x, dbl, ~sign & (dbl ? ~0ull : 0xFFFFFFFFu));
        x_rr(&x->b, 0, OP2(0x0F, 0x54), xr(r), 15);
        break;
    case DX_OP_F32_NEG: case DX_OP_F64_NEG:
        const_xmm15(x, dbl, sign);
        x_rr(&x->b, 0, OP2(0x0F, 0x57), xr(r), 15);
        break;
    case DX_OP_F32_SQRT: case DX_OP_F64_SQRT:
        x_fop(&x->b, dbl, 0x51, xr(r), xr(r));
        break;
    default: { /* roundss/roundsd: 0 nearest, 1 floor, 2 ceil, 3 trunc */
        int mode = (op == DX_OP_F32_NEAREST || op == DX_OP_F64_NEAREST) ? 0
                 : (op == DX_OP_F32_FLOOR || op == DX_OP_F64_FLOOR) ? 1
                 : (op == DX_OP_F32_CEIL || op == DX_OP_F64_CEIL) ? 2 : 3;
        x_rr(&x->b, X66, OP3(0x0F, 0x3A, dbl ? 0x0B : 0x0A), xr(r), xr(r));
        xb_u8(&x->b, (uint8_t)(mode | 8));
        break;
    }
    }
    return x_push_reg(x, type, r);
}

/* copysign through the integer registers: clear a's sign, keep b's. */
static bool f_copysign(x64_t *x, uint8_t type)
{
    bool dbl = type == DX_T_F64;
    unsigned w = dbl ? XW : 0;
    int top = dbl ? 63 : 31;
    xval_t vb = x_pop(x), va = x_pop(x);
    int ga = x_alloc(x, false);
    x->locked |= 1u << ga;
    if (va.kind == V_REG)
        x_movq_rx(&x->b, dbl, ga, xr(va.reg));
    else if (va.kind == V_CONST)
        x_mov_ri(&x->b, ga, va.imm);
    else
        x_load(&x->b, dbl, ga, x_val_mem(x, &va));
    x_rr(&x->b, w, OP2(0x0F, 0xBA), 6, ga); /* btr ga, top */
    xb_u8(&x->b, (uint8_t)top);
    if (vb.kind == V_REG)
        x_movq_rx(&x->b, dbl, R11, xr(vb.reg));
    else if (vb.kind == V_CONST)
        x_mov_ri(&x->b, R11, vb.imm);
    else
        x_load(&x->b, dbl, R11, x_val_mem(x, &vb));
    x_rr(&x->b, w, OP1(0xC1), 5, R11); /* shr r11, top */
    xb_u8(&x->b, (uint8_t)top);
    x_rr(&x->b, w, OP1(0xC1), 4, R11); /* shl r11, top */
    xb_u8(&x->b, (uint8_t)top);
    x_alu_rr(&x->b, dbl, 1, ga, R11);
    int r = x_alloc(x, true);
    x_movq_xr(&x->b, dbl, xr(r), ga);
    return x_push_reg(x, type, r);
}

/* eq and ne need two flags; the orderings need one and stay in the flags.
 * ucomis sets ZF, PF and CF all for unordered operands. */
static bool fcompare(x64_t *x, uint8_t type, dx_op_t op)
{
    bool dbl = type == DX_T_F64;
    xval_t vb = x_pop(x), va = x_pop(x);
    bool swap = op == DX_OP_F32_LT || op == DX_OP_F64_LT ||
                op == DX_OP_F32_LE || op == DX_OP_F64_LE;
    xval_t *l = swap ? &vb : &va, *rgt = swap ? &va : &vb;
    int rl = l->kind == V_REG ? l->reg : -1;
    if (rl < 0) {
        rl = x_alloc(x, true);
        x_load_into(x, l, rl);
        x->locked |= 1u << rl;
    }
    if (rgt->kind == V_MEM || rgt->kind == V_LOCAL)
        x_rm(&x->b, dbl ? X66 : 0, OP2(0x0F, 0x2E), xr(rl), x_val_mem(x, rgt));
    else
        x_ucomi(&x->b, dbl, xr(rl), xr(xmm_of(x, rgt)));
    switch (op) {
    case DX_OP_F32_EQ: case DX_OP_F64_EQ:
    case DX_OP_F32_NE: case DX_OP_F64_NE: {
        bool eq = op == DX_OP_F32_EQ || op == DX_OP_F64_EQ;
        int r = x_alloc(x, false);
        x_setcc(&x->b, eq ? CC_E : CC_NE, r);
        x_setcc(&x->b, eq ? CC_NP : CC_P, R11);
        x_rr(&x->b, XB8, OP1(eq ? 0x20 : 0x08), R11, r); /* and/or r8, r11b */
        x_movzx8(&x->b, r, r);
        return x_push_reg(x, DX_T_I32, r);
    }
    case DX_OP_F32_LT: case DX_OP_F64_LT:
    case DX_OP_F32_GT: case DX_OP_F64_GT:
        return x_push_cmp(x, CC_A);
    default:
        return x_push_cmp(x, CC_AE);
    }
}

bool x_float_op(x64_t *x, const dx_insn_t *in)
{
    dx_op_t op = in->op;
    uint8_t t = (op >= DX_OP_F32_EQ && op <= DX_OP_F32_GE) ||
                (op >= DX_OP_F32_ABS && op <= DX_OP_F32_COPYSIGN) ? DX_T_F32 : DX_T_F64;
    if (op <= DX_OP_F64_GE)
        return fcompare(x, t, op);
    switch (op) {
    case DX_OP_F32_ADD: case DX_OP_F64_ADD: return binop(x, t, 0x58);
    case DX_OP_F32_SUB: case DX_OP_F64_SUB: return binop(x, t, 0x5C);
    case DX_OP_F32_MUL: case DX_OP_F64_MUL: return binop(x, t, 0x59);
    case DX_OP_F32_DIV: case DX_OP_F64_DIV: return binop(x, t, 0x5E);
    case DX_OP_F32_MIN: case DX_OP_F64_MIN: return minmax(x, t, false);
    case DX_OP_F32_MAX: case DX_OP_F64_MAX: return minmax(x, t, true);
    case DX_OP_F32_COPYSIGN: case DX_OP_F64_COPYSIGN: return f_copysign(x, t);
    default: return unop(x, t, op);
    }
}

/* ---- conversions ---------------------------------------------------------------- */
typedef struct trunc_spec {
    bool dbl, w, sign;
    uint64_t lo, hi;    /* exclusive bounds, as bits of the source type */
    uint64_t min, max;  /* the saturated results */
} trunc_spec_t;

static trunc_spec_t trunc_spec(dx_op_t op)
{
    switch (op) {
    case DX_OP_I32_TRUNC_F32_S: case DX_OP_I32_TRUNC_SAT_F32_S:
        return (trunc_spec_t){ false, false, true, 0xCF000001, 0x4F000000, 0x80000000, 0x7FFFFFFF };
    case DX_OP_I32_TRUNC_F32_U: case DX_OP_I32_TRUNC_SAT_F32_U:
        return (trunc_spec_t){ false, false, false, 0xBF800000, 0x4F800000, 0, 0xFFFFFFFF };
    case DX_OP_I32_TRUNC_F64_S: case DX_OP_I32_TRUNC_SAT_F64_S:
        return (trunc_spec_t){ true, false, true, 0xC1E0000000200000, 0x41E0000000000000,
                               0x80000000, 0x7FFFFFFF };
    case DX_OP_I32_TRUNC_F64_U: case DX_OP_I32_TRUNC_SAT_F64_U:
        return (trunc_spec_t){ true, false, false, 0xBFF0000000000000, 0x41F0000000000000,
                               0, 0xFFFFFFFF };
    case DX_OP_I64_TRUNC_F32_S: case DX_OP_I64_TRUNC_SAT_F32_S:
        return (trunc_spec_t){ false, true, true, 0xDF000001, 0x5F000000,
                               1ull << 63, ~0ull >> 1 };
    case DX_OP_I64_TRUNC_F32_U: case DX_OP_I64_TRUNC_SAT_F32_U:
        return (trunc_spec_t){ false, true, false, 0xBF800000, 0x5F800000, 0, ~0ull };
    case DX_OP_I64_TRUNC_F64_S: case DX_OP_I64_TRUNC_SAT_F64_S:
        return (trunc_spec_t){ true, true, true, 0xC3E0000000000001, 0x43E0000000000000,
                               1ull << 63, ~0ull >> 1 };
    default: /* i64 from f64, unsigned */
        return (trunc_spec_t){ true, true, false, 0xBFF0000000000000, 0x43F0000000000000,
                               0, ~0ull };
    }
}

/* r = trunc(s), s known to be in range; clobbers s */
static void cvtt(x64_t *x, const trunc_spec_t *t, int r, int s)
{
    xb_t *b = &x->b;
    unsigned p = t->dbl ? XF2 : XF3;
    if (t->w && !t->sign) { /* u64: above 2^63, subtract it first */
        const_xmm15(x, t->dbl, t->dbl ? 0x43E0000000000000 : 0x5F000000);
        x_ucomi(b, t->dbl, xr(s), 15);
        size_t big = x_jcc(b, CC_AE);
        x_rr(b, p | XW, OP2(0x0F, 0x2C), r, xr(s));
        size_t done = x_jmp(b);
        x_bind(b, big, b->len);
        x_fop(b, t->dbl, 0x5C, xr(s), 15);
        x_rr(b, p | XW, OP2(0x0F, 0x2C), r, xr(s));
        x_rr(b, XW, OP2(0x0F, 0xBA), 7, r); /* btc r, 63 */
        xb_u8(b, 63);
        x_bind(b, done, b->len);
        return;
    }
    bool wide = t->w || !t->sign; /* u32 goes through a 64-bit conversion */
    x_rr(b, p | (wide ? XW : 0), OP2(0x0F, 0x2C), r, xr(s));
    if (!t->w && !t->sign)
        x_mov_rr(b, false, r, r);
}

static bool f_trunc(x64_t *x, dx_op_t op, bool sat)
{
    trunc_spec_t t = trunc_spec(op);
    xb_t *b = &x->b;
    xval_t a = x_pop(x);
    x_mark(x);
    int s = x_to_reg(x, &a);
    int r = x_alloc(x, false);
    x->locked |= 1u << r;
    size_t nan = 0, under = 0, over = 0;
    x_ucomi(b, t.dbl, xr(s), xr(s));
    if (!sat)
        x_trap_jcc(x, CC_P, DX_TRAP_CONVERSION);
    else
        nan = x_jcc(b, CC_P);
    const_xmm15(x, t.dbl, t.lo);
    x_ucomi(b, t.dbl, xr(s), 15);
    if (!sat)
        x_trap_jcc(x, CC_BE, DX_TRAP_OVERFLOW);
    else
        under = x_jcc(b, CC_BE);
    const_xmm15(x, t.dbl, t.hi);
    x_ucomi(b, t.dbl, xr(s), 15);
    if (!sat)
        x_trap_jcc(x, CC_AE, DX_TRAP_OVERFLOW);
    else
        over = x_jcc(b, CC_AE);
    cvtt(x, &t, r, s);
    if (sat) {
        size_t d1 = x_jmp(b);
        x_bind(b, nan, b->len);
        x_mov_ri(b, r, 0);
        size_t d2 = x_jmp(b);
        x_bind(b, under, b->len);
        x_mov_ri(b, r, t.min);
        size_t d3 = x_jmp(b);
        x_bind(b, over, b->len);
        x_mov_ri(b, r, t.max);
        x_bind(b, d1, b->len), x_bind(b, d2, b->len), x_bind(b, d3, b->len);
    }
    return x_push_reg(x, t.w ? DX_T_I64 : DX_T_I32, r);
}

static bool convert(x64_t *x, dx_op_t op)
{
    xb_t *b = &x->b;
    bool dbl = op >= DX_OP_F64_CONVERT_I32_S;
    bool src64 = op == DX_OP_F32_CONVERT_I64_S || op == DX_OP_F32_CONVERT_I64_U ||
                 op == DX_OP_F64_CONVERT_I64_S || op == DX_OP_F64_CONVERT_I64_U;
    bool uns = op == DX_OP_F32_CONVERT_I32_U || op == DX_OP_F32_CONVERT_I64_U ||
               op == DX_OP_F64_CONVERT_I32_U || op == DX_OP_F64_CONVERT_I64_U;
    unsigned p = dbl ? XF2 : XF3;
    xval_t a = x_pop(x);
    int g = x_to_reg(x, &a);
    int r = x_alloc(x, true);
    x_rr(b, 0, OP2(0x0F, 0x57), xr(r), xr(r)); /* xorps: no false dependency */
    if (!(src64 && uns)) {
        /* u32 is zero-extended: a signed 64-bit conversion is exact */
        x_rr(b, p | (src64 || uns ? XW : 0), OP2(0x0F, 0x2A), xr(r), g);
        return x_push_reg(x, dbl ? DX_T_F64 : DX_T_F32, r);
    }
    x_test_rr(b, true, g, g);
    size_t big = x_jcc(b, CC_S);
    x_rr(b, p | XW, OP2(0x0F, 0x2A), xr(r), g);
    size_t done = x_jmp(b);
    x_bind(b, big, b->len);
    /* halve with the lost bit kept sticky, convert, double: one rounding */
    x_mov_rr(b, true, R11, g);
    x_rr(b, XW, OP1(0xD1), 5, R11); /* shr r11, 1 */
    x_alu_ri(b, true, 4, g, 1);
    x_alu_rr(b, true, 1, R11, g);
    x_rr(b, p | XW, OP2(0x0F, 0x2A), xr(r), R11);
    x_fop(b, dbl, 0x58, xr(r), xr(r));
    x_bind(b, done, b->len);
    return x_push_reg(x, dbl ? DX_T_F64 : DX_T_F32, r);
}

/* Bits between the register files; in a slot or a constant, the same bits
 * serve either type. */
static bool reinterpret(x64_t *x, uint8_t to)
{
    xval_t a = x_pop(x);
    bool w = x_is64(to);
    if (a.kind == V_CONST)
        return x_push_const(x, to, a.imm);
    int r;
    if (a.kind == V_REG) {
        r = x_alloc(x, x_is_float(to));
        if (x_is_float(to))
            x_movq_xr(&x->b, w, xr(r), a.reg);
        else
            x_movq_rx(&x->b, w, r, xr(a.reg));
    } else {
        a.type = to;
        r = x_to_reg(x, &a);
    }
    return x_push_reg(x, to, r);
}

bool x_conv_op(x64_t *x, const dx_insn_t *in)
{
    dx_op_t op = in->op;
    switch (op) {
    case DX_OP_I32_TRUNC_F32_S: case DX_OP_I32_TRUNC_F32_U:
    case DX_OP_I32_TRUNC_F64_S: case DX_OP_I32_TRUNC_F64_U:
    case DX_OP_I64_TRUNC_F32_S: case DX_OP_I64_TRUNC_F32_U:
    case DX_OP_I64_TRUNC_F64_S: case DX_OP_I64_TRUNC_F64_U:
        return f_trunc(x, op, false);
    case DX_OP_I32_TRUNC_SAT_F32_S: case DX_OP_I32_TRUNC_SAT_F32_U:
    case DX_OP_I32_TRUNC_SAT_F64_S: case DX_OP_I32_TRUNC_SAT_F64_U:
    case DX_OP_I64_TRUNC_SAT_F32_S: case DX_OP_I64_TRUNC_SAT_F32_U:
    case DX_OP_I64_TRUNC_SAT_F64_S: case DX_OP_I64_TRUNC_SAT_F64_U:
        return f_trunc(x, op, true);
    case DX_OP_F32_DEMOTE_F64:
    case DX_OP_F64_PROMOTE_F32: {
        bool to_dbl = op == DX_OP_F64_PROMOTE_F32;
        xval_t a = x_pop(x);
        int r = x_to_reg(x, &a);
        x_rr(&x->b, to_dbl ? XF3 : XF2, OP2(0x0F, 0x5A), xr(r), xr(r));
        return x_push_reg(x, to_dbl ? DX_T_F64 : DX_T_F32, r);
    }
    case DX_OP_I32_REINTERPRET_F32: return reinterpret(x, DX_T_I32);
    case DX_OP_I64_REINTERPRET_F64: return reinterpret(x, DX_T_I64);
    case DX_OP_F32_REINTERPRET_I32: return reinterpret(x, DX_T_F32);
    case DX_OP_F64_REINTERPRET_I64: return reinterpret(x, DX_T_F64);
    default: return convert(x, op);
    }
}
