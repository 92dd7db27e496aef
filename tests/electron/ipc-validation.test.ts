/**
 * The Electron IPC validators, without Electron: malformed messages, untrusted senders and
 * image URLs that try to carry a path are all refused.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/contract/api-schemas';
import { isTrustedSender, parseImageUrl, validateInvoke } from '../../main/electron/validation';
import { DEFAULT_CONFIG } from '../../shared/config';

function refusal(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected the message to be refused');
}

describe('validateInvoke', () => {
  it('passes well-formed messages through, typed', () => {
    expect(validateInvoke('api:listRuns', [])).toEqual([]);
    expect(validateInvoke('api:getRun', [3])).toEqual([3]);
    expect(validateInvoke('api:importDataset', ['/data/flowers'])).toEqual(['/data/flowers']);
    expect(validateInvoke('api:startRun', [1, DEFAULT_CONFIG, { queue: true }])).toEqual([1, DEFAULT_CONFIG, { queue: true }]);
    const bytes = new Uint8Array([1, 2, 3]);
    expect(validateInvoke('api:classifyImage', [2, bytes])[1]).toBe(bytes);
    expect(validateInvoke('desktop:pick-folder', [])).toEqual([]);
    expect(validateInvoke('desktop:pick-weights', [])).toEqual([]);
    expect(validateInvoke('api:downloadWeights', ['resnet18'])).toEqual(['resnet18']);
  });

  it('passes a notification of a title and a line, and refuses anything else', () => {
    expect(validateInvoke('desktop:notify', ['Run 3 finished', 'lenet A · test accuracy 81.0%'])).toEqual(['Run 3 finished', 'lenet A · test accuracy 81.0%']);
    expect(refusal(() => validateInvoke('desktop:notify', ['', 'x'])).message).toMatch(/args\[0\]/);
    expect(refusal(() => validateInvoke('desktop:notify', ['t', 3])).message).toMatch(/args\[1\]/);
    refusal(() => validateInvoke('desktop:notify', ['t']));
    refusal(() => validateInvoke('desktop:notify', ['t'.repeat(201), 'x']));
    refusal(() => validateInvoke('desktop:notify', ['t', 'x'.repeat(1001)]));
  });

  it('drops trailing undefined optional arguments', () => {
    expect(validateInvoke('api:listImages', [1, undefined])).toEqual([1]);
    expect(validateInvoke('api:startRun', [1, DEFAULT_CONFIG, undefined])).toEqual([1, DEFAULT_CONFIG]);
  });

  it("keeps explainImage's null class (the predicted one) though a trailing null is dropped", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(validateInvoke('api:explainImage', [2, bytes, null])).toEqual([2, bytes, null]);
    expect(validateInvoke('api:explainImage', [2, bytes, 'tulips'])).toEqual([2, bytes, 'tulips']);
    expect(refusal(() => validateInvoke('api:explainImage', [2, bytes, ''])).message).toContain('args[2]');
  });

  it('refuses arguments that are not an array', () => {
    expect(refusal(() => validateInvoke('api:getRun', { 0: 1 })).message).toMatch(/array/);
    refusal(() => validateInvoke('api:getRun', null));
  });

  it.each([
    ['api:getRun', ['1'], 'args[0]'],
    ['api:getRun', [-1], 'args[0]'],
    ['api:getRun', [1.5], 'args[0]'],
    ['api:getRun', [], 'args[0]'],
    ['api:deleteRun', [1, 2], 'args[1]'],
    ['api:importDataset', [''], 'args[0]'],
    ['api:importDataset', ['/a\0b'], 'args[0]'],
    ['api:importDataset', [42], 'args[0]'],
    ['api:listImages', [1, { split: 'holdout' }], 'args[1].split'],
    ['api:listImages', [1, { limit: 0 }], 'args[1].limit'],
    ['api:listImages', [1, { path: '/etc' }], 'path'],
    ['api:startRun', [1, { ...DEFAULT_CONFIG, lr: -0.1 }], 'args[1].lr'],
    ['api:startRun', [1, { ...DEFAULT_CONFIG, epochs: 0 }], 'args[1].epochs'],
    ['api:startRun', [1, { ...DEFAULT_CONFIG, optimizer: 'adagrad' }], 'args[1].optimizer'],
    ['api:startRun', [1, { ...DEFAULT_CONFIG, schedule: { kind: 'step', rates: [0.1], ratios: [-1] } }], 'args[1].schedule'],
    ['api:startRun', [1, { ...DEFAULT_CONFIG, extra: true }], 'extra'],
    ['api:startRun', [1, { arch: 'lenet5' }], 'args[1].epochs'],
    ['api:updateRun', [1, { tags: 'one,two' }], 'args[1].tags'],
    ['api:updateRun', [1, { deleted: true }], 'deleted'],
    ['api:runSeries', [1, 'batch_loss'], 'args[1]'],
    ['api:classifyImage', [1, 'not bytes'], 'args[1]'],
    ['desktop:pick-folder', ['/tmp'], 'args'],
    ['desktop:pick-weights', ['/etc/passwd'], 'args'],
    ['api:downloadWeights', ['../etc/passwd'], 'args[0]'],
    ['api:downloadWeights', [], 'args[0]'],
  ] as const)('refuses %s %j naming %s', (channel, args, field) => {
    const e = refusal(() => validateInvoke(channel as never, args));
    expect(e.message).toContain(field);
    expect(e.verb).toBeTruthy();
  });

  it('refuses unknown channels and the event subscription', () => {
    expect(refusal(() => validateInvoke('api:dropTables' as never, [])).message).toMatch(/not an API verb/);
    refusal(() => validateInvoke('api:onEvent' as never, []));
    expect(refusal(() => validateInvoke('shell:exec' as never, ['rm -rf /'])).message).toMatch(/not a known channel/);
    refusal(() => validateInvoke(42 as never, []));
  });
});

describe('isTrustedSender', () => {
  it('accepts only our own page', () => {
    expect(isTrustedSender('bloombench-app://app/index.html')).toBe(true);
    expect(isTrustedSender('bloombench-app://app/')).toBe(true);
  });

  it.each([undefined, null, '', 'file:///home/me/evil.html', 'https://example.com/', 'http://127.0.0.1:5173/', 'bloombench-app://evil/index.html', 'bloombench-image://thumb/1', 'about:blank', 'not a url'])('refuses %s', (url) => {
    expect(isTrustedSender(url)).toBe(false);
  });
});

describe('parseImageUrl', () => {
  it('reads the variant and the id', () => {
    expect(parseImageUrl('bloombench-image://thumb/12')).toEqual({ variant: 'thumb', imageId: 12 });
    expect(parseImageUrl('bloombench-image://preview/7/')).toEqual({ variant: 'preview', imageId: 7 });
  });

  it.each([
    'bloombench-image://thumb/../../etc/passwd',
    'bloombench-image://thumb/%2e%2e%2fetc%2fpasswd',
    'bloombench-image://thumb/0',
    'bloombench-image://thumb/-3',
    'bloombench-image://thumb/1e3',
    'bloombench-image://thumb/12?path=/etc/passwd',
    'bloombench-image://full/12',
    'bloombench-image://thumb/99999999999999999999',
    'bloombench-image:///etc/passwd',
    'file:///etc/passwd',
    'https://thumb/12',
  ])('refuses %s', (url) => {
    expect(parseImageUrl(url)).toBeNull();
  });
});
