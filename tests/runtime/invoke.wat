;; --invoke and --invoke-all (spec/abi.md section 9): how arguments are
;; read and results printed. invoke.sh runs it.
(module
  (memory (export "mem") 1)
  (global $calls (mut i32) (i32.const 0))
  (global $started (mut i32) (i32.const 0))
  (func $init (global.set $started (i32.const 77)))
  (start $init)

  (func (export "i32") (param i32) (result i32) (local.get 0))
  (func (export "i64") (param i64) (result i64) (local.get 0))
  (func (export "f32") (param f32) (result f32) (local.get 0))
  (func (export "f64") (param f64) (result f64) (local.get 0))
  ;; the bits an argument arrived as, independent of result printing
  (func (export "f32_bits") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0)))
  (func (export "f64_bits") (param f64) (result i64) (i64.reinterpret_f64 (local.get 0)))
  ;; one of each, results in order
  (func (export "mixed") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
    (local.get 3) (local.get 2) (local.get 1) (local.get 0))
  (func (export "none"))
  (func (export "started") (result i32) (global.get $started))

  ;; --invoke-all: one instance, every function export in order; a trap
  ;; does not end the run, and state carries over
  (func (export "count") (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (global.get $calls))
  (func (export "boom") (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 10)))
    (unreachable))
  (func (export "after") (result i32) (global.get $calls))
  (func (export "funcref") (result funcref) (ref.null func))
)
