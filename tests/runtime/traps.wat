;; Traps as a user sees them (spec/abi.md section 7): each export traps at
;; a known instruction under one or more callers. traps.sh runs it and
;; finds every expected offset in wasm-objdump's disassembly.
(module
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (memory 1)
  (table funcref (elem $leaf_i $leaf_v))

  (func $load_oob (param $a i32) (result i32)
    (local $x i32)
    (local.set $x (i32.const 7))
    (i32.add (local.get $x) (i32.load offset=4 (local.get $a))))
  (func $middle (param i32) (result i32)
    (i32.add (i32.const 1) (call $load_oob (local.get 0))))
  ;; 70000 + 4 is past the one page: guard faults, checked compares
  (func $outer (export "outer") (result i32)
    (nop)
    (call $middle (i32.const 70000)))

  ;; a store whose last byte is the first one past the end
  (func $store_edge (export "store_edge")
    (i32.store (i32.const 65533) (i32.const -1)))
  ;; address + offset >= 2^32: must trap, not wrap
  (func $far (export "far") (param $a i32) (result i64)
    (i64.load offset=0x20 (local.get $a)))

  (func $div (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $calls_div (export "calls_div") (param $x i32) (result i32)
    (drop (call $div (i32.const 1) (i32.const 1)))
    (call $div (local.get $x) (i32.const 0)))

  (func $leaf_i (param i32) (result i32) (local.get 0))
  (func $leaf_v (result i32) (i32.const 5))
  ;; entry 1 is a () -> i32: called as (i32) -> i32
  (func $mismatch (export "mismatch") (result i32)
    (call_indirect (type $i_i) (i32.const 3) (i32.const 1)))

  ;; unreachable at the bottom of n frames: the backtrace lists 32 and
  ;; counts the rest, across stacklets when n is large
  (func $sink (export "sink") (param $n i32) (result i32)
    (if (i32.eqz (local.get $n)) (then unreachable))
    (i32.add (i32.const 1) (call $sink (i32.sub (local.get $n) (i32.const 1)))))

  ;; endless recursion: the trap and its backtrace
  (func $forever (export "forever") (param $n i32) (result i32)
    (i32.add (i32.const 1) (call $forever (i32.add (local.get $n) (i32.const 1)))))

  ;; endless mutual recursion: the caller of the function whose entry finds
  ;; no stack is the other one
  (func $ping (export "ping") (param $n i32) (result i32)
    (i32.add (i32.const 1) (call $pong (i32.add (local.get $n) (i32.const 1)))))
  (func $pong (param $n i32) (result i32)
    (i32.sub (call $ping (i32.add (local.get $n) (i32.const 2))) (i32.const 1)))
)
