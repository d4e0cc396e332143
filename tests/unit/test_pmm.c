/*
 * Unit tests of the physical memory manager (kern/pmm.c).
 *
 * Physical memory is simulated: one 64 MiB host buffer stands for the
 * physical addresses [sim_base, sim_base + 64 MiB), and phys_to_virt is
 * offset arithmetic that fails the case if the pmm ever asks for an address
 * outside it. The standard layout below has holes, reservations that
 * overlap usable memory, unaligned ends and frame 0, and the tests check the
 * frame counts exactly, every frame handed out, exhaustion, the refusals of
 * bad frees and bad maps, runs with alignments, and a random workload
 * against a shadow copy of each frame's state.
 */
#include <stdlib.h>

#include <kern/pmm.h>

#include "ut.h"

#define SIM_BYTES (64 * MB)

static uint8_t *sim_mem;   /* allocated once, reused by every case */
static paddr_t sim_base;

static void sim_setup(paddr_t base)
{
    if (!sim_mem) {
        sim_mem = aligned_alloc(PAGE_SIZE, SIM_BYTES);
        if (!sim_mem)
            ut_fail(__FILE__, __LINE__, "no host memory for the simulation");
    }
    sim_base = base;
}

static void *sim_p2v(paddr_t pa)
{
    if (pa < sim_base || pa - sim_base >= SIM_BYTES)
        ut_fail(__FILE__, __LINE__, "phys_to_virt(0x%llx) outside the simulation",
                (unsigned long long)pa);
    return sim_mem + (pa - sim_base);
}

/* The standard map: usable [0, 640K), [1M, 16M), [20M + 123, 64M - 5);
 * reserved: the first MiB, a kernel at [2M, 4M), a module at [30M + 1, 31M).
 * Frames free after init (the bitmap takes the frame at 1M):
 *   [1M, 16M) less [2M, 4M)           = 3328
 *   [20M + 4K, 64M - 4K) less [30M, 31M) = 11262 - 256 = 11006
 *   less one bitmap frame            => 14333 */
static const pmm_range_t std_usable[] = {
    {0, 640 * KB}, {1 * MB, 16 * MB}, {20 * MB + 123, 64 * MB - 5}};
static const pmm_range_t std_reserved[] = {
    {0, 1 * MB}, {2 * MB, 4 * MB}, {30 * MB + 1, 31 * MB}};
#define STD_FREE 14333u
#define STD_NFRAMES ((64 * MB - 4 * KB) / PAGE_SIZE)

static void std_init(pmm_t *p)
{
    sim_setup(0);
    UT_EQ(pmm_init(p, std_usable, ARRAY_LEN(std_usable), std_reserved,
                   ARRAY_LEN(std_reserved), sim_p2v),
          PMM_OK);
}

/* Is frame inside the standard map's usable memory, outside reservations
 * and the bitmap? (Worked out from the map, not from the pmm.) */
static bool std_frame_ok(paddr_t f)
{
    bool usable = (f >= 1 * MB && f < 16 * MB) || (f >= 20 * MB + 4 * KB && f < 64 * MB - 4 * KB);
    bool reserved = f < 1 * MB || (f >= 2 * MB && f < 4 * MB) || (f >= 30 * MB && f < 31 * MB);
    return usable && !reserved && f != 1 * MB;
}

static uint8_t frame_seen[SIM_BYTES / 4096];

UT_TEST(init_counts_exact)
{
    static pmm_t p;
    std_init(&p);
    UT_EQ(p.nframes, STD_NFRAMES);
    UT_EQ(p.bitmap_phys, 1 * MB);
    UT_EQ(p.bitmap_bytes, 256 * 8);
    UT_EQ(p.usable_frames, STD_FREE);
    UT_EQ(p.free_frames, STD_FREE);
    UT_EQ(p.n_usable, 3);
    UT_EQ(p.usable[0].base, 4 * KB); /* frame 0 dropped */
    UT_EQ(p.usable[2].base, 20 * MB + 4 * KB);
    UT_EQ(p.usable[2].end, 64 * MB - 4 * KB);
    UT_EQ(p.reserved[2].base, 30 * MB);
    UT_CHECK(!pmm_is_allocated(&p, 1 * MB)); /* the bitmap is reserved */
    UT_STREQ(pmm_strerror(PMM_OK), "ok");
    UT_CHECK(strlen(pmm_strerror(PMM_ERR_NO_ROOM_FOR_BITMAP)) > 0);
}

UT_TEST(alloc_every_frame_then_free_all)
{
    static pmm_t p;
    static paddr_t got[STD_FREE];
    std_init(&p);
    memset(frame_seen, 0, sizeof frame_seen);
    size_t n = 0;
    for (paddr_t f; (f = pmm_alloc(&p)) != 0; n++) {
        UT_CHECK(n < STD_FREE);
        UT_CHECK(IS_ALIGNED(f, (paddr_t)PAGE_SIZE));
        UT_CHECK(std_frame_ok(f));
        UT_EQ(frame_seen[f / PAGE_SIZE], 0);
        UT_CHECK(pmm_is_allocated(&p, f));
        frame_seen[f / PAGE_SIZE] = 1;
        *(uint64_t *)sim_p2v(f) = f ^ 0xabcdef; /* the frame is ours to write */
        got[n] = f;
    }
    UT_EQ(n, STD_FREE);
    UT_EQ(p.free_frames, 0);
    UT_EQ(pmm_alloc(&p), 0);
    UT_EQ(pmm_alloc_run(&p, 1, 1), 0);

    /* Writing every frame must not have touched the bitmap. */
    uint64_t rng = 42;
    for (size_t i = n; i > 1; i--) {
        size_t j = ut_rand(&rng) % i;
        paddr_t t = got[i - 1];
        got[i - 1] = got[j];
        got[j] = t;
    }
    for (size_t i = 0; i < n; i++) {
        UT_EQ(*(uint64_t *)sim_p2v(got[i]), got[i] ^ 0xabcdef);
        UT_CHECK(pmm_free(&p, got[i]));
    }
    UT_EQ(p.free_frames, STD_FREE);
    /* Everything comes back a second time. */
    for (n = 0; pmm_alloc(&p) != 0; n++)
        ;
    UT_EQ(n, STD_FREE);
}

UT_TEST(alloc_wraps_to_freed_frame)
{
    static pmm_t p;
    std_init(&p);
    paddr_t first = pmm_alloc(&p), f;
    UT_EQ(first, 1 * MB + 4 * KB); /* lowest free frame, after the bitmap */
    while ((f = pmm_alloc(&p)) != 0)
        ;
    UT_CHECK(pmm_free(&p, first));
    UT_EQ(pmm_alloc(&p), first); /* next fit wraps around to it */
    UT_EQ(pmm_alloc(&p), 0);
}

UT_TEST(bad_frees_refused)
{
    static pmm_t p;
    std_init(&p);
    paddr_t f = pmm_alloc(&p);
    UT_CHECK(pmm_free(&p, f));
    size_t before = p.free_frames;
    UT_CHECK(!pmm_free(&p, f));              /* double free */
    UT_CHECK(!pmm_free(&p, 0));              /* frame 0 */
    UT_CHECK(!pmm_free(&p, 1 * MB));         /* the bitmap */
    UT_CHECK(!pmm_free(&p, 512 * KB));       /* reserved first MiB, though usable */
    UT_CHECK(!pmm_free(&p, 3 * MB));         /* the kernel */
    UT_CHECK(!pmm_free(&p, 30 * MB + 8 * KB)); /* module (rounded outward) */
    UT_CHECK(!pmm_free(&p, 17 * MB));        /* hole */
    UT_CHECK(!pmm_free(&p, 20 * MB));        /* first frame cut off by rounding */
    UT_CHECK(!pmm_free(&p, 64 * MB - 4 * KB)); /* last frame cut off by rounding */
    UT_CHECK(!pmm_free(&p, 64 * MB));        /* past the end */
    UT_CHECK(!pmm_free(&p, ALIGN_DOWN(UINT64_MAX, (paddr_t)PAGE_SIZE)));
    paddr_t g = pmm_alloc(&p);
    before = p.free_frames;
    UT_CHECK(!pmm_free(&p, g + 8));          /* unaligned */
    UT_CHECK(!pmm_free(&p, g + PAGE_SIZE - 1));
    UT_EQ(p.free_frames, before);
    UT_CHECK(pmm_is_allocated(&p, g));
    UT_CHECK(!pmm_is_allocated(&p, g + 8));
    UT_CHECK(!pmm_is_allocated(&p, 3 * MB));
    UT_CHECK(!pmm_is_allocated(&p, 17 * MB));
    UT_CHECK(pmm_free(&p, g));
}

UT_TEST(free_run_all_or_nothing)
{
    static pmm_t p;
    std_init(&p);
    paddr_t r = pmm_alloc_run(&p, 8, 1);
    UT_CHECK(r != 0);
    UT_CHECK(pmm_free(&p, r + 3 * PAGE_SIZE));
    size_t before = p.free_frames;
    UT_CHECK(!pmm_free_run(&p, r, 8)); /* frame 3 is already free */
    UT_EQ(p.free_frames, before);
    for (size_t i = 0; i < 8; i++)
        UT_EQ(pmm_is_allocated(&p, r + i * PAGE_SIZE), i != 3);
    UT_CHECK(!pmm_free_run(&p, r, 0));
    UT_CHECK(!pmm_free_run(&p, ALIGN_DOWN(UINT64_MAX, (paddr_t)PAGE_SIZE), 2)); /* wraps */
    UT_CHECK(!pmm_free_run(&p, r, SIZE_MAX));
    UT_CHECK(pmm_free_run(&p, r, 3));
    UT_CHECK(pmm_free_run(&p, r + 4 * PAGE_SIZE, 4));
    UT_EQ(p.free_frames, STD_FREE);
}

UT_TEST(runs_aligned_contiguous_disjoint)
{
    static pmm_t p;
    std_init(&p);
    memset(frame_seen, 0, sizeof frame_seen);
    paddr_t bases[64];
    size_t lens[64], nr = 0;
    for (size_t a = 0; a <= 512; a = a ? a * 2 : 1) {
        for (size_t len = 1; len <= 70; len += 23) {
            paddr_t b = pmm_alloc_run(&p, len, a);
            UT_CHECK(b != 0);
            UT_CHECK(IS_ALIGNED(b, (paddr_t)(a ? a : 1) * PAGE_SIZE));
            for (size_t i = 0; i < len; i++) {
                paddr_t f = b + i * PAGE_SIZE;
                UT_CHECK(std_frame_ok(f));
                UT_CHECK(pmm_is_allocated(&p, f));
                UT_EQ(frame_seen[f / PAGE_SIZE], 0);
                frame_seen[f / PAGE_SIZE] = 1;
            }
            UT_CHECK(nr < ARRAY_LEN(bases));
            bases[nr] = b;
            lens[nr++] = len;
        }
    }
    /* Single frames never land inside a run. */
    for (int i = 0; i < 100; i++) {
        paddr_t f = pmm_alloc(&p);
        UT_EQ(frame_seen[f / PAGE_SIZE], 0);
        frame_seen[f / PAGE_SIZE] = 1;
        UT_CHECK(pmm_free(&p, f));
        frame_seen[f / PAGE_SIZE] = 0;
    }
    for (size_t i = 0; i < nr; i++)
        UT_CHECK(pmm_free_run(&p, bases[i], lens[i]));
    UT_EQ(p.free_frames, STD_FREE);
}

UT_TEST(run_first_fit_and_exhaustion)
{
    static pmm_t p;
    std_init(&p);
    /* The largest free stretch is [31M, 64M - 4K): 8447 frames. */
    UT_EQ(pmm_alloc_run(&p, 8448, 1), 0);
    UT_EQ(p.free_frames, STD_FREE);
    paddr_t big = pmm_alloc_run(&p, 8447, 0);
    UT_EQ(big, 31 * MB);
    UT_EQ(pmm_alloc_run(&p, 8447, 1), 0);
    /* First fit: the lowest free frame is right after the bitmap. */
    UT_EQ(pmm_alloc_run(&p, 1, 1), 1 * MB + 4 * KB);
    /* 1M-aligned runs: 4M is the first aligned free frame (2M-4M is the kernel). */
    UT_EQ(pmm_alloc_run(&p, 256, 256), 4 * MB);
    UT_EQ(pmm_alloc_run(&p, 0, 1), 0);                 /* n = 0 */
    UT_EQ(pmm_alloc_run(&p, 2, 3), 0);                 /* not a power of two */
    UT_EQ(pmm_alloc_run(&p, 1, (size_t)1 << 40), 0);   /* more than nframes */
    UT_EQ(pmm_alloc_run(&p, SIZE_MAX, 1), 0);
    UT_EQ(pmm_alloc_run(&p, p.free_frames + 1, 1), 0);
    UT_CHECK(pmm_free_run(&p, big, 8447));
}

UT_TEST(run_refuses_fragmented_memory)
{
    static pmm_t p;
    static paddr_t got[STD_FREE];
    std_init(&p);
    size_t n = 0;
    for (paddr_t f; (f = pmm_alloc(&p)) != 0;)
        got[n++] = f;
    for (size_t i = 0; i < n; i++)
        if ((got[i] / PAGE_SIZE) % 2 == 0)
            UT_CHECK(pmm_free(&p, got[i]));
    UT_CHECK(p.free_frames > 1000);
    UT_EQ(pmm_alloc_run(&p, 2, 1), 0); /* no two free frames touch */
    paddr_t one = pmm_alloc_run(&p, 1, 2);
    UT_CHECK(one != 0 && IS_ALIGNED(one, 2 * PAGE_SIZE));
    UT_CHECK(pmm_free(&p, one));
}

UT_TEST(bad_maps_refused)
{
    static pmm_t p;
    static pmm_range_t many[PMM_MAX_RANGES + 1];
    sim_setup(0);
    pmm_range_t back[] = {{8 * MB, 4 * MB}};
    UT_EQ(pmm_init(&p, back, 1, NULL, 0, sim_p2v), PMM_ERR_BAD_RANGE);
    pmm_range_t ovl[] = {{10 * MB, 20 * MB}, {1 * MB, 2 * MB}, {5 * MB, 11 * MB}};
    UT_EQ(pmm_init(&p, ovl, 3, NULL, 0, sim_p2v), PMM_ERR_BAD_RANGE);
    pmm_range_t same[] = {{1 * MB, 2 * MB}, {1 * MB, 2 * MB}};
    UT_EQ(pmm_init(&p, same, 2, NULL, 0, sim_p2v), PMM_ERR_BAD_RANGE);
    pmm_range_t ok[] = {{1 * MB, 2 * MB}};
    pmm_range_t rback[] = {{5 * MB, 3 * MB}};
    UT_EQ(pmm_init(&p, ok, 1, rback, 1, sim_p2v), PMM_ERR_BAD_RANGE);

    for (size_t i = 0; i < ARRAY_LEN(many); i++)
        many[i] = (pmm_range_t){(i + 1) * MB, (i + 1) * MB + 64 * KB};
    UT_EQ(pmm_init(&p, many, PMM_MAX_RANGES + 1, NULL, 0, sim_p2v), PMM_ERR_TOO_MANY_RANGES);
    UT_EQ(pmm_init(&p, ok, 1, many, PMM_MAX_RESERVED + 1, sim_p2v), PMM_ERR_TOO_MANY_RANGES);
    /* Exactly the maximum is fine: 64 ranges of 16 frames, one for the bitmap. */
    UT_EQ(pmm_init(&p, many, PMM_MAX_RANGES, NULL, 0, sim_p2v), PMM_OK);
    UT_EQ(p.free_frames, PMM_MAX_RANGES * 16 - 1);
}

UT_TEST(no_usable_and_no_room)
{
    static pmm_t p;
    sim_setup(0);
    UT_EQ(pmm_init(&p, NULL, 0, NULL, 0, sim_p2v), PMM_ERR_NO_USABLE);
    pmm_range_t zero[] = {{0, 4 * KB}}; /* only frame 0 */
    UT_EQ(pmm_init(&p, zero, 1, NULL, 0, sim_p2v), PMM_ERR_NO_USABLE);
    pmm_range_t tiny[] = {{100, 4000}, {5000, 8191}}; /* no whole frame */
    UT_EQ(pmm_init(&p, tiny, 2, NULL, 0, sim_p2v), PMM_ERR_NO_USABLE);
    pmm_range_t u[] = {{1 * MB, 2 * MB}};
    pmm_range_t all[] = {{512 * KB, 1 * MB + 1}, {1 * MB + 1, 2 * MB}};
    UT_EQ(pmm_init(&p, u, 1, all, 2, sim_p2v), PMM_ERR_NO_USABLE);
    pmm_range_t one[] = {{4 * KB, 8 * KB}}; /* the bitmap takes the only frame */
    UT_EQ(pmm_init(&p, one, 1, NULL, 0, sim_p2v), PMM_ERR_NO_USABLE);
    /* A frame at 1G needs a 9-frame bitmap; two single frames cannot hold it. */
    pmm_range_t far[] = {{4 * KB, 8 * KB}, {1 * GB, 1 * GB + 4 * KB}};
    UT_EQ(pmm_init(&p, far, 2, NULL, 0, sim_p2v), PMM_ERR_NO_ROOM_FOR_BITMAP);
}

UT_TEST(bitmap_avoids_reservations)
{
    static pmm_t p;
    sim_setup(0);
    /* Reservations cover the start of each range; the bitmap (1 frame)
     * must go to the first unreserved frame, 3M + 4K. */
    pmm_range_t u[] = {{8 * MB, 9 * MB}, {2 * MB, 4 * MB}};
    pmm_range_t r[] = {{2 * MB, 3 * MB}, {3 * MB, 3 * MB + 1}, {8 * MB, 9 * MB}};
    UT_EQ(pmm_init(&p, u, 2, r, 3, sim_p2v), PMM_OK);
    UT_EQ(p.bitmap_phys, 3 * MB + 4 * KB);
    UT_EQ(p.free_frames, 255 - 1);
    UT_EQ(pmm_alloc(&p), 3 * MB + 8 * KB);
}

UT_TEST(high_sim_base)
{
    static pmm_t p;
    sim_setup(4 * GB);
    pmm_range_t u[] = {{4 * GB, 4 * GB + SIM_BYTES}};
    UT_EQ(pmm_init(&p, u, 1, NULL, 0, sim_p2v), PMM_OK);
    /* (4G + 64M) / 4K = 1064960 frames: a 133120-byte, 33-frame bitmap. */
    UT_EQ(p.nframes, 1064960);
    UT_EQ(p.bitmap_bytes, 133120);
    UT_EQ(p.bitmap_phys, 4 * GB);
    UT_EQ(p.free_frames, 16384 - 33);
    size_t n = 0;
    for (paddr_t f; (f = pmm_alloc(&p)) != 0; n++)
        UT_CHECK(f >= 4 * GB + 33 * PAGE_SIZE && f < 4 * GB + SIM_BYTES);
    UT_EQ(n, 16384 - 33);
    UT_EQ(pmm_alloc_run(&p, 1, 1), 0);
}

UT_TEST(ranges_near_top_of_address_space)
{
    static pmm_t p;
    sim_setup(0);
    /* Rounding these up would wrap to 0; they hold no frame. */
    pmm_range_t top[] = {{UINT64_MAX - 100, UINT64_MAX}, {UINT64_MAX, UINT64_MAX}};
    UT_EQ(pmm_init(&p, top, 2, NULL, 0, sim_p2v), PMM_ERR_NO_USABLE);
    /* Usable RAM near 2^64 would need a 2^49-byte bitmap. */
    pmm_range_t hi[] = {{1 * MB, 2 * MB}, {UINT64_MAX - 16 * MB, UINT64_MAX}};
    UT_EQ(pmm_init(&p, hi, 2, NULL, 0, sim_p2v), PMM_ERR_NO_ROOM_FOR_BITMAP);
    /* All of it "usable" but reserved above 64M: the bitmap fits nowhere. */
    pmm_range_t whole[] = {{0, UINT64_MAX}};
    pmm_range_t above[] = {{64 * MB, UINT64_MAX}};
    UT_EQ(pmm_init(&p, whole, 1, above, 1, sim_p2v), PMM_ERR_NO_ROOM_FOR_BITMAP);
    /* A reservation to the very top is rounded without wrapping. */
    pmm_range_t u[] = {{1 * MB, 64 * MB}};
    pmm_range_t r[] = {{32 * MB + 5, UINT64_MAX}, {UINT64_MAX - 3, UINT64_MAX}};
    UT_EQ(pmm_init(&p, u, 1, r, 2, sim_p2v), PMM_OK);
    UT_EQ(p.free_frames, 31 * 256 - 1); /* [1M, 32M) less the bitmap frame */
    UT_CHECK(!pmm_free(&p, 40 * MB));
    size_t n = 0;
    for (paddr_t f; (f = pmm_alloc(&p)) != 0; n++)
        UT_CHECK(f < 32 * MB);
    UT_EQ(n, 31 * 256 - 1);
}

UT_TEST(unsorted_and_overlapping_reservations)
{
    static pmm_t p;
    sim_setup(0);
    pmm_range_t u[] = {{40 * MB, 48 * MB}, {8 * MB, 16 * MB}, {16 * MB, 24 * MB}};
    pmm_range_t r[] = {{10 * MB, 12 * MB}, {11 * MB, 13 * MB}, {0, 9 * MB}, {44 * MB, 44 * MB}};
    UT_EQ(pmm_init(&p, u, 3, r, 4, sim_p2v), PMM_OK);
    /* 24M usable - [8M,9M) - [10M,13M) = 20M = 5120 frames, less the bitmap at 9M. */
    UT_EQ(p.bitmap_phys, 9 * MB);
    UT_EQ(p.free_frames, 5120 - 1);
    /* A run may cross the boundary between two adjacent usable ranges. */
    paddr_t run = pmm_alloc_run(&p, 2048, 2048);
    UT_EQ(run, 16 * MB);
    UT_CHECK(pmm_free_run(&p, run, 2048));
    paddr_t cross = pmm_alloc_run(&p, (8 * MB) / PAGE_SIZE, 1);
    UT_EQ(cross, 13 * MB); /* [13M, 21M) spans both ranges */
    UT_CHECK(pmm_free_run(&p, cross, (8 * MB) / PAGE_SIZE));
}

/* A random mix of single and run allocations and frees, checked against a
 * shadow of every frame after each step. */
UT_TEST(random_against_shadow)
{
    static pmm_t p;
    static struct { paddr_t base; size_t n; } live[512];
    size_t nlive = 0;
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    std_init(&p);
    memset(frame_seen, 0, sizeof frame_seen);
    for (int step = 0; step < 20000; step++) {
        uint64_t r = ut_rand(&rng);
        if (nlive < ARRAY_LEN(live) && (r % 3 != 0 || nlive == 0)) {
            size_t n = (r >> 8) % 4 == 0 ? 1 + (r >> 16) % 40 : 1;
            size_t align = (size_t)1 << ((r >> 24) % 6);
            paddr_t b = n == 1 && (r & 0x80) ? pmm_alloc(&p) : pmm_alloc_run(&p, n, align);
            if (!b)
                continue;
            if (n > 1)
                UT_CHECK(IS_ALIGNED(b, align * PAGE_SIZE));
            for (size_t i = 0; i < n; i++) {
                paddr_t f = b + i * PAGE_SIZE;
                UT_CHECK(std_frame_ok(f));
                UT_EQ(frame_seen[f / PAGE_SIZE], 0);
                frame_seen[f / PAGE_SIZE] = 1;
            }
            live[nlive].base = b;
            live[nlive++].n = n;
        } else {
            size_t k = (r >> 8) % nlive;
            UT_CHECK(pmm_free_run(&p, live[k].base, live[k].n));
            UT_CHECK(!pmm_free(&p, live[k].base)); /* and never twice */
            for (size_t i = 0; i < live[k].n; i++)
                frame_seen[live[k].base / PAGE_SIZE + i] = 0;
            live[k] = live[--nlive];
        }
        size_t used = 0;
        for (size_t i = 0; i < nlive; i++)
            used += live[i].n;
        UT_EQ(p.free_frames, STD_FREE - used);
    }
    for (size_t f = 0; f < SIM_BYTES / PAGE_SIZE; f++)
        UT_EQ(pmm_is_allocated(&p, f * PAGE_SIZE), frame_seen[f]);
    for (; nlive > 0; nlive--)
        UT_CHECK(pmm_free_run(&p, live[nlive - 1].base, live[nlive - 1].n));
    UT_EQ(p.free_frames, STD_FREE);
}
