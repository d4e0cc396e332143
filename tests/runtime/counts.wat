;; --count-accesses (counts.sh): loads and stores executed a known number
;; of times.
(module
  (memory 1)
  ;; n rounds of: a byte load at p (a parameter: not provable), a load
  ;; and a store at 16 (a constant address: provable); then a load at 16.
  ;; 3n + 1 accesses; returns [16] + the sum of i + [p] over the rounds.
  (func (export "loop") (param $p i32) (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.const 16)
          (i32.add (i32.load (i32.const 16))
                   (i32.add (local.get $i) (i32.load8_u (local.get $p)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.load (i32.const 16)))
  ;; one load at p: a trap when p is out of bounds
  (func $at (export "at") (param $p i32) (result i32) (i32.load (local.get $p))))
