;; dogma-prove on the shapes clang gives a C program (tests/solver/prove.sh):
;; a shadow-stack pointer (global 0) starting at the stack's top, 8192, with
;; data below it ending at 1124; frames carved from it; an internal
;; function called only with stack addresses; a recursion that overflows
;; the stack when asked to.
(module
  (memory 1)
  (global $sp (mut i32) (i32.const 8192))
  (data (i32.const 1024) "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789")

  ;; called only with frame addresses: its parameter's range is inferred
  (func $sum2 (param $p i32) (result i32)
    (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p))))

  ;; a frame of 32 bytes: two stores, a call with the frame's address
  (func $frame (param $a i32) (param $b i32) (result i32)
    (local $f i32) (local $r i32)
    (global.set $sp (local.tee $f (i32.sub (global.get $sp) (i32.const 32))))
    (i32.store offset=16 (local.get $f) (local.get $a))
    (i32.store offset=20 (local.get $f) (local.get $b))
    (local.set $r (call $sum2 (i32.add (local.get $f) (i32.const 16))))
    (global.set $sp (i32.add (local.get $f) (i32.const 32)))
    (local.get $r))

  ;; n frames of 64 bytes deep: past about 110 the stack runs into the data
  (func $recurse (param $n i32) (result i32)
    (local $f i32) (local $r i32)
    (global.set $sp (local.tee $f (i32.sub (global.get $sp) (i32.const 64))))
    (i32.store offset=60 (local.get $f) (local.get $n))
    (local.set $r
      (if (result i32) (local.get $n)
        (then (i32.add (call $recurse (i32.sub (local.get $n) (i32.const 1)))
                       (i32.load offset=60 (local.get $f))))
        (else (i32.const 0))))
    (global.set $sp (i32.add (local.get $f) (i32.const 64)))
    (local.get $r))

  (export "frame" (func $frame))
  (export "recurse" (func $recurse)))
