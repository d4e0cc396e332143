/*
 * ELF64 executables for hardware-isolated processes: the parser.
 *
 * Accepted: x86-64, little-endian, ET_EXEC (placed at its own addresses)
 * or ET_DYN with no interpreter (a static PIE, placed anywhere), PT_LOAD
 * segments that do not overlap and are never both writable and executable,
 * and for ET_DYN only R_X86_64_RELATIVE relocations. Everything is hostile
 * input: every offset and size is checked against the file and against
 * overflow, and a refusal names the offset and the rule (elf_error_t).
 * The parser reads through a callback, so the file need not be contiguous
 * (a region's frames) and the host tests and fuzzer can feed it directly.
 */
#ifndef KERN_ELF_H
#define KERN_ELF_H

#include <kern/types.h>

#define ELF_MAX_SEGMENTS 16
#define ELF_MAX_SPAN (1 * GB) /* from the lowest to the highest segment byte */

typedef struct {
    uint64_t vaddr, memsz, offset, filesz;
    uint32_t flags; /* PF_X 1, PF_W 2, PF_R 4 */
} elf_segment_t;

typedef struct {
    bool pie;                 /* ET_DYN: add the load base to everything */
    uint64_t entry;
    uint64_t lo, hi;          /* page-aligned span of the segments */
    unsigned nsegs;
    elf_segment_t segs[ELF_MAX_SEGMENTS];
    uint64_t rela_off, rela_count; /* file offset and count of Elf64_Rela */
} elf_image_t;

typedef struct {
    uint64_t offset;  /* where in the file */
    const char *rule; /* what was wrong */
} elf_error_t;

typedef bool (*elf_read_fn)(void *ctx, uint64_t off, void *dst, size_t n);

bool elf_parse(elf_read_fn read, void *ctx, uint64_t size, elf_image_t *out, elf_error_t *err);

/* One relocation of a parsed image: the address to patch and its value,
 * for the load base. false (with err) for anything but RELATIVE, or a
 * target outside the writable segments. */
bool elf_reloc(const elf_image_t *img, elf_read_fn read, void *ctx, uint64_t index,
               uint64_t base, uint64_t *out_where, uint64_t *out_value, elf_error_t *err);

#endif
