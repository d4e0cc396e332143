/*
 * region-rights: a handle's rights decide what its holder may do to the
 * pages. A child holding a shared read-write region only through a
 * READ handle reads it but cannot write it (a write ends it with the
 * read-only fault kind, and the kernel refuses to copy into it for the
 * child); with a handle of no rights at all it cannot even read. An
 * exclusive region moved to another process is charged to that process.
 */
#include "dogma_user.h"

enum { READER = 1, WRITER, NOTHING, CHARGED };

static int child(uint64_t role)
{
    /* Grant 0: the token that says the role; grant 1: the region. */
    volatile uint64_t *w = (volatile uint64_t *)t_cap_info(t_grant(1)).object;
    switch (role) {
    case READER:
        CHECK(w[0] == 0x1234);
        FAILS(DSYS1(DOGMA_SYS_self_info, (uint64_t)&w[8]), BAD_ADDRESS, 0);
        return 0;
    case WRITER:
        w[1] = 7; /* must end it: the handle has READ only */
        return 1;
    case NOTHING:
        return (int)w[0]; /* must end it: no right to read */
    case CHARGED: {
        uint64_t before = t_self().memory_bytes;
        for (int i = 8; i < 16; i++)
            w[i * 512] = (uint64_t)i; /* 8 pages the parent never touched */
        return t_self().memory_bytes >= before + 8 * 4096 ? 0 : 3;
    }
    }
    return 2;
}

static uint32_t spawn_role(uint32_t region, unsigned role)
{
    return t_spawn_mode("region-rights", role, &region, 1, NULL);
}

int test_main(void)
{
    uint64_t role = t_child_mode();
    if (role)
        return child(role);
    uint64_t base;
    uint32_t shared = t_region(8192, &base);
    ((volatile uint64_t *)base)[0] = 0x1234;
    OK(DSYS2(DOGMA_SYS_region_share, shared, DOGMA_SHARE_RW));

    t_expect_exit(spawn_role(t_dup(shared, DOGMA_R_READ | DOGMA_R_TRANSFER), READER), 0);
    t_expect_torn_down(spawn_role(t_dup(shared, DOGMA_R_READ | DOGMA_R_TRANSFER), WRITER),
                       DOGMA_FAULT_WRITE_READONLY);
    t_expect_torn_down(spawn_role(t_dup(shared, DOGMA_R_TRANSFER), NOTHING),
                       DOGMA_FAULT_NOT_READABLE);
    CHECK(((volatile uint64_t *)base)[1] == 0);
    t_printf("READ reads, cannot write; no rights cannot read");

    /* The charge follows an exclusive region to its new holder. */
    uint64_t moved_base;
    uint32_t moved = t_region(16 * 4096, &moved_base);
    uint64_t before = t_self().memory_bytes;
    for (int i = 0; i < 8; i++)
        ((volatile uint64_t *)moved_base)[i * 512] = 1;
    CHECK(t_self().memory_bytes >= before + 8 * 4096);
    uint64_t touched = t_self().memory_bytes;
    uint32_t p = spawn_role(moved, CHARGED);
    CHECK(t_self().memory_bytes <= touched - 8 * 4096);
    t_expect_exit(p, 0);
    t_printf("a moved region's frames are charged to its new holder");
    t_dispose(shared);
    return 0;
}
