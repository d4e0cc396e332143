/* The kernel command-line parser (kern/cmdline.c). */
#include <kern/cmdline.h>

#include "ut.h"

UT_TEST(cmdline_key_value)
{
    char v[32];
    UT_CHECK(cmdline_get("test=memory hz=100", "test", v, sizeof v));
    UT_STREQ(v, "memory");
    UT_CHECK(cmdline_get("test=memory hz=100", "hz", v, sizeof v));
    UT_STREQ(v, "100");
    UT_CHECK(!cmdline_get("test=memory hz=100", "loglevel", v, sizeof v));
}

UT_TEST(cmdline_prefix_is_not_a_match)
{
    char v[32];
    UT_CHECK(!cmdline_get("testing=1 hzz=3", "test", v, sizeof v));
    UT_CHECK(!cmdline_get("testing=1 hzz=3", "hz", v, sizeof v));
    UT_CHECK(!cmdline_get("xtest=1", "test", v, sizeof v));
}

UT_TEST(cmdline_bare_key_and_empty_value)
{
    char v[8] = "junk";
    UT_CHECK(cmdline_get("quiet test=boot", "quiet", v, sizeof v));
    UT_STREQ(v, "");
    UT_CHECK(cmdline_get("test=", "test", v, sizeof v));
    UT_STREQ(v, "");
    UT_CHECK(cmdline_get("test", "test", NULL, 0));
}

UT_TEST(cmdline_last_occurrence_wins_and_spaces)
{
    char v[16];
    UT_CHECK(cmdline_get("  hz=10   hz=1000  ", "hz", v, sizeof v));
    UT_STREQ(v, "1000");
    UT_CHECK(!cmdline_get("", "hz", v, sizeof v));
    UT_CHECK(!cmdline_get("     ", "hz", v, sizeof v));
}

UT_TEST(cmdline_truncates_long_values)
{
    char v[4];
    UT_CHECK(cmdline_get("test=interrupts", "test", v, sizeof v));
    UT_STREQ(v, "int");
}

UT_TEST(cmdline_numbers)
{
    uint64_t n = 7;
    UT_CHECK(cmdline_get_uint("hz=1000", "hz", &n));
    UT_EQ(n, 1000);
    UT_CHECK(cmdline_get_uint("hz=18446744073709551615", "hz", &n));
    UT_EQ(n, UINT64_MAX);
    n = 7;
    UT_CHECK(!cmdline_get_uint("hz=18446744073709551616", "hz", &n)); /* 2^64 */
    UT_CHECK(!cmdline_get_uint("hz=12a", "hz", &n));
    UT_CHECK(!cmdline_get_uint("hz=-5", "hz", &n));
    UT_CHECK(!cmdline_get_uint("hz=", "hz", &n));
    UT_CHECK(!cmdline_get_uint("hz", "hz", &n));
    UT_CHECK(!cmdline_get_uint("hz=000000000000000000000100", "hz", &n)); /* too long */
    UT_EQ(n, 7); /* untouched on failure */
}

static char unknown_seen[128];

static void collect(const char *word, size_t len)
{
    strncat(unknown_seen, word, len);
    strcat(unknown_seen, "|");
}

UT_TEST(cmdline_reports_unknown_words)
{
    static const char *const known[] = {"test", "hz", NULL};
    unknown_seen[0] = 0;
    cmdline_for_unknown(" test=boot tset=boot hz hzz=1 test  quiet ", known, collect);
    UT_STREQ(unknown_seen, "tset=boot|hzz=1|quiet|");
    unknown_seen[0] = 0;
    cmdline_for_unknown("", known, collect);
    UT_STREQ(unknown_seen, "");
}
