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
    dsys_t r = DSYS2(DOGMA_SYS_region_create, 8192, 0);
    uint32_t data = (uint32_t)OK(r);
    uint64_t env[30] = {0};
    env[(0x18 - DOGMA_PB_ENV_FIRST) / 8] = r.r1; /* the data base, at 0x18 */
    uint32_t parent = t_map_code_env(vc_fork, vc_fork_end, 0, &data, 1, "forker", NULL, env);
    int64_t status = t_join(parent);
    if (status != 0)
        t_printf("the forking process exited %ld (see vcode.S for the check it names)", status);
    CHECK(status == 0);
    OK(DSYS1(DOGMA_SYS_cap_dispose, parent));
    t_printf("fork: the child saw its copy, the parent its own; both ended cleanly");
    return 0;
}
