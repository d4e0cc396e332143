/*
 * Tests of the initrd's ustar reader (kern/initrd.c).
 *
 * Archives are written in memory by a small ustar writer (tar_add: a
 * header with a correct checksum, then the data padded to 512 bytes), so
 * each test states the archive it means; a test that damages a header
 * does so after writing it, and tar_sum() fixes the checksum again when
 * the damage is meant to be elsewhere. The reader is always handed a heap
 * copy of exactly the archive's bytes, so under AddressSanitizer a read
 * past the end is a crash, not a silent pass. The real initrd the build
 * packs (DOGMA_TEST_INITRD) is read too, against the test programs it
 * should hold (DOGMA_TEST_PROGRAMS); the case is skipped without it.
 */
#include <stdlib.h>

#include <kern/initrd.h>

#include "ut.h"

#define BLOCK 512
#define TAR_CAP (64 * 1024)
#define MAX_FILES 64

typedef struct {
    _Alignas(8) uint8_t b[TAR_CAP];
    size_t len;
} tar_t;

static tar_t g_t;

/* --- the writer ------------------------------------------------------------ */

/* width - 1 octal digits and a NUL, as tar writes its numbers. */
static void put_octal(uint8_t *f, size_t width, uint64_t v)
{
    f[width - 1] = 0;
    for (size_t i = width - 1; i-- > 0; v >>= 3)
        f[i] = (uint8_t)('0' + (v & 7));
}

static void tar_sum(uint8_t *h)
{
    memset(h + 148, ' ', 8);
    uint64_t sum = 0;
    for (size_t i = 0; i < BLOCK; i++)
        sum += h[i];
    put_octal(h + 148, 7, sum); /* six digits, NUL, then the space */
}

static char g_big[1300]; /* filler data: 1299 'x's */

static void tar_init(void)
{
    memset(&g_t, 0, sizeof g_t);
    memset(g_big, 'x', sizeof g_big - 1);
}

/* A member: its header (name and prefix cut to their fields, without a
 * NUL when they fill them) and its data. Returns the header. */
static uint8_t *tar_add(const char *prefix, const char *name, char type, const void *data,
                        size_t n)
{
    size_t padded = (n + BLOCK - 1) / BLOCK * BLOCK;
    UT_CHECK(g_t.len + BLOCK + padded <= TAR_CAP);
    uint8_t *h = g_t.b + g_t.len;
    memset(h, 0, BLOCK + padded);
    memcpy(h, name, MIN(strlen(name), 100));
    put_octal(h + 100, 8, 0644);
    put_octal(h + 108, 8, 0);
    put_octal(h + 116, 8, 0);
    put_octal(h + 124, 12, n);
    put_octal(h + 136, 12, 0);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar", 6); /* with its NUL */
    memcpy(h + 263, "00", 2);
    if (prefix)
        memcpy(h + 345, prefix, MIN(strlen(prefix), 155));
    tar_sum(h);
    if (n)
        memcpy(h + BLOCK, data, n);
    g_t.len += BLOCK + padded;
    return h;
}

static uint8_t *tar_file(const char *name, const char *text)
{
    return tar_add(NULL, name, '0', text, strlen(text));
}

static void tar_end(void)
{
    UT_CHECK(g_t.len + 2 * BLOCK <= TAR_CAP);
    memset(g_t.b + g_t.len, 0, 2 * BLOCK);
    g_t.len += 2 * BLOCK;
}

/* --- reading, from an exact-size copy ------------------------------------- */

typedef struct {
    unsigned n;
    char names[MAX_FILES][260];
    initrd_file_t files[MAX_FILES];
    size_t size; /* of the archive, to check each file against */
} list_t;

static list_t g_list;

static void collect(void *ctx, const char *name, const initrd_file_t *f)
{
    list_t *l = ctx;
    UT_CHECK(strlen(name) < 258);
    UT_CHECK(f->offset % BLOCK == 0 && f->offset >= BLOCK);
    UT_CHECK(f->offset <= l->size && f->size <= l->size - f->offset);
    if (l->n) /* in archive order */
        UT_CHECK(f->offset >= l->files[l->n - 1].offset + l->files[l->n - 1].size + BLOCK);
    if (l->n < MAX_FILES) {
        strcpy(l->names[l->n], name);
        l->files[l->n] = *f;
    }
    l->n++;
}

static uint8_t *copy_of(const uint8_t *p, size_t n)
{
    /* Zeroed: gcc -O3 cannot see that the reader reads nothing when n is
     * 0, and warns of an uninitialised byte. */
    uint8_t *c = calloc(1, n ? n : 1);
    UT_CHECK(c != NULL);
    if (n)
        memcpy(c, p, n);
    return c;
}

static initrd_err_t each_in(const uint8_t *p, size_t n, list_t *l)
{
    memset(l, 0, sizeof *l);
    l->size = n;
    uint8_t *c = copy_of(p, n);
    initrd_err_t e = initrd_each(c, n, collect, l);
    free(c);
    return e;
}

static initrd_err_t find_in(const uint8_t *p, size_t n, const char *name, initrd_file_t *out)
{
    uint8_t *c = copy_of(p, n);
    *out = (initrd_file_t){~0ull, ~0ull};
    initrd_err_t e = initrd_find(c, n, name, out);
    free(c);
    return e;
}

static initrd_err_t each(void) { return each_in(g_t.b, g_t.len, &g_list); }

static initrd_err_t find(const char *name, initrd_file_t *out)
{
    return find_in(g_t.b, g_t.len, name, out);
}

/* Found, at the data after header h, with these bytes. */
static void expect_file(const char *name, const uint8_t *h, const char *text)
{
    initrd_file_t f;
    initrd_err_t e = find(name, &f);
    if (e != INITRD_OK)
        ut_fail(__FILE__, __LINE__, "\"%s\": %s", name, initrd_strerror(e));
    UT_EQ(f.offset, (uint64_t)(h - g_t.b) + BLOCK);
    UT_EQ(f.size, strlen(text));
    UT_CHECK(memcmp(g_t.b + f.offset, text, f.size) == 0);
}

static void expect_err(const char *name, initrd_err_t want)
{
    initrd_file_t f;
    initrd_err_t e = find(name, &f);
    if (e != want)
        ut_fail(__FILE__, __LINE__, "\"%s\": \"%s\", want \"%s\"", name, initrd_strerror(e),
                initrd_strerror(want));
}

/* --- finding files ----------------------------------------------------------- */

UT_TEST(initrd_find_files)
{
    tar_init();
    uint8_t *a = tar_file("README.txt", "hello\n");
    uint8_t *b = tar_file("tests/big", g_big);
    uint8_t *c = tar_file("empty", "");
    uint8_t *d = tar_file("after-empty", "z");
    tar_end();
    expect_file("README.txt", a, "hello\n");
    expect_file("tests/big", b, g_big);
    expect_file("empty", c, "");
    expect_file("after-empty", d, "z");
    UT_EQ((uint64_t)(d - g_t.b), 512 + 512 + 512 + 1536 + 512);
}

UT_TEST(initrd_not_found)
{
    tar_init();
    tar_file("README.txt", "hello\n");
    tar_file("tests/hello", "x");
    tar_end();
    expect_err("readme.txt", INITRD_NOT_FOUND);
    expect_err("README", INITRD_NOT_FOUND);
    expect_err("README.txt/", INITRD_NOT_FOUND);
    expect_err("hello", INITRD_NOT_FOUND);
    expect_err("tests", INITRD_NOT_FOUND);
    expect_err("", INITRD_NOT_FOUND);
    expect_err("/tests/hello", INITRD_NOT_FOUND);
}

/* A leading "./" in the archive is not part of the name (tar -C dir .
 * writes one); the name asked for is taken as it is. */
UT_TEST(initrd_dot_slash)
{
    tar_init();
    tar_add(NULL, "./", '5', NULL, 0);
    uint8_t *a = tar_file("./README.txt", "one");
    uint8_t *b = tar_file("plain", "two");
    tar_end();
    expect_file("README.txt", a, "one");
    expect_file("plain", b, "two");
    expect_err("./README.txt", INITRD_NOT_FOUND);
    expect_err("./plain", INITRD_NOT_FOUND);
    UT_EQ(each(), INITRD_OK);
    UT_EQ(g_list.n, 2);
    UT_STREQ(g_list.names[0], "README.txt");
}

/* ustar's prefix field: the name is prefix "/" name, "./" stripped from
 * the whole. */
UT_TEST(initrd_prefix_field)
{
    tar_init();
    uint8_t *a = tar_add("usr/share/doc", "x.txt", '0', "abc", 3);
    uint8_t *b = tar_add("./tests", "hello", '0', "h", 1);
    tar_end();
    expect_file("usr/share/doc/x.txt", a, "abc");
    expect_file("tests/hello", b, "h");
    expect_err("x.txt", INITRD_NOT_FOUND);
}

/* The longest name: a 155-byte prefix and a 100-byte name, neither with
 * a NUL in its field. */
UT_TEST(initrd_longest_name)
{
    char prefix[156], name[101], full[260];
    memset(prefix, 'p', 155);
    prefix[155] = 0;
    memset(name, 'n', 100);
    name[100] = 0;
    snprintf(full, sizeof full, "%s/%s", prefix, name);
    tar_init();
    uint8_t *h = tar_add(prefix, name, '0', "long", 4);
    tar_end();
    expect_file(full, h, "long");
    UT_EQ(each(), INITRD_OK);
    UT_EQ(strlen(g_list.names[0]), 256);
}

/* Without the ustar magic (a v7 header) the prefix field is not a prefix. */
UT_TEST(initrd_prefix_needs_ustar)
{
    tar_init();
    uint8_t *h = tar_add("junk", "x", '0', "v7", 2);
    memset(h + 257, 0, 8);
    tar_sum(h);
    tar_end();
    expect_file("x", h, "v7");
    expect_err("junk/x", INITRD_NOT_FOUND);
}

/* GNU tar's own format has "ustar  " (two spaces, no version) for magic,
 * and where ustar has the prefix, its atime and ctime (written by tar -G,
 * --incremental) and the sparse map: not a prefix. The header below is
 * what tar --format=gnu -G writes for d/f. */
UT_TEST(initrd_gnu_header_has_no_prefix)
{
    tar_init();
    uint8_t *h = tar_add(NULL, "d/f", '0', "hi\n", 3);
    memcpy(h + 257, "ustar  ", 8);
    memcpy(h + 345, "15301246250", 12); /* atime */
    memcpy(h + 357, "15301246250", 12); /* ctime */
    tar_sum(h);
    tar_end();
    expect_file("d/f", h, "hi\n");
    expect_err("15301246250/d/f", INITRD_NOT_FOUND);
}

/* The first of two members with one name wins. */
UT_TEST(initrd_duplicate_names)
{
    tar_init();
    uint8_t *a = tar_file("dup", "first");
    tar_file("dup", "second");
    tar_end();
    expect_file("dup", a, "first");
}

/* --- what is skipped ------------------------------------------------------- */

UT_TEST(initrd_non_regular_skipped)
{
    static const char pax[] = "30 path=a-very-long-pax-name\n";
    tar_init();
    tar_add(NULL, "dir/", '5', NULL, 0);
    uint8_t *link = tar_add(NULL, "link", '2', NULL, 0);
    memcpy(link + 157, "dir/target", 10);
    tar_sum(link);
    tar_add(NULL, "hard", '1', NULL, 0);
    tar_add(NULL, "chr", '3', NULL, 0);
    tar_add(NULL, "blk", '4', NULL, 0);
    tar_add(NULL, "fifo", '6', NULL, 0);
    tar_add(NULL, "contig", '7', "c", 1);
    tar_add(NULL, "PaxHeaders/a", 'x', pax, sizeof pax - 1);
    tar_add(NULL, "././@LongLink", 'L', g_big, 700); /* data spanning 2 blocks */
    uint8_t *f1 = tar_file("dir/regular", "r");
    uint8_t *f2 = tar_add(NULL, "old-style", '\0', "o", 1); /* v7's regular file */
    tar_end();
    UT_EQ(each(), INITRD_OK);
    UT_EQ(g_list.n, 2);
    UT_STREQ(g_list.names[0], "dir/regular");
    UT_STREQ(g_list.names[1], "old-style");
    expect_file("dir/regular", f1, "r");
    expect_file("old-style", f2, "o");
    expect_err("dir/", INITRD_NOT_FOUND);
    expect_err("dir", INITRD_NOT_FOUND);
    expect_err("link", INITRD_NOT_FOUND);
    expect_err("contig", INITRD_NOT_FOUND);
    expect_err("PaxHeaders/a", INITRD_NOT_FOUND);
}

/* --- the archive's end ------------------------------------------------------- */

UT_TEST(initrd_empty_archives)
{
    static const uint8_t junk[100] = {0xff};
    tar_init();
    UT_EQ(each_in(g_t.b, 0, &g_list), INITRD_OK); /* no bytes at all */
    UT_EQ(g_list.n, 0);
    UT_EQ(each_in(g_t.b, BLOCK, &g_list), INITRD_OK); /* one zero block */
    UT_EQ(each_in(g_t.b, 2 * BLOCK, &g_list), INITRD_OK); /* the end marker */
    UT_EQ(g_list.n, 0);
    /* Less than a block is no header: ignored. */
    UT_EQ(each_in(junk, sizeof junk, &g_list), INITRD_OK);
    UT_EQ(g_list.n, 0);
    initrd_file_t f;
    UT_EQ(find_in(g_t.b, 0, "x", &f), INITRD_NOT_FOUND);
    UT_EQ(find_in(g_t.b, 2 * BLOCK, "x", &f), INITRD_NOT_FOUND);
}

/* The end marker is optional; a member may end exactly where the archive
 * does, padded or not; bytes short of a block after the last member are
 * ignored. */
UT_TEST(initrd_without_end_marker)
{
    tar_init();
    uint8_t *a = tar_file("a", "aaa");
    uint8_t *b = tar_add(NULL, "b", '0', g_big, BLOCK);
    expect_file("a", a, "aaa");
    UT_EQ(g_t.len, 4 * BLOCK);
    initrd_file_t f;
    UT_EQ(find("b", &f), INITRD_OK);
    UT_EQ(f.offset + f.size, g_t.len); /* exactly at the end */
    UT_EQ(f.offset, (uint64_t)(b - g_t.b) + BLOCK);
    /* Unpadded: the data ends the archive mid-block. */
    tar_init();
    tar_file("a", "aaa");
    tar_file("c", "ccccc");
    g_t.len -= BLOCK - 5;
    UT_EQ(find("c", &f), INITRD_OK);
    UT_EQ(f.offset + f.size, g_t.len);
    /* Trailing bytes short of a block. */
    tar_init();
    tar_file("a", "aaa");
    memset(g_t.b + g_t.len, 0xee, 100);
    g_t.len += 100;
    UT_EQ(find("a", &f), INITRD_OK);
}

/* What follows the end marker is not read. */
UT_TEST(initrd_after_end_marker)
{
    tar_init();
    tar_file("a", "aaa");
    tar_end();
    tar_file("b", "bbb");
    expect_err("b", INITRD_NOT_FOUND);
    UT_EQ(each(), INITRD_OK);
    UT_EQ(g_list.n, 1);
}

/* --- damage -------------------------------------------------------------------- */

UT_TEST(initrd_bad_checksum)
{
    tar_init();
    tar_file("a", "aaa");
    uint8_t *h = tar_file("b", "bbb");
    tar_file("c", "ccc");
    tar_end();
    h[0] = 'B'; /* the checksum no longer matches */
    expect_err("c", INITRD_BAD_HEADER);
    /* The archive is checked as a whole: a file before the damage is not
     * found either. */
    expect_err("a", INITRD_BAD_HEADER);
    expect_err("nothing", INITRD_BAD_HEADER);
    UT_EQ(each(), INITRD_BAD_HEADER);
    UT_EQ(g_list.n, 1); /* the callbacks before the damage ran */
    h[0] = 'b';
    UT_EQ(each(), INITRD_OK);
}

/* The checksum field itself: octal digits, then NUL or space. */
UT_TEST(initrd_bad_checksum_field)
{
    static const char *const bad[] = {"", "       ", "12345x", "0012348", "-1"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        tar_init();
        uint8_t *h = tar_file("a", "aaa");
        tar_end();
        memset(h + 148, 0, 8);
        memcpy(h + 148, bad[i], strlen(bad[i]));
        expect_err("a", INITRD_BAD_HEADER);
    }
    /* The sum of a header's bytes, each unsigned: a name with bytes above
     * 127 must count them as such. */
    tar_init();
    uint8_t *h = tar_file("\xe9t\xe9", "x");
    tar_end();
    expect_file("\xe9t\xe9", h, "x");
    /* Leading spaces and a trailing space instead of a NUL. */
    char sum[8];
    memcpy(sum, h + 148, 8);
    memset(h + 148, ' ', 8);
    memcpy(h + 150, sum + 1, 5); /* " " " " then the 5 low digits, no NUL */
    UT_EQ(sum[0], '0');
    expect_file("\xe9t\xe9", h, "x");
}

static void with_size_field(const char *field, size_t n, initrd_err_t want)
{
    tar_init();
    uint8_t *h = tar_file("a", "aaa");
    tar_file("b", "bbb");
    tar_end();
    memset(h + 124, 0, 12);
    memcpy(h + 124, field, n);
    tar_sum(h);
    initrd_file_t f;
    initrd_err_t e = find("b", &f);
    if (e != want)
        ut_fail(__FILE__, __LINE__, "size field \"%.*s\": \"%s\", want \"%s\"", (int)n, field,
                initrd_strerror(e), initrd_strerror(want));
}

UT_TEST(initrd_size_field)
{
    with_size_field("00000000003", 11, INITRD_OK);
    with_size_field("000000000003", 12, INITRD_OK); /* twelve digits, no NUL */
    with_size_field("  3", 3, INITRD_OK);             /* leading spaces */
    with_size_field("3  ", 3, INITRD_OK);             /* trailing spaces */
    with_size_field("3", 1, INITRD_OK);
    with_size_field("", 0, INITRD_BAD_HEADER);        /* no digits */
    with_size_field("   ", 3, INITRD_BAD_HEADER);
    with_size_field("0000000000a", 11, INITRD_BAD_HEADER);
    with_size_field("00000000008", 11, INITRD_BAD_HEADER);
    with_size_field("3 3", 3, INITRD_BAD_HEADER);     /* digits after the end */
    with_size_field("+3", 2, INITRD_BAD_HEADER);
    with_size_field("\x80\0\0\0\0\0\0\0\0\0\0\x03", 12, INITRD_BAD_HEADER); /* base-256 */
    /* Sizes running past the archive: by one byte, and by 2^36. */
    with_size_field("00000006001", 11, INITRD_TRUNCATED);
    with_size_field("777777777777", 12, INITRD_TRUNCATED);
}

/* A size that reaches exactly the archive's end is a member at the end;
 * one byte more runs past it. */
UT_TEST(initrd_truncated)
{
    tar_init();
    tar_file("a", "aaa");
    uint8_t *h = tar_file("b", "bbb");
    size_t end = (size_t)(h - g_t.b) + BLOCK + 100;
    g_t.len = end;
    put_octal(h + 124, 12, 100);
    tar_sum(h);
    initrd_file_t f;
    UT_EQ(find("b", &f), INITRD_OK);
    UT_EQ(f.offset + f.size, end);
    put_octal(h + 124, 12, 101);
    tar_sum(h);
    expect_err("b", INITRD_TRUNCATED);
    expect_err("a", INITRD_TRUNCATED);
    UT_EQ(each(), INITRD_TRUNCATED);
    UT_EQ(g_list.n, 1);
}

/* --- initrd_each and initrd_strerror --------------------------------------------- */

UT_TEST(initrd_each_order)
{
    static const char *const names[] = {"z", "a", "m/n", "b", "a2"};
    uint8_t *hs[ARRAY_LEN(names)];
    tar_init();
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        hs[i] = tar_add(NULL, names[i], '0', g_big, i * 300);
        if (i == 2)
            tar_add(NULL, "skipped/", '5', NULL, 0);
    }
    tar_end();
    UT_EQ(each(), INITRD_OK);
    UT_EQ(g_list.n, ARRAY_LEN(names));
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        UT_STREQ(g_list.names[i], names[i]);
        UT_EQ(g_list.files[i].offset, (uint64_t)(hs[i] - g_t.b) + BLOCK);
        UT_EQ(g_list.files[i].size, i * 300);
    }
}

UT_TEST(initrd_strerror_names_every_error)
{
    const char *s[4];
    for (int e = INITRD_OK; e <= INITRD_TRUNCATED; e++) {
        s[e] = initrd_strerror((initrd_err_t)e);
        UT_CHECK(s[e] && strcmp(s[e], "?") != 0);
        for (int k = 0; k < e; k++)
            UT_CHECK(strcmp(s[k], s[e]) != 0);
    }
    UT_STREQ(initrd_strerror((initrd_err_t)99), "?");
}

/* --- robustness -------------------------------------------------------------------- */

/* An archive with a bit of everything, for the prefix and mutation tests. */
static void tar_mixed(void)
{
    tar_init();
    tar_add(NULL, "./", '5', NULL, 0);
    tar_file("./README.txt", "hello\n");
    tar_add("./tests", "big", '0', g_big, 1000);
    tar_add(NULL, "link", '2', NULL, 0);
    tar_file("last", "end");
    tar_end();
}

/* Every prefix: the files wholly inside it are found, one cut short is
 * TRUNCATED, and nothing is read past the prefix (ASan). */
UT_TEST(initrd_every_prefix)
{
    tar_mixed();
    list_t *full = malloc(sizeof *full);
    UT_CHECK(full != NULL);
    UT_EQ(each_in(g_t.b, g_t.len, full), INITRD_OK);
    UT_EQ(full->n, 3);
    for (size_t len = 0; len <= g_t.len; len++) {
        initrd_err_t e = each_in(g_t.b, len, &g_list);
        unsigned whole = 0;
        bool cut = false;
        for (unsigned i = 0; i < full->n; i++) {
            const initrd_file_t *f = &full->files[i];
            if (f->offset + f->size <= len)
                whole++;
            else if (f->offset <= len)
                cut = true;
        }
        if (cut) {
            UT_EQ(e, INITRD_TRUNCATED);
        } else {
            UT_EQ(e, INITRD_OK);
        }
        UT_EQ(g_list.n, whole);
    }
    free(full);
}

/* Seeded damage: any answer is one of the four, every callback's file is
 * inside the archive (collect checks), and find agrees with each. */
UT_TEST(initrd_mutations)
{
    uint64_t seed = 0x243f6a8885a308d3ull;
    unsigned counts[4] = {0};
    for (unsigned round = 0; round < 20000; round++) {
        tar_mixed();
        unsigned flips = 1 + ut_rand(&seed) % 3;
        for (unsigned k = 0; k < flips; k++) {
            uint64_t r = ut_rand(&seed);
            size_t at = (r % 5) * BLOCK + (r >> 8) % BLOCK; /* mostly headers */
            g_t.b[at] = (uint8_t)(r >> 40);
            if ((r >> 48) & 1) /* keep the checksum right, to get past it */
                tar_sum(g_t.b + at / BLOCK * BLOCK);
        }
        if (ut_rand(&seed) % 8 == 0)
            g_t.len = ut_rand(&seed) % (g_t.len + 1);
        initrd_err_t e = each();
        UT_CHECK((unsigned)e <= INITRD_TRUNCATED && e != INITRD_NOT_FOUND);
        counts[e]++;
        initrd_file_t f;
        const char *name = g_list.n ? g_list.names[0] : "README.txt";
        initrd_err_t fe = find(name, &f);
        if (e != INITRD_OK) {
            UT_EQ(fe, e);
        } else if (g_list.n) {
            UT_EQ(fe, INITRD_OK);
            UT_EQ(f.offset, g_list.files[0].offset);
        } else {
            UT_EQ(fe, INITRD_NOT_FOUND);
        }
    }
    UT_CHECK(counts[INITRD_OK] > 1000 && counts[INITRD_BAD_HEADER] > 1000);
}

/* --- the initrd the build packs ----------------------------------------------------- */

UT_TEST(initrd_built_image)
{
    const char *path = getenv("DOGMA_TEST_INITRD");
    size_t size;
    uint8_t *tar = path ? ut_read_file(path, &size) : NULL;
    if (!tar) {
        printf("  skipped: no initrd (DOGMA_TEST_INITRD=%s)\n", path ? path : "unset");
        return;
    }
    list_t *l = malloc(sizeof *l);
    UT_CHECK(l != NULL);
    UT_EQ(each_in(tar, size, l), INITRD_OK);
    UT_CHECK(l->n > 0 && l->n <= MAX_FILES);
    for (unsigned i = 0; i < l->n; i++) {
        initrd_file_t f;
        UT_EQ(find_in(tar, size, l->names[i], &f), INITRD_OK);
        UT_EQ(f.offset, l->files[i].offset);
        UT_EQ(f.size, l->files[i].size);
        UT_CHECK(strncmp(l->names[i], "./", 2) != 0);
    }
    initrd_file_t f;
    UT_EQ(find_in(tar, size, "README.txt", &f), INITRD_OK);
    /* Each test program is in it as tests/NAME, byte for byte. */
    unsigned programs = 0;
    const char *dir = getenv("DOGMA_TEST_PROGRAMS");
    for (unsigned i = 0; dir && i < l->n; i++) {
        if (strncmp(l->names[i], "tests/", 6) != 0)
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, l->names[i] + 6);
        size_t n;
        uint8_t *prog = ut_read_file(p, &n);
        if (!prog)
            ut_fail(__FILE__, __LINE__, "%s is in the initrd but not in %s", l->names[i], dir);
        UT_EQ(n, l->files[i].size);
        UT_CHECK(memcmp(prog, tar + l->files[i].offset, n) == 0);
        free(prog);
        programs++;
    }
    printf("  %u files, %u of them test programs\n", l->n, programs);
    free(l);
    free(tar);
}
