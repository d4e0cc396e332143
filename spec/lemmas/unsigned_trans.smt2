; unsigned_trans: a < b <= c -> a < c, and a <= b <= c -> a <= c (unsigned); chains an index bound through a length to the memory size
(set-logic QF_BV)
(declare-const a (_ BitVec 32))
(declare-const b (_ BitVec 32))
(declare-const c (_ BitVec 32))
(assert (not (and (=> (and (bvult a b) (bvule b c)) (bvult a c))
                  (=> (and (bvule a b) (bvule b c)) (bvule a c)))))
(check-sat)
