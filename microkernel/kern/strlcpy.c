/*
 * strlcpy, in its own file because it is generic: the kernel links it,
 * and so do the host tests and fuzzers, whose C library (Debian 12's glibc
 * 2.36) lacks it. kern/string.c's other functions are kernel-only: on the
 * host they would replace the C library's and the sanitizers' own.
 */
#include <kern/string.h>

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(dst, src, k);
        dst[k] = 0;
    }
    return n;
}
