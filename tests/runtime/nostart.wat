;; A module without _start (exit.sh).
(module (func (export "f") (result i32) (i32.const 1)))
