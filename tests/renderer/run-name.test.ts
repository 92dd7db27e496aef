/**
 * The new-run form's name when another architecture is picked (issue 14 item 13).
 */
import { describe, expect, it } from 'vitest';
import { nameForArch } from '../../renderer/src/features/new-run/run-name';

const RESNET18 = { id: 'resnet18', title: 'ResNet-18' };

describe('the run name across architectures', () => {
  it('puts the new architecture where the name mentioned the old one', () => {
    expect(nameForArch('resnet18 64px w0.25', RESNET18, 'googlenet', false)).toBe('googlenet 64px w0.25');
    expect(nameForArch('my ResNet-18 try', RESNET18, 'vgg16', false)).toBe('my vgg16 try');
    expect(nameForArch('ResNet18-cosine', RESNET18, 'lenet5', false)).toBe('lenet5-cosine');
  });

  it('does not touch a longer id that only starts like the old one', () => {
    expect(nameForArch('resnet18b test', RESNET18, 'googlenet', false)).toBe('resnet18b test');
  });

  it('drops a name copied from a past run, keeps one that names no architecture, and an empty one', () => {
    expect(nameForArch('resnet18-4 (again)', RESNET18, 'googlenet', true)).toBe('');
    expect(nameForArch('baseline', RESNET18, 'googlenet', false)).toBe('baseline');
    expect(nameForArch('', RESNET18, 'googlenet', false)).toBe('');
    expect(nameForArch('resnet18 x', RESNET18, 'resnet18', true)).toBe('resnet18 x');
  });
});
