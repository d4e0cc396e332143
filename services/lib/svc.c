/*
 * The services' shared helpers (svc.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "svc.h"

/* ---- the initrd ---------------------------------------------------------------------- */
static uint64_t octal(const char *p, size_t n, bool *ok)
{
    uint64_t v = 0;
    size_t i = 0;
    while (i < n && p[i] == ' ')
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
        if (v >> 60)
            *ok = false;
        v = v * 8 + (uint64_t)(p[i] - '0');
    }
    for (; i < n; i++)
        if (p[i] != ' ' && p[i] != 0)
            *ok = false;
    return v;
}

bool svc_initrd_find(uint32_t view, const char *path, uint64_t *out_off, uint64_t *out_size)
{
    dogma_region_info_t ri;
    if (dogma_region_info(view, &ri) < 0)
        return false;
    uint64_t at = 0;
    char h[512];
    while (at + 512 <= ri.size) {
        if (dogma_region_read(view, at, h, 512) < 0)
            return false;
        if (h[0] == 0)
            return false; /* the end-of-archive block */
        bool ok = true;
        uint64_t size = octal(h + 124, 12, &ok);
        if (!ok || size > ri.size - at - 512)
            return false;
        char name[256];
        size_t pl = strnlen(h + 345, 155), nl = strnlen(h, 100);
        if (pl && memcmp(h + 257, "ustar", 5) == 0) {
            memcpy(name, h + 345, pl);
            name[pl] = '/';
            memcpy(name + pl + 1, h, nl);
            name[pl + 1 + nl] = 0;
        } else {
            memcpy(name, h, nl);
            name[nl] = 0;
        }
        const char *n = strncmp(name, "./", 2) == 0 ? name + 2 : name;
        if ((h[156] == '0' || h[156] == 0) && strcmp(n, path) == 0) {
            *out_off = at + 512;
            *out_size = size;
            return true;
        }
        at += 512 + ((size + 511) & ~511ull);
    }
    return false;
}

/* ---- logging --------------------------------------------------------------------------- */
static uint32_t log_ep;
static char log_self[20];

void svc_log_init(const char *self)
{
    snprintf(log_self, sizeof log_self, "%s", self);
    log_ep = dogma_grant_by_role("log");
}

void svc_log(uint32_t level, const char *fmt, ...)
{
    lg_msg_t m = {.op = LG_LINE, .level = level};
    snprintf(m.source, sizeof m.source, "%s", log_self);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m.text, sizeof m.text, fmt, ap);
    va_end(ap);
    bool sent = log_ep && dogma_channel_send(log_ep, &m, sizeof m, NULL, 0) == 0;
    if (!sent || level <= LG_WARN) {
        char line[260];
        int n = snprintf(line, sizeof line, "%s: %s", log_self, m.text);
        dogma_debug_log(line, (uint32_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
    }
}

/* ---- channels ------------------------------------------------------------------------- */
int64_t svc_recv(uint32_t ep, void *buf, uint32_t size, uint32_t *handles, uint32_t room,
                 uint32_t *out_count)
{
    uint32_t count = 0;
    for (;;) {
        int64_t r = dogma_channel_recv(ep, buf, size, handles, room, &count);
        if (r != -DOGMA_E_EMPTY) {
            if (out_count)
                *out_count = r >= 0 ? count : 0;
            return r;
        }
        dogma_wait_item_t it = {ep, DOGMA_SIG_READABLE | DOGMA_SIG_PEER_GONE, 0, 0};
        int64_t w = dogma_wait(&it, 1, UINT64_MAX);
        if (w < 0)
            return w;
    }
}

int64_t svc_request(uint32_t connect, const void *msg, uint32_t len, const uint32_t *extra,
                    uint32_t nextra)
{
    uint32_t other;
    int64_t mine = dogma_channel_create(&other);
    if (mine < 0)
        return mine;
    uint32_t hs[DOGMA_MSG_MAX_HANDLES] = {other};
    for (uint32_t i = 0; i < nextra && i + 1 < DOGMA_MSG_MAX_HANDLES; i++)
        hs[i + 1] = extra[i];
    int64_t r = dogma_channel_send(connect, msg, len, hs, 1 + nextra);
    if (r < 0) {
        dogma_cap_dispose((uint32_t)mine);
        dogma_cap_dispose(other);
        return r;
    }
    return mine;
}

uint32_t svc_pid_of(uint32_t proc)
{
    dogma_cap_info_t ci;
    return dogma_cap_info(proc, &ci) == 0 ? (uint32_t)ci.object : 0;
}
