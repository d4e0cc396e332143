/*
 * Stacklets and preemption in dogma-run, as the kernel will do them
 * (DESIGN.md section 6, spec/abi.md "Stacklets").
 *
 * Translated code runs on a chain of stacklets. A function whose frame
 * does not fit above the limit calls the morestack thunk, which lands in
 * dr_morestack: it links a new stacklet (the cached spare when it is big
 * enough, so a call and return across a boundary in a loop does not map
 * and unmap each time), moves the function onto it, and plants the unlink
 * thunk as the function's return address. dr_lessstack undoes that when
 * the function returns. Each stacklet has a guard page below it: a frame
 * that overran its check would fault there instead of corrupting memory,
 * which would be a translator bug.
 *
 * Preemption: a timer sets the preemption flag and the stack limit to
 * UINT64_MAX, so the next loop head or function entry calls in; the
 * runtime only counts the yields (there is one process), which exercises
 * the polls in every run.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>

#include "pb.h"
#include "runtime.h"

#define STACKLET_MIN (256u << 10)
#define PAGE 4096u

static dr_stacklet_t *stacklet_new(dr_inst_t *in, size_t size)
{
    size = (size + PAGE - 1) & ~(size_t)(PAGE - 1);
    if (in->stack_total + size > in->max_stack)
        return NULL;
    uint8_t *p = mmap(NULL, size + PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    mprotect(p, PAGE, PROT_NONE); /* the guard */
    dr_stacklet_t *s = calloc(1, sizeof *s);
    if (!s) {
        munmap(p, size + PAGE);
        return NULL;
    }
    s->base = p + PAGE;
    s->size = size;
    in->stack_total += size;
    in->stats.stacklets++;
    return s;
}

static void stacklet_free(dr_inst_t *in, dr_stacklet_t *s)
{
    in->stack_total -= s->size;
    munmap(s->base - PAGE, s->size + PAGE);
    free(s);
}

static void set_limit(dr_inst_t *in)
{
    in->limit = (uint64_t)(uintptr_t)in->stack->base + DX_STACK_RED;
    uint32_t *preempt = (uint32_t *)(void *)(in->pb + DX_PB_PREEMPT);
    if (!__atomic_load_n(preempt, __ATOMIC_RELAXED))
        *dr_pb64(in->pb, DX_PB_STACK_LIMIT) = in->limit;
}

bool dr_stack_init(dr_inst_t *in)
{
    in->stack = stacklet_new(in, STACKLET_MIN);
    if (!in->stack)
        return false;
    set_limit(in);
    return true;
}

uint64_t dr_stack_top(dr_inst_t *in)
{
    return ((uint64_t)(uintptr_t)(in->stack->base + in->stack->size)) & ~15ull;
}

/* After a trap: back to the first stacklet. */
void dr_stack_reset(dr_inst_t *in)
{
    while (in->stack && in->stack->prev) {
        dr_stacklet_t *s = in->stack;
        in->stack = s->prev;
        stacklet_free(in, s);
    }
    if (in->stack)
        set_limit(in);
}

void dr_stack_free(dr_inst_t *in)
{
    dr_stack_reset(in);
    if (in->stack)
        stacklet_free(in, in->stack);
    if (in->spare)
        stacklet_free(in, in->spare);
    in->stack = in->spare = NULL;
}

void dr_yield(uint8_t *pb)
{
    dr_inst_t *in = (dr_inst_t *)*dr_pb64(pb, PB_INST);
    in->stats.yields++;
    __atomic_store_n((uint32_t *)(void *)(pb + DX_PB_PREEMPT), 0, __ATOMIC_RELAXED);
    *dr_pb64(pb, DX_PB_STACK_LIMIT) = in->limit;
}

uint64_t dr_morestack(uint8_t *pb, uint32_t need)
{
    dr_inst_t *in = (dr_inst_t *)*dr_pb64(pb, PB_INST);
    uint64_t sp = *dr_pb64(pb, PB_SAVED_RSP); /* -> the slow path's return */
    uint64_t entry = sp + 8;                  /* -> the function's return */
    if (*(uint32_t *)(void *)(pb + DX_PB_PREEMPT))
        dr_yield(pb);
    if (entry - need >= in->limit && entry > need)
        return sp; /* only the preemption poll: the frame fits */
    size_t size = (size_t)need + DX_STACK_RED + PAGE;
    dr_stacklet_t *s;
    if (in->spare && in->spare->size >= size) {
        s = in->spare;
        in->spare = NULL;
        in->stats.spare_hits++;
    } else {
        s = stacklet_new(in, size < STACKLET_MIN ? STACKLET_MIN : size);
        if (!s)
            dr_trap(in, DX_TRAP_STACK);
    }
    s->saved_rsp = entry;
    s->saved_limit = in->limit;
    s->ret = *(uint64_t *)(uintptr_t)entry;
    s->prev = in->stack;
    in->stack = s;
    set_limit(in);
    uint64_t top = dr_stack_top(in);
    *(uint64_t *)(uintptr_t)(top - 8) = (uint64_t)(uintptr_t)&dr_unlink_thunk;
    *(uint64_t *)(uintptr_t)(top - 16) = *(uint64_t *)(uintptr_t)sp;
    return top - 16;
}

uint64_t dr_lessstack(uint8_t *pb)
{
    dr_inst_t *in = (dr_inst_t *)*dr_pb64(pb, PB_INST);
    dr_stacklet_t *s = in->stack;
    in->stack = s->prev;
    set_limit(in);
    uint64_t back = s->saved_rsp;
    if (!in->spare) { /* keep one, the larger */
        in->spare = s;
    } else if (s->size > in->spare->size) {
        stacklet_free(in, in->spare);
        in->spare = s;
    } else {
        stacklet_free(in, s);
    }
    return back;
}

/* ---- preemption --------------------------------------------------------- */
static uint8_t *preempt_pb;

static void on_timer(int sig)
{
    (void)sig;
    uint8_t *pb = preempt_pb;
    if (!pb)
        return;
    __atomic_store_n((uint32_t *)(void *)(pb + DX_PB_PREEMPT), 1, __ATOMIC_RELAXED);
    *dr_pb64(pb, DX_PB_STACK_LIMIT) = UINT64_MAX;
}

void dr_preempt_start(dr_inst_t *in, unsigned interval_us)
{
    if (interval_us == 0)
        return;
    preempt_pb = in->pb;
    /* On the alternate stack (runtime.c installs it before translated code
     * first runs): a signal frame is kilobytes, and a stacklet guarantees
     * only DX_STACK_RED bytes below its limit. Interrupts never run on a
     * stacklet (DESIGN.md section 6). */
    struct sigaction sa = { .sa_handler = on_timer, .sa_flags = SA_RESTART | SA_ONSTACK };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct timeval tv = { (time_t)(interval_us / 1000000), (suseconds_t)(interval_us % 1000000) };
    struct itimerval it = { tv, tv };
    if (setitimer(ITIMER_REAL, &it, NULL) != 0)
        fprintf(stderr, "dogma-run: cannot start the preemption timer; running without\n");
}

void dr_preempt_stop(void)
{
    struct itimerval it = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &it, NULL);
    preempt_pb = NULL;
}
