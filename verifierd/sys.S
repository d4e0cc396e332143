/*
 * verifierd's system-call stub (dogma_syscall, shared with the runtime and
 * the kernel's test programs) and the runtime image (rt/), copied in front
 * of every module's code.
 */
#include "../libabi/rt/syscall.S"

    .section .rodata
    .balign 16
    .global vd_rt_image, vd_rt_image_end
vd_rt_image:
    .incbin RT_IMAGE
vd_rt_image_end:
    .section .note.GNU-stack, "", @progbits
