; slt_nonneg_ult: 0 <= i < n (signed) -> i < n (unsigned); clang's int loop bounds (i32.lt_s) give unsigned index bounds
(set-logic QF_BV)
(declare-const i (_ BitVec 32))
(declare-const n (_ BitVec 32))
(assert (not (=> (and (bvsge i #x00000000) (bvslt i n)) (bvult i n))))
(check-sat)
