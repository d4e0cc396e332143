;; Preemption (spec/abi.md section 8): loops and calls that run while the
;; timer keeps setting the preemption flag. preempt.sh runs it.
(module
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory 1)

  ;; the monotonic clock, in ns (WASI clock 1)
  (func $now (result i64)
    (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 0)))
    (i64.load (i32.const 0)))

  (func $id (param i64) (result i64) (local.get 0))

  ;; 1 + 2 + ... + n, through a call per iteration: a loop head and a
  ;; function entry poll each time round
  (func $sum (export "sum") (param $n i64) (result i64)
    (local $i i64) (local $s i64)
    (block $done
      (loop $l
        (br_if $done (i64.gt_u (local.get $i) (local.get $n)))
        (local.set $s (i64.add (local.get $s) (call $id (local.get $i))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $l)))
    (local.get $s))

  ;; spin until ms milliseconds have passed (so the timer has certainly
  ;; expired), counting the rounds, then sum(n): the result is sum(n)
  (func (export "spin_then_sum") (param $ms i32) (param $n i64) (result i64)
    (local $end i64) (local $rounds i64)
    (local.set $end (i64.add (call $now)
                             (i64.mul (i64.extend_i32_u (local.get $ms)) (i64.const 1000000))))
    (loop $l
      (local.set $rounds (i64.add (local.get $rounds) (i64.const 1)))
      (br_if $l (i64.lt_u (call $now) (local.get $end))))
    (i64.add (call $sum (local.get $n))
             (i64.mul (local.get $rounds) (i64.const 0))))
)
