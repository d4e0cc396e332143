/*
 * sched-yield: yield, yield_to, suspend, resume and teardown. Two children
 * take turns by yield_to each other, logging to a shared read-write
 * region: the log alternates (each hand-over a forced preemption of
 * either could explain is tolerated, and counted). This program, with two
 * children that log and yield in a loop, yield_to one of them: that one
 * runs at once, ahead of the other queued before us, and we run right
 * after it yields (the caller keeps the front of its queue). yield_to a
 * blocked or suspended process is STATE, an ended one GONE, and needs
 * WAKE. The yields counter counts exactly the yield calls a process
 * made. A spinning child, suspended, makes no progress across our sleeps
 * and yields and runs again when resumed; torn down (by us while it
 * spins, or by a second child while it is suspended and we sleep in wait
 * on its end), it is TORN_DOWN with status -1 and wait sees it EXITED. A
 * blocked child suspended stays blocked until its wait ends, then is
 * suspended until resumed; suspended and resumed while blocked, it runs
 * when its wait ends.
 *
 * Children are this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent); the second
 * grant is the shared region.
 */
#include "dogma_user.h"

#define ROUNDS 100       /* turns each of the two yield_to children takes */
#define MARK_ROUNDS 20   /* yield_to rounds per marking child */
#define RETRIES 10       /* a round a preemption disturbed is run again */
#define LOG_MAX 8192
#define MS 1000000ull
#define FOREVER UINT64_MAX

enum {
    M_TURN_A = 1, /* yield_to the partner (received on grant 2), ROUNDS times */
    M_TURN_B,
    M_MARK_1,     /* log and yield until told to stop */
    M_MARK_2,
    M_SPIN,       /* count in the shared word, forever */
    M_SLEEP,      /* wait on the notification granted third, count, until bit 0x80 */
    M_KILLER,     /* tear down the process granted third once it has spun */
};

typedef struct {
    uint32_t go;          /* the turn-takers' start word */
    uint32_t stop;        /* the markers' stop word */
    uint64_t spin;        /* the spinner's count */
    uint64_t woke;        /* the sleeper's wake-ups */
    uint64_t yields[2];   /* the markers' yield calls */
    uint32_t n;           /* log entries */
    uint8_t log[LOG_MAX];
} shared_t;

static void log_put(volatile shared_t *s, uint8_t c)
{
    if (s->n < LOG_MAX)
        s->log[s->n++] = c;
}

/* ---- children --------------------------------------------------------------------- */

static int child_turn(volatile shared_t *s, uint32_t ep, uint8_t me)
{
    /* The partner's process handle arrives on the channel. */
    t_wait_for(ep, DOGMA_SIG_READABLE);
    uint32_t partner;
    dsys_t r = DSYS5(DOGMA_SYS_channel_recv, ep, 0, 0, &partner, 1);
    CHECK(OK(r) == 0 && r.r1 == 1);
    while (s->go == 0)
        CHECK(OK(DSYS3(DOGMA_SYS_lock_wait, &s->go, 0, FOREVER)) <= 1);
    for (int i = 0; i < ROUNDS; i++) {
        log_put(s, me);
        /* GONE only at the very end, when a preemption let the partner
         * finish first. */
        r = DSYS1(DOGMA_SYS_yield_to, partner);
        CHECK(r.r == 0 || r.r == -DOGMA_E_GONE);
    }
    return 0;
}

static int child_mark(volatile shared_t *s, unsigned me)
{
    while (!s->stop) {
        log_put(s, (uint8_t)('1' + me));
        OK(DSYS0(DOGMA_SYS_yield));
        s->yields[me]++;
    }
    return 0;
}

static int child(uint64_t mode)
{
    volatile shared_t *s = (volatile shared_t *)t_cap_info(t_grant(1)).object;
    switch (mode) {
    case M_TURN_A: return child_turn(s, t_grant(2), 'A');
    case M_TURN_B: return child_turn(s, t_grant(2), 'B');
    case M_MARK_1: return child_mark(s, 0);
    case M_MARK_2: return child_mark(s, 1);
    case M_SPIN:
        for (;;)
            s->spin++;
    case M_SLEEP:
        for (;;) {
            t_wait_for(t_grant(2), DOGMA_SIG_NOTIFIED);
            s->woke++;
            if (OK(DSYS1(DOGMA_SYS_notify_take, t_grant(2))) & 0x80)
                return 0;
        }
    case M_KILLER:
        while (s->spin == 0) /* the parent zeroed it before starting the spinner */
            t_nap(5 * MS);
        OK(DSYS1(DOGMA_SYS_proc_teardown, t_grant(2)));
        return 0;
    }
    t_printf("unknown mode %lu", mode);
    return 1;
}

/* ---- the scenario ------------------------------------------------------------------ */

static uint32_t region;
static volatile shared_t *s;

/* Starts a child in mode; its grants: the shared region, then extra if
 * not 0. */
static uint32_t spawn_mode(uint64_t mode, uint32_t extra)
{
    uint32_t g[2] = {t_dup(region, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER), extra};
    return t_spawn_mode("sched-yield", mode, g, extra ? 2 : 1, NULL);
}

static uint32_t state(uint32_t p) { return t_info(p).state; }

static void test_turns(void)
{
    uint32_t a_end, b_end, ca = t_channel(&a_end), cb = t_channel(&b_end);
    uint32_t a = spawn_mode(M_TURN_A, a_end);
    uint32_t b = spawn_mode(M_TURN_B, b_end);
    uint32_t to_b = t_dup(b, DOGMA_R_WAKE | DOGMA_R_TRANSFER);
    uint32_t to_a = t_dup(a, DOGMA_R_WAKE | DOGMA_R_TRANSFER);
    OK(DSYS5(DOGMA_SYS_channel_send, ca, 0, 0, &to_b, 1));
    OK(DSYS5(DOGMA_SYS_channel_send, cb, 0, 0, &to_a, 1));
    while (state(a) != DOGMA_PROC_BLOCKED || state(b) != DOGMA_PROC_BLOCKED)
        OK(DSYS0(DOGMA_SYS_yield));
    s->n = 0;
    s->go = 1;
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, &s->go, 2)) == 2);
    dogma_proc_info_t ia = t_expect_exit(a, 0), ib = t_expect_exit(b, 0);
    unsigned na = 0, nb = 0, repeats = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        na += s->log[i] == 'A';
        nb += s->log[i] == 'B';
        repeats += i > 0 && s->log[i] == s->log[i - 1];
    }
    t_printf("turns: %u entries, %u hand-overs out of turn, %lu + %lu forced preemptions",
             s->n, repeats, ia.preemptions, ib.preemptions);
    CHECK(s->n == 2 * ROUNDS && na == ROUNDS && nb == ROUNDS);
    CHECK(repeats <= ia.preemptions + ib.preemptions);
    t_dispose(ca);
    t_dispose(cb);
}

/* One round: mark, yield_to p, look at what was logged. True if p and
 * only p ran; false if a forced preemption may explain otherwise. */
static bool mark_round(uint32_t p, uint8_t id)
{
    uint64_t before = t_self().preemptions + t_info(p).preemptions;
    uint32_t mark = s->n;
    log_put(s, 'P');
    OK(DSYS1(DOGMA_SYS_yield_to, p));
    bool exact = s->n == mark + 2 && s->log[mark + 1] == id;
    if (exact)
        return true;
    uint64_t after = t_self().preemptions + t_info(p).preemptions;
    if (after == before) {
        t_printf("after yield_to the log holds %u entries since the mark, then '%c'",
                 s->n - mark - 1, s->n > mark + 1 ? s->log[mark + 1] : '-');
        CHECK(!"yield_to ran its target alone, then the caller");
    }
    return false;
}

static void test_yield_to_order(void)
{
    uint32_t m1 = spawn_mode(M_MARK_1, 0);
    uint32_t m2 = spawn_mode(M_MARK_2, 0);
    /* Both have run; both are queued. */
    while (s->yields[0] == 0 || s->yields[1] == 0)
        OK(DSYS0(DOGMA_SYS_yield));
    unsigned disturbed = 0;
    for (int i = 0; i < MARK_ROUNDS; i++) {
        /* Alternate the target, and twice in a row the same one: its
         * place in the queue never matters. */
        uint32_t p = (i % 3 == 2) ? m2 : m1;
        uint8_t id = p == m1 ? '1' : '2';
        int tries = 0;
        while (!mark_round(p, id)) {
            disturbed++;
            CHECK(++tries < RETRIES);
        }
    }
    t_printf("yield_to: %d rounds ran the target alone (%u disturbed by preemption)",
             MARK_ROUNDS, disturbed);

    /* Our own yields count, one each, yield_to as well as yield. */
    uint64_t y0 = t_self().yields;
    for (int i = 0; i < 5; i++)
        OK(DSYS0(DOGMA_SYS_yield));
    CHECK(t_self().yields == y0 + 5);
    OK(DSYS1(DOGMA_SYS_yield_to, m1));
    CHECK(t_self().yields == y0 + 6);

    s->stop = 1;
    CHECK(t_join(m1) == 0 && t_join(m2) == 0);
    /* Theirs count exactly the yield calls they made, however often we
     * ran them with yield_to. */
    dogma_proc_info_t i1 = t_info(m1), i2 = t_info(m2);
    t_printf("markers: %lu and %lu yields", i1.yields, i2.yields);
    CHECK(i1.yields == s->yields[0] && i2.yields == s->yields[1]);
    /* Ended: GONE. */
    FAILS(DSYS1(DOGMA_SYS_yield_to, m1), GONE, 0);
    t_dispose(m1);
    t_dispose(m2);
}

/* Yields until the sleeper has woken `n` times in all (bounded: a sleeper
 * wrongly left suspended fails here instead of hanging). */
static void until_woke(uint64_t n)
{
    for (int i = 0; s->woke < n; i++) {
        CHECK(i < 1000);
        OK(DSYS0(DOGMA_SYS_yield));
    }
}

static void test_blocked_and_suspended(void)
{
    uint32_t n = t_notify();
    uint32_t kid = spawn_mode(M_SLEEP, t_dup(n, DOGMA_R_WAIT | DOGMA_R_TRANSFER));
    t_wait_blocked(kid);
    FAILS(DSYS1(DOGMA_SYS_yield_to, kid), STATE, 0);
    uint32_t weak = t_dup(kid, DOGMA_R_MONITOR | DOGMA_R_SUSPEND);
    FAILS(DSYS1(DOGMA_SYS_yield_to, weak), RIGHTS, 0);
    FAILS(DSYS1(DOGMA_SYS_proc_resume, weak), RIGHTS, 0);
    uint32_t wake_only = t_dup(kid, DOGMA_R_WAKE);
    FAILS(DSYS1(DOGMA_SYS_proc_suspend, wake_only), RIGHTS, 0);
    t_dispose(wake_only);
    FAILS(DSYS1(DOGMA_SYS_yield_to, n), WRONG_KIND, 0);

    /* Suspended while blocked: it stays blocked until its wait ends, and
     * then does not run until resumed. */
    OK(DSYS1(DOGMA_SYS_proc_suspend, weak));
    CHECK(state(kid) == DOGMA_PROC_BLOCKED);
    OK(DSYS2(DOGMA_SYS_notify_signal, n, 1));
    CHECK(state(kid) == DOGMA_PROC_SUSPENDED);
    FAILS(DSYS1(DOGMA_SYS_yield_to, kid), STATE, 0);
    for (int i = 0; i < 3; i++) {
        OK(DSYS0(DOGMA_SYS_yield));
        t_nap(5 * MS);
    }
    CHECK(state(kid) == DOGMA_PROC_SUSPENDED && s->woke == 0);
    OK(DSYS1(DOGMA_SYS_proc_resume, kid));
    until_woke(1);
    t_wait_blocked(kid);

    /* Suspended and resumed while blocked: when its wait ends it runs. */
    OK(DSYS1(DOGMA_SYS_proc_suspend, kid));
    OK(DSYS1(DOGMA_SYS_proc_resume, kid));
    CHECK(state(kid) == DOGMA_PROC_BLOCKED);
    OK(DSYS2(DOGMA_SYS_notify_signal, n, 1));
    until_woke(2);

    /* Runnable (just woken, not yet run): yield_to runs it now, to its
     * end, and then us (unless a preemption cut in). */
    t_wait_blocked(kid);
    OK(DSYS2(DOGMA_SYS_notify_signal, n, 0x80));
    OK(DSYS1(DOGMA_SYS_yield_to, kid));
    dogma_proc_info_t ki = t_info(kid);
    CHECK((s->woke == 3 && ki.state == DOGMA_PROC_EXITED) || ki.preemptions > 0);
    CHECK(t_join(kid) == 0);
    FAILS(DSYS1(DOGMA_SYS_yield_to, kid), GONE, 0);
    FAILS(DSYS1(DOGMA_SYS_proc_suspend, kid), GONE, 0);
    FAILS(DSYS1(DOGMA_SYS_proc_resume, kid), GONE, 0);
    t_dispose(weak);
    t_dispose(kid);
    t_dispose(n);
}

static void test_suspend_spinner(void)
{
    uint32_t kid = spawn_mode(M_SPIN, 0);
    while (s->spin == 0)
        t_nap(5 * MS);
    OK(DSYS1(DOGMA_SYS_proc_suspend, kid));
    CHECK(state(kid) == DOGMA_PROC_SUSPENDED);
    OK(DSYS1(DOGMA_SYS_proc_suspend, kid)); /* again: nothing changes */
    uint64_t c0 = s->spin;
    for (int i = 0; i < 4; i++) {
        t_nap(20 * MS);
        OK(DSYS0(DOGMA_SYS_yield));
        CHECK(s->spin == c0);
    }
    CHECK(state(kid) == DOGMA_PROC_SUSPENDED);
    t_printf("suspended at %lu, still there after 4 naps", c0);

    OK(DSYS1(DOGMA_SYS_proc_resume, kid));
    CHECK(state(kid) == DOGMA_PROC_RUNNABLE);
    while (s->spin == c0)
        t_nap(5 * MS);

    /* Torn down while it spins. */
    OK(DSYS1(DOGMA_SYS_proc_teardown, kid));
    dogma_proc_info_t info = t_info(kid);
    CHECK(info.state == DOGMA_PROC_TORN_DOWN && info.exit_status == -1);
    CHECK(info.yields == 0 && info.preemptions > 0);
    dogma_wait_item_t it = {.handle = kid, .want = DOGMA_SIG_EXITED};
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 0)) == 0 && it.got == DOGMA_SIG_EXITED);
    uint64_t c1 = s->spin;
    t_nap(20 * MS);
    CHECK(s->spin == c1);
    FAILS(DSYS1(DOGMA_SYS_proc_teardown, kid), GONE, 0);
    FAILS(DSYS1(DOGMA_SYS_yield_to, kid), GONE, 0);
    t_expect_torn_down(kid, 0);
    t_printf("spinner: %lu forced preemptions, then torn down", info.preemptions);

    /* Another, suspended, torn down by a second child while we sleep in
     * wait on its end. */
    s->spin = 0;
    kid = spawn_mode(M_SPIN, 0);
    while (s->spin == 0)
        t_nap(5 * MS);
    OK(DSYS1(DOGMA_SYS_proc_suspend, kid));
    uint32_t killer = spawn_mode(M_KILLER, t_dup(kid, DOGMA_R_TEARDOWN | DOGMA_R_TRANSFER));
    it.handle = kid;
    it.got = 0;
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, FOREVER)) == 0 && it.got == DOGMA_SIG_EXITED);
    t_expect_torn_down(kid, 0);
    t_expect_exit(killer, 0);
}

int test_main(void)
{
    t_child_main(child);
    uint64_t base;
    region = t_shared_rw(sizeof(shared_t), &base, NULL);
    s = (volatile shared_t *)base;
    test_turns();
    test_yield_to_order();
    test_blocked_and_suspended();
    test_suspend_spinner();
    t_dispose(region);
    return 0;
}
