/*
 * The architecture interface: everything generic kernel code may ask of the
 * machine. Only microkernel/arch/<arch>/ implements these; generic code never
 * touches a port, a control register or a page-table entry itself.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <kern/pmm.h>
#include <kern/types.h>

/* ---- memory layout -------------------------------------------------- */

/* Physical memory is mapped whole at this base in the upper half. */
#define ARCH_DIRECT_MAP_BASE ((vaddr_t)0xffff800000000000)
/* The kernel image is linked at -2 GiB. */
#define ARCH_KERNEL_BASE ((vaddr_t)0xffffffff80000000)

/* What arch_virt_to_phys answers for an address outside the direct map
 * and the kernel image: no frame has it. */
#define ARCH_BAD_PADDR (~(paddr_t)0)

void *arch_phys_to_virt(paddr_t pa);
paddr_t arch_virt_to_phys(const void *va);

/* One past the highest physical address this CPU can form. */
paddr_t arch_max_phys(void);

/* Physical extent of the loaded kernel image (boot stub included). */
paddr_t arch_kernel_phys_start(void);
paddr_t arch_kernel_phys_end(void);

/* ---- page tables ---------------------------------------------------- */

enum {
    ARCH_MAP_WRITE = 1 << 0,
    ARCH_MAP_EXEC = 1 << 1,
    ARCH_MAP_USER = 1 << 2,
    ARCH_MAP_GLOBAL = 1 << 3,
    ARCH_MAP_NOCACHE = 1 << 4,
};

struct pmm;

/* Builds the one global page table and switches to it: the ram ranges in
 * the direct map (read-write, no-execute; the kernel image's own frames
 * read-only there), the kernel image with W^X, nothing in the lower half. */
void arch_paging_init(struct pmm *pmm, const pmm_range_t *ram, size_t nram);

/* Maps one 4 KiB page in the global table; false if the pmm is out of
 * frames for a table or va is already mapped. */
bool arch_map_page(vaddr_t va, paddr_t pa, unsigned flags);
/* Unmaps one 4 KiB page; returns the frame it mapped, or 0. */
paddr_t arch_unmap_page(vaddr_t va);
/* Maps a physical MMIO range uncached into the kernel's MMIO window. */
void *arch_map_mmio(paddr_t pa, size_t size);

/* ---- CPU, time and interrupts --------------------------------------- */

void arch_early_init(void);           /* serial, TSC calibration */
void arch_cpu_init(void);             /* GDT, TSS with IST stacks, IDT */
void arch_timer_init(unsigned hz);    /* PIC masked, LAPIC periodic timer */

uint64_t arch_uptime_ns(void);        /* since kernel entry, from the TSC */
uint64_t arch_timer_ticks(void);      /* timer interrupts since start */
unsigned arch_timer_hz(void);
uint64_t arch_timer_input_hz(void);   /* the calibrated LAPIC timer clock */
uint64_t arch_tsc_hz(void);

void arch_irq_enable(void);
void arch_irq_disable(void);
void arch_wait_for_interrupt(void);   /* hlt with interrupts enabled */

/* ---- console -------------------------------------------------------- */

void arch_console_write(const char *s, size_t n);

/* ---- faults --------------------------------------------------------- */

/* What the last fault caught by a probe or a trap handler was. */
typedef struct {
    unsigned vector;
    uint64_t error_code;
    uint64_t fault_addr; /* CR2 for page faults */
    uint64_t rip;
} arch_fault_t;

/* Probes that survive a fault: 0 on success; -1 if the access faulted,
 * with the fault in *out_fault. */
int arch_probe_read8(const volatile void *addr, uint8_t *out_val, arch_fault_t *out_fault);
int arch_probe_write8(volatile void *addr, uint8_t val, arch_fault_t *out_fault);
int arch_probe_exec(const void *addr, arch_fault_t *out_fault);
/* Executes ud2 and reports the #UD it raised. */
int arch_probe_ud2(arch_fault_t *out_fault);

/* A handler for an exception vector that returns true when it handled the
 * trap (execution resumes after it); false falls through to a panic. */
typedef bool (*arch_trap_handler_t)(unsigned vector, arch_fault_t *fault);
void arch_set_trap_handler(unsigned vector, arch_trap_handler_t fn);

/* Raises a breakpoint exception (#BP on x86). */
void arch_breakpoint(void);
/* Resets the machine the hard way (an exception with no IDT); for tests of
 * the test harness only. */
_Noreturn void arch_triple_fault(void);
void arch_cpu_relax(void);

/* Prints the frame-pointer chain from the caller's frame. */
void arch_backtrace_here(void);

/* ---- stopping ------------------------------------------------------- */

typedef enum {
    ARCH_STOP_PASS, /* a test passed */
    ARCH_STOP_FAIL, /* a test failed, or a panic */
} arch_stop_t;

/* Ends the run: under a test (isa-debug-exit present) QEMU exits with the
 * code; otherwise the CPU halts for good. */
_Noreturn void arch_stop(arch_stop_t how);

/* True when the kernel was asked to end runs through isa-debug-exit. */
void arch_set_test_mode(bool on);

#endif
