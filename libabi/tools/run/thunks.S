/*
 * The thunks through which translated code reaches dogma-run (the
 * contracts are in dogma/translate.h and spec/abi.md), and dr_enter, the
 * way in. Every thunk leaves the stacklet for the host stack before it
 * calls C: translated code runs on small stacklets, C code does not. C
 * preserves R13-R15 and RBP, all that translated code keeps across a call
 * (it saves the homes of its locals itself).
 */
#include <dogma/translate.h>
#include "pb.h"

        .intel_syntax noprefix
        .text

/* void dr_enter(void *pb, uint64_t adapter, uint64_t stack_top) */
        .globl dr_enter
        .type dr_enter, @function
dr_enter:
        push rbp
        push rbx
        push r12
        push r13
        push r14
        push r15
        mov [rdi + PB_HOST_RSP], rsp
        mov r15, rdi
        mov r14, [r15 + DX_PB_MEM_BASE]
        mov r13, [r15 + DX_PB_MEM_SIZE]
        mov rsp, rdx
        xor ebp, ebp            /* the end of the frame chain */
        call rsi
        mov rsp, [r15 + PB_HOST_RSP]
        pop r15
        pop r14
        pop r13
        pop r12
        pop rbx
        pop rbp
        ret
        .size dr_enter, . - dr_enter

/* Host calls: edi = the call's number, arguments in the transfer area. */
        .globl dr_hostcall_thunk
        .type dr_hostcall_thunk, @function
dr_hostcall_thunk:
        mov [r15 + PB_SAVED_RSP], rsp
        mov [r15 + PB_SAVED_RBP], rbp
        mov rsp, [r15 + PB_HOST_RSP]
        and rsp, -16
        mov esi, edi
        mov rdi, r15
        call dr_hostcall
        mov rsp, [r15 + PB_SAVED_RSP]
        ret
        .size dr_hostcall_thunk, . - dr_hostcall_thunk

/* Stacklet slow path: eax = bytes needed. Preserves the argument
 * registers; may return on a new stacklet (dr_morestack decides). */
        .globl dr_morestack_thunk
        .type dr_morestack_thunk, @function
dr_morestack_thunk:
        mov [r15 + PB_SAVE + 0x00], rdi
        mov [r15 + PB_SAVE + 0x08], rsi
        mov [r15 + PB_SAVE + 0x10], rdx
        mov [r15 + PB_SAVE + 0x18], rcx
        mov [r15 + PB_SAVE + 0x20], r8
        mov [r15 + PB_SAVE + 0x28], r9
        movq [r15 + PB_SAVE_XMM + 0x00], xmm0
        movq [r15 + PB_SAVE_XMM + 0x08], xmm1
        movq [r15 + PB_SAVE_XMM + 0x10], xmm2
        movq [r15 + PB_SAVE_XMM + 0x18], xmm3
        movq [r15 + PB_SAVE_XMM + 0x20], xmm4
        movq [r15 + PB_SAVE_XMM + 0x28], xmm5
        movq [r15 + PB_SAVE_XMM + 0x30], xmm6
        movq [r15 + PB_SAVE_XMM + 0x38], xmm7
        mov [r15 + PB_SAVED_RSP], rsp
        mov [r15 + PB_SAVED_RBP], rbp
        mov rsp, [r15 + PB_HOST_RSP]
        and rsp, -16
        mov rdi, r15
        mov esi, eax
        call dr_morestack       /* returns the rsp to continue with */
        mov rsp, rax
        mov rdi, [r15 + PB_SAVE + 0x00]
        mov rsi, [r15 + PB_SAVE + 0x08]
        mov rdx, [r15 + PB_SAVE + 0x10]
        mov rcx, [r15 + PB_SAVE + 0x18]
        mov r8,  [r15 + PB_SAVE + 0x20]
        mov r9,  [r15 + PB_SAVE + 0x28]
        movq xmm0, [r15 + PB_SAVE_XMM + 0x00]
        movq xmm1, [r15 + PB_SAVE_XMM + 0x08]
        movq xmm2, [r15 + PB_SAVE_XMM + 0x10]
        movq xmm3, [r15 + PB_SAVE_XMM + 0x18]
        movq xmm4, [r15 + PB_SAVE_XMM + 0x20]
        movq xmm5, [r15 + PB_SAVE_XMM + 0x28]
        movq xmm6, [r15 + PB_SAVE_XMM + 0x30]
        movq xmm7, [r15 + PB_SAVE_XMM + 0x38]
        ret
        .size dr_morestack_thunk, . - dr_morestack_thunk

/* A function that began a stacklet returns here: back to the previous
 * stacklet, then to the function's caller. Results in rax/xmm0 survive. */
        .globl dr_unlink_thunk
        .type dr_unlink_thunk, @function
dr_unlink_thunk:
        mov [r15 + PB_RESULT], rax
        movq [r15 + PB_RESULT + 8], xmm0
        mov rsp, [r15 + PB_HOST_RSP]
        and rsp, -16
        mov rdi, r15
        call dr_lessstack       /* returns the caller's rsp */
        mov rsp, rax
        mov rax, [r15 + PB_RESULT]
        movq xmm0, [r15 + PB_RESULT + 8]
        ret
        .size dr_unlink_thunk, . - dr_unlink_thunk

/* Preemption: every register but the flags survives. */
        .globl dr_yield_thunk
        .type dr_yield_thunk, @function
dr_yield_thunk:
        push rax
        push rcx
        push rdx
        push rsi
        push rdi
        push r8
        push r9
        push r10
        push r11
        mov [r15 + PB_SAVED_RSP], rsp
        mov rsp, [r15 + PB_HOST_RSP]
        and rsp, -16
        sub rsp, 128
        movdqu [rsp + 0x00], xmm0
        movdqu [rsp + 0x10], xmm1
        movdqu [rsp + 0x20], xmm2
        movdqu [rsp + 0x30], xmm3
        movdqu [rsp + 0x40], xmm4
        movdqu [rsp + 0x50], xmm5
        movdqu [rsp + 0x60], xmm6
        movdqu [rsp + 0x70], xmm7
        sub rsp, 128
        movdqu [rsp + 0x00], xmm8
        movdqu [rsp + 0x10], xmm9
        movdqu [rsp + 0x20], xmm10
        movdqu [rsp + 0x30], xmm11
        movdqu [rsp + 0x40], xmm12
        movdqu [rsp + 0x50], xmm13
        movdqu [rsp + 0x60], xmm14
        movdqu [rsp + 0x70], xmm15
        mov rdi, r15
        call dr_yield
        movdqu xmm8,  [rsp + 0x00]
        movdqu xmm9,  [rsp + 0x10]
        movdqu xmm10, [rsp + 0x20]
        movdqu xmm11, [rsp + 0x30]
        movdqu xmm12, [rsp + 0x40]
        movdqu xmm13, [rsp + 0x50]
        movdqu xmm14, [rsp + 0x60]
        movdqu xmm15, [rsp + 0x70]
        add rsp, 128
        movdqu xmm0, [rsp + 0x00]
        movdqu xmm1, [rsp + 0x10]
        movdqu xmm2, [rsp + 0x20]
        movdqu xmm3, [rsp + 0x30]
        movdqu xmm4, [rsp + 0x40]
        movdqu xmm5, [rsp + 0x50]
        movdqu xmm6, [rsp + 0x60]
        movdqu xmm7, [rsp + 0x70]
        mov rsp, [r15 + PB_SAVED_RSP]
        pop r11
        pop r10
        pop r9
        pop r8
        pop rdi
        pop rsi
        pop rdx
        pop rcx
        pop rax
        ret
        .size dr_yield_thunk, . - dr_yield_thunk

        .section .note.GNU-stack, "", @progbits
