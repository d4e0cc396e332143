/*
 * A function body as both passes of the verifier walk it (ranges.c,
 * vc.c): its instructions read once into an array (a loop's body may be
 * walked again), and what each loop may change, for cutting loops at
 * their heads. Freestanding.
 */
#ifndef DX_BODY_H
#define DX_BODY_H

#include <dogma/module.h>

typedef struct dx_body {
    dx_insn_t *insns;   /* in code order; br_table targets copied */
    size_t n;
    uint32_t nlocals;   /* parameters included */
    uint32_t nloops;    /* loop instructions: ordinal 0 is the first */
    /* per loop: a local.set/tee of local j in it (bit loop * nlocals + j);
     * NULL: every loop may write every local (too many, or nested past
     * what is followed) */
    const uint8_t *bits;
    const bool *wglobals; /* per loop: a global.set or a call in it */
    const bool *wmem;     /* per loop: a call or memory.grow in it */
} dx_body_t;

/* Reads defined function func of m (decoded and validated) from ar.
 * false: a reader error, or out of memory (DX_E_TOO_LARGE), in out_err. */
bool dx_body_read(const dx_module_t *m, uint32_t func, dx_arena_t *ar, dx_body_t *out,
                  dx_error_t *out_err);

/* Whether loop (an ordinal) may write local. */
bool dx_body_writes(const dx_body_t *b, uint32_t loop, uint32_t local);

#endif
