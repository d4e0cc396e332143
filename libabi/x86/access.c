/*
 * Locals, globals, constants, references, tables and memory.
 *
 * Memory accesses (DESIGN.md section 6, spec/abi.md): the effective
 * address is the zero-extended i32 address plus the static offset, a
 * 33-bit sum that never wraps. Strategy `guard` emits the access alone;
 * the environment reserves 8 GiB plus a guard beyond the base, so every
 * such sum lands in the reservation, and a fault there is the trap.
 * Strategy `checked` compares address + offset + width with the memory's
 * size (r13) first. Strategy `proved` asks the proof hook per access and
 * checks those it does not vouch for. Constant addresses fold into the
 * displacement. For measurement, opts.count_accesses makes each access
 * also count its executions, per class, in counters outside the code.
 */
#include "x64.h"

/* ---- locals, globals, constants, references ---------------------------- */
static bool local_set(x64_t *x, uint32_t idx, bool tee)
{
    xval_t v = x_pop(x);
    x_release_local(x, idx);
    int lr = x->lreg[idx];
    if (lr >= 0) { /* a register local: a move, and tee pushes the local */
        x_load_into(x, &v, lr);
        for (uint32_t k = 0; k < x->nhomes; k++) /* its slot is stale now */
            if (x->home_local[k] == idx)
                x->stale |= 1u << k;
        return !tee || x_push_local(x, idx);
    }
    if (tee && v.kind != V_CONST && (v.kind != V_REG || v.borrowed)) {
        int r = x_to_reg(x, &v);
        v.kind = V_REG, v.reg = (uint8_t)r;
    }
    x_store_val(x, &v, x_local(x, idx), RBP);
    if (!tee)
        return true;
    if (v.kind == V_CONST)
        return x_push_const(x, v.type, v.imm);
    return x_push_reg(x, v.type, v.reg);
}

static void load_typed(x64_t *x, uint8_t type, int r, xmem_t m)
{
    if (IS_XMM(r))
        x_fload(&x->b, type == DX_T_F64, r - 16, m);
    else
        x_load(&x->b, x_is64(type), r, m);
}

static bool global_get(x64_t *x, uint32_t idx)
{
    uint8_t t = x->m->globals[idx].type;
    int r = x_alloc(x, x_is_float(t));
    load_typed(x, t, r, xm(R15, x_global(x, idx)));
    return x_push_reg(x, t, r);
}

/* ---- global.set and declared ranges -------------------------------------------
 * Under strategy proved, a global with a declared range (dogma.proof) whose
 * set the verifier did not prove keeps the range gets its value checked
 * before the store (spec/safety.md section 10): the `range` hook says which
 * sets and gives the bounds. The check is unsigned, and as cheap as the
 * bounds allow:
 *
 *     lo = 0:           cmp  v, hi;  ja trap
 *     hi = the max:     cmp  v, lo;  jb trap
 *     otherwise:        lea  r11, [v - lo];  cmp r11, hi - lo;  ja trap
 *                       (r11 = v - lo wraps below lo, so one compare does)
 *
 * An i64 bound that is no sign-extended imm32 goes through r11 (mov r11,
 * -lo; add r11, v for the lea); when hi - lo is no imm32 either, the two
 * compares of the first two forms. A constant value is decided now. */
static bool range_wanted(x64_t *x, uint32_t idx, uint64_t *lo, uint64_t *hi)
{
    const dx_x64_opts_t *o = x->opts;
    uint8_t t = x->m->globals[idx].type;
    return o->strategy == DX_STRATEGY_PROVED && o->range &&
           (t == DX_T_I32 || t == DX_T_I64) &&
           o->range(o->proved_ctx, x->func, x->insn->offset, lo, hi);
}

/* cmp r, k: k as an imm32 when it fits (sign-extended for 64 bits; any k
 * of a 32-bit compare does), else through R11 (r is not R11). */
static void cmp_const(x64_t *x, bool w, int r, uint64_t k)
{
    if (!w || (int64_t)k == (int32_t)k) {
        x_alu_ri(&x->b, w, 7, r, (int32_t)k);
        return;
    }
    x_mov_ri(&x->b, R11, k);
    x_alu_rr(&x->b, true, 7, r, R11);
}

/* Traps with DX_TRAP_RANGE unless lo <= r <= hi (unsigned; w: 64 bits;
 * lo <= hi <= the type's max, not both its own bounds). */
static void range_check(x64_t *x, bool w, int r, uint64_t lo, uint64_t hi)
{
    xb_t *b = &x->b;
    uint64_t max = w ? UINT64_MAX : UINT32_MAX;
    uint64_t span = hi - lo, neg = 0 - lo;
    if (lo == 0 || hi == max || (w && (int64_t)span != (int32_t)span)) {
        if (lo != 0) {
            cmp_const(x, w, r, lo);
            x_trap_jcc(x, CC_B, DX_TRAP_RANGE);
        }
        if (hi != max) { /* both: one stub serves the two jumps */
            cmp_const(x, w, r, hi);
            x_trap_jcc(x, CC_A, DX_TRAP_RANGE);
        }
        return;
    }
    if (!w || (int64_t)neg == (int32_t)neg) { /* 32 bits: the low half is right */
        x_lea(b, R11, xm(r, (int32_t)neg));
    } else {
        x_mov_ri(b, R11, neg);
        x_alu_rr(b, true, 0, R11, r);
    }
    x_alu_ri(b, w, 7, R11, (int32_t)span);
    x_trap_jcc(x, CC_A, DX_TRAP_RANGE);
}

static bool global_set(x64_t *x, uint32_t idx)
{
    xval_t v = x_pop(x);
    uint64_t lo, hi;
    if (range_wanted(x, idx, &lo, &hi)) {
        bool w = x->m->globals[idx].type == DX_T_I64;
        uint64_t max = w ? UINT64_MAX : UINT32_MAX;
        if (hi > max)
            hi = max;
        if (lo > hi || (v.kind == V_CONST && (v.imm < lo || v.imm > hi))) {
            x_trap_now(x, DX_TRAP_RANGE); /* no value can pass, or this one cannot */
            x->out->stats.range_checks++;
        } else if (v.kind != V_CONST && (lo != 0 || hi != max)) {
            x_mark(x);
            int r = x_in_reg(x, &v);
            range_check(x, w, r, lo, hi);
            v.kind = V_REG, v.reg = (uint8_t)r;
            x->out->stats.range_checks++;
        }
    }
    x_store_val(x, &v, x_global(x, idx), R15);
    return true;
}

static bool select_op(x64_t *x)
{
    xval_t c = x_pop(x), b = x_pop(x), a = x_pop(x);
    if (c.kind == V_CONST) { /* decided now */
        xval_t *keep = c.imm ? &a : &b;
        if (keep->kind == V_REG && !keep->borrowed)
            return x_push_reg(x, keep->type, keep->reg);
        int r = x_to_reg(x, keep);
        return x_push_reg(x, keep->type, r);
    }
    int r = x_to_reg(x, &b); /* moves only: the flags of a V_CMP survive */
    int cc;
    if (c.kind == V_CMP) {
        cc = c.cc;
    } else if (c.kind == V_REG) {
        x_test_rr(&x->b, false, c.reg, c.reg);
        cc = CC_NE;
    } else {
        x_alu_mi(&x->b, false, 7, x_val_mem(x, &c), 0);
        cc = CC_NE;
    }
    if (x_is_float(a.type)) {
        size_t skip = x_jcc(&x->b, cc ^ 1);
        x_load_into(x, &a, r);
        x_bind(&x->b, skip, x->b.len);
    } else if (a.kind == V_REG) {
        x_cmov(&x->b, x_is64(a.type), cc, r, a.reg);
    } else if (a.kind == V_CONST) {
        x_mov_ri(&x->b, R11, a.imm);
        x_cmov(&x->b, x_is64(a.type), cc, r, R11);
    } else {
        x_rm(&x->b, x_is64(a.type) ? XW : 0, OP2(0x0F, 0x40 | (unsigned)cc), r,
             x_val_mem(x, &a));
    }
    return x_push_reg(x, b.type, r);
}

static bool is_null(x64_t *x)
{
    xval_t v = x_pop(x);
    if (v.kind == V_MEM || v.kind == V_LOCAL) {
        x_alu_mi(&x->b, true, 7, x_val_mem(x, &v), 0);
    } else {
        int r = x_in_reg(x, &v);
        x_test_rr(&x->b, true, r, r);
    }
    return x_push_cmp(x, CC_E);
}

static bool ref_func(x64_t *x, uint32_t f)
{
    int r = x_alloc(x, false);
    x_load(&x->b, true, r, xm(R15, DX_PB_FUNCS));
    x_lea(&x->b, r, xm(r, (int32_t)(16 * f)));
    return x_push_reg(x, DX_T_FUNCREF, r);
}

/* ---- tables ------------------------------------------------------------------- */
static int32_t table_off(const x64_t *x, uint32_t t)
{
    return (int32_t)(x->out->layout.tables + 16 * t);
}

/* Bounds-checks index entry i of table t; returns its register. */
static int table_index(x64_t *x, const xval_t *i, uint32_t t)
{
    int r = x_in_reg(x, i);
    x_alu_rm(&x->b, true, 7, r, xm(R15, table_off(x, t) + 8));
    x_trap_jcc(x, CC_AE, DX_TRAP_TABLE);
    x_load(&x->b, true, R11, xm(R15, table_off(x, t)));
    return r;
}

static bool table_get(x64_t *x, uint32_t t)
{
    xval_t i = x_pop(x);
    x_mark(x);
    int d = x_alloc(x, false); /* before R11 is in use */
    x->locked |= 1u << d;
    int r = table_index(x, &i, t);
    x_load(&x->b, true, d, xmi(R11, r, 8, 0));
    return x_push_reg(x, x->m->tables[t].elem, d);
}

static bool table_set(x64_t *x, uint32_t t)
{
    xval_t v = x_pop(x), i = x_pop(x);
    x_mark(x);
    int rv = -1;
    if (v.kind != V_CONST) {
        rv = x_in_reg(x, &v);
        x->locked |= 1u << rv;
    }
    int r = table_index(x, &i, t);
    if (rv < 0)
        x_store_i32(&x->b, true, xmi(R11, r, 8, 0), (int32_t)v.imm); /* only null */
    else
        x_store(&x->b, true, xmi(R11, r, 8, 0), rv);
    return true;
}

static bool table_size(x64_t *x, uint32_t t)
{
    int r = x_alloc(x, false);
    x_load(&x->b, false, r, xm(R15, table_off(x, t) + 8));
    return x_push_reg(x, DX_T_I32, r);
}

/* ---- calls into the runtime ---------------------------------------------- */
bool x_hostcall(x64_t *x, uint32_t num, uint32_t nargs, const uint64_t *imms,
                uint32_t nimms, uint8_t result)
{
    x_mark(x);
    xval_t args[3];
    for (uint32_t i = nargs; i > 0; i--)
        args[i - 1] = x_pop(x);
    x_spill_regs(x, 0);
    x_homes_out(x);
    for (uint32_t i = 0; i < nargs; i++)
        x_store_val(x, &args[i], x_xfer(x, i), R15);
    for (uint32_t i = 0; i < nimms; i++) {
        xval_t c = { .kind = V_CONST, .type = DX_T_I64, .imm = imms[i] };
        x_store_val(x, &c, x_xfer(x, nargs + i), R15);
    }
    x_mov_ri(&x->b, RDI, num);
    x_call_m(&x->b, xm(R15, DX_PB_HOSTCALL));
    x_mark(x);
    x_homes_in(x);
    x_reload_bound(x);
    if (result == 0)
        return true;
    int r = x_alloc(x, false);
    x_load(&x->b, false, r, xm(R15, x_xfer(x, 0)));
    return x_push_reg(x, result, r);
}

static bool table_op(x64_t *x, const dx_insn_t *in)
{
    uint64_t imm[2] = { in->u.index, in->index2 };
    switch (in->op) {
    case DX_OP_TABLE_GET: return table_get(x, in->u.index);
    case DX_OP_TABLE_SET: return table_set(x, in->u.index);
    case DX_OP_TABLE_SIZE: return table_size(x, in->u.index);
    case DX_OP_TABLE_GROW: return x_hostcall(x, DX_HC_TABLE_GROW, 2, imm, 1, DX_T_I32);
    case DX_OP_TABLE_FILL: return x_hostcall(x, DX_HC_TABLE_FILL, 3, imm, 1, 0);
    case DX_OP_TABLE_COPY: return x_hostcall(x, DX_HC_TABLE_COPY, 3, imm, 2, 0);
    case DX_OP_TABLE_INIT: return x_hostcall(x, DX_HC_TABLE_INIT, 3, imm, 2, 0);
    default: return x_hostcall(x, DX_HC_ELEM_DROP, 0, imm, 1, 0);
    }
}

bool x_access_op(x64_t *x, const dx_insn_t *in)
{
    switch (in->op) {
    case DX_OP_LOCAL_GET: return x_push_local(x, in->u.index);
    case DX_OP_LOCAL_SET: return local_set(x, in->u.index, false);
    case DX_OP_LOCAL_TEE: return local_set(x, in->u.index, true);
    case DX_OP_GLOBAL_GET: return global_get(x, in->u.index);
    case DX_OP_GLOBAL_SET: return global_set(x, in->u.index);
    case DX_OP_I32_CONST: return x_push_const(x, DX_T_I32, (uint32_t)in->u.i32);
    case DX_OP_I64_CONST: return x_push_const(x, DX_T_I64, (uint64_t)in->u.i64);
    case DX_OP_F32_CONST: return x_push_const(x, DX_T_F32, in->u.f32);
    case DX_OP_F64_CONST: return x_push_const(x, DX_T_F64, in->u.f64);
    case DX_OP_DROP: x_pop(x); return true;
    case DX_OP_SELECT: case DX_OP_SELECT_T: return select_op(x);
    case DX_OP_REF_NULL: return x_push_const(x, in->u.type, 0);
    case DX_OP_REF_IS_NULL: return is_null(x);
    case DX_OP_REF_FUNC: return ref_func(x, in->u.index);
    default: return table_op(x, in);
    }
}

/* ---- memory ------------------------------------------------------------------ */
/* The class of the access being emitted, counted in the static figures. */
static dx_acc_class_t access_class(x64_t *x)
{
    const dx_x64_opts_t *o = x->opts;
    if (o->strategy == DX_STRATEGY_GUARD) {
        x->out->stats.acc_guarded++;
        return DX_ACC_GUARDED;
    }
    if (o->strategy == DX_STRATEGY_PROVED && o->proved &&
        o->proved(o->proved_ctx, x->func, x->insn->offset)) {
        x->out->stats.acc_proved++;
        return DX_ACC_PROVED;
    }
    x->out->stats.acc_checked++;
    return DX_ACC_CHECKED;
}

/* opts.count_accesses (instrumentation): one more execution of an access
 * of class c,
 *
 *     mov  r11, &counters[c]        ; imm64 (imm32 when it fits)
 *     add  qword [r11], 1
 *
 * emitted first in the access's sequence, before R11 holds anything of
 * its own. The add changes the flags, which nothing holds here: the
 * translator materialises a pending comparison (V_CMP) before every load
 * and store, and the bound check that may follow sets them afresh. */
static void count_access(x64_t *x, dx_acc_class_t c)
{
    uint64_t *counters = x->opts->count_accesses;
    if (!counters)
        return;
    x_mov_ri(&x->b, R11, (uint64_t)(uintptr_t)&counters[c]);
    x_alu_mi(&x->b, true, 0, xm(R11, 0), 1);
}

/* The memory operand for an access of width bytes at address a + offset,
 * after its bounds check if one is needed. Uses R11. */
static xmem_t address(x64_t *x, const xval_t *a, uint64_t offset, unsigned width)
{
    xb_t *b = &x->b;
    dx_acc_class_t c = access_class(x);
    bool check = c == DX_ACC_CHECKED;
    count_access(x, c);
    if (a->kind == V_CONST) {
        uint64_t ea = (a->imm & 0xFFFFFFFFu) + offset;
        if (check) {
            if (ea + width <= 0x7FFFFFFF) {
                x_alu_ri(b, true, 7, R13, (int32_t)(ea + width));
            } else {
                x_mov_ri(b, R11, ea + width);
                x_alu_rr(b, true, 7, R13, R11);
            }
            x_trap_jcc(x, CC_B, DX_TRAP_MEMORY);
        }
        if (ea <= 0x7FFFFFFF)
            return xm(R14, (int32_t)ea);
        x_mov_ri(b, R11, ea);
        return xmi(R14, R11, 1, 0);
    }
    int ra = x_in_reg(x, a);
    uint64_t end = offset + width;
    if (check) {
        if (end <= 0x7FFFFFFF) {
            x_lea(b, R11, xm(ra, (int32_t)end));
        } else {
            x_mov_ri(b, R11, end);
            x_alu_rr(b, true, 0, R11, ra);
        }
        x_alu_rr(b, true, 7, R11, R13);
        x_trap_jcc(x, CC_A, DX_TRAP_MEMORY);
    }
    if (offset <= 0x7FFFFFFF)
        return xmi(R14, ra, 1, (int32_t)offset);
    if (check)
        return xmi(R14, R11, 1, -(int32_t)width);
    x_mov_ri(b, R11, offset);
    x_alu_rr(b, true, 0, R11, ra);
    return xmi(R14, R11, 1, 0);
}

static bool load(x64_t *x, const dx_insn_t *in)
{
    xval_t a = x_pop(x);
    x_mark(x);
    unsigned width = dx_opinfo[in->op].width;
    uint8_t t = dx_siginfo[dx_opinfo[in->op].sig].push;
    /* allocate first: a spill may use R11, which address() returns in */
    int r = x_alloc(x, x_is_float(t));
    x->locked |= 1u << r;
    xmem_t m = address(x, &a, in->u.memarg.offset, width);
    xb_t *b = &x->b;
    switch (in->op) {
    case DX_OP_I32_LOAD: case DX_OP_I64_LOAD32_U: x_load(b, false, r, m); break;
    case DX_OP_I64_LOAD: x_load(b, true, r, m); break;
    case DX_OP_F32_LOAD: x_fload(b, false, r - 16, m); break;
    case DX_OP_F64_LOAD: x_fload(b, true, r - 16, m); break;
    case DX_OP_I32_LOAD8_S: x_rm(b, 0, OP2(0x0F, 0xBE), r, m); break;
    case DX_OP_I64_LOAD8_S: x_rm(b, XW, OP2(0x0F, 0xBE), r, m); break;
    case DX_OP_I32_LOAD8_U: case DX_OP_I64_LOAD8_U: x_rm(b, 0, OP2(0x0F, 0xB6), r, m); break;
    case DX_OP_I32_LOAD16_S: x_rm(b, 0, OP2(0x0F, 0xBF), r, m); break;
    case DX_OP_I64_LOAD16_S: x_rm(b, XW, OP2(0x0F, 0xBF), r, m); break;
    case DX_OP_I32_LOAD16_U: case DX_OP_I64_LOAD16_U: x_rm(b, 0, OP2(0x0F, 0xB7), r, m); break;
    default: /* i64.load32_s */ x_rm(b, XW, OP1(0x63), r, m); break;
    }
    return x_push_reg(x, t, r);
}

static bool store(x64_t *x, const dx_insn_t *in)
{
    xval_t v = x_pop(x), a = x_pop(x);
    x_mark(x);
    unsigned width = dx_opinfo[in->op].width;
    bool isf = x_is_float(v.type);
    bool imm = v.kind == V_CONST &&
               (width < 8 || (int64_t)v.imm == (int64_t)(int32_t)v.imm);
    int r = -1;
    if (v.kind == V_REG) {
        r = v.reg;
    } else if (!imm) { /* the bits, in an integer register */
        r = x_alloc(x, false);
        xval_t bits = v;
        bits.type = width == 8 ? DX_T_I64 : DX_T_I32;
        x_load_into(x, &bits, r);
        x->locked |= 1u << r;
        isf = false;
    }
    xmem_t m = address(x, &a, in->u.memarg.offset, width);
    xb_t *b = &x->b;
    if (imm) {
        unsigned f = width == 8 ? XW : width == 2 ? X66 : 0;
        x_rm(b, f, OP1(width == 1 ? 0xC6 : 0xC7), 0, m);
        if (width == 1)
            xb_u8(b, (uint8_t)v.imm);
        else if (width == 2)
            xb_u8(b, (uint8_t)v.imm), xb_u8(b, (uint8_t)(v.imm >> 8));
        else
            xb_u32(b, (uint32_t)v.imm);
    } else if (isf) {
        x_fstore(b, width == 8, m, r - 16);
    } else if (width == 1) {
        x_rm(b, XB8, OP1(0x88), r, m);
    } else if (width == 2) {
        x_rm(b, X66, OP1(0x89), r, m);
    } else {
        x_store(b, width == 8, m, r);
    }
    return true;
}

bool x_memory_op(x64_t *x, const dx_insn_t *in)
{
    uint64_t imm[1] = { in->u.index };
    switch (in->op) {
    case DX_OP_MEMORY_SIZE: {
        int r = x_alloc(x, false);
        x_load(&x->b, true, r, xm(R15, DX_PB_MEM_SIZE));
        x_rr(&x->b, XW, OP1(0xC1), 5, r); /* shr r, 16 */
        xb_u8(&x->b, 16);
        return x_push_reg(x, DX_T_I32, r);
    }
    case DX_OP_MEMORY_GROW: return x_hostcall(x, DX_HC_MEMORY_GROW, 1, NULL, 0, DX_T_I32);
    case DX_OP_MEMORY_FILL: return x_hostcall(x, DX_HC_MEMORY_FILL, 3, NULL, 0, 0);
    case DX_OP_MEMORY_COPY: return x_hostcall(x, DX_HC_MEMORY_COPY, 3, NULL, 0, 0);
    case DX_OP_MEMORY_INIT: return x_hostcall(x, DX_HC_MEMORY_INIT, 3, imm, 1, 0);
    case DX_OP_DATA_DROP: return x_hostcall(x, DX_HC_DATA_DROP, 0, imm, 1, 0);
    default:
        if (dx_siginfo[dx_opinfo[in->op].sig].npush)
            return load(x, in);
        return store(x, in);
    }
}
