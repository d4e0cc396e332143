/*
 * dogma_syscall(nr, a0, a1, a2, a3, a4, a5): one system call from C, for
 * every user-mode C program of the tree (verifierd, its in-OS runtime, the
 * kernel's test programs). Returns rax and rdx as a 16-byte struct
 * { int64_t result; uint64_t second; }.
 *
 * The kernel keeps only rsp and rip across a call (spec/abi.md section
 * 10); the C ABI wants rbx, rbp and r12-r15 kept, so they are saved here.
 */
    .text
    .global dogma_syscall
    .type dogma_syscall, @function
dogma_syscall:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %r10
    movq %r9, %r8
    movq 56(%rsp), %r9          /* a5: above the six saves and the return */
    syscall
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret
    .size dogma_syscall, . - dogma_syscall
    .section .note.GNU-stack, "", @progbits
