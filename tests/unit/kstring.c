/*
 * The kernel's string functions that the host C library lacks.
 *
 * kern/string.h promises memcpy, strlen, strcmp and the like, which glibc
 * provides on the host; strlcpy is not in Debian 12's glibc (2.36), so the
 * host tests and the fuzzers link this copy of kern/string.c's. It is not
 * linked from there because that file also defines memcpy and friends,
 * which would replace the C library's (and the sanitizers' interceptors).
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
