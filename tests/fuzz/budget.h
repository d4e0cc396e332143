/*
 * The fuzzers' allocator (fuzz_validate.c, fuzz_translate.c): it counts
 * what the arena holds, so a run can check the arena stays linear in the
 * module's size, and it says no past a byte limit or at one chosen
 * request, so a run can check that every allocation failure is handled.
 * Include after defining CHECK.
 */
#ifndef DOGMA_FUZZ_BUDGET_H
#define DOGMA_FUZZ_BUDGET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <dogma/module.h>

typedef struct budget {
    size_t used;    /* bytes handed out and not yet freed */
    size_t peak;
    size_t calls;   /* requests so far */
    size_t limit;   /* refuse requests past this many bytes; SIZE_MAX: none */
    size_t refuse;  /* the request (counted from 0) to refuse; SIZE_MAX: none */
    bool refused;   /* said no at least once */
} budget_t;

static void *budget_alloc(void *ctx, size_t size)
{
    budget_t *b = ctx;
    if (b->calls++ == b->refuse || size > b->limit - b->used) {
        b->refused = true;
        return NULL;
    }
    void *p = malloc(size);
    if (p) {
        b->used += size;
        if (b->used > b->peak)
            b->peak = b->used;
    }
    return p;
}

static void budget_free(void *ctx, void *p, size_t size)
{
    budget_t *b = ctx;
    CHECK(size <= b->used); /* the arena frees exactly what it obtained */
    b->used -= size;
    free(p);
}

static void budget_arena(dx_arena_t *ar, budget_t *b, size_t limit, size_t refuse)
{
    *b = (budget_t){ .limit = limit, .refuse = refuse };
    dx_allocator_t a = { budget_alloc, budget_free, b };
    dx_arena_init(ar, a);
}

#endif
