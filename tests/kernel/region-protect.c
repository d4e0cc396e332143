/*
 * region-protect: what a region's pages allow, and sharing. An owner's
 * region_protect to read-only makes a write fault (even on a page that
 * was mapped writable before), to non-readable makes any touch fault, and
 * back to read-write works again with the data intact; the kernel's own
 * copies obey the same marks. Offsets and lengths that are unaligned, out
 * of the region or empty are refused with BAD_ARG naming the argument, and
 * change nothing. region_share(VIEW) is for good: the former owner can no
 * longer write (a fault, even where it had written before), its handle
 * loses WRITE and gains DUP and TRANSFER, a duplicate passed to a child
 * reads the data and cannot write it, and protect or a second share see
 * a VIEW (WRONG_KIND). A region shared read-write stays a REGION: a child
 * holding a duplicate writes and the parent sees it; protect and a second
 * share are refused (STATE).
 *
 * Children are this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent).
 */
#include "dogma_user.h"

#define PAGE 4096ull

enum {
    M_WRITE_RO = 1, /* write a read-only page it wrote before: torn down */
    M_READ_NONE,    /* read a non-readable page: torn down */
    M_WRITE_NONE,   /* write a non-readable page: torn down */
    M_VIEW_WRITE,   /* write its own region after sharing it as a view */
    M_VIEW_READ,    /* check the data in the granted view; exit 0 */
    M_VIEW_SCRIBBLE, /* write the granted view: torn down */
    M_RW_WRITE,     /* check and rewrite the granted shared region; exit 0 */
};

static const char *self_name = "region-protect";

static dsys_t protect(uint32_t h, uint64_t off, uint64_t len, uint64_t prot)
{
    return DSYS4(DOGMA_SYS_region_protect, h, off, len, prot);
}
static dsys_t share(uint32_t h, uint64_t how) { return DSYS2(DOGMA_SYS_region_share, h, how); }
static uint64_t word(uint64_t page, uint64_t i) { return 0xabcd000000000000ull | page << 16 | i; }

/* Fills every page's first words; the region's base. */
static uint64_t make_filled(uint64_t pages, uint32_t *out_h)
{
    uint64_t base;
    *out_h = t_region(pages * PAGE, &base);
    volatile uint64_t *b = (volatile uint64_t *)base;
    for (uint64_t p = 0; p < pages; p++)
        for (uint64_t i = 0; i < 4; i++)
            b[p * (PAGE / 8) + i] = word(p, i);
    return base;
}

static bool filled_ok(uint64_t base, uint64_t pages)
{
    const volatile uint64_t *b = (const volatile uint64_t *)base;
    for (uint64_t p = 0; p < pages; p++)
        for (uint64_t i = 0; i < 4; i++)
            if (b[p * (PAGE / 8) + i] != word(p, i))
                return false;
    return true;
}

static void expect_torn_down(uint64_t mode, const uint32_t *extra, unsigned n, uint32_t reason)
{
    t_expect_torn_down(t_spawn_mode(self_name, mode, extra, n, NULL), reason);
}

static void expect_exit0(uint64_t mode, const uint32_t *extra, unsigned n)
{
    t_expect_exit(t_spawn_mode(self_name, mode, extra, n, NULL), 0);
}

/* ---- the children ------------------------------------------------------------- */

static int child(uint64_t mode)
{
    uint32_t h;
    switch (mode) {
    case M_WRITE_RO: {
        uint64_t b = make_filled(4, &h); /* page 1 is mapped writable now */
        OK(protect(h, PAGE, PAGE, DOGMA_PROT_RO));
        CHECK(filled_ok(b, 4)); /* reads are fine */
        ((volatile uint64_t *)b)[0] = 1;
        ((volatile uint64_t *)(b + 2 * PAGE))[0] = 1;
        ((volatile uint64_t *)(b + PAGE))[9] = 1; /* the fault */
        return 1;
    }
    case M_READ_NONE:
    case M_WRITE_NONE: {
        uint64_t b = make_filled(4, &h);
        OK(protect(h, 2 * PAGE, 2 * PAGE, DOGMA_PROT_NONE));
        ((volatile uint64_t *)(b + PAGE))[0] = 1;
        if (mode == M_WRITE_NONE)
            ((volatile uint64_t *)(b + 3 * PAGE))[0] = 1;
        else
            t_printf("read %lx", ((volatile uint64_t *)(b + 3 * PAGE))[0]);
        return 1;
    }
    case M_VIEW_WRITE: {
        uint64_t b = make_filled(2, &h);
        OK(share(h, DOGMA_SHARE_VIEW));
        CHECK(filled_ok(b, 2));
        ((volatile uint64_t *)b)[0] = 1;
        return 1;
    }
    case M_VIEW_READ:
    case M_VIEW_SCRIBBLE: {
        dogma_region_info_t i = t_region_info(t_grant(1));
        CHECK(i.kind == DOGMA_CAP_VIEW && i.size == 3 * PAGE);
        CHECK(filled_ok(i.base, 3));
        dogma_cap_info_t ci = t_cap_info(t_grant(1));
        CHECK(ci.kind == DOGMA_CAP_VIEW && ci.rights == (DOGMA_R_READ | DOGMA_R_TRANSFER));
        FAILS(DSYS1(DOGMA_SYS_self_info, i.base), BAD_ADDRESS, 0);
        FAILS(protect(t_grant(1), 0, PAGE, DOGMA_PROT_RO), WRONG_KIND, 0);
        FAILS(DSYS2(DOGMA_SYS_cap_dup, t_grant(1), DOGMA_R_READ), RIGHTS, 0);
        if (mode == M_VIEW_SCRIBBLE)
            ((volatile uint64_t *)(i.base + 2 * PAGE))[0] = 1;
        return 0;
    }
    case M_RW_WRITE: {
        dogma_region_info_t i = t_region_info(t_grant(1));
        CHECK(i.kind == DOGMA_CAP_REGION && i.size == 2 * PAGE);
        volatile uint64_t *b = (volatile uint64_t *)i.base;
        CHECK(b[0] == 0x1111 && b[PAGE / 8] == 0x2222);
        b[1] = 0x3333;
        b[PAGE / 8 + 1] = 0x4444;
        /* The kernel writes into it for this holder too. */
        OK(DSYS2(DOGMA_SYS_region_info, t_grant(1), i.base + 64));
        return 0;
    }
    }
    t_printf("unknown mode %lu", mode);
    return 1;
}

/* ---- the scenario ----------------------------------------------------------- */

static void test_protect(void)
{
    uint32_t h;
    uint64_t b = make_filled(4, &h); /* every page mapped read-write */
    memcpy((void *)(b + PAGE + 512), "read-only text", 14);

    OK(protect(h, PAGE, 2 * PAGE, DOGMA_PROT_RO));
    CHECK(filled_ok(b, 4));
    /* The kernel may read a read-only page, never write it; a write that
     * straddles into one writes nothing at all. */
    OK(DSYS2(DOGMA_SYS_debug_log, b + PAGE + 512, 14));
    FAILS(DSYS1(DOGMA_SYS_self_info, b + PAGE + 64), BAD_ADDRESS, 0);
    FAILS(DSYS1(DOGMA_SYS_self_info, b + 2 * PAGE + 64), BAD_ADDRESS, 0);
    FAILS(DSYS1(DOGMA_SYS_self_info, b + PAGE - 64), BAD_ADDRESS, 0);
    for (uint64_t i = PAGE - 64; i < PAGE; i++)
        CHECK(((volatile uint8_t *)b)[i] == 0);
    OK(DSYS1(DOGMA_SYS_self_info, b + 3 * PAGE + 64)); /* page 3 was not marked */

    /* Back to read-write: the page is writable again, its data intact. */
    OK(protect(h, PAGE, PAGE, DOGMA_PROT_RW));
    ((volatile uint64_t *)(b + PAGE))[5] = 77;
    CHECK(((volatile uint64_t *)(b + PAGE))[5] == 77);
    FAILS(DSYS1(DOGMA_SYS_self_info, b + 2 * PAGE + 64), BAD_ADDRESS, 0); /* still read-only */

    /* Non-readable: the kernel cannot read it either. */
    OK(protect(h, 3 * PAGE, PAGE, DOGMA_PROT_NONE));
    FAILS(DSYS2(DOGMA_SYS_debug_log, b + 3 * PAGE, 4), BAD_ADDRESS, 0);
    FAILS(DSYS2(DOGMA_SYS_debug_log, b + 3 * PAGE - 2, 4), BAD_ADDRESS, 0);
    OK(protect(h, 0, 4 * PAGE, DOGMA_PROT_RW));
    CHECK(filled_ok(b, 4));
    for (uint64_t p = 0; p < 4; p++)
        ((volatile uint64_t *)(b + p * PAGE))[6] = p;
    CHECK(t_region_info(h).resident == 4 * PAGE);
    t_dispose(h);
}

static void test_bad_args(void)
{
    uint32_t h;
    uint64_t b = make_filled(4, &h);
    FAILS(protect(h, 1, PAGE, DOGMA_PROT_RO), BAD_ARG, 1);
    FAILS(protect(h, PAGE + 8, PAGE, DOGMA_PROT_RO), BAD_ARG, 1);
    FAILS(protect(h, 3, 5, DOGMA_PROT_RO), BAD_ARG, 1);
    FAILS(protect(h, 0, 100, DOGMA_PROT_RO), BAD_ARG, 2);
    FAILS(protect(h, 0, PAGE + 1, DOGMA_PROT_RO), BAD_ARG, 2);
    FAILS(protect(h, 5 * PAGE, PAGE, DOGMA_PROT_RO), BAD_ARG, 1);
    dogma_error_record_t e = t_last_error();
    CHECK(e.syscall == DOGMA_SYS_region_protect && e.min == 0 && e.max == 4 * PAGE &&
          e.value == 5 * PAGE);
    FAILS(protect(h, 4 * PAGE, PAGE, DOGMA_PROT_RO), BAD_ARG, 2); /* at the end: no room */
    FAILS(protect(h, PAGE, 4 * PAGE, DOGMA_PROT_RO), BAD_ARG, 2);
    e = t_last_error();
    CHECK(e.min == 1 && e.max == 3 * PAGE);
    FAILS(protect(h, 0, 0, DOGMA_PROT_RO), BAD_ARG, 2);
    FAILS(protect(h, PAGE, 0 - PAGE, DOGMA_PROT_RO), BAD_ARG, 2); /* offset + length wraps */
    FAILS(protect(h, 0 - PAGE, 2 * PAGE, DOGMA_PROT_RO), BAD_ARG, 1);
    FAILS(protect(h, 1ull << 63, PAGE, DOGMA_PROT_RO), BAD_ARG, 1);
    FAILS(protect(h, 0, PAGE, 3), BAD_ARG, 3);
    FAILS(protect(h, 0, PAGE, 1ull << 32 | DOGMA_PROT_RO), BAD_ARG, 3);
    FAILS(protect(h, 0, PAGE, UINT64_MAX), BAD_ARG, 3);
    /* None of that changed a page: every one is still writable. */
    for (uint64_t p = 0; p < 4; p++)
        ((volatile uint64_t *)(b + p * PAGE))[7] = p;
    OK(DSYS1(DOGMA_SYS_self_info, b + 64));
    FAILS(share(h, 2), BAD_ARG, 1);
    FAILS(share(h, UINT64_MAX), BAD_ARG, 1);
    CHECK(t_cap_info(h).kind == DOGMA_CAP_REGION);
    t_dispose(h);
    FAILS(protect(h, 0, PAGE, DOGMA_PROT_RO), BAD_HANDLE, 0);
    FAILS(share(h, DOGMA_SHARE_VIEW), BAD_HANDLE, 0);
}

static void test_faults(void)
{
    expect_torn_down(M_WRITE_RO, NULL, 0, DOGMA_FAULT_WRITE_READONLY);
    expect_torn_down(M_READ_NONE, NULL, 0, DOGMA_FAULT_NOT_READABLE);
    expect_torn_down(M_WRITE_NONE, NULL, 0, DOGMA_FAULT_NOT_READABLE);
    expect_torn_down(M_VIEW_WRITE, NULL, 0, DOGMA_FAULT_WRITE_READONLY);
}

static void test_view(void)
{
    uint32_t h;
    uint64_t b = make_filled(3, &h);
    FAILS(DSYS2(DOGMA_SYS_cap_dup, h, DOGMA_R_READ), STATE, 0); /* exclusive: moves only */
    OK(share(h, DOGMA_SHARE_VIEW));
    dogma_cap_info_t ci = t_cap_info(h);
    CHECK(ci.kind == DOGMA_CAP_VIEW);
    CHECK(ci.rights == (DOGMA_R_READ | DOGMA_R_DUP | DOGMA_R_TRANSFER));
    CHECK(ci.object == b && ci.extra == 3 * PAGE);
    CHECK(t_region_info(h).kind == DOGMA_CAP_VIEW);
    CHECK(filled_ok(b, 3));
    FAILS(DSYS1(DOGMA_SYS_self_info, b + 64), BAD_ADDRESS, 0);
    FAILS(protect(h, 0, PAGE, DOGMA_PROT_RO), WRONG_KIND, 0);
    FAILS(protect(h, 0, PAGE, DOGMA_PROT_RW), WRONG_KIND, 0);
    FAILS(share(h, DOGMA_SHARE_VIEW), WRONG_KIND, 0);
    FAILS(share(h, DOGMA_SHARE_RW), WRONG_KIND, 0);
    FAILS(DSYS2(DOGMA_SYS_cap_dup, h, DOGMA_R_WRITE), RIGHTS, 1); /* WRITE is gone for good */

    uint32_t d = t_dup(h, DOGMA_R_READ | DOGMA_R_TRANSFER);
    expect_exit0(M_VIEW_READ, &d, 1);
    d = t_dup(h, DOGMA_R_READ | DOGMA_R_TRANSFER);
    expect_torn_down(M_VIEW_SCRIBBLE, &d, 1, DOGMA_FAULT_WRITE_READONLY);
    CHECK(filled_ok(b, 3));
    t_dispose(h);
}

static void test_shared_rw(void)
{
    uint64_t base;
    uint32_t h = t_region(2 * PAGE, &base);
    volatile uint64_t *b = (volatile uint64_t *)base;
    b[0] = 0x1111;
    b[PAGE / 8] = 0x2222;
    OK(share(h, DOGMA_SHARE_RW));
    dogma_cap_info_t ci = t_cap_info(h);
    CHECK(ci.kind == DOGMA_CAP_REGION);
    CHECK(ci.rights == (DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_DUP | DOGMA_R_TRANSFER));
    CHECK(t_region_info(h).kind == DOGMA_CAP_REGION);
    FAILS(share(h, DOGMA_SHARE_RW), STATE, 0);
    FAILS(share(h, DOGMA_SHARE_VIEW), STATE, 0);
    FAILS(protect(h, 0, PAGE, DOGMA_PROT_RO), STATE, 0);
    uint32_t ro = t_dup(h, DOGMA_R_READ);
    FAILS(protect(ro, 0, PAGE, DOGMA_PROT_RO), RIGHTS, 0);
    FAILS(share(ro, DOGMA_SHARE_VIEW), RIGHTS, 0);
    t_dispose(ro);

    uint32_t d = t_dup(h, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER);
    expect_exit0(M_RW_WRITE, &d, 1);
    CHECK(b[0] == 0x1111 && b[1] == 0x3333);
    CHECK(b[PAGE / 8] == 0x2222 && b[PAGE / 8 + 1] == 0x4444);
    CHECK(((volatile dogma_region_info_t *)(base + 64))->size == 2 * PAGE);
    b[2] = 5; /* still the parent's to write */
    OK(DSYS1(DOGMA_SYS_self_info, base + PAGE + 64));
    t_dispose(h);
}

int test_main(void)
{
    t_child_main(child);
    test_protect();
    test_bad_args();
    test_faults();
    test_view();
    test_shared_rw();
    t_printf("region-protect: all checks passed");
    return 0;
}
