/*
 * Private: the keyed hash of hash.c, for every table the decoder builds
 * from names or sequences the module chose.
 */
#ifndef DX_HASH_H
#define DX_HASH_H

#include <dogma/module.h>

uint64_t dx_hash(const dx_arena_t *ar, const void *data, size_t n);

#endif
