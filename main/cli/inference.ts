/**
 * `bloombench predict`: classifies image files through the workstation (the compute service).
 */
import fs from 'node:fs';
import type { Workstation } from '../core/workstation';

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
