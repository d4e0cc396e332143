/*
 * Physical memory manager: a bitmap of frames, 1 = unavailable.
 *
 * pmm_init rounds the usable ranges inward and the reserved ones outward to
 * whole frames, drops frame 0 from the usable set (so it is never handed
 * out, and freeing it is refused like any non-RAM address), sizes the bitmap
 * to the end of the highest usable frame, and places the bitmap in the
 * lowest stretch of usable memory that no reserved range touches. The bitmap
 * starts all ones; usable frames are cleared, then reserved frames and the
 * bitmap's own frames are set again. Bits past nframes in the last word stay
 * set, so the scans never need a bounds test inside a word. usable_frames
 * counts what is free when init returns, so it excludes the bitmap's frames.
 *
 * The bitmap only says "free" or "not free", so a free cannot tell an
 * allocated frame from a reserved one by its bit: pmm_free and
 * pmm_is_allocated also look the frame up in the usable and reserved lists
 * and in the bitmap's own extent. Those lists are short (at most
 * PMM_MAX_RANGES and PMM_MAX_RESERVED entries), so the lookups are linear.
 *
 * The memory map comes from the boot loader and is not trusted to be sane:
 * every range is checked for end < base and overlap, and all arithmetic near
 * the top of the 64-bit space is done so that it cannot wrap.
 */
#include <kern/log.h>
#include <kern/pmm.h>
#include <kern/string.h>
#include <kern/types.h>

#define PMM_WORD_BITS 64
#define PMM_ALL_ONES (~(uint64_t)0)
/* The highest frame-aligned address; a usable range rounded inward never
 * ends above it. */
#define PMM_TOP_FRAME ALIGN_DOWN(UINT64_MAX, (uint64_t)PAGE_SIZE)

/* ---- bitmap helpers ---------------------------------------------------- */

static bool pmm_bit(const pmm_t *p, size_t f)
{
    return (p->bitmap[f / PMM_WORD_BITS] >> (f % PMM_WORD_BITS)) & 1;
}

/* Mask of bits [lo, hi) within one word, 0 <= lo < hi <= 64. */
static uint64_t pmm_mask(size_t lo, size_t hi)
{
    uint64_t upper = hi == PMM_WORD_BITS ? PMM_ALL_ONES : (((uint64_t)1 << hi) - 1);
    return upper & ~(((uint64_t)1 << lo) - 1);
}

/* Sets (val) or clears (!val) bits [from, to). */
static void pmm_bits_fill(pmm_t *p, size_t from, size_t to, bool val)
{
    while (from < to) {
        size_t w = from / PMM_WORD_BITS, lo = from % PMM_WORD_BITS;
        size_t hi = MIN((size_t)PMM_WORD_BITS, lo + (to - from));
        uint64_t m = pmm_mask(lo, hi);
        if (val)
            p->bitmap[w] |= m;
        else
            p->bitmap[w] &= ~m;
        from += hi - lo;
    }
}

/* The first index in [from, to) whose bit equals val, or to. */
static size_t pmm_bits_find(const pmm_t *p, size_t from, size_t to, bool val)
{
    while (from < to) {
        size_t w = from / PMM_WORD_BITS, lo = from % PMM_WORD_BITS;
        uint64_t word = val ? p->bitmap[w] : ~p->bitmap[w];
        word &= pmm_mask(lo, PMM_WORD_BITS);
        if (word) {
            size_t f = w * PMM_WORD_BITS + (size_t)__builtin_ctzll(word);
            return MIN(f, to);
        }
        from = (w + 1) * PMM_WORD_BITS;
    }
    return to;
}

static size_t pmm_nwords(size_t nframes)
{
    return (nframes + PMM_WORD_BITS - 1) / PMM_WORD_BITS;
}

/* ---- range checks ------------------------------------------------------ */

static bool pmm_in_ranges(const pmm_range_t *r, size_t n, paddr_t a)
{
    for (size_t i = 0; i < n; i++)
        if (a >= r[i].base && a < r[i].end)
            return true;
    return false;
}

static bool pmm_in_bitmap(const pmm_t *p, paddr_t a)
{
    return a >= p->bitmap_phys && a - p->bitmap_phys < p->bitmap_bytes;
}

/* Usable RAM, not reserved, not the bitmap: a frame the pmm may hand out. */
static bool pmm_frame_managed(const pmm_t *p, paddr_t frame)
{
    if (!IS_ALIGNED(frame, (paddr_t)PAGE_SIZE))
        return false;
    if (!pmm_in_ranges(p->usable, p->n_usable, frame))
        return false;
    if (pmm_in_ranges(p->reserved, p->n_reserved, frame) || pmm_in_bitmap(p, frame))
        return false;
    return true;
}

/* Does [a.base, a.end) intersect [b.base, b.end)? Empty ranges never do. */
static bool pmm_overlap(pmm_range_t a, pmm_range_t b)
{
    return a.base < a.end && b.base < b.end && a.base < b.end && b.base < a.end;
}

/* ---- init -------------------------------------------------------------- */

/* Checks the raw lists and copies them, rounded, into p. */
static pmm_err_t pmm_take_ranges(pmm_t *p, const pmm_range_t *usable, size_t n_usable,
                                 const pmm_range_t *reserved, size_t n_reserved)
{
    if (n_usable > PMM_MAX_RANGES || n_reserved > PMM_MAX_RESERVED)
        return PMM_ERR_TOO_MANY_RANGES;
    if ((n_usable && !usable) || (n_reserved && !reserved))
        return PMM_ERR_BAD_RANGE;
    for (size_t i = 0; i < n_usable; i++) {
        /* The map is boot-loader data: a backwards range is malformed, and
         * overlapping usable ranges would make one frame count twice. */
        if (usable[i].end < usable[i].base)
            return PMM_ERR_BAD_RANGE;
        for (size_t j = 0; j < i; j++)
            if (pmm_overlap(usable[i], usable[j]))
                return PMM_ERR_BAD_RANGE;
    }
    for (size_t i = 0; i < n_reserved; i++)
        if (reserved[i].end < reserved[i].base)
            return PMM_ERR_BAD_RANGE;

    for (size_t i = 0; i < n_usable; i++) {
        paddr_t b = usable[i].base, e = ALIGN_DOWN(usable[i].end, (paddr_t)PAGE_SIZE);
        /* Rounding base up would wrap past 2^64; the range holds no frame. */
        if (b > PMM_TOP_FRAME)
            continue;
        b = MAX(ALIGN_UP(b, (paddr_t)PAGE_SIZE), (paddr_t)PAGE_SIZE); /* never frame 0 */
        if (b < e)
            p->usable[p->n_usable++] = (pmm_range_t){b, e};
    }
    for (size_t i = 0; i < n_reserved; i++) {
        paddr_t b = ALIGN_DOWN(reserved[i].base, (paddr_t)PAGE_SIZE);
        /* Rounding end up would wrap; no usable frame lies above the top
         * frame-aligned address anyway, so clamp there. */
        paddr_t e = reserved[i].end > PMM_TOP_FRAME
                        ? PMM_TOP_FRAME
                        : ALIGN_UP(reserved[i].end, (paddr_t)PAGE_SIZE);
        if (b < e)
            p->reserved[p->n_reserved++] = (pmm_range_t){b, e};
    }
    return PMM_OK;
}

/* The reserved range that [a, a + len) touches, or NULL. */
static const pmm_range_t *pmm_hits_reserved(const pmm_t *p, paddr_t a, paddr_t len)
{
    pmm_range_t r = {a, a + len};
    for (size_t i = 0; i < p->n_reserved; i++)
        if (pmm_overlap(r, p->reserved[i]))
            return &p->reserved[i];
    return NULL;
}

/* Lowest address of `bytes` (a frame multiple) inside one usable range and
 * clear of every reserved range; false when there is none. */
static bool pmm_find_hole(const pmm_t *p, paddr_t bytes, paddr_t *out_base)
{
    bool found = false;
    for (size_t i = 0; i < p->n_usable; i++) {
        paddr_t a = p->usable[i].base, end = p->usable[i].end;
        /* Each step moves a past a reserved range's end, so this ends. */
        while (end - a >= bytes) {
            const pmm_range_t *r = pmm_hits_reserved(p, a, bytes);
            if (!r) {
                if (!found || a < *out_base)
                    *out_base = a;
                found = true;
                break;
            }
            if (r->end >= end)
                break;
            a = r->end;
        }
    }
    return found;
}

static void pmm_build_bitmap(pmm_t *p)
{
    memset(p->bitmap, 0xff, pmm_nwords(p->nframes) * sizeof(uint64_t));
    for (size_t i = 0; i < p->n_usable; i++)
        pmm_bits_fill(p, p->usable[i].base >> PAGE_SHIFT, p->usable[i].end >> PAGE_SHIFT,
                      false);
    for (size_t i = 0; i < p->n_reserved; i++) {
        paddr_t b = p->reserved[i].base >> PAGE_SHIFT, e = p->reserved[i].end >> PAGE_SHIFT;
        if (b < p->nframes)
            pmm_bits_fill(p, b, MIN(e, (paddr_t)p->nframes), true);
    }
    size_t bm_first = p->bitmap_phys >> PAGE_SHIFT;
    pmm_bits_fill(p, bm_first, bm_first + ALIGN_UP(p->bitmap_bytes, PAGE_SIZE) / PAGE_SIZE,
                  true);

    size_t free_frames = 0;
    for (size_t w = 0; w < pmm_nwords(p->nframes); w++)
        free_frames += PMM_WORD_BITS - (size_t)__builtin_popcountll(p->bitmap[w]);
    p->free_frames = free_frames;
    p->usable_frames = free_frames;
}

pmm_err_t pmm_init(pmm_t *p, const pmm_range_t *usable, size_t n_usable,
                   const pmm_range_t *reserved, size_t n_reserved,
                   void *(*phys_to_virt)(paddr_t))
{
    memset(p, 0, sizeof *p);
    pmm_err_t err = pmm_take_ranges(p, usable, n_usable, reserved, n_reserved);
    if (err != PMM_OK)
        return err;

    paddr_t top = 0, hole;
    for (size_t i = 0; i < p->n_usable; i++)
        top = MAX(top, p->usable[i].end);
    /* Is there any unreserved usable frame at all? (1 frame, not the bitmap.) */
    if (!pmm_find_hole(p, PAGE_SIZE, &hole))
        return PMM_ERR_NO_USABLE;

    /* top <= PMM_TOP_FRAME, so nframes < 2^52 and none of this wraps. */
    size_t nframes = (size_t)(top >> PAGE_SHIFT);
    size_t bytes = pmm_nwords(nframes) * sizeof(uint64_t);
    if (!pmm_find_hole(p, ALIGN_UP((paddr_t)bytes, (paddr_t)PAGE_SIZE), &hole))
        return PMM_ERR_NO_ROOM_FOR_BITMAP;

    p->nframes = nframes;
    p->bitmap_bytes = bytes;
    p->bitmap_phys = hole;
    p->bitmap = phys_to_virt(hole);
    pmm_build_bitmap(p);
    p->hint = 0;
    if (p->free_frames == 0)
        return PMM_ERR_NO_USABLE; /* the bitmap took the last free frames */
    return PMM_OK;
}

/* ---- allocation -------------------------------------------------------- */

paddr_t pmm_alloc(pmm_t *p)
{
    size_t nwords = pmm_nwords(p->nframes);
    if (p->free_frames == 0 || nwords == 0)
        return 0;
    for (size_t i = 0; i < nwords; i++) {
        size_t w = (p->hint + i) % nwords;
        uint64_t avail = ~p->bitmap[w];
        if (!avail)
            continue;
        size_t f = w * PMM_WORD_BITS + (size_t)__builtin_ctzll(avail);
        KASSERT(f != 0 && f < p->nframes); /* frame 0 and the tail are set */
        p->bitmap[w] |= (uint64_t)1 << (f % PMM_WORD_BITS);
        p->free_frames--;
        p->hint = w;
        return (paddr_t)f << PAGE_SHIFT;
    }
    return 0;
}

paddr_t pmm_alloc_run(pmm_t *p, size_t n, size_t align_frames)
{
    if (align_frames <= 1)
        align_frames = 1;
    /* A non-power-of-two alignment is a caller bug; refuse rather than
     * hand out a misaligned run. */
    if (!IS_POW2(align_frames) || n == 0 || n > p->free_frames)
        return 0;
    /* Only frame index 0 is aligned to more than nframes, and frame 0 is
     * never free; stopping here also keeps ALIGN_UP below from wrapping. */
    if (align_frames > p->nframes)
        return 0;

    size_t start = 1;
    for (;;) {
        start = pmm_bits_find(p, start, p->nframes, false);
        start = ALIGN_UP(start, align_frames);
        if (start >= p->nframes || n > p->nframes - start)
            return 0;
        size_t used = pmm_bits_find(p, start, start + n, true);
        if (used == start + n)
            break;
        start = used + 1;
    }
    pmm_bits_fill(p, start, start + n, true);
    p->free_frames -= n;
    return (paddr_t)start << PAGE_SHIFT;
}

/* ---- free -------------------------------------------------------------- */

bool pmm_is_allocated(const pmm_t *p, paddr_t frame)
{
    if (!p->bitmap || !pmm_frame_managed(p, frame))
        return false;
    return pmm_bit(p, (size_t)(frame >> PAGE_SHIFT));
}

bool pmm_free(pmm_t *p, paddr_t frame)
{
    return pmm_free_run(p, frame, 1);
}

bool pmm_free_run(pmm_t *p, paddr_t base, size_t n)
{
    /* The caller's (base, n) may be garbage: the run must not wrap. */
    if (n == 0 || n > (UINT64_MAX - base) / PAGE_SIZE)
        return false;
    /* Check every frame before touching any: all or nothing. A run may
     * span two adjacent usable ranges, so each frame is looked up. */
    for (size_t i = 0; i < n; i++)
        if (!pmm_is_allocated(p, base + (paddr_t)i * PAGE_SIZE))
            return false;
    size_t first = (size_t)(base >> PAGE_SHIFT);
    pmm_bits_fill(p, first, first + n, false);
    p->free_frames += n;
    return true;
}

const char *pmm_strerror(pmm_err_t e)
{
    switch (e) {
    case PMM_OK:
        return "ok";
    case PMM_ERR_NO_USABLE:
        return "no usable frame left after reservations";
    case PMM_ERR_TOO_MANY_RANGES:
        return "too many memory ranges";
    case PMM_ERR_BAD_RANGE:
        return "bad memory range (end before base, or overlapping)";
    case PMM_ERR_NO_ROOM_FOR_BITMAP:
        return "no room for the frame bitmap";
    }
    return "unknown pmm error";
}
