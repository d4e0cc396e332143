/*
 * WASI preview 1 (wasi_snapshot_preview1) as the module sees it: the
 * constants and the byte layouts of the structures exchanged through
 * linear memory, private to wasi.c and its unit test.
 *
 * The values are those of the witx definitions, checked against
 * wasi-libc's <wasi/api.h> (Debian's wasm32-wasi), whose _Static_asserts
 * give the sizes and offsets below. Structures are never overlaid on the
 * module's memory (it is hostile and may be unaligned); wasi.c reads and
 * writes their fields one at a time at these offsets, little-endian.
 */
#ifndef DOGMA_RUN_WASI_ABI_H
#define DOGMA_RUN_WASI_ABI_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"

/* ---- errno (u16) ---------------------------------------------------------- */
enum {
    WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3,
    WASI_EADDRNOTAVAIL = 4, WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6,
    WASI_EALREADY = 7, WASI_EBADF = 8, WASI_EBADMSG = 9, WASI_EBUSY = 10,
    WASI_ECANCELED = 11, WASI_ECHILD = 12, WASI_ECONNABORTED = 13,
    WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15, WASI_EDEADLK = 16,
    WASI_EDESTADDRREQ = 17, WASI_EDOM = 18, WASI_EDQUOT = 19, WASI_EEXIST = 20,
    WASI_EFAULT = 21, WASI_EFBIG = 22, WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24,
    WASI_EILSEQ = 25, WASI_EINPROGRESS = 26, WASI_EINTR = 27, WASI_EINVAL = 28,
    WASI_EIO = 29, WASI_EISCONN = 30, WASI_EISDIR = 31, WASI_ELOOP = 32,
    WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36,
    WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38, WASI_ENETRESET = 39,
    WASI_ENETUNREACH = 40, WASI_ENFILE = 41, WASI_ENOBUFS = 42, WASI_ENODEV = 43,
    WASI_ENOENT = 44, WASI_ENOEXEC = 45, WASI_ENOLCK = 46, WASI_ENOLINK = 47,
    WASI_ENOMEM = 48, WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50, WASI_ENOSPC = 51,
    WASI_ENOSYS = 52, WASI_ENOTCONN = 53, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55,
    WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58,
    WASI_ENOTTY = 59, WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62,
    WASI_EPERM = 63, WASI_EPIPE = 64, WASI_EPROTO = 65,
    WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67, WASI_ERANGE = 68,
    WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71, WASI_ESTALE = 72,
    WASI_ETIMEDOUT = 73, WASI_ETXTBSY = 74, WASI_EXDEV = 75,
    WASI_ENOTCAPABLE = 76,
};

/* ---- clocks, whence, advice ------------------------------------------------ */
enum {
    WASI_CLOCK_REALTIME = 0, WASI_CLOCK_MONOTONIC = 1,
    WASI_CLOCK_PROCESS_CPUTIME = 2, WASI_CLOCK_THREAD_CPUTIME = 3,
};
enum { WASI_WHENCE_SET = 0, WASI_WHENCE_CUR = 1, WASI_WHENCE_END = 2 };
enum {
    WASI_ADVICE_NORMAL = 0, WASI_ADVICE_SEQUENTIAL = 1, WASI_ADVICE_RANDOM = 2,
    WASI_ADVICE_WILLNEED = 3, WASI_ADVICE_DONTNEED = 4, WASI_ADVICE_NOREUSE = 5,
};

/* ---- file types (u8) ------------------------------------------------------- */
enum {
    WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1,
    WASI_FILETYPE_CHARACTER_DEVICE = 2, WASI_FILETYPE_DIRECTORY = 3,
    WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

/* ---- rights (u64) ------------------------------------------------------------ */
#define WASI_RIGHT_FD_DATASYNC (1ull << 0)
#define WASI_RIGHT_FD_READ (1ull << 1)
#define WASI_RIGHT_FD_SEEK (1ull << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS (1ull << 3)
#define WASI_RIGHT_FD_SYNC (1ull << 4)
#define WASI_RIGHT_FD_TELL (1ull << 5)
#define WASI_RIGHT_FD_WRITE (1ull << 6)
#define WASI_RIGHT_FD_ADVISE (1ull << 7)
#define WASI_RIGHT_FD_ALLOCATE (1ull << 8)
#define WASI_RIGHT_FD_READDIR (1ull << 14)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE (1ull << 22)
#define WASI_RIGHTS_ALL ((1ull << 30) - 1) /* bits 0..29 are defined */

/* ---- flags --------------------------------------------------------------------- */
#define WASI_FDFLAG_APPEND (1u << 0)
#define WASI_FDFLAG_DSYNC (1u << 1)
#define WASI_FDFLAG_NONBLOCK (1u << 2)
#define WASI_FDFLAG_RSYNC (1u << 3)
#define WASI_FDFLAG_SYNC (1u << 4)
#define WASI_FDFLAGS_ALL 0x1fu

#define WASI_OFLAG_CREAT (1u << 0)
#define WASI_OFLAG_DIRECTORY (1u << 1)
#define WASI_OFLAG_EXCL (1u << 2)
#define WASI_OFLAG_TRUNC (1u << 3)
#define WASI_OFLAGS_ALL 0xfu

#define WASI_LOOKUP_SYMLINK_FOLLOW (1u << 0)

#define WASI_FST_ATIM (1u << 0)
#define WASI_FST_ATIM_NOW (1u << 1)
#define WASI_FST_MTIM (1u << 2)
#define WASI_FST_MTIM_NOW (1u << 3)
#define WASI_FST_ALL 0xfu

#define WASI_SUBCLOCK_ABSTIME (1u << 0)
#define WASI_EVENTRW_HANGUP (1u << 0)

enum { WASI_EVENT_CLOCK = 0, WASI_EVENT_FD_READ = 1, WASI_EVENT_FD_WRITE = 2 };
enum { WASI_PREOPEN_DIR = 0 };

/* ---- layouts in linear memory (size, then field offsets) -------------------- */
#define WASI_IOVEC_SIZE 8 /* buf u32 @0, buf_len u32 @4 */

#define WASI_DIRENT_SIZE 24 /* followed by d_namlen bytes of name */
#define WASI_DIRENT_NEXT 0  /* u64 cookie of the next entry */
#define WASI_DIRENT_INO 8   /* u64 */
#define WASI_DIRENT_NAMLEN 16 /* u32 */
#define WASI_DIRENT_TYPE 20 /* u8 filetype */

#define WASI_FDSTAT_SIZE 24
#define WASI_FDSTAT_FILETYPE 0 /* u8 */
#define WASI_FDSTAT_FLAGS 2    /* u16 */
#define WASI_FDSTAT_RIGHTS_BASE 8
#define WASI_FDSTAT_RIGHTS_INHERITING 16

#define WASI_FILESTAT_SIZE 64
#define WASI_FILESTAT_DEV 0
#define WASI_FILESTAT_INO 8
#define WASI_FILESTAT_FILETYPE 16 /* u8 */
#define WASI_FILESTAT_NLINK 24
#define WASI_FILESTAT_FSIZE 32
#define WASI_FILESTAT_ATIM 40
#define WASI_FILESTAT_MTIM 48
#define WASI_FILESTAT_CTIM 56

#define WASI_PRESTAT_SIZE 8
#define WASI_PRESTAT_TAG 0      /* u8 */
#define WASI_PRESTAT_NAME_LEN 4 /* u32 */

#define WASI_SUB_SIZE 48
#define WASI_SUB_USERDATA 0 /* u64 */
#define WASI_SUB_TAG 8      /* u8 eventtype */
#define WASI_SUB_CLOCK_ID 16 /* u32 */
#define WASI_SUB_CLOCK_TIMEOUT 24 /* u64 */
#define WASI_SUB_CLOCK_PRECISION 32
#define WASI_SUB_CLOCK_FLAGS 40 /* u16 */
#define WASI_SUB_FD 16 /* u32, for FD_READ and FD_WRITE */

#define WASI_EVENT_SIZE 32
#define WASI_EVENT_USERDATA 0
#define WASI_EVENT_ERROR 8  /* u16 */
#define WASI_EVENT_TYPE 10  /* u8 */
#define WASI_EVENT_NBYTES 16 /* u64 */
#define WASI_EVENT_FLAGS 24 /* u16 */

/* For tests: resolve paths with the component-by-component walk even when
 * the kernel has openat2, so both resolvers run under the same tests. */
void dr_wasi_force_walk(dr_wasi_t *w, bool walk);

#endif
