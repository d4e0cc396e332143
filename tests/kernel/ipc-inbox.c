/*
 * ipc-inbox: capabilities sent straight to a process (cap_listen,
 * cap_send, cap_receive). To a child that does not listen, cap_send is
 * NOT_LISTENING and the capability is disposed: gone from the sender's
 * table, and the object with it (the other end of a channel sent so sees
 * PEER_GONE). A listening child wakes in wait on handle 0 with
 * DOGMA_SIG_INBOX, receives the capability with the sender's pid in rdx,
 * and uses it. The inbox holds 16: the next send is FULL and keeps its
 * handle; they come out in the order sent. What is still in the inbox when
 * its process ends is disposed (the leak check finds it gone). Sending to
 * an ended process is GONE and keeps the handle. cap_send needs WAKE on
 * the process and TRANSFER on what it sends; cap_listen takes 0 or 1 and
 * returns the previous setting, which the process block shows too.
 *
 * Children are this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent); each gets
 * a channel endpoint second, to talk to the parent.
 */
#include "dogma_user.h"

#define INBOX_MAX 16
#define TAG(i) (0x1b0000ull + (i))

enum {
    M_DEAF = 1, /* never listens; ends when told */
    M_LISTEN,   /* listens, receives, reports */
};

/* Waits for and receives the next message on ep: up to 8 bytes, as a
 * number (short messages are words like "ready"). */
static uint64_t next(uint32_t ep)
{
    t_wait_for(ep, DOGMA_SIG_READABLE);
    uint64_t v = 0;
    OK(DSYS5(DOGMA_SYS_channel_recv, ep, &v, sizeof v, 0, 0));
    return v;
}

static uint64_t word(const char *s)
{
    uint64_t v = 0;
    memcpy(&v, s, strlen(s) < 8 ? strlen(s) : 8);
    return v;
}

static void say(uint32_t ep, uint64_t v) { OK(DSYS5(DOGMA_SYS_channel_send, ep, &v, 8, 0, 0)); }

/* ---- children --------------------------------------------------------------------- */

static int child_deaf(uint32_t ep)
{
    CHECK(t_pb32(DOGMA_PB_LISTENING) == 0);
    CHECK(next(ep) == word("bye"));
    FAILS(DSYS0(DOGMA_SYS_cap_receive), EMPTY, -1);
    return 0;
}

static int child_listen(uint32_t ep)
{
    uint64_t parent = t_pb64(DOGMA_PB_PARENT);
    FAILS(DSYS1(DOGMA_SYS_cap_listen, 2), BAD_ARG, 0);
    CHECK(OK(DSYS1(DOGMA_SYS_cap_listen, 1)) == 0);
    CHECK(OK(DSYS1(DOGMA_SYS_cap_listen, 1)) == 1);
    CHECK(t_pb32(DOGMA_PB_LISTENING) == 1);
    FAILS(DSYS0(DOGMA_SYS_cap_receive), EMPTY, -1);
    dogma_wait_item_t in = {.handle = 0, .want = DOGMA_SIG_INBOX};
    FAILS(DSYS3(DOGMA_SYS_wait, &in, 1, 0), TIMED_OUT, 2);
    CHECK(in.got == 0);
    say(ep, word("ready"));

    /* One capability: the wait on handle 0 ends, and it is ours to use. */
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &in, 1, UINT64_MAX)) == 0 && in.got == DOGMA_SIG_INBOX);
    dsys_t r = DSYS0(DOGMA_SYS_cap_receive);
    uint32_t h = (uint32_t)OK(r);
    CHECK(r.r1 == parent);
    CHECK(t_cap_info(h).kind == DOGMA_CAP_CHANNEL);
    OK(DSYS5(DOGMA_SYS_channel_send, h, "used", 4, 0, 0));
    t_dispose(h);
    FAILS(DSYS3(DOGMA_SYS_wait, &in, 1, 0), TIMED_OUT, 2);
    say(ep, r.r1);

    /* A full inbox, received in the order sent. */
    CHECK(next(ep) == word("take"));
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &in, 1, 0)) == 0);
    for (unsigned i = 0; i < INBOX_MAX; i++) {
        r = DSYS0(DOGMA_SYS_cap_receive);
        dogma_cap_info_t ci = t_cap_info((uint32_t)OK(r));
        CHECK(r.r1 == parent && ci.kind == DOGMA_CAP_TOKEN && ci.object == TAG(i));
        t_dispose((uint32_t)r.r);
    }
    FAILS(DSYS0(DOGMA_SYS_cap_receive), EMPTY, -1);
    say(ep, word("took"));

    /* One more arrives; we end without taking it. */
    CHECK(next(ep) == word("bye"));
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &in, 1, 0)) == 0);
    return 0;
}

/* ---- the scenario ------------------------------------------------------------------ */

/* Starts a child in mode with a channel to it, our end in *out_ep. */
static uint32_t spawn_talking(uint64_t mode, uint32_t *out_ep)
{
    uint32_t theirs;
    *out_ep = t_channel(&theirs);
    return t_spawn_mode("ipc-inbox", mode, &theirs, 1, NULL);
}

static void test_not_listening(uint32_t deaf)
{
    /* An endpoint sent to a process that does not listen: disposed, gone
     * from our table, and its peer sees it go. */
    uint32_t e2, e1 = t_channel(&e2);
    FAILS(DSYS2(DOGMA_SYS_cap_send, deaf, e1), NOT_LISTENING, 0);
    CHECK(!t_live(e1));
    dogma_wait_item_t it = {.handle = e2, .want = DOGMA_SIG_PEER_GONE};
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 0)) == 0);
    t_dispose(e2);

    /* Refused before anything moves: no TRANSFER on the handle, no WAKE on
     * the process, a handle that is not one. */
    uint32_t n = t_notify();
    uint32_t stay = t_dup(n, DOGMA_R_SIGNAL);
    FAILS(DSYS2(DOGMA_SYS_cap_send, deaf, stay), RIGHTS, 1);
    CHECK(t_live(stay));
    uint32_t nowake = t_dup(deaf, DOGMA_R_MONITOR);
    FAILS(DSYS2(DOGMA_SYS_cap_send, nowake, n), RIGHTS, 0);
    FAILS(DSYS2(DOGMA_SYS_cap_send, deaf, 0), BAD_HANDLE, 1);
    FAILS(DSYS2(DOGMA_SYS_cap_send, n, n), WRONG_KIND, 0);
    CHECK(t_live(n));
    t_dispose(nowake);
    t_dispose(stay);
    t_dispose(n);
}

static void test_listening(uint32_t kid, uint32_t ep)
{
    CHECK(next(ep) == word("ready"));
    uint32_t x2, x1 = t_channel(&x2);
    OK(DSYS2(DOGMA_SYS_cap_send, kid, x2));
    CHECK(!t_live(x2));
    char text[8];
    t_wait_for(x1, DOGMA_SIG_READABLE);
    CHECK(OK(DSYS5(DOGMA_SYS_channel_recv, x1, text, sizeof text, 0, 0)) == 4);
    CHECK(memcmp(text, "used", 4) == 0);
    CHECK(next(ep) == t_pb64(DOGMA_PB_PID)); /* the pid it saw in rdx */
    t_dispose(x1);

    /* Sixteen fit, the seventeenth is FULL and stays with us. */
    uint32_t tok[INBOX_MAX + 1];
    for (unsigned i = 0; i <= INBOX_MAX; i++)
        tok[i] = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, TAG(i)));
    for (unsigned i = 0; i < INBOX_MAX; i++)
        OK(DSYS2(DOGMA_SYS_cap_send, kid, tok[i]));
    FAILS(DSYS2(DOGMA_SYS_cap_send, kid, tok[INBOX_MAX]), FULL, 0);
    CHECK(t_last_error().max == INBOX_MAX);
    CHECK(t_live(tok[INBOX_MAX]));
    for (unsigned i = 0; i < INBOX_MAX; i++)
        CHECK(!t_live(tok[i]));
    say(ep, word("take"));
    CHECK(next(ep) == word("took"));

    /* Room again: this one stays in the inbox until the child ends. */
    OK(DSYS2(DOGMA_SYS_cap_send, kid, tok[INBOX_MAX]));
    say(ep, word("bye"));
    CHECK(t_join(kid) == 0);
    uint32_t more = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 1));
    FAILS(DSYS2(DOGMA_SYS_cap_send, kid, more), GONE, 0);
    CHECK(t_live(more));
    t_dispose(more);
}

int test_main(void)
{
    uint64_t mode = t_child_mode();
    if (mode == M_DEAF)
        return child_deaf(t_grant(1));
    if (mode == M_LISTEN)
        return child_listen(t_grant(1));
    if (mode) {
        t_printf("unknown mode %lu", mode);
        return 1;
    }
    uint32_t dep, lep;
    uint32_t deaf = spawn_talking(M_DEAF, &dep);
    uint32_t listener = spawn_talking(M_LISTEN, &lep);
    test_not_listening(deaf);
    test_listening(listener, lep);
    t_printf("NOT_LISTENING disposed, 16 received in order, FULL and GONE kept their handles");
    say(dep, word("bye"));
    CHECK(t_join(deaf) == 0);
    FAILS(DSYS2(DOGMA_SYS_cap_send, deaf, dep), GONE, 0);
    CHECK(t_live(dep));

    /* Our own setting: off by default, 0 or 1 only. */
    CHECK(t_pb32(DOGMA_PB_LISTENING) == 0);
    FAILS(DSYS1(DOGMA_SYS_cap_listen, 2), BAD_ARG, 0);
    CHECK(OK(DSYS1(DOGMA_SYS_cap_listen, 1)) == 0);
    CHECK(OK(DSYS1(DOGMA_SYS_cap_listen, 0)) == 1);
    CHECK(t_pb32(DOGMA_PB_LISTENING) == 0);
    FAILS(DSYS0(DOGMA_SYS_cap_receive), EMPTY, -1);
    t_dispose(dep);
    t_dispose(lep);
    t_dispose(deaf);
    t_dispose(listener);
    return 0;
}
