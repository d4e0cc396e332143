;; A start function that calls through an index beyond the table.
(module
  (type $v (func))
  (table 1 funcref)
  (func $start (call_indirect (type $v) (i32.const 1)))
  (start $start)
  (func (export "f") (result i32) (i32.const 1))
)

;; instantiate => trap undefined element
