/*
 * sf_fork(): fork, for sysfuzz.c. The child exits 0 at once, before it
 * touches any memory: an isolated C program's absolute pointers would
 * still name the parent's copies (spec/abi.md section 21). The parent
 * gets rax back.
 */
#define SYS_EXIT 1
#define SYS_FORK 57

    .text
    .global sf_fork
    .type sf_fork, @function
sf_fork:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movl $SYS_FORK, %eax
    syscall
    testq %rax, %rax
    jnz 1f
    xorl %edi, %edi
    movl $SYS_EXIT, %eax
    syscall
    ud2
1:  popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret
    .size sf_fork, . - sf_fork

    .section .note.GNU-stack, "", @progbits
