; The safety policy of a Dogma module in SMT-LIB 2 (QF_BV): the machine form
; of spec/safety.md, which defines every term used here. Values are bit-vectors
; with WebAssembly's meaning: i32 = (_ BitVec 32), i64 = (_ BitVec 64), both
; unsigned unless an operator says otherwise. Byte counts that can reach 2^32
; (memory sizes, ends of ranges) are i64; the sums below never wrap in 64 bits
; (lemma zext_sum_no_wrap), so each is the exact mathematical sum.
;
; The file is definitions plus the policy's axioms over three declared
; constants, and ends with one (check-sat) whose answer must be `sat`: the
; axioms are consistent, so nothing proved from them holds vacuously.
; tests/spec runs it (`spec.policy`) and checks that every import of
; libabi/include/dogma/imports.h has a contract below with its parameter types
; (`spec.imports`).
(set-logic QF_BV)

(define-fun zext64 ((x (_ BitVec 32))) (_ BitVec 64) ((_ zero_extend 32) x))

; ---- memory 0 (safety.md section 2) -------------------------------------------
; size: memory 0's current size in bytes; max: the most it may grow to, in
; bytes (the module's declared maximum or 65536 pages, lowered by the
; environment). A module without a memory has size = max = 0.
(define-fun page-multiple ((s (_ BitVec 64))) Bool
  (= (bvand s #x000000000000ffff) #x0000000000000000))

(define-fun mem-ok ((size (_ BitVec 64)) (max (_ BitVec 64))) Bool
  (and (page-multiple size) (page-multiple max)
       (bvule size max) (bvule max #x0000000100000000)))

; Between any two points of an execution (an instruction, a call, an import
; call, memory.grow), the size before and after: memory only grows.
(define-fun mem-step ((size (_ BitVec 64)) (size2 (_ BitVec 64)) (max (_ BitVec 64))) Bool
  (and (mem-ok size max) (mem-ok size2 max) (bvule size size2)))

; A load or store of width bytes at i32 address addr with the memarg's offset:
; the effective address zext(addr) + offset (33 bits, never wrapping) plus the
; width is at most size. width is 1, 2, 4 or 8 for loads and stores.
(define-fun in-bounds ((addr (_ BitVec 32)) (offset (_ BitVec 32)) (width (_ BitVec 32))
                       (size (_ BitVec 64))) Bool
  (bvule (bvadd (zext64 addr) (zext64 offset) (zext64 width)) size))

; The range [p, p + len) lies in memory 0. len = 0 still needs p <= size.
(define-fun range-ok ((p (_ BitVec 32)) (len (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (in-bounds p #x00000000 len size))

; Bulk memory (spec 4.4.7): the ranges the instruction traps on.
(define-fun fill-ok ((d (_ BitVec 32)) (n (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok d n size))
(define-fun copy-ok ((d (_ BitVec 32)) (s (_ BitVec 32)) (n (_ BitVec 32))
                     (size (_ BitVec 64))) Bool
  (and (range-ok d n size) (range-ok s n size)))
; seglen: the data segment's current length (0 once dropped).
(define-fun init-ok ((d (_ BitVec 32)) (s (_ BitVec 32)) (n (_ BitVec 32))
                     (seglen (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (and (bvule (bvadd (zext64 s) (zext64 n)) (zext64 seglen)) (range-ok d n size)))

; ---- call_indirect (safety.md section 3) ----------------------------------------
; i: the operand; tsize: the table's current size; tag: the entry's type tag
; (spec/abi.md section 3; 0 for a null entry, which no type has); expected:
; the tag of the instruction's type immediate (never 0).
(define-fun call-indirect-ok ((i (_ BitVec 32)) (tsize (_ BitVec 32))
                              (tag (_ BitVec 64)) (expected (_ BitVec 64))) Bool
  (and (bvult i tsize) (not (= tag #x0000000000000000)) (= tag expected)))

; ---- traps a proof may remove (safety.md section 5) -----------------------------
; div_u, rem_u, rem_s: a nonzero divisor. div_s: also not INT_MIN / -1.
(define-fun divu32-ok ((x (_ BitVec 32)) (d (_ BitVec 32))) Bool
  (not (= d #x00000000)))
(define-fun divs32-ok ((x (_ BitVec 32)) (d (_ BitVec 32))) Bool
  (and (not (= d #x00000000)) (not (and (= x #x80000000) (= d #xffffffff)))))
(define-fun divu64-ok ((x (_ BitVec 64)) (d (_ BitVec 64))) Bool
  (not (= d #x0000000000000000)))
(define-fun divs64-ok ((x (_ BitVec 64)) (d (_ BitVec 64))) Bool
  (and (not (= d #x0000000000000000))
       (not (and (= x #x8000000000000000) (= d #xffffffffffffffff)))))

; A function's frame of need bytes (frame + 16, spec/abi.md section 8) fits
; on the current stacklet: rsp - need does not wrap and is at least limit.
(define-fun stack-ok ((rsp (_ BitVec 64)) (need (_ BitVec 64)) (limit (_ BitVec 64))) Bool
  (and (bvule need rsp) (bvuge (bvsub rsp need) limit)))

; ---- the `dogma` imports (safety.md section 4) ----------------------------------
; One contract per import of imports.h, named import.NAME, over the import's
; parameters in order (i32 as (_ BitVec 32), i64 as (_ BitVec 64)) and then
; size. Each is exactly the condition under which the runtime (verifierd/rt/
; rt.c) does not answer BAD_ADDRESS (start_info: a range containing it);
; handle and argument checks are not part of it. Fixed sizes:
; dogma_error_record_t 40 (#x28), dogma_sys_info_t 48 (#x30),
; dogma_cap_info_t 24 (#x18), dogma_region_info_t 32 (#x20),
; dogma_proc_info_t 144 (#x90), dogma_wait_item_t 16 each; u32 4, u64 8.
; A count beyond its most (4 handles, 16 wait items) is checked over an
; empty range; the kernel then refuses it with BAD_ARG.
(define-fun clamp-count ((n (_ BitVec 32)) (most (_ BitVec 32))) (_ BitVec 32)
  (ite (bvule n most) n #x00000000))
(define-fun umin32 ((a (_ BitVec 32)) (b (_ BitVec 32))) (_ BitVec 32)
  (ite (bvule a b) a b))

(define-fun import.debug_log ((text (_ BitVec 32)) (len (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok text len size))
(define-fun import.exit ((status (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.yield ((size (_ BitVec 64))) Bool true)
(define-fun import.clock ((size (_ BitVec 64))) Bool true)
(define-fun import.random ((buf (_ BitVec 32)) (len (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok buf len size))
; The one contract stronger than the runtime's check: the runtime asks for
; [buf, buf + min(bufsize, the start block's size)), a size known only at run
; time; this range contains it for every start block.
(define-fun import.start_info ((buf (_ BitVec 32)) (bufsize (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok buf bufsize size))
(define-fun import.error_record ((out (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok out #x00000028 size))
(define-fun import.sys_info ((out (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok out #x00000030 size))
(define-fun import.yield_to ((h (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.cap_dup ((h (_ BitVec 32)) (rights (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.cap_dispose ((h (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.cap_info ((h (_ BitVec 32)) (out (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok out #x00000018 size))
(define-fun import.cap_listen ((listen (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.cap_send ((to (_ BitVec 32)) (h (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.cap_receive ((sender (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok sender #x00000008 size))
(define-fun import.token_create ((tag (_ BitVec 64)) (size (_ BitVec 64))) Bool true)
(define-fun import.channel_create ((other (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok other #x00000004 size))
(define-fun import.channel_send ((ep (_ BitVec 32)) (bytes (_ BitVec 32)) (len (_ BitVec 32))
                                 (handles (_ BitVec 32)) (count (_ BitVec 32))
                                 (size (_ BitVec 64))) Bool
  (and (range-ok bytes len size)
       (range-ok handles (bvmul #x00000004 (clamp-count count #x00000004)) size)))
(define-fun import.channel_recv ((ep (_ BitVec 32)) (buf (_ BitVec 32)) (bufsize (_ BitVec 32))
                                 (handles (_ BitVec 32)) (room (_ BitVec 32))
                                 (count (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (and (range-ok buf bufsize size)
       (range-ok handles (bvmul #x00000004 (umin32 room #x00000004)) size)
       (range-ok count #x00000004 size)))
(define-fun import.notify_create ((size (_ BitVec 64))) Bool true)
(define-fun import.notify_signal ((n (_ BitVec 32)) (bits (_ BitVec 64)) (size (_ BitVec 64))) Bool true)
(define-fun import.notify_take ((n (_ BitVec 32)) (word (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok word #x00000008 size))
(define-fun import.wait ((items (_ BitVec 32)) (count (_ BitVec 32)) (timeout (_ BitVec 64))
                         (size (_ BitVec 64))) Bool
  (range-ok items (bvmul #x00000010 (clamp-count count #x00000010)) size))
(define-fun import.region_create ((bytes (_ BitVec 64)) (size (_ BitVec 64))) Bool true)
(define-fun import.region_info ((h (_ BitVec 32)) (out (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok out #x00000020 size))
(define-fun import.region_read ((h (_ BitVec 32)) (off (_ BitVec 64)) (dst (_ BitVec 32))
                                (len (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok dst len size))
(define-fun import.region_write ((h (_ BitVec 32)) (off (_ BitVec 64)) (src (_ BitVec 32))
                                 (len (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok src len size))
(define-fun import.region_share ((h (_ BitVec 32)) (mode (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.proc_teardown ((p (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.proc_suspend ((p (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.proc_resume ((p (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.proc_info ((p (_ BitVec 32)) (out (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok out #x00000090 size))
(define-fun import.self_info ((out (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok out #x00000090 size))
(define-fun import.proc_priority ((p (_ BitVec 32)) (prio (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.proc_open ((pid (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.proc_next ((after (_ BitVec 64)) (out (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (range-ok out #x00000090 size))
(define-fun import.proc_caps ((p (_ BitVec 32)) (slot (_ BitVec 32)) (out (_ BitVec 32))
                              (size (_ BitVec 64))) Bool
  (range-ok out #x00000018 size))
(define-fun import.ioport_in ((ports (_ BitVec 32)) (port (_ BitVec 32)) (width (_ BitVec 32))
                              (size (_ BitVec 64))) Bool true)
(define-fun import.ioport_out ((ports (_ BitVec 32)) (port (_ BitVec 32)) (width (_ BitVec 32))
                               (value (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.irq_ack ((h (_ BitVec 32)) (size (_ BitVec 64))) Bool true)
(define-fun import.dev_create ((kind (_ BitVec 32)) (first (_ BitVec 64)) (count (_ BitVec 64))
                               (size (_ BitVec 64))) Bool true)
(define-fun import.klog_read ((first (_ BitVec 64)) (buf (_ BitVec 32)) (bufsize (_ BitVec 32))
                              (next (_ BitVec 32)) (size (_ BitVec 64))) Bool
  (and (range-ok buf bufsize size) (range-ok next #x00000008 size)))

; ---- the axioms, and their consistency ------------------------------------------
(declare-const size (_ BitVec 64))
(declare-const size2 (_ BitVec 64))
(declare-const max (_ BitVec 64))
(assert (mem-step size size2 max))
(check-sat)
