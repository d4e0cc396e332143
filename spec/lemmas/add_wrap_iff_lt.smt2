; add_wrap_iff_lt: (p + q) < p (i32) exactly when zext(p) + zext(q) >= 2^32; C's overflow test p + q < p decides wrap-around
(set-logic QF_BV)
(declare-const p (_ BitVec 32))
(declare-const q (_ BitVec 32))
(assert (not (= (bvult (bvadd p q) p)
                (bvuge (bvadd ((_ zero_extend 32) p) ((_ zero_extend 32) q)) #x0000000100000000))))
(check-sat)
