/*
 * Usable RAM from the loader's memory map (see memmap.h): each available
 * range, clipped, then cut by every entry of another type. A cut can split
 * a piece in two, so pieces live in the caller's array and a split appends;
 * the work is O(entries * pieces), nothing for the few dozen entries a map
 * has.
 */
#include <kern/memmap.h>

static bool is_ram(uint32_t type)
{
    return type == MB2_MEM_AVAILABLE || type == MB2_MEM_ACPI_RECLAIMABLE ||
           type == MB2_MEM_NVS;
}

/* Removes [cb, ce) from every piece; SIZE_MAX if a split overflows. */
static size_t cut(pmm_range_t *p, size_t np, size_t max, paddr_t cb, paddr_t ce)
{
    for (size_t i = 0; i < np; i++) {
        if (ce <= p[i].base || cb >= p[i].end)
            continue;
        pmm_range_t right = {ce, p[i].end};
        if (cb > p[i].base) {
            p[i].end = cb; /* keep the left part here */
        } else {
            p[i] = p[--np]; /* nothing left of the cut: drop it */
            i--;
        }
        if (right.base < right.end) {
            if (np == max)
                return SIZE_MAX;
            p[np++] = right;
        }
    }
    return np;
}

static size_t collect(const mb2_mmap_entry_t *e, size_t n, paddr_t limit,
                      bool (*want)(uint32_t), pmm_range_t *out, size_t max)
{
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        /* base + len cannot wrap: mb2_check_mmap refused such maps. */
        paddr_t end = MIN(e[i].base + e[i].len, limit);
        if (!want(e[i].type) || e[i].base >= end)
            continue;
        if (np == max)
            return SIZE_MAX;
        out[np++] = (pmm_range_t){e[i].base, end};
    }
    return np;
}

static bool is_available(uint32_t type) { return type == MB2_MEM_AVAILABLE; }

size_t memmap_usable(const mb2_mmap_entry_t *e, size_t n, paddr_t limit,
                     pmm_range_t *out, size_t max)
{
    size_t np = collect(e, n, limit, is_available, out, max);
    for (size_t i = 0; i < n && np != SIZE_MAX; i++)
        if (e[i].type != MB2_MEM_AVAILABLE)
            np = cut(out, np, max, e[i].base, e[i].base + e[i].len);
    return np;
}

size_t memmap_mappable(const mb2_mmap_entry_t *e, size_t n, paddr_t limit,
                       pmm_range_t *out, size_t max)
{
    return collect(e, n, limit, is_ram, out, max);
}
