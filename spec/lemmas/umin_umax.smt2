; umin_umax: m = (a < b ? a : b) -> m <= a and m <= b; M = (a > b ? a : b) -> M >= a and M >= b; min(len, room) copies stay within both
(set-logic QF_BV)
(declare-const a (_ BitVec 32))
(declare-const b (_ BitVec 32))
(assert (not (let ((m (ite (bvult a b) a b)) (mx (ite (bvugt a b) a b)))
               (and (bvule m a) (bvule m b) (bvuge mx a) (bvuge mx b)))))
(check-sat)
