; memsize_pages: size a page multiple below 2^32 -> pages = wrap(size >> 16) < 65536 and zext(pages << 16) = size; wasi-libc's sbrk computes the byte size as memory.size << 16
(set-logic QF_BV)
(declare-const size (_ BitVec 64))
(assert (not (=> (and (= (bvand size #x000000000000ffff) #x0000000000000000) (bvult size #x0000000100000000))
                 (let ((pages ((_ extract 31 0) (bvlshr size #x0000000000000010))))
                   (and (bvult pages #x00010000)
                        (= ((_ zero_extend 32) (bvshl pages #x00000010)) size))))))
(check-sat)
