/*
 * The mutation test's modules (mutate.h): three hand-annotated modules
 * written byte by byte, their reference models, and the proof section
 * serialized from its data form.
 */
#include <string.h>

#include <dogma/proof.h>
#include <dogma/translate.h>

#include "mutate.h"

/* ---- the proof section, as data --------------------------------------------------------- */

form_t form_of(const fop_t *ops, int n)
{
    form_t f;
    memset(&f, 0, sizeof f);
    memcpy(f.op, ops, (size_t)n * sizeof *ops);
    f.n = n;
    return f;
}

static void put_form(wb_t *b, const form_t *f)
{
    wb_t e;
    wb_init(&e);
    for (int i = 0; i < f->n; i++) {
        wb_byte(&e, f->op[i].op);
        const dx_fopinfo_t *fi = dx_fop_info(f->op[i].op);
        if (fi && fi->shape == DX_FS_I32)
            wb_s(&e, (int32_t)f->op[i].imm);
        else if (fi && fi->shape == DX_FS_I64)
            wb_s(&e, f->op[i].imm);
        else if (fi && (fi->shape == DX_FS_LOCAL || fi->shape == DX_FS_GLOBAL ||
                        fi->shape == DX_FS_RESULT))
            wb_u(&e, (uint64_t)f->op[i].imm);
    }
    wb_u(b, e.n);
    wb_bytes(b, e.p, e.n);
    wb_free(&e);
}

static void put_forms(wb_t *b, const forms_t *v)
{
    wb_u(b, (uint64_t)v->n);
    for (int i = 0; i < v->n; i++)
        put_form(b, &v->f[i]);
}

/* The payload of dogma.proof (spec/format.md section 5). */
static void put_proof(wb_t *b, const proof_t *p)
{
    wb_u(b, p->version);
    wb_u(b, p->flags);
    wb_u(b, 0); /* no lemmas */
    put_forms(b, &p->inv);
    if (p->ranges_vec) {
        wb_u(b, (uint64_t)p->nranges);
        for (int i = 0; i < p->nranges; i++) {
            wb_u(b, p->range[i].global);
            wb_u(b, p->range[i].lo);
            wb_u(b, p->range[i].hi);
        }
    }
    wb_u(b, (uint64_t)p->nfuncs);
    for (int i = 0; i < p->nfuncs; i++) {
        const fproof_t *f = &p->fn[i];
        wb_u(b, f->func);
        put_forms(b, &f->pre);
        put_forms(b, &f->post);
        wb_u(b, f->has_loop);
        if (f->has_loop) {
            wb_u(b, f->loop);
            put_forms(b, &f->inv);
        }
        wb_u(b, 0); /* no hints */
    }
}


int sites_of(proof_t *p, site_t *out)
{
    int n = 0;
    if (p->inv.n)
        out[n++] = (site_t){&p->inv, -1};
    for (int i = 0; i < p->nfuncs; i++) {
        forms_t *v[3] = {&p->fn[i].pre, &p->fn[i].post, &p->fn[i].inv};
        for (int k = 0; k < 3; k++)
            if (v[k]->n && (k < 2 || p->fn[i].has_loop))
                out[n++] = (site_t){v[k], i};
    }
    return n;
}

/* ---- the modules ------------------------------------------------------------------------- */

static void wit(wits_t *ws, uint8_t kind, uint32_t func, uint32_t loop, const uint64_t *locals,
                int nlocals, uint64_t result, const uint64_t *globals, int nglobals)
{
    if (!ws || ws->n == ws->cap)
        return; /* fewer witnesses: fewer mutants known false, never a wrong verdict */
    wit_t *w = &ws->w[ws->n++];
    memset(w, 0, sizeof *w);
    w->kind = kind, w->func = func, w->loop = loop, w->result = result;
    if (nlocals)
        memcpy(w->local, locals, (size_t)nlocals * sizeof *locals);
    if (nglobals)
        memcpy(w->global, globals, (size_t)nglobals * sizeof *globals);
}



uint8_t pattern[MEM];

void fill_pattern(void)
{
    for (uint32_t j = 0; j < MEM; j++)
        pattern[j] = (uint8_t)(j * 131u + (j >> 8) * 7u + 1u);
}

static uint32_t word(uint64_t a)
{
    return (uint32_t)pattern[a] | (uint32_t)pattern[a + 1] << 8 |
           (uint32_t)pattern[a + 2] << 16 | (uint32_t)pattern[a + 3] << 24;
}

static outcome_t trap(int code) { return (outcome_t){false, 0, code}; }
static outcome_t value(uint32_t v) { return (outcome_t){true, v, 0}; }

#define LOCAL_GET(b, i) (wb_byte(b, 0x20), wb_u(b, i))

/* ---- module array ----
 * func 0 fast(p, n), func 1 sum(p, n) (exported), func 2 slow(p, n). Both
 * loops count i (local 2) up to n, adding words into s (local 3): fast
 * reads p + 4i; slow first touches p's byte (checked), then reads q
 * (local 4), which starts at p and moves by 4. */

static void fast_code(wb_t *b, size_t *load)
{
    wb_open(b);
    wb_bytes(b, "\x01\x02\x7f", 3);                   /* locals i, s */
    wb_bytes(b, "\x02\x40\x03\x40", 4);               /* block, loop */
    wb_bytes(b, "\x20\x02\x20\x01\x4f\x0d\x01", 7);   /* i >=u n: br_if out */
    wb_bytes(b, "\x20\x03\x20\x00\x20\x02\x41\x02\x74\x6a", 10); /* s; p + (i << 2) */
    *load = wb_pos(b);
    wb_bytes(b, "\x28\x02\x00", 3);                   /* i32.load */
    wb_bytes(b, "\x6a\x21\x03", 3);                   /* s += */
    wb_bytes(b, "\x20\x02\x41\x01\x6a\x21\x02", 7);   /* i += 1 */
    wb_bytes(b, "\x0c\x00\x0b\x0b\x20\x03\x0b", 7);   /* br 0; end; end; s */
    wb_close(b);
}

static void slow_code(wb_t *b, size_t *first, size_t *load)
{
    wb_open(b);
    wb_bytes(b, "\x01\x03\x7f", 3);                   /* locals i, s, q */
    LOCAL_GET(b, 0);
    *first = wb_pos(b);
    wb_bytes(b, "\x2d\x00\x00\x1a", 4);               /* i32.load8_u; drop */
    wb_bytes(b, "\x20\x00\x21\x04", 4);               /* q = p */
    wb_bytes(b, "\x02\x40\x03\x40", 4);               /* block, loop */
    wb_bytes(b, "\x20\x02\x20\x01\x4f\x0d\x01", 7);   /* i >=u n: br_if out */
    wb_bytes(b, "\x20\x03\x20\x04", 4);               /* s; q */
    *load = wb_pos(b);
    wb_bytes(b, "\x28\x02\x00", 3);                   /* i32.load */
    wb_bytes(b, "\x6a\x21\x03", 3);                   /* s += */
    wb_bytes(b, "\x20\x04\x41\x04\x6a\x21\x04", 7);   /* q += 4 */
    wb_bytes(b, "\x20\x02\x41\x01\x6a\x21\x02", 7);   /* i += 1 */
    wb_bytes(b, "\x0c\x00\x0b\x0b\x20\x03\x0b", 7);   /* br 0; end; end; s */
    wb_close(b);
}

static void array_code(wb_t *b, size_t *at)
{
    wb_section(b, 1, "\x01\x60\x02\x7f\x7f\x01\x7f", 7); /* (i32 i32) -> i32 */
    wb_section(b, 3, "\x03\x00\x00\x00", 4);
    wb_section(b, 5, "\x01\x01\x01\x10", 4);             /* 1 to 16 pages */
    wb_section(b, 7, "\x01\x03sum\x00\x01", 7);
    wb_sec(b, 10);
    wb_u(b, 3);
    fast_code(b, &at[A_FAST]);
    wb_open(b);                                          /* sum */
    wb_u(b, 0);
    wb_bytes(b, "\x20\x00\xad\x20\x01\xad\x42\x02\x86\x7c", 10); /* p + (n << 2), i64 */
    wb_bytes(b, "\x3f\x00\xad\x42\x10\x86\x58", 7);      /* <=u memory.size << 16 */
    wb_bytes(b, "\x04\x7f\x20\x00\x20\x01", 6);          /* if: fast(p, n) */
    at[A_CALL_FAST] = wb_pos(b);
    wb_bytes(b, "\x10\x00\x05\x20\x00\x20\x01\x10\x02\x0b\x0b", 11); /* else slow(p, n) */
    wb_close(b);
    slow_code(b, &at[A_SLOW_FIRST], &at[A_SLOW]);
    wb_close(b);
}

static void array_annotate(proof_t *p)
{
    p->nfuncs = 2;
    fproof_t *f = &p->fn[0];
    f->func = 0;
    f->pre.n = 1; /* extend_u(p) + extend_u(n) * 4 <= memsize */
    f->pre.f[0] = FORM(LOC(0), OP(EXTEND_U), LOC(1), OP(EXTEND_U), K64(4), OP(MUL), OP(ADD),
                       OP(MEMSIZE), OP(LE_U));
    f->has_loop = true, f->loop = 0, f->inv.n = 1;
    f->inv.f[0] = FORM(LOC(2), LOC(1), OP(LE_U)); /* i <=u n */
    f = &p->fn[1];
    f->func = 2;
    f->has_loop = true, f->loop = 0, f->inv.n = 2;
    f->inv.f[0] = FORM(LOC(2), LOC(1), OP(LE_U));
    /* extend_u(q) + 0 <= memsize: true past p's byte, and after each word */
    f->inv.f[1] = FORM(LOC(4), OP(EXTEND_U), K64(0), OP(ADD), OP(MEMSIZE), OP(LE_U));
}

/* The loop of fast or slow (func f), up to the first word out of bounds. */
static outcome_t array_loop(uint32_t f, uint32_t p, uint32_t n, wits_t *ws)
{
    uint32_t s = 0;
    for (uint32_t i = 0;; i++) {
        uint32_t a = p + (i << 2); /* = q in slow */
        uint64_t locals[5] = {p, n, i, s, f == 2 ? a : 0};
        wit(ws, W_LOOP, f, 0, locals, f == 2 ? 5 : 4, 0, NULL, 0);
        if (i >= n)
            break;
        if ((uint64_t)a + 4 > MEM)
            return trap(DX_TRAP_MEMORY);
        s += word(a);
    }
    uint64_t params[2] = {p, n};
    wit(ws, W_POST, f, 0, params, 2, s, NULL, 0);
    return value(s);
}

static outcome_t array_model(const dx_proof_t *pr, const uint64_t *arg, wits_t *ws)
{
    (void)pr;
    uint32_t p = (uint32_t)arg[0], n = (uint32_t)arg[1];
    uint64_t params[2] = {p, n};
    bool fits = (uint64_t)p + 4ull * n <= MEM;
    wit(ws, W_PRE, fits ? 0 : 2, 0, params, 2, 0, NULL, 0);
    if (!fits && (uint64_t)p + 1 > MEM) /* slow's first byte */
        return trap(DX_TRAP_MEMORY);
    outcome_t o = array_loop(fits ? 0 : 2, p, n, ws);
    if (o.returned)
        wit(ws, W_POST, 1, 0, params, 2, o.value, NULL, 0);
    return o;
}

static bool array_unsafe(const size_t *at, const dx_proof_t *pr, size_t insn)
{
    (void)pr;
    return insn == at[A_SLOW_FIRST] || insn == at[A_SLOW];
}

static const input_t array_good[] = {
    {{0, 0}}, {{100, 10}}, {{4000, 7}}, {{MEM - 16, 4}}, {{MEM - 4, 1}}, {{MEM, 0}},
};
/* every address below RESERVE: a dropped check faults on the reservation */
static const input_t array_bad[] = {
    {{MEM - 8, 4}}, {{MEM - 2, 1}}, {{MEM - 20, 10}}, {{70000, 1}}, {{MEM + 1, 0}},
    {{1000000, 3}},
};

mod_t mod_array = {
    "array", array_code, array_annotate, array_model, array_unsafe, 1,
    array_good, array_bad, 6, 6, 1, {0}, {0},
};

/* ---- module clamp ----
 * func 0 clamp(x) = x <u 4100 ? x : 0; func 1 get(x) (exported) loads at
 * r + 61400 and r + 61436, r = clamp(x) in local 1. */

static void clamp_code(wb_t *b, size_t *at)
{
    wb_section(b, 1, "\x01\x60\x01\x7f\x01\x7f", 6);    /* (i32) -> i32 */
    wb_section(b, 3, "\x02\x00\x00", 3);
    wb_section(b, 5, "\x01\x01\x01\x10", 4);
    wb_section(b, 7, "\x01\x03get\x00\x01", 7);
    wb_sec(b, 10);
    wb_u(b, 2);
    wb_open(b);                                         /* clamp */
    wb_u(b, 0);
    wb_bytes(b, "\x20\x00\x41\x00\x20\x00\x41", 7);     /* x, 0, x <u 4100 */
    wb_s(b, 4100);
    wb_bytes(b, "\x49\x1b", 2);                         /* select */
    at[B_CLAMP_END] = wb_pos(b);
    wb_byte(b, 0x0b);
    wb_close(b);
    wb_open(b);                                         /* get */
    wb_bytes(b, "\x01\x01\x7f", 3);
    wb_bytes(b, "\x20\x00\x10\x00\x22\x01", 6);         /* r = clamp(x) */
    at[B_NEAR] = wb_pos(b);
    wb_bytes(b, "\x28\x02", 2), wb_u(b, 61400);
    LOCAL_GET(b, 1);
    at[B_EDGE] = wb_pos(b);
    wb_bytes(b, "\x28\x02", 2), wb_u(b, 61436);
    wb_bytes(b, "\x6a\x0b", 2);
    wb_close(b);
    wb_close(b);
}

static void clamp_annotate(proof_t *p)
{
    p->nfuncs = 1;
    fproof_t *f = &p->fn[0];
    f->func = 0;
    f->post.n = 3;
    f->post.f[0] = FORM(RES(0), K32(4100), OP(LT_U));
    f->post.f[1] = FORM(RES(0), LOC(0), OP(LE_U));
    f->post.f[2] = FORM(RES(0), LOC(0), OP(EQ), RES(0), K32(0), OP(EQ), OP(LOR));
}

static outcome_t clamp_model(const dx_proof_t *pr, const uint64_t *arg, wits_t *ws)
{
    (void)pr;
    uint64_t x = (uint32_t)arg[0];
    uint32_t r = x < 4100 ? (uint32_t)x : 0;
    wit(ws, W_PRE, 0, 0, &x, 1, 0, NULL, 0);
    wit(ws, W_POST, 0, 0, &x, 1, r, NULL, 0);
    if ((uint64_t)r + 61436 + 4 > MEM)
        return trap(DX_TRAP_MEMORY); /* the one at r + 61400 is in bounds */
    uint32_t v = word(r + 61400u) + word(r + 61436u);
    wit(ws, W_POST, 1, 0, &x, 1, v, NULL, 0);
    return value(v);
}

static bool clamp_unsafe(const size_t *at, const dx_proof_t *pr, size_t insn)
{
    (void)pr;
    return insn == at[B_EDGE];
}

static const input_t clamp_good[] = {
    {{0}}, {{7}}, {{4096}}, {{4100}}, {{70000}}, {{0x80000000u}}, {{0xffffffffu}},
};
static const input_t clamp_bad[] = {{{4097}}, {{4098}}, {{4099}}};

mod_t mod_clamp = {
    "clamp", clamp_code, clamp_annotate, clamp_model, clamp_unsafe, 1,
    clamp_good, clamp_bad, 7, 3, 1, {0}, {0},
};

/* ---- module frame ----
 * global 0 sp (mutable i32, 4096), global 1 (immutable i32, 7), global 2
 * (mutable i64, 0); func 0 frame(k) (exported): sp -= k (local 1), store k
 * at sp + 56, load sp + 60, sp += k, return the load. */
#define SP0 4096u

static void frame_code(wb_t *b, size_t *at)
{
    wb_section(b, 1, "\x01\x60\x01\x7f\x01\x7f", 6);
    wb_section(b, 3, "\x01\x00", 2);
    wb_section(b, 5, "\x01\x01\x01\x10", 4);
    wb_section(b, 6, "\x03\x7f\x01\x41\x80\x20\x0b\x7f\x00\x41\x07\x0b\x7e\x01\x42\x00\x0b", 17);
    wb_section(b, 7, "\x01\x05" "frame\x00\x00", 9);
    wb_sec(b, 10);
    wb_u(b, 1);
    wb_open(b);
    wb_bytes(b, "\x01\x01\x7f", 3);
    wb_bytes(b, "\x23\x00\x20\x00\x6b\x22\x01", 7);     /* sp - k, tee local 1 */
    at[C_SET_DOWN] = wb_pos(b);
    wb_bytes(b, "\x24\x00\x20\x01\x20\x00", 6);         /* global.set; local 1, k */
    at[C_STORE] = wb_pos(b);
    wb_bytes(b, "\x36\x02\x38\x23\x00", 5);             /* i32.store offset=56; sp */
    at[C_LOAD] = wb_pos(b);
    wb_bytes(b, "\x28\x02\x3c\x23\x00\x20\x00\x6a", 8); /* i32.load offset=60; sp + k */
    at[C_SET_BACK] = wb_pos(b);
    wb_bytes(b, "\x24\x00\x0b", 3);
    wb_close(b);
    wb_close(b);
}

static void frame_annotate(proof_t *p)
{
    p->flags = DX_PROOF_F_RANGES;
    p->inv.n = 2;
    p->inv.f[0] = FORM(GLO(0), K32(15), OP(AND), K32(0), OP(EQ)); /* sp 16-aligned */
    p->inv.f[1] = FORM(K32(1024), GLO(0), OP(LE_U));
    p->nranges = 2;
    p->range[0] = (grange_t){0, 1024, 8192};
    p->range[1] = (grange_t){2, 0, 100};
}

static bool frame_in_range(const dx_proof_t *pr, uint32_t v)
{
    const dx_grange_t *r = dx_proof_range(pr, 0);
    return !r || (v >= r->lo && v <= r->hi);
}

static outcome_t frame_model(const dx_proof_t *pr, const uint64_t *arg, wits_t *ws)
{
    uint64_t k = (uint32_t)arg[0];
    uint64_t g[3] = {SP0, 7, 0};
    wit(ws, W_INV, 0, 0, NULL, 0, 0, g, 3);
    wit(ws, W_PRE, 0, 0, &k, 1, 0, g, 3);
    uint32_t sp = SP0 - (uint32_t)k;
    if (!frame_in_range(pr, sp))
        return trap(DX_TRAP_RANGE);
    if ((uint64_t)sp + 56 + 4 > MEM || (uint64_t)sp + 60 + 4 > MEM)
        return trap(DX_TRAP_MEMORY);
    uint32_t v = word(sp + 60u);
    wit(ws, W_INV, 0, 0, NULL, 0, 0, g, 3); /* sp is back */
    wit(ws, W_POST, 0, 0, &k, 1, v, g, 3);
    return value(v);
}

/* An access at sp + off of 4 bytes is safe while sp + off + 4 <= MEM for
 * every sp the range lets through. */
static bool frame_unsafe(const size_t *at, const dx_proof_t *pr, size_t insn)
{
    const dx_grange_t *r = dx_proof_range(pr, 0);
    uint64_t hi = r ? r->hi : UINT32_MAX;
    if (insn == at[C_STORE])
        return hi + 60 > MEM;
    if (insn == at[C_LOAD])
        return hi + 64 > MEM;
    return false;
}

#define NEG(v) ((uint64_t)(uint32_t)(SP0 - (v))) /* the k that moves sp to v */
static const input_t frame_good[] = {
    {{NEG(4096)}}, {{NEG(1024)}}, {{NEG(8192)}}, {{NEG(4080)}}, {{NEG(4112)}},
    {{NEG(1000)}}, {{NEG(9096)}}, /* outside the range: they trap there */
};
static const input_t frame_bad[] = {
    {{NEG(65473)}}, {{NEG(65476)}}, {{NEG(65480)}}, {{NEG(70000)}}, {{NEG(500000)}},
};

mod_t mod_frame = {
    "frame", frame_code, frame_annotate, frame_model, frame_unsafe, 0,
    frame_good, frame_bad, 7, 5, 2, {65472, 65473, 65476, 65536}, {0},
};

/* ---- building ---------------------------------------------------------------------------- */

void build(mod_t *md, const proof_t *p, wb_t *b, layout_t *out)
{
    wb_module(b);
    md->code(b, md->at);
    wb_sec(b, 0);
    wb_str(b, "dogma.proof");
    out->payload = wb_pos(b);
    put_proof(b, p);
    out->end = wb_pos(b);
    wb_close(b);
}

void original(mod_t *md, proof_t *p)
{
    memset(p, 0, sizeof *p);
    p->version = 1;
    md->annotate(p);
    p->ranges_vec = p->flags & DX_PROOF_F_RANGES;
}
