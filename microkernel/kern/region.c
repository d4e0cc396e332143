/*
 * Regions (include/kern/region.h).
 *
 * A region's pages are a two-level array: leaves of RPAGE_LEAF entries,
 * made on first touch, each entry a frame address with the owner's
 * protection in its low bits. So an 8 GiB reservation that is never
 * touched costs a 32 KiB array of leaf pointers and no frames.
 *
 * Changing what a page allows (protect, share, code) drops the page from
 * every table that maps it; the next touch faults it back in with the new
 * rights. Simple, and never leaves a stale writable mapping behind.
 *
 * Regions are found by address in a sorted array (binary search): faults
 * and user copies look them up on every page.
 */
#include <kern/heap.h>
#include <kern/log.h>
#include <kern/pmm.h>
#include <kern/proc.h>
#include <kern/region.h>
#include <kern/string.h>
#include <kern/vrange.h>

static region_t **sorted;
/* Per frame, how many regions beyond the first reference it (copy-on-write
 * sharing after a fork); indexed by frame number. */
static uint16_t *frame_extra;
static size_t frame_count;

void region_init(void)
{
    frame_count = kpmm.nframes;
    frame_extra = kzalloc(frame_count * sizeof *frame_extra);
    if (!frame_extra)
        kpanic("region: no memory for %zu frame sharing counts", frame_count);
}

static uint16_t *extra_of(paddr_t f)
{
    KASSERT(f / PAGE_SIZE < frame_count);
    return &frame_extra[f / PAGE_SIZE];
}
static size_t nsorted, capsorted;

size_t region_count(void) { return nsorted; }

static size_t lower_bound(vaddr_t addr)
{
    size_t lo = 0, hi = nsorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid]->base + sorted[mid]->npages * PAGE_SIZE <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

region_t *region_find(vaddr_t addr)
{
    size_t i = lower_bound(addr);
    if (i < nsorted && sorted[i]->base <= addr)
        return sorted[i];
    return NULL;
}

static bool sorted_insert(region_t *r)
{
    if (nsorted == capsorted) {
        size_t n = capsorted ? capsorted * 2 : 64;
        region_t **a = kmalloc(n * sizeof *a);
        if (!a)
            return false;
        if (sorted)
            memcpy(a, sorted, nsorted * sizeof *a);
        kfree(sorted);
        sorted = a;
        capsorted = n;
    }
    size_t i = lower_bound(r->base);
    memmove(&sorted[i + 1], &sorted[i], (nsorted - i) * sizeof *sorted);
    sorted[i] = r;
    nsorted++;
    return true;
}

static void sorted_remove(region_t *r)
{
    size_t i = lower_bound(r->base);
    KASSERT(i < nsorted && sorted[i] == r);
    memmove(&sorted[i], &sorted[i + 1], (nsorted - i - 1) * sizeof *sorted);
    nsorted--;
    /* Shrink as it empties, so that a burst of regions leaves nothing
     * behind (the teardown tests count every frame). */
    if (capsorted > 64 && nsorted < capsorted / 4) {
        region_t **a = kmalloc(capsorted / 2 * sizeof *a);
        if (a) {
            memcpy(a, sorted, nsorted * sizeof *a);
            kfree(sorted);
            sorted = a;
            capsorted /= 2;
        }
    }
    if (nsorted == 0) {
        kfree(sorted);
        sorted = NULL;
        capsorted = 0;
    }
}

static size_t nleaves(size_t npages) { return (npages + RPAGE_LEAF - 1) / RPAGE_LEAF; }

static region_t *region_alloc_at(vaddr_t at, size_t npages, unsigned flags)
{
    if (npages == 0 || npages > REGION_MAX_BYTES / PAGE_SIZE)
        return NULL;
    region_t *r = (region_t *)kobj_new(sizeof *r, DOGMA_CAP_REGION);
    if (!r)
        return NULL;
    r->npages = npages;
    r->flags = flags;
    r->leaves = kzalloc(nleaves(npages) * sizeof *r->leaves);
    /* One unmapped page after every region: running off its end faults. */
    if (r->leaves && at)
        r->base = vrange_reserve(&kvrange, at, (npages + 1) * PAGE_SIZE) == VRANGE_OK ? at : 0;
    else if (r->leaves)
        r->base = vrange_alloc(&kvrange, (npages + 1) * PAGE_SIZE, 0);
    if (!r->base || !sorted_insert(r)) {
        if (r->base)
            vrange_free(&kvrange, r->base, (npages + 1) * PAGE_SIZE);
        kfree(r->leaves);
        kobj_live[DOGMA_CAP_REGION]--;
        kfree(r);
        return NULL;
    }
    return r;
}

static region_t *region_alloc(size_t npages, unsigned flags) { return region_alloc_at(0, npages, flags); }

region_t *region_create_at(struct proc *owner, vaddr_t base, size_t npages, unsigned flags)
{
    if (!IS_ALIGNED(base, PAGE_SIZE) || base < VRANGE_USER_LO)
        return NULL;
    region_t *r = region_alloc_at(base, npages, flags);
    if (r)
        r->owner = owner;
    return r;
}

region_t *region_create(struct proc *owner, size_t npages, unsigned flags)
{
    region_t *r = region_alloc(npages, flags);
    if (r)
        r->owner = owner;
    return r;
}

static uint64_t *rpage(region_t *r, size_t page, bool alloc)
{
    uint64_t **leaf = &r->leaves[page / RPAGE_LEAF];
    if (!*leaf) {
        if (!alloc)
            return NULL;
        *leaf = kzalloc(RPAGE_LEAF * sizeof **leaf);
        if (!*leaf)
            return NULL;
    }
    return &(*leaf)[page % RPAGE_LEAF];
}

region_t *region_create_fixed(paddr_t pa, size_t npages, unsigned flags)
{
    region_t *r = region_alloc(npages, flags | REGION_FIXED);
    if (!r)
        return NULL;
    for (size_t i = 0; i < npages; i++) {
        uint64_t *e = rpage(r, i, true);
        if (!e) {
            kobj_release(&r->obj);
            return NULL;
        }
        *e = pa + i * PAGE_SIZE;
    }
    r->resident = npages;
    return r;
}

static void charge(region_t *r, int64_t frames)
{
    if (r->owner && !(r->flags & REGION_FIXED))
        r->owner->frames += (uint64_t)frames;
}

void region_set_owner(region_t *r, struct proc *owner)
{
    charge(r, -(int64_t)r->resident);
    r->owner = owner;
    charge(r, (int64_t)r->resident);
}

void region_disown_all(struct proc *p)
{
    /* Regions p made that others still hold outlive it: from now on they
     * are charged to nobody, and never name the freed process. */
    for (size_t i = 0; i < nsorted; i++)
        if (sorted[i]->owner == p)
            region_set_owner(sorted[i], NULL);
}

paddr_t region_frame(region_t *r, vaddr_t addr, bool alloc)
{
    KASSERT(addr >= r->base && addr < r->base + r->npages * PAGE_SIZE);
    uint64_t *e = rpage(r, (addr - r->base) / PAGE_SIZE, alloc);
    if (!e)
        return 0;
    if (!(*e & ~(uint64_t)RPAGE_FLAGS) && alloc) {
        paddr_t f = pmm_alloc(&kpmm);
        if (!f)
            return 0;
        memset(arch_phys_to_virt(f), 0, PAGE_SIZE);
        *e |= f;
        r->resident++;
        charge(r, 1);
    }
    return *e & ~(uint64_t)RPAGE_FLAGS;
}

unsigned region_page_prot(const region_t *r, size_t page)
{
    const uint64_t *leaf = r->leaves[page / RPAGE_LEAF];
    return leaf ? (unsigned)(leaf[page % RPAGE_LEAF] & (RPAGE_PROT_MASK | RPAGE_EXEC))
                : DOGMA_PROT_RW;
}

static bool note_map(region_t *r, arch_vs_t *vs)
{
    for (uint32_t i = 0; i < r->nmaps; i++)
        if (r->maps[i] == vs)
            return true;
    if (r->nmaps == r->capmaps) {
        uint32_t n = r->capmaps ? r->capmaps * 2 : 2;
        arch_vs_t **a = kmalloc(n * sizeof *a);
        if (!a)
            return false;
        if (r->maps)
            memcpy(a, r->maps, r->nmaps * sizeof *a);
        kfree(r->maps);
        r->maps = a;
        r->capmaps = n;
    }
    r->maps[r->nmaps++] = vs;
    return true;
}

rfault_t region_fault(region_t *r, struct proc *p, vaddr_t addr, bool write, bool exec)
{
    size_t page = (addr - r->base) / PAGE_SIZE;
    if ((r->flags & REGION_STACK) && page == 0)
        return RFAULT_STACK;
    uint64_t *e = rpage(r, page, true);
    if (!e)
        return RFAULT_NO_MEMORY;
    uint32_t rights = region_rights(r, p);
    if (!rights)
        return RFAULT_UNMAPPED;
    unsigned prot = *e & RPAGE_PROT_MASK;
    /* An isolated process's own code runs on its private table only: in
     * the global table, only approved code is ever executable. */
    bool code = (r->flags & REGION_CODE) ||
                ((*e & RPAGE_EXEC) && p->kind == DOGMA_PROC_ISOLATED);
    /* W^X: a page marked as code is never writable, whatever the owner
     * marks it later. */
    bool writable = !(r->flags & (REGION_SHARED | REGION_CODE | REGION_PB)) &&
                    !(*e & RPAGE_EXEC) && prot == DOGMA_PROT_RW && (rights & DOGMA_R_WRITE);
    if (prot == DOGMA_PROT_NONE || !(rights & (DOGMA_R_READ | DOGMA_R_WRITE)))
        return RFAULT_NOT_READABLE;
    if (write && !writable)
        return RFAULT_READONLY;
    if (exec && !code)
        return RFAULT_UNMAPPED;
    vaddr_t va = r->base + page * PAGE_SIZE;
    paddr_t f = write ? region_frame_w(r, va) : region_frame(r, va, true);
    if (!f || !note_map(r, p->vs))
        return RFAULT_NO_MEMORY;
    /* A page still shared copy-on-write is mapped read-only: its first
     * write faults again and copies it. */
    if (*e & RPAGE_COW)
        writable = false;
    unsigned flags = (writable ? ARCH_MAP_WRITE : 0) | (code ? ARCH_MAP_EXEC : 0);
    if (!arch_vs_map(p->vs, va, f, flags))
        return RFAULT_NO_MEMORY;
    return RFAULT_OK;
}

/* Drops pages [first, first + n) from every table that maps them. */
static void unmap_pages(region_t *r, size_t first, size_t n)
{
    for (uint32_t m = 0; m < r->nmaps; m++)
        for (size_t i = first; i < first + n; i++)
            if (r->leaves[i / RPAGE_LEAF])
                arch_vs_unmap(r->maps[m], r->base + i * PAGE_SIZE);
}

bool region_entries(region_t *r, size_t off, size_t len)
{
    for (size_t l = off / PAGE_SIZE / RPAGE_LEAF; l <= (off + len - 1) / PAGE_SIZE / RPAGE_LEAF; l++)
        if (!rpage(r, l * RPAGE_LEAF, true))
            return false;
    return true;
}

void region_protect(region_t *r, size_t off, size_t len, unsigned prot)
{
    size_t first = off / PAGE_SIZE, n = len / PAGE_SIZE;
    for (size_t i = first; i < first + n; i++) {
        uint64_t *e = rpage(r, i, true);
        if (e)
            *e = (*e & ~(uint64_t)RPAGE_PROT_MASK) | prot;
    }
    unmap_pages(r, first, n);
}

void region_share(region_t *r, bool rw)
{
    if (rw) {
        r->flags |= REGION_SHARED_RW;
        return;
    }
    r->flags |= REGION_SHARED;
    unmap_pages(r, 0, r->npages);
}

void region_make_code(region_t *r)
{
    /* Pages never written hold int3: a jump into them traps at once. */
    for (size_t i = 0; i < r->npages; i++) {
        uint64_t *e = rpage(r, i, false);
        if (!e || !(*e & ~(uint64_t)RPAGE_FLAGS)) {
            paddr_t f = region_frame(r, r->base + i * PAGE_SIZE, true);
            if (f)
                memset(arch_phys_to_virt(f), 0xcc, PAGE_SIZE);
        }
    }
    r->flags |= REGION_CODE;
    unmap_pages(r, 0, r->npages);
}

void region_unmap_from(region_t *r, arch_vs_t *vs)
{
    for (uint32_t m = 0; m < r->nmaps; m++) {
        if (r->maps[m] != vs)
            continue;
        for (size_t i = 0; i < r->npages; i++) {
            if (!r->leaves[i / RPAGE_LEAF]) {
                i += RPAGE_LEAF - 1 - i % RPAGE_LEAF;
                continue;
            }
            arch_vs_unmap(vs, r->base + i * PAGE_SIZE);
        }
        arch_vs_prune(vs, r->base, r->base + r->npages * PAGE_SIZE);
        r->maps[m] = r->maps[--r->nmaps];
        return;
    }
}

void region_destroy(region_t *r)
{
    while (r->nmaps)
        region_unmap_from(r, r->maps[0]);
    for (size_t l = 0; l < nleaves(r->npages); l++) {
        uint64_t *leaf = r->leaves[l];
        if (!leaf)
            continue;
        for (size_t i = 0; i < RPAGE_LEAF; i++) {
            paddr_t f = leaf[i] & ~(uint64_t)RPAGE_FLAGS;
            if (!f || (r->flags & REGION_FIXED))
                continue;
            charge(r, -1);
            if ((leaf[i] & RPAGE_COW) && *extra_of(f))
                (*extra_of(f))--; /* another region still has it */
            else
                pmm_free(&kpmm, f);
        }
        kfree(leaf);
    }
    kfree(r->leaves);
    kfree(r->maps);
    KASSERT(r->nholders == 0);
    kfree(r->holders);
    sorted_remove(r);
    vrange_free(&kvrange, r->base, (r->npages + 1) * PAGE_SIZE);
    kfree(r);
}

uint32_t region_rights(region_t *r, struct proc *p)
{
    if (r->flags & (REGION_STACK | REGION_PB))
        return r->owner == p ? REGION_HELD | DOGMA_R_READ | DOGMA_R_WRITE : 0;
    for (uint32_t i = 0; i < r->nholders; i++)
        if (r->holders[i].proc == p)
            return REGION_HELD | (r->holders[i].rights & (DOGMA_R_READ | DOGMA_R_WRITE));
    return 0;
}

bool region_hold(region_t *r, struct proc *p, uint32_t rights)
{
    for (uint32_t i = 0; i < r->nholders; i++) {
        if (r->holders[i].proc == p) {
            r->holders[i].rights |= rights;
            r->holders[i].handles++;
            return true;
        }
    }
    if (r->nholders == r->capholders) {
        uint32_t n = r->capholders ? r->capholders * 2 : 2;
        struct region_holder *a = kmalloc(n * sizeof *a);
        if (!a)
            return false;
        if (r->holders)
            memcpy(a, r->holders, r->nholders * sizeof *a);
        kfree(r->holders);
        r->holders = a;
        r->capholders = n;
    }
    r->holders[r->nholders++] = (struct region_holder){p, rights, 1};
    return true;
}

void region_unhold(region_t *r, struct proc *p, uint32_t remaining_rights)
{
    for (uint32_t i = 0; i < r->nholders; i++) {
        if (r->holders[i].proc != p)
            continue;
        if (--r->holders[i].handles == 0)
            r->holders[i] = r->holders[--r->nholders];
        else
            r->holders[i].rights = remaining_rights;
        return;
    }
    KASSERT(!"region_unhold: not a holder");
}

bool region_write(region_t *r, vaddr_t addr, const void *src, size_t n)
{
    const uint8_t *s = src;
    while (n) {
        size_t off = addr & (PAGE_SIZE - 1), chunk = MIN(n, PAGE_SIZE - off);
        paddr_t f = region_frame(r, addr - off, true);
        if (!f)
            return false;
        memcpy((uint8_t *)arch_phys_to_virt(f) + off, s, chunk);
        s += chunk;
        addr += chunk;
        n -= chunk;
    }
    return true;
}

void region_set_exec(region_t *r, size_t off, size_t len)
{
    for (size_t i = off / PAGE_SIZE; i < (off + len) / PAGE_SIZE; i++) {
        uint64_t *e = rpage(r, i, true);
        if (e)
            *e |= RPAGE_EXEC;
    }
    unmap_pages(r, off / PAGE_SIZE, len / PAGE_SIZE);
}

paddr_t region_frame_w(region_t *r, vaddr_t addr)
{
    paddr_t f = region_frame(r, addr, true);
    uint64_t *e = rpage(r, (addr - r->base) / PAGE_SIZE, false);
    if (!f || !(*e & RPAGE_COW))
        return f;
    if (*extra_of(f) == 0) {
        *e &= ~(uint64_t)RPAGE_COW; /* the other sharers are gone: it is ours */
        return f;
    }
    paddr_t n = pmm_alloc(&kpmm);
    if (!n)
        return 0;
    memcpy(arch_phys_to_virt(n), arch_phys_to_virt(f), PAGE_SIZE);
    (*extra_of(f))--;
    *e = n | (*e & RPAGE_FLAGS & ~(uint64_t)RPAGE_COW);
    /* Tables may still map the shared frame read-only: drop them. */
    unmap_pages(r, (addr - r->base) / PAGE_SIZE, 1);
    return n;
}

region_t *region_cow_copy(region_t *r, struct proc *owner)
{
    region_t *c = region_create(owner, r->npages, r->flags & (REGION_STACK | REGION_PB));
    if (!c)
        return NULL;
    for (size_t l = 0; l < nleaves(r->npages); l++) {
        uint64_t *leaf = r->leaves[l];
        if (!leaf)
            continue;
        c->leaves[l] = kzalloc(RPAGE_LEAF * sizeof *leaf);
        if (!c->leaves[l]) {
            kobj_release(&c->obj);
            return NULL;
        }
        for (size_t i = 0; i < RPAGE_LEAF; i++) {
            paddr_t f = leaf[i] & ~(uint64_t)RPAGE_FLAGS;
            if (f && *extra_of(f) == UINT16_MAX) {
                kobj_release(&c->obj);
                return NULL;
            }
            if (f) {
                (*extra_of(f))++;
                leaf[i] |= RPAGE_COW;
                c->resident++;
                charge(c, 1);
            }
            c->leaves[l][i] = leaf[i];
        }
    }
    /* The original's pages are mapped writable: from now on its writes
     * must fault and copy. */
    unmap_pages(r, 0, r->npages);
    return c;
}
