/*
 * For the test programs' assembly (the library's .S files and the
 * programs' own): the call numbers they use (abi.h numbers its calls in a
 * C enum, which the assembler cannot see; user.c checks these against
 * it) and, for functions C calls, the registers the C ABI wants kept that
 * a system call does not keep (it keeps only rsp and rip).
 */
#ifndef DOGMA_ASM_H
#define DOGMA_ASM_H

#define SYS_EXIT 1
#define SYS_YIELD 2
#define SYS_CHANNEL_SEND 31
#define SYS_CHANNEL_RECV 32
#define SYS_WAIT 40
#define SYS_PROC_INFO 55
#define SYS_FORK 57

#ifdef __ASSEMBLER__
/* rbx, rbp, r12-r15: 48 bytes of stack. */
.macro push_callee_saved
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro pop_callee_saved
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
.endm
#endif

#endif
