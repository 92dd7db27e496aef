import { describe, expect, it } from 'vitest';
import { configFromFlags, flagOf } from '../../main/cli/train-options';
import { trainConfigSchema } from '../../shared/contract/config';
import { DEFAULT_CONFIG } from '../../shared/config';

describe('train flags', () => {
  it('maps kebab-case flags to the config', () => {
    const c = configFromFlags({ arch: 'vgg11', epochs: '3', 'batch-size': '16', lr: '0.05', optimizer: 'nesterov', schedule: 'step:0.1,0.01@1:1', augment: 'flip,pad-crop,resized-crop', 'batch-norm': 'off' });
    expect(c).toMatchObject({ arch: 'vgg11', epochs: 3, batchSize: 16, lr: 0.05, optimizer: 'nesterov', augment: ['flip', 'pad-crop', 'resized-crop'], batchNorm: false });
    expect(() => configFromFlags({ augment: 'flip,crop' })).toThrow('--augment: "crop" is two augmentations now — resized-crop (random-resized crop: a random 50–100% of the area (aspect 3:4 to 4:3) resized back to the input size; what "crop" meant before) or pad-crop (pad-and-crop: pad 4 black pixels on each side, then take a random crop of the input size (the CIFAR-10 ResNet recipe)). Name the one you mean.');
    expect(c.schedule).toEqual({ kind: 'step', rates: [0.1, 0.01], ratios: [1, 1] });
    expect(c.seed).toBe(DEFAULT_CONFIG.seed);
  });

  it('refuses bad values naming the flag', () => {
    expect(() => configFromFlags({ epochs: 'ten' })).toThrow(/--epochs: "ten" is not a number/);
    expect(() => configFromFlags({ 'batch-size': '2.5' })).toThrow(/--batch-size: "2.5" must be a whole number/);
    expect(() => configFromFlags({ activation: 'gelu' })).toThrow(/--activation: "gelu" is not one of relu/);
    expect(() => configFromFlags({ augment: 'flip,mixup' })).toThrow(/--augment: "mixup"/);
    expect(() => configFromFlags({ schedule: 'step:0.1@1:1' })).toThrow(/--schedule/);
  });

  it('takes the layer order, post by default', () => {
    expect(DEFAULT_CONFIG.order).toBe('post');
    expect(configFromFlags({}).order).toBe('post');
    expect(configFromFlags({ order: 'pre' }).order).toBe('pre');
    expect(() => configFromFlags({ order: 'preact' })).toThrow(/--order: "preact" is not one of post, pre/);
    expect(flagOf('order')).toBe('--order');
  });

  it('names fields as flags', () => {
    expect(flagOf('batchSize')).toBe('--batch-size');
    expect(flagOf('warmupEpochs')).toBe('--warmup');
  });
});

describe('the layer order in stored and received configs', () => {
  it('reads a config stored before the setting existed as post', () => {
    const { order: _, ...old } = DEFAULT_CONFIG;
    expect(trainConfigSchema.parse(old).order).toBe('post');
    expect(trainConfigSchema.parse({ ...DEFAULT_CONFIG, order: 'pre' }).order).toBe('pre');
  });

  it('refuses an unknown order', () => {
    const r = trainConfigSchema.safeParse({ ...DEFAULT_CONFIG, order: 'sandwich' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['order']);
  });
});
