/**
 * What the forms call each option of a setting (the config keeps the ids: `leaky_relu`,
 * `nesterov`, `val_accuracy`).
 */
import type { Activation, Augmentation, OptimizerName } from '@shared/config';

export const ACTIVATION_TITLES: Readonly<Record<Activation, string>> = { relu: 'ReLU', leaky_relu: 'LeakyReLU', elu: 'ELU', sigmoid: 'sigmoid', tanh: 'tanh', swish: 'swish' };

export const OPTIMIZER_TITLES: Readonly<Record<OptimizerName, string>> = { sgd: 'SGD', momentum: 'SGD + momentum', nesterov: 'SGD + Nesterov', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop' };

export const AUGMENT_TITLES: Readonly<Record<Augmentation, string>> = { flip: 'Horizontal flip', 'resized-crop': 'Random-resized crop', 'pad-crop': 'Pad-and-crop', rotate: 'Rotation', color: 'Colour jitter', blur: 'Blur', cutout: 'Cutout' };
