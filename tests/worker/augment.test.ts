import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUGMENTATIONS } from '../../shared/config';
import { augmentBatch, randomFlip } from '../../main/worker/augment';
import { Random } from '../../main/worker/random';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

function batch(): tf.Tensor4D {
  const b = 4;
  const s = 12;
  const v = new Float32Array(b * s * s * 3);
  for (let i = 0; i < v.length; i++) v[i] = ((i * 7919) % 256) / 255;
  return tf.tensor4d(v, [b, s, s, 3]);
}

describe('augmentation', () => {
  it('keeps shape and range for every augmentation, and leaks no tensor', () => {
    const x = batch();
    const before = tf.memory().numTensors;
    for (const a of AUGMENTATIONS) {
      const y = tf.tidy(() => augmentBatch(x, [a], new Random(1)));
      expect(y.shape).toEqual(x.shape);
      const d = y.dataSync();
      expect(Math.min(...d)).toBeGreaterThanOrEqual(-1e-6);
      expect(Math.max(...d)).toBeLessThanOrEqual(1 + 1e-6);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(y, x))).dataSync()[0])).toBeGreaterThan(0);
      y.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('repeats exactly for a seed and differs for another', () => {
    const x = batch();
    const all = [...AUGMENTATIONS];
    const a = tf.tidy(() => augmentBatch(x, all, new Random(5)).dataSync());
    const b = tf.tidy(() => augmentBatch(x, all, new Random(5)).dataSync());
    const c = tf.tidy(() => augmentBatch(x, all, new Random(6)).dataSync());
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    x.dispose();
  });

  it('a flip mirrors each chosen image exactly and leaves the others alone', () => {
    const x = batch();
    const y = tf.tidy(() => randomFlip(x, new Random(2)));
    const mirrored = tf.tidy(() => tf.reverse(x, 2));
    for (let i = 0; i < 4; i++) {
      const yi = tf.tidy(() => y.slice([i], [1]).dataSync());
      const same = Array.from(yi).every((v, k) => v === x.slice([i], [1]).dataSync()[k]);
      const flipped = Array.from(yi).every((v, k) => Math.abs(v - mirrored.slice([i], [1]).dataSync()[k]) < 1e-6);
      expect(same || flipped).toBe(true);
    }
    tf.dispose([x, y, mirrored]);
  });
});
