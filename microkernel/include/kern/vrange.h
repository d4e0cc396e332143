/*
 * Virtual-range allocator for the lower half of the one address space.
 *
 * Every region (a process's memory, a stacklet, a code region, a shared
 * view) gets one global address for its life; this allocator hands those
 * addresses out. It keeps the free ranges as a list sorted by address,
 * merged with both neighbours on free; allocation is first fit with an
 * alignment. The list's nodes come from the kernel heap.
 *
 * Page 0 is never handed out: the lowest address managed is at least
 * PAGE_SIZE, whatever the caller asks for.
 *
 * Cost: O(free ranges) per call. Fine for the kernel's first users; when
 * regions number in the thousands this becomes an augmented balanced tree
 * keyed by address with the largest gap per subtree.
 *
 * Locking: none yet; same rule as the pmm.
 */
#ifndef KERN_VRANGE_H
#define KERN_VRANGE_H

#include <kern/types.h>

/* The lower half of a 48-bit address space, less page 0 and the top page
 * (so that base + size never reaches the non-canonical hole). */
#define VRANGE_USER_LO ((vaddr_t)0x0000000000010000)
#define VRANGE_USER_HI ((vaddr_t)0x00007ffffffff000)

typedef struct vrange_node {
    vaddr_t base;
    vaddr_t end; /* one past the last byte */
    struct vrange_node *next;
} vrange_node_t;

typedef struct {
    vaddr_t lo, hi;       /* the managed window [lo, hi) */
    vrange_node_t *free;  /* free ranges, sorted, never adjacent */
    size_t free_bytes;
    size_t nfree;         /* nodes on the list */
} vrange_t;

typedef enum {
    VRANGE_OK = 0,
    VRANGE_ERR_ARG,      /* unaligned, zero size, wrap-around, bad alignment */
    VRANGE_ERR_RANGE,    /* outside the managed window */
    VRANGE_ERR_NOT_USED, /* freeing (part of) a range that is already free */
    VRANGE_ERR_IN_USE,   /* reserving (part of) a range that is in use */
    VRANGE_ERR_NOMEM,    /* the heap could not supply a list node */
} vrange_err_t;

/* Manages [lo, hi); both page-aligned, lo raised to at least PAGE_SIZE. */
vrange_err_t vrange_init(vrange_t *v, vaddr_t lo, vaddr_t hi);

/* size and align: multiples of PAGE_SIZE (align a power of two, 0 = page).
 * Returns the base, or 0 when no free range fits. */
vaddr_t vrange_alloc(vrange_t *v, size_t size, size_t align);

/* Takes a fixed range out of the free list. */
vrange_err_t vrange_reserve(vrange_t *v, vaddr_t base, size_t size);

/* Returns [base, base + size) to the free list. */
vrange_err_t vrange_free(vrange_t *v, vaddr_t base, size_t size);

/* Releases the list nodes. */
void vrange_destroy(vrange_t *v);

const char *vrange_strerror(vrange_err_t e);

/* The lower half of the global address space (kern/main.c sets it up). */
extern vrange_t kvrange;

#endif
