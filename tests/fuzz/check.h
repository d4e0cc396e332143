/*
 * The fuzzers' invariant check: a broken invariant names its file and line
 * on stderr and aborts, which libFuzzer reports as a crash and saves with
 * the input that caused it. (The fuzzers are built with clang, which has
 * __FILE_NAME__.)
 */
#ifndef DOGMA_FUZZ_CHECK_H
#define DOGMA_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond))                                                         \
            fuzz_check_failed(#cond, __FILE_NAME__, __LINE__);               \
    } while (0)

static inline void fuzz_check_failed(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
    abort();
}

#endif
