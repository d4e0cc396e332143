/*
 * Executed memory accesses counted by class: dx_x64_opts_t.count_accesses
 * (translate.h, access.c), the instrumentation behind `dogma-run
 * --count-accesses`. The module counts.wat is translated with counters of
 * the test's own, under strategy guard (every access guarded), checked
 * (every access checked) and proved with a `proved` hook that vouches for
 * the stores only, then run through dogma-run's runtime; the counts must
 * be exact: a loop of n rounds, every load and store width, a load after a
 * comparison, bulk operations (not counted), an access that traps (counted:
 * the count comes first).
 *
 * And the code: the option adds its sequence (mov r11, &counter; add qword
 * [r11], 1) once per access, pointing at the counter of the access's class,
 * and nothing else: the same static figures, the same map entries, and in
 * functions without loops every access's code exactly the sequence longer
 * (a loop's backward jump may take a rel8 in one translation and a rel32 in
 * the other). Without the option no such sequence is emitted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dogma/module.h>
#include <dogma/translate.h>

#include "runtime.h"
#include "ut.h"

#ifndef COUNTS_WASM
#error "COUNTS_WASM: the path of counts.wasm (CMakeLists.txt)"
#endif

enum { F_LOOP, F_WIDTHS, F_CMP, F_BULK, F_AT, NFUNCS }; /* counts.wat's */
#define NACCESSES 20u   /* loads and stores in counts.wat: 4 + 13 + 1 + 1 + 1 */
#define NSTORES 6u      /* of which stores: 1 in loop, 5 in widths */

typedef struct inst {
    dx_arena_t ar;
    dx_module_t m;
    dx_x64_t x;
    dr_inst_t *in;
    uint64_t n[DX_ACC_COUNT]; /* the counters: outlive the code */
    uint32_t asked;           /* the proved hook's calls */
} inst_t;

/* Vouches for every store (opcodes 0x36..0x3e), for no load. */
static bool stores_proved(void *ctx, uint32_t func, size_t insn)
{
    inst_t *t = ctx;
    UT_CHECK(func < NFUNCS && insn < t->m.size);
    t->asked++;
    return t->m.bytes[insn] >= 0x36 && t->m.bytes[insn] <= 0x3E;
}

static uint8_t *wasm;
static size_t wasm_size;

/* The module, read once (kept for the whole run). */
static void read_wasm(void)
{
    if (!wasm)
        wasm = ut_read_file(COUNTS_WASM, &wasm_size);
    UT_CHECK(wasm != NULL && wasm_size > 8);
}

/* Decodes, translates (counted: into t->n) and instantiates; under
 * strategy proved with the hook stores_proved. */
static void load(inst_t *t, uint8_t strategy, bool counted)
{
    read_wasm();
    memset(t, 0, sizeof *t);
    dx_arena_init_malloc(&t->ar);
    dx_error_t err;
    UT_CHECK(dx_module_decode(wasm, wasm_size, &t->ar, &t->m, &err));
    dx_x64_opts_t o = { .strategy = strategy, .proved_ctx = t,
                        .count_accesses = counted ? t->n : NULL };
    if (strategy == DX_STRATEGY_PROVED)
        o.proved = stores_proved;
    UT_CHECK(dx_x64_translate(&t->m, &o, &t->ar, &t->x, &err));
    dr_opts_t ro = { .strategy = strategy, .max_memory = 1u << 16, .max_stack = 1u << 20 };
    t->in = dr_instantiate(&t->m, &t->x, "counts.wasm", &ro);
    UT_CHECK(t->in != NULL && dr_start(t->in));
}

static void stop(inst_t *t)
{
    dr_free(t->in);
    dx_arena_free(&t->ar);
}

static uint64_t call(inst_t *t, uint32_t f, uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t args[3] = { a0, a1, a2 }, res[1] = { 0 };
    UT_CHECK(dr_call_func(t->in, f, args, res));
    return res[0];
}

static void expect(const inst_t *t, uint64_t guarded, uint64_t checked, uint64_t proved)
{
    UT_EQ(t->n[DX_ACC_GUARDED], guarded);
    UT_EQ(t->n[DX_ACC_CHECKED], checked);
    UT_EQ(t->n[DX_ACC_PROVED], proved);
}

/* loop(5, n) = 0 + 1 + ... + n-1 (the bytes at 5 are 0): 3n + 1 accesses,
 * n of them stores. Then 10 rounds more: [16] keeps its sum. */
static void run_loop(uint8_t strategy)
{
    inst_t t;
    load(&t, strategy, true);
    expect(&t, 0, 0, 0);
    UT_EQ(call(&t, F_LOOP, 5, 1000, 0), 499500);
    uint64_t all = 3001, stores = 1000;
    if (strategy == DX_STRATEGY_GUARD)
        expect(&t, all, 0, 0);
    else if (strategy == DX_STRATEGY_CHECKED)
        expect(&t, 0, all, 0);
    else
        expect(&t, 0, all - stores, stores);
    UT_EQ(call(&t, F_LOOP, 5, 10, 0), 499500 + 45);
    UT_EQ(t.n[0] + t.n[1] + t.n[2], all + 31);
    stop(&t);
}

UT_TEST(loop_guard) { run_loop(DX_STRATEGY_GUARD); }
UT_TEST(loop_checked) { run_loop(DX_STRATEGY_CHECKED); }
UT_TEST(loop_proved_stores) { run_loop(DX_STRATEGY_PROVED); }

/* The hook is asked once per access, under proved only; its verdicts are
 * the static figures. */
UT_TEST(static_figures)
{
    inst_t t;
    load(&t, DX_STRATEGY_PROVED, true);
    UT_EQ(t.asked, NACCESSES);
    UT_EQ(t.x.stats.acc_proved, NSTORES);
    UT_EQ(t.x.stats.acc_checked, NACCESSES - NSTORES);
    UT_EQ(t.x.stats.acc_guarded, 0);
    stop(&t);
    load(&t, DX_STRATEGY_CHECKED, true);
    UT_EQ(t.asked, 0);
    UT_EQ(t.x.stats.acc_checked, NACCESSES);
    stop(&t);
}

/* Every width, kind and register file: 13 accesses, the value intact. */
UT_TEST(every_width)
{
    static const uint8_t strategies[] = { DX_STRATEGY_GUARD, DX_STRATEGY_CHECKED,
                                          DX_STRATEGY_PROVED };
    for (int s = 0; s < 3; s++) {
        inst_t t;
        load(&t, strategies[s], true);
        UT_EQ(call(&t, F_WIDTHS, 1000, 0x0123456789ABCDEFu, 0), 0x0123456789ABCDEFu);
        if (s == 0)
            expect(&t, 13, 0, 0);
        else if (s == 1)
            expect(&t, 0, 13, 0);
        else
            expect(&t, 0, 8, 5);
        stop(&t);
    }
}

/* A comparison's result lives in the flags until the next instruction;
 * the load after it, count and all, must not lose it. */
UT_TEST(comparison_then_load)
{
    inst_t t;
    load(&t, DX_STRATEGY_CHECKED, true);
    call(&t, F_WIDTHS, 64, 40, 0); /* [64] = 40 */
    UT_EQ(call(&t, F_CMP, 1, 2, 64), 41);
    UT_EQ(call(&t, F_CMP, 2, 1, 64), 40);
    UT_EQ(call(&t, F_CMP, 7, 7, 64), 40);
    expect(&t, 0, 13 + 3, 0);
    stop(&t);
}

/* memory.fill and memory.copy are runtime calls: only the load counts. */
UT_TEST(bulk_not_counted)
{
    inst_t t;
    load(&t, DX_STRATEGY_CHECKED, true);
    UT_EQ(call(&t, F_BULK, 300, 0, 0), 7);
    expect(&t, 0, 1, 0);
    stop(&t);
}

/* An access that traps was executed: counted, in either strategy. */
UT_TEST(trapping_access_counted)
{
    for (int s = 0; s < 2; s++) {
        inst_t t;
        load(&t, s ? DX_STRATEGY_CHECKED : DX_STRATEGY_GUARD, true);
        uint64_t args[1] = { 65536 }, res[1];
        UT_CHECK(!dr_call_func(t.in, F_AT, args, res));
        UT_EQ(t.in->trap, DX_TRAP_MEMORY);
        UT_EQ(call(&t, F_AT, 65532, 0, 0), 0);
        expect(&t, s ? 0 : 2, s ? 2 : 0, 0);
        stop(&t);
    }
}

/* Each translation counts into its own array. */
UT_TEST(counters_are_the_callers)
{
    inst_t a, b;
    load(&a, DX_STRATEGY_CHECKED, true);
    load(&b, DX_STRATEGY_CHECKED, true);
    call(&a, F_LOOP, 0, 10, 0);
    call(&b, F_AT, 0, 0, 0);
    expect(&a, 0, 31, 0);
    expect(&b, 0, 1, 0);
    stop(&a);
    stop(&b);
}

/* ---- the code ------------------------------------------------------------------ */
/* The bytes of the counting sequence for class c, as access.c emits them
 * (x_mov_ri's three forms of mov r11, imm). */
static size_t sequence(const uint64_t *n, int c, uint8_t *out)
{
    uint64_t a = (uint64_t)(uintptr_t)&n[c];
    size_t k = 0, w = 8;
    if (a <= 0xFFFFFFFFu)
        out[k++] = 0x41, out[k++] = 0xBB, w = 4;            /* mov r11d, imm32 */
    else if ((int64_t)a >= INT32_MIN && (int64_t)a < 0)
        out[k++] = 0x49, out[k++] = 0xC7, out[k++] = 0xC3, w = 4; /* sign-extended */
    else
        out[k++] = 0x49, out[k++] = 0xBB;                   /* movabs r11, imm64 */
    for (size_t i = 0; i < w; i++)
        out[k++] = (uint8_t)(a >> (8 * i));
    static const uint8_t add[] = { 0x49, 0x83, 0x03, 0x01 }; /* add qword [r11], 1 */
    memcpy(out + k, add, sizeof add);
    return k + sizeof add;
}

/* Occurrences of seq[0..len) in code[from..to). */
static uint32_t occurrences(const uint8_t *code, size_t from, size_t to,
                            const uint8_t *seq, size_t len)
{
    uint32_t k = 0;
    for (size_t i = from; i + len <= to; i++)
        if (!memcmp(code + i, seq, len))
            k++;
    return k;
}

static size_t entry_end(const dx_x64_t *x, size_t k)
{
    return k + 1 < x->nmap ? x->map[k + 1].code : x->size;
}

/* c: counted, u: the same strategy uncounted. */
static void compare_code(const inst_t *c, const inst_t *u)
{
    UT_CHECK(!memcmp(&c->x.stats, &u->x.stats, sizeof c->x.stats));
    UT_EQ(c->x.nmap, u->x.nmap);
    uint8_t seq[DX_ACC_COUNT][16];
    size_t len[DX_ACC_COUNT];
    uint32_t found[DX_ACC_COUNT] = { 0 };
    for (int k = 0; k < DX_ACC_COUNT; k++) {
        len[k] = sequence(c->n, k, seq[k]);
        UT_EQ(occurrences(u->x.code, 0, u->x.size, seq[k], len[k]), 0);
    }
    for (size_t e = 0; e < c->x.nmap; e++) {
        const dx_x64_mapent_t *mc = &c->x.map[e], *mu = &u->x.map[e];
        UT_CHECK(mc->func == mu->func && mc->module == mu->module);
        size_t extra = 0;
        for (int k = 0; k < DX_ACC_COUNT; k++) {
            uint32_t n = occurrences(c->x.code, mc->code, entry_end(&c->x, e), seq[k], len[k]);
            found[k] += n;
            extra += n * len[k];
        }
        size_t lc = entry_end(&c->x, e) - mc->code, lu = entry_end(&u->x, e) - mu->code;
        if (extra && mc->func != F_LOOP)
            UT_EQ(lc, lu + extra);
    }
    UT_EQ(found[DX_ACC_GUARDED], c->x.stats.acc_guarded);
    UT_EQ(found[DX_ACC_CHECKED], c->x.stats.acc_checked);
    UT_EQ(found[DX_ACC_PROVED], c->x.stats.acc_proved);
}

UT_TEST(code_adds_the_sequences_only)
{
    static const uint8_t strategies[] = { DX_STRATEGY_GUARD, DX_STRATEGY_CHECKED,
                                          DX_STRATEGY_PROVED };
    for (int s = 0; s < 3; s++) {
        inst_t c, u;
        load(&c, strategies[s], true);
        load(&u, strategies[s], false);
        compare_code(&c, &u);
        UT_EQ(c.x.stats.acc_guarded + c.x.stats.acc_checked + c.x.stats.acc_proved,
              NACCESSES);
        stop(&c);
        stop(&u);
    }
}
