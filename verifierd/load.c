/*
 * One module: decode and check it, bind its imports, translate it (strategy
 * `checked`), lay the process out, and ask the kernel to start it.
 *
 * TRUSTED. The module is hostile input. libabi decodes and validates it
 * (the same code as dogma-validate, fuzzed); here every count and size it
 * chose is bounded before it sizes anything, and the instantiation steps
 * of the WebAssembly specification (segments into memory and tables) are
 * checked as the specification says: a module whose active segment does
 * not fit is refused, with the trap it would have raised.
 *
 * The process (verifierd/rt/rt.h has the layout): a code region with the
 * runtime image and then the translated code; a data region with the
 * translation block, the runtime's state and stack; a memory region
 * reserved at the memory's maximum. Nothing is shared with verifierd
 * after the start: the regions move to the new process.
 */
#include <dogma/imports.h>
#include <dogma/module.h>
#include <dogma/proof.h>

#include "../libabi/proof/vc.h"
#include <dogma/translate.h>
#include <kern/string.h>

#include "rt/rt.h"
#include "verifierd.h"

#define PAGE 4096u
#define HEAP_BYTES (512ull << 20)     /* verifierd's scratch; frames on touch */
#define MEM_MAX_DEFAULT (256ull << 20) /* memory 0's reservation when unbounded */
#define TABLE_MAX_RESERVE (1u << 20)   /* table elements reserved for growth */
#define ALIGN16(x) (((x) + 15) & ~(uint64_t)15)
#define PAGES(x) (((x) + PAGE - 1) & ~(uint64_t)(PAGE - 1))

static uint32_t loader;
static uint8_t *heap;     /* a bump allocator, reset after every job */
static uint64_t heap_used;

static void *heap_alloc(void *ctx, size_t size)
{
    (void)ctx;
    size = ALIGN16(size);
    if (size > HEAP_BYTES - heap_used)
        return NULL;
    void *p = heap + heap_used;
    heap_used += size;
    return p;
}

/* Only the newest block goes back (the verifier's per-function scratch
 * arenas, freed newest first, are usually on top); the rest waits for the
 * job's end. */
static void heap_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    size = ALIGN16(size);
    if ((uint8_t *)p + size == heap + heap_used)
        heap_used -= size;
}

bool vd_load_init(uint32_t loader_handle)
{
    loader = loader_handle;
    vsys_t r = VS2(DOGMA_SYS_region_create, HEAP_BYTES, 0);
    if (r.r < 0)
        return false;
    heap = (uint8_t *)(uintptr_t)r.r1;
    return true;
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t now_ns(void) { return (uint64_t)VS0(DOGMA_SYS_clock).r; }

/* ---- refusals ------------------------------------------------------------------- */
static void reject(vd_reply_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reject(vd_reply_t *out, const char *fmt, ...)
{
    extern size_t fmt_vsnprintf(char *, size_t, const char *, __builtin_va_list);
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    fmt_vsnprintf(out->text, sizeof out->text, fmt, ap);
    __builtin_va_end(ap);
    out->status = VD_REJECTED;
}

/* ---- imports -------------------------------------------------------------------- */
typedef struct {
    const char *name, *params, *results;
    uint8_t id;
} import_def_t;

static const import_def_t imports[] = {
#define IMP_ROW(id, name, params, results) {#name, params, results, id},
    DOGMA_IMPORTS(IMP_ROW)
#undef IMP_ROW
};

/* ids[f] for each function import, or a rejection. */
static bool bind_imports(const dx_module_t *m, uint8_t *ids, vd_reply_t *out)
{
    for (uint32_t i = 0; i < m->nimports; i++) {
        const dx_import_t *im = &m->imports[i];
        int ml = im->module.len > 40 ? 40 : (int)im->module.len;
        int fl = im->field.len > 40 ? 40 : (int)im->field.len;
        if (im->kind != DX_EXT_FUNC) {
            reject(out, "0x%zx: import %.*s.%.*s: only functions can be imported", im->offset,
                   ml, im->module.ptr, fl, im->field.ptr);
            return false;
        }
        const import_def_t *d = NULL;
        if (dx_name_is(im->module, "dogma"))
            for (size_t k = 0; k < sizeof imports / sizeof imports[0] && !d; k++)
                if (dx_name_is(im->field, imports[k].name))
                    d = &imports[k];
        if (!d) {
            reject(out, "0x%zx: import not provided: %.*s.%.*s%s", im->offset, ml, im->module.ptr,
                   fl, im->field.ptr,
                   dx_name_is(im->module, "wasi_snapshot_preview1")
                       ? " (link the SDK's WASI adapter: add_dogma_module)" : "");
            return false;
        }
        if (!dx_functype_is(dx_func_type(m, im->index), d->params, d->results)) {
            reject(out, "0x%zx: import dogma.%s has the wrong type (expected (%s) -> (%s))",
                   im->offset, d->name, d->params, d->results);
            return false;
        }
        ids[im->index] = d->id;
    }
    return true;
}

/* ---- capability requests ---------------------------------------------------------------
 * The module's dogma.abi section names what it needs (spec/format.md
 * section 4); the starter grants handles under roles. Each request that is
 * not optional must find a grant whose role is its name, of its kind and
 * covering what it asks for: a module never starts without what it asked
 * for, nor with a device it did not ask for under that name. */
static const char *const capreq_kinds[] = {"?", "channel", "irq", "ioport", "physmem"};

static bool covers(const dx_capreq_t *c, const dogma_cap_info_t *ci)
{
    switch (c->kind) {
    case DX_CAP_CHANNEL: return ci->kind == DOGMA_CAP_CHANNEL;
    case DX_CAP_IRQ: return ci->kind == DOGMA_CAP_IRQ && ci->object == c->a;
    case DX_CAP_IOPORT:
    case DX_CAP_PHYSMEM:
        return ci->kind == (c->kind == DX_CAP_IOPORT ? DOGMA_CAP_IOPORT : DOGMA_CAP_PHYS) &&
               c->a >= ci->object && c->b <= ci->extra && c->a - ci->object <= ci->extra - c->b;
    default: return false;
    }
}

static bool check_caps(const dx_module_t *m, const vd_job_t *job, vd_reply_t *out)
{
    for (uint32_t i = 0; i < m->abi.ncaps; i++) {
        const dx_capreq_t *c = &m->abi.caps[i];
        const vd_grant_t *g = NULL;
        for (uint32_t k = 0; k < job->ngrants && !g; k++)
            if (dx_name_is(c->name, job->grants[k].role))
                g = &job->grants[k];
        dogma_cap_info_t ci = {0};
        if (g && VS2(DOGMA_SYS_cap_info, g->handle, &ci).r >= 0 && covers(c, &ci))
            continue;
        if (c->optional)
            continue;
        int nl = c->name.len > 40 ? 40 : (int)c->name.len;
        reject(out, "0x%zx: the module asks for capability \"%.*s\" (%s %#lx+%#lx), which its "
               "starter %s", c->offset, nl, c->name.ptr, capreq_kinds[c->kind < 5 ? c->kind : 0],
               c->a, c->b, g ? "granted as something else" : "did not grant");
        return false;
    }
    return true;
}

/* ---- the layout ------------------------------------------------------------------- */
typedef struct {
    uint64_t vrt, ids, funcs, tables, elems_store, datas, data_bytes, segs, refs, start, stack;
    uint64_t size;
} layout_t;

static uint64_t table_cap(const dx_table_t *t)
{
    uint64_t cap = t->limits.min;
    if (t->limits.has_max && t->limits.max > cap)
        cap = t->limits.max - cap > TABLE_MAX_RESERVE ? cap + TABLE_MAX_RESERVE : t->limits.max;
    return cap;
}

static uint64_t start_size(const vd_job_t *job)
{
    return ALIGN16(sizeof(dogma_start_header_t) + job->ngrants * sizeof(dogma_start_grant_t) +
                   job->strings_len);
}

static void plan(const dx_module_t *m, const dx_x64_t *x, const vd_job_t *job, layout_t *l)
{
    uint64_t o = ALIGN16(x->layout.size);
    l->vrt = o, o = ALIGN16(o + sizeof(vrt_t));
    l->ids = o, o = ALIGN16(o + m->nfunc_imports);
    l->funcs = o, o += 16ull * m->nfuncs;
    l->tables = o, o += sizeof(vrt_table_t) * m->ntables;
    l->elems_store = o;
    for (uint32_t t = 0; t < m->ntables; t++)
        o += 8 * table_cap(&m->tables[t]);
    l->datas = o, o += sizeof(vrt_segment_t) * m->ndatas;
    l->data_bytes = o;
    for (uint32_t i = 0; i < m->ndatas; i++)
        if (m->datas[i].mode == DX_SEG_PASSIVE)
            o += m->datas[i].bytes.len;
    o = ALIGN16(o);
    l->segs = o, o += sizeof(vrt_segment_t) * m->nelems;
    l->refs = o;
    for (uint32_t i = 0; i < m->nelems; i++)
        o += 8ull * m->elems[i].count;
    o = ALIGN16(o);
    l->start = o, o += start_size(job);
    o = PAGES(o);
    l->stack = o, o += VRT_STACK_BYTES;
    l->size = o;
}

/* ---- instantiation ------------------------------------------------------------------ */
typedef struct {
    const dx_module_t *m;
    uint8_t *data;   /* the data region (its global address) */
    uint8_t *mem;
    uint64_t mem_size;
    const layout_t *l;
} inst_t;

static uint64_t funcref(const inst_t *in, uint32_t f)
{
    return (uint64_t)(uintptr_t)(in->data + in->l->funcs + 16ull * f);
}

static uint64_t const_value(const inst_t *in, const dx_insn_t *k, uint32_t globals)
{
    switch (k->op) {
    case DX_OP_I32_CONST: return (uint32_t)k->u.i32;
    case DX_OP_I64_CONST: return (uint64_t)k->u.i64;
    case DX_OP_F32_CONST: return k->u.f32;
    case DX_OP_F64_CONST: return k->u.f64;
    case DX_OP_REF_FUNC: /* the module is verifierd's own copy: checked at decode */
        return k->u.index < in->m->nfuncs ? funcref(in, k->u.index) : 0;
    case DX_OP_GLOBAL_GET:
        return k->u.index < in->m->nglobals
                   ? *(uint64_t *)(void *)(in->data + globals + 8 * k->u.index) : 0;
    default: return 0; /* ref.null */
    }
}

static uint64_t const_expr(const inst_t *in, size_t off, uint32_t globals)
{
    dx_insn_t k;
    size_t end;
    return dx_const_insn(in->m, off, &k, &end) ? const_value(in, &k, globals) : 0;
}

static bool instantiate(inst_t *in, const dx_x64_t *x, const vd_job_t *job, vd_reply_t *out)
{
    const dx_module_t *m = in->m;
    const layout_t *l = in->l;
    uint8_t *d = in->data;
    for (uint32_t g = 0; g < m->nglobals; g++)
        *(uint64_t *)(void *)(d + x->layout.globals + 8 * g) =
            const_expr(in, m->globals[g].init.off, x->layout.globals);
    vrt_table_t *vt = (vrt_table_t *)(void *)(d + l->tables);
    uint64_t store = (uint64_t)(uintptr_t)(d + l->elems_store);
    for (uint32_t t = 0; t < m->ntables; t++) {
        vt[t] = (vrt_table_t){store, m->tables[t].limits.min, table_cap(&m->tables[t])};
        dx_x64_table_t *pt = (dx_x64_table_t *)(void *)(d + x->layout.tables) + t;
        pt->base = store;
        pt->size = vt[t].size;
        store += 8 * vt[t].max;
    }
    /* Element segments: references, then the active ones into tables. */
    vrt_segment_t *segs = (vrt_segment_t *)(void *)(d + l->segs);
    uint64_t *refs = (uint64_t *)(void *)(d + l->refs);
    for (uint32_t i = 0; i < m->nelems; i++) {
        const dx_elem_t *e = &m->elems[i];
        size_t pos = e->entries.off;
        dx_insn_t k;
        for (uint32_t j = 0; j < e->count && dx_elem_entry(m, e, &pos, &k); j++)
            refs[j] = const_value(in, &k, x->layout.globals);
        segs[i] = (vrt_segment_t){(uint64_t)(uintptr_t)refs,
                                  e->mode == DX_SEG_PASSIVE ? e->count : 0};
        if (e->mode == DX_SEG_ACTIVE) {
            uint64_t at = (uint32_t)const_expr(in, e->offset_expr.off, x->layout.globals);
            if (at > vt[e->table].size || e->count > vt[e->table].size - at) {
                reject(out, "0x%zx: element segment %u does not fit its table: the start "
                       "would trap (out of bounds table access)", e->offset, i);
                return false;
            }
            memcpy((uint64_t *)(uintptr_t)vt[e->table].elems + at, refs, 8ull * e->count);
        }
        refs += e->count;
    }
    /* Data segments: passive ones kept, active ones into memory. */
    vrt_segment_t *ds = (vrt_segment_t *)(void *)(d + l->datas);
    uint8_t *bytes = d + l->data_bytes;
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const dx_data_t *s = &m->datas[i];
        const uint8_t *src = m->bytes + s->bytes.off;
        if (s->mode == DX_SEG_PASSIVE) {
            memcpy(bytes, src, s->bytes.len);
            ds[i] = (vrt_segment_t){(uint64_t)(uintptr_t)bytes, s->bytes.len};
            bytes += s->bytes.len;
            continue;
        }
        ds[i] = (vrt_segment_t){0, 0};
        uint64_t at = (uint32_t)const_expr(in, s->offset_expr.off, x->layout.globals);
        if (at > in->mem_size || s->bytes.len > in->mem_size - at) {
            reject(out, "0x%zx: data segment %u does not fit the memory: the start would trap "
                   "(out of bounds memory access)", s->offset, i);
            return false;
        }
        memcpy(in->mem + at, src, s->bytes.len);
    }
    (void)job;
    return true;
}

/* The start block: header, grants (their index in the grant list until
 * the runtime rewrites them to handles), strings. */
static void start_block(uint8_t *p, const vd_job_t *job)
{
    dogma_start_header_t *h = (dogma_start_header_t *)(void *)p;
    *h = (dogma_start_header_t){DOGMA_START_MAGIC, (uint32_t)start_size(job), job->nargs,
                                job->nenv, job->ngrants, 0};
    dogma_start_grant_t *g = (dogma_start_grant_t *)(h + 1);
    for (uint32_t i = 0; i < job->ngrants; i++) {
        g[i].handle = 2 + i; /* after the data and memory regions */
        strlcpy(g[i].role, job->grants[i].role, sizeof g[i].role);
    }
    memcpy(g + job->ngrants, job->strings, job->strings_len);
}

/* ---- the whole job ------------------------------------------------------------------ */
static uint32_t region(uint64_t size, uint8_t **out_base)
{
    vsys_t r = VS2(DOGMA_SYS_region_create, size ? size : PAGE, 0);
    if (r.r < 0)
        return 0;
    *out_base = (uint8_t *)(uintptr_t)r.r1;
    return (uint32_t)r.r;
}

static void dispose(uint32_t h)
{
    if (h)
        VS1(DOGMA_SYS_cap_dispose, h);
}

static int32_t export_start(const dx_module_t *m, vd_reply_t *out)
{
    for (uint32_t i = 0; i < m->nexports; i++) {
        const dx_export_t *e = &m->exports[i];
        if (e->kind != DX_EXT_FUNC || !dx_name_is(e->name, "_start"))
            continue;
        const dx_functype_t *t = dx_func_type(m, e->index);
        if (t->nparams || t->nresults) {
            reject(out, "0x%zx: export _start must take and return nothing", e->offset);
            return -1;
        }
        return (int32_t)e->index;
    }
    reject(out, "the module exports no function _start (a command's entry)");
    return -1;
}

/* One load in progress. */
typedef struct {
    const vd_job_t *job;
    vd_reply_t *out;
    dx_arena_t ar;
    dx_module_t m;
    dx_x64_t x;
    uint8_t *ids;           /* per function import: its DOGMA_IMP_* */
    int32_t main_fn;        /* the export _start */
    uint64_t mem_min, mem_max;
    layout_t l;
    uint8_t *code, *data, *mem;
    uint32_t hc, hd, hm;    /* their regions */
    dx_vc_t vc;             /* the proofs' verdicts */
} load_t;

/* The proofs (spec/safety.md section 9): the proof section decoded (a
 * malformed one is refused), then the verifier's first pass over every
 * function; there is no solver here (none.c), so a claim the first pass
 * does not settle leaves the annotations unused, and an access it does
 * not prove keeps its check. A refuted annotation refuses the module. On
 * success opts asks for strategy proved with the verdicts; if the
 * verifier runs out of memory, the module is translated checked. */
static bool prove(load_t *ld, dx_x64_opts_t *opts)
{
    const dx_module_t *m = &ld->m;
    vd_reply_t *out = ld->out;
    dx_proof_t proof;
    dx_error_t err;
    if (!dx_proof_decode(m, NULL, 0, &ld->ar, &proof, &err)) {
        dx_err_render(&err, ld->job->name, out->text, sizeof out->text);
        out->status = VD_REJECTED;
        return false;
    }
    if (!dx_vc_module(m, &proof, NULL, &ld->ar, &ld->vc, &err))
        return true; /* out of memory for the proofs: everything checked */
    if (ld->vc.refuted) {
        dx_vc_render_refutation(&ld->vc, ld->job->name, out->text, sizeof out->text);
        out->status = VD_REJECTED;
        return false;
    }
    *opts = (dx_x64_opts_t){.strategy = DX_STRATEGY_PROVED, .proved = dx_vc_proved,
                            .range = dx_vc_range, .proved_ctx = &ld->vc};
    return true;
}

/* Copy, decode and validate, bind the imports, prove, translate. false:
 * refused (out says why). */
static bool check(load_t *ld, uint64_t t0)
{
    const vd_job_t *job = ld->job;
    vd_reply_t *out = ld->out;
    if (job->size > VD_MODULE_MAX) {
        reject(out, "the module is %zu bytes; the loader takes at most %u", job->size,
               VD_MODULE_MAX);
        return false;
    }
    /* Everything from here reads verifierd's own copy: the client may
     * still write the region the module came in (a shared read-write
     * one, say), and what was checked must be what is used. */
    heap_used = 0;
    uint8_t *bytes = heap_alloc(NULL, job->size ? job->size : 1);
    if (!bytes) {
        out->status = -DOGMA_E_NO_MEMORY;
        return false;
    }
    memcpy(bytes, job->bytes, job->size);
    out->hash = fnv1a(bytes, job->size);
    dx_arena_init(&ld->ar, (dx_allocator_t){heap_alloc, heap_free, NULL});
    dx_arena_seed(&ld->ar, out->hash, t0);
    dx_error_t err;
    /* decoded and every body validated: the verifier walks the bodies */
    if (!dx_module_load(bytes, job->size, &ld->ar, &ld->m, &err)) {
        dx_err_render(&err, job->name, out->text, sizeof out->text);
        out->status = VD_REJECTED;
        return false;
    }
    const dx_module_t *m = &ld->m;
    ld->ids = dx_arena_alloc(&ld->ar, m->nfunc_imports + 1);
    if (!ld->ids) {
        out->status = -DOGMA_E_NO_MEMORY;
        return false;
    }
    if (!bind_imports(m, ld->ids, out) || (ld->main_fn = export_start(m, out)) < 0 ||
        (job->run && !check_caps(m, job, out)))
        return false;
    if (m->nmemories && m->memories[0].imported) {
        reject(out, "the memory must be defined, not imported");
        return false;
    }
    dx_x64_opts_t opts = {.strategy = DX_STRATEGY_CHECKED};
    if (!prove(ld, &opts))
        return false;
    if (!dx_x64_translate(m, &opts, &ld->ar, &ld->x, &err)) {
        dx_err_render(&err, job->name, out->text, sizeof out->text);
        out->status = err.code == DX_E_TOO_LARGE ? -DOGMA_E_NO_MEMORY : VD_REJECTED;
        return false;
    }
    /* Memory 0: reserved at its maximum, or the loader's default. */
    if (m->nmemories) {
        const dx_limits_t *ml = &m->memories[0].limits;
        ld->mem_min = ml->min << 16;
        ld->mem_max = ml->has_max ? ml->max << 16 : MEM_MAX_DEFAULT;
        if (ld->mem_max > MEM_MAX_DEFAULT)
            ld->mem_max = MEM_MAX_DEFAULT > ld->mem_min ? MEM_MAX_DEFAULT : ld->mem_min;
        if (ld->mem_min > MEM_MAX_DEFAULT) {
            reject(out, "the memory's initial size (%lu MiB) is over the loader's limit of %llu "
                   "MiB", ld->mem_min >> 20, MEM_MAX_DEFAULT >> 20);
            return false;
        }
    }
    return true;
}

/* The new process's regions filled in: the runtime and the translated
 * code, the translation block's header and the runtime's words, the
 * function references, the runtime's state, the start block. */
static void fill(load_t *ld, uint64_t code_off)
{
    const dx_module_t *m = &ld->m;
    const dx_x64_t *x = &ld->x;
    const layout_t *l = &ld->l;
    uint8_t *code = ld->code, *data = ld->data, *tcode = code + code_off;
    memcpy(code, vd_rt_image, (size_t)(vd_rt_image_end - vd_rt_image));
    memcpy(tcode, x->code, x->size);
    const uint32_t *hdr = (const uint32_t *)(const void *)vd_rt_image;
    uint64_t *w = (uint64_t *)(void *)data;
    w[DX_PB_MEM_SIZE / 8] = ld->mem_min;
    w[DX_PB_MEM_BASE / 8] = (uint64_t)(uintptr_t)ld->mem;
    w[DX_PB_HOSTCALL / 8] = (uint64_t)(uintptr_t)(code + hdr[VRT_HDR_HOSTCALL / 4]);
    w[DX_PB_MORESTACK / 8] = (uint64_t)(uintptr_t)(code + hdr[VRT_HDR_MORESTACK / 4]);
    w[DX_PB_YIELD / 8] = (uint64_t)(uintptr_t)(code + hdr[VRT_HDR_YIELD / 4]);
    w[DX_PB_FUNCS / 8] = (uint64_t)(uintptr_t)(data + l->funcs);
    w[VRT_PB_STATE / 8] = (uint64_t)(uintptr_t)(data + l->vrt);
    w[VRT_PB_RT_STACK / 8] = (uint64_t)(uintptr_t)(data + l->size);
    dx_x64_funcref_t *fr = (dx_x64_funcref_t *)(void *)(data + l->funcs);
    for (uint32_t f = 0; f < m->nfuncs; f++)
        fr[f] = (dx_x64_funcref_t){dx_x64_type_tag(m, m->funcs[f].type),
                                   (uint64_t)(uintptr_t)(tcode + x->func_code[f])};
    memcpy(data + l->ids, ld->ids, m->nfunc_imports);
    start_block(data + l->start, ld->job);
    vrt_t *st = (vrt_t *)(void *)(data + l->vrt);
    *st = (vrt_t){
        .magic = VRT_MAGIC,
        .code = (uint64_t)(uintptr_t)tcode,
        .mem_max = ld->mem_max,
        .start_adapter = m->has_start && x->func_adapter[m->start] != DX_X64_NONE
                             ? (uint64_t)(uintptr_t)(tcode + x->func_adapter[m->start]) : 0,
        .main_adapter = (uint64_t)(uintptr_t)(tcode + x->func_adapter[ld->main_fn]),
        .xfer = x->layout.xfer,
        .tables_off = x->layout.tables,
        .nimports = m->nfunc_imports,
        .ntables = m->ntables,
        .ndatas = m->ndatas,
        .nelems = m->nelems,
        .imports = (uint64_t)(uintptr_t)(data + l->ids),
        .tables = (uint64_t)(uintptr_t)(data + l->tables),
        .datas = (uint64_t)(uintptr_t)(data + l->datas),
        .elems = (uint64_t)(uintptr_t)(data + l->segs),
        .start_block = (uint64_t)(uintptr_t)(data + l->start),
        .start_size = start_size(ld->job),
    };
}

/* Asks the kernel to start it; the process handle, or 0 (out says why). */
static uint32_t start(load_t *ld)
{
    const vd_job_t *job = ld->job;
    uint32_t grants[2 + VD_MAX_GRANTS] = {ld->hd, ld->hm};
    for (uint32_t i = 0; i < job->ngrants; i++)
        grants[2 + i] = job->grants[i].handle;
    dogma_map_code_t desc = {
        .grants = (uint64_t)(uintptr_t)grants,
        .ngrants = 2 + job->ngrants,
        .flags = job->flags & VD_F_INIT ? DOGMA_MAP_INIT : 0,
        .arg = (uint64_t)(uintptr_t)ld->data,
        .xblock = (uint64_t)(uintptr_t)ld->data,
    };
    strlcpy(desc.name, job->name, sizeof desc.name);
    const uint32_t *hdr = (const uint32_t *)(const void *)vd_rt_image;
    vsys_t r = VS4(DOGMA_SYS_proc_map_code, loader, ld->hc, hdr[VRT_HDR_START / 4], &desc);
    if (r.r < 0) {
        ld->out->status = (int32_t)r.r;
        vd_snprintf(ld->out->text, sizeof ld->out->text,
                    "the kernel refused to start it (error %ld)", -r.r);
        return 0;
    }
    ld->out->pid = (uint32_t)r.r1;
    return (uint32_t)r.r;
}

void vd_load(const vd_job_t *job, vd_reply_t *out, uint32_t *out_proc)
{
    uint64_t t0 = now_ns();
    memset(out, 0, sizeof *out);
    *out_proc = 0;
    out->module_bytes = (uint32_t)job->size;
    static load_t ld; /* big; one load at a time */
    memset(&ld, 0, sizeof ld);
    ld.job = job, ld.out = out;
    if (!check(&ld, t0))
        return;
    const dx_module_t *m = &ld.m;
    uint64_t code_off = ALIGN16((uint64_t)(vd_rt_image_end - vd_rt_image));
    out->code_bytes = (uint32_t)(code_off + ld.x.size);
    out->functions = m->nfuncs - m->nfunc_imports;
    out->accesses = (uint32_t)(ld.x.stats.acc_checked + ld.x.stats.acc_guarded +
                               ld.x.stats.acc_proved);
    out->proved = (uint32_t)ld.x.stats.acc_proved;
    plan(m, &ld.x, job, &ld.l);
    if (!job->run) {
        out->time_us = (uint32_t)((now_ns() - t0) / 1000);
        vd_snprintf(out->text, sizeof out->text, "valid: %u functions, %u imports, %u bytes of "
                    "code, %u memory accesses (%u proved, the rest checked at run time); asks "
                    "for %u capabilities", out->functions, m->nfunc_imports, out->code_bytes,
                    out->accesses, out->proved, m->abi.ncaps);
        return;
    }
    ld.hc = region(code_off + ld.x.size, &ld.code);
    ld.hd = region(ld.l.size, &ld.data);
    ld.hm = region(ld.mem_max, &ld.mem);
    inst_t in = {m, ld.data, ld.mem, ld.mem_min, &ld.l};
    bool ok = ld.hc && ld.hd && ld.hm;
    if (!ok) {
        out->status = -DOGMA_E_NO_MEMORY;
        vd_snprintf(out->text, sizeof out->text, "out of memory for the new process");
    } else if ((ok = instantiate(&in, &ld.x, job, out))) {
        fill(&ld, code_off);
        ok = (*out_proc = start(&ld)) != 0;
    }
    out->time_us = (uint32_t)((now_ns() - t0) / 1000);
    if (!ok) {
        dispose(ld.hc), dispose(ld.hd), dispose(ld.hm);
        return;
    }
    vd_snprintf(out->text, sizeof out->text, "started as pid %u: %u functions, %u bytes of code",
                out->pid, out->functions, out->code_bytes);
}
