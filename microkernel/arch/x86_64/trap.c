/*
 * Trap dispatch, exception fixups and the panic dump.
 *
 * trap_dispatch sorts every vector: the timer and spurious interrupts go to
 * their handlers; an exception at an instruction listed in the exception
 * table (probe.S) resumes at its fixup with the fault recorded, which is how
 * the kernel touches memory that may not be there; an exception with a
 * registered handler (arch_set_trap_handler) goes to it; anything else is a
 * kernel bug and ends in a panic that prints the vector and its name, the
 * error code decoded, RIP, CR2 for page faults, every register, and a
 * frame-pointer backtrace.
 */
#include <arch/arch.h>
#include <kern/log.h>
#include <kern/fmt.h>
#include <kern/ksyms.h>

#include "cpu.h"
#include "x86.h"

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range exceeded", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack-segment fault", "#GP general protection",
    "#PF page fault", "reserved (15)", "#MF x87 floating-point", "#AC alignment check",
    "#MC machine check", "#XM SIMD floating-point", "#VE virtualization",
    "#CP control protection", "reserved (22)", "reserved (23)", "reserved (24)",
    "reserved (25)", "reserved (26)", "reserved (27)", "#HV hypervisor injection",
    "#VC VMM communication", "#SX security", "reserved (31)",
};

extern const extable_entry_t __extable_start[], __extable_end[];

static arch_trap_handler_t handlers[32];
/* Set by probe.S's exec probe: the next instruction-fetch fault returns to
 * the probe's caller instead of panicking. */
volatile uint64_t probe_exec_active;
static arch_fault_t probe_fault;

void arch_set_trap_handler(unsigned vector, arch_trap_handler_t fn)
{
    if (vector < 32)
        handlers[vector] = fn;
}

const char *arch_fault_name(unsigned vector)
{
    return vector < 32 ? exception_names[vector] : "interrupt";
}

static arch_fault_t fault_of(const trap_frame_t *tf)
{
    return (arch_fault_t){
        .vector = (unsigned)tf->vector,
        .error_code = tf->error_code,
        .fault_addr = tf->vector == 14 ? read_cr2() : 0,
        .rip = tf->rip,
    };
}

/* Faults a probe may meet and resume from. Not NMI, #DB or #MC (they can
 * arrive at any instruction, including a probe's, and are not its fault),
 * and never #DF (an abort: the saved RIP means nothing). */
static bool fixup_vector(uint64_t vec)
{
    return vec == 6 || vec == 12 || vec == 13 || vec == 14 || vec == 17;
}

static bool try_fixup(trap_frame_t *tf)
{
    if (!fixup_vector(tf->vector) || (tf->cs & 3) != 0)
        return false; /* probes are kernel code */
    for (const extable_entry_t *e = __extable_start; e < __extable_end; e++) {
        if (e->insn == tf->rip) {
            probe_fault = fault_of(tf);
            tf->rip = e->fixup;
            return true;
        }
    }
    /* An exec probe jumped to a page that must not execute: the fault's
     * RIP is the target itself, and the probe's return address is on top
     * of the stack. Return there with RAX = -1. */
    if (probe_exec_active && tf->vector == 14 && (tf->error_code & 0x10) &&
        tf->rip == probe_exec_active) {
        probe_fault = fault_of(tf);
        probe_exec_active = 0;
        tf->rip = *(uint64_t *)tf->rsp;
        tf->rsp += 8;
        tf->rax = (uint64_t)-1;
        return true;
    }
    return false;
}

static void describe_pf(uint64_t err, char *buf, size_t n)
{
    fmt_snprintf(buf, n, "%s %s %s%s%s", (err & 1) ? "protection-violation" : "not-present",
                 (err & 0x10) ? "instruction-fetch" : (err & 2) ? "write" : "read",
                 (err & 4) ? "user" : "supervisor", (err & 8) ? " reserved-bit" : "",
                 (err & 0x20) ? " protection-key" : "");
}

static void dump_frame(const trap_frame_t *tf)
{
    char detail[96] = "";
    const char *name = tf->vector < 32 ? exception_names[tf->vector] : "interrupt";
    if (tf->vector == 14)
        describe_pf(tf->error_code, detail, sizeof detail);

    log_err("trap", "%s (vector %lu) in %s mode", name, tf->vector,
            (tf->cs & 3) ? "user" : "kernel");
    log_err("trap", "  error code 0x%lx %s", tf->error_code, detail);
    const char *fn = "?";
    uint64_t off = 0;
    ksyms_lookup(&kernel_syms, tf->rip, &fn, &off);
    log_err("trap", "  RIP %016lx (%s+0x%lx)  CS %04lx  RFLAGS %016lx", tf->rip, fn, off, tf->cs,
            tf->rflags);
    if (tf->vector == 14)
        log_err("trap", "  CR2 %016lx (the faulting address)", read_cr2());
    log_err("trap", "  RSP %016lx  SS %04lx  CR3 %016lx", tf->rsp, tf->ss, read_cr3());
    log_err("trap", "  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx", tf->rax, tf->rbx, tf->rcx, tf->rdx);
    log_err("trap", "  RSI %016lx  RDI %016lx  RBP %016lx", tf->rsi, tf->rdi, tf->rbp);
    log_err("trap", "  R8  %016lx  R9  %016lx  R10 %016lx  R11 %016lx", tf->r8, tf->r9, tf->r10, tf->r11);
    log_err("trap", "  R12 %016lx  R13 %016lx  R14 %016lx  R15 %016lx", tf->r12, tf->r13, tf->r14, tf->r15);
}

void trap_dispatch(trap_frame_t *tf)
{
    unsigned vec = (unsigned)tf->vector;

    bool from_user = (tf->cs & 3) != 0;
    if (vec == VEC_TIMER) {
        timer_interrupt();
        lapic_eoi();
        kern_timer_tick(from_user);
        return;
    }
    if (vec == VEC_SPURIOUS)
        return; /* the LAPIC wants no EOI for its spurious vector */
    if (vec >= VEC_PIC_BASE && vec < VEC_PIC_BASE + 16) {
        pic_interrupt(vec); /* a line a process holds, or a spurious 7 or 15 */
        return;
    }

    /* An exception in user mode is the process's business, not a kernel
     * bug; except those that say the machine is in trouble. */
    if (from_user && vec < 32 && vec != 2 && vec != 8 && vec != 18) {
        arch_fault_t f = fault_of(tf);
        kern_user_exception((arch_uctx_t *)tf, &f);
        return;
    }

    if (vec < 32) {
        if (try_fixup(tf))
            return;
        if (handlers[vec]) {
            arch_fault_t f = fault_of(tf);
            if (handlers[vec](vec, &f))
                return;
        }
    }

    /* A fault while dumping a fault (a bad symbol table, say) must not
     * dump again: that recursion would end in a triple fault. */
    static bool dumping;
    if (dumping)
        kpanic("fault %u at RIP %016lx while reporting an earlier fault", vec, tf->rip);
    dumping = true;
    dump_frame(tf);
    if (vec < 32)
        kpanic("unhandled %s at RIP %016lx", exception_names[vec], tf->rip);
    kpanic("unexpected interrupt vector %u at RIP %016lx", vec, tf->rip);
}

/*
 * The frame-pointer chain: each frame holds [saved rbp, return address].
 * Only frames inside the kernel's data (the boot stack) or on a mapped
 * page of a process's kernel stack are followed, so a corrupt chain ends
 * the walk instead of faulting in the middle of a panic.
 */
static bool frame_ok(uint64_t rbp)
{
    bool on_stack = (rbp >= (uint64_t)__data_start && rbp + 16 <= (uint64_t)__data_end) ||
                    (arch_on_kstack(rbp) && arch_on_kstack(rbp + 15));
    return on_stack && (rbp & 7) == 0;
}

static void print_frame(int depth, uint64_t addr, unsigned repeats)
{
    const char *name;
    uint64_t off;
    char where[96] = "";
    if (ksyms_lookup(&kernel_syms, addr, &name, &off))
        fmt_snprintf(where, sizeof where, " %s+0x%lx", name, off);
    if (repeats)
        log_err("trap", "  ... the frame above %u more times", repeats);
    else
        log_err("trap", "  #%-2d %016lx%s", depth, addr, where);
}

static void backtrace_from(uint64_t rbp)
{
    uint64_t last = 0;
    unsigned repeats = 0;
    int depth = 0;
    log_err("trap", "backtrace:");
    for (int steps = 0; steps < 4096 && depth < 32 && frame_ok(rbp); steps++) {
        const uint64_t *frame = (const uint64_t *)rbp;
        if (frame[1] == 0)
            break;
        if (frame[1] == last) {
            repeats++; /* recursion: say how deep, not every frame */
        } else {
            if (repeats)
                print_frame(depth, last, repeats);
            repeats = 0;
            print_frame(depth++, frame[1], 0);
            last = frame[1];
        }
        if (frame[0] <= rbp)
            break; /* stacks grow down: a caller's frame is higher */
        rbp = frame[0];
    }
    if (repeats)
        print_frame(depth, last, repeats);
    if (!kernel_syms.nsyms)
        log_err("trap", "(resolve with: addr2line -f -e build/microkernel/dogma.elf ADDR...)");
}

void arch_backtrace_here(void)
{
    backtrace_from((uint64_t)__builtin_frame_address(0));
}

/* The fixup side of every probe (probe.S): hands the recorded fault to the
 * probe's caller and makes the probe return -1. */
int probe_report_fault(arch_fault_t *out);
int probe_report_fault(arch_fault_t *out)
{
    if (out)
        *out = probe_fault;
    return -1;
}
