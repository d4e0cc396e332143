/*
 * kmain: the boot sequence, one logged step at a time.
 *
 * boot.S arrives here in long mode on the kernel stack with the multiboot2
 * magic and the physical address of the boot information. The order:
 * serial console and clock first (so every later step can log, stamped);
 * GDT and IDT next (so a fault from here on is a readable panic, not a
 * triple fault); then the boot information, the frame allocator, the real
 * page table, the heap, the virtual-range allocator and the timer. Then a
 * banner, and a test scenario if the command line names one.
 */
#include <arch/arch.h>
#include <kern/boot.h>
#include <kern/cmdline.h>
#include <kern/fmt.h>
#include <kern/heap.h>
#include <kern/ksyms.h>
#include <kern/ktest.h>
#include <kern/log.h>
#include <kern/mb2.h>
#include <kern/memmap.h>
#include <kern/pmm.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/system.h>
#include <kern/vrange.h>

#ifndef DOGMA_VERSION
#define DOGMA_VERSION "0.0.0"
#endif
#ifndef DOGMA_BUILD_TYPE
#define DOGMA_BUILD_TYPE "unknown"
#endif

#define DEFAULT_HZ 100

pmm_t kpmm;
vrange_t kvrange;
static mb2_info_t boot_info; /* too big for the stack; kept for later users */
static const void *mbi_virt;

_Noreturn void kmain(uint32_t magic, uint32_t mbi_phys);

void boot_parse_info(uint32_t magic, const void *mbi, size_t avail, mb2_info_t *out_info)
{
    mb2_error_t err;
    if (mb2_parse(mbi, avail, magic, out_info, &err) != MB2_OK ||
        mb2_check_mmap(out_info, BOOT_MIN_RAM, &err) != MB2_OK) {
        char msg[256];
        mb2_format_error(&err, msg, sizeof msg);
        kpanic("boot information from the loader is unusable: %s", msg);
    }
}

const void *boot_mbi(void) { return mbi_virt; }

static void parse_boot_info(uint32_t magic, uint32_t mbi_phys)
{
    /* The boot page tables map the first 4 GiB at the direct-map base, and
     * the block's address is 32 bits: it is readable. Its size is not
     * known yet, so the parser is bounded by the largest block accepted. */
    const void *mbi = arch_phys_to_virt(mbi_phys);
    mbi_virt = mbi;
    boot_parse_info(magic, mbi, MB2_MAX_TOTAL_SIZE, &boot_info);
    log_info("boot", "multiboot2 information at %x (%u bytes) from \"%s\": %zu memory ranges, "
             "%zu modules, command line \"%s\"", mbi_phys, boot_info.total_size,
             boot_info.loader_name, boot_info.n_mmap, boot_info.n_modules, boot_info.cmdline);

    if (boot_info.elf.present &&
        ksyms_init(&kernel_syms, (const uint8_t *)mbi + boot_info.elf.headers_offset,
                   boot_info.elf.num, boot_info.elf.entsize, arch_phys_to_virt))
        log_info("boot", "kernel symbols: %zu entries, backtraces will name functions",
                 kernel_syms.nsyms);
    else
        log_warn("boot", "no kernel symbol table from the loader; backtraces show addresses only");
}

static void warn_unknown_word(const char *word, size_t len)
{
    log_warn("boot", "ignoring unknown command-line word \"%.*s\" (known: test= hz= loglevel=)",
             (int)len, word);
}

static void apply_cmdline(void)
{
    static const char *const known[] = {"test", "hz", "loglevel", NULL};
    cmdline_for_unknown(boot_info.cmdline, known, warn_unknown_word);
    uint64_t level;
    if (cmdline_get_uint(boot_info.cmdline, "loglevel", &level))
        log_set_level(level > LOG_DEBUG ? LOG_DEBUG : (log_level_t)level);
    if (cmdline_get(boot_info.cmdline, "test", NULL, 0))
        arch_set_test_mode(true);
}

static void memory_init(uint32_t mbi_phys)
{
    static pmm_range_t usable[PMM_MAX_RANGES], ram[PMM_MAX_RANGES];
    /* The first MiB, the image, the boot block, the modules, the symbols. */
    _Static_assert(3 + MB2_MAX_MODULES + ARRAY_LEN(kernel_syms.ranges) <= PMM_MAX_RESERVED,
                   "reserved[] too small for every boot reservation");
    pmm_range_t reserved[PMM_MAX_RESERVED];
    size_t nr = 0;

    /* RAM the CPU cannot address is a lie of the memory map: clip it
     * rather than size the frame bitmap and the direct map for it. Pieces
     * that another entry claims for the firmware are not ours either. */
    paddr_t cpu_max = arch_max_phys();
    size_t nu = memmap_usable(boot_info.mmap, boot_info.n_mmap, cpu_max, usable, PMM_MAX_RANGES);
    size_t nram = memmap_mappable(boot_info.mmap, boot_info.n_mmap, cpu_max, ram, PMM_MAX_RANGES);
    if (nu == SIZE_MAX || nram == SIZE_MAX)
        kpanic("memory map splits into more than %d ranges", PMM_MAX_RANGES);
    for (size_t i = 0; i < ARRAY_LEN(kernel_syms.ranges); i++) {
        const ksyms_range_t *r = &kernel_syms.ranges[i];
        bool in_ram = false;
        for (size_t k = 0; k < nu; k++)
            in_ram |= r->base >= usable[k].base && r->end <= usable[k].end;
        if (kernel_syms.nsyms && !in_ram) {
            /* Tables outside RAM cannot be right; reading them could fault
             * in the middle of a panic. */
            log_warn("boot", "kernel symbol table outside RAM (%lx-%lx); not used", r->base, r->end);
            kernel_syms = (ksyms_t){0};
        }
    }
    reserved[nr++] = (pmm_range_t){0, 1 * MB}; /* real-mode IVT, BIOS data, option ROMs */
    reserved[nr++] = (pmm_range_t){arch_kernel_phys_start(), arch_kernel_phys_end()};
    reserved[nr++] = (pmm_range_t){mbi_phys, (paddr_t)mbi_phys + boot_info.total_size};
    for (size_t i = 0; i < boot_info.n_modules; i++)
        reserved[nr++] = (pmm_range_t){boot_info.modules[i].start, boot_info.modules[i].end};
    for (size_t i = 0; i < ARRAY_LEN(kernel_syms.ranges); i++)
        if (kernel_syms.ranges[i].end > kernel_syms.ranges[i].base)
            reserved[nr++] = (pmm_range_t){kernel_syms.ranges[i].base, kernel_syms.ranges[i].end};

    /* pmm_init writes its bitmap through the boot tables' direct map (the
     * first 4 GiB): it takes the lowest free hole, far below that on any
     * machine with RAM under 4 GiB; if it were not, the write would fault
     * here with a full dump. */
    pmm_err_t perr = pmm_init(&kpmm, usable, nu, reserved, nr, arch_phys_to_virt);
    if (perr != PMM_OK)
        kpanic("cannot set up the frame allocator: %s", pmm_strerror(perr));
    log_info("pmm", "%zu MiB free in %zu ranges (%zu frames), bitmap %zu KiB at %lx",
             kpmm.free_frames * PAGE_SIZE / MB, nu, kpmm.free_frames,
             kpmm.bitmap_bytes / KB, kpmm.bitmap_phys);

    arch_paging_init(&kpmm, ram, nram);

    heap_init(&kheap, &kpmm, arch_phys_to_virt, arch_virt_to_phys);
    log_info("heap", "slab heap ready: %d size classes from %d to %d bytes",
             HEAP_NCLASSES, 1 << HEAP_MIN_CLASS_SHIFT, 1 << HEAP_MAX_CLASS_SHIFT);

    vrange_err_t verr = vrange_init(&kvrange, VRANGE_USER_LO, VRANGE_USER_HI);
    if (verr != VRANGE_OK)
        kpanic("cannot set up the virtual-range allocator: %s", vrange_strerror(verr));
    log_info("vrange", "lower half %lx-%lx free for regions", kvrange.lo, kvrange.hi);
}

static unsigned timer_rate(void)
{
    uint64_t hz = DEFAULT_HZ;
    if (cmdline_get(boot_info.cmdline, "hz", NULL, 0) &&
        (!cmdline_get_uint(boot_info.cmdline, "hz", &hz) || hz < 10 || hz > 10000))
        kpanic("hz= on the command line must be a number from 10 to 10000");
    return (unsigned)hz;
}

static void banner(void)
{
    uint64_t ns = arch_uptime_ns();
    uint64_t ram = 0;
    log_info("dogma", "==== Dogma %s (%s build) ====", DOGMA_VERSION, DOGMA_BUILD_TYPE);
    log_info("dogma", "memory map (%zu ranges):", boot_info.n_mmap);
    for (size_t i = 0; i < boot_info.n_mmap; i++) {
        const mb2_mmap_entry_t *e = &boot_info.mmap[i];
        if (e->type == MB2_MEM_AVAILABLE)
            ram += e->len;
        log_info("dogma", "  %016lx-%016lx %9lu KiB  %s", e->base, e->base + e->len - 1,
                 e->len / KB, mb2_mem_type_name(e->type));
    }
    log_info("dogma", "modules (%zu):", boot_info.n_modules);
    for (size_t i = 0; i < boot_info.n_modules; i++) {
        const mb2_module_t *m = &boot_info.modules[i];
        log_info("dogma", "  %08x-%08x %8u bytes  %s", m->start, m->end, m->end - m->start,
                 m->string);
    }
    log_info("dogma", "RAM %lu MiB, %zu MiB free; timer %u Hz; TSC %lu MHz",
             ram / MB, kpmm.free_frames * PAGE_SIZE / MB, arch_timer_hz(),
             arch_tsc_hz() / 1000000);
    log_info("dogma", "booted in %lu.%03lu ms (kernel entry to banner)", ns / 1000000,
             ns / 1000 % 1000);
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
    arch_early_init();
    log_info("boot", "Dogma %s starting; serial console COM1 115200 8N1; TSC %lu.%03lu MHz",
             DOGMA_VERSION, arch_tsc_hz() / 1000000, arch_tsc_hz() / 1000 % 1000);
    arch_cpu_init();
    log_info("cpu", "GDT, TSS (IST stacks for #DF, NMI, #MC) and IDT (256 vectors) loaded");

    parse_boot_info(magic, mbi_phys);
    apply_cmdline();
    memory_init(mbi_phys);

    region_init();
    sched_init();
    arch_timer_init(timer_rate());
    arch_irq_enable();
    banner();

    char test[64];
    if (cmdline_get(boot_info.cmdline, "test", test, sizeof test))
        ktest_run(test, &boot_info);

    /* The system: verifierd, which starts process 1, which starts the
     * rest. An explicit loglevel= keeps every line on the console. */
    system_run(&boot_info, !cmdline_get(boot_info.cmdline, "loglevel", NULL, 0));
}
