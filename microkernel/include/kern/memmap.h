/*
 * From the loader's memory map to the ranges the kernel may use.
 *
 * Real firmware maps overlap: an "available" range can contain a piece some
 * other entry calls reserved or ACPI. The firmware's claim wins: usable RAM
 * is every available range minus every entry of any other type, clipped to
 * what the CPU can address. Ranges the kernel maps in its direct map (RAM
 * it may read, available or ACPI) come from the same entries.
 */
#ifndef KERN_MEMMAP_H
#define KERN_MEMMAP_H

#include <kern/mb2.h>
#include <kern/pmm.h>

/*
 * Writes the usable pieces to out (at most max) and returns their number,
 * or SIZE_MAX when they do not fit (a map that fragmented). limit: one past
 * the highest physical address the CPU can form.
 */
size_t memmap_usable(const mb2_mmap_entry_t *entries, size_t n, paddr_t limit,
                     pmm_range_t *out, size_t max);

/* The ranges to direct-map: available, ACPI reclaimable and ACPI NVS
 * entries, clipped to limit. Same return convention. */
size_t memmap_mappable(const mb2_mmap_entry_t *entries, size_t n, paddr_t limit,
                       pmm_range_t *out, size_t max);

#endif
