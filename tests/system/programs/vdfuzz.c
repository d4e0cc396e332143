/*
 * vdfuzz: a hostile client of verifierd, started as a service by the test
 * manifest (tests/system/hostile.sh) with a channel of its own to
 * verifierd ("verifierd") and the initrd. It sends what no client should:
 * messages too short, too long and of unknown ops (each of which gets it
 * dropped as a client), and, on a fresh channel each time through
 * CONNECT (which it may not send: refused), grants that are never used,
 * LOADs with bad counts and regions, modules that change while verifierd
 * reads them. Then it checks that verifierd still serves: a new client
 * (driverd's restart of this service gets one) verifies hello.
 *
 * It prints "vdfuzz: PASS" or "vdfuzz: FAIL ..." to the kernel log (the
 * log service keeps it) and exits; driverd restarts it, and the second
 * run checks the first did no lasting harm.
 */
#include <stdio.h>
#include <string.h>

#include <dogma.h>
#include <dogma/proto.h>

static uint32_t vd, initrd;
static int failures;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[240];
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    __builtin_va_end(ap);
    dogma_debug_log(line, (uint32_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
}

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        say("vdfuzz: FAIL %s", what);
    }
}

/* Waits up to 2 s for a reply on vd; its status, or 1000 when none came
 * (dropped: verifierd disposed the channel, so PEER_CLOSED). */
static int32_t answer(vd_reply_t *r, uint32_t *proc)
{
    dogma_wait_item_t it = {vd, DOGMA_SIG_READABLE | DOGMA_SIG_PEER_GONE, 0, 0};
    dogma_wait(&it, 1, 2000000000ull);
    uint32_t n = 0, h[DOGMA_MSG_MAX_HANDLES];
    int64_t len = dogma_channel_recv(vd, r, sizeof *r, h, DOGMA_MSG_MAX_HANDLES, &n);
    for (uint32_t i = 0; i < n; i++) {
        if (proc)
            *proc = h[i];
        else
            dogma_cap_dispose(h[i]);
    }
    return len == sizeof *r ? r->status : 1000;
}

static int64_t find(const char *path, uint64_t *off, uint64_t *size)
{
    /* The tar's first headers: a linear scan, as svc_initrd_find does. */
    dogma_region_info_t ri;
    if (dogma_region_info(initrd, &ri) < 0)
        return -1;
    char h[512];
    for (uint64_t at = 0; at + 512 <= ri.size;) {
        if (dogma_region_read(initrd, at, h, 512) < 0 || !h[0])
            return -1;
        uint64_t sz = 0;
        for (int i = 124; i < 135 && h[i] >= '0' && h[i] <= '7'; i++)
            sz = sz * 8 + (uint64_t)(h[i] - '0');
        const char *n = strncmp(h, "./", 2) == 0 ? h + 2 : h;
        if (strcmp(n, path) == 0) {
            *off = at + 512, *size = sz;
            return 0;
        }
        at += 512 + ((sz + 511) & ~511ull);
    }
    return -1;
}

int main(void)
{
    vd = dogma_grant_by_role("verifierd");
    initrd = dogma_grant_by_role("initrd");
    if (!vd || !initrd) {
        say("vdfuzz: FAIL needs grants verifierd and initrd");
        return 1;
    }
    uint64_t off, size;
    check(find("bin/hello.wasm", &off, &size) == 0, "bin/hello.wasm in the initrd");
    vd_reply_t r;

    /* 1. First, that it serves us at all. */
    vd_request_t q = {.op = VD_OP_VERIFY, .offset = off, .size = size, .nargs = 1};
    strcpy(q.name, "hello");
    strcpy(q.data, "hello");
    uint32_t src = (uint32_t)dogma_cap_dup(initrd, DOGMA_R_READ | DOGMA_R_TRANSFER);
    dogma_channel_send(vd, &q, sizeof q, &src, 1);
    check(answer(&r, NULL) == 0, "a first VERIFY of hello");

    /* 2. Grants that never come to a LOAD, and LOADs whose checks fail:
     * none of their handles may stay in verifierd's table. 1500 rounds of
     * 3 regions would fill its 4096 slots if they leaked. */
    for (int i = 0; i < 1500 && !failures; i++) {
        uint32_t hs[4];
        hs[0] = (uint32_t)dogma_cap_dup(initrd, DOGMA_R_READ | DOGMA_R_TRANSFER);
        for (int k = 1; k < 4; k++)
            hs[k] = (uint32_t)dogma_region_create(4096);
        vd_request_t bad = {.op = VD_OP_LOAD, .offset = off, .size = size, .nargs = 1,
                            .nroles = (uint32_t)(i % 3)}; /* never the 3 it needs */
        strcpy(bad.data, "x");
        dogma_channel_send(vd, &bad, sizeof bad, hs, 4);
        int32_t st = answer(&r, NULL);
        if (st >= 0 || st == 1000) {
            check(0, "a LOAD with the wrong role count was refused");
            say("  round %d: status %d", i, st);
        }
    }
    /* and the region is still there to make new handles with: */
    q.op = VD_OP_VERIFY;
    src = (uint32_t)dogma_cap_dup(initrd, DOGMA_R_READ | DOGMA_R_TRANSFER);
    dogma_channel_send(vd, &q, sizeof q, &src, 1);
    check(answer(&r, NULL) == 0, "VERIFY after 1500 refused LOADs");

    /* 3. A module bigger than the loader takes, in a region it never read. */
    int64_t big = dogma_region_create(1ull << 30);
    vd_request_t huge = {.op = VD_OP_VERIFY, .offset = 0, .size = 1ull << 30, .nargs = 1};
    strcpy(huge.data, "huge");
    uint32_t hb = (uint32_t)big;
    dogma_channel_send(vd, &huge, sizeof huge, &hb, 1);
    check(answer(&r, NULL) == VD_REJECTED, "a 1 GiB module refused without reading it");

    /* 4. CONNECT from a client that is not driverd: refused. */
    uint32_t other;
    int64_t mine = dogma_channel_create(&other);
    vd_request_t c = {.op = VD_OP_CONNECT, .name = "vdfuzz-extra"};
    dogma_channel_send(vd, &c, sizeof c, &other, 1);
    check(answer(&r, NULL) == -DOGMA_E_RIGHTS, "CONNECT refused to a client not driverd");
    dogma_cap_dispose((uint32_t)mine);

    /* 5. Last, a message too long: we are dropped (no reply; our channel
     * is closed), and verifierd goes on serving everyone else. */
    uint8_t junk[DOGMA_MSG_MAX_BYTES];
    memset(junk, 0x5a, sizeof junk);
    dogma_channel_send(vd, junk, sizeof junk, NULL, 0);
    check(answer(&r, NULL) == 1000, "a 256-byte message gets the client dropped");

    say(failures ? "vdfuzz: FAIL (%d checks)" : "vdfuzz: PASS", failures);
    return failures ? 1 : 0;
}
