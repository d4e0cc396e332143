/*
 * dsys(nr, a0..a5): the system-call stub. The kernel keeps only rsp and
 * rip across a call (spec/abi.md); the C ABI wants rbx, rbp and r12-r15
 * kept, so they are saved here.
 */
#include "dogma_asm.h"

    .text
    .global dsys
    .type dsys, @function
dsys:
    push_callee_saved
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %r10
    movq %r9, %r8
    movq 56(%rsp), %r9          /* a5: above the six saves and the return */
    syscall
    pop_callee_saved
    ret
    .size dsys, . - dsys
    .section .note.GNU-stack, "", @progbits
