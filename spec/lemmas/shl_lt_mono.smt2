; shl_lt_mono: k < 32, i < n, the top k bits of n clear -> i << k < n << k; a scaled index stays below the scaled bound
(set-logic QF_BV)
(declare-const i (_ BitVec 32))
(declare-const n (_ BitVec 32))
(declare-const k (_ BitVec 32))
(assert (not (=> (and (bvult k #x00000020) (bvult i n) (= (bvlshr n (bvsub #x00000020 k)) #x00000000))
                 (bvult (bvshl i k) (bvshl n k)))))
(check-sat)
