;; Linear memory: every load and store width and signedness at address 0
;; and at the last valid address (memory size - width), and one byte
;; further (trap); address + offset beyond 2^32 (must trap, not wrap);
;; offsets of 2^31 and more; unaligned accesses; 32-bit addresses computed
;; by wrap-around arithmetic or i32.wrap_i64 (only the low 32 bits may be
;; used); memory.grow/size and accesses after growing; memory.fill/copy/init
;; (overlap both ways, bounds, zero lengths at the edge) and data.drop.
;;
;; Memory is 1 page (65536 bytes), at most 3. Bytes 0..7 hold 0x80..0x87
;; and the last 8 bytes 0xf8..0xff, so sign extension shows.
(module
  (memory 1 3)
  (data (i32.const 0) "\80\81\82\83\84\85\86\87")
  (data (i32.const 65528) "\f8\f9\fa\fb\fc\fd\fe\ff")
  (data $text "0123456789")
  (data $pass "abcdefgh")
  (data $empty "")

  (func (export "i32.load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "i64.load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "f32.load") (param i32) (result f32) (f32.load (local.get 0)))
  (func (export "f64.load") (param i32) (result f64) (f64.load (local.get 0)))
  (func (export "i32.load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "i32.load8_u") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "i32.load16_s") (param i32) (result i32) (i32.load16_s (local.get 0)))
  (func (export "i32.load16_u") (param i32) (result i32) (i32.load16_u (local.get 0)))
  (func (export "i64.load8_s") (param i32) (result i64) (i64.load8_s (local.get 0)))
  (func (export "i64.load8_u") (param i32) (result i64) (i64.load8_u (local.get 0)))
  (func (export "i64.load16_s") (param i32) (result i64) (i64.load16_s (local.get 0)))
  (func (export "i64.load16_u") (param i32) (result i64) (i64.load16_u (local.get 0)))
  (func (export "i64.load32_s") (param i32) (result i64) (i64.load32_s (local.get 0)))
  (func (export "i64.load32_u") (param i32) (result i64) (i64.load32_u (local.get 0)))
  ;; stores return the 8 bytes around the address afterwards (the first 8 or the last 8)
  (func $around (param i32) (result i64)
    (if (result i64) (i32.lt_u (local.get 0) (i32.const 8))
      (then (i64.load (i32.const 0)))
      (else (i64.load (i32.const 65528)))))
  (func (export "i32.store") (param i32 i32) (result i64) (i32.store (local.get 0) (local.get 1)) (call $around (local.get 0)))
  (func (export "i64.store") (param i32 i64) (result i64) (i64.store (local.get 0) (local.get 1)) (call $around (local.get 0)))
  (func (export "f32.store") (param i32 f32) (result i64) (f32.store (local.get 0) (local.get 1)) (call $around (local.get 0)))
  (func (export "f64.store") (param i32 f64) (result i64) (f64.store (local.get 0) (local.get 1)) (call $around (local.get 0)))
  (func (export "i32.store8") (param i32 i32) (result i64) (i32.store8 (local.get 0) (local.get 1)) (call $around (local.get 0)))
  (func (export "i32.store16") (param i32 i32) (result i64) (i32.store16 (local.get 0) (local.get 1)) (call $around (local.get 0)))
  (func (export "i64.store8") (param i32 i64) (result i64) (i64.store8 (local.get 0) (local.get 1)) (call $around (local.get 0)))
  (func (export "i64.store16") (param i32 i64) (result i64) (i64.store16 (local.get 0) (local.get 1)) (call $around (local.get 0)))
  (func (export "i64.store32") (param i32 i64) (result i64) (i64.store32 (local.get 0) (local.get 1)) (call $around (local.get 0)))

  ;; offsets: the effective address is address + offset in 33+ bits
  (func (export "load_off4") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func (export "load8_off_max") (param i32) (result i32) (i32.load8_u offset=0xffffffff (local.get 0)))
  (func (export "load_off_2g") (param i32) (result i32) (i32.load offset=0x80000000 (local.get 0)))
  (func (export "load8_off_2g") (param i32) (result i32) (i32.load8_u offset=0x80000000 (local.get 0)))
  (func (export "load_off_last") (param i32) (result i32) (i32.load offset=65532 (local.get 0)))
  (func (export "i64.load_off_last") (param i32) (result i64) (i64.load offset=65528 (local.get 0)))
  (func (export "store_off_2g") (param i32) (i32.store offset=0x80000000 (local.get 0) (i32.const 1)))
  (func (export "store8_off_max") (param i32) (i32.store8 offset=0xffffffff (local.get 0) (i32.const 1)))
  (func (export "store_off_last") (param i32) (result i64)
    (i32.store offset=65532 (local.get 0) (i32.const 0x11223344)) (i64.load (i32.const 65528)))
  ;; constant addresses (a translator may fold address and offset)
  (func (export "const_last") (result i32) (i32.load16_u (i32.const 65534)))
  (func (export "const_oob") (result i32) (i32.load16_u (i32.const 65535)))
  (func (export "const_off_oob") (result i32) (i32.load offset=65533 (i32.const 0)))
  (func (export "const_wrap_oob") (result i32) (i32.load offset=8 (i32.const 0xfffffffc)))

  ;; unaligned accesses, and float bits through memory
  (func (export "unaligned") (param i32) (result i64)
    (i64.store (local.get 0) (i64.const 0x0102030405060708))
    (i64.load (local.get 0)))
  (func (export "unaligned_f64") (param i32 f64) (result f64)
    (f64.store offset=1 (local.get 0) (local.get 1))
    (f64.load offset=1 (local.get 0)))
  (func (export "f32_bits") (param f32) (result i32)
    (f32.store (i32.const 100) (local.get 0))
    (i32.load (i32.const 100)))
  (func (export "f32_roundtrip") (param i32) (result f32)
    (i32.store (i32.const 100) (local.get 0))
    (f32.load (i32.const 100)))
  (func (export "f64_roundtrip") (param i64) (result f64)
    (i64.store (i32.const 100) (local.get 0))
    (f64.load (i32.const 100)))

  ;; addresses with garbage above bit 31 in a 64-bit register, if the
  ;; translator is careless: each must access the wrapped 32-bit address
  (func (export "addr_wrap_i64") (param i64) (result i32)
    (i32.load8_u (i32.wrap_i64 (local.get 0))))
  (func (export "addr_add") (param i32 i32) (result i32)
    (i32.load8_u (i32.add (local.get 0) (local.get 1))))
  (func (export "addr_add_off") (param i32 i32) (result i32)
    (i32.load8_u offset=2 (i32.add (local.get 0) (local.get 1))))
  (func (export "addr_sub") (param i32 i32) (result i32)
    (i32.load8_u (i32.sub (local.get 0) (local.get 1))))
  (func (export "addr_mul") (param i32 i32) (result i32)
    (i32.load8_u (i32.mul (local.get 0) (local.get 1))))
  (func (export "addr_shl") (param i32 i32) (result i32)
    (i32.load8_u (i32.shl (local.get 0) (local.get 1))))
  (func (export "addr_not") (param i32) (result i32)
    (i32.load8_u (i32.xor (local.get 0) (i32.const -1))))
  (func (export "addr_store_wrap") (param i64) (result i64)
    (i32.store8 (i32.wrap_i64 (local.get 0)) (i32.const 0x5a))
    (call $around (i32.wrap_i64 (local.get 0))))
  (func (export "addr_local") (param i64) (result i32)
    (local $a i32)
    (local.set $a (i32.wrap_i64 (local.get 0)))
    (block $b (loop $l (br_if $b (i32.const 1)) (br $l)))
    (i32.load8_u (local.get $a)))
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "addr_call") (param i64) (result i32)
    (i32.load8_u (call $id (i32.wrap_i64 (local.get 0)))))
  (func (export "addr_select") (param i64 i32) (result i32)
    (i32.load8_u (select (i32.wrap_i64 (local.get 0)) (i32.const 1) (local.get 1))))
  (func (export "addr_fill") (param i64) (result i64)
    (memory.fill (i32.wrap_i64 (local.get 0)) (i32.const 0x77) (i32.const 2))
    (i64.load (i32.const 0)))

  ;; memory.size / memory.grow
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_size") (param i32) (result i32 i32) (memory.grow (local.get 0)) (memory.size))
  ;; grow by one page, then load at address a (new memory is zero, except
  ;; what we store at the new last word)
  (func (export "grow_load") (param i32) (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 131068) (i32.const 0x12345678))
    (i32.load (local.get 0)))
  (func (export "grow_fail_load") (param i32) (result i32 i32)
    (memory.grow (i32.const 3))
    (i32.load (local.get 0)))

  ;; bulk memory; each returns the 10 bytes at 100 as decimal digits
  ;; (9 = anything outside '0'..'9', i.e. the fill bytes) after the operation
  (func $digits (result i64)
    (local $i i32) (local $acc i64) (local $c i32)
    (loop $l
      (local.set $c (i32.sub (i32.load8_u offset=100 (local.get $i)) (i32.const 48)))
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 10))
        (i64.extend_i32_u (select (local.get $c) (i32.const 9) (i32.lt_u (local.get $c) (i32.const 10))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
    (local.get $acc))
  (func $setup (memory.init $text (i32.const 100) (i32.const 0) (i32.const 10)))
  (func (export "text") (result i64) (call $setup) (call $digits))
  (func (export "copy") (param i32 i32 i32) (result i64)
    (call $setup)
    (memory.copy (local.get 0) (local.get 1) (local.get 2))
    (call $digits))
  (func (export "fill") (param i32 i32 i32) (result i64)
    (call $setup)
    (memory.fill (local.get 0) (local.get 1) (local.get 2))
    (call $digits))
  (func (export "fill_byte") (param i32 i32 i32) (result i32)
    (memory.fill (local.get 0) (local.get 1) (local.get 2))
    (i32.load8_u (local.get 0)))
  (func (export "init") (param i32 i32 i32) (result i64)
    (call $setup)
    (memory.init $text (local.get 0) (local.get 1) (local.get 2))
    (call $digits))
  (func (export "init_pass") (param i32 i32 i32) (result i32)
    (memory.init $pass (local.get 0) (local.get 1) (local.get 2))
    (i32.load8_u (local.get 0)))
  (func (export "init_empty") (param i32 i32 i32) (result i32)
    (memory.init $empty (local.get 0) (local.get 1) (local.get 2))
    (i32.const 1))
  (func (export "drop_init") (param i32 i32 i32) (result i32)
    (data.drop $pass)
    (memory.init $pass (local.get 0) (local.get 1) (local.get 2))
    (i32.const 1))
  (func (export "drop_twice") (result i32) (data.drop $pass) (data.drop $pass) (i32.const 1))
  ;; active segments are dropped once the module is instantiated
  (func (export "init_active") (param i32) (result i32)
    (memory.init 0 (i32.const 0) (i32.const 0) (local.get 0)) (i32.const 1))
  ;; copy and fill across the end of a grown memory
  (func (export "grow_copy") (param i32 i32 i32) (result i32)
    (drop (memory.grow (i32.const 1)))
    (memory.copy (local.get 0) (local.get 1) (local.get 2))
    (i32.load8_u (local.get 0)))
)

;; invoke i32.load 0 => i32:-2088599168
;; invoke i32.load 65532 => i32:-66052
;; invoke i32.load 65533 => trap out of bounds memory access
;; invoke i32.load 65536 => trap out of bounds memory access
;; invoke i32.load -1 => trap out of bounds memory access
;; invoke i32.load 0x80000000 => trap out of bounds memory access
;; invoke i64.load 0 => i64:-8681104427521506944
;; invoke i64.load 65528 => i64:-283686952306184
;; invoke i64.load 65529 => trap out of bounds memory access
;; invoke i64.load 65536 => trap out of bounds memory access
;; invoke i64.load -1 => trap out of bounds memory access
;; invoke i64.load 0x80000000 => trap out of bounds memory access
;; invoke f32.load 0 => f32:bits:0x83828180
;; invoke f32.load 65532 => f32:bits:0xfffefdfc
;; invoke f32.load 65533 => trap out of bounds memory access
;; invoke f32.load 65536 => trap out of bounds memory access
;; invoke f32.load -1 => trap out of bounds memory access
;; invoke f32.load 0x80000000 => trap out of bounds memory access
;; invoke f64.load 0 => f64:bits:0x8786858483828180
;; invoke f64.load 65528 => f64:bits:0xfffefdfcfbfaf9f8
;; invoke f64.load 65529 => trap out of bounds memory access
;; invoke f64.load 65536 => trap out of bounds memory access
;; invoke f64.load -1 => trap out of bounds memory access
;; invoke f64.load 0x80000000 => trap out of bounds memory access
;; invoke i32.load8_s 0 => i32:-128
;; invoke i32.load8_s 65535 => i32:-1
;; invoke i32.load8_s 65536 => trap out of bounds memory access
;; invoke i32.load8_s 65536 => trap out of bounds memory access
;; invoke i32.load8_s -1 => trap out of bounds memory access
;; invoke i32.load8_s 0x80000000 => trap out of bounds memory access
;; invoke i32.load8_u 0 => i32:128
;; invoke i32.load8_u 65535 => i32:255
;; invoke i32.load8_u 65536 => trap out of bounds memory access
;; invoke i32.load8_u 65536 => trap out of bounds memory access
;; invoke i32.load8_u -1 => trap out of bounds memory access
;; invoke i32.load8_u 0x80000000 => trap out of bounds memory access
;; invoke i32.load16_s 0 => i32:-32384
;; invoke i32.load16_s 65534 => i32:-2
;; invoke i32.load16_s 65535 => trap out of bounds memory access
;; invoke i32.load16_s 65536 => trap out of bounds memory access
;; invoke i32.load16_s -1 => trap out of bounds memory access
;; invoke i32.load16_s 0x80000000 => trap out of bounds memory access
;; invoke i32.load16_u 0 => i32:33152
;; invoke i32.load16_u 65534 => i32:65534
;; invoke i32.load16_u 65535 => trap out of bounds memory access
;; invoke i32.load16_u 65536 => trap out of bounds memory access
;; invoke i32.load16_u -1 => trap out of bounds memory access
;; invoke i32.load16_u 0x80000000 => trap out of bounds memory access
;; invoke i64.load8_s 0 => i64:-128
;; invoke i64.load8_s 65535 => i64:-1
;; invoke i64.load8_s 65536 => trap out of bounds memory access
;; invoke i64.load8_s 65536 => trap out of bounds memory access
;; invoke i64.load8_s -1 => trap out of bounds memory access
;; invoke i64.load8_s 0x80000000 => trap out of bounds memory access
;; invoke i64.load8_u 0 => i64:128
;; invoke i64.load8_u 65535 => i64:255
;; invoke i64.load8_u 65536 => trap out of bounds memory access
;; invoke i64.load8_u 65536 => trap out of bounds memory access
;; invoke i64.load8_u -1 => trap out of bounds memory access
;; invoke i64.load8_u 0x80000000 => trap out of bounds memory access
;; invoke i64.load16_s 0 => i64:-32384
;; invoke i64.load16_s 65534 => i64:-2
;; invoke i64.load16_s 65535 => trap out of bounds memory access
;; invoke i64.load16_s 65536 => trap out of bounds memory access
;; invoke i64.load16_s -1 => trap out of bounds memory access
;; invoke i64.load16_s 0x80000000 => trap out of bounds memory access
;; invoke i64.load16_u 0 => i64:33152
;; invoke i64.load16_u 65534 => i64:65534
;; invoke i64.load16_u 65535 => trap out of bounds memory access
;; invoke i64.load16_u 65536 => trap out of bounds memory access
;; invoke i64.load16_u -1 => trap out of bounds memory access
;; invoke i64.load16_u 0x80000000 => trap out of bounds memory access
;; invoke i64.load32_s 0 => i64:-2088599168
;; invoke i64.load32_s 65532 => i64:-66052
;; invoke i64.load32_s 65533 => trap out of bounds memory access
;; invoke i64.load32_s 65536 => trap out of bounds memory access
;; invoke i64.load32_s -1 => trap out of bounds memory access
;; invoke i64.load32_s 0x80000000 => trap out of bounds memory access
;; invoke i64.load32_u 0 => i64:2206368128
;; invoke i64.load32_u 65532 => i64:4294901244
;; invoke i64.load32_u 65533 => trap out of bounds memory access
;; invoke i64.load32_u 65536 => trap out of bounds memory access
;; invoke i64.load32_u -1 => trap out of bounds memory access
;; invoke i64.load32_u 0x80000000 => trap out of bounds memory access

;; invoke i32.store 0 0x11223344 => i64:-8681104429440421052
;; invoke i32.store 65532 0x11223344 => i64:1234605619231259128
;; invoke i32.store 65533 0x11223344 => trap out of bounds memory access
;; invoke i32.store -1 0x11223344 => trap out of bounds memory access
;; invoke i64.store 0 0x1122334455667788 => i64:1234605616436508552
;; invoke i64.store 65528 0x1122334455667788 => i64:1234605616436508552
;; invoke i64.store 65529 0x1122334455667788 => trap out of bounds memory access
;; invoke i64.store -1 0x1122334455667788 => trap out of bounds memory access
;; invoke f32.store 0 bits:0x11223344 => i64:-8681104429440421052
;; invoke f32.store 65532 bits:0x11223344 => i64:1234605619231259128
;; invoke f32.store 65533 bits:0x11223344 => trap out of bounds memory access
;; invoke f32.store -1 bits:0x11223344 => trap out of bounds memory access
;; invoke f64.store 0 bits:0x1122334455667788 => i64:1234605616436508552
;; invoke f64.store 65528 bits:0x1122334455667788 => i64:1234605616436508552
;; invoke f64.store 65529 bits:0x1122334455667788 => trap out of bounds memory access
;; invoke f64.store -1 bits:0x1122334455667788 => trap out of bounds memory access
;; invoke i32.store8 0 0x11223344 => i64:-8681104427521507004
;; invoke i32.store8 65535 0x11223344 => i64:4971690301664721400
;; invoke i32.store8 65536 0x11223344 => trap out of bounds memory access
;; invoke i32.store8 -1 0x11223344 => trap out of bounds memory access
;; invoke i32.store16 0 0x11223344 => i64:-8681104427521526972
;; invoke i32.store16 65534 0x11223344 => i64:3694356857351764472
;; invoke i32.store16 65535 0x11223344 => trap out of bounds memory access
;; invoke i32.store16 -1 0x11223344 => trap out of bounds memory access
;; invoke i64.store8 0 0x1122334455667788 => i64:-8681104427521506936
;; invoke i64.store8 65535 0x1122334455667788 => i64:-8575137377465730568
;; invoke i64.store8 65536 0x1122334455667788 => trap out of bounds memory access
;; invoke i64.store8 -1 0x1122334455667788 => trap out of bounds memory access
;; invoke i64.store16 0 0x1122334455667788 => i64:-8681104427521509496
;; invoke i64.store16 65534 0x1122334455667788 => i64:8613413550347188728
;; invoke i64.store16 65535 0x1122334455667788 => trap out of bounds memory access
;; invoke i64.store16 -1 0x1122334455667788 => trap out of bounds memory access
;; invoke i64.store32 0 0x1122334455667788 => i64:-8681104428295096440
;; invoke i64.store32 65532 0x1122334455667788 => i64:6153737371075148280
;; invoke i64.store32 65533 0x1122334455667788 => trap out of bounds memory access
;; invoke i64.store32 -1 0x1122334455667788 => trap out of bounds memory access

;; invoke load_off4 0 => i32:-2021227132
;; invoke load_off4 65528 => i32:-66052
;; invoke load_off4 65529 => trap out of bounds memory access
;; invoke load_off4 0xfffffffc => trap out of bounds memory access
;; invoke load_off4 0xfffffff8 => trap out of bounds memory access
;; invoke load8_off_max 0 => trap out of bounds memory access
;; invoke load8_off_max 1 => trap out of bounds memory access
;; invoke load8_off_max 0xffffffff => trap out of bounds memory access
;; invoke load_off_2g 0 => trap out of bounds memory access
;; invoke load_off_2g 0x80000000 => trap out of bounds memory access
;; invoke load_off_2g 0x7ffffffc => trap out of bounds memory access
;; invoke load8_off_2g 0x80000000 => trap out of bounds memory access
;; invoke load8_off_2g 0x80000001 => trap out of bounds memory access
;; invoke load_off_last 0 => i32:-66052
;; invoke load_off_last 1 => trap out of bounds memory access
;; invoke load_off_last -65532 => trap out of bounds memory access
;; invoke i64.load_off_last 0 => i64:-283686952306184
;; invoke i64.load_off_last 1 => trap out of bounds memory access
;; invoke store_off_2g 0 => trap out of bounds memory access
;; invoke store_off_2g 0x80000000 => trap out of bounds memory access
;; invoke store8_off_max 1 => trap out of bounds memory access
;; invoke store8_off_max 0 => trap out of bounds memory access
;; invoke store_off_last 0 => i64:0x11223344fbfaf9f8
;; invoke store_off_last 4 => trap out of bounds memory access
;; invoke const_last => i32:65534
;; invoke const_oob => trap out of bounds memory access
;; invoke const_off_oob => trap out of bounds memory access
;; invoke const_wrap_oob => trap out of bounds memory access

;; invoke unaligned 1 => i64:0x0102030405060708
;; invoke unaligned 65527 => i64:0x0102030405060708
;; invoke unaligned 65529 => trap out of bounds memory access
;; invoke unaligned_f64 3 -nan:0x1 => f64:-nan:0x1
;; invoke unaligned_f64 65527 1.5 => f64:1.5
;; invoke unaligned_f64 65528 1.5 => trap out of bounds memory access
;; invoke f32_bits nan:0x200001 => i32:0x7fa00001
;; invoke f32_bits -0 => i32:0x80000000
;; invoke f32_roundtrip 0x7f800001 => f32:bits:0x7f800001
;; invoke f32_roundtrip 0xffa00000 => f32:bits:0xffa00000
;; invoke f64_roundtrip 0x7ff0000000000001 => f64:bits:0x7ff0000000000001

;; invoke addr_wrap_i64 0x100000001 => i32:129
;; invoke addr_wrap_i64 0xffffffff00000002 => i32:130
;; invoke addr_wrap_i64 0x800000000000ffff => i32:255
;; invoke addr_wrap_i64 0x0000000100010000 => trap out of bounds memory access
;; invoke addr_add 0xfffffff0 0x13 => i32:131
;; invoke addr_add 0x80000000 0x80000004 => i32:132
;; invoke addr_add 0xffffffff 0x10000 => i32:255
;; invoke addr_add 0xffffffff 0x10001 => trap out of bounds memory access
;; invoke addr_add_off 0xffffffff 1 => i32:130
;; invoke addr_add_off 0xffffffff 0 => trap out of bounds memory access
;; invoke addr_sub 1 2 => trap out of bounds memory access
;; invoke addr_sub 5 0xffffffff => i32:134
;; invoke addr_mul 0x80000001 2 => i32:130
;; invoke addr_mul 0x10000 0x10000 => i32:128
;; invoke addr_shl 0xc0000001 1 => trap out of bounds memory access
;; invoke addr_shl 0x80000003 1 => i32:134
;; invoke addr_shl 0x80000001 33 => i32:130
;; invoke addr_not 0xfffffffe => i32:129
;; invoke addr_not 0 => trap out of bounds memory access
;; invoke addr_store_wrap 0x500000003 => i64:0x878685845a828180
;; invoke addr_store_wrap 0xffffffff0000ffff => i64:0x5afefdfcfbfaf9f8
;; invoke addr_local 0x1234567800000006 => i32:134
;; invoke addr_call 0xabcdef0000000007 => i32:135
;; invoke addr_select 0xabcdef0000000004 1 => i32:132
;; invoke addr_select 0xabcdef0000000004 0 => i32:129
;; invoke addr_fill 0x100000001 => i64:0x8786858483777780

;; invoke size => i32:1
;; invoke grow 0 => i32:1
;; invoke grow 1 => i32:1
;; invoke grow 2 => i32:1
;; invoke grow 3 => i32:-1
;; invoke grow 0x10000 => i32:-1
;; invoke grow -1 => i32:-1
;; invoke grow_size 2 => i32:1 i32:3
;; invoke grow_size 3 => i32:-1 i32:1
;; invoke grow_load 65536 => i32:0
;; invoke grow_load 131068 => i32:0x12345678
;; invoke grow_load 131069 => trap out of bounds memory access
;; invoke grow_load 65532 => i32:-66052
;; invoke grow_fail_load 65536 => trap out of bounds memory access
;; invoke grow_fail_load 65532 => i32:-1 i32:-66052

;; invoke text => i64:123456789
;; invoke copy 102 100 5 => i64:101234789
;; invoke copy 100 102 5 => i64:2345656789
;; invoke copy 101 100 9 => i64:12345678
;; invoke copy 100 101 9 => i64:1234567899
;; invoke copy 100 100 10 => i64:123456789
;; invoke copy 65536 100 0 => i64:123456789
;; invoke copy 100 65536 0 => i64:123456789
;; invoke copy 65537 100 0 => trap out of bounds memory access
;; invoke copy 100 65537 0 => trap out of bounds memory access
;; invoke copy 65530 100 7 => trap out of bounds memory access
;; invoke copy 100 65530 7 => trap out of bounds memory access
;; invoke copy 100 0xfffffffe 4 => trap out of bounds memory access
;; invoke copy 0xfffffffe 100 4 => trap out of bounds memory access
;; invoke copy 100 0 -1 => trap out of bounds memory access
;; invoke fill 102 0x41 3 => i64:199956789
;; invoke fill 102 0x4139 3 => i64:199956789
;; invoke fill 65536 0 0 => i64:123456789
;; invoke fill 65537 0 0 => trap out of bounds memory access
;; invoke fill 65535 0 2 => trap out of bounds memory access
;; invoke fill 0 0 -1 => trap out of bounds memory access
;; invoke fill 0xffffffff 0 2 => trap out of bounds memory access
;; invoke fill_byte 65535 0x1ff 1 => i32:255
;; invoke init 103 2 4 => i64:122345789
;; invoke init 100 9 1 => i64:9123456789
;; invoke init 100 10 0 => i64:123456789
;; invoke init 100 10 1 => trap out of bounds memory access
;; invoke init 100 11 0 => trap out of bounds memory access
;; invoke init 65536 0 0 => i64:123456789
;; invoke init 65537 0 0 => trap out of bounds memory access
;; invoke init 65530 0 7 => trap out of bounds memory access
;; invoke init 100 0 -1 => trap out of bounds memory access
;; invoke init_pass 65528 0 8 => i32:97
;; invoke init_pass 65529 0 8 => trap out of bounds memory access
;; invoke init_pass 200 7 1 => i32:104
;; invoke init_empty 65536 0 0 => i32:1
;; invoke init_empty 0 1 0 => trap out of bounds memory access
;; invoke drop_init 0 0 0 => i32:1
;; invoke drop_init 0 0 1 => trap out of bounds memory access
;; invoke drop_init 65536 0 0 => i32:1
;; invoke drop_twice => i32:1
;; invoke init_active 0 => i32:1
;; invoke init_active 1 => trap out of bounds memory access
;; invoke grow_copy 131064 0 8 => i32:128
;; invoke grow_copy 0 131064 8 => i32:0
;; invoke grow_copy 131065 0 8 => trap out of bounds memory access
