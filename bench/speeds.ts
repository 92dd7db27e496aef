/**
 * `npm run bench:speeds`: the training speed of every zoo network on this machine, written to
 * main/core/reference-speeds.ts, where the app's time estimates start for a network that has
 * not been trained here yet (main/core/estimates.ts).
 *
 * Two rows per network, so that an estimate can follow how its time grows with its
 * multiply-adds: the new-run form's default input (64 px, or the network's smallest input
 * rounded up to 16 px) at width 0.25 and 0.5. Each row is a child process (bench/models.ts)
 * timing training steps of batch 32 as the app runs them.
 *
 * Flags: `--models a,b` (measure these again, keep the file's other rows), `--train-steps n`
 * (default 3), `--dry-run` (print the rows, write nothing).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { listVariants } from '../main/models/registry';
import { REFERENCE_SPEEDS, type ReferenceSpeed } from '../main/core/reference-speeds';
import { benchModelsEntry, lastJsonLine, runChild } from './child';
import { ROOT } from './dataset';
import type { BackendReportLine } from './models';

const { values } = parseArgs({ options: { models: { type: 'string' }, 'train-steps': { type: 'string' }, 'dry-run': { type: 'boolean' } } });

const BACKEND = 'wasm';

/** The settings measured for one network: the new-run form's default input and width, and twice the width. */
function points(minInputSize: number): readonly { inputSize: number; width: number }[] {
  const size = Math.max(64, Math.ceil(minInputSize / 16) * 16);
  return [
    { inputSize: size, width: 0.25 },
    { inputSize: size, width: 0.5 },
  ];
}

function source(rows: readonly ReferenceSpeed[], machine: { cpuModel: string; cpus: number; threads: number; when: string }): string {
  const lines = rows.map((r) => `  { arch: '${r.arch}', inputSize: ${r.inputSize}, width: ${r.width}, secondsPerImage: ${r.secondsPerImage.toPrecision(4)} },`);
  return `/**
 * Training speed of every zoo network on a reference machine, the base of a time estimate for a
 * network this machine has not trained yet (main/core/estimates.ts).
 *
 * Written by \`npm run bench:speeds\` (bench/speeds.ts): do not edit by hand. Each row is one
 * training step of batch 32 as the app runs it (Adam, threads: auto, data-parallel where the
 * app would split), after warm-up steps, in seconds per training image.
 */

/** One measured setting of one architecture. */
export interface ReferenceSpeed {
  readonly arch: string;
  readonly inputSize: number;
  readonly width: number;
  readonly secondsPerImage: number;
}

/** The machine and backend the rows were measured on. */
export const REFERENCE_MACHINE = { backend: '${BACKEND}', cpuModel: '${machine.cpuModel.replace(/['\\]/g, '')}', cpus: ${machine.cpus}, threads: ${machine.threads}, when: '${machine.when}' } as const;

export const REFERENCE_SPEEDS: readonly ReferenceSpeed[] = [
${lines.join('\n')}
];
`;
}

async function main(): Promise<void> {
  const wanted = values.models?.split(',').filter(Boolean);
  const variants = listVariants().filter((v) => !wanted || wanted.includes(v.id));
  const steps = values['train-steps'] ?? '3';
  const entry = benchModelsEntry();
  const rows: ReferenceSpeed[] = [];
  let threads = 1;
  for (const v of variants) {
    const ids = points(v.minInputSize).map((p) => `${v.id}@${p.inputSize}@${p.width}`);
    const line = lastJsonLine(await runChild(process.execPath, [...entry.execArgv, entry.file, '--backend', BACKEND, '--models', ids.join(','), '--train-steps', steps, '--infer-steps', '0'])) as BackendReportLine;
    if ('unavailable' in line) throw new Error(`${BACKEND} did not load: ${line.unavailable}`);
    for (const r of line.results) {
      const [arch, size, width] = r.model.split('@');
      rows.push({ arch, inputSize: Number(size), width: Number(width), secondsPerImage: 1 / r.imagesPerSecond });
      threads = Math.max(threads, r.threads);
      process.stderr.write(`bench:speeds: ${r.model}: ${r.imagesPerSecond.toFixed(1)} images/s on ${r.threads} thread${r.threads === 1 ? '' : 's'}\n`);
    }
  }
  // The networks not measured this time keep their rows.
  for (const r of REFERENCE_SPEEDS) if (!variants.some((v) => v.id === r.arch)) rows.push(r);
  const order = new Map(listVariants().map((v, i) => [v.id, i]));
  rows.sort((a, b) => (order.get(a.arch) ?? 0) - (order.get(b.arch) ?? 0) || a.width - b.width || a.inputSize - b.inputSize);
  const cpuModel = (os.cpus()[0]?.model ?? 'unknown CPU').replace(/\s+\d+-Core Processor$/, '').trim();
  const text = source(rows, { cpuModel, cpus: os.cpus().length, threads, when: new Date().toISOString().slice(0, 10) });
  if (values['dry-run']) {
    process.stdout.write(text);
    return;
  }
  const file = path.join(ROOT, 'main', 'core', 'reference-speeds.ts');
  fs.writeFileSync(file, text);
  process.stdout.write(`Wrote ${rows.length} rows to ${path.relative(process.cwd(), file)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:speeds: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
