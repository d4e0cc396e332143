; and_low_bits_lt_i64: k < 64 -> x & (2^k - 1) < 2^k over i64; the same bound for i64 indices and memory sizes
(set-logic QF_BV)
(declare-const x (_ BitVec 64))
(declare-const k (_ BitVec 64))
(assert (not (=> (bvult k #x0000000000000040)
                 (bvult (bvand x (bvsub (bvshl #x0000000000000001 k) #x0000000000000001))
                        (bvshl #x0000000000000001 k)))))
(check-sat)
