/*
 * The Dogma SDK for C programs compiled with clang --target=wasm32-wasi:
 * every function of the `dogma` import module, and a few helpers (sdk/lib/)
 * compiled into the module.
 *
 * The imports are declared here by hand, with C types a program wants to
 * use (pointers, handles as uint32_t), because a prototype cannot be
 * generated from the type strings of libabi's X-macro. Each declaration
 * must lower to exactly the WebAssembly type that dogma/imports.h gives
 * (i32 for pointers, handles, sizes and int32_t; i64 for uint64_t and
 * int64_t): tests/sdk/check-imports.sh links a module that references
 * every declaration and compares its import section with the X-macro, so a
 * mismatch fails the build's tests, never a verifier at load time.
 *
 * Every import but exit returns an int64_t: >= 0 success, negative
 * -(dogma_err_t) (dogma/abi.h). Pointers are addresses in memory 0, as C
 * sees them on wasm32.
 */
#ifndef DOGMA_SDK_H
#define DOGMA_SDK_H

#include <stddef.h>
#include <stdint.h>

#include <dogma/abi.h>
#include <dogma/imports.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DOGMA_IMPORT(name) __attribute__((import_module("dogma"), import_name(#name)))

/* ---- the imports, in the order of DOGMA_IMPORTS -------------------------- */
int64_t dogma_debug_log(const char *text, uint32_t len) DOGMA_IMPORT(debug_log);
void dogma_exit(int32_t status) DOGMA_IMPORT(exit) __attribute__((noreturn));
int64_t dogma_yield(void) DOGMA_IMPORT(yield);
int64_t dogma_clock(void) DOGMA_IMPORT(clock);
int64_t dogma_random(void *buf, uint32_t len) DOGMA_IMPORT(random);
int64_t dogma_start_info(void *buf, uint32_t size) DOGMA_IMPORT(start_info);
int64_t dogma_error_record(dogma_error_record_t *out) DOGMA_IMPORT(error_record);
int64_t dogma_sys_info(dogma_sys_info_t *out) DOGMA_IMPORT(sys_info);
int64_t dogma_yield_to(uint32_t process) DOGMA_IMPORT(yield_to);
int64_t dogma_cap_dup(uint32_t handle, uint32_t rights) DOGMA_IMPORT(cap_dup);
int64_t dogma_cap_dispose(uint32_t handle) DOGMA_IMPORT(cap_dispose);
int64_t dogma_cap_info(uint32_t handle, dogma_cap_info_t *out) DOGMA_IMPORT(cap_info);
int64_t dogma_cap_listen(uint32_t listen) DOGMA_IMPORT(cap_listen);
int64_t dogma_cap_send(uint32_t process, uint32_t handle) DOGMA_IMPORT(cap_send);
int64_t dogma_cap_receive(uint64_t *out_sender_pid) DOGMA_IMPORT(cap_receive);
int64_t dogma_token_create(uint64_t tag) DOGMA_IMPORT(token_create);
int64_t dogma_channel_create(uint32_t *out_other) DOGMA_IMPORT(channel_create);
int64_t dogma_channel_send(uint32_t endpoint, const void *bytes, uint32_t len,
                           const uint32_t *handles, uint32_t count)
    DOGMA_IMPORT(channel_send);
int64_t dogma_channel_recv(uint32_t endpoint, void *buf, uint32_t size, uint32_t *out_handles,
                           uint32_t room, uint32_t *out_count) DOGMA_IMPORT(channel_recv);
int64_t dogma_notify_create(void) DOGMA_IMPORT(notify_create);
int64_t dogma_notify_signal(uint32_t notification, uint64_t bits) DOGMA_IMPORT(notify_signal);
int64_t dogma_notify_take(uint32_t notification, uint64_t *out_word) DOGMA_IMPORT(notify_take);
int64_t dogma_wait(dogma_wait_item_t *items, uint32_t count, uint64_t timeout_ns)
    DOGMA_IMPORT(wait);
int64_t dogma_region_create(uint64_t size) DOGMA_IMPORT(region_create);
int64_t dogma_region_info(uint32_t region, dogma_region_info_t *out) DOGMA_IMPORT(region_info);
int64_t dogma_region_read(uint32_t region, uint64_t offset, void *dst, uint32_t len)
    DOGMA_IMPORT(region_read);
int64_t dogma_region_write(uint32_t region, uint64_t offset, const void *src, uint32_t len)
    DOGMA_IMPORT(region_write);
int64_t dogma_region_share(uint32_t region, uint32_t mode) DOGMA_IMPORT(region_share);
int64_t dogma_proc_teardown(uint32_t process) DOGMA_IMPORT(proc_teardown);
int64_t dogma_proc_suspend(uint32_t process) DOGMA_IMPORT(proc_suspend);
int64_t dogma_proc_resume(uint32_t process) DOGMA_IMPORT(proc_resume);
int64_t dogma_proc_info(uint32_t process, dogma_proc_info_t *out) DOGMA_IMPORT(proc_info);
int64_t dogma_self_info(dogma_proc_info_t *out) DOGMA_IMPORT(self_info);
int64_t dogma_proc_priority(uint32_t process, uint32_t priority) DOGMA_IMPORT(proc_priority);
int64_t dogma_proc_open(uint32_t pid) DOGMA_IMPORT(proc_open);
int64_t dogma_proc_next(uint64_t after_pid, dogma_proc_info_t *out) DOGMA_IMPORT(proc_next);
int64_t dogma_proc_caps(uint32_t process, uint32_t slot, dogma_cap_info_t *out)
    DOGMA_IMPORT(proc_caps);
int64_t dogma_ioport_in(uint32_t ports, uint32_t port, uint32_t width) DOGMA_IMPORT(ioport_in);
int64_t dogma_ioport_out(uint32_t ports, uint32_t port, uint32_t width, uint32_t value)
    DOGMA_IMPORT(ioport_out);
int64_t dogma_irq_ack(uint32_t irq) DOGMA_IMPORT(irq_ack);
int64_t dogma_dev_create(uint32_t kind, uint64_t first, uint64_t count) DOGMA_IMPORT(dev_create);
int64_t dogma_klog_read(uint64_t first, void *buf, uint32_t size, uint64_t *out_next)
    DOGMA_IMPORT(klog_read);

/* ---- helpers (sdk/lib/start.c) --------------------------------------------- */

/* The start block, parsed: argv and envp are NULL-terminated arrays of C
 * strings (argv[0] is the program's name), grants the handles the starter
 * gave, each with its role. */
typedef struct dogma_start {
    uint32_t argc, envc, ngrants;
    const char *const *argv;
    const char *const *envp;
    const dogma_start_grant_t *grants;
} dogma_start_t;

/* The parsed start block, read and checked at the first call and kept.
 * NULL if the runtime gave none, it is malformed, or memory ran out. */
const dogma_start_t *dogma_start(void);

/* The handle granted with `role`, or 0 (never a handle) if there is none.
 * When several have the role, the first. */
uint32_t dogma_grant_by_role(const char *role);

/* The text of a dogma error code (a negative result negated), e.g.
 * "the other end is gone"; "unknown error" beyond the table. */
const char *dogma_strerror(int64_t code);

#ifdef __cplusplus
}
#endif

#endif
