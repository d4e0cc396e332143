/*
 * Running the reference tools (wasm-validate, wasm-opt) for the
 * differential conformance test, and the file plumbing around them.
 *
 * The tools run through posix_spawnp with their output sent to files, never
 * through a shell: the arguments are paths this program made, and a module
 * that makes a tool crash is a finding, reported as such, not a reason to
 * stop.
 */
#ifndef CONFORMANCE_RUN_H
#define CONFORMANCE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Runs argv[0] (searched in PATH when it has no slash) with stdin and
 * stdout on /dev/null and stderr into err_path (truncated). Returns its
 * exit status (0..255), 256 + the signal that killed it, or -1 when it
 * could not be started (errno says why). */
int cf_run(char *const argv[], const char *err_path);

/* Whole-file helpers; they print the reason and return false on failure.
 * cf_read_file's result is malloc'ed. */
bool cf_write_file(const char *path, const uint8_t *b, size_t n);
uint8_t *cf_read_file(const char *path, size_t *out_len);

/* The first max_lines lines of a text file, indented, into out (size
 * len, NUL-terminated); "" when the file cannot be read. */
void cf_head(const char *path, unsigned max_lines, char *out, size_t len);

#endif
