/* dogma-run's emulation of the `dogma` imports, seen from a module
 * (emulation.sh checks the stderr side): an import it does not emulate
 * returns NOT_IMPLEMENTED each time, the stdio channels queue one ack per
 * message, and a wait nothing can end traps ("wait" as argv[1]). */
#include <stdio.h>
#include <string.h>

#include <dogma.h>

int main(int argc, char **argv)
{
    uint32_t out = dogma_grant_by_role("stdout");
    printf("notify_create %lld\n", (long long)dogma_notify_create());
    printf("notify_create %lld\n", (long long)dogma_notify_create());
    fflush(stdout);
    /* stdio's own messages were acknowledged as they went; drain those. */
    uint32_t count;
    while (dogma_channel_recv(out, NULL, 0, NULL, 0, &count) == 0)
        ;
    dogma_channel_send(out, "raw\n", 4, NULL, 0);
    dogma_wait_item_t it = { .handle = out, .want = DOGMA_SIG_READABLE };
    int64_t w = dogma_wait(&it, 1, 0);
    int64_t r1 = dogma_channel_recv(out, NULL, 0, NULL, 0, &count);
    int64_t r2 = dogma_channel_recv(out, NULL, 0, NULL, 0, &count);
    printf("wait %lld got %u, recv %lld then %lld\n", (long long)w, it.got, (long long)r1,
           (long long)r2);
    printf("recv into memory's end %lld\n",
           (long long)dogma_channel_recv(out, (void *)(uintptr_t)0xFFFFFFFFu, 2, NULL, 0,
                                         &count));
    printf("send 257 bytes %lld\n",
           (long long)dogma_channel_send(out, argv[0], 257, NULL, 0));
    dogma_sys_info_t si;
    dogma_proc_info_t pi;
    printf("sys_info %lld self_info %lld name %s\n", (long long)dogma_sys_info(&si),
           (long long)dogma_self_info(&pi), pi.name);
    fflush(stdout);
    if (argc > 1 && !strcmp(argv[1], "wait")) {
        while (dogma_channel_recv(out, NULL, 0, NULL, 0, &count) == 0)
            ; /* no ack left: nothing can make the endpoint readable */
        dogma_wait(&it, 1, UINT64_MAX);
    }
    return 0;
}
