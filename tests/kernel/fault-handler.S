/*
 * fh_regs_probe(target, out): fault-handler.c's register probe. Loads
 * known values into every general register but rsp and rdi (which holds
 * target), into xmm0, xmm7 and xmm15, and sets the carry flag; then
 * writes to *target at fh_probe_insn, which faults when the page is
 * read-only; after the handler has resumed it, stores what the registers
 * hold into out[] (rax, rbx, rcx, rdx, rsi, rbp, r8-r15, rdi, rflags,
 * then the three vector registers, 16 bytes each) and returns.
 */
#include "dogma_asm.h"

    .text
    .global fh_regs_probe
    .global fh_probe_insn
    .type fh_regs_probe, @function
fh_regs_probe:
    push_callee_saved
    pushq %rsi                        /* out */
    movdqu fh_xmm0(%rip), %xmm0
    movdqu fh_xmm7(%rip), %xmm7
    movdqu fh_xmm15(%rip), %xmm15
    movabsq $0x1111111111111101, %rax
    movabsq $0x2222222222222202, %rbx
    movabsq $0x3333333333333303, %rcx
    movabsq $0x4444444444444404, %rdx
    movabsq $0x5555555555555505, %rsi
    movabsq $0x6666666666666606, %rbp
    movabsq $0x0808080808080808, %r8
    movabsq $0x0909090909090909, %r9
    movabsq $0x1010101010101010, %r10
    movabsq $0x1111111111111111, %r11
    movabsq $0x1212121212121212, %r12
    movabsq $0x1313131313131313, %r13
    movabsq $0x1414141414141414, %r14
    movabsq $0x1515151515151515, %r15
    stc
fh_probe_insn:
    movl $0x5a5a5a5a, (%rdi)
    pushfq                            /* before anything touches the flags */
    xchgq %rax, 8(%rsp)               /* rax = out; the slot keeps rax */
    movq %rbx, 8(%rax)
    movq %rcx, 16(%rax)
    movq %rdx, 24(%rax)
    movq %rsi, 32(%rax)
    movq %rbp, 40(%rax)
    movq %r8, 48(%rax)
    movq %r9, 56(%rax)
    movq %r10, 64(%rax)
    movq %r11, 72(%rax)
    movq %r12, 80(%rax)
    movq %r13, 88(%rax)
    movq %r14, 96(%rax)
    movq %r15, 104(%rax)
    movq %rdi, 112(%rax)
    popq %rcx                         /* rflags */
    movq %rcx, 120(%rax)
    popq %rcx                         /* rax */
    movq %rcx, 0(%rax)
    movdqu %xmm0, 128(%rax)
    movdqu %xmm7, 144(%rax)
    movdqu %xmm15, 160(%rax)
    pop_callee_saved
    ret
    .size fh_regs_probe, . - fh_regs_probe

    .section .rodata
    .balign 16
    .global fh_xmm0, fh_xmm7, fh_xmm15
fh_xmm0:  .quad 0x0a0a0a0a0a0a0a00, 0x0b0b0b0b0b0b0b00
fh_xmm7:  .quad 0x0a0a0a0a0a0a0a07, 0x0b0b0b0b0b0b0b07
fh_xmm15: .quad 0x0a0a0a0a0a0a0a0f, 0x0b0b0b0b0b0b0b0f

    .section .note.GNU-stack, "", @progbits
