/*
 * fuzz_validate: a libFuzzer target for the module decoder and validator.
 *
 * Each input is taken as a module and loaded up to four ways, and every answer is
 * checked against what module.h promises, so that a wrong answer aborts as
 * loudly as a wild read (which ASan catches by itself):
 *
 *   1. dx_module_load() through a counting allocator. On failure the error
 *      record must be well formed (a known code, an offset inside the
 *      module, an instruction at or before it) and dx_err_render() must
 *      behave like snprintf at every buffer size. On success the decoded
 *      module must only point inside the input, its index spaces must agree,
 *      and every function body is read again with the public instruction
 *      reader (dx_code_*), which must accept each instruction the validator
 *      did, tile the body exactly and close it with its final end.
 *   2. dx_module_decode() alone, then each body through the reader and the
 *      validator one instruction at a time, as a translator does: the
 *      verdict and the error record must be load's, and each local an
 *      accepted instruction names must have its declared type
 *      (dx_val_local_type).
 *   3. dx_module_load() again with an allocator that refuses everything past
 *      half of what run 1 used: it must fail cleanly, not succeed on a
 *      missing allocation.
 *   4. For a valid module, two of its prefixes that end inside a section,
 *      each in a buffer of its own: both must be rejected.
 *
 * The arena must also stay linear in the module's size (module.h: "memory
 * and time are linear in the module's size"); the bound below is loose on
 * purpose, to catch counts trusted before their bytes were seen rather than
 * to pin a constant. LeakSanitizer checks that dx_arena_free() returns all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dogma/module.h>

#include "check.h"

/* ---- a counting allocator, with an optional budget ------------------------ */

#include "budget.h"

/* The arena's linear bound: generous, so only a non-linear cost trips it. */
static size_t arena_bound(size_t size) { return 256 * size + (4u << 20); }

/* ---- ranges and pointers inside the module --------------------------------- */

static bool in_module(size_t size, size_t off, size_t len)
{
    return off <= size && len <= size - off; /* both: no overflow */
}

static bool ptr_in(const uint8_t *data, size_t size, const void *p, size_t len)
{
    const uint8_t *q = p;
    return len == 0 || (q >= data && in_module(size, (size_t)(q - data), len));
}

static void check_name(const uint8_t *data, size_t size, dx_name_t n)
{
    CHECK(ptr_in(data, size, n.ptr, n.len));
}

/* ---- failures: the error record and its rendering ---------------------------- */

static void check_render_sizes(const dx_error_t *e, const char *full, size_t n)
{
    static const size_t lens[] = {1, 2, 7, 16, 40};
    char small[64];
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t len = lens[i];
        memset(small, 'x', sizeof small);
        CHECK(dx_err_render(e, "f.wasm", small, len) == n);
        size_t keep = n < len ? n : len - 1;
        CHECK(small[keep] == 0);
        CHECK(memcmp(small, full, keep) == 0);
        CHECK(small[len] == 'x'); /* nothing written past len */
    }
    char untouched = 'x';
    CHECK(dx_err_render(e, "f.wasm", &untouched, 0) == n);
    CHECK(untouched == 'x');
}

static void check_render(const dx_error_t *e)
{
    char full[1024];
    size_t n = dx_err_render(e, "f.wasm", full, sizeof full);
    CHECK(n < sizeof full); /* a diagnostic is one short line */
    CHECK(strlen(full) == n);
    CHECK(strncmp(full, "f.wasm:0x", 9) == 0);
    CHECK(strstr(full, ": error: ") != NULL);
    CHECK(strchr(full, '\n') == NULL);
    check_render_sizes(e, full, n);
    char bare[1024];
    size_t nb = dx_err_render(e, NULL, bare, sizeof bare);
    CHECK(nb + strlen("f.wasm:") == n);
    CHECK(strcmp(bare, full + strlen("f.wasm:")) == 0);
}

static void check_error(const dx_error_t *e, const dx_module_t *m, size_t size)
{
    CHECK(e->code != DX_OK && (unsigned)e->code < DX_E_COUNT);
    CHECK(e->offset <= size);
    if (e->insn != DX_NO_INSN) {
        CHECK(e->func != DX_NO_FUNC); /* an instruction belongs to a body */
        CHECK(e->insn < size);
        CHECK(e->insn <= e->offset);
        CHECK(e->op <= DX_OP_COUNT); /* DX_OP_COUNT: opcode unreadable */
    }
    if (e->func != DX_NO_FUNC)
        CHECK(e->func < m->nfuncs);
    CHECK(strcmp(dx_err_rule(e->code), "?") != 0);
    CHECK(strcmp(dx_err_name(e->code), "?") != 0);
    CHECK(strcmp(dx_phase_name(dx_err_phase(e->code)), "?") != 0);
    check_render(e);
}

/* ---- success: the decoded module ------------------------------------------- */

static void check_types(const dx_module_t *m)
{
    for (uint32_t i = 0; i < m->ntypes; i++) {
        const dx_functype_t *t = &m->types[i];
        CHECK(t->nparams <= DX_MAX_PARAMS && t->nresults <= DX_MAX_RESULTS);
        CHECK(ptr_in(m->bytes, m->size, t->params, t->nparams));
        CHECK(ptr_in(m->bytes, m->size, t->results, t->nresults));
        CHECK(t->params_id < m->ncanon && t->results_id < m->ncanon);
    }
}

static void check_locals(const dx_module_t *m, const dx_func_t *f)
{
    uint32_t nparams = m->types[f->type].nparams;
    uint32_t prev = nparams;
    for (uint32_t r = 0; r < f->nruns; r++) {
        CHECK(f->runs[r].end >= prev);
        prev = f->runs[r].end;
    }
    CHECK(prev == nparams + f->nlocals);
    CHECK((uint64_t)nparams + f->nlocals <= DX_MAX_LOCALS);
}

static void check_funcs(const dx_module_t *m)
{
    CHECK(m->nfunc_imports <= m->nfuncs && m->nfuncs <= DX_MAX_FUNCS);
    for (uint32_t i = 0; i < m->nfuncs; i++) {
        const dx_func_t *f = &m->funcs[i];
        CHECK(f->type < m->ntypes);
        CHECK(f->imported == (i < m->nfunc_imports));
        if (f->imported)
            continue;
        CHECK(in_module(m->size, f->body.off, f->body.len));
        CHECK(f->body.len <= DX_MAX_BODY_SIZE);
        CHECK(f->code >= f->body.off && f->code < f->body.off + f->body.len);
        check_locals(m, f);
    }
    if (m->has_start)
        CHECK(m->start < m->nfuncs);
}

static uint32_t space(const dx_module_t *m, dx_extkind_t k)
{
    switch (k) {
    case DX_EXT_FUNC: return m->nfuncs;
    case DX_EXT_TABLE: return m->ntables;
    case DX_EXT_MEMORY: return m->nmemories;
    case DX_EXT_GLOBAL: return m->nglobals;
    }
    CHECK(!"extern kind");
    return 0;
}

static void check_imports_exports(const dx_module_t *m)
{
    for (uint32_t i = 0; i < m->nimports; i++) {
        const dx_import_t *im = &m->imports[i];
        check_name(m->bytes, m->size, im->module);
        check_name(m->bytes, m->size, im->field);
        CHECK(im->index < space(m, im->kind));
        CHECK(im->offset < m->size);
    }
    for (uint32_t i = 0; i < m->nexports; i++) {
        const dx_export_t *ex = &m->exports[i];
        check_name(m->bytes, m->size, ex->name);
        CHECK(ex->index < space(m, ex->kind));
        CHECK(ex->offset < m->size);
    }
}

static void check_spaces(const dx_module_t *m)
{
    CHECK(m->ntable_imports <= m->ntables);
    for (uint32_t i = 0; i < m->ntables; i++) {
        const dx_table_t *t = &m->tables[i];
        CHECK(t->elem == DX_T_FUNCREF || t->elem == DX_T_EXTERNREF);
        CHECK(t->imported == (i < m->ntable_imports));
        CHECK(!t->limits.has_max || t->limits.min <= t->limits.max);
    }
    CHECK(m->nmemory_imports <= m->nmemories && m->nmemories <= 1);
    for (uint32_t i = 0; i < m->nmemories; i++) {
        const dx_memory_t *mem = &m->memories[i];
        CHECK(mem->imported == (i < m->nmemory_imports));
        CHECK(mem->limits.min <= DX_MAX_MEMORY_PAGES);
        CHECK(!mem->limits.has_max || mem->limits.min <= mem->limits.max);
    }
    CHECK(m->nglobal_imports <= m->nglobals);
    for (uint32_t i = 0; i < m->nglobals; i++) {
        const dx_global_t *g = &m->globals[i];
        CHECK(g->imported == (i < m->nglobal_imports));
        if (!g->imported)
            CHECK(g->init.len > 0 && in_module(m->size, g->init.off, g->init.len));
    }
}

static void check_segments(const dx_module_t *m)
{
    for (uint32_t i = 0; i < m->nelems; i++) {
        const dx_elem_t *e = &m->elems[i];
        CHECK(e->flags <= 7 && e->count <= DX_MAX_ELEM_SIZE);
        CHECK(e->type == DX_T_FUNCREF || e->type == DX_T_EXTERNREF);
        CHECK(in_module(m->size, e->entries.off, e->entries.len));
        CHECK(e->entries.len >= e->count); /* at least a byte each */
        if (e->mode == DX_SEG_ACTIVE) {
            CHECK(e->table < m->ntables);
            CHECK(in_module(m->size, e->offset_expr.off, e->offset_expr.len));
        }
    }
    CHECK(!m->has_datacount || m->datacount == m->ndatas);
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const dx_data_t *d = &m->datas[i];
        CHECK(d->mode == DX_SEG_ACTIVE || d->mode == DX_SEG_PASSIVE);
        CHECK(in_module(m->size, d->bytes.off, d->bytes.len));
        if (d->mode == DX_SEG_ACTIVE) {
            CHECK(d->memory < m->nmemories);
            CHECK(in_module(m->size, d->offset_expr.off, d->offset_expr.len));
        }
    }
}

static void check_sections(const dx_module_t *m)
{
    size_t next = 8; /* after the header */
    for (uint32_t i = 0; i < m->nsections; i++) {
        const dx_section_t *s = &m->sections[i];
        CHECK(s->id <= 12);
        CHECK(s->offset == next); /* sections tile the module */
        CHECK(s->payload.off > s->offset);
        CHECK(in_module(m->size, s->payload.off, s->payload.len));
        if (s->id == 0)
            check_name(m->bytes, m->size, s->name);
        next = s->payload.off + s->payload.len;
    }
    CHECK(next == m->size);
    const dx_abi_t *abi = &m->abi;
    CHECK(abi->ncaps <= DX_MAX_CAPS);
    for (uint32_t i = 0; i < abi->ncaps; i++) {
        check_name(m->bytes, m->size, abi->caps[i].name);
        check_name(m->bytes, m->size, abi->caps[i].target);
    }
    if (m->has_proof)
        CHECK(in_module(m->size, m->proof.off, m->proof.len));
}

/* ---- the instruction reader over a valid module ------------------------------ */

static void check_insn(const dx_insn_t *in, size_t at, size_t end)
{
    CHECK(in->offset == at);        /* instructions tile the body */
    CHECK(in->end > at && in->end <= end);
    CHECK((unsigned)in->op < DX_OP_COUNT);
    CHECK(in->imm >= at && in->imm <= in->imm2 && in->imm2 <= in->end);
    if (in->op == DX_OP_BR_TABLE) {
        CHECK(in->u.br_table.count <= DX_MAX_BR_TABLE);
        CHECK(in->u.br_table.count == 0 || in->u.br_table.targets != NULL);
    }
}

/* Reads one body; the validator accepted it, so the reader must too, and
 * blocks must nest so that the last end closes the function. */
static void walk_func(dx_code_t *c, const dx_module_t *m, uint32_t func,
                      dx_arena_t *ar)
{
    const dx_func_t *f = &m->funcs[func];
    size_t end = f->body.off + f->body.len;
    dx_code_init(c, m, func, ar);
    size_t at = f->code;
    uint32_t depth = 1;
    dx_insn_t in = {.op = DX_OP_COUNT};
    dx_error_t err;
    while (dx_code_more(c)) {
        CHECK(depth > 0); /* nothing after the function's final end */
        CHECK(dx_code_next(c, &in, &err));
        check_insn(&in, at, end);
        at = in.end;
        if (in.op == DX_OP_BLOCK || in.op == DX_OP_LOOP || in.op == DX_OP_IF)
            depth++;
        else if (in.op == DX_OP_END)
            depth--;
    }
    CHECK(at == end && depth == 0 && in.op == DX_OP_END);
}

static void check_valid(const dx_module_t *m, const uint8_t *data, size_t size,
                        dx_arena_t *ar)
{
    CHECK(m->bytes == data && m->size == size);
    check_types(m);
    check_funcs(m);
    check_imports_exports(m);
    check_spaces(m);
    check_segments(m);
    check_sections(m);
    dx_code_t c;
    memset(&c, 0, sizeof c);
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        walk_func(&c, m, f, ar);
}

/* ---- the three runs ------------------------------------------------------------ */

static bool same_error(const dx_error_t *a, const dx_error_t *b)
{
    return a->code == b->code && a->offset == b->offset && a->func == b->func &&
           a->insn == b->insn && a->expected == b->expected &&
           a->actual == b->actual &&
           (a->insn == DX_NO_INSN || a->op == b->op);
}

/* The type of local idx from the module's own description of it. */
static dx_valtype_t local_type(const dx_module_t *m, uint32_t func, uint32_t idx)
{
    const dx_func_t *f = &m->funcs[func];
    const dx_functype_t *t = &m->types[f->type];
    if (idx < t->nparams)
        return t->params[idx];
    for (uint32_t r = 0; r < f->nruns; r++)
        if (idx < f->runs[r].end)
            return f->runs[r].type;
    return DX_T_ANY;
}

static bool is_local_op(dx_op_t op)
{
    return op == DX_OP_LOCAL_GET || op == DX_OP_LOCAL_SET ||
           op == DX_OP_LOCAL_TEE;
}

/* One body the way a translator validates it: the reader and the validator
 * one instruction at a time, each with its own state. */
static bool validate_stepwise(dx_val_t *v, dx_code_t *c, const dx_module_t *m,
                              uint32_t func, dx_error_t *out_err)
{
    if (!dx_val_begin(v, func, out_err))
        return false;
    dx_code_init(c, m, func, v->ar);
    dx_insn_t in;
    while (dx_code_more(c)) {
        if (!dx_code_next(c, &in, out_err) || !dx_val_insn(v, &in, out_err))
            return false;
        if (is_local_op(in.op)) {
            /* accepted, so the local exists, with the type it was declared with */
            dx_valtype_t t = dx_val_local_type(v, in.u.index);
            CHECK(t != DX_T_ANY && t == local_type(m, func, in.u.index));
        }
    }
    return dx_val_finish(v, c->end, out_err);
}

/* Run 2: decode alone, then the stepwise validator, agree with load. */
static void check_decode_agrees(const uint8_t *data, size_t size, bool loaded,
                                const dx_error_t *load_err)
{
    dx_arena_t ar;
    budget_t b;
    dx_module_t m;
    dx_error_t err;
    budget_arena(&ar, &b, SIZE_MAX, SIZE_MAX);
    bool ok = dx_module_decode(data, size, &ar, &m, &err);
    if (loaded)
        CHECK(ok);
    if (ok) {
        dx_val_t v;
        dx_code_t c;
        memset(&c, 0, sizeof c);
        dx_val_init(&v, &m, &ar);
        for (uint32_t f = m.nfunc_imports; ok && f < m.nfuncs; f++)
            ok = validate_stepwise(&v, &c, &m, f, &err);
        CHECK(ok == loaded);
    }
    if (!ok)
        CHECK(same_error(&err, load_err));
    dx_arena_free(&ar);
    CHECK(b.used == 0);
}

/* Run 3: an allocator that says no half way must make the load fail. */
static void check_out_of_memory(const uint8_t *data, size_t size, size_t peak)
{
    dx_arena_t ar;
    budget_t b;
    dx_module_t m;
    dx_error_t err;
    budget_arena(&ar, &b, peak / 2, SIZE_MAX);
    bool ok = dx_module_load(data, size, &ar, &m, &err);
    if (b.refused) {
        CHECK(!ok);
        CHECK(err.code != DX_OK && (unsigned)err.code < DX_E_COUNT);
        CHECK(err.offset <= size);
    }
    dx_arena_free(&ar);
    CHECK(b.used == 0);
}

/* Run 4, valid modules only: a prefix that ends inside a section cuts that
 * section short, so it must be rejected, at or before where it ends. The
 * prefix is copied to a buffer of its own size, so that ASan catches a read
 * past the size the decoder was given, which inside the fuzzer's buffer it
 * could not. */
static bool section_boundary(const dx_module_t *m, size_t k)
{
    if (k == 8)
        return true;
    for (uint32_t i = 0; i < m->nsections; i++)
        if (m->sections[i].offset == k)
            return true;
    return false;
}

static void check_prefix(const uint8_t *data, size_t k)
{
    uint8_t *copy = malloc(k ? k : 1);
    CHECK(copy != NULL);
    memcpy(copy, data, k);
    dx_arena_t ar;
    budget_t b;
    dx_module_t m;
    dx_error_t err;
    budget_arena(&ar, &b, SIZE_MAX, SIZE_MAX);
    CHECK(!dx_module_load(copy, k, &ar, &m, &err));
    CHECK(err.offset <= k);
    dx_arena_free(&ar);
    free(copy);
}

static void check_prefixes(const dx_module_t *m, const uint8_t *data,
                           size_t size)
{
    size_t cuts[2] = {size - 1, size / 2};
    for (int i = 0; i < 2; i++)
        if (cuts[i] < size && !section_boundary(m, cuts[i]))
            check_prefix(data, cuts[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dx_arena_t ar;
    budget_t b;
    dx_module_t m;
    dx_error_t err;
    budget_arena(&ar, &b, SIZE_MAX, SIZE_MAX);
    bool ok = dx_module_load(data, size, &ar, &m, &err);
    if (ok) {
        CHECK(err.code == DX_OK);
        check_valid(&m, data, size, &ar);
        check_prefixes(&m, data, size);
    } else {
        check_error(&err, &m, size);
    }
    size_t peak = b.peak;
    CHECK(peak <= arena_bound(size));
    dx_arena_free(&ar);
    CHECK(b.used == 0);
    check_decode_agrees(data, size, ok, &err);
    if (peak > 0)
        check_out_of_memory(data, size, peak);
    return 0;
}
