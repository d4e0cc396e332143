/*
 * ipc-channel: channels between processes. A child gets one endpoint as a
 * grant and answers requests: many request/reply rounds, then a burst
 * whose replies come back in order; when this end is disposed the child
 * sees PEER_GONE in wait and PEER_CLOSED from recv and send. A second
 * child fills the queue to DOGMA_CHANNEL_DEPTH (the next send is FULL) and
 * exits: its messages stay receivable here, in order, and then recv and
 * send are PEER_CLOSED. Within one process: recv on an empty queue is
 * EMPTY; a buffer too small for the next message is BAD_ARG with the size
 * it needs in the error record, one we may not write BAD_ADDRESS, and the
 * message stays queued; messages of
 * 0 and DOGMA_MSG_MAX_BYTES bytes go through, one byte more is BAD_ARG;
 * sending and receiving need WRITE and READ; disposing one endpoint (its
 * last handle, not a duplicate) closes the channel for the other, which
 * still drains what was queued for it.
 *
 * Children are this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent).
 */
#include "dogma_user.h"

#define ROUNDS 200
#define BURST 10
#define XOR 0x5a /* the echo child's reply: each byte xored with this */

enum {
    M_ECHO = 1, /* answer each message on grant 1 until the other end goes */
    M_FILL,     /* fill grant 1's queue, see FULL, exit */
};

/* Waits until ep is readable or its peer gone; the signals seen. */
static uint32_t wait_ep(uint32_t ep)
{
    return t_wait_for(ep, DOGMA_SIG_READABLE | DOGMA_SIG_PEER_GONE);
}

/* Message i of a sequence: i + 1 bytes (wrapping at the maximum), each
 * a function of i and its place. */
static size_t make_msg(uint32_t i, uint8_t *buf)
{
    size_t n = 1 + i % DOGMA_MSG_MAX_BYTES;
    for (size_t k = 0; k < n; k++)
        buf[k] = (uint8_t)(i * 7 + k);
    return n;
}

/* ---- children --------------------------------------------------------------------- */

static int child_echo(uint32_t ep)
{
    uint8_t buf[DOGMA_MSG_MAX_BYTES];
    uint32_t answered = 0;
    for (;;) {
        uint32_t got = wait_ep(ep);
        dsys_t r = DSYS5(DOGMA_SYS_channel_recv, ep, buf, sizeof buf, 0, 0);
        if (r.r == -DOGMA_E_PEER_CLOSED) {
            /* The parent disposed its end: the wait said so, and sending
             * is refused too. */
            CHECK(got == DOGMA_SIG_PEER_GONE);
            FAILS(DSYS5(DOGMA_SYS_channel_send, ep, buf, 1, 0, 0), PEER_CLOSED, 0);
            t_printf("echo: answered %u messages, then the peer went", answered);
            CHECK(answered == ROUNDS + BURST);
            return 0;
        }
        CHECK(got & DOGMA_SIG_READABLE);
        int64_t n = OK(r);
        CHECK(r.r1 == 0);
        for (int64_t k = 0; k < n; k++)
            buf[k] ^= XOR;
        OK(DSYS5(DOGMA_SYS_channel_send, ep, buf, n, 0, 0));
        answered++;
    }
}

static int child_fill(uint32_t ep)
{
    uint8_t buf[DOGMA_MSG_MAX_BYTES];
    for (uint32_t i = 0; i < DOGMA_CHANNEL_DEPTH; i++)
        OK(DSYS5(DOGMA_SYS_channel_send, ep, buf, make_msg(i, buf), 0, 0));
    FAILS(DSYS5(DOGMA_SYS_channel_send, ep, buf, 1, 0, 0), FULL, 0);
    CHECK(t_last_error().max == DOGMA_CHANNEL_DEPTH);
    return 0; /* our endpoint goes with us; what we sent stays queued there */
}

static int child(uint64_t mode)
{
    switch (mode) {
    case M_ECHO: return child_echo(t_grant(1));
    case M_FILL: return child_fill(t_grant(1));
    }
    t_printf("unknown mode %lu", mode);
    return 1;
}

/* ---- between two processes ------------------------------------------------------- */

static void test_echo(void)
{
    uint32_t theirs, mine = t_channel(&theirs);
    uint32_t kid = t_spawn_mode("ipc-channel", M_ECHO, &theirs, 1, NULL);
    /* The granted endpoint left our table. */
    FAILS(DSYS2(DOGMA_SYS_cap_info, theirs, &(dogma_cap_info_t){0}), BAD_HANDLE, 0);

    /* Request and reply, one at a time. */
    uint8_t out[DOGMA_MSG_MAX_BYTES], in[DOGMA_MSG_MAX_BYTES];
    for (uint32_t i = 0; i < ROUNDS; i++) {
        size_t n = make_msg(i, out);
        OK(DSYS5(DOGMA_SYS_channel_send, mine, out, n, 0, 0));
        CHECK(wait_ep(mine) == DOGMA_SIG_READABLE);
        dsys_t r = DSYS5(DOGMA_SYS_channel_recv, mine, in, sizeof in, 0, 0);
        CHECK((size_t)OK(r) == n && r.r1 == 0);
        for (size_t k = 0; k < n; k++)
            CHECK(in[k] == (out[k] ^ XOR));
    }
    t_printf("%u request/reply rounds", ROUNDS);

    /* A burst: every request queued before the child runs; the replies
     * come back in the order sent. */
    for (uint32_t i = 0; i < BURST; i++)
        OK(DSYS5(DOGMA_SYS_channel_send, mine, out, make_msg(1000 + i, out), 0, 0));
    for (uint32_t i = 0; i < BURST; i++) {
        wait_ep(mine);
        size_t n = make_msg(1000 + i, out);
        CHECK((size_t)OK(DSYS5(DOGMA_SYS_channel_recv, mine, in, sizeof in, 0, 0)) == n);
        for (size_t k = 0; k < n; k++)
            CHECK(in[k] == (out[k] ^ XOR));
    }

    /* Our end goes: the child's wait ends with PEER_GONE and it exits 0. */
    t_dispose(mine);
    t_expect_exit(kid, 0);
}

static void test_fill_and_close(void)
{
    uint32_t theirs, mine = t_channel(&theirs);
    /* We do not receive until it has ended: it fills the queue. */
    t_expect_exit(t_spawn_mode("ipc-channel", M_FILL, &theirs, 1, NULL), 0);

    /* Its end is gone with it, but what it sent is still ours, in order. */
    dogma_wait_item_t it = {.handle = mine, .want = DOGMA_SIG_PEER_GONE};
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 0)) == 0);
    CHECK(it.got == (DOGMA_SIG_PEER_GONE | DOGMA_SIG_READABLE));
    FAILS(DSYS5(DOGMA_SYS_channel_send, mine, "x", 1, 0, 0), PEER_CLOSED, 0);
    uint8_t want[DOGMA_MSG_MAX_BYTES], in[DOGMA_MSG_MAX_BYTES];
    for (uint32_t i = 0; i < DOGMA_CHANNEL_DEPTH; i++) {
        size_t n = make_msg(i, want);
        CHECK((size_t)OK(DSYS5(DOGMA_SYS_channel_recv, mine, in, sizeof in, 0, 0)) == n);
        CHECK(memcmp(in, want, n) == 0);
    }
    /* Drained: now recv says the other end is gone, and so does wait. */
    FAILS(DSYS5(DOGMA_SYS_channel_recv, mine, in, sizeof in, 0, 0), PEER_CLOSED, 0);
    it.got = 0xdead;
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 0)) == 0 && it.got == DOGMA_SIG_PEER_GONE);
    it.want = DOGMA_SIG_READABLE;
    FAILS(DSYS3(DOGMA_SYS_wait, &it, 1, 0), TIMED_OUT, 2);
    CHECK(it.got == DOGMA_SIG_PEER_GONE);
    t_dispose(mine);
    t_printf("a full queue of %u outlived its sender", DOGMA_CHANNEL_DEPTH);
}

/* ---- within one process ------------------------------------------------------------ */

static void test_limits(void)
{
    uint32_t b, a = t_channel(&b);
    dogma_cap_info_t ci = t_cap_info(a);
    CHECK(ci.kind == DOGMA_CAP_CHANNEL &&
          ci.rights == (DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_DUP | DOGMA_R_TRANSFER));
    uint8_t buf[DOGMA_MSG_MAX_BYTES + 1], in[DOGMA_MSG_MAX_BYTES + 1];
    for (size_t k = 0; k < sizeof buf; k++)
        buf[k] = (uint8_t)(k * 13 + 1);

    /* Nothing queued. */
    FAILS(DSYS5(DOGMA_SYS_channel_recv, b, in, sizeof in, 0, 0), EMPTY, 0);
    FAILS(DSYS5(DOGMA_SYS_channel_recv, a, in, sizeof in, 0, 0), EMPTY, 0);

    /* The largest message, and one byte more. */
    OK(DSYS5(DOGMA_SYS_channel_send, a, buf, DOGMA_MSG_MAX_BYTES, 0, 0));
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, buf, DOGMA_MSG_MAX_BYTES + 1, 0, 0), BAD_ARG, 2);
    CHECK(t_last_error().max == DOGMA_MSG_MAX_BYTES);
    /* Too small a buffer: refused with the size needed, and it stays. */
    FAILS(DSYS5(DOGMA_SYS_channel_recv, b, in, DOGMA_MSG_MAX_BYTES - 1, 0, 0), BAD_ARG, 2);
    CHECK(t_last_error().min == DOGMA_MSG_MAX_BYTES);
    FAILS(DSYS5(DOGMA_SYS_channel_recv, b, in, 0, 0, 0), BAD_ARG, 2);
    CHECK(t_last_error().min == DOGMA_MSG_MAX_BYTES);
    /* A buffer we may not write (our read-only process block): it stays
     * too. */
    FAILS(DSYS5(DOGMA_SYS_channel_recv, b, (void *)t_pb, DOGMA_MSG_MAX_BYTES, 0, 0), BAD_ADDRESS,
          1);
    memset(in, 0, sizeof in);
    CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, b, in, DOGMA_MSG_MAX_BYTES, 0, 0)) ==
          DOGMA_MSG_MAX_BYTES);
    CHECK(memcmp(in, buf, DOGMA_MSG_MAX_BYTES) == 0);
    FAILS(DSYS5(DOGMA_SYS_channel_recv, b, in, sizeof in, 0, 0), EMPTY, 0);

    /* An empty message is a message; it needs no buffer. */
    OK(DSYS5(DOGMA_SYS_channel_send, b, 0, 0, 0, 0));
    dsys_t r = DSYS5(DOGMA_SYS_channel_recv, a, 0, 0, 0, 0);
    CHECK(OK(r) == 0 && r.r1 == 0);
    /* Each direction has its own queue. */
    OK(DSYS5(DOGMA_SYS_channel_send, a, "to b", 4, 0, 0));
    OK(DSYS5(DOGMA_SYS_channel_send, b, "to a!", 5, 0, 0));
    CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, a, in, sizeof in, 0, 0)) == 5 &&
          memcmp(in, "to a!", 5) == 0);
    CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, b, in, sizeof in, 0, 0)) == 4 &&
          memcmp(in, "to b", 4) == 0);

    t_dispose(a);
    t_dispose(b);
}

static void test_queue_and_rights(void)
{
    uint32_t b, a = t_channel(&b);
    uint8_t buf[DOGMA_MSG_MAX_BYTES], in[DOGMA_MSG_MAX_BYTES];

    /* A full queue, then its messages in order. */
    for (uint32_t i = 0; i < DOGMA_CHANNEL_DEPTH; i++)
        OK(DSYS5(DOGMA_SYS_channel_send, a, buf, make_msg(i, buf), 0, 0));
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, buf, 1, 0, 0), FULL, 0);
    OK(DSYS5(DOGMA_SYS_channel_send, b, buf, 1, 0, 0)); /* the other way is not full */
    for (uint32_t i = 0; i < DOGMA_CHANNEL_DEPTH; i++) {
        size_t n = make_msg(i, buf);
        CHECK((size_t)OK(DSYS5(DOGMA_SYS_channel_recv, b, in, sizeof in, 0, 0)) == n);
        CHECK(memcmp(in, buf, n) == 0);
        if (i == 0) /* room again */
            OK(DSYS5(DOGMA_SYS_channel_send, a, buf, make_msg(DOGMA_CHANNEL_DEPTH, buf), 0, 0));
    }
    CHECK((size_t)OK(DSYS5(DOGMA_SYS_channel_recv, b, in, sizeof in, 0, 0)) ==
          make_msg(DOGMA_CHANNEL_DEPTH, buf));
    CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, a, in, sizeof in, 0, 0)) == 1);

    /* Sending needs WRITE, receiving READ; a channel call on another kind
     * of handle is WRONG_KIND. */
    uint32_t ro = t_dup(a, DOGMA_R_READ), wo = t_dup(a, DOGMA_R_WRITE);
    FAILS(DSYS5(DOGMA_SYS_channel_send, ro, buf, 1, 0, 0), RIGHTS, 0);
    OK(DSYS5(DOGMA_SYS_channel_send, wo, buf, 1, 0, 0));
    FAILS(DSYS5(DOGMA_SYS_channel_recv, wo, in, sizeof in, 0, 0), RIGHTS, 0);
    OK(DSYS5(DOGMA_SYS_channel_send, b, buf, 1, 0, 0));
    CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, ro, in, sizeof in, 0, 0)) == 1);
    CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, b, in, sizeof in, 0, 0)) == 1);
    uint32_t n = t_notify();
    FAILS(DSYS5(DOGMA_SYS_channel_send, n, buf, 1, 0, 0), WRONG_KIND, 0);
    FAILS(DSYS5(DOGMA_SYS_channel_recv, n, in, sizeof in, 0, 0), WRONG_KIND, 0);
    t_dispose(n);
    t_dispose(ro);
    t_dispose(wo);
    t_dispose(a);
    t_dispose(b);
}

static void test_close(void)
{
    uint32_t b, a = t_channel(&b);
    uint8_t in[16];
    for (uint8_t i = 0; i < 3; i++)
        OK(DSYS5(DOGMA_SYS_channel_send, a, &i, 1, 0, 0)); /* queued at b */
    OK(DSYS5(DOGMA_SYS_channel_send, b, "lost", 4, 0, 0));  /* queued at a */

    /* Disposing a duplicate closes nothing: the endpoint lives on. */
    uint32_t a2 = t_dup(a, DOGMA_R_READ | DOGMA_R_WRITE);
    t_dispose(a);
    OK(DSYS5(DOGMA_SYS_channel_send, b, "more", 4, 0, 0));
    dogma_wait_item_t it = {.handle = b, .want = DOGMA_SIG_PEER_GONE};
    FAILS(DSYS3(DOGMA_SYS_wait, &it, 1, 0), TIMED_OUT, 2);
    CHECK(it.got == DOGMA_SIG_READABLE);

    /* The last handle: the channel is closed for b (what was queued at a
     * goes with it), and b still drains its own queue. */
    t_dispose(a2);
    FAILS(DSYS5(DOGMA_SYS_channel_send, b, "x", 1, 0, 0), PEER_CLOSED, 0);
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 0)) == 0);
    CHECK(it.got == (DOGMA_SIG_PEER_GONE | DOGMA_SIG_READABLE));
    for (uint8_t i = 0; i < 3; i++) {
        CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, b, in, sizeof in, 0, 0)) == 1);
        CHECK(in[0] == i);
    }
    FAILS(DSYS5(DOGMA_SYS_channel_recv, b, in, sizeof in, 0, 0), PEER_CLOSED, 0);
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 0)) == 0 && it.got == DOGMA_SIG_PEER_GONE);
    t_dispose(b);
}

int test_main(void)
{
    t_child_main(child);
    test_limits();
    test_queue_and_rights();
    test_close();
    test_echo();
    test_fill_and_close();
    return 0;
}
