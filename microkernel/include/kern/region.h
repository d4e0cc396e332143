/*
 * Regions (DESIGN.md section 4): page-granular ranges of the one global
 * address space, with frames allocated on first touch.
 *
 * A region is exclusively owned (read-write for its one holder) until it
 * is shared, after which it is a read-only view for every holder, the
 * former owner included, for good; or, where the owner asks for it, a
 * shared read-write region, which is how processes share lock words and
 * rings (an extension of DESIGN.md section 4, spec/abi.md says why). An owner may mark ranges of its pages
 * read-only or non-readable. A code region (made by proc_map_code) is
 * read-execute and never writable again. Stacklets and process blocks are
 * regions the kernel keeps for a process rather than handles it holds.
 *
 * Each region has one global address for its life, with an unmapped page
 * after it. Its pages appear in the page tables of the processes that
 * touch them: the global table for verified processes, a private table
 * for an isolated one (maps[] lists every table that may hold them).
 */
#ifndef KERN_REGION_H
#define KERN_REGION_H

#include <arch/arch.h>
#include <kern/cap.h>
#include <kern/types.h>

struct proc;

#define REGION_MAX_BYTES (16 * GB)

enum {
    REGION_SHARED = 1 << 0, /* a read-only view now */
    REGION_CODE = 1 << 1,   /* approved code: read-execute */
    REGION_STACK = 1 << 2,  /* a stacklet: its first page is a guard */
    REGION_PB = 1 << 3,     /* a process block: read-only to its process */
    REGION_FIXED = 1 << 4,  /* frames not the region's (initrd, physical) */
    REGION_SHARED_RW = 1 << 5, /* shared read-write: handles may be duplicated */
};

/* Page entries: the frame's address | protection bits. */
#define RPAGE_PROT_MASK 0x3   /* DOGMA_PROT_* */
#define RPAGE_EXEC 0x4        /* an isolated process's code page */
#define RPAGE_COW 0x8         /* the frame may be shared: copy before writing */
#define RPAGE_FLAGS 0xfff
#define RPAGE_LEAF 512        /* entries per leaf array */

typedef struct region {
    kobj_t obj;
    vaddr_t base;
    size_t npages;
    uint64_t **leaves;  /* npages / RPAGE_LEAF (rounded up) pointers */
    unsigned flags;
    struct proc *owner; /* charged for its frames; NULL once nobody is */
    arch_vs_t **maps;
    uint32_t nmaps, capmaps;
    size_t resident;    /* pages with a frame */
    /* Who holds handles to it, with the union of their rights: faults and
     * user copies ask on every page, so this is not a table scan. */
    struct region_holder {
        struct proc *proc;
        uint32_t rights, handles;
    } *holders;
    uint32_t nholders, capholders;
} region_t;

/* Sets up the frames' sharing counts (at boot, after the heap). */
void region_init(void);

/* A new region of npages, frames on demand, charged to owner. */
region_t *region_create(struct proc *owner, size_t npages, unsigned flags);
/* A region at a fixed global address (an ET_EXEC image); NULL if taken. */
region_t *region_create_at(struct proc *owner, vaddr_t base, size_t npages, unsigned flags);
/* Copies n bytes into the region at addr (allocating frames). */
bool region_write(region_t *r, vaddr_t addr, const void *src, size_t n);
/* Marks pages executable for an isolated process's own code. */
void region_set_exec(region_t *r, size_t off, size_t len);
/* A region over fixed frames [pa, pa + npages pages) (never freed). */
region_t *region_create_fixed(paddr_t pa, size_t npages, unsigned flags);
/* The region holding addr, or NULL. */
region_t *region_find(vaddr_t addr);

typedef enum {
    RFAULT_OK = 0,
    RFAULT_UNMAPPED = DOGMA_FAULT_UNMAPPED,
    RFAULT_READONLY = DOGMA_FAULT_WRITE_READONLY,
    RFAULT_NOT_READABLE = DOGMA_FAULT_NOT_READABLE,
    RFAULT_STACK = DOGMA_FAULT_STACK,
    RFAULT_NO_MEMORY = 100,
} rfault_t;

/* Makes the page at addr present in p's page table for the access, if the
 * region and p's handles to it allow it (a page is readable with READ or
 * WRITE, writable with WRITE: x86 has no write-only pages). */
rfault_t region_fault(region_t *r, struct proc *p, vaddr_t addr, bool write, bool exec);
/* The frame behind the page at addr, allocated (zero) if need be; 0 when
 * out of memory. For the kernel's own copies. Breaks no sharing. */
paddr_t region_frame(region_t *r, vaddr_t addr, bool alloc);
/* The frame behind the page at addr, made private and writable first if
 * it was shared copy-on-write; 0 when out of memory. */
paddr_t region_frame_w(region_t *r, vaddr_t addr);
/* A copy of r at a new address, sharing every frame copy-on-write (fork);
 * NULL when out of memory. */
region_t *region_cow_copy(region_t *r, struct proc *owner);
/* Makes the page entries of [off, off + len) exist (len > 0): false when
 * out of memory. After it, region_protect on that range cannot fail. */
bool region_entries(region_t *r, size_t off, size_t len);
/* Per-page protection, in bytes from the region's start. Pages whose
 * entries could not be made keep their protection (see region_entries). */
void region_protect(region_t *r, size_t off, size_t len, unsigned prot);
/* A page's DOGMA_PROT_*, with RPAGE_EXEC or'ed in for an isolated
 * process's code page. */
unsigned region_page_prot(const region_t *r, size_t page);
/* rw: shared read-write (pages stay as they are); else a read-only view. */
void region_share(region_t *r, bool rw);
void region_make_code(region_t *r);
/* Drops r's pages from one page table (a holder's last handle went). */
void region_unmap_from(region_t *r, arch_vs_t *vs);
void region_set_owner(region_t *r, struct proc *owner);
/* A process ended: the regions it made that live on are charged to nobody. */
void region_disown_all(struct proc *p);
void region_destroy(region_t *r); /* kobj destructor */
/* What p may do to r's pages: 0 when it holds no handle to it (and it is
 * not p's own stacklet or block), else some of DOGMA_R_READ and _WRITE
 * (from the handles' rights; a stacklet or block is READ | WRITE), plus
 * REGION_HELD. Pages allow less still (views, protection, code). */
#define REGION_HELD 0x80000000u
uint32_t region_rights(region_t *r, struct proc *p);
/* cap.c tells the region of each handle p gains (false: out of memory,
 * nothing changed) and of each it loses (rights: what p's remaining
 * handles to it allow). */
bool region_hold(region_t *r, struct proc *p, uint32_t rights);
void region_unhold(region_t *r, struct proc *p, uint32_t remaining_rights);

size_t region_count(void);

#endif
