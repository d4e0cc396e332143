/*
 * The kernel test programs' library: system-call stubs, output, checks,
 * and the helpers the scenarios share (the initrd, spawning, waiting).
 *
 * The programs are static PIEs run as hardware-isolated processes
 * (test=user:NAME). Their checks report through the kernel log; a failed
 * check prints the call's error record and exits with status 1, which
 * the kernel's test runner turns into FAIL.
 */
#ifndef DOGMA_USER_H
#define DOGMA_USER_H

#include <dogma/abi.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t r;   /* rax: >= 0 result, < 0 -(dogma_err_t) */
    uint64_t r1; /* rdx */
} dsys_t;

/* The raw call (sys.S): number, then up to six arguments. */
dsys_t dsys(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
            uint64_t a5);
#define DSYS0(n) dsys((n), 0, 0, 0, 0, 0, 0)
#define DSYS1(n, a) dsys((n), (uint64_t)(a), 0, 0, 0, 0, 0)
#define DSYS2(n, a, b) dsys((n), (uint64_t)(a), (uint64_t)(b), 0, 0, 0, 0)
#define DSYS3(n, a, b, c) dsys((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0, 0)
#define DSYS4(n, a, b, c, d) \
    dsys((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), 0, 0)
#define DSYS5(n, a, b, c, d, e) \
    dsys((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e), 0)
#define DSYS6(n, a, b, c, d, e, f)                                                    \
    dsys((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e), \
         (uint64_t)(f))

/* The process block (read-only to us). */
extern const volatile uint8_t *t_pb;
static inline uint64_t t_pb64(unsigned off) { return *(const volatile uint64_t *)(t_pb + off); }
static inline uint32_t t_pb32(unsigned off) { return *(const volatile uint32_t *)(t_pb + off); }
/* The last failure's record. */
dogma_error_record_t t_last_error(void);
/* Granted handle i (boot grants: 0 initrd view, 1 loader, 2 COM1 scratch port). */
uint32_t t_grant(unsigned i);
uint32_t t_ngrants(void);

/* Output: one line to the kernel log per call. */
void t_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void t_exit(int64_t status);

/* Checks: on failure, the expression, the place and the last error
 * record go to the log and the program exits with status 1. */
#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond))                                                        \
            t_fail(#cond, __FILE__, __LINE__);                              \
    } while (0)
/* A call that must succeed; its rax. */
#define OK(call) t_ok((call), #call, __FILE__, __LINE__)
/* A call that must fail with DOGMA_E_<err> (and, for arg >= 0, name that
 * argument in the error record). */
#define FAILS(call, err, arg) t_fails((call), DOGMA_E_##err, (arg), #call, __FILE__, __LINE__)
_Noreturn void t_fail(const char *what, const char *file, int line);
int64_t t_ok(dsys_t r, const char *what, const char *file, int line);
void t_fails(dsys_t r, int err, int arg, const char *what, const char *file, int line);
const char *t_strerror(int err);

/* The initrd: a file's offset and size in the boot view; false if absent. */
bool t_initrd_find(const char *name, uint64_t *out_offset, uint64_t *out_size);
/* Spawns tests/NAME from the initrd with the grants; the process handle
 * (the pid in *out_pid if not NULL). */
uint32_t t_spawn(const char *name, const uint32_t *grants, uint32_t ngrants, uint64_t *out_pid);
/* Waits for a process to end; its exit status (torn down: -1). */
int64_t t_join(uint32_t proc);
dogma_proc_info_t t_info(uint32_t proc);
dogma_proc_info_t t_self(void);
/* A handle for another process: a duplicate with the given rights. */
uint32_t t_dup(uint32_t h, uint32_t rights);

/* Verified processes: code blobs (lib/vcode.S) and a helper that copies
 * one into a fresh code region and starts it with proc_map_code, granting
 * the handles given; the process handle. */
#define VCODE(name) extern const uint8_t vc_##name[], vc_##name##_end[]
VCODE(exit42);
VCODE(coop);
VCODE(spin);
VCODE(trap);
VCODE(pb);
VCODE(selfwrite);
VCODE(fork);
VCODE(xblock);
VCODE(yielder);
VCODE(ping);
VCODE(pong);
uint32_t t_map_code(const uint8_t *start, const uint8_t *end, uint64_t arg, const uint32_t *grants,
                    uint32_t ngrants, const char *name, uint64_t *out_pid);
/* The same with the process block's environment words 0x10.. set. */
uint32_t t_map_code_env(const uint8_t *start, const uint8_t *end, uint64_t arg,
                        const uint32_t *grants, uint32_t ngrants, const char *name,
                        uint64_t *out_pid, const uint64_t env[30]);
#define T_MAP_CODE(blob, arg, grants, n, name, pid) \
    t_map_code(vc_##blob, vc_##blob##_end, (arg), (grants), (n), (name), (pid))

/* Small helpers the freestanding build lacks. */
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
size_t t_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline uint64_t t_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* The program's body; its return value is the exit status. */
int test_main(void);

#endif
