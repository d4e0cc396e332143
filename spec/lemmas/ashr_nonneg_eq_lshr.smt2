; ashr_nonneg_eq_lshr: x >= 0 (signed) -> x shr_s k = x shr_u k; unsigned bounds apply to clang's shr_s of non-negative ints
(set-logic QF_BV)
(declare-const x (_ BitVec 32))
(declare-const k (_ BitVec 32))
(assert (not (=> (bvsge x #x00000000) (= (bvashr x k) (bvlshr x k)))))
(check-sat)
