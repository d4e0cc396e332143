/*
 * Unit tests of the translator's interface (dogma/translate.h): what it
 * reports about its output, as distinct from what the output computes
 * (tests/translate/ runs the code). Modules are built byte by byte with
 * wbuild, so each test shows the instructions it counts on.
 */
#include <stdlib.h>
#include <string.h>

#include <dogma/module.h>
#include <dogma/translate.h>

#include "ut.h"
#include "wbuild.h"

typedef struct built {
    wb_t b;
    dx_arena_t ar;
    dx_module_t m;
} built_t;

/* One function (i32) -> (i32) with memory, whose body is the bytes given
 * (the final end included). */
static void build(built_t *t, const char *code, size_t n)
{
    wb_func_begin(&t->b, "i", "i", WB_MEM);
    wb_bytes(&t->b, code, n);
    wb_func_end(&t->b);
    dx_arena_init_malloc(&t->ar);
    dx_error_t err;
    UT_CHECK(dx_module_decode(t->b.p, t->b.n, &t->ar, &t->m, &err));
}

static void done(built_t *t)
{
    dx_arena_free(&t->ar);
    wb_free(&t->b);
}

/* local.get 0; i32.load; local.get 0; i32.load offset=4; i32.add; end */
static const char two_loads[] = "\x20\x00\x28\x02\x00\x20\x00\x28\x02\x04\x6a\x0b";

static size_t hook_calls;
static size_t hook_offsets[8];

static bool prove_all(void *ctx, uint32_t func, size_t insn)
{
    (void)ctx;
    UT_CHECK(func == 0);
    if (hook_calls < 8)
        hook_offsets[hook_calls] = insn;
    hook_calls++;
    return true;
}

static bool prove_none(void *ctx, uint32_t func, size_t insn)
{
    (void)ctx, (void)func, (void)insn;
    return false;
}

UT_TEST(accesses_by_class)
{
    built_t t;
    build(&t, two_loads, sizeof two_loads - 1);
    dx_error_t err;
    dx_x64_t guard, checked, proved, unproved;
    dx_x64_opts_t o = { .strategy = DX_STRATEGY_GUARD };
    UT_CHECK(dx_x64_translate(&t.m, &o, &t.ar, &guard, &err));
    UT_CHECK(guard.stats.acc_guarded == 2 && guard.stats.acc_checked == 0);
    o.strategy = DX_STRATEGY_CHECKED;
    UT_CHECK(dx_x64_translate(&t.m, &o, &t.ar, &checked, &err));
    UT_CHECK(checked.stats.acc_checked == 2 && checked.stats.acc_guarded == 0);
    UT_CHECK(checked.size > guard.size);                 /* the checks */
    UT_CHECK(checked.stats.trap_sites > guard.stats.trap_sites);

    /* proved: the hook is asked once per access, with its offset */
    hook_calls = 0;
    o = (dx_x64_opts_t){ .strategy = DX_STRATEGY_PROVED, .proved = prove_all };
    UT_CHECK(dx_x64_translate(&t.m, &o, &t.ar, &proved, &err));
    UT_CHECK(hook_calls == 2);
    size_t body = t.m.funcs[0].code;
    UT_CHECK(hook_offsets[0] == body + 2 && hook_offsets[1] == body + 7);
    UT_CHECK(proved.stats.acc_proved == 2 && proved.stats.acc_checked == 0);
    UT_CHECK(proved.size == guard.size);                 /* no check left */
    o.proved = prove_none;
    UT_CHECK(dx_x64_translate(&t.m, &o, &t.ar, &unproved, &err));
    UT_CHECK(unproved.stats.acc_checked == 2 && unproved.size == checked.size);
    o.proved = NULL; /* proved with no hook: everything checked */
    UT_CHECK(dx_x64_translate(&t.m, &o, &t.ar, &unproved, &err));
    UT_CHECK(unproved.stats.acc_checked == 2);
    done(&t);
}

UT_TEST(deterministic_output)
{
    built_t t;
    build(&t, two_loads, sizeof two_loads - 1);
    dx_error_t err;
    dx_x64_t a, b;
    dx_x64_opts_t o = { .strategy = DX_STRATEGY_CHECKED };
    UT_CHECK(dx_x64_translate(&t.m, &o, &t.ar, &a, &err));
    UT_CHECK(dx_x64_translate(&t.m, &o, &t.ar, &b, &err));
    UT_CHECK(a.size == b.size && memcmp(a.code, b.code, a.size) == 0);
    UT_CHECK(a.nmap == b.nmap);
    done(&t);
}

/* i32.const 1; local.get 0; i32.div_s; end: the division traps twice
 * (zero, overflow); the map finds the instruction from anywhere in its
 * code and from its trap stubs. */
UT_TEST(code_map)
{
    built_t t;
    static const char div[] = "\x41\x01\x20\x00\x6d\x0b";
    build(&t, div, sizeof div - 1);
    dx_error_t err;
    dx_x64_t x;
    dx_x64_opts_t o = { .strategy = DX_STRATEGY_GUARD };
    UT_CHECK(dx_x64_translate(&t.m, &o, &t.ar, &x, &err));
    UT_CHECK(x.nfuncs == 1 && x.func_code[0] < x.func_end[0] && x.func_end[0] <= x.size);
    UT_CHECK(x.func_adapter[0] == DX_X64_NONE); /* not exported */
    for (size_t i = 1; i < x.nmap; i++)
        UT_CHECK(x.map[i - 1].code < x.map[i].code);
    const dx_x64_mapent_t *e = dx_x64_lookup(&x, x.func_code[0]);
    UT_CHECK(e && e->func == 0 && e->module == t.m.funcs[0].code);
    size_t div_at = t.m.funcs[0].code + 4;
    size_t hits = 0;
    for (size_t i = 0; i < x.nmap; i++)
        hits += x.map[i].module == div_at;
    UT_CHECK(hits >= 3); /* the division and its two distinct trap stubs */
    UT_CHECK(x.stats.trap_sites == 2);
    /* every ud2 in the code is a stub whose map entry is the division */
    size_t stubs = 0;
    for (size_t pc = 0; pc + 2 < x.size; pc++) {
        if (x.code[pc] != 0x0F || x.code[pc + 1] != 0x0B)
            continue;
        const dx_x64_mapent_t *s = dx_x64_lookup(&x, (uint32_t)pc);
        if (s && s->code == pc && s->module == div_at) {
            UT_CHECK(x.code[pc + 2] == DX_TRAP_DIV_ZERO || x.code[pc + 2] == DX_TRAP_OVERFLOW);
            stubs++;
        }
    }
    UT_CHECK(stubs == 2);
    UT_CHECK(dx_x64_lookup(&x, 0) != NULL);
    done(&t);
}

UT_TEST(invalid_module_gives_the_validators_error)
{
    built_t t;
    static const char bad[] = "\x42\x01\x0b"; /* i64.const 1 where an i32 is due */
    build(&t, bad, sizeof bad - 1);
    dx_error_t err;
    dx_x64_t x;
    dx_x64_opts_t o = { .strategy = DX_STRATEGY_GUARD };
    UT_CHECK(!dx_x64_translate(&t.m, &o, &t.ar, &x, &err));
    UT_CHECK(err.code == DX_E_TYPE_MISMATCH && err.func == 0);
    done(&t);
}

UT_TEST(trap_names)
{
    UT_STREQ(dx_trap_text(DX_TRAP_DIV_ZERO), "integer divide by zero");
    UT_STREQ(dx_trap_name(DX_TRAP_STACK), "STACK");
    UT_STREQ(dx_trap_text((dx_trap_t)99), "unknown trap");
}
