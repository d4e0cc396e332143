/*
 * Golden tests of the dogma.proof decoder (libabi/proof/proof.c,
 * spec/format.md section 5): for every DX_E_PROOF_* code, a section built
 * here byte by byte that breaks exactly that rule, with the code and the
 * offset of the offending byte pinned; and accepted sections, every
 * operation among them, read back through the decoded form and
 * dx_expr_next(). The last case checks that every PROOF_ code of error.def
 * has a golden test (test_format.c covers the others).
 *
 * Every case uses one module (fixture_module), so a test only writes the
 * section's payload:
 *
 *   func 0  imported, [] -> []
 *   func 1  [i32 i64] -> [i32], locals f32 i32 (local 0..3), two loops
 *   func 2  [] -> [], no loop
 *   func 3  [f32] -> [i64 f64]
 *   globals 0 i32 (mutable), 1 i64, 2 f32, then mutable ones for declared
 *     ranges: 3 i64 = 0x10000, 4 f32, 5 i32 = -1; one memory page
 */
#include <stdlib.h>

#include <dogma/module.h>
#include <dogma/proof.h>

#include "ut.h"
#include "wbuild.h"

static bool hit[DX_E_COUNT];

static void fixture_module(wb_t *b, const wb_t *payload, size_t *out_at)
{
    wb_module(b);
    wb_sec(b, 1); /* types: 0 (i32 i64)->(i32), 1 ()->(), 2 (f32)->(i64 f64) */
    wb_bytes(b, "\x03\x60\x02\x7f\x7e\x01\x7f\x60\x00\x00\x60\x01\x7d\x02\x7e\x7c", 16);
    wb_close(b);
    wb_sec(b, 2);
    wb_bytes(b, "\x01\x03" "env" "\x01" "f" "\x00\x01", 9);
    wb_close(b);
    wb_section(b, 3, "\x03\x00\x01\x02", 4);
    wb_section(b, 5, "\x01\x00\x01", 3);
    wb_sec(b, 6);
    wb_bytes(b, "\x06\x7f\x01\x41\x00\x0b\x7e\x00\x42\x00\x0b\x7d\x00\x43\x00\x00\x00\x00\x0b", 19);
    wb_bytes(b, "\x7e\x01\x42\x80\x80\x04\x0b\x7d\x01\x43\x00\x00\x00\x00\x0b", 15);
    wb_bytes(b, "\x7f\x01\x41\x7f\x0b", 5);
    wb_close(b);
    wb_sec(b, 10);
    wb_u(b, 3);
    wb_open(b); /* func 1: locals f32 i32; loop; block loop end end; i32.const 0 */
    wb_bytes(b, "\x02\x01\x7d\x01\x7f\x03\x40\x0b\x02\x40\x03\x40\x0b\x0b\x41\x00\x0b", 17);
    wb_close(b);
    wb_open(b);
    wb_bytes(b, "\x00\x0b", 2);
    wb_close(b);
    wb_open(b); /* func 3: i64.const 0; f64.const 0 */
    wb_bytes(b, "\x00\x42\x00\x44\x00\x00\x00\x00\x00\x00\x00\x00\x0b", 13);
    wb_close(b);
    wb_close(b);
    if (payload) {
        wb_sec(b, 0);
        wb_str(b, "dogma.proof");
        *out_at = wb_pos(b);
        if (payload->n) /* an empty one has no buffer */
            wb_bytes(b, payload->p, payload->n);
        wb_close(b);
    }
}

/* A module with the payload, loaded and its proof decoded. */
typedef struct fx {
    wb_t b;
    size_t at;     /* module offset of the payload */
    dx_arena_t ar;
    dx_module_t m;
    dx_proof_t p;
    dx_error_t err;
    bool ok;
    char msg[512];
} fx_t;

static void fx_run(fx_t *x, wb_t *payload, const char *const *known, size_t nknown)
{
    fixture_module(&x->b, payload, &x->at);
    wb_free(payload);
    dx_arena_init_malloc(&x->ar);
    if (!dx_module_load(x->b.p, x->b.n, &x->ar, &x->m, &x->err))
        ut_fail(__FILE__, __LINE__, "fixture module rejected");
    x->ok = dx_proof_decode(&x->m, known, nknown, &x->ar, &x->p, &x->err);
    dx_err_render(&x->err, "t.wasm", x->msg, sizeof x->msg);
}

static void fx_free(fx_t *x)
{
    dx_arena_free(&x->ar);
    wb_free(&x->b);
}

/* payload + bad is the offending byte */
static void expect_err_at(wb_t *payload, size_t bad, dx_err_t code,
                          const char *const *known, size_t nknown, int line)
{
    fx_t x;
    fx_run(&x, payload, known, nknown);
    if (x.ok)
        ut_fail(__FILE__, line, "proof accepted; expected %s at payload+%zu",
                dx_err_name(code), bad);
    if (x.err.code != code || x.err.offset != x.at + bad)
        ut_fail(__FILE__, line, "expected %s at 0x%zx, got %s (%s)", dx_err_name(code),
                x.at + bad, x.msg, dx_err_name(x.err.code));
    hit[code] = true;
    fx_free(&x);
}
#define EXPECT_ERR(p, bad, code) expect_err_at(p, bad, code, NULL, 0, __LINE__)

static void expect_ok_line(wb_t *payload, int line)
{
    fx_t x;
    fx_run(&x, payload, NULL, 0);
    if (!x.ok)
        ut_fail(__FILE__, line, "proof rejected: %s", x.msg);
    fx_free(&x);
}
#define EXPECT_OK(p) expect_ok_line(p, __LINE__)

/* ---- writing payloads ------------------------------------------------------ */

static void header(wb_t *p) { wb_init(p); wb_bytes(p, "\x01\x00", 2); }

/* One formula: its length and code; returns the payload offset of code. */
static size_t expr(wb_t *p, const char *code, size_t len)
{
    wb_u(p, len);
    size_t at = wb_pos(p);
    wb_bytes(p, code, len);
    return at;
}
#define EXPR(p, code) expr(p, code, sizeof(code) - 1)

enum where { INV, PRE, POST, LOOP };

/* A whole payload with one formula: a module invariant, or in func's
 * pre, post or loop 0 invariants. Returns the payload offset of the code. */
static size_t one(wb_t *p, enum where w, uint32_t func, const char *code, size_t len)
{
    size_t at = 0;
    header(p);
    wb_u(p, 0); /* lemmas */
    if (w == INV) {
        wb_u(p, 1);
        at = expr(p, code, len);
        wb_u(p, 0);
        return at;
    }
    wb_u(p, 0);
    wb_u(p, 1);
    wb_u(p, func);
    wb_u(p, w == PRE);
    if (w == PRE)
        at = expr(p, code, len);
    wb_u(p, w == POST);
    if (w == POST)
        at = expr(p, code, len);
    wb_u(p, w == LOOP);
    if (w == LOOP) {
        wb_u(p, 0);
        wb_u(p, 1);
        at = expr(p, code, len);
    }
    wb_u(p, 0); /* hints */
    return at;
}
#define ONE(p, w, f, code) one(p, w, f, code, sizeof(code) - 1)

/* A formula error: bad is the index of the offending byte in code. */
static void formula_err(enum where w, uint32_t func, const char *code, size_t len,
                        size_t bad, dx_err_t want, int line)
{
    wb_t p;
    size_t at = one(&p, w, func, code, len);
    expect_err_at(&p, at + bad, want, NULL, 0, line);
}
#define F_ERR(w, f, code, bad, want)                                           \
    formula_err(w, f, code, sizeof(code) - 1, bad, want, __LINE__)

static void formula_ok(enum where w, uint32_t func, const char *code, size_t len, int line)
{
    wb_t p;
    one(&p, w, func, code, len);
    expect_ok_line(&p, line);
}
#define F_OK(w, f, code) formula_ok(w, f, code, sizeof(code) - 1, __LINE__)

/* ---- accepted sections ---------------------------------------------------- */

UT_TEST(no_section)
{
    wb_t b;
    size_t at;
    fixture_module(&b, NULL, &at);
    dx_arena_t ar;
    dx_module_t m;
    dx_proof_t p;
    dx_error_t err;
    dx_arena_init_malloc(&ar);
    UT_CHECK(dx_module_load(b.p, b.n, &ar, &m, &err));
    UT_CHECK(dx_proof_decode(&m, NULL, 0, &ar, &p, &err));
    UT_CHECK(!p.present);
    UT_EQ(p.nfuncs, 0);
    UT_CHECK(dx_proof_func(&p, 1) == NULL);
    dx_arena_free(&ar);
    wb_free(&b);
}

/* The example of spec/format.md section 5.1, as func 1's precondition. */
UT_TEST(spec_example)
{
    wb_t p;
    size_t at = ONE(&p, PRE, 1, "\x12\x00\x30\x11\x10\x20\x14\x43");
    fx_t x;
    fx_run(&x, &p, NULL, 0);
    UT_CHECK(x.ok);
    UT_EQ(x.p.version, 1);
    UT_EQ(x.p.nfuncs, 1);
    UT_EQ(x.p.nformulas, 1);
    const dx_funcproof_t *fp = dx_proof_func(&x.p, 1);
    UT_CHECK(fp != NULL && fp->npre == 1 && fp->npost == 0);
    UT_CHECK(dx_proof_func(&x.p, 2) == NULL);
    UT_EQ(fp->pre[0].offset, x.at + at);
    UT_EQ(fp->pre[0].len, 8);
    static const uint8_t ops[] = {DX_F_LOCAL, DX_F_EXTEND_U, DX_F_I64, DX_F_ADD,
                                  DX_F_MEMSIZE, DX_F_LE_U};
    size_t pos = 0, k = 0;
    dx_fop_t f;
    while (dx_expr_next(&fp->pre[0], &pos, &f)) {
        UT_CHECK(k < sizeof ops);
        UT_EQ(f.op, ops[k]);
        if (f.op == DX_F_I64)
            UT_EQ(f.u.i64, 16);
        if (k == 0)
            UT_EQ(f.offset, x.at + at);
        k++;
    }
    UT_EQ(k, sizeof ops);
    UT_EQ(pos, 8);
    fx_free(&x);
}

/* Every operation, each typed as the table says, in one postcondition of
 * func 1, then walked back with dx_expr_next. */
UT_TEST(every_operation)
{
    wb_t c;
    wb_init(&c);
    wb_bytes(&c, "\x01\x02\x52", 3);             /* true or false */
    for (uint8_t op = 0x20; op <= 0x28; op++) {   /* i32 and i64 arithmetic */
        wb_bytes(&c, "\x10\x7f\x10\x01", 4);      /* i32.const -1, 1 */
        wb_byte(&c, op);
        wb_bytes(&c, "\x15\x00\x40\x51", 4);      /* == result 0; and */
        wb_bytes(&c, "\x11\x80\x80\x80\x80\x10\x12\x01", 8); /* 2^32, local 1 */
        wb_byte(&c, op);
        wb_bytes(&c, "\x13\x01\x41\x51", 4);      /* != global 1; and */
    }
    for (uint8_t op = 0x40; op <= 0x45; op++) {   /* comparisons */
        wb_bytes(&c, "\x12\x00\x13\x00", 4);
        wb_byte(&c, op);
        wb_byte(&c, 0x53);                        /* implies */
    }
    wb_bytes(&c, "\x12\x00\x30\x12\x00\x31\x42\x51", 8); /* extend_u <u extend_s */
    wb_bytes(&c, "\x14\x32\x15\x00\x45\x50\x51", 7);     /* !(wrap memsize <=s r0) */
    fx_t x;
    wb_t p;
    size_t at = one(&p, POST, 1, (const char *)c.p, c.n);
    fx_run(&x, &p, NULL, 0);
    if (!x.ok)
        ut_fail(__FILE__, __LINE__, "rejected: %s", x.msg);
    const dx_expr_t *e = &x.p.funcs[0].post[0];
    UT_EQ(e->len, c.n);
    UT_EQ(e->offset, x.at + at);
    bool seen[256] = {false};
    size_t pos = 0, n = 0;
    dx_fop_t f;
    while (dx_expr_next(e, &pos, &f)) {
        seen[f.op] = true;
        UT_CHECK(dx_fop_info(f.op) != NULL);
        if (n == 3)
            UT_EQ(f.u.i32, -1);
        if (f.op == DX_F_I64)
            UT_EQ(f.u.i64, 1ll << 32);
        if (f.op == DX_F_GLOBAL)
            UT_CHECK(f.u.index <= 1);
        n++;
    }
    UT_EQ(pos, e->len);
    for (int op = 0; op < 256; op++)
        UT_EQ(seen[op], dx_fop_info((uint8_t)op) != NULL);
    fx_free(&x);
    wb_free(&c);
}

/* Lemmas, module invariants, several functions with pre, post, loops and
 * hints: the decoded form is what was written. */
UT_TEST(whole_section)
{
    wb_t p;
    header(&p);
    wb_u(&p, 2);
    wb_str(&p, "add_le_mono");
    wb_str(&p, "Align_Up_2");
    wb_u(&p, 2);                                  /* module invariants */
    EXPR(&p, "\x13\x00\x10\x00\x45");             /* 0 <=s global 0 */
    EXPR(&p, "\x11\x00\x14\x43");                 /* 0 <=u memsize */
    wb_u(&p, 3);
    wb_u(&p, 1);                                  /* func 1 */
    wb_u(&p, 2);
    EXPR(&p, "\x01");
    EXPR(&p, "\x12\x01\x11\x00\x41");             /* local 1 != 0 */
    wb_u(&p, 1);
    EXPR(&p, "\x15\x00\x12\x00\x40");             /* result 0 == local 0 */
    wb_u(&p, 2);
    wb_u(&p, 0);
    wb_u(&p, 1);
    EXPR(&p, "\x12\x03\x12\x00\x42");             /* local 3 <u local 0 */
    wb_u(&p, 1);
    wb_u(&p, 2);
    EXPR(&p, "\x01");
    EXPR(&p, "\x02\x50");
    wb_u(&p, 2);
    wb_u(&p, 1);
    wb_u(&p, 0);
    wb_bytes(&p, "\x02\x00\x00\x00\x00", 5);      /* func 2: nothing */
    wb_u(&p, 3);                                  /* func 3 */
    wb_u(&p, 0);
    wb_u(&p, 1);
    EXPR(&p, "\x15\x00\x11\x00\x40");             /* result 0 == 0 */
    wb_bytes(&p, "\x00\x00", 2);
    fx_t x;
    fx_run(&x, &p, NULL, 0);
    if (!x.ok)
        ut_fail(__FILE__, __LINE__, "rejected: %s", x.msg);
    UT_EQ(x.p.nlemmas, 2);
    UT_EQ(x.p.lemmas[1].len, 10);
    UT_CHECK(!memcmp(x.p.lemmas[0].ptr, "add_le_mono", 11));
    UT_EQ(x.p.ninvariants, 2);
    UT_EQ(x.p.nfuncs, 3);
    UT_EQ(x.p.nformulas, 9);
    const dx_funcproof_t *f1 = dx_proof_func(&x.p, 1);
    UT_CHECK(f1 == &x.p.funcs[0]);
    UT_EQ(f1->npre, 2);
    UT_EQ(f1->npost, 1);
    UT_EQ(f1->nloops, 2);
    UT_EQ(f1->loops[0].loop, 0);
    UT_EQ(f1->loops[1].loop, 1);
    UT_EQ(f1->loops[1].ninv, 2);
    UT_EQ(f1->nhints, 2);
    UT_EQ(f1->hints[0], 1);
    UT_CHECK(dx_proof_func(&x.p, 2) == &x.p.funcs[1]);
    UT_EQ(dx_proof_func(&x.p, 3)->npost, 1);
    UT_CHECK(dx_proof_func(&x.p, 0) == NULL);
    fx_free(&x);
}

/* What a formula may name where it stands (spec/format.md 5.1). */
UT_TEST(scopes_accepted)
{
    F_OK(INV, 0, "\x13\x01\x14\x43");       /* global 1 <=u memsize */
    F_OK(PRE, 1, "\x12\x00\x12\x00\x40");   /* parameter 0 */
    F_OK(POST, 1, "\x12\x01\x11\x00\x41");  /* parameter 1, at entry */
    F_OK(LOOP, 1, "\x12\x03\x12\x00\x40");  /* declared local 3 */
    F_OK(POST, 3, "\x15\x00\x11\x00\x40");  /* result 0 of [i64 f64] */
    F_OK(PRE, 2, "\x11\x7f\x11\x7f\x40");   /* a function without params */
}

UT_TEST(known_lemmas)
{
    static const char *const known[] = {"align_up", "add_le_mono"};
    wb_t p;
    header(&p);
    wb_u(&p, 1);
    wb_str(&p, "add_le_mono");
    wb_bytes(&p, "\x00\x00", 2);
    fx_t x;
    fx_run(&x, &p, known, 2);
    UT_CHECK(x.ok);
    fx_free(&x);
    header(&p);
    wb_u(&p, 2);
    wb_str(&p, "align_up");
    size_t bad = wb_pos(&p);
    wb_str(&p, "align_u"); /* a prefix of a known name is not one */
    wb_bytes(&p, "\x00\x00", 2);
    expect_err_at(&p, bad, DX_E_PROOF_LEMMA, known, 2, __LINE__);
    header(&p);
    wb_u(&p, 1);
    bad = wb_pos(&p);
    wb_str(&p, "align_upx");
    wb_bytes(&p, "\x00\x00", 2);
    expect_err_at(&p, bad, DX_E_PROOF_LEMMA, known, 2, __LINE__);
}

/* ---- the section's structure ------------------------------------------------ */

UT_TEST(header_errors)
{
    wb_t p;
    wb_init(&p);
    wb_bytes(&p, "\x02\x00\x00\x00\x00", 5);
    EXPECT_ERR(&p, 0, DX_E_PROOF_VERSION);
    wb_init(&p);
    wb_bytes(&p, "\x01\x02\x00\x00\x00", 5); /* bit 0 is DX_PROOF_F_RANGES */
    EXPECT_ERR(&p, 1, DX_E_PROOF_FLAGS);
    wb_init(&p);
    wb_bytes(&p, "\x01\x03\x00\x00\x00\x00", 6);
    EXPECT_ERR(&p, 1, DX_E_PROOF_FLAGS);
    wb_init(&p);
    wb_bytes(&p, "\x01\x80\x80\x80\x80\x08\x00\x00\x00", 9); /* bit 31 */
    EXPECT_ERR(&p, 1, DX_E_PROOF_FLAGS);
    wb_init(&p);
    wb_bytes(&p, "\x01\x00\x00\x00", 4); /* no funcs vector */
    EXPECT_ERR(&p, 4, DX_E_PROOF_MALFORMED);
    wb_init(&p);
    wb_bytes(&p, "\x01\x00\x00\x00\x00\x00", 6); /* a byte left over */
    EXPECT_ERR(&p, 5, DX_E_PROOF_TRAILING);
    wb_init(&p); /* an empty payload */
    EXPECT_ERR(&p, 0, DX_E_PROOF_MALFORMED);
}

UT_TEST(malformed_is_wrapped_with_its_cause)
{
    wb_t p;
    header(&p);
    wb_bytes(&p, "\x01\x02\xff\xfe\x00\x00", 6); /* a lemma name not UTF-8 */
    fx_t x;
    fx_run(&x, &p, NULL, 0);
    UT_CHECK(!x.ok);
    UT_EQ(x.err.code, DX_E_PROOF_MALFORMED);
    UT_EQ(x.err.actual, DX_E_UTF8);
    UT_STREQ(strchr(x.msg, ' ') + 1,
             "error: malformed dogma.proof section (malformed UTF-8 encoding)");
    fx_free(&x);
    header(&p); /* a formula longer than the section */
    wb_bytes(&p, "\x00\x01", 2);
    size_t bad = wb_pos(&p);
    wb_bytes(&p, "\x50\x01", 2);
    EXPECT_ERR(&p, bad, DX_E_PROOF_MALFORMED);
    header(&p); /* an immediate cut short by the formula's end */
    wb_bytes(&p, "\x00\x01\x02\x11", 4);
    bad = wb_pos(&p);
    wb_bytes(&p, "\x80\x00", 2); /* the next bytes would complete it */
    EXPECT_ERR(&p, bad + 1, DX_E_PROOF_MALFORMED); /* the formula's end */
}

UT_TEST(lemma_errors)
{
    char longest[DX_PROOF_MAX_LEMMA + 2];
    memset(longest, 'x', sizeof longest - 1);
    longest[sizeof longest - 1] = 0;
    const char *const bad_names[] = {"", "add-le", "a.smt2", "\xc3\xa9", longest};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        wb_t p;
        header(&p);
        wb_u(&p, 2);
        wb_str(&p, "ok_1");
        size_t bad = wb_pos(&p);
        wb_str(&p, bad_names[i]);
        wb_bytes(&p, "\x00\x00\x00\x00", 4);
        EXPECT_ERR(&p, bad, DX_E_PROOF_LEMMA_NAME);
    }
    wb_t p; /* 64 bytes is the longest name */
    header(&p);
    wb_u(&p, 1);
    longest[DX_PROOF_MAX_LEMMA] = 0;
    wb_str(&p, longest);
    wb_bytes(&p, "\x00\x00", 2);
    EXPECT_OK(&p);
}

UT_TEST(function_errors)
{
    wb_t p;
    header(&p);
    wb_bytes(&p, "\x00\x00\x01", 3);
    wb_bytes(&p, "\x04\x00\x00\x00\x00", 5);
    EXPECT_ERR(&p, 5, DX_E_PROOF_FUNC);
    header(&p);
    wb_bytes(&p, "\x00\x00\x01", 3);
    wb_bytes(&p, "\x00\x00\x00\x00\x00", 5);
    EXPECT_ERR(&p, 5, DX_E_PROOF_FUNC_IMPORTED);
    header(&p);
    wb_bytes(&p, "\x00\x00\x02", 3);
    wb_bytes(&p, "\x02\x00\x00\x00\x00\x01\x00\x00\x00\x00", 10);
    EXPECT_ERR(&p, 10, DX_E_PROOF_FUNC_ORDER);
    header(&p); /* the same function twice */
    wb_bytes(&p, "\x00\x00\x02", 3);
    wb_bytes(&p, "\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00", 10);
    EXPECT_ERR(&p, 10, DX_E_PROOF_FUNC_ORDER);
    header(&p);
    wb_bytes(&p, "\x00\x00\x01", 3);
    wb_bytes(&p, "\x01\x00\x00\x00\x01\x00", 6); /* hint 0 with no lemma */
    EXPECT_ERR(&p, 10, DX_E_PROOF_HINT);
    header(&p);
    wb_bytes(&p, "\x01\x01z\x00\x01", 5);
    wb_bytes(&p, "\x01\x00\x00\x00\x02\x00\x01", 7); /* hint 1 of 1 lemma */
    EXPECT_ERR(&p, 13, DX_E_PROOF_HINT);
}

UT_TEST(loop_errors)
{
    wb_t p;
    header(&p); /* func 1 has two loops: ordinal 2 is beyond them */
    wb_bytes(&p, "\x00\x00\x01\x01\x00\x00\x01", 7);
    wb_bytes(&p, "\x02\x00\x00", 3);
    EXPECT_ERR(&p, 9, DX_E_PROOF_LOOP);
    header(&p); /* func 2 has none */
    wb_bytes(&p, "\x00\x00\x01\x02\x00\x00\x01", 7);
    wb_bytes(&p, "\x00\x00\x00", 3);
    EXPECT_ERR(&p, 9, DX_E_PROOF_LOOP);
    header(&p);
    wb_bytes(&p, "\x00\x00\x01\x01\x00\x00\x02", 7);
    wb_bytes(&p, "\x01\x00\x00\x00\x00", 5);
    EXPECT_ERR(&p, 11, DX_E_PROOF_LOOP_ORDER);
    header(&p);
    wb_bytes(&p, "\x00\x00\x01\x01\x00\x00\x02", 7);
    wb_bytes(&p, "\x00\x00\x00\x00\x00", 5);
    EXPECT_ERR(&p, 11, DX_E_PROOF_LOOP_ORDER);
}

/* ---- declared global ranges ---------------------------------------------------- */

/* Payload offsets of one grange's fields. */
typedef struct rat {
    size_t global, lo, hi;
} rat_t;

/* A payload with DX_PROOF_F_RANGES, no lemma, no invariant and n ranges,
 * each then written with grange(); range_end() adds no function. */
static void ranges_begin(wb_t *p, uint32_t n)
{
    wb_init(p);
    wb_bytes(p, "\x01\x01\x00\x00", 4);
    wb_u(p, n);
}

static rat_t grange(wb_t *p, uint32_t global, uint64_t lo, uint64_t hi)
{
    rat_t at;
    at.global = wb_pos(p);
    wb_u(p, global);
    at.lo = wb_pos(p);
    wb_u(p, lo);
    at.hi = wb_pos(p);
    wb_u(p, hi);
    return at;
}

static void range_end(wb_t *p) { wb_u(p, 0); }

enum field { GLOBAL, LO, HI };

/* One range that breaks rule want at its field f. */
static void range_err(uint32_t global, uint64_t lo, uint64_t hi, enum field f,
                      dx_err_t want, int line)
{
    wb_t p;
    ranges_begin(&p, 1);
    rat_t at = grange(&p, global, lo, hi);
    range_end(&p);
    expect_err_at(&p, f == GLOBAL ? at.global : f == LO ? at.lo : at.hi, want,
                  NULL, 0, line);
}
#define R_ERR(g, lo, hi, f, want) range_err(g, lo, hi, f, want, __LINE__)

/* An i32 and an i64 range (the shadow stack pointer's kind) among a module
 * invariant and a function entry: the decoded form is what was written,
 * found by dx_proof_range. */
UT_TEST(ranges_accepted)
{
    wb_t p;
    header(&p);
    p.p[1] = DX_PROOF_F_RANGES;
    wb_u(&p, 0);
    wb_u(&p, 1);
    EXPR(&p, "\x13\x03\x14\x43");                  /* global 3 <=u memsize */
    wb_u(&p, 3);
    rat_t r0 = grange(&p, 0, 0, 71872);            /* i32, initially 0 */
    rat_t r3 = grange(&p, 3, 6336, UINT64_MAX);    /* i64, initially 0x10000 */
    grange(&p, 5, 0xffff0000u, UINT32_MAX);        /* i32 -1, read unsigned */
    wb_bytes(&p, "\x01\x02\x00\x00\x00\x00", 6);   /* func 2: nothing */
    fx_t x;
    fx_run(&x, &p, NULL, 0);
    if (!x.ok)
        ut_fail(__FILE__, __LINE__, "rejected: %s", x.msg);
    UT_EQ(x.p.ninvariants, 1);
    UT_EQ(x.p.nformulas, 1);
    UT_EQ(x.p.nfuncs, 1);
    UT_EQ(x.p.nranges, 3);
    const dx_grange_t *g = dx_proof_range(&x.p, 0);
    UT_CHECK(g == &x.p.ranges[0]);
    UT_EQ(g->global, 0);
    UT_EQ(g->offset, x.at + r0.global);
    UT_EQ(g->lo, 0);
    UT_EQ(g->hi, 71872);
    g = dx_proof_range(&x.p, 3);
    UT_CHECK(g == &x.p.ranges[1]);
    UT_EQ(g->offset, x.at + r3.global);
    UT_EQ(g->lo, 6336);
    UT_CHECK(g->hi == UINT64_MAX);
    g = dx_proof_range(&x.p, 5);
    UT_CHECK(g != NULL && g->lo == 0xffff0000u && g->hi == UINT32_MAX);
    UT_CHECK(dx_proof_range(&x.p, 1) == NULL);
    UT_CHECK(dx_proof_range(&x.p, 4) == NULL);
    UT_CHECK(dx_proof_range(&x.p, 6) == NULL);
    UT_CHECK(dx_proof_range(NULL, 0) == NULL);
    fx_free(&x);
    /* the flag with an empty vector; a range of one value */
    ranges_begin(&p, 0);
    range_end(&p);
    EXPECT_OK(&p);
    ranges_begin(&p, 1);
    grange(&p, 0, 0, 0);
    range_end(&p);
    EXPECT_OK(&p);
    /* without the flag, no range is read: the vector would be funcs */
    header(&p);
    wb_bytes(&p, "\x00\x00\x00", 3);
    fx_run(&x, &p, NULL, 0);
    UT_CHECK(x.ok && x.p.nranges == 0 && dx_proof_range(&x.p, 0) == NULL);
    fx_free(&x);
}

UT_TEST(range_global_errors)
{
    R_ERR(6, 0, 1, GLOBAL, DX_E_PROOF_GLOBAL);           /* six globals */
    R_ERR(1, 0, 1, GLOBAL, DX_E_PROOF_RANGE_GLOBAL);     /* immutable i64 */
    R_ERR(2, 0, 1, GLOBAL, DX_E_PROOF_RANGE_GLOBAL);     /* immutable f32 */
    R_ERR(4, 0, 1, GLOBAL, DX_E_PROOF_RANGE_GLOBAL);     /* mutable f32 */
    wb_t p;
    ranges_begin(&p, 2);
    grange(&p, 3, 0, UINT64_MAX);
    rat_t at = grange(&p, 0, 0, 1);
    range_end(&p);
    EXPECT_ERR(&p, at.global, DX_E_PROOF_RANGE_ORDER);
    ranges_begin(&p, 2); /* the same global twice */
    grange(&p, 0, 0, 1);
    at = grange(&p, 0, 0, 2);
    range_end(&p);
    EXPECT_ERR(&p, at.global, DX_E_PROOF_RANGE_ORDER);
    ranges_begin(&p, 1); /* hi in 11 bytes: the section's encoding is wrong */
    wb_bytes(&p, "\x00\x00", 2);
    size_t hi = wb_pos(&p);
    wb_bytes(&p, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00\x00", 12);
    EXPECT_ERR(&p, hi + 9, DX_E_PROOF_MALFORMED);
}

/* lo above hi is blamed on hi; a bound not below 2^width on itself, lo
 * first (spec/format.md 5.2). */
UT_TEST(range_bounds_errors)
{
    R_ERR(0, 5, 4, HI, DX_E_PROOF_RANGE_BOUNDS);
    R_ERR(3, UINT64_MAX, 0, HI, DX_E_PROOF_RANGE_BOUNDS);
    R_ERR(0, 0, 1ull << 32, HI, DX_E_PROOF_RANGE_BOUNDS);
    R_ERR(5, 0, 1ull << 32, HI, DX_E_PROOF_RANGE_BOUNDS);
    R_ERR(0, 1ull << 32, 1ull << 32, LO, DX_E_PROOF_RANGE_BOUNDS);
    R_ERR(5, 1ull << 32, 0, LO, DX_E_PROOF_RANGE_BOUNDS);
    wb_t p;
    ranges_begin(&p, 1);
    grange(&p, 0, 5, 4);
    range_end(&p);
    fx_t x;
    fx_run(&x, &p, NULL, 0);
    UT_CHECK(!x.ok);
    UT_STREQ(strstr(x.msg, "error: ") + 7, "invalid global range (minimum 5, maximum 4)");
    fx_free(&x);
}

UT_TEST(range_init_errors)
{
    R_ERR(0, 1, 10, GLOBAL, DX_E_PROOF_RANGE_INIT);              /* 0 below */
    R_ERR(3, 0, 0xffff, GLOBAL, DX_E_PROOF_RANGE_INIT);          /* 0x10000 above */
    R_ERR(5, 0, 0xfffffffeu, GLOBAL, DX_E_PROOF_RANGE_INIT);     /* -1 is 2^32-1 */
    R_ERR(5, 0, INT32_MAX, GLOBAL, DX_E_PROOF_RANGE_INIT);
}

/* Globals whose initial value is no constant: imported global 0 (immutable
 * i32) and 1 (mutable i32), defined global 2 (mutable i32) = global.get 0.
 * A module of its own, with no function. */
UT_TEST(range_init_not_constant)
{
    static const dx_err_t want[] = {DX_E_PROOF_RANGE_GLOBAL, DX_E_PROOF_RANGE_INIT,
                                    DX_E_PROOF_RANGE_INIT};
    for (uint32_t g = 0; g < 3; g++) {
        wb_t b;
        wb_module(&b);
        wb_sec(&b, 2);
        wb_bytes(&b, "\x02\x03" "env" "\x02" "g0" "\x03\x7f\x00"
                     "\x03" "env" "\x02" "g1" "\x03\x7f\x01", 21);
        wb_close(&b);
        wb_section(&b, 6, "\x01\x7f\x01\x23\x00\x0b", 6);
        wb_sec(&b, 0);
        wb_str(&b, "dogma.proof");
        size_t at = wb_pos(&b) + 5; /* version, flags, lemmas, invariants, count */
        wb_bytes(&b, "\x01\x01\x00\x00\x01", 5);
        wb_u(&b, g);
        wb_bytes(&b, "\x00\x7f\x00", 3);
        wb_close(&b);
        dx_arena_t ar;
        dx_module_t m;
        dx_proof_t p;
        dx_error_t err;
        dx_arena_init_malloc(&ar);
        UT_CHECK(dx_module_load(b.p, b.n, &ar, &m, &err));
        UT_CHECK(!dx_proof_decode(&m, NULL, 0, &ar, &p, &err));
        UT_EQ(err.code, want[g]);
        UT_EQ(err.offset, at);
        hit[want[g]] = true;
        dx_arena_free(&ar);
        wb_free(&b);
    }
}

/* ---- formulas ---------------------------------------------------------------- */

UT_TEST(formula_encoding_errors)
{
    F_ERR(INV, 0, "\x01\x99", 1, DX_E_PROOF_OPCODE);
    F_ERR(INV, 0, "\x00", 0, DX_E_PROOF_OPCODE);
    F_ERR(INV, 0, "\x01\x54", 1, DX_E_PROOF_OPCODE);
    F_ERR(INV, 0, "\x10\x80\x80\x80\x80\x70\x01", 5, DX_E_PROOF_MALFORMED);
    wb_t p; /* 4,097 bytes of code: blamed on its length */
    header(&p);
    wb_bytes(&p, "\x00\x01", 2);
    size_t bad = wb_pos(&p);
    wb_u(&p, DX_PROOF_MAX_CODE + 1);
    wb_fill(&p, 0x01, DX_PROOF_MAX_CODE + 1);
    wb_u(&p, 0);
    EXPECT_ERR(&p, bad, DX_E_PROOF_CODE_SIZE);
    /* 4,096 bytes is the longest: true, then 4,095 nots */
    wb_t c;
    wb_init(&c);
    wb_byte(&c, 0x01);
    wb_fill(&c, 0x50, DX_PROOF_MAX_CODE - 1);
    formula_ok(INV, 0, (const char *)c.p, c.n, __LINE__);
    wb_free(&c);
    /* 64 values is the deepest stack; the 65th push is blamed */
    wb_init(&c);
    wb_fill(&c, 0x01, 64);
    wb_fill(&c, 0x51, 63);
    formula_ok(INV, 0, (const char *)c.p, c.n, __LINE__);
    wb_free(&c);
    wb_init(&c);
    wb_fill(&c, 0x01, 65);
    wb_fill(&c, 0x51, 64);
    formula_err(INV, 0, (const char *)c.p, c.n, 64, DX_E_PROOF_STACK, __LINE__);
    wb_free(&c);
}

UT_TEST(formula_type_errors)
{
    F_ERR(INV, 0, "\x20", 0, DX_E_PROOF_UNDERFLOW);
    F_ERR(INV, 0, "\x01\x51", 1, DX_E_PROOF_UNDERFLOW);
    F_ERR(INV, 0, "\x50", 0, DX_E_PROOF_UNDERFLOW);
    F_ERR(INV, 0, "\x10\x00\x11\x00\x20\x01", 4, DX_E_PROOF_TYPE);    /* i32 + i64 */
    F_ERR(INV, 0, "\x11\x00\x01\x40", 3, DX_E_PROOF_TYPE);            /* i64 == bool */
    F_ERR(INV, 0, "\x11\x00\x30", 2, DX_E_PROOF_TYPE);                /* extend i64 */
    F_ERR(INV, 0, "\x10\x00\x32", 2, DX_E_PROOF_TYPE);                /* wrap i32 */
    F_ERR(INV, 0, "\x10\x00\x50", 2, DX_E_PROOF_TYPE);                /* not i32 */
    F_ERR(INV, 0, "\x01\x10\x00\x53", 3, DX_E_PROOF_TYPE);            /* bool ==> i32 */
    F_ERR(INV, 0, "\x10\x00\x01\x52", 3, DX_E_PROOF_TYPE);            /* i32 || bool */
    F_ERR(INV, 0, "\x10\x00", 2, DX_E_PROOF_TYPE);                    /* ends with i32 */
    F_ERR(INV, 0, "\x01\x01\x20", 2, DX_E_PROOF_NOT_INT);             /* bool + bool */
    F_ERR(INV, 0, "\x02\x10\x00\x42", 3, DX_E_PROOF_NOT_INT);         /* bool <u i32 */
    F_ERR(INV, 0, "\x01\x01", 2, DX_E_PROOF_RESULT);                  /* two left */
    F_ERR(INV, 0, "", 0, DX_E_PROOF_RESULT);                          /* none left */
}

UT_TEST(formula_name_errors)
{
    F_ERR(INV, 0, "\x12\x00\x01", 0, DX_E_PROOF_SCOPE);           /* local, module */
    F_ERR(INV, 0, "\x15\x00\x01", 0, DX_E_PROOF_SCOPE);           /* result, module */
    F_ERR(PRE, 1, "\x12\x03\x10\x00\x40", 0, DX_E_PROOF_SCOPE);   /* declared local */
    F_ERR(POST, 1, "\x12\x03\x10\x00\x40", 0, DX_E_PROOF_SCOPE);
    F_ERR(PRE, 1, "\x15\x00\x10\x00\x40", 0, DX_E_PROOF_SCOPE);   /* result in pre */
    F_ERR(LOOP, 1, "\x15\x00\x10\x00\x40", 0, DX_E_PROOF_SCOPE);  /* result in loop */
    F_ERR(LOOP, 1, "\x01\x12\x04\x01", 1, DX_E_PROOF_LOCAL);      /* 4 locals */
    F_ERR(PRE, 1, "\x12\x80\x01\x01", 0, DX_E_PROOF_LOCAL);
    F_ERR(PRE, 2, "\x12\x00\x01", 0, DX_E_PROOF_LOCAL);           /* none at all */
    F_ERR(INV, 0, "\x13\x06\x01", 0, DX_E_PROOF_GLOBAL);
    F_ERR(POST, 1, "\x15\x01\x01", 0, DX_E_PROOF_RESULT_INDEX);
    F_ERR(POST, 2, "\x15\x00\x01", 0, DX_E_PROOF_RESULT_INDEX);
    F_ERR(INV, 0, "\x13\x02\x01", 0, DX_E_PROOF_NOT_INT);         /* global f32 */
    F_ERR(LOOP, 1, "\x12\x02\x01", 0, DX_E_PROOF_NOT_INT);        /* local f32 */
    F_ERR(PRE, 3, "\x12\x00\x01", 0, DX_E_PROOF_NOT_INT);         /* param f32 */
    F_ERR(POST, 3, "\x15\x01\x01", 0, DX_E_PROOF_NOT_INT);        /* result f64 */
}

/* The text of a few diagnostics, with the function they concern. */
UT_TEST(render)
{
    static const struct {
        enum where w;
        uint32_t func;
        const char *code, *text;
    } cases[] = {
        {INV, 0, "\x10\x05", "type mismatch (expected bool, found i32)"},
        {LOOP, 1, "\x12\x02\x01", "integer operand expected (found f32; func 1)"},
        {PRE, 1, "\x12\x02\x01", "name not allowed here (opcode 0x12; func 1)"},
        {POST, 1, "\x15\x01\x01", "unknown result (index 1, 1 defined; func 1)"},
        {INV, 0, "\x01\x01\x20", "integer operand expected (found bool)"},
        {INV, 0, "\x51", "formula stack underflow (operand count: expected 2, found 0)"},
        {INV, 0, "\x01\x77", "unknown formula operation (found 0x77)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wb_t p;
        one(&p, cases[i].w, cases[i].func, cases[i].code, strlen(cases[i].code));
        fx_t x;
        fx_run(&x, &p, NULL, 0);
        UT_CHECK(!x.ok);
        UT_STREQ(strstr(x.msg, "error: ") + 7, cases[i].text);
        fx_free(&x);
    }
}

/* Must stay the last case in this file: the cases run in file order. */
UT_TEST(zz_every_proof_code_has_a_golden_test)
{
    int n = 0;
    for (int c = 1; c < DX_E_COUNT; c++) {
        if (strncmp(dx_err_name((dx_err_t)c), "PROOF_", 6) != 0)
            continue;
        n++;
        UT_EQ(dx_err_phase((dx_err_t)c), DX_PHASE_ABI);
        if (!hit[c])
            ut_fail(__FILE__, __LINE__, "no golden test for %s",
                    dx_err_name((dx_err_t)c));
    }
    UT_CHECK(n >= 23);
}
