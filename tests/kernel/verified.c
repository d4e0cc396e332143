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

static void refusals(void)
{
    static dogma_map_code_t d;
    uint64_t base;
    uint32_t code = t_region(4096, &base);
    /* Argument 0 must be LOADER: the initrd view is not. */
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(0), code, 0, &d), WRONG_KIND, 0);
    /* A LOADER handle without the LOAD right. */
    uint32_t weak = t_dup(t_grant(1), DOGMA_R_DUP);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, weak, code, 0, &d), RIGHTS, 0);
    t_dispose(weak);
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
    *(volatile uint8_t *)base = 1;
    t_dispose(code);
    t_printf("refusals: LOADER, rights, region kind, entry, description, grants");
}

static void code_moves(void)
{
    uint64_t base;
    uint32_t code = t_region(4096, &base);
    memcpy((void *)base, vc_exit42, (size_t)(vc_exit42_end - vc_exit42));
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
    t_expect_exit(proc, 42);
    t_printf("the code region moved to the verified process, which exited 42");
}

static void sees_its_block(void)
{
    /* Two grants: a notification and a token. */
    uint32_t g[2];
    g[0] = t_notify();
    g[1] = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 7));
    uint64_t pid;
    uint32_t proc = T_MAP_CODE(pb, 0, g, 2, "vpb", &pid);
    /* The grants moved. */
    FAILS(DSYS1(DOGMA_SYS_notify_take, g[0]), BAD_HANDLE, 0);
    t_expect_exit(proc, (int64_t)(pid + 2000));
    t_printf("the verified process read pid %lu and 2 grants from its block", pid);
}

/* A translation block: the kernel keeps the flag and the limit there too,
 * and r15 points at it. */
static void translation_block(void)
{
    uint64_t base;
    uint32_t g, blk = t_shared_rw(4096, &base, &g);
    volatile uint64_t *words = (volatile uint64_t *)base;
    words[1] = 0x5555;
    static dogma_map_code_t d;
    memset(&d, 0, sizeof d);
    d.grants = (uint64_t)&g;
    d.ngrants = 1;
    /* Not 8-aligned, and not in a granted region: refused. */
    uint32_t code = t_region(4096, NULL);
    d.xblock = base + 4;
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d), BAD_ARG, 3);
    d.xblock = (uint64_t)&d;
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d), BAD_ARG, 3);
    t_dispose(code);
    d.xblock = base;
    uint64_t code_base;
    code = t_region(4096, &code_base);
    memcpy((void *)code_base, vc_xblock, (size_t)(vc_xblock_end - vc_xblock));
    uint32_t proc = (uint32_t)OK(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d));
    int64_t limit = t_join(proc);
    t_printf("translation block: the child saw limit %lx at r15+8; the block holds %lx", limit,
             words[1]);
    CHECK(limit != 0x5555 && (uint64_t)limit == words[1] && words[0] == 0);
    t_dispose(proc);
    t_dispose(blk);
}

static void ends_badly(void)
{
    t_expect_torn_down(T_MAP_CODE(trap, 0, 0, 0, "vtrap", NULL), 0x100 + 6 /* #UD */);
    t_expect_torn_down(T_MAP_CODE(selfwrite, 0, 0, 0, "vselfwrite", NULL),
                       DOGMA_FAULT_WRITE_READONLY);
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
