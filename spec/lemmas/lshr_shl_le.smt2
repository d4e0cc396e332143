; lshr_shl_le: (x >> k) << k <= x; rounding down by shifts (align-down) never raises an address
(set-logic QF_BV)
(declare-const x (_ BitVec 32))
(declare-const k (_ BitVec 32))
(assert (not (bvule (bvshl (bvlshr x k) k) x)))
(check-sat)
