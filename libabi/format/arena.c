/*
 * The arena: every allocation of a decoded module comes from here and is
 * released at once. Chunks come from the caller's allocator (malloc on a
 * host, the process's own heap inside verifierd), 64 KiB at a time or one
 * chunk for a larger request. Nothing is freed piecemeal, which suits a
 * decoder that builds one immutable picture of a module.
 */
#include <dogma/module.h>

struct dx_chunk {
    dx_chunk_t *next;
    size_t size; /* the whole chunk, this header included */
};

#define DX_CHUNK_SIZE ((size_t)64 << 10)
#define DX_ALIGN ((size_t)16)

void dx_arena_init(dx_arena_t *ar, dx_allocator_t a)
{
    ar->a = a;
    ar->chunks = 0;
    ar->spare = 0;
    ar->cur = ar->end = 0;
    ar->total = 0;
    ar->failed = false;
    uint64_t a0 = (uint64_t)(uintptr_t)ar;
    ar->key[0] = a0 * 0x9e3779b97f4a7c15ull;
    ar->key[1] = (a0 ^ (uint64_t)(uintptr_t)a.ctx) * 0xc2b2ae3d27d4eb4full;
}

void dx_arena_seed(dx_arena_t *ar, uint64_t k0, uint64_t k1)
{
    ar->key[0] = k0;
    ar->key[1] = k1;
}

static bool arena_grow(dx_arena_t *ar, size_t need)
{
    size_t hdr = (sizeof(dx_chunk_t) + DX_ALIGN - 1) & ~(DX_ALIGN - 1);
    size_t size = DX_CHUNK_SIZE;
    if (need > size - hdr)
        size = need + hdr; /* need < SIZE_MAX / 2, checked by the caller */
    dx_chunk_t *c = 0;
    for (dx_chunk_t **p = &ar->spare; *p; p = &(*p)->next)
        if ((*p)->size >= size) { /* a chunk dx_arena_reset let go */
            c = *p;
            *p = c->next;
            size = c->size;
            break;
        }
    if (!c)
        c = ar->a.alloc(ar->a.ctx, size);
    if (!c) {
        ar->failed = true;
        return false;
    }
    c->size = size;
    c->next = ar->chunks;
    ar->chunks = c;
    ar->cur = (uint8_t *)c + hdr;
    ar->end = (uint8_t *)c + size;
    ar->total += size;
    return true;
}

void *dx_arena_alloc_raw(dx_arena_t *ar, size_t size)
{
    if (size > SIZE_MAX / 2)
        return 0;
    size = (size + DX_ALIGN - 1) & ~(DX_ALIGN - 1);
    if (size == 0)
        size = DX_ALIGN;
    if ((size_t)(ar->end - ar->cur) < size && !arena_grow(ar, size))
        return 0;
    void *p = ar->cur;
    ar->cur += size;
    return p;
}

void *dx_arena_alloc(dx_arena_t *ar, size_t size)
{
    void *p = dx_arena_alloc_raw(ar, size);
    if (p)
        __builtin_memset(p, 0, (size + DX_ALIGN - 1) & ~(DX_ALIGN - 1));
    return p;
}

void *dx_arena_grow(dx_arena_t *ar, void *items, size_t n, size_t *cap, size_t size,
                    size_t first)
{
    if (n < *cap)
        return items;
    size_t c = *cap ? 2 * *cap : first;
    if (c < n + 1 || !size || c > SIZE_MAX / 2 / size)
        return 0;
    void *p = dx_arena_alloc(ar, c * size);
    if (!p)
        return 0;
    if (n)
        __builtin_memcpy(p, items, n * size);
    *cap = c;
    return p;
}

void dx_arena_reset(dx_arena_t *ar)
{
    dx_chunk_t *c = ar->chunks;
    while (c) { /* every chunk goes to the spares, for arena_grow */
        dx_chunk_t *next = c->next;
        c->next = ar->spare;
        ar->spare = c;
        c = next;
    }
    ar->chunks = 0;
    ar->cur = ar->end = 0;
    ar->total = 0;
}

void dx_arena_free(dx_arena_t *ar)
{
    dx_arena_reset(ar);
    dx_chunk_t *c = ar->spare;
    while (c) {
        dx_chunk_t *next = c->next;
        ar->a.free(ar->a.ctx, c, c->size);
        c = next;
    }
    ar->spare = 0;
    ar->chunks = 0;
    ar->cur = ar->end = 0;
}
