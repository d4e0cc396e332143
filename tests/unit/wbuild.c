/*
 * The test module builder (wbuild.h).
 */
#include "wbuild.h"

#include <stdlib.h>
#include <string.h>

void wb_init(wb_t *b) { memset(b, 0, sizeof *b); }

void wb_module(wb_t *b)
{
    wb_init(b);
    wb_bytes(b, "\0asm\1\0\0\0", 8);
}

void wb_free(wb_t *b) { free(b->p); }
size_t wb_pos(const wb_t *b) { return b->n; }

void wb_byte(wb_t *b, uint8_t x) { wb_bytes(b, &x, 1); }

void wb_bytes(wb_t *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        while (b->n + n > b->cap)
            b->cap = b->cap ? b->cap * 2 : 256;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

void wb_fill(wb_t *b, uint8_t x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wb_byte(b, x);
}

void wb_u(wb_t *b, uint64_t v)
{
    do {
        uint8_t x = v & 0x7f;
        v >>= 7;
        wb_byte(b, (uint8_t)(x | (v ? 0x80 : 0)));
    } while (v);
}

void wb_s(wb_t *b, int64_t v)
{
    for (;;) {
        uint8_t x = v & 0x7f;
        v >>= 7; /* arithmetic shift on every compiler this project uses */
        if ((v == 0 && !(x & 0x40)) || (v == -1 && (x & 0x40))) {
            wb_byte(b, x);
            return;
        }
        wb_byte(b, x | 0x80);
    }
}

void wb_str(wb_t *b, const char *s)
{
    size_t n = strlen(s);
    wb_u(b, n);
    wb_bytes(b, s, n);
}

void wb_open(wb_t *b)
{
    b->open[b->nopen++] = b->n;
    wb_bytes(b, "\x80\x80\x80\x80\x00", 5);
}

void wb_close(wb_t *b)
{
    size_t at = b->open[--b->nopen];
    uint32_t size = (uint32_t)(b->n - at - 5);
    for (int i = 0; i < 5; i++)
        b->p[at + (size_t)i] =
            (uint8_t)(((size >> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
}

void wb_sec(wb_t *b, uint8_t id)
{
    wb_byte(b, id);
    wb_open(b);
}

void wb_section(wb_t *b, uint8_t id, const void *payload, size_t n)
{
    wb_sec(b, id);
    wb_bytes(b, payload, n);
    wb_close(b);
}

uint8_t wb_vt(char c)
{
    switch (c) {
    case 'i': return 0x7f;
    case 'l': return 0x7e;
    case 'f': return 0x7d;
    case 'd': return 0x7c;
    case 'r': return 0x70;
    case 'e': return 0x6f;
    default: abort();
    }
}

void wb_types(wb_t *b, const char *letters)
{
    wb_u(b, strlen(letters));
    for (const char *p = letters; *p; p++)
        wb_byte(b, wb_vt(*p));
}

void wb_func_begin(wb_t *b, const char *params, const char *results,
                   int flags)
{
    wb_module(b);
    b->flags = flags;
    wb_sec(b, 1);
    wb_u(b, 1);
    wb_byte(b, 0x60);
    wb_types(b, params);
    wb_types(b, results);
    wb_close(b);
    wb_section(b, 3, "\x01\x00", 2);
    if (flags & (WB_TABLE | WB_XTABLE)) {
        wb_section(b, 4, flags & WB_TABLE ? "\x01\x70\x00\x01" : "\x01\x6f\x00\x01", 4);
    }
    if (flags & WB_MEM) {
        wb_section(b, 5, "\x01\x00\x01", 3);
    }
    if (flags & WB_GLOBAL) {
        wb_section(b, 6, "\x01\x7f\x00\x41\x00\x0b", 6);
    }
    if (flags & WB_ELEM) {
        wb_sec(b, 9);
        wb_bytes(b, "\x01\x01\x00\x01\x00", 5); /* passive, elemkind, [0] */
        wb_close(b);
    }
    if (flags & WB_DATA) {
        wb_sec(b, 12);
        wb_u(b, 1);
        wb_close(b);
    }
    wb_sec(b, 10);
    wb_u(b, 1);
    wb_open(b);
    wb_u(b, 0); /* no local declarations */
}

void wb_func_end(wb_t *b)
{
    wb_close(b);
    wb_close(b);
    if (b->flags & WB_DATA) {
        wb_sec(b, 11);
        wb_bytes(b, "\x01\x01\x02hi", 5); /* one passive segment */
        wb_close(b);
    }
}
