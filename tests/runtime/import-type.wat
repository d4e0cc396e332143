;; A module importing a WASI function with the wrong type (exit.sh).
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i64)))
  (func (export "f") (call $exit (i64.const 1))))
