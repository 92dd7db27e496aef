// Writes main/compute/winograd-simd.wat.ts: the WebAssembly SIMD transforms of the Winograd
// F(2×2, 3×3) convolution in main/compute/winograd.ts, as text and assembled.
//
// The three functions unroll 16 tile values each, so the text is generated rather than typed.
// Usage: `node scripts/winograd-wat.mjs [path to the wabt npm package]` (wabt is not a project
// dependency: `npm install --prefix /tmp/wabt wabt@1.0.39`, then pass /tmp/wabt/node_modules/wabt).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const R = [0, 1, 2, 3];
const get = (n) => `(local.get $${n})`;
const set = (n, e) => `(local.set $${n} ${e})`;
const add = (a, b) => `(f32x4.add ${a} ${b})`;
const sub = (a, b) => `(f32x4.sub ${a} ${b})`;
const i32add = (a, b) => `(i32.add ${a} ${b})`;
const locals = (prefix, n, type) => Array.from({ length: n }, (_, i) => `(local $${prefix}${i} ${type})`).join(' ');
const loadTable = (n) => Array.from({ length: n }, (_, i) => set(`p${i}`, `(i32.load offset=${4 * i} (local.get $tab))`)).join('\n    ');

// Bᵀ d B, Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]] (Lavin & Gray 2016, §4.1).
function inputTransform() {
  const lines = [];
  // Columns first: t[i][j] = (Bᵀ d)[i][j].
  for (const j of R) {
    const d = (i) => get(`d${i * 4 + j}`);
    lines.push(set(`t${0 * 4 + j}`, sub(d(0), d(2))));
    lines.push(set(`t${1 * 4 + j}`, add(d(1), d(2))));
    lines.push(set(`t${2 * 4 + j}`, sub(d(2), d(1))));
    lines.push(set(`t${3 * 4 + j}`, sub(d(1), d(3))));
  }
  // Then rows: v[i][j] = (t B)[i][j], stored to its matrix ξ = 4i + j.
  for (const i of R) {
    const t = (j) => get(`t${i * 4 + j}`);
    const out = [sub(t(0), t(2)), add(t(1), t(2)), sub(t(2), t(1)), sub(t(1), t(3))];
    out.forEach((e, j) => lines.push(`(v128.store ${i32add(get(`p${i * 4 + j}`), get('o'))} ${e})`));
  }
  return lines.join('\n          ');
}

// Aᵀ m A, Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]].
function outputTransform() {
  const lines = [];
  for (const j of R) {
    const m = (i) => get(`d${i * 4 + j}`);
    lines.push(set(`t${j}`, add(add(m(0), m(1)), m(2))));
    lines.push(set(`t${4 + j}`, sub(sub(m(1), m(2)), m(3))));
  }
  for (const i of [0, 1]) {
    const t = (j) => get(`t${i * 4 + j}`);
    lines.push(set(`y${i * 2}`, `(f32x4.max ${add(add(add(t(0), t(1)), t(2)), get('bv'))} ${get('lo')})`));
    lines.push(set(`y${i * 2 + 1}`, `(f32x4.max ${add(sub(sub(t(1), t(2)), t(3)), get('bv'))} ${get('lo')})`));
  }
  return lines.join('\n          ');
}

// G g Gᵀ, G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]].
function filterTransform() {
  const lines = [];
  const half = (e) => `(f32x4.mul ${e} ${get('half')})`;
  for (const j of [0, 1, 2]) {
    const g = (i) => get(`d${i * 3 + j}`);
    lines.push(set(`t${0 * 3 + j}`, g(0)));
    lines.push(set(`t${1 * 3 + j}`, half(add(add(g(0), g(1)), g(2)))));
    lines.push(set(`t${2 * 3 + j}`, half(add(sub(g(0), g(1)), g(2)))));
    lines.push(set(`t${3 * 3 + j}`, g(2)));
  }
  for (const i of R) {
    const t = (j) => get(`t${i * 3 + j}`);
    const out = [t(0), half(add(add(t(0), t(1)), t(2))), half(add(sub(t(0), t(1)), t(2))), t(2)];
    out.forEach((e, j) => lines.push(`(v128.store ${i32add(get(`p${i * 4 + j}`), get('o'))} ${e})`));
  }
  return lines.join('\n          ');
}

// A dy Aᵀ of a 2×2 output-gradient tile (A = (Aᵀ)ᵀ, 4×2): the products' gradient.
function outputGradTransform() {
  const lines = [];
  const neg = (e) => `(f32x4.neg ${e})`;
  for (const j of [0, 1]) {
    const d = (i) => get(`d${i * 2 + j}`);
    lines.push(set(`t${0 * 2 + j}`, d(0)));
    lines.push(set(`t${1 * 2 + j}`, add(d(0), d(1))));
    lines.push(set(`t${2 * 2 + j}`, sub(d(0), d(1))));
    lines.push(set(`t${3 * 2 + j}`, neg(d(1))));
  }
  for (const i of R) {
    const t = (j) => get(`t${i * 2 + j}`);
    const out = [t(0), add(t(0), t(1)), sub(t(0), t(1)), neg(t(1))];
    out.forEach((e, j) => lines.push(`(v128.store ${i32add(get(`p${i * 4 + j}`), get('o'))} ${e})`));
  }
  return lines.join('\n          ');
}

// Gᵀ dU G of one 4×4 tile of filter-transform gradients: the 3×3 filter gradient.
function filterGradTransform() {
  const lines = [];
  const half = (e) => `(f32x4.mul ${e} ${get('half')})`;
  // r = Gᵀ dU (3×4), Gᵀ = [[1, ½, ½, 0], [0, ½, −½, 0], [0, ½, ½, 1]].
  for (const j of R) {
    const u = (i) => get(`d${i * 4 + j}`);
    lines.push(set(`t${0 * 4 + j}`, add(u(0), half(add(u(1), u(2))))));
    lines.push(set(`t${1 * 4 + j}`, half(sub(u(1), u(2)))));
    lines.push(set(`t${2 * 4 + j}`, add(half(add(u(1), u(2))), u(3))));
  }
  // dg = r G (3×3).
  for (const i of [0, 1, 2]) {
    const r = (j) => get(`t${i * 4 + j}`);
    const out = [add(r(0), half(add(r(1), r(2)))), half(sub(r(1), r(2))), add(half(add(r(1), r(2))), r(3))];
    out.forEach((e, j) => lines.push(`(v128.store ${i32add(get(`f${i * 3 + j}`), get('o'))} ${e})`));
  }
  return lines.join('\n          ');
}

const inputLoads = R.flatMap((i) => R.map((j) => set(`d${i * 4 + j}`, `(v128.load ${i32add(get(`q${i}`), get(`c${j}`))})`))).join('\n          ');
const outputLoads = Array.from({ length: 16 }, (_, x) => set(`d${x}`, `(v128.load ${i32add(get(`p${x}`), get('o'))})`)).join('\n          ');
const filterLoads = Array.from({ length: 9 }, (_, x) => set(`d${x}`, `(v128.load ${i32add(get(`f${x}`), get('o'))})`)).join('\n          ');
const loadTaps = Array.from({ length: 9 }, (_, i) => set(`f${i}`, `(i32.load offset=${4 * i} (local.get $taps))`)).join('\n    ');

/** i8x16.shuffle picking float lanes (0–3 from a, 4–7 from b). */
const shuffle = (lanes, a, b) => `(i8x16.shuffle ${lanes.flatMap((l) => [0, 1, 2, 3].map((k) => 4 * l + k)).join(' ')} ${a} ${b})`;
const transposeBlock = [
  set('t0', shuffle([0, 4, 1, 5], get('a0'), get('a1'))),
  set('t1', shuffle([2, 6, 3, 7], get('a0'), get('a1'))),
  set('t2', shuffle([0, 4, 1, 5], get('a2'), get('a3'))),
  set('t3', shuffle([2, 6, 3, 7], get('a2'), get('a3'))),
  `(v128.store (local.get $d) ${shuffle([0, 1, 4, 5], get('t0'), get('t2'))})`,
  `(v128.store (i32.add (local.get $d) (local.get $rb)) ${shuffle([2, 3, 6, 7], get('t0'), get('t2'))})`,
  `(v128.store (i32.add (local.get $d) (i32.shl (local.get $rb) (i32.const 1))) ${shuffle([0, 1, 4, 5], get('t1'), get('t3'))})`,
  `(v128.store (i32.add (local.get $d) (i32.mul (local.get $rb) (i32.const 3))) ${shuffle([2, 3, 6, 7], get('t1'), get('t3'))})`,
].join('\n          ');

/** Indents every line of `text` by `n` spaces (the generated text stays readable). */
const indent = (text, n) => text.split('\n').map((l) => ' '.repeat(n) + l).join('\n');

/** for (counter = 0; counter < limit; counter += step) { body } as a WAT block and loop. */
function forLoop(name, counter, limit, body, step = 1) {
  return [
    `(local.set $${counter} (i32.const 0))`,
    `(block $${name}_done (loop $${name}`,
    `  (br_if $${name}_done (i32.ge_u (local.get $${counter}) ${limit}))`,
    indent(body, 2),
    `  (local.set $${counter} (i32.add (local.get $${counter}) (i32.const ${step})))`,
    `  (br $${name})))`,
  ].join('\n');
}

/**
 * The walk of the tile transforms: every image, tile row, tile column and group of 4 channels
 * ($k, in bytes), with $o the byte offset of the group in the [tiles, c] matrices.
 */
function tileLoops({ row, col = '', channel, afterCol }) {
  const ch = forLoop('ch', 'k', get('cb'), `${channel}\n(local.set $o (i32.add (local.get $o) (i32.const 16)))`, 16);
  const cols = forLoop('cols', 'tx', get('tw'), [col, ch, afterCol].filter(Boolean).join('\n'));
  return forLoop('imgs', 'img', get('n'), forLoop('rows', 'ty', get('th'), `${row}\n${cols}`));
}

/** The walk of im2col and col2im: every output position (img, y, x) and filter tap (i, j), with $iy, $ix its input pixel. */
function patchLoops({ tap, afterPosition = '' }) {
  const js = forLoop('js', 'j', get('kw'), `(local.set $ix (i32.sub (i32.add (i32.mul (local.get $xx) (local.get $sw)) (local.get $j)) (local.get $left)))\n${tap}`);
  const is = forLoop('is', 'i', get('kh'), `(local.set $iy (i32.sub (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $i)) (local.get $top)))\n${js}`);
  return forLoop('imgs', 'img', get('n'), forLoop('ys', 'y', get('ho'), forLoop('xs', 'xx', get('wo'), [is, afterPosition].filter(Boolean).join('\n'))));
}

// Unsigned compares: a negative row or column is out of range too.
const insideInput = '(i32.and (i32.lt_u (local.get $iy) (local.get $h)) (i32.lt_u (local.get $ix) (local.get $w)))';
const pixelOf = (tensor) => `(i32.add (local.get $${tensor}) (i32.mul (local.get $cb)
  (i32.add (i32.mul (i32.add (i32.mul (local.get $img) (local.get $h)) (local.get $iy)) (local.get $w)) (local.get $ix))))`;

/** The output tile's second row and column exist (partial tiles at odd sizes). */
const downFlag = '(local.set $down (i32.lt_u (i32.add (i32.shl (local.get $ty) (i32.const 1)) (i32.const 1)) (local.get $ho)))';
const rightFlag = '(local.set $right (i32.lt_u (i32.add (i32.shl (local.get $tx) (i32.const 1)) (i32.const 1)) (local.get $wo)))';
/** Top-left output pixel of the tile in a [n, ho, wo, c] tensor. */
const outputTileBase = (tensor) => `(local.set $base (i32.add (local.get $${tensor}) (i32.mul (local.get $row)
  (i32.add (i32.mul (local.get $img) (local.get $ho)) (i32.shl (local.get $ty) (i32.const 1))))))`;
const nextOutputTile = '(local.set $base (i32.add (local.get $base) (i32.shl (local.get $cb) (i32.const 1))))';
const zero = '(v128.const i32x4 0 0 0 0)';
const loadIf = (flag, address) => `(if (result v128) ${flag} (then (v128.load ${address})) (else ${zero}))`;

const inputFunc = tileLoops({
  // Top-left of the tile's window: row 2·ty of image img.
  row: `(local.set $base (i32.add (local.get $x) (i32.mul (local.get $row)
  (i32.add (i32.mul (local.get $img) (i32.add (i32.shl (local.get $th) (i32.const 1)) (i32.const 2))) (i32.shl (local.get $ty) (i32.const 1))))))`,
  channel: [
    '(local.set $q0 (i32.add (local.get $base) (local.get $k)))',
    '(local.set $q1 (i32.add (local.get $q0) (local.get $row)))',
    '(local.set $q2 (i32.add (local.get $q1) (local.get $row)))',
    '(local.set $q3 (i32.add (local.get $q2) (local.get $row)))',
    inputLoads,
    inputTransform(),
  ].join('\n'),
  afterCol: '(local.set $base (i32.add (local.get $base) (local.get $c2)))',
});

const outputFunc = tileLoops({
  row: `${downFlag}\n${outputTileBase('y')}`,
  col: rightFlag,
  channel: [
    '(local.set $bv (v128.load (i32.add (local.get $bias) (local.get $k))))',
    outputLoads,
    outputTransform(),
    '(v128.store (i32.add (local.get $base) (local.get $k)) (local.get $y0))',
    '(if (local.get $right) (then (v128.store (i32.add (i32.add (local.get $base) (local.get $cb)) (local.get $k)) (local.get $y1))))',
    '(if (local.get $down) (then',
    '  (v128.store (i32.add (i32.add (local.get $base) (local.get $row)) (local.get $k)) (local.get $y2))',
    '  (if (local.get $right) (then (v128.store (i32.add (i32.add (i32.add (local.get $base) (local.get $row)) (local.get $cb)) (local.get $k)) (local.get $y3))))))',
  ].join('\n'),
  afterCol: nextOutputTile,
});

const outputGradFunc = tileLoops({
  row: `${downFlag}\n${outputTileBase('dy')}`,
  col: rightFlag,
  channel: [
    '(local.set $d0 (v128.load (i32.add (local.get $base) (local.get $k))))',
    `(local.set $d1 ${loadIf('(local.get $right)', '(i32.add (i32.add (local.get $base) (local.get $cb)) (local.get $k))')})`,
    `(local.set $d2 ${loadIf('(local.get $down)', '(i32.add (i32.add (local.get $base) (local.get $row)) (local.get $k))')})`,
    `(local.set $d3 ${loadIf('(i32.and (local.get $down) (local.get $right))', '(i32.add (i32.add (i32.add (local.get $base) (local.get $row)) (local.get $cb)) (local.get $k))')})`,
    outputGradTransform(),
  ].join('\n'),
  afterCol: nextOutputTile,
});

const col2imFunc = patchLoops({
  tap: [
    `(if ${insideInput}`,
    '  (then',
    indent(`(local.set $dst ${pixelOf('dx')})`, 4),
    indent(
      forLoop(
        'ch',
        'k',
        get('cb'),
        `(v128.store (i32.add (local.get $dst) (local.get $k))
  (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $k))) (v128.load (i32.add (local.get $src) (local.get $k)))))`,
        16,
      ),
      4,
    ) + '))',
    '(local.set $src (i32.add (local.get $src) (local.get $cb)))',
  ].join('\n'),
});

const im2colFunc = patchLoops({
  tap: [
    `(if ${insideInput}`,
    '  (then',
    indent(`(local.set $src ${pixelOf('x')})`, 4),
    // Four floats at a time, then the rest one by one ($k runs on from the vector loop's end).
    indent(forLoop('v', 'k', get('vb'), '(v128.store (i32.add (local.get $dst) (local.get $k)) (v128.load (i32.add (local.get $src) (local.get $k))))', 16), 4),
    '    (block $s_done (loop $sc',
    '      (br_if $s_done (i32.ge_u (local.get $k) (local.get $cb)))',
    '      (f32.store (i32.add (local.get $dst) (local.get $k)) (f32.load (i32.add (local.get $src) (local.get $k))))',
    '      (local.set $k (i32.add (local.get $k) (i32.const 4)))',
    '      (br $sc))))',
    '  (else (memory.fill (local.get $dst) (i32.const 0) (local.get $cb))))',
    '(local.set $dst (i32.add (local.get $dst) (local.get $cb)))',
  ].join('\n'),
  afterPosition: '(memory.fill (local.get $dst) (i32.const 0) (local.get $tail))\n(local.set $dst (i32.add (local.get $dst) (local.get $tail)))',
});

const transposeFunc = forLoop(
  'rows_loop',
  'r',
  get('rows'),
  forLoop(
    'cols_loop',
    'c',
    get('cols'),
    [
      '(local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))',
      '(local.set $d (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2))))',
      '(local.set $a0 (v128.load (local.get $s)))',
      '(local.set $a1 (v128.load (i32.add (local.get $s) (local.get $cb))))',
      '(local.set $a2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $cb) (i32.const 1)))))',
      '(local.set $a3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $cb) (i32.const 3)))))',
      transposeBlock,
    ].join('\n'),
    4,
  ),
  4,
);

export const WAT = `(module
  (import "env" "memory" (memory 1))
  ;; Input transform. x: [n, 2·th + 2, 2·tw + 2, c] float32 (already padded), c a multiple of 4.
  ;; tab: 16 byte offsets of the matrices V_ξ, each [n·th·tw, c]; tile t = (img·th + ty)·tw + tx.
  (func (export "input") (param $x i32) (param $tab i32) (param $n i32) (param $th i32) (param $tw i32) (param $c i32)
    ${locals('p', 16, 'i32')} ${locals('d', 16, 'v128')} ${locals('t', 16, 'v128')}
    (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32) (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $row i32) (local $cb i32) (local $img i32) (local $ty i32) (local $tx i32) (local $base i32) (local $k i32) (local $o i32)
    ${loadTable(16)}
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $cb) (i32.add (i32.shl (local.get $tw) (i32.const 1)) (i32.const 2))))
    (local.set $c1 (local.get $cb))
    (local.set $c2 (i32.shl (local.get $cb) (i32.const 1)))
    (local.set $c3 (i32.mul (local.get $cb) (i32.const 3)))
${indent(inputFunc, 4)})

  ;; Output transform. tab: 16 byte offsets of the products M_ξ, each [n·th·tw, c]; y: [n, ho, wo, c]
  ;; with ho ≤ 2·th, wo ≤ 2·tw; bias: c float32s; relu: 0 or 1.
  (func (export "output") (param $tab i32) (param $y i32) (param $bias i32) (param $n i32) (param $ho i32) (param $wo i32)
    (param $th i32) (param $tw i32) (param $c i32) (param $relu i32)
    ${locals('p', 16, 'i32')} ${locals('d', 16, 'v128')} ${locals('t', 8, 'v128')} ${locals('y', 4, 'v128')}
    (local $bv v128) (local $lo v128) (local $cb i32) (local $row i32) (local $img i32) (local $ty i32) (local $tx i32)
    (local $base i32) (local $k i32) (local $o i32) (local $down i32) (local $right i32)
    ${loadTable(16)}
    (local.set $lo (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (local.get $relu)))
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $cb) (local.get $wo)))
${indent(outputFunc, 4)})

  ;; Filter transform. taps: 9 byte offsets of the filter's planes (row-major 3×3 order, any
  ;; plane layout, bytes long, a multiple of 16); tab: 16 byte offsets of the matrices U_ξ, each
  ;; laid out as the planes are.
  (func (export "filter") (param $taps i32) (param $tab i32) (param $bytes i32)
    ${locals('p', 16, 'i32')} ${locals('f', 9, 'i32')} ${locals('d', 9, 'v128')} ${locals('t', 12, 'v128')}
    (local $half v128) (local $o i32)
    ${loadTable(16)}
    ${loadTaps}
    (local.set $half (v128.const f32x4 0.5 0.5 0.5 0.5))
${indent(forLoop('next', 'o', get('bytes'), `${filterLoads}\n${filterTransform()}`, 16), 4)})

  ;; Output-gradient transform. dy: [n, ho, wo, c] float32, ho ≤ 2·th, wo ≤ 2·tw (missing rows and
  ;; columns of partial tiles read as zero); tab: 16 byte offsets of matrices [n·th·tw, c].
  (func (export "outputGrad") (param $dy i32) (param $tab i32) (param $n i32) (param $ho i32) (param $wo i32)
    (param $th i32) (param $tw i32) (param $c i32)
    ${locals('p', 16, 'i32')} ${locals('d', 4, 'v128')} ${locals('t', 8, 'v128')}
    (local $cb i32) (local $row i32) (local $img i32) (local $ty i32) (local $tx i32)
    (local $base i32) (local $k i32) (local $o i32) (local $down i32) (local $right i32)
    ${loadTable(16)}
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $cb) (local.get $wo)))
${indent(outputGradFunc, 4)})

  ;; Filter-gradient transform. tab: 16 byte offsets of the gradients of U_ξ (any layout, bytes
  ;; long, a multiple of 16); taps: 9 byte offsets of the filter gradient's planes, laid out alike.
  (func (export "filterGrad") (param $tab i32) (param $taps i32) (param $bytes i32)
    ${locals('p', 16, 'i32')} ${locals('f', 9, 'i32')} ${locals('d', 16, 'v128')} ${locals('t', 12, 'v128')}
    (local $half v128) (local $o i32)
    ${loadTable(16)}
    ${loadTaps}
    (local.set $half (v128.const f32x4 0.5 0.5 0.5 0.5))
${indent(forLoop('next', 'o', get('bytes'), `${outputLoads}\n${filterGradTransform()}`, 16), 4)})

  ;; col2im of an input gradient: dx [n, h, w, c] (zeroed) += each row p = (img, y, x) of
  ;; cols [n·ho·wo, kh, kw, c] at (img, y·sh + i − top, x·sw + j − left) for every tap (i, j)
  ;; that lands inside; c a multiple of 4.
  (func (export "col2im") (param $cols i32) (param $dx i32) (param $n i32) (param $ho i32) (param $wo i32)
    (param $h i32) (param $w i32) (param $c i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
    (param $top i32) (param $left i32)
    (local $img i32) (local $y i32) (local $xx i32) (local $i i32) (local $j i32) (local $iy i32) (local $ix i32)
    (local $cb i32) (local $src i32) (local $dst i32) (local $k i32)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $src (local.get $cols))
${indent(col2imFunc, 4)})

  ;; im2col of an input: row p = (img, y, x) of cols [n·ho·wo, pitch] gets, for every tap (i, j),
  ;; x[img, y·sh + i − top, x·sw + j − left, :], or zeros where that lies outside; the pitch − kh·kw·c
  ;; floats after each row's kh·kw·c are zeroed.
  (func (export "im2col") (param $x i32) (param $cols i32) (param $n i32) (param $ho i32) (param $wo i32)
    (param $h i32) (param $w i32) (param $c i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
    (param $top i32) (param $left i32) (param $pitch i32)
    (local $img i32) (local $y i32) (local $xx i32) (local $i i32) (local $j i32) (local $iy i32) (local $ix i32)
    (local $cb i32) (local $vb i32) (local $src i32) (local $dst i32) (local $k i32) (local $tail i32)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $vb (i32.and (local.get $cb) (i32.const -16)))
    (local.set $dst (local.get $cols))
    (local.set $tail (i32.shl (i32.sub (local.get $pitch) (i32.mul (i32.mul (local.get $kh) (local.get $kw)) (local.get $c))) (i32.const 2)))
${indent(im2colFunc, 4)})

  ;; dst [cols, rows] = srcᵀ, src [rows, cols] float32, rows and cols multiples of 4.
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $r i32) (local $c i32) (local $cb i32) (local $rb i32) (local $s i32) (local $d i32)
    (local.set $cb (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $rb (i32.shl (local.get $rows) (i32.const 2)))
${indent(transposeFunc, 4)})
)
`;

async function main() {
  const wabtPath = process.argv[2];
  if (!wabtPath) throw new Error('usage: node scripts/winograd-wat.mjs <path to the wabt npm package>');
  const wabt = await createRequire(import.meta.url)(path.resolve(wabtPath))();
  const mod = wabt.parseWat('winograd.wat', WAT, { simd: true });
  mod.validate();
  const { buffer } = mod.toBinary({});
  const out = path.join(here, '..', 'main', 'compute', 'winograd-simd.wat.ts');
  const ts = `/**
 * WebAssembly SIMD transforms of the Winograd F(2×2, 3×3) convolution in winograd.ts, run on the
 * tfjs wasm backend's heap: the input tiles (Bᵀ d B), the filter (G g Gᵀ), the output tiles
 * (Aᵀ m A, plus bias and ReLU), for the filter gradient the output-gradient tiles (A dy Aᵀ) and
 * the filter gradient (Gᵀ dU G), a 4×4-block matrix transpose, and the im2col gather and col2im
 * scatter of gradients computed as one matrix product (wasm-kernels.ts).
 *
 * Generated by scripts/winograd-wat.mjs (text and binary, assembled with WABT 1.0.39); edit the
 * generator, not this file. tests/compute/winograd.test.ts checks the convolution against the
 * cpu backend.
 */

/** The text format of the module. */
export const WINOGRAD_WAT = ${JSON.stringify(WAT)};

/** WINOGRAD_WAT assembled, base64. */
export const WINOGRAD_WASM = '${Buffer.from(buffer).toString('base64')}';
`;
  fs.writeFileSync(out, ts);
  console.log(`wrote ${path.relative(process.cwd(), out)} (${buffer.length} bytes of wasm)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
