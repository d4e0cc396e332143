/*
 * review-lock-late: a lock_wake that reaches a sleeper whose timeout has
 * passed but which has not run since. lock_wake counts it as woken (it
 * takes it off the word's queue), so the sleeper must see the wake (0),
 * not TIMED_OUT: else a waker that wakes one would lose its wake. The
 * child sleeps 2 ms at priority 3; we keep the CPU at priority 1 well past
 * its deadline, then wake one.
 */
#include "dogma_user.h"

#define PAGE 4096u

static int child(uint64_t mode)
{
    (void)mode;
    dogma_region_info_t ri = t_region_info(t_grant(1));
    dsys_t r = DSYS3(DOGMA_SYS_lock_wait, ri.base, 0, 2000000);
    if (r.r != 0)
        t_printf("lock_wait after a late wake: %ld", r.r);
    return r.r == 0 ? 0 : 1;
}

int test_main(void)
{
    t_child_main(child);

    uint64_t base;
    uint32_t dup;
    uint32_t h = t_shared_rw(PAGE, &base, &dup);
    uint32_t kid = t_spawn_mode("review-lock-late", 1, &dup, 1, NULL);
    t_wait_blocked(kid);
    OK(DSYS2(DOGMA_SYS_proc_priority, kid, 3));
    uint64_t until = (uint64_t)OK(DSYS0(DOGMA_SYS_clock)) + 50000000;
    while ((uint64_t)OK(DSYS0(DOGMA_SYS_clock)) < until)
        ;
    CHECK(t_info(kid).state == DOGMA_PROC_RUNNABLE); /* timed out, not yet run */
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, base, 1)) == 1);
    t_expect_exit(kid, 0);
    t_dispose(h);
    return 0;
}
