; and_low_bits_lt: k < 32 -> x & (2^k - 1) < 2^k; an index masked to its low k bits fits a table or buffer of 2^k entries
(set-logic QF_BV)
(declare-const x (_ BitVec 32))
(declare-const k (_ BitVec 32))
(assert (not (=> (bvult k #x00000020)
                 (bvult (bvand x (bvsub (bvshl #x00000001 k) #x00000001)) (bvshl #x00000001 k)))))
(check-sat)
