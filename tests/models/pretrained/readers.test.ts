/**
 * The weight-file readers refuse what is not a fitting state dict, each with a message naming
 * the problem: a pickle that names a foreign global (and runs nothing), a whole pickled model,
 * a truncated or damaged zip, weights of another architecture, files that are no checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../main/compute/backend';
import { buildPretrainedModel, PickleRefusedError, readStateDictSync } from '../../../main/models/pretrained';
import { unpickle } from '../../../main/models/pretrained/pickle';
import { makeTorchvisionFixtures, nchwToNhwc, readFloat32, relativeError } from '../../fixtures/torchvision';

let dir: string;
let marker: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-tvr-'));
  marker = path.join(dir, 'PWNED');
  await makeTorchvisionFixtures(dir, [
    { kind: 'parity', name: 'resnet18', builder: 'resnet18', size: 32, format: 'zip' },
    { kind: 'parity', name: 'resnet34', builder: 'resnet34', size: 32, format: 'zip' },
    { kind: 'parity', name: 'resnet50', builder: 'resnet50', size: 32, format: 'zip' },
    { kind: 'parity', name: 'squeezenet_p4', builder: 'squeezenet1_1', size: 33, format: 'zip', protocol: 4 },
    { kind: 'parity', name: 'squeezenet_legacy_p4', builder: 'squeezenet1_1', size: 33, format: 'legacy', protocol: 4 },
    { kind: 'evil', name: 'evil', marker },
    { kind: 'whole-model', name: 'whole', builder: 'squeezenet1_1' },
  ]);
}, 600_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (name: string): string => path.join(dir, name);
const build = (arch: string, f: string) => buildPretrainedModel(arch, f, { inputSize: 64, numClasses: 5, input: 'bloombench' });

describe('the restricted unpickler', () => {
  it('refuses a pickle that asks for os.system, naming it, and runs nothing', () => {
    const before = tf.memory().numTensors;
    expect(() => build('resnet18', file('evil.pth'))).toThrow(/evil\.pth \(evil\/data\.pkl\): refused to load: the pickle asks for the Python global (posix|os)\.system .*nothing in the file was run/);
    expect(fs.existsSync(marker)).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    try {
      readStateDictSync(file('evil.pth'));
    } catch (e) {
      expect(e).toBeInstanceOf(PickleRefusedError);
      expect((e as PickleRefusedError).global).toMatch(/^(posix|os)\.system$/);
    }
  });

  it('refuses a whole pickled model and says to save its state dict', () => {
    expect(() => readStateDictSync(file('whole.pth'))).toThrow(/refused to load: the pickle asks for the Python global torchvision\.models\.squeezenet\.SqueezeNet .*torch\.save\(model\.state_dict\(\), path\)/);
  });

  it('refuses opcodes a state dict never uses (INST calls a global) and globals through STACK_GLOBAL', () => {
    // Protocol 0 `INST os system`: import-and-call in one opcode.
    const inst = Buffer.from('(ios\nsystem\n.', 'latin1');
    expect(() => unpickle(inst, { source: 'inst.pkl' })).toThrow(/inst\.pkl: the pickle uses opcode 0x69, which a state dict never needs \(refused; nothing was run\)/);
    // Protocol 4: SHORT_BINUNICODE 'builtins', SHORT_BINUNICODE 'eval', STACK_GLOBAL.
    const sg = Buffer.concat([Buffer.from([0x80, 4, 0x8c, 8]), Buffer.from('builtins'), Buffer.from([0x8c, 4]), Buffer.from('eval'), Buffer.from([0x93, 0x2e])]);
    expect(() => unpickle(sg, { source: 'sg.pkl' })).toThrow(/sg\.pkl: refused to load: the pickle asks for the Python global builtins\.eval \(byte 18\)/);
  });

  it('reads protocol-4 pickles (frames, memoize, short strings) in both checkpoint formats', () => {
    for (const name of ['squeezenet_p4', 'squeezenet_legacy_p4']) {
      const { model } = buildPretrainedModel('squeezenet1_1_tv', file(`${name}.pth`), { inputSize: 33, numClasses: 1000, input: 'torchvision', loadHead: true });
      try {
        const x = nchwToNhwc(readFloat32(file(`${name}.input.bin`)), 2, 3, 33);
        const got = tf.tidy(() => (model.predict(tf.tensor4d(x, [2, 33, 33, 3])) as tf.Tensor).dataSync());
        expect(relativeError(got, readFloat32(file(`${name}.logits.bin`))), name).toBeLessThan(1e-4);
      } finally {
        model.dispose();
      }
    }
    expect(readStateDictSync(file('squeezenet_legacy_p4.pth')).format).toBe('legacy');
  });
});

describe('damaged and foreign files', () => {
  it('refuses a truncated zip (a cut download) by name', () => {
    const full = fs.readFileSync(file('resnet18.pth'));
    fs.writeFileSync(file('cut.pth'), full.subarray(0, Math.floor(full.length / 2)));
    expect(() => build('resnet18', file('cut.pth'))).toThrow(/cut\.pth is not a complete zip archive: it has no end-of-central-directory record \(the download was cut short, or it is not a PyTorch file\)/);
  });

  it('refuses a zip whose storage bytes were damaged (CRC-32)', () => {
    const bytes = Buffer.from(fs.readFileSync(file('resnet18.pth')));
    bytes[Math.floor(bytes.length / 3)] ^= 0xff;
    fs.writeFileSync(file('flipped.pth'), bytes);
    expect(() => build('resnet18', file('flipped.pth'))).toThrow(/flipped\.pth: entry \S+ fails its CRC-32 check \(the file is damaged\)/);
  });

  it('refuses ResNet-34 weights offered to ResNet-18, naming the first tensor that does not fit', () => {
    expect(() => build('resnet18', file('resnet34.pth'))).toThrow(
      /resnet34\.pth does not fit resnet18: it holds tensor layer1\.2\.conv1\.weight \[64, 64, 3, 3\], which resnet18 has no place for \(resnet18 takes 102 tensors, the file has 182\)/,
    );
  });

  it('refuses ResNet-18 weights offered to ResNet-34, naming the first tensor the file lacks', () => {
    expect(() => build('resnet34', file('resnet18.pth'))).toThrow(/resnet18\.pth does not fit resnet34: it lacks tensor layer1\.2\.conv1\.weight \[64, 64, 3, 3\] \(for layer conv2_block3_1_conv\)/);
  });

  it('refuses ResNet-50 weights offered to ResNet-18, naming the first tensor of the wrong shape', () => {
    expect(() => build('resnet18', file('resnet50.pth'))).toThrow(/resnet50\.pth does not fit resnet18: tensor layer1\.0\.conv1\.weight has shape \[64, 64, 1, 1\], resnet18 needs \[64, 64, 3, 3\] there \(its layer conv2_block1_1_conv\)/);
  });

  it('refuses an empty file, random bytes and a model that has no weights', () => {
    fs.writeFileSync(file('empty.pth'), '');
    fs.writeFileSync(file('noise.pth'), Buffer.from('this is not a checkpoint at all'));
    expect(() => readStateDictSync(file('empty.pth'))).toThrow(/empty\.pth is empty \(0 bytes\): not a weights file/);
    expect(() => readStateDictSync(file('noise.pth'))).toThrow(/noise\.pth is not a PyTorch checkpoint \(a zip or pickle written by torch\.save\) or a \.safetensors file/);
    expect(() => build('googlenet', file('resnet18.pth'))).toThrow(/googlenet has no pretrained weights: its "5×5" branches are true 5×5 convolutions.*use googlenet_tv/);
  });
});
