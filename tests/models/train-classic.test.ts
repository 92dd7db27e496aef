/**
 * Two training steps of LeNet, AlexNet and the VGGs on the pure-JS 'cpu' backend.
 *
 * (The wasm backend lacks Conv2DBackpropFilter for now.)
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe } from 'vitest';
import { trainEachVariant } from './train-shared';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('classic nets train', () => {
  trainEachVariant(['lenet5', 'alexnet', 'vgg11', 'vgg13', 'vgg16', 'vgg19', 'vgg11_bn', 'vgg13_bn', 'vgg16_bn', 'vgg19_bn']);
});
