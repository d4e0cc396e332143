/*
 * The boot-information step of kmain, shared with the test scenarios so
 * they can prove what the kernel does with a bad block: the very function
 * that parsed the loader's block at boot parses a damaged one and panics
 * with the parser's diagnostic.
 */
#ifndef KERN_BOOT_H
#define KERN_BOOT_H

#include <kern/mb2.h>

#define BOOT_MIN_RAM (16 * MB) /* less usable memory above 1 MiB is refused */

/* Parses and checks a multiboot2 block read through mbi (at most avail
 * bytes); panics naming the fault when it is unusable. */
void boot_parse_info(uint32_t magic, const void *mbi, size_t avail, mb2_info_t *out_info);

/* The loader's block as the kernel found it (through the direct map). */
const void *boot_mbi(void);

#endif
