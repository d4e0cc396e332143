/*
 * Physical memory manager: owns every frame of usable RAM.
 *
 * The kernel hands it the usable ranges from the boot memory map and the
 * ranges that must never be handed out (the first MiB, the kernel image, the
 * boot modules, the boot information). It keeps one bit per frame up to the
 * end of the highest usable range (1 = in use or not RAM) and places that
 * bitmap inside usable memory itself. Single frames come from a next-fit scan
 * a 64-bit word at a time; contiguous runs from a first-fit scan with an
 * alignment.
 *
 * Frees are checked: freeing a frame that is not allocated, not RAM, or
 * reserved is refused (the caller decides whether that is a panic).
 *
 * Locking: none yet; the kernel runs on one CPU and no interrupt handler
 * allocates. Callers must keep it that way until a lock is added here.
 */
#ifndef KERN_PMM_H
#define KERN_PMM_H

#include <kern/types.h>

#define PMM_MAX_RANGES 64   /* usable ranges kept for free-time checks */
#define PMM_MAX_RESERVED 32 /* reserved ranges kept for free-time checks */

typedef struct {
    paddr_t base; /* first byte */
    paddr_t end;  /* one past the last byte */
} pmm_range_t;

typedef enum {
    PMM_OK = 0,
    PMM_ERR_NO_USABLE,       /* no usable frame left after reservations */
    PMM_ERR_TOO_MANY_RANGES, /* more than PMM_MAX_RANGES / _RESERVED */
    PMM_ERR_BAD_RANGE,       /* end < base, or ranges overlap */
    PMM_ERR_NO_ROOM_FOR_BITMAP,
} pmm_err_t;

typedef struct pmm {
    uint64_t *bitmap;     /* 1 bit per frame, 1 = unavailable */
    size_t nframes;       /* frames covered by the bitmap */
    size_t usable_frames; /* frames of usable RAM not reserved, at init */
    size_t free_frames;   /* frames currently free */
    size_t hint;          /* next-fit start for pmm_alloc, a word index */
    paddr_t bitmap_phys;  /* where the bitmap itself lives (reserved) */
    size_t bitmap_bytes;
    pmm_range_t usable[PMM_MAX_RANGES];
    size_t n_usable;
    pmm_range_t reserved[PMM_MAX_RESERVED];
    size_t n_reserved;
} pmm_t;

/*
 * Sets up p over the given ranges. Usable ranges are rounded inward to whole
 * frames, reserved ones outward. Neither list needs to be sorted; usable
 * ranges must not overlap each other. phys_to_virt turns the physical
 * address chosen for the bitmap into a pointer the caller can write.
 */
pmm_err_t pmm_init(pmm_t *p, const pmm_range_t *usable, size_t n_usable,
                   const pmm_range_t *reserved, size_t n_reserved,
                   void *(*phys_to_virt)(paddr_t));

/* One frame, or 0 when none is free (frame 0 is never handed out). */
paddr_t pmm_alloc(pmm_t *p);

/* n contiguous frames whose base is a multiple of align_frames frames
 * (a power of two; 0 and 1 mean any), or 0 when no such run is free. */
paddr_t pmm_alloc_run(pmm_t *p, size_t n, size_t align_frames);

/* false when the frame is not page-aligned, not usable RAM, reserved, or
 * not currently allocated; nothing changes then. */
bool pmm_free(pmm_t *p, paddr_t frame);

/* Frees n frames from base; all-or-nothing with the same checks. */
bool pmm_free_run(pmm_t *p, paddr_t base, size_t n);

/* true when the frame is usable RAM and currently allocated. */
bool pmm_is_allocated(const pmm_t *p, paddr_t frame);

const char *pmm_strerror(pmm_err_t e);

/* The kernel's frame allocator (kern/main.c sets it up at boot). */
extern pmm_t kpmm;

#endif
