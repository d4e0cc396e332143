/*
 * Unit tests of the kernel heap (kern/heap.c) over a real pmm.
 *
 * A 64 MiB host buffer stands for the physical addresses [SIM_BASE,
 * SIM_BASE + 64 MiB); the direct map is offset arithmetic, and virt_to_phys
 * of a pointer outside the buffer yields an address the pmm knows is not
 * RAM (as a stray pointer would in the kernel). The tests cover every size
 * class and its alignment, contents surviving a random workload, the 0xdf
 * poison, the panics on double and interior frees, large objects, calloc's
 * overflow check, heap_trim, and exhaustion without corruption.
 */
#include <stdlib.h>

#include <kern/heap.h>
#include <kern/pmm.h>

#include "simmem.h"
#include "ut.h"

static heap_t h;
static pmm_t sim_pmm;

/* A fresh pmm with `bytes` of usable RAM at SIM_BASE and a heap over it. */
static void setup(size_t bytes) { sim_heap_setup(&sim_pmm, &h, bytes); }

static size_t class_of(size_t size)
{
    size_t c = 16;
    while (c < size)
        c *= 2;
    return c;
}

static void fill(void *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)p)[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

static bool same(const void *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        if (((const uint8_t *)p)[i] != (uint8_t)(seed * 31 + i * 7 + (i >> 8)))
            return false;
    return true;
}

static bool all_bytes(const void *p, size_t n, uint8_t b)
{
    for (size_t i = 0; i < n; i++)
        if (((const uint8_t *)p)[i] != b)
            return false;
    return true;
}

static void expect_empty(void)
{
    heap_stats_t st = heap_stats(&h);
    UT_EQ(st.bytes_live, 0);
    UT_EQ(st.objects_live, 0);
}

UT_TEST(every_size_class_and_alignment)
{
    setup(8 * MB);
    size_t start = sim_pmm.free_frames;
    for (size_t size = 1; size <= 2048; size++) {
        uint8_t *p = heap_alloc(&h, size);
        UT_CHECK(p != NULL);
        size_t c = class_of(size);
        UT_EQ(heap_usable_size(&h, p), c);
        UT_EQ((uintptr_t)p % 16, 0);
        UT_EQ((uintptr_t)p % (c < 64 ? c : 64), 0);
        fill(p, c, size);
        heap_stats_t st = heap_stats(&h);
        UT_EQ(st.bytes_live, c);
        UT_EQ(st.objects_live, 1);
        UT_CHECK(same(p, c, size));
        heap_free(&h, p);
        UT_CHECK(all_bytes(p, c, 0xdf)); /* the poison */
    }
    expect_empty();
    UT_EQ(heap_stats(&h).frames_used, HEAP_NCLASSES); /* one empty slab each */
    UT_EQ(heap_trim(&h), HEAP_NCLASSES);
    UT_EQ(heap_trim(&h), 0);
    UT_EQ(heap_stats(&h).frames_used, 0);
    UT_EQ(sim_pmm.free_frames, start);
    UT_CHECK(heap_alloc(&h, 0) == NULL);
}

UT_TEST(many_objects_per_class)
{
    static void *ptrs[HEAP_NCLASSES][600];
    setup(32 * MB);
    size_t start = sim_pmm.free_frames;
    for (size_t c = 0; c < HEAP_NCLASSES; c++) {
        size_t size = (size_t)16 << c;
        for (size_t i = 0; i < 600; i++) {
            ptrs[c][i] = heap_alloc(&h, size);
            UT_CHECK(ptrs[c][i] != NULL);
            fill(ptrs[c][i], size, c * 1000 + i);
        }
    }
    heap_stats_t st = heap_stats(&h);
    UT_EQ(st.objects_live, HEAP_NCLASSES * 600);
    UT_EQ(st.bytes_live, 600 * ((size_t)16 << HEAP_NCLASSES) - 600 * 16);
    UT_EQ(st.frames_used, start - sim_pmm.free_frames);
    /* Free in random order; the others keep their contents. */
    uint64_t rng = 7;
    size_t left = HEAP_NCLASSES * 600;
    while (left) {
        size_t k = ut_rand(&rng) % (HEAP_NCLASSES * 600);
        size_t c = k / 600, i = k % 600;
        if (!ptrs[c][i])
            continue;
        UT_CHECK(same(ptrs[c][i], (size_t)16 << c, c * 1000 + i));
        heap_free(&h, ptrs[c][i]);
        ptrs[c][i] = NULL;
        left--;
    }
    expect_empty();
    size_t slabs = heap_stats(&h).frames_used;
    UT_EQ(heap_trim(&h), slabs);
    UT_EQ(sim_pmm.free_frames, start);
}

/* Random sizes (small and large) allocated and freed in random order;
 * each live object holds a pattern that is checked before it is freed. */
UT_TEST(random_workload_preserves_contents)
{
    static struct { uint8_t *p; size_t size; uint64_t seed; } slot[700];
    setup(48 * MB);
    size_t start = sim_pmm.free_frames;
    uint64_t rng = 12345;
    for (int step = 0; step < 30000; step++) {
        uint64_t r = ut_rand(&rng);
        size_t k = r % ARRAY_LEN(slot);
        if (slot[k].p) {
            UT_CHECK(same(slot[k].p, slot[k].size, slot[k].seed));
            heap_free(&h, slot[k].p);
            slot[k].p = NULL;
            continue;
        }
        size_t size = (r >> 16) % 64 == 0 ? 2049 + (r >> 24) % 20000 : 1 + (r >> 24) % 2048;
        slot[k].p = heap_alloc(&h, size);
        UT_CHECK(slot[k].p != NULL);
        UT_CHECK(heap_usable_size(&h, slot[k].p) >= size);
        slot[k].size = size;
        slot[k].seed = r;
        fill(slot[k].p, size, r);
    }
    size_t live = 0;
    for (size_t k = 0; k < ARRAY_LEN(slot); k++) {
        if (!slot[k].p)
            continue;
        live++;
        UT_CHECK(same(slot[k].p, slot[k].size, slot[k].seed));
    }
    UT_EQ(heap_stats(&h).objects_live, live);
    for (size_t k = 0; k < ARRAY_LEN(slot); k++) {
        heap_free(&h, slot[k].p); /* NULL is ignored */
        slot[k].p = NULL;
    }
    expect_empty();
    heap_trim(&h);
    UT_EQ(heap_stats(&h).frames_used, 0);
    UT_EQ(sim_pmm.free_frames, start);
}

UT_TEST(large_objects)
{
    setup(16 * MB);
    size_t start = sim_pmm.free_frames;
    struct { size_t size, frames; } cases[] = {
        {2049, 1}, {4032, 1}, {4033, 2}, {8128, 2}, {8129, 3}, {1 * MB, 257}};
    void *p[ARRAY_LEN(cases)];
    size_t frames = 0;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        p[i] = heap_alloc(&h, cases[i].size);
        UT_CHECK(p[i] != NULL);
        UT_EQ((uintptr_t)p[i] % 64, 0);
        UT_EQ(heap_usable_size(&h, p[i]), cases[i].frames * PAGE_SIZE - 64);
        fill(p[i], heap_usable_size(&h, p[i]), i);
        frames += cases[i].frames;
        heap_stats_t st = heap_stats(&h);
        UT_EQ(st.frames_used, frames);
        UT_EQ(st.bytes_live, frames * PAGE_SIZE);
        UT_EQ(st.objects_live, i + 1);
        UT_EQ(sim_pmm.free_frames, start - frames);
    }
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        UT_CHECK(same(p[i], cases[i].frames * PAGE_SIZE - 64, i));
        heap_free(&h, p[i]);
    }
    expect_empty();
    UT_EQ(heap_stats(&h).frames_used, 0);
    UT_EQ(sim_pmm.free_frames, start); /* large runs go straight back */
    UT_CHECK(heap_alloc(&h, 32 * MB) == NULL); /* more than the pmm has */
    UT_CHECK(heap_alloc(&h, SIZE_MAX) == NULL);
    UT_CHECK(heap_alloc(&h, SIZE_MAX - 100) == NULL);
    UT_CHECK(heap_alloc(&h, SIZE_MAX - 64 - 4095) == NULL);
    UT_EQ(sim_pmm.free_frames, start);
}

static char expected_addr[64];

static const char *addr_of(const void *p)
{
    snprintf(expected_addr, sizeof expected_addr, "0x%llx", (unsigned long long)(uintptr_t)p);
    return expected_addr;
}

UT_TEST(double_free_panics)
{
    setup(4 * MB);
    uint8_t *a = heap_alloc(&h, 100), *b = heap_alloc(&h, 100);
    fill(b, 128, 9);
    heap_free(&h, a);
    heap_stats_t before = heap_stats(&h);
    UT_EXPECT_PANIC(heap_free(&h, a), "heap: double free of 0x");
    UT_CONTAINS(ut_panic_msg, addr_of(a));
    UT_EXPECT_PANIC(heap_usable_size(&h, a), "is not a live object");
    heap_stats_t after = heap_stats(&h);
    UT_EQ(after.objects_live, before.objects_live);
    UT_CHECK(same(b, 128, 9)); /* the neighbour is untouched */

    /* A large object's run goes back to the pmm, so a second free finds a
     * frame that is not allocated. */
    uint8_t *big = heap_alloc(&h, 10000);
    heap_free(&h, big);
    UT_EXPECT_PANIC(heap_free(&h, big), "is not a heap pointer");
    UT_CONTAINS(ut_panic_msg, addr_of(big));
    UT_CONTAINS(ut_panic_msg, "double free");
    heap_free(&h, b);
    expect_empty();
}

UT_TEST(interior_and_stray_pointers_panic)
{
    setup(4 * MB);
    uint8_t *a = heap_alloc(&h, 64), *big = heap_alloc(&h, 3 * PAGE_SIZE);
    UT_EXPECT_PANIC(heap_free(&h, a + 8), "is not an object start");
    UT_CONTAINS(ut_panic_msg, addr_of(a + 8));
    /* A 1024-byte slab holds 3 objects: offset 64 + 3 * 1024 is aligned
     * like an object but past the last one. */
    uint8_t *k = heap_alloc(&h, 1024);
    uint8_t *kpage = (uint8_t *)((uintptr_t)k & ~(uintptr_t)(PAGE_SIZE - 1));
    UT_EXPECT_PANIC(heap_free(&h, kpage + 64 + 3 * 1024), "is not an object start");
    UT_EXPECT_PANIC(heap_free(&h, k + 512), "is not an object start");
    heap_free(&h, k);
    uint8_t *page = (uint8_t *)((uintptr_t)a & ~(uintptr_t)(PAGE_SIZE - 1));
    UT_EXPECT_PANIC(heap_free(&h, page), "is not an object start"); /* the header */
    UT_EXPECT_PANIC(heap_free(&h, page + 32), "is not an object start");
    UT_EXPECT_PANIC(heap_free(&h, big + 16), "is not an object start");
    UT_EXPECT_PANIC(heap_free(&h, big - 64), "is not an object start");
    /* Later frames of a large run hold no header at all. */
    UT_EXPECT_PANIC(heap_free(&h, big + PAGE_SIZE), "is not an object start");
    int on_stack;
    UT_EXPECT_PANIC(heap_free(&h, &on_stack), "is not a heap pointer");
    UT_CONTAINS(ut_panic_msg, addr_of(&on_stack));
    /* A frame the pmm handed to someone else, not the heap. */
    paddr_t other = pmm_alloc(&sim_pmm);
    uint8_t *ov = sim_p2v(other);
    memset(ov, 0, PAGE_SIZE);
    UT_EXPECT_PANIC(heap_free(&h, ov + 64), "is not an object start");
    UT_CHECK(pmm_free(&sim_pmm, other));
    /* The heap is unharmed by all of that. */
    UT_EQ(heap_stats(&h).objects_live, 2);
    heap_free(&h, a);
    heap_free(&h, big);
    expect_empty();
}

UT_TEST(calloc_zeroes_and_checks_overflow)
{
    setup(4 * MB);
    uint8_t *p = heap_alloc(&h, 200);
    memset(p, 0x5a, 200);
    heap_free(&h, p);
    uint8_t *q = heap_calloc(&h, 25, 8); /* same class, same slot */
    UT_CHECK(q == p);
    UT_CHECK(all_bytes(q, 200, 0));
    heap_free(&h, q);
    uint8_t *big = heap_calloc(&h, 3, 4000);
    UT_CHECK(big != NULL && all_bytes(big, 12000, 0));
    heap_free(&h, big);
    UT_CHECK(heap_calloc(&h, SIZE_MAX / 2 + 1, 2) == NULL);
    UT_CHECK(heap_calloc(&h, 2, SIZE_MAX / 2 + 1) == NULL);
    UT_CHECK(heap_calloc(&h, (size_t)1 << 32, (size_t)1 << 32) == NULL);
    UT_CHECK(heap_calloc(&h, 0, 16) == NULL);
    UT_CHECK(heap_calloc(&h, 16, 0) == NULL);
    expect_empty();
}

UT_TEST(trim_returns_only_empty_slabs)
{
    static void *p[1000];
    setup(8 * MB);
    size_t start = sim_pmm.free_frames;
    for (int i = 0; i < 1000; i++)
        p[i] = heap_alloc(&h, 64); /* 63 per slab: 16 slabs */
    UT_EQ(heap_stats(&h).frames_used, 16);
    UT_EQ(heap_trim(&h), 0);
    for (int i = 0; i < 1000; i++)
        if (i != 500)
            heap_free(&h, p[i]);
    UT_EQ(heap_trim(&h), 15); /* p[500]'s slab stays */
    UT_EQ(heap_usable_size(&h, p[500]), 64);
    UT_EQ(sim_pmm.free_frames, start - 1);
    heap_free(&h, p[500]);
    UT_EQ(heap_trim(&h), 1);
    UT_EQ(sim_pmm.free_frames, start);
    /* A freed, trimmed object is a stray pointer now. */
    UT_EXPECT_PANIC(heap_free(&h, p[0]), "is not a heap pointer");
}

UT_TEST(exhaustion_returns_null_without_corruption)
{
    static void *p[20000];
    setup(1 * MB); /* 256 frames, less the pmm's bitmap */
    size_t start = sim_pmm.free_frames, n = 0;
    while (n < ARRAY_LEN(p) && (p[n] = heap_alloc(&h, 256)) != NULL) {
        fill(p[n], 256, n);
        n++;
    }
    UT_CHECK(n < ARRAY_LEN(p));
    UT_EQ(n, start * 15); /* (4096 - 64) / 256 = 15 per slab */
    UT_EQ(sim_pmm.free_frames, 0);
    UT_CHECK(heap_alloc(&h, 256) == NULL);
    UT_CHECK(heap_alloc(&h, 16) == NULL);
    UT_CHECK(heap_alloc(&h, 5000) == NULL);
    UT_CHECK(heap_calloc(&h, 1, 100) == NULL);
    for (size_t i = 0; i < n; i++)
        UT_CHECK(same(p[i], 256, i));
    UT_EQ(heap_stats(&h).objects_live, n);
    for (size_t i = 0; i < n; i++)
        heap_free(&h, p[i]);
    expect_empty();
    /* The empty 256-byte slabs hold every frame; a large request trims
     * them and succeeds. */
    UT_EQ(sim_pmm.free_frames, 0);
    void *big = heap_alloc(&h, 100 * PAGE_SIZE);
    UT_CHECK(big != NULL);
    UT_EQ(heap_stats(&h).frames_used, 101);
    heap_free(&h, big);
    UT_EQ(sim_pmm.free_frames, start);
}

UT_TEST(kmalloc_uses_kheap)
{
    setup(4 * MB);
    heap_init(&kheap, &sim_pmm, sim_p2v, sim_v2p);
    uint8_t *a = kmalloc(40);
    uint8_t *z = kzalloc(3000);
    UT_CHECK(a && z);
    UT_CHECK(all_bytes(z, 3000, 0));
    UT_EQ(heap_stats(&kheap).objects_live, 2);
    UT_EQ(heap_usable_size(&kheap, a), 64);
    kfree(a);
    kfree(z);
    kfree(NULL);
    UT_EQ(heap_stats(&kheap).objects_live, 0);
    UT_EXPECT_PANIC(kfree(a), "heap: double free of 0x");
    UT_CHECK(kmalloc(0) == NULL);
}
