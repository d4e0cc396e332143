/*
 * fuzz_proof: a libFuzzer target for the dogma.proof decoder
 * (libabi/proof/proof.c, spec/format.md section 5).
 *
 * An input is either a whole module (it starts with the WebAssembly magic:
 * the shared seeds and regressions) or, far more often, the payload of a
 * dogma.proof section, appended to a fixed valid module whose functions
 * have parameters, locals and loops of every kind a formula may name, so
 * that mutations spend their time inside the section. Either way, once
 * dx_module_load() accepted the module, dx_proof_decode() must:
 *
 *   - on failure, return a well-formed record: a PROOF_ code (or "module
 *     too large" when the allocator said no) pointing inside the section,
 *     that renders like snprintf;
 *   - on success, return a decoded form that points inside the section and
 *     keeps every rule: declared ranges on mutable integer globals, by
 *     increasing index, with lo <= hi within the width; functions defined
 *     and strictly increasing, loop
 *     ordinals strictly increasing, hints below the lemmas; and every
 *     formula must walk again with dx_expr_next() to its last byte, with a
 *     stack that never underflows, never passes DX_PROOF_MAX_STACK and ends
 *     with one value;
 *   - give the same verdict twice, stay linear in memory, and fail cleanly
 *     when the allocator refuses one of its requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dogma/module.h>
#include <dogma/proof.h>

#include "check.h"
#include "budget.h"

/* func 0 imported; func 1 [i32 i64] -> [i32] with locals f32 i32 and two
 * loops; func 2 [] -> []; func 3 [f32] -> [i64 f64]; globals i32 (mutable),
 * i64, f32, then mutable i64 = 0x10000, f32, i32 = -1 (for declared
 * ranges); one memory page. The same module as tests/unit/test_proof.c. */
static const uint8_t base[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x03, 0x60,
    0x02, 0x7f, 0x7e, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7d, 0x02,
    0x7e, 0x7c, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00,
    0x01, 0x03, 0x04, 0x03, 0x00, 0x01, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01,
    0x06, 0x27, 0x06, 0x7f, 0x01, 0x41, 0x00, 0x0b, 0x7e, 0x00, 0x42, 0x00,
    0x0b, 0x7d, 0x00, 0x43, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x7e, 0x01, 0x42,
    0x80, 0x80, 0x04, 0x0b, 0x7d, 0x01, 0x43, 0x00, 0x00, 0x00, 0x00, 0x0b,
    0x7f, 0x01, 0x41, 0x7f, 0x0b, 0x0a, 0x24, 0x03, 0x11, 0x02, 0x01, 0x7d,
    0x01, 0x7f, 0x03, 0x40, 0x0b, 0x02, 0x40, 0x03, 0x40, 0x0b, 0x0b, 0x41,
    0x00, 0x0b, 0x02, 0x00, 0x0b, 0x0d, 0x00, 0x42, 0x00, 0x44, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
};

/* A lemma library for half of the runs, so that PROOF_LEMMA is reachable. */
static const char *const known[] = {"add_le_mono", "align_up", "a", "b"};

static size_t arena_bound(size_t size) { return 256 * size + (4u << 20); }

/* ---- the decoded form ---------------------------------------------------------- */

static bool in_section(const dx_module_t *m, size_t off, size_t len)
{
    size_t lo = m->proof.off, hi = m->proof.off + m->proof.len;
    return off >= lo && off <= hi && len <= hi - off;
}

/* Walks e with dx_expr_next: known operations, a sane stack, to the end. */
static void check_expr(const dx_module_t *m, const dx_expr_t *e)
{
    CHECK(e->len <= DX_PROOF_MAX_CODE);
    CHECK(in_section(m, e->offset, e->len));
    CHECK(e->code == m->bytes + e->offset);
    size_t pos = 0, last = 0;
    int depth = 0;
    dx_fop_t f;
    while (dx_expr_next(e, &pos, &f)) {
        CHECK(pos > last && pos <= e->len);
        CHECK(f.offset == e->offset + last);
        const dx_fopinfo_t *fi = dx_fop_info(f.op);
        CHECK(fi != NULL);
        dx_fshape_t sh = (dx_fshape_t)fi->shape;
        int k = sh == DX_FS_ARITH || sh == DX_FS_CMP || sh == DX_FS_LOGIC ? 2
                : sh == DX_FS_EXTEND || sh == DX_FS_WRAP || sh == DX_FS_NOT ? 1
                                                                             : 0;
        CHECK(depth >= k);
        depth = depth - k + 1;
        CHECK(depth <= DX_PROOF_MAX_STACK);
        last = pos;
    }
    CHECK(pos == e->len);
    CHECK(depth == 1);
}

static uint32_t check_exprs(const dx_module_t *m, const dx_expr_t *e, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        check_expr(m, &e[i]);
    return n;
}

/* Declared ranges: mutable i32 or i64 globals, strictly increasing, bounds
 * ordered and within the width, each found again by dx_proof_range. */
static void check_ranges(const dx_module_t *m, const dx_proof_t *p)
{
    for (uint32_t i = 0; i < p->nranges; i++) {
        const dx_grange_t *g = &p->ranges[i];
        CHECK(g->global < m->nglobals);
        const dx_global_t *gl = &m->globals[g->global];
        CHECK(gl->mutable_ && !gl->imported);
        CHECK(gl->type == DX_T_I32 || gl->type == DX_T_I64);
        CHECK(g->lo <= g->hi);
        CHECK(gl->type == DX_T_I64 || g->hi <= UINT32_MAX);
        CHECK(in_section(m, g->offset, 3));
        CHECK(i == 0 || g->global > p->ranges[i - 1].global);
        CHECK(dx_proof_range(p, g->global) == g);
    }
    CHECK(p->nranges || dx_proof_range(p, 0) == NULL);
}

static void check_proof(const dx_module_t *m, const dx_proof_t *p)
{
    CHECK(p->present == m->has_proof);
    if (!p->present)
        return;
    CHECK(p->version == DX_PROOF_VERSION);
    for (uint32_t i = 0; i < p->nlemmas; i++) {
        CHECK(in_section(m, (size_t)((const uint8_t *)p->lemmas[i].ptr - m->bytes),
                         p->lemmas[i].len));
        CHECK(p->lemmas[i].len >= 1 && p->lemmas[i].len <= DX_PROOF_MAX_LEMMA);
    }
    uint32_t n = check_exprs(m, p->invariants, p->ninvariants);
    check_ranges(m, p);
    for (uint32_t i = 0; i < p->nfuncs; i++) {
        const dx_funcproof_t *fp = &p->funcs[i];
        CHECK(fp->func < m->nfuncs && !m->funcs[fp->func].imported);
        CHECK(i == 0 || fp->func > p->funcs[i - 1].func);
        CHECK(dx_proof_func(p, fp->func) == fp);
        n += check_exprs(m, fp->pre, fp->npre);
        n += check_exprs(m, fp->post, fp->npost);
        for (uint32_t l = 0; l < fp->nloops; l++) {
            CHECK(l == 0 || fp->loops[l].loop > fp->loops[l - 1].loop);
            n += check_exprs(m, fp->loops[l].inv, fp->loops[l].ninv);
        }
        for (uint32_t h = 0; h < fp->nhints; h++)
            CHECK(fp->hints[h] < p->nlemmas);
    }
    CHECK(n == p->nformulas);
}

/* ---- failures -------------------------------------------------------------------- */

static void check_error(const dx_module_t *m, const dx_error_t *e)
{
    if (e->code == DX_E_TOO_LARGE) { /* out of memory, maybe in a body */
        CHECK(e->offset <= m->size);
    } else {
        CHECK(strncmp(dx_err_name(e->code), "PROOF_", 6) == 0);
        CHECK(in_section(m, e->offset, 0));
    }
    CHECK(e->func == DX_NO_FUNC || e->func < m->nfuncs);
    char full[512], small[8];
    size_t n = dx_err_render(e, "f.wasm", full, sizeof full);
    CHECK(n < sizeof full && strlen(full) == n);
    CHECK(dx_err_render(e, "f.wasm", small, sizeof small) == n);
    CHECK(memcmp(small, full, sizeof small - 1) == 0 && small[sizeof small - 1] == 0);
}

static bool same_error(const dx_error_t *a, const dx_error_t *b)
{
    return a->code == b->code && a->offset == b->offset && a->func == b->func &&
           a->expected == b->expected && a->actual == b->actual;
}

/* ---- one module ------------------------------------------------------------------ */

static void check_module(const uint8_t *mod, size_t size, bool with_known, bool must_load)
{
    dx_arena_t mar, ar;
    budget_t mb, b;
    dx_module_t m;
    dx_error_t err, err2;
    budget_arena(&mar, &mb, SIZE_MAX, SIZE_MAX);
    bool loaded = dx_module_load(mod, size, &mar, &m, &err);
    if (must_load)
        CHECK(loaded);
    if (!loaded) {
        dx_arena_free(&mar);
        return;
    }
    const char *const *k = with_known ? known : NULL;
    size_t nk = with_known ? sizeof known / sizeof known[0] : 0;
    dx_proof_t p, p2;
    budget_arena(&ar, &b, SIZE_MAX, SIZE_MAX);
    bool ok = dx_proof_decode(&m, k, nk, &ar, &p, &err);
    if (ok)
        check_proof(&m, &p);
    else
        check_error(&m, &err);
    CHECK(b.peak <= arena_bound(size));
    size_t calls = b.calls;
    /* the same verdict again, in the same arena */
    bool ok2 = dx_proof_decode(&m, k, nk, &ar, &p2, &err2);
    CHECK(ok2 == ok);
    if (ok)
        CHECK(p2.nformulas == p.nformulas && p2.nfuncs == p.nfuncs);
    else
        CHECK(same_error(&err, &err2));
    dx_arena_free(&ar);
    CHECK(b.used == 0);
    /* an allocator that refuses one request: a clean failure */
    if (calls) {
        budget_arena(&ar, &b, SIZE_MAX, (size + calls) % calls);
        bool ok3 = dx_proof_decode(&m, k, nk, &ar, &p2, &err2);
        if (b.refused) {
            CHECK(!ok3);
            check_error(&m, &err2);
        }
        dx_arena_free(&ar);
        CHECK(b.used == 0);
    }
    dx_arena_free(&mar);
    CHECK(mb.used == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4 && memcmp(data, "\0asm", 4) == 0) {
        check_module(data, size, size & 1, false);
        return 0;
    }
    /* base, then a custom section: id 0, a 5-byte size, "dogma.proof" */
    static const char name[] = "\x0b" "dogma.proof";
    size_t hdr = 1 + 5 + sizeof name - 1;
    if (size > (1u << 24))
        return 0; /* beyond what a 5-byte size may say here */
    size_t total = sizeof base + hdr + size;
    uint8_t *mod = malloc(total);
    CHECK(mod != NULL);
    memcpy(mod, base, sizeof base);
    uint8_t *s = mod + sizeof base;
    uint32_t len = (uint32_t)(sizeof name - 1 + size);
    s[0] = 0;
    for (int i = 0; i < 5; i++)
        s[1 + i] = (uint8_t)(((len >> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
    memcpy(s + 6, name, sizeof name - 1);
    if (size)
        memcpy(s + hdr, data, size);
    /* A copy of its own size, so ASan sees a read past the section's end. */
    check_module(mod, total, size & 1, true);
    free(mod);
    return 0;
}
