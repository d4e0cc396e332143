/*
 * dsys(nr, a0..a5): the test programs' name for dogma_syscall, the one
 * system-call stub every user-mode C program of the tree shares.
 */
#include "../../../libabi/rt/syscall.S"

    .global dsys
    .set dsys, dogma_syscall
