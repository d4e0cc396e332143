/*
 * The kernel's log and panic, for host unit tests.
 *
 * klog prints to stderr only when UT_VERBOSE is set in the environment, and
 * always keeps the last line in ut_log_last for tests that check a message.
 * kpanic formats its message into ut_panic_msg and longjmps to the test
 * that expected it (UT_EXPECT_PANIC), or fails the running case.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kern/log.h>

#include "ut.h"

jmp_buf *ut_panic_jmp;
char ut_panic_msg[1024];
char ut_log_last[1024];

_Noreturn void ut_unexpected_panic(const char *msg);

void kvlog(log_level_t level, const char *subsys, const char *fmt, va_list ap)
{
    static const char *names[] = {"err", "warn", "info", "debug"};
    int n = snprintf(ut_log_last, sizeof ut_log_last, "%s %s: ",
                     names[level & 3], subsys);
    vsnprintf(ut_log_last + n, sizeof ut_log_last - (size_t)n, fmt, ap);
    if (getenv("UT_VERBOSE"))
        fprintf(stderr, "    [log] %s\n", ut_log_last);
}

void klog(log_level_t level, const char *subsys, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvlog(level, subsys, fmt, ap);
    va_end(ap);
}

void kpanic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ut_panic_msg, sizeof ut_panic_msg, fmt, ap);
    va_end(ap);
    if (ut_panic_jmp)
        longjmp(*ut_panic_jmp, 1);
    ut_unexpected_panic(ut_panic_msg);
}
