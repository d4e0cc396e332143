/*
 * cap-basic: capability handles. The boot grants show the kinds and
 * rights the runner gave; cap_dup hands out a subset of the rights (more
 * is RIGHTS, an exclusive region is STATE) and each call checks the
 * rights it needs; a disposed handle is BAD_HANDLE, and when its slot is
 * reused the new handle carries a new generation, so the stale number
 * stays BAD_HANDLE while the new one works; handle 0, numbers that were
 * never handles and values above 2^32 are BAD_HANDLE, a handle of another
 * kind WRONG_KIND. A handle to an ended process (torn down or exited)
 * still answers proc_info, cap_info and wait, and is GONE for yield_to,
 * proc_resume, proc_suspend, proc_teardown and cap_send (which then keeps
 * the handle it would have sent). A process may hold a handle to itself.
 * Tokens carry their tag and their maker's pid, also in a child that
 * receives one. The I/O-port grant reaches the COM1 scratch register and
 * nothing beside it. The capability table fills up (FULL for everything
 * that makes a handle) and empties again. Handles in flight cannot form a
 * cycle of channels that would outlive every holder.
 *
 * Children are this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent).
 */
#include "dogma_user.h"

#define SCRATCH 0x3ff
#define TABLE_MAX 4096 /* slots; slot 0 is never a handle */

enum {
    M_SLEEP = 1, /* wait on the inbox forever (until torn down) */
    M_EXIT42,    /* exit 42 */
    M_TOKEN,     /* check the token granted second; exit 0 */
    M_SELF,      /* receive a handle to itself, then tear itself down */
};

/* ---- children --------------------------------------------------------------------- */

static int child(uint64_t mode)
{
    switch (mode) {
    case M_SLEEP: {
        dogma_wait_item_t it = {.handle = 0, .want = DOGMA_SIG_INBOX};
        DSYS3(DOGMA_SYS_wait, &it, 1, UINT64_MAX);
        return 1; /* nobody sends it anything */
    }
    case M_EXIT42:
        return 42;
    case M_TOKEN: {
        dogma_cap_info_t ci = t_cap_info(t_grant(1));
        CHECK(ci.kind == DOGMA_CAP_TOKEN && ci.object == 0xfeedfacecafe);
        CHECK(ci.extra == t_pb64(DOGMA_PB_PARENT) && ci.extra != t_pb64(DOGMA_PB_PID));
        CHECK(ci.rights == (DOGMA_R_DUP | DOGMA_R_TRANSFER));
        uint32_t mine = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 5));
        CHECK(t_cap_info(mine).extra == t_pb64(DOGMA_PB_PID));
        return 0;
    }
    case M_SELF: {
        OK(DSYS1(DOGMA_SYS_cap_listen, 1));
        t_wait_for(0, DOGMA_SIG_INBOX);
        dsys_t r = DSYS0(DOGMA_SYS_cap_receive);
        uint32_t me = (uint32_t)OK(r);
        CHECK(r.r1 == t_pb64(DOGMA_PB_PARENT));
        dogma_cap_info_t ci = t_cap_info(me);
        CHECK(ci.kind == DOGMA_CAP_PROCESS && ci.object == t_pb64(DOGMA_PB_PID));
        FAILS(DSYS1(DOGMA_SYS_yield_to, me), STATE, 0);
        dogma_proc_info_t i = t_info(me);
        CHECK(i.state == DOGMA_PROC_RUNNABLE && i.pid == t_pb64(DOGMA_PB_PID));
        OK(DSYS1(DOGMA_SYS_proc_resume, me)); /* running already: nothing to do */
        OK(DSYS1(DOGMA_SYS_proc_teardown, me));
        return 1; /* not reached */
    }
    }
    t_printf("unknown mode %lu", mode);
    return 1;
}

/* ---- the scenario ------------------------------------------------------------------- */

static void test_grants(void)
{
    CHECK(t_ngrants() == 3);
    dogma_cap_info_t ci = t_cap_info(t_grant(0));
    dogma_region_info_t ri = t_region_info(t_grant(0));
    CHECK(ci.kind == DOGMA_CAP_VIEW && ri.kind == DOGMA_CAP_VIEW);
    CHECK(ci.rights == (DOGMA_R_READ | DOGMA_R_DUP | DOGMA_R_TRANSFER));
    CHECK(ci.object == ri.base && ci.extra == ri.size && ri.size >= t_pb64(DOGMA_PB_ARG));
    CHECK(t_grant(0) == (uint32_t)t_pb64(DOGMA_PB_INITRD));

    ci = t_cap_info(t_grant(1));
    CHECK(ci.kind == DOGMA_CAP_LOADER);
    CHECK(ci.rights == (DOGMA_R_LOAD | DOGMA_R_TRANSFER | DOGMA_R_DUP));

    ci = t_cap_info(t_grant(2));
    CHECK(ci.kind == DOGMA_CAP_IOPORT && ci.object == SCRATCH && ci.extra == 1);
    CHECK(ci.rights == (DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER | DOGMA_R_DUP));

    ci = t_cap_info(t_pb32(DOGMA_PB_IMAGE));
    CHECK(ci.kind == DOGMA_CAP_REGION && ci.rights == (DOGMA_R_READ | DOGMA_R_WRITE));
    CHECK(t_self().handles == 4);
}

static void test_dup_and_rights(void)
{
    uint32_t rd = t_dup(t_grant(2), DOGMA_R_READ | DOGMA_R_DUP);
    CHECK(t_cap_info(rd).rights == (DOGMA_R_READ | DOGMA_R_DUP) &&
          t_cap_info(rd).object == SCRATCH);
    OK(DSYS3(DOGMA_SYS_ioport_in, rd, SCRATCH, 1));
    FAILS(DSYS4(DOGMA_SYS_ioport_out, rd, SCRATCH, 1, 0), RIGHTS, 0);
    dogma_error_record_t e = t_last_error();
    CHECK(e.min == DOGMA_R_WRITE && e.max == (DOGMA_R_READ | DOGMA_R_DUP));
    FAILS(DSYS2(DOGMA_SYS_cap_dup, rd, DOGMA_R_READ | DOGMA_R_WRITE), RIGHTS, 1);
    FAILS(DSYS2(DOGMA_SYS_cap_dup, rd, DOGMA_R_READ | 0x1000), RIGHTS, 1);
    FAILS(DSYS2(DOGMA_SYS_cap_dup, rd, 1ull << 32 | DOGMA_R_READ), RIGHTS, 1);
    uint32_t rd2 = t_dup(rd, DOGMA_R_READ); /* no DUP now */
    FAILS(DSYS2(DOGMA_SYS_cap_dup, rd2, DOGMA_R_READ), RIGHTS, 0);
    uint32_t none = t_dup(rd, 0);
    CHECK(t_cap_info(none).rights == 0 && t_cap_info(none).kind == DOGMA_CAP_IOPORT);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, none, SCRATCH, 1), RIGHTS, 0);
    uint32_t wr = t_dup(t_grant(2), DOGMA_R_WRITE);
    OK(DSYS4(DOGMA_SYS_ioport_out, wr, SCRATCH, 1, 0x11));
    FAILS(DSYS3(DOGMA_SYS_ioport_in, wr, SCRATCH, 1), RIGHTS, 0);
    t_dispose(rd);
    t_dispose(rd2);
    t_dispose(none);
    t_dispose(wr);

    /* An exclusive region moves, it is never copied; the image has no DUP. */
    uint32_t rg = t_region(4096, NULL);
    FAILS(DSYS2(DOGMA_SYS_cap_dup, rg, DOGMA_R_READ), STATE, 0);
    t_dispose(rg);
    FAILS(DSYS2(DOGMA_SYS_cap_dup, t_pb32(DOGMA_PB_IMAGE), DOGMA_R_READ), RIGHTS, 0);

    /* The loader and the initrd view duplicate like anything else. */
    uint32_t ld = t_dup(t_grant(1), DOGMA_R_LOAD);
    CHECK(t_cap_info(ld).kind == DOGMA_CAP_LOADER && t_cap_info(ld).rights == DOGMA_R_LOAD);
    t_dispose(ld);
    uint32_t v = t_dup(t_grant(0), DOGMA_R_READ);
    CHECK(t_region_info(v).kind == DOGMA_CAP_VIEW);
    t_dispose(v);
}

static void test_bad_handles(void)
{
    uint32_t n = t_notify();
    t_dispose(n);
    FAILS(DSYS1(DOGMA_SYS_cap_dispose, n), BAD_HANDLE, 0);
    FAILS(DSYS2(DOGMA_SYS_notify_signal, n, 1), BAD_HANDLE, 0);
    FAILS(DSYS2(DOGMA_SYS_cap_info, n, &(dogma_cap_info_t){0}), BAD_HANDLE, 0);

    /* The freed slot is reused (the lowest free one goes first), with a
     * new generation. */
    uint32_t m = t_notify();
    CHECK(DOGMA_HANDLE_SLOT(m) == DOGMA_HANDLE_SLOT(n));
    CHECK(DOGMA_HANDLE_GEN(m) != DOGMA_HANDLE_GEN(n) && m != n);
    FAILS(DSYS2(DOGMA_SYS_notify_signal, n, 1), BAD_HANDLE, 0);
    FAILS(DSYS1(DOGMA_SYS_cap_dispose, n), BAD_HANDLE, 0);
    OK(DSYS2(DOGMA_SYS_notify_signal, m, 4));
    CHECK(OK(DSYS1(DOGMA_SYS_notify_take, m)) == 4);
    /* The same slot with generation 0 or another generation is no handle. */
    FAILS(DSYS1(DOGMA_SYS_notify_take, DOGMA_HANDLE_SLOT(m)), BAD_HANDLE, 0);
    FAILS(DSYS1(DOGMA_SYS_notify_take, m + (7u << 12)), BAD_HANDLE, 0);
    /* Bits above 32 are not ignored. */
    FAILS(DSYS1(DOGMA_SYS_notify_take, (1ull << 32) | m), BAD_HANDLE, 0);
    FAILS(DSYS1(DOGMA_SYS_notify_take, (1ull << 63) | m), BAD_HANDLE, 0);
    t_dispose(m);

    static const uint64_t junk[] = {0, 1, 0xfff, 0x1000, 0x1fff, 0xffffffff, 0x100000000ull,
                                    0x7fffffffffffffffull, UINT64_MAX};
    for (unsigned i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        FAILS(DSYS2(DOGMA_SYS_cap_info, junk[i], &(dogma_cap_info_t){0}), BAD_HANDLE, 0);
        CHECK(t_last_error().value == junk[i]);
        FAILS(DSYS1(DOGMA_SYS_cap_dispose, junk[i]), BAD_HANDLE, 0);
        FAILS(DSYS2(DOGMA_SYS_cap_dup, junk[i], 0), BAD_HANDLE, 0);
        FAILS(DSYS3(DOGMA_SYS_ioport_in, junk[i], SCRATCH, 1), BAD_HANDLE, 0);
        FAILS(DSYS1(DOGMA_SYS_proc_teardown, junk[i]), BAD_HANDLE, 0);
    }
}

static void test_wrong_kind(void)
{
    uint32_t n = t_notify();
    uint32_t tok = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 1));
    dogma_region_info_t ri;
    dogma_proc_info_t pi;
    FAILS(DSYS2(DOGMA_SYS_notify_signal, t_grant(2), 1), WRONG_KIND, 0);
    dogma_error_record_t e = t_last_error();
    CHECK(e.min == DOGMA_CAP_NOTIFY && e.max == DOGMA_CAP_NOTIFY);
    FAILS(DSYS2(DOGMA_SYS_region_info, n, &ri), WRONG_KIND, 0);
    FAILS(DSYS2(DOGMA_SYS_proc_info, tok, &pi), WRONG_KIND, 0);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, t_grant(0), SCRATCH, 1), WRONG_KIND, 0);
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, n, 0, 4096, 0, 0, 0), WRONG_KIND, 0);
    FAILS(DSYS5(DOGMA_SYS_channel_send, n, 0, 0, 0, 0), WRONG_KIND, 0);
    FAILS(DSYS1(DOGMA_SYS_irq_ack, t_grant(2)), WRONG_KIND, 0);
    FAILS(DSYS1(DOGMA_SYS_phys_map, t_grant(2)), WRONG_KIND, 0);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(2), 0, 0, 0), WRONG_KIND, 0);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), n, 0, 0), WRONG_KIND, 1);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), t_grant(0), 0, 0), WRONG_KIND, 1);
    FAILS(DSYS4(DOGMA_SYS_region_protect, t_grant(0), 0, 4096, 0), WRONG_KIND, 0);
    FAILS(DSYS1(DOGMA_SYS_yield_to, tok), WRONG_KIND, 0);
    FAILS(DSYS2(DOGMA_SYS_cap_send, n, tok), WRONG_KIND, 0);
    dogma_wait_item_t it = {.handle = tok, .want = 1};
    FAILS(DSYS3(DOGMA_SYS_wait, &it, 1, 0), WRONG_KIND, 0);
    t_dispose(n);
    t_dispose(tok);
}

static void test_ended_processes(void)
{
    uint64_t pid;
    uint32_t p = t_spawn_mode("cap-basic", M_SLEEP, NULL, 0, &pid);
    dogma_cap_info_t ci = t_cap_info(p);
    CHECK(ci.kind == DOGMA_CAP_PROCESS && ci.object == pid);
    CHECK(ci.rights == (DOGMA_R_WAKE | DOGMA_R_SUSPEND | DOGMA_R_TEARDOWN | DOGMA_R_MONITOR |
                        DOGMA_R_DEBUG | DOGMA_R_DUP | DOGMA_R_TRANSFER));
    t_wait_blocked(p);
    uint32_t mon = t_dup(p, DOGMA_R_MONITOR);
    FAILS(DSYS1(DOGMA_SYS_proc_teardown, mon), RIGHTS, 0);
    FAILS(DSYS1(DOGMA_SYS_yield_to, mon), RIGHTS, 0);
    FAILS(DSYS1(DOGMA_SYS_yield_to, p), STATE, 0); /* blocked: not runnable */
    OK(DSYS1(DOGMA_SYS_proc_teardown, p));
    CHECK(t_join(p) == -1);

    dogma_proc_info_t i = t_info(mon);
    CHECK(i.pid == pid && i.state == DOGMA_PROC_TORN_DOWN && i.exit_status == -1);
    CHECK(i.teardown_reason == 0 && i.handles == 0 && i.parent == t_pb64(DOGMA_PB_PID));
    CHECK(t_cap_info(p).object == pid);
    dogma_wait_item_t it = {.handle = p, .want = DOGMA_SIG_EXITED};
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 0)) == 0 && it.got == DOGMA_SIG_EXITED);
    FAILS(DSYS1(DOGMA_SYS_yield_to, p), GONE, 0);
    FAILS(DSYS1(DOGMA_SYS_proc_resume, p), GONE, 0);
    FAILS(DSYS1(DOGMA_SYS_proc_suspend, p), GONE, 0);
    FAILS(DSYS1(DOGMA_SYS_proc_teardown, p), GONE, 0);
    uint32_t tok = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 9));
    FAILS(DSYS2(DOGMA_SYS_cap_send, p, tok), GONE, 0);
    CHECK(t_cap_info(tok).object == 9); /* not consumed */
    uint32_t p2 = t_dup(p, DOGMA_R_MONITOR | DOGMA_R_WAKE);
    CHECK(t_info(p2).state == DOGMA_PROC_TORN_DOWN);
    FAILS(DSYS1(DOGMA_SYS_yield_to, p2), GONE, 0);
    t_dispose(p2);
    t_dispose(p);
    CHECK(t_info(mon).state == DOGMA_PROC_TORN_DOWN); /* the last handle keeps it */
    t_dispose(mon);

    p = t_spawn_mode("cap-basic", M_EXIT42, NULL, 0, &pid);
    CHECK(t_join(p) == 42);
    i = t_info(p);
    CHECK(i.state == DOGMA_PROC_EXITED && i.exit_status == 42 && i.teardown_reason == 0);
    FAILS(DSYS1(DOGMA_SYS_yield_to, p), GONE, 0);
    FAILS(DSYS1(DOGMA_SYS_proc_resume, p), GONE, 0);
    FAILS(DSYS2(DOGMA_SYS_cap_send, p, tok), GONE, 0);
    t_dispose(p);
    t_dispose(tok);

    /* A process holding a handle to itself. */
    p = t_spawn_mode("cap-basic", M_SELF, NULL, 0, NULL);
    t_wait_blocked(p); /* listening, waiting on its inbox */
    OK(DSYS2(DOGMA_SYS_cap_send, p, t_dup(p, DOGMA_R_MONITOR | DOGMA_R_WAKE | DOGMA_R_TEARDOWN |
                                                   DOGMA_R_TRANSFER)));
    CHECK(t_expect_torn_down(p, 0).handles == 0);
}

static void test_tokens(void)
{
    uint32_t t = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 0xfeedfacecafe));
    dogma_cap_info_t ci = t_cap_info(t);
    CHECK(ci.kind == DOGMA_CAP_TOKEN && ci.object == 0xfeedfacecafe);
    CHECK(ci.extra == t_pb64(DOGMA_PB_PID) && ci.rights == (DOGMA_R_DUP | DOGMA_R_TRANSFER));
    uint32_t any = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, UINT64_MAX));
    CHECK(t_cap_info(any).object == UINT64_MAX);
    t_dispose(any);
    uint32_t p = t_spawn_mode("cap-basic", M_TOKEN, &t, 1, NULL);
    FAILS(DSYS2(DOGMA_SYS_cap_info, t, &ci), BAD_HANDLE, 0); /* moved */
    t_expect_exit(p, 0);
}

static void test_ioport(void)
{
    uint32_t io = t_grant(2);
    OK(DSYS4(DOGMA_SYS_ioport_out, io, SCRATCH, 1, 0x5a));
    CHECK(OK(DSYS3(DOGMA_SYS_ioport_in, io, SCRATCH, 1)) == 0x5a);
    OK(DSYS4(DOGMA_SYS_ioport_out, io, SCRATCH, 1, 0xa5));
    CHECK(OK(DSYS3(DOGMA_SYS_ioport_in, io, SCRATCH, 1)) == 0xa5);

    FAILS(DSYS3(DOGMA_SYS_ioport_in, io, SCRATCH - 1, 1), BAD_ARG, 1);
    dogma_error_record_t e = t_last_error();
    CHECK(e.min == SCRATCH && e.max == SCRATCH && e.value == SCRATCH - 1);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, io, SCRATCH + 1, 1), BAD_ARG, 1);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, io, 0x3f8, 1), BAD_ARG, 1); /* COM1 itself */
    FAILS(DSYS3(DOGMA_SYS_ioport_in, io, 0x10000 + SCRATCH, 1), BAD_ARG, 1); /* no truncation */
    FAILS(DSYS3(DOGMA_SYS_ioport_in, io, UINT64_MAX, 1), BAD_ARG, 1);
    FAILS(DSYS4(DOGMA_SYS_ioport_out, io, 0x80, 1, 0), BAD_ARG, 1);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, io, SCRATCH, 3), BAD_ARG, 2);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, io, SCRATCH, 0), BAD_ARG, 2);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, io, SCRATCH, 8), BAD_ARG, 2);
    FAILS(DSYS4(DOGMA_SYS_ioport_out, io, SCRATCH, 3, 0), BAD_ARG, 2);
    /* Wider than the range: the access would reach 0x400 and beyond. */
    FAILS(DSYS3(DOGMA_SYS_ioport_in, io, SCRATCH, 2), BAD_ARG, 2);
    FAILS(DSYS4(DOGMA_SYS_ioport_out, io, SCRATCH, 4, 0), BAD_ARG, 2);
    FAILS(DSYS4(DOGMA_SYS_ioport_out, io, SCRATCH - 3, 4, 0), BAD_ARG, 2);
    CHECK(OK(DSYS3(DOGMA_SYS_ioport_in, io, SCRATCH, 1)) == 0xa5); /* nothing written */
}

static void test_table_full(void)
{
    static uint32_t hs[TABLE_MAX];
    uint64_t base = t_self().handles;
    unsigned n = 0;
    for (;;) {
        dsys_t r = DSYS0(DOGMA_SYS_notify_create);
        if (r.r < 0) {
            FAILS(r, FULL, -1);
            break;
        }
        CHECK(n < TABLE_MAX);
        hs[n++] = (uint32_t)r.r;
    }
    CHECK(base + n == TABLE_MAX - 1);
    CHECK(t_self().handles == TABLE_MAX - 1);
    FAILS(DSYS1(DOGMA_SYS_token_create, 1), FULL, -1);
    FAILS(DSYS0(DOGMA_SYS_channel_create), FULL, -1);
    FAILS(DSYS2(DOGMA_SYS_region_create, 4096, 0), FULL, -1);
    FAILS(DSYS2(DOGMA_SYS_cap_dup, hs[0], DOGMA_R_WAIT), FULL, -1);
    uint64_t off, size;
    CHECK(t_initrd_find("tests/cap-basic", &off, &size));
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, t_grant(0), off, size, 0, 0, 0), FULL, -1);
    /* One free slot: one handle, but not the two of a channel. */
    t_dispose(hs[--n]);
    FAILS(DSYS0(DOGMA_SYS_channel_create), FULL, -1);
    uint32_t t = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 1));
    FAILS(DSYS1(DOGMA_SYS_token_create, 1), FULL, -1);
    t_dispose(t);
    t_dispose(hs[--n]);
    uint32_t other, ch = t_channel(&other);
    t_dispose(ch);
    t_dispose(other);
    while (n)
        t_dispose(hs[--n]);
    CHECK(t_self().handles == base);
}

/* Two channels each carrying the other's reading end: once the writing
 * ends go, nothing could ever receive either message, so they would keep
 * each other alive forever. The kernel refuses to send an endpoint that
 * has handles queued on it, which is the send that closes every such
 * cycle; an endpoint with only bytes queued moves freely. */
static void test_no_cycles(void)
{
    uint32_t b1, b2, b3;
    uint32_t a1 = t_channel(&b1), a2 = t_channel(&b2), a3 = t_channel(&b3);
    OK(DSYS5(DOGMA_SYS_channel_send, a1, 0, 0, &b2, 1)); /* b2 waits in b1's queue */
    FAILS(DSYS5(DOGMA_SYS_channel_send, a2, 0, 0, &b1, 1), STATE, 3);
    dogma_error_record_t e = t_last_error();
    CHECK(e.min == 0 && e.max == 0); /* the first handle of the list */
    uint32_t two[2] = {a3, b1};
    FAILS(DSYS5(DOGMA_SYS_channel_send, a2, 0, 0, two, 2), STATE, 3);
    CHECK(t_last_error().min == 1);
    CHECK(t_cap_info(b1).kind == DOGMA_CAP_CHANNEL &&
          t_cap_info(a3).kind == DOGMA_CAP_CHANNEL); /* kept */
    OK(DSYS5(DOGMA_SYS_channel_send, a3, "x", 1, 0, 0));
    OK(DSYS5(DOGMA_SYS_channel_send, a1, 0, 0, &b3, 1)); /* bytes only on b3: fine */
    t_dispose(a1);
    t_dispose(a2);
    t_dispose(a3);
    t_dispose(b1); /* frees b2 and b3 with the messages */
}

int test_main(void)
{
    t_child_main(child);
    test_grants();
    test_dup_and_rights();
    test_bad_handles();
    test_wrong_kind();
    test_ended_processes();
    test_tokens();
    test_ioport();
    test_table_full();
    test_no_cycles();
    t_printf("cap-basic: all checks passed");
    return 0;
}
