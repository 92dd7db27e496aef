/**
 * Winograd F(2×2, 3×3) and F(4×4, 3×3) convolutions for the wasm backend.
 *
 * Stride-1 3×3 convolutions are most of the work in ResNet, VGG and much of GoogLeNet, forward
 * and in the input gradient (itself a 3×3 convolution with the flipped filter). XNNPACK's wasm
 * build runs them as direct convolutions: nine multiply-adds per tap. Winograd's minimal
 * filtering (Lavin & Gray 2016, "Fast Algorithms for Convolutional Neural Networks") computes
 * each m×m output tile from an (m + 2)×(m + 2) input tile: the input tiles and the filter are
 * transformed (Bᵀ d B, G g Gᵀ), the products become (m + 2)² independent matrix products,
 * [tiles, Ci]·[Ci, Co], run by XNNPACK's matrix multiply, and the output tiles are transformed
 * back (Aᵀ M A). F(2×2, 3×3) does 16 multiply-adds per channel pair and output tile where the
 * direct form does 36 (2.25× fewer); F(4×4, 3×3) does 36 where it does 144 (4×), with larger
 * transforms and 36 products, which pays on 4×4 and larger maps. The transforms are WebAssembly
 * SIMD passes over the backend's heap (winograd-simd.wat.ts).
 *
 * The filter gradient is the same algorithm run backwards (see `winogradBackpropFilter`).
 *
 * `Conv2D` and `FusedConv2D` (bias, linear or ReLU) are replaced on the wasm backend, and
 * wasm-kernels.ts's input and filter gradients try this path first; any other
 * case, and any case where the estimate below says direct convolution is faster, goes to the
 * stock kernel. The transformed filter is kept for a filter used outside a gradient tape
 * (inference, evaluation) or seen twice, so XNNPACK keeps its packed weights too; a training
 * step's filter is transformed for the call and freed.
 *
 * Winograd changes rounding, not results: outputs agree with direct convolution to about 1e-6
 * relative for F(2×2, 3×3) (its transforms only add, subtract and halve) and a few 1e-6 for
 * F(4×4, 3×3) (factors up to 8 and 1/24).
 */
import * as tf from '@tensorflow/tfjs';
// The stock wasm kernels must be registered before they are wrapped.
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { heapOffset, linkToHeap } from './fused-simd';
import { replaceWasmKernel, type Scratch, stockWasmKernel, withScratch } from './scratch';
import { WINOGRAD_WASM } from './winograd-simd.wat';

const WASM = 'wasm';

/** Output tile size m of F(m×m, 3×3): 2 (16 products of (m + 2)² = 16) or 4 (36 products). */
export type TileSize = 2 | 4;

/** The transforms of one tile size m, α = m + 2; every pointer is a byte offset into the wasm heap. */
interface TileTransforms {
  /** Bᵀ d B of every α×α window of padded x [n, m·th + 2, m·tw + 2, c] into α² matrices [n·th·tw, c]. */
  input(x: number, table: number, n: number, th: number, tw: number, c: number): void;
  /** Aᵀ M A of α² matrices [n·th·tw, c] into y [n, ho, wo, c], plus bias, then ReLU when relu = 1. */
  output(table: number, y: number, bias: number, n: number, ho: number, wo: number, th: number, tw: number, c: number, relu: number): void;
  /** G g Gᵀ of nine filter planes (a table of 9 offsets, each plane `bytes` long) into α² matrices laid out as the planes are. */
  filter(taps: number, table: number, bytes: number): void;
  /** A dy Aᵀ of every m×m tile of dy [n, ho, wo, c] into α² matrices [n·th·tw, c]. */
  outputGrad(dy: number, table: number, n: number, ho: number, wo: number, th: number, tw: number, c: number): void;
  /** Gᵀ dU G of α² matrices (a table of offsets, each `bytes` long) into nine planes (a table of 9 offsets). */
  filterGrad(table: number, taps: number, bytes: number): void;
}

/** The module exports them per tile size, as input2 … filterGrad4. */
type Suffixed<T, S extends string> = { [K in keyof T as `${K & string}${S}`]: T[K] };

/** The module's exports; every pointer is a byte offset into the wasm backend's heap. */
interface WinogradPasses extends Suffixed<TileTransforms, '2'>, Suffixed<TileTransforms, '4'> {
  /** dx [n, h, w, c] (zeroed) += the taps of cols [n·ho·wo, kh, kw, c] at their input positions. */
  col2im(cols: number, dx: number, n: number, ho: number, wo: number, h: number, w: number, c: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): void;
  /** cols [n·ho·wo, pitch] = the input pixels under each tap of each output position (zeros outside x [n, h, w, c], and past kh·kw·c). */
  im2col(x: number, cols: number, n: number, ho: number, wo: number, h: number, w: number, c: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number, pitch: number): void;
  /** dst [cols, rows] = srcᵀ for src [rows, cols], both multiples of 4. */
  transpose(src: number, dst: number, rows: number, cols: number): void;
}

/** The transforms of tile size m. */
function transformsFor(passes: WinogradPasses, m: TileSize): TileTransforms {
  return m === 2
    ? { input: passes.input2, output: passes.output2, filter: passes.filter2, outputGrad: passes.outputGrad2, filterGrad: passes.filterGrad2 }
    : { input: passes.input4, output: passes.output4, filter: passes.filter4, outputGrad: passes.outputGrad4, filterGrad: passes.filterGrad4 };
}

/** Products of tile size m: (m + 2)². */
const productsOf = (m: TileSize): number => (m + 2) * (m + 2);

/**
 * When the kernels use Winograd: by estimate (`auto`), wherever they can (`always`, in the
 * estimate's orientation, or `tiles` / `weights` forced where that orientation applies: tests),
 * or `never`.
 */
export type WinogradMode = 'auto' | 'always' | 'tiles' | 'weights' | 'never';

let mode: WinogradMode = 'auto';

/** Sets when stride-1 3×3 convolutions use Winograd (tests and benchmarks compare the paths). */
export function setWinogradMode(m: WinogradMode): void {
  mode = m;
}

let tileChoice: TileSize | 'auto' = 'auto';

/** Sets the tile size: by estimate, or forced (tests compare F(2×2, 3×3) with F(4×4, 3×3)). */
export function setWinogradTile(m: TileSize | 'auto'): void {
  tileChoice = m;
}

/** The tile sizes to consider. */
const tileSizes = (): readonly TileSize[] => (tileChoice === 'auto' ? [2, 4] : [tileChoice]);

/** The transformed filter of one filter tensor (for tile size m), kept once known to be reused. */
interface FilterEntry {
  u: TensorInfo[] | null;
  m: TileSize;
}

interface BackendState {
  readonly passes: WinogradPasses | null;
  /** By the filter's dataId; entries whose filter is gone are dropped at the next call. */
  readonly filters: Map<object, FilterEntry>;
}

const states = new WeakMap<BackendWasm, BackendState>();

function stateOf(backend: BackendWasm): BackendState {
  let state = states.get(backend);
  if (!state) {
    state = { passes: linkToHeap<WinogradPasses>(backend, WINOGRAD_WASM), filters: new Map() };
    states.set(backend, state);
  }
  return state;
}

/** Frees the transformed filters of filters that no longer exist. */
function sweep(backend: BackendWasm, state: BackendState): void {
  for (const [dataId, entry] of state.filters) {
    if (backend.dataIdMap.has(dataId)) continue;
    for (const u of entry.u ?? []) backend.disposeData(u.dataId);
    state.filters.delete(dataId);
  }
}

/** Frees every transformed filter kept for the wasm backend `backend` (tests; backend teardown). */
export function clearWinogradCache(backend: BackendWasm): void {
  const state = states.get(backend);
  if (!state) return;
  for (const entry of state.filters.values()) for (const u of entry.u ?? []) backend.disposeData(u.dataId);
  state.filters.clear();
}

/** The shape of one Winograd convolution. */
interface Plan {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly ci: number;
  readonly co: number;
  readonly ho: number;
  readonly wo: number;
  /** Output tile size, and output tiles down and across. */
  readonly m: TileSize;
  readonly th: number;
  readonly tw: number;
  readonly top: number;
  readonly left: number;
}

/**
 * Costs behind the estimate, measured on the wasm backend (one thread, 128-bit SIMD, tfjs 4.22,
 * ResNet-18 layer shapes at batch 16 and 32; see `npm run bench`): XNNPACK's direct 3×3
 * convolution runs ≈ 12 G multiply-adds/s, its matrix multiply on the (m + 2)² products ≈ 11 G/s.
 * XNNPACK packs the right-hand operand of a product, and a direct convolution's filter, whenever
 * that tensor is new: ≈ 8 ns per weight for the convolution, ≈ 4.5 ns per element for the
 * product. A transform or SIMD transpose pass costs ≈ 0.5 ns per element, the JavaScript filter
 * rearrangement of the direct input gradient ≈ 2 ns, a kernel call ≈ 15 µs.
 */
const NS_PER_DIRECT_MAC = 1 / 12;
const NS_PER_GEMM_MAC = 1 / 11;
const NS_PER_DIRECT_PACKED = 8;
const NS_PER_GEMM_PACKED = 4.5;
const NS_PER_PASS = 0.5;
const NS_PER_JS_REARRANGED = 2;
const NS_PER_CALL = 15_000;
/** Reading a transformed filter value in a product, beyond its multiply-adds (memory, not cache). */
const NS_PER_WEIGHT_READ = 0.25;

/**
 * Which operand of the (m + 2)² products is the filter. `tiles`: M = V·U, the transformed filter
 * on the right (packed by XNNPACK unless kept). `weights`: Mᵀ = Uᵀ·Vᵀ, the transformed tiles on
 * the right, which is cheaper where a new filter is large and the tiles few (late ResNet stages
 * while training); it costs a transpose of the tiles and of the products.
 */
export type Orientation = 'tiles' | 'weights';

/** How the filter's nine planes lie: [ci, co] (a forward filter) or [co, ci] (one seen by its input gradient). */
export type PlaneLayout = 'io' | 'oi';

/** The shape numbers the estimate needs (tile size 2 unless given). */
export type EstimateShape = Pick<Plan, 'n' | 'ci' | 'co' | 'ho' | 'wo' | 'th' | 'tw'> & { readonly m?: TileSize };

/**
 * Estimated nanoseconds of the direct convolution and of Winograd in each orientation.
 *
 * `kept`: the filter's transform (and XNNPACK's packing of it) is kept from an earlier call.
 * `layout`: how the filter's planes lie; the direct path needs them as [ci, co].
 */
export function estimateNs(p: EstimateShape, kept: boolean, layout: PlaneLayout = 'io'): { direct: number; tiles: number; weights: number } {
  const { n, ci, co, ho, wo, th, tw } = p;
  const m = p.m ?? 2;
  const k = productsOf(m);
  // F(4×4, 3×3)'s transforms take about twice the arithmetic per element of F(2×2, 3×3)'s.
  const pass = NS_PER_PASS * (m === 4 ? 2 : 1);
  const tiles = n * th * tw;
  const weights = ci * co;
  const rearrange = (want: PlaneLayout): number => (layout === want ? 0 : 9 * weights * NS_PER_PASS);
  const direct = n * ho * wo * 9 * weights * NS_PER_DIRECT_MAC + (kept ? 0 : 9 * weights * NS_PER_DIRECT_PACKED) + (layout === 'io' ? 0 : 9 * weights * NS_PER_JS_REARRANGED);
  // The products stream the k transformed filters; a large one is read from memory, not cache.
  const common = k * tiles * weights * NS_PER_GEMM_MAC + k * weights * NS_PER_WEIGHT_READ + k * tiles * (ci + co) * pass + k * NS_PER_CALL;
  const tilesNs = common + (kept ? 0 : rearrange('io') + k * weights * (pass + NS_PER_GEMM_PACKED));
  // Tiles and products transposed, the tiles packed, the filter never packed.
  const weightsNs =
    tiles % 4 !== 0 || kept
      ? Infinity
      : common + rearrange('oi') + k * weights * pass + k * tiles * ci * (NS_PER_PASS + NS_PER_GEMM_PACKED) + k * tiles * co * NS_PER_PASS + 2 * k * NS_PER_CALL;
  return { direct, tiles: tilesNs, weights: weightsNs };
}

function pair(v: number | readonly number[] | undefined): [number, number] {
  if (v === undefined) return [1, 1];
  return typeof v === 'number' ? [v, v] : [v[0], v[1] ?? v[0]];
}

interface ConvAttrs {
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dataFormat: 'NHWC' | 'NCHW';
  readonly dilations?: number | [number, number];
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The Winograd plan of a convolution, or null where it does not apply (then the stock kernel runs). */
function planFor(x: TensorInfo, filterShape: readonly number[], a: ConvAttrs): Plan | null {
  if (x.dtype !== 'float32' || a.dataFormat === 'NCHW') return null;
  if (x.shape.length !== 4 || filterShape.length !== 4 || filterShape[0] !== 3 || filterShape[1] !== 3) return null;
  const [sh, sw] = pair(a.strides);
  const [dh, dw] = pair(a.dilations);
  if (sh !== 1 || sw !== 1 || dh !== 1 || dw !== 1) return null;
  const [n, h, w, ci] = x.shape;
  const co = filterShape[3];
  if (ci % 4 !== 0 || co % 4 !== 0 || filterShape[2] !== ci) return null;
  const info = tf.backend_util.computeConv2DInfo([n, h, w, ci], [3, 3, ci, co], 1, 1, a.pad, a.dimRoundingMode);
  const { outHeight: ho, outWidth: wo } = info;
  if (ho < 1 || wo < 1) return null;
  return withTile({ n, h, w, ci, co, ho, wo, m: 2, th: 0, tw: 0, top: info.padInfo.top, left: info.padInfo.left }, 2);
}

/** `plan` with output tiles of m×m. */
function withTile(plan: Plan, m: TileSize): Plan {
  return { ...plan, m, th: Math.ceil(plan.ho / m), tw: Math.ceil(plan.wo / m) };
}

/** The tile size and orientation to run `plan` in, or null for the direct path. */
function choose(state: BackendState, filter: TensorInfo, plan: Plan, layout: PlaneLayout, cacheable: boolean): { plan: Plan; orientation: Orientation } | null {
  if (mode === 'never' || !state.passes) return null;
  const entry = cacheable ? state.filters.get(filter.dataId) : undefined;
  // Kept from this call on (see filterMatrices), so priced as kept: a filter seen before, or any
  // filter outside a gradient tape (inference and evaluation reuse their weights). A kept
  // transform fixes the tile size.
  const kept = cacheable && (entry !== undefined || outsideTape());
  let best: { plan: Plan; orientation: Orientation; ns: number } | null = null;
  for (const m of entry?.u ? [entry.m] : tileSizes()) {
    const p = withTile(plan, m);
    const e = estimateNs(p, kept, layout);
    let orientation: Orientation = e.weights < e.tiles ? 'weights' : 'tiles';
    if (mode === 'tiles' || (mode === 'weights' && e.weights === Infinity)) orientation = 'tiles';
    else if (mode === 'weights') orientation = 'weights';
    const ns = orientation === 'weights' ? e.weights : e.tiles;
    if (mode === 'auto' && ns >= e.direct) continue;
    if (!best || ns < best.ns) best = { plan: p, orientation, ns };
  }
  return best && { plan: best.plan, orientation: best.orientation };
}

/**
 * True outside any gradient tape: inference or evaluation, whose filters serve many batches
 * (a training step's forward pass runs on the tape, with weights that change every step).
 */
function outsideTape(): boolean {
  return tf.engine().state.gradientDepth === 0;
}

/** Writes heap offsets into an int32 scratch tensor, returning its offset. */
function offsetTable(s: Scratch, backend: BackendWasm, offsets: readonly number[]): number {
  const table = s.add(backend.makeOutput([offsets.length], 'int32'));
  // A view after the allocation: growing the heap detaches older ones.
  (backend.typedArrayFromHeap(table) as Int32Array).set(offsets);
  return heapOffset(backend, table);
}

function offsetsOf(backend: BackendWasm, infos: readonly TensorInfo[]): number[] {
  return infos.map((info) => heapOffset(backend, info));
}

/** x [r, c] → [c, r] (r and c multiples of 4). */
function transposed(s: Scratch, backend: BackendWasm, passes: WinogradPasses, x: TensorInfo): TensorInfo {
  const [r, c] = x.shape;
  const out = s.add(backend.makeOutput([c, r], 'float32'));
  passes.transpose(heapOffset(backend, x), heapOffset(backend, out), r, c);
  return out;
}

/** The 3×3 filter of one convolution: nine planes of a tensor, in some order and layout. */
interface FilterSource {
  readonly tensor: TensorInfo;
  /** The tensor's plane (0–8, row-major over its 3×3) that each tap of the convolution uses. */
  readonly taps: readonly number[];
  readonly layout: PlaneLayout;
  /** Whether the transform may be kept for a later call (a forward filter, by its dataId). */
  readonly cacheable: boolean;
}

const IDENTITY_TAPS = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const FLIPPED_TAPS = [8, 7, 6, 5, 4, 3, 2, 1, 0];

/**
 * U = G g Gᵀ as (m + 2)² matrices, [ci, co] (`want` = io) or [co, ci] (oi): kept from an earlier call,
 * kept from this one (a reused filter: outside a gradient tape, or on its second use), or scratch.
 */
function filterMatrices(s: Scratch, backend: BackendWasm, state: BackendState, passes: WinogradPasses, src: FilterSource, want: PlaneLayout, plan: Plan): TensorInfo[] {
  const entry = src.cacheable ? state.filters.get(src.tensor.dataId) : undefined;
  if (entry?.u && want === 'io' && entry.m === plan.m) return entry.u;
  const { ci, co, m } = plan;
  const plane = ci * co;
  let planes: number[];
  if (src.layout === want) {
    const base = heapOffset(backend, src.tensor);
    planes = src.taps.map((t) => base + 4 * t * plane);
  } else {
    // Each plane transposed into scratch: [a, b] → [b, a].
    const [a, b] = src.layout === 'io' ? [ci, co] : [co, ci];
    const copy = s.add(backend.makeOutput([9, b, a], 'float32'));
    const from = heapOffset(backend, src.tensor);
    const to = heapOffset(backend, copy);
    for (let t = 0; t < 9; t++) passes.transpose(from + 4 * t * plane, to + 4 * t * plane, a, b);
    planes = src.taps.map((t) => to + 4 * t * plane);
  }
  const u = Array.from({ length: productsOf(m) }, () => backend.makeOutput(want === 'io' ? [ci, co] : [co, ci], 'float32'));
  transformsFor(passes, m).filter(offsetTable(s, backend, planes), offsetTable(s, backend, offsetsOf(backend, u)), 4 * plane);
  if (src.cacheable && want === 'io' && (entry || outsideTape())) {
    for (const old of entry?.u ?? []) backend.disposeData(old.dataId); // a kept transform of another tile size (tests)
    if (entry) Object.assign(entry, { u, m });
    else state.filters.set(src.tensor.dataId, { u, m });
  } else {
    // A training step's filter, seen once so far: remember it, so that a second call keeps its transform.
    if (src.cacheable && !entry) state.filters.set(src.tensor.dataId, { u: null, m });
    for (const m of u) s.add(m);
  }
  return u;
}

/** y = conv(x, filter) (+ bias) (then ReLU) by Winograd F(2×2, 3×3). */
function winogradConv(backend: BackendWasm, state: BackendState, x: TensorInfo, src: FilterSource, bias: TensorInfo | null, relu: boolean, plan: Plan, orientation: Orientation): TensorInfo {
  const passes = state.passes;
  if (!passes) throw new Error('Winograd convolution: the SIMD transforms are not linked');
  sweep(backend, state);
  return withScratch(backend, (s) => {
    const { n, h, w, ci, co, ho, wo, m, th, tw, top, left } = plan;
    const t = transformsFor(passes, m);
    // Pad so that every (m + 2)×(m + 2) window lies inside: m·th + 2 rows, m·tw + 2 columns.
    const xp = s.padOrCrop(x, [[0, 0], [top, m * th + 2 - h - top], [left, m * tw + 2 - w - left], [0, 0]]);
    const tiles = n * th * tw;
    const v = Array.from({ length: productsOf(m) }, () => s.add(backend.makeOutput([tiles, ci], 'float32')));
    t.input(heapOffset(backend, xp), offsetTable(s, backend, offsetsOf(backend, v)), n, th, tw, ci);
    let products: TensorInfo[];
    if (orientation === 'tiles') {
      const u = filterMatrices(s, backend, state, passes, src, 'io', plan);
      products = v.map((vi, i) => s.run(tf.BatchMatMul, { a: vi, b: u[i] }, { transposeA: false, transposeB: false }));
    } else {
      const ut = filterMatrices(s, backend, state, passes, src, 'oi', plan);
      products = v.map((vi, i) => transposed(s, backend, passes, s.run(tf.BatchMatMul, { a: ut[i], b: transposed(s, backend, passes, vi) }, { transposeA: false, transposeB: false })));
    }
    let b = bias;
    if (!b) {
      b = s.add(backend.makeOutput([co], 'float32'));
      (backend.typedArrayFromHeap(b) as Float32Array).fill(0);
    }
    const y = backend.makeOutput([n, ho, wo, co], 'float32');
    t.output(offsetTable(s, backend, offsetsOf(backend, products)), heapOffset(backend, y), heapOffset(backend, b), n, ho, wo, th, tw, co, relu ? 1 : 0);
    return y;
  });
}

/**
 * dx of a stride-1 3×3 convolution (dy [n, ho, wo, co], filter [3, 3, ci, co]) by Winograd, or
 * null where it does not apply or the direct path is expected to be faster.
 *
 * dx is the correlation of dy with the filter flipped and its channels swapped; the flip is a
 * reordering of the filter's planes and the swap is the `weights` orientation's own layout, so
 * nothing is copied.
 */
export function winogradBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo | null {
  const { inHeight: h, inWidth: w, outHeight: ho, outWidth: wo, strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  if (strideHeight !== 1 || strideWidth !== 1 || dilationHeight !== 1 || dilationWidth !== 1 || filterHeight !== 3 || filterWidth !== 3) return null;
  const { top, left } = info.padInfo;
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [2 - top, h - ho + top], [2 - left, w - wo + left], [0, 0]];
  if (pad.some(([a, b]) => a < 0 || b < 0)) return null;
  const plan = planFor(dy, [3, 3, filter.shape[3], filter.shape[2]], { strides: 1, pad, dataFormat: 'NHWC' });
  if (!plan || plan.ho !== h || plan.wo !== w) return null;
  const state = stateOf(backend);
  const chosen = choose(state, filter, plan, 'oi', false);
  if (!chosen) return null;
  return winogradConv(backend, state, dy, { tensor: filter, taps: FLIPPED_TAPS, layout: 'oi', cacheable: false }, null, false, chosen.plan, chosen.orientation);
}

/**
 * The direct filter gradient (a convolution of x by dy, see wasm-kernels.ts) runs ≈ 8 G
 * multiply-adds/s on these shapes.
 */
const NS_PER_DIRECT_FILTER_GRAD_MAC = 1 / 8;
const NS_PER_STOCK_TRANSPOSED = 3;

/** Estimated nanoseconds of the direct and the Winograd filter gradient. */
export function estimateFilterGradNs(p: EstimateShape): { direct: number; winograd: number } {
  const { n, ci, co, ho, wo, th, tw } = p;
  const m = p.m ?? 2;
  const k = productsOf(m);
  const pass = NS_PER_PASS * (m === 4 ? 2 : 1);
  const tiles = n * th * tw;
  const direct = n * ho * wo * 9 * ci * co * NS_PER_DIRECT_FILTER_GRAD_MAC;
  // Input tiles (transformed and transposed), output-gradient tiles (transformed and packed), products, back transform.
  const winograd =
    tiles % 4 !== 0
      ? Infinity
      : k * tiles * ci * co * NS_PER_GEMM_MAC + k * tiles * (2 * ci + co) * pass + k * tiles * co * NS_PER_GEMM_PACKED + k * ci * co * (pass + NS_PER_WEIGHT_READ) + 2 * k * NS_PER_CALL;
  return { direct, winograd };
}

/**
 * dW of a stride-1 3×3 convolution (x [n, h, w, ci], dy [n, ho, wo, co]) by Winograd, or null
 * where it does not apply or the direct path is expected to be faster.
 *
 * Forward, each output tile is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A summed over input channels, so the
 * gradient of the transformed filter U_ξ is Σ_tiles V_ξᵀ·(A dy Aᵀ)_ξ — (m + 2)² products
 * [ci, tiles]·[tiles, co] — and dW = Gᵀ dU G.
 */
export function winogradBackpropFilter(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo | null {
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth, outHeight, outWidth, inChannels: ci, outChannels: co } = info;
  if (strideHeight !== 1 || strideWidth !== 1 || dilationHeight !== 1 || dilationWidth !== 1 || filterHeight !== 3 || filterWidth !== 3) return null;
  if (info.dataFormat !== 'channelsLast' || dy.dtype !== 'float32') return null;
  const { top, bottom, left, right } = info.padInfo;
  const plan = planFor(x, [3, 3, ci, co], { strides: 1, pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC' });
  if (!plan || plan.ho !== outHeight || plan.wo !== outWidth) return null;
  const passes = stateOf(backend).passes;
  if (mode === 'never' || !passes) return null;
  let best: { plan: Plan; ns: number } | null = null;
  for (const m of tileSizes()) {
    const p = withTile(plan, m);
    const e = estimateFilterGradNs(p);
    if (e.winograd === Infinity || (mode === 'auto' && e.winograd >= e.direct)) continue;
    if (!best || e.winograd < best.ns) best = { plan: p, ns: e.winograd };
  }
  if (!best) return null;
  const chosen = best.plan;
  return withScratch(backend, (s) => {
    const { n, h, w, ho, wo, m, th, tw } = chosen;
    const t = transformsFor(passes, m);
    const xp = s.padOrCrop(x, [[0, 0], [top, m * th + 2 - h - top], [left, m * tw + 2 - w - left], [0, 0]]);
    const tiles = n * th * tw;
    const v = Array.from({ length: productsOf(m) }, () => s.add(backend.makeOutput([tiles, ci], 'float32')));
    t.input(heapOffset(backend, xp), offsetTable(s, backend, offsetsOf(backend, v)), n, th, tw, ci);
    const g = Array.from({ length: productsOf(m) }, () => s.add(backend.makeOutput([tiles, co], 'float32')));
    t.outputGrad(heapOffset(backend, dy), offsetTable(s, backend, offsetsOf(backend, g)), n, ho, wo, th, tw, co);
    const du = v.map((vi, i) => s.run(tf.BatchMatMul, { a: transposed(s, backend, passes, vi), b: g[i] }, { transposeA: false, transposeB: false }));
    const dw = backend.makeOutput([3, 3, ci, co], 'float32');
    const base = heapOffset(backend, dw);
    const planes = IDENTITY_TAPS.map((t) => base + 4 * t * ci * co);
    t.filterGrad(offsetTable(s, backend, offsetsOf(backend, du)), offsetTable(s, backend, planes), 4 * ci * co);
    return dw;
  });
}

/** When the gradients may be one matrix product and a col2im / im2col (tests compare the paths). */
let matmulInputGrad: 'auto' | 'always' | 'never' = 'auto';

/** Sets when `matmulBackpropInput` and `matmulBackpropFilter` run: by estimate, wherever they can, or never. */
export function setMatMulInputGradMode(m: 'auto' | 'always' | 'never'): void {
  matmulInputGrad = m;
}

/**
 * Estimated nanoseconds of the input gradient as stride² phase convolutions (wasm-kernels.ts)
 * and as one product plus col2im.
 */
export function estimateInputGradNs(info: Pick<tf.backend_util.Conv2DInfo, 'batchSize' | 'inHeight' | 'inWidth' | 'inChannels' | 'outChannels' | 'outHeight' | 'outWidth' | 'filterHeight' | 'filterWidth' | 'strideHeight' | 'strideWidth'>): { phases: number; matmul: number } {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const weights = kh * kw * ci * co;
  // Each phase correlates dy with every s-th tap over ⌈h/s⌉·⌈w/s⌉ outputs; its filter is rearranged in JavaScript and packed.
  const phases = n * Math.ceil(h / sh) * Math.ceil(w / sw) * sh * sw * Math.ceil(kh / sh) * Math.ceil(kw / sw) * ci * co * NS_PER_DIRECT_MAC + weights * (NS_PER_DIRECT_PACKED + NS_PER_JS_REARRANGED) + sh * sw * NS_PER_CALL;
  // dy·Wᵀ over the output positions only; the smaller operand is packed; col2im adds every product once.
  const rows = n * ho * wo;
  const matmul = rows * weights * NS_PER_GEMM_MAC + Math.min(weights, rows * co) * NS_PER_GEMM_PACKED + rows * kh * kw * ci * NS_PER_PASS + n * h * w * ci * NS_PER_PASS + 4 * NS_PER_CALL;
  return { phases, matmul };
}

/**
 * dx of a convolution as one matrix product and a col2im, or null where that does not apply or
 * the phase convolutions are expected to be faster.
 *
 * cols = dy·Wᵀ ([n·ho·wo, co]·[co, kh·kw·ci]) holds, for every output position, what each tap
 * sends back to its input pixel; col2im adds them up. It does the forward's multiply-adds
 * whatever the stride, where a stride-1 correlation of padded dy also computes the border, and
 * it packs the smaller of dy and the filter (wasm's matrix product picks the orientation).
 */
export function matmulBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo | null {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || info.dataFormat !== 'channelsLast' || ci % 4 !== 0) return null;
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32' || matmulInputGrad === 'never') return null;
  const passes = stateOf(backend).passes;
  if (!passes) return null;
  if (matmulInputGrad === 'auto') {
    const e = estimateInputGradNs(info);
    if (e.matmul >= e.phases) return null;
  }
  return withScratch(backend, (s) => {
    const rows = n * ho * wo;
    const cols = s.run(tf.BatchMatMul, { a: s.reshape(dy, [rows, co]), b: s.reshape(filter, [kh * kw * ci, co]) }, { transposeA: false, transposeB: true });
    const dx = backend.makeOutput([n, h, w, ci], 'float32');
    (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
    passes.col2im(heapOffset(backend, cols), heapOffset(backend, dx), n, ho, wo, h, w, ci, kh, kw, sh, sw, info.padInfo.top, info.padInfo.left);
    return dx;
  });
}

/** Estimated nanoseconds of the filter gradient as a convolution of x by dy (wasm-kernels.ts) and as im2col plus one product. */
export function estimateFilterGradMatMulNs(info: Pick<tf.backend_util.Conv2DInfo, 'batchSize' | 'inHeight' | 'inWidth' | 'inChannels' | 'outChannels' | 'outHeight' | 'outWidth' | 'filterHeight' | 'filterWidth'>): { direct: number; matmul: number } {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw } = info;
  const rows = n * ho * wo;
  // Patches padded with zeros to a multiple of 4 floats for the SIMD transpose.
  const patch = Math.ceil((kh * kw * ci) / 4) * 4;
  const macs = rows * kh * kw * ci * co;
  // The direct path transposes x and dy first, with the stock wasm Transpose (≈ 3 ns per element).
  const direct = macs * NS_PER_DIRECT_FILTER_GRAD_MAC + (n * h * w * ci + rows * co) * NS_PER_STOCK_TRANSPOSED;
  // im2col, its SIMD transpose, dy packed, then colsᵀ·dy.
  const matmul = rows % 4 !== 0 ? Infinity : (macs * patch * NS_PER_GEMM_MAC) / (kh * kw * ci) + 2 * rows * patch * NS_PER_PASS + rows * co * NS_PER_GEMM_PACKED + 4 * NS_PER_CALL;
  return { direct, matmul };
}

/**
 * dW of a convolution as im2col and one matrix product, colsᵀ·dy ([kh·kw·ci, n·ho·wo]·[n·ho·wo,
 * co]), or null where that does not apply (a position count not a multiple of 4) or the direct
 * path is expected to be faster. It is the better path for strided and 1×1 filters, whose
 * direct form convolves over a dilated grid.
 */
export function matmulBackpropFilter(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo | null {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || info.dataFormat !== 'channelsLast') return null;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || matmulInputGrad === 'never') return null;
  const passes = stateOf(backend).passes;
  if (!passes) return null;
  const rows = n * ho * wo;
  const patch = kh * kw * ci;
  const pitch = Math.ceil(patch / 4) * 4;
  // The patch matrix lives on the wasm heap: keep it under 256 MiB.
  if (rows * pitch > 64 * 2 ** 20) return null;
  const e = estimateFilterGradMatMulNs(info);
  if (e.matmul === Infinity || (matmulInputGrad === 'auto' && e.matmul >= e.direct)) return null;
  return withScratch(backend, (s) => {
    const { top, left } = info.padInfo;
    let cols: TensorInfo;
    if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && top === 0 && left === 0 && pitch === ci) {
      cols = s.reshape(x, [rows, ci]); // a 1×1 stride-1 patch is the pixel itself
    } else {
      cols = s.add(backend.makeOutput([rows, pitch], 'float32'));
      passes.im2col(heapOffset(backend, x), heapOffset(backend, cols), n, ho, wo, h, w, ci, kh, kw, sh, sw, top, left, pitch);
    }
    const dw = s.run(tf.BatchMatMul, { a: transposed(s, backend, passes, cols), b: s.reshape(dy, [rows, co]) }, { transposeA: false, transposeB: false });
    // The padding rows of the product are zero; drop them.
    return s.reshape(s.slice(dw, [0, 0], [patch, co]), [kh, kw, ci, co]);
  });
}

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (!info) throw new Error(`Winograd convolution: missing input '${name}'`);
  return info;
}

function forwardFilter(filter: TensorInfo): FilterSource {
  return { tensor: filter, taps: IDENTITY_TAPS, layout: 'io', cacheable: true };
}

const conv2d: KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const x = input(args.inputs, 'x');
  const filter = input(args.inputs, 'filter');
  const plan = filter.dtype === 'float32' ? planFor(x, filter.shape, args.attrs as unknown as ConvAttrs) : null;
  const state = stateOf(backend);
  const chosen = plan && choose(state, filter, plan, 'io', true);
  if (!chosen) return stockWasmKernel(tf.Conv2D).kernelFunc(args);
  return winogradConv(backend, state, x, forwardFilter(filter), null, false, chosen.plan, chosen.orientation);
};

const fusedConv2d: KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const x = input(args.inputs, 'x');
  const filter = input(args.inputs, 'filter');
  const bias = args.inputs.bias ?? null;
  const attrs = args.attrs as unknown as ConvAttrs & { activation: string };
  const activationOk = attrs.activation === 'linear' || attrs.activation === 'relu';
  const biasOk = bias === null || (bias.dtype === 'float32' && bias.shape.reduce((a, d) => a * d, 1) === filter.shape[3] && bias.shape[bias.shape.length - 1] === filter.shape[3]);
  const plan = activationOk && biasOk && filter.dtype === 'float32' && !args.inputs.preluActivationWeights ? planFor(x, filter.shape, attrs) : null;
  const state = stateOf(backend);
  const chosen = plan && choose(state, filter, plan, 'io', true);
  if (!chosen) return stockWasmKernel(tf.FusedConv2D).kernelFunc(args);
  return winogradConv(backend, state, x, forwardFilter(filter), bias, attrs.activation === 'relu', chosen.plan, chosen.orientation);
};

/**
 * Wraps the wasm `Conv2D` and `FusedConv2D` kernels with the Winograd path.
 *
 * Idempotent; may be called before or after the wasm backend is initialised.
 */
export function registerWinogradKernels(): void {
  replaceWasmKernel(tf.Conv2D, conv2d);
  replaceWasmKernel(tf.FusedConv2D, fusedConv2d);
}
