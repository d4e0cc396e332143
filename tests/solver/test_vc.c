/*
 * Verification conditions (libabi/proof/vc.c) on modules written byte by
 * byte: what the passive form proves from constants, masks, path
 * conditions, branch guards and memory's only growing, what it must not
 * prove (an access at an arbitrary parameter, an unbounded loop counter),
 * and a budget of nothing proving nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vc.h"
#include "ut.h"
#include "wbuild.h"

/* Ends the body of b's one function (index 0), loads and verifies the
 * module; returns the verdict of the access at module offset `at`. */
static dx_solve_t verdict_at(wb_t *b, size_t at, uint64_t budget)
{
    wb_byte(b, 0x0b); /* the body's end */
    wb_func_end(b);
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
    dx_vc_opts_t o = {budget, true};
    UT_CHECK(dx_vc_module(&m, NULL, &o, &ar, &v, &err));
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
    UT_CHECK(verdict_at(&b, at, 0) == DX_SOLVE_PROVED);
    wb_func_begin(&b, "", "i", WB_MEM);
    I32_CONST(&b, 0);
    at = load(&b, 65533);
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
    UT_CHECK(verdict_at(&b, at, 0) == DX_SOLVE_PROVED);
}

/* an arbitrary parameter: not provable (a counterexample exists) */
UT_TEST(arbitrary_parameter)
{
    wb_t b;
    wb_func_begin(&b, "i", "i", WB_MEM);
    LOCAL_GET(&b, 0);
    size_t at = load(&b, 0);
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
    UT_CHECK(verdict_at(&b, at, 1) != DX_SOLVE_PROVED);
    wb_func_begin(&b, "i", "i", WB_MEM);
    LOCAL_GET(&b, 0);
    I32_CONST(&b, 0xff);
    wb_byte(&b, 0x71);
    at = load(&b, 0);
    UT_CHECK(verdict_at(&b, at, 1) != DX_SOLVE_REFUTED);
}

/* ---- annotations (dogma.proof) ----------------------------------------------------------
 * Two functions: f(p) loads p + 12 (4 bytes); g, exported as _start, calls
 * f(arg). f's precondition is extend_u(p) + K <= memsize. */
typedef struct {
    dx_vc_t v;
    bool decoded;
    size_t f_load; /* module offset of f's load */
} annotated_t;

/* Loads the module in b, decodes its proof and verifies it; the verdicts
 * are kept (malloc'd) past the module. */
static void verify_built(wb_t *b, annotated_t *out)
{
    memset(&out->v, 0, sizeof out->v);
    dx_arena_t ar;
    dx_arena_init_malloc(&ar);
    dx_module_t m;
    dx_error_t err;
    dx_proof_t proof;
    dx_vc_opts_t o = {0, true};
    UT_CHECK(dx_module_load(b->p, b->n, &ar, &m, &err));
    out->decoded = dx_proof_decode(&m, NULL, 0, &ar, &proof, &err);
    if (out->decoded)
        UT_CHECK(dx_vc_module(&m, &proof, &o, &ar, &out->v, &err));
    dx_ob_t *obs = malloc((out->v.nobs + 1) * sizeof *obs);
    UT_CHECK(obs != NULL);
    if (out->decoded && out->v.nobs)
        memcpy(obs, out->v.obs, out->v.nobs * sizeof *obs);
    out->v.obs = obs;
    dx_arena_free(&ar);
    wb_free(b);
}

static void annotated(uint32_t arg, int64_t k, uint32_t load_off, annotated_t *out)
{
    wb_t b;
    wb_module(&b);
    wb_section(&b, 1, "\x02\x60\x01\x7f\x01\x7f\x60\x00\x00", 9); /* (i32)->i32, ()->() */
    wb_section(&b, 3, "\x02\x00\x01", 3);                       /* f: type 0, g: type 1 */
    wb_section(&b, 5, "\x01\x00\x01", 3);                       /* one page */
    wb_section(&b, 7, "\x01\x06_start\x00\x01", 10);            /* export g */
    wb_sec(&b, 10);
    wb_u(&b, 2);
    wb_open(&b);                                                /* f */
    wb_u(&b, 0);
    LOCAL_GET(&b, 0);
    out->f_load = load(&b, load_off);
    wb_byte(&b, 0x0b);
    wb_close(&b);
    wb_open(&b);                                                /* g */
    wb_u(&b, 0);
    I32_CONST(&b, (int32_t)arg);
    wb_byte(&b, 0x10), wb_u(&b, 0);                             /* call f */
    wb_byte(&b, 0x1a);                                          /* drop */
    wb_byte(&b, 0x0b);
    wb_close(&b);
    wb_close(&b);
    /* dogma.proof: version 1, flags 0, no lemmas, no invariants, one
     * function: f, one precondition, no post, loops or hints */
    wb_sec(&b, 0);
    wb_str(&b, "dogma.proof");
    wb_bytes(&b, "\x01\x00\x00\x00\x01\x00\x01", 7);
    wb_t e;
    wb_init(&e);
    wb_byte(&e, 0x12), wb_u(&e, 0); /* local 0 */
    wb_byte(&e, 0x30);              /* extend_u */
    wb_byte(&e, 0x11), wb_s(&e, k); /* i64.const K */
    wb_byte(&e, 0x20);              /* add */
    wb_byte(&e, 0x14);              /* memsize */
    wb_byte(&e, 0x43);              /* le_u */
    wb_u(&b, e.n);
    wb_bytes(&b, e.p, e.n);
    wb_free(&e);
    wb_bytes(&b, "\x00\x00\x00", 3);
    wb_close(&b);

    verify_built(&b, out);
}

static dx_solve_t ob_at(const annotated_t *a, size_t insn)
{
    for (size_t i = 0; i < a->v.nobs; i++)
        if (a->v.obs[i].insn == insn && a->v.obs[i].kind <= DX_OB_STORE)
            return (dx_solve_t)a->v.obs[i].verdict;
    return DX_SOLVE_ERROR;
}

/* The precondition holds at the call (100 + 16 <= 65536) and makes f's
 * access provable: p + 12 + 4 <= memsize. */
UT_TEST(precondition_proves_the_callee)
{
    annotated_t a;
    annotated(100, 16, 12, &a);
    UT_CHECK(a.decoded && !a.v.refuted && !a.v.annotations_dropped);
    UT_CHECK(ob_at(&a, a.f_load) == DX_SOLVE_PROVED);
    UT_CHECK(a.v.counts[DX_OB_PRE][DX_SOLVE_PROVED] == 1);
    free(a.v.obs);
}

/* A call that breaks the precondition (65530 + 16 > 65536): refuted, the
 * module is rejected, and the report names the precondition and the call. */
UT_TEST(violated_precondition_is_refuted)
{
    annotated_t a;
    annotated(65530, 16, 12, &a);
    UT_CHECK(a.decoded && a.v.refuted);
    UT_CHECK(a.v.refutation.kind == DX_OB_PRE && a.v.refutation.func == 1);
    UT_CHECK(a.v.annotation != 0);
    free(a.v.obs);
}

/* The mutations of the precondition's constant: whatever K claims, no
 * mutation makes f's access proved unless p + 16 <= memsize really
 * follows; a K the call cannot meet is refuted. (f's access needs 16.) */
UT_TEST(mutated_precondition_never_unsound)
{
    static const int64_t ks[] = {0, 1, 8, 15, 16, 17, 4096, 65436, 65437, -1, INT64_MIN};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        annotated_t a;
        annotated(100, ks[i], 12, &a);
        UT_CHECK(a.decoded);
        dx_solve_t r = ob_at(&a, a.f_load);
        bool strong = ks[i] >= 16 && ks[i] <= 65436; /* true of 100, and enough for f */
        if (a.v.refuted)
            UT_CHECK(ks[i] > 65436 || ks[i] < 0); /* only claims false of the call */
        else if (r == DX_SOLVE_PROVED)
            UT_CHECK(strong);
        free(a.v.obs);
    }
}

/* The access reaches past what the precondition covers (p + 20 + 4 with
 * p + 16 <= memsize): not proved, not refuted: it keeps its check. */
UT_TEST(precondition_too_weak_keeps_the_check)
{
    annotated_t a;
    annotated(100, 16, 20, &a);
    UT_CHECK(a.decoded && !a.v.refuted);
    UT_CHECK(ob_at(&a, a.f_load) != DX_SOLVE_PROVED);
    free(a.v.obs);
}

/* A loop over i = 0, 1, ..., 99 loading 1000 + 4 i, with the invariant
 * i <u bound at its head: true for bound 100 (and the access is then
 * proved), false for 50 (refuted where the loop branches back). */
static void looped(int32_t bound, annotated_t *out)
{
    wb_t b;
    wb_module(&b);
    wb_section(&b, 1, "\x01\x60\x00\x00", 4);
    wb_section(&b, 3, "\x01\x00", 2);
    wb_section(&b, 5, "\x01\x00\x01", 3);
    wb_sec(&b, 10);
    wb_u(&b, 1);
    wb_open(&b);
    wb_bytes(&b, "\x01\x01\x7f", 3);                 /* one i32 local: i */
    wb_byte(&b, 0x03), wb_byte(&b, 0x40);            /* loop */
    LOCAL_GET(&b, 0);
    I32_CONST(&b, 2);
    wb_byte(&b, 0x74);                               /* i32.shl */
    out->f_load = load(&b, 1000);
    wb_byte(&b, 0x1a);                               /* drop */
    LOCAL_GET(&b, 0);
    I32_CONST(&b, 1);
    wb_byte(&b, 0x6a);                               /* i32.add */
    wb_byte(&b, 0x22), wb_u(&b, 0);                  /* local.tee 0 */
    I32_CONST(&b, 100);
    wb_byte(&b, 0x49);                               /* i32.lt_u */
    wb_byte(&b, 0x0d), wb_u(&b, 0);                  /* br_if 0 */
    wb_byte(&b, 0x0b);                               /* end loop */
    wb_byte(&b, 0x0b);
    wb_close(&b);
    wb_close(&b);
    wb_sec(&b, 0);
    wb_str(&b, "dogma.proof");
    /* version, flags, lemmas, invariants; one function: 0, no pre/post,
     * one loop: ordinal 0 with one invariant */
    wb_bytes(&b, "\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x01", 11);
    wb_t e;
    wb_init(&e);
    wb_byte(&e, 0x12), wb_u(&e, 0);     /* local 0 */
    wb_byte(&e, 0x10), wb_s(&e, bound); /* i32.const */
    wb_byte(&e, 0x42);                  /* lt_u */
    wb_u(&b, e.n);
    wb_bytes(&b, e.p, e.n);
    wb_free(&e);
    wb_u(&b, 0);                        /* no hints */
    wb_close(&b);

    verify_built(&b, out);
}

UT_TEST(loop_invariant_proves_the_body)
{
    annotated_t a;
    looped(100, &a);
    UT_CHECK(a.decoded && !a.v.refuted && !a.v.annotations_dropped);
    UT_CHECK(ob_at(&a, a.f_load) == DX_SOLVE_PROVED);
    UT_CHECK(a.v.counts[DX_OB_LOOP_ENTRY][DX_SOLVE_PROVED] == 1);
    UT_CHECK(a.v.counts[DX_OB_LOOP_KEEP][DX_SOLVE_PROVED] == 1);
    free(a.v.obs);
}

UT_TEST(false_loop_invariant_is_refuted)
{
    annotated_t a;
    looped(50, &a);
    UT_CHECK(a.decoded && a.v.refuted && a.v.refutation.kind == DX_OB_LOOP_KEEP);
    free(a.v.obs);
    looped(0, &a); /* false on entry already: i = 0 is not below 0 */
    UT_CHECK(a.decoded && a.v.refuted && a.v.refutation.kind == DX_OB_LOOP_ENTRY);
    free(a.v.obs);
}
