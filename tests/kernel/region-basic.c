/*
 * region-basic: regions as their holder sees them. region_create hands
 * back a handle and a base; frames come on first touch, zero-filled, and
 * region_info's resident count grows only with the pages touched (the
 * kernel's own copies into a region touch on demand too); data written
 * across many pages reads back; sizes round up to pages, and 0 or more
 * than 16 GiB is refused. The unmapped page after a region's end tears
 * the toucher down, and so does touching a region after disposing it or
 * after sending it away. proc_info's memory count follows the pages
 * touched and drops when they go; a child that makes and drops regions in
 * a loop, or ends holding them, leaves nothing behind (the leak check
 * after the scenario counts every frame). A region that outlives the
 * process that made it is charged to nobody, never to whoever reuses the
 * dead process's memory.
 *
 * Children are this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent).
 */
#include "dogma_user.h"

#define PAGE 4096ull
#define GIB (1024ull * 1024 * 1024)

enum {
    M_PAST_END = 1,   /* touch the page after a region: torn down */
    M_AFTER_DISPOSE,  /* touch a disposed region: torn down */
    M_SENT_AWAY,      /* touch a region sent over a channel: torn down */
    M_CHURN,          /* make, touch and drop regions in a loop; exit 0 */
    M_HOLD,           /* end holding touched regions; exit 0 */
    M_GIVE,           /* send a touched region back on the granted channel */
    M_IDLE,           /* wait on the granted notification; exit 0 */
    M_READ_GRANT,     /* check the pattern in the granted region, rewrite it */
};

static const char *self_name = "region-basic";

/* ---- helpers -------------------------------------------------------------- */

static dsys_t rcreate(uint64_t size) { return DSYS2(DOGMA_SYS_region_create, size, 0); }

/* Runs a child that must be torn down by a fault of this kind. */
static void expect_torn_down(uint64_t mode, uint32_t reason)
{
    CHECK(t_expect_torn_down(t_spawn_mode(self_name, mode, NULL, 0, NULL), reason).handles == 0);
}

static uint64_t pattern(uint64_t page, uint64_t word) { return (page << 20) ^ (word * 0x9e3779b97f4a7c15ull) ^ 0x5a; }

/* ---- the children ------------------------------------------------------------- */

static int child(uint64_t mode)
{
    switch (mode) {
    case M_PAST_END: {
        uint64_t base;
        t_region(2 * PAGE, &base);
        volatile uint8_t *b = (volatile uint8_t *)base;
        b[2 * PAGE - 1] = 1; /* the last byte is fine */
        b[2 * PAGE] = 1;     /* the guard page is not */
        return 1;
    }
    case M_AFTER_DISPOSE: {
        uint64_t base;
        uint32_t h = t_region(PAGE, &base);
        volatile uint64_t *b = (volatile uint64_t *)base;
        b[0] = 0x1234; /* mapped now */
        t_dispose(h);
        t_printf("after dispose: read %lx", b[0]); /* must not get here */
        return 1;
    }
    case M_SENT_AWAY: {
        uint32_t other, ch = t_channel(&other);
        uint64_t base;
        uint32_t h = t_region(PAGE, &base);
        volatile uint64_t *b = (volatile uint64_t *)base;
        b[0] = 0x1234;
        OK(DSYS5(DOGMA_SYS_channel_send, ch, 0, 0, &h, 1));
        FAILS(DSYS2(DOGMA_SYS_region_info, h, &(dogma_region_info_t){0}), BAD_HANDLE, 0);
        t_printf("after send: read %lx", b[0]); /* must not get here */
        return 1;
    }
    case M_CHURN:
        for (uint64_t i = 0; i < 100; i++) {
            uint64_t pages = 1 + (i * 7) % 40;
            uint64_t base;
            uint32_t h = t_region(pages * PAGE, &base);
            volatile uint64_t *b = (volatile uint64_t *)base;
            for (uint64_t p = 0; p < pages; p++)
                b[p * (PAGE / 8)] = pattern(p, i);
            CHECK(t_region_info(h).resident == pages * PAGE);
            t_dispose(h);
        }
        return 0;
    case M_HOLD:
        for (uint64_t i = 0; i < 20; i++) {
            uint64_t base;
            t_region((i + 1) * PAGE, &base);
            for (uint64_t p = 0; p <= i; p++)
                ((volatile uint64_t *)base)[p * (PAGE / 8)] = pattern(p, i);
        }
        return 0; /* the exit disposes them */
    case M_GIVE: {
        uint64_t base;
        uint32_t h = t_region(16 * PAGE, &base);
        for (uint64_t p = 0; p < 4; p++)
            ((volatile uint64_t *)base)[p * (PAGE / 8)] = pattern(p, 77);
        OK(DSYS5(DOGMA_SYS_channel_send, t_grant(1), 0, 0, &h, 1));
        return 0;
    }
    case M_IDLE:
        t_wait_for(t_grant(1), DOGMA_SIG_NOTIFIED);
        return 0;
    case M_READ_GRANT: {
        dogma_region_info_t i = t_region_info(t_grant(1));
        CHECK(i.kind == DOGMA_CAP_REGION && i.size == 8 * PAGE && i.resident == 8 * PAGE);
        volatile uint64_t *b = (volatile uint64_t *)i.base;
        for (uint64_t p = 0; p < 8; p++)
            CHECK(b[p * (PAGE / 8) + 3] == pattern(p, 3));
        b[0] = 0xc0ffee;
        return 0;
    }
    }
    t_printf("unknown mode %lu", mode);
    return 1;
}

/* ---- the scenario ----------------------------------------------------------- */

static void test_create_and_touch(void)
{
    uint64_t base;
    uint32_t h = t_region(10 * PAGE, &base);
    CHECK(base >= 0x10000 && base % PAGE == 0 && base + 10 * PAGE <= 0x7ffffffff000ull);
    dogma_region_info_t i = t_region_info(h);
    CHECK(i.base == base && i.size == 10 * PAGE && i.resident == 0 && i.kind == DOGMA_CAP_REGION);
    dogma_cap_info_t ci = t_cap_info(h);
    CHECK(ci.kind == DOGMA_CAP_REGION && ci.object == base && ci.extra == 10 * PAGE);
    CHECK(ci.rights == (DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_DUP | DOGMA_R_TRANSFER));

    /* A read is a first touch too: a whole zero page, one frame. */
    const volatile uint64_t *b = (const volatile uint64_t *)base;
    for (uint64_t w = 0; w < PAGE / 8; w++)
        CHECK(b[5 * (PAGE / 8) + w] == 0);
    CHECK(t_region_info(h).resident == PAGE);
    ((volatile uint8_t *)base)[9 * PAGE + 4095] = 7;
    CHECK(t_region_info(h).resident == 2 * PAGE);
    ((volatile uint8_t *)base)[9 * PAGE] = 7; /* the same page again */
    CHECK(t_region_info(h).resident == 2 * PAGE);
    /* The kernel writing into a fresh page (region_info's result here)
     * makes it resident like a touch would. */
    OK(DSYS2(DOGMA_SYS_region_info, h, base + 2 * PAGE + 64));
    CHECK(t_region_info(h).resident == 3 * PAGE);
    CHECK(((const volatile dogma_region_info_t *)(base + 2 * PAGE + 64))->size == 10 * PAGE);
    t_dispose(h);
    FAILS(DSYS2(DOGMA_SYS_region_info, h, &i), BAD_HANDLE, 0);
}

static void test_many_pages(void)
{
    const uint64_t pages = 256;
    uint64_t base;
    uint32_t h = t_region(pages * PAGE, &base);
    volatile uint64_t *b = (volatile uint64_t *)base;
    for (uint64_t p = 0; p < pages; p++)
        for (uint64_t w = 0; w < PAGE / 8; w += 61)
            b[p * (PAGE / 8) + w] = pattern(p, w);
    for (uint64_t p = 0; p < pages; p++)
        for (uint64_t w = 0; w < PAGE / 8; w += 61)
            CHECK(b[p * (PAGE / 8) + w] == pattern(p, w));
    CHECK(t_region_info(h).resident == pages * PAGE);
    t_dispose(h);
}

static void test_sizes(void)
{
    static const struct { uint64_t ask, got; } sizes[] = {
        {1, PAGE}, {PAGE - 1, PAGE}, {PAGE, PAGE}, {PAGE + 1, 2 * PAGE}, {3 * PAGE + 5, 4 * PAGE},
    };
    for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uint32_t h = t_region(sizes[k].ask, NULL);
        CHECK(t_region_info(h).size == sizes[k].got);
        t_dispose(h);
    }
    FAILS(rcreate(0), BAD_ARG, 0);
    dogma_error_record_t e = t_last_error();
    CHECK(e.syscall == DOGMA_SYS_region_create && e.min == 1 && e.max == 16 * GIB && e.value == 0);
    FAILS(rcreate(16 * GIB + 1), BAD_ARG, 0);
    FAILS(rcreate(17 * GIB), BAD_ARG, 0);
    FAILS(rcreate(UINT64_MAX), BAD_ARG, 0);
    FAILS(rcreate(UINT64_MAX - PAGE + 2), BAD_ARG, 0); /* would round to 0 */
    FAILS(DSYS2(DOGMA_SYS_region_create, PAGE, 1), BAD_ARG, 1);

    /* 16 GiB exactly is fine: address space, not frames. */
    uint64_t base;
    uint32_t h = t_region(16 * GIB, &base);
    dogma_region_info_t i = t_region_info(h);
    CHECK(i.size == 16 * GIB && i.resident == 0);
    ((volatile uint8_t *)base)[16 * GIB - 1] = 1;
    ((volatile uint8_t *)base)[0] = 1;
    CHECK(t_region_info(h).resident == 2 * PAGE);
    t_dispose(h);
}

static void test_accounting(void)
{
    const uint64_t pages = 32;
    dogma_proc_info_t before = t_self();
    uint64_t base;
    uint32_t h = t_region(pages * PAGE, &base);
    CHECK(t_self().memory_bytes == before.memory_bytes); /* nothing touched yet */
    for (uint64_t p = 0; p < pages; p++)
        ((volatile uint8_t *)base)[p * PAGE] = 1;
    dogma_proc_info_t after = t_self();
    /* The pages, and perhaps a few new page-table frames. */
    CHECK(after.memory_bytes >= before.memory_bytes + pages * PAGE);
    CHECK(after.memory_bytes <= before.memory_bytes + (pages + 4) * PAGE);
    CHECK(after.handles == before.handles + 1);
    t_dispose(h);
    dogma_proc_info_t end = t_self();
    CHECK(end.memory_bytes + pages * PAGE <= after.memory_bytes);
    CHECK(end.handles == before.handles);
}

static void test_faults(void)
{
    expect_torn_down(M_PAST_END, DOGMA_FAULT_UNMAPPED);
    expect_torn_down(M_AFTER_DISPOSE, DOGMA_FAULT_UNMAPPED);
    expect_torn_down(M_SENT_AWAY, DOGMA_FAULT_UNMAPPED);
}

static void test_children_free_all(void)
{
    for (uint64_t mode = M_CHURN; mode <= M_HOLD; mode++) {
        dogma_proc_info_t i = t_expect_exit(t_spawn_mode(self_name, mode, NULL, 0, NULL), 0);
        CHECK(i.state == DOGMA_PROC_EXITED && i.handles == 0);
        CHECK(i.memory_bytes == 0); /* every frame it was charged went back */
    }
}

/* A region moved into a child's table: the data goes with it, the mover
 * loses the handle. */
static void test_grant_moves(void)
{
    uint64_t base;
    uint32_t h = t_region(8 * PAGE, &base);
    volatile uint64_t *b = (volatile uint64_t *)base;
    for (uint64_t p = 0; p < 8; p++)
        b[p * (PAGE / 8) + 3] = pattern(p, 3);
    uint32_t p = t_spawn_mode(self_name, M_READ_GRANT, &h, 1, NULL);
    FAILS(DSYS2(DOGMA_SYS_region_info, h, &(dogma_region_info_t){0}), BAD_HANDLE, 0);
    t_expect_exit(p, 0);
}

/* A region whose maker ended stays alive in its new holder, and its
 * frames are charged to no process afterwards: in particular not to a
 * new process that happens to reuse the ended one's kernel memory. */
static void test_outlives_maker(void)
{
    uint32_t give, ch = t_channel(&give);
    uint32_t a = t_spawn_mode(self_name, M_GIVE, &give, 1, NULL);
    CHECK(t_join(a) == 0);
    uint32_t got[DOGMA_MSG_MAX_HANDLES];
    dsys_t m = DSYS5(DOGMA_SYS_channel_recv, ch, 0, 0, got, DOGMA_MSG_MAX_HANDLES);
    OK(m);
    CHECK(m.r1 == 1);
    t_dispose(ch);
    t_dispose(a); /* the maker's process object goes now */

    uint32_t note = t_notify();
    uint32_t note_dup = t_dup(note, DOGMA_R_WAIT | DOGMA_R_TRANSFER);
    uint32_t b = t_spawn_mode(self_name, M_IDLE, &note_dup, 1, NULL);
    t_wait_blocked(b); /* let it start and block */
    uint64_t b_mem = t_info(b).memory_bytes;

    dogma_region_info_t i = t_region_info(got[0]);
    CHECK(i.size == 16 * PAGE && i.resident == 4 * PAGE);
    volatile uint64_t *w = (volatile uint64_t *)i.base;
    for (uint64_t p = 0; p < 4; p++)
        CHECK(w[p * (PAGE / 8)] == pattern(p, 77));
    for (uint64_t p = 4; p < 16; p++)
        w[p * (PAGE / 8)] = p;
    CHECK(t_region_info(got[0]).resident == 16 * PAGE);
    CHECK(t_info(b).memory_bytes == b_mem);
    t_dispose(got[0]);
    CHECK(t_info(b).memory_bytes == b_mem);

    OK(DSYS2(DOGMA_SYS_notify_signal, note, 1));
    CHECK(t_expect_exit(b, 0).memory_bytes == 0);
    t_dispose(note);
}

int test_main(void)
{
    t_child_main(child);
    test_create_and_touch();
    test_many_pages();
    test_sizes();
    test_accounting();
    test_faults();
    test_children_free_all();
    test_grant_moves();
    test_outlives_maker();
    t_printf("region-basic: all checks passed");
    return 0;
}
