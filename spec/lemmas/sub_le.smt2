; sub_le: b <= a -> a - b <= a and (a - b) + b = a without wrap; a remaining length end - p never exceeds end
(set-logic QF_BV)
(declare-const a (_ BitVec 32))
(declare-const b (_ BitVec 32))
(assert (not (=> (bvule b a)
                 (and (bvule (bvsub a b) a)
                      (= (bvadd ((_ zero_extend 32) (bvsub a b)) ((_ zero_extend 32) b)) ((_ zero_extend 32) a))))))
(check-sat)
