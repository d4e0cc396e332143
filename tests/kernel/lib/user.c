/*
 * The test programs' library (dogma_user.h).
 */
#include "dogma_user.h"

#include "dogma_asm.h"

#include <kern/fmt.h>
#include <kern/initrd.h>

const volatile uint8_t *t_pb;

/* dogma_asm.h's numbers (the assembler cannot see abi.h's enum). */
_Static_assert(DOGMA_SYS_exit == SYS_EXIT && DOGMA_SYS_yield == SYS_YIELD &&
                   DOGMA_SYS_wait == SYS_WAIT && DOGMA_SYS_proc_info == SYS_PROC_INFO &&
                   DOGMA_SYS_fork == SYS_FORK && DOGMA_SYS_channel_send == SYS_CHANNEL_SEND &&
                   DOGMA_SYS_channel_recv == SYS_CHANNEL_RECV,
               "dogma_asm.h's SYS_* numbers");
_Static_assert(__builtin_offsetof(dogma_proc_info_t, state) == 20 &&
                   __builtin_offsetof(dogma_proc_info_t, exit_status) == 24 &&
                   sizeof(dogma_proc_info_t) <= 256,
               "vcode.S's view of dogma_proc_info_t");

void _start(uint64_t pb);
void _start(uint64_t pb)
{
    t_pb = (const volatile uint8_t *)pb;
    t_exit(test_main());
}

_Noreturn void t_exit(int64_t status)
{
    DSYS1(DOGMA_SYS_exit, status);
    for (;;)
        __asm__ volatile("ud2");
}

dogma_error_record_t t_last_error(void)
{
    dogma_error_record_t r;
    memcpy(&r, (const void *)(t_pb + DOGMA_PB_ERROR), sizeof r);
    return r;
}

uint32_t t_ngrants(void) { return t_pb32(DOGMA_PB_NGRANTS); }
uint32_t t_grant(unsigned i) { return i < t_ngrants() ? t_pb32(DOGMA_PB_GRANTS + 4 * i) : 0; }

size_t t_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void t_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    DSYS2(DOGMA_SYS_debug_log, buf, n < sizeof buf ? n : sizeof buf - 1);
}

const char *t_strerror(int err)
{
    static const char *const names[] = {
#define NAME(name, num, text) [num] = #name,
        DOGMA_ERRORS(NAME)
#undef NAME
    };
    return err >= 0 && err < DOGMA_E_COUNT ? names[err] : "?";
}

_Noreturn void t_fail(const char *what, const char *file, int line)
{
    dogma_error_record_t e = t_last_error();
    t_printf("CHECK FAILED: %s (%s:%d)", what, file, line);
    t_printf("  last error: %s in call %u, argument %u (value %lx, range %lx-%lx)",
             t_strerror((int)e.code), e.syscall, e.arg, e.value, e.min, e.max);
    t_exit(1);
}

int64_t t_ok(dsys_t r, const char *what, const char *file, int line)
{
    if (r.r < 0) {
        t_printf("call failed with %s: %s", t_strerror((int)-r.r), what);
        t_fail(what, file, line);
    }
    return r.r;
}

void t_fails(dsys_t r, int err, int arg, const char *what, const char *file, int line)
{
    dogma_error_record_t e = t_last_error();
    if (r.r != -err) {
        t_printf("expected %s, got %s (%ld): %s", t_strerror(err),
                 r.r < 0 ? t_strerror((int)-r.r) : "success", r.r, what);
        t_fail(what, file, line);
    }
    if (e.code != (uint32_t)err || (arg >= 0 && e.arg != (uint32_t)arg)) {
        t_printf("error record says %s, argument %u; expected %s, argument %d: %s",
                 t_strerror((int)e.code), e.arg, t_strerror(err), arg, what);
        t_fail(what, file, line);
    }
}

static const uint8_t *initrd_bytes(uint64_t *out_size)
{
    dogma_region_info_t info;
    OK(DSYS2(DOGMA_SYS_region_info, t_pb64(DOGMA_PB_INITRD), &info));
    *out_size = t_pb64(DOGMA_PB_ARG);
    return (const uint8_t *)info.base;
}

bool t_initrd_find(const char *name, uint64_t *out_offset, uint64_t *out_size)
{
    uint64_t size;
    const uint8_t *tar = initrd_bytes(&size);
    initrd_file_t f;
    if (initrd_find(tar, size, name, &f) != INITRD_OK)
        return false;
    *out_offset = f.offset;
    *out_size = f.size;
    return true;
}

uint32_t t_spawn(const char *name, const uint32_t *grants, uint32_t ngrants, uint64_t *out_pid)
{
    char path[80];
    uint64_t off, size;
    t_snprintf(path, sizeof path, "tests/%s", name);
    if (!t_initrd_find(path, &off, &size)) {
        t_printf("no %s in the initrd", path);
        t_exit(1);
    }
    dsys_t r = DSYS6(DOGMA_SYS_proc_spawn, t_pb64(DOGMA_PB_INITRD), off, size, grants, ngrants,
                     name);
    OK(r);
    if (out_pid)
        *out_pid = r.r1;
    return (uint32_t)r.r;
}

int64_t t_join(uint32_t proc)
{
    dogma_wait_item_t it = {.handle = proc, .want = DOGMA_SIG_EXITED};
    OK(DSYS3(DOGMA_SYS_wait, &it, 1, UINT64_MAX));
    dogma_proc_info_t info = t_info(proc);
    return info.state == DOGMA_PROC_EXITED ? info.exit_status : -1;
}

dogma_proc_info_t t_info(uint32_t proc)
{
    dogma_proc_info_t info;
    OK(DSYS2(DOGMA_SYS_proc_info, proc, &info));
    return info;
}

dogma_proc_info_t t_self(void)
{
    dogma_proc_info_t info;
    OK(DSYS1(DOGMA_SYS_self_info, &info));
    return info;
}

uint32_t t_dup(uint32_t h, uint32_t rights) { return (uint32_t)OK(DSYS2(DOGMA_SYS_cap_dup, h, rights)); }

void t_dispose(uint32_t h) { OK(DSYS1(DOGMA_SYS_cap_dispose, h)); }

dogma_cap_info_t t_cap_info(uint32_t h)
{
    dogma_cap_info_t info;
    OK(DSYS2(DOGMA_SYS_cap_info, h, &info));
    return info;
}

dogma_region_info_t t_region_info(uint32_t h)
{
    dogma_region_info_t info;
    OK(DSYS2(DOGMA_SYS_region_info, h, &info));
    return info;
}

bool t_live(uint32_t h)
{
    dogma_cap_info_t info;
    return DSYS2(DOGMA_SYS_cap_info, h, &info).r == 0;
}

uint32_t t_notify(void) { return (uint32_t)OK(DSYS0(DOGMA_SYS_notify_create)); }

uint32_t t_channel(uint32_t *out_other)
{
    dsys_t r = DSYS0(DOGMA_SYS_channel_create);
    OK(r);
    *out_other = (uint32_t)r.r1;
    return (uint32_t)r.r;
}

uint32_t t_region(uint64_t size, uint64_t *out_base)
{
    dsys_t r = DSYS2(DOGMA_SYS_region_create, size, 0);
    OK(r);
    if (out_base)
        *out_base = r.r1;
    return (uint32_t)r.r;
}

uint32_t t_shared_rw(uint64_t size, uint64_t *out_base, uint32_t *out_dup)
{
    uint32_t h = t_region(size, out_base);
    OK(DSYS2(DOGMA_SYS_region_share, h, DOGMA_SHARE_RW));
    if (out_dup)
        *out_dup = t_dup(h, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER);
    return h;
}

uint32_t t_wait_for(uint32_t h, uint32_t want)
{
    dogma_wait_item_t it = {.handle = h, .want = want};
    CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, UINT64_MAX)) == 0);
    return it.got;
}

void t_wait_blocked(uint32_t proc)
{
    while (t_info(proc).state != DOGMA_PROC_BLOCKED)
        OK(DSYS0(DOGMA_SYS_yield));
}

void t_nap(uint64_t ns)
{
    uint32_t never = 0;
    FAILS(DSYS3(DOGMA_SYS_lock_wait, &never, 0, ns), TIMED_OUT, 2);
}

uint32_t t_spawn_mode(const char *name, uint64_t mode, const uint32_t *extra, uint32_t n,
                      uint64_t *out_pid)
{
    CHECK(mode != 0 && mode <= 0xffffffffu && n < DOGMA_MAX_GRANTS);
    uint32_t g[DOGMA_MAX_GRANTS];
    g[0] = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, T_MODE_TAG | mode));
    for (uint32_t i = 0; i < n; i++)
        g[1 + i] = extra[i];
    return t_spawn(name, g, n + 1, out_pid);
}

uint64_t t_child_mode(void)
{
    dogma_cap_info_t ci;
    if (t_pb64(DOGMA_PB_INITRD) != 0 || t_ngrants() == 0 ||
        DSYS2(DOGMA_SYS_cap_info, t_grant(0), &ci).r < 0)
        return 0;
    if (ci.kind != DOGMA_CAP_TOKEN || (ci.object >> 32) != (T_MODE_TAG >> 32) ||
        ci.extra != t_pb64(DOGMA_PB_PARENT))
        return 0;
    return ci.object & 0xffffffffu;
}

void t_child_main(int (*child)(uint64_t mode))
{
    uint64_t mode = t_child_mode();
    if (mode)
        t_exit(child(mode));
    if (t_pb64(DOGMA_PB_INITRD) == 0)
        t_exit(0);
}

dogma_proc_info_t t_expect_exit_at(uint32_t proc, int64_t status, const char *file, int line)
{
    int64_t got = t_join(proc);
    dogma_proc_info_t info = t_info(proc);
    if (got != status) {
        t_printf("expected exit status %ld, got %ld (state %u, teardown reason %#x)", status, got,
                 info.state, info.teardown_reason);
        t_fail("t_expect_exit", file, line);
    }
    t_dispose(proc);
    return info;
}

dogma_proc_info_t t_expect_torn_down_at(uint32_t proc, uint32_t reason, const char *file, int line)
{
    int64_t got = t_join(proc);
    dogma_proc_info_t info = t_info(proc);
    if (got != -1 || info.state != DOGMA_PROC_TORN_DOWN || info.exit_status != -1 ||
        info.teardown_reason != reason) {
        t_printf("expected torn down for reason %#x: state %u, status %ld, reason %#x", reason,
                 info.state, info.exit_status, info.teardown_reason);
        t_fail("t_expect_torn_down", file, line);
    }
    t_dispose(proc);
    return info;
}

const t_call_t t_calls[] = {
#define CALL(num, name, n, k, r) {num, #name, n, k, r},
    DOGMA_SYSCALLS(CALL)
#undef CALL
};
const unsigned t_ncalls = sizeof t_calls / sizeof t_calls[0];

const t_call_t *t_call(uint64_t nr)
{
    for (unsigned i = 0; i < t_ncalls; i++)
        if (t_calls[i].nr == nr)
            return &t_calls[i];
    return NULL;
}

bool t_kind_fits(unsigned want, unsigned kind)
{
    return want == DOGMA_CAP_ANY || want == kind ||
           (want == DOGMA_CAP_MEMORY && (kind == DOGMA_CAP_REGION || kind == DOGMA_CAP_VIEW));
}

uint32_t t_map_code(const uint8_t *start, const uint8_t *end, uint64_t arg, const uint32_t *grants,
                    uint32_t ngrants, const char *name, uint64_t *out_pid)
{
    return t_map_code_env(start, end, arg, grants, ngrants, name, out_pid, NULL);
}

uint32_t t_map_code_env(const uint8_t *start, const uint8_t *end, uint64_t arg,
                        const uint32_t *grants, uint32_t ngrants, const char *name,
                        uint64_t *out_pid, const uint64_t env[30])
{
    size_t n = (size_t)(end - start);
    dsys_t r = DSYS2(DOGMA_SYS_region_create, n, 0);
    uint32_t code = (uint32_t)OK(r);
    memcpy((void *)r.r1, start, n);
    static dogma_map_code_t d; /* static: the kernel copies it in */
    memset(&d, 0, sizeof d);
    d.grants = (uint64_t)grants;
    d.ngrants = ngrants;
    d.arg = arg;
    if (env)
        memcpy(d.env, env, sizeof d.env);
    size_t k = 0;
    for (; name && name[k] && k < sizeof d.name - 1; k++)
        d.name[k] = name[k];
    dsys_t m = DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), code, 0, &d);
    OK(m);
    if (out_pid)
        *out_pid = m.r1;
    return (uint32_t)m.r;
}
