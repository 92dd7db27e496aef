/**
 * Terminal formatting: tables, numbers, durations and the training progress bar.
 */
import type { EstimateSource, StudyEstimate, TimeEstimate } from '../../shared/contract/api';
import type { Calibration } from '../../shared/calibration';
import type { BackendInfo, RunDetail, RunSummary } from '../../shared/types';
import { configText, MODEL_SETTINGS, TRAINING_SETTINGS } from '../../shared/config-text';
import { percent } from '../../shared/format';
import { describeFineTuning, describeRunStart } from '../../shared/pretrained';

/** A plain text table with left-aligned text and right-aligned numbers. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[-\d.,%×]+$/.test(String(r[i]))));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A fraction as a percentage, `87.3%`: the same as the screen's. */
export const pct = percent;

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** What an estimate rests on, in a few words. */
const SOURCE_WORDS: Readonly<Record<EstimateSource, string>> = {
  measured: 'measured here',
  scaled: 'scaled from runs here',
  bench: 'from the bench',
  model: 'rough: from the multiply-adds',
};

/** `≈ 22s per epoch, ≈ 3m45s for 10 epochs (measured here: median of 2 runs of …)`. */
export function estimateLine(e: TimeEstimate, epochs: number): string {
  if (e.epochSeconds === null || e.totalSeconds === null) return `≈ ${(1 / e.secondsPerImage).toFixed(0)} images/s (${SOURCE_WORDS[e.source]}: ${e.basis})`;
  return `≈ ${duration(e.epochSeconds)} per epoch, ≈ ${duration(e.totalSeconds)} for ${epochs} epoch${epochs === 1 ? '' : 's'} (${SOURCE_WORDS[e.source]}: ${e.basis})`;
}

/** `≈ 12m30s for the 4 cells left (measured here)`. */
export function studyEstimateLine(e: StudyEstimate): string {
  if (e.cellsLeft === 0) return 'nothing left to run';
  return `≈ ${duration(e.totalSeconds)} for the ${e.cellsLeft} cell${e.cellsLeft === 1 ? '' : 's'} left (${SOURCE_WORDS[e.source]}${e.source === 'measured' ? '' : ' for some'})`;
}

/** One line: `epoch 3/10 [████░░░░] 40%  loss 1.234  acc 45.2%  310 img/s  ETA 1m20s`. */
export function progressLine(p: { epoch: number; epochs: number; batch: number; steps: number; loss: number; accuracy: number; ips: number; eta: number }, width = 24): string {
  const done = ((p.epoch - 1) * p.steps + p.batch) / (p.epochs * p.steps);
  const fill = Math.round(done * width);
  return `epoch ${p.epoch}/${p.epochs} [${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${String(Math.floor(done * 100)).padStart(3)}%  loss ${p.loss.toFixed(3)}  acc ${pct(p.accuracy)}  ${p.ips.toFixed(0)} img/s  ETA ${duration(p.eta)}`;
}

export function runsTable(runs: readonly RunSummary[]): string {
  return table(
    ['id', 'name', 'arch', 'start', 'dataset', 'status', 'epochs', 'best val', 'test acc', 'backend', 'time'],
    runs.map((r) => [
      r.id,
      r.name,
      r.arch,
      describeRunStart(r),
      r.datasetName,
      r.status,
      `${r.epochsDone}/${r.config.epochs}`,
      pct(r.bestValAccuracy),
      pct(r.testAccuracy),
      r.backend ?? '—',
      r.startedMs ? duration(((r.endedMs ?? Date.now()) - r.startedMs) / 1000) : '—',
    ]),
  );
}

/** The human form of `bloombench show`. */
export function runReport(r: RunDetail): string {
  const c = r.config;
  const out: string[] = [];
  out.push(`Run ${r.id} "${r.name}" — ${r.status}${r.error ? `: ${r.error}` : ''}`);
  out.push(`  dataset   ${r.datasetName} (#${r.datasetId})${r.datasetVersion > 0 ? `, version ${r.datasetVersion} (label edits: bloombench labels ${r.datasetId})` : ''}`);
  const tuning = describeFineTuning(c);
  out.push(`  start     ${describeRunStart(r)}${tuning ? `; ${tuning}` : ''}`);
  if (r.weights) out.push(`            weights ${r.weights.file} (sha256 ${r.weights.sha256})`);
  out.push(`  model     ${configText(c, { settings: MODEL_SETTINGS, separator: ', ' })}; ${count(r.trainableParams)} params, ${count(r.macs)} MACs`);
  out.push(`  training  ${configText(c, { settings: TRAINING_SETTINGS, separator: ', ' })}`);
  if (r.backendInfo) {
    out.push(`  backend   ${r.backendInfo.description}${r.backendInfo.forced ? ' (forced)' : ''}`);
    out.push(...backendLines(r.backendInfo).map((l) => `            ${l}`));
  }
  if (r.epochs.length) {
    out.push('');
    out.push(
      table(
        ['epoch', 'train loss', 'train acc', 'val loss', 'val acc', 'lr', 'img/s', 'time'],
        r.epochs.map((e) => [
          `${e.epoch}${e.epoch === r.bestEpoch ? '*' : ''}`,
          e.trainLoss.toFixed(4),
          pct(e.trainAccuracy),
          e.valLoss === null ? '—' : e.valLoss.toFixed(4),
          pct(e.valAccuracy),
          e.learningRate.toPrecision(3),
          e.imagesPerSecond.toFixed(0),
          duration(e.seconds),
        ]),
      ),
    );
    if (r.bestEpoch !== null) out.push(`  * best epoch (${c.monitor}); its weights were kept`);
  }
  if (r.diagnostics.length) {
    out.push('');
    for (const d of r.diagnostics) out.push(`  ! epoch ${d.epoch}: ${d.message}`);
  }
  if (r.test) {
    const t = r.test;
    out.push('');
    out.push(`Test accuracy ${pct(t.accuracy)} on ${t.confusion.flat().reduce((a, b) => a + b, 0)} images (epoch ${t.epoch} weights, loss ${t.loss.toFixed(4)})`);
    out.push('');
    out.push(table(['class', 'precision', 'recall', 'f1', 'support'], t.perClass.map((p) => [p.name, pct(p.precision), pct(p.recall), pct(p.f1), p.support])));
    out.push('');
    out.push('Confusion matrix (rows: true class, columns: predicted)');
    out.push(table(['', ...t.classes], t.confusion.map((row, i) => [t.classes[i], ...row])));
  }
  if (r.calibration) {
    out.push('');
    out.push(calibrationText(r.calibration));
  }
  return out.join('\n');
}

/** The adapter and the reasons the better backends were not used, one line each. */
function backendLines(b: BackendInfo): string[] {
  const lines: string[] = [];
  const a = b.adapter;
  if (a) lines.push(`adapter: ${a.description || '—'} (vendor ${a.vendor || '—'}, architecture ${a.architecture || '—'}, device ${a.device || '—'}${a.software ? ', software' : ''})`);
  for (const u of b.unavailable) lines.push(`not ${u.name}: ${u.reason}`);
  return lines;
}

/** The human form of `bloombench backend`. */
export function backendReport(b: BackendInfo): string {
  return [`auto picks ${b.description}`, ...backendLines(b).map((l) => `  ${l}`)].join('\n');
}

/** A run's calibration: ECE, MCE, top-k and the non-empty bins of the reliability diagram. */
export function calibrationText(c: Calibration): string {
  const over = c.overconfidence;
  const lean = Math.abs(over) < 0.005 ? 'confidence matches accuracy' : `${over > 0 ? 'over' : 'under'}-confident by ${(100 * Math.abs(over)).toFixed(1)} points`;
  const lines = [
    `Calibration: ECE ${pct(c.ece)} over ${c.bins.length} bins, MCE ${pct(c.mce)}; ${lean}${c.topK !== null ? `; top-${c.topK} accuracy ${pct(c.topKAccuracy)}` : ''}`,
    '',
    table(
      ['confidence', 'images', 'accuracy', 'mean confidence', 'gap'],
      c.bins
        .filter((b) => b.count > 0)
        .map((b) => [`${(100 * b.lo).toFixed(0)}–${(100 * b.hi).toFixed(0)}%`, b.count, pct(b.accuracy), pct(b.confidence), `${((b.accuracy! - b.confidence!) * 100).toFixed(1)}`]),
    ),
  ];
  return lines.join('\n');
}
