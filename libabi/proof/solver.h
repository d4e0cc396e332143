/*
 * The solver interface the verification conditions are discharged
 * through (DESIGN.md section 7). Its one implementation is z3.c, the only
 * file of the tree that includes <z3.h>; everything else builds terms and
 * asks questions here, so that nothing but that file knows the solver.
 *
 * Terms are bit-vectors of 1 to 64 bits and booleans, with WebAssembly's
 * wrap-around arithmetic (spec/format.md section 5.1). A solver holds:
 *   - facts: what a proof may assume (preconditions, invariants, lemmas),
 *     each with a label, so that an answer can say which facts it used
 *     (an unsat core) and a refutation which annotation failed;
 *   - a budget: Z3's deterministic resource limit ("rlimit") for the whole
 *     module, never wall time, so that a verdict is the same on every
 *     machine and under every load. Once it is spent, every question is
 *     answered UNPROVED.
 *
 * Hostile input is the normal case: a formula from a module may be
 * ill-sorted or absurdly large. Z3's errors are caught (they never exit
 * the process) and turn into DX_SOLVE_ERROR, which callers treat as
 * UNPROVED.
 */
#ifndef DX_SOLVER_H
#define DX_SOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dx_solver dx_solver_t;
typedef const void *dx_term_t; /* owned by the solver; NULL after an error */

typedef enum {
    DX_SOLVE_PROVED,   /* the goal follows from the facts */
    DX_SOLVE_REFUTED,  /* the facts allow the goal to be false */
    DX_SOLVE_UNPROVED, /* neither shown within the budget */
    DX_SOLVE_ERROR,    /* the question was ill-formed (an ill-sorted term) */
} dx_solve_t;

typedef enum {
    /* bit-vector t t -> t */
    DX_SV_ADD, DX_SV_SUB, DX_SV_MUL, DX_SV_AND, DX_SV_OR, DX_SV_XOR,
    DX_SV_SHL, DX_SV_SHR_U, DX_SV_SHR_S,
    /* bit-vector t t -> bool */
    DX_SV_EQ, DX_SV_NE, DX_SV_LT_U, DX_SV_LE_U, DX_SV_LT_S, DX_SV_LE_S,
    /* bool bool -> bool */
    DX_SV_BAND, DX_SV_BOR, DX_SV_IMPLIES,
} dx_sv_op_t;

/* A solver with a budget of rlimit units for everything asked of it
 * (0: no limit). NULL when the solver cannot be created. */
dx_solver_t *dx_solver_new(uint64_t budget);
void dx_solver_free(dx_solver_t *s);

/* The most one question may spend (0: only the module's budget caps it):
 * one hard question must not use up what the easy ones after it need. */
void dx_solver_set_query_budget(dx_solver_t *s, uint64_t units);

/* Resource units spent so far, and the last error's text (or ""). */
uint64_t dx_solver_spent(const dx_solver_t *s);
/* Terms built so far (the size of what was asked). */
uint64_t dx_solver_terms(const dx_solver_t *s);
const char *dx_solver_error(const dx_solver_t *s);

/* Terms. Names of variables are the caller's (a local's SSA version,
 * say); the same name and width is the same variable. */
dx_term_t dx_sv_const(dx_solver_t *s, uint64_t value, unsigned width);
dx_term_t dx_sv_var(dx_solver_t *s, const char *name, unsigned width);
dx_term_t dx_sv_bool(dx_solver_t *s, bool value);
dx_term_t dx_sv_bool_var(dx_solver_t *s, const char *name);
dx_term_t dx_sv_op(dx_solver_t *s, dx_sv_op_t op, dx_term_t a, dx_term_t b);
dx_term_t dx_sv_not(dx_solver_t *s, dx_term_t a);
/* if c then a else b (c a bool, a and b of one sort) */
dx_term_t dx_sv_ite(dx_solver_t *s, dx_term_t c, dx_term_t a, dx_term_t b);
dx_term_t dx_sv_zext(dx_solver_t *s, dx_term_t a, unsigned to_width);
dx_term_t dx_sv_sext(dx_solver_t *s, dx_term_t a, unsigned to_width);
dx_term_t dx_sv_wrap(dx_solver_t *s, dx_term_t a, unsigned to_width);

/* Facts. label identifies the fact in answers (an annotation's index,
 * say); 0 is a fact that needs no name. false when fact is not a bool. */
bool dx_sv_assume(dx_solver_t *s, dx_term_t fact, uint32_t label);
/* Scopes: facts assumed after a push are dropped by the matching pop. */
void dx_sv_push(dx_solver_t *s);
void dx_sv_pop(dx_solver_t *s);

/* Does goal follow from the facts? PROVED: the labels of the facts the
 * proof used go to core (at most room of them; *ncore the count). */
dx_solve_t dx_sv_prove(dx_solver_t *s, dx_term_t goal, uint32_t *core, size_t room,
                       size_t *ncore);

const char *dx_solve_name(dx_solve_t r); /* "proved", ... */

#endif
