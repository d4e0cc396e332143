/*
 * The validator: WebAssembly 2.0 instruction validation (section 3.3),
 * one instruction at a time, following the algorithm of the
 * specification's appendix (A.3): an operand stack of value types, with
 * DX_T_ANY for operands of unknown type in unreachable code, and a control
 * stack of frames with their label types.
 *
 * It is the one validator: dx_module_load() runs it over every body, and
 * the translator calls dx_val_insn() before it emits each instruction.
 * Instructions with a fixed stack effect are checked from the opcode
 * table's signature; each other opcode has one helper below.
 *
 * Cost: each instruction costs its immediates plus the values it pops and
 * pushes. A block type or call moves at most DX_MAX_PARAMS + DX_MAX_RESULTS
 * values; br_table checks each distinct label type once (by canonical id),
 * so a table of n targets costs n plus, per distinct type it names, that
 * type's arity. So the work is linear in the module's size with a constant
 * of up to about a thousand operand checks per byte (a `call` of a
 * function with 1000 parameters is two bytes): the loader's caller needs
 * a budget (verifierd will run it under one per module, issue 6), as
 * every WebAssembly validator's caller does. Stacks grow only as values and frames are actually pushed, up to
 * DX_MAX_STACK and DX_MAX_NESTING.
 */
#include "code.h"
#include "opcode.h"

enum { CTL_FUNC, CTL_BLOCK, CTL_LOOP, CTL_IF, CTL_ELSE };

struct dx_ctl {
    uint8_t kind;
    bool unreachable;
    uint32_t height;                      /* operand stack at entry */
    const dx_valtype_t *params, *results;
    uint32_t nparams, nresults;
    uint32_t params_id, results_id;
};

#define NOTHING 0xff /* the "actual" of a missing operand in diagnostics */

static bool verr(dx_val_t *v, const dx_insn_t *in, dx_err_t code, size_t at,
                 uint64_t exp, uint64_t act)
{
    dx_error_t *e = v->err;
    e->code = code;
    e->func = v->func;
    e->offset = at;
    e->insn = in ? in->offset : DX_NO_INSN;
    e->op = in ? in->op : DX_OP_COUNT;
    e->expected = exp;
    e->actual = act;
    return false;
}

/* ---- stacks ----------------------------------------------------------------- */

static bool grow_stack(dx_val_t *v, const dx_insn_t *in, uint32_t need)
{
    if (need > DX_MAX_STACK)
        return verr(v, in, DX_E_LIMIT_STACK, in ? in->offset : 0, DX_MAX_STACK, need);
    uint32_t cap = v->stack_cap ? v->stack_cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > DX_MAX_STACK)
        cap = DX_MAX_STACK;
    dx_valtype_t *s = dx_arena_alloc(v->ar, cap);
    if (!s)
        return verr(v, in, DX_E_TOO_LARGE, in ? in->offset : 0, 0, need);
    if (v->height)
        __builtin_memcpy(s, v->stack, v->height);
    v->stack = s;
    v->stack_cap = cap;
    return true;
}

static inline bool push(dx_val_t *v, const dx_insn_t *in, dx_valtype_t t)
{
    if (v->height == v->stack_cap && !grow_stack(v, in, v->height + 1))
        return false;
    v->stack[v->height++] = t;
    return true;
}

static bool push_n(dx_val_t *v, const dx_insn_t *in, const dx_valtype_t *t,
                   uint32_t n)
{
    if (n == 0)
        return true;
    if (v->height + n > v->stack_cap && !grow_stack(v, in, v->height + n))
        return false;
    __builtin_memcpy(v->stack + v->height, t, n);
    v->height += n;
    return true;
}

static inline dx_ctl_t *top(dx_val_t *v) { return &v->ctl[v->depth - 1]; }

/* Pops one operand, expecting `want` (DX_T_ANY: any type). */
static inline bool pop_expect(dx_val_t *v, const dx_insn_t *in,
                              dx_valtype_t want, dx_valtype_t *out)
{
    dx_ctl_t *c = top(v);
    if (v->height == c->height) {
        if (c->unreachable) {
            if (out)
                *out = want;
            return true;
        }
        return verr(v, in, DX_E_TYPE_MISMATCH, in ? in->offset : 0,
                    want ? want : NOTHING, NOTHING);
    }
    dx_valtype_t t = v->stack[--v->height];
    if (t != want && t != DX_T_ANY && want != DX_T_ANY)
        return verr(v, in, DX_E_TYPE_MISMATCH, in ? in->offset : 0, want, t);
    if (out)
        *out = t == DX_T_ANY ? want : t;
    return true;
}

static bool pop_n(dx_val_t *v, const dx_insn_t *in, const dx_valtype_t *t,
                  uint32_t n)
{
    for (uint32_t i = n; i-- > 0;)
        if (!pop_expect(v, in, t[i], 0))
            return false;
    return true;
}

/* Checks that the top n operands match t without changing the stack: the
 * specification's push_vals(pop_vals(t)), which keeps the operands' own
 * types. */
static bool peek_n(dx_val_t *v, const dx_insn_t *in, const dx_valtype_t *t,
                   uint32_t n)
{
    dx_ctl_t *c = top(v);
    uint32_t avail = v->height - c->height;
    for (uint32_t i = 0; i < n; i++) {
        dx_valtype_t want = t[n - 1 - i];
        if (i >= avail) {
            if (c->unreachable)
                return true;
            return verr(v, in, DX_E_TYPE_MISMATCH, in->offset, want, NOTHING);
        }
        dx_valtype_t got = v->stack[v->height - 1 - i];
        if (got != want && got != DX_T_ANY)
            return verr(v, in, DX_E_TYPE_MISMATCH, in->offset, want, got);
    }
    return true;
}

static bool push_ctl(dx_val_t *v, const dx_insn_t *in, uint8_t kind,
                     const dx_functype_t *ft)
{
    if (v->depth >= DX_MAX_NESTING)
        return verr(v, in, DX_E_LIMIT_NESTING, in->offset, DX_MAX_NESTING,
                    v->depth + 1);
    if (v->depth == v->ctl_cap) {
        uint32_t cap = v->ctl_cap ? v->ctl_cap * 2 : 64;
        dx_ctl_t *c = dx_arena_alloc(v->ar, (size_t)cap * sizeof *c);
        if (!c)
            return verr(v, in, DX_E_TOO_LARGE, in->offset, 0, cap);
        if (v->depth)
            __builtin_memcpy(c, v->ctl, v->depth * sizeof *c);
        v->ctl = c;
        v->ctl_cap = cap;
    }
    dx_ctl_t *c = &v->ctl[v->depth++];
    c->kind = kind;
    c->unreachable = false;
    c->height = v->height;
    c->params = ft->params, c->nparams = ft->nparams, c->params_id = ft->params_id;
    c->results = ft->results, c->nresults = ft->nresults, c->results_id = ft->results_id;
    return kind == CTL_FUNC || push_n(v, in, ft->params, ft->nparams);
}

/* Pops the frame's results and requires the frame's stack to be empty. */
static bool pop_ctl(dx_val_t *v, const dx_insn_t *in, dx_ctl_t *out)
{
    dx_ctl_t *c = top(v);
    if (!pop_n(v, in, c->results, c->nresults))
        return false;
    if (v->height != c->height)
        return verr(v, in, DX_E_STACK_HEIGHT, in->offset, c->nresults,
                    c->nresults + (v->height - c->height));
    *out = *c;
    v->depth--;
    return true;
}

static void set_unreachable(dx_val_t *v)
{
    dx_ctl_t *c = top(v);
    v->height = c->height;
    c->unreachable = true;
}

static void label_types(const dx_ctl_t *c, const dx_valtype_t **t, uint32_t *n,
                        uint32_t *id)
{
    if (c->kind == CTL_LOOP) {
        *t = c->params, *n = c->nparams, *id = c->params_id;
    } else {
        *t = c->results, *n = c->nresults, *id = c->results_id;
    }
}

/* ---- control instructions ------------------------------------------------------ */

static const dx_valtype_t single_types[] = {
    DX_T_I32, DX_T_I64, DX_T_F32, DX_T_F64, DX_T_FUNCREF, DX_T_EXTERNREF,
};

/* The function type a block type stands for. */
static bool block_type(dx_val_t *v, const dx_insn_t *in, dx_functype_t *out)
{
    int64_t t = in->u.block.type;
    __builtin_memset(out, 0, sizeof *out);
    if (t >= 0) {
        if ((uint64_t)t >= v->m->ntypes)
            return verr(v, in, DX_E_UNKNOWN_TYPE, in->imm, v->m->ntypes, (uint64_t)t);
        *out = v->m->types[t];
        return true;
    }
    if (t == -64)
        return true; /* [] -> [] */
    dx_valtype_t vt = (dx_valtype_t)(t + 0x80);
    uint32_t id = dx_canon_single(vt);
    out->results = &single_types[id - 1];
    out->nresults = 1;
    out->results_id = id;
    return true;
}

static bool v_block(dx_val_t *v, const dx_insn_t *in, uint8_t kind)
{
    dx_functype_t ft;
    if (!block_type(v, in, &ft))
        return false;
    if (kind == CTL_IF && !pop_expect(v, in, DX_T_I32, 0))
        return false;
    if (!pop_n(v, in, ft.params, ft.nparams))
        return false;
    return push_ctl(v, in, kind, &ft);
}

static bool v_else(dx_val_t *v, const dx_insn_t *in)
{
    if (top(v)->kind != CTL_IF)
        return verr(v, in, DX_E_ELSE_WITHOUT_IF, in->offset, 0, 0);
    dx_ctl_t c;
    if (!pop_ctl(v, in, &c))
        return false;
    dx_functype_t ft = {c.params, c.results, c.nparams, c.nresults,
                        c.params_id, c.results_id};
    return push_ctl(v, in, CTL_ELSE, &ft);
}

static bool v_end(dx_val_t *v, const dx_insn_t *in)
{
    dx_ctl_t c;
    if (!pop_ctl(v, in, &c))
        return false;
    /* An if without else passes its parameters through as its results
     * (3.3.8.5), so the two types must be equal. */
    if (c.kind == CTL_IF && c.params_id != c.results_id)
        return verr(v, in, DX_E_TYPE_MISMATCH, in->offset,
                    c.nresults ? c.results[0] : NOTHING,
                    c.nparams ? c.params[0] : NOTHING);
    if (c.kind == CTL_FUNC)
        return true; /* the body's final end: dx_val_finish checks the rest */
    return push_n(v, in, c.results, c.nresults);
}

static bool label_ok(dx_val_t *v, const dx_insn_t *in, uint32_t l, size_t at)
{
    if (l >= v->depth)
        return verr(v, in, DX_E_UNKNOWN_LABEL, at, v->depth, l);
    return true;
}

static bool v_br(dx_val_t *v, const dx_insn_t *in, bool cond)
{
    uint32_t l = in->u.index;
    if (!label_ok(v, in, l, in->imm))
        return false;
    if (cond && !pop_expect(v, in, DX_T_I32, 0))
        return false;
    const dx_valtype_t *t;
    uint32_t n, id;
    label_types(&v->ctl[v->depth - 1 - l], &t, &n, &id);
    if (!pop_n(v, in, t, n))
        return false;
    if (cond)
        return push_n(v, in, t, n);
    set_unreachable(v);
    return true;
}

static bool v_br_table(dx_val_t *v, const dx_insn_t *in)
{
    if (!pop_expect(v, in, DX_T_I32, 0))
        return false;
    uint32_t l = in->u.br_table.deflt;
    if (!label_ok(v, in, l, in->imm))
        return false;
    const dx_valtype_t *dt;
    uint32_t arity, did;
    label_types(&v->ctl[v->depth - 1 - l], &dt, &arity, &did);
    if (++v->epoch == 0) { /* wrapped: forget every mark */
        __builtin_memset(v->seen, 0, v->m->ncanon * sizeof *v->seen);
        v->epoch = 1;
    }
    for (uint32_t i = 0; i < in->u.br_table.count; i++) {
        uint32_t li = in->u.br_table.targets[i];
        if (!label_ok(v, in, li, in->imm))
            return false;
        const dx_valtype_t *t;
        uint32_t n, id;
        label_types(&v->ctl[v->depth - 1 - li], &t, &n, &id);
        if (n != arity)
            return verr(v, in, DX_E_ARITY_MISMATCH, in->imm, arity, n);
        if (v->seen[id] == v->epoch)
            continue; /* the same type was checked against the same stack */
        v->seen[id] = v->epoch;
        if (!peek_n(v, in, t, n))
            return false;
    }
    if (!pop_n(v, in, dt, arity))
        return false;
    set_unreachable(v);
    return true;
}

static bool v_call(dx_val_t *v, const dx_insn_t *in, const dx_functype_t *ft)
{
    return pop_n(v, in, ft->params, ft->nparams) &&
           push_n(v, in, ft->results, ft->nresults);
}

static bool table_ok(dx_val_t *v, const dx_insn_t *in, uint32_t t, size_t at)
{
    if (t >= v->m->ntables)
        return verr(v, in, DX_E_UNKNOWN_TABLE, at, v->m->ntables, t);
    return true;
}

static bool v_call_indirect(dx_val_t *v, const dx_insn_t *in)
{
    const dx_module_t *m = v->m;
    if (!table_ok(v, in, in->index2, in->imm2))
        return false;
    if (m->tables[in->index2].elem != DX_T_FUNCREF)
        return verr(v, in, DX_E_TABLE_NOT_FUNCREF, in->imm2, DX_T_FUNCREF,
                    m->tables[in->index2].elem);
    if (in->u.index >= m->ntypes)
        return verr(v, in, DX_E_UNKNOWN_TYPE, in->imm, m->ntypes, in->u.index);
    if (!pop_expect(v, in, DX_T_I32, 0))
        return false;
    return v_call(v, in, &m->types[in->u.index]);
}

/* ---- reference, parametric and variable instructions ------------------------- */

static bool is_ref(dx_valtype_t t)
{
    return t == DX_T_FUNCREF || t == DX_T_EXTERNREF;
}

static bool v_ref_is_null(dx_val_t *v, const dx_insn_t *in)
{
    dx_valtype_t t;
    if (!pop_expect(v, in, DX_T_ANY, &t))
        return false;
    if (t != DX_T_ANY && !is_ref(t))
        return verr(v, in, DX_E_TYPE_MISMATCH, in->offset, DX_T_FUNCREF, t);
    return push(v, in, DX_T_I32);
}

static bool v_ref_func(dx_val_t *v, const dx_insn_t *in)
{
    uint32_t f = in->u.index;
    if (f >= v->m->nfuncs)
        return verr(v, in, DX_E_UNKNOWN_FUNC, in->imm, v->m->nfuncs, f);
    /* Only functions named outside code may be referenced (3.4.10, C.refs):
     * the set of functions that can escape is known before any code. */
    if (!(v->m->declared[f / 8] & (1u << f % 8)))
        return verr(v, in, DX_E_UNDECLARED_REF, in->imm, v->m->nfuncs, f);
    return push(v, in, DX_T_FUNCREF);
}

static bool v_select(dx_val_t *v, const dx_insn_t *in)
{
    dx_valtype_t t1, t2;
    if (!pop_expect(v, in, DX_T_I32, 0))
        return false;
    if (in->op == DX_OP_SELECT_T) {
        dx_valtype_t t = in->u.type;
        return pop_expect(v, in, t, 0) && pop_expect(v, in, t, 0) &&
               push(v, in, t);
    }
    if (!pop_expect(v, in, DX_T_ANY, &t1) || !pop_expect(v, in, DX_T_ANY, &t2))
        return false;
    /* Untyped select takes numeric operands only (3.3.4.2). */
    if (is_ref(t1))
        return verr(v, in, DX_E_TYPE_MISMATCH, in->offset, DX_T_I32, t1);
    if (is_ref(t2))
        return verr(v, in, DX_E_TYPE_MISMATCH, in->offset, DX_T_I32, t2);
    if (t1 != t2 && t1 != DX_T_ANY && t2 != DX_T_ANY)
        return verr(v, in, DX_E_TYPE_MISMATCH, in->offset, t1, t2);
    return push(v, in, t1 == DX_T_ANY ? t2 : t1);
}

dx_valtype_t dx_val_local_type(const dx_val_t *v, uint32_t idx)
{
    if (v->nlocals)
        return idx < v->nlocals ? v->locals[idx] : DX_T_ANY;
    return dx_func_local_type(v->m, v->func, idx);
}

dx_valtype_t dx_func_local_type(const dx_module_t *m, uint32_t func, uint32_t idx)
{
    const dx_functype_t *ft = dx_func_type(m, func);
    if (idx < ft->nparams)
        return ft->params[idx];
    const dx_func_t *f = &m->funcs[func];
    if (idx - ft->nparams >= f->nlocals)
        return DX_T_ANY;
    /* The first run whose end lies beyond idx. */
    uint32_t lo = 0, hi = f->nruns;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->runs[mid].end > idx)
            hi = mid;
        else
            lo = mid + 1;
    }
    return f->runs[lo].type;
}

static bool v_local(dx_val_t *v, const dx_insn_t *in)
{
    dx_valtype_t t = dx_val_local_type(v, in->u.index);
    if (t == DX_T_ANY)
        return verr(v, in, DX_E_UNKNOWN_LOCAL, in->imm,
                    v->type->nparams + v->m->funcs[v->func].nlocals, in->u.index);
    switch (in->op) {
    case DX_OP_LOCAL_GET: return push(v, in, t);
    case DX_OP_LOCAL_SET: return pop_expect(v, in, t, 0);
    default: return pop_expect(v, in, t, 0) && push(v, in, t);
    }
}

static bool v_global(dx_val_t *v, const dx_insn_t *in)
{
    const dx_module_t *m = v->m;
    uint32_t g = in->u.index;
    if (g >= m->nglobals)
        return verr(v, in, DX_E_UNKNOWN_GLOBAL, in->imm, m->nglobals, g);
    if (in->op == DX_OP_GLOBAL_GET)
        return push(v, in, m->globals[g].type);
    if (!m->globals[g].mutable_)
        return verr(v, in, DX_E_IMMUTABLE_GLOBAL, in->imm, m->nglobals, g);
    return pop_expect(v, in, m->globals[g].type, 0);
}

/* ---- table instructions -------------------------------------------------------- */

static bool v_table(dx_val_t *v, const dx_insn_t *in)
{
    const dx_module_t *m = v->m;
    uint32_t x = in->u.index;
    if (in->op == DX_OP_TABLE_INIT || in->op == DX_OP_TABLE_COPY)
        x = in->op == DX_OP_TABLE_INIT ? in->index2 : in->u.index;
    size_t at = in->op == DX_OP_TABLE_INIT ? in->imm2 : in->imm;
    if (in->op != DX_OP_ELEM_DROP && !table_ok(v, in, x, at))
        return false;
    dx_valtype_t t = in->op != DX_OP_ELEM_DROP ? m->tables[x].elem : 0;
    switch (in->op) {
    case DX_OP_TABLE_GET:
        return pop_expect(v, in, DX_T_I32, 0) && push(v, in, t);
    case DX_OP_TABLE_SET:
        return pop_expect(v, in, t, 0) && pop_expect(v, in, DX_T_I32, 0);
    case DX_OP_TABLE_SIZE: return push(v, in, DX_T_I32);
    case DX_OP_TABLE_GROW:
        return pop_expect(v, in, DX_T_I32, 0) && pop_expect(v, in, t, 0) &&
               push(v, in, DX_T_I32);
    case DX_OP_TABLE_FILL:
        return pop_expect(v, in, DX_T_I32, 0) && pop_expect(v, in, t, 0) &&
               pop_expect(v, in, DX_T_I32, 0);
    case DX_OP_TABLE_COPY: {
        uint32_t s = in->index2;
        if (!table_ok(v, in, s, in->imm2))
            return false;
        if (m->tables[s].elem != t)
            return verr(v, in, DX_E_TYPE_MISMATCH, in->imm2, t, m->tables[s].elem);
        break;
    }
    case DX_OP_TABLE_INIT:
    case DX_OP_ELEM_DROP: {
        uint32_t e = in->u.index;
        if (e >= m->nelems)
            return verr(v, in, DX_E_UNKNOWN_ELEM, in->imm, m->nelems, e);
        if (in->op == DX_OP_ELEM_DROP)
            return true;
        if (m->elems[e].type != t)
            return verr(v, in, DX_E_TYPE_MISMATCH, in->imm, t, m->elems[e].type);
        break;
    }
    default: break;
    }
    return pop_expect(v, in, DX_T_I32, 0) && pop_expect(v, in, DX_T_I32, 0) &&
           pop_expect(v, in, DX_T_I32, 0);
}

/* ---- memory instructions and the fixed signatures ------------------------------ */

static bool v_memory(dx_val_t *v, const dx_insn_t *in, const dx_opinfo_t *oi)
{
    const dx_module_t *m = v->m;
    if (m->nmemories == 0 && in->op != DX_OP_DATA_DROP)
        return verr(v, in, DX_E_UNKNOWN_MEMORY, in->imm, 0, 0);
    if (oi->imm == DX_IMM_MEMARG) {
        uint32_t natural = (uint32_t)__builtin_ctz(oi->width);
        if (in->u.memarg.align > natural)
            return verr(v, in, DX_E_ALIGNMENT, in->imm, natural, in->u.memarg.align);
    } else if (in->op == DX_OP_MEMORY_INIT || in->op == DX_OP_DATA_DROP) {
        /* C.datas comes from the data count section (3.4.10). */
        if (in->u.index >= m->datacount)
            return verr(v, in, DX_E_UNKNOWN_DATA, in->imm, m->datacount, in->u.index);
    }
    return true;
}

static bool v_fixed(dx_val_t *v, const dx_insn_t *in, const dx_siginfo_t *s)
{
    dx_ctl_t *c = top(v);
    uint32_t n = s->npop;
    /* Fast path: all operands present and of the right type. (n == 0 is
     * excluded: the stack may not be allocated yet.) */
    if (n && v->height - c->height >= n) {
        const dx_valtype_t *sp = v->stack + v->height - n;
        uint32_t i = 0;
        while (i < n && sp[i] == s->pop[i])
            i++;
        if (i == n) {
            v->height -= n;
            return !s->npush || push(v, in, s->push);
        }
    }
    for (uint32_t i = n; i-- > 0;)
        if (!pop_expect(v, in, s->pop[i], 0))
            return false;
    return !s->npush || push(v, in, s->push);
}

static bool v_special(dx_val_t *v, const dx_insn_t *in)
{
    switch (in->op) {
    case DX_OP_UNREACHABLE: set_unreachable(v); return true;
    case DX_OP_BLOCK: return v_block(v, in, CTL_BLOCK);
    case DX_OP_LOOP: return v_block(v, in, CTL_LOOP);
    case DX_OP_IF: return v_block(v, in, CTL_IF);
    case DX_OP_ELSE: return v_else(v, in);
    case DX_OP_END: return v_end(v, in);
    case DX_OP_BR: return v_br(v, in, false);
    case DX_OP_BR_IF: return v_br(v, in, true);
    case DX_OP_BR_TABLE: return v_br_table(v, in);
    case DX_OP_RETURN:
        if (!pop_n(v, in, v->type->results, v->type->nresults))
            return false;
        set_unreachable(v);
        return true;
    case DX_OP_CALL:
        if (in->u.index >= v->m->nfuncs)
            return verr(v, in, DX_E_UNKNOWN_FUNC, in->imm, v->m->nfuncs, in->u.index);
        return v_call(v, in, dx_func_type(v->m, in->u.index));
    case DX_OP_CALL_INDIRECT: return v_call_indirect(v, in);
    case DX_OP_REF_NULL: return push(v, in, in->u.type);
    case DX_OP_REF_IS_NULL: return v_ref_is_null(v, in);
    case DX_OP_REF_FUNC: return v_ref_func(v, in);
    case DX_OP_DROP: return pop_expect(v, in, DX_T_ANY, 0);
    case DX_OP_SELECT:
    case DX_OP_SELECT_T: return v_select(v, in);
    case DX_OP_LOCAL_GET:
    case DX_OP_LOCAL_SET:
    case DX_OP_LOCAL_TEE: return v_local(v, in);
    case DX_OP_GLOBAL_GET:
    case DX_OP_GLOBAL_SET: return v_global(v, in);
    default: return v_table(v, in);
    }
}

bool dx_val_insn(dx_val_t *v, const dx_insn_t *in, dx_error_t *out_err)
{
    v->err = out_err;
    if (v->depth == 0) /* the function's final end has been seen */
        return verr(v, in, DX_E_BODY_TRAILING, in->offset, 0, 0);
    const dx_opinfo_t *oi = &dx_opinfo[in->op];
    if (oi->imm >= DX_IMM_MEMARG && oi->imm <= DX_IMM_MEMORY_COPY &&
        !v_memory(v, in, oi))
        return false;
    if (oi->sig != DX_SIG_SPECIAL)
        return v_fixed(v, in, &dx_siginfo[oi->sig]);
    return v_special(v, in);
}

/* ---- functions ------------------------------------------------------------------ */

void dx_val_init(dx_val_t *v, const dx_module_t *m, dx_arena_t *ar)
{
    __builtin_memset(v, 0, sizeof *v);
    v->m = m;
    v->ar = ar;
}

/* Lays the function's local types out flat for constant-time lookup, when
 * that costs no more than a few times the body's size (a tiny body may
 * declare 50,000 locals; then the runs are searched instead). */
static void flatten_locals(dx_val_t *v, const dx_func_t *f)
{
    uint32_t total = v->type->nparams + f->nlocals;
    v->nlocals = 0;
    if (total == 0 || total > 4 * f->body.len)
        return;
    if (total > v->locals_cap) {
        uint32_t cap = v->locals_cap ? v->locals_cap : 64;
        while (cap < total)
            cap *= 2;
        dx_valtype_t *l = dx_arena_alloc(v->ar, cap);
        if (!l)
            return; /* no memory: the runs still answer */
        v->locals = l;
        v->locals_cap = cap;
    }
    __builtin_memcpy(v->locals, v->type->params, v->type->nparams);
    uint32_t at = v->type->nparams;
    for (uint32_t r = 0; r < f->nruns; r++)
        for (; at < f->runs[r].end; at++)
            v->locals[at] = f->runs[r].type;
    v->nlocals = total;
}

bool dx_val_begin(dx_val_t *v, uint32_t func, dx_error_t *out_err)
{
    v->err = out_err;
    v->func = func;
    v->type = dx_func_type(v->m, func);
    v->height = 0;
    v->depth = 0;
    if (!v->seen) {
        v->seen = dx_arena_alloc(v->ar, (size_t)v->m->ncanon * sizeof *v->seen);
        if (!v->seen)
            return verr(v, 0, DX_E_TOO_LARGE, v->m->funcs[func].body.off, 0, 0);
    }
    flatten_locals(v, &v->m->funcs[func]);
    dx_insn_t fake = {.offset = v->m->funcs[func].body.off, .op = DX_OP_COUNT};
    return push_ctl(v, &fake, CTL_FUNC, v->type);
}

bool dx_val_finish(dx_val_t *v, size_t body_end, dx_error_t *out_err)
{
    v->err = out_err;
    if (v->depth != 0)
        return verr(v, 0, DX_E_END_EXPECTED, body_end, 0, 0);
    return true;
}

bool dx_val_func(dx_val_t *v, uint32_t func, dx_error_t *out_err)
{
    static dx_code_t zero;
    dx_code_t c = zero;
    if (!dx_val_begin(v, func, out_err))
        return false;
    dx_code_init(&c, v->m, func, v->ar);
    /* The reader's br_table scratch lives in the validator between calls. */
    c.targets = v->targets;
    c.targets_cap = v->targets_cap;
    dx_insn_t in;
    bool ok = true;
    while (ok && dx_code_more(&c)) {
        /* Most instructions are one byte with a fixed stack effect and no
         * immediates: they skip the instruction decoder, which would only
         * find the same opcode. Everything else takes the general path. */
        const dx_opinfo_t *oi = dx_simple_op(c.bytes[c.pos]);
        if (oi && v->depth) {
            in.op = (dx_op_t)(oi - dx_opinfo);
            in.offset = c.pos;
            in.end = ++c.pos;
            ok = v_fixed(v, &in, &dx_siginfo[oi->sig]);
            continue;
        }
        ok = dx_code_next(&c, &in, out_err) && dx_val_insn(v, &in, out_err);
    }
    v->targets = c.targets;
    v->targets_cap = c.targets_cap;
    return ok && dx_val_finish(v, c.end, out_err);
}

/* ---- constant expressions (3.3.10) --------------------------------------------- */

static bool const_op(dx_op_t op)
{
    switch (op) {
    case DX_OP_I32_CONST: case DX_OP_I64_CONST: case DX_OP_F32_CONST:
    case DX_OP_F64_CONST: case DX_OP_REF_NULL: case DX_OP_REF_FUNC:
    case DX_OP_GLOBAL_GET: case DX_OP_END:
        return true;
    default:
        return false;
    }
}

static dx_valtype_t const_type(dx_reader_t *r, const dx_module_t *m,
                               uint32_t nglobals, const dx_insn_t *in,
                               uint8_t *declared)
{
    switch (in->op) {
    case DX_OP_I32_CONST: return DX_T_I32;
    case DX_OP_I64_CONST: return DX_T_I64;
    case DX_OP_F32_CONST: return DX_T_F32;
    case DX_OP_F64_CONST: return DX_T_F64;
    case DX_OP_REF_NULL: return in->u.type;
    case DX_OP_REF_FUNC:
        if (in->u.index >= m->nfuncs) {
            dx_rd_fail(r, DX_E_UNKNOWN_FUNC, in->imm, m->nfuncs, in->u.index);
            return 0;
        }
        if (declared)
            declared[in->u.index / 8] |= (uint8_t)(1u << in->u.index % 8);
        return DX_T_FUNCREF;
    default: /* global.get */
        if (in->u.index >= nglobals) {
            dx_rd_fail(r, DX_E_UNKNOWN_GLOBAL, in->imm, nglobals, in->u.index);
            return 0;
        }
        if (m->globals[in->u.index].mutable_) {
            dx_rd_fail(r, DX_E_CONST_EXPR, in->offset, 0, dx_opinfo[in->op].code);
            return 0;
        }
        return m->globals[in->u.index].type;
    }
}

bool dx_const_expr(dx_reader_t *r, const dx_module_t *m, uint32_t nglobals,
                   dx_valtype_t want, uint8_t *declared)
{
    dx_valtype_t have = 0;
    uint32_t n = 0;
    size_t start = r->pos;
    for (;;) {
        dx_insn_t in = {0};
        in.offset = r->pos;
        /* No module for the opcode reader: its data-count rule concerns
         * code, and here any such instruction is simply not constant. */
        if (!dx_dec_opcode(r, 0, &in.op))
            return false;
        if (!const_op(in.op)) {
            const dx_opinfo_t *oi = &dx_opinfo[in.op];
            dx_rd_fail(r, DX_E_CONST_EXPR, in.offset, oi->prefix, oi->code);
            return false;
        }
        if (!dx_dec_imm(r, m, 0, &in))
            return false;
        if (in.op == DX_OP_END)
            break;
        dx_valtype_t t = const_type(r, m, nglobals, &in, declared);
        if (r->failed)
            return false;
        if (n++ == 0)
            have = t;
    }
    if (n != 1) {
        dx_rd_fail(r, DX_E_STACK_HEIGHT, n ? r->pos - 1 : start, 1, n);
        return false;
    }
    if (have != want) {
        dx_rd_fail(r, DX_E_TYPE_MISMATCH, start, want, have);
        return false;
    }
    return true;
}

/* ---- the whole module ------------------------------------------------------------ */

bool dx_module_load(const uint8_t *bytes, size_t size, dx_arena_t *ar,
                    dx_module_t *out_module, dx_error_t *out_err)
{
    if (!dx_module_decode(bytes, size, ar, out_module, out_err))
        return false;
    dx_val_t v;
    dx_val_init(&v, out_module, ar);
    for (uint32_t f = out_module->nfunc_imports; f < out_module->nfuncs; f++)
        if (!dx_val_func(&v, f, out_err))
            return false;
    return true;
}

/* ---- constant expressions of a loaded module ------------------------------ */
bool dx_const_insn(const dx_module_t *m, size_t off, dx_insn_t *out, size_t *out_end)
{
    dx_reader_t r;
    dx_error_t err;
    dx_rd_init(&r, m->bytes, off, m->size, &err);
    *out = (dx_insn_t){ .offset = off };
    if (!dx_dec_opcode(&r, 0, &out->op) || !dx_dec_imm(&r, m, 0, out))
        return false;
    dx_op_t end;
    if (!dx_dec_opcode(&r, 0, &end) || end != DX_OP_END)
        return false; /* not one instruction and end: not what load accepted */
    *out_end = r.pos;
    return true;
}

bool dx_elem_entry(const dx_module_t *m, const dx_elem_t *e, size_t *pos,
                   dx_insn_t *out)
{
    if (e->exprs)
        return dx_const_insn(m, *pos, out, pos);
    dx_reader_t r;
    dx_error_t err;
    dx_rd_init(&r, m->bytes, *pos, m->size, &err);
    *out = (dx_insn_t){ .op = DX_OP_REF_FUNC, .offset = *pos };
    out->u.index = dx_rd_u32(&r);
    *pos = r.pos;
    return !r.failed;
}
