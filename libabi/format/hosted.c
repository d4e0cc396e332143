/*
 * Hosted conveniences: an arena over malloc. Not part of the freestanding
 * build, which gets its memory from whoever links it.
 */
#include <stdlib.h>
#include <sys/random.h>

#include <dogma/module.h>

static void *heap_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void heap_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)size;
    free(p);
}

void dx_arena_init_malloc(dx_arena_t *ar)
{
    dx_allocator_t a = {heap_alloc, heap_free, 0};
    dx_arena_init(ar, a);
    uint64_t key[2];
    /* Without entropy the address-derived key of dx_arena_init stays. */
    if (getrandom(key, sizeof key, GRND_NONBLOCK) == (ssize_t)sizeof key)
        dx_arena_seed(ar, key[0], key[1]);
}
