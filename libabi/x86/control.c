/*
 * Control flow and calls.
 *
 * At every join the state is canonical (x64.h): entries below the join's
 * height as they were when its frame opened (in slots or constants), and
 * the label's values in their slots. So a block's entry spills registers
 * and lazy locals, a branch stores its values into the label's slots, and
 * `end` leaves the results in theirs. A loop's parameters go to their
 * slots at entry, since the back edge writes them there.
 *
 * Code after an unconditional branch is unreachable until the frame's end:
 * it is validated but not translated (nested frames inside it are tracked
 * only to find that end).
 */
#include "x64.h"

static const dx_valtype_t single[] = { DX_T_I32, DX_T_I64, DX_T_F32, DX_T_F64,
                                       DX_T_FUNCREF, DX_T_EXTERNREF };

static void block_sig(x64_t *x, const dx_insn_t *in, xctl_t *c)
{
    int64_t t = in->u.block.type;
    c->nparams = c->nresults = 0;
    if (t >= 0) {
        const dx_functype_t *ft = &x->m->types[t];
        c->nparams = ft->nparams, c->params = ft->params;
        c->nresults = ft->nresults, c->results = ft->results;
    } else if (t != -64) {
        dx_valtype_t vt = (dx_valtype_t)(t + 0x80);
        for (size_t i = 0; i < sizeof single; i++)
            if (single[i] == vt)
                c->results = &single[i], c->nresults = 1;
    }
}

static xctl_t *push_ctl(x64_t *x, uint8_t kind, const dx_insn_t *in, bool dead)
{
    if (!X_GROW(x, x->ctl, x->ctl_cap, x->depth + 1))
        return NULL;
    xctl_t *c = &x->ctl[x->depth++];
    *c = (xctl_t){ .kind = kind, .dead = dead, .fixes = X_NOFIX, .else_fix = SIZE_MAX };
    block_sig(x, in, c);
    c->height = dead ? 0 : x->height - c->nparams;
    return c;
}

static bool add_fix_in(x64_t *x, xctl_t *c, size_t at, uint32_t table)
{
    if (!X_GROW(x, x->fixes, x->fixes_cap, x->nfixes + 1))
        return false;
    x->fixes[x->nfixes] = (xfix_t){ at, c->fixes, table };
    c->fixes = x->nfixes++;
    return true;
}

static bool add_fix(x64_t *x, xctl_t *c, size_t at)
{
    return add_fix_in(x, c, at, 0);
}

/* The flags' condition for "the popped i32 is nonzero". */
static int cond_cc(x64_t *x, const xval_t *v)
{
    if (v->kind == V_CMP)
        return v->cc;
    if (v->kind == V_CONST) { /* a constant condition: compare a zero */
        x_mov_ri(&x->b, R11, v->imm);
        x_test_rr(&x->b, false, R11, R11);
        return CC_NE;
    }
    int r = x_in_reg(x, v);
    x_test_rr(&x->b, false, r, r);
    return CC_NE;
}

/* The label's arity: what a branch to it carries. */
static uint32_t arity(const xctl_t *l)
{
    return l->kind == C_LOOP ? l->nparams : l->nresults;
}

/* The values for l are in l's slots already. */
/* A block or if with no parameters and one result passes it in RAX or
 * XMM0 rather than its slot: the value is usually computed just before the
 * branch or the end, and used just after. Other labels pass slots. */
static int label_reg(const xctl_t *l)
{
    if (l->kind == C_FUNC || l->kind == C_LOOP || l->nparams != 0 || l->nresults != 1)
        return -1;
    return x_is_float(l->results[0]) ? XMM(0) : RAX;
}

static bool in_place(x64_t *x, const xctl_t *l)
{
    int lr = label_reg(l);
    if (lr >= 0)
        return x->stack[x->height - 1].kind == V_REG && x->stack[x->height - 1].reg == lr;
    uint32_t n = arity(l);
    if (x->height - n != l->height)
        return false;
    for (uint32_t k = 0; k < n; k++)
        if (x->stack[l->height + k].kind != V_MEM)
            return false;
    return true;
}

/* Before a branch that carries many values: they go to their slots and
 * RCX is freed for branch_moves' copy loop. Moves only. */
static void prepare_many(x64_t *x, const xctl_t *l)
{
    if (arity(l) > 8) {
        x_spill_regs(x, 0);
        x_spill_all(x, x->height - arity(l));
    }
}

/* Stores the top arity(l) values into l's slots; the abstract stack is
 * unchanged (the fall-through path of br_if keeps them). Many values are
 * copied by a loop, in the order that never overwrites a value not yet
 * read: the caller has spilled them and freed RCX. */
static void branch_moves(x64_t *x, const xctl_t *l)
{
    uint32_t n = arity(l), src = x->height - n;
    if (n == 0 || in_place(x, l))
        return;
    if (label_reg(l) >= 0) { /* RAX may hold another entry: on this path,
                                every entry above the label is dropped */
        x_load_into(x, &x->stack[x->height - 1], label_reg(l));
        return;
    }
    if (n > 8) { /* rcx = 0, -1, ..., 1 - n: slot positions ascend */
        xb_t *b = &x->b;
        x_mov_ri(b, RCX, 0);
        size_t loop = b->len;
        x_load(b, true, R11, xmi(RBP, RCX, 8, x_slot(x, src)));
        x_store(b, true, xmi(RBP, RCX, 8, x_slot(x, l->height)), R11);
        x_rr(b, XW, OP1(0xFF), 1, RCX);          /* dec rcx */
        x_alu_ri(b, true, 7, RCX, -(int32_t)n);
        x_jcc_to(b, CC_NE, loop);
        return;
    }
    for (uint32_t k = 0; k < n; k++) {
        xval_t *v = &x->stack[src + k];
        if (v->kind == V_MEM && src + k == l->height + k)
            continue;
        x_store_val(x, v, x_slot(x, l->height + k), RBP);
    }
}

/* Jump to l (after its values were moved). */
static bool jump_to(x64_t *x, xctl_t *l)
{
    if (l->kind == C_FUNC) {
        x_emit_return(x);
        return true;
    }
    if (l->kind == C_LOOP) {
        x_jmp_to(&x->b, l->head);
        return true;
    }
    return add_fix(x, l, x_jmp(&x->b));
}

static void set_unreachable(x64_t *x)
{
    xctl_t *c = &x->ctl[x->depth - 1];
    c->unreachable = true;
    x_drop_to(x, c->height);
}

static void poll(x64_t *x)
{
    x_alu_mi(&x->b, false, 7, xm(R15, DX_PB_PREEMPT), 0);
    size_t at = x_jcc(&x->b, CC_NE);
    if (X_GROW(x, x->traps, x->traps_cap, x->ntraps + 1))
        x->traps[x->ntraps++] = (xtrap_t){ at, (uint32_t)x->b.len, 0 };
    x->out->stats.polls++;
}

static bool op_block(x64_t *x, const dx_insn_t *in, uint8_t kind)
{
    if (kind == C_LOOP)
        x->stale = ~0u; /* a join: the back edge may bring any state */
    xctl_t *cur = &x->ctl[x->depth - 1];
    bool dead = cur->dead || cur->unreachable;
    int cc = CC_NE;
    if (!dead && kind == C_IF) {
        xval_t c = x_pop(x);
        if (c.kind != V_CMP)
            x_spill_regs(x, 0), cc = cond_cc(x, &c);
        else
            cc = c.cc;
    }
    xctl_t *c = push_ctl(x, kind, in, dead);
    if (!c || dead)
        return c != NULL;
    x_spill_regs(x, 0); /* moves only: the flags of an `if` survive */
    if (kind != C_BLOCK)
        x_spill_all(x, c->height);
    if (kind == C_LOOP) {
        c->head = x->b.len;
        poll(x);
    } else if (kind == C_IF) {
        c->else_fix = x_jcc(&x->b, cc ^ 1);
    }
    return true;
}

static void reset_to(x64_t *x, xctl_t *c, uint32_t n, const dx_valtype_t *types)
{
    x_drop_to(x, c->height);
    for (uint32_t i = 0; i < n; i++)
        x_push_mem(x, types[i]);
    c->unreachable = false;
}

static bool op_else(x64_t *x)
{
    x->stale = ~0u; /* the other arm: not the state this one left */
    xctl_t *c = &x->ctl[x->depth - 1];
    if (c->dead)
        return true;
    if (!c->unreachable) {
        if (label_reg(c) >= 0)
            x_load_into(x, &x->stack[x->height - 1], label_reg(c));
        else
            x_spill_all(x, c->height);
        if (!add_fix(x, c, x_jmp(&x->b)))
            return false;
    }
    x_bind(&x->b, c->else_fix, x->b.len);
    c->else_fix = SIZE_MAX;
    c->kind = C_ELSE;
    reset_to(x, c, c->nparams, c->params);
    return true;
}

static bool op_end(x64_t *x)
{
    x->stale = ~0u; /* a join with the branches here */
    xctl_t *c = &x->ctl[x->depth - 1];
    if (c->dead) {
        x->depth--;
        return true;
    }
    if (c->kind == C_FUNC) {
        if (!c->unreachable)
            x_emit_return(x);
        x->depth--;
        return true;
    }
    bool reached = !c->unreachable || c->fixes != X_NOFIX || c->else_fix != SIZE_MAX;
    int lr = label_reg(c);
    if (!c->unreachable && lr >= 0)
        x_load_into(x, &x->stack[x->height - 1], lr);
    else if (!c->unreachable)
        x_spill_all(x, c->height);
    if (c->else_fix != SIZE_MAX)
        x_bind(&x->b, c->else_fix, x->b.len);
    for (uint32_t f = c->fixes; f != X_NOFIX; f = x->fixes[f].next) {
        const xfix_t *fx = &x->fixes[f];
        if (fx->table)
            xb_patch32(&x->b, fx->at, (uint32_t)(x->b.len - fx->table));
        else
            x_bind(&x->b, fx->at, x->b.len);
    }
    if (lr >= 0) {
        x_drop_to(x, c->height);
        c->unreachable = false;
        if (!x_push_reg(x, c->results[0], lr))
            return false;
    } else {
        reset_to(x, c, c->nresults, c->results);
    }
    x->depth--;
    if (!reached)
        set_unreachable(x);
    return true;
}

static bool op_br(x64_t *x, uint32_t depth)
{
    xctl_t *l = &x->ctl[x->depth - 1 - depth];
    prepare_many(x, l);
    branch_moves(x, l);
    if (!jump_to(x, l))
        return false;
    set_unreachable(x);
    return true;
}

static bool op_br_if(x64_t *x, uint32_t depth)
{
    xctl_t *l = &x->ctl[x->depth - 1 - depth];
    xval_t c = x_pop(x);
    prepare_many(x, l); /* before the test */
    int cc = cond_cc(x, &c);
    if (l->kind != C_FUNC && (arity(l) == 0 || in_place(x, l))) {
        if (l->kind == C_LOOP)
            x_jcc_to(&x->b, cc, l->head);
        else if (!add_fix(x, l, x_jcc(&x->b, cc)))
            return false;
        return true;
    }
    size_t skip = x_jcc(&x->b, cc ^ 1);
    branch_moves(x, l);
    if (!jump_to(x, l))
        return false;
    x_bind(&x->b, skip, x->b.len);
    return true;
}

static bool op_br_table(x64_t *x, const dx_insn_t *in)
{
    xb_t *b = &x->b;
    uint32_t count = in->u.br_table.count;
    xval_t iv = x_pop(x);
    int ri = x_to_reg(x, &iv);
    x_spill_regs(x, 0);
    x_spill_all(x, x->height - arity(&x->ctl[x->depth - 1 - in->u.br_table.deflt]));
    if (!X_GROW(x, x->bt_targets, x->bt_cap, count + 1))
        return false;
    x_alu_ri(b, false, 7, ri, (int32_t)count);
    size_t to_default = x_jcc(b, CC_AE);
    xb_u8(b, 0x4C), xb_u8(b, 0x8D), xb_u8(b, 0x1D); /* lea r11, [rip + table] */
    size_t lea_at = b->len;
    xb_u32(b, 0);
    x_rm(b, XW, OP1(0x63), ri, xmi(R11, ri, 4, 0)); /* movsxd ri, [r11 + ri*4] */
    x_alu_rr(b, true, 0, R11, ri);                  /* add r11, ri */
    x_rr(b, 0, OP1(0xFF), 4, R11);                  /* jmp r11 */
    size_t table = b->len;
    xb_patch32(b, lea_at, (uint32_t)(table - (lea_at + 4)));
    for (uint32_t i = 0; i < count; i++)
        xb_u32(b, 0);
    x->bt_epoch++;
    for (uint32_t i = 0; i <= count; i++) {
        uint32_t d = i < count ? in->u.br_table.targets[i] : in->u.br_table.deflt;
        xctl_t *l = &x->ctl[x->depth - 1 - d];
        bool direct = l->kind != C_FUNC && (arity(l) == 0 || in_place(x, l));
        if (direct && i < count) { /* the entry points at the label itself */
            if (l->kind == C_LOOP)
                x->bt_targets[i] = (uint32_t)l->head;
            else if (!add_fix_in(x, l, table + 4 * i, (uint32_t)table))
                return false;
            else
                x->bt_targets[i] = UINT32_MAX; /* patched at the label */
            continue;
        }
        if (l->bt_epoch != x->bt_epoch) {
            l->bt_epoch = x->bt_epoch;
            l->bt_stub = (uint32_t)b->len;
            branch_moves(x, l);
            if (!jump_to(x, l))
                return false;
        }
        x->bt_targets[i] = l->bt_stub;
    }
    for (uint32_t i = 0; i < count; i++)
        if (x->bt_targets[i] != UINT32_MAX)
            xb_patch32(b, table + 4 * i, x->bt_targets[i] - (uint32_t)table);
    x_bind(b, to_default, x->bt_targets[count]);
    set_unreachable(x);
    return true;
}

/* ---- calls ------------------------------------------------------------------- */
static bool pop_args(x64_t *x, uint32_t n)
{
    if (!X_GROW(x, x->args, x->args_cap, n + 1))
        return false;
    for (uint32_t i = n; i > 0; i--)
        x->args[i - 1] = x_pop(x);
    return true;
}

/* Moves the popped arguments to where type t wants them; extra: a value
 * for RAX too (call_indirect's index), or NULL. */
static void place_args(x64_t *x, const dx_functype_t *t, const xval_t *extra)
{
    static const int8_t int_args[4] = { RDI, RSI, RDX, RCX };
    int src[16], dst[16], nm = 0;
    int8_t where[DX_MAX_PARAMS];
    int ni = 0, nf = 0;
    for (uint32_t i = 0; i < t->nparams; i++) {
        bool f = x_is_float(t->params[i]);
        where[i] = (int8_t)(f ? (nf < 8 ? XMM(nf++) : -1) : (ni < 4 ? int_args[ni++] : -1));
        if (where[i] < 0)
            x_store_val(x, &x->args[i], x_xfer(x, i), R15);
        else if (x->args[i].kind == V_REG)
            src[nm] = x->args[i].reg, dst[nm++] = where[i];
    }
    if (extra && extra->kind == V_REG)
        src[nm] = extra->reg, dst[nm++] = RAX;
    x_parallel_move(x, src, dst, nm);
    for (uint32_t i = 0; i < t->nparams; i++)
        if (where[i] >= 0 && x->args[i].kind != V_REG)
            x_load_into(x, &x->args[i], where[i]);
    if (extra && extra->kind != V_REG)
        x_load_into(x, extra, RAX);
}

static bool push_results(x64_t *x, const dx_functype_t *t)
{
    x_reload_bound(x);
    for (uint32_t i = 0; i < t->nresults; i++) {
        uint8_t ty = t->results[i];
        if (i == 0) {
            if (!x_push_reg(x, ty, x_is_float(ty) ? XMM(0) : RAX))
                return false;
            continue;
        }
        x_load(&x->b, true, R11, xm(R15, x_xfer(x, i)));
        x_store(&x->b, true, xm(RBP, x_slot(x, x->height)), R11);
        if (!x_push_mem(x, ty))
            return false;
    }
    return true;
}

static bool op_call(x64_t *x, uint32_t f)
{
    const dx_functype_t *t = dx_func_type(x->m, f);
    x_mark(x);
    if (!pop_args(x, t->nparams))
        return false;
    x_spill_regs(x, 0);
    x_homes_out(x);
    place_args(x, t, NULL);
    size_t at = x_call(&x->b);
    if (f < x->func || f < x->m->nfunc_imports) {
        x_bind(&x->b, at, x->out->func_code[f]);
    } else {
        if (!X_GROW(x, x->calls, x->calls_cap, x->ncalls + 1))
            return false;
        x->calls[x->ncalls++] = (xfix_t){ at, f, 0 };
    }
    x_mark(x); /* the return address maps to the call */
    x_homes_in(x);
    return push_results(x, t);
}

static bool op_call_indirect(x64_t *x, const dx_insn_t *in)
{
    const dx_functype_t *t = &x->m->types[in->u.index];
    int32_t tab = (int32_t)(x->out->layout.tables + 16 * in->index2);
    x_mark(x);
    xval_t idx = x_pop(x);
    if (!pop_args(x, t->nparams))
        return false;
    x_spill_regs(x, 0);
    x_homes_out(x);
    place_args(x, t, &idx);
    xb_t *b = &x->b;
    x_load(b, true, R11, xm(R15, tab));
    x_alu_rm(b, true, 7, RAX, xm(R15, tab + 8));
    x_trap_jcc(x, CC_AE, DX_TRAP_TABLE_INDEX);
    x_load(b, true, R11, xmi(R11, RAX, 8, 0));
    x_test_rr(b, true, R11, R11);
    x_trap_jcc(x, CC_E, DX_TRAP_NULL_CALL);
    x_mov_ri(b, R10, dx_x64_type_tag(x->m, in->u.index));
    x_alu_rm(b, true, 7, R10, xm(R11, 0));
    x_trap_jcc(x, CC_NE, DX_TRAP_SIGNATURE);
    x_call_m(b, xm(R11, 8));
    x_mark(x);
    x_homes_in(x);
    return push_results(x, t);
}

bool x_call_op(x64_t *x, const dx_insn_t *in)
{
    return in->op == DX_OP_CALL ? op_call(x, in->u.index) : op_call_indirect(x, in);
}

bool x_control(x64_t *x, const dx_insn_t *in)
{
    switch (in->op) {
    case DX_OP_NOP: return true;
    case DX_OP_UNREACHABLE:
        x_trap_now(x, DX_TRAP_UNREACHABLE);
        set_unreachable(x);
        return true;
    case DX_OP_BLOCK: return op_block(x, in, C_BLOCK);
    case DX_OP_LOOP: return op_block(x, in, C_LOOP);
    case DX_OP_IF: return op_block(x, in, C_IF);
    case DX_OP_ELSE: return op_else(x);
    case DX_OP_END: return op_end(x);
    case DX_OP_BR: return op_br(x, in->u.index);
    case DX_OP_BR_IF: return op_br_if(x, in->u.index);
    case DX_OP_BR_TABLE: return op_br_table(x, in);
    case DX_OP_RETURN:
        x_emit_return(x);
        set_unreachable(x);
        return true;
    default: return x_call_op(x, in);
    }
}
