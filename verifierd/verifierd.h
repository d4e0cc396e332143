/*
 * verifierd: the trusted loader (DESIGN.md sections 1 and 3).
 *
 * TRUSTED. The kernel starts it at boot as a hardware-isolated process
 * holding LOADER and a read-only view of the initrd; it is the only
 * process that can start verified code. It decodes, validates and
 * translates each module it is asked to load (libabi's freestanding core,
 * memory strategy `checked`: every access is bounds-checked at run time;
 * there is no Z3 inside the OS yet), lays out the new process with the
 * in-OS runtime (rt/), and asks the kernel to map the code and start it.
 *
 *   main.c   start-up, process 1, the request loop, logging
 *   load.c   one module: check, translate, lay out, map
 *   sys.S    the system-call stub (libabi/rt/syscall.S), the runtime image
 */
#ifndef VERIFIERD_H
#define VERIFIERD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dogma/abi.h>
#include <dogma/proto.h>

typedef struct {
    int64_t r;
    uint64_t r1;
} vsys_t;
/* libabi/rt/syscall.S */
vsys_t dogma_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4, uint64_t a5);
#define VS0(n) dogma_syscall((n), 0, 0, 0, 0, 0, 0)
#define VS1(n, a) dogma_syscall((n), (uint64_t)(a), 0, 0, 0, 0, 0)
#define VS2(n, a, b) dogma_syscall((n), (uint64_t)(a), (uint64_t)(b), 0, 0, 0, 0)
#define VS3(n, a, b, c) dogma_syscall((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0, 0)
#define VS4(n, a, b, c, d) \
    dogma_syscall((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), 0, 0)
#define VS5(n, a, b, c, d, e)                                                              \
    dogma_syscall((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d),       \
                  (uint64_t)(e), 0)

/* One line in the kernel log, tagged with verifierd's pid. */
void vd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A granted handle with its role, for the new process's start block. */
typedef struct {
    uint32_t handle; /* in verifierd's table; moved into the new process */
    char role[28];
} vd_grant_t;

/* What to load. */
typedef struct {
    const uint8_t *bytes;
    size_t size;
    const char *name;
    uint32_t flags;          /* VD_F_* */
    const char *strings;     /* args then env, NUL-terminated each */
    size_t strings_len;
    uint32_t nargs, nenv;
    const vd_grant_t *grants;
    uint32_t ngrants;
    bool run;                /* false: verify only */
} vd_job_t;

/* Loads (or only checks) one module. The reply says what happened; on
 * success *out_proc is the new process's handle (0 when only checked).
 * Grants are moved into the process on success; on failure they stay
 * with the caller. */
void vd_load(const vd_job_t *job, vd_reply_t *out, uint32_t *out_proc);

/* Set up once: the loader capability, the heap. false: out of memory. */
bool vd_load_init(uint32_t loader);

/* The runtime image (rt/), embedded at build time. */
extern const uint8_t vd_rt_image[];
extern const uint8_t vd_rt_image_end[];

size_t vd_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
