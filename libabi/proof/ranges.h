/*
 * Ranges: the verifier's first, cheap pass (spec/safety.md section 10).
 *
 * An abstract interpretation of one function body over unsigned
 * intervals whose upper end may be relative to memory 0's size: a value v
 * of width w described by dx_rg_t r satisfies
 *
 *     r.lo <= v <= r.hi + (r.mem ? memsize : 0)
 *
 * as integers (no wrap-around), at every moment the description is used.
 * Memory only grows, so a bound relative to memsize stays true after a
 * call or memory.grow. An access at v with offset o and width n is proved
 * when v's bound gives v + o + n <= memsize for the smallest memory the
 * module can have.
 *
 * The pass proves most stack-frame and constant accesses in well under a
 * microsecond each, without the solver; the solver (vc.c) sees only what
 * it leaves. The producer (dogma-prove) runs it over the whole module to
 * infer the ranges of parameters and results that it then claims in
 * dogma.proof; the verifier runs it again and believes none of that
 * without checking it at every call and every exit.
 *
 * Freestanding: verifierd can link it inside the OS.
 */
#ifndef DX_RANGES_H
#define DX_RANGES_H

#include <dogma/module.h>
#include <dogma/proof.h>

#include "body.h"

typedef struct dx_rg {
    uint64_t lo;
    int64_t hi;  /* with mem: v <= memsize + hi; hi may be negative */
    bool mem;
} dx_rg_t;

/* What holds for the whole module, and what the walk may assume. */
typedef struct dx_rg_env {
    const dx_module_t *m;
    uint64_t mem_min, mem_max; /* memory 0's size in bytes: bounds */
    /* per global: what every value it holds satisfies (its declared
     * range, an immutable constant, or anything) */
    const dx_rg_t *globals;
    /* per function: its parameters' ranges at entry (NULL: anything) and
     * its results' ranges after every call (NULL: anything) */
    dx_rg_t *const *params;
    dx_rg_t *const *results;
    /* the most a walk may take from its arena (0: no limit): past it, the
     * walk fails as out of memory. A walk's memory grows with the body's
     * branches times its locals; give each walk its own arena. */
    size_t max_memory;
} dx_rg_env_t;

/* What the walk reports. Every hook may be NULL. insn is the module
 * offset of the instruction. */
typedef struct dx_rg_hooks {
    void *ctx;
    /* a load or store: proved in bounds, or not (every one, reached or
     * not: one the pass finds unreachable is proved) */
    void (*access)(void *ctx, size_t insn, bool store, bool proved);
    /* a direct call (not of an import), with its arguments' ranges
     * (empty ones where the call is unreachable) */
    void (*call)(void *ctx, size_t insn, uint32_t callee, const dx_rg_t *args, uint32_t n);
    /* the function's end, with the join of what every return gives */
    void (*exit)(void *ctx, size_t insn, const dx_rg_t *results, uint32_t n);
    /* a div or rem: its divisor proved neither 0 nor (signed) -1, or not
     * (every one, reached or not) */
    void (*divide)(void *ctx, size_t insn, bool proved);
    /* a global.set of the global, with the value's range */
    void (*gset)(void *ctx, size_t insn, uint32_t global, dx_rg_t value);
} dx_rg_hooks_t;

/* Walks defined function func (the module decoded and validated), whose
 * body dx_body_read gave, taking what it needs from ar (which the caller
 * may free after). false: out of memory (DX_E_TOO_LARGE in out_err). */
bool dx_rg_function(const dx_rg_env_t *env, uint32_t func, const dx_body_t *body,
                    const dx_rg_hooks_t *h, dx_arena_t *ar, dx_error_t *out_err);

/* The environment's module-wide part: memory bounds, and the globals'
 * ranges from their declarations in proof (NULL: none) and immutable
 * constants. params and results stay NULL. false: out of memory. */
bool dx_rg_env_init(dx_rg_env_t *env, const dx_module_t *m, const dx_proof_t *proof,
                    dx_arena_t *ar);

dx_rg_t dx_rg_top(unsigned width);
dx_rg_t dx_rg_const(uint64_t v);
bool dx_rg_is_top(dx_rg_t r, unsigned width);
/* The empty range: no value (the join's identity). */
dx_rg_t dx_rg_bottom(void);
bool dx_rg_is_bottom(dx_rg_t r);
dx_rg_t dx_rg_join(const dx_rg_env_t *e, dx_rg_t a, dx_rg_t b);
dx_rg_t dx_rg_meet(const dx_rg_env_t *e, dx_rg_t a, dx_rg_t b);
/* Every value of a is a value of b. */
bool dx_rg_within(const dx_rg_env_t *e, dx_rg_t a, dx_rg_t b);
/* a's largest value with memory at its largest. */
uint64_t dx_rg_max(const dx_rg_env_t *e, dx_rg_t a);

/* A formula of one of the range forms (spec/safety.md section 10):
 *     X <=u c     X <u c     c <=u X     c <u X
 *     extend_u(X) + c <=u memsize     extend_u(X) <=u memsize
 * where X is `local i`, `result i` or `global i` and c a constant of X's
 * type (c of type i64 and below 2^32 in the memsize forms). On a match:
 * true, *name the operation naming X (DX_F_LOCAL, ...), *index its index,
 * *r the range the formula states for X. Any other formula: false (the
 * solver alone judges it). */
bool dx_rg_formula(const dx_rg_env_t *e, const dx_expr_t *f, uint8_t *name, uint32_t *index,
                   dx_rg_t *r);

#endif
