/*
 * Kernel symbols from the ELF section headers the boot loader passed (see
 * ksyms.h). The headers come from the boot information, so they are checked
 * like everything else from there: entry size, section indices, table sizes
 * that are whole numbers of entries, names that end inside the string
 * table. A table that fails a check is ignored, never trusted partway.
 */
#include <kern/ksyms.h>
#include <kern/string.h>

#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define STT_FUNC 2
#define SHDR_SIZE 64
#define SYM_SIZE 24

ksyms_t kernel_syms;

typedef struct {
    uint32_t name, type;
    uint64_t flags, addr, offset, size;
    uint32_t link, info;
    uint64_t addralign, entsize;
} elf64_shdr_t;

typedef struct {
    uint32_t name;
    uint8_t info, other;
    uint16_t shndx;
    uint64_t value, size;
} elf64_sym_t;

static elf64_shdr_t shdr_at(const void *headers, uint32_t i)
{
    elf64_shdr_t sh;
    memcpy(&sh, (const uint8_t *)headers + (size_t)i * SHDR_SIZE, sizeof sh);
    return sh;
}

bool ksyms_init(ksyms_t *k, const void *headers, uint32_t num, uint32_t entsize,
                void *(*phys_to_virt)(paddr_t))
{
    memset(k, 0, sizeof *k);
    if (!headers || entsize != SHDR_SIZE || num == 0 || num > 4096)
        return false;
    for (uint32_t i = 0; i < num; i++) {
        elf64_shdr_t sym = shdr_at(headers, i);
        if (sym.type != SHT_SYMTAB)
            continue;
        /* The linked string table must exist and be a string table; both
         * must have been loaded (a zero address means they were not). */
        if (sym.link >= num || sym.addr == 0 || sym.size % SYM_SIZE != 0)
            return false;
        elf64_shdr_t str = shdr_at(headers, sym.link);
        if (str.type != SHT_STRTAB || str.addr == 0 || str.size == 0)
            return false;
        /* Both tables must end below 2^48 so that no sum wraps. */
        if (sym.addr + sym.size < sym.addr || str.addr + str.size < str.addr ||
            sym.addr + sym.size > (1ull << 48) || str.addr + str.size > (1ull << 48))
            return false;
        k->symtab = phys_to_virt(sym.addr);
        k->nsyms = sym.size / SYM_SIZE;
        k->strtab = phys_to_virt(str.addr);
        k->strtab_size = str.size;
        k->ranges[0] = (ksyms_range_t){sym.addr, sym.addr + sym.size};
        k->ranges[1] = (ksyms_range_t){str.addr, str.addr + str.size};
        return true;
    }
    return false;
}

bool ksyms_lookup(const ksyms_t *k, uint64_t addr, const char **out_name,
                  uint64_t *out_offset)
{
    const elf64_sym_t *best = NULL;
    elf64_sym_t s;
    uint64_t best_value = 0;
    uint32_t best_name = 0;

    for (size_t i = 0; i < k->nsyms; i++) {
        memcpy(&s, k->symtab + i * SYM_SIZE, sizeof s);
        if ((s.info & 0xf) != STT_FUNC || s.name >= k->strtab_size)
            continue;
        /* Inside the function, or past a size-less symbol's start. */
        bool inside = s.size ? (addr >= s.value && addr - s.value < s.size)
                             : (addr >= s.value);
        if (inside && (!best || s.value > best_value)) {
            best = (const elf64_sym_t *)(k->symtab + i * SYM_SIZE);
            best_value = s.value;
            best_name = s.name;
        }
    }
    if (!best)
        return false;
    const char *name = k->strtab + best_name;
    /* The name must end inside the table. */
    if (strnlen(name, k->strtab_size - best_name) == k->strtab_size - best_name)
        return false;
    *out_name = name;
    *out_offset = addr - best_value;
    return true;
}
