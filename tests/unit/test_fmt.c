/*
 * Tests of fmt_vsnprintf against the host C library's vsnprintf.
 *
 * C99 fixes what every supported conversion prints, so the host's snprintf
 * is the oracle: fmt_same() formats the same arguments with both and
 * requires the same text and the same return value, then reformats into
 * every smaller buffer size and requires the right prefix, the NUL, the
 * full-length return value, and no byte written past size. The large
 * tables are generated: every combination of flags, widths, precisions
 * and conversions, over values at the edges of each argument type. The
 * few places where C leaves the output to the implementation (%p, a NULL
 * %s) are pinned to fmt's documented choice instead.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <kern/fmt.h>

#include "ut.h"

#define FMT_BUF 512
#define FMT_GUARD 0x5a

static unsigned long fmt_checked; /* comparisons made, for the summary */

/* Formats into every size from 0 to len + 1 and checks each result. */
static void fmt_check_sizes(const char *file, int line, const char *want, size_t len,
                            const char *fmt, va_list ap)
{
    char buf[FMT_BUF + 8];

    for (size_t size = 0; size <= len + 1 && size <= FMT_BUF; size++) {
        va_list aq;
        size_t n;

        memset(buf, FMT_GUARD, sizeof buf);
        va_copy(aq, ap);
        n = fmt_vsnprintf(size ? buf : NULL, size, fmt, aq);
        va_end(aq);
        if (n != len)
            ut_fail(file, line, "\"%s\" size %zu: returned %zu, want %zu", fmt, size, n, len);
        if (size == 0)
            continue;
        size_t kept = len < size ? len : size - 1;
        if (memcmp(buf, want, kept) != 0 || buf[kept] != '\0')
            ut_fail(file, line, "\"%s\" size %zu: wrong prefix \"%.*s\"", fmt, size,
                    (int)kept, buf);
        for (size_t i = size; i < sizeof buf; i++) {
            if ((unsigned char)buf[i] != FMT_GUARD)
                ut_fail(file, line, "\"%s\" size %zu: byte %zu written", fmt, size, i);
        }
    }
}

static void fmt_same_at(const char *file, int line, const char *fmt, ...)
{
    char want[FMT_BUF], got[FMT_BUF];
    va_list ap, aq;
    int n;
    size_t m;

    va_start(ap, fmt);
    va_copy(aq, ap);
    n = vsnprintf(want, sizeof want, fmt, aq);
    va_end(aq);
    va_copy(aq, ap);
    m = fmt_vsnprintf(got, sizeof got, fmt, aq);
    va_end(aq);
    if (n < 0 || (size_t)n >= sizeof want)
        ut_fail(file, line, "test bug: \"%s\" gives %d bytes", fmt, n);
    if ((size_t)n != m || strcmp(want, got) != 0)
        ut_fail(file, line, "\"%s\": libc \"%s\" (%d), fmt \"%s\" (%zu)", fmt, want, n,
                got, m);
    fmt_check_sizes(file, line, want, (size_t)n, fmt, ap);
    va_end(ap);
    fmt_checked++;
}

#define fmt_same(...) fmt_same_at(__FILE__, __LINE__, __VA_ARGS__)

/* Builds "%<flags><width><prec><len><conv>" from the bits of combo. */
static const char *const fmt_flag_sets[] = {"", "-", "0", "+", " ", "#", "-0", "+ ",
                                            "#0", "-#", "+0", " 0", "-+#0 "};
static const char *const fmt_widths[] = {"", "1", "3", "8", "23"};
static const char *const fmt_precs[] = {"", ".", ".0", ".1", ".4", ".22"};

typedef void (*fmt_run_t)(const char *fmt, size_t value);

/* Calls run for every flags/width/precision combination of "len conv". */
static void fmt_each_spec(const char *len, const char *convs, fmt_run_t run, size_t value)
{
    char f[32];

    for (size_t a = 0; a < ARRAY_LEN(fmt_flag_sets); a++)
        for (size_t w = 0; w < ARRAY_LEN(fmt_widths); w++)
            for (size_t p = 0; p < ARRAY_LEN(fmt_precs); p++)
                for (const char *c = convs; *c; c++) {
                    snprintf(f, sizeof f, "%%%s%s%s%s%c", fmt_flag_sets[a], fmt_widths[w],
                             fmt_precs[p], len, *c);
                    run(f, value);
                }
}

static const long long fmt_signed_values[] = {
    0, 1, -1, 7, -8, 42, -42, 127, -128, 128, 255, 256, 32767, -32768, 65535, 65536,
    INT_MAX, INT_MIN, (long long)INT_MAX + 1, UINT_MAX, 0x123456789abcdefll,
    LLONG_MAX, LLONG_MIN, LLONG_MIN + 1,
};

/* One run function per argument type: the value is carried as size_t
 * and converted to the type the length modifier names. */
static void fmt_run_int(const char *f, size_t v) { fmt_same(f, (int)fmt_signed_values[v]); }
static void fmt_run_hh(const char *f, size_t v) { fmt_same(f, (int)fmt_signed_values[v]); }
static void fmt_run_long(const char *f, size_t v) { fmt_same(f, (long)fmt_signed_values[v]); }
static void fmt_run_ll(const char *f, size_t v) { fmt_same(f, fmt_signed_values[v]); }
static void fmt_run_size(const char *f, size_t v) { fmt_same(f, (size_t)fmt_signed_values[v]); }
static void fmt_run_intmax(const char *f, size_t v) { fmt_same(f, (intmax_t)fmt_signed_values[v]); }
static void fmt_run_ptrdiff(const char *f, size_t v) { fmt_same(f, (ptrdiff_t)fmt_signed_values[v]); }

static void fmt_table(const char *len, fmt_run_t run)
{
    unsigned long before = fmt_checked;

    for (size_t v = 0; v < ARRAY_LEN(fmt_signed_values); v++)
        fmt_each_spec(len, "diuxXo", run, v);
    UT_EQ(fmt_checked - before, ARRAY_LEN(fmt_signed_values) * ARRAY_LEN(fmt_flag_sets) *
                                    ARRAY_LEN(fmt_widths) * ARRAY_LEN(fmt_precs) * 6);
}

UT_TEST(fmt_int_table) { fmt_table("", fmt_run_int); }
UT_TEST(fmt_hh_table) { fmt_table("hh", fmt_run_hh); }
UT_TEST(fmt_h_table) { fmt_table("h", fmt_run_hh); }
UT_TEST(fmt_l_table) { fmt_table("l", fmt_run_long); }
UT_TEST(fmt_ll_table) { fmt_table("ll", fmt_run_ll); }
UT_TEST(fmt_z_table) { fmt_table("z", fmt_run_size); }
UT_TEST(fmt_j_table) { fmt_table("j", fmt_run_intmax); }
UT_TEST(fmt_t_table) { fmt_table("t", fmt_run_ptrdiff); }

static const char *const fmt_strings[] = {"", "a", "hello", "hello, world", "0123456789abcdef"};

static void fmt_run_str(const char *f, size_t v) { fmt_same(f, fmt_strings[v]); }
static void fmt_run_char(const char *f, size_t v) { fmt_same(f, "azZ~ \x7f"[v]); }

/* '0', '+', ' ' and '#' are undefined or meaningless for %s and %c, so
 * only '-' is combined with widths and precisions here. */
UT_TEST(fmt_string_table)
{
    static const char *const flags[] = {"", "-"};
    char f[32];

    for (size_t v = 0; v < ARRAY_LEN(fmt_strings); v++)
        for (size_t a = 0; a < ARRAY_LEN(flags); a++)
            for (size_t w = 0; w < ARRAY_LEN(fmt_widths); w++)
                for (size_t p = 0; p < ARRAY_LEN(fmt_precs); p++) {
                    snprintf(f, sizeof f, "%%%s%s%ss", flags[a], fmt_widths[w], fmt_precs[p]);
                    fmt_run_str(f, v);
                }
}

UT_TEST(fmt_char_table)
{
    static const char *const specs[] = {"%c", "%1c", "%5c", "%-5c", "%-1c", "[%c]", "%c%c"};

    for (size_t v = 0; v < 6; v++)
        for (size_t s = 0; s < ARRAY_LEN(specs); s++)
            fmt_run_char(specs[s], v);
    fmt_same("%c|%c", 'x', 0x141); /* converted to unsigned char */
}

UT_TEST(fmt_star)
{
    static const int ws[] = {0, 1, 5, 20, -1, -7};
    static const int ps[] = {0, 1, 3, 10, -1, -5};

    for (size_t i = 0; i < ARRAY_LEN(ws); i++) {
        for (size_t j = 0; j < ARRAY_LEN(ps); j++) {
            fmt_same("%*.*d|", ws[i], ps[j], -123);
            fmt_same("%0*d|", ws[i], 45);
            fmt_same("%*.*s|", ws[i], ps[j], "abcdef");
            fmt_same("%-*.*x|", ws[i], ps[j], 0xbeefu);
            fmt_same("%.*u|", ps[j], 0u);
        }
        fmt_same("%*c|", ws[i], 'q');
    }
}

UT_TEST(fmt_edges)
{
    fmt_same("%d", INT_MIN);
    fmt_same("%lld", LLONG_MIN);
    fmt_same("%ld|%jd", (long)INT64_MIN, (intmax_t)INT64_MIN);
    fmt_same("%.0d|%.0x|%.0o|%#.0o|%#.0x|%+.0d|% .0d", 0, 0u, 0u, 0u, 0u, 0, 0);
    fmt_same("%5.0d|%-5.0u|%05.0d", 0, 0u, 0);
    fmt_same("%#o|%#x|%#X|%#o", 0u, 0u, 0u, 8u);
    fmt_same("%#5o|%#.3o|%#.4o", 7u, 8u, 8u);
    fmt_same("%llu|%llx|%llo", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
    fmt_same("%zu %zx %zd", (size_t)SIZE_MAX, (size_t)SIZE_MAX, (size_t)SIZE_MAX);
    fmt_same("%hhu %hhd %hu %hd", 0x1ff, 0x180, 0x1ffff, 0x18000);
}

UT_TEST(fmt_text)
{
    fmt_same("");
    fmt_same("plain text");
    fmt_same("100%%");
    fmt_same("%%%d%%", 5);
    fmt_same("a%sb%dc%xd%ce", "mid", -9, 0xabcu, '!');
    fmt_same("pmm: %zu MiB usable in %d ranges", (size_t)252, 3);
    fmt_same("[%8s] [%-8s] [%08.3d]", "ab", "cd", 7);
}

UT_TEST(fmt_pointer)
{
    int x;
    void *p = &x;

    fmt_same("%p", p);
    fmt_same("%20p|%-20p|", p, p);
    fmt_same("%p", (void *)0x1000);
    char buf[32];
    UT_EQ(fmt_snprintf(buf, sizeof buf, "%p", (void *)0), 3);
    UT_STREQ(buf, "0x0");
    UT_EQ(fmt_snprintf(buf, sizeof buf, "[%6p]", (void *)0xabc), 8);
    UT_STREQ(buf, "[ 0xabc]");
}

/* NULL through a volatile, so the compiler cannot see it and warn. */
static const char *volatile fmt_null;

UT_TEST(fmt_null_string)
{
    char buf[32];

    fmt_same("%s", "(null)");
    UT_EQ(fmt_snprintf(buf, sizeof buf, "%s", fmt_null), 6);
    UT_STREQ(buf, "(null)");
    UT_EQ(fmt_snprintf(buf, sizeof buf, "[%8s]", fmt_null), 10);
    UT_STREQ(buf, "[  (null)]");
    UT_EQ(fmt_snprintf(buf, sizeof buf, "[%.3s]", fmt_null), 5);
    UT_STREQ(buf, "[(nu]");
}

/* The precision bounds the read of a string that has no NUL. */
UT_TEST(fmt_precision_stops_read)
{
    char raw[4] = {'a', 'b', 'c', 'd'};
    char buf[16];

    UT_EQ(fmt_snprintf(buf, sizeof buf, "%.4s", raw), 4);
    UT_STREQ(buf, "abcd");
    UT_EQ(fmt_snprintf(buf, sizeof buf, "%.2s", raw), 2);
    UT_STREQ(buf, "ab");
}

UT_TEST(fmt_truncation)
{
    char buf[8];

    memset(buf, FMT_GUARD, sizeof buf);
    UT_EQ(fmt_snprintf(NULL, 0, "hello %d", 12345), 11);
    UT_EQ(fmt_snprintf(buf, 0, "hello"), 5);
    UT_EQ((unsigned char)buf[0], FMT_GUARD);
    UT_EQ(fmt_snprintf(buf, 1, "hello"), 5);
    UT_EQ(buf[0], 0);
    UT_EQ(fmt_snprintf(buf, 6, "hello world"), 11);
    UT_STREQ(buf, "hello");
    UT_EQ(fmt_snprintf(buf, sizeof buf, "%20d", 1), 20);
    UT_STREQ(buf, "       ");
    UT_EQ(fmt_snprintf(buf, sizeof buf, "%s", ""), 0);
    UT_STREQ(buf, "");
}

/* Not C99 conversions: copied through as written, consuming nothing. The
 * formats are variables so that the compiler's format check lets them by. */
UT_TEST(fmt_unknown_conversion)
{
    const char *trailing = "a%", *unknown = "%5y|%d|";
    char buf[32];

    UT_EQ(fmt_snprintf(buf, sizeof buf, trailing, 0), 2);
    UT_STREQ(buf, "a%");
    UT_EQ(fmt_snprintf(buf, sizeof buf, unknown, 7), 6);
    UT_STREQ(buf, "%5y|7|");
}
