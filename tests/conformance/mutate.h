/*
 * Mutations of WebAssembly modules for the differential conformance test.
 *
 * A mutant is one source module with one systematic change, chosen by a
 * seeded PRNG so that a run is reproducible from its seed. The strategies
 * aim at both halves of the loader: some break the framing (byte flips,
 * truncation, over-long LEB128s, sections out of order, inflated counts),
 * so that the two validators must agree on what is malformed; others keep
 * the framing well formed (every enclosing size re-encoded) and change one
 * instruction, one immediate or one count, so that the mutant gets past the
 * decoder to the validation rules of spec chapter 3.
 *
 * The section layout is parsed here, independently of libabi. libabi's
 * instruction reader is used only to find instruction boundaries in the
 * unmutated source, which makes the instruction-level mutants likelier to
 * decode; a wrong boundary only yields a different mutant, never a wrong
 * verdict.
 */
#ifndef CONFORMANCE_MUTATE_H
#define CONFORMANCE_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the PRNG: splitmix64, one stream per (seed, source, mutant) ------- */
typedef struct cf_rng {
    uint64_t s;
} cf_rng_t;

void cf_rng_seed(cf_rng_t *r, uint64_t seed, uint64_t a, uint64_t b);
uint64_t cf_rng_next(cf_rng_t *r);
uint64_t cf_rng_below(cf_rng_t *r, uint64_t n); /* 0 when n is 0 */

/* ---- a growable byte buffer (aborts when out of memory) ----------------- */
typedef struct cf_buf {
    uint8_t *p;
    size_t len, cap;
} cf_buf_t;

void cf_buf_put(cf_buf_t *b, const void *p, size_t n);
void cf_buf_free(cf_buf_t *b);

/* ---- a source module, prepared for mutation ------------------------------ */
/* Its sections, function bodies, LEB128 fields and instructions, found
 * once. The bytes are borrowed and must outlive it. */
typedef struct cf_src cf_src_t;

cf_src_t *cf_src_new(const uint8_t *bytes, size_t len);
void cf_src_free(cf_src_t *s);

/* ---- edits for the deviation checks (deviation.c) ------------------------ */
/* Replaces bytes [off, off+del) of the module b with ins, re-encoding the
 * size of the section whose payload holds off and, when off lies in a
 * function body (its end included), the size of that body. Returns false,
 * leaving out alone, when off is in no section's payload. */
bool cf_edit_module(const uint8_t *b, size_t len, size_t off, size_t del,
                    const uint8_t *ins, size_t nins, cf_buf_t *out);

/* The id of the section whose payload holds off (its end included) and the
 * offset where that payload ends; false when there is none. */
bool cf_section_at(const uint8_t *b, size_t len, size_t off, uint8_t *out_id,
                   size_t *out_end);

/* The module without its custom sections, except those named dogma.*,
 * which libabi reads (spec/format.md sections 4 and 5). False if the
 * module is not framed as a sequence of sections. */
bool cf_strip_custom(const uint8_t *b, size_t len, cf_buf_t *out);

/* Whether the module has a section with this id. */
bool cf_has_section(const uint8_t *b, size_t len, uint8_t id);

/* ---- mutation --------------------------------------------------------------- */
/* The strategies by index, for --only and for the mutants' names. */
unsigned cf_mut_count(void);
const char *cf_mut_name(unsigned strategy);
int cf_mut_lookup(const char *name); /* -1 if unknown */

/* Writes one mutant of s into out (which it resets) and returns the name
 * of the strategy applied. only is a strategy index, or -1 for a choice by
 * weight. A strategy that finds nothing to change in this module (no code
 * section, say) falls back to a byte flip, and the name returned says so. */
const char *cf_mutate(const cf_src_t *s, cf_rng_t *rng, int only,
                      cf_buf_t *out);

#endif
