/*
 * bench: the kernel's costs, in TSC cycles, printed for bench/kernel.sh
 * (which runs this scenario twice: as is, and under QEMU's -icount, where
 * the clock counts instructions). As a test it only shows that every
 * measured path works; it asserts no time.
 *
 * Each figure is the median of many timed iterations; the verified
 * processes' code (lib/vcode.S) records its own iterations in a shared
 * buffer. A line reads
 *   bench: NAME: C cycles, N ns (median|mean of K)
 */
#include "dogma_user.h"

#define MAXN 4000

static uint64_t samples[MAXN];
static uint64_t tsc_per_us; /* from the kernel's clock, for ns */

static void sort(uint64_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        uint64_t v = a[i];
        int k = i;
        for (; k > 0 && a[k - 1] > v; k--)
            a[k] = a[k - 1];
        a[k] = v;
    }
}

static void report(const char *name, uint64_t cycles, int n, const char *how)
{
    t_printf("bench: %s: %lu cycles, %lu ns (%s of %d)", name, cycles,
             cycles * 1000 / (tsc_per_us ? tsc_per_us : 1), how, n);
}

static void report_median(const char *name, int n)
{
    sort(samples, n);
    report(name, samples[n / 2], n, "median");
}

static void calibrate(void)
{
    uint64_t t0 = t_rdtsc(), c0 = (uint64_t)OK(DSYS0(DOGMA_SYS_clock));
    while ((uint64_t)OK(DSYS0(DOGMA_SYS_clock)) - c0 < 20000000)
        ;
    uint64_t t1 = t_rdtsc(), c1 = (uint64_t)OK(DSYS0(DOGMA_SYS_clock));
    tsc_per_us = (t1 - t0) * 1000 / (c1 - c0);
    /* rdtsc's own cost, for the record. */
    for (int i = 0; i < 1000; i++) {
        uint64_t a = t_rdtsc();
        samples[i] = t_rdtsc() - a;
    }
    report_median("rdtsc pair (overhead in every median below)", 1000);
}

static void null_calls(void)
{
    for (int i = 0; i < MAXN; i++) {
        uint64_t a = t_rdtsc();
        DSYS0(DOGMA_SYS_clock);
        samples[i] = t_rdtsc() - a;
    }
    report_median("kernel call round trip (clock)", MAXN);
    for (int i = 0; i < MAXN; i++) {
        uint64_t a = t_rdtsc();
        DSYS0(79);
        samples[i] = t_rdtsc() - a;
    }
    report_median("kernel call round trip (unknown number: dispatch, error record)", MAXN);
}

static void stacklets(void)
{
    for (int i = 0; i < MAXN; i++) {
        uint64_t a = t_rdtsc();
        DSYS1(DOGMA_SYS_stack_grow, 4096);
        DSYS0(DOGMA_SYS_stack_shrink);
        samples[i] = t_rdtsc() - a;
    }
    report_median("stacklet grow + shrink (the spare reused)", MAXN);
}

static void yields_isolated(void)
{
    uint64_t base;
    uint32_t g, word = t_shared_rw(4096, &base, &g);
    uint32_t partner = t_spawn("bench", &g, 1, NULL);
    DSYS0(DOGMA_SYS_yield); /* let it start */
    int n = 1000;
    for (int i = 0; i < n; i++) {
        uint64_t a = t_rdtsc();
        DSYS0(DOGMA_SYS_yield);
        samples[i] = t_rdtsc() - a;
    }
    report_median("yield round trip, two isolated processes (2 switches, CR3 reloads)", n);
    for (int i = 0; i < n; i++) {
        uint64_t a = t_rdtsc();
        DSYS1(DOGMA_SYS_yield_to, partner);
        samples[i] = t_rdtsc() - a;
    }
    report_median("yield_to round trip, two isolated processes", n);
    *(volatile uint32_t *)base = 1;
    t_expect_exit(partner, 0);
    t_dispose(word);
}

/* The calls of one exchange without a switch: both ends are ours. */
static void ipc_parts(void)
{
    uint32_t b, a = t_channel(&b);
    uint64_t msg = 0;
    dogma_wait_item_t it = {.handle = b, .want = DOGMA_SIG_READABLE};
    for (int i = 0; i < MAXN; i++) {
        uint64_t t = t_rdtsc();
        DSYS5(DOGMA_SYS_channel_send, a, &msg, 8, 0, 0);
        samples[i] = t_rdtsc() - t;
        DSYS5(DOGMA_SYS_channel_recv, b, &msg, 8, 0, 0);
    }
    report_median("channel_send of 8 bytes (no switch)", MAXN);
    for (int i = 0; i < MAXN; i++) {
        DSYS5(DOGMA_SYS_channel_send, a, &msg, 8, 0, 0);
        uint64_t t = t_rdtsc();
        DSYS3(DOGMA_SYS_wait, &it, 1, UINT64_MAX);
        samples[i] = t_rdtsc() - t;
        DSYS5(DOGMA_SYS_channel_recv, b, &msg, 8, 0, 0);
    }
    report_median("wait on a ready channel (no switch)", MAXN);
    for (int i = 0; i < MAXN; i++) {
        DSYS5(DOGMA_SYS_channel_send, a, &msg, 8, 0, 0);
        uint64_t t = t_rdtsc();
        DSYS5(DOGMA_SYS_channel_recv, b, &msg, 8, 0, 0);
        samples[i] = t_rdtsc() - t;
    }
    report_median("channel_recv of 8 bytes (no switch)", MAXN);
    t_dispose(a);
    t_dispose(b);
}

static void ipc_isolated(void)
{
    uint32_t theirs, mine = t_channel(&theirs);
    uint32_t server = t_spawn("bench", &theirs, 1, NULL);
    uint64_t msg = 0;
    int n = 1000;
    dogma_wait_item_t it = {.handle = mine, .want = DOGMA_SIG_READABLE};
    for (int i = 0; i < n; i++) {
        uint64_t a = t_rdtsc();
        OK(DSYS5(DOGMA_SYS_channel_send, mine, &msg, 8, 0, 0));
        OK(DSYS3(DOGMA_SYS_wait, &it, 1, UINT64_MAX));
        OK(DSYS5(DOGMA_SYS_channel_recv, mine, &msg, 8, 0, 0));
        samples[i] = t_rdtsc() - a;
    }
    report_median("IPC request/reply, two isolated processes (send, wait, recv each side)", n);
    t_dispose(mine);
    t_expect_exit(server, 0);
}

/* A samples buffer for a verified blob (lib/vcode.S): [0] = n, the
 * samples after it, in a region shared read-write; g: a duplicate to
 * grant. */
static volatile uint64_t *samples_buffer(int n, uint32_t *out_region, uint32_t *out_grant)
{
    uint64_t base;
    *out_region = t_shared_rw((uint64_t)(n + 1) * 8, &base, out_grant);
    volatile uint64_t *buf = (volatile uint64_t *)base;
    buf[0] = (uint64_t)n;
    return buf;
}

static void collect(volatile uint64_t *buf, int n)
{
    for (int i = 0; i < n; i++)
        samples[i] = buf[1 + i];
}

static void verified_pairs(void)
{
    int n = 1000;
    uint32_t ra, ga, rb, gb;
    volatile uint64_t *ba = samples_buffer(n, &ra, &ga), *bb = samples_buffer(n, &rb, &gb);
    uint32_t a = T_MAP_CODE(yielder, (uint64_t)ba, &ga, 1, "yielder-a", NULL);
    uint32_t b = T_MAP_CODE(yielder, (uint64_t)bb, &gb, 1, "yielder-b", NULL);
    t_expect_exit(a, 0);
    t_expect_exit(b, 0);
    collect(ba, n);
    report_median("yield round trip, two verified processes (2 switches, no CR3 reload)", n);
    t_dispose(ra);
    t_dispose(rb);

    uint32_t e1, e0 = t_channel(&e1);
    uint32_t rp, gp[2];
    volatile uint64_t *bp = samples_buffer(n, &rp, &gp[1]);
    gp[0] = e0;
    uint32_t pong = T_MAP_CODE(pong, 0, &e1, 1, "pong", NULL);
    uint32_t ping = T_MAP_CODE(ping, (uint64_t)bp, gp, 2, "ping", NULL);
    t_expect_exit(ping, 0);
    collect(bp, n);
    report_median("IPC request/reply, two verified processes", n);
    t_expect_exit(pong, 0);
    t_dispose(rp);
}

static void creation(void)
{
    int n = 40;
    for (int i = 0; i < n; i++) {
        uint64_t a = t_rdtsc();
        uint32_t p = t_spawn("bench", 0, 0, NULL);
        CHECK(t_join(p) == 0);
        samples[i] = t_rdtsc() - a;
        t_dispose(p);
    }
    report_median("isolated process: spawn from ELF, run, exit, join", n);
    for (int i = 0; i < n; i++) {
        uint64_t a = t_rdtsc();
        uint32_t p = T_MAP_CODE(exit42, 0, 0, 0, "v", NULL);
        CHECK(t_join(p) == 42);
        samples[i] = t_rdtsc() - a;
        t_dispose(p);
    }
    report_median("verified process: map code, run, exit, join", n);
}

/* The partner roles, chosen by what the parent granted. */
static int partner(void)
{
    if (t_ngrants() == 0)
        return 0; /* creation timing: nothing to do */
    dogma_cap_info_t info = t_cap_info(t_grant(0));
    if (info.kind == DOGMA_CAP_REGION) { /* yield partner until told to stop */
        volatile uint32_t *stop = (volatile uint32_t *)info.object;
        while (!*stop)
            DSYS0(DOGMA_SYS_yield);
        return 0;
    }
    uint32_t ch = t_grant(0); /* echo server until the client goes */
    uint64_t msg;
    dogma_wait_item_t it = {.handle = ch, .want = DOGMA_SIG_READABLE | DOGMA_SIG_PEER_GONE};
    for (;;) {
        DSYS3(DOGMA_SYS_wait, &it, 1, UINT64_MAX);
        if (DSYS5(DOGMA_SYS_channel_recv, ch, &msg, 8, 0, 0).r < 0)
            return 0;
        DSYS5(DOGMA_SYS_channel_send, ch, &msg, 8, 0, 0);
    }
}

int test_main(void)
{
    if (t_ngrants() != 3)
        return partner();
    calibrate();
    null_calls();
    stacklets();
    yields_isolated();
    ipc_parts();
    ipc_isolated();
    verified_pairs();
    creation();
    return 0;
}
