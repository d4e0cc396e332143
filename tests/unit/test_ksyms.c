/* Kernel symbol lookup (kern/ksyms.c) over hand-built ELF section headers. */
#include <kern/ksyms.h>

#include "ut.h"

typedef struct {
    uint32_t name, type;
    uint64_t flags, addr, offset, size;
    uint32_t link, info;
    uint64_t addralign, entsize;
} shdr_t;

typedef struct {
    uint32_t name;
    uint8_t info, other;
    uint16_t shndx;
    uint64_t value, size;
} sym_t;

/* "Physical" addresses in these tests are host pointers. */
static void *identity(paddr_t pa) { return (void *)(uintptr_t)pa; }

static const char strtab[] = "\0kmain\0trap_dispatch\0data_object\0tail";
static sym_t syms[5];
static shdr_t sh[4];

static void build(void)
{
    memset(syms, 0, sizeof syms);
    syms[1] = (sym_t){1, 2, 0, 1, 0x1000, 0x100};  /* kmain: FUNC [0x1000, 0x1100) */
    syms[2] = (sym_t){7, 2, 0, 1, 0x1100, 0x80};   /* trap_dispatch */
    syms[3] = (sym_t){21, 1, 0, 1, 0x1000, 0x800}; /* data_object: OBJECT, ignored */
    syms[4] = (sym_t){33, 2, 0, 1, 0x2000, 0};     /* tail: FUNC without a size */
    memset(sh, 0, sizeof sh);
    sh[1] = (shdr_t){.type = 1, .addr = 0x1000, .size = 0x2000}; /* PROGBITS */
    sh[2] = (shdr_t){.type = 2, .addr = (uintptr_t)syms, .size = sizeof syms, .link = 3, .entsize = 24};
    sh[3] = (shdr_t){.type = 3, .addr = (uintptr_t)strtab, .size = sizeof strtab};
}

UT_TEST(ksyms_lookup_names_functions)
{
    ksyms_t k;
    const char *name;
    uint64_t off;
    build();
    UT_CHECK(ksyms_init(&k, sh, 4, 64, identity));
    UT_EQ(k.nsyms, 5);
    UT_CHECK(ksyms_lookup(&k, 0x1042, &name, &off));
    UT_STREQ(name, "kmain");
    UT_EQ(off, 0x42);
    UT_CHECK(ksyms_lookup(&k, 0x1100, &name, &off));
    UT_STREQ(name, "trap_dispatch");
    UT_EQ(off, 0);
    UT_CHECK(!ksyms_lookup(&k, 0x1180, &name, &off)); /* a gap; objects don't count */
    UT_CHECK(!ksyms_lookup(&k, 0xfff, &name, &off));
    UT_CHECK(ksyms_lookup(&k, 0x2010, &name, &off)); /* size-less: from its start on */
    UT_STREQ(name, "tail");
    UT_EQ(k.ranges[0].base, (uintptr_t)syms);
    UT_EQ(k.ranges[1].end, (uintptr_t)strtab + sizeof strtab);
}

UT_TEST(ksyms_refuses_bad_headers)
{
    ksyms_t k;
    build();
    UT_CHECK(!ksyms_init(&k, sh, 4, 40, identity)); /* not Elf64_Shdr */
    UT_CHECK(!ksyms_init(&k, NULL, 4, 64, identity));
    UT_CHECK(!ksyms_init(&k, sh, 0, 64, identity));
    sh[2].link = 9; /* string table index out of range */
    UT_CHECK(!ksyms_init(&k, sh, 4, 64, identity));
    build();
    sh[2].link = 1; /* linked section is not a string table */
    UT_CHECK(!ksyms_init(&k, sh, 4, 64, identity));
    build();
    sh[2].size = 25; /* not a whole number of symbols */
    UT_CHECK(!ksyms_init(&k, sh, 4, 64, identity));
    build();
    sh[3].addr = 0; /* not loaded */
    UT_CHECK(!ksyms_init(&k, sh, 4, 64, identity));
    build();
    sh[2].addr = UINT64_MAX - 8; /* wraps */
    UT_CHECK(!ksyms_init(&k, sh, 4, 64, identity));
    build();
    sh[2].type = 1; /* no symbol table at all */
    UT_CHECK(!ksyms_init(&k, sh, 4, 64, identity));
    UT_EQ(k.nsyms, 0);
}

UT_TEST(ksyms_names_must_end_inside_the_table)
{
    ksyms_t k;
    const char *name;
    uint64_t off;
    build();
    sh[3].size = sizeof strtab - 1; /* cuts "tail" off before its NUL */
    UT_CHECK(ksyms_init(&k, sh, 4, 64, identity));
    UT_CHECK(!ksyms_lookup(&k, 0x2000, &name, &off));
    syms[1].name = 5000; /* past the table: that symbol is skipped */
    UT_CHECK(!ksyms_lookup(&k, 0x1010, &name, &off));
    UT_CHECK(ksyms_lookup(&k, 0x1110, &name, &off));
    UT_STREQ(name, "trap_dispatch");
}
