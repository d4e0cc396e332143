;; The module of ranges.c: global.set of an i32, an i64 and an f64 global,
;; from a parameter (a register local), from a sum (a fresh register) and
;; from constants. Not a case file: no directives, not run by run-cases.
(module
  (global $a (mut i32) (i32.const 0))
  (global $b (mut i64) (i64.const 0))
  (global $f (mut f64) (f64.const 0))
  (func (export "set_a") (param i32) (result i32)
    local.get 0
    global.set $a
    global.get $a)
  (func (export "add_a") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add
    global.set $a
    global.get $a)
  (func (export "set_b") (param i64) (result i64)
    local.get 0
    global.set $b
    global.get $b)
  (func (export "add_b") (param i64 i64) (result i64)
    local.get 0
    local.get 1
    i64.add
    global.set $b
    global.get $b)
  (func (export "set_f") (param f64) (result f64)
    local.get 0
    global.set $f
    global.get $f)
  (func (export "get_a") (result i32) global.get $a)
  (func (export "get_b") (result i64) global.get $b)
  (func (export "const_a_15") (i32.const 15) (global.set $a))
  (func (export "const_a_70") (i32.const 70) (global.set $a)))
