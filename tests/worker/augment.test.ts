import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUGMENTATIONS } from '../../shared/config';
import { augmentBatch, padAndCrop, randomFlip, randomResizedCrop } from '../../main/worker/augment';
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

  it('pad-and-crop is a whole-pixel window of the image padded by 4 zeros, offsets uniform over 9 × 9', () => {
    // Image i, pixel (y, x), channel c holds 1 + a distinct number, so a window is found exactly.
    const b = 1800;
    const s = 6;
    const c = 3;
    const v = new Float32Array(b * s * s * c);
    for (let i = 0; i < v.length; i++) v[i] = (1 + (i % (s * s * c))) / 256;
    const x = tf.tensor4d(v, [b, s, s, c]);
    const y = tf.tidy(() => padAndCrop(x, new Random(11)));
    expect(y.shape).toEqual([b, s, s, c]);
    const out = y.dataSync();
    const seen = new Map<string, number>();
    for (let i = 0; i < b; i++) {
      const at = (yy: number, xx: number, ch: number): number => out[((i * s + yy) * s + xx) * c + ch];
      // The value at the window's first non-zero pixel says where the window starts.
      let found: [number, number] | null = null;
      for (let dy = -4; dy <= 4 && !found; dy++) {
        for (let dx = -4; dx <= 4 && !found; dx++) {
          let ok = true;
          for (let yy = 0; yy < s && ok; yy++) {
            for (let xx = 0; xx < s && ok; xx++) {
              const sy = yy + dy;
              const sx = xx + dx;
              for (let ch = 0; ch < c && ok; ch++) {
                const want = sy < 0 || sy >= s || sx < 0 || sx >= s ? 0 : (1 + (sy * s + sx) * c + ch) / 256;
                ok = at(yy, xx, ch) === want;
              }
            }
          }
          if (ok) found = [dy, dx];
        }
      }
      expect(found, `image ${i} is no window of its padded self`).not.toBeNull();
      const key = found!.join(',');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    // All 81 offsets occur, each about b / 81 ≈ 22 times (a binomial's 5-sigma range).
    expect(seen.size).toBe(81);
    const expected = b / 81;
    const sigma = Math.sqrt(expected * (1 - 1 / 81));
    for (const [k, n] of seen) expect(Math.abs(n - expected), k).toBeLessThan(5 * sigma);
    const meanOffset = [...seen].reduce((acc, [k, n]) => acc + n * Number(k.split(',')[0]), 0) / b;
    expect(Math.abs(meanOffset)).toBeLessThan(0.3);
    tf.dispose([x, y]);
  });

  it('keeps the two crops apart: pad-crop never resamples, resized-crop does', () => {
    const x = batch();
    const values = new Set(Array.from(x.dataSync()));
    const padded = tf.tidy(() => padAndCrop(x, new Random(3)).dataSync());
    // Every value pad-crop puts out is one of the image's own, or the padding's zero.
    for (const v of padded) expect(v === 0 || values.has(v)).toBe(true);
    const resized = tf.tidy(() => randomResizedCrop(x, new Random(3)).dataSync());
    expect(Array.from(resized).some((v) => v !== 0 && !values.has(v))).toBe(true);
    // Each name picks its own crop.
    expect(Array.from(tf.tidy(() => augmentBatch(x, ['pad-crop'], new Random(3)).dataSync()))).toEqual(Array.from(padded));
    expect(Array.from(tf.tidy(() => augmentBatch(x, ['resized-crop'], new Random(3)).dataSync()))).toEqual(Array.from(resized));
    x.dispose();
  });
});
