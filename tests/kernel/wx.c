/*
 * wx: W^X in an isolated process's image. Its text pages are code and
 * never writable: not after the owner marks them read-write with
 * region_protect (a write still faults, kind 1, in a child), and not
 * through the kernel's copies (a system call writing its result into the
 * text is refused with BAD_ADDRESS).
 */
#include "dogma_user.h"

enum { WRITER = 1 };

static int child(uint64_t mode)
{
    CHECK(mode == WRITER);
    uint32_t image = t_pb32(DOGMA_PB_IMAGE);
    dogma_region_info_t ri = t_region_info(image);
    uint64_t text = (uint64_t)&child & ~4095ull;
    OK(DSYS4(DOGMA_SYS_region_protect, image, text - ri.base, 4096, DOGMA_PROT_RW));
    *(volatile uint8_t *)text = 0xcc; /* must end us: code is never writable */
    return 1;
}

int test_main(void)
{
    t_child_main(child);
    uint32_t image = t_pb32(DOGMA_PB_IMAGE);
    dogma_region_info_t ri = t_region_info(image);
    uint64_t text = (uint64_t)&test_main & ~4095ull;
    CHECK(text >= ri.base && text < ri.base + ri.size);
    FAILS(DSYS1(DOGMA_SYS_self_info, text), BAD_ADDRESS, 0);
    OK(DSYS4(DOGMA_SYS_region_protect, image, text - ri.base, 4096, DOGMA_PROT_RW));
    FAILS(DSYS1(DOGMA_SYS_self_info, text), BAD_ADDRESS, 0);
    t_printf("the kernel never copies into code, marked read-write or not");
    t_expect_torn_down(t_spawn_mode("wx", WRITER, 0, 0, NULL), DOGMA_FAULT_WRITE_READONLY);
    t_printf("a write to code marked read-write still faults");
    return 0;
}
