; udiv_le: d != 0 -> x div_u d <= x; a quotient (i32.div_u) inherits the dividend's upper bound
(set-logic QF_BV)
(declare-const x (_ BitVec 32))
(declare-const d (_ BitVec 32))
(assert (not (=> (not (= d #x00000000)) (bvule (bvudiv x d) x))))
(check-sat)
