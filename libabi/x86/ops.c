/*
 * Integer instructions. Results land in a register; the second operand is
 * used where it is (register, immediate, or slot as a memory operand).
 * i32 results are computed with 32-bit instructions, which zero the upper
 * half: the invariant of the calling convention (translate.h).
 *
 * Comparisons leave their result in the flags (V_CMP) for the next
 * instruction: a br_if, if, select or eqz then uses the condition
 * directly; anything else materialises it with setcc first.
 */
#include "x64.h"

static bool fits32(const xval_t *v)
{
    return !x_is64(v->type) || (int64_t)v->imm == (int64_t)(int32_t)v->imm;
}

/* dst op= src for a group-1 ALU op (ext). */
static void alu(x64_t *x, bool w, int ext, int dst, const xval_t *src)
{
    switch (src->kind) {
    case V_CONST:
        if (fits32(src)) {
            x_alu_ri(&x->b, w, ext, dst, (int32_t)src->imm);
        } else {
            x_mov_ri(&x->b, R11, src->imm);
            x_alu_rr(&x->b, w, ext, dst, R11);
        }
        break;
    case V_REG:
        x_alu_rr(&x->b, w, ext, dst, src->reg);
        break;
    default:
        x_alu_rm(&x->b, w, ext, dst, x_val_mem(x, src));
        break;
    }
}

static bool binop(x64_t *x, uint8_t type, int ext, bool commutes)
{
    xval_t b = x_pop(x), a = x_pop(x);
    if (commutes && a.kind == V_CONST && b.kind != V_CONST) {
        xval_t t = a;
        a = b, b = t;
    }
    /* a local's register plus a constant or a register: one lea into the
     * result instead of a copy and an add (a 32-bit lea wraps as i32.add) */
    bool lea_b = b.kind == V_REG || (b.kind == V_CONST && fits32(&b) &&
                                     (ext == 0 || (int32_t)b.imm != INT32_MIN));
    if (a.kind == V_REG && a.borrowed && a.reg != x->hint && lea_b &&
        (ext == 0 || (ext == 5 && b.kind == V_CONST))) {
        int r = x_alloc(x, false);
        xmem_t m = b.kind == V_REG ? xmi(a.reg, b.reg, 1, 0)
                 : xm(a.reg, ext == 5 ? -(int32_t)b.imm : (int32_t)b.imm);
        x_rm(&x->b, x_is64(type) ? XW : 0, OP1(0x8D), r, m);
        return x_push_reg(x, type, r);
    }
    int r = x_to_reg(x, &a);
    alu(x, x_is64(type), ext, r, &b);
    return x_push_reg(x, type, r);
}

static bool mul(x64_t *x, uint8_t type)
{
    bool w = x_is64(type);
    xval_t b = x_pop(x), a = x_pop(x);
    if (a.kind == V_CONST && b.kind != V_CONST) {
        xval_t t = a;
        a = b, b = t;
    }
    if (b.kind == V_CONST && fits32(&b)) {
        int r = x_to_reg(x, &a);
        x_rr(&x->b, w ? XW : 0, OP1(0x69), r, r);
        xb_u32(&x->b, (uint32_t)b.imm);
        return x_push_reg(x, type, r);
    }
    int r = x_to_reg(x, &a);
    if (b.kind == V_REG) {
        x_rr(&x->b, w ? XW : 0, OP2(0x0F, 0xAF), r, b.reg);
    } else if (b.kind == V_CONST) {
        x_mov_ri(&x->b, R11, b.imm);
        x_rr(&x->b, w ? XW : 0, OP2(0x0F, 0xAF), r, R11);
    } else {
        x_rm(&x->b, w ? XW : 0, OP2(0x0F, 0xAF), r, x_val_mem(x, &b));
    }
    return x_push_reg(x, type, r);
}

/* shl 4, shr 5, sar 7, rol 0, ror 1: x86 masks the count to the operand
 * width, exactly as WebAssembly wants. */
static bool shift(x64_t *x, uint8_t type, int ext)
{
    bool w = x_is64(type);
    xval_t b = x_pop(x), a = x_pop(x);
    if (b.kind == V_CONST) {
        int r = x_to_reg(x, &a);
        x_rr(&x->b, w ? XW : 0, OP1(0xC1), ext, r);
        xb_u8(&x->b, (uint8_t)(b.imm & (w ? 63 : 31)));
        return x_push_reg(x, type, r);
    }
    if (a.kind == V_REG && a.reg == RCX) {
        int r = x_alloc_not(x, false, 1u << RCX);
        x_mov_rr(&x->b, true, r, RCX);
        a.reg = (uint8_t)r;
        x->locked |= 1u << r;
    }
    if (!(b.kind == V_REG && b.reg == RCX)) {
        x_evict(x, RCX);
        x_load_into(x, &b, RCX);
    }
    x->locked |= 1u << RCX;
    int r;
    if (a.kind == V_REG && !a.borrowed) {
        r = a.reg;
    } else {
        r = x_alloc_not(x, false, 1u << RCX);
        x_load_into(x, &a, r);
    }
    x_rr(&x->b, w ? XW : 0, OP1(0xD3), ext, r);
    return x_push_reg(x, type, r);
}

static bool bitcount(x64_t *x, uint8_t type, dx_op_t op)
{
    bool w = x_is64(type);
    unsigned f = w ? XW : 0;
    xval_t a = x_pop(x);
    int r = x_to_reg(x, &a);
    switch (op) {
    case DX_OP_I32_CLZ: case DX_OP_I64_CLZ:
        /* 63 - bsr or, for zero, 2*width-1 ^ (width-1) = width */
        x_mov_ri(&x->b, R11, w ? 127 : 63);
        x_rr(&x->b, f, OP2(0x0F, 0xBD), r, r);
        x_cmov(&x->b, w, CC_E, r, R11);
        x_alu_ri(&x->b, w, 6, r, w ? 63 : 31);
        break;
    case DX_OP_I32_CTZ: case DX_OP_I64_CTZ:
        x_mov_ri(&x->b, R11, w ? 64 : 32);
        x_rr(&x->b, f, OP2(0x0F, 0xBC), r, r);
        x_cmov(&x->b, w, CC_E, r, R11);
        break;
    default: /* popcnt */
        x_rr(&x->b, f | XF3, OP2(0x0F, 0xB8), r, r);
        break;
    }
    return x_push_reg(x, type, r);
}

static int swap_cc(int cc)
{
    switch (cc) {
    case CC_L: return CC_G;
    case CC_G: return CC_L;
    case CC_LE: return CC_GE;
    case CC_GE: return CC_LE;
    case CC_B: return CC_A;
    case CC_A: return CC_B;
    case CC_BE: return CC_AE;
    case CC_AE: return CC_BE;
    default: return cc;
    }
}

static bool compare(x64_t *x, uint8_t type, int cc)
{
    bool w = x_is64(type);
    xval_t b = x_pop(x), a = x_pop(x);
    if (a.kind == V_CONST && b.kind != V_CONST) {
        xval_t t = a;
        a = b, b = t;
        cc = swap_cc(cc);
    }
    if ((a.kind == V_MEM || a.kind == V_LOCAL) && b.kind == V_CONST && fits32(&b)) {
        x_alu_mi(&x->b, w, 7, x_val_mem(x, &a), (int32_t)b.imm);
        return x_push_cmp(x, cc);
    }
    int r = x_in_reg(x, &a);
    alu(x, w, 7, r, &b);
    return x_push_cmp(x, cc);
}

static bool eqz(x64_t *x, uint8_t type)
{
    xval_t a = x_pop(x);
    if (a.kind == V_CMP)
        return x_push_cmp(x, a.cc ^ 1);
    if (a.kind == V_MEM || a.kind == V_LOCAL) {
        x_alu_mi(&x->b, x_is64(type), 7, x_val_mem(x, &a), 0);
        return x_push_cmp(x, CC_E);
    }
    int r = x_in_reg(x, &a);
    x_test_rr(&x->b, x_is64(type), r, r);
    return x_push_cmp(x, CC_E);
}

/* div_s, div_u, rem_s, rem_u: the dividend in RDX:RAX. Division by zero
 * and INT_MIN / -1 trap (div_s); INT_MIN % -1 is 0 (rem_s), which idiv
 * would fault on. Under strategy proved, a divisor the verifier proved to
 * be neither 0 nor -1 needs neither check. */
static bool divide(x64_t *x, uint8_t type, bool sign, bool rem)
{
    bool w = x_is64(type);
    unsigned f = w ? XW : 0;
    xval_t b = x_pop(x), a = x_pop(x);
    x_mark(x);
    uint32_t fixed = (1u << RAX) | (1u << RDX);
    int rb;
    if (b.kind == V_REG && !(fixed >> b.reg & 1)) {
        rb = b.reg;
    } else {
        rb = x_alloc_not(x, false, fixed);
        x_load_into(x, &b, rb);
        x->locked |= 1u << rb;
    }
    if (a.kind == V_REG && a.reg == RDX) {
        x_evict(x, RAX);
        x_mov_rr(&x->b, true, RAX, RDX);
    } else if (!(a.kind == V_REG && a.reg == RAX)) {
        x_evict(x, RAX);
        x_load_into(x, &a, RAX);
    }
    x->locked |= 1u << RAX;
    x_evict(x, RDX);
    x->locked |= 1u << RDX;
    bool may_zero = b.kind != V_CONST || b.imm == 0;
    bool may_m1 = sign && (b.kind != V_CONST || (w ? b.imm == ~0ull : b.imm == 0xFFFFFFFFu));
    const dx_x64_opts_t *o = x->opts;
    if ((may_zero || may_m1) && o->strategy == DX_STRATEGY_PROVED && o->proved &&
        o->proved(o->proved_ctx, x->func, x->insn->offset)) {
        may_zero = may_m1 = false; /* the verifier proved the divisor in [1, INT_MAX] */
        x->out->stats.div_proved++;
    }
    if (may_zero) {
        x_test_rr(&x->b, w, rb, rb);
        x_trap_jcc(x, CC_E, DX_TRAP_DIV_ZERO);
    }
    size_t done = SIZE_MAX, normal = SIZE_MAX;
    if (may_m1) {
        x_alu_ri(&x->b, w, 7, rb, -1);
        normal = x_jcc(&x->b, CC_NE);
        if (rem) {
            x_mov_ri(&x->b, RDX, 0);
            done = x_jmp(&x->b);
        } else { /* only INT_MIN overflows: INT_MIN - 1 sets OF */
            x_alu_ri(&x->b, w, 7, RAX, 1);
            x_trap_jcc(x, CC_O, DX_TRAP_OVERFLOW);
        }
        x_bind(&x->b, normal, x->b.len);
    }
    if (sign) {
        if (w)
            xb_u8(&x->b, 0x48);
        xb_u8(&x->b, 0x99); /* cdq / cqo */
        x_rr(&x->b, f, OP1(0xF7), 7, rb);
    } else {
        x_alu_rr(&x->b, false, 6, RDX, RDX);
        x_rr(&x->b, f, OP1(0xF7), 6, rb);
    }
    if (done != SIZE_MAX)
        x_bind(&x->b, done, x->b.len);
    return x_push_reg(x, type, rem ? RDX : RAX);
}

static bool extend(x64_t *x, dx_op_t op)
{
    xval_t a = x_pop(x);
    int r = x_to_reg(x, &a);
    switch (op) {
    case DX_OP_I32_EXTEND8_S: x_rr(&x->b, XB8, OP2(0x0F, 0xBE), r, r); break;
    case DX_OP_I32_EXTEND16_S: x_rr(&x->b, 0, OP2(0x0F, 0xBF), r, r); break;
    case DX_OP_I64_EXTEND8_S: x_rr(&x->b, XW | XB8, OP2(0x0F, 0xBE), r, r); break;
    case DX_OP_I64_EXTEND16_S: x_rr(&x->b, XW, OP2(0x0F, 0xBF), r, r); break;
    case DX_OP_I64_EXTEND32_S:
    case DX_OP_I64_EXTEND_I32_S: x_rr(&x->b, XW, OP1(0x63), r, r); break;
    case DX_OP_I32_WRAP_I64: x_mov_rr(&x->b, false, r, r); break;
    default: break; /* i64.extend_i32_u: already zero-extended */
    }
    uint8_t t = (op == DX_OP_I32_EXTEND8_S || op == DX_OP_I32_EXTEND16_S ||
                 op == DX_OP_I32_WRAP_I64) ? DX_T_I32 : DX_T_I64;
    return x_push_reg(x, t, r);
}

bool x_int_op(x64_t *x, const dx_insn_t *in)
{
    dx_op_t op = in->op;
    const uint8_t I = DX_T_I32, L = DX_T_I64;
    switch (op) {
    case DX_OP_I32_EQZ: return eqz(x, I);
    case DX_OP_I64_EQZ: return eqz(x, L);
    case DX_OP_I32_EQ: return compare(x, I, CC_E);
    case DX_OP_I32_NE: return compare(x, I, CC_NE);
    case DX_OP_I32_LT_S: return compare(x, I, CC_L);
    case DX_OP_I32_LT_U: return compare(x, I, CC_B);
    case DX_OP_I32_GT_S: return compare(x, I, CC_G);
    case DX_OP_I32_GT_U: return compare(x, I, CC_A);
    case DX_OP_I32_LE_S: return compare(x, I, CC_LE);
    case DX_OP_I32_LE_U: return compare(x, I, CC_BE);
    case DX_OP_I32_GE_S: return compare(x, I, CC_GE);
    case DX_OP_I32_GE_U: return compare(x, I, CC_AE);
    case DX_OP_I64_EQ: return compare(x, L, CC_E);
    case DX_OP_I64_NE: return compare(x, L, CC_NE);
    case DX_OP_I64_LT_S: return compare(x, L, CC_L);
    case DX_OP_I64_LT_U: return compare(x, L, CC_B);
    case DX_OP_I64_GT_S: return compare(x, L, CC_G);
    case DX_OP_I64_GT_U: return compare(x, L, CC_A);
    case DX_OP_I64_LE_S: return compare(x, L, CC_LE);
    case DX_OP_I64_LE_U: return compare(x, L, CC_BE);
    case DX_OP_I64_GE_S: return compare(x, L, CC_GE);
    case DX_OP_I64_GE_U: return compare(x, L, CC_AE);
    case DX_OP_I32_CLZ: case DX_OP_I32_CTZ: case DX_OP_I32_POPCNT:
        return bitcount(x, I, op);
    case DX_OP_I64_CLZ: case DX_OP_I64_CTZ: case DX_OP_I64_POPCNT:
        return bitcount(x, L, op);
    case DX_OP_I32_ADD: return binop(x, I, 0, true);
    case DX_OP_I32_SUB: return binop(x, I, 5, false);
    case DX_OP_I32_AND: return binop(x, I, 4, true);
    case DX_OP_I32_OR: return binop(x, I, 1, true);
    case DX_OP_I32_XOR: return binop(x, I, 6, true);
    case DX_OP_I64_ADD: return binop(x, L, 0, true);
    case DX_OP_I64_SUB: return binop(x, L, 5, false);
    case DX_OP_I64_AND: return binop(x, L, 4, true);
    case DX_OP_I64_OR: return binop(x, L, 1, true);
    case DX_OP_I64_XOR: return binop(x, L, 6, true);
    case DX_OP_I32_MUL: return mul(x, I);
    case DX_OP_I64_MUL: return mul(x, L);
    case DX_OP_I32_DIV_S: return divide(x, I, true, false);
    case DX_OP_I32_DIV_U: return divide(x, I, false, false);
    case DX_OP_I32_REM_S: return divide(x, I, true, true);
    case DX_OP_I32_REM_U: return divide(x, I, false, true);
    case DX_OP_I64_DIV_S: return divide(x, L, true, false);
    case DX_OP_I64_DIV_U: return divide(x, L, false, false);
    case DX_OP_I64_REM_S: return divide(x, L, true, true);
    case DX_OP_I64_REM_U: return divide(x, L, false, true);
    case DX_OP_I32_SHL: return shift(x, I, 4);
    case DX_OP_I32_SHR_S: return shift(x, I, 7);
    case DX_OP_I32_SHR_U: return shift(x, I, 5);
    case DX_OP_I32_ROTL: return shift(x, I, 0);
    case DX_OP_I32_ROTR: return shift(x, I, 1);
    case DX_OP_I64_SHL: return shift(x, L, 4);
    case DX_OP_I64_SHR_S: return shift(x, L, 7);
    case DX_OP_I64_SHR_U: return shift(x, L, 5);
    case DX_OP_I64_ROTL: return shift(x, L, 0);
    case DX_OP_I64_ROTR: return shift(x, L, 1);
    default: return extend(x, op);
    }
}
