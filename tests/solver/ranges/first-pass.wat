;; The verifier's first pass (libabi/proof/ranges.c, spec/safety.md
;; section 10.1) on hand-written functions. Before each function, the
;; line `;; expect NAME: P of N` says how many of its N accesses the pass
;; must prove: tests/solver/ranges.sh compares it with
;; `dogma-verify --functions` (no solver for accesses). The cases that
;; must stay unproved are accesses that can go out of bounds.
(module
  (memory 1)

  ;; expect const_ok: 1 of 1
  (func $const_ok (result i32) (i32.load (i32.const 65532)))
  ;; 65533 + 4 > 65536
  ;; expect const_past: 0 of 1
  (func $const_past (result i32) (i32.load (i32.const 65533)))
  ;; expect offset_past: 0 of 1
  (func $offset_past (result i32) (i32.load offset=65533 (i32.const 0)))

  ;; expect masked: 1 of 1
  (func $masked (param i32) (result i32)
    (i32.load (i32.and (local.get 0) (i32.const 0xfffc))))
  ;; expect masked_past: 0 of 1
  (func $masked_past (param i32) (result i32)
    (i32.load (i32.and (local.get 0) (i32.const 0xfffd))))
  ;; (the byte read at p is an arbitrary pointer's: checked)
  ;; expect byte_index: 1 of 2
  (func $byte_index (param i32) (result i32)
    (i32.load8_u offset=1000 (i32.load8_u (local.get 0))))

  ;; the first access is checked (an arbitrary pointer), the second is
  ;; inside what the first one's check established
  ;; expect after_check: 2 of 3
  (func $after_check (param i32) (result i32)
    (drop (i32.load offset=8 (local.get 0)))
    (drop (i32.load offset=4 (local.get 0)))
    (i32.load8_u offset=11 (local.get 0)))
  ;; expect after_check_grows: 0 of 2
  (func $after_check_grows (param i32) (result i32)
    (drop (i32.load offset=4 (local.get 0)))
    (i32.load offset=8 (local.get 0)))
  ;; p + 8 in bounds says nothing of p + 4 when p + 8 may wrap around
  ;; (p = 2^32 - 8 reads at 0, and p + 4 is far out)
  ;; expect after_check_sum_wraps: 0 of 2
  (func $after_check_sum_wraps (param i32) (result i32)
    (drop (i32.load (i32.add (local.get 0) (i32.const 8))))
    (i32.load offset=4 (local.get 0)))
  ;; without the wrap-around, p + 8 + 4 <= memsize gives p + 4 + 4 <= memsize
  ;; expect after_check_sum: 1 of 2
  (func $after_check_sum (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 0x80000000))
      (then
        (drop (i32.load (i32.add (local.get 0) (i32.const 8))))
        (i32.load offset=4 (local.get 0)))
      (else (i32.const 0))))

  ;; expect guard_if: 1 of 1
  (func $guard_if (param i32)
    (if (i32.lt_u (local.get 0) (i32.const 100))
      (then (drop (i32.load (local.get 0))))))
  ;; expect guard_else: 0 of 1
  (func $guard_else (param i32)
    (if (i32.lt_u (local.get 0) (i32.const 100))
      (then)
      (else (drop (i32.load (local.get 0))))))
  ;; expect guard_br_if: 1 of 1
  (func $guard_br_if (param i32)
    (block $out
      (br_if $out (i32.ge_u (local.get 0) (i32.const 65000)))
      (drop (i32.load (local.get 0)))))
  ;; a signed bound alone allows negative values: huge addresses
  ;; expect signed_only: 0 of 1
  (func $signed_only (param i32)
    (if (i32.lt_s (local.get 0) (i32.const 1000))
      (then (drop (i32.load (local.get 0))))))
  ;; expect signed_both: 1 of 1
  (func $signed_both (param i32)
    (if (i32.ge_s (local.get 0) (i32.const 0))
      (then (if (i32.lt_s (local.get 0) (i32.const 1000))
        (then (drop (i32.load (local.get 0))))))))

  ;; p & 255 - 16 wraps around for small p: an arbitrary address
  ;; expect wraps: 0 of 1
  (func $wraps (param i32) (result i32)
    (i32.load (i32.add (i32.and (local.get 0) (i32.const 255)) (i32.const -16))))
  ;; expect no_wrap: 1 of 1
  (func $no_wrap (param i32) (result i32)
    (i32.load (i32.add (i32.or (i32.and (local.get 0) (i32.const 255)) (i32.const 16))
                       (i32.const -16))))
  ;; a product past 2^32 wraps: (p & 0xffff) * 0x10001 + 4 can be anything
  ;; expect mul_wraps: 0 of 1
  (func $mul_wraps (param i32) (result i32)
    (i32.load (i32.mul (i32.and (local.get 0) (i32.const 0xffff)) (i32.const 0x10001))))

  ;; a counter bounded by its exit test: the head's range is found
  ;; expect loop_counter: 1 of 1
  (func $loop_counter
    (local $i i32)
    (loop $l
      (drop (i32.load (i32.shl (local.get $i) (i32.const 2))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (i32.const 100)))))
  ;; the rotated loop clang writes: stop when the counter reaches 100. A
  ;; limit of the intervals: the head is widened past 100 (to anything),
  ;; and `!= 100` cannot cut an interval in its middle, so this stays
  ;; checked (widening to the comparisons' constants would prove it)
  ;; expect loop_ne: 0 of 1
  (func $loop_ne
    (local $i i32)
    (loop $l
      (drop (i32.load (i32.shl (local.get $i) (i32.const 2))))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (i32.const 100)))))
  ;; the same, entered at 200: it counts on to 2^32 - 1 and round to 100,
  ;; far out of bounds on the way
  ;; expect loop_ne_past: 0 of 1
  (func $loop_ne_past
    (local $i i32)
    (local.set $i (i32.const 200))
    (loop $l
      (drop (i32.load (i32.shl (local.get $i) (i32.const 2))))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (i32.const 100)))))
  ;; the same counter runs to 2^32 - 1 before it stops at 0
  ;; expect loop_wraps: 0 of 1
  (func $loop_wraps
    (local $i i32)
    (loop $l
      (drop (i32.load (i32.shl (local.get $i) (i32.const 2))))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 1))))))
  ;; a loop that grows the address past the bound before it checks
  ;; expect loop_late_bound: 0 of 1
  (func $loop_late_bound
    (local $i i32)
    (loop $l
      (drop (i32.load (i32.shl (local.get $i) (i32.const 10))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (i32.const 100)))))

  ;; memory only grows: a constant access stays in bounds after a grow
  ;; expect after_grow: 1 of 1
  (func $after_grow (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.load (i32.const 100)))

  ;; unreachable code: nothing there is executed
  ;; expect dead: 1 of 1
  (func $dead (param i32) (result i32)
    (if (i32.lt_u (local.get 0) (i32.const 10))
      (then (if (i32.gt_u (local.get 0) (i32.const 20))
        (then (return (i32.load (local.get 0)))))))
    (i32.const 0))

  ;; Divisions: a divisor proved neither 0 nor (signed) -1 needs no check
  ;; (`;; expect-div NAME: P of N`).
  ;; expect-div div_bounded: 1 of 1
  (func $div_bounded (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (i32.or (i32.and (local.get 1) (i32.const 7)) (i32.const 1))))
  ;; expect-div div_param: 0 of 1
  (func $div_param (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1)))
  ;; expect-div div_guarded: 1 of 1
  (func $div_guarded (param i32 i32) (result i32)
    (if (result i32) (i32.ne (local.get 1) (i32.const 0))
      (then (i32.rem_u (local.get 0) (local.get 1)))
      (else (i32.const 0))))
  ;; (q & 3) - 1 may be -1 (and 0 as well)
  ;; expect-div div_s_minus_one: 0 of 1
  (func $div_s_minus_one (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (i32.sub (i32.and (local.get 1) (i32.const 3)) (i32.const 1))))
  ;; a signed divisor known positive
  ;; expect-div rem_s_positive: 1 of 1
  (func $rem_s_positive (param i32 i32) (result i32)
    (if (result i32) (i32.gt_s (local.get 1) (i32.const 0))
      (then (i32.rem_s (i32.const -7) (local.get 1)))
      (else (i32.const 0))))
  ;; the same in i64 is a limit of the intervals, not of the truth: an i64
  ;; upper end of 2^63 - 1 is kept as no bound at all, so the divisor may
  ;; be negative as far as the pass knows (unsigned, it is proved)
  ;; expect-div rem_s_positive64: 0 of 1
  (func $rem_s_positive64 (param i32 i64) (result i64)
    (if (result i64) (i64.gt_s (local.get 1) (i64.const 0))
      (then (i64.rem_s (i64.const -7) (local.get 1)))
      (else (i64.const 0))))
  ;; expect-div rem_u_positive64: 1 of 1
  (func $rem_u_positive64 (param i32 i64) (result i64)
    (if (result i64) (i64.gt_s (local.get 1) (i64.const 0))
      (then (i64.rem_u (i64.const -7) (local.get 1)))
      (else (i64.const 0))))
  ;; unsigned non-zero is not enough for a signed division: it may be -1
  ;; expect-div div_s_nonzero: 0 of 1
  (func $div_s_nonzero (param i32 i32) (result i32)
    (if (result i32) (i32.ne (local.get 1) (i32.const 0))
      (then (i32.div_s (local.get 0) (local.get 1)))
      (else (i32.const 0))))

  (export "const_ok" (func $const_ok))
  (export "div_param" (func $div_param))
  (export "div_guarded" (func $div_guarded))
  (export "rem_s_positive" (func $rem_s_positive)))
