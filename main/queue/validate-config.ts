/**
 * Checks a training configuration before a run is created, so that a bad value is refused
 * with its reason instead of failing minutes into training.
 */
import fs from 'node:fs';
import type { TrainConfig } from '../../shared/config';
import { PRETRAINED_CHOICES, pretrainedProblems } from '../../shared/pretrained';
import type { ModelInfo } from '../../shared/types';
import { trainConfigSchema } from '../../shared/contract/config';
import { UserError } from '../../shared/contract/errors';

export interface ConfigProblem {
  /** The config field, e.g. `batchSize`. */
  readonly field: keyof TrainConfig | 'dataset';
  readonly message: string;
}

/** What a configuration is checked against: the dataset's size and the zoo's cards. */
export interface ConfigContext {
  readonly trainCount: number;
  /**
   * The model zoo (`Workstation.listModels()`), for the architecture and its minimum input;
   * null where the architecture was checked before (a stored study's next cell).
   */
  readonly models: readonly ModelInfo[] | null;
}

/** Every problem with `config` for a dataset with `trainCount` training images. */
export function validateConfig(config: TrainConfig, ctx: ConfigContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const parsed = trainConfigSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'arch') as keyof TrainConfig;
      problems.push({ field, message: describeField(field, issue.message, (config as unknown as Record<string, unknown>)[field]) });
    }
  }
  const model = ctx.models?.find((m) => m.id === config.arch);
  if (ctx.models && !model) problems.push({ field: 'arch', message: `unknown model "${config.arch}"; valid ids are: ${ctx.models.map((m) => m.id).join(', ')}` });
  const minInput = model?.minInputSize ?? 1;
  if (Number.isFinite(config.inputSize) && config.inputSize < minInput) {
    problems.push({
      field: 'inputSize',
      message: `${config.arch} needs an input of at least ${minInput}×${minInput} pixels (got ${config.inputSize}): its feature maps would shrink below 1×1.`,
    });
  }
  if (ctx.trainCount > 0 && config.batchSize > ctx.trainCount) {
    problems.push({
      field: 'batchSize',
      message: `batch size ${config.batchSize} is larger than the ${ctx.trainCount} training images; use at most ${ctx.trainCount}.`,
    });
  }
  if (ctx.trainCount < 2) problems.push({ field: 'dataset', message: `the dataset has ${ctx.trainCount} training images; at least 2 are needed.` });
  if (config.schedule.kind === 'step' && config.schedule.rates.length !== config.schedule.ratios.length) {
    problems.push({ field: 'schedule', message: 'a step schedule needs as many ratios as rates.' });
  }
  // As the form says: a warm-up must end before the last epoch, or the run never trains at its rate.
  if (config.warmupEpochs > 0 && config.warmupEpochs >= config.epochs) {
    problems.push({ field: 'warmupEpochs', message: `warm-up of ${config.warmupEpochs} epochs must end before the last epoch (the run has ${config.epochs}).` });
  }
  if (parsed.success) problems.push(...pretrainedProblems(config));
  if (typeof config.pretrained === 'string' && !(PRETRAINED_CHOICES as readonly string[]).includes(config.pretrained) && !fs.existsSync(config.pretrained)) {
    problems.push({ field: 'pretrained', message: `the weights file ${config.pretrained} does not exist (use none, imagenet, or the path of a torchvision state dict).` });
  }
  return problems;
}

function describeField(_field: string, message: string, value: unknown): string {
  const m = message
    .replace(/^(Invalid input|Too small|Too big): /, '')
    .replace(/expected (?:number|string|array|int) to (?:be|have) ([<>]=?)\s*(\S+)/, (_all, op: string, n: string) => `must be ${op.replace('<=', '≤').replace('>=', '≥')} ${n}`);
  return `${m} (got ${JSON.stringify(value)})`;
}

/** Throws one error listing every problem, or returns quietly. */
export function assertValidConfig(config: TrainConfig, ctx: ConfigContext, flagOf: (field: string) => string = (f) => f): void {
  const problems = validateConfig(config, ctx);
  if (problems.length) {
    throw new ConfigError(problems, problems.map((p) => `${flagOf(p.field)}: ${p.message}`).join('\n'));
  }
}

/** A configuration refused before training; `problems` names each field. */
export class ConfigError extends UserError {
  constructor(
    readonly problems: readonly ConfigProblem[],
    message: string,
  ) {
    super('invalid', message);
    this.name = 'ConfigError';
  }
}

