;; i32 integer operations: arithmetic wrap-around, division and remainder
;; edge cases, shift and rotate counts taken modulo 32 (including
;; out-of-range and negative counts), bit counts at 0 and all-ones,
;; comparisons at the signed/unsigned boundaries, sign extension.
;; Operands come both as parameters and as constants, since a translator
;; treats immediates separately.
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func (export "mul") (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1)))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "and") (param i32 i32) (result i32) (i32.and (local.get 0) (local.get 1)))
  (func (export "or") (param i32 i32) (result i32) (i32.or (local.get 0) (local.get 1)))
  (func (export "xor") (param i32 i32) (result i32) (i32.xor (local.get 0) (local.get 1)))
  (func (export "shl") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
  (func (export "shr_s") (param i32 i32) (result i32) (i32.shr_s (local.get 0) (local.get 1)))
  (func (export "shr_u") (param i32 i32) (result i32) (i32.shr_u (local.get 0) (local.get 1)))
  (func (export "rotl") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
  (func (export "rotr") (param i32 i32) (result i32) (i32.rotr (local.get 0) (local.get 1)))
  (func (export "eq") (param i32 i32) (result i32) (i32.eq (local.get 0) (local.get 1)))
  (func (export "ne") (param i32 i32) (result i32) (i32.ne (local.get 0) (local.get 1)))
  (func (export "lt_s") (param i32 i32) (result i32) (i32.lt_s (local.get 0) (local.get 1)))
  (func (export "lt_u") (param i32 i32) (result i32) (i32.lt_u (local.get 0) (local.get 1)))
  (func (export "gt_s") (param i32 i32) (result i32) (i32.gt_s (local.get 0) (local.get 1)))
  (func (export "gt_u") (param i32 i32) (result i32) (i32.gt_u (local.get 0) (local.get 1)))
  (func (export "le_s") (param i32 i32) (result i32) (i32.le_s (local.get 0) (local.get 1)))
  (func (export "le_u") (param i32 i32) (result i32) (i32.le_u (local.get 0) (local.get 1)))
  (func (export "ge_s") (param i32 i32) (result i32) (i32.ge_s (local.get 0) (local.get 1)))
  (func (export "ge_u") (param i32 i32) (result i32) (i32.ge_u (local.get 0) (local.get 1)))
  (func (export "clz") (param i32) (result i32) (i32.clz (local.get 0)))
  (func (export "ctz") (param i32) (result i32) (i32.ctz (local.get 0)))
  (func (export "popcnt") (param i32) (result i32) (i32.popcnt (local.get 0)))
  (func (export "eqz") (param i32) (result i32) (i32.eqz (local.get 0)))
  (func (export "extend8_s") (param i32) (result i32) (i32.extend8_s (local.get 0)))
  (func (export "extend16_s") (param i32) (result i32) (i32.extend16_s (local.get 0)))
  ;; constant right operands
  (func (export "div_s_m1") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const -1)))
  (func (export "rem_s_m1") (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const -1)))
  (func (export "div_u_0") (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
  (func (export "rem_s_0") (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const 0)))
  (func (export "div_s_8") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 8)))
  (func (export "rem_s_8") (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const 8)))
  (func (export "div_u_7") (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 7)))
  (func (export "shl_33") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 33)))
  (func (export "shr_s_m1") (param i32) (result i32) (i32.shr_s (local.get 0) (i32.const -1)))
  (func (export "shr_u_32") (param i32) (result i32) (i32.shr_u (local.get 0) (i32.const 32)))
  (func (export "rotl_m8") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const -8)))
  (func (export "mul_c") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 0x10001)))
  (func (export "sub_from_0") (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
  ;; the same operand twice (a register allocator may alias them)
  (func (export "sub_self") (param i32) (result i32) (i32.sub (local.get 0) (local.get 0)))
  (func (export "div_s_self") (param i32) (result i32) (i32.div_s (local.get 0) (local.get 0)))
  (func (export "shl_self") (param i32) (result i32) (i32.shl (local.get 0) (local.get 0)))
)

;; invoke add 1 2 => i32:3
;; invoke add 0x7fffffff 1 => i32:-2147483648
;; invoke add 0xffffffff 1 => i32:0
;; invoke add -2147483648 -2147483648 => i32:0
;; invoke sub 0 1 => i32:-1
;; invoke sub -2147483648 1 => i32:2147483647
;; invoke mul 0x10000 0x10000 => i32:0
;; invoke mul 0x7fffffff 2 => i32:-2
;; invoke mul -1 -2147483648 => i32:-2147483648
;; invoke mul 123456789 987654321 => i32:-67153019

;; invoke div_s 7 2 => i32:3
;; invoke div_s -7 2 => i32:-3
;; invoke div_s 7 -2 => i32:-3
;; invoke div_s -7 -2 => i32:3
;; invoke div_s -2147483648 -1 => trap integer overflow
;; invoke div_s -2147483648 1 => i32:-2147483648
;; invoke div_s -2147483648 2 => i32:-1073741824
;; invoke div_s 1 0 => trap integer divide by zero
;; invoke div_s 0 0 => trap integer divide by zero
;; invoke div_s -2147483648 0 => trap integer divide by zero
;; invoke div_u 7 2 => i32:3
;; invoke div_u -1 2 => i32:2147483647
;; invoke div_u -2147483648 -1 => i32:0
;; invoke div_u -1 -1 => i32:1
;; invoke div_u 1 0 => trap integer divide by zero
;; invoke rem_s 7 2 => i32:1
;; invoke rem_s -7 2 => i32:-1
;; invoke rem_s 7 -2 => i32:1
;; invoke rem_s -7 -2 => i32:-1
;; invoke rem_s -2147483648 -1 => i32:0
;; invoke rem_s 2147483647 -1 => i32:0
;; invoke rem_s -2147483648 2 => i32:0
;; invoke rem_s 5 0 => trap integer divide by zero
;; invoke rem_u 7 2 => i32:1
;; invoke rem_u -1 10 => i32:5
;; invoke rem_u -2147483648 -1 => i32:-2147483648
;; invoke rem_u 5 0 => trap integer divide by zero

;; invoke div_s_m1 5 => i32:-5
;; invoke div_s_m1 -2147483648 => trap integer overflow
;; invoke rem_s_m1 -2147483648 => i32:0
;; invoke rem_s_m1 7 => i32:0
;; invoke div_u_0 9 => trap integer divide by zero
;; invoke rem_s_0 9 => trap integer divide by zero
;; invoke div_s_8 -9 => i32:-1
;; invoke div_s_8 -2147483648 => i32:-268435456
;; invoke rem_s_8 -9 => i32:-1
;; invoke rem_s_8 9 => i32:1
;; invoke div_u_7 -1 => i32:613566756
;; invoke shl_33 1 => i32:2
;; invoke shr_s_m1 -2147483648 => i32:-1
;; invoke shr_s_m1 0x7fffffff => i32:0
;; invoke shr_u_32 -1 => i32:-1
;; invoke rotl_m8 0x12345678 => i32:0x78123456
;; invoke mul_c 0xffff => i32:-1
;; invoke sub_from_0 -2147483648 => i32:-2147483648
;; invoke sub_self 12345 => i32:0
;; invoke div_s_self -2147483648 => i32:1
;; invoke div_s_self 0 => trap integer divide by zero
;; invoke shl_self 33 => i32:66
;; invoke shl_self 31 => i32:-2147483648

;; invoke and 0xff00ff00 0x0ff00ff0 => i32:0x0f000f00
;; invoke or 0xff00ff00 0x0ff00ff0 => i32:0xfff0fff0
;; invoke xor 0xff00ff00 0x0ff00ff0 => i32:0xf0f0f0f0
;; invoke xor -1 0x12345678 => i32:0xedcba987

;; shifts and rotates: the count is taken modulo 32
;; invoke shl 1 0 => i32:1
;; invoke shl 1 31 => i32:-2147483648
;; invoke shl 1 32 => i32:1
;; invoke shl 1 33 => i32:2
;; invoke shl 1 -1 => i32:-2147483648
;; invoke shl 0x12345678 0x7ffffffc => i32:0x80000000
;; invoke shl 1 0x80000001 => i32:2
;; invoke shr_s -2147483648 31 => i32:-1
;; invoke shr_s -2147483648 32 => i32:-2147483648
;; invoke shr_s -2147483648 63 => i32:-1
;; invoke shr_s 0x40000000 -2 => i32:1
;; invoke shr_s -1 100 => i32:-1
;; invoke shr_u -2147483648 31 => i32:1
;; invoke shr_u -2147483648 32 => i32:-2147483648
;; invoke shr_u -1 -1 => i32:1
;; invoke shr_u -1 33 => i32:0x7fffffff
;; invoke rotl 0x80000001 1 => i32:3
;; invoke rotl 0x12345678 0 => i32:0x12345678
;; invoke rotl 0x12345678 32 => i32:0x12345678
;; invoke rotl 0x12345678 4 => i32:0x23456781
;; invoke rotl 0x12345678 36 => i32:0x23456781
;; invoke rotl 0x12345678 -4 => i32:0x81234567
;; invoke rotr 0x80000001 1 => i32:0xc0000000
;; invoke rotr 0x12345678 4 => i32:0x81234567
;; invoke rotr 0x12345678 -4 => i32:0x23456781
;; invoke rotr 0x12345678 0x80000008 => i32:0x78123456

;; invoke clz 0 => i32:32
;; invoke clz -1 => i32:0
;; invoke clz 1 => i32:31
;; invoke clz 0x8000 => i32:16
;; invoke ctz 0 => i32:32
;; invoke ctz -1 => i32:0
;; invoke ctz 0x80000000 => i32:31
;; invoke ctz 0x8000 => i32:15
;; invoke popcnt 0 => i32:0
;; invoke popcnt -1 => i32:32
;; invoke popcnt 0x80008001 => i32:3
;; invoke popcnt 0xaaaaaaaa => i32:16

;; invoke eqz 0 => i32:1
;; invoke eqz 1 => i32:0
;; invoke eqz -2147483648 => i32:0
;; invoke eq 5 5 => i32:1
;; invoke eq -1 0xffffffff => i32:1
;; invoke ne -1 0 => i32:1
;; invoke lt_s -1 0 => i32:1
;; invoke lt_u -1 0 => i32:0
;; invoke lt_s -2147483648 2147483647 => i32:1
;; invoke lt_u -2147483648 2147483647 => i32:0
;; invoke gt_s -2147483648 2147483647 => i32:0
;; invoke gt_u -2147483648 2147483647 => i32:1
;; invoke le_s 5 5 => i32:1
;; invoke le_u -1 0 => i32:0
;; invoke le_s -1 0 => i32:1
;; invoke ge_s 0 -1 => i32:1
;; invoke ge_u 0 -1 => i32:0
;; invoke ge_u 7 7 => i32:1

;; invoke extend8_s 0x7f => i32:127
;; invoke extend8_s 0x80 => i32:-128
;; invoke extend8_s 0x12345680 => i32:-128
;; invoke extend8_s 0xffffff01 => i32:1
;; invoke extend16_s 0x7fff => i32:32767
;; invoke extend16_s 0x8000 => i32:-32768
;; invoke extend16_s 0x12348000 => i32:-32768
;; invoke extend16_s 0xffff0001 => i32:1
