/*
 * hello: the smallest user program. It runs in ring 3 on its own page
 * table, logs, reads its process block (and writes an environment word of
 * it through pb_set), and exits 0.
 */
#include "dogma_user.h"

int test_main(void)
{
    t_printf("hello from user mode");
    dogma_proc_info_t me = t_self();
    CHECK(me.pid == t_pb64(DOGMA_PB_PID));
    CHECK(me.kind == DOGMA_PROC_ISOLATED && t_pb32(DOGMA_PB_KIND) == DOGMA_PROC_ISOLATED);
    CHECK(me.state == DOGMA_PROC_RUNNABLE);
    CHECK(t_ngrants() == 3);
    /* An environment word: written by the kernel for us, read back here;
     * the kernel's own fields are not ours to write. */
    OK(DSYS2(DOGMA_SYS_pb_set, 0x20, 0xfeedface));
    CHECK(t_pb64(0x20) == 0xfeedface);
    FAILS(DSYS2(DOGMA_SYS_pb_set, DOGMA_PB_PID, 7), BAD_ARG, 0);
    CHECK(t_pb64(DOGMA_PB_PID) == me.pid);
    t_printf("pid %lu, %lu bytes of memory, %lu handles", me.pid, me.memory_bytes, me.handles);
    return 0;
}
