/**
 * How long a run will train, before it starts: from what runs on this machine measured (per
 * architecture, input size, width and backend); from runs of the same architecture at another
 * size or width, rescaled; from the architecture's speed that `npm run bench:speeds` measured
 * on a reference machine (main/core/reference-speeds.ts), rescaled to the size and width and to
 * this machine's speed where its runs of other networks tell it; and from the multiply-adds
 * alone only for a backend the bench did not measure.
 *
 * Rescaling follows what the bench measured of each architecture: its time per image grows as
 * its multiply-adds to a power fitted between its two reference rows (a narrow network spends
 * its time on per-layer work, so four times the multiply-adds cost well under four times the
 * time), and in proportion without rows.
 *
 * The unit of work is one training image; validating an image costs about a third of training
 * on it (one forward pass against a forward and two backward ones), so an epoch's work is
 * `train + val / 3` images, and the test evaluation at the end `test / 3`.
 */
import type { BackendName } from '../../shared/config';
import type { EstimateRequest, EstimateSource, TimeEstimate } from '../../shared/contract/api';
import { renderRef, type MessageRef } from '../../shared/i18n/catalogue';
import { SHARED_CATALOGUE } from '../../shared/i18n/messages';
import type { ModelInfo } from '../../shared/types';
import type { RunTiming } from '../store/timings';
import { REFERENCE_MACHINE, REFERENCE_SPEEDS, type ReferenceSpeed } from './reference-speeds';

/** A validation or test image costs this share of a training image. */
export const EVAL_SHARE = 1 / 3;

/** A training step costs about three forward passes (the forward, and the two gradients). */
const PASSES_PER_STEP = 3;

/**
 * Sustained multiply-adds per second, an order of magnitude, for a backend no run has measured
 * here yet. Measured on one wasm thread of a 2-core machine at 64 px, width 0.25 (tfjs
 * production mode): ResNet-18 ~100 images/s (≈ 3 × 11 M × 100 ≈ 3.3e9 MAC/s), GoogLeNet ~50
 * images/s (≈ 1.5e9: many small ops); the middle keeps either within about 1.5×. The others
 * are the usual ratios to it.
 */
const TYPICAL_MACS_PER_SECOND: Partial<Record<BackendName, number>> = {
  'tensorflow-gpu': 2e11,
  tensorflow: 1.5e10,
  wasm: 2.2e9,
  cpu: 2.5e8,
};
/** Networks within this factor of multiply-adds per image of each other lend their speed to the multiply-add model. */
const LIKE_SIZE = 10;

/** For a backend the table does not know (a newer one): the wasm figure. */
const FALLBACK_MACS_PER_SECOND = 2.2e9;

/** The bench's rows and where they were measured. */
export interface Reference {
  readonly backend: BackendName;
  /** The machine: its CPU model ("AMD EPYC") and cores. */
  readonly cpuModel: string;
  readonly cpus: number;
  readonly speeds: readonly ReferenceSpeed[];
}

/** The rows committed with the app. */
export const REFERENCE: Reference = { backend: REFERENCE_MACHINE.backend, cpuModel: REFERENCE_MACHINE.cpuModel, cpus: REFERENCE_MACHINE.cpus, speeds: REFERENCE_SPEEDS };

/**
 * A run here says how fast this machine is only within this factor of multiply-adds of a bench
 * row of its network: far below the rows a network's time floors at per-layer work, and the
 * rows' power would price it many times too fast (LeNet-5 at width 0.25 against rows at width 1).
 */
const NEAR_ROWS = 4;

/** The fitted power of the multiply-adds stays within these (two noisy rows must not say more). */
const GROWTH_RANGE = [0.3, 1.2] as const;

/** The images of the dataset a run trains on. */
export interface DatasetSize {
  readonly train: number;
  readonly val: number;
  readonly test: number;
}

/** Multiply-adds per image of `model` at `inputSize` and `width` (convolutions scale with the pixels and the channels squared). */
export function macsAt(model: Pick<ModelInfo, 'macs' | 'inputShape'>, inputSize: number, width: number): number {
  const [h, w] = model.inputShape;
  return (model.macs * (inputSize * inputSize)) / (h * w) * width * width;
}

function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Seconds per training image of a measured run. */
function rateOf(t: RunTiming): number {
  return t.epochSeconds / (t.trainImages + t.valImages * EVAL_SHARE);
}

/**
 * The estimate for one request on `backend` (already resolved from `auto`), given the runs
 * measured here and the zoo.
 */
export function estimateRun(
  request: EstimateRequest,
  backend: BackendName,
  dataset: DatasetSize | null,
  timings: readonly RunTiming[],
  models: readonly ModelInfo[],
  reference: Reference = REFERENCE,
): TimeEstimate {
  const model = models.find((m) => m.id === request.arch);
  const macs = (arch: string, inputSize: number, width: number): number | null => {
    const m = arch === request.arch ? model : models.find((x) => x.id === arch);
    return m ? macsAt(m, inputSize, width) : null;
  };
  const bench = benchRates(reference, macs);
  const target = macs(request.arch, request.inputSize, request.width);
  const onBackend = timings.filter((t) => t.backend === backend);
  const sameArch = onBackend.filter((t) => t.arch === request.arch);
  const exact = sameArch.filter((t) => t.inputSize === request.inputSize && t.width === request.width);
  const benchRate = backend === reference.backend && target !== null ? bench.rateAt(request.arch, target) : null;

  let rate: number;
  let source: EstimateSource;
  let runs: number;
  let basisRef: MessageRef;
  const at = { arch: request.arch, size: request.inputSize, width: request.width, backend };
  if (exact.length) {
    rate = median(exact.map(rateOf));
    source = 'measured';
    runs = exact.length;
    basisRef = { key: 'estimateBasis.measured', params: { ...at, n: runs } };
  } else if (sameArch.length && target !== null) {
    // Another size or width of the same network: its speed, rescaled as the bench saw it grow.
    const scaled = sameArch.map((t) => rateOf(t) * (target / (macs(t.arch, t.inputSize, t.width) ?? target)) ** bench.growth(request.arch));
    rate = median(scaled);
    source = 'scaled';
    runs = sameArch.length;
    basisRef = { key: 'estimateBasis.scaled', params: { ...at, n: runs, fromSize: sameArch[0].inputSize, fromWidth: sameArch[0].width } };
  } else if (benchRate !== null) {
    // The bench's speed of this network on the reference machine, times how much faster or
    // slower this machine ran the networks it trained against their own reference speed.
    const factors = onBackend.flatMap((t) => {
      const m = macs(t.arch, t.inputSize, t.width);
      const r = m === null ? null : bench.rateAt(t.arch, m, NEAR_ROWS);
      return r === null ? [] : [rateOf(t) / r];
    });
    rate = benchRate * (factors.length ? median(factors) : 1);
    source = 'bench';
    runs = factors.length;
    const machine = { cpu: reference.cpuModel, cpus: reference.cpus };
    basisRef = factors.length ? { key: 'estimateBasis.benchHere', params: { ...at, ...machine, n: runs } } : { key: 'estimateBasis.bench', params: { ...at, ...machine } };
  } else {
    // The multiply-adds alone, at what this machine reaches on the backend with networks of a
    // like size (a tiny one spends its time on per-layer overhead, not multiply-adds, and would
    // make a large one look far slower than it is).
    const measured =
      target === null
        ? []
        : onBackend.flatMap((t) => {
            const m = macs(t.arch, t.inputSize, t.width);
            return m === null || m > target * LIKE_SIZE || m < target / LIKE_SIZE ? [] : [(PASSES_PER_STEP * m) / rateOf(t)];
          });
    const macsPerSecond = measured.length ? median(measured) : (TYPICAL_MACS_PER_SECOND[backend] ?? FALLBACK_MACS_PER_SECOND);
    rate = (PASSES_PER_STEP * (target ?? 0)) / macsPerSecond || 0;
    source = 'model';
    runs = measured.length;
    const speed = (macsPerSecond / 1e9).toPrecision(2);
    basisRef = measured.length ? { key: 'estimateBasis.modelMeasured', params: { ...at, speed, n: runs } } : { key: 'estimateBasis.modelTypical', params: { ...at, speed } };
  }
  const basis = renderRef(SHARED_CATALOGUE, 'en', basisRef) ?? basisRef.key;
  const epochSeconds = dataset ? rate * (dataset.train + dataset.val * EVAL_SHARE) : null;
  const totalSeconds = dataset && epochSeconds !== null ? epochSeconds * request.epochs + rate * dataset.test * EVAL_SHARE : null;
  return { arch: request.arch, backend, epochSeconds, totalSeconds, secondsPerImage: rate, source, runs, basis, basisRef };
}

/**
 * What the bench measured, as rates: `rateAt(arch, macs, within)`, seconds per image of `arch`
 * at `macs` multiply-adds per image (from its nearest row, rescaled; null without rows, or with
 * none within a factor `within` of the multiply-adds), and
 * `growth(arch)`, the power of the multiply-adds its time grows with.
 */
function benchRates(reference: Reference, macs: (arch: string, inputSize: number, width: number) => number | null): { rateAt(arch: string, at: number, within?: number): number | null; growth(arch: string): number } {
  const rows = new Map<string, { macs: number; secondsPerImage: number }[]>();
  for (const r of reference.speeds) {
    const m = macs(r.arch, r.inputSize, r.width);
    if (m === null || !(r.secondsPerImage > 0)) continue;
    rows.set(r.arch, [...(rows.get(r.arch) ?? []), { macs: m, secondsPerImage: r.secondsPerImage }]);
  }
  const growth = (arch: string): number => {
    const rs = rows.get(arch) ?? [];
    const lo = rs.reduce<(typeof rs)[number] | null>((a, r) => (a === null || r.macs < a.macs ? r : a), null);
    const hi = rs.reduce<(typeof rs)[number] | null>((a, r) => (a === null || r.macs > a.macs ? r : a), null);
    if (!lo || !hi || hi.macs < lo.macs * 1.5) return 1;
    const fitted = Math.log(hi.secondsPerImage / lo.secondsPerImage) / Math.log(hi.macs / lo.macs);
    return Math.min(GROWTH_RANGE[1], Math.max(GROWTH_RANGE[0], fitted));
  };
  const rateAt = (arch: string, at: number, within = Infinity): number | null => {
    const rs = rows.get(arch);
    if (!rs?.length) return null;
    const near = rs.reduce((a, r) => (Math.abs(Math.log(r.macs / at)) < Math.abs(Math.log(a.macs / at)) ? r : a));
    if (Math.abs(Math.log(near.macs / at)) > Math.log(within)) return null;
    return near.secondsPerImage * (at / near.macs) ** growth(arch);
  };
  return { rateAt, growth };
}
