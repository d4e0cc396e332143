; clamp_lt: n > 0 (signed), y = min_s(max_s(x, 0), n - 1) -> y < n (unsigned); an index clamped into [0, n) with signed selects
(set-logic QF_BV)
(declare-const x (_ BitVec 32))
(declare-const n (_ BitVec 32))
(assert (not (=> (bvsgt n #x00000000)
                 (let ((x0 (ite (bvslt x #x00000000) #x00000000 x)))
                   (let ((y (ite (bvslt x0 n) x0 (bvsub n #x00000001))))
                     (bvult y n))))))
(check-sat)
