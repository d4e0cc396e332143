/*
 * Checked global ranges, run: strategy proved with a `range` hook
 * (dx_x64_opts_t.range, spec/abi.md section 6). The module ranges.wat is
 * translated with a hook that gives chosen bounds to every global.set of
 * chosen globals, then instantiated and called through dogma-run's own
 * runtime (libabi/tools/run/runtime.c), so a trap is caught, located and
 * reported exactly as dogma-run reports it.
 *
 * Each form of the emitted check (translate.h, access.c: upper compare
 * only, lower compare only, lea + one compare, 64-bit bounds through r11,
 * two compares) is tried at lo and hi (pass) and just outside them (trap
 * `global out of its declared range`, the global unchanged), on a value
 * from a parameter and on a computed one, for an i32 and an i64 global.
 * A hook that says no leaves the same out-of-range set alone; the hook is
 * asked about i32 and i64 sets only, and only under strategy proved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dogma/module.h>
#include <dogma/translate.h>

#include "runtime.h"
#include "ut.h"

#ifndef RANGES_WASM
#error "RANGES_WASM: the path of ranges.wasm (CMakeLists.txt)"
#endif

enum { G_A, G_B, G_F, NGLOBALS, NFUNCS = 16 }; /* ranges.wat's globals */

typedef struct bounds {
    bool on;                 /* the hook gives this global a range */
    uint64_t lo, hi;
} bounds_t;

typedef struct hook {
    const dx_module_t *m;
    bounds_t g[NGLOBALS];
    uint32_t asked[NGLOBALS]; /* the hook's calls, per global */
    size_t at[NFUNCS];        /* per function: its global.set's module offset */
} hook_t;

typedef struct inst {
    dx_arena_t ar;
    dx_module_t m;
    dx_x64_t x;
    dr_inst_t *in;
    hook_t h;
} inst_t;

static bool range_hook(void *ctx, uint32_t func, size_t insn, uint64_t *lo, uint64_t *hi)
{
    hook_t *h = ctx;
    UT_CHECK(insn + 1 < h->m->size && h->m->bytes[insn] == 0x24); /* global.set only */
    uint8_t g = h->m->bytes[insn + 1];
    UT_CHECK(g < NGLOBALS && func < NFUNCS);
    h->asked[g]++;
    h->at[func] = insn;
    if (!h->g[g].on)
        return false;
    *lo = h->g[g].lo, *hi = h->g[g].hi;
    return true;
}

static uint8_t *wasm;
static size_t wasm_size;

/* The module, read once (kept for the whole run). */
static void read_wasm(void)
{
    if (!wasm)
        wasm = ut_read_file(RANGES_WASM, &wasm_size);
    UT_CHECK(wasm != NULL && wasm_size > 8);
}

/* Decodes, translates with o (its proved_ctx: t->h) and instantiates. */
static void load(inst_t *t, dx_x64_opts_t o)
{
    read_wasm();
    dx_arena_init_malloc(&t->ar);
    dx_error_t err;
    UT_CHECK(dx_module_decode(wasm, wasm_size, &t->ar, &t->m, &err));
    t->h.m = &t->m;
    o.proved_ctx = &t->h;
    UT_CHECK(dx_x64_translate(&t->m, &o, &t->ar, &t->x, &err));
    dr_opts_t ro = { .strategy = o.strategy, .max_memory = 1u << 16, .max_stack = 1u << 20 };
    t->in = dr_instantiate(&t->m, &t->x, "ranges.wasm", &ro);
    UT_CHECK(t->in != NULL && dr_start(t->in));
}

/* Strategy proved, the hook giving a to global $a and b to global $b. */
static void start(inst_t *t, bounds_t a, bounds_t b)
{
    memset(t, 0, sizeof *t);
    t->h.g[G_A] = a, t->h.g[G_B] = b;
    load(t, (dx_x64_opts_t){ .strategy = DX_STRATEGY_PROVED, .range = range_hook });
}

static void stop(inst_t *t)
{
    dr_free(t->in);
    dx_arena_free(&t->ar);
}

static uint32_t func_of(inst_t *t, const char *name)
{
    for (uint32_t i = 0; i < t->m.nexports; i++)
        if (t->m.exports[i].kind == DX_EXT_FUNC && dx_name_is(t->m.exports[i].name, name))
            return t->m.exports[i].index;
    ut_fail(__FILE__, __LINE__, "no export %s", name);
}

/* Calls export name; true: it returned, its result in *out. */
static bool call(inst_t *t, const char *name, uint64_t a0, uint64_t a1, uint64_t *out)
{
    uint64_t args[2] = { a0, a1 }, res[1] = { 0 };
    bool ok = dr_call_func(t->in, func_of(t, name), args, res);
    *out = res[0];
    return ok;
}

static uint64_t get(inst_t *t, bool i64)
{
    uint64_t v;
    UT_CHECK(call(t, i64 ? "get_b" : "get_a", 0, 0, &v));
    return i64 ? v : (uint32_t)v;
}

/* v passes the check: set from a parameter and as a sum, it is stored. */
static void pass(inst_t *t, bool i64, uint64_t v)
{
    uint64_t mask = i64 ? UINT64_MAX : UINT32_MAX, r;
    UT_CHECK(call(t, i64 ? "set_b" : "set_a", v, 0, &r));
    UT_EQ(r & mask, v);
    UT_CHECK(call(t, i64 ? "add_b" : "add_a", (v - 1) & mask, 1, &r));
    UT_EQ(r & mask, v);
}

/* v does not: both sets trap with DX_TRAP_RANGE and store nothing. */
static void fail(inst_t *t, bool i64, uint64_t v)
{
    uint64_t mask = i64 ? UINT64_MAX : UINT32_MAX, r;
    uint64_t before = get(t, i64);
    UT_CHECK(!call(t, i64 ? "set_b" : "set_a", v, 0, &r));
    UT_EQ(t->in->trap, DX_TRAP_RANGE);
    UT_CHECK(!call(t, i64 ? "add_b" : "add_a", (v - 1) & mask, 1, &r));
    UT_EQ(t->in->trap, DX_TRAP_RANGE);
    UT_EQ(get(t, i64), before);
}

/* lo and hi pass, lo - 1 and hi + 1 (where they exist) trap. */
static void edges(bool i64, uint64_t lo, uint64_t hi)
{
    bounds_t b = { true, lo, hi }, none = { 0 };
    uint64_t max = i64 ? UINT64_MAX : UINT32_MAX;
    inst_t t;
    start(&t, i64 ? none : b, i64 ? b : none);
    pass(&t, i64, lo);
    pass(&t, i64, hi);
    pass(&t, i64, lo + (hi - lo) / 2);
    if (lo > 0)
        fail(&t, i64, lo - 1), fail(&t, i64, 0);
    if (hi < max)
        fail(&t, i64, hi + 1), fail(&t, i64, max);
    /* set_X and add_X, and for $a each of const_a_15, const_a_70 outside */
    uint64_t traps = i64 ? 0 : (15 < lo || 15 > hi) + (70 < lo || 70 > hi);
    UT_EQ(t.x.stats.range_checks, 2 + traps);
    stop(&t);
}

UT_TEST(i32_lea_and_one_compare) { edges(false, 10, 20); }
UT_TEST(i32_upper_only) { edges(false, 0, 100); }
UT_TEST(i32_lower_only) { edges(false, 5, UINT32_MAX); }
UT_TEST(i32_high_bounds) { edges(false, 0x80000000u, 0xFFFFFFFEu); }
UT_TEST(i32_single_value) { edges(false, 7, 7); }

UT_TEST(i64_lea_and_one_compare) { edges(true, 10, 20); }
UT_TEST(i64_upper_imm32) { edges(true, 0, 0x7FFFFFFF); }
UT_TEST(i64_upper_through_r11) { edges(true, 0, 0x80000000u); }
UT_TEST(i64_upper_sign_extended) { edges(true, 0, 0xFFFFFFFFFFFFFFF0u); }
UT_TEST(i64_lower_through_r11) { edges(true, 1ull << 39, UINT64_MAX); }
UT_TEST(i64_lo_beyond_disp32) { edges(true, 1ull << 40, (1ull << 40) + 5); }
UT_TEST(i64_two_compares) { edges(true, 1, 1ull << 39); }

/* The upper half of an i64 counts: 2^32 + 10 is not in [10, 20]. */
UT_TEST(i64_upper_half_checked)
{
    inst_t t;
    start(&t, (bounds_t){ 0 }, (bounds_t){ true, 10, 20 });
    fail(&t, true, (1ull << 32) + 10);
    fail(&t, true, (1ull << 63) + 15);
    pass(&t, true, 15);
    stop(&t);
}

/* An i32 bound above 2^32 - 1 is the type's own; an empty range traps
 * every set. */
UT_TEST(i32_bounds_clamped_and_empty)
{
    inst_t t;
    start(&t, (bounds_t){ true, 3, UINT64_MAX }, (bounds_t){ true, 20, 10 });
    pass(&t, false, UINT32_MAX);
    fail(&t, false, 2);
    fail(&t, true, 15);
    stop(&t);
}

/* The hook is asked about every set of an i32 or i64 global (constants
 * too) and never about the f64 one; a constant is decided at translation:
 * inside, no check; outside, the set traps. */
UT_TEST(asked_for_integer_sets_constants_decided)
{
    inst_t t;
    start(&t, (bounds_t){ true, 10, 20 }, (bounds_t){ true, 10, 20 });
    UT_EQ(t.h.asked[G_A], 4);
    UT_EQ(t.h.asked[G_B], 2);
    UT_EQ(t.h.asked[G_F], 0);
    UT_EQ(t.x.stats.range_checks, 5); /* four sets of values, const_a_70 */
    uint64_t r;
    UT_CHECK(call(&t, "const_a_15", 0, 0, &r));
    UT_EQ(get(&t, false), 15);
    UT_CHECK(!call(&t, "const_a_70", 0, 0, &r));
    UT_EQ(t.in->trap, DX_TRAP_RANGE);
    UT_EQ(get(&t, false), 15);
    UT_CHECK(call(&t, "set_f", 0x4059000000000000u, 0, &r)); /* 100.0: unchecked */
    stop(&t);
}

/* A hook that says no: the same out-of-range sets do not trap, and the
 * code is what no hook at all gives. */
UT_TEST(hook_says_no)
{
    inst_t t, bare;
    start(&t, (bounds_t){ false, 10, 20 }, (bounds_t){ false, 10, 20 });
    UT_EQ(t.h.asked[G_A], 4);
    UT_EQ(t.x.stats.range_checks, 0);
    uint64_t r;
    UT_CHECK(call(&t, "set_a", 1000, 0, &r));
    UT_EQ(r, 1000);
    UT_CHECK(call(&t, "set_b", 1ull << 40, 0, &r));
    UT_EQ(r, 1ull << 40);
    UT_CHECK(call(&t, "const_a_70", 0, 0, &r));
    UT_EQ(get(&t, false), 70);
    memset(&bare, 0, sizeof bare);
    load(&bare, (dx_x64_opts_t){ .strategy = DX_STRATEGY_PROVED });
    UT_CHECK(t.x.size == bare.x.size && memcmp(t.x.code, bare.x.code, t.x.size) == 0);
    stop(&bare);
    stop(&t);
}

/* Whole-type ranges need no check; other strategies never ask. */
UT_TEST(nothing_to_check)
{
    inst_t t;
    start(&t, (bounds_t){ true, 0, UINT32_MAX }, (bounds_t){ true, 0, UINT64_MAX });
    UT_EQ(t.x.stats.range_checks, 0);
    pass(&t, false, UINT32_MAX);
    pass(&t, true, UINT64_MAX);
    stop(&t);
    memset(&t, 0, sizeof t);
    t.h.g[G_A] = (bounds_t){ true, 10, 20 };
    load(&t, (dx_x64_opts_t){ .strategy = DX_STRATEGY_CHECKED, .range = range_hook });
    UT_EQ(t.h.asked[G_A] + t.h.asked[G_B], 0);
    UT_EQ(t.x.stats.range_checks, 0);
    pass(&t, false, 1000);
    stop(&t);
}

/* The trap as dogma-run reports it: its text, in the function, at the
 * global.set (its offset from the start of the function's body). */
UT_TEST(trap_report)
{
    inst_t t;
    start(&t, (bounds_t){ true, 10, 20 }, (bounds_t){ 0 });
    uint64_t r;
    uint32_t f = func_of(&t, "add_a");
    UT_CHECK(!call(&t, "add_a", 20, 1, &r));
    char *text = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&text, &n);
    UT_CHECK(out != NULL);
    dr_report_trap(t.in, out, false);
    fclose(out);
    char want[128];
    snprintf(want, sizeof want, "trap: global out of its declared range in add_a+0x%x\n",
             (unsigned)(t.h.at[f] - t.m.funcs[f].body.off));
    UT_STREQ(text, want);
    free(text);
    UT_STREQ(dx_trap_text(DX_TRAP_RANGE), "global out of its declared range");
    UT_STREQ(dx_trap_name(DX_TRAP_RANGE), "RANGE");
    stop(&t);
}
