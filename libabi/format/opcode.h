/*
 * Private: the encoding-to-opcode map (opcode.c) for the instruction reader.
 */
#ifndef DX_OPCODE_H
#define DX_OPCODE_H

#include <dogma/module.h>

#define DX_FC_CODES 18 /* 0xFC 0 .. 0xFC 17 */

/* Opcode plus one at the opcode byte, or at 256 + the 0xFC code; 0 where
 * no opcode is defined. */
extern const uint8_t dx_op_by_code[256 + DX_FC_CODES];

/* The single-byte opcodes with no immediates, a fixed stack effect and no
 * memory: their opcode + 1 at their byte, else 0 (opcode.c). */
extern const uint8_t dx_simple_by_byte[256 + DX_FC_CODES]; /* 0xFC codes: 0 */

static inline const dx_opinfo_t *dx_simple_op(uint8_t byte)
{
    uint8_t op = dx_simple_by_byte[byte];
    return op ? &dx_opinfo[op - 1] : 0;
}

#endif
