/*
 * The `dogma` import module: the functions a Dogma module may import from
 * module "dogma", with their WebAssembly types. spec/abi.md Part III is
 * the contract; this header is its C form, shared by verifierd (which
 * checks each import's name and type and binds it), by the in-OS runtime
 * (verifierd/rt/, which serves the calls), by dogma-run (which emulates
 * them on Linux) and by the SDK's dogma.h (which declares them for C).
 *
 * DOGMA_IMPORTS(X) lists X(id, name, params, results): params and results
 * are strings of type letters, 'i' for i32 and 'I' for i64. Pointers are
 * i32 offsets into the module's memory 0; every result is an i64 that is
 * >= 0 on success and -(dogma error code) on failure (abi.h's
 * DOGMA_ERRORS), except for `exit`, which does not return.
 */
#ifndef DOGMA_IMPORTS_H
#define DOGMA_IMPORTS_H

#define DOGMA_IMPORTS(X)                                                         \
    /* (text, len <= 512) -> 0: one line in the kernel log */                   \
    X(1, debug_log, "ii", "I")                                                   \
    /* (status): ends the process */                                            \
    X(2, exit, "i", "")                                                          \
    X(3, yield, "", "I")                                                         \
    /* () -> nanoseconds since boot */                                          \
    X(4, clock, "", "I")                                                         \
    /* (buf, len) -> 0: len random bytes */                                     \
    X(5, random, "ii", "I")                                                      \
    /* (buf, size) -> the start block's size; copies min(size, that) bytes */   \
    X(6, start_info, "ii", "I")                                                  \
    /* (out dogma_error_record_t *) -> 0: why the last failing call failed */   \
    X(7, error_record, "i", "I")                                                 \
    /* (out dogma_sys_info_t *) -> 0: uptime and memory figures */                \
    X(8, sys_info, "i", "I")                                                     \
    X(10, yield_to, "i", "I")                                                    \
    X(20, cap_dup, "ii", "I")                                                    \
    X(21, cap_dispose, "i", "I")                                                 \
    X(22, cap_info, "ii", "I")                                                   \
    X(23, cap_listen, "i", "I")                                                  \
    X(24, cap_send, "ii", "I")                                                   \
    /* (out u64 sender pid) -> handle */                                         \
    X(25, cap_receive, "i", "I")                                                 \
    X(26, token_create, "I", "I")                                                \
    /* (out u32 other endpoint) -> endpoint */                                   \
    X(30, channel_create, "i", "I")                                              \
    /* (endpoint, bytes, len, handles, count) -> 0 */                           \
    X(31, channel_send, "iiiii", "I")                                            \
    /* (endpoint, buf, size, out handles, room, out u32 count) -> length */     \
    X(32, channel_recv, "iiiiii", "I")                                           \
    X(35, notify_create, "", "I")                                                \
    X(36, notify_signal, "iI", "I")                                              \
    /* (notification, out u64 word) -> 0 */                                     \
    X(37, notify_take, "ii", "I")                                                \
    /* (dogma_wait_item_t *, count, timeout ns) -> index */                     \
    X(40, wait, "iiI", "I")                                                      \
    /* (size) -> region handle */                                                \
    X(45, region_create, "I", "I")                                               \
    X(46, region_info, "ii", "I")                                                \
    /* (region or view, offset, dst, len) -> 0 */                               \
    X(47, region_read, "iIii", "I")                                              \
    /* (region, offset, src, len) -> 0 */                                        \
    X(48, region_write, "iIii", "I")                                             \
    X(49, region_share, "ii", "I")                                               \
    X(52, proc_teardown, "i", "I")                                               \
    X(53, proc_suspend, "i", "I")                                                \
    X(54, proc_resume, "i", "I")                                                 \
    X(55, proc_info, "ii", "I")                                                  \
    X(56, self_info, "i", "I")                                                   \
    X(58, proc_priority, "ii", "I")                                              \
    /* process 1 only: (pid) -> a process handle */                             \
    X(59, proc_open, "i", "I")                                                   \
    /* process 1 only: (after pid, out dogma_proc_info_t *) -> next pid, 0 at  \
       the end */                                                                \
    X(62, proc_next, "Ii", "I")                                                  \
    /* (process, slot, out dogma_cap_info_t *) -> next slot in use, 0 at end */ \
    X(63, proc_caps, "iii", "I")                                                 \
    X(70, ioport_in, "iii", "I")                                                 \
    X(71, ioport_out, "iiii", "I")                                               \
    X(72, irq_ack, "i", "I")                                                     \
    /* process 1 only: (kind, first, count) -> a device capability */          \
    X(74, dev_create, "iII", "I")                                                \
    /* (first, out buf, size, out u64 next) -> bytes: kernel log lines */       \
    X(76, klog_read, "Iiii", "I")

/* Runtime errors beyond the kernel's: a pointer argument outside memory 0
 * is BAD_ADDRESS, a handle the runtime keeps for itself (its memory, its
 * data, its code) is BAD_HANDLE, before any system call is made. */

#ifndef __ASSEMBLER__
#include <stdint.h>

enum {
#define DOGMA_IMPORT_ENUM(id, name, params, results) DOGMA_IMP_##name = id,
    DOGMA_IMPORTS(DOGMA_IMPORT_ENUM)
#undef DOGMA_IMPORT_ENUM
    DOGMA_IMP_MAX = 80
};

/* The start block (`start_info`): what the loader tells a module about its
 * arguments, environment and granted handles. Little-endian, packed:
 *
 *   u32 magic 'DGS1' (0x31534744), u32 total size in bytes,
 *   u32 argc, u32 envc, u32 ngrants, u32 flags (0),
 *   ngrants x { u32 handle, char role[28] }   (role NUL-padded)
 *   argc NUL-terminated strings, then envc NUL-terminated strings.
 *
 * Roles are the names the starter gave the handles ("stdout", "initrd",
 * "names", "ports", ...); a module finds its handles by role, never by
 * position. */
#define DOGMA_START_MAGIC 0x31534744u
#define DOGMA_START_ROLE  28
typedef struct {
    uint32_t magic, size, argc, envc, ngrants, flags;
} dogma_start_header_t;
typedef struct {
    uint32_t handle;
    char role[DOGMA_START_ROLE];
} dogma_start_grant_t;

#endif

#endif
