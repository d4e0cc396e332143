/*
 * dogma-run's part of the process block: the environment area
 * (DX_PB_ENV .. DX_PB_HEADER_SIZE) that translate.h leaves to it. Shared by
 * the C runtime and the assembly thunks (thunks.S), hence plain numbers.
 */
#ifndef DOGMA_RUN_PB_H
#define DOGMA_RUN_PB_H

#define PB_HOST_RSP  0x40 /* where host code runs: dr_enter's stack */
#define PB_SAVED_RSP 0x48 /* translated code's rsp at its last thunk call */
#define PB_SAVED_RBP 0x50 /* and its rbp: the start of a backtrace */
#define PB_INST      0x58 /* the dr_inst_t */
#define PB_SAVE      0x60 /* morestack: rdi rsi rdx rcx r8 r9, xmm0..7 */
#define PB_SAVE_XMM  0x90
#define PB_RESULT    0xD0 /* unlink: rax, then xmm0 at +8 */

#endif
