/*
 * The dogma.proof section's decoder (spec/format.md section 5): the first
 * layer of the proofs, which checks that the producer's claims are well
 * formed before anything believes or proves them.
 *
 * The section is read once, front to back, with the module decoder's byte
 * reader (format/reader.h), so every count is checked against the bytes
 * that remain before anything is allocated for it. A formula is checked as
 * it is read, like a WebAssembly constant expression: a typed stack of at
 * most DX_PROOF_MAX_STACK entries, in a reader bounded by the formula's own
 * length, so an immediate cannot run into the next formula. What a formula
 * may name depends on where it stands (a scope): module invariants name
 * globals and the memory size, pre- and postconditions also the
 * parameters, postconditions the results, loop invariants every local.
 *
 * Declared global ranges (flags bit 0) are checked against the module: a
 * mutable i32 or i64 global each, bounds within its width, and its constant
 * initializer inside the range (read with dx_const_insn).
 *
 * Loop ordinals are checked against the number of `loop` instructions in
 * the body, counted with the instruction reader (dx_code_*), once per
 * function that has loop invariants: time stays linear in the module.
 *
 * The decoded form keeps each formula's code as the module's bytes; the
 * verification conditions walk it again with dx_expr_next(), which reads
 * operations with the same function as the checker (rd_fop).
 */
#include <dogma/proof.h>

#include "../format/reader.h"

/* ---- the operation table (proof.def) ------------------------------------------ */

static const dx_fopinfo_t fops[0x54] = {
#define DX_FOP(id, byte, nm, inf, sh) [byte] = {nm, inf, DX_FS_##sh},
#include <dogma/proof.def>
#undef DX_FOP
};

const dx_fopinfo_t *dx_fop_info(uint8_t op)
{
    return op < sizeof fops / sizeof fops[0] && fops[op].name ? &fops[op] : 0;
}

/* Reads one operation and its immediate at r->pos; offsets are r's plus
 * base. Encoding errors of the immediate stay the reader's (a truncated or
 * overlong LEB128), pointing at the byte. */
static bool rd_fop(dx_reader_t *r, size_t base, dx_fop_t *out, const dx_fopinfo_t **out_info)
{
    size_t at = r->pos;
    uint8_t op = dx_rd_u8(r);
    if (r->failed)
        return false;
    const dx_fopinfo_t *fi = dx_fop_info(op);
    if (!fi) {
        dx_rd_fail(r, DX_E_PROOF_OPCODE, base + at, 0, op);
        return false;
    }
    out->op = op;
    out->offset = base + at;
    out->u.i64 = 0;
    switch ((dx_fshape_t)fi->shape) {
    case DX_FS_I32: out->u.i32 = dx_rd_s32(r); break;
    case DX_FS_I64: out->u.i64 = dx_rd_s64(r); break;
    case DX_FS_LOCAL:
    case DX_FS_GLOBAL:
    case DX_FS_RESULT: out->u.index = dx_rd_u32(r); break;
    default: break;
    }
    *out_info = fi;
    return !r->failed;
}

bool dx_expr_next(const dx_expr_t *e, size_t *pos, dx_fop_t *out)
{
    if (*pos >= e->len)
        return false;
    dx_error_t err;
    dx_reader_t r;
    const dx_fopinfo_t *fi;
    /* offsets relative to the code, rebased on the expression's */
    dx_rd_init(&r, e->code, *pos, e->len, &err);
    if (!rd_fop(&r, e->offset, out, &fi))
        return false;
    *pos = r.pos;
    return true;
}

/* ---- decoder state --------------------------------------------------------------- */

typedef enum { SC_INVARIANT, SC_PRE, SC_POST, SC_LOOP } scope_kind_t;

/* Where a formula stands: what it may name. */
typedef struct scope {
    scope_kind_t kind;
    uint32_t func;      /* DX_NO_FUNC for module invariants */
    uint32_t nparams;
    uint32_t nlocals;   /* parameters included */
    const dx_functype_t *type;
} scope_t;

typedef struct pdec {
    dx_reader_t r;      /* over the section's payload; module offsets */
    const dx_module_t *m;
    dx_arena_t *ar;
    dx_proof_t *p;
    uint32_t func;      /* the function being read, for errors */
    dx_code_t code;     /* the instruction reader, to count loops */
} pdec_t;

/* Records the first error (the reader's sticky one) and returns false. */
static bool fail(dx_reader_t *r, dx_err_t code, size_t at, uint64_t expected,
                 uint64_t actual)
{
    dx_rd_fail(r, code, at, expected, actual);
    return false;
}

/* n elements of size bytes, or NULL for none. n is at most the bytes left
 * in the module (dx_rd_count), so the product cannot overflow. */
static void *alloc_n(pdec_t *d, uint32_t n, size_t size, size_t at)
{
    if (d->r.failed || n == 0)
        return 0;
    void *p = dx_arena_alloc(d->ar, (size_t)n * size);
    if (!p)
        fail(&d->r, DX_E_TOO_LARGE, at, 0, n);
    return p;
}

/* ---- formulas ------------------------------------------------------------------------ */

static bool is_int(dx_valtype_t t) { return t == DX_T_I32 || t == DX_T_I64; }

/* The type a naming operation pushes, after checking the name is one the
 * scope allows (spec/format.md 5.1), or DX_T_ANY after an error. */
static dx_valtype_t name_type(dx_reader_t *c, const dx_module_t *m, const scope_t *s,
                              const dx_fop_t *f, dx_fshape_t shape)
{
    uint32_t i = f->u.index;
    size_t at = f->offset;
    dx_valtype_t t;
    if (shape == DX_FS_LOCAL) {
        if (s->kind == SC_INVARIANT)
            return fail(c, DX_E_PROOF_SCOPE, at, 0, f->op), DX_T_ANY;
        if (i >= s->nlocals)
            return fail(c, DX_E_PROOF_LOCAL, at, s->nlocals, i), DX_T_ANY;
        /* pre/post run at entry: only the parameters have values there */
        if (s->kind != SC_LOOP && i >= s->nparams)
            return fail(c, DX_E_PROOF_SCOPE, at, 0, f->op), DX_T_ANY;
        t = dx_func_local_type(m, s->func, i);
    } else if (shape == DX_FS_GLOBAL) {
        if (i >= m->nglobals)
            return fail(c, DX_E_PROOF_GLOBAL, at, m->nglobals, i), DX_T_ANY;
        t = m->globals[i].type;
    } else {
        if (s->kind != SC_POST)
            return fail(c, DX_E_PROOF_SCOPE, at, 0, f->op), DX_T_ANY;
        if (i >= s->type->nresults)
            return fail(c, DX_E_PROOF_RESULT_INDEX, at, s->type->nresults, i), DX_T_ANY;
        t = s->type->results[i];
    }
    /* the formulas' only sorts are bit-vectors and bool */
    if (!is_int(t))
        return fail(c, DX_E_PROOF_NOT_INT, at, 0, t), DX_T_ANY;
    return t;
}

/* Pops the operands of operation f (shape) off st[0..*n) and returns the
 * type it pushes, or DX_T_ANY after an error. */
static dx_valtype_t apply(dx_reader_t *c, const dx_fop_t *f, dx_fshape_t shape,
                          const dx_valtype_t *st, uint32_t *n)
{
    static const uint8_t npop[] = {
        [DX_FS_ARITH] = 2, [DX_FS_CMP] = 2, [DX_FS_LOGIC] = 2,
        [DX_FS_EXTEND] = 1, [DX_FS_WRAP] = 1, [DX_FS_NOT] = 1,
    };
    uint32_t k = shape < sizeof npop ? npop[shape] : 0;
    size_t at = f->offset;
    if (*n < k)
        return fail(c, DX_E_PROOF_UNDERFLOW, at, k, *n), DX_T_ANY;
    /* a the deeper operand, b the top one (a itself for one operand) */
    dx_valtype_t a = k ? st[*n - k] : DX_T_ANY, b = k == 2 ? st[*n - 1] : a;
    *n -= k;
    switch (shape) {
    case DX_FS_ARITH:
    case DX_FS_CMP:
        if (!is_int(a))
            return fail(c, DX_E_PROOF_NOT_INT, at, 0, a), DX_T_ANY;
        if (b != a)
            return fail(c, DX_E_PROOF_TYPE, at, a, b), DX_T_ANY;
        return shape == DX_FS_ARITH ? a : DX_T_BOOL;
    case DX_FS_EXTEND:
        if (a != DX_T_I32)
            return fail(c, DX_E_PROOF_TYPE, at, DX_T_I32, a), DX_T_ANY;
        return DX_T_I64;
    case DX_FS_WRAP:
        if (a != DX_T_I64)
            return fail(c, DX_E_PROOF_TYPE, at, DX_T_I64, a), DX_T_ANY;
        return DX_T_I32;
    case DX_FS_NOT:
    case DX_FS_LOGIC:
        if (a != DX_T_BOOL)
            return fail(c, DX_E_PROOF_TYPE, at, DX_T_BOOL, a), DX_T_ANY;
        if (b != DX_T_BOOL)
            return fail(c, DX_E_PROOF_TYPE, at, DX_T_BOOL, b), DX_T_ANY;
        return DX_T_BOOL;
    case DX_FS_BOOL: return DX_T_BOOL;
    case DX_FS_I32: return DX_T_I32;
    case DX_FS_I64:
    case DX_FS_MEMSIZE: return DX_T_I64;
    default: return DX_T_ANY; /* the naming shapes: name_type's */
    }
}

/* Checks the code c->pos..c->end of one formula: every operation known,
 * well typed and allowed in scope s, and exactly one bool left. */
static bool check_code(dx_reader_t *c, const dx_module_t *m, const scope_t *s)
{
    dx_valtype_t st[DX_PROOF_MAX_STACK];
    uint32_t n = 0;
    while (c->pos < c->end) {
        dx_fop_t f;
        const dx_fopinfo_t *fi;
        if (!rd_fop(c, 0, &f, &fi))
            return false;
        dx_fshape_t shape = (dx_fshape_t)fi->shape;
        dx_valtype_t t = shape == DX_FS_LOCAL || shape == DX_FS_GLOBAL ||
                                 shape == DX_FS_RESULT
                             ? name_type(c, m, s, &f, shape)
                             : apply(c, &f, shape, st, &n);
        if (t == DX_T_ANY)
            return false;
        /* every operation pushes one value: the bound is checked here */
        if (n == DX_PROOF_MAX_STACK)
            return fail(c, DX_E_PROOF_STACK, f.offset, DX_PROOF_MAX_STACK, n + 1);
        st[n++] = t;
    }
    /* Errors about the whole formula point just past its code. */
    if (n != 1)
        return fail(c, DX_E_PROOF_RESULT, c->end, 1, n);
    if (st[0] != DX_T_BOOL)
        return fail(c, DX_E_PROOF_TYPE, c->end, DX_T_BOOL, st[0]);
    return true;
}

/* expr := len:u32 code:byte^len */
static void rd_expr(pdec_t *d, const scope_t *s, dx_expr_t *out)
{
    dx_reader_t *r = &d->r;
    size_t at = r->pos;
    uint32_t len = dx_rd_u32(r);
    if (r->failed)
        return;
    if (len > DX_PROOF_MAX_CODE) {
        fail(r, DX_E_PROOF_CODE_SIZE, at, DX_PROOF_MAX_CODE, len);
        return;
    }
    if (len > dx_rd_left(r)) {
        fail(r, DX_E_LENGTH, at, dx_rd_left(r), len);
        return;
    }
    out->offset = r->pos;
    out->len = len;
    out->code = r->bytes + r->pos;
    /* A reader of its own, ending with the code: an immediate cut short
     * fails there instead of reading the next formula's bytes. */
    dx_reader_t c;
    dx_rd_init(&c, r->bytes, r->pos, r->pos + len, r->err);
    if (!check_code(&c, d->m, s)) {
        r->failed = true;
        r->pos = r->end;
        return;
    }
    r->pos += len;
    d->p->nformulas++;
}

/* vec(expr): a conjunction */
static uint32_t rd_exprs(pdec_t *d, const scope_t *s, const dx_expr_t **out)
{
    size_t at = d->r.pos;
    uint32_t n = dx_rd_count(&d->r, 1); /* a formula is at least its len */
    dx_expr_t *v = alloc_n(d, n, sizeof *v, at);
    for (uint32_t i = 0; i < n && !d->r.failed; i++)
        rd_expr(d, s, &v[i]);
    *out = v;
    return d->r.failed ? 0 : n;
}

/* ---- functions ------------------------------------------------------------------ */

/* The number of loop instructions in func's body. A body dx_module_load
 * accepted always decodes; otherwise the reader's error stands. */
static bool count_loops(pdec_t *d, uint32_t func, uint32_t *out_n)
{
    dx_code_init(&d->code, d->m, func, d->ar);
    uint32_t n = 0;
    dx_insn_t in;
    while (dx_code_more(&d->code)) {
        if (!dx_code_next(&d->code, &in, d->r.err)) {
            d->r.failed = true;
            d->r.pos = d->r.end;
            return false;
        }
        n += in.op == DX_OP_LOOP;
    }
    *out_n = n;
    return true;
}

/* loops:vec(loopinv), by strictly increasing ordinal below the body's
 * count of loops. */
static void rd_loops(pdec_t *d, scope_t *s, dx_funcproof_t *fp)
{
    dx_reader_t *r = &d->r;
    size_t at = r->pos;
    uint32_t n = dx_rd_count(r, 2); /* ordinal, empty vec */
    dx_loopinv_t *v = alloc_n(d, n, sizeof *v, at);
    uint32_t nloops = 0;
    if (n && !r->failed && !count_loops(d, fp->func, &nloops))
        return;
    s->kind = SC_LOOP;
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        at = r->pos;
        v[i].loop = dx_rd_u32(r);
        if (r->failed)
            return;
        if (v[i].loop >= nloops) {
            fail(r, DX_E_PROOF_LOOP, at, nloops, v[i].loop);
            return;
        }
        if (i && v[i].loop <= v[i - 1].loop) {
            fail(r, DX_E_PROOF_LOOP_ORDER, at, 0, 0);
            return;
        }
        v[i].ninv = rd_exprs(d, s, &v[i].inv);
    }
    fp->loops = v;
    fp->nloops = r->failed ? 0 : n;
}

/* hints:vec(u32), each below the number of lemmas */
static void rd_hints(pdec_t *d, dx_funcproof_t *fp)
{
    dx_reader_t *r = &d->r;
    size_t at = r->pos;
    uint32_t n = dx_rd_count(r, 1);
    uint32_t *v = alloc_n(d, n, sizeof *v, at);
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        at = r->pos;
        v[i] = dx_rd_u32(r);
        if (!r->failed && v[i] >= d->p->nlemmas)
            fail(r, DX_E_PROOF_HINT, at, d->p->nlemmas, v[i]);
    }
    fp->hints = v;
    fp->nhints = r->failed ? 0 : n;
}

/* funcproof := func pre post loops hints, func a defined function's index
 * above the previous entry's (prev; none for the first). */
static void rd_funcproof(pdec_t *d, const dx_funcproof_t *prev, dx_funcproof_t *fp)
{
    dx_reader_t *r = &d->r;
    const dx_module_t *m = d->m;
    fp->offset = r->pos;
    d->func = DX_NO_FUNC;
    uint32_t f = dx_rd_u32(r);
    if (r->failed)
        return;
    if (f >= m->nfuncs) {
        fail(r, DX_E_PROOF_FUNC, fp->offset, m->nfuncs, f);
        return;
    }
    d->func = f;
    /* an import's body is not ours to prove; its contract is its ABI's */
    if (m->funcs[f].imported) {
        fail(r, DX_E_PROOF_FUNC_IMPORTED, fp->offset, 0, 0);
        return;
    }
    /* strictly increasing: one entry per function, found by bisection */
    if (prev && f <= prev->func) {
        fail(r, DX_E_PROOF_FUNC_ORDER, fp->offset, 0, 0);
        return;
    }
    fp->func = f;
    const dx_functype_t *t = dx_func_type(m, f);
    scope_t s = {SC_PRE, f, t->nparams, t->nparams + m->funcs[f].nlocals, t};
    fp->npre = rd_exprs(d, &s, &fp->pre);
    s.kind = SC_POST;
    fp->npost = rd_exprs(d, &s, &fp->post);
    rd_loops(d, &s, fp);
    rd_hints(d, fp);
}

static void rd_funcs(pdec_t *d)
{
    size_t at = d->r.pos;
    uint32_t n = dx_rd_count(&d->r, 5); /* func and four empty vecs */
    dx_funcproof_t *v = alloc_n(d, n, sizeof *v, at);
    for (uint32_t i = 0; i < n && !d->r.failed; i++)
        rd_funcproof(d, i ? &v[i - 1] : 0, &v[i]);
    if (!d->r.failed)
        d->func = DX_NO_FUNC; /* else the error's function */
    d->p->funcs = v;
    d->p->nfuncs = d->r.failed ? 0 : n;
}

/* ---- declared global ranges ---------------------------------------------------- */

/* The global's initial value must lie in [g->lo, g->hi]: the range holds
 * from the start, and a verifier assumes it before any global.set. Only a
 * constant initializer says what the value is: an imported global's comes
 * from its provider, a global.get's from another global, so neither can
 * carry a range. The module is valid, so the constant has the global's
 * type; an i32 is read unsigned, like the bounds. */
static void check_init(pdec_t *d, const dx_grange_t *g, const dx_global_t *gl)
{
    dx_insn_t k;
    size_t end;
    bool known = !gl->imported && dx_const_insn(d->m, gl->init.off, &k, &end) &&
                 (k.op == DX_OP_I32_CONST || k.op == DX_OP_I64_CONST);
    uint64_t v = !known ? 0
               : k.op == DX_OP_I32_CONST ? (uint64_t)(uint32_t)k.u.i32
                                         : (uint64_t)k.u.i64;
    if (!known || v < g->lo || v > g->hi)
        fail(&d->r, DX_E_PROOF_RANGE_INIT, g->offset, 0, v);
}

/* grange := global lo:u64 hi:u64, global a mutable i32 or i64 above the
 * previous entry's (prev; none for the first). */
static void rd_grange(pdec_t *d, const dx_grange_t *prev, dx_grange_t *g)
{
    dx_reader_t *r = &d->r;
    const dx_module_t *m = d->m;
    g->offset = r->pos;
    g->global = dx_rd_u32(r);
    if (r->failed)
        return;
    if (g->global >= m->nglobals) {
        fail(r, DX_E_PROOF_GLOBAL, g->offset, m->nglobals, g->global);
        return;
    }
    const dx_global_t *gl = &m->globals[g->global];
    /* an immutable global is its initializer, nothing to declare; the
     * verifier's values are bit-vectors, so only integers have ranges */
    if (!gl->mutable_ || !is_int(gl->type)) {
        fail(r, DX_E_PROOF_RANGE_GLOBAL, g->offset, 0, gl->type);
        return;
    }
    /* strictly increasing: one range per global, found by bisection */
    if (prev && g->global <= prev->global) {
        fail(r, DX_E_PROOF_RANGE_ORDER, g->offset, 0, 0);
        return;
    }
    size_t lo_at = r->pos;
    g->lo = dx_rd_u64(r);
    size_t hi_at = r->pos;
    g->hi = dx_rd_u64(r);
    if (r->failed)
        return;
    /* bounds the global cannot reach would let a verifier assume what no
     * value satisfies; an empty range likewise */
    uint64_t max = gl->type == DX_T_I32 ? UINT32_MAX : UINT64_MAX;
    if (g->lo > max)
        fail(r, DX_E_PROOF_RANGE_BOUNDS, lo_at, g->hi, g->lo);
    else if (g->hi > max || g->lo > g->hi)
        fail(r, DX_E_PROOF_RANGE_BOUNDS, hi_at, g->hi, g->lo);
    else
        check_init(d, g, gl);
}

/* ranges:vec(grange), by strictly increasing global index */
static void rd_ranges(pdec_t *d)
{
    size_t at = d->r.pos;
    uint32_t n = dx_rd_count(&d->r, 3); /* global, lo, hi: a byte each */
    dx_grange_t *v = alloc_n(d, n, sizeof *v, at);
    for (uint32_t i = 0; i < n && !d->r.failed; i++)
        rd_grange(d, i ? &v[i - 1] : 0, &v[i]);
    d->p->ranges = v;
    d->p->nranges = d->r.failed ? 0 : n;
}

/* ---- lemmas ------------------------------------------------------------------------ */

/* A lemma is a file of the theorem library, spec/lemmas/NAME.smt2: its
 * name must be one a file can have there, whatever the library holds. */
static bool lemma_name_ok(dx_name_t n)
{
    if (n.len == 0 || n.len > DX_PROOF_MAX_LEMMA)
        return false;
    for (uint32_t i = 0; i < n.len; i++) {
        char c = n.ptr[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

static bool lemma_known(dx_name_t n, const char *const *known, size_t nknown)
{
    for (size_t i = 0; i < nknown; i++) {
        const char *k = known[i];
        uint32_t j = 0;
        while (j < n.len && k[j] == n.ptr[j])
            j++;
        if (j == n.len && k[j] == 0)
            return true;
    }
    return false;
}

static void rd_lemmas(pdec_t *d, const char *const *known, size_t nknown)
{
    dx_reader_t *r = &d->r;
    size_t at = r->pos;
    uint32_t n = dx_rd_count(r, 2); /* a name is at least two bytes */
    dx_name_t *v = alloc_n(d, n, sizeof *v, at);
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        at = r->pos;
        v[i] = dx_rd_name(r);
        if (r->failed)
            break;
        if (!lemma_name_ok(v[i]))
            fail(r, DX_E_PROOF_LEMMA_NAME, at, 0, 0);
        else if (known && !lemma_known(v[i], known, nknown))
            fail(r, DX_E_PROOF_LEMMA, at, 0, 0);
    }
    d->p->lemmas = v;
    d->p->nlemmas = r->failed ? 0 : n;
}

/* ---- the section ------------------------------------------------------------------ */

/* version and flags; returns the flags (0 after an error). */
static uint32_t rd_header(pdec_t *d)
{
    dx_reader_t *r = &d->r;
    size_t at = r->pos;
    d->p->version = dx_rd_u32(r);
    if (!r->failed && d->p->version != DX_PROOF_VERSION) {
        fail(r, DX_E_PROOF_VERSION, at, DX_PROOF_VERSION, d->p->version);
        return 0;
    }
    at = r->pos;
    uint32_t flags = dx_rd_u32(r);
    /* an unknown bit may announce fields this decoder cannot skip; the
     * detail is the reserved bits that are set */
    uint32_t reserved = flags & ~(uint32_t)DX_PROOF_F_RANGES;
    if (!r->failed && reserved)
        fail(r, DX_E_PROOF_FLAGS, at, 0, reserved);
    return r->failed ? 0 : flags;
}

/* A broken encoding inside the section (a truncated integer, a bad name)
 * is the section's fault, not WebAssembly's: it is reported as such, with
 * the underlying rule as its detail, as for dogma.abi. A body's error
 * (count_loops on a module that was not loaded) is left as it is. */
static void finish_error(const dx_module_t *m, uint32_t func, dx_error_t *e)
{
    size_t lo = m->proof.off, hi = m->proof.off + m->proof.len;
    if (e->offset < lo || e->offset > hi)
        return;
    if (dx_err_phase(e->code) == DX_PHASE_DECODE) {
        e->actual = e->code;
        e->expected = 0;
        e->code = DX_E_PROOF_MALFORMED;
    }
    if (e->func == DX_NO_FUNC)
        e->func = func;
}

bool dx_proof_decode(const dx_module_t *m, const char *const *known, size_t nknown,
                     dx_arena_t *ar, dx_proof_t *out_proof, dx_error_t *out_err)
{
    __builtin_memset(out_proof, 0, sizeof *out_proof);
    out_err->code = DX_OK;
    if (!m->has_proof)
        return true;
    pdec_t d;
    __builtin_memset(&d, 0, sizeof d);
    d.m = m;
    d.ar = ar;
    d.p = out_proof;
    d.func = DX_NO_FUNC;
    size_t start = m->proof.off, end = m->proof.off + m->proof.len;
    dx_rd_init(&d.r, m->bytes, start, end, out_err);
    out_proof->present = true;
    uint32_t flags = rd_header(&d);
    rd_lemmas(&d, known, nknown);
    scope_t inv = {SC_INVARIANT, DX_NO_FUNC, 0, 0, 0};
    out_proof->ninvariants = rd_exprs(&d, &inv, &out_proof->invariants);
    if (flags & DX_PROOF_F_RANGES)
        rd_ranges(&d);
    rd_funcs(&d);
    if (!d.r.failed && d.r.pos != end)
        fail(&d.r, DX_E_PROOF_TRAILING, d.r.pos, m->proof.len, d.r.pos - start);
    if (d.r.failed)
        finish_error(m, d.func, out_err);
    return !d.r.failed;
}

const dx_funcproof_t *dx_proof_func(const dx_proof_t *p, uint32_t func)
{
    uint32_t lo = 0, hi = p->nfuncs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->funcs[mid].func < func)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->nfuncs && p->funcs[lo].func == func ? &p->funcs[lo] : 0;
}

const dx_grange_t *dx_proof_range(const dx_proof_t *p, uint32_t global)
{
    if (!p || !p->present)
        return 0;
    uint32_t lo = 0, hi = p->nranges;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->ranges[mid].global < global)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->nranges && p->ranges[lo].global == global ? &p->ranges[lo] : 0;
}
