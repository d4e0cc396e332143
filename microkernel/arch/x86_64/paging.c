/*
 * The one global page table.
 *
 * Upper half: physical memory mapped whole at ARCH_DIRECT_MAP_BASE with
 * 2 MiB pages (read-write, never executable); the kernel image at -2 GiB in
 * 4 KiB pages with W^X: text read-execute, rodata read-only, data and bss
 * read-write no-execute, and the page under the kernel stack left unmapped
 * as a guard; an MMIO window for device registers, uncached. Every kernel
 * mapping is global, so it survives CR3 reloads for hardware-isolated
 * processes later.
 *
 * Lower half: empty at boot. Regions get their addresses from the vrange
 * allocator and their pages from arch_map_page. Page 0 is never mapped.
 *
 * Page tables come from the pmm and are reached through the direct map.
 */
#include <arch/arch.h>
#include <kern/heap.h>
#include <kern/log.h>
#include <kern/pmm.h>
#include <kern/string.h>

#include "cpu.h"
#include "x86.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* Processes' kernel stacks: slots of KSTACK_SLOT_PAGES pages, the lowest
 * page of each an unmapped guard, so a kernel stack overflow is a double
 * fault with a report, never silent corruption of its neighbour. The page
 * tables for the whole area are made at boot: creating and ending
 * processes then never allocates or leaves a table. */
#define KSTACK_AREA ((vaddr_t)0xfffffe8000000000)
#define KSTACK_SLOT_PAGES 8
#define KSTACK_SLOTS 2048
#define KSTACK_AREA_END (KSTACK_AREA + (vaddr_t)KSTACK_SLOTS * KSTACK_SLOT_PAGES * PAGE_SIZE)
#define MMIO_BASE ((vaddr_t)0xffffff0000000000)
#define MMIO_END ((vaddr_t)0xffffff8000000000)

#define LOWER_HALF_END ((vaddr_t)0x0000800000000000)
#define DIRECT_MAP_SIZE (MMIO_BASE - ARCH_DIRECT_MAP_BASE) /* 127 TiB */

/* Until the switch, only the boot tables' first 4 GiB of the direct map
 * exist: a frame above that cannot be written yet. */
#define BOOT_DIRECT_MAP_END (4 * GB)

static pmm_t *pt_pmm;
static bool global_table_live;
static uint64_t *pml4;
static paddr_t pml4_phys;
static vaddr_t mmio_next = MMIO_BASE;

void *arch_phys_to_virt(paddr_t pa) { return (void *)(ARCH_DIRECT_MAP_BASE + pa); }

paddr_t arch_virt_to_phys(const void *va)
{
    vaddr_t v = (vaddr_t)va;
    if (v >= ARCH_KERNEL_BASE)
        return v - ARCH_KERNEL_BASE;
    if (v >= ARCH_DIRECT_MAP_BASE && v < MMIO_BASE)
        return v - ARCH_DIRECT_MAP_BASE;
    /* Not a direct-map or image address: callers (heap_free on a stray
     * pointer) must get an answer that no frame matches, not a fault. */
    return ARCH_BAD_PADDR;
}

paddr_t arch_max_phys(void)
{
    /* CPUID 0x80000008 EAX[7:0]: physical address bits (36 if absent). */
    unsigned bits = 36;
    if (cpuid(0x80000000, 0).eax >= 0x80000008)
        bits = cpuid(0x80000008, 0).eax & 0xff;
    if (bits < 32 || bits > 52)
        bits = 36;
    return (paddr_t)1 << bits;
}

paddr_t arch_kernel_phys_start(void) { return (paddr_t)__kernel_phys_start; }
paddr_t arch_kernel_phys_end(void) { return (paddr_t)__kernel_phys_end; }

static unsigned pt_index(vaddr_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

static uint64_t leaf_bits(unsigned flags)
{
    uint64_t e = PTE_P;
    if (flags & ARCH_MAP_WRITE)
        e |= PTE_W;
    if (!(flags & ARCH_MAP_EXEC))
        e |= PTE_NX;
    if (flags & ARCH_MAP_USER)
        e |= PTE_U;
    if (flags & ARCH_MAP_GLOBAL)
        e |= PTE_G;
    if (flags & ARCH_MAP_NOCACHE)
        e |= PTE_PCD | PTE_PWT;
    return e;
}

/* The table that entry idx of table points to, made if absent and alloc is
 * set. NULL when absent, when it is a large page, or when out of frames. */
static uint64_t *pt_next(uint64_t *table, unsigned idx, bool user, bool alloc)
{
    uint64_t e = table[idx];
    if (e & PTE_P)
        return (e & PTE_PS) ? NULL : arch_phys_to_virt(e & PTE_ADDR);
    if (!alloc)
        return NULL;
    paddr_t f = pmm_alloc(pt_pmm);
    if (!f)
        return NULL;
    if (!global_table_live && f >= BOOT_DIRECT_MAP_END)
        kpanic("paging: page-table frame %lx is beyond the boot map's 4 GiB", f);
    memset(arch_phys_to_virt(f), 0, PAGE_SIZE);
    /* Intermediate entries allow everything; the leaf decides. */
    table[idx] = f | PTE_P | PTE_W | (user ? PTE_U : 0);
    return arch_phys_to_virt(f);
}

/* The entry for va at level (0 = 4 KiB page, 1 = 2 MiB page). */
static uint64_t *pt_walk_in(uint64_t *root, vaddr_t va, int level, bool alloc)
{
    bool user = va < LOWER_HALF_END;
    uint64_t *t = root;
    /* The kernel half's top-level entries are copied into every private
     * table when it is made: a new one after boot would be missing there. */
    KASSERT(user || !global_table_live || (t[pt_index(va, 3)] & PTE_P));
    for (int l = 3; l > level; l--) {
        t = pt_next(t, pt_index(va, l), user, alloc);
        if (!t)
            return NULL;
    }
    return &t[pt_index(va, level)];
}

static uint64_t *pt_walk(vaddr_t va, int level, bool alloc)
{
    return pt_walk_in(pml4, va, level, alloc);
}

bool arch_map_page(vaddr_t va, paddr_t pa, unsigned flags)
{
    KASSERT(IS_ALIGNED(va, PAGE_SIZE) && IS_ALIGNED(pa, PAGE_SIZE));
    /* Page 0 stays unmapped so a null pointer always faults. */
    if (va < PAGE_SIZE)
        return false;
    uint64_t *pte = pt_walk(va, 0, true);
    if (!pte || (*pte & PTE_P))
        return false;
    *pte = pa | leaf_bits(flags);
    return true;
}

paddr_t arch_unmap_page(vaddr_t va)
{
    uint64_t *pte = pt_walk(va, 0, false);
    if (!pte || !(*pte & PTE_P))
        return 0;
    paddr_t pa = *pte & PTE_ADDR;
    *pte = 0;
    invlpg(va);
    return pa;
}

void *arch_map_mmio(paddr_t pa, size_t size)
{
    /* Device addresses come from firmware tables: a range that is empty,
     * wraps, or lies beyond the CPU's reach is a bad table, not a mapping. */
    if (size == 0 || pa + size < pa || pa + size > arch_max_phys())
        kpanic("paging: impossible MMIO range %lx+%zx", pa, size);
    paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
    size_t len = ALIGN_UP(pa + size, PAGE_SIZE) - base;
    if (mmio_next + len > MMIO_END)
        kpanic("paging: MMIO window exhausted mapping %lx+%zx", pa, size);
    vaddr_t va = mmio_next;
    for (size_t off = 0; off < len; off += PAGE_SIZE)
        if (!arch_map_page(va + off, base + off, ARCH_MAP_WRITE | ARCH_MAP_GLOBAL | ARCH_MAP_NOCACHE))
            kpanic("paging: out of memory mapping MMIO at %lx", pa);
    mmio_next += len + PAGE_SIZE; /* an unmapped page between windows */
    return (void *)(va + (pa - base));
}

/* Maps [base, end) at its direct-map address with the largest pages that
 * fit. Pages already mapped are left as they are: ranges may share a page
 * at their ends, and the kernel image's frames are mapped first,
 * read-only. A 2 MiB span that already has a page table gets 4 KiB pages. */
static void map_direct(paddr_t base, paddr_t end, uint64_t bits)
{
    for (paddr_t pa = ALIGN_DOWN(base, PAGE_SIZE); pa < end;) {
        vaddr_t va = ARCH_DIRECT_MAP_BASE + pa;
        if (IS_ALIGNED(pa, 2 * MB) && end - pa >= 2 * MB) {
            uint64_t *pde = pt_walk(va, 1, true);
            if (!pde)
                kpanic("paging: out of memory building the direct map at %lx", pa);
            if (!(*pde & PTE_P)) {
                *pde = pa | bits | PTE_PS;
                pa += 2 * MB;
                continue;
            }
            if (*pde & PTE_PS) {
                pa += 2 * MB;
                continue;
            }
        }
        uint64_t *pte = pt_walk(va, 0, true);
        if (pte) {
            if (!(*pte & PTE_P))
                *pte = pa | bits;
        } else {
            /* No page table: out of frames, or inside a 2 MiB page that
             * an earlier range mapped already. */
            uint64_t *pde = pt_walk(va, 1, false);
            if (!pde || !(*pde & PTE_PS))
                kpanic("paging: out of memory building the direct map at %lx", pa);
        }
        pa += PAGE_SIZE;
    }
}

static void map_kernel_range(const char *start, const char *end, unsigned flags)
{
    for (vaddr_t va = (vaddr_t)start; va < (vaddr_t)end; va += PAGE_SIZE)
        if (!arch_map_page(va, va - ARCH_KERNEL_BASE, flags | ARCH_MAP_GLOBAL))
            kpanic("paging: cannot map kernel page %lx", va);
}

void arch_paging_init(struct pmm *pmm, const pmm_range_t *ram, size_t nram)
{
    paddr_t max_phys = 0;
    pt_pmm = pmm;
    pml4_phys = pmm_alloc(pmm);
    if (!pml4_phys || pml4_phys >= BOOT_DIRECT_MAP_END)
        kpanic("paging: no frame below 4 GiB for the top-level page table");
    pml4 = arch_phys_to_virt(pml4_phys);
    memset(pml4, 0, PAGE_SIZE);

    /* The image's frames first, read-only: its direct-map alias must not
     * be a way around W^X. */
    map_direct(arch_kernel_phys_start(), arch_kernel_phys_end(), PTE_P | PTE_G | PTE_NX);
    for (size_t i = 0; i < nram; i++) {
        paddr_t end = MIN(ram[i].end, DIRECT_MAP_SIZE);
        if (ram[i].base < end)
            map_direct(ram[i].base, end, PTE_P | PTE_W | PTE_G | PTE_NX);
        max_phys = MAX(max_phys, end);
    }
    map_kernel_range(__text_start, __text_end, ARCH_MAP_EXEC);
    map_kernel_range(__rodata_start, __rodata_end, 0);
    map_kernel_range(__data_start, __stack_guard, ARCH_MAP_WRITE);
    map_kernel_range(__stack_bottom, kernel_stack_top, ARCH_MAP_WRITE);

    /* The MMIO window's top-level entry now, while the table is private
     * to the kernel: after boot the kernel half's top level is frozen. */
    if (!pt_next(pml4, pt_index(MMIO_BASE, 3), false, true))
        kpanic("paging: out of memory for the MMIO window's table");
    for (vaddr_t va = KSTACK_AREA; va < KSTACK_AREA_END; va += 2 * MB)
        if (!pt_walk(va, 0, true))
            kpanic("paging: out of memory for the kernel-stack area's tables");

    vaddr_t guards[3];
    gdt_ist_guards(guards);
    for (int i = 0; i < 3; i++)
        arch_unmap_page(guards[i]); /* the frame stays the image's */

    write_cr4(read_cr4() | CR4_PGE);
    write_cr3(pml4_phys);
    global_table_live = true;
    arch_vs_global();

    KASSERT(read_cr0() & CR0_WP);
    KASSERT(rdmsr(MSR_EFER) & EFER_NXE);
    log_info("paging", "global page table at %lx: direct map of RAM up to %lu MiB at %lx, "
             "kernel W^X (text %lu KiB rx, rodata %lu KiB r, data %lu KiB rw)",
             pml4_phys, max_phys / MB, ARCH_DIRECT_MAP_BASE,
             (uint64_t)(__text_end - __text_start) / KB,
             (uint64_t)(__rodata_end - __rodata_start) / KB,
             (uint64_t)(__data_end - __data_start) / KB);
}

/* ---- kernel stacks ----------------------------------------------------------- */

static uint64_t kstack_used[KSTACK_SLOTS / 64]; /* a bit per slot */

static vaddr_t slot_base(size_t slot) { return KSTACK_AREA + slot * KSTACK_SLOT_PAGES * PAGE_SIZE; }

static void kstack_unmap(vaddr_t lo, vaddr_t hi)
{
    for (vaddr_t va = lo; va < hi; va += PAGE_SIZE) {
        paddr_t f = arch_unmap_page(va);
        if (f)
            pmm_free(pt_pmm, f);
    }
}

bool arch_kstack_alloc(arch_kstack_t *k, size_t pages)
{
    KASSERT(pages > 0 && pages < KSTACK_SLOT_PAGES);
    for (size_t slot = 0; slot < KSTACK_SLOTS; slot++) {
        if (kstack_used[slot / 64] & (1ull << (slot % 64)))
            continue;
        vaddr_t base = slot_base(slot) + PAGE_SIZE; /* above the guard */
        for (size_t i = 0; i < pages; i++) {
            paddr_t f = pmm_alloc(pt_pmm);
            if (!f || !arch_map_page(base + i * PAGE_SIZE, f, ARCH_MAP_WRITE | ARCH_MAP_GLOBAL)) {
                if (f)
                    pmm_free(pt_pmm, f);
                kstack_unmap(base, base + i * PAGE_SIZE);
                return false;
            }
        }
        kstack_used[slot / 64] |= 1ull << (slot % 64);
        k->base = base;
        k->top = base + pages * PAGE_SIZE;
        return true;
    }
    return false; /* KSTACK_SLOTS processes alive at once */
}

void arch_kstack_free(arch_kstack_t *k)
{
    size_t slot = (k->base - KSTACK_AREA) / (KSTACK_SLOT_PAGES * PAGE_SIZE);
    KASSERT(k->base > KSTACK_AREA && slot < KSTACK_SLOTS);
    kstack_unmap(k->base, k->top);
    kstack_used[slot / 64] &= ~(1ull << (slot % 64));
    k->base = k->top = 0;
}

bool arch_on_kstack(uint64_t addr)
{
    if (addr < KSTACK_AREA || addr >= KSTACK_AREA_END)
        return false;
    uint64_t *pte = pt_walk(ALIGN_DOWN(addr, PAGE_SIZE), 0, false);
    return pte && (*pte & PTE_P); /* not a guard page, nor a free slot */
}

/* ---- address spaces -------------------------------------------------------
 * An arch_vs_t is a root table. The global one is the kernel's; a private
 * one copies the kernel half's 256 top-level entries (frozen after boot,
 * so the copies stay right) and owns every lower-half table below it. */
struct arch_vs {
    uint64_t *root;
    paddr_t root_phys;
    size_t table_frames; /* lower-half tables plus the root (private only) */
};

static arch_vs_t global_vs;
static arch_vs_t *active_vs = &global_vs;

arch_vs_t *arch_vs_global(void)
{
    if (!global_vs.root) {
        global_vs.root = pml4;
        global_vs.root_phys = pml4_phys;
    }
    return &global_vs;
}

arch_vs_t *arch_vs_create(void)
{
    arch_vs_t *vs = kzalloc(sizeof *vs);
    paddr_t f = vs ? pmm_alloc(pt_pmm) : 0;
    if (!f) {
        kfree(vs);
        return NULL;
    }
    vs->root = arch_phys_to_virt(f);
    vs->root_phys = f;
    vs->table_frames = 1;
    memset(vs->root, 0, PAGE_SIZE / 2);
    memcpy(vs->root + 256, pml4 + 256, PAGE_SIZE / 2);
    return vs;
}

/* Frees the tables below entry e of a level-l table (3 = the root). */
static void free_tables(uint64_t e, int level)
{
    if (!(e & PTE_P) || (e & PTE_PS))
        return;
    uint64_t *t = arch_phys_to_virt(e & PTE_ADDR);
    if (level > 1)
        for (int i = 0; i < 512; i++)
            free_tables(t[i], level - 1);
    pmm_free(pt_pmm, e & PTE_ADDR);
}

void arch_vs_destroy(arch_vs_t *vs)
{
    if (!vs || vs == &global_vs)
        return;
    KASSERT(vs != active_vs);
    for (int i = 0; i < 256; i++)
        free_tables(vs->root[i], 3);
    pmm_free(pt_pmm, vs->root_phys);
    kfree(vs);
}

/* Counts the tables pt_walk_in makes, for a private table's accounting. */
static uint64_t *vs_walk(arch_vs_t *vs, vaddr_t va, bool alloc)
{
    size_t before = pt_pmm->free_frames;
    uint64_t *pte = pt_walk_in(vs->root, va, 0, alloc);
    if (vs != &global_vs)
        vs->table_frames += before - pt_pmm->free_frames;
    return pte;
}

bool arch_vs_map(arch_vs_t *vs, vaddr_t va, paddr_t pa, unsigned flags)
{
    KASSERT(IS_ALIGNED(va, PAGE_SIZE) && IS_ALIGNED(pa, PAGE_SIZE));
    if (va < PAGE_SIZE || va >= LOWER_HALF_END)
        return false;
    uint64_t *pte = vs_walk(vs, va, true);
    if (!pte)
        return false;
    bool was = *pte & PTE_P;
    *pte = pa | leaf_bits((flags | ARCH_MAP_USER) & ~ARCH_MAP_GLOBAL);
    if (was && vs == active_vs)
        invlpg(va);
    return true;
}

paddr_t arch_vs_unmap(arch_vs_t *vs, vaddr_t va)
{
    if (va >= LOWER_HALF_END)
        return 0;
    uint64_t *pte = vs_walk(vs, va, false);
    if (!pte || !(*pte & PTE_P))
        return 0;
    paddr_t pa = *pte & PTE_ADDR;
    *pte = 0;
    if (vs == active_vs)
        invlpg(va);
    return pa;
}

paddr_t arch_vs_lookup(arch_vs_t *vs, vaddr_t va)
{
    if (va >= LOWER_HALF_END)
        return 0;
    uint64_t *pte = vs_walk(vs, va, false);
    return pte && (*pte & PTE_P) ? (*pte & PTE_ADDR) : 0;
}

size_t arch_vs_table_frames(const arch_vs_t *vs) { return vs->table_frames; }

static bool table_empty(const uint64_t *t)
{
    for (int i = 0; i < 512; i++)
        if (t[i])
            return false;
    return true;
}

/* Frees the table under *e (level l: 1 = a page table) if it is empty,
 * after pruning its children that overlap [lo, hi). */
static void prune(arch_vs_t *vs, uint64_t *e, int level, vaddr_t base, vaddr_t lo, vaddr_t hi)
{
    if (!(*e & PTE_P) || (*e & PTE_PS))
        return;
    uint64_t *t = arch_phys_to_virt(*e & PTE_ADDR);
    if (level > 1) {
        vaddr_t span = (vaddr_t)1 << (12 + 9 * (level - 1));
        for (int i = 0; i < 512; i++) {
            vaddr_t b = base + (vaddr_t)i * span;
            if (b + span > lo && b < hi)
                prune(vs, &t[i], level - 1, b, lo, hi);
        }
    }
    if (!table_empty(t))
        return;
    paddr_t f = *e & PTE_ADDR;
    *e = 0;
    pmm_free(pt_pmm, f);
    if (vs != &global_vs)
        vs->table_frames--;
}

void arch_vs_prune(arch_vs_t *vs, vaddr_t lo, vaddr_t hi)
{
    if (hi > LOWER_HALF_END)
        hi = LOWER_HALF_END;
    vaddr_t span = (vaddr_t)1 << 39;
    for (unsigned i = pt_index(lo, 3); i < 256 && (vaddr_t)i * span < hi; i++)
        prune(vs, &vs->root[i], 3, (vaddr_t)i * span, lo, hi);
    /* The tables were reachable only through entries now zero; a stale
     * walk cached in the TLB's paging-structure caches must go too. */
    if (vs == active_vs)
        write_cr3(vs->root_phys);
}

void arch_vs_activate(arch_vs_t *vs)
{
    if (vs == active_vs)
        return;
    write_cr3(vs->root_phys);
    active_vs = vs;
}
