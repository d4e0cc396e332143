/*
 * dogma-prove [--solver] [--budget N] [-q] MODULE.wasm -o OUT.wasm
 *
 * The producer of proofs (spec/safety.md section 10): infers annotations
 * for a module as clang builds it and writes it again with them in its
 * dogma.proof section, then checks them the way a verifier does and
 * reports the share of memory accesses proved.
 *
 * What it infers, with the first pass of the verifier (libabi/proof/
 * ranges.h) run over the whole module until nothing changes:
 *   - the shadow-stack pointer's declared range: [the end of the data
 *     below the stack, the stack's top] (a range of dogma.proof: every set
 *     outside it traps, so a C stack overflow no longer overwrites data);
 *   - for every function only the module itself calls, the ranges of its
 *     parameters over all call sites, as preconditions;
 *   - for every function, the ranges of its results, as postconditions.
 * None of it is trusted: the verifier proves every claim again, at every
 * call and every return. A claim the verifier refutes is a bug here, and
 * dogma-prove says so and fails.
 *
 * Exit status: 0 written, 1 the module is invalid or unreadable, the
 * output cannot be written or the check failed, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dogma/module.h>
#include <dogma/proof.h>

#include "../proof/ranges.h"
#include "../proof/vc.h"
#include "file.h"

static const char *prog = "dogma-prove";
#define MAX_ROUNDS 200
#define WIDEN_AFTER 4

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [--solver] [--budget N] [-q] MODULE.wasm -o OUT.wasm\n"
            "  --solver     in the check, also ask Z3 about accesses the ranges leave (slow)\n"
            "  --budget N   Z3 resource units for the check (default %llu; 0: no limit)\n"
            "  -q           no report on stdout\n"
            "exit status: 0 written, 1 invalid module, failed write or failed check, 2 usage\n",
            prog, (unsigned long long)DX_VC_DEFAULT_BUDGET);
}

/* ---- growing byte buffers ------------------------------------------------------------ */
typedef struct {
    uint8_t *p;
    size_t n, cap;
} buf_t;

static void put(buf_t *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            fprintf(stderr, "%s: out of memory\n", prog);
            exit(1);
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void byte(buf_t *b, uint8_t v) { put(b, &v, 1); }

static void uleb(buf_t *b, uint64_t v)
{
    do {
        uint8_t c = v & 0x7f;
        v >>= 7;
        byte(b, (uint8_t)(c | (v ? 0x80 : 0)));
    } while (v);
}

static void sleb(buf_t *b, int64_t v)
{
    for (;;) {
        uint8_t c = v & 0x7f;
        v >>= 7; /* arithmetic */
        bool done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
        byte(b, (uint8_t)(c | (done ? 0 : 0x80)));
        if (done)
            return;
    }
}

/* ---- the analysis -------------------------------------------------------------------------- */
typedef struct {
    const dx_module_t *m;
    dx_rg_env_t env;
    dx_rg_t **params, **results;      /* what the round assumes */
    dx_rg_t **seen_p, **seen_r;       /* what it observes */
    bool *internal;                   /* only the module calls it */
    bool *wide_p, *wide_r;            /* widened: anything from now on */
    uint32_t stack_global;            /* UINT32_MAX: none found */
    uint64_t stack_lo, stack_hi;
    uint32_t cur;                     /* the function walked */
    dx_body_t *bodies;                /* per function, read once */
} prover_t;

static void *zalloc(dx_arena_t *ar, size_t n)
{
    void *p = dx_arena_alloc(ar, n ? n : 1);
    if (p)
        memset(p, 0, n ? n : 1);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", prog);
        exit(1);
    }
    return p;
}

static unsigned width(dx_valtype_t t) { return t == DX_T_I32 || t == DX_T_F32 ? 32 : 64; }

static bool is_int(dx_valtype_t t) { return t == DX_T_I32 || t == DX_T_I64; }

/* A range as dogma.proof can say it (dx_rg_formula's forms): an upper end
 * relative to memsize only at or below it, and only for i32; otherwise the
 * upper end says nothing. */
static dx_rg_t sayable(dx_rg_t r, dx_valtype_t t)
{
    if (dx_rg_is_bottom(r) || !is_int(t))
        return r;
    if (r.mem && (r.hi > 0 || t != DX_T_I32 || r.hi < -(int64_t)UINT32_MAX)) {
        dx_rg_t top = dx_rg_top(width(t));
        r.hi = top.hi, r.mem = false;
    }
    return r;
}

static void on_calls(void *ctx, size_t insn, uint32_t callee, const dx_rg_t *args, uint32_t n)
{
    prover_t *p = ctx;
    (void)insn;
    if (!p->internal[callee])
        return;
    for (uint32_t i = 0; i < n; i++)
        p->seen_p[callee][i] = dx_rg_join(&p->env, p->seen_p[callee][i], args[i]);
}

static void on_return(void *ctx, size_t insn, const dx_rg_t *results, uint32_t n)
{
    prover_t *p = ctx;
    (void)insn;
    for (uint32_t i = 0; i < n; i++)
        p->seen_r[p->cur][i] = dx_rg_join(&p->env, p->seen_r[p->cur][i], results[i]);
}

/* One round's observations become the next round's assumptions; true when
 * something changed. After WIDEN_AFTER rounds, a range that still changes
 * becomes anything (and stays so): the rounds end. */
static bool settle_round(prover_t *p, uint32_t round)
{
    const dx_module_t *m = p->m;
    bool changed = false;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        const dx_functype_t *t = dx_func_type(m, f);
        for (uint32_t k = 0; k < t->nparams + t->nresults; k++) {
            bool is_p = k < t->nparams;
            uint32_t i = is_p ? k : k - t->nparams;
            if (is_p && !p->internal[f])
                continue;
            dx_valtype_t ty = is_p ? t->params[i] : t->results[i];
            dx_rg_t *cur = is_p ? &p->params[f][i] : &p->results[f][i];
            dx_rg_t *seen = is_p ? &p->seen_p[f][i] : &p->seen_r[f][i];
            bool *wide = is_p ? &p->wide_p[f] : &p->wide_r[f];
            dx_rg_t next = *wide ? dx_rg_top(width(ty)) : sayable(*seen, ty);
            if (next.lo != cur->lo || next.hi != cur->hi || next.mem != cur->mem) {
                if (round >= WIDEN_AFTER && !*wide) {
                    *wide = true;
                    next = dx_rg_top(width(ty));
                }
                changed = true;
                *cur = next;
            }
            *seen = dx_rg_bottom();
        }
    }
    return changed;
}

/* Function f is too big to walk (DX_VC_FIRST_PASS_MEMORY): what it passes
 * to its callees is unknown, so they get no preconditions, and it gets
 * no postcondition. */
static void give_up(prover_t *p, uint32_t f)
{
    const dx_body_t *b = &p->bodies[f];
    for (size_t i = 0; i < b->n; i++)
        if (b->insns[i].op == DX_OP_CALL)
            p->internal[b->insns[i].u.index] = false;
    p->wide_r[f] = true;
}

static bool analyse(prover_t *p, dx_arena_t *ar)
{
    const dx_module_t *m = p->m;
    dx_rg_hooks_t h = {p, NULL, on_calls, on_return, NULL, NULL};
    dx_arena_t scratch; /* the walks' states, let go after each */
    dx_arena_init(&scratch, ar->a);
    bool done = false;
    for (uint32_t round = 0; round < MAX_ROUNDS && !done; round++) {
        for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
            dx_error_t err;
            p->cur = f;
            if (!dx_rg_function(&p->env, f, &p->bodies[f], &h, &scratch, &err))
                give_up(p, f); /* out of memory: the only way it fails */
            dx_arena_reset(&scratch);
        }
        done = !settle_round(p, round);
    }
    dx_arena_free(&scratch);
    if (done)
        return true;
    /* no fixpoint: claim nothing about parameters and results */
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        p->internal[f] = false;
        const dx_functype_t *t = dx_func_type(m, f);
        for (uint32_t i = 0; i < t->nresults; i++)
            p->results[f][i] = dx_rg_bottom();
    }
    return true;
}

/* ---- what is set up before --------------------------------------------------------------- */
/* Functions that only the module's own direct calls reach: not the start
 * function, not exported, not named by ref.func or a table. */
static void find_internal(prover_t *p)
{
    const dx_module_t *m = p->m;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        p->internal[f] = !(m->has_start && m->start == f) &&
                         !(m->declared && (m->declared[f / 8] >> (f % 8) & 1));
    for (uint32_t e = 0; e < m->nexports; e++)
        if (m->exports[e].kind == DX_EXT_FUNC)
            p->internal[m->exports[e].index] = false;
}

static bool const_i32(const dx_module_t *m, dx_range_t expr, uint64_t *v)
{
    dx_insn_t k;
    size_t end;
    if (!dx_const_insn(m, expr.off, &k, &end) || k.op != DX_OP_I32_CONST)
        return false;
    *v = (uint32_t)k.u.i32;
    return true;
}

/* clang's shadow-stack pointer: the mutable i32 global with a constant
 * start inside the initial memory that the most global.sets write. Its
 * range: from the end of the data below it (at least 1,024 bytes, which
 * clang leaves unused below its data) to its start, where the stack's
 * top is. */
static void find_stack(prover_t *p, dx_arena_t *ar)
{
    const dx_module_t *m = p->m;
    p->stack_global = UINT32_MAX;
    uint32_t *sets = zalloc(ar, (m->nglobals + 1) * sizeof *sets), best = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        for (size_t i = 0; i < p->bodies[f].n; i++)
            if (p->bodies[f].insns[i].op == DX_OP_GLOBAL_SET)
                sets[p->bodies[f].insns[i].u.index]++;
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        uint64_t top;
        const dx_global_t *g = &m->globals[i];
        if (g->mutable_ && g->type == DX_T_I32 && sets[i] > best &&
            const_i32(m, g->init, &top) && top <= p->env.mem_min && top > 0)
            best = sets[i], p->stack_global = i, p->stack_hi = top;
    }
    if (p->stack_global == UINT32_MAX)
        return;
    uint64_t lo = 1024;
    for (uint32_t d = 0; d < m->ndatas; d++) {
        uint64_t at;
        const dx_data_t *s = &m->datas[d];
        if (s->mode == DX_SEG_ACTIVE && s->memory == 0 && const_i32(m, s->offset_expr, &at) &&
            at + s->bytes.len <= p->stack_hi && at + s->bytes.len > lo)
            lo = at + s->bytes.len;
    }
    p->stack_lo = lo < p->stack_hi ? lo : p->stack_hi;
}

static bool setup(prover_t *p, const dx_module_t *m, dx_arena_t *ar)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    if (!dx_rg_env_init(&p->env, m, NULL, ar))
        return false;
    p->env.max_memory = DX_VC_FIRST_PASS_MEMORY;
    uint32_t n = m->nfuncs + 1;
    p->params = zalloc(ar, n * sizeof *p->params), p->results = zalloc(ar, n * sizeof *p->results);
    p->seen_p = zalloc(ar, n * sizeof *p->seen_p), p->seen_r = zalloc(ar, n * sizeof *p->seen_r);
    p->internal = zalloc(ar, n), p->wide_p = zalloc(ar, n), p->wide_r = zalloc(ar, n);
    p->bodies = zalloc(ar, n * sizeof *p->bodies);
    find_internal(p);
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        dx_error_t err;
        if (!dx_body_read(m, f, ar, &p->bodies[f], &err))
            return false;
        const dx_functype_t *t = dx_func_type(m, f);
        p->params[f] = zalloc(ar, (t->nparams + 1) * sizeof(dx_rg_t));
        p->seen_p[f] = zalloc(ar, (t->nparams + 1) * sizeof(dx_rg_t));
        p->results[f] = zalloc(ar, (t->nresults + 1) * sizeof(dx_rg_t));
        p->seen_r[f] = zalloc(ar, (t->nresults + 1) * sizeof(dx_rg_t));
        for (uint32_t i = 0; i < t->nparams; i++)
            p->params[f][i] = p->seen_p[f][i] = dx_rg_bottom(); /* anything, in the walk */
        for (uint32_t i = 0; i < t->nresults; i++)
            p->results[f][i] = p->seen_r[f][i] = dx_rg_bottom();
    }
    p->env.params = p->params;
    p->env.results = p->results;
    find_stack(p, ar);
    if (p->stack_global != UINT32_MAX) {
        dx_rg_t *g = zalloc(ar, (m->nglobals + 1) * sizeof *g);
        memcpy(g, p->env.globals, m->nglobals * sizeof *g);
        g[p->stack_global] = (dx_rg_t){p->stack_lo, (int64_t)p->stack_hi, false};
        p->env.globals = g;
    }
    return true;
}

/* ---- writing dogma.proof ---------------------------------------------------------------- */
/* The formulas saying r about X (`local i` or `result i`) of type t:
 * appended to b, counted in *n. */
static void facts(buf_t *b, uint32_t *n, uint8_t name, uint32_t i, dx_valtype_t t, dx_rg_t r)
{
    if (dx_rg_is_bottom(r) || !is_int(t))
        return;
    buf_t code = {0};
    bool i32 = t == DX_T_I32;
    for (int k = 0; k < 2; k++) {
        code.n = 0;
        if (k == 0 && r.lo) { /* c <=u X */
            byte(&code, i32 ? DX_F_I32 : DX_F_I64);
            sleb(&code, i32 ? (int64_t)(int32_t)(uint32_t)r.lo : (int64_t)r.lo);
            byte(&code, name), uleb(&code, i);
            byte(&code, DX_F_LE_U);
        } else if (k == 1 && r.mem) { /* extend_u(X) + c <=u memsize */
            byte(&code, name), uleb(&code, i);
            byte(&code, DX_F_EXTEND_U);
            byte(&code, DX_F_I64), sleb(&code, -r.hi);
            byte(&code, DX_F_ADD), byte(&code, DX_F_MEMSIZE), byte(&code, DX_F_LE_U);
        } else if (k == 1 && !dx_rg_is_top((dx_rg_t){0, r.hi, false}, width(t))) { /* X <=u c */
            byte(&code, name), uleb(&code, i);
            byte(&code, i32 ? DX_F_I32 : DX_F_I64);
            sleb(&code, i32 ? (int64_t)(int32_t)(uint32_t)r.hi : r.hi);
            byte(&code, DX_F_LE_U);
        } else {
            continue;
        }
        uleb(b, code.n);
        put(b, code.p, code.n);
        (*n)++;
    }
    free(code.p);
}

/* One vec(expr) of the facts about n values. */
static void fact_vec(buf_t *out, uint8_t name, uint32_t n, const dx_valtype_t *t,
                     const dx_rg_t *r, uint32_t *total)
{
    buf_t b = {0};
    uint32_t count = 0;
    for (uint32_t i = 0; r && i < n; i++)
        facts(&b, &count, name, i, t[i], r[i]);
    uleb(out, count);
    if (b.n)
        put(out, b.p, b.n);
    free(b.p);
    *total += count;
}

static void proof_payload(const prover_t *p, buf_t *out, uint32_t *nfuncs, uint32_t *nfacts)
{
    const dx_module_t *m = p->m;
    bool ranges = p->stack_global != UINT32_MAX;
    uleb(out, 1);                        /* version */
    uleb(out, ranges ? DX_PROOF_F_RANGES : 0);
    uleb(out, 0);                        /* lemmas */
    uleb(out, 0);                        /* invariants */
    if (ranges) {
        uleb(out, 1);
        uleb(out, p->stack_global), uleb(out, p->stack_lo), uleb(out, p->stack_hi);
    }
    buf_t funcs = {0};
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        const dx_functype_t *t = dx_func_type(m, f);
        buf_t e = {0};
        uint32_t before = *nfacts;
        uleb(&e, f);
        fact_vec(&e, DX_F_LOCAL, t->nparams, t->params, p->internal[f] ? p->params[f] : NULL,
                 nfacts);
        fact_vec(&e, DX_F_RESULT, t->nresults, t->results, p->results[f], nfacts);
        uleb(&e, 0), uleb(&e, 0);        /* loops, hints */
        if (*nfacts > before) {
            put(&funcs, e.p, e.n);
            (*nfuncs)++;
        }
        free(e.p);
    }
    uleb(out, *nfuncs);
    if (funcs.n)
        put(out, funcs.p, funcs.n);
    free(funcs.p);
}

/* The module again, without its own dogma.proof, with the new one last. */
static void rewrite(const dx_module_t *m, const buf_t *payload, buf_t *out)
{
    static const char name[] = "dogma.proof";
    put(out, m->bytes, 8);
    for (uint32_t i = 0; i < m->nsections; i++) {
        const dx_section_t *s = &m->sections[i];
        if (s->id == 0 && dx_name_is(s->name, name))
            continue;
        put(out, m->bytes + s->offset, s->payload.off + s->payload.len - s->offset);
    }
    byte(out, 0);
    uleb(out, 1 + (sizeof name - 1) + payload->n);
    uleb(out, sizeof name - 1);
    put(out, name, sizeof name - 1);
    put(out, payload->p, payload->n);
}

/* ---- the check ------------------------------------------------------------------------------ */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void render(const char *path, const dx_error_t *err)
{
    char msg[512];
    dx_err_render(err, path, msg, sizeof msg);
    fprintf(stderr, "%s\n", msg);
}

/* The written module, loaded and verified as a verifier would: 0, or 1
 * with a diagnostic (a refuted claim is dogma-prove's own bug). */
static int check(const char *out_path, const buf_t *mod, const dx_vc_opts_t *opts, bool quiet,
                 const prover_t *p, uint32_t nfuncs, uint32_t nfacts, double t0)
{
    dx_arena_t ar;
    dx_arena_init_malloc(&ar);
    dx_module_t m;
    dx_proof_t proof;
    dx_error_t err;
    dx_vc_t v;
    int rc = 1;
    double t1 = now();
    if (!dx_module_load(mod->p, mod->n, &ar, &m, &err) ||
        !dx_proof_decode(&m, NULL, 0, &ar, &proof, &err)) {
        fprintf(stderr, "%s: %s: internal error: the module written does not load:\n", prog,
                out_path);
        render(out_path, &err);
    } else if (!dx_vc_module(&m, &proof, opts, &ar, &v, &err)) {
        fprintf(stderr, "%s: %s: cannot generate the verification conditions (out of memory, "
                "or no solver)\n", prog, out_path);
    } else if (v.refuted) {
        char msg[512];
        dx_vc_render_refutation(&v, out_path, msg, sizeof msg);
        fprintf(stderr, "%s: internal error: %s: the verifier refutes an inferred annotation; "
                "please report it\n", prog, msg);
    } else {
        rc = 0;
        uint64_t proved = v.counts[DX_OB_LOAD][DX_SOLVE_PROVED] +
                          v.counts[DX_OB_STORE][DX_SOLVE_PROVED], all = 0;
        for (int r = 0; r < 4; r++)
            all += v.counts[DX_OB_LOAD][r] + v.counts[DX_OB_STORE][r];
        uint64_t sets = 0, checked = v.counts[DX_OB_RANGE][DX_SOLVE_UNPROVED] +
                                     v.counts[DX_OB_RANGE][DX_SOLVE_REFUTED];
        for (int r = 0; r < 4; r++)
            sets += v.counts[DX_OB_RANGE][r];
        if (v.annotations_dropped)
            fprintf(stderr, "%s: %s: note: %llu inferred claims were not settled within the "
                    "budget; a verifier uses none of them but the stack range\n", prog,
                    out_path, (unsigned long long)v.claims_unproved);
        if (!quiet) {
            printf("%s: %llu of %llu memory accesses proved (%.1f%%)\n", out_path,
                   (unsigned long long)proved, (unsigned long long)all,
                   all ? 100.0 * (double)proved / (double)all : 0.0);
            if (p->stack_global != UINT32_MAX)
                printf("  stack pointer: global %u in [%llu, %llu]; %llu of its %llu sets "
                       "checked at run time\n", p->stack_global,
                       (unsigned long long)p->stack_lo, (unsigned long long)p->stack_hi,
                       (unsigned long long)checked, (unsigned long long)sets);
            else
                printf("  stack pointer: none found\n");
            printf("  %u functions annotated, %u facts; %llu obligations settled without "
                   "the solver\n", nfuncs, nfacts, (unsigned long long)v.by_ranges);
            printf("  inferred in %.1f ms, checked in %.1f ms\n", (t1 - t0) * 1e3,
                   (now() - t1) * 1e3);
        }
    }
    dx_arena_free(&ar);
    return rc;
}

static bool write_file(const char *path, const buf_t *b)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->p, 1, b->n, f) != b->n || fclose(f)) {
        fprintf(stderr, "%s: %s: cannot write\n", prog, path);
        if (f)
            fclose(f);
        remove(path);
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    const char *in_path = NULL, *out_path = NULL;
    dx_vc_opts_t opts = {DX_VC_DEFAULT_BUDGET, false};
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out_path = argv[++i];
        } else if (!strcmp(argv[i], "--budget") && i + 1 < argc) {
            char *end;
            opts.budget = strtoull(argv[++i], &end, 0);
            if (*end) {
                fprintf(stderr, "%s: --budget wants a number, not '%s'\n", prog, argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--solver")) {
            opts.solver_accesses = true;
        } else if (!strcmp(argv[i], "-q")) {
            quiet = true;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' || in_path) {
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[i]);
            usage(stderr);
            return 2;
        } else {
            in_path = argv[i];
        }
    }
    if (!in_path || !out_path) {
        usage(stderr);
        return 2;
    }
    size_t size;
    uint8_t *bytes = dx_read_file(prog, in_path, &size);
    if (!bytes)
        return 1;
    double t0 = now();
    dx_arena_t ar;
    dx_arena_init_malloc(&ar);
    dx_module_t m;
    dx_error_t err;
    prover_t p;
    int rc = 1;
    if (!dx_module_load(bytes, size, &ar, &m, &err)) {
        render(in_path, &err);
    } else if (!setup(&p, &m, &ar) || !analyse(&p, &ar)) {
        fprintf(stderr, "%s: %s: out of memory\n", prog, in_path);
    } else {
        buf_t payload = {0}, mod = {0};
        uint32_t nfuncs = 0, nfacts = 0;
        proof_payload(&p, &payload, &nfuncs, &nfacts);
        rewrite(&m, &payload, &mod);
        if (write_file(out_path, &mod)) {
            rc = check(out_path, &mod, &opts, quiet, &p, nfuncs, nfacts, t0);
            if (rc)
                remove(out_path);
        }
        free(payload.p);
        free(mod.p);
    }
    dx_arena_free(&ar);
    free(bytes);
    return rc;
}
