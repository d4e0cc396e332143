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

static log_level_t log_max = LOG_INFO;     /* what is kept at all */
static log_level_t console_max = LOG_DEBUG; /* and of that, what is printed */
static const char *const level_names[] = {"err  ", "warn ", "info ", "debug"};

/* The ring: the last KLOG_RING bytes of log text, each byte at its
 * position in the whole log since boot (klog_read, for the log service). */
#define KLOG_RING (32 * 1024)
static char ring[KLOG_RING];
static uint64_t ring_end; /* position one past the last byte written */

void log_set_level(log_level_t level) { log_max = level; }
void log_set_console_level(log_level_t level) { console_max = level; }

static void ring_put(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ring[(ring_end + i) % KLOG_RING] = s[i];
    ring_end += n;
}

size_t klog_ring_read(uint64_t pos, char *buf, size_t size, uint64_t *out_next)
{
    uint64_t first = ring_end > KLOG_RING ? ring_end - KLOG_RING : 0;
    if (pos < first)
        pos = first;
    if (pos > ring_end)
        pos = ring_end;
    size_t n = ring_end - pos < size ? (size_t)(ring_end - pos) : size;
    for (size_t i = 0; i < n; i++)
        buf[i] = ring[(pos + i) % KLOG_RING];
    *out_next = pos + n;
    return n;
}

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
    ring_put(line, n);
    if (level <= console_max)
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
    log_max = console_max = LOG_DEBUG;
    klog(LOG_ERR, "panic", "PANIC: %s", msg);
    arch_backtrace_here();
    klog(LOG_ERR, "panic", "the kernel has stopped");
    arch_stop(ARCH_STOP_FAIL);
}
