;; Conversions at their boundaries: trapping truncation just inside and
;; just outside the range, NaN, infinities, -0; the saturating forms;
;; int-to-float conversions that must round (ties to even, and the u64
;; cases a naive shift-and-double gets wrong); demote/promote with
;; rounding, subnormals and NaN; reinterpretations that must keep every
;; bit (signalling NaNs included).
(module
  (func (export "wrap") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
  (func (export "extend_s") (param i32) (result i64) (i64.extend_i32_s (local.get 0)))
  (func (export "extend_u") (param i32) (result i64) (i64.extend_i32_u (local.get 0)))
  ;; a 32-bit result of arithmetic whose x86 register may hold garbage above
  ;; bit 31 if the translator is careless: extend_u must see zeros there
  (func (export "extend_u_of_add") (param i32 i32) (result i64)
    (i64.extend_i32_u (i32.add (local.get 0) (local.get 1))))
  (func (export "extend_u_of_wrap") (param i64) (result i64)
    (i64.extend_i32_u (i32.wrap_i64 (local.get 0))))

  (func (export "i32.trunc_f32_s") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func (export "i32.trunc_f32_u") (param f32) (result i32) (i32.trunc_f32_u (local.get 0)))
  (func (export "i32.trunc_f64_s") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "i32.trunc_f64_u") (param f64) (result i32) (i32.trunc_f64_u (local.get 0)))
  (func (export "i64.trunc_f32_s") (param f32) (result i64) (i64.trunc_f32_s (local.get 0)))
  (func (export "i64.trunc_f32_u") (param f32) (result i64) (i64.trunc_f32_u (local.get 0)))
  (func (export "i64.trunc_f64_s") (param f64) (result i64) (i64.trunc_f64_s (local.get 0)))
  (func (export "i64.trunc_f64_u") (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))
  (func (export "i32.trunc_sat_f32_s") (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0)))
  (func (export "i32.trunc_sat_f32_u") (param f32) (result i32) (i32.trunc_sat_f32_u (local.get 0)))
  (func (export "i32.trunc_sat_f64_s") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
  (func (export "i32.trunc_sat_f64_u") (param f64) (result i32) (i32.trunc_sat_f64_u (local.get 0)))
  (func (export "i64.trunc_sat_f32_s") (param f32) (result i64) (i64.trunc_sat_f32_s (local.get 0)))
  (func (export "i64.trunc_sat_f32_u") (param f32) (result i64) (i64.trunc_sat_f32_u (local.get 0)))
  (func (export "i64.trunc_sat_f64_s") (param f64) (result i64) (i64.trunc_sat_f64_s (local.get 0)))
  (func (export "i64.trunc_sat_f64_u") (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0)))

  (func (export "f32.convert_i32_s") (param i32) (result f32) (f32.convert_i32_s (local.get 0)))
  (func (export "f32.convert_i32_u") (param i32) (result f32) (f32.convert_i32_u (local.get 0)))
  (func (export "f32.convert_i64_s") (param i64) (result f32) (f32.convert_i64_s (local.get 0)))
  (func (export "f32.convert_i64_u") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
  (func (export "f64.convert_i32_s") (param i32) (result f64) (f64.convert_i32_s (local.get 0)))
  (func (export "f64.convert_i32_u") (param i32) (result f64) (f64.convert_i32_u (local.get 0)))
  (func (export "f64.convert_i64_s") (param i64) (result f64) (f64.convert_i64_s (local.get 0)))
  (func (export "f64.convert_i64_u") (param i64) (result f64) (f64.convert_i64_u (local.get 0)))
  ;; convert_u of an i32 computed in a register (upper bits must not leak)
  (func (export "f64.convert_u_of_sub") (param i32 i32) (result f64)
    (f64.convert_i32_u (i32.sub (local.get 0) (local.get 1))))

  (func (export "demote") (param f64) (result f32) (f32.demote_f64 (local.get 0)))
  (func (export "promote") (param f32) (result f64) (f64.promote_f32 (local.get 0)))
  (func (export "i32.reinterpret") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0)))
  (func (export "i64.reinterpret") (param f64) (result i64) (i64.reinterpret_f64 (local.get 0)))
  (func (export "f32.reinterpret") (param i32) (result f32) (f32.reinterpret_i32 (local.get 0)))
  (func (export "f64.reinterpret") (param i64) (result f64) (f64.reinterpret_i64 (local.get 0)))
  ;; constants: the translator materialises these itself
  (func (export "f32.snan_const") (result i32) (i32.reinterpret_f32 (f32.const nan:0x200001)))
  (func (export "f64.snan_const") (result i64) (i64.reinterpret_f64 (f64.const -nan:0x1)))
  (func (export "f32.neg_zero_const") (result f32) (f32.const -0))
)

;; invoke wrap 0x123456789 => i32:0x23456789
;; invoke wrap -1 => i32:-1
;; invoke wrap 0x80000000 => i32:-2147483648
;; invoke wrap 0xffffffff00000000 => i32:0
;; invoke extend_s 0x80000000 => i64:-2147483648
;; invoke extend_s 0x7fffffff => i64:2147483647
;; invoke extend_s -1 => i64:-1
;; invoke extend_u 0x80000000 => i64:2147483648
;; invoke extend_u -1 => i64:4294967295
;; invoke extend_u_of_add 0xffffffff 2 => i64:1
;; invoke extend_u_of_add 0x80000000 0x80000000 => i64:0
;; invoke extend_u_of_wrap 0xffffffff00000005 => i64:5
;; invoke extend_u_of_wrap -1 => i64:4294967295

;; i32.trunc_f32_s: range (-2^31 - 1, 2^31)
;; invoke i32.trunc_f32_s 0 => i32:0
;; invoke i32.trunc_f32_s -0 => i32:0
;; invoke i32.trunc_f32_s 0x1p-149 => i32:0
;; invoke i32.trunc_f32_s -0.75 => i32:0
;; invoke i32.trunc_f32_s 1.5 => i32:1
;; invoke i32.trunc_f32_s -1.5 => i32:-1
;; invoke i32.trunc_f32_s 2147483520 => i32:2147483520
;; invoke i32.trunc_f32_s 2147483648 => trap integer overflow
;; invoke i32.trunc_f32_s -2147483648 => i32:-2147483648
;; invoke i32.trunc_f32_s -2147483904 => trap integer overflow
;; invoke i32.trunc_f32_s inf => trap integer overflow
;; invoke i32.trunc_f32_s -inf => trap integer overflow
;; invoke i32.trunc_f32_s nan => trap invalid conversion to integer
;; invoke i32.trunc_f32_s -nan => trap invalid conversion to integer
;; invoke i32.trunc_f32_s nan:0x200000 => trap invalid conversion to integer
;; i32.trunc_f32_u: range (-1, 2^32)
;; invoke i32.trunc_f32_u -0.75 => i32:0
;; invoke i32.trunc_f32_u -0 => i32:0
;; invoke i32.trunc_f32_u -1 => trap integer overflow
;; invoke i32.trunc_f32_u 2147483648 => i32:-2147483648
;; invoke i32.trunc_f32_u 4294967040 => i32:-256
;; invoke i32.trunc_f32_u 4294967296 => trap integer overflow
;; invoke i32.trunc_f32_u inf => trap integer overflow
;; invoke i32.trunc_f32_u nan => trap invalid conversion to integer
;; i32.trunc_f64_s
;; invoke i32.trunc_f64_s 2147483647.75 => i32:2147483647
;; invoke i32.trunc_f64_s 2147483648 => trap integer overflow
;; invoke i32.trunc_f64_s -2147483648.75 => i32:-2147483648
;; invoke i32.trunc_f64_s -2147483649 => trap integer overflow
;; invoke i32.trunc_f64_s -0.999999 => i32:0
;; invoke i32.trunc_f64_s 1e300 => trap integer overflow
;; invoke i32.trunc_f64_s -inf => trap integer overflow
;; invoke i32.trunc_f64_s nan => trap invalid conversion to integer
;; i32.trunc_f64_u
;; invoke i32.trunc_f64_u 4294967295.75 => i32:-1
;; invoke i32.trunc_f64_u 4294967296 => trap integer overflow
;; invoke i32.trunc_f64_u -0.999999 => i32:0
;; invoke i32.trunc_f64_u -1 => trap integer overflow
;; invoke i32.trunc_f64_u 2147483648.5 => i32:-2147483648
;; invoke i32.trunc_f64_u -nan => trap invalid conversion to integer
;; i64.trunc_f32_s
;; invoke i64.trunc_f32_s 9223371487098961920 => i64:9223371487098961920
;; invoke i64.trunc_f32_s 9223372036854775808 => trap integer overflow
;; invoke i64.trunc_f32_s -9223372036854775808 => i64:-9223372036854775808
;; invoke i64.trunc_f32_s -9223373136366403584 => trap integer overflow
;; invoke i64.trunc_f32_s -1.5 => i64:-1
;; invoke i64.trunc_f32_s 4294967296 => i64:4294967296
;; invoke i64.trunc_f32_s nan => trap invalid conversion to integer
;; i64.trunc_f32_u
;; invoke i64.trunc_f32_u 18446742974197923840 => i64:-1099511627776
;; invoke i64.trunc_f32_u 18446744073709551616 => trap integer overflow
;; invoke i64.trunc_f32_u 9223372036854775808 => i64:-9223372036854775808
;; invoke i64.trunc_f32_u -0.75 => i64:0
;; invoke i64.trunc_f32_u -1 => trap integer overflow
;; invoke i64.trunc_f32_u inf => trap integer overflow
;; i64.trunc_f64_s
;; invoke i64.trunc_f64_s 9223372036854774784 => i64:9223372036854774784
;; invoke i64.trunc_f64_s 9223372036854775808 => trap integer overflow
;; invoke i64.trunc_f64_s -9223372036854775808 => i64:-9223372036854775808
;; invoke i64.trunc_f64_s -9223372036854777856 => trap integer overflow
;; invoke i64.trunc_f64_s -0 => i64:0
;; invoke i64.trunc_f64_s 4503599627370495.5 => i64:4503599627370495
;; invoke i64.trunc_f64_s inf => trap integer overflow
;; invoke i64.trunc_f64_s nan => trap invalid conversion to integer
;; i64.trunc_f64_u
;; invoke i64.trunc_f64_u 18446744073709549568 => i64:-2048
;; invoke i64.trunc_f64_u 18446744073709551616 => trap integer overflow
;; invoke i64.trunc_f64_u 9223372036854775808 => i64:-9223372036854775808
;; invoke i64.trunc_f64_u 9223372036854777856 => i64:-9223372036854773760
;; invoke i64.trunc_f64_u 9223372036854774784 => i64:9223372036854774784
;; invoke i64.trunc_f64_u -0.999999 => i64:0
;; invoke i64.trunc_f64_u -1 => trap integer overflow
;; invoke i64.trunc_f64_u -inf => trap integer overflow
;; invoke i64.trunc_f64_u nan => trap invalid conversion to integer

;; saturating: NaN to 0, out of range to the nearest bound
;; invoke i32.trunc_sat_f32_s nan => i32:0
;; invoke i32.trunc_sat_f32_s -nan => i32:0
;; invoke i32.trunc_sat_f32_s inf => i32:2147483647
;; invoke i32.trunc_sat_f32_s -inf => i32:-2147483648
;; invoke i32.trunc_sat_f32_s 2147483648 => i32:2147483647
;; invoke i32.trunc_sat_f32_s 2147483520 => i32:2147483520
;; invoke i32.trunc_sat_f32_s -2147483904 => i32:-2147483648
;; invoke i32.trunc_sat_f32_s -1.5 => i32:-1
;; invoke i32.trunc_sat_f32_u nan => i32:0
;; invoke i32.trunc_sat_f32_u -1 => i32:0
;; invoke i32.trunc_sat_f32_u -inf => i32:0
;; invoke i32.trunc_sat_f32_u inf => i32:-1
;; invoke i32.trunc_sat_f32_u 4294967296 => i32:-1
;; invoke i32.trunc_sat_f32_u 4294967040 => i32:-256
;; invoke i32.trunc_sat_f32_u 2147483648 => i32:-2147483648
;; invoke i32.trunc_sat_f64_s 2147483647.75 => i32:2147483647
;; invoke i32.trunc_sat_f64_s 2147483648 => i32:2147483647
;; invoke i32.trunc_sat_f64_s -2147483649 => i32:-2147483648
;; invoke i32.trunc_sat_f64_s nan => i32:0
;; invoke i32.trunc_sat_f64_u 4294967295.75 => i32:-1
;; invoke i32.trunc_sat_f64_u 1e300 => i32:-1
;; invoke i32.trunc_sat_f64_u -1e300 => i32:0
;; invoke i32.trunc_sat_f64_u -0.5 => i32:0
;; invoke i32.trunc_sat_f64_u nan => i32:0
;; invoke i64.trunc_sat_f32_s 9223372036854775808 => i64:9223372036854775807
;; invoke i64.trunc_sat_f32_s -9223373136366403584 => i64:-9223372036854775808
;; invoke i64.trunc_sat_f32_s 9223371487098961920 => i64:9223371487098961920
;; invoke i64.trunc_sat_f32_s nan => i64:0
;; invoke i64.trunc_sat_f32_u 18446744073709551616 => i64:-1
;; invoke i64.trunc_sat_f32_u 9223372036854775808 => i64:-9223372036854775808
;; invoke i64.trunc_sat_f32_u -inf => i64:0
;; invoke i64.trunc_sat_f64_s inf => i64:9223372036854775807
;; invoke i64.trunc_sat_f64_s -inf => i64:-9223372036854775808
;; invoke i64.trunc_sat_f64_s 9223372036854774784 => i64:9223372036854774784
;; invoke i64.trunc_sat_f64_s -9223372036854777856 => i64:-9223372036854775808
;; invoke i64.trunc_sat_f64_s nan => i64:0
;; invoke i64.trunc_sat_f64_u 18446744073709549568 => i64:-2048
;; invoke i64.trunc_sat_f64_u 18446744073709551616 => i64:-1
;; invoke i64.trunc_sat_f64_u 9223372036854777856 => i64:-9223372036854773760
;; invoke i64.trunc_sat_f64_u -0.5 => i64:0
;; invoke i64.trunc_sat_f64_u -nan => i64:0

;; int to float: round to nearest, ties to even
;; invoke f32.convert_i32_s 0x7fffffff => f32:2147483648
;; invoke f32.convert_i32_s -2147483648 => f32:-2147483648
;; invoke f32.convert_i32_s 16777217 => f32:16777216
;; invoke f32.convert_i32_s 16777219 => f32:16777220
;; invoke f32.convert_i32_s -16777219 => f32:-16777220
;; invoke f32.convert_i32_s 0 => f32:0
;; invoke f32.convert_i32_u 0xffffffff => f32:4294967296
;; invoke f32.convert_i32_u 0x80000000 => f32:2147483648
;; invoke f32.convert_i32_u 0x80000080 => f32:2147483648
;; invoke f32.convert_i32_u 0x80000081 => f32:2147483904
;; invoke f32.convert_i32_u 16777217 => f32:16777216
;; invoke f32.convert_i64_s 0x7fffffffffffffff => f32:9223372036854775808
;; invoke f32.convert_i64_s -9223372036854775808 => f32:-9223372036854775808
;; invoke f32.convert_i64_s 0x20000020000001 => f32:9007200328482816
;; invoke f32.convert_i64_s -0x20000020000001 => f32:-9007200328482816
;; invoke f32.convert_i64_s 16777217 => f32:16777216
;; invoke f32.convert_i64_u 0xffffffffffffffff => f32:18446744073709551616
;; invoke f32.convert_i64_u 0x8000000000000001 => f32:9223372036854775808
;; invoke f32.convert_i64_u 0x8000008000000000 => f32:9223372036854775808
;; invoke f32.convert_i64_u 0x8000008000000001 => f32:9223373136366403584
;; invoke f32.convert_i64_u 0x20000020000001 => f32:9007200328482816
;; invoke f32.convert_i64_u 0xffffff7fffffffff => f32:18446742974197923840
;; invoke f64.convert_i32_s -1 => f64:-1
;; invoke f64.convert_i32_s -2147483648 => f64:-2147483648
;; invoke f64.convert_i32_u 0xffffffff => f64:4294967295
;; invoke f64.convert_i32_u 0x80000000 => f64:2147483648
;; invoke f64.convert_i64_s 9007199254740993 => f64:9007199254740992
;; invoke f64.convert_i64_s 9007199254740995 => f64:9007199254740996
;; invoke f64.convert_i64_s 0x7fffffffffffffff => f64:9223372036854775808
;; invoke f64.convert_i64_s -9223372036854775808 => f64:-9223372036854775808
;; invoke f64.convert_i64_u 0xffffffffffffffff => f64:18446744073709551616
;; invoke f64.convert_i64_u 0x8000000000000400 => f64:9223372036854775808
;; invoke f64.convert_i64_u 0x8000000000000401 => f64:9223372036854777856
;; invoke f64.convert_i64_u 0x8000000000000c00 => f64:9223372036854779904
;; invoke f64.convert_i64_u 9007199254740993 => f64:9007199254740992
;; invoke f64.convert_u_of_sub 0 1 => f64:4294967295
;; invoke f64.convert_u_of_sub 5 3 => f64:2

;; demote: round to nearest even, overflow to inf, subnormals, NaN
;; invoke demote 0x1.fffffefffffffp127 => f32:0x1.fffffep127
;; invoke demote 0x1.ffffffp127 => f32:inf
;; invoke demote -0x1.ffffffp127 => f32:-inf
;; invoke demote 1e300 => f32:inf
;; invoke demote 0x1.000001p0 => f32:1
;; invoke demote 0x1.000003p0 => f32:0x1.000004p0
;; invoke demote 0x1.0000010000001p0 => f32:0x1.000002p0
;; invoke demote 0x1p-149 => f32:0x1p-149
;; invoke demote 0x1p-150 => f32:0
;; invoke demote 0x1.0000000000001p-150 => f32:0x1p-149
;; invoke demote -0x1p-160 => f32:-0
;; invoke demote -0 => f32:-0
;; invoke demote inf => f32:inf
;; invoke demote nan => f32:nan:canonical
;; invoke demote -nan => f32:nan:canonical
;; invoke demote nan:0x4000000000001 => f32:nan:arithmetic
;; invoke demote nan:0x1 => f32:nan:arithmetic
;; promote
;; invoke promote 0x1p-149 => f64:0x1p-149
;; invoke promote 0x1.fffffep127 => f64:0x1.fffffep127
;; invoke promote -0 => f64:-0
;; invoke promote -inf => f64:-inf
;; invoke promote nan => f64:nan:canonical
;; invoke promote nan:0x200000 => f64:nan:arithmetic
;; invoke promote 0.1 => f64:0x1.99999ap-4

;; reinterpret: every bit kept
;; invoke i32.reinterpret -0 => i32:-2147483648
;; invoke i32.reinterpret nan:0x200000 => i32:0x7fa00000
;; invoke i32.reinterpret -nan:0x1 => i32:0xff800001
;; invoke i32.reinterpret 1 => i32:0x3f800000
;; invoke i64.reinterpret -0 => i64:0x8000000000000000
;; invoke i64.reinterpret nan:0x1 => i64:0x7ff0000000000001
;; invoke i64.reinterpret -nan:0x8000000000000 => i64:0xfff8000000000000
;; invoke f32.reinterpret 0x7fa00001 => f32:bits:0x7fa00001
;; invoke f32.reinterpret 0xff800001 => f32:bits:0xff800001
;; invoke f32.reinterpret 0x80000000 => f32:-0
;; invoke f32.reinterpret 1 => f32:0x1p-149
;; invoke f64.reinterpret 0x7ff0000000000001 => f64:bits:0x7ff0000000000001
;; invoke f64.reinterpret 0xfff4000000000000 => f64:bits:0xfff4000000000000
;; invoke f64.reinterpret 0x8000000000000000 => f64:-0
;; invoke f32.snan_const => i32:0x7fa00001
;; invoke f64.snan_const => i64:0xfff0000000000001
;; invoke f32.neg_zero_const => f32:-0
