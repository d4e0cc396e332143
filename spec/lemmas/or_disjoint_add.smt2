; or_disjoint_add: x & y = 0 -> x | y = x + y; clang -O2 writes p + c as p | c when p's low bits are known clear
(set-logic QF_BV)
(declare-const x (_ BitVec 32))
(declare-const y (_ BitVec 32))
(assert (not (=> (= (bvand x y) #x00000000) (= (bvor x y) (bvadd x y)))))
(check-sat)
