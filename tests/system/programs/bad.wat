;; bad: an invalid module: the function promises an i32 and returns an
;; i64. wat2wasm --no-check assembles it; verifierd must refuse it with the
;; validator's diagnostic (type mismatch, with its byte offset).
(module
  (func $main (export "_start")
    i64.const 1
    drop)
  (func $wrong (result i32)
    i64.const 7))
