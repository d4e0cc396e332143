/* Constants the assembly files share with C (cpu.h, x86.h). */
#ifndef X86_ASM_H
#define X86_ASM_H

#define SEL_UDATA 0x23
#define SEL_UCODE 0x2b
#define VEC_SYSCALL 0x100 /* the vector field of a system call's frame */

/* Offsets in trap_frame_t (x86.h). */
#define TF_RDX 88
#define TF_RAX 112
#define TF_RIP 136
#define TF_RFLAGS 152
#define TF_RSP 160
#define TF_SIZE 176

/* rflags user code may keep through sysret: CF PF AF ZF SF DF OF (no TF,
 * no AC, no NT); IF and the always-one bit 1 are forced on. */
#define RFLAGS_USER_MASK 0xcd5
#define RFLAGS_USER_SET 0x202

#ifdef __ASSEMBLER__
/* The general registers of a trap frame (x86.h's trap_frame_t), pushed
 * after the vector: rax first, so r15 ends lowest. */
.macro PUSH_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm
#endif

#endif
