# The generic kernel sources: no architecture code, no inline assembly, only
# <kern/*.h> and the compiler's freestanding headers. The kernel links them,
# and the host unit tests (tests/unit) compile the very same files.
set(DOGMA_KERN_GENERIC_SOURCES
    kern/cmdline.c
    kern/elf.c
    kern/fmt.c
    kern/heap.c
    kern/initrd.c
    kern/ksyms.c
    kern/mb2.c
    kern/memmap.c
    kern/pmm.c
    kern/strlcpy.c
    kern/vrange.c
)
