;; Imports and exports of every kind, mutable globals both ways, a start
;; function, and constant expressions that read an imported global.
(module
  (import "env" "f" (func $imp (param i32) (result i32)))
  (import "env" "t" (table $t 1 10 funcref))
  (import "env" "m" (memory 1 100))
  (import "env" "gi" (global $gi i32))
  (import "env" "gm" (global $gm (mut i64)))
  (global $mine (mut i32) (global.get $gi))
  (global $ref funcref (ref.func $start))
  (func $start
    (global.set $gm (i64.const 3))
    (global.set $mine (call $imp (global.get $gi))))
  (start $start)
  (elem (global.get $gi) $start $imp)
  (data (global.get $gi) "\00\01\02")
  (export "start" (func $start))
  (export "imp" (func $imp))
  (export "t" (table $t))
  (export "m" (memory 0))
  (export "gm" (global $gm))
  (export "mine" (global $mine))
  (export "ref" (global $ref))
  (export "\e2\9c\93 utf-8" (func $start)))
