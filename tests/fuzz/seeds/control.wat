;; Control flow: block, loop, if/else, br, br_if, br_table, return,
;; unreachable, select (plain and typed), multi-value blocks and functions,
;; block types given by type index, deep nesting and stack-polymorphic code.
(module
  (type $pair (func (param i32) (result i32 i32)))
  (type $binop (func (param i32 i32) (result i32)))

  (func $swap (param i32 i32) (result i32 i32)
    local.get 1
    local.get 0)

  (func $classify (export "classify") (param $x i32) (result i32)
    (block $d
      (block $c
        (block $b
          (block $a
            (br_table $a $b $c $d $b $a (local.get $x)))
          (return (i32.const 10)))
        (return (i32.const 20)))
      (return (i32.const 30)))
    i32.const 40)

  (func $sum (export "sum") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    local.get $acc)

  (func $multi (export "multi") (param i32) (result i32)
    (local.get 0)
    (block (type $pair) (param i32) (result i32 i32)
      (local.tee 0)
      (local.get 0))
    (call $swap)
    i32.sub
    (if (result i32 i64) (local.get 0)
      (then (i32.const 1) (i64.const 2))
      (else (i32.const 3) (i64.const 4)))
    drop
    drop)

  (func $loops (param i32 i32) (result i32)
    (local.get 0) (local.get 1)
    (loop (type $binop) (param i32 i32) (result i32)
      i32.add
      (br_if 0 (i32.const 0) (i32.const 0) (i32.const 0))
      drop
      drop))

  (func $pick (export "pick") (param i32 f64 f64 externref externref) (result f64 externref)
    local.get 1
    local.get 2
    local.get 0
    select
    local.get 3
    local.get 4
    local.get 0
    select (result externref))

  (func $dead (param i32) (result i32)
    (if (local.get 0) (then (unreachable) (i32.add) (drop) (br 0)))
    (block (result i32)
      (br 0 (i32.const 7))
      (f32.add)
      (drop)
      (select))
    (return (i32.const 1))
    (i32.wrap_i64 (i64.const 0)))

  (func $deep (result i32)
    (block (result i32) (block (result i32) (block (result i32) (block (result i32)
      (block (result i32) (block (result i32) (loop (result i32) (if (result i32)
        (i32.const 1) (then (i32.const 2)) (else (i32.const 3)))))))))))

  (func $nop_drop (local i64 f32 f64 i32 funcref externref)
    nop
    (drop (local.get 0))
    (drop (local.get 4))
    (drop (local.get 5)))
)
