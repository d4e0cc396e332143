; zext_sum_no_wrap: zext(a) + zext(o) + zext(w) over i64 never wraps (stays below 3 * 2^32); the checked strategy's 64-bit address + offset + width is exact
(set-logic QF_BV)
(declare-const a (_ BitVec 32))
(declare-const o (_ BitVec 32))
(declare-const w (_ BitVec 32))
(assert (not (let ((s (bvadd ((_ zero_extend 32) a) ((_ zero_extend 32) o) ((_ zero_extend 32) w))))
               (and (bvule ((_ zero_extend 32) a) s) (bvule ((_ zero_extend 32) o) s) (bvule ((_ zero_extend 32) w) s)
                    (bvult s #x0000000300000000)))))
(check-sat)
