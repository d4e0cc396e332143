/*
 * The module decoder: sections, in order, into a dx_module_t (WebAssembly
 * 2.0, chapter 5), with the module-level validation rules of section 3.4
 * checked as each entry is read, so among the sections the first error
 * found is the first in byte order. Function bodies are only delimited
 * here; validate.c checks them afterwards (spec/format.md section 2).
 *
 * Hostile input: every vector count is checked against the bytes left in
 * its section (dx_rd_count) and against its DX_MAX_* limit before anything
 * is allocated for it; index spaces are allocated once their sizes are
 * known from bytes already read. So memory is at most a constant times the
 * module's size, and every loop runs at most once per byte read.
 */
#include "code.h"
#include "hash.h"

#define DX_NSECTIONS 13

/* Order of the non-custom sections (5.5.2): the data count section (12)
 * sits between element (9) and code (10). */
static const uint8_t section_rank[DX_NSECTIONS] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10,
};

typedef struct import_desc {
    uint32_t type;        /* func */
    dx_table_t table;
    dx_memory_t memory;
    dx_global_t global;
} import_desc_t;

typedef struct dec {
    dx_reader_t r;        /* the current section's payload */
    dx_module_t *m;
    dx_arena_t *ar;
    dx_error_t *err;
    import_desc_t *idesc; /* per import, until the index spaces exist */
    uint32_t nfunc_defined;
    bool have_funcs, have_tables, have_memories, have_globals;
    bool seen_code, seen_data;
    size_t code_count_at; /* offset of the code section's count */
    uint8_t *declared;    /* C.refs, a bit per function */
    uint8_t last_id;      /* last non-custom section */
} dec_t;

static void *alloc_n(dec_t *d, size_t n, size_t size, size_t at)
{
    void *p = dx_arena_alloc(d->ar, n * size + 1);
    if (!p)
        dx_rd_fail(&d->r, DX_E_TOO_LARGE, at, 0, n); /* out of memory */
    return p;
}

static void fail(dec_t *d, dx_err_t code, size_t at, uint64_t exp, uint64_t act)
{
    dx_rd_fail(&d->r, code, at, exp, act);
}

/* A count checked against what remains and against a limit. */
static uint32_t rd_vec(dec_t *d, size_t min_size, uint32_t limit,
                       dx_err_t limit_err, uint32_t already)
{
    size_t at = d->r.pos;
    uint32_t n = dx_rd_count(&d->r, min_size);
    if (!d->r.failed && (uint64_t)n + already > limit)
        fail(d, limit_err, at, limit, (uint64_t)n + already);
    return d->r.failed ? 0 : n;
}

/* ---- types ------------------------------------------------------------------ */

static bool valid_valtype(uint8_t b)
{
    return (b >= DX_T_F64 && b <= DX_T_I32) || b == DX_T_FUNCREF ||
           b == DX_T_EXTERNREF;
}

static dx_valtype_t rd_valtype(dec_t *d)
{
    size_t at = d->r.pos;
    uint8_t b = dx_rd_u8(&d->r);
    if (d->r.failed)
        return 0;
    if (b == DX_T_V128)
        fail(d, DX_E_SIMD, at, 0, b);
    else if (!valid_valtype(b))
        fail(d, DX_E_VALTYPE, at, 0, b);
    return b;
}

static dx_valtype_t rd_reftype(dec_t *d)
{
    size_t at = d->r.pos;
    uint8_t b = dx_rd_u8(&d->r);
    if (!d->r.failed && b != DX_T_FUNCREF && b != DX_T_EXTERNREF)
        fail(d, DX_E_REFTYPE, at, 0, b);
    return b;
}

/* A result type: count, then that many value types, which stay in the
 * module's bytes. */
static const dx_valtype_t *rd_result_type(dec_t *d, uint32_t limit,
                                          dx_err_t limit_err, uint32_t *out_n)
{
    uint32_t n = rd_vec(d, 1, limit, limit_err, 0);
    const dx_valtype_t *p = d->r.bytes + d->r.pos;
    for (uint32_t i = 0; i < n && !d->r.failed; i++)
        rd_valtype(d);
    *out_n = n;
    return p;
}

/* Canonical ids for result types: 0 is [], 1..6 the single value types,
 * then one per distinct sequence in the type section. Block types and
 * function types with equal sequences get equal ids, so the validator
 * compares label types in constant time. */
static const dx_valtype_t singles[] = {DX_T_I32, DX_T_I64, DX_T_F32,
                                       DX_T_F64, DX_T_FUNCREF, DX_T_EXTERNREF};

uint32_t dx_canon_single(dx_valtype_t t)
{
    for (uint32_t i = 0; i < 6; i++)
        if (singles[i] == t)
            return i + 1;
    return 0;
}

typedef struct canon_slot {
    const dx_valtype_t *p;
    uint32_t n, id; /* id 0 marks an empty slot, so ids here are id + 1 */
} canon_slot_t;

static uint32_t canon_id(const dec_t *d, canon_slot_t *tab, uint32_t mask,
                         uint32_t *next, const dx_valtype_t *p, uint32_t n)
{
    if (n == 0)
        return 0;
    if (n == 1)
        return dx_canon_single(p[0]);
    /* Keyed: the module cannot aim its sequences at one bucket. */
    for (uint32_t h = (uint32_t)dx_hash(d->ar, p, n) & mask;; h = (h + 1) & mask) {
        canon_slot_t *s = &tab[h];
        if (!s->id) {
            s->p = p, s->n = n, s->id = ++*next;
            return s->id - 1 + 7;
        }
        if (s->n == n && !__builtin_memcmp(s->p, p, n))
            return s->id - 1 + 7;
    }
}

static void intern_types(dec_t *d)
{
    dx_module_t *m = d->m;
    uint32_t size = 16;
    while (size < 4 * (uint64_t)m->ntypes) /* two sequences per type */
        size *= 2;
    canon_slot_t *tab = alloc_n(d, size, sizeof *tab, d->r.pos);
    if (!tab)
        return;
    uint32_t next = 0;
    for (uint32_t i = 0; i < m->ntypes; i++) {
        dx_functype_t *t = &m->types[i];
        t->params_id = canon_id(d, tab, size - 1, &next, t->params, t->nparams);
        t->results_id = canon_id(d, tab, size - 1, &next, t->results, t->nresults);
    }
    m->ncanon = 7 + next;
}

static void sec_type(dec_t *d)
{
    dx_module_t *m = d->m;
    uint32_t n = rd_vec(d, 3, DX_MAX_TYPES, DX_E_LIMIT_TYPES, 0);
    m->types = alloc_n(d, n, sizeof *m->types, d->r.pos);
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        dx_functype_t *t = &m->types[i];
        size_t at = d->r.pos;
        uint8_t form = dx_rd_u8(&d->r);
        if (!d->r.failed && form != 0x60) {
            fail(d, DX_E_TYPE_FORM, at, 0x60, form);
            break;
        }
        t->params = rd_result_type(d, DX_MAX_PARAMS, DX_E_LIMIT_PARAMS, &t->nparams);
        t->results = rd_result_type(d, DX_MAX_RESULTS, DX_E_LIMIT_RESULTS, &t->nresults);
    }
    if (d->r.failed)
        return;
    m->ntypes = n;
    intern_types(d);
}

/* ---- limits, tables, memories, globals --------------------------------------- */

/* limits (5.3.7): 0x00 min or 0x01 min max. Flags 2 and 3 (shared memory,
 * threads) and 4..7 (64-bit memories) are proposals Dogma does not accept. */
static dx_limits_t rd_limits(dec_t *d)
{
    dx_limits_t l = {0, 0, false};
    size_t at = d->r.pos;
    uint8_t flags = dx_rd_u8(&d->r);
    if (!d->r.failed && flags > 1)
        fail(d, DX_E_LIMITS_FLAGS, at, 1, flags);
    l.min = dx_rd_u32(&d->r);
    if (flags == 1) {
        l.has_max = true;
        l.max = dx_rd_u32(&d->r);
    }
    return l;
}

static void check_table_type(dec_t *d, const dx_table_t *t, size_t at)
{
    const dx_limits_t *l = &t->limits;
    if (l->has_max && l->min > l->max)
        fail(d, DX_E_LIMITS_MIN_MAX, at, l->max, l->min);
    else if (l->min > DX_MAX_TABLE_SIZE)
        fail(d, DX_E_LIMIT_TABLE_SIZE, at, DX_MAX_TABLE_SIZE, l->min);
}

static void check_memory_type(dec_t *d, const dx_memory_t *mem, size_t at)
{
    const dx_limits_t *l = &mem->limits;
    if (l->min > DX_MAX_MEMORY_PAGES)
        fail(d, DX_E_MEMORY_PAGES, at, DX_MAX_MEMORY_PAGES, l->min);
    else if (l->has_max && l->max > DX_MAX_MEMORY_PAGES)
        fail(d, DX_E_MEMORY_PAGES, at, DX_MAX_MEMORY_PAGES, l->max);
    else if (l->has_max && l->min > l->max)
        fail(d, DX_E_LIMITS_MIN_MAX, at, l->max, l->min);
}

static dx_table_t rd_table_type(dec_t *d)
{
    dx_table_t t = {0};
    size_t at = d->r.pos;
    t.elem = rd_reftype(d);
    t.limits = rd_limits(d);
    if (!d->r.failed)
        check_table_type(d, &t, at);
    return t;
}

static dx_memory_t rd_memory_type(dec_t *d)
{
    dx_memory_t mem = {0};
    size_t at = d->r.pos;
    mem.limits = rd_limits(d);
    if (!d->r.failed)
        check_memory_type(d, &mem, at);
    return mem;
}

static dx_global_t rd_global_type(dec_t *d)
{
    dx_global_t g = {0};
    g.type = rd_valtype(d);
    size_t at = d->r.pos;
    uint8_t mut = dx_rd_u8(&d->r);
    if (!d->r.failed && mut > 1)
        fail(d, DX_E_MUTABILITY, at, 1, mut);
    g.mutable_ = mut == 1;
    return g;
}

/* ---- imports and the index spaces ------------------------------------------ */

static void sec_import(dec_t *d)
{
    dx_module_t *m = d->m;
    uint32_t n = rd_vec(d, 4, DX_MAX_IMPORTS, DX_E_LIMIT_IMPORTS, 0);
    m->imports = alloc_n(d, n, sizeof *m->imports, d->r.pos);
    d->idesc = alloc_n(d, n, sizeof *d->idesc, d->r.pos);
    uint32_t count[4] = {0, 0, 0, 0};
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        dx_import_t *im = &m->imports[i];
        import_desc_t *id = &d->idesc[i];
        im->offset = d->r.pos;
        im->module = dx_rd_name(&d->r);
        im->field = dx_rd_name(&d->r);
        size_t at = d->r.pos;
        uint8_t kind = dx_rd_u8(&d->r);
        if (d->r.failed)
            break;
        size_t desc_at = d->r.pos;
        switch (kind) {
        case DX_EXT_FUNC:
            id->type = dx_rd_u32(&d->r);
            if (!d->r.failed && id->type >= m->ntypes)
                fail(d, DX_E_UNKNOWN_TYPE, desc_at, m->ntypes, id->type);
            break;
        case DX_EXT_TABLE: id->table = rd_table_type(d); break;
        case DX_EXT_MEMORY:
            id->memory = rd_memory_type(d);
            if (!d->r.failed && count[DX_EXT_MEMORY] >= 1)
                fail(d, DX_E_MULTIPLE_MEMORIES, at, 1, count[DX_EXT_MEMORY] + 1);
            break;
        case DX_EXT_GLOBAL: id->global = rd_global_type(d); break;
        default: fail(d, DX_E_IMPORT_KIND, at, 0, kind); break;
        }
        if (d->r.failed)
            break;
        im->kind = (dx_extkind_t)kind;
        im->index = count[kind]++;
    }
    if (d->r.failed)
        return;
    m->nimports = n;
    m->nfunc_imports = count[DX_EXT_FUNC];
    m->ntable_imports = count[DX_EXT_TABLE];
    m->nmemory_imports = count[DX_EXT_MEMORY];
    m->nglobal_imports = count[DX_EXT_GLOBAL];
    if (m->nfunc_imports > DX_MAX_FUNCS)
        fail(d, DX_E_LIMIT_FUNCS, d->r.pos, DX_MAX_FUNCS, m->nfunc_imports);
}

/* Builds the index space of one kind: its imports, then ndefined entries
 * for its own section to fill. */
static void build_space(dec_t *d, dx_extkind_t kind, uint32_t ndefined)
{
    dx_module_t *m = d->m;
    uint32_t nimp;
    size_t size;
    void **arr;
    uint32_t *total;
    switch (kind) {
    case DX_EXT_FUNC:
        nimp = m->nfunc_imports, size = sizeof(dx_func_t);
        arr = (void **)&m->funcs, total = &m->nfuncs, d->have_funcs = true;
        break;
    case DX_EXT_TABLE:
        nimp = m->ntable_imports, size = sizeof(dx_table_t);
        arr = (void **)&m->tables, total = &m->ntables, d->have_tables = true;
        break;
    case DX_EXT_MEMORY:
        nimp = m->nmemory_imports, size = sizeof(dx_memory_t);
        arr = (void **)&m->memories, total = &m->nmemories;
        d->have_memories = true;
        break;
    default:
        nimp = m->nglobal_imports, size = sizeof(dx_global_t);
        arr = (void **)&m->globals, total = &m->nglobals;
        d->have_globals = true;
        break;
    }
    *arr = alloc_n(d, (size_t)nimp + ndefined, size, d->r.pos);
    if (!*arr)
        return;
    *total = nimp + ndefined;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const dx_import_t *im = &m->imports[i];
        const import_desc_t *id = &d->idesc[i];
        if (im->kind != kind)
            continue;
        switch (kind) {
        case DX_EXT_FUNC:
            m->funcs[im->index].type = id->type;
            m->funcs[im->index].imported = true;
            break;
        case DX_EXT_TABLE:
            m->tables[im->index] = id->table;
            m->tables[im->index].imported = true;
            break;
        case DX_EXT_MEMORY:
            m->memories[im->index] = id->memory;
            m->memories[im->index].imported = true;
            break;
        case DX_EXT_GLOBAL:
            m->globals[im->index] = id->global;
            m->globals[im->index].imported = true;
            break;
        }
    }
    if (kind == DX_EXT_FUNC) {
        d->declared = alloc_n(d, (*total + 7) / 8, 1, d->r.pos);
        m->declared = d->declared;
    }
}

/* Before a section of rank `rank`, the index spaces whose own sections
 * come earlier must exist, even if those sections were absent. */
static void ensure_spaces(dec_t *d, uint8_t rank)
{
    if (rank > section_rank[3] && !d->have_funcs && !d->r.failed)
        build_space(d, DX_EXT_FUNC, 0);
    if (rank > section_rank[4] && !d->have_tables && !d->r.failed)
        build_space(d, DX_EXT_TABLE, 0);
    if (rank > section_rank[5] && !d->have_memories && !d->r.failed)
        build_space(d, DX_EXT_MEMORY, 0);
    if (rank > section_rank[6] && !d->have_globals && !d->r.failed)
        build_space(d, DX_EXT_GLOBAL, 0);
}

static void sec_function(dec_t *d)
{
    dx_module_t *m = d->m;
    uint32_t n = rd_vec(d, 1, DX_MAX_FUNCS, DX_E_LIMIT_FUNCS, m->nfunc_imports);
    if (d->r.failed)
        return;
    build_space(d, DX_EXT_FUNC, n);
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        size_t at = d->r.pos;
        uint32_t t = dx_rd_u32(&d->r);
        if (!d->r.failed && t >= m->ntypes)
            fail(d, DX_E_UNKNOWN_TYPE, at, m->ntypes, t);
        m->funcs[m->nfunc_imports + i].type = t;
    }
    d->nfunc_defined = n;
}

static void sec_table(dec_t *d)
{
    dx_module_t *m = d->m;
    uint32_t n = rd_vec(d, 3, DX_MAX_TABLES, DX_E_LIMIT_TABLES, m->ntable_imports);
    if (d->r.failed)
        return;
    build_space(d, DX_EXT_TABLE, n);
    for (uint32_t i = 0; i < n && !d->r.failed; i++)
        m->tables[m->ntable_imports + i] = rd_table_type(d);
}

static void sec_memory(dec_t *d)
{
    dx_module_t *m = d->m;
    size_t at = d->r.pos;
    uint32_t n = dx_rd_count(&d->r, 2);
    if (d->r.failed)
        return;
    /* WebAssembly 2.0 allows one memory (3.4.10, multi-memory is a
     * later proposal). */
    if ((uint64_t)n + m->nmemory_imports > 1) {
        fail(d, DX_E_MULTIPLE_MEMORIES, at, 1, (uint64_t)n + m->nmemory_imports);
        return;
    }
    build_space(d, DX_EXT_MEMORY, n);
    for (uint32_t i = 0; i < n && !d->r.failed; i++)
        m->memories[m->nmemory_imports + i] = rd_memory_type(d);
}

static void sec_global(dec_t *d)
{
    dx_module_t *m = d->m;
    uint32_t n = rd_vec(d, 3, DX_MAX_GLOBALS, DX_E_LIMIT_GLOBALS, m->nglobal_imports);
    if (d->r.failed)
        return;
    build_space(d, DX_EXT_GLOBAL, n);
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        dx_global_t *g = &m->globals[m->nglobal_imports + i];
        *g = rd_global_type(d);
        g->init.off = d->r.pos;
        /* Initializers see only imported globals (3.4.9, the context C'). */
        dx_const_expr(&d->r, m, m->nglobal_imports, g->type, d->declared);
        g->init.len = d->r.pos - g->init.off;
    }
}

/* ---- signatures and names for the binders (module.h) -------------------------- */
static bool types_are(const dx_valtype_t *v, uint32_t n, const char *letters)
{
    uint32_t i = 0;
    for (; i < n && letters[i]; i++) {
        dx_valtype_t want = letters[i] == 'i' ? DX_T_I32 : letters[i] == 'I' ? DX_T_I64
                          : letters[i] == 'f' ? DX_T_F32 : letters[i] == 'F' ? DX_T_F64 : 0;
        if (v[i] != want)
            return false;
    }
    return i == n && !letters[i];
}

bool dx_functype_is(const dx_functype_t *t, const char *params, const char *results)
{
    return types_are(t->params, t->nparams, params) &&
           types_are(t->results, t->nresults, results);
}

bool dx_name_is(dx_name_t n, const char *s)
{
    uint32_t i = 0;
    for (; i < n.len && s[i]; i++)
        if (n.ptr[i] != s[i])
            return false;
    return i == n.len && !s[i];
}

void dx_block_sig(const dx_module_t *m, int64_t bt, uint32_t *nparams,
                  const dx_valtype_t **params, uint32_t *nresults, const dx_valtype_t **results)
{
    static const dx_valtype_t one[] = {DX_T_I32, DX_T_I64, DX_T_F32, DX_T_F64,
                                       DX_T_FUNCREF, DX_T_EXTERNREF};
    *nparams = *nresults = 0;
    *params = *results = NULL;
    if (bt >= 0 && (uint64_t)bt < m->ntypes) {
        const dx_functype_t *t = &m->types[bt];
        *nparams = t->nparams, *params = t->params;
        *nresults = t->nresults, *results = t->results;
        return;
    }
    for (size_t i = 0; bt < 0 && bt != -64 && i < sizeof one / sizeof one[0]; i++)
        if ((dx_valtype_t)(bt & 0x7f) == one[i])
            *nresults = 1, *results = &one[i];
}

/* ---- exports and start ------------------------------------------------------- */

static bool name_eq(dx_name_t a, dx_name_t b)
{
    return a.len == b.len && !__builtin_memcmp(a.ptr, b.ptr, a.len);
}

static uint32_t space_size(const dx_module_t *m, uint8_t kind)
{
    switch (kind) {
    case DX_EXT_FUNC: return m->nfuncs;
    case DX_EXT_TABLE: return m->ntables;
    case DX_EXT_MEMORY: return m->nmemories;
    default: return m->nglobals;
    }
}

static const dx_err_t unknown_err[4] = {
    DX_E_UNKNOWN_FUNC, DX_E_UNKNOWN_TABLE, DX_E_UNKNOWN_MEMORY, DX_E_UNKNOWN_GLOBAL,
};

static void sec_export(dec_t *d)
{
    dx_module_t *m = d->m;
    uint32_t n = rd_vec(d, 3, DX_MAX_EXPORTS, DX_E_LIMIT_EXPORTS, 0);
    m->exports = alloc_n(d, n, sizeof *m->exports, d->r.pos);
    uint32_t size = 16;
    while (size < 2 * (uint64_t)n)
        size *= 2;
    uint32_t *seen = alloc_n(d, size, sizeof *seen, d->r.pos); /* index + 1 */
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        dx_export_t *ex = &m->exports[i];
        ex->offset = d->r.pos;
        ex->name = dx_rd_name(&d->r);
        size_t at = d->r.pos;
        uint8_t kind = dx_rd_u8(&d->r);
        if (!d->r.failed && kind > DX_EXT_GLOBAL) {
            fail(d, DX_E_EXPORT_KIND, at, 0, kind);
            break;
        }
        size_t idx_at = d->r.pos;
        ex->index = dx_rd_u32(&d->r);
        ex->kind = (dx_extkind_t)kind;
        if (d->r.failed)
            break;
        if (ex->index >= space_size(m, kind)) {
            fail(d, unknown_err[kind], idx_at, space_size(m, kind), ex->index);
            break;
        }
        if (kind == DX_EXT_FUNC)
            d->declared[ex->index / 8] |= (uint8_t)(1u << ex->index % 8);
        /* Export names are unique (3.4.10): one probe chain per name, in a
         * table at most half full, with a hash the module cannot aim. */
        uint32_t h0 = (uint32_t)dx_hash(d->ar, ex->name.ptr, ex->name.len);
        for (uint32_t h = h0 & (size - 1);; h = (h + 1) & (size - 1)) {
            if (!seen[h]) {
                seen[h] = i + 1;
                break;
            }
            if (name_eq(m->exports[seen[h] - 1].name, ex->name)) {
                fail(d, DX_E_DUPLICATE_EXPORT, ex->offset, 0, 0);
                break;
            }
        }
    }
    if (!d->r.failed)
        m->nexports = n;
}

static void sec_start(dec_t *d)
{
    dx_module_t *m = d->m;
    size_t at = d->r.pos;
    uint32_t f = dx_rd_u32(&d->r);
    if (d->r.failed)
        return;
    if (f >= m->nfuncs) {
        fail(d, DX_E_UNKNOWN_FUNC, at, m->nfuncs, f);
        return;
    }
    const dx_functype_t *t = dx_func_type(m, f);
    if (t->nparams || t->nresults) {
        fail(d, DX_E_START_TYPE, at, 0, 0);
        return;
    }
    m->has_start = true;
    m->start = f;
}

/* ---- element segments (5.5.12) --------------------------------------------- */

static void rd_elem_entries(dec_t *d, dx_elem_t *e)
{
    dx_module_t *m = d->m;
    size_t at = d->r.pos;
    uint32_t n = dx_rd_count(&d->r, e->exprs ? 2 : 1);
    if (!d->r.failed && n > DX_MAX_ELEM_SIZE)
        fail(d, DX_E_LIMIT_ELEM_SIZE, at, DX_MAX_ELEM_SIZE, n);
    e->count = n;
    e->entries.off = d->r.pos;
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        if (e->exprs) {
            dx_const_expr(&d->r, m, m->nglobal_imports, e->type, d->declared);
            continue;
        }
        size_t fat = d->r.pos;
        uint32_t f = dx_rd_u32(&d->r);
        if (d->r.failed)
            break;
        if (f >= m->nfuncs)
            fail(d, DX_E_UNKNOWN_FUNC, fat, m->nfuncs, f);
        else
            d->declared[f / 8] |= (uint8_t)(1u << f % 8);
    }
    e->entries.len = d->r.pos - e->entries.off;
}

static void rd_elem(dec_t *d, dx_elem_t *e)
{
    dx_module_t *m = d->m;
    e->offset = d->r.pos;
    uint32_t flags = dx_rd_u32(&d->r);
    if (d->r.failed)
        return;
    if (flags > 7) {
        fail(d, DX_E_ELEM_KIND, e->offset, 7, flags);
        return;
    }
    e->flags = flags;
    /* bit 0: passive or declarative; bit 1: explicit table index (active)
     * or declarative (otherwise); bit 2: entries are expressions. */
    e->mode = !(flags & 1) ? DX_SEG_ACTIVE
              : (flags & 2) ? DX_SEG_DECLARATIVE : DX_SEG_PASSIVE;
    e->exprs = flags & 4;
    e->type = DX_T_FUNCREF;
    if (e->mode == DX_SEG_ACTIVE) {
        size_t tat = d->r.pos;
        e->table = (flags & 2) ? dx_rd_u32(&d->r) : 0;
        if (!d->r.failed && e->table >= m->ntables) {
            fail(d, DX_E_UNKNOWN_TABLE, tat, m->ntables, e->table);
            return;
        }
        e->offset_expr.off = d->r.pos;
        dx_const_expr(&d->r, m, m->nglobal_imports, DX_T_I32, d->declared);
        e->offset_expr.len = d->r.pos - e->offset_expr.off;
    }
    if (flags & 3) { /* an explicit element kind or reference type */
        size_t kat = d->r.pos;
        if (e->exprs) {
            e->type = rd_reftype(d);
        } else {
            uint8_t k = dx_rd_u8(&d->r);
            if (!d->r.failed && k != 0)
                fail(d, DX_E_ELEMKIND_BYTE, kat, 0, k);
        }
    }
    if (d->r.failed)
        return;
    if (e->mode == DX_SEG_ACTIVE && m->tables[e->table].elem != e->type) {
        fail(d, DX_E_TYPE_MISMATCH, e->offset, m->tables[e->table].elem, e->type);
        return;
    }
    rd_elem_entries(d, e);
}

static void sec_elem(dec_t *d)
{
    dx_module_t *m = d->m;
    uint32_t n = rd_vec(d, 3, DX_MAX_ELEMS, DX_E_LIMIT_ELEMS, 0);
    m->elems = alloc_n(d, n, sizeof *m->elems, d->r.pos);
    for (uint32_t i = 0; i < n && !d->r.failed; i++)
        rd_elem(d, &m->elems[i]);
    if (!d->r.failed)
        m->nelems = n;
}

static void sec_datacount(dec_t *d)
{
    d->m->datacount = dx_rd_u32(&d->r);
    d->m->has_datacount = !d->r.failed;
}

/* ---- code and data ------------------------------------------------------------ */

/* Local declarations (5.5.13): runs of (count, type). The total, with the
 * parameters, is bounded by DX_MAX_LOCALS; runs are kept as they are, not
 * expanded, so a body of a few bytes cannot cost 50,000 entries. */
static void rd_locals(dec_t *d, dx_func_t *f)
{
    const dx_functype_t *t = &d->m->types[f->type];
    uint32_t nruns = dx_rd_count(&d->r, 2);
    dx_local_run_t *runs = alloc_n(d, nruns, sizeof *runs, d->r.pos);
    uint64_t total = t->nparams;
    for (uint32_t i = 0; i < nruns && !d->r.failed; i++) {
        size_t at = d->r.pos;
        uint32_t c = dx_rd_u32(&d->r);
        if (d->r.failed)
            break;
        total += c;
        if (total > DX_MAX_LOCALS) {
            fail(d, DX_E_TOO_MANY_LOCALS, at, DX_MAX_LOCALS, total);
            break;
        }
        runs[i].end = (uint32_t)total;
        runs[i].type = rd_valtype(d);
    }
    f->nruns = nruns;
    f->runs = runs;
    f->nlocals = (uint32_t)(total - t->nparams);
}

static void sec_code(dec_t *d)
{
    dx_module_t *m = d->m;
    size_t at = d->r.pos;
    uint32_t n = dx_rd_count(&d->r, 1);
    if (d->r.failed)
        return;
    d->seen_code = true;
    if (n != d->nfunc_defined) {
        fail(d, DX_E_FUNC_CODE_COUNT, at, d->nfunc_defined, n);
        return;
    }
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        dx_func_t *f = &m->funcs[m->nfunc_imports + i];
        size_t sat = d->r.pos;
        uint32_t size = dx_rd_count(&d->r, 1);
        if (d->r.failed)
            break;
        if (size > DX_MAX_BODY_SIZE) {
            fail(d, DX_E_LIMIT_BODY, sat, DX_MAX_BODY_SIZE, size);
            break;
        }
        f->body.off = d->r.pos;
        f->body.len = size;
        /* The local declarations must lie inside the body. */
        size_t outer_end = d->r.end;
        d->r.end = d->r.pos + size;
        rd_locals(d, f);
        f->code = d->r.pos;
        d->r.end = outer_end;
        if (d->r.failed) {
            d->err->func = m->nfunc_imports + i; /* in its local declarations */
            break;
        }
        d->r.pos = f->body.off + size;
    }
}

static void sec_data(dec_t *d)
{
    dx_module_t *m = d->m;
    size_t at = d->r.pos;
    uint32_t n = rd_vec(d, 1, DX_MAX_DATAS, DX_E_LIMIT_DATAS, 0);
    if (d->r.failed)
        return;
    d->seen_data = true;
    if (m->has_datacount && n != m->datacount) {
        fail(d, DX_E_DATA_COUNT, at, m->datacount, n);
        return;
    }
    m->datas = alloc_n(d, n, sizeof *m->datas, d->r.pos);
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        dx_data_t *s = &m->datas[i];
        s->offset = d->r.pos;
        uint32_t flags = dx_rd_u32(&d->r);
        if (d->r.failed)
            break;
        if (flags > 2) {
            fail(d, DX_E_DATA_KIND, s->offset, 2, flags);
            break;
        }
        s->mode = flags == 1 ? DX_SEG_PASSIVE : DX_SEG_ACTIVE;
        if (s->mode == DX_SEG_ACTIVE) {
            size_t mat = d->r.pos;
            s->memory = flags == 2 ? dx_rd_u32(&d->r) : 0;
            if (!d->r.failed && s->memory >= m->nmemories) {
                fail(d, DX_E_UNKNOWN_MEMORY, mat, m->nmemories, s->memory);
                break;
            }
            s->offset_expr.off = d->r.pos;
            dx_const_expr(&d->r, m, m->nglobal_imports, DX_T_I32, d->declared);
            s->offset_expr.len = d->r.pos - s->offset_expr.off;
        }
        uint32_t len = dx_rd_count(&d->r, 1);
        s->bytes.off = d->r.pos;
        s->bytes.len = len;
        dx_rd_skip(&d->r, len);
    }
    if (!d->r.failed)
        m->ndatas = n;
}

/* ---- custom sections -------------------------------------------------------- */

static void sec_custom(dec_t *d, dx_section_t *s)
{
    dx_module_t *m = d->m;
    s->name = dx_rd_name(&d->r);
    if (d->r.failed)
        return;
    s->payload.off = d->r.pos;
    s->payload.len = d->r.end - d->r.pos;
    static const char abi[] = "dogma.abi", proof[] = "dogma.proof";
    dx_name_t abi_n = {abi, sizeof abi - 1}, proof_n = {proof, sizeof proof - 1};
    if (name_eq(s->name, abi_n)) {
        if (m->abi.present) {
            fail(d, DX_E_ABI_DUPLICATE, s->offset, 0, 0);
            return;
        }
        m->abi.offset = s->offset;
        /* A broken encoding inside the section (a bad name, a truncated
         * integer) is the section's fault, not WebAssembly's: it is
         * reported as such, with the underlying rule as its detail. */
        if (!dx_abi_decode(&d->r, d->ar, &m->abi) &&
            dx_err_phase(d->err->code) == DX_PHASE_DECODE) {
            d->err->actual = d->err->code;
            d->err->code = DX_E_ABI_MALFORMED;
        }
    } else if (name_eq(s->name, proof_n)) {
        if (m->has_proof) {
            fail(d, DX_E_ABI_DUPLICATE, s->offset, 0, 0);
            return;
        }
        /* Only the range is kept: dx_proof_decode (proof/proof.c)
         * checks the content once the bodies are valid, since it counts
         * their loops. */
        m->has_proof = true;
        m->proof = s->payload;
    }
    d->r.pos = d->r.end; /* other custom sections are opaque */
}

/* ---- the section loop ------------------------------------------------------- */

static dx_section_t *add_section(dec_t *d, uint32_t *cap, size_t at)
{
    dx_module_t *m = d->m;
    /* Each section costs a record: a bound keeps a module of empty custom
     * sections from costing many times its size. */
    if (m->nsections >= DX_MAX_SECTIONS) {
        fail(d, DX_E_LIMIT_SECTIONS, at, DX_MAX_SECTIONS, m->nsections + 1);
        return 0;
    }
    if (m->nsections == *cap) {
        uint32_t ncap = *cap ? *cap * 2 : 16;
        dx_section_t *s = alloc_n(d, ncap, sizeof *s, d->r.pos);
        if (!s)
            return 0;
        if (m->nsections)
            __builtin_memcpy(s, m->sections, m->nsections * sizeof *s);
        m->sections = s;
        *cap = ncap;
    }
    return &m->sections[m->nsections++];
}

static void decode_section(dec_t *d, dx_section_t *s)
{
    switch (s->id) {
    case 0: sec_custom(d, s); break;
    case 1: sec_type(d); break;
    case 2: sec_import(d); break;
    case 3: sec_function(d); break;
    case 4: sec_table(d); break;
    case 5: sec_memory(d); break;
    case 6: sec_global(d); break;
    case 7: sec_export(d); break;
    case 8: sec_start(d); break;
    case 9: sec_elem(d); break;
    case 10: sec_code(d); break;
    case 11: sec_data(d); break;
    case 12: sec_datacount(d); break;
    }
}

static bool rd_header(dec_t *d)
{
    static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6d};
    for (size_t i = 0; i < 4; i++) {
        if (i >= d->r.end) {
            fail(d, DX_E_UNEXPECTED_END, i, 0, 0);
            return false;
        }
        if (d->r.bytes[i] != magic[i]) {
            fail(d, DX_E_MAGIC, i, magic[i], d->r.bytes[i]);
            return false;
        }
    }
    if (d->r.end < 8) {
        fail(d, DX_E_UNEXPECTED_END, d->r.end, 0, 0);
        return false;
    }
    const uint8_t *v = d->r.bytes + 4;
    uint32_t version = (uint32_t)v[0] | (uint32_t)v[1] << 8 |
                       (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;
    if (version != 1) {
        fail(d, DX_E_VERSION, 4, 1, version);
        return false;
    }
    d->r.pos = 8;
    return true;
}

static bool rd_sections(dec_t *d)
{
    uint32_t cap = 0;
    size_t module_end = d->r.end;
    while (d->r.pos < module_end && !d->r.failed) {
        size_t at = d->r.pos;
        uint8_t id = dx_rd_u8(&d->r);
        size_t size_at = d->r.pos;
        uint32_t size = dx_rd_u32(&d->r);
        if (d->r.failed)
            break;
        if (id >= DX_NSECTIONS) {
            fail(d, DX_E_SECTION_ID, at, 0, id);
            break;
        }
        if (size > module_end - d->r.pos) {
            fail(d, DX_E_LENGTH, size_at, module_end - d->r.pos, size);
            break;
        }
        if (id && d->last_id && section_rank[id] <= section_rank[d->last_id]) {
            fail(d, DX_E_SECTION_ORDER, at, d->last_id, id);
            break;
        }
        if (id) {
            d->last_id = id;
            ensure_spaces(d, section_rank[id]);
        }
        dx_section_t *s = add_section(d, &cap, at);
        if (!s)
            break;
        s->id = id;
        s->offset = at;
        s->payload.off = d->r.pos;
        s->payload.len = size;
        d->r.end = d->r.pos + size;
        decode_section(d, s);
        if (!d->r.failed && d->r.pos != d->r.end)
            fail(d, DX_E_SECTION_SIZE, d->r.pos, size, d->r.pos - s->payload.off);
        d->r.end = module_end;
    }
    return !d->r.failed;
}

static void finish(dec_t *d)
{
    dx_module_t *m = d->m;
    ensure_spaces(d, 255);
    if (d->r.failed)
        return;
    if (m->ncanon < 7) /* no type section: the single value types still count */
        m->ncanon = 7;
    if (!d->seen_code && d->nfunc_defined)
        fail(d, DX_E_FUNC_CODE_COUNT, m->size, d->nfunc_defined, 0);
    else if (!d->seen_data && m->has_datacount && m->datacount)
        fail(d, DX_E_DATA_COUNT, m->size, m->datacount, 0);
    if (!m->abi.present) {
        m->abi.version = DX_ABI_VERSION;
        m->abi.strategy = DX_STRATEGY_DEFAULT;
    }
}

bool dx_module_decode(const uint8_t *bytes, size_t size, dx_arena_t *ar,
                      dx_module_t *out_module, dx_error_t *out_err)
{
    dec_t d = {0};
    dx_module_t *m = out_module;
    __builtin_memset(m, 0, sizeof *m);
    __builtin_memset(out_err, 0, sizeof *out_err);
    m->bytes = bytes;
    m->size = size;
    d.m = m;
    d.ar = ar;
    d.err = out_err;
    dx_rd_init(&d.r, bytes, 0, size, out_err);
    if (size > DX_MAX_MODULE_SIZE) {
        fail(&d, DX_E_TOO_LARGE, 0, DX_MAX_MODULE_SIZE, size);
        return false;
    }
    if (rd_header(&d) && rd_sections(&d))
        finish(&d);
    return !d.r.failed;
}
