/*
 * fork: copy-on-write fork of a verified process. The process writes 1 to
 * its data region and forks one call frame deep. The child runs on copies
 * of the parent's stacklets and data region at new global addresses: its
 * frame-pointer chain and its environment word (the data base) point at
 * the copies, it sees the 1 written before the fork and not the parent's
 * later 2, and its own write of 3 is invisible to the parent. The parent
 * learns the child's exit status through the handle fork returned.
 * Teardown of both then returns every frame (the leak check), shared ones
 * included.
 */
#include "dogma_user.h"

int test_main(void)
{
    uint64_t env[30] = {0};
    /* The data base, at 0x18. */
    uint32_t data = t_region(8192, &env[(0x18 - DOGMA_PB_ENV_FIRST) / 8]);
    uint32_t parent = t_map_code_env(vc_fork, vc_fork_end, 0, &data, 1, "forker", NULL, env);
    t_expect_exit(parent, 0); /* any other status names the check that failed (vcode.S) */
    t_printf("fork: the child saw its copy, the parent its own; both ended cleanly");
    return 0;
}
