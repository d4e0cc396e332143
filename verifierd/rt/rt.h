/*
 * The in-OS runtime of a verified process: the contract between verifierd,
 * which lays a process out and fills this state, and the runtime code
 * (verifierd/rt/), which verifierd copies in front of the translated code
 * of every module it starts. spec/abi.md Part III describes the result.
 *
 * TRUSTED: the runtime is native code nobody verifies, running inside a
 * verified process on the global page table. It is part of verifierd's
 * trusted base (DESIGN.md section 1) and keeps the same rules as the
 * translator's output: it touches only the module's memory (after a bound
 * check), its own data region and its stacklets, and it never lets the
 * module name the handles it keeps for itself.
 *
 * A process verifierd starts holds, besides its code region:
 *   the data region   the translation block (r15: the header, then the
 *                     module's tables, globals and transfer area, as
 *                     dx_x64_layout_t says), then vrt_t, the import
 *                     bindings, the function references, the tables'
 *                     elements, the segments, the start block and the
 *                     runtime's own stack;
 *   the memory region memory 0, reserved at its maximum; frames arrive
 *                     on first touch and memory.grow only moves the size.
 */
#ifndef VERIFIERD_RT_H
#define VERIFIERD_RT_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/* The environment words of the translation block (translate.h's DX_PB_ENV
 * range), the runtime's own. */
#define VRT_PB_STATE     0x40 /* u64: the vrt_t */
#define VRT_PB_SAVED_RSP 0x48 /* translated code's rsp at its last thunk call */
#define VRT_PB_RT_STACK  0x50 /* u64: the top of the runtime's stack */
#define VRT_PB_SAVED_RBP 0x58
#define VRT_PB_SCRATCH   0x60 /* 0x60..0xff: the thunks' save area */

/* The runtime image starts with this table of offsets (from its first
 * byte): verifierd points the block's thunk words at them. */
#define VRT_HDR_MAGIC     0x00 /* u32 'VRT1' */
#define VRT_HDR_SIZE      0x04 /* u32: the image's size in bytes */
#define VRT_HDR_START     0x08 /* u32: the process's entry */
#define VRT_HDR_HOSTCALL  0x0c
#define VRT_HDR_MORESTACK 0x10
#define VRT_HDR_YIELD     0x14
#define VRT_MAGIC 0x31545256 /* "VRT1" */

#define VRT_STACK_BYTES (64 * 1024) /* the runtime's own stack */

#ifndef __ASSEMBLER__
typedef struct {
    uint64_t elems; /* address of size (max capacity) 8-byte references */
    uint64_t size, max;
} vrt_table_t;

typedef struct {
    uint64_t addr; /* the bytes (data) or references (elem) */
    uint64_t len;  /* 0 once dropped */
} vrt_segment_t;

typedef struct vrt {
    uint64_t magic;        /* VRT_MAGIC */
    uint64_t pb;           /* the kernel's process block (read-only) */
    uint64_t code;         /* the translated code's first byte */
    uint64_t mem_max;      /* bytes memory 0 may grow to (its reservation) */
    uint64_t start_adapter;  /* the start function's entry adapter, or 0 */
    uint64_t main_adapter;   /* the export _start's entry adapter */
    uint32_t xfer;         /* the transfer area's offset in the block */
    uint32_t tables_off;   /* the dx_x64_table_t array's offset in the block */
    uint32_t nimports, ntables, ndatas, nelems;
    uint64_t imports;      /* u8[nimports]: DOGMA_IMP_* per function import */
    uint64_t tables;       /* vrt_table_t[ntables] */
    uint64_t datas;        /* vrt_segment_t[ndatas] */
    uint64_t elems;        /* vrt_segment_t[nelems] */
    uint64_t start_block;  /* the start block (dogma/imports.h) */
    uint64_t start_size;
    uint32_t keep[4];      /* the handles the module may not name */
    /* the runtime's own error record: set when it refuses a call itself */
    uint32_t err_code, err_import, err_arg, err_own;
    uint64_t err_min, err_max, err_value;
} vrt_t;
#endif

#endif
