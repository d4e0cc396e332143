/*
 * dev-phys: a view of physical memory (boot grant 3 for dev-* programs:
 * the frames the initrd was loaded into). phys_map makes a region over
 * those frames; without WRITE on the view it is a read-only view, and it
 * shows exactly the bytes the initrd view shows. The frames are not the
 * region's: disposing it frees nothing (the leak check would see).
 */
#include "dogma_user.h"

int test_main(void)
{
    CHECK(t_ngrants() == 6);
    uint32_t phys = t_grant(3);
    dogma_cap_info_t ci = t_cap_info(phys);
    CHECK(ci.kind == DOGMA_CAP_PHYS && ci.extra >= t_pb64(DOGMA_PB_ARG));
    CHECK((ci.rights & DOGMA_R_WRITE) == 0);

    dsys_t m = DSYS1(DOGMA_SYS_phys_map, phys);
    uint32_t region = (uint32_t)OK(m);
    dogma_region_info_t ri = t_region_info(region), vi = t_region_info(t_grant(0));
    CHECK(ri.kind == DOGMA_CAP_VIEW && ri.size == ci.extra && ri.base == m.r1);
    CHECK(ri.base != vi.base);
    uint64_t n = t_pb64(DOGMA_PB_ARG);
    CHECK(memcmp((const void *)ri.base, (const void *)vi.base, n) == 0);
    t_printf("phys view at %lx: %lu bytes, the same as the initrd view at %lx", ri.base, n,
             vi.base);

    /* Read-only: protect is refused (not an exclusive region). */
    FAILS(DSYS4(DOGMA_SYS_region_protect, region, 0, 4096, DOGMA_PROT_RO), WRONG_KIND, 0);
    /* The other kinds are not physical views. */
    FAILS(DSYS1(DOGMA_SYS_phys_map, t_grant(0)), WRONG_KIND, 0);
    t_dispose(region);
    return 0;
}
