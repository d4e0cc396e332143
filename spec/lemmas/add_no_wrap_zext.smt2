; add_no_wrap_zext: zext(p) + zext(q) < 2^32 -> zext(p + q) = zext(p) + zext(q); an i32.add of base and index is exact when the sum fits
(set-logic QF_BV)
(declare-const p (_ BitVec 32))
(declare-const q (_ BitVec 32))
(assert (not (=> (bvule (bvadd ((_ zero_extend 32) p) ((_ zero_extend 32) q)) #x00000000ffffffff)
                 (= ((_ zero_extend 32) (bvadd p q)) (bvadd ((_ zero_extend 32) p) ((_ zero_extend 32) q))))))
(check-sat)
