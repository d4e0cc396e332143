/*
 * fuzz_translate: a libFuzzer target for the WebAssembly-to-x86-64
 * translator (dx_x64_translate, dogma/translate.h).
 *
 * The translator validates each instruction just before it emits it, so on
 * hostile input it must be exactly as picky as the loader, and whatever it
 * returns must be well formed. Each input is taken as a module and:
 *
 *   1. loaded with dx_module_load(): the verdict to agree with;
 *   2. decoded (dx_module_decode) and translated three times, each in a
 *      fresh arena: strategy guard, strategy checked, and strategy proved
 *      with a `proved` callback that says yes for about half the accesses
 *      (a hash of where they are) and a `range` callback that gives bounds
 *      of every form to about half the global.sets. Each translation succeeds exactly when
 *      the load did; on failure its error record is load's, field for
 *      field, except for the translator's own DX_E_CODE_TOO_LARGE. On
 *      success the output must hold together: every function's code
 *      [func_code, func_end) lies inside the code, defined functions
 *      follow the import stubs in index order without overlapping; the map
 *      is sorted by code offset, inside the code, names a function or
 *      DX_NO_FUNC and a module offset inside the module (inside the
 *      function's body for a defined function), and each entry of a
 *      function lies inside that function's code; dx_x64_lookup() finds
 *      each function's first entry at its entry; every exported function
 *      and the start function have an adapter, inside the code, after
 *      every function, and no other function has one. The strategies
 *      translate the same instructions and memory accesses (their
 *      statistics agree: checked leaves none to the guard pages, proved
 *      checks exactly those its callback did not prove, and the callback is
 *      asked only about instructions of defined functions; the range
 *      callback only about global.sets of i32 and i64 globals, and only
 *      under proved, which checks at most the sets it gave a range). The
 *      arena must
 *      stay linear in the module's size (translate.h: "linear in the
 *      module's size, in time and in space"); the bound below is loose, to
 *      catch a cost that is not linear rather than to pin a constant;
 *   3. for a valid module, translated with max_code set just below the
 *      code's size (must fail with DX_E_CODE_TOO_LARGE) and just above it
 *      (must succeed with the same bytes and map: the translation is
 *      deterministic);
 *   4. for a valid module, translated with an allocator that refuses one
 *      of the translator's requests, each in turn (at most 16, spread
 *      evenly): the translation must fail cleanly with DX_E_TOO_LARGE, or
 *      do without and succeed with the same code and no error, and in
 *      neither case touch the allocation it did not get.
 *
 * LeakSanitizer checks that dx_arena_free() returns everything.
 *
 * Two environment variables: FUZZ_TRANSLATE_RATIO prints each new worst
 * ratio of arena bytes to module bytes, to size the bound below;
 * FUZZ_TRANSLATE_SKIP=max-code,oom skips run 3 or 4 or both, to look for
 * other bugs while one of theirs is open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dogma/module.h>
#include "../../libabi/proof/ranges.h"
#include <dogma/translate.h>

#include "check.h"

/* ---- a counting allocator that can refuse one request ---------------------- */

#include "budget.h"

/* The arena's linear bound, decoder and translator together: generous, so
 * only a non-linear cost trips it. The worst measured is 151 bytes per
 * module byte: a body of `local.get 3; i64.trunc_f64_u; drop` (4 bytes,
 * 123 bytes of code with its two trap checks), the code buffer doubling
 * (the old buffers stay in the arena) and a map entry per instruction.
 * call_indirect comes next at 95, i64.div_s at 49; most bodies stay
 * under 30. */
static size_t arena_bound(size_t size) { return 512 * size + (4u << 20); }

static void report_ratio(size_t size, size_t peak, const dx_x64_t *x)
{
    static double worst;
    if (!getenv("FUZZ_TRANSLATE_RATIO") || peak <= (1u << 20))
        return; /* below, the arena's 64 KiB chunks say more than the module */
    double r = (double)peak / (double)size;
    if (r > worst) {
        worst = r;
        fprintf(stderr, "fuzz_translate: arena %zu bytes for %zu: %.1f per byte"
                " (code %zu, map %zu)\n", peak, size, r, x->size, x->nmap);
    }
}

/* ---- the verdict --------------------------------------------------------------- */

static bool same_error(const dx_error_t *a, const dx_error_t *b)
{
    return a->code == b->code && a->offset == b->offset && a->func == b->func &&
           a->insn == b->insn && a->expected == b->expected &&
           a->actual == b->actual &&
           (a->insn == DX_NO_INSN || a->op == b->op);
}

/* A translation's verdict against the load's. */
static void check_verdict(bool ok, const dx_error_t *err, bool loaded,
                          const dx_error_t *load_err)
{
    if (ok) {
        CHECK(loaded);
        CHECK(err->code == DX_OK);
        return;
    }
    CHECK(err->code != DX_OK && (unsigned)err->code < DX_E_COUNT);
    if (loaded)
        CHECK(err->code == DX_E_CODE_TOO_LARGE); /* the translator's own */
    else
        CHECK(same_error(err, load_err));
}

/* ---- a successful translation ------------------------------------------------------ */

static bool has_adapter(const dx_module_t *m, uint32_t f)
{
    if (m->has_start && m->start == f)
        return true;
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == DX_EXT_FUNC && m->exports[i].index == f)
            return true;
    return false;
}

static void check_funcs(const dx_module_t *m, const dx_x64_t *x)
{
    CHECK(x->nfuncs == m->nfuncs);
    uint32_t prev_end = 0;
    for (uint32_t f = 0; f < m->nfuncs; f++) {
        CHECK(x->func_code[f] <= x->func_end[f]);
        CHECK(x->func_end[f] <= x->size);
        /* code layout: import stubs, then the functions, in index order */
        CHECK(x->func_code[f] >= prev_end);
        prev_end = x->func_end[f];
    }
    for (uint32_t f = 0; f < m->nfuncs; f++) {
        uint32_t a = x->func_adapter[f];
        CHECK((a != DX_X64_NONE) == has_adapter(m, f));
        if (a != DX_X64_NONE)
            CHECK(a >= prev_end && a < x->size); /* after every function */
    }
}

/* Where the map may point for function f: inside its body, or at its
 * import entry. */
static bool in_func_source(const dx_module_t *m, uint32_t f, uint32_t off)
{
    const dx_func_t *fn = &m->funcs[f];
    if (!fn->imported)
        return off >= fn->body.off && off - fn->body.off < fn->body.len;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == DX_EXT_FUNC && m->imports[i].index == f)
            return off == m->imports[i].offset;
    return false;
}

static void check_map(const dx_module_t *m, const dx_x64_t *x, size_t size)
{
    CHECK(x->nmap == 0 || x->map != NULL);
    for (size_t i = 0; i < x->nmap; i++) {
        const dx_x64_mapent_t *e = &x->map[i];
        CHECK(e->code < x->size);
        if (i > 0)
            CHECK(e->code >= x->map[i - 1].code); /* sorted by code */
        CHECK(e->module < size);
        CHECK(e->func < m->nfuncs || e->func == DX_NO_FUNC);
        if (e->func == DX_NO_FUNC)
            continue;
        CHECK(e->code >= x->func_code[e->func] && e->code < x->func_end[e->func]);
        CHECK(in_func_source(m, e->func, e->module));
    }
    for (uint32_t f = 0; f < m->nfuncs; f++) {
        if (x->func_code[f] == x->func_end[f])
            continue;
        const dx_x64_mapent_t *e = dx_x64_lookup(x, x->func_code[f]);
        CHECK(e != NULL && e->func == f);
    }
}

static void check_layout(const dx_module_t *m, const dx_x64_t *x)
{
    const dx_x64_layout_t *l = &x->layout;
    CHECK(l->tables >= DX_PB_HEADER_SIZE);
    CHECK(l->globals >= l->tables + 16 * (uint64_t)m->ntables);
    CHECK(l->xfer >= l->globals + 8 * (uint64_t)m->nglobals);
    CHECK(l->size >= l->xfer + 8 * (uint64_t)l->nxfer);
    CHECK(l->nxfer >= 8); /* the builtins' arguments */
    for (uint32_t i = 0; i < m->ntypes; i++)
        CHECK(m->types[i].nparams <= l->nxfer && m->types[i].nresults <= l->nxfer);
}

static void check_output(const dx_module_t *m, const dx_x64_t *x, size_t size)
{
    CHECK(x->size == 0 || x->code != NULL);
    check_funcs(m, x);
    check_map(m, x, size);
    check_layout(m, x);
}

/* ---- the runs ------------------------------------------------------------------- */

typedef struct run {
    dx_arena_t ar;
    budget_t b;
    dx_module_t m;
    dx_x64_t x;
    dx_error_t err;
    bool ok;
    size_t decoded;  /* requests to the allocator the decoder made */
} run_t;

/* Decode, then translate with opts; false when the decoder alone failed. */
static bool translate(run_t *r, const uint8_t *data, size_t size,
                      const dx_x64_opts_t *opts, size_t refuse)
{
    budget_arena(&r->ar, &r->b, SIZE_MAX, refuse);
    if (!dx_module_decode(data, size, &r->ar, &r->m, &r->err))
        return false;
    r->decoded = r->b.calls;
    r->ok = dx_x64_translate(&r->m, opts, &r->ar, &r->x, &r->err);
    return true;
}

static void release(run_t *r)
{
    dx_arena_free(&r->ar);
    CHECK(r->b.used == 0);
}

/* Strategy proved's callback: yes for about half the accesses and the
 * divisions (div/rem, asked only for a divisor that is not a constant),
 * the same answer for the same instruction every time; counts its
 * answers. */
typedef struct prover {
    const dx_module_t *m;
    uint64_t yes, no;
    uint64_t div_yes;    /* divisions answered yes */
    uint64_t ranged;     /* sets given a range */
} prover_t;

static bool prove(void *ctx, uint32_t func, size_t insn)
{
    prover_t *p = ctx;
    CHECK(func >= p->m->nfunc_imports && func < p->m->nfuncs);
    const dx_func_t *f = &p->m->funcs[func];
    CHECK(insn >= f->code && insn - f->body.off < f->body.len);
    uint8_t op = p->m->bytes[insn];
    bool div = (op >= 0x6D && op <= 0x70) || (op >= 0x7F && op <= 0x82);
    uint64_t h = ((uint64_t)func << 32 ^ insn) * 0x9e3779b97f4a7c15ull;
    bool ok = (h >> 63) != 0;
    if (div)
        p->div_yes += ok;
    else if (ok)
        p->yes++;
    else
        p->no++;
    return ok;
}

/* Strategy proved's range callback: asked only about a global.set of an
 * i32 or i64 global of a defined function; for about half, bounds of every
 * form the translator emits (a bound at the type's edge, imm32 or not,
 * empty ranges too), the same every time; counts its yeses. */
static bool range(void *ctx, uint32_t func, size_t insn, uint64_t *lo, uint64_t *hi)
{
    static const uint64_t edge[8] = {0, 1, 100, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu,
                                     1ull << 40, UINT64_MAX};
    prover_t *p = ctx;
    CHECK(func >= p->m->nfunc_imports && func < p->m->nfuncs);
    CHECK(insn + 1 < p->m->size && p->m->bytes[insn] == 0x24); /* global.set */
    uint32_t g = 0;
    for (unsigned k = 0; k < 5 && insn + 1 + k < p->m->size; k++) { /* its LEB128 index */
        g |= (uint32_t)(p->m->bytes[insn + 1 + k] & 0x7F) << (7 * k);
        if (!(p->m->bytes[insn + 1 + k] & 0x80))
            break;
    }
    CHECK(g < p->m->nglobals);
    CHECK(p->m->globals[g].type == DX_T_I32 || p->m->globals[g].type == DX_T_I64);
    uint64_t h = ((uint64_t)func << 32 ^ insn) * 0xbf58476d1ce4e5b9ull;
    if (h >> 63)
        return false;
    *lo = edge[h >> 40 & 7], *hi = edge[h >> 50 & 7];
    p->ranged++;
    return true;
}

/* The strategies translate the same instructions the same way but for
 * the bound checks. */
static void check_strategies(const run_t runs[3], const prover_t *p)
{
    const dx_x64_stats_t *g = &runs[0].x.stats, *c = &runs[1].x.stats,
                         *pr = &runs[2].x.stats;
    CHECK(g->insns == c->insns && g->insns == pr->insns);
    CHECK(g->polls == c->polls && g->polls == pr->polls);
    CHECK(g->acc_checked == 0 && g->acc_proved == 0);
    CHECK(c->acc_proved == 0);
    CHECK(g->acc_guarded == c->acc_guarded + c->acc_checked);
    if (runs[0].m.nmemories > 0) {
        CHECK(c->acc_guarded == 0 && pr->acc_guarded == 0);
        CHECK(pr->acc_proved == p->yes && pr->acc_checked == p->no);
        CHECK(pr->acc_proved + pr->acc_checked == g->acc_guarded);
    }
    CHECK(g->range_checks == 0 && c->range_checks == 0 && pr->range_checks <= p->ranged);
    CHECK(g->div_proved == 0 && c->div_proved == 0 && pr->div_proved == p->div_yes);
}

/* Run 3: max_code just below the code's size, then a little above it. The
 * encoder reserves room for a whole instruction (up to 16 bytes) before
 * writing one, and so may refuse a translation that would end within a
 * few bytes of max_code: CODE_SLACK allows for that. */
#define CODE_SLACK 64

static void check_max_code(const uint8_t *data, size_t size, const dx_x64_t *x)
{
    if (x->size == 0)
        return;
    dx_x64_opts_t o = {.strategy = DX_STRATEGY_GUARD, .max_code = x->size - 1};
    run_t r;
    CHECK(translate(&r, data, size, &o, SIZE_MAX));
    CHECK(!r.ok && r.err.code == DX_E_CODE_TOO_LARGE);
    release(&r);
    o.max_code = x->size + CODE_SLACK;
    CHECK(translate(&r, data, size, &o, SIZE_MAX));
    CHECK(r.ok);
    CHECK(r.x.size == x->size && memcmp(r.x.code, x->code, x->size) == 0);
    CHECK(r.x.nmap == x->nmap &&
          memcmp(r.x.map, x->map, x->nmap * sizeof *x->map) == 0);
    release(&r);
}

/* Run 4: an allocator that refuses one request of the translator's, each
 * in turn (at most 16 of them, spread evenly). The translation must fail
 * cleanly with DX_E_TOO_LARGE, or, if it could do without what it asked
 * for, succeed as if nothing happened: the same code, and no error. The
 * requests are the same on every run of one input, so each refusal lands
 * where it was meant to. */
static void check_out_of_memory(const uint8_t *data, size_t size,
                                const run_t *full)
{
    size_t first = full->decoded, n = full->b.calls - first;
    size_t step = n <= 16 ? 1 : (n + 15) / 16;
    for (size_t k = first; k < first + n; k += step) {
        dx_x64_opts_t o = {.strategy = DX_STRATEGY_CHECKED};
        run_t r;
        CHECK(translate(&r, data, size, &o, k));
        CHECK(r.b.refused);
        if (!r.ok) {
            CHECK(r.err.code == DX_E_TOO_LARGE);
        } else {
            CHECK(r.err.code == DX_OK);
            CHECK(r.x.size == full->x.size &&
                  memcmp(r.x.code, full->x.code, r.x.size) == 0);
        }
        release(&r);
    }
}

/* Runs 3 and 4 can be skipped (FUZZ_TRANSLATE_SKIP=max-code,oom), to look
 * for other bugs while one they find is open. */
static bool skip_max_code, skip_oom;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *skip = getenv("FUZZ_TRANSLATE_SKIP");
    skip_max_code = skip && strstr(skip, "max-code");
    skip_oom = skip && strstr(skip, "oom");
    return 0;
}

/* The verifier's first pass (libabi/proof/ranges.c: under strategy
 * proved, verifierd drops the checks it proves) on every function of a
 * valid module: it must not crash or trip a sanitizer, must report every
 * load and store (at least as many as the guard translation has accesses:
 * the translator emits nothing for unreachable code, which the pass
 * reports as proved), at offsets inside the function's body, and must
 * stay within its memory limit or fail saying so. */
typedef struct {
    const dx_func_t *f;
    uint64_t accesses;
} walked_t;

static void walked_access(void *ctx, size_t insn, bool store, bool proved)
{
    walked_t *w = ctx;
    (void)store, (void)proved;
    CHECK(insn >= w->f->code && insn - w->f->body.off < w->f->body.len);
    w->accesses++;
}

static void walked_at(void *ctx, size_t insn, bool proved)
{
    walked_t *w = ctx;
    (void)proved;
    CHECK(insn >= w->f->code && insn - w->f->body.off < w->f->body.len);
}

static void check_first_pass(const dx_module_t *m, uint64_t accesses)
{
    dx_arena_t ar, scratch;
    dx_arena_init_malloc(&ar);
    dx_arena_init_malloc(&scratch);
    dx_rg_env_t env;
    CHECK(dx_rg_env_init(&env, m, NULL, &ar));
    env.max_memory = 16u << 20;
    walked_t w = {0};
    dx_rg_hooks_t h = {&w, walked_access, NULL, NULL, walked_at, NULL};
    bool all = true;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        dx_error_t err;
        dx_body_t body;
        w.f = &m->funcs[f];
        CHECK(dx_body_read(m, f, &scratch, &body, &err)); /* valid code */
        for (size_t i = 1; i < body.n; i++)
            CHECK(body.insns[i].offset > body.insns[i - 1].offset);
        if (!dx_rg_function(&env, f, &body, &h, &scratch, &err)) {
            CHECK(err.code == DX_E_TOO_LARGE); /* only memory */
            all = false;
        }
        dx_arena_reset(&scratch);
    }
    CHECK(!all || w.accesses >= accesses);
    dx_arena_free(&scratch);
    dx_arena_free(&ar);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dx_arena_t ar;
    budget_t b;
    dx_module_t m;
    dx_error_t load_err;
    budget_arena(&ar, &b, SIZE_MAX, SIZE_MAX);
    bool loaded = dx_module_load(data, size, &ar, &m, &load_err);
    dx_arena_free(&ar);

    static const uint8_t strategies[3] = {DX_STRATEGY_GUARD, DX_STRATEGY_CHECKED,
                                          DX_STRATEGY_PROVED};
    run_t runs[3];
    prover_t prover = {0};
    for (int i = 0; i < 3; i++) {
        dx_x64_opts_t o = {.strategy = strategies[i], .proved = prove, .range = range,
                           .proved_ctx = &prover};
        run_t *r = &runs[i];
        if (!translate(r, data, size, &o, SIZE_MAX)) {
            /* the decoder alone refused it: so must the loader, alike */
            CHECK(!loaded && same_error(&r->err, &load_err));
            release(r);
            return 0; /* i == 0: the decoder has no strategy */
        }
        if (i == 0)
            prover.m = &r->m; /* alive until the end, and alike */
        check_verdict(r->ok, &r->err, loaded, &load_err);
        if (r->ok)
            check_output(&r->m, &r->x, size);
        report_ratio(size, r->b.peak, &r->x);
        CHECK(r->b.peak <= arena_bound(size));
    }
    if (runs[0].ok && runs[1].ok && runs[2].ok) {
        check_strategies(runs, &prover);
        check_first_pass(&runs[0].m, runs[0].x.stats.acc_guarded);
        if (!skip_max_code)
            check_max_code(data, size, &runs[0].x);
        if (!skip_oom)
            check_out_of_memory(data, size, &runs[1]);
    }
    for (int i = 0; i < 3; i++)
        release(&runs[i]);
    return 0;
}
