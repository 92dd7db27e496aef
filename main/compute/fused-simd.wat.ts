/**
 * WebAssembly SIMD passes that run on the tfjs wasm backend's own heap (see fused-simd.ts): the
 * Adam and momentum steps of fused-optimizer.ts, column sums for `Sum`/`Mean` over leading
 * axes, the channels-last batch-norm forward, per-channel `Add`/`Sub`/`Multiply`, and the
 * max-pool gradient of one window.
 *
 * `SIMD_WASM` is `SIMD_WAT` assembled by WABT 1.0.39 (`wat2wasm` — SIMD and bulk memory are on
 * by default — or the `wabt` npm package's `parseWat(…, { simd: true }).toBinary({})`);
 * tests/compute/fused-*.test.ts check every pass against tfjs's stock kernels. Reassemble after
 * editing the text.
 */

/**
 * A heavy-ball step over n float32s, four lanes at a time and then one by one: acc' = m·acc + g
 * and x' = c·(update) + x, where `vector` and `scalar` are the update in each form ($av/$as
 * hold acc', $gv/$gs the gradient, $M/$m the momentum).
 */
function momentumStep(name: string, title: string, formula: string, vector: string, scalar: string): string {
  return `  ;; One ${title} step over n float32s: acc' = m·acc + g, x' = ${formula} + x (byte offsets; m = momentum, c = −lr).
  (func (export "${name}") (param $x i32) (param $acc i32) (param $g i32) (param $xo i32) (param $acco i32) (param $n i32)
    (param $m f32) (param $c f32)
    (local $o i32) (local $end i32) (local $M v128) (local $C v128) (local $gv v128) (local $av v128) (local $gs f32) (local $as f32)
    (local.set $M (f32x4.splat (local.get $m)))
    (local.set $C (f32x4.splat (local.get $c)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
        ;; acc' = m·acc + g
        (local.set $av (f32x4.add (f32x4.mul (local.get $M) (v128.load (i32.add (local.get $acc) (local.get $o)))) (local.get $gv)))
        (v128.store (i32.add (local.get $acco) (local.get $o)) (local.get $av))
        (v128.store (i32.add (local.get $xo) (local.get $o))
          (f32x4.add (f32x4.mul (local.get $C) ${vector}) (v128.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $o))))
        (local.set $as (f32.add (f32.mul (local.get $m) (f32.load (i32.add (local.get $acc) (local.get $o)))) (local.get $gs)))
        (f32.store (i32.add (local.get $acco) (local.get $o)) (local.get $as))
        (f32.store (i32.add (local.get $xo) (local.get $o))
          (f32.add (f32.mul (local.get $c) ${scalar}) (f32.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $next))))
`;
}

/** The two forms of an elementwise pass: four lanes at a time, then one by one for the rest. */
interface Lanes {
  /** The pass's block and loop labels, and the local holding the byte offset it stops at. */
  readonly done: string;
  readonly loop: string;
  readonly end: string;
  /** Load, store and the float ops' prefix. */
  readonly load: string;
  readonly store: string;
  readonly f: string;
  /** Bytes per step. */
  readonly step: number;
}

const VECTOR: Lanes = { done: 'vdone', loop: 'v', end: 'vend', load: 'v128.load', store: 'v128.store', f: 'f32x4', step: 16 };
const SCALAR: Lanes = { done: 'sdone', loop: 's', end: 'end', load: 'f32.load', store: 'f32.store', f: 'f32', step: 4 };

/**
 * One pass of a row loop over the byte offsets $k < $end (or $vend): stores `value` (lines of its
 * own, in the pass's lane form) at `address`, then steps $k.
 */
function rowPass(l: Lanes, address: string, value: (l: Lanes) => string): string {
  return `        (block $${l.done}
          (loop $${l.loop}
            (br_if $${l.done} (i32.ge_u (local.get $k) (local.get $${l.end})))
            (${l.store} ${address}
${value(l)})
            (local.set $k (i32.add (local.get $k) (i32.const ${l.step})))
            (br $${l.loop})))
`;
}

/** Both passes of a row: the four-lane one, then the one-by-one one. */
function rowPasses(address: string, value: (l: Lanes) => string): string {
  return rowPass(VECTOR, address, value) + rowPass(SCALAR, address, value);
}

/** columnSums' element: out[k] + row[k]. */
const columnSum = (l: Lanes): string => `              (${l.f}.add
                (${l.load} (i32.add (local.get $out) (local.get $k)))
                (${l.load} (i32.add (local.get $row) (local.get $k))))`;

/**
 * The body of a channels-last pass over rows × c float32s (byte offsets $o of the row, $k of the
 * channel): `value` stored at out[r·c + k], four lanes at a time, then one by one.
 */
function channelRows(value: (l: Lanes) => string): string {
  return `    (local $r i32) (local $k i32) (local $o i32) (local $vend i32) (local $end i32)
    (local.set $end (i32.shl (local.get $c) (i32.const 2)))
    (local.set $vend (i32.shl (i32.and (local.get $c) (i32.const -4)) (i32.const 2)))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $k (i32.const 0))
${rowPasses('(i32.add (local.get $out) (i32.add (local.get $o) (local.get $k)))', value)}        (local.set $o (i32.add (local.get $o) (local.get $end)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))
`;
}

/** batchNorm's element: (x[o + k] − mean[k])·a[k] + b[k]. */
const batchNormed = (l: Lanes): string => `              (${l.f}.add
                (${l.f}.mul
                  (${l.f}.sub
                    (${l.load} (i32.add (local.get $x) (i32.add (local.get $o) (local.get $k))))
                    (${l.load} (i32.add (local.get $mean) (local.get $k))))
                  (${l.load} (i32.add (local.get $a) (local.get $k))))
                (${l.load} (i32.add (local.get $b) (local.get $k))))`;

/**
 * A per-channel binary op over a channels-last x: out[r·c + k] = x[r·c + k] ∘ v[k], or
 * v[k] ∘ x[r·c + k] when `vFirst` (for `Sub`). The stock wasm kernels broadcast through a
 * per-element index computation, 2–3× slower than their same-shape loop.
 */
function channelOp(name: string, op: 'add' | 'sub' | 'mul', vFirst: boolean): string {
  const value = (l: Lanes): string => {
    const xs = `(${l.load} (i32.add (local.get $x) (i32.add (local.get $o) (local.get $k))))`;
    const vs = `(${l.load} (i32.add (local.get $v) (local.get $k)))`;
    return `              (${l.f}.${op} ${vFirst ? `${vs} ${xs}` : `${xs} ${vs}`})`;
  };
  return `  ;; out[r·c + k] = ${vFirst ? 'v[k] ∘ x[r·c + k]' : 'x[r·c + k] ∘ v[k]'} (${op}), r < rows (byte offsets).
  (func (export "${name}") (param $x i32) (param $v i32) (param $out i32) (param $rows i32) (param $c i32)
${channelRows(value)}`;
}

/** The names an Adam pass reads and sets in one lane form: its locals, then its constants. */
interface AdamNames {
  /** The gradient, m' and v'. */
  readonly g: string;
  readonly m: string;
  readonly v: string;
  /** β1, 1 − β1, β2, 1 − β2, the bias corrections c1 and c2, ε and −lr. */
  readonly b1: string;
  readonly a1: string;
  readonly b2: string;
  readonly a2: string;
  readonly c1: string;
  readonly c2: string;
  readonly eps: string;
  readonly nlr: string;
}

/** The four-lane pass reads the constants splat into v128 locals; the other, adam's own f32 params. */
const ADAM_VECTOR: AdamNames = { g: '$gv', m: '$mv', v: '$vv', b1: '$B1', a1: '$A1', b2: '$B2', a2: '$A2', c1: '$C1', c2: '$C2', eps: '$E', nlr: '$L' };
const ADAM_SCALAR: AdamNames = { g: '$gs', m: '$ms', v: '$vs', b1: '$b1', a1: '$a1', b2: '$b2', a2: '$a2', c1: '$c1', c2: '$c2', eps: '$eps', nlr: '$nlr' };

/** One pass of the Adam step over the byte offsets $o < $end, in one lane form (its last line unended). */
function adamPass(l: Lanes, n: AdamNames): string {
  return `    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set ${n.g} (${l.load} (i32.add (local.get $g) (local.get $o))))
        ;; m' = m·β1 + g·(1 − β1)
        (local.set ${n.m} (${l.f}.add
          (${l.f}.mul (${l.load} (i32.add (local.get $m) (local.get $o))) (local.get ${n.b1}))
          (${l.f}.mul (local.get ${n.g}) (local.get ${n.a1}))))
        ;; v' = v·β2 + g²·(1 − β2)
        (local.set ${n.v} (${l.f}.add
          (${l.f}.mul (${l.load} (i32.add (local.get $v) (local.get $o))) (local.get ${n.b2}))
          (${l.f}.mul (${l.f}.mul (local.get ${n.g}) (local.get ${n.g})) (local.get ${n.a2}))))
        (${l.store} (i32.add (local.get $mo) (local.get $o)) (local.get ${n.m}))
        (${l.store} (i32.add (local.get $vo) (local.get $o)) (local.get ${n.v}))
        ;; x' = (m'/c1) / (√(v'/c2) + ε) · (−lr) + x
        (${l.store} (i32.add (local.get $xo) (local.get $o))
          (${l.f}.add
            (${l.f}.mul
              (${l.f}.div
                (${l.f}.div (local.get ${n.m}) (local.get ${n.c1}))
                (${l.f}.add (${l.f}.sqrt (${l.f}.div (local.get ${n.v}) (local.get ${n.c2}))) (local.get ${n.eps})))
              (local.get ${n.nlr}))
            (${l.load} (i32.add (local.get $x) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const ${l.step})))
        (br $next)))`;
}

/** The text format of the module. */
export const SIMD_WAT = `(module
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
${adamPass(VECTOR, ADAM_VECTOR)}
    ;; The same, one element at a time, for the rest.
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
${adamPass(SCALAR, ADAM_SCALAR)})
  ;; Column sums: out[k] = Σ_{r < rows} x[r·cols + k] (float32, row by row; byte offsets).
  (func (export "columnSums") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $k i32) (local $row i32) (local $vend i32) (local $end i32)
    ;; out = 0
    (local.set $end (i32.shl (local.get $cols) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $end))
    (local.set $vend (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $row (local.get $x))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $k (i32.const 0))
${rowPasses('(i32.add (local.get $out) (local.get $k))', columnSum)}        (local.set $row (i32.add (local.get $row) (local.get $end)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; Batch norm, channels last: out[r·c + k] = (x[r·c + k] − mean[k])·a[k] + b[k] (byte offsets).
  (func (export "batchNorm") (param $x i32) (param $out i32) (param $rows i32) (param $c i32)
    (param $mean i32) (param $a i32) (param $b i32)
${channelRows(batchNormed)}${channelOp('channelAdd', 'add', false)}${channelOp('channelSub', 'sub', false)}${channelOp('channelSubFrom', 'sub', true)}${channelOp('channelMul', 'mul', false)}${momentumStep('momentum', 'momentum', "c·acc'", '(local.get $av)', '(local.get $as)')}${momentumStep(
  'nesterov',
  'Nesterov',
  "c·(g + acc'·m)",
  '(f32x4.add (local.get $gv) (f32x4.mul (local.get $av) (local.get $M)))',
  '(f32.add (local.get $gs) (f32.mul (local.get $as) (local.get $m)))',
)}  ;; Max-pool gradient of one output position, channels last: the window's taps (byte offsets
  ;; into x and dx, n of them at $taps, row-major) and, for each of the c channels, dy[k] goes
  ;; to the first tap whose x equals the forward maximum y[k]. y and dy point at the position.
  (func (export "maxPoolGradWindow") (param $x i32) (param $dx i32) (param $y i32) (param $dy i32)
    (param $taps i32) (param $n i32) (param $c i32)
    (local $k i32) (local $t i32) (local $at i32) (local $vend i32) (local $end i32)
    (local $max v128) (local $g v128) (local $found v128) (local $eq v128)
    (local $maxs f32)
    (local.set $end (i32.shl (local.get $c) (i32.const 2)))
    (local.set $vend (i32.shl (i32.and (local.get $c) (i32.const -4)) (i32.const 2)))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $k) (local.get $vend)))
        (local.set $max (v128.load (i32.add (local.get $y) (local.get $k))))
        (local.set $g (v128.load (i32.add (local.get $dy) (local.get $k))))
        (local.set $found (v128.const i32x4 0 0 0 0))
        (local.set $t (i32.const 0))
        (block $tdone
          (loop $tap
            (br_if $tdone (i32.ge_u (local.get $t) (local.get $n)))
            (local.set $at (i32.add (i32.load (i32.add (local.get $taps) (i32.shl (local.get $t) (i32.const 2)))) (local.get $k)))
            ;; The lanes whose maximum sits here, first time only.
            (local.set $eq (v128.andnot
              (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $at))) (local.get $max))
              (local.get $found)))
            (local.set $found (v128.or (local.get $found) (local.get $eq)))
            (v128.store (i32.add (local.get $dx) (local.get $at))
              (f32x4.add
                (v128.load (i32.add (local.get $dx) (local.get $at)))
                (v128.and (local.get $g) (local.get $eq))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $tap)))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $v)))
    (block $sdone
      (loop $s
        (br_if $sdone (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $maxs (f32.load (i32.add (local.get $y) (local.get $k))))
        (local.set $t (i32.const 0))
        (block $tdone
          (loop $tap
            (br_if $tdone (i32.ge_u (local.get $t) (local.get $n)))
            (local.set $at (i32.add (i32.load (i32.add (local.get $taps) (i32.shl (local.get $t) (i32.const 2)))) (local.get $k)))
            (if (f32.eq (f32.load (i32.add (local.get $x) (local.get $at))) (local.get $maxs))
              (then
                (f32.store (i32.add (local.get $dx) (local.get $at))
                  (f32.add
                    (f32.load (i32.add (local.get $dx) (local.get $at)))
                    (f32.load (i32.add (local.get $dy) (local.get $k)))))
                (br $tdone)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $tap)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $s)))))
`;

/** SIMD_WAT assembled, base64. */
export const SIMD_WASM = 'AGFzbQEAAAABOAVgEH9/f39/f39/fX19fX19fX0AYAR/f39/AGAHf39/f39/fwBgBX9/f39/AGAIf39/f39/fX0AAg8BA2VudgZtZW1vcnkCAAEDCwoAAQIDAwMDBAQCB4MBCgRhZGFtAAAKY29sdW1uU3VtcwABCWJhdGNoTm9ybQACCmNoYW5uZWxBZGQAAwpjaGFubmVsU3ViAAQOY2hhbm5lbFN1YkZyb20ABQpjaGFubmVsTXVsAAYIbW9tZW50dW0ABwhuZXN0ZXJvdgAIEW1heFBvb2xHcmFkV2luZG93AAkK6hAK7AIDAn8LewN9IAj9EyESIAn9EyETIAr9EyEUIAv9EyEVIAz9EyEWIA39EyEXIA79EyEYIA/9EyEZIAdBfHFBAnQhEQJAA0AgECARTw0BIAMgEGr9AAQAIRogASAQav0ABAAgEv3mASAaIBP95gH95AEhGyACIBBq/QAEACAU/eYBIBogGv3mASAV/eYB/eQBIRwgBSAQaiAb/QsEACAGIBBqIBz9CwQAIAQgEGogGyAW/ecBIBwgF/3nAf3jASAY/eQB/ecBIBn95gEgACAQav0ABAD95AH9CwQAIBBBEGohEAwACwsgB0ECdCERAkADQCAQIBFPDQEgAyAQaioCACEdIAEgEGoqAgAgCJQgHSAJlJIhHiACIBBqKgIAIAqUIB0gHZQgC5SSIR8gBSAQaiAeOAIAIAYgEGogHzgCACAEIBBqIB4gDJUgHyANlZEgDpKVIA+UIAAgEGoqAgCSOAIAIBBBBGohEAwACwsLpgEBBX8gA0ECdCEIIAFBACAI/AsAIANBfHFBAnQhByAAIQYCQANAIAQgAk8NAUEAIQUCQANAIAUgB08NASABIAVqIAEgBWr9AAQAIAYgBWr9AAQA/eQB/QsEACAFQRBqIQUMAAsLAkADQCAFIAhPDQEgASAFaiABIAVqKgIAIAYgBWoqAgCSOAIAIAVBBGohBQwACwsgBiAIaiEGIARBAWohBAwACwsLzwEBBX8gA0ECdCELIANBfHFBAnQhCgJAA0AgByACTw0BQQAhCAJAA0AgCCAKTw0BIAEgCSAIamogACAJIAhqav0ABAAgBCAIav0ABAD95QEgBSAIav0ABAD95gEgBiAIav0ABAD95AH9CwQAIAhBEGohCAwACwsCQANAIAggC08NASABIAkgCGpqIAAgCSAIamoqAgAgBCAIaioCAJMgBSAIaioCAJQgBiAIaioCAJI4AgAgCEEEaiEIDAALCyAJIAtqIQkgB0EBaiEHDAALCwulAQEFfyAEQQJ0IQkgBEF8cUECdCEIAkADQCAFIANPDQFBACEGAkADQCAGIAhPDQEgAiAHIAZqaiAAIAcgBmpq/QAEACABIAZq/QAEAP3kAf0LBAAgBkEQaiEGDAALCwJAA0AgBiAJTw0BIAIgByAGamogACAHIAZqaioCACABIAZqKgIAkjgCACAGQQRqIQYMAAsLIAcgCWohByAFQQFqIQUMAAsLC6UBAQV/IARBAnQhCSAEQXxxQQJ0IQgCQANAIAUgA08NAUEAIQYCQANAIAYgCE8NASACIAcgBmpqIAAgByAGamr9AAQAIAEgBmr9AAQA/eUB/QsEACAGQRBqIQYMAAsLAkADQCAGIAlPDQEgAiAHIAZqaiAAIAcgBmpqKgIAIAEgBmoqAgCTOAIAIAZBBGohBgwACwsgByAJaiEHIAVBAWohBQwACwsLpQEBBX8gBEECdCEJIARBfHFBAnQhCAJAA0AgBSADTw0BQQAhBgJAA0AgBiAITw0BIAIgByAGamogASAGav0ABAAgACAHIAZqav0ABAD95QH9CwQAIAZBEGohBgwACwsCQANAIAYgCU8NASACIAcgBmpqIAEgBmoqAgAgACAHIAZqaioCAJM4AgAgBkEEaiEGDAALCyAHIAlqIQcgBUEBaiEFDAALCwulAQEFfyAEQQJ0IQkgBEF8cUECdCEIAkADQCAFIANPDQFBACEGAkADQCAGIAhPDQEgAiAHIAZqaiAAIAcgBmpq/QAEACABIAZq/QAEAP3mAf0LBAAgBkEQaiEGDAALCwJAA0AgBiAJTw0BIAIgByAGamogACAHIAZqaioCACABIAZqKgIAlDgCACAGQQRqIQYMAAsLIAcgCWohByAFQQFqIQUMAAsLC9IBAwJ/BHsCfSAG/RMhCiAH/RMhCyAFQXxxQQJ0IQkCQANAIAggCU8NASACIAhq/QAEACEMIAogASAIav0ABAD95gEgDP3kASENIAQgCGogDf0LBAAgAyAIaiALIA395gEgACAIav0ABAD95AH9CwQAIAhBEGohCAwACwsgBUECdCEJAkADQCAIIAlPDQEgAiAIaioCACEOIAYgASAIaioCAJQgDpIhDyAEIAhqIA84AgAgAyAIaiAHIA+UIAAgCGoqAgCSOAIAIAhBBGohCAwACwsL4gEDAn8EewJ9IAb9EyEKIAf9EyELIAVBfHFBAnQhCQJAA0AgCCAJTw0BIAIgCGr9AAQAIQwgCiABIAhq/QAEAP3mASAM/eQBIQ0gBCAIaiAN/QsEACADIAhqIAsgDCANIAr95gH95AH95gEgACAIav0ABAD95AH9CwQAIAhBEGohCAwACwsgBUECdCEJAkADQCAIIAlPDQEgAiAIaioCACEOIAYgASAIaioCAJQgDpIhDyAEIAhqIA84AgAgAyAIaiAHIA4gDyAGlJKUIAAgCGoqAgCSOAIAIAhBBGohCAwACwsLrAIDBX8EewF9IAZBAnQhCyAGQXxxQQJ0IQoCQANAIAcgCk8NASACIAdq/QAEACEMIAMgB2r9AAQAIQ39DAAAAAAAAAAAAAAAAAAAAAAhDkEAIQgCQANAIAggBU8NASAEIAhBAnRqKAIAIAdqIQkgACAJav0ABAAgDP1BIA79TyEPIA4gD/1QIQ4gASAJaiABIAlq/QAEACANIA/9Tv3kAf0LBAAgCEEBaiEIDAALCyAHQRBqIQcMAAsLAkADQCAHIAtPDQEgAiAHaioCACEQQQAhCAJAA0AgCCAFTw0BIAQgCEECdGooAgAgB2ohCSAAIAlqKgIAIBBbBEAgASAJaiABIAlqKgIAIAMgB2oqAgCSOAIADAILIAhBAWohCAwACwsgB0EEaiEHDAALCws=';
