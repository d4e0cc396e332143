;; --max-memory (spec/abi.md section 9): memory 0 may grow only up to it.
;; memory.sh runs it; memory-big.wat is the module whose initial size is
;; too large.
(module
  (memory 1)
  (func (export "grow") (param $n i32) (result i32) (memory.grow (local.get $n)))
  ;; grow by a, then by b; the results and the final size in pages
  (func (export "grow2") (param $a i32) (param $b i32) (result i32 i32 i32)
    (memory.grow (local.get $a)) (memory.grow (local.get $b)) (memory.size))
  ;; grow by n, then write and read the last byte of the new memory
  (func (export "grow_use") (param $n i32) (result i32)
    (drop (memory.grow (local.get $n)))
    (i32.store8 (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1))
                (i32.const 0x5a))
    (i32.load8_u (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1))))
  ;; the first byte past the end after growing by n (and being refused)
  (func $past (export "past") (param $n i32) (result i32)
    (drop (memory.grow (local.get $n)))
    (i32.load8_u (i32.mul (memory.size) (i32.const 65536))))
)
