/*
 * bi_fork(junk0, junk1): fork with junk in its argument registers, for
 * badinput.c. The child exits 0 at once, before it touches any memory: an
 * isolated C program's absolute pointers would still name the parent's
 * copies (spec/abi.md section 21). The parent gets rax back.
 */
#define SYS_EXIT 1
#define SYS_FORK 57

    .text
    .global bi_fork
    .type bi_fork, @function
bi_fork:
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
    .size bi_fork, . - bi_fork

    .section .note.GNU-stack, "", @progbits
