/*
 * Text for the host tools: one instruction in the WebAssembly text
 * format's words, a dogma.proof formula in infix, and the function names
 * of the "name" custom section.
 */
#ifndef DX_TOOLS_DISASM_H
#define DX_TOOLS_DISASM_H

#include <stdio.h>

#include <dogma/module.h>
#include <dogma/proof.h>

/* Writes the instruction's mnemonic and immediates, e.g. "i32.load
 * offset=8 align=4" or "br_table 0 1 2 (default 0)". */
void dx_print_insn(FILE *f, const dx_module_t *m, const dx_insn_t *in);

/* Writes a formula dx_proof_decode accepted in infix, operands of binary
 * operations in parentheses, e.g. "(extend_u(local0) + 16) <=u memsize".
 * A formula that does not decode is written as "<bad formula>". */
void dx_print_expr(FILE *f, const dx_expr_t *e);

/* Function names from the "name" section (subsection 1), or NULL entries
 * where none is given. The section is only advice: a malformed one is
 * ignored from the first bad byte on, as the specification asks
 * (appendix 7.4). Returns a calloc'd array of m->nfuncs names. */
dx_name_t *dx_func_names(const dx_module_t *m);

#endif
