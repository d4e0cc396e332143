/*
 * Verification conditions in passive form (vc.h).
 *
 * One forward pass per function keeps, for the point reached, its path
 * condition `reach` (a boolean term: NULL when the point is unreachable)
 * and the values of the locals, the mutable globals and the memory size as
 * terms. Every operand-stack value is a term too. An instruction's effect
 * is its WebAssembly meaning where bounds proofs need it (integer
 * arithmetic, comparisons, extensions, selects, locals, globals, narrow
 * loads' ranges, memory.size and memory.grow) and a fresh, unconstrained
 * variable of the right width otherwise: sound, and only less precise.
 *
 * Control flow is WebAssembly's structured kind. Where paths meet (a
 * block's or an if's end, from its fallthrough and its branches) a value
 * the paths disagree on becomes a fresh variable v with one fact per path,
 * `reach_i => v = value_i`; the meeting point's condition is the
 * disjunction of the paths'. A loop's head is reached only through its
 * entry here: the locals, globals and memory size the loop writes (found
 * by a first pass over the body) become fresh there, and branches back to
 * the head add nothing. That is the cut; loop invariants from dogma.proof
 * will constrain the fresh values (not yet: issue 7).
 *
 * An access's obligation is reach => zext64(addr) + offset + width <=
 * memsize: exact in 64 bits, where the 33-bit effective address cannot
 * wrap. Facts are added as the pass goes; a fresh variable's facts constrain
 * only it, so every obligation may see every fact.
 */
#include <dogma/proof.h>

#include "ranges.h"
#include "vc.h"

#define PAGE 65536u
#define MAX_TRACKED_GLOBALS 64

typedef struct {
    dx_term_t t;
    uint8_t ty; /* DX_T_* */
} val_t;

typedef struct {
    dx_term_t reach; /* NULL: unreachable */
    val_t *locals;
    val_t *globals;  /* the tracked globals */
    dx_term_t mem;   /* memory 0's size in bytes, i64 */
} state_t;

typedef struct {
    dx_op_t op;        /* BLOCK, LOOP, IF, or END for the function's own */
    uint32_t height;   /* stack height below the frame's parameters */
    uint32_t nparams, nresults;
    const dx_valtype_t *params, *results;
    state_t end;       /* what reaches the end: merged */
    val_t *end_vals;   /* and its results */
    state_t els;       /* if: the state for the else branch */
    val_t *els_vals;   /* if: the parameters, for the else branch */
    bool has_else;
    uint32_t loop;     /* LOOP: its ordinal */
} frame_t;

/* What the first pass found, in code order (it appends as it goes), with
 * a cursor for the second, which visits the same places in the same
 * order: accesses and global.sets with their verdicts, and the claims
 * (keyed by offset and formula) it proved. */
typedef struct {
    size_t at;               /* module offset */
    const dx_expr_t *what;   /* a claim's formula */
    uint32_t kind;           /* dx_ob_kind_t */
    uint32_t global;         /* DX_OB_RANGE */
    bool ok;                 /* proved */
} found_t;

typedef struct {
    found_t *e;
    size_t n, cap, next;
} settled_t;

typedef struct {
    const dx_module_t *m;
    dx_arena_t *ar;
    dx_solver_t *s;
    dx_vc_t *out;
    size_t cap;
    bool oom;
    uint32_t func, nlocals, ntracked;
    uint32_t *gslot;       /* global index -> tracked slot, or UINT32_MAX */
    uint32_t *gof;         /* tracked slot -> global index */
    dx_valtype_t *ltypes;  /* the locals' types, parameters first */
    uint64_t mem_max;      /* bytes */
    uint32_t fresh;        /* names of fresh variables */
    state_t cur;
    val_t *stack;
    uint32_t height;
    size_t stack_cap;
    frame_t *frames;
    uint32_t depth;
    size_t frames_cap;
    dx_body_t body;        /* the function's, read once for both passes */
    uint32_t next_loop;
    /* dogma.proof: the module's annotations, this function's, and the
     * values of its parameters at entry (for its postconditions) */
    const dx_proof_t *proof;
    const dx_funcproof_t *fp;
    val_t *entry;
    size_t insn_at;        /* the instruction being walked */
    /* the first pass (ranges.h): what it settled in this function, as
     * sorted module offsets, and where the walk has got to in each */
    dx_rg_env_t rg;
    settled_t acc, claims, sets;
    uint64_t budget;       /* for the solver, made when first needed */
    state_t at_entry;      /* what a function's entry has: memory's size */
    uint64_t mem_min;
    uint64_t unsettled;    /* accesses and sets it did not prove */
    uint64_t claims_left;  /* claims it did not prove */
    bool solver_accesses;  /* ask the solver about those accesses and sets */
    bool first_failed;     /* the first pass ran out of memory on this function */
    dx_arena_t scratch;    /* the first pass's, reset after each function */
} gen_t;

static void *alloc(gen_t *g, size_t n)
{
    void *p = dx_arena_alloc(g->ar, n ? n : 1);
    if (!p)
        g->oom = true;
    return p;
}

/* memcpy, for n == 0 with a NULL source too (the C library wants it not). */
static void copy_n(void *dst, const void *src, size_t n)
{
    if (n)
        __builtin_memcpy(dst, src, n);
}

static unsigned width_of(dx_valtype_t t)
{
    return t == DX_T_I32 || t == DX_T_F32 ? 32 : 64;
}

/* The name of the next fresh variable: prefix and a number, unique in the
 * module (the solver knows variables by name). */
static const char *fresh_name(gen_t *g, char prefix, char buf[24])
{
    unsigned n = g->fresh++, i = 23;
    buf[i] = 0;
    do
        buf[--i] = (char)('0' + n % 10);
    while ((n /= 10) && i > 1);
    buf[--i] = prefix;
    return buf + i;
}

static dx_term_t fresh(gen_t *g, unsigned width)
{
    char buf[24];
    return dx_sv_var(g->s, fresh_name(g, '!', buf), width);
}

static val_t fresh_val(gen_t *g, dx_valtype_t t) { return (val_t){fresh(g, width_of(t)), t}; }

/* A path condition, named: a boolean variable defined once (a fact of the
 * function's scope) stands for the condition, so an obligation's query is
 * `name => goal` and the solver does not take the whole condition in
 * again for every access. */
static dx_term_t named(gen_t *g, dx_term_t cond)
{
    char buf[24];
    dx_term_t v = dx_sv_bool_var(g->s, fresh_name(g, '?', buf));
    dx_sv_assume(g->s, dx_sv_op(g->s, DX_SV_EQ, v, cond), 0);
    return v;
}
static dx_term_t k64(gen_t *g, uint64_t v) { return dx_sv_const(g->s, v, 64); }
static dx_term_t k32(gen_t *g, uint64_t v) { return dx_sv_const(g->s, v, 32); }

/* ---- states ---------------------------------------------------------------------- */
static bool copy_state(gen_t *g, state_t *dst, const state_t *src)
{
    dst->reach = src->reach;
    dst->mem = src->mem;
    dst->locals = alloc(g, g->nlocals * sizeof(val_t));
    dst->globals = alloc(g, g->ntracked * sizeof(val_t));
    if (g->oom)
        return false;
    copy_n(dst->locals, src->locals, g->nlocals * sizeof(val_t));
    copy_n(dst->globals, src->globals, g->ntracked * sizeof(val_t));
    return true;
}

/* v: its value on the accumulated paths (reach a) or on the new one
 * (reach b); the same term, or a fresh one tied to both. */
static dx_term_t meet(gen_t *g, dx_term_t ra, dx_term_t va, dx_term_t rb, dx_term_t vb,
                      unsigned width)
{
    if (va == vb)
        return va;
    dx_term_t v = fresh(g, width);
    dx_sv_assume(g->s, dx_sv_op(g->s, DX_SV_IMPLIES, ra, dx_sv_op(g->s, DX_SV_EQ, v, va)), 0);
    dx_sv_assume(g->s, dx_sv_op(g->s, DX_SV_IMPLIES, rb, dx_sv_op(g->s, DX_SV_EQ, v, vb)), 0);
    return v;
}

/* Merges the current state (with n values from the stack's top) into what
 * reaches a frame's end. */
static void merge_into(gen_t *g, frame_t *f, const val_t *vals, uint32_t n)
{
    const state_t *src = &g->cur;
    if (!src->reach)
        return;
    if (!f->end.reach) {
        if (!copy_state(g, &f->end, src) || !(f->end_vals = alloc(g, n * sizeof(val_t))))
            return;
        copy_n(f->end_vals, vals, n * sizeof(val_t));
        return;
    }
    dx_term_t ra = f->end.reach, rb = src->reach;
    for (uint32_t j = 0; j < g->nlocals; j++)
        f->end.locals[j].t = meet(g, ra, f->end.locals[j].t, rb, src->locals[j].t,
                                  width_of(g->ltypes[j]));
    for (uint32_t j = 0; j < g->ntracked; j++)
        f->end.globals[j].t = meet(g, ra, f->end.globals[j].t, rb, src->globals[j].t,
                                   width_of(f->end.globals[j].ty));
    f->end.mem = meet(g, ra, f->end.mem, rb, src->mem, 64);
    for (uint32_t j = 0; j < n; j++)
        f->end_vals[j].t = meet(g, ra, f->end_vals[j].t, rb, vals[j].t,
                                width_of(vals[j].ty));
    f->end.reach = named(g, dx_sv_op(g->s, DX_SV_BOR, ra, rb));
}

/* ---- the operand stack ------------------------------------------------------------- */
/* Room for one more of n items in *items. */
static bool room(gen_t *g, void *items, size_t n, size_t *cap, size_t size)
{
    void *p = dx_arena_grow(g->ar, *(void **)items, n, cap, size, 64);
    if (!p)
        g->oom = true;
    else
        *(void **)items = p;
    return p != NULL;
}

static void push(gen_t *g, val_t v)
{
    if (room(g, &g->stack, g->height, &g->stack_cap, sizeof *g->stack))
        g->stack[g->height++] = v;
}

/* In unreachable code the stack is polymorphic: popping below the frame
 * gives a fresh value (never used for an obligation: nothing there is
 * reached). */
static val_t pop(gen_t *g)
{
    uint32_t floor = g->depth ? g->frames[g->depth - 1].height : 0;
    if (g->height <= floor)
        return (val_t){fresh(g, 64), DX_T_I64};
    return g->stack[--g->height];
}

static void push_term(gen_t *g, dx_term_t t, dx_valtype_t ty) { push(g, (val_t){t, ty}); }

/* The top n values, or NULL when there are none (or fewer). */
static val_t *top_n(gen_t *g, uint32_t n)
{
    return n && g->height >= n ? g->stack + g->height - n : NULL;
}

/* ---- what the first pass settled ------------------------------------------------------ */
static void settle(gen_t *g, settled_t *t, found_t f)
{
    if (room(g, &t->e, t->n, &t->cap, sizeof *t->e))
        t->e[t->n++] = f;
}

/* Whether the first pass proved (at, what): the cursor moves forward only,
 * as both passes walk the body in code order. */
static bool settled(settled_t *t, size_t at, const dx_expr_t *what)
{
    while (t->next < t->n && t->e[t->next].at < at)
        t->next++;
    for (size_t i = t->next; i < t->n && t->e[i].at == at; i++)
        if (t->e[i].what == what)
            return t->e[i].ok;
    return false;
}

/* ---- obligations ----------------------------------------------------------------------- */
static void obligation(gen_t *g, dx_ob_kind_t kind, size_t insn, dx_term_t goal,
                       bool settled)
{
    if (!g->cur.reach)
        return; /* unreachable: nothing to prove, and its check costs nothing */
    if (!room(g, &g->out->obs, g->out->nobs, &g->cap, sizeof *g->out->obs))
        return;
    dx_solve_t r = DX_SOLVE_PROVED;
    if (settled) {
        g->out->by_ranges++;
    } else if (!g->solver_accesses && kind <= DX_OB_DIV) {
        r = DX_SOLVE_UNPROVED; /* the first pass's verdict stands */
    } else {
        dx_term_t q = dx_sv_op(g->s, DX_SV_IMPLIES, g->cur.reach, goal);
        r = dx_sv_prove(g->s, q, NULL, 0, NULL);
        if (r == DX_SOLVE_ERROR)
            r = DX_SOLVE_UNPROVED;
    }
    g->out->obs[g->out->nobs++] = (dx_ob_t){g->func, kind, insn, r, 0};
    g->out->counts[kind][r]++;
}

/* ---- annotations (dogma.proof) ------------------------------------------------------- */
/* A claim of the module's: proved, or the module is refuted (rejected),
 * or, when the budget could not settle it, the annotations are not used
 * at all (dx_vc_module runs again without them). */
static void claim(gen_t *g, dx_ob_kind_t kind, const dx_expr_t *e, dx_term_t holds)
{
    if (!g->cur.reach || !holds)
        return;
    size_t before = g->out->nobs;
    obligation(g, kind, g->insn_at, holds, settled(&g->claims, g->insn_at, e));
    if (g->out->nobs == before)
        return;
    dx_ob_t *o = &g->out->obs[before];
    if (o->verdict == DX_SOLVE_REFUTED && !g->out->refuted) {
        g->out->refuted = true;
        g->out->refutation = *o;
        g->out->annotation = e ? e->offset : 0;
    } else if (o->verdict != DX_SOLVE_PROVED) {
        g->out->claims_unproved++;
    }
}

/* What a formula's names mean where it is read. */
typedef struct {
    const val_t *locals;  /* the function's locals (or its parameters) */
    uint32_t nlocals;
    const val_t *results;
    uint32_t nresults;
    const state_t *st;    /* globals and memory size */
} env_t;

static dx_term_t global_term(gen_t *g, const state_t *st, uint32_t i)
{
    if (i >= g->m->nglobals)
        return NULL;
    const dx_global_t *gl = &g->m->globals[i];
    if (g->gslot[i] != UINT32_MAX)
        return st->globals[g->gslot[i]].t;
    dx_insn_t k;
    size_t end;
    if (!gl->mutable_ && dx_const_insn(g->m, gl->init.off, &k, &end)) {
        if (k.op == DX_OP_I32_CONST)
            return k32(g, (uint32_t)k.u.i32);
        if (k.op == DX_OP_I64_CONST)
            return k64(g, (uint64_t)k.u.i64);
    }
    return fresh(g, width_of(gl->type)); /* not followed: anything */
}

/* The term of a formula (checked by dx_proof_decode), or NULL. */
static dx_term_t formula(gen_t *g, const dx_expr_t *e, const env_t *env)
{
    dx_solver_t *s = g->s;
    dx_term_t st[DX_PROOF_MAX_STACK];
    unsigned sp = 0;
    size_t pos = 0;
    dx_fop_t op;
    while (dx_expr_next(e, &pos, &op)) {
        const dx_fopinfo_t *fi = dx_fop_info(op.op);
        if (!fi)
            return NULL;
        dx_term_t a = NULL, b = NULL, r = NULL;
        switch (fi->shape) {
        case DX_FS_ARITH: case DX_FS_CMP: case DX_FS_LOGIC:
            if (sp < 2)
                return NULL;
            b = st[--sp], a = st[--sp];
            break;
        case DX_FS_EXTEND: case DX_FS_WRAP: case DX_FS_NOT:
            if (sp < 1)
                return NULL;
            a = st[--sp];
            break;
        default: break;
        }
        switch (op.op) {
        case DX_F_TRUE: r = dx_sv_bool(s, true); break;
        case DX_F_FALSE: r = dx_sv_bool(s, false); break;
        case DX_F_I32: r = k32(g, (uint32_t)op.u.i32); break;
        case DX_F_I64: r = k64(g, (uint64_t)op.u.i64); break;
        case DX_F_LOCAL: r = op.u.index < env->nlocals ? env->locals[op.u.index].t : NULL; break;
        case DX_F_GLOBAL: r = global_term(g, env->st, op.u.index); break;
        case DX_F_MEMSIZE: r = env->st->mem; break;
        case DX_F_RESULT:
            r = op.u.index < env->nresults ? env->results[op.u.index].t : NULL;
            break;
        case DX_F_ADD: r = dx_sv_op(s, DX_SV_ADD, a, b); break;
        case DX_F_SUB: r = dx_sv_op(s, DX_SV_SUB, a, b); break;
        case DX_F_MUL: r = dx_sv_op(s, DX_SV_MUL, a, b); break;
        case DX_F_AND: r = dx_sv_op(s, DX_SV_AND, a, b); break;
        case DX_F_OR: r = dx_sv_op(s, DX_SV_OR, a, b); break;
        case DX_F_XOR: r = dx_sv_op(s, DX_SV_XOR, a, b); break;
        case DX_F_SHL: r = dx_sv_op(s, DX_SV_SHL, a, b); break;
        case DX_F_SHR_U: r = dx_sv_op(s, DX_SV_SHR_U, a, b); break;
        case DX_F_SHR_S: r = dx_sv_op(s, DX_SV_SHR_S, a, b); break;
        case DX_F_EXTEND_U: r = dx_sv_zext(s, a, 64); break;
        case DX_F_EXTEND_S: r = dx_sv_sext(s, a, 64); break;
        case DX_F_WRAP: r = dx_sv_wrap(s, a, 32); break;
        case DX_F_EQ: r = dx_sv_op(s, DX_SV_EQ, a, b); break;
        case DX_F_NE: r = dx_sv_op(s, DX_SV_NE, a, b); break;
        case DX_F_LT_U: r = dx_sv_op(s, DX_SV_LT_U, a, b); break;
        case DX_F_LE_U: r = dx_sv_op(s, DX_SV_LE_U, a, b); break;
        case DX_F_LT_S: r = dx_sv_op(s, DX_SV_LT_S, a, b); break;
        case DX_F_LE_S: r = dx_sv_op(s, DX_SV_LE_S, a, b); break;
        case DX_F_NOT: r = dx_sv_not(s, a); break;
        case DX_F_LAND: r = dx_sv_op(s, DX_SV_BAND, a, b); break;
        case DX_F_LOR: r = dx_sv_op(s, DX_SV_BOR, a, b); break;
        case DX_F_IMPLIES: r = dx_sv_op(s, DX_SV_IMPLIES, a, b); break;
        default: return NULL;
        }
        if (!r || sp == DX_PROOF_MAX_STACK)
            return NULL;
        st[sp++] = r;
    }
    return sp == 1 ? st[0] : NULL;
}

/* The module's invariants: assumed (at entries, after calls) or claimed
 * (at exits, before calls). */
static void invariants(gen_t *g, bool assume, const state_t *st)
{
    if (!g->proof)
        return;
    env_t env = (env_t){NULL, 0, NULL, 0, st};
    for (uint32_t i = 0; i < g->proof->ninvariants; i++) {
        dx_term_t t = formula(g, &g->proof->invariants[i], &env);
        if (assume)
            dx_sv_assume(g->s, t, 0);
        else
            claim(g, DX_OB_INVARIANT, &g->proof->invariants[i], t);
    }
}

static const dx_loopinv_t *loop_invariants(gen_t *g, uint32_t ordinal)
{
    for (uint32_t i = 0; g->fp && i < g->fp->nloops; i++)
        if (g->fp->loops[i].loop == ordinal)
            return &g->fp->loops[i];
    return NULL;
}

static void access(gen_t *g, const dx_insn_t *in, bool store)
{
    if (store)
        pop(g); /* the value stored: nothing to prove about it */
    val_t a = pop(g);
    unsigned width = dx_opinfo[in->op].width;
    dx_term_t ea = dx_sv_op(g->s, DX_SV_ADD, dx_sv_zext(g->s, a.t, 64),
                            k64(g, in->u.memarg.offset + width));
    dx_term_t ok = dx_sv_op(g->s, DX_SV_LE_U, ea, g->cur.mem);
    size_t before = g->out->nobs;
    obligation(g, store ? DX_OB_STORE : DX_OB_LOAD, in->offset, ok,
               settled(&g->acc, in->offset, NULL));
    /* Past the access, it was in bounds: proved, or checked (it traps). */
    if (g->out->nobs > before && g->out->obs[before].verdict != DX_SOLVE_PROVED)
        dx_sv_assume(g->s, dx_sv_op(g->s, DX_SV_IMPLIES, g->cur.reach, ok), 0);
    if (store)
        return;
    /* A narrow unsigned load's value is below 2^(8 width): a range that
     * table lookups and byte loops rely on. Other loads: anything. */
    dx_valtype_t ty = dx_siginfo[dx_opinfo[in->op].sig].push;
    bool narrow_u = in->op == DX_OP_I32_LOAD8_U || in->op == DX_OP_I32_LOAD16_U ||
                    in->op == DX_OP_I64_LOAD8_U || in->op == DX_OP_I64_LOAD16_U ||
                    in->op == DX_OP_I64_LOAD32_U;
    if (narrow_u)
        push_term(g, dx_sv_zext(g->s, fresh(g, 8 * width), width_of(ty)), ty);
    else
        push(g, fresh_val(g, ty));
}

/* ---- declared ranges (dogma.proof) ---------------------------------------------------- */
/* v lies in global i's declared range. */
static dx_term_t in_range(gen_t *g, uint32_t i, dx_term_t v)
{
    const dx_grange_t *d = dx_proof_range(g->proof, i);
    if (!d)
        return NULL;
    unsigned w = width_of(g->m->globals[i].type);
    dx_solver_t *s = g->s;
    return dx_sv_op(s, DX_SV_BAND, dx_sv_op(s, DX_SV_LE_U, dx_sv_const(s, d->lo, w), v),
                    dx_sv_op(s, DX_SV_LE_U, v, dx_sv_const(s, d->hi, w)));
}

/* A tracked global's value after something that may have changed it:
 * anything within its declared range. */
static val_t fresh_global(gen_t *g, uint32_t slot)
{
    uint32_t i = g->gof[slot];
    val_t v = fresh_val(g, g->m->globals[i].type);
    dx_term_t r = in_range(g, i, v.t);
    if (r)
        dx_sv_assume(g->s, r, 0);
    return v;
}

/* A global.set of a global with a declared range: proved to keep it, or
 * checked there at run time; past it, the range holds either way. */
static void set_ranged(gen_t *g, const dx_insn_t *in, dx_term_t v)
{
    dx_term_t r = in_range(g, in->u.index, v);
    if (!r || !g->cur.reach)
        return;
    size_t before = g->out->nobs;
    obligation(g, DX_OB_RANGE, in->offset, r, settled(&g->sets, in->offset, NULL));
    if (g->out->nobs > before)
        g->out->obs[before].global = in->u.index;
    dx_sv_assume(g->s, dx_sv_op(g->s, DX_SV_IMPLIES, g->cur.reach, r), 0);
}

/* A div or rem: its divisor (on top of the stack) is neither 0 nor, for
 * the signed ones, -1. The operation itself is then what the signature
 * says (its result is anything). */
static void divisor(gen_t *g, const dx_insn_t *in)
{
    uint32_t floor = g->depth ? g->frames[g->depth - 1].height : 0;
    if (g->height <= floor)
        return;
    val_t d = g->stack[g->height - 1];
    unsigned w = width_of(d.ty);
    bool sign = in->op == DX_OP_I32_DIV_S || in->op == DX_OP_I32_REM_S ||
                in->op == DX_OP_I64_DIV_S || in->op == DX_OP_I64_REM_S;
    dx_solver_t *s = g->s;
    dx_term_t ok = dx_sv_op(s, DX_SV_NE, d.t, dx_sv_const(s, 0, w));
    if (sign)
        ok = dx_sv_op(s, DX_SV_BAND, ok, dx_sv_op(s, DX_SV_NE, d.t, dx_sv_const(s, ~0ull, w)));
    obligation(g, DX_OB_DIV, in->offset, ok, settled(&g->acc, in->offset, NULL));
}

/* ---- memory size ----------------------------------------------------------------------- */
/* A new size after something that may grow memory: at least the old one,
 * a multiple of the page, at most the maximum. */
static dx_term_t grown(gen_t *g, dx_term_t old)
{
    dx_solver_t *s = g->s;
    dx_term_t n = fresh(g, 64);
    dx_sv_assume(s, dx_sv_op(s, DX_SV_LE_U, old, n), 0);
    dx_sv_assume(s, dx_sv_op(s, DX_SV_LE_U, n, k64(g, g->mem_max)), 0);
    dx_sv_assume(s, dx_sv_op(s, DX_SV_EQ, dx_sv_op(s, DX_SV_AND, n, k64(g, PAGE - 1)), k64(g, 0)),
                 0);
    return n;
}

/* ---- arithmetic -------------------------------------------------------------------------- */
static dx_term_t bool_to_i32(gen_t *g, dx_term_t b)
{
    return dx_sv_ite(g->s, b, k32(g, 1), k32(g, 0));
}

/* The integer operations modelled exactly; false for the rest. */
static bool numeric(gen_t *g, dx_op_t op)
{
    dx_solver_t *s = g->s;
    static const struct {
        dx_op_t op32, op64;
        dx_sv_op_t sv;
        bool cmp, swap;
    } bin[] = {
        {DX_OP_I32_ADD, DX_OP_I64_ADD, DX_SV_ADD, false, false},
        {DX_OP_I32_SUB, DX_OP_I64_SUB, DX_SV_SUB, false, false},
        {DX_OP_I32_MUL, DX_OP_I64_MUL, DX_SV_MUL, false, false},
        {DX_OP_I32_AND, DX_OP_I64_AND, DX_SV_AND, false, false},
        {DX_OP_I32_OR, DX_OP_I64_OR, DX_SV_OR, false, false},
        {DX_OP_I32_XOR, DX_OP_I64_XOR, DX_SV_XOR, false, false},
        {DX_OP_I32_SHL, DX_OP_I64_SHL, DX_SV_SHL, false, false},
        {DX_OP_I32_SHR_U, DX_OP_I64_SHR_U, DX_SV_SHR_U, false, false},
        {DX_OP_I32_SHR_S, DX_OP_I64_SHR_S, DX_SV_SHR_S, false, false},
        {DX_OP_I32_EQ, DX_OP_I64_EQ, DX_SV_EQ, true, false},
        {DX_OP_I32_NE, DX_OP_I64_NE, DX_SV_NE, true, false},
        {DX_OP_I32_LT_U, DX_OP_I64_LT_U, DX_SV_LT_U, true, false},
        {DX_OP_I32_LE_U, DX_OP_I64_LE_U, DX_SV_LE_U, true, false},
        {DX_OP_I32_GT_U, DX_OP_I64_GT_U, DX_SV_LT_U, true, true},
        {DX_OP_I32_GE_U, DX_OP_I64_GE_U, DX_SV_LE_U, true, true},
        {DX_OP_I32_LT_S, DX_OP_I64_LT_S, DX_SV_LT_S, true, false},
        {DX_OP_I32_LE_S, DX_OP_I64_LE_S, DX_SV_LE_S, true, false},
        {DX_OP_I32_GT_S, DX_OP_I64_GT_S, DX_SV_LT_S, true, true},
        {DX_OP_I32_GE_S, DX_OP_I64_GE_S, DX_SV_LE_S, true, true},
    };
    for (size_t i = 0; i < sizeof bin / sizeof bin[0]; i++) {
        if (op != bin[i].op32 && op != bin[i].op64)
            continue;
        dx_valtype_t ty = op == bin[i].op32 ? DX_T_I32 : DX_T_I64;
        val_t b = pop(g), a = pop(g);
        dx_term_t x = bin[i].swap ? b.t : a.t, y = bin[i].swap ? a.t : b.t;
        dx_term_t r = dx_sv_op(s, bin[i].sv, x, y);
        if (bin[i].cmp)
            push_term(g, bool_to_i32(g, r), DX_T_I32);
        else
            push_term(g, r, ty);
        return true;
    }
    val_t a;
    switch (op) {
    case DX_OP_I32_EQZ:
    case DX_OP_I64_EQZ:
        a = pop(g);
        push_term(g, bool_to_i32(g, dx_sv_op(s, DX_SV_EQ, a.t,
                                             op == DX_OP_I32_EQZ ? k32(g, 0) : k64(g, 0))),
                  DX_T_I32);
        return true;
    case DX_OP_I64_EXTEND_I32_U: a = pop(g); push_term(g, dx_sv_zext(s, a.t, 64), DX_T_I64); return true;
    case DX_OP_I64_EXTEND_I32_S: a = pop(g); push_term(g, dx_sv_sext(s, a.t, 64), DX_T_I64); return true;
    case DX_OP_I32_WRAP_I64: a = pop(g); push_term(g, dx_sv_wrap(s, a.t, 32), DX_T_I32); return true;
    case DX_OP_I32_EXTEND8_S:
    case DX_OP_I32_EXTEND16_S:
        a = pop(g);
        push_term(g, dx_sv_sext(s, dx_sv_wrap(s, a.t, op == DX_OP_I32_EXTEND8_S ? 8 : 16), 32),
                  DX_T_I32);
        return true;
    default: return false;
    }
}

/* ---- control --------------------------------------------------------------------------- */
static frame_t *open_frame(gen_t *g, dx_op_t op, int64_t bt)
{
    if (!room(g, &g->frames, g->depth, &g->frames_cap, sizeof *g->frames))
        return NULL;
    frame_t *f = &g->frames[g->depth++];
    __builtin_memset(f, 0, sizeof *f);
    f->op = op;
    dx_block_sig(g->m, bt, &f->nparams, &f->params, &f->nresults, &f->results);
    f->height = g->height >= f->nparams ? g->height - f->nparams : 0;
    return f;
}

/* A branch to the frame `label` levels out, with the current state. */
static void branch(gen_t *g, uint32_t label)
{
    if (label >= g->depth)
        return;
    frame_t *f = &g->frames[g->depth - 1 - label];
    if (f->op == DX_OP_LOOP) {
        /* back to the head: cut there; what the head assumes must hold */
        const dx_loopinv_t *li = loop_invariants(g, f->loop);
        env_t env = (env_t){g->cur.locals, g->nlocals, NULL, 0, &g->cur};
        for (uint32_t i = 0; li && i < li->ninv; i++)
            claim(g, DX_OB_LOOP_KEEP, &li->inv[i], formula(g, &li->inv[i], &env));
        return;
    }
    uint32_t n = f->nresults;
    if (g->height >= n)
        merge_into(g, f, top_n(g, n), n);
}

static void enter_loop(gen_t *g, frame_t *f)
{
    f->loop = g->next_loop++;
    if (!g->cur.reach)
        return;
    const dx_loopinv_t *li = loop_invariants(g, f->loop);
    env_t env = (env_t){g->cur.locals, g->nlocals, NULL, 0, &g->cur};
    for (uint32_t i = 0; li && i < li->ninv; i++)
        claim(g, DX_OB_LOOP_ENTRY, &li->inv[i], formula(g, &li->inv[i], &env));
    for (uint32_t j = 0; j < g->nlocals; j++)
        if (dx_body_writes(&g->body, f->loop, j))
            g->cur.locals[j] = fresh_val(g, g->ltypes[j]);
    if (f->loop >= g->body.nloops || g->body.wglobals[f->loop])
        for (uint32_t j = 0; j < g->ntracked; j++)
            g->cur.globals[j] = fresh_global(g, j);
    if (f->loop >= g->body.nloops || g->body.wmem[f->loop])
        g->cur.mem = grown(g, g->cur.mem);
    /* the loop's parameters, too: each iteration brings new ones */
    for (uint32_t i = 0; i < f->nparams && g->height >= f->nparams; i++)
        g->stack[g->height - f->nparams + i] = fresh_val(g, f->params[i]);
    /* what every iteration may assume: the invariants, at the new values */
    env = (env_t){g->cur.locals, g->nlocals, NULL, 0, &g->cur};
    for (uint32_t i = 0; li && i < li->ninv; i++)
        dx_sv_assume(g->s, formula(g, &li->inv[i], &env), 0);
}

/* At the function's end (every return merged there): its postconditions
 * and the module's invariants. */
static void exit_claims(gen_t *g, const frame_t *f)
{
    const dx_functype_t *t = dx_func_type(g->m, g->func);
    env_t env = (env_t){g->entry, t->nparams, f->end_vals, f->nresults, &g->cur};
    for (uint32_t i = 0; g->fp && i < g->fp->npost; i++)
        claim(g, DX_OB_POST, &g->fp->post[i], formula(g, &g->fp->post[i], &env));
    invariants(g, false, &g->cur);
}

/* The end of a frame: what reaches it is the merge of its fallthrough and
 * its branches. */
static void close_frame(gen_t *g)
{
    frame_t *f = &g->frames[g->depth - 1];
    uint32_t n = f->nresults;
    if (f->op == DX_OP_LOOP) { /* the end of a loop is its fallthrough */
        g->depth--;
        return;
    }
    if (f->op == DX_OP_IF && !f->has_else) {
        /* the else path: the parameters pass through as the results */
        if (g->height >= n)
            merge_into(g, f, top_n(g, n), n);
        g->cur = f->els;
        g->height = f->height;
        for (uint32_t i = 0; i < f->nparams && f->els_vals; i++)
            push(g, f->els_vals[i]);
        if (g->height >= n)
            merge_into(g, f, top_n(g, n), n);
    } else if (g->height >= n) {
        merge_into(g, f, top_n(g, n), n);
    }
    g->height = f->height;
    if (f->end.reach) {
        g->cur = f->end;
        for (uint32_t i = 0; i < n; i++)
            push(g, f->end_vals[i]);
        if (g->depth == 1)
            exit_claims(g, f);
    } else {
        g->cur.reach = NULL;
        for (uint32_t i = 0; i < n; i++)
            push(g, fresh_val(g, f->results[i]));
    }
    g->depth--;
}

/* ---- one instruction ----------------------------------------------------------------------- */
/* A call of callee (UINT32_MAX: indirect) of type t. Its preconditions
 * must hold here, with the arguments as its parameters; its
 * postconditions and the module's invariants hold after it. */
static void call(gen_t *g, const dx_functype_t *t, uint32_t callee)
{
    val_t *args = alloc(g, (t->nparams + 1) * sizeof *args);
    if (!args)
        return;
    for (uint32_t i = t->nparams; i-- > 0;)
        args[i] = pop(g);
    const dx_funcproof_t *cp = g->proof && callee != UINT32_MAX
                                   ? dx_proof_func(g->proof, callee) : NULL;
    if (g->cur.reach) {
        env_t env = (env_t){args, t->nparams, NULL, 0, &g->cur};
        for (uint32_t i = 0; cp && i < cp->npre; i++)
            claim(g, DX_OB_PRE, &cp->pre[i], formula(g, &cp->pre[i], &env));
        if (callee == UINT32_MAX || callee >= g->m->nfunc_imports)
            invariants(g, false, &g->cur);
        for (uint32_t j = 0; j < g->ntracked; j++)
            g->cur.globals[j] = fresh_global(g, j);
        g->cur.mem = grown(g, g->cur.mem);
    }
    val_t *res = alloc(g, (t->nresults + 1) * sizeof *res);
    if (!res)
        return;
    for (uint32_t i = 0; i < t->nresults; i++) {
        res[i] = fresh_val(g, t->results[i]);
        push(g, res[i]);
    }
    if (g->cur.reach) {
        env_t env = (env_t){args, t->nparams, res, t->nresults, &g->cur};
        for (uint32_t i = 0; cp && i < cp->npost; i++)
            dx_sv_assume(g->s, formula(g, &cp->post[i], &env), 0);
        invariants(g, true, &g->cur);
    }
}

/* The control instructions: true when in was one. */
static bool control(gen_t *g, const dx_insn_t *in)
{
    dx_solver_t *s = g->s;
    val_t c;
    frame_t *f;
    switch (in->op) {
    case DX_OP_UNREACHABLE: g->cur.reach = NULL; return true;
    case DX_OP_NOP: return true;
    case DX_OP_BLOCK: open_frame(g, in->op, in->u.block.type); return true;
    case DX_OP_LOOP:
        if ((f = open_frame(g, in->op, in->u.block.type)))
            enter_loop(g, f);
        return true;
    case DX_OP_IF:
        c = pop(g);
        if (!(f = open_frame(g, in->op, in->u.block.type)))
            return true;
        if (!copy_state(g, &f->els, &g->cur) ||
            !(f->els_vals = alloc(g, f->nparams * sizeof(val_t))))
            return true;
        for (uint32_t i = 0; i < f->nparams && g->height >= f->nparams; i++)
            f->els_vals[i] = g->stack[g->height - f->nparams + i];
        if (g->cur.reach) {
            dx_term_t nz = dx_sv_op(s, DX_SV_NE, c.t, k32(g, 0));
            f->els.reach = named(g, dx_sv_op(s, DX_SV_BAND, g->cur.reach, dx_sv_not(s, nz)));
            g->cur.reach = named(g, dx_sv_op(s, DX_SV_BAND, g->cur.reach, nz));
        }
        return true;
    case DX_OP_ELSE:
        if (!g->depth)
            return true;
        f = &g->frames[g->depth - 1];
        if (g->height >= f->nresults)
            merge_into(g, f, top_n(g, f->nresults), f->nresults);
        f->has_else = true;
        g->cur = f->els;
        g->height = f->height;
        for (uint32_t i = 0; i < f->nparams && f->els_vals; i++)
            push(g, f->els_vals[i]);
        return true;
    case DX_OP_END:
        if (g->depth)
            close_frame(g);
        return true;
    case DX_OP_BR:
        branch(g, in->u.index);
        g->cur.reach = NULL;
        return true;
    case DX_OP_BR_IF: {
        c = pop(g);
        dx_term_t here = g->cur.reach;
        if (!here)
            return true;
        dx_term_t nz = dx_sv_op(s, DX_SV_NE, c.t, k32(g, 0));
        g->cur.reach = named(g, dx_sv_op(s, DX_SV_BAND, here, nz));
        branch(g, in->u.index);
        g->cur.reach = named(g, dx_sv_op(s, DX_SV_BAND, here, dx_sv_not(s, nz)));
        return true;
    }
    case DX_OP_BR_TABLE: {
        c = pop(g);
        dx_term_t here = g->cur.reach;
        for (uint32_t i = 0; here && i < in->u.br_table.count; i++) {
            g->cur.reach = dx_sv_op(s, DX_SV_BAND, here, dx_sv_op(s, DX_SV_EQ, c.t, k32(g, i)));
            branch(g, in->u.br_table.targets[i]);
        }
        if (here) {
            g->cur.reach = dx_sv_op(s, DX_SV_BAND, here,
                                    dx_sv_op(s, DX_SV_LE_U, k32(g, in->u.br_table.count), c.t));
            branch(g, in->u.br_table.deflt);
        }
        g->cur.reach = NULL;
        return true;
    }
    case DX_OP_RETURN:
        branch(g, g->depth - 1);
        g->cur.reach = NULL;
        return true;
    default: return false;
    }
}

static void insn(gen_t *g, const dx_insn_t *in)
{
    dx_solver_t *s = g->s;
    const dx_opinfo_t *oi = &dx_opinfo[in->op];
    val_t a, b, c;
    if (control(g, in))
        return;
    switch (in->op) {
    case DX_OP_CALL: call(g, dx_func_type(g->m, in->u.index), in->u.index); return;
    case DX_OP_CALL_INDIRECT:
        pop(g); /* the index */
        call(g, &g->m->types[in->u.index], UINT32_MAX);
        return;
    case DX_OP_DROP: pop(g); return;
    case DX_OP_I32_DIV_S: case DX_OP_I32_DIV_U: case DX_OP_I32_REM_S: case DX_OP_I32_REM_U:
    case DX_OP_I64_DIV_S: case DX_OP_I64_DIV_U: case DX_OP_I64_REM_S: case DX_OP_I64_REM_U:
        divisor(g, in);
        break;
    case DX_OP_SELECT:
    case DX_OP_SELECT_T:
        c = pop(g), b = pop(g), a = pop(g);
        push_term(g, dx_sv_ite(s, dx_sv_op(s, DX_SV_NE, c.t, k32(g, 0)), a.t, b.t), a.ty);
        return;
    case DX_OP_LOCAL_GET:
        push(g, g->cur.locals[in->u.index]);
        return;
    case DX_OP_LOCAL_SET:
    case DX_OP_LOCAL_TEE:
        a = pop(g);
        if (g->cur.reach)
            g->cur.locals[in->u.index] = (val_t){a.t, g->ltypes[in->u.index]};
        if (in->op == DX_OP_LOCAL_TEE)
            push(g, (val_t){a.t, g->ltypes[in->u.index]});
        return;
    case DX_OP_GLOBAL_GET: {
        dx_valtype_t ty = g->m->globals[in->u.index].type;
        uint32_t slot = g->gslot[in->u.index];
        push(g, slot != UINT32_MAX ? g->cur.globals[slot] : fresh_val(g, ty));
        return;
    }
    case DX_OP_GLOBAL_SET: {
        a = pop(g);
        uint32_t slot = g->gslot[in->u.index];
        set_ranged(g, in, a.t);
        if (slot != UINT32_MAX && g->cur.reach)
            g->cur.globals[slot].t = a.t;
        return;
    }
    case DX_OP_I32_CONST: push_term(g, k32(g, (uint32_t)in->u.i32), DX_T_I32); return;
    case DX_OP_I64_CONST: push_term(g, k64(g, (uint64_t)in->u.i64), DX_T_I64); return;
    case DX_OP_MEMORY_SIZE:
        push_term(g, dx_sv_wrap(s, dx_sv_op(s, DX_SV_SHR_U, g->cur.mem, k64(g, 16)), 32),
                  DX_T_I32);
        return;
    case DX_OP_MEMORY_GROW:
        pop(g);
        if (g->cur.reach)
            g->cur.mem = grown(g, g->cur.mem);
        push(g, fresh_val(g, DX_T_I32));
        return;
    /* Tables and references: values the bounds proofs do not follow. */
    case DX_OP_REF_NULL: case DX_OP_REF_FUNC: push(g, fresh_val(g, DX_T_I64)); return;
    case DX_OP_REF_IS_NULL: pop(g); push(g, fresh_val(g, DX_T_I32)); return;
    case DX_OP_TABLE_GET: pop(g); push(g, fresh_val(g, DX_T_I64)); return;
    case DX_OP_TABLE_SET: pop(g), pop(g); return;
    case DX_OP_TABLE_SIZE: push(g, fresh_val(g, DX_T_I32)); return;
    case DX_OP_TABLE_GROW: pop(g), pop(g); push(g, fresh_val(g, DX_T_I32)); return;
    case DX_OP_TABLE_FILL: case DX_OP_TABLE_COPY: case DX_OP_TABLE_INIT:
        pop(g), pop(g), pop(g);
        return;
    case DX_OP_ELEM_DROP: return;
    default: break;
    }
    if (oi->imm == DX_IMM_MEMARG) {
        const dx_siginfo_t *si = &dx_siginfo[oi->sig];
        access(g, in, si->npush == 0);
        return;
    }
    if (numeric(g, in->op))
        return;
    /* Everything else by its fixed signature: its result is unknown. The
     * runtime's own instructions (memory.copy, ...) check themselves. */
    const dx_siginfo_t *si = &dx_siginfo[oi->sig];
    for (unsigned i = 0; i < si->npop; i++)
        pop(g);
    if (si->npush)
        push(g, fresh_val(g, si->push));
}

/* ---- the first pass -------------------------------------------------------------------- */
static void rg_access(void *ctx, size_t insn, bool store, bool proved)
{
    gen_t *g = ctx;
    settle(g, &g->acc, (found_t){insn, NULL, store ? DX_OB_STORE : DX_OB_LOAD, 0, proved});
    g->unsettled += !proved;
}

/* The claims of formulas (pre- or postconditions) about the values v
 * (arguments or results) at insn: those the first pass proves are
 * settled; the others are left to the solver. */
static void rg_claims(gen_t *g, size_t insn, dx_ob_kind_t kind, const dx_expr_t *f,
                      uint32_t nf, uint8_t name, const dx_rg_t *v, uint32_t n)
{
    for (uint32_t i = 0; i < nf; i++) {
        uint8_t nm;
        uint32_t idx;
        dx_rg_t r;
        if (dx_rg_formula(&g->rg, &f[i], &nm, &idx, &r) && nm == name && idx < n &&
            dx_rg_within(&g->rg, v[idx], r))
            settle(g, &g->claims, (found_t){insn, &f[i], kind, 0, true});
        else
            g->claims_left++;
    }
}

static void rg_call(void *ctx, size_t insn, uint32_t callee, const dx_rg_t *args, uint32_t n)
{
    gen_t *g = ctx;
    const dx_funcproof_t *cp = g->proof ? dx_proof_func(g->proof, callee) : NULL;
    if (cp)
        rg_claims(g, insn, DX_OB_PRE, cp->pre, cp->npre, DX_F_LOCAL, args, n);
}

static void rg_exit(void *ctx, size_t insn, const dx_rg_t *results, uint32_t n)
{
    gen_t *g = ctx;
    if (g->fp)
        rg_claims(g, insn, DX_OB_POST, g->fp->post, g->fp->npost, DX_F_RESULT, results, n);
}

static void rg_divide(void *ctx, size_t insn, bool proved)
{
    gen_t *g = ctx;
    settle(g, &g->acc, (found_t){insn, NULL, DX_OB_DIV, 0, proved});
    g->unsettled += !proved;
}

static void rg_gset(void *ctx, size_t insn, uint32_t global, dx_rg_t value)
{
    gen_t *g = ctx;
    if (!dx_proof_range(g->proof, global))
        return;
    bool ok = dx_rg_within(&g->rg, value, g->rg.globals[global]);
    settle(g, &g->sets, (found_t){insn, NULL, DX_OB_RANGE, global, ok});
    g->unsettled += !ok;
}

/* Function f's obligations as the first pass judged them, when the
 * solver has nothing to add: the three lists merged in code order. */
static void from_first_pass(gen_t *g)
{
    settled_t *l[3] = {&g->acc, &g->sets, &g->claims};
    size_t i[3] = {0, 0, 0};
    for (;;) {
        int k = -1;
        for (int j = 0; j < 3; j++)
            if (i[j] < l[j]->n && (k < 0 || l[j]->e[i[j]].at < l[k]->e[i[k]].at))
                k = j;
        if (k < 0)
            return;
        const found_t *f = &l[k]->e[i[k]++];
        dx_solve_t r = f->ok ? DX_SOLVE_PROVED : DX_SOLVE_UNPROVED;
        if (!room(g, &g->out->obs, g->out->nobs, &g->cap, sizeof *g->out->obs))
            return;
        g->out->obs[g->out->nobs++] = (dx_ob_t){g->func, f->kind, f->at, r, f->global};
        g->out->counts[f->kind][r]++;
        g->out->by_ranges += f->ok;
    }
}

/* Whether function f needs the second pass: a claim the first did not
 * prove, annotations it does not read (loop and module invariants), or
 * accesses it left when the solver is to be asked about them. */
static bool needs_solver(const gen_t *g)
{
    return g->first_failed || g->claims_left || (g->fp && g->fp->nloops) ||
           (g->proof && g->proof->ninvariants) || (g->solver_accesses && g->unsettled);
}

/* The first pass over function f: what it settles, the solver is not
 * asked about. */
static bool first_pass(gen_t *g, uint32_t f, dx_error_t *err)
{
    g->acc.n = g->acc.next = g->claims.n = g->claims.next = g->sets.n = g->sets.next = 0;
    g->unsettled = g->claims_left = 0;
    g->first_failed = false;
    dx_rg_hooks_t h = {g, rg_access, rg_call, rg_exit, rg_divide, rg_gset};
    bool ok = dx_rg_function(&g->rg, f, &g->body, &h, &g->scratch, err);
    if (ok || err->code != DX_E_TOO_LARGE)
        return ok;
    /* Too big to walk within DX_VC_FIRST_PASS_MEMORY: nothing is settled,
     * the second pass judges everything (sound, only slower). */
    g->acc.n = g->claims.n = g->sets.n = 0;
    g->first_failed = true;
    return true;
}

/* The first pass's environment: what dogma.proof's pre- and
 * postconditions of the range forms say about parameters and results. */
static bool rg_env(gen_t *g)
{
    const dx_module_t *m = g->m;
    if (!dx_rg_env_init(&g->rg, m, g->proof, g->ar))
        return false;
    g->rg.max_memory = DX_VC_FIRST_PASS_MEMORY;
    dx_rg_t **pre = alloc(g, (m->nfuncs + 1) * sizeof *pre);
    dx_rg_t **post = alloc(g, (m->nfuncs + 1) * sizeof *post);
    if (g->oom)
        return false;
    copy_n(pre, g->rg.params, m->nfuncs * sizeof *pre);
    copy_n(post, g->rg.results, m->nfuncs * sizeof *post);
    for (uint32_t i = 0; g->proof && i < g->proof->nfuncs; i++) {
        const dx_funcproof_t *fp = &g->proof->funcs[i];
        const dx_functype_t *t = dx_func_type(m, fp->func);
        for (uint32_t k = 0; k < fp->npre + fp->npost; k++) {
            bool is_pre = k < fp->npre;
            const dx_expr_t *e = is_pre ? &fp->pre[k] : &fp->post[k - fp->npre];
            uint32_t n = is_pre ? t->nparams : t->nresults, idx;
            const dx_valtype_t *ty = is_pre ? t->params : t->results;
            dx_rg_t **slot = is_pre ? &pre[fp->func] : &post[fp->func];
            uint8_t name;
            dx_rg_t r;
            if (!dx_rg_formula(&g->rg, e, &name, &idx, &r) ||
                name != (is_pre ? DX_F_LOCAL : DX_F_RESULT) || idx >= n)
                continue;
            if (!*slot) {
                if (!(*slot = alloc(g, (n + 1) * sizeof **slot)))
                    return false;
                for (uint32_t j = 0; j < n; j++)
                    (*slot)[j] = dx_rg_top(width_of(ty[j]));
            }
            (*slot)[idx] = dx_rg_meet(&g->rg, (*slot)[idx], r);
        }
    }
    g->rg.params = pre, g->rg.results = post;
    return true;
}

/* ---- a function, a module ----------------------------------------------------------------- */
static bool walk(gen_t *g, uint32_t f);
static bool start_solver(gen_t *g);
static bool passes(gen_t *g, uint32_t f, dx_error_t *err);

/* Function f: its body read once (into the scratch arena, let go after),
 * the first pass, then the second when it is needed. */
static bool function(gen_t *g, uint32_t f, dx_error_t *err)
{
    g->func = f;
    g->fp = g->proof ? dx_proof_func(g->proof, f) : NULL;
    bool ok = dx_body_read(g->m, f, &g->scratch, &g->body, err) && passes(g, f, err);
    if (!ok && err->code == DX_E_TOO_LARGE)
        g->oom = true;
    dx_arena_reset(&g->scratch);
    return ok;
}

static bool passes(gen_t *g, uint32_t f, dx_error_t *err)
{
    if (!first_pass(g, f, err))
        return false;
    if (!needs_solver(g)) {
        from_first_pass(g);
        return !g->oom;
    }
    if (!start_solver(g)) {
        /* No solver (none.c, inside the OS): the first pass's verdicts
         * stand, and the claims it left are not settled, so no annotation
         * is used (dx_vc_module runs again without them). */
        g->out->no_solver = true;
        g->out->claims_unproved += g->claims_left + (g->fp ? g->fp->nloops : 0) +
                                   (g->proof ? g->proof->ninvariants : 0);
        from_first_pass(g);
        return !g->oom;
    }
    dx_sv_push(g->s); /* a function's facts are its own */
    bool ok = walk(g, f);
    dx_sv_pop(g->s);
    return ok;
}

/* The second pass over function f: its conditions, given to the solver. */
static bool walk(gen_t *g, uint32_t f)
{
    const dx_module_t *m = g->m;
    const dx_functype_t *t = dx_func_type(m, f);
    const dx_func_t *fn = &m->funcs[f];
    g->nlocals = t->nparams + fn->nlocals;
    g->ltypes = alloc(g, g->nlocals * sizeof(dx_valtype_t));
    g->cur.locals = alloc(g, g->nlocals * sizeof(val_t));
    g->cur.globals = alloc(g, g->ntracked * sizeof(val_t));
    if (g->oom)
        return false;
    for (uint32_t i = 0; i < t->nparams; i++)
        g->ltypes[i] = t->params[i];
    uint32_t at = t->nparams;
    for (uint32_t r = 0; r < fn->nruns; r++)
        for (; at < fn->runs[r].end && at < g->nlocals; at++)
            g->ltypes[at] = fn->runs[r].type;
    /* parameters: anything; declared locals: zero, as WebAssembly says */
    for (uint32_t i = 0; i < g->nlocals; i++)
        g->cur.locals[i] = i < t->nparams ? fresh_val(g, g->ltypes[i])
                                          : (val_t){dx_sv_const(g->s, 0, width_of(g->ltypes[i])),
                                                    g->ltypes[i]};
    for (uint32_t j = 0; j < g->ntracked; j++)
        g->cur.globals[j] = fresh_global(g, j);
    g->cur.mem = g->at_entry.mem;
    g->cur.reach = dx_sv_bool(g->s, true);
    g->entry = alloc(g, (t->nparams + 1) * sizeof(val_t));
    if (g->oom)
        return false;
    copy_n(g->entry, g->cur.locals, t->nparams * sizeof(val_t));
    env_t env = (env_t){g->entry, t->nparams, NULL, 0, &g->cur};
    for (uint32_t i = 0; g->fp && i < g->fp->npre; i++)
        dx_sv_assume(g->s, formula(g, &g->fp->pre[i], &env), 0);
    invariants(g, true, &g->cur);
    g->next_loop = 0;
    g->height = g->depth = 0;
    frame_t *top = open_frame(g, DX_OP_END, -64);
    if (!top)
        return false;
    top->nresults = t->nresults, top->results = t->results;
    for (size_t i = 0; i < g->body.n && g->depth; i++) {
        g->insn_at = g->body.insns[i].offset;
        insn(g, &g->body.insns[i]);
        if (g->oom)
            return false;
    }
    return true;
}

/* A precondition no call site can be made to check: on a function the
 * runtime calls (the start function, exports) or that a table may hold. */
static const dx_funcproof_t *unchecked_pre(const dx_module_t *m, const dx_proof_t *p)
{
    for (uint32_t i = 0; i < p->nfuncs; i++) {
        const dx_funcproof_t *fp = &p->funcs[i];
        if (!fp->npre)
            continue;
        bool outside = m->has_start && m->start == fp->func;
        if (m->declared && (m->declared[fp->func / 8] >> (fp->func % 8) & 1))
            outside = true;
        for (uint32_t e = 0; e < m->nexports && !outside; e++)
            outside = m->exports[e].kind == DX_EXT_FUNC && m->exports[e].index == fp->func;
        if (outside)
            return fp;
    }
    return NULL;
}

/* The solver, made when it is first needed (creating a Z3 context costs
 * tens of milliseconds, more than the first pass over most modules), with
 * what every function may assume of memory 0's size at its entry: at
 * least its minimum (it only grows), at most its maximum, a whole number
 * of pages. */
static bool start_solver(gen_t *g)
{
    if (g->s)
        return true;
    if (g->out->no_solver || !(g->s = dx_solver_new(g->budget)))
        return false;
    /* one hard access must not starve the easy ones after it */
    dx_solver_set_query_budget(g->s, DX_VC_QUERY_BUDGET);
    dx_solver_t *s = g->s;
    g->at_entry.mem = fresh(g, 64);
    dx_sv_assume(s, dx_sv_op(s, DX_SV_LE_U, k64(g, g->mem_min), g->at_entry.mem), 0);
    dx_sv_assume(s, dx_sv_op(s, DX_SV_LE_U, g->at_entry.mem, k64(g, g->mem_max)), 0);
    dx_sv_assume(s, dx_sv_op(s, DX_SV_EQ, dx_sv_op(s, DX_SV_AND, g->at_entry.mem, k64(g, PAGE - 1)),
                             k64(g, 0)), 0);
    return true;
}

/* The module invariants hold initially: the globals' initial values,
 * memory at its minimum. */
static void initial_invariants(gen_t *g)
{
    const dx_module_t *m = g->m;
    state_t init = {.reach = dx_sv_bool(g->s, true), .mem = k64(g, g->mem_min)};
    if (!(init.globals = alloc(g, MAX_TRACKED_GLOBALS * sizeof(val_t))))
        return;
    for (uint32_t i = 0; i < m->nglobals; i++) {
        if (g->gslot[i] == UINT32_MAX)
            continue;
        dx_insn_t k;
        size_t end;
        const dx_global_t *gl = &m->globals[i];
        dx_term_t v = NULL;
        if (dx_const_insn(m, gl->init.off, &k, &end))
            v = k.op == DX_OP_I32_CONST ? k32(g, (uint32_t)k.u.i32)
              : k.op == DX_OP_I64_CONST ? k64(g, (uint64_t)k.u.i64) : NULL;
        init.globals[g->gslot[i]] = v ? (val_t){v, gl->type} : fresh_val(g, gl->type);
    }
    g->cur = init;
    g->func = 0; /* in no function: at offset 0, first in the order */
    g->insn_at = 0;
    bool before = g->out->refuted;
    invariants(g, false, &init);
    if (!before && g->out->refuted)
        g->out->refutation.func = DX_VC_INITIALLY;
}

/* The mutable globals of type i32 and i64 are tracked (at most 64); the
 * others are read as anything. Memory 0's bounds. */
static bool setup(gen_t *g)
{
    const dx_module_t *m = g->m;
    g->gslot = alloc(g, (m->nglobals + 1) * sizeof(uint32_t));
    g->gof = alloc(g, MAX_TRACKED_GLOBALS * sizeof(uint32_t));
    g->at_entry.globals = alloc(g, MAX_TRACKED_GLOBALS * sizeof(val_t));
    if (g->oom)
        return false;
    for (uint32_t i = 0; i < m->nglobals; i++) {
        const dx_global_t *gl = &m->globals[i];
        bool track = gl->mutable_ && (gl->type == DX_T_I32 || gl->type == DX_T_I64) &&
                     g->ntracked < MAX_TRACKED_GLOBALS;
        g->gslot[i] = track ? g->ntracked : UINT32_MAX;
        if (track) {
            g->gof[g->ntracked] = i;
            g->at_entry.globals[g->ntracked++].ty = gl->type;
        }
    }
    if (m->nmemories) {
        const dx_limits_t *l = &m->memories[0].limits;
        g->mem_min = l->min * PAGE;
        g->mem_max = (l->has_max ? l->max : 65536) * (uint64_t)PAGE;
    }
    return rg_env(g);
}

static bool run(const dx_module_t *m, const dx_proof_t *proof, const dx_vc_opts_t *o,
                dx_arena_t *ar, dx_vc_t *out, dx_error_t *out_err)
{
    __builtin_memset(out, 0, sizeof *out);
    gen_t g = {.m = m, .ar = ar, .out = out, .proof = proof, .budget = o->budget,
               .solver_accesses = o->solver_accesses};
    dx_arena_init(&g.scratch, ar->a);
    if (!setup(&g))
        goto oom;
    /* kept for dx_vc_range, which the translator calls later: a copy, as
     * the caller's may not live as long as the result */
    if (proof) {
        dx_proof_t *keep = alloc(&g, sizeof *keep);
        if (!keep)
            goto oom;
        *keep = *proof;
        out->proof = keep;
    }
    if (proof && proof->present) {
        const dx_funcproof_t *bad = unchecked_pre(m, proof);
        if (bad) { /* refuted at once: no call site could establish it */
            out->refuted = true;
            out->refutation = (dx_ob_t){bad->func, DX_OB_PRE, bad->offset, DX_SOLVE_REFUTED, 0};
            out->annotation = bad->pre[0].offset;
        }
        if (proof->ninvariants && start_solver(&g))
            initial_invariants(&g);
        else if (proof->ninvariants) { /* no solver: not checked, not used */
            out->no_solver = true;
            out->claims_unproved += proof->ninvariants;
        }
    }
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        if (!function(&g, f, out_err)) {
            if (g.oom)
                goto oom;
            dx_solver_free(g.s);
            dx_arena_free(&g.scratch);
            return false;
        }
    }
    out->spent = g.s ? dx_solver_spent(g.s) : 0;
    out->terms = g.s ? dx_solver_terms(g.s) : 0;
    dx_solver_free(g.s);
    dx_arena_free(&g.scratch);
    return true;
oom:
    dx_solver_free(g.s);
    dx_arena_free(&g.scratch);
    *out_err = (dx_error_t){.code = DX_E_TOO_LARGE, .func = DX_NO_FUNC, .insn = DX_NO_INSN};
    return false;
}

bool dx_vc_module(const dx_module_t *m, const dx_proof_t *proof, const dx_vc_opts_t *opts,
                  dx_arena_t *ar, dx_vc_t *out, dx_error_t *out_err)
{
    static const dx_vc_opts_t defaults = {DX_VC_DEFAULT_BUDGET, false};
    const dx_vc_opts_t *o = opts ? opts : &defaults;
    if (!run(m, proof && proof->present ? proof : NULL, o, ar, out, out_err))
        return false;
    if (out->refuted || !out->claims_unproved)
        return true;
    /* Some claim was neither proved nor refuted within the budget: it
     * cannot be assumed, and with it nothing that depended on it. Every
     * access is judged again without any annotation. */
    uint64_t unsettled = out->claims_unproved;
    /* The declared ranges stay: they need no claim, as every set of
     * their globals is proved or checked. */
    dx_proof_t *ranges = dx_arena_alloc(ar, sizeof *ranges);
    if (ranges) {
        *ranges = *proof;
        ranges->ninvariants = ranges->nfuncs = ranges->nlemmas = 0;
    }
    bool no_solver = out->no_solver;
    if (!run(m, ranges && ranges->nranges ? ranges : NULL, o, ar, out, out_err))
        return false;
    out->no_solver |= no_solver;
    out->claims_unproved = unsettled;
    out->annotations_dropped = true;
    return true;
}

/* The first obligation at (func, insn), or nobs. */
static size_t find(const dx_vc_t *v, uint32_t func, size_t insn)
{
    size_t lo = 0, hi = v->nobs; /* ordered by function, then code */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const dx_ob_t *o = &v->obs[mid];
        if (o->func < func || (o->func == func && o->insn < insn))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->nobs && v->obs[lo].func == func && v->obs[lo].insn == insn ? lo : v->nobs;
}

bool dx_vc_proved(void *ctx, uint32_t func, size_t insn)
{
    const dx_vc_t *v = ctx;
    size_t at = find(v, func, insn);
    return at < v->nobs && v->obs[at].verdict == DX_SOLVE_PROVED;
}

bool dx_vc_range(void *ctx, uint32_t func, size_t insn, uint64_t *lo, uint64_t *hi)
{
    const dx_vc_t *v = ctx;
    size_t at = find(v, func, insn);
    if (at == v->nobs || v->obs[at].kind != DX_OB_RANGE || v->obs[at].verdict == DX_SOLVE_PROVED)
        return false;
    const dx_grange_t *d = dx_proof_range(v->proof, v->obs[at].global);
    if (!d)
        return false;
    *lo = d->lo, *hi = d->hi;
    return true;
}

/* ---- the diagnostic of a refutation ------------------------------------------------------ */
typedef struct {
    char *buf;
    size_t len, at;
} out_t;

static void put_c(out_t *o, char c)
{
    if (o->at + 1 < o->len)
        o->buf[o->at] = c;
    o->at++;
}

static void put_s(out_t *o, const char *s)
{
    while (*s)
        put_c(o, *s++);
}

static void put_u(out_t *o, uint64_t v, unsigned base, unsigned digits)
{
    char d[24];
    unsigned n = 0;
    do
        d[n++] = "0123456789abcdef"[v % base];
    while ((v /= base) && n < sizeof d);
    while (n < digits && n < sizeof d)
        d[n++] = '0';
    while (n)
        put_c(o, d[--n]);
}

size_t dx_vc_render_refutation(const dx_vc_t *v, const char *file, char *buf, size_t len)
{
    out_t o = {buf, len, 0};
    put_s(&o, file);
    put_s(&o, ":0x");
    put_u(&o, v->annotation, 16, 6);
    put_s(&o, ": error: annotation refuted (");
    put_s(&o, dx_ob_kind_name((dx_ob_kind_t)v->refutation.kind));
    if (v->refutation.func == DX_VC_INITIALLY) {
        put_s(&o, ", initially");
    } else {
        put_s(&o, ", in func ");
        put_u(&o, v->refutation.func, 10, 1);
        put_s(&o, " at 0x");
        put_u(&o, v->refutation.insn, 16, 6);
    }
    put_c(&o, ')');
    if (len)
        buf[o.at < len ? o.at : len - 1] = 0;
    return o.at;
}

const char *dx_ob_kind_name(dx_ob_kind_t k)
{
    static const char *const names[] = {"load", "store", "range", "div", "pre", "post",
                                        "loop-entry", "loop-keep", "invariant"};
    return (unsigned)k < DX_OB_KINDS ? names[k] : "?";
}
