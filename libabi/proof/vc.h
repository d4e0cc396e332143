/*
 * Verification conditions (DESIGN.md section 7, spec/safety.md): one
 * obligation per potentially unsafe operation, discharged through the
 * solver interface (solver.h).
 *
 * The generator walks each function body once, in the passive form of
 * Flanagan and Saxe: every value is a solver term, a local that two paths
 * give different values gets a fresh variable where the paths meet, tied
 * to each path's value under that path's condition, and a loop cuts the
 * body at its head (the locals it writes become fresh, constrained only by
 * its invariants). So the conditions grow linearly with the body, never
 * with the number of paths through it, as naive weakest preconditions do.
 *
 * Obligations are data: function, the instruction's module offset, kind,
 * and the verdict. A memory access that is not proved keeps its run-time
 * check (the translator's `proved` strategy asks dx_vc_proved); an
 * annotation that is refuted (a false loop invariant, a postcondition that
 * does not hold, a callee's precondition a call site violates) rejects the
 * module.
 */
#ifndef DX_VC_H
#define DX_VC_H

#include <dogma/module.h>
#include <dogma/proof.h>

#include "solver.h"

typedef enum {
    DX_OB_LOAD,       /* a load's effective address + width <= memory size */
    DX_OB_STORE,      /* the same for a store */
    DX_OB_RANGE,      /* a global.set keeps the global in its declared range
                       * (dogma.proof); unproved, the translator checks it */
    DX_OB_DIV,        /* a div or rem's divisor is neither 0 nor (signed)
                       * -1; unproved, the translator checks it */
    /* claims of the module's (dogma.proof): refuted, the module is rejected */
    DX_OB_PRE,        /* a callee's precondition, at a call */
    DX_OB_POST,       /* a postcondition, at the function's end */
    DX_OB_LOOP_ENTRY, /* a loop invariant, where the loop is entered */
    DX_OB_LOOP_KEEP,  /* a loop invariant, at a branch back to the head */
    DX_OB_INVARIANT,  /* a module invariant: initially, before calls, at ends */
    DX_OB_KINDS
} dx_ob_kind_t;

typedef struct {
    uint32_t func;
    uint32_t kind;    /* dx_ob_kind_t */
    size_t insn;      /* module offset of the instruction */
    uint32_t verdict; /* dx_solve_t */
    uint32_t global;  /* DX_OB_RANGE: the global set */
} dx_ob_t;

typedef struct {
    dx_ob_t *obs;     /* in function order, then code order */
    size_t nobs;
    uint64_t counts[DX_OB_KINDS][4]; /* [kind][verdict] */
    uint64_t by_ranges; /* obligations settled by the first pass (ranges.h),
                         * without the solver */
    uint64_t spent;   /* solver resource units */
    uint64_t terms;   /* solver terms built: the conditions' size */
    /* The module's claims: the first refuted one (the module must be
     * rejected: the annotation at module offset `annotation` is false, or
     * a call violates it), or, when some could not be settled within the
     * budget, none of them was used: the accesses' verdicts are those
     * without annotations. */
    bool refuted;
    dx_ob_t refutation;
    size_t annotation;
    uint64_t claims_unproved;
    bool annotations_dropped;
    /* the second pass was needed but there is no solver (none.c, inside
     * the OS): what needed it is unproved, the claims unsettled */
    bool no_solver;
    const dx_proof_t *proof; /* the annotations used (NULL: none) */
} dx_vc_t;

/* The budget the tools use unless told otherwise (rlimit units). */
#define DX_VC_DEFAULT_BUDGET 50000000ull
/* ... and the most one obligation may take of it. */
#define DX_VC_QUERY_BUDGET 200000ull
/* The most memory the first pass may take for one function (its states
 * grow with branches times locals); past it, the function's obligations
 * all go to the second pass. */
#define DX_VC_FIRST_PASS_MEMORY (64u << 20)

typedef struct {
    /* solver resource units for the module (0: no limit); one obligation
     * gets at most DX_VC_QUERY_BUDGET of them */
    uint64_t budget;
    /* Ask the solver about the accesses (and global.sets) the first pass
     * (ranges.h) leaves unproved: it proves a few more, at a cost of
     * seconds per 100 KB of module. Without it the solver sees only the
     * claims the first pass cannot settle, and a function whose claims it
     * settles is never given to the solver at all. */
    bool solver_accesses;
} dx_vc_opts_t;

/* Generates and discharges the obligations of every defined function of m
 * (decoded and validated), under the claims of proof (dx_proof_decode;
 * NULL or not present: none), with options opts (NULL: budget
 * DX_VC_DEFAULT_BUDGET, no solver for accesses). Everything allocated
 * comes from ar. Without a solver (none.c) it still succeeds: see
 * no_solver. false: out of memory (out_err says). */
bool dx_vc_module(const dx_module_t *m, const dx_proof_t *proof, const dx_vc_opts_t *opts,
                  dx_arena_t *ar, dx_vc_t *out, dx_error_t *out_err);

/* For the translator's `proved` strategy (dx_x64_opts_t.proved): ctx is a
 * dx_vc_t; true when the access at insn of func was proved. */
bool dx_vc_proved(void *ctx, uint32_t func, size_t insn);

/* For the translator's `proved` strategy (dx_x64_opts_t.range): true when
 * the global.set at insn of func must be checked to keep its global in
 * [*lo, *hi], its declared range. */
bool dx_vc_range(void *ctx, uint32_t func, size_t insn, uint64_t *lo, uint64_t *hi);

const char *dx_ob_kind_name(dx_ob_kind_t k);

/* The refutation's func for a module invariant that fails initially (in
 * no function). */
#define DX_VC_INITIALLY UINT32_MAX

/* v's refutation as a diagnostic: "FILE:0xANNOTATION: error: annotation
 * refuted (KIND, in func F at 0xINSN)" (or ", initially"), NUL-terminated in buf
 * (len bytes); returns the length it needed. */
size_t dx_vc_render_refutation(const dx_vc_t *v, const char *file, char *buf, size_t len); /* "load", ... */

#endif
