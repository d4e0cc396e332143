; loop_step_le: i < n, i' = i + 1 -> i' <= n and i' did not wrap; the induction step of a counting loop's invariant i <= n
(set-logic QF_BV)
(declare-const i (_ BitVec 32))
(declare-const n (_ BitVec 32))
(assert (not (=> (bvult i n)
                 (let ((i2 (bvadd i #x00000001)))
                   (and (bvule i2 n) (bvult i i2))))))
(check-sat)
