/*
 * Ranges (ranges.h): one forward pass per function body.
 *
 * The state at a point: whether it is reached, and a range for every local
 * and every tracked global (mutable, i32 or i64). Operand-stack values are
 * ranges too, and remember the local they were read from (and that local's
 * version then), so that a comparison's outcome can narrow the local on
 * each side of a branch. Paths meet by joining their ranges. A loop's
 * head gets a state its entry and every branch back stay within: the body
 * is walked again, silently, to find one (at most three more times, two
 * loops deep, within a work limit per function); failing that, the loop
 * is cut (the locals it writes are anything there, the globals it may
 * write hold only their module-wide range).
 *
 * Arithmetic is exact where no wrap-around can happen and gives up (any
 * value) where one can: the bounds are checked in 128 bits.
 */
#include "ranges.h"

#define PAGE 65536u
#define INF INT64_MAX /* a constant upper end this large: no bound */
#define MAX_TRACKED 64

typedef unsigned __int128 u128;
typedef __int128 s128;

typedef struct {
    dx_rg_t r;
    uint8_t w;     /* 32 or 64 */
    uint32_t src;  /* 1 + the local it is computed from, or 0 */
    uint32_t ver;  /* that local's version when read */
    int64_t delta; /* the value is exactly the local's + delta */
    int32_t cond;  /* a comparison's result: its index in conds, or -1 */
} av_t;

typedef struct {
    uint8_t op;    /* LT_U, LE_U, LT_S, LE_S, EQ (of the i32 forms) */
    bool neg;      /* the value is the comparison's negation */
    av_t a, b;
} cond_t;

typedef struct {
    bool reach;
    dx_rg_t *locals;
    dx_rg_t *globals; /* tracked */
} state_t;

typedef struct {
    dx_op_t op;       /* BLOCK, LOOP, IF, or END for the function's own */
    uint32_t height, nparams, nresults;
    const dx_valtype_t *params, *results;
    state_t end;      /* the join of what reaches the end */
    dx_rg_t *end_vals;
    state_t els;      /* if: the state for the else branch */
    av_t *els_vals;
    bool has_else;
    uint32_t loop;    /* LOOP: its ordinal */
} frame_t;

typedef struct {
    const dx_rg_env_t *e;
    const dx_rg_hooks_t *h;
    dx_arena_t *ar;
    bool oom;
    uint32_t func, nlocals, ntracked;
    uint8_t *lwidth;       /* per local: 32 or 64 */
    uint32_t *gslot;       /* per global: tracked slot or UINT32_MAX */
    uint32_t *gof;         /* per slot: the global */
    uint32_t *ver;         /* per local: bumped at every write */
    state_t cur;
    av_t *stack;
    uint32_t height;
    size_t stack_cap;
    frame_t *frames;
    uint32_t depth;
    size_t frames_cap;
    cond_t *conds;
    uint32_t nconds;
    size_t conds_cap;
    const dx_body_t *body; /* the instructions, and what each loop writes */
    size_t pc;             /* the next instruction */
    uint32_t next_loop;
    state_t *back;         /* per loop: what branches back to its head bring */
    uint32_t fixing;       /* loop bodies being walked silently, nested */
    uint64_t work, max_work; /* instructions walked, and the most allowed */
} walk_t;

/* ---- the domain ------------------------------------------------------------------- */
dx_rg_t dx_rg_top(unsigned width)
{
    return (dx_rg_t){0, width == 32 ? (int64_t)UINT32_MAX : INF, false};
}

dx_rg_t dx_rg_const(uint64_t v)
{
    return (dx_rg_t){v, v > (uint64_t)INF - 1 ? INF : (int64_t)v, false};
}

dx_rg_t dx_rg_bottom(void) { return (dx_rg_t){1, 0, false}; }

bool dx_rg_is_bottom(dx_rg_t r) { return !r.mem && r.hi != INF && (s128)r.lo > r.hi; }

bool dx_rg_is_top(dx_rg_t r, unsigned width)
{
    return r.lo == 0 && !r.mem && r.hi >= (width == 32 ? (int64_t)UINT32_MAX : INF);
}

static u128 umax(const dx_rg_env_t *e, dx_rg_t a)
{
    if (a.mem) {
        s128 v = (s128)a.hi + (s128)e->mem_max;
        return v < 0 ? 0 : (u128)v;
    }
    return a.hi == INF ? (u128)UINT64_MAX : a.hi < 0 ? 0 : (u128)a.hi;
}

uint64_t dx_rg_max(const dx_rg_env_t *e, dx_rg_t a)
{
    u128 v = umax(e, a);
    return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

static u128 wmax(unsigned w) { return w == 32 ? (u128)UINT32_MAX : (u128)UINT64_MAX; }

/* A range from its ends, as integers: an upper end past the width's is
 * no bound. */
static dx_rg_t mk(uint64_t lo, s128 hi, bool mem, unsigned w)
{
    if (mem) {
        if (hi > INT64_MAX / 2 || hi < -(s128)(INT64_MAX / 2))
            return dx_rg_top(w);
        return (dx_rg_t){lo, (int64_t)hi, true};
    }
    if (hi >= (s128)wmax(w) || hi >= INF)
        return (dx_rg_t){lo, w == 32 ? (int64_t)UINT32_MAX : INF, false};
    return (dx_rg_t){lo, (int64_t)hi, false};
}

/* An upper end as relative to memsize: v <= C implies v <= memsize + (C
 * - min), since memsize >= min. */
static int64_t as_mem(const dx_rg_env_t *e, dx_rg_t a)
{
    return a.mem ? a.hi : (int64_t)((s128)a.hi - (s128)e->mem_min);
}

dx_rg_t dx_rg_join(const dx_rg_env_t *e, dx_rg_t a, dx_rg_t b)
{
    if (dx_rg_is_bottom(a))
        return b;
    if (dx_rg_is_bottom(b))
        return a;
    uint64_t lo = a.lo < b.lo ? a.lo : b.lo;
    if (a.mem == b.mem)
        return (dx_rg_t){lo, a.hi > b.hi ? a.hi : b.hi, a.mem};
    if ((!a.mem && a.hi == INF) || (!b.mem && b.hi == INF))
        return (dx_rg_t){lo, INF, false};
    int64_t x = as_mem(e, a), y = as_mem(e, b);
    return (dx_rg_t){lo, x > y ? x : y, true};
}

/* Of two upper ends, the lower where memory is at its smallest. */
static dx_rg_t tighter(const dx_rg_env_t *e, dx_rg_t a, dx_rg_t b)
{
    if (a.mem == b.mem)
        return a.hi <= b.hi ? a : b;
    dx_rg_t c = a.mem ? b : a, m = a.mem ? a : b;
    if (c.hi == INF)
        return m;
    return (s128)c.hi <= (s128)e->mem_min + m.hi ? c : m;
}

dx_rg_t dx_rg_meet(const dx_rg_env_t *e, dx_rg_t a, dx_rg_t b)
{
    dx_rg_t t = tighter(e, a, b);
    t.lo = a.lo > b.lo ? a.lo : b.lo;
    return t;
}

bool dx_rg_within(const dx_rg_env_t *e, dx_rg_t a, dx_rg_t b)
{
    if (dx_rg_is_bottom(a))
        return true;
    if (a.lo < b.lo)
        return false;
    if (!b.mem)
        return b.hi == INF || umax(e, a) <= (u128)(b.hi < 0 ? 0 : b.hi);
    if (a.mem)
        return a.hi <= b.hi;
    return a.hi != INF && (s128)a.hi <= (s128)e->mem_min + b.hi;
}

/* Every v in a has v + k <= memsize. */
static bool in_memory(const dx_rg_env_t *e, dx_rg_t a, uint64_t k)
{
    if (dx_rg_is_bottom(a))
        return true;
    if (a.mem)
        return (s128)a.hi + (s128)k <= 0;
    return a.hi != INF && (s128)a.hi + (s128)k <= (s128)e->mem_min;
}

static bool exact(dx_rg_t a, uint64_t *v)
{
    if (a.mem || a.hi == INF || (s128)a.lo != a.hi)
        return false;
    *v = a.lo;
    return true;
}

/* ---- arithmetic ---------------------------------------------------------------------- */
static dx_rg_t sub(const dx_rg_env_t *e, dx_rg_t a, dx_rg_t b, unsigned w)
{
    u128 bm = umax(e, b);
    if ((u128)a.lo < bm || dx_rg_is_bottom(a) || dx_rg_is_bottom(b))
        return dx_rg_top(w);
    if (!a.mem && a.hi == INF)
        return (dx_rg_t){(uint64_t)(a.lo - bm), INF, false};
    return mk((uint64_t)(a.lo - bm), (s128)a.hi - (s128)b.lo, a.mem, w);
}

static dx_rg_t add(const dx_rg_env_t *e, dx_rg_t a, dx_rg_t b, unsigned w)
{
    uint64_t k;
    /* adding a constant that is negative as a signed number: subtracting */
    if (exact(b, &k) && k > (uint64_t)(wmax(w) >> 1))
        return sub(e, a, dx_rg_const((uint64_t)(wmax(w) - k + 1)), w);
    if (exact(a, &k) && k > (uint64_t)(wmax(w) >> 1))
        return sub(e, b, dx_rg_const((uint64_t)(wmax(w) - k + 1)), w);
    u128 top = umax(e, a) + umax(e, b);
    if (top > wmax(w))
        return dx_rg_top(w);
    uint64_t lo = a.lo + b.lo;
    if (a.mem && b.mem)
        return mk(lo, (s128)top, false, w);
    return mk(lo, (s128)a.hi + (s128)b.hi, a.mem || b.mem, w);
}

static dx_rg_t mul(const dx_rg_env_t *e, dx_rg_t a, dx_rg_t b, unsigned w)
{
    u128 top = umax(e, a) * umax(e, b);
    if (a.mem || b.mem || top > wmax(w))
        return dx_rg_top(w);
    return mk((uint64_t)((u128)a.lo * b.lo), (s128)top, false, w);
}

/* a <= x (as an upper end), lower end lo */
static dx_rg_t bounded_by(dx_rg_t a, uint64_t lo) { return (dx_rg_t){lo, a.hi, a.mem}; }

static dx_rg_t shift(const dx_rg_env_t *e, dx_op_t op, dx_rg_t a, dx_rg_t b, unsigned w)
{
    uint64_t k = 0;
    bool ek = exact(b, &k);
    k %= w;
    bool nonneg = umax(e, a) <= (wmax(w) >> 1);
    switch (op) {
    case DX_OP_I32_SHL: case DX_OP_I64_SHL:
        return ek ? mul(e, a, dx_rg_const((uint64_t)1 << k), w) : dx_rg_top(w);
    case DX_OP_I32_SHR_S: case DX_OP_I64_SHR_S:
        if (!nonneg)
            return dx_rg_top(w);
        /* a non-negative value shifts as unsigned */
        __attribute__((fallthrough));
    default:
        if (ek && !a.mem)
            return mk(a.lo >> k, (s128)(umax(e, a) >> k), false, w);
        return bounded_by(a, 0);
    }
}

static dx_rg_t divrem(const dx_rg_env_t *e, dx_op_t op, dx_rg_t a, dx_rg_t b, unsigned w)
{
    bool sgn = op == DX_OP_I32_DIV_S || op == DX_OP_I64_DIV_S || op == DX_OP_I32_REM_S ||
               op == DX_OP_I64_REM_S;
    if (sgn && (umax(e, a) > (wmax(w) >> 1) || umax(e, b) > (wmax(w) >> 1)))
        return dx_rg_top(w);
    u128 bm = umax(e, b);
    if (op == DX_OP_I32_REM_U || op == DX_OP_I64_REM_U || op == DX_OP_I32_REM_S ||
        op == DX_OP_I64_REM_S) /* below the divisor (0 traps), at most the dividend */
        return bm ? tighter(e, bounded_by(a, 0), mk(0, (s128)bm - 1, false, w))
                  : bounded_by(a, 0);
    uint64_t d = b.lo ? b.lo : 1, am = dx_rg_max(e, a), bmax = dx_rg_max(e, b);
    return mk(bmax ? a.lo / bmax : 0, (s128)(am / d), false, w);
}

static dx_rg_t bitwise(const dx_rg_env_t *e, dx_op_t op, dx_rg_t a, dx_rg_t b, unsigned w)
{
    if (op == DX_OP_I32_AND || op == DX_OP_I64_AND) /* at most either */
        return tighter(e, bounded_by(a, 0), bounded_by(b, 0));
    /* or and xor: at most the sum */
    u128 top = umax(e, a) + umax(e, b);
    if (top > wmax(w))
        return dx_rg_top(w);
    dx_rg_t s = add(e, bounded_by(a, 0), bounded_by(b, 0), w);
    s.lo = op == DX_OP_I32_OR || op == DX_OP_I64_OR ? (a.lo > b.lo ? a.lo : b.lo) : 0;
    return s;
}

/* A value narrowed to width to (a wrap or a sign extension from `from`
 * bits): unchanged when it already fits below 2^from (2^(from-1) signed). */
static dx_rg_t narrowed(const dx_rg_env_t *e, dx_rg_t a, unsigned from, bool sign, unsigned to)
{
    u128 lim = ((u128)1 << (sign ? from - 1 : from)) - 1;
    return umax(e, a) <= lim ? a : dx_rg_top(to);
}

/* ---- states and values ------------------------------------------------------------ */
static void *alloc_raw(walk_t *g, size_t n);

static void *alloc(walk_t *g, size_t n)
{
    void *p = alloc_raw(g, n);
    if (p)
        __builtin_memset(p, 0, n);
    return p;
}

/* alloc, without zeroing: for what is copied over at once */
static void *alloc_raw(walk_t *g, size_t n)
{
    if (g->e->max_memory && g->ar->total > g->e->max_memory) {
        g->oom = true;
        return NULL;
    }
    void *p = dx_arena_alloc_raw(g->ar, n ? n : 1);
    if (!p)
        g->oom = true;
    return p;
}

static void copy_n(void *dst, const void *src, size_t n)
{
    if (n)
        __builtin_memcpy(dst, src, n);
}

static bool copy_state(walk_t *g, state_t *dst, const state_t *src)
{
    dst->reach = src->reach;
    dst->locals = alloc_raw(g, g->nlocals * sizeof(dx_rg_t));
    dst->globals = alloc_raw(g, g->ntracked * sizeof(dx_rg_t));
    if (g->oom)
        return false;
    copy_n(dst->locals, src->locals, g->nlocals * sizeof(dx_rg_t));
    copy_n(dst->globals, src->globals, g->ntracked * sizeof(dx_rg_t));
    return true;
}

static void join_state(walk_t *g, state_t *acc, const state_t *src)
{
    if (!src->reach)
        return;
    if (!acc->reach) {
        copy_state(g, acc, src);
        return;
    }
    for (uint32_t i = 0; i < g->nlocals; i++)
        acc->locals[i] = dx_rg_join(g->e, acc->locals[i], src->locals[i]);
    for (uint32_t i = 0; i < g->ntracked; i++)
        acc->globals[i] = dx_rg_join(g->e, acc->globals[i], src->globals[i]);
}

static av_t val(dx_rg_t r, unsigned w) { return (av_t){r, (uint8_t)w, 0, 0, 0, -1}; }

/* Room for one more of n items in *items. */
static bool room(walk_t *g, void *items, size_t n, size_t *cap, size_t size)
{
    void *p = dx_arena_grow(g->ar, *(void **)items, n, cap, size, 64);
    if (!p)
        g->oom = true;
    else
        *(void **)items = p;
    return p != NULL;
}

static void push(walk_t *g, av_t v)
{
    if (room(g, &g->stack, g->height, &g->stack_cap, sizeof *g->stack))
        g->stack[g->height++] = v;
}

static av_t pop(walk_t *g)
{
    uint32_t floor = g->depth ? g->frames[g->depth - 1].height : 0;
    if (g->height <= floor)
        return val(dx_rg_top(64), 64); /* unreachable code's polymorphic stack */
    return g->stack[--g->height];
}

static unsigned width_of(dx_valtype_t t) { return t == DX_T_I32 || t == DX_T_F32 ? 32 : 64; }

/* The globals a call or a loop may change: back to what they always hold. */
static void forget_globals(walk_t *g)
{
    for (uint32_t j = 0; j < g->ntracked; j++)
        g->cur.globals[j] = g->e->globals[g->gof[j]];
}

/* ---- conditions ---------------------------------------------------------------------- */
static av_t condition(walk_t *g, uint8_t op, av_t a, av_t b)
{
    av_t r = val((dx_rg_t){0, 1, false}, 32);
    if (!room(g, &g->conds, g->nconds, &g->conds_cap, sizeof *g->conds))
        return r;
    a.cond = b.cond = -1;
    g->conds[g->nconds] = (cond_t){op, false, a, b};
    r.cond = (int32_t)g->nconds++;
    return r;
}

/* x narrowed to r in the current state, and so the local x is computed
 * from, if it still holds the value x was computed from (x = local +
 * delta exactly, with no wrap-around); an empty range: the path is not
 * taken. */
static void narrow(walk_t *g, const av_t *x, dx_rg_t r)
{
    dx_rg_t n = dx_rg_meet(g->e, x->r, r);
    if (x->src && g->ver[x->src - 1] == x->ver && !dx_rg_is_bottom(n)) {
        s128 lo = (s128)n.lo - x->delta, hi = (s128)n.hi - x->delta;
        bool bounded = n.mem || n.hi != INF;
        dx_rg_t l = bounded ? mk(lo < 0 ? 0 : (uint64_t)lo, hi, n.mem, x->w)
                            : (dx_rg_t){lo < 0 ? 0 : (uint64_t)lo, dx_rg_top(x->w).hi, false};
        if (lo <= (s128)UINT64_MAX && (bounded ? hi >= 0 || n.mem : true))
            g->cur.locals[x->src - 1] = dx_rg_meet(g->e, g->cur.locals[x->src - 1], l);
    }
    if ((u128)n.lo > umax(g->e, n))
        g->cur.reach = false;
}

/* The ranges a signed comparison gives when it is an unsigned one: both
 * sides non-negative. */
static bool nonneg(walk_t *g, const av_t *x) { return umax(g->e, x->r) <= (wmax(x->w) >> 1); }

/* What a < b (strict) or a <= b, known to hold, says about each side. */
static void less(walk_t *g, const av_t *a, const av_t *b, bool strict)
{
    uint64_t s = strict;
    if (!(!b->r.mem && b->r.hi == INF))
        narrow(g, a, mk(0, (s128)b->r.hi - s, b->r.mem, a->w));
    if ((u128)a->r.lo + s <= wmax(b->w))
        narrow(g, b, (dx_rg_t){a->r.lo + s, dx_rg_top(b->w).hi, false});
}

/* The current state narrowed by condition c being `truth`. */
static void refine(walk_t *g, int32_t ci, bool truth)
{
    if (ci < 0 || (uint32_t)ci >= g->nconds)
        return;
    const cond_t *c = &g->conds[ci];
    bool t = truth != c->neg;
    const av_t *a = &c->a, *b = &c->b;
    uint64_t k, smax = (uint64_t)(wmax(a->w) >> 1);
    switch (c->op) {
    case DX_OP_I32_LT_S: case DX_OP_I32_LE_S:
        if (!nonneg(g, a) || !nonneg(g, b)) {
            bool strict = c->op == DX_OP_I32_LT_S;
            /* a >= b (or a > b) with b a non-negative constant: a is
             * non-negative too, and at least b */
            if (!t && exact(b->r, &k) && k <= smax && (k < smax || strict))
                narrow(g, a, (dx_rg_t){strict ? k : k + 1, (int64_t)smax, false});
            if (t && exact(a->r, &k) && k <= smax && (k < smax || !strict))
                narrow(g, b, (dx_rg_t){strict ? k + 1 : k, (int64_t)smax, false});
            return;
        }
        /* both non-negative: as unsigned */
        __attribute__((fallthrough));
    case DX_OP_I32_LT_U: case DX_OP_I32_LE_U: {
        bool strict = c->op == DX_OP_I32_LT_U || c->op == DX_OP_I32_LT_S;
        if (t)
            less(g, a, b, strict);
        else
            less(g, b, a, !strict);
        return;
    }
    case DX_OP_I32_EQ:
        if (t) {
            narrow(g, a, b->r);
            narrow(g, b, a->r);
        } else if (exact(b->r, &k)) {
            dx_rg_t r = a->r;
            if (r.lo == k)
                r.lo++;
            if (!r.mem && r.hi != INF && (uint64_t)r.hi == k && k)
                r.hi--;
            narrow(g, a, r);
        }
        return;
    default: return;
    }
}

/* ---- control ------------------------------------------------------------------------------- */
static frame_t *open_frame(walk_t *g, dx_op_t op, int64_t bt)
{
    if (!room(g, &g->frames, g->depth, &g->frames_cap, sizeof *g->frames))
        return NULL;
    frame_t *f = &g->frames[g->depth++];
    __builtin_memset(f, 0, sizeof *f);
    f->op = op;
    dx_block_sig(g->e->m, bt, &f->nparams, &f->params, &f->nresults, &f->results);
    f->height = g->height >= f->nparams ? g->height - f->nparams : 0;
    return f;
}

/* What reaches frame f's end from here, with its n results on the stack. */
static void reach_end(walk_t *g, frame_t *f)
{
    uint32_t n = f->nresults;
    if (!g->cur.reach || g->height < n)
        return;
    const av_t *vals = n ? g->stack + g->height - n : NULL;
    bool first = !f->end.reach;
    join_state(g, &f->end, &g->cur);
    if (first && !(f->end_vals = alloc(g, (n + 1) * sizeof(dx_rg_t))))
        return;
    for (uint32_t i = 0; i < n; i++)
        f->end_vals[i] = first ? vals[i].r : dx_rg_join(g->e, f->end_vals[i], vals[i].r);
}

static void branch(walk_t *g, uint32_t label)
{
    if (label >= g->depth)
        return;
    frame_t *f = &g->frames[g->depth - 1 - label];
    if (f->op != DX_OP_LOOP)
        reach_end(g, f);
    else if (f->loop < g->body->nloops) /* back to the head: what it brings */
        join_state(g, &g->back[f->loop], &g->cur);
}

/* The cut: the locals the loop writes are anything at its head, the
 * globals it may change hold their module-wide range. */
static void cut(walk_t *g, uint32_t loop)
{
    for (uint32_t j = 0; j < g->nlocals; j++)
        if (dx_body_writes(g->body, loop, j)) {
            g->cur.locals[j] = dx_rg_top(g->lwidth[j]);
            g->ver[j]++;
        }
    if (loop >= g->body->nloops || g->body->wglobals[loop])
        forget_globals(g);
}

static bool state_within(walk_t *g, const state_t *a, const state_t *b)
{
    if (!a->reach)
        return true;
    if (!b->reach)
        return false;
    for (uint32_t i = 0; i < g->nlocals; i++)
        if (!dx_rg_within(g->e, a->locals[i], b->locals[i]))
            return false;
    for (uint32_t i = 0; i < g->ntracked; i++)
        if (!dx_rg_within(g->e, a->globals[i], b->globals[i]))
            return false;
    return true;
}

/* A range that grew past old: the ends that moved go as far as they can. */
static dx_rg_t widen(walk_t *g, dx_rg_t old, dx_rg_t grown, unsigned w)
{
    dx_rg_t r = dx_rg_join(g->e, old, grown);
    if (r.lo < old.lo)
        r.lo = 0;
    if (!dx_rg_within(g->e, (dx_rg_t){0, r.hi, r.mem}, (dx_rg_t){0, old.hi, old.mem}))
        r.hi = dx_rg_top(w).hi, r.mem = false;
    return r;
}

static void insn(walk_t *g, const dx_insn_t *in);

/* Walks the body of the loop just opened (frame index fi, ordinal loop)
 * from head without telling anyone, and returns what branches back to the
 * head bring. The walk's position, stack and frames are restored after. */
static state_t walk_body(walk_t *g, uint32_t fi, uint32_t loop, const state_t *head)
{
    static const dx_rg_hooks_t none;
    const dx_rg_hooks_t *h = g->h;
    size_t saved = g->pc;
    uint32_t height = g->height, next = g->next_loop;
    /* what the enclosing frames have gathered so far: a silent walk must
     * not add to it (the head it walks from is not the final one) */
    frame_t *frames = alloc(g, (fi + 1) * sizeof *frames);
    if (!frames)
        return (state_t){0};
    for (uint32_t j = 0; j <= fi; j++) {
        frames[j] = g->frames[j];
        if (g->frames[j].end.reach)
            copy_state(g, &frames[j].end, &g->frames[j].end);
        uint32_t n = g->frames[j].nresults;
        if (g->frames[j].end_vals && (frames[j].end_vals = alloc(g, (n + 1) * sizeof(dx_rg_t))))
            copy_n(frames[j].end_vals, g->frames[j].end_vals, n * sizeof(dx_rg_t));
    }
    state_t entry = g->cur, back = {0};
    g->h = &none;
    g->fixing++;
    g->back[loop] = back;
    copy_state(g, &g->cur, head);
    while (!g->oom && g->depth > fi && g->pc < g->body->n) {
        g->work++;
        insn(g, &g->body->insns[g->pc++]);
    }
    back = g->back[loop];
    g->fixing--;
    g->h = h;
    g->pc = saved;
    g->height = height, g->next_loop = next, g->depth = fi + 1;
    copy_n(g->frames, frames, (fi + 1) * sizeof *frames);
    g->cur = entry;
    return back;
}

/* The state at a loop's head: one that the entry and every way back to
 * the head stay within, found by walking the body again (plainly, then
 * widened, then narrowed once); or, when none is found within the work
 * allowed, the cut. Either way nothing is assumed that a path to the head
 * can break. */
static void enter_loop(walk_t *g, frame_t *f)
{
    uint32_t loop = f->loop = g->next_loop++, fi = (uint32_t)(f - g->frames);
    for (uint32_t i = 0; i < f->nparams && g->height >= f->nparams; i++)
        g->stack[g->height - f->nparams + i] = val(dx_rg_top(width_of(f->params[i])),
                                                   width_of(f->params[i]));
    if (!g->cur.reach || loop >= g->body->nloops || g->fixing >= 2 || g->work > g->max_work) {
        cut(g, loop);
        return;
    }
    state_t entry, head, wide;
    if (!copy_state(g, &entry, &g->cur) || !copy_state(g, &head, &g->cur))
        return;
    state_t back = walk_body(g, fi, loop, &head);
    if (!state_within(g, &back, &head)) {
        /* widened: every range the way back made grow */
        if (!copy_state(g, &wide, &head))
            return;
        for (uint32_t i = 0; i < g->nlocals; i++)
            if (back.reach)
                wide.locals[i] = widen(g, head.locals[i], back.locals[i], g->lwidth[i]);
        for (uint32_t i = 0; i < g->ntracked; i++)
            if (back.reach)
                wide.globals[i] = widen(g, head.globals[i], back.globals[i],
                                        width_of(g->e->m->globals[g->gof[i]].type));
        back = walk_body(g, fi, loop, &wide);
        bool ok = state_within(g, &back, &wide);
        /* narrowed: the entry with what the widened head brings back */
        head = entry;
        if (copy_state(g, &head, &entry))
            join_state(g, &head, &back);
        back = walk_body(g, fi, loop, &head);
        if (!state_within(g, &back, &head)) {
            if (!ok || g->oom) {
                cut(g, loop);
                return;
            }
            head = wide;
        }
    }
    for (uint32_t j = 0; j < g->nlocals; j++)
        if (dx_body_writes(g->body, loop, j))
            g->ver[j]++;
    g->cur = head;
}

static void close_frame(walk_t *g, size_t insn)
{
    frame_t *f = &g->frames[g->depth - 1];
    uint32_t n = f->nresults;
    if (f->op == DX_OP_LOOP) { /* a loop's end is its fallthrough */
        g->depth--;
        return;
    }
    reach_end(g, f);
    if (f->op == DX_OP_IF && !f->has_else) { /* the else: parameters pass through */
        g->cur = f->els;
        g->height = f->height;
        for (uint32_t i = 0; i < f->nparams && f->els_vals; i++)
            push(g, f->els_vals[i]);
        reach_end(g, f);
    }
    g->height = f->height;
    if (f->end.reach) {
        g->cur = f->end;
        for (uint32_t i = 0; i < n; i++)
            push(g, val(f->end_vals[i], width_of(f->results[i])));
        if (g->depth == 1 && g->h->exit)
            g->h->exit(g->h->ctx, insn, f->end_vals, n);
    } else {
        g->cur.reach = false;
        for (uint32_t i = 0; i < n; i++)
            push(g, val(dx_rg_top(width_of(f->results[i])), width_of(f->results[i])));
    }
    g->depth--;
}

static bool control(walk_t *g, const dx_insn_t *in)
{
    frame_t *f;
    av_t c;
    switch (in->op) {
    case DX_OP_UNREACHABLE: g->cur.reach = false; return true;
    case DX_OP_NOP: return true;
    case DX_OP_BLOCK: open_frame(g, in->op, in->u.block.type); return true;
    case DX_OP_LOOP:
        if ((f = open_frame(g, in->op, in->u.block.type)))
            enter_loop(g, f);
        return true;
    case DX_OP_IF:
        c = pop(g);
        if (!(f = open_frame(g, in->op, in->u.block.type)) || !copy_state(g, &f->els, &g->cur) ||
            !(f->els_vals = alloc(g, (f->nparams + 1) * sizeof(av_t))))
            return true;
        for (uint32_t i = 0; i < f->nparams && g->height >= f->nparams; i++)
            f->els_vals[i] = g->stack[g->height - f->nparams + i];
        { /* the else branch's state is narrowed by the condition failing */
            state_t then = g->cur;
            g->cur = f->els;
            refine(g, c.cond, false);
            f->els = g->cur;
            g->cur = then;
        }
        refine(g, c.cond, true);
        return true;
    case DX_OP_ELSE:
        if (!g->depth)
            return true;
        f = &g->frames[g->depth - 1];
        reach_end(g, f);
        f->has_else = true;
        g->cur = f->els;
        g->height = f->height;
        for (uint32_t i = 0; i < f->nparams && f->els_vals; i++)
            push(g, f->els_vals[i]);
        return true;
    case DX_OP_END:
        if (g->depth)
            close_frame(g, in->offset);
        return true;
    case DX_OP_BR: branch(g, in->u.index); g->cur.reach = false; return true;
    case DX_OP_BR_IF: {
        c = pop(g);
        if (!g->cur.reach)
            return true;
        if (c.cond < 0) { /* nothing to narrow: both ways have this state */
            branch(g, in->u.index);
            return true;
        }
        state_t here;
        if (!copy_state(g, &here, &g->cur))
            return true;
        refine(g, c.cond, true);
        if (g->cur.reach)
            branch(g, in->u.index);
        g->cur = here;
        refine(g, c.cond, false);
        return true;
    }
    case DX_OP_BR_TABLE:
        pop(g);
        for (uint32_t i = 0; i < in->u.br_table.count; i++)
            branch(g, in->u.br_table.targets[i]);
        branch(g, in->u.br_table.deflt);
        g->cur.reach = false;
        return true;
    case DX_OP_RETURN: branch(g, g->depth - 1); g->cur.reach = false; return true;
    default: return false;
    }
}

/* ---- instructions --------------------------------------------------------------------------- */
static void call(walk_t *g, const dx_insn_t *in, const dx_functype_t *t, uint32_t callee)
{
    dx_rg_t *args = alloc(g, (t->nparams + 1) * sizeof *args);
    if (!args)
        return;
    for (uint32_t i = t->nparams; i-- > 0;)
        args[i] = g->cur.reach ? pop(g).r : (pop(g), dx_rg_bottom());
    if (callee != UINT32_MAX && callee >= g->e->m->nfunc_imports && g->h->call)
        g->h->call(g->h->ctx, in->offset, callee, args, t->nparams);
    forget_globals(g);
    const dx_rg_t *res = callee != UINT32_MAX ? g->e->results[callee] : NULL;
    for (uint32_t i = 0; i < t->nresults; i++) {
        unsigned w = width_of(t->results[i]);
        push(g, val(res && !dx_rg_is_bottom(res[i]) ? res[i] : dx_rg_top(w), w));
    }
}

static void access(walk_t *g, const dx_insn_t *in, const dx_siginfo_t *si)
{
    bool store = si->npush == 0;
    if (store)
        pop(g);
    av_t a = pop(g);
    unsigned n = dx_opinfo[in->op].width;
    uint64_t end = in->u.memarg.offset + n;
    if (g->h->access)
        g->h->access(g->h->ctx, in->offset, store, !g->cur.reach || in_memory(g->e, a.r, end));
    /* past the access, it was in bounds (proved, or checked: it traps) */
    narrow(g, &a, (dx_rg_t){0, -(int64_t)end, true});
    if (store)
        return;
    unsigned w = width_of(si->push);
    bool narrow_u = in->op == DX_OP_I32_LOAD8_U || in->op == DX_OP_I32_LOAD16_U ||
                    in->op == DX_OP_I64_LOAD8_U || in->op == DX_OP_I64_LOAD16_U ||
                    in->op == DX_OP_I64_LOAD32_U;
    push(g, val(narrow_u ? mk(0, ((s128)1 << (8 * n)) - 1, false, w) : dx_rg_top(w), w));
}

/* The i32 form of a comparison (the i64 forms follow theirs), swapped for
 * gt and ge; 0: not one. */
static uint8_t cmp_form(dx_op_t op, bool *swap)
{
    static const struct { dx_op_t op32, op64, form; bool swap; } t[] = {
        {DX_OP_I32_EQ, DX_OP_I64_EQ, DX_OP_I32_EQ, false},
        {DX_OP_I32_LT_U, DX_OP_I64_LT_U, DX_OP_I32_LT_U, false},
        {DX_OP_I32_LE_U, DX_OP_I64_LE_U, DX_OP_I32_LE_U, false},
        {DX_OP_I32_GT_U, DX_OP_I64_GT_U, DX_OP_I32_LT_U, true},
        {DX_OP_I32_GE_U, DX_OP_I64_GE_U, DX_OP_I32_LE_U, true},
        {DX_OP_I32_LT_S, DX_OP_I64_LT_S, DX_OP_I32_LT_S, false},
        {DX_OP_I32_LE_S, DX_OP_I64_LE_S, DX_OP_I32_LE_S, false},
        {DX_OP_I32_GT_S, DX_OP_I64_GT_S, DX_OP_I32_LT_S, true},
        {DX_OP_I32_GE_S, DX_OP_I64_GE_S, DX_OP_I32_LE_S, true},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (op == t[i].op32 || op == t[i].op64) {
            *swap = t[i].swap;
            return (uint8_t)t[i].form;
        }
    return 0;
}

/* v = a + k or a - k (or k + b), exactly: v follows the local a (or b)
 * is computed from. */
static void offset_of(av_t *v, dx_op_t op, av_t a, av_t b)
{
    bool add = op == DX_OP_I32_ADD || op == DX_OP_I64_ADD;
    uint64_t k;
    if ((!add && op != DX_OP_I32_SUB && op != DX_OP_I64_SUB) || dx_rg_is_top(v->r, v->w))
        return;
    if (!exact(b.r, &k) || !a.src) {
        if (!add || !exact(a.r, &k) || !b.src)
            return;
        a = b; /* k + b */
    }
    int64_t sk = v->w == 32 ? (int64_t)(int32_t)(uint32_t)k : (int64_t)k;
    if (sk == INT64_MIN)
        return;
    s128 d = (s128)a.delta + (add ? sk : -sk);
    if (d > INT64_MAX / 2 || d < -(INT64_MAX / 2))
        return;
    v->src = a.src, v->ver = a.ver, v->delta = (int64_t)d;
}

/* Integer operations; false for the rest. */
static bool numeric(walk_t *g, dx_op_t op)
{
    const dx_siginfo_t *si = &dx_siginfo[dx_opinfo[op].sig];
    const dx_rg_env_t *e = g->e;
    bool swap = false;
    uint8_t form = cmp_form(op, &swap);
    if (form || op == DX_OP_I32_NE || op == DX_OP_I64_NE) {
        av_t b = pop(g), a = pop(g);
        av_t c = condition(g, form ? form : DX_OP_I32_EQ, swap ? b : a, swap ? a : b);
        if (!form && c.cond >= 0)
            g->conds[c.cond].neg = true;
        push(g, c);
        return true;
    }
    if (op == DX_OP_I32_EQZ || op == DX_OP_I64_EQZ) {
        av_t a = pop(g);
        if (op == DX_OP_I32_EQZ && a.cond >= 0) { /* the negation of a comparison */
            av_t c = condition(g, 0, a, a);
            if (c.cond >= 0) {
                g->conds[c.cond] = g->conds[a.cond];
                g->conds[c.cond].neg = !g->conds[a.cond].neg;
            }
            push(g, c);
            return true;
        }
        push(g, condition(g, DX_OP_I32_EQ, a, val(dx_rg_const(0), a.w)));
        return true;
    }
    if (si->npop == 2 && si->npush && (si->push == DX_T_I32 || si->push == DX_T_I64) &&
        si->pop[0] == si->push) {
        unsigned w = width_of(si->push);
        av_t b = pop(g), a = pop(g);
        dx_rg_t r;
        switch (op) {
        case DX_OP_I32_ADD: case DX_OP_I64_ADD: r = add(e, a.r, b.r, w); break;
        case DX_OP_I32_SUB: case DX_OP_I64_SUB: r = sub(e, a.r, b.r, w); break;
        case DX_OP_I32_MUL: case DX_OP_I64_MUL: r = mul(e, a.r, b.r, w); break;
        case DX_OP_I32_AND: case DX_OP_I64_AND: case DX_OP_I32_OR: case DX_OP_I64_OR:
        case DX_OP_I32_XOR: case DX_OP_I64_XOR: r = bitwise(e, op, a.r, b.r, w); break;
        case DX_OP_I32_SHL: case DX_OP_I64_SHL: case DX_OP_I32_SHR_U: case DX_OP_I64_SHR_U:
        case DX_OP_I32_SHR_S: case DX_OP_I64_SHR_S: r = shift(e, op, a.r, b.r, w); break;
        case DX_OP_I32_DIV_U: case DX_OP_I64_DIV_U: case DX_OP_I32_REM_U: case DX_OP_I64_REM_U:
        case DX_OP_I32_DIV_S: case DX_OP_I64_DIV_S: case DX_OP_I32_REM_S: case DX_OP_I64_REM_S:
            r = divrem(e, op, a.r, b.r, w);
            break;
        default: r = dx_rg_top(w); break; /* rotations */
        }
        av_t v = val(r, w);
        offset_of(&v, op, a, b);
        push(g, v);
        return true;
    }
    av_t a;
    switch (op) {
    case DX_OP_I32_CLZ: case DX_OP_I32_CTZ: case DX_OP_I32_POPCNT:
        pop(g), push(g, val(mk(0, 32, false, 32), 32));
        return true;
    case DX_OP_I64_CLZ: case DX_OP_I64_CTZ: case DX_OP_I64_POPCNT:
        pop(g), push(g, val(mk(0, 64, false, 64), 64));
        return true;
    case DX_OP_I64_EXTEND_I32_U: a = pop(g); push(g, val(a.r, 64)); return true;
    case DX_OP_I64_EXTEND_I32_S: a = pop(g); push(g, val(narrowed(e, a.r, 32, true, 64), 64)); return true;
    case DX_OP_I32_WRAP_I64: a = pop(g); push(g, val(narrowed(e, a.r, 32, false, 32), 32)); return true;
    case DX_OP_I32_EXTEND8_S: a = pop(g); push(g, val(narrowed(e, a.r, 8, true, 32), 32)); return true;
    case DX_OP_I32_EXTEND16_S: a = pop(g); push(g, val(narrowed(e, a.r, 16, true, 32), 32)); return true;
    case DX_OP_I64_EXTEND8_S: a = pop(g); push(g, val(narrowed(e, a.r, 8, true, 64), 64)); return true;
    case DX_OP_I64_EXTEND16_S: a = pop(g); push(g, val(narrowed(e, a.r, 16, true, 64), 64)); return true;
    case DX_OP_I64_EXTEND32_S: a = pop(g); push(g, val(narrowed(e, a.r, 32, true, 64), 64)); return true;
    default: return false;
    }
}

static void variable(walk_t *g, const dx_insn_t *in)
{
    av_t a;
    uint32_t i = in->u.index, slot;
    switch (in->op) {
    case DX_OP_LOCAL_GET:
        a = val(g->cur.locals[i], g->lwidth[i]);
        a.src = i + 1, a.ver = g->ver[i], a.delta = 0;
        push(g, a);
        return;
    case DX_OP_LOCAL_SET: case DX_OP_LOCAL_TEE:
        a = pop(g);
        g->cur.locals[i] = a.r;
        g->ver[i]++;
        if (in->op == DX_OP_LOCAL_TEE) {
            a.src = i + 1, a.ver = g->ver[i], a.delta = 0, a.cond = -1;
            push(g, a);
        }
        return;
    case DX_OP_GLOBAL_GET:
        slot = g->gslot[i];
        push(g, val(slot != UINT32_MAX ? g->cur.globals[slot] : g->e->globals[i],
                    width_of(g->e->m->globals[i].type)));
        return;
    default: /* GLOBAL_SET */
        a = pop(g);
        slot = g->gslot[i];
        if (g->h->gset) /* unreachable: an empty value */
            g->h->gset(g->h->ctx, in->offset, i, g->cur.reach ? a.r : dx_rg_bottom());
        /* a declared range holds after the set: proved, or checked there */
        if (slot != UINT32_MAX)
            g->cur.globals[slot] = dx_rg_meet(g->e, a.r, g->e->globals[i]);
        return;
    }
}

static void insn(walk_t *g, const dx_insn_t *in)
{
    const dx_opinfo_t *oi = &dx_opinfo[in->op];
    const dx_siginfo_t *si = &dx_siginfo[oi->sig];
    const dx_module_t *m = g->e->m;
    if (control(g, in))
        return;
    av_t a, b;
    switch (in->op) {
    case DX_OP_CALL: call(g, in, dx_func_type(m, in->u.index), in->u.index); return;
    case DX_OP_CALL_INDIRECT:
        pop(g);
        call(g, in, &m->types[in->u.index], UINT32_MAX);
        return;
    case DX_OP_DROP: pop(g); return;
    case DX_OP_SELECT: case DX_OP_SELECT_T:
        pop(g), b = pop(g), a = pop(g);
        push(g, val(dx_rg_join(g->e, a.r, b.r), a.w));
        return;
    case DX_OP_LOCAL_GET: case DX_OP_LOCAL_SET: case DX_OP_LOCAL_TEE:
    case DX_OP_GLOBAL_GET: case DX_OP_GLOBAL_SET:
        variable(g, in);
        return;
    case DX_OP_I32_DIV_S: case DX_OP_I32_DIV_U: case DX_OP_I32_REM_S: case DX_OP_I32_REM_U:
    case DX_OP_I64_DIV_S: case DX_OP_I64_DIV_U: case DX_OP_I64_REM_S: case DX_OP_I64_REM_U:
        if (g->h->divide && g->height) { /* the divisor, on top */
            const av_t *d = &g->stack[g->height - 1];
            bool sign = in->op == DX_OP_I32_DIV_S || in->op == DX_OP_I32_REM_S ||
                        in->op == DX_OP_I64_DIV_S || in->op == DX_OP_I64_REM_S;
            bool ok = d->r.lo >= 1 && (!sign || umax(g->e, d->r) <= (wmax(d->w) >> 1));
            g->h->divide(g->h->ctx, in->offset, !g->cur.reach || ok);
        }
        break;
    case DX_OP_I32_CONST: push(g, val(dx_rg_const((uint32_t)in->u.i32), 32)); return;
    case DX_OP_I64_CONST: push(g, val(dx_rg_const((uint64_t)in->u.i64), 64)); return;
    case DX_OP_MEMORY_SIZE:
        push(g, val(mk(g->e->mem_min / PAGE, (s128)(g->e->mem_max / PAGE), false, 32), 32));
        return;
    default: break;
    }
    if (oi->imm == DX_IMM_MEMARG) {
        access(g, in, si);
        return;
    }
    if (numeric(g, in->op))
        return;
    /* everything else by its signature: its result is anything */
    for (unsigned i = 0; i < si->npop; i++)
        pop(g);
    if (si->npush)
        push(g, val(dx_rg_top(width_of(si->push)), width_of(si->push)));
}

/* ---- a function ------------------------------------------------------------------------------ */
static bool setup(walk_t *g, uint32_t f)
{
    const dx_module_t *m = g->e->m;
    const dx_functype_t *t = dx_func_type(m, f);
    const dx_func_t *fn = &m->funcs[f];
    g->func = f;
    g->nlocals = t->nparams + fn->nlocals;
    g->lwidth = alloc(g, g->nlocals + 1);
    g->ver = alloc(g, (g->nlocals + 1) * sizeof(uint32_t));
    g->cur.locals = alloc(g, (g->nlocals + 1) * sizeof(dx_rg_t));
    g->gslot = alloc(g, (m->nglobals + 1) * sizeof(uint32_t));
    g->gof = alloc(g, MAX_TRACKED * sizeof(uint32_t));
    g->cur.globals = alloc(g, MAX_TRACKED * sizeof(dx_rg_t));
    if (g->oom)
        return false;
    __builtin_memset(g->ver, 0, g->nlocals * sizeof(uint32_t));
    uint32_t at = 0;
    for (; at < t->nparams; at++)
        g->lwidth[at] = (uint8_t)width_of(t->params[at]);
    for (uint32_t r = 0; r < fn->nruns; r++)
        for (; at < fn->runs[r].end && at < g->nlocals; at++)
            g->lwidth[at] = (uint8_t)width_of(fn->runs[r].type);
    const dx_rg_t *pre = g->e->params[f];
    for (uint32_t i = 0; i < g->nlocals; i++) /* declared locals start at zero */
        g->cur.locals[i] = i >= t->nparams ? dx_rg_const(0)
                         : pre && !dx_rg_is_bottom(pre[i]) ? pre[i] : dx_rg_top(g->lwidth[i]);
    g->ntracked = 0;
    for (uint32_t i = 0; i < m->nglobals; i++) {
        const dx_global_t *gl = &m->globals[i];
        bool track = gl->mutable_ && (gl->type == DX_T_I32 || gl->type == DX_T_I64) &&
                     g->ntracked < MAX_TRACKED;
        g->gslot[i] = track ? g->ntracked : UINT32_MAX;
        if (track)
            g->gof[g->ntracked++] = i;
    }
    forget_globals(g);
    g->cur.reach = true;
    g->height = g->depth = g->nconds = 0;
    return true;
}

bool dx_rg_function(const dx_rg_env_t *env, uint32_t func, const dx_body_t *body,
                    const dx_rg_hooks_t *h, dx_arena_t *ar, dx_error_t *out_err)
{
    static const dx_rg_hooks_t none;
    walk_t g = {.e = env, .h = h ? h : &none, .ar = ar, .body = body};
    if (!setup(&g, func) || !(g.back = alloc(&g, (body->nloops + 1) * sizeof(state_t))))
        goto fail;
    g.max_work = 64 * (uint64_t)(env->m->funcs[func].body.len + 16);
    const dx_functype_t *t = dx_func_type(env->m, func);
    frame_t *top = open_frame(&g, DX_OP_END, -64);
    if (!top)
        goto fail;
    top->nresults = t->nresults, top->results = t->results;
    while (g.pc < body->n && g.depth) {
        g.work++;
        insn(&g, &body->insns[g.pc++]);
        if (g.oom)
            goto fail;
    }
    return true;
fail:
    *out_err = (dx_error_t){.code = DX_E_TOO_LARGE, .func = func, .insn = DX_NO_INSN};
    return false;
}

/* ---- the module --------------------------------------------------------------------------- */
bool dx_rg_env_init(dx_rg_env_t *env, const dx_module_t *m, const dx_proof_t *proof,
                    dx_arena_t *ar)
{
    __builtin_memset(env, 0, sizeof *env);
    env->m = m;
    if (m->nmemories) {
        const dx_limits_t *l = &m->memories[0].limits;
        env->mem_min = l->min * (uint64_t)PAGE;
        env->mem_max = (l->has_max ? l->max : 65536) * (uint64_t)PAGE;
    }
    dx_rg_t *gl = dx_arena_alloc(ar, (m->nglobals + 1) * sizeof *gl);
    dx_rg_t **none = dx_arena_alloc(ar, (m->nfuncs + 1) * sizeof *none);
    if (!gl || !none)
        return false;
    __builtin_memset(none, 0, (m->nfuncs + 1) * sizeof *none);
    for (uint32_t i = 0; i < m->nglobals; i++) {
        const dx_global_t *g = &m->globals[i];
        unsigned w = width_of(g->type);
        gl[i] = dx_rg_top(w);
        dx_insn_t k;
        size_t end;
        if (!g->mutable_ && dx_const_insn(m, g->init.off, &k, &end)) {
            if (k.op == DX_OP_I32_CONST)
                gl[i] = dx_rg_const((uint32_t)k.u.i32);
            else if (k.op == DX_OP_I64_CONST)
                gl[i] = dx_rg_const((uint64_t)k.u.i64);
        }
        const dx_grange_t *d = proof ? dx_proof_range(proof, i) : NULL;
        if (d)
            gl[i] = mk(d->lo, (s128)d->hi, false, w);
    }
    env->globals = gl;
    env->params = env->results = none;
    return true;
}

/* ---- formulas ------------------------------------------------------------------------------ */
bool dx_rg_formula(const dx_rg_env_t *e, const dx_expr_t *f, uint8_t *name, uint32_t *index,
                   dx_rg_t *r)
{
    dx_fop_t ops[7];
    size_t pos = 0, n = 0;
    dx_fop_t op;
    while (dx_expr_next(f, &pos, &op)) {
        if (n == 7)
            return false;
        ops[n++] = op;
    }
    if (n < 3)
        return false;
#define IS_X(o) ((o).op == DX_F_LOCAL || (o).op == DX_F_GLOBAL || (o).op == DX_F_RESULT)
#define IS_K(o) ((o).op == DX_F_I32 || (o).op == DX_F_I64)
#define KV(o) ((o).op == DX_F_I32 ? (uint64_t)(uint32_t)(o).u.i32 : (uint64_t)(o).u.i64)
    uint8_t last = ops[n - 1].op;
    bool strict = last == DX_F_LT_U;
    if (last != DX_F_LE_U && !strict)
        return false;
    unsigned w = ops[1].op == DX_F_I32 || ops[0].op == DX_F_I32 ? 32 : 64;
    if (n == 3 && IS_X(ops[0]) && IS_K(ops[1])) { /* X <= c, X < c */
        uint64_t c = KV(ops[1]);
        if (strict && !c)
            return false;
        *name = ops[0].op, *index = ops[0].u.index;
        *r = mk(0, (s128)c - strict, false, w);
        return true;
    }
    if (n == 3 && IS_K(ops[0]) && IS_X(ops[1])) { /* c <= X, c < X */
        uint64_t c = KV(ops[0]);
        w = ops[0].op == DX_F_I32 ? 32 : 64;
        if (strict && c == (uint64_t)wmax(w))
            return false;
        *name = ops[1].op, *index = ops[1].u.index;
        *r = (dx_rg_t){c + strict, dx_rg_top(w).hi, false};
        return true;
    }
    /* extend_u(X) [+ c] <= memsize: X is i32, so no sum wraps for c < 2^32 */
    bool plus = n == 6 && ops[2].op == DX_F_I64 && ops[3].op == DX_F_ADD;
    if (strict || !(n == 4 || plus) || !IS_X(ops[0]) || ops[1].op != DX_F_EXTEND_U ||
        ops[n - 2].op != DX_F_MEMSIZE)
        return false;
    uint64_t c = plus ? (uint64_t)ops[2].u.i64 : 0;
    if (c > UINT32_MAX)
        return false;
    *name = ops[0].op, *index = ops[0].u.index;
    *r = (dx_rg_t){0, -(int64_t)c, true};
    (void)e;
    return true;
#undef IS_X
#undef IS_K
#undef KV
}
