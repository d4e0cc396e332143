/*
 * log: the system's log. It keeps the newest LOG_LINES lines from every
 * service (LG_LINE on its connect endpoint) and from the kernel (read
 * from the kernel's ring with klog_read every LOG_POLL_NS), each with its
 * level, source and time, and answers LG_READ requests (dogma/proto.h).
 */
#include <stdio.h>
#include <string.h>

#include "../lib/svc.h"

#define LOG_LINES 512
#define LOG_POLL_NS 200000000ull

static lg_msg_t ring[LOG_LINES];
static uint64_t nlines; /* lines ever stored */

static void store(const lg_msg_t *m)
{
    lg_msg_t *e = &ring[nlines++ % LOG_LINES];
    *e = *m;
    e->op = LG_LINE;
    e->source[sizeof e->source - 1] = 0;
    e->text[sizeof e->text - 1] = 0;
    if (e->level > LG_DEBUG)
        e->level = LG_INFO;
}

/* Kernel lines look like "[    1.234567] info  subsys: text". */
static void kernel_line(const char *s, size_t n)
{
    lg_msg_t m = {.op = LG_LINE, .level = LG_INFO, .time_ns = (uint64_t)dogma_clock()};
    snprintf(m.source, sizeof m.source, "kernel");
    unsigned long sec = 0, usec = 0;
    char level[8] = "";
    int skip = 0;
    char line[300];
    snprintf(line, sizeof line, "%.*s", (int)n, s);
    if (sscanf(line, "[%lu.%lu] %7s %n", &sec, &usec, level, &skip) >= 3 && skip > 0) {
        m.time_ns = sec * 1000000000ull + usec * 1000ull;
        m.level = strcmp(level, "err") == 0 ? LG_ERR : strcmp(level, "warn") == 0 ? LG_WARN
                : strcmp(level, "debug") == 0 ? LG_DEBUG : LG_INFO;
    } else {
        skip = 0;
    }
    snprintf(m.text, sizeof m.text, "%s", line + skip);
    store(&m);
}

static uint64_t kpos;
static char kbuf[4096 + 512];
static size_t khave;

static void poll_kernel(void)
{
    for (;;) {
        uint64_t next;
        int64_t n = dogma_klog_read(kpos, kbuf + khave, 4096, &next);
        if (n <= 0)
            return;
        kpos = next;
        khave += (size_t)n;
        size_t start = 0;
        for (size_t i = 0; i < khave; i++) {
            if (kbuf[i] == '\n') {
                kernel_line(kbuf + start, i - start);
                start = i + 1;
            }
        }
        memmove(kbuf, kbuf + start, khave - start);
        khave -= start;
        if (khave > 512) /* a line longer than any the kernel writes: drop it */
            khave = 0;
    }
}

static void serve(uint32_t ep)
{
    lg_msg_t m;
    uint32_t hs[DOGMA_MSG_MAX_HANDLES], nh = 0;
    int64_t len = dogma_channel_recv(ep, &m, sizeof m, hs, DOGMA_MSG_MAX_HANDLES, &nh);
    if (len < 0)
        return;
    uint32_t used = 0;
    if (len == sizeof m && m.op == LG_LINE) {
        m.time_ns = (uint64_t)dogma_clock();
        store(&m);
    } else if (len == sizeof m && m.op == LG_READ && nh >= 1) {
        poll_kernel();
        uint64_t n = m.n < nlines ? m.n : nlines;
        if (n > LOG_LINES)
            n = LOG_LINES;
        if (n > 60)
            n = 60; /* a channel queues 64 */
        for (uint64_t i = nlines - n; i < nlines; i++)
            dogma_channel_send(hs[0], &ring[i % LOG_LINES], sizeof ring[0], NULL, 0);
        lg_msg_t end = {.op = LG_END};
        dogma_channel_send(hs[0], &end, sizeof end, NULL, 0);
        dogma_cap_dispose(hs[0]);
        used = 1;
    }
    for (uint32_t i = used; i < nh; i++)
        dogma_cap_dispose(hs[i]);
}

int main(void)
{
    memset(ring, 0, sizeof ring); /* every page now: a steady frame count */
    svc_log_init("log");
    uint32_t service = dogma_grant_by_role("service");
    if (!service) {
        svc_log(LG_ERR, "no \"service\" grant");
        return 1;
    }
    for (;;) {
        dogma_wait_item_t it = {service, DOGMA_SIG_READABLE, 0, 0};
        int64_t r = dogma_wait(&it, 1, LOG_POLL_NS);
        if (r >= 0)
            serve(service);
        poll_kernel();
    }
}
