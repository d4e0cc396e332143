/*
 * bench: the kernel's costs, in TSC cycles, printed for bench/kernel.sh
 * (which runs this scenario twice: as is, and under QEMU's -icount, where
 * the clock counts instructions). As a test it only shows that every
 * measured path works; it asserts no time.
 *
 * Each figure is the median of many timed iterations, except the
 * verified-to-verified ones, whose code (lib/vcode.S) reports the mean of
 * its loop through its exit status. A line reads
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
    dsys_t r = DSYS2(DOGMA_SYS_region_create, 4096, 0);
    uint32_t word = (uint32_t)OK(r);
    OK(DSYS2(DOGMA_SYS_region_share, word, DOGMA_SHARE_RW));
    uint32_t g = t_dup(word, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER);
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
    *(volatile uint32_t *)r.r1 = 1;
    CHECK(t_join(partner) == 0);
    OK(DSYS1(DOGMA_SYS_cap_dispose, partner));
    OK(DSYS1(DOGMA_SYS_cap_dispose, word));
}

static void ipc_isolated(void)
{
    dsys_t ch = DSYS0(DOGMA_SYS_channel_create);
    uint32_t mine = (uint32_t)OK(ch), theirs = (uint32_t)ch.r1;
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
    OK(DSYS1(DOGMA_SYS_cap_dispose, mine));
    CHECK(t_join(server) == 0);
    OK(DSYS1(DOGMA_SYS_cap_dispose, server));
}

static void verified_pairs(void)
{
    int n = 1000;
    uint32_t a = T_MAP_CODE(yielder, (uint64_t)n, 0, 0, "yielder-a", NULL);
    uint32_t b = T_MAP_CODE(yielder, (uint64_t)n, 0, 0, "yielder-b", NULL);
    int64_t ca = t_join(a), cb = t_join(b);
    CHECK(ca > 0 && cb > 0);
    report("yield round trip, two verified processes (2 switches, no CR3 reload)",
           (uint64_t)(ca < cb ? ca : cb), n, "mean");
    OK(DSYS1(DOGMA_SYS_cap_dispose, a));
    OK(DSYS1(DOGMA_SYS_cap_dispose, b));

    dsys_t ch = DSYS0(DOGMA_SYS_channel_create);
    uint32_t e0 = (uint32_t)OK(ch), e1 = (uint32_t)ch.r1;
    uint32_t pong = T_MAP_CODE(pong, 0, &e1, 1, "pong", NULL);
    uint32_t ping = T_MAP_CODE(ping, (uint64_t)n, &e0, 1, "ping", NULL);
    int64_t c = t_join(ping);
    CHECK(c > 0);
    report("IPC request/reply, two verified processes", (uint64_t)c, n, "mean");
    CHECK(t_join(pong) == 0);
    OK(DSYS1(DOGMA_SYS_cap_dispose, ping));
    OK(DSYS1(DOGMA_SYS_cap_dispose, pong));
}

static void creation(void)
{
    int n = 40;
    for (int i = 0; i < n; i++) {
        uint64_t a = t_rdtsc();
        uint32_t p = t_spawn("bench", 0, 0, NULL);
        CHECK(t_join(p) == 0);
        samples[i] = t_rdtsc() - a;
        OK(DSYS1(DOGMA_SYS_cap_dispose, p));
    }
    report_median("isolated process: spawn from ELF, run, exit, join", n);
    for (int i = 0; i < n; i++) {
        uint64_t a = t_rdtsc();
        uint32_t p = T_MAP_CODE(exit42, 0, 0, 0, "v", NULL);
        CHECK(t_join(p) == 42);
        samples[i] = t_rdtsc() - a;
        OK(DSYS1(DOGMA_SYS_cap_dispose, p));
    }
    report_median("verified process: map code, run, exit, join", n);
}

/* The partner roles, chosen by what the parent granted. */
static int partner(void)
{
    if (t_ngrants() == 0)
        return 0; /* creation timing: nothing to do */
    dogma_cap_info_t info;
    OK(DSYS2(DOGMA_SYS_cap_info, t_grant(0), &info));
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
    ipc_isolated();
    verified_pairs();
    creation();
    return 0;
}
