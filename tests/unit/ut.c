/*
 * The unit-test runner: runs every registered case, catches a failed check
 * or an unexpected kernel panic with longjmp, and prints one line per case
 * and the closing "unit: N passed, N failed" line that ctest's log shows.
 * `unit_x NAME` runs only the cases whose name contains NAME.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ut.h"

#define UT_MAX_CASES 512

static struct {
    const char *name;
    ut_fn_t fn;
} cases[UT_MAX_CASES];
static int ncases;
static jmp_buf case_jmp;

void ut_register(const char *name, ut_fn_t fn)
{
    if (ncases == UT_MAX_CASES) {
        fprintf(stderr, "ut: more than %d cases\n", UT_MAX_CASES);
        exit(2);
    }
    cases[ncases].name = name;
    cases[ncases].fn = fn;
    ncases++;
}

void ut_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "  %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    longjmp(case_jmp, 1);
}

/* Called by kshim.c when kernel code panics outside UT_EXPECT_PANIC. */
_Noreturn void ut_unexpected_panic(const char *msg);
_Noreturn void ut_unexpected_panic(const char *msg)
{
    fprintf(stderr, "  unexpected kernel panic: %s\n", msg);
    longjmp(case_jmp, 1);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    /* volatile: they change between setjmp and a longjmp back to it. */
    volatile int passed = 0, failed = 0;

    for (volatile int i = 0; i < ncases; i++) {
        if (filter && !strstr(cases[i].name, filter))
            continue;
        ut_panic_jmp = NULL;
        if (setjmp(case_jmp) == 0) {
            cases[i].fn();
            printf("ok   %s\n", cases[i].name);
            passed++;
        } else {
            printf("FAIL %s\n", cases[i].name);
            failed++;
        }
        fflush(stdout);
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : (passed ? 0 : 1);
}

uint8_t *ut_read_file(const char *path, size_t *out_size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    UT_CHECK(fseek(f, 0, SEEK_END) == 0);
    long n = ftell(f);
    UT_CHECK(n >= 0);
    rewind(f);
    uint8_t *p = malloc(n ? (size_t)n : 1);
    UT_CHECK(p != NULL);
    UT_CHECK(fread(p, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    *out_size = (size_t)n;
    return p;
}
