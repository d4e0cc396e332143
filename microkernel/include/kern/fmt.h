/*
 * Formatted output without libc.
 *
 * A small vsnprintf: %d %i %u %x %X %o %c %s %p %%, the length modifiers
 * hh h l ll z j t, flags '-' '0' '+' ' ' '#', a width and a precision
 * (either may be '*'). No floating point (the kernel has no FPU state).
 * Output is always NUL-terminated when size > 0; the return value is the
 * length the full output would have had, as in C99.
 */
#ifndef KERN_FMT_H
#define KERN_FMT_H

#include <stdarg.h>

#include <kern/types.h>

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
