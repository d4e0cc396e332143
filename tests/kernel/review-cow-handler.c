/*
 * review-cow-handler: a fault handler's stacklet may be the spare, and
 * the spare may share its frames copy-on-write with a child's stacklet:
 * the kernel's write of the dogma_fault_info_t onto it must copy the page
 * first, never write the child's memory. We link a second stacklet, give
 * its top page a frame with a marker where the info will go, fork (the
 * child's copy shares that frame), unlink the stacklet (it becomes the
 * spare), and fault with a handler whose stack fits in the spare. The
 * child then reads its own copy of that word: still the marker.
 */
#include "dogma_user.h"

#define PAGE 4096u
#define MARKER 0x6d61726b65720001ull

int64_t rv_fork_probe(volatile uint64_t *shared);

static uint32_t ro_h;
static uint64_t handler_runs;

static void handler(uint64_t arg, dogma_fault_info_t *info)
{
    (void)arg;
    (void)info;
    handler_runs++;
    OK(DSYS4(DOGMA_SYS_region_protect, ro_h, 0, PAGE, DOGMA_PROT_RW));
    DSYS1(DOGMA_SYS_fault_return, DOGMA_FAULT_RESUME);
    t_exit(5);
}

int test_main(void)
{
    uint64_t sbase;
    uint32_t sh = t_shared_rw(PAGE, &sbase, NULL);
    volatile uint64_t *shared = (volatile uint64_t *)sbase;

    /* A second stacklet (we stay on the first), its top page touched. */
    dsys_t g = DSYS1(DOGMA_SYS_stack_grow, 64 * 1024);
    uint64_t top = (uint64_t)OK(g);
    CHECK(t_pb64(DOGMA_PB_STACK_TOP) == top);
    ((volatile uint64_t *)top)[-4] = MARKER;

    int64_t child = rv_fork_probe(shared);
    CHECK(child > 0);
    OK(DSYS0(DOGMA_SYS_stack_shrink)); /* the second stacklet is the spare now */

    uint64_t rbase;
    ro_h = t_region(PAGE, &rbase);
    OK(DSYS4(DOGMA_SYS_region_protect, ro_h, 0, PAGE, DOGMA_PROT_RO));
    OK(DSYS3(DOGMA_SYS_fault_handler, (uint64_t)handler, 16 * 1024, 0));
    *(volatile uint64_t *)rbase = 1; /* faults; the handler runs on the spare */
    CHECK(handler_runs == 1 && *(volatile uint64_t *)rbase == 1);
    OK(DSYS3(DOGMA_SYS_fault_handler, 0, 0, 0));

    shared[0] = 1;
    t_expect_exit((uint32_t)child, 0);
    if (shared[1] != MARKER)
        t_printf("the child's stacklet holds %lx (the fault address was %lx)", shared[1], rbase);
    CHECK(shared[1] == MARKER);
    t_dispose(ro_h);
    t_dispose(sh);
    return 0;
}
