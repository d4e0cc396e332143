;; Float operations: min/max with signed zeros and NaN, copysign/abs/neg
;; as pure bit operations (NaN payloads and signs kept), nearest (ties to
;; even), ceil/floor/trunc at -0 and half-way points, sqrt, arithmetic NaN
;; results, and every comparison with NaN operands (false, except ne).
(module
  (func (export "f32.add") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
  (func (export "f32.sub") (param f32 f32) (result f32) (f32.sub (local.get 0) (local.get 1)))
  (func (export "f32.mul") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1)))
  (func (export "f32.div") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
  (func (export "f32.min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
  (func (export "f32.max") (param f32 f32) (result f32) (f32.max (local.get 0) (local.get 1)))
  (func (export "f32.copysign") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))
  (func (export "f32.eq") (param f32 f32) (result i32) (f32.eq (local.get 0) (local.get 1)))
  (func (export "f32.ne") (param f32 f32) (result i32) (f32.ne (local.get 0) (local.get 1)))
  (func (export "f32.lt") (param f32 f32) (result i32) (f32.lt (local.get 0) (local.get 1)))
  (func (export "f32.gt") (param f32 f32) (result i32) (f32.gt (local.get 0) (local.get 1)))
  (func (export "f32.le") (param f32 f32) (result i32) (f32.le (local.get 0) (local.get 1)))
  (func (export "f32.ge") (param f32 f32) (result i32) (f32.ge (local.get 0) (local.get 1)))
  (func (export "f32.abs") (param f32) (result f32) (f32.abs (local.get 0)))
  (func (export "f32.neg") (param f32) (result f32) (f32.neg (local.get 0)))
  (func (export "f32.ceil") (param f32) (result f32) (f32.ceil (local.get 0)))
  (func (export "f32.floor") (param f32) (result f32) (f32.floor (local.get 0)))
  (func (export "f32.trunc") (param f32) (result f32) (f32.trunc (local.get 0)))
  (func (export "f32.nearest") (param f32) (result f32) (f32.nearest (local.get 0)))
  (func (export "f32.sqrt") (param f32) (result f32) (f32.sqrt (local.get 0)))
  (func (export "f64.add") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1)))
  (func (export "f64.sub") (param f64 f64) (result f64) (f64.sub (local.get 0) (local.get 1)))
  (func (export "f64.mul") (param f64 f64) (result f64) (f64.mul (local.get 0) (local.get 1)))
  (func (export "f64.div") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
  (func (export "f64.min") (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))
  (func (export "f64.max") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
  (func (export "f64.copysign") (param f64 f64) (result f64) (f64.copysign (local.get 0) (local.get 1)))
  (func (export "f64.eq") (param f64 f64) (result i32) (f64.eq (local.get 0) (local.get 1)))
  (func (export "f64.ne") (param f64 f64) (result i32) (f64.ne (local.get 0) (local.get 1)))
  (func (export "f64.lt") (param f64 f64) (result i32) (f64.lt (local.get 0) (local.get 1)))
  (func (export "f64.gt") (param f64 f64) (result i32) (f64.gt (local.get 0) (local.get 1)))
  (func (export "f64.le") (param f64 f64) (result i32) (f64.le (local.get 0) (local.get 1)))
  (func (export "f64.ge") (param f64 f64) (result i32) (f64.ge (local.get 0) (local.get 1)))
  (func (export "f64.abs") (param f64) (result f64) (f64.abs (local.get 0)))
  (func (export "f64.neg") (param f64) (result f64) (f64.neg (local.get 0)))
  (func (export "f64.ceil") (param f64) (result f64) (f64.ceil (local.get 0)))
  (func (export "f64.floor") (param f64) (result f64) (f64.floor (local.get 0)))
  (func (export "f64.trunc") (param f64) (result f64) (f64.trunc (local.get 0)))
  (func (export "f64.nearest") (param f64) (result f64) (f64.nearest (local.get 0)))
  (func (export "f64.sqrt") (param f64) (result f64) (f64.sqrt (local.get 0)))
  ;; min/max with a constant operand, and with the same operand twice
  (func (export "f32.min_negzero") (param f32) (result f32) (f32.min (local.get 0) (f32.const -0)))
  (func (export "f64.max_zero") (param f64) (result f64) (f64.max (f64.const 0) (local.get 0)))
  (func (export "f64.min_self") (param f64) (result f64) (f64.min (local.get 0) (local.get 0)))
  ;; a compare feeding a branch rather than producing a value
  (func (export "f64.lt_branch") (param f64 f64) (result i32)
    (if (result i32) (f64.lt (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
  (func (export "f32.ne_branch") (param f32 f32) (result i32)
    (if (result i32) (f32.ne (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
  (func (export "f64.ge_brif") (param f64 f64) (result i32)
    (block (result i32) (drop (br_if 0 (i32.const 1) (f64.ge (local.get 0) (local.get 1)))) (i32.const 0)))
  (func (export "f32.eq_select") (param f32 f32) (result i32)
    (select (i32.const 10) (i32.const 20) (f32.eq (local.get 0) (local.get 1))))
  ;; negation as 0 - x differs from neg at 0
  (func (export "f64.zero_minus") (param f64) (result f64) (f64.sub (f64.const 0) (local.get 0)))
)

;; arithmetic
;; invoke f32.add 1 0x1p-24 => f32:1
;; invoke f32.add 1 0x1.000002p-24 => f32:0x1.000002p0
;; invoke f32.add 0x1.fffffep127 0x1p104 => f32:inf
;; invoke f32.add inf -inf => f32:nan:canonical
;; invoke f32.add -0 -0 => f32:-0
;; invoke f32.add -0 0 => f32:0
;; invoke f32.add nan 1 => f32:nan:canonical
;; invoke f32.add nan:0x200000 1 => f32:nan:arithmetic
;; invoke f32.sub inf inf => f32:nan:canonical
;; invoke f32.sub 0 0 => f32:0
;; invoke f32.mul 0 inf => f32:nan:canonical
;; invoke f32.mul -0 5 => f32:-0
;; invoke f32.mul 0x1p-126 0x1p-23 => f32:0x1p-149
;; invoke f32.div 1 0 => f32:inf
;; invoke f32.div 1 -0 => f32:-inf
;; invoke f32.div 0 0 => f32:nan:canonical
;; invoke f32.div 1 3 => f32:0x1.555556p-2
;; invoke f64.add 1 0x1p-53 => f64:1
;; invoke f64.add 1 0x1.0000000000001p-53 => f64:0x1.0000000000001p0
;; invoke f64.add inf -inf => f64:nan:canonical
;; invoke f64.add -0 -0 => f64:-0
;; invoke f64.add nan:0x4000000000000 1 => f64:nan:arithmetic
;; invoke f64.sub -0 0 => f64:-0
;; invoke f64.mul 0x1p1000 0x1p100 => f64:inf
;; invoke f64.mul -0x1p-1022 0x1p-52 => f64:-0x1p-1074
;; invoke f64.div -1 0 => f64:-inf
;; invoke f64.div 0 -0 => f64:nan:canonical
;; invoke f64.div 1 3 => f64:0x1.5555555555555p-2
;; invoke f64.zero_minus 0 => f64:0
;; invoke f64.neg 0 => f64:-0

;; min and max: -0 < +0, NaN wins
;; invoke f32.min -0 0 => f32:-0
;; invoke f32.min 0 -0 => f32:-0
;; invoke f32.max -0 0 => f32:0
;; invoke f32.max 0 -0 => f32:0
;; invoke f32.min -0 -0 => f32:-0
;; invoke f32.min nan 1 => f32:nan:canonical
;; invoke f32.min 1 nan => f32:nan:canonical
;; invoke f32.max nan 1 => f32:nan:canonical
;; invoke f32.max -inf nan => f32:nan:canonical
;; invoke f32.min nan:0x200000 1 => f32:nan:arithmetic
;; invoke f32.max 1 nan:0x200000 => f32:nan:arithmetic
;; invoke f32.min -inf inf => f32:-inf
;; invoke f32.max -inf inf => f32:inf
;; invoke f32.min 1 2 => f32:1
;; invoke f32.max -1 -2 => f32:-1
;; invoke f32.min_negzero 0 => f32:-0
;; invoke f32.min_negzero -1 => f32:-1
;; invoke f32.min_negzero nan => f32:nan:canonical
;; invoke f64.min -0 0 => f64:-0
;; invoke f64.min 0 -0 => f64:-0
;; invoke f64.max -0 0 => f64:0
;; invoke f64.max 0 -0 => f64:0
;; invoke f64.min nan 1 => f64:nan:canonical
;; invoke f64.min 1 nan => f64:nan:canonical
;; invoke f64.max 1 nan => f64:nan:canonical
;; invoke f64.max nan:0x1 0 => f64:nan:arithmetic
;; invoke f64.min 0x1p-1074 -0x1p-1074 => f64:-0x1p-1074
;; invoke f64.max -1 -2 => f64:-1
;; invoke f64.max_zero -0 => f64:0
;; invoke f64.max_zero -5 => f64:0
;; invoke f64.max_zero 5 => f64:5
;; invoke f64.min_self -0 => f64:-0
;; invoke f64.min_self nan => f64:nan:canonical

;; copysign, abs, neg: bit operations, NaN payloads kept exactly
;; invoke f32.copysign 1 -0 => f32:-1
;; invoke f32.copysign -1 0 => f32:1
;; invoke f32.copysign 1 -nan => f32:-1
;; invoke f32.copysign nan:0x200001 -1 => f32:-nan:0x200001
;; invoke f32.copysign -nan:0x1 1 => f32:nan:0x1
;; invoke f32.copysign inf -inf => f32:-inf
;; invoke f64.copysign 1 -0 => f64:-1
;; invoke f64.copysign -0 0 => f64:0
;; invoke f64.copysign 2 -nan => f64:-2
;; invoke f64.copysign nan:0x1 -1 => f64:-nan:0x1
;; invoke f32.abs -0 => f32:0
;; invoke f32.abs -nan:0x200001 => f32:nan:0x200001
;; invoke f32.abs -inf => f32:inf
;; invoke f32.neg 0 => f32:-0
;; invoke f32.neg nan:0x200001 => f32:-nan:0x200001
;; invoke f32.neg -nan => f32:nan
;; invoke f64.abs -0 => f64:0
;; invoke f64.abs -nan:0x1 => f64:nan:0x1
;; invoke f64.neg nan:0x1 => f64:-nan:0x1
;; invoke f64.neg -0x1p-1074 => f64:0x1p-1074

;; rounding
;; invoke f32.nearest 0.5 => f32:0
;; invoke f32.nearest 1.5 => f32:2
;; invoke f32.nearest 2.5 => f32:2
;; invoke f32.nearest -0.5 => f32:-0
;; invoke f32.nearest -1.5 => f32:-2
;; invoke f32.nearest -2.5 => f32:-2
;; invoke f32.nearest 0x1.fffffep22 => f32:0x1p23
;; invoke f32.nearest 8388609 => f32:8388609
;; invoke f32.nearest -0 => f32:-0
;; invoke f32.nearest -0.25 => f32:-0
;; invoke f32.nearest inf => f32:inf
;; invoke f32.nearest nan => f32:nan:canonical
;; invoke f32.nearest nan:0x200000 => f32:nan:arithmetic
;; invoke f64.nearest 0.5 => f64:0
;; invoke f64.nearest 2.5 => f64:2
;; invoke f64.nearest 3.5 => f64:4
;; invoke f64.nearest -2.5 => f64:-2
;; invoke f64.nearest -0.5 => f64:-0
;; invoke f64.nearest 4503599627370495.5 => f64:4503599627370496
;; invoke f64.nearest 4503599627370497 => f64:4503599627370497
;; invoke f64.nearest -inf => f64:-inf
;; invoke f64.nearest nan => f64:nan:canonical
;; invoke f32.ceil -0.5 => f32:-0
;; invoke f32.ceil 0.5 => f32:1
;; invoke f32.ceil -1.5 => f32:-1
;; invoke f32.ceil 0x1p-149 => f32:1
;; invoke f32.floor -0.5 => f32:-1
;; invoke f32.floor 0.5 => f32:0
;; invoke f32.floor -0 => f32:-0
;; invoke f32.floor -0x1p-149 => f32:-1
;; invoke f32.trunc -0.5 => f32:-0
;; invoke f32.trunc 1.9 => f32:1
;; invoke f32.trunc -1.9 => f32:-1
;; invoke f32.trunc nan => f32:nan:canonical
;; invoke f64.ceil -0.5 => f64:-0
;; invoke f64.ceil 4503599627370495.5 => f64:4503599627370496
;; invoke f64.floor -0.5 => f64:-1
;; invoke f64.floor -4503599627370495.5 => f64:-4503599627370496
;; invoke f64.trunc -0.99 => f64:-0
;; invoke f64.trunc 1e300 => f64:1e300
;; invoke f64.trunc inf => f64:inf
;; invoke f64.floor nan => f64:nan:canonical
;; invoke f32.sqrt 4 => f32:2
;; invoke f32.sqrt 2 => f32:0x1.6a09e6p0
;; invoke f32.sqrt -0 => f32:-0
;; invoke f32.sqrt -1 => f32:nan:canonical
;; invoke f32.sqrt inf => f32:inf
;; invoke f64.sqrt 2 => f64:0x1.6a09e667f3bcdp0
;; invoke f64.sqrt -0 => f64:-0
;; invoke f64.sqrt -inf => f64:nan:canonical
;; invoke f64.sqrt 0x1p-1074 => f64:0x1p-537

;; comparisons: NaN is unordered
;; invoke f32.eq nan nan => i32:0
;; invoke f32.ne nan nan => i32:1
;; invoke f32.lt nan 1 => i32:0
;; invoke f32.gt nan 1 => i32:0
;; invoke f32.le 1 nan => i32:0
;; invoke f32.ge 1 nan => i32:0
;; invoke f32.eq -0 0 => i32:1
;; invoke f32.lt -0 0 => i32:0
;; invoke f32.le -inf inf => i32:1
;; invoke f32.ne 1 1 => i32:0
;; invoke f64.eq nan nan => i32:0
;; invoke f64.ne nan 1 => i32:1
;; invoke f64.ne 1 nan => i32:1
;; invoke f64.lt 1 nan => i32:0
;; invoke f64.gt nan nan => i32:0
;; invoke f64.le nan 1 => i32:0
;; invoke f64.ge nan 1 => i32:0
;; invoke f64.eq 0 -0 => i32:1
;; invoke f64.gt 0 -0 => i32:0
;; invoke f64.ge 0 -0 => i32:1
;; invoke f64.lt 0x1p-1074 0x1p-1073 => i32:1
;; invoke f64.lt_branch nan 1 => i32:0
;; invoke f64.lt_branch 1 nan => i32:0
;; invoke f64.lt_branch 1 2 => i32:1
;; invoke f32.ne_branch nan nan => i32:1
;; invoke f32.ne_branch 1 1 => i32:0
;; invoke f64.ge_brif nan 0 => i32:0
;; invoke f64.ge_brif 0 0 => i32:1
;; invoke f32.eq_select nan nan => i32:20
;; invoke f32.eq_select 2 2 => i32:10
