/*
 * Multiboot2 boot information: a checking parser.
 *
 * mb2_parse walks the block once. It first checks the envelope (the magic
 * in EAX, the pointer's alignment, total_size against 16, the size limit
 * and avail); from then on every read is at an offset below total_size,
 * which is itself at most avail, and each read is checked before it is
 * made. Each tag is checked for a size that fits the block and covers its
 * type's fixed layout, then handed to one decoder per type (mb2_tag_*),
 * which checks the type's own rules and copies what the kernel keeps into
 * mb2_info_t. Tag types the parser does not know are skipped: later
 * versions of the specification may add tags. The first failed check ends
 * the walk with one error record (code, offset of the field at fault, tag
 * type, expected and actual values); the parser never logs, and
 * mb2_format_error turns the record into the one line the kernel prints.
 *
 * Fields are read byte by byte in little-endian order (mb2_rd32/mb2_rd64),
 * so no read depends on the block's alignment beyond the 8 the
 * specification guarantees, and the same code runs on the host.
 *
 * mb2_check_mmap is a separate, second step over the parsed memory map: the
 * map's entries are well formed once parsed, but may still not describe a
 * machine that can exist. For its errors, offset holds the index of the
 * memory-map entry at fault (the block may be gone by then).
 */
#include <kern/fmt.h>
#include <kern/mb2.h>
#include <kern/string.h>

#define MB2_HEADER_SIZE 8   /* total_size, reserved */
#define MB2_TAG_HEADER 8    /* type, size */
#define MB2_MIN_TOTAL (MB2_HEADER_SIZE + MB2_TAG_HEADER) /* header + end tag */
#define MB2_MMAP_MIN_ENTRY 24
#define MB2_FB_COMMON 32    /* framebuffer tag up to its colour information */
#define MB2_FB_RGB 38       /* ... plus six bytes of RGB field positions */
#define MB2_RSDP_V1 20
#define MB2_RSDP_V2 36
#define MB2_ELF_HEADER 20   /* type, size, num, entsize, shndx (GRUB layout) */
#define MB2_N_TAG_TYPES 22  /* tag types the specification defines */

/* The walk's state: the block, its checked size, the outputs, and the
 * offset of each once-only tag seen so far (0: not yet; no tag is at 0). */
typedef struct {
    const uint8_t *base;
    uint32_t total;
    mb2_info_t *info;
    mb2_error_t *err;
    uint32_t seen[MB2_N_TAG_TYPES];
} mb2_reader_t;

static uint32_t mb2_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t mb2_rd64(const uint8_t *p)
{
    return (uint64_t)mb2_rd32(p) | (uint64_t)mb2_rd32(p + 4) << 32;
}

static mb2_err_code_t mb2_fail(mb2_error_t *err, mb2_err_code_t code, uint32_t offset,
                               uint32_t tag, uint64_t expected, uint64_t actual)
{
    err->code = code;
    err->offset = offset;
    err->tag_type = tag;
    err->expected = expected;
    err->actual = actual;
    return code;
}

/* Checks the envelope; on success *out_total is the block's size, and
 * every offset below it may be read. */
static mb2_err_code_t mb2_check_block(const void *mbi, size_t avail, uint32_t magic,
                                      mb2_error_t *err, uint32_t *out_total)
{
    uint32_t total;

    /* EAX tells a Multiboot2 loader from anything else that jumped here. */
    if (magic != MB2_BOOTLOADER_MAGIC)
        return mb2_fail(err, MB2_ERR_MAGIC, 0, 0, MB2_BOOTLOADER_MAGIC, magic);
    /* The specification puts the block on an 8-byte boundary; a pointer
     * that is not is not a boot information block. */
    if (!mbi || !IS_ALIGNED((uintptr_t)mbi, 8))
        return mb2_fail(err, MB2_ERR_NULL, 0, 0, 8, (uintptr_t)mbi);
    /* total_size itself must be readable before it can be trusted. */
    if (avail < MB2_HEADER_SIZE)
        return mb2_fail(err, MB2_ERR_TOTAL_SIZE, 0, 0, MB2_HEADER_SIZE, avail);
    total = mb2_rd32(mbi);
    /* Room for at least the header and an end tag. */
    if (total < MB2_MIN_TOTAL)
        return mb2_fail(err, MB2_ERR_TOTAL_SIZE, 0, 0, MB2_MIN_TOTAL, total);
    /* A huge size is corruption, not information: refuse it. */
    if (total > MB2_MAX_TOTAL_SIZE)
        return mb2_fail(err, MB2_ERR_TOTAL_SIZE, 0, 0, MB2_MAX_TOTAL_SIZE, total);
    /* Never read past what the caller could map. */
    if (total > avail)
        return mb2_fail(err, MB2_ERR_TOTAL_SIZE, 0, 0, avail, total);
    *out_total = total;
    return MB2_OK;
}

/* Tags that may appear once: a second one means the loader (or the
 * memory) is confused, and the kernel cannot tell which copy is right. */
static bool mb2_tag_once(uint32_t type)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
    case MB2_TAG_LOADER_NAME:
    case MB2_TAG_BASIC_MEMINFO:
    case MB2_TAG_MMAP:
    case MB2_TAG_FRAMEBUFFER:
    case MB2_TAG_ELF_SECTIONS:
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        return true;
    default:
        return false;
    }
}

/* The fixed part of each tag type the parser reads (section 3.6); strings
 * and variable parts are checked by the type's decoder. */
static uint32_t mb2_tag_min_size(uint32_t type)
{
    switch (type) {
    case MB2_TAG_MODULE: return 16;
    case MB2_TAG_BASIC_MEMINFO: return 16;
    case MB2_TAG_MMAP: return 16;
    case MB2_TAG_FRAMEBUFFER: return MB2_FB_COMMON;
    case MB2_TAG_ELF_SECTIONS: return MB2_ELF_HEADER;
    case MB2_TAG_EFI32: return 12;
    case MB2_TAG_EFI64: return 16;
    default: return MB2_TAG_HEADER;
    }
}

/*
 * Copies the NUL-terminated string at off, which must end before end, into
 * dst (truncating to dst_size - 1 bytes).
 */
static mb2_err_code_t mb2_string(mb2_reader_t *r, uint32_t tag, uint32_t off,
                                 uint32_t end, char *dst, size_t dst_size)
{
    const char *s = (const char *)r->base + off;
    size_t len = strnlen(s, end - off);

    /* Reading a string up to a NUL that is not there would run off the
     * tag, and past the block. */
    if (len == end - off)
        return mb2_fail(r->err, MB2_ERR_STRING, off, tag, 0, end - off);
    if (len > dst_size - 1)
        len = dst_size - 1; /* truncated, as mb2_info_t documents */
    memcpy(dst, s, len);
    dst[len] = '\0';
    return MB2_OK;
}

static mb2_err_code_t mb2_tag_module(mb2_reader_t *r, uint32_t off, uint32_t size)
{
    const uint8_t *t = r->base + off;
    mb2_info_t *info = r->info;
    mb2_module_t *mod;
    uint32_t start = mb2_rd32(t + 8), end = mb2_rd32(t + 12);

    /* mb2_info_t has room for MB2_MAX_MODULES; dropping one silently would
     * lose a part of the system. */
    if (info->n_modules == MB2_MAX_MODULES)
        return mb2_fail(r->err, MB2_ERR_TOO_MANY_MODULES, off, MB2_TAG_MODULE,
                        MB2_MAX_MODULES, MB2_MAX_MODULES + 1);
    /* An inverted range would give the module a huge unsigned length. */
    if (end < start)
        return mb2_fail(r->err, MB2_ERR_MODULE_RANGE, off + 12, MB2_TAG_MODULE, start, end);
    mod = &info->modules[info->n_modules];
    mod->start = start;
    mod->end = end;
    if (mb2_string(r, MB2_TAG_MODULE, off + 16, off + size, mod->string,
                   sizeof mod->string) != MB2_OK)
        return r->err->code;
    info->n_modules++;
    return MB2_OK;
}

static mb2_err_code_t mb2_tag_mmap(mb2_reader_t *r, uint32_t off, uint32_t size)
{
    const uint8_t *t = r->base + off;
    mb2_info_t *info = r->info;
    uint32_t esize = mb2_rd32(t + 8), body = size - 16, n;

    /* Entries must hold base, length and type; the specification promises
     * a multiple of 8, which keeps the 64-bit fields aligned. */
    if (esize < MB2_MMAP_MIN_ENTRY || !IS_ALIGNED(esize, 8))
        return mb2_fail(r->err, MB2_ERR_MMAP_ENTRY_SIZE, off + 8, MB2_TAG_MMAP,
                        MB2_MMAP_MIN_ENTRY, esize);
    /* A partial entry at the end means size or entry_size is wrong. */
    if (body % esize != 0)
        return mb2_fail(r->err, MB2_ERR_MMAP_LENGTH, off + 4, MB2_TAG_MMAP, esize, body);
    n = body / esize;
    /* Dropping entries would hide memory, or worse, a reserved range. */
    if (n > MB2_MAX_MMAP)
        return mb2_fail(r->err, MB2_ERR_TOO_MANY_MMAP, off + 16 + MB2_MAX_MMAP * esize,
                        MB2_TAG_MMAP, MB2_MAX_MMAP, n);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = t + 16 + i * esize; /* inside the tag: n * esize == body */
        info->mmap[i].base = mb2_rd64(e);
        info->mmap[i].len = mb2_rd64(e + 8);
        info->mmap[i].type = mb2_rd32(e + 16);
    }
    info->n_mmap = n;
    info->has_mmap = true;
    return MB2_OK;
}

static mb2_err_code_t mb2_tag_framebuffer(mb2_reader_t *r, uint32_t off, uint32_t size)
{
    const uint8_t *t = r->base + off;
    mb2_fb_t *fb = &r->info->fb;
    uint8_t bpp = t[28], type = t[29];
    uint32_t pitch = mb2_rd32(t + 16), width = mb2_rd32(t + 20);

    /* Only indexed (0), RGB (1) and EGA text (2) are defined; the kernel
     * cannot draw on anything else. */
    if (type > 2)
        return mb2_fail(r->err, MB2_ERR_FRAMEBUFFER, off + 29, MB2_TAG_FRAMEBUFFER, 2, type);
    /* RGB adds the field positions and mask sizes the console needs. */
    if (type == 1 && size < MB2_FB_RGB)
        return mb2_fail(r->err, MB2_ERR_TAG_SIZE, off + 4, MB2_TAG_FRAMEBUFFER,
                        MB2_FB_RGB, size);
    /* Zero bits per pixel would make every pixel offset 0. */
    if (bpp == 0)
        return mb2_fail(r->err, MB2_ERR_FRAMEBUFFER, off + 28, MB2_TAG_FRAMEBUFFER, 1, 0);
    /* A row shorter than width pixels would make rows overlap; 64-bit
     * arithmetic, as width * bpp may not fit in 32 bits. */
    if ((uint64_t)pitch * 8 < (uint64_t)width * bpp)
        return mb2_fail(r->err, MB2_ERR_FRAMEBUFFER, off + 16, MB2_TAG_FRAMEBUFFER,
                        ((uint64_t)width * bpp + 7) / 8, pitch);
    fb->present = true;
    fb->addr = mb2_rd64(t + 8);
    fb->pitch = pitch;
    fb->width = width;
    fb->height = mb2_rd32(t + 24);
    fb->bpp = bpp;
    fb->type = type;
    return MB2_OK;
}

static mb2_err_code_t mb2_tag_elf(mb2_reader_t *r, uint32_t off, uint32_t size)
{
    const uint8_t *t = r->base + off;
    mb2_elf_sections_t *elf = &r->info->elf;
    uint32_t num = mb2_rd32(t + 8), entsize = mb2_rd32(t + 12);
    uint64_t table = (uint64_t)num * entsize; /* 64-bit: cannot overflow */

    /* The headers are inside the tag; a larger table would read past it. */
    if (table > size - MB2_ELF_HEADER)
        return mb2_fail(r->err, MB2_ERR_ELF_SECTIONS, off + 8, MB2_TAG_ELF_SECTIONS,
                        size - MB2_ELF_HEADER, table);
    elf->present = true;
    elf->num = num;
    elf->entsize = entsize;
    elf->shndx = mb2_rd32(t + 16);
    /* An offset, not an address: the caller knows where the block is. */
    elf->headers_offset = off + MB2_ELF_HEADER;
    return MB2_OK;
}

/* Tags 14 and 15: a copy of the RSDP, 20 bytes (ACPI 1.0) or 36 (2.0+). */
static mb2_err_code_t mb2_tag_rsdp(mb2_reader_t *r, uint32_t off, uint32_t size,
                                   uint32_t type)
{
    mb2_info_t *info = r->info;
    uint32_t need = type == MB2_TAG_ACPI_OLD ? MB2_RSDP_V1 : MB2_RSDP_V2;

    /* ACPI code would read the whole structure from the copy. */
    if (size - MB2_TAG_HEADER < need)
        return mb2_fail(r->err, MB2_ERR_RSDP, off + 4, type, need, size - MB2_TAG_HEADER);
    /* The 2.0 copy wins over the 1.0 one, whichever comes first. */
    if (type == MB2_TAG_ACPI_OLD && info->rsdp_version == 2)
        return MB2_OK;
    memcpy(info->rsdp, r->base + off + MB2_TAG_HEADER, need);
    info->rsdp_len = need;
    info->rsdp_version = type == MB2_TAG_ACPI_OLD ? 1 : 2;
    return MB2_OK;
}

/* The decoder for each tag type; unknown types are skipped. */
static mb2_err_code_t mb2_tag(mb2_reader_t *r, uint32_t type, uint32_t off, uint32_t size)
{
    mb2_info_t *info = r->info;
    const uint8_t *t = r->base + off;

    switch (type) {
    case MB2_TAG_CMDLINE:
        return mb2_string(r, type, off + 8, off + size, info->cmdline, sizeof info->cmdline);
    case MB2_TAG_LOADER_NAME:
        return mb2_string(r, type, off + 8, off + size, info->loader_name,
                          sizeof info->loader_name);
    case MB2_TAG_MODULE:
        return mb2_tag_module(r, off, size);
    case MB2_TAG_BASIC_MEMINFO:
        info->has_meminfo = true;
        info->mem_lower_kb = mb2_rd32(t + 8);
        info->mem_upper_kb = mb2_rd32(t + 12);
        return MB2_OK;
    case MB2_TAG_MMAP:
        return mb2_tag_mmap(r, off, size);
    case MB2_TAG_FRAMEBUFFER:
        return mb2_tag_framebuffer(r, off, size);
    case MB2_TAG_ELF_SECTIONS:
        return mb2_tag_elf(r, off, size);
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        return mb2_tag_rsdp(r, off, size, type);
    case MB2_TAG_EFI64:
        info->efi_system_table = mb2_rd64(t + 8);
        return MB2_OK;
    case MB2_TAG_EFI32:
        /* The 64-bit pointer wins, whichever comes first. */
        if (r->seen[MB2_TAG_EFI64] == 0)
            info->efi_system_table = mb2_rd32(t + 8);
        return MB2_OK;
    case MB2_TAG_EFI_BS:
        info->efi_boot_services_not_exited = true;
        return MB2_OK;
    default:
        return MB2_OK;
    }
}

/* Checks the tag at off (whose header is inside the block) and decodes it;
 * *out_end is set when it is the end tag. */
static mb2_err_code_t mb2_step(mb2_reader_t *r, uint32_t off, uint32_t *out_size,
                               bool *out_end)
{
    uint32_t type = mb2_rd32(r->base + off), size = mb2_rd32(r->base + off + 4);

    /* A tag must fit in what is left of the block. */
    if (size > r->total - off)
        return mb2_fail(r->err, MB2_ERR_TAG_OVERRUN, off + 4, type, r->total - off, size);
    if (type == MB2_TAG_END) {
        if (size != MB2_TAG_HEADER)
            return mb2_fail(r->err, MB2_ERR_END_SIZE, off + 4, type, MB2_TAG_HEADER, size);
        *out_end = true;
        return MB2_OK;
    }
    /* Every field the decoder reads lies inside the tag; and size >= 8
     * means every step moves forward. */
    if (size < mb2_tag_min_size(type))
        return mb2_fail(r->err, MB2_ERR_TAG_SIZE, off + 4, type, mb2_tag_min_size(type), size);
    if (type < MB2_N_TAG_TYPES && mb2_tag_once(type)) {
        if (r->seen[type] != 0)
            return mb2_fail(r->err, MB2_ERR_DUPLICATE, off, type, r->seen[type], off);
    }
    if (type < MB2_N_TAG_TYPES)
        r->seen[type] = off;
    *out_size = size;
    return mb2_tag(r, type, off, size);
}

mb2_err_code_t mb2_parse(const void *mbi, size_t avail, uint32_t magic,
                         mb2_info_t *out_info, mb2_error_t *out_err)
{
    mb2_error_t scratch;
    mb2_reader_t r = {.base = mbi, .info = out_info, .err = out_err ? out_err : &scratch};
    uint32_t off = MB2_HEADER_SIZE;

    memset(out_info, 0, sizeof *out_info);
    memset(r.err, 0, sizeof *r.err);
    if (mb2_check_block(mbi, avail, magic, r.err, &r.total) != MB2_OK)
        return r.err->code;
    out_info->total_size = r.total;
    for (;;) {
        uint32_t size = 0;
        bool end = false;

        /* The next tag's header must be inside the block; if it is not,
         * the block ended without an end tag. */
        if (off > r.total || r.total - off < MB2_TAG_HEADER)
            return mb2_fail(r.err, MB2_ERR_NO_END, MIN(off, r.total), 0, MB2_TAG_HEADER,
                            off > r.total ? 0 : r.total - off);
        if (mb2_step(&r, off, &size, &end) != MB2_OK)
            return r.err->code;
        if (end)
            return MB2_OK;
        off += ALIGN_UP(size, 8u); /* size <= total <= 1 MiB: no overflow */
    }
}

/* No entry may end past 2^64 - 1: base + len must be computable. */
static mb2_err_code_t mb2_check_wrap(const mb2_info_t *info, mb2_error_t *err)
{
    for (size_t i = 0; i < info->n_mmap; i++) {
        const mb2_mmap_entry_t *e = &info->mmap[i];
        if (e->len > UINT64_MAX - e->base)
            return mb2_fail(err, MB2_ERR_MMAP_WRAP, (uint32_t)i, MB2_TAG_MMAP, e->base, e->len);
    }
    return MB2_OK;
}

static bool mb2_usable(const mb2_mmap_entry_t *e)
{
    return e->type == MB2_MEM_AVAILABLE && e->len != 0;
}

/* Two available ranges over the same bytes would let the allocator hand
 * out one page twice. Quadratic, but n <= MB2_MAX_MMAP. */
static mb2_err_code_t mb2_check_overlap(const mb2_info_t *info, mb2_error_t *err)
{
    for (size_t j = 0; j < info->n_mmap; j++) {
        const mb2_mmap_entry_t *b = &info->mmap[j];
        if (!mb2_usable(b))
            continue;
        for (size_t i = 0; i < j; i++) {
            const mb2_mmap_entry_t *a = &info->mmap[i];
            if (mb2_usable(a) && a->base < b->base + b->len && b->base < a->base + a->len)
                return mb2_fail(err, MB2_ERR_MMAP_OVERLAP, (uint32_t)j, MB2_TAG_MMAP,
                                a->base, b->base);
        }
    }
    return MB2_OK;
}

mb2_err_code_t mb2_check_mmap(const mb2_info_t *info, uint64_t min_ram, mb2_error_t *out_err)
{
    const uint64_t low = 1 * MB;
    uint64_t ram = 0;

    memset(out_err, 0, sizeof *out_err);
    if (!info->has_mmap)
        return mb2_fail(out_err, MB2_ERR_NO_MMAP, 0, MB2_TAG_MMAP, 0, 0);
    if (mb2_check_wrap(info, out_err) != MB2_OK ||
        mb2_check_overlap(info, out_err) != MB2_OK)
        return out_err->code;
    /* The ranges are disjoint and end below 2^64, so the sum fits. */
    for (size_t i = 0; i < info->n_mmap; i++) {
        const mb2_mmap_entry_t *e = &info->mmap[i];
        uint64_t end = e->base + e->len;
        if (mb2_usable(e) && end > low)
            ram += end - MAX(e->base, low);
    }
    if (ram < min_ram)
        return mb2_fail(out_err, MB2_ERR_MMAP_NO_RAM, 0, MB2_TAG_MMAP, min_ram, ram);
    return MB2_OK;
}

/* How each error's expected/actual read in a message. */
typedef enum {
    MB2_DETAIL_NONE,
    MB2_DETAIL_HEX,     /* expected 0x.., got 0x.. */
    MB2_DETAIL_EQUAL,   /* expected N, got M */
    MB2_DETAIL_BOUND,   /* expected >= N (or <= N), got M */
    MB2_DETAIL_ALIGN,   /* expected N-byte alignment, got 0x.. */
    MB2_DETAIL_GOT,     /* got M */
    MB2_DETAIL_FIRST,   /* first at +0x.. */
    MB2_DETAIL_NONUL,   /* no NUL in M bytes */
    MB2_DETAIL_ENTRIES, /* entries of N bytes, M bytes */
    MB2_DETAIL_RANGE,   /* start 0x.., end 0x.. */
    MB2_DETAIL_WRAP,    /* base 0x.., length 0x.. */
    MB2_DETAIL_PAIR,    /* available ranges at 0x.. and 0x.. */
} mb2_detail_t;

/* One row per mb2_err_code_t: the rule, and how to show its values. */
static const struct {
    const char *rule;
    mb2_detail_t detail;
} mb2_errors[MB2_ERR_COUNT_] = {
    [MB2_OK] = {"no error", MB2_DETAIL_NONE},
    [MB2_ERR_MAGIC] = {"boot loader magic is not Multiboot2's", MB2_DETAIL_HEX},
    [MB2_ERR_NULL] = {"block missing or not 8-byte aligned", MB2_DETAIL_ALIGN},
    [MB2_ERR_TOTAL_SIZE] = {"total_size below 16, above the limit, or past the readable memory",
                            MB2_DETAIL_BOUND},
    [MB2_ERR_TAG_SIZE] = {"tag size below its type's fixed layout", MB2_DETAIL_BOUND},
    [MB2_ERR_TAG_OVERRUN] = {"tag runs past the end of the block", MB2_DETAIL_BOUND},
    [MB2_ERR_NO_END] = {"no end tag before the end of the block", MB2_DETAIL_NONE},
    [MB2_ERR_END_SIZE] = {"end tag size is not 8", MB2_DETAIL_EQUAL},
    [MB2_ERR_STRING] = {"string not NUL-terminated inside its tag", MB2_DETAIL_NONUL},
    [MB2_ERR_DUPLICATE] = {"tag that may appear once appears twice", MB2_DETAIL_FIRST},
    [MB2_ERR_MMAP_ENTRY_SIZE] = {"memory-map entry size below 24 bytes or not a multiple of 8",
                                 MB2_DETAIL_GOT},
    [MB2_ERR_MMAP_LENGTH] = {"memory map is not a whole number of entries",
                             MB2_DETAIL_ENTRIES},
    [MB2_ERR_TOO_MANY_MMAP] = {"too many memory-map entries", MB2_DETAIL_BOUND},
    [MB2_ERR_TOO_MANY_MODULES] = {"too many modules", MB2_DETAIL_BOUND},
    [MB2_ERR_MODULE_RANGE] = {"module ends before it starts", MB2_DETAIL_RANGE},
    [MB2_ERR_RSDP] = {"RSDP copy too short for its revision", MB2_DETAIL_BOUND},
    [MB2_ERR_FRAMEBUFFER] = {"impossible framebuffer geometry", MB2_DETAIL_BOUND},
    [MB2_ERR_ELF_SECTIONS] = {"ELF section table larger than its tag", MB2_DETAIL_BOUND},
    [MB2_ERR_NO_MMAP] = {"no memory map", MB2_DETAIL_NONE},
    [MB2_ERR_MMAP_WRAP] = {"memory-map entry wraps past 2^64", MB2_DETAIL_WRAP},
    [MB2_ERR_MMAP_OVERLAP] = {"available memory ranges overlap", MB2_DETAIL_PAIR},
    [MB2_ERR_MMAP_NO_RAM] = {"not enough available memory above 1 MiB", MB2_DETAIL_BOUND},
};

const char *mb2_strerror(mb2_err_code_t code)
{
    if ((unsigned)code >= MB2_ERR_COUNT_)
        return "unknown error";
    return mb2_errors[code].rule;
}

static const char *mb2_tag_name(uint32_t type)
{
    static const char *const names[MB2_N_TAG_TYPES] = {
        "end", "command line", "boot loader name", "module",
        "basic memory information", "BIOS boot device", "memory map", "VBE information",
        "framebuffer", "ELF sections", "APM table", "EFI 32-bit system table",
        "EFI 64-bit system table", "SMBIOS tables", "ACPI 1.0 RSDP", "ACPI 2.0 RSDP",
        "network", "EFI memory map", "EFI boot services not exited",
        "EFI 32-bit image handle", "EFI 64-bit image handle", "image load base address",
    };
    return type < MB2_N_TAG_TYPES ? names[type] : "unknown";
}

/* "expected >= 24, got 16" and the like, into buf; returns its length. */
static size_t mb2_format_detail(const mb2_error_t *err, char *buf, size_t size)
{
    unsigned long long e = err->expected, a = err->actual;
    mb2_detail_t kind = (unsigned)err->code < MB2_ERR_COUNT_ ? mb2_errors[err->code].detail
                                                            : MB2_DETAIL_NONE;

    switch (kind) {
    case MB2_DETAIL_HEX: return fmt_snprintf(buf, size, " (expected 0x%llx, got 0x%llx)", e, a);
    case MB2_DETAIL_EQUAL: return fmt_snprintf(buf, size, " (expected %llu, got %llu)", e, a);
    case MB2_DETAIL_BOUND:
        return fmt_snprintf(buf, size, " (expected %s %llu, got %llu)", a < e ? ">=" : "<=",
                            e, a);
    case MB2_DETAIL_ALIGN:
        return fmt_snprintf(buf, size, " (expected %llu-byte alignment, got 0x%llx)", e, a);
    case MB2_DETAIL_GOT: return fmt_snprintf(buf, size, " (got %llu)", a);
    case MB2_DETAIL_FIRST: return fmt_snprintf(buf, size, " (first at +0x%llx)", e);
    case MB2_DETAIL_NONUL: return fmt_snprintf(buf, size, " (no NUL in %llu bytes)", a);
    case MB2_DETAIL_ENTRIES:
        return fmt_snprintf(buf, size, " (entries of %llu bytes, %llu bytes of entries)", e, a);
    case MB2_DETAIL_RANGE: return fmt_snprintf(buf, size, " (start 0x%llx, end 0x%llx)", e, a);
    case MB2_DETAIL_WRAP: return fmt_snprintf(buf, size, " (base 0x%llx, length 0x%llx)", e, a);
    case MB2_DETAIL_PAIR:
        return fmt_snprintf(buf, size, " (available ranges at 0x%llx and 0x%llx)", e, a);
    default: return fmt_snprintf(buf, size, "%s", "");
    }
}

/* "multiboot2 information at +0x58 (tag 6, memory map): " and the like. */
static size_t mb2_format_where(const mb2_error_t *err, char *buf, size_t size)
{
    switch (err->code) {
    case MB2_ERR_MAGIC:
    case MB2_ERR_NULL:
        return fmt_snprintf(buf, size, "multiboot2 information: ");
    case MB2_ERR_TOTAL_SIZE:
    case MB2_ERR_NO_END:
        return fmt_snprintf(buf, size, "multiboot2 information at +0x%x: ", err->offset);
    case MB2_ERR_NO_MMAP:
    case MB2_ERR_MMAP_NO_RAM:
        return fmt_snprintf(buf, size, "multiboot2 memory map: ");
    case MB2_ERR_MMAP_WRAP:
    case MB2_ERR_MMAP_OVERLAP:
        return fmt_snprintf(buf, size, "multiboot2 memory map entry %u: ", err->offset);
    default:
        return fmt_snprintf(buf, size, "multiboot2 information at +0x%x (tag %u, %s): ",
                            err->offset, err->tag_type, mb2_tag_name(err->tag_type));
    }
}

/* Each piece is appended at the previous one's NUL, or not at all once the
 * buffer is full; the lengths still add up to the whole message. */
size_t mb2_format_error(const mb2_error_t *err, char *buf, size_t size)
{
    size_t n = mb2_format_where(err, buf, size);
    size_t used = MIN(n, size);

    /* used == 0 only when nothing fits: buf may then be NULL, so no
     * arithmetic on it. */
    n += fmt_snprintf(used ? buf + used : buf, size - used, "%s", mb2_strerror(err->code));
    used = MIN(n, size);
    n += mb2_format_detail(err, used ? buf + used : buf, size - used);
    return n;
}

const char *mb2_mem_type_name(uint32_t type)
{
    switch (type) {
    case MB2_MEM_AVAILABLE: return "available";
    case MB2_MEM_RESERVED: return "reserved";
    case MB2_MEM_ACPI_RECLAIMABLE: return "ACPI reclaimable";
    case MB2_MEM_NVS: return "ACPI NVS";
    case MB2_MEM_BADRAM: return "bad RAM";
    default: return "unknown";
    }
}
