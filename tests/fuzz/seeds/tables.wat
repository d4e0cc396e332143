;; Tables and reference types: an imported funcref table, defined funcref
;; and externref tables, call_indirect through both, table.get/set/size/grow/fill/copy/
;; init, elem.drop, ref.null/is_null/func, and element segments in all eight
;; encodings (flags 0 to 7).
(module
  (type $i2i (func (param i32) (result i32)))
  (import "env" "tab" (table $imported 2 funcref))
  (table $t0 4 8 funcref)
  (table $t1 4 funcref)
  (table $ext 1 externref)

  (func $inc (type $i2i) (i32.add (local.get 0) (i32.const 1)))
  (func $dec (type $i2i) (i32.sub (local.get 0) (i32.const 1)))
  (func $dbl (type $i2i) (i32.shl (local.get 0) (i32.const 1)))

  ;; flags 0: active, table 0, function indices
  (elem (i32.const 0) $inc $dec)
  ;; flags 1: passive, function indices
  (elem $p1 func $inc $dbl)
  ;; flags 2: active, explicit table, function indices
  (elem (table $t1) (i32.const 1) func $dbl)
  ;; flags 3: declarative, function indices
  (elem declare func $dec)
  ;; flags 4: active, table 0, expressions
  (elem (i32.const 2) funcref (ref.func $dbl) (ref.null func))
  ;; flags 5: passive, expressions
  (elem $p5 funcref (ref.func $inc) (ref.null func))
  ;; flags 6: active, explicit table, expressions
  (elem (table $ext) (i32.const 0) externref (ref.null extern))
  ;; flags 7: declarative, expressions
  (elem declare funcref (ref.func $inc))

  (func $dispatch (export "dispatch") (param $i i32) (param $x i32) (result i32)
    (call_indirect $t0 (type $i2i) (local.get $x) (local.get $i))
    (call_indirect $t1 (type $i2i) (local.get $x) (i32.const 1))
    i32.add)

  (func $refs (export "refs") (param $e externref) (result i32)
    (table.set $t0 (i32.const 3) (ref.func $dec))
    (table.set $ext (i32.const 0) (local.get $e))
    (drop (table.get $t1 (i32.const 0)))
    (drop (table.grow $t1 (ref.null func) (i32.const 2)))
    (table.fill $t1 (i32.const 0) (ref.func $inc) (i32.const 1))
    (table.copy $t0 $t1 (i32.const 0) (i32.const 0) (i32.const 1))
    (table.init $t1 $p1 (i32.const 0) (i32.const 0) (i32.const 2))
    (table.init $t0 $p5 (i32.const 0) (i32.const 0) (i32.const 2))
    (elem.drop $p1)
    (drop (table.size $imported))
    (i32.add (ref.is_null (local.get $e)) (ref.is_null (ref.func $dec))))
)
