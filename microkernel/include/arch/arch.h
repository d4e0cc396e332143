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

/* Legacy ISA interrupt lines 0-15 (not 2, the cascade). A line fires at
 * most once per unmask: it is masked again when it fires, and kern_irq
 * hears of it. */
bool arch_isa_irq_valid(unsigned line);
void arch_isa_irq_unmask(unsigned line);
void arch_isa_irq_mask(unsigned line);
void kern_irq(unsigned line);

/* Port I/O for the holders of I/O-port capabilities; width 1, 2 or 4. */
uint32_t arch_port_in(uint16_t port, unsigned width);
void arch_port_out(uint16_t port, unsigned width, uint32_t value);

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

/* ---- address spaces ------------------------------------------------- */

/* A page table. The global one holds the kernel half and every page of
 * verified processes; a private one (a hardware-isolated process) shares
 * the kernel half, whose top-level entries never change after boot, and
 * maps only its own process's pages in the lower half. */
typedef struct arch_vs arch_vs_t;

arch_vs_t *arch_vs_global(void);
/* NULL when out of frames. */
arch_vs_t *arch_vs_create(void);
/* Frees every lower-half table (not the frames they map) and the root. */
void arch_vs_destroy(arch_vs_t *vs);
/* Maps or remaps one lower-half page (ARCH_MAP_USER is implied); false
 * when out of frames for a table or va is not a user address. */
bool arch_vs_map(arch_vs_t *vs, vaddr_t va, paddr_t pa, unsigned flags);
/* Unmaps one page; the frame it mapped, or 0. */
paddr_t arch_vs_unmap(arch_vs_t *vs, vaddr_t va);
/* Frees the lower-half tables left empty in [lo, hi). */
void arch_vs_prune(arch_vs_t *vs, vaddr_t lo, vaddr_t hi);
/* The frame mapped at va, or 0. */
paddr_t arch_vs_lookup(arch_vs_t *vs, vaddr_t va);
/* Frames this table uses for itself (accounting). */
size_t arch_vs_table_frames(const arch_vs_t *vs);
void arch_vs_activate(arch_vs_t *vs);

/* ---- user contexts -------------------------------------------------- */

/* A process's user register state, as the trap and system-call entries
 * leave it at the top of its kernel stack. Generic code treats it as
 * opaque and uses the accessors. */
typedef struct arch_uctx {
    uint64_t regs[22];
} arch_uctx_t;

/* A fresh user context: entry at ip with the stack at sp, interrupts on,
 * every other register zero but the two arguments (rdi, rsi on x86-64)
 * and the process-block register (r15). */
void arch_uctx_init(arch_uctx_t *u, vaddr_t ip, vaddr_t sp, uint64_t arg0, uint64_t arg1,
                    uint64_t pb);
void arch_uctx_set_result(arch_uctx_t *u, uint64_t r0, uint64_t r1);
uint64_t arch_uctx_ip(const arch_uctx_t *u);
uint64_t arch_uctx_sp(const arch_uctx_t *u);
/* The system call's six arguments, in order. */
void arch_uctx_args(const arch_uctx_t *u, uint64_t out[6]);
uint64_t arch_uctx_syscall_number(const arch_uctx_t *u);
/* The frame pointer (rbp), head of the chain of [saved fp, return ip]. */
uint64_t arch_uctx_fp(const arch_uctx_t *u);
/* Adds delta to every register whose value lies in [lo, hi) (fork). */
void arch_uctx_relocate(arch_uctx_t *u, vaddr_t lo, vaddr_t hi, int64_t delta);

/* A kernel stack for one process, with its user context at the top. The
 * process's first switch-in returns to user mode through its context. */
typedef struct {
    uint64_t saved_sp; /* while switched out */
    vaddr_t base, top;
} arch_kstack_t;

/* A kernel stack of `pages` pages (fewer than 8) above an unmapped guard
 * page, in the kernel half every page table shares; false when out of
 * frames or when 2048 are in use. */
bool arch_kstack_alloc(arch_kstack_t *k, size_t pages);
void arch_kstack_free(arch_kstack_t *k);
/* Is addr on a mapped page of some process's kernel stack? (backtraces) */
bool arch_on_kstack(uint64_t addr);
void arch_kstack_prepare(arch_kstack_t *k);
arch_uctx_t *arch_kstack_uctx(const arch_kstack_t *k);
/* Switches kernel stacks: saves the callee-saved state on from's stack,
 * resumes to (which returns from its own arch_switch, or starts in user
 * mode if it never ran). Also points the CPU's kernel-entry stack at to. */
void arch_switch(arch_kstack_t *from, arch_kstack_t *to);
/* Sets the stack that the next entry from user mode will use. */
void arch_set_kernel_entry_stack(const arch_kstack_t *k);

/* Vector and FPU state of user code. Each process keeps an area of
 * ARCH_FPU_SIZE bytes, aligned to ARCH_FPU_ALIGN. */
#define ARCH_FPU_SIZE 512
#define ARCH_FPU_ALIGN 16
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);

/* Hooks from the trap path into the generic kernel (kern/sched.c,
 * kern/fault.c). from_user says whether the interrupted code was user
 * code; the tick may switch processes. */
void kern_timer_tick(bool from_user);
/* An exception in user mode; returns when the process may go on (perhaps
 * in a changed context), or never (the process ends). */
void kern_user_exception(arch_uctx_t *u, const arch_fault_t *f);
/* A system call; returns true when the context must be restored whole
 * (iretq), false for the fast return that keeps only rsp, rip, rax, rdx. */
bool kern_syscall(arch_uctx_t *u);

/* Enables SYSCALL/SYSRET, the FPU and SSE for user code, and SMEP and SMAP
 * where the CPU has them. */
void arch_user_init(void);
/* True when the kernel faults on touching a user page (SMAP is on). */
bool arch_kernel_blocks_user_pages(void);

/* Fault kinds for kern_user_exception, architecture-neutral. */
#define ARCH_FAULT_PAGE 14
#define ARCH_FAULT_UD 6 /* invalid opcode: ud2, a translated trap */
bool arch_fault_is_write(const arch_fault_t *f);
bool arch_fault_is_exec(const arch_fault_t *f);
bool arch_fault_is_present(const arch_fault_t *f);
const char *arch_fault_name(unsigned vector);

/* ---- stopping ------------------------------------------------------- */

typedef enum {
    ARCH_STOP_PASS, /* a test passed */
    ARCH_STOP_FAIL, /* a test failed, or a panic */
} arch_stop_t;

/* Ends the run: under a test (isa-debug-exit present) QEMU exits with the
 * code; otherwise the CPU halts for good. */
_Noreturn void arch_stop(arch_stop_t how);

/* Resets the machine (the keyboard controller's reset line, then the
 * chipset's reset register, then a triple fault). */
_Noreturn void arch_reset(void);

/* True when the kernel was asked to end runs through isa-debug-exit. */
void arch_set_test_mode(bool on);

#endif
