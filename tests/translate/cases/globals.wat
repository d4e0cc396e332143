;; Globals of every value type, immutable and mutable, read and written
;; from several functions; the start function runs before any export and
;; its effects (on globals, memory and tables) are visible.
(module
  (global $ci32 i32 (i32.const -7))
  (global $ci64 i64 (i64.const 0x123456789abcdef0))
  (global $cf32 f32 (f32.const nan:0x200001))
  (global $cf64 f64 (f64.const -0))
  (global $cfun funcref (ref.func $seven))
  (global $cnull funcref (ref.null func))
  (global $cext externref (ref.null extern))
  (global $mi32 (mut i32) (i32.const 0))
  (global $mi64 (mut i64) (i64.const -1))
  (global $mf32 (mut f32) (f32.const 1.5))
  (global $mf64 (mut f64) (f64.const 2.5))
  (global $mfun (mut funcref) (ref.null func))
  (global $mext (mut externref) (ref.null extern))
  (global $started (mut i32) (i32.const 0))
  (memory 1)
  (table $t 2 funcref)
  (type $v_i (func (result i32)))
  (func $seven (type $v_i) (i32.const 7))

  (func $start
    (global.set $started (i32.add (global.get $started) (i32.const 1)))
    (i32.store (i32.const 8) (i32.const 0xdead))
    (table.set $t (i32.const 1) (ref.func $seven))
    (global.set $mfun (ref.func $seven)))
  (start $start)

  (func (export "ci32") (result i32) (global.get $ci32))
  (func (export "ci64") (result i64) (global.get $ci64))
  (func (export "cf32") (result f32) (global.get $cf32))
  (func (export "cf64") (result f64) (global.get $cf64))
  (func (export "cfun") (result i32)
    (table.set $t (i32.const 0) (global.get $cfun))
    (call_indirect $t (type $v_i) (i32.const 0)))
  (func (export "cnull") (result funcref) (global.get $cnull))
  (func (export "cext") (result externref) (global.get $cext))

  (func $bump (param i32) (global.set $mi32 (i32.add (global.get $mi32) (local.get 0))))
  (func (export "mi32") (param i32) (result i32)
    (call $bump (local.get 0)) (call $bump (local.get 0)) (global.get $mi32))
  (func (export "mi64") (param i64) (result i64)
    (global.set $mi64 (i64.mul (global.get $mi64) (local.get 0))) (global.get $mi64))
  (func (export "mf32") (param f32) (result f32)
    (global.set $mf32 (local.get 0)) (global.get $mf32))
  (func (export "mf64") (param f64) (result f64)
    (global.set $mf64 (f64.add (global.get $mf64) (local.get 0))) (global.get $mf64))
  (func (export "mfun_set_null") (result i32)
    (global.set $mfun (ref.null func)) (ref.is_null (global.get $mfun)))
  (func (export "mext") (result i32) (ref.is_null (global.get $mext)))
  ;; a global changed inside a loop and read after it
  (func (export "mloop") (param i32) (result i32)
    (global.set $mi32 (i32.const 0))
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (global.set $mi32 (i32.add (global.get $mi32) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (global.get $mi32))
  ;; effects of the start function
  (func (export "started") (result i32) (global.get $started))
  (func (export "start_memory") (result i32) (i32.load (i32.const 8)))
  (func (export "start_table") (result i32) (call_indirect $t (type $v_i) (i32.const 1)))
  (func (export "start_global_ref") (result i32) (ref.is_null (global.get $mfun)))
)

;; invoke ci32 => i32:-7
;; invoke ci64 => i64:0x123456789abcdef0
;; invoke cf32 => f32:nan:0x200001
;; invoke cf64 => f64:-0
;; invoke cfun => i32:7
;; invoke cnull => funcref:null
;; invoke cext => externref:null
;; invoke mi32 5 => i32:10
;; invoke mi32 -1 => i32:-2
;; invoke mi64 3 => i64:-3
;; invoke mi64 0x100000000 => i64:-4294967296
;; invoke mf32 -nan:0x1 => f32:-nan:0x1
;; invoke mf32 -0 => f32:-0
;; invoke mf64 0.25 => f64:2.75
;; invoke mf64 -inf => f64:-inf
;; invoke mfun_set_null => i32:1
;; invoke mext => i32:1
;; invoke mloop 100 => i32:5050
;; invoke started => i32:1
;; invoke start_memory => i32:57005
;; invoke start_table => i32:7
;; invoke start_global_ref => i32:0
