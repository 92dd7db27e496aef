/**
 * The pretrained-weights catalog's pure parts: what a configuration may not combine with
 * weights, how a run's start is worded, SHA-256 prefixes from file names, study labels, and
 * the validators of the new settings.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { readStoredConfig, trainConfigSchema } from '../../shared/contract/config';
import { studyAxisSchema } from '../../shared/contract/study-schemas';
import { describeRunStart, describeStart, noPretrainedReason, pretrainedFor, pretrainedProblems, sha256PrefixOf } from '../../shared/pretrained';
import { axisValueLabel } from '../../main/studies/plan';

const c = (extra: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULT_CONFIG, arch: 'resnet18', width: 1, ...extra });

describe('pretrainedProblems', () => {
  it('accepts torchvision layouts with their own settings', () => {
    expect(pretrainedProblems(c({ pretrained: 'imagenet' }))).toEqual([]);
    expect(pretrainedProblems(c({ arch: 'vgg16', batchNorm: false, pretrained: 'imagenet', freeze: 'backbone', unfreezeAfter: 3, epochs: 10 }))).toEqual([]);
    expect(pretrainedProblems(c({ pretrained: 'none' }))).toEqual([]);
  });

  it('names every field the weights fix', () => {
    const problems = pretrainedProblems(c({ pretrained: 'imagenet', width: 0.5, channels: 1, activation: 'elu', batchNorm: false, order: 'pre' }));
    expect(problems.map((p) => p.field)).toEqual(['width', 'channels', 'activation', 'batchNorm', 'order']);
    expect(problems[0].message).toBe('must be 1 with pretrained weights (got 0.5): the pretrained torchvision ResNet-18 V1 weights fix it');
  });

  it('refuses fine-tuning settings on a run from scratch, and an unfreeze that never comes', () => {
    expect(pretrainedProblems(c({ freeze: 'backbone', unfreezeAfter: 2, backboneLrScale: 0.5 })).map((p) => p.field)).toEqual(['freeze', 'unfreezeAfter', 'backboneLrScale']);
    expect(pretrainedProblems(c({ pretrained: 'imagenet', unfreezeAfter: 2 }))[0]).toMatchObject({ field: 'unfreezeAfter', message: expect.stringMatching(/^needs freeze backbone/) });
    expect(pretrainedProblems(c({ pretrained: 'imagenet', freeze: 'backbone', unfreezeAfter: 10, epochs: 10 }))[0].message).toMatch(/must be less than the 10 epochs/);
  });

  it('says why an architecture has no weights, and where to look instead', () => {
    expect(pretrainedProblems(c({ arch: 'squeezenet1_0', batchNorm: false, pretrained: 'imagenet' }))).toEqual([{ field: 'pretrained', message: expect.stringMatching(/^squeezenet1_0 has no ImageNet weights: .*use squeezenet1_0_tv/) }]);
    expect(noPretrainedReason('plain34')).toMatch(/no plain/);
    expect(noPretrainedReason('resnet50')).toBeNull();
    expect(pretrainedFor('inception_v3')).toMatchObject({ input: 'inception', sha256Prefix: '0cc3c7bd' });
  });
});

describe('how a run names its start', () => {
  const sha = 'ab'.repeat(32);
  it('words imagenet, a file and scratch', () => {
    expect(describeStart(null)).toBe('from scratch');
    expect(describeStart({ source: 'imagenet', title: 'torchvision ResNet-18 V1', file: '/x/resnet18-f37072fd.pth', sha256: sha })).toBe('from ImageNet (torchvision ResNet-18 V1)');
    expect(describeStart({ source: 'file', title: 'mine.pth', file: '/x/mine.pth', sha256: sha })).toBe('from mine.pth (sha256 abababab…)');
    expect(describeRunStart({ weights: null, config: { pretrained: 'imagenet' } })).toBe('from ImageNet');
    expect(describeRunStart({ weights: null, config: { pretrained: '/data/w/mine.pth' } })).toBe('from mine.pth');
  });

  it('labels study cells by start', () => {
    expect(['none', 'imagenet', '/data/w/mine.pth'].map((v) => axisValueLabel('pretrained', v))).toEqual(['scratch', 'ImageNet', 'mine.pth']);
  });
});

describe('validators', () => {
  it('reads configs stored before fine-tuning existed as runs from scratch', () => {
    const old = { ...DEFAULT_CONFIG } as Partial<TrainConfig>;
    for (const k of ['pretrained', 'freeze', 'unfreezeAfter', 'backboneLrScale'] as const) delete old[k];
    expect(readStoredConfig(JSON.stringify(old))).toMatchObject({ pretrained: 'none', freeze: 'none', unfreezeAfter: 0, backboneLrScale: 0.1 });
    expect(trainConfigSchema.parse(old)).toMatchObject({ pretrained: 'none', freeze: 'none' });
    expect(trainConfigSchema.safeParse({ ...DEFAULT_CONFIG, backboneLrScale: 0 }).success).toBe(false);
    expect(trainConfigSchema.safeParse({ ...DEFAULT_CONFIG, freeze: 'all' }).success).toBe(false);
  });

  it('lets a study vary the start', () => {
    expect(studyAxisSchema.parse({ key: 'pretrained', values: ['none', 'imagenet'] })).toEqual({ key: 'pretrained', values: ['none', 'imagenet'] });
    expect(studyAxisSchema.safeParse({ key: 'freeze', values: ['none', 'everything'] }).success).toBe(false);
  });

  it('reads torch.hub SHA-256 prefixes from file names', () => {
    expect(sha256PrefixOf('resnet18-f37072fd.pth')).toBe('f37072fd');
    expect(sha256PrefixOf('alexnet-owt-7be5be79.pth')).toBe('7be5be79');
    expect(sha256PrefixOf('mine.pth')).toBeUndefined();
  });
});
