;; Tables and indirect calls: call_indirect that succeeds, hits a type
;; mismatch, a null entry or an index beyond the table (including
;; indices with the top bit set); a second table; table.get/set/size/
;; grow/fill/copy/init and elem.drop, with their bounds traps. A slot's
;; contents are read back by calling through it: function $fN returns N.
(module
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (type $v_i_dup (func (result i32)))  ;; structurally equal to $v_i: the same type
  (table $t 8 16 funcref)
  (table $u 2 externref)
  (table $w 3 funcref)
  (elem (table $t) (i32.const 0) func $f10 $f11 $f12)
  (elem (table $w) (i32.const 1) func $f20 $add1)
  (elem $pass func $f30 $f31 $f32 $f33)
  (elem $pass2 funcref (ref.func $f30) (ref.null func))
  (elem declare func $f40)
  (func $f10 (type $v_i) (i32.const 10))
  (func $f11 (type $v_i) (i32.const 11))
  (func $f12 (type $v_i) (i32.const 12))
  (func $f20 (type $v_i) (i32.const 20))
  (func $f30 (type $v_i) (i32.const 30))
  (func $f31 (type $v_i) (i32.const 31))
  (func $f32 (type $v_i) (i32.const 32))
  (func $f33 (type $v_i) (i32.const 33))
  (func $f40 (type $v_i) (i32.const 40))
  (func $add1 (type $i_i) (i32.add (local.get 0) (i32.const 1)))

  (func $call (export "call") (param i32) (result i32) (call_indirect $t (type $v_i) (local.get 0)))
  (func (export "call_dup_type") (param i32) (result i32) (call_indirect $t (type $v_i_dup) (local.get 0)))
  (func (export "call_i_i") (param i32 i32) (result i32) (call_indirect $t (type $i_i) (local.get 1) (local.get 0)))
  (func (export "call_w") (param i32) (result i32) (call_indirect $w (type $v_i) (local.get 0)))
  (func (export "call_w_i_i") (param i32 i32) (result i32) (call_indirect $w (type $i_i) (local.get 1) (local.get 0)))

  (func (export "size") (result i32) (table.size $t))
  (func (export "size_u") (result i32) (table.size $u))
  (func (export "get_is_null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "get_null") (param i32) (result funcref) (table.get $t (local.get 0)))
  (func (export "get_u") (param i32) (result externref) (table.get $u (local.get 0)))
  ;; set slot i to $f40 and call it
  (func (export "set_call") (param i32) (result i32)
    (table.set $t (local.get 0) (ref.func $f40))
    (call $call (local.get 0)))
  ;; clearing a slot makes calls through it trap
  (func (export "set_null_call") (param i32) (result i32)
    (table.set $t (local.get 0) (ref.null func))
    (call $call (local.get 0)))
  ;; copy an entry from table $w into $t through table.get/table.set
  (func (export "move_call") (result i32)
    (table.set $t (i32.const 5) (table.get $w (i32.const 1)))
    (call $call (i32.const 5)))

  ;; grow by n with $f40: returns the old size, then calls slot (old size)
  (func (export "grow") (param i32) (result i32)
    (table.grow $t (ref.func $f40) (local.get 0)))
  (func (export "grow_call") (param i32) (result i32 i32 i32)
    (table.grow $t (ref.func $f40) (local.get 0))
    (table.size $t)
    (call $call (i32.sub (table.size $t) (i32.const 1))))
  (func (export "grow_u") (param i32) (result i32 i32)
    (table.grow $u (ref.null extern) (local.get 0)) (table.size $u))
  ;; grow then call past the old end
  (func (export "grow_then_call") (param i32) (result i32)
    (drop (table.grow $t (ref.null func) (i32.const 2)))
    (call $call (local.get 0)))

  ;; fill [i, i+n) with $f40, return the calls of slots 0..7 as digits
  (func $digits (result i64)
    (local $i i32) (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 100))
        (i64.extend_i32_u
          (if (result i32) (ref.is_null (table.get $t (local.get $i)))
            (then (i32.const 99))
            (else (call $call (local.get $i)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 8))))
    (local.get $acc))
  (func (export "digits") (result i64) (call $digits))
  (func (export "fill") (param i32 i32) (result i64)
    (table.fill $t (local.get 0) (ref.func $f40) (local.get 1)) (call $digits))
  (func (export "copy") (param i32 i32 i32) (result i64)
    (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)) (call $digits))
  (func (export "copy_from_w") (param i32 i32 i32) (result i32)
    (table.copy $t $w (local.get 0) (local.get 1) (local.get 2))
    (call $call (local.get 0)))
  (func (export "init") (param i32 i32 i32) (result i64)
    (table.init $t $pass (local.get 0) (local.get 1) (local.get 2)) (call $digits))
  (func (export "init_pass2") (param i32 i32 i32) (result i64)
    (table.init $t $pass2 (local.get 0) (local.get 1) (local.get 2)) (call $digits))
  (func (export "drop_init") (param i32 i32 i32) (result i64)
    (elem.drop $pass)
    (table.init $t $pass (local.get 0) (local.get 1) (local.get 2)) (call $digits))
  (func (export "drop_twice") (result i32)
    (elem.drop $pass) (elem.drop $pass) (i32.const 1))
  ;; an active segment is dropped once instantiated: init of n > 0 traps
  (func (export "init_active") (param i32) (result i32)
    (table.init $w 1 (i32.const 0) (i32.const 0) (local.get 0)) (i32.const 1))
  (func (export "ref_func_call") (result i32)
    (table.set $t (i32.const 7) (ref.func $f40))
    (call_indirect $t (type $v_i) (i32.const 7)))
)

;; invoke call 0 => i32:10
;; invoke call 1 => i32:11
;; invoke call 2 => i32:12
;; invoke call 3 => trap uninitialized element
;; invoke call 7 => trap uninitialized element
;; invoke call 8 => trap undefined element
;; invoke call 16 => trap undefined element
;; invoke call -1 => trap undefined element
;; invoke call 0x80000000 => trap undefined element
;; invoke call_dup_type 2 => i32:12
;; invoke call_i_i 0 5 => trap indirect call type mismatch
;; invoke call_i_i 3 5 => trap uninitialized element
;; invoke call_i_i 9 5 => trap undefined element
;; invoke call_w 0 => trap uninitialized element
;; invoke call_w 1 => i32:20
;; invoke call_w 2 => trap indirect call type mismatch
;; invoke call_w 3 => trap undefined element
;; invoke call_w_i_i 2 41 => i32:42
;; invoke call_w_i_i 1 41 => trap indirect call type mismatch

;; invoke size => i32:8
;; invoke size_u => i32:2
;; invoke get_is_null 0 => i32:0
;; invoke get_is_null 3 => i32:1
;; invoke get_is_null 8 => trap out of bounds table access
;; invoke get_is_null -1 => trap out of bounds table access
;; invoke get_null 4 => funcref:null
;; invoke get_null 8 => trap out of bounds table access
;; invoke get_u 1 => externref:null
;; invoke get_u 2 => trap out of bounds table access
;; invoke set_call 3 => i32:40
;; invoke set_call 0 => i32:40
;; invoke set_call 7 => i32:40
;; invoke set_call 8 => trap out of bounds table access
;; invoke set_null_call 1 => trap uninitialized element
;; invoke move_call => i32:20
;; invoke ref_func_call => i32:40

;; invoke grow 0 => i32:8
;; invoke grow 8 => i32:8
;; invoke grow 9 => i32:-1
;; invoke grow -1 => i32:-1
;; invoke grow_call 1 => i32:8 i32:9 i32:40
;; invoke grow_call 8 => i32:8 i32:16 i32:40
;; invoke grow_u 10 => i32:2 i32:12
;; invoke grow_u 0 => i32:2 i32:2
;; invoke grow_then_call 9 => trap uninitialized element
;; invoke grow_then_call 10 => trap undefined element
;; invoke grow_then_call 2 => i32:12

;; invoke digits => i64:1011129999999999
;; invoke fill 2 3 => i64:1011404040999999
;; invoke fill 7 1 => i64:1011129999999940
;; invoke fill 8 0 => i64:1011129999999999
;; invoke fill 7 2 => trap out of bounds table access
;; invoke fill 9 0 => trap out of bounds table access
;; invoke fill 0 -1 => trap out of bounds table access
;; invoke copy 1 0 3 => i64:1010111299999999
;; invoke copy 0 1 3 => i64:1112999999999999
;; invoke copy 5 0 3 => i64:1011129999101112
;; invoke copy 6 0 3 => trap out of bounds table access
;; invoke copy 0 6 3 => trap out of bounds table access
;; invoke copy 8 8 0 => i64:1011129999999999
;; invoke copy 9 0 0 => trap out of bounds table access
;; invoke copy 0 -1 1 => trap out of bounds table access
;; invoke copy_from_w 3 1 1 => i32:20
;; invoke copy_from_w 3 1 3 => trap out of bounds table access
;; invoke init 3 0 4 => i64:1011123031323399
;; invoke init 4 1 2 => i64:1011129931329999
;; invoke init 5 0 4 => trap out of bounds table access
;; invoke init 0 2 3 => trap out of bounds table access
;; invoke init 8 4 0 => i64:1011129999999999
;; invoke init 9 0 0 => trap out of bounds table access
;; invoke init 0 5 0 => trap out of bounds table access
;; invoke init_pass2 0 0 2 => i64:3099129999999999
;; invoke drop_init 0 0 0 => i64:1011129999999999
;; invoke drop_init 0 0 1 => trap out of bounds table access
;; invoke drop_twice => i32:1
;; invoke init_active 0 => i32:1
;; invoke init_active 1 => trap out of bounds table access
