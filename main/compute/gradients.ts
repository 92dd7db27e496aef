/**
 * Gradients registered in place of tfjs-core's where the stock one does needless work on the
 * hot path of training.
 *
 * `Mean`: batch norm in training takes two means per layer (`tf.moments`), and tfjs-core's
 * gradient of each builds `ones(x.shape)` — a typed array the size of the activation, filled in
 * JavaScript and copied to the backend — only to multiply the broadcast gradient by it. On a
 * ResNet-18 w0.25 training step (wasm, one thread) that fill alone was about 5% of the step
 * (a `--cpu-prof` of the step: `makeOnesTypedArray` under the mean gradient). Here the small
 * gradient is divided by the reduced size first and then tiled to the input's shape: one
 * full-size kernel (`Tile`, replaced by a fast one on wasm) instead of a fill, an upload, a
 * multiply and a divide. The values are the same to the bit (the stock gradient multiplies by
 * one before it divides).
 *
 * The gradient registry is global: these apply on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, MeanAttrs, NamedAttrMap, Tensor } from '@tensorflow/tfjs';

/** The axes a reduction's `axis` attribute names, as non-negative indices (none: every axis, as tfjs's `parseAxisParam`). */
function reductionAxes(axis: number | number[] | null | undefined, rank: number): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  return list.map((a) => (a < 0 ? a + rank : a));
}

const meanGrad: GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    const axes = reductionAxes((attrs as unknown as Partial<MeanAttrs>).axis, x.rank);
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const reps = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
    const reduceSize = axes.reduce((n, a) => n * x.shape[a], 1);
    return { x: () => tf.tile(tf.div(tf.reshape(dy as Tensor, kept), reduceSize), reps) };
  },
};

/** Registers the gradients above (idempotent: a second registration replaces the first). */
export function registerFastGradients(): void {
  tf.registerGradient(meanGrad);
}
