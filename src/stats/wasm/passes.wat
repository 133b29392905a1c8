;; The host engine's two passes over float32 weights, in WebAssembly SIMD (see ../host-loops.ts for
;; the same passes in JavaScript, which also serve every element these fast paths decline). Memory
;; is imported, laid out by ../wasm-passes.ts: the pass-1 accumulator (14 float64 slots, the
;; SLOTS of host-loops.ts) at byte 0, then histogram counts and the weights' copies.
;;
;; Both passes take n elements, a multiple of 4, at 16-byte-aligned byte offsets. Every sum is a
;; float64 per lane, so float32 squares are exact and nothing overflows; lanes are added at the end.
(module
  (import "env" "memory" (memory 1))

  (func $hsum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))
  (func $hcount (param $v v128) (result f64)
    (f64.convert_i32_s
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
        (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v))))))
;; The least of m and the lanes of v, scanning left to right with `<` (the first of equal values stays).
  (func $lowest (param $v v128) (param $m f64) (result f64)
    (local $s f64)
    (local.set $s (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))))
    (if (f64.lt (local.get $s) (local.get $m)) (then (local.set $m (local.get $s))))
    (local.set $s (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
    (if (f64.lt (local.get $s) (local.get $m)) (then (local.set $m (local.get $s))))
    (local.set $s (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v))))
    (if (f64.lt (local.get $s) (local.get $m)) (then (local.set $m (local.get $s))))
    (local.set $s (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v))))
    (if (f64.lt (local.get $s) (local.get $m)) (then (local.set $m (local.get $s))))
    (local.get $m))
  (func $addSlot (param $slot i32) (param $value f64)
    (f64.store (i32.shl (local.get $slot) (i32.const 3))
      (f64.add (f64.load (i32.shl (local.get $slot) (i32.const 3))) (local.get $value))))

  ;; Pass 1 over n finite elements of x against p (previous) and q (initial): adds to the
  ;; accumulator and returns 1, or returns 0 committing nothing when an element of x, p or q is
  ;; not finite (a NaN or infinity makes its float64 sum non-finite; finite float32 values cannot
  ;; overflow a float64 sum of 2^16 of them). n is at most 65536.
  ;; Min and max use pmin/pmax, `v < min ? v : min`, the comparison host-loops.ts makes.
  (func (export "first") (param $x i32) (param $p i32) (param $q i32) (param $n i32) (param $tol f32)
    (result i32)
    (local $i i32) (local $end i32)
    (local $v v128) (local $a v128) (local $vlo v128) (local $vhi v128) (local $d v128) (local $e v128) (local $tol4 v128)
    (local $sum v128) (local $absSum v128) (local $sumSq v128) (local $zeros v128)
    (local $min v128) (local $max v128) (local $unchanged v128)
    (local $dSq v128) (local $dMax v128) (local $eSq v128)
    (local $s f64) (local $dS f64) (local $eS f64) (local $m f64)
    (local.set $tol4 (f32x4.splat (local.get $tol)))
    (local.set $min (f32x4.splat (f32.demote_f64 (f64.load (i32.const 24)))))
    (local.set $max (f32x4.splat (f32.demote_f64 (f64.load (i32.const 32)))))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $vlo (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $vhi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $sum (f64x2.add (local.get $sum) (f64x2.add (local.get $vlo) (local.get $vhi))))
        (local.set $sumSq (f64x2.add (local.get $sumSq)
          (f64x2.add (f64x2.mul (local.get $vlo) (local.get $vlo)) (f64x2.mul (local.get $vhi) (local.get $vhi)))))
        (local.set $a (f32x4.abs (local.get $v)))
        (local.set $absSum (f64x2.add (local.get $absSum) (f64x2.add (f64x2.promote_low_f32x4 (local.get $a)) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))))
        (local.set $zeros (i32x4.sub (local.get $zeros) (f32x4.le (local.get $a) (local.get $tol4))))
        (local.set $min (f32x4.pmin (local.get $min) (local.get $v)))
        (local.set $max (f32x4.pmax (local.get $max) (local.get $v)))
        ;; against the previous copy
        (local.set $a (v128.load (i32.add (local.get $p) (local.get $i))))
        (local.set $unchanged (i32x4.sub (local.get $unchanged) (f32x4.eq (local.get $v) (local.get $a))))
        (local.set $d (f64x2.sub (local.get $vlo) (f64x2.promote_low_f32x4 (local.get $a))))
        (local.set $e (f64x2.sub (local.get $vhi) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a)))))
        ;; one add into each running sum per iteration: a chain of two would wait on itself
        (local.set $dSq (f64x2.add (local.get $dSq)
          (f64x2.add (f64x2.mul (local.get $d) (local.get $d)) (f64x2.mul (local.get $e) (local.get $e)))))
        (local.set $dMax (f64x2.pmax (local.get $dMax) (f64x2.pmax (f64x2.abs (local.get $d)) (f64x2.abs (local.get $e)))))
        ;; against the initial copy
        (local.set $a (v128.load (i32.add (local.get $q) (local.get $i))))
        (local.set $d (f64x2.sub (local.get $vlo) (f64x2.promote_low_f32x4 (local.get $a))))
        (local.set $e (f64x2.sub (local.get $vhi) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a)))))
        (local.set $eSq (f64x2.add (local.get $eSq)
          (f64x2.add (f64x2.mul (local.get $d) (local.get $d)) (f64x2.mul (local.get $e) (local.get $e)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (local.set $s (call $hsum (local.get $sum)))
    (local.set $dS (call $hsum (local.get $dSq)))
    (local.set $eS (call $hsum (local.get $eSq)))
    (if (i32.eqz (f64.eq (f64.sub (local.get $s) (local.get $s)) (f64.const 0))) (then (return (i32.const 0))))
    (if (i32.eqz (f64.eq (f64.sub (local.get $dS) (local.get $dS)) (f64.const 0))) (then (return (i32.const 0))))
    (if (i32.eqz (f64.eq (f64.sub (local.get $eS) (local.get $eS)) (f64.const 0))) (then (return (i32.const 0))))
    (call $addSlot (i32.const 0) (f64.convert_i32_u (local.get $n)))
    (call $addSlot (i32.const 2) (call $hcount (local.get $zeros)))
    ;; the lanes' extremes; a tie between -0 and 0 in different lanes may go either way, so
    ;; ../host-engine.ts reports a zero min or max as 0
    (f64.store (i32.const 24) (call $lowest (local.get $min) (f64.load (i32.const 24))))
    (f64.store (i32.const 32) (f64.neg (call $lowest (f32x4.neg (local.get $max)) (f64.neg (f64.load (i32.const 32))))))
    (call $addSlot (i32.const 5) (call $hsum (local.get $sum)))
    (call $addSlot (i32.const 6) (call $hsum (local.get $absSum)))
    (call $addSlot (i32.const 7) (call $hsum (local.get $sumSq)))
    (call $addSlot (i32.const 8) (f64.convert_i32_u (local.get $n)))
    (call $addSlot (i32.const 9) (local.get $dS))
    (local.set $m (f64.max (f64x2.extract_lane 0 (local.get $dMax)) (f64x2.extract_lane 1 (local.get $dMax))))
    (f64.store (i32.const 80) (f64.max (f64.load (i32.const 80)) (local.get $m)))
    (call $addSlot (i32.const 11) (call $hcount (local.get $unchanged)))
    (call $addSlot (i32.const 12) (f64.convert_i32_u (local.get $n)))
    (call $addSlot (i32.const 13) (local.get $eS))
    (i32.const 1))

  ;; Pass 2 over n finite elements of x: returns the sum of squared deviations from $mean and adds
  ;; their histogram, bin floor((v - min) * scale) capped at $last, to four int32 count arrays of
  ;; $last + 1 bins from byte $counts (one per lane, so consecutive increments never wait on each
  ;; other; the caller adds them up).
  (func (export "spread") (param $x i32) (param $n i32) (param $mean f64) (param $min f64) (param $scale f64)
    (param $counts i32) (param $last i32) (result f64)
    (local $i i32) (local $end i32) (local $v v128) (local $lo v128) (local $hi v128) (local $d v128) (local $e v128)
    (local $dev v128) (local $mean2 v128) (local $min2 v128) (local $scale2 v128) (local $k v128)
    (local $stride i32) (local $addr i32)
    (local.set $mean2 (f64x2.splat (local.get $mean)))
    (local.set $min2 (f64x2.splat (local.get $min)))
    (local.set $scale2 (f64x2.splat (local.get $scale)))
    (local.set $stride (i32.shl (i32.add (local.get $last) (i32.const 1)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $d (f64x2.sub (local.get $lo) (local.get $mean2)))
        (local.set $e (f64x2.sub (local.get $hi) (local.get $mean2)))
        (local.set $dev (f64x2.add (local.get $dev)
          (f64x2.add (f64x2.mul (local.get $d) (local.get $d)) (f64x2.mul (local.get $e) (local.get $e)))))
        (local.set $k (i32x4.min_s
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (f64x2.sub (local.get $lo) (local.get $min2)) (local.get $scale2)))
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (f64x2.sub (local.get $hi) (local.get $min2)) (local.get $scale2))))
          (i32x4.splat (local.get $last))))
        (local.set $k (i32x4.add (i32x4.shl (local.get $k) (i32.const 2))
          (i32x4.add (i32x4.splat (local.get $counts))
            (i32x4.mul (i32x4.splat (local.get $stride)) (v128.const i32x4 0 1 2 3)))))
        (local.set $addr (i32x4.extract_lane 0 (local.get $k)))
        (i32.store (local.get $addr) (i32.add (i32.load (local.get $addr)) (i32.const 1)))
        (local.set $addr (i32x4.extract_lane 1 (local.get $k)))
        (i32.store (local.get $addr) (i32.add (i32.load (local.get $addr)) (i32.const 1)))
        (local.set $addr (i32x4.extract_lane 2 (local.get $k)))
        (i32.store (local.get $addr) (i32.add (i32.load (local.get $addr)) (i32.const 1)))
        (local.set $addr (i32x4.extract_lane 3 (local.get $k)))
        (i32.store (local.get $addr) (i32.add (i32.load (local.get $addr)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (call $hsum (local.get $dev)))
)
