;; Four pages from the start, at most eight (memory.sh).
(module
  (memory 4 8)
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param $n i32) (result i32) (memory.grow (local.get $n))))
