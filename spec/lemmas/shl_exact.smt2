; shl_exact: k < 32, the top k bits of x clear -> zext(x << k) = zext(x) * 2^k; clang's i*4, i*8 (i32.shl) is the exact product
(set-logic QF_BV)
(declare-const x (_ BitVec 32))
(declare-const k (_ BitVec 32))
(assert (not (=> (and (bvult k #x00000020) (= (bvlshr x (bvsub #x00000020 k)) #x00000000))
                 (= ((_ zero_extend 32) (bvshl x k))
                    (bvshl ((_ zero_extend 32) x) ((_ zero_extend 32) k))))))
(check-sat)
