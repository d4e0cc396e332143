/*
 * Private: the instruction decoder shared by the code reader (dx_code_next)
 * and the constant-expression checker of the module decoder.
 */
#ifndef DX_CODE_H
#define DX_CODE_H

#include "reader.h"

/* Reads an opcode (one byte, or 0xFC and a u32) at r->pos. */
bool dx_dec_opcode(dx_reader_t *r, const dx_module_t *m, dx_op_t *out_op);

/* Reads the immediates of op into insn (op and offset already set). c
 * provides the br_table scratch; it may be NULL when op has none. */
bool dx_dec_imm(dx_reader_t *r, const dx_module_t *m, dx_code_t *c,
                dx_insn_t *insn);

/* Validates the constant expression at r->pos (WebAssembly 2.0, section
 * 3.3.10) as having type want, reading through its end. global.get may name
 * only the first nglobals globals, which must be immutable. ref.func marks
 * its function in declared (a bitmap, may be NULL). */
bool dx_const_expr(dx_reader_t *r, const dx_module_t *m, uint32_t nglobals,
                   dx_valtype_t want, uint8_t *declared);

/* The canonical result-type id of [t] for a single value type t
 * (decode.c), as block types name them. */
uint32_t dx_canon_single(dx_valtype_t t);

#endif
