/**
 * How the forms write activation ids (`leaky_relu` → LeakyReLU); names the language changes
 * (optimizers, augmentations) are in the message catalogue.
 */
import type { Activation } from '@shared/config';

export const ACTIVATION_TITLES: Readonly<Record<Activation, string>> = { relu: 'ReLU', leaky_relu: 'LeakyReLU', elu: 'ELU', sigmoid: 'sigmoid', tanh: 'tanh', swish: 'swish' };
