/*
 * The solver interface on Z3 (libabi/proof/solver.h, z3.c): each answer,
 * the unsat core naming the facts a proof used, the budget (a tiny one
 * never turns into PROVED), and errors that come back as values instead
 * of ending the process.
 */
#include <stdlib.h>

#include "solver.h"
#include "ut.h"

static dx_solver_t *fresh(uint64_t budget)
{
    dx_solver_t *s = dx_solver_new(budget);
    UT_CHECK(s != NULL);
    return s;
}

/* (x & 0xff) <=u 0xff, for every 32-bit x: a masking bound. */
UT_TEST(proves_a_mask_bound)
{
    dx_solver_t *s = fresh(0);
    dx_term_t x = dx_sv_var(s, "x", 32), m = dx_sv_const(s, 0xff, 32);
    dx_term_t goal = dx_sv_op(s, DX_SV_LE_U, dx_sv_op(s, DX_SV_AND, x, m), m);
    UT_CHECK(dx_sv_prove(s, goal, NULL, 0, NULL) == DX_SOLVE_PROVED);
    dx_solver_free(s);
}

/* x + 1 >u x is false at x = 0xffffffff: wrap-around, as in WebAssembly. */
UT_TEST(refutes_a_wrapping_claim)
{
    dx_solver_t *s = fresh(0);
    dx_term_t x = dx_sv_var(s, "x", 32);
    dx_term_t goal = dx_sv_op(s, DX_SV_LT_U, x, dx_sv_op(s, DX_SV_ADD, x, dx_sv_const(s, 1, 32)));
    UT_CHECK(dx_sv_prove(s, goal, NULL, 0, NULL) == DX_SOLVE_REFUTED);
    dx_solver_free(s);
}

/* The access a + 4 <= size follows from the precondition a <u size - 4
 * (label 7) and size >= 4 (label 9), not from the unrelated fact (label
 * 8): the core names 7 and 9. */
UT_TEST(core_names_the_facts_used)
{
    dx_solver_t *s = fresh(0);
    dx_term_t a = dx_sv_zext(s, dx_sv_var(s, "a", 32), 64), size = dx_sv_var(s, "size", 64);
    dx_term_t four = dx_sv_const(s, 4, 64), y = dx_sv_var(s, "y", 32);
    UT_CHECK(dx_sv_assume(s, dx_sv_op(s, DX_SV_LT_U, a, dx_sv_op(s, DX_SV_SUB, size, four)), 7));
    UT_CHECK(dx_sv_assume(s, dx_sv_op(s, DX_SV_EQ, y, dx_sv_const(s, 3, 32)), 8));
    UT_CHECK(dx_sv_assume(s, dx_sv_op(s, DX_SV_LE_U, four, size), 9));
    dx_term_t goal = dx_sv_op(s, DX_SV_LE_U, dx_sv_op(s, DX_SV_ADD, a, four), size);
    uint32_t core[8];
    size_t n = 0;
    UT_CHECK(dx_sv_prove(s, goal, core, 8, &n) == DX_SOLVE_PROVED);
    bool has7 = false, has8 = false, has9 = false;
    for (size_t i = 0; i < n; i++)
        has7 |= core[i] == 7, has8 |= core[i] == 8, has9 |= core[i] == 9;
    UT_CHECK(has7 && has9 && !has8);
    dx_solver_free(s);
}

/* Facts assumed inside a scope are gone after it. */
UT_TEST(scopes_drop_their_facts)
{
    dx_solver_t *s = fresh(0);
    dx_term_t x = dx_sv_var(s, "x", 32), ten = dx_sv_const(s, 10, 32);
    dx_term_t goal = dx_sv_op(s, DX_SV_LT_U, x, dx_sv_const(s, 11, 32));
    dx_sv_push(s);
    UT_CHECK(dx_sv_assume(s, dx_sv_op(s, DX_SV_LE_U, x, ten), 1));
    UT_CHECK(dx_sv_prove(s, goal, NULL, 0, NULL) == DX_SOLVE_PROVED);
    dx_sv_pop(s);
    UT_CHECK(dx_sv_prove(s, goal, NULL, 0, NULL) == DX_SOLVE_REFUTED);
    dx_solver_free(s);
}

/* A goal that takes real search: 65521 is prime, so if the product of
 * two 16-bit numbers (widened, no wrap) is 65521, one of them is 1. Z3
 * proves it in a second or two by bit-blasting a multiplier; under a
 * budget of 1 unit it must not claim it, and once the budget is spent no
 * goal that needs a check is proved. */
static dx_term_t prime_goal(dx_solver_t *s)
{
    dx_term_t x = dx_sv_var(s, "x", 16), y = dx_sv_var(s, "y", 16);
    dx_term_t prod = dx_sv_op(s, DX_SV_MUL, dx_sv_zext(s, x, 32), dx_sv_zext(s, y, 32));
    dx_term_t one = dx_sv_const(s, 1, 16);
    dx_term_t either = dx_sv_op(s, DX_SV_BOR, dx_sv_op(s, DX_SV_EQ, x, one),
                                dx_sv_op(s, DX_SV_EQ, y, one));
    return dx_sv_op(s, DX_SV_IMPLIES, dx_sv_op(s, DX_SV_EQ, prod, dx_sv_const(s, 65521, 32)),
                    either);
}

UT_TEST(tiny_budget_degrades_to_unproved)
{
    dx_solver_t *s = fresh(1);
    dx_solve_t r = dx_sv_prove(s, prime_goal(s), NULL, 0, NULL);
    /* an easy goal, but one that needs a fact, hence a check: no budget
     * left for it (a goal that simplifies to true alone, x == x, is still
     * proved: that costs nothing) */
    dx_term_t x = dx_sv_var(s, "x", 16);
    dx_sv_assume(s, dx_sv_op(s, DX_SV_LE_U, x, dx_sv_const(s, 10, 16)), 1);
    dx_solve_t easy = dx_sv_prove(s, dx_sv_op(s, DX_SV_LT_U, x, dx_sv_const(s, 11, 16)), NULL, 0,
                                  NULL);
    uint64_t spent = dx_solver_spent(s);
    dx_solver_free(s);
    UT_CHECK(r == DX_SOLVE_UNPROVED);
    UT_CHECK(spent >= 1);
    UT_CHECK(easy == DX_SOLVE_UNPROVED);
    /* the same question with no budget is proved */
    s = fresh(0);
    r = dx_sv_prove(s, prime_goal(s), NULL, 0, NULL);
    dx_solver_free(s);
    UT_CHECK(r == DX_SOLVE_PROVED);
}

/* An ill-sorted term (an i32 plus an i64, as a hostile formula might ask
 * for): an error value and a message, no exit; everything after is an
 * error too. */
UT_TEST(errors_come_back_as_values)
{
    dx_solver_t *s = fresh(0);
    dx_term_t a = dx_sv_var(s, "a", 32), b = dx_sv_var(s, "b", 64);
    UT_CHECK(dx_sv_op(s, DX_SV_ADD, a, b) == NULL);
    UT_CHECK(dx_solver_error(s)[0] != 0);
    UT_CHECK(dx_sv_prove(s, dx_sv_bool(s, true), NULL, 0, NULL) == DX_SOLVE_ERROR);
    dx_solver_free(s);
    /* and the bounds the wrappers check themselves */
    s = fresh(0);
    UT_CHECK(dx_sv_const(s, 1, 0) == NULL && dx_sv_var(s, "w", 65) == NULL);
    UT_CHECK(dx_sv_wrap(s, dx_sv_var(s, "n", 32), 64) == NULL); /* wrap only narrows */
    UT_CHECK(!dx_sv_assume(s, dx_sv_var(s, "v", 8), 1));       /* a fact is a bool */
    dx_solver_free(s);
}

/* Shift counts are taken modulo the width, as in WebAssembly: x << 33
 * is x << 1 for an i32. */
UT_TEST(shift_counts_modulo_width)
{
    dx_solver_t *s = fresh(0);
    dx_term_t x = dx_sv_var(s, "x", 32);
    dx_term_t a = dx_sv_op(s, DX_SV_SHL, x, dx_sv_const(s, 33, 32));
    dx_term_t b = dx_sv_op(s, DX_SV_SHL, x, dx_sv_const(s, 1, 32));
    UT_CHECK(dx_sv_prove(s, dx_sv_op(s, DX_SV_EQ, a, b), NULL, 0, NULL) == DX_SOLVE_PROVED);
    dx_solver_free(s);
}
