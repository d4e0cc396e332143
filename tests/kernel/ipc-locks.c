/*
 * ipc-locks: locks across processes on a word of a shared read-write
 * region. Three children, each holding a duplicate of the region's handle
 * (each on its own page table, the word at the same global address),
 * first sleep in lock_wait on a start word: one lock_wake for 2 wakes
 * exactly two, the next wakes the last. Then each adds 1 to a shared
 * counter many times under a mutex made of an atomic compare-exchange in
 * user space and lock_wait/lock_wake when contended; the holder yields
 * inside the critical section now and then, so the others do contend and
 * sleep. The count comes out exact. lock_wait returns 1 at once when the
 * word is not the expected value, TIMED_OUT when its timeout passes; the
 * address must be 4-aligned (BAD_ARG) and in a region the caller holds,
 * read-only views included (BAD_ADDRESS otherwise); the expected value is
 * a u32 (BAD_ARG). A sleeper torn down leaves the word's queue; one
 * suspended is woken (and counted) but runs only once resumed.
 *
 * Children are this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent).
 */
#include "dogma_user.h"

#define NCHILD 3
#define ITERS 3000
#define FOREVER UINT64_MAX

enum {
    M_COUNT = 1, /* grants: token, the shared region */
    M_NAP,       /* sleep on the nap word until woken */
};

/* The shared page. */
typedef struct {
    uint32_t lock;   /* 0 free, 1 held, 2 held and contended */
    uint32_t go;     /* the start word */
    uint64_t count;  /* under the lock */
    uint64_t sleeps; /* lock_wait calls that slept and were woken (atomic) */
    uint32_t nap;    /* M_NAP sleeps on it */
} shared_t;

/* ---- the mutex (Drepper, "Futexes are tricky", mutex 2) ---------------------------- */

static void lock(shared_t *s)
{
    uint32_t c = 0;
    if (__atomic_compare_exchange_n(&s->lock, &c, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    if (c != 2)
        c = __atomic_exchange_n(&s->lock, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        /* 0: woken; 1: the word was no longer 2 when the kernel looked. */
        int64_t r = OK(DSYS3(DOGMA_SYS_lock_wait, &s->lock, 2, FOREVER));
        CHECK(r == 0 || r == 1);
        if (r == 0)
            __atomic_fetch_add(&s->sleeps, 1, __ATOMIC_RELAXED);
        c = __atomic_exchange_n(&s->lock, 2, __ATOMIC_ACQUIRE);
    }
}

static void unlock(shared_t *s)
{
    if (__atomic_exchange_n(&s->lock, 0, __ATOMIC_RELEASE) == 2)
        OK(DSYS2(DOGMA_SYS_lock_wake, &s->lock, 1));
}

static shared_t *shared_of(uint32_t region)
{
    return (shared_t *)t_cap_info(region).object;
}

static int child_nap(uint32_t region)
{
    shared_t *s = shared_of(region);
    CHECK(OK(DSYS3(DOGMA_SYS_lock_wait, &s->nap, 0, FOREVER)) == 0);
    return 0;
}

static int child_count(uint32_t region)
{
    shared_t *s = shared_of(region);
    while (__atomic_load_n(&s->go, __ATOMIC_ACQUIRE) == 0) {
        int64_t r = OK(DSYS3(DOGMA_SYS_lock_wait, &s->go, 0, FOREVER));
        CHECK(r == 0 || r == 1);
    }
    for (int i = 0; i < ITERS; i++) {
        lock(s);
        /* Read, maybe let the others run (they find the lock held and
         * sleep), write: without the lock, increments would be lost. */
        uint64_t v = *(volatile uint64_t *)&s->count;
        if (i % 8 == 0)
            OK(DSYS0(DOGMA_SYS_yield));
        *(volatile uint64_t *)&s->count = v + 1;
        unlock(s);
    }
    return 0;
}

/* ---- the scenario ------------------------------------------------------------------ */

static unsigned count_blocked(const uint32_t *kids)
{
    unsigned n = 0;
    for (int i = 0; i < NCHILD; i++)
        n += t_info(kids[i]).state == DOGMA_PROC_BLOCKED;
    return n;
}

static uint32_t spawn_mode(uint64_t mode, uint32_t region)
{
    uint32_t dup = t_dup(region, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER);
    return t_spawn_mode("ipc-locks", mode, &dup, 1, NULL);
}

static void test_counting(uint32_t region, shared_t *s)
{
    uint32_t kids[NCHILD];
    for (int i = 0; i < NCHILD; i++)
        kids[i] = spawn_mode(M_COUNT, region);
    /* All three asleep on the start word. */
    while (count_blocked(kids) < NCHILD)
        OK(DSYS0(DOGMA_SYS_yield));
    CHECK(s->count == 0);
    __atomic_store_n(&s->go, 1, __ATOMIC_RELEASE);
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, &s->go, 0)) == 0);
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, &s->go, 2)) == 2);
    CHECK(count_blocked(kids) == 1);
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, &s->go, 10)) == 1);
    CHECK(count_blocked(kids) == 0);
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, &s->go, 10)) == 0);

    for (int i = 0; i < NCHILD; i++)
        t_expect_exit(kids[i], 0);
    t_printf("count %lu (want %u), %lu sleeps in lock_wait", s->count, NCHILD * ITERS, s->sleeps);
    CHECK(s->count == (uint64_t)NCHILD * ITERS);
    CHECK(s->lock == 0 && s->sleeps > 0);
}

/* A sleeper torn down leaves the queue (a wake finds nobody); one
 * suspended is woken (and counted) but runs only when resumed. */
static void test_sleepers_end(uint32_t region, shared_t *s)
{
    uint32_t kid = spawn_mode(M_NAP, region);
    t_wait_blocked(kid);
    OK(DSYS1(DOGMA_SYS_proc_teardown, kid));
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, &s->nap, 10)) == 0);
    t_expect_torn_down(kid, 0);

    kid = spawn_mode(M_NAP, region);
    t_wait_blocked(kid);
    OK(DSYS1(DOGMA_SYS_proc_suspend, kid));
    CHECK(t_info(kid).state == DOGMA_PROC_BLOCKED);
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, &s->nap, 10)) == 1);
    CHECK(t_info(kid).state == DOGMA_PROC_SUSPENDED);
    OK(DSYS0(DOGMA_SYS_yield));
    CHECK(t_info(kid).state == DOGMA_PROC_SUSPENDED);
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, &s->nap, 10)) == 0);
    OK(DSYS1(DOGMA_SYS_proc_resume, kid));
    t_expect_exit(kid, 0);
}

static void test_calls(void)
{
    uint64_t base;
    uint32_t region = t_region(4096, &base);
    volatile uint32_t *w = (volatile uint32_t *)base;
    *w = 5;

    /* Not the expected value: back at once. */
    CHECK(OK(DSYS3(DOGMA_SYS_lock_wait, w, 4, FOREVER)) == 1);
    CHECK(OK(DSYS3(DOGMA_SYS_lock_wait, w, 5 | 1ull << 31, FOREVER)) == 1);
    /* The expected value: sleeps until the timeout. */
    FAILS(DSYS3(DOGMA_SYS_lock_wait, w, 5, 10000000ull), TIMED_OUT, 2);
    FAILS(DSYS3(DOGMA_SYS_lock_wait, w, 5, 0), TIMED_OUT, 2);
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, w, 1)) == 0); /* nobody asleep */

    /* The expected value is a u32; the address 4-aligned. */
    FAILS(DSYS3(DOGMA_SYS_lock_wait, w, 1ull << 32 | 5, FOREVER), BAD_ARG, 1);
    for (int k = 1; k < 4; k++) {
        FAILS(DSYS3(DOGMA_SYS_lock_wait, (uintptr_t)w + k, 5, FOREVER), BAD_ARG, 0);
        FAILS(DSYS2(DOGMA_SYS_lock_wake, (uintptr_t)w + k, 1), BAD_ARG, 0);
    }

    /* A read-only view is fine: both only read the word. */
    dogma_region_info_t ri = t_region_info(t_grant(0));
    uint32_t first = *(volatile uint32_t *)ri.base;
    CHECK(OK(DSYS3(DOGMA_SYS_lock_wait, ri.base, first + 1, FOREVER)) == 1);
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, ri.base, 1)) == 0);

    /* Addresses in no region we hold: one we gave up, nothing, the
     * kernel, past the end of the region (its guard page). */
    uint64_t bad[] = {base + 4096, 0, 0x1000, 0xffff800000000000ull, UINT64_MAX - 3};
    for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        FAILS(DSYS3(DOGMA_SYS_lock_wait, bad[k], 0, FOREVER), BAD_ADDRESS, 0);
        FAILS(DSYS2(DOGMA_SYS_lock_wake, bad[k], 1), BAD_ADDRESS, 0);
    }
    t_dispose(region);
    FAILS(DSYS3(DOGMA_SYS_lock_wait, base, 5, FOREVER), BAD_ADDRESS, 0);
    FAILS(DSYS2(DOGMA_SYS_lock_wake, base, 1), BAD_ADDRESS, 0);
}

int test_main(void)
{
    uint64_t mode = t_child_mode();
    if (mode == M_COUNT)
        return child_count(t_grant(1));
    if (mode == M_NAP)
        return child_nap(t_grant(1));
    if (mode) {
        t_printf("unknown mode %lu", mode);
        return 1;
    }
    test_calls();
    uint64_t base;
    uint32_t region = t_shared_rw(4096, &base, NULL);
    test_counting(region, (shared_t *)base);
    test_sleepers_end(region, (shared_t *)base);
    t_dispose(region);
    return 0;
}
