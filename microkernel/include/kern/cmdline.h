/*
 * The kernel command line, as the boot loader passed it:
 *   test=NAME     run a test scenario (kern/ktest.c) and stop with its result
 *   hz=N          timer tick rate, 10..10000 (default 100)
 *   loglevel=N    0 err, 1 warn, 2 info (default), 3 debug
 */
#ifndef KERN_CMDLINE_H
#define KERN_CMDLINE_H

#include <kern/types.h>

/* true if key appears (as "key" or "key=value"); the value of its last
 * occurrence goes to out_val, truncated to size - 1 bytes. */
bool cmdline_get(const char *cmdline, const char *key, char *out_val, size_t size);

/* Calls fn for every word whose key is not in known (a NULL-terminated
 * list), with the word and its length. */
void cmdline_for_unknown(const char *cmdline, const char *const *known,
                         void (*fn)(const char *word, size_t len));

/* true if key=N appears with N a decimal number that fits 64 bits. */
bool cmdline_get_uint(const char *cmdline, const char *key, uint64_t *out_val);

#endif
