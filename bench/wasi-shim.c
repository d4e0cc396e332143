/*
 * wasi-shim: the host side of a wasm2c-translated WASI command, for the
 * benchmarks' wasm2c column.
 *
 *   wasm2c -n prog PROG.wasm -o prog.c
 *   gcc -O2 -I/usr/share/wabt/wasm2c prog.c wasi-shim.c \
 *       /usr/share/wabt/wasm2c/wasm-rt-impl.c -lm -o PROG
 *   PROG [ARGS...]
 *
 * wasm2c (wabt 1.0.32) turns a module into C whose imports are extern
 * functions named Z_<module>Z_<field>, each taking the importing module's
 * instance of that host module first; the module must be named `prog`
 * (wasm2c -n prog), since this file calls Z_prog_instantiate and
 * Z_progZ__start. The runtime, wasm-rt-impl.c, comes with Debian's wabt
 * (/usr/share/wabt/wasm2c/); on x86-64 it reserves 8 GiB per memory and
 * leaves out-of-bounds accesses to guard pages and a SIGSEGV handler, the
 * counterpart of dogma-run's guard strategy.
 *
 * Only the WASI preview 1 functions the benchmark programs import (what
 * wasi-libc's start-up and stdio need) are here, plus clock_time_get and
 * environ_*: fd_write to stdout and stderr, the argument and environment
 * vectors (the environment is empty), proc_exit, and fd_close, fd_seek and
 * fd_fdstat_get answered as for a character device (stdio is all these
 * programs open). A module
 * importing anything else fails to link, which is the loud failure wanted.
 * The module's pointers are checked against the memory's size before use
 * (an offending call gets errno FAULT, as a real WASI host would give);
 * the module is a benchmark we compiled, but the check costs nothing here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "prog.h"
#include "wasm-rt-impl.h"

enum {
    WASI_ESUCCESS = 0,
    WASI_EBADF = 8,
    WASI_EFAULT = 21,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_ENOSYS = 52,
    WASI_ESPIPE = 70,
    WASI_FILETYPE_CHARACTER_DEVICE = 2,
};

struct Z_wasi_snapshot_preview1_instance_t {
    wasm_rt_memory_t *mem; /* the module's memory 0, set before _start */
    int argc;
    char **argv;           /* argv[0] is the name the module sees */
};

/* [p, p + n) inside memory: both tests, so that p + n cannot wrap */
static int in_bounds(const wasm_rt_memory_t *m, uint64_t p, uint64_t n)
{
    return p <= m->size && n <= m->size - p;
}

static void put_u32(wasm_rt_memory_t *m, uint32_t p, uint32_t v)
{
    memcpy(m->data + p, &v, 4); /* host and wasm are both little endian */
}

static uint32_t get_u32(const wasm_rt_memory_t *m, uint32_t p)
{
    uint32_t v;
    memcpy(&v, m->data + p, 4);
    return v;
}

u32 Z_wasi_snapshot_preview1Z_args_sizes_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                             u32 argc_p, u32 size_p)
{
    if (!in_bounds(w->mem, argc_p, 4) || !in_bounds(w->mem, size_p, 4))
        return WASI_EFAULT;
    uint32_t size = 0;
    for (int i = 0; i < w->argc; i++)
        size += (uint32_t)strlen(w->argv[i]) + 1;
    put_u32(w->mem, argc_p, (uint32_t)w->argc);
    put_u32(w->mem, size_p, size);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_args_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                       u32 argv_p, u32 buf_p)
{
    if (!in_bounds(w->mem, argv_p, 4 * (uint64_t)w->argc))
        return WASI_EFAULT;
    for (int i = 0; i < w->argc; i++) {
        size_t len = strlen(w->argv[i]) + 1;
        if (!in_bounds(w->mem, buf_p, len))
            return WASI_EFAULT;
        memcpy(w->mem->data + buf_p, w->argv[i], len);
        put_u32(w->mem, argv_p + 4 * (uint32_t)i, buf_p);
        buf_p += (uint32_t)len;
    }
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_environ_sizes_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                                u32 count_p, u32 size_p)
{
    if (!in_bounds(w->mem, count_p, 4) || !in_bounds(w->mem, size_p, 4))
        return WASI_EFAULT;
    put_u32(w->mem, count_p, 0);
    put_u32(w->mem, size_p, 0);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_environ_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                          u32 env_p, u32 buf_p)
{
    (void)w, (void)env_p, (void)buf_p;
    return WASI_ESUCCESS; /* the environment is empty */
}

u32 Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t *w,
                                       u32 fd, u32 iovs, u32 n, u32 written_p)
{
    if (fd != 1 && fd != 2)
        return WASI_EBADF;
    if (!in_bounds(w->mem, iovs, 8 * (uint64_t)n) || !in_bounds(w->mem, written_p, 4))
        return WASI_EFAULT;
    uint32_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t p = get_u32(w->mem, iovs + 8 * i), len = get_u32(w->mem, iovs + 8 * i + 4);
        if (!in_bounds(w->mem, p, len))
            return WASI_EFAULT;
        for (uint32_t done = 0; done < len;) {
            ssize_t k = write((int)fd, w->mem->data + p + done, len - done);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                return WASI_EIO;
            done += (uint32_t)k;
        }
        total += len;
    }
    put_u32(w->mem, written_p, total);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_close(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd)
{
    (void)w;
    return fd <= 2 ? WASI_ESUCCESS : WASI_EBADF;
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd,
                                      u64 offset, u32 whence, u32 pos_p)
{
    (void)w, (void)offset, (void)whence, (void)pos_p;
    return fd <= 2 ? WASI_ESPIPE : WASI_EBADF;
}

/* fdstat: filetype u8, flags u16 at 2, rights base u64 at 8, inheriting at 16 */
u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                            u32 fd, u32 stat_p)
{
    if (fd > 2)
        return WASI_EBADF;
    if (!in_bounds(w->mem, stat_p, 24))
        return WASI_EFAULT;
    uint8_t st[24] = {0};
    st[0] = WASI_FILETYPE_CHARACTER_DEVICE;
    memset(st + 8, 0xff, 16); /* every right */
    memcpy(w->mem->data + stat_p, st, sizeof st);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_clock_time_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                             u32 id, u64 precision, u32 time_p)
{
    (void)precision;
    static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                    CLOCK_THREAD_CPUTIME_ID};
    if (id >= sizeof ids / sizeof *ids)
        return WASI_EINVAL;
    if (!in_bounds(w->mem, time_p, 8))
        return WASI_EFAULT;
    struct timespec ts;
    clock_gettime(ids[id], &ts);
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    memcpy(w->mem->data + time_p, &ns, 8);
    return WASI_ESUCCESS;
}

void Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t *w, u32 code)
{
    (void)w;
    exit((int)code); /* fd_write does not buffer: nothing is lost */
}

int main(int argc, char **argv)
{
    struct Z_wasi_snapshot_preview1_instance_t wasi = {NULL, argc, argv};
    Z_prog_instance_t inst;

    wasm_rt_init();
    Z_prog_init_module();
    Z_prog_instantiate(&inst, &wasi);
    wasi.mem = Z_progZ_memory(&inst);
    wasm_rt_trap_t trap = wasm_rt_impl_try();
    if (trap != WASM_RT_TRAP_NONE) {
        fprintf(stderr, "%s: trap %d\n", argv[0], (int)trap);
        return 70;
    }
    Z_progZ__start(&inst);
    Z_prog_free(&inst);
    wasm_rt_free();
    return 0;
}
