/*
 * t_fork_exit0(a0, a1) (dogma_user.h): fork with junk in its first two
 * argument registers. The child exits 0 at once, before it touches any
 * memory: an isolated C program's absolute pointers would still name the
 * parent's copies (spec/abi.md section 21). The parent gets rax back.
 */
#include "dogma_asm.h"

    .text
    .global t_fork_exit0
    .type t_fork_exit0, @function
t_fork_exit0:
    push_callee_saved
    movl $SYS_FORK, %eax
    syscall
    testq %rax, %rax
    jnz 1f
    xorl %edi, %edi
    movl $SYS_EXIT, %eax
    syscall
    ud2
1:  pop_callee_saved
    ret
    .size t_fork_exit0, . - t_fork_exit0

    .section .note.GNU-stack, "", @progbits
