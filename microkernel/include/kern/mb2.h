/*
 * Multiboot2 boot information: parser and checks.
 *
 * The boot information block (MBI) comes from the boot loader, which the
 * kernel trusts to have loaded it, but not to have got every byte right: a
 * corrupted block or a memory map that cannot be true must end in a panic
 * that names what is wrong, never in a wild read or a silent hang. So the
 * parser reads only inside min(total_size, avail), checks every tag's size
 * against its type's fixed layout, requires NUL-terminated strings inside
 * their tags, and copies what the kernel needs into mb2_info_t, which the
 * kernel keeps after the block's memory is reused.
 *
 * Layout reference: the Multiboot2 Specification, version 2.0, section 3.6
 * ("Boot information format"). Tag 9 (ELF sections) is read in the layout
 * GRUB 2 writes (three u32 fields before the headers), which differs from
 * the specification's u16 fields.
 */
#ifndef KERN_MB2_H
#define KERN_MB2_H

#include <kern/types.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u

#define MB2_MAX_TOTAL_SIZE (1u << 20) /* larger blocks are refused */
#define MB2_MAX_MMAP 128              /* memory-map entries kept */
#define MB2_MAX_MODULES 16
#define MB2_MAX_STRING 4096           /* command lines, module strings */

/* Tag types (specification section 3.6). */
enum {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER_NAME = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_BASIC_MEMINFO = 4,
    MB2_TAG_BOOTDEV = 5,
    MB2_TAG_MMAP = 6,
    MB2_TAG_VBE = 7,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_ELF_SECTIONS = 9,
    MB2_TAG_APM = 10,
    MB2_TAG_EFI32 = 11,
    MB2_TAG_EFI64 = 12,
    MB2_TAG_SMBIOS = 13,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
    MB2_TAG_NETWORK = 16,
    MB2_TAG_EFI_MMAP = 17,
    MB2_TAG_EFI_BS = 18,
    MB2_TAG_EFI32_IH = 19,
    MB2_TAG_EFI64_IH = 20,
    MB2_TAG_LOAD_BASE_ADDR = 21,
};

/* Memory-map entry types. */
enum {
    MB2_MEM_AVAILABLE = 1,
    MB2_MEM_RESERVED = 2,
    MB2_MEM_ACPI_RECLAIMABLE = 3,
    MB2_MEM_NVS = 4,
    MB2_MEM_BADRAM = 5,
};

typedef enum {
    MB2_OK = 0,
    MB2_ERR_MAGIC,          /* EAX was not MB2_BOOTLOADER_MAGIC */
    MB2_ERR_NULL,           /* no block, or block not 8-byte aligned */
    MB2_ERR_TOTAL_SIZE,     /* total_size < 16, > limit, or > avail */
    MB2_ERR_TAG_SIZE,       /* tag size below its type's fixed layout */
    MB2_ERR_TAG_OVERRUN,    /* tag runs past total_size */
    MB2_ERR_NO_END,         /* no end tag inside total_size */
    MB2_ERR_END_SIZE,       /* end tag whose size is not 8 */
    MB2_ERR_STRING,         /* string not NUL-terminated inside its tag */
    MB2_ERR_DUPLICATE,      /* a tag that may appear once appeared twice */
    MB2_ERR_MMAP_ENTRY_SIZE,/* entry_size < 24 or not a multiple of 8 */
    MB2_ERR_MMAP_LENGTH,    /* tag body not a whole number of entries */
    MB2_ERR_TOO_MANY_MMAP,  /* more than MB2_MAX_MMAP entries */
    MB2_ERR_TOO_MANY_MODULES,
    MB2_ERR_MODULE_RANGE,   /* module end < start */
    MB2_ERR_RSDP,           /* RSDP tag too short for its revision */
    MB2_ERR_FRAMEBUFFER,    /* impossible framebuffer geometry */
    MB2_ERR_ELF_SECTIONS,   /* section table larger than its tag */
    /* memory-map checks (mb2_check_mmap) */
    MB2_ERR_NO_MMAP,        /* no memory-map tag at all */
    MB2_ERR_MMAP_WRAP,      /* base + length overflows 64 bits */
    MB2_ERR_MMAP_OVERLAP,   /* two available ranges overlap */
    MB2_ERR_MMAP_NO_RAM,    /* not enough available memory above 1 MiB */
    MB2_ERR_COUNT_
} mb2_err_code_t;

/* What went wrong, where: offset is the byte offset in the block of the
 * field at fault (for mb2_check_mmap's errors, the index of the memory-map
 * entry at fault); expected/actual carry the sizes or values compared. */
typedef struct {
    mb2_err_code_t code;
    uint32_t offset;
    uint32_t tag_type;
    uint64_t expected;
    uint64_t actual;
} mb2_error_t;

typedef struct {
    uint64_t base;
    uint64_t len;
    uint32_t type;
} mb2_mmap_entry_t;

typedef struct {
    uint32_t start; /* physical, as the specification gives them: 32 bits */
    uint32_t end;   /* one past the last byte */
    char string[128]; /* the module's command line, truncated if longer */
} mb2_module_t;

typedef struct {
    bool present;
    uint64_t addr; /* physical */
    uint32_t pitch, width, height;
    uint8_t bpp;
    uint8_t type; /* 0 indexed, 1 RGB, 2 EGA text */
} mb2_fb_t;

typedef struct {
    bool present;
    uint32_t num, entsize, shndx;
    uint32_t headers_offset; /* where the headers are, from the block's start */
} mb2_elf_sections_t;

typedef struct {
    uint32_t total_size;
    char cmdline[MB2_MAX_STRING];     /* "" when absent */
    char loader_name[128];            /* "" when absent, truncated if longer */
    bool has_meminfo;
    uint32_t mem_lower_kb, mem_upper_kb;
    mb2_mmap_entry_t mmap[MB2_MAX_MMAP];
    size_t n_mmap;
    bool has_mmap;
    mb2_module_t modules[MB2_MAX_MODULES];
    size_t n_modules;
    mb2_fb_t fb;
    mb2_elf_sections_t elf;
    uint8_t rsdp_version;  /* 0: none, 1: ACPI 1.0 RSDP, 2: ACPI 2.0+ */
    uint8_t rsdp[36];      /* a copy of the RSDP (20 or 36 bytes) */
    uint32_t rsdp_len;
    bool efi_boot_services_not_exited; /* tag 18 seen */
    uint64_t efi_system_table; /* tag 12 (or 11), 0 when absent */
} mb2_info_t;

/*
 * Parses the block at mbi. avail bounds every read (the kernel passes the
 * most it can map; the tests pass their buffer length). On failure returns
 * the code, fills *out_err, and leaves *out_info partly filled.
 */
mb2_err_code_t mb2_parse(const void *mbi, size_t avail, uint32_t magic,
                         mb2_info_t *out_info, mb2_error_t *out_err);

/*
 * Checks that the memory map can be true: present, no entry wrapping past
 * 2^64, no two available ranges overlapping, and at least min_ram bytes of
 * available memory above 1 MiB.
 */
mb2_err_code_t mb2_check_mmap(const mb2_info_t *info, uint64_t min_ram,
                              mb2_error_t *out_err);

/* "tag runs past the end of the block" and so on: a rule, for messages. */
const char *mb2_strerror(mb2_err_code_t code);

/* The whole diagnostic: "multiboot2 information at +0x58 (tag 6): memory-map
 * entry size below 24 bytes (expected >= 24, got 16)". Returns the length
 * it would have written, like snprintf. */
size_t mb2_format_error(const mb2_error_t *err, char *buf, size_t size);

const char *mb2_mem_type_name(uint32_t type);

#endif
