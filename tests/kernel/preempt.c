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
    uint64_t base;
    uint32_t g, word = t_shared_rw(4096, &base, &g);
    volatile uint32_t *stop = (volatile uint32_t *)base;

    uint32_t spin = T_MAP_CODE(spin, base, &g, 1, "spinner", NULL);
    uint32_t coop = T_MAP_CODE(coop, 0, 0, 0, "polite", NULL);

    /* The polite one ends after five voluntary yields. */
    dogma_proc_info_t c = t_expect_exit(coop, 5);
    t_printf("polite: %lu yields, %lu forced preemptions", c.yields, c.preemptions);
    CHECK(c.yields == 5 && c.preemptions == 0);

    /* The spinner must have been preempted to let the other run at all;
     * now let it go, and it checks its registers. */
    *stop = 1;
    dogma_proc_info_t s = t_expect_exit(spin, 0);
    t_printf("spinner: %lu yields, %lu forced preemptions, registers intact", s.yields,
             s.preemptions);
    CHECK(s.yields == 0 && s.preemptions > 0);
    t_dispose(word);
    return 0;
}
