/**
 * On-the-fly augmentation of a training batch.
 *
 * Each image gets its own random parameters from the run's seeded generator, so a run repeats
 * exactly. Input and output are `[batch, h, w, c]` float tensors with values in [0, 1].
 */
import * as tf from '@tensorflow/tfjs';
import { PAD_CROP_PIXELS, type Augmentation } from '../../shared/config';
import type { Random } from './random';

/** Applies the chosen augmentations, in a fixed order, inside the caller's tidy. */
export function augmentBatch(x: tf.Tensor4D, augment: readonly Augmentation[], rng: Random): tf.Tensor4D {
  const set = new Set(augment);
  let out = x;
  if (set.has('pad-crop')) out = padAndCrop(out, rng);
  if (set.has('resized-crop')) out = randomResizedCrop(out, rng);
  if (set.has('flip')) out = randomFlip(out, rng);
  if (set.has('rotate')) out = randomRotate(out, rng);
  if (set.has('color')) out = colorJitter(out, rng);
  if (set.has('blur')) out = randomBlur(out, rng);
  if (set.has('cutout')) out = cutout(out, rng);
  return out;
}

/** Per-image mask `[b,1,1,1]`: 1 where `p` hits. */
function coin(b: number, p: number, rng: Random): tf.Tensor4D {
  const m = new Float32Array(b);
  for (let i = 0; i < b; i++) m[i] = rng.next() < p ? 1 : 0;
  return tf.tensor4d(m, [b, 1, 1, 1]);
}

function blend(mask: tf.Tensor4D, a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  return tf.add(tf.mul(mask, a), tf.mul(tf.sub(1, mask), b));
}

/** Horizontal flip with probability 1/2. */
export function randomFlip(x: tf.Tensor4D, rng: Random): tf.Tensor4D {
  return blend(coin(x.shape[0], 0.5, rng), tf.reverse(x, 2), x);
}

/**
 * Random-resized crop: 50–100 % of the area, aspect 3:4 to 4:3, resized back to the input size.
 *
 * The ranges are milder than Inception's 8–100 % (Szegedy et al. 2015, §6) because the inputs
 * here are already small.
 */
export function randomResizedCrop(x: tf.Tensor4D, rng: Random): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const boxes: number[] = [];
  for (let i = 0; i < b; i++) {
    const area = rng.uniform(0.5, 1);
    const aspect = Math.exp(rng.uniform(Math.log(3 / 4), Math.log(4 / 3)));
    const bw = Math.min(1, Math.sqrt(area * aspect));
    const bh = Math.min(1, Math.sqrt(area / aspect));
    const y0 = rng.uniform(0, 1 - bh);
    const x0 = rng.uniform(0, 1 - bw);
    boxes.push(y0, x0, y0 + bh, x0 + bw);
  }
  const ind = Array.from({ length: b }, (_, i) => i);
  return tf.image.cropAndResize(x, tf.tensor2d(boxes, [b, 4]), tf.tensor1d(ind, 'int32'), [h, w], 'bilinear');
}

/**
 * Pad-and-crop: zeros `pad` pixels wide around each image, then a random `h`×`w` window of it,
 * whole pixels, no resampling — torchvision's `RandomCrop(size, padding=4)` as the CIFAR-10
 * ResNets train (He et al. 2016, §4.2). Each offset is uniform over the 2·pad + 1 positions.
 */
export function padAndCrop(x: tf.Tensor4D, rng: Random, pad = PAD_CROP_PIXELS): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const padded = tf.pad(x, [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ]);
  const parts: tf.Tensor4D[] = [];
  for (let i = 0; i < b; i++) {
    const dy = rng.int(2 * pad + 1);
    const dx = rng.int(2 * pad + 1);
    parts.push(tf.slice(padded, [i, dy, dx, 0], [1, h, w, c]));
  }
  return tf.concat(parts, 0) as tf.Tensor4D;
}

/** Rotation by up to ±15°, filling the corners with grey. */
export function randomRotate(x: tf.Tensor4D, rng: Random): tf.Tensor4D {
  const parts = tf.split(x, x.shape[0], 0) as tf.Tensor4D[];
  const rotated = parts.map((p) => tf.image.rotateWithOffset(p, (rng.uniform(-15, 15) * Math.PI) / 180, 0.5));
  return tf.concat(rotated, 0) as tf.Tensor4D;
}

/**
 * Brightness ±0.2, contrast 0.7–1.3, saturation 0.6–1.4 and a hue turn of ±0.05 of a circle.
 *
 * Hue is rotated in YIQ space: one 3×3 matrix per image, applied with a batched matMul.
 */
export function colorJitter(x: tf.Tensor4D, rng: Random): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const bright = new Float32Array(b);
  const contrast = new Float32Array(b);
  const sat = new Float32Array(b);
  const hue: number[] = [];
  for (let i = 0; i < b; i++) {
    bright[i] = rng.uniform(-0.2, 0.2);
    contrast[i] = rng.uniform(0.7, 1.3);
    sat[i] = rng.uniform(0.6, 1.4);
    hue.push(rng.uniform(-0.05, 0.05) * 2 * Math.PI);
  }
  let out = tf.add(x, tf.tensor4d(bright, [b, 1, 1, 1]));
  const mean = tf.mean(out, [1, 2, 3], true);
  out = tf.add(tf.mul(tf.sub(out, mean), tf.tensor4d(contrast, [b, 1, 1, 1])), mean);
  if (c === 3) {
    const gray = tf.mean(out, 3, true);
    out = tf.add(tf.mul(tf.sub(out, gray), tf.tensor4d(sat, [b, 1, 1, 1])), gray);
    const mats: number[] = [];
    for (const t of hue) mats.push(...hueMatrix(t));
    const flat = tf.reshape(out, [b, h * w, 3]);
    out = tf.reshape(tf.matMul(flat, tf.tensor3d(mats, [b, 3, 3])), [b, h, w, 3]);
  }
  return tf.clipByValue(out, 0, 1) as tf.Tensor4D;
}

/** RGB → YIQ, rotate IQ by `t`, → RGB, as a row-vector matrix (pixel · M). */
function hueMatrix(t: number): number[] {
  const toYiq = [
    [0.299, 0.587, 0.114],
    [0.596, -0.274, -0.322],
    [0.211, -0.523, 0.312],
  ];
  const toRgb = [
    [1, 0.956, 0.621],
    [1, -0.272, -0.647],
    [1, -1.106, 1.703],
  ];
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const rot = [
    [1, 0, 0],
    [0, cos, -sin],
    [0, sin, cos],
  ];
  const mul = (a: number[][], b: number[][]) => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
  const m = mul(toRgb, mul(rot, toYiq)); // column-vector form: rgb' = m · rgb
  const out: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out.push(m[j][i]); // transpose for row vectors
  return out;
}

/** 3×3 Gaussian blur on half of the images. */
export function randomBlur(x: tf.Tensor4D, rng: Random): tf.Tensor4D {
  const c = x.shape[3];
  const k = [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16);
  const kernel: number[] = [];
  for (const v of k) for (let ch = 0; ch < c; ch++) kernel.push(v);
  const blurred = tf.depthwiseConv2d(x, tf.tensor4d(kernel, [3, 3, c, 1]), 1, 'same');
  return blend(coin(x.shape[0], 0.5, rng), blurred, x);
}

/** Cutout (DeVries & Taylor 2017): one grey square of a quarter of the side per image. */
export function cutout(x: tf.Tensor4D, rng: Random): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const side = Math.max(1, Math.round(Math.min(h, w) / 4));
  const mask = new Float32Array(b * h * w).fill(1);
  for (let i = 0; i < b; i++) {
    const cy = rng.int(h);
    const cx = rng.int(w);
    for (let y = Math.max(0, cy - (side >> 1)); y < Math.min(h, cy + side - (side >> 1)); y++) {
      for (let xx = Math.max(0, cx - (side >> 1)); xx < Math.min(w, cx + side - (side >> 1)); xx++) mask[(i * h + y) * w + xx] = 0;
    }
  }
  const m = tf.tensor4d(mask, [b, h, w, 1]);
  return tf.add(tf.mul(x, m), tf.mul(tf.sub(1, m), 0.5));
}
