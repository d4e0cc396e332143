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

static int child(void)
{
    /* Grant 0: the region; grant 1: a token whose tag says the role. */
    dogma_cap_info_t region, role;
    OK(DSYS2(DOGMA_SYS_cap_info, t_grant(0), &region));
    OK(DSYS2(DOGMA_SYS_cap_info, t_grant(1), &role));
    volatile uint64_t *w = (volatile uint64_t *)region.object;
    switch (role.object) {
    case READER: {
        CHECK(w[0] == 0x1234);
        dogma_proc_info_t info;
        FAILS(DSYS1(DOGMA_SYS_self_info, (uint64_t)&w[8]), BAD_ADDRESS, 0);
        (void)info;
        return 0;
    }
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
    uint32_t g[2] = {region, (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, role))};
    return t_spawn("region-rights", g, 2, NULL);
}

static void ends_with(uint32_t proc, uint32_t reason)
{
    CHECK(t_join(proc) == -1);
    dogma_proc_info_t info = t_info(proc);
    CHECK(info.state == DOGMA_PROC_TORN_DOWN && info.teardown_reason == reason);
    OK(DSYS1(DOGMA_SYS_cap_dispose, proc));
}

int test_main(void)
{
    if (t_ngrants() == 2)
        return child();
    dsys_t r = DSYS2(DOGMA_SYS_region_create, 8192, 0);
    uint32_t shared = (uint32_t)OK(r);
    ((volatile uint64_t *)r.r1)[0] = 0x1234;
    OK(DSYS2(DOGMA_SYS_region_share, shared, DOGMA_SHARE_RW));

    uint32_t p = spawn_role(t_dup(shared, DOGMA_R_READ | DOGMA_R_TRANSFER), READER);
    CHECK(t_join(p) == 0);
    OK(DSYS1(DOGMA_SYS_cap_dispose, p));
    ends_with(spawn_role(t_dup(shared, DOGMA_R_READ | DOGMA_R_TRANSFER), WRITER),
              DOGMA_FAULT_WRITE_READONLY);
    ends_with(spawn_role(t_dup(shared, DOGMA_R_TRANSFER), NOTHING), DOGMA_FAULT_NOT_READABLE);
    CHECK(((volatile uint64_t *)r.r1)[1] == 0);
    t_printf("READ reads, cannot write; no rights cannot read");

    /* The charge follows an exclusive region to its new holder. */
    dsys_t m = DSYS2(DOGMA_SYS_region_create, 16 * 4096, 0);
    uint32_t moved = (uint32_t)OK(m);
    uint64_t before = t_self().memory_bytes;
    for (int i = 0; i < 8; i++)
        ((volatile uint64_t *)m.r1)[i * 512] = 1;
    CHECK(t_self().memory_bytes >= before + 8 * 4096);
    uint64_t touched = t_self().memory_bytes;
    p = spawn_role(moved, CHARGED);
    CHECK(t_self().memory_bytes <= touched - 8 * 4096);
    CHECK(t_join(p) == 0);
    OK(DSYS1(DOGMA_SYS_cap_dispose, p));
    t_printf("a moved region's frames are charged to its new holder");
    OK(DSYS1(DOGMA_SYS_cap_dispose, shared));
    return 0;
}
