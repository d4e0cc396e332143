/*
 * Virtual-range allocator: a sorted, singly-linked list of free ranges.
 *
 * Invariants, checked by the unit tests after every operation: nodes are
 * sorted by base, each is non-empty, page-aligned and inside [lo, hi), no
 * two touch (a free merges with both neighbours), nfree counts them and
 * free_bytes sums them. lo is at least PAGE_SIZE, so page 0 is never on the
 * list and never handed out.
 *
 * Every operation first checks its arguments (decode), then finds where it
 * acts on the list and whether it needs a new node, and allocates that node
 * before changing anything: when kmalloc fails, or any check fails, the list
 * is exactly as it was (all or nothing). vrange_alloc has no error code, so
 * it reports a failed node allocation as 0, like "nothing fits".
 *
 * Sizes and addresses come from callers that may pass a user's request
 * through, so every sum is checked for wrap-around before it is used.
 */
#include <kern/heap.h>
#include <kern/types.h>
#include <kern/vrange.h>

/* Checks [base, base + size) for shape (decode) and window. */
static vrange_err_t vrange_check(const vrange_t *v, vaddr_t base, size_t size)
{
    if (size == 0 || !IS_ALIGNED(base, (vaddr_t)PAGE_SIZE) ||
        !IS_ALIGNED(size, PAGE_SIZE))
        return VRANGE_ERR_ARG;
    /* base + size must not wrap, or the window test below would pass. */
    if (size > UINT64_MAX - base)
        return VRANGE_ERR_ARG;
    if (base < v->lo || base + size > v->hi)
        return VRANGE_ERR_RANGE;
    return VRANGE_OK;
}

static vrange_node_t *vrange_node_new(vaddr_t base, vaddr_t end, vrange_node_t *next)
{
    vrange_node_t *n = kmalloc(sizeof *n);
    if (n) {
        n->base = base;
        n->end = end;
        n->next = next;
    }
    return n;
}

/* Removes [start, start + size) from node (which holds all of it); prev is
 * node's predecessor or NULL. The only failure is VRANGE_ERR_NOMEM when a
 * split needs a node, and then nothing has changed. */
static vrange_err_t vrange_carve(vrange_t *v, vrange_node_t *prev, vrange_node_t *node,
                                 vaddr_t start, size_t size)
{
    vaddr_t end = start + size;
    if (start == node->base && end == node->end) {
        if (prev)
            prev->next = node->next;
        else
            v->free = node->next;
        kfree(node);
        v->nfree--;
    } else if (start == node->base) {
        node->base = end;
    } else if (end == node->end) {
        node->end = start;
    } else {
        vrange_node_t *tail = vrange_node_new(end, node->end, node->next);
        if (!tail)
            return VRANGE_ERR_NOMEM;
        node->end = start;
        node->next = tail;
        v->nfree++;
    }
    v->free_bytes -= size;
    return VRANGE_OK;
}

vrange_err_t vrange_init(vrange_t *v, vaddr_t lo, vaddr_t hi)
{
    v->lo = v->hi = 0;
    v->free = NULL;
    v->free_bytes = 0;
    v->nfree = 0;
    if (!IS_ALIGNED(lo, (vaddr_t)PAGE_SIZE) || !IS_ALIGNED(hi, (vaddr_t)PAGE_SIZE))
        return VRANGE_ERR_ARG;
    lo = MAX(lo, (vaddr_t)PAGE_SIZE); /* page 0 is never handed out */
    if (hi <= lo)
        return VRANGE_ERR_ARG;
    vrange_node_t *n = vrange_node_new(lo, hi, NULL);
    if (!n)
        return VRANGE_ERR_NOMEM;
    v->lo = lo;
    v->hi = hi;
    v->free = n;
    v->free_bytes = hi - lo;
    v->nfree = 1;
    return VRANGE_OK;
}

/* The first base >= node->base aligned to align with size bytes free in
 * node, or 0 when the node cannot hold it. */
static vaddr_t vrange_fit(const vrange_node_t *node, size_t size, size_t align)
{
    vaddr_t start = node->base, rem = start & (align - 1);
    if (rem) {
        /* A huge alignment may push start past 2^64. */
        if (align - rem > UINT64_MAX - start)
            return 0;
        start += align - rem;
    }
    if (start >= node->end || node->end - start < size)
        return 0;
    return start;
}

vaddr_t vrange_alloc(vrange_t *v, size_t size, size_t align)
{
    if (align == 0)
        align = PAGE_SIZE;
    /* Decode: the sizes may come from a user's request. */
    if (size == 0 || !IS_ALIGNED(size, PAGE_SIZE) || !IS_POW2(align) || align < PAGE_SIZE)
        return 0;
    vrange_node_t *prev = NULL;
    for (vrange_node_t *n = v->free; n; prev = n, n = n->next) {
        vaddr_t start = vrange_fit(n, size, align);
        if (!start)
            continue;
        if (vrange_carve(v, prev, n, start, size) != VRANGE_OK)
            return 0;
        return start;
    }
    return 0;
}

vrange_err_t vrange_reserve(vrange_t *v, vaddr_t base, size_t size)
{
    vrange_err_t err = vrange_check(v, base, size);
    if (err != VRANGE_OK)
        return err;
    vrange_node_t *prev = NULL, *n = v->free;
    while (n && n->end <= base) {
        prev = n;
        n = n->next;
    }
    /* Only a single free node holding all of the range will do; anything
     * else means some page of it is in use. */
    if (!n || n->base > base || n->end - base < size)
        return VRANGE_ERR_IN_USE;
    return vrange_carve(v, prev, n, base, size);
}

vrange_err_t vrange_free(vrange_t *v, vaddr_t base, size_t size)
{
    vrange_err_t err = vrange_check(v, base, size);
    if (err != VRANGE_OK)
        return err;
    vaddr_t end = base + size;
    vrange_node_t *prev = NULL, *next = v->free;
    while (next && next->end <= base) {
        prev = next;
        next = next->next;
    }
    /* next is the first free range ending above base; if it starts below
     * end, some page being freed is already free (a double free, or a size
     * that reaches into a free neighbour). */
    if (next && next->base < end)
        return VRANGE_ERR_NOT_USED;

    bool join_prev = prev && prev->end == base;
    bool join_next = next && next->base == end;
    if (join_prev && join_next) {
        prev->end = next->end;
        prev->next = next->next;
        kfree(next);
        v->nfree--;
    } else if (join_prev) {
        prev->end = end;
    } else if (join_next) {
        next->base = base;
    } else {
        vrange_node_t *n = vrange_node_new(base, end, next);
        if (!n)
            return VRANGE_ERR_NOMEM;
        if (prev)
            prev->next = n;
        else
            v->free = n;
        v->nfree++;
    }
    v->free_bytes += size;
    return VRANGE_OK;
}

void vrange_destroy(vrange_t *v)
{
    vrange_node_t *n = v->free;
    while (n) {
        vrange_node_t *next = n->next;
        kfree(n);
        n = next;
    }
    v->free = NULL;
    v->free_bytes = 0;
    v->nfree = 0;
}

const char *vrange_strerror(vrange_err_t e)
{
    switch (e) {
    case VRANGE_OK:
        return "ok";
    case VRANGE_ERR_ARG:
        return "bad argument (zero size, unaligned, wrap-around or bad alignment)";
    case VRANGE_ERR_RANGE:
        return "outside the managed window";
    case VRANGE_ERR_NOT_USED:
        return "range (or part of it) is already free";
    case VRANGE_ERR_IN_USE:
        return "range (or part of it) is in use";
    case VRANGE_ERR_NOMEM:
        return "out of memory for a list node";
    }
    return "unknown vrange error";
}
