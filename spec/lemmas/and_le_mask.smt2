; and_le_mask: x & m <= m; an index masked by a constant (i32.and) is bounded by the mask: hash slots, ring buffers
(set-logic QF_BV)
(declare-const x (_ BitVec 32))
(declare-const m (_ BitVec 32))
(assert (not (bvule (bvand x m) m)))
(check-sat)
