/**
 * How long a run will train, before it starts: from what runs on this machine measured (per
 * architecture, input size, width and backend), scaled by the multiply-adds from runs of the
 * same architecture at another size, and from the multiply-adds alone only without them.
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
): TimeEstimate {
  const model = models.find((m) => m.id === request.arch);
  const macs = (arch: string, inputSize: number, width: number): number | null => {
    const m = arch === request.arch ? model : models.find((x) => x.id === arch);
    return m ? macsAt(m, inputSize, width) : null;
  };
  const target = macs(request.arch, request.inputSize, request.width);
  const onBackend = timings.filter((t) => t.backend === backend);
  const sameArch = onBackend.filter((t) => t.arch === request.arch);
  const exact = sameArch.filter((t) => t.inputSize === request.inputSize && t.width === request.width);

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
    // Another size or width of the same network: its speed, times the multiply-adds' ratio.
    const scaled = sameArch.map((t) => rateOf(t) * (target / (macs(t.arch, t.inputSize, t.width) ?? target)));
    rate = median(scaled);
    source = 'scaled';
    runs = sameArch.length;
    basisRef = { key: 'estimateBasis.scaled', params: { ...at, n: runs, fromSize: sameArch[0].inputSize, fromWidth: sameArch[0].width } };
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

/** The less certain of two sources. */
export function lessCertain(a: EstimateSource, b: EstimateSource): EstimateSource {
  const order: readonly EstimateSource[] = ['measured', 'scaled', 'model'];
  return order[Math.max(order.indexOf(a), order.indexOf(b))];
}
