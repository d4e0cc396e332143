/*
 * The dogma.proof section (spec/format.md section 5): its decoded form, and
 * the decoder that checks its encoding.
 *
 * A module's proof annotations are claims the producer makes: module
 * invariants, declared ranges of globals, each function's pre- and
 * postconditions and loop invariants, and the theorem-library lemmas its
 * proofs may use. dx_proof_decode() only checks that the claims are well
 * formed (every formula type-checks and names only what it may name where
 * it stands; a range's global can hold it and starts in it); whether they
 * are true is
 * the verification conditions' business (libabi/proof/vc.h), which walk the
 * formulas this decoder accepted with dx_expr_next().
 *
 * The section is hostile input like the rest of the module: every count is
 * checked against the bytes that remain before anything is allocated, and
 * the first broken rule is returned as a dx_error_t (codes DX_E_PROOF_*,
 * phase abi) pointing at the offending byte. It builds freestanding, with
 * the rest of libabi's core.
 */
#ifndef DOGMA_PROOF_H
#define DOGMA_PROOF_H

#include <dogma/module.h>

enum {
    DX_PROOF_VERSION = 1,
    DX_PROOF_MAX_CODE = 4096,  /* bytes of one formula's code */
    DX_PROOF_MAX_STACK = 64,   /* a formula's stack depth */
    DX_PROOF_MAX_LEMMA = 64,   /* bytes of a lemma's name */
};

/* The payload's flags (spec/format.md section 5); any other bit is an
 * error (DX_E_PROOF_FLAGS). */
enum {
    DX_PROOF_F_RANGES = 1,     /* a ranges vector follows the invariants */
};

/* ---- formula operations (proof.def) --------------------------------------- */
typedef enum dx_fop_code {
#define DX_FOP(id, byte, name, infix, shape) DX_F_##id = byte,
#include <dogma/proof.def>
#undef DX_FOP
} dx_fop_code_t;

/* Immediates and stack effects. The integer type t is i32 or i64. */
typedef enum dx_fshape {
    DX_FS_BOOL,    /* -> bool */
    DX_FS_I32,     /* s32 immediate; -> i32 */
    DX_FS_I64,     /* s64 immediate; -> i64 */
    DX_FS_LOCAL,   /* u32 local index; -> the local's type */
    DX_FS_GLOBAL,  /* u32 global index; -> the global's type */
    DX_FS_MEMSIZE, /* -> i64 */
    DX_FS_RESULT,  /* u32 result index; -> the result's type */
    DX_FS_ARITH,   /* t t -> t */
    DX_FS_EXTEND,  /* i32 -> i64 */
    DX_FS_WRAP,    /* i64 -> i32 */
    DX_FS_CMP,     /* t t -> bool */
    DX_FS_NOT,     /* bool -> bool */
    DX_FS_LOGIC,   /* bool bool -> bool */
} dx_fshape_t;

typedef struct dx_fopinfo {
    const char *name;  /* spec/format.md's name: "add", "le_u", ... */
    const char *infix; /* "+", "<=u", "extend_u", ...; "" for constants */
    uint8_t shape;     /* dx_fshape_t */
} dx_fopinfo_t;

/* The facts of opcode byte op, or NULL if no operation has that byte. */
const dx_fopinfo_t *dx_fop_info(uint8_t op);

/* ---- the decoded section ---------------------------------------------------- */

/* One formula: its code is kept as the module's bytes, already checked,
 * and walked with dx_expr_next(). */
typedef struct dx_expr {
    size_t offset;       /* module offset of the first byte of code */
    uint32_t len;        /* bytes of code, at most DX_PROOF_MAX_CODE */
    const uint8_t *code; /* into the module's bytes */
} dx_expr_t;

typedef struct dx_loopinv {
    uint32_t loop;       /* ordinal of the loop instruction in the body */
    uint32_t ninv;
    const dx_expr_t *inv;
} dx_loopinv_t;

typedef struct dx_funcproof {
    uint32_t func;       /* a defined function's index */
    size_t offset;       /* module offset of the entry */
    uint32_t npre, npost, nloops, nhints;
    const dx_expr_t *pre, *post;
    const dx_loopinv_t *loops; /* by increasing ordinal */
    const uint32_t *hints;     /* indices into dx_proof_t.lemmas */
} dx_funcproof_t;

/* A declared global range: every value the global holds lies in [lo, hi],
 * unsigned (spec/safety.md section 10). The global is a mutable i32 or i64
 * whose constant initializer lies in the range; both bounds are below
 * 2^width of its type. */
typedef struct dx_grange {
    uint32_t global;     /* the global's index */
    size_t offset;       /* module offset of the entry (its global field) */
    uint64_t lo, hi;     /* lo <= hi */
} dx_grange_t;

typedef struct dx_proof {
    bool present;        /* false: the module has no dogma.proof */
    uint32_t version;
    uint32_t nlemmas;
    const dx_name_t *lemmas;
    uint32_t ninvariants;
    const dx_expr_t *invariants;
    uint32_t nranges;    /* 0 unless flags has DX_PROOF_F_RANGES */
    const dx_grange_t *ranges; /* by increasing global index */
    uint32_t nfuncs;
    const dx_funcproof_t *funcs; /* by increasing function index */
    uint32_t nformulas;  /* formulas in the whole section */
} dx_proof_t;

/* Decodes and checks m's dogma.proof section (m->proof), everything
 * spec/format.md section 5 requires. m must come from a successful
 * dx_module_load(): loop ordinals are checked against a scan of the
 * function's body with the instruction reader, which assumes the body is
 * well formed (a malformed body still fails cleanly, with the reader's
 * error). known lists the lemma names the theorem library has (nknown of
 * them); NULL accepts every well-formed name. Without a dogma.proof section
 * the result is an empty proof (present false) and true. Everything
 * allocated comes from ar; the result points into m's bytes. */
bool dx_proof_decode(const dx_module_t *m, const char *const *known, size_t nknown,
                     dx_arena_t *ar, dx_proof_t *out_proof, dx_error_t *out_err);

/* The annotations of function func, or NULL when it has none. */
const dx_funcproof_t *dx_proof_func(const dx_proof_t *p, uint32_t func);

/* The declared range of global global, or NULL when it has none (also when
 * p is NULL or the module has no dogma.proof). */
const dx_grange_t *dx_proof_range(const dx_proof_t *p, uint32_t global);

/* ---- walking a formula -------------------------------------------------------- */
typedef struct dx_fop {
    uint8_t op;          /* dx_fop_code_t */
    size_t offset;       /* module offset of the opcode */
    union {
        int32_t i32;     /* DX_F_I32 */
        int64_t i64;     /* DX_F_I64 */
        uint32_t index;  /* DX_F_LOCAL, DX_F_GLOBAL, DX_F_RESULT */
    } u;
} dx_fop_t;

/* The operation of e at *pos (start at 0), into out; *pos moves past it.
 * false at the end of the code (*pos == e->len), or on bytes that are not an
 * operation (*pos < e->len then), which a formula dx_proof_decode accepted
 * never has. */
bool dx_expr_next(const dx_expr_t *e, size_t *pos, dx_fop_t *out);

#endif
