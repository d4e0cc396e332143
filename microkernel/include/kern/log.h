/*
 * Kernel log and panic.
 *
 * Every line goes to the serial console as
 *   [    1.234567] info  pmm: 252 MiB usable in 3 ranges
 * with the time since boot (from the calibrated TSC; before calibration the
 * stamp reads 0). The kernel implements these in kern/log.c; the host unit
 * tests supply their own in tests/unit/kshim.c, so generic code can log and
 * panic on both sides.
 */
#ifndef KERN_LOG_H
#define KERN_LOG_H

#include <stdarg.h>

#include <kern/types.h>

typedef enum {
    LOG_ERR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3,
} log_level_t;

void klog(log_level_t level, const char *subsys, const char *fmt, ...) PRINTF_LIKE(3, 4);
void kvlog(log_level_t level, const char *subsys, const char *fmt, va_list ap);

/* Lines above this level are dropped (loglevel= on the command line). */
void log_set_level(log_level_t level);

/* Of the lines kept, those above this level stay off the console (they
 * are still in the ring). */
void log_set_console_level(log_level_t level);

/* Copies log text from position pos on (clamped to what the ring still
 * holds) into buf; *out_next is the position after the last byte. */
size_t klog_ring_read(uint64_t pos, char *buf, size_t size, uint64_t *out_next);

/* Prints "PANIC: <message>", a backtrace, and stops the machine. */
_Noreturn void kpanic(const char *fmt, ...) PRINTF_LIKE(1, 2);

#define log_err(sub, ...) klog(LOG_ERR, (sub), __VA_ARGS__)
#define log_warn(sub, ...) klog(LOG_WARN, (sub), __VA_ARGS__)
#define log_info(sub, ...) klog(LOG_INFO, (sub), __VA_ARGS__)
#define log_debug(sub, ...) klog(LOG_DEBUG, (sub), __VA_ARGS__)

/* An internal invariant; failing one is a kernel bug, never bad user input. */
#define KASSERT(cond)                                                          \
    do {                                                                       \
        if (!(cond))                                                           \
            kpanic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
    } while (0)

#endif
