; scaled_index_le: i < n, k < 32 -> zext(i) << k + 2^k <= zext(n) << k (exact, i64); element i of stride 2^k ends within n elements
(set-logic QF_BV)
(declare-const i (_ BitVec 32))
(declare-const n (_ BitVec 32))
(declare-const k (_ BitVec 32))
(assert (not (=> (and (bvult i n) (bvult k #x00000020))
                 (bvule (bvadd (bvshl ((_ zero_extend 32) i) ((_ zero_extend 32) k)) (bvshl #x0000000000000001 ((_ zero_extend 32) k)))
                        (bvshl ((_ zero_extend 32) n) ((_ zero_extend 32) k))))))
(check-sat)
