/*
 * Whole-file reads for the host tools: a module is decoded from memory.
 * Files larger than the module limit are still read up to one byte past
 * the limit, so the decoder reports the limit rather than the tool
 * inventing its own message.
 */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dogma/module.h>

uint8_t *dx_read_file(const char *prog, const char *path, size_t *out_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap > DX_MAX_MODULE_SIZE)
                break; /* enough to know it is too large */
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        fprintf(stderr, "%s: %s: %s\n", prog, path,
                buf ? "read error" : "out of memory");
        free(buf);
        return NULL;
    }
    *out_size = n;
    return buf;
}
