;; i64 integer operations: arithmetic wrap-around, division and remainder
;; edge cases, shift and rotate counts taken modulo 64 (including
;; out-of-range and negative counts), bit counts at 0 and all-ones,
;; comparisons at the signed/unsigned boundaries, sign extension.
;; Operands come both as parameters and as constants, since a translator
;; treats immediates separately.
(module
  (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "sub") (param i64 i64) (result i64) (i64.sub (local.get 0) (local.get 1)))
  (func (export "mul") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "div_s") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "div_u") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_u") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "and") (param i64 i64) (result i64) (i64.and (local.get 0) (local.get 1)))
  (func (export "or") (param i64 i64) (result i64) (i64.or (local.get 0) (local.get 1)))
  (func (export "xor") (param i64 i64) (result i64) (i64.xor (local.get 0) (local.get 1)))
  (func (export "shl") (param i64 i64) (result i64) (i64.shl (local.get 0) (local.get 1)))
  (func (export "shr_s") (param i64 i64) (result i64) (i64.shr_s (local.get 0) (local.get 1)))
  (func (export "shr_u") (param i64 i64) (result i64) (i64.shr_u (local.get 0) (local.get 1)))
  (func (export "rotl") (param i64 i64) (result i64) (i64.rotl (local.get 0) (local.get 1)))
  (func (export "rotr") (param i64 i64) (result i64) (i64.rotr (local.get 0) (local.get 1)))
  (func (export "eq") (param i64 i64) (result i32) (i64.eq (local.get 0) (local.get 1)))
  (func (export "ne") (param i64 i64) (result i32) (i64.ne (local.get 0) (local.get 1)))
  (func (export "lt_s") (param i64 i64) (result i32) (i64.lt_s (local.get 0) (local.get 1)))
  (func (export "lt_u") (param i64 i64) (result i32) (i64.lt_u (local.get 0) (local.get 1)))
  (func (export "gt_s") (param i64 i64) (result i32) (i64.gt_s (local.get 0) (local.get 1)))
  (func (export "gt_u") (param i64 i64) (result i32) (i64.gt_u (local.get 0) (local.get 1)))
  (func (export "le_s") (param i64 i64) (result i32) (i64.le_s (local.get 0) (local.get 1)))
  (func (export "le_u") (param i64 i64) (result i32) (i64.le_u (local.get 0) (local.get 1)))
  (func (export "ge_s") (param i64 i64) (result i32) (i64.ge_s (local.get 0) (local.get 1)))
  (func (export "ge_u") (param i64 i64) (result i32) (i64.ge_u (local.get 0) (local.get 1)))
  (func (export "clz") (param i64) (result i64) (i64.clz (local.get 0)))
  (func (export "ctz") (param i64) (result i64) (i64.ctz (local.get 0)))
  (func (export "popcnt") (param i64) (result i64) (i64.popcnt (local.get 0)))
  (func (export "eqz") (param i64) (result i32) (i64.eqz (local.get 0)))
  (func (export "extend8_s") (param i64) (result i64) (i64.extend8_s (local.get 0)))
  (func (export "extend16_s") (param i64) (result i64) (i64.extend16_s (local.get 0)))
  (func (export "extend32_s") (param i64) (result i64) (i64.extend32_s (local.get 0)))
  ;; constant right operands
  (func (export "div_s_m1") (param i64) (result i64) (i64.div_s (local.get 0) (i64.const -1)))
  (func (export "rem_s_m1") (param i64) (result i64) (i64.rem_s (local.get 0) (i64.const -1)))
  (func (export "div_u_0") (param i64) (result i64) (i64.div_u (local.get 0) (i64.const 0)))
  (func (export "div_s_8") (param i64) (result i64) (i64.div_s (local.get 0) (i64.const 8)))
  (func (export "rem_u_10") (param i64) (result i64) (i64.rem_u (local.get 0) (i64.const 10)))
  (func (export "shl_65") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 65)))
  (func (export "shr_s_m1") (param i64) (result i64) (i64.shr_s (local.get 0) (i64.const -1)))
  (func (export "shr_u_64") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 64)))
  (func (export "rotr_m8") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const -8)))
  (func (export "mul_big") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 0x100000001)))
  (func (export "add_big") (param i64) (result i64) (i64.add (local.get 0) (i64.const 0x7fffffff00000000)))
  (func (export "and_big") (param i64) (result i64) (i64.and (local.get 0) (i64.const 0xffffffff00000000)))
  (func (export "cmp_big") (param i64) (result i32) (i64.lt_u (local.get 0) (i64.const 0x100000000)))
  (func (export "sub_self") (param i64) (result i64) (i64.sub (local.get 0) (local.get 0)))
  (func (export "rotl_self") (param i64) (result i64) (i64.rotl (local.get 0) (local.get 0)))
)

;; invoke add 1 2 => i64:3
;; invoke add 0x7fffffffffffffff 1 => i64:-9223372036854775808
;; invoke add 0xffffffffffffffff 1 => i64:0
;; invoke add 0xffffffff 1 => i64:4294967296
;; invoke sub 0 1 => i64:-1
;; invoke sub 0x100000000 1 => i64:4294967295
;; invoke sub -9223372036854775808 1 => i64:9223372036854775807
;; invoke mul 0x100000000 0x100000000 => i64:0
;; invoke mul 0xffffffff 0xffffffff => i64:-8589934591
;; invoke mul 0x7fffffffffffffff 2 => i64:-2
;; invoke mul 123456789012345 987654321 => i64:-347202392274589015

;; invoke div_s 7 2 => i64:3
;; invoke div_s -7 2 => i64:-3
;; invoke div_s 7 -2 => i64:-3
;; invoke div_s -9223372036854775808 -1 => trap integer overflow
;; invoke div_s -9223372036854775808 2 => i64:-4611686018427387904
;; invoke div_s 0x100000000 -1 => i64:-4294967296
;; invoke div_s -2147483648 -1 => i64:2147483648
;; invoke div_s 1 0 => trap integer divide by zero
;; invoke div_s 0x100000000 0 => trap integer divide by zero
;; invoke div_u -1 2 => i64:9223372036854775807
;; invoke div_u -9223372036854775808 -1 => i64:0
;; invoke div_u 0x100000000 0x10 => i64:268435456
;; invoke div_u 1 0 => trap integer divide by zero
;; invoke rem_s -7 2 => i64:-1
;; invoke rem_s 7 -2 => i64:1
;; invoke rem_s -9223372036854775808 -1 => i64:0
;; invoke rem_s 9223372036854775807 -1 => i64:0
;; invoke rem_s 5 0 => trap integer divide by zero
;; invoke rem_u -1 10 => i64:5
;; invoke rem_u -9223372036854775808 -1 => i64:-9223372036854775808
;; invoke rem_u 5 0 => trap integer divide by zero

;; invoke div_s_m1 5 => i64:-5
;; invoke div_s_m1 -9223372036854775808 => trap integer overflow
;; invoke rem_s_m1 -9223372036854775808 => i64:0
;; invoke div_u_0 9 => trap integer divide by zero
;; invoke div_s_8 -9 => i64:-1
;; invoke rem_u_10 -1 => i64:5
;; invoke shl_65 1 => i64:2
;; invoke shr_s_m1 -9223372036854775808 => i64:-1
;; invoke shr_u_64 -1 => i64:-1
;; invoke rotr_m8 0x0123456789abcdef => i64:0x23456789abcdef01
;; invoke mul_big 0xffffffff => i64:-1
;; invoke add_big 0x100000000 => i64:-9223372036854775808
;; invoke and_big -1 => i64:-4294967296
;; invoke cmp_big 0xffffffff => i32:1
;; invoke cmp_big 0x100000000 => i32:0
;; invoke sub_self -1 => i64:0
;; invoke rotl_self 0x8000000000000001 => i64:3

;; invoke and 0xff00ff00ff00ff00 0x0ff00ff00ff00ff0 => i64:0x0f000f000f000f00
;; invoke or 0xff00000000000000 0xff => i64:0xff000000000000ff
;; invoke xor -1 0x0123456789abcdef => i64:0xfedcba9876543210

;; shifts and rotates: the count is taken modulo 64
;; invoke shl 1 0 => i64:1
;; invoke shl 1 31 => i64:2147483648
;; invoke shl 1 32 => i64:4294967296
;; invoke shl 1 63 => i64:-9223372036854775808
;; invoke shl 1 64 => i64:1
;; invoke shl 1 65 => i64:2
;; invoke shl 1 -1 => i64:-9223372036854775808
;; invoke shl 1 0x8000000000000020 => i64:4294967296
;; invoke shr_s -9223372036854775808 63 => i64:-1
;; invoke shr_s -9223372036854775808 64 => i64:-9223372036854775808
;; invoke shr_s -9223372036854775808 32 => i64:-2147483648
;; invoke shr_s 0x4000000000000000 -2 => i64:1
;; invoke shr_u -9223372036854775808 63 => i64:1
;; invoke shr_u -1 32 => i64:4294967295
;; invoke shr_u -1 -1 => i64:1
;; invoke shr_u -1 96 => i64:4294967295
;; invoke rotl 0x8000000000000001 1 => i64:3
;; invoke rotl 0x0123456789abcdef 4 => i64:0x123456789abcdef0
;; invoke rotl 0x0123456789abcdef 32 => i64:0x89abcdef01234567
;; invoke rotl 0x0123456789abcdef 64 => i64:0x0123456789abcdef
;; invoke rotl 0x0123456789abcdef -4 => i64:0xf0123456789abcde
;; invoke rotr 0x8000000000000001 1 => i64:0xc000000000000000
;; invoke rotr 0x0123456789abcdef 4 => i64:0xf0123456789abcde
;; invoke rotr 0x0123456789abcdef 68 => i64:0xf0123456789abcde
;; invoke rotr 0x0123456789abcdef -4 => i64:0x123456789abcdef0

;; invoke clz 0 => i64:64
;; invoke clz -1 => i64:0
;; invoke clz 1 => i64:63
;; invoke clz 0x100000000 => i64:31
;; invoke clz 0xffffffff => i64:32
;; invoke ctz 0 => i64:64
;; invoke ctz -1 => i64:0
;; invoke ctz 0x100000000 => i64:32
;; invoke ctz 0x8000000000000000 => i64:63
;; invoke popcnt 0 => i64:0
;; invoke popcnt -1 => i64:64
;; invoke popcnt 0x8000000180000001 => i64:4

;; invoke eqz 0 => i32:1
;; invoke eqz 0x100000000 => i32:0
;; invoke eq 0x100000001 1 => i32:0
;; invoke ne 0x100000001 1 => i32:1
;; invoke lt_s -1 0 => i32:1
;; invoke lt_u -1 0 => i32:0
;; invoke lt_s 0x80000000 0x7fffffff => i32:0
;; invoke lt_u 0xffffffff 0x100000000 => i32:1
;; invoke gt_s -9223372036854775808 9223372036854775807 => i32:0
;; invoke gt_u -9223372036854775808 9223372036854775807 => i32:1
;; invoke le_s 5 5 => i32:1
;; invoke le_u -1 0 => i32:0
;; invoke ge_s 0 -1 => i32:1
;; invoke ge_u 0 -1 => i32:0

;; invoke extend8_s 0x7f => i64:127
;; invoke extend8_s 0x80 => i64:-128
;; invoke extend8_s 0x0123456789abcd80 => i64:-128
;; invoke extend16_s 0x8000 => i64:-32768
;; invoke extend16_s 0xffffffffffff7fff => i64:32767
;; invoke extend32_s 0x7fffffff => i64:2147483647
;; invoke extend32_s 0x80000000 => i64:-2147483648
;; invoke extend32_s 0x0123456780000000 => i64:-2147483648
;; invoke extend32_s 0xffffffff00000001 => i64:1
