/*
 * vsys_t vd_sys(nr, a0..a5): verifierd's system-call stub. The kernel keeps
 * only rsp and rip across a call (spec/abi.md section 10); the C ABI wants
 * rbx, rbp and r12-r15 kept, so they are saved here.
 */
    .text
    .global vd_sys
    .type vd_sys, @function
vd_sys:
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
    .size vd_sys, . - vd_sys

/* The runtime image (rt/), copied in front of every module's code. */
    .section .rodata
    .balign 16
    .global vd_rt_image, vd_rt_image_end
vd_rt_image:
    .incbin RT_IMAGE
vd_rt_image_end:
    .section .note.GNU-stack, "", @progbits
