/*
 * Trap entry: one stub per vector, all ending in trap_common.
 *
 * Each stub pushes a zero where the CPU pushes no error code, so every
 * frame has the same shape (trap_frame_t in x86.h), then the vector number.
 * trap_common saves the general registers, calls trap_dispatch with the
 * frame, restores them (trap_dispatch may have changed RIP, RSP or RAX for
 * a fixup) and returns with iretq.
 */
#include "asm.h"

    .text

/* Vectors 8, 10-14, 17, 21, 29 and 30 push an error code themselves. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)
/* Every stub starts on a 16-byte boundary and fits in 16 bytes (at most
 * 2 + 5 + 5), so the stub for vector v is at isr_stubs + 16 * v. */
#define STUB(v) .balign 16; .if !HAS_ERROR_CODE(v); pushq $0; .endif; \
                pushq $(v); jmp trap_common;
#define STUB4(v) STUB(v) STUB((v) + 1) STUB((v) + 2) STUB((v) + 3)
#define STUB16(v) STUB4(v) STUB4((v) + 4) STUB4((v) + 8) STUB4((v) + 12)
#define STUB64(v) STUB16(v) STUB16((v) + 16) STUB16((v) + 32) STUB16((v) + 48)

    .balign 16
    .global isr_stubs
isr_stubs:
    STUB64(0)
    STUB64(64)
    STUB64(128)
    STUB64(192)
    .balign 16
    .global isr_stubs_end
isr_stubs_end:

    .type trap_common, @function
trap_common:
    PUSH_GPRS
    cld
    movq %rsp, %rdi
    /* A frame-pointer link so a backtrace walks from the handler into the
     * interrupted code: rbp -> [saved rbp, rip]. */
    pushq 0x88(%rsp)     /* rip */
    pushq %rbp
    movq %rsp, %rbp
    call trap_dispatch
    addq $16, %rsp
    .global trap_return
trap_return:            /* rsp at a whole trap frame: restore it all */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp       /* vector, error code */
    iretq
    .size trap_common, . - trap_common
