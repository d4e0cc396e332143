/*
 * The Dogma module format: decoder, validator and diagnostics.
 *
 * A Dogma module is a WebAssembly 2.0 binary module without SIMD, plus the
 * custom sections dogma.abi and dogma.proof (spec/format.md). This header
 * is the whole public interface of libabi/format/.
 *
 * Hostile input is the normal case: verifierd, which is trusted, runs this
 * code on every module anyone submits. So:
 *   - every count the module claims is checked against the bytes that
 *     remain before anything is allocated for it, and against a named limit
 *     (DX_MAX_*); memory and time are linear in the module's size;
 *   - the first error stops the work and is returned as a record
 *     (dx_error_t) pointing at the offending byte; dx_err_render() is the
 *     one place that turns it into text;
 *   - the core needs no libc (it builds freestanding for verifierd): memory
 *     comes from a caller-supplied allocator through an arena.
 *
 * Use: dx_module_load() decodes the module and validates it, every function
 * body included. A translator instead calls dx_module_decode() and then,
 * per function, the instruction reader (dx_code_*) and the validator
 * (dx_val_*) one instruction at a time, emitting each instruction right
 * after the validator accepted it.
 */
#ifndef DOGMA_MODULE_H
#define DOGMA_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- limits (spec/format.md, section 6) ---------------------------------
 * Valid WebAssembly beyond one of these is rejected with a LIMIT-phase
 * error. They bound the work and memory of the loader and the translator. */
#define DX_MAX_MODULE_SIZE  (256u << 20) /* bytes in one module */
#define DX_MAX_TYPES        1000000u     /* entries in the type section */
#define DX_MAX_FUNCS        1000000u     /* functions, imported ones included */
#define DX_MAX_IMPORTS      100000u
#define DX_MAX_EXPORTS      100000u
#define DX_MAX_GLOBALS      1000000u     /* imported ones included */
#define DX_MAX_TABLES       100000u      /* imported ones included */
#define DX_MAX_ELEMS        100000u      /* element segments */
#define DX_MAX_ELEM_SIZE    10000000u    /* entries in one element segment */
#define DX_MAX_DATAS        100000u      /* data segments */
#define DX_MAX_PARAMS       1000u        /* parameters of one function type */
#define DX_MAX_RESULTS      1000u        /* results of one function type */
#define DX_MAX_LOCALS       50000u       /* parameters plus declared locals */
#define DX_MAX_BODY_SIZE    7654321u     /* bytes in one function body */
#define DX_MAX_NESTING      16384u       /* open blocks, loops and ifs */
#define DX_MAX_BR_TABLE     65536u       /* targets of one br_table */
#define DX_MAX_STACK        65536u       /* operand stack height */
#define DX_MAX_TABLE_SIZE   10000000u    /* a table's minimum (initial size) */
#define DX_MAX_MEMORY_PAGES 65536u       /* 4 GiB; WebAssembly's own rule */
#define DX_MAX_CAPS         1024u        /* dogma.abi capability requests */
#define DX_MAX_SECTIONS     10000u       /* sections, custom ones included */

/* ---- value types: their binary encoding ---------------------------------- */
typedef uint8_t dx_valtype_t;
enum {
    DX_T_I32 = 0x7F,
    DX_T_I64 = 0x7E,
    DX_T_F32 = 0x7D,
    DX_T_F64 = 0x7C,
    DX_T_V128 = 0x7B,      /* recognised only to reject it by name */
    DX_T_FUNCREF = 0x70,
    DX_T_EXTERNREF = 0x6F,
    DX_T_ANY = 0x00,       /* validator: an operand of unknown type */
    DX_T_BOOL = 0x01,      /* dogma.proof formulas only (proof.h) */
};
const char *dx_valtype_name(dx_valtype_t t); /* "i32", ..., "?" */

/* ---- opcodes and immediates ---------------------------------------------- */
typedef enum dx_op {
#define DX_OP(id, text, prefix, code, imm, sig, width) DX_OP_##id,
#include <dogma/opcode.def>
#undef DX_OP
    DX_OP_COUNT
} dx_op_t;

typedef enum dx_imm {
    DX_IMM_NONE,
    DX_IMM_BLOCK,         /* blocktype */
    DX_IMM_LABEL,         /* labelidx */
    DX_IMM_BR_TABLE,      /* vec(labelidx) labelidx */
    DX_IMM_FUNC,          /* funcidx */
    DX_IMM_CALL_INDIRECT, /* typeidx tableidx */
    DX_IMM_REFTYPE,       /* reftype */
    DX_IMM_SELECT_T,      /* vec(valtype), length 1 */
    DX_IMM_LOCAL,         /* localidx */
    DX_IMM_GLOBAL,        /* globalidx */
    DX_IMM_TABLE,         /* tableidx */
    DX_IMM_TABLE_INIT,    /* elemidx tableidx */
    DX_IMM_ELEM,          /* elemidx */
    DX_IMM_TABLE_COPY,    /* tableidx tableidx */
    /* DX_IMM_MEMARG .. DX_IMM_MEMORY_COPY: the memory instructions */
    DX_IMM_MEMARG,        /* align offset */
    DX_IMM_MEMORY,        /* reserved 0x00 (memory index 0) */
    DX_IMM_MEMORY_INIT,   /* dataidx 0x00 */
    DX_IMM_DATA,          /* dataidx */
    DX_IMM_MEMORY_COPY,   /* 0x00 0x00 */
    DX_IMM_I32,
    DX_IMM_I64,
    DX_IMM_F32,
    DX_IMM_F64,
} dx_imm_t;

typedef enum dx_sig {
#define DX_SIG(id, np, p0, p1, p2, nr, r0) DX_SIG_##id,
#include <dogma/opcode.def>
#undef DX_SIG
    DX_SIG_COUNT
} dx_sig_t;

/* The static facts of one opcode, from opcode.def. */
typedef struct dx_opinfo {
    const char *text;
    uint8_t prefix, imm, sig, width;
    uint32_t code;
} dx_opinfo_t;
extern const dx_opinfo_t dx_opinfo[DX_OP_COUNT];

/* A fixed stack effect: pops pop[0..npop) (bottom first), pushes push if
 * npush is 1. Meaningless for DX_SIG_SPECIAL. */
typedef struct dx_siginfo {
    uint8_t npop, npush;
    dx_valtype_t pop[3], push;
} dx_siginfo_t;
extern const dx_siginfo_t dx_siginfo[DX_SIG_COUNT];

/* ---- diagnostics ---------------------------------------------------------- */
typedef enum dx_err {
    DX_OK = 0,
#define DX_ERR(id, phase, rule, detail) DX_E_##id,
#include <dogma/error.def>
#undef DX_ERR
    DX_E_COUNT
} dx_err_t;

typedef enum dx_phase {
    DX_PHASE_DECODE,   /* malformed: breaks the binary grammar */
    DX_PHASE_VALIDATE, /* invalid: breaks a validation rule */
    DX_PHASE_LIMIT,    /* valid, but beyond a loader limit */
    DX_PHASE_ABI,      /* a Dogma custom section is wrong */
} dx_phase_t;

#define DX_NO_FUNC UINT32_MAX
#define DX_NO_INSN SIZE_MAX

/* One diagnostic. expected/actual are interpreted by the code's detail
 * kind (error.def): a byte, a count, an index and the number defined, two
 * value types, and so on. */
typedef struct dx_error {
    dx_err_t code;
    uint32_t func;      /* function index, or DX_NO_FUNC */
    size_t offset;      /* module offset of the offending byte */
    size_t insn;        /* module offset of the instruction, or DX_NO_INSN */
    dx_op_t op;         /* that instruction's opcode, when insn is set */
    uint64_t expected;
    uint64_t actual;
} dx_error_t;

dx_phase_t dx_err_phase(dx_err_t code);
const char *dx_err_rule(dx_err_t code);  /* "type mismatch", ... */
const char *dx_err_name(dx_err_t code);  /* "TYPE_MISMATCH", ... */
const char *dx_phase_name(dx_phase_t p); /* "decode", ... */

/* Renders "FILE:0x00001f: error: RULE (DETAIL)" into buf (always
 * NUL-terminated when len > 0); returns the length it needed, like
 * snprintf. */
size_t dx_err_render(const dx_error_t *e, const char *file, char *buf,
                     size_t len);

/* ---- memory --------------------------------------------------------------- */
typedef struct dx_allocator {
    void *(*alloc)(void *ctx, size_t size); /* NULL when out of memory */
    void (*free)(void *ctx, void *p, size_t size);
    void *ctx;
} dx_allocator_t;

typedef struct dx_chunk dx_chunk_t;
/* A region allocator: everything a decoded module owns is freed at once by
 * dx_arena_free(). Allocations are zeroed. */
typedef struct dx_arena {
    dx_allocator_t a;
    dx_chunk_t *chunks; /* newest first */
    dx_chunk_t *spare;  /* chunks dx_arena_reset let go, for reuse */
    uint8_t *cur, *end; /* free space in the newest chunk */
    size_t total;       /* bytes obtained from the allocator */
    bool failed;        /* the allocator said no once */
    uint64_t key[2];    /* the decoder's hash key (format/hash.c) */
} dx_arena_t;

/* Until dx_arena_seed, the hash key comes from the arena's address, which
 * an attacker may guess: a service on hostile input seeds it with entropy
 * (the hosted dx_arena_init_malloc does, from getrandom). */
void dx_arena_init(dx_arena_t *ar, dx_allocator_t a);
void dx_arena_seed(dx_arena_t *ar, uint64_t k0, uint64_t k1);
void *dx_arena_alloc(dx_arena_t *ar, size_t size); /* NULL if out of memory */
/* The same, not zeroed: for what the caller writes over at once. */
void *dx_arena_alloc_raw(dx_arena_t *ar, size_t size);
/* An array of n items of size bytes with room for *cap: itself while there
 * is room; else a copy with twice the room (first items' when *cap is 0),
 * *cap updated; NULL if out of memory (the array is left as it was). */
void *dx_arena_grow(dx_arena_t *ar, void *items, size_t n, size_t *cap, size_t size,
                    size_t first);
void dx_arena_free(dx_arena_t *ar);
/* Everything allocated is let go, but the memory is kept for what comes
 * next (a pass that needs scratch memory per function, say); the total
 * starts again from 0. dx_arena_free returns it all. */
void dx_arena_reset(dx_arena_t *ar);
#ifndef DX_FREESTANDING
void dx_arena_init_malloc(dx_arena_t *ar); /* hosted: malloc and free */
#endif

/* ---- the decoded module ----------------------------------------------------- */
typedef struct dx_name {
    const char *ptr; /* into the module's bytes; valid UTF-8, not terminated */
    uint32_t len;
} dx_name_t;

typedef struct dx_range {
    size_t off, len; /* a byte range of the module */
} dx_range_t;

typedef struct dx_functype {
    const dx_valtype_t *params, *results; /* into the module's bytes */
    uint32_t nparams, nresults;
    /* Canonical ids of the two result types: equal ids, equal sequences.
     * The validator compares label types by id. */
    uint32_t params_id, results_id;
} dx_functype_t;

typedef struct dx_limits {
    uint64_t min, max;
    bool has_max;
} dx_limits_t;

typedef struct dx_table {
    dx_valtype_t elem; /* DX_T_FUNCREF or DX_T_EXTERNREF */
    dx_limits_t limits;
    bool imported;
} dx_table_t;

typedef struct dx_memory {
    dx_limits_t limits; /* in 64 KiB pages */
    bool imported;
} dx_memory_t;

typedef struct dx_global {
    dx_valtype_t type;
    bool mutable_;
    bool imported;
    dx_range_t init; /* the constant expression, final end included */
} dx_global_t;

typedef struct dx_local_run {
    uint32_t end;      /* locals [previous end, end) have this type */
    dx_valtype_t type;
} dx_local_run_t;

typedef struct dx_func {
    uint32_t type;        /* index into types */
    bool imported;
    /* Defined functions only: */
    dx_range_t body;      /* the whole body: local declarations and code */
    size_t code;          /* offset of the first instruction */
    uint32_t nlocals;     /* declared locals, parameters excluded */
    uint32_t nruns;
    const dx_local_run_t *runs; /* indices count from the first parameter */
} dx_func_t;

typedef enum dx_extkind {
    DX_EXT_FUNC = 0,
    DX_EXT_TABLE = 1,
    DX_EXT_MEMORY = 2,
    DX_EXT_GLOBAL = 3,
} dx_extkind_t;

typedef struct dx_import {
    dx_name_t module, field;
    dx_extkind_t kind;
    uint32_t index;  /* in the index space of its kind */
    size_t offset;   /* of the entry */
} dx_import_t;

typedef struct dx_export {
    dx_name_t name;
    dx_extkind_t kind;
    uint32_t index;
    size_t offset;
} dx_export_t;

typedef enum dx_segmode {
    DX_SEG_ACTIVE,
    DX_SEG_PASSIVE,
    DX_SEG_DECLARATIVE, /* element segments only */
} dx_segmode_t;

typedef struct dx_elem {
    dx_segmode_t mode;
    uint32_t flags;     /* the encoding's flags field, 0..7 */
    uint32_t table;     /* active only */
    dx_range_t offset_expr; /* active only */
    dx_valtype_t type;
    bool exprs;         /* entries are expressions, not function indices */
    uint32_t count;
    dx_range_t entries; /* the encoded entries */
    size_t offset;      /* of the segment */
} dx_elem_t;

typedef struct dx_data {
    dx_segmode_t mode;
    uint32_t memory;
    dx_range_t offset_expr;
    dx_range_t bytes;
    size_t offset;
} dx_data_t;

typedef struct dx_section {
    uint8_t id;        /* 0 custom, 1 type, ..., 12 data count */
    size_t offset;     /* of the id byte */
    dx_range_t payload;
    dx_name_t name;    /* custom sections only */
} dx_section_t;

/* dogma.abi (spec/format.md, section 4) */
enum {
    DX_ABI_VERSION = 1,
    DX_STRATEGY_DEFAULT = 0,
    DX_STRATEGY_GUARD = 1,
    DX_STRATEGY_CHECKED = 2,
    DX_STRATEGY_PROVED = 3,
    DX_CAP_CHANNEL = 1, /* name: the service */
    DX_CAP_IRQ = 2,     /* a: the line */
    DX_CAP_IOPORT = 3,  /* a: first port, b: count */
    DX_CAP_PHYSMEM = 4, /* a: physical address, b: length */
};

typedef struct dx_capreq {
    uint8_t kind;
    bool optional;    /* the module runs without it */
    dx_name_t name;   /* the module's name for it; unique in the module */
    dx_name_t target; /* DX_CAP_CHANNEL: the service */
    uint64_t a, b;
    size_t offset;
} dx_capreq_t;

typedef struct dx_abi {
    bool present;      /* false: the defaults below apply */
    size_t offset;     /* of the section */
    uint32_t version;
    uint8_t strategy;
    uint32_t ncaps;
    const dx_capreq_t *caps;
} dx_abi_t;

typedef struct dx_module {
    const uint8_t *bytes; /* borrowed: must outlive the module */
    size_t size;

    dx_functype_t *types;
    uint32_t ntypes;
    dx_import_t *imports;
    uint32_t nimports;
    dx_func_t *funcs;     /* imports first, as in the index space */
    uint32_t nfuncs, nfunc_imports;
    dx_table_t *tables;
    uint32_t ntables, ntable_imports;
    dx_memory_t *memories;
    uint32_t nmemories, nmemory_imports;
    dx_global_t *globals;
    uint32_t nglobals, nglobal_imports;
    dx_export_t *exports;
    uint32_t nexports;
    bool has_start;
    uint32_t start;
    dx_elem_t *elems;
    uint32_t nelems;
    bool has_datacount;
    uint32_t datacount;
    dx_data_t *datas;
    uint32_t ndatas;
    dx_section_t *sections; /* every section, in file order */
    uint32_t nsections;

    dx_abi_t abi;
    bool has_proof;        /* dogma.proof present: dx_proof_decode checks it */
    dx_range_t proof;

    /* Functions that ref.func may name inside code (the specification's
     * C.refs): a bit per function index. */
    const uint8_t *declared;
    uint32_t ncanon;       /* number of canonical result-type ids */
} dx_module_t;

/* Decodes every section and checks the module-level rules, but not the
 * function bodies. */
bool dx_module_decode(const uint8_t *bytes, size_t size, dx_arena_t *ar,
                      dx_module_t *out_module, dx_error_t *out_err);

/* dx_module_decode, then every function body through the validator. */
bool dx_module_load(const uint8_t *bytes, size_t size, dx_arena_t *ar,
                    dx_module_t *out_module, dx_error_t *out_err);

static inline const dx_functype_t *dx_func_type(const dx_module_t *m,
                                                uint32_t func)
{
    return &m->types[m->funcs[func].type];
}

/* Whether t is exactly (params) -> (results), each written as type
 * letters: 'i' i32, 'I' i64, 'f' f32, 'F' f64 ("ii", "I", ""). For
 * whoever binds imports to functions of known signatures (verifierd,
 * dogma-run). */
bool dx_functype_is(const dx_functype_t *t, const char *params, const char *results);

/* Whether a name from the module is the C string s. */
bool dx_name_is(dx_name_t n, const char *s);

/* A block type (dx_insn_t's u.block.type: -64 empty, <0 one value type,
 * >= 0 a type index) as parameters and results. The arrays point into the
 * module or into a constant table. */
void dx_block_sig(const dx_module_t *m, int64_t bt, uint32_t *nparams,
                  const dx_valtype_t **params, uint32_t *nresults, const dx_valtype_t **results);

/* ---- instructions ------------------------------------------------------------ */
typedef struct dx_insn {
    dx_op_t op;
    size_t offset;       /* of the first byte (the opcode or its prefix) */
    size_t end;          /* one past the last byte */
    union {
        struct { int64_t type; } block;  /* -64 empty; <0 valtype; >=0 typeidx */
        uint32_t index;                  /* label, func, local, global, table,
                                            elem, data; type of call_indirect */
        struct { uint32_t count, deflt; const uint32_t *targets; } br_table;
        struct { uint32_t align, mem; uint64_t offset; } memarg;
        int32_t i32;
        int64_t i64;
        uint32_t f32;                    /* the bits */
        uint64_t f64;
        dx_valtype_t type;               /* ref.null, select t */
    } u;
    uint32_t index2;     /* call_indirect and table.init: table;
                            table.copy: source table */
    size_t imm, imm2;    /* offsets of the first and second immediates */
} dx_insn_t;

/* Reads the instructions of one function body. Decoding errors only;
 * validity is the validator's business. */
typedef struct dx_code {
    const dx_module_t *m;
    const uint8_t *bytes;
    size_t pos, end;
    uint32_t func;
    dx_arena_t *ar;
    uint32_t *targets;   /* br_table scratch, grown as tables are seen */
    uint32_t targets_cap;
} dx_code_t;

/* Zero the dx_code_t before the first dx_code_init; it may then be
 * re-initialised for each function, keeping its scratch. */
void dx_code_init(dx_code_t *c, const dx_module_t *m, uint32_t func,
                  dx_arena_t *ar);
static inline bool dx_code_more(const dx_code_t *c) { return c->pos < c->end; }
bool dx_code_next(dx_code_t *c, dx_insn_t *out_insn, dx_error_t *out_err);

/* ---- the validator -------------------------------------------------------- */
typedef struct dx_ctl dx_ctl_t;
typedef struct dx_val {
    const dx_module_t *m;
    dx_arena_t *ar;
    uint32_t func;
    const dx_functype_t *type;
    dx_valtype_t *stack;   /* operand stack, grown as needed */
    uint32_t height, stack_cap;
    dx_ctl_t *ctl;         /* control stack, grown as needed */
    uint32_t depth, ctl_cap;
    uint32_t *seen;        /* br_table: per canonical id, the epoch seen */
    uint32_t epoch;
    uint32_t *targets;     /* the code reader's br_table scratch */
    uint32_t targets_cap;
    dx_valtype_t *locals;  /* the function's local types, when flat */
    uint32_t nlocals;      /* parameters included; 0: look up the runs */
    uint32_t locals_cap;
    dx_error_t *err;
} dx_val_t;

void dx_val_init(dx_val_t *v, const dx_module_t *m, dx_arena_t *ar);
bool dx_val_begin(dx_val_t *v, uint32_t func, dx_error_t *out_err);
bool dx_val_insn(dx_val_t *v, const dx_insn_t *insn, dx_error_t *out_err);
/* After the body's last instruction: the final end must have closed the
 * function's block. */
bool dx_val_finish(dx_val_t *v, size_t body_end, dx_error_t *out_err);
/* A whole function body: read and validate every instruction. */
bool dx_val_func(dx_val_t *v, uint32_t func, dx_error_t *out_err);

/* Returns the type of local idx of the function being validated, or
 * DX_T_ANY when out of range. */
dx_valtype_t dx_val_local_type(const dx_val_t *v, uint32_t idx);
/* The same for defined function func of a decoded module (parameters
 * first), searching its local runs. */
dx_valtype_t dx_func_local_type(const dx_module_t *m, uint32_t func, uint32_t idx);

/* ---- constant expressions of a loaded module ------------------------------
 * For whoever instantiates a module dx_module_load accepted (a global's
 * init, a segment's offset): the expression's one instruction, decoded,
 * and in *out_end the offset after its final end. */
bool dx_const_insn(const dx_module_t *m, size_t off, dx_insn_t *out, size_t *out_end);
/* An element segment's next entry from *pos (start at entries.off), as an
 * instruction: ref.func for a function index, or the entry's expression. */
bool dx_elem_entry(const dx_module_t *m, const dx_elem_t *e, size_t *pos,
                   dx_insn_t *out);

#endif
