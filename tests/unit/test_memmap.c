/* Usable and mappable RAM from a memory map (kern/memmap.c). */
#include <kern/memmap.h>

#include "ut.h"

#define AV MB2_MEM_AVAILABLE
#define RS MB2_MEM_RESERVED
#define AC MB2_MEM_ACPI_RECLAIMABLE

static pmm_range_t out[16];

static void sort(pmm_range_t *r, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && r[k - 1].base > r[k].base; k--) {
            pmm_range_t t = r[k];
            r[k] = r[k - 1];
            r[k - 1] = t;
        }
}

UT_TEST(memmap_plain_map_passes_through)
{
    mb2_mmap_entry_t e[] = {{0, 0x9fc00, AV}, {0x9fc00, 0x400, RS}, {0x100000, 0xff00000, AV}};
    size_t n = memmap_usable(e, 3, 1ull << 40, out, 16);
    UT_EQ(n, 2);
    sort(out, n);
    UT_EQ(out[0].base, 0);
    UT_EQ(out[0].end, 0x9fc00);
    UT_EQ(out[1].base, 0x100000);
    UT_EQ(out[1].end, 0x10000000);
}

UT_TEST(memmap_firmware_claims_win)
{
    /* A reserved hole in the middle, an ACPI piece at the start, a
     * reserved piece over the end, and one covering a whole range. */
    mb2_mmap_entry_t e[] = {
        {0x100000, 0x1000000, AV}, /* 1 MiB - 17 MiB */
        {0x400000, 0x100000, RS},  /* 4 - 5 MiB: split */
        {0x100000, 0x10000, AC},   /* the first 64 KiB */
        {0x1000000, 0x200000, RS}, /* 16 - 18 MiB: over the end */
        {0x2000000, 0x1000, AV},   /* 32 MiB, one page... */
        {0x1fff000, 0x3000, RS},   /* ...swallowed whole */
    };
    size_t n = memmap_usable(e, 6, 1ull << 40, out, 16);
    UT_EQ(n, 2);
    sort(out, n);
    UT_EQ(out[0].base, 0x110000);
    UT_EQ(out[0].end, 0x400000);
    UT_EQ(out[1].base, 0x500000);
    UT_EQ(out[1].end, 0x1000000);
}

UT_TEST(memmap_clips_to_the_cpu)
{
    mb2_mmap_entry_t e[] = {{0x100000, 0x10000000, AV}, {1ull << 36, 1ull << 30, AV}};
    size_t n = memmap_usable(e, 2, 1ull << 36, out, 16);
    UT_EQ(n, 1);
    UT_EQ(out[0].end, 0x10100000);
    n = memmap_usable(e, 2, 0x8000000, out, 16); /* clips inside the first */
    UT_EQ(n, 1);
    UT_EQ(out[0].end, 0x8000000);
}

UT_TEST(memmap_reports_overflow)
{
    /* One available range cut by 8 reserved pages into 9 pieces. */
    mb2_mmap_entry_t e[9] = {{0x100000, 0x100000, AV}};
    for (int i = 0; i < 8; i++)
        e[i + 1] = (mb2_mmap_entry_t){0x100000 + 0x2000 * (uint64_t)(i + 1), 0x1000, RS};
    UT_EQ(memmap_usable(e, 9, 1ull << 40, out, 9), 9);
    UT_EQ(memmap_usable(e, 9, 1ull << 40, out, 8), SIZE_MAX);
    UT_EQ(memmap_usable(e, 1, 1ull << 40, out, 0), SIZE_MAX);
}

UT_TEST(memmap_mappable_takes_acpi_too)
{
    mb2_mmap_entry_t e[] = {{0, 0x9fc00, AV}, {0xf0000, 0x10000, RS}, {0xe000000, 0x10000, AC},
                            {0xe010000, 0x10000, MB2_MEM_NVS}, {0xfee00000, 0x1000, RS}};
    size_t n = memmap_mappable(e, 5, 1ull << 40, out, 16);
    UT_EQ(n, 3);
    UT_EQ(out[1].base, 0xe000000);
    UT_EQ(out[2].end, 0xe020000);
}
