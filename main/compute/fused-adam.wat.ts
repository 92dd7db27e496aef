/**
 * The WebAssembly SIMD pass of FusedAdamOptimizer on the wasm backend: one Adam step over n
 * float32s, imported memory = the tfjs wasm backend's heap.
 *
 * `ADAM_WASM` is `ADAM_WAT` assembled by WABT 1.0.39 (`wat2wasm --enable-simd`, or the `wabt`
 * npm package's `parseWat(…, { simd: true }).toBinary({})`); tests/compute/fused-optimizer.test.ts
 * checks it against tfjs's stock Adam. Reassemble after editing the text.
 */

/** The text format of the module. */
export const ADAM_WAT = `(module
  (import "env" "memory" (memory 1))
  ;; One Adam step over n float32s: x, m, v, g in; x', m', v' out (byte offsets).
  (func (export "adam")
    (param $x i32) (param $m i32) (param $v i32) (param $g i32)
    (param $xo i32) (param $mo i32) (param $vo i32) (param $n i32)
    (param $b1 f32) (param $a1 f32) (param $b2 f32) (param $a2 f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $nlr f32)
    (local $o i32) (local $end i32)
    (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $A2 v128)
    (local $C1 v128) (local $C2 v128) (local $E v128) (local $L v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $A1 (f32x4.splat (local.get $a1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $A2 (f32x4.splat (local.get $a2)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (local.set $L (f32x4.splat (local.get $nlr)))
    ;; Four lanes at a time over the first n & ~3 elements.
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
        ;; m' = m·β1 + g·(1 − β1)
        (local.set $mv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $o))) (local.get $B1))
          (f32x4.mul (local.get $gv) (local.get $A1))))
        ;; v' = v·β2 + g²·(1 − β2)
        (local.set $vv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $o))) (local.get $B2))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $A2))))
        (v128.store (i32.add (local.get $mo) (local.get $o)) (local.get $mv))
        (v128.store (i32.add (local.get $vo) (local.get $o)) (local.get $vv))
        ;; x' = (m'/c1) / (√(v'/c2) + ε) · (−lr) + x
        (v128.store (i32.add (local.get $xo) (local.get $o))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (local.get $C1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $C2))) (local.get $E)))
              (local.get $L))
            (v128.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next)))
    ;; The same, one element at a time, for the rest.
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $o))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1))
          (f32.mul (local.get $gs) (local.get $a1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $a2))))
        (f32.store (i32.add (local.get $mo) (local.get $o)) (local.get $ms))
        (f32.store (i32.add (local.get $vo) (local.get $o)) (local.get $vs))
        (f32.store (i32.add (local.get $xo) (local.get $o))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $c1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $c2))) (local.get $eps)))
              (local.get $nlr))
            (f32.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $next)))))
`;

/** ADAM_WAT assembled, base64. */
export const ADAM_WASM = 'AGFzbQEAAAABFAFgEH9/f39/f39/fX19fX19fX0AAg8BA2VudgZtZW1vcnkCAAEDAgEABwgBBGFkYW0AAArvAgHsAgMCfwt7A30gCP0TIRIgCf0TIRMgCv0TIRQgC/0TIRUgDP0TIRYgDf0TIRcgDv0TIRggD/0TIRkgB0F8cUECdCERAkADQCAQIBFPDQEgAyAQav0ABAAhGiABIBBq/QAEACAS/eYBIBogE/3mAf3kASEbIAIgEGr9AAQAIBT95gEgGiAa/eYBIBX95gH95AEhHCAFIBBqIBv9CwQAIAYgEGogHP0LBAAgBCAQaiAbIBb95wEgHCAX/ecB/eMBIBj95AH95wEgGf3mASAAIBBq/QAEAP3kAf0LBAAgEEEQaiEQDAALCyAHQQJ0IRECQANAIBAgEU8NASADIBBqKgIAIR0gASAQaioCACAIlCAdIAmUkiEeIAIgEGoqAgAgCpQgHSAdlCALlJIhHyAFIBBqIB44AgAgBiAQaiAfOAIAIAQgEGogHiAMlSAfIA2VkSAOkpUgD5QgACAQaioCAJI4AgAgEEEEaiEQDAALCws=';
