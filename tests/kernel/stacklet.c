/*
 * stacklet: stacks made of stacklets. stack_grow links a stacklet of at
 * least the asked size and publishes its limit, base and top in the
 * process block; code moves rsp there, runs, and stack_shrink unlinks it.
 * A grow/shrink pair in a loop reuses the cached spare instead of
 * allocating; sizes out of range and a shrink with nothing to unlink are
 * refused; the total is bounded; running past a stacklet's end hits its
 * guard page and (with no fault handler) ends the process with the
 * stack-overrun reason.
 */
#include "dogma_user.h"

#define M_OVERRUN 1 /* the child's mode: recurse until the guard page */

/* Calls fn(arg) with rsp at top; returns its result. */
static uint64_t run_on(uint64_t top, uint64_t (*fn)(uint64_t), uint64_t arg)
{
    uint64_t ret;
    __asm__ volatile("movq %%rsp, %%r12\n\t"
                     "movq %[top], %%rsp\n\t"
                     "callq *%[fn]\n\t"
                     "movq %%r12, %%rsp"
                     : "=a"(ret), "+D"(arg)
                     : [top] "r"(top), [fn] "r"(fn)
                     : "r12", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory", "cc");
    return ret;
}

/* Recursion that uses about 128 bytes a level and touches all of it. */
static uint64_t deep(uint64_t n)
{
    volatile uint8_t pad[96];
    for (unsigned i = 0; i < sizeof pad; i++)
        pad[i] = (uint8_t)n;
    return n == 0 ? 0 : pad[5] + deep(n - 1);
}

static uint64_t deep_700(uint64_t unused)
{
    (void)unused;
    return deep(700);
}

static void layout(void)
{
    uint64_t base = t_pb64(DOGMA_PB_STACK_BASE), top = t_pb64(DOGMA_PB_STACK_TOP);
    uint64_t limit = t_pb64(DOGMA_PB_STACK_LIMIT), sp;
    __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
    CHECK(base < limit && limit == base + 256 && limit < sp && sp < top);
    CHECK(top - base >= 64 * 1024);
    t_printf("first stacklet: %lx-%lx, limit %lx", base, top, limit);
}

static void grow_run_shrink(void)
{
    uint64_t old_limit = t_pb64(DOGMA_PB_STACK_LIMIT), old_top = t_pb64(DOGMA_PB_STACK_TOP);
    dsys_t g = DSYS1(DOGMA_SYS_stack_grow, 100000);
    uint64_t top = (uint64_t)OK(g), limit = g.r1;
    CHECK(t_pb64(DOGMA_PB_STACK_TOP) == top && t_pb64(DOGMA_PB_STACK_LIMIT) == limit);
    CHECK(top - limit >= 100000 && (top & 15) == 0);
    uint64_t want = 0;
    for (uint64_t n = 700; n; n--)
        want += (uint8_t)n;
    CHECK(run_on(top, deep_700, 0) == want); /* ~90 KB of frames on it */
    CHECK(OK(DSYS0(DOGMA_SYS_stack_shrink)) == (int64_t)old_limit);
    CHECK(t_pb64(DOGMA_PB_STACK_LIMIT) == old_limit && t_pb64(DOGMA_PB_STACK_TOP) == old_top);
    t_printf("a 100000-byte stacklet ran 700 frames deep and was unlinked");
}

static void no_thrash(void)
{
    uint64_t before = t_self().stacklets;
    for (int i = 0; i < 1000; i++) {
        OK(DSYS1(DOGMA_SYS_stack_grow, 4096));
        OK(DSYS0(DOGMA_SYS_stack_shrink));
    }
    uint64_t made = t_self().stacklets - before;
    t_printf("1000 grow/shrink pairs made %lu stacklets", made);
    CHECK(made <= 1);
}

static void limits(void)
{
    FAILS(DSYS1(DOGMA_SYS_stack_grow, 0), BAD_ARG, 0);
    FAILS(DSYS1(DOGMA_SYS_stack_grow, 16 * 1024 * 1024 + 1), BAD_ARG, 0);
    FAILS(DSYS0(DOGMA_SYS_stack_shrink), STATE, -1);
    /* 16 MiB stacklets (address space only, never touched) until the
     * 256 MiB total is reached. */
    int n = 0;
    for (;; n++) {
        dsys_t r = DSYS1(DOGMA_SYS_stack_grow, 16 * 1024 * 1024);
        if (r.r < 0) {
            FAILS(r, NO_MEMORY, 0);
            break;
        }
        CHECK(n < 100);
    }
    for (int i = 0; i < n; i++)
        OK(DSYS0(DOGMA_SYS_stack_shrink));
    FAILS(DSYS0(DOGMA_SYS_stack_shrink), STATE, -1);
    t_printf("sizes refused; %d stacklets of 16 MiB before NO_MEMORY; all unlinked", n);
}

/* Recursion with no end the compiler can see (it stops at 2^40). */
static uint64_t forever(uint64_t n)
{
    volatile uint8_t pad[256];
    pad[0] = (uint8_t)n;
    return n > (1ull << 40) ? 0 : pad[0] + forever(n + 1);
}

static void overrun_in_child(void)
{
    t_expect_torn_down(t_spawn_mode("stacklet", M_OVERRUN, NULL, 0, NULL), DOGMA_FAULT_STACK);
    t_printf("running off the end of a stacklet ends the process (stack overrun)");
}

int test_main(void)
{
    if (t_child_mode() == M_OVERRUN)
        return (int)forever(0); /* the child: never returns */
    layout();
    grow_run_shrink();
    no_thrash();
    limits();
    overrun_in_child();
    return 0;
}
