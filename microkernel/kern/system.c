/*
 * The system boot: verifierd first, then whatever it starts.
 *
 * GRUB loads two boot modules besides the kernel: `verifierd` (an ELF64
 * static PIE) and `initrd` (a tar). The kernel keeps pid 1 free for
 * process 1, starts verifierd as a hardware-isolated process with the
 * grants spec/boot.md lists, and from then on only runs processes.
 * verifierd loads driverd and starts it with DOGMA_MAP_INIT, which makes
 * it process 1; when process 1 ends, proc_end resets the machine.
 */
#include <arch/arch.h>
#include <kern/cap.h>
#include <kern/loader.h>
#include <kern/log.h>
#include <kern/pmm.h>
#include <kern/proc.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/system.h>

static const mb2_info_t *boot_info;
static uint64_t one_started_ns;
static bool console_quiet;

uint64_t system_one_started_ns(void) { return one_started_ns; }

void system_note_one_started(void)
{
    one_started_ns = arch_uptime_ns();
    /* From here on the serial line is the console service's: the kernel
     * prints only warnings and errors there; the rest stays in the ring
     * for the log service (klog_read). loglevel= on the command line
     * keeps everything on the console, for debugging. */
    if (console_quiet)
        log_set_console_level(LOG_WARN);
}

bool system_irq_kept(unsigned line)
{
    return line == 0; /* the PIT */
}

bool system_ports_kept(uint16_t first, uint32_t count)
{
    static const struct {
        uint16_t first, count;
    } kept[] = {
        {0x20, 2},  /* the master 8259 */
        {0xa0, 2},  /* the slave 8259 */
        {0x40, 4},  /* the PIT */
        {0x22, 2},  /* the IMCR (interrupt mode) */
        {0xf4, 1},  /* isa-debug-exit */
        {0x4d0, 2}, /* the ELCR (edge/level of the ISA lines) */
        {0xcf9, 1}, /* the reset register */
    };
    uint32_t end = (uint32_t)first + count;
    for (size_t i = 0; i < ARRAY_LEN(kept); i++)
        if (first < kept[i].first + kept[i].count && kept[i].first < end)
            return true;
    return false;
}

/* The chipset's interrupt and timer registers (IOAPIC at 0xfec00000, HPET
 * at 0xfed00000, the local APIC at 0xfee00000): the kernel's. */
#define KEPT_MMIO_BASE 0xfec00000ull
#define KEPT_MMIO_END 0xff000000ull

bool system_phys_allowed(uint64_t base, uint64_t size, bool *out_boot_module)
{
    uint64_t end = base + size;
    *out_boot_module = false;
    if (boot_info)
        for (size_t i = 0; i < boot_info->n_modules; i++)
            if (base >= boot_info->modules[i].start && end <= boot_info->modules[i].end)
                return *out_boot_module = true; /* a boot module: the initrd, say */
    if (base < KEPT_MMIO_END && KEPT_MMIO_BASE < end)
        return false;
    for (size_t i = 0; i < kpmm.n_usable; i++)
        if (base < kpmm.usable[i].end && kpmm.usable[i].base < end)
            return false; /* RAM the kernel allocates from */
    return true;
}

static const mb2_module_t *module_named(const char *name)
{
    for (size_t i = 0; i < boot_info->n_modules; i++)
        if (strcmp(boot_info->modules[i].string, name) == 0)
            return &boot_info->modules[i];
    return NULL;
}

/* A view of a boot module's frames: nothing is copied. */
static region_t *module_view(const char *name, uint64_t *out_size)
{
    const mb2_module_t *m = module_named(name);
    if (!m)
        kpanic("no boot module named \"%s\" (grub.cfg must load it with module2 ... %s)", name,
               name);
    if (m->start & (PAGE_SIZE - 1))
        kpanic("boot module \"%s\" is not page-aligned (at %x)", name, m->start);
    *out_size = m->end - m->start;
    region_t *r = region_create_fixed(m->start, ALIGN_UP(*out_size, PAGE_SIZE) / PAGE_SIZE,
                                      REGION_SHARED);
    if (!r)
        kpanic("out of memory for a view of boot module \"%s\"", name);
    return r;
}

static bool never(void) { return false; }

void system_run(const mb2_info_t *boot, bool quiet)
{
    boot_info = boot;
    console_quiet = quiet;
    proc_reserve_one();

    uint64_t vsize, tsize;
    region_t *vimg = module_view("verifierd", &vsize);
    region_t *initrd = module_view("initrd", &tsize);
    region_reader_t rr = {vimg, 0};
    vaddr_t entry;
    dogma_err_t err;
    elf_error_t ee = {0};
    proc_t *p = loader_spawn_elf(loader_region_read, &rr, vsize, "verifierd", 0, &entry, &err,
                                 &ee);
    kobj_release(&vimg->obj); /* the image was copied into the process */
    if (!p)
        kpanic("cannot start verifierd: %s%s", err == DOGMA_E_BAD_ELF ? "bad ELF: " : "",
               err == DOGMA_E_BAD_ELF ? ee.rule : "out of memory");
    kobj_t *loader = cap_new_loader();
    if (!loader || !loader_grant(p, &initrd->obj, DOGMA_R_READ | DOGMA_R_DUP | DOGMA_R_TRANSFER) ||
        !loader_grant(p, loader, DOGMA_R_LOAD))
        kpanic("out of memory for verifierd's grants");
    proc_pb_write64(p, DOGMA_PB_INITRD, *(uint32_t *)(p->pbk + DOGMA_PB_GRANTS));
    proc_pb_write64(p, DOGMA_PB_ARG, tsize);
    sched_set_priority(p, 0); /* loading is on everyone's path */
    log_info("system", "starting verifierd (pid %lu): %lu KiB image, initrd %lu KiB", p->pid,
             vsize / KB, tsize / KB);
    proc_start(p, entry, proc_pb_va(p), 0, proc_pb_va(p));
    sched_run_until(never);
    kpanic("the scheduler returned");
}
