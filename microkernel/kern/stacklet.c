/*
 * Stacklets (include/kern/stacklet.h).
 */
#include <dogma/abi.h>
#include <kern/heap.h>
#include <kern/log.h>
#include <kern/region.h>
#include <kern/stacklet.h>

uint64_t stk_top(const stacklet_t *s) { return s->region->base + s->region->npages * PAGE_SIZE; }

/* Above the guard page, leaving the red zone that thunks may use below
 * the limit. */
uint64_t stk_limit(const stacklet_t *s) { return s->region->base + PAGE_SIZE + STACK_RED; }

void stk_publish(proc_t *p)
{
    stacklet_t *s = p->stack;
    uint64_t limit = s ? stk_limit(s) : UINT64_MAX;
    if (p->flagged)
        p->saved_limit = limit; /* the flag keeps 2^64-1 until the yield */
    else
        proc_pb_write64(p, DOGMA_PB_STACK_LIMIT, limit);
    proc_pb_write64(p, DOGMA_PB_STACK_BASE, s ? s->region->base + PAGE_SIZE : 0);
    proc_pb_write64(p, DOGMA_PB_STACK_TOP, s ? stk_top(s) : 0);
}

static void stk_free(stacklet_t *s)
{
    kobj_release(&s->region->obj);
    kfree(s);
}

stacklet_t *stk_grow(proc_t *p, size_t bytes, uint64_t saved_sp)
{
    size_t usable = ALIGN_UP(MAX(bytes + STACK_RED, STACKLET_MIN), PAGE_SIZE);
    if (bytes > STACKLET_MAX)
        return NULL;
    stacklet_t *s = p->spare;
    if (s && s->usable >= usable) {
        p->spare = NULL;
    } else {
        if (p->stack_total + usable > STACK_TOTAL_MAX)
            return NULL;
        s = kzalloc(sizeof *s);
        if (!s)
            return NULL;
        s->region = region_create(p, usable / PAGE_SIZE + 1, REGION_STACK);
        if (!s->region) {
            kfree(s);
            return NULL;
        }
        s->usable = usable;
        p->stacklets_made++;
    }
    p->stack_total += s->usable;
    s->saved_sp = saved_sp;
    s->prev = p->stack;
    p->stack = s;
    stk_publish(p);
    return s;
}

bool stk_shrink(proc_t *p, uint64_t *out_sp)
{
    stacklet_t *s = p->stack;
    if (!s || !s->prev)
        return false;
    if (out_sp)
        *out_sp = s->saved_sp;
    p->stack = s->prev;
    p->stack_total -= s->usable;
    s->prev = NULL;
    /* Keep the bigger of the two as the spare. */
    if (p->spare && p->spare->usable >= s->usable) {
        stk_free(s);
    } else {
        if (p->spare)
            stk_free(p->spare);
        p->spare = s;
    }
    stk_publish(p);
    return true;
}

void stk_free_all(proc_t *p)
{
    while (p->stack) {
        stacklet_t *s = p->stack;
        p->stack = s->prev;
        stk_free(s);
    }
    if (p->spare)
        stk_free(p->spare);
    p->spare = NULL;
    p->stack_total = 0;
}
