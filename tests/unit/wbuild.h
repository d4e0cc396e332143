/*
 * A WebAssembly binary builder for tests: modules are written byte by byte
 * by the test itself, so every golden test shows exactly what it feeds the
 * decoder. Sizes of sections and bodies are written as 5-byte LEB128
 * (padded, which the format allows) and patched when closed, so offsets
 * taken with wb_pos() while writing stay true in the finished module.
 */
#ifndef WBUILD_H
#define WBUILD_H

#include <stddef.h>
#include <stdint.h>

typedef struct wb {
    uint8_t *p;
    size_t n, cap;
    size_t open[8]; /* positions of unpatched size placeholders */
    int nopen;
    int flags;      /* wb_func_begin's, for wb_func_end */
} wb_t;

void wb_init(wb_t *b);          /* empty, no header */
void wb_module(wb_t *b);        /* magic and version */
void wb_free(wb_t *b);
size_t wb_pos(const wb_t *b);
void wb_byte(wb_t *b, uint8_t x);
void wb_bytes(wb_t *b, const void *p, size_t n);
void wb_fill(wb_t *b, uint8_t x, size_t n);
void wb_u(wb_t *b, uint64_t v);  /* unsigned LEB128, shortest */
void wb_s(wb_t *b, int64_t v);   /* signed LEB128, shortest */
void wb_str(wb_t *b, const char *s);
void wb_open(wb_t *b);           /* a padded size placeholder */
void wb_close(wb_t *b);          /* patch the innermost placeholder */
void wb_sec(wb_t *b, uint8_t id);/* section id and placeholder */
/* A whole section: id, size, and the n payload bytes given. */
void wb_section(wb_t *b, uint8_t id, const void *payload, size_t n);

/* Value types as letters: i i32, l i64, f f32, d f64, r funcref,
 * e externref. wb_types writes a vector of them. */
uint8_t wb_vt(char c);
void wb_types(wb_t *b, const char *letters);

/* A module with one type (params -> results), one function of that type,
 * and what flags ask for; leaves the function's body open after its (empty)
 * local declarations: the test writes instructions, then calls
 * wb_func_end. */
enum {
    WB_MEM = 1,     /* memory 0: one page */
    WB_DATA = 2,    /* data count 1 and one passive data segment */
    WB_TABLE = 4,   /* table 0: funcref, one element */
    WB_XTABLE = 8,  /* table 0: externref, one element */
    WB_GLOBAL = 16, /* global 0: immutable i32, 0 */
    WB_ELEM = 32,   /* elem 0: passive funcref segment naming func 0 */
};
void wb_func_begin(wb_t *b, const char *params, const char *results,
                   int flags);
void wb_func_end(wb_t *b);

#endif
