/*
 * ipc-wait: waiting on several things at once. One wait names a channel,
 * a notification and a child process; the child wakes it three ways in
 * turn (a message: index 0, READABLE; a signal: index 1, NOTIFIED; its
 * end, after a message nobody waits for: PEER_GONE on the channel and
 * EXITED on the process), and `got` is written back for every item each
 * time. With several items ready the lowest index wins. A timeout of 0
 * polls; a timeout that passes is TIMED_OUT, no sooner than asked, with
 * `got` still written back. notify_signal ors bits into the word and
 * notify_take returns them (all 64 in rdx) and clears it. Refused: a
 * count of 0 or more than 16 (BAD_ARG), a dead handle (BAD_HANDLE) or a
 * handle of a kind nobody waits on (WRONG_KIND), each naming the item's
 * index in the error record, and items in memory the kernel cannot write
 * back to (BAD_ADDRESS). A process torn down while it waits leaves every
 * queue it slept on; of three waiting on one notification, one torn down,
 * a signal wakes the other two.
 *
 * The child is this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent).
 */
#include "dogma_user.h"

#define MS 1000000ull
#define FOREVER UINT64_MAX

enum {
    M_WAKER = 1, /* grants: token, endpoint, notification (signal) */
    M_WAITER,    /* grants: token, endpoint, notification; waits until torn down */
    M_CROWD,     /* grants: token, endpoint, notification; waits for it, says so */
};

/* Receives the next message on ep (waiting for it): its first byte. */
static char next(uint32_t ep)
{
    t_wait_for(ep, DOGMA_SIG_READABLE);
    char c = 0;
    CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, ep, &c, 1, 0, 0)) == 1);
    return c;
}

static int child_waker(uint32_t ep, uint32_t note)
{
    CHECK(next(ep) == '1');
    OK(DSYS5(DOGMA_SYS_channel_send, ep, "r", 1, 0, 0));
    CHECK(next(ep) == '2');
    OK(DSYS2(DOGMA_SYS_notify_signal, note, 0x10));
    CHECK(next(ep) == '3');
    /* A message the parent does not wait for, then our end. */
    OK(DSYS5(DOGMA_SYS_channel_send, ep, "n", 1, 0, 0));
    return 7;
}

static int child_waiter(uint32_t ep, uint32_t note)
{
    OK(DSYS1(DOGMA_SYS_cap_listen, 1));
    dogma_wait_item_t it[4] = {
        {.handle = ep, .want = DOGMA_SIG_READABLE},
        {.handle = note, .want = DOGMA_SIG_NOTIFIED},
        {.handle = 0, .want = DOGMA_SIG_INBOX},
        {.handle = ep, .want = DOGMA_SIG_PEER_GONE},
    };
    OK(DSYS3(DOGMA_SYS_wait, it, 4, FOREVER));
    return 1; /* the parent tears us down first */
}

static int child_crowd(uint32_t ep, uint32_t note)
{
    dogma_wait_item_t it[2] = {
        {.handle = ep, .want = DOGMA_SIG_READABLE},
        {.handle = note, .want = DOGMA_SIG_NOTIFIED},
    };
    CHECK(OK(DSYS3(DOGMA_SYS_wait, it, 2, FOREVER)) == 1);
    OK(DSYS5(DOGMA_SYS_channel_send, ep, "w", 1, 0, 0));
    return 0;
}

static void set_got(dogma_wait_item_t *it, size_t n)
{
    for (size_t i = 0; i < n; i++)
        it[i].got = 0xdead;
}

/* ---- woken by another process ------------------------------------------------------ */

/* Starts a child in mode; its grants: a channel (our end in *out_ep) and
 * note with the rights given. */
static uint32_t spawn_child(uint64_t mode, uint32_t *out_ep, uint32_t note, uint32_t rights)
{
    uint32_t g[2];
    *out_ep = t_channel(&g[0]);
    g[1] = t_dup(note, rights);
    return t_spawn_mode("ipc-wait", mode, g, 2, NULL);
}

static void test_woken(void)
{
    uint32_t mine, note = t_notify();
    uint32_t kid = spawn_child(M_WAKER, &mine, note, DOGMA_R_SIGNAL | DOGMA_R_TRANSFER);
    dogma_wait_item_t it[3] = {
        {.handle = mine, .want = DOGMA_SIG_READABLE},
        {.handle = note, .want = DOGMA_SIG_NOTIFIED},
        {.handle = kid, .want = DOGMA_SIG_EXITED},
    };
    /* Nothing yet. */
    set_got(it, 3);
    FAILS(DSYS3(DOGMA_SYS_wait, it, 3, 0), TIMED_OUT, 2);
    CHECK(it[0].got == 0 && it[1].got == 0 && it[2].got == 0);

    /* A message. */
    OK(DSYS5(DOGMA_SYS_channel_send, mine, "1", 1, 0, 0));
    set_got(it, 3);
    CHECK(OK(DSYS3(DOGMA_SYS_wait, it, 3, FOREVER)) == 0);
    CHECK(it[0].got == DOGMA_SIG_READABLE && it[1].got == 0 && it[2].got == 0);
    char c;
    CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, mine, &c, 1, 0, 0)) == 1 && c == 'r');

    /* A signal. */
    OK(DSYS5(DOGMA_SYS_channel_send, mine, "2", 1, 0, 0));
    set_got(it, 3);
    CHECK(OK(DSYS3(DOGMA_SYS_wait, it, 3, FOREVER)) == 1);
    CHECK(it[0].got == 0 && it[1].got == DOGMA_SIG_NOTIFIED && it[2].got == 0);
    CHECK(OK(DSYS1(DOGMA_SYS_notify_take, note)) == 0x10);

    /* Its end: first a message we do not want (READABLE is not asked for),
     * then the channel's other end goes and the process ends. */
    OK(DSYS5(DOGMA_SYS_channel_send, mine, "3", 1, 0, 0));
    it[0].want = DOGMA_SIG_PEER_GONE;
    it[1].want = 0; /* wants nothing: never ready */
    set_got(it, 3);
    CHECK(OK(DSYS3(DOGMA_SYS_wait, it, 3, FOREVER)) == 0);
    CHECK(it[0].got == (DOGMA_SIG_READABLE | DOGMA_SIG_PEER_GONE));
    CHECK(it[1].got == 0 && it[2].got == DOGMA_SIG_EXITED);
    /* An ended process stays ended. */
    dogma_wait_item_t one = {.handle = kid, .want = DOGMA_SIG_EXITED};
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &one, 1, 0)) == 0 && one.got == DOGMA_SIG_EXITED);
    t_expect_exit(kid, 7);
    t_printf("woken by a message, a signal and an end, in that order");
    t_dispose(mine);
    t_dispose(note);
}

/* A process torn down in the middle of a wait leaves every queue it
 * slept on: what it waited for can happen afterwards without it. */
static void test_waiter_torn_down(void)
{
    uint32_t mine, note = t_notify();
    uint32_t kid = spawn_child(M_WAITER, &mine, note, DOGMA_R_WAIT | DOGMA_R_TRANSFER);
    t_wait_blocked(kid);
    OK(DSYS1(DOGMA_SYS_proc_teardown, kid));
    CHECK(t_join(kid) == -1);
    OK(DSYS2(DOGMA_SYS_notify_signal, note, 1));
    FAILS(DSYS5(DOGMA_SYS_channel_send, mine, "x", 1, 0, 0), PEER_CLOSED, 0);
    uint32_t tok = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 2));
    FAILS(DSYS2(DOGMA_SYS_cap_send, kid, tok), GONE, 0);
    t_dispose(tok);
    t_dispose(kid);
    t_dispose(mine);
    t_dispose(note);
}

/* Three wait on one notification; one of them is torn down (it leaves
 * the queue from wherever it was); a signal wakes the other two. */
static void test_crowd(void)
{
    uint32_t note = t_notify();
    uint32_t kid[3], ep[3];
    for (int i = 0; i < 3; i++)
        kid[i] = spawn_child(M_CROWD, &ep[i], note, DOGMA_R_WAIT | DOGMA_R_TRANSFER);
    for (int i = 0; i < 3; i++)
        t_wait_blocked(kid[i]);
    OK(DSYS1(DOGMA_SYS_proc_teardown, kid[1]));
    OK(DSYS2(DOGMA_SYS_notify_signal, note, 1));
    t_expect_exit(kid[0], 0);
    t_expect_torn_down(kid[1], 0);
    t_expect_exit(kid[2], 0);
    char c;
    for (int i = 0; i < 3; i += 2)
        CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, ep[i], &c, 1, 0, 0)) == 1 && c == 'w');
    for (int i = 0; i < 3; i++)
        t_dispose(ep[i]);
    t_dispose(note);
}

/* ---- within one process ------------------------------------------------------------ */

static void test_ready_and_timeout(void)
{
    uint32_t b, a = t_channel(&b);
    uint32_t n1 = t_notify();
    uint32_t n2 = t_notify();
    dogma_wait_item_t it[3] = {
        {.handle = n1, .want = DOGMA_SIG_NOTIFIED},
        {.handle = b, .want = DOGMA_SIG_READABLE},
        {.handle = n2, .want = DOGMA_SIG_NOTIFIED},
    };

    /* A timeout that passes: TIMED_OUT, not before it, got written. */
    set_got(it, 3);
    uint64_t t0 = (uint64_t)OK(DSYS0(DOGMA_SYS_clock));
    FAILS(DSYS3(DOGMA_SYS_wait, it, 3, 30 * MS), TIMED_OUT, 2);
    uint64_t t1 = (uint64_t)OK(DSYS0(DOGMA_SYS_clock));
    CHECK(t1 - t0 >= 30 * MS);
    CHECK(it[0].got == 0 && it[1].got == 0 && it[2].got == 0);

    /* Two ready: the lower index wins; every got is written. */
    OK(DSYS5(DOGMA_SYS_channel_send, a, "m", 1, 0, 0));
    OK(DSYS2(DOGMA_SYS_notify_signal, n2, 1));
    set_got(it, 3);
    CHECK(OK(DSYS3(DOGMA_SYS_wait, it, 3, 0)) == 1);
    CHECK(it[0].got == 0 && it[1].got == DOGMA_SIG_READABLE && it[2].got == DOGMA_SIG_NOTIFIED);
    OK(DSYS2(DOGMA_SYS_notify_signal, n1, 1));
    CHECK(OK(DSYS3(DOGMA_SYS_wait, it, 3, FOREVER)) == 0);
    CHECK(it[0].got == DOGMA_SIG_NOTIFIED);
    /* Signals an item does not want do not make it ready. */
    it[0].want = DOGMA_SIG_READABLE | DOGMA_SIG_EXITED;
    CHECK(OK(DSYS3(DOGMA_SYS_wait, it, 3, 0)) == 1 && it[0].got == DOGMA_SIG_NOTIFIED);

    /* Sixteen items, only the last ready. */
    dogma_wait_item_t many[16];
    for (int i = 0; i < 16; i++)
        many[i] = (dogma_wait_item_t){.handle = a, .want = DOGMA_SIG_READABLE};
    many[15] = (dogma_wait_item_t){.handle = n1, .want = DOGMA_SIG_NOTIFIED};
    CHECK(OK(DSYS3(DOGMA_SYS_wait, many, 16, FOREVER)) == 15);

    CHECK(OK(DSYS1(DOGMA_SYS_notify_take, n1)) == 1);
    t_dispose(a);
    t_dispose(b);
    t_dispose(n1);
    t_dispose(n2);
}

/* A notification: bits or together; take returns them, all 64 in rdx,
 * and clears the word. */
static void test_notify(void)
{
    uint32_t n1 = t_notify();
    dogma_wait_item_t it[1] = {{.handle = n1, .want = DOGMA_SIG_NOTIFIED}};
    CHECK(OK(DSYS1(DOGMA_SYS_notify_take, n1)) == 0);
    OK(DSYS2(DOGMA_SYS_notify_signal, n1, 0x5));
    OK(DSYS2(DOGMA_SYS_notify_signal, n1, 0x104));
    OK(DSYS2(DOGMA_SYS_notify_signal, n1, 1ull << 63));
    CHECK(OK(DSYS3(DOGMA_SYS_wait, it, 1, 0)) == 0 && it[0].got == DOGMA_SIG_NOTIFIED);
    dsys_t r = DSYS1(DOGMA_SYS_notify_take, n1);
    CHECK(OK(r) == 0x105 && r.r1 == (0x105 | 1ull << 63));
    FAILS(DSYS3(DOGMA_SYS_wait, it, 1, 0), TIMED_OUT, 2);
    CHECK(it[0].got == 0);
    FAILS(DSYS2(DOGMA_SYS_notify_signal, n1, 0), BAD_ARG, 1);
    uint32_t sig = t_dup(n1, DOGMA_R_SIGNAL), tak = t_dup(n1, DOGMA_R_WAIT);
    FAILS(DSYS1(DOGMA_SYS_notify_take, sig), RIGHTS, 0);
    FAILS(DSYS2(DOGMA_SYS_notify_signal, tak, 1), RIGHTS, 0);
    OK(DSYS2(DOGMA_SYS_notify_signal, sig, 2));
    CHECK(OK(DSYS1(DOGMA_SYS_notify_take, tak)) == 2);
    t_dispose(sig);
    t_dispose(tak);
    t_dispose(n1);
}

static void test_refused(void)
{
    uint32_t n = t_notify();
    OK(DSYS2(DOGMA_SYS_notify_signal, n, 1)); /* ready: only refusals can fail */
    dogma_wait_item_t it[17];
    for (int i = 0; i < 17; i++)
        it[i] = (dogma_wait_item_t){.handle = n, .want = DOGMA_SIG_NOTIFIED};

    FAILS(DSYS3(DOGMA_SYS_wait, it, 0, 0), BAD_ARG, 1);
    FAILS(DSYS3(DOGMA_SYS_wait, it, 17, 0), BAD_ARG, 1);
    CHECK(t_last_error().min == 1 && t_last_error().max == 16);
    FAILS(DSYS3(DOGMA_SYS_wait, it, UINT64_MAX, 0), BAD_ARG, 1);

    /* A dead handle, a handle that never was, other kinds: by index. */
    uint32_t dead = t_notify();
    t_dispose(dead);
    it[2].handle = dead;
    FAILS(DSYS3(DOGMA_SYS_wait, it, 3, 0), BAD_HANDLE, 0);
    CHECK(t_last_error().min == 2);
    it[2].handle = 0xfff;
    FAILS(DSYS3(DOGMA_SYS_wait, it, 3, 0), BAD_HANDLE, 0);
    uint64_t base;
    uint32_t rg = t_region(4096, &base);
    uint32_t tok = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 1));
    uint32_t kinds[] = {rg, tok, t_grant(0), t_grant(1), t_grant(2)};
    for (unsigned k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        it[1].handle = kinds[k];
        FAILS(DSYS3(DOGMA_SYS_wait, &it[1], 2, 0), WRONG_KIND, 0);
        CHECK(t_last_error().min == 0);
    }
    it[1].handle = n;
    it[2].handle = n;

    /* Items the kernel cannot read, or cannot write back. */
    FAILS(DSYS3(DOGMA_SYS_wait, 0, 1, 0), BAD_ADDRESS, 0);
    FAILS(DSYS3(DOGMA_SYS_wait, (void *)(base + 4096 - 8), 1, 0), BAD_ADDRESS, 0);
    FAILS(DSYS3(DOGMA_SYS_wait, (void *)t_pb, 1, 0), BAD_ADDRESS, 0);
    FAILS(DSYS3(DOGMA_SYS_wait, (void *)t_region_info(t_grant(0)).base, 1, 0), BAD_ADDRESS, 0);
    /* The same items where they may be: fine. */
    memcpy((void *)base, it, sizeof it[0]);
    CHECK(OK(DSYS3(DOGMA_SYS_wait, (void *)base, 1, 0)) == 0);
    CHECK(((dogma_wait_item_t *)base)->got == DOGMA_SIG_NOTIFIED);
    t_dispose(rg);
    t_dispose(tok);
    t_dispose(n);
}

/* Waiting reads an object's state, so it needs the right that reading it
 * takes: READ on a channel, WAIT on a notification, MONITOR on a process;
 * an item's reserved word must be 0 and its wants known signals. */
static void test_wait_rights(void)
{
    uint32_t b, a = t_channel(&b);
    uint32_t note = t_notify();
    uint32_t weak_ch = t_dup(a, DOGMA_R_WRITE), weak_note = t_dup(note, DOGMA_R_SIGNAL);
    dogma_wait_item_t it = {.handle = weak_ch, .want = DOGMA_SIG_READABLE};
    FAILS(DSYS3(DOGMA_SYS_wait, &it, 1, 0), RIGHTS, 0);
    it.handle = weak_note;
    it.want = DOGMA_SIG_NOTIFIED;
    FAILS(DSYS3(DOGMA_SYS_wait, &it, 1, 0), RIGHTS, 0);
    it.handle = note;
    it.reserved = 1;
    FAILS(DSYS3(DOGMA_SYS_wait, &it, 1, 0), BAD_ARG, 0);
    it.reserved = 0;
    it.want = 0x40;
    FAILS(DSYS3(DOGMA_SYS_wait, &it, 1, 0), BAD_ARG, 0);
    it.want = DOGMA_SIG_NOTIFIED;
    FAILS(DSYS3(DOGMA_SYS_wait, &it, 1, 0), TIMED_OUT, 2);
    /* lock_wait with timeout 0 polls too: no sleep, TIMED_OUT at once. */
    static volatile uint32_t word;
    uint64_t yields = t_self().yields;
    FAILS(DSYS3(DOGMA_SYS_lock_wait, &word, 0, 0), TIMED_OUT, 2);
    CHECK(t_self().yields == yields);
    t_dispose(weak_ch);
    t_dispose(weak_note);
    t_dispose(a);
    t_dispose(b);
    t_dispose(note);
    t_printf("wait needs READ, WAIT or MONITOR; reserved and unknown bits refused; 0 polls");
}

int test_main(void)
{
    uint64_t mode = t_child_mode();
    if (mode == M_WAKER)
        return child_waker(t_grant(1), t_grant(2));
    if (mode == M_WAITER)
        return child_waiter(t_grant(1), t_grant(2));
    if (mode == M_CROWD)
        return child_crowd(t_grant(1), t_grant(2));
    if (mode) {
        t_printf("unknown mode %lu", mode);
        return 1;
    }
    test_refused();
    test_wait_rights();
    test_ready_and_timeout();
    test_notify();
    test_woken();
    test_waiter_torn_down();
    test_crowd();
    return 0;
}
