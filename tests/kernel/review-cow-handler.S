/*
 * rv_fork_probe(shared) (review-cow-handler.c): forks. The parent gets
 * rax back. The child waits (yielding) until shared[0] is nonzero, then
 * copies the word 32 bytes below the top of its current stacklet (where
 * a fault handler's dogma_fault_info_t would go) into shared[1] and exits
 * 0. shared is in a shared read-write region: the same address in both.
 */
#include <dogma/abi.h>

#include "dogma_asm.h"

    .text
    .global rv_fork_probe
    .type rv_fork_probe, @function
rv_fork_probe:
    push_callee_saved
    pushq %rdi
    movl $SYS_FORK, %eax
    syscall
    testq %rax, %rax
    jz 1f
    popq %rdi
    pop_callee_saved
    ret
1:  popq %rdi                           /* the child: shared */
    movq DOGMA_PB_STACK_TOP(%rdx), %rsi /* rdx: our process block */
2:  cmpq $0, (%rdi)
    jne 3f
    pushq %rdi
    pushq %rsi
    movl $SYS_YIELD, %eax
    syscall
    popq %rsi
    popq %rdi
    jmp 2b
3:  movq -32(%rsi), %rax
    movq %rax, 8(%rdi)
    xorl %edi, %edi
    movl $SYS_EXIT, %eax
    syscall
    ud2
    .size rv_fork_probe, . - rv_fork_probe

    .section .note.GNU-stack, "", @progbits
