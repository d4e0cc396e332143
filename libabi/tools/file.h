/*
 * Reading a whole module file for the host tools.
 */
#ifndef DX_TOOLS_FILE_H
#define DX_TOOLS_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Reads path into a malloc'd buffer. On failure prints
 * "PROG: PATH: REASON" on stderr and returns NULL. */
uint8_t *dx_read_file(const char *prog, const char *path, size_t *out_size);

#endif
