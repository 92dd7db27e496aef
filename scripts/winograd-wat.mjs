// Writes main/compute/winograd-simd.wat.ts: the WebAssembly SIMD transforms of the Winograd
// F(2×2, 3×3) and F(4×4, 3×3) convolutions in main/compute/winograd.ts, as text and assembled.
//
// Each transform is a matrix sandwich L·X·Lᵀ unrolled over 16 or 36 tile values, so the text is
// generated from the transform matrices rather than typed.
// Usage: `node scripts/winograd-wat.mjs [path to the wabt npm package]` (wabt is not a project
// dependency: `npm install --prefix /tmp/wabt wabt@1.0.39`, then pass /tmp/wabt/node_modules/wabt).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const range = (n) => Array.from({ length: n }, (_, i) => i);
const get = (n) => `(local.get $${n})`;
const set = (n, e) => `(local.set $${n} ${e})`;
const i32add = (a, b) => `(i32.add ${a} ${b})`;
const locals = (prefix, n, type) => Array.from({ length: n }, (_, i) => `(local $${prefix}${i} ${type})`).join(' ');
const loadTable = (n) => Array.from({ length: n }, (_, i) => set(`p${i}`, `(i32.load offset=${4 * i} (local.get $tab))`)).join('\n    ');

/**
 * The transform matrices of F(m×m, 3×3) (Lavin & Gray 2016, "Fast Algorithms for Convolutional
 * Neural Networks", §4.1 for m = 2; m = 4 with the interpolation points 0, ±1, ±2, ∞ of their
 * §5): Bᵀ (α×α, α = m + 2) for the input tiles, G (α×3) for the filter, Aᵀ (m×α) for the outputs.
 */
const MATRICES = {
  2: {
    BT: [
      [1, 0, -1, 0],
      [0, 1, 1, 0],
      [0, -1, 1, 0],
      [0, 1, 0, -1],
    ],
    G: [
      [1, 0, 0],
      [1 / 2, 1 / 2, 1 / 2],
      [1 / 2, -1 / 2, 1 / 2],
      [0, 0, 1],
    ],
    AT: [
      [1, 1, 1, 0],
      [0, 1, -1, -1],
    ],
  },
  4: {
    BT: [
      [4, 0, -5, 0, 1, 0],
      [0, -4, -4, 1, 1, 0],
      [0, 4, -4, -1, 1, 0],
      [0, -2, -1, 2, 1, 0],
      [0, 2, -1, -2, 1, 0],
      [0, 4, 0, -5, 0, 1],
    ],
    G: [
      [1 / 4, 0, 0],
      [-1 / 6, -1 / 6, -1 / 6],
      [-1 / 6, 1 / 6, -1 / 6],
      [1 / 24, 1 / 12, 1 / 6],
      [1 / 24, -1 / 12, 1 / 6],
      [0, 0, 1],
    ],
    AT: [
      [1, 1, 1, 1, 1, 0],
      [0, 1, -1, 2, -2, 0],
      [0, 1, 1, 4, 4, 0],
      [0, 1, -1, 8, -8, 1],
    ],
  },
};

const transpose = (M) => M[0].map((_, j) => M.map((row) => row[j]));

/** A float32 constant as WAT text, exactly (nine significant digits round-trip a float32). */
const f32 = (v) => Number(Math.fround(v).toPrecision(9)).toString();

/** Σ_k c[k]·terms[k] as an f32x4 expression: zeros skipped, ±1 as add / sub, others multiplied by a splat. */
function combo(coeffs, terms) {
  let expr = null;
  coeffs.forEach((c, k) => {
    if (c === 0) return;
    const mag = Math.abs(c);
    const term = mag === 1 ? terms[k] : `(f32x4.mul ${terms[k]} (v128.const f32x4 ${f32(mag)} ${f32(mag)} ${f32(mag)} ${f32(mag)}))`;
    if (expr === null) expr = c > 0 ? term : `(f32x4.neg ${term})`;
    else expr = c > 0 ? `(f32x4.add ${expr} ${term})` : `(f32x4.sub ${expr} ${term})`;
  });
  return expr ?? '(v128.const i32x4 0 0 0 0)';
}

/**
 * L·X·Lᵀ for L (p×q) and X (q×q, x(k, j) its expressions): the first product into locals
 * $t0…, and out(i, j), the expression of the result's entry (i, j).
 */
function sandwich(L, x) {
  const p = L.length;
  const q = L[0].length;
  const lines = [];
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) lines.push(set(`t${i * q + j}`, combo(L[i], range(q).map((k) => x(k, j)))));
  const out = (i, j) => combo(L[j], range(q).map((k) => get(`t${i * q + k}`)));
  return { lines, out, temps: p * q };
}

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

const zero = '(v128.const i32x4 0 0 0 0)';
const loadIf = (flag, address) => `(if (result v128) ${flag} (then (v128.load ${address})) (else ${zero}))`;

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

/**
 * The walk of the tile transforms of F(m×m, 3×3): every image, tile row, tile column and group
 * of 4 channels ($k, in bytes), with $o the byte offset of the group in the [tiles, c] matrices.
 */
function tileLoops({ row, col = '', channel, afterCol }) {
  const ch = forLoop('ch', 'k', get('cb'), `${channel}\n(local.set $o (i32.add (local.get $o) (i32.const 16)))`, 16);
  const cols = forLoop('cols', 'tx', get('tw'), [col, ch, afterCol].filter(Boolean).join('\n'));
  return forLoop('imgs', 'img', get('n'), forLoop('rows', 'ty', get('th'), `${row}\n${cols}`));
}

/** Flags $r1… and $c1…: output row m·ty + i (column m·tx + j) exists, for partial tiles at the edges. */
const edgeFlags = (m, axis) =>
  range(m - 1)
    .map((i) => (axis === 'r' ? `(local.set $r${i + 1} (i32.lt_u (i32.add (i32.mul (local.get $ty) (i32.const ${m})) (i32.const ${i + 1})) (local.get $ho)))` : `(local.set $c${i + 1} (i32.lt_u (i32.add (i32.mul (local.get $tx) (i32.const ${m})) (i32.const ${i + 1})) (local.get $wo)))`))
    .join('\n');
/** Whether output (i, j) of a tile exists. */
const exists = (i, j) => [i > 0 ? get(`r${i}`) : null, j > 0 ? get(`c${j}`) : null].filter(Boolean).reduce((a, b) => (a === null ? b : `(i32.and ${a} ${b})`), null);
/** Address of output (i, j) of the tile at $base, channel group $k. */
const outAt = (i, j) => `(i32.add (i32.add (i32.add (local.get $base) (i32.mul (local.get $row) (i32.const ${i}))) (i32.mul (local.get $cb) (i32.const ${j}))) (local.get $k))`;
/** Top-left output pixel of the tile in a [n, ho, wo, c] tensor. */
const outputTileBase = (tensor, m) => `(local.set $base (i32.add (local.get $${tensor}) (i32.mul (local.get $row)
  (i32.add (i32.mul (local.get $img) (local.get $ho)) (i32.mul (local.get $ty) (i32.const ${m}))))))`;
const nextTile = (m) => `(local.set $base (i32.add (local.get $base) (i32.mul (local.get $cb) (i32.const ${m}))))`;
const edgeLocals = (m) => range(m - 1).map((i) => `(local $r${i + 1} i32) (local $c${i + 1} i32)`).join(' ');
const store = (address, value) => `(v128.store ${address} ${value})`;
const matrixAt = (x) => i32add(get(`p${x}`), get('o'));

/** The five transforms of F(m×m, 3×3) as WAT functions named input<m>, output<m>, filter<m>, outputGrad<m>, filterGrad<m>. */
function transforms(m) {
  const { BT, G, AT } = MATRICES[m];
  const a = m + 2;
  const n = a * a;
  // Input: V = Bᵀ d B over (m·ty, m·tx)'s a×a window of padded x [n, m·th + 2, m·tw + 2, c].
  const inp = sandwich(BT, (i, j) => get(`d${i * a + j}`));
  const inputFunc = tileLoops({
    row: `(local.set $base (i32.add (local.get $x) (i32.mul (local.get $row)
  (i32.add (i32.mul (local.get $img) (i32.add (i32.mul (local.get $th) (i32.const ${m})) (i32.const 2))) (i32.mul (local.get $ty) (i32.const ${m}))))))`,
    channel: [
      ...range(a).flatMap((i) => range(a).map((j) => set(`d${i * a + j}`, `(v128.load (i32.add (i32.add (local.get $base) (local.get $k)) (i32.add (i32.mul (local.get $row) (i32.const ${i})) (i32.mul (local.get $cb) (i32.const ${j})))))`))),
      ...inp.lines,
      ...range(a).flatMap((i) => range(a).map((j) => store(matrixAt(i * a + j), inp.out(i, j)))),
    ].join('\n'),
    afterCol: nextTile(m),
  });
  // Output: Y = Aᵀ M A (+ bias, then max with $lo: ReLU or nothing), stored where it exists.
  const outp = sandwich(AT, (i, j) => get(`d${i * a + j}`));
  const outputFunc = tileLoops({
    row: `${edgeFlags(m, 'r')}\n${outputTileBase('y', m)}`,
    col: edgeFlags(m, 'c'),
    channel: [
      '(local.set $bv (v128.load (i32.add (local.get $bias) (local.get $k))))',
      ...range(n).map((x) => set(`d${x}`, `(v128.load ${matrixAt(x)})`)),
      ...outp.lines,
      ...range(m).flatMap((i) =>
        range(m).map((j) => {
          const st = store(outAt(i, j), `(f32x4.max (f32x4.add ${outp.out(i, j)} (local.get $bv)) (local.get $lo))`);
          const e = exists(i, j);
          return e ? `(if ${e} (then ${st}))` : st;
        }),
      ),
    ].join('\n'),
    afterCol: nextTile(m),
  });
  // Filter: U = G g Gᵀ, plane by plane (9 taps in, n matrices out).
  const filt = sandwich(G, (i, j) => get(`d${i * 3 + j}`));
  const filterBody = [
    ...range(9).map((x) => set(`d${x}`, `(v128.load ${i32add(get(`f${x}`), get('o'))})`)),
    ...filt.lines,
    ...range(a).flatMap((i) => range(a).map((j) => store(matrixAt(i * a + j), filt.out(i, j)))),
  ].join('\n');
  // Output gradient: Ŷ = A dy Aᵀ of the m×m dy tile (missing rows and columns read as zero).
  const og = sandwich(transpose(AT), (i, j) => get(`d${i * m + j}`));
  const outputGradFunc = tileLoops({
    row: `${edgeFlags(m, 'r')}\n${outputTileBase('dy', m)}`,
    col: edgeFlags(m, 'c'),
    channel: [
      ...range(m).flatMap((i) =>
        range(m).map((j) => {
          const e = exists(i, j);
          return set(`d${i * m + j}`, e ? loadIf(e, outAt(i, j)) : `(v128.load ${outAt(i, j)})`);
        }),
      ),
      ...og.lines,
      ...range(a).flatMap((i) => range(a).map((j) => store(matrixAt(i * a + j), og.out(i, j)))),
    ].join('\n'),
    afterCol: nextTile(m),
  });
  // Filter gradient: dg = Gᵀ dU G (n matrices in, 9 taps out).
  const fg = sandwich(transpose(G), (i, j) => get(`d${i * a + j}`));
  const filterGradBody = [
    ...range(n).map((x) => set(`d${x}`, `(v128.load ${matrixAt(x)})`)),
    ...fg.lines,
    ...range(3).flatMap((i) => range(3).map((j) => store(i32add(get(`f${i * 3 + j}`), get('o')), fg.out(i, j)))),
  ].join('\n');
  const temps = (k) => locals('t', k, 'v128');
  return `
  ;; F(${m}×${m}, 3×3) input transform. x: [n, ${m}·th + 2, ${m}·tw + 2, c] float32 (already padded), c a
  ;; multiple of 4. tab: ${n} byte offsets of the matrices V_ξ, each [n·th·tw, c]; tile t = (img·th + ty)·tw + tx.
  (func (export "input${m}") (param $x i32) (param $tab i32) (param $n i32) (param $th i32) (param $tw i32) (param $c i32)
    ${locals('p', n, 'i32')} ${locals('d', n, 'v128')} ${temps(inp.temps)}
    (local $row i32) (local $cb i32) (local $img i32) (local $ty i32) (local $tx i32) (local $base i32) (local $k i32) (local $o i32)
    ${loadTable(n)}
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $cb) (i32.add (i32.mul (local.get $tw) (i32.const ${m})) (i32.const 2))))
${indent(inputFunc, 4)})

  ;; F(${m}×${m}, 3×3) output transform. tab: ${n} byte offsets of the products M_ξ, each [n·th·tw, c];
  ;; y: [n, ho, wo, c] with ho ≤ ${m}·th, wo ≤ ${m}·tw; bias: c float32s; relu: 0 or 1.
  (func (export "output${m}") (param $tab i32) (param $y i32) (param $bias i32) (param $n i32) (param $ho i32) (param $wo i32)
    (param $th i32) (param $tw i32) (param $c i32) (param $relu i32)
    ${locals('p', n, 'i32')} ${locals('d', n, 'v128')} ${temps(outp.temps)} ${edgeLocals(m)}
    (local $bv v128) (local $lo v128) (local $cb i32) (local $row i32) (local $img i32) (local $ty i32) (local $tx i32)
    (local $base i32) (local $k i32) (local $o i32)
    ${loadTable(n)}
    (local.set $lo (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (local.get $relu)))
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $cb) (local.get $wo)))
${indent(outputFunc, 4)})

  ;; F(${m}×${m}, 3×3) filter transform. taps: 9 byte offsets of the filter's planes (row-major 3×3
  ;; order, any plane layout, bytes long, a multiple of 16); tab: ${n} byte offsets of the matrices
  ;; U_ξ, each laid out as the planes are.
  (func (export "filter${m}") (param $taps i32) (param $tab i32) (param $bytes i32)
    ${locals('p', n, 'i32')} ${locals('f', 9, 'i32')} ${locals('d', 9, 'v128')} ${temps(filt.temps)} (local $o i32)
    ${loadTable(n)}
    ${loadTaps}
${indent(forLoop('next', 'o', get('bytes'), filterBody, 16), 4)})

  ;; F(${m}×${m}, 3×3) output-gradient transform. dy: [n, ho, wo, c] float32, ho ≤ ${m}·th, wo ≤ ${m}·tw
  ;; (missing rows and columns of partial tiles read as zero); tab: ${n} byte offsets of matrices [n·th·tw, c].
  (func (export "outputGrad${m}") (param $dy i32) (param $tab i32) (param $n i32) (param $ho i32) (param $wo i32)
    (param $th i32) (param $tw i32) (param $c i32)
    ${locals('p', n, 'i32')} ${locals('d', m * m, 'v128')} ${temps(og.temps)} ${edgeLocals(m)}
    (local $cb i32) (local $row i32) (local $img i32) (local $ty i32) (local $tx i32) (local $base i32) (local $k i32) (local $o i32)
    ${loadTable(n)}
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $cb) (local.get $wo)))
${indent(outputGradFunc, 4)})

  ;; F(${m}×${m}, 3×3) filter-gradient transform. tab: ${n} byte offsets of the gradients of U_ξ (any
  ;; layout, bytes long, a multiple of 16); taps: 9 byte offsets of the filter gradient's planes, laid out alike.
  (func (export "filterGrad${m}") (param $tab i32) (param $taps i32) (param $bytes i32)
    ${locals('p', n, 'i32')} ${locals('f', 9, 'i32')} ${locals('d', n, 'v128')} ${temps(fg.temps)} (local $o i32)
    ${loadTable(n)}
    ${loadTaps}
${indent(forLoop('next', 'o', get('bytes'), filterGradBody, 16), 4)})
`;
}

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
${transforms(2)}${transforms(4)}
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
