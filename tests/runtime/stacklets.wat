;; Stacklets (spec/abi.md section 8): recursion that crosses many stacklet
;; boundaries and returns, descends twice (the spare is reused), and never
;; ends (call stack exhausted). stacklets.sh runs it.
(module
  ;; deep(n) = 2 + 4 + ... + 2n = n(n+1), with values of both register
  ;; classes live across every call
  (func $deep (export "deep") (param $n i32) (result i64)
    (local $a i64) (local $f f64) (local $r i64)
    (if (i32.eqz (local.get $n)) (then (return (i64.const 0))))
    (local.set $a (i64.extend_i32_u (local.get $n)))
    (local.set $f (f64.convert_i32_u (local.get $n)))
    (local.set $r (call $deep (i32.sub (local.get $n) (i32.const 1))))
    (i64.add (local.get $r)
      (i64.add (local.get $a) (i64.trunc_f64_u (local.get $f)))))

  ;; two descents: the second crosses the boundaries the first left
  (func $twice (export "twice") (param $n i32) (result i64)
    (i64.add (call $deep (local.get $n)) (call $deep (local.get $n))))

  ;; a frame of 64 bytes of live locals that never stops calling itself
  (func $forever (export "forever") (param $n i32) (result i32)
    (local $a i64) (local $b i64) (local $c f64) (local $d f64)
    (local.set $a (i64.extend_i32_u (local.get $n)))
    (local.set $c (f64.convert_i32_u (local.get $n)))
    (i32.add
      (call $forever (i32.add (local.get $n) (i32.const 1)))
      (i32.wrap_i64 (i64.add (local.get $a) (i64.trunc_f64_u (local.get $c))))))

  ;; for --invoke-all: exhaust the stack, then recurse deep again on the
  ;; same instance (the stacklets must have been given back)
  (func (export "exhaust") (result i32) (call $forever (i32.const 0)))
  (func (export "deep_again") (result i64) (call $deep (i32.const 100000)))
)
