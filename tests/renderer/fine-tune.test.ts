/**
 * The new-run form's fine-tuning checks (renderer/src/lib/validate.ts): the ranges of
 * shared/limits.ts, a weights file named, and the core's own `pretrainedProblems` by field,
 * each message naming its field.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { pretrainedSetting, validateFineTune, type FineTuneDraft } from '../../renderer/src/lib/validate';

const scratch: FineTuneDraft = { startFrom: 'none', weightsFile: '', freeze: 'none', unfreezeAfter: 0, backboneLrScale: DEFAULT_CONFIG.backboneLrScale };
const net = { arch: 'resnet18', width: 1, channels: 3 as const, activation: 'relu' as const, batchNorm: true, order: 'post' as const, epochs: 5 };

describe('validateFineTune', () => {
  it('accepts a run from scratch and a fine-tune that fits its weights', () => {
    expect(validateFineTune(scratch, { ...net, activation: 'tanh', width: 0.5 })).toEqual({});
    expect(validateFineTune({ ...scratch, startFrom: 'imagenet', freeze: 'backbone', unfreezeAfter: 2, backboneLrScale: 0.05 }, net)).toEqual({});
    expect(validateFineTune({ ...scratch, startFrom: 'file', weightsFile: '/w/resnet18.pth' }, net)).toEqual({});
  });

  it('names each setting the weights fix, and an architecture without weights with the reason', () => {
    const e = validateFineTune({ ...scratch, startFrom: 'imagenet' }, { ...net, width: 0.5, channels: 1, activation: 'elu', batchNorm: false, order: 'pre' });
    expect(e.width).toMatch(/^Width multiplier must be 1 with pretrained weights \(got 0\.5\): the pretrained torchvision ResNet-18 V1 weights fix it/);
    expect(e.channels).toMatch(/^Channels must be 3 \(RGB\)/);
    expect(e.activation).toMatch(/^Activation must be relu/);
    expect(e.batchNorm).toMatch(/^Batch normalisation must be on for resnet18/);
    expect(e.order).toMatch(/^Layer order must be post/);
    expect(validateFineTune({ ...scratch, startFrom: 'imagenet' }, { ...net, arch: 'googlenet' }).pretrained).toMatch(/^googlenet has no ImageNet weights: its "5×5" branches .*googlenet_tv/);
  });

  it('checks the fine-tuning numbers against the shared limits and the epochs', () => {
    expect(validateFineTune({ ...scratch, startFrom: 'imagenet', freeze: 'backbone', unfreezeAfter: null }, net).unfreezeAfter).toBe('Unfreeze after is required');
    expect(validateFineTune({ ...scratch, startFrom: 'imagenet', backboneLrScale: 0 }, net).backboneLrScale).toBe('Backbone learning-rate factor must be greater than 0');
    expect(validateFineTune({ ...scratch, startFrom: 'imagenet', backboneLrScale: 2 }, net).backboneLrScale).toBe('Backbone learning-rate factor must be at most 1');
    expect(validateFineTune({ ...scratch, startFrom: 'imagenet', freeze: 'backbone', unfreezeAfter: 5 }, net).unfreezeAfter).toMatch(/^Unfreeze after must be less than the 5 epochs/);
    expect(validateFineTune({ ...scratch, startFrom: 'imagenet', unfreezeAfter: 1 }, net).unfreezeAfter).toMatch(/needs freeze backbone/);
  });

  it('wants a weights file named, and passes its path on trimmed', () => {
    expect(validateFineTune({ ...scratch, startFrom: 'file', weightsFile: '  ' }, net).weightsFile).toMatch(/^Name the weights file/);
    expect(pretrainedSetting({ startFrom: 'file', weightsFile: ' /w/a.pth ' })).toBe('/w/a.pth');
    expect(pretrainedSetting({ startFrom: 'imagenet', weightsFile: '/ignored' })).toBe('imagenet');
    expect(pretrainedSetting({ startFrom: 'none', weightsFile: '' })).toBe('none');
  });
});
