/*
 * Kernel symbols, for naming addresses in panics and backtraces.
 *
 * GRUB's multiboot2 loader loads the kernel ELF's symbol and string tables
 * along with the image and reports the section headers in the boot
 * information (tag 9). ksyms_init finds SHT_SYMTAB and its linked string
 * table there, checks that every size and index stays inside what was
 * loaded, and keeps them; ksyms_lookup names the function that contains an
 * address. Without the tag (another loader) lookups simply fail and panics
 * print bare addresses.
 */
#ifndef KERN_KSYMS_H
#define KERN_KSYMS_H

#include <kern/types.h>

typedef struct {
    paddr_t base, end; /* where a table the kernel keeps using lives */
} ksyms_range_t;

typedef struct {
    const uint8_t *symtab; /* Elf64_Sym array */
    size_t nsyms;
    const char *strtab;
    size_t strtab_size;
    ksyms_range_t ranges[2]; /* symtab, strtab: to reserve in the pmm */
} ksyms_t;

/*
 * headers: num section headers of entsize bytes (must be 64, Elf64_Shdr);
 * phys_to_virt turns the sh_addr GRUB filled in into a pointer. Returns
 * false (and leaves k empty) when the headers lack a usable symbol table.
 */
bool ksyms_init(ksyms_t *k, const void *headers, uint32_t num, uint32_t entsize,
                void *(*phys_to_virt)(paddr_t));

/* The function containing addr: its name and addr's offset into it. */
bool ksyms_lookup(const ksyms_t *k, uint64_t addr, const char **out_name,
                  uint64_t *out_offset);

/* The kernel's own table (kern/main.c fills it at boot). */
extern ksyms_t kernel_syms;

#endif
