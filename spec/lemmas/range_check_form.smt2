; range_check_form: (p <= size and len <= size - p) = (zext(p) + zext(len) <= size); the runtime's BAD_ADDRESS and bulk-memory checks are exactly safety.md's range contract
(set-logic QF_BV)
(declare-const p (_ BitVec 32))
(declare-const len (_ BitVec 32))
(declare-const size (_ BitVec 64))
(assert (not (= (and (bvule ((_ zero_extend 32) p) size) (bvule ((_ zero_extend 32) len) (bvsub size ((_ zero_extend 32) p))))
                (bvule (bvadd ((_ zero_extend 32) p) ((_ zero_extend 32) len)) size))))
(check-sat)
