; srem_pow2_nonneg: x >= 0 (signed), n a power of two below 2^31 -> x rem_s n = x & (n - 1); C's % on non-negative int indices
(set-logic QF_BV)
(declare-const x (_ BitVec 32))
(declare-const n (_ BitVec 32))
(assert (not (=> (and (and (not (= n #x00000000)) (= (bvand n (bvsub n #x00000001)) #x00000000)) (bvult n #x80000000) (bvsge x #x00000000))
                 (= (bvsrem x n) (bvand x (bvsub n #x00000001))))))
(check-sat)
