;; The module of counts.c: loads and stores executed a known number of
;; times, for dx_x64_opts_t.count_accesses. Not a case file: no
;; directives, not run by run-cases.
(module
  (memory 1)
  ;; n rounds of: a load and a store at 16, a byte load at p;
  ;; then one more load at 16. Returns the bytes' sum plus [16] at the end
  ;; (0 + 1 + ... + n-1 added to what [16] held).
  (func (export "loop") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (local.get $i)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.add (local.get $s) (i32.load (i32.const 16))))
  ;; every width and kind once: 8 loads, 5 stores; the i64 round trip of
  ;; v through memory at p
  (func (export "widths") (param $p i32) (param $v i64) (result i64)
    (i64.store (local.get $p) (local.get $v))
    (i32.store8 offset=8 (local.get $p) (i32.const 1))
    (i32.store16 offset=10 (local.get $p) (i32.const 2))
    (f32.store offset=12 (local.get $p) (f32.const 1.5))
    (f64.store offset=16 (local.get $p) (f64.const 2.5))
    (drop (i32.load8_s offset=8 (local.get $p)))
    (drop (i32.load16_u offset=10 (local.get $p)))
    (drop (f32.load offset=12 (local.get $p)))
    (drop (f64.load offset=16 (local.get $p)))
    (drop (i64.load32_s (local.get $p)))
    (drop (i64.load16_s (local.get $p)))
    (drop (i64.load8_u (local.get $p)))
    (i64.load (local.get $p)))
  ;; a comparison's result, then a load: 1 access; (a < b) + [p]
  (func (export "cmp_then_load") (param $a i32) (param $b i32) (param $p i32) (result i32)
    (i32.add (i32.lt_u (local.get $a) (local.get $b)) (i32.load (local.get $p))))
  ;; bulk operations are runtime calls, not counted: one load in all
  (func (export "bulk") (param $p i32) (result i32)
    (memory.fill (local.get $p) (i32.const 7) (i32.const 100))
    (memory.copy (i32.add (local.get $p) (i32.const 200)) (local.get $p) (i32.const 100))
    (i32.load8_u offset=250 (local.get $p)))
  ;; a load at p, which traps when p is out of bounds
  (func (export "at") (param $p i32) (result i32)
    (i32.load (local.get $p))))
