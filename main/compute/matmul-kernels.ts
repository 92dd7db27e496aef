/**
 * Matrix products with transposed operands on XNNPACK's fast path.
 *
 * Stock tfjs-backend-wasm 4.22 sends only a non-transposed, batch-1 product to XNNPACK's fully
 * connected operator; any `transposeA`/`transposeB` runs a scalar C++ loop, 10–15× slower.
 * Every dense layer's gradient is such a product (dX = dY·Wᵀ, dW = Xᵀ·dY), so on LeNet-5 these
 * loops were a third of a training step. The replacements rewrite a batch-1 product with
 * transposes into the fast non-transposed form, transposing only small operands: either
 *
 *   (1) C = op(A)·op(B), with the transposed operands materialised, or
 *   (2) Cᵀ = op(B)ᵀ·op(A)ᵀ, then C by transposing that (small) result,
 *
 * whichever moves fewer elements: the elements transposed plus those of the right operand,
 * which XNNPACK packs afresh for each new tensor. dX = dY·Wᵀ so becomes (W·dYᵀ)ᵀ, where the
 * large W is neither transposed nor packed. Transposes use the stock wasm `Transpose` (about
 * 1 ns per element here, measured faster than a blocked JavaScript copy over the heap, ≈2.3).
 * Everything else (batched products, other dtypes, no transposes) goes to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
// The stock wasm kernels must be registered before they are replaced, never after.
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

const WASM = 'wasm';

/** The stock wasm kernels, by name, for the cases the replacements leave to them. */
const stock = new Map<string, KernelConfig>();

/** Replaces the wasm kernel `name` by `kernelFunc`, keeping the stock one (and its setup). */
function replace(name: string, kernelFunc: KernelFunc): void {
  const current = tf.getKernel(name, WASM);
  if (current?.kernelFunc === kernelFunc) return;
  if (current) {
    stock.set(name, current);
    tf.unregisterKernel(name, WASM);
  }
  // The stock kernel's setup binds its C++ entry point, which the fallback and the fast path need.
  tf.registerKernel({ kernelName: name, backendName: WASM, kernelFunc, setupFunc: current?.setupFunc });
}

function stockKernel(name: string): KernelFunc {
  const config = stock.get(name);
  if (!config) throw new Error(`matmul kernels: ${name} needs the stock wasm kernel`);
  return config.kernelFunc;
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
  replace(tf.BatchMatMul, batchMatMul);
  replace(tf._FusedMatMul, fusedMatMul);
}

/** Intermediate tensors of one kernel call, freed together. */
class Scratch {
  private readonly made: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs a kernel; its output is freed with the rest unless kept. */
  run(kernel: KernelFunc, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const out = kernel({ inputs, backend: this.backend, attrs });
    const info = Array.isArray(out) ? out[0] : out;
    this.made.push(info);
    return info;
  }

  /** x's data as a [1, rows, cols] matrix (shared, no copy). */
  matrix(x: TensorInfo, rows: number, cols: number): TensorInfo {
    this.backend.incRef(x.dataId);
    const info: TensorInfo = { dataId: x.dataId, shape: [1, rows, cols], dtype: x.dtype };
    this.made.push(info);
    return info;
  }

  /** The [1, cols, rows] transpose of x, a row-major [rows, cols] matrix. */
  transposed(x: TensorInfo, rows: number, cols: number): TensorInfo {
    // A vector's transpose has the same layout.
    if (rows === 1 || cols === 1) return this.matrix(x, cols, rows);
    const transpose = tf.getKernel(tf.Transpose, WASM);
    if (!transpose) throw new Error('matmul kernels: no wasm Transpose kernel');
    return this.run(transpose.kernelFunc, { x: this.matrix(x, rows, cols) }, { perm: [0, 2, 1] });
  }

  /** Keeps `info` alive past `dispose` (the kernel's result). */
  keep(info: TensorInfo): TensorInfo {
    const i = this.made.indexOf(info);
    if (i >= 0) this.made.splice(i, 1);
    return info;
  }

  dispose(): void {
    for (const info of this.made) this.backend.disposeData(info.dataId);
    this.made.length = 0;
  }
}

function withScratch(backend: unknown, body: (s: Scratch) => TensorInfo): TensorInfo {
  const scratch = new Scratch(backend as BackendWasm);
  try {
    return scratch.keep(body(scratch));
  } finally {
    scratch.dispose();
  }
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
 * The product these kernels rewrite, or null where the stock kernel runs as it is: batched
 * products, non-float32, empty operands, mismatched inner sizes (the stock kernel reports
 * those) and products without a transpose (already on the fast path).
 */
function product(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): Product | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  if (!transposeA && !transposeB) return null;
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

/** Elements a transpose of a rows × cols matrix moves (none for a vector). */
function transposeCost(rows: number, cols: number): number {
  return rows === 1 || cols === 1 ? 0 : rows * cols;
}

/**
 * True when Cᵀ = op(B)ᵀ·op(A)ᵀ (form 2) moves fewer elements than C = op(A)·op(B) (form 1):
 * elements transposed plus those of the packed right operand.
 */
function prefersTransposedResult(p: Product): boolean {
  const { m, k, n } = p;
  const direct = (p.transposeA ? transposeCost(k, m) : 0) + (p.transposeB ? transposeCost(n, k) : 0) + k * n;
  const swapped = (p.transposeB ? 0 : transposeCost(k, n)) + (p.transposeA ? 0 : transposeCost(m, k)) + k * m + transposeCost(n, m);
  return swapped < direct;
}

/** op(x) as a [1, rows, cols] operand of the fast path, x stored as [stored rows, stored cols]. */
function operand(s: Scratch, x: TensorInfo, rows: number, cols: number, transpose: boolean): TensorInfo {
  return transpose ? s.transposed(x, rows, cols) : s.matrix(x, rows, cols);
}

/** `info`, a scratch result made by this call, given the product's output shape. */
function reshaped(info: TensorInfo, shape: number[]): TensorInfo {
  info.shape = shape;
  return info;
}

/**
 * `BatchMatMul`: a batch-1 product with transposes as one non-transposed XNNPACK product plus
 * small transposes; see the file comment.
 */
const batchMatMul: KernelFunc = (args) => {
  const a = input(args.inputs, 'a');
  const b = input(args.inputs, 'b');
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const p = product(a, b, transposeA, transposeB);
  if (!p) return stockKernel(tf.BatchMatMul)(args);
  const matMul = stockKernel(tf.BatchMatMul);
  const fast = { transposeA: false, transposeB: false };
  return withScratch(args.backend, (s) => {
    if (prefersTransposedResult(p)) {
      // Cᵀ [n, m] = op(B)ᵀ [n, k] · op(A)ᵀ [k, m].
      const left = operand(s, b, p.bRows, p.bCols, !transposeB);
      const right = operand(s, a, p.aRows, p.aCols, !transposeA);
      const ct = s.run(matMul, { a: left, b: right }, fast);
      return reshaped(s.transposed(ct, p.n, p.m), p.outShape);
    }
    const left = operand(s, a, p.aRows, p.aCols, transposeA);
    const right = operand(s, b, p.bRows, p.bCols, transposeB);
    return reshaped(s.run(matMul, { a: left, b: right }, fast), p.outShape);
  });
};

/**
 * `_FusedMatMul`: a batch-1 product with transposes on the fast path, its operands transposed
 * first (form 1 only: bias and activation apply along C's columns).
 *
 * Besides speed this also fixes the stock scalar loop's bias, which it indexes by the flattened
 * output position (clamped to the bias's last element) instead of by column.
 */
const fusedMatMul: KernelFunc = (args) => {
  const { inputs } = args;
  const a = input(inputs, 'a');
  const b = input(inputs, 'b');
  const attrs = args.attrs as unknown as tf._FusedMatMulAttrs;
  const p = product(a, b, attrs.transposeA, attrs.transposeB);
  const bias = inputs.bias;
  const biasFits = bias == null || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === p?.n);
  if (!p || !biasFits) return stockKernel(tf._FusedMatMul)(args);
  return withScratch(args.backend, (s) => {
    const left = operand(s, a, p.aRows, p.aCols, p.transposeA);
    const right = operand(s, b, p.bRows, p.bCols, p.transposeB);
    const out = s.run(stockKernel(tf._FusedMatMul), { ...inputs, a: left, b: right }, { ...(args.attrs ?? {}), transposeA: false, transposeB: false });
    return reshaped(out, p.outShape);
  });
};
