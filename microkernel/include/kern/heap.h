/*
 * Kernel heap for small objects: a slab allocator over the frame allocator.
 *
 * Size classes are powers of two from 16 to 2048 bytes. Each slab is one
 * frame, reached through the direct map, with its header at the start of the
 * frame and a bitmap of live objects, so heap_free finds the slab by rounding
 * the pointer down and can tell a double free or a pointer into the middle
 * of an object from a good one. Requests above 2048 bytes get whole frames
 * (a contiguous run) with a header in the first 64 bytes.
 *
 * Every returned pointer is aligned to 16 bytes (objects of a class are
 * aligned to their size up to 64). Freed memory is filled with 0xdf so a
 * use after free shows.
 *
 * Locking: none yet; same rule as the pmm.
 */
#ifndef KERN_HEAP_H
#define KERN_HEAP_H

#include <kern/pmm.h>
#include <kern/types.h>

#define HEAP_MIN_CLASS_SHIFT 4  /* 16 bytes */
#define HEAP_MAX_CLASS_SHIFT 11 /* 2048 bytes */
#define HEAP_NCLASSES (HEAP_MAX_CLASS_SHIFT - HEAP_MIN_CLASS_SHIFT + 1)

struct heap_slab;

typedef struct {
    struct heap_slab *partial; /* slabs with at least one free object */
    struct heap_slab *full;    /* slabs with none */
    size_t slabs;              /* slabs of this class */
    size_t live;               /* objects handed out */
} heap_class_t;

typedef struct heap {
    pmm_t *pmm;
    void *(*phys_to_virt)(paddr_t);
    paddr_t (*virt_to_phys)(const void *);
    heap_class_t classes[HEAP_NCLASSES];
    size_t large_live;   /* large objects handed out */
    size_t large_frames; /* frames they use */
} heap_t;

typedef struct {
    size_t bytes_live;  /* sum of class sizes and large frames in use */
    size_t frames_used; /* frames the heap holds from the pmm */
    size_t objects_live;
} heap_stats_t;

void heap_init(heap_t *h, pmm_t *pmm, void *(*phys_to_virt)(paddr_t),
               paddr_t (*virt_to_phys)(const void *));

/* NULL when size is 0 or memory is exhausted. */
void *heap_alloc(heap_t *h, size_t size);

/* Zero-filled allocation of n * size bytes; NULL also on overflow. */
void *heap_calloc(heap_t *h, size_t n, size_t size);

/* NULL is ignored. A pointer the heap did not hand out, or one already
 * freed, is a kernel bug: kpanic with the address and the reason. */
void heap_free(heap_t *h, void *ptr);

/* Usable size of a live object (its class size, or the large run less the
 * header). */
size_t heap_usable_size(heap_t *h, const void *ptr);

heap_stats_t heap_stats(const heap_t *h);

/* Frees empty slabs back to the pmm; returns the frames released. */
size_t heap_trim(heap_t *h);

/* The kernel's heap (kern/heap.c); the kernel initialises it at boot. */
extern heap_t kheap;
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);

#endif
