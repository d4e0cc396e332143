/*
 * Kernel heap: one-frame slabs per power-of-two size class, whole-frame runs
 * for anything larger.
 *
 * A slab is a frame reached through the direct map. Its first 64 bytes hold
 * the header (struct heap_slab): a magic word mixed with the header's own
 * address, the class, the list links and a bitmap with one bit per live
 * object. Objects start at offset 64, so each is aligned to its size up to
 * 64. Allocation takes the lowest clear bit of the first partial slab;
 * free rounds the pointer down to its frame, checks the header, the offset
 * and the live bit, fills the object with 0xdf and clears the bit. Without
 * an in-object free list, freed memory keeps its poison intact and a double
 * free shows as a clear bit.
 *
 * A large object is a run of frames from pmm_alloc_run with a header
 * (struct heap_large) in its first 64 bytes; the pointer handed out is
 * run + 64. The first frame of a run and the frame of slab object 0 look
 * alike from the pointer, so the magic word tells them apart.
 *
 * Before heap_free or heap_usable_size reads any header it asks the pmm
 * whether the pointer's frame is allocated at all, so a stray pointer
 * (a stack address, a freed run) is reported rather than dereferenced.
 * A frame that is allocated but belongs to someone else could in principle
 * hold a forged magic; the heap's callers are the kernel itself, so this is
 * a bug detector, not a security boundary.
 *
 * Empty slabs stay on their class's partial list until heap_trim returns
 * them to the pmm (heap_alloc trims and retries once when the pmm runs dry).
 */
#include <kern/heap.h>
#include <kern/log.h>
#include <kern/pmm.h>
#include <kern/string.h>
#include <kern/types.h>

#define HEAP_HDR_BYTES 64
#define HEAP_SLAB_MAGIC 0x51ab51ab5eed0001ull
#define HEAP_LARGE_MAGIC 0x1a26e0b1ec700002ull
#define HEAP_POISON 0xdf
#define HEAP_MAX_SMALL ((size_t)1 << HEAP_MAX_CLASS_SHIFT)
#define HEAP_MAX_OBJS ((PAGE_SIZE - HEAP_HDR_BYTES) >> HEAP_MIN_CLASS_SHIFT)

struct heap_slab {
    uint64_t magic; /* HEAP_SLAB_MAGIC ^ the header's address */
    struct heap_slab *next, *prev;
    uint16_t cls;   /* index into heap_t.classes */
    uint16_t nobj;  /* objects in this slab */
    uint16_t nfree; /* of those, not live */
    uint64_t live[(HEAP_MAX_OBJS + 63) / 64]; /* 1 = handed out */
};

struct heap_large {
    uint64_t magic; /* HEAP_LARGE_MAGIC ^ the header's address */
    size_t nframes; /* length of the run */
};

_Static_assert(sizeof(struct heap_slab) <= HEAP_HDR_BYTES, "slab header too big");
_Static_assert(sizeof(struct heap_large) <= HEAP_HDR_BYTES, "large header too big");

heap_t kheap;

static size_t heap_class_size(size_t cls)
{
    return (size_t)1 << (cls + HEAP_MIN_CLASS_SHIFT);
}

/* The smallest class holding size bytes (1 <= size <= HEAP_MAX_SMALL). */
static size_t heap_class_of(size_t size)
{
    if (size <= ((size_t)1 << HEAP_MIN_CLASS_SHIFT))
        return 0;
    size_t shift = 64 - (size_t)__builtin_clzll((unsigned long long)(size - 1));
    return shift - HEAP_MIN_CLASS_SHIFT;
}

static uint64_t heap_seal(uint64_t magic, const void *hdr)
{
    return magic ^ (uint64_t)(uintptr_t)hdr;
}

/* ---- slab lists -------------------------------------------------------- */

static void heap_list_push(struct heap_slab **head, struct heap_slab *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    *head = s;
}

static void heap_list_remove(struct heap_slab **head, struct heap_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

/* ---- slabs ------------------------------------------------------------- */

static struct heap_slab *heap_slab_new(heap_t *h, size_t cls)
{
    paddr_t frame = pmm_alloc(h->pmm);
    if (!frame)
        return NULL;
    struct heap_slab *s = h->phys_to_virt(frame);
    memset(s, 0, HEAP_HDR_BYTES);
    s->magic = heap_seal(HEAP_SLAB_MAGIC, s);
    s->cls = (uint16_t)cls;
    s->nobj = (uint16_t)((PAGE_SIZE - HEAP_HDR_BYTES) / heap_class_size(cls));
    s->nfree = s->nobj;
    heap_list_push(&h->classes[cls].partial, s);
    h->classes[cls].slabs++;
    return s;
}

static void *heap_slab_take(heap_t *h, struct heap_slab *s)
{
    heap_class_t *c = &h->classes[s->cls];
    size_t idx = 0;
    for (size_t w = 0; w < ARRAY_LEN(s->live); w++) {
        if (~s->live[w]) {
            idx = w * 64 + (size_t)__builtin_ctzll(~s->live[w]);
            break;
        }
    }
    KASSERT(s->nfree > 0 && idx < s->nobj);
    s->live[idx / 64] |= (uint64_t)1 << (idx % 64);
    if (--s->nfree == 0) {
        heap_list_remove(&c->partial, s);
        heap_list_push(&c->full, s);
    }
    c->live++;
    return (char *)s + HEAP_HDR_BYTES + idx * heap_class_size(s->cls);
}

static void *heap_alloc_small(heap_t *h, size_t size)
{
    size_t cls = heap_class_of(size);
    struct heap_slab *s = h->classes[cls].partial;
    if (!s)
        s = heap_slab_new(h, cls);
    if (!s && heap_trim(h) > 0)
        s = heap_slab_new(h, cls);
    return s ? heap_slab_take(h, s) : NULL;
}

/* ---- large objects ----------------------------------------------------- */

static void *heap_alloc_large(heap_t *h, size_t size)
{
    /* size is the caller's: adding the header must not wrap. */
    if (size > SIZE_MAX - HEAP_HDR_BYTES - PAGE_SIZE)
        return NULL;
    size_t n = ALIGN_UP(size + HEAP_HDR_BYTES, PAGE_SIZE) / PAGE_SIZE;
    paddr_t run = pmm_alloc_run(h->pmm, n, 1);
    if (!run && heap_trim(h) > 0)
        run = pmm_alloc_run(h->pmm, n, 1);
    if (!run)
        return NULL;
    struct heap_large *l = h->phys_to_virt(run);
    l->magic = heap_seal(HEAP_LARGE_MAGIC, l);
    l->nframes = n;
    h->large_live++;
    h->large_frames += n;
    return (char *)l + HEAP_HDR_BYTES;
}

/* ---- pointer checks ---------------------------------------------------- */

typedef struct {
    struct heap_slab *slab;  /* exactly one of slab and large is set */
    struct heap_large *large;
    size_t idx;              /* object index, for a slab */
} heap_obj_t;

/* Finds the object ptr starts, or kpanics naming ptr and why. `freeing`
 * only picks the wording: a clear live bit is a double free there. */
static heap_obj_t heap_check(heap_t *h, const void *ptr, bool freeing)
{
    unsigned long long a = (unsigned long long)(uintptr_t)ptr;
    void *page = (void *)ALIGN_DOWN((uintptr_t)ptr, (uintptr_t)PAGE_SIZE);
    heap_obj_t o = {NULL, NULL, 0};

    /* Ask the pmm first: reading the header of a frame nobody allocated
     * could fault, or read stale poison that looks like anything. A large
     * object or trimmed slab freed twice ends up here too. */
    if (!pmm_is_allocated(h->pmm, h->virt_to_phys(page)))
        kpanic("heap: 0x%llx is not a heap pointer (its frame is not allocated: "
               "a stray pointer or a double free)", a);
    if (*(uint64_t *)page == heap_seal(HEAP_LARGE_MAGIC, page)) {
        if ((uintptr_t)ptr - (uintptr_t)page != HEAP_HDR_BYTES)
            kpanic("heap: 0x%llx is not an object start (inside a large object)", a);
        o.large = page;
        return o;
    }
    struct heap_slab *s = page;
    if (s->magic != heap_seal(HEAP_SLAB_MAGIC, s) || s->cls >= HEAP_NCLASSES)
        kpanic("heap: 0x%llx is not an object start (no heap header on its frame)", a);
    size_t off = (uintptr_t)ptr - (uintptr_t)page, csize = heap_class_size(s->cls);
    if (off < HEAP_HDR_BYTES || (off - HEAP_HDR_BYTES) % csize != 0 ||
        (off - HEAP_HDR_BYTES) / csize >= s->nobj)
        kpanic("heap: 0x%llx is not an object start (in a %zu-byte slab)", a, csize);
    o.slab = s;
    o.idx = (off - HEAP_HDR_BYTES) / csize;
    if (!((s->live[o.idx / 64] >> (o.idx % 64)) & 1)) {
        if (freeing)
            kpanic("heap: double free of 0x%llx", a);
        kpanic("heap: 0x%llx is not a live object", a);
    }
    return o;
}

/* ---- public interface -------------------------------------------------- */

void heap_init(heap_t *h, pmm_t *pmm, void *(*phys_to_virt)(paddr_t),
               paddr_t (*virt_to_phys)(const void *))
{
    memset(h, 0, sizeof *h);
    h->pmm = pmm;
    h->phys_to_virt = phys_to_virt;
    h->virt_to_phys = virt_to_phys;
}

void *heap_alloc(heap_t *h, size_t size)
{
    KASSERT(h->pmm != NULL); /* heap_init not called */
    if (size == 0)
        return NULL;
    if (size <= HEAP_MAX_SMALL)
        return heap_alloc_small(h, size);
    return heap_alloc_large(h, size);
}

void *heap_calloc(heap_t *h, size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total))
        return NULL;
    void *p = heap_alloc(h, total);
    if (p)
        memset(p, 0, total);
    return p;
}

static void heap_free_slab(heap_t *h, struct heap_slab *s, size_t idx, void *ptr)
{
    heap_class_t *c = &h->classes[s->cls];
    memset(ptr, HEAP_POISON, heap_class_size(s->cls));
    s->live[idx / 64] &= ~((uint64_t)1 << (idx % 64));
    if (s->nfree++ == 0) {
        heap_list_remove(&c->full, s);
        heap_list_push(&c->partial, s);
    }
    c->live--;
}

static void heap_free_large(heap_t *h, struct heap_large *l)
{
    size_t n = l->nframes;
    paddr_t run = h->virt_to_phys(l);
    memset(l, HEAP_POISON, n * PAGE_SIZE); /* the header too: kills the magic */
    if (!pmm_free_run(h->pmm, run, n))
        kpanic("heap: pmm refused to free the large run at 0x%llx (%zu frames)",
               (unsigned long long)run, n);
    h->large_live--;
    h->large_frames -= n;
}

void heap_free(heap_t *h, void *ptr)
{
    if (!ptr)
        return;
    heap_obj_t o = heap_check(h, ptr, true);
    if (o.large)
        heap_free_large(h, o.large);
    else
        heap_free_slab(h, o.slab, o.idx, ptr);
}

size_t heap_usable_size(heap_t *h, const void *ptr)
{
    heap_obj_t o = heap_check(h, ptr, false);
    if (o.large)
        return o.large->nframes * PAGE_SIZE - HEAP_HDR_BYTES;
    return heap_class_size(o.slab->cls);
}

heap_stats_t heap_stats(const heap_t *h)
{
    heap_stats_t st = {0, 0, 0};
    for (size_t i = 0; i < HEAP_NCLASSES; i++) {
        st.bytes_live += h->classes[i].live * heap_class_size(i);
        st.frames_used += h->classes[i].slabs;
        st.objects_live += h->classes[i].live;
    }
    st.bytes_live += h->large_frames * PAGE_SIZE;
    st.frames_used += h->large_frames;
    st.objects_live += h->large_live;
    return st;
}

size_t heap_trim(heap_t *h)
{
    size_t released = 0;
    for (size_t i = 0; i < HEAP_NCLASSES; i++) {
        heap_class_t *c = &h->classes[i];
        struct heap_slab *s = c->partial;
        while (s) {
            struct heap_slab *next = s->next;
            if (s->nfree == s->nobj) {
                heap_list_remove(&c->partial, s);
                paddr_t frame = h->virt_to_phys(s);
                memset(s, HEAP_POISON, PAGE_SIZE);
                if (!pmm_free(h->pmm, frame))
                    kpanic("heap: pmm refused to free slab frame 0x%llx",
                           (unsigned long long)frame);
                c->slabs--;
                released++;
            }
            s = next;
        }
    }
    return released;
}

void *kmalloc(size_t size)
{
    return heap_alloc(&kheap, size);
}

void *kzalloc(size_t size)
{
    return heap_calloc(&kheap, 1, size);
}

void kfree(void *ptr)
{
    heap_free(&kheap, ptr);
}
