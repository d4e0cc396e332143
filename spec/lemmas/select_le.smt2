; select_le: a <= c, b <= c -> select(a, b, cond) <= c (unsigned); a select (or a branch join) of two bounded values is bounded
(set-logic QF_BV)
(declare-const a (_ BitVec 32))
(declare-const b (_ BitVec 32))
(declare-const c (_ BitVec 32))
(declare-const cond Bool)
(assert (not (=> (and (bvule a c) (bvule b c)) (bvule (ite cond a b) c))))
(check-sat)
