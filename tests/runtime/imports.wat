;; A module importing a function nobody provides (exit.sh).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "not_provided" (func $np (param i32) (result i32)))
  (func (export "f") (result i32) (call $np (i32.const 1))))
