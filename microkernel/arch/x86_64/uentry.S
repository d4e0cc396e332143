/*
 * The ways between user mode and the kernel, and between processes.
 *
 * syscall_entry: the SYSCALL instruction lands here with interrupts off
 * (FMASK), rcx = user rip, r11 = user rflags, rsp still the user's. It
 * moves to the current process's kernel stack (never a stacklet: user
 * stacks are not trusted to be there, or big enough) and builds the same
 * trap frame an interrupt would (x86.h), so every process's user state has
 * one shape. kern_syscall decides how to go back:
 *   - fast: only rip, rsp, rflags and the results rax and rdx are
 *     restored; every other register, vector registers included, is
 *     zeroed (the system-call ABI promises nothing else survives, which
 *     is what makes a voluntary yield cheap and leaks nothing of the
 *     kernel or of other processes);
 *   - whole: through trap_return and iretq, for contexts the kernel
 *     rewrote (a new process, a fault handler, its resumption, fork).
 *
 * arch_switch: swaps kernel stacks, saving only callee-saved registers;
 * everything else the C caller already treats as clobbered.
 */
#include "asm.h"

    .text

    .global syscall_entry
    .type syscall_entry, @function
syscall_entry:
    movq %rsp, cpu_user_rsp(%rip)
    movq cpu_entry_stack(%rip), %rsp
    pushq $SEL_UDATA            /* ss */
    pushq cpu_user_rsp(%rip)    /* rsp */
    pushq %r11                  /* rflags */
    pushq $SEL_UCODE            /* cs */
    pushq %rcx                  /* rip */
    pushq $0                    /* error code */
    pushq $VEC_SYSCALL          /* vector */
    PUSH_GPRS
    cld
    movq %rsp, %rdi
    xorl %ebp, %ebp             /* the kernel's frame chain starts here */
    call kern_syscall
    testb %al, %al
    jnz trap_return
    /* The fast return. Interrupts stay off until sysret sets user rflags.
     * SYSRET to a non-canonical rip would fault in ring 0 on the user's
     * stack: such a context (none should exist) leaves through iretq. */
    movq TF_RIP(%rsp), %rcx
    shrq $47, %rcx
    jnz trap_return
    movq TF_RAX(%rsp), %rax
    movq TF_RDX(%rsp), %rdx
    movq TF_RIP(%rsp), %rcx
    movq TF_RFLAGS(%rsp), %r11
    andl $RFLAGS_USER_MASK, %r11d
    orl $RFLAGS_USER_SET, %r11d
    xorl %ebx, %ebx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    fxrstor64 fpu_clean(%rip)   /* vector and x87 state: as at reset */
    movq TF_RSP(%rsp), %rsp
    sysretq
    .size syscall_entry, . - syscall_entry

/* arch_switch(from, to): from->saved_sp / to->saved_sp are at offset 0. */
    .global arch_switch_stacks
    .type arch_switch_stacks, @function
arch_switch_stacks:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq (%rsi), %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size arch_switch_stacks, . - arch_switch_stacks

/* Where a new process's first switch-in returns: the kernel's after-switch
 * work, then user mode through the frame above. */
    .global kstack_first_entry
    .type kstack_first_entry, @function
kstack_first_entry:
    xorl %ebp, %ebp
    call kern_first_entry
    fxrstor64 fpu_clean(%rip)
    jmp trap_return
    .size kstack_first_entry, . - kstack_first_entry

    .global arch_fpu_save
arch_fpu_save:
    fxsave64 (%rdi)
    ret
    .global arch_fpu_restore
arch_fpu_restore:
    fxrstor64 (%rdi)
    ret

    .section .rodata
    .balign 16
    .global fpu_clean
fpu_clean:                      /* fxsave image of the reset state */
    .word 0x037f                /* FCW: all exceptions masked, 64-bit precision */
    .word 0                     /* FSW */
    .byte 0, 0                  /* FTW (abridged: all empty), reserved */
    .word 0, 0                  /* FOP, FIP low */
    .quad 0                     /* rest of FIP, FDP */
    .long 0x1f80                /* MXCSR: all exceptions masked, round to nearest */
    .long 0xffff                /* MXCSR_MASK (ignored by fxrstor) */
    .skip 512 - 32
