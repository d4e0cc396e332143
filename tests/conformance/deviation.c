/*
 * Recognising known wabt deviations (deviation.h).
 *
 * Each recogniser states the shape of its deviation (which verdicts, which
 * libabi error) and then confirms it by repair: the smallest change that
 * undoes exactly what the deviation is about must make libabi accept the
 * module. The repairs use cf_edit_module(), which keeps the enclosing
 * section and body sizes right. One deviation is confirmed the other way
 * round: for select t, the module is rewritten so that wabt's mistake no
 * longer matters, and then wabt must reject it as libabi does.
 */
#include "deviation.h"

#include <string.h>

#include "mutate.h"

const cf_devinfo_t cf_devinfo[CF_DEV_COUNT] = {
    [CF_DEV_CUSTOM_SECTION] = {
        "wabt-custom-section", "5.5.3, 7.4",
        "wabt rejects a module for the content or position of a custom "
        "section (name, target_features, ...) and accepts it without its "
        "custom sections; custom sections do not affect validity"},
    [CF_DEV_TYPE_LEB] = {
        "wabt-type-leb", "5.3.3, 5.3.4, 5.4.1",
        "wabt reads value, reference and block types as signed LEB128, so "
        "it accepts over-long forms such as ff 7f for i32 or c0 7f for the "
        "empty block type; each is one byte (a block type index is an s33 "
        ">= 0)"},
    [CF_DEV_BODY_END] = {
        "wabt-body-end", "5.4.9, 5.5.13",
        "wabt accepts a function body whose last end closes an inner block, "
        "not the body's expression"},
    [CF_DEV_CONST_END] = {
        "wabt-const-end", "5.4.9, 5.5.9",
        "wabt accepts a constant expression cut off by the end of its "
        "section, without its final end"},
    [CF_DEV_EMPTY_OFFSET] = {
        "wabt-empty-offset", "3.4.5, 3.4.6, 3.3.10",
        "wabt accepts an active data or element segment whose offset "
        "expression is empty (just end); it must have type [i32]"},
    [CF_DEV_DATACOUNT] = {
        "wabt-datacount", "5.5.16",
        "wabt accepts a nonzero data count section without a data section "
        "(an absent section is an empty one)"},
    [CF_DEV_DATA_FLAGS] = {
        "wabt-data-flags", "5.5.14",
        "wabt accepts data segment kinds 4, 5 and 6, ignoring bit 2 (the "
        "element segments' flag); only 0, 1 and 2 exist"},
    [CF_DEV_SELECT_TYPE] = {
        "wabt-select-type", "3.3.4",
        "wabt types the result of select t as unknown (any), so any use of "
        "it passes; select t : [t t i32] -> [t]"},
    [CF_DEV_SILENT_ERROR] = {
        "wabt-silent-error", "3.4.5, 3.3.10",
        "wasm-validate prints an error (\"expected ref.null or ref.func in "
        "passive element segment\", for any element expression that is not "
        "one) but exits 0"},
    [CF_DEV_WABT_CRASH] = {
        "wabt-crash", "-",
        "wasm-validate crashes (an assertion) on a module libabi rejects"},
};

int cf_dev_lookup(const char *id)
{
    for (int i = 0; i < CF_DEV_COUNT; i++)
        if (strcmp(cf_devinfo[i].id, id) == 0)
            return i;
    return -1;
}

static bool dx_load(const uint8_t *b, size_t n, dx_error_t *out_err)
{
    dx_arena_t ar;
    dx_module_t m;
    dx_arena_init_malloc(&ar);
    bool ok = dx_module_load(b, n, &ar, &m, out_err);
    dx_arena_free(&ar);
    return ok;
}

/* Puts back up to 64 missing ends at the end of a body, one at a time
 * while libabi keeps asking for one more. */
static bool confirm_body_end(const uint8_t *b, size_t n, const dx_error_t *e)
{
    static const uint8_t end = 0x0B;
    cf_buf_t cur = {0}, next = {0};
    cf_buf_put(&cur, b, n);
    dx_error_t err = *e;
    bool ok = false;
    for (int i = 0; i < 64 && err.code == DX_E_END_EXPECTED; i++) {
        if (!cf_edit_module(cur.p, cur.len, err.offset, 0, &end, 1, &next))
            break;
        cf_buf_t t = cur;
        cur = next;
        next = t;
        ok = dx_load(cur.p, cur.len, &err);
        if (ok)
            break;
    }
    cf_buf_free(&cur);
    cf_buf_free(&next);
    return ok;
}

/* The missing end of a constant expression, at the end of a global,
 * element or data section. */
static bool confirm_const_end(const uint8_t *b, size_t n, const dx_error_t *e)
{
    static const uint8_t end = 0x0B;
    uint8_t id;
    size_t sec_end;
    if (!cf_section_at(b, n, e->offset, &id, &sec_end) ||
        sec_end != e->offset || (id != 6 && id != 9 && id != 11))
        return false;
    cf_buf_t fixed = {0};
    dx_error_t err;
    bool ok = cf_edit_module(b, n, e->offset, 0, &end, 1, &fixed) &&
              dx_load(fixed.p, fixed.len, &err);
    cf_buf_free(&fixed);
    return ok;
}

/* An active segment's offset expression that is only its end: with
 * i32.const 0 in front of the end, libabi accepts. */
static bool confirm_empty_offset(const uint8_t *b, size_t n,
                                 const dx_error_t *e)
{
    static const uint8_t zero[2] = {0x41, 0x00};
    uint8_t id;
    size_t sec_end;
    if (e->func != DX_NO_FUNC || e->actual != 0 || e->offset >= n ||
        b[e->offset] != 0x0B || !cf_section_at(b, n, e->offset, &id, &sec_end) ||
        (id != 9 && id != 11))
        return false;
    cf_buf_t fixed = {0};
    dx_error_t err;
    bool ok = cf_edit_module(b, n, e->offset, 0, zero, 2, &fixed) &&
              dx_load(fixed.p, fixed.len, &err);
    cf_buf_free(&fixed);
    return ok;
}

/* wabt rejects and libabi accepts: without its custom sections (but
 * Dogma's own), wabt accepts the module, and so does libabi. */
static bool confirm_custom(const cf_disagreement_t *d)
{
    cf_buf_t stripped = {0};
    dx_error_t err;
    bool ok = cf_strip_custom(d->b, d->n, &stripped) &&
              stripped.len < d->n &&
              d->wabt(d->ctx, stripped.p, stripped.len) == 0 &&
              dx_load(stripped.p, stripped.len, &err);
    cf_buf_free(&stripped);
    return ok;
}

/* A type (value, reference or block type) as a negative LEB128 of 2 to 5
 * bytes whose value has a one-byte form: in that form, libabi accepts. */
static bool confirm_type_leb(const uint8_t *b, size_t n, const dx_error_t *e)
{
    int64_t v = 0;
    unsigned len = 0, shift = 0;
    uint8_t byte;
    do {
        if (e->offset + len >= n || len == 5)
            return false;
        byte = b[e->offset + len++];
        v |= (int64_t)(byte & 0x7F) << shift;
        shift += 7;
    } while (byte & 0x80);
    if (byte & 0x40)
        v -= (int64_t)1 << shift; /* sign-extend */
    if (len < 2 || v < -64 || v > -1)
        return false;
    uint8_t one = (uint8_t)(v & 0x7F);
    cf_buf_t fixed = {0};
    dx_error_t err;
    bool ok = cf_edit_module(b, n, e->offset, len, &one, 1, &fixed) &&
              dx_load(fixed.p, fixed.len, &err);
    cf_buf_free(&fixed);
    return ok;
}

/* Data segment kind 4, 5 or 6 (wabt ignores bit 2): with that bit clear,
 * libabi accepts. */
static bool confirm_data_flags(const uint8_t *b, size_t n, const dx_error_t *e)
{
    unsigned len = 0;
    while (e->offset + len < n && len < 5 && (b[e->offset + len] & 0x80))
        len++;
    if (e->actual < 4 || e->actual > 6 || e->offset + len >= n)
        return false;
    uint8_t kind = (uint8_t)(e->actual - 4);
    cf_buf_t fixed = {0};
    dx_error_t err;
    bool ok = cf_edit_module(b, n, e->offset, len + 1, &kind, 1, &fixed) &&
              dx_load(fixed.p, fixed.len, &err);
    cf_buf_free(&fixed);
    return ok;
}

/* ---- select t ------------------------------------------------------------- */

static unsigned put_u32(uint8_t *out, uint32_t v)
{
    unsigned n = 0;
    do {
        out[n] = (uint8_t)(v & 0x7F);
        v >>= 7;
        if (v)
            out[n] |= 0x80;
        n++;
    } while (v);
    return n;
}

/* The local that stands for select t's result, one per type t. */
typedef struct sel_locals {
    dx_valtype_t type[8];
    uint32_t index[8];
    unsigned n;
    uint32_t next; /* the index of the next new local */
} sel_locals_t;

static uint32_t sel_local(sel_locals_t *l, dx_valtype_t t)
{
    for (unsigned i = 0; i < l->n; i++)
        if (l->type[i] == t)
            return l->index[i];
    if (l->n == 8)
        return UINT32_MAX;
    l->type[l->n] = t;
    l->index[l->n] = l->next++;
    return l->index[l->n++];
}

/* The code of function f up to the failing instruction, with
 * `local.set x; local.get x` after every select t, x a new local of type t;
 * the new local declarations in out_locals. False if f has no select t
 * before the error. */
static bool sel_code(const dx_module_t *m, uint32_t f, const dx_error_t *e,
                     dx_arena_t *ar, cf_buf_t *code, sel_locals_t *l)
{
    dx_code_t c;
    dx_insn_t in;
    dx_error_t err;
    const dx_func_t *fn = &m->funcs[f];
    memset(&c, 0, sizeof c);
    dx_code_init(&c, m, f, ar);
    l->next = dx_func_type(m, f)->nparams + fn->nlocals;
    size_t from = fn->code;
    while (dx_code_more(&c) && dx_code_next(&c, &in, &err) &&
           in.offset < e->insn) {
        if (in.op != DX_OP_SELECT_T)
            continue;
        uint32_t x = sel_local(l, in.u.type);
        if (x == UINT32_MAX)
            return false;
        uint8_t route[12];
        unsigned k = 0;
        route[k++] = 0x21; /* local.set */
        k += put_u32(route + k, x);
        route[k++] = 0x20; /* local.get */
        k += put_u32(route + k, x);
        cf_buf_put(code, m->bytes + from, in.end - from);
        cf_buf_put(code, route, k);
        from = in.end;
    }
    cf_buf_put(code, m->bytes + from, fn->body.off + fn->body.len - from);
    return l->n > 0;
}

/* The rewritten body of f: local declarations with the new runs appended,
 * then the routed code. */
static bool sel_body(const dx_module_t *m, uint32_t f, const dx_error_t *e,
                     dx_arena_t *ar, cf_buf_t *body)
{
    const dx_func_t *fn = &m->funcs[f];
    cf_buf_t code = {0};
    sel_locals_t l = {.n = 0};
    bool ok = sel_code(m, f, e, ar, &code, &l);
    if (ok) {
        uint8_t leb[8];
        size_t p = fn->body.off;
        while (m->bytes[p] & 0x80) /* the old count of runs: skip it */
            p++;
        p++;
        cf_buf_put(body, leb, put_u32(leb, fn->nruns + l.n));
        cf_buf_put(body, m->bytes + p, fn->code - p);
        for (unsigned i = 0; i < l.n; i++) {
            uint8_t run[2] = {1, l.type[i]};
            cf_buf_put(body, run, 2);
        }
        cf_buf_put(body, code.p, code.len);
    }
    cf_buf_free(&code);
    return ok;
}

/* libabi reports a type mismatch; wabt accepts because its select t left
 * an "any" on its stack. Routed through locals of the right type, the
 * values reach the failing instruction with their types, and wabt must
 * then reject the module too. */
static bool confirm_select(const cf_disagreement_t *d)
{
    const dx_error_t *e = d->err;
    dx_arena_t ar;
    dx_module_t m;
    dx_error_t err;
    cf_buf_t body = {0}, fixed = {0};
    bool ok = false;
    dx_arena_init_malloc(&ar);
    if (e->func != DX_NO_FUNC && e->insn != DX_NO_INSN &&
        dx_module_decode(d->b, d->n, &ar, &m, &err) &&
        e->func >= m.nfunc_imports && e->func < m.nfuncs &&
        sel_body(&m, e->func, e, &ar, &body) &&
        cf_edit_module(d->b, d->n, m.funcs[e->func].body.off,
                       m.funcs[e->func].body.len, body.p, body.len, &fixed))
        ok = d->wabt(d->ctx, fixed.p, fixed.len) == 1 &&
             !dx_load(fixed.p, fixed.len, &err) &&
             err.code == DX_E_TYPE_MISMATCH;
    cf_buf_free(&body);
    cf_buf_free(&fixed);
    dx_arena_free(&ar);
    return ok;
}

/* ---- classification --------------------------------------------------------- */

/* wabt accepts, libabi rejects. */
static cf_dev_t classify_rejected(const cf_disagreement_t *d)
{
    const uint8_t *b = d->b;
    size_t n = d->n;
    const dx_error_t *e = d->err;
    switch (e->code) {
    case DX_E_BLOCKTYPE:
    case DX_E_VALTYPE:
    case DX_E_REFTYPE:
        return confirm_type_leb(b, n, e) ? CF_DEV_TYPE_LEB : CF_DEV_NONE;
    case DX_E_END_EXPECTED:
        return confirm_body_end(b, n, e) ? CF_DEV_BODY_END : CF_DEV_NONE;
    case DX_E_UNEXPECTED_END:
        return confirm_const_end(b, n, e) ? CF_DEV_CONST_END : CF_DEV_NONE;
    case DX_E_STACK_HEIGHT:
        return confirm_empty_offset(b, n, e) ? CF_DEV_EMPTY_OFFSET
                                             : CF_DEV_NONE;
    case DX_E_DATA_KIND:
        return confirm_data_flags(b, n, e) ? CF_DEV_DATA_FLAGS : CF_DEV_NONE;
    case DX_E_DATA_COUNT:
        return e->offset == n && e->expected > 0 && e->actual == 0 &&
                       !cf_has_section(b, n, 11)
                   ? CF_DEV_DATACOUNT
                   : CF_DEV_NONE;
    case DX_E_TYPE_MISMATCH:
        return confirm_select(d) ? CF_DEV_SELECT_TYPE : CF_DEV_NONE;
    default:
        return CF_DEV_NONE;
    }
}

/* wabt accepts, libabi rejects: a confirmed deviation, or else wabt's own
 * stderr saying the module is wrong while its exit status says valid. */
static cf_dev_t classify_accepted_by_wabt(const cf_disagreement_t *d)
{
    cf_dev_t dev = classify_rejected(d);
    if (dev == CF_DEV_NONE && d->wabt_printed_error)
        dev = CF_DEV_SILENT_ERROR;
    return dev;
}

cf_dev_t cf_dev_classify(const cf_disagreement_t *d)
{
    if (d->wabt_status >= 256)
        return d->dx_ok ? CF_DEV_NONE : CF_DEV_WABT_CRASH;
    if (d->wabt_status == 1 && d->dx_ok)
        return confirm_custom(d) ? CF_DEV_CUSTOM_SECTION : CF_DEV_NONE;
    if (d->wabt_status == 0 && !d->dx_ok)
        return classify_accepted_by_wabt(d);
    return CF_DEV_NONE;
}
