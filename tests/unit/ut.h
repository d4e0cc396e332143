/*
 * A small unit-test harness for host tests of kernel code.
 *
 * A test file defines cases with UT_TEST(name) { ... } and no main(); ut.c
 * runs every case in order, each in a fresh state, and ends with the line
 * "unit: N passed, N failed". A failed check prints file:line and the values
 * compared, then abandons that case (the rest still run).
 *
 * Kernel code under test may call kpanic; UT_EXPECT_PANIC(stmt, "text")
 * asserts that stmt panics with a message containing "text" (kshim.c turns
 * the panic into a longjmp back to the test). An unexpected panic fails the
 * case with the panic's message.
 */
#ifndef UT_H
#define UT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*ut_fn_t)(void);
void ut_register(const char *name, ut_fn_t fn);
_Noreturn void ut_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define UT_TEST(name)                                                          \
    static void ut_case_##name(void);                                          \
    __attribute__((constructor)) static void ut_reg_##name(void)               \
    {                                                                          \
        ut_register(#name, ut_case_##name);                                    \
    }                                                                          \
    static void ut_case_##name(void)

#define UT_CHECK(cond)                                                         \
    do {                                                                       \
        if (!(cond))                                                           \
            ut_fail(__FILE__, __LINE__, "check failed: %s", #cond);           \
    } while (0)

#define UT_EQ(a, b)                                                            \
    do {                                                                       \
        unsigned long long ut_a_ = (unsigned long long)(a);                    \
        unsigned long long ut_b_ = (unsigned long long)(b);                    \
        if (ut_a_ != ut_b_)                                                    \
            ut_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx (%lld != %lld)", \
                    #a, #b, ut_a_, ut_b_, (long long)ut_a_, (long long)ut_b_); \
    } while (0)

#define UT_STREQ(a, b)                                                         \
    do {                                                                       \
        const char *ut_a_ = (a), *ut_b_ = (b);                                 \
        if (strcmp(ut_a_, ut_b_) != 0)                                         \
            ut_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,  \
                    ut_a_, ut_b_);                                             \
    } while (0)

#define UT_CONTAINS(hay, needle)                                               \
    do {                                                                       \
        const char *ut_h_ = (hay), *ut_n_ = (needle);                          \
        if (!strstr(ut_h_, ut_n_))                                             \
            ut_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"",      \
                    ut_h_, ut_n_);                                             \
    } while (0)

/* Panic capture (kshim.c). */
extern jmp_buf *ut_panic_jmp;
extern char ut_panic_msg[1024];

#define UT_EXPECT_PANIC(stmt, text)                                            \
    do {                                                                       \
        jmp_buf ut_jb_;                                                        \
        jmp_buf *ut_prev_ = ut_panic_jmp;                                      \
        ut_panic_msg[0] = 0;                                                   \
        if (setjmp(ut_jb_) == 0) {                                             \
            ut_panic_jmp = &ut_jb_;                                            \
            stmt;                                                              \
            ut_panic_jmp = ut_prev_;                                           \
            ut_fail(__FILE__, __LINE__, "expected a panic from %s", #stmt);   \
        }                                                                      \
        ut_panic_jmp = ut_prev_;                                               \
        UT_CONTAINS(ut_panic_msg, (text));                                     \
    } while (0)

/* A whole file in a malloc'ed buffer (the caller frees it), its size in
 * *out_size; NULL when it cannot be opened. A read that fails after the
 * open fails the test. */
uint8_t *ut_read_file(const char *path, size_t *out_size);

/* A deterministic PRNG for generated inputs (xorshift64*). */
static inline uint64_t ut_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

#endif
