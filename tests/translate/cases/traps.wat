;; Every trap kind dogma-run reports, each from its most direct source.
(module
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (memory 1)
  (table $t 4 funcref)
  (elem (table $t) (i32.const 0) func $one $two)
  (func $one (type $v_i) (i32.const 1))
  (func $two (type $v_i) (i32.const 2))
  (func $inc (type $i_i) (i32.add (local.get 0) (i32.const 1)))

  ;; invoke unreachable => trap unreachable
  (func (export "unreachable") (unreachable))
  ;; invoke unreachable_deep 3 => trap unreachable
  (func $ud (export "unreachable_deep") (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (unreachable)))
    (i32.add (call $ud (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))

  ;; invoke load_oob => trap out of bounds memory access
  (func (export "load_oob") (result i32) (i32.load (i32.const 65536)))
  ;; invoke store_oob => trap out of bounds memory access
  (func (export "store_oob") (i32.store (i32.const -1) (i32.const 0)))

  ;; invoke div0 => trap integer divide by zero
  (func (export "div0") (result i32) (i32.div_u (i32.const 1) (i32.const 0)))
  ;; invoke overflow => trap integer overflow
  (func (export "overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  ;; invoke conversion => trap invalid conversion to integer
  (func (export "conversion") (result i32) (i32.trunc_f32_s (f32.const nan)))
  ;; invoke trunc_overflow => trap integer overflow
  (func (export "trunc_overflow") (result i32) (i32.trunc_f32_s (f32.const 3e9)))

  ;; invoke undefined_element => trap undefined element
  (func (export "undefined_element") (result i32) (call_indirect $t (type $v_i) (i32.const 4)))
  ;; invoke uninitialized_element => trap uninitialized element
  (func (export "uninitialized_element") (result i32) (call_indirect $t (type $v_i) (i32.const 2)))
  ;; invoke type_mismatch => trap indirect call type mismatch
  (func (export "type_mismatch") (result i32) (call_indirect $t (type $i_i) (i32.const 5) (i32.const 0)))

  ;; invoke stack_exhausted => trap call stack exhausted
  (func $forever (export "stack_exhausted") (call $forever))

  ;; invoke table_get_oob => trap out of bounds table access
  (func (export "table_get_oob") (result funcref) (table.get $t (i32.const 4)))
  ;; invoke table_set_oob => trap out of bounds table access
  (func (export "table_set_oob") (table.set $t (i32.const 4) (ref.null func)))
)
