/*
 * The runtime's C half: the host calls of a verified process (its `dogma`
 * imports and the instructions the translator leaves to the runtime) and
 * the stacklet slow path.
 *
 * Every argument comes from the module and is hostile. A pointer must lie
 * with its length inside memory 0 (BAD_ADDRESS otherwise), and a handle
 * must not be one the runtime keeps (BAD_HANDLE): both are refused before
 * any system call, and recorded so that `error_record` can say why. What
 * passes is handed to the kernel with the memory's base added, and the
 * kernel checks everything again. The instructions' ranges are checked as
 * the WebAssembly specification says, with their traps.
 *
 * No floating point (-mgeneral-regs-only), no writable data of its own:
 * the image is read-only code; all state is in the data region.
 */
#include <stdbool.h>
#include <stddef.h>

#include <dogma/abi.h>
#include <dogma/imports.h>
#include <dogma/translate.h>

#include "rt.h"

typedef struct {
    int64_t r;
    uint64_t r1;
} vsys_t;

vsys_t dogma_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4, uint64_t a5); /* libabi/rt/syscall.S */
_Noreturn void vrt_trap(unsigned code);
void vrt_unlink(void);
void vrt_init_c(uint8_t *xb, uint64_t pb);
void vrt_hostcall_c(uint8_t *xb, uint32_t num);
uint64_t vrt_morestack_c(uint8_t *xb, uint32_t need);

_Static_assert(offsetof(vrt_t, start_adapter) == 32, "entry.S's ST_START_ADAPTER");
_Static_assert(offsetof(vrt_t, main_adapter) == 40, "entry.S's ST_MAIN_ADAPTER");

#define PAGE 4096u
#define STACKLET_MIN (64u * 1024)

/* ---- small helpers ------------------------------------------------------------ */
static uint64_t *xw(uint8_t *xb, uint32_t off) { return (uint64_t *)(void *)(xb + off); }
static vrt_t *state(uint8_t *xb) { return (vrt_t *)*xw(xb, VRT_PB_STATE); }

static void copy(void *dst, const void *src, uint64_t n)
{
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static void move(uint8_t *dst, const uint8_t *src, uint64_t n)
{
    if (dst <= src || dst >= src + n) {
        copy(dst, src, n);
        return;
    }
    /* overlapping, dst above src: backwards */
    const uint8_t *s = src + n - 1;
    uint8_t *d = dst + n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

static void fill(uint8_t *dst, uint8_t v, uint64_t n)
{
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(v) : "memory");
}

#define SYS(nr, ...) vrt_sys_n(nr, __VA_ARGS__)
static vsys_t vrt_sys_n(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4, uint64_t a5)
{
    return dogma_syscall(nr, a0, a1, a2, a3, a4, a5);
}
#define S0(nr) SYS(nr, 0, 0, 0, 0, 0, 0)
#define S1(nr, a) SYS(nr, (a), 0, 0, 0, 0, 0)
#define S2(nr, a, b) SYS(nr, (a), (b), 0, 0, 0, 0)
#define S3(nr, a, b, c) SYS(nr, (a), (b), (c), 0, 0, 0)
#define S4(nr, a, b, c, d) SYS(nr, (a), (b), (c), (d), 0, 0)
#define S5(nr, a, b, c, d, e) SYS(nr, (a), (b), (c), (d), (e), 0)

/* One host call in progress. */
typedef struct {
    uint8_t *xb;
    vrt_t *st;
    uint8_t *mem;
    uint64_t size;
    uint64_t *a;     /* the transfer area: arguments in, results out */
    uint32_t import; /* DOGMA_IMP_* */
} call_t;

/* Records the runtime's own refusal; returns -code. */
static int64_t refuse(call_t *c, uint32_t code, unsigned arg, uint64_t min, uint64_t max,
                      uint64_t value)
{
    vrt_t *st = c->st;
    st->err_own = 1;
    st->err_code = code;
    st->err_import = c->import;
    st->err_arg = arg;
    st->err_min = min;
    st->err_max = max;
    st->err_value = value;
    return -(int64_t)code;
}

/* The address of [p, p + len) of memory 0, or 0 (recorded) if it is not
 * wholly inside. Address 0 of memory is never the result: mem is above
 * page 0, which is never mapped. */
static uint64_t at(call_t *c, unsigned arg, uint64_t len)
{
    uint64_t p = (uint32_t)c->a[arg];
    if (p > c->size || len > c->size - p) {
        refuse(c, DOGMA_E_BAD_ADDRESS, arg, 0, c->size, p);
        return 0;
    }
    return (uint64_t)(uintptr_t)c->mem + p;
}

static bool kept(call_t *c, uint32_t h)
{
    for (unsigned i = 0; i < 4; i++)
        if (h && c->st->keep[i] == h)
            return true;
    return false;
}

/* Handle argument arg, or -BAD_HANDLE (recorded) if the runtime keeps it. */
static bool handle_ok(call_t *c, unsigned arg)
{
    uint32_t h = (uint32_t)c->a[arg];
    if (!kept(c, h))
        return true;
    refuse(c, DOGMA_E_BAD_HANDLE, arg, 0, 0, h);
    return false;
}

/* ---- random bytes ------------------------------------------------------------ */
static bool have_rdrand(void)
{
    uint32_t a = 1, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return c & (1u << 30);
}

static uint64_t rand64(bool hw, uint64_t *mix)
{
    uint64_t v;
    unsigned char ok = 0;
    for (int tries = 0; hw && tries < 10 && !ok; tries++)
        __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
    if (ok)
        return v;
    /* No RDRAND (or it failed): splitmix64 over the TSC. Not for keys. */
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    uint64_t z = (*mix += 0x9e3779b97f4a7c15ull ^ ((uint64_t)hi << 32 | lo));
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ---- the `dogma` imports ------------------------------------------------------ */
/* Writes v (size bytes) at memory address p, checked before the call. */
static void put(uint64_t addr, uint64_t v, unsigned size)
{
    copy((void *)(uintptr_t)addr, &v, size);
}

static int64_t region_copy(call_t *c, bool write)
{
    if (!handle_ok(c, 0))
        return -DOGMA_E_BAD_HANDLE;
    uint64_t len = (uint32_t)c->a[3], off = c->a[1];
    uint64_t mem = at(c, 2, len);
    if (!mem)
        return -DOGMA_E_BAD_ADDRESS;
    dogma_cap_info_t info;
    vsys_t r = S2(DOGMA_SYS_cap_info, c->a[0], (uint64_t)(uintptr_t)&info);
    if (r.r < 0)
        return r.r;
    if (info.kind != DOGMA_CAP_REGION && info.kind != DOGMA_CAP_VIEW)
        return refuse(c, DOGMA_E_WRONG_KIND, 0, DOGMA_CAP_REGION, DOGMA_CAP_VIEW, info.kind);
    uint32_t need = write ? DOGMA_R_WRITE : DOGMA_R_READ;
    if (!(info.rights & need))
        return refuse(c, DOGMA_E_RIGHTS, 0, need, need, info.rights);
    if (off > info.extra || len > info.extra - off)
        return refuse(c, DOGMA_E_BAD_ARG, 1, 0, info.extra, off);
    uint8_t *region = (uint8_t *)(uintptr_t)(info.object + off);
    if (write)
        copy(region, (void *)(uintptr_t)mem, len);
    else
        copy((void *)(uintptr_t)mem, region, len);
    return 0;
}

/* Handles in a message: none may be kept. */
static int64_t handles_ok(call_t *c, uint64_t hs, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        uint32_t h;
        copy(&h, (void *)(uintptr_t)(hs + 4 * i), 4);
        if (kept(c, h))
            return refuse(c, DOGMA_E_BAD_HANDLE, 3, 0, 0, h);
    }
    return 0;
}

static int64_t imp_random(call_t *c)
{
    uint64_t *a = c->a, p;
    uint64_t n = (uint32_t)a[1], mix = n;
    if (!(p = at(c, 0, n)))
        return -DOGMA_E_BAD_ADDRESS;
    bool hw = have_rdrand();
    for (uint64_t i = 0; i < n; i += 8) {
        uint64_t v = hw ? rand64(true, &mix) : (mix = rand64(false, &mix));
        copy((void *)(uintptr_t)(p + i), &v, n - i < 8 ? n - i : 8);
    }
    return 0;
}

static int64_t imp_error_record(call_t *c)
{
    uint64_t p;
    if (!(p = at(c, 0, sizeof(dogma_error_record_t))))
        return -DOGMA_E_BAD_ADDRESS;
    vrt_t *st = c->st;
    dogma_error_record_t rec;
    if (st->err_own)
        rec = (dogma_error_record_t){st->err_code, 0x100 + st->err_import, st->err_arg, 0,
                                     st->err_min, st->err_max, st->err_value};
    else
        copy(&rec, (const void *)(uintptr_t)(st->pb + DOGMA_PB_ERROR), sizeof rec);
    copy((void *)(uintptr_t)p, &rec, sizeof rec);
    return 0;
}

static int64_t imp_channel_send(call_t *c)
{
    uint64_t *a = c->a, p, q;
    uint64_t n = (uint32_t)a[4] <= DOGMA_MSG_MAX_HANDLES ? (uint32_t)a[4] : 0;
    int64_t e;
    if (!handle_ok(c, 0))
        return -DOGMA_E_BAD_HANDLE;
    if (!(p = at(c, 1, (uint32_t)a[2])) || !(q = at(c, 3, 4 * n)))
        return -DOGMA_E_BAD_ADDRESS;
    if ((e = handles_ok(c, q, n)) < 0)
        return e;
    return S5(DOGMA_SYS_channel_send, a[0], p, (uint32_t)a[2], q, (uint32_t)a[4]).r;
}

static int64_t imp_channel_recv(call_t *c)
{
    uint64_t *a = c->a, p, q;
    vsys_t r;
    uint64_t out, room = (uint32_t)a[4];
    if (!handle_ok(c, 0))
        return -DOGMA_E_BAD_HANDLE;
    if (room > DOGMA_MSG_MAX_HANDLES)
        room = DOGMA_MSG_MAX_HANDLES;
    if (!(p = at(c, 1, (uint32_t)a[2])) || !(q = at(c, 3, 4 * room)) || !(out = at(c, 5, 4)))
        return -DOGMA_E_BAD_ADDRESS;
    r = S5(DOGMA_SYS_channel_recv, a[0], p, (uint32_t)a[2], q, room);
    if (r.r >= 0)
        put(out, r.r1, 4);
    return r.r;
}

static int64_t imp_wait(call_t *c)
{
    uint64_t *a = c->a, p;
    uint64_t n = (uint32_t)a[1] <= 16 ? (uint32_t)a[1] : 0;
    if (!(p = at(c, 0, 16 * n)))
        return -DOGMA_E_BAD_ADDRESS;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t h;
        copy(&h, (const void *)(uintptr_t)(p + 16 * i), 4);
        if (kept(c, h))
            return refuse(c, DOGMA_E_BAD_HANDLE, 0, 0, 0, h);
    }
    return S3(DOGMA_SYS_wait, p, (uint32_t)a[1], a[2]).r;
}

static int64_t imp_klog_read(call_t *c)
{
    uint64_t *a = c->a, p, q;
    vsys_t r;
    uint64_t n = (uint32_t)a[2];
    if (!(p = at(c, 1, n)) || !(q = at(c, 3, 8)))
        return -DOGMA_E_BAD_ADDRESS;
    uint64_t next = 0;
    r = S4(DOGMA_SYS_klog_read, a[0], p, n, (uint64_t)(uintptr_t)&next);
    if (r.r >= 0)
        put(q, next, 8);
    return r.r;
}

static int64_t import(call_t *c)
{
    uint64_t *a = c->a, p;
    vsys_t r;
    switch (c->import) {
    case DOGMA_IMP_debug_log:
        if (!(p = at(c, 0, (uint32_t)a[1])))
            return -DOGMA_E_BAD_ADDRESS;
        return S2(DOGMA_SYS_debug_log, p, (uint32_t)a[1]).r;
    case DOGMA_IMP_exit:
        S1(DOGMA_SYS_exit, (uint64_t)(int64_t)(int32_t)a[0]);
        vrt_trap(DX_TRAP_HOST);
    case DOGMA_IMP_yield: return S0(DOGMA_SYS_yield).r;
    case DOGMA_IMP_clock: return S0(DOGMA_SYS_clock).r;
    case DOGMA_IMP_random: return imp_random(c);
    case DOGMA_IMP_start_info: {
        uint64_t n = (uint32_t)a[1];
        if (n > c->st->start_size)
            n = c->st->start_size;
        if (!(p = at(c, 0, n)))
            return -DOGMA_E_BAD_ADDRESS;
        copy((void *)(uintptr_t)p, (const void *)(uintptr_t)c->st->start_block, n);
        return (int64_t)c->st->start_size;
    }
    case DOGMA_IMP_error_record: return imp_error_record(c);
    case DOGMA_IMP_sys_info:
        if (!(p = at(c, 0, sizeof(dogma_sys_info_t))))
            return -DOGMA_E_BAD_ADDRESS;
        return S1(DOGMA_SYS_sys_info, p).r;
    case DOGMA_IMP_yield_to: return handle_ok(c, 0) ? S1(DOGMA_SYS_yield_to, a[0]).r : -2;
    case DOGMA_IMP_cap_dup: return handle_ok(c, 0) ? S2(DOGMA_SYS_cap_dup, a[0], a[1]).r : -2;
    case DOGMA_IMP_cap_dispose: return handle_ok(c, 0) ? S1(DOGMA_SYS_cap_dispose, a[0]).r : -2;
    case DOGMA_IMP_cap_info:
        if (!handle_ok(c, 0))
            return -DOGMA_E_BAD_HANDLE;
        if (!(p = at(c, 1, sizeof(dogma_cap_info_t))))
            return -DOGMA_E_BAD_ADDRESS;
        return S2(DOGMA_SYS_cap_info, a[0], p).r;
    case DOGMA_IMP_cap_listen: return S1(DOGMA_SYS_cap_listen, (uint32_t)a[0]).r;
    case DOGMA_IMP_cap_send:
        return handle_ok(c, 0) && handle_ok(c, 1) ? S2(DOGMA_SYS_cap_send, a[0], a[1]).r : -2;
    case DOGMA_IMP_cap_receive:
        if (!(p = at(c, 0, 8)))
            return -DOGMA_E_BAD_ADDRESS;
        r = S0(DOGMA_SYS_cap_receive);
        if (r.r >= 0)
            put(p, r.r1, 8);
        return r.r;
    case DOGMA_IMP_token_create: return S1(DOGMA_SYS_token_create, a[0]).r;
    case DOGMA_IMP_channel_create:
        if (!(p = at(c, 0, 4)))
            return -DOGMA_E_BAD_ADDRESS;
        r = S0(DOGMA_SYS_channel_create);
        if (r.r >= 0)
            put(p, r.r1, 4);
        return r.r;
    case DOGMA_IMP_channel_send: return imp_channel_send(c);
    case DOGMA_IMP_channel_recv: return imp_channel_recv(c);
    case DOGMA_IMP_notify_create: return S0(DOGMA_SYS_notify_create).r;
    case DOGMA_IMP_notify_signal:
        return handle_ok(c, 0) ? S2(DOGMA_SYS_notify_signal, a[0], a[1]).r : -2;
    case DOGMA_IMP_notify_take:
        if (!handle_ok(c, 0))
            return -DOGMA_E_BAD_HANDLE;
        if (!(p = at(c, 1, 8)))
            return -DOGMA_E_BAD_ADDRESS;
        r = S1(DOGMA_SYS_notify_take, a[0]);
        if (r.r >= 0)
            put(p, r.r1, 8);
        return r.r < 0 ? r.r : 0;
    case DOGMA_IMP_wait: return imp_wait(c);
    case DOGMA_IMP_region_create: return S2(DOGMA_SYS_region_create, a[0], 0).r;
    case DOGMA_IMP_region_info:
        if (!handle_ok(c, 0))
            return -DOGMA_E_BAD_HANDLE;
        if (!(p = at(c, 1, sizeof(dogma_region_info_t))))
            return -DOGMA_E_BAD_ADDRESS;
        return S2(DOGMA_SYS_region_info, a[0], p).r;
    case DOGMA_IMP_region_read: return region_copy(c, false);
    case DOGMA_IMP_region_write: return region_copy(c, true);
    case DOGMA_IMP_region_share:
        return handle_ok(c, 0) ? S2(DOGMA_SYS_region_share, a[0], (uint32_t)a[1]).r : -2;
    case DOGMA_IMP_proc_teardown:
        return handle_ok(c, 0) ? S1(DOGMA_SYS_proc_teardown, a[0]).r : -2;
    case DOGMA_IMP_proc_suspend: return handle_ok(c, 0) ? S1(DOGMA_SYS_proc_suspend, a[0]).r : -2;
    case DOGMA_IMP_proc_resume: return handle_ok(c, 0) ? S1(DOGMA_SYS_proc_resume, a[0]).r : -2;
    case DOGMA_IMP_proc_info:
    case DOGMA_IMP_self_info: {
        bool self = c->import == DOGMA_IMP_self_info;
        if (!self && !handle_ok(c, 0))
            return -DOGMA_E_BAD_HANDLE;
        if (!(p = at(c, self ? 0 : 1, sizeof(dogma_proc_info_t))))
            return -DOGMA_E_BAD_ADDRESS;
        return self ? S1(DOGMA_SYS_self_info, p).r : S2(DOGMA_SYS_proc_info, a[0], p).r;
    }
    case DOGMA_IMP_proc_priority:
        return handle_ok(c, 0) ? S2(DOGMA_SYS_proc_priority, a[0], (uint32_t)a[1]).r : -2;
    case DOGMA_IMP_proc_open: return S1(DOGMA_SYS_proc_open, (uint32_t)a[0]).r;
    case DOGMA_IMP_proc_next:
        if (!(p = at(c, 1, sizeof(dogma_proc_info_t))))
            return -DOGMA_E_BAD_ADDRESS;
        return S2(DOGMA_SYS_proc_next, a[0], p).r;
    case DOGMA_IMP_proc_caps:
        if (!handle_ok(c, 0))
            return -DOGMA_E_BAD_HANDLE;
        if (!(p = at(c, 2, sizeof(dogma_cap_info_t))))
            return -DOGMA_E_BAD_ADDRESS;
        return S3(DOGMA_SYS_proc_caps, a[0], (uint32_t)a[1], p).r;
    case DOGMA_IMP_ioport_in:
        return S3(DOGMA_SYS_ioport_in, a[0], (uint32_t)a[1], (uint32_t)a[2]).r;
    case DOGMA_IMP_ioport_out:
        return S4(DOGMA_SYS_ioport_out, a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3]).r;
    case DOGMA_IMP_irq_ack: return S1(DOGMA_SYS_irq_ack, a[0]).r;
    case DOGMA_IMP_dev_create: return S3(DOGMA_SYS_dev_create, (uint32_t)a[0], a[1], a[2]).r;
    case DOGMA_IMP_klog_read: return imp_klog_read(c);
    default:
        vrt_trap(DX_TRAP_HOST); /* verifierd binds only the ids above */
    }
}

/* ---- the instructions left to the runtime -------------------------------------- */
static void mem_check(call_t *c, uint64_t p, uint64_t n)
{
    if (p > c->size || n > c->size - p)
        vrt_trap(DX_TRAP_MEMORY);
}

static vrt_table_t *table(call_t *c, uint64_t i)
{
    if (i >= c->st->ntables)
        vrt_trap(DX_TRAP_HOST);
    return (vrt_table_t *)(uintptr_t)c->st->tables + i;
}

static void table_check(const vrt_table_t *t, uint64_t i, uint64_t n)
{
    if (i > t->size || n > t->size - i)
        vrt_trap(DX_TRAP_TABLE);
}

static void table_sync(call_t *c, uint64_t i)
{
    dx_x64_table_t *pt = (dx_x64_table_t *)(void *)(c->xb + c->st->tables_off) + i;
    pt->size = table(c, i)->size;
}

static vrt_segment_t *segment(call_t *c, bool data, uint64_t i)
{
    if (i >= (data ? c->st->ndatas : c->st->nelems))
        vrt_trap(DX_TRAP_HOST);
    return (vrt_segment_t *)(uintptr_t)(data ? c->st->datas : c->st->elems) + i;
}

static uint64_t *elems(const vrt_table_t *t) { return (uint64_t *)(uintptr_t)t->elems; }

static void builtin(call_t *c, uint32_t num)
{
    uint64_t *a = c->a;
    switch (num) {
    case DX_HC_MEMORY_GROW: {
        uint64_t pages = c->size >> 16, delta = (uint32_t)a[0];
        if (pages + delta > (c->st->mem_max >> 16)) {
            a[0] = UINT32_MAX;
            return;
        }
        *xw(c->xb, DX_PB_MEM_SIZE) = (pages + delta) << 16; /* frames come on touch */
        a[0] = pages;
        return;
    }
    case DX_HC_MEMORY_FILL:
        mem_check(c, (uint32_t)a[0], (uint32_t)a[2]);
        fill(c->mem + (uint32_t)a[0], (uint8_t)a[1], (uint32_t)a[2]);
        return;
    case DX_HC_MEMORY_COPY:
        mem_check(c, (uint32_t)a[0], (uint32_t)a[2]);
        mem_check(c, (uint32_t)a[1], (uint32_t)a[2]);
        move(c->mem + (uint32_t)a[0], c->mem + (uint32_t)a[1], (uint32_t)a[2]);
        return;
    case DX_HC_MEMORY_INIT: {
        vrt_segment_t *d = segment(c, true, a[3]);
        uint64_t s = (uint32_t)a[1], n = (uint32_t)a[2];
        if (s > d->len || n > d->len - s)
            vrt_trap(DX_TRAP_MEMORY);
        mem_check(c, (uint32_t)a[0], n);
        copy(c->mem + (uint32_t)a[0], (const uint8_t *)(uintptr_t)d->addr + s, n);
        return;
    }
    case DX_HC_DATA_DROP: segment(c, true, a[0])->len = 0; return;
    case DX_HC_TABLE_GROW: {
        vrt_table_t *t = table(c, a[2]);
        uint64_t old = t->size, delta = (uint32_t)a[1];
        if (old + delta > t->max) {
            a[0] = UINT32_MAX;
            return;
        }
        for (uint64_t i = old; i < old + delta; i++)
            elems(t)[i] = a[0];
        t->size = old + delta;
        table_sync(c, a[2]);
        a[0] = old;
        return;
    }
    case DX_HC_TABLE_FILL: {
        vrt_table_t *t = table(c, a[3]);
        uint64_t i = (uint32_t)a[0], n = (uint32_t)a[2];
        table_check(t, i, n);
        for (uint64_t k = 0; k < n; k++)
            elems(t)[i + k] = a[1];
        return;
    }
    case DX_HC_TABLE_COPY: {
        vrt_table_t *d = table(c, a[3]), *s = table(c, a[4]);
        uint64_t n = (uint32_t)a[2];
        table_check(d, (uint32_t)a[0], n);
        table_check(s, (uint32_t)a[1], n);
        move((uint8_t *)(elems(d) + (uint32_t)a[0]), (const uint8_t *)(elems(s) + (uint32_t)a[1]),
             n * 8);
        return;
    }
    case DX_HC_TABLE_INIT: {
        vrt_segment_t *e = segment(c, false, a[3]);
        vrt_table_t *t = table(c, a[4]);
        uint64_t s = (uint32_t)a[1], n = (uint32_t)a[2];
        if (s > e->len || n > e->len - s)
            vrt_trap(DX_TRAP_TABLE);
        table_check(t, (uint32_t)a[0], n);
        copy(elems(t) + (uint32_t)a[0], (const uint64_t *)(uintptr_t)e->addr + s, n * 8);
        return;
    }
    case DX_HC_ELEM_DROP: segment(c, false, a[0])->len = 0; return;
    default: vrt_trap(DX_TRAP_HOST);
    }
}

void vrt_hostcall_c(uint8_t *xb, uint32_t num)
{
    vrt_t *st = state(xb);
    call_t c = {
        .xb = xb, .st = st,
        .mem = (uint8_t *)(uintptr_t)*xw(xb, DX_PB_MEM_BASE),
        .size = *xw(xb, DX_PB_MEM_SIZE),
        .a = xw(xb, st->xfer),
    };
    if (num < st->nimports) {
        st->err_own = 0;
        c.import = ((const uint8_t *)(uintptr_t)st->imports)[num];
        c.a[0] = (uint64_t)import(&c);
    } else if (num >= DX_HC_BUILTIN && num < DX_HC_END) {
        builtin(&c, num);
    } else {
        vrt_trap(DX_TRAP_HOST);
    }
}

/* At entry, on the runtime's stack: what only the kernel knew when
 * verifierd laid the process out. The process block's grant list holds the
 * handles as this process sees them: grants 0 and 1 are the data and
 * memory regions, the rest the module's, whose start-block entries carry
 * their index in that list until now. */
void vrt_init_c(uint8_t *xb, uint64_t pb)
{
    vrt_t *st = state(xb);
    const uint8_t *b = (const uint8_t *)(uintptr_t)pb;
    uint32_t ngrants = *(const uint32_t *)(b + DOGMA_PB_NGRANTS);
    const uint32_t *grants = (const uint32_t *)(b + DOGMA_PB_GRANTS);
    st->pb = pb;
    st->keep[0] = ngrants > 0 ? grants[0] : 0;
    st->keep[1] = ngrants > 1 ? grants[1] : 0;
    st->keep[2] = *(const uint32_t *)(b + DOGMA_PB_IMAGE);
    if (!st->start_block)
        return;
    dogma_start_header_t *h = (dogma_start_header_t *)(uintptr_t)st->start_block;
    dogma_start_grant_t *g = (dogma_start_grant_t *)(h + 1);
    for (uint32_t i = 0; i < h->ngrants; i++)
        g[i].handle = g[i].handle < ngrants ? grants[g[i].handle] : 0;
}

/* ---- stacklets ------------------------------------------------------------------ */
/* The slow path of a function's entry: yield if asked, then, if the frame
 * still does not fit, a new stacklet (the kernel keeps the limit in the
 * block current). On the new one, above the function's frame:
 *   top - 16  where its return address is on the previous stacklet
 *   top - 24  vrt_unlink, its return address now
 *   top - 32  the slow path's return address (the thunk's `ret` takes it)
 * The function then starts at top - 24, as after a call. */
uint64_t vrt_morestack_c(uint8_t *xb, uint32_t need)
{
    uint64_t sp = *xw(xb, VRT_PB_SAVED_RSP); /* -> the slow path's return */
    uint64_t entry = sp + 8;                  /* -> the function's return */
    if (*(volatile uint32_t *)(void *)(xb + DX_PB_PREEMPT))
        S0(DOGMA_SYS_yield); /* the kernel clears the flag and restores the limit */
    uint64_t limit = *(volatile uint64_t *)xw(xb, DX_PB_STACK_LIMIT);
    if (entry > need && entry - need >= limit)
        return sp;
    uint64_t size = ((uint64_t)need + 64 + DX_STACK_RED + PAGE + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    vsys_t r = S1(DOGMA_SYS_stack_grow, size < STACKLET_MIN ? STACKLET_MIN : size);
    if (r.r < 0)
        vrt_trap(DX_TRAP_STACK);
    uint64_t top = (uint64_t)r.r & ~15ull;
    uint64_t *w = (uint64_t *)(uintptr_t)top;
    w[-1] = 0;
    w[-2] = entry;
    w[-3] = (uint64_t)(uintptr_t)&vrt_unlink;
    w[-4] = *(uint64_t *)(uintptr_t)sp;
    return top - 32;
}
