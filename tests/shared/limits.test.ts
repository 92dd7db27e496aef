/**
 * The ranges of the config's numbers: the validator at the process boundary, the forms' inline
 * checks and the CLI's help all read `CONFIG_LIMITS`, so they accept and refuse the same values.
 */
import { describe, expect, it } from 'vitest';
import { TRAIN_FLAGS } from '../../main/cli/train-options';
import { validateDraft, type RunDraft } from '../../renderer/src/lib/validate';
import { DEFAULT_CONFIG, formatSchedule } from '../../shared/config';
import { trainConfigSchema } from '../../shared/contract/config';
import { CONFIG_LIMITS, limitProblem, limitText, type NumberSetting } from '../../shared/limits';

/** The form's fields for the default config, with `key` set to `v`. */
function draft(key: NumberSetting, v: number): RunDraft {
  const c = DEFAULT_CONFIG;
  const d: RunDraft = {
    epochs: c.epochs,
    batchSize: c.batchSize,
    inputSize: c.inputSize,
    width: c.width,
    dropout: c.dropout,
    lr: c.lr,
    momentum: c.momentum,
    weightDecay: c.weightDecay,
    warmupEpochs: c.warmupEpochs,
    labelSmoothing: c.labelSmoothing,
    earlyStopping: c.earlyStopping,
    seed: c.seed,
    schedule: formatSchedule(c.schedule),
  };
  if (key === 'warmupEpochs') d.epochs = CONFIG_LIMITS.epochs.max!;
  if (key in d) (d as unknown as Record<string, number>)[key] = v;
  return d;
}

/** Values at and just past both ends of a range, each with whether it is inside. */
function probes(key: NumberSetting): [number, boolean][] {
  const l = CONFIG_LIMITS[key];
  const step = l.integer ? 1 : 1e-6;
  const out: [number, boolean][] = [
    [l.min, !l.minExclusive],
    [l.min - step, false],
    [l.min + step, true],
  ];
  if (l.max !== undefined) out.push([l.max, !l.maxExclusive], [l.max + step, false], [l.max - step, true]);
  if (l.integer) out.push([l.min + 0.5, false]);
  return out;
}

const KEYS = Object.keys(CONFIG_LIMITS) as NumberSetting[];
// Threads and the fine-tuning settings have no inputs in the new-run form (yet).
const FORM_KEYS = KEYS.filter((k) => !['threads', 'unfreezeAfter', 'backboneLrScale'].includes(k));

describe('config limits', () => {
  it.each(KEYS)('the boundary validator accepts %s exactly inside its range', (key) => {
    for (const [v, inside] of probes(key)) {
      const r = trainConfigSchema.safeParse({ ...DEFAULT_CONFIG, [key]: v });
      expect(r.success, `${key} = ${v}`).toBe(inside);
      expect(limitProblem(v, CONFIG_LIMITS[key]) === null, `${key} = ${v}`).toBe(inside);
    }
  });

  it.each(FORM_KEYS)('the form refuses %s outside its range, and nothing else', (key) => {
    for (const [v, inside] of probes(key)) {
      const { errors } = validateDraft(draft(key, v), { model: null, trainImages: null, hasDataset: true });
      // Warm-up also has to end before the last epoch: a rule between two fields, not a range.
      const rangeError = /must be (at least|at most|greater than|less than|a whole number)/.test(errors[key as keyof typeof errors] ?? '');
      expect(rangeError, `${key} = ${v}: ${errors[key as keyof typeof errors]}`).toBe(!inside);
    }
  });

  it('momentum stays below 1, warm-up and patience are bounded', () => {
    expect(trainConfigSchema.safeParse({ ...DEFAULT_CONFIG, momentum: 0.99995 }).success).toBe(true);
    expect(trainConfigSchema.safeParse({ ...DEFAULT_CONFIG, momentum: 1 }).success).toBe(false);
    expect(trainConfigSchema.safeParse({ ...DEFAULT_CONFIG, epochs: 10_000, warmupEpochs: 10_001 }).success).toBe(false);
    expect(trainConfigSchema.safeParse({ ...DEFAULT_CONFIG, earlyStopping: 10_001 }).success).toBe(false);
  });

  it('says the range in the CLI help', () => {
    expect(limitText(CONFIG_LIMITS.epochs)).toBe('1–10000');
    expect(limitText(CONFIG_LIMITS.lr)).toBe('> 0, ≤ 10');
    expect(limitText(CONFIG_LIMITS.momentum)).toBe('≥ 0, < 1');
    expect(TRAIN_FLAGS.momentum.help).toContain('< 1');
    expect(TRAIN_FLAGS['batch-size'].help).toContain('1–4096');
  });
});

describe('rules between settings', () => {
  it('the core and the form agree that a warm-up must end before the last epoch', async () => {
    const { validateConfig } = await import('../../main/queue/validate-config');
    const problems = (warmupEpochs: number, epochs: number) => ({
      core: validateConfig({ ...DEFAULT_CONFIG, epochs, warmupEpochs }, { trainCount: 100, models: null }).some((p) => p.field === 'warmupEpochs'),
      form: validateDraft({ ...draft('epochs', epochs), warmupEpochs }, { model: null, trainImages: null, hasDataset: true }).errors.warmupEpochs !== undefined,
    });
    expect(problems(5, 5)).toEqual({ core: true, form: true });
    expect(problems(4, 5)).toEqual({ core: false, form: false });
    expect(problems(0, 1)).toEqual({ core: false, form: false });
  });
});
