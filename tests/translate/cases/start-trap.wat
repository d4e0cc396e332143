;; A start function that traps: instantiation fails with the trap, and no
;; export runs.
(module
  (memory 1)
  (func $start (i32.store (i32.const 0) (i32.const 1)) (unreachable))
  (start $start)
  (func (export "f") (result i32) (i32.load (i32.const 0)))
)

;; instantiate => trap unreachable
