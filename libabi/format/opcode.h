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

#endif
