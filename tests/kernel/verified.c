/*
 * verified: the "map approved code" call. A LOADER holder fills a code
 * region and proc_map_code starts a verified process on it (ring 3, on
 * the global page table): the code region leaves the caller for good,
 * becomes read-execute, and the new process finds its grants, its pid and
 * its argument where the ABI says. Without LOADER, with a bad entry or a
 * bad description, the call fails with a typed error and nothing changes.
 * A verified process that traps, or writes to its own code, is torn down.
 */
#include "dogma_user.h"

static void exits_with(uint32_t proc, int64_t status)
{
    int64_t got = t_join(proc);
    if (got != status)
        t_printf("expected exit status %ld, got %ld", status, got);
    CHECK(got == status);
    OK(DSYS1(DOGMA_SYS_cap_dispose, proc));
}

static void torn_down(uint32_t proc, uint32_t reason)
{
    CHECK(t_join(proc) == -1);
    dogma_proc_info_t info = t_info(proc);
    CHECK(info.state == DOGMA_PROC_TORN_DOWN);
    if (info.teardown_reason != reason)
        t_printf("teardown reason %u, expected %u", info.teardown_reason, reason);
    CHECK(info.teardown_reason == reason);
    OK(DSYS1(DOGMA_SYS_cap_dispose, proc));
}

static void refusals(void)
{
    static dogma_map_code_t d;
    dsys_t r = DSYS2(DOGMA_SYS_region_create, 4096, 0);
    uint32_t code = (uint32_t)OK(r);
    /* Argument 0 must be LOADER: the initrd view is not. */
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(0), code, 0, &d), WRONG_KIND, 0);
    /* A LOADER handle without the LOAD right. */
    uint32_t weak = t_dup(t_grant(1), DOGMA_R_DUP);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, weak, code, 0, &d), RIGHTS, 0);
    OK(DSYS1(DOGMA_SYS_cap_dispose, weak));
    /* The code must be an exclusive region the caller may write. */
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), t_grant(0), 0, &d), WRONG_KIND, 1);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), 0x7777, 0, &d), BAD_HANDLE, 1);
    /* The entry inside it; the description readable; grants live. */
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 4096, &d), BAD_ARG, 2);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, 0xffff800000000000ull), BAD_ADDRESS, 3);
    uint32_t bogus = 0x12345;
    d.grants = (uint64_t)&bogus;
    d.ngrants = 1;
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d), BAD_HANDLE, 3);
    d.ngrants = DOGMA_MAX_GRANTS + 1;
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d), BAD_ARG, 3);
    /* The code region itself may not be among the grants. */
    d.grants = (uint64_t)&code;
    d.ngrants = 1;
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d), RIGHTS, 3);
    /* After all that the region is still ours and writable. */
    *(volatile uint8_t *)r.r1 = 1;
    OK(DSYS1(DOGMA_SYS_cap_dispose, code));
    t_printf("refusals: LOADER, rights, region kind, entry, description, grants");
}

static void code_moves(void)
{
    dsys_t r = DSYS2(DOGMA_SYS_region_create, 4096, 0);
    uint32_t code = (uint32_t)OK(r);
    memcpy((void *)r.r1, vc_exit42, (size_t)(vc_exit42_end - vc_exit42));
    static dogma_map_code_t d;
    memset(&d, 0, sizeof d);
    dsys_t m = DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d);
    uint32_t proc = (uint32_t)OK(m);
    /* The code region went to the new process: the old handle is dead,
     * and the region is no longer mapped here. */
    dogma_region_info_t info;
    FAILS(DSYS2(DOGMA_SYS_region_info, code, &info), BAD_HANDLE, 0);
    dogma_proc_info_t pi = t_info(proc);
    CHECK(pi.kind == DOGMA_PROC_VERIFIED && pi.pid == m.r1);
    exits_with(proc, 42);
    t_printf("the code region moved to the verified process, which exited 42");
}

static void sees_its_block(void)
{
    /* Two grants: a notification and a token. */
    uint32_t g[2];
    g[0] = (uint32_t)OK(DSYS0(DOGMA_SYS_notify_create));
    g[1] = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 7));
    uint64_t pid;
    uint32_t proc = T_MAP_CODE(pb, 0, g, 2, "vpb", &pid);
    /* The grants moved. */
    FAILS(DSYS1(DOGMA_SYS_notify_take, g[0]), BAD_HANDLE, 0);
    exits_with(proc, (int64_t)(pid + 2000));
    t_printf("the verified process read pid %lu and 2 grants from its block", pid);
}

/* A translation block: the kernel keeps the flag and the limit there too,
 * and r15 points at it. */
static void translation_block(void)
{
    dsys_t r = DSYS2(DOGMA_SYS_region_create, 4096, 0);
    uint32_t blk = (uint32_t)OK(r);
    OK(DSYS2(DOGMA_SYS_region_share, blk, DOGMA_SHARE_RW));
    uint32_t g = t_dup(blk, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER);
    volatile uint64_t *words = (volatile uint64_t *)r.r1;
    words[1] = 0x5555;
    static dogma_map_code_t d;
    memset(&d, 0, sizeof d);
    d.grants = (uint64_t)&g;
    d.ngrants = 1;
    /* Not 8-aligned, and not in a granted region: refused. */
    uint32_t code = (uint32_t)OK(DSYS2(DOGMA_SYS_region_create, 4096, 0));
    d.xblock = r.r1 + 4;
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d), BAD_ARG, 3);
    d.xblock = (uint64_t)&d;
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d), BAD_ARG, 3);
    OK(DSYS1(DOGMA_SYS_cap_dispose, code));
    d.xblock = r.r1;
    dsys_t rc = DSYS2(DOGMA_SYS_region_create, 4096, 0);
    code = (uint32_t)OK(rc);
    memcpy((void *)rc.r1, vc_xblock, (size_t)(vc_xblock_end - vc_xblock));
    uint32_t proc = (uint32_t)OK(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d));
    int64_t limit = t_join(proc);
    t_printf("translation block: the child saw limit %lx at r15+8; the block holds %lx", limit,
             words[1]);
    CHECK(limit != 0x5555 && (uint64_t)limit == words[1] && words[0] == 0);
    OK(DSYS1(DOGMA_SYS_cap_dispose, proc));
    OK(DSYS1(DOGMA_SYS_cap_dispose, blk));
}

static void ends_badly(void)
{
    torn_down(T_MAP_CODE(trap, 0, 0, 0, "vtrap", NULL), 0x100 + 6 /* #UD */);
    torn_down(T_MAP_CODE(selfwrite, 0, 0, 0, "vselfwrite", NULL), DOGMA_FAULT_WRITE_READONLY);
    t_printf("a trap and a write to its own code tear a verified process down");
}

int test_main(void)
{
    refusals();
    code_moves();
    sees_its_block();
    translation_block();
    ends_badly();
    return 0;
}
