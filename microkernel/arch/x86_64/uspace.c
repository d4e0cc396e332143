/*
 * User mode on x86-64: the SYSCALL MSRs, the FPU for user code, user
 * contexts (the trap frame at the top of each process's kernel stack) and
 * switching between kernel stacks.
 *
 * One CPU: the stack the next entry from user mode lands on is a global
 * (cpu_entry_stack, mirrored into TSS.RSP0 for interrupts), changed on
 * every switch. The kernel runs with interrupts off except in its idle
 * loop, so nothing interrupts kernel code on a process's kernel stack.
 */
#include <arch/arch.h>
#include <kern/log.h>
#include <kern/string.h>

#include "asm.h"
#include "cpu.h"
#include "x86.h"

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define EFER_SCE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_SMEP (1u << 20)
#define CR4_SMAP (1u << 21)
#define CPUID7_SMEP (1u << 7)
#define CPUID7_SMAP (1u << 20)
/* Cleared on SYSCALL: IF (kernel code runs with interrupts off), TF, DF
 * (the C ABI wants it clear), AC, NT. */
#define FMASK_BITS 0x44700

_Static_assert(sizeof(trap_frame_t) == TF_SIZE, "asm.h's frame size");
_Static_assert(sizeof(arch_uctx_t) == sizeof(trap_frame_t), "arch_uctx_t is the trap frame");
_Static_assert(__builtin_offsetof(trap_frame_t, rax) == TF_RAX, "asm.h");
_Static_assert(__builtin_offsetof(trap_frame_t, rdx) == TF_RDX, "asm.h");
_Static_assert(__builtin_offsetof(trap_frame_t, rip) == TF_RIP, "asm.h");
_Static_assert(__builtin_offsetof(trap_frame_t, rflags) == TF_RFLAGS, "asm.h");
_Static_assert(__builtin_offsetof(trap_frame_t, rsp) == TF_RSP, "asm.h");
_Static_assert(SEL_UDATA == (0x20 | 3) && SEL_UCODE == (0x28 | 3), "gdt.c's user selectors");

extern char syscall_entry[], kstack_first_entry[];
void arch_switch_stacks(arch_kstack_t *from, arch_kstack_t *to);
void kern_first_entry(void);

uint64_t cpu_entry_stack; /* top of the current process's kernel stack */
uint64_t cpu_user_rsp;    /* scratch for syscall_entry */

void arch_user_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* SYSCALL: CS = 0x08, SS = 0x10. SYSRET (64-bit): CS = 0x18 + 16 | 3
     * = 0x2b, SS = 0x18 + 8 | 3 = 0x23. */
    wrmsr(MSR_STAR, ((uint64_t)0x18 << 48) | ((uint64_t)SEL_KCODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, FMASK_BITS);
    /* The kernel itself never uses the FPU (built -mno-sse); user code
     * does, with SSE exceptions reported as #XM. */
    write_cr0((read_cr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    /* The kernel never runs or touches user pages itself (kern/uaccess.c
     * copies through the direct map): where the CPU can, it says so. */
    uint32_t f7 = cpuid(0, 0).eax >= 7 ? cpuid(7, 0).ebx : 0;
    uint64_t cr4 = read_cr4();
    if (f7 & CPUID7_SMEP)
        cr4 |= CR4_SMEP;
    if (f7 & CPUID7_SMAP)
        cr4 |= CR4_SMAP;
    write_cr4(cr4);
    log_info("cpu", "SYSCALL/SYSRET enabled (entry %lx), SSE for user code; SMEP %s, SMAP %s",
             (uint64_t)syscall_entry, (cr4 & CR4_SMEP) ? "on" : "absent",
             (cr4 & CR4_SMAP) ? "on" : "absent");
}

bool arch_kernel_blocks_user_pages(void) { return read_cr4() & CR4_SMAP; }

static trap_frame_t *tf_of(arch_uctx_t *u) { return (trap_frame_t *)u; }
static const trap_frame_t *ctf_of(const arch_uctx_t *u) { return (const trap_frame_t *)u; }

void arch_uctx_init(arch_uctx_t *u, vaddr_t ip, vaddr_t sp, uint64_t arg0, uint64_t arg1, uint64_t pb)
{
    trap_frame_t *tf = tf_of(u);
    memset(tf, 0, sizeof *tf);
    tf->rip = ip;
    tf->rsp = sp;
    tf->rdi = arg0;
    tf->rsi = arg1;
    tf->r15 = pb;
    tf->cs = SEL_UCODE;
    tf->ss = SEL_UDATA;
    tf->rflags = RFLAGS_USER_SET;
}

void arch_uctx_set_result(arch_uctx_t *u, uint64_t r0, uint64_t r1)
{
    tf_of(u)->rax = r0;
    tf_of(u)->rdx = r1;
}

uint64_t arch_uctx_ip(const arch_uctx_t *u) { return ctf_of(u)->rip; }
uint64_t arch_uctx_sp(const arch_uctx_t *u) { return ctf_of(u)->rsp; }
uint64_t arch_uctx_syscall_number(const arch_uctx_t *u) { return ctf_of(u)->rax; }
uint64_t arch_uctx_fp(const arch_uctx_t *u) { return ctf_of(u)->rbp; }

void arch_uctx_args(const arch_uctx_t *u, uint64_t out[6])
{
    const trap_frame_t *tf = ctf_of(u);
    out[0] = tf->rdi;
    out[1] = tf->rsi;
    out[2] = tf->rdx;
    out[3] = tf->r10;
    out[4] = tf->r8;
    out[5] = tf->r9;
}

void arch_uctx_relocate(arch_uctx_t *u, vaddr_t lo, vaddr_t hi, int64_t delta)
{
    trap_frame_t *tf = tf_of(u);
    uint64_t *gprs[] = {&tf->r15, &tf->r14, &tf->r13, &tf->r12, &tf->r11, &tf->r10, &tf->r9,
                        &tf->r8,  &tf->rbp, &tf->rdi, &tf->rsi, &tf->rdx, &tf->rcx, &tf->rbx,
                        &tf->rax, &tf->rip, &tf->rsp};
    for (size_t i = 0; i < ARRAY_LEN(gprs); i++)
        if (*gprs[i] >= lo && *gprs[i] < hi)
            *gprs[i] += (uint64_t)delta;
}

arch_uctx_t *arch_kstack_uctx(const arch_kstack_t *k)
{
    return (arch_uctx_t *)(k->top - sizeof(trap_frame_t));
}

void arch_kstack_prepare(arch_kstack_t *k)
{
    /* Below the user context: what arch_switch_stacks pops (rbp, rbx,
     * r12-r15, all zero) and its return address. */
    uint64_t *sp = (uint64_t *)arch_kstack_uctx(k);
    *--sp = (uint64_t)kstack_first_entry;
    for (int i = 0; i < 6; i++)
        *--sp = 0;
    k->saved_sp = (uint64_t)sp;
}

void arch_set_kernel_entry_stack(const arch_kstack_t *k)
{
    cpu_entry_stack = k->top;
    tss_set_rsp0(k->top);
}

void arch_switch(arch_kstack_t *from, arch_kstack_t *to)
{
    arch_set_kernel_entry_stack(to);
    arch_switch_stacks(from, to);
}

bool arch_fault_is_write(const arch_fault_t *f) { return f->vector == 14 && (f->error_code & 2); }
bool arch_fault_is_exec(const arch_fault_t *f) { return f->vector == 14 && (f->error_code & 0x10); }
bool arch_fault_is_present(const arch_fault_t *f) { return f->vector == 14 && (f->error_code & 1); }
