/*
 * review-ipc-chain: a chain of channel endpoints, each queued in a message
 * waiting at the one before it, as deep as memory allows. The cycle rule
 * (an endpoint with queued handles may not be sent) does not stop a
 * chain: send a fresh endpoint X1 on the peer of A, then X2 on the peer
 * of X1 (X1 is in flight, its peer is still ours), and so on, disposing
 * each peer as we go, so only three handles are ever held. Disposing A
 * then frees the whole chain: the kernel must do that without recursing
 * once per link (a kernel stack is 16 KiB), and the leak check after the
 * program finds every endpoint and message gone. The same chain is then
 * built again and left to the teardown of a child that holds its root.
 */
#include "dogma_user.h"

#define CHAIN 3000

/* Builds a chain of n endpoints below root's queue, sending on `on` (the
 * peer of root) first; every handle but root is disposed. */
static void build_chain(uint32_t on, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        uint32_t y;
        uint32_t x = t_channel(&y);
        OK(DSYS5(DOGMA_SYS_channel_send, on, 0, 0, &x, 1));
        CHECK(!t_live(x)); /* it moved into the message */
        t_dispose(on);
        on = y;
    }
    t_dispose(on);
}

static int child(uint64_t mode)
{
    (void)mode;
    uint32_t b;
    uint32_t a = t_channel(&b);
    build_chain(b, CHAIN);
    (void)a; /* ended with the chain still queued at a */
    return 0;
}

int test_main(void)
{
    t_child_main(child);

    uint32_t b;
    uint32_t a = t_channel(&b);
    build_chain(b, CHAIN);
    /* The root still shows the first message; its peer is gone. */
    CHECK(t_wait_for(a, DOGMA_SIG_READABLE) & DOGMA_SIG_READABLE);
    t_dispose(a);
    t_printf("a chain of %u endpoints freed by one dispose", CHAIN);

    /* The same chain, freed by the end of the process holding its root. */
    uint32_t c = t_spawn_mode("review-ipc-chain", 1, NULL, 0, NULL);
    t_expect_exit(c, 0);
    t_printf("a chain of %u endpoints freed by its holder's end", CHAIN);
    return 0;
}
