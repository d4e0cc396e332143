; wrap_zext_small: y < 2^32 (i64) -> zext(wrap(y)) = y; i32.wrap_i64 of a value known below 2^32 loses nothing
(set-logic QF_BV)
(declare-const y (_ BitVec 64))
(assert (not (=> (bvule y #x00000000ffffffff) (= ((_ zero_extend 32) ((_ extract 31 0) y)) y))))
(check-sat)
