/*
 * Machine code for verified processes, as a loader would produce it: each
 * blob is position independent and self-contained, copied by a test
 * program (which holds LOADER) into a code region and started with
 * proc_map_code. At entry: rdi = the map_code argument, r15 = the process
 * block, rsp = the top of the first stacklet (as after a call). A system
 * call keeps only rsp and rip, so the blobs keep what they need on the
 * stack around each one, as translated code's thunks do.
 *
 * Each blob is between vc_NAME and vc_NAME_end.
 */
#include <dogma/abi.h>

/* abi.h numbers its calls in a C enum; user.c checks these against it. */
#define SYS_EXIT 1
#define SYS_YIELD 2

    .text

/* exit(42) */
    .global vc_exit42, vc_exit42_end
vc_exit42:
    movl $42, %edi
    movl $SYS_EXIT, %eax
    syscall
    ud2
vc_exit42_end:

/* A cooperative process: spins polling the preemption flag, as translated
 * code does at loop heads; yields each time it is set; after 5 yields
 * exits with the number of polls that found the flag set (5). */
    .global vc_coop, vc_coop_end
vc_coop:
    pushq $0                      /* yields so far */
1:  cmpl $0, DOGMA_PB_PREEMPT(%r15)
    je 1b
    pushq %r15
    movl $SYS_YIELD, %eax
    syscall
    popq %r15
    incq (%rsp)
    cmpq $5, (%rsp)
    jne 1b
    popq %rdi
    movl $SYS_EXIT, %eax
    syscall
    ud2
vc_coop_end:

/* A process that never polls: spins until the word at rdi is nonzero, so
 * the kernel must preempt it by force. It keeps values in rbx, r12 and
 * xmm0-xmm1 throughout and exits 0 if they survived every preemption, 2
 * if not. */
    .global vc_spin, vc_spin_end
vc_spin:
    movabsq $0x1122334455667788, %rbx
    movabsq $0x0badc0ffee0ddf00, %r12
    movq %rbx, %xmm0
    movq %r12, %xmm1
1:  cmpl $0, (%rdi)
    je 1b
    movq %xmm0, %rax
    cmpq %rax, %rbx
    jne 2f
    movq %xmm1, %rax
    cmpq %rax, %r12
    jne 2f
    movabsq $0x0badc0ffee0ddf00, %rax
    cmpq %rax, %r12
    jne 2f
    xorl %edi, %edi
    jmp 3f
2:  movl $2, %edi
3:  movl $SYS_EXIT, %eax
    syscall
    ud2
vc_spin_end:

/* A translated trap stub: ud2, then its code byte. */
    .global vc_trap, vc_trap_end
vc_trap:
    ud2
    .byte 5
vc_trap_end:

/* Reads its process block and exits with the pid it finds there plus
 * 1000 times its number of grants. */
    .global vc_pb, vc_pb_end
vc_pb:
    movq DOGMA_PB_PID(%r15), %rdi
    movl DOGMA_PB_NGRANTS(%r15), %eax
    imulq $1000, %rax
    addq %rax, %rdi
    movl $SYS_EXIT, %eax
    syscall
    ud2
vc_pb_end:

/* Writes to its own code: must be torn down (code is never writable). */
    .global vc_selfwrite, vc_selfwrite_end
vc_selfwrite:
    leaq vc_selfwrite(%rip), %rax
    movb $0x90, (%rax)
    xorl %edi, %edi
    movl $SYS_EXIT, %eax
    syscall
    ud2
vc_selfwrite_end:

    .section .note.GNU-stack, "", @progbits
