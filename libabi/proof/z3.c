/*
 * The solver interface (solver.h) on Z3's C API: the only file of the tree
 * that includes <z3.h> (found through pkg-config: Debian's libz3-dev has
 * no CMake package).
 *
 * One Z3 context per solver, with no error handler: Z3's default handler
 * prints and exits, which a loader serving hostile modules must never do.
 * Without one Z3 records an error code that every wrapper here checks
 * after each call; the first error poisons the solver (every later term is
 * NULL and every question DX_SOLVE_ERROR), so a caller checks once.
 *
 * The budget is Z3's resource limit ("rlimit"): a count of internal steps,
 * the same on every machine, unlike a timeout. Each check gets what is
 * left of the module's budget; the count Z3 reports afterwards ("rlimit
 * count" in the solver's statistics) is what it spent.
 *
 * Labelled facts are assumed through indicator literals (p => fact, with
 * p among the assumptions of every check), so an unsat core names the
 * facts a proof used, and the annotation behind each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <z3.h>

#include "solver.h"

typedef struct {
    Z3_ast lit;     /* the indicator */
    uint32_t label;
} tracked_t;

struct dx_solver {
    Z3_context ctx;
    Z3_solver solver;
    uint64_t budget, spent, terms;
    uint64_t per_query; /* the most one question may take, 0: no cap */
    bool failed;
    char error[160];
    tracked_t *tracked;
    size_t ntracked, cap;
    size_t marks[64]; /* ntracked at each push */
    unsigned depth;
    unsigned next_lit;
};

/* After every Z3 call: the first error poisons the solver. */
static bool ok(dx_solver_t *s)
{
    if (s->failed)
        return false;
    Z3_error_code e = Z3_get_error_code(s->ctx);
    if (e == Z3_OK)
        return true;
    s->failed = true;
    snprintf(s->error, sizeof s->error, "z3: %s", Z3_get_error_msg(s->ctx, e));
    return false;
}

static dx_term_t term(dx_solver_t *s, Z3_ast a)
{
    if (!ok(s))
        return NULL;
    s->terms++;
    return (dx_term_t)a;
}

dx_solver_t *dx_solver_new(uint64_t budget)
{
    dx_solver_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    Z3_config cfg = Z3_mk_config();
    if (!cfg) {
        free(s);
        return NULL;
    }
    Z3_set_param_value(cfg, "model", "false");
    s->ctx = Z3_mk_context(cfg);
    Z3_del_config(cfg);
    if (!s->ctx) {
        free(s);
        return NULL;
    }
    Z3_set_error_handler(s->ctx, NULL); /* record, never exit */
    s->solver = Z3_mk_solver(s->ctx);
    if (!ok(s)) {
        Z3_del_context(s->ctx);
        free(s);
        return NULL;
    }
    Z3_solver_inc_ref(s->ctx, s->solver);
    s->budget = budget;
    return s;
}

void dx_solver_free(dx_solver_t *s)
{
    if (!s)
        return;
    Z3_solver_dec_ref(s->ctx, s->solver);
    Z3_del_context(s->ctx);
    free(s->tracked);
    free(s);
}

uint64_t dx_solver_spent(const dx_solver_t *s) { return s->spent; }
void dx_solver_set_query_budget(dx_solver_t *s, uint64_t units) { s->per_query = units; }
uint64_t dx_solver_terms(const dx_solver_t *s) { return s->terms; }
const char *dx_solver_error(const dx_solver_t *s) { return s->error; }

/* ---- terms ------------------------------------------------------------------------- */
static bool usable(dx_solver_t *s, dx_term_t a) { return !s->failed && a; }

dx_term_t dx_sv_const(dx_solver_t *s, uint64_t value, unsigned width)
{
    if (s->failed || width == 0 || width > 64)
        return NULL;
    if (width < 64)
        value &= (1ull << width) - 1;
    return term(s, Z3_mk_unsigned_int64(s->ctx, value, Z3_mk_bv_sort(s->ctx, width)));
}

dx_term_t dx_sv_var(dx_solver_t *s, const char *name, unsigned width)
{
    if (s->failed || width == 0 || width > 64)
        return NULL;
    Z3_symbol sym = Z3_mk_string_symbol(s->ctx, name);
    return term(s, Z3_mk_const(s->ctx, sym, Z3_mk_bv_sort(s->ctx, width)));
}

dx_term_t dx_sv_bool_var(dx_solver_t *s, const char *name)
{
    if (s->failed)
        return NULL;
    return term(s, Z3_mk_const(s->ctx, Z3_mk_string_symbol(s->ctx, name), Z3_mk_bool_sort(s->ctx)));
}

dx_term_t dx_sv_bool(dx_solver_t *s, bool value)
{
    if (s->failed)
        return NULL;
    return term(s, value ? Z3_mk_true(s->ctx) : Z3_mk_false(s->ctx));
}

dx_term_t dx_sv_op(dx_solver_t *s, dx_sv_op_t op, dx_term_t a, dx_term_t b)
{
    if (!usable(s, a) || !usable(s, b))
        return NULL;
    Z3_context c = s->ctx;
    Z3_ast x = (Z3_ast)a, y = (Z3_ast)b, r;
    switch (op) {
    case DX_SV_ADD: r = Z3_mk_bvadd(c, x, y); break;
    case DX_SV_SUB: r = Z3_mk_bvsub(c, x, y); break;
    case DX_SV_MUL: r = Z3_mk_bvmul(c, x, y); break;
    case DX_SV_AND: r = Z3_mk_bvand(c, x, y); break;
    case DX_SV_OR: r = Z3_mk_bvor(c, x, y); break;
    case DX_SV_XOR: r = Z3_mk_bvxor(c, x, y); break;
    case DX_SV_SHL:
    case DX_SV_SHR_U:
    case DX_SV_SHR_S: {
        /* WebAssembly takes the count modulo the width. */
        unsigned w = Z3_get_bv_sort_size(c, Z3_get_sort(c, y));
        if (!ok(s))
            return NULL;
        Z3_ast k = Z3_mk_bvurem(c, y, Z3_mk_unsigned_int64(c, w, Z3_get_sort(c, y)));
        r = op == DX_SV_SHL ? Z3_mk_bvshl(c, x, k)
          : op == DX_SV_SHR_U ? Z3_mk_bvlshr(c, x, k) : Z3_mk_bvashr(c, x, k);
        break;
    }
    case DX_SV_EQ: r = Z3_mk_eq(c, x, y); break;
    case DX_SV_NE: r = Z3_mk_not(c, Z3_mk_eq(c, x, y)); break;
    case DX_SV_LT_U: r = Z3_mk_bvult(c, x, y); break;
    case DX_SV_LE_U: r = Z3_mk_bvule(c, x, y); break;
    case DX_SV_LT_S: r = Z3_mk_bvslt(c, x, y); break;
    case DX_SV_LE_S: r = Z3_mk_bvsle(c, x, y); break;
    case DX_SV_BAND: {
        Z3_ast v[2] = {x, y};
        r = Z3_mk_and(c, 2, v);
        break;
    }
    case DX_SV_BOR: {
        Z3_ast v[2] = {x, y};
        r = Z3_mk_or(c, 2, v);
        break;
    }
    case DX_SV_IMPLIES: r = Z3_mk_implies(c, x, y); break;
    default: return NULL;
    }
    return term(s, r);
}

dx_term_t dx_sv_not(dx_solver_t *s, dx_term_t a)
{
    return usable(s, a) ? term(s, Z3_mk_not(s->ctx, (Z3_ast)a)) : NULL;
}

dx_term_t dx_sv_ite(dx_solver_t *s, dx_term_t c, dx_term_t a, dx_term_t b)
{
    if (!usable(s, c) || !usable(s, a) || !usable(s, b))
        return NULL;
    return term(s, Z3_mk_ite(s->ctx, (Z3_ast)c, (Z3_ast)a, (Z3_ast)b));
}

/* The width of a bit-vector term, or 0 (recorded as an error). */
static unsigned width_of(dx_solver_t *s, dx_term_t a)
{
    Z3_sort so = Z3_get_sort(s->ctx, (Z3_ast)a);
    if (!ok(s) || Z3_get_sort_kind(s->ctx, so) != Z3_BV_SORT) {
        if (!s->failed) {
            s->failed = true;
            snprintf(s->error, sizeof s->error, "a width change of a term that is no bit-vector");
        }
        return 0;
    }
    return Z3_get_bv_sort_size(s->ctx, so);
}

static dx_term_t resize(dx_solver_t *s, dx_term_t a, unsigned to, int how)
{
    if (!usable(s, a) || to == 0 || to > 64)
        return NULL;
    unsigned w = width_of(s, a);
    if (!w)
        return NULL;
    Z3_context c = s->ctx;
    if (how == 0) /* wrap */
        return to <= w ? term(s, Z3_mk_extract(c, to - 1, 0, (Z3_ast)a)) : NULL;
    if (to < w)
        return NULL;
    return term(s, how > 0 ? Z3_mk_zero_ext(c, to - w, (Z3_ast)a)
                           : Z3_mk_sign_ext(c, to - w, (Z3_ast)a));
}

dx_term_t dx_sv_zext(dx_solver_t *s, dx_term_t a, unsigned to) { return resize(s, a, to, 1); }
dx_term_t dx_sv_sext(dx_solver_t *s, dx_term_t a, unsigned to) { return resize(s, a, to, -1); }
dx_term_t dx_sv_wrap(dx_solver_t *s, dx_term_t a, unsigned to) { return resize(s, a, to, 0); }

/* ---- facts ------------------------------------------------------------------------- */
static bool is_bool(dx_solver_t *s, dx_term_t a)
{
    Z3_sort so = Z3_get_sort(s->ctx, (Z3_ast)a);
    return ok(s) && Z3_get_sort_kind(s->ctx, so) == Z3_BOOL_SORT;
}

bool dx_sv_assume(dx_solver_t *s, dx_term_t fact, uint32_t label)
{
    if (!usable(s, fact) || !is_bool(s, fact))
        return false;
    if (label == 0) {
        Z3_solver_assert(s->ctx, s->solver, (Z3_ast)fact);
        return ok(s);
    }
    if (s->ntracked == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        tracked_t *t = realloc(s->tracked, cap * sizeof *t);
        if (!t)
            return false;
        s->tracked = t, s->cap = cap;
    }
    char name[32];
    snprintf(name, sizeof name, "fact!%u", s->next_lit++);
    Z3_ast p = Z3_mk_const(s->ctx, Z3_mk_string_symbol(s->ctx, name), Z3_mk_bool_sort(s->ctx));
    Z3_solver_assert(s->ctx, s->solver, Z3_mk_implies(s->ctx, p, (Z3_ast)fact));
    if (!ok(s))
        return false;
    s->tracked[s->ntracked++] = (tracked_t){p, label};
    return true;
}

void dx_sv_push(dx_solver_t *s)
{
    if (s->failed || s->depth == sizeof s->marks / sizeof s->marks[0]) {
        s->failed = true;
        snprintf(s->error, sizeof s->error, "scopes nested too deep");
        return;
    }
    s->marks[s->depth++] = s->ntracked;
    Z3_solver_push(s->ctx, s->solver);
    ok(s);
}

void dx_sv_pop(dx_solver_t *s)
{
    if (s->failed || s->depth == 0)
        return;
    s->ntracked = s->marks[--s->depth];
    Z3_solver_pop(s->ctx, s->solver, 1);
    ok(s);
}

/* ---- questions --------------------------------------------------------------------- */
static uint64_t rlimit_count(dx_solver_t *s)
{
    Z3_stats st = Z3_solver_get_statistics(s->ctx, s->solver);
    if (!ok(s))
        return 0;
    Z3_stats_inc_ref(s->ctx, st);
    uint64_t n = 0;
    for (unsigned i = 0, k = Z3_stats_size(s->ctx, st); i < k; i++)
        if (strcmp(Z3_stats_get_key(s->ctx, st, i), "rlimit count") == 0)
            n = Z3_stats_is_uint(s->ctx, st, i) ? Z3_stats_get_uint_value(s->ctx, st, i)
                                                 : (uint64_t)Z3_stats_get_double_value(s->ctx, st, i);
    Z3_stats_dec_ref(s->ctx, st);
    return n;
}

dx_solve_t dx_sv_prove(dx_solver_t *s, dx_term_t goal, uint32_t *core, size_t room,
                       size_t *ncore)
{
    if (ncore)
        *ncore = 0;
    if (!usable(s, goal) || !is_bool(s, goal))
        return DX_SOLVE_ERROR;
    /* What simplifies to true needs no search, and no facts: constant
     * addresses, masks within the bound, ... (a fast path, and free). */
    Z3_ast simple = Z3_simplify(s->ctx, (Z3_ast)goal);
    if (!ok(s))
        return DX_SOLVE_ERROR;
    if (Z3_is_eq_ast(s->ctx, simple, Z3_mk_true(s->ctx)))
        return DX_SOLVE_PROVED;
    if (s->budget && s->spent >= s->budget)
        return DX_SOLVE_UNPROVED; /* the module's budget is gone */
    uint64_t left = s->budget ? s->budget - s->spent : 0;
    if (s->per_query && (!left || left > s->per_query))
        left = s->per_query;
    Z3_params p = Z3_mk_params(s->ctx);
    Z3_params_inc_ref(s->ctx, p);
    Z3_params_set_uint(s->ctx, p, Z3_mk_string_symbol(s->ctx, "rlimit"),
                       left > UINT32_MAX ? UINT32_MAX : (unsigned)left);
    Z3_solver_set_params(s->ctx, s->solver, p);
    Z3_params_dec_ref(s->ctx, p);
    Z3_solver_push(s->ctx, s->solver);
    Z3_solver_assert(s->ctx, s->solver, Z3_mk_not(s->ctx, (Z3_ast)goal));
    if (!ok(s))
        return DX_SOLVE_ERROR;
    Z3_ast *lits = malloc((s->ntracked + 1) * sizeof *lits);
    if (!lits)
        return DX_SOLVE_UNPROVED;
    for (size_t i = 0; i < s->ntracked; i++)
        lits[i] = s->tracked[i].lit;
    uint64_t before = rlimit_count(s);
    Z3_lbool r = Z3_solver_check_assumptions(s->ctx, s->solver, (unsigned)s->ntracked, lits);
    free(lits);
    uint64_t after = rlimit_count(s);
    s->spent += after > before ? after - before : 0;
    dx_solve_t verdict = r == Z3_L_FALSE ? DX_SOLVE_PROVED
                       : r == Z3_L_TRUE ? DX_SOLVE_REFUTED : DX_SOLVE_UNPROVED;
    if (verdict == DX_SOLVE_PROVED && core && ncore) {
        Z3_ast_vector v = Z3_solver_get_unsat_core(s->ctx, s->solver);
        Z3_ast_vector_inc_ref(s->ctx, v);
        for (unsigned i = 0, n = Z3_ast_vector_size(s->ctx, v); i < n; i++) {
            Z3_ast a = Z3_ast_vector_get(s->ctx, v, i);
            for (size_t k = 0; k < s->ntracked; k++)
                if (Z3_is_eq_ast(s->ctx, a, s->tracked[k].lit) && *ncore < room)
                    core[(*ncore)++] = s->tracked[k].label;
        }
        Z3_ast_vector_dec_ref(s->ctx, v);
    }
    Z3_solver_pop(s->ctx, s->solver, 1);
    if (!ok(s))
        return DX_SOLVE_ERROR;
    return verdict;
}

const char *dx_solve_name(dx_solve_t r)
{
    static const char *const names[] = {"proved", "refuted", "unproved", "error"};
    return (unsigned)r < 4 ? names[r] : "?";
}
