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

/* Checked shorthands (each call must succeed). */
void t_dispose(uint32_t h);
dogma_cap_info_t t_cap_info(uint32_t h);
dogma_region_info_t t_region_info(uint32_t h);
/* Whether h is a live handle of ours (cap_info accepts it). */
bool t_live(uint32_t h);
/* A fresh notification. */
uint32_t t_notify(void);
/* A fresh channel: one end, the other in *out_other. */
uint32_t t_channel(uint32_t *out_other);
/* A fresh exclusive region of size bytes: its handle, its base in
 * *out_base if not NULL. */
uint32_t t_region(uint64_t size, uint64_t *out_base);
/* The same, shared read-write at once (region_share RW); with out_dup,
 * also a duplicate with READ, WRITE and TRANSFER, to grant a child. */
uint32_t t_shared_rw(uint64_t size, uint64_t *out_base, uint32_t *out_dup);

/* Waiting. t_wait_for: waits with no timeout until h shows a signal of
 * want; the signals it shows. t_wait_blocked: yields until proc is
 * BLOCKED. t_nap: sleeps ns nanoseconds in lock_wait on a word nobody
 * wakes (checked: it ends TIMED_OUT). */
uint32_t t_wait_for(uint32_t h, uint32_t want);
void t_wait_blocked(uint32_t proc);
void t_nap(uint64_t ns);

/* Modes: a program that starts copies of itself tells each what to do by
 * a token granted first, tagged T_MODE_TAG | mode (mode 1 to 2^32 - 1).
 * t_spawn_mode spawns tests/NAME so, with the extra grants after the
 * token (the process handle; the pid in *out_pid if not NULL).
 * t_child_mode is the mode such a token gives this process; 0 in the
 * program the kernel started (it holds the initrd view), in a process
 * without grants, and where grant 0 is not a token so tagged that its
 * parent made. */
#define T_MODE_TAG 0x6d6f646500000000ull
uint32_t t_spawn_mode(const char *name, uint64_t mode, const uint32_t *extra, uint32_t n,
                      uint64_t *out_pid);
uint64_t t_child_mode(void);
/* The first call of such a program's test_main: in a child with a mode
 * it runs child(mode) and exits with what that returns; a process started
 * without the initrd view and without a mode exits 0 at once; in the
 * program the kernel started it returns. */
void t_child_main(int (*child)(uint64_t mode));

/* How a process ended: each waits for proc to end, checks, disposes the
 * handle and returns the process's last proc_info; a failed check prints
 * what it found and names the caller's line. t_expect_exit: it exited
 * with status. t_expect_torn_down: it was torn down (t_join is -1, the
 * state TORN_DOWN, the exit status -1) for reason (0 when another
 * process tore it down). */
#define t_expect_exit(proc, status) t_expect_exit_at((proc), (status), __FILE__, __LINE__)
#define t_expect_torn_down(proc, reason) \
    t_expect_torn_down_at((proc), (reason), __FILE__, __LINE__)
dogma_proc_info_t t_expect_exit_at(uint32_t proc, int64_t status, const char *file, int line);
dogma_proc_info_t t_expect_torn_down_at(uint32_t proc, uint32_t reason, const char *file,
                                        int line);

/* The calls of dogma/abi.h, from its table: number, name, arguments, the
 * kind and rights argument 0 needs. t_call: the entry for nr, NULL if no
 * call has it. t_kind_fits: whether a handle of kind is of the kind a call
 * wants (DOGMA_CAP_ANY and DOGMA_CAP_MEMORY included). */
typedef struct {
    uint64_t nr;
    const char *name;
    unsigned nargs, kind, rights;
} t_call_t;
extern const t_call_t t_calls[];
extern const unsigned t_ncalls;
const t_call_t *t_call(uint64_t nr);
bool t_kind_fits(unsigned want, unsigned kind);

/* fork with a0 and a1 in the call's first argument registers (fork takes
 * none: junk it must ignore). The child exits 0 at once, before it touches
 * any memory: an isolated C program's absolute pointers would still name
 * the parent's copies (spec/abi.md section 21). The parent gets rax: the
 * child's process handle, or -error. (lib/fork.S) */
int64_t t_fork_exit0(uint64_t a0, uint64_t a1);

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
