/**
 * `bloombench predict` and `bloombench explain`: classify image files, and show where the
 * evidence for a class lies (Grad-CAM), through the workstation (the compute service).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExplainImageResult } from '../../shared/contract/api';
import type { Workstation } from '../core/workstation';
import { UsageError } from './common';

export type PredictResult =
  | { readonly file: string; readonly predictedClass: string; readonly probability: number; readonly classes: readonly string[]; readonly probabilities: readonly number[] }
  | { readonly file: string; readonly error: string };

/** Classifies image files with a run's kept weights; a file that cannot be read gets an error row. */
export async function predictFiles(ws: Workstation, runId: number, files: readonly string[]): Promise<PredictResult[]> {
  const out: PredictResult[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      out.push({ file, error: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      continue;
    }
    try {
      const r = await ws.classifyImage(runId, bytes);
      let best = 0;
      r.probabilities.forEach((p, i) => p > r.probabilities[best] && (best = i));
      out.push({ file, predictedClass: r.classes[best], probability: r.probabilities[best], classes: r.classes, probabilities: r.probabilities });
    } catch (e) {
      if (/has no saved weights|No run/.test((e as Error).message)) throw e;
      out.push({ file, error: (e as Error).message });
    }
  }
  return out;
}

/** Reads an image file for a command, or says which file could not be read and why. */
function readImage(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`Cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

/** Writes the Grad-CAM overlay of `image` for `className` (or the predicted class) to `outPng`. */
export async function explainFile(ws: Workstation, runId: number, image: string, className: string | null, outPng: string): Promise<ExplainImageResult> {
  if (!/\.png$/i.test(outPng)) throw new UsageError(`The overlay is written as PNG: give a file name ending in .png, not ${outPng}.`);
  const r = await ws.explainImage(runId, readImage(image), className);
  const png = Buffer.from(r.overlay.slice(r.overlay.indexOf(',') + 1), 'base64');
  fs.mkdirSync(path.dirname(path.resolve(outPng)), { recursive: true });
  fs.writeFileSync(outPng, png);
  return r;
}
