/*
 * The ELF64 parser (include/kern/elf.h). Generic: the kernel links it and
 * the host unit tests and fuzzer compile the same file.
 */
#include <kern/elf.h>
#include <kern/string.h>

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PF_X 1
#define PF_W 2
#define DT_NULL 0
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define DT_REL 17
#define DT_JMPREL 23
#define R_X86_64_RELATIVE 8
#define PAGE 4096u

typedef struct {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} ehdr_t;

typedef struct {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
} phdr_t;

typedef struct {
    uint64_t offset, info;
    int64_t addend;
} rela_t;

static bool fail(elf_error_t *err, uint64_t off, const char *rule)
{
    err->offset = off;
    err->rule = rule;
    return false;
}

/* off + n within size, without overflow. */
static bool in_file(uint64_t size, uint64_t off, uint64_t n) { return off <= size && n <= size - off; }

static bool check_header(const ehdr_t *h, uint64_t size, elf_error_t *err)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    if (memcmp(h->ident, magic, 4) != 0)
        return fail(err, 0, "not an ELF file (bad magic)");
    if (h->ident[4] != 2)
        return fail(err, 4, "not ELF64");
    if (h->ident[5] != 1)
        return fail(err, 5, "not little-endian");
    if (h->type != ET_EXEC && h->type != ET_DYN)
        return fail(err, 16, "not an executable (ET_EXEC or ET_DYN)");
    if (h->machine != EM_X86_64)
        return fail(err, 18, "not x86-64");
    if (h->phentsize != sizeof(phdr_t))
        return fail(err, 54, "program header size is not 56");
    if (h->phnum == 0 || h->phnum > 64)
        return fail(err, 56, "program header count not within 1-64");
    if (!in_file(size, h->phoff, (uint64_t)h->phnum * sizeof(phdr_t)))
        return fail(err, 32, "program headers outside the file");
    return true;
}

static bool add_load(const phdr_t *ph, uint64_t at, uint64_t size, elf_image_t *out, elf_error_t *err)
{
    if (ph->memsz == 0)
        return true;
    if (out->nsegs == ELF_MAX_SEGMENTS)
        return fail(err, at, "more than 16 loadable segments");
    if (ph->filesz > ph->memsz)
        return fail(err, at, "segment file size exceeds its memory size");
    if (!in_file(size, ph->offset, ph->filesz))
        return fail(err, at, "segment data outside the file");
    if (ph->vaddr + ph->memsz < ph->vaddr || ph->vaddr + ph->memsz > ELF_MAX_SPAN * 128)
        return fail(err, at, "segment address range wraps or is out of reach");
    if ((ph->flags & PF_W) && (ph->flags & PF_X))
        return fail(err, at, "segment both writable and executable");
    if ((ph->vaddr & (PAGE - 1)) != (ph->offset & (PAGE - 1)))
        return fail(err, at, "segment address and offset disagree modulo the page size");
    uint64_t lo = ph->vaddr & ~(uint64_t)(PAGE - 1);
    uint64_t hi = (ph->vaddr + ph->memsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    for (unsigned i = 0; i < out->nsegs; i++) {
        const elf_segment_t *s = &out->segs[i];
        uint64_t slo = s->vaddr & ~(uint64_t)(PAGE - 1);
        uint64_t shi = (s->vaddr + s->memsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        if (lo < shi && slo < hi)
            return fail(err, at, "segments share a page");
    }
    out->segs[out->nsegs++] = (elf_segment_t){ph->vaddr, ph->memsz, ph->offset, ph->filesz, ph->flags};
    if (out->nsegs == 1 || lo < out->lo)
        out->lo = lo;
    if (hi > out->hi)
        out->hi = hi;
    return true;
}

static bool parse_dynamic(elf_read_fn read, void *ctx, uint64_t size, const phdr_t *ph,
                          uint64_t at, elf_image_t *out, elf_error_t *err)
{
    if (!in_file(size, ph->offset, ph->filesz) || ph->filesz % 16)
        return fail(err, at, "dynamic section outside the file or ragged");
    uint64_t rela = 0, relasz = 0, relaent = sizeof(rela_t);
    bool have_rela = false;
    for (uint64_t off = ph->offset; off < ph->offset + ph->filesz; off += 16) {
        uint64_t d[2];
        if (!read(ctx, off, d, sizeof d))
            return fail(err, off, "unreadable dynamic entry");
        if (d[0] == DT_NULL)
            break;
        if (d[0] == DT_REL || d[0] == DT_JMPREL)
            return fail(err, off, "REL or PLT relocations (only RELA RELATIVE is supported)");
        if (d[0] == DT_RELA) {
            rela = d[1];
            have_rela = true;
        } else if (d[0] == DT_RELASZ) {
            relasz = d[1];
        } else if (d[0] == DT_RELAENT) {
            relaent = d[1];
        }
    }
    if (!have_rela)
        return true;
    if (relaent != sizeof(rela_t) || relasz % sizeof(rela_t))
        return fail(err, ph->offset, "relocation entries are not 24-byte Elf64_Rela");
    /* DT_RELA is an address: find the file offset through the segments. */
    for (unsigned i = 0; i < out->nsegs; i++) {
        const elf_segment_t *s = &out->segs[i];
        if (rela >= s->vaddr && relasz <= s->filesz && rela - s->vaddr <= s->filesz - relasz) {
            out->rela_off = s->offset + (rela - s->vaddr);
            out->rela_count = relasz / sizeof(rela_t);
            return true;
        }
    }
    return fail(err, ph->offset, "relocations outside the loaded file data");
}

bool elf_parse(elf_read_fn read, void *ctx, uint64_t size, elf_image_t *out, elf_error_t *err)
{
    ehdr_t h;
    memset(out, 0, sizeof *out);
    if (size < sizeof h || !read(ctx, 0, &h, sizeof h))
        return fail(err, 0, "shorter than an ELF header");
    if (!check_header(&h, size, err))
        return false;
    out->pie = h.type == ET_DYN;
    phdr_t dyn = {0};
    uint64_t dyn_at = 0;
    for (unsigned i = 0; i < h.phnum; i++) {
        phdr_t ph;
        uint64_t at = h.phoff + (uint64_t)i * sizeof ph;
        if (!read(ctx, at, &ph, sizeof ph))
            return fail(err, at, "unreadable program header");
        if (ph.type == PT_INTERP)
            return fail(err, at, "needs an interpreter (dynamically linked)");
        if (ph.type == PT_LOAD && !add_load(&ph, at, size, out, err))
            return false;
        if (ph.type == PT_DYNAMIC) {
            dyn = ph;
            dyn_at = at;
        }
    }
    if (!out->nsegs)
        return fail(err, h.phoff, "no loadable segment");
    if (out->hi - out->lo > ELF_MAX_SPAN)
        return fail(err, h.phoff, "segments span more than 1 GiB");
    if (!out->pie && out->lo < 0x10000)
        return fail(err, h.phoff, "fixed-address segments below 64 KiB");
    bool entry_ok = false;
    for (unsigned i = 0; i < out->nsegs; i++)
        entry_ok |= (out->segs[i].flags & PF_X) && h.entry >= out->segs[i].vaddr &&
                    h.entry < out->segs[i].vaddr + out->segs[i].memsz;
    if (!entry_ok)
        return fail(err, 24, "entry point outside every executable segment");
    out->entry = h.entry;
    if (dyn_at) {
        if (!out->pie)
            return fail(err, dyn_at, "a dynamic section in a fixed-address executable");
        return parse_dynamic(read, ctx, size, &dyn, dyn_at, out, err);
    }
    return true;
}

bool elf_reloc(const elf_image_t *img, elf_read_fn read, void *ctx, uint64_t index,
               uint64_t base, uint64_t *out_where, uint64_t *out_value, elf_error_t *err)
{
    rela_t r;
    uint64_t at = img->rela_off + index * sizeof r;
    if (index >= img->rela_count || !read(ctx, at, &r, sizeof r))
        return fail(err, at, "unreadable relocation");
    if ((r.info & 0xffffffff) != R_X86_64_RELATIVE)
        return fail(err, at, "relocation other than R_X86_64_RELATIVE");
    for (unsigned i = 0; i < img->nsegs; i++) {
        const elf_segment_t *s = &img->segs[i];
        if ((s->flags & PF_W) && r.offset >= s->vaddr && r.offset <= s->vaddr + s->memsz - 8 &&
            s->memsz >= 8) {
            *out_where = base + r.offset;
            *out_value = base + (uint64_t)r.addend;
            return true;
        }
    }
    return fail(err, at, "relocation target outside the writable segments");
}
