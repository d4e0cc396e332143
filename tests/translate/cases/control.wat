;; Control flow: select (untyped, typed, on every value type), br_table at
;; index 0, the last index, just out of range, a huge index and with a
;; single default target; blocks, loops and ifs with parameters and
;; several results; branches carrying values out of nested blocks;
;; early returns with values on the stack.
(module
  (func (export "select_i32") (param i32 i32 i32) (result i32)
    (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_i64") (param i64 i64 i32) (result i64)
    (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_f32") (param f32 f32 i32) (result f32)
    (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_f64") (param f64 f64 i32) (result f64)
    (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_typed_i64") (param i64 i64 i32) (result i64)
    (select (result i64) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_typed_f64") (param f64 f64 i32) (result f64)
    (select (result f64) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_funcref") (param i32) (result i32)
    (ref.is_null (select (result funcref) (ref.null func) (ref.func $dummy) (local.get 0))))
  (func (export "select_externref") (param i32) (result externref)
    (select (result externref) (ref.null extern) (ref.null extern) (local.get 0)))
  ;; the condition computed from a compare (a translator may fuse them)
  (func (export "select_cmp") (param i64 i64) (result i64)
    (select (local.get 0) (local.get 1) (i64.lt_s (local.get 0) (local.get 1))))
  (func $dummy)
  (elem declare func $dummy)

  ;; br_table with targets 0..3 and default 4
  (func (export "br_table") (param i32) (result i32)
    (block $d (block $3 (block $2 (block $1 (block $0
      (br_table $0 $1 $2 $3 $d (local.get 0)))
      (return (i32.const 100)))
      (return (i32.const 101)))
      (return (i32.const 102)))
      (return (i32.const 103)))
    (i32.const 104))
  ;; br_table carrying a value, only a default
  (func (export "br_table_default_only") (param i32) (result i32)
    (block (result i32) (br_table 0 (i32.const 55) (local.get 0))))
  ;; br_table carrying a value to several targets, some repeated
  (func (export "br_table_value") (param i32) (result i32)
    (i32.add (i32.const 1000)
      (block $a (result i32)
        (i32.add (i32.const 10)
          (block $b (result i32)
            (br_table $a $b $a $b $b (i32.const 7) (local.get 0)))))))
  ;; a br_table with 300 entries (all to the same label but the last)
  (func (export "br_table_long") (param i32) (result i32)
    (block $other (block $x
      (br_table
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x
        $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $other
        $x (local.get 0)))
      (return (i32.const 1)))
    (i32.const 2))

  ;; a loop with a parameter and a result: sums 1..n, the running sum
  ;; and counter live on the operand stack across the back edge
  (func (export "loop_params") (param i32) (result i32)
    (i32.const 0) (local.get 0)
    (loop $l (param i32 i32) (result i32)
      ;; stack: sum n
      (local.set 0)
      (i32.add (local.get 0))
      (local.get 0) (i32.const 1) (i32.sub)
      (local.tee 0)
      (br_if $l (local.get 0))
      (drop)))
  ;; a block taking two values and yielding three
  (func (export "block_multi") (param i32 i32) (result i32 i32 i32)
    (local.get 0) (local.get 1)
    (block (param i32 i32) (result i32 i32 i32)
      (i32.add) (local.get 0) (local.get 1)))
  ;; an if with a parameter, both arms
  (func (export "if_param") (param i32 i32) (result i32)
    (local.get 1)
    (if (param i32) (result i32) (local.get 0)
      (then (i32.const 2) (i32.mul))
      (else (i32.const -3) (i32.mul))))
  ;; a branch out of a block with several results, from inside a loop
  (func (export "br_multi") (param i32) (result i64 f64 i32)
    (block $out (result i64 f64 i32)
      (loop $l
        (br_if $out (i64.const -1) (f64.const 2.5) (local.get 0) (i32.ge_s (local.get 0) (i32.const 10)))
        (local.set 0 (i32.add (local.get 0) (i32.const 3)))
        (br $l))
      (unreachable)))
  ;; an early return from three blocks deep leaving junk on the stack
  (func (export "early_return") (param i32) (result i64)
    (i64.const 1)
    (block (result i32 i32)
      (i32.const 2)
      (block
        (block
          (if (local.get 0) (then (return (i64.const 42))))))
      (i32.const 3))
    (drop) (drop) (drop) (i64.const 7))
  ;; if without else, nested ifs, br_if out of an if
  (func (export "classify") (param i32) (result i32)
    (local i32)
    (block $done
      (if (i32.lt_s (local.get 0) (i32.const 0))
        (then (local.set 1 (i32.const -1)) (br $done)))
      (if (i32.eqz (local.get 0))
        (then (local.set 1 (i32.const 0)))
        (else
          (if (i32.gt_u (local.get 0) (i32.const 100))
            (then (local.set 1 (i32.const 2)))
            (else (local.set 1 (i32.const 1)))))))
    (local.get 1))
  ;; nested loops with a labelled continue of the outer loop
  (func (export "nested_loops") (param i32) (result i32)
    (local $i i32) (local $j i32) (local $acc i32)
    (loop $outer
      (local.set $j (i32.const 0))
      (block $next
        (loop $inner
          (br_if $next (i32.ge_u (local.get $j) (local.get $i)))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $inner)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get 0))))
    (local.get $acc))
  ;; unreachable code after br and return still has to validate and not run
  (func (export "dead_code") (result i32)
    (block (result i32) (br 0 (i32.const 9)) (i32.div_s (i32.const 1) (i32.const 0)))
    (return)
    (unreachable))
)

;; invoke select_i32 1 2 1 => i32:1
;; invoke select_i32 1 2 0 => i32:2
;; invoke select_i32 1 2 -2147483648 => i32:1
;; invoke select_i64 -1 2 0x100 => i64:-1
;; invoke select_i64 -1 0x100000000 0 => i64:4294967296
;; invoke select_f32 -0 nan:0x200001 0 => f32:nan:0x200001
;; invoke select_f32 -0 nan 7 => f32:-0
;; invoke select_f64 1.5 -nan:0x1 0 => f64:-nan:0x1
;; invoke select_f64 1.5 -2.5 1 => f64:1.5
;; invoke select_typed_i64 5 6 0 => i64:6
;; invoke select_typed_f64 -0 0 1 => f64:-0
;; invoke select_funcref 1 => i32:1
;; invoke select_funcref 0 => i32:0
;; invoke select_externref 0 => externref:null
;; invoke select_cmp 3 5 => i64:3
;; invoke select_cmp -3 -5 => i64:-5
;; invoke select_cmp 0x100000000 1 => i64:1

;; invoke br_table 0 => i32:100
;; invoke br_table 1 => i32:101
;; invoke br_table 2 => i32:102
;; invoke br_table 3 => i32:103
;; invoke br_table 4 => i32:104
;; invoke br_table 5 => i32:104
;; invoke br_table -1 => i32:104
;; invoke br_table 0x7fffffff => i32:104
;; invoke br_table 0x80000000 => i32:104
;; invoke br_table_default_only 0 => i32:55
;; invoke br_table_default_only -1 => i32:55
;; invoke br_table_value 0 => i32:1007
;; invoke br_table_value 1 => i32:1017
;; invoke br_table_value 2 => i32:1007
;; invoke br_table_value 3 => i32:1017
;; invoke br_table_value 4 => i32:1017
;; invoke br_table_value 1000000 => i32:1017
;; invoke br_table_long 0 => i32:1
;; invoke br_table_long 299 => i32:2
;; invoke br_table_long 298 => i32:1
;; invoke br_table_long 300 => i32:1
;; invoke br_table_long -1 => i32:1

;; invoke loop_params 1 => i32:1
;; invoke loop_params 10 => i32:55
;; invoke loop_params 1000 => i32:500500
;; invoke block_multi 3 4 => i32:7 i32:3 i32:4
;; invoke if_param 1 21 => i32:42
;; invoke if_param 0 21 => i32:-63
;; invoke br_multi 0 => i64:-1 f64:2.5 i32:12
;; invoke br_multi 11 => i64:-1 f64:2.5 i32:11
;; invoke early_return 1 => i64:42
;; invoke early_return 0 => i64:7
;; invoke classify -5 => i32:-1
;; invoke classify 0 => i32:0
;; invoke classify 50 => i32:1
;; invoke classify 101 => i32:2
;; invoke nested_loops 10 => i32:45
;; invoke nested_loops 1 => i32:0
;; invoke dead_code => i32:9
