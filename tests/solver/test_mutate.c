/*
 * The mutation test over the proof section (issue 7): hand-annotated
 * modules whose proofs succeed, and the same modules with each annotation
 * weakened, strengthened past the truth or corrupted.
 *
 * Three modules, written byte by byte (wbuild.h), each with one export the
 * test calls with inputs in bounds and with inputs that drive its accesses
 * out of bounds:
 *
 *   array  sum(p, n) of the n words at p. When the array fits (an i64
 *          test in the code) it calls fast(p, n), whose precondition
 *          p + 4n <= memsize and loop invariant i <= n prove its loads;
 *          when it does not, slow(p, n), a checked loop over a pointer q
 *          from p (invariants i <= n and q + 0 <= memsize) that traps at
 *          the first word past the end.
 *   clamp  get(x): clamp(x) is x below 4100, else 0 (postconditions
 *          r < 4100, r <= x, r == x || r == 0); get loads at r + 61400
 *          (proved by the first) and at r + 61436 (out of bounds for r in
 *          4097..4099, so checked).
 *   frame  frame(k): a shadow-stack pointer with a declared range [1024,
 *          8192] moves down by k, a store and a load in the frame (proved
 *          by the range), and back; module invariants on it.
 *
 * The annotations are data (proof_t), serialized into the module. A
 * mutation edits the data (every constant +1, -1, +4, -4, 0, 0x7fffffff,
 * -1; every comparison into each other one; every local, global and
 * result into other indices; arithmetic swapped; formulas dropped,
 * duplicated, negated, replaced by true or false; function and loop
 * indices; a range's bounds and global; the header) or flips bytes of the
 * serialized section. Each mutant must be rejected by the decoder (a
 * PROOF_* error inside the section), or refuted (the refutation naming a
 * formula's offset), or accepted. Accepted, it is translated with strategy
 * proved (dx_vc_proved and dx_vc_range as the hooks, the way dogma-run
 * does) and every input runs in a fresh instance, as a process would: each
 * must end as the reference model says (the value strategy checked gives;
 * a range trap where a mutated range excludes a set), the out-of-bounds
 * ones in a trap. A trap must come from a check: a fault on the memory
 * reservation (an access whose check was dropped) is what this test
 * exists to catch, and the accesses that can go out of bounds must never
 * be proved.
 *
 * Which mutants are false is decided without the prover: the model records
 * the states where each claim must hold (the arguments at every call, the
 * locals at every visit of a loop head, the results at every return, the
 * globals at every entry and exit), and a formula false in one of them is
 * false. Such a mutant must be rejected or refuted, never accepted. The
 * verifier runs as `dogma-verify --solver` does (default budget, the solver
 * asked about accesses), since without it relations (p + 4n <= memsize)
 * never prove an access.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dogma/proof.h>
#include <dogma/translate.h>

#include "runtime.h"
#include "ut.h"
#include "vc.h"
#include "wbuild.h"
#include "mutate.h"

/* ---- judging the claims without the prover ---------------------------------------------- */
static uint8_t local_type(const dx_module_t *m, uint32_t f, uint32_t i)
{
    const dx_functype_t *t = dx_func_type(m, f);
    if (i < t->nparams)
        return t->params[i];
    const dx_func_t *fn = &m->funcs[f];
    for (uint32_t r = 0; r < fn->nruns; r++)
        if (i < fn->runs[r].end)
            return fn->runs[r].type;
    return DX_T_I32;
}

typedef struct {
    uint64_t v;
    uint8_t t;   /* DX_T_I32, DX_T_I64, DX_T_BOOL */
} ev_t;

static uint64_t mask(uint8_t t, uint64_t v) { return t == DX_T_I32 ? (uint32_t)v : v; }
static int64_t sgn(uint8_t t, uint64_t v) { return t == DX_T_I32 ? (int32_t)v : (int64_t)v; }

static uint64_t arith(uint8_t op, uint8_t t, uint64_t a, uint64_t b)
{
    unsigned w = t == DX_T_I32 ? 32 : 64, sh = (unsigned)(b % w);
    switch (op) {
    case DX_F_ADD: return mask(t, a + b);
    case DX_F_SUB: return mask(t, a - b);
    case DX_F_MUL: return mask(t, a * b);
    case DX_F_AND: return a & b;
    case DX_F_OR: return a | b;
    case DX_F_XOR: return a ^ b;
    case DX_F_SHL: return mask(t, a << sh);
    case DX_F_SHR_U: return a >> sh;
    default: return mask(t, (uint64_t)(sgn(t, a) >> sh)); /* shr_s */
    }
}

static bool compare(uint8_t op, uint8_t t, uint64_t a, uint64_t b)
{
    switch (op) {
    case DX_F_EQ: return a == b;
    case DX_F_NE: return a != b;
    case DX_F_LT_U: return a < b;
    case DX_F_LE_U: return a <= b;
    case DX_F_LT_S: return sgn(t, a) < sgn(t, b);
    default: return sgn(t, a) <= sgn(t, b); /* le_s */
    }
}

/* One operation on the stack st (depth *sp); false: not evaluable. */
static bool step(const dx_module_t *m, uint32_t f, const wit_t *w, const dx_fop_t *o, ev_t *st,
                 int *sp)
{
    const dx_fopinfo_t *fi = dx_fop_info(o->op);
    int n = *sp;
    ev_t r = {0, DX_T_BOOL};
    switch (fi->shape) {
    case DX_FS_BOOL: r.v = o->op == DX_F_TRUE; break;
    case DX_FS_I32: r = (ev_t){(uint32_t)o->u.i32, DX_T_I32}; break;
    case DX_FS_I64: r = (ev_t){(uint64_t)o->u.i64, DX_T_I64}; break;
    case DX_FS_LOCAL:
        if (o->u.index >= 5)
            return false;
        r.t = local_type(m, f, o->u.index);
        r.v = mask(r.t, w->local[o->u.index]);
        break;
    case DX_FS_GLOBAL:
        if (o->u.index >= 3 || o->u.index >= m->nglobals)
            return false;
        r.t = m->globals[o->u.index].type;
        r.v = mask(r.t, w->global[o->u.index]);
        break;
    case DX_FS_MEMSIZE: r = (ev_t){MEM, DX_T_I64}; break;
    case DX_FS_RESULT:
        if (o->u.index >= dx_func_type(m, f)->nresults)
            return false;
        r = (ev_t){w->result, dx_func_type(m, f)->results[o->u.index]};
        break;
    case DX_FS_ARITH: n--, r = (ev_t){arith(o->op, st[n].t, st[n - 1].v, st[n].v), st[n].t}; break;
    case DX_FS_EXTEND:
        r = (ev_t){o->op == DX_F_EXTEND_U ? st[n - 1].v : (uint64_t)(int64_t)(int32_t)st[n - 1].v,
                   DX_T_I64};
        break;
    case DX_FS_WRAP: r = (ev_t){(uint32_t)st[n - 1].v, DX_T_I32}; break;
    case DX_FS_CMP: n--, r.v = compare(o->op, st[n].t, st[n - 1].v, st[n].v); break;
    case DX_FS_NOT: r.v = !st[n - 1].v; break;
    case DX_FS_LOGIC:
        n--;
        r.v = o->op == DX_F_LAND ? st[n - 1].v && st[n].v
            : o->op == DX_F_LOR  ? st[n - 1].v || st[n].v
                                 : !st[n - 1].v || st[n].v;
        break;
    }
    bool pops = fi->shape >= DX_FS_ARITH;
    st[pops ? n - 1 : n] = r;
    *sp = pops ? n : n + 1;
    return true;
}

/* e (checked by the decoder) in the state w of function f: false only
 * when it evaluates to false. */
static bool holds(const dx_module_t *m, uint32_t f, const dx_expr_t *e, const wit_t *w)
{
    ev_t st[DX_PROOF_MAX_STACK + 1];
    int sp = 0;
    size_t pos = 0;
    dx_fop_t o;
    while (dx_expr_next(e, &pos, &o))
        if (!step(m, f, w, &o, st, &sp))
            return true;
    return sp != 1 || st[0].t != DX_T_BOOL || st[0].v;
}

static bool false_in(const dx_module_t *m, const wits_t *ws, uint8_t kind, uint32_t func,
                     uint32_t loop, const dx_expr_t *e)
{
    for (int i = 0; i < ws->n; i++) {
        const wit_t *w = &ws->w[i];
        if (w->kind == kind && (kind == W_INV || (w->func == func && w->loop == loop)) &&
            !holds(m, kind == W_INV ? 0 : func, e, w))
            return true;
    }
    return false;
}

static bool exported(const dx_module_t *m, uint32_t f)
{
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == DX_EXT_FUNC && m->exports[i].index == f)
            return true;
    return m->has_start && m->start == f;
}

/* The first claim of pr false in a state the model reached (or a
 * precondition no caller can establish), or NULL. */
static const dx_expr_t *known_false(const dx_module_t *m, const dx_proof_t *pr,
                                    const wits_t *ws)
{
    for (uint32_t i = 0; i < pr->ninvariants; i++)
        if (false_in(m, ws, W_INV, 0, 0, &pr->invariants[i]))
            return &pr->invariants[i];
    for (uint32_t i = 0; i < pr->nfuncs; i++) {
        const dx_funcproof_t *fp = &pr->funcs[i];
        if (fp->npre && exported(m, fp->func))
            return &fp->pre[0];
        for (uint32_t k = 0; k < fp->npre; k++)
            if (false_in(m, ws, W_PRE, fp->func, 0, &fp->pre[k]))
                return &fp->pre[k];
        for (uint32_t k = 0; k < fp->npost; k++)
            if (false_in(m, ws, W_POST, fp->func, 0, &fp->post[k]))
                return &fp->post[k];
        for (uint32_t l = 0; l < fp->nloops; l++)
            for (uint32_t k = 0; k < fp->loops[l].ninv; k++)
                if (false_in(m, ws, W_LOOP, fp->func, fp->loops[l].loop, &fp->loops[l].inv[k]))
                    return &fp->loops[l].inv[k];
    }
    return NULL;
}

static bool is_formula(const dx_proof_t *pr, size_t at)
{
    for (uint32_t i = 0; i < pr->ninvariants; i++)
        if (pr->invariants[i].offset == at)
            return true;
    for (uint32_t i = 0; i < pr->nfuncs; i++) {
        const dx_funcproof_t *fp = &pr->funcs[i];
        for (uint32_t k = 0; k < fp->npre + fp->npost; k++)
            if ((k < fp->npre ? fp->pre[k] : fp->post[k - fp->npre]).offset == at)
                return true;
        for (uint32_t l = 0; l < fp->nloops; l++)
            for (uint32_t k = 0; k < fp->loops[l].ninv; k++)
                if (fp->loops[l].inv[k].offset == at)
                    return true;
    }
    return false;
}

/* ---- judging a mutant -------------------------------------------------------------------- */
typedef struct {
    mod_t *md;
    wits_t ws;              /* the original's runs: where claims must hold */
    uint64_t tried, rejected, refuted, known_false, accepted, dropped, safe;
    uint64_t findings;
} mctx_t;

static const dx_vc_opts_t solver_opts = {DX_VC_DEFAULT_BUDGET, true};

static void hexdump(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%02x%s", p[i], i + 1 == n || i % 32 == 31 ? "\n" : " ");
}

static const uint8_t *cur_bytes; /* the mutant being judged, for findings */
static size_t cur_size;

__attribute__((format(printf, 3, 4)))
static void finding(mctx_t *c, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mutate: FINDING: %s: %s: ", c->md->name, what);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n  the module (%zu bytes):\n", cur_size);
    hexdump(cur_bytes, cur_size);
    va_end(ap);
    c->findings++;
}

/* The translator's hooks, recording which accesses lose their check. */
typedef struct {
    const dx_vc_t *v;
    size_t proved[16];
    int nproved;
    bool lie;        /* claim every access proved (the detector's own test) */
} hook_t;

static bool proved_hook(void *ctx, uint32_t func, size_t insn)
{
    hook_t *h = ctx;
    bool p = h->lie || dx_vc_proved((void *)h->v, func, insn);
    if (p && h->nproved < 16)
        h->proved[h->nproved++] = insn;
    return p;
}

static bool range_hook(void *ctx, uint32_t func, size_t insn, uint64_t *lo, uint64_t *hi)
{
    hook_t *h = ctx;
    return !h->lie && dx_vc_range((void *)h->v, func, insn, lo, hi);
}

/* The trap at in's trap_pc comes from a check's stub (ud2; code), not
 * from a fault on the memory reservation. */
static bool from_stub(const dr_inst_t *in, const dx_x64_t *x)
{
    return in->trap_pc + 2 <= x->size && x->code[in->trap_pc] == 0x0f &&
           x->code[in->trap_pc + 1] == 0x0b;
}

/* Runs input `in` in a fresh instance; compares with the model under pr.
 * false: a finding was reported. */
static bool run_one(mctx_t *c, const dx_module_t *m, const dx_x64_t *x, uint8_t strategy,
                    const dx_proof_t *pr, const input_t *in, bool oob, const char *what)
{
    dr_opts_t ro = {.strategy = strategy, .max_memory = RESERVE, .max_stack = 1u << 20};
    dr_inst_t *inst = dr_instantiate(m, x, c->md->name, &ro);
    if (!inst || !dr_start(inst)) {
        finding(c, what, "cannot instantiate");
        dr_free(inst);
        return false;
    }
    memcpy(inst->mem, pattern, MEM);
    uint64_t res[1] = {0};
    bool returned = dr_call_func(inst, c->md->entry, in->arg, res);
    outcome_t want = c->md->model(pr, in->arg, NULL);
    bool ok = true;
    if (!returned && !from_stub(inst, x)) {
        finding(c, what, "(%llx, %llx): trap %s by a fault at code+0x%llx: an access ran "
                "unchecked out of bounds", (unsigned long long)in->arg[0],
                (unsigned long long)in->arg[1], dx_trap_name((dx_trap_t)inst->trap),
                (unsigned long long)inst->trap_pc);
        ok = false;
    } else if (returned != want.returned || (returned && (uint32_t)res[0] != want.value) ||
               (!returned && inst->trap != want.trap) || (oob && returned)) {
        finding(c, what, "(%llx, %llx): %s 0x%x, the model says %s 0x%x",
                (unsigned long long)in->arg[0], (unsigned long long)in->arg[1],
                returned ? "returned" : "trapped",
                returned ? (unsigned)res[0] : (unsigned)inst->trap,
                want.returned ? "returns" : "traps",
                want.returned ? want.value : (unsigned)want.trap);
        ok = false;
    }
    dr_free(inst);
    return ok;
}

/* Translates m with strategy proved under v's verdicts and runs every
 * input. false: a finding was reported. */
static bool run_accepted(mctx_t *c, const dx_module_t *m, const dx_proof_t *pr,
                         const dx_vc_t *v, dx_arena_t *ar, const char *what)
{
    hook_t h = {.v = v};
    dx_x64_opts_t o = {.strategy = DX_STRATEGY_PROVED, .proved = proved_hook,
                       .range = range_hook, .proved_ctx = &h};
    dx_x64_t x;
    dx_error_t err;
    if (!dx_x64_translate(m, &o, ar, &x, &err)) {
        finding(c, what, "does not translate (%s)", dx_err_name(err.code));
        return false;
    }
    bool ok = true;
    for (int i = 0; i < h.nproved; i++) {
        if (c->md->unsafe(c->md->at, pr, h.proved[i])) {
            finding(c, what, "the access at 0x%zx is proved, but it can go out of bounds",
                    h.proved[i]);
            ok = false;
        }
    }
    for (int i = 0; i < c->md->ngood; i++)
        ok &= run_one(c, m, &x, DX_STRATEGY_PROVED, pr, &c->md->good[i], false, what);
    for (int i = 0; i < c->md->nbad; i++)
        ok &= run_one(c, m, &x, DX_STRATEGY_PROVED, pr, &c->md->bad[i], true, what);
    return ok;
}

/* The decoder's rejection: a PROOF_* code at a byte of the section. */
static void rejected(mctx_t *c, const dx_module_t *m, const dx_error_t *err, const char *what)
{
    c->rejected++;
    const char *name = dx_err_name(err->code);
    if (strncmp(name, "PROOF_", 6) != 0)
        finding(c, what, "the decoder rejects it with %s, not a PROOF_* code", name);
    else if (err->offset < m->proof.off || err->offset > m->proof.off + m->proof.len)
        finding(c, what, "%s at 0x%zx, outside the section [0x%zx, 0x%zx]", name, err->offset,
                m->proof.off, m->proof.off + m->proof.len);
}

/* MUTATE_VERBOSE=1 in the environment: a line per mutant, its outcome. */
static void verbose(mctx_t *c, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void verbose(mctx_t *c, const char *what, const char *fmt, ...)
{
    static int on = -1;
    if (on < 0)
        on = getenv("MUTATE_VERBOSE") != NULL;
    if (!on)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("  %s: %s: ", c->md->name, what);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* The verdicts of an accepted mutant, then its runs. */
static void accepted(mctx_t *c, const dx_module_t *m, const dx_proof_t *pr, const dx_vc_t *v,
                     dx_arena_t *ar, const char *what)
{
    c->accepted++;
    c->dropped += v->annotations_dropped;
    uint64_t n = 0, proved = 0;
    for (size_t i = 0; i < v->nobs; i++) {
        n += v->obs[i].kind <= DX_OB_STORE;
        proved += v->obs[i].kind <= DX_OB_STORE && v->obs[i].verdict == DX_SOLVE_PROVED;
    }
    uint64_t before = c->findings;
    c->safe += run_accepted(c, m, pr, v, ar, what);
    verbose(c, what, "accepted, %llu of %llu accesses proved%s: %s", (unsigned long long)proved,
            (unsigned long long)n, v->annotations_dropped ? " (annotations dropped)" : "",
            c->findings == before ? "safe" : "FINDING");
}

/* Decodes, verifies, and runs (when accepted) the module in bytes. */
static void judge(mctx_t *c, const uint8_t *bytes, size_t size, const char *what)
{
    cur_bytes = bytes, cur_size = size;
    c->tried++;
    dx_arena_t ar;
    dx_arena_init_malloc(&ar);
    dx_module_t m;
    dx_error_t err;
    dx_proof_t pr;
    dx_vc_t v;
    if (!dx_module_load(bytes, size, &ar, &m, &err)) {
        finding(c, what, "the module does not load (%s)", dx_err_name(err.code));
    } else if (!dx_proof_decode(&m, NULL, 0, &ar, &pr, &err)) {
        rejected(c, &m, &err, what);
        verbose(c, what, "rejected: %s at 0x%zx", dx_err_name(err.code), err.offset);
    } else if (!dx_vc_module(&m, &pr, &solver_opts, &ar, &v, &err)) {
        finding(c, what, "dx_vc_module fails (%s)", dx_err_name(err.code));
    } else {
        const dx_expr_t *bad = known_false(&m, &pr, &c->ws);
        if (v.refuted) {
            c->refuted++;
            c->known_false += bad != NULL;
            if (!is_formula(&pr, v.annotation))
                finding(c, what, "refuted at 0x%zx, which is no formula's offset", v.annotation);
            verbose(c, what, "refuted: the formula at 0x%zx (%s, in func %u at 0x%zx)%s",
                    v.annotation, dx_ob_kind_name((dx_ob_kind_t)v.refutation.kind),
                    v.refutation.func, v.refutation.insn, bad ? ", known false" : "");
        } else if (bad) {
            finding(c, what, "the formula at 0x%zx is false (the model reaches a state where it "
                    "does not hold), yet the module is accepted%s", bad->offset,
                    v.annotations_dropped ? " (its annotations dropped, unsettled)" : "");
        } else {
            accepted(c, &m, &pr, &v, &ar, what);
        }
    }
    dx_arena_free(&ar);
}

static void judge_proof(mctx_t *c, const proof_t *p, const char *what)
{
    wb_t b;
    layout_t lay;
    build(c->md, p, &b, &lay);
    judge(c, b.p, b.n, what);
    wb_free(&b);
}

/* ---- the mutations ----------------------------------------------------------------------- */
static int int_variants(int64_t v, bool i64, int64_t *out)
{
    int64_t cand[] = {v + 1, v - 1, v + 4, v - 4, 0, 0x7fffffff, -1, 0xffffffff};
    int n = 0;
    for (int i = 0; i < (i64 ? 8 : 7); i++) {
        int64_t x = i64 ? cand[i] : (int32_t)cand[i];
        bool dup = x == (i64 ? v : (int32_t)v);
        for (int k = 0; k < n; k++)
            dup |= out[k] == x;
        if (!dup)
            out[n++] = x;
    }
    return n;
}

static const uint8_t cmps[] = {DX_F_EQ, DX_F_NE, DX_F_LT_U, DX_F_LE_U, DX_F_LT_S, DX_F_LE_S};

/* The replacements of op o (other than constants): the other
 * comparisons, other indices, a swapped arithmetic or extension. */
static int op_variants(const fop_t *o, fop_t *out)
{
    int n = 0;
    const dx_fopinfo_t *fi = dx_fop_info(o->op);
    switch (fi->shape) {
    case DX_FS_CMP:
        for (int i = 0; i < 6; i++)
            if (cmps[i] != o->op)
                out[n++] = (fop_t){cmps[i], 0};
        break;
    case DX_FS_LOCAL: case DX_FS_GLOBAL: case DX_FS_RESULT:
        for (int64_t i = 0; i < 6; i++)
            if (i != o->imm)
                out[n++] = (fop_t){o->op, i};
        break;
    case DX_FS_ARITH:
        out[n++] = (fop_t){o->op == DX_F_ADD ? DX_F_SUB : o->op == DX_F_AND ? DX_F_OR
                           : o->op == DX_F_MUL ? DX_F_SHL : DX_F_ADD, 0};
        break;
    case DX_FS_EXTEND:
        out[n++] = (fop_t){o->op == DX_F_EXTEND_U ? DX_F_EXTEND_S : DX_F_EXTEND_U, 0};
        break;
    case DX_FS_LOGIC:
        out[n++] = (fop_t){o->op == DX_F_LOR ? DX_F_LAND : DX_F_LOR, 0};
        break;
    case DX_FS_MEMSIZE:
        out[n++] = (fop_t){DX_F_I64, MEM};
        break;
    default: break;
    }
    return n;
}

/* "func 0 pre", ...: s is one of p's sites. */
static const char *site_name(const proof_t *p, const site_t *s)
{
    static char buf[64];
    if (s->fn < 0)
        return "invariant";
    const fproof_t *f = &p->fn[s->fn];
    snprintf(buf, sizeof buf, "func %u %s", f->func,
             s->vec == &f->pre ? "pre" : s->vec == &f->post ? "post" : "loop inv");
    return buf;
}

/* Every operation of every formula, replaced. */
static void mutate_ops(mctx_t *c, const proof_t *orig)
{
    proof_t p0 = *orig;
    site_t s0[MAXSITES];
    int ns = sites_of(&p0, s0);
    for (int si = 0; si < ns; si++) {
        for (int fi = 0; fi < s0[si].vec->n; fi++) {
            const form_t *f = &s0[si].vec->f[fi];
            for (int oi = 0; oi < f->n; oi++) {
                const fop_t *o = &f->op[oi];
                fop_t alt[8];
                int na = 0;
                if (o->op == DX_F_I32 || o->op == DX_F_I64) {
                    int64_t vs[8];
                    int nv = int_variants(o->imm, o->op == DX_F_I64, vs);
                    for (int k = 0; k < nv; k++)
                        alt[na++] = (fop_t){o->op, vs[k]};
                } else {
                    na = op_variants(o, alt);
                }
                for (int k = 0; k < na; k++) {
                    proof_t p = *orig;
                    site_t s[MAXSITES];
                    sites_of(&p, s);
                    s[si].vec->f[fi].op[oi] = alt[k];
                    char what[160];
                    snprintf(what, sizeof what, "%s[%d] op %d: %s %lld -> %s %lld",
                             site_name(&p0, &s0[si]), fi, oi,
                             dx_fop_info(o->op)->name, (long long)o->imm,
                             dx_fop_info(alt[k].op)->name, (long long)alt[k].imm);
                    judge_proof(c, &p, what);
                }
            }
        }
    }
}

/* Every formula dropped, duplicated, negated, replaced by true, by false. */
static void mutate_forms(mctx_t *c, const proof_t *orig)
{
    static const char *const names[] = {"dropped", "duplicated", "negated", "true", "false"};
    proof_t p0 = *orig;
    site_t s0[MAXSITES];
    int ns = sites_of(&p0, s0);
    for (int si = 0; si < ns; si++) {
        for (int fi = 0; fi < s0[si].vec->n; fi++) {
            for (int k = 0; k < 5; k++) {
                proof_t p = *orig;
                site_t s[MAXSITES];
                sites_of(&p, s);
                forms_t *v = s[si].vec;
                form_t *f = &v->f[fi];
                if (k == 0) {
                    memmove(f, f + 1, (size_t)(v->n - fi - 1) * sizeof *f);
                    v->n--;
                } else if (k == 1) {
                    if (v->n == MAXFORMS)
                        continue;
                    v->f[v->n++] = *f;
                } else if (k == 2) {
                    f->op[f->n++] = (fop_t){DX_F_NOT, 0};
                } else {
                    *f = k == 3 ? FORM(OP(TRUE)) : FORM(OP(FALSE));
                }
                char what[96];
                snprintf(what, sizeof what, "%s[%d] %s", site_name(&p0, &s0[si]),
                         fi, names[k]);
                judge_proof(c, &p, what);
            }
        }
    }
}

/* Function indices, loop ordinals, whole entries. */
static void mutate_funcs(mctx_t *c, const proof_t *orig)
{
    for (int i = 0; i < orig->nfuncs; i++) {
        for (int k = 0; k < 6; k++) {
            proof_t p = *orig;
            fproof_t *f = &p.fn[i];
            static const char *const names[] = {"func + 1", "func - 1", "dropped", "loop + 1",
                                                "loop dropped", "func + 1, loop dropped"};
            if (k == 5 && !f->has_loop)
                continue;
            if (k == 0 || k == 5) {
                f->func++;
                f->has_loop &= k == 0;
            } else if (k == 1) {
                if (f->func == 0)
                    continue;
                f->func--;
            } else if (k == 2) {
                memmove(f, f + 1, (size_t)(p.nfuncs - i - 1) * sizeof *f);
                p.nfuncs--;
            } else {
                if (!f->has_loop)
                    continue;
                if (k == 3)
                    f->loop++;
                else
                    f->has_loop = false;
            }
            char what[64];
            snprintf(what, sizeof what, "entry %d (func %u): %s", i, orig->fn[i].func, names[k]);
            judge_proof(c, &p, what);
        }
    }
}

/* A range's bounds, its global, the range dropped. */
static void mutate_ranges(mctx_t *c, const proof_t *orig)
{
    for (int i = 0; i < orig->nranges; i++) {
        for (int which = 0; which < 2; which++) {
            uint64_t v = which ? orig->range[i].hi : orig->range[i].lo;
            uint64_t vs[16] = {v + 1, v - 1, v + 4, v - 4, 0, 0x7fffffff, 0xffffffff,
                               1ull << 32};
            int n = 8;
            for (int k = 0; k < 4 && c->md->extra[k]; k++)
                vs[n++] = c->md->extra[k];
            for (int k = 0; k < n; k++) {
                if (vs[k] == v)
                    continue;
                proof_t p = *orig;
                *(which ? &p.range[i].hi : &p.range[i].lo) = vs[k];
                char what[96];
                snprintf(what, sizeof what, "range %d (global %u): %s %llu -> %llu", i,
                         orig->range[i].global, which ? "hi" : "lo", (unsigned long long)v,
                         (unsigned long long)vs[k]);
                judge_proof(c, &p, what);
            }
        }
        for (uint32_t g = 0; g < 4; g++) {
            if (g == orig->range[i].global)
                continue;
            proof_t p = *orig;
            p.range[i].global = g;
            char what[64];
            snprintf(what, sizeof what, "range %d: global %u -> %u", i, orig->range[i].global, g);
            judge_proof(c, &p, what);
        }
        proof_t p = *orig;
        memmove(&p.range[i], &p.range[i + 1], (size_t)(p.nranges - i - 1) * sizeof p.range[0]);
        p.nranges--;
        char what[32];
        snprintf(what, sizeof what, "range %d dropped", i);
        judge_proof(c, &p, what);
    }
}

/* The header: versions, flags. */
static void mutate_header(mctx_t *c, const proof_t *orig)
{
    static const struct { uint32_t version, flags_xor; const char *what; } h[] = {
        {0, 0, "version 0"}, {2, 0, "version 2"},
        {1, DX_PROOF_F_RANGES, "flags ^ 1 (the ranges vector as it was)"},
        {1, 2, "flags ^ 2"}, {1, 0x80000000u, "flags ^ 0x80000000"},
    };
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
        proof_t p = *orig;
        p.version = h[i].version;
        p.flags ^= h[i].flags_xor;
        judge_proof(c, &p, h[i].what);
    }
    proof_t p = *orig; /* bit 0 and the vector together: an empty one, or none */
    p.flags ^= DX_PROOF_F_RANGES;
    p.ranges_vec = p.flags & DX_PROOF_F_RANGES;
    p.nranges = 0;
    judge_proof(c, &p, p.ranges_vec ? "an empty ranges vector" : "no ranges vector");
}

/* Random bytes of the serialized payload flipped, one to three at once. */
static void mutate_bytes(mctx_t *c, const proof_t *orig, int count, uint64_t seed)
{
    wb_t b;
    layout_t lay;
    build(c->md, orig, &b, &lay);
    uint8_t *copy = malloc(b.n);
    UT_CHECK(copy != NULL);
    uint64_t rng = seed;
    for (int i = 0; i < count; i++) {
        memcpy(copy, b.p, b.n);
        int flips = 1 + (int)(ut_rand(&rng) % 3);
        char what[96];
        int len = snprintf(what, sizeof what, "bytes");
        for (int k = 0; k < flips; k++) {
            size_t at = lay.payload + ut_rand(&rng) % (lay.end - lay.payload);
            uint64_t r = ut_rand(&rng);
            uint8_t x = (r & 1) ? (uint8_t)(1u << ((r >> 1) % 8)) : (uint8_t)((r >> 8) | 1);
            copy[at] ^= x;
            len += snprintf(what + len, sizeof what - (size_t)len, " [0x%zx]^=%02x", at, x);
        }
        judge(c, copy, b.n, what);
    }
    free(copy);
    wb_free(&b);
}

/* ---- the cases ----------------------------------------------------------------------------- */
static void init_ctx(mctx_t *c, mod_t *md)
{
    memset(c, 0, sizeof *c);
    c->md = md;
    static wit_t store[4096]; /* one context at a time */
    c->ws = (wits_t){store, 0, (int)(sizeof store / sizeof store[0])};
    fill_pattern();
    proof_t p;
    original(md, &p);
    wb_t b;
    layout_t lay;
    build(md, &p, &b, &lay); /* fills md->at */
    wb_free(&b);
    /* the claims' witnesses: what the original does with every input */
    for (int i = 0; i < md->ngood; i++)
        md->model(NULL, md->good[i].arg, &c->ws);
    for (int i = 0; i < md->nbad; i++)
        md->model(NULL, md->bad[i].arg, &c->ws);
}


static dx_solve_t access_verdict(const dx_vc_t *v, size_t insn)
{
    for (size_t i = 0; i < v->nobs; i++)
        if (v->obs[i].insn == insn && v->obs[i].kind <= DX_OB_STORE)
            return (dx_solve_t)v->obs[i].verdict;
    return DX_SOLVE_ERROR;
}

/* A module with its original annotations, loaded and decoded. */
typedef struct {
    wb_t b;
    dx_arena_t ar;
    dx_module_t m;
    dx_proof_t pr;
} loaded_t;

static void load_proof(mod_t *md, const proof_t *p, loaded_t *out)
{
    layout_t lay;
    build(md, p, &out->b, &lay);
    cur_bytes = out->b.p, cur_size = out->b.n;
    dx_arena_init_malloc(&out->ar);
    dx_error_t err;
    UT_CHECK(dx_module_load(out->b.p, out->b.n, &out->ar, &out->m, &err));
    UT_CHECK(dx_proof_decode(&out->m, NULL, 0, &out->ar, &out->pr, &err));
}

static void unload(loaded_t *l)
{
    dx_arena_free(&l->ar);
    wb_free(&l->b);
}

/* The original verifies with every claim proved (with the default budget
 * and with none), its annotated accesses proved and those that can go out
 * of bounds not; strategy checked runs every input as the model says (the
 * out-of-bounds ones trap), and so does strategy proved. */
static void check_original(mod_t *md)
{
    mctx_t c;
    init_ctx(&c, md);
    proof_t p;
    original(md, &p);
    loaded_t l;
    load_proof(md, &p, &l);
    UT_CHECK(known_false(&l.m, &l.pr, &c.ws) == NULL); /* the model finds it true */
    /* no budget, the default one, and dogma-run's options (NULL: the
     * solver is not asked about accesses, which only the first pass then
     * proves) */
    static const dx_vc_opts_t unlimited = {0, true};
    const dx_vc_opts_t *opts[] = {&unlimited, &solver_opts, NULL};
    for (int k = 0; k < 3; k++) {
        dx_vc_t v;
        dx_error_t err;
        UT_CHECK(dx_vc_module(&l.m, &l.pr, opts[k], &l.ar, &v, &err));
        UT_CHECK(!v.refuted && !v.annotations_dropped && v.claims_unproved == 0);
        if (!opts[k])
            continue;
        uint64_t claims = 0;
        for (int kind = DX_OB_PRE; kind < DX_OB_KINDS; kind++) {
            UT_EQ(v.counts[kind][DX_SOLVE_REFUTED], 0);
            claims += v.counts[kind][DX_SOLVE_PROVED];
        }
        UT_CHECK(claims > 0);
        for (int i = 0; i < md->nproved; i++)
            UT_EQ(access_verdict(&v, md->at[i]), DX_SOLVE_PROVED);
        for (size_t i = 0; i < v.nobs; i++)
            if (v.obs[i].kind <= DX_OB_STORE && md->unsafe(md->at, &l.pr, v.obs[i].insn))
                UT_CHECK(v.obs[i].verdict != DX_SOLVE_PROVED);
    }
    for (int i = 0; i < md->nbad; i++)
        UT_CHECK(!md->model(&l.pr, md->bad[i].arg, NULL).returned);
    dx_x64_opts_t o = {.strategy = DX_STRATEGY_CHECKED};
    dx_x64_t x;
    dx_error_t err;
    UT_CHECK(dx_x64_translate(&l.m, &o, &l.ar, &x, &err));
    for (int i = 0; i < md->ngood; i++)
        run_one(&c, &l.m, &x, DX_STRATEGY_CHECKED, NULL, &md->good[i], false, "checked");
    for (int i = 0; i < md->nbad; i++)
        run_one(&c, &l.m, &x, DX_STRATEGY_CHECKED, NULL, &md->bad[i], true, "checked");
    judge(&c, l.b.p, l.b.n, "the original");
    UT_EQ(c.findings, 0);
    UT_CHECK(c.accepted == 1 && c.safe == 1);
    unload(&l);
}

UT_TEST(array_original_proves_its_loads) { check_original(&mod_array); }
UT_TEST(clamp_original_proves_its_load) { check_original(&mod_clamp); }
UT_TEST(frame_original_proves_its_frame) { check_original(&mod_frame); }

/* The detector itself: a hook that vouches for every access drops slow's
 * checks, and an input past the end then faults on the reservation, which
 * from_stub tells from a check's trap (strategy checked, same input). */
UT_TEST(detector_sees_a_dropped_check)
{
    mctx_t c;
    init_ctx(&c, &mod_array);
    proof_t p;
    original(&mod_array, &p);
    loaded_t l;
    load_proof(&mod_array, &p, &l);
    for (int lie = 0; lie < 2; lie++) {
        hook_t h = {.lie = lie};
        dx_x64_opts_t o = {.strategy = lie ? DX_STRATEGY_PROVED : DX_STRATEGY_CHECKED,
                           .proved = proved_hook, .range = range_hook, .proved_ctx = &h};
        dx_x64_t x;
        dx_error_t err;
        UT_CHECK(dx_x64_translate(&l.m, &o, &l.ar, &x, &err));
        dr_opts_t ro = {.strategy = o.strategy, .max_memory = RESERVE, .max_stack = 1u << 20};
        dr_inst_t *in = dr_instantiate(&l.m, &x, "array", &ro);
        UT_CHECK(in != NULL && dr_start(in));
        memcpy(in->mem, pattern, MEM);
        uint64_t args[2] = {MEM - 8, 4}, res[1];
        UT_CHECK(!dr_call_func(in, mod_array.entry, args, res));
        UT_EQ(in->trap, DX_TRAP_MEMORY);
        UT_CHECK(from_stub(in, &x) == !lie);
        dr_free(in);
    }
    unload(&l);
}

/* ---- mutating ---------------------------------------------------------------------------- */
enum { NFLIPS = 100 };

static void mutate_module(mod_t *md, uint64_t seed)
{
    mctx_t c;
    init_ctx(&c, md);
    proof_t p;
    original(md, &p);
    mutate_ops(&c, &p);
    mutate_forms(&c, &p);
    mutate_funcs(&c, &p);
    mutate_ranges(&c, &p);
    mutate_header(&c, &p);
    uint64_t systematic = c.tried;
    mutate_bytes(&c, &p, NFLIPS, seed);
    printf("mutate: %s: %llu mutations (%llu edits, %llu byte flips): %llu rejected by the "
           "decoder, %llu refuted (%llu of them false where the model ran), %llu accepted, "
           "%llu of them safe (%llu with the annotations dropped)\n",
           md->name, (unsigned long long)c.tried, (unsigned long long)systematic,
           (unsigned long long)(c.tried - systematic), (unsigned long long)c.rejected,
           (unsigned long long)c.refuted, (unsigned long long)c.known_false,
           (unsigned long long)c.accepted, (unsigned long long)c.safe,
           (unsigned long long)c.dropped);
    fflush(stdout);
    UT_EQ(c.findings, 0);
    UT_EQ(c.safe, c.accepted);
    UT_CHECK(c.rejected > 0 && c.refuted > 0 && c.known_false > 0 && c.accepted > 0);
}

UT_TEST(array_mutants) { mutate_module(&mod_array, 0x9e3779b97f4a7c15ull); }
UT_TEST(clamp_mutants) { mutate_module(&mod_clamp, 0x2545f4914f6cdd1dull); }
UT_TEST(frame_mutants) { mutate_module(&mod_frame, 0xd1b54a32d192ed03ull); }

/* ---- what a refutation says ---------------------------------------------------------------- */
/* Verifies p on md as dogma-verify does (default options): it must be
 * refuted, of kind `kind` in function func at the instruction md->at[at]
 * (at < 0: offset 0), naming the formula `want`. Returns the diagnostic
 * dogma-verify prints for file `path`. */
static void refuted_as(mod_t *md, const proof_t *p, const dx_expr_t *(*want)(const dx_proof_t *),
                       dx_ob_kind_t kind, uint32_t func, int at, const char *path,
                       char *out, size_t len, loaded_t *l)
{
    mctx_t c;
    init_ctx(&c, md);
    load_proof(md, p, l);
    const dx_expr_t *e = want(&l->pr);
    UT_CHECK(known_false(&l->m, &l->pr, &c.ws) == e); /* the model knows it false */
    dx_vc_t v;
    dx_error_t err;
    UT_CHECK(dx_vc_module(&l->m, &l->pr, NULL, &l->ar, &v, &err));
    UT_CHECK(v.refuted);
    UT_EQ(v.refutation.kind, kind);
    UT_EQ(v.refutation.func, func);
    UT_EQ(v.refutation.insn, at < 0 ? 0 : md->at[at]); /* init_ctx filled md->at */
    UT_EQ(v.annotation, e->offset);
    /* report_claims (libabi/tools/dogma-verify.c) */
    size_t n = dx_vc_render_refutation(&v, path, out, len);
    UT_CHECK(n < len);
    snprintf(out + n, len - n, ": the module's proof claims something that is false; it is "
             "rejected\n");
}

static const dx_expr_t *first_pre(const dx_proof_t *pr) { return &pr->funcs[0].pre[0]; }
static const dx_expr_t *first_post(const dx_proof_t *pr) { return &pr->funcs[0].post[0]; }
static const dx_expr_t *second_inv(const dx_proof_t *pr) { return &pr->invariants[1]; }

/* What dogma-verify prints for the module in l, run on a copy in a file. */
static void dogma_verify(const loaded_t *l, const char *path, const char *want)
{
#ifdef DOGMA_VERIFY
    FILE *f = fopen(path, "wb");
    UT_CHECK(f != NULL && fwrite(l->b.p, 1, l->b.n, f) == l->b.n && fclose(f) == 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' '%s' 2>&1 >/dev/null", DOGMA_VERIFY, path);
    FILE *p = popen(cmd, "r");
    UT_CHECK(p != NULL);
    char got[1024];
    size_t n = fread(got, 1, sizeof got - 1, p);
    got[n] = 0;
    int status = pclose(p);
    unlink(path);
    UT_STREQ(got, want);
    UT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
#else
    (void)l, (void)path, (void)want;
#endif
}

/* A forged proof's error is actionable: it names the false annotation's
 * offset, the kind of claim, and the function and instruction where it
 * fails: the precondition p + 5n <= memsize at the call in sum (the
 * caller's test gives p + 4n only), the postcondition r < 4096 at clamp's
 * end (x = 4099 gives 4099), the module invariant 0x7fffffff <= sp
 * initially. */
UT_TEST(refutation_names_the_annotation)
{
    char path[64], want[512];
    snprintf(path, sizeof path, "/tmp/unit-mutate-%d.wasm", (int)getpid());
    loaded_t l;
    proof_t p;
    original(&mod_array, &p);
    p.fn[0].pre.f[0].op[4].imm = 5;
    refuted_as(&mod_array, &p, first_pre, DX_OB_PRE, 1, A_CALL_FAST, path, want,
               sizeof want, &l);
    UT_CONTAINS(want, "error: annotation refuted (pre, in func 1 at 0x");
    dogma_verify(&l, path, want);
    unload(&l);

    original(&mod_clamp, &p);
    p.fn[0].post.f[0].op[1].imm = 4096;
    refuted_as(&mod_clamp, &p, first_post, DX_OB_POST, 0, B_CLAMP_END, path, want, sizeof want, &l);
    dogma_verify(&l, path, want);
    unload(&l);

    original(&mod_frame, &p);
    p.inv.f[1].op[0].imm = 0x7fffffff;
    refuted_as(&mod_frame, &p, second_inv, DX_OB_INVARIANT, DX_VC_INITIALLY, -1, path, want,
               sizeof want, &l);
    UT_CONTAINS(want, "error: annotation refuted (invariant, initially): ");
    dogma_verify(&l, path, want);
    unload(&l);
}
