/**
 * Which photos a benchmark reads: `--dataset <folder>`, else the flower photos beside the
 * checkout (`../shared/datasets/flower_photos_160`, where this project is developed), else a
 * generated folder (the app's 5-class sample at 160 px, 734 images like the flowers' 3,670 / 5).
 * The bench prints which one it took.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSampleDataset } from '../main/datasets/sample';

/** The checkout's root, from bench/ or from dist/bench/. */
export const ROOT = path.resolve(__dirname, fs.existsSync(path.join(__dirname, '..', 'package.json')) ? '..' : path.join('..', '..'));

/** The flower photos where this project keeps them: beside the checkout. */
export const BESIDE_CHECKOUT = path.join(ROOT, '..', 'shared', 'datasets', 'flower_photos_160');

export interface BenchDataset {
  readonly folder: string;
  /** How it was found, for the log and the results file. */
  readonly source: 'flag' | 'beside the checkout' | 'generated';
}

/** The dataset folder for a bench run (generating one in a temp folder if nothing else is there). */
export async function benchDataset(flag: string | undefined, log: (msg: string) => void): Promise<BenchDataset> {
  if (flag) {
    if (!fs.existsSync(flag) || !fs.statSync(flag).isDirectory()) throw new Error(`--dataset ${flag}: no such folder`);
    log(`bench: photos from --dataset ${flag}`);
    return { folder: path.resolve(flag), source: 'flag' };
  }
  if (fs.existsSync(BESIDE_CHECKOUT)) {
    log(`bench: photos from ${BESIDE_CHECKOUT} (beside the checkout; --dataset picks another folder)`);
    return { folder: BESIDE_CHECKOUT, source: 'beside the checkout' };
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-bench-photos-'));
  await writeSampleDataset(folder, { perClass: 147, size: 160 });
  log(`bench: no --dataset and no ${BESIDE_CHECKOUT}: generated 735 images (5 classes, 160 px) in ${folder}`);
  return { folder, source: 'generated' };
}
