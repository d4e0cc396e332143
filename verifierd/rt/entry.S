/*
 * The runtime's assembly: the image header, the process's entry, the
 * thunks translated code calls through its block (spec/abi.md Part I,
 * sections 5 and 8), the trap stubs and the system-call stub.
 *
 * A system call keeps only rsp and rip (spec/abi.md section 10): every
 * thunk saves on the runtime's stack what its contract says survives and
 * restores it afterwards. The thunks run C on the runtime's own stack,
 * never on a stacklet, which guarantees only DX_STACK_RED bytes.
 */
#include <dogma/translate.h>
#include "rt.h"

#define SYS_EXIT 1
#define SYS_YIELD 2
#define SYS_STACK_SHRINK 61
#define ST_START_ADAPTER 32  /* offsetof(vrt_t, start_adapter) */
#define ST_MAIN_ADAPTER 40   /* offsetof(vrt_t, main_adapter) */

        .intel_syntax noprefix

/* All sixteen vector registers to and from [rsp, rsp + 256): a system
 * call zeroes them (spec/abi.md section 10). */
.macro SAVE_XMM
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        movdqu [rsp + \n * 16], xmm\n
        .endr
.endm
.macro RESTORE_XMM
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        movdqu xmm\n, [rsp + \n * 16]
        .endr
.endm
        .section .text.hdr, "ax"
        .globl vrt_image
vrt_image:
        .long VRT_MAGIC
        .long vrt_image_end - vrt_image
        .long vrt_start - vrt_image
        .long vrt_hostcall - vrt_image
        .long vrt_morestack - vrt_image
        .long vrt_yield - vrt_image

        .text
/* The entry: r15 = the translation block, rsi = the process block, rsp =
 * the first stacklet's top - 8. Runs the start function, then _start,
 * then exits 0. */
vrt_start:
        mov rbx, rsp
        mov rsp, [r15 + VRT_PB_RT_STACK]
        mov rdi, r15
        call vrt_init_c                 /* keeps rbx and r15 (the C ABI) */
        mov rsp, rbx
        mov r14, [r15 + DX_PB_MEM_BASE]
        mov r13, [r15 + DX_PB_MEM_SIZE]
        xor ebp, ebp                    /* the end of the frame chain */
        sub rsp, 8                      /* aligned at each call */
        mov rax, [r15 + VRT_PB_STATE]
        mov rax, [rax + ST_START_ADAPTER]
        test rax, rax
        jz 1f
        call rax
1:      mov rax, [r15 + VRT_PB_STATE]
        call [rax + ST_MAIN_ADAPTER]
        xor edi, edi
        mov eax, SYS_EXIT
        syscall
        ud2

/* Host calls: edi = the number, arguments in the transfer area. C keeps
 * r13-r15 and rbp itself (the system-call stub saves them around the
 * instruction). */
vrt_hostcall:
        mov [r15 + VRT_PB_SAVED_RSP], rsp
        mov [r15 + VRT_PB_SAVED_RBP], rbp
        mov rsp, [r15 + VRT_PB_RT_STACK]
        mov esi, edi
        mov rdi, r15
        call vrt_hostcall_c
        mov rsp, [r15 + VRT_PB_SAVED_RSP]
        ret

/* Stacklet slow path: eax = bytes needed. Keeps every register but rax,
 * r10, r11 and the flags; may return on a new stacklet. */
vrt_morestack:
        mov [r15 + VRT_PB_SAVED_RSP], rsp
        mov [r15 + VRT_PB_SAVED_RBP], rbp
        mov rsp, [r15 + VRT_PB_RT_STACK]
        push rdi
        push rsi
        push rdx
        push rcx
        push r8
        push r9
        sub rsp, 272
        SAVE_XMM
        mov rdi, r15
        mov esi, eax
        call vrt_morestack_c            /* the rsp to return with */
        mov r11, rax
        RESTORE_XMM
        add rsp, 272
        pop r9
        pop r8
        pop rcx
        pop rdx
        pop rsi
        pop rdi
        mov rsp, r11
        ret

/* A function that began a stacklet returns here, with rsp at the words
 * vrt_morestack_c left above its frame: [rsp] = where its own return
 * address still is on the previous stacklet. Back there, the stacklet
 * unlinked (stack_shrink keeps it as the spare), and on to the caller
 * with the results (rax, xmm0) and the pinned registers intact. The
 * previous stacklet has DX_STACK_RED bytes free below that slot. */
        .globl vrt_unlink
vrt_unlink:
        mov rsp, [rsp]
        sub rsp, 48
        mov [rsp + 0x00], rax
        movdqu [rsp + 0x08], xmm0
        mov [rsp + 0x18], r15
        mov [rsp + 0x20], r14
        mov [rsp + 0x28], rbp
        mov eax, SYS_STACK_SHRINK
        syscall
        mov rax, [rsp + 0x00]
        movdqu xmm0, [rsp + 0x08]
        mov r15, [rsp + 0x18]
        mov r14, [rsp + 0x20]
        mov rbp, [rsp + 0x28]
        mov r13, [r15 + DX_PB_MEM_SIZE]
        add rsp, 48
        ret

/* Preemption: every register but the flags survives the yield. */
vrt_yield:
        mov [r15 + VRT_PB_SAVED_RSP], rsp
        mov rsp, [r15 + VRT_PB_RT_STACK]
        push rax
        push rcx
        push rdx
        push rbx
        push rsi
        push rdi
        push rbp
        push r8
        push r9
        push r10
        push r11
        push r12
        push r13
        push r14
        push r15
        sub rsp, 264
        SAVE_XMM
        mov eax, SYS_YIELD
        syscall
        RESTORE_XMM
        add rsp, 264
        pop r15
        pop r14
        pop r13
        pop r12
        pop r11
        pop r10
        pop r9
        pop r8
        pop rbp
        pop rdi
        pop rsi
        pop rbx
        pop rdx
        pop rcx
        pop rax
        mov rsp, [r15 + VRT_PB_SAVED_RSP]
        ret

/* _Noreturn void vrt_trap(unsigned code): ends the process at a trap
 * stub, where the kernel reads the code (spec/abi.md section 7). */
        .globl vrt_trap
vrt_trap:
        and edi, 15
        lea rax, [rip + vrt_trap_stubs]
        lea rdi, [rdi + rdi * 2]
        add rax, rdi
        jmp rax
vrt_trap_stubs:
        .irp code, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        ud2
        .byte \code
        .endr

        .section .note.GNU-stack, "", @progbits
