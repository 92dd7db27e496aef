/**
 * Matrix products on XNNPACK's fast path, with transposed operands and fresh weights.
 *
 * Stock tfjs-backend-wasm 4.22 sends only a non-transposed, batch-1 product to XNNPACK's fully
 * connected operator; any `transposeA`/`transposeB` runs a scalar C++ loop, 10–15× slower.
 * Every dense layer's gradient is such a product (dX = dY·Wᵀ, dW = Xᵀ·dY), so on LeNet-5 these
 * loops were a third of a training step. And XNNPACK packs the right operand B of each new
 * tensor before multiplying: ≈1.7 ms for an 800×500 B, three times the product itself, paid
 * every training step since the weights are new tensors each step. The replacements compute a
 * batch-1 product by the fast non-transposed kernel as either
 *
 *   (1) C = op(A)·op(B), with the transposed operands materialised, or
 *   (2) Cᵀ = op(B)ᵀ·op(A)ᵀ, then C by transposing that (small) result,
 *
 * whichever costs less: the elements transposed plus PACK_COST × those of the right operand
 * (nothing for a tensor already packed). dX = dY·Wᵀ so becomes (W·dYᵀ)ᵀ, where the large W is
 * neither transposed nor packed; the forward X·W of a training step becomes (Wᵀ·Xᵀ)ᵀ. Transposes
 * use the stock wasm `Transpose` (about 1 ns per element here, measured faster than a blocked
 * JavaScript copy over the heap, ≈2.3). Batched products and other dtypes go to the stock
 * kernels.
 */
import * as tf from '@tensorflow/tfjs';
// The stock wasm kernels must be registered before they are replaced, never after.
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { replaceWasmKernel, Scratch, stockWasmKernel, withScratch } from './scratch';

const WASM = 'wasm';

function stockKernel(name: string): KernelFunc {
  return stockWasmKernel(name).kernelFunc;
}

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (!info) throw new Error(`matmul kernels: missing input '${name}'`);
  return info;
}

/**
 * Registers the wasm `BatchMatMul` and `_FusedMatMul` that run transposed batch-1 products on
 * XNNPACK.
 *
 * Idempotent; may be called before or after the wasm backend is initialised.
 */
export function registerMatMulKernels(): void {
  replaceWasmKernel(tf.BatchMatMul, batchMatMul);
  replaceWasmKernel(tf._FusedMatMul, fusedMatMul);
}

/** Scratch space with the matrix views and transposes of this file. */
class MatrixScratch extends Scratch {
  constructor(readonly wasm: BackendWasm) {
    super(wasm);
  }

  /** Runs a kernel function; its output is freed with the rest unless kept. */
  runFunc(kernel: KernelFunc, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    return this.runWith({ kernelName: 'composite', backendName: WASM, kernelFunc: kernel }, inputs, attrs);
  }

  /** x's data as a [1, rows, cols] matrix (shared, no copy). */
  matrix(x: TensorInfo, rows: number, cols: number): TensorInfo {
    this.wasm.incRef(x.dataId);
    const info: TensorInfo = { dataId: x.dataId, shape: [1, rows, cols], dtype: x.dtype };
    return this.add(info);
  }

  /** The [1, cols, rows] transpose of x, a row-major [rows, cols] matrix. */
  transposed(x: TensorInfo, rows: number, cols: number): TensorInfo {
    // A vector's transpose has the same layout.
    if (rows === 1 || cols === 1) return this.matrix(x, cols, rows);
    const transpose = tf.getKernel(tf.Transpose, WASM);
    if (!transpose) throw new Error('matmul kernels: no wasm Transpose kernel');
    return this.runFunc(transpose.kernelFunc, { x: this.matrix(x, rows, cols) }, { perm: [0, 2, 1] });
  }
}

function withMatrixScratch(backend: unknown, body: (s: MatrixScratch) => TensorInfo): TensorInfo {
  return withScratch(backend, body, new MatrixScratch(backend as BackendWasm));
}

/** A product op(A)·op(B) with A, B batch-1 float32 matrices: its sizes as stored and computed. */
interface Product {
  readonly a: TensorInfo;
  readonly b: TensorInfo;
  /** A's and B's last two dimensions as stored. */
  readonly aRows: number;
  readonly aCols: number;
  readonly bRows: number;
  readonly bCols: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** The broadcast batch dimensions (all 1) and [m, n]. */
  readonly outShape: number[];
}

/**
 * The batch-1 float32 product op(A)·op(B), or null where only the stock kernel runs: batched
 * products, non-float32, empty operands and mismatched inner sizes (it reports those).
 */
function product(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): Product | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const outer = (x: TensorInfo) => x.shape.slice(0, -2);
  if (tf.util.sizeFromShape(outer(a)) !== 1 || tf.util.sizeFromShape(outer(b)) !== 1) return null;
  const [aRows, aCols] = a.shape.slice(-2);
  const [bRows, bCols] = b.shape.slice(-2);
  const [m, k] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const [kb, n] = transposeB ? [bCols, bRows] : [bRows, bCols];
  if (k !== kb || m * k * n === 0) return null;
  const batch = outer(a).length >= outer(b).length ? outer(a) : outer(b);
  return { a, b, aRows, aCols, bRows, bCols, transposeA, transposeB, m, k, n, outShape: [...batch, m, n] };
}

/**
 * What XNNPACK's packing of a right operand costs per element, relative to a transpose (stock
 * wasm `Transpose`): packing a fresh 800×500 operand took ≈1.7 ms, transposing it ≈0.4–0.6.
 */
const PACK_COST = 3;

/**
 * The data of tensors already seen as `b` of a product. XNNPACK keeps the packing of a right
 * operand (keyed by the tensor) until the tensor is freed, so a `b` used again — inference
 * weights — is worth packing once and reusing, while a `b` seen for the first time — training
 * weights, new tensors every step — is costed as packed afresh.
 */
const seenAsB = new WeakSet<object>();

/** Elements a transpose of a rows × cols matrix moves (none for a vector). */
function transposeCost(rows: number, cols: number): number {
  return rows === 1 || cols === 1 ? 0 : rows * cols;
}

/** Packing cost of a right operand: nothing for a `b` already seen, which stays packed. */
function packCost(x: TensorInfo | null, elements: number): number {
  return x && seenAsB.has(x.dataId) ? 0 : PACK_COST * elements;
}

/**
 * True when Cᵀ = op(B)ᵀ·op(A)ᵀ (form 2) is cheaper than C = op(A)·op(B) (form 1): elements
 * transposed plus the packing of the right operand, which is A or B itself where no transpose
 * is needed and a fresh scratch tensor otherwise.
 */
function prefersTransposedResult(p: Product): boolean {
  const { m, k, n } = p;
  const direct = (p.transposeA ? transposeCost(k, m) : 0) + (p.transposeB ? transposeCost(n, k) : 0) + packCost(p.transposeB ? null : p.b, k * n);
  const swapped =
    (p.transposeB ? 0 : transposeCost(k, n)) + (p.transposeA ? 0 : transposeCost(m, k)) + packCost(p.transposeA ? p.a : null, k * m) + transposeCost(n, m);
  return swapped < direct;
}

/** op(x) as a [1, rows, cols] operand of the fast path, x stored as [stored rows, stored cols]. */
function operand(s: MatrixScratch, x: TensorInfo, rows: number, cols: number, transpose: boolean): TensorInfo {
  return transpose ? s.transposed(x, rows, cols) : s.matrix(x, rows, cols);
}

/** `info`, a scratch result made by this call, given the product's output shape. */
function reshaped(info: TensorInfo, shape: number[]): TensorInfo {
  info.shape = shape;
  return info;
}

/** Attributes of the stock kernels' fast path. */
const FAST = { transposeA: false, transposeB: false };

/**
 * `BatchMatMul`: a batch-1 product with transposes as one non-transposed XNNPACK product plus
 * small transposes; see the file comment.
 */
const batchMatMul: KernelFunc = (args) => {
  const a = input(args.inputs, 'a');
  const b = input(args.inputs, 'b');
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const p = product(a, b, transposeA, transposeB);
  const swap = p !== null && prefersTransposedResult(p);
  seenAsB.add(b.dataId);
  if (!p || (!swap && !transposeA && !transposeB)) return stockKernel(tf.BatchMatMul)(args);
  const matMul = stockKernel(tf.BatchMatMul);
  return withMatrixScratch(args.backend, (s) => {
    if (swap) {
      // Cᵀ [n, m] = op(B)ᵀ [n, k] · op(A)ᵀ [k, m].
      const left = operand(s, b, p.bRows, p.bCols, !transposeB);
      const right = operand(s, a, p.aRows, p.aCols, !transposeA);
      const ct = s.runFunc(matMul, { a: left, b: right }, FAST);
      return reshaped(s.transposed(ct, p.n, p.m), p.outShape);
    }
    const left = operand(s, a, p.aRows, p.aCols, transposeA);
    const right = operand(s, b, p.bRows, p.bCols, transposeB);
    return reshaped(s.runFunc(matMul, { a: left, b: right }, FAST), p.outShape);
  });
};

/** Activations the form-2 pass applies itself (others keep form 1, where the stock kernel does). */
const CLAMPS: Readonly<Record<string, readonly [number, number]>> = {
  linear: [-Infinity, Infinity],
  relu: [0, Infinity],
  relu6: [0, 6],
};

/**
 * `_FusedMatMul` (bias and activation after the product) on the fast path.
 *
 * Form 1 hands the bias and activation to the stock kernel with the operands transposed first.
 * Form 2 computes Cᵀ with the stock `BatchMatMul` and writes C = act(Cᵀᵀ + bias) in one pass;
 * it serves the linear, ReLU and ReLU6 activations, and with it a dense layer's forward product
 * X·W transposes W (≈0.4 ms for 800×500) instead of packing it afresh (≈1.7 ms) each training
 * step. Besides speed, form 1 also fixes the stock scalar loop's bias, which it indexes by the
 * flattened output position (clamped to the bias's last element) instead of by column.
 */
const fusedMatMul: KernelFunc = (args) => {
  const { inputs } = args;
  const a = input(inputs, 'a');
  const b = input(inputs, 'b');
  const attrs = args.attrs as unknown as tf._FusedMatMulAttrs;
  const p = product(a, b, attrs.transposeA, attrs.transposeB);
  const bias = inputs.bias;
  const biasFits = bias == null || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === p?.n);
  const clamp = inputs.preluActivationWeights == null ? CLAMPS[attrs.activation] : undefined;
  const swap = p !== null && biasFits && clamp !== undefined && prefersTransposedResult(p);
  seenAsB.add(b.dataId);
  if (!p || !biasFits || (!swap && !attrs.transposeA && !attrs.transposeB)) return stockKernel(tf._FusedMatMul)(args);
  const backend = args.backend as BackendWasm;
  return withMatrixScratch(backend, (s) => {
    if (swap && clamp) {
      const left = operand(s, b, p.bRows, p.bCols, !p.transposeB);
      const right = operand(s, a, p.aRows, p.aCols, !p.transposeA);
      const ct = s.runFunc(stockKernel(tf.BatchMatMul), { a: left, b: right }, FAST);
      return biasActivationTransposed(backend, ct, bias ?? null, p.outShape, clamp);
    }
    const left = operand(s, a, p.aRows, p.aCols, p.transposeA);
    const right = operand(s, b, p.bRows, p.bCols, p.transposeB);
    const out = s.runFunc(stockKernel(tf._FusedMatMul), { ...inputs, a: left, b: right }, { ...(args.attrs ?? {}), ...FAST });
    return reshaped(out, p.outShape);
  });
};

/** C [m, n] = clamp(Cᵀ[j, i] + bias[j]) from Cᵀ [n, m] on the wasm heap, as a new tensor of `shape` (…, m, n). */
function biasActivationTransposed(backend: BackendWasm, ct: TensorInfo, bias: TensorInfo | null, shape: number[], [lo, hi]: readonly [number, number]): TensorInfo {
  const [m, n] = shape.slice(-2);
  const out = backend.makeOutput(shape, 'float32');
  // Views after the allocation: growing the heap detaches older ones.
  const src = backend.typedArrayFromHeap(ct);
  const dst = backend.typedArrayFromHeap(out);
  const b = bias ? backend.typedArrayFromHeap(bias) : null;
  for (let j = 0; j < n; j++) {
    const add = b ? b[j] : 0;
    const row = j * m;
    for (let i = 0; i < m; i++) dst[i * n + j] = Math.min(hi, Math.max(lo, src[row + i] + add));
  }
  return out;
}
