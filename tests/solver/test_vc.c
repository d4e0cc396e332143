/*
 * Verification conditions (libabi/proof/vc.c) on modules written byte by
 * byte: what the passive form proves from constants, masks, path
 * conditions, branch guards and memory's only growing, what it must not
 * prove (an access at an arbitrary parameter, an unbounded loop counter),
 * and a budget of nothing proving nothing.
 */
#include <stdlib.h>

#include "vc.h"
#include "ut.h"
#include "wbuild.h"

/* Loads and verifies the module in b (one function, index 0); returns the
 * verdict of the access at module offset `at`. */
static dx_solve_t verdict_at(wb_t *b, size_t at, uint64_t budget)
{
    dx_arena_t ar;
    dx_arena_init_malloc(&ar);
    dx_module_t m;
    dx_error_t err;
    if (!dx_module_load(b->p, b->n, &ar, &m, &err)) {
        char msg[256];
        dx_err_render(&err, "test", msg, sizeof msg);
        ut_fail(__FILE__, __LINE__, "the test module does not load: %s", msg);
    }
    dx_vc_t v;
    UT_CHECK(dx_vc_module(&m, budget, &ar, &v, &err));
    dx_solve_t r = DX_SOLVE_ERROR;
    for (size_t i = 0; i < v.nobs; i++)
        if (v.obs[i].insn == at)
            r = (dx_solve_t)v.obs[i].verdict;
    bool proved_hook = dx_vc_proved(&v, 0, at);
    dx_arena_free(&ar);
    wb_free(b);
    UT_CHECK(proved_hook == (r == DX_SOLVE_PROVED)); /* the translator's view agrees */
    return r;
}

#define I32_CONST(b, v) (wb_byte(b, 0x41), wb_s(b, v))
#define LOCAL_GET(b, i) (wb_byte(b, 0x20), wb_u(b, i))
/* i32.load align=2 offset=off at the current position; returns it */
static size_t load(wb_t *b, uint32_t off)
{
    size_t at = wb_pos(b);
    wb_byte(b, 0x28), wb_u(b, 2), wb_u(b, off);
    return at;
}

/* memory has one page: 16 + 4 <= 65536 whatever happens */
UT_TEST(constant_address)
{
    wb_t b;
    wb_func_begin(&b, "", "i", WB_MEM);
    I32_CONST(&b, 16);
    size_t at = load(&b, 0);
    wb_byte(&b, 0x0b); /* the body's end */
    wb_func_end(&b);
    UT_CHECK(verdict_at(&b, at, 0) == DX_SOLVE_PROVED);
}

/* the last four bytes of the page, through the offset: proved; one more
 * byte: the solver finds the counterexample */
UT_TEST(offset_at_the_bound)
{
    wb_t b;
    wb_func_begin(&b, "", "i", WB_MEM);
    I32_CONST(&b, 0);
    size_t at = load(&b, 65532);
    wb_byte(&b, 0x0b); /* the body's end */
    wb_func_end(&b);
    UT_CHECK(verdict_at(&b, at, 0) == DX_SOLVE_PROVED);
    wb_func_begin(&b, "", "i", WB_MEM);
    I32_CONST(&b, 0);
    at = load(&b, 65533);
    wb_byte(&b, 0x0b); /* the body's end */
    wb_func_end(&b);
    UT_CHECK(verdict_at(&b, at, 0) == DX_SOLVE_REFUTED);
}

/* p & 0xff: at most 255 + 4 bytes */
UT_TEST(masked_parameter)
{
    wb_t b;
    wb_func_begin(&b, "i", "i", WB_MEM);
    LOCAL_GET(&b, 0);
    I32_CONST(&b, 0xff);
    wb_byte(&b, 0x71); /* i32.and */
    size_t at = load(&b, 0);
    wb_byte(&b, 0x0b); /* the body's end */
    wb_func_end(&b);
    UT_CHECK(verdict_at(&b, at, 0) == DX_SOLVE_PROVED);
}

/* an arbitrary parameter: not provable (a counterexample exists) */
UT_TEST(arbitrary_parameter)
{
    wb_t b;
    wb_func_begin(&b, "i", "i", WB_MEM);
    LOCAL_GET(&b, 0);
    size_t at = load(&b, 0);
    wb_byte(&b, 0x0b); /* the body's end */
    wb_func_end(&b);
    UT_CHECK(verdict_at(&b, at, 0) == DX_SOLVE_REFUTED);
}

/* if (p <u 100) load p: the path condition bounds it */
UT_TEST(guarded_by_if)
{
    wb_t b;
    wb_func_begin(&b, "i", "i", WB_MEM);
    LOCAL_GET(&b, 0);
    I32_CONST(&b, 100);
    wb_byte(&b, 0x49);               /* i32.lt_u */
    wb_byte(&b, 0x04), wb_byte(&b, 0x7f); /* if (result i32) */
    LOCAL_GET(&b, 0);
    size_t at = load(&b, 0);
    wb_byte(&b, 0x05);               /* else */
    I32_CONST(&b, 0);
    wb_byte(&b, 0x0b);               /* end */
    wb_byte(&b, 0x0b); /* the body's end */
    wb_func_end(&b);
    UT_CHECK(verdict_at(&b, at, 0) == DX_SOLVE_PROVED);
}

/* block: br_if out when p >=u 1000; the load after it is bounded */
UT_TEST(guarded_by_br_if)
{
    wb_t b;
    wb_func_begin(&b, "i", "i", WB_MEM);
    wb_byte(&b, 0x02), wb_byte(&b, 0x40); /* block */
    LOCAL_GET(&b, 0);
    I32_CONST(&b, 1000);
    wb_byte(&b, 0x4f);               /* i32.ge_u */
    wb_byte(&b, 0x0d), wb_u(&b, 0);  /* br_if 0 */
    LOCAL_GET(&b, 0);
    size_t at = load(&b, 0);
    wb_byte(&b, 0x1a);               /* drop */
    wb_byte(&b, 0x0b);               /* end */
    I32_CONST(&b, 0);
    wb_byte(&b, 0x0b); /* the body's end */
    wb_func_end(&b);
    UT_CHECK(verdict_at(&b, at, 0) == DX_SOLVE_PROVED);
}

/* a loop writing its counter: at the head the counter is anything (no
 * invariant): i & 1023 is still bounded, i itself is not */
UT_TEST(loop_counter_cut_at_the_head)
{
    for (int masked = 0; masked < 2; masked++) {
        wb_t b;
        wb_func_begin(&b, "i", "i", WB_MEM);
        wb_byte(&b, 0x03), wb_byte(&b, 0x40); /* loop */
        LOCAL_GET(&b, 0);
        if (masked) {
            I32_CONST(&b, 1023);
            wb_byte(&b, 0x71);           /* i32.and */
        }
        size_t at = load(&b, 0);
        wb_byte(&b, 0x1a);               /* drop */
        LOCAL_GET(&b, 0);
        I32_CONST(&b, 4);
        wb_byte(&b, 0x6a);               /* i32.add */
        wb_byte(&b, 0x22), wb_u(&b, 0);  /* local.tee 0 */
        I32_CONST(&b, 4000);
        wb_byte(&b, 0x49);               /* i32.lt_u */
        wb_byte(&b, 0x0d), wb_u(&b, 0);  /* br_if 0: again */
        wb_byte(&b, 0x0b);               /* end */
        I32_CONST(&b, 0);
        wb_byte(&b, 0x0b); /* the body's end */
        wb_func_end(&b);
        dx_solve_t r = verdict_at(&b, at, 0);
        UT_CHECK(masked ? r == DX_SOLVE_PROVED : r != DX_SOLVE_PROVED);
    }
}

/* memory only grows: after memory.grow a constant access still fits */
UT_TEST(memory_only_grows)
{
    wb_t b;
    wb_func_begin(&b, "", "i", WB_MEM);
    I32_CONST(&b, 1);
    wb_byte(&b, 0x40), wb_byte(&b, 0x00); /* memory.grow */
    wb_byte(&b, 0x1a);                     /* drop */
    I32_CONST(&b, 65000);
    size_t at = load(&b, 0);
    wb_byte(&b, 0x0b); /* the body's end */
    wb_func_end(&b);
    UT_CHECK(verdict_at(&b, at, 0) == DX_SOLVE_PROVED);
}

/* A budget of one unit: an access at an arbitrary parameter, which is
 * refutable, is never claimed proved; a bounded one is never claimed
 * refuted. A budget changes how much is proved, never what is true. */
UT_TEST(tiny_budget_stays_sound)
{
    wb_t b;
    wb_func_begin(&b, "i", "i", WB_MEM);
    LOCAL_GET(&b, 0);
    size_t at = load(&b, 0);
    wb_byte(&b, 0x0b); /* the body's end */
    wb_func_end(&b);
    UT_CHECK(verdict_at(&b, at, 1) != DX_SOLVE_PROVED);
    wb_func_begin(&b, "i", "i", WB_MEM);
    LOCAL_GET(&b, 0);
    I32_CONST(&b, 0xff);
    wb_byte(&b, 0x71);
    at = load(&b, 0);
    wb_byte(&b, 0x0b); /* the body's end */
    wb_func_end(&b);
    UT_CHECK(verdict_at(&b, at, 1) != DX_SOLVE_REFUTED);
}
