/*
 * The `dogma` import module for dogma-run: enough of Dogma, emulated on
 * Linux, for SDK programs (sdk/) to run as they do in the OS.
 *
 * Every import of dogma/imports.h resolves, so any module links. Those a
 * host can stand in for are emulated: the start block, the clock,
 * randomness, exit, yield, the kernel log (on stderr), the error record,
 * sys_info and self_info, and three granted handles:
 *
 *   1 "stdout", 2 "stderr": channel endpoints whose reader is the host's
 *     fd 1 or 2. channel_send writes the bytes there at once and queues
 *     the reader's ack (the stream protocol, dogma/stream.h), which
 *     channel_recv and wait then return. Acks beyond a channel's depth are
 *     dropped, as a real reader's send would fail FULL.
 *   3 "initrd" (with --initrd FILE): a read-only view of the file, for
 *     region_info and region_read. Its size is the file's, rounded up to
 *     a page as a region's is; the bytes past the end read as zeros.
 *
 * The others return NOT_IMPLEMENTED and say so once on stderr.
 *
 * The module's arguments are hostile, as the runtime's in the OS are:
 * each call decodes them first (handles against the three, lengths
 * against their limits, every pointer range against the memory's size,
 * overflow-safely) and fails with the error code and the error record the
 * OS would give, before it does anything.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include <dogma/abi.h>
#include <dogma/imports.h>
#include <dogma/translate.h>

#include "host.h"

#define DG_STDOUT 1
#define DG_STDERR 2
#define DG_INITRD 3
#define DG_PAGE 4096u
#define DG_LOG_MAX 512
#define DG_NO_ARG 0xff         /* the error record's arg when no argument is at fault */
#define DG_FOREVER INT64_MIN   /* dg_wait: the wait could never end */

#define DG_NIMPORTS (0 DOGMA_IMPORTS(DG_COUNT))
#define DG_COUNT(id, name, params, results) +1

struct dr_dogma {
    uint8_t *start;           /* the start block, start_size bytes */
    uint32_t start_size;
    const char *name;         /* the module's name (argv[0]) */
    const uint8_t *initrd;    /* the file, mapped; NULL without --initrd */
    uint64_t initrd_size;     /* bytes of the file */
    uint64_t initrd_view;     /* the view's size: initrd_size rounded up to a page */
    uint32_t acks[3];         /* [1], [2]: acks queued for the module */
    bool peer_gone[3];        /* [1], [2]: the host fd refused a write */
    uint64_t boot_ns;         /* CLOCK_MONOTONIC when dogma-run started */
    dogma_error_record_t err; /* why the last failing call failed */
    bool warned[DOGMA_IMP_MAX];
    dr_hostfn_t funcs[DG_NIMPORTS];
};

/* ---- decoding helpers -------------------------------------------------------- */

/* Records why the call failed and returns the result that says so. */
static int64_t dg_fail(dr_dogma_t *d, int imp, dogma_err_t code, uint32_t arg,
                       uint64_t min, uint64_t max, uint64_t value)
{
    d->err = (dogma_error_record_t){ .code = code, .syscall = (uint32_t)imp, .arg = arg,
                                     .min = min, .max = max, .value = value };
    return -(int64_t)code;
}

/* Whether module bytes [ptr, ptr + len) lie in memory: two tests, since
 * ptr + len could wrap for a hostile len. */
static bool dg_in(const dr_call_t *c, uint64_t ptr, uint64_t len)
{
    return len <= c->mem_size && ptr <= c->mem_size - len;
}

/* Checks argument `arg`, a range of len bytes at a[arg]. */
static int64_t dg_range(dr_dogma_t *d, const dr_call_t *c, int imp, const uint64_t *a,
                        uint32_t arg, uint64_t len)
{
    if (dg_in(c, a[arg], len))
        return 0;
    return dg_fail(d, imp, DOGMA_E_BAD_ADDRESS, arg, 0, c->mem_size, a[arg]);
}

/* Argument 0 as one of the two stdio endpoints. */
static int64_t dg_endpoint(dr_dogma_t *d, int imp, uint64_t h)
{
    if (h == DG_STDOUT || h == DG_STDERR)
        return (int64_t)h;
    if (h == DG_INITRD && d->initrd)
        return dg_fail(d, imp, DOGMA_E_WRONG_KIND, 0, 0, 0, h);
    return dg_fail(d, imp, DOGMA_E_BAD_HANDLE, 0, 0, 0, h);
}

/* Argument 0 as the initrd view. */
static int64_t dg_view(dr_dogma_t *d, int imp, uint64_t h)
{
    if (h == DG_INITRD && d->initrd)
        return 0;
    if (h == DG_STDOUT || h == DG_STDERR)
        return dg_fail(d, imp, DOGMA_E_WRONG_KIND, 0, 0, 0, h);
    return dg_fail(d, imp, DOGMA_E_BAD_HANDLE, 0, 0, 0, h);
}

static uint64_t dg_now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the process ---------------------------------------------------------------- */

static int64_t dg_debug_log(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    int64_t r;
    if (a[1] > DG_LOG_MAX)
        return dg_fail(d, DOGMA_IMP_debug_log, DOGMA_E_BAD_ARG, 1, 0, DG_LOG_MAX, a[1]);
    if ((r = dg_range(d, c, DOGMA_IMP_debug_log, a, 0, a[1])) < 0)
        return r;
    char line[DG_LOG_MAX];
    /* One line in the log: control characters would break it. */
    for (uint64_t i = 0; i < a[1]; i++) {
        uint8_t ch = c->mem[a[0] + i];
        line[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    fprintf(stderr, "dogma-run: log: %.*s\n", (int)a[1], line);
    return 0;
}

static int dg_h_exit(dr_call_t *c, const uint64_t *args, uint64_t *res)
{
    (void)res;
    c->exit_code = (int)(uint32_t)args[0];
    return DR_EXIT;
}

static int64_t dg_yield(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    (void)d, (void)c, (void)a;
    sched_yield();
    return 0;
}

static int64_t dg_clock(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    (void)d, (void)c, (void)a;
    return (int64_t)dg_now(CLOCK_MONOTONIC);
}

static int64_t dg_random(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    int64_t r = dg_range(d, c, DOGMA_IMP_random, a, 0, a[1]);
    if (r < 0)
        return r;
    for (uint64_t done = 0; done < a[1];) {
        ssize_t n = getrandom(c->mem + a[0] + done, a[1] - done, 0);
        if (n < 0 && errno != EINTR) {
            perror("dogma-run: getrandom");
            abort(); /* the host cannot keep its promise; nothing sane to return */
        }
        if (n > 0)
            done += (uint64_t)n;
    }
    return 0;
}

static int64_t dg_start_info(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    int64_t r = dg_range(d, c, DOGMA_IMP_start_info, a, 0, a[1]);
    if (r < 0)
        return r;
    memcpy(c->mem + a[0], d->start, a[1] < d->start_size ? a[1] : d->start_size);
    return d->start_size;
}

static int64_t dg_error_record(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    int64_t r = dg_range(d, c, DOGMA_IMP_error_record, a, 0, sizeof d->err);
    if (r < 0)
        return r;
    memcpy(c->mem + a[0], &d->err, sizeof d->err);
    return 0;
}

static int64_t dg_sys_info(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    dogma_sys_info_t si = { .processes = 1, .boot_ns = 0 };
    struct sysinfo li;
    int64_t r = dg_range(d, c, DOGMA_IMP_sys_info, a, 0, sizeof si);
    if (r < 0)
        return r;
    si.uptime_ns = dg_now(CLOCK_MONOTONIC);
    si.boot_ns = d->boot_ns; /* "process 1" is dogma-run */
    if (sysinfo(&li) == 0) {
        si.mem_total = (uint64_t)li.totalram * li.mem_unit;
        si.mem_free = (uint64_t)li.freeram * li.mem_unit;
    }
    memcpy(c->mem + a[0], &si, sizeof si);
    return 0;
}

static int64_t dg_self_info(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    dogma_proc_info_t pi = { .pid = 1, .kind = DOGMA_PROC_VERIFIED,
                             .state = DOGMA_PROC_RUNNABLE };
    int64_t r = dg_range(d, c, DOGMA_IMP_self_info, a, 0, sizeof pi);
    if (r < 0)
        return r;
    pi.cpu_ns = dg_now(CLOCK_PROCESS_CPUTIME_ID);
    pi.memory_bytes = c->mem_size;
    pi.handles = d->initrd ? 3 : 2;
    const char *base = strrchr(d->name, '/');
    snprintf(pi.name, sizeof pi.name, "%s", base ? base + 1 : d->name);
    memcpy(c->mem + a[0], &pi, sizeof pi);
    return 0;
}

/* ---- the stdio channels ---------------------------------------------------------- */

/* Writes all of buf to host fd, waiting out a non-blocking one. */
static bool dg_write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EAGAIN) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            poll(&p, 1, -1);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n, len -= (size_t)n;
    }
    return true;
}

static int64_t dg_channel_send(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    const int imp = DOGMA_IMP_channel_send;
    int64_t ep = dg_endpoint(d, imp, a[0]), r;
    if (ep < 0)
        return ep;
    if (a[2] > DOGMA_MSG_MAX_BYTES)
        return dg_fail(d, imp, DOGMA_E_BAD_ARG, 2, 0, DOGMA_MSG_MAX_BYTES, a[2]);
    if (a[4] > DOGMA_MSG_MAX_HANDLES)
        return dg_fail(d, imp, DOGMA_E_BAD_ARG, 4, 0, DOGMA_MSG_MAX_HANDLES, a[4]);
    if ((r = dg_range(d, c, imp, a, 1, a[2])) < 0 ||
        (r = dg_range(d, c, imp, a, 3, a[4] * 4)) < 0)
        return r;
    if (a[4] > 0) /* the host reader could not hold them */
        return dg_fail(d, imp, DOGMA_E_NOT_IMPLEMENTED, 3, 0, 0, a[4]);
    if (d->peer_gone[ep])
        return dg_fail(d, imp, DOGMA_E_PEER_CLOSED, 0, 0, 0, a[0]);
    if (a[2] > 0 && !dg_write_all((int)ep, c->mem + a[1], a[2])) {
        d->peer_gone[ep] = true;
        return dg_fail(d, imp, DOGMA_E_PEER_CLOSED, 0, 0, 0, a[0]);
    }
    /* The host read it all at once: the reader's ack. An ack (a 0-byte
     * message) itself gets none. */
    if (a[2] > 0 && d->acks[ep] < DOGMA_CHANNEL_DEPTH)
        d->acks[ep]++;
    return 0;
}

static int64_t dg_channel_recv(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    const int imp = DOGMA_IMP_channel_recv;
    int64_t ep = dg_endpoint(d, imp, a[0]), r;
    if (ep < 0)
        return ep;
    if ((r = dg_range(d, c, imp, a, 1, a[2])) < 0 ||
        (r = dg_range(d, c, imp, a, 3, a[4] * 4)) < 0 ||
        (r = dg_range(d, c, imp, a, 5, 4)) < 0)
        return r;
    if (d->acks[ep] == 0)
        return dg_fail(d, imp, d->peer_gone[ep] ? DOGMA_E_PEER_CLOSED : DOGMA_E_EMPTY,
                       DG_NO_ARG, 0, 0, 0);
    d->acks[ep]--;
    memset(c->mem + a[5], 0, 4); /* no handles */
    return 0;                     /* an ack is 0 bytes */
}

/* The signals true of handle h now, or an error for a handle not held. */
static int64_t dg_signals(dr_dogma_t *d, int imp, uint32_t h, uint32_t index)
{
    if (h == 0)
        return 0; /* the inbox: nothing is ever sent to this process */
    if (h == DG_STDOUT || h == DG_STDERR)
        return (d->acks[h] ? DOGMA_SIG_READABLE : 0) |
               (d->peer_gone[h] ? DOGMA_SIG_PEER_GONE : 0);
    return dg_fail(d, imp, h == DG_INITRD && d->initrd ? DOGMA_E_WRONG_KIND : DOGMA_E_BAD_HANDLE,
                   0, index, index, h);
}

static int64_t dg_wait(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    const int imp = DOGMA_IMP_wait;
    dogma_wait_item_t items[16];
    int64_t r, ready = -1;
    if (a[1] < 1 || a[1] > 16)
        return dg_fail(d, imp, DOGMA_E_BAD_ARG, 1, 1, 16, a[1]);
    if ((r = dg_range(d, c, imp, a, 0, a[1] * sizeof items[0])) < 0)
        return r;
    memcpy(items, c->mem + a[0], a[1] * sizeof items[0]);
    for (uint32_t i = 0; i < a[1]; i++) {
        if (items[i].reserved || (items[i].want & ~(uint32_t)DOGMA_SIG_ALL))
            return dg_fail(d, imp, DOGMA_E_BAD_ARG, 0, i, i, items[i].want);
        if ((r = dg_signals(d, imp, items[i].handle, i)) < 0)
            return r;
        items[i].got = (uint32_t)r;
        if (ready < 0 && (items[i].got & items[i].want))
            ready = i;
    }
    memcpy(c->mem + a[0], items, a[1] * sizeof items[0]);
    if (ready >= 0)
        return ready;
    /* Nothing here changes while the module waits: the host's readers
     * answer at once, and there is no other process. */
    if (a[2] == UINT64_MAX) {
        fprintf(stderr, "dogma-run: dogma.wait: waiting forever for what the host "
                        "cannot bring (only acks on handles 1 and 2 are emulated)\n");
        return DG_FOREVER;
    }
    struct timespec ts = { .tv_sec = (time_t)(a[2] / 1000000000u),
                           .tv_nsec = (long)(a[2] % 1000000000u) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    return dg_fail(d, imp, DOGMA_E_TIMED_OUT, DG_NO_ARG, 0, 0, 0);
}

/* ---- the initrd view -------------------------------------------------------------- */

static int64_t dg_region_info(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    const int imp = DOGMA_IMP_region_info;
    dogma_region_info_t ri = { .base = (uint64_t)(uintptr_t)d->initrd, .size = d->initrd_view,
                               .resident = d->initrd_view, .kind = DOGMA_CAP_VIEW };
    int64_t r = dg_view(d, imp, a[0]);
    if (r < 0 || (r = dg_range(d, c, imp, a, 1, sizeof ri)) < 0)
        return r;
    memcpy(c->mem + a[1], &ri, sizeof ri);
    return 0;
}

static int64_t dg_region_read(dr_dogma_t *d, dr_call_t *c, const uint64_t *a)
{
    const int imp = DOGMA_IMP_region_read;
    uint64_t off = a[1], len = a[3];
    int64_t r = dg_view(d, imp, a[0]);
    if (r < 0 || (r = dg_range(d, c, imp, a, 2, len)) < 0)
        return r;
    if (off > d->initrd_view || len > d->initrd_view - off)
        return dg_fail(d, imp, DOGMA_E_BAD_ARG, 1, 0, d->initrd_view - len, off);
    uint64_t have = off < d->initrd_size ? d->initrd_size - off : 0;
    if (have > len)
        have = len;
    memcpy(c->mem + a[2], d->initrd + off, have);
    memset(c->mem + a[2] + have, 0, len - have);
    return 0;
}

/* ---- the table ------------------------------------------------------------------- */

/* An import dogma-run cannot stand in for: said once, then NOT_IMPLEMENTED. */
static int dg_not_emulated(dr_call_t *c, uint64_t *res, int id, const char *name,
                           const char *results)
{
    dr_dogma_t *d = c->state;
    if (!d->warned[id]) {
        d->warned[id] = true;
        fprintf(stderr, "dogma-run: dogma.%s is not emulated on the host\n", name);
    }
    int64_t r = dg_fail(d, id, DOGMA_E_NOT_IMPLEMENTED, DG_NO_ARG, 0, 0, 0);
    if (results[0])
        res[0] = (uint64_t)r;
    return DR_OK;
}

#define DG_NOT_EMULATED(id, name, params, results)                                          \
    static int dg_no_##name(dr_call_t *c, const uint64_t *args, uint64_t *res)      \
    {                                                                               \
        (void)args;                                                                 \
        return dg_not_emulated(c, res, id, #name, results);                         \
    }
DOGMA_IMPORTS(DG_NOT_EMULATED)
#undef DG_NOT_EMULATED

#define DG_THUNK(name)                                                              \
    static int dg_h_##name(dr_call_t *c, const uint64_t *args, uint64_t *res)       \
    {                                                                               \
        res[0] = (uint64_t)dg_##name(c->state, c, args);                            \
        return DR_OK;                                                               \
    }
DG_THUNK(debug_log) DG_THUNK(yield) DG_THUNK(clock) DG_THUNK(random)
DG_THUNK(start_info) DG_THUNK(error_record) DG_THUNK(sys_info) DG_THUNK(self_info)
DG_THUNK(channel_send) DG_THUNK(channel_recv) DG_THUNK(region_info) DG_THUNK(region_read)
#undef DG_THUNK

/* wait may find that it would wait forever: that ends the run with a trap. */
static int dg_h_wait(dr_call_t *c, const uint64_t *args, uint64_t *res)
{
    int64_t r = dg_wait(c->state, c, args);
    if (r == DG_FOREVER)
        return DX_TRAP_HOST;
    res[0] = (uint64_t)r;
    return DR_OK;
}

static const dr_hostfn_t dg_all[] = {
#define DG_ENTRY(id, name, params, results) { #name, params, results, dg_no_##name },
    DOGMA_IMPORTS(DG_ENTRY)
#undef DG_ENTRY
};

static const struct { const char *name; dr_hostfn_fn fn; } dg_emulated[] = {
    { "debug_log", dg_h_debug_log }, { "exit", dg_h_exit }, { "yield", dg_h_yield },
    { "clock", dg_h_clock }, { "random", dg_h_random }, { "start_info", dg_h_start_info },
    { "error_record", dg_h_error_record }, { "sys_info", dg_h_sys_info },
    { "self_info", dg_h_self_info }, { "channel_send", dg_h_channel_send },
    { "channel_recv", dg_h_channel_recv }, { "wait", dg_h_wait },
    { "region_info", dg_h_region_info }, { "region_read", dg_h_region_read },
};

/* ---- setup ------------------------------------------------------------------------ */

/* Builds the start block (dogma/imports.h): the grants, argv, environ. */
static bool dg_start_block(dr_dogma_t *d, int argc, char **argv, int envc, char **envp)
{
    static const char *const roles[] = { NULL, "stdout", "stderr", "initrd" };
    uint32_t ngrants = d->initrd ? 3 : 2;
    size_t size = sizeof(dogma_start_header_t) + ngrants * sizeof(dogma_start_grant_t);
    for (int i = 0; i < argc; i++)
        size += strlen(argv[i]) + 1;
    for (int i = 0; i < envc; i++)
        size += strlen(envp[i]) + 1;
    if (size > UINT32_MAX || !(d->start = calloc(1, size)))
        return false;
    dogma_start_header_t h = { .magic = DOGMA_START_MAGIC, .size = (uint32_t)size,
                               .argc = (uint32_t)argc, .envc = (uint32_t)envc,
                               .ngrants = ngrants };
    uint8_t *p = d->start;
    memcpy(p, &h, sizeof h);
    p += sizeof h;
    for (uint32_t i = 1; i <= ngrants; i++) {
        dogma_start_grant_t g = { .handle = i };
        memcpy(g.role, roles[i], strlen(roles[i])); /* NUL-padded: g is zeroed */
        memcpy(p, &g, sizeof g);
        p += sizeof g;
    }
    for (int i = 0; i < argc + envc; i++) {
        const char *s = i < argc ? argv[i] : envp[i - argc];
        size_t n = strlen(s) + 1;
        memcpy(p, s, n);
        p += n;
    }
    d->start_size = (uint32_t)size;
    return true;
}

static bool dg_map_initrd(dr_dogma_t *d, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "dogma-run: --initrd %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    d->initrd_size = (uint64_t)st.st_size;
    d->initrd_view = (d->initrd_size + DG_PAGE - 1) / DG_PAGE * DG_PAGE;
    if (d->initrd_view == 0)
        d->initrd_view = DG_PAGE; /* a region is never empty */
    void *m = d->initrd_size ? mmap(NULL, d->initrd_size, PROT_READ, MAP_PRIVATE, fd, 0)
                             : (void *)"";
    close(fd);
    if (m == MAP_FAILED) {
        fprintf(stderr, "dogma-run: --initrd %s: %s\n", path, strerror(errno));
        return false;
    }
    d->initrd = m;
    return true;
}

dr_dogma_t *dr_dogma_new(int argc, char **argv, int envc, char **envp, const char *initrd)
{
    dr_dogma_t *d = calloc(1, sizeof *d);
    if (!d) {
        fprintf(stderr, "dogma-run: out of memory\n");
        return NULL;
    }
    d->name = argv[0];
    d->boot_ns = dg_now(CLOCK_MONOTONIC);
    memcpy(d->funcs, dg_all, sizeof dg_all);
    for (size_t i = 0; i < sizeof dg_emulated / sizeof dg_emulated[0]; i++)
        for (size_t j = 0; j < DG_NIMPORTS; j++)
            if (!strcmp(d->funcs[j].name, dg_emulated[i].name))
                d->funcs[j].fn = dg_emulated[i].fn;
    if (initrd && !dg_map_initrd(d, initrd)) {
        dr_dogma_free(d);
        return NULL;
    }
    if (!dg_start_block(d, argc, argv, envc, envp)) {
        fprintf(stderr, "dogma-run: out of memory\n");
        dr_dogma_free(d);
        return NULL;
    }
    return d;
}

void dr_dogma_free(dr_dogma_t *d)
{
    if (!d)
        return;
    if (d->initrd && d->initrd_size)
        munmap((void *)d->initrd, d->initrd_size);
    free(d->start);
    free(d);
}

dr_hostmod_t dr_dogma_module(dr_dogma_t *d)
{
    return (dr_hostmod_t){ .name = "dogma", .funcs = d->funcs, .nfuncs = DG_NIMPORTS,
                           .state = d };
}
