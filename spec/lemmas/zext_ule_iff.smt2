; zext_ule_iff: a <= b (i32) = zext(a) <= zext(b) (i64), and the same for <; moves a 32-bit comparison into the 64-bit address domain
(set-logic QF_BV)
(declare-const a (_ BitVec 32))
(declare-const b (_ BitVec 32))
(assert (not (and (= (bvule a b) (bvule ((_ zero_extend 32) a) ((_ zero_extend 32) b)))
                  (= (bvult a b) (bvult ((_ zero_extend 32) a) ((_ zero_extend 32) b))))))
(check-sat)
