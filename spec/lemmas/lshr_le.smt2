; lshr_le: x >> k <= x (shr_u); a shifted-down value keeps the original's upper bound
(set-logic QF_BV)
(declare-const x (_ BitVec 32))
(declare-const k (_ BitVec 32))
(assert (not (bvule (bvlshr x k) x)))
(check-sat)
