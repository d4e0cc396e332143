/*
 * The few string and memory functions the kernel needs. The compiler may
 * emit calls to memcpy, memmove, memset and memcmp on its own, so the kernel
 * defines them under those names (kern/string.c); on the host the C library
 * provides them.
 */
#ifndef KERN_STRING_H
#define KERN_STRING_H

#include <kern/types.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
/* Copies at most size - 1 bytes and terminates; the length of src. */
size_t strlcpy(char *dst, const char *src, size_t size);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
