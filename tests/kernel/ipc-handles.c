/*
 * ipc-handles: handles carried in channel messages. A message moves its
 * handles: a region, a notification, a token and a channel endpoint sent
 * to a child leave this table (BAD_HANDLE here) and arrive in order, with
 * the rights they had, usable there: the child reads what we wrote in the
 * region, writes back, and returns the region, which we read at the same
 * address. A sender that touches a region it has sent faults, even while
 * the message is still queued. A receiver with too little room for the
 * handles gets BAD_ARG with the count it needs, and the message stays
 * queued. Refused, with nothing moved: a handle without DOGMA_R_TRANSFER
 * (RIGHTS), an endpoint of the channel itself (RIGHTS), the same handle
 * twice or a dead one (BAD_HANDLE, the index in the record), more than
 * DOGMA_MSG_MAX_HANDLES (BAD_ARG). Two handles to one object are two
 * handles. A message outlives the endpoint it was sent from (and its
 * sender's end); one still queued when the endpoint it waits at is
 * disposed, or whose receiver ends, has its handles disposed: a channel
 * end in it closes (the other end sees PEER_GONE), and the leak check at
 * the end finds every region, frame and object gone.
 *
 * Children are this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent).
 */
#include "dogma_user.h"

#define TOKEN_TAG 0x70617373ull /* the token we pass in a message */
#define REGION_BYTES (2 * 4096)

enum {
    M_REGION = 1, /* receive four handles on grant 1, use them, send the region back */
    M_TOUCH,      /* send a region of ours on grant 1, then touch it */
};

static uint8_t pattern(uint64_t k, uint8_t seed) { return (uint8_t)(k * 31 + seed); }

/* ---- the child -------------------------------------------------------------------- */

static int child_region(uint32_t ep)
{
    CHECK(t_wait_for(ep, DOGMA_SIG_READABLE) & DOGMA_SIG_READABLE);
    char text[32];
    uint32_t hs[DOGMA_MSG_MAX_HANDLES];
    dsys_t r = DSYS5(DOGMA_SYS_channel_recv, ep, text, sizeof text, hs, DOGMA_MSG_MAX_HANDLES);
    CHECK(OK(r) == 5 && memcmp(text, "four", 5) == 0 && r.r1 == 4);
    uint32_t rg = hs[0], note = hs[1], tok = hs[2], end = hs[3];

    /* The region, with the rights region_create gave it: what the parent
     * wrote is there, and now we write. */
    dogma_region_info_t ri = t_region_info(rg);
    CHECK(ri.kind == DOGMA_CAP_REGION && ri.size == REGION_BYTES);
    CHECK(t_cap_info(rg).rights ==
          (DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER | DOGMA_R_DUP));
    volatile uint8_t *mem = (volatile uint8_t *)ri.base;
    for (uint64_t k = 0; k < REGION_BYTES; k++)
        CHECK(mem[k] == pattern(k, 1));
    for (uint64_t k = 0; k < REGION_BYTES; k++)
        mem[k] = pattern(k, 2);

    /* The notification (signal only), the token (its maker is the parent),
     * the endpoint of the other channel. */
    CHECK(t_cap_info(note).kind == DOGMA_CAP_NOTIFY &&
          t_cap_info(note).rights == (DOGMA_R_SIGNAL | DOGMA_R_TRANSFER));
    FAILS(DSYS1(DOGMA_SYS_notify_take, note), RIGHTS, 0);
    OK(DSYS2(DOGMA_SYS_notify_signal, note, 0x40));
    dogma_cap_info_t ti = t_cap_info(tok);
    CHECK(ti.kind == DOGMA_CAP_TOKEN && ti.object == TOKEN_TAG &&
          ti.extra == t_pb64(DOGMA_PB_PARENT));
    OK(DSYS5(DOGMA_SYS_channel_send, end, "hi from the child", 17, 0, 0));

    /* Back it goes: gone from here. */
    OK(DSYS5(DOGMA_SYS_channel_send, ep, "back", 4, &rg, 1));
    FAILS(DSYS2(DOGMA_SYS_region_info, rg, &ri), BAD_HANDLE, 0);

    /* The parent now sends a message we never take; we end when its end
     * goes, and the handles in that message go with our endpoint. */
    while (!(t_wait_for(ep, DOGMA_SIG_PEER_GONE) & DOGMA_SIG_PEER_GONE))
        ;
    t_dispose(note);
    t_dispose(tok);
    t_dispose(end);
    return 0;
}

static int child_touch(uint32_t ep)
{
    uint64_t base;
    uint32_t rg = t_region(REGION_BYTES, &base);
    volatile uint8_t *mem = (volatile uint8_t *)base;
    for (uint64_t k = 0; k < REGION_BYTES; k++)
        mem[k] = pattern(k, 3);
    OK(DSYS5(DOGMA_SYS_channel_send, ep, 0, 0, &rg, 1));
    /* Gone from our page table as well as from our handles: this read
     * faults and ends us. */
    t_printf("read after the send: %u", mem[0]);
    return 0;
}

/* ---- the scenario ------------------------------------------------------------------ */

static void test_move(void)
{
    uint32_t theirs, mine = t_channel(&theirs);
    uint32_t kid = t_spawn_mode("ipc-handles", M_REGION, &theirs, 1, NULL);

    uint64_t base;
    uint32_t rg = t_region(REGION_BYTES, &base);
    volatile uint8_t *mem = (volatile uint8_t *)base;
    for (uint64_t k = 0; k < REGION_BYTES; k++)
        mem[k] = pattern(k, 1);
    uint32_t note = t_notify();
    uint32_t note_sig = t_dup(note, DOGMA_R_SIGNAL | DOGMA_R_TRANSFER);
    uint32_t tok = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, TOKEN_TAG));
    uint32_t e2, e1 = t_channel(&e2);

    uint32_t before = (uint32_t)t_self().handles;
    uint32_t hs[4] = {rg, note_sig, tok, e2};
    OK(DSYS5(DOGMA_SYS_channel_send, mine, "four", 5, hs, 4));
    /* All four left our table. */
    CHECK(t_self().handles == before - 4);
    FAILS(DSYS2(DOGMA_SYS_region_info, rg, &(dogma_region_info_t){0}), BAD_HANDLE, 0);
    for (int i = 1; i < 4; i++)
        CHECK(!t_live(hs[i]));

    /* The child signals, talks on the other channel and returns the
     * region; first with no room for the handle: BAD_ARG, count needed 1,
     * and the message stays. */
    CHECK(t_wait_for(mine, DOGMA_SIG_READABLE | DOGMA_SIG_PEER_GONE) == DOGMA_SIG_READABLE);
    char text[32];
    uint32_t back[DOGMA_MSG_MAX_HANDLES] = {0};
    FAILS(DSYS5(DOGMA_SYS_channel_recv, mine, text, sizeof text, back, 0), BAD_ARG, 4);
    CHECK(t_last_error().min == 1);
    FAILS(DSYS5(DOGMA_SYS_channel_recv, mine, text, 3, back, 4), BAD_ARG, 2);
    CHECK(t_last_error().min == 4);
    CHECK(t_self().handles == before - 4);
    dsys_t r = DSYS5(DOGMA_SYS_channel_recv, mine, text, sizeof text, back, 1);
    CHECK(OK(r) == 4 && memcmp(text, "back", 4) == 0 && r.r1 == 1);
    dogma_region_info_t ri = t_region_info(back[0]);
    CHECK(ri.base == (uint64_t)mem && ri.kind == DOGMA_CAP_REGION);
    for (uint64_t k = 0; k < REGION_BYTES; k++)
        CHECK(mem[k] == pattern(k, 2));
    CHECK(OK(DSYS1(DOGMA_SYS_notify_take, note)) == 0x40);
    r = DSYS5(DOGMA_SYS_channel_recv, e1, text, sizeof text, 0, 0);
    CHECK(OK(r) == 17 && memcmp(text, "hi from the child", 17) == 0);
    t_printf("a region, a notification, a token and an endpoint went there; the region came back");

    /* A message the child never takes: its handles go with the child's
     * endpoint when the child ends. */
    uint32_t lost[2] = {back[0], (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 1))};
    OK(DSYS5(DOGMA_SYS_channel_send, mine, 0, 0, lost, 2));
    t_dispose(mine);
    t_expect_exit(kid, 0);
    /* The child has disposed its copy of e2: e1's peer is gone. */
    dogma_wait_item_t it = {.handle = e1, .want = DOGMA_SIG_PEER_GONE};
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 0)) == 0);
    t_dispose(e1);
    t_dispose(note);
}

/* A region sent is out of the sender's reach at once: its next touch is
 * a fault (the process is torn down), while the message, queued, keeps
 * the region and its contents for the receiver. */
static void test_sender_loses_reach(void)
{
    uint32_t theirs, mine = t_channel(&theirs);
    uint32_t kid = t_spawn_mode("ipc-handles", M_TOUCH, &theirs, 1, NULL);
    t_expect_torn_down(kid, DOGMA_FAULT_UNMAPPED);
    uint32_t rg;
    dsys_t r = DSYS5(DOGMA_SYS_channel_recv, mine, 0, 0, &rg, 1);
    CHECK(OK(r) == 0 && r.r1 == 1);
    dogma_region_info_t ri = t_region_info(rg);
    for (uint64_t k = 0; k < REGION_BYTES; k++)
        CHECK(((volatile uint8_t *)ri.base)[k] == pattern(k, 3));
    FAILS(DSYS5(DOGMA_SYS_channel_recv, mine, 0, 0, &rg, 1), PEER_CLOSED, 0);
    t_dispose(rg);
    t_dispose(mine);
}

static void test_refused(void)
{
    uint32_t b, a = t_channel(&b);
    uint32_t n = t_notify();
    uint32_t keep = t_dup(n, DOGMA_R_SIGNAL | DOGMA_R_WAIT); /* no TRANSFER */
    uint32_t hs[DOGMA_MSG_MAX_HANDLES + 1];
    uint64_t before = t_self().handles;

    /* Without TRANSFER: refused, and nothing moved (n came first). */
    hs[0] = n;
    hs[1] = keep;
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, "x", 1, hs, 2), RIGHTS, 3);
    CHECK(t_last_error().min == DOGMA_R_TRANSFER);
    CHECK(t_live(n) && t_live(keep));
    uint32_t image = t_pb32(DOGMA_PB_IMAGE); /* our own image: READ, WRITE only */
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, "x", 1, &image, 1), RIGHTS, 3);
    CHECK(t_live(image));

    /* An endpoint of the channel itself, either end. */
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, "x", 1, &a, 1), RIGHTS, 3);
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, "x", 1, &b, 1), RIGHTS, 3);
    uint32_t b2 = t_dup(b, DOGMA_R_READ | DOGMA_R_TRANSFER);
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, "x", 1, &b2, 1), RIGHTS, 3);
    CHECK(t_live(a) && t_live(b) && t_live(b2));
    t_dispose(b2);

    /* The same handle twice; a dead handle; too many handles. */
    hs[0] = n;
    hs[1] = n;
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, "x", 1, hs, 2), BAD_HANDLE, 3);
    CHECK(t_last_error().min == 1);
    uint32_t dead = t_notify();
    t_dispose(dead);
    hs[1] = dead;
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, "x", 1, hs, 2), BAD_HANDLE, 3);
    CHECK(t_last_error().min == 1);
    hs[1] = 0;
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, "x", 1, hs, 2), BAD_HANDLE, 3);
    for (int i = 0; i <= DOGMA_MSG_MAX_HANDLES; i++)
        hs[i] = n;
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, "x", 1, hs, DOGMA_MSG_MAX_HANDLES + 1), BAD_ARG, 4);
    FAILS(DSYS5(DOGMA_SYS_channel_send, a, "x", 1, (void *)8, 1), BAD_ADDRESS, 3);
    CHECK(t_live(n) && t_self().handles == before);
    FAILS(DSYS5(DOGMA_SYS_channel_recv, b, hs, sizeof hs, hs, 4), EMPTY, 0);

    /* Two handles to one object are two handles: both travel. */
    hs[0] = n;
    hs[1] = t_dup(n, DOGMA_R_SIGNAL | DOGMA_R_TRANSFER);
    OK(DSYS5(DOGMA_SYS_channel_send, a, 0, 0, hs, 2));
    uint32_t got[DOGMA_MSG_MAX_HANDLES];
    dsys_t r = DSYS5(DOGMA_SYS_channel_recv, b, 0, 0, got, DOGMA_MSG_MAX_HANDLES);
    CHECK(OK(r) == 0 && r.r1 == 2);
    CHECK(t_cap_info(got[0]).rights ==
          (DOGMA_R_SIGNAL | DOGMA_R_WAIT | DOGMA_R_DUP | DOGMA_R_TRANSFER));
    CHECK(t_cap_info(got[1]).rights == (DOGMA_R_SIGNAL | DOGMA_R_TRANSFER));
    OK(DSYS2(DOGMA_SYS_notify_signal, got[1], 3));
    CHECK(OK(DSYS1(DOGMA_SYS_notify_take, keep)) == 3);
    t_dispose(got[0]);
    t_dispose(got[1]);
    t_dispose(keep);
    t_dispose(a);
    t_dispose(b);
}

static void test_disposed_in_flight(void)
{
    /* Queued at y, y disposed: the message and its handles go. p1 in it
     * closes, as its peer p2 sees. */
    uint32_t y, x = t_channel(&y);
    uint32_t p2, p1 = t_channel(&p2);
    uint64_t base;
    uint32_t rg = t_region(3 * 4096, &base);
    memset((void *)base, 0x77, 3 * 4096); /* frames that must come back */
    uint32_t hs[3] = {p1, rg, t_notify()};
    OK(DSYS5(DOGMA_SYS_channel_send, x, "in flight", 9, hs, 3));
    dogma_wait_item_t it = {.handle = p2, .want = DOGMA_SIG_PEER_GONE};
    FAILS(DSYS3(DOGMA_SYS_wait, &it, 1, 0), TIMED_OUT, 2); /* p1 lives in the message */
    t_dispose(y);
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 0)) == 0 && it.got == DOGMA_SIG_PEER_GONE);
    FAILS(DSYS5(DOGMA_SYS_channel_send, x, 0, 0, 0, 0), PEER_CLOSED, 0);
    t_dispose(x);
    t_dispose(p2);

    /* Queued at y, x (the sender's end) disposed: the message stays for
     * y, handles and all. */
    x = t_channel(&y);
    p1 = t_channel(&p2);
    OK(DSYS5(DOGMA_SYS_channel_send, x, 0, 0, &p1, 1));
    t_dispose(x);
    uint32_t got;
    dsys_t r = DSYS5(DOGMA_SYS_channel_recv, y, 0, 0, &got, 1);
    CHECK(OK(r) == 0 && r.r1 == 1 && t_cap_info(got).kind == DOGMA_CAP_CHANNEL);
    OK(DSYS5(DOGMA_SYS_channel_send, got, "alive", 5, 0, 0));
    char text[8];
    CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, p2, text, sizeof text, 0, 0)) == 5);
    FAILS(DSYS5(DOGMA_SYS_channel_recv, y, 0, 0, 0, 0), PEER_CLOSED, 0);
    t_dispose(got);
    t_dispose(p2);
    t_dispose(y);
}

int test_main(void)
{
    uint64_t mode = t_child_mode();
    if (mode == M_REGION)
        return child_region(t_grant(1));
    if (mode == M_TOUCH)
        return child_touch(t_grant(1));
    if (mode) {
        t_printf("unknown mode %lu", mode);
        return 1;
    }
    test_refused();
    test_disposed_in_flight();
    test_move();
    test_sender_loses_reach();
    return 0;
}
