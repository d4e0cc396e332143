/*
 * Tests of the ELF64 parser (kern/elf.c).
 *
 * Images are built in memory with the host's <elf.h> types: img_pie()
 * assembles a small, complete static PIE (an Elf64 header, program headers,
 * segment data, a dynamic section and a RELA table of RELATIVE relocations)
 * and img_exec() a fixed-address executable; each test changes what it is
 * about. Refusals are data: each row of elf_goldens names a change to one
 * of the good images and pins the exact refusal (file offset and rule
 * text), from elf_parse or from elf_reloc; one test checks that every rule
 * elf.c can give has a row. The parser reads through rd(), which fails the
 * case on any read outside the file (every offset and size must be checked
 * before it is read) and can be told to fail its Nth read.
 *
 * The robustness tests parse every prefix of the good images and thousands
 * of seeded mutations, and check whatever the parser accepts against what
 * elf.h promises (check_image). The test programs the build produces are
 * parsed too (DOGMA_TEST_PROGRAMS names their directory; the case is
 * skipped without it), and every relocation of each must resolve.
 */
#include <dirent.h>
#include <elf.h>
#include <stdlib.h>

#include <kern/elf.h>

#include "ut.h"

#define PAGE 0x1000ull
#define FILE_CAP 0x10000

/* The good PIE's layout (img_pie). */
#define PH_OFF 0x40
#define PH_AT(i) (PH_OFF + 56 * (i))
#define RELA_OFF 0x180 /* in the read-only segment, at the same address */
#define RELA_AT(i) (RELA_OFF + 24 * (i))
#define DYN_OFF 0x2000 /* the start of the data segment */
#define DYN_AT(i) (DYN_OFF + 16 * (i))
#define PIE_SIZE 0x2100
#define PIE_RELOCS 3
#define EXEC_SIZE 0x2010

typedef struct {
    _Alignas(8) uint8_t b[FILE_CAP];
    uint64_t size;
} file_t;

/* The reader: a file in memory, strict about ranges, and able to fail. */
typedef struct {
    const uint8_t *p;
    uint64_t size;
    long fail_at; /* the read that fails, counting from 0; -1 none */
    long nreads;
} rd_t;

static file_t g_f;
static rd_t g_rd;
static elf_image_t g_img;
static elf_error_t g_err;

static bool rd(void *ctx, uint64_t off, void *dst, size_t n)
{
    rd_t *r = ctx;
    if (off > r->size || n > r->size - off)
        ut_fail(__FILE__, __LINE__, "read of %zu bytes at 0x%llx outside a file of 0x%llx bytes",
                n, (unsigned long long)off, (unsigned long long)r->size);
    if (r->nreads++ == r->fail_at)
        return false;
    memcpy(dst, r->p + off, n);
    return true;
}

/* --- the builder ------------------------------------------------------- */

static Elf64_Ehdr *eh(void) { return (Elf64_Ehdr *)g_f.b; }
static Elf64_Phdr *ph(unsigned i) { return (Elf64_Phdr *)(g_f.b + PH_AT(i)); }
static Elf64_Dyn *dyn(unsigned i) { return (Elf64_Dyn *)(g_f.b + DYN_AT(i)); }
static Elf64_Rela *rela(unsigned i) { return (Elf64_Rela *)(g_f.b + RELA_AT(i)); }

static void put_eh(uint16_t type, uint64_t entry, uint16_t phnum)
{
    Elf64_Ehdr h = {0};
    memcpy(h.e_ident, ELFMAG, SELFMAG);
    h.e_ident[EI_CLASS] = ELFCLASS64;
    h.e_ident[EI_DATA] = ELFDATA2LSB;
    h.e_ident[EI_VERSION] = EV_CURRENT;
    h.e_type = type;
    h.e_machine = EM_X86_64;
    h.e_version = EV_CURRENT;
    h.e_entry = entry;
    h.e_phoff = PH_OFF;
    h.e_ehsize = sizeof h;
    h.e_phentsize = sizeof(Elf64_Phdr);
    h.e_phnum = phnum;
    memcpy(g_f.b, &h, sizeof h);
}

static void put_ph(uint64_t at, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
                   uint64_t filesz, uint64_t memsz)
{
    Elf64_Phdr p = {.p_type = type, .p_flags = flags, .p_offset = off, .p_vaddr = vaddr,
                    .p_paddr = vaddr, .p_filesz = filesz, .p_memsz = memsz, .p_align = PAGE};
    UT_CHECK(at + sizeof p <= FILE_CAP);
    memcpy(g_f.b + at, &p, sizeof p);
}

static void set_dyn(unsigned i, int64_t tag, uint64_t val)
{
    dyn(i)->d_tag = tag;
    dyn(i)->d_un.d_val = val;
}

/* The good PIE's relocations: into the data, and the last 8 bytes of bss. */
static const struct {
    uint64_t where;
    int64_t addend;
} pie_relocs[PIE_RELOCS] = {{0x2080, 0x1000}, {0x2088, 0x1234}, {0x2ff8, 0}};

/* The good static PIE, 0x2100 bytes:
 *   LOAD R   file [0, 0x400)         at 0       headers; RELA table at 0x180
 *   LOAD RX  file [0x1000, 0x1100)   at 0x1000  the entry point, 0x1000
 *   LOAD RW  file [0x2000, 0x2100)   at 0x2000, 0x1000 bytes in memory
 *   DYNAMIC  file [0x2000, 0x2050)   RELA, RELASZ, RELAENT, FLAGS_1, NULL */
static void img_pie(void)
{
    memset(&g_f, 0, sizeof g_f);
    put_eh(ET_DYN, 0x1000, 4);
    put_ph(PH_AT(0), PT_LOAD, PF_R, 0, 0, 0x400, 0x400);
    put_ph(PH_AT(1), PT_LOAD, PF_R | PF_X, 0x1000, 0x1000, 0x100, 0x100);
    put_ph(PH_AT(2), PT_LOAD, PF_R | PF_W, 0x2000, 0x2000, 0x100, 0x1000);
    put_ph(PH_AT(3), PT_DYNAMIC, PF_R | PF_W, DYN_OFF, DYN_OFF, 0x50, 0x50);
    set_dyn(0, DT_RELA, RELA_OFF);
    set_dyn(1, DT_RELASZ, PIE_RELOCS * sizeof(Elf64_Rela));
    set_dyn(2, DT_RELAENT, sizeof(Elf64_Rela));
    set_dyn(3, DT_FLAGS_1, DF_1_PIE);
    set_dyn(4, DT_NULL, 0);
    for (unsigned i = 0; i < PIE_RELOCS; i++) {
        rela(i)->r_offset = pie_relocs[i].where;
        rela(i)->r_info = ELF64_R_INFO(0, R_X86_64_RELATIVE);
        rela(i)->r_addend = pie_relocs[i].addend;
    }
    memset(g_f.b + 0x1000, 0xcc, 0x100); /* int3: the text */
    g_f.size = PIE_SIZE;
}

/* The good fixed-address executable, 0x2010 bytes, no dynamic section:
 *   LOAD R   file [0, 0x200)         at 0x400000
 *   LOAD RX  file [0x1000, 0x1100)   at 0x401000  the entry point
 *   LOAD RW  file [0x2000, 0x2010)   at 0x402000, 0x2000 bytes in memory */
static void img_exec(void)
{
    memset(&g_f, 0, sizeof g_f);
    put_eh(ET_EXEC, 0x401000, 3);
    put_ph(PH_AT(0), PT_LOAD, PF_R, 0, 0x400000, 0x200, 0x200);
    put_ph(PH_AT(1), PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x100, 0x100);
    put_ph(PH_AT(2), PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x10, 0x2000);
    memset(g_f.b + 0x1000, 0xcc, 0x100);
    g_f.size = EXEC_SIZE;
}

/* --- parsing ------------------------------------------------------------ */

static bool parse_failing(long fail_at)
{
    g_rd = (rd_t){g_f.b, g_f.size, fail_at, 0};
    g_err = (elf_error_t){~0ull, NULL};
    return elf_parse(rd, &g_rd, g_f.size, &g_img, &g_err);
}

static bool parse(void) { return parse_failing(-1); }

/* elf_reloc through the same reader, so a planned failure can hit it. */
static bool reloc(uint64_t i, uint64_t base, uint64_t *where, uint64_t *value)
{
    g_err = (elf_error_t){~0ull, NULL};
    return elf_reloc(&g_img, rd, &g_rd, i, base, where, value, &g_err);
}

static bool is_reloc_rule(const char *rule)
{
    return strcmp(rule, "relocation other than R_X86_64_RELATIVE") == 0 ||
           strcmp(rule, "relocation target outside the writable segments") == 0;
}

/* What elf.h promises of an accepted image of `size` bytes; then every
 * relocation, for the load base `base`: resolved to 8 writable bytes
 * inside the image, or refused by one of the two relocation rules.
 * Returns how many resolved. */
static uint64_t check_image(const elf_image_t *e, const rd_t *r, uint64_t base)
{
    UT_CHECK(e->nsegs >= 1 && e->nsegs <= ELF_MAX_SEGMENTS);
    UT_CHECK(e->lo % PAGE == 0 && e->hi % PAGE == 0 && e->lo < e->hi);
    UT_CHECK(e->hi - e->lo <= ELF_MAX_SPAN);
    UT_CHECK(e->pie || e->lo >= 0x10000);
    bool entry_ok = false;
    for (unsigned i = 0; i < e->nsegs; i++) {
        const elf_segment_t *s = &e->segs[i];
        UT_CHECK(s->memsz > 0 && s->filesz <= s->memsz);
        UT_CHECK(s->offset <= r->size && s->filesz <= r->size - s->offset);
        UT_CHECK(!((s->flags & PF_W) && (s->flags & PF_X)));
        UT_CHECK(s->vaddr % PAGE == s->offset % PAGE);
        uint64_t lo = s->vaddr & ~(PAGE - 1), hi = (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
        UT_CHECK(lo >= e->lo && hi <= e->hi && lo < hi);
        for (unsigned j = 0; j < i; j++) {
            const elf_segment_t *t = &e->segs[j];
            uint64_t tlo = t->vaddr & ~(PAGE - 1);
            uint64_t thi = (t->vaddr + t->memsz + PAGE - 1) & ~(PAGE - 1);
            UT_CHECK(hi <= tlo || thi <= lo);
        }
        entry_ok |= (s->flags & PF_X) && e->entry >= s->vaddr && e->entry - s->vaddr < s->memsz;
    }
    UT_CHECK(entry_ok);
    UT_CHECK(e->pie || e->rela_count == 0);
    UT_CHECK(e->rela_count <= r->size / sizeof(Elf64_Rela));
    UT_CHECK(e->rela_off <= r->size && e->rela_count * sizeof(Elf64_Rela) <= r->size - e->rela_off);
    uint64_t resolved = 0;
    rd_t r2 = *r;
    r2.fail_at = -1;
    for (uint64_t i = 0; i < e->rela_count; i++) {
        uint64_t where = 0, value = 0;
        elf_error_t err = {0, NULL};
        if (!elf_reloc(e, rd, &r2, i, base, &where, &value, &err)) {
            UT_CHECK(err.rule && is_reloc_rule(err.rule));
            UT_EQ(err.offset, e->rela_off + i * sizeof(Elf64_Rela));
            continue;
        }
        uint64_t at = where - base;
        bool in_w = false;
        for (unsigned k = 0; k < e->nsegs; k++) {
            const elf_segment_t *s = &e->segs[k];
            in_w |= (s->flags & PF_W) && at >= s->vaddr && s->memsz >= 8 &&
                    at - s->vaddr <= s->memsz - 8;
        }
        UT_CHECK(in_w);
        resolved++;
    }
    return resolved;
}

/* --- the good images ------------------------------------------------------ */

UT_TEST(elf_pie_good)
{
    img_pie();
    UT_CHECK(parse());
    UT_CHECK(g_img.pie);
    UT_EQ(g_img.entry, 0x1000);
    UT_EQ(g_img.lo, 0);
    UT_EQ(g_img.hi, 0x3000);
    UT_EQ(g_img.nsegs, 3);
    static const elf_segment_t want[] = {
        {0, 0x400, 0, 0x400, PF_R},
        {0x1000, 0x100, 0x1000, 0x100, PF_R | PF_X},
        {0x2000, 0x1000, 0x2000, 0x100, PF_R | PF_W},
    };
    for (unsigned i = 0; i < 3; i++) {
        UT_EQ(g_img.segs[i].vaddr, want[i].vaddr);
        UT_EQ(g_img.segs[i].memsz, want[i].memsz);
        UT_EQ(g_img.segs[i].offset, want[i].offset);
        UT_EQ(g_img.segs[i].filesz, want[i].filesz);
        UT_EQ(g_img.segs[i].flags, want[i].flags);
    }
    UT_EQ(g_img.rela_off, RELA_OFF);
    UT_EQ(g_img.rela_count, PIE_RELOCS);
    const uint64_t base = 0x7f0000000000;
    for (unsigned i = 0; i < PIE_RELOCS; i++) {
        uint64_t where = 0, value = 0;
        UT_CHECK(reloc(i, base, &where, &value));
        UT_EQ(where, base + pie_relocs[i].where);
        UT_EQ(value, base + (uint64_t)pie_relocs[i].addend);
    }
    UT_EQ(check_image(&g_img, &g_rd, base), PIE_RELOCS);
    /* The reader saw the header, four program headers, five dynamic
     * entries and three relocations, and nothing else. */
    UT_EQ(g_rd.nreads, 1 + 4 + 5 + PIE_RELOCS);
}

/* A base of 0 gives the link-time addresses; a negative addend is added
 * modulo 2^64, as the CPU would. */
UT_TEST(elf_pie_reloc_values)
{
    img_pie();
    rela(1)->r_addend = -16;
    UT_CHECK(parse());
    uint64_t where, value;
    UT_CHECK(reloc(0, 0, &where, &value));
    UT_EQ(where, 0x2080);
    UT_EQ(value, 0x1000);
    UT_CHECK(reloc(1, 0x100000, &where, &value));
    UT_EQ(where, 0x102088);
    UT_EQ(value, 0x100000 - 16);
}

UT_TEST(elf_exec_good)
{
    img_exec();
    UT_CHECK(parse());
    UT_CHECK(!g_img.pie);
    UT_EQ(g_img.entry, 0x401000);
    UT_EQ(g_img.lo, 0x400000);
    UT_EQ(g_img.hi, 0x404000);
    UT_EQ(g_img.nsegs, 3);
    UT_EQ(g_img.segs[2].vaddr, 0x402000);
    UT_EQ(g_img.segs[2].memsz, 0x2000);
    UT_EQ(g_img.segs[2].filesz, 0x10);
    UT_EQ(g_img.rela_count, 0);
    check_image(&g_img, &g_rd, 0);
    uint64_t where, value;
    UT_CHECK(!reloc(0, 0, &where, &value));
    UT_STREQ(g_err.rule, "unreadable relocation");
}

/* --- boundaries that are accepted ------------------------------------------ */

UT_TEST(elf_entry_last_byte_of_text)
{
    img_pie();
    eh()->e_entry = 0x10ff;
    UT_CHECK(parse());
    UT_EQ(g_img.entry, 0x10ff);
}

UT_TEST(elf_fixed_at_64k)
{
    img_exec();
    ph(0)->p_vaddr = 0x10000;
    UT_CHECK(parse());
    UT_EQ(g_img.lo, 0x10000);
}

UT_TEST(elf_span_exactly_1g)
{
    img_pie();
    ph(2)->p_vaddr = ELF_MAX_SPAN - PAGE; /* offset 0x2000: same page offset */
    UT_CHECK(parse());
    UT_EQ(g_img.hi - g_img.lo, ELF_MAX_SPAN);
}

/* Segments in any order; the span covers them all. */
UT_TEST(elf_segments_out_of_order)
{
    img_pie();
    Elf64_Phdr p0 = *ph(0);
    *ph(0) = *ph(2);
    *ph(2) = p0;
    UT_CHECK(parse());
    UT_EQ(g_img.lo, 0);
    UT_EQ(g_img.hi, 0x3000);
    UT_EQ(g_img.segs[0].vaddr, 0x2000);
}

/* Adjacent pages are not shared pages: the rodata ends where the text's
 * page begins. */
UT_TEST(elf_segments_adjacent)
{
    img_pie();
    ph(0)->p_memsz = 0x1000;
    UT_CHECK(parse());
    UT_EQ(g_img.segs[0].memsz, 0x1000);
}

/* A segment with nothing in memory is no segment: none of its other
 * fields matter. */
UT_TEST(elf_empty_load_ignored)
{
    img_pie();
    eh()->e_phnum = 5;
    put_ph(PH_AT(4), PT_LOAD, PF_R | PF_W | PF_X, ~0ull, 0x1234, 0x10, 0);
    UT_CHECK(parse());
    UT_EQ(g_img.nsegs, 3);
}

/* Program headers other than LOAD, DYNAMIC and INTERP are ignored. */
UT_TEST(elf_other_phdrs_ignored)
{
    img_pie();
    eh()->e_phnum = 5;
    put_ph(PH_AT(4), PT_GNU_STACK, PF_R | PF_W | PF_X, ~0ull, ~0ull, ~0ull, ~0ull);
    UT_CHECK(parse());
    UT_EQ(g_img.nsegs, 3);
}

/* 64 program headers (the most), at the end of the file. */
UT_TEST(elf_64_phdrs)
{
    img_pie();
    memmove(g_f.b + 0x3000, g_f.b + PH_OFF, 4 * sizeof(Elf64_Phdr));
    eh()->e_phoff = 0x3000;
    eh()->e_phnum = 64; /* the other 60: PT_NULL */
    g_f.size = 0x3000 + 64 * sizeof(Elf64_Phdr);
    UT_CHECK(parse());
    UT_EQ(g_img.nsegs, 3);
    UT_EQ(g_img.rela_count, PIE_RELOCS);
}

/* 16 loadable segments (the most), and a 17th without memory. */
static void sixteen_segments(unsigned nph)
{
    img_pie();
    eh()->e_phoff = 0x3000;
    eh()->e_phnum = (uint16_t)nph;
    eh()->e_entry = 0;
    for (unsigned i = 0; i < nph; i++)
        put_ph(0x3000 + 56 * i, PT_LOAD, i ? PF_R : PF_R | PF_X, 0, i * PAGE, 0x100,
               i < 16 ? 0x100 : 0);
    g_f.size = 0x3000 + 56 * nph;
}

UT_TEST(elf_16_segments)
{
    sixteen_segments(17);
    UT_CHECK(parse());
    UT_EQ(g_img.nsegs, 16);
    UT_EQ(g_img.hi, 16 * PAGE);
    UT_EQ(g_img.rela_count, 0);
}

/* A PIE without a dynamic section, or with one that has no RELA, or an
 * empty table: nothing to relocate. */
UT_TEST(elf_pie_no_relocations)
{
    img_pie();
    eh()->e_phnum = 3;
    UT_CHECK(parse());
    UT_EQ(g_img.rela_count, 0);
    img_pie();
    set_dyn(0, DT_DEBUG, 0);
    UT_CHECK(parse());
    UT_EQ(g_img.rela_count, 0);
    img_pie();
    set_dyn(1, DT_RELASZ, 0);
    UT_CHECK(parse());
    UT_EQ(g_img.rela_count, 0);
    UT_EQ(g_img.rela_off, RELA_OFF);
}

/* DT_NULL ends the dynamic section: what follows is not read. */
UT_TEST(elf_dynamic_stops_at_null)
{
    img_pie();
    set_dyn(3, DT_NULL, 0);
    set_dyn(4, DT_REL, 0x180);
    UT_CHECK(parse());
    UT_EQ(g_img.rela_count, PIE_RELOCS);
    UT_EQ(g_rd.nreads, 1 + 4 + 4);
    /* Without a DT_NULL the section's end ends it. */
    img_pie();
    set_dyn(4, DT_FLAGS, 0);
    UT_CHECK(parse());
    UT_EQ(g_img.rela_count, PIE_RELOCS);
}

/* DT_RELAENT may be absent (24 is assumed); the table may end exactly at
 * the end of its segment's file data. */
UT_TEST(elf_rela_table_at_segment_end)
{
    img_pie();
    set_dyn(2, DT_FLAGS, 0);
    uint64_t at = 0x400 - PIE_RELOCS * sizeof(Elf64_Rela);
    memmove(g_f.b + at, g_f.b + RELA_OFF, PIE_RELOCS * sizeof(Elf64_Rela));
    set_dyn(0, DT_RELA, at);
    UT_CHECK(parse());
    UT_EQ(g_img.rela_off, at);
    UT_EQ(check_image(&g_img, &g_rd, 0x40000000), PIE_RELOCS);
}

/* The table is found through its address, and may sit in any segment's
 * file data: here the data segment, moved to 0x5000 (file offset 0x2000),
 * holds it at 0x50a0, file offset 0x20a0. */
UT_TEST(elf_rela_found_by_address)
{
    img_pie();
    ph(2)->p_vaddr = 0x5000;
    for (unsigned i = 0; i < PIE_RELOCS; i++)
        rela(i)->r_offset += 0x3000;
    memcpy(g_f.b + 0x20a0, g_f.b + RELA_OFF, PIE_RELOCS * sizeof(Elf64_Rela));
    memset(g_f.b + RELA_OFF, 0, PIE_RELOCS * sizeof(Elf64_Rela));
    set_dyn(0, DT_RELA, 0x50a0);
    UT_CHECK(parse());
    UT_EQ(g_img.rela_off, 0x20a0);
    UT_EQ(check_image(&g_img, &g_rd, 0), PIE_RELOCS);
}

/* The symbol index of a RELATIVE relocation is not looked at. */
UT_TEST(elf_relative_symbol_ignored)
{
    img_pie();
    rela(0)->r_info = ELF64_R_INFO(7, R_X86_64_RELATIVE);
    UT_CHECK(parse());
    uint64_t where, value;
    UT_CHECK(reloc(0, 0, &where, &value));
    UT_EQ(value, 0x1000);
}

/* --- golden refusals --------------------------------------------------------- */

#define CHANGE(name, ...)                                                       \
    static void ch_##name(void) { __VA_ARGS__; }

CHANGE(none, (void)0)
CHANGE(size_63, g_f.size = 63)
CHANGE(size_0, g_f.size = 0)
CHANGE(magic_0, eh()->e_ident[0] = 0x7e)
CHANGE(magic_3, eh()->e_ident[3] = 'G')
CHANGE(class_32, eh()->e_ident[EI_CLASS] = ELFCLASS32)
CHANGE(class_none, eh()->e_ident[EI_CLASS] = ELFCLASSNONE)
CHANGE(big_endian, eh()->e_ident[EI_DATA] = ELFDATA2MSB)
CHANGE(type_rel, eh()->e_type = ET_REL)
CHANGE(type_core, eh()->e_type = ET_CORE)
CHANGE(type_none, eh()->e_type = ET_NONE)
CHANGE(machine_386, eh()->e_machine = EM_386)
CHANGE(machine_aarch64, eh()->e_machine = EM_AARCH64)
CHANGE(phentsize_64, eh()->e_phentsize = 64)
CHANGE(phentsize_0, eh()->e_phentsize = 0)
CHANGE(phnum_0, eh()->e_phnum = 0)
CHANGE(phnum_65, eh()->e_phnum = 65)
CHANGE(phoff_past_end, eh()->e_phoff = PIE_SIZE - 4 * 56 + 1)
CHANGE(phoff_wraps, eh()->e_phoff = ~0ull - 8)
CHANGE(phoff_beyond, eh()->e_phoff = PIE_SIZE + 1)
CHANGE(interp, eh()->e_phnum = 5; put_ph(PH_AT(4), PT_INTERP, PF_R, 0x300, 0x300, 0x10, 0x10))
CHANGE(interp_first, *ph(3) = *ph(0); put_ph(PH_AT(0), PT_INTERP, PF_R, 0x300, 0x300, 0x10, 0x10))
CHANGE(seventeen, sixteen_segments(17); ((Elf64_Phdr *)(g_f.b + 0x3000 + 16 * 56))->p_memsz = 1)
CHANGE(filesz_gt_memsz, ph(1)->p_filesz = 0x101)
CHANGE(data_past_end, ph(2)->p_filesz = 0x101)
CHANGE(data_offset_wraps, ph(1)->p_offset = ~0ull - 0xff)
CHANGE(data_offset_beyond, ph(1)->p_offset = 0x3000; ph(1)->p_filesz = 0)
CHANGE(vaddr_wraps, ph(1)->p_vaddr = ~0ull - 0xfff; ph(1)->p_memsz = 0x2000)
CHANGE(vaddr_out_of_reach, ph(2)->p_vaddr = 128 * GB - PAGE; ph(2)->p_memsz = PAGE + 1)
CHANGE(wx, ph(1)->p_flags |= PF_W)
CHANGE(wx_data, ph(2)->p_flags |= PF_X)
CHANGE(page_mismatch_vaddr, ph(1)->p_vaddr = 0x1010)
CHANGE(page_mismatch_offset, ph(2)->p_offset = 0x1ff8)
CHANGE(share_same_page, ph(2)->p_vaddr = 0x1000)
CHANGE(share_last_page, ph(2)->p_vaddr = 0x1f00; ph(2)->p_offset = 0x1f00)
CHANGE(share_earlier, ph(0)->p_memsz = 0x1001)
CHANGE(share_bss, ph(1)->p_vaddr = 0x3000; eh()->e_entry = 0x3000; ph(2)->p_memsz = 0x1001)
CHANGE(no_load, ph(0)->p_type = PT_NOTE; ph(1)->p_type = PT_NOTE; ph(2)->p_type = PT_NULL)
CHANGE(all_empty, ph(0)->p_memsz = ph(1)->p_memsz = ph(2)->p_memsz = 0;
       ph(0)->p_filesz = ph(1)->p_filesz = ph(2)->p_filesz = 0)
CHANGE(span, ph(2)->p_vaddr = ELF_MAX_SPAN + 0x2000)
CHANGE(span_by_one_page, ph(2)->p_vaddr = ELF_MAX_SPAN; ph(2)->p_filesz = 0; ph(2)->p_memsz = 1)
CHANGE(exec_below_64k, ph(0)->p_vaddr = 0xf000)
CHANGE(exec_at_0, ph(0)->p_vaddr = 0)
CHANGE(entry_past_text, eh()->e_entry = 0x1100)
CHANGE(entry_in_data, eh()->e_entry = 0x2000)
CHANGE(entry_in_rodata, eh()->e_entry = 0)
CHANGE(entry_huge, eh()->e_entry = ~0ull)
CHANGE(exec_entry_relative, eh()->e_entry = 0x1000)
CHANGE(exec_dynamic, eh()->e_phnum = 4;
       put_ph(PH_AT(3), PT_DYNAMIC, PF_R | PF_W, 0x2000, 0x402000, 0x10, 0x10))
CHANGE(dyn_ragged, ph(3)->p_filesz = 0x48)
CHANGE(dyn_past_end, ph(3)->p_offset = PIE_SIZE - 0x40)
CHANGE(dyn_wraps, ph(3)->p_offset = ~0ull - 0xf; ph(3)->p_filesz = 0x20)
CHANGE(dt_rel, set_dyn(3, DT_REL, RELA_OFF))
CHANGE(dt_jmprel, set_dyn(3, DT_JMPREL, RELA_OFF))
CHANGE(dt_rel_first, set_dyn(0, DT_REL, RELA_OFF))
CHANGE(relaent_16, set_dyn(2, DT_RELAENT, 16))
CHANGE(relaent_0, set_dyn(2, DT_RELAENT, 0))
CHANGE(relasz_ragged, set_dyn(1, DT_RELASZ, 70))
CHANGE(rela_past_segment_data, set_dyn(0, DT_RELA, 0x400 - 0x47))
CHANGE(rela_in_bss, set_dyn(0, DT_RELA, 0x2100))
CHANGE(rela_in_gap, set_dyn(0, DT_RELA, 0x5000))
CHANGE(rela_addr_wraps, set_dyn(0, DT_RELA, ~0ull - 8))
CHANGE(relasz_huge, set_dyn(1, DT_RELASZ, 24ull << 58))
CHANGE(reloc_type_64, rela(1)->r_info = ELF64_R_INFO(0, R_X86_64_64))
CHANGE(reloc_type_glob_dat, rela(2)->r_info = ELF64_R_INFO(1, R_X86_64_GLOB_DAT))
CHANGE(reloc_type_none, rela(0)->r_info = ELF64_R_INFO(0, R_X86_64_NONE))
CHANGE(reloc_type_high_bits, rela(0)->r_info = (1ull << 32) * 5 + (1ull << 31) + R_X86_64_RELATIVE)
CHANGE(reloc_in_text, rela(0)->r_offset = 0x1000)
CHANGE(reloc_in_rodata, rela(0)->r_offset = 0x200)
CHANGE(reloc_straddles_end, rela(2)->r_offset = 0x2ff9)
CHANGE(reloc_past_end, rela(2)->r_offset = 0x3000)
CHANGE(reloc_straddles_start, rela(1)->r_offset = 0x1ffc)
CHANGE(reloc_wraps, rela(1)->r_offset = ~0ull - 3)
CHANGE(reloc_tiny_segment, ph(2)->p_filesz = 4; ph(2)->p_memsz = 4; rela(0)->r_offset = 0x2000)

typedef struct {
    const char *name;
    bool exec;           /* change img_exec(), else img_pie() */
    void (*change)(void);
    long fail_read;      /* the reader fails this read; -1 none */
    long reloc;          /* -1: elf_parse refuses; else it accepts and elf_reloc(reloc) refuses */
    uint64_t offset;
    const char *rule;
} golden_t;

#define R_SHORT "shorter than an ELF header"
#define R_MAGIC "not an ELF file (bad magic)"
#define R_CLASS "not ELF64"
#define R_ENDIAN "not little-endian"
#define R_TYPE "not an executable (ET_EXEC or ET_DYN)"
#define R_MACHINE "not x86-64"
#define R_PHENTSIZE "program header size is not 56"
#define R_PHNUM "program header count not within 1-64"
#define R_PHDRS "program headers outside the file"
#define R_PH_READ "unreadable program header"
#define R_INTERP "needs an interpreter (dynamically linked)"
#define R_SEGS "more than 16 loadable segments"
#define R_FILESZ "segment file size exceeds its memory size"
#define R_DATA "segment data outside the file"
#define R_WRAP "segment address range wraps or is out of reach"
#define R_WX "segment both writable and executable"
#define R_CONGRUENT "segment address and offset disagree modulo the page size"
#define R_SHARE "segments share a page"
#define R_NO_LOAD "no loadable segment"
#define R_SPAN "segments span more than 1 GiB"
#define R_LOW "fixed-address segments below 64 KiB"
#define R_ENTRY "entry point outside every executable segment"
#define R_EXEC_DYN "a dynamic section in a fixed-address executable"
#define R_DYN "dynamic section outside the file or ragged"
#define R_DYN_READ "unreadable dynamic entry"
#define R_REL "REL or PLT relocations (only RELA RELATIVE is supported)"
#define R_RELAENT "relocation entries are not 24-byte Elf64_Rela"
#define R_RELA_OUT "relocations outside the loaded file data"
#define R_RELOC_READ "unreadable relocation"
#define R_RELOC_TYPE "relocation other than R_X86_64_RELATIVE"
#define R_RELOC_TARGET "relocation target outside the writable segments"

/* Reads of the good PIE, in order: 0 the header, 1-4 the program headers,
 * 5-9 the dynamic entries, then one per relocation. */
static const golden_t elf_goldens[] = {
    {"size 63", false, ch_size_63, -1, -1, 0, R_SHORT},
    {"size 0", false, ch_size_0, -1, -1, 0, R_SHORT},
    {"header unreadable", false, ch_none, 0, -1, 0, R_SHORT},
    {"magic byte 0", false, ch_magic_0, -1, -1, 0, R_MAGIC},
    {"magic byte 3", false, ch_magic_3, -1, -1, 0, R_MAGIC},
    {"ELFCLASS32", false, ch_class_32, -1, -1, 4, R_CLASS},
    {"ELFCLASSNONE", false, ch_class_none, -1, -1, 4, R_CLASS},
    {"big-endian", false, ch_big_endian, -1, -1, 5, R_ENDIAN},
    {"ET_REL", false, ch_type_rel, -1, -1, 16, R_TYPE},
    {"ET_CORE", false, ch_type_core, -1, -1, 16, R_TYPE},
    {"ET_NONE", true, ch_type_none, -1, -1, 16, R_TYPE},
    {"EM_386", false, ch_machine_386, -1, -1, 18, R_MACHINE},
    {"EM_AARCH64", true, ch_machine_aarch64, -1, -1, 18, R_MACHINE},
    {"phentsize 64", false, ch_phentsize_64, -1, -1, 54, R_PHENTSIZE},
    {"phentsize 0", false, ch_phentsize_0, -1, -1, 54, R_PHENTSIZE},
    {"phnum 0", false, ch_phnum_0, -1, -1, 56, R_PHNUM},
    {"phnum 65", false, ch_phnum_65, -1, -1, 56, R_PHNUM},
    {"phdrs one byte past the end", false, ch_phoff_past_end, -1, -1, 32, R_PHDRS},
    {"phoff + size wraps", false, ch_phoff_wraps, -1, -1, 32, R_PHDRS},
    {"phoff beyond the file", false, ch_phoff_beyond, -1, -1, 32, R_PHDRS},
    {"first phdr unreadable", false, ch_none, 1, -1, PH_AT(0), R_PH_READ},
    {"third phdr unreadable", false, ch_none, 3, -1, PH_AT(2), R_PH_READ},
    {"PT_INTERP", false, ch_interp, -1, -1, PH_AT(4), R_INTERP},
    {"PT_INTERP before the loads", false, ch_interp_first, -1, -1, PH_AT(0), R_INTERP},
    {"17 loadable segments", false, ch_seventeen, -1, -1, 0x3000 + 16 * 56, R_SEGS},
    {"filesz > memsz", false, ch_filesz_gt_memsz, -1, -1, PH_AT(1), R_FILESZ},
    {"data one byte past the end", false, ch_data_past_end, -1, -1, PH_AT(2), R_DATA},
    {"data offset + size wraps", false, ch_data_offset_wraps, -1, -1, PH_AT(1), R_DATA},
    {"data offset beyond, size 0", false, ch_data_offset_beyond, -1, -1, PH_AT(1), R_DATA},
    {"vaddr + memsz wraps", false, ch_vaddr_wraps, -1, -1, PH_AT(1), R_WRAP},
    {"vaddr + memsz past 128 GiB", false, ch_vaddr_out_of_reach, -1, -1, PH_AT(2), R_WRAP},
    {"text writable", false, ch_wx, -1, -1, PH_AT(1), R_WX},
    {"data executable", false, ch_wx_data, -1, -1, PH_AT(2), R_WX},
    {"vaddr off the page offset", false, ch_page_mismatch_vaddr, -1, -1, PH_AT(1), R_CONGRUENT},
    {"offset off the page offset", false, ch_page_mismatch_offset, -1, -1, PH_AT(2), R_CONGRUENT},
    {"data on the text's page", false, ch_share_same_page, -1, -1, PH_AT(2), R_SHARE},
    {"data on the text's last page", false, ch_share_last_page, -1, -1, PH_AT(2), R_SHARE},
    {"rodata reaching the text's page", false, ch_share_earlier, -1, -1, PH_AT(1), R_SHARE},
    {"bss reaching the next segment's page", false, ch_share_bss, -1, -1, PH_AT(2), R_SHARE},
    {"no PT_LOAD", false, ch_no_load, -1, -1, PH_OFF, R_NO_LOAD},
    {"every PT_LOAD empty", false, ch_all_empty, -1, -1, PH_OFF, R_NO_LOAD},
    {"span 1 GiB + 3 pages", false, ch_span, -1, -1, PH_OFF, R_SPAN},
    {"span 1 GiB + 1 page", false, ch_span_by_one_page, -1, -1, PH_OFF, R_SPAN},
    {"fixed at 60 KiB", true, ch_exec_below_64k, -1, -1, PH_OFF, R_LOW},
    {"fixed at 0", true, ch_exec_at_0, -1, -1, PH_OFF, R_LOW},
    {"entry one past the text", false, ch_entry_past_text, -1, -1, 24, R_ENTRY},
    {"entry in the data", false, ch_entry_in_data, -1, -1, 24, R_ENTRY},
    {"entry in the rodata", false, ch_entry_in_rodata, -1, -1, 24, R_ENTRY},
    {"entry ~0", false, ch_entry_huge, -1, -1, 24, R_ENTRY},
    {"fixed entry relative", true, ch_exec_entry_relative, -1, -1, 24, R_ENTRY},
    {"PT_DYNAMIC in ET_EXEC", true, ch_exec_dynamic, -1, -1, PH_AT(3), R_EXEC_DYN},
    {"dynamic ragged", false, ch_dyn_ragged, -1, -1, PH_AT(3), R_DYN},
    {"dynamic past the end", false, ch_dyn_past_end, -1, -1, PH_AT(3), R_DYN},
    {"dynamic offset + size wraps", false, ch_dyn_wraps, -1, -1, PH_AT(3), R_DYN},
    {"first dynamic entry unreadable", false, ch_none, 5, -1, DYN_AT(0), R_DYN_READ},
    {"last dynamic entry unreadable", false, ch_none, 9, -1, DYN_AT(4), R_DYN_READ},
    {"DT_REL", false, ch_dt_rel, -1, -1, DYN_AT(3), R_REL},
    {"DT_JMPREL", false, ch_dt_jmprel, -1, -1, DYN_AT(3), R_REL},
    {"DT_REL before DT_RELA", false, ch_dt_rel_first, -1, -1, DYN_AT(0), R_REL},
    {"DT_RELAENT 16", false, ch_relaent_16, -1, -1, DYN_OFF, R_RELAENT},
    {"DT_RELAENT 0", false, ch_relaent_0, -1, -1, DYN_OFF, R_RELAENT},
    {"DT_RELASZ 70", false, ch_relasz_ragged, -1, -1, DYN_OFF, R_RELAENT},
    {"RELA past its segment's data", false, ch_rela_past_segment_data, -1, -1, DYN_OFF, R_RELA_OUT},
    {"RELA in the bss", false, ch_rela_in_bss, -1, -1, DYN_OFF, R_RELA_OUT},
    {"RELA between segments", false, ch_rela_in_gap, -1, -1, DYN_OFF, R_RELA_OUT},
    {"RELA address wraps", false, ch_rela_addr_wraps, -1, -1, DYN_OFF, R_RELA_OUT},
    {"RELASZ huge", false, ch_relasz_huge, -1, -1, DYN_OFF, R_RELA_OUT},
    {"relocation past the table", false, ch_none, -1, 3, RELA_AT(3), R_RELOC_READ},
    {"relocation unreadable", false, ch_none, 10, 0, RELA_AT(0), R_RELOC_READ},
    {"R_X86_64_64", false, ch_reloc_type_64, -1, 1, RELA_AT(1), R_RELOC_TYPE},
    {"R_X86_64_GLOB_DAT", false, ch_reloc_type_glob_dat, -1, 2, RELA_AT(2), R_RELOC_TYPE},
    {"R_X86_64_NONE", false, ch_reloc_type_none, -1, 0, RELA_AT(0), R_RELOC_TYPE},
    {"RELATIVE, high type bits", false, ch_reloc_type_high_bits, -1, 0, RELA_AT(0), R_RELOC_TYPE},
    {"relocation in the text", false, ch_reloc_in_text, -1, 0, RELA_AT(0), R_RELOC_TARGET},
    {"relocation in the rodata", false, ch_reloc_in_rodata, -1, 0, RELA_AT(0), R_RELOC_TARGET},
    {"reloc over the bss end", false, ch_reloc_straddles_end, -1, 2, RELA_AT(2), R_RELOC_TARGET},
    {"relocation past the bss", false, ch_reloc_past_end, -1, 2, RELA_AT(2), R_RELOC_TARGET},
    {"reloc before the data", false, ch_reloc_straddles_start, -1, 1, RELA_AT(1), R_RELOC_TARGET},
    {"relocation at ~0 - 3", false, ch_reloc_wraps, -1, 1, RELA_AT(1), R_RELOC_TARGET},
    {"reloc in a 4-byte segment", false, ch_reloc_tiny_segment, -1, 0, RELA_AT(0), R_RELOC_TARGET},
};

/* Runs one row; false (and says why) if the answer is not the row's. */
static bool run_golden(const golden_t *g)
{
    if (g->exec)
        img_exec();
    else
        img_pie();
    g->change();
    bool ok = parse_failing(g->fail_read);
    if (g->reloc < 0 && ok) {
        fprintf(stderr, "  %s: accepted, want 0x%llx \"%s\"\n", g->name,
                (unsigned long long)g->offset, g->rule);
        return false;
    }
    if (g->reloc >= 0) {
        uint64_t where, value;
        if (!ok) {
            fprintf(stderr, "  %s: refused at 0x%llx \"%s\", want it parsed\n", g->name,
                    (unsigned long long)g_err.offset, g_err.rule);
            return false;
        }
        if (reloc((uint64_t)g->reloc, 0x100000, &where, &value)) {
            fprintf(stderr, "  %s: relocation %ld resolved, want 0x%llx \"%s\"\n", g->name,
                    g->reloc, (unsigned long long)g->offset, g->rule);
            return false;
        }
    }
    if (!g_err.rule || strcmp(g_err.rule, g->rule) != 0 || g_err.offset != g->offset) {
        fprintf(stderr, "  %s: got 0x%llx \"%s\", want 0x%llx \"%s\"\n", g->name,
                (unsigned long long)g_err.offset, g_err.rule ? g_err.rule : "(null)",
                (unsigned long long)g->offset, g->rule);
        return false;
    }
    return true;
}

UT_TEST(elf_goldens)
{
    unsigned wrong = 0;
    for (size_t i = 0; i < ARRAY_LEN(elf_goldens); i++)
        wrong += !run_golden(&elf_goldens[i]);
    UT_EQ(wrong, 0);
}

/* Every rule elf.c can give (each string literal passed to fail()) has a
 * golden row: a new rule without a test fails here. */
UT_TEST(elf_every_rule_has_a_golden)
{
    FILE *f = fopen(DOGMA_ELF_SOURCE, "r");
    UT_CHECK(f != NULL);
    static char src[1 << 16];
    size_t n = fread(src, 1, sizeof src - 1, f);
    fclose(f);
    src[n] = 0;
    unsigned rules = 0;
    for (const char *p = src; (p = strstr(p, "fail(err, ")) != NULL; p++) {
        const char *q = strchr(p, '"'), *end = q ? strchr(q + 1, '"') : NULL;
        UT_CHECK(q && end && !memchr(p, ';', (size_t)(q - p)));
        char rule[128];
        UT_CHECK((size_t)(end - q - 1) < sizeof rule);
        memcpy(rule, q + 1, (size_t)(end - q - 1));
        rule[end - q - 1] = 0;
        bool found = false;
        for (size_t i = 0; i < ARRAY_LEN(elf_goldens); i++)
            found |= strcmp(elf_goldens[i].rule, rule) == 0;
        if (!found)
            ut_fail(__FILE__, __LINE__, "no golden row for the rule \"%s\"", rule);
        rules++;
    }
    UT_CHECK(rules >= 31); /* the scan found them */
}

/* A refusal is the same whatever the reader fails after the refusal's
 * reads; and a failure of any read of the good PIE is a clean refusal. */
UT_TEST(elf_every_read_failing)
{
    img_pie();
    UT_CHECK(parse());
    for (uint64_t i = 0; i < PIE_RELOCS; i++) {
        uint64_t where, value;
        UT_CHECK(reloc(i, 0, &where, &value));
    }
    long reads = g_rd.nreads;
    for (long k = 0; k < reads; k++) {
        bool ok = parse_failing(k);
        for (uint64_t i = 0; ok && i < g_img.rela_count; i++) {
            uint64_t where, value;
            ok = reloc(i, 0, &where, &value);
        }
        UT_CHECK(!ok);
        UT_CHECK(g_err.rule && (strncmp(g_err.rule, "unreadable", 10) == 0 ||
                                strcmp(g_err.rule, R_SHORT) == 0));
        UT_EQ(g_rd.nreads, k + 1); /* nothing read after the failure */
    }
}

/* --- robustness ------------------------------------------------------------ */

/* Every prefix of the good images is refused (the last segment's data
 * ends the file) without a read outside it. */
UT_TEST(elf_every_prefix)
{
    for (int exec = 0; exec < 2; exec++) {
        if (exec)
            img_exec();
        else
            img_pie();
        uint64_t full = g_f.size;
        for (uint64_t len = 0; len < full; len++) {
            g_f.size = len;
            UT_CHECK(!parse());
            UT_CHECK(g_err.rule != NULL && g_err.offset < (len > 64 ? len : 64));
        }
        g_f.size = full;
        UT_CHECK(parse());
    }
}

/* Seeded mutations of the good images: whatever is accepted keeps elf.h's
 * promises, and every refusal names a rule and an offset in the file. */
UT_TEST(elf_mutations)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    unsigned accepted = 0;
    for (unsigned round = 0; round < 40000; round++) {
        if (round & 1)
            img_exec();
        else
            img_pie();
        unsigned flips = 1 + ut_rand(&seed) % 4;
        for (unsigned k = 0; k < flips; k++) {
            /* Mostly the headers, the dynamic section and the relocations. */
            static const uint16_t areas[][2] = {
                {0, 0x40}, {PH_OFF, 4 * 56}, {DYN_OFF, 0x50}, {RELA_OFF, 3 * 24}};
            uint64_t r = ut_rand(&seed);
            const uint16_t *a = areas[r % 4];
            uint64_t at = a[0] + (r >> 8) % a[1];
            uint8_t v = (uint8_t)(r >> 40);
            g_f.b[at] = (r >> 48) & 1 ? v : (uint8_t)(g_f.b[at] ^ (1u << (v & 7)));
        }
        if (ut_rand(&seed) % 8 == 0)
            g_f.size = ut_rand(&seed) % (g_f.size + 1);
        if (parse()) {
            accepted++;
            check_image(&g_img, &g_rd, 0x200000);
        } else {
            UT_CHECK(g_err.rule != NULL && g_err.rule[0]);
            UT_CHECK(g_err.offset < (g_f.size > 64 ? g_f.size : 64));
        }
    }
    UT_CHECK(accepted > 1000); /* the mutations are not all fatal */
}

/* --- the built test programs ------------------------------------------------- */

UT_TEST(elf_built_programs)
{
    const char *dir = getenv("DOGMA_TEST_PROGRAMS");
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) {
        printf("  skipped: no test programs (DOGMA_TEST_PROGRAMS=%s)\n", dir ? dir : "unset");
        return;
    }
    unsigned files = 0;
    uint64_t relocs = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t size;
        uint8_t *p = ut_read_file(path, &size);
        UT_CHECK(p != NULL);
        rd_t r = {p, size, -1, 0};
        elf_image_t img;
        elf_error_t err = {0, NULL};
        if (!elf_parse(rd, &r, size, &img, &err))
            ut_fail(__FILE__, __LINE__, "%s: refused at 0x%llx: %s", path,
                    (unsigned long long)err.offset, err.rule);
        UT_CHECK(img.pie);
        uint64_t n = check_image(&img, &r, 0x555500000000);
        if (n != img.rela_count)
            ut_fail(__FILE__, __LINE__, "%s: %llu of %llu relocations resolve", path,
                    (unsigned long long)n, (unsigned long long)img.rela_count);
        /* Every prefix: no read outside it, and nothing accepted that
         * breaks a promise. */
        for (uint64_t len = 0; len < size; len++) {
            r = (rd_t){p, len, -1, 0};
            if (elf_parse(rd, &r, len, &img, &err))
                check_image(&img, &r, 0);
        }
        free(p);
        files++;
        relocs += n;
    }
    closedir(d);
    printf("  %u programs, %llu relocations, all resolved\n", files, (unsigned long long)relocs);
    UT_CHECK(files > 0);
}
