/*
 * Unit tests of the virtual-range allocator (kern/vrange.c).
 *
 * vrange takes its list nodes from kmalloc, so each case first builds a
 * simulated pmm (a host buffer standing for [SIM_BASE, SIM_BASE + 16 MiB))
 * and initialises kheap over it. After every operation vr_check walks the
 * list and checks the invariants the allocator promises: sorted, non-empty,
 * page-aligned, inside the window, never adjacent, counted and summed. The
 * cases cover allocation, coalescing, alignment, every error code (and that
 * an error changes nothing), page 0, running out of heap for nodes, and a
 * random workload checked page by page against a shadow model.
 */
#include <stdlib.h>

#include <kern/heap.h>
#include <kern/pmm.h>
#include <kern/vrange.h>

#include "simmem.h"
#include "ut.h"

#define PG ((vaddr_t)PAGE_SIZE)
#define SH_LO ((vaddr_t)0x40000000)
static pmm_t sim_pmm;

/* A fresh pmm with `bytes` of RAM and kheap over it. */
static void setup(size_t bytes) { sim_heap_setup(&sim_pmm, &kheap, bytes); }

static void vr_check(const vrange_t *v)
{
    size_t n = 0, bytes = 0;
    UT_CHECK(v->lo >= PG);
    for (const vrange_node_t *x = v->free; x; x = x->next) {
        UT_CHECK(x->base < x->end);
        UT_CHECK(IS_ALIGNED(x->base, PG) && IS_ALIGNED(x->end, PG));
        UT_CHECK(x->base >= v->lo && x->end <= v->hi);
        if (x->next)
            UT_CHECK(x->end < x->next->base); /* sorted and never adjacent */
        UT_EQ(heap_usable_size(&kheap, x), 32); /* a live heap node */
        n++;
        bytes += x->end - x->base;
    }
    UT_EQ(n, v->nfree);
    UT_EQ(bytes, v->free_bytes);
    UT_EQ(heap_stats(&kheap).objects_live, n);
}

/* A copy of the list, to show that a failed call changed nothing. */
typedef struct {
    size_t n;
    vaddr_t base[64], end[64];
} vr_snap_t;

static vr_snap_t vr_snap(const vrange_t *v)
{
    vr_snap_t s = {0, {0}, {0}};
    for (const vrange_node_t *x = v->free; x && s.n < 64; x = x->next, s.n++) {
        s.base[s.n] = x->base;
        s.end[s.n] = x->end;
    }
    return s;
}

static void vr_same(const vrange_t *v, const vr_snap_t *s)
{
    vr_snap_t now = vr_snap(v);
    UT_EQ(now.n, s->n);
    UT_EQ(now.n, v->nfree);
    for (size_t i = 0; i < s->n; i++) {
        UT_EQ(now.base[i], s->base[i]);
        UT_EQ(now.end[i], s->end[i]);
    }
}

UT_TEST(init_window)
{
    vrange_t v;
    setup(1 * MB);
    UT_EQ(vrange_init(&v, VRANGE_USER_LO, VRANGE_USER_HI), VRANGE_OK);
    UT_EQ(v.free_bytes, VRANGE_USER_HI - VRANGE_USER_LO);
    UT_EQ(v.nfree, 1);
    vr_check(&v);
    vrange_destroy(&v);
    UT_EQ(heap_stats(&kheap).objects_live, 0);

    UT_EQ(vrange_init(&v, 0, 16 * PG), VRANGE_OK); /* lo raised to a page */
    UT_EQ(v.lo, PG);
    UT_EQ(v.free_bytes, 15 * PG);
    vrange_destroy(&v);
    UT_EQ(vrange_init(&v, 0, PG), VRANGE_ERR_ARG);        /* nothing left */
    UT_EQ(vrange_init(&v, 5 * PG, 5 * PG), VRANGE_ERR_ARG);
    UT_EQ(vrange_init(&v, 6 * PG, 5 * PG), VRANGE_ERR_ARG);
    UT_EQ(vrange_init(&v, PG + 1, 5 * PG), VRANGE_ERR_ARG);
    UT_EQ(vrange_init(&v, PG, 5 * PG - 1), VRANGE_ERR_ARG);
    UT_EQ(heap_stats(&kheap).objects_live, 0);
    UT_STREQ(vrange_strerror(VRANGE_OK), "ok");
    for (int e = VRANGE_ERR_ARG; e <= VRANGE_ERR_NOMEM; e++)
        UT_CHECK(strlen(vrange_strerror((vrange_err_t)e)) > 5);
}

UT_TEST(alloc_first_fit_and_coalesce)
{
    vrange_t v;
    setup(1 * MB);
    UT_EQ(vrange_init(&v, 0x100000, 0x200000), VRANGE_OK);
    vaddr_t a = vrange_alloc(&v, 4 * PG, 0);
    vaddr_t b = vrange_alloc(&v, 2 * PG, PG);
    vaddr_t c = vrange_alloc(&v, 8 * PG, 0);
    UT_EQ(a, 0x100000);
    UT_EQ(b, a + 4 * PG);
    UT_EQ(c, b + 2 * PG);
    vr_check(&v);
    UT_EQ(vrange_free(&v, a, 4 * PG), VRANGE_OK);
    UT_EQ(v.nfree, 2);
    UT_EQ(vrange_free(&v, c, 8 * PG), VRANGE_OK); /* merges with the tail */
    UT_EQ(v.nfree, 2);
    vr_check(&v);
    UT_EQ(vrange_alloc(&v, 4 * PG, 0), a); /* first fit reuses the hole */
    UT_EQ(vrange_alloc(&v, 1 * PG, 0), c);
    UT_EQ(vrange_free(&v, a, 4 * PG), VRANGE_OK);
    UT_EQ(vrange_free(&v, c, PG), VRANGE_OK);
    UT_EQ(vrange_free(&v, b, 2 * PG), VRANGE_OK); /* both neighbours */
    UT_EQ(v.nfree, 1);
    UT_EQ(v.free_bytes, 0x100000);
    vr_check(&v);
    /* The whole window at once, then nothing. */
    UT_EQ(vrange_alloc(&v, 0x100000, 0), 0x100000);
    UT_EQ(v.nfree, 0);
    UT_EQ(vrange_alloc(&v, PG, 0), 0);
    UT_EQ(vrange_free(&v, 0x100000, 0x100000), VRANGE_OK);
    vr_check(&v);
    vrange_destroy(&v);
}

UT_TEST(alignment)
{
    vrange_t v;
    setup(1 * MB);
    UT_EQ(vrange_init(&v, VRANGE_USER_LO, VRANGE_USER_HI), VRANGE_OK);
    vaddr_t a = vrange_alloc(&v, PG, 0);
    UT_EQ(a, VRANGE_USER_LO);
    vaddr_t m = vrange_alloc(&v, 3 * PG, 1 * MB);
    UT_EQ(m, 1 * MB);
    UT_EQ(v.nfree, 2); /* the gap before it stays free */
    vaddr_t g = vrange_alloc(&v, 2 * MB, 2 * MB);
    UT_EQ(g, 2 * MB);
    vaddr_t t = vrange_alloc(&v, PG, (size_t)1 << 46);
    UT_EQ(t, (vaddr_t)1 << 46);
    vr_check(&v);
    /* No 2^47-aligned address in the window other than 0. */
    vr_snap_t s = vr_snap(&v);
    UT_EQ(vrange_alloc(&v, PG, (size_t)1 << 47), 0);
    UT_EQ(vrange_alloc(&v, PG, (size_t)1 << 63), 0);
    vr_same(&v, &s);
    /* Small gaps are used first when they fit. */
    UT_EQ(vrange_alloc(&v, PG, 0), VRANGE_USER_LO + PG);
    UT_EQ(vrange_alloc(&v, 4 * PG, 4 * PG), VRANGE_USER_LO + 4 * PG);
    vr_check(&v);
    vrange_destroy(&v);
    UT_EQ(heap_stats(&kheap).objects_live, 0);
}

UT_TEST(bad_arguments_change_nothing)
{
    vrange_t v;
    setup(1 * MB);
    UT_EQ(vrange_init(&v, 0x100000, 0x200000), VRANGE_OK);
    vaddr_t a = vrange_alloc(&v, 4 * PG, 0);
    vr_snap_t s = vr_snap(&v);
    size_t fb = v.free_bytes;

    UT_EQ(vrange_alloc(&v, 0, 0), 0);               /* zero size */
    UT_EQ(vrange_alloc(&v, PG + 1, 0), 0);          /* unaligned size */
    UT_EQ(vrange_alloc(&v, PG, 3 * PG), 0);         /* not a power of two */
    UT_EQ(vrange_alloc(&v, PG, 16), 0);             /* below a page */
    UT_EQ(vrange_alloc(&v, 0x200000, 0), 0);        /* bigger than what is free */
    UT_EQ(vrange_alloc(&v, SIZE_MAX & ~(PG - 1), 0), 0);

    UT_EQ(vrange_free(&v, a, 0), VRANGE_ERR_ARG);
    UT_EQ(vrange_free(&v, a + 1, PG), VRANGE_ERR_ARG);
    UT_EQ(vrange_free(&v, a, PG + 8), VRANGE_ERR_ARG);
    UT_EQ(vrange_free(&v, ALIGN_DOWN(UINT64_MAX, PG), 2 * PG), VRANGE_ERR_ARG); /* wraps */
    UT_EQ(vrange_reserve(&v, a, 0), VRANGE_ERR_ARG);
    UT_EQ(vrange_reserve(&v, a + 0x800, PG), VRANGE_ERR_ARG);
    UT_EQ(vrange_reserve(&v, a, 3), VRANGE_ERR_ARG);
    UT_EQ(vrange_reserve(&v, 0x180000, ALIGN_DOWN(SIZE_MAX, PG)), VRANGE_ERR_ARG);

    UT_EQ(vrange_free(&v, 0x0ff000, PG), VRANGE_ERR_RANGE);     /* below lo */
    UT_EQ(vrange_free(&v, 0x0ff000, 2 * PG), VRANGE_ERR_RANGE); /* straddles lo */
    UT_EQ(vrange_free(&v, 0x1ff000, 2 * PG), VRANGE_ERR_RANGE); /* straddles hi */
    UT_EQ(vrange_free(&v, 0x200000, PG), VRANGE_ERR_RANGE);
    UT_EQ(vrange_reserve(&v, 0x200000, PG), VRANGE_ERR_RANGE);
    UT_EQ(vrange_reserve(&v, 0, PG), VRANGE_ERR_RANGE);
    UT_EQ(vrange_reserve(&v, 0x50000000, PG), VRANGE_ERR_RANGE);

    UT_EQ(vrange_free(&v, a + 4 * PG, PG), VRANGE_ERR_NOT_USED);  /* never used */
    UT_EQ(vrange_free(&v, a + 2 * PG, 4 * PG), VRANGE_ERR_NOT_USED); /* reaches past a */
    UT_EQ(vrange_free(&v, 0x1f0000, PG), VRANGE_ERR_NOT_USED);
    UT_EQ(vrange_reserve(&v, a, PG), VRANGE_ERR_IN_USE);
    UT_EQ(vrange_reserve(&v, a + 3 * PG, 2 * PG), VRANGE_ERR_IN_USE); /* straddles */
    vr_same(&v, &s);
    UT_EQ(v.free_bytes, fb);

    UT_EQ(vrange_free(&v, a, 4 * PG), VRANGE_OK);
    UT_EQ(vrange_free(&v, a, 4 * PG), VRANGE_ERR_NOT_USED); /* double free */
    UT_EQ(vrange_free(&v, a + PG, PG), VRANGE_ERR_NOT_USED);
    vr_check(&v);
    UT_EQ(v.nfree, 1);
    vrange_destroy(&v);
}

UT_TEST(reserve_fixed_ranges)
{
    vrange_t v;
    setup(1 * MB);
    UT_EQ(vrange_init(&v, 0x100000, 0x200000), VRANGE_OK);
    UT_EQ(vrange_reserve(&v, 0x180000, 0x10000), VRANGE_OK); /* splits */
    UT_EQ(v.nfree, 2);
    UT_EQ(vrange_reserve(&v, 0x100000, PG), VRANGE_OK);      /* trims the front */
    UT_EQ(vrange_reserve(&v, 0x1ff000, PG), VRANGE_OK);      /* trims the back */
    UT_EQ(vrange_reserve(&v, 0x190000, 0x6f000), VRANGE_OK); /* the whole node */
    UT_EQ(v.nfree, 1);
    vr_check(&v);
    UT_EQ(vrange_reserve(&v, 0x17f000, 2 * PG), VRANGE_ERR_IN_USE);
    UT_EQ(vrange_alloc(&v, PG, 0), 0x101000); /* alloc steps around reservations */
    UT_EQ(v.free_bytes, 0x80000 - 2 * PG);
    UT_EQ(vrange_free(&v, 0x100000, 0x100000), VRANGE_ERR_NOT_USED); /* part is free */
    UT_EQ(vrange_free(&v, 0x180000, 0x80000), VRANGE_OK);
    UT_EQ(vrange_free(&v, 0x100000, 2 * PG), VRANGE_OK);
    UT_EQ(v.nfree, 1);
    UT_EQ(v.free_bytes, 0x100000);
    vr_check(&v);
    vrange_destroy(&v);
}

UT_TEST(page_zero_never_handed_out)
{
    vrange_t v;
    setup(1 * MB);
    UT_EQ(vrange_init(&v, 0, 64 * PG), VRANGE_OK);
    UT_EQ(vrange_alloc(&v, 63 * PG, 0), PG); /* all of it, from page 1 */
    UT_EQ(vrange_alloc(&v, PG, 0), 0);
    UT_EQ(vrange_free(&v, 0, PG), VRANGE_ERR_RANGE);
    UT_EQ(vrange_free(&v, 0, 64 * PG), VRANGE_ERR_RANGE);
    UT_EQ(vrange_reserve(&v, 0, PG), VRANGE_ERR_RANGE);
    UT_EQ(vrange_free(&v, PG, 63 * PG), VRANGE_OK);
    /* Alignments that only page 0 satisfies in this window. */
    UT_EQ(vrange_alloc(&v, PG, 64 * PG), 0);
    UT_EQ(vrange_alloc(&v, PG, 1 * MB), 0);
    UT_EQ(vrange_alloc(&v, 32 * PG, 32 * PG), 32 * PG);
    vr_check(&v);
    vrange_destroy(&v);
}

UT_TEST(fragment_then_coalesce_to_one)
{
    static vaddr_t got[1000];
    vrange_t v;
    setup(1 * MB);
    UT_EQ(vrange_init(&v, VRANGE_USER_LO, VRANGE_USER_HI), VRANGE_OK);
    for (size_t i = 0; i < 1000; i++) {
        got[i] = vrange_alloc(&v, PG, 0);
        UT_EQ(got[i], VRANGE_USER_LO + i * PG);
    }
    for (size_t i = 0; i < 1000; i += 2)
        UT_EQ(vrange_free(&v, got[i], PG), VRANGE_OK);
    UT_EQ(v.nfree, 501); /* 500 holes and the tail */
    vr_check(&v);
    /* Two pages only fit at the tail. */
    vaddr_t two = vrange_alloc(&v, 2 * PG, 0);
    UT_EQ(two, VRANGE_USER_LO + 1000 * PG);
    UT_EQ(vrange_free(&v, two, 2 * PG), VRANGE_OK);
    uint64_t rng = 99;
    for (size_t left = 500; left > 0;) {
        size_t i = 2 * (ut_rand(&rng) % 500) + 1;
        if (!got[i])
            continue;
        UT_EQ(vrange_free(&v, got[i], PG), VRANGE_OK);
        got[i] = 0;
        left--;
    }
    UT_EQ(v.nfree, 1);
    UT_EQ(v.free_bytes, VRANGE_USER_HI - VRANGE_USER_LO);
    vr_check(&v);
    vrange_destroy(&v);
    UT_EQ(heap_stats(&kheap).objects_live, 0);
}

UT_TEST(out_of_heap_for_nodes)
{
    static void *hog[40000];
    vrange_t v;
    setup(1 * MB);
    UT_EQ(vrange_init(&v, 0x100000, 0x200000), VRANGE_OK);
    vaddr_t a = vrange_alloc(&v, 8 * PG, 0);
    size_t n = 0;
    while (n < ARRAY_LEN(hog) && (hog[n] = kmalloc(sizeof(vrange_node_t))) != NULL)
        n++;
    UT_CHECK(n < ARRAY_LEN(hog));
    vr_snap_t s = vr_snap(&v);
    /* Each of these needs a new node. */
    UT_EQ(vrange_reserve(&v, 0x180000, PG), VRANGE_ERR_NOMEM);
    UT_EQ(vrange_free(&v, a + 2 * PG, PG), VRANGE_ERR_NOMEM);
    UT_EQ(vrange_alloc(&v, PG, 64 * PG), 0); /* would split at 0x140000 */
    vr_same(&v, &s);
    vrange_t w;
    UT_EQ(vrange_init(&w, PG, 2 * PG), VRANGE_ERR_NOMEM);
    /* These need none. */
    UT_EQ(vrange_alloc(&v, PG, 0), a + 8 * PG);
    UT_EQ(vrange_free(&v, a + 8 * PG, PG), VRANGE_OK);
    UT_EQ(vrange_free(&v, a + 7 * PG, PG), VRANGE_OK);
    UT_EQ(vrange_reserve(&v, a + 7 * PG, PG), VRANGE_OK);
    for (size_t i = 0; i < n; i++)
        kfree(hog[i]);
    UT_EQ(vrange_free(&v, a + 2 * PG, PG), VRANGE_OK); /* now it works */
    UT_EQ(v.nfree, 2);
    vr_check(&v);
    vrange_destroy(&v);
}

/* Shadow model: one flag per page of a 256-page window. */
#define SH_PAGES 256
static uint8_t sh_used[SH_PAGES];

static bool sh_all(size_t first, size_t n, uint8_t val)
{
    for (size_t i = first; i < first + n; i++)
        if (sh_used[i] != val)
            return false;
    return true;
}

/* What first fit should return, from the shadow: an index or SH_PAGES. */
static size_t sh_first_fit(size_t n, size_t align_pages)
{
    for (size_t i = 0; i + n <= SH_PAGES; i++)
        if (((SH_LO / PG) + i) % align_pages == 0 && sh_all(i, n, 0))
            return i;
    return SH_PAGES;
}

static void sh_compare(const vrange_t *v)
{
    uint8_t seen[SH_PAGES];
    memset(seen, 1, sizeof seen);
    for (const vrange_node_t *x = v->free; x; x = x->next)
        for (vaddr_t a = x->base; a < x->end; a += PG)
            seen[(a - SH_LO) / PG] = 0;
    UT_CHECK(memcmp(seen, sh_used, SH_PAGES) == 0);
}

static void sh_step(vrange_t *v, uint64_t r)
{
    size_t n = 1 + (r >> 8) % 12, first = (r >> 16) % SH_PAGES;
    size_t align = (size_t)1 << ((r >> 24) % 5);
    switch (r % 4) {
    case 0: {
        size_t want = sh_first_fit(n, align);
        vaddr_t got = vrange_alloc(v, n * PG, align * PG);
        UT_EQ(got, want == SH_PAGES ? 0 : SH_LO + want * PG);
        if (got)
            memset(sh_used + want, 1, n);
        break;
    }
    case 1: {
        vrange_err_t e = vrange_free(v, SH_LO + first * PG, n * PG);
        if (first + n > SH_PAGES) {
            UT_EQ(e, VRANGE_ERR_RANGE);
        } else if (!sh_all(first, n, 1)) {
            UT_EQ(e, VRANGE_ERR_NOT_USED);
        } else {
            UT_EQ(e, VRANGE_OK);
            memset(sh_used + first, 0, n);
        }
        break;
    }
    case 2: {
        vrange_err_t e = vrange_reserve(v, SH_LO + first * PG, n * PG);
        if (first + n > SH_PAGES) {
            UT_EQ(e, VRANGE_ERR_RANGE);
        } else if (!sh_all(first, n, 0)) {
            UT_EQ(e, VRANGE_ERR_IN_USE);
        } else {
            UT_EQ(e, VRANGE_OK);
            memset(sh_used + first, 1, n);
        }
        break;
    }
    default: /* free a whole used stretch starting at first, if any */
        if (sh_used[first]) {
            size_t len = 0;
            while (first + len < SH_PAGES && sh_used[first + len] && len < n)
                len++;
            UT_EQ(vrange_free(v, SH_LO + first * PG, len * PG), VRANGE_OK);
            memset(sh_used + first, 0, len);
        }
        break;
    }
}

UT_TEST(random_against_shadow)
{
    vrange_t v;
    setup(1 * MB);
    memset(sh_used, 0, sizeof sh_used);
    UT_EQ(vrange_init(&v, SH_LO, SH_LO + SH_PAGES * PG), VRANGE_OK);
    uint64_t rng = 0xdecafbad;
    for (int step = 0; step < 20000; step++) {
        sh_step(&v, ut_rand(&rng));
        vr_check(&v);
        sh_compare(&v);
    }
    for (size_t i = 0; i < SH_PAGES; i++)
        if (sh_used[i]) {
            UT_EQ(vrange_free(&v, SH_LO + i * PG, PG), VRANGE_OK);
            sh_used[i] = 0;
        }
    UT_EQ(v.nfree, 1);
    UT_EQ(v.free_bytes, SH_PAGES * PG);
    sh_compare(&v);
    vrange_destroy(&v);
    UT_EQ(heap_stats(&kheap).objects_live, 0);
}
