/*
 * dev-return: device capabilities go back to process 1. This program is
 * process 1 here (the first the kernel starts) and listens. A child that
 * ends while holding the RTC's interrupt line gives it back: it arrives in
 * our inbox with the child's pid as sender, and works. The RTC's ports,
 * sent to a child that does not listen, are not destroyed either: they
 * come back the same way. A token (not a device) sent to that child is
 * simply disposed.
 */
#include "dogma_user.h"

static uint32_t receive_back(uint64_t *out_from)
{
    dogma_wait_item_t it = {.handle = 0, .want = DOGMA_SIG_INBOX};
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 2000000000ull)) == 0);
    dsys_t r = DSYS0(DOGMA_SYS_cap_receive);
    OK(r);
    *out_from = r.r1;
    return (uint32_t)r.r;
}

int test_main(void)
{
    if (t_ngrants() != 6) {
        /* A child: with one grant it just ends holding it; with a channel
         * it waits for the other end to go. */
        if (t_cap_info(t_grant(0)).kind == DOGMA_CAP_CHANNEL)
            t_wait_for(t_grant(0), DOGMA_SIG_PEER_GONE);
        return 0;
    }
    CHECK(t_pb64(DOGMA_PB_PID) == 1);
    OK(DSYS1(DOGMA_SYS_cap_listen, 1));

    /* The line goes with a child that ends holding it, and comes back. */
    uint32_t irq = t_grant(4);
    uint64_t pid, from;
    t_expect_exit(t_spawn("dev-return", &irq, 1, &pid), 0);
    uint32_t back = receive_back(&from);
    dogma_cap_info_t ci = t_cap_info(back);
    CHECK(from == pid && ci.kind == DOGMA_CAP_IRQ);
    FAILS(DSYS1(DOGMA_SYS_irq_ack, back), STATE, 0); /* live, and nothing pending */
    t_printf("the interrupt line came back from pid %lu", from);

    /* Sent to a process that does not listen: the ports come back, a
     * token does not. */
    uint32_t theirs, mine = t_channel(&theirs);
    uint32_t child = t_spawn("dev-return", &theirs, 1, &pid);
    FAILS(DSYS2(DOGMA_SYS_cap_send, child, t_grant(5)), NOT_LISTENING, -1);
    uint32_t ports = receive_back(&from);
    ci = t_cap_info(ports);
    CHECK(from == 1 && ci.kind == DOGMA_CAP_IOPORT && ci.object == 0x70);
    OK(DSYS4(DOGMA_SYS_ioport_out, ports, 0x70, 1, 0x8a));
    uint32_t token = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 9));
    FAILS(DSYS2(DOGMA_SYS_cap_send, child, token), NOT_LISTENING, -1);
    FAILS(DSYS2(DOGMA_SYS_cap_info, token, &ci), BAD_HANDLE, 0);
    dogma_wait_item_t it = {.handle = 0, .want = DOGMA_SIG_INBOX};
    FAILS(DSYS3(DOGMA_SYS_wait, &it, 1, 0), TIMED_OUT, 2);
    t_dispose(mine);
    t_expect_exit(child, 0);
    t_printf("ports sent to a process that does not listen came back; a token was disposed");
    return 0;
}
