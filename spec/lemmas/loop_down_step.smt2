; loop_down_step: 0 < i <= n, i' = i - 1 -> i' < i and i' < n; the induction step of a count-down loop
(set-logic QF_BV)
(declare-const i (_ BitVec 32))
(declare-const n (_ BitVec 32))
(assert (not (=> (and (not (= i #x00000000)) (bvule i n))
                 (let ((i2 (bvsub i #x00000001)))
                   (and (bvult i2 i) (bvult i2 n))))))
(check-sat)
