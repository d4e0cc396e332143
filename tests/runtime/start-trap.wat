;; A start function that traps: nothing else runs (traps.sh).
(module
  (func $boom (unreachable))
  (func $init (nop) (call $boom))
  (start $init)
  (func (export "never") (result i32) (i32.const 1))
)
