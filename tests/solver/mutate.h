/*
 * The mutation test's modules (mutate_modules.c) and the proof section as
 * data, shared with the test itself (test_mutate.c, whose opening comment
 * describes both).
 */
#ifndef DX_TEST_MUTATE_H
#define DX_TEST_MUTATE_H

#include <stdbool.h>
#include <stdint.h>

#include <dogma/proof.h>

#include "wbuild.h"

#define MEM 65536u           /* every module's memory: 1 page (at most 16) */
#define RESERVE (16u << 16)  /* strategy checked/proved reserve the maximum */

/* ---- the proof section, as data ---- */
enum { MAXOPS = 16, MAXFORMS = 4, MAXFUNCS = 3, MAXRANGES = 2, MAXSITES = 16 };

typedef struct {
    uint8_t op;      /* DX_F_* */
    int64_t imm;     /* constant (i32: its low 32 bits) or index */
} fop_t;

typedef struct {
    fop_t op[MAXOPS];
    int n;
} form_t;

typedef struct {
    form_t f[MAXFORMS];
    int n;
} forms_t;

typedef struct {
    uint32_t func;
    forms_t pre, post;
    bool has_loop;   /* at most one loop invariant entry */
    uint32_t loop;
    forms_t inv;
} fproof_t;

typedef struct {
    uint32_t global;
    uint64_t lo, hi;
} grange_t;

typedef struct {
    uint32_t version, flags;
    forms_t inv;     /* module invariants */
    grange_t range[MAXRANGES];
    int nranges;
    bool ranges_vec; /* the ranges vector is written (flags bit 0 says so) */
    fproof_t fn[MAXFUNCS];
    int nfuncs;
} proof_t;

#define K32(v) {DX_F_I32, (v)}
#define K64(v) {DX_F_I64, (v)}
#define LOC(i) {DX_F_LOCAL, (i)}
#define GLO(i) {DX_F_GLOBAL, (i)}
#define RES(i) {DX_F_RESULT, (i)}
#define OP(o) {DX_F_##o, 0}
#define FORM(...) form_of((const fop_t[]){__VA_ARGS__}, \
                          (int)(sizeof((const fop_t[]){__VA_ARGS__}) / sizeof(fop_t)))

form_t form_of(const fop_t *ops, int n);

/* Every formula of p, in the order of the section, with the function it
 * belongs to (-1: a module invariant). */
typedef struct {
    forms_t *vec;
    int fn;
} site_t;

int sites_of(proof_t *p, site_t *out);

/* ---- the modules ---- */
/* What the model says a call does. */
typedef struct {
    bool returned;
    uint32_t value;  /* returned */
    int trap;        /* DX_TRAP_*, not returned */
} outcome_t;

/* A state where the claims of one place must hold. */
enum { W_PRE, W_POST, W_LOOP, W_INV };
typedef struct {
    uint8_t kind;
    uint32_t func, loop;
    uint64_t local[5];   /* W_PRE, W_POST: the parameters; W_LOOP: every local */
    uint64_t result;     /* W_POST */
    uint64_t global[3];
} wit_t;

typedef struct {
    wit_t *w;
    int n, cap;
} wits_t;

typedef struct {
    uint64_t arg[2];
} input_t;

enum { AT_MAX = 8 };

typedef struct mod mod_t;
struct mod {
    const char *name;
    void (*code)(wb_t *b, size_t *at); /* the sections before dogma.proof */
    void (*annotate)(proof_t *p);      /* the original annotations */
    /* What export `entry` does with arg under the ranges of pr (NULL:
     * none, as strategy checked runs it); records witnesses in ws. */
    outcome_t (*model)(const dx_proof_t *pr, const uint64_t *arg, wits_t *ws);
    /* Whether the access at module offset insn can go out of bounds under
     * the ranges of pr: it must never be proved. */
    bool (*unsafe)(const size_t *at, const dx_proof_t *pr, size_t insn);
    uint32_t entry;                    /* the export's function index */
    const input_t *good, *bad;         /* in bounds; driving accesses out */
    int ngood, nbad;
    int nproved;                       /* at[0 .. nproved): proved originally */
    uint64_t extra[4];                 /* more values for a range's bounds */
    size_t at[AT_MAX];                 /* module offsets the code recorded */
};

/* module array's offsets (mod_t.at) */
enum { A_FAST, A_SLOW_FIRST, A_SLOW, A_CALL_FAST };

/* module clamp's */
enum { B_NEAR, B_EDGE, B_CLAMP_END };

/* module frame's */
enum { C_STORE, C_LOAD, C_SET_DOWN, C_SET_BACK };

extern mod_t mod_array, mod_clamp, mod_frame;
extern uint8_t pattern[MEM]; /* memory's contents before every call */
void fill_pattern(void);

/* ---- building ---- */
typedef struct {
    size_t payload, end;     /* dogma.proof's payload: module offsets */
} layout_t;

/* md's module with the proof section p, into b; where the section is. */
void build(mod_t *md, const proof_t *p, wb_t *b, layout_t *out);
/* p: md's original annotations. */
void original(mod_t *md, proof_t *p);

#endif
