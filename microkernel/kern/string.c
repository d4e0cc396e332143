/*
 * Memory and string functions for the kernel (kernel build only; on the
 * host the C library provides them).
 *
 * The compiler emits calls to memcpy, memmove, memset and memcmp on its own
 * (struct copies, zeroed locals), so these are the real definitions under
 * the standard names. They stay simple: byte loops, with 8-byte words for
 * memcpy, memmove and memset when both pointers share an alignment, which
 * is the common case for page and struct copies. The kernel is built with
 * -ffreestanding -fno-builtin, which keeps clang from recognising these
 * loops as memset/memcpy idioms and turning them into calls to themselves;
 * after any change, check `objdump -d` of this file for such recursion.
 *
 * Word access goes through a may_alias type, so copying words out of any
 * object type does not break strict aliasing.
 */
#include <kern/string.h>

typedef uint64_t __attribute__((may_alias)) string_word_t;

#define STRING_WORD sizeof(string_word_t)

static bool string_word_aligned(const void *a, const void *b)
{
    return IS_ALIGNED((uintptr_t)a | (uintptr_t)b, STRING_WORD);
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (string_word_aligned(d, s)) {
        for (; n >= STRING_WORD; n -= STRING_WORD) {
            *(string_word_t *)d = *(const string_word_t *)s;
            d += STRING_WORD;
            s += STRING_WORD;
        }
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

/* Copies backwards when dst lies above src, so overlapping bytes are read
 * before they are overwritten. */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n) {
        /* Forward copy is safe; not memcpy, whose arguments are restrict. */
        if (string_word_aligned(d, s)) {
            for (; n >= STRING_WORD; n -= STRING_WORD) {
                *(string_word_t *)d = *(const string_word_t *)s;
                d += STRING_WORD;
                s += STRING_WORD;
            }
        }
        while (n--)
            *d++ = *s++;
        return dst;
    }
    d += n;
    s += n;
    if (string_word_aligned(d, s)) {
        for (; n >= STRING_WORD; n -= STRING_WORD) {
            d -= STRING_WORD;
            s -= STRING_WORD;
            *(string_word_t *)d = *(const string_word_t *)s;
        }
    }
    while (n--)
        *--d = *--s;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char byte = (unsigned char)c;

    while (n > 0 && !IS_ALIGNED((uintptr_t)d, STRING_WORD)) {
        *d++ = byte;
        n--;
    }
    if (n >= STRING_WORD) {
        string_word_t word = (string_word_t)byte * 0x0101010101010101ull;
        for (; n >= STRING_WORD; n -= STRING_WORD) {
            *(string_word_t *)d = word;
            d += STRING_WORD;
        }
    }
    while (n--)
        *d++ = byte;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (size_t i = 0; i < n; i++) {
        if (p[i] != q[i])
            return p[i] < q[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

/* Compares as unsigned char, as the C standard requires. */
int strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    while (*p && *p == *q) {
        p++;
        q++;
    }
    return (*p > *q) - (*p < *q);
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    for (; n > 0; n--, p++, q++) {
        if (*p != *q)
            return (*p > *q) - (*p < *q);
        if (*p == 0)
            return 0;
    }
    return 0;
}
