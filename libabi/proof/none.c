/*
 * The solver interface (solver.h) without a solver: verifierd inside the
 * OS has no Z3 (DESIGN.md section 9 brings it with the Linux
 * personality). dx_solver_new says no, so vc.c settles what its first
 * pass (ranges.c) can and leaves the rest unproved: every access it
 * cannot prove keeps its check, and annotations it cannot check are not
 * used (spec/safety.md section 9). Nothing else here is ever reached with
 * a solver, as there is none; each answers as an empty solver would.
 * Freestanding.
 */
#include "solver.h"

dx_solver_t *dx_solver_new(uint64_t budget)
{
    (void)budget;
    return NULL;
}

void dx_solver_free(dx_solver_t *s) { (void)s; }
void dx_solver_set_query_budget(dx_solver_t *s, uint64_t units) { (void)s, (void)units; }
uint64_t dx_solver_spent(const dx_solver_t *s) { (void)s; return 0; }
uint64_t dx_solver_terms(const dx_solver_t *s) { (void)s; return 0; }
const char *dx_solver_error(const dx_solver_t *s) { (void)s; return "no solver in this build"; }

dx_term_t dx_sv_const(dx_solver_t *s, uint64_t value, unsigned width)
{
    (void)s, (void)value, (void)width;
    return NULL;
}
dx_term_t dx_sv_var(dx_solver_t *s, const char *name, unsigned width)
{
    (void)s, (void)name, (void)width;
    return NULL;
}
dx_term_t dx_sv_bool(dx_solver_t *s, bool value) { (void)s, (void)value; return NULL; }
dx_term_t dx_sv_bool_var(dx_solver_t *s, const char *name) { (void)s, (void)name; return NULL; }
dx_term_t dx_sv_op(dx_solver_t *s, dx_sv_op_t op, dx_term_t a, dx_term_t b)
{
    (void)s, (void)op, (void)a, (void)b;
    return NULL;
}
dx_term_t dx_sv_not(dx_solver_t *s, dx_term_t a) { (void)s, (void)a; return NULL; }
dx_term_t dx_sv_ite(dx_solver_t *s, dx_term_t c, dx_term_t a, dx_term_t b)
{
    (void)s, (void)c, (void)a, (void)b;
    return NULL;
}
dx_term_t dx_sv_zext(dx_solver_t *s, dx_term_t a, unsigned w) { (void)s, (void)a, (void)w; return NULL; }
dx_term_t dx_sv_sext(dx_solver_t *s, dx_term_t a, unsigned w) { (void)s, (void)a, (void)w; return NULL; }
dx_term_t dx_sv_wrap(dx_solver_t *s, dx_term_t a, unsigned w) { (void)s, (void)a, (void)w; return NULL; }
bool dx_sv_assume(dx_solver_t *s, dx_term_t fact, uint32_t label)
{
    (void)s, (void)fact, (void)label;
    return false;
}
void dx_sv_push(dx_solver_t *s) { (void)s; }
void dx_sv_pop(dx_solver_t *s) { (void)s; }
dx_solve_t dx_sv_prove(dx_solver_t *s, dx_term_t goal, uint32_t *core, size_t room,
                       size_t *ncore)
{
    (void)s, (void)goal, (void)core, (void)room;
    if (ncore)
        *ncore = 0;
    return DX_SOLVE_UNPROVED;
}
