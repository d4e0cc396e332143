/*
 * dogma-run's host modules: the functions a module may import, served by
 * the runtime inside the process.
 *
 * A host module (WASI preview 1 in wasi.c, Dogma's own imports in
 * dogma.c, binaryen's fuzzing-support in fuzzsupport.c) is a table of
 * dr_hostfn_t. The runtime resolves each function import of a module by
 * (module name, field name) against these tables when it instantiates the
 * module, checks the declared type against `params`/`results`, and fails
 * the load with a message naming the import if either does not match.
 *
 * Calls arrive with the arguments in 8-byte slots (i32 zero-extended,
 * f32/f64 as their bits) and write their results the same way. The
 * module's memory is hostile data: every pointer and length a module
 * passes is checked against mem_size (overflow-safe) before it is used;
 * WASI functions report a bad range as errno FAULT, they never trap.
 */
#ifndef DOGMA_RUN_HOST_H
#define DOGMA_RUN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dr_call {
    uint8_t *mem;      /* memory 0, or NULL when the module has none */
    uint64_t mem_size; /* bytes */
    void *state;       /* the host module's own state */
    int exit_code;     /* set with DR_EXIT */
} dr_call_t;

enum {
    DR_OK = 0,     /* results written */
    DR_EXIT = -1,  /* the program asked to exit (proc_exit): exit_code set */
    /* > 0: a trap code (dogma/translate.h, DX_TRAP_*) */
};

/* Value types in signatures: 'i' i32, 'I' i64, 'f' f32, 'F' f64. */
typedef int (*dr_hostfn_fn)(dr_call_t *c, const uint64_t *args, uint64_t *res);
typedef struct dr_hostfn {
    const char *name;
    const char *params, *results; /* e.g. "iiii", "i" */
    dr_hostfn_fn fn;
} dr_hostfn_t;

typedef struct dr_hostmod {
    const char *name;           /* the import module name */
    const dr_hostfn_t *funcs;
    size_t nfuncs;
    void *state;
} dr_hostmod_t;

/* ---- WASI preview 1 (wasi.c) ------------------------------------------ */
typedef struct dr_preopen {
    const char *host;  /* a host directory */
    const char *guest; /* the name the module sees */
} dr_preopen_t;

typedef struct dr_wasi dr_wasi_t;

/* argv[0] is the program name the module sees. The arrays must outlive
 * the state. Returns NULL, with a message on stderr, when a preopened
 * directory cannot be opened. */
dr_wasi_t *dr_wasi_new(int argc, char **argv, int envc, char **envp,
                       int npreopens, const dr_preopen_t *preopens);
void dr_wasi_free(dr_wasi_t *w);
dr_hostmod_t dr_wasi_module(dr_wasi_t *w); /* "wasi_snapshot_preview1" */

/* ---- Dogma's own imports (dogma.c) ----------------------------------------- */
typedef struct dr_dogma dr_dogma_t;

/* argv[0] is the program name the module sees; initrd, when not NULL, is
 * a file granted as the read-only view "initrd". The arrays must outlive
 * the state. Returns NULL, with a message on stderr, when the initrd
 * cannot be read. */
dr_dogma_t *dr_dogma_new(int argc, char **argv, int envc, char **envp, const char *initrd);
void dr_dogma_free(dr_dogma_t *d);
dr_hostmod_t dr_dogma_module(dr_dogma_t *d); /* "dogma" */

#endif
