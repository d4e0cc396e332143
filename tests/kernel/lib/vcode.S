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

#include "dogma_asm.h"

#define ENV_MEM_BASE 0x18 /* the environment word holding the data base */

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

/* Exits with the stack limit it finds at r15 + 8 (its translation block
 * when map_code named one). */
    .global vc_xblock, vc_xblock_end
vc_xblock:
    movq DOGMA_PB_STACK_LIMIT(%r15), %rdi
    movl $SYS_EXIT, %eax
    syscall
    ud2
vc_xblock_end:

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

/* fork: the data region's base is the environment word at 0x18 (as
 * translated code's memory base is). Writes 1 there, then forks one frame
 * down (so the frame-pointer chain has a link to rewrite). Back in the
 * outer frame each side checks that rbp lies on its own stacklet (from its
 * own process block). The child checks it still sees 1, writes 3 and exits
 * 7. The parent writes 2, waits for the child, checks it exited 7 and that
 * its own word is still 2, and exits 0; any failed check exits with a
 * code naming it (11-16 parent, 1-3 child). */
    .global vc_fork, vc_fork_end
vc_fork:
    pushq %rbp
    movq %rsp, %rbp
    callq 1f
    /* The outer frame: r15 = own block, rax = the fork result. */
    cmpq DOGMA_PB_STACK_BASE(%r15), %rbp
    jb 90f
    cmpq DOGMA_PB_STACK_TOP(%r15), %rbp
    jae 90f
    movq ENV_MEM_BASE(%r15), %r14
    testq %rax, %rax
    jnz 20f
    /* The child. */
    movl $1, %edi
    cmpl $1, (%r14)
    jne 99f
    movl $3, (%r14)
    movl $7, %edi
    jmp 99f
20: /* The parent: rax = the child's handle. */
    movl $2, (%r14)
    pushq %r15
    pushq %rax                    /* [rsp] handle, [rsp+8] r15 */
    subq $16, %rsp                /* a dogma_wait_item_t */
    movl %eax, (%rsp)
    movl $DOGMA_SIG_EXITED, 4(%rsp)
    movq $0, 8(%rsp)
    movq %rsp, %rdi
    movl $1, %esi
    movq $-1, %rdx
    movl $SYS_WAIT, %eax
    syscall
    movl $11, %edi
    testq %rax, %rax
    jnz 99f
    subq $256, %rsp               /* a dogma_proc_info_t */
    movl 256+16(%rsp), %edi       /* the handle */
    movq %rsp, %rsi
    movl $SYS_PROC_INFO, %eax
    syscall
    movl $12, %edi
    testq %rax, %rax
    jnz 99f
    movl $13, %edi
    cmpl $DOGMA_PROC_EXITED, 20(%rsp)
    jne 99f
    movl $14, %edi
    cmpq $7, 24(%rsp)
    jne 99f
    movq 256+24(%rsp), %r15
    movq ENV_MEM_BASE(%r15), %r14
    movl $15, %edi
    cmpl $2, (%r14)
    jne 99f
    xorl %edi, %edi
    jmp 99f
90: movl $2, %edi                 /* rbp is not on our own stacklet */
    cmpq $0, %rax
    jz 99f
    movl $16, %edi
99: movl $SYS_EXIT, %eax
    syscall
    ud2
    /* The inner frame: fork here. */
1:  pushq %rbp
    movq %rsp, %rbp
    pushq %r15
    movq ENV_MEM_BASE(%r15), %r14
    movl $1, (%r14)
    movl $SYS_FORK, %eax
    syscall
    /* Only rsp survived: rebuild rbp from it, r15 from the saved copy
     * (parent) or the call's second result (child). */
    leaq 8(%rsp), %rbp
    popq %r15
    testq %rax, %rax
    jnz 2f
    movq %rdx, %r15
2:  testq %rax, %rax
    js 3f
    movq %rbp, %rsp
    popq %rbp
    retq
3:  movl $3, %edi
    movl $SYS_EXIT, %eax
    syscall
    ud2
vc_fork_end:

/* The time stamp counter into rax (clobbers rdx). */
#define RDTSC64 rdtsc; shlq $32, %rdx; orq %rdx, %rax

/* Benchmarks. rdi is a samples buffer in a granted region: [rdi] = N, the
 * number of iterations; each iteration's TSC cycles go to [rdi + 8 + 8i],
 * for the caller's median. */

/* Records, in the frame the benchmark blobs share ([rsp+CNT] the count
 * down, [rsp+BUF] the buffer, [rsp+T0] the iteration's start), the cycles
 * since T0 as sample N - count. */
.macro RECORD cnt, buf, t0
    RDTSC64
    subq \t0(%rsp), %rax
    movq \buf(%rsp), %rdi
    movq (%rdi), %rcx
    subq \cnt(%rsp), %rcx
    movq %rax, 8(%rdi,%rcx,8)
.endm

/* yields N times. With a partner doing the same, one iteration is a round
 * trip: two switches. Exits 0. */
    .global vc_yielder, vc_yielder_end
vc_yielder:
    pushq %rdi                    /* [rsp+16] buffer */
    pushq (%rdi)                  /* [rsp+8] count down */
    pushq $0                      /* [rsp] this iteration's start */
1:  RDTSC64
    movq %rax, (%rsp)
    movl $SYS_YIELD, %eax
    syscall
    RECORD 8, 16, 0
    decq 8(%rsp)
    jnz 1b
    xorl %edi, %edi
    movl $SYS_EXIT, %eax
    syscall
    ud2
vc_yielder_end:

/* For the channel blobs, whose frame holds a 16-byte buffer at [rsp], a
 * wait item at [rsp+16] and the process block at [rsp+BLOCK]. CHAN_CALL:
 * channel_send or channel_recv (nr) of len bytes from or into the buffer,
 * no handles, on the channel granted first. WAIT_GRANT0: wait with no
 * timeout for want on that channel. Both leave the result in rax. */
.macro CHAN_CALL nr, len, block
    movq \block(%rsp), %r15
    movl DOGMA_PB_GRANTS(%r15), %edi
    movq %rsp, %rsi
    movl $\len, %edx
    xorl %r10d, %r10d
    xorl %r8d, %r8d
    movl $\nr, %eax
    syscall
.endm

.macro WAIT_GRANT0 want, block
    movq \block(%rsp), %r15
    movl DOGMA_PB_GRANTS(%r15), %eax
    movl %eax, 16(%rsp)
    movl $\want, 20(%rsp)
    movq $0, 24(%rsp)
    leaq 16(%rsp), %rdi
    movl $1, %esi
    movq $-1, %rdx
    movl $SYS_WAIT, %eax
    syscall
.endm

/* The client: N round trips on the channel granted first: send 8 bytes,
 * wait until readable, receive. Exits 0, or -2 if a call failed. */
    .global vc_ping, vc_ping_end
vc_ping:
    pushq %r15                    /* [rsp+56] block */
    pushq %rdi                    /* [rsp+48] samples buffer */
    pushq $0                      /* [rsp+40] this round's start */
    pushq (%rdi)                  /* [rsp+32] count down */
    subq $32, %rsp                /* [rsp+16] wait item, [rsp] buffer */
1:  RDTSC64
    movq %rax, 40(%rsp)
    CHAN_CALL SYS_CHANNEL_SEND, 8, 56
    testq %rax, %rax
    jnz 9f
    WAIT_GRANT0 DOGMA_SIG_READABLE, 56
    testq %rax, %rax
    jnz 9f
    CHAN_CALL SYS_CHANNEL_RECV, 16, 56
    cmpq $8, %rax
    jne 9f
    RECORD 32, 48, 40
    decq 32(%rsp)
    jnz 1b
    xorl %edi, %edi
    jmp 8f
9:  movq $-2, %rdi
8:  movl $SYS_EXIT, %eax
    syscall
    ud2
vc_ping_end:

/* The server: waits for a message on the channel granted first, receives
 * it and sends it back, until the other end goes away; then exits 0. */
    .global vc_pong, vc_pong_end
vc_pong:
    pushq %r15                    /* [rsp+32] block */
    subq $32, %rsp                /* [rsp+16] wait item, [rsp] buffer */
1:  WAIT_GRANT0 (DOGMA_SIG_READABLE|DOGMA_SIG_PEER_GONE), 32
    CHAN_CALL SYS_CHANNEL_RECV, 16, 32
    testq %rax, %rax
    js 8f                         /* PEER_CLOSED: the client is done */
    CHAN_CALL SYS_CHANNEL_SEND, 8, 32
    jmp 1b
8:  xorl %edi, %edi
    movl $SYS_EXIT, %eax
    syscall
    ud2
vc_pong_end:

    .section .note.GNU-stack, "", @progbits
