/*
 * In-kernel test scenarios (test=NAME on the command line).
 *
 * Each scenario checks one floor of the kernel on the real machine (or
 * QEMU) after a full boot, logs every check, and stops the run with PASS
 * or FAIL. Two scenarios exist to fail: "panic" and "stack-overflow" fault
 * on purpose, so the harness can show that a panic is reported as a
 * failure with a readable dump.
 */
#include <arch/arch.h>
#include <kern/boot.h>
#include <kern/fmt.h>
#include <kern/heap.h>
#include <kern/ktest.h>
#include <kern/log.h>
#include <kern/pmm.h>
#include <kern/string.h>
#include <kern/vrange.h>

static const char *current;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            ktest_fail(#cond, __FILE__, __LINE__);                             \
    } while (0)

static _Noreturn void ktest_fail(const char *what, const char *file, int line)
{
    log_err("test", "%s: FAIL: %s (%s:%d)", current, what, file, line);
    arch_stop(ARCH_STOP_FAIL);
}

static uint64_t fnv1a(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* ---- boot -------------------------------------------------------------- */

static void test_boot(const mb2_info_t *boot)
{
    CHECK(boot->has_mmap && boot->n_mmap > 0);
    CHECK(kpmm.free_frames > 0);
    CHECK(arch_timer_hz() > 0);
}

/* ---- memory ------------------------------------------------------------ */

/* What every frame holds while the test owns it: a chain through all of
 * them, numbered, so a frame handed out twice breaks the numbering. */
typedef struct {
    uint64_t magic, self, seq;
    paddr_t next;
} frame_tag_t;

#define FRAME_MAGIC 0x646f676d61667261ull

static uint64_t checksum_modules(const mb2_info_t *boot)
{
    uint64_t h = 0;
    for (size_t i = 0; i < boot->n_modules; i++)
        h ^= fnv1a(arch_phys_to_virt(boot->modules[i].start),
                   boot->modules[i].end - boot->modules[i].start) + i;
    return h;
}

static void memory_all_frames(const mb2_info_t *boot)
{
    extern char __text_start[], __text_end[];
    size_t start = kpmm.free_frames;
    uint64_t mods = checksum_modules(boot);
    uint64_t text = fnv1a(__text_start, (size_t)(__text_end - __text_start));
    paddr_t head = 0, f;
    uint64_t n = 0;

    while ((f = pmm_alloc(&kpmm)) != 0) {
        CHECK(IS_ALIGNED(f, PAGE_SIZE) && f >= 1 * MB);
        frame_tag_t *t = arch_phys_to_virt(f);
        *t = (frame_tag_t){FRAME_MAGIC, f, n++, head};
        ((uint64_t *)t)[PAGE_SIZE / 8 - 1] = ~f; /* the frame's last word too */
        head = f;
    }
    log_info("test", "memory: allocated all %lu frames (%lu MiB)", n, n * PAGE_SIZE / MB);
    CHECK(n == start && kpmm.free_frames == 0);
    CHECK(pmm_alloc_run(&kpmm, 1, 1) == 0);

    /* Every frame still holds its own tag: none was handed out twice, and
     * the reserved modules and kernel text were never handed out. */
    for (paddr_t p = head; p; ) {
        frame_tag_t *t = arch_phys_to_virt(p);
        CHECK(t->magic == FRAME_MAGIC && t->self == p && t->seq == --n);
        CHECK(((uint64_t *)t)[PAGE_SIZE / 8 - 1] == ~p);
        paddr_t next = t->next;
        CHECK(pmm_free(&kpmm, p));
        CHECK(!pmm_free(&kpmm, p)); /* a double free is refused */
        p = next;
    }
    CHECK(n == 0);
    CHECK(kpmm.free_frames == start);
    CHECK(checksum_modules(boot) == mods);
    CHECK(fnv1a(__text_start, (size_t)(__text_end - __text_start)) == text);
    log_info("test", "memory: freed them all; free count back to %zu, modules and kernel intact",
             start);
}

static void memory_runs(void)
{
    static const struct { size_t n, align; } runs[] = {{1, 1}, {7, 1}, {64, 64}, {512, 512}, {300, 16}};
    paddr_t got[ARRAY_LEN(runs)];
    size_t start = kpmm.free_frames;

    for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
        got[i] = pmm_alloc_run(&kpmm, runs[i].n, runs[i].align);
        CHECK(got[i] != 0 && IS_ALIGNED(got[i], runs[i].align * PAGE_SIZE));
        for (size_t k = 0; k < runs[i].n; k++)
            CHECK(pmm_is_allocated(&kpmm, got[i] + k * PAGE_SIZE));
        memset(arch_phys_to_virt(got[i]), 0xa5, runs[i].n * PAGE_SIZE);
    }
    for (size_t i = 0; i < ARRAY_LEN(runs); i++)
        CHECK(pmm_free_run(&kpmm, got[i], runs[i].n));
    CHECK(kpmm.free_frames == start);
    log_info("test", "memory: contiguous runs of 1 to 512 frames, aligned as asked");
}

static void memory_heap(void)
{
    enum { N = 2000 };
    static void *objs[N];
    size_t start = kpmm.free_frames;
    /* Others already hold heap objects (the vrange list, for one). */
    size_t live = heap_stats(&kheap).objects_live;

    for (size_t i = 0; i < N; i++) {
        size_t size = 8 + (i * 37) % 3000;
        objs[i] = kmalloc(size);
        CHECK(objs[i] && IS_ALIGNED((uintptr_t)objs[i], 16));
        memset(objs[i], (int)(i & 0xff), size);
    }
    for (size_t i = 0; i < N; i++) {
        size_t size = 8 + (i * 37) % 3000;
        const uint8_t *b = objs[i];
        CHECK(b[0] == (i & 0xff) && b[size - 1] == (i & 0xff));
        kfree(objs[i]);
    }
    CHECK(heap_stats(&kheap).objects_live == live);
    heap_trim(&kheap);
    CHECK(kpmm.free_frames == start);
    log_info("test", "memory: %d heap objects of 8 to 3007 bytes, intact, all returned", N);
}

/* Maps 16 fresh frames at a new lower-half range, uses and unmaps them. */
static void lower_half_cycle(void)
{
    vaddr_t va = vrange_alloc(&kvrange, 16 * PAGE_SIZE, 0);
    CHECK(va >= PAGE_SIZE);
    for (size_t i = 0; i < 16; i++) {
        paddr_t f = pmm_alloc(&kpmm);
        CHECK(f && arch_map_page(va + i * PAGE_SIZE, f, ARCH_MAP_WRITE));
        ((volatile uint64_t *)(va + i * PAGE_SIZE))[0] = va + i;
    }
    for (size_t i = 0; i < 16; i++) {
        CHECK(((volatile uint64_t *)(va + i * PAGE_SIZE))[0] == va + i);
        paddr_t f = arch_unmap_page(va + i * PAGE_SIZE);
        CHECK(f && pmm_free(&kpmm, f));
    }
    arch_fault_t fault;
    uint8_t v;
    CHECK(arch_probe_read8((void *)va, &v, &fault) == -1 && fault.fault_addr == va);
    CHECK(vrange_free(&kvrange, va, 16 * PAGE_SIZE) == VRANGE_OK);
}

static void memory_lower_half(void)
{
    /* The first cycle may leave the page tables it needed (at most a
     * PDPT, a PD and a PT for 16 pages in one 2 MiB span); the range is
     * handed out again, so a second cycle must not cost one more frame. */
    size_t start = kpmm.free_frames;
    lower_half_cycle();
    size_t tables = start - kpmm.free_frames;
    CHECK(tables <= 3);
    size_t again = kpmm.free_frames;
    lower_half_cycle();
    CHECK(kpmm.free_frames == again);
    log_info("test", "memory: 16 pages mapped in the lower half, used, unmapped (then unreadable), "
             "twice; %zu page-table frames kept", tables);
}

static void test_memory(const mb2_info_t *boot)
{
    memory_all_frames(boot);
    memory_runs();
    memory_heap();
    memory_lower_half();
}

/* ---- paging ------------------------------------------------------------ */

static volatile uint8_t data_ret[16] = {0xc3}; /* a ret, in a data page */
static const uint8_t rodata_ret[16] = {0xc3};

static void text_nop(void) {}

static void expect_pf(int rc, const arch_fault_t *f, uint64_t addr, uint64_t err_bits,
                      const char *what)
{
    CHECK(rc == -1);
    CHECK(f->vector == 14);
    CHECK(f->fault_addr == addr);
    CHECK((f->error_code & 0x1f) == err_bits);
    log_info("test", "paging: %s faults as expected (#PF, error %lx, CR2 %lx)", what,
             f->error_code, f->fault_addr);
}

static void test_paging(const mb2_info_t *boot)
{
    extern char __text_start[], __rodata_start[], __stack_guard[];
    arch_fault_t f;
    uint8_t v;
    (void)boot;

    expect_pf(arch_probe_read8((void *)0, &v, &f), &f, 0, 0x0, "a read of page 0");
    expect_pf(arch_probe_read8((void *)0x10, &v, &f), &f, 0x10, 0x0, "a read of address 0x10");
    expect_pf(arch_probe_write8(__text_start, 0x90, &f), &f, (uint64_t)__text_start, 0x3,
              "a write to kernel text");
    expect_pf(arch_probe_write8((void *)rodata_ret, 0, &f), &f, (uint64_t)rodata_ret, 0x3,
              "a write to kernel rodata");
    void *text_alias = arch_phys_to_virt(arch_virt_to_phys(__text_start));
    expect_pf(arch_probe_write8(text_alias, 0x90, &f), &f, (uint64_t)text_alias, 0x3,
              "a write to kernel text through the direct map");
    expect_pf(arch_probe_exec((const void *)data_ret, &f), &f, (uint64_t)data_ret, 0x11,
              "executing kernel data");
    expect_pf(arch_probe_exec(arch_phys_to_virt(kpmm.bitmap_phys), &f), &f,
              (uint64_t)arch_phys_to_virt(kpmm.bitmap_phys), 0x11, "executing the direct map");
    expect_pf(arch_probe_read8(__stack_guard, &v, &f), &f, (uint64_t)__stack_guard, 0x0,
              "a read of the kernel stack guard page");

    /* Positive controls: the same probes succeed where access is allowed. */
    CHECK(arch_probe_read8(__text_start, &v, &f) == 0);
    CHECK(arch_probe_read8(rodata_ret, &v, &f) == 0 && v == 0xc3);
    CHECK(arch_probe_write8(&data_ret[1], 0x5a, &f) == 0 && data_ret[1] == 0x5a);
    CHECK(arch_probe_exec((const void *)text_nop, &f) == 0);

    /* With SMAP the kernel cannot touch a user page at all (it copies
     * user memory through the direct map, kern/uaccess.c). */
    vaddr_t upage = vrange_alloc(&kvrange, PAGE_SIZE, 0);
    paddr_t uframe = pmm_alloc(&kpmm);
    CHECK(upage && uframe && arch_vs_map(arch_vs_global(), upage, uframe, ARCH_MAP_WRITE));
    if (arch_kernel_blocks_user_pages())
        expect_pf(arch_probe_read8((void *)upage, &v, &f), &f, upage, 0x1,
                  "a kernel read of a user page (SMAP)");
    else
        log_warn("test", "paging: this CPU has no SMAP; a kernel read of a user page is allowed");
    CHECK(arch_vs_unmap(arch_vs_global(), upage) == uframe);
    arch_vs_prune(arch_vs_global(), upage, upage + PAGE_SIZE);
    CHECK(pmm_free(&kpmm, uframe) && vrange_free(&kvrange, upage, PAGE_SIZE) == VRANGE_OK);

    /* A process's kernel stack sits above an unmapped guard page, and is
     * gone once freed. */
    arch_kstack_t ks = {0};
    CHECK(arch_kstack_alloc(&ks, 4) && ks.top - ks.base == 4 * PAGE_SIZE);
    CHECK(arch_probe_write8((void *)ks.base, 1, &f) == 0 && arch_probe_write8((void *)(ks.top - 1), 1, &f) == 0);
    expect_pf(arch_probe_read8((void *)(ks.base - 8), &v, &f), &f, ks.base - 8, 0x0,
              "a read of a kernel stack's guard page");
    vaddr_t gone = ks.base;
    arch_kstack_free(&ks);
    expect_pf(arch_probe_read8((void *)gone, &v, &f), &f, gone, 0x0, "a read of a freed kernel stack");

    /* Non-canonical addresses raise #GP, not #PF. */
    CHECK(arch_probe_read8((void *)0x8000000000000000ull, &v, &f) == -1 && f.vector == 13);
    log_info("test", "paging: W^X holds, page 0 and the guard page unmapped, reads allowed where due");
}

/* ---- interrupts -------------------------------------------------------- */

static volatile unsigned breakpoints;

static bool on_breakpoint(unsigned vector, arch_fault_t *f)
{
    (void)f;
    if (vector == 3)
        breakpoints++;
    return true;
}

static void interrupts_exceptions(void)
{
    arch_fault_t f;
    arch_set_trap_handler(3, on_breakpoint);
    arch_breakpoint();
    CHECK(breakpoints == 1);
    arch_set_trap_handler(3, NULL);
    CHECK(arch_probe_ud2(&f) == -1 && f.vector == 6);
    log_info("test", "interrupts: #BP reached its handler and resumed; #UD was caught");
}

static void interrupts_timer(void)
{
    unsigned hz = arch_timer_hz();
    uint64_t want = hz / 2 > 5 ? hz / 2 : 5; /* half a second of ticks */
    uint64_t k0 = arch_timer_ticks(), t0 = arch_uptime_ns();

    while (arch_timer_ticks() - k0 < want) {
        arch_wait_for_interrupt();
        CHECK(arch_uptime_ns() - t0 < 20000000000ull); /* 20 s: ticks stopped */
    }
    uint64_t elapsed = arch_uptime_ns() - t0;
    uint64_t expect = want * 1000000000ull / hz;
    log_info("test", "interrupts: %lu ticks in %lu.%03lu ms, %lu.%03lu ms expected at %u Hz",
             want, elapsed / 1000000, elapsed / 1000 % 1000, expect / 1000000,
             expect / 1000 % 1000, hz);
    /* A loose bound: emulation may delay or batch ticks, but a rate off by
     * more than 2x means the calibration or the divider is wrong. */
    CHECK(elapsed >= expect / 2 && elapsed <= expect * 2);
}

static void test_interrupts(const mb2_info_t *boot)
{
    (void)boot;
    interrupts_exceptions();
    interrupts_timer();
}

/* ---- scenarios that fail on purpose ------------------------------------- */

static void test_panic(const mb2_info_t *boot)
{
    (void)boot;
    log_info("test", "panic: reading unmapped address 0xdead0000 on purpose");
    (void)*(volatile uint64_t *)0xdead0000;
}

static unsigned recurse(unsigned depth)
{
    volatile uint8_t pad[512];
    pad[0] = (uint8_t)depth;
    if (depth == ~0u) /* never: 32 KiB of stack runs out long before */
        return 0;
    return recurse(depth + 1) + pad[0];
}

static void test_stack_overflow(const mb2_info_t *boot)
{
    (void)boot;
    log_info("test", "stack-overflow: recursing into the guard page on purpose");
    (void)recurse(0);
}

/* ---- bad boot information ---------------------------------------------- */

static mb2_info_t bad_info; /* too big for the stack */
static uint8_t bad_block[16384] __attribute__((aligned(8)));

/* The loader's real block with the memory-map tag's entry size smashed:
 * the kernel must refuse it by name, exactly as at boot. */
static void test_bad_mbi(const mb2_info_t *boot)
{
    const uint8_t *mbi = boot_mbi();
    CHECK(boot->total_size <= sizeof bad_block);
    memcpy(bad_block, mbi, boot->total_size);
    for (uint32_t off = 8; off + 8 <= boot->total_size;) {
        uint32_t type, size;
        memcpy(&type, bad_block + off, 4);
        memcpy(&size, bad_block + off + 4, 4);
        if (type == MB2_TAG_MMAP) {
            uint32_t entry_size = 16;
            memcpy(bad_block + off + 8, &entry_size, 4);
            log_info("test", "bad-mbi: memory-map entry size set to 16 at +0x%x; parsing", off + 8);
            boot_parse_info(MB2_BOOTLOADER_MAGIC, bad_block, sizeof bad_block, &bad_info);
            ktest_fail("the damaged block was accepted", __FILE__, __LINE__);
        }
        CHECK(type != MB2_TAG_END && size >= 8);
        off += ALIGN_UP(size, 8);
    }
    ktest_fail("the loader's block has no memory map", __FILE__, __LINE__);
}

/* A well-formed block whose memory map cannot be true: two available
 * ranges overlap. */
static void test_bad_mmap(const mb2_info_t *boot)
{
    static const uint32_t block[] __attribute__((aligned(8))) = {
        /* total_size, reserved */
        8 + 16 + 3 * 24 + 8, 0,
        /* memory map: type 6, size, entry_size 24, version 0 */
        6, 16 + 3 * 24, 24, 0,
        0x00000000, 0, 0x0009fc00, 0, 1, 0,        /* 0 - 639 KiB */
        0x00100000, 0, 0x08000000, 0, 1, 0,        /* 1 MiB - 129 MiB */
        0x04000000, 0, 0x08000000, 0, 1, 0,        /* 64 MiB - 192 MiB: overlaps */
        /* end */
        0, 8,
    };
    (void)boot;
    log_info("test", "bad-mmap: parsing a block whose available ranges overlap");
    boot_parse_info(MB2_BOOTLOADER_MAGIC, block, sizeof block, &bad_info);
    ktest_fail("the impossible memory map was accepted", __FILE__, __LINE__);
}

/* Scenarios for the harness's own tests: it must call a hang a hang and a
 * triple fault a triple fault. */
static void test_hang(const mb2_info_t *boot)
{
    (void)boot;
    log_info("test", "hang: spinning with interrupts off on purpose");
    arch_irq_disable();
    for (;;)
        arch_cpu_relax();
}

static void test_triple_fault(const mb2_info_t *boot)
{
    (void)boot;
    log_info("test", "triple-fault: loading an empty IDT and faulting on purpose");
    arch_triple_fault();
}

/* ---- the table ----------------------------------------------------------- */

static const struct {
    const char *name;
    void (*fn)(const mb2_info_t *);
} scenarios[] = {
    {"boot", test_boot},
    {"memory", test_memory},
    {"paging", test_paging},
    {"interrupts", test_interrupts},
    {"panic", test_panic},
    {"stack-overflow", test_stack_overflow},
    {"bad-mbi", test_bad_mbi},
    {"bad-mmap", test_bad_mmap},
    {"hang", test_hang},
    {"triple-fault", test_triple_fault},
};

void ktest_run(const char *name, const mb2_info_t *boot)
{
    if (strncmp(name, "user:", 5) == 0) {
        current = name;
        log_info("test", "%s: start", name);
        if (!ktest_user_run(name + 5, boot))
            ktest_fail("the test program failed", __FILE__, __LINE__);
        log_info("test", "%s: PASS", name);
        arch_stop(ARCH_STOP_PASS);
    }
    for (size_t i = 0; i < ARRAY_LEN(scenarios); i++) {
        if (strcmp(scenarios[i].name, name) != 0)
            continue;
        current = name;
        log_info("test", "%s: start", name);
        scenarios[i].fn(boot);
        log_info("test", "%s: PASS", name);
        arch_stop(ARCH_STOP_PASS);
    }
    char known[256];
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_LEN(scenarios) && n < sizeof known; i++)
        n += fmt_snprintf(known + n, sizeof known - n, "%s%s", i ? ", " : "", scenarios[i].name);
    kpanic("unknown test scenario \"%s\" (known: %s)", name, known);
}
