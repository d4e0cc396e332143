/*
 * preempt: quasi-cooperative preemption. Two verified processes run side
 * by side: one polls the preemption flag in its process block (as
 * translated code does at loop heads) and yields when it is set; the
 * other never polls, so when its slice and then the grace period end the
 * kernel preempts it by force, saving its whole context. The polling one
 * ends with only voluntary yields; the spinning one with forced
 * preemptions and every register, vector registers included, intact.
 */
#include "dogma_user.h"

int test_main(void)
{
    /* The spinner's stop word, in a region both can write. */
    dsys_t r = DSYS2(DOGMA_SYS_region_create, 4096, 0);
    uint32_t word = (uint32_t)OK(r);
    volatile uint32_t *stop = (volatile uint32_t *)r.r1;
    OK(DSYS2(DOGMA_SYS_region_share, word, DOGMA_SHARE_RW));
    uint32_t g = t_dup(word, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER);

    uint32_t spin = T_MAP_CODE(spin, r.r1, &g, 1, "spinner", NULL);
    uint32_t coop = T_MAP_CODE(coop, 0, 0, 0, "polite", NULL);

    /* The polite one ends after five voluntary yields. */
    CHECK(t_join(coop) == 5);
    dogma_proc_info_t c = t_info(coop);
    t_printf("polite: %lu yields, %lu forced preemptions", c.yields, c.preemptions);
    CHECK(c.yields == 5 && c.preemptions == 0);

    /* The spinner must have been preempted to let the other run at all;
     * now let it go, and it checks its registers. */
    *stop = 1;
    CHECK(t_join(spin) == 0);
    dogma_proc_info_t s = t_info(spin);
    t_printf("spinner: %lu yields, %lu forced preemptions, registers intact", s.yields,
             s.preemptions);
    CHECK(s.yields == 0 && s.preemptions > 0);

    OK(DSYS1(DOGMA_SYS_cap_dispose, coop));
    OK(DSYS1(DOGMA_SYS_cap_dispose, spin));
    OK(DSYS1(DOGMA_SYS_cap_dispose, word));
    return 0;
}
