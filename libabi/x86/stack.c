/*
 * The abstract operand stack and the register allocator (model: x64.h).
 *
 * The operand stack gets the general registers that are not the homes of
 * this function's busiest locals (translate.c), handed out in an order that
 * keeps RAX, RCX and RDX (wanted by division and shifts) for last, and
 * XMM0-7 and XMM14. An entry popped from a local with a home is a
 * "borrowed" register, which a consumer may read but never write.
 * When none is free, the lowest stack entry held in a register of that
 * file goes to its home slot: the values deepest in the stack are the
 * ones used last. R11 and XMM15 are never allocated: they are the
 * scratch registers of single instructions' sequences.
 *
 * Nothing here may change the flags between a comparison and the branch
 * that consumes them (V_CMP): moves, loads, stores, setcc and movzx only.
 */
#include "x64.h"

static const int8_t gpr_order[] = { R10, RSI, RDI, R9, R8, R12, RBX, RCX, RDX, RAX };
#define NGPR ((int)sizeof gpr_order)

static bool grow_stack(x64_t *x)
{
    if (x->height < x->stack_cap)
        return true;
    return X_GROW(x, x->stack, x->stack_cap, x->height + 1);
}

static void spill_one(x64_t *x, uint32_t p);
#define LAZY_DEPTH 16

static bool push(x64_t *x, xval_t v)
{
    if (!grow_stack(x))
        return false;
    uint32_t p = x->height++;
    if (x->height > x->max_height)
        x->max_height = x->height;
    v.pos = p;
    x->stack[p] = v;
    if (v.kind == V_REG)
        x->owner[v.reg] = (int32_t)p;
    else if (v.kind == V_LOCAL)
        x->lrefs[v.local]++;
    if (v.kind != V_MEM && v.kind != V_CONST && p < x->reg_floor)
        x->reg_floor = p;
    /* Lazy locals stay near the top, so that x_release_local's scan is
     * short: a module cannot make every local.set walk a deep stack. */
    if (p >= LAZY_DEPTH && x->stack[p - LAZY_DEPTH].kind == V_LOCAL)
        spill_one(x, p - LAZY_DEPTH);
    return true;
}

bool x_push_reg(x64_t *x, uint8_t type, int reg)
{
    return push(x, (xval_t){ .kind = V_REG, .type = type, .reg = (uint8_t)reg });
}

bool x_push_const(x64_t *x, uint8_t type, uint64_t bits)
{
    if (type == DX_T_I32 || type == DX_T_F32)
        bits &= 0xFFFFFFFFu;
    return push(x, (xval_t){ .kind = V_CONST, .type = type, .imm = bits });
}

bool x_push_local(x64_t *x, uint32_t idx)
{
    return push(x, (xval_t){ .kind = V_LOCAL, .type = x->ltype[idx], .local = idx });
}

bool x_push_cmp(x64_t *x, int cc)
{
    return push(x, (xval_t){ .kind = V_CMP, .type = DX_T_I32, .cc = (uint8_t)cc });
}

bool x_push_mem(x64_t *x, uint8_t type)
{
    return push(x, (xval_t){ .kind = V_MEM, .type = type });
}

xval_t *x_top(x64_t *x, uint32_t k)
{
    return &x->stack[x->height - 1 - k];
}

xval_t x_pop(x64_t *x)
{
    xval_t v = x->stack[--x->height];
    if (v.kind == V_REG) {
        x->owner[v.reg] = -1;
        x->locked |= 1u << v.reg;
    } else if (v.kind == V_LOCAL) {
        x->lrefs[v.local]--;
        int r = x->lreg[v.local];
        if (r >= 0)
            v.kind = V_REG, v.reg = (uint8_t)r, v.borrowed = true;
        if (r >= 0 && r == x->hint)
            x->hint_read = true;
    }
    return v;
}

xmem_t x_val_mem(const x64_t *x, const xval_t *v)
{
    if (v->kind == V_LOCAL)
        return xm(RBP, x_local(x, v->local));
    return xm(RBP, x_slot(x, v->pos));
}

/* Position p's value to its slot; p holds a register or a local. */
static void spill_one(x64_t *x, uint32_t p)
{
    xval_t *v = &x->stack[p];
    xmem_t slot = xm(RBP, x_slot(x, p));
    if (v->kind == V_REG) {
        if (IS_XMM(v->reg))
            x_fstore(&x->b, true, slot, v->reg - 16);
        else
            x_store(&x->b, true, slot, v->reg);
        x->owner[v->reg] = -1;
    } else if (v->kind == V_LOCAL) {
        int r = x->lreg[v->local];
        if (r < 0) {
            x_load(&x->b, true, R11, xm(RBP, x_local(x, v->local)));
            x_store(&x->b, true, slot, R11);
        } else if (IS_XMM(r)) {
            x_fstore(&x->b, true, slot, r - 16);
        } else {
            x_store(&x->b, true, slot, r);
        }
        x->lrefs[v->local]--;
    } else if (v->kind == V_CONST) {
        if ((int64_t)v->imm == (int64_t)(int32_t)v->imm) {
            x_store_i32(&x->b, true, slot, (int32_t)v->imm);
        } else {
            x_mov_ri(&x->b, R11, v->imm);
            x_store(&x->b, true, slot, R11);
        }
    } else {
        return;
    }
    v->kind = V_MEM;
}

void x_evict(x64_t *x, int reg)
{
    if (x->owner[reg] >= 0)
        spill_one(x, (uint32_t)x->owner[reg]);
}

static int free_reg(x64_t *x, bool xmm, uint32_t avoid)
{
    if (xmm) {
        for (int i = 0; i < 15; i++)
            if ((i < 8 || i == 14) && x->owner[XMM(i)] < 0 &&
                !((x->locked | avoid) >> XMM(i) & 1))
                return XMM(i);
        return -1;
    }
    for (int i = 0; i < NGPR; i++) {
        int r = gpr_order[i];
        if (x->owner[r] < 0 && !((x->locked | avoid | x->home_mask) >> r & 1))
            return r;
    }
    return -1;
}

/* The hint (x64.h) is usable while the local's old value is needed by no
 * one: no stack entry stands for it and this instruction did not read it. */
static bool take_hint(x64_t *x, bool xmm, uint32_t avoid)
{
    int h = x->hint;
    if (h < 0 || IS_XMM(h) != xmm || ((avoid | x->locked) >> h & 1))
        return false;
    if (x->hint_local == UINT32_MAX) { /* the return register: if it is free */
        if (x->owner[h] >= 0)
            return false;
    } else if (x->lrefs[x->hint_local] != 0 || x->hint_read) {
        return false;
    }
    x->hint = -1;
    return true;
}

int x_alloc_not(x64_t *x, bool xmm, uint32_t avoid)
{
    int h = x->hint;
    if (take_hint(x, xmm, avoid))
        return h;
    int r = free_reg(x, xmm, avoid);
    if (r >= 0)
        return r;
    /* Spill the deepest entry in a register of this file: a scan of the
     * registers, not of the stack, so the cost is constant. */
    int best = -1;
    for (int q = xmm ? 16 : 0; q < (xmm ? 31 : 16); q++)
        if (x->owner[q] >= 0 && !((x->locked | avoid) >> q & 1) &&
            (best < 0 || x->owner[q] < x->owner[best]))
            best = q;
    if (best >= 0)
        spill_one(x, (uint32_t)x->owner[best]);
    return best; /* -1 cannot happen: fewer locked registers than the file holds */
}

int x_alloc(x64_t *x, bool xmm)
{
    return x_alloc_not(x, xmm, 0);
}

void x_load_into(x64_t *x, const xval_t *v, int reg)
{
    bool w = x_is64(v->type);
    int lr = x_lreg(x, v);
    if (lr >= 0) { /* a register local, still on the stack */
        xval_t r = *v;
        r.kind = V_REG, r.reg = (uint8_t)lr;
        x_load_into(x, &r, reg);
        return;
    }
    if (IS_XMM(reg)) {
        int xr = reg - 16;
        bool dbl = v->type == DX_T_F64;
        if (v->kind == V_REG) {
            if (v->reg != reg)
                x_fmov(&x->b, xr, v->reg - 16);
        } else if (v->kind == V_CONST) {
            x_mov_ri(&x->b, R11, v->imm);
            x_movq_xr(&x->b, dbl, xr, R11);
        } else {
            x_fload(&x->b, dbl, xr, x_val_mem(x, v));
        }
        return;
    }
    if (v->kind == V_REG) {
        if (v->reg != reg)
            x_mov_rr(&x->b, w, reg, v->reg);
    } else if (v->kind == V_CONST) {
        x_mov_ri(&x->b, reg, v->imm);
    } else if (v->kind == V_CMP) {
        x_setcc(&x->b, v->cc, reg);
        x_movzx8(&x->b, reg, reg);
    } else {
        x_load(&x->b, w, reg, x_val_mem(x, v));
    }
}

int x_to_reg(x64_t *x, const xval_t *v)
{
    if (v->kind == V_REG && !v->borrowed)
        return v->reg;
    if (v->kind == V_REG && v->reg == x->hint && x->hint_local != UINT32_MAX &&
        x->lrefs[x->hint_local] == 0) {
        x->hint = -1; /* in place: the operand is the local being set */
        return v->reg;
    }
    int r = x_alloc(x, x_is_float(v->type));
    x_load_into(x, v, r);
    x->locked |= 1u << r;
    return r;
}

int x_in_reg(x64_t *x, const xval_t *v)
{
    if (v->kind == V_REG)
        return v->reg;
    if (x_lreg(x, v) >= 0)
        return x_lreg(x, v);
    return x_to_reg(x, v);
}

/* Store v (popped, so not a stack entry any more, or a live one) to
 * [base + disp] as 8 bytes. */
void x_store_val(x64_t *x, const xval_t *v, int32_t disp, int base)
{
    xmem_t m = xm(base, disp);
    int lr = x_lreg(x, v);
    if (lr >= 0) {
        if (IS_XMM(lr))
            x_fstore(&x->b, true, m, lr - 16);
        else
            x_store(&x->b, true, m, lr);
        return;
    }
    switch (v->kind) {
    case V_REG:
        if (IS_XMM(v->reg))
            x_fstore(&x->b, true, m, v->reg - 16);
        else
            x_store(&x->b, true, m, v->reg);
        return;
    case V_CONST:
        if ((int64_t)v->imm == (int64_t)(int32_t)v->imm) {
            x_store_i32(&x->b, true, m, (int32_t)v->imm);
            return;
        }
        x_mov_ri(&x->b, R11, v->imm);
        break;
    case V_CMP:
        x_setcc(&x->b, v->cc, R11);
        x_movzx8(&x->b, R11, R11);
        break;
    default:
        x_load(&x->b, true, R11, x_val_mem(x, v));
        break;
    }
    x_store(&x->b, true, m, R11);
}

void x_materialize_cmp(x64_t *x)
{
    if (x->height == 0 || x->stack[x->height - 1].kind != V_CMP)
        return;
    xval_t v = x_pop(x);
    int r = x_alloc(x, false);
    x_load_into(x, &v, r);
    x_push_reg(x, DX_T_I32, r);
}

void x_spill_regs(x64_t *x, uint32_t from)
{
    for (uint32_t p = from < x->reg_floor ? x->reg_floor : from; p < x->height; p++) {
        uint8_t k = x->stack[p].kind;
        if (k == V_REG || k == V_LOCAL)
            spill_one(x, p);
        else if (k == V_CMP)
            x_materialize_cmp(x), spill_one(x, p);
    }
    if (from <= x->reg_floor)
        x->reg_floor = x->height;
}

void x_spill_all(x64_t *x, uint32_t from)
{
    x_spill_regs(x, from);
    for (uint32_t p = from; p < x->height; p++)
        if (x->stack[p].kind == V_CONST)
            spill_one(x, p);
}

/* Before local idx changes: entries that stand for its old value read it
 * now. */
void x_release_local(x64_t *x, uint32_t idx)
{
    for (uint32_t p = x->height; p > 0 && x->lrefs[idx] > 0; p--) {
        xval_t *v = &x->stack[p - 1];
        if (v->kind != V_LOCAL || v->local != idx)
            continue;
        /* into a free register if there is one (a move, not a store and a
         * later load), else to the entry's slot */
        int r = free_reg(x, x_is_float(v->type), 0);
        if (r < 0) {
            spill_one(x, p - 1);
            continue;
        }
        x_load_into(x, v, r);
        x->lrefs[idx]--;
        v->kind = V_REG, v->reg = (uint8_t)r, v->borrowed = false;
        x->owner[r] = (int32_t)(p - 1);
        if (p - 1 < x->reg_floor)
            x->reg_floor = p - 1;
    }
}

void x_drop_to(x64_t *x, uint32_t height)
{
    while (x->height > height)
        x_pop(x);
    x->locked = 0;
}

/* Register-to-register moves with distinct destinations, in an order
 * that reads every source before it is overwritten; a cycle goes through
 * the scratch register of its file. */
void x_parallel_move(x64_t *x, const int *src, const int *dst, int n)
{
    int s[32], d[32];
    int k = 0;
    for (int i = 0; i < n && i < 32; i++)
        if (src[i] != dst[i])
            s[k] = src[i], d[k] = dst[i], k++;
    while (k > 0) {
        bool progress = false;
        for (int i = 0; i < k; i++) {
            bool blocked = false;
            for (int j = 0; j < k; j++)
                if (j != i && s[j] == d[i])
                    blocked = true;
            if (blocked)
                continue;
            if (IS_XMM(d[i]))
                x_fmov(&x->b, d[i] - 16, s[i] - 16);
            else
                x_mov_rr(&x->b, true, d[i], s[i]);
            s[i] = s[k - 1], d[i] = d[k - 1], k--;
            progress = true;
            break;
        }
        if (!progress) {
            /* a cycle: park the first source in scratch */
            int tmp = IS_XMM(s[0]) ? XMM(15) : R11;
            if (IS_XMM(tmp))
                x_fmov(&x->b, 15, s[0] - 16);
            else
                x_mov_rr(&x->b, true, R11, s[0]);
            s[0] = tmp;
        }
    }
}
