/*
 * prio: the run queue's priorities. A child raised to priority 0 runs to
 * its end before anything at priority 1 (this program) or 3 runs again;
 * a child lowered to 3 gets no CPU at all while those above it can run,
 * and runs once they block. Priorities outside 0-3 are refused.
 */
#include "dogma_user.h"

int test_main(void)
{
    if (t_ngrants() == 1) {
        /* A child: count in the shared word (word 0: low, word 1: high),
         * the high one for a fixed number of rounds, the low one until
         * told to stop (word 2). */
        volatile uint64_t *w = (volatile uint64_t *)t_cap_info(t_grant(0)).object;
        if (t_pb64(DOGMA_PB_PID) & 1) {
            for (int i = 0; i < 3000000; i++)
                w[1]++;
            return 0;
        }
        while (!w[2])
            w[0]++;
        return 0;
    }
    uint64_t base;
    uint32_t g[2], shared = t_shared_rw(4096, &base, &g[0]);
    volatile uint64_t *w = (volatile uint64_t *)base;
    g[1] = t_dup(shared, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER);
    /* The low child gets an even pid, the high one an odd pid. */
    uint64_t pid0, pid1;
    uint32_t c0 = t_spawn("prio", &g[0], 1, &pid0);
    uint32_t c1 = t_spawn("prio", &g[1], 1, &pid1);
    uint32_t low = (pid0 & 1) ? c1 : c0, high = (pid0 & 1) ? c0 : c1;
    CHECK((pid0 & 1) != (pid1 & 1));
    FAILS(DSYS2(DOGMA_SYS_proc_priority, low, 4), BAD_ARG, 1);
    OK(DSYS2(DOGMA_SYS_proc_priority, low, 3));
    OK(DSYS2(DOGMA_SYS_proc_priority, high, 0));
    DSYS0(DOGMA_SYS_yield);
    /* We run again only when the high one has ended; the low one has not
     * run at all. */
    dogma_proc_info_t hi = t_info(high), lo = t_info(low);
    t_printf("high: state %u, counted %lu; low: counted %lu", hi.state, w[1], w[0]);
    CHECK(hi.state == DOGMA_PROC_EXITED && w[1] == 3000000);
    CHECK(w[0] == 0 && lo.cpu_ns == 0);
    /* Now block: the low one runs. */
    t_wait_for(high, DOGMA_SIG_EXITED); /* already true: returns at once */
    while (w[0] == 0) /* sleep 20 ms at a time */
        t_nap(20000000ull);
    w[2] = 1;
    t_expect_exit(low, 0);
    t_expect_exit(high, 0);
    t_printf("low ran once we slept: counted %lu", w[0]);
    t_dispose(shared);
    return 0;
}
