/**
 * The training loop a worker process runs: batches streamed from the preprocessing cache,
 * one optimizer step each, validation and checkpoints per epoch, and the test evaluation with
 * the best epoch's weights at the end.
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { learningRateAt, type TrainConfig } from '../../shared/config';
import type { RunEvent } from '../../shared/contract/events';
import type { BackendInfo, EpochMetrics, Evaluation } from '../../shared/types';
import { initBackend } from '../compute/backend';
import { CacheReader } from './cache-reader';
import { countMacs, countTrainableParams, getVariant, type BuildOptions } from '../models/registry';
import { augmentBatch } from './augment';
import { loadWeightsIntoSync, restoreCheckpoint, saveCheckpoint, type TrainingState } from './checkpoint';
import { diagnose, type EpochEvidence } from './diagnostics';
import { planReplicas, ReplicaGroup } from './data-parallel';
import { accuracyOf, confusionMatrix, perClassMetrics } from './metrics';
import type { WorkerJob } from '../../shared/contract/worker';
import { Random } from './random';
import { applyDecoupledDecay, decayedWeights, makeOptimizer, setLearningRate, trainingLoss, type StepOutputs } from './step';
import { applyScaledGradients, backboneFrozen, backboneVariables, buildRunModel, setBackboneFrozen } from './fine-tune';

const EVAL_BATCH = 64;

export interface TrainerHooks {
  emit(event: RunEvent): void;
  /** True once the core asked the run to stop. */
  cancelled(): boolean;
}

/** uint8 HWC records → float batch in [0, 1]. */
function toFloat(bytes: Uint8Array, n: number, size: number, channels: number): tf.Tensor4D {
  const f = new Float32Array(n * size * size * channels);
  for (let i = 0; i < f.length; i++) f[i] = bytes[i] / 255;
  return tf.tensor4d(f, [n, size, size, channels]);
}

/** The normalisation every model sees (and an exported model expects): [0, 1] → [-1, 1]. */
export function normalize(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(x, 2), 1);
}

/** The backend as the run records it, with the threads it trained on. */
function withThreads(info: BackendInfo, world: number, batchSize: number): BackendInfo {
  if (world === 1) return info;
  const per = Math.ceil(batchSize / world);
  return { ...info, description: `${info.description.replace(/, 1 thread\)$/, ')')} on ${world} threads (data-parallel, ≤ ${per} images each)` };
}

function isTensorArray(t: tf.Tensor | tf.Tensor[]): t is tf.Tensor[] {
  return Array.isArray(t);
}

interface EvalResult {
  loss: number;
  accuracy: number;
  predicted: Int32Array;
  probabilities: Float32Array[];
}

/** Runs a model over a split in inference mode (reads asynchronously: webgpu in Node has no `dataSync`). */
async function evaluateSplit(
  model: tf.LayersModel,
  reader: CacheReader,
  records: readonly number[],
  labels: readonly number[],
  job: WorkerJob,
  keepProbabilities: boolean,
  group: ReplicaGroup | null,
): Promise<EvalResult> {
  const { size, channels, recordBytes } = job.cache;
  const k = job.classes.length;
  const predicted = new Int32Array(records.length);
  const probabilities: Float32Array[] = [];
  let lossSum = 0;
  let right = 0;
  for (let start = 0; start < records.length; start += EVAL_BATCH) {
    const idx = records.slice(start, start + EVAL_BATCH);
    const bytes = new Uint8Array(idx.length * recordBytes);
    reader.read(idx, bytes);
    const lab = labels.slice(start, start + EVAL_BATCH);
    const [lossT, probsT] = tf.tidy(() => {
      const x = normalize(toFloat(bytes, idx.length, size, channels)) as tf.Tensor4D;
      let logits: tf.Tensor2D;
      if (group && idx.length >= group.world) {
        logits = group.infer(x, k); // each replica a slice of the batch
      } else {
        const out = model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
        logits = (isTensorArray(out) ? out[0] : out) as tf.Tensor2D;
      }
      const y = tf.oneHot(tf.tensor1d(lab, 'int32'), k);
      const loss = tf.mul(tf.losses.softmaxCrossEntropy(y, logits, undefined, 0, tf.Reduction.SUM_BY_NONZERO_WEIGHTS), idx.length);
      return [loss, tf.softmax(logits)];
    });
    const [lossV, probs] = (await Promise.all([lossT.data(), probsT.data()]).finally(() => tf.dispose([lossT, probsT]))) as [Float32Array, Float32Array];
    lossSum += lossV[0];
    for (let i = 0; i < idx.length; i++) {
      const row = probs.subarray(i * k, (i + 1) * k);
      let best = 0;
      for (let c = 1; c < k; c++) if (row[c] > row[best]) best = c;
      predicted[start + i] = best;
      if (best === lab[i]) right++;
      if (keepProbabilities) probabilities.push(Float32Array.from(row));
    }
  }
  const n = Math.max(1, records.length);
  return { loss: lossSum / n, accuracy: right / n, predicted, probabilities };
}

function monitorValue(m: EpochMetrics, config: TrainConfig): number | null {
  if (config.monitor === 'val_loss') return m.valLoss === null || !Number.isFinite(m.valLoss) ? null : -m.valLoss;
  return m.valAccuracy;
}

/** Trains one run from start (or from its checkpoint) to its test evaluation. */
export async function runTraining(job: WorkerJob, hooks: TrainerHooks): Promise<void> {
  const { config, runId } = job;
  const emit = hooks.emit;
  const backend = await initBackend(config.backend);
  const variant = getVariant(config.arch);
  const k = job.classes.length;
  const build: BuildOptions = {
    inputSize: config.inputSize,
    channels: config.channels,
    numClasses: k,
    width: config.width,
    activation: config.activation,
    batchNorm: config.batchNorm,
    dropout: config.dropout,
    order: config.order,
    // A pretrained backbone trains without GoogLeNet's auxiliary heads (torchvision's are not loaded).
    auxHeads: variant.supportsAuxHeads && !job.weights,
    seed: config.seed,
  };
  // With weights: torchvision's backbone and a fresh head (fine-tune.ts).
  const { model, pretrainedLayers } = buildRunModel(config, build, job.weights);
  const inference = model.outputs.length > 1 ? tf.model({ inputs: model.inputs, outputs: model.outputs[0] }) : model;
  const learnableParams = countTrainableParams(inference);
  let frozen = backboneFrozen(config, (job.resume?.epoch ?? 0) + 1);
  setBackboneFrozen(model, pretrainedLayers, frozen);
  let optimizer = makeOptimizer(config);
  const reader = new CacheReader(job.cache.file, job.cache.recordBytes);
  const lastDir = path.join(job.runDir, 'checkpoints', 'last');
  const bestDir = path.join(job.runDir, 'checkpoints', 'best');
  let group: ReplicaGroup | null = null;
  try {
    const { size, channels, recordBytes } = job.cache;
    const nTrain = job.train.records.length;
    const batchSize = Math.min(config.batchSize, nTrain);
    // A last batch of one image would make batch-norm statistics meaningless: drop it.
    const stepsPerEpoch = Math.floor(nTrain / batchSize) + (nTrain % batchSize >= 2 ? 1 : 0);
    // The pretrained layers' weights (when they train) take `backboneLrScale` × the learning rate.
    let scaled = frozen ? new Set<string>() : backboneVariables(model, pretrainedLayers);
    let decayed = decayedWeights(model);
    const decayedOf = (backbone: boolean): tf.LayerVariable[] => decayed.filter((w) => scaled.has(w.name) === backbone);
    let [decayedHead, decayedBackbone] = [decayedOf(false), decayedOf(true)];

    let state: TrainingState = { epoch: 0, bestEpoch: null, bestValue: null, epochsWithoutImprovement: 0, step: 0 };
    if (job.resume) {
      // The checkpoint's optimizer slots fit only if the same layers were frozen when it was saved.
      const sameLayers = backboneFrozen(config, job.resume.epoch) === frozen;
      state = await restoreCheckpoint(model, sameLayers ? optimizer : null, job.resume.dir);
      emit({ kind: 'log', runId, level: 'info', message: `Resumed from the checkpoint of epoch ${state.epoch}.` });
    }
    if (job.weights) {
      const rate = `pretrained layers at ${config.backboneLrScale} × the learning rate`;
      const how =
        config.freeze !== 'backbone'
          ? `every layer training, ${rate}`
          : config.unfreezeAfter
            ? `the pretrained layers frozen for ${config.unfreezeAfter} epoch${config.unfreezeAfter === 1 ? '' : 's'}, then ${rate}`
            : 'the pretrained layers frozen (only the head trains)';
      emit({ kind: 'log', runId, level: 'info', message: `Fine-tuning from ${job.weights.title} with a new ${k}-class head, ${how}.` });
    }
    const macs = countMacs(inference);
    const plan = planReplicas({ ...config, batchSize }, backend.name, macs);
    const startGroup = async (resumeDir: string | null, restoreOptimizer: boolean): Promise<ReplicaGroup | null> => {
      try {
        return await ReplicaGroup.start({ world: plan.replicas, backend: backend.name, config, build, model, optimizer, resumeDir, weights: job.weights, frozen, restoreOptimizer, pretrainedLayers });
      } catch (e) {
        emit({ kind: 'log', runId, level: 'warn', message: `Training on one thread: the other training threads did not start (${(e as Error).message}).` });
        return null;
      }
    };
    if (plan.replicas > 1) group = await startGroup(job.resume?.dir ?? null, job.resume ? backboneFrozen(config, job.resume.epoch) === frozen : false);
    const world = group?.world ?? 1;
    const onGpu = backend.name === 'webgpu' || backend.name === 'tensorflow-gpu';
    emit({ kind: 'log', runId, level: 'info', message: onGpu ? `Training on the GPU: ${plan.reason}.` : `Training on ${world} thread${world === 1 ? '' : 's'} (${plan.reason}).` });
    emit({
      kind: 'started',
      runId,
      backend: withThreads(backend, world, batchSize),
      trainableParams: learnableParams,
      totalParams: inference.countParams(),
      macs,
      stepsPerEpoch,
      epochs: config.epochs,
      startEpoch: state.epoch + 1,
    });

    const history: EpochEvidence[] = [];
    // The time-left estimate's pace: steps and time since this process started, or since the
    // backbone was unfrozen (a frozen backbone trains several times faster).
    let paceStart = Date.now();
    let paceSteps = 0;
    let currentLr = -1;
    for (let epoch = state.epoch + 1; epoch <= config.epochs; epoch++) {
      if (backboneFrozen(config, epoch) !== frozen) {
        // --unfreeze-after: from this epoch the whole network trains, with a fresh optimizer
        // (its slots follow the trainable variables) and, on several threads, fresh replicas.
        frozen = !frozen;
        setBackboneFrozen(model, pretrainedLayers, frozen);
        optimizer.dispose();
        optimizer = makeOptimizer(config);
        currentLr = -1;
        scaled = frozen ? new Set<string>() : backboneVariables(model, pretrainedLayers);
        decayed = decayedWeights(model);
        [decayedHead, decayedBackbone] = [decayedOf(false), decayedOf(true)];
        paceStart = Date.now();
        paceSteps = 0;
        emit({ kind: 'log', runId, level: 'info', message: `Epoch ${epoch}: the pretrained layers ${frozen ? 'are frozen' : `train from now on, at ${config.backboneLrScale} × the learning rate`}.` });
        if (group) {
          await group.close();
          group = await startGroup(null, false);
        }
      }
      const rng = new Random(config.seed * 7919 + epoch);
      const order = rng.shuffle(Array.from({ length: nTrain }, (_, i) => i));
      const epochStart = Date.now();
      // Seconds by phase (EpochPhases); exact on wasm and cpu, where kernels run synchronously.
      const phase = { read: 0, prepare: 0, step: 0, statistics: 0, validate: 0 };
      let lossSum = 0;
      let rightSum = 0;
      let seen = 0;
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (hooks.cancelled()) {
          emit({ kind: 'status', runId, status: 'cancelled', error: null });
          return;
        }
        const lr = learningRateAt(config, epoch - 1 + b / stepsPerEpoch);
        if (lr !== currentLr) setLearningRate(optimizer, (currentLr = lr));
        const pick = order.slice(b * batchSize, (b + 1) * batchSize);
        const n = pick.length;
        const readStart = performance.now();
        const bytes = new Uint8Array(n * recordBytes);
        reader.read(
          pick.map((i) => job.train.records[i]),
          bytes,
        );
        const labels = pick.map((i) => job.train.labels[i]);
        const stepStart = performance.now();
        phase.read += (stepStart - readStart) / 1000;
        const xn = tf.tidy(() => {
          let x = toFloat(bytes, n, size, channels);
          if (config.augment.length) x = augmentBatch(x, config.augment, rng);
          return normalize(x) as tf.Tensor4D;
        });
        const prepared = performance.now();
        phase.prepare += (prepared - stepStart) / 1000;
        let total: number;
        let loss: number;
        let right: number;
        if (group) {
          try {
            ({ total, mainLoss: loss, correct: right } = group.step(xn, labels, k, lr));
          } finally {
            xn.dispose();
          }
        } else {
          const out: StepOutputs = { mainLoss: null, correct: null };
          let totalT: tf.Scalar;
          try {
            totalT = tf.tidy(() => {
              const y = tf.oneHot(tf.tensor1d(labels, 'int32'), k);
              const loss = (): tf.Scalar => trainingLoss(model, config, decayed, xn, y, 1, out);
              if (!scaled.size) return optimizer.minimize(loss, true) as tf.Scalar;
              const { value, grads } = tf.variableGrads(loss);
              applyScaledGradients(optimizer, grads, scaled, config.backboneLrScale);
              return value;
            });
          } finally {
            xn.dispose();
          }
          applyDecoupledDecay(config, decayedHead, lr);
          applyDecoupledDecay(config, decayedBackbone, lr * config.backboneLrScale);
          // Read all before disposing any: without aux heads or L2 the total is the main loss.
          // Asynchronously: webgpu in Node has no synchronous read.
          const kept = [totalT, out.mainLoss as tf.Tensor | null, out.correct as tf.Tensor | null];
          const values = await Promise.all(kept.map((t) => t?.data())).finally(() => tf.dispose(kept.filter((t): t is tf.Tensor => t !== null)));
          total = (values[0] as Float32Array)[0];
          loss = values[1] ? (values[1] as Float32Array)[0] : total;
          right = values[2] ? (values[2] as Float32Array)[0] : 0;
        }
        const stepSeconds = (performance.now() - stepStart) / 1000;
        phase.step += (performance.now() - prepared) / 1000;
        lossSum += (Number.isFinite(total) ? loss : total) * n;
        rightSum += right;
        seen += n;
        state = { ...state, step: state.step + 1 };
        paceSteps++;
        const elapsed = (Date.now() - paceStart) / 1000;
        const stepsLeft = (config.epochs - epoch) * stepsPerEpoch + (stepsPerEpoch - b - 1);
        emit({
          kind: 'batch',
          runId,
          epoch,
          batch: b + 1,
          step: state.step,
          loss: Number.isFinite(loss) ? loss : NaN,
          accuracy: right / n,
          learningRate: lr,
          imagesPerSecond: n / Math.max(stepSeconds, 1e-6),
          etaSeconds: (elapsed / paceSteps) * stepsLeft,
        });
        if (!Number.isFinite(total)) break;
        // Let the process see a cancel message between steps.
        await new Promise<void>((r) => setImmediate(r));
      }
      const trainSeconds = (Date.now() - epochStart) / 1000;
      const trainLoss = seen ? lossSum / seen : NaN;
      let valLoss: number | null = null;
      let valAccuracy: number | null = null;
      let predictedCounts = new Array<number>(k).fill(0);
      // Every replica's batch-norm statistics count, for validation and for the checkpoint.
      const statisticsStart = performance.now();
      if (Number.isFinite(trainLoss)) group?.averageStatistics();
      const validateStart = performance.now();
      phase.statistics = (validateStart - statisticsStart) / 1000;
      if (Number.isFinite(trainLoss) && job.val.records.length) {
        const v = await evaluateSplit(inference, reader, job.val.records, job.val.labels, job, false, group);
        valLoss = v.loss;
        valAccuracy = v.accuracy;
        predictedCounts = predictedCounts.map((_, c) => v.predicted.filter((p) => p === c).length);
      }
      phase.validate = (performance.now() - validateStart) / 1000;
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: Number.isFinite(trainLoss) ? trainLoss : NaN,
        trainAccuracy: seen ? rightSum / seen : 0,
        valLoss,
        valAccuracy,
        learningRate: currentLr,
        seconds: (Date.now() - epochStart) / 1000,
        imagesPerSecond: seen / Math.max(trainSeconds, 1e-6),
        phases: phase,
      };
      const value = monitorValue(metrics, config);
      const best = value !== null && (state.bestValue === null || value > state.bestValue);
      state = {
        ...state,
        epoch,
        bestEpoch: best ? epoch : state.bestEpoch,
        bestValue: best ? value : state.bestValue,
        epochsWithoutImprovement: best ? 0 : state.epochsWithoutImprovement + 1,
      };
      emit({ kind: 'epoch-end', runId, metrics, best });
      history.push({ metrics, predictedCounts });
      const found = diagnose(history, job.classes, config);
      for (const d of found) emit({ kind: 'diagnostic', runId, diagnostic: d });
      if (found.some((d) => d.kind === 'nan-loss')) {
        emit({ kind: 'status', runId, status: 'failed', error: found.find((d) => d.kind === 'nan-loss')!.message });
        return;
      }
      await saveCheckpoint(model, optimizer, state, lastDir);
      emit({ kind: 'checkpoint', runId, epoch, which: 'last', dir: lastDir });
      if (best) {
        await saveCheckpoint(model, optimizer, state, bestDir);
        emit({ kind: 'checkpoint', runId, epoch, which: 'best', dir: bestDir });
      }
      if (config.earlyStopping > 0 && state.epochsWithoutImprovement >= config.earlyStopping) {
        emit({
          kind: 'log',
          runId,
          level: 'info',
          message: `Early stopping after epoch ${epoch}: ${config.monitor} has not improved for ${config.earlyStopping} epochs.`,
        });
        break;
      }
    }

    // Test evaluation with the best epoch's weights (the last epoch's when there is no validation split).
    let evalEpoch = state.epoch;
    if (state.bestEpoch !== null && state.bestEpoch !== state.epoch) {
      loadWeightsIntoSync(model, bestDir);
      group?.loadWeights(bestDir);
      evalEpoch = state.bestEpoch;
    }
    if (job.test.records.length) {
      const t = await evaluateSplit(inference, reader, job.test.records, job.test.labels, job, true, group);
      const confusion = confusionMatrix(job.test.labels, t.predicted, k);
      const evaluation: Evaluation = {
        split: 'test',
        epoch: evalEpoch,
        accuracy: accuracyOf(confusion),
        loss: t.loss,
        classes: job.classes,
        confusion,
        perClass: perClassMetrics(confusion, job.classes),
      };
      emit({
        kind: 'evaluation',
        runId,
        evaluation,
        predictions: t.probabilities.map((p, i) => ({ imageId: job.test.imageIds[i], trueIndex: job.test.labels[i], probabilities: Array.from(p) })),
      });
    }
    emit({ kind: 'status', runId, status: 'completed', error: null });
  } finally {
    await group?.close();
    reader.close();
    optimizer.dispose();
    model.dispose();
  }
}
