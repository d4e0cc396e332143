/*
 * Tests of the Multiboot2 boot-information parser (kern/mb2.c).
 *
 * Blocks are hand-built with a small builder (blob_*): it appends tags,
 * pads each to 8 bytes, and patches sizes and total_size, so each test
 * states the block it means. Two realistic blocks stand for what GRUB
 * writes on a BIOS machine and on UEFI. Bad blocks are data: each row of
 * mb2_goldens builds one and pins the exact error record (code, offset,
 * tag, expected, actual), and some rows the exact message; one test checks
 * that every error code has a row. The robustness tests parse every prefix
 * of the good blocks and thousands of seeded mutations of them from
 * buffers of exactly the bytes handed over, so under AddressSanitizer a
 * read past avail is a crash, not a silent pass.
 */
#include <stdint.h>
#include <stdlib.h>

#include <kern/mb2.h>

#include "ut.h"

#define BLOB_CAP 16384
#define BLOB_MAX_TAGS 64

typedef struct {
    _Alignas(8) uint8_t data[BLOB_CAP];
    uint32_t len;
    uint32_t open;                  /* offset of the tag being built */
    uint32_t tags[BLOB_MAX_TAGS];   /* offset of every tag, for mutations */
    size_t n_tags;
    /* How the block is handed to mb2_parse. */
    uint32_t magic;
    size_t avail;                   /* 0: len */
    size_t ptr_off;                 /* added to the pointer */
    bool null_ptr;
} blob_t;

static mb2_info_t g_info;
static mb2_error_t g_err;

/* --- the builder --------------------------------------------------------- */

static void blob_init(blob_t *b)
{
    memset(b, 0, sizeof *b);
    b->len = 8; /* total_size, reserved */
    b->magic = MB2_BOOTLOADER_MAGIC;
}

static void blob_put(blob_t *b, const void *p, size_t n)
{
    UT_CHECK(b->len + n <= BLOB_CAP);
    memcpy(b->data + b->len, p, n);
    b->len += (uint32_t)n;
}

static void blob_zeros(blob_t *b, size_t n)
{
    UT_CHECK(b->len + n <= BLOB_CAP);
    memset(b->data + b->len, 0, n);
    b->len += (uint32_t)n;
}

static void blob_u8(blob_t *b, uint8_t v) { blob_put(b, &v, 1); }
static void blob_u16(blob_t *b, uint16_t v) { blob_put(b, &v, 2); }
static void blob_u32(blob_t *b, uint32_t v) { blob_put(b, &v, 4); }
static void blob_u64(blob_t *b, uint64_t v) { blob_put(b, &v, 8); }

static void blob_set32(blob_t *b, uint32_t off, uint32_t v)
{
    memcpy(b->data + off, &v, 4);
}

/* Starts a tag; returns its offset. */
static uint32_t blob_open(blob_t *b, uint32_t type)
{
    UT_CHECK(b->len % 8 == 0 && b->n_tags < BLOB_MAX_TAGS);
    b->open = b->len;
    b->tags[b->n_tags++] = b->len;
    blob_u32(b, type);
    blob_u32(b, 0);
    return b->open;
}

/* Ends the open tag with the given size field, and pads to 8. */
static void blob_close_size(blob_t *b, uint32_t size)
{
    blob_set32(b, b->open + 4, size);
    blob_zeros(b, (8 - b->len % 8) % 8);
}

static void blob_close(blob_t *b) { blob_close_size(b, b->len - b->open); }

/* Appends the end tag and sets total_size. */
static void blob_end(blob_t *b)
{
    blob_open(b, MB2_TAG_END);
    blob_close(b);
    blob_set32(b, 0, b->len);
}

static uint32_t blob_string(blob_t *b, uint32_t type, const char *s)
{
    uint32_t off = blob_open(b, type);
    blob_put(b, s, strlen(s) + 1);
    blob_close(b);
    return off;
}

static uint32_t blob_meminfo(blob_t *b, uint32_t lower, uint32_t upper)
{
    uint32_t off = blob_open(b, MB2_TAG_BASIC_MEMINFO);
    blob_u32(b, lower);
    blob_u32(b, upper);
    blob_close(b);
    return off;
}

static void blob_entry(blob_t *b, uint64_t base, uint64_t len, uint32_t type)
{
    blob_u64(b, base);
    blob_u64(b, len);
    blob_u32(b, type);
    blob_u32(b, 0);
}

static uint32_t blob_mmap(blob_t *b, const mb2_mmap_entry_t *e, size_t n)
{
    uint32_t off = blob_open(b, MB2_TAG_MMAP);
    blob_u32(b, 24);
    blob_u32(b, 0);
    for (size_t i = 0; i < n; i++)
        blob_entry(b, e[i].base, e[i].len, e[i].type);
    blob_close(b);
    return off;
}

static uint32_t blob_module(blob_t *b, uint32_t start, uint32_t end, const char *s)
{
    uint32_t off = blob_open(b, MB2_TAG_MODULE);
    blob_u32(b, start);
    blob_u32(b, end);
    blob_put(b, s, strlen(s) + 1);
    blob_close(b);
    return off;
}

/* A framebuffer tag in GRUB's layout: the 32-byte common part, then six
 * bytes of RGB fields (type 1) or a u16 palette size (type 0). */
static uint32_t blob_fb(blob_t *b, uint64_t addr, uint32_t pitch, uint32_t w, uint32_t h,
                        uint8_t bpp, uint8_t type)
{
    static const uint8_t rgb[6] = {16, 8, 8, 8, 0, 8};
    uint32_t off = blob_open(b, MB2_TAG_FRAMEBUFFER);

    blob_u64(b, addr);
    blob_u32(b, pitch);
    blob_u32(b, w);
    blob_u32(b, h);
    blob_u8(b, bpp);
    blob_u8(b, type);
    blob_u16(b, 0);
    if (type == 1)
        blob_put(b, rgb, sizeof rgb);
    else if (type == 0)
        blob_u16(b, 0);
    blob_close(b);
    return off;
}

/* An RSDP copy of n bytes: signature, then recognisable filler. */
static uint32_t blob_rsdp(blob_t *b, uint32_t type, size_t n)
{
    uint8_t rsdp[64] = "RSD PTR ";
    uint32_t off = blob_open(b, type);

    for (size_t i = 8; i < sizeof rsdp; i++)
        rsdp[i] = (uint8_t)(i + type);
    blob_put(b, rsdp, n);
    blob_close(b);
    return off;
}

static uint32_t blob_elf(blob_t *b, uint32_t num, uint32_t entsize, size_t table_bytes)
{
    uint32_t off = blob_open(b, MB2_TAG_ELF_SECTIONS);
    blob_u32(b, num);
    blob_u32(b, entsize);
    blob_u32(b, 2);
    blob_zeros(b, table_bytes);
    blob_close(b);
    return off;
}

static uint32_t blob_u64_tag(blob_t *b, uint32_t type, uint64_t v)
{
    uint32_t off = blob_open(b, type);
    blob_u64(b, v);
    blob_close(b);
    return off;
}

static void blob_bare_tag(blob_t *b, uint32_t type)
{
    blob_open(b, type);
    blob_close(b);
}

/* Tag 17: the UEFI memory map, which the parser skips. */
static void blob_efi_mmap(blob_t *b)
{
    blob_open(b, MB2_TAG_EFI_MMAP);
    blob_u32(b, 48);
    blob_u32(b, 1);
    for (int i = 0; i < 3; i++) {
        blob_u32(b, 7);
        blob_u32(b, 0);
        blob_u64(b, (uint64_t)i << 20);
        blob_u64(b, 0);
        blob_u64(b, 256);
        blob_u64(b, 0xf);
        blob_zeros(b, 8);
    }
    blob_close(b);
}

static const mb2_mmap_entry_t bios_mmap[] = {
    {0x0, 0x9fc00, MB2_MEM_AVAILABLE},
    {0x9fc00, 0x400, MB2_MEM_RESERVED},
    {0xf0000, 0x10000, MB2_MEM_RESERVED},
    {0x100000, 0x7ee0000, MB2_MEM_AVAILABLE},
    {0x7fe0000, 0x20000, MB2_MEM_RESERVED},
    {0xfffc0000, 0x40000, MB2_MEM_RESERVED},
};

/* What GRUB 2 writes on a BIOS machine (QEMU, 128 MiB). */
static void blob_bios(blob_t *b)
{
    blob_init(b);
    blob_string(b, MB2_TAG_CMDLINE, "dogma.log=debug console=ttyS0");
    blob_string(b, MB2_TAG_LOADER_NAME, "GRUB 2.06-13+deb12u1");
    blob_module(b, 0x200000, 0x234567, "init");
    blob_module(b, 0x235000, 0x240000, "/boot/fs.img ro");
    blob_meminfo(b, 639, 130048);
    blob_open(b, MB2_TAG_BOOTDEV);
    blob_u32(b, 0x80);
    blob_u32(b, 0);
    blob_u32(b, 0xffffffff);
    blob_close(b);
    blob_mmap(b, bios_mmap, ARRAY_LEN(bios_mmap));
    blob_fb(b, 0xb8000, 160, 80, 25, 16, 2);
    blob_elf(b, 3, 64, 192);
    blob_rsdp(b, MB2_TAG_ACPI_OLD, 20);
    blob_end(b);
}

static const mb2_mmap_entry_t uefi_mmap[] = {
    {0x0, 0xa0000, MB2_MEM_AVAILABLE},
    {0x100000, 0x3ee00000, MB2_MEM_AVAILABLE},
    {0x3ef00000, 0x100000, MB2_MEM_ACPI_RECLAIMABLE},
    {0x3f000000, 0x1000000, MB2_MEM_NVS},
};

/* What GRUB 2 writes on UEFI with boot services kept (1 GiB). */
static void blob_uefi(blob_t *b)
{
    blob_init(b);
    blob_string(b, MB2_TAG_CMDLINE, "");
    blob_string(b, MB2_TAG_LOADER_NAME, "GRUB 2.12");
    blob_mmap(b, uefi_mmap, ARRAY_LEN(uefi_mmap));
    blob_efi_mmap(b);
    blob_u64_tag(b, MB2_TAG_EFI64, 0x3fe8d018);
    blob_bare_tag(b, MB2_TAG_EFI_BS);
    blob_u64_tag(b, MB2_TAG_EFI64_IH, 0x3e5a1298);
    blob_fb(b, 0x80000000, 4096, 1024, 768, 32, 1);
    blob_rsdp(b, MB2_TAG_ACPI_NEW, 36);
    blob_open(b, MB2_TAG_LOAD_BASE_ADDR);
    blob_u32(b, 0x200000);
    blob_close(b);
    blob_end(b);
}

/* The smallest good block: header and end tag. */
static void blob_min(blob_t *b)
{
    blob_init(b);
    blob_end(b);
}

static mb2_err_code_t blob_parse(blob_t *b)
{
    const void *p = b->null_ptr ? NULL : b->data + b->ptr_off;
    size_t avail = b->avail ? b->avail : b->len;

    return mb2_parse(p, avail, b->magic, &g_info, &g_err);
}

/* --- good blocks ----------------------------------------------------------- */

static blob_t g_blob;

UT_TEST(mb2_bios_block)
{
    blob_bios(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_EQ(g_info.total_size, g_blob.len);
    UT_STREQ(g_info.cmdline, "dogma.log=debug console=ttyS0");
    UT_STREQ(g_info.loader_name, "GRUB 2.06-13+deb12u1");
    UT_CHECK(g_info.has_meminfo);
    UT_EQ(g_info.mem_lower_kb, 639);
    UT_EQ(g_info.mem_upper_kb, 130048);
    UT_CHECK(g_info.has_mmap);
    UT_EQ(g_info.n_mmap, ARRAY_LEN(bios_mmap));
    for (size_t i = 0; i < ARRAY_LEN(bios_mmap); i++) {
        UT_EQ(g_info.mmap[i].base, bios_mmap[i].base);
        UT_EQ(g_info.mmap[i].len, bios_mmap[i].len);
        UT_EQ(g_info.mmap[i].type, bios_mmap[i].type);
    }
    UT_EQ(g_info.n_modules, 2);
    UT_EQ(g_info.modules[0].start, 0x200000);
    UT_EQ(g_info.modules[0].end, 0x234567);
    UT_STREQ(g_info.modules[0].string, "init");
    UT_STREQ(g_info.modules[1].string, "/boot/fs.img ro");
    UT_CHECK(g_info.fb.present);
    UT_EQ(g_info.fb.addr, 0xb8000);
    UT_EQ(g_info.fb.pitch, 160);
    UT_EQ(g_info.fb.width, 80);
    UT_EQ(g_info.fb.height, 25);
    UT_EQ(g_info.fb.bpp, 16);
    UT_EQ(g_info.fb.type, 2);
    UT_CHECK(g_info.elf.present);
    UT_EQ(g_info.elf.num, 3);
    UT_EQ(g_info.elf.entsize, 64);
    UT_EQ(g_info.elf.shndx, 2);
    UT_EQ(g_info.rsdp_version, 1);
    UT_EQ(g_info.rsdp_len, 20);
    UT_CHECK(memcmp(g_info.rsdp, "RSD PTR ", 8) == 0);
    UT_EQ(g_info.efi_system_table, 0);
    UT_CHECK(!g_info.efi_boot_services_not_exited);
    UT_EQ(mb2_check_mmap(&g_info, 64 * MB, &g_err), MB2_OK);
}

/* The ELF headers' address is that of the bytes after the tag's 20-byte
 * header, as seen through the pointer given to mb2_parse. */
UT_TEST(mb2_elf_headers_address)
{
    blob_init(&g_blob);
    uint32_t off = blob_elf(&g_blob, 2, 64, 128);
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_EQ(g_info.elf.headers_offset, off + 20);
}

UT_TEST(mb2_uefi_block)
{
    blob_uefi(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_STREQ(g_info.cmdline, "");
    UT_STREQ(g_info.loader_name, "GRUB 2.12");
    UT_CHECK(!g_info.has_meminfo);
    UT_EQ(g_info.n_mmap, ARRAY_LEN(uefi_mmap));
    UT_EQ(g_info.mmap[3].type, MB2_MEM_NVS);
    UT_EQ(g_info.n_modules, 0);
    UT_EQ(g_info.efi_system_table, 0x3fe8d018);
    UT_CHECK(g_info.efi_boot_services_not_exited);
    UT_CHECK(g_info.fb.present);
    UT_EQ(g_info.fb.addr, 0x80000000);
    UT_EQ(g_info.fb.pitch, 4096);
    UT_EQ(g_info.fb.width, 1024);
    UT_EQ(g_info.fb.height, 768);
    UT_EQ(g_info.fb.bpp, 32);
    UT_EQ(g_info.fb.type, 1);
    UT_CHECK(!g_info.elf.present);
    UT_EQ(g_info.rsdp_version, 2);
    UT_EQ(g_info.rsdp_len, 36);
    UT_CHECK(memcmp(g_info.rsdp, "RSD PTR ", 8) == 0);
    UT_EQ(g_info.rsdp[35], 35 + MB2_TAG_ACPI_NEW);
    UT_EQ(mb2_check_mmap(&g_info, 512 * MB, &g_err), MB2_OK);
}

UT_TEST(mb2_minimal_block)
{
    blob_min(&g_blob);
    UT_EQ(g_blob.len, 16);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_STREQ(g_info.cmdline, "");
    UT_STREQ(g_info.loader_name, "");
    UT_CHECK(!g_info.has_mmap && !g_info.fb.present && g_info.rsdp_version == 0);
}

/* Future tag types, and known ones the parser does not read, are skipped. */
UT_TEST(mb2_unknown_tags_skipped)
{
    blob_init(&g_blob);
    blob_open(&g_blob, 99);
    blob_zeros(&g_blob, 13);
    blob_close(&g_blob);
    blob_open(&g_blob, 0xffffffff);
    blob_close(&g_blob);
    blob_open(&g_blob, MB2_TAG_VBE);
    blob_zeros(&g_blob, 4);
    blob_close(&g_blob);
    blob_string(&g_blob, MB2_TAG_CMDLINE, "after");
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_STREQ(g_info.cmdline, "after");
}

/* Bytes after the end tag, inside total_size, are not read as tags. */
UT_TEST(mb2_trailing_bytes_after_end)
{
    blob_min(&g_blob);
    memset(g_blob.data + g_blob.len, 0xff, 16);
    g_blob.len += 16;
    blob_set32(&g_blob, 0, g_blob.len);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
}

UT_TEST(mb2_long_strings_truncated)
{
    static char big[6000];

    memset(big, 'c', sizeof big - 1);
    blob_init(&g_blob);
    blob_string(&g_blob, MB2_TAG_CMDLINE, big);
    big[300] = 0;
    blob_string(&g_blob, MB2_TAG_LOADER_NAME, big);
    blob_module(&g_blob, 0, 0, big);
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_EQ(strlen(g_info.cmdline), MB2_MAX_STRING - 1);
    UT_EQ(strlen(g_info.loader_name), sizeof g_info.loader_name - 1);
    UT_EQ(strlen(g_info.modules[0].string), sizeof g_info.modules[0].string - 1);
    UT_EQ(g_info.modules[0].start, 0);
    UT_EQ(g_info.modules[0].end, 0); /* an empty module is allowed */
}

/* A string may end before its tag does (padding loaders add). */
UT_TEST(mb2_string_nul_before_tag_end)
{
    blob_init(&g_blob);
    blob_open(&g_blob, MB2_TAG_CMDLINE);
    blob_put(&g_blob, "ab\0zzzz", 7);
    blob_close(&g_blob);
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_STREQ(g_info.cmdline, "ab");
}

UT_TEST(mb2_limits_reached_not_exceeded)
{
    static mb2_mmap_entry_t e[MB2_MAX_MMAP];

    for (size_t i = 0; i < MB2_MAX_MMAP; i++)
        e[i] = (mb2_mmap_entry_t){i * 2 * MB, MB, MB2_MEM_AVAILABLE};
    blob_init(&g_blob);
    blob_mmap(&g_blob, e, MB2_MAX_MMAP);
    for (uint32_t i = 0; i < MB2_MAX_MODULES; i++)
        blob_module(&g_blob, i * 0x1000, i * 0x1000 + 0x800, "m");
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_EQ(g_info.n_mmap, MB2_MAX_MMAP);
    UT_EQ(g_info.n_modules, MB2_MAX_MODULES);
    UT_EQ(g_info.mmap[MB2_MAX_MMAP - 1].base, (MB2_MAX_MMAP - 1) * 2 * MB);
    UT_EQ(g_info.modules[MB2_MAX_MODULES - 1].end, (MB2_MAX_MODULES - 1) * 0x1000 + 0x800);
}

/* The ACPI 2.0 copy wins over the 1.0 copy, in either order. */
UT_TEST(mb2_rsdp_new_wins)
{
    for (int order = 0; order < 2; order++) {
        blob_init(&g_blob);
        blob_rsdp(&g_blob, order ? MB2_TAG_ACPI_NEW : MB2_TAG_ACPI_OLD, order ? 36 : 20);
        blob_rsdp(&g_blob, order ? MB2_TAG_ACPI_OLD : MB2_TAG_ACPI_NEW, order ? 20 : 36);
        blob_end(&g_blob);
        UT_EQ(blob_parse(&g_blob), MB2_OK);
        UT_EQ(g_info.rsdp_version, 2);
        UT_EQ(g_info.rsdp_len, 36);
        UT_EQ(g_info.rsdp[20], 20 + MB2_TAG_ACPI_NEW);
    }
}

/* A longer RSDP copy (GRUB copies the table's own length) is accepted. */
UT_TEST(mb2_rsdp_longer_copy)
{
    blob_init(&g_blob);
    blob_rsdp(&g_blob, MB2_TAG_ACPI_NEW, 40);
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_EQ(g_info.rsdp_len, 36);
}

UT_TEST(mb2_efi64_wins_over_efi32)
{
    for (int order = 0; order < 2; order++) {
        blob_init(&g_blob);
        if (order)
            blob_u64_tag(&g_blob, MB2_TAG_EFI64, 0x123456789);
        blob_open(&g_blob, MB2_TAG_EFI32);
        blob_u32(&g_blob, 0x5000);
        blob_close(&g_blob);
        if (!order)
            blob_u64_tag(&g_blob, MB2_TAG_EFI64, 0x123456789);
        blob_end(&g_blob);
        UT_EQ(blob_parse(&g_blob), MB2_OK);
        UT_EQ(g_info.efi_system_table, 0x123456789);
    }
    blob_init(&g_blob);
    blob_open(&g_blob, MB2_TAG_EFI32);
    blob_u32(&g_blob, 0x5000);
    blob_close(&g_blob);
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_EQ(g_info.efi_system_table, 0x5000);
}

UT_TEST(mb2_framebuffer_indexed)
{
    blob_init(&g_blob);
    blob_fb(&g_blob, 0xa0000, 320, 320, 200, 8, 0);
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_EQ(g_info.fb.type, 0);
    UT_EQ(g_info.fb.bpp, 8);
}

/* Reserved ranges may overlap anything; only available ones may not. */
UT_TEST(mb2_check_mmap_reserved_overlap_ok)
{
    static const mb2_mmap_entry_t e[] = {
        {0x100000, 16 * MB, MB2_MEM_AVAILABLE},
        {0x200000, 0x1000, MB2_MEM_RESERVED},
        {0x100000, 0, MB2_MEM_AVAILABLE}, /* empty: overlaps nothing */
        {0xffffffffffff0000ull, 0xffff, MB2_MEM_RESERVED}, /* ends at 2^64 - 1 */
    };
    blob_init(&g_blob);
    blob_mmap(&g_blob, e, ARRAY_LEN(e));
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_EQ(mb2_check_mmap(&g_info, 16 * MB, &g_err), MB2_OK);
    UT_EQ(mb2_check_mmap(&g_info, 16 * MB + 1, &g_err), MB2_ERR_MMAP_NO_RAM);
    UT_EQ(g_err.actual, 16 * MB);
}

/* Only memory above 1 MiB counts; a range across 1 MiB counts in part. */
UT_TEST(mb2_check_mmap_counts_above_1m)
{
    static const mb2_mmap_entry_t e[] = {
        {0x0, 0x9fc00, MB2_MEM_AVAILABLE},
        {0x80000, 0x100000, MB2_MEM_RESERVED},
        {0xc0000, 0x140000, MB2_MEM_AVAILABLE}, /* 0xc0000..0x200000 */
    };
    blob_init(&g_blob);
    blob_mmap(&g_blob, e, ARRAY_LEN(e));
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_EQ(mb2_check_mmap(&g_info, 2 * MB, &g_err), MB2_ERR_MMAP_NO_RAM);
    UT_EQ(g_err.actual, MB);
    UT_EQ(mb2_check_mmap(&g_info, MB, &g_err), MB2_OK);
}

/* --- golden bad blocks ----------------------------------------------------- */

/*
 * Each row is one bad block, written out as the u32 words that follow the
 * 8-byte header (so the first tag is at offset 8, and each word's offset
 * is 8 + 4 * index), and the record mb2_parse must return. total_size is
 * the header plus the words unless the row sets it. Rows whose block is
 * too big to write out name a builder instead. check_ram != 0: the parse
 * must succeed, and mb2_check_mmap(info, check_ram) gives the record.
 */
#define ANY UINT64_MAX /* an expected or actual value not checked */
#define WORDS(...) .words = {__VA_ARGS__}, .n_words = ARRAY_LEN(((uint32_t[]){__VA_ARGS__}))
#define END_TAG 0, 8
#define STR4(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define U64(v) (uint32_t)(v), (uint32_t)((uint64_t)(v) >> 32)
#define ENTRY(base, len, type) U64(base), U64(len), (type), 0
#define FB(pitch, w, h, bpp, type) U64(0xfd000000), (pitch), (w), (h), (uint32_t)(bpp) | (type) << 8
#define RGB STR4(16, 8, 8, 8), STR4(0, 8, 0, 0)
#define TOP "multiboot2 information at "

typedef struct {
    const char *name;
    uint32_t words[40];
    size_t n_words;
    void (*build)(blob_t *b); /* instead of words */
    uint32_t total;           /* 0: 8 + 4 * n_words */
    size_t avail;             /* 0: the block's length */
    uint32_t magic;           /* 0: MB2_BOOTLOADER_MAGIC */
    size_t ptr_off;
    bool null_ptr;
    uint64_t check_ram;
    mb2_err_code_t code;
    uint32_t offset, tag;
    uint64_t expected, actual;
    const char *message; /* NULL: not pinned */
} mb2_golden_t;

static void g_mmap_too_many(blob_t *b)
{
    static mb2_mmap_entry_t e[MB2_MAX_MMAP + 1];
    blob_init(b);
    blob_mmap(b, e, ARRAY_LEN(e));
    blob_end(b);
}

static void g_modules_too_many(blob_t *b)
{
    blob_init(b);
    for (int i = 0; i <= MB2_MAX_MODULES; i++)
        blob_module(b, 0x100000, 0x101000, "m"); /* 24 bytes each, from 8 */
    blob_end(b);
}

static const mb2_golden_t mb2_goldens[] = {
    /* the envelope */
    {"magic", WORDS(END_TAG), .magic = 0x2badb002, .code = MB2_ERR_MAGIC,
     .expected = MB2_BOOTLOADER_MAGIC, .actual = 0x2badb002,
     .message = "multiboot2 information: boot loader magic is not Multiboot2's "
                "(expected 0x36d76289, got 0x2badb002)"},
    {"misaligned", WORDS(END_TAG), .ptr_off = 4, .code = MB2_ERR_NULL, .expected = 8,
     .actual = ANY},
    {"null", WORDS(END_TAG), .null_ptr = true, .code = MB2_ERR_NULL, .expected = 8,
     .message = "multiboot2 information: block missing or not 8-byte aligned "
                "(expected 8-byte alignment, got 0x0)"},
    {"avail_tiny", WORDS(END_TAG), .avail = 4, .code = MB2_ERR_TOTAL_SIZE, .expected = 8,
     .actual = 4},
    {"total_small", WORDS(END_TAG), .total = 8, .code = MB2_ERR_TOTAL_SIZE, .expected = 16,
     .actual = 8,
     .message = TOP "+0x0: total_size below 16, above the limit, or past the readable "
                    "memory (expected >= 16, got 8)"},
    {"total_huge", WORDS(END_TAG), .total = MB2_MAX_TOTAL_SIZE + 8, .code = MB2_ERR_TOTAL_SIZE,
     .expected = MB2_MAX_TOTAL_SIZE, .actual = MB2_MAX_TOTAL_SIZE + 8,
     .message = TOP "+0x0: total_size below 16, above the limit, or past the readable "
                    "memory (expected <= 1048576, got 1048584)"},
    {"total_past_avail", WORDS(1, 10, 'x', 0, END_TAG), .avail = 24,
     .code = MB2_ERR_TOTAL_SIZE, .expected = 24, .actual = 32},
    /* tag sizes */
    {"size_meminfo", WORDS(4, 12, 639, 0, END_TAG), .code = MB2_ERR_TAG_SIZE, .offset = 12,
     .tag = 4, .expected = 16, .actual = 12,
     .message = TOP "+0xc (tag 4, basic memory information): tag size below its type's "
                    "fixed layout (expected >= 16, got 12)"},
    {"size_unknown", WORDS(99, 4, END_TAG), .code = MB2_ERR_TAG_SIZE, .offset = 12, .tag = 99,
     .expected = 8, .actual = 4,
     .message = TOP "+0xc (tag 99, unknown): tag size below its type's fixed layout "
                    "(expected >= 8, got 4)"},
    {"size_module", WORDS(3, 12, 0x1000, 0, END_TAG), .code = MB2_ERR_TAG_SIZE, .offset = 12,
     .tag = 3, .expected = 16, .actual = 12},
    {"size_fb", WORDS(8, 24, 0, 0, 0, 0, END_TAG), .code = MB2_ERR_TAG_SIZE, .offset = 12,
     .tag = 8, .expected = 32, .actual = 24},
    {"size_fb_rgb", WORDS(8, 32, FB(3200, 800, 600, 32, 1), END_TAG), .code = MB2_ERR_TAG_SIZE,
     .offset = 12, .tag = 8, .expected = 38, .actual = 32},
    {"size_efi64", WORDS(12, 12, 0x1000, 0, END_TAG), .code = MB2_ERR_TAG_SIZE, .offset = 12,
     .tag = 12, .expected = 16, .actual = 12},
    {"overrun", WORDS(99, 100, END_TAG), .code = MB2_ERR_TAG_OVERRUN, .offset = 12, .tag = 99,
     .expected = 16, .actual = 100,
     .message = TOP "+0xc (tag 99, unknown): tag runs past the end of the block "
                    "(expected <= 16, got 100)"},
    {"overrun_end", WORDS(0, 16), .code = MB2_ERR_TAG_OVERRUN, .offset = 12, .expected = 8,
     .actual = 16},
    /* the end tag */
    {"no_end", WORDS(1, 10, 'x', 0), .code = MB2_ERR_NO_END, .offset = 24, .expected = 8,
     .message = TOP "+0x18: no end tag before the end of the block"},
    {"no_end_partial", WORDS(1, 10, 'x', 0, 0), .code = MB2_ERR_NO_END, .offset = 24,
     .expected = 8, .actual = 4},
    /* the tag ends at 18, its padding would run to 24 */
    {"no_end_padding", WORDS(1, 10, 'x', 0), .total = 18, .code = MB2_ERR_NO_END, .offset = 18,
     .expected = 8},
    {"end_size", WORDS(0, 16, 0, 0), .code = MB2_ERR_END_SIZE, .offset = 12, .expected = 8,
     .actual = 16,
     .message = TOP "+0xc (tag 0, end): end tag size is not 8 (expected 8, got 16)"},
    {"end_size_small", WORDS(0, 4), .code = MB2_ERR_END_SIZE, .offset = 12, .expected = 8,
     .actual = 4},
    /* strings; the padding after each tag is zeros, outside the tag */
    {"cmdline_nonul", WORDS(1, 11, STR4('a', 'b', 'c', 0), 0, END_TAG), .code = MB2_ERR_STRING,
     .offset = 16, .tag = 1, .actual = 3,
     .message = TOP "+0x10 (tag 1, command line): string not NUL-terminated inside its tag "
                    "(no NUL in 3 bytes)"},
    {"cmdline_empty_tag", WORDS(1, 8, END_TAG), .code = MB2_ERR_STRING, .offset = 16, .tag = 1},
    {"loader_nonul", WORDS(2, 12, STR4('G', 'R', 'U', 'B'), 0, END_TAG), .code = MB2_ERR_STRING,
     .offset = 16, .tag = 2, .actual = 4},
    {"module_nonul", WORDS(3, 20, 0x1000, 0x2000, STR4('i', 'n', 'i', 't'), 0, END_TAG),
     .code = MB2_ERR_STRING, .offset = 24, .tag = 3, .actual = 4},
    {"dup_cmdline", WORDS(1, 10, 'x', 0, 1, 10, 'y', 0, END_TAG), .code = MB2_ERR_DUPLICATE,
     .offset = 24, .tag = 1, .expected = 8, .actual = 24,
     .message = TOP "+0x18 (tag 1, command line): tag that may appear once appears twice "
                    "(first at +0x8)"},
    /* the memory map */
    {"mmap_es16", WORDS(6, 32, 16, 0, 0, 0, 0, 0, END_TAG), .code = MB2_ERR_MMAP_ENTRY_SIZE,
     .offset = 16, .tag = 6, .expected = 24, .actual = 16,
     .message = TOP "+0x10 (tag 6, memory map): memory-map entry size below 24 bytes or "
                    "not a multiple of 8 (got 16)"},
    {"mmap_es28", WORDS(6, 44, 28, 0, 0, 0, 0, 0, 0, 0, 0, 0, END_TAG),
     .code = MB2_ERR_MMAP_ENTRY_SIZE, .offset = 16, .tag = 6, .expected = 24, .actual = 28},
    {"mmap_length", WORDS(6, 48, 24, 0, ENTRY(0, 0x9fc00, 1), 0, 0, END_TAG),
     .code = MB2_ERR_MMAP_LENGTH, .offset = 12, .tag = 6, .expected = 24, .actual = 32,
     .message = TOP "+0xc (tag 6, memory map): memory map is not a whole number of entries "
                    "(entries of 24 bytes, 32 bytes of entries)"},
    {"mmap_too_many", .build = g_mmap_too_many, .code = MB2_ERR_TOO_MANY_MMAP,
     .offset = 8 + 16 + 128 * 24, .tag = 6, .expected = 128, .actual = 129,
     .message = TOP "+0xc18 (tag 6, memory map): too many memory-map entries "
                    "(expected <= 128, got 129)"},
    /* modules */
    {"modules_too_many", .build = g_modules_too_many, .code = MB2_ERR_TOO_MANY_MODULES,
     .offset = 8 + 16 * 24, .tag = 3, .expected = 16, .actual = 17},
    {"module_range", WORDS(3, 17, 0x300000, 0x200000, 0, 0, END_TAG),
     .code = MB2_ERR_MODULE_RANGE, .offset = 20, .tag = 3, .expected = 0x300000,
     .actual = 0x200000,
     .message = TOP "+0x14 (tag 3, module): module ends before it starts "
                    "(start 0x300000, end 0x200000)"},
    /* ACPI */
    {"rsdp_old_short", WORDS(14, 27, 0, 0, 0, 0, 0, 0, END_TAG), .code = MB2_ERR_RSDP,
     .offset = 12, .tag = 14, .expected = 20, .actual = 19,
     .message = TOP "+0xc (tag 14, ACPI 1.0 RSDP): RSDP copy too short for its revision "
                    "(expected >= 20, got 19)"},
    {"rsdp_new_short", WORDS(15, 28, 0, 0, 0, 0, 0, 0, END_TAG), .code = MB2_ERR_RSDP,
     .offset = 12, .tag = 15, .expected = 36, .actual = 20},
    /* the framebuffer */
    {"fb_bpp0", WORDS(8, 38, FB(3200, 800, 600, 0, 1), RGB, END_TAG),
     .code = MB2_ERR_FRAMEBUFFER, .offset = 36, .tag = 8, .expected = 1, .actual = 0,
     .message = TOP "+0x24 (tag 8, framebuffer): impossible framebuffer geometry "
                    "(expected >= 1, got 0)"},
    {"fb_pitch", WORDS(8, 38, FB(1000, 1024, 768, 32, 1), RGB, END_TAG),
     .code = MB2_ERR_FRAMEBUFFER, .offset = 24, .tag = 8, .expected = 4096, .actual = 1000},
    {"fb_type", WORDS(8, 32, FB(4096, 1024, 768, 32, 3), END_TAG), .code = MB2_ERR_FRAMEBUFFER,
     .offset = 37, .tag = 8, .expected = 2, .actual = 3},
    /* ELF sections: 10 headers of 8 bytes in a tag with room for one */
    {"elf_big", WORDS(9, 28, 10, 8, 2, 0, 0, 0, END_TAG), .code = MB2_ERR_ELF_SECTIONS,
     .offset = 16, .tag = 9, .expected = 8, .actual = 80,
     .message = TOP "+0x10 (tag 9, ELF sections): ELF section table larger than its tag "
                    "(expected <= 8, got 80)"},
    {"elf_overflow", WORDS(9, 20, 0xffffffff, 0xffffffff, 2, 0, END_TAG),
     .code = MB2_ERR_ELF_SECTIONS, .offset = 16, .tag = 9, .actual = 0xfffffffe00000001ull},
    /* mb2_check_mmap: offset is the entry's index */
    {"chk_no_mmap", WORDS(END_TAG), .check_ram = 16 * MB, .code = MB2_ERR_NO_MMAP, .tag = 6,
     .message = "multiboot2 memory map: no memory map"},
    {"chk_wrap",
     WORDS(6, 64, 24, 0, ENTRY(0, 0x9fc00, 1), ENTRY(0xfffffffffffff000ull, 0x2000, 2),
           END_TAG),
     .check_ram = 1, .code = MB2_ERR_MMAP_WRAP, .offset = 1, .tag = 6,
     .expected = 0xfffffffffffff000ull, .actual = 0x2000,
     .message = "multiboot2 memory map entry 1: memory-map entry wraps past 2^64 "
                "(base 0xfffffffffffff000, length 0x2000)"},
    /* ending exactly at 2^64 wraps too: base + length must be computable */
    {"chk_wrap_exact", WORDS(6, 40, 24, 0, ENTRY(0xffffffffffff0000ull, 0x10000, 2), END_TAG),
     .check_ram = 1, .code = MB2_ERR_MMAP_WRAP, .tag = 6, .expected = 0xffffffffffff0000ull,
     .actual = 0x10000},
    {"chk_overlap",
     WORDS(6, 64, 24, 0, ENTRY(0x100000, 64 * MB, 1), ENTRY(0x2000000, 64 * MB, 1), END_TAG),
     .check_ram = 1, .code = MB2_ERR_MMAP_OVERLAP, .offset = 1, .tag = 6,
     .expected = 0x100000, .actual = 0x2000000,
     .message = "multiboot2 memory map entry 1: available memory ranges overlap "
                "(available ranges at 0x100000 and 0x2000000)"},
    /* entry 3 contains entry 2; the reserved entry 1 does not count */
    {"chk_overlap_inside",
     WORDS(6, 112, 24, 0, ENTRY(0, 0x9fc00, 1), ENTRY(0x100000, 0x1000, 2),
           ENTRY(0x400000, 0x1000, 1), ENTRY(0x100000, 64 * MB, 1), END_TAG),
     .check_ram = 1, .code = MB2_ERR_MMAP_OVERLAP, .offset = 3, .tag = 6,
     .expected = 0x400000, .actual = 0x100000},
    {"chk_no_ram",
     WORDS(6, 64, 24, 0, ENTRY(0, 0x9fc00, 1), ENTRY(0x100000, 0x100000, 1), END_TAG),
     .check_ram = 16 * MB, .code = MB2_ERR_MMAP_NO_RAM, .tag = 6, .expected = 16 * MB,
     .actual = MB,
     .message = "multiboot2 memory map: not enough available memory above 1 MiB "
                "(expected >= 16777216, got 1048576)"},
};

/* Builds a golden row's block into b. */
static void golden_build(const mb2_golden_t *g, blob_t *b)
{
    if (g->build) {
        g->build(b);
    } else {
        blob_init(b);
        blob_put(b, g->words, g->n_words * 4);
        blob_set32(b, 0, g->total ? g->total : b->len);
    }
    b->magic = g->magic ? g->magic : MB2_BOOTLOADER_MAGIC;
    b->avail = g->avail;
    b->ptr_off = g->ptr_off;
    b->null_ptr = g->null_ptr;
}

static const mb2_golden_t *golden_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(mb2_goldens); i++) {
        if (strcmp(mb2_goldens[i].name, name) == 0)
            return &mb2_goldens[i];
    }
    ut_fail(__FILE__, __LINE__, "no golden row %s", name);
}

static void golden_run(const mb2_golden_t *g)
{
    char msg[512];
    mb2_err_code_t code;
    size_t n;

    golden_build(g, &g_blob);
    code = blob_parse(&g_blob);
    if (g->check_ram) {
        if (code != MB2_OK)
            ut_fail(__FILE__, __LINE__, "%s: parse failed with %d", g->name, code);
        code = mb2_check_mmap(&g_info, g->check_ram, &g_err);
    }
    if (code != g->code || g_err.code != g->code || g_err.offset != g->offset ||
        g_err.tag_type != g->tag || (g->expected != ANY && g_err.expected != g->expected) ||
        (g->actual != ANY && g_err.actual != g->actual))
        ut_fail(__FILE__, __LINE__,
                "%s: got code %d (record %d) offset %#x tag %u expected %#llx actual %#llx",
                g->name, code, g_err.code, g_err.offset, g_err.tag_type,
                (unsigned long long)g_err.expected, (unsigned long long)g_err.actual);
    n = mb2_format_error(&g_err, msg, sizeof msg);
    if (n != strlen(msg) || n == 0 || strstr(msg, "unknown error"))
        ut_fail(__FILE__, __LINE__, "%s: bad message \"%s\" (%zu)", g->name, msg, n);
    if (g->message && strcmp(msg, g->message) != 0)
        ut_fail(__FILE__, __LINE__, "%s:\n    got  \"%s\"\n    want \"%s\"", g->name, msg,
                g->message);
}

UT_TEST(mb2_goldens)
{
    for (size_t i = 0; i < ARRAY_LEN(mb2_goldens); i++)
        golden_run(&mb2_goldens[i]);
}

UT_TEST(mb2_goldens_cover_every_code)
{
    for (int code = 1; code < MB2_ERR_COUNT_; code++) {
        bool found = false;
        for (size_t i = 0; i < ARRAY_LEN(mb2_goldens); i++)
            found |= mb2_goldens[i].code == (mb2_err_code_t)code;
        if (!found)
            ut_fail(__FILE__, __LINE__, "no golden block for code %d (%s)", code,
                    mb2_strerror(code));
    }
}

UT_TEST(mb2_misaligned_records_address)
{
    golden_build(golden_find("misaligned"), &g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_ERR_NULL);
    UT_EQ(g_err.actual, (uintptr_t)g_blob.data + 4);
}

/* Every tag that may appear once, twice: the second is the error. */
UT_TEST(mb2_duplicate_every_once_tag)
{
    static const uint32_t once[] = {
        MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME, MB2_TAG_BASIC_MEMINFO, MB2_TAG_MMAP,
        MB2_TAG_FRAMEBUFFER, MB2_TAG_ELF_SECTIONS, MB2_TAG_ACPI_OLD, MB2_TAG_ACPI_NEW,
    };
    for (size_t i = 0; i < ARRAY_LEN(once); i++) {
        uint32_t first = 0, second = 0;
        blob_init(&g_blob);
        blob_string(&g_blob, 50, "unrelated");
        for (int k = 0; k < 2; k++) {
            uint32_t off = 0;
            switch (once[i]) {
            case MB2_TAG_CMDLINE:
            case MB2_TAG_LOADER_NAME: off = blob_string(&g_blob, once[i], "s"); break;
            case MB2_TAG_BASIC_MEMINFO: off = blob_meminfo(&g_blob, 1, 2); break;
            case MB2_TAG_MMAP: off = blob_mmap(&g_blob, bios_mmap, 2); break;
            case MB2_TAG_FRAMEBUFFER: off = blob_fb(&g_blob, 0xb8000, 160, 80, 25, 16, 2); break;
            case MB2_TAG_ELF_SECTIONS: off = blob_elf(&g_blob, 1, 64, 64); break;
            default: off = blob_rsdp(&g_blob, once[i], 36); break;
            }
            if (k == 0)
                first = off;
            else
                second = off;
        }
        blob_end(&g_blob);
        UT_EQ(blob_parse(&g_blob), MB2_ERR_DUPLICATE);
        UT_EQ(g_err.tag_type, once[i]);
        UT_EQ(g_err.offset, second);
        UT_EQ(g_err.expected, first);
    }
}

/* Tags that may repeat: modules, and the ones the parser skips. */
UT_TEST(mb2_repeatable_tags)
{
    blob_init(&g_blob);
    blob_module(&g_blob, 0x1000, 0x2000, "a");
    blob_module(&g_blob, 0x3000, 0x4000, "b");
    blob_bare_tag(&g_blob, MB2_TAG_EFI_BS);
    blob_bare_tag(&g_blob, MB2_TAG_EFI_BS);
    blob_string(&g_blob, 77, "x");
    blob_string(&g_blob, 77, "y");
    blob_end(&g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_OK);
    UT_EQ(g_info.n_modules, 2);
}

/* --- messages ------------------------------------------------------------- */

UT_TEST(mb2_format_truncates_like_snprintf)
{
    char full[256], small[16];
    size_t n;

    golden_build(golden_find("mmap_es16"), &g_blob);
    UT_EQ(blob_parse(&g_blob), MB2_ERR_MMAP_ENTRY_SIZE);
    n = mb2_format_error(&g_err, full, sizeof full);
    UT_EQ(n, strlen(full));
    UT_EQ(mb2_format_error(&g_err, NULL, 0), n);
    for (size_t size = 1; size <= sizeof small; size++) {
        memset(small, 'X', sizeof small);
        UT_EQ(mb2_format_error(&g_err, small, size), n);
        UT_EQ(strlen(small), size - 1);
        UT_CHECK(strncmp(small, full, size - 1) == 0);
    }
    /* Cut at every length, including inside the rule and the detail. */
    for (size_t size = 1; size <= n + 1; size++) {
        char buf[256];
        UT_EQ(mb2_format_error(&g_err, buf, size), n);
        UT_CHECK(strncmp(buf, full, size - 1) == 0 && strlen(buf) == MIN(size - 1, n));
    }
}

UT_TEST(mb2_strerror_every_code)
{
    for (int code = 0; code < MB2_ERR_COUNT_; code++) {
        const char *s = mb2_strerror(code);
        UT_CHECK(s && *s && !strstr(s, "unknown"));
    }
    UT_STREQ(mb2_strerror(MB2_ERR_COUNT_), "unknown error");
    UT_STREQ(mb2_strerror((mb2_err_code_t)-1), "unknown error");
}

UT_TEST(mb2_mem_type_names)
{
    UT_STREQ(mb2_mem_type_name(MB2_MEM_AVAILABLE), "available");
    UT_STREQ(mb2_mem_type_name(MB2_MEM_RESERVED), "reserved");
    UT_STREQ(mb2_mem_type_name(MB2_MEM_ACPI_RECLAIMABLE), "ACPI reclaimable");
    UT_STREQ(mb2_mem_type_name(MB2_MEM_NVS), "ACPI NVS");
    UT_STREQ(mb2_mem_type_name(MB2_MEM_BADRAM), "bad RAM");
    UT_STREQ(mb2_mem_type_name(0), "unknown");
    UT_STREQ(mb2_mem_type_name(6), "unknown");
    UT_STREQ(mb2_mem_type_name(0xffffffff), "unknown");
}

/* --- robustness ------------------------------------------------------------ */

/* A heap copy of exactly n bytes, so AddressSanitizer sees any read past
 * them. malloc's alignment (16) satisfies the parser's 8. */
static uint8_t *exact_copy(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n ? n : 1);
    UT_CHECK(q != NULL);
    memcpy(q, p, n);
    return q;
}

/* Checks what any return must satisfy, and what a success promises. */
static void check_outcome(mb2_err_code_t code, size_t avail)
{
    char msg[512];

    UT_CHECK((unsigned)code < MB2_ERR_COUNT_);
    UT_EQ(g_err.code, code);
    UT_CHECK(g_err.offset <= avail);
    if (code != MB2_OK) {
        UT_EQ(mb2_format_error(&g_err, msg, sizeof msg), strlen(msg));
        return;
    }
    UT_CHECK(g_info.total_size <= avail);
    UT_CHECK(g_info.n_mmap <= MB2_MAX_MMAP && g_info.n_modules <= MB2_MAX_MODULES);
    UT_CHECK(strnlen(g_info.cmdline, sizeof g_info.cmdline) < sizeof g_info.cmdline);
    UT_CHECK(strnlen(g_info.loader_name, sizeof g_info.loader_name) <
             sizeof g_info.loader_name);
    for (size_t i = 0; i < g_info.n_modules; i++)
        UT_CHECK(g_info.modules[i].end >= g_info.modules[i].start);
    UT_CHECK(g_info.rsdp_len <= sizeof g_info.rsdp);
    code = mb2_check_mmap(&g_info, 1 * MB, &g_err);
    UT_CHECK((unsigned)code < MB2_ERR_COUNT_);
    UT_EQ(mb2_format_error(&g_err, msg, sizeof msg), strlen(msg));
}

typedef void (*blob_builder_t)(blob_t *b);
static const blob_builder_t good_blobs[] = {blob_bios, blob_uefi};

/* Every prefix as avail: total_size then claims more than there is. */
UT_TEST(mb2_every_prefix_as_avail)
{
    for (size_t k = 0; k < ARRAY_LEN(good_blobs); k++) {
        good_blobs[k](&g_blob);
        for (size_t t = 0; t < g_blob.len; t++) {
            uint8_t *p = exact_copy(g_blob.data, t);
            mb2_err_code_t code = mb2_parse(p, t, MB2_BOOTLOADER_MAGIC, &g_info, &g_err);
            free(p);
            check_outcome(code, t);
            UT_EQ(code, MB2_ERR_TOTAL_SIZE);
        }
    }
}

/* Every prefix as a whole block (total_size patched to match): the end
 * tag is cut off, so none may succeed. */
UT_TEST(mb2_every_prefix_as_block)
{
    for (size_t k = 0; k < ARRAY_LEN(good_blobs); k++) {
        good_blobs[k](&g_blob);
        for (uint32_t t = 8; t < g_blob.len; t++) {
            uint8_t *p = exact_copy(g_blob.data, t);
            memcpy(p, &t, 4);
            mb2_err_code_t code = mb2_parse(p, t, MB2_BOOTLOADER_MAGIC, &g_info, &g_err);
            free(p);
            check_outcome(code, t);
            UT_CHECK(code != MB2_OK);
        }
    }
}

/* With avail larger than the allocation, the parser must still stop at
 * total_size: AddressSanitizer would catch a read beyond it. */
UT_TEST(mb2_reads_only_total_size)
{
    for (size_t k = 0; k < ARRAY_LEN(good_blobs); k++) {
        good_blobs[k](&g_blob);
        uint8_t *p = exact_copy(g_blob.data, g_blob.len);
        UT_EQ(mb2_parse(p, g_blob.len + 4096, MB2_BOOTLOADER_MAGIC, &g_info, &g_err), MB2_OK);
        free(p);
    }
}

/* A value a size or count field is likely to be wrong with. */
static uint32_t interesting(uint64_t *rng, uint32_t old, uint32_t len)
{
    static const uint32_t fixed[] = {0, 1, 4, 7, 8, 9, 12, 15, 16, 20, 23, 24, 28, 31, 32, 38,
                                     0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff};
    uint64_t r = ut_rand(rng);

    switch (r % 5) {
    case 0: return fixed[(r >> 8) % ARRAY_LEN(fixed)];
    case 1: return old + (uint32_t)((r >> 8) % 17) - 8;
    case 2: return len - (uint32_t)((r >> 8) % 64);
    case 3: return (uint32_t)(r >> 32);
    default: return old ^ (1u << ((r >> 8) % 32));
    }
}

/* One random edit of b: a bit flip, a tag's size field, an aligned word,
 * or a shorter block (avail only, or total_size too). */
static void mutate(blob_t *b, uint64_t *rng)
{
    uint64_t r = ut_rand(rng);
    uint32_t off, old;

    switch (r % 5) {
    case 0:
        b->data[(r >> 8) % b->len] ^= (uint8_t)(1u << ((r >> 40) % 8));
        break;
    case 1:
        off = b->tags[(r >> 8) % b->n_tags] + ((r >> 40) & 1 ? 4 : 0);
        memcpy(&old, b->data + off, 4);
        blob_set32(b, off, interesting(rng, old, b->len));
        break;
    case 2:
        off = (uint32_t)((r >> 8) % (b->len / 4)) * 4;
        memcpy(&old, b->data + off, 4);
        blob_set32(b, off, interesting(rng, old, b->len));
        break;
    case 3:
        b->len = (uint32_t)((r >> 8) % (b->len + 1));
        break;
    default:
        b->len = (uint32_t)((r >> 8) % (b->len + 1));
        if (b->len >= 4)
            blob_set32(b, 0, b->len);
        break;
    }
    if (b->len < 4) /* keep something to mutate */
        b->len = 4;
}

static void fuzz(uint64_t seed, int rounds)
{
    uint64_t rng = seed;
    int ok = 0;

    for (int i = 0; i < rounds; i++) {
        good_blobs[i % ARRAY_LEN(good_blobs)](&g_blob);
        int edits = 1 + (int)(ut_rand(&rng) % 4);
        for (int e = 0; e < edits; e++)
            mutate(&g_blob, &rng);
        uint8_t *p = exact_copy(g_blob.data, g_blob.len);
        mb2_err_code_t code = mb2_parse(p, g_blob.len, MB2_BOOTLOADER_MAGIC, &g_info, &g_err);
        free(p);
        check_outcome(code, g_blob.len);
        ok += code == MB2_OK;
    }
    /* Some mutations (padding, reserved fields, strings) are harmless;
     * most are not. Either extreme means the fuzzer is not fuzzing. */
    UT_CHECK(ok > 0 && ok < rounds);
}

UT_TEST(mb2_fuzz_seed_1) { fuzz(0x9e3779b97f4a7c15ull, 20000); }
UT_TEST(mb2_fuzz_seed_2) { fuzz(0xd1b54a32d192ed03ull, 20000); }
UT_TEST(mb2_fuzz_seed_3) { fuzz(42, 20000); }
