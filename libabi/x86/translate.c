/*
 * The translator's driver: the module's process-block layout, the stubs
 * for imported functions, one pass per defined function (validate an
 * instruction, then emit it), the entry adapters, and the map from code
 * back to the module.
 *
 * Code layout: import stubs, then each defined function followed by its
 * out-of-line paths (the morestack call and one `ud2; code` stub per trap
 * site), then the adapters. Calls between functions are rel32; a call to a
 * function not yet emitted is patched when every function is done.
 */
#include "x64.h"

#define CODE_LIMIT (1u << 30)

static const int8_t int_args[4] = { RDI, RSI, RDX, RCX };
/* Registers that may hold a local for a whole function (spec/abi.md,
 * section 4.2); R13 only where no bound check needs it. */
static const int8_t int_homes[7] = { RBX, R12, R8, R9, RDI, RSI, R13 };
#define NFLOAT_HOMES 6 /* XMM8..XMM13 */

bool x_fail(x64_t *x, dx_err_t code)
{
    if (x->err->code == DX_OK) {
        size_t at = x->func < x->m->nfuncs ? x->m->funcs[x->func].body.off : 0;
        x->err->code = code;
        x->err->func = x->func;
        x->err->offset = x->insn ? x->insn->offset : at;
        x->err->insn = x->insn ? x->insn->offset : DX_NO_INSN;
        x->err->op = x->insn ? x->insn->op : DX_OP_NOP;
        x->err->expected = code == DX_E_CODE_TOO_LARGE ? x->b.limit : 0;
        x->err->actual = x->b.len;
    }
    return false;
}

bool x_grow(x64_t *x, void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    uint32_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = dx_arena_alloc(x->ar, (size_t)n * elem);
    if (!q)
        return x_fail(x, DX_E_TOO_LARGE); /* out of memory, as in the decoder */
    if (*cap)
        __builtin_memcpy(q, *p, (size_t)*cap * elem);
    *p = q;
    *cap = n;
    return true;
}

static void add_map(x64_t *x, uint32_t func, uint32_t module)
{
    uint32_t pc = (uint32_t)x->b.len;
    if (x->nmap > 0 && x->map[x->nmap - 1].code == pc) {
        x->map[x->nmap - 1] = (dx_x64_mapent_t){ pc, func, module };
        return;
    }
    if (x->nmap == x->map_cap && !X_GROW(x, x->map, x->map_cap, x->nmap + 1))
        return;
    x->map[x->nmap++] = (dx_x64_mapent_t){ pc, func, module };
}

void x_mark(x64_t *x)
{
    add_map(x, x->func, (uint32_t)x->insn->offset);
}

void x_trap_jcc(x64_t *x, int cc, uint8_t code)
{
    if (!X_GROW(x, x->traps, x->traps_cap, x->ntraps + 1))
        return;
    x->traps[x->ntraps++] = (xtrap_t){ x_jcc(&x->b, cc), (uint32_t)x->insn->offset, code };
}

void x_trap_now(x64_t *x, uint8_t code)
{
    x_mark(x);
    x_ud2(&x->b, code);
    x->out->stats.trap_sites++;
}

int32_t x_local(const x64_t *x, uint32_t idx)
{
    (void)x;
    return -8 * (int32_t)(idx + 1);
}

int32_t x_slot(const x64_t *x, uint32_t pos)
{
    return -8 * (int32_t)(x->nlocals + 1 + pos);
}

int32_t x_global(const x64_t *x, uint32_t idx)
{
    return (int32_t)(x->out->layout.globals + 8 * idx);
}

int32_t x_xfer(const x64_t *x, uint32_t slot)
{
    return (int32_t)(x->out->layout.xfer + 8 * slot);
}

void x_reload_bound(x64_t *x)
{
    if (x->checked)
        x_load(&x->b, true, R13, xm(R15, DX_PB_MEM_SIZE));
}

/* ---- layout ---------------------------------------------------------------- */
static bool layout(x64_t *x)
{
    const dx_module_t *m = x->m;
    dx_x64_layout_t *l = &x->out->layout;
    uint32_t nxfer = 8; /* the builtins' arguments */
    for (uint32_t i = 0; i < m->ntypes; i++) {
        if (m->types[i].nparams > nxfer)
            nxfer = m->types[i].nparams;
        if (m->types[i].nresults > nxfer)
            nxfer = m->types[i].nresults;
    }
    /* Each term is bounded by the decoder's limits (DX_MAX_TABLES, _GLOBALS,
     * _PARAMS), so the sum fits in 32 bits with room to spare. */
    l->tables = DX_PB_HEADER_SIZE;
    l->globals = l->tables + 16 * m->ntables;
    l->xfer = l->globals + 8 * m->nglobals;
    l->nxfer = nxfer;
    l->size = (l->xfer + 8 * nxfer + 4095) & ~4095u;
    return true;
}

/* ---- stubs and adapters ---------------------------------------------------- */
typedef struct argloc {
    int reg;      /* a register (xmm as XMM(n)), or -1: the transfer slot */
} argloc_t;

static argloc_t arg_loc(const dx_functype_t *t, uint32_t i, int *ni, int *nf)
{
    if (x_is_float(t->params[i]))
        return (argloc_t){ *nf < 8 ? XMM((*nf)++) : -1 };
    return (argloc_t){ *ni < 4 ? int_args[(*ni)++] : -1 };
}

/* The register parameters of type t to their transfer slots (an import's
 * stub, on its way to the host) or from them (an entry adapter); the
 * others are in their slots already. */
static void xfer_params(x64_t *x, const dx_functype_t *t, bool to_xfer)
{
    int ni = 0, nf = 0;
    for (uint32_t i = 0; i < t->nparams; i++) {
        argloc_t a = arg_loc(t, i, &ni, &nf);
        xmem_t slot = xm(R15, x_xfer(x, i));
        if (a.reg < 0)
            continue;
        if (IS_XMM(a.reg) && to_xfer)
            x_fstore(&x->b, true, slot, a.reg - 16);
        else if (IS_XMM(a.reg))
            x_fload(&x->b, true, a.reg - 16, slot);
        else if (to_xfer)
            x_store(&x->b, true, slot, a.reg);
        else
            x_load(&x->b, true, a.reg, slot);
    }
}

static void import_stub(x64_t *x, uint32_t f, size_t offset)
{
    const dx_functype_t *t = dx_func_type(x->m, f);
    x->out->func_code[f] = (uint32_t)x->b.len;
    add_map(x, f, (uint32_t)offset);
    x_pushr(&x->b, RBP);
    x_mov_rr(&x->b, true, RBP, RSP);
    xfer_params(x, t, true);
    x_mov_ri(&x->b, RDI, f);
    x_call_m(&x->b, xm(R15, DX_PB_HOSTCALL));
    if (t->nresults > 0) {
        if (x_is_float(t->results[0]))
            x_fload(&x->b, true, 0, xm(R15, x_xfer(x, 0)));
        else
            x_load(&x->b, true, RAX, xm(R15, x_xfer(x, 0)));
    }
    x_popr(&x->b, RBP);
    x_ret(&x->b);
    x->out->func_end[f] = (uint32_t)x->b.len;
}

static void adapter(x64_t *x, uint32_t f)
{
    const dx_functype_t *t = dx_func_type(x->m, f);
    x->out->func_adapter[f] = (uint32_t)x->b.len;
    add_map(x, DX_NO_FUNC, 0); /* an adapter: where a backtrace ends */
    x_pushr(&x->b, RBP);
    x_mov_rr(&x->b, true, RBP, RSP);
    xfer_params(x, t, false);
    x_bind(&x->b, x_call(&x->b), x->out->func_code[f]);
    if (t->nresults > 0) {
        if (x_is_float(t->results[0]))
            x_fstore(&x->b, true, xm(R15, x_xfer(x, 0)), 0);
        else
            x_store(&x->b, true, xm(R15, x_xfer(x, 0)), RAX);
    }
    x_popr(&x->b, RBP);
    x_ret(&x->b);
}

/* ---- one function ------------------------------------------------------------- */
/* Keeps a decoded instruction for the translating pass (bodies up to
 * REPLAY_BODY bytes, so the buffer stays small); a br_table's targets are
 * copied, since the reader reuses its own array. */
#define REPLAY_BODY 65536u
static void keep(x64_t *x, const dx_insn_t *in)
{
    if (x->nreplay == x->replay_cap) { /* quietly: decoding again will do */
        uint32_t cap = x->replay_cap ? 2 * x->replay_cap : 256;
        dx_insn_t *q = dx_arena_alloc(x->ar, (size_t)cap * sizeof *q);
        if (!q) {
            x->replaying = false;
            return;
        }
        if (x->nreplay)
            __builtin_memcpy(q, x->replay, (size_t)x->nreplay * sizeof *q);
        x->replay = q;
        x->replay_cap = cap;
    }
    dx_insn_t *k = &x->replay[x->nreplay++];
    *k = *in;
    if (in->op == DX_OP_BR_TABLE) {
        uint32_t *t = dx_arena_alloc(x->ar, 4 * ((size_t)in->u.br_table.count + 1));
        if (!t) { /* quietly, as above */
            x->replaying = false;
            return;
        }
        __builtin_memcpy(t, in->u.br_table.targets, 4 * (size_t)in->u.br_table.count);
        k->u.br_table.targets = t;
    }
}

/* Counts each local's uses, weighted by loop depth (8x per loop, up to
 * five deep), reading the body before translating it, without validating
 * it: a body that does not decode just stops the count (the translating
 * pass reports the error), and a small body's instructions are kept so
 * that pass need not decode them again. The weights borrow lrefs, which
 * is zero again afterwards. */
static void count_uses(x64_t *x, uint32_t f)
{
    uint64_t loops = 0; /* a bit per open block: set for loops (64 deep) */
    uint32_t depth = 0, nloops = 0;
    dx_insn_t in;
    dx_error_t err;
    bool ok = true;
    x->nreplay = 0;
    x->replay_pos = 0;
    x->replaying = x->m->funcs[f].body.len <= REPLAY_BODY;
    dx_code_init(&x->code, x->m, f, x->ar);
    while (dx_code_more(&x->code) && (ok = dx_code_next(&x->code, &in, &err))) {
        if (x->replaying)
            keep(x, &in);
        switch (in.op) {
        case DX_OP_BLOCK: case DX_OP_IF: case DX_OP_LOOP:
            if (depth < 64 && in.op == DX_OP_LOOP)
                loops |= 1ull << depth, nloops++;
            depth++;
            break;
        case DX_OP_END:
            if (depth > 0 && --depth < 64 && (loops >> depth & 1))
                loops &= ~(1ull << depth), nloops--;
            break;
        case DX_OP_LOCAL_GET: case DX_OP_LOCAL_SET: case DX_OP_LOCAL_TEE:
            if (in.u.index < x->nlocals) {
                uint32_t w = 1u << 3 * (nloops < 5 ? nloops : 5);
                uint32_t *c = &x->lrefs[in.u.index];
                *c = *c > UINT32_MAX - w ? UINT32_MAX : *c + w;
            }
            break;
        default:
            break;
        }
    }
    if (!ok)
        x->replaying = false; /* decode again, to report the error in order */
}

static void choose_homes(x64_t *x, uint32_t f)
{
    for (uint32_t i = 0; i < x->nlocals; i++)
        x->lreg[i] = -1;
    x->nhomes = 0;
    x->home_mask = 0;
    x->stale = ~0u;
    count_uses(x, f);
    for (int fl = 0; fl < 2; fl++) {
        int n = fl ? NFLOAT_HOMES : x->checked ? 6 : 7;
        for (int k = 0; k < n; k++) {
            uint32_t best = UINT32_MAX, bw = 1; /* at least two uses */
            for (uint32_t i = 0; i < x->nlocals; i++) {
                uint8_t t = x->ltype[i];
                bool ok = fl ? x_is_float(t) : (t == DX_T_I32 || t == DX_T_I64);
                if (ok && x->lreg[i] < 0 && x->lrefs[i] > bw)
                    best = i, bw = x->lrefs[i];
            }
            if (best == UINT32_MAX)
                break;
            int r = fl ? XMM(8 + k) : int_homes[k];
            x->lreg[best] = (int8_t)r;
            x->home_reg[x->nhomes] = (int8_t)r;
            x->home_local[x->nhomes++] = best;
            x->home_mask |= 1u << r;
        }
    }
    for (uint32_t i = 0; i < x->nlocals; i++)
        x->lrefs[i] = 0;
}

static bool setup_locals(x64_t *x, uint32_t f)
{
    const dx_func_t *fn = &x->m->funcs[f];
    const dx_functype_t *t = dx_func_type(x->m, f);
    x->nlocals = t->nparams + fn->nlocals;
    x->ltype = dx_arena_alloc(x->ar, (size_t)x->nlocals + 1);
    x->lreg = dx_arena_alloc(x->ar, (size_t)x->nlocals + 1);
    x->lrefs = dx_arena_alloc(x->ar, 4 * ((size_t)x->nlocals + 1));
    if (!x->ltype || !x->lrefs || !x->lreg)
        return x_fail(x, DX_E_TOO_LARGE);
    for (uint32_t i = 0; i < t->nparams; i++)
        x->ltype[i] = t->params[i];
    uint32_t start = 0;
    for (uint32_t r = 0; r < fn->nruns; r++) {
        for (uint32_t i = start < t->nparams ? t->nparams : start; i < fn->runs[r].end; i++)
            x->ltype[i] = fn->runs[r].type;
        start = fn->runs[r].end;
    }
    choose_homes(x, f);
    return true;
}

/* The parameters to their homes: those in registers without a register
 * home to their slots first, then the register-to-register moves in
 * parallel (an argument register may be another parameter's home), then
 * the transfer-area ones. */
static void params_home(x64_t *x)
{
    xb_t *b = &x->b;
    const dx_functype_t *t = x->type;
    int src[16], dst[16], nm = 0, ni = 0, nf = 0;
    for (uint32_t i = 0; i < t->nparams; i++) {
        argloc_t a = arg_loc(t, i, &ni, &nf);
        int lr = x->lreg[i];
        if (a.reg >= 0 && lr >= 0)
            src[nm] = a.reg, dst[nm++] = lr;
        else if (a.reg >= 0 && IS_XMM(a.reg))
            x_fstore(b, true, xm(RBP, x_local(x, i)), a.reg - 16);
        else if (a.reg >= 0)
            x_store(b, true, xm(RBP, x_local(x, i)), a.reg);
    }
    x_parallel_move(x, src, dst, nm);
    ni = nf = 0;
    for (uint32_t i = 0; i < t->nparams; i++) {
        argloc_t a = arg_loc(t, i, &ni, &nf);
        int lr = x->lreg[i];
        if (a.reg >= 0)
            continue;
        if (lr >= 0 && IS_XMM(lr)) {
            x_fload(b, true, lr - 16, xm(R15, x_xfer(x, i)));
        } else if (lr >= 0) {
            x_load(b, true, lr, xm(R15, x_xfer(x, i)));
        } else {
            x_load(b, true, R11, xm(R15, x_xfer(x, i)));
            x_store(b, true, xm(RBP, x_local(x, i)), R11);
        }
    }
}

/* Declared locals start at zero: their slots (a loop on RAX, RCX once
 * there are many) and their homes. */
static void zero_locals(x64_t *x)
{
    xb_t *b = &x->b;
    uint32_t np = x->type->nparams, nzero = x->nlocals - np;
    if (nzero > 0 && nzero <= 8) {
        x_alu_rr(b, false, 6, RAX, RAX);
        for (uint32_t i = np; i < x->nlocals; i++)
            if (x->lreg[i] < 0) /* a home's slot matters only across calls */
                x_store(b, true, xm(RBP, x_local(x, i)), RAX);
    } else if (nzero > 8) {
        /* rcx from -nzero to -1: [rbp + rcx*8 + x_local(np) + 8] */
        x_alu_rr(b, false, 6, RAX, RAX);
        x_mov_ri(b, RCX, (uint64_t)-(int64_t)nzero);
        size_t loop = b->len;
        x_store(b, true, xmi(RBP, RCX, 8, x_local(x, np) + 8), RAX);
        x_rr(b, XW, OP1(0xFF), 0, RCX); /* inc rcx */
        x_jcc_to(b, CC_NE, loop);
    }
    for (uint32_t i = np; i < x->nlocals; i++) {
        int lr = x->lreg[i];
        if (lr >= 0 && IS_XMM(lr))
            x_rr(b, 0, OP2(0x0F, 0x57), lr - 16, lr - 16); /* xorps */
        else if (lr >= 0)
            x_alu_rr(b, false, 6, lr, lr);
    }
}

/* Only the homes written since the last call (in this straight line of
 * code: control flow joins make every home stale again) need storing. */
void x_homes_out(x64_t *x)
{
    for (uint32_t k = 0; k < x->nhomes; k++) {
        if (!(x->stale >> k & 1))
            continue;
        int r = x->home_reg[k];
        xmem_t m = xm(RBP, x_local(x, x->home_local[k]));
        if (IS_XMM(r))
            x_fstore(&x->b, true, m, r - 16);
        else
            x_store(&x->b, true, m, r);
    }
}

void x_homes_in(x64_t *x)
{
    x->stale = 0;
    for (uint32_t k = 0; k < x->nhomes; k++) {
        int r = x->home_reg[k];
        xmem_t m = xm(RBP, x_local(x, x->home_local[k]));
        if (IS_XMM(r))
            x_fload(&x->b, true, r - 16, m);
        else
            x_load(&x->b, true, r, m);
    }
}

static void prologue(x64_t *x)
{
    xb_t *b = &x->b;
    /* lea rax, [rsp - need] with a disp32 to patch */
    xb_u8(b, 0x48), xb_u8(b, 0x8D), xb_u8(b, 0x84), xb_u8(b, 0x24);
    x->frame_at[0] = b->len;
    xb_u32(b, 0);
    x_alu_rm(b, true, 7, RAX, xm(R15, DX_PB_STACK_LIMIT));
    x->slow_fix = x_jcc(b, CC_B);
    x->body = b->len;
    x_pushr(b, RBP);
    x_mov_rr(b, true, RBP, RSP);
    xb_u8(b, 0x48), xb_u8(b, 0x81), xb_u8(b, 0xEC); /* sub rsp, imm32 */
    x->frame_at[1] = b->len;
    xb_u32(b, 0);

    params_home(x);
    zero_locals(x);
}

static void epilogue(x64_t *x)
{
    xb_t *b = &x->b;
    uint64_t frame = (8 * ((uint64_t)x->nlocals + x->max_height) + 15) & ~(uint64_t)15;
    uint64_t need = frame + 16;
    if (need > 0x40000000u) {
        x_fail(x, DX_E_CODE_TOO_LARGE);
        return;
    }
    xb_patch32(b, x->frame_at[0], (uint32_t)-(int32_t)need);
    xb_patch32(b, x->frame_at[1], (uint32_t)frame);
    /* the stacklet slow path */
    x_bind(b, x->slow_fix, b->len);
    add_map(x, x->func, (uint32_t)x->m->funcs[x->func].code);
    xb_u8(b, 0xB8);
    xb_u32(b, (uint32_t)need);
    x_call_m(b, xm(R15, DX_PB_MORESTACK));
    x_jmp_to(b, x->body);
    /* trap stubs; consecutive sites of one instruction and code share one */
    for (uint32_t i = 0; i < x->ntraps; i++) {
        xtrap_t *t = &x->traps[i];
        if (t->code == 0) { /* a loop's preemption poll */
            x_bind(b, t->at, b->len);
            x_call_m(b, xm(R15, DX_PB_YIELD));
            x_jmp_to(b, t->insn);
            continue;
        }
        if (i > 0 && t->insn == t[-1].insn && t->code == t[-1].code && b->len >= 3 &&
            b->p[b->len - 3] == 0x0F) {
            x_bind(b, t->at, b->len - 3);
            continue;
        }
        x_bind(b, t->at, b->len);
        add_map(x, x->func, t->insn);
        x_ud2(b, t->code);
        x->out->stats.trap_sites++;
    }
}

static bool emit(x64_t *x, const dx_insn_t *in)
{
    xctl_t *f = &x->ctl[x->depth - 1];
    dx_op_t op = in->op;
    x->insn = in;
    x->out->stats.insns++;
    if (f->dead || f->unreachable) {
        if (op == DX_OP_BLOCK || op == DX_OP_LOOP || op == DX_OP_IF ||
            op == DX_OP_ELSE || op == DX_OP_END)
            return x_control(x, in);
        return true;
    }
    if (x->height > 0 && x->stack[x->height - 1].kind == V_CMP &&
        op != DX_OP_BR_IF && op != DX_OP_IF && op != DX_OP_SELECT &&
        op != DX_OP_SELECT_T && op != DX_OP_I32_EQZ)
        x_materialize_cmp(x);
    bool ok;
    if (op <= DX_OP_CALL_INDIRECT)
        ok = x_control(x, in);
    else if (op < DX_OP_I32_LOAD || (op >= DX_OP_I32_CONST && op <= DX_OP_F64_CONST))
        ok = x_access_op(x, in);
    else if (op < DX_OP_I32_CONST)
        ok = x_memory_op(x, in);
    else if ((op >= DX_OP_I32_EQZ && op <= DX_OP_I64_GE_U) ||
             (op >= DX_OP_I32_CLZ && op <= DX_OP_I64_ROTR) ||
             (op >= DX_OP_I32_EXTEND8_S && op <= DX_OP_I64_EXTEND32_S) ||
             op == DX_OP_I32_WRAP_I64 || op == DX_OP_I64_EXTEND_I32_S ||
             op == DX_OP_I64_EXTEND_I32_U)
        ok = x_int_op(x, in);
    else if ((op >= DX_OP_F32_EQ && op <= DX_OP_F64_GE) ||
             (op >= DX_OP_F32_ABS && op <= DX_OP_F64_COPYSIGN))
        ok = x_float_op(x, in);
    else
        ok = x_conv_op(x, in);
    x->locked = 0;
    x->hint = -1;
    if (x->b.failed)
        return x_fail(x, x->b.over_limit ? DX_E_CODE_TOO_LARGE : DX_E_TOO_LARGE);
    return ok && x->err->code == DX_OK; /* an allocation may have failed */
}

/* The instructions that may put their result straight into the home of
 * the local that the next instruction sets. */
static bool hint_ok(dx_op_t op)
{
    return (op >= DX_OP_I32_LOAD && op <= DX_OP_I64_LOAD32_U) ||
           op == DX_OP_GLOBAL_GET || op == DX_OP_SELECT || op == DX_OP_SELECT_T ||
           op >= DX_OP_I32_EQZ;
}

/* Validate, then emit, one instruction at a time. The next instruction is
 * decoded (not yet validated) before the current one is emitted, so that a
 * result bound for a local.set can be computed in the local's home. A
 * br_table is emitted before the next decode, which reuses its targets. */
static bool more(x64_t *x)
{
    return x->replaying ? x->replay_pos < x->nreplay : dx_code_more(&x->code);
}

static bool next_insn(x64_t *x, dx_insn_t *out, dx_error_t *err)
{
    if (!x->replaying)
        return dx_code_next(&x->code, out, err);
    *out = x->replay[x->replay_pos++];
    return true;
}

static bool body(x64_t *x)
{
    dx_insn_t cur, next;
    dx_error_t derr = { 0 };
    bool have_next = false, next_bad = false;
    while (have_next || more(x)) {
        if (have_next)
            cur = next;
        else if (!next_insn(x, &cur, x->err))
            return false;
        have_next = false;
        if (!dx_val_insn(&x->val, &cur, x->err))
            return false;
        x->hint = -1;
        if ((x->replaying || cur.op != DX_OP_BR_TABLE) && more(x)) {
            have_next = next_insn(x, &next, &derr);
            next_bad = !have_next;
            if (have_next && hint_ok(cur.op) &&
                (next.op == DX_OP_LOCAL_SET || next.op == DX_OP_LOCAL_TEE) &&
                next.u.index < x->nlocals && x->lreg[next.u.index] >= 0) {
                x->hint = x->lreg[next.u.index];
                x->hint_local = next.u.index;
                x->hint_read = false;
            } else if (have_next && hint_ok(cur.op) && x->type->nresults == 1 &&
                       (next.op == DX_OP_RETURN ||
                        (next.op == DX_OP_END && x->depth == 1))) {
                /* the function's one result: straight into rax or xmm0 */
                x->hint = x_is_float(x->type->results[0]) ? XMM(0) : RAX;
                x->hint_local = UINT32_MAX;
                x->hint_read = false;
            }
        }
        if (!emit(x, &cur))
            return false;
        if (next_bad) {
            *x->err = derr;
            return false;
        }
    }
    return true;
}

static bool function(x64_t *x, uint32_t f)
{
    x->func = f;
    x->type = dx_func_type(x->m, f);
    x->insn = NULL;
    x->height = x->max_height = 0;
    x->depth = 0;
    x->ntraps = 0;
    x->nfixes = 0;
    x->locked = 0;
    x->reg_floor = 0;
    for (int r = 0; r < 32; r++)
        x->owner[r] = -1;
    if (!setup_locals(x, f) || !dx_val_begin(&x->val, f, x->err))
        return false;
    x->out->func_code[f] = (uint32_t)x->b.len;
    add_map(x, f, (uint32_t)x->m->funcs[f].code);
    prologue(x);
    if (!X_GROW(x, x->ctl, x->ctl_cap, 1))
        return false;
    x->ctl[x->depth++] = (xctl_t){ .kind = C_FUNC, .nresults = x->type->nresults,
                                   .results = x->type->results, .fixes = X_NOFIX,
                                   .else_fix = SIZE_MAX };
    dx_code_init(&x->code, x->m, f, x->ar);
    bool ok = body(x);
    x->insn = NULL; /* body's instructions are gone: errors name the function */
    if (!ok)
        return false;
    if (!dx_val_finish(&x->val, x->m->funcs[f].body.off + x->m->funcs[f].body.len, x->err))
        return false;
    epilogue(x);
    x->out->func_end[f] = (uint32_t)x->b.len;
    if (x->b.failed)
        return x_fail(x, x->b.over_limit ? DX_E_CODE_TOO_LARGE : DX_E_TOO_LARGE);
    return x->err->code == DX_OK;
}

/* The frame's results are on top of the stack: return them. */
void x_emit_return(x64_t *x)
{
    const dx_functype_t *t = x->type;
    uint32_t n = t->nresults;
    for (uint32_t i = 1; i < n; i++)
        x_store_val(x, &x->stack[x->height - n + i], x_xfer(x, i), R15);
    if (n > 0) {
        xval_t *v = &x->stack[x->height - n];
        x_load_into(x, v, x_is_float(v->type) ? XMM(0) : RAX);
    }
    xb_u8(&x->b, 0xC9); /* leave */
    x_ret(&x->b);
}

static bool alloc_out(x64_t *x)
{
    uint32_t n = x->m->nfuncs;
    dx_x64_t *o = x->out;
    o->nfuncs = n;
    o->func_code = dx_arena_alloc(x->ar, 4 * ((size_t)n + 1));
    o->func_end = dx_arena_alloc(x->ar, 4 * ((size_t)n + 1));
    o->func_adapter = dx_arena_alloc(x->ar, 4 * ((size_t)n + 1));
    if (!o->func_code || !o->func_end || !o->func_adapter)
        return x_fail(x, DX_E_TOO_LARGE);
    for (uint32_t i = 0; i < n; i++)
        o->func_adapter[i] = DX_X64_NONE;
    return true;
}

static void patch_calls(x64_t *x)
{
    for (uint32_t i = 0; i < x->ncalls; i++)
        x_bind(&x->b, x->calls[i].at, x->out->func_code[x->calls[i].next]);
}

static void adapters(x64_t *x)
{
    const dx_module_t *m = x->m;
    for (uint32_t i = 0; i < m->nexports; i++) {
        uint32_t f = m->exports[i].index;
        if (m->exports[i].kind == DX_EXT_FUNC && x->out->func_adapter[f] == DX_X64_NONE)
            adapter(x, f);
    }
    if (m->has_start && x->out->func_adapter[m->start] == DX_X64_NONE)
        adapter(x, m->start);
}

bool dx_x64_translate(const dx_module_t *m, const dx_x64_opts_t *opts,
                      dx_arena_t *ar, dx_x64_t *out, dx_error_t *out_err)
{
    *out_err = (dx_error_t){ .code = DX_OK, .func = DX_NO_FUNC, .insn = DX_NO_INSN };
    *out = (dx_x64_t){ 0 };
    x64_t *x = dx_arena_alloc(ar, sizeof *x);
    if (!x) {
        out_err->code = DX_E_TOO_LARGE;
        return false;
    }
    *x = (x64_t){ .m = m, .opts = opts, .ar = ar, .err = out_err, .out = out,
                  .func = DX_NO_FUNC };
    x->b = (xb_t){ .ar = ar, .limit = opts->max_code ? opts->max_code : CODE_LIMIT };
    x->checked = opts->strategy != DX_STRATEGY_GUARD && m->nmemories > 0;
    dx_val_init(&x->val, m, ar);
    if (!layout(x) || !alloc_out(x))
        return false;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == DX_EXT_FUNC)
            import_stub(x, m->imports[i].index, m->imports[i].offset);
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        if (!function(x, f))
            return false;
    x->func = DX_NO_FUNC;
    x->insn = NULL;
    patch_calls(x);
    adapters(x);
    if (x->b.failed)
        return x_fail(x, x->b.over_limit ? DX_E_CODE_TOO_LARGE : DX_E_TOO_LARGE);
    if (x->err->code != DX_OK)
        return false;
    out->code = x->b.p;
    out->size = x->b.len;
    out->map = x->map;
    out->nmap = x->nmap;
    return true;
}

const dx_x64_mapent_t *dx_x64_lookup(const dx_x64_t *xo, uint32_t pc)
{
    size_t lo = 0, hi = xo->nmap;
    while (lo < hi) { /* the last entry with code <= pc */
        size_t mid = lo + (hi - lo) / 2;
        if (xo->map[mid].code <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? NULL : &xo->map[lo - 1];
}

const char *dx_trap_text(dx_trap_t t)
{
    switch (t) {
#define TEXT(id, code, text) case DX_TRAP_##id: return text;
    DX_TRAPS(TEXT)
#undef TEXT
    default: return "unknown trap";
    }
}

const char *dx_trap_name(dx_trap_t t)
{
    switch (t) {
#define NAME(id, code, text) case DX_TRAP_##id: return #id;
    DX_TRAPS(NAME)
#undef NAME
    default: return "?";
    }
}
