/*
 * The kernel log: one formatted line per call on the console, stamped with
 * the time since kernel entry, filtered by the level chosen on the command
 * line (loglevel=, default info). And kpanic: the last thing the kernel
 * says, with a backtrace, before it stops the machine; a panic inside a
 * panic stops at once.
 */
#include <arch/arch.h>
#include <kern/fmt.h>
#include <kern/log.h>

static log_level_t log_max = LOG_INFO;
static const char *const level_names[] = {"err  ", "warn ", "info ", "debug"};

void log_set_level(log_level_t level) { log_max = level; }

void kvlog(log_level_t level, const char *subsys, const char *fmt, va_list ap)
{
    if (level > log_max)
        return;
    char line[512];
    uint64_t ns = arch_uptime_ns();
    size_t n = fmt_snprintf(line, sizeof line, "[%5lu.%06lu] %s %s: ", ns / 1000000000,
                            ns / 1000 % 1000000, level_names[level], subsys);
    if (n < sizeof line)
        n += fmt_vsnprintf(line + n, sizeof line - n, fmt, ap);
    if (n >= sizeof line - 1)
        n = sizeof line - 2; /* truncated: still end the line */
    line[n++] = '\n';
    arch_console_write(line, n);
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
    static bool panicking;
    char msg[384];
    va_list ap;

    arch_irq_disable();
    if (panicking) {
        static const char nested[] = "\nPANIC: nested panic; stopping\n";
        arch_console_write(nested, sizeof nested - 1);
        arch_stop(ARCH_STOP_FAIL);
    }
    panicking = true;

    va_start(ap, fmt);
    fmt_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_max = LOG_DEBUG;
    klog(LOG_ERR, "panic", "PANIC: %s", msg);
    arch_backtrace_here();
    klog(LOG_ERR, "panic", "the kernel has stopped");
    arch_stop(ARCH_STOP_FAIL);
}
