/**
 * Generates the built-in sample dataset: five classes of synthetic shapes, small enough to
 * train on in about a minute and hard enough that a model has to look at shape, not colour.
 *
 * Each image is a shape (filled disc, square, triangle, ring, or striped disc) at a random
 * position, size and rotation, in a colour drawn around its class's hue but overlapping the
 * neighbouring classes, on a noisy tinted gradient with a few small distractor blobs.
 * Deterministic for a given seed.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { mapLimit } from './pool';
import { seededRandom } from '../../shared/random';

/** Options for `writeSampleDataset`. */
export interface SampleOptions {
  /** Images per class (default 100). */
  readonly perClass?: number;
  /** Side of the square images in pixels (default 64). */
  readonly size?: number;
  /** Seed of the generator (default 1). */
  readonly seed?: number;
}

/** Class folder names of the sample dataset, in class-index order. */
export const SAMPLE_CLASSES = ['circles', 'rings', 'squares', 'stripes', 'triangles'] as const;
type SampleClass = (typeof SAMPLE_CLASSES)[number];

/** Centre hue of each class, in degrees; colours spread ±50° around it, so they overlap. */
const CLASS_HUE: Readonly<Record<SampleClass, number>> = { circles: 0, rings: 72, squares: 144, stripes: 216, triangles: 288 };

/**
 * Writes the sample dataset as PNG files under `dir/<class>/` (creating folders as needed)
 * and returns the class names and the number of images written.
 */
export async function writeSampleDataset(dir: string, opts: SampleOptions = {}): Promise<{ classes: string[]; count: number }> {
  const perClass = opts.perClass ?? 100;
  const size = opts.size ?? 64;
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`perClass must be a whole number ≥ 1 (got ${perClass}).`);
  if (!Number.isInteger(size) || size < 16 || size > 1024) throw new Error(`size must be a whole number from 16 to 1024 (got ${size}).`);
  const jobs: { cls: SampleClass; index: number; pixels: Buffer }[] = [];
  const random = seededRandom(seed);
  for (const cls of SAMPLE_CLASSES) {
    fs.mkdirSync(path.join(dir, cls), { recursive: true });
    for (let i = 0; i < perClass; i++) jobs.push({ cls, index: i, pixels: drawSample(cls, size, random) });
  }
  await mapLimit(jobs, 4, async (job) => {
    const file = path.join(dir, job.cls, `${job.cls}_${String(job.index).padStart(4, '0')}.png`);
    await sharp(job.pixels, { raw: { width: size, height: size, channels: 3 } }).png().toFile(file);
  });
  return { classes: [...SAMPLE_CLASSES], count: jobs.length };
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const hh = (((h % 360) + 360) % 360) / 60;
  const c = v * s;
  const x = c * (1 - Math.abs((hh % 2) - 1));
  const [r, g, b] = hh < 1 ? [c, x, 0] : hh < 2 ? [x, c, 0] : hh < 3 ? [0, c, x] : hh < 4 ? [0, x, c] : hh < 5 ? [x, 0, c] : [c, 0, x];
  const m = v - c;
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}

function gaussian(random: () => number): number {
  const u = Math.max(1e-12, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Is the point (u, v), in the shape's own frame (unit radius), inside the shape? */
function inside(cls: SampleClass, u: number, v: number, stripePhase: number): 0 | 1 | 2 {
  const d = Math.hypot(u, v);
  switch (cls) {
    case 'circles':
      return d <= 1 ? 1 : 0;
    case 'rings':
      return d <= 1 && d >= 0.6 ? 1 : 0;
    case 'squares':
      return Math.abs(u) <= 0.78 && Math.abs(v) <= 0.78 ? 1 : 0;
    case 'stripes':
      if (d > 1) return 0;
      return Math.floor(u * 2.5 + stripePhase) % 2 === 0 ? 1 : 2;
    case 'triangles': {
      // Equilateral triangle with circumradius 1, vertices (0, 1) and (±√3/2, −1/2): three half-planes.
      const a = v >= -0.5;
      const b = Math.sqrt(3) * u + v <= 1;
      const c = -Math.sqrt(3) * u + v <= 1;
      return a && b && c ? 1 : 0;
    }
  }
}

function drawSample(cls: SampleClass, size: number, random: () => number): Buffer {
  const px = new Float32Array(size * size * 3);
  // Background: a tinted gradient.
  const bgHue = random() * 360;
  const [br, bg, bb] = hsvToRgb(bgHue, random() * 0.35, 0.25 + random() * 0.5);
  const gAngle = random() * Math.PI * 2;
  const gAmp = 20 + random() * 40;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = ((x - size / 2) * Math.cos(gAngle) + (y - size / 2) * Math.sin(gAngle)) / size;
      const o = (y * size + x) * 3;
      px[o] = br + gAmp * t;
      px[o + 1] = bg + gAmp * t;
      px[o + 2] = bb + gAmp * t;
    }
  }
  // Distractors: a few small blobs of any colour.
  const blobs = Math.floor(random() * 4);
  for (let k = 0; k < blobs; k++) {
    const [r, g, b] = hsvToRgb(random() * 360, 0.3 + random() * 0.7, 0.3 + random() * 0.7);
    const cx = random() * size;
    const cy = random() * size;
    const rad = size * (0.03 + random() * 0.05);
    for (let y = Math.max(0, Math.floor(cy - rad)); y < Math.min(size, Math.ceil(cy + rad)); y++) {
      for (let x = Math.max(0, Math.floor(cx - rad)); x < Math.min(size, Math.ceil(cx + rad)); x++) {
        if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) > rad) continue;
        const o = (y * size + x) * 3;
        px[o] = r;
        px[o + 1] = g;
        px[o + 2] = b;
      }
    }
  }
  // The shape, 2×2 supersampled.
  const radius = size * (0.2 + random() * 0.16);
  const cx = radius + random() * (size - 2 * radius);
  const cy = radius + random() * (size - 2 * radius);
  const angle = random() * Math.PI * 2;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const hue = CLASS_HUE[cls] + gaussian(random) * 45;
  const [sr, sg, sb] = hsvToRgb(hue, 0.45 + random() * 0.55, 0.55 + random() * 0.45);
  const stripePhase = random() * 2;
  const dark = 0.35;
  for (let y = Math.max(0, Math.floor(cy - radius - 1)); y < Math.min(size, Math.ceil(cy + radius + 1)); y++) {
    for (let x = Math.max(0, Math.floor(cx - radius - 1)); x < Math.min(size, Math.ceil(cx + radius + 1)); x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let cover = 0;
      for (const [ox, oy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]] as const) {
        const dx = (x + ox - cx) / radius;
        const dy = (y + oy - cy) / radius;
        const hit = inside(cls, dx * cos + dy * sin, -dx * sin + dy * cos, stripePhase);
        if (hit === 0) continue;
        const f = hit === 1 ? 1 : dark;
        r += sr * f;
        g += sg * f;
        b += sb * f;
        cover++;
      }
      if (cover === 0) continue;
      const o = (y * size + x) * 3;
      const keep = 1 - cover / 4;
      px[o] = px[o] * keep + r / 4;
      px[o + 1] = px[o + 1] * keep + g / 4;
      px[o + 2] = px[o + 2] * keep + b / 4;
    }
  }
  // Sensor noise.
  const out = Buffer.alloc(size * size * 3);
  for (let i = 0; i < px.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(px[i] + (random() - 0.5) * 36)));
  return out;
}
